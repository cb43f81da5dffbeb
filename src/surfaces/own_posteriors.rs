//! Your data (issue 13): the posteriors of a chosen pair of groups at glmer's fit, for any family and link.
//!
//! With b = σ_b·u and the general kernel's φ̃_g(u) = −2 Σ_{i∈g} ℓ_i(x_i'β + σ_b u) + u² ([`Kernel::penalised`],
//! ℓ the family's log density without its normaliser), group g's posterior density of b_g given y is
//!   p(b | y) = e^{−φ̃_g(b/σ_b)/2} / (σ_b · I_g),   I_g = ∫ e^{−φ̃_g(u)/2} du = √(2π) · e^{log L̃_g},
//! log L̃_g the group's exact log marginal likelihood kernel of [`group_posterior`]. Every curve has area 1.
//! Its maximum is the conditional mode b̂_g (`ranef()`, `GlmmResult::ranef`) and its mean the conditional
//! mean E[b_g | y] (`GlmmResult::cond_means`): the marks are those two numbers of the fit, and the tests check
//! that the drawn curve peaks and balances there.
//!
//! Given β and σ_b the groups' random intercepts are independent a posteriori, so the joint posterior of a
//! pair is the product: ℓ(b_a, b_b) = log p(b_a | y) + log p(b_b | y), drawn relative to its peak, which is
//! the pair of conditional modes.

use super::isolines::{border_max, isolines, nice_levels, GridSpec, Isoline};
use super::posteriors::{GroupPosterior, POSTERIOR_POINTS};
use super::JointSurface;
use crate::data::grouped_design::GroupedDesign;
use crate::models::glmm::exact::group_posterior;
use crate::models::glmm::family::Family;
use crate::models::glmm::fit::{for_family, FamilyLink};
use crate::models::glmm::kernel::Kernel;
use crate::models::glmm::GlmmResult;

/// Each curve extends on both sides until the density is e^−TAIL_DROP (≈ 1.2e-4) of its peak.
const CURVE_DROP: f64 = 9.0;
/// The joint window extends along each axis until that group's log density is 4.5²/2 below its peak (as
/// the lesson's figure 3: levels down to about −8 close inside).
const JOINT_DROP: f64 = 10.125;
/// Grid points per axis of the joint surface.
pub const OWN_JOINT_GRID: usize = 121;

/// What a group's data say in a few words: "3 of 12 outcomes 1", "5 successes in 40 trials", "total count 17
/// in 4 rows" (the panel's label and the caption).
pub fn outcomes_text(design: &GroupedDesign, family: FamilyLink, g: usize) -> String {
    let Some(grp) = design.groups.get(g) else { return String::new() };
    let sum_y: f64 = grp.y.iter().sum();
    let trials: f64 = grp.trials.iter().sum();
    let rows = grp.n_obs();
    let k = sum_y.round() as u64;
    match family {
        FamilyLink::PoissonLog => format!("total count {k} in {rows} row{}", if rows == 1 { "" } else { "s" }),
        _ if grp.trials.iter().all(|&n| n == 1.0) => {
            if k as usize == rows {
                format!("all {rows} outcomes 1")
            } else if k == 0 {
                format!("all {rows} outcomes 0")
            } else {
                format!("{k} of {rows} outcomes 1")
            }
        }
        _ => format!("{k} successes in {} trials", trials.round() as u64),
    }
}

/// The two groups (smaller index first) whose conditional mode and mean lie furthest apart in `fit`: the
/// most skewed posteriors, the default pair. (0, 1) when the fit has fewer than two groups' numbers.
pub fn widest_pair(fit: &GlmmResult) -> (usize, usize) {
    // Gaps equal to 1e-9 count as equal (groups with the same data), so rounding cannot pick between them:
    // the first such group in the data's order is taken, on every machine.
    let mut gaps: Vec<(usize, f64)> =
        fit.ranef.iter().zip(&fit.cond_means).map(|(m, e)| ((e - m).abs() * 1e9).round()).enumerate().collect();
    gaps.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    match gaps.as_slice() {
        [a, b, ..] => (a.0.min(b.0), a.0.max(b.0)),
        _ => (0, 1),
    }
}

/// The pair's posteriors and their joint surface.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnPair {
    /// Group a's, then group b's posterior.
    pub posteriors: [GroupPosterior; 2],
    /// Their joint log density relative to its peak; None when it could not be gridded.
    pub joint: Option<JointSurface>,
}

