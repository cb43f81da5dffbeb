//! Every data-dependent sentence of the page checked against an independent computation, over thousands of
//! configurations of the page's own controls.
//!
//! For each configuration the test fits every model (`models::fit_all`), writes the page's text
//! (`explain::page_text`, the code the page shows) and checks each [`Claim`] it records against the report:
//! sums recomputed from the per-group vectors, "singular" from σ_b against lme4's `isSingular` tolerance,
//! "no finite estimate" from the exact likelihood still rising at the search's limit, the joint mode's verdict
//! from its stationarity equation. It also counts the claims of each kind, so it cannot pass by checking none.
//! The lesson's text (src/tour/: the summary, the table "Why the fixed effects move" and every step's reveal,
//! told from the current fit) is checked the same way by `tour::check::holds`; a claim it cannot check
//! (`None`) is counted apart, never as holding.

use std::collections::BTreeMap;

use glmm_demo::claims::{Claim, ModelKey, Summed};
use glmm_demo::data::{simulate, Dataset, Preset, SimConfig};
use glmm_demo::explain::{page_text, PageText};
use glmm_demo::models::logistic::kernel::{split_by_group, GlmmParams};
use glmm_demo::models::logistic::exact::exact_loglik;
use glmm_demo::models::fit_all;
use glmm_demo::params::Params;
use glmm_demo::models::logistic::joint_mode::joint_mode_claim;
use glmm_demo::models::logistic::means_sum::means_sum_claims;
use glmm_demo::report::FitReport;
use glmm_demo::surfaces::{build_scene, claims_check, SceneOptions};
use glmm_demo::claims::TourClaim;
use glmm_demo::tour::{self, check::holds, steps};

/// Configurations checked (deterministic: the same every run).
const CONFIGS: usize = 2000;
/// The figures' claims are collected on every this-many-th configuration.
const FIGURE_EVERY: usize = 10;
/// Configurations whose "no finite estimate" is re-derived from the exact likelihood (the first ones that make
/// the claim; each takes a few hundred exact evaluations). The rest of those claims count as relayed.
const RISE_CHECKS: usize = 40;
/// lme4's `isSingular` tolerance on θ (σ_b for a binomial model, σ_b/σ for lmer).
const IS_SINGULAR_TOL: f64 = 1e-4;
/// The answer's lower bound on the joint mode's σ_b.
const JOINT_FLOOR: f64 = 0.01;
/// How much lower the best exact log-likelihood further out may be and still count as rising (the Nelder–Mead
/// maximisation's own precision).
const RISE_SLACK: f64 = 1e-9;
/// A sum this close to half a unit of the last printed digit may print either way: not checked.
const ROUNDING_EDGE: f64 = 1e-12;
/// Relative tolerance of the joint mode's stationarity σ_b² = Σ b_g² / G (it is solved to ~1e-14).
const STATIONARY_REL: f64 = 1e-6;
/// Where the exact search for σ_b stops climbing (src/models/logistic/sigma_bound.rs's SIGMA_FAR).
const SEARCH_LIMIT: f64 = 10.0;

/// splitmix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn int(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.int(0, xs.len() - 1)]
    }
}

