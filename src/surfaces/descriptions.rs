//! Per-figure titles, axis labels, ranges and sentences (alt text, captions, failure notes), built
//! from the numbers so that every figure can be read without seeing it.

use serde::{Deserialize, Serialize};

use super::decomposition::Decomposition;
use super::fitted_curves::{finite_range, FittedCurves};
use super::joint_surface::JointSurface;
use super::points::ScenePoints;
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
    /// Sentences for below the figure (e.g. how points were thinned).
    pub caption: String,
    /// Short remarks drawn inside the figure (e.g. a model that could not be fitted).
    pub notes: Vec<String>,
    /// When set, the figure draws only this sentence.
    pub unavailable: Option<String>,
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

fn pad(lo: f64, hi: f64, frac: f64) -> [f64; 2] {
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

fn list(v: &[String]) -> String {
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
fn with_legend_room(lo: f64, hi: f64, entries: usize) -> [f64; 2] {
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
    pub decomposition: Option<&'a Decomposition>,
    /// Why the GLMM-based figures 3–6 cannot be drawn, when they cannot.
    pub glmm_unavailable: Option<String>,
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

fn linear(inp: &Inputs) -> FigureInfo {
    let g = inp.data.n_groups();
    let mut info = FigureInfo {
        number: 1,
        title: "Continuous y: fixed vs mixed intercepts".into(),
        x_label: "x".into(),
        y_label: "y".into(),
        x_range: x_range(inp.curves),
        y_range: [0.0, 1.0],
        ..Default::default()
    };
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
                " Solid: {LMM}, intercept {} and slope {}; its random intercepts sum to {} — in the linear model they always sum to zero.",
                num(f.fixef[0], 4),
                num(f.fixef[1], 4),
                num(f.ranef_sum, 6)
            ));
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
        title: "Binary y_bin: logistic fits per group".into(),
        x_label: "x".into(),
        y_label: "y_bin and P(y_bin = 1)".into(),
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
        + usize::from(inp.curves.population_average.is_some());
    info.y_range = with_legend_room(-0.06, 1.06, legend_entries(g, lines));
    let mut alt = format!(
        "The binary outcome y_bin (0 or 1, jittered vertically) against x for {} ({} points).",
        group_word(g),
        inp.points.n_shown
    );
    if let (Outcome::Fit(f), Some(_)) = (&inp.report.glm_group, &inp.curves.glm_group) {
        alt.push_str(&format!(" Dashed: {GLM_GROUP}, slope {}.", num(f.coef[1], 4)));
    }
    if let (Outcome::Fit(f), Some(_)) = (&inp.report.glmm_agq, &inp.curves.glmm) {
        alt.push_str(&format!(
            " Solid: {glmm}, α = {}, β = {}, σ_b = {}; its random intercepts (conditional modes) sum to {}{}.",
            num(f.fixef[0], 4),
            num(f.fixef[1], 4),
            num(f.sigma_b, 4),
            num(f.ranef_sum, 4),
            if f.ranef_sum.abs() >= 5e-5 { ", not 0" } else { "" }
        ));
        if inp.curves.population_average.is_some() {
            alt.push_str(
                " Thick black: the population-averaged probability ∫ logistic(α + βx + b) N(b; 0, σ_b²) db, flatter than the curve of a typical group.",
            );
        }
    }
    if inp.curves.glm_group.is_none() && inp.curves.glmm.is_none() {
        alt.push_str(" No model curve could be drawn.");
    }
    info.alt = alt;
    info.caption = join_sentences(&[inp.points.thinning.clone(), colour_caption(g)]);
    info
}

fn joint(inp: &Inputs, adjusted: bool) -> FigureInfo {
    let surface = if adjusted { inp.joint_adjusted } else { inp.joint };
    let mut info = FigureInfo {
        number: if adjusted { 4 } else { 3 },
        title: if adjusted {
            "Joint likelihood with α shifted by the mean mode".into()
        } else {
            "Joint likelihood of two random effects".into()
        },
        x_label: "random effect of group a".into(),
        y_label: "random effect of group b".into(),
        x_range: [-1.0, 1.0],
        y_range: [-1.0, 1.0],
        ..Default::default()
    };
    let Some(s) = surface else {
        info.unavailable = Some(
            inp.glmm_unavailable.clone().unwrap_or_else(|| "The likelihood surface could not be computed.".into()),
        );
        return info;
    };
    let (la, lb) = (&s.labels.0, &s.labels.1);
    info.x_label = format!("random effect of group {la}");
    info.y_label = format!("random effect of group {lb}");
    info.x_range = [s.za[0], s.za[s.za.len() - 1]];
    info.y_range = [s.zb[0], s.zb[s.zb.len() - 1]];
    let mut alt = format!(
        "Contours of the joint log-likelihood ℓ(z_{la}, z_{lb}) − ℓ_max at levels {} for α = {}, β = {}, σ = {}.",
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
    if let (Some(p), Some(d)) = (s.line_max, s.line_rel_loglik) {
        alt.push_str(&format!(
            " The best point with effects summing to zero (dashed line z_{la} = −z_{lb}) is ({}, {}), lower by {} in log-likelihood.",
            num(p[0], 4),
            num(p[1], 4),
            num(-d, 5)
        ));
    }
    if let Some(m) = s.posterior_means {
        alt.push_str(&format!(
            " The posterior means ({}, {}) sum to {}.",
            num(m[0], 4),
            num(m[1], 4),
            num(m[0] + m[1], 4)
        ));
    }
    if let Some(c) = &s.closeup {
        alt.push_str(&format!(
            " An inset magnifies the square from {} to {} (group {la}) around these points, with contours at {}.",
            num(c.za[0], 3),
            num(c.za[c.za.len() - 1], 3),
            list(&c.levels.iter().map(|l| num(*l, decimals_for(*l).min(8))).collect::<Vec<_>>())
        ));
    }
    if adjusted {
        if let Some(o) = inp.joint {
            let gain = s.loglik_max - o.loglik_max;
            let verdict = if gain >= 0.0 {
                format!(
                    "makes the peak higher by {}: a higher peak, yet the marginal likelihood (the integral over all random effects) is highest at the fitted α.",
                    num(gain, 5)
                )
            } else {
                format!("lowers the peak by {}.", num(-gain, 5))
            };
            alt.push_str(&format!(
                " Shifting α by the mean of the two modes ({}) {verdict}",
                num(s.alpha - o.alpha, 4)
            ));
        }
    }
    if inp.data.n_groups() > 2 {
        info.caption = format!(
            "Groups {la} and {lb} of {}; the other groups' terms are constant here and left out.",
            inp.data.n_groups()
        );
    }
    info.alt = alt;
    info
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
        "u = z₁ + z₂ (v = z₁ − z₂ fixed)".into()
    } else {
        format!("u = sum of the {} random effects (differences fixed)", d.groups)
    }
}

fn random_part(inp: &Inputs) -> FigureInfo {
    let mut info = FigureInfo {
        number: 5,
        title: "Random-effects part along u".into(),
        x_label: "u".into(),
        y_label: "relative likelihood".into(),
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
    info.alt = format!(
        "The random-effects part Σ log N(z_g(u); 0, σ²) with σ = {}, as a relative likelihood along u: a parabola in the log with its maximum at u = 0, where the random effects sum to zero. The GLMM's modes sit at u = {}, where it is {} of its maximum.",
        num(d.sigma, 4),
        num(d.mode_sum, 4),
        num((-(d.mode_sum * d.mode_sum) / (2.0 * d.groups as f64 * d.sigma * d.sigma)).exp(), 5)
    );
    info
}

fn bernoulli_part(inp: &Inputs) -> FigureInfo {
    let mut info = FigureInfo {
        number: 6,
        title: "Bernoulli part along u, two intercepts".into(),
        x_label: "u".into(),
        y_label: "relative likelihood".into(),
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
    let mut all = d.optimal.rel_bernoulli.clone();
    all.extend(&d.adjusted.rel_bernoulli);
    let (lo, _) = finite_range(&all).unwrap_or((0.0, 1.0));
    info.y_range = pad(lo, 1.0, 0.06);
    let at = |v: Option<f64>| v.map(|t| format!("u = {}", num(t, 4))).unwrap_or_else(|| "no interior point".into());
    let mut alt = format!(
        "The Bernoulli part Σ log p(y_i | α + βx_i + z_g(u)) along u for two intercepts. With the fitted α = {} (\"highest total integral\") it peaks at {}; with α shifted by the mean mode to {} (\"highest peak\") it peaks at {}{}.",
        num(d.optimal.alpha, 4),
        at(d.optimal.argmax_bernoulli),
        num(d.adjusted.alpha, 4),
        at(d.adjusted.argmax_bernoulli),
        match (d.optimal.argmax_bernoulli, d.adjusted.argmax_bernoulli) {
            (Some(a), Some(b)) if b.abs() < a.abs() => ", closer to the random-effects part's peak at u = 0",
            _ => "",
        }
    );
    if let (Some(a), Some(b), Some(ua), Some(ub)) =
        (d.optimal.max_total, d.adjusted.max_total, d.optimal.argmax_total, d.adjusted.argmax_total)
    {
        alt.push_str(&format!(
            " The whole integrand (both parts) peaks at u = {} and u = {}; the shifted intercept's peak is {} by {} in log-likelihood, but only the fitted α maximises the integral over the random effects.",
            num(ua, 4),
            num(ub, 4),
            if b >= a { "higher" } else { "lower" },
            num((b - a).abs(), 5)
        ));
    }
    info.alt = alt;
    info
}
