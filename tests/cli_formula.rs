//! `glmm-demo fit --csv FILE --formula F` as an R user meets it: lme4's numbers on the data sets that ship
//! with lme4 (the fixtures of tests/fixtures/real/), and one line with exit code 2 for bad input.

mod common;

use std::process::Command;

use common::tolerances as tol;
use serde_json::Value;

fn glmm_demo(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_glmm-demo"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("the binary runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/real/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Runs `fit` with the fixture's data, formula, family, link, nAGQ and factor columns.
fn fit_like(f: &Value) -> Value {
    let factors: Vec<&str> = f["data"]["factor_columns"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let factors = factors.join(",");
    let nagq = f["model"]["nagq"].as_u64().unwrap().to_string();
    let args = [
        "fit",
        "--csv",
        f["data"]["csv"].as_str().unwrap(),
        "--formula",
        f["model"]["formula"].as_str().unwrap(),
        "--family",
        f["model"]["family"].as_str().unwrap(),
        "--link",
        f["model"]["link"].as_str().unwrap(),
        "--nagq",
        &nagq,
        "--factor",
        &factors,
    ];
    let (code, stdout, stderr) = glmm_demo(&args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    serde_json::from_str(&stdout).expect("one JSON object")
}

fn close(what: &str, got: f64, want: f64, tol: f64) {
    assert!((got - want).abs() <= tol, "{what}: {got} vs lme4's {want}");
}

#[test]
fn cbpp_grouseticks_and_verbagg_print_lme4s_numbers() {
    for name in ["cbpp_logit_nagq1", "cbpp_logit_nagq25", "grouseticks_log_nagq1", "grouseticks_log_nagq25", "verbagg_logit_nagq1", "verbagg_probit_nagq1"] {
        let f = fixture(name);
        let e = &f["expected"];
        let out = fit_like(&f);
        let key = if f["model"]["nagq"] == 1 { "glmm_laplace" } else { "glmm_agq" };
        let m = &out["models"][key];
        for (j, n) in e["fixef_names"].as_array().unwrap().iter().enumerate() {
            let n = n.as_str().unwrap();
            close(&format!("{name} {n}"), m["fixef_named"][n].as_f64().unwrap(), e["fixef"][j].as_f64().unwrap(), tol::REAL_PARAMS);
        }
        close(&format!("{name} sigma_b"), m["sigma_b"].as_f64().unwrap(), e["sigma_b"].as_f64().unwrap(), tol::REAL_PARAMS);
        // lme4's logLik() as it prints it (nAGQ > 1 leaves out the saturated constant), and the true one.
        let lme4 = e["loglik_lme4_convention"].as_f64().unwrap();
        close(&format!("{name} logLik (lme4's convention)"), m["loglik_lme4_convention"].as_f64().unwrap(), lme4, tol::REAL_PARAMS);
        assert!(m["loglik"].as_f64().unwrap() >= e["loglik"].as_f64().unwrap() - tol::REAL_LOGLIK_FLOOR, "{name}: {}", m["loglik"]);
        assert_eq!(out["group_labels"], e["group_labels"], "{name}");
        // The page's point, on real data: the modes do not sum to zero, the exact maximum's means do.
        let exact_means = out["models"]["marginal_exact"]["cond_means_sum"].as_f64().unwrap();
        assert!(exact_means.abs() < 1e-8, "{name}: Σ E[b|y] = {exact_means} at the exact maximum");
        // The joint mode (the answer's opt1) is printed too, with its b̂ (summing to 0) and the means there.
        let joint = &out["models"]["joint_mode"];
        let groups = e["group_labels"].as_array().unwrap().len();
        assert_eq!(joint["ranef"].as_array().map(Vec::len), Some(groups), "{name}: {joint}");
        assert_eq!(joint["cond_means"].as_array().map(Vec::len), Some(groups), "{name}: {joint}");
        assert!(joint["ranef_sum"].as_f64().unwrap().abs() < tol::JOINT_MODE_IDENTITY, "{name}: {joint}");
    }
}

#[test]
fn sleepstudy_is_lmer() {
    let f = fixture("sleepstudy_lmer_reml");
    let (code, stdout, stderr) = glmm_demo(&[
        "fit", "--csv", "tests/data/sleepstudy.csv", "--formula", "Reaction ~ Days + (1 | Subject)", "--family", "gaussian",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    let m = &out["models"]["lmer"];
    let e = &f["expected"];
    close("sleepstudy sigma_b", m["sigma_b"].as_f64().unwrap(), e["sigma_b"].as_f64().unwrap(), tol::REAL_PARAMS);
    close("sleepstudy Days", m["fixef"][1].as_f64().unwrap(), e["fixef_named"]["Days"].as_f64().unwrap(), tol::REAL_PARAMS);
    assert!(out["models"]["lm_group"]["coef"].as_array().is_some_and(|c| c.len() == 19), "{}", out["models"]["lm_group"]);
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let cbpp = "tests/data/cbpp.csv";
    for (args, says) in [
        (vec!["fit", "--csv", cbpp, "--formula", "incidence ~ perod + (1 | herd)"], "perod"),
        (vec!["fit", "--csv", cbpp, "--formula", "incidence ~ period:size + (1 | herd)"], "interaction"),
        (vec!["fit", "--csv", cbpp, "--formula", "incidence ~ period + (period | herd)"], "random"),
        (vec!["fit", "--csv", cbpp, "--formula", "incidence ~ poly(size, 2) + (1 | herd)", "--family", "poisson"], "poly"),
        (vec!["fit", "--csv", cbpp, "--formula", "incidence ~ period + (1 | herd)", "--family", "poisson", "--link", "logit"], "poisson with log"),
        (vec!["fit", "--csv", cbpp, "--formula", "cbind(incidence, incidence - size) ~ period + (1 | herd)"], "trials"),
        (vec!["fit", "--formula", "y ~ x + (1 | g)"], "--csv"),
        (vec!["fit", "--factor", "herd"], "--formula"),
        (vec!["fit", "--csv", cbpp, "--formula", "incidence ~ period + (1 | herd)", "--nagq", "2.5"], "whole number"),
        (vec!["fit", "--csv", "tests/data/VerbAgg.csv", "--formula", "Gender ~ Anger + (1 | id)"], "Gender"),
        (vec!["fit", "--csv", "tests/data/sleepstudy.csv", "--formula", "Reaction ~ Days + (1 | Subject)", "--family", "poisson"], "whole"),
    ] {
        let (code, stdout, stderr) = glmm_demo(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?} should mention {says:?}: {stderr}");
    }
}

/// A small CSV written for one test (the bad inputs below need data that ship nowhere).
fn temp_csv(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("glmm-demo-cli-formula-{}-{name}.csv", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// The issue's list of bad inputs, each through `glmm-demo fit --csv … --formula …`: a group column with one
/// level, a text (factor) response, counts that are not whole numbers, negative trials, an unknown column
/// (fixed or group), a formula outside the grammar, a 0/1 response that is not 0/1, and no fixed effect.
#[test]
fn every_bad_input_of_the_issue_is_one_line_and_exit_code_2() {
    let one_level = temp_csv("one-level", "g,x,y\na,1,0\na,2,1\na,3,0\na,4,1\n");
    let trials = temp_csv("trials", "g,x,s,n\na,1,1,3\na,2,2,3\nb,1,0,-2\nb,2,1,3\n");
    let counts = temp_csv("counts", "g,x,s,f\na,1,1.5,2\na,2,2,1\nb,1,0,3\nb,2,1,2\n");
    let binary = temp_csv("binary", "g,x,y\na,1,0\na,2,2\nb,1,0\nb,2,1\n");
    let cbpp = "tests/data/cbpp.csv";
    for (args, says) in [
        (vec!["fit", "--csv", one_level.as_str(), "--formula", "y ~ x + (1 | g)"], "level"),
        (vec!["fit", "--csv", "tests/data/VerbAgg.csv", "--formula", "btype ~ Anger + (1 | id)"], "btype"),
        (vec!["fit", "--csv", counts.as_str(), "--formula", "cbind(s, f) ~ x + (1 | g)"], "whole numbers"),
        (vec!["fit", "--csv", trials.as_str(), "--formula", "cbind(s, n - s) ~ x + (1 | g)"], "must hold counts"),
        (vec!["fit", "--csv", cbpp, "--formula", "cbind(incidence, size - incidence) ~ period + (1 | hrd)"], "hrd"),
        (vec!["fit", "--csv", cbpp, "--formula", "incidence ~ log(size) + (1 | herd)", "--family", "poisson"], "log"),
        (vec!["fit", "--csv", binary.as_str(), "--formula", "y ~ x + (1 | g)"], "binomial"),
        (vec!["fit", "--csv", cbpp, "--formula", "incidence ~ 0 + (1 | herd)", "--family", "poisson"], "no fixed effect"),
    ] {
        let (code, stdout, stderr) = glmm_demo(&args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?} should mention {says:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    for path in [one_level, trials, counts, binary] {
        let _ = std::fs::remove_file(path);
    }
}
