//! What the fit of a user's data says, in a few sentences made from that fit: the data and the family and
//! link, whether glmer's conditional modes sum to zero (`sum(ranef(fit)$group)`), whether the conditional
//! means do at the maximum of the exact marginal likelihood and why, and how R's `logLik()` differs from the
//! true log-likelihood when lme4 leaves a constant out. Every statement that depends on the data records a
//! [`Claim`] that [`holds`] checks against the fit.
//!
//! Why the means sum to zero at the exact maximum: α and b_g enter the likelihood only through α + b_g, so
//! ∂ℓ/∂α = Σ_g ∂ log ∫ p(y_g | b) N(b; 0, σ_b²) db / ∂α = Σ_g E[b_g | y] / σ_b², which is zero at a maximum
//! in α (when the fixed effects include an intercept, or a factor coded with all its levels).

use serde::Serialize;

use crate::claims::{Claim, ModelKey, Summed};
use crate::data::formula::Formula;
use crate::explain::format::{fixed, reads_as_zero, DECIMALS, LOGLIK_DECIMALS};
use crate::models::design_fit::{DesignFit, DesignModels};
use crate::models::glmm::GlmmResult;

/// The sentences, paragraph by paragraph, and what they claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub paragraphs: Vec<String>,
    pub claims: Vec<Claim>,
}

