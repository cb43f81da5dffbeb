//! `glmer(y_bin ~ x + (1|group), binomial, nAGQ = K)` as lme4 reports it, at the true optimum.

use super::exact::{conditional_means_exact, exact_loglik};
use super::kernel::{split_by_group, Group, GroupedData, SINGULAR_THETA};
use super::objective::{minimise_objective, GlmmOptimum};
use super::sigma_bound::{sigma_b_bound_grouped, SigmaBound};
use crate::data::Dataset;
use crate::error::Result;
use crate::models::quadrature::{check_nagq, gauss_hermite};
use crate::report::GlmmFit;

/// Fit the GLMM with K quadrature nodes per group from `start` (α, β, θ).
pub fn glmer_optimum(data: &Dataset, nagq: usize, start: [f64; 3]) -> Result<GlmmOptimum> {
    let grouped = GroupedData::new(data);
    glmer_optimum_given(&grouped, nagq, start, &sigma_b_bound_grouped(&grouped))
}

/// [`glmer_optimum`] with the verdict on σ_b already reached for these data (`fit_all` reaches it once).
pub fn glmer_optimum_given(grouped: &GroupedData, nagq: usize, start: [f64; 3], bound: &SigmaBound) -> Result<GlmmOptimum> {
    let model = if nagq == 1 { "glmer(y_bin ~ x + (1|group), nAGQ = 1)" } else { "glmer(y_bin ~ x + (1|group), nAGQ > 1)" };
    check_nagq(nagq)?;
    grouped.check_estimable(model)?;
    bound.check(model)?;
    minimise_objective(&grouped.groups, &gauss_hermite(nagq), start, if nagq == 1 { "glmer (Laplace)" } else { "glmer (AGQ)" }, model)
}

/// The report of a fit: fixed effects, σ_b, conditional modes and means, logLik on lme4's scale.
pub fn glmm_report(data: &Dataset, opt: &GlmmOptimum, nagq: usize) -> GlmmFit {
    glmm_report_of_groups(&split_by_group(data), opt, nagq)
}

/// [`glmm_report`] for data already split by group.
pub fn glmm_report_of_groups(groups: &[Group], opt: &GlmmOptimum, nagq: usize) -> GlmmFit {
    let p = &opt.params;
    let ranef: Vec<f64> = opt.modes.iter().map(|u| p.theta * u).collect();
    let (cond_means, _) = conditional_means_exact(groups, p, &opt.modes);
    GlmmFit {
        fixef: vec![p.alpha, p.beta],
        sigma_b: p.theta,
        ranef_sum: ranef.iter().sum(),
        ranef,
        cond_means_sum: cond_means.iter().sum(),
        cond_means,
        loglik: -0.5 * opt.deviance,
        deviance: opt.deviance,
        nagq,
        singular: p.theta < SINGULAR_THETA,
        rel_gradient: opt.minimum.rel_gradient,
        iterations: opt.minimum.iterations,
        exact_loglik: Some(exact_loglik(groups, p)).filter(|l| l.is_finite()),
        // The exact marginal's maximum is known only once it is fitted (`means_sum::with_means_sum_notes`).
        exact_loglik_gap: None,
        note: None,
    }
}

/// `glmer(..., nAGQ = nagq)` from `start`.
pub fn glmer(data: &Dataset, nagq: usize, start: [f64; 3]) -> Result<GlmmFit> {
    let opt = glmer_optimum(data, nagq, start)?;
    Ok(glmm_report(data, &opt, nagq))
}
