//! "Is it this seed?": the lesson's glmer refitted on seeds 1…N of the same settings, keeping per seed only
//! the two sums the page is about.
//!
//! For each seed s the data are simulated as R's `set.seed(s)` would, and `glmer(y_bin ~ x + (1|group),
//! binomial, nAGQ = K)` is fitted exactly as [`crate::models::fit_all`] fits its `glmm_agq` row (the same
//! chain of starts, [`GlmmStarts`], the same verdict on σ_b), but nothing else: no other model, no surfaces,
//! no text. Per seed:
//!   Σ modes = Σ_g b̂_g, the conditional modes (`sum(ranef(fit)$group)`), and
//!   Σ means = Σ_g E[b_g | y], the conditional means by the exact integral at the fit's (α, β, σ_b).
//! At the maximum of the exact marginal likelihood Σ_g E[b_g | y] = σ_b²·∂ℓ/∂α = 0, so wherever the K-node
//! quadrature is exact for the data, Σ means is 0 to the search's tolerance on every seed, while Σ modes is
//! not (each group's posterior is skewed). A fit with σ_b = 0 (singular) has every b_g = 0: both sums are 0
//! for a reason that has nothing to do with the lesson, so its record says so ([`Verdict::Singular`]).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::glm::glm;
use super::logistic::exact::conditional_means_exact;
use super::logistic::kernel::{GroupedData, SINGULAR_THETA};
use super::logistic::starts::GlmmStarts;
use crate::claims::Claim;
use crate::data::{simulate, SimConfig};
use crate::error::{Error, Result};
use crate::models::quadrature::check_nagq;
use crate::report::reads_as_zero;

/// A seed's Σ means counts as zero when |Σ means| is at most this: the fits stop on a relative gradient
/// below 1e-10, which Σ means (σ_b² times the slope of ℓ in α) magnifies to well under 1e-8; a quadrature
/// that is not exact for the data leaves far more (the table's notes say how much).
pub const MEANS_SUM_TOLERANCE: f64 = 1e-6;

/// The largest number of seeds one run takes (the page offers 200 and 1,000).
pub const MAX_SEEDS: usize = 10_000;

/// What became of one seed's glmer fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Fitted with σ_b > 0.
    Fitted,
    /// Fitted with σ_b = 0 (below lme4's `isSingular` tolerance 1e-4): every b_g is 0, so both sums are 0.
    Singular,
    /// glmer cannot be fitted on these data (its sentence is the record's `reason`).
    NotFitted,
}

/// One seed's glmer fit, reduced to what the replications figure shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedRecord {
    /// R's `set.seed(seed)`.
    pub seed: i32,
    pub verdict: Verdict,
    /// Σ_g b̂_g, the sum of the conditional modes (None when not fitted).
    pub sum_modes: Option<f64>,
    /// Σ_g E[b_g | y], the sum of the conditional means by the exact integral (None when not fitted).
    pub sum_means: Option<f64>,
    /// glmer's σ_b (None when not fitted).
    pub sigma_b: Option<f64>,
    /// Why glmer could not be fitted, one sentence (None when fitted).
    pub reason: Option<String>,
}

/// Checks a range of seeds: not empty, at most [`MAX_SEEDS`] long.
pub fn check_seeds(seeds: &Range<i32>) -> Result<()> {
    let len = (i64::from(seeds.end) - i64::from(seeds.start)).max(0) as usize;
    if len == 0 || len > MAX_SEEDS {
        return Err(Error::InvalidParameter {
            name: "seeds",
            expected: format!("from 1 to {MAX_SEEDS} seeds"),
            got: format!("{len} (seeds {} to {})", seeds.start, i64::from(seeds.end) - 1),
        });
    }
    Ok(())
}

/// `sim` with each seed of `seeds`, glmer fitted with `nagq` nodes per group: one record per seed, in order.
pub fn replicate(sim: &SimConfig, nagq: usize, seeds: Range<i32>) -> Result<Vec<SeedRecord>> {
    check_nagq(nagq)?;
    check_seeds(&seeds)?;
    sim.validate()?;
    Ok(seeds.map(|seed| replicate_seed(sim, nagq, seed)).collect())
}

