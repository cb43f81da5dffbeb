//! The drivers: `glmer(response ~ terms + (1 | group), family, nAGQ = K)` at the true optimum of lme4's
//! objective, and the maximum of the exact marginal likelihood; the result as the page and the CLI read it.
//!
//! Both minimise a −2 log-likelihood over x = (β, θ) by Newton's method with exact gradient and Hessian
//! (dual numbers), stopping on a relative gradient below 1e−10 (`optimize::REL_GRADIENT_TOL`), not on a
//! step count. The objective is even in θ (u ↦ −u), so θ is searched on ℝ and reported as |θ| = σ_b; a
//! fit with σ_b < 1e−4 is singular (lme4's `isSingular`). Laplace starts from [`DesignStarts`], nAGQ = K > 1
//! and the exact maximum start from the Laplace optimum.

use std::cell::RefCell;

use nalgebra::DVector;
use serde::{Deserialize, Serialize};

use super::jet::MAX_PARAMETERS;
use super::exact::{exact_loglik, posteriors, ExactObjective};
use super::family::Family;
use super::glm::{check_full_rank, check_responses, glm_pooled, GlmResult};
use super::glm_group::{glm_group, GlmGroupResult};
use super::kernel::Kernel;
use super::objective::Objective;
use super::starts::DesignStarts;
use crate::data::grouped_design::GroupedDesign;
use crate::error::{Error, Result};
use crate::models::optimize::{newton_minimize_within, Derivatives, Search};
use crate::models::quadrature::{check_nagq, gauss_hermite, GaussHermite};

/// lme4's `isSingular` tolerance on θ.
pub const SINGULAR_THETA: f64 = 1e-4;
/// Largest σ_b a search may reach before it is reported as growing without bound.
pub const MAX_THETA: f64 = 10000.0;

/// A family with its link, chosen at run time (each dispatches to its compiled [`Family`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FamilyLink {
    BinomialLogit,
    BinomialProbit,
    BinomialCloglog,
    PoissonLog,
}

impl FamilyLink {
    /// From R's names (`binomial`/`poisson`, `logit`/`probit`/`cloglog`/`log`); the link defaults to the
    /// canonical one when empty.
    pub fn from_names(family: &str, link: &str) -> Result<FamilyLink> {
        match (family, link) {
            ("binomial", "logit" | "") => Ok(FamilyLink::BinomialLogit),
            ("binomial", "probit") => Ok(FamilyLink::BinomialProbit),
            ("binomial", "cloglog") => Ok(FamilyLink::BinomialCloglog),
            ("poisson", "log" | "") => Ok(FamilyLink::PoissonLog),
            _ => Err(Error::InvalidParameter {
                name: "family and link",
                expected: "binomial with logit, probit or cloglog, or poisson with log".into(),
                got: format!("{family} with {}", if link.is_empty() { "its default link" } else { link }),
            }),
        }
    }
}

/// `for_family!(family, F => expr)`: `expr` with the type `F` set to the compiled [`Family`] of a
/// [`FamilyLink`] chosen at run time. The one place a run-time family meets its type: a new family adds one
/// arm here (and one variant with its names above), and every driver dispatches through it.
macro_rules! for_family {
    ($family:expr, $f:ident => $body:expr) => {
        match $family {
            $crate::models::glmm::fit::FamilyLink::BinomialLogit => {
                type $f = $crate::models::glmm::family::BinomialLogit;
                $body
            }
            $crate::models::glmm::fit::FamilyLink::BinomialProbit => {
                type $f = $crate::models::glmm::family::BinomialProbit;
                $body
            }
            $crate::models::glmm::fit::FamilyLink::BinomialCloglog => {
                type $f = $crate::models::glmm::family::BinomialCloglog;
                $body
            }
            $crate::models::glmm::fit::FamilyLink::PoissonLog => {
                type $f = $crate::models::glmm::family::PoissonLog;
                $body
            }
        }
    };
}
pub(crate) use for_family;

