//! Whether σ_b has a finite maximum-likelihood estimate, decided on the exact marginal likelihood.
//!
//! The marginal likelihood L(α, β, σ) is continuous, and unless x separates the pooled outcomes it tends to 0
//! when α or β grows with σ bounded. So its supremum is attained at some finite σ ≥ 0, or approached as
//! σ → ∞, where along the rays (α, β, σ) = σ(a, c, 1) it tends to the probit limit (`probit_limit`):
//!   ℓ_∞ = sup_{a,c} Σ_g log P_g(a, c).
//! The rule compares ℓ_∞ with the best finite fits:
//! - x separating the pooled outcomes: no finite estimate (the slope diverges, whatever σ);
//! - ℓ_∞ = −∞ (a group with both outcomes that x does not separate): finite;
//! - ℓ_∞ ≤ ℓ_0, the pooled glm's log-likelihood (σ = 0 is inside the model): finite, possibly the singular
//!   fit σ_b = 0 (50 groups of one row with seed 3: ℓ_0 = −29.028325 > ℓ_∞ = −29.045977);
//! - the likelihood along the best ray σ·(a, c, 1) above ℓ_∞ at some σ: finite (it must come back down to
//!   ℓ_∞). This happens where x separates a group's outcomes through a narrow gap, whose two edges overlap
//!   until σ times the gap is large (the page's largest coefficients: −12.849 at σ = 300 > ℓ_∞ = −12.939);
//! - otherwise the exact likelihood is searched from the usual start while σ ≤ [`SIGMA_FAR`]: a maximum there
//!   with ℓ ≥ ℓ_∞, or a search that leaves that range at a point already above ℓ_∞, is finite; a maximum
//!   below ℓ_∞, or a search that climbs past [`SIGMA_FAR`] still below ℓ_∞, means σ_b has no finite
//!   estimate (seed 1: ℓ rises from ℓ_0 = −27.812634 toward ℓ_∞ = −27.808726, which it approaches like
//!   ℓ_∞ − c/σ²: −27.808730 at σ = 10). Stopping at [`SIGMA_FAR`] keeps the search away from the large σ
//!   where each evaluation needs thousands of nodes per group.
//!
//! The last step assumes that beyond [`SIGMA_FAR`] (or beyond where the ray has settled) a likelihood still
//! below ℓ_∞ does not rise above it again; the expansion of each group's integral in 1/σ (edges of width
//! 1/σ, whose odd part integrates to 0) makes that the rule, not a proof.
//!
//! The decision is about the model, so it holds for every glmer-type fit: Laplace and adaptive Gauss–Hermite
//! quadrature approximate this likelihood, and when its supremum is at σ_b = ∞ their own finite optima are
//! artefacts of an approximation error that grows with σ_b (a group whose outcomes are all equal has a
//! one-sided posterior, which a Gaussian centred at the mode misses). lme4 reports them without a warning:
//! with every group separated (answer preset, `--groups 4 --n 50 --thresholds 0,1,0,1`) it gives σ_b = 88
//! for nAGQ = 1 and 812 for nAGQ = 25, and for 50 groups of one row with seed 1, σ_b = 0.085 for nAGQ = 1
//! (log-likelihood 1.2e-5 above the glm's, where the exact one rises by 3.9e-3 toward the limit).

use super::exact::{exact_loglik, search_below};
use super::kernel::{GlmmParams, Group, GroupedData, MAX_THETA};
use super::pirls::default_start;
use super::probit_limit::{probit_limit, ProbitLimit};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::models::glm::{glm, separated_groups};
use crate::models::optimize::Search;

/// How far the exact search may climb in σ before the limit decides (see the module documentation).
pub const SIGMA_FAR: f64 = 10.0;

