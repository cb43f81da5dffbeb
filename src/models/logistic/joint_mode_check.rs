//! An independent check of the joint mode's verdict ([`Claim::JointModeInterior`] / [`Claim::JointModeAtBound`]),
//! from the data and the reported point alone (none of the search's code).
//!
//! With η_i = α + βx_i + z_{g(i)}, μ_i = 1/(1 + e^{−η_i}), w_i = μ_i(1 − μ_i) and r_i = y_i − μ_i, the joint log
//! density J(α, β, σ, z) = Σ_i [y_i η_i − log(1 + e^{η_i})] − Σ_g [log σ + ½ log 2π + z_g²/(2σ²)] has gradient
//!   ∂J/∂α = Σ r_i,  ∂J/∂β = Σ r_i x_i,  ∂J/∂z_g = Σ_{i∈g} r_i − z_g/σ²,  ∂J/∂σ = −G/σ + Σ_g z_g²/σ³
//! and Hessian
//!   −Σw, −Σwx, −Σwx² (α, β); −Σ_{i∈g} w, −Σ_{i∈g} wx (with z_g); −Σ_{i∈g} w − 1/σ² (z_g, z_g);
//!   G/σ² − 3Σz²/σ⁴ (σ, σ); 2z_g/σ³ (σ, z_g); 0 (σ with α, β).
//! An interior local maximum has a zero gradient and a negative-definite Hessian; a maximum on the bound
//! σ = 0.01 has both in (α, β, z) and ∂J/∂σ < 0 (J still rises as σ falls, into the bound).

use nalgebra::{DMatrix, DVector};

use super::joint_mode::SIGMA_FLOOR;
use crate::claims::Claim;
use crate::data::Dataset;
use crate::report::JointModeFit;

/// A gradient component counts as zero below this, relative to the size of the terms it sums.
pub const GRADIENT_REL_TOL: f64 = 1e-7;

/// Gradient of J in (α, β, σ, z_1..z_G), the size of the terms each component sums (for a relative test), and
/// the Hessian, in that order of coordinates.
pub fn joint_gradient_hessian(data: &Dataset, alpha: f64, beta: f64, sigma: f64, z: &[f64]) -> (DVector<f64>, DVector<f64>, DMatrix<f64>) {
    let g = z.len();
    let k = 3 + g;
    let mut grad = DVector::zeros(k);
    let mut size = DVector::zeros(k);
    let mut hess = DMatrix::zeros(k, k);
    for i in 0..data.n_obs() {
        let (x, y, gi) = (data.x[i], data.y_bin[i], data.group[i]);
        let eta = alpha + beta * x + z[gi];
        let mu = if eta >= 0.0 { 1.0 / (1.0 + (-eta).exp()) } else { eta.exp() / (1.0 + eta.exp()) };
        let (r, w) = (y - mu, mu * (1.0 - mu));
        grad[0] += r;
        grad[1] += r * x;
        grad[3 + gi] += r;
        size[0] += r.abs();
        size[1] += (r * x).abs();
        size[3 + gi] += r.abs();
        hess[(0, 0)] -= w;
        hess[(0, 1)] -= w * x;
        hess[(1, 1)] -= w * x * x;
        hess[(0, 3 + gi)] -= w;
        hess[(1, 3 + gi)] -= w * x;
        hess[(3 + gi, 3 + gi)] -= w;
    }
    let s2 = sigma * sigma;
    let zz: f64 = z.iter().map(|v| v * v).sum();
    grad[2] = -(g as f64) / sigma + zz / (s2 * sigma);
    size[2] = g as f64 / sigma + zz / (s2 * sigma);
    hess[(2, 2)] = g as f64 / s2 - 3.0 * zz / (s2 * s2);
    for (j, &zj) in z.iter().enumerate() {
        grad[3 + j] -= zj / s2;
        size[3 + j] += zj.abs() / s2;
        hess[(3 + j, 3 + j)] -= 1.0 / s2;
        hess[(2, 3 + j)] = 2.0 * zj / (s2 * sigma);
    }
    hess.fill_lower_triangle_with_upper_triangle();
    (grad, size, hess)
}

