//! Figure 7: each group's posterior density of its random intercept b_g given the data, at glmer's fitted
//! α, β and σ_b (the page's nAGQ fit).
//!
//! With b = σ_b·u and lme4's penalised deviance φ_g(u) = Σ_{i∈g} d(y_i, α + βx_i + σ_b u) + u² (the core's
//! per-group integrand is e^{−φ_g(u)/2}, see [`crate::models::logistic::kernel`]),
//!   p(b | y) = e^{−φ_g(b/σ_b)/2} / (σ_b · I_g),   I_g = ∫ e^{−φ_g(u)/2} du,
//! normalised by its integral so that every curve has area 1 and the groups compare directly. I_g comes from
//! the exact trapezoid rule of [`crate::models::logistic::exact`] (the group's exact log marginal likelihood).
//! Its maximum is the conditional mode b̂_g (what `ranef()` prints, `glmm_agq.ranef`) and its mean the
//! conditional mean E[b_g | y] (`glmm_agq.cond_means`): the marks are those two numbers of the fit, and the
//! tests check that the drawn curve peaks and balances there. A group whose outcomes are all equal has a
//! strongly skewed posterior, whose mode and mean lie far apart.

use serde::{Deserialize, Serialize};

use crate::data::Dataset;
use crate::models::logistic::kernel::{penalised_deviance, penalised_deviance_slopes, GlmmParams, Group};
use crate::models::logistic::exact::exact_loglik;
use crate::report::GlmmFit;

/// Points per group's curve.
pub const POSTERIOR_POINTS: usize = 401;
/// Every group is drawn up to this many groups; beyond it, the chosen pair.
pub const MAX_POSTERIOR_GROUPS: usize = 6;
/// Each curve extends on both sides until the density is e^−TAIL_DROP (≈ 1.2e-4) of its peak.
const TAIL_DROP: f64 = 9.0;

/// One group's posterior density p(b_g | y) on a grid over b_g.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GroupPosterior {
    /// 0-based group index and its label.
    pub group: usize,
    pub label: String,
    /// Grid of b_g values (increasing) and the density there (area 1).
    pub b: Vec<f64>,
    pub density: Vec<f64>,
    /// The conditional mode (`ranef()`) and mean E[b_g | y] of the fit, and the density at each.
    pub mode: f64,
    pub mean: f64,
    pub density_at_mode: f64,
    pub density_at_mean: f64,
    /// Its outcomes: how many, and how many are 1.
    pub n: usize,
    pub ones: usize,
}

/// The posteriors drawn in figure 7.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Posteriors {
    pub groups: Vec<GroupPosterior>,
    /// Whether every group is drawn (otherwise the chosen pair).
    pub all_groups: bool,
    pub total_groups: usize,
    pub alpha: f64,
    pub beta: f64,
    pub sigma_b: f64,
    pub nagq: usize,
}

/// log p(b | y) for one group: −φ_g(b/σ_b)/2 − log(σ_b I_g), with log I_g = exact log-likelihood + ½ log 2π.
struct LogDensity<'a> {
    group: &'a Group,
    p: GlmmParams<f64>,
    log_norm: f64,
}

impl LogDensity<'_> {
    fn at(&self, b: f64) -> f64 {
        -0.5 * penalised_deviance(self.group, &self.p, b / self.p.theta) - self.log_norm
    }
}

/// The b-range where the density is above e^−TAIL_DROP of its peak at the mode `mode` (on the b scale).
fn extent(d: &LogDensity, mode: f64) -> (f64, f64) {
    let peak = d.at(mode);
    let (_, d2) = penalised_deviance_slopes(d.group, &d.p, mode / d.p.theta);
    // Posterior SD at the mode on the b scale: σ_b / √(φ''/2).
    let sd = d.p.theta / (0.5 * d2).sqrt();
    let step = if sd.is_finite() && sd > 0.0 { 0.1 * sd } else { 0.01 };
    let walk = |dir: f64| {
        let mut b = mode;
        for _ in 0..20_000 {
            b += dir * step;
            let drop = peak - d.at(b);
            if drop.is_nan() || drop >= TAIL_DROP {
                break;
            }
        }
        b
    };
    (walk(-1.0), walk(1.0))
}

