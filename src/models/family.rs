//! The binomial family with the logit link, written for numerical stability.
//!
//! For a 0/1 outcome y and linear predictor η, with μ = logistic(η):
//! log p(y | η) = y·η − log(1 + e^η), and the deviance residual is d = −2 log p(y | η)
//! (a Bernoulli saturated model has log-likelihood 0).

/// log(1 + t) for t ≥ 0 by Goldberg's identity log1p(t) = t · log(u) / (u − 1) with u = 1 ⊕ t: the
/// rounding error of u cancels between log(u) and u − 1, so the result is within a few ulps of log1p, at
/// the cost of one `ln` and one division (libm's `log1p` is about twice as slow, in wasm and natively,
/// and it is the hottest function of every fit).
#[inline]
pub fn ln_1p_nonneg(t: f64) -> f64 {
    let u = 1.0 + t;
    let d = u - 1.0;
    if d == 0.0 {
        t
    } else if u.is_finite() {
        u.ln() * (t / d)
    } else {
        t.ln()
    }
}

/// Σ_i log(1 + t_i) for t_i ≥ 0, accumulated as log Π_i (1 + t_i): one logarithm for a whole sum instead
/// of one per term, the costliest step of every likelihood here. The running product is kept below
/// 2^664 by moving exact powers of two into an integer exponent, and a factor too large to multiply
/// safely (above 1e100) has its logarithm added instead, so nothing overflows. Each factor 1 ⊕ t_i is
/// rounded once, so the result is within about n·ε in absolute terms of Σ log1p(t_i) — what summing n
/// rounded logarithms gives too (a tiny t_i below ε is absorbed, an absolute error below ε).
#[derive(Debug, Clone, Copy)]
pub struct Log1pSum {
    product: f64,
    /// Powers of two taken out of `product`.
    exp2: i64,
    /// Logarithms added directly.
    logs: f64,
}

impl Default for Log1pSum {
    fn default() -> Self {
        Log1pSum { product: 1.0, exp2: 0, logs: 0.0 }
    }
}

impl Log1pSum {
    const RESCALE_ABOVE: f64 = 1e200;
    /// 2^-664 ≈ 1e-200: rescaling by a power of two is exact.
    const TWO_POW_M664: f64 = 1.0 / (1u128 << 100) as f64 / (1u128 << 100) as f64 / (1u128 << 100) as f64
        / (1u128 << 100) as f64
        / (1u128 << 100) as f64
        / (1u128 << 100) as f64
        / (1u128 << 64) as f64;

    /// Adds log(u) for a factor u = 1 + t ≥ 1.
    #[inline]
    pub fn add_factor(&mut self, u: f64) {
        if u < 1e100 {
            self.product *= u;
            if self.product > Self::RESCALE_ABOVE {
                self.product *= Self::TWO_POW_M664;
                self.exp2 += 664;
            }
        } else {
            self.logs += u.ln();
        }
    }

    /// Adds a logarithm computed elsewhere.
    #[inline]
    pub fn add_log(&mut self, l: f64) {
        self.logs += l;
    }

    /// Adds log(1 + e^η).
    #[inline]
    pub fn add_log1pexp(&mut self, eta: f64) {
        if eta <= 33.3 {
            self.add_factor(1.0 + eta.exp());
        } else {
            self.add_log(log1pexp(eta));
        }
    }

    /// The sum.
    #[inline]
    pub fn value(&self) -> f64 {
        self.product.ln() + self.exp2 as f64 * std::f64::consts::LN_2 + self.logs
    }
}

/// log(1 + e^x) without overflow or loss of precision (Mächler, "Accurately computing log(1 − exp(−|a|))").
#[inline]
pub fn log1pexp(x: f64) -> f64 {
    if x <= -37.0 {
        x.exp()
    } else if x <= 18.0 {
        ln_1p_nonneg(x.exp())
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
    fn ln_1p_nonneg_is_within_four_ulps_of_log1p() {
        let mut worst = 0.0f64;
        // Log-uniform t from 1e-300 to 1e300, and the neighbourhood of the awkward points 0 and 1.
        let mut t = 1e-300f64;
        while t < 1e300 {
            for s in [1.0, 1.0 + 1e-12, 1.37, 2.9, 7.77] {
                let v = t * s;
                let exact = v.ln_1p();
                worst = worst.max(((ln_1p_nonneg(v) - exact) / exact).abs());
            }
            t *= 1.1;
        }
        assert!(worst <= 4.0 * f64::EPSILON, "worst relative error {worst:e}");
        assert_eq!(ln_1p_nonneg(0.0), 0.0);
        assert_eq!(ln_1p_nonneg(f64::INFINITY), f64::INFINITY);
        assert!((ln_1p_nonneg(f64::MAX) - f64::MAX.ln()).abs() < 1e-12);
    }

    #[test]
    fn log1p_sum_matches_the_sum_of_log1p_to_n_epsilon() {
        // Deterministic spread of t over 1e-20 … 1e300, in long and short runs, and sums that rescale.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for n in [1usize, 2, 7, 100, 5000] {
            for spread in [1.0, 10.0, 80.0, 300.0] {
                let ts: Vec<f64> = (0..n).map(|_| 10f64.powf(spread * (2.0 * next() - 1.0))).collect();
                let mut acc = Log1pSum::default();
                ts.iter().for_each(|&t| acc.add_factor(1.0 + t));
                let exact: f64 = ts.iter().map(|t| t.ln_1p()).sum();
                // Both are sums of n rounded terms: each may be off by about n·ε·(size of the sum).
                let tol = 4.0 * n as f64 * f64::EPSILON * (1.0 + exact.abs());
                assert!((acc.value() - exact).abs() <= tol, "n {n} spread {spread}: {} vs {exact}", acc.value());
                let mut by_eta = Log1pSum::default();
                ts.iter().for_each(|&t| by_eta.add_log1pexp(t.ln()));
                assert!((by_eta.value() - exact).abs() <= 2.0 * tol + 1e-12 * exact.abs(), "η form, n {n}");
            }
        }
        assert_eq!(Log1pSum::default().value(), 0.0);
        assert_eq!(Log1pSum::TWO_POW_M664, 2f64.powi(-664));
        let mut big = Log1pSum::default();
        big.add_log1pexp(800.0);
        big.add_log1pexp(-800.0);
        assert_eq!(big.value(), 800.0);
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
