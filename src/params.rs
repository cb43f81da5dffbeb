//! The page's parameters: the simulation's options plus nAGQ, merged from partial JSON.
//!
//! Field names are the CLI's option names (`preset`, `seed`, `groups`, `n`, `thresholds`, `y_coef`,
//! `spacing`, `center`, `nagq`), so `glmmDemo.set({groups: 5})` and `glmm-demo fit --groups 5` mean the
//! same thing. [`Params::merge`] applies a partial set with the page's rules:
//!
//! - a partial set keeps every parameter it does not name;
//! - changing `groups` resets the thresholds to that G's defaults unless `thresholds` are given too;
//! - choosing the `answer` or `question` preset loads its values, except those given alongside it;
//! - moving any data parameter away from the preset's values relabels the preset `custom`;
//! - every value is checked, and a bad one is a [`crate::Error`] sentence, never a panic.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::data::simulate::{MAX_GROUPS, MAX_N};
use crate::data::{Preset, SimConfig};
use crate::error::{Error, Result};
use crate::models::FitOptions;

/// Largest nAGQ (lme4 allows up to 100 quadrature nodes per group).
pub const MAX_NAGQ: usize = 100;
/// Largest magnitude accepted for `y_coef` and `spacing`.
pub const MAX_COEF: f64 = 1000.0;

/// Every parameter of the page: the data set (as [`SimConfig`]) and the glmer quadrature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Params {
    pub preset: Preset,
    /// R's `set.seed(seed)`.
    pub seed: i32,
    /// Number of groups G (1–50).
    pub groups: usize,
    /// Observations per group (1–100,000).
    pub n: usize,
    /// One threshold per group in [0, 1]: `y_bin = y > thresholds[group]`.
    pub thresholds: Vec<f64>,
    /// Coefficient of y in x.
    pub y_coef: f64,
    /// Coefficient of group in x.
    pub spacing: f64,
    /// Whether x is centred.
    pub center: bool,
    /// Quadrature nodes per group for `glmm_agq` (lme4's nAGQ), 1–100.
    pub nagq: usize,
}

impl Default for Params {
    /// The answer's example (seed 1) with nAGQ = 100, as in the answer's `glmer` call.
    fn default() -> Self {
        Params::from_sim(&SimConfig::preset(Preset::Answer), MAX_NAGQ)
    }
}

/// The names `merge` accepts, in the order the error message lists them.
const KEYS: [&str; 9] = ["preset", "seed", "groups", "n", "thresholds", "y_coef", "spacing", "center", "nagq"];

impl Params {
    pub fn from_sim(cfg: &SimConfig, nagq: usize) -> Params {
        Params {
            preset: cfg.preset,
            seed: cfg.seed,
            groups: cfg.groups,
            n: cfg.n,
            thresholds: cfg.thresholds.clone(),
            y_coef: cfg.y_coef,
            spacing: cfg.spacing,
            center: cfg.center,
            nagq,
        }
    }

    /// The data part, for [`crate::data::simulate`].
    pub fn to_sim_config(&self) -> SimConfig {
        SimConfig {
            preset: self.preset,
            seed: self.seed,
            groups: self.groups,
            n: self.n,
            thresholds: self.thresholds.clone(),
            y_coef: self.y_coef,
            spacing: self.spacing,
            center: self.center,
        }
    }

    /// The model part, for [`crate::models::fit_all`].
    pub fn fit_options(&self) -> FitOptions {
        FitOptions { nagq: self.nagq, ..FitOptions::default() }
    }

    /// Whether the data parameters equal those of `preset` (the label itself is not compared).
    pub fn matches_preset(&self, preset: Preset) -> bool {
        if preset == Preset::Custom {
            return false;
        }
        let p = SimConfig::preset(preset);
        self.seed == p.seed
            && self.groups == p.groups
            && self.n == p.n
            && self.thresholds == p.thresholds
            && self.y_coef == p.y_coef
            && self.spacing == p.spacing
            && self.center == p.center
    }

    /// Checks every value; the error names the first one out of range.
    pub fn validate(&self) -> Result<()> {
        check_count("groups", self.groups, MAX_GROUPS)?;
        check_count("n", self.n, MAX_N)?;
        if self.thresholds.len() != self.groups {
            return Err(invalid(
                "thresholds",
                format!("one value per group ({} values)", self.groups),
                values(self.thresholds.len()),
            ));
        }
        for (k, t) in self.thresholds.iter().enumerate() {
            if !(t.is_finite() && (0.0..=1.0).contains(t)) {
                return Err(invalid("thresholds", "numbers between 0 and 1".into(), format!("{t} for group {}", k + 1)));
            }
        }
        check_coef("y_coef", self.y_coef)?;
        check_coef("spacing", self.spacing)?;
        check_count("nagq", self.nagq, MAX_NAGQ)?;
        self.to_sim_config().validate()
    }

