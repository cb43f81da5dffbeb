//! The joint log-density of two groups' random effects at fixed (α, β, σ) — the answer's
//! figures 3 and 4.
//!
//! ℓ(z_a, z_b) = Σ_{g∈{a,b}} [ Σ_{i∈g} log p(y_i | α + βx_i + z_g) + log N(z_g; 0, σ²) ],
//! with log p(y | η) = yη − log(1 + e^η) and log N(z; 0, σ²) = −½log(2π) − log σ − z²/(2σ²).
//! The other groups only add a constant and are left out. Because ℓ is a sum of one term per group,
//! ℓ(z_a, z_b) = f_a(z_a) + f_b(z_b): an m × m grid costs m·(n_a + n_b) evaluations, and the maximum
//! is found exactly by one 1-D Newton iteration per group (each f_g is strictly concave,
//! f_g″ = −Σ p_i(1 − p_i) − 1/σ² < 0).

use serde::{Deserialize, Serialize};

use super::chebyshev::{Chebyshev, NODES};
use super::isolines::{border_max, isolines, nice_levels, GridSpec, Isoline};
use super::newton::{maximise, Derivs};
use crate::data::Dataset;
use crate::error::Result;
use crate::models::family::{bernoulli_loglik, log1pexp, logistic, Log1pSum};

/// log N(z; 0, σ²) = −½ log(2π) − log σ − z² / (2σ²).
pub fn log_normal_density(z: f64, sigma: f64) -> f64 {
    -0.5 * (2.0 * std::f64::consts::PI).ln() - sigma.ln() - z * z / (2.0 * sigma * sigma)
}

/// One group's term f_g(z) = Σ_{i∈g} log p(y_i | α + βx_i + z) + log N(z; 0, σ²).
#[derive(Debug, Clone)]
pub(crate) struct GroupTerm {
    /// α + βx_i of the group's observations.
    offset: Vec<f64>,
    /// e^{offset_i}: at each grid point e^{offset_i + z} is then a product, not an exponential.
    exp_offset: Vec<f64>,
    y: Vec<f64>,
    /// Σ y_i·offset_i and Σ y_i: the linear part of the log-likelihood.
    sum_y_offset: f64,
    sum_y: f64,
    sigma: f64,
}

impl GroupTerm {
    pub(crate) fn new(data: &Dataset, members: &[usize], alpha: f64, beta: f64, sigma: f64) -> Self {
        let offset: Vec<f64> = members.iter().map(|&i| alpha + beta * data.x[i]).collect();
        let y: Vec<f64> = members.iter().map(|&i| data.y_bin[i]).collect();
        GroupTerm {
            exp_offset: offset.iter().map(|o| o.exp()).collect(),
            sum_y_offset: offset.iter().zip(&y).map(|(o, y)| o * y).sum(),
            sum_y: y.iter().sum(),
            offset,
            y,
            sigma,
        }
    }

    /// Σ_i log p(y_i | offset_i + z) = Σ y_i(offset_i + z) − Σ log(1 + e^{offset_i + z}) (the Bernoulli part alone).
    pub(crate) fn bernoulli(&self, z: f64) -> f64 {
        let ez = z.exp();
        let mut log1pexp_sum = Log1pSum::default();
        for (&e, &o) in self.exp_offset.iter().zip(&self.offset) {
            let t = e * ez;
            if t.is_finite() {
                log1pexp_sum.add_factor(1.0 + t);
            } else {
                log1pexp_sum.add_log(log1pexp(o + z));
            }
        }
        self.sum_y_offset + z * self.sum_y - log1pexp_sum.value()
    }

    /// f_g(z).
    pub(crate) fn value(&self, z: f64) -> f64 {
        self.bernoulli(z) + log_normal_density(z, self.sigma)
    }

