//! Second-order jets in f64: a value f with its gradient ∇f and Hessian ∇²f in M parameters, and the few
//! operations the objective needs, each by the chain rule written out:
//!   (f + g)'' = f'' + g'',   (fg)'' = f g'' + g f'' + ∇f ∇g' + ∇g ∇f',
//!   h(f)'' = h'(f) ∇²f + h''(f) ∇f ∇f'   (h = ln, exp, √, 1/x).
//! The same numbers as num-dual's second-order dual numbers, without their generic machinery: every
//! operation is O(M²) with fixed-size (stack) arrays, and only the upper triangle of the Hessian
//! (j ≤ k) is kept until [`Jet::hessian`] mirrors it.

use nalgebra::{DMatrix, DVector};
use std::ops::{Add, AddAssign, Mul, Sub};

/// f, ∇f and the upper triangle of ∇²f (h[j][k] for j ≤ k; the rest is not kept).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jet<const M: usize> {
    pub v: f64,
    pub g: [f64; M],
    pub h: [[f64; M]; M],
}

impl<const M: usize> Jet<M> {
    /// A constant: zero gradient and Hessian.
    #[inline]
    pub fn constant(v: f64) -> Jet<M> {
        Jet { v, g: [0.0; M], h: [[0.0; M]; M] }
    }

    /// The i-th parameter itself at value v: gradient e_i, Hessian 0.
    #[inline]
    pub fn variable(v: f64, i: usize) -> Jet<M> {
        let mut j = Jet::constant(v);
        if let Some(gi) = j.g.get_mut(i) {
            *gi = 1.0;
        }
        j
    }

    /// The infinitesimal part f − re(f): value 0, the same derivatives.
    #[inline]
    pub fn infinitesimal(mut self) -> Jet<M> {
        self.v = 0.0;
        self
    }

    /// h(f) from h(f), h'(f), h''(f): value h0, gradient h1 ∇f, Hessian h1 ∇²f + h2 ∇f ∇f'.
    #[inline]
    pub fn chain(&self, h0: f64, h1: f64, h2: f64) -> Jet<M> {
        let mut r = Jet::constant(h0);
        for j in 0..M {
            r.g[j] = h1 * self.g[j];
            let gj = h2 * self.g[j];
            for k in j..M {
                r.h[j][k] = h1 * self.h[j][k] + gj * self.g[k];
            }
        }
        r
    }

    #[inline]
    pub fn ln(&self) -> Jet<M> {
        let r = 1.0 / self.v;
        self.chain(self.v.ln(), r, -r * r)
    }

    #[inline]
    pub fn exp(&self) -> Jet<M> {
        let e = self.v.exp();
        self.chain(e, e, e)
    }

    #[inline]
    pub fn sqrt(&self) -> Jet<M> {
        let s = self.v.sqrt();
        let d1 = 0.5 / s;
        self.chain(s, d1, -0.5 * d1 / self.v)
    }

    #[inline]
    pub fn recip(&self) -> Jet<M> {
        let r = 1.0 / self.v;
        self.chain(r, -r * r, 2.0 * r * r * r)
    }

    /// f², cheaper than f·f.
    #[inline]
    pub fn square(&self) -> Jet<M> {
        self.chain(self.v * self.v, 2.0 * self.v, 2.0)
    }

    /// The gradient as a vector.
    pub fn gradient(&self) -> DVector<f64> {
        DVector::from_column_slice(&self.g)
    }

    /// Value, gradient and (symmetric) Hessian in the first n parameters (the rest are padding).
    pub fn leading(&self, n: usize) -> (f64, DVector<f64>, DMatrix<f64>) {
        let n = n.min(M);
        (self.v, DVector::from_fn(n, |j, _| self.g[j]), DMatrix::from_fn(n, n, |j, k| if j <= k { self.h[j][k] } else { self.h[k][j] }))
    }

    /// The full (symmetric) Hessian.
    pub fn hessian(&self) -> DMatrix<f64> {
        DMatrix::from_fn(M, M, |j, k| if j <= k { self.h[j][k] } else { self.h[k][j] })
    }
}

/// The most parameters (fixed effects + θ) whose derivatives are exact: the largest jet compiled.
pub const MAX_PARAMETERS: usize = 16;

/// A function of (β, θ) whose value, gradient and Hessian come from one [`Jet`] of any size M ≥ its
/// parameter count (the parameters first, padding after them).
pub trait JetFunction {
    /// p + 1: the fixed effects and θ.
    fn parameters(&self) -> usize;
    /// The jet at the current β (real parts), θ = `theta` as parameter p.
    fn jet_at<const M: usize>(&self, theta: f64) -> Jet<M>;
}

