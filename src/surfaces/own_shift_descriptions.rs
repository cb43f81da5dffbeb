//! Titles, ranges and sentences of your data's figures 4–6 (issue 13): the pair's joint posterior with the
//! intercept moved by the mean mode ([`super::own_shift`]) and the decomposition along u
//! ([`super::own_decomposition`]), at the page's glmer fit of the user's data, for every family and link.
//! Every data-dependent sentence records its [`Claim`] (checked by `own_data::figure_claims`).

use super::decomposition::Decomposition;
use super::descriptions::{all_of, num, pad, reads_zero, significant_decimals, with_legend_room, FigureInfo};
use super::fitted_curves::finite_range;
use super::own_descriptions::{base, OwnContext, OWN_DECIMALS};
use super::own_shift::OwnShift;
use crate::claims::Claim;

/// Figure number of the joint posterior with the intercept moved by the mean mode (as the lesson's figure 4).
pub const OWN_SHIFTED: u8 = 4;
/// Figure number of the random-effects part along u (as the lesson's figure 5).
pub const OWN_RANDOM_PART: u8 = 5;
/// Figure number of the whole integrand along u (as the lesson's figure 6).
pub const OWN_INTEGRAND: u8 = 6;

/// The name of the data's part of the integrand, true for the family shown: "Bernoulli part" (binomial, one
/// trial per row), "binomial part" (binomial with trials), "Poisson part".
pub fn part_name(family: &str, one_trial_per_row: bool) -> &'static str {
    match family {
        "poisson" => "Poisson part",
        _ if one_trial_per_row => "Bernoulli part",
        _ => "binomial part",
    }
}

/// What figures 4–6 need besides [`OwnContext`].
#[derive(Debug, Clone, Copy)]
pub struct ShiftContext<'a> {
    pub own: &'a OwnContext<'a>,
    /// glmer's intercept, None when the design has no `(Intercept)` column.
    pub intercept: Option<f64>,
    /// [`part_name`] of the data.
    pub part: &'a str,
}

fn shifted_base(a: &str, b: &str) -> FigureInfo {
    base(
        OWN_SHIFTED,
        "The same with the intercept moved by the mean mode",
        format!("b of {a}"),
        &format!("b of {b}"),
        "own-joint-intercept-shifted",
    )
}

fn random_base() -> FigureInfo {
    let mut info = base(OWN_RANDOM_PART, "Random-effects part along u", "u".into(), "relative likelihood", "own-random-effects-part");
    info.x_symbol = "u".into();
    info.y_symbol = "relative likelihood".into();
    info
}

fn integrand_base() -> FigureInfo {
    let mut info = base(OWN_INTEGRAND, "Whole integrand along u, two intercepts", "u".into(), "Δℓ (log scale)", "own-integrand-along-u");
    info.x_symbol = "u".into();
    info.y_symbol = "Δℓ".into();
    info.y_range = [-9.0, 0.0];
    info
}

/// Figures 4, 5 and 6 with only the sentence `why` (nothing to draw).
pub fn own_decomposition_unavailable(why: &str) -> [FigureInfo; 3] {
    let mut out = [shifted_base("the first group", "the second group"), random_base(), integrand_base()];
    for info in &mut out {
        info.unavailable = Some(why.to_string());
    }
    out
}

/// Figure 4's sentence when the formula has no intercept.
pub const NO_INTERCEPT: &str = "The formula has no intercept (no (Intercept) column among the fixed effects), so there is no intercept to move by the mean of the conditional modes: this figure needs one.";

/// "falls from a to b", "rises from a to b", "stays at a".
fn change(l0: f64, l1: f64, d: usize) -> String {
    let (p0, p1) = (num(l0, d), num(l1, d));
    if p0 == p1 {
        format!("stays at {p0}")
    } else if l1 < l0 {
        format!("falls from {p0} to {p1}")
    } else {
        format!("rises from {p0} to {p1}")
    }
}