/// One group's normalised log posterior density of b at the kernel's β and σ_b.
struct LogPosterior<'k, 'a, F: Family> {
    kernel: &'k Kernel<'a, F>,
    g: usize,
    theta: f64,
    log_norm: f64,
    /// Posterior SD on the b scale from the curvature at the mode (a step size, not a result).
    sd: f64,
}

impl<F: Family> LogPosterior<'_, '_, F> {
    fn at(&self, b: f64) -> f64 {
        -0.5 * self.kernel.penalised(self.g, self.theta, b / self.theta) - self.log_norm
    }
}

/// The b-interval around `mode` where `ld` is within `drop` of `ld(mode)`, walked in steps of `step`.
fn extent(ld: &dyn Fn(f64) -> f64, mode: f64, step: f64, drop: f64) -> (f64, f64) {
    let peak = ld(mode);
    let step = if step.is_finite() && step > 0.0 { step } else { 0.01 };
    let walk = |dir: f64| {
        let mut b = mode;
        for _ in 0..20_000 {
            b += dir * step;
            let d = peak - ld(b);
            if d.is_nan() || d >= drop {
                break;
            }
        }
        b
    };
    (walk(-1.0), walk(1.0))
}

/// The maximum of the concave t ↦ f(t) by golden-section search after bracketing from `start` with `step`.
fn maximise_1d(f: &dyn Fn(f64) -> f64, start: f64, step: f64) -> f64 {
    let step = if step.is_finite() && step > 0.0 { step } else { 0.01 };
    let (mut lo, mut hi) = (start - step, start + step);
    let mut k = 0;
    while f(lo) > f(start) && k < 200 {
        lo -= step * 2f64.powi(k.min(30));
        k += 1;
    }
    k = 0;
    while f(hi) > f(start) && k < 200 {
        hi += step * 2f64.powi(k.min(30));
        k += 1;
    }
    let r = 0.5 * (5f64.sqrt() - 1.0);
    let (mut a, mut b) = (lo, hi);
    for _ in 0..200 {
        let c = b - r * (b - a);
        let d = a + r * (b - a);
        if f(c) >= f(d) {
            b = d;
        } else {
            a = c;
        }
        if (b - a).abs() <= 1e-13 * (1.0 + a.abs()) {
            break;
        }
    }
    0.5 * (a + b)
}

fn curve(ld: &dyn Fn(f64) -> f64, g: usize, label: &str, mode: f64, mean: f64, sd: f64, (n, ones): (usize, usize)) -> GroupPosterior {
    let (lo, hi) = extent(ld, mode, 0.1 * sd, CURVE_DROP);
    let (lo, hi) = (lo.min(mean), hi.max(mean));
    let b: Vec<f64> = (0..POSTERIOR_POINTS).map(|i| lo + (hi - lo) * i as f64 / (POSTERIOR_POINTS - 1) as f64).collect();
    let density = b.iter().map(|&v| ld(v).exp()).collect();
    GroupPosterior {
        group: g,
        label: label.to_string(),
        b,
        density,
        mode,
        mean,
        density_at_mode: ld(mode).exp(),
        density_at_mean: ld(mean).exp(),
        n,
        ones,
    }
}

/// The pair's conditional modes, conditional means (None: not marked) and posterior SDs at the modes (a
/// step size).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PairMarks {
    pub modes: [f64; 2],
    pub means: Option<[f64; 2]>,
    pub sds: [f64; 2],
}

/// The b-range around `mode` where `ld` is within the joint window's drop of its peak ([`JOINT_DROP`]).
pub(crate) fn joint_extent(ld: &dyn Fn(f64) -> f64, mode: f64, sd: f64) -> (f64, f64) {
    extent(ld, mode, 0.1 * sd, JOINT_DROP)
}