/// The groups drawn: all when there are at most [`MAX_POSTERIOR_GROUPS`], else the chosen pair.
pub fn shown_groups(groups: usize, pair: (usize, usize)) -> Vec<usize> {
    if groups <= MAX_POSTERIOR_GROUPS {
        (0..groups).collect()
    } else {
        vec![pair.0.min(pair.1), pair.0.max(pair.1)]
    }
}

/// The posteriors of the shown groups at the fit, or `None` when the fit does not define them (σ_b = 0, a
/// mismatch with the data, a non-finite normalising integral).
/// `groups` is [`split_by_group`](crate::models::logistic::kernel::split_by_group) of `data`.
pub fn posteriors(data: &Dataset, groups: &[Group], fit: &GlmmFit, pair: (usize, usize)) -> Option<Posteriors> {
    let g = data.n_groups();
    if fit.fixef.len() < 2 || fit.ranef.len() != g || fit.cond_means.len() != g || fit.sigma_b.is_nan() || fit.sigma_b <= 0.0 {
        return None;
    }
    let p = GlmmParams { alpha: fit.fixef[0], beta: fit.fixef[1], theta: fit.sigma_b };
    let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    let mut out = Vec::new();
    for k in shown_groups(g, pair) {
        let group = groups.get(k)?;
        let log_integral = exact_loglik(std::slice::from_ref(group), &p) + half_log_2pi;
        let d = LogDensity { group, p, log_norm: log_integral + p.theta.ln() };
        let (mode, mean) = (fit.ranef[k], fit.cond_means[k]);
        if !(log_integral.is_finite() && mode.is_finite() && mean.is_finite()) {
            return None;
        }
        let (lo, hi) = extent(&d, mode);
        let (lo, hi) = (lo.min(mean), hi.max(mean));
        let b: Vec<f64> =
            (0..POSTERIOR_POINTS).map(|i| lo + (hi - lo) * i as f64 / (POSTERIOR_POINTS - 1) as f64).collect();
        let density = b.iter().map(|&v| d.at(v).exp()).collect();
        out.push(GroupPosterior {
            group: k,
            label: data.group_labels.get(k).cloned().unwrap_or_else(|| (k + 1).to_string()),
            b,
            density,
            mode,
            mean,
            density_at_mode: d.at(mode).exp(),
            density_at_mean: d.at(mean).exp(),
            n: group.y.len(),
            ones: group.sum_y.round() as usize,
        });
    }
    Some(Posteriors {
        groups: out,
        all_groups: g <= MAX_POSTERIOR_GROUPS,
        total_groups: g,
        alpha: p.alpha,
        beta: p.beta,
        sigma_b: p.theta,
        nagq: fit.nagq,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::models::fit_all;
    use crate::params::Params;
    use crate::report::FitReport;

    pub(crate) fn fitted(partial: serde_json::Value) -> (Dataset, FitReport) {
        let params = Params::default().merge(&partial).unwrap();
        let data = crate::data::simulate(&params.to_sim_config()).unwrap();
        let report = fit_all(&data, &params.fit_options());
        (data, report)
    }

    fn trapezoid(x: &[f64], y: &[f64]) -> f64 {
        x.windows(2).zip(y.windows(2)).map(|(x, y)| 0.5 * (x[1] - x[0]) * (y[0] + y[1])).sum()
    }

    /// The drawn curve has area 1, peaks at its mode mark and balances at its mean mark (any family).
    pub(crate) fn check_curve_shape(gp: &GroupPosterior) {
        let h = gp.b[1] - gp.b[0];
        let area = trapezoid(&gp.b, &gp.density);
        assert!((area - 1.0).abs() < 2e-4, "group {}: area {area}", gp.label);
        let top = gp.density.iter().enumerate().fold(0, |m, (i, &v)| if v > gp.density[m] { i } else { m });
        assert!((gp.b[top] - gp.mode).abs() <= h, "group {}: peak {} vs mode {}", gp.label, gp.b[top], gp.mode);
        let xy: Vec<f64> = gp.b.iter().zip(&gp.density).map(|(b, d)| b * d).collect();
        let mean = trapezoid(&gp.b, &xy) / area;
        let tol = 1e-3 * (1.0 + gp.mean.abs());
        assert!((mean - gp.mean).abs() < tol, "group {}: curve mean {mean} vs E[b|y] {}", gp.label, gp.mean);
    }

    /// The marks are the fit's conditional modes and means, and the curves are shaped as they say.
    fn check_curves(post: &Posteriors, fit: &GlmmFit) {
        for gp in &post.groups {
            assert_eq!(gp.mode, fit.ranef[gp.group], "the mode mark is ranef()");
            assert_eq!(gp.mean, fit.cond_means[gp.group], "the mean mark is the conditional mean");
            assert!(gp.density_at_mode >= gp.density.iter().copied().fold(0.0, f64::max) - 1e-12);
            check_curve_shape(gp);
        }
    }

    #[test]
    fn the_answer_s_posteriors_peak_at_the_modes_and_balance_at_the_means() {
        let (data, report) = fitted(serde_json::json!({}));
        let fit = report.glmm_agq.fit().unwrap();
        let post = posteriors(&data, &crate::models::logistic::kernel::split_by_group(&data), fit, (0, 1)).unwrap();
        assert_eq!(post.groups.len(), 2);
        assert!(post.all_groups);
        check_curves(&post, fit);
        // Group 2 (threshold 0.1, mostly ones) is skewed towards 0: its mean lies above its mode.
        let g2 = &post.groups[1];
        assert!(g2.mean - g2.mode > 0.02, "{} vs {}", g2.mode, g2.mean);
    }

    #[test]
    fn an_all_ones_group_has_its_mean_far_above_its_mode() {
        let (data, report) = fitted(serde_json::json!({"thresholds": [0.5, 0.0]}));
        let fit = report.glmm_agq.fit().unwrap();
        let post = posteriors(&data, &crate::models::logistic::kernel::split_by_group(&data), fit, (0, 1)).unwrap();
        let g2 = &post.groups[1];
        assert_eq!(g2.ones, g2.n);
        // Far apart: mode 2.6130, mean 4.2803 (all 200 outcomes of group 2 are 1).
        assert!((g2.mode - 2.6130).abs() < 1e-3 && (g2.mean - 4.2803).abs() < 1e-3, "{} {}", g2.mode, g2.mean);
        check_curves(&post, fit);
        // The long right tail: the curve reaches far beyond the mean on the right, not on the left.
        assert!(g2.b[g2.b.len() - 1] - g2.mean > g2.mode - g2.b[0]);
    }

    #[test]
    fn many_groups_show_the_pair_and_few_show_all() {
        let (data, report) = fitted(serde_json::json!({"preset": "custom", "groups": 5}));
        let fit = report.glmm_agq.fit().unwrap();
        let post = posteriors(&data, &crate::models::logistic::kernel::split_by_group(&data), fit, (1, 3)).unwrap();
        assert_eq!(post.groups.iter().map(|g| g.group).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
        check_curves(&post, fit);
        assert_eq!(shown_groups(9, (5, 2)), vec![2, 5]);
        let mut singular = fit.clone();
        singular.sigma_b = 0.0;
        assert!(posteriors(&data, &crate::models::logistic::kernel::split_by_group(&data), &singular, (0, 1)).is_none());
    }
}
