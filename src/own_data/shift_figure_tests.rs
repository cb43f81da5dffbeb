//! Your data's figures 4–6 on cbpp (binomial with trials), grouseticks (Poisson) and the answer's data with
//! the probit link: R(u) peaks at u = 0, D's maximiser and T's peaks match a brute-force grid, the moved
//! intercept's modes sum to the number stated, every claim holds by brute force and a perturbed one is
//! caught; a formula without an intercept says why figure 4 is missing; the figures draw.

use super::figure_claims::check;
use super::figures::OwnFit;
use super::report::OwnDataOptions;
use crate::claims::Claim;
use crate::models::design_fit::DesignModels;
use crate::models::glmm::fit::FamilyLink;
use crate::models::glmm::GlmmResult;
use crate::surfaces::descriptions::FigureInfo;
use crate::surfaces::own_decomposition::own_decomposition;
use crate::surfaces::own_descriptions::OWN_JOINT;
use crate::surfaces::own_shift::own_shift;
use crate::surfaces::own_shift_descriptions::{NO_INTERCEPT, OWN_INTEGRAND, OWN_RANDOM_PART, OWN_SHIFTED};

/// b̄ = (α̂ + b̄) − α̂ to rounding: the shift is the mean of the modes, added once.
const SHIFT_TOL: f64 = 1e-15;
/// Modes found afresh by Newton against glmer's (both converged far below the 4 printed decimals).
const MODE_TOL: f64 = 1e-6;
/// The drawn D(u) (Chebyshev-interpolated, checked to 1e-9 relative) against the row-by-row sum.
const CURVE_REL_TOL: f64 = 1e-8;