/// Which likelihood a fit maximises.
#[derive(Debug, Clone)]
enum Approximation {
    /// lme4's objective with this Gauss–Hermite rule (1 node: Laplace).
    Quadrature(GaussHermite),
    /// The exact marginal likelihood.
    Exact,
}

/// A fitted random-intercept GLMM (glmer at nAGQ = K, or the exact maximum when `nagq` is None).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlmmResult {
    pub family: String,
    pub link: String,
    /// lme4's nAGQ; None for the maximum of the exact marginal likelihood.
    pub nagq: Option<usize>,
    pub names: Vec<String>,
    pub fixef: Vec<f64>,
    pub fixef_named: crate::report::Named,
    /// σ_b = θ ≥ 0.
    pub sigma_b: f64,
    pub group_labels: Vec<String>,
    /// Conditional modes θû_g (`ranef()`), and their sum.
    pub ranef: Vec<f64>,
    pub ranef_sum: f64,
    /// Conditional means E[b_g | y] by the exact integral at these parameters, and their sum.
    pub cond_means: Vec<f64>,
    pub cond_means_sum: f64,
    /// The true log-likelihood (this fit's approximation of it), every constant included.
    pub loglik: f64,
    /// C = Σ_i log p(y_i | μ_i = y_i) (0 for 0/1 data).
    pub saturated_constant: f64,
    /// What lme4's `logLik()` prints: `loglik` for nAGQ = 1, `loglik` − C for nAGQ > 1 (and for the
    /// exact likelihood, the limit of nAGQ → ∞).
    pub loglik_lme4_convention: f64,
    /// lme4's `deviance()`: −2 × `loglik_lme4_convention`.
    pub deviance: f64,
    pub singular: bool,
    /// The exact log-likelihood at these parameters.
    pub exact_loglik: f64,
    pub iterations: usize,
    pub rel_gradient: f64,
}

/// Checks shared by every fit of the design (glmer, the exact maximum, the joint mode).
pub(crate) fn check_design<F: Family>(design: &GroupedDesign) -> Result<()> {
    if design.n_groups() < 2 {
        return Err(Error::NotEstimable(format!(
            "A random intercept for {} needs at least two groups to have a variance, and the data have {}.",
            design.group_name,
            design.n_groups()
        )));
    }
    if design.p() + 1 > MAX_PARAMETERS {
        return Err(Error::NotEstimable(format!(
            "The model has {} fixed effects; this engine fits at most {}.",
            design.p(),
            MAX_PARAMETERS - 1
        )));
    }
    check_responses::<F>(design)?;
    check_full_rank(design)
}

/// Where a minimisation ended: x = (β, θ ≥ 0), with its iterations and relative gradient.
struct Optimum {
    x: Vec<f64>,
    /// The conditional modes û_g at x.
    modes: Vec<f64>,
    iterations: usize,
    rel_gradient: f64,
}

