//! Property tests of issue 6 ("never breaks"): random configurations through every model of the lesson,
//! and random text through the CSV reader.
//!
//! Configurations: G 1–50 and n 1–500 per group (G·n capped, see [`MAX_ROWS`], so that the suite stays
//! well under a minute on two cores), thresholds drawn per group with exactly 0 and exactly 1 among
//! them (or the preset's defaults), any `set.seed` seed, nAGQ 1–100, both presets, and custom y
//! coefficient and spacing over the page's whole range |·| ≤ 1000 (uniformly, and spread on a log scale),
//! and centring.
//!
//! Reproducibility: every `proptest!` block runs with [`config`]: the ChaCha generator from the fixed
//! seed [`SEED`], so CI draws the same cases on every run and on every machine. `PROPTEST_RNG_SEED=<u64>`
//! and `PROPTEST_CASES=<n>` override the seed and the number of cases for a longer local search; a failure
//! found that way is saved in `tests/properties.proptest-regressions` (commit it) and replayed first on
//! every later run.
//!
//! Properties (each failure message carries the configuration):
//! - no panic, and `fit_all` returns within [`FIT_BUDGET`];
//! - every number of the `FitReport` is finite, or the model is `Outcome::Failed` with a one-sentence error;
//! - the LMM's BLUPs sum to zero: |Σ b_g| ≤ 1e-10 · max(1, Σ |b_g|);
//! - the joint mode's z sum to zero: |Σ z_g| ≤ 1e-8 · max(1, Σ |z_g|);
//! - the conditional MEANS sum to zero at a converged optimum: always at the exact marginal optimum
//!   (`marginal_exact`) to 1e-8 (the table prints 0.000000), recomputed from its parameters, and
//!   at `glmm_agq`'s optimum, |Σ E[b_g|y]| ≤ 1e-6 · max(1, Σ |E[b_g|y]|), when nAGQ ≥ 25,
//!   the fit is not singular and no group is separated (with a group whose outcomes are all equal, that
//!   group's posterior is so skewed that K-node adaptive Gauss–Hermite is not the exact integral, so the
//!   AGQ optimum is not the exact optimum: up to 0.4 in the sum was seen at nAGQ = 100). The conditional
//!   modes need not sum to zero (the lesson), so nothing is asserted about them;
//! - every glmer row whose Σ means does not print as zero carries a note whose claim holds when recomputed;
//! - glmm_agq against marginal_exact ([`check_agq_vs_exact`]): the error at the optimum lies between the
//!   rule's errors at the two optima, and is below 1e-6 at nAGQ = 100 with no separated group;
//! - the GLMM log-likelihood (Laplace and AGQ) is never below the pooled glm's − 1e-9, and at σ_b = 0
//!   lme4's Laplace/AGQ deviance is the glm deviance;
//! - CSV: `write_csv` → `read_csv` gives back simulated data bit for bit (also with arbitrary finite
//!   numbers and awkward labels); `read_csv` never panics, and every error is one line naming a line.
//!
//! Each model property counts the cases in which it had a fit to check and asserts a minimum share of them
//! ([`run_property`]): a property whose fits all fail would otherwise pass while checking nothing.
//!
//! Every model case runs in a child process (this test binary, re-run on [`child_process_entry`]) that
//! the parent kills after [`FIT_BUDGET`]: a hang is a failure naming its configuration, not a stuck CI job.
//!
//! A case the random search found is kept as a regular test: [`lmm_blups_sum_to_zero_where_x_varies_between_groups`].
//!
//! `tests/properties.proptest-regressions` holds the cases earlier searches shrank to; they replay first.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm, RngSeed, TestRunner};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use glmm_demo::data::csv::{read_csv, write_csv};
use glmm_demo::data::{simulate, Dataset, Preset, SimConfig};
use glmm_demo::models::glm::{glm, separated_groups};
use glmm_demo::models::logistic::glmer::glmer;
use glmm_demo::models::logistic::pirls::default_start;
use glmm_demo::models::logistic::kernel::{bernoulli_term, conditional_modes, split_by_group, GlmmParams};
use glmm_demo::models::logistic::objective::objective;
use glmm_demo::models::lmm::lmm;
use glmm_demo::models::logistic::exact::{conditional_means_exact, exact_loglik};
use glmm_demo::models::logistic::marginal_exact::marginal_exact;
use glmm_demo::models::logistic::means_sum::means_sum_claims;
use glmm_demo::claims::{Claim, ModelKey};
use glmm_demo::params::MAX_COEF;
use glmm_demo::report::{reads_as_zero, GlmmFit};
use glmm_demo::models::quadrature::gauss_hermite;
use glmm_demo::models::{fit_all, FitOptions};
use glmm_demo::report::FitReport;
use glmm_demo::Error;

/// The seed of the ChaCha generator behind every property (fixed so that CI is reproducible).
const SEED: u64 = 0x676c_6d6d_2d64_656d; // "glmm-dem"
/// Upper bound on G·n in the model properties.
const MAX_ROWS: usize = 2500;
/// `fit_all` on at most [`MAX_ROWS`] rows takes well under a second (where σ_b has no finite maximum too:
/// that is decided before any search climbs after it); this much means it is stuck. Debug builds (`cargo test`) get three times as long.
const FIT_BUDGET: Duration = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 20 });

/// Deterministic proptest configuration with `cases` cases (env overrides: see the module docs).
fn config(cases: u32) -> Config {
    let env = |k: &str| std::env::var(k).ok();
    Config {
        cases: env("PROPTEST_CASES").and_then(|s| s.parse().ok()).unwrap_or(cases),
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(env("PROPTEST_RNG_SEED").and_then(|s| s.parse().ok()).unwrap_or(SEED)),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        source_file: Some(file!()),
        // A model case costs up to a second: shrink, but not for ever.
        max_shrink_iters: 256,
        max_shrink_time: 300_000,
        ..Config::default()
    }
}

fn verbose() -> bool {
    std::env::var_os("PROPERTIES_VERBOSE").is_some()
}

// ---------------------------------------------------------------------------------------------------
// Configurations
// ---------------------------------------------------------------------------------------------------

/// A data configuration and the nAGQ of `glmm_agq`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Case {
    sim: SimConfig,
    nagq: usize,
}

