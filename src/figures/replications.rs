//! "Is it this seed?": Σ modes and Σ means of glmer's fit on seeds 1…N of the page's settings, one point
//! per seed and sum (seed on x). Blue: Σ_g E[b_g | y], the conditional means; vermillion: Σ_g b̂_g, the
//! conditional modes; grey rings: seeds where σ_b = 0 (both sums 0 for another reason). A thin line at 0.
//!
//! [`describe`] writes the title, the caption (counts from the records, with their [`Claim`]) and the alt
//! text; [`draw`] draws the records of a [`Run`] so far, so the page can redraw as seeds arrive.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Entry, Swatch};
use super::linear_fits::obstacles;
use super::marks::{draw_points, marker_style};
use super::palette::{Shape, BLUE, GREY, INK, VERMILLION, WHITE};
use super::style::{frame, mapping, pixel_area, Sizes};
use super::PlotMapping;
use crate::claims::Claim;
use crate::error::Result;
use crate::models::replications::{Run, Tally, Verdict, MEANS_SUM_TOLERANCE};
use crate::report::TABLE_DECIMALS;
use crate::surfaces::FigureInfo;

/// The number the page gives this figure (after the lesson's eight).
pub const NUMBER: u8 = 9;

/// `10⁻⁶` for 1e-6: a power of ten with a superscript exponent.
fn power_of_ten(x: f64) -> String {
    crate::models::notation::power_of_ten(x.log10().round() as i64)
}

/// "on all 200", "on 187 of 200".
fn on_count(k: usize, of: usize) -> String {
    if k == of {
        format!("on all {of}")
    } else {
        format!("on {k} of {of}")
    }
}

fn seeds_word(k: usize) -> &'static str {
    if k == 1 {
        "seed"
    } else {
        "seeds"
    }
}

/// The sentence on Σ modes: "Σ modes is below 0 on 187 and above 0 on 13".
fn modes_sentence(t: &Tally) -> String {
    let parts: Vec<(usize, String)> = [
        (t.modes_below, "below 0".to_string()),
        (t.modes_zero, format!("0 to {TABLE_DECIMALS} decimals")),
        (t.modes_above, "above 0".to_string()),
    ]
    .into_iter()
    .filter(|(k, _)| *k > 0)
    .collect();
    let text: Vec<String> = parts
        .iter()
        .map(|(k, what)| if *k == t.fitted { format!("{what} on all {k}") } else { format!("{what} on {k}") })
        .collect();
    format!("Σ modes is {}", crate::surfaces::descriptions::list(&text))
}

/// Title, axis labels, ranges, caption, explanation, alt text and the caption's claim for `run` so far.
pub fn describe(run: &Run) -> FigureInfo {
    let t = Tally::of(run.records());
    let (first, last) = (run.seeds.start, i64::from(run.seeds.end) - 1);
    let total = run.total();
    let mut caption = if run.complete() {
        format!("Seeds {first}–{last}, glmer with nAGQ = {}: ", run.nagq)
    } else if run.stopped() {
        format!("Stopped after {} of {total} seeds (glmer with nAGQ = {}): ", t.seeds, run.nagq)
    } else {
        format!("So far {} of {total} seeds (glmer with nAGQ = {}): ", t.seeds, run.nagq)
    };
    let tol = power_of_ten(MEANS_SUM_TOLERANCE);
    let mut sentences = Vec::new();
    if t.fitted > 0 {
        let with_sigma = if t.singular + t.not_fitted > 0 { " with σ_b > 0" } else { "" };
        sentences.push(format!(
            "Σ means is within {tol} of 0 {} {}{with_sigma}; {}",
            on_count(t.means_within, t.fitted),
            seeds_word(t.fitted),
            modes_sentence(&t)
        ));
    }
    if t.singular > 0 {
        sentences.push(format!(
            "σ_b = 0 (a singular fit: every b_g is 0, so both sums are 0) on {} {}, drawn as grey rings",
            t.singular,
            seeds_word(t.singular)
        ));
    }
    if t.not_fitted > 0 {
        let example = run.records().iter().find(|r| r.verdict == Verdict::NotFitted);
        let why = example
            .and_then(|r| r.reason.as_deref().map(|s| format!(" (seed {}: {})", r.seed, s.trim_end_matches('.'))))
            .unwrap_or_default();
        sentences.push(format!("glmer could not be fitted on {} {}{why}", t.not_fitted, seeds_word(t.not_fitted)));
    }
    if sentences.is_empty() {
        sentences.push("no seed fitted yet".into());
    }
    caption.push_str(&sentences.join(". "));
    caption.push('.');
    let explanation = if t.fitted == 0 {
        String::new()
    } else if t.means_within == t.fitted && t.modes_zero < t.fitted {
        "The means sum to zero on every seed, as they must where the likelihood is highest, whatever the data; \
         the modes do not, seed after seed: it is not this seed."
            .to_string()
    } else if t.means_within < t.fitted {
        format!(
            "On {} {} Σ means is further than {tol} from 0: there nAGQ = {} is not exact for the data, so glmer's \
             estimates are not quite the maximum of the exact likelihood (the table's note for such a seed says by how much).",
            t.fitted - t.means_within,
            seeds_word(t.fitted - t.means_within),
            run.nagq
        )
    } else {
        String::new()
    };
    let claim = Claim::ReplicationCounts {
        first_seed: first,
        last_seed: last as i32,
        nagq: run.nagq,
        seeds: t.seeds,
        fitted: t.fitted,
        singular: t.singular,
        not_fitted: t.not_fitted,
        tolerance: MEANS_SUM_TOLERANCE,
        means_within: t.means_within,
        decimals: TABLE_DECIMALS,
        modes_below: t.modes_below,
        modes_zero: t.modes_zero,
        modes_above: t.modes_above,
    };
    let sums = run.records().iter().flat_map(|r| [r.sum_modes, r.sum_means]).flatten().filter(|v| v.is_finite());
    let (lo, hi) = sums.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let half = 0.5 * (hi - lo).max(1e-3);
    let y_range = [lo - 0.16 * half, hi + 0.16 * half];
    let span = (last - i64::from(first)).max(1) as f64;
    let x_range = [f64::from(first) - 0.02 * span - 0.5, last as f64 + 0.02 * span + 0.5];
    FigureInfo {
        number: NUMBER,
        title: format!("Is it this seed? Σ modes and Σ means, seeds {first}–{last}"),
        x_label: "seed (R’s set.seed)".into(),
        y_label: "sum over the groups".into(),
        x_range,
        y_range,
        alt: format!(
            "Scatter plot of Σ modes (vermillion) and Σ means (blue) of glmer’s fit against the seed, one point per \
             seed and sum. {caption}"
        ),
        explanation,
        caption,
        notes: Vec::new(),
        unavailable: None,
        x_symbol: "seed".into(),
        y_symbol: "Σ".into(),
        file_name: "replications".into(),
        at_alpha: None,
        claims: vec![claim],
    }
}

