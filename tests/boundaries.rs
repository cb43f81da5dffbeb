//! Boundary cases of issue 6, each asserting what the user sees: the sentence a model shows instead of a
//! fit (`glmm-demo fit` prints it under `"error"`, the page in the model's table row), or the fit itself.
//! docs/boundary-cases.md lists the same cases and sentences for the README.
//!
//! Everything goes through `fit_all`, as the CLI and the page do; CSV cases go through `read_csv` first,
//! as `glmm-demo fit --csv` does. Known bugs, when there are any, are pinned by tests marked
//! `#[ignore = "known bug …"]` that state the behaviour that is right and fail until it is fixed.
#![cfg(not(target_arch = "wasm32"))]

use glmm_demo::data::csv::{read_csv, write_csv};
use glmm_demo::data::{simulate, Dataset, Preset, SimConfig};
use glmm_demo::models::{fit_all, FitOptions};
use glmm_demo::report::{FitReport, Outcome};

const LM: &str = "lm(y ~ x)";
const LM_GROUP: &str = "lm(y ~ x + factor(group))";
const LMER: &str = "lmer(y ~ x + (1|group))";
const GLM: &str = "glm(y_bin ~ x)";
const GLM_GROUP: &str = "glm(y_bin ~ x + factor(group))";
const GLMER_1: &str = "glmer(y_bin ~ x + (1|group), nAGQ = 1)";
const GLMER_K: &str = "glmer(y_bin ~ x + (1|group), nAGQ > 1)";
const JOINT: &str = "The joint mode";
const MARGINAL: &str = "The exact marginal likelihood";

fn answer() -> SimConfig {
    SimConfig::preset(Preset::Answer)
}

fn with(mut c: SimConfig, f: impl FnOnce(&mut SimConfig)) -> SimConfig {
    f(&mut c);
    c
}

/// `fit_all` as the CLI and the page call it. How long each case takes is reported by the benchmarks
/// (`benches/fits.rs`, group `boundary`), not asserted here.
fn fit(data: &Dataset) -> FitReport {
    fit_all(data, &FitOptions::default())
}

fn fit_sim(c: &SimConfig) -> (Dataset, FitReport) {
    let d = simulate(c).unwrap_or_else(|e| panic!("{c:?}: {e}"));
    let r = fit(&d);
    (d, r)
}

/// The data as `glmm-demo fit --csv` reads them.
fn fit_csv(text: &str) -> FitReport {
    fit(&read_csv(text).unwrap_or_else(|e| panic!("{e}")))
}

fn error<T: std::fmt::Debug>(name: &str, o: &Outcome<T>) -> String {
    match o {
        Outcome::Failed { error } => error.clone(),
        Outcome::Fit(f) => panic!("{name} fitted where a sentence was expected: {f:?}"),
    }
}

fn fitted<'a, T>(name: &str, o: &'a Outcome<T>) -> &'a T {
    match o {
        Outcome::Fit(f) => f,
        Outcome::Failed { error } => panic!("{name} did not fit: {error}"),
    }
}

/// The nine models' outcomes as (key, R call or name, sentence if failed).
/// Both glmer fits, the joint mode and the exact marginal say `sentence(name)`; with `others_fit`, every
/// other model but glm + group is fitted.
fn glmer_type_models_say(r: &FitReport, others_fit: bool, sentence: impl Fn(&str) -> String) {
    for (key, name, e) in sentences(r) {
        match key {
            "glmm_laplace" | "glmm_agq" | "joint_mode" | "marginal_exact" => {
                assert_eq!(e.as_deref(), Some(sentence(name).as_str()), "{key}")
            }
            "glm_group" => {}
            _ if others_fit => assert!(e.is_none(), "{key}: {e:?}"),
            _ => {}
        }
    }
}

fn sentences(r: &FitReport) -> Vec<(&'static str, &'static str, Option<String>)> {
    fn s<T>(o: &Outcome<T>) -> Option<String> {
        match o {
            Outcome::Failed { error } => Some(error.clone()),
            Outcome::Fit(_) => None,
        }
    }
    vec![
        ("lm_pooled", LM, s(&r.lm_pooled)),
        ("lm_group", LM_GROUP, s(&r.lm_group)),
        ("lmm", LMER, s(&r.lmm)),
        ("glm_pooled", GLM, s(&r.glm_pooled)),
        ("glm_group", GLM_GROUP, s(&r.glm_group)),
        ("glmm_laplace", GLMER_1, s(&r.glmm_laplace)),
        ("glmm_agq", GLMER_K, s(&r.glmm_agq)),
        ("joint_mode", JOINT, s(&r.joint_mode)),
        ("marginal_exact", MARGINAL, s(&r.marginal_exact)),
    ]
}

