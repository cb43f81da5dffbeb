//! Per-figure titles, axis labels, ranges and sentences (alt text, captions, failure notes), built
//! from the numbers so that every figure can be read without seeing it.

use serde::{Deserialize, Serialize};

use super::alpha_shift::AlphaShift;
use super::decomposition::Decomposition;
use super::fitted_curves::{finite_range, FittedCurves};
use super::joint_surface::JointSurface;
use super::points::ScenePoints;
use crate::claims::{AtParams, Claim, ModelKey, Summed};
use crate::data::Dataset;
use crate::report::{FitReport, Outcome};

pub const LM_GROUP: &str = "lm(y ~ x + factor(group))";
pub const LMM: &str = "lmer(y ~ x + (1|group))";
pub const GLM_GROUP: &str = "glm(y_bin ~ x + factor(group), binomial)";

/// Number of distinct group colours before they repeat (Okabe–Ito without black).
pub const GROUP_COLOURS: usize = 7;

/// What one figure shows, in words and ranges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FigureInfo {
    /// 1–6, as on the page.
    pub number: u8,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Data ranges of the plotting area.
    pub x_range: [f64; 2],
    pub y_range: [f64; 2],
    /// One or two sentences with the numbers (alt text).
    pub alt: String,
    /// What the figure shows and how to read it, with this input's numbers (the page's caption).
    #[serde(default)]
    pub explanation: String,
    /// Remarks on this scene for below the figure (e.g. how points were thinned).
    pub caption: String,
    /// Short remarks drawn inside the figure (e.g. a model that could not be fitted).
    pub notes: Vec<String>,
    /// When set, the figure draws only this sentence.
    pub unavailable: Option<String>,
    /// Short names of the axes for the page's hover read-out ("x", "P(y_bin = 1)", "z₁", "u", "Δℓ").
    #[serde(default)]
    pub x_symbol: String,
    #[serde(default)]
    pub y_symbol: String,
    /// File name of a download, without extension ("logistic-fits").
    #[serde(default)]
    pub file_name: String,
    /// Figures 3–4: the intercept α they are drawn from, glmer's or figure 8's handle's (β and σ_b at
    /// glmer's fit); figure 4 adds the mean mode to it. `None` for the other figures.
    #[serde(default)]
    pub at_alpha: Option<f64>,
    /// What the data-dependent sentences of `explanation` and `alt` assert, for
    /// [`super::claims_check::check`]. Present where the scene is built; not serialised: the worker's byte
    /// hand-over is postcard, which cannot read [`Claim`]'s internally tagged form, and the page needs no claims.
    #[serde(skip)]
    pub claims: Vec<Claim>,
}

/// `glmer(...)` call with the number of quadrature nodes when known.
pub fn glmm_name(report: &FitReport) -> String {
    match &report.glmm_agq {
        Outcome::Fit(f) => format!("glmer(y_bin ~ x + (1|group), binomial, nAGQ = {})", f.nagq),
        Outcome::Failed { .. } => "glmer(y_bin ~ x + (1|group), binomial)".to_string(),
    }
}

/// "`model` could not be fitted: `error`." for a failed outcome.
pub fn failure<T>(model: &str, o: &Outcome<T>) -> Option<String> {
    match o {
        Outcome::Fit(_) => None,
        Outcome::Failed { error } => {
            let e = error.trim();
            let dot = if e.ends_with('.') { "" } else { "." };
            Some(format!("{model} could not be fitted: {e}{dot}"))
        }
    }
}

/// Fixed decimals with a true minus sign.
pub fn num(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let zero = s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.');
    if zero {
        s.trim_start_matches('-').to_string()
    } else {
        s.replacen('-', "−", 1)
    }
}

pub(crate) fn pad(lo: f64, hi: f64, frac: f64) -> [f64; 2] {
    if !(lo.is_finite() && hi.is_finite()) {
        return [0.0, 1.0];
    }
    if hi > lo {
        let p = frac * (hi - lo);
        [lo - p, hi + p]
    } else {
        let p = if lo.abs() > 0.0 { 0.1 * lo.abs() } else { 1.0 };
        [lo - p, hi + p]
    }
}

pub(crate) fn list(v: &[String]) -> String {
    match v.len() {
        0 => String::new(),
        1 => v[0].clone(),
        2 => format!("{} and {}", v[0], v[1]),
        _ => format!("{}, and {}", v[..v.len() - 1].join(", "), v[v.len() - 1]),
    }
}

fn group_word(g: usize) -> String {
    if g == 1 {
        "1 group".into()
    } else {
        format!("{g} groups")
    }
}

