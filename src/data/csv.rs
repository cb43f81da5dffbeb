//! CSV input and output of a [`Dataset`].
//!
//! Input: a header naming the columns `group`, `x` and `y_bin` (any order), optionally `y`; other
//! columns are ignored. Fields may be quoted (`"a, b"`, with `""` for a quote), are trimmed of
//! surrounding whitespace, and lines may end in LF or CRLF. Blank lines are skipped, as R's
//! `read.csv` does. Groups are ordered as R's `factor()` orders them.
//!
//! Output: `group,y,y_bin,x` (without `y` when it is unknown), numbers as C's `%.17g`, which
//! reads back to the same bits.

use std::collections::BTreeSet;

use super::Dataset;
use crate::error::{Error, Result};

/// One field of a CSV record.
#[derive(Debug)]
pub(crate) struct Field {
    /// Content with quotes removed and surrounding whitespace trimmed.
    pub(crate) text: String,
    /// Whether the field was quoted (a quoted `"NA"` is a label, not a missing value).
    pub(crate) quoted: bool,
}

/// One non-blank CSV record and the (1-based) line it starts on.
#[derive(Debug)]
pub(crate) struct Record {
    pub(crate) line: usize,
    pub(crate) fields: Vec<Field>,
}

/// Longest piece of the user's text quoted in an error message, in characters.
const SHOWN_CHARS: usize = 40;

