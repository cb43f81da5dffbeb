//! Fixtures (the answer's data and fits; synthetic data with many groups) and tests of the surfaces.

mod answer_data;
mod claims;

use super::*;
use crate::report::{DataSummary, GlmFit, GlmmFit, LmFit, LmmFit};
use joint_surface::GroupTerm;

pub(crate) use answer_data::{ANSWER_X, ANSWER_Y};

/// The answer's example: two groups of 200, y_bin = y > 0.5 (group 1) and y > 0.1 (group 2).
pub(crate) fn answer_data() -> Dataset {
    let group: Vec<usize> = (0..400).map(|i| i / 200).collect();
    let y_bin =
        ANSWER_Y.iter().zip(&group).map(|(&y, &g)| if y > 0.9 - 0.4 * (g + 1) as f64 { 1.0 } else { 0.0 }).collect();
    Dataset {
        group,
        group_labels: vec!["1".into(), "2".into()],
        x: ANSWER_X.to_vec(),
        y: Some(ANSWER_Y.to_vec()),
        y_bin,
    }
}

fn summary(data: &Dataset) -> DataSummary {
    DataSummary {
        n_obs: data.n_obs(),
        groups: data.n_groups(),
        group_labels: data.group_labels.clone(),
        sum_ybin: data.sum_ybin(),
        head_x: data.x.iter().take(5).copied().collect(),
        head_y: data.y.as_ref().map(|y| y.iter().take(5).copied().collect()),
    }
}

fn failed<T>(why: &str) -> Outcome<T> {
    Outcome::Failed { error: why.to_string() }
}

pub(crate) fn glmm_fit(fixef: [f64; 2], sigma_b: f64, ranef: Vec<f64>, cond_means: Vec<f64>) -> GlmmFit {
    GlmmFit {
        fixef: fixef.to_vec(),
        sigma_b,
        ranef_sum: ranef.iter().sum(),
        ranef,
        cond_means_sum: cond_means.iter().sum(),
        cond_means,
        loglik: -192.2502,
        deviance: 384.5004,
        nagq: 100,
        singular: false,
        rel_gradient: 1e-9,
        iterations: 12,
        exact_loglik: None,
        exact_loglik_gap: None,
        note: None,
    }
}

/// The answer's fits (R's numbers, see the reference).
pub(crate) fn answer_report(data: &Dataset) -> FitReport {
    FitReport {
        data: summary(data),
        lm_pooled: failed("not needed by the figures"),
        lm_group: Outcome::Fit(LmFit {
            coef: vec![0.550249212050916, 0.0344280056493049, -0.113822975889059],
            coef_names: vec!["(Intercept)".into(), "x".into(), "factor(group)2".into()],
            sigma: 0.27,
            loglik: -50.0,
        }),
        lmm: Outcome::Fit(LmmFit {
            fixef: vec![0.493337724106404, 0.0315503124293791],
            sigma: 0.275459386897827,
            sigma_b: 0.276198455473852 * 0.275459386897827,
            theta: 0.276198455473852,
            ranef: vec![0.050854291653474, -0.050854291653474],
            ranef_sum: 0.0,
            reml: true,
            reml_crit: 118.092836886192,
            loglik: -59.046418443096,
            singular: false,
            note: None,
        }),
        glm_pooled: failed("not needed by the figures"),
        glm_group: Outcome::Fit(GlmFit {
            coef: vec![0.239952516912206, 0.210952452267593, 2.16900214533412],
            coef_names: vec!["(Intercept)".into(), "x".into(), "factor(group)2".into()],
            loglik: -187.854856951688,
            deviance: 375.709713903376,
        }),
        glmm_laplace: failed("not needed by the figures"),
        glmm_agq: Outcome::Fit(glmm_fit(
            [1.316531824176, 0.236100768213],
            1.05518402821,
            vec![-1.03389049894, 1.00639693966],
            vec![-1.03363, 1.03363],
        )),
        joint_mode: failed("not needed by the figures"),
        marginal_exact: failed("not needed by the figures"),
        zero_below: crate::report::ZERO_AT_TABLE_PRECISION,
    }
}

