//! The Gaussian family on the general grouped design (`crate::data::grouped_design::GroupedDesign`):
//! `lm(y ~ fixed terms)`, `lm(y ~ fixed terms + group)` and `lmer(y ~ fixed terms + (1 | group))` by REML
//! and ML, for any number of fixed-effect columns.
//!
//! The lesson's one-covariate versions (`models::lm`, `models::lmm`) keep their closed forms in x; these
//! files generalise them to p columns with small dense matrices, and share lmm.rs's profiled criterion and
//! its θ search (`lmm::profiled_criterion`, `lmm::minimise_over_theta`).
//!
//! Layout, bottom-up: `columns` (the design as dense columns, aliased-column check), `least_squares`
//! (lm, lm + group), `lmer` (the profiled REML/ML criterion, its minimum, the BLUPs).

pub mod columns;
pub mod least_squares;
pub mod lmer;

pub use least_squares::{lm, lm_group, LinearFit};
pub use lmer::{lmer, LmerFit};