const BINARY: [&str; 6] = ["glm_pooled", "glm_group", "glmm_laplace", "glmm_agq", "joint_mode", "marginal_exact"];
const MIXED: [&str; 5] = ["lmm", "glmm_laplace", "glmm_agq", "joint_mode", "marginal_exact"];

// ---------------------------------------------------------------------------------------------------
// Singular fit
// ---------------------------------------------------------------------------------------------------

/// No group effect in the data (spacing 0, every threshold 0.5; seed 3): σ_b = 0 is the maximum, as lme4's
/// "boundary (singular) fit". Every model still fits; the mixed models say `singular: true`, their
/// random intercepts are all 0, and the GLMMs' log-likelihood is the pooled glm's.
#[test]
fn singular_fit_is_a_fit_with_the_flag_and_a_note() {
    let c = with(SimConfig::preset(Preset::Custom).with_groups(5), |c| {
        c.seed = 3;
        c.thresholds = vec![0.5; 5];
        c.y_coef = 1.0;
        c.spacing = 0.0;
    });
    let (_, r) = fit_sim(&c);
    assert!(sentences(&r).iter().all(|(_, _, e)| e.is_none()), "{:?}", sentences(&r));
    let lmm = fitted("lmm", &r.lmm);
    assert!(lmm.singular && lmm.sigma_b == 0.0 && lmm.theta == 0.0, "{lmm:?}");
    assert!(lmm.ranef.iter().all(|&b| b == 0.0));
    assert_eq!(lmm.note.as_deref(), Some(glmm_demo::models::singular::LMM_SINGULAR));
    let lm = fitted("lm_pooled", &r.lm_pooled);
    assert!((lmm.fixef[1] - lm.coef[1]).abs() < 1e-9, "lmer's slope is lm's: {} vs {}", lmm.fixef[1], lm.coef[1]);
    let glm = fitted("glm_pooled", &r.glm_pooled);
    for (name, o) in [("glmm_laplace", &r.glmm_laplace), ("glmm_agq", &r.glmm_agq)] {
        let f = fitted(name, o);
        assert!(f.singular && f.sigma_b < 1e-4, "{name}: {f:?}");
        assert!(f.ranef.iter().all(|b| b.abs() < 1e-12), "{name}: {:?}", f.ranef);
        assert!((f.loglik - glm.loglik).abs() < 1e-9, "{name}: logLik {} vs glm {}", f.loglik, glm.loglik);
        assert!((f.fixef[1] - glm.coef[1]).abs() < 1e-6);
        assert_eq!(f.note.as_deref(), Some(glmm_demo::models::singular::GLMM_SINGULAR), "{name}");
    }
    let m = fitted("marginal_exact", &r.marginal_exact);
    assert!(m.sigma < 1e-4 && (m.loglik - glm.loglik).abs() < 1e-9, "{m:?}");
    assert_eq!(m.note.as_deref(), Some(glmm_demo::models::singular::MARGINAL_SINGULAR));
    // The joint density rises all the way to the answer's bound σ = 0.01, and its note says so.
    let j = fitted("joint_mode", &r.joint_mode);
    assert_eq!(j.sigma, 0.01);
    assert!(j.note.contains("lower bound σ = 0.01"), "{}", j.note);
}

// ---------------------------------------------------------------------------------------------------
// Separation
// ---------------------------------------------------------------------------------------------------

