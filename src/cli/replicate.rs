//! `glmm-demo replicate [data options] [--nagq K] [--seeds N] [--runs R]`: "Is it this seed?" natively.
//!
//! Prints one JSON object: `settings`, `records` (per seed: `seed`, `verdict`, `sum_modes`, `sum_means`,
//! `sigma_b`, `reason`), `tally` (the counts the caption states), and the figure's `title`, `caption` and
//! `explanation` exactly as the page shows them after a complete run. With `--runs R` > 0 the whole run is
//! also timed R times (after one untimed run) and `timing` gives `{median_ms, p90_ms, min_ms, runs}` of
//! wall-clock time: the native figure for the page's target (1,000 seeds of the answer at nAGQ = 25).

use std::time::Instant;

use serde_json::{json, Value};

use crate::bench::summary;
use crate::error::Result;
use crate::figures::replications::describe;
use crate::models::replications::{replicate, Run, Tally, MAX_SEEDS};
use crate::params::Params;

/// Seeds 1 … `seeds` of `params` (their own seed ignored) with `params.nagq` nodes; timed `runs` times.
pub fn run(params: &Params, seeds: usize, runs: usize) -> Result<Value> {
    let end = i32::try_from(seeds.min(MAX_SEEDS + 1)).unwrap_or(i32::MAX).saturating_add(1);
    let mut run = Run::new(&params.sim, params.nagq, 1..end)?;
    let records = replicate(&params.sim, params.nagq, 1..end)?;
    run.add(records)?;
    let info = describe(&run);
    let mut out = json!({
        "settings": { "params": params, "seeds": seeds, "build": if cfg!(debug_assertions) { "debug" } else { "release" } },
        "title": info.title,
        "caption": info.caption,
        "explanation": info.explanation,
        "tally": Tally::of(run.records()),
        "records": run.records(),
    });
    if runs > 0 {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t0 = Instant::now();
            std::hint::black_box(replicate(&params.sim, params.nagq, 1..end)?);
            times.push(t0.elapsed().as_secs_f64() * 1e3);
        }
        let (median, p90, min) = summary(&times);
        out["timing"] = json!({ "median_ms": median, "p90_ms": p90, "min_ms": min, "runs": runs });
    }
    Ok(out)
}
