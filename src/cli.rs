//! The `glmm-demo` command line.
pub fn main() -> i32 { 0 }
