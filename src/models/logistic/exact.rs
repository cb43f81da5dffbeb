//! The answer's opt2 done properly: the maximum of the exact marginal likelihood
//!   L(α, β, σ) = Π_g ∫ Π_{i∈g} p(y_i | α + βx_i + b) N(b; 0, σ²) db = Π_g (2π)^{−½} ∫ e^{−φ_g(u)/2} du,
//! which factorises by group (φ_g is glmer's penalised deviance, b = σu). Each integral is computed by
//! the trapezoid rule on the real line, which converges exponentially fast for analytic integrands
//! that decay like these (Trefethen & Weideman, SIAM Review 2014): nodes u_k = k·h, visited outward from
//! the mode until the integrand falls below e^−50 of its peak. Halving h until the log-likelihood moves
//! by less than 1e-10 gives the reported error estimate. Unlike Gauss–Hermite quadrature centred on the
//! mode, this stays exact when a group's posterior is strongly skewed (a group whose outcomes are all
//! equal). With the nodes fixed, the sum is an explicit function of (α, β, σ), so Newton's method gets
//! its exact gradient and Hessian through dual numbers.
//!
//! This file is the likelihood and its maximum from a given start; which start, and whether σ_b has a finite
//! estimate at all, is decided above it (`marginal_exact`, `sigma_bound`).

use nalgebra::DVector;
use num_dual::DualNum;

use super::kernel::{
    beyond_reach, conditional_modes, penalised_deviance, penalised_deviance_dual, penalised_deviance_slopes, split_by_group,
    with_derivatives, GlmmParams, Group, MAX_THETA, SINGULAR_THETA,
};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::models::optimize::{newton_minimize_within, Search};
use crate::report::MarginalExactFit;

/// The log-likelihood is exact when halving the step moves it by less than this.
pub const QUADRATURE_TOL: f64 = 1e-10;
/// First step, as a fraction of each group's posterior SD 1/L_g at the mode.
const FIRST_STEP: f64 = 0.5;
/// Nodes are added outward until the integrand is below e^−CUTOFF of its value at the mode.
const CUTOFF: f64 = 50.0;
const MAX_HALVINGS: usize = 6;
/// Nodes on each side of the mode, at the first step, before the integral is given up (NaN): a bound on the
/// cost of one evaluation. A step k times finer may use k times as many.
const MAX_NODES_PER_SIDE: i64 = 20_000;

/// The node budget per side for steps that are `fraction` of each group's posterior SD (see [`steps`]).
fn node_budget(fraction: f64) -> i64 {
    (MAX_NODES_PER_SIDE as f64 * FIRST_STEP / fraction).round() as i64
}

/// The trapezoid sums of one group with step h: log ∫ e^{−φ_g(u)/2} du/√(2π), and the posterior mean of u
/// with step h and with step 2h (the even nodes), whose difference estimates its error.
fn group_log_marginal<D: DualNum<Primitive = f64> + Copy>(
    g: &Group,
    p: &GlmmParams<D>,
    u_hat: f64,
    h: f64,
    max_nodes: i64,
) -> (D, [f64; 2]) {
    let p_re = GlmmParams { alpha: p.alpha.re(), beta: p.beta.re(), theta: p.theta.re() };
    let phi_peak = penalised_deviance(g, &p_re, u_hat);
    let centre = (u_hat / h).round() as i64;
    let mut sum = D::from(0.0);
    let (mut mass, mut moment) = ([0.0; 2], [0.0; 2]);
    for (start, dir) in [(centre, 1i64), (centre - 1, -1)] {
        let mut k = start;
        loop {
            let u = k as f64 * h;
            let phi = if D::NDERIV > 0 {
                penalised_deviance_dual(g, p, u)
            } else {
                D::from(penalised_deviance(g, &p_re, u))
            };
            let half_drop = 0.5 * (phi.re() - phi_peak);
            sum += ((phi - phi_peak) * -0.5).exp();
            let w = (-half_drop).exp();
            let even = usize::from(k % 2 == 0);
            for j in 0..=even {
                mass[j] += w;
                moment[j] += w * u;
            }
            // φ is convex and u moves away from its minimum, so every further node is smaller still.
            if half_drop > CUTOFF {
                break;
            }
            if (k - start).abs() > max_nodes {
                // The integrand has not decayed: no finite integral at these parameters.
                return (D::from(f64::NAN), [f64::NAN; 2]);
            }
            k += dir;
        }
    }
    let log_integral = (sum * h).ln() - 0.5 * phi_peak - 0.5 * (2.0 * std::f64::consts::PI).ln();
    (log_integral, [moment[0] / mass[0], moment[1] / mass[1]])
}