    /// Applies a partial set of parameters (a JSON object) and returns the new, validated parameters.
    /// `self` is left unchanged; on error nothing is applied.
    pub fn merge(&self, partial: &Value) -> Result<Params> {
        let obj: Map<String, Value> = match partial {
            Value::Null => Map::new(),
            Value::Object(m) => m.clone(),
            other => {
                return Err(Error::Usage(format!(
                    "Parameters must be an object such as {{\"groups\": 5}}, but they are {}.",
                    describe(other)
                )))
            }
        };
        if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(Error::Usage(format!(
                "There is no parameter called \"{}\"; the parameters are {}.",
                k.chars().take(40).collect::<String>(),
                KEYS.join(", ")
            )));
        }
        let get = |k: &str| obj.get(k).filter(|v| !v.is_null());

        // 1. The preset: answer/question load their values, custom only relabels.
        let mut p = self.clone();
        if let Some(v) = get("preset") {
            let preset = parse_preset(v)?;
            if preset == Preset::Custom {
                p.preset = Preset::Custom;
            } else {
                p = Params::from_sim(&SimConfig::preset(preset), self.nagq);
            }
        }
        // Thresholds default to the family of the preset in effect before any relabelling.
        let family = p.preset;

        // 2. The values given.
        if let Some(v) = get("seed") {
            p.seed = parse_int("seed", v, i32::MIN as f64, i32::MAX as f64, "a whole number (R's set.seed)")? as i32;
        }
        if let Some(v) = get("groups") {
            let g = parse_int("groups", v, 1.0, MAX_GROUPS as f64, &format!("a whole number from 1 to {MAX_GROUPS}"))?
                as usize;
            if g != p.groups {
                p.groups = g;
                p.thresholds = SimConfig::default_thresholds(family, g);
            }
        }
        if let Some(v) = get("n") {
            p.n = parse_int("n", v, 1.0, MAX_N as f64, &format!("a whole number of observations per group from 1 to {MAX_N}"))?
                as usize;
        }
        if let Some(v) = get("thresholds") {
            p.thresholds = parse_thresholds(v, p.groups)?;
        }
        if let Some(v) = get("y_coef") {
            p.y_coef = parse_coef("y_coef", v)?;
        }
        if let Some(v) = get("spacing") {
            p.spacing = parse_coef("spacing", v)?;
        }
        if let Some(v) = get("center") {
            p.center = match v {
                Value::Bool(b) => *b,
                other => return Err(invalid("center", "true or false".into(), describe(other))),
            };
        }
        if let Some(v) = get("nagq") {
            p.nagq = parse_int("nagq", v, 1.0, MAX_NAGQ as f64, &format!("a whole number from 1 to {MAX_NAGQ}"))? as usize;
        }

        // 3. Off a preset's values means custom.
        if p.preset != Preset::Custom && !p.matches_preset(p.preset) {
            p.preset = Preset::Custom;
        }
        p.validate()?;
        Ok(p)
    }
}

fn values(k: usize) -> String {
    if k == 1 {
        "1 value".to_string()
    } else {
        format!("{k} values")
    }
}

fn invalid(name: &'static str, expected: String, got: String) -> Error {
    Error::InvalidParameter { name, expected, got }
}

/// A short, safe description of a JSON value for an error sentence.
fn describe(v: &Value) -> String {
    let s = match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        // A whole number as one (the CLI passes every number as f64, which serde_json prints as "0.0").
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
            _ => n.to_string(),
        },
        Value::String(s) => format!("the text \"{s}\""),
        Value::Array(a) => format!("a list of {} values", a.len()),
        Value::Object(_) => "an object".to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn parse_preset(v: &Value) -> Result<Preset> {
    match v.as_str() {
        Some("answer") => Ok(Preset::Answer),
        Some("question") => Ok(Preset::Question),
        Some("custom") => Ok(Preset::Custom),
        _ => Err(invalid("preset", "\"answer\", \"question\" or \"custom\"".into(), describe(v))),
    }
}

