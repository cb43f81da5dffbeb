//! The standard normal distribution on the log scale, accurate in both tails: log Φ(u), and the log
//! probability of an interval F(u, l) = log(Φ(u) − Φ(l)) with its first and second derivatives,
//!   F_u = φ(u)/D,  F_l = −φ(l)/D,  F_uu = −u·F_u − F_u²,  F_ll = −l·F_l − F_l²,  F_ul = −F_u·F_l,
//! where D = Φ(u) − Φ(l) (u = +∞ or l = −∞ allowed, the matching terms then vanish).

use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// log φ(u) = −u²/2 − log √(2π).
pub fn log_dnorm(u: f64) -> f64 {
    -0.5 * u * u - 0.5 * (2.0 * PI).ln()
}

/// log Φ(u): from erfc where it is representable, by the asymptotic (Mills ratio) series below u = −35,
///   log Φ(u) = log φ(u) − log(−u) + log(1 − 1/u² + 3/u⁴ − 15/u⁶ + 105/u⁸ − 945/u¹⁰) (error < 1e-12 there),
/// and as log(1 − Φ(−u)) in the upper tail.
pub fn log_pnorm(u: f64) -> f64 {
    if u.is_nan() {
        return f64::NAN;
    }
    if u == f64::INFINITY {
        return 0.0;
    }
    if u > 5.0 {
        return (-0.5 * libm::erfc(u * FRAC_1_SQRT_2)).ln_1p();
    }
    if u > -35.0 {
        return (0.5 * libm::erfc(-u * FRAC_1_SQRT_2)).ln();
    }
    if u == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    let r = 1.0 / (u * u);
    let series = 1.0 - r * (1.0 - r * (3.0 - r * (15.0 - r * (105.0 - r * 945.0))));
    log_dnorm(u) - (-u).ln() + series.ln()
}

/// log(1 − e^δ) for δ < 0, accurate for δ near 0 and for δ very negative.
fn log1m_exp(delta: f64) -> f64 {
    if delta > -std::f64::consts::LN_2 {
        (-delta.exp_m1()).ln()
    } else {
        (-delta.exp()).ln_1p()
    }
}

/// F(u, l) = log(Φ(u) − Φ(l)) and its derivatives (F, F_u, F_l, F_uu, F_ul, F_ll); F = −∞ when u ≤ l.
pub fn log_interval(u: f64, l: f64) -> (f64, f64, f64, f64, f64, f64) {
    if u.is_nan() || l.is_nan() || u <= l {
        return (f64::NEG_INFINITY, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN);
    }
    // Subtract in the tail where both probabilities are small: Φ(u) − Φ(l) = Φ(−l) − Φ(−u).
    let log_d = if l == f64::NEG_INFINITY {
        log_pnorm(u)
    } else if u == f64::INFINITY {
        log_pnorm(-l)
    } else if l >= 0.0 {
        let big = log_pnorm(-l);
        big + log1m_exp(log_pnorm(-u) - big)
    } else {
        let big = log_pnorm(u);
        big + log1m_exp(log_pnorm(l) - big)
    };
    let ratio = |t: f64| if t.is_finite() { (log_dnorm(t) - log_d).exp() } else { 0.0 };
    let (fu, fl) = (ratio(u), -ratio(l));
    let times = |t: f64, f: f64| if t.is_finite() { t * f } else { 0.0 };
    (log_d, fu, fl, -times(u, fu) - fu * fu, -fu * fl, -times(l, fl) - fl * fl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_pnorm_matches_r_in_both_tails() {
        // R: pnorm(c(0, 1.5, -3, -20, -40, 8), log.p = TRUE)
        let want = [
            (0.0, -std::f64::consts::LN_2),
            (1.5, -6.914_345_561_223_4e-2),
            (-3.0, -6.607_726_221_510_349),
            (-20.0, -2.039_171_553_710_973e2),
            (-40.0, -8.046_084_420_137_538e2),
            (8.0, -6.220_960_574_271_787e-16),
        ];
        for (u, v) in want {
            assert!((log_pnorm(u) - v).abs() <= 1e-13 * v.abs(), "{u}: {} vs {v}", log_pnorm(u));
        }
        // Continuity where the asymptotic series takes over.
        assert!((log_pnorm(-35.0 - 1e-12) - log_pnorm(-35.0 + 1e-12)).abs() < 1e-9);
    }

    #[test]
    fn interval_derivatives_match_differences() {
        for (u, l) in [(0.7, -0.4), (3.0, 2.5), (-2.0, -2.6), (1.2, f64::NEG_INFINITY), (f64::INFINITY, -0.3)] {
            let (f, fu, fl, fuu, ful, fll) = log_interval(u, l);
            let h = 1e-5;
            let d_u = (log_interval(u + h, l).0 - log_interval(u - h, l).0) / (2.0 * h);
            let d_l = (log_interval(u, l + h).0 - log_interval(u, l - h).0) / (2.0 * h);
            assert!(f.is_finite());
            if u.is_finite() {
                assert!((d_u - fu).abs() < 1e-8, "{u},{l}: F_u {fu} vs {d_u}");
                let d_uu = (log_interval(u + h, l).1 - log_interval(u - h, l).1) / (2.0 * h);
                assert!((d_uu - fuu).abs() < 1e-7, "{u},{l}: F_uu {fuu} vs {d_uu}");
            }
            if l.is_finite() {
                assert!((d_l - fl).abs() < 1e-8, "{u},{l}: F_l {fl} vs {d_l}");
                let d_ll = (log_interval(u, l + h).2 - log_interval(u, l - h).2) / (2.0 * h);
                assert!((d_ll - fll).abs() < 1e-7, "{u},{l}: F_ll {fll} vs {d_ll}");
            }
            if u.is_finite() && l.is_finite() {
                let d_ul = (log_interval(u, l + h).1 - log_interval(u, l - h).1) / (2.0 * h);
                assert!((d_ul - ful).abs() < 1e-7, "{u},{l}: F_ul {ful} vs {d_ul}");
            }
        }
        assert_eq!(log_interval(0.5, 0.5).0, f64::NEG_INFINITY);
    }
}
