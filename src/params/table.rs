//! Every parameter of the page under each of its names, with what it takes and its default: the one table
//! read by [`Params::merge`](super::Params::merge) (names and error sentences), the permalink
//! ([`crate::url_state`]), the command line (its options and `--help`) and the `<glmm-demo>` element
//! (its attributes, through the WebAssembly export `element_attributes`).
//!
//! | name         | permalink | CLI option      | `<glmm-demo>` attributes    |
//! |--------------|-----------|-----------------|-----------------------------|
//! | `preset`     | `preset`  | `--preset`      | `preset`                    |
//! | `seed`       | `seed`    | `--seed`        | `seed`                      |
//! | `groups`     | `groups`  | `--groups`      | `groups`                    |
//! | `n`          | `n`       | `--n`           | `n`                         |
//! | `thresholds` | `t`       | `--thresholds`  | `thresholds`, `t`           |
//! | `y_coef`     | `yc`      | `--y-coef`      | `y-coef`, `y_coef`, `yc`    |
//! | `spacing`    | `sp`      | `--spacing`     | `spacing`, `sp`             |
//! | `center`     | `c`       | `--center` / `--no-center` | `center`, `c`    |
//! | `nagq`       | `nagq`    | `--nagq`        | `nagq`                      |

use crate::data::ranges::{self, Range};
use crate::data::{Preset, SimConfig};

use super::Params;

/// Largest nAGQ (lme4 allows up to 100 quadrature nodes per group).
pub const MAX_NAGQ: usize = 100;
/// `nagq`: glmer's quadrature nodes per group.
pub const NAGQ: Range = Range::Whole { lo: 1, hi: MAX_NAGQ as i64, unit: "" };

/// One parameter of the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// The name in [`Params`], its JSON and `glmmDemo.set`: `y_coef`.
    pub name: &'static str,
    /// The permalink's key: `yc`.
    pub hash_key: &'static str,
    /// The command line's option, without the dashes: `y-coef`.
    pub flag: &'static str,
    /// The placeholder of its value in `--help`: `C`.
    pub value_name: &'static str,
    /// What it is, in a few plain words.
    pub about: &'static str,
    /// The values it takes.
    pub range: Range,
}

/// Every parameter, in the order the permalink writes them and the error sentences list them.
pub const PARAMS: [ParamSpec; 9] = [
    ParamSpec {
        name: "preset",
        hash_key: "preset",
        flag: "preset",
        value_name: "NAME",
        about: "The example to start from: the answer's or the question's data (every option below overrides it)",
        range: ranges::PRESET,
    },
    ParamSpec { name: "seed", hash_key: "seed", flag: "seed", value_name: "S", about: "R's set.seed(S)", range: ranges::SEED },
    ParamSpec {
        name: "groups",
        hash_key: "groups",
        flag: "groups",
        value_name: "G",
        about: "Number of groups G (changing it resets the thresholds to that G's defaults)",
        range: ranges::GROUPS,
    },
    ParamSpec { name: "n", hash_key: "n", flag: "n", value_name: "N", about: "Observations per group", range: ranges::N },
    ParamSpec {
        name: "thresholds",
        hash_key: "t",
        flag: "thresholds",
        value_name: "A,B,…",
        about: "Threshold of each group, comma-separated: y_bin = y > threshold",
        range: ranges::THRESHOLDS,
    },
    ParamSpec { name: "y_coef", hash_key: "yc", flag: "y-coef", value_name: "C", about: "Coefficient of y in x", range: ranges::COEF },
    ParamSpec {
        name: "spacing",
        hash_key: "sp",
        flag: "spacing",
        value_name: "D",
        about: "Coefficient of the group number in x (how far apart the groups' x lie)",
        range: ranges::COEF,
    },
    ParamSpec {
        name: "center",
        hash_key: "c",
        flag: "center",
        value_name: "",
        about: "Centre x (x <- x - mean(x))",
        range: ranges::CENTER,
    },
    ParamSpec {
        name: "nagq",
        hash_key: "nagq",
        flag: "nagq",
        value_name: "K",
        about: "Quadrature nodes per group of the glmer AGQ fit (lme4's nAGQ)",
        range: NAGQ,
    },
];

/// The parameter called `name` in [`Params`].
pub fn by_name(name: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|p| p.name == name)
}

/// The parameter whose permalink key is `key`.
pub fn by_hash_key(key: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|p| p.hash_key == key)
}

/// Every name in [`Params`], in table order.
pub fn names() -> impl Iterator<Item = &'static str> {
    PARAMS.iter().map(|p| p.name)
}

