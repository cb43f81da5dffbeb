//! From a data frame and a formula to the [`GroupedDesign`] every model reads: R's `model.frame()` and
//! `model.matrix()` for `response ~ fixed terms + (1 | group)`.
//!
//! - Missing values: rows with a missing value in any column the formula uses are dropped (R's default
//!   `na.action = na.omit`); [`ModelFrame::rows_dropped`] counts them.
//! - Which columns are factors: text and logical columns, `factor(column)` terms, the group, and the
//!   columns the caller lists (as `read.csv(colClasses = "character")` then `factor()` makes them).
//!   Levels are in R's order ([`super::factor`]): a listed or text column's as text (so "10" < "2"),
//!   a numeric column under `factor()` (or as the group, unlisted) numerically.
//! - X's columns, as R's `model.matrix()` with treatment contrasts: `(Intercept)` (unless dropped), then
//!   each term as written: a numeric column as it is; a factor one 0/1 column per level but the first
//!   (the reference), named `<column><level>` (`period2`, `GenderM`) or `factor(<column>)<level>`.
//!   Without an intercept the first factor term gets a column for every level, as in R.
//! - The group: its levels in R's order, levels with no row left dropped (as lme4 does); at least two.
//! - The response: a numeric or logical (0/1) column, with trials 1; `cbind(s, f)`: successes s and
//!   trials s + f; `cbind(s, n - s)`: successes s and trials n. Counts must be whole numbers ≥ 0 and
//!   the trials at least the successes.
//! - X must have full column rank ([`super::full_rank`]); a factor level with no row left is named.
//!
//! One pass over the rows per column: linear in the number of rows.

use std::borrow::Cow;

use super::csv::shown;
use super::factor::Factor;
use super::formula::{FixedTerm, Formula, Response};
use super::frame::{Column, ColumnValues, Frame};
use super::full_rank::check_full_rank;
use super::grouped_design::{DesignGroup, GroupedDesign};
use crate::error::{Error, Result};

/// The design of a formula on a frame, and how many rows were dropped for missing values.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFrame {
    pub design: GroupedDesign,
    /// Rows with a missing value in a column the formula uses (R's `na.omit`).
    pub rows_dropped: usize,
}

