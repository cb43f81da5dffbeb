//! Gauss–Hermite quadrature for the standard normal weight, as lme4's `GHrule`.
//!
//! ∫ f(z) φ(z) dz ≈ Σ_k w_k f(z_k), exact for polynomials of degree < 2K, with Σ_k w_k = 1.
//! Nodes are the roots of the K-th probabilists' Hermite polynomial, found by Newton's method from the
//! classical asymptotic guesses (the tests check them against the Golub–Welsch eigenvalues of the Jacobi
//! matrix, which cost far more to compute); weights are the Christoffel
//! numbers w_k = 1 / Σ_{j<K} h_j(z_k)² with h_j the orthonormal Hermite polynomials.

use std::f64::consts::SQRT_2;

use crate::error::{Error, Result};

/// The largest rule offered (lme4 allows nAGQ ≤ 100 too).
pub const MAX_NODES: usize = 100;

/// A Gauss–Hermite rule for the standard normal density.
#[derive(Debug, Clone, PartialEq)]
pub struct GaussHermite {
    pub nodes: Vec<f64>,
    pub weights: Vec<f64>,
    log_envelope: f64,
}

/// Orthonormal Hermite polynomials h_0..h_{k} at z (h_{j+1} = (z h_j − √j h_{j−1}) / √(j+1)).
fn orthonormal_hermite(z: f64, k: usize) -> Vec<f64> {
    let mut h = Vec::with_capacity(k + 1);
    h.push(1.0);
    if k >= 1 {
        h.push(z);
    }
    for j in 1..k {
        let next = (z * h[j] - (j as f64).sqrt() * h[j - 1]) / ((j + 1) as f64).sqrt();
        h.push(next);
    }
    h
}

impl GaussHermite {
    fn new(nodes: Vec<f64>, weights: Vec<f64>) -> GaussHermite {
        let log_envelope = nodes.iter().zip(&weights).map(|(z, w)| w.ln() + 0.5 * z * z).fold(f64::NEG_INFINITY, f64::max);
        GaussHermite { nodes, weights, log_envelope }
    }

    /// max_k (log w_k + z_k²/2): bounds every node's factor w_k·e^{z_k²/2} in adaptive quadrature.
    pub fn max_log_envelope(&self) -> f64 {
        self.log_envelope
    }
}

thread_local! {
    /// Rules already computed: every refit asks for the same few, and an eigen-decomposition of a 100×100
    /// matrix costs more than the fit it serves.
    static RULES: std::cell::RefCell<Vec<Option<GaussHermite>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Check nAGQ as lme4 does (1 ≤ K ≤ 100).
pub fn check_nagq(nagq: usize) -> Result<()> {
    if !(1..=MAX_NODES).contains(&nagq) {
        return Err(Error::InvalidParameter {
            name: "nAGQ",
            expected: format!("a whole number from 1 to {MAX_NODES}"),
            got: nagq.to_string(),
        });
    }
    Ok(())
}

/// nAGQ as glmer takes it: a whole number from 1 to [`MAX_NODES`].
pub fn nagq_from(k: f64) -> Result<usize> {
    if k.fract() == 0.0 && k >= 1.0 && k <= MAX_NODES as f64 {
        let k = k as usize;
        check_nagq(k)?;
        Ok(k)
    } else {
        Err(Error::InvalidParameter { name: "nAGQ", expected: format!("a whole number from 1 to {MAX_NODES}"), got: k.to_string() })
    }
}

/// The K-node rule (1 ≤ K ≤ [`MAX_NODES`]; K is clamped into that range), computed once per thread.
pub fn gauss_hermite(k: usize) -> GaussHermite {
    let k = k.clamp(1, MAX_NODES);
    RULES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() <= k {
            cache.resize(k + 1, None);
        }
        cache[k].get_or_insert_with(|| compute_gauss_hermite(k)).clone()
    })
}

