//! Figure 8: the α profile. With β and σ_b held at glmer's fit, two functions of the intercept α:
//!   ℓ(α)     = Σ_g log ∫ p(y_g | α + βx + b) N(b; 0, σ_b²) db          (log marginal likelihood, exact:
//!              the trapezoid rule of [`crate::models::logistic::exact`])
//!   log P(α) = max_b log p(y, b | α, β, σ_b) = Σ_g [−φ_g(û_g)/2] − G(log σ_b + ½ log 2π)
//!              (log height of the joint peak, at the conditional modes û_g = b̂_g/σ_b).
//! By the envelope theorem dlog P/dα = Σ_g b̂_g/σ_b² and, integrating by parts, dℓ/dα = Σ_g E[b_g | y]/σ_b²:
//! the peak is highest where the conditional modes sum to zero, ℓ where the conditional means do.
//!
//! Both curves are exact at Chebyshev points of the window and interpolated between them (barycentric,
//! [`super::chebyshev`]); the two maxima are found on the exact functions by Newton's method on the sums
//! (Σ b̂_g(α) has the exact slope −Σ_g σ_b²W_g/(1 + σ_b²W_g), W_g = Σ_{i∈g} μ_i(1 − μ_i) at the mode; Σ E[b_g|y]
//! by the secant method), and the three marked values of α (fitted, argmax ℓ, argmax P) are positions of
//! the handle, exact there.

use serde::{Deserialize, Serialize};

use super::chebyshev::Chebyshev;
use crate::claims::{Claim, Summed};
use crate::data::Dataset;
use crate::models::logistic::kernel::{conditional_modes, penalised_deviance_with_slopes, GlmmParams, Group};
use crate::models::logistic::exact::{conditional_means_exact, exact_loglik};
use crate::report::GlmmFit;

/// Evenly spaced handle positions over the window (the three marked α are added to them).
pub const HANDLE_STEPS: usize = 200;
/// Chebyshev points per curve.
const PROFILE_NODES: usize = 9;
/// Largest data set (observations) whose α profile is computed with every refit: about 35 exact evaluations
/// of ℓ and of the conditional means, each a few hundred passes over the data.
pub const MAX_PROFILE_OBS: usize = 5_000;
/// The sums are zero at a maximum when below this (on the b scale).
pub const SUM_TOL: f64 = 1e-9;

/// The four numbers at one α.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct ProfilePoint {
    pub alpha: f64,
    /// ℓ(α), the log marginal likelihood.
    pub loglik: f64,
    /// log P(α), the log height of the joint peak.
    pub log_peak: f64,
    /// Σ_g b̂_g(α) and Σ_g E[b_g | y](α).
    pub sum_modes: f64,
    pub sum_means: f64,
}

/// The profile of figure 8: handle positions with their four numbers and the three marked positions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AlphaProfile {
    pub beta: f64,
    pub sigma_b: f64,
    pub nagq: usize,
    /// Handle positions in increasing α, each with its numbers.
    pub points: Vec<ProfilePoint>,
    /// Indices into `points`: glmer's α, the maximum of ℓ, the maximum of P.
    pub fitted: usize,
    pub argmax_loglik: usize,
    pub argmax_peak: usize,
    /// The handle's current position (an index into `points`).
    pub handle: usize,
}

impl AlphaProfile {
    pub fn max_loglik(&self) -> f64 {
        self.points[self.argmax_loglik].loglik
    }
    pub fn max_log_peak(&self) -> f64 {
        self.points[self.argmax_peak].log_peak
    }
    /// What figure 8's sentences assert: the two maxima and where the sums vanish.
    pub fn claims(&self) -> Vec<Claim> {
        vec![
            Claim::ProfileMaximum { summed: Summed::Means, alpha: self.points[self.argmax_loglik].alpha },
            Claim::ProfileMaximum { summed: Summed::Modes, alpha: self.points[self.argmax_peak].alpha },
        ]
    }
}

