//! The general GLMM engine (`models::glmm`) against lme4 on real data: every fixture in
//! tests/fixtures/real/ (written by tests/reference/make_real_fixtures.R: cbpp, grouseticks, VerbAgg with
//! three links, the answer's data with probit and cloglog; nAGQ 1, 25, 100).
//!
//! Each fixture's expected numbers are at the tight optimum of lme4's own objective. Until the data
//! layer's formula builder lands, the design is built here from the CSV: treatment contrasts for the
//! fixture's factor columns (levels sorted as R sorts these labels), the group levels in the fixture's
//! order (checked). `cargo test --release --test real_fixtures -- --nocapture` prints the deviations and
//! the time of each fit.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use common::tolerances as tol;
use glmm_demo::data::grouped_design::{DesignGroup, GroupedDesign};
use glmm_demo::models::glmm::{glmer, marginal_exact, FamilyLink, GlmmResult};

fn fixture_paths() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 16, "the 16 real-data fixtures");
    paths
}

/// A CSV's columns by name (every field as text; these files have no quoted fields).
fn read_columns(path: &Path) -> BTreeMap<String, Vec<String>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let names: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    let mut cols: BTreeMap<String, Vec<String>> = names.iter().map(|n| (n.clone(), Vec::new())).collect();
    for line in lines.filter(|l| !l.is_empty()) {
        for (n, f) in names.iter().zip(line.split(',')) {
            cols.get_mut(n).unwrap().push(f.to_string());
        }
    }
    cols
}

fn numbers(cols: &BTreeMap<String, Vec<String>>, name: &str) -> Vec<f64> {
    cols[name.trim()].iter().map(|v| v.parse::<f64>().unwrap()).collect()
}

/// R's `sort(unique(...))` for these labels (digits of equal meaning, lower-case words: byte order as in
/// the C locale, which is what these fixtures' factors have).
fn levels(values: &[String]) -> Vec<String> {
    let mut l: Vec<String> = values.to_vec();
    l.sort();
    l.dedup();
    l
}