    /// f_g on every point of `grid` (ascending). Exact when the grid is not longer than the
    /// interpolation would cost (or the group is tiny); otherwise the Bernoulli part is interpolated
    /// from [`NODES`] exact values (checked against three exact values between nodes, falling back to
    /// exact evaluation on any disagreement beyond 1e-9, far below what a contour can show) and the
    /// normal part added exactly. Each exact value costs n_g logarithms, an interpolated one 41 divisions.
    pub(crate) fn values_on(&self, grid: &[f64]) -> Vec<f64> {
        let exact = || grid.iter().map(|&z| self.value(z)).collect();
        let (Some(&a), Some(&b)) = (grid.first(), grid.last()) else { return Vec::new() };
        if grid.len() <= NODES + 3 || self.y.len() < 8 || b.is_nan() || b <= a {
            return exact();
        }
        let cheb = Chebyshev::new(a, b, NODES, |z| self.bernoulli(z));
        for t in [0.173, 0.5123, 0.871] {
            let z = a + t * (b - a);
            let e = self.bernoulli(z);
            if (cheb.eval(z) - e).abs() > 1e-9 * (1.0 + e.abs()) {
                return exact();
            }
        }
        grid.iter().map(|&z| cheb.eval(z) + log_normal_density(z, self.sigma)).collect()
    }

    /// (Σ log p, Σ (y − p), −Σ p(1 − p)) of the Bernoulli part.
    pub(crate) fn bernoulli_derivs(&self, z: f64) -> Derivs {
        let (mut v, mut g, mut h) = (0.0, 0.0, 0.0);
        for (&o, &y) in self.offset.iter().zip(&self.y) {
            let eta = o + z;
            let p = logistic(eta);
            v += bernoulli_loglik(y, eta);
            g += y - p;
            h -= p * (1.0 - p);
        }
        (v, g, h)
    }

    /// f_g, f_g′ = Σ(y − p) − z/σ², f_g″ = −Σ p(1 − p) − 1/σ².
    pub(crate) fn derivs(&self, z: f64) -> Derivs {
        let (v, g, h) = self.bernoulli_derivs(z);
        let s2 = self.sigma * self.sigma;
        (v + log_normal_density(z, self.sigma), g - z / s2, h - 1.0 / s2)
    }

    /// The mode ẑ, f_g(ẑ) and the curvature standard deviation 1/√(−f_g″(ẑ)).
    pub(crate) fn mode(&self, start: f64) -> Option<(f64, f64, f64)> {
        let start = if start.is_finite() { start } else { 0.0 };
        let (z, v) = maximise(|z| self.derivs(z), start, (-1e3, 1e3))?;
        let (_, _, h) = self.derivs(z);
        Some((z, v, 1.0 / (-h).sqrt()))
    }

    /// The interval around the mode `z0` (value `f0`, curvature sd `sd`) where f_g ≥ f0 − `drop`.
    /// f_g is concave, so monotone on either side of its mode: each end is found by Newton's method
    /// on f_g(z) − (f0 − drop) from the Gaussian guess z0 ± sd·√(2·drop) (monotone convergence once
    /// beyond the end), with bracketing and bisection as the fallback. Skewed terms (e.g. a group
    /// with mostly 1s) get a longer tail side.
    pub(crate) fn interval(&self, z0: f64, f0: f64, sd: f64, drop: f64) -> (f64, f64) {
        let target = f0 - drop;
        let newton = |dir: f64| -> Option<f64> {
            let mut t = (sd * (2.0 * drop).sqrt()).max(1e-12);
            for _ in 0..50 {
                let (v, g, _) = self.derivs(z0 + dir * t);
                let slope = dir * g;
                if !v.is_finite() || slope.is_nan() || slope >= 0.0 {
                    return None;
                }
                let mut next = t - (v - target) / slope;
                if next <= 0.0 {
                    next = 0.5 * t;
                }
                if (next - t).abs() <= 1e-10 * (sd + t) {
                    return Some(z0 + dir * next);
                }
                t = next;
            }
            None
        };
        let end = |dir: f64| {
            if let Some(z) = newton(dir) {
                return z;
            }
            let mut step = (sd * (2.0 * drop).sqrt()).max(1e-12);
            let mut inner = 0.0;
            let mut k = 0;
            while self.value(z0 + dir * step) > target && k < 60 {
                inner = step;
                step *= 2.0;
                k += 1;
            }
            let (mut lo, mut hi) = (inner, step);
            for _ in 0..50 {
                let mid = 0.5 * (lo + hi);
                if self.value(z0 + dir * mid) > target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            z0 + dir * hi
        };
        (end(-1.0), end(1.0))
    }
}

/// The two groups' terms at one (α, β, σ), with their modes.
#[derive(Debug, Clone)]
pub(crate) struct PairTerms {
    pub alpha: f64,
    pub a: GroupTerm,
    pub b: GroupTerm,
    /// Exact maximiser (ẑ_a, ẑ_b) and the maximum ℓ_max.
    pub max: [f64; 2],
    pub loglik_max: f64,
    /// f_a(ẑ_a), f_b(ẑ_b).
    pub fmax: [f64; 2],
    /// 1/√(−f_g″) at the modes.
    pub sd: [f64; 2],
}

impl PairTerms {
    /// Both groups' terms; `start` is where Newton starts (the reported modes).
    pub(crate) fn new(
        data: &Dataset,
        members: (&[usize], &[usize]),
        (alpha, beta, sigma): (f64, f64, f64),
        start: [f64; 2],
    ) -> Option<PairTerms> {
        let a = GroupTerm::new(data, members.0, alpha, beta, sigma);
        let b = GroupTerm::new(data, members.1, alpha, beta, sigma);
        let (za, fa, sa) = a.mode(start[0])?;
        let (zb, fb, sb) = b.mode(start[1])?;
        Some(PairTerms { alpha, a, b, max: [za, zb], loglik_max: fa + fb, fmax: [fa, fb], sd: [sa, sb] })
    }

