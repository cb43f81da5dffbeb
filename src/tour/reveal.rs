//! What happened at a tour step, and why, from the fit of the state the step set (`Demo::tour_reveal`).
//! Each sentence is chosen by the numbers it reports, so it stays true if the fit is not the one the
//! step expected (the student changed a setting, or the data were replaced).

use crate::claims::{Claim, ModelKey, Summed, TourClaim};
use crate::report::FitReport;

use crate::explain::format::{fixed, reads_as_zero};
use super::steps::StepKind;
use super::summary::slope_pair;
use super::{glmm, slope, Said, DECIMALS};

const MODEL: ModelKey = ModelKey::GlmmAgq;
/// "Almost 0": a sum smaller than this in size.
pub const ALMOST_ZERO: f64 = 0.01;
/// A posterior is "far from symmetric" when its mode and mean are at least this far apart.
pub const SKEWED_GAP: f64 = 0.5;
/// Two slopes "agree to within 10%": their ratio is within this of 1.
pub const NEARLY: f64 = 0.1;

/// "Σ modes = m and Σ means = e", with whether each reads as 0.
fn sums(report: &FitReport, s: &mut Said) -> Option<(f64, f64)> {
    let Some(fit) = glmm(report, MODEL) else {
        s.push("glmer could not be fitted to these data, so there are no sums to show.");
        s.claim(TourClaim::NotFitted { model: MODEL });
        return None;
    };
    let (m, e) = (fit.ranef_sum, fit.cond_means_sum);
    let said = |x: f64| if reads_as_zero(x, DECIMALS) { "reads as 0" } else { "is not 0" };
    s.push(&format!(
        "Σ modes = {} ({}), Σ means = {} ({}).",
        fixed(m, DECIMALS),
        said(m),
        fixed(e, DECIMALS),
        said(e)
    ));
    for (x, summed) in [(m, Summed::Modes), (e, Summed::Means)] {
        let c = if reads_as_zero(x, DECIMALS) {
            Claim::SumIsZero { model: MODEL, summed, decimals: DECIMALS }
        } else {
            Claim::SumIsNotZero { model: MODEL, summed, decimals: DECIMALS }
        };
        s.claim(TourClaim::Sum(c));
    }
    if fit.singular {
        s.push("glmer estimates σ_b as 0 here (a singular fit), so every group’s intercept is 0 and both sums are 0.");
        s.claim(TourClaim::Singular { model: MODEL, singular: true });
        return None;
    }
    Some((m, e))
}

/// The group (0-based) whose mode and mean are furthest apart, with the sentence about it.
fn most_skewed(report: &FitReport, s: &mut Said) {
    let Some(fit) = glmm(report, MODEL) else { return };
    let gaps = fit.ranef.iter().zip(&fit.cond_means).map(|(m, e)| (m - e).abs());
    let Some((g, gap)) = gaps.enumerate().fold(None, |best: Option<(usize, f64)>, (g, d)| match best {
        Some((_, b)) if b >= d => best,
        _ => Some((g, d)),
    }) else {
        return;
    };
    let (m, e) = (fixed(fit.ranef[g], DECIMALS), fixed(fit.cond_means[g], DECIMALS));
    if gap >= SKEWED_GAP {
        s.push(&format!(
            "Group {}’s posterior is far from symmetric: its mode (peak) is {m} and its mean (centre) {e}, with a long tail on the side of the mean.",
            g + 1
        ));
        s.claim(TourClaim::ModeMeanApart { model: MODEL, group: g, gap: SKEWED_GAP });
    } else {
        s.push(&format!(
            "The group whose mode and mean are furthest apart is group {}: mode {m}, mean {e}.",
            g + 1
        ));
    }
}

fn means_reason(report: &FitReport, s: &mut Said) {
    let Some(fit) = glmm(report, MODEL) else { return };
    if reads_as_zero(fit.cond_means_sum, DECIMALS) {
        s.push("The means still add up to 0: glmer maximises the marginal likelihood, whose slope in α is Σ means/σ_b², and a maximum is where that slope is 0.");
    } else {
        s.push(&format!(
            "The means do not add up to 0 here, because glmer with nAGQ = {} maximises only an approximation of the marginal likelihood; at the maximum of the exact one they add up to 0.",
            fit.nagq
        ));
    }
}