/// The joint surface of two log densities with their marks, on an m × m grid over `window` ((b_a range,
/// b_b range); None: each axis to [`JOINT_DROP`] below its peak, and the means).
pub(crate) fn joint(
    lds: [&dyn Fn(f64) -> f64; 2],
    (groups, labels): ((usize, usize), (String, String)),
    PairMarks { modes, means, sds }: PairMarks,
    (intercept, sigma): (f64, f64),
    m: usize,
    window: Option<[(f64, f64); 2]>,
) -> Option<JointSurface> {
    let axis = |k: usize| {
        let (lo, hi) = match window {
            Some(w) => w[k],
            None => {
                let (lo, hi) = joint_extent(lds[k], modes[k], sds[k]);
                means.map_or((lo, hi), |e| (lo.min(e[k]), hi.max(e[k])))
            }
        };
        (0..m).map(|i| lo + (hi - lo) * i as f64 / (m - 1) as f64).collect::<Vec<f64>>()
    };
    let (za, zb) = (axis(0), axis(1));
    let fa: Vec<f64> = za.iter().map(|&v| (lds[0])(v)).collect();
    let fb: Vec<f64> = zb.iter().map(|&v| (lds[1])(v)).collect();
    let top = (lds[0])(modes[0]) + (lds[1])(modes[1]);
    if !top.is_finite() {
        return None;
    }
    let mut rel = Vec::with_capacity(m * m);
    for &vb in &fb {
        for &va in &fa {
            rel.push((va + vb - top).min(0.0));
        }
    }
    let grid = GridSpec { x0: za[0], dx: za[1] - za[0], nx: m, y0: zb[0], dy: zb[1] - zb[0], ny: m };
    let levels = nice_levels(border_max(&rel, m, m));
    let iso = isolines(&rel, &grid, &levels).ok()?;
    // Both log densities are concave: every superlevel set is one convex ring, its isoline.
    let regions =
        iso.iter().map(|l| Isoline { level: l.level, lines: l.lines.iter().filter(|r| r.len() >= 3).cloned().collect() }).collect();
    // The highest point with b_a + b_b = 0: (−t, t).
    let on_line = |t: f64| (lds[0])(-t) + (lds[1])(t);
    let t = maximise_1d(&on_line, 0.5 * (modes[1] - modes[0]), 0.1 * sds[0].min(sds[1]));
    let line_value = on_line(t);
    Some(JointSurface {
        groups,
        labels,
        alpha: intercept,
        beta: f64::NAN,
        sigma,
        za,
        zb,
        rel_loglik: rel,
        loglik_max: top,
        max: modes,
        posterior_sd: sds,
        line_max: line_value.is_finite().then_some([-t, t]),
        line_rel_loglik: line_value.is_finite().then_some((line_value - top).min(0.0)),
        posterior_means: means,
        levels,
        isolines: iso,
        regions,
        closeup: None,
    })
}

fn own_pair_for<F: Family>(design: &GroupedDesign, fit: &GlmmResult, pair: (usize, usize), grid: usize) -> Option<OwnPair> {
    let theta = fit.sigma_b;
    let mut kernel = Kernel::<F>::new(design);
    kernel.set_beta(&fit.fixef);
    let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    let density = |g: usize| -> Option<LogPosterior<F>> {
        let mode = *fit.ranef.get(g)?;
        let post = group_posterior(&kernel, g, theta, mode / theta);
        let log_norm = post.log_marginal_kernel + half_log_2pi + theta.ln();
        let sd = theta * post.scale;
        (log_norm.is_finite() && sd.is_finite()).then_some(LogPosterior { kernel: &kernel, g, theta, log_norm, sd })
    };
    let (da, db) = (density(pair.0)?, density(pair.1)?);
    let label = |g: usize| design.group_labels.get(g).cloned().unwrap_or_else(|| (g + 1).to_string());
    let counts = |g: usize| {
        let grp = &design.groups[g];
        (grp.n_obs(), grp.y.iter().sum::<f64>().round() as usize)
    };
    let (fa, fb) = (|b: f64| da.at(b), |b: f64| db.at(b));
    let modes = [fit.ranef[pair.0], fit.ranef[pair.1]];
    let means = [*fit.cond_means.get(pair.0)?, *fit.cond_means.get(pair.1)?];
    if !modes.iter().chain(&means).all(|v| v.is_finite()) {
        return None;
    }
    let posteriors = [
        curve(&fa, pair.0, &label(pair.0), modes[0], means[0], da.sd, counts(pair.0)),
        curve(&fb, pair.1, &label(pair.1), modes[1], means[1], db.sd, counts(pair.1)),
    ];
    let intercept = fit.fixef.first().copied().unwrap_or(f64::NAN);
    let marks = PairMarks { modes, means: Some(means), sds: [da.sd, db.sd] };
    let joint = joint([&fa, &fb], (pair, (label(pair.0), label(pair.1))), marks, (intercept, theta), grid.max(3), None);
    Some(OwnPair { posteriors, joint })
}