impl Case {
    fn describe(&self) -> String {
        let s = &self.sim;
        format!(
            "preset {:?}, seed {}, G {}, n {}, thresholds {:?}, y_coef {}, spacing {}, center {}, nAGQ {}",
            s.preset, s.seed, s.groups, s.n, s.thresholds, s.y_coef, s.spacing, s.center, self.nagq
        )
    }
}

/// One threshold: exactly 0 (every y_bin 1), exactly 1 (every y_bin 0), the question's 0.5, or any.
fn threshold() -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(0.0), 1 => Just(1.0), 1 => Just(0.5), 5 => 0.0..=1.0f64]
}

/// G groups of n, with G·n ≤ `max_rows`; very small n about as often as the rest.
fn sizes(max_rows: usize) -> impl Strategy<Value = (usize, usize)> {
    (1..=50usize, prop_oneof![1..=5usize, 1..=500usize]).prop_map(move |(g, n)| (g, n.min((max_rows / g).max(1))))
}

fn case(max_rows: usize, nagq: BoxedStrategy<usize>) -> impl Strategy<Value = Case> {
    (
        prop_oneof![Just(Preset::Answer), Just(Preset::Question), Just(Preset::Custom)],
        any::<i32>(),
        sizes(max_rows),
        // Some: one drawn threshold per group; None: the preset's defaults for G.
        proptest::option::weighted(0.6, proptest::collection::vec(threshold(), 50)),
        coefficients(),
        any::<bool>(),
        nagq,
    )
        .prop_map(|(preset, seed, (groups, n), thresholds, coefs, center, nagq)| {
            let mut sim = SimConfig::preset(preset).with_groups(groups);
            sim.seed = seed;
            sim.n = n;
            if let Some(t) = thresholds {
                sim.thresholds = t[..groups].to_vec();
            }
            if preset == Preset::Custom {
                if let Some((y_coef, spacing)) = coefs {
                    sim.y_coef = y_coef;
                    sim.spacing = spacing;
                }
                sim.center = center;
            }
            Case { sim, nagq }
        })
}

/// (y_coef, spacing) for the custom preset over the page's whole range |·| ≤ [`MAX_COEF`]: None (the preset's),
/// zero, the everyday range, the whole range uniformly, and magnitudes spread evenly on a log scale from 10⁻³
/// to 10³ with either sign (so that both small and extreme values come up often).
fn coefficients() -> impl Strategy<Value = Option<(f64, f64)>> {
    let log_scale = || (any::<bool>(), -3.0..=MAX_COEF.log10()).prop_map(|(neg, e)| if neg { -(10f64.powf(e)) } else { 10f64.powf(e) });
    prop_oneof![
        1 => Just(None),
        1 => Just(Some((0.0, 0.0))),
        2 => (-3.0..3.0f64, -5.0..5.0f64).prop_map(Some),
        1 => (-MAX_COEF..=MAX_COEF, -MAX_COEF..=MAX_COEF).prop_map(Some),
        1 => (log_scale(), log_scale()).prop_map(Some),
    ]
}

/// nAGQ 1–100, with both ends and lme4's 25 often.
fn any_nagq() -> BoxedStrategy<usize> {
    prop_oneof![Just(1usize), Just(25usize), Just(100usize), 1..=100usize].boxed()
}

fn data_of(case: &Case) -> Dataset {
    simulate(&case.sim).unwrap_or_else(|e| panic!("every drawn configuration is valid, but {}: {e}", case.describe()))
}

// ---------------------------------------------------------------------------------------------------
// Jobs, run in a child process with a time budget
// ---------------------------------------------------------------------------------------------------

/// What a child process does with a case.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
enum Job {
    /// `fit_all` and every model property.
    Models,
    /// `marginal_exact` against glmer at nAGQ 25, 50 and 100.
    AgqVsExact,
}

/// How a job in a child process ended.
#[derive(Debug)]
enum Ended {
    /// Passed, with the names of the checks that had something to check.
    Passed(Vec<String>),
    Failed(String),
    TimedOut,
}

const CHILD_ENV: &str = "GLMM_DEMO_PROPERTIES_CHILD";
const RESULT_MARK: &str = "@@properties-result ";

/// Runs `job` on `case` in a child process, killed after [`FIT_BUDGET`].
fn in_child(job: Job, case: &Case) -> Ended {
    let spec = match serde_json::to_string(&(job, case)) {
        Ok(s) => s,
        Err(e) => return Ended::Failed(format!("the case cannot be written as JSON: {e}")),
    };
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => return Ended::Failed(format!("cannot find the test binary: {e}")),
    };
    let child = Command::new(exe)
        .args(["--exact", "child_process_entry", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, spec)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Ended::Failed(format!("cannot start the child process: {e}")),
    };
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(mut r) = r {
                let _ = r.read_to_string(&mut s);
            }
            s
        })
    };
    let out = drain(child.stdout.take().map(|r| Box::new(r) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|r| Box::new(r) as Box<dyn Read + Send>));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() < FIT_BUDGET => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let (out, err) = (out.join().unwrap_or_default(), err.join().unwrap_or_default());
    let Some(status) = status else { return Ended::TimedOut };
    // libtest prints "test child_process_entry ... " on the same line before the test's own output.
    match out.lines().find_map(|l| l.split_once(RESULT_MARK).map(|(_, r)| r)) {
        Some(r) if r.starts_with("ok") && status.success() => {
            Ended::Passed(r["ok".len()..].split_whitespace().map(str::to_string).collect())
        }
        Some(msg) => Ended::Failed(msg.to_string()),
        None => Ended::Failed(format!("the child process ended without a result ({status}); it said: {}", err.trim())),
    }
}

/// The child's side: run the job of [`CHILD_ENV`] and print its result (nothing to do without it).
#[test]
#[ignore = "run by the property tests in a child process"]
fn child_process_entry() {
    let Ok(spec) = std::env::var(CHILD_ENV) else { return };
    let (job, case): (Job, Case) = serde_json::from_str(&spec).unwrap_or_else(|e| panic!("bad job {spec}: {e}"));
    let data = data_of(&case);
    let result = match job {
        Job::Models => check_models(&case, &data, &fit_all(&data, &FitOptions { nagq: case.nagq, reml: true })),
        Job::AgqVsExact => check_agq_vs_exact(&case, &data),
    };
    match result {
        Ok(checked) => println!("{RESULT_MARK}ok {}", checked.join(" ")),
        Err(e) => println!("{RESULT_MARK}{}", e.to_string().replace('\n', " ")),
    }
}

