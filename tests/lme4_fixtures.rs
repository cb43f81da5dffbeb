//! Our fits vs R's, on the fixtures in tests/fixtures/*.json (written by tests/reference/make_fixtures.R;
//! see tests/reference/README.md).
//!
//! For every fixture: rebuild the `SimConfig`, simulate, check the data against R's, run `fit_all`, and
//! compare every key of the fixture's "expected" with our `FitReport` (serialised to JSON, so the keys
//! are those of src/report.rs) using the tolerances of tests/common/tolerances.rs. Nothing is skipped
//! silently: a key without a tolerance, a model or key missing from our report, a model that failed
//! where R fitted, each is a failure naming the fixture and the key. All failures of all fixtures are
//! collected and reported together.
//!
//! `cargo test --test lme4_fixtures -- --nocapture` also prints the largest deviation per key.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use common::tolerances as tol;
use glmm_demo::data::{simulate, Dataset, SimConfig};
use glmm_demo::claims::Claim;
use glmm_demo::models::logistic::joint_mode::{joint_mode_claim, SIGMA_FLOOR};
use glmm_demo::models::{fit_all, FitOptions};
use glmm_demo::report::JointModeFit;

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

#[derive(Debug)]
struct Fixture {
    name: String,
    config: SimConfig,
    nagq: usize,
    expected: Map<String, Value>,
}

fn fixture_paths() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no fixtures in {}: run `Rscript tests/reference/make_fixtures.R`",
        dir.display()
    );
    paths
}

fn load_fixture(path: &Path) -> Result<Fixture, String> {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let text = fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{name}: invalid JSON: {e}"))?;
    let mut config = v
        .get("config")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| format!("{name}: no \"config\" object"))?;
    let nagq = config
        .remove("nagq")
        .and_then(|n| n.as_u64())
        .ok_or_else(|| format!("{name}: config.nagq missing or not an integer"))?
        as usize;
    let config: SimConfig = serde_json::from_value(Value::Object(config))
        .map_err(|e| format!("{name}: config is not a SimConfig: {e}"))?;
    let expected = v
        .get("expected")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| format!("{name}: no \"expected\" object"))?;
    Ok(Fixture {
        name,
        config,
        nagq,
        expected,
    })
}

fn load_all() -> Vec<Fixture> {
    let (ok, bad): (Vec<_>, Vec<_>) = fixture_paths()
        .iter()
        .map(|p| load_fixture(p))
        .partition(Result::is_ok);
    let bad: Vec<String> = bad.into_iter().map(Result::unwrap_err).collect();
    assert!(
        bad.is_empty(),
        "unreadable fixtures:\n  {}",
        bad.join("\n  ")
    );
    ok.into_iter().map(Result::unwrap).collect()
}

/// The keys of the reference fits stored next to our model's keys; not FitReport fields.
const REFERENCE_KEYS: [&str; 2] = ["lme4_default", "glmmTMB"];

/// glm_group when a group is separated: only {"separation": [labels]} is a fixture (no finite maximum).
fn is_separation_only(model: &str, exp: &Map<String, Value>) -> bool {
    model == "glm_group" && exp.len() == 1 && exp.contains_key("separation")
}

/// joint_mode when the joint density has no interior mode and the answer's opt1 stops on its bound
/// sigma = 0.01: {"sigma_at_bound": true, ...the bounded optimum}.
fn joint_mode_at_bound(model: &str, exp: &Map<String, Value>) -> bool {
    model == "joint_mode" && exp.get("sigma_at_bound").and_then(Value::as_bool) == Some(true)
}

/// Keys of a fixture that are markers for the test, not FitReport fields.
fn is_marker(model: &str, key: &str) -> bool {
    (model == "joint_mode" && key == "sigma_at_bound") || REFERENCE_KEYS.contains(&key)
}

// ---------------------------------------------------------------------------------------------------
// Bookkeeping: failures, worst deviations, notes
// ---------------------------------------------------------------------------------------------------

