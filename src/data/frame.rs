//! A data frame read from CSV: named columns, each numeric, logical or text, with missing values.
//!
//! The CSV format is [`super::csv`]'s (RFC 4180 quoting, a header row, fields trimmed, blank lines
//! skipped, UTF-8 or Windows-1252 text). Each column is typed as R's `read.csv` types it:
//! - numeric when every non-missing entry is a finite number (`3`, `-0.5`, `1e-3`);
//! - logical when every non-missing entry is `TRUE`/`FALSE` (also `T`/`F`, `true`/`false`, `True`/`False`);
//! - text otherwise, stored as a [`Factor`] (levels in R's sort order).
//!
//! A cell is missing when it is `NA` (unquoted; a quoted `"NA"` is the text NA) or empty. Rows with a
//! missing value are not dropped here: the model drops the rows with a missing value in a column it uses
//! (R's `na.action = na.omit`), see [`super::model_frame`].

use super::csv::{csv_error, parse_records, shown, Field};
use super::factor::Factor;
use crate::error::Result;

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    Numeric(Vec<Option<f64>>),
    Logical(Vec<Option<bool>>),
    /// Text, as R's factor of it; `first_text` is the first entry that is not a number (its row and text),
    /// to say why the column is not numeric.
    Text { factor: Factor, first_text: (usize, String) },
}

/// One named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub values: ColumnValues,
    /// Each entry's text (None when missing), kept for numeric and logical columns so that they can be
    /// read as text factors too; empty for text columns (their factor holds the text).
    text: Vec<Option<String>>,
}

impl Column {
    /// Whether row `row`'s entry is missing.
    pub fn is_missing(&self, row: usize) -> bool {
        match &self.values {
            ColumnValues::Numeric(v) => v[row].is_none(),
            ColumnValues::Logical(v) => v[row].is_none(),
            ColumnValues::Text { factor, .. } => factor.codes[row].is_none(),
        }
    }

    /// The column as R's `factor()` of its entries read as text (`read.csv(colClasses = "character")`):
    /// "1", "10", "2" sort as text, so "10" comes before "2".
    pub fn text_factor(&self) -> Factor {
        match &self.values {
            ColumnValues::Text { factor, .. } => factor.clone(),
            _ => Factor::from_text(self.text.iter().map(Option::as_deref)),
        }
    }
}

/// A table of named columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub columns: Vec<Column>,
    /// The CSV line each row starts on (1-based), for error messages.
    pub lines: Vec<usize>,
}

impl Frame {
    /// Reads a frame from CSV text (see the module documentation).
    pub fn from_csv(text: &str) -> Result<Frame> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut records = parse_records(text)?.into_iter();
        let header = records
            .next()
            .ok_or_else(|| csv_error(1, "header", "the file is empty, but a header line naming the columns is required"))?;
        let names: Vec<String> = header.fields.iter().map(|f| f.text.clone()).collect();
        for (i, name) in names.iter().enumerate() {
            if name.is_empty() {
                return Err(csv_error(header.line, (i + 1).to_string(), "the header gives this column no name"));
            }
            if names[..i].contains(name) {
                return Err(csv_error(header.line, shown(name), "the header names this column more than once"));
            }
        }
        let rows: Vec<_> = records.collect();
        if rows.is_empty() {
            return Err(csv_error(header.line + 1, "(none)", "the file has a header but no data rows"));
        }
        let n_cols = names.len();
        let mut cells: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(rows.len()); n_cols];
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            if row.fields.len() != n_cols {
                let (column, message) = if row.fields.len() > n_cols {
                    ((n_cols + 1).to_string(), "has more fields than")
                } else {
                    ((row.fields.len() + 1).to_string(), "has fewer fields than")
                };
                return Err(csv_error(
                    row.line,
                    column,
                    format!("the row {message} the {n_cols} columns the header names (it has {})", row.fields.len()),
                ));
            }
            lines.push(row.line);
            for (column, field) in cells.iter_mut().zip(row.fields) {
                column.push(cell_text(field));
            }
        }
        let columns = names.into_iter().zip(cells).map(|(name, text)| typed_column(name, text)).collect();
        Ok(Frame { columns, lines })
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.lines.len()
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column names in file order.
    pub fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }
}

/// A field's text, or None when it is missing (unquoted NA, or empty).
fn cell_text(field: Field) -> Option<String> {
    if field.text.is_empty() || (field.text == "NA" && !field.quoted) {
        None
    } else {
        Some(field.text)
    }
}

