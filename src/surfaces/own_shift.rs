//! Your data (issue 13): figure 4, the intercept moved by the mean of all G conditional modes.
//!
//! The page's glmer has intercept α̂ (the `(Intercept)` column of the fixed effects) and modes b̂_g with mean
//! b̄ = (1/G) Σ_g b̂_g. Every prediction x'β + b stays put when α → α̂ + b̄ and each b → b − b̄. At the new
//! intercept (the other fixed effects and σ_b held) each group's unnormalised log posterior is
//!   f_g(b) = Σ_{i∈g} log p(y_i | x_i'β + b̄ + b) + log N(b; 0, σ_b²),
//! its mode found afresh (Newton, [`Kernel::mode`]). What the shift does to all G groups:
//! * the modes' sum there (near zero, but not zero: the modes are found afresh);
//! * the peak of the joint density of all G random effects, max Σ_g f_g, which never falls: at α̂ + b̄ the
//!   point b̂ − b̄ has the same likelihood and Σ(b̂_g − b̄)² ≤ Σ b̂_g²;
//! * the exact marginal log-likelihood Σ_g log ∫ e^{f_g(b)} db before and after (it falls: the fit
//!   maximises the integral, as glmer computes it, not the peak).
//!
//! The pair's surface is the product of its two groups' e^{f_g}, drawn relative to its peak, on figure 3's
//! window when that also holds the new peak (so that the two compare, as the lesson's figures 3 and 4).

use super::own_decomposition::intercept_index;
use super::own_posteriors::{joint, joint_extent, PairMarks};
use super::JointSurface;
use crate::data::grouped_design::GroupedDesign;
use crate::models::glmm::exact::{exact_loglik, posteriors};
use crate::models::glmm::family::Family;
use crate::models::glmm::fit::{for_family, FamilyLink};
use crate::models::glmm::kernel::Kernel;
use crate::models::glmm::GlmmResult;

/// The shift and its effect on all G groups, and the pair's surface at the new intercept.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnShift {
    pub groups: usize,
    /// glmer's intercept α̂ and α̂ + b̄.
    pub fitted: f64,
    pub shifted: f64,
    /// Σ_g b̂_g at α̂ (recomputed, equal to glmer's to its tolerance) and at α̂ + b̄.
    pub mode_sum_fitted: f64,
    pub mode_sum_shifted: f64,
    /// max Σ_g f_g at α̂ + b̄ minus the same at α̂ (≥ 0 up to rounding).
    pub peak_gain: f64,
    /// The exact marginal log-likelihood at α̂ and at α̂ + b̄ (None when not finite).
    pub loglik_fitted: Option<f64>,
    pub loglik_shifted: Option<f64>,
    /// The pair's joint posterior at α̂ + b̄ (its peak: the pair's modes there).
    pub surface: Option<JointSurface>,
}

/// Σ_g max f_g (up to a constant shared by every intercept), every û_g and the exact log-likelihood at the
/// kernel's β, from starts `starts` (u scale).
fn peak_all<F: Family>(kernel: &Kernel<F>, theta: f64, starts: &[f64]) -> (f64, Vec<f64>, Option<f64>) {
    let u = kernel.modes(theta, starts);
    let peak = u.iter().enumerate().map(|(g, &v)| -0.5 * kernel.penalised(g, theta, v)).sum();
    let ll = exact_loglik(&posteriors(kernel, theta, &u), kernel.log_normaliser_sum());
    (peak, u, ll.is_finite().then_some(ll))
}

