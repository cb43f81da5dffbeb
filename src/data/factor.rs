//! R's `factor()`: a column of labels stored as level codes, the levels in the order R gives them.
//!
//! - Text: the distinct labels in R's sort order ([`super::collation`]), as `factor()` of a character
//!   vector (and `read.csv(stringsAsFactors = TRUE)`) makes them.
//! - Numbers: the distinct values in increasing order, each labelled as R's `as.character()` writes a
//!   double (15 significant digits, fixed or scientific notation, whichever is narrower), as `factor()`
//!   of a numeric vector makes them: `factor(c(10, 2, 1.5))` has the levels "1.5", "2", "10".
//!
//! A missing value has no code.

use std::collections::HashMap;

use super::collation::r_collate;

/// A factor: each row's level (None when missing) and the levels in R's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Factor {
    /// 0-based index into `levels` of each row.
    pub codes: Vec<Option<usize>>,
    pub levels: Vec<String>,
}

impl Factor {
    /// R's `factor()` of text (None = missing).
    pub fn from_text<'a>(cells: impl IntoIterator<Item = Option<&'a str>>) -> Factor {
        let mut index: HashMap<&'a str, usize> = HashMap::new();
        let mut first_seen: Vec<&'a str> = Vec::new();
        let provisional: Vec<Option<usize>> = cells
            .into_iter()
            .map(|cell| {
                cell.map(|label| {
                    *index.entry(label).or_insert_with(|| {
                        first_seen.push(label);
                        first_seen.len() - 1
                    })
                })
            })
            .collect();
        let mut order: Vec<usize> = (0..first_seen.len()).collect();
        order.sort_by(|&a, &b| r_collate(first_seen[a], first_seen[b]));
        let mut rank = vec![0; order.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        Factor {
            codes: provisional.into_iter().map(|c| c.map(|i| rank[i])).collect(),
            levels: order.iter().map(|&i| first_seen[i].to_string()).collect(),
        }
    }

    /// R's `factor()` of numbers (None = missing; the values are finite).
    pub fn from_numbers(values: &[Option<f64>]) -> Factor {
        let mut distinct: Vec<f64> = values.iter().flatten().copied().collect();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup_by(|a, b| a == b);
        let codes = values.iter().map(|v| v.map(|v| distinct.partition_point(|&l| l < v))).collect();
        Factor { codes, levels: distinct.iter().map(|&v| r_number_label(v)).collect() }
    }

    /// Number of levels.
    pub fn n_levels(&self) -> usize {
        self.levels.len()
    }
}

/// A double as R's `as.character()` writes it: the fewest significant digits (at most 15) that give the
/// value to 15 digits, in fixed notation unless scientific notation is narrower (`1e+05`, `1e-04`,
/// `0.00012`, `123456`, `0.333333333333333`).
pub fn r_number_label(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if !v.is_finite() {
        return if v.is_nan() { "NaN".into() } else if v > 0.0 { "Inf".into() } else { "-Inf".into() };
    }
    let sci = format!("{:.14e}", v.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let n_sig = digits.len() as i32;
    let sign = if v < 0.0 { "-" } else { "" };
    let exp_digits = exponent.abs().to_string();
    let exp_width = exp_digits.len().max(2) as i32;
    let sci_width = n_sig + i32::from(n_sig > 1) + 2 + exp_width;
    let fixed_width = if exponent >= 0 {
        let decimals = (n_sig - exponent - 1).max(0);
        exponent + 1 + if decimals > 0 { decimals + 1 } else { 0 }
    } else {
        2 + (-exponent - 1) + n_sig
    };
    if fixed_width <= sci_width {
        if exponent >= 0 {
            let int_len = (exponent + 1) as usize;
            let padded = format!("{digits:0<int_len$}");
            let (int_part, frac) = padded.split_at(int_len);
            if frac.is_empty() {
                format!("{sign}{int_part}")
            } else {
                format!("{sign}{int_part}.{frac}")
            }
        } else {
            format!("{sign}0.{}{digits}", "0".repeat((-exponent - 1) as usize))
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{first}{dot}{rest}e{esign}{exp_digits:0>2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_levels_in_r_sort_order() {
        let f = Factor::from_text(["b", "10", "B", "9", "a"].into_iter().map(Some).chain([None]));
        assert_eq!(f.levels, ["10", "9", "a", "b", "B"]);
        assert_eq!(f.codes, [Some(3), Some(0), Some(4), Some(1), Some(2), None]);
    }

    #[test]
    fn number_levels_in_numeric_order_labelled_as_r() {
        let f = Factor::from_numbers(&[Some(10.0), Some(1.5), None, Some(2.0), Some(10.0), Some(-0.5)]);
        assert_eq!(f.levels, ["-0.5", "1.5", "2", "10"]);
        assert_eq!(f.codes, [Some(3), Some(1), None, Some(2), Some(3), Some(0)]);
        assert_eq!(f.n_levels(), 4);
    }

    #[test]
    fn labels_as_r_as_character() {
        // R 4.2.2: as.character(c(100000, 123456, 0.0001, 0.00012, 1/3, 1e15, 1e16, 123456789012, 0.1 + 0.2,
        //                        1e-20, -0.5, 1234567, 0, 95, 2.5e-7, -123.25, 1e5 + 0.1))
        let cases = [
            (100000.0, "1e+05"),
            (123456.0, "123456"),
            (0.0001, "1e-04"),
            (0.00012, "0.00012"),
            (1.0 / 3.0, "0.333333333333333"),
            (1e15, "1e+15"),
            (1e16, "1e+16"),
            (123456789012.0, "123456789012"),
            (0.1 + 0.2, "0.3"),
            (1e-20, "1e-20"),
            (-0.5, "-0.5"),
            (1234567.0, "1234567"),
            (0.0, "0"),
            (95.0, "95"),
            (2.5e-7, "2.5e-07"),
            (-123.25, "-123.25"),
            (100000.1, "100000.1"),
        ];
        for (v, want) in cases {
            assert_eq!(r_number_label(v), want, "{v:e}");
        }
    }
}