/// A configuration in the page's ranges: both presets now and then, otherwise every control at random, with
/// the edges (thresholds 0 and 1, n = 1, G = 50, coefficients ±1000) drawn often. Data stay small (≤ ~120 rows)
/// so that thousands of fits run in well under a minute.
fn config(rng: &mut Rng, i: usize) -> Params {
    let any = rng.int(1, 100);
    let nagq = rng.pick(&[1, 1, 2, 5, 10, 25, 100, any]);
    if i % 97 == 0 {
        return Params::from_sim(&SimConfig { seed: rng.int(1, 1000) as i32, ..SimConfig::preset(Preset::Answer) }, nagq);
    }
    if i % 197 == 1 {
        return Params::from_sim(&SimConfig { seed: rng.int(1, 1000) as i32, ..SimConfig::preset(Preset::Question) }, nagq);
    }
    let any = rng.int(1, 50);
    let groups = rng.pick(&[1, 2, 2, 3, 5, 10, any, 50]);
    let max_n = (120 / groups).max(1);
    let any = rng.int(1, max_n);
    let n = rng.pick(&[1, 2, 3, any, max_n]).min(max_n);
    let thresholds = (0..groups)
        .map(|_| {
            let (u, v) = (rng.unit(), rng.unit());
            rng.pick(&[0.0, 1.0, 0.5, 0.1, 0.9, u, v])
        })
        .collect();
    let coef = |rng: &mut Rng| {
        let (u, v) = ((rng.unit() - 0.5) * 10.0, (rng.unit() - 0.5) * 2000.0);
        rng.pick(&[0.0, 0.5, 1.0, 2.0, -1.5, 1000.0, -1000.0, u, v])
    };
    let y_coef = coef(rng);
    let spacing = coef(rng);
    let sim = SimConfig {
        preset: Preset::Custom,
        seed: rng.int(1, 1000) as i32,
        groups,
        n,
        thresholds,
        y_coef,
        spacing,
        center: rng.unit() < 0.7,
    };
    Params { sim, nagq }
}

/// Each model's per-group vector whose sum a claim is about, read straight from the report.
fn per_group(r: &FitReport, model: ModelKey, summed: Summed) -> Option<Vec<f64>> {
    match (model, summed) {
        (ModelKey::Lmm, _) => r.lmm.fit().map(|f| f.ranef.clone()),
        (ModelKey::GlmmLaplace, Summed::Modes) => r.glmm_laplace.fit().map(|f| f.ranef.clone()),
        (ModelKey::GlmmLaplace, Summed::Means) => r.glmm_laplace.fit().map(|f| f.cond_means.clone()),
        (ModelKey::GlmmAgq, Summed::Modes) => r.glmm_agq.fit().map(|f| f.ranef.clone()),
        (ModelKey::GlmmAgq, Summed::Means) => r.glmm_agq.fit().map(|f| f.cond_means.clone()),
        (ModelKey::JointMode, Summed::Modes) => r.joint_mode.fit().map(|f| f.re.clone()),
        (ModelKey::MarginalExact, Summed::Modes) => r.marginal_exact.fit().map(|f| f.ranef.clone()),
        (ModelKey::MarginalExact, Summed::Means) => r.marginal_exact.fit().map(|f| f.cond_means.clone()),
        _ => None,
    }
    .filter(|v| v.len() == r.data.groups)
}

/// Whether `x` printed with `decimals` decimals reads as zero: |x| below half a unit of the last digit.
fn prints_as_zero(x: f64, decimals: usize) -> bool {
    x.abs() < 0.5 * 10f64.powi(-(decimals as i32))
}

fn slope(r: &FitReport, m: ModelKey) -> Option<f64> {
    match m {
        ModelKey::LmPooled => r.lm_pooled.fit().map(|f| f.coef[1]),
        ModelKey::Lmm => r.lmm.fit().map(|f| f.fixef[1]),
        ModelKey::GlmPooled => r.glm_pooled.fit().map(|f| f.coef[1]),
        ModelKey::GlmmAgq => r.glmm_agq.fit().map(|f| f.fixef[1]),
        ModelKey::GlmmLaplace => r.glmm_laplace.fit().map(|f| f.fixef[1]),
        _ => None,
    }
}

