//! Figure 4's shift of the intercept: α → α + z̄, z̄ = (1/G) Σ_g ẑ_g the mean of all G conditional modes,
//! and what it does to the whole model (all G groups, not only the plotted pair):
//!
//! * the peak of the joint density p(y, z) = Π_g e^{f_g(z_g)} over all G random effects,
//!   max_z Σ_g f_g(z_g), with f_g(z) = Σ_{i∈g} log p(y_i | α + βx_i + z) + log N(z; 0, σ²). It never falls:
//!   at α + z̄ the point z − z̄ has the same Bernoulli part and Σ(ẑ_g − z̄)² = Σẑ_g² − Gz̄² ≤ Σẑ_g²;
//! * the modes' sum at the new α;
//! * the exact marginal log-likelihood log L(α, β, σ) = Σ_g log ∫ e^{f_g(z)} dz before and after.

use serde::{Deserialize, Serialize};

use super::joint_surface::GroupTerm;
use crate::data::Dataset;
use crate::models::logistic::kernel::{GlmmParams, Group};
use crate::models::logistic::exact::exact_loglik;

/// The shift and its effect on all G groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AlphaShift {
    pub groups: usize,
    /// glmer's α and α + z̄.
    pub fitted: f64,
    pub shifted: f64,
    pub beta: f64,
    pub sigma: f64,
    /// Σ_g ẑ_g at the fitted α (the report's modes) and at the shifted α (recomputed).
    pub mode_sum_fitted: f64,
    pub mode_sum_shifted: f64,
    /// max_z Σ_g f_g at the shifted α minus the same at the fitted α (≥ 0).
    pub peak_gain: f64,
    /// Exact marginal log-likelihood at the fitted and at the shifted α (None when not finite).
    pub loglik_fitted: Option<f64>,
    pub loglik_shifted: Option<f64>,
}

/// Σ_g max f_g and Σ_g argmax f_g at (α, β, σ), from Newton starts `start`.
fn peak(data: &Dataset, members: &[Vec<usize>], (alpha, beta, sigma): (f64, f64, f64), start: &[f64]) -> Option<(f64, f64)> {
    let mut value = 0.0;
    let mut sum = 0.0;
    for (m, &s) in members.iter().zip(start) {
        let (z, v, _) = GroupTerm::new(data, m, alpha, beta, sigma).mode(s)?;
        value += v;
        sum += z;
    }
    Some((value, sum))
}

/// The shift by the mean of all `modes` (glmer's, at `alpha`, `beta`, `sigma`).
/// `groups` is [`split_by_group`](crate::models::logistic::kernel::split_by_group) of `data`.
pub fn shift_by_mean_mode(data: &Dataset, groups: &[Group], (alpha, beta, sigma): (f64, f64, f64), modes: &[f64]) -> Option<AlphaShift> {
    let g = data.n_groups();
    if g == 0 || modes.len() != g {
        return None;
    }
    let mean = modes.iter().sum::<f64>() / g as f64;
    let members = data.group_members();
    let (before, _) = peak(data, &members, (alpha, beta, sigma), modes)?;
    let centred: Vec<f64> = modes.iter().map(|z| z - mean).collect();
    let (after, sum_after) = peak(data, &members, (alpha + mean, beta, sigma), &centred)?;
    let ll = |a: f64| {
        let v = exact_loglik(groups, &GlmmParams { alpha: a, beta, theta: sigma });
        v.is_finite().then_some(v)
    };
    Some(AlphaShift {
        groups: g,
        fitted: alpha,
        shifted: alpha + mean,
        beta,
        sigma,
        mode_sum_fitted: modes.iter().sum(),
        mode_sum_shifted: sum_after,
        peak_gain: after - before,
        loglik_fitted: ll(alpha),
        loglik_shifted: ll(alpha + mean),
    })
}
