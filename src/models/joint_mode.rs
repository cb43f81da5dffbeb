//! The answer's opt1: the joint mode of the density of (y, z) over (α, β, σ, z_1..z_G),
//!   J(α, β, σ, z) = Σ_i log p(y_i | α + βx_i + z_{g(i)}) + Σ_g log N(z_g; 0, σ²).
//!
//! J grows without bound as σ → 0 with z = 0, so only a local mode exists. For fixed σ, J is strictly
//! concave in (α, β, z) (a ridge-penalised logistic regression): its maximiser ẑ(σ) is found by Newton's
//! method. Along that path dJ/dσ = (Σ_g ẑ_g² − Gσ²)/σ³, so the local mode solves σ² = Σ_g ẑ_g(σ)²/G; it is
//! found by bracketing from σ = 1 in the direction J increases, as a gradient method started at
//! (0, 0, 1, 0, …) moves. At the mode the intercept's score gives Σ_g z_g = σ² Σ_i (y_i − μ_i) = 0.

use nalgebra::DVector;

use super::glmm::check_estimable;
use super::sigma_bound::{sigma_b_bound, SigmaBound};
use super::pirls::{penalised_fit_with_hessian, penalised_negloglik};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::report::JointModeFit;

/// The answer's lower bound on σ (its L-BFGS-B box).
pub const SIGMA_FLOOR: f64 = 0.01;
const SIGMA_CEILING: f64 = 1e4;

/// Σ ẑ(σ)²/G − σ², which has the sign of dJ/dσ along the path of inner maxima.
fn sigma_equation(data: &Dataset, sigma: f64, warm: &mut DVector<f64>) -> Result<f64> {
    sigma_equation_and_slope(data, sigma, warm).map(|(s, _)| s)
}

/// s(σ) = Σ ẑ(σ)²/G − σ² and its exact derivative: by the implicit function theorem the path of inner
/// maxima moves as dv/dσ = −H⁻¹ ∂(∇F)/∂σ, where only the penalty's gradient z/σ² depends on σ, so
/// ∂(∇F)/∂σ = (0, 0, −2z/σ³), and s'(σ) = (2/G) Σ_g ẑ_g dẑ_g/dσ − 2σ.
fn sigma_equation_and_slope(data: &Dataset, sigma: f64, warm: &mut DVector<f64>) -> Result<(f64, f64)> {
    let (v, h) = penalised_fit_with_hessian(data, sigma, warm)?;
    *warm = v;
    let g = data.n_groups() as f64;
    let k = warm.len();
    let mut c = DVector::zeros(k);
    for j in 2..k {
        c[j] = -2.0 * warm[j] / sigma.powi(3);
    }
    let slope = h.cholesky().map(|chol| {
        let dv = -chol.solve(&c);
        (2.0 / g) * (2..k).map(|j| warm[j] * dv[j]).sum::<f64>() - 2.0 * sigma
    });
    let s = warm.rows(2, k - 2).norm_squared() / g - sigma * sigma;
    Ok((s, slope.unwrap_or(f64::NAN)))
}

/// The joint log density J at (α, β, σ, z).
pub fn joint_log_density(data: &Dataset, sigma: f64, v: &DVector<f64>) -> f64 {
    let g = data.n_groups() as f64;
    -penalised_negloglik(data, sigma, v) - g * (sigma.ln() + 0.5 * (2.0 * std::f64::consts::PI).ln())
}

/// The local joint mode reached from (α, β, σ, z) = (0, 0, 1, 0, …).
pub fn joint_mode(data: &Dataset) -> Result<JointModeFit> {
    joint_mode_given(data, &sigma_b_bound(data))
}

/// [`joint_mode`] with the verdict on σ_b already reached for these data. The joint mode is the answer's opt1 for
/// the same model, so where that model's σ_b has no finite estimate it carries the same sentence as the other
/// glmer-type fits rather than a mode of a density whose σ the data cannot pin down.
pub fn joint_mode_given(data: &Dataset, bound: &SigmaBound) -> Result<JointModeFit> {
    check_estimable(data, "The joint mode")?;
    bound.check("The joint mode")?;
    let k = 2 + data.n_groups();
    let mut warm = DVector::zeros(k);
    let s1 = sigma_equation(data, 1.0, &mut warm)?;
    // Walk from σ = 1 in the direction J increases until dJ/dσ changes sign: that brackets the local mode.
    let upward = s1 > 0.0;
    let (mut inside, mut outside) = (1.0f64, 1.0f64);
    let mut s_inside = s1;
    let mut s_outside;
    let mut warm_out = warm.clone();
    loop {
        outside = if upward { outside * 2.0 } else { (outside / 2.0).max(SIGMA_FLOOR) };
        if outside > SIGMA_CEILING {
            return Err(Error::NotEstimable(
                "The joint mode does not exist here: the joint density keeps growing as σ increases (the groups are separated).".into(),
            ));
        }
        s_outside = sigma_equation(data, outside, &mut warm_out)?;
        if (s_outside > 0.0) != upward {
            break;
        }
        if outside == SIGMA_FLOOR {
            // As the answer's L-BFGS-B box: the search ends on the bound σ = 0.01.
            return Ok(mode_report(data, SIGMA_FLOOR, &warm_out, BOUNDARY_NOTE));
        }
        inside = outside;
        s_inside = s_outside;
        warm = warm_out.clone();
    }
    // Newton's method on s(σ) with its exact slope, kept inside the bracket by bisection in log σ.
    let (mut lo, mut hi) = if inside < outside { (inside, outside) } else { (outside, inside) };
    let s_lo_positive = if inside < outside { s_inside > 0.0 } else { s_outside > 0.0 };
    let mut sigma = (lo * hi).sqrt();
    for _ in 0..100 {
        let (s, slope) = sigma_equation_and_slope(data, sigma, &mut warm)?;
        if s == 0.0 {
            break;
        }
        if (s > 0.0) == s_lo_positive {
            lo = sigma;
        } else {
            hi = sigma;
        }
        let newton = sigma - s / slope;
        let next = if newton.is_finite() && newton > lo && newton < hi { newton } else { (lo * hi).sqrt() };
        let done = (next - sigma).abs() <= 1e-14 * sigma || (hi - lo) <= 1e-15 * hi;
        sigma = next;
        if done {
            sigma_equation(data, sigma, &mut warm)?;
            break;
        }
    }
    Ok(mode_report(data, sigma, &warm, LOCAL_MODE_NOTE))
}

const LOCAL_MODE_NOTE: &str = "A local mode, found from (α, β, σ, z) = (0, 0, 1, 0, …): the joint density grows without bound \
                               as σ → 0 with every z = 0, so it has no global maximum.";
const BOUNDARY_NOTE: &str = "No interior mode from (α, β, σ, z) = (0, 0, 1, 0, …): the joint density rises all the way down to \
                             the answer's lower bound σ = 0.01, where this search stops, with every z shrunk to almost 0 (it \
                             grows without bound as σ → 0).";

fn mode_report(data: &Dataset, sigma: f64, v: &DVector<f64>, note: &str) -> JointModeFit {
    let re: Vec<f64> = v.rows(2, v.len() - 2).iter().copied().collect();
    JointModeFit {
        alpha: v[0],
        beta: v[1],
        sigma,
        re_sum: re.iter().sum(),
        re,
        log_density: joint_log_density(data, sigma, v),
        note: note.into(),
    }
}