/// Draws the records of `run` so far, as [`describe`] describes them.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, run: &Run, info: &FigureInfo) -> Result<PlotMapping> {
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let mut chart = frame(root, info, sz, true)?;
    let [x0, x1] = info.x_range;
    chart.draw_series(LineSeries::new([(x0, 0.0), (x1, 0.0)], INK.mix(0.7).stroke_width(sz.upx(1.0))))?;
    let point = |r: &crate::models::replications::SeedRecord, v: Option<f64>| v.map(|v| (f64::from(r.seed), v));
    let fitted = || run.records().iter().filter(|r| r.verdict == Verdict::Fitted);
    let modes: Vec<(f64, f64)> = fitted().filter_map(|r| point(r, r.sum_modes)).collect();
    let means: Vec<(f64, f64)> = fitted().filter_map(|r| point(r, r.sum_means)).collect();
    let singular: Vec<(f64, f64)> =
        run.records().iter().filter(|r| r.verdict == Verdict::Singular).filter_map(|r| point(r, r.sum_modes)).collect();
    // Smaller points when there are many seeds, so that a thousand still show as a cloud, not a bar.
    let r = if run.total() > 400 { sz.ipx(2.0) } else { sz.ipx(3.0) };
    draw_points(&mut chart, &modes, Shape::Circle, r, marker_style(VERMILLION.mix(0.85), true, 1))?;
    draw_points(&mut chart, &means, Shape::Circle, r, marker_style(BLUE.mix(0.9), true, 1))?;
    draw_points(&mut chart, &singular, Shape::Circle, r + 1, marker_style(GREY.mix(1.0), false, sz.upx(1.2)))?;
    let mut entries = vec![
        Entry::new(Swatch::Marker { color: VERMILLION, shape: Shape::Circle, filled: true }, "Σ modes (ranef)"),
        Entry::new(Swatch::Marker { color: BLUE, shape: Shape::Circle, filled: true }, "Σ means E[b_g | y]"),
    ];
    if !singular.is_empty() {
        entries.push(Entry::new(Swatch::Marker { color: GREY, shape: Shape::Circle, filled: false }, "σ_b = 0 (singular)"));
    }
    let mut obs = obstacles(&chart, modes.iter().copied(), 1.0);
    obs.extend(obstacles(&chart, means.iter().copied(), 1.0));
    draw_legend(&pixel_area(&chart), &entries, 1, &obs, sz)?;
    Ok(mapping(&chart, info))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Preset, SimConfig};
    use crate::models::replications::{replicate, SeedRecord};

    fn run_of(sim: &SimConfig, n: i32) -> Run {
        let mut run = Run::new(sim, 25, 1..n + 1).unwrap();
        run.add(replicate(sim, 25, 1..n + 1).unwrap()).unwrap();
        run
    }

    #[test]
    fn the_caption_counts_the_records() {
        let run = run_of(&SimConfig::preset(Preset::Answer), 30);
        let info = describe(&run);
        let t = Tally::of(run.records());
        assert_eq!(t.fitted, 30);
        let expected_modes = if t.modes_above == 0 {
            "Σ modes is below 0 on all 30".to_string()
        } else {
            format!("Σ modes is below 0 on {} and above 0 on {}", t.modes_below, t.modes_above)
        };
        assert_eq!(
            info.caption,
            format!("Seeds 1–30, glmer with nAGQ = 25: Σ means is within 10⁻⁶ of 0 on all 30 seeds; {expected_modes}.")
        );
        assert!(info.explanation.contains("it is not this seed"));
        let Claim::ReplicationCounts { seeds, means_within, modes_below, .. } = info.claims[0] else { panic!() };
        assert_eq!((seeds, means_within, modes_below), (30, 30, t.modes_below));
        assert!(info.y_range[0] < -0.02 && info.y_range[1] > 0.0, "{:?}", info.y_range);
    }

    #[test]
    fn partial_stopped_and_awkward_runs_say_so() {
        let sim = SimConfig::preset(Preset::Answer);
        let mut run = Run::new(&sim, 25, 1..201).unwrap();
        assert_eq!(describe(&run).caption, "So far 0 of 200 seeds (glmer with nAGQ = 25): no seed fitted yet.");
        run.add(replicate(&sim, 25, 26..28).unwrap()).unwrap();
        run.add(replicate(&sim, 25, 1..3).unwrap()).unwrap();
        assert_eq!(run.records().iter().map(|r| r.seed).collect::<Vec<_>>(), [1, 2, 26, 27]);
        assert!(describe(&run).caption.starts_with("So far 4 of 200 seeds"));
        run.stop();
        assert!(describe(&run).caption.starts_with("Stopped after 4 of 200 seeds (glmer with nAGQ = 25): Σ means is within 10⁻⁶ of 0 on all 4 seeds;"));
        assert!(run.add(replicate(&sim, 25, 300..301).unwrap()).is_err(), "a seed outside the run");
        let singular = SeedRecord { seed: 3, verdict: Verdict::Singular, sum_modes: Some(0.0), sum_means: Some(0.0), sigma_b: Some(0.0), reason: None };
        let failed = SeedRecord { seed: 4, verdict: Verdict::NotFitted, sum_modes: None, sum_means: None, sigma_b: None, reason: Some("Not this one.".into()) };
        run.add(vec![singular, failed]).unwrap();
        let c = describe(&run).caption;
        assert!(c.contains("on all 4 seeds with σ_b > 0"), "{c}");
        assert!(c.contains("σ_b = 0 (a singular fit: every b_g is 0, so both sums are 0) on 1 seed, drawn as grey rings"), "{c}");
        assert!(c.ends_with("glmer could not be fitted on 1 seed (seed 4: Not this one)."), "{c}");
    }

    /// The caption's claim, checked by refitting every seed with fit_all; a claim with one count off fails.
    #[test]
    fn the_captions_claim_holds_when_refitted() {
        use crate::models::replications::check_counts;
        for sim in [
            SimConfig::preset(Preset::Answer),
            SimConfig { groups: 3, n: 30, thresholds: vec![0.5; 3], spacing: 0.0, ..SimConfig::preset(Preset::Custom) },
        ] {
            let run = run_of(&sim, 16);
            let claim = describe(&run).claims.remove(0);
            check_counts(&claim, &sim).unwrap_or_else(|e| panic!("{e}"));
            let Claim::ReplicationCounts { modes_below, .. } = claim.clone() else { panic!() };
            let wrong = match claim.clone() {
                Claim::ReplicationCounts { .. } if modes_below > 0 => {
                    let mut c = claim.clone();
                    if let Claim::ReplicationCounts { modes_below, modes_above, .. } = &mut c {
                        *modes_below -= 1;
                        *modes_above += 1;
                    }
                    c
                }
                _ => {
                    let mut c = claim.clone();
                    if let Claim::ReplicationCounts { singular, fitted, .. } = &mut c {
                        *singular += 1;
                        *fitted = fitted.saturating_sub(1);
                    }
                    c
                }
            };
            assert!(check_counts(&wrong, &sim).is_err(), "{wrong:?}");
        }
    }

    #[test]
    fn draws_every_seed_as_points() {
        let run = run_of(&SimConfig::preset(Preset::Answer), 12);
        let info = describe(&run);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (600, 400)).into_drawing_area();
            let m = draw(&root, &run, &info).unwrap();
            root.present().unwrap();
            assert!(m.px[2] - m.px[0] > 300.0);
            assert_eq!(m.data, [info.x_range[0], info.x_range[1], info.y_range[0], info.y_range[1]]);
        }
        assert!(svg.contains(&info.title));
        // 24 data points and 2 legend markers.
        assert_eq!(svg.matches("<circle").count(), 26, "{svg}");
    }
}