/// Minimise the chosen −2 log L over (β, θ) from `start`.
fn minimise<F: Family>(design: &GroupedDesign, approx: &Approximation, start: &[f64], model: &'static str) -> Result<Optimum> {
    let p = design.p();
    let kernel = RefCell::new(Kernel::<F>::new(design));
    let normaliser_term = -2.0 * kernel.borrow().log_normaliser_sum();
    // Each evaluation starts the modes from the last ones: a few Newton steps instead of many.
    let modes = RefCell::new(vec![0.0; design.n_groups()]);
    let prepare = |x: &DVector<f64>| -> bool {
        if x.iter().any(|v| !v.is_finite()) {
            return false;
        }
        let mut k = kernel.borrow_mut();
        k.set_beta(&x.as_slice()[..p]);
        let next = k.modes(x[p], &modes.borrow());
        *modes.borrow_mut() = next;
        true
    };
    let value = |x: &DVector<f64>| -> f64 {
        if !prepare(x) {
            return f64::INFINITY;
        }
        let (k, m, theta) = (kernel.borrow(), modes.borrow(), x[p]);
        match approx {
            Approximation::Quadrature(rule) => Objective { kernel: &k, rule, modes: &m, normaliser_term }.value(theta),
            Approximation::Exact => -2.0 * exact_loglik(&posteriors(&k, theta, &m), -0.5 * normaliser_term),
        }
    };
    let derivs = |x: &DVector<f64>| -> Option<Derivatives> {
        if !prepare(x) {
            return None;
        }
        let (k, m, theta) = (kernel.borrow(), modes.borrow(), x[p]);
        let d = match approx {
            Approximation::Quadrature(rule) => {
                Objective { kernel: &k, rule, modes: &m, normaliser_term }.value_gradient_hessian(x.as_slice())
            }
            Approximation::Exact => {
                let posts = posteriors(&k, theta, &m);
                ExactObjective { kernel: &k, posteriors: &posts, normaliser_term }.value_gradient_hessian(x.as_slice())
            }
        }?;
        (d.0.is_finite() && d.1.iter().chain(d.2.iter()).all(|v| v.is_finite())).then_some(d)
    };
    let inside = |x: &DVector<f64>| x[p].abs() <= MAX_THETA;
    let minimum = match newton_minimize_within(value, derivs, DVector::from_column_slice(start), inside) {
        Ok(Search::Minimum(m)) => m,
        Ok(Search::Left { .. }) => {
            return Err(Error::NotEstimable(format!(
                "{model}: the likelihood keeps increasing as the random-intercept SD grows past {MAX_THETA}, so it has no finite estimate."
            )))
        }
        Err(reason) => return Err(Error::NoConvergence { model, reason }),
    };
    let mut x: Vec<f64> = minimum.x.iter().copied().collect();
    let last = modes.borrow().clone();
    // the modes at x, from the last ones (u ↦ −u when θ is reported as |θ|)
    let sign = if x[p] < 0.0 { -1.0 } else { 1.0 };
    x[p] = x[p].abs();
    let mut k = kernel.borrow_mut();
    k.set_beta(&x[..p]);
    let start: Vec<f64> = last.iter().map(|u| sign * u).collect();
    let modes = k.modes(x[p], &start);
    Ok(Optimum { x, modes, iterations: minimum.iterations, rel_gradient: minimum.rel_gradient })
}

/// The result at an optimum: modes, exact conditional means, log-likelihoods in both conventions.
fn report<F: Family>(design: &GroupedDesign, opt: &Optimum, nagq: Option<usize>) -> GlmmResult {
    let p = design.p();
    let mut kernel = Kernel::<F>::new(design);
    let (beta, theta) = (&opt.x[..p], opt.x[p]);
    kernel.set_beta(beta);
    let modes = &opt.modes;
    let log_normalisers = kernel.log_normaliser_sum();
    let posts = posteriors(&kernel, theta, modes);
    let exact = exact_loglik(&posts, log_normalisers);
    let loglik = match nagq {
        Some(k) => {
            let rule = gauss_hermite(k);
            -0.5 * Objective { kernel: &kernel, rule: &rule, modes, normaliser_term: -2.0 * log_normalisers }.value(theta)
        }
        None => exact,
    };
    let c = kernel.saturated_constant();
    let lme4_ll = if nagq == Some(1) { loglik } else { loglik - c };
    let ranef: Vec<f64> = modes.iter().map(|u| theta * u).collect();
    let cond_means: Vec<f64> = posts.iter().map(|q| theta * q.mean_u).collect();
    GlmmResult {
        family: F::FAMILY.into(),
        link: F::LINK.into(),
        nagq,
        names: design.names.clone(),
        fixef: beta.to_vec(),
        fixef_named: crate::report::Named::new(&design.names, beta),
        sigma_b: theta,
        group_labels: design.group_labels.clone(),
        ranef_sum: ranef.iter().sum(),
        ranef,
        cond_means_sum: cond_means.iter().sum(),
        cond_means,
        loglik,
        saturated_constant: c,
        loglik_lme4_convention: lme4_ll,
        deviance: -2.0 * lme4_ll,
        singular: theta < SINGULAR_THETA,
        exact_loglik: exact,
        iterations: opt.iterations,
        rel_gradient: opt.rel_gradient,
    }
}