struct Worst {
    dev: f64,
    tol: f64,
    fixture: String,
}

#[derive(Default)]
struct Ledger {
    failures: Vec<String>,
    /// "model.key" -> largest scaled deviation |ours - R| / max(1, |R|) over the fixtures (asserted).
    asserted: BTreeMap<String, Worst>,
    /// deviations from the reference fits (lme4's default, glmmTMB): shown, not asserted.
    info: BTreeMap<String, Worst>,
    /// "model vs reference" -> smallest loglik margin ours - theirs (asserted >= -LOGLIK_FLOOR).
    margins: BTreeMap<String, Worst>,
    notes: Vec<String>,
}

impl Ledger {
    fn fail(&mut self, msg: String) {
        self.failures.push(msg);
    }

    fn note_worst(
        map: &mut BTreeMap<String, Worst>,
        key: String,
        dev: f64,
        tol: f64,
        fixture: &str,
        larger: bool,
    ) {
        let w = map.entry(key).or_insert(Worst {
            dev,
            tol,
            fixture: fixture.to_string(),
        });
        let worse = dev.is_nan() || if larger { dev > w.dev } else { dev < w.dev };
        if worse {
            w.dev = dev;
            w.fixture = fixture.to_string();
        }
    }

    fn record(&mut self, key: String, dev: f64, tol: f64, fixture: &str) {
        Self::note_worst(&mut self.asserted, key, dev, tol, fixture, true);
    }

    fn record_info(&mut self, key: String, dev: f64, fixture: &str) {
        Self::note_worst(&mut self.info, key, dev, f64::NAN, fixture, true);
    }

    fn record_margin(&mut self, key: String, margin: f64, fixture: &str) {
        Self::note_worst(
            &mut self.margins,
            key,
            margin,
            -tol::LOGLIK_FLOOR,
            fixture,
            false,
        );
    }

