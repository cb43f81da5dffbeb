//! Permalinks: every parameter of the page in the URL hash, and back.
//!
//! [`to_hash`] writes the parameters, [`parse_hash`] reads them back and never fails: a malformed or
//! unknown setting is dropped, the page's default takes its place, and one plain-text sentence in
//! [`ParsedState::notices`] says so. The values are applied with [`Params::merge`], so the page's rules
//! hold (changing `groups` resets the thresholds, leaving a preset's values relabels it `custom`, …).
//!
//! # The hash
//!
//! `#preset=answer&seed=1&groups=2&n=200&t=0.5,0.1&yc=0.5&sp=2&c=1&nagq=100`
//!
//! | key      | parameter    | value                                                        |
//! |----------|--------------|--------------------------------------------------------------|
//! | `preset` | `preset`     | `answer`, `question` or `custom`                             |
//! | `seed`   | `seed`       | R's `set.seed`, a whole number                               |
//! | `groups` | `groups`     | G, 1–50                                                      |
//! | `n`      | `n`          | observations per group, 1–100000                             |
//! | `t`      | `thresholds` | G numbers in [0, 1], comma-separated                         |
//! | `yc`     | `y_coef`     | coefficient of y in x, −1000 to 1000                         |
//! | `sp`     | `spacing`    | coefficient of group in x, −1000 to 1000                     |
//! | `c`      | `center`     | `1` (x centred) or `0`                                       |
//! | `nagq`   | `nagq`       | glmer's nAGQ, 1–100                                          |
//!
//! [`to_hash`] writes every parameter (a link keeps its meaning even if the defaults change), numbers
//! in the shortest form that reads back as the same double. The view keys, read into [`ViewState`]
//! and written by [`to_hash_with_view`] only when they differ from the default:
//!
//! | key      | value                                                                              |
//! |----------|------------------------------------------------------------------------------------|
//! | `embed`  | `1` shows only the chosen panels, sized to the frame (`embed` alone means `1`)      |
//! | `panels` | comma list of figures `1`–`8`, `table` and `tour`, in display order (default: all) |
//! | `pair`   | two group numbers (1-based, as the page shows them) for the contour figures       |
//! | `dark`   | `1` dark theme, `0` light theme; absent (or `auto`): follow the system             |
//!
//! The "Your data" section's keys (`data`, `data.f`, …) are read and written by [`own_data`].
//!
//! Reading is lenient where that is harmless: a leading `#` or `?` is optional, `#` and `?` inside also
//! separate settings (so `location.search + location.hash` can be parsed in one go), values may be
//! percent-encoded, and the last of repeated keys wins (with a notice).
//!
//! Notices are plain text for `textContent`, never markup: control and bidirectional-override
//! characters are removed, echoed input is shortened and its `<` `>` replaced by `‹` `›`, and every
//! notice is at most [`MAX_NOTICE_CHARS`] characters.

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::figures::FigureId;
use crate::params::{table, Params};

pub mod own_data;
pub use own_data::OwnDataLink;

/// Longest hash read; the rest is ignored with a notice (a full 50-group link is about 1,300).
pub const MAX_HASH_CHARS: usize = 16_384;
/// Most settings read from one hash.
pub const MAX_SETTINGS: usize = 64;
/// Longest notice, in characters.
pub const MAX_NOTICE_CHARS: usize = 240;
/// Longest piece of the link quoted in a notice, in characters.
const MAX_ECHO_CHARS: usize = 40;

/// One panel of the page: a figure (1–9, figure 8 with its α handle), the results table, or the guided
/// tour (its steps, each setting the embedded view's own state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Figure(FigureId),
    Table,
    Tour,
}

/// How a notice names the panels a link may list.
const PANEL_NAMES: &str = "panels are 1 to 9, table and tour";

impl Panel {
    /// Every panel: figures 1–6 and the table (the embed view's panels before the lesson's path was
    /// added, in their order, so an old link without `panels` shows them first), then figures 7–8 and
    /// the tour.
    pub const ALL: [Panel; 11] = [
        Panel::Figure(FigureId::LinearFits),
        Panel::Figure(FigureId::LogisticFits),
        Panel::Figure(FigureId::JointContour),
        Panel::Figure(FigureId::JointContourAdjusted),
        Panel::Figure(FigureId::RandomEffectsPart),
        Panel::Figure(FigureId::BernoulliPart),
        Panel::Table,
        Panel::Figure(FigureId::Posteriors),
        Panel::Figure(FigureId::AlphaProfile),
        Panel::Figure(FigureId::Shrinkage),
        Panel::Tour,
    ];