fn colour_caption(g: usize) -> Option<String> {
    (g > GROUP_COLOURS).then(|| {
        format!("Colours repeat after {GROUP_COLOURS} groups; marker shapes and line widths tell the repeats apart.")
    })
}

/// Columns of a legend with `entries` entries: at most three rows per column, at most three columns.
pub fn legend_columns(entries: usize) -> usize {
    entries.div_ceil(3).clamp(1, 3)
}

/// The top of a y range raised so that a legend of `entries` entries fits above the data (its
/// height as a share of a 600 × 400 figure's plotting area, about 316 pixels).
pub(crate) fn with_legend_room(lo: f64, hi: f64, entries: usize) -> [f64; 2] {
    let rows = entries.div_ceil(legend_columns(entries)) as f64;
    let f = ((rows * 18.0 + 30.0) / 316.0).min(0.5);
    [lo, hi + f / (1.0 - f) * (hi - lo)]
}

/// Legend entries of figures 1 and 2: up to eight groups, then the model lines and extras.
fn legend_entries(groups: usize, others: usize) -> usize {
    groups.min(8) + others
}

fn join_sentences(parts: &[Option<String>]) -> String {
    parts.iter().flatten().cloned().collect::<Vec<_>>().join(" ")
}

/// Everything the builder knows, passed to the per-figure functions.
pub(crate) struct Inputs<'a> {
    pub data: &'a Dataset,
    pub report: &'a FitReport,
    pub points: &'a ScenePoints,
    pub curves: &'a FittedCurves,
    pub joint: Option<&'a JointSurface>,
    pub joint_adjusted: Option<&'a JointSurface>,
    pub alpha_shift: Option<&'a AlphaShift>,
    pub decomposition: Option<&'a Decomposition>,
    /// Why the GLMM-based figures 3–6 cannot be drawn, when they cannot.
    pub glmm_unavailable: Option<String>,
    /// Figures 3–4 drawn at figure 8's handle α instead of glmer's (`None`: at the fit).
    pub handle: Option<super::HandleAlpha>,
}

/// Figures 3 and 4 alone (after figure 8's handle moved).
pub(crate) fn describe_joint(inp: &Inputs) -> Vec<FigureInfo> {
    vec![joint(inp, false), joint(inp, true)]
}

pub(crate) fn describe_all(inp: &Inputs) -> Vec<FigureInfo> {
    vec![linear(inp), logistic(inp), joint(inp, false), joint(inp, true), random_part(inp), bernoulli_part(inp)]
}

fn x_range(curves: &FittedCurves) -> [f64; 2] {
    match (curves.x.first(), curves.x.last()) {
        (Some(&a), Some(&b)) if b > a => [a, b],
        _ => [-1.0, 1.0],
    }
}

/// (α, β, σ) of a GLMM fit.
fn at_fit(f: &crate::report::GlmmFit) -> AtParams {
    AtParams { alpha: f.fixef[0], beta: f.fixef[1], sigma: f.sigma_b }
}

/// Decimals that show `v` with two significant digits (at least `min`, at most 12).
pub fn significant_decimals(v: f64, min: usize) -> usize {
    if v == 0.0 || !v.is_finite() {
        return min;
    }
    ((1.0 - v.abs().log10().floor()).clamp(0.0, 12.0) as usize).max(min)
}

/// "both" for two, "all G" for more.
pub(crate) fn all_of(g: usize) -> String {
    if g == 2 {
        "both".into()
    } else {
        format!("all {g}")
    }
}

/// Whether `v` printed with `decimals` decimals reads as zero.
pub(crate) fn reads_zero(v: f64, decimals: usize) -> bool {
    num(v, decimals).chars().all(|c| c == '0' || c == '.')
}

