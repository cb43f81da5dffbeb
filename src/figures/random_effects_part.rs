//! Figure 5: the random-effects part of the likelihood along u (v fixed),
//! exp(R(u) − max R) with R(u) = Σ_g log N(z_g − z̄ + u/G; 0, σ²): highest at u = 0. [`draw_random_part`]
//! draws it for the lesson and for your data.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Entry, Swatch};
use super::linear_fits::obstacles;
use super::message::draw_message;
use super::palette::{GREEN, INK, VERMILLION, WHITE};
use super::style::{frame, mapping, pixel_area, with_notes, Chart, Sizes};
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::descriptions::num;
use crate::surfaces::{Decomposition, FigureInfo, Scene};

/// A vertical line at `x` across the plotting area (nothing when `x` is outside the x range).
pub(crate) fn vline<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    info: &FigureInfo,
    x: f64,
    color: RGBColor,
    dashed: bool,
    sz: Sizes,
) -> Result<bool> {
    if !(x >= info.x_range[0] && x <= info.x_range[1]) {
        return Ok(false);
    }
    let seg = vec![(x, info.y_range[0]), (x, info.y_range[1])];
    let st = color.stroke_width(sz.upx(1.5));
    if dashed {
        chart.draw_series(DashedLineSeries::new(seg, sz.ipx(6.0), sz.ipx(4.0), st))?;
    } else {
        chart.draw_series(LineSeries::new(seg, st))?;
    }
    Ok(true)
}

pub(crate) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<PlotMapping> {
    let info = figure_info(scene, 5)?;
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let Some(d) = scene.decomposition.as_ref() else {
        return draw_message(root, &info.title, "The decomposition was not computed.");
    };
    draw_random_part(root, info, d, "σ", "glmer's modes")
}

/// The random-effects part of `d` with `info`'s title, ranges and notes: the lesson's figure 5 and your
/// data's; `sigma` names the standard deviation in the legend ("σ", "σ_b") and `modes` the modes' line.
pub(crate) fn draw_random_part<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    info: &FigureInfo,
    d: &Decomposition,
    sigma: &str,
    modes: &str,
) -> Result<PlotMapping> {
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let mut chart = frame(&area, info, sz, true)?;
    let mut entries = Vec::new();
    if vline(&mut chart, info, 0.0, INK, true, sz)? {
        entries.push(Entry::new(Swatch::VLine { color: INK, dashed: true }, "maximum, u = 0 (effects sum to 0)"));
    }
    if vline(&mut chart, info, d.mode_sum, VERMILLION, false, sz)? {
        entries.push(Entry::new(
            Swatch::VLine { color: VERMILLION, dashed: false },
            format!("{modes}, u = {}", num(d.mode_sum, 4)),
        ));
    }
    let pts: Vec<(f64, f64)> = d.u.iter().copied().zip(d.rel_random_effects.iter().copied()).collect();
    chart.draw_series(LineSeries::new(pts.clone(), GREEN.stroke_width(sz.upx(2.5))))?;
    entries.insert(
        0,
        Entry::new(
            Swatch::Line { color: GREEN, width: sz.upx(2.5), dashed: false },
            format!("random-effects part, {sigma} = {}", num(d.sigma, 4)),
        ),
    );
    let obs = obstacles(&chart, pts.into_iter(), 1.0);
    draw_legend(&pixel_area(&chart), &entries, 1, &obs, sz)?;
    Ok(mapping(&chart, info))
}
