//! Your data's figures on cbpp: the posteriors' marks are glmer's conditional modes and means, every claim of
//! the captions holds by brute force (and a false one is caught), the figures draw, and bad states draw the
//! sentence why.

use super::figure_claims::check;
use super::figures::OwnFit;
use super::report::OwnDataOptions;
use crate::claims::Claim;
use crate::models::design_fit::DesignModels;
use crate::models::glmm::fit::FamilyLink;
use crate::surfaces::own_descriptions::{OWN_JOINT, OWN_POSTERIORS};
use crate::surfaces::own_posteriors::{own_pair, widest_pair};

/// How close the drawn curve's peak and balance point must be to ranef() and E[b_g | y]: the curve is 401
/// points over about 18 posterior SDs, so its grid spacing bounds the peak, and the trapezoid rule on it
/// the balance point.
const CURVE_MEAN_TOL: f64 = 1e-3;

fn cbpp(nagq: f64) -> OwnFit {
    let csv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cbpp.csv")).unwrap();
    let opts = OwnDataOptions {
        formula: "cbind(incidence, size - incidence) ~ period + (1 | herd)".into(),
        family: "binomial".into(),
        link: "logit".into(),
        nagq: Some(nagq),
        factors: vec!["herd".into(), "period".into()],
        file_name: String::new(),
        ml: false,
    };
    OwnFit::new(&csv, &opts).unwrap()
}

#[test]
fn cbpp_figures_mark_glmer_s_modes_and_means_and_their_claims_hold() {
    let own = cbpp(25.0);
    let DesignModels::Glmm { glmm_agq: Some(agq), .. } = &own.report.fit.models else { panic!("no nAGQ = 25 fit") };
    let fit = agq.fit().unwrap();
    let figs = own.figures(None, None);
    assert_eq!(figs.pair, widest_pair(fit));
    assert_eq!(figs.pair, figs.default_pair);
    assert_eq!(figs.group_labels.len(), 15);
    let [post, joint] = [figs.figure(OWN_POSTERIORS).unwrap(), figs.figure(OWN_JOINT).unwrap()];
    assert_eq!((post.number, joint.number), (OWN_POSTERIORS, OWN_JOINT));
    assert!(post.unavailable.is_none() && joint.unavailable.is_none(), "{post:?}");
    assert!(post.explanation.contains("binomial likelihood (logit link)"), "{}", post.explanation);
    assert!(post.explanation.contains("These two have the widest gaps"), "{}", post.explanation);
    // The marks are glmer's numbers, the curves peak and balance there.
    let pair = own_pair(own.design(), FamilyLink::BinomialLogit, fit, figs.pair, 41).unwrap();
    for gp in &pair.posteriors {
        assert_eq!(gp.mode, fit.ranef[gp.group]);
        assert_eq!(gp.mean, fit.cond_means[gp.group]);
        let h = gp.b[1] - gp.b[0];
        let top = gp.density.iter().enumerate().fold(0, |m, (i, &v)| if v > gp.density[m] { i } else { m });
        assert!((gp.b[top] - gp.mode).abs() <= h);
        let (z, m) = gp.b.windows(2).zip(gp.density.windows(2)).fold((0.0, 0.0), |(z, m), (b, d)| {
            (z + 0.5 * (b[1] - b[0]) * (d[0] + d[1]), m + 0.5 * (b[1] - b[0]) * (b[0] * d[0] + b[1] * d[1]))
        });
        assert!((m / z - gp.mean).abs() < CURVE_MEAN_TOL, "{} vs {}", m / z, gp.mean);
        assert!((gp.mean - gp.mode).abs() > 0.01, "cbpp's widest pair is visibly skewed: {} vs {}", gp.mode, gp.mean);
    }
    // Every claim of both captions holds by brute force.
    let claims: Vec<&Claim> = post.claims.iter().chain(&joint.claims).collect();
    assert!(claims.len() >= 8, "{claims:?}");
    for c in &claims {
        check(c, own.design(), FamilyLink::BinomialLogit, fit).unwrap_or_else(|e| panic!("{c:?}: {e}"));
    }
    // A claim with a wrong number, a wrong side or a wrong pair is caught.
    let wrong = [
        Claim::GroupModeAndMean { group: figs.pair.0, mode: fit.ranef[figs.pair.0] + 2e-4, mean: fit.cond_means[figs.pair.0], decimals: 4 },
        Claim::MeanVsMode { group: figs.pair.0, above: Some(fit.cond_means[figs.pair.0] < fit.ranef[figs.pair.0]), decimals: 4 },
        Claim::WidestModeMeanGaps { groups: (figs.pair.0, (figs.pair.0 + 1..15).find(|&g| g != figs.pair.1).unwrap()) },
    ];
    for c in &wrong {
        assert!(check(c, own.design(), FamilyLink::BinomialLogit, fit).is_err(), "{c:?} passed");
    }
    // Both figures draw, with the groups' data in the panels and the marks in the legend.
    let svg = own.svg(OWN_POSTERIORS, None, None, 640, 480).unwrap();
    assert!(svg.contains("successes in") && svg.contains("conditional mode"), "{}", &svg[..400.min(svg.len())]);
    let svg = own.svg(OWN_JOINT, None, None, 640, 480).unwrap();
    assert!(svg.contains("σ_b = ") && svg.contains("best with sum 0"));
}

#[test]
fn another_pair_redraws_and_bad_states_are_sentences() {
    let own = cbpp(1.0);
    let figs = own.figures(Some((0, 14)), None);
    assert_eq!(figs.pair, (0, 14));
    let post = figs.figure(OWN_POSTERIORS).unwrap();
    assert!(post.alt.contains("herd"), "{}", post.alt);
    assert!(post.explanation.contains("have the widest gaps between mode and mean"));
    let same = own.figures(Some((3, 3)), None);
    assert_eq!(same.figure(OWN_POSTERIORS).unwrap().unavailable.as_deref(), Some("Choose two different groups to compare."));
    let svg = own.svg(OWN_POSTERIORS, Some((3, 3)), None, 400, 300).unwrap();
    assert!(svg.contains("Choose two different groups"));
    assert!(own.svg(9, None, None, 400, 300).is_err());
    // A Gaussian response: the sentence why, drawn.
    let csv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cbpp.csv")).unwrap();
    let opts = OwnDataOptions {
        formula: "incidence ~ period + (1 | herd)".into(),
        family: "gaussian".into(),
        link: String::new(),
        nagq: None,
        factors: vec!["herd".into(), "period".into()],
        file_name: String::new(),
        ml: false,
    };
    let gauss = OwnFit::new(&csv, &opts).unwrap();
    let f = gauss.figures(None, None);
    // The curves figure (1, lm and lmer) draws; every posterior figure says why it does not.
    assert!(f.figures.iter().filter(|i| i.number != 1).all(|i| i.unavailable.as_deref().unwrap().starts_with("For a Gaussian response")));
    assert!(gauss.svg(OWN_JOINT, None, None, 400, 300).unwrap().contains("Gaussian"));
}
