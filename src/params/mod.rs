//! The page's parameters: the simulation's options ([`SimConfig`]) plus nAGQ, merged from partial JSON.
//!
//! Field names are the CLI's option names (`preset`, `seed`, `groups`, `n`, `thresholds`, `y_coef`,
//! `spacing`, `center`, `nagq`), so `glmmDemo.set({groups: 5})` and `glmm-demo fit --groups 5` mean the
//! same thing; [`table`] lists every name, range and default once. [`Params::merge`] applies a partial set
//! with the page's rules:
//!
//! - a partial set keeps every parameter it does not name;
//! - changing `groups` resets the thresholds to that G's defaults unless `thresholds` are given too;
//! - choosing the `answer` or `question` preset loads its values, except those given alongside it;
//! - moving any data parameter away from the preset's values relabels the preset `custom`;
//! - every value is checked ([`SimConfig::validate`] and nAGQ's range), and a bad one is a [`crate::Error`]
//!   sentence, never a panic.

pub mod table;

use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::data::ranges::{self, Range};
use crate::data::{Preset, SimConfig};
use crate::error::{Error, Result};
use crate::models::FitOptions;

pub use crate::data::ranges::MAX_COEF;
pub use table::MAX_NAGQ;

/// Every parameter of the page: the data set (a [`SimConfig`]) and the glmer quadrature.
///
/// A `Params` reads as its `SimConfig` (`p.groups` is `p.sim.groups`); its JSON is flat, one key per
/// parameter (`{"preset": "answer", "seed": 1, …, "nagq": 100}`), as the page, the permalink and the
/// worker's hand-over read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// What [`crate::data::simulate`] reads.
    pub sim: SimConfig,
    /// Quadrature nodes per group for `glmm_agq` (lme4's nAGQ), 1–100.
    pub nagq: usize,
}

impl Deref for Params {
    type Target = SimConfig;
    fn deref(&self) -> &SimConfig {
        &self.sim
    }
}

impl Default for Params {
    /// The answer's example (seed 1) with nAGQ = 100, as in the answer's `glmer` call.
    fn default() -> Self {
        Params::from_sim(&SimConfig::preset(Preset::Answer), MAX_NAGQ)
    }
}

/// The flat JSON form (field order as before `Params` held a `SimConfig`, so postcard's bytes are unchanged).
#[derive(Serialize)]
struct FlatRef<'a> {
    preset: Preset,
    seed: i32,
    groups: usize,
    n: usize,
    thresholds: &'a [f64],
    y_coef: f64,
    spacing: f64,
    center: bool,
    nagq: usize,
}

#[derive(Deserialize)]
struct Flat {
    preset: Preset,
    seed: i32,
    groups: usize,
    n: usize,
    thresholds: Vec<f64>,
    y_coef: f64,
    spacing: f64,
    center: bool,
    nagq: usize,
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let c = &self.sim;
        FlatRef {
            preset: c.preset,
            seed: c.seed,
            groups: c.groups,
            n: c.n,
            thresholds: &c.thresholds,
            y_coef: c.y_coef,
            spacing: c.spacing,
            center: c.center,
            nagq: self.nagq,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Params {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let f = Flat::deserialize(d)?;
        let sim = SimConfig {
            preset: f.preset,
            seed: f.seed,
            groups: f.groups,
            n: f.n,
            thresholds: f.thresholds,
            y_coef: f.y_coef,
            spacing: f.spacing,
            center: f.center,
        };
        Ok(Params { sim, nagq: f.nagq })
    }
}

impl Params {
    pub fn from_sim(cfg: &SimConfig, nagq: usize) -> Params {
        Params { sim: cfg.clone(), nagq }
    }

    /// The data part, for [`crate::data::simulate`] (a copy of [`Params::sim`]).
    pub fn to_sim_config(&self) -> SimConfig {
        self.sim.clone()
    }