fn linear(inp: &Inputs) -> FigureInfo {
    let g = inp.data.n_groups();
    let mut info = FigureInfo {
        number: 1,
        title: "Linear fits per group".into(),
        x_label: "x".into(),
        y_label: "y".into(),
        x_symbol: "x".into(),
        y_symbol: "y".into(),
        file_name: "linear-fits".into(),
        x_range: x_range(inp.curves),
        y_range: [0.0, 1.0],
        ..Default::default()
    };
    info.explanation = format!(
        "y against x, one colour per group. Dashed: {LM_GROUP}, a free intercept for each group. Solid: lmer’s line for each group, α + βx + b_g, with b_g its predicted random intercept."
    );
    let Some(y) = inp.points.y.as_ref() else {
        info.unavailable = Some(
            "These data have no continuous outcome y, so the linear fits of figure 1 cannot be drawn; the other figures use y_bin."
                .into(),
        );
        return info;
    };
    let lm_fail = failure(LM_GROUP, &inp.report.lm_group);
    let lmm_fail = failure(LMM, &inp.report.lmm);
    let lm_mismatch = (lm_fail.is_none() && inp.curves.lm_group.is_none())
        .then(|| format!("{LM_GROUP} does not match the {} of the data.", group_word(g)));
    let lmm_mismatch = (lmm_fail.is_none() && inp.curves.lmm.is_none())
        .then(|| format!("{LMM} does not match the {} of the data.", group_word(g)));
    info.notes = [lm_fail, lm_mismatch, lmm_fail, lmm_mismatch].into_iter().flatten().collect();
    if inp.curves.lm_group.is_none() && inp.curves.lmm.is_none() {
        info.unavailable = Some(info.notes.join(" "));
        return info;
    }
    let mut ys: Vec<f64> = y.clone();
    for set in [&inp.curves.lm_group, &inp.curves.lmm].into_iter().flatten() {
        ys.extend(set.iter().flatten());
    }
    let (lo, hi) = finite_range(&ys).unwrap_or((0.0, 1.0));
    // Headroom above the data for the legend (groups, the two kinds of line, y_bin = 1 and 0).
    let r = pad(lo, hi, 0.04);
    let lines = usize::from(inp.curves.lm_group.is_some()) + usize::from(inp.curves.lmm.is_some());
    info.y_range = with_legend_room(r[0], r[1], legend_entries(g, lines + 2));

    let mut alt = format!(
        "Scatter plot of y against x for {} ({} points, coloured by group; filled when y_bin = 1).",
        group_word(g),
        inp.points.n_shown
    );
    if let Outcome::Fit(f) = &inp.report.lm_group {
        if inp.curves.lm_group.is_some() && f.coef.len() >= 2 {
            alt.push_str(&format!(
                " Dashed: {LM_GROUP}, common slope {}, a separate intercept per group.",
                num(f.coef[1], 4)
            ));
        }
    }
    if let Outcome::Fit(f) = &inp.report.lmm {
        if inp.curves.lmm.is_some() && f.fixef.len() >= 2 {
            alt.push_str(&format!(
                " Solid: {LMM}, intercept {} and slope {}; its random intercepts sum to {}.",
                num(f.fixef[0], 4),
                num(f.fixef[1], 4),
                num(f.ranef_sum, 6)
            ));
            if reads_zero(f.ranef_sum, 6) {
                info.explanation.push_str(" In this linear mixed model the b_g sum to zero.");
                info.claims.push(Claim::SumIsZero { model: ModelKey::Lmm, summed: Summed::Modes, decimals: 6 });
            }
        }
    }
    info.alt = alt;
    info.caption = join_sentences(&[inp.points.thinning.clone(), colour_caption(g)]);
    info
}

