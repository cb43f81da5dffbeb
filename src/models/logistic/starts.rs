//! Where the lesson's GLMM fits start, one chain for `fit_all` and `glmm-demo bench` alike: lme4's first
//! stage starts the Laplace fit, the Laplace optimum (or a better start, [`agq_start`]) starts the AGQ fit,
//! and the AGQ optimum starts the exact marginal likelihood.

use super::exact::best_start_of_groups;
use super::glmer::glmer_optimum_given;
use super::kernel::{conditional_modes, GlmmParams, Group, GroupedData};
use super::objective::{objective, GlmmOptimum};
use super::pirls::default_start;
use super::sigma_bound::{sigma_b_bound_grouped, SigmaBound};
use crate::data::Dataset;
use crate::error::Result;
use crate::models::quadrature::gauss_hermite;

/// The starts of the GLMM fits, and the fits and verdict they come from.
#[derive(Debug, Clone)]
pub struct GlmmStarts {
    /// Whether σ_b has a finite estimate: one question for the four glmer-type fits, decided once.
    pub bound: SigmaBound,
    /// lme4's first stage ([`default_start`]): where the Laplace fit starts.
    pub start: [f64; 3],
    /// The Laplace fit (nAGQ = 1) from `start`.
    pub laplace: Result<GlmmOptimum>,
    /// Where the AGQ fit starts ([`agq_start`]).
    pub warm: [f64; 3],
    /// The AGQ fit (nAGQ = K) from `warm`.
    pub agq: Result<GlmmOptimum>,
    /// Where the exact marginal likelihood starts: the AGQ optimum, or `warm` if the AGQ fit failed.
    pub warm_agq: [f64; 3],
}

impl GlmmStarts {
    /// The chain of starts for `nagq` nodes, from the pooled glm's coefficients (α, β) when it has them.
    pub fn new(data: &Dataset, nagq: usize, pooled: Option<&[f64]>) -> GlmmStarts {
        GlmmStarts::of_grouped(&GroupedData::new(data), nagq, pooled)
    }

    /// [`GlmmStarts::new`] for data already split by group and checked (`fit_all` splits them once).
    pub fn of_grouped(grouped: &GroupedData, nagq: usize, pooled: Option<&[f64]>) -> GlmmStarts {
        let start = default_start(grouped.data, pooled);
        let bound = sigma_b_bound_grouped(grouped);
        let laplace = glmer_optimum_given(grouped, 1, start, &bound);
        // Later fits start where the Laplace fit ended (same optimum basin, far fewer Newton steps), unless the
        // exact likelihood is higher at the first-stage start or at the σ_b decision's witness.
        let laplace_optimum = laplace.as_ref().ok().map(|o| [o.params.alpha, o.params.beta, o.params.theta]);
        let warm = agq_start(&grouped.groups, nagq, laplace_optimum, start, &bound);
        let agq = glmer_optimum_given(grouped, nagq, warm, &bound);
        let warm_agq = agq.as_ref().map_or(warm, |o| [o.params.alpha, o.params.beta, o.params.theta]);
        GlmmStarts { bound, start, laplace, warm, agq, warm_agq }
    }
}

/// Where the AGQ fit with `nagq` nodes starts: the Laplace optimum when nAGQ = 1 (the same objective);
/// otherwise, of the Laplace optimum (if any), lme4's first-stage start and the σ_b decision's witness (if
/// any), the one where the exact likelihood is highest among those where the K-node objective is finite. The
/// Laplace optimum can sit far out in σ_b where the Laplace approximation has broken down (σ_b = 505 with
/// logLik −4.24 where the exact maximum is −7.00 at σ_b = 6.3, lme4 agreeing), and AGQ started there follows
/// its own breakdown, or cannot even be evaluated (100 nodes at σ_b = 5733).
pub fn agq_start(groups: &[Group], nagq: usize, laplace: Option<[f64; 3]>, start: [f64; 3], bound: &SigmaBound) -> [f64; 3] {
    let Some(laplace) = laplace else { return start };
    if nagq == 1 {
        return laplace;
    }
    let rule = gauss_hermite(nagq);
    let finite = |c: &[f64; 3]| {
        let p = GlmmParams { alpha: c[0], beta: c[1], theta: c[2] };
        objective::<f64>(groups, &p, &conditional_modes(groups, &p, None), &rule).is_finite()
    };
    let mut candidates = vec![laplace, start];
    if let SigmaBound::Finite { witness: Some(w) } = bound {
        candidates.push(*w);
    }
    candidates.retain(|c| finite(c));
    best_start_of_groups(groups, &candidates).unwrap_or(start)
}
