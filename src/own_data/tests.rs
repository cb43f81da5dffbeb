//! The own-data report on real data: cbpp's numbers equal the fixtures' (tests/fixtures/real/, R/lme4 at
//! a tight optimum) within the named tolerances, every claim of the explanation holds, and bad input is one
//! sentence.

use super::explain::holds;
use super::report::{fit_csv, OwnDataOptions, OwnDataReport};
use super::table::Row;
use crate::claims::Claim;

#[allow(dead_code)]
#[path = "../../tests/common/tolerances.rs"]
mod tolerances;
use tolerances::{GLM, OPTIMUM_VALUE, REAL_LOGLIK_FLOOR, REAL_PARAMS};

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn fixture(name: &str) -> serde_json::Value {
    serde_json::from_str(&read(&format!("tests/fixtures/real/{name}.json"))).unwrap()
}

fn opts(formula: &str, family: &str, link: &str, nagq: f64, factors: &[&str]) -> OwnDataOptions {
    OwnDataOptions {
        formula: formula.into(),
        family: family.into(),
        link: link.into(),
        nagq: Some(nagq),
        factors: factors.iter().map(|s| s.to_string()).collect(),
        file_name: String::new(),
        ml: false,
    }
}

fn row<'a>(r: &'a OwnDataReport, key: &str) -> &'a Row {
    r.rows.iter().find(|x| x.key == key).unwrap_or_else(|| panic!("no row {key}"))
}

fn cell(r: &Row, key: &str) -> f64 {
    let c = r.cells.iter().find(|c| c.key == key).unwrap();
    // The printed text is the value rounded.
    let shown: f64 = c.text.replace('\u{2212}', "-").parse().unwrap();
    assert!((shown - c.value.unwrap()).abs() <= 0.5e-4 + 1e-12, "{} vs {:?}", c.text, c.value);
    c.value.unwrap()
}

fn close(ours: f64, expected: f64, tol: f64, what: &str) {
    assert!((ours - expected).abs() <= tol * expected.abs().max(1.0), "{what}: {ours} vs {expected}");
}

fn all_claims_hold(r: &OwnDataReport) {
    assert!(!r.explanation.claims.is_empty());
    for c in &r.explanation.claims {
        assert_eq!(holds(c, &r.fit), Some(true), "{c:?} in {:?}", r.explanation.paragraphs);
    }
}

const CBPP: &str = "cbind(incidence, size - incidence) ~ period + (1 | herd)";