fn logistic(inp: &Inputs) -> FigureInfo {
    let g = inp.data.n_groups();
    let glmm = glmm_name(inp.report);
    let mut info = FigureInfo {
        number: 2,
        title: "Logistic fits per group".into(),
        x_label: "x".into(),
        y_label: "y_bin and P(y_bin = 1)".into(),
        x_symbol: "x".into(),
        y_symbol: "P(y_bin = 1)".into(),
        file_name: "logistic-fits".into(),
        x_range: x_range(inp.curves),
        y_range: [-0.08, 1.08],
        ..Default::default()
    };
    let glm_fail = failure(GLM_GROUP, &inp.report.glm_group);
    let glmm_fail = failure(&glmm, &inp.report.glmm_agq);
    let glm_mismatch = (glm_fail.is_none() && inp.curves.glm_group.is_none())
        .then(|| format!("{GLM_GROUP} does not match the {} of the data.", group_word(g)));
    let glmm_mismatch = (glmm_fail.is_none() && inp.curves.glmm.is_none())
        .then(|| format!("{glmm} does not match the {} of the data.", group_word(g)));
    info.notes = [glm_fail, glm_mismatch, glmm_fail, glmm_mismatch].into_iter().flatten().collect();
    let lines = usize::from(inp.curves.glm_group.is_some())
        + usize::from(inp.curves.glmm.is_some())
        + usize::from(inp.curves.zero_effect.is_some())
        + usize::from(inp.curves.population_average.is_some());
    info.y_range = with_legend_room(-0.06, 1.06, legend_entries(g, lines));
    let mut expl = "y_bin (0 or 1, jittered vertically) against x. Dashed: glm with a fixed intercept per group. Solid: glmer’s curve for each group, logistic(α + βx + b_g).".to_string();
    let mut alt = format!(
        "The binary outcome y_bin (0 or 1, jittered vertically) against x for {} ({} points).",
        group_word(g),
        inp.points.n_shown
    );
    if let (Outcome::Fit(f), Some(_)) = (&inp.report.glm_group, &inp.curves.glm_group) {
        alt.push_str(&format!(" Dashed: {GLM_GROUP}, slope {}.", num(f.coef[1], 4)));
    }
    if let (Outcome::Fit(f), Some(_)) = (&inp.report.glmm_agq, &inp.curves.glmm) {
        let not_zero = !reads_zero(f.ranef_sum, 4);
        alt.push_str(&format!(
            " Solid: {glmm}, α = {}, β = {}, σ_b = {}; its random intercepts (conditional modes) sum to {}{}.",
            num(f.fixef[0], 4),
            num(f.fixef[1], 4),
            num(f.sigma_b, 4),
            num(f.ranef_sum, 4),
            if not_zero { ", not 0" } else { "" }
        ));
        if not_zero {
            info.claims.push(Claim::SumIsNotZero { model: ModelKey::GlmmAgq, summed: Summed::Modes, decimals: 4 });
        }
        if inp.curves.zero_effect.is_some() {
            expl.push_str(" Grey dashed: a group with b = 0, logistic(α + βx).");
        }
        if inp.curves.population_average.is_some() {
            expl.push_str(" Thick black: the population-averaged curve, the group curve averaged over b ~ N(0, σ_b²)");
            alt.push_str(" Thick black: the population-averaged probability ∫ logistic(α + βx + b) N(b; 0, σ_b²) db");
            let slopes = super::fitted_curves::steepest_slopes(f);
            let sentence = match slopes {
                // Flatter only where the printed slopes show it (σ_b near 0 leaves them equal to 10 decimals).
                Some((avg, zero)) if f.sigma_b > 0.0 && avg < zero && num(avg, 10) == num(zero, 10) => format!(
                    ": with σ_b = {} so close to 0 it is practically the b = 0 curve (their steepest slopes agree to \
                     10 decimals).",
                    num(f.sigma_b, 6)
                ),
                Some((avg, zero)) if f.sigma_b > 0.0 && avg < zero => {
                    let mut d = 4;
                    while d < 10 && num(avg, d) == num(zero, d) {
                        d += 1;
                    }
                    info.claims.push(Claim::PopulationAverageFlatter {
                        at: at_fit(f),
                        averaged: avg,
                        zero,
                        decimals: d,
                    });
                    format!(
                        ", flatter than the b = 0 curve: its steepest slope is {} against {} (|β|/4).",
                        num(avg, d),
                        num(zero, d)
                    )
                }
                _ if f.sigma_b == 0.0 => {
                    ": with σ_b = 0 (a singular fit) it is the b = 0 curve itself.".to_string()
                }
                _ => ".".to_string(),
            };
            expl.push_str(&sentence);
            alt.push_str(&sentence);
        }
    }
    if inp.curves.glm_group.is_none() && inp.curves.glmm.is_none() {
        alt.push_str(" No model curve could be drawn.");
    }
    info.explanation = expl;
    info.alt = alt;
    info.caption = join_sentences(&[inp.points.thinning.clone(), colour_caption(g)]);
    info
}

/// The pair's claims on one surface: both modes, their sum, and the gap to the line z_a = −z_b.
fn surface_claims(s: &JointSurface, at: AtParams, claims: &mut Vec<Claim>) {
    let (a, b) = s.groups;
    claims.push(Claim::PosteriorMode { group: a, at, value: s.max[0], decimals: 4 });
    claims.push(Claim::PosteriorMode { group: b, at, value: s.max[1], decimals: 4 });
    claims.push(Claim::Sum { summed: Summed::Modes, groups: vec![a, b], at, value: s.max_sum(), decimals: 4 });
    if let Some(d) = s.line_rel_loglik {
        claims.push(Claim::ZeroSumLineGap {
            groups: (a, b),
            at,
            gap: -d,
            decimals: significant_decimals(d, 4),
        });
    }
}

