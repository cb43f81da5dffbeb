//! The lesson's logistic mixed model `glmer(y_bin ~ x + (1|group), binomial)`: its kernel, lme4's objective,
//! the exact marginal likelihood, the verdict on σ_b and the fits on top, in layers.
//!
//! Read bottom-up: each file imports only files listed before it (`tests/layers.rs` checks this order).
//!
//! | layer | files | what |
//! |---|---|---|
//! | kernel | [`kernel`], [`pirls`], [`probit_limit`] | groups, φ_g and conditional modes; the penalised fit at fixed σ and lme4's first-stage start; the likelihood as σ_b → ∞ |
//! | likelihoods | [`objective`], [`exact`] | lme4's Laplace/AGQ objective and its minimum; the exact marginal likelihood and its maximum |
//! | verdict | [`sigma_bound`] | whether σ_b has a finite estimate |
//! | fits | [`glmer`], [`marginal_exact`], [`joint_mode`], [`joint_mode_check`] | the models as the lesson reports them |
//! | notes, starts | [`means_sum`], [`starts`] | why a row's means need not sum to zero; one chain of starts for `fit_all` and the benchmarks |

pub mod kernel;
pub mod pirls;
pub mod probit_limit;
pub mod objective;
pub mod exact;
pub mod sigma_bound;
pub mod glmer;
pub mod marginal_exact;
pub mod joint_mode;
pub mod joint_mode_check;
pub mod means_sum;
pub mod starts;
