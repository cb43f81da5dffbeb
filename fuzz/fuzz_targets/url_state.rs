//! `parse_hash` on arbitrary input: never a panic, always valid parameters, notices are plain sentences.
#![no_main]

use glmm_demo::url_state::parse_hash;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let hash = String::from_utf8_lossy(bytes);
    let s = parse_hash(&hash);
    assert!(s.params.validate().is_ok(), "invalid params {:?}", s.params);
    for n in &s.notices {
        assert!(n.ends_with('.') && !n.chars().any(char::is_control), "notice {n:?}");
    }
});
