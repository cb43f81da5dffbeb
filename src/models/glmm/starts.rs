//! Where the GLMM fits start: the pooled GLM's coefficients and the best θ of a coarse grid.
//!
//! β starts at `glm(response ~ fixed terms, family)` (the model at θ = 0); θ at whichever of
//! [`THETA_GRID`] gives the lowest Laplace objective at that β (the objective can have more than one basin
//! in θ, and the grid keeps Newton's method out of a poor one). lme4 starts from the same GLM, θ = 1.

use super::family::Family;
use super::glm::{glm_pooled, GlmResult};
use super::kernel::Kernel;
use super::objective::Objective;
use crate::data::grouped_design::GroupedDesign;
use crate::error::Result;
use crate::models::quadrature::gauss_hermite;

/// θ values compared at the pooled β.
pub const THETA_GRID: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];

/// Starting values for (β, θ) of a GLMM on a [`GroupedDesign`] (any family), with the pooled GLM they came
/// from. The lesson's own chain of starts for its logit model is `logistic::starts::GlmmStarts`.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignStarts {
    pub pooled: GlmResult,
    pub beta: Vec<f64>,
    pub theta: f64,
}

impl DesignStarts {
    /// The pooled GLM and the best θ of [`THETA_GRID`] at its β.
    pub fn new<F: Family>(design: &GroupedDesign) -> Result<DesignStarts> {
        let pooled = glm_pooled::<F>(design)?;
        let mut kernel = Kernel::<F>::new(design);
        kernel.set_beta(&pooled.coef);
        let rule = gauss_hermite(1);
        let normaliser_term = -2.0 * kernel.log_normaliser_sum();
        let mut best = (f64::INFINITY, 1.0);
        for &theta in &THETA_GRID {
            let modes = kernel.modes(theta, &[]);
            let v = Objective { kernel: &kernel, rule: &rule, modes: &modes, normaliser_term }.value(theta);
            if v < best.0 {
                best = (v, theta);
            }
        }
        Ok(DesignStarts { beta: pooled.coef.clone(), theta: best.1, pooled })
    }

    /// (β, θ) as one vector, θ last.
    pub fn vector(&self) -> Vec<f64> {
        self.beta.iter().copied().chain(std::iter::once(self.theta)).collect()
    }
}