/// Maximum of the exact log-likelihood over (α, β) at a fixed σ_b: Nelder–Mead, restarted until it stalls.
fn best_loglik_at(data: &Dataset, sigma: f64, start: [f64; 2]) -> (f64, [f64; 2]) {
    let groups = split_by_group(data);
    let f = |p: [f64; 2]| {
        let l = exact_loglik(&groups, &GlmmParams { alpha: p[0], beta: p[1], theta: sigma });
        if l.is_finite() { -l } else { f64::INFINITY }
    };
    let mut best = start;
    let mut step = 1.0 + sigma;
    let mut fbest = f(best);
    for _ in 0..3 {
        let mut s = [best, [best[0] + step, best[1]], [best[0], best[1] + step]];
        let mut fs = s.map(f);
        for _ in 0..150 {
            let mut idx = [0, 1, 2];
            idx.sort_by(|&a, &b| fs[a].total_cmp(&fs[b]));
            let (lo, mid, hi) = (idx[0], idx[1], idx[2]);
            let c = [(s[lo][0] + s[mid][0]) / 2.0, (s[lo][1] + s[mid][1]) / 2.0];
            let at = |t: f64| [c[0] + t * (s[hi][0] - c[0]), c[1] + t * (s[hi][1] - c[1])];
            let r = at(-1.0);
            let fr = f(r);
            if fr < fs[lo] {
                let e = at(-2.0);
                let fe = f(e);
                if fe < fr { s[hi] = e; fs[hi] = fe } else { s[hi] = r; fs[hi] = fr }
            } else if fr < fs[mid] {
                s[hi] = r;
                fs[hi] = fr;
            } else {
                let k = at(0.5);
                let fk = f(k);
                if fk < fs[hi] {
                    s[hi] = k;
                    fs[hi] = fk;
                } else {
                    for j in [mid, hi] {
                        s[j] = [(s[j][0] + s[lo][0]) / 2.0, (s[j][1] + s[lo][1]) / 2.0];
                        fs[j] = f(s[j]);
                    }
                }
            }
            if (fs[hi] - fs[lo]).abs() < 1e-13 {
                break;
            }
        }
        let (i, &fmin) = fs.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).unwrap();
        let improved = fbest - fmin;
        if fmin < fbest {
            fbest = fmin;
            best = s[i];
        }
        step *= 0.1;
        if improved.abs() < 1e-12 && step < 1e-3 {
            break;
        }
    }
    (-fbest, best)
}

/// x separates the pooled outcomes (every 1 above every 0 or below): the slope diverges.
fn x_separates(data: &Dataset) -> bool {
    let ones = data.x.iter().zip(&data.y_bin).filter(|p| *p.1 == 1.0).map(|p| *p.0);
    let zeros = data.x.iter().zip(&data.y_bin).filter(|p| *p.1 == 0.0).map(|p| *p.0);
    let (lo1, hi1) = ones.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    let (lo0, hi0) = zeros.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    lo1 > hi0 || hi1 < lo0
}

/// "No finite estimate": x separates the outcomes, or the best exact log-likelihood at the search's limit σ_b
/// is above the best at half of it (still rising there).
fn no_finite_estimate_holds(data: &Dataset, r: &FitReport) -> bool {
    if x_separates(data) {
        return true;
    }
    let start = r.glm_pooled.fit().map_or([0.0, 0.0], |f| [f.coef[0], f.coef[1]]);
    let scale = |s: f64| (1.0 + 0.346 * s * s).sqrt();
    let (near, at) = best_loglik_at(data, SEARCH_LIMIT / 2.0, start.map(|c| c * scale(SEARCH_LIMIT / 2.0)));
    // Further out, from the near maximum scaled along its ray σ·(a, c, 1), as a likelihood rising without bound
    // moves: at the search's limit, or beyond it where the exact likelihood can still be evaluated.
    let mut far = f64::NEG_INFINITY;
    for k in [2.0, 4.0, 8.0] {
        let (l, _) = best_loglik_at(data, k * SEARCH_LIMIT / 2.0, at.map(|c| k * c));
        if l.is_finite() {
            far = far.max(l);
        }
        if far > near - RISE_SLACK {
            break;
        }
    }
    far > near - RISE_SLACK
}

