//! Every model of the page for any data with one grouping factor: `response ~ fixed terms + (1 | group)`
//! with a family and a link, fitted on one [`GroupedDesign`] (`glmm-demo fit --csv FILE --formula F`).
//!
//! - Gaussian (identity link): `lm(y ~ terms)`, `lm(y ~ terms + group)`, `lmer(y ~ terms + (1 | group))`
//!   by REML (or ML).
//! - Binomial (logit, probit, cloglog; 0/1 or `cbind(successes, failures)`) and Poisson (log):
//!   `glm(y ~ terms)`, `glm(y ~ terms + group)`, `glmer(…, nAGQ = 1)` (Laplace), `glmer(…, nAGQ = K)`
//!   when K > 1, the joint mode (the answer's opt1), and the maximum of the exact marginal likelihood, each with its conditional modes
//!   (`ranef()`) and its conditional means E[b_g | y] and their sums. At the exact maximum the means sum
//!   to zero for every family and link: the intercept and b_g enter the likelihood only through α + b_g,
//!   so ∂ℓ/∂α = Σ_g ∂ℓ_g/∂b_g-terms = Σ_g E[b_g | y]/σ_b² (see [`super::glmm::exact`]).
//!
//! Each model is its fit or the sentence saying why it could not be fitted; one failing model never stops
//! the others.

use serde::{Deserialize, Serialize};

use super::gaussian::{lm, lm_group, lmer, LinearFit, LmerFit};
use super::glmm::family::Family;
use super::glmm::fit::{for_family, glm_group_for, glm_pooled_for, FamilyLink};
use super::glmm::glm::{check_responses, GlmResult};
use super::glmm::glm_group::GlmGroupResult;
use super::glmm::{glmer, joint_mode, marginal_exact, GlmmResult, JointModeResult};
use crate::data::grouped_design::GroupedDesign;
use crate::error::{Error, Result};
use crate::report::Outcome;

/// The family of the response and its link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelFamily {
    /// A continuous response: linear models (identity link).
    Gaussian,
    /// A binomial or Poisson response with its link.
    Glmm(FamilyLink),
}

impl ModelFamily {
    /// From R's names: `gaussian` (link `identity`), `binomial` (`logit`, `probit`, `cloglog`), `poisson`
    /// (`log`); an empty link means the family's canonical one.
    pub fn from_names(family: &str, link: &str) -> Result<ModelFamily> {
        match (family, link) {
            ("gaussian", "identity" | "") => Ok(ModelFamily::Gaussian),
            ("gaussian", _) => Err(Error::InvalidParameter {
                name: "link",
                expected: "identity for the gaussian family (lmer)".into(),
                got: link.into(),
            }),
            _ => FamilyLink::from_names(family, link).map(ModelFamily::Glmm),
        }
    }

    /// R's family and link names.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            ModelFamily::Gaussian => ("gaussian", "identity"),
            ModelFamily::Glmm(family) => for_family!(family, F => (F::FAMILY, F::LINK)),
        }
    }
}

/// How the models are fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DesignFitOptions {
    pub family: ModelFamily,
    /// glmer's nAGQ: the AGQ fit is made when K > 1.
    pub nagq: usize,
    /// lmer by REML (true, lmer's default) or ML.
    pub reml: bool,
}

/// The models of one family (built once per fit: the size difference of the variants does not matter).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DesignModels {
    Gaussian { lm_pooled: Outcome<LinearFit>, lm_group: Outcome<LinearFit>, lmer: Outcome<LmerFit> },
    Glmm {
        glm_pooled: Outcome<GlmResult>,
        /// `glm(response ~ fixed terms + group)`, separated groups and aliased columns left out (R's limit).
        glm_group: Outcome<GlmGroupResult>,
        glmm_laplace: Outcome<GlmmResult>,
        /// Only when nAGQ > 1.
        #[serde(skip_serializing_if = "Option::is_none")]
        glmm_agq: Option<Outcome<GlmmResult>>,
        /// The joint mode (the answer's opt1): the local maximum of the joint density over (β, σ_b, b).
        joint_mode: Outcome<JointModeResult>,
        marginal_exact: Outcome<GlmmResult>,
    },
}

/// Every model of one formula on one data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignFit {
    pub formula: String,
    pub family: String,
    pub link: String,
    pub n_obs: usize,
    pub groups: usize,
    pub group_name: String,
    pub group_labels: Vec<String>,
    /// The fixed-effect columns as R names them.
    pub names: Vec<String>,
    /// Rows left out for a missing value in a column the formula uses (R's `na.omit`).
    pub rows_dropped: usize,
    pub models: DesignModels,
}

