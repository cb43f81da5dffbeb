//! The normal quantile function exactly as R 4.2 computes it (`qnorm5` in R's nmath/qnorm.c).

/// Quantile of the normal distribution with mean `mu` and standard deviation `sigma`, a line-by-line
/// port of R 4.2's `qnorm5`, so results agree with R to the bit.
///
/// Uses Wichura's algorithm: M. J. Wichura (1988), "Algorithm AS 241: The Percentage Points of the
/// Normal Distribution", *Applied Statistics* 37, 477–484 (PPND16, accurate to about 1 part in
/// 10^16), with R's extension of the asymptotic formula `r·√2` for `r ≥ 816` (only reachable with
/// `log_p`).
///
/// Like R: a NaN argument gives NaN; `p` outside [0, 1] (or `p > 0` when `log_p`) gives NaN;
/// `sigma < 0` gives NaN; `sigma == 0` gives `mu`; `p` = 0 or 1 (or `-Inf` / 0 when `log_p`)
/// gives ∓Inf as appropriate for `lower_tail`.
// The coefficients are R's (and AS 241's) literals, kept verbatim although f64 cannot hold every digit.
#[allow(clippy::excessive_precision)]
pub fn qnorm(p: f64, mu: f64, sigma: f64, lower_tail: bool, log_p: bool) -> f64 {
    if p.is_nan() || mu.is_nan() || sigma.is_nan() {
        return p + mu + sigma;
    }
    // R_Q_P01_boundaries(p, ML_NEGINF, ML_POSINF)
    let (left, right) = (f64::NEG_INFINITY, f64::INFINITY);
    if log_p {
        if p > 0.0 {
            return f64::NAN;
        }
        if p == 0.0 {
            return if lower_tail { right } else { left };
        }
        if p == f64::NEG_INFINITY {
            return if lower_tail { left } else { right };
        }
    } else {
        if !(0.0..=1.0).contains(&p) {
            return f64::NAN;
        }
        if p == 0.0 {
            return if lower_tail { left } else { right };
        }
        if p == 1.0 {
            return if lower_tail { right } else { left };
        }
    }
    if sigma < 0.0 {
        return f64::NAN;
    }
    if sigma == 0.0 {
        return mu;
    }

    // R_D_Lval / R_D_Cval / R_DT_qIv / R_DT_CIv of R's dpq.h.
    let d_lval = |p: f64| if lower_tail { p } else { 0.5 - p + 0.5 };
    let d_cval = |p: f64| if lower_tail { 0.5 - p + 0.5 } else { p };
    let p_ = if log_p {
        if lower_tail {
            p.exp()
        } else {
            -p.exp_m1()
        }
    } else {
        d_lval(p)
    };
    let q = p_ - 0.5;

    let val;
    if q.abs() <= 0.425 {
        // 0.075 <= p~ <= 0.925
        let r = 0.180625 - q * q;
        val = q
            * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r
                + 67265.770927008700853)
                * r
                + 45921.953931549871457)
                * r
                + 13731.693765509461125)
                * r
                + 1971.5909503065514427)
                * r
                + 133.14166789178437745)
                * r
                + 3.387132872796366608)
            / (((((((r * 5226.495278852854561 + 28729.085735721942674) * r
                + 39307.89580009271061)
                * r
                + 21213.794301586595867)
                * r
                + 5394.1960214247511077)
                * r
                + 687.1870074920579083)
                * r
                + 42.313330701600911252)
                * r
                + 1.);
    } else {
        // closer than 0.075 to {0, 1}: r = sqrt(-log(min(p~, 1 - p~)))
        let mut r = if log_p && ((lower_tail && q <= 0.0) || (!lower_tail && q > 0.0)) {
            p
        } else {
            let tail = if q > 0.0 {
                // R_DT_CIv(p): 1 - p
                if log_p {
                    if lower_tail {
                        -p.exp_m1()
                    } else {
                        p.exp()
                    }
                } else {
                    d_cval(p)
                }
            } else {
                p_
            };
            tail.ln()
        };
        r = (-r).sqrt();
        let mut v = if r <= 5. {
            // min(p, 1-p) >= exp(-25) ~= 1.3888e-11
            r += -1.6;
            (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
                + 0.24178072517745061177)
                * r
                + 1.27045825245236838258)
                * r
                + 3.64784832476320460504)
                * r
                + 5.7694972214606914055)
                * r
                + 4.6303378461565452959)
                * r
                + 1.42343711074968357734)
                / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
                    + 0.0151986665636164571966)
                    * r
                    + 0.14810397642748007459)
                    * r
                    + 0.68976733498510000455)
                    * r
                    + 1.6763848301838038494)
                    * r
                    + 2.05319162663775882187)
                    * r
                    + 1.)
        } else if r >= 816. {
            // p extremely close to 0 or 1 (only possible with log_p): asymptotic formula
            r * std::f64::consts::SQRT_2
        } else {
            // 5 < r < 816: Wichura's R_3(t) (minimax for 5 <= t <= 27)
            r += -5.;
            (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
                + 0.0012426609473880784386)
                * r
                + 0.026532189526576123093)
                * r
                + 0.29656057182850489123)
                * r
                + 1.7848265399172913358)
                * r
                + 5.4637849111641143699)
                * r
                + 6.6579046435011037772)
                / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
                    + 1.8463183175100546818e-5)
                    * r
                    + 7.868691311456132591e-4)
                    * r
                    + 0.0148753612908506148525)
                    * r
                    + 0.13692988092273580531)
                    * r
                    + 0.59983220655588793769)
                    * r
                    + 1.)
        };
        if q < 0.0 {
            v = -v;
        }
        val = v;
    }
    mu + sigma * val
}

