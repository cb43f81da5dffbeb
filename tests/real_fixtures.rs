//! The general GLMM engine (`models::glmm`) against lme4 on real data: every fixture in
//! tests/fixtures/real/ (written by tests/reference/make_real_fixtures.R: cbpp, grouseticks, VerbAgg with
//! three links, the answer's data with probit and cloglog; nAGQ 1, 25, 100).
//!
//! Each fixture's expected numbers are at the tight optimum of lme4's own objective (glmer), at the
//! maximum of the exact likelihood (`_marginal`, by AGQ with 100 nodes checked against integrate()), or
//! R's glm (`_glm`). The design is built from the CSV and the formula as the CLI builds it (the data
//! layer's `ModelFrame`); the group levels must be the fixture's, in its order.
//! `cargo test --release --test real_fixtures -- --nocapture` prints the deviations and the time of each fit.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use common::tolerances as tol;
use glmm_demo::data::formula::Formula;
use glmm_demo::data::frame::Frame;
use glmm_demo::data::grouped_design::GroupedDesign;
use glmm_demo::data::model_frame::ModelFrame;
use glmm_demo::models::glmm::family::{BinomialCloglog, BinomialLogit, BinomialProbit, PoissonLog};
use glmm_demo::models::glmm::glm::{glm_pooled, GlmResult};
use glmm_demo::models::design_fit::{fit_design, DesignFitOptions, DesignModels, ModelFamily};
use glmm_demo::models::glmm::{glm_group_for, glmer, joint_mode, marginal_exact, FamilyLink, GlmmResult};

