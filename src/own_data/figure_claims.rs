//! Independent checks of the claims of your data's figures: each group's unnormalised log posterior
//!   f_g(b) = Σ_{i∈g} log p(y_i | x_i'β + b) + log N(b; 0, σ_b²)
//! is evaluated from the family's log density row by row (not through the kernel, the exact integral or the
//! figures' code) on a fine grid, its mode refined by a parabola through the grid's best three points and its
//! mean by the trapezoid rule; the claims' numbers must print the same within half a unit of their last digit.

use crate::claims::{Claim, Summed};
use crate::data::grouped_design::GroupedDesign;
use crate::models::glmm::family::Family;
use crate::models::glmm::fit::{for_family, FamilyLink};
use crate::models::glmm::GlmmResult;

/// Grid points of the brute-force posterior.
const POINTS: usize = 400_001;

/// f_g on the grid b_k = lo + k·h.
fn log_posterior<F: Family>(design: &GroupedDesign, fit: &GlmmResult, g: usize, b: f64) -> f64 {
    log_posterior_shifted::<F>(design, fit, g, 0.0, b)
}

/// f_g(b) with `shift` added to every prediction (the intercept moved by `shift`).
fn log_posterior_shifted<F: Family>(design: &GroupedDesign, fit: &GlmmResult, g: usize, shift: f64, b: f64) -> f64 {
    let grp = &design.groups[g];
    let p = design.p();
    let lik: f64 = (0..grp.n_obs())
        .map(|r| {
            let eta: f64 = grp.x_row(r, p).iter().zip(&fit.fixef).map(|(x, c)| x * c).sum::<f64>() + b;
            F::log_density(grp.y[r], grp.trials[r], eta + shift)
        })
        .sum();
    let s = fit.sigma_b;
    lik - 0.5 * (b / s).powi(2) - s.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()
}

/// Argmax and max of `v` on the grid x_k = lo + k·h, refined by a parabola through the best three points.
fn peak(v: &[f64], lo: f64, h: f64) -> (f64, f64) {
    let k = v.iter().enumerate().fold(0, |m, (i, &x)| if x > v[m] { i } else { m }).clamp(1, v.len() - 2);
    let (a, b, c) = (v[k - 1], v[k], v[k + 1]);
    let den = a - 2.0 * b + c;
    let t = if den < 0.0 { 0.5 * (a - c) / den } else { 0.0 };
    (lo + (k as f64 + t) * h, b - 0.25 * (a - c) * t)
}

/// (mode, mean, max f_g) of group g by brute force on [−L, L], L = 10σ_b + 10.
fn brute<F: Family>(design: &GroupedDesign, fit: &GlmmResult, g: usize) -> ((f64, f64, f64), Vec<f64>, f64, f64) {
    let l = 10.0 * fit.sigma_b + 10.0;
    let h = 2.0 * l / (POINTS - 1) as f64;
    let v: Vec<f64> = (0..POINTS).map(|k| log_posterior::<F>(design, fit, g, -l + k as f64 * h)).collect();
    let (mode, top) = peak(&v, -l, h);
    let (mut z, mut m) = (0.0, 0.0);
    for (k, &f) in v.iter().enumerate() {
        let w = if k == 0 || k + 1 == POINTS { 0.5 } else { 1.0 } * (f - top).exp();
        z += w;
        m += w * (-l + k as f64 * h);
    }
    ((mode, m / z, top), v, -l, h)
}

fn same_print(claimed: f64, truth: f64, decimals: usize, what: &str) -> Result<(), String> {
    let unit = 10f64.powi(-(decimals.min(15) as i32));
    if (claimed - truth).abs() <= 0.5 * unit + 1e-9 {
        Ok(())
    } else {
        Err(format!("{what}: the text says {claimed}, brute force gives {truth}"))
    }
}

