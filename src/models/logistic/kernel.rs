//! The kernel of the logistic mixed model `y_bin ~ x + (1|group)`: the data split by group, each group's
//! penalised deviance and its conditional mode, on lme4's scale.
//!
//! In lme4's spherical parametrisation b_g = θ·u_g, u_g ~ N(0, 1), each group's penalised deviance is
//!   φ_g(u) = Σ_{i∈g} d(y_i, α + βx_i + θu) + u²      (deviance residuals + penalty ‖u‖²)
//! with conditional mode û_g = argmin φ_g and L_g² = φ_g''(û_g)/2 = 1 + θ² Σ μ_i(1 − μ_i). Every
//! likelihood above this file (lme4's objective in `objective`, the exact integral in `exact`) is an
//! integral of e^{−φ_g/2}. φ_g is written generically over dual numbers, so that the layers above get exact
//! derivatives in (α, β, θ) ([`with_derivatives`]).

use std::cell::{Ref, RefCell};

use nalgebra::{DMatrix, DVector, SVector};
use num_dual::{Dual2SVec64, DualNum};

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::models::design::check_x_varies;
use crate::models::family::{log1pexp, logistic, Log1pSum};
use crate::models::glm::check_outcomes_vary;

/// lme4's `isSingular` tolerance on θ.
pub const SINGULAR_THETA: f64 = 1e-4;
/// Largest random-intercept SD a search may reach: a search that climbs past it ends with a sentence (see
/// [`beyond_reach`]). On the logit scale this is far beyond any probability, yet with the page's
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

/// The data split by group once, with the checks every glmer-type fit shares made once: what every model of
/// one refit (`fit_all`) reads.
#[derive(Debug, Clone)]
pub struct GroupedData<'a> {
    pub data: &'a Dataset,
    /// [`split_by_group`] of `data`.
    pub groups: Vec<Group>,
    /// Whether [`check_estimable`] passes (then no model need ask again).
    estimable: bool,
}

impl<'a> GroupedData<'a> {
    pub fn new(data: &'a Dataset) -> Self {
        GroupedData { data, groups: split_by_group(data), estimable: check_estimable(data, "").is_ok() }
    }

    /// [`check_estimable`] for `model`, its sentence written only when the data fail it.
    pub fn check_estimable(&self, model: &str) -> Result<()> {
        if self.estimable {
            Ok(())
        } else {
            check_estimable(self.data, model)
        }
    }

    /// Whether every glmer-type fit accepts these data ([`check_estimable`]).
    pub fn is_estimable(&self) -> bool {
        self.estimable
    }
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
pub(super) struct TaylorSums {
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
    pub(super) fn lift<D: DualNum<Primitive = f64> + Copy>(&self, a: D, beta: D) -> D {
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
pub(super) fn group_log1pexp_pass(g: &Group, a: f64, beta: f64) -> TaylorSums {
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
pub(super) fn group_log1pexp_sum(g: &Group, a: f64, beta: f64) -> f64 {
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

/// Checks shared by every random-intercept logistic fit (whether σ_b has a finite estimate is decided apart,
/// in `sigma_bound`, because it needs the likelihood).
pub fn check_estimable(data: &Dataset, model: &str) -> Result<()> {
    check_outcomes_vary(data, model)?;
    if data.n_groups() < 2 {
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted with one group: a random intercept needs at least two groups to have a variance."
        )));
    }
    check_x_varies(data, model)
}

/// The sentence for a search that climbed past σ_b = `reach` ([`MAX_THETA`], or less for the exact likelihood
/// when its quadrature would need more nodes than it may use further out); `exact`: the exact likelihood's own.
pub fn beyond_reach(model: &str, exact: bool, reach: f64) -> Error {
    let what = if exact { "the likelihood" } else { "its approximation of the likelihood" };
    let quadrature = if reach < MAX_THETA { ", and further out its quadrature would need more nodes than it may use" } else { "" };
    Error::NotEstimable(format!(
        "{model} finds no maximum below σ_b = {reach:.0}: {what} keeps rising as σ_b grows, where every fitted \
         probability is 0 or 1{quadrature}."
    ))
}

/// Log-likelihood log p(y | b) of one Bernoulli observation in f64 (used by tests and surfaces).
pub fn bernoulli_term(y: f64, eta: f64) -> f64 {
    y * eta - log1pexp(eta)
}


/// Three groups of 25 made-up observations, for the tests of this layer and the ones above.
#[cfg(test)]
pub(crate) fn test_groups() -> Vec<Group> {
    let mk = |k: usize, shift: f64| {
        let x: Vec<f64> = (0..25).map(|i| ((i * 7 + k) % 13) as f64 * 0.3 - 1.8).collect();
        let y: Vec<f64> = x.iter().enumerate().map(|(i, &v)| f64::from(u8::from(v + shift + ((i * 5) % 7) as f64 * 0.4 > 1.0))).collect();
        Group::new(x, y)
    };
    vec![mk(0, 0.5), mk(3, -0.4), mk(5, 1.2)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_mode_solves_the_score_equation() {
        let gs = test_groups();
        let p = GlmmParams { alpha: 0.2, beta: 1.1, theta: 1.3 };
        for g in &gs {
            let u = conditional_mode(g, &p, 0.0);
            let (d1, _) = penalised_deviance_slopes(g, &p, u);
            assert!(d1.abs() < 1e-10, "{d1}");
        }
    }
}