// ---------------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------------

/// One sentence: non-empty, one line, ends with a full stop, and no second sentence after ". ".
fn check_sentence(what: &str, s: &str) -> Result<(), TestCaseError> {
    prop_assert!(!s.trim().is_empty(), "{what}: empty error");
    prop_assert!(s.ends_with('.'), "{what}: the error does not end with '.': {s:?}");
    prop_assert!(!s.contains(['\n', '\r']), "{what}: the error spans lines: {s:?}");
    let second = s.match_indices(". ").any(|(i, _)| s[i + 2..].starts_with(|c: char| c.is_uppercase()));
    prop_assert!(!second, "{what}: more than one sentence: {s:?}");
    Ok(())
}

/// Every number in `v` is finite (serde_json writes NaN and ±inf as null) and every `{"error": …}` a sentence.
fn check_json(path: &str, v: &Value) -> Result<(), TestCaseError> {
    match v {
        Value::Null => prop_assert!(false, "{path} is null (a NaN or an infinity)"),
        Value::Number(n) => prop_assert!(n.as_f64().is_some_and(f64::is_finite), "{path} = {n} is not finite"),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_json(&format!("{path}[{i}]"), x)?;
            }
        }
        Value::Object(m) => {
            if let Some(e) = m.get("error") {
                prop_assert_eq!(m.len(), 1, "{}: a failed model carries its sentence only", path);
                check_sentence(path, e.as_str().unwrap_or_default())?;
            }
            for (k, x) in m {
                check_json(&format!("{path}.{k}"), x)?;
            }
        }
        Value::String(_) | Value::Bool(_) => {}
    }
    Ok(())
}

fn check_finite(report: &FitReport) -> Result<(), TestCaseError> {
    let v = serde_json::to_value(report).map_err(|e| TestCaseError::fail(format!("the report is not JSON: {e}")))?;
    check_json("report", &v)
}

fn abs_sum(v: &[f64]) -> f64 {
    v.iter().map(|x| x.abs()).sum()
}

/// The checks of one case that had something to check (a check whose model did not fit checks nothing).
type Checked = Vec<String>;

fn check_lmm_ranef(report: &FitReport) -> Result<bool, TestCaseError> {
    let Some(f) = report.lmm.fit() else { return Ok(false) };
    let scale = abs_sum(&f.ranef).max(1.0);
    let sum: f64 = f.ranef.iter().sum();
    prop_assert!(sum.abs() <= 1e-10 * scale, "lmm ranef sum {sum:e} (scale {scale})");
    prop_assert!((f.ranef_sum - sum).abs() <= 1e-12 * scale, "lmm ranef_sum {} but Σ ranef {sum}", f.ranef_sum);
    Ok(true)
}

fn check_joint_mode(report: &FitReport) -> Result<bool, TestCaseError> {
    let Some(f) = report.joint_mode.fit() else { return Ok(false) };
    let scale = abs_sum(&f.re).max(1.0);
    let sum: f64 = f.re.iter().sum();
    prop_assert!(sum.abs() <= 1e-8 * scale, "joint mode z sum {sum:e} (scale {scale}, σ {})", f.sigma);
    Ok(true)
}

/// glmm_agq's conditional means sum to zero when nAGQ ≥ 25, the fit is not singular, no group is separated
/// and its quadrature is exact at its estimates (logLik within 1e-9 of the exact log-likelihood there). The
/// last condition is not implied by the others: with the page's largest coefficients x can separate the
/// outcomes within groups through narrow gaps, each group's likelihood in b is then nearly a step, and with
/// 43 nodes Σ means was 3241 at σ_b = 963 (custom preset, seed 1967947482, 21 groups of 119, coefficients in
/// the hundreds, found by the widened generator); its note then says why (checked in [`check_means_notes`]).
fn check_agq_means(report: &FitReport, data: &Dataset) -> Result<bool, TestCaseError> {
    let Some(f) = report.glmm_agq.fit() else { return Ok(false) };
    if f.nagq < 25 || f.singular || !separated_groups(data).is_empty() {
        return Ok(false);
    }
    let groups = split_by_group(data);
    let exact = exact_loglik(&groups, &GlmmParams { alpha: f.fixef[0], beta: f.fixef[1], theta: f.sigma_b });
    if !((f.loglik - exact).abs() <= 1e-9) {
        return Ok(false);
    }
    let scale = abs_sum(&f.cond_means).max(1.0);
    let sum: f64 = f.cond_means.iter().sum();
    prop_assert!(
        sum.abs() <= 1e-6 * scale,
        "glmm_agq (nAGQ {}) conditional means sum {sum:e} (scale {scale}, σ_b {}, modes sum {:e})",
        f.nagq,
        f.sigma_b,
        f.ranef_sum
    );
    prop_assert!((f.cond_means_sum - sum).abs() <= 1e-12 * scale);
    Ok(true)
}

/// At the exact marginal's maximum the conditional means sum to zero at the table's precision (always: that
/// is the identity Σ E[b_g | y] = σ²·∂ log L/∂α), recomputed here from its parameters; the reported means are
/// those, and its modes are σ·û_g.
fn check_exact_means(report: &FitReport, data: &Dataset) -> Result<bool, TestCaseError> {
    let Some(m) = report.marginal_exact.fit() else { return Ok(false) };
    let groups = split_by_group(data);
    let p = GlmmParams { alpha: m.alpha, beta: m.beta, theta: m.sigma };
    let modes = conditional_modes(&groups, &p, None);
    let (means, error) = conditional_means_exact(&groups, &p, &modes);
    let sum: f64 = means.iter().sum();
    prop_assert!(
        sum.abs() < 1e-8 && m.cond_means_sum.abs() < 1e-8 && reads_as_zero(m.cond_means_sum),
        "at the exact marginal optimum the conditional means sum to {sum:e} (reported {:e}; σ {}, error {error:e})",
        m.cond_means_sum,
        m.sigma
    );
    let scale = abs_sum(&means).max(1.0);
    prop_assert!(m.cond_means.len() == means.len() && m.cond_means.iter().zip(&means).all(|(a, b)| (a - b).abs() <= 1e-9 * scale));
    prop_assert!(m.ranef.len() == modes.len() && m.ranef.iter().zip(&modes).all(|(b, u)| (b - m.sigma * u).abs() <= 1e-9 * scale.max(m.sigma)));
    prop_assert!((m.ranef_sum - m.ranef.iter().sum::<f64>()).abs() <= 1e-12 * scale.max(m.sigma));
    Ok(true)
}

