//! The answer's last two figures: the joint log-density along u with v fixed.
//!
//! With the GLMM's modes z_1..z_G and their mean z̄, move all random effects together:
//! z_g(u) = z_g − z̄ + u/G, so that Σ_g z_g(u) = u and the differences between groups (v) stay
//! as fitted. For G = 2 this is the answer's parametrisation. Then
//!
//! * random-effects part R(u) = Σ_g log N(z_g(u); 0, σ²), a parabola with maximum at u = 0
//!   (R′(u) = −u/(Gσ²)),
//! * Bernoulli part B(u; α) = Σ_i log p(y_i | α + βx_i + z_{g(i)}(u)),
//!   B′(u) = Σ_i (y_i − p_i)/G, B″(u) = −Σ_i p_i(1 − p_i)/G²,
//!
//! for the fitted α ("highest total integral") and for α + z̄ ("highest peak"). Since
//! B(u; α + z̄) = B(u + Σz; α), one function of u serves both. B is evaluated exactly at 41
//! Chebyshev nodes and interpolated (barycentric formula) on the plotting grid — B is analytic with
//! its nearest complex singularity G·π away, so the interpolation is exact to rounding — and every
//! maximum is found by Newton's method on the exact function (the interpolant is checked against
//! exact values and replaced by them on any disagreement).
//!
//! Figure 6 shows the whole integrand T(u; α) = R(u) + B(u; α) on a log scale, Δℓ = T − the higher of
//! the two peaks, over the peaks ± 4 curvature standard deviations of T, and the fitted-α curve mirrored
//! about its peak: R is a parabola, so any difference between a curve and its mirror image is the
//! Bernoulli part's skew.

use serde::{Deserialize, Serialize};

use super::chebyshev::Chebyshev;
use super::joint_surface::log_normal_density;
use super::newton::{maximise, Derivs};
use crate::data::Dataset;
use crate::models::family::{bernoulli_loglik, logistic};

/// Points on the u grid.
pub const U_POINTS: usize = 201;
use super::chebyshev::NODES as CHEB_NODES;

/// One intercept's curves along u.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AlphaCurve {
    pub alpha: f64,
    /// B(u; α) on the u grid.
    pub log_bernoulli: Vec<f64>,
    /// exp(B − max B) with the max taken over both intercepts' curves.
    pub rel_bernoulli: Vec<f64>,
    /// R(u) + B(u; α).
    pub log_total: Vec<f64>,
    /// exp(R + B − max), the max taken over both intercepts' curves.
    pub rel_total: Vec<f64>,
    /// argmax_u B(u; α) (None when B has no interior maximum, e.g. under complete separation).
    pub argmax_bernoulli: Option<f64>,
    /// argmax_u R(u) + B(u; α) and the maximum value.
    pub argmax_total: Option<f64>,
    pub max_total: Option<f64>,
    /// T(u; α) − the higher of both intercepts' peaks (figure 6's log scale).
    #[serde(default)]
    pub delta_total: Vec<f64>,
}

/// Figure 6's inset: both curves (Δℓ, the same reference) on a fine grid spanning both peaks, where the
/// "highest peak" curve can be seen to be higher.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PeakCloseup {
    pub u: Vec<f64>,
    pub optimal: Vec<f64>,
    pub adjusted: Vec<f64>,
    /// Δℓ range of the inset: from 8 times the lower peak's depth below the top to just above 0.
    pub y_range: [f64; 2],
}

/// Points on the inset's u grid.
pub const CLOSEUP_POINTS: usize = 121;

/// The (u, v) decomposition of figures 5 and 6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Decomposition {
    pub groups: usize,
    pub beta: f64,
    pub sigma: f64,
    /// The GLMM's conditional modes z_g, their mean z̄ and sum Σz.
    pub modes: Vec<f64>,
    pub mode_mean: f64,
    pub mode_sum: f64,
    /// The u grid: from the lower to the higher peak of T, ± 4 sd (and always 0 and Σz), sd the curvature
    /// sd 1/√(−T″) of T at the fitted α's peak u = Σz, rounded outward to two significant digits.
    pub u: Vec<f64>,
    /// The curvature sd of T at the fitted α's peak.
    #[serde(default)]
    pub curvature_sd: f64,
    /// The fitted-α curve mirrored about its peak p: T(2p − u; α) − the higher peak.
    #[serde(default)]
    pub mirror_optimal: Vec<f64>,
    /// h = 3 curvature sd and T(p + h; α) − T(p − h; α) at the fitted α: positive when the curve falls
    /// off more slowly to the right.
    #[serde(default)]
    pub skew_h: f64,
    #[serde(default)]
    pub skew_difference: Option<f64>,
    /// Figure 6's close-up of the two peaks (None when they coincide or one is missing).
    #[serde(default)]
    pub peak_closeup: Option<PeakCloseup>,
    /// R(u) and exp(R − max R).
    pub log_random_effects: Vec<f64>,
    pub rel_random_effects: Vec<f64>,
    /// Fitted α: "highest total integral".
    pub optimal: AlphaCurve,
    /// α + z̄: "highest peak".
    pub adjusted: AlphaCurve,
}