/// Whether the claim about the joint mode holds for `fit` on `data`: `Err` says what is false.
pub fn check_joint_mode_claim(data: &Dataset, fit: &JointModeFit, claim: &Claim) -> Result<(), String> {
    let (grad, size, hess) = joint_gradient_hessian(data, fit.alpha, fit.beta, fit.sigma, &fit.re);
    let coords: Vec<usize> = match claim {
        Claim::JointModeInterior { sigma } => {
            if *sigma != fit.sigma || fit.sigma.partial_cmp(&SIGMA_FLOOR) != Some(std::cmp::Ordering::Greater) {
                return Err(format!("claimed interior σ {sigma}, reported σ {} (bound {SIGMA_FLOOR})", fit.sigma));
            }
            (0..grad.len()).collect()
        }
        Claim::JointModeAtBound { sigma_floor } => {
            if *sigma_floor != SIGMA_FLOOR || fit.sigma != SIGMA_FLOOR {
                return Err(format!("claimed the bound {sigma_floor}, reported σ {}", fit.sigma));
            }
            if grad[2].partial_cmp(&0.0) != Some(std::cmp::Ordering::Less) {
                return Err(format!("on the bound dJ/dσ = {} is not negative: J does not rise into the bound", grad[2]));
            }
            (0..grad.len()).filter(|&j| j != 2).collect()
        }
        other => return Err(format!("{other:?} is not a claim about the joint mode")),
    };
    for &j in &coords {
        if grad[j].abs().partial_cmp(&(GRADIENT_REL_TOL * size[j].max(1.0))).is_none_or(|o| o == std::cmp::Ordering::Greater) {
            return Err(format!("gradient component {j} is {:e} (terms of size {:e}): not a stationary point", grad[j], size[j]));
        }
    }
    let sub = DMatrix::from_fn(coords.len(), coords.len(), |a, b| -hess[(coords[a], coords[b])]);
    if sub.cholesky().is_none() {
        return Err("the Hessian of J there is not negative definite: not a local maximum".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{simulate, SimConfig};
    use crate::models::logistic::joint_mode::{joint_mode, joint_mode_claim};

    /// The answer's own example: its opt1 prints σ = 1.0164584, z = (−1.0164576, 1.0164576).
    #[test]
    fn answer_example_is_an_interior_mode_with_a_true_claim() {
        let data = simulate(&SimConfig::default()).unwrap();
        let fit = joint_mode(&data).unwrap();
        assert!((fit.sigma - 1.0164584).abs() < 1e-5, "σ {}", fit.sigma);
        assert!((fit.re[1] - 1.0164576).abs() < 1e-5, "z {:?}", fit.re);
        let claim = joint_mode_claim(&fit);
        assert_eq!(claim, Claim::JointModeInterior { sigma: fit.sigma });
        check_joint_mode_claim(&data, &fit, &claim).unwrap();
        assert!(fit.note.contains(&format!("σ = {:.4}", fit.sigma)), "{}", fit.note);
    }

    /// Exchangeable groups (the singular fixture's data): no interior mode, the search ends on the bound.
    #[test]
    fn exchangeable_groups_end_on_the_bound_with_a_true_claim() {
        let cfg = SimConfig { groups: 5, n: 100, thresholds: vec![0.5; 5], y_coef: 1.0, spacing: 0.0, center: false, seed: 8, ..SimConfig::default() };
        let data = simulate(&cfg).unwrap();
        let fit = joint_mode(&data).unwrap();
        assert_eq!(fit.sigma, SIGMA_FLOOR);
        let claim = joint_mode_claim(&fit);
        assert_eq!(claim, Claim::JointModeAtBound { sigma_floor: SIGMA_FLOOR });
        check_joint_mode_claim(&data, &fit, &claim).unwrap();
        // the opposite claim is false, and the check says so
        assert!(check_joint_mode_claim(&data, &fit, &Claim::JointModeInterior { sigma: fit.sigma }).is_err());
        assert!(fit.note.starts_with("No interior mode") && fit.note.contains("σ = 0.01"), "{}", fit.note);
    }
}
