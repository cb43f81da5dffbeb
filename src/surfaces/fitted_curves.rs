//! Fitted curves of figures 1 and 2, one per group, on an x grid spanning the data.
//!
//! * `lm(y ~ x + factor(group))`: ŷ_g(x) = b₀ + b₁x + b_g (b_g = 0 for the first group), dashed.
//! * `lmer(y ~ x + (1|group))`: ŷ_g(x) = α + βx + ẑ_g (fixed effects plus BLUP), solid.
//! * `glm(y_bin ~ x + factor(group), binomial)`: p_g(x) = logistic(b₀ + b₁x + b_g), dashed.
//! * `glmer(y_bin ~ x + (1|group), binomial)`: p_g(x) = logistic(α + βx + ẑ_g), solid.
//! * The GLMM's population-averaged curve
//!   P(y = 1 | x) = ∫ logistic(α + βx + b) N(b; 0, σ_b²) db ≈ Σ_k w_k logistic(α + βx + σ_b t_k)
//!   with the Gauss–Hermite rule (t_k, w_k) of the standard normal density.

use serde::{Deserialize, Serialize};

use crate::models::family::logistic;
use crate::models::quadrature::gauss_hermite;
use crate::report::{GlmFit, GlmmFit, LmFit, LmmFit};

/// Points on the x grid of the fitted curves.
pub const X_POINTS: usize = 201;
/// Gauss–Hermite nodes for the population-averaged curve.
pub const PA_NODES: usize = 40;

/// Every curve of figures 1 and 2 (a model that failed, or does not match the groups, is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FittedCurves {
    pub x: Vec<f64>,
    /// Per group: `lm(y ~ x + factor(group))`.
    pub lm_group: Option<Vec<Vec<f64>>>,
    /// Per group: `lmer(y ~ x + (1|group))`.
    pub lmm: Option<Vec<Vec<f64>>>,
    /// Per group: `glm(y_bin ~ x + factor(group), binomial)`.
    pub glm_group: Option<Vec<Vec<f64>>>,
    /// Per group: `glmer(y_bin ~ x + (1|group), binomial)`.
    pub glmm: Option<Vec<Vec<f64>>>,
    /// The GLMM's population-averaged P(y = 1 | x).
    pub population_average: Option<Vec<f64>>,
    /// The GLMM's curve of a group with b = 0, logistic(α + βx).
    #[serde(default)]
    pub zero_effect: Option<Vec<f64>>,
}

/// x grid over [min − 5%, max + 5%] of the data (±1 around a single value).
pub fn x_grid(x: &[f64]) -> Vec<f64> {
    let (lo, hi) = finite_range(x).unwrap_or((-1.0, 1.0));
    let pad = if hi > lo { 0.05 * (hi - lo) } else { 1.0 };
    let (lo, hi) = (lo - pad, hi + pad);
    (0..X_POINTS).map(|k| lo + (hi - lo) * k as f64 / (X_POINTS - 1) as f64).collect()
}

/// Smallest and largest finite value.
pub fn finite_range(v: &[f64]) -> Option<(f64, f64)> {
    let mut it = v.iter().copied().filter(|t| t.is_finite());
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), t| (lo.min(t), hi.max(t))))
}

/// Linear predictor intercept of each group from R's treatment coding (Intercept), x, group2, ….
fn treatment_intercepts(coef: &[f64], groups: usize) -> Option<(Vec<f64>, f64)> {
    if groups == 0 || coef.len() != groups + 1 || coef.iter().any(|c| !c.is_finite()) {
        return None;
    }
    let b0 = coef[0];
    let ints = (0..groups).map(|g| if g == 0 { b0 } else { b0 + coef[g + 1] }).collect();
    Some((ints, coef[1]))
}

fn random_intercepts(fixef: &[f64], ranef: &[f64], groups: usize) -> Option<(Vec<f64>, f64)> {
    if fixef.len() < 2 || ranef.len() != groups || fixef.iter().chain(ranef).any(|c| !c.is_finite()) {
        return None;
    }
    Some((ranef.iter().map(|z| fixef[0] + z).collect(), fixef[1]))
}

fn lines(x: &[f64], (ints, slope): (Vec<f64>, f64), link: fn(f64) -> f64) -> Vec<Vec<f64>> {
    ints.iter().map(|&a| x.iter().map(|&t| link(a + slope * t)).collect()).collect()
}

fn identity(t: f64) -> f64 {
    t
}

/// `lm(y ~ x + factor(group))` lines.
pub fn lm_lines(x: &[f64], fit: &LmFit, groups: usize) -> Option<Vec<Vec<f64>>> {
    treatment_intercepts(&fit.coef, groups).map(|p| lines(x, p, identity))
}

/// `lmer` lines: fixed effects plus each group's BLUP.
pub fn lmm_lines(x: &[f64], fit: &LmmFit, groups: usize) -> Option<Vec<Vec<f64>>> {
    random_intercepts(&fit.fixef, &fit.ranef, groups).map(|p| lines(x, p, identity))
}

/// `glm(y_bin ~ x + factor(group))` probability curves.
pub fn glm_curves(x: &[f64], fit: &GlmFit, groups: usize) -> Option<Vec<Vec<f64>>> {
    treatment_intercepts(&fit.coef, groups).map(|p| lines(x, p, logistic))
}