fn joint(inp: &Inputs, adjusted: bool) -> FigureInfo {
    let surface = if adjusted { inp.joint_adjusted } else { inp.joint };
    let g = inp.data.n_groups();
    let mut info = FigureInfo {
        number: if adjusted { 4 } else { 3 },
        title: if adjusted {
            "The same with α shifted by the mean mode".into()
        } else {
            "Posterior of two random effects (unnormalised)".into()
        },
        x_label: "random effect of group a".into(),
        y_label: "random effect of group b".into(),
        x_symbol: "z_a".into(),
        y_symbol: "z_b".into(),
        file_name: if adjusted { "posterior-alpha-shifted" } else { "posterior-two-groups" }.into(),
        x_range: [-1.0, 1.0],
        y_range: [-1.0, 1.0],
        ..Default::default()
    };
    let Some(s) = surface else {
        info.unavailable = Some(
            inp.glmm_unavailable.clone().unwrap_or_else(|| "The posterior density could not be computed.".into()),
        );
        return info;
    };
    let (la, lb) = (&s.labels.0, &s.labels.1);
    info.x_label = format!("random effect of group {la}");
    info.y_label = format!("random effect of group {lb}");
    info.x_symbol = format!("z_{la}");
    info.y_symbol = format!("z_{lb}");
    info.x_range = [s.za[0], s.za[s.za.len() - 1]];
    info.y_range = [s.zb[0], s.zb[s.zb.len() - 1]];
    let at = AtParams { alpha: s.alpha, beta: s.beta, sigma: s.sigma };
    surface_claims(s, at, &mut info.claims);
    info.at_alpha = Some(inp.handle.map_or(inp.alpha_shift.map_or(s.alpha, |sh| sh.fitted), |h| h.alpha));

    let mut alt = format!(
        "Contours of the log posterior density of z_{la} and z_{lb} minus its maximum, ℓ − ℓ_max, at levels {} for α = {}, β = {}, σ = {}.",
        list(&s.levels.iter().map(|l| num(*l, decimals_for(*l))).collect::<Vec<_>>()),
        num(s.alpha, 4),
        num(s.beta, 4),
        num(s.sigma, 4)
    );
    alt.push_str(&format!(
        " The maximum is at ({}, {}), whose sum is {}.",
        num(s.max[0], 4),
        num(s.max[1], 4),
        num(s.max_sum(), 4)
    ));
    let gap = s.line_rel_loglik.map(|d| num(-d, significant_decimals(d, 4)));
    if let (Some(p), Some(gap)) = (s.line_max, &gap) {
        alt.push_str(&format!(
            " The highest point with effects summing to zero (dashed line z_{la} = −z_{lb}) is ({}, {}), lower by {gap}.",
            num(p[0], 4),
            num(p[1], 4),
        ));
    }
    let mut expl = String::new();
    if adjusted {
        expl.push_str(&adjusted_sentences(inp, s, &mut info.claims));
    } else {
        let (at_words, modes_words) = match inp.handle {
            Some(h) => (
                format!(
                    "at α = {} (figure 8’s handle; glmer’s α is {}) with glmer’s β and σ held",
                    num(h.alpha, 4),
                    num(h.fitted, 4)
                ),
                "the conditional modes at this α",
            ),
            None => ("at glmer’s fitted α, β, σ".to_string(), "the conditional modes that ranef() prints"),
        };
        expl.push_str(&format!(
            "The log of p(y | z) · φ_σ(z_{la}) · φ_σ(z_{lb}) for groups {la} and {lb} {at_words}, minus its maximum: up to a constant, the log posterior density of their two random effects (its integral is not 1, hence “unnormalised”). Dot: its maximum ({}, {}), {modes_words}, summing to {}.",
            num(s.max[0], 4),
            num(s.max[1], 4),
            num(s.max_sum(), 4)
        ));
        if let Some(m) = s.posterior_means {
            let (a, b) = s.groups;
            info.claims.push(Claim::PosteriorMean { group: a, at, value: m[0], decimals: 4 });
            info.claims.push(Claim::PosteriorMean { group: b, at, value: m[1], decimals: 4 });
            info.claims.push(Claim::Sum { summed: Summed::Means, groups: vec![a, b], at, value: m[0] + m[1], decimals: 4 });
            let means = format!(
                " Cross: the posterior means ({}, {}), summing to {}.",
                num(m[0], 4),
                num(m[1], 4),
                num(m[0] + m[1], 4)
            );
            expl.push_str(&means);
            alt.push_str(&means);
        }
    }
    if let Some(gap) = &gap {
        expl.push_str(&format!(
            " Dashed: z_{la} = −z_{lb}, where the pair sums to zero; open circle: the highest point on it, lower by {gap} in log density."
        ));
    }
    if let Some(c) = &s.closeup {
        expl.push_str(" The inset magnifies the small outlined square around these points.");
        alt.push_str(&format!(
            " An inset magnifies the square from {} to {} (group {la}) around these points, with contours at {}.",
            num(c.za[0], 3),
            num(c.za[c.za.len() - 1], 3),
            list(&c.levels.iter().map(|l| num(*l, decimals_for(*l).min(8))).collect::<Vec<_>>())
        ));
    }
    if g > 2 {
        expl.push_str(&format!(
            " Groups {la} and {lb} of {g}: the other groups’ terms do not depend on z_{la}, z_{lb} and are left out."
        ));
        if !adjusted {
            if let Some(h) = inp.handle {
                let at = AtParams { alpha: h.alpha, beta: s.beta, sigma: s.sigma };
                info.claims.push(Claim::Sum { summed: Summed::Modes, groups: vec![], at, value: h.mode_sum, decimals: 4 });
                info.claims.push(Claim::Sum { summed: Summed::Means, groups: vec![], at, value: h.mean_sum, decimals: 4 });
                expl.push_str(&format!(
                    " Over all {g} groups at this α the modes sum to {} and the posterior means to {}; the sums of one pair need not be zero.",
                    num(h.mode_sum, 4),
                    num(h.mean_sum, 4)
                ));
            } else if let Outcome::Fit(f) = &inp.report.glmm_agq {
                let at = at_fit(f);
                info.claims.push(Claim::Sum { summed: Summed::Modes, groups: vec![], at, value: f.ranef_sum, decimals: 4 });
                let mut all = format!(" Over all {g} groups the modes sum to {}", num(f.ranef_sum, 4));
                if f.cond_means.len() == g && f.cond_means_sum.is_finite() {
                    info.claims.push(Claim::Sum {
                        summed: Summed::Means,
                        groups: vec![],
                        at,
                        value: f.cond_means_sum,
                        decimals: 4,
                    });
                    all.push_str(&format!(" and the posterior means to {}", num(f.cond_means_sum, 4)));
                }
                all.push_str("; the sums of one pair need not be zero.");
                expl.push_str(&all);
            }
        }
    }
    info.explanation = expl;
    info.alt = join_sentences(&[Some(alt), (adjusted).then(|| info.explanation.clone())]);
    info
}

