//! Replays the committed fuzzing corpora (`fuzz/corpus/csv/`, `fuzz/corpus/url_state/`) on every
//! `cargo test`, so the inputs the fuzzers found interesting (and any crash they found, once fixed) stay
//! covered without a nightly toolchain.
//!
//! Every file of both corpora goes through both readers of user input:
//! - `read_csv` never panics; an error is the `Csv` variant naming a line of the file and a column, shown
//!   as one line ending in a full stop; what it accepts is finite and survives `write_csv` → `read_csv`;
//! - `parse_hash` never panics, always yields valid parameters, and its notices are plain sentences
//!   (tests/url_state.rs checks the url_state corpus in detail).
//!
//! The named CSV files also pin what the user sees (the parsed size, or the line and column of the error).
#![cfg(not(target_arch = "wasm32"))]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use glmm_demo::data::csv::{read_csv, write_csv};
use glmm_demo::data::Dataset;
use glmm_demo::url_state::parse_hash;
use glmm_demo::Error;

fn corpus(name: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join("corpus").join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn stem(p: &Path) -> String {
    p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string()
}

/// The invariants of `read_csv` on any text; `Err` with what is wrong.
fn check_read_csv(text: &str) -> Result<std::result::Result<Dataset, (usize, String)>, String> {
    match read_csv(text) {
        Err(Error::Csv { line, column, message }) => {
            let lines = text.split('\n').count();
            if line == 0 || line > lines + 1 {
                return Err(format!("line {line} named in a text of {lines} lines"));
            }
            if column.is_empty() || message.is_empty() {
                return Err(format!("no column or message: line {line}, column {column:?}, message {message:?}"));
            }
            let shown = Error::Csv { line, column: column.clone(), message }.to_string();
            if !shown.starts_with(&format!("CSV line {line}, column ")) || !shown.ends_with('.') || shown.contains(['\n', '\r']) {
                return Err(format!("not one line naming the line: {shown:?}"));
            }
            Ok(Err((line, column)))
        }
        Err(other) => Err(format!("not a CSV error: {other:?}")),
        Ok(d) => {
            if d.n_obs() == 0 || !d.x.iter().all(|v| v.is_finite()) || d.group.iter().any(|&g| g >= d.n_groups()) {
                return Err(format!("an inconsistent data set: {d:?}"));
            }
            match read_csv(&write_csv(&d)) {
                Ok(again) if again == d => Ok(Ok(d)),
                other => Err(format!("write_csv → read_csv gives {other:?}, not {d:?}")),
            }
        }
    }
}

fn check_parse_hash(text: &str) -> Result<(), String> {
    let s = parse_hash(text);
    s.params.validate().map_err(|e| format!("invalid params: {e}"))?;
    for n in &s.notices {
        if n.trim().is_empty() || !n.ends_with('.') || n.chars().any(char::is_control) {
            return Err(format!("notice {n:?}"));
        }
    }
    Ok(())
}

/// What the user sees for the named CSV files: rows and groups read, or the line and column of the error.
fn expected(name: &str) -> Option<std::result::Result<(usize, usize), (usize, &'static str)>> {
    Some(match name {
        "valid_answer_head" => Ok((5, 2)),
        "valid_no_y" | "crlf" => Ok((4, 2)),
        "columns_reordered_extra" => Ok((3, 2)),
        "bom" | "bom_crlf_no_final_newline" | "quoted_na_label" => Ok((2, 2)),
        "blank_lines" | "lone_cr" => return None,
        "tiny_numbers" => Ok((3, 2)),
        "weird_labels" => Ok((6, 6)),
        "integer_labels" => Ok((5, 5)),
        "boolean_outcomes" => Ok((6, 3)),
        "tabs_and_spaces" => Ok((1, 1)),
        "constant_x" => Ok((4, 2)),
        "one_group" => Ok((3, 1)),
        "empty" => Err((1, "header")),
        "only_header" | "only_header_no_newline" => Err((2, "(none)")),
        "missing_column" => Err((1, "y_bin")),
        "missing_value" => Err((3, "y_bin")),
        "extra_field" => Err((2, "4")),
        "nan" | "inf" | "na_value" | "hex_and_underscores" => Err((2, "x")),
        "huge_numbers" => Err((4, "x")),
        "duplicate_columns" => Err((1, "x")),
        "bad_binary" => Err((3, "y_bin")),
        "unclosed_quote" => Err((3, "1")),
        "junk_after_quote" => Err((2, "1")),
        "multiline_quoted_label" => Err((4, "x")),
        "empty_group_label" => Err((2, "group")),
        "control_chars" => Err((3, "x")),
        "quoted_fields" => Err((4, "group")),
        "header_only_commas" => Err((1, "group")),
        "invalid_utf8" => Err((3, "y_bin")),
        _ => return None, // files added by fuzzing runs: the invariants only
    })
}

#[test]
fn csv_corpus_replays_through_read_csv() {
    let files = corpus("csv");
    assert!(files.len() >= 30, "{} files in fuzz/corpus/csv", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = stem(path);
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = String::from_utf8_lossy(&bytes);
        let got = match catch_unwind(AssertUnwindSafe(|| check_read_csv(&text))) {
            Err(_) => {
                failures.push(format!("{name}: read_csv panicked"));
                continue;
            }
            Ok(Err(why)) => {
                failures.push(format!("{name}: {why}"));
                continue;
            }
            Ok(Ok(got)) => got,
        };
        let seen = got.as_ref().map(|d| (d.n_obs(), d.n_groups())).map_err(|(l, c)| (*l, c.as_str()));
        if let Some(want) = expected(&name) {
            if seen != want {
                failures.push(format!("{name}: expected {want:?}, read_csv gives {seen:?} ({:?})", read_csv(&text).err().map(|e| e.to_string())));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_file_replays_through_parse_hash() {
    let mut failures = Vec::new();
    let mut n = 0;
    for dir in ["url_state", "csv"] {
        for path in corpus(dir) {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let text = String::from_utf8_lossy(&bytes);
            match catch_unwind(AssertUnwindSafe(|| check_parse_hash(&text))) {
                Err(_) => failures.push(format!("{dir}/{}: parse_hash panicked", stem(&path))),
                Ok(Err(why)) => failures.push(format!("{dir}/{}: {why}", stem(&path))),
                Ok(Ok(())) => n += 1,
            }
        }
    }
    assert!(n >= 50, "only {n} corpus files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn url_state_corpus_replays_through_read_csv() {
    let mut failures = Vec::new();
    for path in corpus("url_state") {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = String::from_utf8_lossy(&bytes);
        match catch_unwind(AssertUnwindSafe(|| check_read_csv(&text))) {
            Err(_) => failures.push(format!("url_state/{}: read_csv panicked", stem(&path))),
            Ok(Err(why)) => failures.push(format!("url_state/{}: {why}", stem(&path))),
            Ok(Ok(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