/// The user's text as an error message quotes it: control characters (line breaks, tabs, …) escaped
/// so that the message stays on one line, and cut after [`SHOWN_CHARS`] characters.
pub(crate) fn shown(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == SHOWN_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn csv_error(line: usize, column: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Csv {
        line,
        column: column.into(),
        message: message.into(),
    }
}

/// Splits `text` into records (RFC 4180 with trimming); blank lines are dropped.
pub(crate) fn parse_records(text: &str) -> Result<Vec<Record>> {
    let mut records = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut record_line = 1;
    let mut fields: Vec<Field> = Vec::new();
    loop {
        while matches!(chars.peek(), Some(' ' | '\t')) {
            chars.next();
        }
        let mut text = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            let open_line = line;
            loop {
                match chars.next() {
                    None => {
                        return Err(csv_error(
                            open_line,
                            (fields.len() + 1).to_string(),
                            "a quoted field is opened here but never closed",
                        ))
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        text.push('"');
                    }
                    Some('"') => break,
                    Some(c) => {
                        if c == '\n' {
                            line += 1;
                        }
                        text.push(c);
                    }
                }
            }
            while matches!(chars.peek(), Some(' ' | '\t' | '\r')) {
                chars.next();
            }
            if let Some(&c) = chars.peek() {
                if c != ',' && c != '\n' {
                    return Err(csv_error(
                        line,
                        (fields.len() + 1).to_string(),
                        format!("unexpected character '{}' after the closing quote", shown(&c.to_string())),
                    ));
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c == '\n' {
                    break;
                }
                text.push(c);
                chars.next();
            }
        }
        fields.push(Field {
            text: text.trim().to_string(),
            quoted,
        });
        match chars.next() {
            Some(',') => continue,
            next => {
                let blank = fields.len() == 1 && !fields[0].quoted && fields[0].text.is_empty();
                if !blank {
                    records.push(Record {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                fields.clear();
                if next.is_none() {
                    break;
                }
                line += 1;
                record_line = line;
            }
        }
    }
    Ok(records)
}

/// Parses a finite number; `column` and `line` locate errors.
fn parse_number(field: &Field, line: usize, column: &str) -> Result<f64> {
    let s = field.text.as_str();
    if s.is_empty() {
        return Err(csv_error(
            line,
            column,
            "the value is empty, but a number is required",
        ));
    }
    if s == "NA" && !field.quoted {
        return Err(csv_error(
            line,
            column,
            "the value is NA (missing), but a number is required",
        ));
    }
    let v: f64 = s
        .parse()
        .map_err(|_| csv_error(line, column, format!("\"{}\" is not a number", shown(s))))?;
    if !v.is_finite() {
        return Err(csv_error(
            line,
            column,
            format!("the value must be a finite number, but it is {}", shown(s)),
        ));
    }
    Ok(v)
}

/// Parses a binary outcome: 0/1 (also 0.0/1.0), TRUE/FALSE, True/False, true/false, T/F.
fn parse_binary(field: &Field, line: usize, column: &str) -> Result<f64> {
    match field.text.as_str() {
        "TRUE" | "True" | "true" | "T" => Ok(1.0),
        "FALSE" | "False" | "false" | "F" => Ok(0.0),
        s => match s.parse::<f64>() {
            Ok(v) if v == 0.0 || v == 1.0 => Ok(if v == 1.0 { 1.0 } else { 0.0 }),
            _ => Err(csv_error(
                line,
                column,
                format!("\"{}\" is not a binary outcome (use 0/1 or TRUE/FALSE)", shown(s)),
            )),
        },
    }
}

/// The text of a CSV file's bytes: UTF-8 when they are valid UTF-8, otherwise Windows-1252 / Latin-1 (what
/// a spreadsheet exports on many systems; R's `read.csv` reads such a file too). Only group labels can
/// carry non-ASCII characters, so this never changes a number.
pub fn csv_text_from_bytes(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => e.into_bytes().iter().map(|&b| windows_1252(b)).collect(),
    }
}

/// One byte of Windows-1252: Latin-1, except 0x80–0x9F, which hold typographic characters there.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Reads a data set from CSV text (see the module documentation for the format).
///
/// Group levels are sorted as R's `factor()` sorts them: numerically when every label is an
/// integer (labels are then written canonically, so "07" is the group "7"), otherwise by byte
/// order (R in the C locale).
pub fn read_csv(text: &str) -> Result<Dataset> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = parse_records(text)?;
    let mut records = records.into_iter();
    let header = records.next().ok_or_else(|| {
        csv_error(
            1,
            "header",
            "the file is empty, but a header line naming the columns group, x and y_bin is required",
        )
    })?;
    let names: Vec<&str> = header.fields.iter().map(|f| f.text.as_str()).collect();
    let find = |name: &'static str, required: bool| -> Result<Option<usize>> {
        let mut found = names
            .iter()
            .enumerate()
            .filter(|(_, n)| **n == name)
            .map(|(i, _)| i);
        let first = found.next();
        if found.next().is_some() {
            return Err(csv_error(
                header.line,
                name,
                "the header names this column more than once",
            ));
        }
        if first.is_none() && required {
            return Err(csv_error(
                header.line,
                name,
                format!(
                    "the header has no column named {name} (columns group, x and y_bin are required; found: {})",
                    shown(&names.join(", "))
                ),
            ));
        }
        Ok(first)
    };
    // `find(.., true)` only returns Ok(None) when not required; map that impossibility to an error
    // rather than unwrapping.
    let required = |name: &'static str| -> Result<usize> {
        find(name, true)?.ok_or_else(|| csv_error(header.line, name, "the column is missing"))
    };
    let (i_group, i_x, i_ybin) = (required("group")?, required("x")?, required("y_bin")?);
    let i_y = find("y", false)?;

    let rows: Vec<Record> = records.collect();
    if rows.is_empty() {
        return Err(csv_error(
            header.line + 1,
            "(none)",
            "the file has a header but no data rows; at least one row is required",
        ));
    }

    let n_cols = header.fields.len();
    let mut raw_groups: Vec<String> = Vec::with_capacity(rows.len());
    let mut x = Vec::with_capacity(rows.len());
    let mut y = i_y.map(|_| Vec::with_capacity(rows.len()));
    let mut y_bin = Vec::with_capacity(rows.len());
    for row in &rows {
        let line = row.line;
        if row.fields.len() > n_cols {
            return Err(csv_error(
                line,
                (n_cols + 1).to_string(),
                format!(
                    "the row has {} fields but the header names only {n_cols} columns",
                    row.fields.len()
                ),
            ));
        }
        let get = |i: usize, name: &str| -> Result<&Field> {
            row.fields.get(i).ok_or_else(|| {
                csv_error(
                    line,
                    name,
                    format!(
                        "the value is missing (the row has only {} fields)",
                        row.fields.len()
                    ),
                )
            })
        };
        let g = get(i_group, "group")?;
        if g.text.is_empty() {
            return Err(csv_error(line, "group", "the group label is empty"));
        }
        if g.text == "NA" && !g.quoted {
            return Err(csv_error(line, "group", "the group label is NA (missing)"));
        }
        raw_groups.push(g.text.clone());
        x.push(parse_number(get(i_x, "x")?, line, "x")?);
        y_bin.push(parse_binary(get(i_ybin, "y_bin")?, line, "y_bin")?);
        if let (Some(i), Some(y)) = (i_y, y.as_mut()) {
            y.push(parse_number(get(i, "y")?, line, "y")?);
        }
    }

    let (group, group_labels) = factor(&raw_groups);
    Ok(Dataset {
        group,
        group_labels,
        x,
        y,
        y_bin,
    })
}

