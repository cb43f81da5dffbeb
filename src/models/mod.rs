//! Models of the lesson, one file per family, each defined as the R call it mirrors.

pub mod design;
pub mod family;
pub mod glm;
pub mod gaussian;
pub mod glmer;
pub mod glmm;
pub mod logistic;
pub mod joint_mode;
pub mod joint_mode_check;
pub mod lesson;
pub mod lm;
pub mod lmm;
pub mod marginal;
pub mod means_sum;
pub mod normal;
pub mod optimize;
pub mod pirls;
pub mod probit_limit;
pub mod quadrature;
pub mod sigma_bound;
pub mod singular;

pub use lesson::{fit_all, FitOptions};
