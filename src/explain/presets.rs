//! The line under the page's preset choice: what each example is, written from the preset's own settings
//! ([`SimConfig::preset`]), so that it cannot drift from the data the preset simulates.

use crate::data::{Preset, SimConfig};

/// A whole number as a word up to ten ("two groups"), in digits beyond.
fn count_word(n: usize) -> String {
    const WORDS: [&str; 11] = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    WORDS.get(n).map_or_else(|| n.to_string(), |w| (*w).to_string())
}

/// `c·name` as a term of a sum after `+`/`−` (`name` alone for 1, `0.5·y`), with its sign.
fn signed_term(c: f64, name: &str) -> (bool, String) {
    let a = c.abs();
    let term = if a == 1.0 { name.to_string() } else { format!("{a}·{name}") };
    (c.is_sign_negative(), term)
}

/// The hint for `preset`, e.g. "The answer’s example: two groups of 200, thresholds 0.5 and 0.1,
/// x = 0.5·y + noise + 2·group, centred."
pub fn preset_hint(preset: Preset) -> String {
    let whose = match preset {
        Preset::Answer => "The answer’s example",
        Preset::Question => "The question’s example",
        Preset::Custom => return "Your own settings. Choose a preset to return to an example.".into(),
    };
    let c = SimConfig::preset(preset);
    let t: Vec<String> = c.thresholds.iter().map(|t| t.to_string()).collect();
    let thresholds = match t.as_slice() {
        [one] => format!("threshold {one}"),
        [first, rest @ ..] if rest.iter().all(|r| r == first) => format!("every threshold {first}"),
        [init @ .., last] => format!("thresholds {} and {last}", init.join(", ")),
        [] => String::new(),
    };
    let (y_neg, y) = signed_term(c.y_coef, "y");
    let (g_neg, g) = signed_term(c.spacing, "group");
    let x = format!("x = {}{y} + noise {} {g}", if y_neg { "−" } else { "" }, if g_neg { "−" } else { "+" });
    format!(
        "{whose}: {} group{} of {}, {thresholds}, {x}{}.",
        count_word(c.groups),
        if c.groups == 1 { "" } else { "s" },
        c.n,
        if c.center { ", centred" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_preset_is_described_by_its_own_settings() {
        assert_eq!(
            preset_hint(Preset::Answer),
            "The answer’s example: two groups of 200, thresholds 0.5 and 0.1, x = 0.5·y + noise + 2·group, centred."
        );
        assert_eq!(
            preset_hint(Preset::Question),
            "The question’s example: five groups of 200, every threshold 0.5, x = y + noise + group."
        );
        assert!(preset_hint(Preset::Custom).starts_with("Your own settings."));
        assert_eq!(signed_term(-0.25, "y"), (true, "0.25·y".into()));
        assert_eq!(count_word(12), "12");
    }
}