/// Why a glmer-type fit has no finite estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unbounded {
    /// Every group's outcomes are all equal and the likelihood's supremum is at σ_b = ∞.
    EveryGroupSeparated,
    /// x separates the outcomes within every group that has both, and the supremum is at σ_b = ∞.
    SeparatedWithinGroups,
    /// x separates the pooled outcomes: the slope diverges.
    SlopeDiverges,
}

/// The verdict for one data set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SigmaBound {
    /// The supremum is attained at a finite σ_b; `witness` is a point (α, β, σ) found above the limit ℓ_∞ on
    /// the way, when the decision needed one (a start near the maximum, away from the flat far region).
    Finite { witness: Option<[f64; 3]> },
    Unbounded(Unbounded),
}

/// Finite, with nothing learnt on the way.
const FINITE: SigmaBound = SigmaBound::Finite { witness: None };

impl SigmaBound {
    /// The sentence for `model` when σ_b (or the slope) has no finite estimate.
    pub fn check(&self, model: &str) -> Result<()> {
        let why = match self {
            SigmaBound::Finite { .. } => return Ok(()),
            SigmaBound::Unbounded(Unbounded::EveryGroupSeparated) => {
                "in every group the outcomes are all equal (some groups all 0, others all 1), so the groups alone \
                 explain y_bin and the random-intercept SD grows without bound"
            }
            SigmaBound::Unbounded(Unbounded::SeparatedWithinGroups) => {
                "within every group x separates y_bin = 0 from y_bin = 1 (or the outcomes are all equal), so the \
                 likelihood keeps rising as the slope and the random-intercept SD grow together without bound"
            }
            SigmaBound::Unbounded(Unbounded::SlopeDiverges) => {
                "x separates y_bin = 0 from y_bin = 1 completely, so the slope diverges"
            }
        };
        Err(Error::NotEstimable(format!("{model} has no finite estimate: {why}.")))
    }
}

/// Decide whether σ_b has a finite maximum-likelihood estimate (the rule of the module documentation).
/// Data that no glmer-type model accepts (see `check_estimable`) are `Finite`: their own sentence says why.
pub fn sigma_b_bound(data: &Dataset) -> SigmaBound {
    sigma_b_bound_grouped(&GroupedData::new(data))
}

/// [`sigma_b_bound`] for data already split by group and checked.
pub fn sigma_b_bound_grouped(grouped: &GroupedData) -> SigmaBound {
    if !grouped.is_estimable() {
        return FINITE;
    }
    let data = grouped.data;
    let every_group_separated = separated_groups(data).len() == data.n_groups();
    let why = if every_group_separated { Unbounded::EveryGroupSeparated } else { Unbounded::SeparatedWithinGroups };
    if x_separates_pooled(data) {
        return SigmaBound::Unbounded(if every_group_separated { why } else { Unbounded::SlopeDiverges });
    }
    let Some(limit) = probit_limit(data) else { return FINITE };
    let pooled = glm(data, false);
    let pooled_loglik = pooled.as_ref().map_or(f64::NEG_INFINITY, |f| f.loglik);
    if limit.loglik <= pooled_loglik {
        return FINITE;
    }
    if let Some(witness) = ray_above_limit(&grouped.groups, &limit) {
        return SigmaBound::Finite { witness: Some(witness) };
    }
    let start = default_start(data, pooled.as_ref().ok().map(|f| f.coef.as_slice()));
    let (x, value) = match search_below(&grouped.groups, start, SIGMA_FAR) {
        Ok(Search::Minimum(m)) => (m.x, m.value),
        Ok(Search::Left { x, value }) => (x, value),
        // The search itself failed: leave the verdict to each model's own search.
        Err(_) => return FINITE,
    };
    if -0.5 * value >= limit.loglik {
        SigmaBound::Finite { witness: Some([x[0], x[1], x[2].abs()]) }
    } else {
        SigmaBound::Unbounded(why)
    }
}

