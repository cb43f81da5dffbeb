//! The binomial family with the logit link, written for numerical stability.
//!
//! For a 0/1 outcome y and linear predictor η, with μ = logistic(η):
//! log p(y | η) = y·η − log(1 + e^η), and the deviance residual is d = −2 log p(y | η)
//! (a Bernoulli saturated model has log-likelihood 0).

/// log(1 + e^x) without overflow or loss of precision (Mächler, "Accurately computing log(1 − exp(−|a|))").
#[inline]
pub fn log1pexp(x: f64) -> f64 {
    if x <= -37.0 {
        x.exp()
    } else if x <= 18.0 {
        x.exp().ln_1p()
    } else if x <= 33.3 {
        x + (-x).exp()
    } else {
        x
    }
}

/// The logistic function 1 / (1 + e^(−x)).
#[inline]
pub fn logistic(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Bernoulli log-likelihood log p(y | η) = y·η − log(1 + e^η), for y in {0, 1}.
#[inline]
pub fn bernoulli_loglik(y: f64, eta: f64) -> f64 {
    y * eta - log1pexp(eta)
}

/// Deviance residual d(y, η) = −2 log p(y | η) of a Bernoulli observation.
#[inline]
pub fn deviance_residual(y: f64, eta: f64) -> f64 {
    -2.0 * bernoulli_loglik(y, eta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log1pexp_matches_naive_where_naive_is_exact_and_stays_finite_elsewhere() {
        for &x in &[-5.0, -1.0, 0.0, 0.5, 3.0, 10.0] {
            let naive = (1.0 + f64::exp(x)).ln();
            assert!((log1pexp(x) - naive).abs() < 1e-14 * naive.abs().max(1.0), "x={x}");
        }
        assert_eq!(log1pexp(800.0), 800.0);
        assert!((log1pexp(-800.0)).abs() < 1e-300);
        assert!((log1pexp(20.0) - (20.0 + (-20.0f64).exp())).abs() < 1e-14);
    }

    #[test]
    fn logistic_is_symmetric_and_bounded() {
        for &x in &[-700.0, -3.0, 0.0, 2.5, 700.0] {
            assert!((logistic(x) + logistic(-x) - 1.0).abs() < 1e-15);
            assert!((0.0..=1.0).contains(&logistic(x)));
        }
        assert_eq!(logistic(0.0), 0.5);
    }

    #[test]
    fn bernoulli_loglik_is_log_of_the_probability() {
        let eta: f64 = 0.7;
        let p = 1.0 / (1.0 + (-eta).exp());
        assert!((bernoulli_loglik(1.0, eta) - p.ln()).abs() < 1e-15);
        assert!((bernoulli_loglik(0.0, eta) - (1.0 - p).ln()).abs() < 1e-15);
        assert!((deviance_residual(1.0, eta) + 2.0 * p.ln()).abs() < 1e-15);
    }
}
