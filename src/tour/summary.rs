//! The three sentences at the top of the page, from the live fit (glmer with the page's nAGQ):
//! 1. the sums differ because each group's posterior is generally skewed (or, here, why they do not);
//! 2. the means sum to zero because that is what maximising the exact marginal likelihood means;
//! 3. the slope of x moves for two separate reasons;
//!
//! Then where to start.

use serde::Serialize;

use crate::claims::{Claim, ModelKey, Summed, TourClaim};
use crate::report::FitReport;

use crate::explain::format::{fixed, reads_as_zero};
use super::{glmm, slope, Said, DECIMALS};

/// The summary: three sentences, a pointer to the tour, and their claims.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub sentences: Vec<String>,
    /// The sentences as HTML, each term's first use in the summary linked to the glossary.
    pub sentences_html: Vec<String>,
    pub start: String,
    pub claims: Vec<TourClaim>,
}

const MODEL: ModelKey = ModelKey::GlmmAgq;

/// Sentence 1: Σ modes against Σ means.
fn sums_sentence(report: &FitReport) -> Said {
    let mut s = Said::new();
    let Some(fit) = glmm(report, MODEL) else {
        s.push("glmer could not be fitted to these data, so there are no group intercepts to add up; the tour below starts from an example where it can.");
        s.claim(TourClaim::NotFitted { model: MODEL });
        return s;
    };
    let (m, e) = (fixed(fit.ranef_sum, DECIMALS), fixed(fit.cond_means_sum, DECIMALS));
    if fit.singular {
        s.push(&format!(
            "Here glmer estimates σ_b, the spread of the group intercepts, as 0 (a singular fit): every group’s estimated intercept is 0, so Σ modes = {m} and Σ means = {e} and there is no difference to explain; the tour below starts from data where there is."
        ));
        s.claim(TourClaim::Singular { model: MODEL, singular: true });
        s.claim(TourClaim::SumsCompare { model: MODEL, decimals: DECIMALS, equal: true });
        return s;
    }
    s.claim(TourClaim::Singular { model: MODEL, singular: false });
    if m != e {
        s.push(&format!(
            "glmer’s estimated group intercepts (the conditional modes: the peak of each group’s posterior, that is, of what the data say about that group’s intercept) add up to Σ modes = {m}, while the posteriors’ centres (the conditional means) add up to Σ means = {e}: the two differ because each group’s posterior is generally skewed, so its peak is not its centre."
        ));
        s.claim(TourClaim::SumsCompare { model: MODEL, decimals: DECIMALS, equal: false });
    } else {
        s.push(&format!(
            "glmer’s estimated group intercepts (the conditional modes: the peak of each group’s posterior, that is, of what the data say about that group’s intercept) add up to Σ modes = {m}, the same as the posteriors’ centres (Σ means = {e}) to {DECIMALS} decimals: here the posteriors are almost symmetric, but in general they are skewed and the two sums differ."
        ));
        s.claim(TourClaim::SumsCompare { model: MODEL, decimals: DECIMALS, equal: true });
    }
    s
}

/// Sentence 2: why the means add up to zero, and whether they do here.
fn means_sentence(report: &FitReport) -> Said {
    let mut s = Said::new();
    s.push("The means add up to 0 for a reason: the slope of the log marginal likelihood (the probability of the data with the group intercepts averaged out) in the intercept α is Σ means/σ_b², and at its maximum that slope is 0.");
    let Some(fit) = glmm(report, MODEL) else { return s };
    let e = fixed(fit.cond_means_sum, DECIMALS);
    let summed = Summed::Means;
    if reads_as_zero(fit.cond_means_sum, DECIMALS) {
        s.push(&format!("Here they add up to {e}."));
        s.claim(TourClaim::Sum(Claim::SumIsZero { model: MODEL, summed, decimals: DECIMALS }));
    } else {
        s.push(&format!(
            "Here they add up to {e}, not 0, because glmer with nAGQ = {} only approximates the marginal likelihood; the exact one would give 0.",
            fit.nagq
        ));
        s.claim(TourClaim::Sum(Claim::SumIsNotZero { model: MODEL, summed, decimals: DECIMALS }));
    }
    s
}

/// "lm 0.0074 against lmer 0.0316" or "lm and lmer both 0.0316", with its claim.
pub fn slope_pair(report: &FitReport, a: ModelKey, b: ModelKey, s: &mut Said) -> String {
    let (na, nb) = (super::model_name(a), super::model_name(b));
    match (slope(report, a), slope(report, b)) {
        (Some(x), Some(y)) => {
            let (fx, fy) = (fixed(x, DECIMALS), fixed(y, DECIMALS));
            let equal = fx == fy;
            s.claim(TourClaim::SlopesCompare { a, b, decimals: DECIMALS, equal });
            if equal {
                format!("{na} and {nb} both {fx}")
            } else {
                format!("{na} {fx} against {nb} {fy}")
            }
        }
        (None, _) => {
            s.claim(TourClaim::NotFitted { model: a });
            format!("{na} not fitted")
        }
        (_, None) => {
            s.claim(TourClaim::NotFitted { model: b });
            format!("{nb} not fitted")
        }
    }
}

/// Sentence 3: the two reasons the slope of x moves.
fn slopes_sentence(report: &FitReport) -> Said {
    let mut s = Said::new();
    let within = slope_pair(report, ModelKey::LmPooled, ModelKey::Lmm, &mut s);
    let conditional = slope_pair(report, ModelKey::GlmPooled, MODEL, &mut s);
    let singular = glmm(report, MODEL).is_some_and(|f| f.singular);
    let flatter = if singular {
        s.claim(TourClaim::Singular { model: MODEL, singular: true });
        "which is flatter whenever σ_b > 0 (here σ_b is 0, so only the first reason acts)"
    } else {
        // Which slope is nearer zero here: with groups that differ in x the first reason can outweigh attenuation.
        let closer = slope(report, ModelKey::GlmPooled).zip(slope(report, MODEL)).map(|(g, m)| g.abs() < m.abs());
        if let Some(closer) = closer {
            s.claim(TourClaim::Sum(Claim::SlopeCloserToZero { model: ModelKey::GlmPooled, than: MODEL, closer }));
        }
        match closer {
            Some(false) => "which is flatter, although here glm’s slope is the steeper one because the first reason acts as well (set the spacing to 0 to see the second alone)",
            _ => "which is flatter",
        }
    };
    s.push(&format!(
        "The slope of x moves for two separate reasons: a model with groups compares x within each group rather than across groups (slopes: {within}), and a logistic model with groups describes one group’s curve rather than the population’s average curve, {flatter} (slopes: {conditional}); the table “Why the fixed effects move” takes the two apart."
    ));
    s
}

/// The summary for this fit.
pub fn summary(report: &FitReport) -> Summary {
    let parts = [sums_sentence(report), means_sentence(report), slopes_sentence(report)];
    let texts: Vec<&str> = parts.iter().map(|p| p.text.as_str()).collect();
    let sentences_html = super::linked_section(&texts);
    Summary {
        sentences: parts.iter().map(|p| p.text.clone()).collect(),
        sentences_html,
        start: "Where to start: the tour just below sets the page to six examples, one at a time; each asks you to predict what will happen before it shows you.".to_string(),
        claims: parts.into_iter().flat_map(|p| p.claims).collect(),
    }
}