/// Newton's method on h_K, Christoffel weights and symmetrisation (see the module documentation).
fn compute_gauss_hermite(k: usize) -> GaussHermite {
    if k == 1 {
        return GaussHermite::new(vec![0.0], vec![1.0]);
    }
    // Newton's method on h_K from the classical asymptotic first guesses (as Numerical Recipes' gauher,
    // for the physicists' scale x = z/√2), largest root first, each guess built from the previous roots.
    let nf = k as f64;
    let half = k.div_ceil(2);
    let mut positive: Vec<f64> = Vec::with_capacity(half);
    for i in 0..half {
        let x = match i {
            0 => (2.0 * nf + 1.0).sqrt() - 1.85575 * (2.0 * nf + 1.0).powf(-1.0 / 6.0),
            1 => positive[0] / SQRT_2 - 1.14 * nf.powf(0.426) / (positive[0] / SQRT_2),
            2 => 1.86 * positive[1] / SQRT_2 - 0.86 * positive[0] / SQRT_2,
            3 => 1.91 * positive[2] / SQRT_2 - 0.91 * positive[1] / SQRT_2,
            _ => 2.0 * positive[i - 1] / SQRT_2 - positive[i - 2] / SQRT_2,
        };
        let mut z = x * SQRT_2;
        for _ in 0..100 {
            // h_K' = √K h_{K−1}
            let h = orthonormal_hermite(z, k);
            let step = h[k] / ((k as f64).sqrt() * h[k - 1]);
            if !step.is_finite() {
                break;
            }
            z -= step;
            if step.abs() <= 1e-15 * z.abs().max(1.0) {
                break;
            }
        }
        // The middle root of an odd rule is exactly 0.
        positive.push(if k % 2 == 1 && i + 1 == half { 0.0 } else { z });
    }
    let mut nodes: Vec<f64> = positive.iter().map(|z| -z).collect();
    nodes.extend(positive.iter().rev().skip(k % 2));
    // Symmetrise, as lme4 and MixedModels.jl do, so that the rule is exactly odd-symmetric.
    let n = nodes.len();
    let sym: Vec<f64> = (0..n).map(|i| 0.5 * (nodes[i] - nodes[n - 1 - i])).collect();
    let mut weights: Vec<f64> = sym
        .iter()
        .map(|&z| 1.0 / orthonormal_hermite(z, k - 1).iter().map(|h| h * h).sum::<f64>())
        .collect();
    let wsym: Vec<f64> = (0..n).map(|i| 0.5 * (weights[i] + weights[n - 1 - i])).collect();
    weights = wsym;
    let total: f64 = weights.iter().sum();
    weights.iter_mut().for_each(|w| *w /= total);
    GaussHermite::new(sym, weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// E[Z^{2m}] = (2m − 1)!! for a standard normal.
    fn double_factorial_odd(m: usize) -> f64 {
        (1..=m).map(|j| (2 * j - 1) as f64).product()
    }

    #[test]
    fn rules_integrate_normal_moments_exactly() {
        for &k in &[1usize, 2, 3, 5, 10, 25, 50, 100] {
            let r = gauss_hermite(k);
            assert_eq!(r.nodes.len(), k);
            let total: f64 = r.weights.iter().sum();
            assert!((total - 1.0).abs() < 1e-14, "k={k}");
            for m in 1..k.min(8) {
                let moment: f64 = r.nodes.iter().zip(&r.weights).map(|(z, w)| w * z.powi(2 * m as i32)).sum();
                let exact = double_factorial_odd(m);
                assert!((moment / exact - 1.0).abs() < 1e-12, "k={k} m={m}: {moment} vs {exact}");
            }
        }
    }

    #[test]
    fn newton_nodes_equal_the_golub_welsch_eigenvalues() {
        use nalgebra::{DMatrix, SymmetricEigen};
        for k in [2usize, 7, 20, 51, 100] {
            // Jacobi matrix of the monic recurrence He_{j+1} = z He_j − j He_{j−1}.
            let jacobi = DMatrix::from_fn(k, k, |r, c| if r + 1 == c || c + 1 == r { (r.max(c) as f64).sqrt() } else { 0.0 });
            let mut eig: Vec<f64> = SymmetricEigen::new(jacobi).eigenvalues.iter().copied().collect();
            eig.sort_by(|a, b| a.total_cmp(b));
            let rule = gauss_hermite(k);
            for (a, b) in rule.nodes.iter().zip(&eig) {
                assert!((a - b).abs() < 1e-11 * b.abs().max(1.0), "k={k}: {a} vs {b}");
            }
            assert!(rule.nodes.windows(2).all(|w| w[0] < w[1]), "k={k}: nodes strictly increasing");
        }
    }

    #[test]
    fn known_three_point_rule() {
        // He_3 = z³ − 3z: nodes 0, ±√3 with weights 2/3, 1/6, 1/6.
        let r = gauss_hermite(3);
        assert!((r.nodes[2] - 3f64.sqrt()).abs() < 1e-15);
        assert!(r.nodes[1].abs() < 1e-15);
        assert!((r.weights[1] - 2.0 / 3.0).abs() < 1e-15);
        assert!((r.weights[0] - 1.0 / 6.0).abs() < 1e-15);
    }

    #[test]
    fn hundred_point_rule_integrates_a_logistic_expectation() {
        // E[logistic(Z)] = 1/2 by symmetry; E[exp(Z)] = e^{1/2}.
        let r = gauss_hermite(100);
        let e: f64 = r.nodes.iter().zip(&r.weights).map(|(z, w)| w * z.exp()).sum();
        assert!((e - 0.5f64.exp()).abs() < 1e-13);
        let l: f64 = r.nodes.iter().zip(&r.weights).map(|(z, w)| w / (1.0 + (-z).exp())).sum();
        assert!((l - 0.5).abs() < 1e-15);
    }
}
