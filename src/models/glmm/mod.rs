//! The general random-intercept GLMM, `response ~ fixed terms + (1 | group)`, family and link as
//! parameters, in layers read bottom-up (each file uses only the ones above it in this list):
//! - [`family`]: per row, the log density, its η-derivatives and lme4's working weight (one type per
//!   family and link, compiled per type);
//! - [`jet`], [`taylor`], [`derivatives`]: second-order jets in f64; group sums as jets or dual numbers;
//!   exact gradients and Hessians;
//! - [`kernel`]: offsets x'β, each group's penalised deviance φ_g(u) and conditional mode û_g;
//! - [`objective`]: lme4's Laplace / adaptive Gauss–Hermite −2 log L;
//! - [`exact`]: the exact marginal likelihood, conditional means E[b_g | y];
//! - [`glm`], [`starts`]: the pooled GLM by IRLS and the starting values;
//! - [`glm_group`]: the per-group GLM (group as fixed effects; separated groups and aliased columns dropped);
//! - [`fit`]: the drivers (glmer with nAGQ = K, the exact maximum) and the result;
//! - [`joint_mode`]: the answer's opt1, the local maximum of the joint density of (y, b) over (β, σ_b, b).

#[cfg(test)]
pub mod derivatives;
pub mod family;
pub mod jet;
pub mod kernel;
pub mod objective;
pub mod taylor;
pub mod exact;
pub mod fit;
pub mod joint_mode;
pub mod glm;
pub mod glm_group;
pub mod starts;

pub use fit::{glm_group_for, glm_pooled_for, glmer, marginal_exact, FamilyLink, GlmmResult};
pub use joint_mode::{joint_mode, JointModeResult};
