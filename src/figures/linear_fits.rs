//! Figure 1: y against x with `lm(y ~ x + factor(group))` (dashed) and `lmer(y ~ x + (1|group))`
//! (solid) lines per group; points filled when y_bin = 1, as in the answer.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Entry, Obstacle, Swatch};
use super::marks::{draw_points, marker_style};
use super::message::draw_message;
use super::palette::{group_style, Shape, GREY, INK, WHITE};
use super::style::{frame, mapping, pixel_area, with_notes, Chart, Sizes};
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::descriptions::legend_columns;
use crate::surfaces::Scene;

/// Group legend entries: every group up to eight, else the first seven and a count.
pub(crate) fn group_entries(labels: &[String], line: u32) -> Vec<Entry> {
    let g = labels.len();
    let shown = if g <= 8 { g } else { 7 };
    let mut e: Vec<Entry> = (0..shown)
        .map(|k| {
            let st = group_style(k);
            Entry::new(
                Swatch::LineMarker { color: st.color, shape: st.shape, width: line },
                format!("group {}", labels[k]),
            )
        })
        .collect();
    if g > shown {
        e.push(Entry::new(Swatch::Blank, format!("… and {} more groups", g - shown)));
    }
    e
}

/// Pixel positions (relative to the plotting area) of data-space samples, as legend obstacles.
pub(crate) fn obstacles<DB: DrawingBackend>(
    chart: &Chart<DB>,
    pts: impl Iterator<Item = (f64, f64)>,
    weight: f64,
) -> Vec<Obstacle> {
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    pts.filter(|p| p.0.is_finite() && p.1.is_finite())
        .map(|p| {
            let c = chart.backend_coord(&p);
            (c.0 - xr.start, c.1 - yr.start, weight)
        })
        .collect()
}

/// Dashed per-group curves (fixed-effects models).
pub(crate) fn dashed_curves<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    x: &[f64],
    curves: &[Vec<f64>],
    sz: Sizes,
) -> Result<()> {
    for (g, c) in curves.iter().enumerate() {
        let st = group_style(g);
        let w = (sz.px(2.0) * st.width).round().max(1.0) as u32;
        let pts: Vec<(f64, f64)> = x.iter().copied().zip(c.iter().copied()).filter(|p| p.1.is_finite()).collect();
        chart.draw_series(DashedLineSeries::new(pts, sz.ipx(7.0), sz.ipx(5.0), st.color.stroke_width(w)))?;
    }
    Ok(())
}

/// Solid per-group curves (mixed models).
pub(crate) fn solid_curves<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    x: &[f64],
    curves: &[Vec<f64>],
    sz: Sizes,
) -> Result<()> {
    for (g, c) in curves.iter().enumerate() {
        let st = group_style(g);
        let w = (sz.px(2.0) * st.width).round().max(1.0) as u32;
        let pts: Vec<(f64, f64)> = x.iter().copied().zip(c.iter().copied()).filter(|p| p.1.is_finite()).collect();
        chart.draw_series(LineSeries::new(pts, st.color.stroke_width(w)))?;
    }
    Ok(())
}

pub(crate) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<PlotMapping> {
    let info = figure_info(scene, 1)?;
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let Some(y) = scene.points.y.as_ref() else {
        return draw_message(root, &info.title, "These data have no continuous outcome y.");
    };
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let mut chart = frame(&area, info, sz, true)?;
    let p = &scene.points;
    let g_count = scene.group_labels.len();
    let r = sz.ipx(2.6);
    for g in 0..g_count {
        let st = group_style(g);
        for filled in [false, true] {
            let pts: Vec<(f64, f64)> = (0..p.x.len())
                .filter(|&i| p.group[i] == g && (p.y_bin[i] > 0.5) == filled)
                .map(|i| (p.x[i], y[i]))
                .collect();
            let alpha = if filled { 0.55 } else { 0.8 };
            draw_points(&mut chart, &pts, st.shape, r, marker_style(st.color.mix(alpha), filled, sz.upx(1.1)))?;
        }
    }
    let x = &scene.curves.x;
    if let Some(c) = &scene.curves.lm_group {
        dashed_curves(&mut chart, x, c, sz)?;
    }
    if let Some(c) = &scene.curves.lmm {
        solid_curves(&mut chart, x, c, sz)?;
    }

    let mut obs = obstacles(&chart, (0..p.x.len()).map(|i| (p.x[i], y[i])), 1.0);
    for set in [&scene.curves.lm_group, &scene.curves.lmm].into_iter().flatten() {
        for c in set {
            obs.extend(obstacles(&chart, x.iter().copied().zip(c.iter().copied()), 3.0));
        }
    }
    let line = sz.line();
    let mut entries = group_entries(&scene.group_labels, line);
    if scene.curves.lm_group.is_some() {
        entries.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: true }, "lm + factor(group)"));
    }
    if scene.curves.lmm.is_some() {
        entries.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: false }, "lmer, (1|group)"));
    }
    entries.push(Entry::new(Swatch::Marker { color: GREY, shape: Shape::Circle, filled: true }, "y_bin = 1"));
    entries.push(Entry::new(Swatch::Marker { color: GREY, shape: Shape::Circle, filled: false }, "y_bin = 0"));
    let cols = legend_columns(entries.len());
    draw_legend(&pixel_area(&chart), &entries, cols, &obs, sz)?;
    Ok(mapping(&chart, info))
}
