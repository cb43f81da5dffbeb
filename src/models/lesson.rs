//! Every model of the lesson fitted on one data set.

use serde::{Deserialize, Serialize};

use super::glm::glm;
use super::glmer::{agq_start, default_start, glmer_optimum_given, glmm_report};
use super::joint_mode::joint_mode_given;
use super::lm::lm;
use super::lmm::lmm;
use super::marginal::marginal_exact_given;
use super::means_sum::with_means_sum_notes;
use super::sigma_bound::sigma_b_bound;
use super::singular::with_singular_notes;
use crate::data::Dataset;
use crate::report::{DataSummary, FitReport, Outcome, ZERO_AT_TABLE_PRECISION};

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

/// The numbers R prints about the data.
pub fn summarise(data: &Dataset) -> DataSummary {
    DataSummary {
        n_obs: data.n_obs(),
        groups: data.n_groups(),
        group_labels: data.group_labels.clone(),
        sum_ybin: data.sum_ybin(),
        head_x: data.x.iter().take(5).copied().collect(),
        head_y: data.y.as_ref().map(|y| y.iter().take(5).copied().collect()),
    }
}

/// Fit lm, lmer, glm, glmer (Laplace and AGQ), the joint mode and the exact marginal likelihood.
/// A model that cannot be fitted carries its sentence; the others are still fitted.
pub fn fit_all(data: &Dataset, opts: &FitOptions) -> FitReport {
    let glm_pooled: Outcome<_> = glm(data, false).into();
    let start = default_start(data, glm_pooled.fit().map(|f| f.coef.as_slice()));
    // Whether σ_b has a finite estimate at all is one question for the four glmer-type fits: decide it once.
    let bound = sigma_b_bound(data);
    let laplace = glmer_optimum_given(data, 1, start, &bound);
    // Later fits start where the Laplace fit ended (same optimum basin, far fewer Newton steps), unless the
    // exact likelihood is higher at the first-stage start or at the σ_b decision's witness.
    let laplace_optimum = laplace.as_ref().ok().map(|o| [o.params.alpha, o.params.beta, o.params.theta]);
    let warm = agq_start(data, opts.nagq, laplace_optimum, start, &bound);
    let agq = glmer_optimum_given(data, opts.nagq, warm, &bound);
    let warm_agq = agq.as_ref().map_or(warm, |o| [o.params.alpha, o.params.beta, o.params.theta]);
    let report = FitReport {
        data: summarise(data),
        lm_pooled: lm(data, false).into(),
        lm_group: lm(data, true).into(),
        lmm: lmm(data, opts.reml).into(),
        glm_group: glm(data, true).into(),
        glm_pooled,
        glmm_laplace: laplace.map(|o| glmm_report(data, &o, 1)).into(),
        glmm_agq: agq.map(|o| glmm_report(data, &o, opts.nagq)).into(),
        joint_mode: joint_mode_given(data, &bound).into(),
        marginal_exact: marginal_exact_given(data, warm_agq, &bound).into(),
        zero_below: ZERO_AT_TABLE_PRECISION,
    };
    with_means_sum_notes(with_singular_notes(report), data)
}