/// The answer's data with group 2's threshold at 0: every y_bin of group 2 is 1. glm + group has no
/// finite estimate and says which group and why; glmer still fits (its random intercept is shrunk).
#[test]
fn a_group_whose_outcomes_are_all_equal() {
    let (d, r) = fit_sim(&with(answer(), |c| c.thresholds = vec![0.5, 0.0]));
    assert!(d.group.iter().zip(&d.y_bin).all(|(&g, &y)| g == 0 || y == 1.0));
    assert_eq!(
        error("glm_group", &r.glm_group),
        "glm(y_bin ~ x + factor(group)) has no finite estimate: the outcomes of group 2 (all 1) are all equal, so \
         that group's coefficient diverges (complete separation); a random intercept is shrunk toward 0 instead, \
         so glmer can still fit."
    );
    for (key, _, e) in sentences(&r) {
        if key != "glm_group" {
            assert!(e.is_none(), "{key}: {e:?}");
        }
    }
    for (name, o) in [("glmm_laplace", &r.glmm_laplace), ("glmm_agq", &r.glmm_agq)] {
        let f = fitted(name, o);
        assert!(!f.singular && f.sigma_b > 1.0 && f.sigma_b.is_finite(), "{name}: {f:?}");
        // Group 2's posterior is one-sided: its mode and mean differ by far more than in the answer.
        assert!(f.ranef_sum.abs() > 0.1, "{name}: {f:?}");
    }
}

/// Every group separated (thresholds 0 and 1 alternating): every glmer-type model says that σ_b has no
/// finite estimate; the glms and the linear models fit as usual.
#[test]
fn thresholds_0_and_1_for_all_groups() {
    let (_, r) = fit_sim(&with(answer().with_groups(4), |c| {
        c.n = 50;
        c.thresholds = vec![0.0, 1.0, 0.0, 1.0];
    }));
    assert_eq!(
        error("glm_group", &r.glm_group),
        "glm(y_bin ~ x + factor(group)) has no finite estimate: the outcomes of group 1 (all 1), group 2 (all 0), \
         group 3 (all 1), group 4 (all 0) are all equal, so those groups' coefficients diverge (complete \
         separation); a random intercept is shrunk toward 0 instead, so glmer can still fit."
    );
    glmer_type_models_say(&r, true, |name| {
        format!(
            "{name} has no finite estimate: in every group the outcomes are all equal (some groups all 0, \
             others all 1), so the groups alone explain y_bin and the random-intercept SD grows without bound."
        )
    });
}

