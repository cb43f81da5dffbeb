//! The data layer against R: for every fixture in tests/fixtures/real/, reading its CSV with its formula and
//! factor columns gives R's fixed-effect names (`colnames(model.matrix(...))`), R's group levels and the
//! number of rows; spot checks of X, y and trials; every data error is one sentence; random formula text
//! never panics.

use std::path::Path;

use glmm_demo::data::formula::Formula;
use glmm_demo::data::frame::Frame;
use glmm_demo::data::grouped_design::GroupedDesign;
use glmm_demo::data::model_frame::ModelFrame;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm, RngSeed};
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}")).iter().map(|s| s.as_str().unwrap_or("?").to_string()).collect()
}

/// A fixture's design, built as the CLI builds it.
fn design_of(fixture: &Value) -> (ModelFrame, Formula) {
    let data = &fixture["data"];
    let csv = read(data["csv"].as_str().expect("data.csv"));
    let formula_text = fixture["model"]["formula"].as_str().expect("model.formula");
    let formula = Formula::parse(formula_text).unwrap_or_else(|e| panic!("{formula_text}: {e}"));
    let frame = Frame::from_csv(&csv).unwrap_or_else(|e| panic!("{}: {e}", data["csv"]));
    let factors = strings(&data["factor_columns"]);
    let built = ModelFrame::build(&frame, &formula, &factors).unwrap_or_else(|e| panic!("{formula_text}: {e}"));
    (built, formula)
}

