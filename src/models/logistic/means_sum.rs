//! Why a glmer row's conditional means need not sum to zero, in words.
//!
//! Integrating by parts in b, each group's conditional mean is σ_b² times its expected score in the
//! intercept, E[b_g | y] = σ_b²·E[Σ_{i∈g} (y_i − μ_i) | y], so
//!   Σ_g E[b_g | y] = σ_b²·∂ log L/∂α,
//! with L the exact marginal likelihood. The sum is zero where the exact likelihood is highest (the exact
//! marginal's row) and nowhere else that σ_b > 0. A glmer fit maximises its quadrature's approximation of L
//! (Laplace: one node per group; AGQ: K nodes), so its means sum to zero only as far as that approximation is
//! exact for the data. Where a glmer row's Σ means does not print as zero, its note says so, with how far
//! its logLik is from the exact log-likelihood at its own estimates and how far those fall short of the
//! exact maximum; the same function records the [`Claim`] that a test checks.

use super::kernel::{conditional_modes, split_by_group, GlmmParams, Group};
use super::objective::objective;
use crate::models::quadrature::gauss_hermite;
use crate::claims::{Claim, ModelKey};
use crate::data::Dataset;
use crate::report::{reads_as_zero, FitReport, GlmmFit, Outcome, TABLE_DECIMALS};

/// Below this a quadrature's error is within the exact likelihood's own precision (its halvings settle to 1e-10).
const EXACT_TO: f64 = 1e-9;

/// Node counts whose error a nAGQ > 1 fit is compared with, at its own estimates.
const OTHER_NODES: [usize; 3] = [25, 50, 100];

/// Of nAGQ ∈ [`OTHER_NODES`] other than the fit's K, one that shows that more nodes do not bring the
/// quadrature closer to the exact log-likelihood at the fit's estimates: a larger count with a larger error,
/// or a smaller count with a smaller one (the first such, from the largest count down), with its error.
fn more_nodes_no_closer(groups: &[Group], fit: &GlmmFit, exact: f64, error: f64) -> Option<(usize, f64)> {
    // The reason the sentence gives: a group whose outcomes are all equal (its posterior is one-sided).
    let all_equal = groups.iter().any(|g| g.y.iter().all(|&y| y == g.y[0]));
    if fit.nagq == 1 || !all_equal {
        return None;
    }
    let p = GlmmParams { alpha: fit.fixef[0], beta: fit.fixef[1], theta: fit.sigma_b };
    let modes = conditional_modes(groups, &p, None);
    OTHER_NODES.iter().rev().filter(|&&k| k != fit.nagq).find_map(|&k| {
        let other = -0.5 * objective::<f64>(groups, &p, &modes, &gauss_hermite(k)) - exact;
        // Differences below 1e-8 are the exact likelihood's own precision, not the rule's.
        let no_closer =
            if k > fit.nagq { other.abs() > error.abs() + 1e-8 } else { other.abs() + 1e-8 < error.abs() };
        (other.is_finite() && no_closer).then_some((k, other))
    })
}

/// A log-likelihood difference for a sentence: two significant digits, in plain decimals down to 10⁻⁴ and
/// as m × 10⁻ᵏ below.
pub fn difference(x: f64) -> String {
    let a = x.abs();
    if !a.is_finite() {
        return format!("{a}");
    }
    if a >= 1.0 {
        return format!("{a:.2}");
    }
    if a >= 1e-4 {
        let decimals = (1.0 - a.log10().floor()) as usize;
        return format!("{a:.decimals$}");
    }
    if a == 0.0 {
        return "0".into();
    }
    let e = a.log10().floor();
    let m = a / 10f64.powf(e);
    format!("{m:.1} × {}", crate::models::notation::power_of_ten(e as i64))
}

/// A signed number with a typographic minus, `decimals` decimals.
fn signed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => format!("−{rest}"),
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// "the Laplace approximation (one quadrature node per group)" or "adaptive Gauss–Hermite quadrature with K
/// nodes per group".
fn quadrature(nodes: usize) -> String {
    if nodes == 1 {
        "the Laplace approximation (one quadrature node per group)".into()
    } else {
        format!("adaptive Gauss–Hermite quadrature with nAGQ = {nodes} nodes per group")
    }
}