/// Every glmer row whose Σ means does not print as zero carries a note, and its claim holds when recomputed
/// here: the sum does not read as zero, the quadrature error is this fit's logLik minus the exact
/// log-likelihood at its parameters, and the gap is that exact log-likelihood minus the exact maximum (< 0).
fn check_means_notes(report: &FitReport, data: &Dataset) -> Result<bool, TestCaseError> {
    let groups = split_by_group(data);
    let claims = means_sum_claims(report, data);
    let mut any = false;
    for (key, o) in [(ModelKey::GlmmLaplace, &report.glmm_laplace), (ModelKey::GlmmAgq, &report.glmm_agq)] {
        let Some(f) = o.fit() else { continue };
        let claim = claims.iter().find(|c| matches!(c, Claim::MeansSumNotZeroBecauseInexact { model, .. } if *model == key));
        if reads_as_zero(f.cond_means_sum) {
            prop_assert!(claim.is_none(), "{key:?}: Σ means {:e} reads as zero, yet a note says it does not", f.cond_means_sum);
            continue;
        }
        any = true;
        let exact = exact_loglik(&groups, &GlmmParams { alpha: f.fixef[0], beta: f.fixef[1], theta: f.sigma_b });
        if !exact.is_finite() {
            continue;
        }
        prop_assert!(f.note.as_deref().is_some_and(|n| n.contains("Σ means is")), "{key:?}: Σ means {} and no note: {:?}", f.cond_means_sum, f.note);
        let Some(Claim::MeansSumNotZeroBecauseInexact { nodes, quadrature_error, gap, other_nodes, .. }) = claim else {
            return Err(TestCaseError::fail(format!("{key:?}: a note without its claim")));
        };
        if let Some((k, e)) = other_nodes {
            let p = GlmmParams { alpha: f.fixef[0], beta: f.fixef[1], theta: f.sigma_b };
            let other = -0.5 * objective::<f64>(&groups, &p, &conditional_modes(&groups, &p, None), &gauss_hermite(*k)) - exact;
            prop_assert!((other - e).abs() <= 1e-8 * f.loglik.abs().max(1.0), "{key:?}: nAGQ {k} error {e:e}, recomputed {other:e}");
            let error = f.loglik - exact;
            prop_assert!(if *k > f.nagq { e.abs() > error.abs() } else { e.abs() < error.abs() }, "{key:?}: nAGQ {k} ({e:e}) vs {} ({error:e})", f.nagq);
            prop_assert!(!separated_groups(data).is_empty() || groups.iter().any(|g| g.y.len() == 1));
        }
        prop_assert_eq!(*nodes, f.nagq);
        prop_assert!((quadrature_error - (f.loglik - exact)).abs() <= 1e-8 * f.loglik.abs().max(1.0), "{key:?}: claimed error {quadrature_error:e}, recomputed {:e}", f.loglik - exact);
        if let (Some(gap), Some(m)) = (gap, report.marginal_exact.fit()) {
            prop_assert!((gap - (exact - m.loglik)).abs() <= 1e-8 * m.loglik.abs().max(1.0), "{key:?}: claimed gap {gap:e}, recomputed {:e}", exact - m.loglik);
            prop_assert!(*gap <= 1e-9 * m.loglik.abs().max(1.0), "{key:?}: the exact likelihood at this fit ({exact}) is above the exact maximum ({})", m.loglik);
        }
    }
    Ok(any)
}

/// logLik(GLMM) ≥ logLik(glm) − 1e-9, and lme4's deviance at (α̂_glm, β̂_glm, θ = 0) is the glm deviance.
fn check_glmm_above_glm(report: &FitReport, data: &Dataset, nagq: usize) -> Result<bool, TestCaseError> {
    let Some(glm) = report.glm_pooled.fit() else { return Ok(false) };
    for (name, o) in [("glmm_laplace", &report.glmm_laplace), ("glmm_agq", &report.glmm_agq)] {
        if let Some(f) = o.fit() {
            prop_assert!(
                f.loglik >= glm.loglik - 1e-9 * glm.loglik.abs().max(1.0),
                "{name} logLik {} below the pooled glm's {} (σ_b = 0 is inside the model)",
                f.loglik,
                glm.loglik
            );
        }
    }
    let groups = split_by_group(data);
    let p = GlmmParams { alpha: glm.coef[0], beta: glm.coef[1], theta: 0.0 };
    let modes = conditional_modes(&groups, &p, None);
    prop_assert!(modes.iter().all(|&u| u == 0.0), "at θ = 0 every conditional mode is 0: {modes:?}");
    for k in [1, nagq] {
        let dev: f64 = objective(&groups, &p, &modes, &gauss_hermite(k));
        prop_assert!(
            (dev - glm.deviance).abs() <= 1e-10 * glm.deviance.max(1.0),
            "nAGQ {k}: lme4's deviance at σ_b = 0 is {dev}, the glm's {}",
            glm.deviance
        );
    }
    Ok(true)
}

/// Every model property of one fitted case, in-process (the child's work for [`Job::Models`]): the names of
/// the checks that had a fit to check.
fn check_models(case: &Case, data: &Dataset, report: &FitReport) -> Result<Checked, TestCaseError> {
    let what = case.describe();
    let tag = |e: TestCaseError| TestCaseError::fail(format!("{e} [{what}]"));
    check_finite(report).map_err(tag)?;
    let mut checked = vec!["finite".to_string()];
    for (name, ran) in [
        ("lmm_blups", check_lmm_ranef(report).map_err(tag)?),
        ("joint_mode_z", check_joint_mode(report).map_err(tag)?),
        ("agq_means", check_agq_means(report, data).map_err(tag)?),
        ("exact_means", check_exact_means(report, data).map_err(tag)?),
        ("means_notes", check_means_notes(report, data).map_err(tag)?),
        ("glmm_above_glm", check_glmm_above_glm(report, data, case.nagq).map_err(tag)?),
    ] {
        if ran {
            checked.push(name.to_string());
        }
    }
    Ok(checked)
}