    /// The maximum of ℓ on the line z_a = −z_b: t ↦ f_a(−t) + f_b(t), returned as the point (−t, t)
    /// and its ℓ.
    pub(crate) fn line_max(&self) -> Option<([f64; 2], f64)> {
        let start = 0.5 * (self.max[1] - self.max[0]);
        let (t, v) = maximise(
            |t| {
                let (va, ga, ha) = self.a.derivs(-t);
                let (vb, gb, hb) = self.b.derivs(t);
                (va + vb, gb - ga, ha + hb)
            },
            start,
            (-1e3, 1e3),
        )?;
        Some(([-t, t], v))
    }
}

/// The window (same for figures 3 and 4, so they compare directly).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Window {
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl Window {
    /// The smallest window containing both.
    pub(crate) fn union(&self, other: &Window) -> Window {
        Window {
            x: (self.x.0.min(other.x.0), self.x.1.max(other.x.1)),
            y: (self.y.0.min(other.y.0), self.y.1.max(other.y.1)),
        }
    }

    /// Per axis, the union over `surfaces` of the intervals where that group's term is within
    /// span_sd²/2 of its maximum — ±span_sd sd for a Gaussian term, longer on a skewed term's tail
    /// side — so that the levels down to −span_sd²/2 close inside the window.
    pub(crate) fn around(surfaces: &[&PairTerms], span_sd: f64) -> Window {
        let drop = 0.5 * span_sd * span_sd;
        let axis = |k: usize| {
            let mut lo = f64::INFINITY;
            let mut hi = f64::NEG_INFINITY;
            for s in surfaces {
                let term = if k == 0 { &s.a } else { &s.b };
                let (l, h) = term.interval(s.max[k], s.fmax[k], s.sd[k], drop);
                lo = lo.min(l);
                hi = hi.max(h);
            }
            if !lo.is_finite() || !hi.is_finite() || hi <= lo {
                let c = surfaces.first().map(|s| s.max[k]).unwrap_or(0.0);
                (c - 1.0, c + 1.0)
            } else {
                (lo, hi)
            }
        };
        Window { x: axis(0), y: axis(1) }
    }
}

impl Window {
    /// A square window (same data scale on both axes, so the 45° line and distances to it read
    /// true) around `points`: centred on their bounding box, half-width 0.85 × its larger side, at
    /// least `min_half`.
    pub(crate) fn closeup(points: &[[f64; 2]], min_half: f64) -> Window {
        let fold = |k: usize, f: fn(f64, f64) -> f64, init: f64| points.iter().map(|p| p[k]).fold(init, f);
        let (x0, x1) = (fold(0, f64::min, f64::INFINITY), fold(0, f64::max, f64::NEG_INFINITY));
        let (y0, y1) = (fold(1, f64::min, f64::INFINITY), fold(1, f64::max, f64::NEG_INFINITY));
        let (cx, cy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1));
        let half = (0.85 * (x1 - x0).max(y1 - y0)).max(min_half);
        Window { x: (cx - half, cx + half), y: (cy - half, cy + half) }
    }
}

