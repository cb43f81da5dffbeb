//! Figure 1: y against x with `lm(y ~ x + factor(group))` (dashed) and `lmer(y ~ x + (1|group))`
//! (solid) lines per group; points filled when y_bin = 1, as in the answer. Drawn by
//! [`super::curves_plot::draw_curves_plot`], as your data's figure 1.

use plotters::coord::Shift;
use plotters::prelude::*;

pub(crate) use super::curves_plot::obstacles;
use super::curves_plot::{draw_curves_plot, Curve, CurvesPlot, Marks};
use super::legend::{Entry, Swatch};
use super::marks::marker_style;
use super::message::draw_message;
use super::palette::{group_style, Shape, GREY, INK};
use super::style::Sizes;
use super::{figure_info, PlotMapping};
use crate::error::Result;
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

/// Group g's curve in its palette colour: dashed (fixed-effects models) or solid (mixed models).
pub(crate) fn group_curve(x: &[f64], y: &[f64], g: usize, dashed: bool, weight: f64, sz: Sizes) -> Curve {
    let st = group_style(g);
    let w = (sz.px(2.0) * st.width).round().max(1.0) as u32;
    let dash = dashed.then(|| (sz.ipx(7.0), sz.ipx(5.0)));
    Curve::on(x, y, st.color.stroke_width(w), dash, weight)
}

/// Per-group curves, dashed or solid, each with its obstacle weight.
pub(crate) fn group_curves(x: &[f64], curves: &[Vec<f64>], dashed: bool, weight: f64, sz: Sizes) -> Vec<Curve> {
    curves.iter().enumerate().map(|(g, c)| group_curve(x, c, g, dashed, weight, sz)).collect()
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
    let p = &scene.points;
    let r = sz.ipx(2.6);
    let mut marks = Vec::new();
    for g in 0..scene.group_labels.len() {
        let st = group_style(g);
        for filled in [false, true] {
            let pts: Vec<(f64, f64)> = (0..p.x.len())
                .filter(|&i| p.group[i] == g && (p.y_bin[i] > 0.5) == filled)
                .map(|i| (p.x[i], y[i]))
                .collect();
            let alpha = if filled { 0.55 } else { 0.8 };
            marks.push(Marks {
                pts,
                shape: st.shape,
                radius: r,
                style: marker_style(st.color.mix(alpha), filled, sz.upx(1.1)),
            });
        }
    }
    let x = &scene.curves.x;
    let mut curves = Vec::new();
    if let Some(c) = &scene.curves.lm_group {
        curves.extend(group_curves(x, c, true, 3.0, sz));
    }
    if let Some(c) = &scene.curves.lmm {
        curves.extend(group_curves(x, c, false, 3.0, sz));
    }
    let line = sz.line();
    let mut legend = group_entries(&scene.group_labels, line);
    if scene.curves.lm_group.is_some() {
        legend.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: true }, "lm + factor(group)"));
    }
    if scene.curves.lmm.is_some() {
        legend.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: false }, "lmer, (1|group)"));
    }
    legend.push(Entry::new(Swatch::Marker { color: GREY, shape: Shape::Circle, filled: true }, "y_bin = 1"));
    legend.push(Entry::new(Swatch::Marker { color: GREY, shape: Shape::Circle, filled: false }, "y_bin = 0"));
    let point_obstacles = (0..p.x.len()).map(|i| (p.x[i], y[i])).collect();
    draw_curves_plot(root, info, &CurvesPlot { marks, point_obstacles, curves, legend, max_columns: 3 })
}
