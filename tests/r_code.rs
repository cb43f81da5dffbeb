//! The R script of `glmm_demo::r_code` run in R, compared with `fit_all` on the same parameters.
//!
//! Skipped (with a printed note) when `Rscript` or lme4 is not installed: R is optional for the project's
//! tests. The script prints full-precision `GLMM_DEMO_CHECK` lines when that environment variable is set.
//!
//! Tolerances: the data must be identical; lm agrees to 1e-8; glm to 1e-7, because glm's default IRLS
//! stops once the deviance changes by less than 1e-8 relative, which leaves its coefficients up to ~2e-8
//! from the optimum (the script keeps R's defaults: it is what students run); lmer to 1e-6; glmer to
//! 5e-4 (ranef and conditional means 1e-3), because lme4's default optimiser stops about 1e-5 (relative
//! gradient) short of the optimum our fits reach; R's conditional means at nAGQ >= 25 sum to zero
//! within 1e-4. Run with `-- --nocapture` to see the largest deviations.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::process::Command;

use serde_json::json;

use glmm_demo::data::simulate;
use glmm_demo::models::fit_all;
use glmm_demo::params::Params;
use glmm_demo::r_code::r_script;
use glmm_demo::report::{GlmFit, LmFit, Outcome};

/// Whether R with lme4 can run the script; prints why not.
fn r_available() -> bool {
    let found = Command::new("which").arg("Rscript").output().map(|o| o.status.success()).unwrap_or(false);
    if !found {
        println!("note: Rscript is not on PATH, so the R comparison is skipped (R is optional).");
        return false;
    }
    let lme4 = Command::new("Rscript")
        .args(["-e", "quit(status = if (requireNamespace('lme4', quietly = TRUE)) 0 else 1)"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !lme4 {
        println!("note: the R package lme4 is not installed, so the R comparison is skipped.");
    }
    lme4
}

/// Runs the script for `p` and returns its `GLMM_DEMO_CHECK name values...` lines.
fn run_in_r(p: &Params, tag: &str) -> HashMap<String, Vec<f64>> {
    let path = std::env::temp_dir().join(format!("glmm-demo-r-code-{tag}-{}.R", std::process::id()));
    std::fs::write(&path, r_script(p)).expect("temp file");
    let out = Command::new("Rscript").arg(&path).env("GLMM_DEMO_CHECK", "1").output().expect("Rscript runs");
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "Rscript failed:\n{}\n{}", stdout, String::from_utf8_lossy(&out.stderr));
    let mut lines = HashMap::new();
    for l in stdout.lines() {
        let mut w = l.split_whitespace();
        if w.next() != Some("GLMM_DEMO_CHECK") {
            continue;
        }
        let name = w.next().expect("a name").to_string();
        let v: Vec<f64> = w.map(|x| x.parse().unwrap_or_else(|_| panic!("{name}: {x} is not a number"))).collect();
        lines.insert(name, v);
    }
    assert!(!lines.is_empty(), "no GLMM_DEMO_CHECK lines:\n{stdout}");
    lines
}

/// Largest deviations, by what was compared.
#[derive(Default, Debug)]
struct Deviations(Vec<(String, f64)>);

impl Deviations {
    /// Asserts |r - ours| <= tol elementwise and records the largest deviation.
    fn check(&mut self, what: &str, r: &[f64], ours: &[f64], tol: f64) {
        assert_eq!(r.len(), ours.len(), "{what}: R gives {r:?}, we give {ours:?}");
        let dev = r.iter().zip(ours).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(dev <= tol, "{what}: R {r:?} vs ours {ours:?} (max deviation {dev:.3e} > {tol:.0e})");
        self.0.push((what.to_string(), dev));
    }
}

fn compare(p: &Params, tag: &str) {
    let r = run_in_r(p, tag);
    let get = |k: &str| r.get(k).unwrap_or_else(|| panic!("R printed no {k}")).as_slice();
    let data = simulate(&p.to_sim_config()).expect("valid parameters");
    let report = fit_all(&data, &p.fit_options());
    let mut dev = Deviations::default();

    // The data: identical.
    assert_eq!(get("thresholds"), p.thresholds.as_slice(), "R reads the 17-digit thresholds exactly");
    assert_eq!(get("sum_ybin"), &[data.sum_ybin()][..]);
    dev.check("head_x", get("head_x"), &data.x[..data.x.len().min(5)], 1e-15);

    let fit = |name: &str, o: &Outcome<LmFit>| o.fit().unwrap_or_else(|| panic!("{name} failed")).coef.clone();
    dev.check("lm_pooled", get("lm_pooled"), &fit("lm_pooled", &report.lm_pooled), 1e-8);
    dev.check("lm_group", get("lm_group"), &fit("lm_group", &report.lm_group), 1e-8);
    let glm = |name: &str, o: &Outcome<GlmFit>| o.fit().unwrap_or_else(|| panic!("{name} failed")).coef.clone();
    dev.check("glm_pooled", get("glm_pooled"), &glm("glm_pooled", &report.glm_pooled), 1e-7);
    dev.check("glm_group", get("glm_group"), &glm("glm_group", &report.glm_group), 1e-7);

    let lmm = report.lmm.fit().expect("lmer fits");
    dev.check("lmm_fixef", get("lmm_fixef"), &lmm.fixef, 1e-6);
    dev.check("lmm_theta", get("lmm_theta"), &[lmm.theta], 1e-6);
    dev.check("lmm_ranef", get("lmm_ranef"), &lmm.ranef, 1e-6);

    for (name, fit) in [("glmm_laplace", &report.glmm_laplace), ("glmm_agq", &report.glmm_agq)] {
        let f = fit.fit().unwrap_or_else(|| panic!("{name} failed"));
        dev.check(&format!("{name}_fixef"), get(&format!("{name}_fixef")), &f.fixef, 5e-4);
        dev.check(&format!("{name}_theta"), get(&format!("{name}_theta")), &[f.sigma_b], 5e-4);
        dev.check(&format!("{name}_ranef"), get(&format!("{name}_ranef")), &f.ranef, 1e-3);
    }
    let agq = report.glmm_agq.fit().expect("glmer fits");
    let means = get("glmm_agq_cond_means");
    dev.check("glmm_agq_cond_means", means, &agq.cond_means, 1e-3);
    let sum: f64 = means.iter().sum();
    if p.nagq >= 25 {
        assert!(sum.abs() < 1e-4, "R's conditional means sum to {sum:e}, not ~0");
    }
    dev.0.push(("R: sum of conditional means".into(), sum.abs()));

    println!("R vs glmm-demo, {tag} (max |deviation|):");
    for (what, d) in &dev.0 {
        println!("  {what:<28} {d:.2e}");
    }
}

#[test]
fn the_answer_in_r() {
    if r_available() {
        compare(&Params::default(), "answer");
    }
}

#[test]
fn three_custom_groups_in_r() {
    if r_available() {
        let p = Params::default()
            .merge(&json!({
                "seed": 7, "groups": 3, "n": 150, "thresholds": [0.6, 0.35, 0.15],
                "y_coef": 0.8, "spacing": 1.5, "center": false, "nagq": 25
            }))
            .expect("valid");
        compare(&p, "g3");
    }
}