/// `response ~ a + b + (1 | g)` built from the CSV as model.matrix() does with treatment contrasts.
fn build_design(fixture: &Value) -> GroupedDesign {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cols = read_columns(&root.join(fixture["data"]["csv"].as_str().unwrap()));
    let factors: Vec<String> = fixture["data"]["factor_columns"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    let formula = fixture["model"]["formula"].as_str().unwrap();
    let (lhs, rhs) = formula.split_once('~').unwrap();
    let (fixed, bar) = rhs.split_once("+ (1 |").unwrap();
    let group_name = bar.trim().trim_end_matches(')').trim().to_string();
    let lhs = lhs.trim();
    let (y, trials) = if let Some(inner) = lhs.strip_prefix("cbind(").and_then(|s| s.strip_suffix(')')) {
        let (s, f) = inner.split_once(',').unwrap();
        let succ = numbers(&cols, s);
        let fail = match f.split_once('-') {
            Some((a, b)) => numbers(&cols, a).iter().zip(numbers(&cols, b)).map(|(a, b)| a - b).collect(),
            None => numbers(&cols, f),
        };
        let n = succ.iter().zip(&fail).map(|(s, f)| s + f).collect();
        (succ, n)
    } else {
        let y = numbers(&cols, lhs);
        let n = vec![1.0; y.len()];
        (y, n)
    };
    let n_rows = y.len();
    let mut names = vec!["(Intercept)".to_string()];
    let mut columns: Vec<Vec<f64>> = vec![vec![1.0; n_rows]];
    for term in fixed.split('+').map(str::trim).filter(|t| !t.is_empty()) {
        if factors.iter().any(|f| f == term) {
            let v = &cols[term];
            for level in levels(v).iter().skip(1) {
                names.push(format!("{term}{level}"));
                columns.push(v.iter().map(|x| f64::from(u8::from(x == level))).collect());
            }
        } else {
            names.push(term.to_string());
            columns.push(numbers(&cols, term));
        }
    }
    let labels = levels(&cols[&group_name]);
    let p = names.len();
    let groups = labels
        .iter()
        .map(|label| {
            let rows: Vec<usize> = (0..n_rows).filter(|&i| &cols[&group_name][i] == label).collect();
            DesignGroup {
                x: rows.iter().flat_map(|&i| columns.iter().map(move |c| c[i])).collect(),
                y: rows.iter().map(|&i| y[i]).collect(),
                trials: rows.iter().map(|&i| trials[i]).collect(),
                rows,
            }
        })
        .collect::<Vec<_>>();
    assert!(groups.iter().all(|g| g.x.len() == g.y.len() * p));
    GroupedDesign { names, response: lhs.to_string(), group_name, group_labels: labels, groups }
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn max_dev(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
}

/// Compare one fit with its fixture; returns the failures (empty when it matches).
fn compare(name: &str, fit: &GlmmResult, e: &Value) -> Vec<String> {
    let mut fails = Vec::new();
    let mut check = |what: &str, dev: f64, limit: f64| {
        if !(dev <= limit) {
            fails.push(format!("{name}: {what} deviates by {dev:.3e} (limit {limit:.0e})"));
        }
    };
    let names: Vec<String> = e["fixef_names"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    check("fixef_names", if names == fit.names { 0.0 } else { f64::INFINITY }, 0.0);
    check("fixef", max_dev(&fit.fixef, &floats(&e["fixef"])), tol::REAL_PARAMS);
    let named: Vec<f64> = names.iter().map(|n| e["fixef_named"][n].as_f64().unwrap()).collect();
    let ours_named: Vec<f64> = fit.fixef_named.iter().map(|(_, v)| *v).collect();
    check("fixef_named", max_dev(&ours_named, &named), tol::REAL_PARAMS);
    check("sigma_b", (fit.sigma_b - e["sigma_b"].as_f64().unwrap()).abs(), tol::REAL_PARAMS);
    check("ranef", max_dev(&fit.ranef, &floats(&e["ranef"])), tol::REAL_PARAMS);
    check("ranef_sum", (fit.ranef_sum - e["ranef_sum"].as_f64().unwrap()).abs(), tol::REAL_PARAMS);
    check("cond_means", max_dev(&fit.cond_means, &floats(&e["cond_means"])), tol::REAL_PARAMS);
    check("cond_means_sum", (fit.cond_means_sum - e["cond_means_sum"].as_f64().unwrap()).abs(), tol::REAL_PARAMS);
    let ll = e["loglik"].as_f64().unwrap();
    // never below lme4's re-optimised optimum, and (being the same optimum of the same objective) not above
    check("loglik (below the fixture)", ll - fit.loglik, tol::REAL_LOGLIK_FLOOR);
    check("loglik", (fit.loglik - ll).abs(), tol::REAL_LOGLIK_FLOOR);
    check(
        "loglik_lme4_convention",
        (fit.loglik_lme4_convention - e["loglik_lme4_convention"].as_f64().unwrap()).abs(),
        tol::REAL_LOGLIK_FLOOR,
    );
    check("deviance_lme4", (fit.deviance - e["deviance_lme4"].as_f64().unwrap()).abs(), 2.0 * tol::REAL_LOGLIK_FLOOR);
    check("saturated_constant", (fit.saturated_constant - e["saturated_constant"].as_f64().unwrap()).abs(), tol::OPTIMUM_VALUE);
    check("nagq", if fit.nagq == e["nagq"].as_u64().map(|k| k as usize) { 0.0 } else { f64::INFINITY }, 0.0);
    check("singular", if Some(fit.singular) == e["singular"].as_bool() { 0.0 } else { f64::INFINITY }, 0.0);
    fails
}

#[test]
fn general_engine_matches_lme4_on_real_data() {
    let mut failures = Vec::new();
    for path in fixture_paths() {
        let fixture: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let name = fixture["name"].as_str().unwrap().to_string();
        let design = build_design(&fixture);
        let e = &fixture["expected"];
        let labels: Vec<String> = e["group_labels"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert_eq!(design.group_labels, labels, "{name}: group levels in R's order");
        let fl = FamilyLink::from_names(fixture["model"]["family"].as_str().unwrap(), fixture["model"]["link"].as_str().unwrap()).unwrap();
        let nagq = fixture["model"]["nagq"].as_u64().unwrap() as usize;
        let t0 = Instant::now();
        let fit = match glmer(&design, fl, nagq) {
            Ok(f) => f,
            Err(err) => {
                failures.push(format!("{name}: {err}"));
                continue;
            }
        };
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        println!(
            "{name:30} {ms:9.1} ms  iterations {:3}  fixef dev {:.1e}  σ_b dev {:.1e}  loglik − R {:+.1e}  cond means dev {:.1e}  (lme4 default {} s)",
            fit.iterations,
            max_dev(&fit.fixef, &floats(&e["fixef"])),
            (fit.sigma_b - e["sigma_b"].as_f64().unwrap()).abs(),
            fit.loglik - e["loglik"].as_f64().unwrap(),
            max_dev(&fit.cond_means, &floats(&e["cond_means"])),
            e["lme4_default"]["cpu_seconds"]
        );
        failures.extend(compare(&name, &fit, e));
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// Σ_g E[b_g | y] = 0 at the exact maximum for a Poisson model (grouseticks) and a probit one (the answer's
/// data), while the conditional modes do not sum to zero.
#[test]
fn conditional_means_sum_to_zero_at_the_exact_maximum_on_real_data() {
    for name in ["grouseticks_log_nagq25", "answer_seed1_probit_nagq25"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/real/{name}.json"));
        let fixture: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        let design = build_design(&fixture);
        let fl = FamilyLink::from_names(fixture["model"]["family"].as_str().unwrap(), fixture["model"]["link"].as_str().unwrap()).unwrap();
        let t0 = Instant::now();
        let fit = marginal_exact(&design, fl).unwrap();
        println!("{name}: exact maximum in {:.1} ms, Σ E[b|y] = {:.2e}, Σ modes = {:.4}", t0.elapsed().as_secs_f64() * 1e3, fit.cond_means_sum, fit.ranef_sum);
        assert!(fit.cond_means_sum.abs() < tol::EXACT_MEANS_SUM, "{name}: {}", fit.cond_means_sum);
        assert!(fit.ranef_sum.abs() > 1e-3, "{name}: {}", fit.ranef_sum);
        // nAGQ = 25 is close to exact: its loglik and the exact maximum agree closely, the exact one not lower
        let agq = fixture["expected"]["loglik"].as_f64().unwrap();
        assert!(fit.loglik >= agq - 1e-6 && fit.loglik - agq < 1e-4, "{name}: exact {} vs AGQ {agq}", fit.loglik);
    }
}