/// Whether x separates the pooled outcomes completely: the x of every 1 above the x of every 0, or below
/// (with an intercept and one covariate, the only way the pooled glm has no finite estimate).
fn x_separates_pooled(data: &Dataset) -> bool {
    let range = |v: f64| {
        let xs = data.x.iter().zip(&data.y_bin).filter(|(_, &y)| y == v).map(|(&x, _)| x);
        xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)))
    };
    let (ones, zeros) = (range(1.0), range(0.0));
    ones.0 > zeros.1 || ones.1 < zeros.0
}

/// Once σ times the narrowest window is this large, the window's edges no longer overlap (the overlap is of
/// order e^{−σw}), and the likelihood along the ray only approaches its limit.
const WINDOW_SETTLED: f64 = 40.0;

/// A point of the best ray σ·(a, c, 1) where the exact likelihood exceeds ℓ_∞ (then its supremum is attained
/// at a finite σ), looked for at σ = 1, 2, 4, … up to where the ray has settled: [`SIGMA_FAR`], or further
/// when a group's window is narrow (two edges closer than the logistic's width 1/σ overlap and add mass:
/// the page's largest coefficients, where the window is 0.0044 wide and the likelihood along the ray is
/// −12.849 at σ = 300, above ℓ_∞ = −12.939), at most [`MAX_THETA`], and no further than the exact likelihood
/// can be evaluated.
fn ray_above_limit(groups: &[Group], limit: &ProbitLimit) -> Option<[f64; 3]> {
    let end = (WINDOW_SETTLED / limit.narrowest_window).clamp(SIGMA_FAR, MAX_THETA);
    let mut sigma: f64 = 1.0;
    loop {
        let at = sigma.min(end);
        let p = GlmmParams { alpha: at * limit.alpha, beta: at * limit.beta, theta: at };
        let loglik = exact_loglik(groups, &p);
        if loglik > limit.loglik {
            return Some([p.alpha, p.beta, p.theta]);
        }
        // NaN: a group's integrand is too wide for the trapezoid rule's node budget at this σ, and wider further out.
        if at >= end || loglik.is_nan() {
            return None;
        }
        sigma *= 2.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(x: Vec<f64>, y_bin: Vec<f64>, group: Vec<usize>) -> Dataset {
        Dataset::binary(x, y_bin, group)
    }

    /// Two groups, all 1 and all 0, x not separating them: ℓ_∞ = 2 log ½ is far above the glm's, and the
    /// likelihood climbs toward it, so σ_b has no finite estimate. One mixed group that x does not separate
    /// makes ℓ_∞ = −∞: finite.
    #[test]
    fn separated_groups_are_a_sentence_and_one_mixed_group_bounds_sigma() {
        let x = vec![0.1, 0.5, 0.9, 0.2, 0.4, 0.8];
        let group = vec![0, 0, 0, 1, 1, 1];
        let separated = data(x.clone(), vec![1.0, 1.0, 1.0, 0.0, 0.0, 0.0], group.clone());
        assert_eq!(sigma_b_bound(&separated), SigmaBound::Unbounded(Unbounded::EveryGroupSeparated));
        let e = sigma_b_bound(&separated).check("glmer").unwrap_err().to_string();
        assert!(e.starts_with("glmer has no finite estimate: in every group") && e.contains("grows without bound"), "{e}");
        let mixed = data(x, vec![1.0, 0.0, 1.0, 0.0, 0.0, 0.0], group);
        assert_eq!(sigma_b_bound(&mixed), SigmaBound::Finite { witness: None });
    }

    /// x separating the pooled outcomes: the slope diverges whatever σ_b.
    #[test]
    fn pooled_separation_is_the_slope_sentence() {
        let d = data(vec![0.1, 0.5, 0.9, 1.2, 1.4, 1.8], vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0], vec![0, 0, 1, 1, 2, 2]);
        assert_eq!(sigma_b_bound(&d), SigmaBound::Unbounded(Unbounded::SlopeDiverges));
    }
}
