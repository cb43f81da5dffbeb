//! R's `sprintf("%.17g", x)`: the one way a double is written for R, in CSV files (`glmm-demo simulate`)
//! and in the generated R script (`glmm-demo r-code`).
//!
//! 17 significant digits are enough for every double to read back as itself, and R's parser reads a
//! 17-digit decimal exactly (it is not correctly rounded for every shorter one), so data written this way
//! are identical bit for bit in R. (R's own printing, `print` and `deparse`, uses 15 digits and may not
//! round-trip; nothing we write relies on it.)

/// A number as C's `printf("%.17g", v)` (and R's `sprintf("%.17g", v)`) writes it: 17 significant
/// digits, trailing zeros dropped, plain form for exponents −4 ≤ e < 17 and otherwise `d.ddde±XX` (at
/// least two exponent digits, as glibc writes). Non-finite values are written as R writes them (`NaN`,
/// `Inf`, `-Inf`), which R also reads back as source.
pub fn format_g17(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Inf" } else { "-Inf" }.to_string();
    }
    // Rust's `{:e}` with a precision rounds exactly (round half to even on the exact value), as glibc.
    let sci = format!("{:.16e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if v.is_sign_negative() { "-" } else { "" };
    let strip = |frac: &str| frac.trim_end_matches('0').to_string();
    if (-4..17).contains(&exp) {
        let (int_part, frac) = if exp >= 0 {
            let k = (exp + 1) as usize;
            (digits[..k].to_string(), strip(&digits[k..]))
        } else {
            ("0".to_string(), strip(&format!("{}{}", "0".repeat((-exp - 1) as usize), digits)))
        };
        if frac.is_empty() {
            format!("{sign}{int_part}")
        } else {
            format!("{sign}{int_part}.{frac}")
        }
    } else {
        let frac = strip(&digits[1..]);
        let dot = if frac.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{}{dot}{frac}e{esign}{:02}", &digits[..1], exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R 4.2.2: `cat(sprintf("%.17g", c(...)), sep = "\n")` for each value below.
    #[test]
    fn matches_r_sprintf_17g() {
        let cases = [
            (1e-5, "1.0000000000000001e-05"),
            (0.1, "0.10000000000000001"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1.0 / 3.0, "0.33333333333333331"),
            (1e17, "1e+17"),
            (1.5e-4, "0.00014999999999999999"),
            (1e22, "1e+22"),
            (5e-324, "4.9406564584124654e-324"),
            (-0.0, "-0"),
            (0.0, "0"),
            (1e16, "10000000000000000"),
            (1e-300, "1e-300"),
            (0.0001, "0.0001"),
            (2.0 / 3.0 * 1e-4, "6.666666666666667e-05"),
            (-0.7039181399433212, "-0.7039181399433212"),
            (-0.30000000000000004, "-0.30000000000000004"),
            (100.0, "100"),
            (-2.0, "-2"),
            (1.5, "1.5"),
            (123456.789, "123456.789"),
        ];
        for (v, want) in cases {
            assert_eq!(format_g17(v), want, "format_g17({v:e})");
        }
        assert_eq!(format_g17(f64::NAN), "NaN");
        assert_eq!(format_g17(f64::INFINITY), "Inf");
        assert_eq!(format_g17(f64::NEG_INFINITY), "-Inf");
    }

    #[test]
    fn reads_back_as_the_same_double_with_at_most_17_digits() {
        for x in [0.1, 0.2, 1.0 / 3.0, 0.4, 0.30000000000000004, 5e-324, 1e-300, 999.999, -0.7, 0.9 - 0.8, 1e-5, 1e300] {
            let s = format_g17(x);
            assert_eq!(s.parse::<f64>().unwrap(), x, "{s}");
            let sig = s.trim_start_matches('-').split('e').next().unwrap().replace('.', "");
            assert!(sig.trim_start_matches('0').len() <= 17, "{s}");
        }
    }
}