/// Checks one claim; the error says what is false.
fn check(claim: &Claim, data: &Dataset, r: &FitReport, rising: &mut Option<bool>) -> Result<(), String> {
    match *claim {
        // The figures' claims and the models' notes: their own independent checker.
        Claim::SumIsZero { .. } | Claim::SumIsNotZero { .. } | Claim::Singular { .. } | Claim::NoFiniteEstimate { .. }
        | Claim::JointModeOnBound { .. } | Claim::SlopeCloserToZero { .. } | Claim::SlopesDiffer { .. } => {}
        _ => return claims_check::check(claim, data, r),
    }
    match *claim {
        Claim::SumIsZero { model, summed, decimals } | Claim::SumIsNotZero { model, summed, decimals } => {
            let v = per_group(r, model, summed).ok_or(format!("{model:?} has no per-group {summed:?}"))?;
            let sum: f64 = v.iter().sum();
            let said_zero = matches!(claim, Claim::SumIsZero { .. });
            // A sum within rounding of the half-unit boundary prints either way: nothing to check.
            if (sum.abs() - 0.5 * 10f64.powi(-(decimals as i32))).abs() < ROUNDING_EDGE {
                return Ok(());
            }
            if prints_as_zero(sum, decimals) != said_zero {
                return Err(format!("{model:?} Σ {summed:?} = {sum:e} but the text calls it {}", if said_zero { "zero" } else { "not zero" }));
            }
        }
        Claim::Singular { model, singular } => {
            let theta = match model {
                ModelKey::Lmm => r.lmm.fit().map(|f| f.sigma_b / f.sigma),
                ModelKey::GlmmLaplace => r.glmm_laplace.fit().map(|f| f.sigma_b),
                ModelKey::GlmmAgq => r.glmm_agq.fit().map(|f| f.sigma_b),
                ModelKey::MarginalExact => r.marginal_exact.fit().map(|f| f.sigma),
                _ => None,
            }
            .ok_or(format!("{model:?} has no σ_b"))?;
            if (theta < IS_SINGULAR_TOL) != singular {
                return Err(format!("{model:?} θ = {theta:e} but the text says singular = {singular}"));
            }
        }
        Claim::NoFiniteEstimate { model } => {
            if !*rising.get_or_insert_with(|| no_finite_estimate_holds(data, r)) {
                return Err(format!("{model:?}: the text says no finite estimate, but the exact likelihood is not rising at σ_b = {SEARCH_LIMIT}"));
            }
        }
        Claim::JointModeOnBound { on_bound } => {
            let f = r.joint_mode.fit().ok_or("no joint mode")?;
            let g = f.re.len() as f64;
            let stationary = (f.sigma * f.sigma - f.re.iter().map(|z| z * z).sum::<f64>() / g).abs() <= STATIONARY_REL * (f.sigma * f.sigma).max(1e-8);
            let at_floor = (f.sigma - JOINT_FLOOR).abs() < ROUNDING_EDGE;
            let ok = if on_bound { at_floor } else { !at_floor && f.sigma > JOINT_FLOOR && stationary };
            if !ok {
                return Err(format!("joint mode σ_b = {} (stationary: {stationary}) but the text says on_bound = {on_bound}", f.sigma));
            }
        }
        Claim::SlopeCloserToZero { model, than, closer } => {
            let (a, b) = (slope(r, model).ok_or("no slope")?, slope(r, than).ok_or("no slope")?);
            if (a.abs() < b.abs()) != closer {
                return Err(format!("{model:?} slope {a} vs {than:?} {b}: the text says closer = {closer}"));
            }
        }
        Claim::SlopesDiffer { a, b, decimals, differ } => {
            let (x, y) = (slope(r, a).ok_or("no slope")?, slope(r, b).ok_or("no slope")?);
            let printed = |v: f64| format!("{:.*}", decimals, v + 0.0);
            if (printed(x) != printed(y)) != differ {
                return Err(format!("{a:?} {x} vs {b:?} {y}: the text says differ = {differ}"));
            }
        }
        _ => unreachable!("dispatched above"),
    }
    Ok(())
}

