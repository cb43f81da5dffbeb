//! Checks a [`TourClaim`] against a fit, reading the report directly (not through the code that wrote
//! the sentence). The population-averaged slope is recomputed here by a plain Riemann sum.

use crate::claims::{Claim, ModelKey, Summed, TourClaim};
use crate::report::FitReport;

use crate::explain::format::reads_as_zero;

/// σ_b below this counts as 0 (a singular fit: the optimiser stops within ~10⁻¹² of the boundary).
pub const SINGULAR_SIGMA: f64 = 1e-6;

/// Σ modes or Σ means of a model, when it has them and was fitted.
fn sum_of(report: &FitReport, model: ModelKey, summed: Summed) -> Option<f64> {
    let glmm = |o: &crate::report::Outcome<crate::report::GlmmFit>| {
        o.fit().map(|f| match summed {
            Summed::Modes => f.ranef.iter().sum::<f64>(),
            Summed::Means => f.cond_means.iter().sum::<f64>(),
        })
    };
    match model {
        ModelKey::GlmmLaplace => glmm(&report.glmm_laplace),
        ModelKey::GlmmAgq => glmm(&report.glmm_agq),
        ModelKey::Lmm if summed == Summed::Modes => report.lmm.fit().map(|f| f.ranef.iter().sum()),
        ModelKey::JointMode if summed == Summed::Modes => report.joint_mode.fit().map(|f| f.re.iter().sum()),
        _ => None,
    }
}

fn coef1(v: &[f64]) -> Option<f64> {
    v.get(1).copied()
}

/// The slope of x read from the report.
fn slope_of(report: &FitReport, model: ModelKey) -> Option<f64> {
    match model {
        ModelKey::LmPooled => report.lm_pooled.fit().and_then(|f| coef1(&f.coef)),
        ModelKey::LmGroup => report.lm_group.fit().and_then(|f| coef1(&f.coef)),
        ModelKey::Lmm => report.lmm.fit().and_then(|f| coef1(&f.fixef)),
        ModelKey::GlmPooled => report.glm_pooled.fit().and_then(|f| coef1(&f.coef)),
        ModelKey::GlmGroup => report.glm_group.fit().and_then(|f| coef1(&f.coef)),
        ModelKey::GlmmLaplace => report.glmm_laplace.fit().and_then(|f| coef1(&f.fixef)),
        ModelKey::GlmmAgq => report.glmm_agq.fit().and_then(|f| coef1(&f.fixef)),
        ModelKey::JointMode => report.joint_mode.fit().map(|f| f.beta),
        ModelKey::MarginalExact => report.marginal_exact.fit().map(|f| f.beta),
    }
}

/// `x` with `decimals` decimals, −0 as 0 (what two printed numbers are compared by).
fn printed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if reads_as_zero(x, decimals) {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// 4β·E[logistic′(σ_b t)], t ~ N(0, 1), by a Riemann sum over t in [−12, 12] with step 10⁻³.
fn riemann_pa_slope(beta: f64, sigma_b: f64) -> f64 {
    let h = 1e-3;
    let e: f64 = (0..=24_000)
        .map(|i| {
            let t = -12.0 + h * i as f64;
            let phi = (-0.5 * t * t).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let l = 1.0 / (1.0 + (-sigma_b * t).exp());
            h * phi * l * (1.0 - l)
        })
        .sum();
    4.0 * beta * e
}

/// Whether the claim holds for this report; `None` when the report lacks what it speaks of (the claim
/// is then false as written: a test treats `None` as a failure).
pub fn holds(claim: &TourClaim, report: &FitReport) -> Option<bool> {
    match claim {
        TourClaim::Sum(c) => match c {
            Claim::SumIsZero { model, summed, decimals } => {
                sum_of(report, *model, *summed).map(|s| reads_as_zero(s, *decimals))
            }
            Claim::SumIsNotZero { model, summed, decimals } => {
                sum_of(report, *model, *summed).map(|s| !reads_as_zero(s, *decimals))
            }
            Claim::SlopeCloserToZero { model, than, closer } => {
                let (x, y) = (slope_of(report, *model)?, slope_of(report, *than)?);
                Some((x.abs() < y.abs()) == *closer)
            }
            #[allow(unreachable_patterns)]
            _ => None,
        },
        TourClaim::SumsCompare { model, decimals, equal } => {
            let m = sum_of(report, *model, Summed::Modes)?;
            let e = sum_of(report, *model, Summed::Means)?;
            Some((printed(m, *decimals) == printed(e, *decimals)) == *equal)
        }
        TourClaim::SumIsBelow { model, summed, bound } => sum_of(report, *model, *summed).map(|s| s.abs() < *bound),
        TourClaim::Singular { model, singular } => {
            let sigma_b = match model {
                ModelKey::GlmmLaplace => report.glmm_laplace.fit().map(|f| f.sigma_b),
                ModelKey::GlmmAgq => report.glmm_agq.fit().map(|f| f.sigma_b),
                ModelKey::Lmm => report.lmm.fit().map(|f| f.sigma_b),
                ModelKey::MarginalExact => report.marginal_exact.fit().map(|f| f.sigma),
                _ => None,
            }?;
            Some((sigma_b.abs() < SINGULAR_SIGMA) == *singular)
        }
        TourClaim::SlopesCompare { a, b, decimals, equal } => {
            let (x, y) = (slope_of(report, *a)?, slope_of(report, *b)?);
            Some((printed(x, *decimals) == printed(y, *decimals)) == *equal)
        }
        TourClaim::SlopeRatio { a, b, min, max } => {
            let (x, y) = (slope_of(report, *a)?, slope_of(report, *b)?);
            let r = x / y;
            Some(r.is_finite() && r >= *min && r <= *max)
        }
        TourClaim::ModeMeanApart { model, group, gap } => {
            let f = match model {
                ModelKey::GlmmLaplace => report.glmm_laplace.fit(),
                ModelKey::GlmmAgq => report.glmm_agq.fit(),
                _ => None,
            }?;
            let (m, e) = (f.ranef.get(*group)?, f.cond_means.get(*group)?);
            Some((m - e).abs() >= *gap)
        }
        TourClaim::NotFitted { model } => Some(match model {
            ModelKey::LmPooled => report.lm_pooled.fit().is_none(),
            ModelKey::LmGroup => report.lm_group.fit().is_none(),
            ModelKey::Lmm => report.lmm.fit().is_none(),
            ModelKey::GlmPooled => report.glm_pooled.fit().is_none(),
            ModelKey::GlmGroup => report.glm_group.fit().is_none(),
            ModelKey::GlmmLaplace => report.glmm_laplace.fit().is_none(),
            ModelKey::GlmmAgq => report.glmm_agq.fit().is_none(),
            ModelKey::JointMode => report.joint_mode.fit().is_none(),
            ModelKey::MarginalExact => report.marginal_exact.fit().is_none(),
        }),
        TourClaim::PaApproximation { model, relative } => {
            let f = match model {
                ModelKey::GlmmLaplace => report.glmm_laplace.fit(),
                ModelKey::GlmmAgq => report.glmm_agq.fit(),
                _ => None,
            }?;
            let (beta, s) = (*f.fixef.get(1)?, f.sigma_b);
            let exact = riemann_pa_slope(beta, s);
            let c2 = (16.0 * 3f64.sqrt() / (15.0 * std::f64::consts::PI)).powi(2);
            let approx = beta / (1.0 + c2 * s * s).sqrt();
            Some(exact.abs() <= beta.abs() && ((approx - exact) / exact).abs() <= *relative)
        }
    }
}