/// One likelihood surface over (z_a, z_b) with its maximum, isolines and filled regions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JointSurface {
    /// The two groups (0-based) on the x and y axes.
    pub groups: (usize, usize),
    pub labels: (String, String),
    /// The fixed parameters the surface is drawn at.
    pub alpha: f64,
    pub beta: f64,
    pub sigma: f64,
    /// Grid along z_a (x axis) and along z_b (y axis).
    pub za: Vec<f64>,
    pub zb: Vec<f64>,
    /// ℓ(z_a, z_b) − ℓ_max, row-major with z_a fastest: entry j·len(za) + i is at (za[i], zb[j]).
    pub rel_loglik: Vec<f64>,
    /// ℓ_max, the exact maximum (including the −log(σ√(2π)) constants of both groups).
    pub loglik_max: f64,
    /// Exact maximiser (ẑ_a, ẑ_b).
    pub max: [f64; 2],
    /// Curvature standard deviations 1/√(−f_g″(ẑ_g)).
    pub posterior_sd: [f64; 2],
    /// Maximiser of ℓ on the line z_a = −z_b (random effects summing to zero), and its ℓ − ℓ_max.
    pub line_max: Option<[f64; 2]>,
    pub line_rel_loglik: Option<f64>,
    /// The GLMM's posterior means E[z_g | y] of the pair (drawn on the surface at the fitted α only).
    pub posterior_means: Option<[f64; 2]>,
    /// Contour levels of ℓ − ℓ_max, ascending.
    pub levels: Vec<f64>,
    /// Isolines at `levels`.
    pub isolines: Vec<Isoline>,
    /// Outer rings of {ℓ − ℓ_max ≥ level} for each level (paint in ascending order).
    pub regions: Vec<Isoline>,
    /// The same surface on a small square window around the maximum, the best point with zero sum
    /// and the posterior means (the answer's close-up), with its own finer levels.
    pub closeup: Option<Box<JointSurface>>,
}

impl JointSurface {
    /// Evaluate `terms` on an m × m grid over `window`, with contour `levels` (by default
    /// [`nice_levels`] of the highest value on the grid's border).
    pub(crate) fn evaluate(
        terms: &PairTerms,
        window: Window,
        m: usize,
        groups: (usize, usize),
        labels: (String, String),
        (beta, sigma): (f64, f64),
        levels: Option<Vec<f64>>,
    ) -> Result<JointSurface> {
        let m = m.max(3);
        let axis =
            |(lo, hi): (f64, f64)| -> Vec<f64> { (0..m).map(|k| lo + (hi - lo) * k as f64 / (m - 1) as f64).collect() };
        let za = axis(window.x);
        let zb = axis(window.y);
        let fa = terms.a.values_on(&za);
        let fb = terms.b.values_on(&zb);
        let mut rel = Vec::with_capacity(m * m);
        for &vb in &fb {
            for &va in &fa {
                // Never above 0: the grid cannot beat the exact maximum (rounding aside).
                rel.push((va + vb - terms.loglik_max).min(0.0));
            }
        }
        let grid = GridSpec { x0: za[0], dx: za[1] - za[0], nx: m, y0: zb[0], dy: zb[1] - zb[0], ny: m };
        let levels = levels.unwrap_or_else(|| nice_levels(border_max(&rel, m, m)));
        let iso = isolines(&rel, &grid, &levels)?;
        // ℓ = f_a + f_b with both terms strictly concave, so every superlevel set is convex: one ring
        // without holes, the isoline itself. One marching-squares pass then gives both.
        let regions = iso
            .iter()
            .map(|l| Isoline { level: l.level, lines: l.lines.iter().filter(|r| r.len() >= 3).cloned().collect() })
            .collect();
        let line = terms.line_max();
        Ok(JointSurface {
            groups,
            labels,
            alpha: terms.alpha,
            beta,
            sigma,
            za,
            zb,
            rel_loglik: rel,
            loglik_max: terms.loglik_max,
            max: terms.max,
            posterior_sd: terms.sd,
            line_max: line.map(|(p, _)| p),
            line_rel_loglik: line.map(|(_, v)| (v - terms.loglik_max).min(0.0)),
            posterior_means: None,
            levels,
            isolines: iso,
            regions,
            closeup: None,
        })
    }

    /// Sum of the two coordinates of the maximum (what `ranef()` sums to for two groups).
    pub fn max_sum(&self) -> f64 {
        self.max[0] + self.max[1]
    }
}
