//! Figure 2: y_bin against x with `glm(y_bin ~ x + factor(group))` (dashed) and
//! `glmer(y_bin ~ x + (1|group))` (solid) curves per group, and the GLMM's population-averaged
//! curve ∫ logistic(α + βx + b) N(b; 0, σ_b²) db (thick black), flatter than the curve of a group with
//! b = 0, logistic(α + βx) (grey, dashed).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Entry, Swatch};
use super::linear_fits::{dashed_curves, group_entries, obstacles, solid_curves};
use super::marks::{draw_points, marker_style};
use super::message::draw_message;
use super::palette::{group_style, BLACK, GREY, INK, WHITE};
use super::style::{frame, mapping, pixel_area, with_notes, Sizes};
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::descriptions::legend_columns;
use crate::surfaces::Scene;

/// Deterministic vertical jitter in [−0.04, 0.04] for observation `i` (a multiplicative hash).
pub(crate) fn jitter(i: usize) -> f64 {
    let h = (i as u64).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((h >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.08
}

pub(crate) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<PlotMapping> {
    let info = figure_info(scene, 2)?;
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let mut chart = frame(&area, info, sz, true)?;
    let p = &scene.points;
    let r = sz.ipx(2.4);
    for g in 0..scene.group_labels.len() {
        let st = group_style(g);
        let pts: Vec<(f64, f64)> =
            (0..p.x.len()).filter(|&i| p.group[i] == g).map(|i| (p.x[i], p.y_bin[i] + jitter(i))).collect();
        draw_points(&mut chart, &pts, st.shape, r, marker_style(st.color.mix(0.4), true, 1))?;
    }
    let x = &scene.curves.x;
    if let Some(c) = &scene.curves.glm_group {
        dashed_curves(&mut chart, x, c, sz)?;
    }
    if let Some(c) = &scene.curves.glmm {
        solid_curves(&mut chart, x, c, sz)?;
    }
    let zero_width = sz.upx(2.5);
    if let Some(z) = &scene.curves.zero_effect {
        let pts: Vec<(f64, f64)> = x.iter().copied().zip(z.iter().copied()).collect();
        chart.draw_series(DashedLineSeries::new(pts, sz.ipx(9.0), sz.ipx(5.0), GREY.stroke_width(zero_width)))?;
    }
    if let Some(pa) = &scene.curves.population_average {
        let pts: Vec<(f64, f64)> = x.iter().copied().zip(pa.iter().copied()).collect();
        chart.draw_series(LineSeries::new(pts, BLACK.stroke_width(sz.upx(3.5))))?;
    }

    let mut obs = obstacles(&chart, (0..p.x.len()).map(|i| (p.x[i], p.y_bin[i] + jitter(i))), 1.0);
    for set in [&scene.curves.glm_group, &scene.curves.glmm].into_iter().flatten() {
        for c in set {
            obs.extend(obstacles(&chart, x.iter().copied().zip(c.iter().copied()), 2.0));
        }
    }
    for c in [&scene.curves.zero_effect, &scene.curves.population_average].into_iter().flatten() {
        obs.extend(obstacles(&chart, x.iter().copied().zip(c.iter().copied()), 3.0));
    }
    let line = sz.line();
    let mut entries = group_entries(&scene.group_labels, line);
    if scene.curves.glm_group.is_some() {
        entries.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: true }, "glm + factor(group)"));
    }
    if scene.curves.glmm.is_some() {
        entries.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: false }, "glmer, given the group"));
    }
    if scene.curves.zero_effect.is_some() {
        entries.push(Entry::new(Swatch::Line { color: GREY, width: zero_width, dashed: true }, "glmer, b = 0"));
    }
    if scene.curves.population_average.is_some() {
        entries.push(Entry::new(
            Swatch::Line { color: BLACK, width: sz.upx(3.5), dashed: false },
            "glmer, population average",
        ));
    }
    let cols = legend_columns(entries.len());
    draw_legend(&pixel_area(&chart), &entries, cols, &obs, sz)?;
    Ok(mapping(&chart, info))
}
