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
    let grp = &design.groups[g];
    let p = design.p();
    let lik: f64 = (0..grp.n_obs())
        .map(|r| {
            let eta: f64 = grp.x_row(r, p).iter().zip(&fit.fixef).map(|(x, c)| x * c).sum::<f64>() + b;
            F::log_density(grp.y[r], grp.trials[r], eta)
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
        other => Err(format!("{other:?} is not a claim of your data's figures")),
    }
}

/// Checks one claim of your data's figures against `fit` (the page's glmer) of `design`.
pub fn check(claim: &Claim, design: &GroupedDesign, family: FamilyLink, fit: &GlmmResult) -> Result<(), String> {
    for_family!(family, F => check_for::<F>(claim, design, fit))
}