/// Figure 4's sentences: the shift, the new maximum and what the shift does to all G groups.
fn adjusted_sentences(inp: &Inputs, s: &JointSurface, claims: &mut Vec<Claim>) -> String {
    let (la, lb) = (&s.labels.0, &s.labels.1);
    let g = inp.data.n_groups();
    let mut out = String::new();
    let Some(sh) = inp.alpha_shift else {
        return format!("The same density at α = {}.", num(s.alpha, 4));
    };
    let mean = sh.shifted - sh.fitted;
    claims.push(match inp.handle {
        Some(_) => Claim::AlphaShiftedByMeanModeAt {
            at: AtParams { alpha: sh.fitted, beta: sh.beta, sigma: sh.sigma },
            shifted: sh.shifted,
            decimals: 4,
        },
        None => Claim::AlphaShiftedByMeanMode { fitted: sh.fitted, shifted: sh.shifted, decimals: 4 },
    });
    let from_words = match inp.handle {
        Some(_) => "figure 8’s handle, α =",
        None => "glmer’s α =",
    };
    out.push_str(&format!(
        "The same density with the intercept moved from {from_words} {} by z̄ = {}, the mean of {} conditional modes there, to {}; every prediction α + βx + z stays put when each z moves by −z̄. Dot: the new maximum ({}, {}), summing to {}",
        num(sh.fitted, 4),
        num(mean, 4),
        all_of(g),
        num(sh.shifted, 4),
        num(s.max[0], 4),
        num(s.max[1], 4),
        num(s.max_sum(), 4),
    ));
    if g == 2 {
        if reads_zero(s.max_sum(), 4) {
            out.push_str(&format!(": on the line z_{la} = −z_{lb} to 4 decimals."));
        } else {
            out.push_str(&format!(
                ": close to the line z_{la} = −z_{lb} but not on it, since the modes are found afresh at the new α."
            ));
        }
    } else {
        let at = AtParams { alpha: sh.shifted, beta: sh.beta, sigma: sh.sigma };
        let at_fitted = AtParams { alpha: sh.fitted, beta: sh.beta, sigma: sh.sigma };
        claims.push(Claim::Sum { summed: Summed::Modes, groups: vec![], at, value: sh.mode_sum_shifted, decimals: 4 });
        claims.push(Claim::Sum {
            summed: Summed::Modes,
            groups: vec![],
            at: at_fitted,
            value: sh.mode_sum_fitted,
            decimals: 4,
        });
        out.push_str(&format!(
            ". All {g} modes now sum to {} (at the fitted α: {}); the sum of one pair need not be zero.",
            num(sh.mode_sum_shifted, 4),
            num(sh.mode_sum_fitted, 4)
        ));
    }
    let from = AtParams { alpha: sh.fitted, beta: sh.beta, sigma: sh.sigma };
    let to = AtParams { alpha: sh.shifted, beta: sh.beta, sigma: sh.sigma };
    let d = significant_decimals(sh.peak_gain, 4);
    claims.push(Claim::JointPeakGain { from, to, gain: sh.peak_gain, decimals: d });
    let peak = if reads_zero(sh.peak_gain, d) {
        format!("The peak of the joint density of {} random effects stays where it was", all_of(g))
    } else {
        format!(
            "The peak of the joint density of {} random effects rises by {} in log density",
            all_of(g),
            num(sh.peak_gain, d)
        )
    };
    out.push(' ');
    out.push_str(&peak);
    if let (Some(l0), Some(l1)) = (sh.loglik_fitted, sh.loglik_shifted) {
        let d = significant_decimals(l1 - l0, 4).max(2);
        claims.push(Claim::ExactLogLik { at: from, value: l0, decimals: d });
        claims.push(Claim::ExactLogLik { at: to, value: l1, decimals: d });
        let (p0, p1) = (num(l0, d), num(l1, d));
        let verb = if p0 == p1 {
            format!("stays at {p0}")
        } else if l1 < l0 {
            format!("falls from {p0} to {p1}")
        } else {
            format!("rises from {p0} to {p1}")
        };
        out.push_str(&format!(
            ", {} the exact marginal log-likelihood, the log of that density’s integral over {} random effects, {verb}.",
            if l1 < l0 && !reads_zero(sh.peak_gain, 4) { "yet" } else { "and" },
            all_of(g)
        ));
    } else {
        out.push('.');
    }
    out
}