/// Figure 4 of the pair: the joint posterior at glmer's intercept + b̄, with the shift's effect on all G
/// groups; records its claims.
pub fn describe_own_shifted(sh: &OwnShift, ctx: &ShiftContext) -> FigureInfo {
    let o = ctx.own;
    let Some(s) = sh.surface.as_ref() else {
        let mut info = shifted_base("the first group", "the second group");
        info.unavailable = Some("The joint posterior at the moved intercept could not be drawn for this fit.".into());
        return info;
    };
    let (a, b) = (format!("{} {}", o.group_name, s.labels.0), format!("{} {}", o.group_name, s.labels.1));
    let mut info = shifted_base(&a, &b);
    let d = OWN_DECIMALS;
    let g = sh.groups;
    let mut claims = Vec::new();
    info.x_range = [s.za[0], s.za[s.za.len() - 1]];
    info.y_range = [s.zb[0], s.zb[s.zb.len() - 1]];
    info.x_symbol = format!("b[{}]", s.labels.0);
    info.y_symbol = format!("b[{}]", s.labels.1);
    let mean = sh.shifted - sh.fitted;
    claims.push(Claim::InterceptShiftedByMeanMode { fitted: sh.fitted, shifted: sh.shifted, decimals: d });
    claims.push(Claim::PairModesAtIntercept { groups: s.groups, intercept: sh.shifted, modes: s.max, sum: s.max_sum(), decimals: d });
    let mut out = format!(
        "The same joint posterior with the intercept moved from {}’s (Intercept) = {} by b̄ = {}, the mean of {} conditional modes, to {}; every prediction x′β + b_g stays put when each b_g moves by −b̄. The other fixed effects and σ_b stay as fitted, and each group’s mode is found afresh at the new intercept. Dot: the new maximum ({}, {}), summing to {}",
        o.model,
        num(sh.fitted, d),
        num(mean, d),
        all_of(g),
        num(sh.shifted, d),
        num(s.max[0], d),
        num(s.max[1], d),
        num(s.max_sum(), d),
    );
    if g == 2 {
        out.push_str(if reads_zero(s.max_sum(), d) {
            ": on the dashed line b_a + b_b = 0 to 4 decimals."
        } else {
            ": close to the dashed line b_a + b_b = 0 but not on it, since the modes are found afresh."
        });
    } else {
        claims.push(Claim::ModeSumAtIntercept { intercept: sh.shifted, value: sh.mode_sum_shifted, decimals: d });
        claims.push(Claim::ModeSumAtIntercept { intercept: sh.fitted, value: sh.mode_sum_fitted, decimals: d });
        out.push_str(&format!(
            ". All {g} modes now sum to {} (at the fitted intercept: {}); the sum of one pair need not be zero (dashed line: b_a + b_b = 0).",
            num(sh.mode_sum_shifted, d),
            num(sh.mode_sum_fitted, d)
        ));
    }
    let gd = significant_decimals(sh.peak_gain, 4);
    claims.push(Claim::JointPeakGainAtIntercept { from: sh.fitted, to: sh.shifted, gain: sh.peak_gain, decimals: gd });
    out.push(' ');
    if reads_zero(sh.peak_gain, gd) {
        out.push_str(&format!("The peak of the joint density of {} random effects stays where it was", all_of(g)));
    } else {
        out.push_str(&format!(
            "The peak of the joint density of {} random effects rises by {} in log density",
            all_of(g),
            num(sh.peak_gain, gd)
        ));
    }
    if let (Some(l0), Some(l1)) = (sh.loglik_fitted, sh.loglik_shifted) {
        let ld = significant_decimals(l1 - l0, 4).max(2);
        claims.push(Claim::ExactLogLikAtIntercept { intercept: sh.fitted, value: l0, decimals: ld });
        claims.push(Claim::ExactLogLikAtIntercept { intercept: sh.shifted, value: l1, decimals: ld });
        out.push_str(&format!(
            ", {} the exact marginal log-likelihood, the log of that density’s integral over {} random effects, {}.",
            if l1 < l0 && !reads_zero(sh.peak_gain, gd) { "yet" } else { "and" },
            all_of(g),
            change(l0, l1, ld)
        ));
    } else {
        out.push('.');
    }
    info.alt = format!(
        "Contours of the joint posterior of the random intercepts of {a} and {b} with the intercept moved to {}: peak at ({}, {}). {out}",
        num(sh.shifted, d),
        num(s.max[0], d),
        num(s.max[1], d),
    );
    info.explanation = out;
    info.claims = claims;
    info
}