fn fixtures() -> Vec<(String, Value)> {
    let dir = Path::new(ROOT).join("tests/fixtures/real");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/real")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        // The glmer fixtures (`<data>_<link>_nagq<K>.json`); `_glm`, `_marginal` and `sleepstudy_*` have other layouts.
        .filter(|p| p.file_stem().and_then(|s| s.to_str()).and_then(|s| s.rsplit('_').next()).is_some_and(|k| k.starts_with("nagq")))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("fixture");
            (p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), serde_json::from_str(&text).expect("json"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_real_fixture_gives_rs_names_levels_and_rows() {
    let all = fixtures();
    assert_eq!(all.len(), 16, "the 16 fixtures of make_real_fixtures.R");
    for (name, fixture) in &all {
        let (built, formula) = design_of(fixture);
        let d = &built.design;
        let e = &fixture["expected"];
        assert_eq!(d.names, strings(&e["fixef_names"]), "{name}: fixef names");
        assert_eq!(d.group_labels, strings(&e["group_labels"]), "{name}: group levels");
        assert_eq!(d.n_obs() as u64, fixture["data"]["n_obs"].as_u64().expect("n_obs"), "{name}: rows");
        assert_eq!(d.n_groups() as u64, fixture["data"]["groups"].as_u64().expect("groups"), "{name}: groups");
        assert_eq!(built.rows_dropped, 0, "{name}");
        assert_eq!(formula.to_string(), fixture["model"]["formula"].as_str().unwrap_or(""), "{name}: R spelling");
        // Every row once, each group's rows in data order.
        let mut rows: Vec<usize> = d.groups.iter().flat_map(|g| g.rows.iter().copied()).collect();
        assert!(d.groups.iter().all(|g| g.rows.windows(2).all(|w| w[0] < w[1])), "{name}");
        rows.sort_unstable();
        assert_eq!(rows, (0..d.n_obs()).collect::<Vec<_>>(), "{name}");
    }
}

/// Row `row` of the data: (group label, x row, y, trials).
fn data_row(d: &GroupedDesign, row: usize) -> (String, Vec<f64>, f64, f64) {
    let p = d.p();
    for (g, group) in d.groups.iter().enumerate() {
        if let Some(r) = group.rows.iter().position(|&i| i == row) {
            return (d.group_labels[g].clone(), group.x_row(r, p).to_vec(), group.y[r], group.trials[r]);
        }
    }
    panic!("row {row} is in no group")
}

fn fixture(name: &str) -> Value {
    serde_json::from_str(&read(&format!("tests/fixtures/real/{name}.json"))).expect("json")
}

#[test]
fn cbpp_successes_and_trials() {
    let (built, _) = design_of(&fixture("cbpp_logit_nagq1"));
    let d = &built.design;
    assert_eq!(d.response, "cbind(incidence, size - incidence)");
    assert_eq!(d.group_name, "herd");
    // cbpp.csv rows 1, 2 (herd 1, periods 1 and 2) and 33, 34 (herd 10): y = incidence, trials = size.
    assert_eq!(data_row(d, 0), ("1".into(), vec![1.0, 0.0, 0.0, 0.0], 2.0, 14.0));
    assert_eq!(data_row(d, 1), ("1".into(), vec![1.0, 1.0, 0.0, 0.0], 3.0, 12.0));
    assert_eq!(data_row(d, 32), ("10".into(), vec![1.0, 0.0, 0.0, 0.0], 1.0, 22.0));
    assert_eq!(data_row(d, 33), ("10".into(), vec![1.0, 1.0, 0.0, 0.0], 1.0, 22.0));
    // herd "10" is the second level, as R sorts text.
    assert_eq!(d.groups[1].rows[0], 32);
    let total = |f: fn(&glmm_demo::data::grouped_design::DesignGroup) -> f64| d.groups.iter().map(f).sum::<f64>();
    assert_eq!(total(|g| g.y.iter().sum()), 99.0, "sum(cbpp$incidence)");
    assert_eq!(total(|g| g.trials.iter().sum()), 842.0, "sum(cbpp$size)");
}

#[test]
fn verbagg_and_grouseticks_rows() {
    let (built, _) = design_of(&fixture("verbagg_logit_nagq1"));
    let d = &built.design;
    // Row 1: Anger 20, Gender M, btype curse, situ other, r2 0, id 1.
    assert_eq!(data_row(d, 0), ("1".into(), vec![1.0, 20.0, 1.0, 0.0, 0.0, 0.0], 0.0, 1.0));
    // Row 5001: Anger 19, Gender F, btype curse, situ other, r2 1, id 261.
    assert_eq!(data_row(d, 5000), ("261".into(), vec![1.0, 19.0, 0.0, 0.0, 0.0, 0.0], 1.0, 1.0));
    assert_eq!(d.groups.iter().map(|g| g.y.iter().sum::<f64>()).sum::<f64>(), 3611.0, "sum(r2)");
    assert!(d.groups.iter().all(|g| g.trials.iter().all(|&n| n == 1.0)));

    let (built, _) = design_of(&fixture("grouseticks_log_nagq1"));
    let d = &built.design;
    assert_eq!(data_row(d, 0), ("501".into(), vec![1.0, 0.0, 0.0, 0.07674009783843229], 0.0, 1.0));
    assert_eq!(data_row(d, 300), ("709".into(), vec![1.0, 0.0, 1.0, 1.7454231605482278], 1.0, 1.0));
    assert_eq!(d.groups.iter().map(|g| g.y.iter().sum::<f64>()).sum::<f64>(), 2567.0, "sum(TICKS)");
}

/// The sentence `build` gives for this CSV and formula.
fn error_of(csv: &str, formula: &str, factors: &[&str]) -> String {
    let frame = match Frame::from_csv(csv) {
        Ok(f) => f,
        Err(e) => return e.to_string(),
    };
    let formula = match Formula::parse(formula) {
        Ok(f) => f,
        Err(e) => return e.to_string(),
    };
    match ModelFrame::build(&frame, &formula, factors) {
        Ok(m) => panic!("expected an error, got {:?}", m.design.names),
        Err(e) => e.to_string(),
    }
}

const CSV: &str = "g,x,z,k,s,f,n,y,label,one\n\
    a,1,2,u,1,2,3,0,p,c\n\
    b,2,4,v,0,2,2,1,q,c\n\
    a,3,6,u,2,0,2,1,p,c\n\
    b,4,8,v,3,2,5,0,q,c\n\
    c,5,10,u,1,1,2,1,p,c\n";

#[test]
fn every_data_error_is_one_sentence() {
    let cases = [
        ("y ~ x + (1 | h)", vec![], "The formula names the column h, which the data do not have; the columns are g, x, z, k, s, f, n, y, label, one."),
        ("y ~ nope + (1 | g)", vec![], "The formula names the column nope, which the data do not have; the columns are g, x, z, k, s, f, n, y, label, one."),
        ("y ~ x + (1 | g)", vec!["w"], "The factor columns name the column w, which the data do not have; the columns are g, x, z, k, s, f, n, y, label, one."),
        ("label ~ x + (1 | g)", vec![], "The response label is text (line 2 has \"p\"), and a factor response is not supported: use numbers (0/1 for a binary outcome) or cbind(successes, failures)."),
        ("y ~ x + (1 | g)", vec!["y"], "The response y is listed as a factor, and a factor response is not supported: use numbers (0/1 for a binary outcome) or cbind(successes, failures)."),
        ("cbind(s, label) ~ x + (1 | g)", vec![], "The column label in cbind() must hold counts (whole numbers 0, 1, 2, …), but line 2 has \"p\"."),
        ("y ~ x + z + (1 | g)", vec![], "The columns x and z are collinear (z is a linear combination of the others in the rows used), so their effects cannot be told apart: remove one of them from the formula."),
        ("y ~ x + one + (1 | g)", vec![], "The factor one has only one level (c), so it has no effect to estimate: remove it from the formula."),
        ("y ~ x + (1 | one)", vec![], "The group column one has only one level (c) in the rows used, so a random intercept cannot be estimated: it needs at least two groups."),
        ("y ~ k + label + (1 | g)", vec![], "The columns kv and labelq are collinear (labelq is a linear combination of the others in the rows used), so their effects cannot be told apart: remove one of them from the formula."),
    ];
    for (formula, factors, want) in cases {
        assert_eq!(error_of(CSV, formula, &factors), want, "{formula}");
    }
    // Trials below the successes on line 4.
    let bad_trials = CSV.replace("a,3,6,u,2,0,2,1,p,c", "a,3,6,u,2,0,1,1,p,c");
    assert_eq!(
        error_of(&bad_trials, "cbind(s, n - s) ~ x + (1 | g)", &[]),
        "The trials column n must be at least the successes column s in every row, but line 4 has n 1 and s 2."
    );
    let constant = "g,x,c,y\na,1,5,0\nb,2,5,1\na,3,5,1\nb,4,5,0\n";
    assert_eq!(
        error_of(constant, "y ~ x + c + (1 | g)", &[]),
        "The column c has the same value in every row used, so its effect cannot be told apart from the intercept: remove it from the formula."
    );
    let negative = "g,s,f\na,1,2\nb,-1,2\n";
    assert_eq!(
        error_of(negative, "cbind(s, f) ~ 1 + (1 | g)", &[]),
        "The column s in cbind() must hold counts (whole numbers 0, 1, 2, …), but line 3 has -1."
    );
    let fraction = "g,s,f\na,1,2.5\nb,1,2\n";
    assert_eq!(
        error_of(fraction, "cbind(s, f) ~ 1 + (1 | g)", &[]),
        "The column f in cbind() must hold counts (whole numbers 0, 1, 2, …), but line 2 has 2.5."
    );
    // A level whose only rows have a missing value elsewhere.
    let gap = "g,k,x,y\na,u,1,0\nb,v,2,1\na,w,NA,1\nb,u,4,0\nc,v,5,1\n";
    assert_eq!(
        error_of(gap, "y ~ x + k + (1 | g)", &[]),
        "The level w of k has no row left once the 1 row with a missing value is dropped, so the column kw cannot be estimated."
    );
    let gap_in_reference = "g,k,x,y\na,u,NA,0\nb,v,2,1\na,w,NA,1\nb,v,4,0\nc,w,5,1\n";
    assert_eq!(
        error_of(gap_in_reference, "y ~ x + k + (1 | g)", &[]),
        "The level u of k has no row left once the 2 rows with a missing value are dropped, so the reference level of k has no rows and its other columns cannot be estimated."
    );
    let all_missing = "g,x,y\na,NA,0\nb,NA,1\n";
    assert_eq!(
        error_of(all_missing, "y ~ x + (1 | g)", &[]),
        "No row has a value in every column the formula uses (y, x, g), so there is nothing to fit."
    );
    assert_eq!(error_of("g,g\n1,2\n", "y ~ (1 | g)", &[]), "CSV line 1, column g: the header names this column more than once.");
    assert_eq!(error_of("g,,y\n1,2,3\n", "y ~ (1 | g)", &[]), "CSV line 1, column 2: the header gives this column no name.");
    assert_eq!(
        error_of(CSV, "y ~ x:z + (1 | g)", &[]),
        "The interaction x:z is not supported: fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."
    );
}

#[test]
fn missing_values_drop_rows_and_are_counted() {
    let csv = "g,x,y,unused\na,1,0,NA\nb,NA,1,1\na,3,,2\nb,4,0,3\nc,5,1,\nc,6,0,4\n";
    let frame = Frame::from_csv(csv).expect("valid");
    let formula = Formula::parse("y ~ x + (1 | g)").expect("valid");
    let built = ModelFrame::build(&frame, &formula, &[] as &[&str]).expect("fits");
    assert_eq!(built.rows_dropped, 2);
    assert_eq!(built.design.n_obs(), 4);
    let rows: Vec<Vec<usize>> = built.design.groups.iter().map(|g| g.rows.clone()).collect();
    assert_eq!(rows, vec![vec![0], vec![3], vec![4, 5]]);
}

#[test]
fn text_sorts_as_r_sorts_it() {
    // tests/reference/make_collation_fixture.R: random strings of ASCII and Latin-1 characters in R's order.
    let want: Vec<String> = read("tests/data/r_sorted_strings.txt").lines().map(String::from).collect();
    assert!(want.len() > 3000);
    let mut got: Vec<String> = want.iter().rev().cloned().collect();
    got.sort(); // byte order first, so that the test does not depend on the file's order
    glmm_demo::data::collation::sort_as_r(&mut got);
    let first_difference = got.iter().zip(&want).position(|(g, w)| g != w);
    assert_eq!(first_difference, None, "first difference: {:?}", first_difference.map(|i| (&got[i], &want[i])));
}

fn config() -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(2000),
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x676c_6d6d_2d64_656d),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        source_file: Some(file!()),
        ..Config::default()
    }
}

