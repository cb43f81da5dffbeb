//! Singular fits in words: lme4 prints "boundary (singular) fit" when the random-intercept standard
//! deviation is estimated as 0; the flag alone says little to a student, so each such fit carries a note.
//!
//! At σ_b = 0 every random intercept is 0 and the model *is* the pooled one: lmer's fixed effects are
//! lm(y ~ x)'s (generalised least squares with no group variance is ordinary least squares), glmer's
//! fixed effects and log-likelihood are glm(y_bin ~ x)'s.

use super::lmm::SINGULAR_THETA;
use crate::report::{FitReport, Outcome};

/// The note of a singular lmer fit.
pub const LMM_SINGULAR: &str = "Singular fit (lme4: \"boundary (singular) fit\"): the group variance is estimated as 0, so \
every random intercept is 0 and the fixed effects are those of lm(y ~ x); the groups differ no more than the \
residual noise explains.";

/// The note of a singular glmer fit.
pub const GLMM_SINGULAR: &str = "Singular fit (lme4: \"boundary (singular) fit\"): σ_b is estimated as 0, so every random \
intercept is 0 and the fixed effects and log-likelihood are those of glm(y_bin ~ x); the groups differ no more than \
chance explains.";

/// The note of an exact marginal likelihood that is highest at σ_b = 0.
pub const MARGINAL_SINGULAR: &str = "σ_b is estimated as 0 (a singular fit): the marginal likelihood is highest without \
group effects, where it equals glm(y_bin ~ x)'s.";

/// `report` with a note on every singular fit.
pub fn with_singular_notes(mut report: FitReport) -> FitReport {
    if let Outcome::Fit(f) = &mut report.lmm {
        if f.singular {
            f.note = Some(LMM_SINGULAR.into());
        }
    }
    for o in [&mut report.glmm_laplace, &mut report.glmm_agq] {
        if let Outcome::Fit(f) = o {
            if f.singular {
                f.note = Some(GLMM_SINGULAR.into());
            }
        }
    }
    if let Outcome::Fit(f) = &mut report.marginal_exact {
        if f.sigma < SINGULAR_THETA {
            f.note = Some(MARGINAL_SINGULAR.into());
        }
    }
    report
}