/// `glmer(..., nAGQ = K)` for one compiled family, from `start` (β, θ) or the default starts.
pub fn glmer_typed<F: Family>(design: &GroupedDesign, nagq: usize, start: Option<&[f64]>) -> Result<GlmmResult> {
    check_nagq(nagq)?;
    check_design::<F>(design)?;
    let start = match start {
        Some(s) if s.len() == design.p() + 1 => s.to_vec(),
        _ => DesignStarts::new::<F>(design)?.vector(),
    };
    let laplace = minimise::<F>(design, &Approximation::Quadrature(gauss_hermite(1)), &start, "glmer (Laplace)")?;
    if nagq == 1 {
        return Ok(report::<F>(design, &laplace, Some(1)));
    }
    let opt = minimise::<F>(design, &Approximation::Quadrature(gauss_hermite(nagq)), &laplace.x, "glmer (AGQ)")?;
    Ok(report::<F>(design, &opt, Some(nagq)))
}

/// The maximum of the exact marginal likelihood for one compiled family, from the Laplace optimum.
pub fn marginal_exact_typed<F: Family>(design: &GroupedDesign) -> Result<GlmmResult> {
    check_design::<F>(design)?;
    let start = DesignStarts::new::<F>(design)?.vector();
    let laplace = minimise::<F>(design, &Approximation::Quadrature(gauss_hermite(1)), &start, "glmer (Laplace)")?;
    let opt = minimise::<F>(design, &Approximation::Exact, &laplace.x, "the exact marginal likelihood")?;
    Ok(report::<F>(design, &opt, None))
}

/// `glmer(response ~ terms + (1 | group), family, nAGQ = K)` at the true optimum of lme4's objective.
pub fn glmer(design: &GroupedDesign, family: FamilyLink, nagq: usize) -> Result<GlmmResult> {
    for_family!(family, F => glmer_typed::<F>(design, nagq, None))
}

/// The maximum of the exact marginal likelihood, with its conditional means (which sum to 0 there).
pub fn marginal_exact(design: &GroupedDesign, family: FamilyLink) -> Result<GlmmResult> {
    for_family!(family, F => marginal_exact_typed::<F>(design))
}

/// `glm(response ~ fixed terms, family)`, the pooled GLM, for a family chosen at run time.
pub fn glm_pooled_for(design: &GroupedDesign, family: FamilyLink) -> Result<GlmResult> {
    for_family!(family, F => glm_pooled::<F>(design))
}