fn check_for<F: Family>(claim: &Claim, design: &GroupedDesign, fit: &GlmmResult) -> Result<(), String> {
    match claim {
        Claim::GroupModeAndMean { group, mode, mean, decimals } => {
            let ((m, e, _), ..) = brute::<F>(design, fit, *group);
            same_print(*mode, m, *decimals, "mode")?;
            same_print(*mean, e, *decimals, "mean")
        }
        Claim::MeanVsMode { group, above, decimals } => {
            let ((m, e, _), ..) = brute::<F>(design, fit, *group);
            let unit = 10f64.powi(-(*decimals as i32));
            match above {
                None if (m - e).abs() <= unit => Ok(()),
                Some(true) if e > m => Ok(()),
                Some(false) if e < m => Ok(()),
                _ => Err(format!("group {group}: mode {m}, mean {e}, the text says above = {above:?}")),
            }
        }
        Claim::WidestModeMeanGaps { groups } => {
            let gaps: Vec<f64> = (0..design.n_groups())
                .map(|g| {
                    let ((m, e, _), ..) = brute::<F>(design, fit, g);
                    (e - m).abs()
                })
                .collect();
            let least = gaps[groups.0].min(gaps[groups.1]);
            match gaps.iter().enumerate().find(|&(g, &x)| g != groups.0 && g != groups.1 && x > least + 1e-7) {
                Some((g, x)) => Err(format!("group {g}'s gap {x} is wider than the pair {groups:?}'s {least}")),
                None => Ok(()),
            }
        }
        Claim::PairSum { summed, groups, value, decimals } => {
            let ((ma, ea, _), ..) = brute::<F>(design, fit, groups.0);
            let ((mb, eb, _), ..) = brute::<F>(design, fit, groups.1);
            let truth = match summed {
                Summed::Modes => ma + mb,
                Summed::Means => ea + eb,
            };
            same_print(*value, truth, *decimals, "pair sum")
        }
        Claim::PairZeroSumLineGap { groups, gap, decimals } => {
            let ((_, _, ta), va, lo, h) = brute::<F>(design, fit, groups.0);
            let ((_, _, tb), vb, ..) = brute::<F>(design, fit, groups.1);
            // On the same symmetric grid, b_a = −t is index POINTS − 1 − k when b_b = t is index k.
            debug_assert!((lo + h * (POINTS - 1) as f64 + lo).abs() < 1e-9);
            let line: Vec<f64> = (0..POINTS).map(|k| va[POINTS - 1 - k] + vb[k]).collect();
            let (_, best) = peak(&line, lo, h);
            same_print(*gap, ta + tb - best, *decimals, "gap to the zero-sum line")
        }
        Claim::InterceptShiftedByMeanMode { fitted, shifted, decimals } => {
            same_print(*fitted, fitted_intercept(design, fit).ok_or("the design has no intercept")?, *decimals, "intercept")?;
            let modes = modes_at::<F>(design, fit, 0.0);
            let mean = modes.iter().sum::<f64>() / modes.len() as f64;
            same_print(*shifted - *fitted, mean, *decimals, "mean mode")
        }
        Claim::ModeSumAtIntercept { intercept, value, decimals } => {
            let modes = modes_at::<F>(design, fit, shift_to(design, fit, *intercept));
            same_print(*value, modes.iter().sum(), *decimals, "sum of all modes")
        }
        Claim::PairModesAtIntercept { groups, intercept, modes, sum, decimals } => {
            let shift = shift_to(design, fit, *intercept);
            let f = |g: usize| move |b: f64| log_posterior_shifted::<F>(design, fit, g, shift, b);
            let (ma, mb) = (golden(f(groups.0), fit.ranef[groups.0]).0, golden(f(groups.1), fit.ranef[groups.1]).0);
            same_print(modes[0], ma, *decimals, "first mode")?;
            same_print(modes[1], mb, *decimals, "second mode")?;
            same_print(*sum, ma + mb, *decimals, "the pair's sum")
        }
        Claim::JointPeakGainAtIntercept { from, to, gain, decimals } => {
            let peak = |c: f64| -> f64 {
                let shift = shift_to(design, fit, c);
                (0..design.n_groups())
                    .map(|g| golden(|b| log_posterior_shifted::<F>(design, fit, g, shift, b), fit.ranef[g]).1)
                    .sum()
            };
            same_print(*gain, peak(*to) - peak(*from), *decimals, "peak gain")
        }
        Claim::ExactLogLikAtIntercept { intercept, value, decimals } => {
            let shift = shift_to(design, fit, *intercept);
            let ll: f64 = (0..design.n_groups()).map(|g| log_integral(|b| log_posterior_shifted::<F>(design, fit, g, shift, b), fit.ranef[g])).sum();
            same_print(*value, ll, *decimals, "exact log-likelihood")
        }
        Claim::RandomPartRatio { sigma, ratio, decimals } => {
            same_print(*sigma, fit.sigma_b, 12, "σ_b")?;
            let r = |u: f64| line_random_part(fit, u);
            let sum: f64 = fit.ranef.iter().sum();
            same_print(*ratio, (r(sum) - r(0.0)).exp(), *decimals, "share of the maximum")
        }
        Claim::LinePeak { alpha, at_u, decimals } => {
            let (u, _) = golden(|u| line_total::<F>(design, fit, shift_to(design, fit, *alpha), u), 0.0);
            same_print(*at_u, u, *decimals, "peak along u")
        }
        Claim::LinePeakGain { from, to, gain, decimals } => {
            let top = |c: f64| golden(|u| line_total::<F>(design, fit, shift_to(design, fit, c), u), 0.0).1;
            same_print(*gain, top(*to) - top(*from), *decimals, "gain of the peak along u")
        }
        Claim::LineSkew { alpha, h, difference, decimals } => {
            let shift = shift_to(design, fit, *alpha);
            let t = |u: f64| line_total::<F>(design, fit, shift, u);
            let (p, _) = golden(t, 0.0);
            same_print(*difference, t(p + h) - t(p - h), *decimals, "skew along u")
        }
        other => Err(format!("{other:?} is not a claim of your data's figures")),
    }
}

