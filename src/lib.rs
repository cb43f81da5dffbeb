//! glmm-demo: why a random intercept changes a logistic model differently from a linear one.
//!
//! The crate flows one way:
//! [`data`] (R-identical RNG, presets, CSV) → [`models`] (lm, lmm, glm, glmm, quadrature, optimisation)
//! → [`surfaces`] (likelihood grids, decomposition curves, fitted curves) → [`figures`] (plotters drawing
//! for any backend) → [`session`] (the page's state between calls) and [`own_data`] (a user's CSV
//! fitted) → [`bindings`] (the only `#[wasm_bindgen]` file: converts and calls) and the `glmm-demo` CLI
//! ([`cli`]).
//!
//! `tests/layers.rs` checks that order, and the layers of [`models`], from the source.

// No panics across the boundary (issue 6): the core reports errors as sentences, never by unwinding.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod error;
pub mod data;
pub mod models;
pub mod surfaces;
pub mod figures;
pub mod report;
pub mod claims;
pub mod explain;
pub mod tour;
pub mod glossary;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod params;
pub mod r_code;
pub mod url_state;
pub mod canvas;
pub mod session;
pub mod own_data;
pub mod bindings;
#[cfg(not(target_arch = "wasm32"))]
pub mod bench;

pub use error::{Error, Result};
