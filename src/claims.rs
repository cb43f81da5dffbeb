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
    /// `shifted` − `at.alpha` is the mean of all G conditional modes at `at` (figure 4 drawn from figure 8's
    /// handle α instead of glmer's).
    AlphaShiftedByMeanModeAt { at: AtParams, shifted: f64, decimals: usize },
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
    /// The joint mode's note calls its point an interior local maximum of the joint density at this σ
    /// (the answer's opt1 stops there): the gradient of J in (α, β, σ, z) is zero and its Hessian is negative
    /// definite, with σ above the answer's lower bound 0.01 (checked by
    /// `models::logistic::joint_mode_check::check_joint_mode_claim`).
    JointModeInterior { sigma: f64 },
    /// The joint mode's note says the search ends on the answer's lower bound σ = `sigma_floor` (0.01): there
    /// J is at a maximum in (α, β, z) and still rises as σ falls (dJ/dσ < 0 points into the bound).
    JointModeAtBound { sigma_floor: f64 },
    // Figures 7 and 8 (each group's posterior, the α profile).
    /// The text gives group `group`'s (0-based) conditional mode (`glmm_agq.ranef`) and conditional mean
    /// (`glmm_agq.cond_means`) as these numbers printed with `decimals` decimals.
    GroupModeAndMean { group: usize, mode: f64, mean: f64, decimals: usize },
    /// Your data's explanation: at `model`'s estimates group `group`'s (0-based) conditional mode is `mode` and its
    /// conditional mean `mean`, two different numbers when printed with `decimals` decimals (its posterior is
    /// skewed: the peak is not the centre).
    ModeIsNotMean { model: ModelKey, group: usize, mode: f64, mean: f64, decimals: usize },
    /// The text says group `group`'s conditional mean lies above (`Some(true)`), below (`Some(false)`) or,
    /// printed with `decimals` decimals, on (`None`) its conditional mode.
    MeanVsMode { group: usize, above: Option<bool>, decimals: usize },
    /// The text says every outcome of group `group` equals `value` (0 or 1).
    AllOutcomesEqual { group: usize, value: f64 },
    /// The text says that, with β and σ_b held at glmm_agq's fit, α = `alpha` maximises the log marginal
    /// likelihood (`summed` = Means: there the conditional means sum to zero) or the height of the joint
    /// peak (`summed` = Modes: there the conditional modes sum to zero).
    ProfileMaximum { summed: Summed, alpha: f64 },
    // Your data's fitted-curves figure (src/surfaces/own_curve_descriptions.rs), checked by
    // `own_data::curve_claims` from the design.
    /// The curves hold column `column` of X at `value`, its mean over the rows fitted, printed with `decimals`.
    HeldAtMean { column: usize, value: f64, decimals: usize },
    /// The figure shows `shown` of the `total` rows fitted (the thinning rule of `surfaces::points`).
    PointsShown { shown: usize, total: usize },
    /// With a log link, the population average ∫ e^{η + b} N(b; 0, σ_b²) db is `factor` = e^{σ_b²/2} times
    /// the b = 0 curve e^η, printed with `decimals`.
    LogLinkAverageFactor { sigma_b: f64, factor: f64, decimals: usize },
    // Your data's figures (src/surfaces/own_descriptions.rs), about the page's glmer fit of the user's data;
    // checked by `own_data::figure_claims` from the design and that fit. GroupModeAndMean and MeanVsMode
    // above are used there too, about that fit.
    /// The text says groups `groups` (0-based) have the two widest gaps |E[b_g | y] − b̂_g| of all groups.
    WidestModeMeanGaps { groups: (usize, usize) },
    /// The sum of the pair's posterior modes or means is `value` printed with `decimals` decimals.
    PairSum { summed: Summed, groups: (usize, usize), value: f64, decimals: usize },
    /// On the line b_a = −b_b, the highest value of log p(b_a | y) + log p(b_b | y) is `gap` below its
    /// maximum (gap ≥ 0), printed with `decimals` decimals.
    PairZeroSumLineGap { groups: (usize, usize), gap: f64, decimals: usize },
    // Your data's figures 4–6 (src/surfaces/own_shift_descriptions.rs), about the page's glmer of the user's data
    // with its other fixed effects and σ_b held; checked by `own_data::figure_claims`. RandomPartRatio, LinePeak,
    // LinePeakGain and LineSkew above are used there too, with `alpha` the intercept (0 when the design has
    // none: the constant added to every prediction x'β̂) and the family's own log density.
    /// The page's glmer has intercept `fitted`, and `shifted` − `fitted` is the mean of its G conditional modes.
    InterceptShiftedByMeanMode { fitted: f64, shifted: f64, decimals: usize },
    /// At intercept `intercept` the conditional modes of all G groups sum to `value`.
    ModeSumAtIntercept { intercept: f64, value: f64, decimals: usize },
    /// At intercept `intercept` groups `groups`' conditional modes are `modes`, summing to `sum`.
    PairModesAtIntercept { groups: (usize, usize), intercept: f64, modes: [f64; 2], sum: f64, decimals: usize },
    /// max_b Σ_g f_g(b_g) over all G random effects is `gain` higher at intercept `to` than at `from`.
    JointPeakGainAtIntercept { from: f64, to: f64, gain: f64, decimals: usize },
    /// The exact marginal log-likelihood Σ_g log ∫ e^{f_g(b)} db at intercept `intercept` is `value`.
    ExactLogLikAtIntercept { intercept: f64, value: f64, decimals: usize },
    // The replications figure ("Is it this seed?", src/figures/replications.rs).
    /// The caption counts glmer's fits with `nagq` nodes on seeds `first_seed..=last_seed` of the page's other
    /// settings (`seeds` of them with a record): `fitted` with σ_b > 0, `singular` with σ_b = 0 and
    /// `not_fitted`; of the `fitted`, `means_within` have |Σ means| ≤ `tolerance`, and Σ modes printed with
    /// `decimals` decimals is below 0 on `modes_below`, 0 on `modes_zero` and above 0 on `modes_above`.
    /// Checkable by refitting each seed with `fit_all` (`models::replications::check_counts`).
    ReplicationCounts {
        first_seed: i32,
        last_seed: i32,
        nagq: usize,
        seeds: usize,
        fitted: usize,
        singular: usize,
        not_fitted: usize,
        tolerance: f64,
        means_within: usize,
        decimals: usize,
        modes_below: usize,
        modes_zero: usize,
        modes_above: usize,
    },
    // Figure 9 (shrinkage) and the ICC card.
    /// Group `group`'s intercepts at x = 0, printed with `decimals` decimals: its own in
    /// `glm(y_bin ~ x + factor(group), binomial)` (`no_pooling`; None: it has none, its outcomes being all
    /// equal, and the others' are from the fit without such groups), glmm_agq's α̂ + b̂_g (`mode`) and
    /// α̂ + E[b_g | y] (`mean`).
    ShrinkageIntercepts { group: usize, no_pooling: Option<f64>, mode: f64, mean: f64, decimals: usize },
    /// There is at least one group whose outcomes are not all equal, and within every such group x separates
    /// them the same way: every 1 lies at an x at least as large as every 0's (`ones_above`), or at most as
    /// large. So the no-pooling glm's slope runs off to ±∞ ([`crate::models::no_pooling`]).
    SlopeSeparatesWithinGroups { ones_above: bool },
    /// There is at least one group whose outcomes are not all equal, and x is constant within every such
    /// group: the no-pooling glm's slope is not identified.
    XConstantWithinGroups,
    /// The intercept of `glm(y_bin ~ x, binomial)` is `value`, printed with `decimals` decimals.
    PooledIntercept { value: f64, decimals: usize },
    /// Group `group`'s conditional mode α̂ + b̂_g lies closer to glmm_agq's α̂ than its own no-pooling
    /// intercept (`closer`), or not.
    ModeCloserToAlpha { group: usize, closer: bool },
    /// The latent-scale ICC of `model`, σ_b² / (σ_b² + π²/3) for the logit link, printed with `decimals`
    /// decimals, is `value`.
    LatentIcc { model: ModelKey, value: f64, decimals: usize },
}

/// Parameters (α, β, σ) at which a figure's claim about the random effects' posterior is made.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AtParams {
    pub alpha: f64,
    pub beta: f64,
    pub sigma: f64,
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