/// A deterministic generator (xorshift64*, Box–Muller) for synthetic data.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E3779B97F4A7C15) | 1)
    }
    pub(crate) fn unif(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545F4914F6CDD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    pub(crate) fn norm(&mut self) -> f64 {
        let (u, v) = (self.unif(), self.unif());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// The question's design with `groups` groups of `n`: y ~ U(0,1), y_bin = y > threshold_g,
/// x = y + N(0,1) + g.
pub(crate) fn synthetic(groups: usize, n: usize, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let mut d = Dataset { group: vec![], group_labels: vec![], x: vec![], y: Some(vec![]), y_bin: vec![] };
    let mut ys = Vec::new();
    for g in 0..groups {
        let threshold = 0.2 + 0.6 * (g as f64 + 0.5) / groups as f64;
        for _ in 0..n {
            let y = rng.unif();
            d.group.push(g);
            d.x.push(y + rng.norm() + (g + 1) as f64 * 0.3);
            ys.push(y);
            d.y_bin.push(if y > threshold { 1.0 } else { 0.0 });
        }
        d.group_labels.push(format!("{}", g + 1));
    }
    d.y = Some(ys);
    d
}

/// Plausible fits for any data: GLMM modes computed exactly at β = 0.3, σ = 0.8 and an α moved by
/// the mean mode until the modes nearly sum to zero (as at a real fit).
pub(crate) fn synthetic_report(data: &Dataset) -> FitReport {
    let g = data.n_groups();
    let members = data.group_members();
    let (mut alpha, beta, sigma) = (0.5, 0.3, 0.8);
    let modes = |alpha: f64| -> Vec<f64> {
        members
            .iter()
            .map(|m| GroupTerm::new(data, m, alpha, beta, sigma).mode(0.0).map(|r| r.0).unwrap_or(0.0))
            .collect()
    };
    for _ in 0..3 {
        let z = modes(alpha);
        alpha += z.iter().sum::<f64>() / g.max(1) as f64;
    }
    let ranef = modes(alpha);
    // The exact posterior means at these parameters (the models' trapezoid rule; u = b/σ).
    let params = crate::models::logistic::kernel::GlmmParams { alpha, beta, theta: sigma };
    let u: Vec<f64> = ranef.iter().map(|b| b / sigma).collect();
    let (means, _) =
        crate::models::logistic::exact::conditional_means_exact(&crate::models::logistic::kernel::split_by_group(data), &params, &u);
    let mut coef = vec![0.4, 0.05];
    coef.extend((1..g).map(|k| -0.02 * k as f64));
    let mut gcoef = vec![-0.5, 0.3];
    gcoef.extend((1..g).map(|k| 0.1 * k as f64));
    let names = |n: usize| (0..n).map(|k| format!("c{k}")).collect::<Vec<_>>();
    FitReport {
        data: summary(data),
        lm_pooled: failed("not needed"),
        lm_group: Outcome::Fit(LmFit { coef_names: names(coef.len()), coef, sigma: 0.3, loglik: -1.0 }),
        lmm: Outcome::Fit(LmmFit {
            fixef: vec![0.45, 0.04],
            sigma: 0.3,
            sigma_b: 0.05,
            theta: 0.16,
            ranef: (0..g).map(|k| 0.01 * (k as f64 - (g as f64 - 1.0) / 2.0)).collect(),
            ranef_sum: 0.0,
            reml: true,
            reml_crit: 1.0,
            loglik: -1.0,
            singular: false,
            note: None,
        }),
        glm_pooled: failed("not needed"),
        glm_group: Outcome::Fit(GlmFit { coef_names: names(gcoef.len()), coef: gcoef, loglik: -1.0, deviance: 2.0 }),
        glmm_laplace: failed("not needed"),
        glmm_agq: Outcome::Fit(glmm_fit([alpha, beta], sigma, ranef, means)),
        joint_mode: failed("not needed"),
        marginal_exact: failed("not needed"),
        zero_below: crate::report::ZERO_AT_TABLE_PRECISION,
    }
}

pub(crate) fn answer_scene() -> Scene {
    let data = answer_data();
    build_scene(&data, &answer_report(&data), &SceneOptions::default()).unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn the_fixture_is_the_answers_data() {
    let d = answer_data();
    assert_eq!(d.sum_ybin(), 288.0);
    assert!(close(d.x[0], -0.703918139943321, 1e-9));
}

#[test]
fn joint_maximum_is_glmers_conditional_modes() {
    let s = answer_scene();
    let j = s.joint.as_ref().unwrap();
    // R: optimize() on the same function gives −1.03389048, 1.00639694, ℓ_max −190.79450529.
    assert!(close(j.max[0], -1.03389048, 2e-8), "{:?}", j.max);
    assert!(close(j.max[1], 1.00639694, 2e-8), "{:?}", j.max);
    assert!(close(j.loglik_max, -190.79450529, 1e-7), "{}", j.loglik_max);
    // Best point with z_a = −z_b: t = 1.02772169, lower by 0.00426207.
    let l = j.line_max.unwrap();
    assert!(close(l[1], 1.02772169, 1e-7) && close(l[0], -l[1], 1e-15));
    assert!(close(j.line_rel_loglik.unwrap(), -0.00426207, 1e-8));
    // The posterior means: R's −1.03363, 1.03363 (5 decimals) belong to the tight nAGQ = 25 optimum
    // (reference: α 1.31655410676731, β 0.236099459424703, σ 1.05519296690587); an independent Riemann sum
    // of z·e^{f_g(z)} / e^{f_g(z)} over ±12 curvature sd there must give them.
    let data = answer_data();
    let members = data.group_members();
    let riemann_mean = |g: usize, (alpha, beta, sigma): (f64, f64, f64)| -> f64 {
        let term = GroupTerm::new(&data, &members[g], alpha, beta, sigma);
        let (mode, peak, sd) = term.mode(0.0).unwrap();
        let (mut mass, mut moment) = (0.0, 0.0);
        let h = sd / 400.0;
        for k in -4800..=4800 {
            let z = mode + h * k as f64;
            let w = (term.value(z) - peak).exp();
            mass += w;
            moment += w * z;
        }
        moment / mass
    };
    let tight = (1.31655410676731, 0.236099459424703, 1.05519296690587);
    for (g, r) in [(0, -1.03363), (1, 1.03363)] {
        let m = riemann_mean(g, tight);
        assert!(close(m, r, 5e-6), "group {g}: R {r}, integrated {m}");
    }
    // The fixture's report carries those means at its own (nAGQ = 100, default tolerance) α, β, σ, 2e-5
    // away: the figure draws the report's means, which agree with the integral there to 4 decimals.
    let drawn = j.posterior_means.unwrap();
    for (g, &mean) in drawn.iter().enumerate() {
        let m = riemann_mean(g, (j.alpha, j.beta, j.sigma));
        assert!(close(mean, m, 5e-5), "group {g}: drawn {mean}, integrated {m}");
    }
}

#[test]
fn adjusted_alpha_raises_the_peak_and_moves_it_near_the_line() {
    let s = answer_scene();
    let (j, a) = (s.joint.as_ref().unwrap(), s.joint_adjusted.as_ref().unwrap());
    assert!(close(a.alpha, 1.316531824176 + (-1.03389049894 + 1.00639693966) / 2.0, 1e-15));
    // R: −1.02038989, 1.01930010, ℓ_max −190.79432883.
    assert!(close(a.max[0], -1.02038989, 2e-8) && close(a.max[1], 1.01930010, 2e-8), "{:?}", a.max);
    assert!(close(a.loglik_max, -190.79432883, 1e-7));
    assert!(a.loglik_max > j.loglik_max);
    assert!(a.posterior_means.is_none());
    // Both figures share one window.
    assert_eq!(a.za, j.za);
    assert_eq!(a.zb, j.zb);
}

#[test]
fn the_grid_is_the_separable_sum_and_never_above_the_maximum() {
    let data = answer_data();
    let s = answer_scene();
    let j = s.joint.as_ref().unwrap();
    let m = j.za.len();
    assert_eq!(j.rel_loglik.len(), m * m);
    assert!(j.rel_loglik.iter().all(|&v| v <= 0.0));
    // Direct, non-separable evaluation at a few grid points.
    for &(i, k) in &[(0, 0), (17, 90), (60, 60), (120, 3)] {
        let (za, zb) = (j.za[i], j.zb[k]);
        let mut l = 0.0;
        for n in 0..data.n_obs() {
            let z = if data.group[n] == 0 { za } else { zb };
            l += crate::models::family::bernoulli_loglik(data.y_bin[n], j.alpha + j.beta * data.x[n] + z);
        }
        l += joint_surface::log_normal_density(za, j.sigma) + joint_surface::log_normal_density(zb, j.sigma);
        assert!(close(j.rel_loglik[k * m + i], l - j.loglik_max, 1e-9));
    }
    // The grid maximum sits next to the exact one.
    let best = (0..m * m).max_by(|&p, &q| j.rel_loglik[p].total_cmp(&j.rel_loglik[q])).unwrap();
    let (i, k) = (best % m, best / m);
    let (dx, dy) = (j.za[1] - j.za[0], j.zb[1] - j.zb[0]);
    assert!((j.za[i] - j.max[0]).abs() <= dx && (j.zb[k] - j.max[1]).abs() <= dy);
}

#[test]
fn isolines_are_at_round_levels_inside_the_window() {
    let s = answer_scene();
    let j = s.joint.as_ref().unwrap();
    assert_eq!(j.levels, vec![-8.0, -4.0, -2.0, -1.0, -0.5]);
    assert_eq!(j.isolines.len(), 5);
    assert_eq!(j.regions.len(), 5);
    for iso in &j.isolines {
        assert!(!iso.lines.is_empty(), "level {}", iso.level);
        for p in iso.lines.iter().flatten() {
            assert!(p[0] >= j.za[0] && p[0] <= j.za[m1(j)] && p[1] >= j.zb[0] && p[1] <= j.zb[m1(j)]);
        }
    }
    // The −0.5 isoline of a near-quadratic hill lies about one sd from the maximum.
    let inner = &j.isolines[4].lines[0];
    let right = inner.iter().map(|p| p[0]).fold(f64::NEG_INFINITY, f64::max);
    assert!(close(right - j.max[0], j.posterior_sd[0], 0.15 * j.posterior_sd[0]));
}

/// The filled regions are taken from the isolines (the superlevel sets of f_a + f_b are convex): they must be
/// exactly what the polygon pass of marching squares gives, on every surface of a few scenes.
#[test]
fn regions_equal_the_superlevel_polygons() {
    use crate::surfaces::isolines::{superlevel_regions, GridSpec};
    let data = answer_data();
    let report = answer_report(&data);
    for opts in [SceneOptions::default(), SceneOptions { span_sd: 0.15, ..SceneOptions::default() }, SceneOptions { grid: 17, ..SceneOptions::default() }] {
        let s = build_scene(&data, &report, &opts).unwrap();
        let j = s.joint.as_ref().unwrap();
        let ja = s.joint_adjusted.as_ref().unwrap();
        let mut surfaces = vec![j, ja];
        surfaces.extend(j.closeup.as_deref());
        surfaces.extend(ja.closeup.as_deref());
        for j in surfaces {
            let m = j.za.len();
            let g = GridSpec { x0: j.za[0], dx: j.za[1] - j.za[0], nx: m, y0: j.zb[0], dy: j.zb[1] - j.zb[0], ny: m };
            let polygons = superlevel_regions(&j.rel_loglik, &g, &j.levels).unwrap();
            assert_eq!(j.regions.len(), polygons.len());
            for (a, b) in j.regions.iter().zip(&polygons) {
                assert_eq!(a.level, b.level);
                assert_eq!(a.lines.len(), b.lines.len(), "{opts:?} level {}", a.level);
                for (r, q) in a.lines.iter().zip(&b.lines) {
                    assert!(same_ring(r, q, 1e-12), "{opts:?} level {}", a.level);
                }
            }
        }
    }
}

/// The same closed ring up to its starting point, point for point within `tol`.
fn same_ring(a: &[[f64; 2]], b: &[[f64; 2]], tol: f64) -> bool {
    let open = |r: &[[f64; 2]]| -> Vec<[f64; 2]> {
        if r.len() > 1 && r[0] == r[r.len() - 1] { r[..r.len() - 1].to_vec() } else { r.to_vec() }
    };
    let (a, b) = (open(a), open(b));
    let near = |p: &[f64; 2], q: &[f64; 2]| (p[0] - q[0]).abs() <= tol && (p[1] - q[1]).abs() <= tol;
    a.len() == b.len() && (0..b.len()).any(|k| a.iter().enumerate().all(|(i, p)| near(p, &b[(i + k) % b.len()])))
}

fn m1(j: &JointSurface) -> usize {
    j.za.len() - 1
}

#[test]
fn a_close_up_gets_finer_levels() {
    let data = answer_data();
    let opts = SceneOptions { span_sd: 0.15, ..SceneOptions::default() };
    let s = build_scene(&data, &answer_report(&data), &opts).unwrap();
    let j = s.joint.unwrap();
    assert!(j.levels[0] > -0.05 && j.levels[0] < -0.005, "{:?}", j.levels);
    assert!(j.za[m1(&j)] - j.za[0] < 0.1);
}

#[test]
fn decomposition_matches_r() {
    let s = answer_scene();
    let d = s.decomposition.as_ref().unwrap();
    // R: Σz = −0.02749355; argmax B: −0.02827761 (fitted α), −0.00078404 (α + z̄);
    // argmax R + B: −0.02749355 (−190.79450529) and −0.00076232 (−190.79433086).
    assert!(close(d.mode_sum, -0.02749355, 1e-8));
    assert!(close(d.optimal.argmax_bernoulli.unwrap(), -0.02827761, 1e-7));
    assert!(close(d.adjusted.argmax_bernoulli.unwrap(), -0.00078404, 1e-7));
    assert!(close(d.optimal.argmax_total.unwrap(), -0.02749355, 1e-7));
    assert!(close(d.adjusted.argmax_total.unwrap(), -0.00076232, 1e-7));
    assert!(close(d.optimal.max_total.unwrap(), -190.79450529, 1e-7));
    assert!(close(d.adjusted.max_total.unwrap(), -190.79433086, 1e-7));
    // The u grid: both peaks ± 4 curvature sd, rounded outward; the figure's curves sit 0 at the higher peak.
    assert!(d.curvature_sd > 0.1 && d.curvature_sd < 0.5, "{}", d.curvature_sd);
    assert!(d.u[0] <= -0.02749355 - 4.0 * d.curvature_sd && d.u[d.u.len() - 1] >= 4.0 * d.curvature_sd);
    let top = d.optimal.delta_total.iter().chain(&d.adjusted.delta_total).copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(top <= 0.0 && top > -1e-4, "{top}");
    // The mirror image of the fitted-α curve about its peak equals the curve at the reflected u.
    let p = d.optimal.argmax_total.unwrap();
    let k = 40;
    let reflected = 2.0 * p - d.u[k];
    let gf = 2.0;
    let data = answer_data();
    let direct: f64 = (0..2).map(|g| joint_surface::log_normal_density(d.modes[g] - d.mode_mean + reflected / gf, d.sigma)).sum::<f64>()
        + (0..data.n_obs())
            .map(|i| {
                let z = d.modes[data.group[i]] - d.mode_mean + reflected / gf;
                crate::models::family::bernoulli_loglik(data.y_bin[i], d.optimal.alpha + d.beta * data.x[i] + z)
            })
            .sum::<f64>();
    let peak = d.adjusted.max_total.unwrap().max(d.optimal.max_total.unwrap());
    assert!(close(d.mirror_optimal[k], direct - peak, 1e-8), "{} vs {}", d.mirror_optimal[k], direct - peak);
    let rmax = d.rel_random_effects.iter().copied().fold(0.0, f64::max);
    assert!(close(rmax, 1.0, 1e-12));
    let bmax = d.optimal.rel_bernoulli.iter().chain(&d.adjusted.rel_bernoulli).copied().fold(0.0, f64::max);
    assert!(close(bmax, 1.0, 1e-12));
}

#[test]
fn decomposition_interpolation_equals_direct_evaluation() {
    let data = synthetic(5, 300, 7);
    let report = synthetic_report(&data);
    let s = build_scene(&data, &report, &SceneOptions::default()).unwrap();
    let d = s.decomposition.unwrap();
    let fit = report.glmm_agq.fit().unwrap();
    let g = 5.0;
    for k in [0, 37, 100, 200] {
        let u = d.u[k];
        let direct = |alpha: f64| -> f64 {
            (0..data.n_obs())
                .map(|i| {
                    let z = d.modes[data.group[i]] - d.mode_mean + u / g;
                    crate::models::family::bernoulli_loglik(data.y_bin[i], alpha + fit.fixef[1] * data.x[i] + z)
                })
                .sum()
        };
        assert!(close(d.optimal.log_bernoulli[k], direct(d.optimal.alpha), 1e-9));
        assert!(close(d.adjusted.log_bernoulli[k], direct(d.adjusted.alpha), 1e-9));
    }
    // With exact modes the integrand along u peaks exactly at u = Σz.
    assert!(close(d.optimal.argmax_total.unwrap(), d.mode_sum, 1e-9));
}

#[test]
fn the_inset_interpolates_the_exact_totals() {
    // Figure 6's inset: R(u) + B(u; α) − top from 17 exact sums, within 1e-4 of the peaks' depth everywhere
    // (plus the rounding of a sum of that size).
    let answer = answer_data();
    let synth = synthetic(5, 300, 7);
    for (data, report) in [(&answer, answer_report(&answer)), (&synth, synthetic_report(&synth))] {
        let s = build_scene(data, &report, &SceneOptions::default()).unwrap();
        let d = s.decomposition.unwrap();
        let Some(c) = d.peak_closeup.as_ref() else { continue };
        let fit = report.glmm_agq.fit().unwrap();
        let g = d.groups as f64;
        let (hi, lo) = (d.optimal.max_total.unwrap(), d.adjusted.max_total.unwrap());
        let top = hi.max(lo);
        let tol = 1e-4 * (top - hi.min(lo)) + 128.0 * f64::EPSILON * top.abs();
        let total = |alpha: f64, u: f64| -> f64 {
            let r: f64 = d.modes.iter().map(|z| joint_surface::log_normal_density(z - d.mode_mean + u / g, d.sigma)).sum();
            let b: f64 = (0..data.n_obs())
                .map(|i| {
                    let z = d.modes[data.group[i]] - d.mode_mean + u / g;
                    crate::models::family::bernoulli_loglik(data.y_bin[i], alpha + fit.fixef[1] * data.x[i] + z)
                })
                .sum();
            r + b - top
        };
        for k in [0, 17, 60, 99, 120] {
            assert!((c.optimal[k] - total(d.optimal.alpha, c.u[k])).abs() <= tol, "k={k}");
            assert!((c.adjusted[k] - total(d.adjusted.alpha, c.u[k])).abs() <= tol, "k={k}");
        }
    }
}

#[test]
fn fitted_curves_follow_the_fits() {
    let s = answer_scene();
    let c = &s.curves;
    assert_eq!(c.x.len(), fitted_curves::X_POINTS);
    let lm = c.lm_group.as_ref().unwrap();
    let k = 100;
    let x = c.x[k];
    assert!(close(lm[1][k], 0.550249212050916 - 0.113822975889059 + 0.0344280056493049 * x, 1e-14));
    let lmm = c.lmm.as_ref().unwrap();
    assert!(close(lmm[0][k], 0.493337724106404 + 0.050854291653474 + 0.0315503124293791 * x, 1e-14));
    let glmm = c.glmm.as_ref().unwrap();
    assert!(close(
        glmm[0][k],
        crate::models::family::logistic(1.316531824176 - 1.03389049894 + 0.236100768213 * x),
        1e-14
    ));
    let pa = c.population_average.as_ref().unwrap();
    assert!(pa.iter().all(|p| (0.0..=1.0).contains(p)));
    // Attenuation: the population average is flatter than the curve at b = 0.
    let n = c.x.len() - 1;
    let slope_pa = pa[n] - pa[0];
    let cond0: Vec<f64> = [c.x[0], c.x[n]]
        .iter()
        .map(|&t| crate::models::family::logistic(1.316531824176 + 0.236100768213 * t))
        .collect();
    assert!(slope_pa < cond0[1] - cond0[0]);
}

#[test]
fn figure_texts_carry_the_numbers() {
    let s = answer_scene();
    assert_eq!(s.figures.len(), 9);
    for (k, f) in s.figures.iter().enumerate() {
        assert_eq!(f.number as usize, k + 1);
        assert!(f.unavailable.is_none(), "figure {}: {:?}", f.number, f.unavailable);
        assert!(!f.alt.is_empty() && !f.title.is_empty());
        assert!(f.x_range[0] < f.x_range[1] && f.y_range[0] < f.y_range[1], "figure {}", f.number);
    }
    let f3 = s.figure(3).unwrap();
    assert!(f3.alt.contains("(−1.0339, 1.0064)") && f3.alt.contains("−0.0275"), "{}", f3.alt);
    assert_eq!(f3.x_label, "random effect of group 1");
    let f6 = s.figure(6).unwrap();
    assert!(f6.alt.contains("highest peak") && f6.alt.contains("u = −0.0275"), "{}", f6.alt);
    assert!(s.points.thinning.is_none());
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"rel_loglik\""));
}

#[test]
fn failed_models_leave_their_parts_out() {
    let data = answer_data();
    let mut report = answer_report(&data);
    report.glmm_agq = Outcome::Failed { error: "PIRLS did not converge.".into() };
    report.lm_group = Outcome::Failed { error: "the design is rank deficient".into() };
    let s = build_scene(&data, &report, &SceneOptions::default()).unwrap();
    assert!(s.joint.is_none() && s.joint_adjusted.is_none() && s.decomposition.is_none());
    assert!(s.curves.glmm.is_none() && s.curves.population_average.is_none());
    assert!(s.curves.glm_group.is_some() && s.curves.lmm.is_some());
    for n in 3..=6 {
        let why = s.figure(n).unwrap().unavailable.as_ref().unwrap();
        assert_eq!(why, "glmer(y_bin ~ x + (1|group), binomial) could not be fitted: PIRLS did not converge.");
    }
    let f1 = s.figure(1).unwrap();
    assert!(f1.unavailable.is_none());
    assert_eq!(f1.notes, vec!["lm(y ~ x + factor(group)) could not be fitted: the design is rank deficient."]);
    assert!(s.figure(2).unwrap().notes[0].contains("PIRLS"));
}

#[test]
fn no_y_singular_fit_and_one_group_are_sentences() {
    let mut data = answer_data();
    data.y = None;
    let mut report = answer_report(&data);
    if let Outcome::Fit(f) = &mut report.glmm_agq {
        f.sigma_b = 0.0;
    }
    let s = build_scene(&data, &report, &SceneOptions::default()).unwrap();
    assert!(s.figure(1).unwrap().unavailable.as_ref().unwrap().contains("no continuous outcome y"));
    assert!(s.figure(3).unwrap().unavailable.as_ref().unwrap().contains("singular"));
    assert!(s.curves.population_average.is_some());

    let one = synthetic(1, 50, 3);
    let s = build_scene(&one, &synthetic_report(&one), &SceneOptions { pair: (0, 0), ..Default::default() }).unwrap();
    assert!(s.figure(3).unwrap().unavailable.as_ref().unwrap().contains("at least two groups"));
    assert!(s.decomposition.is_some());
}

#[test]
fn mismatched_fits_and_bad_options() {
    let data = synthetic(3, 40, 5);
    let s = build_scene(&data, &answer_report(&answer_data()), &SceneOptions::default()).unwrap();
    assert!(s.joint.is_none() && s.curves.lm_group.is_none());
    assert!(s.figure(4).unwrap().unavailable.as_ref().unwrap().contains("does not match the 3 groups"));

    let report = synthetic_report(&data);
    for opts in [
        SceneOptions { pair: (1, 1), ..Default::default() },
        SceneOptions { pair: (0, 3), ..Default::default() },
        SceneOptions { grid: 2, ..Default::default() },
        SceneOptions { span_sd: f64::NAN, ..Default::default() },
    ] {
        assert!(matches!(build_scene(&data, &report, &opts), Err(Error::InvalidParameter { .. })), "{opts:?}");
    }
    let mut bad = data.clone();
    bad.group[0] = 9;
    assert!(build_scene(&bad, &report, &SceneOptions::default()).is_err());
    let s = build_scene(&data, &report, &SceneOptions { pair: (2, 0), ..Default::default() }).unwrap();
    let j = s.joint.unwrap();
    assert_eq!(j.groups, (2, 0));
    assert_eq!(s.figures[2].x_label, "random effect of group 3");
    assert!(s.figures[2].explanation.contains("of 3"));
}

#[test]
fn large_data_are_thinned_and_stay_fast_enough() {
    let data = synthetic(4, 3_000, 11);
    let s = build_scene(&data, &synthetic_report(&data), &SceneOptions::default()).unwrap();
    assert!(s.points.n_shown <= 5000);
    assert_eq!(s.points.step, vec![3, 3, 3, 3]);
    let cap = &s.figure(2).unwrap().caption;
    assert!(cap.contains("of 12,000 observations"), "{cap}");
}