impl ParamSpec {
    /// The `<glmm-demo>` attributes that set it: the CLI's name, the JSON name and the permalink key.
    pub fn attributes(&self) -> Vec<&'static str> {
        let mut out = Vec::with_capacity(3);
        for a in [self.flag, self.name, self.hash_key] {
            if !out.contains(&a) {
                out.push(a);
            }
        }
        out
    }

    /// `p`'s value as the permalink writes it (`0.5,0.1`, `1` for a centred x).
    pub fn value_text(&self, p: &Params) -> String {
        let s: &SimConfig = &p.sim;
        match self.name {
            "preset" => preset_token(s.preset).to_string(),
            "seed" => s.seed.to_string(),
            "groups" => s.groups.to_string(),
            "n" => s.n.to_string(),
            "thresholds" => s.thresholds.iter().map(|&t| shortest(t)).collect::<Vec<_>>().join(","),
            "y_coef" => shortest(s.y_coef),
            "spacing" => shortest(s.spacing),
            "center" => if s.center { "1" } else { "0" }.to_string(),
            "nagq" => p.nagq.to_string(),
            _ => String::new(),
        }
    }

    /// The default, as `--help` shows it: the answer's value, and the question's when it differs.
    pub fn default_text(&self) -> String {
        let answer = Params::default();
        let question = Params::from_sim(&SimConfig::preset(Preset::Question), answer.nagq);
        let shown = |p: &Params| match self.name {
            "center" => if p.center { "centred" } else { "not centred" }.to_string(),
            "thresholds" => p.thresholds.iter().map(|&t| shortest(t)).collect::<Vec<_>>().join(","),
            _ => self.value_text(p),
        };
        let (a, q) = (shown(&answer), shown(&question));
        match self.name {
            "preset" => a,
            _ if a == q => a,
            _ => format!("{a}; {q} with the question preset"),
        }
    }

    /// One line of `--help`: what it is, the values it takes and the default.
    pub fn help(&self) -> String {
        match self.range {
            Range::Switch => format!("{} [default: {}]", self.about, self.default_text()),
            _ => format!("{} [{}] [default: {}]", self.about, self.range.short(), self.default_text()),
        }
    }
}

/// The permalink's name of a preset.
pub fn preset_token(p: Preset) -> &'static str {
    match p {
        Preset::Answer => "answer",
        Preset::Question => "question",
        Preset::Custom => "custom",
    }
}

/// A number in the shortest form that reads back as the same double (`0.5`, `2`, `1e-7`).
pub fn shortest(x: f64) -> String {
    let plain = format!("{x}");
    let sci = format!("{x:e}");
    if sci.len() < plain.len() {
        sci
    } else {
        plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keys_and_flags_are_unique_and_match_params() {
        for (i, a) in PARAMS.iter().enumerate() {
            for b in &PARAMS[i + 1..] {
                assert!(a.name != b.name && a.hash_key != b.hash_key && a.flag != b.flag, "{a:?} {b:?}");
            }
        }
        let json = serde_json::to_value(Params::default()).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut sorted: Vec<&str> = names().collect();
        sorted.sort_unstable();
        let mut keys_sorted = keys.clone();
        keys_sorted.sort_unstable();
        assert_eq!(keys_sorted, sorted);
        assert_eq!(by_hash_key("yc").map(|p| p.name), Some("y_coef"));
        assert_eq!(by_name("y_coef").map(ParamSpec::attributes), Some(vec!["y-coef", "y_coef", "yc"]));
        assert_eq!(by_name("n").map(ParamSpec::attributes), Some(vec!["n"]));
    }

    #[test]
    fn help_shows_range_and_defaults() {
        let help = |name| by_name(name).unwrap().help();
        assert_eq!(
            help("groups"),
            "Number of groups G (changing it resets the thresholds to that G's defaults) [1–50] [default: 2; 5 with the question preset]"
        );
        assert_eq!(help("nagq"), "Quadrature nodes per group of the glmer AGQ fit (lme4's nAGQ) [1–100] [default: 100]");
        assert!(help("thresholds").ends_with("[default: 0.5,0.1; 0.5,0.5,0.5,0.5,0.5 with the question preset]"), "{}", help("thresholds"));
        assert_eq!(help("center"), "Centre x (x <- x - mean(x)) [default: centred; not centred with the question preset]");
        assert!(help("preset").ends_with("[answer, question or custom] [default: answer]"), "{}", help("preset"));
        assert!(help("y_coef").contains("[−1000 to 1000] [default: 0.5; 1 with the question preset]"), "{}", help("y_coef"));
    }

    #[test]
    fn shortest_round_trips() {
        assert_eq!(shortest(0.1), "0.1");
        assert_eq!(shortest(2.0), "2");
        assert_eq!(shortest(1e-7), "1e-7");
        for x in [0.1, 1.0 / 3.0, 5e-324, 1e-7, 999.999, -0.0, 0.30000000000000004] {
            assert_eq!(shortest(x).parse::<f64>().unwrap(), x);
        }
    }
}