fn own_shift_for<F: Family>(
    design: &GroupedDesign,
    fit: &GlmmResult,
    k: usize,
    pair: (usize, usize),
    window3: Option<[(f64, f64); 2]>,
    grid: usize,
) -> Option<OwnShift> {
    let g = design.n_groups();
    let theta = fit.sigma_b;
    let mean = fit.ranef.iter().sum::<f64>() / g as f64;
    let mut beta = fit.fixef.clone();
    let fitted = *beta.get(k)?;
    let mut kernel = Kernel::<F>::new(design);
    kernel.set_beta(&beta);
    let starts: Vec<f64> = fit.ranef.iter().map(|b| b / theta).collect();
    let (peak0, u0, ll0) = peak_all(&kernel, theta, &starts);
    beta[k] = fitted + mean;
    kernel.set_beta(&beta);
    let centred: Vec<f64> = fit.ranef.iter().map(|b| (b - mean) / theta).collect();
    let (peak1, u1, ll1) = peak_all(&kernel, theta, &centred);
    if !(peak0.is_finite() && peak1.is_finite()) || u1.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let modes = [theta * u1[pair.0], theta * u1[pair.1]];
    let sds = [pair.0, pair.1].map(|h| {
        let at = kernel.penalised_at(h, theta, u1[h]);
        theta * (0.5 * at.curvature).sqrt().recip()
    });
    let kr = &kernel;
    let ld = |h: usize| move |b: f64| -0.5 * kr.penalised(h, theta, b / theta);
    let (fa, fb) = (ld(pair.0), ld(pair.1));
    let lds: [&dyn Fn(f64) -> f64; 2] = [&fa, &fb];
    // Figure 3's window, so that the two compare, when it holds the new peak at least two posterior SDs from
    // its edges and is at most twice as wide as this surface's own; else the union of both (as the lesson's
    // figure 4), or this surface's own window when even that is more than twice as wide.
    let own = [joint_extent(lds[0], modes[0], sds[0]), joint_extent(lds[1], modes[1], sds[1])];
    let width = |w: &[(f64, f64); 2]| (w[0].1 - w[0].0).max(w[1].1 - w[1].0);
    let window = match window3 {
        Some(w3) if (0..2).all(|k| modes[k] - 2.0 * sds[k] >= w3[k].0 && modes[k] + 2.0 * sds[k] <= w3[k].1)
            && width(&w3) <= 2.0 * width(&own) =>
        {
            w3
        }
        Some(w3) => {
            let union = [(w3[0].0.min(own[0].0), w3[0].1.max(own[0].1)), (w3[1].0.min(own[1].0), w3[1].1.max(own[1].1))];
            if width(&union) <= 2.0 * width(&w3).min(width(&own)) { union } else { own }
        }
        None => own,
    };
    let label = |h: usize| design.group_labels.get(h).cloned().unwrap_or_else(|| (h + 1).to_string());
    let marks = PairMarks { modes, means: None, sds };
    let surface = joint(lds, (pair, (label(pair.0), label(pair.1))), marks, (fitted + mean, theta), grid.max(3), Some(window));
    Some(OwnShift {
        groups: g,
        fitted,
        shifted: fitted + mean,
        mode_sum_fitted: theta * u0.iter().sum::<f64>(),
        mode_sum_shifted: theta * u1.iter().sum::<f64>(),
        peak_gain: peak1 - peak0,
        loglik_fitted: ll0,
        loglik_shifted: ll1,
        surface,
    })
}

/// Figure 4's shift of the page's glmer `fit` of `design` for `pair`, on figure 3's window `window3` where it
/// fits; None when the design has no `(Intercept)` column, the pair or the fit does not match the design,
/// σ_b ≤ 0 or the modes cannot be found.
pub fn own_shift(
    design: &GroupedDesign,
    family: FamilyLink,
    fit: &GlmmResult,
    pair: (usize, usize),
    window3: Option<[(f64, f64); 2]>,
    grid: usize,
) -> Option<OwnShift> {
    let g = design.n_groups();
    let k = intercept_index(design)?;
    if pair.0 == pair.1 || pair.0 >= g || pair.1 >= g || fit.ranef.len() != g || fit.fixef.len() != design.p() {
        return None;
    }
    if !(fit.sigma_b > 0.0 && fit.sigma_b.is_finite()) || fit.fixef.iter().chain(&fit.ranef).any(|v| !v.is_finite()) {
        return None;
    }
    for_family!(family, F => own_shift_for::<F>(design, fit, k, pair, window3, grid))
}