#[cfg(test)]
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;

    fn assert_bits(got: f64, want: f64, call: &str) {
        assert_eq!(
            got.to_bits(),
            want.to_bits(),
            "{call}: got {got:e}, R gives {want:e}"
        );
    }

    #[test]
    fn matches_r_in_all_three_regions() {
        // R 4.2.2: sprintf('%.17g', qnorm(c(1e-300, 0.975, 1-1e-12, 0.5, 0.025, 1e-20, 0.1, 0.9)))
        let cases = [
            (1e-300, -37.047096299361201),
            (0.975, 1.9599639845400536),
            (1.0 - 1e-12, 7.0344869100478356),
            (0.5, 0.0),
            (0.025, -1.9599639845400538),
            (1e-20, -9.2623400897984052),
            (0.1, -1.2815515655446008),
            (0.9, 1.2815515655446008),
        ];
        for (p, want) in cases {
            assert_bits(
                qnorm(p, 0.0, 1.0, true, false),
                want,
                &format!("qnorm({p:e})"),
            );
        }
    }

    #[test]
    fn matches_r_on_the_log_scale_and_upper_tail() {
        // R 4.2.2: sprintf('%.17g', qnorm(c(-1e5, -1000, -2), log.p=TRUE))
        assert_bits(
            qnorm(-1e5, 0.0, 1.0, true, true),
            -447.19749446504801,
            "log.p -1e5",
        );
        assert_bits(
            qnorm(-1000.0, 0.0, 1.0, true, true),
            -44.615747731966628,
            "log.p -1000",
        );
        assert_bits(
            qnorm(-2.0, 0.0, 1.0, true, true),
            -1.1015196284987503,
            "log.p -2",
        );
        // R 4.2.2: sprintf('%.17g', qnorm(0.3, 2, 3, lower.tail=FALSE))
        assert_bits(
            qnorm(0.3, 2.0, 3.0, false, false),
            3.5732015381241222,
            "upper tail",
        );
    }

    #[test]
    fn boundaries_and_invalid_arguments_as_r() {
        assert_eq!(qnorm(0.0, 0.0, 1.0, true, false), f64::NEG_INFINITY);
        assert_eq!(qnorm(1.0, 0.0, 1.0, true, false), f64::INFINITY);
        assert_eq!(qnorm(0.0, 0.0, 1.0, false, false), f64::INFINITY);
        assert_eq!(qnorm(0.0, 0.0, 1.0, true, true), f64::INFINITY);
        assert_eq!(
            qnorm(f64::NEG_INFINITY, 0.0, 1.0, true, true),
            f64::NEG_INFINITY
        );
        assert!(qnorm(f64::NAN, 0.0, 1.0, true, false).is_nan());
        assert!(qnorm(-0.1, 0.0, 1.0, true, false).is_nan());
        assert!(qnorm(1.1, 0.0, 1.0, true, false).is_nan());
        assert!(qnorm(0.1, 0.0, 1.0, true, true).is_nan());
        assert!(qnorm(0.3, 0.0, -1.0, true, false).is_nan());
        assert_eq!(qnorm(0.3, 2.0, 0.0, true, false), 2.0);
    }
}