/// Decimals that show a contour level without trailing noise.
pub fn decimals_for(v: f64) -> usize {
    let a = v.abs();
    if a == 0.0 || !a.is_finite() {
        return 1;
    }
    let mut d = 0;
    while d < 8 && ((a * 10f64.powi(d as i32)).round() - a * 10f64.powi(d as i32)).abs() > 1e-6 {
        d += 1;
    }
    d
}

fn u_label(d: &Decomposition) -> String {
    if d.groups == 2 {
        "u = z₁ + z₂ (z₁ − z₂ fixed)".into()
    } else {
        format!("u = sum of all {} random effects (differences fixed)", d.groups)
    }
}

/// The line both figures 5 and 6 move along, in words.
fn line_sentence(d: &Decomposition) -> String {
    let g = d.groups;
    if g == 1 {
        return "With one group, u is its random effect z₁.".into();
    }
    format!(
        "Move {} random effects together, z_g(u) = ẑ_g − z̄ + u/{g} with ẑ_g glmer’s conditional modes and z̄ their mean, so that u is their sum and their differences stay as fitted.",
        all_of(g)
    )
}

fn random_part(inp: &Inputs) -> FigureInfo {
    let mut info = FigureInfo {
        number: 5,
        title: "Random-effects part along u".into(),
        x_label: "u".into(),
        y_label: "relative likelihood".into(),
        x_symbol: "u".into(),
        y_symbol: "relative likelihood".into(),
        file_name: "random-effects-part".into(),
        x_range: [-0.1, 0.1],
        y_range: [0.0, 1.0],
        ..Default::default()
    };
    let Some(d) = inp.decomposition else {
        info.unavailable =
            Some(inp.glmm_unavailable.clone().unwrap_or_else(|| "The decomposition could not be computed.".into()));
        return info;
    };
    info.x_label = u_label(d);
    info.x_range = [d.u[0], d.u[d.u.len() - 1]];
    let (lo, _) = finite_range(&d.rel_random_effects).unwrap_or((0.0, 1.0));
    info.y_range = pad(lo, 1.0, 0.06);
    let ratio = (-(d.mode_sum * d.mode_sum) / (2.0 * d.groups as f64 * d.sigma * d.sigma)).exp();
    let rd = significant_decimals(1.0 - ratio, 5).min(12);
    info.claims.push(Claim::RandomPartRatio { sigma: d.sigma, ratio, decimals: rd });
    if let Outcome::Fit(f) = &inp.report.glmm_agq {
        info.claims.push(Claim::Sum { summed: Summed::Modes, groups: vec![], at: at_fit(f), value: d.mode_sum, decimals: 4 });
    }
    let g = d.groups;
    info.explanation = format!(
        "{} The random-effects part Σ log N(z_g(u); 0, σ²) over the {} (σ = {}), drawn as a share of its maximum, is symmetric about u = 0, where the effects sum to zero. glmer’s modes sit at u = {}, where it is {} of its maximum.",
        line_sentence(d),
        group_word(g),
        num(d.sigma, 4),
        num(d.mode_sum, 4),
        num(ratio, rd)
    );
    info.alt = format!(
        "The random-effects part Σ log N(z_g(u); 0, σ²) with σ = {} as a relative likelihood along u, the sum of all {g} random effects: a parabola in the log with its maximum at u = 0, where the random effects sum to zero. The GLMM's modes sit at u = {}, where it is {} of its maximum.",
        num(d.sigma, 4),
        num(d.mode_sum, 4),
        num(ratio, rd)
    );
    info
}