/// The posteriors of groups `pair` at glmer's fit `fit` of `design`, and their joint surface on a `grid` ×
/// `grid` grid; None when the fit does not define them (σ_b = 0, a group outside the design, a non-finite
/// normalising integral).
pub fn own_pair(design: &GroupedDesign, family: FamilyLink, fit: &GlmmResult, pair: (usize, usize), grid: usize) -> Option<OwnPair> {
    let g = design.n_groups();
    if pair.0 == pair.1 || pair.0 >= g || pair.1 >= g || fit.ranef.len() != g || fit.cond_means.len() != g {
        return None;
    }
    if fit.fixef.len() != design.p() || !(fit.sigma_b > 0.0 && fit.sigma_b.is_finite()) {
        return None;
    }
    for_family!(family, F => own_pair_for::<F>(design, fit, pair, grid))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::data::model_frame::ModelFrame;
    use crate::models::glmm::glmer;

    pub(crate) fn cbpp() -> ModelFrame {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cbpp.csv")).unwrap();
        ModelFrame::from_csv(&text, "cbind(incidence, size - incidence) ~ period + (1 | herd)", &["herd", "period"]).unwrap()
    }

    /// The drawn curve has area 1, peaks at the fit's conditional mode and balances at its conditional mean.
    pub(crate) fn check_curve(gp: &GroupPosterior, fit: &GlmmResult) {
        assert_eq!(gp.mode, fit.ranef[gp.group], "the mode mark is ranef()");
        assert_eq!(gp.mean, fit.cond_means[gp.group], "the mean mark is the conditional mean");
        crate::surfaces::posteriors::tests::check_curve_shape(gp);
    }

    #[test]
    fn cbpp_posteriors_peak_at_ranef_and_balance_at_the_conditional_means() {
        let mf = cbpp();
        let family = FamilyLink::BinomialLogit;
        let fit = glmer(&mf.design, family, 1).unwrap();
        let pair = widest_pair(&fit);
        // The widest gaps between mode and mean on cbpp at nAGQ = 1.
        let gaps: Vec<f64> = fit.ranef.iter().zip(&fit.cond_means).map(|(m, e)| (e - m).abs()).collect();
        for (g, gap) in gaps.iter().enumerate() {
            if g != pair.0 && g != pair.1 {
                assert!(*gap <= gaps[pair.0].min(gaps[pair.1]), "group {g} gap {gap} beats the pair {pair:?}");
            }
        }
        let own = own_pair(&mf.design, family, &fit, pair, 41).unwrap();
        for gp in &own.posteriors {
            check_curve(gp, &fit);
        }
        let j = own.joint.unwrap();
        assert_eq!(j.max, [fit.ranef[pair.0], fit.ranef[pair.1]]);
        assert_eq!(j.posterior_means, Some([fit.cond_means[pair.0], fit.cond_means[pair.1]]));
        // The grid never rises above the peak, and the line b_a + b_b = 0 lies below it.
        assert!(j.rel_loglik.iter().all(|&v| v <= 0.0));
        let l = j.line_max.unwrap();
        assert!((l[0] + l[1]).abs() < 1e-12);
        assert!(j.line_rel_loglik.unwrap() < 0.0);
        assert_eq!(outcomes_text(&mf.design, family, 0), "9 successes in 40 trials");
    }

    #[test]
    fn probit_and_poisson_posteriors_too_and_bad_input_is_none() {
        let mf = cbpp();
        let fit = glmer(&mf.design, FamilyLink::BinomialProbit, 1).unwrap();
        for gp in &own_pair(&mf.design, FamilyLink::BinomialProbit, &fit, (2, 7), 21).unwrap().posteriors {
            check_curve(gp, &fit);
        }
        let d = crate::models::glmm::kernel::tests::small_design("counts");
        let fit = glmer(&d, FamilyLink::PoissonLog, 1).unwrap();
        if fit.sigma_b > 1e-3 {
            for gp in &own_pair(&d, FamilyLink::PoissonLog, &fit, (0, 2), 21).unwrap().posteriors {
                check_curve(gp, &fit);
            }
        }
        assert!(outcomes_text(&d, FamilyLink::PoissonLog, 0).starts_with("total count "));
        assert!(own_pair(&mf.design, FamilyLink::BinomialProbit, &fit, (1, 1), 21).is_none());
        let mut singular = glmer(&mf.design, FamilyLink::BinomialLogit, 1).unwrap();
        singular.sigma_b = 0.0;
        assert!(own_pair(&mf.design, FamilyLink::BinomialLogit, &singular, (0, 1), 21).is_none());
    }
}
