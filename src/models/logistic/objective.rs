//! lme4's objective for `glmer(y_bin ~ x + (1|group), binomial, nAGQ = K)`, its exact derivatives, and its
//! minimum.
//!
//! With φ_g, û_g and L_g² of the kernel, lme4's objective (−2 log-likelihood) is
//!   Laplace (K = 1): Σ_g [φ_g(û_g) + log L_g²]
//!   AGQ (K > 1):     Σ_g [φ_g(û_g) + log L_g² − 2 log Σ_k w_k exp(−½(φ_g(û_g + z_k/L_g) − φ_g(û_g)) + z_k²/2)]
//! with (z_k, w_k) the Gauss–Hermite rule for the standard normal. The objective is written once,
//! generically over dual numbers, so its gradient and Hessian in (α, β, θ) are exact: the conditional
//! modes enter through two Newton steps taken in dual arithmetic from the converged û_g, which carries the
//! implicit derivatives ∂û/∂(α, β, θ) to second order.

use nalgebra::{DMatrix, DVector};
use num_dual::DualNum;

use super::kernel::{
    beyond_reach, conditional_modes, group_log1pexp_pass, group_log1pexp_sum, penalised_deviance_and_slopes, with_derivatives,
    GlmmParams, Group, MAX_THETA,
};
use crate::error::{Error, Result};
use crate::models::optimize::{newton_minimize_within, Minimum, Search};
use crate::models::quadrature::GaussHermite;

/// A node's term w_k·exp(z_k²/2 − Δ_k/2) is dropped once it, and every node further out, is below
/// e^−45 ≈ 3e−20 of the central terms (Δ_k = φ(û + z_k/L) − φ(û) grows outward because φ is convex).
const NODE_CUTOFF: f64 = -45.0;

/// Visit the rule's nodes from the centre outward on each side; `visit(k)` returns Δ_k/2 for that node
/// (the log-factor the node loses to the integrand), and the side stops once no further node can matter.
fn visit_nodes_outward(rule: &GaussHermite, mut visit: impl FnMut(usize) -> f64) {
    let k = rule.nodes.len();
    let envelope = rule.max_log_envelope();
    let mut side = |range: &mut dyn Iterator<Item = usize>| {
        for j in range {
            let half_delta = visit(j);
            if envelope - half_delta < NODE_CUTOFF {
                break;
            }
        }
    };
    side(&mut (k / 2..k));
    side(&mut (0..k / 2).rev());
}

/// One group's contribution to lme4's objective, given its real conditional mode `u_hat`.
///
/// `u_hat` is lifted to the dual type by two Newton steps, so that its derivatives in the parameters are exact.
pub fn group_deviance<D: DualNum<Primitive = f64> + Copy>(g: &Group, p: &GlmmParams<D>, u_hat: f64, rule: &GaussHermite) -> D {
    let mut u = D::from(u_hat);
    // Real arguments need no lifting: û is already the mode.
    if D::NDERIV > 0 {
        for _ in 0..2 {
            let (_, d1, d2) = penalised_deviance_and_slopes(g, p, u);
            u -= d1 / d2;
        }
    }
    let (phi0, _, d2) = penalised_deviance_and_slopes(g, p, u);
    let l2 = d2 * 0.5;
    let laplace = phi0 + l2.ln();
    if rule.nodes.len() == 1 {
        return laplace;
    }
    let sd = l2.sqrt().recip();
    let mut mult = D::from(0.0);
    visit_nodes_outward(rule, |j| {
        let (z, w) = (rule.nodes[j], rule.weights[j]);
        if z == 0.0 {
            mult += w;
            return 0.0;
        }
        let uz = u + sd * z;
        let a = p.alpha + p.theta * uz;
        let log1pexp_sum = if D::NDERIV > 0 {
            group_log1pexp_pass(g, a.re(), p.beta.re()).lift(a, p.beta)
        } else {
            D::from(group_log1pexp_sum(g, a.re(), p.beta.re()))
        };
        let phi = (log1pexp_sum - a * g.sum_y - p.beta * g.sum_xy) * 2.0 + uz * uz;
        mult += ((phi0 - phi) * 0.5 + 0.5 * z * z).exp() * w;
        0.5 * (phi.re() - phi0.re())
    });
    laplace - mult.ln() * 2.0
}

/// lme4's objective Σ_g group_deviance at the given modes.
pub fn objective<D: DualNum<Primitive = f64> + Copy>(groups: &[Group], p: &GlmmParams<D>, modes: &[f64], rule: &GaussHermite) -> D {
    groups.iter().zip(modes).map(|(g, &u)| group_deviance(g, p, u, rule)).fold(D::from(0.0), |a, b| a + b)
}

/// Objective with exact gradient and Hessian in (α, β, θ).
pub fn objective_derivatives(groups: &[Group], x: &DVector<f64>, modes: &[f64], rule: &GaussHermite) -> (f64, DVector<f64>, DMatrix<f64>) {
    with_derivatives(x, |p| objective(groups, p, modes, rule))
}

