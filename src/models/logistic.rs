//! The logistic mixed model `glmer(y_bin ~ x + (1|group), binomial, nAGQ = K)` with lme4's exact objective.
//!
//! In lme4's spherical parametrisation b_g = θ·u_g, u_g ~ N(0, 1), each group's penalised deviance is
//!   φ_g(u) = Σ_{i∈g} d(y_i, α + βx_i + θu) + u²      (deviance residuals + penalty ‖u‖²)
//! with conditional mode û_g = argmin φ_g and L_g² = φ_g''(û_g)/2 = 1 + θ² Σ μ_i(1 − μ_i).
//! lme4's objective (−2 log-likelihood) is
//!   Laplace (K = 1): Σ_g [φ_g(û_g) + log L_g²]
//!   AGQ (K > 1):     Σ_g [φ_g(û_g) + log L_g² − 2 log Σ_k w_k exp(−½(φ_g(û_g + z_k/L_g) − φ_g(û_g)) + z_k²/2)]
//! with (z_k, w_k) the Gauss–Hermite rule for the standard normal. The objective is written once,
//! generically over dual numbers, so its gradient and Hessian in (α, β, θ) are exact: the conditional
//! modes enter through two Newton steps taken in dual arithmetic from the converged û_g, which carries the
//! implicit derivatives ∂û/∂(α, β, θ) to second order.

use std::cell::{Ref, RefCell};

use nalgebra::{DMatrix, DVector, SVector};
use num_dual::{Dual2SVec64, DualNum};

use super::family::{log1pexp, logistic, Log1pSum};
use super::glm::check_outcomes_vary;
use super::optimize::{newton_minimize_within, Minimum, Search};
use super::quadrature::GaussHermite;
use crate::data::Dataset;
use crate::error::{Error, Result};

/// lme4's `isSingular` tolerance on θ.
pub const SINGULAR_THETA: f64 = 1e-4;
/// Largest random-intercept SD a search may reach: a search that climbs past it ends with a sentence (see
/// `sigma_bound::beyond_reach`). On the logit scale this is far beyond any probability, yet with the page's
/// largest coefficients finite maxima lie in the hundreds and thousands: σ_b = 297 where x separates the
/// outcomes within every group through narrow gaps (lme4 agreeing with nAGQ = 25 and 100), σ_b = 1591 where
/// the groups are 375 apart in x (`--y-coef 38.0825 --spacing -374.788 --groups 9 --seed 105693`, where
/// lme4 stops at 0.13 with "failed to converge").
pub const MAX_THETA: f64 = 10000.0;

/// One group's observations.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// Σ y_i and Σ x_i·y_i: the linear part of the Bernoulli log-likelihood.
    pub sum_y: f64,
    pub sum_xy: f64,
    /// e^{βx_i} for the last β asked for: every pass at that β (quadrature nodes, Newton steps for the mode)
    /// then gets e^{η_i} = e^{a}·e^{βx_i} by a product instead of an exponential per observation.
    exp_beta_x: RefCell<(f64, Vec<f64>)>,
}

impl Group {
    pub fn new(x: Vec<f64>, y: Vec<f64>) -> Group {
        let sum_y = y.iter().sum();
        let sum_xy = x.iter().zip(&y).map(|(a, b)| a * b).sum();
        Group { x, y, sum_y, sum_xy, exp_beta_x: RefCell::new((f64::NAN, Vec::new())) }
    }

    /// e^{βx_i} for every observation, computed once per β.
    fn exp_beta_x(&self, beta: f64) -> Ref<'_, Vec<f64>> {
        if self.exp_beta_x.borrow().0 != beta {
            let mut cache = self.exp_beta_x.borrow_mut();
            cache.0 = beta;
            cache.1.clear();
            cache.1.extend(self.x.iter().map(|&x| (beta * x).exp()));
        }
        Ref::map(self.exp_beta_x.borrow(), |c| &c.1)
    }

    /// Visit (x_i, 1 + e^η_i or log(1 + e^η_i), μ_i, μ_i(1 − μ_i)) for η_i = a + βx_i: the factor when it is
    /// representable, for [`Log1pSum`] to multiply (one logarithm per group, not per observation).
    #[inline]
    fn for_each_logistic(&self, a: f64, beta: f64, mut f: impl FnMut(f64, Log1pTerm, f64, f64)) {
        let ea = a.exp();
        let e_bx = self.exp_beta_x(beta);
        for (&x, &eb) in self.x.iter().zip(e_bx.iter()) {
            let t = ea * eb;
            if t.is_finite() {
                // t = e^η: 1 + t, t/(1 + t) and t/(1 + t)² are accurate for every finite t ≥ 0.
                let u = 1.0 + t;
                let mu = t / u;
                f(x, Log1pTerm::Factor(u), mu, mu / u);
            } else {
                // e^η overflowed (or ∞·0): the overflow-free forms.
                let eta = a + beta * x;
                let mu = logistic(eta);
                f(x, Log1pTerm::Log(log1pexp(eta)), mu, mu * (1.0 - mu));
            }
        }
    }
}