struct Profiler<'a> {
    groups: &'a [Group],
    beta: f64,
    sigma: f64,
}

impl Profiler<'_> {
    fn params(&self, alpha: f64) -> GlmmParams<f64> {
        GlmmParams { alpha, beta: self.beta, theta: self.sigma }
    }

    /// Σ b̂_g at α and its exact slope in α.
    fn modes_and_slope(&self, alpha: f64) -> (Vec<f64>, f64, f64) {
        let p = self.params(alpha);
        let modes = conditional_modes(self.groups, &p, None);
        let (mut sum, mut slope) = (0.0, 0.0);
        for (g, &u) in self.groups.iter().zip(&modes) {
            let (_, _, d2) = penalised_deviance_with_slopes(g, &p, u);
            sum += self.sigma * u;
            // db̂/dα = −σ²W/(1 + σ²W) with 1 + σ²W = φ''/2.
            slope -= (0.5 * d2 - 1.0) / (0.5 * d2);
        }
        (modes, sum, slope)
    }

    fn sum_means(&self, alpha: f64) -> f64 {
        let p = self.params(alpha);
        let modes = conditional_modes(self.groups, &p, None);
        conditional_means_exact(self.groups, &p, &modes).0.iter().sum()
    }

    fn point(&self, alpha: f64) -> ProfilePoint {
        let p = self.params(alpha);
        let modes = conditional_modes(self.groups, &p, None);
        let g = self.groups.len() as f64;
        let log_peak = self
            .groups
            .iter()
            .zip(&modes)
            .map(|(grp, &u)| -0.5 * penalised_deviance_with_slopes(grp, &p, u).0)
            .sum::<f64>()
            - g * (self.sigma.ln() + 0.5 * (2.0 * std::f64::consts::PI).ln());
        ProfilePoint {
            alpha,
            loglik: exact_loglik(self.groups, &p),
            log_peak,
            sum_modes: modes.iter().map(|u| self.sigma * u).sum(),
            sum_means: conditional_means_exact(self.groups, &p, &modes).0.iter().sum(),
        }
    }

    /// The α where Σ b̂_g = 0 (the maximum of P), by Newton's method with the exact slope.
    fn peak_alpha(&self, start: f64) -> Option<f64> {
        let mut a = start;
        for _ in 0..100 {
            let (_, s, slope) = self.modes_and_slope(a);
            if !(s.is_finite() && slope < 0.0) {
                return None;
            }
            let step = -s / slope;
            a += step;
            if step.abs() <= 1e-13 * (1.0 + a.abs()) || s.abs() < 1e-13 {
                return Some(a);
            }
        }
        None
    }

    /// The α where Σ E[b_g | y] = 0 (the maximum of ℓ), by the secant method from `start`, its first step
    /// taken with the slope of the modes' sum (close to the means' slope).
    fn loglik_alpha(&self, start: f64) -> Option<f64> {
        let (mut a0, mut f0) = (start, self.sum_means(start));
        let (_, _, slope) = self.modes_and_slope(start);
        if !(f0.is_finite() && slope < 0.0) {
            return None;
        }
        if f0 == 0.0 {
            return Some(a0);
        }
        let mut a1 = a0 - f0 / slope;
        for _ in 0..60 {
            let f1 = self.sum_means(a1);
            if !f1.is_finite() {
                return None;
            }
            if f1.abs() < 1e-13 || f1 == f0 {
                return Some(a1);
            }
            let next = a1 - f1 * (a1 - a0) / (f1 - f0);
            (a0, f0) = (a1, f1);
            a1 = next;
            if (a1 - a0).abs() <= 1e-14 * (1.0 + a1.abs()) {
                return Some(a1);
            }
        }
        None
    }
}

