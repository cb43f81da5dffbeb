//! Every model of the lesson fitted on one data set.

use serde::{Deserialize, Serialize};

use super::glm::glm;
use super::lm::lm;
use super::lmm::lmm;
use super::logistic::glmer::glmm_report_of_groups;
use super::logistic::kernel::GroupedData;
use super::logistic::joint_mode::joint_mode_given;
use super::logistic::marginal_exact::marginal_exact_given;
use super::logistic::means_sum::with_means_sum_notes_of_groups;
use super::logistic::starts::GlmmStarts;
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
    fit_all_grouped(&GroupedData::new(data), opts)
}

/// [`fit_all`] from the data already split by group and checked: the page splits once per refit and hands
/// the same split to the surfaces (`surfaces::build_scene_grouped`).
pub fn fit_all_grouped(grouped: &GroupedData, opts: &FitOptions) -> FitReport {
    let data = grouped.data;
    let glm_pooled: Outcome<_> = glm(data, false).into();
    // The GLMM fits read one split of the data by group, checked once; they run in a chain (each starts where
    // the last ended) and share one verdict on σ_b.
    let glmm = GlmmStarts::of_grouped(grouped, opts.nagq, glm_pooled.fit().map(|f| f.coef.as_slice()));
    let report = FitReport {
        data: summarise(data),
        lm_pooled: lm(data, false).into(),
        lm_group: lm(data, true).into(),
        lmm: lmm(data, opts.reml).into(),
        glm_group: glm(data, true).into(),
        glm_pooled,
        glmm_laplace: glmm.laplace.map(|o| glmm_report_of_groups(&grouped.groups, &o, 1)).into(),
        glmm_agq: glmm.agq.map(|o| glmm_report_of_groups(&grouped.groups, &o, opts.nagq)).into(),
        joint_mode: joint_mode_given(grouped, &glmm.bound).into(),
        marginal_exact: marginal_exact_given(grouped, glmm.warm_agq, &glmm.bound).into(),
        zero_below: ZERO_AT_TABLE_PRECISION,
    };
    with_means_sum_notes_of_groups(with_singular_notes(report), &grouped.groups)
}
