//! Shared by the integration tests: `mod common;` at the top of a test file.

pub mod tolerances;
