//! Second-order Taylor sums of a group's row functions in (β, a), and their lift to dual numbers.
//!
//! Row i of a group has linear predictor η_i = x_i'β + a (a = θu, the group's random intercept). For a row
//! function F, the sum over the group's rows Σ_i F(η_i) depends on (β, a) only through the η_i, so with
//! x̃_i = (x_i, 1) and a step δ = (δβ, δa):
//!   Σ_i F(η_i + x̃_i'δ) = S0 + S1'δ + ½ δ'S2 δ + O(|δ|³),
//!   S0 = Σ F(η_i),  S1 = Σ F'(η_i) x̃_i,  S2 = Σ F''(η_i) x̃_i x̃_i'.
//! One pass over the rows at the real point gives (S0, S1, S2); evaluating the polynomial at the
//! infinitesimal parts of dual numbers (β, a) then gives the sum as a dual number, exact to second order:
//! the gradient and Hessian of the objective without a dual number per row. The library lifts by explicit
//! chain rule into [`Jet`]s ([`TaylorSums::lift_jet`]); the dual-number lift is the tests' oracle.

use super::jet::Jet;
#[cfg(test)]
use num_dual::DualNum;

/// (S0, S1, S2) of one row function over one group; S2 packed by rows of its upper triangle.
#[derive(Debug, Clone)]
pub struct TaylorSums {
    /// Number of coordinates m = p + 1 (the p fixed effects and a).
    pub m: usize,
    pub s0: f64,
    pub s1: Vec<f64>,
    pub s2: Vec<f64>,
}

impl TaylorSums {
    pub fn new(m: usize) -> TaylorSums {
        TaylorSums { m, s0: 0.0, s1: vec![0.0; m], s2: vec![0.0; m * (m + 1) / 2] }
    }

    pub fn clear(&mut self) {
        self.s0 = 0.0;
        self.s1.iter_mut().for_each(|v| *v = 0.0);
        self.s2.iter_mut().for_each(|v| *v = 0.0);
    }

    /// Adds one row: x its p fixed-effect values (the last coordinate, a's, is 1), f = (F, F', F'').
    #[inline]
    pub fn add(&mut self, x: &[f64], f: [f64; 3]) {
        let p = x.len();
        self.s0 += f[0];
        let mut idx = 0;
        for j in 0..p {
            self.s1[j] += f[1] * x[j];
            let f2x = f[2] * x[j];
            for &xk in &x[j..] {
                self.s2[idx] += f2x * xk;
                idx += 1;
            }
            self.s2[idx] += f2x;
            idx += 1;
        }
        self.s1[p] += f[1];
        self.s2[idx] += f[2];
    }

    /// The a-coordinate of S1 (Σ F').
    pub fn s1_a(&self) -> f64 {
        self.s1[self.m - 1]
    }

    /// The test oracle's lift: the sum as a dual number at β + δβ, a + δa, from the infinitesimal parts prepared in `inf` (δβ,
    /// and their products, shared by every lift of one evaluation) and δa.
    #[cfg(test)]
    pub fn lift<D: DualNum<Primitive = f64> + Copy>(&self, inf: &Infinitesimals<D>, delta_a: D) -> D {
        let p = self.m - 1;
        let mut r = D::from(self.s0);
        let mut idx = 0;
        let mut pidx = 0;
        let mut a_coef = D::from(self.s1[p]);
        for j in 0..p {
            r += inf.delta[j] * self.s1[j];
            r += inf.products[pidx] * (0.5 * self.s2[idx]);
            idx += 1;
            pidx += 1;
            for _ in j + 1..p {
                r += inf.products[pidx] * self.s2[idx];
                idx += 1;
                pidx += 1;
            }
            a_coef += inf.delta[j] * self.s2[idx];
            idx += 1;
        }
        a_coef += delta_a * (0.5 * self.s2[idx]);
        r + a_coef * delta_a
    }
}

impl TaylorSums {
    /// The sum as a [`Jet`] in x = (β, θ) (M ≥ m: coordinates past θ, at index m − 1, are padding and stay
    /// zero): δβ = β − re(β) and δa = `delta_a`, a's infinitesimal
    /// part (value 0, its gradient ∇a and Hessian ∇²a in x). With J = ∂δ/∂x (rows e_j for δβ_j, ∇a' for
    /// δa), the chain rule gives
    ///   value S0,   gradient J'S1 = (S1_β, 0) + S1_a ∇a,
    ///   Hessian J'S2J + S1_a ∇²a = [S2_ββ 0; 0 0] + v∇a' + ∇a v' + S1_a ∇²a,  v = (S2_βa, 0) + ½ S2_aa ∇a:
    /// what [`TaylorSums::lift`] gives in dual numbers, in O(M²) operations on reals.
    #[inline]
    pub fn lift_jet<const M: usize>(&self, delta_a: &Jet<M>) -> Jet<M> {
        let m = self.m;
        let p = m - 1;
        let da = &delta_a.g;
        let s_a = self.s1[p];
        // `start`: where row j of the packed upper triangle of S2 (m × m) begins, Σ_{i<j} (m − i); S2[j][a] ends it.
        let d = self.s2[self.s2.len() - 1];
        let mut v = [0.0; M];
        let mut start = 0;
        for (j, vj) in v.iter_mut().enumerate() {
            let cross = if j < p { self.s2[start + (m - 1 - j)] } else { 0.0 };
            *vj = cross + 0.5 * d * da[j];
            if j < p {
                start += m - j;
            }
        }
        let mut r = Jet::constant(self.s0);
        let mut start = 0;
        for j in 0..M {
            r.g[j] = if j < p { self.s1[j] } else { 0.0 } + s_a * da[j];
            for k in j..M {
                let beta_block = if k < p { self.s2[start + (k - j)] } else { 0.0 };
                r.h[j][k] = beta_block + v[j] * da[k] + v[k] * da[j] + s_a * delta_a.h[j][k];
            }
            if j < p {
                start += m - j;
            }
        }
        r
    }
}