/// `glmer` conditional probability curves logistic(α + βx + ẑ_g).
pub fn glmm_curves(x: &[f64], fit: &GlmmFit, groups: usize) -> Option<Vec<Vec<f64>>> {
    random_intercepts(&fit.fixef, &fit.ranef, groups).map(|p| lines(x, p, logistic))
}

/// The b = 0 curve logistic(α + βx): a group whose random intercept is zero.
pub fn zero_effect(x: &[f64], fit: &GlmmFit) -> Option<Vec<f64>> {
    if fit.fixef.len() < 2 || !fit.fixef[0].is_finite() || !fit.fixef[1].is_finite() {
        return None;
    }
    Some(x.iter().map(|&t| logistic(fit.fixef[0] + fit.fixef[1] * t)).collect())
}

/// The population-averaged curve's steepest slope and the b = 0 curve's, (|β| ∫ ψ(b) N(b; 0, σ_b²) db, |β|/4)
/// with ψ = p(1 − p) the logistic density: both curves are steepest where α + βx = 0 (the convolution of two
/// symmetric log-concave densities peaks at the centre), and the first is smaller for σ_b > 0 since
/// ψ < 1/4 away from 0. The integral by the trapezoid rule with step min(σ_b, 1)/16 over the range where
/// either factor is above e^−40 (spectrally accurate for this analytic, fast-decaying integrand).
pub fn steepest_slopes(fit: &GlmmFit) -> Option<(f64, f64)> {
    if fit.fixef.len() < 2 || !fit.fixef[1].is_finite() || !fit.sigma_b.is_finite() || fit.sigma_b < 0.0 {
        return None;
    }
    let (b, s) = (fit.fixef[1].abs(), fit.sigma_b);
    if s == 0.0 {
        return Some((b / 4.0, b / 4.0));
    }
    let half = (9.0 * s).min(40.0);
    let h = s.min(1.0) / 16.0;
    let k_max = (half / h).ceil() as i64;
    let norm = 1.0 / (s * (2.0 * std::f64::consts::PI).sqrt());
    let sum: f64 = (-k_max..=k_max)
        .map(|k| {
            let t = k as f64 * h;
            let p = logistic(t);
            p * (1.0 - p) * norm * (-0.5 * (t / s).powi(2)).exp()
        })
        .sum();
    Some((b * sum * h, b / 4.0))
}

/// Population-averaged P(y = 1 | x) = ∫ logistic(α + βx + σ_b t) φ(t) dt by Gauss–Hermite.
pub fn population_average(x: &[f64], fit: &GlmmFit) -> Option<Vec<f64>> {
    if fit.fixef.len() < 2 || !fit.fixef[0].is_finite() || !fit.fixef[1].is_finite() {
        return None;
    }
    if !fit.sigma_b.is_finite() || fit.sigma_b < 0.0 {
        return None;
    }
    let rule = gauss_hermite(PA_NODES);
    let (a, b, s) = (fit.fixef[0], fit.fixef[1], fit.sigma_b);
    Some(
        x.iter()
            .map(|&t| rule.nodes.iter().zip(&rule.weights).map(|(&z, &w)| w * logistic(a + b * t + s * z)).sum())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_average_is_flatter_and_symmetric_about_one_half() {
        let fit = GlmmFit {
            fixef: vec![0.0, 1.0],
            sigma_b: 2.0,
            ranef: vec![],
            ranef_sum: 0.0,
            cond_means: vec![],
            cond_means_sum: 0.0,
            loglik: 0.0,
            deviance: 0.0,
            nagq: 1,
            singular: false,
            rel_gradient: 0.0,
            iterations: 0,
            exact_loglik: None,
            exact_loglik_gap: None,
            note: None,
        };
        let x = [-2.0, 0.0, 2.0];
        let pa = population_average(&x, &fit).unwrap();
        assert!((pa[1] - 0.5).abs() < 1e-12);
        assert!((pa[0] + pa[2] - 1.0).abs() < 1e-12);
        // Attenuated towards 1/2 compared with the conditional curve at b = 0.
        assert!(pa[2] < logistic(2.0) && pa[2] > 0.5);
        // Against a brute-force Riemann sum of the integral.
        let mut riemann = 0.0;
        let h = 0.001;
        let mut t: f64 = -12.0;
        while t <= 12.0 {
            let phi = (-0.5 * t * t).exp() / (2.0 * std::f64::consts::PI).sqrt();
            riemann += h * phi * logistic(2.0 + 2.0 * t);
            t += h;
        }
        assert!((pa[2] - riemann).abs() < 1e-6, "{} vs {riemann}", pa[2]);
    }

    #[test]
    fn treatment_coding_gives_one_intercept_per_group() {
        let (ints, slope) = treatment_intercepts(&[1.0, 0.5, 2.0, -1.0], 3).unwrap();
        assert_eq!(ints, vec![1.0, 3.0, 0.0]);
        assert_eq!(slope, 0.5);
        assert!(treatment_intercepts(&[1.0, 0.5], 3).is_none());
    }
}