/// The step of each group: a fraction of its posterior SD at the mode, and of the half-width π/σ of the
/// strip where the integrand is analytic (log(1 + e^η) has poles at Im η = ±π), which sets the rule's
/// error e^{−2π·(π/σ)/h}: at h ≤ π/(10σ) below e^−60.
fn steps(groups: &[Group], p: &GlmmParams<f64>, modes: &[f64], fraction: f64) -> Vec<f64> {
    let strip = std::f64::consts::PI / p.theta.abs().max(1e-300);
    groups
        .iter()
        .zip(modes)
        .map(|(g, &u)| {
            let (_, d2) = penalised_deviance_slopes(g, p, u);
            fraction * (1.0 / (0.5 * d2).sqrt()).min(0.2 * strip)
        })
        .collect()
}

/// −2 log L with the given steps and node budget per side, generic so that its derivatives are exact.
fn deviance<D: DualNum<Primitive = f64> + Copy>(groups: &[Group], p: &GlmmParams<D>, modes: &[f64], h: &[f64], max_nodes: i64) -> D {
    groups
        .iter()
        .zip(modes)
        .zip(h)
        .map(|((g, &u), &hg)| group_log_marginal(g, p, u, hg, max_nodes).0 * -2.0)
        .fold(D::from(0.0), |a, b| a + b)
}

/// Conditional means E[b_g | y] = σ E[u_g | y], and their change from doubling the step (an error estimate).
pub fn conditional_means_exact(groups: &[Group], p: &GlmmParams<f64>, modes: &[f64]) -> (Vec<f64>, f64) {
    let h = steps(groups, p, modes, 0.5 * FIRST_STEP);
    let mut error = 0.0f64;
    let means = groups
        .iter()
        .zip(modes)
        .zip(&h)
        .map(|((g, &u), &hg)| {
            let [fine, coarse] = group_log_marginal::<f64>(g, p, u, hg, node_budget(0.5 * FIRST_STEP)).1;
            error = error.max(p.theta.abs() * (fine - coarse).abs());
            p.theta * fine
        })
        .collect();
    (means, error)
}

/// Beyond this σ a group's integrand can need more than [`MAX_NODES_PER_SIDE`] nodes (the steps shrink like
/// 1/σ while a group whose outcomes are all equal keeps an integrand of width 1 in u), and its log-likelihood
/// is then NaN; below it a NaN is something else.
const NODES_CAN_RUN_OUT: f64 = 10.0;