/// The infinitesimal parts δβ_j = β_j − re(β_j) and their products δβ_j δβ_k (j ≤ k, packed).
#[cfg(test)]
#[derive(Debug, Clone)]
pub struct Infinitesimals<D> {
    pub delta: Vec<D>,
    pub products: Vec<D>,
}

#[cfg(test)]
impl<D: DualNum<Primitive = f64> + Copy> Infinitesimals<D> {
    pub fn new(beta: &[D]) -> Infinitesimals<D> {
        let delta: Vec<D> = beta.iter().map(|b| *b - b.re()).collect();
        let mut products = Vec::with_capacity(delta.len() * (delta.len() + 1) / 2);
        for j in 0..delta.len() {
            for k in j..delta.len() {
                products.push(delta[j] * delta[k]);
            }
        }
        Infinitesimals { delta, products }
    }
}

/// The infinitesimal part of a dual number: d − re(d).
#[cfg(test)]
#[inline]
pub fn infinitesimal<D: DualNum<Primitive = f64> + Copy>(d: D) -> D {
    d - d.re()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::SVector;
    use num_dual::{Dual2SVec64, DualStruct};

    #[test]
    fn lift_equals_the_sum_evaluated_in_dual_numbers() {
        // F = exp, rows x = (1, x1, x2), β and a dual: the lift must equal Σ exp(x'β + a) in dual arithmetic.
        let rows = [[1.0, 0.3, -1.2], [1.0, -0.7, 0.4], [1.0, 1.5, 2.0]];
        let beta0 = [0.1, -0.4, 0.25];
        let a0 = 0.6;
        let mut s = TaylorSums::new(4);
        for x in &rows {
            let eta: f64 = x.iter().zip(&beta0).map(|(a, b)| a * b).sum::<f64>() + a0;
            s.add(x, [eta.exp(), eta.exp(), eta.exp()]);
        }
        let at = SVector::<f64, 4>::new(beta0[0], beta0[1], beta0[2], 1.3);
        let lifted = num_dual::hessian(
            |v: SVector<Dual2SVec64<4>, 4>| {
                let beta = [v[0], v[1], v[2]];
                // a depends on β and the 4th variable nonlinearly, as θ·û(β, θ) does
                let a = v[3] * v[3] * 0.5 + v[0] * v[3] * 0.2;
                let a = a - a.re() + a0;
                let inf = Infinitesimals::new(&beta);
                s.lift(&inf, infinitesimal(a))
            },
            &at,
        );
        let direct = num_dual::hessian(
            |v: SVector<Dual2SVec64<4>, 4>| {
                let a = v[3] * v[3] * 0.5 + v[0] * v[3] * 0.2;
                let a = a - a.re() + a0;
                rows.iter().fold(Dual2SVec64::<4>::from(0.0), |acc, x| acc + (v[0] * x[0] + v[1] * x[1] + v[2] * x[2] + a).exp())
            },
            &at,
        );
        assert!((lifted.0 - direct.0).abs() < 1e-12);
        assert!((lifted.1 - direct.1).norm() < 1e-12, "{} vs {}", lifted.1, direct.1);
        assert!((lifted.2 - direct.2).norm() < 1e-12, "{} vs {}", lifted.2, direct.2);
        // the explicit chain rule: the same numbers from a's jet
        let (b, t) = (at[0], at[3]);
        let mut a = Jet::<4>::constant(0.0);
        a.g = [0.2 * t, 0.0, 0.0, t + 0.2 * b];
        a.h[0][3] = 0.2;
        a.h[3][3] = 1.0;
        let jet = s.lift_jet(&a);
        assert!((jet.v - lifted.0).abs() < 1e-12);
        let (g, h) = (nalgebra::DVector::from_column_slice(lifted.1.as_slice()), nalgebra::DMatrix::from_column_slice(4, 4, lifted.2.as_slice()));
        assert!((jet.gradient() - &g).norm() < 1e-12 * g.norm(), "{} vs {g}", jet.gradient());
        assert!((jet.hessian() - &h).norm() < 1e-12 * h.norm(), "{} vs {h}", jet.hessian());
    }
}