/// Formula-like text: the grammar's own pieces in random order, and arbitrary characters.
fn formula_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("y".to_string()),
        Just("x".to_string()),
        Just("g".to_string()),
        Just("~".to_string()),
        Just("+".to_string()),
        Just("-".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("|".to_string()),
        Just("||".to_string()),
        Just("1".to_string()),
        Just("0".to_string()),
        Just(":".to_string()),
        Just("*".to_string()),
        Just("^".to_string()),
        Just("/".to_string()),
        Just(",".to_string()),
        Just(".".to_string()),
        Just("%in%".to_string()),
        Just("%".to_string()),
        Just("cbind(".to_string()),
        Just("factor(".to_string()),
        Just(" ".to_string()),
        "\\PC{0,3}",
    ];
    prop_oneof![prop::collection::vec(piece, 0..16).prop_map(|v| v.concat()), "\\PC{0,40}", any::<String>()]
}

/// CSV text close to a valid data set: a fixed header and cells from a small set of awkward values.
fn near_csv() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("B".to_string()),
        Just("0".to_string()),
        Just("1".to_string()),
        Just("3".to_string()),
        Just("-1".to_string()),
        Just("2.5".to_string()),
        Just("1e308".to_string()),
        Just("NA".to_string()),
        Just(String::new()),
        Just("TRUE".to_string()),
        Just("\"NA\"".to_string()),
        "\\PC{0,4}",
    ];
    let row = prop::collection::vec(cell, 4..=6).prop_map(|cells| cells.join(","));
    prop::collection::vec(row, 0..12).prop_map(|rows| format!("g,x,s,n,y\n{}\n", rows.join("\n")))
}

