//! `read_csv` on arbitrary input: never a panic; an error is one line naming a line of the text; what it
//! accepts is finite and writes back (`write_csv`) to text that reads as the same data.
#![no_main]

use glmm_demo::data::csv::{read_csv, write_csv};
use glmm_demo::Error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    // Valid UTF-8 is taken as it is; anything else as the page and the CLI would see it, lossily.
    let text = String::from_utf8_lossy(bytes);
    match read_csv(&text) {
        Err(Error::Csv { line, column, .. }) => {
            assert!(line >= 1 && line <= text.split('\n').count() + 1, "line {line}");
            assert!(!column.is_empty());
        }
        Err(other) => panic!("read_csv returned a non-CSV error: {other:?}"),
        Ok(d) => {
            assert!(d.n_obs() >= 1 && d.x.iter().all(|v| v.is_finite()));
            let again = read_csv(&write_csv(&d)).expect("write_csv output reads back");
            assert_eq!(again, d, "write_csv → read_csv changed the data");
        }
    }
    if let Err(e) = read_csv(&text) {
        let s = e.to_string();
        assert!(s.ends_with('.') && !s.contains(['\n', '\r']), "not one line: {s:?}");
    }
});