/// One observation's log(1 + e^η): the factor 1 + e^η, or the logarithm itself where e^η overflows.
#[derive(Debug, Clone, Copy)]
enum Log1pTerm {
    Factor(f64),
    Log(f64),
}

impl Log1pSum {
    #[inline]
    fn add_term(&mut self, t: Log1pTerm) {
        match t {
            Log1pTerm::Factor(u) => self.add_factor(u),
            Log1pTerm::Log(l) => self.add_log(l),
        }
    }
}

/// The data split by group, in group order.
pub fn split_by_group(data: &Dataset) -> Vec<Group> {
    data.group_members()
        .into_iter()
        .map(|idx| Group::new(idx.iter().map(|&i| data.x[i]).collect(), idx.iter().map(|&i| data.y_bin[i]).collect()))
        .collect()
}

/// Parameters of the GLMM on lme4's scale: fixed effects and θ = σ_b.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GlmmParams<D> {
    pub alpha: D,
    pub beta: D,
    pub theta: D,
}

impl GlmmParams<f64> {
    pub fn from_vector(v: &DVector<f64>) -> Self {
        GlmmParams { alpha: v[0], beta: v[1], theta: v[2] }
    }
}

/// Sums over a group's observations of F(η_i), F'(η_i), F'(η_i)·x_i, F''(η_i), F''(η_i)·x_i, F''(η_i)·x_i²
/// for one function F of the linear predictor η_i = a + βx_i.
#[derive(Debug, Clone, Copy, Default)]
struct TaylorSums {
    f: f64,
    d1: f64,
    d1x: f64,
    d2: f64,
    d2x: f64,
    d2xx: f64,
}

impl TaylorSums {
    #[inline]
    fn add(&mut self, x: f64, f: f64, d1: f64, d2: f64) {
        self.f += f;
        self.d1 += d1;
        self.d1x += d1 * x;
        self.d2 += d2;
        self.d2x += d2 * x;
        self.d2xx += d2 * x * x;
    }

    /// Σ_i F(a + βx_i) for dual a and β, from the real sums by Taylor's theorem:
    /// with δa = a − re(a), δβ = β − re(β),
    /// Σ F = ΣF + ΣF'·δa + ΣF'x·δβ + ½(ΣF''·δa² + 2ΣF''x·δa·δβ + ΣF''x²·δβ²),
    /// exact for dual numbers of order ≤ 2 (third powers of the infinitesimal parts vanish).
    #[inline]
    fn lift<D: DualNum<Primitive = f64> + Copy>(&self, a: D, beta: D) -> D {
        let da = a - a.re();
        let db = beta - beta.re();
        D::from(self.f) + da * self.d1 + db * self.d1x + (da * da * self.d2 + da * db * (2.0 * self.d2x) + db * db * self.d2xx) * 0.5
    }
}

/// One pass over a group at real (a, β): Taylor sums of log(1 + e^η), μ = logistic(η) and w = μ(1 − μ).
/// Derivatives: (log1pexp)' = μ, μ' = w, w' = w(1 − 2μ), w'' = w(1 − 6w).
fn group_pass(g: &Group, a: f64, beta: f64) -> [TaylorSums; 3] {
    let mut s = [TaylorSums::default(); 3];
    let mut log1p = Log1pSum::default();
    g.for_each_logistic(a, beta, |x, l, mu, w| {
        let t = w * (1.0 - 2.0 * mu);
        log1p.add_term(l);
        s[0].add(x, 0.0, mu, w);
        s[1].add(x, mu, w, t);
        s[2].add(x, w, t, w * (1.0 - 6.0 * w));
    });
    s[0].f = log1p.value();
    s
}

