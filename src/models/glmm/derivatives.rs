//! Exact gradient and Hessian of a function written once over dual numbers, for any number of parameters.
//!
//! A [`DualFunction`] is generic over the number type; [`value_gradient_hessian`] evaluates it in num-dual's
//! second-order dual numbers with a fixed-size (stack) derivative part, chosen at run time from the number
//! of parameters (up to [`MAX_PARAMETERS`]): no allocation per arithmetic operation.

use nalgebra::{DMatrix, DVector, SVector};
use num_dual::{Dual2SVec64, DualNum};

pub use super::jet::MAX_PARAMETERS;

/// A function of m parameters, written once for every dual number type.
pub trait DualFunction {
    fn eval<D: DualNum<Primitive = f64> + Copy>(&self, x: &[D]) -> D;
}

/// Value, gradient and Hessian at x; None when x has more than [`MAX_PARAMETERS`] entries (or none).
pub fn value_gradient_hessian<O: DualFunction>(f: &O, x: &[f64]) -> Option<(f64, DVector<f64>, DMatrix<f64>)> {
    macro_rules! sized {
        ($($m:literal)*) => {
            match x.len() {
                $($m => Some(fixed::<O, $m>(f, x)),)*
                _ => None,
            }
        };
    }
    sized!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

fn fixed<O: DualFunction, const M: usize>(f: &O, x: &[f64]) -> (f64, DVector<f64>, DMatrix<f64>) {
    let at = SVector::<f64, M>::from_column_slice(x);
    let (v, g, h) = num_dual::hessian(|v: SVector<Dual2SVec64<M>, M>| f.eval(v.as_slice()), &at);
    (v, DVector::from_column_slice(g.as_slice()), DMatrix::from_column_slice(M, M, h.as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Quartic;
    impl DualFunction for Quartic {
        fn eval<D: DualNum<Primitive = f64> + Copy>(&self, x: &[D]) -> D {
            x.iter().enumerate().fold(D::from(0.0), |acc, (i, &v)| acc + v.powi(4) * (i as f64 + 1.0) + v * x[0])
        }
    }

    #[test]
    fn derivatives_for_any_size() {
        for m in [1usize, 3, 7, 16] {
            let x: Vec<f64> = (0..m).map(|i| 0.3 + 0.1 * i as f64).collect();
            let (v, g, h) = value_gradient_hessian(&Quartic, &x).unwrap();
            let f = |x: &[f64]| x.iter().enumerate().map(|(i, v)| v.powi(4) * (i as f64 + 1.0) + v * x[0]).sum::<f64>();
            assert!((v - f(&x)).abs() < 1e-13 * v.abs().max(1.0));
            for i in 0..m {
                let mut want = 4.0 * x[i].powi(3) * (i as f64 + 1.0) + x[0];
                if i == 0 {
                    want += x.iter().sum::<f64>();
                }
                assert!((g[i] - want).abs() < 1e-12, "m={m} i={i}");
                let mut hii = 12.0 * x[i].powi(2) * (i as f64 + 1.0);
                if i == 0 {
                    hii += 2.0;
                }
                assert!((h[(i, i)] - hii).abs() < 1e-12);
            }
        }
        assert!(value_gradient_hessian(&Quartic, &[0.0; 17]).is_none());
    }
}