/// glmm_agq against marginal_exact (the child's work for [`Job::AgqVsExact`]).
///
/// With Δ_K = logLik at the nAGQ = K optimum − the exact marginal's maximum, and q_K(θ) = ℓ_K(θ) − ℓ(θ) the
/// K-node quadrature's error at parameters θ (ℓ the exact log-likelihood), what always holds is the sandwich
///   q_K(θ̂) ≤ Δ_K ≤ q_K(θ̂_K),
/// θ̂ the exact maximum and θ̂_K the K-node one (each maximises its own function; the glmer search starts at θ̂,
/// so it ends no lower there). So Δ_K follows the quadrature's error, which need not shrink as K grows:
/// - with no separated group, |Δ_100| ≤ 1e-6 (seen: below 1e-12);
/// - with a separated group (its outcomes all equal, so its posterior is skewed) Gauss–Hermite converges slowly
///   and not monotonically: Δ_25, Δ_50, Δ_100 = −5.6e-3, −2.7e-2, +1.1e-2 on
///   [`more_nodes_can_be_further_from_the_exact_likelihood`], as lme4's own fits there (−5.0e-3, −2.6e-2,
///   +1.1e-2). Nothing monotone in K is asserted.
fn check_agq_vs_exact(case: &Case, data: &Dataset) -> Result<Checked, TestCaseError> {
    let what = case.describe();
    let glm_pooled = glm(data, false).ok();
    let start = default_start(data, glm_pooled.as_ref().map(|f| f.coef.as_slice()));
    let Ok(exact) = marginal_exact(data, start) else {
        // A model that cannot be fitted says why: that is the other property's business.
        return Ok(vec![]);
    };
    prop_assert!(exact.quad_error < 1e-8, "marginal_exact quad_error {} [{what}]", exact.quad_error);
    let groups = split_by_group(data);
    let at_exact = GlmmParams { alpha: exact.alpha, beta: exact.beta, theta: exact.sigma };
    let modes_exact = conditional_modes(&groups, &at_exact, None);
    let warm = [exact.alpha, exact.beta, exact.sigma];
    let separated = !separated_groups(data).is_empty();
    let tol = 1e-8 * exact.loglik.abs().max(1.0);
    let mut delta = [0.0; 3];
    for (d, k) in delta.iter_mut().zip([25usize, 50, 100]) {
        let Ok(f): Result<GlmmFit, _> = glmer(data, k, warm) else { return Ok(vec![]) };
        *d = f.loglik - exact.loglik;
        let rule = gauss_hermite(k);
        let q_at_exact = -0.5 * objective::<f64>(&groups, &at_exact, &modes_exact, &rule) - exact.loglik;
        let at_k = GlmmParams { alpha: f.fixef[0], beta: f.fixef[1], theta: f.sigma_b };
        let q_at_k = f.loglik - exact_loglik(&groups, &at_k);
        prop_assert!(
            q_at_exact - tol <= *d && *d <= q_at_k + tol,
            "nAGQ {k}: Δ {d:e} outside [q(θ̂) {q_at_exact:e}, q(θ̂_K) {q_at_k:e}] [{what}]"
        );
    }
    let [d25, d50, d100] = delta;
    if verbose() {
        eprintln!("Δ25 {d25:+.2e} Δ50 {d50:+.2e} Δ100 {d100:+.2e} separated {separated} σ {:.3}  {what}", exact.sigma);
    }
    if !separated {
        prop_assert!(d100.abs() <= 1e-6, "nAGQ 100: logLik − exact = {d100:e} (Δ25 {d25:e} Δ50 {d50:e}) [{what}]");
        return Ok(vec!["sandwich".into(), "exact_at_100".into()]);
    }
    Ok(vec!["sandwich".into()])
}

/// Runs `job` on `case` in a child process with the time budget: the checks that ran.
fn run_case(job: Job, case: &Case) -> Result<Checked, TestCaseError> {
    let t = Instant::now();
    let ended = in_child(job, case);
    if verbose() {
        eprintln!("{job:?} {:.2}s {ended:?}  {}", t.elapsed().as_secs_f64(), case.describe());
    }
    match ended {
        Ended::Passed(checked) => Ok(checked),
        Ended::Failed(msg) => Err(TestCaseError::fail(msg)),
        Ended::TimedOut => Err(TestCaseError::fail(format!("{job:?} took more than {FIT_BUDGET:?} on {}", case.describe()))),
    }
}