/// `glm(response ~ fixed terms + group, family)`, the per-group GLM, for a family chosen at run time.
pub fn glm_group_for(design: &GroupedDesign, family: FamilyLink) -> Result<GlmGroupResult> {
    for_family!(family, F => glm_group::<F>(design))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::glmm::kernel::tests::small_design;
    use crate::models::glmm::family::PoissonLog;

    fn answer_data() -> crate::data::Dataset {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/answer_seed1.csv");
        crate::data::csv::read_csv(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn laplace_and_agq_equal_the_lesson_engine_on_the_answer() {
        let data = answer_data();
        let design = GroupedDesign::from_dataset(&data);
        let pooled = crate::models::glm::glm(&data, false).unwrap();
        let start = crate::models::logistic::pirls::default_start(&data, Some(&pooled.coef));
        for nagq in [1usize, 25] {
            let lesson = crate::models::logistic::glmer::glmer(&data, nagq, start).unwrap();
            let ours = glmer(&design, FamilyLink::BinomialLogit, nagq).unwrap();
            for (a, b) in ours.fixef.iter().zip(&lesson.fixef) {
                assert!((a - b).abs() < 1e-8, "K={nagq} fixef {a} vs {b}");
            }
            assert!((ours.sigma_b - lesson.sigma_b).abs() < 1e-8, "K={nagq} σ_b");
            assert!((ours.loglik - lesson.loglik).abs() < 1e-9, "K={nagq} loglik {} vs {}", ours.loglik, lesson.loglik);
            for (a, b) in ours.ranef.iter().zip(&lesson.ranef) {
                assert!((a - b).abs() < 1e-8, "K={nagq} ranef");
            }
            for (a, b) in ours.cond_means.iter().zip(&lesson.cond_means) {
                assert!((a - b).abs() < 1e-8, "K={nagq} cond means {a} vs {b}");
            }
            assert_eq!(ours.saturated_constant, 0.0);
            assert_eq!(ours.loglik_lme4_convention, ours.loglik);
        }
    }

    /// At the maximum of the exact likelihood Σ_g E[b_g | y] = θ² ∂ log L/∂α = 0, whatever the family and
    /// link: α and b_g enter only through α + b_g.
    #[test]
    fn conditional_means_sum_to_zero_at_the_exact_maximum() {
        for (kind, fl) in [("counts", FamilyLink::PoissonLog), ("trials", FamilyLink::BinomialProbit), ("trials", FamilyLink::BinomialCloglog)] {
            let d = small_design(kind);
            let fit = marginal_exact(&d, fl).unwrap();
            assert!(fit.cond_means_sum.abs() < 1e-9, "{kind}: Σ E[b|y] = {}", fit.cond_means_sum);
            assert!(fit.sigma_b > 0.01, "{kind}: not a singular fit");
            // while the modes do not sum to zero
            assert!(fit.ranef_sum.abs() > 1e-6, "{kind}: Σ modes = {}", fit.ranef_sum);
            assert_eq!(fit.nagq, None);
            assert!((fit.loglik - fit.exact_loglik).abs() < 1e-12);
            // and no glmer fit beats the exact maximum on the exact likelihood
            let laplace = glmer(&d, fl, 1).unwrap();
            assert!(laplace.exact_loglik <= fit.loglik + 1e-9, "{kind}");
        }
    }

    #[test]
    fn constant_groups_give_a_singular_fit() {
        // the same rows in every group: no between-group variation, θ = 0
        let mut d = small_design("counts");
        let first = d.groups[0].clone();
        for g in d.groups.iter_mut() {
            *g = first.clone();
        }
        let fit = glmer(&d, FamilyLink::PoissonLog, 1).unwrap();
        assert!(fit.singular, "σ_b = {}", fit.sigma_b);
        let pooled = super::super::glm::glm_pooled::<PoissonLog>(&d).unwrap();
        assert!((fit.loglik - pooled.loglik).abs() < 1e-8);
    }

    #[test]
    fn bad_input_is_one_sentence() {
        let d = small_design("counts");
        let e = glmer(&d, FamilyLink::BinomialLogit, 1).unwrap_err().to_string();
        assert!(e.contains("binomial") && e.ends_with('.'), "{e}");
        assert!(glmer(&d, FamilyLink::PoissonLog, 0).is_err());
        assert!(glmer(&d, FamilyLink::PoissonLog, 101).is_err());
        let mut one = small_design("binary");
        one.groups.truncate(1);
        one.group_labels.truncate(1);
        assert!(glmer(&one, FamilyLink::BinomialLogit, 1).unwrap_err().to_string().contains("at least two groups"));
        assert!(FamilyLink::from_names("gaussian", "identity").is_err());
        assert_eq!(FamilyLink::from_names("binomial", "").unwrap(), FamilyLink::BinomialLogit);
    }
}