fn parse_int(name: &'static str, v: &Value, lo: f64, hi: f64, expected: &str) -> Result<i64> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x.fract() == 0.0 && (lo..=hi).contains(&x) => Ok(x as i64),
        _ => Err(invalid(name, expected.to_string(), describe(v))),
    }
}

fn parse_coef(name: &'static str, v: &Value) -> Result<f64> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x.abs() <= MAX_COEF => Ok(x),
        _ => Err(invalid(name, format!("a number between -{MAX_COEF} and {MAX_COEF}"), describe(v))),
    }
}

fn parse_thresholds(v: &Value, groups: usize) -> Result<Vec<f64>> {
    let arr = v.as_array().ok_or_else(|| {
        invalid("thresholds", format!("a list of {groups} numbers between 0 and 1"), describe(v))
    })?;
    if arr.len() != groups {
        return Err(invalid(
            "thresholds",
            format!("one value per group ({groups} values)"),
            values(arr.len()),
        ));
    }
    arr.iter()
        .enumerate()
        .map(|(k, t)| match t.as_f64() {
            Some(x) if x.is_finite() && (0.0..=1.0).contains(&x) => Ok(x),
            _ => Err(invalid("thresholds", "numbers between 0 and 1".into(), format!("{} for group {}", describe(t), k + 1))),
        })
        .collect()
}

fn check_count(name: &'static str, v: usize, max: usize) -> Result<()> {
    if (1..=max).contains(&v) {
        Ok(())
    } else {
        Err(invalid(name, format!("a whole number from 1 to {max}"), v.to_string()))
    }
}

