//! In-process timings of every model of the lesson, the full refit and the surfaces (`glmm-demo bench
//! [data options | --csv FILE] [--nagq K] [--runs R]`).
//!
//! Each model is called as [`fit_all`] calls it, from the same starts: the starts that depend on other
//! fits (the Laplace fit's start from lme4's first stage, the AGQ fit's from the Laplace optimum, the
//! exact marginal's from the AGQ optimum) are computed once beforehand and are not part of the model's
//! time; `glmm_start` times that first stage on its own. `standalone_laplace` and `standalone_agq` time
//! one `glmer()` call as R makes it, from the data: the first stage, then the fit at nAGQ = 1 or K (not
//! from the Laplace optimum), then the report: the figures to compare with lme4. `full_refit` is [`fit_all`] itself (every model,
//! every start) and `surfaces` is [`build_scene`] with the default options on `full_refit`'s report.
//!
//! Every entry is `{"median_ms", "p90_ms", "min_ms", "runs"}` of wall-clock time, plus on Linux
//! `"cpu_median_ms"`, the median CPU time of the thread (what the fit costs when other processes share the
//! cores), plus `"error"` when the model cannot be fitted on these data (its time is then the time to say so). One untimed call precedes the timed runs
//! of each entry (caches such as the Gauss–Hermite rules are warm, as they are on the page after its
//! first fit).

use std::time::Instant;

use serde_json::{json, Map, Value};

use crate::data::Dataset;
use crate::models::glm::glm;
use crate::models::lesson::summarise;
use crate::models::lm::lm;
use crate::models::lmm::lmm;
use crate::models::logistic::glmer::{glmer, glmer_optimum, glmm_report};
use crate::models::logistic::joint_mode::joint_mode;
use crate::models::logistic::marginal_exact::marginal_exact;
use crate::models::logistic::pirls::default_start;
use crate::models::logistic::starts::GlmmStarts;
use crate::models::{fit_all, FitOptions};
use crate::surfaces::{build_scene, SceneOptions};

/// With `runs = 0`: each entry runs at least this many times …
const AUTO_MIN_RUNS: usize = 5;
/// … and until this many seconds have passed …
const AUTO_SECONDS: f64 = 1.0;
/// … but no more than this many times.
const AUTO_MAX_RUNS: usize = 1000;

/// The median, 90th percentile and minimum of `times` (milliseconds), nearest rank.
pub fn summary(times: &[f64]) -> (f64, f64, f64) {
    let mut t = times.to_vec();
    t.sort_by(|a, b| a.total_cmp(b));
    let n = t.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let median = if n % 2 == 1 { t[n / 2] } else { 0.5 * (t[n / 2 - 1] + t[n / 2]) };
    let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
    (median, t[rank - 1], t[0])
}

fn round4(v: f64) -> Value {
    serde_json::Number::from_f64((v * 1e4).round() / 1e4).map_or(Value::Null, Value::Number)
}

/// CPU time of the calling thread in nanoseconds (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`; Linux on
/// 64-bit targets, None elsewhere): unlike wall-clock time, it does not count the time other processes
/// hold the cores.
struct ThreadCpu;

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
mod thread_clock {
    #[repr(C)]
    pub struct Timespec {
        pub tv_sec: i64,
        pub tv_nsec: i64,
    }
    pub const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    extern "C" {
        pub fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
}

impl ThreadCpu {
    fn new() -> Self {
        ThreadCpu
    }