/// Minimise the exact −2 log L over (α, β, σ) from `start`, the search confined to |σ| ≤ `sigma_max`, and to
/// half the smallest |σ| where the trapezoid rule ran out of nodes: the search, and the bound it was held to.
///
/// The steps follow the parameters (each evaluation takes them from its own modes and σ), so the rule stays
/// as accurate wherever the search goes; within an evaluation they are constants, so the derivatives are exact.
fn search(groups: &[Group], start: [f64; 3], fraction: f64, sigma_max: f64) -> Result<(Search, f64)> {
    let out_of_nodes = std::cell::Cell::new(f64::INFINITY);
    let note = |theta: f64, d: f64| {
        if d.is_nan() && theta.abs() > NODES_CAN_RUN_OUT {
            out_of_nodes.set(out_of_nodes.get().min(theta.abs()));
        }
    };
    let reach = || sigma_max.min(0.5 * out_of_nodes.get());
    let value = |x: &DVector<f64>| {
        let p = GlmmParams::from_vector(x);
        if p.theta.is_nan() {
            return f64::INFINITY;
        }
        let modes = conditional_modes(groups, &p, None);
        let d = deviance(groups, &p, &modes, &steps(groups, &p, &modes, fraction), node_budget(fraction));
        note(p.theta, d);
        d
    };
    let derivs = |x: &DVector<f64>| {
        let p = GlmmParams::from_vector(x);
        let modes = conditional_modes(groups, &p, None);
        let h = steps(groups, &p, &modes, fraction);
        let d = with_derivatives(x, |pd| deviance(groups, pd, &modes, &h, node_budget(fraction)));
        note(p.theta, d.0);
        d.0.is_finite().then_some(d)
    };
    let search = newton_minimize_within(value, derivs, DVector::from_vec(start.to_vec()), |x| x[2].abs() <= reach())
        .map_err(|reason| Error::NoConvergence { model: "the exact marginal likelihood", reason })?;
    Ok((search, reach()))
}

/// The exact −2 log L minimised from `start` while |σ| ≤ `sigma_max`: the minimum, or where the search left.
pub fn search_below(groups: &[Group], start: [f64; 3], sigma_max: f64) -> Result<Search> {
    search(groups, start, FIRST_STEP, sigma_max).map(|(s, _)| s)
}

/// The exact log-likelihood at `p`, with the first step (accurate far below the quadrature tolerance: the
/// halvings of [`maximise_exact`] confirm it).
pub fn exact_loglik(groups: &[Group], p: &GlmmParams<f64>) -> f64 {
    let modes = conditional_modes(groups, p, None);
    -0.5 * deviance::<f64>(groups, p, &modes, &steps(groups, p, &modes, FIRST_STEP), node_budget(FIRST_STEP))
}

/// Of several starts (α, β, σ), the one where the exact log-likelihood is highest, if it is finite anywhere.
pub fn best_start(data: &Dataset, candidates: &[[f64; 3]]) -> Option<[f64; 3]> {
    best_start_of_groups(&split_by_group(data), candidates)
}

/// [`best_start`] for data already split by group.
pub fn best_start_of_groups(groups: &[Group], candidates: &[[f64; 3]]) -> Option<[f64; 3]> {
    let loglik = |c: &[f64; 3]| exact_loglik(groups, &GlmmParams { alpha: c[0], beta: c[1], theta: c[2] });
    let mut best: Option<(f64, [f64; 3])> = None;
    for c in candidates {
        let l = loglik(c);
        if l.is_finite() && best.is_none_or(|(b, _)| l > b) {
            best = Some((l, *c));
        }
    }
    best.map(|(_, c)| c)
}

/// Minimise the exact −2 log L over (α, β, σ) from `start` while |σ| ≤ [`MAX_THETA`] (and the rule has nodes).
fn minimise(groups: &[Group], start: [f64; 3], fraction: f64) -> Result<(GlmmParams<f64>, Vec<f64>, Vec<f64>)> {
    let min = match search(groups, start, fraction, MAX_THETA)? {
        (Search::Minimum(min), _) => min,
        (Search::Left { .. }, reach) => return Err(beyond_reach("The exact marginal likelihood", true, reach)),
    };
    let mut p = polish(groups, GlmmParams::from_vector(&min.x), fraction);
    p.theta = p.theta.abs();
    let p = centre_alpha(groups, p);
    let modes = conditional_modes(groups, &p, None);
    let h = steps(groups, &p, &modes, fraction);
    Ok((p, modes, h))
}