    fn table(&self, title: &str, n_fixtures: usize) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "\n=== {title}: {n_fixtures} fixtures ===");
        let _ = writeln!(
            s,
            "largest scaled deviation |ours - R| / max(1, |R|) per key (asserted <= tolerance):"
        );
        let _ = writeln!(
            s,
            "  {:<34} {:>10} {:>10}  fixture",
            "key", "worst", "tolerance"
        );
        for (k, w) in &self.asserted {
            let flag = if w.dev <= w.tol { "" } else { "  <-- FAIL" };
            let _ = writeln!(
                s,
                "  {:<34} {:>10.2e} {:>10.0e}  {}{flag}",
                k, w.dev, w.tol, w.fixture
            );
        }
        if !self.margins.is_empty() {
            let _ = writeln!(
                s,
                "smallest log-likelihood margin ours - reference fit (asserted >= -{:.0e}):",
                tol::LOGLIK_FLOOR
            );
            for (k, w) in &self.margins {
                let flag = if w.dev >= w.tol { "" } else { "  <-- FAIL" };
                let _ = writeln!(s, "  {:<50} {:>10.2e}  {}{flag}", k, w.dev, w.fixture);
            }
        }
        if !self.info.is_empty() {
            let _ = writeln!(
                s,
                "deviation from the reference fits (not asserted: they stop early):"
            );
            for (k, w) in &self.info {
                let _ = writeln!(s, "  {:<50} {:>10.2e}  {}", k, w.dev, w.fixture);
            }
        }
        if !self.notes.is_empty() {
            let _ = writeln!(s, "notes:");
            for n in &self.notes {
                let _ = writeln!(s, "  {n}");
            }
        }
        s
    }

    fn finish(self, title: &str, n_fixtures: usize) {
        println!("{}", self.table(title, n_fixtures));
        if !self.failures.is_empty() {
            panic!(
                "{} mismatch(es) against the R fixtures:\n  {}",
                self.failures.len(),
                self.failures.join("\n  ")
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------------

fn scaled(ours: f64, r: f64) -> f64 {
    (ours - r).abs() / r.abs().max(1.0)
}

/// Compare R's value `e` with ours `o` (numbers, arrays of them, strings, bools). Returns the largest
/// scaled deviation (infinite for a type or length mismatch); pushes one message per mismatch.
fn compare(path: &str, e: &Value, o: &Value, tol: f64, errs: &mut Vec<String>) -> f64 {
    match e {
        Value::Number(en) => {
            let ev = en.as_f64().unwrap();
            match o.as_f64() {
                Some(ov) => {
                    let d = scaled(ov, ev);
                    // NaN fails too
                    if d.is_nan() || d > tol {
                        errs.push(format!(
                            "{path}: ours {ov:?}, R {ev:?}: deviation {d:.3e} > {tol:.0e}"
                        ));
                    }
                    if d.is_nan() {
                        f64::INFINITY
                    } else {
                        d
                    }
                }
                None => {
                    errs.push(format!("{path}: R has the number {ev:?}, ours is {o}"));
                    f64::INFINITY
                }
            }
        }
        Value::Array(ea) => match o.as_array() {
            Some(oa) if oa.len() == ea.len() => ea
                .iter()
                .zip(oa)
                .enumerate()
                .map(|(i, (e, o))| compare(&format!("{path}[{i}]"), e, o, tol, errs))
                .fold(0.0, f64::max),
            Some(oa) => {
                errs.push(format!(
                    "{path}: R has {} elements, ours {}: ours {o}, R {e}",
                    ea.len(),
                    oa.len()
                ));
                f64::INFINITY
            }
            None => {
                errs.push(format!("{path}: R has the array {e}, ours is {o}"));
                f64::INFINITY
            }
        },
        Value::Bool(_) | Value::String(_) | Value::Null => {
            if e == o {
                0.0
            } else {
                errs.push(format!("{path}: ours {o}, R {e}"));
                f64::INFINITY
            }
        }
        Value::Object(_) => {
            errs.push(format!(
                "{path}: nested object in the fixture; the test does not know it"
            ));
            f64::INFINITY
        }
    }
}

/// Compare one key of one model and record it.
fn check_key(
    ledger: &mut Ledger,
    fixture: &str,
    model: &str,
    key: &str,
    e: &Value,
    o: Option<&Value>,
) {
    let Some(t) = tol::for_key(model, key) else {
        ledger.fail(format!(
            "{fixture}: expected.{model}.{key} has no tolerance: add it to tests/common/tolerances.rs"
        ));
        return;
    };
    let Some(o) = o else {
        ledger.fail(format!(
            "{fixture}: {model}.{key} is missing from our result (R: {e})"
        ));
        return;
    };
    let mut errs = Vec::new();
    let d = compare(&format!("{fixture}: {model}.{key}"), e, o, t, &mut errs);
    ledger.record(format!("{model}.{key}"), d, t, fixture);
    for m in errs {
        ledger.fail(m);
    }
}

// ---------------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------------

/// The data keys of R's fixture, computed from our Dataset directly (independently of fit_all).
fn dataset_summary(d: &Dataset) -> Map<String, Value> {
    let head = |v: &[f64]| Value::from(v.iter().take(5).copied().collect::<Vec<f64>>());
    let mut m = Map::new();
    m.insert("n_obs".into(), Value::from(d.n_obs()));
    m.insert("groups".into(), Value::from(d.n_groups()));
    m.insert("group_labels".into(), Value::from(d.group_labels.clone()));
    m.insert("sum_ybin".into(), Value::from(d.sum_ybin()));
    m.insert("head_x".into(), head(&d.x));
    m.insert("head_y".into(), d.y.as_deref().map_or(Value::Null, head));
    m
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic)".to_string()
    }
}

/// Simulate the fixture's data and check it against R's; None when simulate failed.
fn simulate_and_check(fx: &Fixture, ledger: &mut Ledger) -> Option<Dataset> {
    let data = match catch_unwind(AssertUnwindSafe(|| simulate(&fx.config))) {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => {
            ledger.fail(format!("{}: simulate failed: {e}", fx.name));
            return None;
        }
        Err(p) => {
            ledger.fail(format!(
                "{}: simulate panicked: {}",
                fx.name,
                panic_message(&*p)
            ));
            return None;
        }
    };
    let Some(exp) = fx.expected.get("data").and_then(Value::as_object) else {
        ledger.fail(format!(
            "{}: expected.data missing from the fixture",
            fx.name
        ));
        return Some(data);
    };
    let ours = dataset_summary(&data);
    for (key, e) in exp {
        check_key(ledger, &fx.name, "data", key, e, ours.get(key));
    }
    Some(data)
}

// ---------------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------------

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn separated_labels(exp: &Map<String, Value>) -> Vec<String> {
    exp["separation"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect()
}

/// glm_group with separated groups, ours an error: its sentence must name each separated group.
fn check_separation_error(ledger: &mut Ledger, fixture: &str, exp: &Map<String, Value>, err: &str) {
    for label in separated_labels(exp) {
        let named = format!("group {label}");
        let mentions = err.match_indices(&named).any(|(i, _)| {
            // "group 2" but not "group 21"
            !err[i + named.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        });
        if mentions {
            ledger.notes.push(format!(
                "{fixture}: glm_group (separated {label}) is an error, as it should be: {err}"
            ));
        } else {
            ledger.fail(format!(
                "{fixture}: glm_group: group {label} is separated, but our error sentence does not name \"{named}\": {err}"
            ));
        }
    }
}

/// glm_group with separated groups, ours a fit: each separated group's coefficient must be huge.
fn check_separation(
    ledger: &mut Ledger,
    fixture: &str,
    exp: &Map<String, Value>,
    ours: &Value,
    labels: &[String],
) {
    let names: Vec<&str> = ours
        .get("coef_names")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let coefs: Vec<f64> = ours
        .get("coef")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|c| c.as_f64().unwrap_or(f64::NAN)).collect())
        .unwrap_or_default();
    for label in separated_labels(exp) {
        let label = label.as_str();
        // the first level has no coefficient of its own: the intercept carries it
        let name = if labels.first().map(String::as_str) == Some(label) {
            "(Intercept)".to_string()
        } else {
            format!("factor(group){label}")
        };
        match names.iter().position(|n| *n == name).and_then(|i| coefs.get(i)) {
            Some(c) if c.abs() > tol::SEPARATED_COEF => {
                ledger.notes.push(format!(
                    "{fixture}: glm_group separated group {label}: our {name} = {c:.3} (R's IRLS stops at a similar size)"
                ));
            }
            Some(c) => ledger.fail(format!(
                "{fixture}: glm_group: group {label} is separated but our {name} = {c} (|coef| should exceed {})",
                tol::SEPARATED_COEF
            )),
            None => ledger.fail(format!(
                "{fixture}: glm_group: group {label} is separated but our fit has no coefficient {name} (coef_names {names:?})"
            )),
        }
    }
}

/// A reference fit stored next to a model's keys ("lme4_default", "glmmTMB"): our log-likelihood may
/// not be below theirs by more than LOGLIK_FLOOR; parameter deviations are shown, not asserted.
fn check_reference(
    ledger: &mut Ledger,
    fixture: &str,
    model: &str,
    which: &str,
    r: &Value,
    ours: &Value,
) {
    let Some(robj) = r.as_object() else {
        ledger.fail(format!("{fixture}: {model}.{which} is not an object"));
        return;
    };
    // parameters: shown only
    for (key, our_key) in [
        ("fixef", "fixef"),
        ("theta", if model == "lmm" { "theta" } else { "sigma_b" }),
        ("sigma_b", "sigma_b"),
    ] {
        if let (Some(e), Some(o)) = (robj.get(key), ours.get(our_key)) {
            let mut sink = Vec::new();
            let d = compare("", e, o, f64::INFINITY, &mut sink);
            ledger.record_info(format!("{model}.{our_key} vs {which}.{key}"), d, fixture);
        }
    }
    for key in robj.keys() {
        if ![
            "fixef",
            "theta",
            "sigma_b",
            "loglik",
            "loglik_exact",
            "reml_crit",
        ]
        .contains(&key.as_str())
        {
            ledger.fail(format!("{fixture}: {model}.{which}.{key}: unknown reference key; the test does not check it"));
        }
    }
    let label = format!("{model}.loglik - {which}");
    if model == "lmm" {
        // REML criterion = -2 REML log-likelihood
        let (Some(theirs), Some(crit)) = (num(r, "reml_crit"), num(ours, "reml_crit")) else {
            ledger.fail(format!(
                "{fixture}: lmm.reml_crit missing (ours or {which})"
            ));
            return;
        };
        let margin = (theirs - crit) / 2.0;
        ledger.record_margin(format!("{label}.reml_crit/-2"), margin, fixture);
        if margin < -tol::LOGLIK_FLOOR {
            ledger.fail(format!(
                "{fixture}: lmm: our REML criterion {crit:?} is above {which}'s {theirs:?} (by {:.3e} in log-likelihood)",
                -margin
            ));
        }
        return;
    }
    let Some(our_ll) = num(ours, "loglik") else {
        ledger.fail(format!("{fixture}: {model}.loglik missing from our result"));
        return;
    };
    let (Some(reported), Some(exact)) = (num(r, "loglik"), num(r, "loglik_exact")) else {
        ledger.fail(format!(
            "{fixture}: {model}.{which}: loglik or loglik_exact missing from the fixture"
        ));
        return;
    };
    // the same objective, evaluated exactly at their parameters: we must be at least as high
    let margin = our_ll - exact;
    ledger.record_margin(format!("{label}.loglik_exact"), margin, fixture);
    if margin < -tol::LOGLIK_FLOOR {
        ledger.fail(format!(
            "{fixture}: {model}: our loglik {our_ll:?} is below {which}'s fit ({exact:?}, evaluated exactly) by {:.3e}",
            -margin
        ));
    }
    // the value they report: the same, unless it carries lme4's PIRLS error upwards
    if reported > exact + tol::LOGLIK_FLOOR {
        ledger.notes.push(format!(
            "{fixture}: {model}.{which} reports loglik {reported:?}, {:.2e} above its own objective at its \
             parameters ({exact:?}: PIRLS stopped one step short of the mode); asserted against the latter",
            reported - exact
        ));
    } else {
        let margin = our_ll - reported;
        ledger.record_margin(format!("{label}.loglik"), margin, fixture);
        if margin < -tol::LOGLIK_FLOOR {
            ledger.fail(format!(
                "{fixture}: {model}: our loglik {our_ll:?} is below {which}'s reported {reported:?} by {:.3e}",
                -margin
            ));
        }
    }
}

/// Where R's opt1 ends on σ = 0.01, ours must too: σ exactly the bound, and the note that says so (the
/// claim behind it, [`joint_mode_claim`], is the bound). The numbers are then compared with R's bounded optimum.
fn check_joint_mode_on_bound(ledger: &mut Ledger, fixture: &str, our_model: &Value) {
    let fit: JointModeFit = match serde_json::from_value(our_model.clone()) {
        Ok(f) => f,
        Err(e) => {
            ledger.fail(format!("{fixture}: joint_mode: not a JointModeFit: {e}"));
            return;
        }
    };
    if fit.sigma != SIGMA_FLOOR || joint_mode_claim(&fit) != (Claim::JointModeAtBound { sigma_floor: SIGMA_FLOOR }) {
        ledger.fail(format!(
            "{fixture}: joint_mode: R's opt1 stops on its bound sigma = 0.01, ours at sigma = {}",
            fit.sigma
        ));
    } else if !fit.note.starts_with("No interior mode") || !fit.note.contains("σ = 0.01") {
        ledger.fail(format!(
            "{fixture}: joint_mode: on the bound, but the note does not say so: {}",
            fit.note
        ));
    } else {
        ledger.notes.push(format!(
            "{fixture}: joint_mode: R's opt1 and ours both stop on the bound sigma = 0.01; compared with R's bounded optimum"
        ));
    }
}

fn check_fits(fx: &Fixture, data: &Dataset, ledger: &mut Ledger) {
    let opts = FitOptions {
        nagq: fx.nagq,
        reml: true,
    };
    let report = match catch_unwind(AssertUnwindSafe(|| fit_all(data, &opts))) {
        Ok(r) => r,
        Err(p) => {
            ledger.fail(format!(
                "{}: fit_all panicked: {}",
                fx.name,
                panic_message(&*p)
            ));
            return;
        }
    };
    let ours = match serde_json::to_value(&report) {
        Ok(v) => v,
        Err(e) => {
            ledger.fail(format!("{}: FitReport does not serialise: {e}", fx.name));
            return;
        }
    };
    for (model, exp) in &fx.expected {
        let Some(exp) = exp.as_object() else {
            ledger.fail(format!("{}: expected.{model} is not an object", fx.name));
            continue;
        };
        let Some(our_model) = ours.get(model) else {
            ledger.fail(format!(
                "{}: expected.{model}: our FitReport has no such model",
                fx.name
            ));
            continue;
        };
        if let Some(err) = our_model.get("error") {
            let err = err.as_str().unwrap_or_default();
            if is_separation_only(model, exp) {
                check_separation_error(ledger, &fx.name, exp, err);
            } else if joint_mode_at_bound(model, exp) {
                ledger.fail(format!(
                    "{}: joint_mode: R's opt1 stops on its bound sigma = 0.01; ours should end there too (with the \
                     boundary note), not fail: {err}",
                    fx.name
                ));
            } else {
                ledger.fail(format!(
                    "{}: {model}: R fitted it, ours failed: {err}",
                    fx.name
                ));
            }
            continue;
        }
        if is_separation_only(model, exp) {
            check_separation(ledger, &fx.name, exp, our_model, &data.group_labels);
            continue;
        }
        if joint_mode_at_bound(model, exp) {
            check_joint_mode_on_bound(ledger, &fx.name, our_model);
        }
        for (key, e) in exp {
            if REFERENCE_KEYS.contains(&key.as_str()) {
                check_reference(ledger, &fx.name, model, key, e, our_model);
            } else if is_marker(model, key) {
                if !e.is_boolean() {
                    ledger.fail(format!(
                        "{}: {model}.{key} should be true or false",
                        fx.name
                    ));
                }
            } else {
                check_key(ledger, &fx.name, model, key, e, our_model.get(key));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------

/// The fixtures themselves: readable, a tolerance for every key, the shape the other tests expect.
#[test]
fn fixtures_are_well_formed() {
    let fixtures = load_all();
    let mut problems = Vec::new();
    for fx in &fixtures {
        for model in [
            "data",
            "lm_pooled",
            "lm_group",
            "lmm",
            "glm_pooled",
            "glm_group",
            "glmm_laplace",
            "glmm_agq",
            "joint_mode",
            "marginal_exact",
        ] {
            if !fx.expected.contains_key(model) {
                problems.push(format!("{}: expected.{model} missing", fx.name));
            }
        }
        for (model, exp) in &fx.expected {
            let Some(exp) = exp.as_object() else {
                problems.push(format!("{}: expected.{model} is not an object", fx.name));
                continue;
            };
            if is_separation_only(model, exp) {
                if separated_labels(exp).is_empty() {
                    problems.push(format!(
                        "{}: expected.glm_group.separation lists no group",
                        fx.name
                    ));
                }
                continue;
            }
            for key in exp.keys() {
                if !is_marker(model, key) && tol::for_key(model, key).is_none() {
                    problems.push(format!(
                        "{}: expected.{model}.{key} has no tolerance",
                        fx.name
                    ));
                }
            }
        }
        if fx.config.groups != fx.config.thresholds.len() {
            problems.push(format!("{}: config.groups != len(thresholds)", fx.name));
        }
        let agq = fx
            .expected
            .get("glmm_agq")
            .and_then(|m| m.get("nagq"))
            .and_then(Value::as_u64);
        if agq != Some(fx.nagq as u64) {
            problems.push(format!(
                "{}: expected.glmm_agq.nagq {agq:?} != config.nagq {}",
                fx.name, fx.nagq
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "malformed fixtures:\n  {}",
        problems.join("\n  ")
    );
    println!(
        "{} fixtures: {}",
        fixtures.len(),
        fixtures
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// The exact marginal's conditional means sum to zero at its maximum, in R (integrate()) and in ours, while its
/// conditional modes need not: every fixture carries both, and each side's Σ means is below
/// [`tol::EXACT_MEANS_SUM`]. (The values themselves are compared key by key in [`fits_match_r`].)
#[test]
fn exact_marginal_means_sum_to_zero_in_r_and_ours() {
    let fixtures = load_all();
    let mut problems = Vec::new();
    for fx in &fixtures {
        let r = &fx.expected["marginal_exact"];
        let r_sum = r.get("cond_means_sum").and_then(Value::as_f64);
        let r_means: Option<Vec<f64>> =
            r.get("cond_means").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_f64).collect());
        let (Some(r_sum), Some(r_means)) = (r_sum, r_means) else {
            problems.push(format!("{}: expected.marginal_exact has no cond_means/cond_means_sum", fx.name));
            continue;
        };
        if r_means.len() != fx.config.groups || (r_means.iter().sum::<f64>() - r_sum).abs() > 1e-12 {
            problems.push(format!("{}: R's cond_means {r_means:?} do not add up to its sum {r_sum:e}", fx.name));
        }
        if r_sum.abs() > tol::EXACT_MEANS_SUM {
            problems.push(format!("{}: R's exact conditional means sum to {r_sum:e}", fx.name));
        }
        let mut ledger = Ledger::default();
        let Some(data) = simulate_and_check(fx, &mut ledger) else {
            problems.push(format!("{}: the data do not simulate as R's", fx.name));
            continue;
        };
        let report = fit_all(&data, &FitOptions { nagq: fx.nagq, reml: true });
        match report.marginal_exact.fit() {
            Some(m) => {
                if m.cond_means_sum.abs() > tol::EXACT_MEANS_SUM || m.cond_means.len() != fx.config.groups {
                    problems.push(format!("{}: our exact conditional means {:?} sum to {:e}", fx.name, m.cond_means, m.cond_means_sum));
                }
                println!("{:<20} Σ E[b|y]: R {r_sum:+.2e}, ours {:+.2e}; Σ modes: ours {:+.6}", fx.name, m.cond_means_sum, m.ranef_sum);
            }
            None => problems.push(format!("{}: our exact marginal did not fit", fx.name)),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `simulate` reproduces R's data (set.seed, runif, rnorm, the arithmetic of x) for every fixture.
#[test]
fn simulate_matches_r() {
    let fixtures = load_all();
    let mut ledger = Ledger::default();
    for fx in &fixtures {
        simulate_and_check(fx, &mut ledger);
    }
    ledger.finish("simulate vs R", fixtures.len());
}

/// Every model of `fit_all` vs R on every fixture.
#[test]
fn fits_match_r() {
    let fixtures = load_all();
    let mut ledger = Ledger::default();
    for fx in &fixtures {
        if let Some(data) = simulate_and_check(fx, &mut ledger) {
            check_fits(fx, &data, &mut ledger);
        }
    }
    ledger.finish(
        "fit_all vs R (lm, glm, lme4 at its tight optimum, integrate)",
        fixtures.len(),
    );
}
