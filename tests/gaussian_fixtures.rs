//! The Gaussian family on the general grouped design against R on lme4's sleepstudy
//! (tests/fixtures/real/sleepstudy_{lm,lmer_reml,lmer_ml}.json, made by tests/reference/make_real_fixtures.R):
//! `Reaction ~ Days (+ Subject)` by lm, and `Reaction ~ Days + (1 | Subject)` by lmer, REML and ML.
//!
//! The design is built here by hand from tests/data/sleepstudy.csv: X = [1, Days], the response Reaction, the
//! group Subject with its levels in R's order (the labels sorted as strings).

mod common;

use common::tolerances::{LM, LOGLIK_FLOOR, OPTIMUM_VALUE, TIGHT};
use glmm_demo::data::grouped_design::{DesignGroup, GroupedDesign};
use glmm_demo::models::gaussian::{lm, lm_group, lmer};
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn sleepstudy() -> GroupedDesign {
    let text = std::fs::read_to_string(format!("{ROOT}/tests/data/sleepstudy.csv")).expect("sleepstudy.csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("Reaction,Days,Subject"));
    let rows: Vec<(f64, f64, String)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().expect("Reaction"), f[1].parse().expect("Days"), f[2].to_string())
        })
        .collect();
    let mut labels: Vec<String> = rows.iter().map(|r| r.2.clone()).collect();
    labels.sort();
    labels.dedup();
    let mut groups: Vec<DesignGroup> =
        labels.iter().map(|_| DesignGroup { x: vec![], y: vec![], trials: vec![], rows: vec![] }).collect();
    for (i, (reaction, days, subject)) in rows.iter().enumerate() {
        let g = labels.binary_search(subject).expect("a level");
        groups[g].x.extend([1.0, *days]);
        groups[g].y.push(*reaction);
        groups[g].trials.push(1.0);
        groups[g].rows.push(i);
    }
    GroupedDesign {
        names: vec!["(Intercept)".into(), "Days".into()],
        response: "Reaction".into(),
        group_name: "Subject".into(),
        group_labels: labels,
        groups,
    }
}

fn fixture(name: &str) -> Value {
    let path = format!("{ROOT}/tests/fixtures/real/{name}.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("JSON")
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}")).iter().map(num).collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}")).iter().map(|s| s.as_str().unwrap_or("").to_string()).collect()
}

/// |ours − R| ≤ tol · max(1, |R|) (the scaled deviation of tests/common/tolerances.rs).
fn close(what: &str, ours: f64, r: f64, tol: f64) {
    let dev = (ours - r).abs() / r.abs().max(1.0);
    assert!(dev <= tol, "{what}: ours {ours:.17} vs R {r:.17} (scaled deviation {dev:.2e} > {tol:.0e})");
}

fn close_all(what: &str, ours: &[f64], r: &[f64], tol: f64) {
    assert_eq!(ours.len(), r.len(), "{what}: length");
    for (i, (a, b)) in ours.iter().zip(r).enumerate() {
        close(&format!("{what}[{i}]"), *a, *b, tol);
    }
}

#[test]
fn the_design_has_rs_levels_and_rows() {
    let d = sleepstudy();
    let f = fixture("sleepstudy_lmer_reml");
    assert_eq!(d.n_obs(), 180);
    assert_eq!(d.group_labels, strings(&f["expected"]["group_labels"]));
    assert!(d.groups.iter().all(|g| g.n_obs() == 10));
}

#[test]
fn lm_pooled_and_per_subject_match_r() {
    let d = sleepstudy();
    let f = fixture("sleepstudy_lm");
    for (key, fit) in [("lm_pooled", lm(&d).expect("lm")), ("lm_group", lm_group(&d).expect("lm + Subject"))] {
        let e = &f["expected"][key];
        assert_eq!(fit.names, strings(&e["coef_names"]), "{key} names");
        close_all(&format!("{key}.coef"), &fit.coef, &nums(&e["coef"]), LM);
        close(&format!("{key}.sigma"), fit.sigma, num(&e["sigma"]), LM);
        close(&format!("{key}.rss"), fit.rss, num(&e["rss"]), LM);
        close(&format!("{key}.loglik"), fit.loglik, num(&e["loglik"]), LM);
        assert_eq!(fit.df_residual as f64, num(&e["df_residual"]), "{key} df");
        close(&format!("{key} coef Days by name"), fit.coef_named("Days").unwrap_or(f64::NAN), num(&e["coef_named"]["Days"]), LM);
    }
}

#[test]
fn lmer_reml_and_ml_match_the_tight_optimum() {
    let d = sleepstudy();
    for (name, reml, crit_key) in [("sleepstudy_lmer_reml", true, "reml_crit"), ("sleepstudy_lmer_ml", false, "deviance")] {
        let e = &fixture(name)["expected"];
        let fit = lmer(&d, reml).expect("lmer");
        assert_eq!(fit.reml, e["reml"].as_bool().unwrap_or(!reml), "{name} reml");
        assert_eq!(fit.singular, e["singular"].as_bool().unwrap_or(true), "{name} singular");
        assert_eq!(fit.names, strings(&e["fixef_names"]), "{name} names");
        assert_eq!(fit.group_labels, strings(&e["group_labels"]), "{name} group labels");
        close_all(&format!("{name}.fixef"), &fit.fixef, &nums(&e["fixef"]), TIGHT);
        close(&format!("{name}.sigma"), fit.sigma, num(&e["sigma"]), TIGHT);
        close(&format!("{name}.sigma_b"), fit.sigma_b, num(&e["sigma_b"]), TIGHT);
        close(&format!("{name}.theta"), fit.theta, num(&e["theta"]), TIGHT);
        close_all(&format!("{name}.ranef"), &fit.ranef, &nums(&e["ranef"]), TIGHT);
        close(&format!("{name}.ranef_sum"), fit.ranef_sum, num(&e["ranef_sum"]), TIGHT);
        close(&format!("{name}.{crit_key}"), fit.criterion, num(&e[crit_key]), OPTIMUM_VALUE);
        close(&format!("{name}.loglik"), fit.loglik, num(&e["loglik"]), OPTIMUM_VALUE);
        // at least as good an optimum as lme4's default fit
        let default = num(&e["lme4_default"][crit_key]);
        assert!(fit.criterion <= default + 2.0 * LOGLIK_FLOOR, "{name}: {} above lme4's default {default}", fit.criterion);
        println!(
            "{name}: {crit_key} {:.12} (R {:.12}), sigma_b {:.10}, max |ranef - R| {:.2e}",
            fit.criterion,
            num(&e[crit_key]),
            fit.sigma_b,
            fit.ranef.iter().zip(nums(&e["ranef"])).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max)
        );
    }
}