#[test]
fn cbpp_table_equals_the_fixtures() {
    let r = fit_csv(&read("tests/data/cbpp.csv"), &opts(CBPP, "binomial", "logit", 25.0, &["herd", "period"])).unwrap();
    assert_eq!(r.formula, CBPP);
    let keys: Vec<&str> = r.rows.iter().map(|x| x.key).collect();
    assert_eq!(keys, ["glm_pooled", "glm_group", "glmm_laplace", "glmm_agq", "joint_mode", "marginal_exact"]);
    // The joint mode (opt1) is a joint density, not a likelihood: no logLik; on cbpp its walk ends on the
    // answer's bound σ = 0.01.
    let joint = row(&r, "joint_mode");
    assert_eq!(joint.cells[1].text, "—");
    assert_eq!(joint.cells[2].text, "—");
    close(cell(joint, "sigma_b"), 0.01, 1e-12, "joint mode sigma at the bound");
    for (key, name) in [("glmm_laplace", "cbpp_logit_nagq1"), ("glmm_agq", "cbpp_logit_nagq25")] {
        let e = &fixture(name)["expected"];
        let row = row(&r, key);
        for (c, x) in row.fixef.iter().zip(e["fixef"].as_array().unwrap()) {
            close(c.value, x.as_f64().unwrap(), REAL_PARAMS, &c.name);
        }
        assert_eq!(row.fixef.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["(Intercept)", "period2", "period3", "period4"]);
        close(cell(row, "sigma_b"), e["sigma_b"].as_f64().unwrap(), REAL_PARAMS, "sigma_b");
        close(cell(row, "loglik"), e["loglik"].as_f64().unwrap(), REAL_LOGLIK_FLOOR, "loglik");
        close(cell(row, "loglik_r"), e["loglik_lme4_convention"].as_f64().unwrap(), REAL_LOGLIK_FLOOR, "loglik_r");
        close(cell(row, "sum_modes"), e["ranef_sum"].as_f64().unwrap(), REAL_PARAMS, "sum_modes");
        close(cell(row, "sum_means"), e["cond_means_sum"].as_f64().unwrap(), REAL_PARAMS, "sum_means");
    }
    // lme4's two logLik conventions: −92.02628 at nAGQ = 1, −50.00502 at nAGQ = 25 (true −91.98337).
    assert_eq!(row(&r, "glmm_agq").cells[2].text, "\u{2212}50.0050");
    assert_eq!(row(&r, "glmm_agq").cells[1].text, "\u{2212}91.9834");
    let m = &fixture("cbpp_logit_marginal")["expected"];
    let exact = row(&r, "marginal_exact");
    close(cell(exact, "loglik"), m["loglik"].as_f64().unwrap(), OPTIMUM_VALUE, "exact loglik");
    close(cell(exact, "sum_means"), m["cond_means_sum"].as_f64().unwrap(), REAL_PARAMS, "exact means");
    close(cell(exact, "sum_modes"), m["cond_modes_sum"].as_f64().unwrap(), REAL_PARAMS, "exact modes");
    let g = &fixture("cbpp_logit_glm")["expected"];
    close(cell(row(&r, "glm_pooled"), "loglik"), g["glm_pooled"]["loglik"].as_f64().unwrap(), GLM, "glm loglik");
    close(row(&r, "glm_pooled").fixef[1].value, g["glm_pooled"]["coef"][1].as_f64().unwrap(), GLM, "glm period2");
    let grp = row(&r, "glm_group");
    close(cell(grp, "loglik"), g["glm_group"]["loglik"].as_f64().unwrap(), GLM, "glm_group loglik");
    close(grp.fixef[0].value, g["glm_group"]["fixed_coef_named"]["(Intercept)"].as_f64().unwrap(), GLM, "glm_group intercept");
    assert_eq!(grp.fixef_note.as_deref(), Some("and 14 coefficients for the levels of herd"));
    // The sums: modes not zero, the exact maximum's means zero.
    let zero = |row: &Row, key: &str| row.cells.iter().find(|c| c.key == key).unwrap().zero;
    assert_eq!(zero(row(&r, "glmm_agq"), "sum_modes"), Some(false));
    assert_eq!(zero(exact, "sum_means"), Some(true));
    assert_eq!(zero(row(&r, "glm_pooled"), "sum_modes"), None);

    let text = r.explanation.paragraphs.join("\n");
    assert!(text.starts_with("56 observations in 15 groups of herd; family binomial, link logit: family = binomial(link = \"logit\")."), "{text}");
    assert!(text.contains("glmer with nAGQ = 25’s conditional modes, what sum(ranef(fit)$herd) prints, sum to 0.458166, not zero."), "{text}");
    assert!(text.contains("E[b_g | y] sum to 0.000000, zero: there the derivative"), "{text}");
    assert!(text.contains("it prints \u{2212}50.0050 where the true log-likelihood, every constant included, is \u{2212}91.9834"), "{text}");
    // Laplace's means are not zero (0.004538 in the fixture): said, with its reason.
    assert!(text.contains("At glmer’s Laplace fit the conditional means sum to 0.004538, not zero"), "{text}");
    all_claims_hold(&r);
    assert!(r.r_code.contains("m_agq <- glmer(f, family = fam, data = d, nAGQ = 25)"), "{}", r.r_code);
    assert!(r.r_code.contains("read.csv(\"yourfile.csv\""), "{}", r.r_code);
}