    fn ns(&self) -> Option<u64> {
        #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
        {
            let mut ts = thread_clock::Timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: clock_gettime writes one timespec (two 64-bit fields on these targets) to `ts`.
            let rc = unsafe { thread_clock::clock_gettime(thread_clock::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
            (rc == 0).then(|| ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
        }
        #[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
        {
            None
        }
    }
}

/// Wall-clock and (where known) CPU times of the runs, in milliseconds.
struct Times {
    wall: Vec<f64>,
    cpu: Option<Vec<f64>>,
}

/// Times `f` (after one untimed call): `runs` times, or automatically with `runs = 0`.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Times, T) {
    std::hint::black_box(f());
    let clock = ThreadCpu::new();
    let mut times = Vec::new();
    let mut cpu = clock.ns().map(|_| Vec::new());
    let t_start = Instant::now();
    loop {
        let c0 = clock.ns();
        let t0 = Instant::now();
        let last = std::hint::black_box(f());
        times.push(t0.elapsed().as_secs_f64() * 1e3);
        match (clock.ns(), c0, cpu.as_mut()) {
            (Some(c1), Some(c0), Some(v)) => v.push(c1.saturating_sub(c0) as f64 * 1e-6),
            _ => cpu = None,
        }
        let n = times.len();
        let done = if runs > 0 {
            n >= runs
        } else {
            n >= AUTO_MAX_RUNS || (n >= AUTO_MIN_RUNS && t_start.elapsed().as_secs_f64() >= AUTO_SECONDS)
        };
        if done {
            return (Times { wall: times, cpu }, last);
        }
    }
}

fn entry(times: &Times, error: Option<String>) -> Value {
    let (median, p90, min) = summary(&times.wall);
    let mut m = Map::new();
    m.insert("median_ms".into(), round4(median));
    m.insert("p90_ms".into(), round4(p90));
    m.insert("min_ms".into(), round4(min));
    m.insert("runs".into(), json!(times.wall.len()));
    if let Some(cpu) = &times.cpu {
        m.insert("cpu_median_ms".into(), round4(summary(cpu).0));
    }
    if let Some(e) = error {
        m.insert("error".into(), Value::String(e));
    }
    Value::Object(m)
}

fn timed<T>(runs: usize, f: impl FnMut() -> crate::Result<T>) -> Value {
    let (times, last) = time(runs, f);
    entry(&times, last.err().map(|e| e.to_string()))
}

/// Times every model of [`fit_all`] separately, the full refit and the surfaces, each over `runs`
/// repetitions (`runs = 0`: at least 5 and about a second per entry, at most 1000). Keys are those of
/// `glmm-demo fit`'s output, plus `glmm_start`, `standalone_laplace`, `standalone_agq`, `full_refit`,
/// `surfaces` and `settings`.
pub fn bench(data: &Dataset, opts: &FitOptions, runs: usize) -> Value {
    let mut out = Map::new();
    out.insert("data".into(), serde_json::to_value(summarise(data)).unwrap_or(Value::Null));
    out.insert(
        "settings".into(),
        json!({
            "nagq": opts.nagq,
            "reml": opts.reml,
            "runs": if runs == 0 { Value::String("auto".into()) } else { json!(runs) },
            "build": if cfg!(debug_assertions) { "debug" } else { "release" },
        }),
    );

    out.insert("lm_pooled".into(), timed(runs, || lm(data, false)));
    out.insert("lm_group".into(), timed(runs, || lm(data, true)));
    out.insert("lmm".into(), timed(runs, || lmm(data, opts.reml)));
    out.insert("glm_pooled".into(), timed(runs, || glm(data, false)));
    out.insert("glm_group".into(), timed(runs, || glm(data, true)));

    // The starts, as fit_all computes them.
    let pooled = glm(data, false).ok();
    let pooled_coef = pooled.as_ref().map(|f| f.coef.as_slice());
    let (t_start, _) = time(runs, || default_start(data, pooled_coef));
    out.insert("glmm_start".into(), entry(&t_start, None));
    let GlmmStarts { start, warm, warm_agq, .. } = GlmmStarts::new(data, opts.nagq, pooled_coef);

    out.insert(
        "glmm_laplace".into(),
        timed(runs, || glmer_optimum(data, 1, start).map(|o| glmm_report(data, &o, 1))),
    );
    out.insert(
        "glmm_agq".into(),
        timed(runs, || glmer_optimum(data, opts.nagq, warm).map(|o| glmm_report(data, &o, opts.nagq))),
    );
    out.insert("joint_mode".into(), timed(runs, || joint_mode(data)));
    out.insert("marginal_exact".into(), timed(runs, || marginal_exact(data, warm_agq)));

    // One glmer() call from the data, as R makes it: first stage, fit at this nAGQ, report.
    out.insert("standalone_laplace".into(), timed(runs, || glmer(data, 1, default_start(data, pooled_coef))));
    out.insert(
        "standalone_agq".into(),
        timed(runs, || glmer(data, opts.nagq, default_start(data, pooled_coef))),
    );

    let (t_full, report) = time(runs, || fit_all(data, opts));
    out.insert("full_refit".into(), entry(&t_full, None));
    let scene_opts = SceneOptions::default();
    out.insert("surfaces".into(), timed(runs, || build_scene(data, &report, &scene_opts)));
    Value::Object(out)
}

/// Times the general engine's models on `design` (`glmm-demo bench --csv FILE --formula F`): `glm_pooled`,
/// `standalone_laplace` and `standalone_agq` (one `glmer()` call as R makes it, from the data: starts,
/// fit, conditional modes and the exact conditional means) and `marginal_exact`; for the Gaussian family
/// `lm_pooled`, `lm_group` and `lmm`. Each entry as in [`bench`].
pub fn bench_design(
    design: &crate::data::grouped_design::GroupedDesign,
    opts: &crate::models::design_fit::DesignFitOptions,
    runs: usize,
) -> Value {
    use crate::models::design_fit::ModelFamily;
    use crate::models::{gaussian, glmm};
    let mut out = Map::new();
    let (family, link) = opts.family.names();
    out.insert(
        "settings".into(),
        json!({
            "family": family, "link": link, "nagq": opts.nagq, "reml": opts.reml,
            "n_obs": design.n_obs(), "groups": design.n_groups(), "fixed_effects": design.p(),
            "runs": if runs == 0 { Value::String("auto".into()) } else { json!(runs) },
            "build": if cfg!(debug_assertions) { "debug" } else { "release" },
        }),
    );
    match opts.family {
        ModelFamily::Gaussian => {
            out.insert("lm_pooled".into(), timed(runs, || gaussian::lm(design)));
            out.insert("lm_group".into(), timed(runs, || gaussian::lm_group(design)));
            out.insert("lmm".into(), timed(runs, || gaussian::lmer(design, opts.reml)));
        }
        ModelFamily::Glmm(f) => {
            out.insert("glm_pooled".into(), timed(runs, || glmm::fit::glm_pooled_for(design, f)));
            out.insert("glm_group".into(), timed(runs, || glmm::fit::glm_group_for(design, f)));
            out.insert("standalone_laplace".into(), timed(runs, || glmm::glmer(design, f, 1)));
            if opts.nagq > 1 {
                out.insert("standalone_agq".into(), timed(runs, || glmm::glmer(design, f, opts.nagq)));
            }
            out.insert("marginal_exact".into(), timed(runs, || glmm::marginal_exact(design, f)));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{simulate, SimConfig};

    #[test]
    fn summary_is_nearest_rank() {
        let (m, p90, min) = summary(&[5.0, 1.0, 3.0, 2.0, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        assert_eq!((m, p90, min), (5.5, 9.0, 1.0));
        assert_eq!(summary(&[2.0]), (2.0, 2.0, 2.0));
    }

    #[test]
    fn every_key_is_timed() {
        let data = simulate(&SimConfig::default()).unwrap();
        let v = bench(&data, &FitOptions { nagq: 5, reml: true }, 2);
        for key in [
            "lm_pooled", "lm_group", "lmm", "glm_pooled", "glm_group", "glmm_start", "glmm_laplace", "glmm_agq",
            "joint_mode", "marginal_exact", "standalone_laplace", "standalone_agq", "full_refit", "surfaces",
        ] {
            let e = &v[key];
            assert_eq!(e["runs"], 2, "{key}: {e}");
            assert!(e["median_ms"].as_f64().is_some_and(|t| t >= 0.0), "{key}: {e}");
            assert!(e.get("error").is_none(), "{key}: {e}");
        }
        assert_eq!(v["data"]["n_obs"], 400);
        if cfg!(all(target_os = "linux", target_pointer_width = "64")) {
            assert!(v["full_refit"]["cpu_median_ms"].as_f64().is_some_and(|t| t > 0.0), "{}", v["full_refit"]);
        }
    }

    #[test]
    fn a_model_that_cannot_be_fitted_carries_its_error() {
        let data = simulate(&SimConfig::default().with_groups(1)).unwrap();
        let v = bench(&data, &FitOptions::default(), 1);
        assert!(v["lmm"]["error"].is_string(), "{}", v["lmm"]);
        assert_eq!(v["lm_pooled"]["runs"], 1);
    }
}