/// How one fixed term enters X.
enum Coding<'a> {
    Numeric(&'a [Option<f64>]),
    /// A factor: `first` is 0 for all levels (no intercept, first factor) or 1 (treatment contrasts).
    Factor { factor: Cow<'a, Factor>, first: usize },
}

impl ModelFrame {
    /// Reads CSV text and parses the formula text, then [`ModelFrame::build`]s: the one call from user input
    /// to the design.
    pub fn from_csv<S: AsRef<str>>(csv: &str, formula: &str, factor_columns: &[S]) -> Result<ModelFrame> {
        let formula = Formula::parse(formula)?;
        let frame = Frame::from_csv(csv)?;
        ModelFrame::build(&frame, &formula, factor_columns)
    }

    /// Builds the grouped design of `formula` on `frame`; `factor_columns` are read as text factors
    /// (see the module documentation).
    pub fn build<S: AsRef<str>>(frame: &Frame, formula: &Formula, factor_columns: &[S]) -> Result<ModelFrame> {
        let listed: Vec<&str> = factor_columns.iter().map(AsRef::as_ref).collect();
        for name in &listed {
            find_column(frame, name, "The factor columns name")?;
        }
        let used: Vec<&Column> =
            formula.columns().into_iter().map(|c| find_column(frame, c, "The formula names")).collect::<Result<_>>()?;
        let keep: Vec<usize> = (0..frame.n_rows()).filter(|&r| used.iter().all(|c| !c.is_missing(r))).collect();
        let rows_dropped = frame.n_rows() - keep.len();
        if keep.is_empty() {
            return Err(Error::Data(format!(
                "No row has a value in every column the formula uses ({}), so there is nothing to fit.",
                formula.columns().join(", ")
            )));
        }
        let (y, trials) = response(frame, formula, &listed, &keep)?;

        // The fixed-effect columns.
        let mut names: Vec<String> = Vec::new();
        if formula.intercept {
            names.push("(Intercept)".into());
        }
        let mut codings = Vec::with_capacity(formula.terms.len());
        let mut full_coding_left = !formula.intercept;
        for term in &formula.terms {
            let column = find_column(frame, term.column(), "The formula names")?;
            let is_listed = listed.contains(&term.column());
            let coding = match (term, &column.values) {
                (FixedTerm::Column(_), ColumnValues::Numeric(v)) if !is_listed => Coding::Numeric(v),
                _ => {
                    let factor = as_factor(column, is_listed);
                    let first = if std::mem::take(&mut full_coding_left) { 0 } else { 1 };
                    check_levels(term, &factor, first, &keep, rows_dropped)?;
                    Coding::Factor { factor, first }
                }
            };
            match &coding {
                Coding::Numeric(_) => names.push(term.to_string()),
                Coding::Factor { factor, first } => {
                    names.extend(factor.levels[*first..].iter().map(|level| format!("{term}{level}")))
                }
            }
            codings.push(coding);
        }

        // X column by column over the rows kept.
        let mut columns: Vec<Vec<f64>> = Vec::with_capacity(names.len());
        if formula.intercept {
            columns.push(vec![1.0; keep.len()]);
        }
        for coding in &codings {
            match coding {
                Coding::Numeric(v) => columns.push(keep.iter().map(|&r| v[r].unwrap_or(f64::NAN)).collect()),
                Coding::Factor { factor, first } => {
                    for level in *first..factor.n_levels() {
                        columns.push(keep.iter().map(|&r| f64::from(u8::from(factor.codes[r] == Some(level)))).collect());
                    }
                }
            }
        }
        check_full_rank(&names, &columns)?;

        let (group_labels, group_of_row) = group_levels(frame, formula, &listed, &keep)?;
        let p = names.len();
        let mut groups: Vec<DesignGroup> = (0..group_labels.len())
            .map(|_| DesignGroup { x: Vec::new(), y: Vec::new(), trials: Vec::new(), rows: Vec::new() })
            .collect();
        for (i, &row) in keep.iter().enumerate() {
            let g = &mut groups[group_of_row[i]];
            g.x.extend(columns.iter().map(|c| c[i]));
            g.y.push(y[i]);
            g.trials.push(trials[i]);
            g.rows.push(row);
        }
        debug_assert!(groups.iter().all(|g| g.x.len() == g.n_obs() * p));
        let design = GroupedDesign {
            names,
            response: formula.response.to_string(),
            group_name: formula.group.clone(),
            group_labels,
            groups,
        };
        Ok(ModelFrame { design, rows_dropped })
    }
}

/// The column named `name`, or a sentence listing the columns there are.
fn find_column<'a>(frame: &'a Frame, name: &str, who: &str) -> Result<&'a Column> {
    frame.column(name).ok_or_else(|| {
        Error::Data(format!(
            "{who} the column {}, which the data do not have; the columns are {}.",
            shown(name),
            shown_names(&frame.names())
        ))
    })
}

/// Column names for a sentence: all of them up to a limit.
fn shown_names(names: &[&str]) -> String {
    const MAX_NAMES: usize = 30;
    let mut out = names.iter().take(MAX_NAMES).map(|n| shown(n)).collect::<Vec<_>>().join(", ");
    if names.len() > MAX_NAMES {
        out.push_str(&format!(" and {} more", names.len() - MAX_NAMES));
    }
    out
}

/// The column as a factor: as text when listed or text, numerically when numeric, FALSE < TRUE when logical.
pub(crate) fn as_factor(column: &Column, listed: bool) -> Cow<'_, Factor> {
    match &column.values {
        ColumnValues::Text { factor, .. } => Cow::Borrowed(factor),
        ColumnValues::Numeric(v) if !listed => Cow::Owned(Factor::from_numbers(v)),
        ColumnValues::Logical(v) if !listed => {
            Cow::Owned(Factor::from_text(v.iter().map(|b| b.map(|b| if b { "TRUE" } else { "FALSE" }))))
        }
        _ => Cow::Owned(column.text_factor()),
    }
}

/// A factor term needs two levels (one with all levels coded), each with a row among those kept.
fn check_levels(term: &FixedTerm, factor: &Factor, first: usize, keep: &[usize], rows_dropped: usize) -> Result<()> {
    if factor.n_levels() <= first {
        let level = factor.levels.first().map_or("", String::as_str);
        return Err(Error::NotEstimable(format!(
            "The factor {term} has only one level ({}), so it has no effect to estimate: remove it from the formula.",
            shown(level)
        )));
    }
    let mut rows_per_level = vec![0usize; factor.n_levels()];
    for &r in keep {
        if let Some(l) = factor.codes[r] {
            rows_per_level[l] += 1;
        }
    }
    if let Some(empty) = rows_per_level.iter().position(|&n| n == 0) {
        let level = shown(&factor.levels[empty]);
        let dropped = if rows_dropped == 1 {
            "the 1 row with a missing value is dropped".to_string()
        } else {
            format!("the {rows_dropped} rows with a missing value are dropped")
        };
        let consequence = if empty >= first {
            format!("the column {term}{level} cannot be estimated")
        } else {
            format!("the reference level of {term} has no rows and its other columns cannot be estimated")
        };
        return Err(Error::NotEstimable(format!("The level {level} of {term} has no row left once {dropped}, so {consequence}.")));
    }
    Ok(())
}

