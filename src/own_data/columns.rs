//! The columns of a user's CSV as the page's pickers need them: each column's name and the kind R's
//! `read.csv` gives it (numeric, logical or text), whether it can be switched between a number and a
//! factor, and a first formula to start from. Also the formula built from the pickers' choices.

use serde::Serialize;

use crate::data::frame::{ColumnValues, Frame};
use crate::data::formula::{Formula, Response};
use crate::error::{Error, Result};

/// How `read.csv` types a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Every entry is a number: enters a model as it is, unless listed as a factor.
    Numeric,
    /// Every entry is TRUE/FALSE: a factor with levels FALSE, TRUE as a term, 0/1 as a response.
    Logical,
    /// Text: always a factor (levels in R's sort order).
    Text,
}

/// One column of the header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnInfo {
    pub name: String,
    pub kind: ColumnKind,
    /// Whether the page offers the number/factor switch (numeric columns only: text is always a factor).
    pub switchable: bool,
    /// Distinct values (missing ones left out).
    pub distinct: usize,
    /// Missing entries (`NA` or empty).
    pub missing: usize,
    /// What the page shows beside the name, e.g. "numeric, 15 values" or "text, 2 levels".
    pub description: String,
}

/// The header's columns and a first choice of response, covariates and group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsvColumns {
    pub columns: Vec<ColumnInfo>,
    pub rows: usize,
    /// "cbpp.csv: 56 rows and 4 columns." (or "The pasted text: …").
    pub summary: String,
    /// The first formula to offer: the first two-valued numeric or logical column as the response (else the
    /// first numeric one), the text column with the most levels as the group (else the last other column with
    /// two values or more), no covariates.
    pub suggested: Option<Picks>,
    pub suggested_formula: Option<String>,
}

/// What the pickers chose.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Picks {
    /// The response column (the successes when `trials` is given).
    pub response: String,
    /// A column of numbers of trials: the response becomes `cbind(response, trials - response)`.
    #[serde(default)]
    pub trials: Option<String>,
    #[serde(default)]
    pub covariates: Vec<String>,
    pub group: String,
}

fn info(frame: &Frame, i: usize) -> ColumnInfo {
    let c = &frame.columns[i];
    let missing = (0..frame.n_rows()).filter(|&r| c.is_missing(r)).count();
    let (kind, distinct) = match &c.values {
        ColumnValues::Numeric(v) => {
            let mut x: Vec<f64> = v.iter().flatten().copied().collect();
            x.sort_by(f64::total_cmp);
            x.dedup();
            (ColumnKind::Numeric, x.len())
        }
        ColumnValues::Logical(v) => {
            let (t, f) = (v.contains(&Some(true)), v.contains(&Some(false)));
            (ColumnKind::Logical, usize::from(t) + usize::from(f))
        }
        ColumnValues::Text { factor, .. } => (ColumnKind::Text, factor.n_levels()),
    };
    let what = match kind {
        ColumnKind::Numeric => format!("numbers, {distinct} distinct"),
        ColumnKind::Logical => "TRUE/FALSE".to_string(),
        ColumnKind::Text => format!("text, {distinct} level{}", if distinct == 1 { "" } else { "s" }),
    };
    let description = if missing > 0 { format!("{what}, {missing} missing") } else { what };
    ColumnInfo { name: c.name.clone(), kind, switchable: kind == ColumnKind::Numeric, distinct, missing, description }
}

/// Every column of `frame`, in file order.
pub fn column_infos(frame: &Frame) -> Vec<ColumnInfo> {
    (0..frame.columns.len()).map(|i| info(frame, i)).collect()
}

/// The columns of `csv`, the file `name` ("" for pasted text), read as [`Frame::from_csv`] reads it; a
/// malformed file is its one-sentence error.
pub fn csv_columns(csv: &str, name: &str) -> Result<CsvColumns> {
    let frame = Frame::from_csv(csv)?;
    let columns = column_infos(&frame);
    let numeric = |c: &&ColumnInfo| c.kind != ColumnKind::Text && c.distinct >= 2;
    let response = columns.iter().filter(numeric).find(|c| c.distinct == 2).or_else(|| columns.iter().find(numeric));
    let group = response.and_then(|r| {
        let other = |c: &&ColumnInfo| c.name != r.name && c.distinct >= 2;
        let text = columns.iter().filter(other).filter(|c| c.kind == ColumnKind::Text);
        text.max_by_key(|c| c.distinct).or_else(|| columns.iter().rev().find(other))
    });
    let suggested = match (response, group) {
        (Some(r), Some(g)) => Some(Picks { response: r.name.clone(), trials: None, covariates: Vec::new(), group: g.name.clone() }),
        _ => None,
    };
    let suggested_formula = suggested.as_ref().and_then(|p| formula_from_picks(p).ok());
    let source = if name.trim().is_empty() { "The pasted text".to_string() } else { name.trim().to_string() };
    let n = frame.n_rows();
    let summary = format!(
        "{source}: {n} row{} and {} column{}.",
        if n == 1 { "" } else { "s" },
        columns.len(),
        if columns.len() == 1 { "" } else { "s" }
    );
    Ok(CsvColumns { columns, rows: n, summary, suggested, suggested_formula })
}