/// Checks the response against the family before any model is fitted: a response that no model of the
/// family can take (a count that is not a whole number, 0/1 data given to Poisson…) is one sentence for
/// the whole fit rather than one per model.
pub fn check_response(design: &GroupedDesign, family: ModelFamily) -> Result<()> {
    match family {
        ModelFamily::Gaussian => Ok(()),
        ModelFamily::Glmm(family) => for_family!(family, F => check_responses::<F>(design)),
    }
}

/// Fits every model of `opts.family` to `design`.
pub fn fit_design(design: &GroupedDesign, formula: &str, rows_dropped: usize, opts: &DesignFitOptions) -> DesignFit {
    let models = match opts.family {
        ModelFamily::Gaussian => DesignModels::Gaussian {
            lm_pooled: lm(design).into(),
            lm_group: lm_group(design).into(),
            lmer: lmer(design, opts.reml).into(),
        },
        ModelFamily::Glmm(family) => DesignModels::Glmm {
            glm_pooled: glm_pooled_for(design, family).into(),
            glm_group: glm_group_for(design, family).into(),
            glmm_laplace: glmer(design, family, 1).into(),
            glmm_agq: (opts.nagq > 1).then(|| glmer(design, family, opts.nagq).into()),
            joint_mode: joint_mode(design, family).into(),
            marginal_exact: marginal_exact(design, family).into(),
        },
    };
    let (family, link) = opts.family.names();
    DesignFit {
        formula: formula.to_string(),
        family: family.into(),
        link: link.into(),
        n_obs: design.n_obs(),
        groups: design.n_groups(),
        group_name: design.group_name.clone(),
        group_labels: design.group_labels.clone(),
        names: design.names.clone(),
        rows_dropped,
        models,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::model_frame::ModelFrame;

    fn cbpp() -> ModelFrame {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cbpp.csv")).unwrap();
        ModelFrame::from_csv(&text, "cbind(incidence, size - incidence) ~ period + (1 | herd)", &["herd", "period"]).unwrap()
    }

    #[test]
    fn family_names_round_trip() {
        for (f, l) in [("gaussian", "identity"), ("binomial", "logit"), ("binomial", "probit"), ("binomial", "cloglog"), ("poisson", "log")] {
            assert_eq!(ModelFamily::from_names(f, l).unwrap().names(), (f, l));
        }
        assert_eq!(ModelFamily::from_names("binomial", "").unwrap().names(), ("binomial", "logit"));
        assert!(ModelFamily::from_names("gaussian", "log").unwrap_err().to_string().contains("identity"));
        assert!(ModelFamily::from_names("gamma", "").is_err());
    }

    #[test]
    fn cbpp_every_model_and_the_means_identity() {
        let mf = cbpp();
        let opts = DesignFitOptions { family: ModelFamily::from_names("binomial", "logit").unwrap(), nagq: 25, reml: true };
        let fit = fit_design(&mf.design, "cbind(incidence, size - incidence) ~ period + (1 | herd)", mf.rows_dropped, &opts);
        assert_eq!((fit.n_obs, fit.groups), (56, 15));
        let DesignModels::Glmm { glm_pooled, glm_group, glmm_laplace, glmm_agq, joint_mode, marginal_exact } = &fit.models else { panic!("not a GLMM") };
        assert!(glm_pooled.fit().is_some());
        assert_eq!(glm_group.fit().unwrap().n_group_coef, 14);
        // lme4's Laplace logLik on cbpp, and the sum of its modes (not zero) vs the exact maximum's means (zero).
        let laplace = glmm_laplace.fit().unwrap();
        assert!((laplace.loglik - -92.02628186475708).abs() < 1e-6, "{}", laplace.loglik);
        assert!(laplace.ranef_sum.abs() > 0.4);
        assert!(glmm_agq.as_ref().and_then(|o| o.fit()).is_some());
        // the joint mode: its b̂ sum to zero too (the scores of the intercept and of each b_g)
        let joint = joint_mode.fit().unwrap();
        assert!(joint.ranef_sum.abs() < 1e-8, "{}", joint.ranef_sum);
        let exact = marginal_exact.fit().unwrap();
        assert!(exact.cond_means_sum.abs() < 1e-8, "{}", exact.cond_means_sum);
        let json = serde_json::to_value(&fit).unwrap();
        assert!(json["models"]["glmm_laplace"]["fixef_named"]["period2"].is_number(), "{json}");
    }
}