#[test]
fn answer_with_probit_equals_the_fixture() {
    let r = fit_csv(&read("tests/data/answer_seed1.csv"), &opts("y_bin ~ x + (1 | group)", "binomial", "probit", 25.0, &["group"])).unwrap();
    let e = &fixture("answer_seed1_probit_nagq25")["expected"];
    let agq = row(&r, "glmm_agq");
    close(agq.fixef[1].value, e["fixef"][1].as_f64().unwrap(), REAL_PARAMS, "slope");
    close(cell(agq, "sum_modes"), e["ranef_sum"].as_f64().unwrap(), REAL_PARAMS, "sum modes");
    assert!(r.explanation.paragraphs[0].contains("family = binomial(link = \"probit\")"), "{:?}", r.explanation.paragraphs);
    all_claims_hold(&r);
}

#[test]
fn a_factor_covariate_poisson_and_gaussian() {
    // A text covariate is a factor; a numeric one switched to a factor gets a column per level.
    let mut csv = String::from("y,dose,site,g\n");
    for i in 0..120 {
        let g = i % 6;
        let dose = ["low", "mid", "high"][i % 3];
        let y = u8::from((i * 7 + g * 3) % 5 < 2 + g % 2);
        csv.push_str(&format!("{y},{dose},{},{g}\n", i % 2 + 1));
    }
    let r = fit_csv(&csv, &opts("y ~ dose + site + (1 | g)", "binomial", "cloglog", 1.0, &["site"])).unwrap();
    let names: Vec<&str> = row(&r, "glmm_laplace").fixef.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["(Intercept)", "doselow", "dosemid", "site2"]);
    assert!(r.rows.iter().all(|x| x.key != "glmm_agq"));
    all_claims_hold(&r);
    let p = fit_csv(&read("tests/data/grouseticks.csv"), &opts("TICKS ~ YEAR + HEIGHT_z + (1 | BROOD)", "poisson", "", 1.0, &["BROOD", "YEAR"])).unwrap();
    assert_eq!(p.link, "log");
    all_claims_hold(&p);
    let s = fit_csv(&read("tests/data/sleepstudy.csv"), &opts("Reaction ~ Days + (1 | Subject)", "gaussian", "", 25.0, &[])).unwrap();
    let keys: Vec<&str> = s.rows.iter().map(|x| x.key).collect();
    assert_eq!(keys, ["lm_pooled", "lm_group", "lmer"]);
    assert_eq!(row(&s, "lm_group").fixef_note.as_deref(), Some("and 17 coefficients for the levels of Subject"));
    assert!(s.explanation.paragraphs[1].contains("sum to zero: with an intercept"), "{:?}", s.explanation.paragraphs);
    assert!(s.r_code.contains("lm(Reaction ~ Days + factor(Subject), data = d)"), "{}", s.r_code);
    all_claims_hold(&s);
}

#[test]
fn bad_input_is_one_sentence() {
    let cbpp = read("tests/data/cbpp.csv");
    let err = |csv: &str, o: OwnDataOptions| fit_csv(csv, &o).unwrap_err().to_string();
    let e = err("a,b\n1,2,3\n", opts("a ~ 1 + (1 | b)", "binomial", "", 1.0, &[]));
    assert!(e.starts_with("CSV line 2") && e.ends_with('.'), "{e}");
    let e = err(&cbpp, opts("cbind(incidence, size - incidence) ~ perio + (1 | herd)", "binomial", "", 1.0, &[]));
    assert!(e.contains("perio") && e.ends_with('.'), "{e}");
    let e = err(&cbpp, opts(CBPP, "binomial", "log", 1.0, &[]));
    assert!(e.contains("logit, probit or cloglog"), "{e}");
    let e = err(&cbpp, opts(CBPP, "binomial", "logit", 0.5, &[]));
    assert_eq!(e, "nAGQ must be a whole number from 1 to 100, but it is 0.5.");
    let e = err(&cbpp, opts("incidence ~ period + (1 | herd)", "binomial", "logit", 1.0, &["herd"]));
    assert!(e.ends_with('.') && !e.contains('\n'), "{e}");
}

