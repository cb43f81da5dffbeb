//! The values each parameter of a simulation may take, written once: [`SimConfig::validate`] checks
//! them, and the parameter table ([`crate::params::table`]) shows them in `--help`, error sentences and
//! the page.
//!
//! [`SimConfig::validate`]: super::SimConfig::validate

use crate::error::Error;

/// Largest allowed number of groups G.
pub const MAX_GROUPS: usize = 50;
/// Largest allowed number of observations per group.
pub const MAX_N: usize = 100_000;
/// Largest magnitude accepted for `y_coef` and `spacing`.
pub const MAX_COEF: f64 = 1000.0;

/// What one parameter takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Range {
    /// One of a list of words.
    Choice(&'static [&'static str]),
    /// A whole number in `lo..=hi`; `unit` names what is counted (empty for none).
    Whole { lo: i64, hi: i64, unit: &'static str },
    /// Any whole number R's `set.seed` takes (a 32-bit integer).
    Seed,
    /// One number in [0, 1] per group.
    PerGroupProbability,
    /// A finite number with |x| ≤ `max`.
    Number { max: f64 },
    /// true or false.
    Switch,
}

/// `preset`: the seed question's two examples, or anything else.
pub const PRESET: Range = Range::Choice(&["answer", "question", "custom"]);
/// `seed`: R's `set.seed(seed)`.
pub const SEED: Range = Range::Seed;
/// `groups`: G.
pub const GROUPS: Range = Range::Whole { lo: 1, hi: MAX_GROUPS as i64, unit: "" };
/// `n`: observations per group.
pub const N: Range = Range::Whole { lo: 1, hi: MAX_N as i64, unit: "of observations per group " };
/// `thresholds`: one per group.
pub const THRESHOLDS: Range = Range::PerGroupProbability;
/// `y_coef` and `spacing`.
pub const COEF: Range = Range::Number { max: MAX_COEF };
/// `center`.
pub const CENTER: Range = Range::Switch;

impl Range {
    /// The end of the sentence "groups must be …": `a whole number from 1 to 50`.
    pub fn expected(&self) -> String {
        match *self {
            Range::Choice(words) => quoted_list(words),
            Range::Whole { lo, hi, unit } => format!("a whole number {unit}from {lo} to {hi}"),
            Range::Seed => "a whole number (R's set.seed)".to_string(),
            Range::PerGroupProbability => "numbers between 0 and 1".to_string(),
            Range::Number { max } => format!("a number between -{max} and {max}"),
            Range::Switch => "true or false".to_string(),
        }
    }

    /// The range as `--help` shows it: `1–50`, `answer, question or custom`.
    pub fn short(&self) -> String {
        match *self {
            Range::Choice(words) => or_list(words),
            Range::Whole { lo, hi, .. } => format!("{lo}–{hi}"),
            Range::Seed => "any 32-bit whole number".to_string(),
            Range::PerGroupProbability => "one number in [0, 1] per group".to_string(),
            Range::Number { max } => format!("−{max} to {max}"),
            Range::Switch => "true or false".to_string(),
        }
    }

    /// Whether a whole number is in the range (for [`Range::Whole`]; other ranges accept none).
    pub fn contains_whole(&self, v: i64) -> bool {
        match *self {
            Range::Whole { lo, hi, .. } => (lo..=hi).contains(&v),
            Range::Seed => i32::try_from(v).is_ok(),
            _ => false,
        }
    }

    /// Whether a number is in the range (for [`Range::Number`] and [`Range::PerGroupProbability`]).
    pub fn contains_number(&self, v: f64) -> bool {
        match *self {
            Range::Number { max } => v.is_finite() && v.abs() <= max,
            Range::PerGroupProbability => v.is_finite() && (0.0..=1.0).contains(&v),
            _ => false,
        }
    }

    /// The error sentence for parameter `name`, whose value reads `got`.
    pub fn error(&self, name: &'static str, got: String) -> Error {
        Error::InvalidParameter { name, expected: self.expected(), got }
    }
}

fn or_list(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn quoted_list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    let refs: Vec<&str> = quoted.iter().map(String::as_str).collect();
    or_list(&refs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_and_help() {
        assert_eq!(GROUPS.expected(), "a whole number from 1 to 50");
        assert_eq!(N.expected(), "a whole number of observations per group from 1 to 100000");
        assert_eq!(COEF.expected(), "a number between -1000 and 1000");
        assert_eq!(PRESET.expected(), "\"answer\", \"question\" or \"custom\"");
        assert_eq!(PRESET.short(), "answer, question or custom");
        assert_eq!(GROUPS.short(), "1–50");
        assert!(GROUPS.contains_whole(50) && !GROUPS.contains_whole(51) && !GROUPS.contains_whole(0));
        assert!(SEED.contains_whole(-2147483648) && !SEED.contains_whole(2147483648));
        assert!(COEF.contains_number(-1000.0) && !COEF.contains_number(1000.5) && !COEF.contains_number(f64::NAN));
        assert!(THRESHOLDS.contains_number(0.0) && THRESHOLDS.contains_number(1.0) && !THRESHOLDS.contains_number(1.5));
    }
}
