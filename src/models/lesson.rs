//! Every model of the lesson fitted on one data set.

use serde::{Deserialize, Serialize};

use crate::data::Dataset;
use crate::report::FitReport;

/// Options shared by the fits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// Quadrature nodes per group for `glmm_agq` (lme4's nAGQ), 1–100.
    pub nagq: usize,
    /// Fit the linear mixed model by REML (lme4's default) rather than ML.
    pub reml: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions { nagq: 100, reml: true }
    }
}

/// Fit lm, lmer, glm, glmer (Laplace and AGQ), the joint mode and the exact marginal likelihood.
pub fn fit_all(_data: &Dataset, _opts: &FitOptions) -> FitReport {
    unimplemented!("models in progress")
}
