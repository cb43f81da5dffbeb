//! `glmer(y_bin ~ x + (1|group), binomial, nAGQ = K)` as lme4 reports it, at the true optimum.

use super::glmm::{check_estimable, conditional_means, minimise_objective, split_by_group, GlmmOptimum, SINGULAR_THETA};
use super::quadrature::{gauss_hermite, MAX_NODES};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::report::GlmmFit;

/// Where the GLMM fits start: the pooled glm's coefficients (as lme4) and θ = 1.
pub fn default_start(pooled: Option<&[f64]>) -> [f64; 3] {
    match pooled {
        Some(c) if c.len() >= 2 && c[0].is_finite() && c[1].is_finite() => [c[0], c[1], 1.0],
        _ => [0.0, 0.0, 1.0],
    }
}

/// Check nAGQ as lme4 does (1 ≤ K ≤ 100).
pub fn check_nagq(nagq: usize) -> Result<()> {
    if !(1..=MAX_NODES).contains(&nagq) {
        return Err(Error::InvalidParameter {
            name: "nAGQ",
            expected: format!("a whole number from 1 to {MAX_NODES}"),
            got: nagq.to_string(),
        });
    }
    Ok(())
}

/// Fit the GLMM with K quadrature nodes per group from `start` (α, β, θ).
pub fn glmer_optimum(data: &Dataset, nagq: usize, start: [f64; 3]) -> Result<GlmmOptimum> {
    let model = if nagq == 1 { "glmer(y_bin ~ x + (1|group), nAGQ = 1)" } else { "glmer(y_bin ~ x + (1|group), nAGQ > 1)" };
    check_nagq(nagq)?;
    check_estimable(data, model)?;
    let groups = split_by_group(data);
    minimise_objective(&groups, &gauss_hermite(nagq), start, if nagq == 1 { "glmer (Laplace)" } else { "glmer (AGQ)" })
}

/// The report of a fit: fixed effects, σ_b, conditional modes and means, logLik on lme4's scale.
pub fn glmm_report(data: &Dataset, opt: &GlmmOptimum, nagq: usize) -> GlmmFit {
    let groups = split_by_group(data);
    let p = &opt.params;
    let ranef: Vec<f64> = opt.modes.iter().map(|u| p.theta * u).collect();
    let cond_means = conditional_means(&groups, p, &opt.modes);
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
    }
}

/// `glmer(..., nAGQ = nagq)` from `start`.
pub fn glmer(data: &Dataset, nagq: usize, start: [f64; 3]) -> Result<GlmmFit> {
    let opt = glmer_optimum(data, nagq, start)?;
    Ok(glmm_report(data, &opt, nagq))
}
