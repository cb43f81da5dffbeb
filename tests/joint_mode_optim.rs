//! Our joint mode vs the answer's opt1 as R runs it (L-BFGS-B from (0, 0, 1, 0, …), σ ≥ 0.01,
//! factr = 4, then polished by Newton's method), on the random page configurations of
//! tests/fixtures/joint_mode/joint_mode_optim.json (written by tests/reference/make_joint_mode_fixtures.R;
//! no R needed here).
//!
//! For every configuration where R's end is clean (the polish confirms a local maximum of the kind its
//! verdict says) and ours fits: the same verdict (an interior mode, or the bound σ = 0.01), except at most
//! [`MAX_R_BOUND_OURS_INTERIOR`] where R's L-BFGS-B walks past our interior mode to the bound; for an
//! interior mode α, β, σ, z within [`tol::JOINT_MODE_VS_OPTIM`] and our joint log density at least
//! R's − [`tol::LOGLIK_FLOOR`]; on the bound the same bounded optimum. The claim our fit records for its
//! note is checked from the data as well. `-- --nocapture` prints the counts.

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;

use common::tolerances as tol;
use glmm_demo::claims::Claim;
use glmm_demo::data::{simulate, SimConfig};
use glmm_demo::models::logistic::joint_mode::{joint_mode, joint_mode_claim};
use glmm_demo::models::logistic::joint_mode_check::check_joint_mode_claim;

/// Fewer checked configurations than this and the test fails: it must not pass by skipping.
const MIN_CHECKED: usize = 180;

/// Configurations where R's L-BFGS-B ends on the bound σ = 0.01 while ours finds an interior local maximum
/// (checked to be one): L-BFGS-B moves (α, β, z) and σ together, not along the path of inner maxima, and
/// can walk past that maximum to the bound (17 of 197 on the current fixtures, none the other way round).
/// It is the start z = 0 that decides: there dJ/dσ = −G/σ, so σ falls before the z grow; started instead
/// from the inner maximum at σ = 1, where our walk starts, R's L-BFGS-B reaches our interior mode in every
/// one of these checked (the 11 with G ≤ 30), and the verdict does not depend on a numerical or exact gradient.
/// More than this, or any configuration where R finds an interior mode and ours does not, fails.
const MAX_R_BOUND_OURS_INTERIOR: usize = 17;

struct Entry {
    index: usize,
    config: SimConfig,
    r: Value,
}

fn load() -> Vec<Entry> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/joint_mode/joint_mode_optim.json");
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run Rscript tests/reference/make_joint_mode_fixtures.R)", path.display()));
    let v: Value = serde_json::from_str(&text).expect("valid JSON");
    v["entries"]
        .as_array()
        .expect("entries array")
        .iter()
        .enumerate()
        .map(|(i, e)| Entry {
            index: i + 1,
            config: serde_json::from_value(e["config"].clone())
                .unwrap_or_else(|err| panic!("entry {}: config is not a SimConfig: {err}", i + 1)),
            r: e["r"].clone(),
        })
        .collect()
}

fn num(r: &Value, key: &str) -> f64 {
    r[key].as_f64().unwrap_or_else(|| panic!("r.{key} missing or not a number"))
}

/// |ours − R| / max(1, |R|).
fn scaled(ours: f64, r: f64) -> f64 {
    (ours - r).abs() / r.abs().max(1.0)
}

#[test]
fn joint_mode_matches_the_answers_optim() {
    let entries = load();
    let mut failures = Vec::new();
    let (mut checked, mut interior, mut bound, mut not_clean, mut ours_error) = (0, 0, 0, 0, 0);
    let mut worst = [0.0f64; 4]; // alpha, beta, sigma, z
    let mut r_bound_ours_interior = Vec::new();
    for e in &entries {
        let tag = format!("entry {} ({:?})", e.index, e.config);
        if e.r["clean"].as_bool() != Some(true) {
            not_clean += 1;
            continue;
        }
        let data = simulate(&e.config).expect("fixture configs are valid");
        let fit = match joint_mode(&data) {
            Ok(f) => f,
            Err(_) => {
                ours_error += 1;
                continue;
            }
        };
        checked += 1;
        let claim = joint_mode_claim(&fit);
        if let Err(why) = check_joint_mode_claim(&data, &fit, &claim) {
            failures.push(format!("{tag}: our claim {claim:?} is false: {why}"));
        }
        let r_bound = e.r["at_bound"].as_bool().expect("at_bound");
        let ours_bound = matches!(claim, Claim::JointModeAtBound { .. });
        if r_bound && !ours_bound {
            r_bound_ours_interior.push(format!("{} (ours σ {:.4})", e.index, fit.sigma));
            continue;
        }
        if r_bound != ours_bound {
            failures.push(format!(
                "{tag}: verdict differs: R {} (σ {}), ours {} (σ {})",
                if r_bound { "bound" } else { "interior" },
                num(&e.r, "sigma"),
                if ours_bound { "bound" } else { "interior" },
                fit.sigma
            ));
            continue;
        }
        if r_bound {
            bound += 1;
        } else {
            interior += 1;
        }
        let devs = [
            scaled(fit.alpha, num(&e.r, "alpha")),
            scaled(fit.beta, num(&e.r, "beta")),
            scaled(fit.sigma, num(&e.r, "sigma")),
            fit.re
                .iter()
                .zip(e.r["z"].as_array().expect("z"))
                .map(|(o, r)| scaled(*o, r.as_f64().expect("z number")))
                .fold(0.0, f64::max),
        ];
        for (w, d) in worst.iter_mut().zip(devs) {
            *w = w.max(d);
        }
        if devs.iter().any(|d| !(*d <= tol::JOINT_MODE_VS_OPTIM)) {
            failures.push(format!(
                "{tag}: (α, β, σ, z) differ from R's by {devs:?} (scaled), tolerance {}",
                tol::JOINT_MODE_VS_OPTIM
            ));
        }
        let margin = fit.log_density - num(&e.r, "log_density");
        if margin < -tol::LOGLIK_FLOOR {
            failures.push(format!("{tag}: our joint log density is below R's by {:.3e}", -margin));
        }
    }
    println!(
        "joint mode vs R's opt1: {} configurations, {checked} checked ({interior} interior, {bound} on the bound \
         agreeing), {not_clean} where R's end is not a clean local maximum, {ours_error} where ours is an error \
         sentence; worst scaled deviation α {:.1e}, β {:.1e}, σ {:.1e}, z {:.1e}; R on the bound where ours is \
         interior: {} (entries {})",
        entries.len(),
        worst[0],
        worst[1],
        worst[2],
        worst[3],
        r_bound_ours_interior.len(),
        r_bound_ours_interior.join(", ")
    );
    assert!(failures.is_empty(), "{} failures:\n  {}", failures.len(), failures.join("\n  "));
    assert!(
        r_bound_ours_interior.len() <= MAX_R_BOUND_OURS_INTERIOR,
        "{} configurations where R's opt1 ends on the bound and ours is interior (at most {MAX_R_BOUND_OURS_INTERIOR})",
        r_bound_ours_interior.len()
    );
    assert!(checked >= MIN_CHECKED, "only {checked} configurations checked (minimum {MIN_CHECKED})");
    assert!(interior >= 20 && bound >= 20, "too few of one verdict: {interior} interior, {bound} bound");
}