/// The x axis of figures 5–6.
fn u_label(g: usize) -> String {
    if g == 2 {
        "u = sum of both random intercepts (difference fixed)".into()
    } else {
        format!("u = sum of all {g} random effects (differences fixed)")
    }
}

/// The line figures 5 and 6 move along, in words.
fn line_sentence(g: usize) -> String {
    if g == 1 {
        return "With one group, u is its random intercept b_1.".into();
    }
    format!(
        "Move {} random intercepts together, b_g(u) = b̂_g − b̄ + u/{g} with b̂_g glmer’s conditional modes and b̄ their mean, so that u is their sum and their differences stay as fitted.",
        all_of(g)
    )
}

/// Figure 5: the random-effects part along u; records its claims.
pub fn describe_own_random_part(dec: &Decomposition, ctx: &ShiftContext) -> FigureInfo {
    let mut info = random_base();
    let o = ctx.own;
    let g = dec.groups;
    info.x_label = u_label(g);
    info.x_range = [dec.u[0], dec.u[dec.u.len() - 1]];
    let (lo, _) = finite_range(&dec.rel_random_effects).unwrap_or((0.0, 1.0));
    info.y_range = pad(lo, 1.0, 0.06);
    let ratio = (-(dec.mode_sum * dec.mode_sum) / (2.0 * g as f64 * dec.sigma * dec.sigma)).exp();
    let rd = significant_decimals(1.0 - ratio, 5).min(12);
    let d = OWN_DECIMALS;
    info.claims.push(Claim::RandomPartRatio { sigma: dec.sigma, ratio, decimals: rd });
    info.claims.push(Claim::ModeSumAtIntercept { intercept: dec.optimal.alpha, value: dec.mode_sum, decimals: d });
    info.explanation = format!(
        "{} The random-effects part Σ_g log N(b_g(u); 0, σ_b²) over the {g} groups of {} (σ_b = {}), drawn as a share of its maximum, is symmetric about u = 0, where the random intercepts sum to zero. {}’s modes sit at u = {}, where it is {} of its maximum.",
        line_sentence(g),
        o.group_name,
        num(dec.sigma, d),
        o.model,
        num(dec.mode_sum, d),
        num(ratio, rd)
    );
    info.alt = format!(
        "The random-effects part along u, the sum of all {g} random intercepts, as a relative likelihood with σ_b = {}: a parabola in the log with its maximum at u = 0. The conditional modes sit at u = {}, where it is {} of its maximum.",
        num(dec.sigma, d),
        num(dec.mode_sum, d),
        num(ratio, rd)
    );
    info
}

/// The two curves' names in figure 6's legend (short: each is followed by its peak, and the caption says
/// which has the highest total integral and which the highest peak): with an intercept "fitted intercept = a"
/// and "intercept + b̄ = a′", without one "as fitted" and "every prediction + b̄ = m".
pub fn integrand_names(dec: &Decomposition, intercept: Option<f64>) -> [String; 2] {
    match intercept {
        Some(_) => [
            format!("fitted intercept = {}", num(dec.optimal.alpha, 4)),
            format!("intercept + b̄ = {}", num(dec.adjusted.alpha, 4)),
        ],
        None => ["as fitted".into(), format!("every prediction + b̄ = {}", num(dec.mode_mean, 4))],
    }
}

