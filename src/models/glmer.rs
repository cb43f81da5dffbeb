//! `glmer(y_bin ~ x + (1|group), binomial, nAGQ = K)` as lme4 reports it, at the true optimum.

use nalgebra::DVector;

use super::family::logistic;
use super::pirls::{penalised_fit, penalised_negloglik};
use super::logistic::{
    check_estimable, conditional_modes, minimise_objective, objective, split_by_group, GlmmOptimum, GlmmParams, SINGULAR_THETA,
};
use super::marginal::{best_start, conditional_means_exact, exact_loglik};
use super::quadrature::{gauss_hermite, MAX_NODES};
use super::sigma_bound::{sigma_b_bound, SigmaBound};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::report::GlmmFit;

/// θ values at which lme4's first-stage (nAGQ = 0) deviance is compared to choose where Newton starts.
const STAGE_ONE_THETAS: [f64; 5] = [0.1, 0.3, 1.0, 3.0, 10.0];

/// Where the GLMM fits start: the best of lme4's first-stage (nAGQ = 0) fits on a coarse grid of θ.
///
/// For each θ the penalised fit (PIRLS) gives (α, β, z), and the first-stage deviance
/// Σ_i d(y_i, α + βx_i + z_g) + Σ_g (z_g/θ)² + Σ_g log(1 + θ² Σ_{i∈g} μ_i(1 − μ_i)) compares the θ.
/// The objective can have more than one basin in θ (between-group versus within-group slopes), and the
/// grid keeps Newton's method out of a poor one. Falls back to the pooled glm and θ = 1, as lme4 starts.
pub fn default_start(data: &Dataset, pooled: Option<&[f64]>) -> [f64; 3] {
    let (a0, b0) = match pooled {
        Some(c) if c.len() >= 2 && c[0].is_finite() && c[1].is_finite() => (c[0], c[1]),
        _ => (0.0, 0.0),
    };
    let mut warm = DVector::zeros(2 + data.n_groups());
    warm[0] = a0;
    warm[1] = b0;
    let mut best: Option<(f64, [f64; 3])> = None;
    for &theta in &STAGE_ONE_THETAS {
        let Ok(v) = penalised_fit(data, theta, &warm) else { continue };
        let dev = stage_one_deviance(data, theta, &v);
        if dev.is_finite() && best.is_none_or(|(d, _)| dev < d) {
            best = Some((dev, [v[0], v[1], theta]));
        }
        warm = v;
    }
    best.map_or([a0, b0, 1.0], |(_, start)| start)
}

/// lme4's nAGQ = 0 deviance at the penalised fit `v` = (α, β, z) for θ.
fn stage_one_deviance(data: &Dataset, theta: f64, v: &DVector<f64>) -> f64 {
    let mut info = vec![0.0; data.n_groups()];
    for i in 0..data.n_obs() {
        let mu = logistic(v[0] + v[1] * data.x[i] + v[2 + data.group[i]]);
        info[data.group[i]] += mu * (1.0 - mu);
    }
    2.0 * penalised_negloglik(data, theta, v) + info.iter().map(|w| (theta * theta * w).ln_1p()).sum::<f64>()
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
    glmer_optimum_given(data, nagq, start, &sigma_b_bound(data))
}

/// [`glmer_optimum`] with the verdict on σ_b already reached for these data (`fit_all` reaches it once).
pub fn glmer_optimum_given(data: &Dataset, nagq: usize, start: [f64; 3], bound: &SigmaBound) -> Result<GlmmOptimum> {
    let model = if nagq == 1 { "glmer(y_bin ~ x + (1|group), nAGQ = 1)" } else { "glmer(y_bin ~ x + (1|group), nAGQ > 1)" };
    check_nagq(nagq)?;
    check_estimable(data, model)?;
    bound.check(model)?;
    let groups = split_by_group(data);
    minimise_objective(&groups, &gauss_hermite(nagq), start, if nagq == 1 { "glmer (Laplace)" } else { "glmer (AGQ)" }, model)
}

/// Where the AGQ fit with `nagq` nodes starts: the Laplace optimum when nAGQ = 1 (the same objective);
/// otherwise, of the Laplace optimum (if any), lme4's first-stage start and the σ_b decision's witness (if
/// any), the one where the exact likelihood is highest among those where the K-node objective is finite. The
/// Laplace optimum can sit far out in σ_b where the Laplace approximation has broken down (σ_b = 505 with
/// logLik −4.24 where the exact maximum is −7.00 at σ_b = 6.3, lme4 agreeing), and AGQ started there follows
/// its own breakdown, or cannot even be evaluated (100 nodes at σ_b = 5733).
pub fn agq_start(data: &Dataset, nagq: usize, laplace: Option<[f64; 3]>, start: [f64; 3], bound: &SigmaBound) -> [f64; 3] {
    let Some(laplace) = laplace else { return start };
    if nagq == 1 {
        return laplace;
    }
    let groups = split_by_group(data);
    let rule = gauss_hermite(nagq);
    let finite = |c: &[f64; 3]| {
        let p = GlmmParams { alpha: c[0], beta: c[1], theta: c[2] };
        objective::<f64>(&groups, &p, &conditional_modes(&groups, &p, None), &rule).is_finite()
    };
    let mut candidates = vec![laplace, start];
    if let SigmaBound::Finite { witness: Some(w) } = bound {
        candidates.push(*w);
    }
    candidates.retain(|c| finite(c));
    best_start(data, &candidates).unwrap_or(start)
}

/// The report of a fit: fixed effects, σ_b, conditional modes and means, logLik on lme4's scale.
pub fn glmm_report(data: &Dataset, opt: &GlmmOptimum, nagq: usize) -> GlmmFit {
    let groups = split_by_group(data);
    let p = &opt.params;
    let ranef: Vec<f64> = opt.modes.iter().map(|u| p.theta * u).collect();
    let (cond_means, _) = conditional_means_exact(&groups, p, &opt.modes);
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
        exact_loglik: Some(exact_loglik(&groups, p)).filter(|l| l.is_finite()),
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