/// (CSV text, formula, family, link, factor columns, the fixtures' file stem).
type Case<'a> = (&'a str, &'a str, &'a str, &'a str, &'a [&'a str], Option<&'a str>);

/// Every family and link on the tests' data: the numbers are the fixtures', every claim holds, and the
/// explanation names this family and link and gives the reason that fits it (a skewed posterior, not the link).
#[test]
fn every_family_and_link_reads_right() {
    let answer = read("tests/data/answer_seed1.csv");
    let cbpp = read("tests/data/cbpp.csv");
    let ticks = read("tests/data/grouseticks.csv");
    let cases: [Case; 7] = [
        (&answer, "y_bin ~ x + (1 | group)", "binomial", "logit", &["group"], None),
        (&answer, "y_bin ~ x + (1 | group)", "binomial", "probit", &["group"], Some("answer_seed1_probit")),
        (&answer, "y_bin ~ x + (1 | group)", "binomial", "cloglog", &["group"], Some("answer_seed1_cloglog")),
        (&cbpp, CBPP, "binomial", "logit", &["herd", "period"], Some("cbpp_logit")),
        (&cbpp, CBPP, "binomial", "probit", &["herd", "period"], None),
        (&cbpp, CBPP, "binomial", "cloglog", &["herd", "period"], None),
        (&ticks, "TICKS ~ YEAR + HEIGHT_z + (1 | BROOD)", "poisson", "log", &["INDEX", "BROOD", "YEAR", "LOCATION"], Some("grouseticks_log")),
    ];
    for (csv, formula, family, link, factors, fixture_stem) in cases {
        let what = format!("{formula} {family} {link}");
        let r = fit_csv(csv, &opts(formula, family, link, 25.0, factors)).unwrap();
        all_claims_hold(&r);
        let p = &r.explanation.paragraphs;
        assert!(p[0].contains(&format!("family {family}, link {link}: family = {family}(link = \"{link}\")")), "{what}: {p:?}");
        for s in p {
            assert!(s.ends_with('.') && !s.contains("  ") && !s.contains(" response the posterior"), "{what}: {s}");
        }
        if let Some(stem) = fixture_stem {
            let e = &fixture(&format!("{stem}_nagq25"))["expected"];
            close(cell(row(&r, "glmm_agq"), "sum_modes"), e["ranef_sum"].as_f64().unwrap(), REAL_PARAMS, &what);
            let m = &fixture(&format!("{stem}_marginal"))["expected"];
            close(cell(row(&r, "marginal_exact"), "sum_means"), m["cond_means_sum"].as_f64().unwrap(), REAL_PARAMS, &what);
        }
        // The exact maximum's means read as zero for every family and link; glmer's modes do not.
        let exact = row(&r, "marginal_exact");
        assert_eq!(exact.cells.iter().find(|c| c.key == "sum_means").unwrap().zero, Some(true), "{what}");
        let text = p.join("\n");
        let modes_zero = row(&r, "glmm_agq").cells.iter().find(|c| c.key == "sum_modes").unwrap().zero == Some(true);
        if !modes_zero {
            let why = p.iter().find(|s| s.starts_with("Why the modes miss zero")).unwrap_or_else(|| panic!("{what}: {text}"));
            assert!(why.contains(&format!("not the {link} link, that keeps the modes from summing to zero")), "{what}: {why}");
            let data = if family == "poisson" { "With counts (a Poisson response)" } else { "(a binomial response)" };
            assert!(why.contains(data), "{what}: {why}");
            assert!(why.contains("by the equation above") && text.contains("Σ_g E[b_g | y] / σ_b², is zero"), "{what}: {text}");
            let skew = r.explanation.claims.iter().filter(|c| matches!(c, Claim::ModeIsNotMean { .. })).count();
            assert_eq!(skew, 1, "{what}");
        }
    }
    // The gaussian family: mode and mean are one number, and the reason the BLUPs sum to zero.
    let s = fit_csv(&read("tests/data/sleepstudy.csv"), &opts("Reaction ~ Days + (1 | Subject)", "gaussian", "", 1.0, &["Subject"])).unwrap();
    all_claims_hold(&s);
    assert!(s.explanation.paragraphs[0].contains("family gaussian, link identity: a linear mixed model, lmer()"), "{:?}", s.explanation.paragraphs);
    assert!(s.explanation.paragraphs[1].contains("each b_g is σ_b²/σ² times the sum of its group’s residuals"), "{:?}", s.explanation.paragraphs);
    assert!(!s.explanation.paragraphs.join(" ").contains("skewed"));
}