/// Taylor sums of log(1 + e^η) alone: what φ_g at a quadrature node needs.
fn group_log1pexp_pass(g: &Group, a: f64, beta: f64) -> TaylorSums {
    let mut s = TaylorSums::default();
    let mut log1p = Log1pSum::default();
    g.for_each_logistic(a, beta, |x, l, mu, w| {
        log1p.add_term(l);
        s.add(x, 0.0, mu, w);
    });
    s.f = log1p.value();
    s
}

/// Only log(1 + e^η) summed: what the value of φ_g needs.
fn group_log1pexp_sum(g: &Group, a: f64, beta: f64) -> f64 {
    let mut log1p = Log1pSum::default();
    g.for_each_logistic(a, beta, |_, l, _, _| log1p.add_term(l));
    log1p.value()
}

/// (φ_g(u), φ_g'(u), φ_g''(u)) in one pass, where φ_g(u) = 2 Σ[log(1 + e^η_i) − y_iη_i] + u²,
/// φ_g'(u) = 2θ Σ(μ_i − y_i) + 2u and φ_g''(u) = 2θ² Σ μ_i(1 − μ_i) + 2.
pub fn penalised_deviance_and_slopes<D: DualNum<Primitive = f64> + Copy>(g: &Group, p: &GlmmParams<D>, u: D) -> (D, D, D) {
    debug_assert!(D::NDERIV <= 2, "the Taylor lift is exact to second order only");
    let a = p.alpha + p.theta * u;
    let [l, mu, w] = group_pass(g, a.re(), p.beta.re());
    let phi = (l.lift(a, p.beta) - a * g.sum_y - p.beta * g.sum_xy) * 2.0 + u * u;
    let d1 = p.theta * (mu.lift(a, p.beta) - g.sum_y) * 2.0 + u * 2.0;
    let d2 = p.theta * p.theta * w.lift(a, p.beta) * 2.0 + 2.0;
    (phi, d1, d2)
}

/// φ_g(u) at a real u for dual parameters: one pass of Taylor sums of log(1 + e^η).
pub fn penalised_deviance_dual<D: DualNum<Primitive = f64> + Copy>(g: &Group, p: &GlmmParams<D>, u: f64) -> D {
    let a = p.alpha + p.theta * u;
    let sums = group_log1pexp_pass(g, a.re(), p.beta.re());
    (sums.lift(a, p.beta) - a * g.sum_y - p.beta * g.sum_xy) * 2.0 + u * u
}

/// Penalised deviance φ_g(u) = Σ d(y_i, α + βx_i + θu) + u² (deviance residuals + ‖u‖²), real arguments.
pub fn penalised_deviance(g: &Group, p: &GlmmParams<f64>, u: f64) -> f64 {
    let a = p.alpha + p.theta * u;
    2.0 * (group_log1pexp_sum(g, a, p.beta) - a * g.sum_y - p.beta * g.sum_xy) + u * u
}

/// φ_g'(u) and φ_g''(u) at real arguments (one pass summing μ_i and μ_i(1 − μ_i)).
pub fn penalised_deviance_slopes(g: &Group, p: &GlmmParams<f64>, u: f64) -> (f64, f64) {
    let a = p.alpha + p.theta * u;
    let (mut sum_mu, mut sum_w) = (0.0, 0.0);
    g.for_each_logistic(a, p.beta, |_, _, mu, w| {
        sum_mu += mu;
        sum_w += w;
    });
    (2.0 * p.theta * (sum_mu - g.sum_y) + 2.0 * u, 2.0 * p.theta * p.theta * sum_w + 2.0)
}

/// a ≤ b, false when either is NaN (so a NaN trial point never counts as a decrease).
fn not_above(a: f64, b: f64) -> bool {
    matches!(a.partial_cmp(&b), Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal))
}

/// (φ_g(u), φ_g'(u), φ_g''(u)) at real arguments, in one pass (one logarithm for the whole group).
pub fn penalised_deviance_with_slopes(g: &Group, p: &GlmmParams<f64>, u: f64) -> (f64, f64, f64) {
    let a = p.alpha + p.theta * u;
    let (mut sum_mu, mut sum_w) = (0.0, 0.0);
    let mut log1p = Log1pSum::default();
    g.for_each_logistic(a, p.beta, |_, l, mu, w| {
        log1p.add_term(l);
        sum_mu += mu;
        sum_w += w;
    });
    let phi = 2.0 * (log1p.value() - a * g.sum_y - p.beta * g.sum_xy) + u * u;
    (phi, 2.0 * p.theta * (sum_mu - g.sum_y) + 2.0 * u, 2.0 * p.theta * p.theta * sum_w + 2.0)
}