/// Runs `job` on `cases` random configurations and asserts that each named check had something to check in
/// at least its fraction of them (a property whose fits all fail checks nothing).
fn run_property(job: Job, cases: u32, strategy: impl Strategy<Value = Case>, at_least: &[(&str, f64)]) {
    let counts = std::cell::RefCell::new(std::collections::BTreeMap::<String, usize>::new());
    let runs = std::cell::Cell::new(0usize);
    let mut runner = TestRunner::new(config(cases));
    let result = runner.run(&strategy, |case| {
        let checked = run_case(job, &case)?;
        runs.set(runs.get() + 1);
        for c in checked {
            *counts.borrow_mut().entry(c).or_default() += 1;
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (runs, counts) = (runs.get(), counts.into_inner());
    println!("{job:?}: {runs} cases; checked: {counts:?}");
    for (name, fraction) in at_least {
        let n = counts.get(*name).copied().unwrap_or(0);
        assert!(n as f64 >= fraction * runs as f64, "{job:?}: `{name}` checked {n} of {runs} cases, fewer than {fraction}");
    }
}

// ---------------------------------------------------------------------------------------------------
// Model properties
// ---------------------------------------------------------------------------------------------------

/// fit_all never panics or hangs, every number is finite or a sentence, and the sums behave as the lesson
/// says; each check must have had a fit to check in a fair share of the cases.
#[test]
fn every_model_finite_or_a_sentence_and_the_sums_hold() {
    run_property(
        Job::Models,
        256,
        case(MAX_ROWS, any_nagq()),
        &[
            ("finite", 1.0),
            ("lmm_blups", 0.5),
            ("joint_mode_z", 0.3),
            ("agq_means", 0.03),
            ("exact_means", 0.4),
            ("means_notes", 0.05),
            ("glmm_above_glm", 0.6),
        ],
    );
}

/// glmm_agq against marginal_exact at nAGQ 25, 50 and 100 (the rule: [`check_agq_vs_exact`]).
#[test]
fn agq_approaches_the_exact_marginal() {
    run_property(Job::AgqVsExact, 64, case(800, Just(100usize).boxed()), &[("sandwich", 0.6), ("exact_at_100", 0.1)]);
}

/// The configuration `PROPTEST_RNG_SEED=13` found (19 groups of 41, 6 of them separated, σ_b 11.7): more nodes
/// are further from the exact likelihood at the optima, Δ_25, Δ_50, Δ_100 = −5.6e-3, −2.7e-2, +1.1e-2. lme4 does
/// the same (R 4.2, lme4's default glmer fits: logLik −328.12291, −328.14424, −328.10735 against the exact
/// maximum −328.11794 by integrate(), i.e. Δ −5.0e-3, −2.6e-2, +1.1e-2), and lme4's objective at our
/// estimates equals ours to 5e-7 (its PIRLS tolerance): the behaviour is Gauss–Hermite's, not a bug.
#[test]
fn more_nodes_can_be_further_from_the_exact_likelihood() {
    let case = seed13_case();
    let data = data_of(&case);
    let exact = marginal_exact(&data, [20.9, 0.62, 11.7]).unwrap_or_else(|e| panic!("{e}"));
    assert!((exact.loglik - -328.1179356812).abs() < 1e-8, "{exact:?}");
    let warm = [exact.alpha, exact.beta, exact.sigma];
    let delta: Vec<f64> = [25usize, 50, 100]
        .iter()
        .map(|&k| glmer(&data, k, warm).unwrap_or_else(|e| panic!("nAGQ {k}: {e}")).loglik - exact.loglik)
        .collect();
    for (d, r) in delta.iter().zip([-5.5811e-3, -2.65831e-2, 1.07469e-2]) {
        assert!((d - r).abs() < 1e-6, "Δ {delta:?}");
    }
    assert!(delta[2].abs() > delta[0].abs());
    assert!(check_agq_vs_exact(&case, &data).is_ok_and(|c| c == ["sandwich"]));
}

fn seed13_case() -> Case {
    Case {
        sim: SimConfig {
            preset: Preset::Custom,
            seed: -113744633,
            groups: 19,
            n: 41,
            thresholds: vec![
                0.23399189881999408, 0.5, 0.5, 0.876255709448209, 0.5, 0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 0.894498947148805,
                0.25465833754895806, 0.5, 0.7756777957541904, 0.5, 0.5, 0.331668742960703, 1.0,
            ],
            y_coef: 1.6870440723524516,
            spacing: -3.0364836216711164,
            center: false,
        },
        nagq: 100,
    }
}

/// The exact marginal's conditional means sum to zero (to 1e-8) where the approximations' do not: the
/// presets, 20 groups of 2 with many groups all 0 or all 1 (glmer's Σ means −0.49 at nAGQ = 25 and 7.0 with
/// Laplace), the case above, and the page's largest coefficients (σ_b = 297). On each, every glmer row whose
/// Σ means does not print as zero carries its note, and its claim holds against a brute-force integral.
#[test]
fn exact_marginal_means_sum_to_zero_where_glmer_means_do_not() {
    let custom = |seed: i32, groups: usize, n: usize, t: Vec<f64>, y_coef: f64, spacing: f64| SimConfig {
        preset: Preset::Custom,
        seed,
        groups,
        n,
        thresholds: t,
        y_coef,
        spacing,
        center: true,
    };
    let mixed: Vec<f64> = [0.0, 1.0, 0.5, 0.3, 0.7].repeat(4);
    let cases = [
        (SimConfig::preset(Preset::Answer), 100),
        (SimConfig::preset(Preset::Question), 100),
        (custom(6, 20, 2, mixed.clone(), 3.0, 0.0), 25),
        (custom(4, 20, 2, mixed, 1.0, 0.0), 25),
        (seed13_case().sim, 100),
        (custom(1, 2, 200, vec![0.5, 0.1], 1000.0, 1000.0), 25),
        // σ_b = 408, where the search's own stopping rule left Σ E[b|y] at 2.7e-6 (found by the widened generator).
        (
            custom(785869449, 5, 425, vec![0.22388402068050275, 0.8729641546150336, 0.5, 1.0, 0.17685973949393188], 62.1126205586242, -113.8516207601242),
            100,
        ),
        // σ_b = 253 with 2,430 rows: the score in α is zero only to ~1e-11 in double precision (5.2e-7 in the sum).
        (
            custom(1127658936, 5, 486, vec![0.22388402068050275, 0.8729641546150336, 0.5, 1.0, 0.17685973949393188], 62.1126205586242, -113.8516207601242),
            100,
        ),
    ];
    let mut notes = 0;
    for (sim, nagq) in cases {
        let data = simulate(&sim).unwrap_or_else(|e| panic!("{e}"));
        let r = fit_all(&data, &FitOptions { nagq, reml: true });
        let m = r.marginal_exact.fit().unwrap_or_else(|| panic!("{:?}: {:?}", sim, r.marginal_exact));
        println!("σ_b {:>9.4}  Σ E[b|y] {:+.2e}  Σ modes {:+.6}  {sim:?}", m.sigma, m.cond_means_sum, m.ranef_sum);
        // Σ E[b|y] = σ²·∂ log L/∂α; the optimum's α is set on the means themselves (see models/logistic/exact.rs, centre_alpha).
        assert!(
            m.cond_means_sum.abs() < 1e-8,
            "Σ E[b|y] = {:e} at the exact maximum, σ_b {}",
            m.cond_means_sum,
            m.sigma
        );
        for (key, o) in [(ModelKey::GlmmLaplace, &r.glmm_laplace), (ModelKey::GlmmAgq, &r.glmm_agq)] {
            let Some(f) = o.fit() else { continue };
            if reads_as_zero(f.cond_means_sum) {
                continue;
            }
            notes += 1;
            let brute = brute_force_loglik(&data, f.fixef[0], f.fixef[1], f.sigma_b);
            let claim = means_sum_claims(&r, &data).into_iter().find(|c| matches!(c, Claim::MeansSumNotZeroBecauseInexact { model, .. } if *model == key));
            let Some(Claim::MeansSumNotZeroBecauseInexact { quadrature_error, gap: Some(gap), .. }) = claim else {
                panic!("{key:?}: Σ means {} without its claim: {:?}", f.cond_means_sum, f.note)
            };
            assert!((quadrature_error - (f.loglik - brute)).abs() < 1e-6, "{key:?}: {quadrature_error} vs {}", f.loglik - brute);
            assert!((gap - (brute - m.loglik)).abs() < 1e-6 && gap < 0.0, "{key:?}: {gap} vs {}", brute - m.loglik);
            println!("  {key:?} (nAGQ {}): Σ means {:+.6}; note: {}", f.nagq, f.cond_means_sum, f.note.as_deref().unwrap_or(""));
        }
    }
    assert!(notes >= 4, "{notes} notes");
}

/// The exact log-likelihood by brute force, independently of the library's quadrature: for each group a
/// Riemann sum over u = b/σ on [−15, 15] with step 2·10⁻⁴, summed in log space.
fn brute_force_loglik(data: &Dataset, alpha: f64, beta: f64, sigma: f64) -> f64 {
    let mut total = 0.0;
    for members in data.group_members() {
        let h = 2e-4;
        let terms: Vec<f64> = (-75_000..=75_000)
            .map(|k| {
                let u = k as f64 * h;
                let ll: f64 = members.iter().map(|&i| bernoulli_term(data.y_bin[i], alpha + beta * data.x[i] + sigma * u)).sum();
                ll - 0.5 * u * u
            })
            .collect();
        let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = terms.iter().map(|t| (t - top).exp()).sum();
        total += top + (sum * h).ln() - 0.5 * (2.0 * std::f64::consts::PI).ln();
    }
    total
}

fn answer_case(groups: usize, n: usize, seed: i32, thresholds: Option<Vec<f64>>) -> Case {
    let mut sim = SimConfig::preset(Preset::Answer).with_groups(groups);
    sim.n = n;
    sim.seed = seed;
    if let Some(t) = thresholds {
        sim.thresholds = t;
    }
    Case { sim, nagq: 100 }
}

fn all_within_budget(job: Job, cases: &[Case]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| match in_child(job, case) {
            Ended::Passed(_) => None,
            other => Some(format!("{other:?}: {}", case.describe())),
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// These ran for minutes once, where the marginal likelihood keeps rising as σ_b → ∞ and the searches
/// climbed after it (the first, 4 rows, for more than 10 minutes; the last, 12 rows, for 3 s before two
/// models said "did not converge"): each must finish within the budget with every property holding. Each
/// now takes milliseconds in a release build: src/models/logistic/sigma_bound.rs decides that σ_b has no finite
/// estimate (or, for 50 groups of one row with seed 2, whatever the comparison with the probit limit says)
/// before any search starts.
#[test]
fn former_runaway_fits_finish() {
    let question = Case {
        sim: SimConfig {
            preset: Preset::Question,
            seed: 793301339,
            groups: 6,
            n: 2,
            thresholds: vec![1.0, 0.5160247536947834, 0.0, 0.0, 0.5, 0.0],
            y_coef: 1.0,
            spacing: 1.0,
            center: false,
        },
        nagq: 100,
    };
    all_within_budget(
        Job::Models,
        &[
            answer_case(2, 2, 1, None),
            answer_case(3, 4, 1649587368, Some(vec![0.7694959555409587, 1.0, 0.0])),
            answer_case(4, 50, 1, Some(vec![0.0, 1.0, 0.0, 1.0])),
            answer_case(50, 1, 2, None),
            question.clone(),
        ],
    );
    all_within_budget(Job::AgqVsExact, &[question]);
}

/// The LMM's BLUPs sum to zero to 1e-10 of Σ|b_g| (84 here) where x varies mostly between groups (x is not
/// centred and the groups are 4.7 apart in x; θ is large). The per-group sums of src/models/lmm.rs once
/// lost about eight digits to cancellation here (n − Σ θ²n_g²/(1 + θ²n_g) for Σ n_g/(1 + θ²n_g)), and the
/// sum was 1.0e-8. Found by the random search (`PROPTEST_RNG_SEED=13`).
#[test]
fn lmm_blups_sum_to_zero_where_x_varies_between_groups() {
    let case = Case {
        sim: SimConfig {
            preset: Preset::Custom,
            seed: -432540859,
            groups: 23,
            n: 108,
            thresholds: vec![0.0; 23],
            y_coef: -2.892764303873951,
            spacing: -4.679216989913408,
            center: false,
        },
        nagq: 1,
    };
    let data = data_of(&case);
    let fit = lmm(&data, true).unwrap_or_else(|e| panic!("{e}"));
    let scale = abs_sum(&fit.ranef).max(1.0);
    assert!(fit.ranef_sum.abs() <= 1e-10 * scale, "ranef sum {:e}, scale {scale}, θ {}", fit.ranef_sum, fit.theta);
}

// ---------------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------------

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(p, q)| p.to_bits() == q.to_bits())
}

fn check_round_trip(d: &Dataset) -> Result<(), TestCaseError> {
    let text = write_csv(d);
    let back = read_csv(&text).map_err(|e| TestCaseError::fail(format!("own output does not read back: {e}")))?;
    prop_assert_eq!(&back.group, &d.group);
    prop_assert_eq!(&back.group_labels, &d.group_labels);
    prop_assert!(same_bits(&back.x, &d.x), "x changed");
    prop_assert_eq!(back.y.is_some(), d.y.is_some());
    prop_assert!(same_bits(back.y.as_deref().unwrap_or(&[]), d.y.as_deref().unwrap_or(&[])), "y changed");
    prop_assert!(same_bits(&back.y_bin, &d.y_bin), "y_bin changed");
    Ok(())
}

/// Any finite double: normal, subnormal, ±0, of either sign.
fn finite_f64() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

/// A group label that `read_csv` gives back unchanged: non-empty, no surrounding whitespace (fields are
/// trimmed), with quotes, commas and line breaks inside.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_.,\"\n' -]{1,6}".prop_filter("trimmed", |s| !s.is_empty() && s.trim() == s)
}

/// The error of `read_csv`: the `Csv` variant, naming a line of the text (or the one after it) and a
/// column, displayed as one line ending in a full stop.
fn check_csv_error(text: &str, e: &Error) -> Result<(), TestCaseError> {
    let Error::Csv { line, column, .. } = e else {
        return Err(TestCaseError::fail(format!("read_csv returned a non-CSV error: {e:?}")));
    };
    let lines = text.split('\n').count();
    prop_assert!(*line >= 1 && *line <= lines + 1, "line {line} of a text of {lines} lines: {e}");
    prop_assert!(!column.is_empty(), "no column named: {e}");
    let s = e.to_string();
    prop_assert!(s.starts_with(&format!("CSV line {line}, column ")), "{s:?}");
    prop_assert!(s.ends_with('.') && !s.contains(['\n', '\r']), "not one line ending in '.': {s:?}");
    Ok(())
}

/// Text that looks like CSV: a header made of the required names (sometimes missing, repeated or
/// padded) and rows of fields that are numbers, booleans, quoted text, NA, blanks and junk, with LF or
/// CRLF line ends and sometimes a BOM.
fn near_csv() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("group"), Just("x"), Just("y_bin"), Just("y"), Just(" x "), Just("\"group\""), Just("note"), Just(""),
        Just("X"), Just("y_bin,"),
    ];
    let field = prop_oneof![
        4 => (-1e3..1e3f64).prop_map(|v| v.to_string()),
        2 => Just("0".to_string()),
        2 => Just("1".to_string()),
        1 => prop_oneof![Just("TRUE"), Just("false"), Just("T"), Just("NA"), Just("\"NA\""), Just(""), Just(" "),
            Just("NaN"), Just("Inf"), Just("-inf"), Just("1e400"), Just("1e-400"), Just("0x10"), Just("1,5"),
            Just("\"a, b\""), Just("\"say \"\"hi\"\"\""), Just("\"open"), Just("\"x\"y"), Just("\"\""),
            Just("\u{feff}"), Just("\"line\nbreak\""), Just("\r"), Just("é"), Just("2.")]
            .prop_map(str::to_string),
        1 => "\\PC{0,6}",
    ];
    let header = proptest::collection::vec(name, 0..6).prop_map(|v| v.join(","));
    let row = proptest::collection::vec(field, 0..6).prop_map(|v| v.join(","));
    (any::<bool>(), header, proptest::collection::vec(row, 0..8), any::<bool>(), any::<bool>()).prop_map(
        |(bom, header, rows, crlf, final_newline)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            s.push_str(&header);
            for r in rows {
                s.push_str(eol);
                s.push_str(&r);
            }
            if final_newline {
                s.push_str(eol);
            }
            s
        },
    )
}

