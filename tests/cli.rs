//! The `glmm-demo` binary as a user meets it: the answer's numbers, CSV in and out, and bad input.

use std::process::Command;

use serde_json::Value;

/// The answer's printed digits carry lme4's default optimiser error (it stops about 2e-5 from the optimum).
const LME4_PRINTED: f64 = 5e-5;

fn glmm_demo(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_glmm-demo")).args(args).output().expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn num(v: &Value, path: &[&str]) -> f64 {
    let mut cur = v;
    for p in path {
        cur = match p.parse::<usize>() {
            Ok(i) => &cur[i],
            Err(_) => &cur[*p],
        };
    }
    cur.as_f64().unwrap_or_else(|| panic!("{path:?} is not a number: {cur}"))
}

#[test]
fn fit_with_no_options_reproduces_the_answer() {
    let (code, stdout, stderr) = glmm_demo(&["fit"]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).expect("one JSON object");
    // The answer's glmer(..., nAGQ = 100) and its printed ranef.
    for (path, want) in [
        (&["glmm_agq", "fixef", "0"][..], 1.3165318),
        (&["glmm_agq", "fixef", "1"], 0.2361008),
        (&["glmm_agq", "sigma_b"], 1.055184),
        (&["glmm_agq", "ranef", "0"], -1.033890),
        (&["glmm_agq", "ranef", "1"], 1.006397),
        (&["glmm_agq", "ranef_sum"], -0.02749356),
        // opt1, the joint mode.
        (&["joint_mode", "alpha"], 1.3004738),
        (&["joint_mode", "beta"], 0.2363676),
        (&["joint_mode", "sigma"], 1.0164584),
        (&["joint_mode", "re", "1"], 1.0164576),
    ] {
        let got = num(&r, path);
        assert!((got - want).abs() < LME4_PRINTED, "{path:?}: {got} vs the answer's {want}");
    }
    assert_eq!(num(&r, &["glmm_agq", "nagq"]), 100.0);
    assert!(num(&r, &["lmm", "ranef_sum"]).abs() < 1e-12);
    assert!(num(&r, &["glmm_agq", "cond_means_sum"]).abs() < 1e-9);
    assert!(num(&r, &["glmm_agq", "ranef_sum"]).abs() > 0.02, "the modes do not sum to zero");
    assert_eq!(num(&r, &["data", "sum_ybin"]), 288.0);
    for key in ["lm_pooled", "lm_group", "lmm", "glm_pooled", "glm_group", "glmm_laplace", "glmm_agq", "joint_mode", "marginal_exact"] {
        assert!(r[key].is_object() && r[key].get("error").is_none(), "{key}: {}", r[key]);
    }
}

#[test]
fn simulate_writes_r_digits_and_fit_reads_them_back() {
    let (code, csv, stderr) = glmm_demo(&["simulate", "--seed", "1"]);
    assert_eq!(code, 0, "{stderr}");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("group,y,y_bin,x"));
    assert_eq!(lines.next(), Some("1,0.26550866314209998,0,-0.7039181399433212"));
    assert_eq!(csv.lines().count(), 401);
    let path = std::env::temp_dir().join(format!("glmm-demo-cli-{}.csv", std::process::id()));
    std::fs::write(&path, &csv).expect("temp file");
    let (code, from_csv, stderr) = glmm_demo(&["fit", "--csv", path.to_str().unwrap_or_default()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 0, "{stderr}");
    let (_, simulated, _) = glmm_demo(&["fit"]);
    let a: Value = serde_json::from_str(&from_csv).expect("JSON");
    let b: Value = serde_json::from_str(&simulated).expect("JSON");
    assert_eq!(a["glmm_agq"], b["glmm_agq"], "17 digits round-trip exactly");
}

