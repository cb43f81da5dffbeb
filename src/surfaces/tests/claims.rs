//! The figures' claims checked independently ([`crate::surfaces::claims_check`]) on the presets and on
//! awkward configurations: G = 5, a group whose threshold is 0 or 1 (all 1s or all 0s), spacing 0, a
//! singular fit, one group.

use super::*;
use crate::claims::Claim;
use crate::data::{simulate, Preset, SimConfig};
use crate::models::lesson::{fit_all, FitOptions};
use crate::surfaces::claims_check::{check, check_all};

fn claims_of(scene: &Scene) -> Vec<Claim> {
    scene.figures.iter().flat_map(|f| f.claims.iter().cloned()).collect()
}

/// Builds the scene, checks every claim, and returns the scene and the number of claims.
fn checked(data: &Dataset, report: &FitReport, what: &str) -> (Scene, usize) {
    let g = data.n_groups();
    let pair = if g >= 2 { (0, 1) } else { (0, 0) };
    let scene = build_scene(data, report, &SceneOptions { pair, ..Default::default() }).unwrap();
    let claims = claims_of(&scene);
    if let Err(e) = check_all(&claims, data, report) {
        panic!("{what}: {e}");
    }
    (scene, claims.len())
}

fn fitted(cfg: &SimConfig) -> (Dataset, FitReport) {
    let data = simulate(cfg).unwrap();
    let report = fit_all(&data, &FitOptions { nagq: 1, reml: true });
    (data, report)
}

#[test]
fn the_answers_claims_hold_and_say_what_they_check() {
    let data = answer_data();
    let report = answer_report(&data);
    let (s, n) = checked(&data, &report, "answer fixture");
    assert!(n >= 20, "{n} claims");
    // Figure 2 names the b = 0 curve and says the average is flatter than it, with both slopes.
    let f2 = s.figure(2).unwrap();
    assert!(f2.explanation.contains("flatter than the b = 0 curve"), "{}", f2.explanation);
    assert!(f2.claims.iter().any(|c| matches!(c, Claim::PopulationAverageFlatter { .. })));
    // Figure 3: no inset at the default window, and the caption does not mention one.
    let f3 = s.figure(3).unwrap();
    assert_eq!(s.joint.as_ref().unwrap().closeup.is_some(), f3.explanation.contains("inset"));
    // Figure 4 with G = 2: the peak is near the line, not on it (sum −0.0011), and the exact log-likelihood falls.
    let f4 = s.figure(4).unwrap();
    assert!(f4.explanation.contains("summing to −0.0011: close to the line"), "{}", f4.explanation);
    assert!(f4.explanation.contains("falls from"), "{}", f4.explanation);
    // Figure 6: the shifted α's peak is higher.
    let f6 = s.figure(6).unwrap();
    assert!(f6.explanation.contains("higher in Δℓ"), "{}", f6.explanation);
}

#[test]
fn a_wrong_number_fails_its_check() {
    let data = answer_data();
    let report = answer_report(&data);
    let (s, _) = checked(&data, &report, "answer fixture");
    let mut failures = 0;
    let claims = claims_of(&s);
    for c in &claims {
        let wrong = match c.clone() {
            Claim::PosteriorMode { group, at, value, decimals } => {
                Claim::PosteriorMode { group, at, value: value + 2e-4, decimals }
            }
            Claim::PosteriorMean { group, at, value, decimals } => {
                Claim::PosteriorMean { group, at, value: value - 2e-4, decimals }
            }
            Claim::ExactLogLik { at, value, decimals } => Claim::ExactLogLik { at, value: value + 0.05, decimals },
            Claim::LinePeakGain { from, to, gain, decimals } => {
                Claim::LinePeakGain { from, to, gain: gain * 1.5, decimals }
            }
            Claim::PopulationAverageFlatter { at, zero, decimals, .. } => {
                Claim::PopulationAverageFlatter { at, averaged: zero * 1.01, zero, decimals }
            }
            _ => continue,
        };
        assert!(check(&wrong, &data, &report).is_err(), "{wrong:?} passed");
        failures += 1;
    }
    assert!(failures >= 7, "{failures}");
    // The sums: lmer's random intercepts sum to zero, glmer's modes on these data do not.
    use crate::claims::{ModelKey, Summed};
    let lmm_not_zero = Claim::SumIsNotZero { model: ModelKey::Lmm, summed: Summed::Modes, decimals: 6 };
    let glmm_zero = Claim::SumIsZero { model: ModelKey::GlmmAgq, summed: Summed::Modes, decimals: 4 };
    assert!(check(&lmm_not_zero, &data, &report).is_err() && check(&glmm_zero, &data, &report).is_err());
    assert!(claims.iter().any(|c| matches!(c, Claim::SumIsZero { model: ModelKey::Lmm, .. })));
    assert!(claims.iter().any(|c| matches!(c, Claim::SumIsNotZero { model: ModelKey::GlmmAgq, .. })));
}

#[test]
fn five_synthetic_groups_claims_hold() {
    let data = synthetic(5, 120, 3);
    let report = synthetic_report(&data);
    let (s, n) = checked(&data, &report, "synthetic G = 5");
    assert!(n >= 20, "{n}");
    let f4 = s.figure(4).unwrap();
    assert!(f4.explanation.contains("mean of all 5 conditional modes"), "{}", f4.explanation);
    assert!(!f4.explanation.contains("close to the line"), "{}", f4.explanation);
    let f5 = s.figure(5).unwrap();
    assert!(f5.explanation.contains("over the 5 groups") && f5.x_label.contains("all 5"), "{}", f5.explanation);
}