/// The fixtures of one kind: names ending in `_nagq<K>` (glmer), `_marginal` (exact maximum) or `_glm`.
fn fixture_paths(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| {
            let stem = p.file_stem().unwrap().to_str().unwrap();
            match kind {
                "glmer" => stem.rsplit_once("_nagq").is_some_and(|(_, k)| k.parse::<usize>().is_ok()),
                _ => stem.ends_with(&format!("_{kind}")),
            }
        })
        .collect();
    paths.sort();
    paths
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The design of `formula` on the fixture's CSV, built as the CLI builds it (data layer's ModelFrame).
fn build_design(fixture: &Value, formula: &str) -> GroupedDesign {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let csv = fs::read_to_string(root.join(fixture["data"]["csv"].as_str().unwrap())).unwrap();
    let frame = Frame::from_csv(&csv).unwrap();
    let factors: Vec<String> = fixture["data"]["factor_columns"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    let formula = Formula::parse(formula).unwrap();
    ModelFrame::build(&frame, &formula, &factors).unwrap().design
}

fn family_of(fixture: &Value) -> FamilyLink {
    FamilyLink::from_names(fixture["model"]["family"].as_str().unwrap(), fixture["model"]["link"].as_str().unwrap()).unwrap()
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
    let paths = fixture_paths("glmer");
    assert_eq!(paths.len(), 16, "the 16 glmer fixtures on real data");
    for path in paths {
        let fixture = load(&path);
        let name = fixture["name"].as_str().unwrap().to_string();
        let design = build_design(&fixture, fixture["model"]["formula"].as_str().unwrap());
        let e = &fixture["expected"];
        let labels: Vec<String> = e["group_labels"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert_eq!(design.group_labels, labels, "{name}: group levels in R's order");
        let fl = family_of(&fixture);
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

/// For EVERY family and link of the fixtures (cbpp logit, grouseticks Poisson, VerbAgg logit/probit/cloglog,
/// the answer's data probit/cloglog), every GLMM model of `fit_design` (what `glmm-demo fit --formula`
/// prints) carries its conditional modes and conditional means with their sums, and:
/// - at the maximum of the exact marginal likelihood Σ_g E[b_g | y] = 0, because α and b_g enter only through
///   α + b_g (so ∂ log L/∂α = Σ_g E[b_g | y]/σ_b²), while the conditional modes do not sum to zero;
/// - at the joint mode the b̂_g sum to zero for the same reason (the scores of α and of each b_g), and
///   σ̂_b² = Σ b̂_g²/G (∂J/∂σ = 0);
/// - nAGQ = 25 is close to exact: the exact maximum's log-likelihood is not below it and within 1e-4.
#[test]
fn every_family_and_link_the_means_sum_to_zero_at_the_exact_maximum_and_the_modes_do_not() {
    let paths = fixture_paths("marginal");
    assert_eq!(paths.len(), 7, "the exact-maximum fixtures");
    let mut seen = std::collections::BTreeSet::new();
    for path in paths {
        let fixture = load(&path);
        let name = fixture["name"].as_str().unwrap().to_string();
        let formula = fixture["model"]["formula"].as_str().unwrap();
        let design = build_design(&fixture, formula);
        let fl = family_of(&fixture);
        seen.insert(format!("{fl:?}"));
        let opts = DesignFitOptions { family: ModelFamily::Glmm(fl), nagq: 1, reml: true };
        let t0 = Instant::now();
        let fit = fit_design(&design, formula, 0, &opts);
        let DesignModels::Glmm { glmm_laplace, joint_mode, marginal_exact, .. } = &fit.models else { panic!("{name}: not a GLMM") };
        let (laplace, joint, exact) = (glmm_laplace.fit().unwrap(), joint_mode.fit().unwrap(), marginal_exact.fit().unwrap());
        println!(
            "{name:30} {:9.1} ms  exact: Σ E[b|y] = {:+.1e}, Σ modes = {:+.4}  joint mode: σ_b = {:.4}, Σ b = {:+.1e}",
            t0.elapsed().as_secs_f64() * 1e3,
            exact.cond_means_sum,
            exact.ranef_sum,
            joint.sigma_b,
            joint.ranef_sum
        );
        let g = design.n_groups();
        for (model, ranef, ranef_sum, means, means_sum) in [
            ("glmm_laplace", &laplace.ranef, laplace.ranef_sum, &laplace.cond_means, laplace.cond_means_sum),
            ("marginal_exact", &exact.ranef, exact.ranef_sum, &exact.cond_means, exact.cond_means_sum),
            ("joint_mode", &joint.ranef, joint.ranef_sum, &joint.cond_means, joint.cond_means_sum),
        ] {
            assert_eq!((ranef.len(), means.len()), (g, g), "{name} {model}: one mode and one mean per group");
            assert!((ranef.iter().sum::<f64>() - ranef_sum).abs() < 1e-12, "{name} {model}: ranef_sum");
            assert!((means.iter().sum::<f64>() - means_sum).abs() < 1e-12, "{name} {model}: cond_means_sum");
        }
        assert!(exact.cond_means_sum.abs() < tol::EXACT_MEANS_SUM, "{name}: Σ E[b|y] = {}", exact.cond_means_sum);
        assert!(exact.ranef_sum.abs() > tol::MODES_SUM_NONZERO, "{name}: Σ modes = {}", exact.ranef_sum);
        if !joint.at_bound {
            assert!(joint.ranef_sum.abs() < tol::JOINT_MODE_IDENTITY, "{name}: Σ b̂ = {}", joint.ranef_sum);
            let mean_square = joint.ranef.iter().map(|b| b * b).sum::<f64>() / g as f64;
            assert!((mean_square - joint.sigma_b.powi(2)).abs() < tol::JOINT_MODE_IDENTITY, "{name}: σ̂² = {} vs Σb̂²/G = {mean_square}", joint.sigma_b.powi(2));
        }
        let agq = load(&path.with_file_name(format!("{}_nagq25.json", name.trim_end_matches("_marginal"))));
        let agq = agq["expected"]["loglik"].as_f64().unwrap();
        assert!(exact.loglik >= agq - 1e-6 && exact.loglik - agq < 1e-4, "{name}: exact {} vs AGQ {agq}", exact.loglik);
    }
    assert_eq!(seen.len(), 4, "every family and link: {seen:?}");
}

/// The general engine's joint mode with the logit link is the lesson's (`logistic::joint_mode`, the answer's
/// opt1) on the answer's data.
#[test]
fn logit_joint_mode_is_the_lessons_on_the_answers_data() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/answer_seed1.csv");
    let data = glmm_demo::data::csv::read_csv(&fs::read_to_string(path).unwrap()).unwrap();
    let lesson = glmm_demo::models::logistic::joint_mode::joint_mode(&data).unwrap();
    let ours = joint_mode(&GroupedDesign::from_dataset(&data), FamilyLink::BinomialLogit).unwrap();
    println!("joint mode: ours α {} β {} σ {} vs the lesson's {} {} {}", ours.fixef[0], ours.fixef[1], ours.sigma_b, lesson.alpha, lesson.beta, lesson.sigma);
    let close = |what: &str, a: f64, b: f64| assert!((a - b).abs() <= tol::JOINT_MODE_VS_LESSON * b.abs().max(1.0), "{what}: {a} vs the lesson's {b}");
    close("alpha", ours.fixef[0], lesson.alpha);
    close("beta", ours.fixef[1], lesson.beta);
    close("sigma", ours.sigma_b, lesson.sigma);
    assert_eq!(ours.ranef.len(), lesson.re.len());
    for (a, b) in ours.ranef.iter().zip(&lesson.re) {
        close("b", *a, *b);
    }
    close("re_sum", ours.ranef_sum, lesson.re_sum);
    close("log_density", ours.log_density, lesson.log_density);
    assert!(!ours.at_bound);
}

/// The maximum of the exact marginal likelihood (`*_marginal.json`): parameters, conditional means (summing
/// to 0) and modes, and the exact log-likelihood, never below R's.
#[test]
fn exact_maximum_matches_r_on_real_data() {
    let paths = fixture_paths("marginal");
    assert_eq!(paths.len(), 7, "the exact-maximum fixtures");
    let mut failures = Vec::new();
    for path in paths {
        let fixture = load(&path);
        let name = fixture["name"].as_str().unwrap().to_string();
        let e = &fixture["expected"];
        let design = build_design(&fixture, fixture["model"]["formula"].as_str().unwrap());
        let t0 = Instant::now();
        let fit = match marginal_exact(&design, family_of(&fixture)) {
            Ok(f) => f,
            Err(err) => {
                failures.push(format!("{name}: {err}"));
                continue;
            }
        };
        println!(
            "{name:30} {:9.1} ms  fixef dev {:.1e}  σ_b dev {:.1e}  loglik − R {:+.1e}  Σ E[b|y] {:.1e}",
            t0.elapsed().as_secs_f64() * 1e3,
            max_dev(&fit.fixef, &floats(&e["fixef"])),
            (fit.sigma_b - e["sigma_b"].as_f64().unwrap()).abs(),
            fit.loglik - e["loglik"].as_f64().unwrap(),
            fit.cond_means_sum
        );
        let mut check = |what: &str, dev: f64, limit: f64| {
            if !(dev <= limit) {
                failures.push(format!("{name}: {what} deviates by {dev:.3e} (limit {limit:.0e})"));
            }
        };
        check("fixef", max_dev(&fit.fixef, &floats(&e["fixef"])), tol::REAL_PARAMS);
        check("sigma_b", (fit.sigma_b - e["sigma_b"].as_f64().unwrap()).abs(), tol::REAL_PARAMS);
        check("cond_means", max_dev(&fit.cond_means, &floats(&e["cond_means"])), tol::REAL_PARAMS);
        check("cond_means_sum", fit.cond_means_sum.abs(), tol::EXACT_MEANS_SUM);
        check("cond_modes", max_dev(&fit.ranef, &floats(&e["cond_modes"])), tol::REAL_PARAMS);
        let ll = e["loglik"].as_f64().unwrap();
        check("loglik (below R's)", ll - fit.loglik, tol::REAL_LOGLIK_FLOOR);
        check("loglik", (fit.loglik - ll).abs(), tol::REAL_LOGLIK_FLOOR);
        check("saturated_constant", (fit.saturated_constant - e["saturated_constant"].as_f64().unwrap()).abs(), tol::OPTIMUM_VALUE);
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

fn pooled_glm(design: &GroupedDesign, family: FamilyLink) -> GlmResult {
    match family {
        FamilyLink::BinomialLogit => glm_pooled::<BinomialLogit>(design),
        FamilyLink::BinomialProbit => glm_pooled::<BinomialProbit>(design),
        FamilyLink::BinomialCloglog => glm_pooled::<BinomialCloglog>(design),
        FamilyLink::PoissonLog => glm_pooled::<PoissonLog>(design),
    }
    .unwrap()
}

/// The pooled GLM (`*_glm.json`, key glm_pooled): coefficients, deviance and log-likelihood as R's glm.
#[test]
fn pooled_glm_matches_r_on_real_data() {
    let paths = fixture_paths("glm");
    assert_eq!(paths.len(), 7, "the GLM fixtures");
    for path in paths {
        let fixture = load(&path);
        let name = fixture["name"].as_str().unwrap().to_string();
        let e = &fixture["expected"]["glm_pooled"];
        // the pooled formula with the grouping factor of the per-group one as (1 | group): same rows, same X
        let group = fixture["model"]["formula_group"].as_str().unwrap().rsplit('+').next().unwrap().trim().to_string();
        let formula = format!("{} + (1 | {group})", fixture["model"]["formula_pooled"].as_str().unwrap());
        let design = build_design(&fixture, &formula);
        let fit = pooled_glm(&design, family_of(&fixture));
        let names: Vec<String> = e["coef_names"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert_eq!(fit.names, names, "{name}");
        let scaled = |a: f64, b: f64| (a - b).abs() / b.abs().max(1.0);
        for (a, b) in fit.coef.iter().zip(floats(&e["coef"])) {
            assert!(scaled(*a, b) <= tol::GLM, "{name}: coef {a} vs {b}");
        }
        assert!(scaled(fit.deviance, e["deviance"].as_f64().unwrap()) <= tol::GLM, "{name}: deviance {}", fit.deviance);
        assert!(scaled(fit.loglik, e["loglik"].as_f64().unwrap()) <= tol::GLM, "{name}: loglik {}", fit.loglik);
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

/// The per-group GLM (`*_glm.json`, key glm_group): R's glm on `fixed terms + group` with the separated groups'
/// rows left out and the aliased columns dropped; coefficients (all of them for ≤ 150 groups), deviance,
/// log-likelihood, the separated groups and the aliased columns (coefficients of probit and cloglog fits to
/// GLM_NONCANONICAL_COEF: R's Fisher scoring stops short there).
#[test]
fn per_group_glm_matches_r_on_real_data() {
    let paths = fixture_paths("glm");
    assert_eq!(paths.len(), 7, "the GLM fixtures");
    let scaled = |a: f64, b: f64| (a - b).abs() / b.abs().max(1.0);
    let mut failures = Vec::new();
    for path in paths {
        let fixture = load(&path);
        let name = fixture["name"].as_str().unwrap().to_string();
        let e = &fixture["expected"]["glm_group"];
        let group = fixture["model"]["formula_group"].as_str().unwrap().rsplit('+').next().unwrap().trim().to_string();
        let formula = format!("{} + (1 | {group})", fixture["model"]["formula_pooled"].as_str().unwrap());
        let design = build_design(&fixture, &formula);
        let t0 = Instant::now();
        let fit = glm_group_for(&design, family_of(&fixture)).unwrap();
        let fixed = e["fixed_coef_named"].as_object().unwrap();
        let canonical = matches!(family_of(&fixture), FamilyLink::BinomialLogit | FamilyLink::PoissonLog);
        let coef_tol = if canonical { tol::GLM } else { tol::GLM_NONCANONICAL_COEF };
        let fixed_dev = fit.fixed_coef_named.iter().map(|(n, v)| scaled(*v, fixed[n.as_str()].as_f64().unwrap_or(f64::NAN))).fold(0.0, f64::max);
        println!(
            "{name:30} glm_group {:8.1} ms  {} iterations  fixed coef dev {fixed_dev:.1e}  loglik − R {:+.1e}",
            t0.elapsed().as_secs_f64() * 1e3,
            fit.iterations,
            fit.loglik - e["loglik"].as_f64().unwrap()
        );
        assert_eq!(fit.separated_groups, strings(&e["separated_groups"]), "{name}");
        assert_eq!(fit.aliased, strings(&e["aliased"]), "{name}");
        assert_eq!(fit.n_group_coef as u64, e["n_group_coef"].as_u64().unwrap(), "{name}");
        assert_eq!(fit.df_residual as u64, e["df_residual"].as_u64().unwrap(), "{name}");
        assert_eq!(fit.reference_group, e["reference_group"].as_str().unwrap(), "{name}");
        assert_eq!(fit.fixed_coef_named.len(), fixed.len(), "{name}");
        for (n, v) in &fit.fixed_coef_named {
            let r = fixed[n.as_str()].as_f64().unwrap();
            if scaled(*v, r).is_nan() || scaled(*v, r) > coef_tol {
                failures.push(format!("{name}: {n} {v} vs {r}"));
            }
        }
        assert!(scaled(fit.deviance, e["deviance"].as_f64().unwrap()) <= tol::GLM, "{name}: deviance {}", fit.deviance);
        assert!(scaled(fit.loglik, e["loglik"].as_f64().unwrap()) <= tol::GLM, "{name}: loglik {}", fit.loglik);
        assert_eq!(fit.note.is_some(), !fit.separated_groups.is_empty() || !fit.aliased.is_empty(), "{name}");
        if let Some(coef) = e.get("coef") {
            assert_eq!(fit.names, strings(&e["coef_names"]), "{name}");
            for ((n, a), b) in fit.names.iter().zip(&fit.coef).zip(floats(coef)) {
                assert!(scaled(*a, b) <= coef_tol, "{name}: {n} {a} vs {b}");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
