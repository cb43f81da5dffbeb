//! The latent-scale intraclass correlation (ICC) of a random-intercept GLMM: the share of the variance on
//! the link (latent) scale that lies between groups, ICC = σ_b² / (σ_b² + c), with c the variance of the
//! observation-level distribution on that scale:
//! - binomial, logit link: c = π²/3 (the variance of the standard logistic distribution);
//! - binomial, probit link: c = 1 (the standard normal);
//! - binomial, cloglog link: c = π²/6 (the standard Gumbel);
//! - Poisson, log link: the lognormal approximation of Nakagawa, Johnson & Schielzeth (2017, J. R. Soc.
//!   Interface 14: 20170213), c = ln(1 + 1/λ) with λ = exp(β₀ + σ_b²/2) the mean count of the population
//!   (β₀ the intercept; with covariates, the linear predictor where the mean is wanted).
//!
//! Used by the lesson's key numbers and usable by the general engine for any family and link.

use super::glmm::FamilyLink;

/// The observation-level variance c on the latent scale; `intercept` (β₀) is read only for Poisson.
pub fn latent_residual_variance(family: FamilyLink, sigma_b: f64, intercept: f64) -> f64 {
    use std::f64::consts::PI;
    match family {
        FamilyLink::BinomialLogit => PI * PI / 3.0,
        FamilyLink::BinomialProbit => 1.0,
        FamilyLink::BinomialCloglog => PI * PI / 6.0,
        FamilyLink::PoissonLog => {
            let lambda = (intercept + 0.5 * sigma_b * sigma_b).exp();
            (1.0 / lambda).ln_1p()
        }
    }
}

/// ICC = σ_b² / (σ_b² + c) (see the module); None when σ_b or c is not a finite number ≥ 0 (a Poisson λ
/// that overflows, say).
pub fn latent_icc(family: FamilyLink, sigma_b: f64, intercept: f64) -> Option<f64> {
    let c = latent_residual_variance(family, sigma_b, intercept);
    let v = sigma_b * sigma_b;
    (v.is_finite() && c.is_finite() && c >= 0.0 && v + c > 0.0).then(|| v / (v + c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values computed in R (`s^2/(s^2 + pi^2/3)` etc., and for Poisson `lam <- exp(b0 + s^2/2);
    /// s^2/(s^2 + log(1 + 1/lam))`), printed with 17 digits.
    #[test]
    fn icc_matches_r() {
        let s = 1.055193;
        let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-14;
        assert!(close(latent_icc(FamilyLink::BinomialLogit, s, 0.0), 0.252_863_117_631_022_8));
        assert!(close(latent_icc(FamilyLink::BinomialProbit, s, 0.0), 0.526_836_030_897_893_8));
        assert!(close(latent_icc(FamilyLink::BinomialCloglog, s, 0.0), 0.403_656_415_569_402_7));
        assert!(close(latent_icc(FamilyLink::PoissonLog, 0.8, 0.4), 0.617_406_594_089_971_3));
        assert!(close(latent_icc(FamilyLink::PoissonLog, 1.3, -1.2), 0.655_974_852_673_731_8));
        // The observation-level variances c themselves (R: pi^2/3, pi^2/6, log(1 + 1/exp(b0 + s^2/2))).
        let c = |f, s, b0| latent_residual_variance(f, s, b0);
        assert!((c(FamilyLink::BinomialLogit, s, 0.0) - 3.289_868_133_696_453).abs() < 1e-15);
        assert_eq!(c(FamilyLink::BinomialProbit, s, 0.0), 1.0);
        assert!((c(FamilyLink::BinomialCloglog, s, 0.0) - 1.644_934_066_848_226_4).abs() < 1e-15);
        assert!((c(FamilyLink::PoissonLog, 0.8, 0.4) - 0.396_594_046_980_224_4).abs() < 1e-15);
        assert!((c(FamilyLink::PoissonLog, 1.3, -1.2) - 0.886_318_273_652_741_3).abs() < 1e-15);
        // A singular fit: no variance between groups.
        assert_eq!(latent_icc(FamilyLink::BinomialLogit, 0.0, 0.0), Some(0.0));
        assert_eq!(latent_icc(FamilyLink::BinomialLogit, f64::NAN, 0.0), None);
    }
}
