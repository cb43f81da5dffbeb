//! Numbers as the tour's sentences print them: fixed decimals with a typographic minus (U+2212), and
//! −0 printed as 0 — the same text `www/format.js`'s `fixed` makes, so a test can find the live numbers.

/// `x` with `decimals` decimals, e.g. `fixed(-0.02803, 4)` = "−0.0280"; non-finite values as "—".
pub fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let s = format!("{x:.decimals$}");
    let negative_zero = s.starts_with('-') && s.chars().all(|c| matches!(c, '-' | '0' | '.'));
    if negative_zero {
        s[1..].to_string()
    } else {
        s.replace('-', "\u{2212}")
    }
}

/// Whether `x` printed with `decimals` decimals reads as zero.
pub fn reads_as_zero(x: f64, decimals: usize) -> bool {
    x.is_finite() && fixed(x, decimals).chars().all(|c| matches!(c, '0' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_a_typographic_minus_and_no_negative_zero() {
        assert_eq!(fixed(-0.02803, 4), "\u{2212}0.0280");
        assert_eq!(fixed(-0.00001, 4), "0.0000");
        assert_eq!(fixed(0.0316, 3), "0.032");
        assert_eq!(fixed(f64::NAN, 3), "—");
        assert!(reads_as_zero(-0.00004, 4));
        assert!(!reads_as_zero(-0.00006, 4));
        assert!(!reads_as_zero(f64::NAN, 4));
    }
}
