//! How the page prints numbers in its text, and what "reads as zero" means there: one rule for the cards,
//! the table and the chapters.

/// Decimals of every sum, estimate and card value the text prints.
pub const DECIMALS: usize = crate::report::TABLE_DECIMALS;
/// Decimals of the log-likelihood column.
pub const LOGLIK_DECIMALS: usize = 4;

/// `x` with `decimals` decimals, a typographic minus, −0 printed as 0, non-finite values as a dash or ∞.
pub fn fixed(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        return "—".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞".into() } else { "\u{2212}∞".into() };
    }
    let s = format!("{x:.decimals$}");
    let s = if reads_as_zero(x, decimals) { s.trim_start_matches('-').to_string() } else { s };
    s.replace('-', "\u{2212}")
}

/// Whether `x` printed with `decimals` decimals shows only zeros (a sum the text may call zero).
pub use crate::report::prints_as_zero as reads_as_zero;

/// Text made safe to put into HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_what_the_printed_digits_say() {
        assert_eq!(fixed(-4e-7, 6), "0.000000");
        assert!(reads_as_zero(-4e-7, 6));
        assert_eq!(fixed(-6e-7, 6), "\u{2212}0.000001");
        assert!(!reads_as_zero(-6e-7, 6));
        assert!(!reads_as_zero(f64::NAN, 6));
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