#[test]
fn claims_hold_on_the_presets_and_awkward_configurations() {
    let answer = SimConfig::preset(Preset::Answer);
    let question = SimConfig::preset(Preset::Question);
    let mut five = SimConfig { preset: Preset::Custom, groups: 5, ..answer.clone() };
    five.thresholds = SimConfig::default_thresholds(Preset::Custom, 5);
    let extremes = SimConfig { thresholds: vec![0.0, 0.5, 1.0], groups: 3, n: 30, preset: Preset::Custom, ..answer.clone() };
    let spacing0 = SimConfig { spacing: 0.0, preset: Preset::Custom, ..answer.clone() };
    let small = SimConfig { groups: 4, n: 3, thresholds: vec![0.3, 0.5, 0.6, 0.2], preset: Preset::Custom, ..answer.clone() };
    for (what, cfg) in [
        ("answer", answer),
        ("question", question),
        ("G = 5", five),
        ("thresholds 0, 0.5, 1", extremes),
        ("spacing 0", spacing0),
        ("4 groups of 3", small),
    ] {
        let (data, report) = fitted(&cfg);
        let (s, n) = checked(&data, &report, what);
        if report.glmm_agq.fit().is_some_and(|f| f.sigma_b > 0.0) {
            assert!(n > 5, "{what}: {n} claims");
            assert!(s.figures.iter().all(|f| f.unavailable.is_some() || !f.explanation.is_empty()), "{what}");
        }
    }
}

#[test]
fn a_singular_fit_makes_no_claim_about_a_flatter_curve() {
    let data = answer_data();
    let mut report = answer_report(&data);
    if let Outcome::Fit(f) = &mut report.glmm_agq {
        f.sigma_b = 0.0;
    }
    let (s, _) = checked(&data, &report, "singular");
    let f2 = s.figure(2).unwrap();
    assert!(f2.explanation.contains("it is the b = 0 curve itself"), "{}", f2.explanation);
    assert!(!f2.claims.iter().any(|c| matches!(c, Claim::PopulationAverageFlatter { .. })));
    assert!(s.figure(4).unwrap().claims.is_empty());
}


/// Figures 3–4 follow figure 8's handle: redrawn at the handle's α (β, σ_b at the fit), their sentences
/// name it and every claim holds there; back at glmer's α they are the fit's figures again.
#[test]
fn figures_3_and_4_follow_the_alpha_handle() {
    for cfg in [
        SimConfig::preset(Preset::Answer),
        SimConfig { thresholds: vec![0.5, 0.2, 0.35, 0.6, 0.1], preset: Preset::Custom, groups: 5, ..SimConfig::preset(Preset::Answer) },
    ] {
        let (data, report) = fitted(&cfg);
        let opts = SceneOptions { pair: (0, 1), ..Default::default() };
        let mut scene = build_scene(&data, &report, &opts).unwrap();
        let at_fit = (scene.figure(3).cloned().unwrap(), scene.figure(4).cloned().unwrap());
        let fit_alpha = report.glmm_agq.fit().unwrap().fixef[0];
        assert_eq!(at_fit.0.at_alpha, Some(fit_alpha));
        let prof = scene.alpha_profile.clone().unwrap();
        // The handle at the highest peak: the modes of all G groups sum to 0 there.
        let alpha = prof.points[prof.argmax_peak].alpha;
        assert_ne!(alpha, fit_alpha);
        redraw_joint_at(&mut scene, &data, &report, &opts, alpha).unwrap();
        let (f3, f4) = (scene.figure(3).unwrap(), scene.figure(4).unwrap());
        assert_eq!(f3.at_alpha, Some(alpha));
        assert_eq!(f4.at_alpha, Some(alpha));
        assert_eq!(scene.joint.as_ref().unwrap().alpha, alpha, "figure 3's surface is at the handle's α");
        assert!(f3.explanation.contains("figure 8’s handle"), "{}", f3.explanation);
        assert!(f4.explanation.contains("moved from figure 8’s handle"), "{}", f4.explanation);
        assert!(f3.claims.iter().any(|c| matches!(c, Claim::PosteriorMode { at, .. } if at.alpha == alpha)));
        let claims: Vec<Claim> = [f3, f4].iter().flat_map(|f| f.claims.iter().cloned()).collect();
        if let Err(e) = check_all(&claims, &data, &report) {
            panic!("G = {}: {e}", data.n_groups());
        }
        if data.n_groups() > 2 {
            assert!(f3.explanation.contains("at this α the modes sum to 0.0000") || f3.explanation.contains("at this α the modes sum to −0.0000"), "{}", f3.explanation);
        }
        // Back at glmer's α: the fit's figures 3–4 again.
        redraw_joint_at(&mut scene, &data, &report, &opts, fit_alpha).unwrap();
        assert_eq!(scene.figure(3).unwrap().explanation, at_fit.0.explanation);
        assert_eq!(scene.figure(4).unwrap().explanation, at_fit.1.explanation);
    }
}