/// One seed's record (see the module's documentation).
pub fn replicate_seed(sim: &SimConfig, nagq: usize, seed: i32) -> SeedRecord {
    let cfg = SimConfig { seed, ..sim.clone() };
    let not_fitted = |e: Error| SeedRecord {
        seed,
        verdict: Verdict::NotFitted,
        sum_modes: None,
        sum_means: None,
        sigma_b: None,
        reason: Some(e.to_string()),
    };
    let data = match simulate(&cfg) {
        Ok(d) => d,
        Err(e) => return not_fitted(e),
    };
    // The same starts as fit_all: lme4's first stage from the pooled glm, the Laplace fit, then nAGQ = K.
    let pooled = glm(&data, false).ok();
    let grouped = GroupedData::new(&data);
    let chain = GlmmStarts::of_grouped(&grouped, nagq, pooled.as_ref().map(|f| f.coef.as_slice()));
    let opt = match chain.agq {
        Ok(o) => o,
        Err(e) => return not_fitted(e),
    };
    let p = &opt.params;
    let sum_modes: f64 = opt.modes.iter().map(|u| p.theta * u).sum();
    let (means, _) = conditional_means_exact(&grouped.groups, p, &opt.modes);
    let sum_means: f64 = means.iter().sum();
    if !sum_modes.is_finite() || !sum_means.is_finite() {
        return not_fitted(Error::NotEstimable(format!(
            "The sums of the conditional modes and means are not finite for seed {seed}."
        )));
    }
    SeedRecord {
        seed,
        verdict: if p.theta < SINGULAR_THETA { Verdict::Singular } else { Verdict::Fitted },
        sum_modes: Some(sum_modes),
        sum_means: Some(sum_means),
        sigma_b: Some(p.theta),
        reason: None,
    }
}

/// Which side of zero a sum falls on, as the table prints it (with `TABLE_DECIMALS` decimals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Below,
    Zero,
    Above,
}

/// [`Side`] of `x`: zero when it prints as zero in the table.
pub fn side(x: f64) -> Side {
    if reads_as_zero(x) {
        Side::Zero
    } else if x < 0.0 {
        Side::Below
    } else {
        Side::Above
    }
}

/// Counts over a set of records: what the figure's caption states.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Records counted.
    pub seeds: usize,
    /// Fitted with σ_b > 0.
    pub fitted: usize,
    /// Fitted with σ_b = 0.
    pub singular: usize,
    /// glmer could not be fitted.
    pub not_fitted: usize,
    /// Of the fitted with σ_b > 0: |Σ means| ≤ [`MEANS_SUM_TOLERANCE`].
    pub means_within: usize,
    /// Of the fitted with σ_b > 0: Σ modes below, on (printed as 0) and above zero.
    pub modes_below: usize,
    pub modes_zero: usize,
    pub modes_above: usize,
}

impl Tally {
    /// The counts of `records`.
    pub fn of(records: &[SeedRecord]) -> Tally {
        let mut t = Tally { seeds: records.len(), ..Tally::default() };
        for r in records {
            match (r.verdict, r.sum_modes, r.sum_means) {
                (Verdict::Fitted, Some(modes), Some(means)) => {
                    t.fitted += 1;
                    if means.abs() <= MEANS_SUM_TOLERANCE {
                        t.means_within += 1;
                    }
                    match side(modes) {
                        Side::Below => t.modes_below += 1,
                        Side::Zero => t.modes_zero += 1,
                        Side::Above => t.modes_above += 1,
                    }
                }
                (Verdict::Singular, ..) => t.singular += 1,
                _ => t.not_fitted += 1,
            }
        }
        t
    }
}

/// A run of replications as the page grows it: the settings, the seeds asked for, the records so far (in
/// seed order, each seed once) and whether it was stopped before the last seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub sim: SimConfig,
    pub nagq: usize,
    pub seeds: Range<i32>,
    records: Vec<SeedRecord>,
    stopped: bool,
}

impl Run {
    /// An empty run of `seeds` on `sim` (its own seed is ignored) with `nagq` nodes; checked.
    pub fn new(sim: &SimConfig, nagq: usize, seeds: Range<i32>) -> Result<Run> {
        check_nagq(nagq)?;
        check_seeds(&seeds)?;
        sim.validate()?;
        Ok(Run { sim: sim.clone(), nagq, seeds, records: Vec::new(), stopped: false })
    }