/// Newton steps with the exact gradient and Hessian of −2 log L (steps as `fraction`) from a converged
/// optimum, while each step lowers the largest gradient component: the search stops on a relative gradient of
/// 1e-10, and Σ_g E[b_g | y] = σ²·∂ log L/∂α magnifies what is left of the α component by σ² (2.7e-6 at
/// σ = 408), so the optimum is taken to rounding level, where the means sum to zero at the table's precision.
fn polish(groups: &[Group], p: GlmmParams<f64>, fraction: f64) -> GlmmParams<f64> {
    let derivs = |p: &GlmmParams<f64>| {
        let modes = conditional_modes(groups, p, None);
        let h = steps(groups, p, &modes, fraction);
        let x = DVector::from_vec(vec![p.alpha, p.beta, p.theta]);
        with_derivatives(&x, |pd| deviance(groups, pd, &modes, &h, node_budget(fraction)))
    };
    // At a singular optimum (σ = 0, where the means are all 0) there is nothing to polish.
    if p.theta.abs() < SINGULAR_THETA {
        return p;
    }
    let size = |g: &DVector<f64>| g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut best = p;
    let (mut f, mut g, mut hess) = derivs(&p);
    for _ in 0..4 {
        let Some(chol) = hess.clone().cholesky() else { break };
        let step = chol.solve(&(-&g));
        let next = GlmmParams { alpha: best.alpha + step[0], beta: best.beta + step[1], theta: best.theta + step[2] };
        let (fn_, gn, hn) = derivs(&next);
        if !(fn_.is_finite() && size(&gn) < size(&g) && fn_ <= f + 1e-9 * f.abs().max(1.0)) {
            break;
        }
        (best, f, g, hess) = (next, fn_, gn, hn);
    }
    best
}

/// The last digits of α at the optimum, from the identity Σ_g E[b_g | y] = σ²·∂ log L/∂α: the score in α
/// through −2 log L is a sum of terms of size n·σ that cancel, so in double precision it is zero only to
/// ~1e-11 (Σ E[b|y] 5e-7 at σ = 253 with 2,430 rows), while the posterior means themselves are accurate to
/// rounding. One secant step in α on Σ_g E[b_g | y] (its slope is Σ_g (Var(b_g | y)/σ² − 1) < 0) puts the
/// optimum where the means sum to zero as precisely as they are computed; it moves α by ~1e-7 of its scale,
/// which changes log L by ~1e-14.
fn centre_alpha(groups: &[Group], p: GlmmParams<f64>) -> GlmmParams<f64> {
    if p.theta.abs() < SINGULAR_THETA {
        return p;
    }
    let sum_at = |alpha: f64| {
        let q = GlmmParams { alpha, ..p };
        conditional_means_exact(groups, &q, &conditional_modes(groups, &q, None)).0.iter().sum::<f64>()
    };
    let s0 = sum_at(p.alpha);
    let delta = 1e-6 * p.alpha.abs().max(1.0);
    let slope = (sum_at(p.alpha + delta) - s0) / delta;
    if !(slope < 0.0 && s0.is_finite()) {
        return p;
    }
    let alpha = p.alpha - s0 / slope;
    let s1 = sum_at(alpha);
    if s1.is_finite() && s1.abs() < s0.abs() && (alpha - p.alpha).abs() <= 1e-6 * p.alpha.abs().max(1.0) {
        GlmmParams { alpha, ..p }
    } else {
        p
    }
}