/// Figure 6: the whole integrand along u at the fitted intercept and at intercept + b̄; records its claims.
pub fn describe_own_integrand(dec: &Decomposition, ctx: &ShiftContext) -> FigureInfo {
    let mut info = integrand_base();
    let o = ctx.own;
    let g = dec.groups;
    let part = ctx.part;
    info.x_label = u_label(g);
    info.x_range = [dec.u[0], dec.u[dec.u.len() - 1]];
    let mut all = dec.optimal.delta_total.clone();
    all.extend(&dec.adjusted.delta_total);
    let lo = finite_range(&all).map_or(-9.0, |r| r.0).max(-12.0);
    info.y_range = with_legend_room(lo, 0.0, 3);
    let mut expl = format!(
        "{} The whole integrand of the likelihood along u, the {part} ({} with the {} link, every row’s log density) plus the random-effects part, on a log scale: Δℓ is its log minus the higher of the two peaks, so 0 is the top and −2 means e⁻² ≈ 0.14 of it.",
        line_sentence(g),
        o.family,
        o.link
    );
    let (c0, c1) = (&dec.optimal, &dec.adjusted);
    if let (Some(po), Some(pa), Some(mo), Some(ma)) = (c0.argmax_total, c1.argmax_total, c0.max_total, c1.max_total) {
        let gain = ma - mo;
        let gd = significant_decimals(gain, 4);
        let d = OWN_DECIMALS;
        info.claims.push(Claim::LinePeak { alpha: c0.alpha, at_u: po, decimals: d });
        info.claims.push(Claim::LinePeak { alpha: c1.alpha, at_u: pa, decimals: d });
        info.claims.push(Claim::LinePeakGain { from: c0.alpha, to: c1.alpha, gain, decimals: gd });
        let inset = if dec.peak_closeup.is_some() { " (the inset magnifies both peaks)" } else { "" };
        let (blue, vermilion) = match ctx.intercept {
            Some(_) => (
                format!(
                    "Blue: glmer’s intercept {}, which maximises the marginal likelihood as {} computes it (“highest total integral”)",
                    num(c0.alpha, d),
                    o.model
                ),
                format!("Vermilion: the intercept + b̄ = {} (“highest peak”)", num(c1.alpha, d)),
            ),
            None => (
                "Blue: the fixed effects as fitted".to_string(),
                format!("Vermilion: every prediction moved up by b̄ = {}", num(dec.mode_mean, d)),
            ),
        };
        expl.push_str(&format!(
            " {blue}; its peak is at u = {}. {vermilion}; its peak is {} higher in Δℓ{inset}, at u = {}.",
            num(po, d),
            num(gain, gd),
            num(pa, d)
        ));
        if let Some(diff) = dec.skew_difference {
            let dd = significant_decimals(diff, 3);
            info.claims.push(Claim::LineSkew { alpha: c0.alpha, h: dec.skew_h, difference: diff, decimals: dd });
            let side = if diff > 0.0 { "higher" } else { "lower" };
            expl.push_str(&format!(
                " Thin dashed: the blue curve mirrored about its peak. The random-effects part is a parabola on this scale, so the gap between a curve and its mirror image is the {part}’s skew: {} to the right of the peak the blue curve is {} {side} than the same distance to the left.",
                num(dec.skew_h, significant_decimals(dec.skew_h, 2)),
                num(diff.abs(), dd),
            ));
        }
        if reads_zero(po, d) {
            expl.push_str(" Here the fitted peak is at u = 0 to 4 decimals: the skew is too small to move it.");
        } else {
            expl.push_str(" The blue peak sits where the conditional modes put it, at u = their sum, not at u = 0: with a skewed integrand the highest peak and the largest integral need different intercepts, so the modes do not sum to zero.");
        }
    }
    info.alt = expl.clone();
    info.explanation = expl;
    info
}
