//! The table "Why the fixed effects move, taken apart": each row a comparison of two fits that isolates
//! one cause, with the live slopes of x, and the population-averaged slope of glmer's fit, exact
//! ([`super::pa_slope::exact_pa_slope`]) and approximated (β/√(1 + c²σ_b²)).

use serde::Serialize;

use crate::claims::{ModelKey, TourClaim};
use crate::params::Params;
use crate::report::FitReport;

use crate::explain::format::fixed;
use super::pa_slope::{approximate_pa_slope, attenuation_c, exact_pa_slope};
use super::summary::slope_pair;
use super::{glmm, slope, Said, DECIMALS};

const MODEL: ModelKey = ModelKey::GlmmAgq;

/// One row: which cause, the two fits compared, their slopes, and what the row shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CauseRow {
    pub cause: String,
    pub left: String,
    pub left_slope: String,
    pub right: String,
    pub right_slope: String,
    pub reading: String,
    /// `cause`, `left`, `right` and `reading` as HTML: σ_b in the page's notation, the first use of each
    /// glossary term in the table (intro, rows, premise, in reading order) linked to its entry.
    pub cause_html: String,
    pub left_html: String,
    pub right_html: String,
    pub reading_html: String,
}

/// The table, the sentence on the question's premise, and the claims of both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Causes {
    pub intro: String,
    pub rows: Vec<CauseRow>,
    pub premise: String,
    /// `intro` and `premise` as HTML (see [`CauseRow::reading_html`]).
    pub intro_html: String,
    pub premise_html: String,
    pub claims: Vec<TourClaim>,
}

/// Fills the HTML of the table's texts, linking each glossary term's first use in the whole table.
fn with_html(mut c: Causes) -> Causes {
    let mut texts: Vec<&str> = vec![c.intro.as_str()];
    for r in &c.rows {
        texts.extend([r.cause.as_str(), r.left.as_str(), r.right.as_str(), r.reading.as_str()]);
    }
    texts.push(c.premise.as_str());
    let mut html = super::linked_section(&texts).into_iter();
    let mut next = || html.next().unwrap_or_default();
    c.intro_html = next();
    for r in &mut c.rows {
        r.cause_html = next();
        r.left_html = next();
        r.right_html = next();
        r.reading_html = next();
    }
    c.premise_html = next();
    c
}

fn printed(report: &FitReport, m: ModelKey) -> String {
    slope(report, m).map_or_else(|| "not fitted".to_string(), |v| fixed(v, DECIMALS))
}

fn row(report: &FitReport, cause: &str, a: ModelKey, b: ModelKey, reading: String) -> CauseRow {
    CauseRow {
        cause: cause.to_string(),
        left: super::model_name(a).to_string(),
        left_slope: printed(report, a),
        right: super::model_name(b).to_string(),
        right_slope: printed(report, b),
        reading,
        cause_html: String::new(),
        left_html: String::new(),
        right_html: String::new(),
        reading_html: String::new(),
    }
}

/// The table for this fit; `params` says whether the spacing is 0 (the attenuation row's condition).
pub fn causes(report: &FitReport, params: &Params) -> Causes {
    let mut s = Said::new();
    let mut rows = Vec::new();

    rows.push(row(
        report,
        "Within vs between groups (linear)",
        ModelKey::LmPooled,
        ModelKey::Lmm,
        "A linear model has no averaging effect, so any change is lmer comparing x within groups while lm also uses the differences between groups.".to_string(),
    ));
    rows.push(row(
        report,
        "Within groups, two ways (logistic)",
        ModelKey::GlmGroup,
        MODEL,
        "Both compare x within groups and describe one group’s curve; glmer also shrinks the group intercepts towards 0, which can move its slope a little.".to_string(),
    ));
    let attenuation = if params.spacing == 0.0 {
        "Spacing is 0, so x is not tied to the group: this comparison isolates the averaging (attenuation) — glm describes the population’s average curve, glmer one group’s.".to_string()
    } else {
        format!(
            "Spacing is {} here, so this comparison mixes both causes; the tour’s step “No spacing between the groups” sets spacing to 0 to isolate the averaging (attenuation).",
            fixed(params.spacing, 2)
        )
    };
    rows.push(row(report, "Conditional vs population-averaged", ModelKey::GlmPooled, MODEL, attenuation));

    // glmer's β against its population-averaged slope, exact and approximated.
    if let Some(fit) = glmm(report, MODEL) {
        if let (Some(beta), Some(exact)) = (fit.fixef.get(1).copied(), exact_pa_slope(fit)) {
            let approx = approximate_pa_slope(beta, fit.sigma_b);
            let c = attenuation_c();
            let rel = ((approx - exact) / exact).abs();
            let within = if rel <= 0.05 { "within 5% of" } else if rel <= 0.10 { "within 10% of" } else { "more than 10% away from" };
            let flatter = if fit.sigma_b > 0.0 {
                "flatter than one group’s, as σ_b > 0"
            } else {
                "one group’s curve itself, as σ_b = 0"
            };
            let reading = format!(
                "The population-averaged curve ∫ logistic(α + βx + b) N(b; 0, σ_b²) db is {flatter}; its slope on the log-odds scale where it crosses 1/2 is {}, and β/√(1 + c²σ_b²) with c = 16√3/(15π) ≈ {} and σ_b = {} gives {}: {within} it.",
                fixed(exact, DECIMALS),
                fixed(c, 3),
                fixed(fit.sigma_b, DECIMALS),
                fixed(approx, DECIMALS)
            );
            if rel <= 0.10 {
                s.claim(TourClaim::PaApproximation { model: MODEL, relative: if rel <= 0.05 { 0.05 } else { 0.10 } });
            }
            rows.push(CauseRow {
                cause: "The averaging, computed".to_string(),
                left: "glmer’s β (one group)".to_string(),
                left_slope: fixed(beta, DECIMALS),
                right: "population-averaged slope (exact)".to_string(),
                right_slope: fixed(exact, DECIMALS),
                reading,
                cause_html: String::new(),
                left_html: String::new(),
                right_html: String::new(),
                reading_html: String::new(),
            });
        }
    }

    let lm_lmer = slope_pair(report, ModelKey::LmPooled, ModelKey::Lmm, &mut s);
    let moved = matches!(s.claims.last(), Some(TourClaim::SlopesCompare { equal: false, .. }));
    let premise = if moved {
        format!("The question’s premise, that with lmer the fixed effects do not move, is not true in general: here the slopes are {lm_lmer}.")
    } else {
        format!("The question’s premise, that with lmer the fixed effects do not move, holds here only by chance ({lm_lmer}); in general it is not true: the tour’s first step shows the two slopes apart.")
    };
    with_html(Causes {
        intro: "Each row compares two fits that differ in one way only, so the change in the slope of x between them has one cause.".to_string(),
        rows,
        premise,
        intro_html: String::new(),
        premise_html: String::new(),
        claims: s.claims,
    })
}
