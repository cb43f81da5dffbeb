//! Claims: every data-dependent statement the page's text makes, in a form a test can check.
//!
//! The code that writes a sentence (the explanation, the key-number cards, the table's notes, the figure
//! captions) also records here what that sentence asserts. `tests/claims.rs` recomputes each claim
//! independently from the fit over thousands of configurations, so a sentence that is false for some
//! input fails a test. A sentence that asserts nothing about the data needs no claim.

use serde::{Deserialize, Serialize};

/// Which model of the report a claim is about (the keys of [`crate::report::FitReport`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKey {
    LmPooled,
    LmGroup,
    Lmm,
    GlmPooled,
    GlmGroup,
    GlmmLaplace,
    GlmmAgq,
    JointMode,
    MarginalExact,
}

/// A per-group quantity whose sum the text talks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Summed {
    /// Conditional modes (`ranef()`), or the joint mode's z.
    Modes,
    /// Conditional means E[b_g | y].
    Means,
}

/// One checkable statement. Add variants as sentences need them; each must be checkable from the fit
/// (and, where said, the data) without the code that wrote the sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Claim {
    /// The text calls this sum zero: printed with `decimals` decimals, it must read as zero.
    SumIsZero { model: ModelKey, summed: Summed, decimals: usize },
    /// The text calls this sum not zero: printed with `decimals` decimals, it must not read as zero.
    SumIsNotZero { model: ModelKey, summed: Summed, decimals: usize },
    // Figures 7 and 8 (each group's posterior, the α profile).
    /// The text gives group `group`'s (0-based) conditional mode (`glmm_agq.ranef`) and conditional mean
    /// (`glmm_agq.cond_means`) as these numbers printed with `decimals` decimals.
    GroupModeAndMean { group: usize, mode: f64, mean: f64, decimals: usize },
    /// The text says group `group`'s conditional mean lies above (`Some(true)`), below (`Some(false)`) or,
    /// printed with `decimals` decimals, on (`None`) its conditional mode.
    MeanVsMode { group: usize, above: Option<bool>, decimals: usize },
    /// The text says every outcome of group `group` equals `value` (0 or 1).
    AllOutcomesEqual { group: usize, value: f64 },
    /// The text says that, with β and σ_b held at glmm_agq's fit, α = `alpha` maximises the log marginal
    /// likelihood (`summed` = Means: there the conditional means sum to zero) or the height of the joint
    /// peak (`summed` = Modes: there the conditional modes sum to zero).
    ProfileMaximum { summed: Summed, alpha: f64 },
}

