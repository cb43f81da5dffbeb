//! Native benchmarks (criterion) of every model of the lesson, the full refit and the surface grids, on
//! the answer preset (400 rows, nAGQ = 100), the question preset (1,000 rows, nAGQ = 100) and
//! 100,000 rows × 50 groups (n = 2,000 per group, nAGQ = 25).
//!
//!     cargo bench --bench fits                  # everything (about 10 minutes on 2 cores)
//!     cargo bench --bench fits -- answer/       # one data set (criterion's filter: a regex on the id)
//!     cargo bench --bench fits -- glmm_agq      # one model on every data set
//!     cargo bench --bench fits -- boundary/     # fit_all on each boundary case of tests/boundaries.rs
//!
//! Each model is called as `fit_all` calls it, from the same starts (`models::logistic::starts::GlmmStarts`);
//! `full_refit` is `fit_all`, `surfaces` is `build_scene` with the default options, `glmm_start` is the
//! first stage (lme4's nAGQ = 0 on a θ grid) that starts the Laplace fit; `standalone_laplace` and
//! `standalone_agq` are one glmer() call from the data (first stage + fit at that nAGQ + report), the
//! figures to compare with lme4. `glmm-demo bench` prints the same timings as JSON without criterion.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode};
use criterion::measurement::WallTime;
use glmm_demo::data::{simulate, Dataset, Preset, SimConfig};
use glmm_demo::models::glm::glm;
use glmm_demo::models::lm::lm;
use glmm_demo::models::lmm::lmm;
use glmm_demo::models::logistic::glmer::{glmer, glmer_optimum, glmm_report};
use glmm_demo::models::logistic::joint_mode::joint_mode;
use glmm_demo::models::logistic::marginal_exact::marginal_exact;
use glmm_demo::models::logistic::pirls::default_start;
use glmm_demo::models::logistic::starts::GlmmStarts;
use glmm_demo::models::{fit_all, FitOptions};
use glmm_demo::surfaces::{build_scene, SceneOptions};

struct Case {
    name: &'static str,
    data: Dataset,
    opts: FitOptions,
    big: bool,
}

fn cases() -> Vec<Case> {
    let answer = SimConfig::preset(Preset::Answer);
    let question = SimConfig::preset(Preset::Question);
    let mut big = SimConfig::preset(Preset::Answer).with_groups(50);
    big.n = 2000;
    let sim = |c: &SimConfig| simulate(c).expect("the benchmark data simulate");
    vec![
        Case { name: "answer", data: sim(&answer), opts: FitOptions { nagq: 100, reml: true }, big: false },
        Case { name: "question", data: sim(&question), opts: FitOptions { nagq: 100, reml: true }, big: false },
        Case { name: "rows100k_g50", data: sim(&big), opts: FitOptions { nagq: 25, reml: true }, big: true },
    ]
}

fn models(g: &mut BenchmarkGroup<'_, WallTime>, data: &Dataset, opts: FitOptions) {
    let pooled = glm(data, false).ok().map(|f| f.coef);
    let GlmmStarts { start, warm, warm_agq, .. } = GlmmStarts::new(data, opts.nagq, pooled.as_deref());
    g.bench_function("lm_pooled", |b| b.iter(|| lm(black_box(data), false)));
    g.bench_function("lm_group", |b| b.iter(|| lm(black_box(data), true)));
    g.bench_function("lmm", |b| b.iter(|| lmm(black_box(data), opts.reml)));
    g.bench_function("glm_pooled", |b| b.iter(|| glm(black_box(data), false)));
    g.bench_function("glm_group", |b| b.iter(|| glm(black_box(data), true)));
    g.bench_function("glmm_start", |b| b.iter(|| default_start(black_box(data), pooled.as_deref())));
    g.bench_function("glmm_laplace", |b| {
        b.iter(|| glmer_optimum(black_box(data), 1, start).map(|o| glmm_report(data, &o, 1)))
    });
    g.bench_function("glmm_agq", |b| {
        b.iter(|| glmer_optimum(black_box(data), opts.nagq, warm).map(|o| glmm_report(data, &o, opts.nagq)))
    });
    g.bench_function("standalone_laplace", |b| {
        b.iter(|| glmer(black_box(data), 1, default_start(data, pooled.as_deref())))
    });
    g.bench_function("standalone_agq", |b| {
        b.iter(|| glmer(black_box(data), opts.nagq, default_start(data, pooled.as_deref())))
    });
    g.bench_function("joint_mode", |b| b.iter(|| joint_mode(black_box(data))));
    g.bench_function("marginal_exact", |b| b.iter(|| marginal_exact(black_box(data), warm_agq)));
    g.bench_function("full_refit", |b| b.iter(|| fit_all(black_box(data), &opts)));
    let report = fit_all(data, &opts);
    let scene = SceneOptions::default();
    g.bench_function("surfaces", |b| b.iter(|| build_scene(black_box(data), &report, &scene)));
}

