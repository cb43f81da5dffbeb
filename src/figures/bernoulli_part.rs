//! Figure 6: the Bernoulli part of the likelihood along u for the fitted α ("highest total
//! integral") and for α + z̄ ("highest peak"), as exp(B(u; α) − max), with their maxima marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Entry, Swatch};
use super::linear_fits::obstacles;
use super::message::draw_message;
use super::palette::{BLUE, VERMILLION, WHITE};
use super::random_effects_part::vline;
use super::style::{frame, mapping, pixel_area, with_notes, Sizes};
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::descriptions::num;
use crate::surfaces::Scene;

pub(crate) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<PlotMapping> {
    let info = figure_info(scene, 6)?;
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let Some(d) = scene.decomposition.as_ref() else {
        return draw_message(root, &info.title, "The decomposition was not computed.");
    };
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let mut chart = frame(&area, info, sz, true)?;
    let mut entries = Vec::new();
    let mut obs = Vec::new();
    for (curve, color, name) in
        [(&d.optimal, BLUE, "highest total integral"), (&d.adjusted, VERMILLION, "highest peak")]
    {
        let peak = match curve.argmax_bernoulli {
            Some(u) if vline(&mut chart, info, u, color, true, sz)? => format!(", peak at u = {}", num(u, 4)),
            _ => String::new(),
        };
        let pts: Vec<(f64, f64)> = d.u.iter().copied().zip(curve.rel_bernoulli.iter().copied()).collect();
        chart.draw_series(LineSeries::new(pts.clone(), color.stroke_width(sz.upx(2.5))))?;
        obs.extend(obstacles(&chart, pts.into_iter(), 1.0));
        entries.push(Entry::new(
            Swatch::Line { color, width: sz.upx(2.5), dashed: false },
            format!("{name}: α = {}{peak}", num(curve.alpha, 4)),
        ));
    }
    draw_legend(&pixel_area(&chart), &entries, 1, &obs, sz)?;
    Ok(mapping(&chart, info))
}
