//! A permalink to a fit of the user's own file keeps the settings, not the data ([`crate::url_state::own_data`]):
//! the sentence the section shows until the file is chosen again, and whether a file's columns let the kept
//! settings apply to it.

use crate::data::formula::Formula;
use crate::url_state::OwnDataLink;

/// What the section says when a link names a file of the user's: the kept settings, that the data never left
/// the computer they were loaded on, and what choosing the file again does.
pub fn file_note(link: &OwnDataLink) -> String {
    let mut kept: Vec<String> = Vec::new();
    if !link.formula.is_empty() {
        kept.push(link.formula.clone());
    }
    match (link.family.as_str(), link.link.as_str()) {
        ("", "") => {}
        (f, "") => kept.push(format!("family {f}")),
        ("", l) => kept.push(format!("link {l}")),
        (f, l) => kept.push(format!("family {f} with link {l}")),
    }
    if let Some(k) = link.nagq {
        kept.push(format!("nAGQ = {k}"));
    }
    match link.factors.as_deref() {
        None => {}
        Some([]) => kept.push("no column read as a factor".to_string()),
        Some(f) => kept.push(format!("{} read as {}", f.join(", "), if f.len() == 1 { "a factor" } else { "factors" })),
    }
    let what = if kept.is_empty() { String::new() } else { format!(" ({})", kept.join("; ")) };
    format!(
        "This link keeps how a file of your own was fitted{what}, not the file: your data never leave the computer they were loaded on, so choose the file again here, and it is fitted with these settings if it has the columns they name."
    )
}

/// Whether the kept settings can be used for a file with these column names: the formula parses and every
/// column it reads, and every factor, is one of them.
pub fn applies(link: &OwnDataLink, columns: &[String]) -> bool {
    let has = |c: &str| columns.iter().any(|n| n == c);
    let formula_ok = link.formula.is_empty() || Formula::parse(&link.formula).is_ok_and(|f| f.columns().into_iter().all(has));
    formula_ok && link.factors.iter().flatten().all(|f| has(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_names_what_is_kept_and_the_columns_decide() {
        let link = OwnDataLink {
            data: "file".into(),
            formula: "y ~ dose + (1 | farm)".into(),
            family: "binomial".into(),
            link: "probit".into(),
            nagq: Some(9),
            factors: Some(vec!["site".into()]),
        };
        assert_eq!(
            file_note(&link),
            "This link keeps how a file of your own was fitted (y ~ dose + (1 | farm); family binomial with link probit; nAGQ = 9; site read as a factor), not the file: your data never leave the computer they were loaded on, so choose the file again here, and it is fitted with these settings if it has the columns they name."
        );
        assert!(file_note(&OwnDataLink { data: "file".into(), ..OwnDataLink::default() }).starts_with("This link keeps how a file of your own was fitted, not the file:"));
        let cols = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(applies(&link, &cols(&["y", "dose", "site", "farm"])));
        assert!(!applies(&link, &cols(&["y", "dose", "farm"])), "a factor column is missing");
        assert!(!applies(&link, &cols(&["y", "site", "farm"])), "a formula column is missing");
        assert!(!applies(&OwnDataLink { formula: "y ~ (".into(), ..link.clone() }, &cols(&["y", "dose", "site", "farm"])));
    }
}