/// The note and its claim for one glmer fit, when its Σ means does not print as zero and the exact
/// log-likelihood at its estimates is known. `exact_max` is the exact marginal's maximum log-likelihood
/// and its σ_b, when it has a fit.
pub fn means_sum_note(model: ModelKey, fit: &GlmmFit, exact_max: Option<(f64, f64)>, groups: &[Group]) -> Option<(String, Claim)> {
    if reads_as_zero(fit.cond_means_sum) || !fit.cond_means_sum.is_finite() {
        return None;
    }
    let exact = fit.exact_loglik?;
    let error = fit.loglik - exact;
    let gap = fit.exact_loglik_gap;
    let side = if error >= 0.0 { "above" } else { "below" };
    if error.abs() < EXACT_TO {
        // The quadrature is exact here to the exact likelihood's own precision: what is left is the search's.
        let s = format!(
            "Σ means is {} here, not 0: the conditional means sum to zero only where the exact likelihood is \
             highest, and this row's logLik equals the exact log-likelihood at its estimates to 10⁻⁹, so what \
             is left is its search's tolerance, which Σ means magnifies by σ_b² = {} (it is σ_b² times the slope \
             of the log-likelihood in the intercept).",
            signed(fit.cond_means_sum, TABLE_DECIMALS),
            difference(fit.sigma_b * fit.sigma_b),
        );
        let claim = Claim::MeansSumNotZeroBecauseInexact {
            model,
            nodes: fit.nagq,
            decimals: TABLE_DECIMALS,
            quadrature_error: error,
            gap: fit.exact_loglik_gap,
            other_nodes: None,
        };
        return Some((s, claim));
    }
    let mut s = format!(
        "Σ means is {} here, not 0: the conditional means sum to zero only where the exact likelihood is highest, \
         and {} is not exact for these data (this row's logLik, {}, is {} {side} the exact log-likelihood at the \
         same estimates, {})",
        signed(fit.cond_means_sum, TABLE_DECIMALS),
        quadrature(fit.nagq),
        signed(fit.loglik, 4),
        difference(error),
        signed(exact, 4),
    );
    if let (Some(gap), Some((max, sigma))) = (gap.filter(|g| *g < 0.0), exact_max) {
        s.push_str(&format!(
            ", so its estimates miss the exact maximum: the exact log-likelihood is {} higher there ({}, at σ_b = {}, \
             the exact-marginal row)",
            difference(gap),
            signed(max, 4),
            signed(sigma, 3),
        ));
    }
    let other = more_nodes_no_closer(groups, fit, exact, error);
    if let Some((k, e)) = other {
        s.push_str(&format!(
            "; with these data more nodes do not bring nAGQ closer to the exact likelihood: at the same estimates \
             nAGQ = {k} is off by {}{} (Gauss–Hermite quadrature converges slowly and unevenly on the skewed \
             posterior of a group whose outcomes are all equal, in lme4 too)",
            if e < 0.0 { "−" } else { "+" },
            difference(e),
        ));
    }
    s.push('.');
    let claim = Claim::MeansSumNotZeroBecauseInexact {
        model,
        nodes: fit.nagq,
        decimals: TABLE_DECIMALS,
        quadrature_error: error,
        gap,
        other_nodes: other,
    };
    Some((s, claim))
}

/// The claims behind the glmer rows' notes on Σ means (what [`with_means_sum_notes`] wrote).
pub fn means_sum_claims(report: &FitReport, data: &Dataset) -> Vec<Claim> {
    let groups = split_by_group(data);
    let exact_max = report.marginal_exact.fit().map(|m| (m.loglik, m.sigma));
    [(ModelKey::GlmmLaplace, &report.glmm_laplace), (ModelKey::GlmmAgq, &report.glmm_agq)]
        .into_iter()
        .filter_map(|(key, o)| o.fit().and_then(|f| means_sum_note(key, f, exact_max, &groups)).map(|(_, c)| c))
        .collect()
}

/// `report` with each glmer fit's `exact_loglik_gap` filled in from the exact marginal's maximum, and a note
/// on each glmer row whose Σ means does not print as zero (after any note it already has).
pub fn with_means_sum_notes(report: FitReport, data: &Dataset) -> FitReport {
    with_means_sum_notes_of_groups(report, &split_by_group(data))
}

/// [`with_means_sum_notes`] for data already split by group.
pub fn with_means_sum_notes_of_groups(mut report: FitReport, groups: &[Group]) -> FitReport {
    let exact_max = report.marginal_exact.fit().map(|m| (m.loglik, m.sigma));
    for (key, o) in [(ModelKey::GlmmLaplace, &mut report.glmm_laplace), (ModelKey::GlmmAgq, &mut report.glmm_agq)] {
        if let Outcome::Fit(f) = o {
            f.exact_loglik_gap = match (f.exact_loglik, exact_max) {
                (Some(l), Some((max, _))) => Some(l - max),
                _ => None,
            };
            if let Some((sentence, _)) = means_sum_note(key, f, exact_max, groups) {
                f.note = Some(match f.note.take() {
                    Some(first) => format!("{first} {sentence}"),
                    None => sentence,
                });
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_read_as_two_significant_digits() {
        assert_eq!(difference(2.534), "2.53");
        assert_eq!(difference(-0.00191), "0.0019");
        assert_eq!(difference(0.0123), "0.012");
        assert_eq!(difference(3.24e-6), "3.2 × 10⁻⁶");
        assert_eq!(signed(-100.7, 1), "−100.7");
        assert_eq!(signed(-0.00000001, 6), "0.000000");
    }
}