/// A data part D(u) along u with its first two derivatives: Σ_i log p(y_i | o_i + u/G) for offsets o_i
/// that already hold every fixed part and the centred modes. The lesson's logistic Bernoulli part and your
/// data's family part ([`super::own_decomposition`]) both implement it, and [`decompose_along`] does the rest.
pub trait DataPart {
    /// D(u).
    fn value(&self, u: f64) -> f64;
    /// (D, D′, D″) at u.
    fn derivs(&self, u: f64) -> Derivs;
}

/// B(u; α) with its derivatives, for the observations' offsets α + βx_i + z_g − z̄.
struct Bernoulli<'a> {
    offset: Vec<f64>,
    y: &'a [f64],
    inv_g: f64,
}

impl DataPart for Bernoulli<'_> {
    fn value(&self, u: f64) -> f64 {
        let s = u * self.inv_g;
        self.offset.iter().zip(self.y).map(|(&o, &y)| bernoulli_loglik(y, o + s)).sum()
    }

    fn derivs(&self, u: f64) -> Derivs {
        let s = u * self.inv_g;
        let (mut v, mut g, mut h) = (0.0, 0.0, 0.0);
        for (&o, &y) in self.offset.iter().zip(self.y) {
            let eta = o + s;
            let p = logistic(eta);
            v += bernoulli_loglik(y, eta);
            g += y - p;
            h -= p * (1.0 - p);
        }
        (v, g * self.inv_g, h * self.inv_g * self.inv_g)
    }
}

/// Chebyshev points per interpolant of B on the inset's short window.
const CLOSEUP_NODES: usize = 17;

/// B(u; α) on [lo, hi] from [`CLOSEUP_NODES`] exact sums instead of one per inset point (each is a pass
/// over every observation), or exactly when the interpolant misses B by more than `tol` (plus rounding) at a
/// test point.
fn near_bernoulli<'b, P: DataPart>(bern: &'b P, lo: f64, hi: f64, tol: f64) -> impl Fn(f64) -> f64 + 'b {
    let cheb = Chebyshev::new(lo, hi, CLOSEUP_NODES, |t| bern.value(t));
    let good = tol > 0.0
        && [0.137, 0.5117, 0.893].iter().all(|f| {
            let t = lo + f * (hi - lo);
            let exact = bern.value(t);
            // Beyond `tol`, the exact sum's own rounding (a few ulps of B per observation added).
            (cheb.eval(t) - exact).abs() <= tol + 64.0 * f64::EPSILON * exact.abs()
        });
    move |t| if good { cheb.eval(t) } else { bern.value(t) }
}

/// R(u) with derivatives: centred modes c_g = z_g − z̄.
fn random_effects(c: &[f64], sigma: f64, u: f64) -> Derivs {
    let g = c.len() as f64;
    let v = c.iter().map(|&cg| log_normal_density(cg + u / g, sigma)).sum();
    (v, -u / (g * sigma * sigma), -1.0 / (g * sigma * sigma))
}

fn relative(curves: &[&[f64]]) -> (f64, Vec<Vec<f64>>) {
    let max = curves.iter().flat_map(|c| c.iter().copied()).filter(|v| v.is_finite()).fold(f64::NEG_INFINITY, f64::max);
    let rel = curves.iter().map(|c| c.iter().map(|&v| (v - max).exp()).collect()).collect();
    (max, rel)
}