/// glmer's `(Intercept)`, if the design has one.
fn fitted_intercept(design: &GroupedDesign, fit: &GlmmResult) -> Option<f64> {
    design.names.iter().position(|n| n == "(Intercept)").and_then(|k| fit.fixef.get(k).copied())
}

/// The constant added to every prediction when the intercept is `intercept` (0 standing for "as fitted"
/// when the design has none).
fn shift_to(design: &GroupedDesign, fit: &GlmmResult, intercept: f64) -> f64 {
    intercept - fitted_intercept(design, fit).unwrap_or(0.0)
}

/// Argmax and max of a concave `f` by bracketing from `start` and golden-section search.
fn golden(f: impl Fn(f64) -> f64, start: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (start - 0.01, start + 0.01);
    let mut step = 0.01;
    while f(lo) > f(start) && step < 1e6 {
        step *= 2.0;
        lo -= step;
    }
    step = 0.01;
    while f(hi) > f(start) && step < 1e6 {
        step *= 2.0;
        hi += step;
    }
    let r = 0.5 * (5f64.sqrt() - 1.0);
    let (mut a, mut b) = (lo, hi);
    while b - a > 1e-12 * (1.0 + a.abs()) {
        let (c, d) = (b - r * (b - a), a + r * (b - a));
        if f(c) >= f(d) {
            b = d;
        } else {
            a = c;
        }
    }
    let m = 0.5 * (a + b);
    (m, f(m))
}

/// Every group's mode at `shift` by golden-section search, started at glmer's.
fn modes_at<F: Family>(design: &GroupedDesign, fit: &GlmmResult, shift: f64) -> Vec<f64> {
    (0..design.n_groups()).map(|g| golden(|b| log_posterior_shifted::<F>(design, fit, g, shift, b), fit.ranef[g]).0).collect()
}

/// log ∫ e^{f(b)} db by the trapezoid rule on 20,001 points over the mode ± 40 curvature SDs.
fn log_integral(f: impl Fn(f64) -> f64, start: f64) -> f64 {
    let (m, top) = golden(&f, start);
    let e = 1e-3;
    let curv = -(f(m + e) - 2.0 * top + f(m - e)) / (e * e);
    let sd = if curv > 0.0 { curv.sqrt().recip() } else { 1.0 };
    let (n, l) = (20_001, 40.0 * sd);
    let h = 2.0 * l / (n - 1) as f64;
    let s: f64 = (0..n).map(|k| (f(m - l + k as f64 * h) - top).exp() * if k == 0 || k + 1 == n { 0.5 } else { 1.0 }).sum();
    top + (s * h).ln()
}

/// R(u) = Σ_g log N(b̂_g − b̄ + u/G; 0, σ_b²) with glmer's modes b̂.
fn line_random_part(fit: &GlmmResult, u: f64) -> f64 {
    let g = fit.ranef.len() as f64;
    let mean = fit.ranef.iter().sum::<f64>() / g;
    let s = fit.sigma_b;
    fit.ranef.iter().map(|b| -0.5 * ((b - mean + u / g) / s).powi(2) - s.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()).sum()
}

/// T(u) = R(u) + Σ_i log p(y_i | x_i'β̂ + shift + b̂_g − b̄ + u/G), row by row.
fn line_total<F: Family>(design: &GroupedDesign, fit: &GlmmResult, shift: f64, u: f64) -> f64 {
    let g = fit.ranef.len() as f64;
    let mean = fit.ranef.iter().sum::<f64>() / g;
    let p = design.p();
    let mut d = 0.0;
    for (grp, b) in design.groups.iter().zip(&fit.ranef) {
        for r in 0..grp.n_obs() {
            let eta: f64 = grp.x_row(r, p).iter().zip(&fit.fixef).map(|(x, c)| x * c).sum::<f64>() + shift + b - mean + u / g;
            d += F::log_density(grp.y[r], grp.trials[r], eta);
        }
    }
    line_random_part(fit, u) + d
}

/// Checks one claim of your data's figures against `fit` (the page's glmer) of `design`.
pub fn check(claim: &Claim, design: &GroupedDesign, family: FamilyLink, fit: &GlmmResult) -> Result<(), String> {
    for_family!(family, F => check_for::<F>(claim, design, fit))
}