/// The claim of a skewed posterior is checked against the fit: a wrong group, or a mode and mean that print
/// alike, do not hold.
#[test]
fn a_skew_claim_that_is_false_does_not_hold() {
    let r = fit_csv(&read("tests/data/cbpp.csv"), &opts(CBPP, "binomial", "probit", 1.0, &["herd", "period"])).unwrap();
    let Some(Claim::ModeIsNotMean { model, group, mode, mean, decimals }) =
        r.explanation.claims.iter().find(|c| matches!(c, Claim::ModeIsNotMean { .. })).cloned()
    else {
        panic!("{:?}", r.explanation.paragraphs)
    };
    assert_eq!(holds(&Claim::ModeIsNotMean { model, group, mode, mean, decimals }, &r.fit), Some(true));
    assert_eq!(holds(&Claim::ModeIsNotMean { model, group, mode: mean, mean, decimals }, &r.fit), Some(false));
    assert_eq!(holds(&Claim::ModeIsNotMean { model, group: 99, mode, mean, decimals }, &r.fit), None);
}

/// The page's worker fits the models and the page makes the rest from the file: the hand-over is used as it
/// is when it belongs to the same data and options (a mark put in it shows through), and refitted when not.
#[test]
fn models_fitted_elsewhere_are_used_only_for_their_own_data() {
    use super::report::{fit_csv_design_given, fit_csv_models};
    use crate::models::design_fit::DesignModels;
    use crate::report::Outcome;
    let csv = read("tests/data/cbpp.csv");
    let o = opts(CBPP, "binomial", "logit", 25.0, &["herd", "period"]);
    let direct = fit_csv(&csv, &o).unwrap();
    let models = fit_csv_models(&csv, &o).unwrap();
    assert_eq!(models, direct.fit, "the worker's models are the page's");
    let mut marked = models.clone();
    let DesignModels::Glmm { glmm_laplace: Outcome::Fit(f), .. } = &mut marked.models else { panic!("cbpp is a GLMM") };
    f.sigma_b = 0.123_456;
    let given = fit_csv_design_given(&csv, &o, Some(marked.clone())).unwrap();
    assert!(given.reused);
    let given = given.report;
    assert_eq!(given.fit, marked, "a hand-over that belongs is used as it is");
    assert_eq!(given.rows, super::table::rows(&marked), "and the table is made from it");
    // Another nAGQ, another formula: the hand-over does not belong, the models are fitted again.
    let laplace_only = opts(CBPP, "binomial", "logit", 1.0, &["herd", "period"]);
    let refit = fit_csv_design_given(&csv, &laplace_only, Some(marked.clone())).unwrap();
    assert!(!refit.reused);
    assert_eq!(refit.report.fit, fit_csv(&csv, &laplace_only).unwrap().fit);
    let probit = opts(CBPP, "binomial", "probit", 25.0, &["herd", "period"]);
    let refit = fit_csv_design_given(&csv, &probit, Some(marked)).unwrap();
    assert!(!refit.reused);
    assert_eq!(refit.report.fit, fit_csv(&csv, &probit).unwrap().fit);
}
