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
use super::pirls::{penalised_fit as inner_maximum, penalised_negloglik};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::report::JointModeFit;

/// The answer's lower bound on σ (its L-BFGS-B box).
pub const SIGMA_FLOOR: f64 = 0.01;
const SIGMA_CEILING: f64 = 1e4;

/// Σ ẑ(σ)²/G − σ², which has the sign of dJ/dσ along the path of inner maxima.
fn sigma_equation(data: &Dataset, sigma: f64, warm: &mut DVector<f64>) -> Result<f64> {
    *warm = inner_maximum(data, sigma, warm)?;
    let g = data.n_groups() as f64;
    Ok(warm.rows(2, warm.len() - 2).norm_squared() / g - sigma * sigma)
}

/// The joint log density J at (α, β, σ, z).
pub fn joint_log_density(data: &Dataset, sigma: f64, v: &DVector<f64>) -> f64 {
    let g = data.n_groups() as f64;
    -penalised_negloglik(data, sigma, v) - g * (sigma.ln() + 0.5 * (2.0 * std::f64::consts::PI).ln())
}

/// The local joint mode reached from (α, β, σ, z) = (0, 0, 1, 0, …).
pub fn joint_mode(data: &Dataset) -> Result<JointModeFit> {
    check_estimable(data, "The joint mode")?;
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
    // Illinois (regula falsi) on the bracket [inside, outside] in log σ.
    let (mut a, mut fa, mut b, mut fb) = (inside.ln(), s_inside, outside.ln(), s_outside);
    let mut side = 0i8;
    let mut sigma = inside;
    for _ in 0..200 {
        let c = (a * fb - b * fa) / (fb - fa);
        sigma = c.exp();
        let fc = sigma_equation(data, sigma, &mut warm)?;
        if fc == 0.0 || (b - a).abs() < 1e-15 {
            break;
        }
        if (fc > 0.0) == (fb > 0.0) {
            b = c;
            fb = fc;
            if side == -1 {
                fa *= 0.5;
            }
            side = -1;
        } else {
            a = c;
            fa = fc;
            if side == 1 {
                fb *= 0.5;
            }
            side = 1;
        }
        if (b - a).abs() < 1e-14 {
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