/// The conditional mode û_g = argmin_u φ_g(u) by Newton's method with step halving (φ_g is strictly convex).
/// Each point costs one pass: its value judges the step that reached it, its slopes give the next step.
pub fn conditional_mode(g: &Group, p: &GlmmParams<f64>, start: f64) -> f64 {
    let mut u = if start.is_finite() { start } else { 0.0 };
    let (mut phi, mut d1, mut d2) = penalised_deviance_with_slopes(g, p, u);
    for _ in 0..100 {
        let mut step = d1 / d2;
        if !step.is_finite() {
            break;
        }
        let scale = u.abs().max(1.0);
        // Close to the mode φ cannot resolve the step (its change is below rounding): take Newton's step whole.
        if step.abs() <= 1e-6 * scale {
            u -= step;
            // Newton converges quadratically: after a step this small the error is at rounding level.
            if step.abs() <= 1e-9 * scale {
                break;
            }
            (phi, d1, d2) = penalised_deviance_with_slopes(g, p, u);
            continue;
        }
        // Far from the mode, halve the step until φ decreases.
        let mut next = u - step;
        let mut at_next = penalised_deviance_with_slopes(g, p, next);
        let mut halvings = 0;
        while !not_above(at_next.0, phi) && halvings < 60 {
            step *= 0.5;
            next = u - step;
            at_next = penalised_deviance_with_slopes(g, p, next);
            halvings += 1;
        }
        if !not_above(at_next.0, phi) {
            break;
        }
        u = next;
        (phi, d1, d2) = at_next;
    }
    u
}

/// The conditional modes of every group at real parameters.
pub fn conditional_modes(groups: &[Group], p: &GlmmParams<f64>, start: Option<&[f64]>) -> Vec<f64> {
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| conditional_mode(g, p, start.and_then(|s| s.get(i).copied()).unwrap_or(0.0)))
        .collect()
}

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

/// Value, exact gradient and exact Hessian of f(α, β, θ), by num-dual's second-order dual numbers.
pub fn with_derivatives(
    x: &DVector<f64>,
    f: impl Fn(&GlmmParams<Dual2SVec64<3>>) -> Dual2SVec64<3>,
) -> (f64, DVector<f64>, DMatrix<f64>) {
    let at = SVector::<f64, 3>::new(x[0], x[1], x[2]);
    let (value, grad, hess) =
        num_dual::hessian(|v: SVector<Dual2SVec64<3>, 3>| f(&GlmmParams { alpha: v[0], beta: v[1], theta: v[2] }), &at);
    (value, DVector::from_column_slice(grad.as_slice()), DMatrix::from_column_slice(3, 3, hess.as_slice()))
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

/// Checks shared by every random-intercept logistic fit (whether σ_b has a finite estimate is decided apart,
/// in `sigma_bound`, because it needs the likelihood).
pub fn check_estimable(data: &Dataset, model: &str) -> Result<()> {
    check_outcomes_vary(data, model)?;
    if data.n_groups() < 2 {
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted with one group: a random intercept needs at least two groups to have a variance."
        )));
    }
    super::design::check_x_varies(data, model)
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
        Ok(Search::Left { .. }) => return Err(super::sigma_bound::beyond_reach(call, false, MAX_THETA)),
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

/// Log-likelihood log p(y | b) of one Bernoulli observation in f64 (used by tests and surfaces).
pub fn bernoulli_term(y: f64, eta: f64) -> f64 {
    y * eta - log1pexp(eta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::quadrature::gauss_hermite;

    fn groups() -> Vec<Group> {
        let mk = |k: usize, shift: f64| {
            let x: Vec<f64> = (0..25).map(|i| ((i * 7 + k) % 13) as f64 * 0.3 - 1.8).collect();
            let y: Vec<f64> = x.iter().enumerate().map(|(i, &v)| f64::from(u8::from(v + shift + ((i * 5) % 7) as f64 * 0.4 > 1.0))).collect();
            Group::new(x, y)
        };
        vec![mk(0, 0.5), mk(3, -0.4), mk(5, 1.2)]
    }

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
    fn conditional_mode_solves_the_score_equation() {
        let gs = groups();
        let p = GlmmParams { alpha: 0.2, beta: 1.1, theta: 1.3 };
        for g in &gs {
            let u = conditional_mode(g, &p, 0.0);
            let (d1, _) = penalised_deviance_slopes(g, &p, u);
            assert!(d1.abs() < 1e-10, "{d1}");
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