/// Every outcome equal (every threshold 1: every y_bin is 0; every threshold 0: every y_bin is 1): every
/// binary model says there is nothing to fit; lm and lmer fit y as usual.
#[test]
fn every_outcome_equal() {
    for (t, v) in [(1.0, 0), (0.0, 1)] {
        let (_, r) = fit_sim(&with(answer(), |c| c.thresholds = vec![t, t]));
        for (key, name, e) in sentences(&r) {
            if BINARY.contains(&key) {
                assert_eq!(
                    e.as_deref(),
                    Some(
                        format!("{name} cannot be fitted: every y_bin is {v}, so there is nothing for a logistic model to explain.")
                            .as_str()
                    ),
                    "{key}"
                );
            } else {
                assert!(e.is_none(), "{key}: {e:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Groups and rows
// ---------------------------------------------------------------------------------------------------

/// G = 1: every model with a random intercept needs two groups and says so; lm and glm fit, and with one
/// group `+ factor(group)` adds nothing (the same fit as without).
#[test]
fn one_group() {
    let (_, r) = fit_sim(&answer().with_groups(1));
    for (key, name, e) in sentences(&r) {
        if MIXED.contains(&key) {
            assert_eq!(
                e.as_deref(),
                Some(
                    format!("{name} cannot be fitted with one group: a random intercept needs at least two groups to have a variance.")
                        .as_str()
                ),
                "{key}"
            );
        } else {
            assert!(e.is_none(), "{key}: {e:?}");
        }
    }
    assert_eq!(fitted("lm_group", &r.lm_group).coef, fitted("lm_pooled", &r.lm_pooled).coef);
    assert_eq!(fitted("glm_group", &r.glm_group).coef, fitted("glm_pooled", &r.glm_pooled).coef);
}

/// n = 1 per group (G = 2, two rows): nothing has residual degrees of freedom, x happens to separate the two
/// outcomes, and each group is trivially "all equal"; every model says why it cannot be fitted.
#[test]
fn one_row_per_group() {
    let (_, r) = fit_sim(&with(answer(), |c| c.n = 1));
    let want = [
        ("lm_pooled", "lm(y ~ x) cannot be fitted: 2 observations for 2 coefficients leave no residual degrees of freedom."),
        ("lm_group", "lm(y ~ x + factor(group)) cannot be fitted: 2 observations for 3 coefficients leave no residual degrees of freedom."),
        ("lmm", "lmer(y ~ x + (1|group)) cannot be fitted: 2 observations in 2 groups leave nothing to separate residual from group variance."),
        ("glm_pooled", "glm(y_bin ~ x) has no finite estimate: x separates y_bin = 0 from y_bin = 1 completely, so the slope diverges."),
    ];
    let got = sentences(&r);
    for (key, sentence) in want {
        let e = got.iter().find(|(k, _, _)| *k == key).and_then(|(_, _, e)| e.clone());
        assert_eq!(e.as_deref(), Some(sentence), "{key}");
    }
    for (key, name, e) in &got {
        if ["glmm_laplace", "glmm_agq", "joint_mode", "marginal_exact"].contains(key) {
            let e = e.as_deref().unwrap_or_default();
            assert!(e.starts_with(&format!("{name} has no finite estimate: ")), "{key}: {e}");
        }
    }
    assert!(error("glm_group", &r.glm_group).contains("group 1 (all 0), group 2 (all 1)"));
}

/// G = 50 × n = 1 (50 rows): the linear models with a group term have no residual degrees of freedom;
/// every group is trivially separated. Nothing panics or hangs, and every number is finite.
#[test]
fn fifty_groups_of_one() {
    let (_, r) = fit_sim(&with(answer().with_groups(50), |c| c.n = 1));
    assert_eq!(
        error("lm_group", &r.lm_group),
        "lm(y ~ x + factor(group)) cannot be fitted: 50 observations for 51 coefficients leave no residual degrees of freedom."
    );
    assert_eq!(
        error("lmm", &r.lmm),
        "lmer(y ~ x + (1|group)) cannot be fitted: 50 observations in 50 groups leave nothing to separate residual from group variance."
    );
    assert!(error("glm_group", &r.glm_group).starts_with("glm(y_bin ~ x + factor(group)) has no finite estimate: the outcomes of group 1 (all 0), group 2 (all 0), group 3 (all 1),"));
    let lm = fitted("lm_pooled", &r.lm_pooled);
    let glm = fitted("glm_pooled", &r.glm_pooled);
    assert!(lm.coef.iter().chain(&glm.coef).all(|v| v.is_finite()));
    // With seed 1 the marginal likelihood does keep rising as σ_b grows (to the probit limit, −27.808726 from
    // −27.812634 at σ_b = 0), so "grows without bound" is right here.
    assert!(error("glmm_agq", &r.glmm_agq).contains("grows without bound"));
}

/// With one row per group the likelihood does not always rise with σ_b. G = 50 × n = 1 with seed 3: the exact
/// marginal log-likelihood, maximised over (α, β) at each σ_b, is −29.028325 at σ_b = 0 (the glm), −29.031 at
/// 0.5, −29.042 at 2 and −29.045977 in the limit σ_b → ∞ (the probit model's maximum, R's
/// `glm(y_bin ~ x, binomial("probit"))`), so the maximum is the singular fit σ_b = 0, as lme4 reports for
/// nAGQ = 1 and 25. (Every glmer-type model once said that σ_b "grows without bound": every group of one row
/// counted as separated.)
#[test]
fn fifty_groups_of_one_with_a_singular_maximum() {
    let (_, r) = fit_sim(&with(answer().with_groups(50), |c| {
        c.n = 1;
        c.seed = 3;
    }));
    let glm = fitted("glm_pooled", &r.glm_pooled);
    assert!((glm.loglik - -29.028325).abs() < 1e-6, "{}", glm.loglik);
    let m = fitted("marginal_exact", &r.marginal_exact);
    assert!(m.sigma < 1e-4 && (m.loglik - glm.loglik).abs() < 1e-9, "{m:?}");
    for (name, o) in [("glmm_laplace", &r.glmm_laplace), ("glmm_agq", &r.glmm_agq)] {
        assert!(fitted(name, o).singular, "{name}");
    }
}

/// x separates y_bin within every group that has both outcomes (groups of two rows; the question preset, seed
/// 793301339): the exact log-likelihood rises toward its limit −4.040663 as the slope and σ_b grow together,
/// so every glmer-type model says so. (It took 3 s and ended in "did not converge" once; lme4's nAGQ = 25 stops
/// at σ_b = 10.7 with logLik −4.0055, above the exact limit: a quadrature artefact.)
#[test]
fn x_separates_within_every_group_with_no_finite_maximum() {
    let mut c = SimConfig::preset(Preset::Question).with_groups(6);
    c.seed = 793301339;
    c.n = 2;
    c.thresholds = vec![1.0, 0.5160247536947834, 0.0, 0.0, 0.5, 0.0];
    let (_, r) = fit_sim(&c);
    glmer_type_models_say(&r, false, |name| {
        format!(
            "{name} has no finite estimate: within every group x separates y_bin = 0 from y_bin = 1 (or the \
             outcomes are all equal), so the likelihood keeps rising as the slope and the random-intercept \
             SD grow together without bound."
        )
    });
}

// ---------------------------------------------------------------------------------------------------
// x
// ---------------------------------------------------------------------------------------------------

/// Constant x (a CSV whose x column is one value): no model can estimate a slope, and each says so.
#[test]
fn constant_x() {
    let r = fit_csv("group,y,y_bin,x\n1,0.2,0,2\n1,0.7,1,2\n1,0.4,1,2\n2,0.9,1,2\n2,0.1,0,2\n2,0.6,0,2\n");
    for (key, name, e) in sentences(&r) {
        assert_eq!(
            e.as_deref(),
            Some(format!("{name} cannot be fitted: x is constant, so its slope is not estimable.").as_str()),
            "{key}"
        );
    }
}

/// x constant within every group (x is the group's number): x is then a function of the group, so with
/// `+ factor(group)` its slope is not estimable. lm + group says so.
#[test]
fn x_constant_within_every_group() {
    let mut d = simulate(&answer()).unwrap_or_else(|e| panic!("{e}"));
    d.x = d.group.iter().map(|&g| g as f64).collect();
    let r = fit(&read_csv(&write_csv(&d)).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(
        error("lm_group", &r.lm_group),
        "lm(y ~ x + factor(group)) cannot be fitted: x is constant within every group, so its slope is not estimable."
    );
    for (key, e) in [("lm_pooled", r.lm_pooled.fit().is_some()), ("glm_pooled", r.glm_pooled.fit().is_some())] {
        assert!(e, "{key}");
    }
}

/// glm + group has the same collinearity and says so in the same words (R reports NA for the aliased
/// column; it once reported a split of the x effect between the slope and the group coefficient that the
/// data cannot determine).
#[test]
fn x_constant_within_every_group_glm() {
    let mut d = simulate(&answer()).unwrap_or_else(|e| panic!("{e}"));
    d.x = d.group.iter().map(|&g| g as f64).collect();
    let r = fit(&d);
    assert_eq!(
        error("glm_group", &r.glm_group),
        "glm(y_bin ~ x + factor(group)) cannot be fitted: x is constant within every group, so its slope is not estimable."
    );
}

/// Huge |x|: the answer's data with x multiplied by 10⁶ (and by 10⁻⁶), read from a CSV as a user would
/// paste it. Every model gives the same fit with the slope divided by the factor and the same
/// log-likelihood; only lmer's REML criterion moves, by exactly 2·log(factor) (REML depends on the scale of
/// the fixed-effects design, in lme4 too).
#[test]
fn huge_and_tiny_x_change_only_the_slope() {
    let base = simulate(&answer()).unwrap_or_else(|e| panic!("{e}"));
    let r0 = fit(&base);
    for factor in [1e6, 1e-6] {
        let mut d = base.clone();
        d.x.iter_mut().for_each(|v| *v *= factor);
        let r = fit_csv(&write_csv(&d));
        let close = |what: &str, a: f64, b: f64, tol: f64| {
            assert!((a - b).abs() <= tol * b.abs().max(1.0), "×{factor} {what}: {a} vs {b}");
        };
        for (key, _, e) in sentences(&r) {
            assert!(e.is_none(), "×{factor} {key}: {e:?}");
        }
        let pairs = [
            ("lm_pooled", &r.lm_pooled, &r0.lm_pooled),
            ("lm_group", &r.lm_group, &r0.lm_group),
        ];
        for (name, a, b) in pairs {
            let (a, b) = (fitted(name, a), fitted(name, b));
            close(name, a.coef[1] * factor, b.coef[1], 1e-9);
            close(name, a.loglik, b.loglik, 1e-9);
        }
        for (name, a, b) in [("glm_pooled", &r.glm_pooled, &r0.glm_pooled), ("glm_group", &r.glm_group, &r0.glm_group)] {
            let (a, b) = (fitted(name, a), fitted(name, b));
            close(name, a.coef[0], b.coef[0], 1e-8);
            close(name, a.coef[1] * factor, b.coef[1], 1e-8);
            close(name, a.loglik, b.loglik, 1e-9);
        }
        let (a, b) = (fitted("lmm", &r.lmm), fitted("lmm", &r0.lmm));
        close("lmm slope", a.fixef[1] * factor, b.fixef[1], 1e-8);
        close("lmm theta", a.theta, b.theta, 1e-8);
        close("lmm REML criterion", a.reml_crit - 2.0 * factor.ln(), b.reml_crit, 1e-9);
        assert!(a.ranef_sum.abs() < 1e-12);
        for (name, a, b) in [("glmm_laplace", &r.glmm_laplace, &r0.glmm_laplace), ("glmm_agq", &r.glmm_agq, &r0.glmm_agq)] {
            let (a, b) = (fitted(name, a), fitted(name, b));
            close(name, a.fixef[0], b.fixef[0], 1e-6);
            close(name, a.fixef[1] * factor, b.fixef[1], 1e-6);
            close(name, a.sigma_b, b.sigma_b, 1e-6);
            close(name, a.loglik, b.loglik, 1e-9);
            close(name, a.ranef_sum, b.ranef_sum, 1e-6);
        }
        let (a, b) = (fitted("joint_mode", &r.joint_mode), fitted("joint_mode", &r0.joint_mode));
        close("joint mode", a.beta * factor, b.beta, 1e-6);
        close("joint mode σ", a.sigma, b.sigma, 1e-6);
        let (a, b) = (fitted("marginal_exact", &r.marginal_exact), fitted("marginal_exact", &r0.marginal_exact));
        close("marginal", a.beta * factor, b.beta, 1e-6);
        close("marginal logLik", a.loglik, b.loglik, 1e-9);
    }
}

/// The page's largest y coefficient and spacing (1000 each): x is almost a function of y and the group, lmer's
/// θ is about 680, and its BLUPs sum to 0 (they once summed to 1.1e-8: the per-group sums of src/models/lmm.rs
/// cancelled catastrophically for large θ). x separates y_bin within each group, through a narrow gap, so glm +
/// group has no finite estimate; the likelihood of the random-intercept model does have a maximum, at σ_b =
/// 297.43 (logLik −12.849287, above its limit −12.939114 as σ_b → ∞): lme4 agrees with nAGQ = 25 and 100
/// (θ = 297.4275242, logLik −12.8492872467 at nAGQ = 100). The Laplace approximation keeps rising far beyond
/// it (lme4 stops at θ = 6765 with "failed to converge"), and says so instead of "did not converge".
#[test]
fn largest_page_coefficients() {
    let c = with(SimConfig::preset(Preset::Custom), |c| {
        c.y_coef = 1000.0;
        c.spacing = 1000.0;
    });
    let (_, r) = fit_sim(&c);
    let lmm = fitted("lmm", &r.lmm);
    let scale = lmm.ranef.iter().map(|b| b.abs()).sum::<f64>().max(1.0);
    assert!(lmm.ranef_sum.abs() <= 1e-10 * scale, "ranef sum {:e} (θ {})", lmm.ranef_sum, lmm.theta);
    assert_eq!(
        error("glm_group", &r.glm_group),
        "glm(y_bin ~ x + factor(group)) has no finite estimate: x separates y_bin = 0 from y_bin = 1 completely, so the slope diverges."
    );
    let e = error("glmm_laplace", &r.glmm_laplace);
    assert_eq!(
        e,
        "glmer(y_bin ~ x + (1|group), nAGQ = 1) finds no maximum below σ_b = 10000: its approximation of the \
         likelihood keeps rising as σ_b grows, where every fitted probability is 0 or 1."
    );
    let agq = fitted("glmm_agq", &r.glmm_agq);
    assert!((agq.sigma_b - 297.4275242).abs() < 1e-5, "{agq:?}");
    assert!((agq.loglik - -12.8492872467).abs() < 1e-8, "{agq:?}");
    assert!((agq.fixef[0] - 191.45668).abs() < 1e-3 && (agq.fixef[1] - 0.99201005).abs() < 1e-6, "{agq:?}");
    let m = fitted("marginal_exact", &r.marginal_exact);
    assert!((m.sigma - 297.4275).abs() < 1e-3 && (m.loglik - -12.849287).abs() < 1e-6, "{m:?}");
}
