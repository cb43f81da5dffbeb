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
}

/// Statements of the summary, the tour and the table "Why the fixed effects move" (src/tour/); checked
/// by [`crate::tour::check::holds`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TourClaim {
    /// A plain [`Claim`].
    Sum(Claim),
    /// Σ modes and Σ means of a glmer fit, printed with `decimals` decimals, are the same text (`equal`) or not.
    SumsCompare { model: ModelKey, decimals: usize, equal: bool },
    /// The text calls this sum "almost 0": its size is below `bound`.
    SumIsBelow { model: ModelKey, summed: Summed, bound: f64 },
    /// The text says the fit is singular (σ_b = 0) or not.
    Singular { model: ModelKey, singular: bool },
    /// The slopes of x of two models, printed with `decimals` decimals, are the same text (`equal`) or not.
    SlopesCompare { a: ModelKey, b: ModelKey, decimals: usize, equal: bool },
    /// slope(a)/slope(b) lies in [min, max] ("steeper": above 1; "within 5%": 0.95 to 1.05).
    SlopeRatio { a: ModelKey, b: ModelKey, min: f64, max: f64 },
    /// Group `group` (0-based) has |conditional mode − conditional mean| ≥ `gap`: a skewed posterior.
    ModeMeanApart { model: ModelKey, group: usize, gap: f64 },
    /// The model could not be fitted (its outcome is an error sentence).
    NotFitted { model: ModelKey },
    /// The exact population-averaged slope of this glmer fit is smaller in size than β and within
    /// `relative` of β/√(1 + c²σ_b²).
    PaApproximation { model: ModelKey, relative: f64 },
}
