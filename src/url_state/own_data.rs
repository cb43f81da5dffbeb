//! The "Your data" section in a permalink: which data (an example's id, the lesson's current data, or a file
//! of the user's) and how it was fitted, never the data themselves. The keys all start with `data` so that
//! none can clash with a parameter's (`nagq` is the lesson's, `data.nagq` the section's):
//!
//! | key            | value                                                                        |
//! |----------------|------------------------------------------------------------------------------|
//! | `data`         | an example's id (`answer`, `question`, `cbpp`, `verbagg`), `lesson` (the data of the lesson's settings in the same link) or `file` (the user's file, not in the link) |
//! | `data.f`       | the formula, R's spelling (percent-encoded)                                 |
//! | `data.family`  | `binomial`, `poisson` or `gaussian`                                         |
//! | `data.link`    | `logit`, `probit`, `cloglog`, `log` or `identity`                           |
//! | `data.nagq`    | glmer's nAGQ for these data, 1–100                                          |
//! | `data.factors` | the numeric columns read as factors, comma-separated (each name percent-encoded) |
//!
//! `#preset=answer&…&nagq=100&data=cbpp&data.f=cbind(incidence%2C%20size%20-%20incidence)%20~%20period%20%2B%20(1%20%7C%20herd)&data.family=binomial&data.link=logit&data.nagq=25&data.factors=herd,period`
//!
//! Reading never fails: a malformed value is dropped with one sentence in the notices, and the example's (or
//! the page's) setting takes its place.

use serde::{Deserialize, Serialize};

use super::{Notices, Setting};
use crate::data::formula::Formula;
use crate::models::design_fit::ModelFamily;
use crate::data::examples::EXAMPLES;
use crate::models::quadrature::nagq_from;

/// `data=` for a file of the user's: the link keeps its settings, the page asks for the file again.
pub const FILE: &str = "file";

/// The keys, in the order [`to_hash_part`] writes them.
pub const KEYS: [&str; 6] = ["data", "data.f", "data.family", "data.link", "data.nagq", "data.factors"];

/// What a permalink keeps of the "Your data" section. Empty strings, `None` and an empty list: not set (the
/// example's setting, or the page's default, applies).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OwnDataLink {
    /// An example's id, or [`FILE`].
    pub data: String,
    #[serde(default)]
    pub formula: String,
    #[serde(default)]
    pub family: String,
    #[serde(default)]
    pub link: String,
    #[serde(default)]
    pub nagq: Option<usize>,
    /// None: not set; `Some(vec![])`: no column read as a factor (`data.factors=`).
    #[serde(default)]
    pub factors: Option<Vec<String>>,
}

/// Percent-encodes everything but letters, digits and `-._` (so `&`, `#`, `,`, `%`, spaces and `+` survive
/// the trip through the hash).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'(' | b')') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The link's settings as hash settings, each starting with `&` (empty when `link.data` is empty).
pub fn to_hash_part(link: &OwnDataLink) -> String {
    if link.data.trim().is_empty() {
        return String::new();
    }
    let mut h = format!("&data={}", encode(&link.data));
    if !link.formula.is_empty() {
        h.push_str(&format!("&data.f={}", encode(&link.formula)));
    }
    if !link.family.is_empty() {
        h.push_str(&format!("&data.family={}", encode(&link.family)));
    }
    if !link.link.is_empty() {
        h.push_str(&format!("&data.link={}", encode(&link.link)));
    }
    if let Some(k) = link.nagq {
        h.push_str(&format!("&data.nagq={k}"));
    }
    if let Some(factors) = &link.factors {
        // Each name encoded, then the list: a comma inside a name reads back as part of the name.
        let list: Vec<String> = factors.iter().map(|f| encode(f)).collect();
        h.push_str(&format!("&data.factors={}", encode(&list.join(","))));
    }
    h
}

/// Whether `key` is one of the section's keys.
pub fn is_key(key: &str) -> bool {
    KEYS.contains(&key)
}

/// An error sentence as a clause after "was ignored: ".
fn clause(why: &str) -> String {
    match why.strip_prefix("The ") {
        Some(rest) => format!("the {rest}"),
        None => why.to_string(),
    }
}