    /// Adds records (from any worker, in any order); a seed outside the run is refused, a seed already
    /// there is replaced.
    pub fn add(&mut self, records: Vec<SeedRecord>) -> Result<()> {
        if let Some(r) = records.iter().find(|r| !self.seeds.contains(&r.seed)) {
            return Err(Error::InvalidParameter {
                name: "seed",
                expected: format!("a seed of this run, from {} to {}", self.seeds.start, i64::from(self.seeds.end) - 1),
                got: r.seed.to_string(),
            });
        }
        for r in records {
            match self.records.binary_search_by_key(&r.seed, |x| x.seed) {
                Ok(k) => self.records[k] = r,
                Err(k) => self.records.insert(k, r),
            }
        }
        Ok(())
    }

    /// Marks the run as stopped (no more seeds will come).
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    pub fn stopped(&self) -> bool {
        self.stopped && !self.complete()
    }

    /// Every seed has its record.
    pub fn complete(&self) -> bool {
        self.records.len() == self.total()
    }

    /// Seeds asked for.
    pub fn total(&self) -> usize {
        (i64::from(self.seeds.end) - i64::from(self.seeds.start)).max(0) as usize
    }

    /// The records so far, in seed order.
    pub fn records(&self) -> &[SeedRecord] {
        &self.records
    }
}

