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
    // Figures' claims (crate::surfaces::FigureInfo::claims). Each carries the value the sentence prints and
    // its `decimals`; `crate::surfaces::claims_check::check` recomputes it from the data and the report,
    // without the code that drew or described the figure.
    /// The GLMM's population-averaged curve ∫ logistic(α + βx + b) N(b; 0, σ²) db is flatter than the
    /// b = 0 curve logistic(α + βx): its steepest slope `averaged` is below the b = 0 curve's |β|/4,
    /// `zero` (both printed with `decimals`).
    PopulationAverageFlatter { at: AtParams, averaged: f64, zero: f64, decimals: usize },
    /// The mode of group `group`'s posterior, f_g(z) = Σ_{i∈g} log p(y_i | α + βx_i + z) + log N(z; 0, σ²),
    /// at `at` is `value`.
    PosteriorMode { group: usize, at: AtParams, value: f64, decimals: usize },
    /// The mean of group `group`'s posterior ∝ e^{f_g(z)} at `at` is `value`.
    PosteriorMean { group: usize, at: AtParams, value: f64, decimals: usize },
    /// The sum over `groups` (empty: all groups) of the posterior modes or means at `at` is `value`.
    Sum { summed: Summed, groups: Vec<usize>, at: AtParams, value: f64, decimals: usize },
    /// On the line z_a = −z_b, the highest value of f_a + f_b at `at` is `gap` below its maximum (gap ≥ 0).
    ZeroSumLineGap { groups: (usize, usize), at: AtParams, gap: f64, decimals: usize },
    /// `shifted` − `fitted` is the mean of all G conditional modes of the report's glmer (nAGQ as fitted),
    /// and `fitted` its α.
    AlphaShiftedByMeanMode { fitted: f64, shifted: f64, decimals: usize },
    /// The exact marginal log-likelihood Σ_g log ∫ e^{f_g(z)} dz at `at` is `value`.
    ExactLogLik { at: AtParams, value: f64, decimals: usize },
    /// The highest value of the joint density of all G random effects, max_z Σ_g f_g(z_g), is `gain`
    /// higher at α = `to` than at α = `from` (the same β, σ).
    JointPeakGain { from: AtParams, to: AtParams, gain: f64, decimals: usize },
    /// Along u (every random effect z_g(u) = ẑ_g − z̄ + u/G, ẑ the report's glmer modes), the
    /// random-effects part R(u) = Σ_g log N(z_g(u); 0, σ²) at u = Σẑ is `ratio` of its maximum (as exp(R − max R)).
    RandomPartRatio { sigma: f64, ratio: f64, decimals: usize },
    /// Along u as above, the whole integrand T(u; α) = R(u) + Σ_i log p(y_i | α + βx_i + z_{g(i)}(u)) (β, σ
    /// the report's glmer) peaks at u = `at_u`.
    LinePeak { alpha: f64, at_u: f64, decimals: usize },
    /// Along u, the peak of T(·; `to`) is `gain` higher than the peak of T(·; `from`).
    LinePeakGain { from: f64, to: f64, gain: f64, decimals: usize },
    /// Along u, T(peak + h; α) − T(peak − h; α) = `difference` (its sign says which side falls off slower).
    LineSkew { alpha: f64, h: f64, difference: f64, decimals: usize },
}

/// Parameters (α, β, σ) at which a figure's claim about the random effects' posterior is made.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AtParams {
    pub alpha: f64,
    pub beta: f64,
    pub sigma: f64,
}