fn fits(c: &mut Criterion) {
    for case in cases() {
        let mut g = c.benchmark_group(case.name);
        if case.big {
            // Fits of up to about a second: ten samples of one fit each.
            g.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_millis(500));
            g.measurement_time(Duration::from_secs(5));
        } else {
            g.sample_size(30).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2));
        }
        models(&mut g, &case.data, case.opts);
        g.finish();
    }
}

/// The boundary cases of `tests/boundaries.rs` (docs/boundary-cases.md) whose time matters, one `fit_all`
/// each: the tests assert what they say, this reports how long they take (they used to be asserted < 5 s).
fn boundary_cases() -> Vec<(&'static str, SimConfig)> {
    let answer = SimConfig::preset(Preset::Answer);
    let with = |mut c: SimConfig, f: &dyn Fn(&mut SimConfig)| {
        f(&mut c);
        c
    };
    vec![
        ("singular", with(SimConfig::preset(Preset::Custom).with_groups(5), &|c| {
            c.seed = 3;
            c.thresholds = vec![0.5; 5];
            c.y_coef = 1.0;
            c.spacing = 0.0;
        })),
        ("group_all_equal", with(answer.clone(), &|c| c.thresholds = vec![0.5, 0.0])),
        ("thresholds_0_and_1", with(answer.clone().with_groups(4), &|c| {
            c.n = 50;
            c.thresholds = vec![0.0, 1.0, 0.0, 1.0];
        })),
        ("one_group", answer.clone().with_groups(1)),
        ("one_row_per_group", with(answer.clone(), &|c| c.n = 1)),
        ("fifty_groups_of_one", with(answer.clone().with_groups(50), &|c| c.n = 1)),
        ("fifty_groups_of_one_seed3", with(answer.clone().with_groups(50), &|c| {
            c.n = 1;
            c.seed = 3;
        })),
        ("x_separates_no_finite_maximum", with(SimConfig::preset(Preset::Question).with_groups(6), &|c| {
            c.seed = 793301339;
            c.n = 2;
            c.thresholds = vec![1.0, 0.5160247536947834, 0.0, 0.0, 0.5, 0.0];
        })),
        ("largest_page_coefficients", with(SimConfig::preset(Preset::Custom), &|c| {
            c.y_coef = 1000.0;
            c.spacing = 1000.0;
        })),
    ]
}

fn boundaries(c: &mut Criterion) {
    let mut g = c.benchmark_group("boundary");
    g.sample_size(10).warm_up_time(Duration::from_millis(200)).measurement_time(Duration::from_secs(2));
    for (name, sim) in boundary_cases() {
        let data = simulate(&sim).expect("the boundary data simulate");
        g.bench_function(name, |b| b.iter(|| fit_all(black_box(&data), &FitOptions::default())));
    }
    g.finish();
}

criterion_group!(benches, fits, boundaries);
criterion_main!(benches);
