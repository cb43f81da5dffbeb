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
    /// The text says whether this fit is singular: σ_b below lme4's `isSingular` tolerance (1e-4 on the θ scale).
    Singular { model: ModelKey, singular: bool },
    /// The text relays that this model has no finite estimate: the likelihood keeps rising as σ_b (or the slope)
    /// grows without bound.
    NoFiniteEstimate { model: ModelKey },
    /// The text says where the joint-mode search stopped: on the answer's lower bound σ_b = 0.01 (`on_bound`), or
    /// at an interior local mode, where dJ/dσ_b = 0, i.e. σ_b² = Σ_g b_g² / G.
    JointModeOnBound { on_bound: bool },
    /// The text says `model`'s slope is (`closer`) or is not closer to zero than `than`'s.
    SlopeCloserToZero { model: ModelKey, than: ModelKey, closer: bool },
    /// The text says the two models' slopes differ (`differ`) or agree when printed with `decimals` decimals.
    SlopesDiffer { a: ModelKey, b: ModelKey, decimals: usize, differ: bool },
    /// A glmer row's note: its conditional means do not sum to zero (printed with `decimals` decimals they do
    /// not read as zero) because its quadrature with `nodes` nodes per group is not exact for these data. At
    /// this fit's parameters its logLik minus the exact log-likelihood is `quadrature_error`, and the exact
    /// log-likelihood minus the exact marginal's maximum is `gap` (None when the exact marginal has no fit).
    /// Checkable by computing the exact log-likelihood at the fit's parameters independently. With
    /// |quadrature_error| below 1e-9 the note instead says the quadrature is exact there and the search's
    /// tolerance, magnified by σ_b², is what is left.
    MeansSumNotZeroBecauseInexact {
        model: ModelKey,
        nodes: usize,
        decimals: usize,
        quadrature_error: f64,
        gap: Option<f64>,
        /// When the note says that more nodes do not help with these data: a node count and its error at the
        /// same parameters (a larger count with a larger |error|, or a smaller one with a smaller |error|).
        other_nodes: Option<(usize, f64)>,
    },
}