const FORMULAS: [&str; 6] = [
    "y ~ x + (1 | g)",
    "cbind(s, n - s) ~ x + (1 | g)",
    "cbind(s, n) ~ factor(x) + (1 | g)",
    "y ~ 0 + g + x + (1 | n)",
    "n ~ factor(y) + s + (1 | x)",
    "s ~ 1 + (1 | g)",
];

proptest! {
    #![proptest_config(config())]

    /// Any near-CSV text with any of the formulas: a design whose rows add up, or one sentence; never a panic.
    #[test]
    fn random_data_never_panics(text in near_csv(), which in 0..FORMULAS.len(), listed in any::<bool>()) {
        let factors: &[&str] = if listed { &["g", "x"] } else { &[] };
        match ModelFrame::from_csv(&text, FORMULAS[which], factors) {
            Ok(m) => {
                let d = &m.design;
                let n_rows = Frame::from_csv(&text).map(|f| f.n_rows()).unwrap_or(0);
                prop_assert_eq!(d.n_obs() + m.rows_dropped, n_rows);
                prop_assert!(d.n_groups() >= 2);
                prop_assert!(d.groups.iter().all(|g| g.x.len() == g.n_obs() * d.p() && g.trials.iter().zip(&g.y).all(|(n, y)| n >= y)));
            }
            Err(e) => {
                let m = e.to_string();
                prop_assert!(m.ends_with('.') && !m.contains('\n'), "{:?}: {:?}", text, m);
            }
        }
    }

    /// Any text: a formula or one sentence, never a panic; a parsed formula prints as text that parses back
    /// to the same formula.
    #[test]
    fn random_formula_text_never_panics(text in formula_text()) {
        match Formula::parse(&text) {
            Ok(f) => prop_assert_eq!(Formula::parse(&f.to_string()).ok(), Some(f.clone()), "{}", f),
            Err(e) => {
                let m = e.to_string();
                prop_assert!(m.ends_with('.') && !m.contains('\n'), "{:?}: {:?}", text, m);
            }
        }
    }
}