/// Checks a [`Claim::ReplicationCounts`] by refitting each of its seeds with [`crate::models::fit_all`] (every
/// model, not this module's lean path) and counting from its `glmm_agq` row; `Err` says what differs.
pub fn check_counts(claim: &Claim, sim: &SimConfig) -> std::result::Result<(), String> {
    let Claim::ReplicationCounts {
        first_seed, last_seed, nagq, seeds, fitted, singular, not_fitted, tolerance, means_within, decimals,
        modes_below, modes_zero, modes_above,
    } = claim
    else {
        return Err(format!("not a replication claim: {claim:?}"));
    };
    if *seeds != (i64::from(*last_seed) - i64::from(*first_seed) + 1).max(0) as usize {
        return Err(format!("{seeds} records for seeds {first_seed}–{last_seed}: only a complete run can be checked"));
    }
    let unit = 10f64.powi(-(*decimals.min(&15) as i32));
    let mut got = [0usize; 7];
    for seed in *first_seed..=*last_seed {
        let data = simulate(&SimConfig { seed, ..sim.clone() }).map_err(|e| e.to_string())?;
        let report = crate::models::fit_all(&data, &crate::models::FitOptions { nagq: *nagq, reml: true });
        match report.glmm_agq.fit() {
            None => got[2] += 1,
            Some(f) if f.singular => got[1] += 1,
            Some(f) => {
                got[0] += 1;
                let means: f64 = f.cond_means.iter().sum();
                let modes: f64 = f.ranef.iter().sum();
                got[3] += usize::from(means.abs() <= *tolerance);
                let k = if modes.abs() < 0.5 * unit { 5 } else if modes < 0.0 { 4 } else { 6 };
                got[k] += 1;
            }
        }
    }
    let said = [*fitted, *singular, *not_fitted, *means_within, *modes_below, *modes_zero, *modes_above];
    (got == said).then_some(()).ok_or_else(|| {
        format!("[fitted, singular, not fitted, means within, modes below, zero, above]: said {said:?}, refitted {got:?}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Preset;
    use crate::models::{fit_all, FitOptions};

    /// Differences between this path and fit_all's glmm_agq row: the same starts and the same arithmetic.
    const SAME_FIT: f64 = 1e-12;

    fn answer() -> SimConfig {
        SimConfig::preset(Preset::Answer)
    }

    #[test]
    fn seed_one_is_the_lessons_fit() {
        for (sim, nagq) in [(answer(), 25), (answer(), 1), (SimConfig::preset(Preset::Question), 25)] {
            let rec = replicate(&sim, nagq, 1..2).unwrap().remove(0);
            let report = fit_all(&simulate(&sim).unwrap(), &FitOptions { nagq, reml: true });
            let agq = report.glmm_agq.fit().unwrap();
            assert_eq!(rec.seed, 1);
            assert_eq!(rec.verdict, Verdict::Fitted);
            assert!((rec.sum_modes.unwrap() - agq.ranef_sum).abs() < SAME_FIT, "{rec:?} vs {}", agq.ranef_sum);
            assert!((rec.sum_means.unwrap() - agq.cond_means_sum).abs() < SAME_FIT, "{rec:?} vs {}", agq.cond_means_sum);
            assert!((rec.sigma_b.unwrap() - agq.sigma_b).abs() < SAME_FIT);
        }
        // The answer's numbers at nAGQ = 25 (the README gives nAGQ = 100's −0.027536 to 6 decimals).
        let rec = replicate(&answer(), 25, 1..2).unwrap().remove(0);
        assert!((rec.sum_modes.unwrap() + 0.0275).abs() < 5e-4, "{rec:?}");
        assert!(rec.sum_means.unwrap().abs() < MEANS_SUM_TOLERANCE);
    }

    #[test]
    fn the_means_sum_to_zero_on_every_seed_and_the_modes_do_not() {
        let records = replicate(&answer(), 25, 1..41).unwrap();
        assert_eq!(records.iter().map(|r| r.seed).collect::<Vec<_>>(), (1..41).collect::<Vec<_>>());
        let t = Tally::of(&records);
        assert_eq!(t.seeds, 40);
        assert_eq!(t.fitted, 40, "{t:?}");
        assert_eq!(t.means_within, 40, "{t:?}");
        // The answer's thresholds (0.5, 0.1) push the modes' sum below zero on most seeds.
        assert!(t.modes_below > 30 && t.modes_below + t.modes_above + t.modes_zero == 40, "{t:?}");
        for r in &records {
            assert!(r.sum_means.unwrap().abs() <= MEANS_SUM_TOLERANCE, "{r:?}");
            assert!(r.sum_modes.unwrap().abs() > 1e-4, "{r:?}");
        }
    }

    /// Equal thresholds, no spacing, few rows: the groups differ only by chance, and on some seeds σ_b = 0.
    #[test]
    fn singular_seeds_are_labelled() {
        let sim = SimConfig {
            groups: 3,
            n: 30,
            thresholds: vec![0.5; 3],
            spacing: 0.0,
            ..SimConfig::preset(Preset::Custom)
        };
        let records = replicate(&sim, 25, 1..31).unwrap();
        let singular: Vec<&SeedRecord> = records.iter().filter(|r| r.verdict == Verdict::Singular).collect();
        assert!(!singular.is_empty(), "no singular seed among 30");
        for r in &singular {
            assert!(r.sigma_b.unwrap() < SINGULAR_THETA);
            assert!(r.sum_modes.unwrap().abs() < 1e-6 && r.sum_means.unwrap().abs() < 1e-6, "{r:?}");
            let report = fit_all(&simulate(&SimConfig { seed: r.seed, ..sim.clone() }).unwrap(), &FitOptions { nagq: 25, reml: true });
            assert!(report.glmm_agq.fit().unwrap().singular, "seed {}", r.seed);
        }
        let t = Tally::of(&records);
        assert_eq!(t.singular, singular.len());
        assert_eq!(t.fitted + t.singular + t.not_fitted, 30);
    }

    #[test]
    fn a_seed_that_cannot_be_fitted_says_why() {
        // One group: a random intercept has no variance to estimate.
        let sim = SimConfig { groups: 1, thresholds: vec![0.5], ..SimConfig::preset(Preset::Custom) };
        let records = replicate(&sim, 25, 3..5).unwrap();
        for r in &records {
            assert_eq!(r.verdict, Verdict::NotFitted);
            assert!(r.reason.as_deref().unwrap().contains("one group"), "{r:?}");
            assert!(r.sum_modes.is_none() && r.sum_means.is_none());
        }
        assert_eq!(Tally::of(&records).not_fitted, 2);
    }

    #[test]
    fn bad_ranges_are_one_sentence() {
        assert_eq!(
            replicate(&answer(), 25, 5..5).unwrap_err().to_string(),
            "seeds must be from 1 to 10000 seeds, but it is 0 (seeds 5 to 4)."
        );
        assert!(replicate(&answer(), 0, 1..3).is_err());
        assert!(replicate(&answer(), 25, 1..20_000).is_err());
    }
}