/// R's column names that a formula can use without backquotes: a letter (or a dot not followed by a
/// digit) first, then letters, digits, dots and underscores.
fn plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    let ok_first = match chars.next() {
        Some('.') => !name.chars().nth(1).is_some_and(|c| c.is_ascii_digit()),
        Some(c) => c.is_alphabetic(),
        None => false,
    };
    ok_first && name.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '_')
}

/// The formula the picks describe, `response ~ covariates + (1 | group)` (or `cbind(s, n - s) ~ …`), checked by
/// the formula parser.
pub fn formula_from_picks(p: &Picks) -> Result<String> {
    let mut names: Vec<&str> = vec![&p.response, &p.group];
    names.extend(p.trials.iter().map(String::as_str));
    names.extend(p.covariates.iter().map(String::as_str));
    if let Some(bad) = names.iter().find(|n| !plain_name(n)) {
        return Err(Error::Formula(format!(
            "The column name \"{bad}\" has characters a formula cannot use here; rename the column (letters, digits, dots and underscores) or type the formula."
        )));
    }
    let response = match &p.trials {
        Some(n) => format!("cbind({r}, {n} - {r})", r = p.response),
        None => p.response.clone(),
    };
    let terms: Vec<&str> = p.covariates.iter().map(String::as_str).filter(|c| *c != p.group && *c != p.response).collect();
    let fixed = if terms.is_empty() { "1".to_string() } else { terms.join(" + ") };
    let text = format!("{response} ~ {fixed} + (1 | {})", p.group);
    Formula::parse(&text)?;
    Ok(text)
}

/// The picks a formula describes, for the pickers to show: None when the pickers cannot (a formula that does
/// not parse, `cbind(successes, failures)`, no intercept); `factor(c)` terms pick `c`.
pub fn picks_from_formula(text: &str) -> Option<Picks> {
    let f = Formula::parse(text).ok()?;
    if !f.intercept {
        return None;
    }
    let (response, trials) = match f.response {
        Response::Column(c) => (c, None),
        Response::SuccessesOfTrials { successes, trials } => (successes, Some(trials)),
        Response::Counts { .. } => return None,
    };
    Some(Picks { response, trials, covariates: f.terms.iter().map(|t| t.column().to_string()).collect(), group: f.group })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbpp_header_kinds_and_the_suggestion() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/cbpp.csv")).unwrap();
        let c = csv_columns(&text, "cbpp.csv").unwrap();
        assert_eq!(c.summary, "cbpp.csv: 56 rows and 4 columns.");
        let names: Vec<&str> = c.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["herd", "incidence", "size", "period"]);
        assert!(c.columns.iter().all(|c| c.kind == ColumnKind::Numeric && c.switchable));
        assert_eq!(c.columns[0].distinct, 15);
        assert_eq!(c.columns[3].description, "numbers, 4 distinct");
        assert_eq!(c.rows, 56);
        assert_eq!(c.suggested_formula.as_deref(), Some("herd ~ 1 + (1 | period)"));
    }

    #[test]
    fn text_columns_are_factors_and_missing_values_counted() {
        let c = csv_columns("y,g,x\n1,a,0.5\n0,b,NA\n1,a,2\n", "").unwrap();
        assert_eq!(c.summary, "The pasted text: 3 rows and 3 columns.");
        assert_eq!(c.columns[1].kind, ColumnKind::Text);
        assert!(!c.columns[1].switchable);
        assert_eq!(c.columns[1].description, "text, 2 levels");
        assert_eq!(c.columns[2].missing, 1);
        assert_eq!(c.columns[2].description, "numbers, 2 distinct, 1 missing");
        assert_eq!(c.suggested_formula.as_deref(), Some("y ~ 1 + (1 | g)"));
    }

    #[test]
    fn picks_make_r_formulas() {
        let p = Picks { response: "incidence".into(), trials: Some("size".into()), covariates: vec!["period".into()], group: "herd".into() };
        assert_eq!(formula_from_picks(&p).unwrap(), "cbind(incidence, size - incidence) ~ period + (1 | herd)");
        let p = Picks { response: "y".into(), trials: None, covariates: vec![], group: "g".into() };
        assert_eq!(formula_from_picks(&p).unwrap(), "y ~ 1 + (1 | g)");
        let p = Picks { response: "my y".into(), trials: None, covariates: vec![], group: "g".into() };
        assert!(formula_from_picks(&p).unwrap_err().to_string().contains("\"my y\""));
        let back = picks_from_formula("cbind(incidence, size - incidence) ~ period + (1 | herd)").unwrap();
        assert_eq!((back.response.as_str(), back.trials.as_deref(), back.covariates.as_slice(), back.group.as_str()), ("incidence", Some("size"), &["period".to_string()][..], "herd"));
        assert!(picks_from_formula("cbind(a, b) ~ x + (1 | g)").is_none());
    }

    #[test]
    fn a_malformed_csv_is_one_sentence() {
        let e = csv_columns("a,b\n1,2,3\n", "").unwrap_err().to_string();
        assert!(e.starts_with("CSV line 2") && e.ends_with('.'), "{e}");
    }
}