    /// The model part, for [`crate::models::fit_all`].
    pub fn fit_options(&self) -> FitOptions {
        FitOptions { nagq: self.nagq, ..FitOptions::default() }
    }

    /// The stem of a downloaded file's name: `glmm-demo-answer-seed1`, or `glmm-demo-g5-n200-seed3` for
    /// custom settings.
    pub fn file_stem(&self) -> String {
        let base = match self.sim.preset {
            Preset::Custom => format!("g{}-n{}", self.sim.groups, self.sim.n),
            p => table::preset_token(p).to_string(),
        };
        format!("glmm-demo-{base}-seed{}", self.sim.seed)
    }

    /// What a screen reader says for a slider's value: `param` the parameter's name (`threshold` with
    /// `group`, 0-based, for a group's threshold).
    pub fn slider_text(param: &str, value: f64, group: Option<usize>) -> String {
        let whole = value.round() as i64;
        match (param, group) {
            (_, Some(g)) => format!("threshold {value:.2} for group {}", g + 1),
            ("groups", _) => format!("{whole} group{}", if whole == 1 { "" } else { "s" }),
            ("n", _) => format!("{whole} observations per group"),
            ("nagq", _) if whole == 1 => "1 node, the Laplace approximation".into(),
            ("nagq", _) => format!("{whole} quadrature nodes"),
            ("seed", _) => format!("seed {whole}"),
            _ => table::shortest(value),
        }
    }

    /// Whether the data parameters equal those of `preset` (the label itself is not compared).
    pub fn matches_preset(&self, preset: Preset) -> bool {
        preset != Preset::Custom && SimConfig { preset, ..self.sim.clone() } == SimConfig::preset(preset)
    }

    /// Checks every value; the error names the first one out of range.
    pub fn validate(&self) -> Result<()> {
        self.sim.validate()?;
        if !table::NAGQ.contains_whole(self.nagq as i64) {
            return Err(table::NAGQ.error("nagq", self.nagq.to_string()));
        }
        Ok(())
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
        if let Some(k) = obj.keys().find(|k| table::by_name(k).is_none()) {
            return Err(Error::Usage(format!(
                "There is no parameter called \"{}\"; the parameters are {}.",
                k.chars().take(40).collect::<String>(),
                table::names().collect::<Vec<_>>().join(", ")
            )));
        }
        let get = |k: &str| obj.get(k).filter(|v| !v.is_null());

        // 1. The preset: answer/question load their values, custom only relabels.
        let mut p = self.clone();
        if let Some(v) = get("preset") {
            let preset = parse_preset(v)?;
            if preset == Preset::Custom {
                p.sim.preset = Preset::Custom;
            } else {
                p = Params::from_sim(&SimConfig::preset(preset), self.nagq);
            }
        }
        // Thresholds default to the family of the preset in effect before any relabelling.
        let family = p.sim.preset;

        // 2. The values given.
        let s = &mut p.sim;
        if let Some(v) = get("seed") {
            s.seed = parse_whole("seed", ranges::SEED, v)? as i32;
        }
        if let Some(v) = get("groups") {
            let g = parse_whole("groups", ranges::GROUPS, v)? as usize;
            if g != s.groups {
                s.groups = g;
                s.thresholds = SimConfig::default_thresholds(family, g);
            }
        }
        if let Some(v) = get("n") {
            s.n = parse_whole("n", ranges::N, v)? as usize;
        }
        if let Some(v) = get("thresholds") {
            s.thresholds = parse_thresholds(v, s.groups)?;
        }
        if let Some(v) = get("y_coef") {
            s.y_coef = parse_number("y_coef", ranges::COEF, v)?;
        }
        if let Some(v) = get("spacing") {
            s.spacing = parse_number("spacing", ranges::COEF, v)?;
        }
        if let Some(v) = get("center") {
            s.center = match v {
                Value::Bool(b) => *b,
                other => return Err(ranges::CENTER.error("center", describe(other))),
            };
        }
        if let Some(v) = get("nagq") {
            p.nagq = parse_whole("nagq", table::NAGQ, v)? as usize;
        }

        // 3. Off a preset's values means custom.
        if p.sim.preset != Preset::Custom && !p.matches_preset(p.sim.preset) {
            p.sim.preset = Preset::Custom;
        }
        p.validate()?;
        Ok(p)
    }
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
        _ => Err(ranges::PRESET.error("preset", describe(v))),
    }
}