    /// The panel's name in the hash: `1`–`8`, `table` or `tour`.
    pub fn token(self) -> String {
        match self {
            Panel::Figure(id) => id.number().to_string(),
            Panel::Table => "table".to_string(),
            Panel::Tour => "tour".to_string(),
        }
    }

    /// The panel named `s` in the hash (`1`–`8`, `table` or `tour`, any case, surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Panel> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("table") {
            return Some(Panel::Table);
        }
        if s.eq_ignore_ascii_case("tour") {
            return Some(Panel::Tour);
        }
        if s.len() == 1 {
            return s.parse::<u8>().ok().and_then(FigureId::from_any_number).map(Panel::Figure);
        }
        None
    }
}

/// JSON for the page: a figure as its number, the table as `"table"`, the tour as `"tour"`.
impl Serialize for Panel {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Panel::Figure(id) => s.serialize_u8(id.number()),
            Panel::Table => s.serialize_str("table"),
            Panel::Tour => s.serialize_str("tour"),
        }
    }
}

/// The page's colour theme when the link sets one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Light,
    Dark,
}

/// How the page is shown (not what it computes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewState {
    /// Embed mode: only the chosen panels, sized to the frame.
    pub embed: bool,
    /// The panels shown, in order, without repeats; all of [`Panel::ALL`] by default.
    pub panels: Vec<Panel>,
    /// The two groups of the contour figures as 0-based indices (as [`crate::surfaces::SceneOptions::pair`]
    /// and `Demo::choose_pair`); the hash writes them 1-based. `None`: the page's choice.
    pub pair: Option<(usize, usize)>,
    /// `None`: follow the system's `prefers-color-scheme`.
    pub theme: Option<Theme>,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState { embed: false, panels: Panel::ALL.to_vec(), pair: None, theme: None }
    }
}

/// What a hash says: the parameters, the view, and one sentence per setting that was not used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedState {
    pub params: Params,
    pub view: ViewState,
    /// Plain-text sentences (for `textContent`), in the order the problems were found.
    pub notices: Vec<String>,
    /// The "Your data" section's settings ([`own_data`]), when the link has `data=`.
    pub own_data: Option<OwnDataLink>,
}

// ---------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------

/// The value `to_hash` writes for hash key `key`.
fn value_of(p: &Params, key: &str) -> String {
    table::by_hash_key(key).map(|spec| spec.value_text(p)).unwrap_or_default()
}

const VIEW_KEYS: [&str; 4] = ["embed", "panels", "pair", "dark"];
/// The view keys the `<glmm-demo>` element takes as attributes (it is always embedded, and follows the page's theme).
const ELEMENT_VIEW_KEYS: [&str; 2] = ["panels", "pair"];

/// The `<glmm-demo>` element's attributes, each with the permalink key it sets: every parameter under its
/// CLI, JSON and permalink names ([`table::ParamSpec::attributes`]), then `panels` and `pair`.
pub fn element_attributes() -> Vec<(&'static str, &'static str)> {
    let params = table::PARAMS.iter().flat_map(|spec| spec.attributes().into_iter().map(|a| (a, spec.hash_key)));
    params.chain(ELEMENT_VIEW_KEYS.iter().map(|&k| (k, k))).collect()
}

/// The hash of `p`, with its leading `#`: every parameter, e.g.
/// `#preset=answer&seed=1&groups=2&n=200&t=0.5,0.1&yc=0.5&sp=2&c=1&nagq=100`.
pub fn to_hash(p: &Params) -> String {
    let parts: Vec<String> = table::PARAMS.iter().map(|spec| format!("{}={}", spec.hash_key, spec.value_text(p))).collect();
    format!("#{}", parts.join("&"))
}

/// [`to_hash`] followed by the view settings that differ from [`ViewState::default`].
pub fn to_hash_with_view(p: &Params, view: &ViewState) -> String {
    let mut h = to_hash(p);
    if view.embed {
        h.push_str("&embed=1");
    }
    if view.panels != Panel::ALL.to_vec() {
        let list: Vec<String> = view.panels.iter().map(|p| p.token()).collect();
        h.push_str(&format!("&panels={}", list.join(",")));
    }
    if let Some((a, b)) = view.pair {
        h.push_str(&format!("&pair={},{}", a + 1, b + 1));
    }
    match view.theme {
        Some(Theme::Dark) => h.push_str("&dark=1"),
        Some(Theme::Light) => h.push_str("&dark=0"),
        None => {}
    }
    h
}