/// The group's levels with a row among those kept, in R's order, and each kept row's group.
fn group_levels(frame: &Frame, formula: &Formula, listed: &[&str], keep: &[usize]) -> Result<(Vec<String>, Vec<usize>)> {
    let column = find_column(frame, &formula.group, "The formula names")?;
    let factor = as_factor(column, listed.contains(&formula.group.as_str()));
    let mut new_index: Vec<Option<usize>> = vec![None; factor.n_levels()];
    for &r in keep {
        if let Some(l) = factor.codes[r] {
            new_index[l] = Some(0);
        }
    }
    let mut labels = Vec::new();
    for (l, slot) in new_index.iter_mut().enumerate() {
        if slot.is_some() {
            *slot = Some(labels.len());
            labels.push(factor.levels[l].clone());
        }
    }
    if labels.len() < 2 {
        return Err(Error::NotEstimable(format!(
            "The group column {} has only one level ({}) in the rows used, so a random intercept cannot be estimated: it needs at least two groups.",
            formula.group,
            shown(labels.first().map_or("", String::as_str))
        )));
    }
    let of_row = keep.iter().map(|&r| factor.codes[r].and_then(|l| new_index[l]).unwrap_or(0)).collect();
    Ok((labels, of_row))
}

/// The response and trials of each kept row.
fn response(frame: &Frame, formula: &Formula, listed: &[&str], keep: &[usize]) -> Result<(Vec<f64>, Vec<f64>)> {
    let ones = vec![1.0; keep.len()];
    match &formula.response {
        Response::Column(name) => {
            let column = find_column(frame, name, "The formula names")?;
            let y = match &column.values {
                _ if listed.contains(&name.as_str()) => {
                    return Err(Error::Data(format!(
                        "The response {name} is listed as a factor, and a factor response is not supported: use numbers (0/1 for a binary outcome) or cbind(successes, failures)."
                    )))
                }
                ColumnValues::Numeric(v) => keep.iter().map(|&r| v[r].unwrap_or(f64::NAN)).collect(),
                ColumnValues::Logical(v) => keep.iter().map(|&r| f64::from(u8::from(v[r] == Some(true)))).collect(),
                ColumnValues::Text { first_text: (row, text), .. } => {
                    return Err(Error::Data(format!(
                        "The response {name} is text (line {} has \"{}\"), and a factor response is not supported: use numbers (0/1 for a binary outcome) or cbind(successes, failures).",
                        frame.lines[*row],
                        shown(text)
                    )))
                }
            };
            Ok((y, ones))
        }
        Response::Counts { successes, failures } => {
            let s = counts(frame, successes, listed, keep)?;
            let f = counts(frame, failures, listed, keep)?;
            let trials = s.iter().zip(&f).map(|(a, b)| a + b).collect();
            Ok((s, trials))
        }
        Response::SuccessesOfTrials { successes, trials } => {
            let s = counts(frame, successes, listed, keep)?;
            let n = counts(frame, trials, listed, keep)?;
            if let Some(i) = (0..keep.len()).find(|&i| n[i] < s[i]) {
                return Err(Error::Data(format!(
                    "The trials column {trials} must be at least the successes column {successes} in every row, but line {} has {trials} {} and {successes} {}.",
                    frame.lines[keep[i]], n[i], s[i]
                )));
            }
            Ok((s, n))
        }
    }
}