/// Compute the decomposition from the GLMM's (α, β, σ) and modes; `None` when σ ≤ 0 or the modes
/// do not match the groups.
pub fn decompose(data: &Dataset, alpha: f64, beta: f64, sigma: f64, modes: &[f64]) -> Option<Decomposition> {
    let g = data.n_groups();
    if g == 0 || modes.len() != g || !sigma.is_finite() || sigma <= 0.0 || !alpha.is_finite() || !beta.is_finite() {
        return None;
    }
    if modes.iter().any(|z| !z.is_finite()) || data.group.iter().any(|&gi| gi >= g) {
        return None;
    }
    let gf = g as f64;
    let mean = modes.iter().sum::<f64>() / gf;
    let centred: Vec<f64> = modes.iter().map(|z| z - mean).collect();
    let bern = Bernoulli {
        offset: data.x.iter().zip(&data.group).map(|(&x, &gi)| alpha + beta * x + centred[gi]).collect(),
        y: &data.y_bin,
        inv_g: 1.0 / gf,
    };
    decompose_along(&bern, modes, sigma, (alpha, beta))
}

/// The decomposition along u of any data part `bern` (offsets centred by the mean of `modes`, see
/// [`DataPart`]) with the random-effects part of `modes` and `sigma`; `alpha` labels the fitted curve (the
/// other is `alpha` + z̄) and `beta` is stored as given (NaN when the fixed effects are more than a slope).
/// `None` when σ ≤ 0 or a mode is not finite.
pub fn decompose_along<P: DataPart>(bern: &P, modes: &[f64], sigma: f64, (alpha, beta): (f64, f64)) -> Option<Decomposition> {
    let g = modes.len();
    if g == 0 || !sigma.is_finite() || sigma <= 0.0 || modes.iter().any(|z| !z.is_finite()) {
        return None;
    }
    let gf = g as f64;
    let sum: f64 = modes.iter().sum();
    let mean = sum / gf;
    let centred: Vec<f64> = modes.iter().map(|z| z - mean).collect();
    let total = |u: f64| {
        let (rv, rg, rh) = random_effects(&centred, sigma, u);
        let (bv, bg, bh) = bern.derivs(u);
        (rv + bv, rg + bg, rh + bh)
    };

    let total_adj = |t: f64| {
        let (rv, rg, rh) = random_effects(&centred, sigma, t);
        let (bv, bg, bh) = bern.derivs(t + sum);
        (rv + bv, rg + bg, rh + bh)
    };
    let bounds = (-1e3, 1e3);
    let argmax_b_opt = maximise(|t| bern.derivs(t), sum, bounds).map(|(t, _)| t);
    let max_t_opt = maximise(total, sum, bounds);
    let max_t_adj = maximise(total_adj, 0.0, bounds);

    // Window: both peaks (and u = 0, u = Σz) ± 4 curvature sd of T at the fitted α's peak.
    let p_opt = max_t_opt.map_or(sum, |m| m.0);
    let p_adj = max_t_adj.map_or(0.0, |m| m.0);
    let (_, _, h) = total(p_opt);
    let sd = if h < 0.0 && h.is_finite() { 1.0 / (-h).sqrt() } else { 0.1 };
    let (mut lo, mut hi) = (p_opt.min(p_adj).min(0.0).min(sum), p_opt.max(p_adj).max(0.0).max(sum));
    lo -= 4.0 * sd;
    hi += 4.0 * sd;
    if !(lo.is_finite() && hi.is_finite() && hi - lo > 1e-9) {
        (lo, hi) = (-0.1, 0.1);
    }
    // Round outward to two significant digits of the width, for readable axes.
    let scale = 10f64.powf((hi - lo).log10().floor() - 1.0);
    let (lo, hi) = ((lo / scale).floor() * scale, (hi / scale).ceil() * scale);
    let u: Vec<f64> = (0..U_POINTS).map(|k| lo + (hi - lo) * k as f64 / (U_POINTS - 1) as f64).collect();
    let mirror_u: Vec<f64> = u.iter().map(|&t| 2.0 * p_opt - t).collect();

    // One interpolant of B(·; α) covers both intercepts and the mirror: B(u; α + z̄) = B(u + Σz; α).
    let span_lo = lo.min(lo + sum).min(2.0 * p_opt - hi);
    let span_hi = hi.max(hi + sum).max(2.0 * p_opt - lo);
    let cheb = Chebyshev::new(span_lo, span_hi, CHEB_NODES, |t| bern.value(t));
    let exact = [0.137, 0.5117, 0.893].iter().any(|f| {
        let t = span_lo + f * (span_hi - span_lo);
        let e = bern.value(t);
        (cheb.eval(t) - e).abs() > 1e-9 * (1.0 + e.abs())
    });
    let b_at = |t: f64| if exact { bern.value(t) } else { cheb.eval(t) };
    let b_opt: Vec<f64> = u.iter().map(|&t| b_at(t)).collect();
    let b_adj: Vec<f64> = u.iter().map(|&t| b_at(t + sum)).collect();
    let r: Vec<f64> = u.iter().map(|&t| random_effects(&centred, sigma, t).0).collect();
    let t_opt: Vec<f64> = r.iter().zip(&b_opt).map(|(a, b)| a + b).collect();
    let t_adj: Vec<f64> = r.iter().zip(&b_adj).map(|(a, b)| a + b).collect();
    let t_mirror: Vec<f64> = mirror_u.iter().map(|&t| random_effects(&centred, sigma, t).0 + b_at(t)).collect();

    let (_, rel_r) = relative(&[&r]);
    let (_, rel_b) = relative(&[&b_opt, &b_adj]);
    let (_, rel_t) = relative(&[&t_opt, &t_adj]);
    let top = match (max_t_opt, max_t_adj) {
        (Some(a), Some(b)) => a.1.max(b.1),
        _ => t_opt.iter().chain(&t_adj).copied().filter(|v| v.is_finite()).fold(f64::NEG_INFINITY, f64::max),
    };
    let delta = |v: &[f64]| v.iter().map(|t| t - top).collect::<Vec<f64>>();
    let skew_h = 3.0 * sd;
    let skew_difference = max_t_opt.map(|(p, _)| total(p + skew_h).0 - total(p - skew_h).0);
    let peak_closeup = match (max_t_opt, max_t_adj) {
        (Some((po, _)), Some((pa, _))) if (po - pa).abs() > 1e-9 * (1.0 + sd) => {
            let (a, b) = (po.min(pa), po.max(pa));
            // Wide enough for both caps down to the inset's floor (8 × the lower peak's depth).
            let depth = top - total(po).0.min(total_adj(pa).0);
            let m = (0.35 * (b - a)).max(sd * (12.0 * depth.max(0.0)).sqrt());
            let (c_lo, c_hi) = (a - m, b + m);
            let cu: Vec<f64> = (0..CLOSEUP_POINTS).map(|k| c_lo + (c_hi - c_lo) * k as f64 / (CLOSEUP_POINTS - 1) as f64).collect();
            // The inset shows differences of about `depth`: B is interpolated to a ten-thousandth of it.
            let tol = 1e-4 * depth;
            let near_opt = near_bernoulli(bern, c_lo, c_hi, tol);
            let near_adj = near_bernoulli(bern, c_lo + sum, c_hi + sum, tol);
            let r_at = |t: f64| random_effects(&centred, sigma, t).0;
            let opt: Vec<f64> = cu.iter().map(|&t| r_at(t) + near_opt(t) - top).collect();
            let adj: Vec<f64> = cu.iter().map(|&t| r_at(t) + near_adj(t + sum) - top).collect();
            // Both caps: from 8 times the lower peak's depth below the top to just above it.
            let low = -8.0 * depth;
            let y_range = [low, 0.12 * depth];
            (low < 0.0 && low.is_finite()).then_some(PeakCloseup { u: cu, optimal: opt, adjusted: adj, y_range })
        }
        _ => None,
    };

    let mut rel_b = rel_b.into_iter();
    let mut rel_t = rel_t.into_iter();
    let optimal = AlphaCurve {
        alpha,
        delta_total: delta(&t_opt),
        log_bernoulli: b_opt,
        rel_bernoulli: rel_b.next().unwrap_or_default(),
        log_total: t_opt,
        rel_total: rel_t.next().unwrap_or_default(),
        argmax_bernoulli: argmax_b_opt,
        argmax_total: max_t_opt.map(|m| m.0),
        max_total: max_t_opt.map(|m| m.1),
    };
    let adjusted = AlphaCurve {
        alpha: alpha + mean,
        delta_total: delta(&t_adj),
        log_bernoulli: b_adj,
        rel_bernoulli: rel_b.next().unwrap_or_default(),
        log_total: t_adj,
        rel_total: rel_t.next().unwrap_or_default(),
        argmax_bernoulli: argmax_b_opt.map(|t| t - sum),
        argmax_total: max_t_adj.map(|m| m.0),
        max_total: max_t_adj.map(|m| m.1),
    };
    Some(Decomposition {
        groups: g,
        beta,
        sigma,
        modes: modes.to_vec(),
        mode_mean: mean,
        mode_sum: sum,
        u,
        curvature_sd: sd,
        mirror_optimal: delta(&t_mirror),
        skew_h,
        skew_difference,
        peak_closeup,
        log_random_effects: r,
        rel_random_effects: rel_r.into_iter().next().unwrap_or_default(),
        optimal,
        adjusted,
    })
}
