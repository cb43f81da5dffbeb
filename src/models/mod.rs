//! Models of the lesson, one file per family, each defined as the R call it mirrors.

pub mod design;
pub mod design_fit;
pub mod family;
pub mod glm;
pub mod gaussian;
pub mod glmm;
pub mod icc;
pub mod logistic;
pub mod lesson;
pub mod lm;
pub mod lmm;
pub mod no_pooling;
pub mod normal;
pub mod notation;
pub mod optimize;
pub mod quadrature;
pub mod replications;
pub mod singular;

pub use lesson::{fit_all, fit_all_grouped, FitOptions};