/// A whole number in `range`.
fn parse_whole(name: &'static str, range: Range, v: &Value) -> Result<i64> {
    match v.as_f64() {
        Some(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 && range.contains_whole(x as i64) => Ok(x as i64),
        _ => Err(range.error(name, describe(v))),
    }
}

/// A number in `range`.
fn parse_number(name: &'static str, range: Range, v: &Value) -> Result<f64> {
    match v.as_f64() {
        Some(x) if range.contains_number(x) => Ok(x),
        _ => Err(range.error(name, describe(v))),
    }
}

fn parse_thresholds(v: &Value, groups: usize) -> Result<Vec<f64>> {
    let arr = v.as_array().ok_or_else(|| Error::InvalidParameter {
        name: "thresholds",
        expected: format!("a list of {groups} numbers between 0 and 1"),
        got: describe(v),
    })?;
    if arr.len() != groups {
        return Err(Error::InvalidParameter {
            name: "thresholds",
            expected: format!("one value per group ({groups} values)"),
            got: crate::data::simulate::values(arr.len()),
        });
    }
    arr.iter()
        .enumerate()
        .map(|(k, t)| match t.as_f64() {
            Some(x) if ranges::THRESHOLDS.contains_number(x) => Ok(x),
            _ => Err(ranges::THRESHOLDS.error("thresholds", format!("{} for group {}", describe(t), k + 1))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn file_stems_and_slider_texts() {
        assert_eq!(Params::default().file_stem(), "glmm-demo-answer-seed1");
        let p = Params::default().merge(&json!({"groups": 5, "n": 40, "seed": 7})).unwrap();
        assert_eq!(p.file_stem(), "glmm-demo-g5-n40-seed7");
        assert_eq!(Params::slider_text("threshold", 0.5, Some(1)), "threshold 0.50 for group 2");
        assert_eq!(Params::slider_text("groups", 1.0, None), "1 group");
        assert_eq!(Params::slider_text("groups", 5.0, None), "5 groups");
        assert_eq!(Params::slider_text("n", 200.0, None), "200 observations per group");
        assert_eq!(Params::slider_text("nagq", 1.0, None), "1 node, the Laplace approximation");
        assert_eq!(Params::slider_text("nagq", 25.0, None), "25 quadrature nodes");
        assert_eq!(Params::slider_text("seed", 3.0, None), "seed 3");
        assert_eq!(Params::slider_text("y_coef", 0.5, None), "0.5");
    }

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
        let mut want: Vec<_> = table::names().map(|s| s.to_string()).collect();
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
        assert_eq!(relabel, Params { sim: SimConfig { preset: Preset::Custom, ..SimConfig::default() }, ..Params::default() });
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
        let p = Params { sim: SimConfig { thresholds: vec![0.5], ..SimConfig::default() }, ..Params::default() };
        assert!(p.validate().is_err());
        let p = Params { sim: SimConfig { y_coef: f64::NAN, ..SimConfig::default() }, ..Params::default() };
        assert!(p.validate().is_err());
        // The one validator: SimConfig's range for y_coef is the page's (it accepted any finite number before).
        let p = Params { sim: SimConfig { y_coef: 1000.5, ..SimConfig::default() }, ..Params::default() };
        assert_eq!(p.validate().unwrap_err().to_string(), "y_coef must be a number between -1000 and 1000, but it is 1000.5.");
        assert_eq!(p.sim.validate().unwrap_err().to_string(), "y_coef must be a number between -1000 and 1000, but it is 1000.5.");
    }
}