/// The reveal of step `kind` for this fit.
pub fn reveal(kind: StepKind, report: &FitReport) -> Said {
    let mut s = Said::new();
    match kind {
        StepKind::AnswerExample | StepKind::ThresholdNearZero | StepKind::AllOnesGroup => {
            if let Some((m, _)) = sums(report, &mut s) {
                if !reads_as_zero(m, DECIMALS) {
                    s.push("The modes are the peaks of the groups’ posteriors; a skewed posterior’s peak sits away from its centre, so the peaks need not add up to 0.");
                }
                most_skewed(report, &mut s);
                means_reason(report, &mut s);
            }
            if kind == StepKind::AllOnesGroup {
                if report.glm_group.fit().is_none() {
                    s.push("glm with a group term has no finite estimate here, but glmer shrinks each group’s intercept towards 0 through σ_b, so it still fits.");
                    s.claim(TourClaim::NotFitted { model: ModelKey::GlmGroup });
                } else {
                    s.push("glm with a group term could still be fitted here: no group has outcomes that are all equal.");
                }
            }
        }
        StepKind::EqualThresholds => {
            if let Some((m, _)) = sums(report, &mut s) {
                if m.abs() < ALMOST_ZERO {
                    s.push(&format!(
                        "Σ modes is almost 0 (smaller than {ALMOST_ZERO} in size): with about half of each group’s outcomes 1, each posterior is close to symmetric, so its peak is close to its centre."
                    ));
                    s.claim(TourClaim::SumIsBelow { model: MODEL, summed: Summed::Modes, bound: ALMOST_ZERO });
                } else {
                    s.push("Σ modes is not close to 0 here: the posteriors are still skewed.");
                }
                most_skewed(report, &mut s);
            }
        }
        StepKind::SpacingZero => {
            let within = slope_pair(report, ModelKey::LmPooled, ModelKey::Lmm, &mut s);
            let conditional = slope_pair(report, ModelKey::GlmPooled, MODEL, &mut s);
            s.push(&format!("Slopes of x: {within}; {conditional}."));
            match (slope(report, ModelKey::GlmPooled), slope(report, MODEL)) {
                (Some(a), Some(b)) if (b / a).abs() > 1.0 && a * b > 0.0 => {
                    s.push("glmer’s slope is steeper than glm’s: glmer describes one group’s curve, glm the population’s average curve, and averaging logistic curves with different intercepts flattens them (attenuation).");
                    s.claim(TourClaim::SlopeRatio { a: MODEL, b: ModelKey::GlmPooled, min: 1.0, max: f64::INFINITY });
                }
                (Some(_), Some(_)) => s.push("glmer’s slope is not steeper than glm’s here."),
                _ => {}
            }
            match (slope(report, ModelKey::Lmm), slope(report, ModelKey::LmPooled)) {
                (Some(a), Some(b)) if (a / b) >= 1.0 - NEARLY && (a / b) <= 1.0 + NEARLY => {
                    s.push("lm and lmer agree to within 10%: with x no longer tied to the group, comparing within or across groups hardly matters, so what moves glm’s slope to glmer’s is the averaging alone.");
                    s.claim(TourClaim::SlopeRatio { a: ModelKey::Lmm, b: ModelKey::LmPooled, min: 1.0 - NEARLY, max: 1.0 + NEARLY });
                }
                (Some(_), Some(_)) => s.push("lm and lmer still differ by more than 10%, so comparing within or across groups still matters in these data."),
                _ => {}
            }
        }
        StepKind::Laplace => {
            sums(report, &mut s);
            means_reason(report, &mut s);
            let pair = slope_pair(report, MODEL, ModelKey::MarginalExact, &mut s);
            s.push(&format!(
                "nAGQ = 1 (the Laplace approximation) replaces each group’s integral by the height and width of its peak, which is exact only for a symmetric (normal) posterior. Slopes of x: {pair}."
            ));
        }
    }
    s
}