/// A converged fit of the GLMM at one quadrature rule.
#[derive(Debug, Clone)]
pub struct GlmmOptimum {
    pub params: GlmmParams<f64>,
    /// Conditional modes on the spherical scale (b_g = θ·u_g).
    pub modes: Vec<f64>,
    pub deviance: f64,
    pub minimum: Minimum,
}

/// Minimise lme4's objective over (α, β, θ) from `start`, to a relative gradient below 1e-10, while |θ| ≤
/// [`MAX_THETA`]; `model` names the fit in a failure, `call` in the sentence for a search that climbs past it.
pub fn minimise_objective(groups: &[Group], rule: &GaussHermite, start: [f64; 3], model: &'static str, call: &str) -> Result<GlmmOptimum> {
    // Each evaluation starts the conditional modes from the last ones: a few Newton steps instead of many.
    let last_modes = std::cell::RefCell::new(vec![0.0; groups.len()]);
    let modes_at = |p: &GlmmParams<f64>| {
        let modes = conditional_modes(groups, p, Some(&last_modes.borrow()));
        last_modes.borrow_mut().clone_from(&modes);
        modes
    };
    let value = |x: &DVector<f64>| {
        let p = GlmmParams::from_vector(x);
        if p.theta.is_nan() {
            return f64::INFINITY;
        }
        objective(groups, &p, &modes_at(&p), rule)
    };
    let derivs = |x: &DVector<f64>| {
        let p = GlmmParams::from_vector(x);
        let d = objective_derivatives(groups, x, &modes_at(&p), rule);
        d.0.is_finite().then_some(d)
    };
    let inside = |x: &DVector<f64>| x[2].abs() <= MAX_THETA;
    let minimum = match newton_minimize_within(value, derivs, DVector::from_vec(start.to_vec()), inside) {
        Ok(Search::Minimum(m)) => m,
        Ok(Search::Left { .. }) => return Err(beyond_reach(call, false, MAX_THETA)),
        Err(reason) => return Err(Error::NoConvergence { model, reason }),
    };
    let mut params = GlmmParams::from_vector(&minimum.x);
    // The objective is even in θ (u ↦ −u); report θ ≥ 0 as lme4 does.
    let modes_signed = conditional_modes(groups, &params, None);
    let modes = if params.theta < 0.0 {
        params.theta = -params.theta;
        modes_signed.iter().map(|u| -u).collect()
    } else {
        modes_signed
    };
    Ok(GlmmOptimum { params, modes, deviance: minimum.value, minimum })
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::logistic::kernel::{penalised_deviance, test_groups as groups};
    use crate::models::quadrature::gauss_hermite;

    #[test]
    fn dual_derivatives_match_central_differences_of_the_objective() {
        let gs = groups();
        for k in [1usize, 7] {
            let rule = gauss_hermite(k);
            let x = DVector::from_vec(vec![0.3, 0.8, 0.9]);
            let f = |x: &DVector<f64>| {
                let p = GlmmParams::from_vector(x);
                objective(&gs, &p, &conditional_modes(&gs, &p, None), &rule)
            };
            let (v, g, h) = objective_derivatives(&gs, &x, &conditional_modes(&gs, &GlmmParams::from_vector(&x), None), &rule);
            assert!((v - f(&x)).abs() < 1e-12);
            let eps = 1e-5;
            for i in 0..3 {
                let mut xp = x.clone();
                xp[i] += eps;
                let mut xm = x.clone();
                xm[i] -= eps;
                let fd = (f(&xp) - f(&xm)) / (2.0 * eps);
                assert!((fd - g[i]).abs() < 1e-6, "k={k} grad {i}: {fd} vs {}", g[i]);
                let fd2 = (f(&xp) - 2.0 * f(&x) + f(&xm)) / (eps * eps);
                assert!((fd2 - h[(i, i)]).abs() < 1e-3 * h[(i, i)].abs().max(1.0), "k={k} hess {i}: {fd2} vs {}", h[(i, i)]);
            }
        }
    }

    #[test]
    fn agq_converges_to_the_exact_integral_as_nodes_grow() {
        let gs = groups();
        let p = GlmmParams { alpha: 0.2, beta: 1.1, theta: 1.3 };
        let modes = conditional_modes(&gs, &p, None);
        let d50: f64 = objective(&gs, &p, &modes, &gauss_hermite(50));
        let d100: f64 = objective(&gs, &p, &modes, &gauss_hermite(100));
        let d1: f64 = objective(&gs, &p, &modes, &gauss_hermite(1));
        assert!((d50 - d100).abs() < 1e-10);
        assert!((d1 - d100).abs() > 1e-4, "Laplace differs from the exact integral");
        // Brute-force check: −2 log ∫ Π p(y|α+βx+b) N(b; 0, θ²) db by the trapezoid rule on a fine grid.
        let mut exact = 0.0;
        for g in &gs {
            let h = 1e-3;
            let mut s = 0.0;
            for k in -12000..=12000 {
                let u = k as f64 * h;
                s += (-0.5 * penalised_deviance(g, &p, u)).exp() * h / (2.0 * std::f64::consts::PI).sqrt();
            }
            exact += -2.0 * s.ln();
        }
        assert!((exact - d100).abs() < 1e-8, "{exact} vs {d100}");
    }
}