fn check_coef(name: &'static str, v: f64) -> Result<()> {
    if v.is_finite() && v.abs() <= MAX_COEF {
        Ok(())
    } else {
        Err(invalid(name, format!("a number between -{MAX_COEF} and {MAX_COEF}"), v.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_is_the_answer_with_nagq_100() {
        let p = Params::default();
        assert_eq!(p.preset, Preset::Answer);
        assert_eq!((p.seed, p.groups, p.n, p.nagq), (1, 2, 200, 100));
        assert_eq!(p.thresholds, vec![0.5, 0.1]);
        assert_eq!((p.y_coef, p.spacing, p.center), (0.5, 2.0, true));
        assert!(p.validate().is_ok());
        assert_eq!(p.to_sim_config(), SimConfig::preset(Preset::Answer));
        assert_eq!(p.fit_options().nagq, 100);
    }

    #[test]
    fn serde_names_are_the_cli_names() {
        let v = serde_json::to_value(Params::default()).unwrap();
        let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        let mut want: Vec<_> = KEYS.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(keys, want);
        assert_eq!(v["preset"], json!("answer"));
        let back: Params = serde_json::from_value(v).unwrap();
        assert_eq!(back, Params::default());
    }

    #[test]
    fn partial_keeps_the_rest() {
        let p = Params::default().merge(&json!({"nagq": 25})).unwrap();
        assert_eq!(p, Params { nagq: 25, ..Params::default() });
        assert_eq!(p.preset, Preset::Answer, "nagq is not a data parameter");
        let same = Params::default().merge(&json!({})).unwrap();
        assert_eq!(same, Params::default());
        assert_eq!(Params::default().merge(&Value::Null).unwrap(), Params::default());
    }

    #[test]
    fn changing_groups_resets_thresholds() {
        let p = Params::default().merge(&json!({"groups": 5})).unwrap();
        assert_eq!(p.groups, 5);
        assert_eq!(p.thresholds, SimConfig::default_thresholds(Preset::Answer, 5));
        assert_eq!(p.thresholds.len(), 5);
        assert!((p.thresholds[0] - 0.5).abs() < 1e-15 && (p.thresholds[4] - 0.1).abs() < 1e-15);
        assert_eq!(p.preset, Preset::Custom);
        // Same G keeps the thresholds.
        let q = Params::default().merge(&json!({"thresholds": [0.3, 0.2]})).unwrap();
        let r = q.merge(&json!({"groups": 2})).unwrap();
        assert_eq!(r.thresholds, vec![0.3, 0.2]);
        // Given thresholds win.
        let s = Params::default().merge(&json!({"groups": 3, "thresholds": [0.1, 0.2, 0.3]})).unwrap();
        assert_eq!(s.thresholds, vec![0.1, 0.2, 0.3]);
        // Back to G = 2 gives the answer's thresholds again.
        let t = p.merge(&json!({"groups": 2})).unwrap();
        assert_eq!(t.thresholds, vec![0.5, 0.1]);
    }

    #[test]
    fn presets_load_their_values_except_those_given() {
        let q = Params::default().merge(&json!({"preset": "question"})).unwrap();
        assert_eq!(q.preset, Preset::Question);
        assert_eq!(q.to_sim_config(), SimConfig::preset(Preset::Question));
        assert_eq!(q.nagq, 100, "nagq is kept");

        let q3 = Params::default().merge(&json!({"preset": "question", "groups": 3})).unwrap();
        assert_eq!(q3.groups, 3);
        assert_eq!(q3.thresholds, vec![0.5; 3], "the question's family of thresholds");
        assert_eq!(q3.preset, Preset::Custom);
        assert_eq!(q3.y_coef, 1.0);

        let custom = Params::default().merge(&json!({"seed": 7, "y_coef": 2})).unwrap();
        assert_eq!(custom.preset, Preset::Custom);
        let back = custom.merge(&json!({"preset": "answer"})).unwrap();
        assert_eq!(back, Params::default());

        let relabel = Params::default().merge(&json!({"preset": "custom"})).unwrap();
        assert_eq!(relabel, Params { preset: Preset::Custom, ..Params::default() });
    }

    #[test]
    fn leaving_a_preset_makes_it_custom() {
        for partial in [
            json!({"seed": 2}),
            json!({"n": 100}),
            json!({"thresholds": [0.5, 0.2]}),
            json!({"y_coef": 1}),
            json!({"spacing": 1.5}),
            json!({"center": false}),
        ] {
            let p = Params::default().merge(&partial).unwrap();
            assert_eq!(p.preset, Preset::Custom, "{partial}");
        }
        // Setting a preset's own values keeps the label.
        let p = Params::default().merge(&json!({"seed": 1, "thresholds": [0.5, 0.1], "center": true})).unwrap();
        assert_eq!(p.preset, Preset::Answer);
    }

    #[test]
    fn every_value_is_checked_with_a_sentence() {
        let bad = [
            (json!({"groups": 0}), "groups must be a whole number from 1 to 50, but it is 0."),
            (json!({"groups": 51}), "groups must be a whole number from 1 to 50, but it is 51."),
            (json!({"groups": 2.5}), "groups must be a whole number from 1 to 50, but it is 2.5."),
            (json!({"nagq": 0}), "nagq must be a whole number from 1 to 100, but it is 0."),
            (json!({"nagq": 101}), "nagq must be a whole number from 1 to 100, but it is 101."),
            (json!({"n": 0}), "n must be a whole number of observations per group from 1 to 100000, but it is 0."),
            (json!({"thresholds": [0.5, 1.5]}), "thresholds must be numbers between 0 and 1, but it is 1.5 for group 2."),
            (json!({"thresholds": [0.5]}), "thresholds must be one value per group (2 values), but it is 1 value."),
            (json!({"center": "yes"}), "center must be true or false, but it is the text \"yes\"."),
            (json!({"preset": "book"}), "preset must be \"answer\", \"question\" or \"custom\", but it is the text \"book\"."),
            (json!({"seed": 1e12}), "seed must be a whole number (R's set.seed), but it is 1000000000000."),
            (json!({"y_coef": "x"}), "y_coef must be a number between -1000 and 1000, but it is the text \"x\"."),
        ];
        for (partial, msg) in bad {
            let e = Params::default().merge(&partial).unwrap_err();
            assert!(matches!(e, Error::InvalidParameter { .. }), "{partial}: {e:?}");
            assert_eq!(e.to_string(), msg, "{partial}");
        }
        let e = Params::default().merge(&json!({"grups": 3})).unwrap_err();
        assert!(e.to_string().starts_with("There is no parameter called \"grups\""), "{e}");
        let e = Params::default().merge(&json!([1, 2])).unwrap_err();
        assert!(e.to_string().starts_with("Parameters must be an object"), "{e}");
    }

    #[test]
    fn a_failed_merge_changes_nothing() {
        let p = Params::default();
        let before = p.clone();
        assert!(p.merge(&json!({"groups": 3, "nagq": 0})).is_err());
        assert_eq!(p, before);
    }

    #[test]
    fn validate_catches_direct_construction() {
        let p = Params { nagq: 0, ..Params::default() };
        assert!(p.validate().is_err());
        let p = Params { thresholds: vec![0.5], ..Params::default() };
        assert!(p.validate().is_err());
        let p = Params { y_coef: f64::NAN, ..Params::default() };
        assert!(p.validate().is_err());
    }
}