/// A column of counts (whole numbers ≥ 0) in `cbind()`, over the kept rows.
fn counts(frame: &Frame, name: &str, listed: &[&str], keep: &[usize]) -> Result<Vec<f64>> {
    let column = find_column(frame, name, "The formula names")?;
    let not_counts = |what: String| {
        Error::Data(format!(
            "The column {name} in cbind() must hold counts (whole numbers 0, 1, 2, …), but {what}."
        ))
    };
    let values = match &column.values {
        ColumnValues::Numeric(v) if !listed.contains(&name) => v,
        ColumnValues::Text { first_text: (row, text), .. } => {
            return Err(not_counts(format!("line {} has \"{}\"", frame.lines[*row], shown(text))))
        }
        _ => return Err(not_counts("it is listed as a factor or holds TRUE/FALSE".into())),
    };
    keep.iter()
        .map(|&r| {
            let v = values[r].unwrap_or(f64::NAN);
            if v >= 0.0 && v.fract() == 0.0 {
                Ok(v)
            } else {
                Err(not_counts(format!("line {} has {v}", frame.lines[r])))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(csv: &str, formula: &str, factors: &[&str]) -> Result<ModelFrame> {
        let frame = Frame::from_csv(csv)?;
        ModelFrame::build(&frame, &Formula::parse(formula)?, factors)
    }

    fn ok(csv: &str, formula: &str, factors: &[&str]) -> ModelFrame {
        match build(csv, formula, factors) {
            Ok(m) => m,
            Err(e) => panic!("{formula}: {e}"),
        }
    }

    const DATA: &str = "g,x,k,s,n,y,w\n\
        a,1.5,u,1,3,0,TRUE\n\
        b,2,v,0,2,1,FALSE\n\
        a,NA,w,2,2,1,TRUE\n\
        c,4,u,3,5,0,FALSE\n\
        b,5,v,1,1,1,TRUE\n\
        c,7,w,0,4,0,TRUE\n";

    #[test]
    fn treatment_contrasts_names_and_rows() {
        let m = ok(DATA, "cbind(s, n - s) ~ x + k + (1 | g)", &[]);
        let d = &m.design;
        assert_eq!(m.rows_dropped, 1);
        assert_eq!(d.names, ["(Intercept)", "x", "kv", "kw"]);
        assert_eq!(d.response, "cbind(s, n - s)");
        assert_eq!(d.group_name, "g");
        assert_eq!(d.group_labels, ["a", "b", "c"]);
        assert_eq!(d.n_obs(), 5);
        let a = &d.groups[0];
        assert_eq!((a.rows.clone(), a.y.clone(), a.trials.clone()), (vec![0], vec![1.0], vec![3.0]));
        assert_eq!(a.x_row(0, 4), [1.0, 1.5, 0.0, 0.0]);
        let c = &d.groups[2];
        assert_eq!(c.rows, [3, 5]);
        assert_eq!(c.x_row(1, 4), [1.0, 7.0, 0.0, 1.0]);
        assert_eq!(c.trials, [5.0, 4.0]);
    }

    #[test]
    fn no_intercept_codes_every_level_of_the_first_factor() {
        let m = ok(DATA, "y ~ 0 + x + k + w + (1 | g)", &[]);
        assert_eq!(m.design.names, ["x", "ku", "kv", "kw", "wTRUE"]);
        let m = ok(DATA, "y ~ factor(n) + (1 | g)", &[]);
        assert_eq!(m.design.names, ["(Intercept)", "factor(n)2", "factor(n)3", "factor(n)4", "factor(n)5"]);
        // Listed as a factor column, x is read as text: its levels sort as text ("1.5" < "2" < "4" < "5" < "7").
        let m = ok(DATA, "y ~ x + (1 | g)", &["x"]);
        assert_eq!(m.design.names, ["(Intercept)", "x2", "x4", "x5", "x7"]);
    }

    #[test]
    fn logical_response_is_zero_one() {
        let m = ok("g,y,x\na,TRUE,1\nb,F,2\na,false,3\nb,T,5\n", "y ~ x + (1 | g)", &[]);
        assert_eq!(m.design.groups[0].y, [1.0, 0.0]);
        assert_eq!(m.design.groups[1].y, [0.0, 1.0]);
        let from_text = ModelFrame::from_csv("g,y,x\na,TRUE,1\nb,F,2\na,false,3\nb,T,5\n", "y ~ x + (1 | g)", &[] as &[&str]);
        assert_eq!(from_text, Ok(m));
    }

    #[test]
    fn group_levels_numeric_or_text() {
        let csv = "g,y,x\n10,0,1\n9,1,2\n10,1,3\n9,0,5\n";
        assert_eq!(ok(csv, "y ~ x + (1 | g)", &[]).design.group_labels, ["9", "10"]);
        assert_eq!(ok(csv, "y ~ x + (1 | g)", &["g"]).design.group_labels, ["10", "9"]);
    }
}