fn kind(c: &Claim) -> String {
    let name = match c {
        Claim::SumIsZero { .. } => "sum_is_zero",
        Claim::SumIsNotZero { .. } => "sum_is_not_zero",
        Claim::Singular { singular: true, .. } => "singular",
        Claim::Singular { singular: false, .. } => "not_singular",
        Claim::NoFiniteEstimate { .. } => "no_finite_estimate",
        Claim::JointModeOnBound { on_bound: true } => "joint_mode_on_bound",
        Claim::JointModeOnBound { on_bound: false } => "joint_mode_interior",
        Claim::SlopeCloserToZero { .. } => "slope_closer_to_zero",
        Claim::SlopesDiffer { .. } => "slopes_differ",
        // Every other variant by its serialised tag (figure_…, model notes, joint-mode verdicts).
        other => return serde_json::to_value(other).ok().and_then(|v| v["kind"].as_str().map(String::from)).unwrap_or_default(),
    };
    name.to_string()
}

/// Every claim a student reads for this configuration: the page's text, the models' notes (a glmer fit whose
/// means do not sum to zero), the joint mode's verdict and, every `FIGURE_EVERY`-th configuration, the
/// figures' captions (building the scene is the slow part).
fn claims_of(text: &PageText, data: &Dataset, report: &FitReport, params: &Params, i: usize) -> Vec<Claim> {
    let mut all = text.claims.clone();
    all.extend(means_sum_claims(report, data));
    all.extend(report.joint_mode.fit().map(joint_mode_claim));
    if i % FIGURE_EVERY == 0 {
        let opts = SceneOptions { pair: (0, 1.min(params.groups - 1)), ..SceneOptions::default() };
        if let Ok(scene) = build_scene(data, report, &opts) {
            all.extend(scene.figures.iter().flat_map(|f| f.claims.iter().cloned()));
        }
    }
    all
}

/// A tour claim's kind, prefixed by where it was said (summary, causes table, or a step's reveal).
fn tour_kind(place: &str, c: &TourClaim) -> String {
    let name = match c {
        TourClaim::Sum(Claim::SumIsZero { .. }) => "sum_is_zero",
        TourClaim::Sum(Claim::SumIsNotZero { .. }) => "sum_is_not_zero",
        TourClaim::Sum(_) => "sum_other",
        TourClaim::SumsCompare { equal: true, .. } => "sums_print_equal",
        TourClaim::SumsCompare { equal: false, .. } => "sums_print_differ",
        TourClaim::SumIsBelow { .. } => "sum_is_below",
        TourClaim::Singular { singular: true, .. } => "singular",
        TourClaim::Singular { singular: false, .. } => "not_singular",
        TourClaim::SlopesCompare { .. } => "slopes_compare",
        TourClaim::SlopeRatio { .. } => "slope_ratio",
        TourClaim::ModeMeanApart { .. } => "mode_mean_apart",
        TourClaim::NotFitted { .. } => "not_fitted",
        TourClaim::PaApproximation { .. } => "pa_approximation",
    };
    format!("{place}:{name}")
}

/// The summary's and the causes table's claims (they depend only on the fit), and the reveal of every tour
/// step told from this fit (the page tells a step's reveal from whatever the current fit is).
fn tour_claims(report: &FitReport, params: &Params) -> Vec<(String, TourClaim)> {
    let view = tour::view(report, params);
    let mut all: Vec<(String, TourClaim)> = view.summary.claims.into_iter().map(|c| ("summary".to_string(), c)).collect();
    all.extend(view.causes.claims.into_iter().map(|c| ("causes".to_string(), c)));
    for step in steps::all() {
        all.extend(tour::reveal::reveal(step.kind, report).claims.into_iter().map(|c| ("reveal".to_string(), c)));
    }
    all
}