/// R's `factor()` of labels as `read.csv` would have typed them: integer columns sort numerically.
fn factor(raw: &[String]) -> (Vec<usize>, Vec<String>) {
    let ints: Option<Vec<i64>> = raw.iter().map(|s| s.parse::<i64>().ok()).collect();
    match ints {
        Some(ints) => {
            let levels: Vec<i64> = ints
                .iter()
                .copied()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let group = ints
                .iter()
                .map(|v| levels.partition_point(|l| l < v))
                .collect();
            (group, levels.iter().map(i64::to_string).collect())
        }
        None => {
            let levels: Vec<&String> = raw.iter().collect::<BTreeSet<_>>().into_iter().collect();
            let group = raw
                .iter()
                .map(|v| levels.partition_point(|l| *l < v))
                .collect();
            (group, levels.into_iter().cloned().collect())
        }
    }
}

/// A number as C's `printf("%.17g", v)` (and R's `sprintf("%.17g", v)`) writes it: 17 significant
/// digits, trailing zeros dropped, exponent form below 1e-4 and from 1e17. Non-finite values are
/// written as R writes them (`NaN`, `Inf`, `-Inf`).
pub fn format_g17(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "Inf".to_string()
        } else {
            "-Inf".to_string()
        };
    }
    // Rust's `{:e}` with a precision rounds exactly (round half to even on the exact value), as glibc.
    let sci = format!("{:.16e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if v.is_sign_negative() { "-" } else { "" };
    let strip = |frac: &str| frac.trim_end_matches('0').to_string();
    if (-4..17).contains(&exp) {
        let (int_part, frac) = if exp >= 0 {
            let k = (exp + 1) as usize;
            (digits[..k].to_string(), strip(&digits[k..]))
        } else {
            (
                "0".to_string(),
                strip(&format!("{}{}", "0".repeat((-exp - 1) as usize), digits)),
            )
        };
        if frac.is_empty() {
            format!("{sign}{int_part}")
        } else {
            format!("{sign}{int_part}.{frac}")
        }
    } else {
        let frac = strip(&digits[1..]);
        let dot = if frac.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{}{dot}{frac}e{esign}{:02}", &digits[..1], exp.abs())
    }
}

/// Quotes a label when reading it back would otherwise change it.
fn quote_label(label: &str) -> String {
    let needs = label.is_empty()
        || label == "NA"
        || label.trim() != label
        || label.contains([',', '"', '\n', '\r'])
        || label.starts_with('\u{feff}');
    if needs {
        format!("\"{}\"", label.replace('"', "\"\""))
    } else {
        label.to_string()
    }
}

/// Writes `d` as CSV with the columns `group,y,y_bin,x` (`y` omitted when absent), one row per
/// observation, numbers at 17 significant digits and `y_bin` as 0/1. [`read_csv`] reads it back
/// to the same bits (group levels are re-sorted as R's `factor()` would sort them).
pub fn write_csv(d: &Dataset) -> String {
    let y = d.y.as_deref();
    let mut out = String::from(if y.is_some() {
        "group,y,y_bin,x\n"
    } else {
        "group,y_bin,x\n"
    });
    for i in 0..d.n_obs() {
        let label = d
            .group
            .get(i)
            .and_then(|&g| d.group_labels.get(g))
            .map_or("NA", String::as_str);
        out.push_str(&quote_label(label));
        out.push(',');
        if let Some(y) = y {
            out.push_str(
                &y.get(i)
                    .map_or_else(|| "NA".to_string(), |&v| format_g17(v)),
            );
            out.push(',');
        }
        out.push_str(if d.y_bin.get(i).is_some_and(|&b| b != 0.0) {
            "1"
        } else {
            "0"
        });
        out.push(',');
        out.push_str(&format_g17(d.x[i]));
        out.push('\n');
    }
    out
}