/// A finite number as R's `read.csv` reads one.
fn parse_finite(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// TRUE/FALSE in R's spellings.
fn parse_logical(s: &str) -> Option<bool> {
    match s {
        "TRUE" | "True" | "true" | "T" => Some(true),
        "FALSE" | "False" | "false" | "F" => Some(false),
        _ => None,
    }
}

/// Types a column: numeric, else logical, else text.
fn typed_column(name: String, text: Vec<Option<String>>) -> Column {
    let numbers: Option<Vec<Option<f64>>> =
        text.iter().map(|c| c.as_deref().map_or(Some(None), |s| parse_finite(s).map(Some))).collect();
    if let Some(v) = numbers {
        return Column { name, values: ColumnValues::Numeric(v), text };
    }
    let logical: Option<Vec<Option<bool>>> =
        text.iter().map(|c| c.as_deref().map_or(Some(None), |s| parse_logical(s).map(Some))).collect();
    if let Some(v) = logical {
        return Column { name, values: ColumnValues::Logical(v), text };
    }
    let first_text = text
        .iter()
        .enumerate()
        .find_map(|(i, c)| c.as_deref().filter(|s| parse_finite(s).is_none()).map(|s| (i, s.to_string())))
        .unwrap_or_default();
    let factor = Factor::from_text(text.iter().map(Option::as_deref));
    Column { name, values: ColumnValues::Text { factor, first_text }, text: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn columns_are_typed_as_read_csv_types_them() {
        let f = Frame::from_csv("\u{feff}n, flag ,label,code\r\n1,TRUE,b,07\r\n,F,\"a, c\",10\r\nNA,NA,\"NA\",NA\r\n2.5,true,B,9\r\n")
            .expect("valid");
        assert_eq!(f.names(), ["n", "flag", "label", "code"]);
        assert_eq!(f.n_rows(), 4);
        assert_eq!(f.lines, [2, 3, 4, 5]);
        assert_eq!(f.columns[0].values, ColumnValues::Numeric(vec![Some(1.0), None, None, Some(2.5)]));
        assert_eq!(f.columns[1].values, ColumnValues::Logical(vec![Some(true), Some(false), None, Some(true)]));
        match &f.columns[2].values {
            ColumnValues::Text { factor, first_text } => {
                // A quoted "NA" is the text NA; R's sort order puts "a, c" first and b before B.
                assert_eq!(factor.levels, ["a, c", "b", "B", "NA"]);
                assert_eq!(factor.codes, [Some(1), Some(0), Some(3), Some(2)]);
                assert_eq!(first_text, &(0, "b".to_string()));
            }
            other => panic!("label should be text, got {other:?}"),
        }
        assert_eq!(f.columns[3].values, ColumnValues::Numeric(vec![Some(7.0), Some(10.0), None, Some(9.0)]));
        // Read as text, the numeric column keeps its spelling and sorts as text.
        let code = f.columns[3].text_factor();
        assert_eq!(code.levels, ["07", "10", "9"]);
        assert_eq!(code.codes, [Some(0), Some(1), None, Some(2)]);
        assert!(f.columns[0].is_missing(1) && f.columns[0].is_missing(2) && !f.columns[0].is_missing(3));
        assert!(f.column("label").is_some() && f.column("nope").is_none());
    }

    #[test]
    fn non_finite_numbers_make_a_text_column() {
        let f = Frame::from_csv("x\n1\nInf\n").expect("valid");
        match &f.columns[0].values {
            ColumnValues::Text { first_text, .. } => assert_eq!(first_text, &(1, "Inf".to_string())),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_and_shape_errors_are_one_sentence() {
        let msg = |text: &str| match Frame::from_csv(text) {
            Err(e @ Error::Csv { .. }) => e.to_string(),
            other => panic!("{text:?}: {other:?}"),
        };
        assert_eq!(msg("a,b,a\n1,2,3\n"), "CSV line 1, column a: the header names this column more than once.");
        assert_eq!(msg("a,,b\n1,2,3\n"), "CSV line 1, column 2: the header gives this column no name.");
        assert_eq!(msg(""), "CSV line 1, column header: the file is empty, but a header line naming the columns is required.");
        assert_eq!(msg("a,b\n"), "CSV line 2, column (none): the file has a header but no data rows.");
        assert_eq!(msg("a,b\n1,2\n3\n"), "CSV line 3, column 2: the row has fewer fields than the 2 columns the header names (it has 1).");
        assert_eq!(msg("a,b\n1,2,3\n"), "CSV line 2, column 3: the row has more fields than the 2 columns the header names (it has 3).");
    }
}