#[test]
fn every_claim_of_the_text_holds_on_thousands_of_configurations() {
    let mut rng = Rng(0x5EED_C1A1);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut configs = 0;
    let mut rise_checked = 0;
    // The tour's claims: checked, or not checkable (`holds` gives None: the report lacks what they speak of).
    let mut tour_counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut tour_uncheckable: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..CONFIGS {
        let params = config(&mut rng, i);
        params.validate().unwrap_or_else(|e| panic!("the generator made an invalid configuration {params:?}: {e}"));
        let data = simulate(&params.to_sim_config()).unwrap();
        let report = fit_all(&data, &params.fit_options());
        let pair = (0, 1.min(params.groups - 1));
        let text = page_text(&params, &report, pair);
        configs += 1;
        // The exact likelihood's rise is evaluated once per configuration, whichever models relay the verdict.
        let mut rising = None;
        for claim in claims_of(&text, &data, &report, &params, i) {
            if matches!(claim, Claim::NoFiniteEstimate { .. }) && rising.is_none() {
                if rise_checked >= RISE_CHECKS {
                    *counts.entry("no_finite_estimate_relayed".to_string()).or_default() += 1;
                    continue;
                }
                rise_checked += 1;
            }
            *counts.entry(kind(&claim)).or_default() += 1;
            if let Err(why) = check(&claim, &data, &report, &mut rising) {
                failures.push(format!("{params:?}: {why}"));
            }
        }
        for (place, claim) in tour_claims(&report, &params) {
            let k = tour_kind(&place, &claim);
            match holds(&claim, &report) {
                Some(true) => *tour_counts.entry(k).or_default() += 1,
                Some(false) => failures.push(format!("{params:?}: the {place} says {claim:?}, which is false")),
                None => *tour_uncheckable.entry(k).or_default() += 1,
            }
        }
    }
    eprintln!("tour claims checked per kind: {tour_counts:?}");
    eprintln!("tour claims not checkable (the report lacks what they speak of): {tour_uncheckable:?}");
    eprintln!("{configs} configurations, claims checked per kind: {counts:?}");
    assert!(failures.is_empty(), "{} false claims, the first ones:\n{}", failures.len(), failures.iter().take(10).cloned().collect::<Vec<_>>().join("\n"));
    let minimum = [
        ("sum_is_zero", 2000),
        ("sum_is_not_zero", 1000),
        ("singular", 50),
        ("not_singular", 500),
        ("no_finite_estimate", 150),
        ("joint_mode_on_bound", 20),
        ("joint_mode_interior", 100),
        ("slope_closer_to_zero", 500),
        ("slopes_differ", 500),
        // The models' notes, the joint mode's own verdict and the figures' captions.
        ("means_sum_not_zero_because_inexact", 500),
        ("joint_mode_at_bound", 100),
        ("population_average_flatter", 40),
        ("posterior_mode", 100),
        ("posterior_mean", 100),
        ("exact_log_lik", 100),
        ("zero_sum_line_gap", 100),
        ("line_skew", 40),
        ("group_mode_and_mean", 100),
        ("profile_maximum", 50),
    ];
    for (k, min) in minimum {
        let n = counts.get(k).copied().unwrap_or(0);
        assert!(n >= min, "only {n} claims of kind {k} were checked (at least {min} expected): the generator no longer reaches them");
    }
    // The summary's, the causes table's and the reveals' claims (about half of what the generator reaches
    // today, so that a change that stops making a kind of sentence fails here).
    let tour_minimum = [
        ("summary:sum_is_zero", 200),
        ("summary:sum_is_not_zero", 200),
        ("summary:sums_print_equal", 100),
        ("summary:sums_print_differ", 300),
        ("summary:singular", 200),
        ("summary:not_singular", 300),
        ("summary:slopes_compare", 1000),
        ("summary:not_fitted", 1000),
        ("causes:slopes_compare", 600),
        ("causes:pa_approximation", 300),
        ("causes:not_fitted", 300),
        ("reveal:sum_is_zero", 1500),
        ("reveal:sum_is_not_zero", 2500),
        ("reveal:sum_is_below", 15),
        ("reveal:singular", 500),
        ("reveal:slopes_compare", 1500),
        ("reveal:slope_ratio", 700),
        ("reveal:mode_mean_apart", 700),
        ("reveal:not_fitted", 5000),
    ];
    for (k, min) in tour_minimum {
        let n = tour_counts.get(k).copied().unwrap_or(0);
        assert!(n >= min, "only {n} tour claims of kind {k} were checked (at least {min} expected; {} not checkable): the generator no longer reaches them", tour_uncheckable.get(k).copied().unwrap_or(0));
    }
}