#[cfg(test)]
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;
    use crate::data::simulate::{simulate, SimConfig};

    fn csv_err(text: &str) -> (usize, String, String) {
        match read_csv(text) {
            Err(Error::Csv {
                line,
                column,
                message,
            }) => (line, column, message),
            other => panic!("expected a CSV error for {text:?}, got {other:?}"),
        }
    }

    fn same_bits(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(p, q)| p.to_bits() == q.to_bits())
    }

    #[test]
    fn round_trip_of_simulated_data() {
        let d = simulate(&SimConfig::default()).expect("valid preset");
        let text = write_csv(&d);
        assert!(text.starts_with("group,y,y_bin,x\n1,0.26550866314209998,0,-0.7039181399433212\n"));
        let back = read_csv(&text).expect("own output reads back");
        assert_eq!(back.group, d.group);
        assert_eq!(back.group_labels, d.group_labels);
        assert!(same_bits(&back.x, &d.x));
        assert!(same_bits(
            back.y.as_deref().unwrap_or(&[]),
            d.y.as_deref().unwrap_or(&[1.0])
        ));
        assert_eq!(back.y_bin, d.y_bin);
        assert_eq!(back, d);
    }

    #[test]
    fn round_trip_without_y_and_with_awkward_labels() {
        let d = Dataset {
            group: vec![0, 1, 2, 3, 0],
            group_labels: vec![" a".into(), "NA".into(), "b,\"c\"".into(), "d\ne".into()],
            x: vec![1e-300, -0.0, 5e-324, 1.7976931348623157e308, 0.1],
            y: None,
            y_bin: vec![1.0, 0.0, 1.0, 0.0, 1.0],
        };
        let text = write_csv(&d);
        assert!(text.starts_with("group,y_bin,x\n"));
        let back = read_csv(&text).expect("reads back");
        // Trimming applies to quoted fields too, so " a" comes back as "a".
        assert_eq!(back.group_labels, vec!["NA", "a", "b,\"c\"", "d\ne"]);
        assert_eq!(back.group, vec![1, 0, 2, 3, 1]);
        assert!(same_bits(&back.x, &d.x));
        assert_eq!(back.y, None);
    }

    #[test]
    fn format_matches_c_printf_g17() {
        // R 4.2.2: sprintf("%.17g", c(1e-5, 123456789012345678, 0.1, -0.7039181399433212, 1e22,
        //          5e-324, 1e16, 1e17, 0.0001, 100, -0, 2/3*1e-4, 1.5))
        let cases = [
            (1e-5, "1.0000000000000001e-05"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (0.1, "0.10000000000000001"),
            (-0.7039181399433212, "-0.7039181399433212"),
            (1e22, "1e+22"),
            (5e-324, "4.9406564584124654e-324"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (0.0001, "0.0001"),
            (100.0, "100"),
            (-0.0, "-0"),
            (2.0 / 3.0 * 1e-4, "6.666666666666667e-05"),
            (1.5, "1.5"),
        ];
        for (v, want) in cases {
            assert_eq!(format_g17(v), want, "format_g17({v:e})");
        }
        assert_eq!(format_g17(f64::NAN), "NaN");
        assert_eq!(format_g17(f64::NEG_INFINITY), "-Inf");
    }

    #[test]
    fn columns_in_any_order_extra_columns_crlf_quotes_and_booleans() {
        let text = "\u{feff}id, y_bin ,note,x,group\r\n1,TRUE,\"a, b\",  2.5 ,g1\r\n\r\n2, false ,\"say \"\"hi\"\"\",-1e-3, \"g0\"\r\n3,1,,0,g1\r\n";
        let d = read_csv(text).expect("valid");
        assert_eq!(d.group_labels, vec!["g0", "g1"]);
        assert_eq!(d.group, vec![1, 0, 1]);
        assert_eq!(d.x, vec![2.5, -1e-3, 0.0]);
        assert_eq!(d.y_bin, vec![1.0, 0.0, 1.0]);
        assert_eq!(d.y, None);
    }

    #[test]
    fn factor_orders_integer_labels_numerically() {
        let text = "group,x,y_bin\n10,1,0\n9,2,1\n-1,3,0\n07,4,1\n";
        let d = read_csv(text).expect("valid");
        assert_eq!(d.group_labels, vec!["-1", "7", "9", "10"]);
        assert_eq!(d.group, vec![3, 2, 0, 1]);
        // Not all integers: byte order, as R's factor() in the C locale ("10" before "9").
        let d = read_csv("group,x,y_bin\n10,1,0\n9,2,1\nb,3,0\nB,4,1\n").expect("valid");
        assert_eq!(d.group_labels, vec!["10", "9", "B", "b"]);
        assert_eq!(d.group, vec![0, 1, 3, 2]);
    }

    #[test]
    fn optional_y_column_is_read() {
        let d = read_csv("y,group,x,y_bin\n0.25,1,1,0\n0.75,2,2,1\n").expect("valid");
        assert_eq!(d.y, Some(vec![0.25, 0.75]));
        assert_eq!(d.group_labels, vec!["1", "2"]);
    }

    #[test]
    fn errors_name_their_line_and_column() {
        let (line, column, _) = csv_err("");
        assert_eq!((line, column.as_str()), (1, "header"));
        let (line, column, _) = csv_err("\n  \n");
        assert_eq!((line, column.as_str()), (1, "header"));
        let (line, column, message) = csv_err("group,x\n1,2\n");
        assert_eq!((line, column.as_str()), (1, "y_bin"));
        assert!(message.contains("group, x"), "{message}");
        let (line, column, _) = csv_err("group,x,y_bin,x\n1,2,0,3\n");
        assert_eq!((line, column.as_str()), (1, "x"));
        let (line, column, _) = csv_err("group,x,y_bin\n");
        assert_eq!((line, column.as_str()), (2, "(none)"));
        let (line, column, message) = csv_err("group,x,y_bin\n1,0.5,1\n2,abc,0\n");
        assert_eq!((line, column.as_str()), (3, "x"));
        assert!(message.contains("\"abc\" is not a number"), "{message}");
        let (line, column, _) = csv_err("group,x,y_bin\n1,NaN,1\n");
        assert_eq!((line, column.as_str()), (2, "x"));
        let (line, column, _) = csv_err("group,x,y_bin\n1,Inf,1\n");
        assert_eq!((line, column.as_str()), (2, "x"));
        let (line, column, _) = csv_err("group,x,y_bin\n1,1e400,1\n");
        assert_eq!((line, column.as_str()), (2, "x"));
        let (line, column, _) = csv_err("group,x,y_bin\n1,NA,1\n");
        assert_eq!((line, column.as_str()), (2, "x"));
        let (line, column, _) = csv_err("group,x,y_bin\n1,2,\n");
        assert_eq!((line, column.as_str()), (2, "y_bin"));
        let (line, column, message) = csv_err("group,x,y_bin\n1,2,0\n\n1,2,2\n");
        assert_eq!((line, column.as_str()), (4, "y_bin"));
        assert!(
            message.contains("\"2\" is not a binary outcome"),
            "{message}"
        );
        let (line, column, _) = csv_err("group,x,y_bin\nNA,2,1\n");
        assert_eq!((line, column.as_str()), (2, "group"));
        let (line, column, _) = csv_err("group,x,y_bin\n ,2,1\n");
        assert_eq!((line, column.as_str()), (2, "group"));
        let (line, column, _) = csv_err("group,x,y_bin\r\n1,2\r\n");
        assert_eq!((line, column.as_str()), (2, "y_bin"));
        let (line, column, _) = csv_err("group,x,y_bin\n1,2,1,4\n");
        assert_eq!((line, column.as_str()), (2, "4"));
        let (line, column, _) = csv_err("y,group,x,y_bin\nInf,1,2,1\n");
        assert_eq!((line, column.as_str()), (2, "y"));
        // A quote left open on line 3 (the multi-line field is reported where it starts).
        let (line, column, _) = csv_err("group,x,y_bin\n1,2,1\n\"a\n,2,1\n");
        assert_eq!((line, column.as_str()), (3, "1"));
        let (line, column, _) = csv_err("group,x,y_bin\n\"a\"b,2,1\n");
        assert_eq!((line, column.as_str()), (2, "1"));
        // A multi-line quoted label shifts the line numbers of later rows correctly.
        let (line, column, _) = csv_err("group,x,y_bin\n\"a\nb\",2,1\nc,oops,1\n");
        assert_eq!((line, column.as_str()), (4, "x"));
    }

    #[test]
    fn quoted_user_text_stays_on_one_line_and_is_cut() {
        let msg = read_csv("group,x,y_bin\n1,\"1\n2\",0\n").unwrap_err().to_string();
        assert_eq!(msg, "CSV line 2, column x: \"1\\n2\" is not a number.");
        let msg = read_csv("\u{e}\r\u{e}").unwrap_err().to_string();
        assert!(!msg.contains(['\r', '\u{e}']), "{msg:?}");
        let long = "a".repeat(100);
        let msg = read_csv(&format!("group,x,y_bin\n1,{long},0\n")).unwrap_err().to_string();
        assert!(msg.contains(&format!("\"{}…\"", "a".repeat(SHOWN_CHARS))), "{msg}");
    }

    #[test]
    fn error_messages_read_as_one_sentence() {
        let msg = read_csv("group,x,y_bin\n1,abc,0\n")
            .unwrap_err()
            .to_string();
        assert_eq!(msg, "CSV line 2, column x: \"abc\" is not a number.");
    }
}