fn fit_of(file: &str, formula: &str, family: &str, link: &str, factors: &[&str]) -> OwnFit {
    let csv = std::fs::read_to_string(format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let opts = OwnDataOptions {
        formula: formula.into(),
        family: family.into(),
        link: link.into(),
        nagq: Some(1.0),
        factors: factors.iter().map(|f| f.to_string()).collect(),
        file_name: String::new(),
        ml: false,
    };
    OwnFit::new(&csv, &opts).unwrap()
}

fn cbpp() -> OwnFit {
    fit_of("cbpp.csv", "cbind(incidence, size - incidence) ~ period + (1 | herd)", "binomial", "logit", &["herd", "period"])
}

fn ticks() -> OwnFit {
    fit_of("grouseticks.csv", "TICKS ~ YEAR + HEIGHT_z + (1 | BROOD)", "poisson", "log", &["BROOD", "YEAR"])
}

fn answer_probit() -> OwnFit {
    fit_of("answer_seed1.csv", "y_bin ~ x + (1 | group)", "binomial", "probit", &["group"])
}

fn page_fit(own: &OwnFit) -> &GlmmResult {
    let DesignModels::Glmm { glmm_laplace, glmm_agq, .. } = &own.report.fit.models else { panic!("not a glmer") };
    glmm_agq.as_ref().unwrap_or(glmm_laplace).fit().unwrap()
}

/// The argmax of `f` on a grid of `n` points over [lo, hi].
fn grid_argmax(f: impl Fn(f64) -> f64, lo: f64, hi: f64, n: usize) -> f64 {
    (0..n).map(|k| lo + (hi - lo) * k as f64 / (n - 1) as f64).fold((lo, f64::NEG_INFINITY), |b, u| if f(u) > b.1 { (u, f(u)) } else { b }).0
}

/// Figures 4–6 of `own` at the default pair, in that order.
fn three(own: &OwnFit) -> [FigureInfo; 3] {
    let figs = own.figures(None, None);
    [OWN_SHIFTED, OWN_RANDOM_PART, OWN_INTEGRAND].map(|n| figs.figure(n).unwrap().clone())
}

fn every_claim_holds(own: &OwnFit, family: FamilyLink) -> usize {
    let fit = page_fit(own);
    let mut n = 0;
    for info in three(own) {
        assert!(info.unavailable.is_none(), "{:?}", info.unavailable);
        for c in &info.claims {
            check(c, own.design(), family, fit).unwrap_or_else(|e| panic!("figure {}: {c:?}: {e}", info.number));
            n += 1;
        }
    }
    n
}

/// The decomposition's curves against brute force on its own u grid: R peaks at u = 0, D's and T's
/// maximisers are the grid's best points to within a grid step.
fn decomposition_matches_brute_force(own: &OwnFit, family: FamilyLink) {
    let fit = page_fit(own);
    let d = own_decomposition(own.design(), family, fit).unwrap();
    let g = d.groups as f64;
    let r = |u: f64| d.modes.iter().map(|b| -0.5 * ((b - d.mode_mean + u / g) / d.sigma).powi(2)).sum::<f64>();
    let (lo, hi) = (d.u[0], d.u[d.u.len() - 1]);
    let step = (hi - lo) / 20_000.0;
    assert!(grid_argmax(r, lo, hi, 20_001).abs() <= step, "R peaks at u = 0");
    // R's largest value on the drawn grid is at the grid point nearest 0.
    let top = d.rel_random_effects.iter().enumerate().fold(0, |m, (i, &v)| if v > d.rel_random_effects[m] { i } else { m });
    assert!(d.u[top].abs() <= (d.u[1] - d.u[0]) * 0.5 * (1.0 + f64::EPSILON));
    // D, row by row from the design, at the fitted intercept.
    let design = own.design();
    let p = design.p();
    let dpart = |u: f64| -> f64 {
        let mut s = 0.0;
        for (grp, b) in design.groups.iter().zip(&d.modes) {
            for r in 0..grp.n_obs() {
                let eta: f64 = grp.x_row(r, p).iter().zip(&fit.fixef).map(|(x, c)| x * c).sum::<f64>() + b - d.mode_mean + u / g;
                s += crate::models::glmm::fit::for_family!(family, F => <F as crate::models::glmm::family::Family>::log_density(grp.y[r], grp.trials[r], eta));
            }
        }
        s
    };
    // D on the grid is the stored curve (normalisers included).
    for k in [0, 57, 100, 163, 200] {
        let want = dpart(d.u[k]);
        assert!((d.optimal.log_bernoulli[k] - want).abs() < CURVE_REL_TOL * (1.0 + want.abs()), "D at u = {}", d.u[k]);
    }
    let db = d.optimal.argmax_bernoulli.unwrap();
    let (wlo, whi) = (db - 50.0 * d.curvature_sd, db + 50.0 * d.curvature_sd);
    let brute = grid_argmax(dpart, wlo, whi, 20_001);
    assert!((brute - db).abs() <= (whi - wlo) / 20_000.0, "D's maximiser {db} vs grid {brute}");
    // T's peak at the fitted intercept is at u = Σ modes.
    let t = |u: f64| r(u) + dpart(u);
    let pt = d.optimal.argmax_total.unwrap();
    assert!((pt - d.mode_sum).abs() < MODE_TOL * (1.0 + d.mode_sum.abs()), "T peaks at Σ modes: {pt} vs {}", d.mode_sum);
    let brute = grid_argmax(t, lo, hi, 20_001);
    assert!((brute - pt).abs() <= step, "T's maximiser {pt} vs grid {brute}");
}

#[test]
fn cbpp_binomial_with_trials() {
    let own = cbpp();
    let family = FamilyLink::BinomialLogit;
    decomposition_matches_brute_force(&own, family);
    let n = every_claim_holds(&own, family);
    assert!(n >= 12, "{n} claims");
    let [f4, f5, f6] = three(&own);
    assert!(f5.explanation.contains("over the 15 groups of herd"), "{}", f5.explanation);
    assert!(f6.explanation.contains("the binomial part (binomial with the logit link"), "{}", f6.explanation);
    assert!(!f6.explanation.contains("Bernoulli"));
    // At the moved intercept all 15 modes sum to the number stated, and the sentence says so.
    let fit = page_fit(&own);
    let figs = own.figures(None, None);
    let sh = own_shift(own.design(), family, fit, figs.pair, None, 21).unwrap();
    let mean = fit.ranef.iter().sum::<f64>() / 15.0;
    assert!((sh.shifted - sh.fitted - mean).abs() < SHIFT_TOL);
    assert!((sh.mode_sum_fitted - fit.ranef.iter().sum::<f64>()).abs() < MODE_TOL);
    assert!(sh.mode_sum_shifted.abs() < sh.mode_sum_fitted.abs(), "{} vs {}", sh.mode_sum_shifted, sh.mode_sum_fitted);
    assert!(sh.peak_gain > 0.0);
    assert!(sh.loglik_shifted.unwrap() < sh.loglik_fitted.unwrap(), "the fit maximises the integral");
    assert!(f4.explanation.contains(&format!("All 15 modes now sum to {}", crate::surfaces::descriptions::num(sh.mode_sum_shifted, 4))));
    // The same window as figure 3 (the shifted hill fits in it).
    let f3 = figs.figure(OWN_JOINT).unwrap();
    assert_eq!((f4.x_range, f4.y_range), (f3.x_range, f3.y_range));
    // Perturbed claims are caught.
    let wrong = [
        Claim::ModeSumAtIntercept { intercept: sh.shifted, value: sh.mode_sum_shifted + 2e-4, decimals: 4 },
        Claim::InterceptShiftedByMeanMode { fitted: sh.fitted, shifted: sh.shifted + 2e-4, decimals: 4 },
        Claim::LinePeak { alpha: sh.fitted, at_u: fit.ranef.iter().sum::<f64>() + 2e-4, decimals: 4 },
    ];
    for c in &wrong {
        assert!(check(c, own.design(), family, fit).is_err(), "{c:?} passed");
    }
    // All three draw, with the lesson's legends in the family's words.
    let svg = own.svg(OWN_SHIFTED, None, None, 640, 480).unwrap();
    assert!(svg.contains("intercept = ") && svg.contains("maximum ("), "{}", &svg[..300]);
    assert!(own.svg(OWN_RANDOM_PART, None, None, 640, 480).unwrap().contains("random-effects part, σ_b = "));
    let svg = own.svg(OWN_INTEGRAND, None, None, 640, 480).unwrap();
    assert!(svg.contains("fitted intercept = ") && svg.contains("intercept + b̄ = ") && svg.contains("close-up of the peaks"));
    // Another pair moves figure 4's dot, not figures 5–6.
    let other = own.figures(Some((0, 1)), None);
    assert_ne!(other.figure(OWN_SHIFTED).unwrap().explanation, f4.explanation);
    assert_eq!(other.figure(OWN_INTEGRAND).unwrap().explanation, f6.explanation);
}

#[test]
fn grouseticks_poisson() {
    let own = ticks();
    let family = FamilyLink::PoissonLog;
    decomposition_matches_brute_force(&own, family);
    let n = every_claim_holds(&own, family);
    assert!(n >= 12, "{n} claims");
    let [f4, _, f6] = three(&own);
    assert!(f6.explanation.contains("the Poisson part (poisson with the log link"), "{}", f6.explanation);
    assert!(f4.explanation.contains("All 118 modes now sum to"), "{}", f4.explanation);
}

#[test]
fn answer_probit_bernoulli() {
    let own = answer_probit();
    let family = FamilyLink::BinomialProbit;
    decomposition_matches_brute_force(&own, family);
    every_claim_holds(&own, family);
    let [f4, _, f6] = three(&own);
    assert!(f6.explanation.contains("the Bernoulli part (binomial with the probit link"), "{}", f6.explanation);
    assert!(f4.explanation.contains("(Intercept) = "));
}

#[test]
fn without_an_intercept_figure_4_says_why_and_5_6_still_draw() {
    let own = fit_of("cbpp.csv", "cbind(incidence, size - incidence) ~ 0 + period + (1 | herd)", "binomial", "logit", &["herd", "period"]);
    let [f4, f5, f6] = three(&own);
    assert_eq!(f4.unavailable.as_deref(), Some(NO_INTERCEPT));
    assert!(own.svg(OWN_SHIFTED, None, None, 400, 300).unwrap().contains("no intercept"));
    assert!(f5.unavailable.is_none() && f6.unavailable.is_none());
    assert!(f6.explanation.contains("Vermilion: every prediction moved up by b̄ = "), "{}", f6.explanation);
    let fit = page_fit(&own);
    for c in f5.claims.iter().chain(&f6.claims) {
        check(c, own.design(), FamilyLink::BinomialLogit, fit).unwrap_or_else(|e| panic!("{c:?}: {e}"));
    }
    assert!(own.svg(OWN_INTEGRAND, None, None, 400, 300).unwrap().contains("every prediction + b̄"));
}


/// The logistic Bernoulli part of the lesson and the general family part agree to rounding.
const SAME_PART_TOL: f64 = 1e-9;

#[test]
fn the_answer_with_logit_gives_the_lessons_decomposition() {
    let own = fit_of("answer_seed1.csv", "y_bin ~ x + (1 | group)", "binomial", "logit", &["group"]);
    let fit = page_fit(&own);
    let csv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/answer_seed1.csv")).unwrap();
    let (mut x, mut y, mut group) = (Vec::new(), Vec::new(), Vec::new());
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        group.push(f[0].parse::<usize>().unwrap() - 1);
        x.push(f[1].parse::<f64>().unwrap());
        y.push(f[2].parse::<f64>().unwrap());
    }
    let data = crate::data::Dataset::binary(x, y, group);
    let lesson = crate::surfaces::decomposition::decompose(&data, fit.fixef[0], fit.fixef[1], fit.sigma_b, &fit.ranef).unwrap();
    let ours = own_decomposition(own.design(), FamilyLink::BinomialLogit, fit).unwrap();
    assert_eq!(ours.u, lesson.u, "the same u grid");
    let close = |a: f64, b: f64| (a - b).abs() <= SAME_PART_TOL * (1.0 + b.abs());
    for (a, b) in ours.optimal.log_total.iter().zip(&lesson.optimal.log_total).chain(ours.adjusted.log_total.iter().zip(&lesson.adjusted.log_total)) {
        assert!(close(*a, *b), "{a} vs {b}");
    }
    for (a, b) in [
        (ours.optimal.argmax_total, lesson.optimal.argmax_total),
        (ours.adjusted.argmax_total, lesson.adjusted.argmax_total),
        (ours.optimal.argmax_bernoulli, lesson.optimal.argmax_bernoulli),
        (ours.skew_difference, lesson.skew_difference),
    ] {
        assert!(close(a.unwrap(), b.unwrap()), "{a:?} vs {b:?}");
    }
    assert_eq!(ours.rel_random_effects, lesson.rel_random_effects, "R(u) is one function");
}