fn s(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Whether the columns of X contain the constant: an intercept, or (without one) a first factor term coded
/// with a column for every level.
fn has_constant(formula: &Formula, fit: &DesignFit) -> bool {
    // Without an intercept a numeric first term keeps its own name; a factor's columns are named by level.
    formula.intercept || formula.terms.first().is_some_and(|t| fit.names.first() != Some(&t.to_string()))
}

fn zero_claim(model: ModelKey, summed: Summed, zero: bool) -> Claim {
    if zero {
        Claim::SumIsZero { model, summed, decimals: DECIMALS }
    } else {
        Claim::SumIsNotZero { model, summed, decimals: DECIMALS }
    }
}

/// The explanation of `fit` (whose formula is `formula`).
pub fn explain(fit: &DesignFit, formula: &Formula) -> Explanation {
    let mut paragraphs = Vec::new();
    let mut claims = Vec::new();
    let dropped = if fit.rows_dropped > 0 {
        format!(" ({} with a missing value in a column the formula uses left out, as R does)", s(fit.rows_dropped, "row", "rows"))
    } else {
        String::new()
    };
    let family_call = match fit.family.as_str() {
        "gaussian" => "a linear mixed model, lmer()".to_string(),
        f => format!("family = {f}(link = \"{}\")", fit.link),
    };
    paragraphs.push(format!(
        "{} in {} of {}{dropped}; family {}, link {}: {family_call}.",
        s(fit.n_obs, "observation", "observations"),
        s(fit.groups, "group", "groups"),
        fit.group_name,
        fit.family,
        fit.link
    ));
    match &fit.models {
        DesignModels::Glmm { glmm_laplace, glmm_agq, marginal_exact, .. } => {
            let (main_key, main) = match glmm_agq.as_ref().and_then(|o| o.fit()) {
                Some(m) => (ModelKey::GlmmAgq, Some(m)),
                None => (ModelKey::GlmmLaplace, glmm_laplace.fit()),
            };
            glmm_paragraphs(fit, formula, main_key, main, marginal_exact.fit(), &mut paragraphs, &mut claims);
            if let (ModelKey::GlmmAgq, Some(laplace), true) = (main_key, glmm_laplace.fit(), has_constant(formula, fit)) {
                approximation_means(ModelKey::GlmmLaplace, laplace, &mut paragraphs, &mut claims);
            }
        }
        DesignModels::Gaussian { lmer, .. } => match lmer.fit() {
            Some(m) => {
                let zero = reads_as_zero(m.ranef_sum, DECIMALS);
                claims.push(zero_claim(ModelKey::Lmm, Summed::Modes, zero));
                let why = if zero && has_constant(formula, fit) {
                    ": with an intercept in the model, lmer’s estimates make the residuals sum to zero, and the random intercepts with them"
                } else {
                    ""
                };
                paragraphs.push(format!(
                    "For a linear mixed model each group’s posterior is normal, so its mode and its mean are the same number: lmer’s random intercepts (sum(ranef(fit)${}) = {}) are both, and they sum to {}{why}.",
                    fit.group_name,
                    fixed(m.ranef_sum, DECIMALS),
                    if zero { "zero" } else { "a number that is not zero" },
                ));
            }
            None => paragraphs.push("lmer could not be fitted to these data; its row in the table says why.".into()),
        },
    }
    Explanation { paragraphs, claims }
}

fn glmm_paragraphs(
    fit: &DesignFit,
    formula: &Formula,
    main_key: ModelKey,
    main: Option<&GlmmResult>,
    exact: Option<&GlmmResult>,
    paragraphs: &mut Vec<String>,
    claims: &mut Vec<Claim>,
) {
    let group = &fit.group_name;
    let Some(m) = main else {
        paragraphs.push("glmer could not be fitted to these data; its rows in the table say why.".into());
        return;
    };
    let name = match m.nagq {
        Some(k) if k > 1 => format!("glmer with nAGQ = {k}"),
        _ => "glmer (Laplace, nAGQ = 1)".to_string(),
    };
    claims.push(Claim::Singular { model: main_key, singular: m.singular });
    if m.singular {
        paragraphs.push(format!(
            "{name} estimates σ_b at {} (a singular fit): the random intercepts are all shrunk to (nearly) zero, so their sums say nothing about this data set; glmer is then nearly glm without the group.",
            fixed(m.sigma_b, DECIMALS)
        ));
        return;
    }
    let modes_zero = reads_as_zero(m.ranef_sum, DECIMALS);
    claims.push(zero_claim(main_key, Summed::Modes, modes_zero));
    paragraphs.push(format!(
        "{name}’s conditional modes, what sum(ranef(fit)${group}) prints, sum to {}{}.",
        fixed(m.ranef_sum, DECIMALS),
        if modes_zero { ", which reads as zero here" } else { ", not zero" }
    ));
    let Some(e) = exact else {
        paragraphs.push("The maximum of the exact marginal likelihood could not be found; its row in the table says why.".into());
        return;
    };
    let means_zero = reads_as_zero(e.cond_means_sum, DECIMALS);
    claims.push(zero_claim(ModelKey::MarginalExact, Summed::Means, means_zero));
    let why = if means_zero && has_constant(formula, fit) {
        ": there the derivative of the log-likelihood in the intercept, Σ_g E[b_g | y] / σ_b², is zero"
    } else {
        ""
    };
    paragraphs.push(format!(
        "At the maximum of the exact marginal likelihood the conditional means E[b_g | y] sum to {}{}{why}.",
        fixed(e.cond_means_sum, DECIMALS),
        if means_zero { ", zero" } else { ", not zero" }
    ));
    if !modes_zero && means_zero {
        paragraphs.push(format!(
            "A mode is the peak of a group’s posterior and a mean is its centre; for a {} response the posterior of b_g is not normal, whatever the link, so peak and centre differ, and only the centres are tied to the intercept.",
            fit.family
        ));
    }
    if let Some(k) = m.nagq.filter(|&k| k > 1) {
        if !reads_as_zero(m.saturated_constant, LOGLIK_DECIMALS) {
            paragraphs.push(format!(
                "With nAGQ = {k}, lme4’s logLik() leaves out the constant C = Σ_i log p(y_i | μ_i = y_i) = {}: it prints {} where the true log-likelihood, every constant included, is {} (with nAGQ = 1 it prints the true value).",
                fixed(m.saturated_constant, LOGLIK_DECIMALS),
                fixed(m.loglik_lme4_convention, LOGLIK_DECIMALS),
                fixed(m.loglik, LOGLIK_DECIMALS)
            ));
        }
    }
    if has_constant(formula, fit) {
        approximation_means(main_key, m, paragraphs, claims);
    }
}

/// A glmer fit's conditional means that do not sum to zero: by the identity of the module documentation,
/// its estimates are then not the exact likelihood's maximum (its likelihood is an approximation).
fn approximation_means(key: ModelKey, m: &GlmmResult, paragraphs: &mut Vec<String>, claims: &mut Vec<Claim>) {
    if m.singular || reads_as_zero(m.cond_means_sum, DECIMALS) {
        return;
    }
    let (fit, approximation) = match m.nagq {
        Some(k) if k > 1 => (format!("glmer’s nAGQ = {k} fit"), format!("adaptive quadrature with {k} nodes per group")),
        _ => ("glmer’s Laplace fit".to_string(), "the Laplace approximation".to_string()),
    };
    claims.push(Claim::SumIsNotZero { model: key, summed: Summed::Means, decimals: DECIMALS });
    paragraphs.push(format!(
        "At {fit} the conditional means sum to {}, not zero: it maximises {approximation} of the likelihood, whose maximum is not exactly the exact likelihood’s.",
        fixed(m.cond_means_sum, DECIMALS)
    ));
}

fn glmm_of(fit: &DesignFit, key: ModelKey) -> Option<&GlmmResult> {
    match (&fit.models, key) {
        (DesignModels::Glmm { glmm_laplace, .. }, ModelKey::GlmmLaplace) => glmm_laplace.fit(),
        (DesignModels::Glmm { glmm_agq, .. }, ModelKey::GlmmAgq) => glmm_agq.as_ref()?.fit(),
        (DesignModels::Glmm { marginal_exact, .. }, ModelKey::MarginalExact) => marginal_exact.fit(),
        _ => None,
    }
}

/// The sum of `model`'s conditional modes or means, added up again from the per-group values.
fn sum_of(fit: &DesignFit, model: ModelKey, summed: Summed) -> Option<f64> {
    if let (DesignModels::Gaussian { lmer, .. }, ModelKey::Lmm) = (&fit.models, model) {
        return Some(lmer.fit()?.ranef.iter().sum());
    }
    let m = glmm_of(fit, model)?;
    Some(match summed {
        Summed::Modes => m.ranef.iter().sum(),
        Summed::Means => m.cond_means.iter().sum(),
    })
}

/// Whether `claim` holds for `fit`, recomputed from the fit's numbers (None: not a claim this text makes).
pub fn holds(claim: &Claim, fit: &DesignFit) -> Option<bool> {
    match *claim {
        Claim::SumIsZero { model, summed, decimals } => Some(reads_as_zero(sum_of(fit, model, summed)?, decimals)),
        Claim::SumIsNotZero { model, summed, decimals } => Some(!reads_as_zero(sum_of(fit, model, summed)?, decimals)),
        // lme4's isSingular: θ = σ_b below 1e-4.
        Claim::Singular { model, singular } => Some((glmm_of(fit, model)?.sigma_b < 1e-4) == singular),
        _ => None,
    }
}