// ---------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------

/// Control characters and the invisible bidirectional-formatting marks (which could reorder the
/// sentence around them).
fn unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Removes control and bidirectional-formatting characters and caps the length.
fn clean(s: &str, max: usize) -> String {
    let kept: Vec<char> = s.chars().filter(|&c| !unsafe_char(c)).collect();
    if kept.len() > max {
        let mut out: String = kept[..max.saturating_sub(1)].iter().collect();
        out.push('…');
        out
    } else {
        kept.into_iter().collect()
    }
}

/// A piece of the link quoted in a notice: control and bidi characters shown as `�` (so that
/// "answer" with a hidden character does not read as "answer"), shortened, no angle brackets.
fn echo(s: &str) -> String {
    let visible: String = s.chars().map(|c| if unsafe_char(c) { '\u{FFFD}' } else { c }).collect();
    clean(&visible, MAX_ECHO_CHARS).replace('<', "‹").replace('>', "›")
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One `key=value` of the hash, decoded; `value` is `None` for a bare key.
struct Setting {
    key: String,
    value: Option<String>,
    /// How many times the key appeared (the last value is kept).
    count: usize,
}

impl Setting {
    /// The setting as the link wrote it, for a notice.
    fn shown(&self) -> String {
        match &self.value {
            None => echo(&self.key),
            Some(v) => format!("{}={}", echo(&self.key), echo(v)),
        }
    }
}

struct Notices(Vec<String>);

impl Notices {
    /// Every notice is cleaned, capped, and free of angle brackets (echoed input may contain them).
    fn push(&mut self, s: String) {
        self.0.push(clean(&s, MAX_NOTICE_CHARS).replace('<', "‹").replace('>', "›"));
    }
}

/// Splits the hash into settings (first appearance order, last value wins).
fn split(hash: &str, notices: &mut Notices) -> Vec<Setting> {
    let mut text = hash;
    if text.len() > MAX_HASH_CHARS {
        let mut cut = MAX_HASH_CHARS;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        // Drop the setting cut in the middle.
        let head = &text[..cut];
        let end = head.rfind(['&', '#', '?']).unwrap_or(0);
        text = &text[..end];
        notices.push(format!("The link is longer than {MAX_HASH_CHARS} characters, so only its beginning was read."));
    }
    let mut settings: Vec<Setting> = Vec::new();
    let mut read = 0;
    let mut nameless = 0;
    for segment in text.split(['&', '#', '?']) {
        if segment.trim().is_empty() {
            continue;
        }
        if read == MAX_SETTINGS {
            notices.push(format!("The link has more than {MAX_SETTINGS} settings, so only the first {MAX_SETTINGS} were read."));
            break;
        }
        read += 1;
        let (k, v) = match segment.split_once('=') {
            Some((k, v)) => (k, Some(percent_decode(v).trim().to_string())),
            None => (segment, None),
        };
        let key = percent_decode(k).trim().to_string();
        if key.is_empty() {
            nameless += 1;
            continue;
        }
        match settings.iter_mut().find(|s| s.key == key) {
            Some(s) => {
                s.value = v;
                s.count += 1;
            }
            None => settings.push(Setting { key, value: v, count: 1 }),
        }
    }
    if nameless > 0 {
        notices.push(format!(
            "The link has {} without a name, which {} ignored.",
            if nameless == 1 { "a value".to_string() } else { format!("{nameless} values") },
            if nameless == 1 { "was" } else { "were" }
        ));
    }
    for s in &settings {
        if s.count > 1 {
            notices.push(format!("The link sets {} {} times, so only the last value is used.", echo(&s.key), s.count));
        }
    }
    settings
}

/// A number of the hash as JSON (whole numbers as integers, so sentences read "3", not "3.0").
/// The reason names the value only when `quote` (the notice shows a single value already).
fn number(raw: &str, quote: bool) -> std::result::Result<Value, String> {
    let it = if quote { format!("\"{}\"", echo(raw)) } else { "it".to_string() };
    if raw.is_empty() {
        return Err(format!("{it} is empty."));
    }
    let x: f64 = raw.parse().map_err(|_| format!("{it} is not a number."))?;
    if !x.is_finite() {
        return Err(format!("{it} is not a finite number."));
    }
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        return Ok(Value::from(x as i64));
    }
    serde_json::Number::from_f64(x).map(Value::Number).ok_or_else(|| format!("{it} is not a number."))
}

