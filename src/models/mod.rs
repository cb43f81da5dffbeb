//! Models of the lesson, one file per family, each defined as the R call it mirrors.

pub mod design;
pub mod family;
pub mod glm;
pub mod glmm;
pub mod lm;
pub mod lmm;
pub mod optimize;
pub mod quadrature;
pub mod lesson;

pub use lesson::{fit_all, FitOptions};