/// Value, gradient and Hessian of `f` at x = (β, θ) by jets of the smallest compiled size ≥ p + 1 (3, 5, 7,
/// 10 or 16: a few sizes compiled, not one per parameter count). None unless x has p + 1 ≤ 16 entries.
pub fn jet_value_gradient_hessian<T: JetFunction>(f: &T, x: &[f64]) -> Option<(f64, DVector<f64>, DMatrix<f64>)> {
    let m = f.parameters();
    if x.len() != m {
        return None;
    }
    let theta = x[m - 1];
    match m {
        0 => None,
        1..=3 => Some(f.jet_at::<3>(theta).leading(m)),
        4..=5 => Some(f.jet_at::<5>(theta).leading(m)),
        6..=7 => Some(f.jet_at::<7>(theta).leading(m)),
        8..=10 => Some(f.jet_at::<10>(theta).leading(m)),
        11..=MAX_PARAMETERS => Some(f.jet_at::<MAX_PARAMETERS>(theta).leading(m)),
        _ => None,
    }
}

impl<const M: usize> Add for Jet<M> {
    type Output = Jet<M>;
    #[inline]
    fn add(mut self, o: Jet<M>) -> Jet<M> {
        self += o;
        self
    }
}

impl<const M: usize> AddAssign for Jet<M> {
    #[inline]
    fn add_assign(&mut self, o: Jet<M>) {
        self.v += o.v;
        for j in 0..M {
            self.g[j] += o.g[j];
            for k in j..M {
                self.h[j][k] += o.h[j][k];
            }
        }
    }
}

impl<const M: usize> Sub for Jet<M> {
    type Output = Jet<M>;
    #[inline]
    fn sub(mut self, o: Jet<M>) -> Jet<M> {
        self.v -= o.v;
        for j in 0..M {
            self.g[j] -= o.g[j];
            for k in j..M {
                self.h[j][k] -= o.h[j][k];
            }
        }
        self
    }
}

impl<const M: usize> Add<f64> for Jet<M> {
    type Output = Jet<M>;
    #[inline]
    fn add(mut self, c: f64) -> Jet<M> {
        self.v += c;
        self
    }
}

impl<const M: usize> Mul<f64> for Jet<M> {
    type Output = Jet<M>;
    #[inline]
    fn mul(mut self, c: f64) -> Jet<M> {
        self.v *= c;
        for j in 0..M {
            self.g[j] *= c;
            for k in j..M {
                self.h[j][k] *= c;
            }
        }
        self
    }
}

impl<const M: usize> Mul for Jet<M> {
    type Output = Jet<M>;
    /// (fg) = f g, ∇(fg) = f∇g + g∇f, ∇²(fg) = f∇²g + g∇²f + ∇f∇g' + ∇g∇f'.
    #[inline]
    fn mul(self, o: Jet<M>) -> Jet<M> {
        let mut r = Jet::constant(self.v * o.v);
        for j in 0..M {
            r.g[j] = self.v * o.g[j] + o.v * self.g[j];
            for k in j..M {
                r.h[j][k] = self.v * o.h[j][k] + o.v * self.h[j][k] + self.g[j] * o.g[k] + o.g[j] * self.g[k];
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::SVector;
    use num_dual::{Dual2SVec64, DualNum};

    /// One expression with every operation, in jets and in num-dual's dual numbers.
    fn expression<T>(x: T, y: T, z: T, ln: impl Fn(T) -> T, exp: impl Fn(T) -> T, sqrt: impl Fn(T) -> T, recip: impl Fn(T) -> T) -> T
    where
        T: Copy + Add<Output = T> + Sub<Output = T> + Mul<Output = T> + Mul<f64, Output = T> + Add<f64, Output = T>,
    {
        let a = x * y + z * 0.5;
        let b = exp(a * z - y) + ln(x * x + 1.0);
        let c = sqrt(b + 2.0) * recip(y * y + x + 3.0);
        c * c - a + b * 0.25
    }

    #[test]
    fn jets_equal_dual_numbers() {
        let at = [0.7, -0.4, 1.3];
        let j = expression(
            Jet::<3>::variable(at[0], 0),
            Jet::<3>::variable(at[1], 1),
            Jet::<3>::variable(at[2], 2),
            |t| t.ln(),
            |t| t.exp(),
            |t| t.sqrt(),
            |t| t.recip(),
        );
        let (v, g, h) = num_dual::hessian(
            |x: SVector<Dual2SVec64<3>, 3>| expression(x[0], x[1], x[2], |t| t.ln(), |t| t.exp(), |t| t.sqrt(), |t| t.recip()),
            &SVector::<f64, 3>::from_column_slice(&at),
        );
        assert!((j.v - v).abs() <= 1e-14 * v.abs());
        for i in 0..3 {
            assert!((j.g[i] - g[i]).abs() <= 1e-13 * g[i].abs().max(1.0), "gradient {i}: {} vs {}", j.g[i], g[i]);
            for k in 0..3 {
                let hj = j.hessian()[(i, k)];
                assert!((hj - h[(i, k)]).abs() <= 1e-13 * h[(i, k)].abs().max(1.0), "Hessian {i}{k}: {hj} vs {}", h[(i, k)]);
            }
        }
        assert!(j.hessian()[(0, 1)] != 0.0 && j.hessian()[(2, 0)] == j.hessian()[(0, 2)]);
    }
}