/// Maximise the exact marginal likelihood from `start` (α, β, σ), halving the step until the log-likelihood
/// moves by less than [`QUADRATURE_TOL`].
pub fn maximise_exact(groups: &[Group], start: [f64; 3]) -> Result<MarginalExactFit> {
    let mut fraction = FIRST_STEP;
    let mut start = start;
    for _ in 0..MAX_HALVINGS {
        let (p, modes, h) = minimise(groups, start, fraction)?;
        let half: Vec<f64> = h.iter().map(|v| 0.5 * v).collect();
        let ll = -0.5 * deviance::<f64>(groups, &p, &modes, &h, node_budget(fraction));
        let ll_fine = -0.5 * deviance::<f64>(groups, &p, &modes, &half, node_budget(0.5 * fraction));
        let quad_error = (ll_fine - ll).abs();
        let nodes_per_sd = 1.0 / (0.5 * fraction);
        if quad_error < QUADRATURE_TOL || fraction < FIRST_STEP / 2f64.powi(MAX_HALVINGS as i32 - 1) {
            let ranef: Vec<f64> = modes.iter().map(|u| p.theta * u).collect();
            let (cond_means, _) = conditional_means_exact(groups, &p, &modes);
            return Ok(MarginalExactFit {
                alpha: p.alpha,
                beta: p.beta,
                sigma: p.theta,
                loglik: ll_fine,
                quad_error,
                nodes: nodes_per_sd.round() as usize,
                ranef_sum: ranef.iter().sum(),
                ranef,
                cond_means_sum: cond_means.iter().sum(),
                cond_means,
                note: None,
            });
        }
        start = [p.alpha, p.beta, p.theta];
        fraction *= 0.5;
    }
    Err(Error::NoConvergence { model: "the exact marginal likelihood", reason: "the quadrature did not settle".into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::logistic::objective::objective;
    use crate::models::quadrature::gauss_hermite;

    fn groups() -> Vec<Group> {
        let x: Vec<f64> = (0..30).map(|i| (i as f64 * 0.7).sin() * 2.0).collect();
        let y1: Vec<f64> = x.iter().enumerate().map(|(i, &v)| f64::from(u8::from(v + (i % 4) as f64 * 0.5 > 0.8))).collect();
        vec![Group::new(x.clone(), y1), Group::new(x, vec![1.0; 30])]
    }

    #[test]
    fn trapezoid_agrees_with_many_node_agq_and_is_exact_where_agq_is_not() {
        let gs = groups();
        let p = GlmmParams { alpha: 0.3, beta: 0.9, theta: 1.4 };
        let modes = conditional_modes(&gs, &p, None);
        let h = steps(&gs, &p, &modes, FIRST_STEP);
        let h4: Vec<f64> = h.iter().map(|v| v / 4.0).collect();
        let trap: f64 = deviance(&gs, &p, &modes, &h, node_budget(FIRST_STEP));
        let trap_fine: f64 = deviance(&gs, &p, &modes, &h4, node_budget(FIRST_STEP / 4.0));
        assert!((trap - trap_fine).abs() < 1e-11, "{trap} vs {trap_fine}");
        // Brute force with a very fine Riemann sum over a wide range.
        let mut brute = 0.0;
        for g in &gs {
            let s: f64 = (-40000..=40000)
                .map(|k| {
                    let u = k as f64 * 5e-4;
                    (-0.5 * penalised_deviance(g, &p, u)).exp() * 5e-4
                })
                .sum();
            brute += -2.0 * (s / (2.0 * std::f64::consts::PI).sqrt()).ln();
        }
        assert!((trap - brute).abs() < 1e-9, "{trap} vs {brute}");
        // The all-ones group is skewed: 100-node AGQ is close, but not exact.
        let agq: f64 = objective(&gs, &p, &modes, &gauss_hermite(100));
        assert!((agq - trap).abs() < 1e-4);
    }

    #[test]
    fn derivatives_are_exact_for_fixed_steps() {
        let gs = groups();
        let x = DVector::from_vec(vec![0.3, 0.9, 1.4]);
        let p = GlmmParams::from_vector(&x);
        let modes = conditional_modes(&gs, &p, None);
        let h = steps(&gs, &p, &modes, FIRST_STEP);
        let f = |x: &DVector<f64>| {
            let p = GlmmParams::from_vector(x);
            deviance::<f64>(&gs, &p, &conditional_modes(&gs, &p, None), &h, node_budget(FIRST_STEP))
        };
        let (_, grad, _) = with_derivatives(&x, |pd| deviance(&gs, pd, &modes, &h, node_budget(FIRST_STEP)));
        for i in 0..3 {
            let mut xp = x.clone();
            xp[i] += 1e-5;
            let mut xm = x.clone();
            xm[i] -= 1e-5;
            let fd = (f(&xp) - f(&xm)) / 2e-5;
            assert!((fd - grad[i]).abs() < 1e-6, "{i}: {fd} vs {}", grad[i]);
        }
    }
}