fn flag(raw: Option<&str>) -> Option<bool> {
    match raw.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("1") | Some("true") | Some("yes") | Some("on") => Some(true),
        Some("0") | Some("false") | Some("no") | Some("off") => Some(false),
        _ => None,
    }
}

/// The JSON value for `Params::merge` of parameter setting `s`, or why it cannot be one.
fn param_value(key: &str, s: &Setting) -> std::result::Result<Value, String> {
    let Some(raw) = s.value.as_deref() else {
        return Err("it has no value.".into());
    };
    match key {
        "preset" => match raw.to_ascii_lowercase().as_str() {
            p @ ("answer" | "question" | "custom") => Ok(Value::String(p.to_string())),
            _ => Err("the preset is answer, question or custom.".to_string()),
        },
        "c" => match raw {
            "" => Err("it is empty.".into()),
            _ => flag(Some(raw)).map(Value::Bool).ok_or_else(|| "c must be 1 (x centred) or 0.".to_string()),
        },
        "t" => {
            if raw.is_empty() {
                return Err("it is empty.".into());
            }
            raw.split(',')
                .map(|v| number(v.trim(), true).map_err(|why| format!("a threshold is wrong: {why}")))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map(Value::Array)
        }
        _ => number(raw, false),
    }
}

/// Reads a hash (or query string); never fails. See the module documentation for the keys.
pub fn parse_hash(hash: &str) -> ParsedState {
    let mut notices = Notices(Vec::new());
    let settings = split(hash, &mut notices);

    // 1. Unknown keys; parameter values as JSON.
    let mut partial = Map::new();
    let mut rejected: Vec<(&'static str, String)> = Vec::new(); // (hash key, reason)
    for s in &settings {
        if let Some(spec) = table::by_hash_key(&s.key) {
            match param_value(spec.hash_key, s) {
                Ok(v) => {
                    partial.insert(spec.name.to_string(), v);
                }
                Err(why) => rejected.push((spec.hash_key, why)),
            }
        } else if !VIEW_KEYS.contains(&s.key.as_str()) && !own_data::is_key(&s.key) {
            notices.push(format!("The link's setting \"{}\" is not one this page knows, so it was ignored.", echo(&s.key)));
        }
    }

    // 2. Apply with the page's rules; a value merge refuses is dropped and the rest tried again.
    let base = Params::default();
    let params = loop {
        match base.merge(&Value::Object(partial.clone())) {
            Ok(p) => break p,
            Err(e @ Error::InvalidParameter { name, .. }) if partial.contains_key(name) => {
                partial.remove(name);
                let key = table::by_name(name).map_or("?", |spec| spec.hash_key);
                rejected.push((key, e.to_string()));
            }
            Err(_) => {
                notices.push("The link's settings could not be applied together, so the page's defaults are used.".into());
                break base.clone();
            }
        }
    };
    // One notice per dropped parameter, in the link's order, naming the value used instead.
    for s in &settings {
        if let Some((key, why)) = rejected.iter().find(|(k, _)| *k == s.key) {
            let instead = if *key == "t" {
                format!("the default thresholds for {} group{} are", params.groups, if params.groups == 1 { "" } else { "s" })
            } else {
                format!("{key}={} is", value_of(&params, key))
            };
            notices.push(format!("The link's {} was ignored and {instead} used instead: {why}", s.shown()));
        }
    }

    // 3. The view.
    let mut view = ViewState::default();
    for s in &settings {
        let raw = s.value.as_deref();
        match s.key.as_str() {
            "embed" => match flag(raw) {
                Some(b) => view.embed = b,
                None => notices.push(format!("The link's {} was ignored (embed is 1 or 0), so the whole page is shown.", s.shown())),
            },
            "dark" => match raw.map(str::to_ascii_lowercase).as_deref() {
                Some("auto") => view.theme = None,
                _ => match flag(raw) {
                    Some(b) => view.theme = Some(if b { Theme::Dark } else { Theme::Light }),
                    None => notices.push(format!(
                        "The link's {} was ignored (dark is 1 or 0), so the theme follows the system.",
                        s.shown()
                    )),
                },
            },
            "panels" => {
                let mut panels: Vec<Panel> = Vec::new();
                let mut bad: Vec<String> = Vec::new();
                for item in raw.unwrap_or("").split(',').filter(|i| !i.trim().is_empty()) {
                    match Panel::parse(item) {
                        Some(p) if !panels.contains(&p) => panels.push(p),
                        Some(_) => {}
                        None => bad.push(format!("\"{}\"", echo(item.trim()))),
                    }
                }
                if panels.is_empty() {
                    notices.push(format!(
                        "The link's {} names no panel ({PANEL_NAMES}), so all panels are shown.",
                        s.shown()
                    ));
                } else {
                    if !bad.is_empty() {
                        let more = if bad.len() > 3 { format!(" and {} more", bad.len() - 3) } else { String::new() };
                        bad.truncate(3);
                        notices.push(format!(
                            "The link's panels list names {}{more}, which {} ({PANEL_NAMES}), so {} ignored.",
                            bad.join(", "),
                            if bad.len() == 1 && more.is_empty() { "is not a panel" } else { "are not panels" },
                            if bad.len() == 1 && more.is_empty() { "it was" } else { "they were" }
                        ));
                    }
                    view.panels = panels;
                }
            }
            "pair" => match parse_pair(raw, params.groups) {
                Ok(p) => view.pair = Some(p),
                Err(why) => notices.push(format!("The link's {} was ignored and the page chooses the pair: {why}", s.shown())),
            },
            _ => {}
        }
    }

    let own_data = own_data::read(&settings, &mut notices);
    ParsedState { params, view, notices: notices.0, own_data }
}

/// Two different 1-based group numbers "a,b" within 1..=groups, as 0-based indices.
fn parse_pair(raw: Option<&str>, groups: usize) -> std::result::Result<(usize, usize), String> {
    let expected = if groups >= 2 {
        format!("pair must be two different group numbers from 1 to {groups}.")
    } else {
        "the contour figures need two groups, and there is only one.".to_string()
    };
    let raw = raw.unwrap_or("");
    let items: Vec<&str> = raw.split(',').map(str::trim).collect();
    if items.len() != 2 {
        return Err(expected);
    }
    let parse = |s: &str| s.parse::<usize>().ok().filter(|&k| (1..=groups).contains(&k));
    match (parse(items[0]), parse(items[1])) {
        (Some(a), Some(b)) if a != b => Ok((a - 1, b - 1)),
        _ => Err(expected),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Preset;
    use serde_json::json;

    #[test]
    fn the_default_hash() {
        assert_eq!(to_hash(&Params::default()), "#preset=answer&seed=1&groups=2&n=200&t=0.5,0.1&yc=0.5&sp=2&c=1&nagq=100");
        let back = parse_hash(&to_hash(&Params::default()));
        assert_eq!(back.params, Params::default());
        assert!(back.notices.is_empty(), "{:?}", back.notices);
        assert_eq!(back.view, ViewState::default());
    }

    #[test]
    fn numbers_are_shortest_round_trip() {
        let num = table::shortest;
        assert_eq!(num(0.1), "0.1");
        assert_eq!(num(2.0), "2");
        assert_eq!(num(-0.25), "-0.25");
        assert_eq!(num(1e-7), "1e-7");
        assert_eq!(num(5e-324), "5e-324");
        assert_eq!(num(0.30000000000000004), "0.30000000000000004");
        for x in [0.1, 1.0 / 3.0, 5e-324, 1e-7, 999.999, -0.0, 0.30000000000000004] {
            assert_eq!(num(x).parse::<f64>().unwrap(), x);
        }
    }

    #[test]
    fn round_trips_of_examples() {
        let cases = [
            json!({"preset": "question"}),
            json!({"preset": "question", "nagq": 3}),
            json!({"groups": 5}),
            json!({"groups": 7, "thresholds": [0.0, 1.0, 0.3, 1e-9, 0.123456789012345, 0.5, 0.99]}),
            json!({"seed": -2147483648i64, "n": 100000, "y_coef": -1000, "spacing": 0.001, "center": false}),
            json!({"preset": "custom"}),
            json!({"groups": 1}),
        ];
        for c in cases {
            let p = Params::default().merge(&c).unwrap();
            let h = to_hash(&p);
            let back = parse_hash(&h);
            assert_eq!(back.params, p, "{h}");
            assert!(back.notices.is_empty(), "{h}: {:?}", back.notices);
        }
    }

    #[test]
    fn view_round_trip() {
        let p = Params::default().merge(&json!({"groups": 4})).unwrap();
        let view = ViewState {
            embed: true,
            panels: vec![Panel::Table, Panel::Figure(FigureId::JointContour)],
            pair: Some((1, 3)),
            theme: Some(Theme::Light),
        };
        let h = to_hash_with_view(&p, &view);
        assert!(h.ends_with("&embed=1&panels=table,3&pair=2,4&dark=0"), "{h}");
        let back = parse_hash(&h);
        assert_eq!((back.params, back.view), (p.clone(), view));
        assert!(back.notices.is_empty());
        assert_eq!(to_hash_with_view(&p, &ViewState::default()), to_hash(&p));
    }

    #[test]
    fn bad_values_fall_back_with_one_sentence_each() {
        let s = parse_hash("#groups=51&seed=abc&nagq=0&yc=1e400&c=maybe&frob=1");
        assert_eq!(s.params, Params::default());
        assert_eq!(s.notices.len(), 6, "{:#?}", s.notices);
        assert!(s.notices.iter().any(|n| n.contains("\"frob\"")), "{:#?}", s.notices);
        let groups = s.notices.iter().find(|n| n.contains("groups=51")).unwrap();
        assert_eq!(
            groups,
            "The link's groups=51 was ignored and groups=2 is used instead: groups must be a whole number from 1 to 50, but it is 51."
        );
        assert!(s.notices.iter().any(|n| n.contains("seed=abc") && n.contains("not a number")));
        assert!(s.notices.iter().any(|n| n.contains("yc=1e400") && n.contains("not a finite number")));
        assert!(s.notices.iter().any(|n| n.contains("nagq=0") && n.contains("nagq=100 is used")));
        assert!(s.notices.iter().any(|n| n.contains("c=maybe")));
    }

    #[test]
    fn thresholds_must_match_groups() {
        let s = parse_hash("#groups=3&t=0.5,0.1");
        assert_eq!(s.params.groups, 3);
        assert_eq!(s.params.thresholds, crate::data::SimConfig::default_thresholds(Preset::Custom, 3));
        assert_eq!(s.notices.len(), 1);
        assert!(s.notices[0].contains("default thresholds for 3 groups"), "{}", s.notices[0]);
        // The other valid settings survive.
        let s = parse_hash("#t=0.5,2&seed=5");
        assert_eq!((s.params.seed, s.params.thresholds.clone()), (5, vec![0.5, 0.1]));
        assert!(s.notices[0].contains("between 0 and 1"), "{:?}", s.notices);
    }

    #[test]
    fn page_rules_hold() {
        // Presets load their values, except those given.
        let s = parse_hash("#preset=question&groups=3");
        assert_eq!(s.params.thresholds, vec![0.5; 3]);
        assert_eq!(s.params.preset, Preset::Custom);
        let s = parse_hash("#preset=question");
        assert_eq!(s.params, Params::default().merge(&json!({"preset": "question"})).unwrap());
        // A preset label whose values were changed is relabelled custom.
        let s = parse_hash("#preset=answer&seed=2");
        assert_eq!(s.params.preset, Preset::Custom);
    }

    #[test]
    fn view_keys() {
        let s = parse_hash("?embed&panels=2,3,table,2,0,x&pair=2,1&dark=1");
        assert!(s.view.embed);
        assert_eq!(s.view.panels, vec![Panel::Figure(FigureId::LogisticFits), Panel::Figure(FigureId::JointContour), Panel::Table]);
        assert_eq!(s.view.pair, Some((1, 0)));
        assert_eq!(s.view.theme, Some(Theme::Dark));
        assert_eq!(s.notices.len(), 1, "{:?}", s.notices);
        assert!(s.notices[0].contains("\"0\", \"x\""), "{}", s.notices[0]);
        assert!(s.notices[0].contains("1 to 9, table and tour"), "{}", s.notices[0]);

        // The lesson's panels: figures 7 and 8 and the tour, in the link's order, and back.
        let s = parse_hash("?embed=1&panels=TOUR,8,7");
        assert_eq!(
            s.view.panels,
            vec![Panel::Tour, Panel::Figure(FigureId::AlphaProfile), Panel::Figure(FigureId::Posteriors)]
        );
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert!(to_hash_with_view(&s.params, &s.view).ends_with("&embed=1&panels=tour,8,7"));

        let s = parse_hash("#groups=3&pair=1,4&panels=0&embed=2&dark=auto");
        assert_eq!(s.view, ViewState::default());
        assert_eq!(s.notices.len(), 3, "{:?}", s.notices);
        let s = parse_hash("#groups=1&pair=1,2");
        assert_eq!(s.view.pair, None);
        assert!(s.notices[0].contains("only one"), "{:?}", s.notices);
    }

    #[test]
    fn query_and_hash_together_and_percent_encoding() {
        let s = parse_hash("?embed=1&panels=table#preset=%71uestion&nagq=%35");
        assert!(s.view.embed);
        assert_eq!(s.view.panels, vec![Panel::Table]);
        assert_eq!(s.params.preset, Preset::Question);
        assert_eq!(s.params.nagq, 5);
        assert!(s.notices.is_empty(), "{:?}", s.notices);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("a%20b%"), "a b%");
        assert_eq!(percent_decode("%ff"), "\u{FFFD}");
    }

    #[test]
    fn notices_are_clean_text() {
        let s = parse_hash("#%3Cscript%3Ealert(1)%3C%2Fscript%3E=1&preset=%3Cimg%20src=x%3E%0A%1B[31m&seed=1&seed=2");
        assert_eq!(s.params.seed, 2);
        assert_eq!(s.notices.len(), 3, "{:?}", s.notices);
        for n in &s.notices {
            assert!(!n.contains('<') && !n.contains('>'), "{n}");
            assert!(!n.chars().any(char::is_control), "{n:?}");
            assert!(n.chars().count() <= MAX_NOTICE_CHARS);
        }
        let long = format!("#seed={}", "9".repeat(5000));
        let s = parse_hash(&long);
        assert_eq!(s.notices.len(), 1);
        assert!(s.notices[0].chars().count() <= MAX_NOTICE_CHARS, "{}", s.notices[0]);
        assert!(s.notices[0].contains('…'));
    }

    #[test]
    fn limits() {
        let many: String = (0..100).map(|k| format!("&k{k}=1")).collect();
        let s = parse_hash(&many);
        assert_eq!(s.notices.len(), MAX_SETTINGS + 1);
        assert!(s.notices[0].contains("more than 64 settings"));
        let huge = format!("#seed=3&x={}&nagq=4", "a".repeat(MAX_HASH_CHARS));
        let s = parse_hash(&huge);
        assert_eq!(s.params.seed, 3);
        assert_eq!(s.params.nagq, 100, "beyond the cap");
        assert!(s.notices.iter().any(|n| n.contains("longer than")), "{:?}", s.notices);
        assert!(parse_hash("").notices.is_empty());
        assert!(parse_hash("#").notices.is_empty());
        assert_eq!(parse_hash("#&&").params, Params::default());
        let s = parse_hash("#=5&==");
        assert_eq!(s.notices, vec!["The link has 2 values without a name, which were ignored."]);
    }

    #[test]
    fn element_attributes_are_every_name_of_every_parameter() {
        let attrs = element_attributes();
        let key = |a: &str| attrs.iter().find(|(n, _)| *n == a).map(|(_, k)| *k);
        assert_eq!((key("y-coef"), key("y_coef"), key("yc")), (Some("yc"), Some("yc"), Some("yc")));
        assert_eq!((key("thresholds"), key("t"), key("center"), key("c")), (Some("t"), Some("t"), Some("c"), Some("c")));
        assert_eq!((key("panels"), key("pair"), key("embed")), (Some("panels"), Some("pair"), None));
        assert_eq!(attrs.len(), 16, "{attrs:?}");
    }

    #[test]
    fn panels_serialise_as_numbers_and_table() {
        let v = serde_json::to_value(parse_hash("#panels=1,table,tour,7&dark=0")).unwrap();
        assert_eq!(v["view"]["panels"], json!([1, "table", "tour", 7]));
        assert_eq!(v["view"]["theme"], json!("light"));
        assert_eq!(v["view"]["pair"], Value::Null);
        assert_eq!(v["params"]["groups"], json!(2));
    }
}
