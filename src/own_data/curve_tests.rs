//! Your data's fitted-curves figure: the curves are h⁻¹(η + b̂_g) computed here from the fit's numbers, the
//! population average equals a brute-force integral, the held values are the columns' means, every claim of
//! the caption holds (and a perturbed one is caught), and the figure draws for cbpp (linear predictor),
//! the answer's data (a covariate), grouseticks (Poisson, two covariates, many groups) and sleepstudy (Gaussian).

use super::curve_claims::check_curve_claim;
use super::figures::OwnFit;
use super::report::OwnDataOptions;
use crate::claims::Claim;
use crate::models::design_fit::DesignModels;
use crate::models::family::logistic;
use crate::surfaces::own_curves::{column_mean, LINEAR_PREDICTOR};

/// A curve recomputed here from the fit's numbers agrees to rounding (a few ulps of sums of products).
const SAME_FORMULA_TOL: f64 = 1e-13;
/// Gaussian lines: the same formula on values in the hundreds.
const SAME_LINE_TOL: f64 = 1e-10;
/// Gauss–Hermite with 40 nodes against a Riemann sum with step 1e-3.
const AVERAGE_VS_RIEMANN_TOL: f64 = 1e-6;

fn fit(file: &str, formula: &str, family: &str, factors: &[&str]) -> OwnFit {
    let csv = std::fs::read_to_string(format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let opts = OwnDataOptions {
        formula: formula.into(),
        family: family.into(),
        link: String::new(),
        nagq: None,
        factors: factors.iter().map(|s| s.to_string()).collect(),
        file_name: String::new(),
        ml: false,
    };
    OwnFit::new(&csv, &opts).unwrap()
}

fn glmer(own: &OwnFit) -> &crate::models::glmm::GlmmResult {
    let DesignModels::Glmm { glmm_laplace, .. } = &own.report.fit.models else { panic!("not a GLMM") };
    glmm_laplace.fit().unwrap()
}

/// ∫ logistic(η + b) N(b; 0, σ²) db by a Riemann sum with step 1e-3 over ±12σ.
fn brute_average(eta: f64, s: f64) -> f64 {
    let h = 1e-3;
    let n = (24.0 / h) as i64;
    (0..=n)
        .map(|k| {
            let t = -12.0 + k as f64 * h;
            h * (-0.5 * t * t).exp() / (2.0 * std::f64::consts::PI).sqrt() * logistic(eta + s * t)
        })
        .sum()
}

#[test]
fn cbpp_is_drawn_against_the_linear_predictor_with_glmer_s_curves() {
    let own = fit("cbpp.csv", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial", &["herd", "period"]);
    let (labels, default) = own.x_options();
    assert_eq!((labels, default), (vec![LINEAR_PREDICTOR.to_string()], 0));
    let figs = own.figures(None, None);
    let info = &figs.figures[0];
    assert_eq!(info.number, 2);
    assert!(info.unavailable.is_none(), "{info:?}");
    assert!(info.explanation.contains("glm(… + herd) is left out"), "{}", info.explanation);
    assert!(info.explanation.starts_with("The x axis is η = x_i'β̂"), "{}", info.explanation);
    assert!(info.explanation.contains("With 15 groups"), "{}", info.explanation);
    let m = glmer(&own);
    let b = own.build_curves(figs.pair, None);
    let c = b.curves.unwrap();
    assert_eq!(b.coloured, vec![figs.pair.0, figs.pair.1]);
    assert!(c.group_factor.is_empty());
    // Group g's curve at grid point k is logistic(t_k + b̂_g).
    for g in [0, 7, 14] {
        for k in [0, 100, 200] {
            assert!((c.mixed[g][k] - logistic(c.x[k] + m.ranef[g])).abs() < SAME_FORMULA_TOL);
        }
    }
    // The population average against a brute-force integral; below the b = 0 curve where that is above 1/2.
    let pa = c.population_average.as_ref().unwrap();
    for k in [0, 50, 150, 200] {
        let brute = brute_average(c.x[k], m.sigma_b);
        assert!((pa[k] - brute).abs() < AVERAGE_VS_RIEMANN_TOL, "{} vs {brute}", pa[k]);
    }
    // Each point is a row's proportion at its own η = x_i'β̂: herd 1's first row is period 1 (η = β̂₀), 2 of 14.
    let first = (0..c.points.x.len()).find(|&i| c.points.row[i] == 0).unwrap();
    assert!((c.points.x[first] - m.fixef[0]).abs() < SAME_FORMULA_TOL);
    assert!((c.points.y[first] - 2.0 / 14.0).abs() < SAME_FORMULA_TOL);
    assert_eq!(c.points.x.len(), 56);
    let svg = own.svg(2, None, None, 640, 480).unwrap();
    assert!(svg.contains("population average") && svg.contains("the other 13 groups"), "{}", &svg[..300]);
}

#[test]
fn the_answer_s_data_are_drawn_against_x_with_glm_and_glmer_curves() {
    let own = fit("answer_seed1.csv", "y_bin ~ x + (1 | group)", "binomial", &["group"]);
    let (labels, default) = own.x_options();
    assert_eq!(labels, vec!["x".to_string(), LINEAR_PREDICTOR.to_string()]);
    assert_eq!(default, 0);
    let figs = own.figures(None, None);
    assert_eq!(figs.x, 0);
    let info = &figs.figures[0];
    assert!(info.explanation.contains("Dashed: glm(… + group)"), "{}", info.explanation);
    assert!(!info.explanation.contains("hold"), "one covariate: nothing is held: {}", info.explanation);
    let m = glmer(&own);
    let b = own.build_curves(figs.pair, None);
    let c = b.curves.unwrap();
    let g = own.design.n_groups();
    assert_eq!(c.mixed.len(), g);
    for k in [3, 120] {
        let t = c.x[k];
        assert!((c.mixed[1][k] - logistic(m.fixef[0] + m.fixef[1] * t + m.ranef[1])).abs() < SAME_FORMULA_TOL);
        assert!((c.zero_effect.as_ref().unwrap()[k] - logistic(m.fixef[0] + m.fixef[1] * t)).abs() < SAME_FORMULA_TOL);
    }
    // The glm + group curve of the second group: the reference intercept plus its own column.
    let DesignModels::Glmm { glm_group, .. } = &own.report.fit.models else { panic!() };
    let gg = glm_group.fit().unwrap();
    let coef = |n: &str| gg.coef_named.iter().find(|(name, _)| name == n).map(|&(_, c)| c);
    if let (Some(Some(curve)), Some(gamma)) = (c.group_factor.get(1), coef(&own.design.group_column_name(1))) {
        let eta = coef("(Intercept)").unwrap() + coef("x").unwrap() * c.x[7] + gamma;
        assert!((curve[7] - logistic(eta)).abs() < SAME_FORMULA_TOL);
    } else {
        panic!("the answer's second group has a glm + group curve");
    }
    // The linear predictor: another x axis, another caption.
    let lp = own.figures(None, Some(1));
    assert_eq!(lp.x, 1);
    assert_ne!(lp.figures[0].explanation, info.explanation);
    assert!(lp.figures[0].x_label.starts_with("linear predictor"));
    assert!(own.svg(2, None, Some(1), 500, 400).unwrap().contains("linear predictor"));
}

#[test]
fn grouseticks_holds_the_other_covariate_at_its_mean_and_its_claims_hold() {
    let own = fit("grouseticks.csv", "TICKS ~ HEIGHT_z + YEAR + (1 | BROOD)", "poisson", &["BROOD"]);
    let (labels, _) = own.x_options();
    assert_eq!(labels, vec!["HEIGHT_z".to_string(), "YEAR".into(), LINEAR_PREDICTOR.into()]);
    let figs = own.figures(None, None);
    let info = &figs.figures[0];
    assert_eq!(info.number, 2);
    // YEAR is column 2 of X; the caption's number is its mean over the rows, added up here.
    let year_mean = own.design.groups.iter().flat_map(|g| (0..g.n_obs()).map(move |r| g.x[r * 3 + 2])).sum::<f64>()
        / own.design.n_obs() as f64;
    assert_eq!(column_mean(&own.design, 2), year_mean);
    let said = format!("YEAR at its mean {}", crate::surfaces::descriptions::num(year_mean, 4));
    assert!(info.explanation.contains(&said), "{}", info.explanation);
    assert!(info.explanation.contains("not adjusted"), "{}", info.explanation);
    assert!(info.explanation.contains("e^(σ_b²/2) = "), "{}", info.explanation);
    // The claims hold, and perturbed ones are caught.
    assert!(info.claims.len() >= 2, "{:?}", info.claims);
    for c in &info.claims {
        check_curve_claim(c, &own.design).unwrap_or_else(|e| panic!("{c:?}: {e}"));
    }
    let wrong = [
        Claim::HeldAtMean { column: 2, value: year_mean + 2e-4, decimals: 4 },
        Claim::PointsShown { shown: 402, total: own.design.n_obs() },
        Claim::LogLinkAverageFactor { sigma_b: glmer(&own).sigma_b, factor: (0.5 * glmer(&own).sigma_b.powi(2)).exp() + 1e-3, decimals: 4 },
    ];
    for c in &wrong {
        assert!(check_curve_claim(c, &own.design).is_err(), "{c:?} passed");
    }
    // The glmer curve at x = HEIGHT_z holds YEAR at its mean: e^(β̂₀ + β̂₁ t + β̂₂ ȳ + b̂_g).
    let m = glmer(&own);
    let c = own.build_curves(figs.pair, None).curves.unwrap();
    let eta = m.fixef[0] + m.fixef[1] * c.x[50] + m.fixef[2] * year_mean + m.ranef[4];
    assert!((c.mixed[4][50] / eta.exp() - 1.0).abs() < SAME_FORMULA_TOL);
    // A pair with a glm + group estimate each (some counts are all 0, and glm + group leaves those broods out).
    let with_counts: Vec<usize> = (0..own.design.n_groups()).filter(|&g| own.design.groups[g].y.iter().sum::<f64>() > 0.0).take(2).collect();
    let svg = own.svg(2, Some((with_counts[0], with_counts[1])), None, 640, 480).unwrap();
    assert!(svg.contains("glm + BROOD") && svg.contains("glmer, given the group"));
}

#[test]
fn sleepstudy_draws_figure_1_with_lm_and_lmer_lines() {
    let own = fit("sleepstudy.csv", "Reaction ~ Days + (1 | Subject)", "gaussian", &["Subject"]);
    let figs = own.figures(None, None);
    let info = &figs.figures[0];
    assert_eq!(info.number, 1);
    assert!(info.unavailable.is_none(), "{info:?}");
    assert!(info.explanation.contains("Dashed: lm(… + Subject)") && info.explanation.contains("lmer(…)"));
    let DesignModels::Gaussian { lmer, lm_group, .. } = &own.report.fit.models else { panic!() };
    let (m, lm) = (lmer.fit().unwrap(), lm_group.fit().unwrap());
    let b = own.build_curves(figs.pair, None);
    let c = b.curves.unwrap();
    assert!(c.population_average.is_none() && c.zero_effect.is_none());
    // lmer: β̂₀ + β̂₁ t + b̂_g; lm + Subject: its intercept, slope and the group's column (0 for the first).
    let t = c.x[60];
    assert!((c.mixed[3][60] - (m.fixef[0] + m.fixef[1] * t + m.ranef[3])).abs() < SAME_LINE_TOL);
    let first = c.group_factor[0].as_ref().unwrap();
    assert!((first[60] - (lm.coef[0] + lm.coef[1] * t)).abs() < SAME_LINE_TOL);
    let third = c.group_factor[2].as_ref().unwrap();
    let gamma = lm.coef_named(&own.design.group_column_name(2)).unwrap();
    assert!((third[60] - (lm.coef[0] + lm.coef[1] * t + gamma)).abs() < SAME_LINE_TOL);
    assert_eq!(c.points.y.len(), 180);
    let svg = own.svg(1, None, None, 640, 480).unwrap();
    assert!(svg.contains("lm + Subject") && svg.contains("lmer, given the group") && svg.contains("Reaction"));
    assert!(own.svg(2, None, None, 640, 480).is_err(), "a Gaussian fit has no figure 2");
}