proptest! {
    #![proptest_config(config(256))]

    /// write_csv → read_csv gives back any simulated data set exactly (labels, indices, every bit).
    #[test]
    fn csv_round_trips_simulated_data(case in case(5000, Just(1usize).boxed()), drop_y in any::<bool>()) {
        let mut d = data_of(&case);
        if drop_y {
            d.y = None;
        }
        check_round_trip(&d)?;
    }

    /// … and data with arbitrary finite numbers (subnormals, ±0, extremes) and awkward labels.
    #[test]
    fn csv_round_trips_any_finite_numbers_and_labels(
        labels in proptest::collection::btree_set(label(), 1..8),
        rows in proptest::collection::vec((any::<prop::sample::Index>(), finite_f64(), finite_f64(), any::<bool>()), 1..40),
        with_y in any::<bool>(),
    ) {
        let labels: Vec<String> = labels.into_iter().collect();
        // Integer labels are re-sorted numerically and written canonically; keep one that is not.
        prop_assume!(labels.iter().any(|l| l.parse::<i64>().is_err()));
        let d = Dataset {
            group: rows.iter().map(|r| r.0.index(labels.len())).collect(),
            x: rows.iter().map(|r| r.1).collect(),
            y: with_y.then(|| rows.iter().map(|r| r.2).collect()),
            y_bin: rows.iter().map(|r| f64::from(u8::from(r.3))).collect(),
            group_labels: labels,
        };
        // Only labels that occur are levels of the factor read back.
        let used: std::collections::BTreeSet<usize> = d.group.iter().copied().collect();
        prop_assume!(used.len() == d.group_labels.len());
        check_round_trip(&d)?;
    }

    /// read_csv never panics on arbitrary text, and its errors are one line naming a line.
    #[test]
    fn read_csv_never_panics_on_any_text(text in "\\PC*") {
        if let Err(e) = read_csv(&text) {
            check_csv_error(&text, &e)?;
        }
    }

    /// … nor on arbitrary bytes read as UTF-8 with replacement characters.
    #[test]
    fn read_csv_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = read_csv(&text) {
            check_csv_error(&text, &e)?;
        }
    }

    /// … nor on text that is almost CSV, where the interesting errors are; what it accepts is consistent.
    #[test]
    fn read_csv_never_panics_on_near_csv(text in near_csv()) {
        match read_csv(&text) {
            Err(e) => check_csv_error(&text, &e)?,
            Ok(d) => {
                prop_assert!(d.n_obs() >= 1);
                prop_assert_eq!(d.group.len(), d.n_obs());
                prop_assert_eq!(d.y_bin.len(), d.n_obs());
                prop_assert!(d.x.iter().all(|v| v.is_finite()));
                prop_assert!(d.y_bin.iter().all(|&b| b == 0.0 || b == 1.0));
                prop_assert!(d.y.as_ref().is_none_or(|y| y.len() == d.n_obs() && y.iter().all(|v| v.is_finite())));
                prop_assert!(d.group.iter().all(|&g| g < d.n_groups()));
                // Every level occurs.
                let used: std::collections::BTreeSet<usize> = d.group.iter().copied().collect();
                prop_assert_eq!(used.len(), d.n_groups());
                // What it accepts, it writes back to text that reads as the same data.
                let again = read_csv(&write_csv(&d)).map_err(|e| TestCaseError::fail(format!("{e}")))?;
                prop_assert_eq!(again, d);
            }
        }
    }
}