/// The section's settings in `settings` (None when the link has no `data=`), one notice per value not used.
pub(super) fn read(settings: &[Setting], notices: &mut Notices) -> Option<OwnDataLink> {
    let get = |k: &str| settings.iter().find(|s| s.key == k);
    // One whole sentence each: a reason too long for a notice (a formula's grammar) is left to Your data's own
    // error, shown when the formula is fitted.
    let ignored = |s: &Setting, why: &str| {
        let full = format!("The link's {} was ignored: {}", s.shown(), clause(why));
        if full.chars().count() <= super::MAX_NOTICE_CHARS {
            full
        } else {
            format!("The link's {} was ignored: it is not a value this page can read there.", s.shown())
        }
    };
    let ids: Vec<&str> = EXAMPLES.iter().map(|e| e.id).chain(std::iter::once(FILE)).collect();
    let Some(data) = get("data") else {
        if let Some(s) = KEYS[1..].iter().find_map(|k| get(k)) {
            notices.push(ignored(s, "without data= naming the data (an example or file), the settings of Your data name no data."));
        }
        return None;
    };
    let id = data.value.as_deref().unwrap_or("").to_ascii_lowercase();
    if !ids.contains(&id.as_str()) {
        let list = ids.join(", ");
        notices.push(ignored(data, &format!("data is one of {list}, so Your data starts empty.")));
        return None;
    }
    let mut link = OwnDataLink { data: id, ..OwnDataLink::default() };
    if let Some(s) = get("data.f") {
        match Formula::parse(s.value.as_deref().unwrap_or("")) {
            Ok(f) => link.formula = f.to_string(),
            Err(e) => notices.push(ignored(s, &e.to_string())),
        }
    }
    let family = get("data.family");
    if let Some(s) = family {
        let name = s.value.as_deref().unwrap_or("").to_ascii_lowercase();
        match ModelFamily::from_names(&name, "") {
            Ok(f) => link.family = f.names().0.to_string(),
            Err(_) => notices.push(ignored(s, "the family is binomial, poisson or gaussian.")),
        }
    }
    if let Some(s) = get("data.link") {
        let name = s.value.as_deref().unwrap_or("").to_ascii_lowercase();
        let fam = if link.family.is_empty() { "binomial" } else { link.family.as_str() };
        match ModelFamily::from_names(fam, &name) {
            Ok(f) if !name.is_empty() => link.link = f.names().1.to_string(),
            Ok(_) => notices.push(ignored(s, "it is empty.")),
            Err(e) => notices.push(ignored(s, &e.to_string())),
        }
    }
    if let Some(s) = get("data.nagq") {
        let raw = s.value.as_deref().unwrap_or("");
        match raw.parse::<f64>() {
            Ok(k) => match nagq_from(k) {
                Ok(k) => link.nagq = Some(k),
                Err(e) => notices.push(ignored(s, &e.to_string())),
            },
            Err(_) => notices.push(ignored(s, "nAGQ is a whole number from 1 to 100.")),
        }
    }
    if let Some(s) = get("data.factors") {
        let items = s.value.as_deref().unwrap_or("").split(',').map(|i| super::percent_decode(i).trim().to_string());
        link.factors = Some(items.filter(|i| !i.is_empty()).fold(Vec::new(), |mut v, i| {
            if !v.contains(&i) {
                v.push(i);
            }
            v
        }));
    }
    Some(link)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_hash, to_hash};
    use super::*;
    use crate::params::{table, Params};

    fn cbpp() -> OwnDataLink {
        OwnDataLink {
            data: "cbpp".into(),
            formula: "cbind(incidence, size - incidence) ~ period + (1 | herd)".into(),
            family: "binomial".into(),
            link: "cloglog".into(),
            nagq: Some(25),
            factors: Some(vec!["herd".into(), "period".into()]),
        }
    }

    #[test]
    fn no_key_clashes_with_a_parameter_or_the_view() {
        for k in KEYS {
            assert!(table::by_hash_key(k).is_none() && !super::super::VIEW_KEYS.contains(&k), "{k}");
        }
    }

    #[test]
    fn round_trips_with_the_lessons_parameters() {
        let odd = OwnDataLink {
            data: FILE.into(),
            formula: "y ~ x + (1 | g)".into(),
            family: "poisson".into(),
            link: "log".into(),
            nagq: None,
            factors: Some(vec!["a,b".into(), "50%".into(), "c d&e#f".into()]),
        };
        let none = OwnDataLink { data: "verbagg".into(), factors: Some(vec![]), ..OwnDataLink::default() };
        for link in [cbpp(), odd, none, OwnDataLink { data: "lesson".into(), ..OwnDataLink::default() }] {
            let h = format!("{}{}", to_hash(&Params::default()), to_hash_part(&link));
            let back = parse_hash(&h);
            assert_eq!(back.own_data.as_ref(), Some(&link), "{h}");
            assert_eq!(back.params, Params::default());
            assert!(back.notices.is_empty(), "{h}: {:?}", back.notices);
        }
        assert!(to_hash_part(&cbpp()).starts_with("&data=cbpp&data.f=cbind(incidence%2C%20size%20-%20incidence)%20~%20period%20%2B%20(1%20%7C%20herd)&"));
        assert_eq!(to_hash_part(&OwnDataLink::default()), "");
        assert_eq!(parse_hash(&to_hash(&Params::default())).own_data, None);
        // The lesson's nagq and the section's are two settings.
        let s = parse_hash("#nagq=7&data=answer&data.nagq=3");
        assert_eq!((s.params.nagq, s.own_data.unwrap().nagq), (7, Some(3)));
    }

    #[test]
    fn malformed_values_are_one_sentence_each() {
        let s = parse_hash("#data=cbpp&data.f=y%20~%20(&data.family=gamma&data.link=log&data.nagq=0&data.factors=,,herd,herd");
        let link = s.own_data.clone().unwrap();
        // The link is read for the default family, binomial, which has no log link.
        assert_eq!(link, OwnDataLink { data: "cbpp".into(), factors: Some(vec!["herd".into()]), ..OwnDataLink::default() });
        assert_eq!(s.notices.len(), 4, "{:#?}", s.notices);
        for n in &s.notices {
            assert!(n.starts_with("The link's data.") && n.ends_with('.') && n.matches(". ").count() == 0, "{n}");
        }
        assert!(s.notices[1].contains("gamma") && s.notices[1].contains("binomial, poisson or gaussian"), "{}", s.notices[1]);
        assert!(s.notices[3].contains("nAGQ must be a whole number from 1 to 100, but it is 0"), "{}", s.notices[3]);
        let s = parse_hash("#data=mydata&data.f=y~1%2B(1|g)");
        assert_eq!(s.own_data, None);
        assert_eq!(s.notices.len(), 1, "{:?}", s.notices);
        assert!(s.notices[0].contains("lesson, answer, question, cbpp, verbagg, file"), "{}", s.notices[0]);
        let s = parse_hash("#data.link=probit&data.nagq=x");
        assert_eq!(s.own_data, None);
        assert_eq!(s.notices.len(), 1, "{:?}", s.notices);
        let s = parse_hash("#data&data.f&data.family&data.link=&data.nagq=&data.factors");
        assert_eq!(s.own_data, None);
        assert_eq!(s.notices.len(), 1, "{:?}", s.notices);
        // Every notice a whole sentence, however long the reason.
        let s = parse_hash("#data=cbpp&data.f=y%20~%20x%20%25%25%20z%20%2B%20(1%7Cg)");
        assert_eq!(s.notices.len(), 1, "{:?}", s.notices);
        assert!(s.notices[0].ends_with('.') && s.notices[0].chars().count() <= super::super::MAX_NOTICE_CHARS, "{}", s.notices[0]);
        let s = parse_hash("#data=file&data.family=gaussian&data.link=logit&data.nagq=2.5&data.f=%E2%80%AE");
        assert_eq!(s.own_data.as_ref().map(|l| (l.data.as_str(), l.family.as_str(), l.link.as_str())), Some(("file", "gaussian", "")));
        assert_eq!(s.notices.len(), 3, "{:?}", s.notices);
        for n in &s.notices {
            assert!(!n.chars().any(|c| c == '\u{202E}'), "{n:?}");
        }
    }
}
