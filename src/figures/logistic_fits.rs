//! Figure 2: y_bin against x with `glm(y_bin ~ x + factor(group))` (dashed) and
//! `glmer(y_bin ~ x + (1|group))` (solid) curves per group, and the GLMM's population-averaged
//! curve ∫ logistic(α + βx + b) N(b; 0, σ_b²) db (thick black), flatter than the curve of a group with
//! b = 0, logistic(α + βx) (grey, dashed). Drawn by [`super::curves_plot::draw_curves_plot`], as your
//! data's figure 2.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::curves_plot::{draw_curves_plot, Curve, CurvesPlot, Marks};
use super::legend::{Entry, Swatch};
use super::linear_fits::{group_curves, group_entries};
use super::marks::marker_style;
use super::palette::{group_style, BLACK, GREY, INK};
use super::style::Sizes;
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::Scene;

/// Deterministic vertical jitter in [−0.04, 0.04] for observation `i` (a multiplicative hash).
pub(crate) fn jitter(i: usize) -> f64 {
    let h = (i as u64).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((h >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.08
}

/// The b = 0 curve (grey, dashed) and the population average (thick black), with their legend entries.
pub(crate) fn average_curves(x: &[f64], zero: Option<&[f64]>, average: Option<&[f64]>, sz: Sizes) -> (Vec<Curve>, Vec<Entry>) {
    let zero_width = sz.upx(2.5);
    let (mut curves, mut legend) = (Vec::new(), Vec::new());
    if let Some(z) = zero {
        curves.push(Curve::on(x, z, GREY.stroke_width(zero_width), Some((sz.ipx(9.0), sz.ipx(5.0))), 3.0));
        legend.push(Entry::new(Swatch::Line { color: GREY, width: zero_width, dashed: true }, "glmer, b = 0"));
    }
    if let Some(pa) = average {
        curves.push(Curve::on(x, pa, BLACK.stroke_width(sz.upx(3.5)), None, 3.0));
        legend.push(Entry::new(
            Swatch::Line { color: BLACK, width: sz.upx(3.5), dashed: false },
            "glmer, population average",
        ));
    }
    (curves, legend)
}

pub(crate) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<PlotMapping> {
    let info = figure_info(scene, 2)?;
    let sz = Sizes::of(root);
    let p = &scene.points;
    let r = sz.ipx(2.4);
    let marks = (0..scene.group_labels.len())
        .map(|g| {
            let st = group_style(g);
            let pts = (0..p.x.len()).filter(|&i| p.group[i] == g).map(|i| (p.x[i], p.y_bin[i] + jitter(i))).collect();
            Marks { pts, shape: st.shape, radius: r, style: marker_style(st.color.mix(0.4), true, 1) }
        })
        .collect();
    let x = &scene.curves.x;
    let mut curves = Vec::new();
    if let Some(c) = &scene.curves.glm_group {
        curves.extend(group_curves(x, c, true, 2.0, sz));
    }
    if let Some(c) = &scene.curves.glmm {
        curves.extend(group_curves(x, c, false, 2.0, sz));
    }
    let (averages, average_entries) =
        average_curves(x, scene.curves.zero_effect.as_deref(), scene.curves.population_average.as_deref(), sz);
    curves.extend(averages);
    let line = sz.line();
    let mut legend = group_entries(&scene.group_labels, line);
    if scene.curves.glm_group.is_some() {
        legend.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: true }, "glm + factor(group)"));
    }
    if scene.curves.glmm.is_some() {
        legend.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: false }, "glmer, given the group"));
    }
    legend.extend(average_entries);
    let point_obstacles = (0..p.x.len()).map(|i| (p.x[i], p.y_bin[i] + jitter(i))).collect();
    draw_curves_plot(root, info, &CurvesPlot { marks, point_obstacles, curves, legend, max_columns: 3 })
}