fn bernoulli_part(inp: &Inputs) -> FigureInfo {
    let mut info = FigureInfo {
        number: 6,
        title: "Whole integrand along u, two values of α".into(),
        x_label: "u".into(),
        y_label: "Δℓ (log scale)".into(),
        x_symbol: "u".into(),
        y_symbol: "Δℓ".into(),
        file_name: "integrand-along-u".into(),
        x_range: [-0.1, 0.1],
        y_range: [-9.0, 0.0],
        ..Default::default()
    };
    let Some(d) = inp.decomposition else {
        info.unavailable =
            Some(inp.glmm_unavailable.clone().unwrap_or_else(|| "The decomposition could not be computed.".into()));
        return info;
    };
    info.x_label = u_label(d);
    info.x_range = [d.u[0], d.u[d.u.len() - 1]];
    let mut all = d.optimal.delta_total.clone();
    all.extend(&d.adjusted.delta_total);
    let lo = finite_range(&all).map_or(-9.0, |r| r.0).max(-12.0);
    info.y_range = with_legend_room(lo, 0.0, 3);
    let nagq = inp.report.glmm_agq.fit().map_or(1, |f| f.nagq);
    let mut expl = format!(
        "{} The whole integrand of the likelihood along u — Bernoulli part × random-effects part — on a log scale: Δℓ is its log minus the higher of the two peaks, so 0 is the top and −2 means e⁻² ≈ 0.14 of it.",
        line_sentence(d)
    );
    let (o, a) = (&d.optimal, &d.adjusted);
    if let (Some(po), Some(pa), Some(mo), Some(ma)) = (o.argmax_total, a.argmax_total, o.max_total, a.max_total) {
        let gain = ma - mo;
        let gd = significant_decimals(gain, 4);
        info.claims.push(Claim::LinePeak { alpha: o.alpha, at_u: po, decimals: 4 });
        info.claims.push(Claim::LinePeak { alpha: a.alpha, at_u: pa, decimals: 4 });
        info.claims.push(Claim::LinePeakGain { from: o.alpha, to: a.alpha, gain, decimals: gd });
        let inset = if d.peak_closeup.is_some() { " (the inset magnifies both peaks)" } else { "" };
        expl.push_str(&format!(
            " Blue: glmer’s α = {}, which maximises the marginal likelihood as glmer computes it with nAGQ = {nagq} (“highest total integral”); its peak is at u = {}. Vermilion: α + z̄ = {} (“highest peak”); its peak is {} higher in Δℓ{inset}, at u = {}.",
            num(o.alpha, 4),
            num(po, 4),
            num(a.alpha, 4),
            num(gain, gd),
            num(pa, 4),
        ));
        if let Some(diff) = d.skew_difference {
            let dd = significant_decimals(diff, 3);
            info.claims.push(Claim::LineSkew { alpha: o.alpha, h: d.skew_h, difference: diff, decimals: dd });
            let side = if diff > 0.0 { "higher" } else { "lower" };
            expl.push_str(&format!(
                " Thin dashed: the blue curve mirrored about its peak, as a reference. The random-effects part is a parabola on this scale, so the gap between a curve and its mirror image is the Bernoulli part’s skew: {} to the right of the peak the blue curve is {} {side} than the same distance to the left.",
                num(d.skew_h, significant_decimals(d.skew_h, 2)),
                num(diff.abs(), dd),
            ));
        }
        if reads_zero(po, 4) {
            expl.push_str(" Here the fitted α’s peak is at u = 0 to 4 decimals: the skew is too small to move it.");
        } else {
            expl.push_str(" With a skewed integrand the largest integral and the highest peak come at different α, so at glmer’s α the peak is not at u = 0: the modes do not sum to zero.");
        }
    }
    info.alt = expl.clone();
    info.explanation = expl;
    info
}