#[test]
fn options_change_the_data() {
    let (code, stdout, stderr) = glmm_demo(&["fit", "--preset", "question", "--nagq", "5"]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(num(&r, &["data", "groups"]), 5.0);
    assert_eq!(num(&r, &["data", "n_obs"]), 1000.0);
    assert_eq!(num(&r, &["glmm_agq", "nagq"]), 5.0);
    let (_, stdout, _) = glmm_demo(&["simulate", "--groups", "3", "--n", "4", "--thresholds", "0,1,0.5"]);
    assert_eq!(stdout.lines().count(), 13);
    assert!(stdout.lines().skip(5).take(4).all(|l| l.split(',').nth(2) == Some("0")), "threshold 1 gives y_bin 0");
}

#[test]
fn a_model_that_cannot_be_fitted_says_why_and_the_rest_still_fit() {
    let (code, stdout, stderr) = glmm_demo(&["fit", "--groups", "1"]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).expect("JSON");
    let e = r["glmm_agq"]["error"].as_str().expect("an error sentence");
    assert!(e.contains("at least two groups"), "{e}");
    assert!(r["glm_pooled"]["coef"].is_array());
}

#[test]
fn bad_input_is_one_line_on_stderr_and_exit_code_2() {
    let missing = std::env::temp_dir().join("glmm-demo-no-such-file.csv");
    for args in [
        vec!["fit", "--frobnicate"],
        vec!["fit", "--thresholds", "0.5,1.5"],
        vec!["fit", "--groups", "0"],
        vec!["fit", "--seed", "NaN"],
        vec!["fit", "--nagq", "101"],
        vec!["simulate", "--n"],
        vec!["fit", "--csv", missing.to_str().unwrap_or_default()],
        vec!["dance"],
    ] {
        let (code, stdout, stderr) = glmm_demo(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("glmm-demo: "), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let (_, _, stderr) = glmm_demo(&["fit", "--thresholds", "0.5,1.5"]);
    assert!(stderr.contains("thresholds") && stderr.contains("1.5"), "{stderr}");
    // Whole numbers are shown as typed, not as "0.0".
    let (_, _, stderr) = glmm_demo(&["fit", "--groups", "0"]);
    assert_eq!(stderr.trim_end(), "glmm-demo: groups must be a whole number from 1 to 50, but it is 0.");
    let (_, _, stderr) = glmm_demo(&["fit", "--spacing", "2000"]);
    assert_eq!(stderr.trim_end(), "glmm-demo: spacing must be a number between -1000 and 1000, but it is 2000.");
}

/// A CSV saved by a spreadsheet in Windows-1252 (group labels with accents) is read, as read.csv reads it.
#[test]
fn a_csv_that_is_not_utf8_is_read_as_windows_1252() {
    let path = std::env::temp_dir().join(format!("glmm-demo-latin1-{}.csv", std::process::id()));
    let mut text = b"group,x,y_bin\n".to_vec();
    for (i, label) in [&b"\xe9t\xe9"[..], b"hiver"].iter().cycle().take(12).enumerate() {
        text.extend_from_slice(label);
        text.extend_from_slice(format!(",{},{}\n", i as f64 * 0.37 - 2.0, (i * 7 + i / 3) % 2).as_bytes());
    }
    std::fs::write(&path, &text).expect("temp file");
    let (code, stdout, stderr) = glmm_demo(&["fit", "--csv", path.to_str().unwrap_or_default()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(v["data"]["group_labels"], serde_json::json!(["hiver", "été"]));
    assert_eq!(num(&v, &["data", "n_obs"]), 12.0);
}

#[test]
fn malformed_csv_names_line_and_column() {
    let path = std::env::temp_dir().join(format!("glmm-demo-bad-{}.csv", std::process::id()));
    std::fs::write(&path, "group,x,y_bin\n1,0.5,1\n2,abc,0\n").expect("temp file");
    let (code, _, stderr) = glmm_demo(&["fit", "--csv", path.to_str().unwrap_or_default()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 2);
    assert!(stderr.contains("line 3") && stderr.contains('x'), "{stderr}");
}

fn glmm_demo_bytes(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_glmm-demo")).args(args).output().expect("the binary runs");
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The title the library gives figure `n` of the answer's example.
fn answer_title(n: u8) -> String {
    let p = glmm_demo::params::Params::default();
    let data = glmm_demo::data::simulate(&p.to_sim_config()).expect("data");
    let report = glmm_demo::models::fit_all(&data, &p.fit_options());
    let scene = glmm_demo::surfaces::build_scene(&data, &report, &Default::default()).expect("scene");
    scene.figure(n).expect("figure").title.clone()
}

#[test]
fn render_svg_is_an_svg_document_with_the_title() {
    let (code, stdout, stderr) = glmm_demo(&["render", "--figure", "1", "--format", "svg"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.trim_start().starts_with("<svg") || stdout.trim_start().starts_with("<?xml"), "{}", &stdout[..80.min(stdout.len())]);
    assert!(stdout.contains("<svg") && stdout.trim_end().ends_with("</svg>"));
    assert!(stdout.contains(&answer_title(1)), "the figure's title");
    // The contour figure for another pair of groups.
    let (code, stdout, stderr) = glmm_demo(&["render", "--figure", "3", "--groups", "3", "--pair", "1,3", "--width", "400", "--height", "300"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("width=\"400\"") && stdout.contains("height=\"300\""), "{}", &stdout[..200.min(stdout.len())]);
}

#[test]
fn render_png_has_the_signature_and_the_requested_size() {
    let (code, png, stderr) = glmm_demo_bytes(&["render", "--figure", "6", "--format", "png", "--width", "320", "--height", "240"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    assert_eq!((be(&png[16..20]), be(&png[20..24])), (320, 240));
}

#[test]
fn r_code_prints_the_script() {
    let (code, stdout, stderr) = glmm_demo(&["r-code"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("set.seed(1)") && stdout.contains("nAGQ = 100"), "{stdout}");
    assert!(stdout.contains("library(lme4)"));
    let (code, stdout, _) = glmm_demo(&["r-code", "--seed", "9", "--nagq", "12", "--groups", "4"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("set.seed(9)") && stdout.contains("nAGQ = 12") && stdout.contains("G <- 4 "));
}

#[test]
fn bad_render_and_r_code_options_are_one_line_and_exit_code_2() {
    for args in [
        vec!["render", "--figure", "10"],
        vec!["render", "--figure", "x"],
        vec!["render"],
        vec!["render", "--figure", "1", "--format", "gif"],
        vec!["render", "--figure", "1", "--width", "-5"],
        vec!["render", "--figure", "1", "--width", "5"],
        vec!["render", "--figure", "3", "--pair", "1,1"],
        vec!["render", "--figure", "3", "--pair", "1,5"],
        vec!["render", "--figure", "1", "--frobnicate"],
        vec!["r-code", "--groups", "51"],
        vec!["r-code", "--csv", "data.csv"],
    ] {
        let (code, stdout, stderr) = glmm_demo(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("glmm-demo: ") && !stderr.contains("panicked"), "{stderr}");
    }
    let (_, _, stderr) = glmm_demo(&["render", "--figure", "10"]);
    assert!(stderr.contains("--figure") && stderr.contains("1 to 9") && stderr.contains("10"), "{stderr}");
}

/// Every subcommand explains itself: a one-line description, then each option with its range and default.
#[test]
fn help_for_every_subcommand_and_version() {
    for sub in ["simulate", "fit", "text", "render", "r-code", "bench"] {
        let (code, stdout, stderr) = glmm_demo(&[sub, "--help"]);
        assert_eq!(code, 0, "{sub}: {stderr}");
        assert!(stderr.is_empty(), "{sub}: {stderr}");
        assert!(stdout.contains(&format!("Usage: glmm-demo {sub}")), "{sub}: {stdout}");
        assert!(stdout.lines().next().is_some_and(|l| l.len() > 20), "{sub}: a one-line description first: {stdout}");
    }
    let (code, fit, _) = glmm_demo(&["fit", "--help"]);
    assert_eq!(code, 0);
    for line in [
        "--groups <G>",
        "[1–50] [default: 2; 5 with the question preset]",
        "--nagq <K>",
        "[1–100] [default: 100]",
        "--y-coef <C>",
        "[−1000 to 1000]",
        "--csv <FILE>",
        "--ml",
        "--no-center",
    ] {
        assert!(fit.contains(line), "fit --help lacks {line:?}: {fit}");
    }
    // Options that simulate accepts but ignores are not advertised.
    let (_, simulate, _) = glmm_demo(&["simulate", "--help"]);
    assert!(!simulate.contains("--nagq") && !simulate.contains("--ml"), "{simulate}");
    let (_, render, _) = glmm_demo(&["render", "--help"]);
    assert!(render.contains("--figure <N>") && render.contains("[possible values: svg, png]") && render.contains("[default: 800]"), "{render}");
    let (code, top, _) = glmm_demo(&["--help"]);
    assert_eq!(code, 0);
    for sub in ["simulate", "fit", "text", "render", "r-code", "bench"] {
        assert!(top.contains(&format!("  {sub} ")), "{sub} missing in: {top}");
    }
    let (code, stdout, _) = glmm_demo(&["help", "fit"]);
    assert_eq!((code, stdout), (0, fit), "`help fit` is `fit --help`");
    let (code, stdout, _) = glmm_demo(&["--version"]);
    assert_eq!((code, stdout.trim_end()), (0, format!("glmm-demo {}", env!("CARGO_PKG_VERSION")).as_str()));
}

/// clap's several-line usage errors are reduced to one sentence that names the option and the value.
#[test]
fn usage_errors_are_one_sentence() {
    for (args, want) in [
        (&["fit", "--seed", "abc"][..], "glmm-demo: --seed takes a number, but it is \"abc\"."),
        (&["fit", "--seed", "NaN"], "glmm-demo: --seed takes a finite number, but it is \"NaN\"."),
        (&["simulate", "--n"], "glmm-demo: --n needs a value."),
        (&["fit", "--grups", "3"], "glmm-demo: unknown option \"--grups\" (did you mean --groups?); glmm-demo fit --help lists the options."),
        (&["fit", "--frobnicate"], "glmm-demo: unknown option \"--frobnicate\"; glmm-demo fit --help lists the options."),
        (&["fit", "extra"], "glmm-demo: unexpected argument \"extra\" (options start with --; glmm-demo fit --help lists them)."),
        (
            &["dance"],
            "glmm-demo: unknown command \"dance\"; the commands are simulate, fit, text, render, r-code, bench and replicate (glmm-demo --help).",
        ),
        (&[], "glmm-demo: a command is needed: simulate, fit, text, render, r-code, bench or replicate (glmm-demo --help)."),
        (&["render"], "glmm-demo: render needs --figure <N> (glmm-demo render --help)."),
        (&["render", "--figure", "10"], "glmm-demo: --figure takes a figure number from 1 to 9, but it is \"10\"."),
        (&["render", "--figure", "1", "--format", "gif"], "glmm-demo: --format takes svg or png, but it is \"gif\"."),
        (&["render", "--figure", "1", "--width", "-5"], "glmm-demo: --width takes a whole number of pixels, but it is \"-5\"."),
        (&["bench", "--runs", "x"], "glmm-demo: --runs takes a whole number of repetitions (0: automatic), but it is \"x\"."),
        (&["fit", "--preset", "book"], "glmm-demo: preset must be \"answer\", \"question\" or \"custom\", but it is the text \"book\"."),
        (&["text", "--csv", "data.csv"], "glmm-demo: text describes the simulated data, so it does not take --csv."),
        (&["r-code", "--ml"], "glmm-demo: r-code fits lmer by REML, as the page does, so it does not take --ml."),
    ] {
        let (code, stdout, stderr) = glmm_demo(args);
        assert_eq!((code, stdout.as_str(), stderr.trim_end()), (2, "", want), "{args:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}");
    }
}

/// Options keep working as before clap: negative values, the last of --center/--no-center, options
/// accepted but unused by simulate.
#[test]
fn negative_values_and_the_last_switch_win() {
    let (code, a, stderr) = glmm_demo(&["simulate", "--seed", "-5", "--groups", "2", "--n", "3", "--spacing", "-2", "--no-center", "--center"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, b, stderr) = glmm_demo(&["simulate", "--seed=-5", "--groups=2", "--n=3", "--spacing=-2", "--center", "--nagq", "3", "--ml"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(a, b);
    assert_eq!(a.lines().count(), 7);
    // Centred x sum to zero.
    let sum: f64 = a.lines().skip(1).map(|l| l.rsplit(',').next().unwrap_or_default().parse::<f64>().unwrap_or(f64::NAN)).sum();
    assert!(sum.abs() < 1e-12, "{sum}");
}

#[test]
fn every_model_carries_its_family_link_and_named_coefficients() {
    let (code, stdout, stderr) = glmm_demo(&["fit", "--groups", "3"]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["lmm"]["family"], "gaussian");
    assert_eq!(r["glmm_agq"]["link"], "logit");
    assert_eq!(num(&r, &["glmm_agq", "fixef_named", "x"]), num(&r, &["glmm_agq", "fixef", "1"]));
    assert_eq!(num(&r, &["glm_group", "coef_named", "factor(group)3"]), num(&r, &["glm_group", "coef", "3"]));
    assert_eq!(num(&r, &["joint_mode", "fixef_named", "(Intercept)"]), num(&r, &["joint_mode", "alpha"]));
    assert_eq!(num(&r, &["marginal_exact", "fixef_named", "x"]), num(&r, &["marginal_exact", "beta"]));
}