/// The α profile at glmer's fit, or `None` when the fit does not define it (σ_b = 0, a mismatch, no maximum).
/// `groups` is [`split_by_group`](crate::models::logistic::kernel::split_by_group) of `data`.
pub fn alpha_profile(data: &Dataset, groups: &[Group], fit: &GlmmFit) -> Option<AlphaProfile> {
    if fit.fixef.len() < 2
        || fit.ranef.len() != data.n_groups()
        || fit.sigma_b.is_nan()
        || fit.sigma_b <= 0.0
        || data.n_groups() == 0
        || data.n_obs() > MAX_PROFILE_OBS
    {
        return None;
    }
    let prof = Profiler { groups, beta: fit.fixef[1], sigma: fit.sigma_b };
    let alpha_fit = fit.fixef[0];
    let alpha_peak = prof.peak_alpha(alpha_fit)?;
    let alpha_ll = prof.loglik_alpha(alpha_fit)?;
    // The window: around the three marked α, padded by half their spread, and by at least 0.05 standard
    // errors of α (1/√(−d²ℓ/dα²) ≈ σ_b/√(−dΣb̂/dα)) so that a tiny spread still shows the curves' bend.
    let (_, _, slope) = prof.modes_and_slope(alpha_ll);
    let se = prof.sigma / (-slope).max(1e-12).sqrt();
    let lo = alpha_fit.min(alpha_peak).min(alpha_ll);
    let hi = alpha_fit.max(alpha_peak).max(alpha_ll);
    let pad = (0.5 * (hi - lo)).max(0.05 * se).max(1e-6 * (1.0 + lo.abs()));
    let (a, b) = (lo - pad, hi + pad);
    let exact: Vec<ProfilePoint> = [alpha_fit, alpha_ll, alpha_peak].iter().map(|&x| prof.point(x)).collect();
    if exact.iter().any(|p| !(p.loglik.is_finite() && p.log_peak.is_finite() && p.sum_means.is_finite())) {
        return None;
    }
    let nodes: Vec<ProfilePoint> = Chebyshev::points(a, b, PROFILE_NODES).into_iter().map(|x| prof.point(x)).collect();
    let interp = |f: fn(&ProfilePoint) -> f64| Chebyshev::from_values(a, b, nodes.iter().map(f).collect());
    let curves = [
        interp(|p| p.loglik),
        interp(|p| p.log_peak),
        interp(|p| p.sum_modes),
        interp(|p| p.sum_means),
    ];
    let mut points: Vec<ProfilePoint> = (0..=HANDLE_STEPS)
        .map(|i| {
            let x = a + (b - a) * i as f64 / HANDLE_STEPS as f64;
            ProfilePoint {
                alpha: x,
                loglik: curves[0].eval(x),
                log_peak: curves[1].eval(x),
                sum_modes: curves[2].eval(x),
                sum_means: curves[3].eval(x),
            }
        })
        .collect();
    points.extend(exact.iter().copied());
    points.sort_by(|p, q| p.alpha.total_cmp(&q.alpha));
    let index = |x: f64| points.iter().position(|p| p.alpha == x).unwrap_or(0);
    let (fitted, argmax_loglik, argmax_peak) = (index(alpha_fit), index(alpha_ll), index(alpha_peak));
    Some(AlphaProfile {
        beta: prof.beta,
        sigma_b: prof.sigma,
        nagq: fit.nagq,
        points,
        fitted,
        argmax_loglik,
        argmax_peak,
        handle: fitted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surfaces::posteriors::tests::fitted;

    /// Independent check of a profile: the sums vanish at the marked maxima (recomputed from the data with the
    /// core's modes and means), the curves are highest there among all handle positions, the interpolated
    /// values equal direct evaluation, and the envelope theorem holds (slopes of the curves = sums/σ_b²).
    fn check(data: &Dataset, fit: &GlmmFit) -> AlphaProfile {
        let prof = alpha_profile(data, &crate::models::logistic::kernel::split_by_group(data), fit).unwrap();
        let groups = crate::models::logistic::kernel::split_by_group(data);
        let p = |a: f64| GlmmParams { alpha: a, beta: fit.fixef[1], theta: fit.sigma_b };
        for claim in &prof.claims() {
            let Claim::ProfileMaximum { summed, alpha } = claim else { panic!("{claim:?}") };
            let modes = conditional_modes(&groups, &p(*alpha), None);
            let sum = match summed {
                Summed::Modes => modes.iter().map(|u| fit.sigma_b * u).sum::<f64>(),
                Summed::Means => conditional_means_exact(&groups, &p(*alpha), &modes).0.iter().sum(),
            };
            assert!(sum.abs() < SUM_TOL, "{claim:?}: sum {sum}");
        }
        let pts = &prof.points;
        assert_eq!(pts[prof.fitted].alpha, fit.fixef[0]);
        let (ml, mp) = (prof.max_loglik(), prof.max_log_peak());
        for q in pts {
            assert!(q.loglik <= ml + 1e-9, "ℓ({}) = {} above the maximum {ml}", q.alpha, q.loglik);
            assert!(q.log_peak <= mp + 1e-9, "log P({}) = {} above the maximum {mp}", q.alpha, q.log_peak);
        }
        // Between the exact nodes: the interpolated numbers equal direct evaluation.
        let prf = Profiler { groups: &groups, beta: fit.fixef[1], sigma: fit.sigma_b };
        for &i in &[1usize, 37, 101, 163] {
            let q = pts[i];
            let e = prf.point(q.alpha);
            assert!((q.loglik - e.loglik).abs() < 1e-8, "{q:?} vs {e:?}");
            assert!((q.log_peak - e.log_peak).abs() < 1e-8, "{q:?} vs {e:?}");
            assert!((q.sum_modes - e.sum_modes).abs() < 1e-8 && (q.sum_means - e.sum_means).abs() < 1e-7);
        }
        // The envelope theorem, by central differences at the fitted α.
        let a = fit.fixef[0];
        let h = 1e-4;
        let (up, dn, mid) = (prf.point(a + h), prf.point(a - h), prf.point(a));
        let s2 = fit.sigma_b * fit.sigma_b;
        assert!(((up.log_peak - dn.log_peak) / (2.0 * h) - mid.sum_modes / s2).abs() < 1e-6);
        assert!(((up.loglik - dn.loglik) / (2.0 * h) - mid.sum_means / s2).abs() < 1e-6);
        prof
    }

    #[test]
    fn the_answer_s_maxima_sit_where_the_sums_vanish() {
        let (data, report) = fitted(serde_json::json!({}));
        let fit = report.glmm_agq.fit().unwrap();
        let prof = check(&data, fit);
        // nAGQ = 100: the fitted α is the maximum of ℓ to the quadrature's precision; the peak's maximum
        // lies below it, since the modes sum to −0.0275 there.
        let (fa, la, pa) = (prof.points[prof.fitted].alpha, prof.points[prof.argmax_loglik].alpha, prof.points[prof.argmax_peak].alpha);
        assert!((fa - la).abs() < 1e-4, "{fa} vs {la}");
        assert!(pa < la - 0.005, "{pa} vs {la}");
    }

    #[test]
    fn the_question_s_maxima_sit_where_the_sums_vanish() {
        let (data, report) = fitted(serde_json::json!({"preset": "question"}));
        check(&data, report.glmm_agq.fit().unwrap());
    }

    #[test]
    fn five_groups_and_an_all_ones_group() {
        let (data, report) = fitted(serde_json::json!({"preset": "custom", "groups": 5}));
        check(&data, report.glmm_agq.fit().unwrap());
        let (data, report) = fitted(serde_json::json!({"thresholds": [0.5, 0.0]}));
        check(&data, report.glmm_agq.fit().unwrap());
    }
}
