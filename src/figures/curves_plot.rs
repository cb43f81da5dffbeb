//! Data and fitted curves against one x axis: the drawing of figures 1 and 2, shared by the lesson
//! ([`super::linear_fits`], [`super::logistic_fits`]) and your data ([`super::own`]). The caller says what to
//! draw (point sets, lines, legend entries, in drawing order); this draws them on the frame of `info`, with
//! the legend placed where it covers the fewest points and curve samples.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Entry};
use super::marks::draw_points;
use super::message::draw_message;
use super::palette::{Shape, WHITE};
use super::style::{frame, mapping, pixel_area, with_notes, Chart, Sizes};
use super::PlotMapping;
use crate::error::Result;
use crate::surfaces::descriptions::{legend_columns, FigureInfo};

/// One set of points drawn with one marker.
pub(crate) struct Marks {
    pub pts: Vec<(f64, f64)>,
    pub shape: Shape,
    pub radius: i32,
    pub style: ShapeStyle,
}

/// One curve on the plot's x samples.
pub(crate) struct Curve {
    pub pts: Vec<(f64, f64)>,
    pub style: ShapeStyle,
    /// (dash, gap) in pixels for a dashed line; None for a solid one.
    pub dash: Option<(i32, i32)>,
    /// What covering one of its samples costs the legend.
    pub weight: f64,
}

impl Curve {
    /// The finite samples (x_k, y_k) of a curve.
    pub fn on(x: &[f64], y: &[f64], style: ShapeStyle, dash: Option<(i32, i32)>, weight: f64) -> Curve {
        let pts = x.iter().copied().zip(y.iter().copied()).filter(|p| p.1.is_finite()).collect();
        Curve { pts, style, dash, weight }
    }
}

/// Everything one figure of data and fitted curves draws.
pub(crate) struct CurvesPlot {
    /// Drawn first, in this order.
    pub marks: Vec<Marks>,
    /// The points as legend obstacles (weight 1), in data order.
    pub point_obstacles: Vec<(f64, f64)>,
    /// Drawn over the points, in this order.
    pub curves: Vec<Curve>,
    pub legend: Vec<Entry>,
    /// At most this many legend columns (the lesson: 3; your data's longer labels: 2).
    pub max_columns: usize,
}

/// Pixel positions (relative to the plotting area) of data-space samples, as legend obstacles.
pub(crate) fn obstacles<DB: DrawingBackend>(
    chart: &Chart<DB>,
    pts: impl Iterator<Item = (f64, f64)>,
    weight: f64,
) -> Vec<super::legend::Obstacle> {
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    pts.filter(|p| p.0.is_finite() && p.1.is_finite())
        .map(|p| {
            let c = chart.backend_coord(&p);
            (c.0 - xr.start, c.1 - yr.start, weight)
        })
        .collect()
}

/// Draws `plot` with `info`'s title, axes and notes (or `info.unavailable` alone).
pub(crate) fn draw_curves_plot<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    info: &FigureInfo,
    plot: &CurvesPlot,
) -> Result<PlotMapping> {
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let mut chart = frame(&area, info, sz, true)?;
    for m in &plot.marks {
        draw_points(&mut chart, &m.pts, m.shape, m.radius, m.style)?;
    }
    for c in &plot.curves {
        match c.dash {
            Some((dash, gap)) => {
                chart.draw_series(DashedLineSeries::new(c.pts.iter().copied(), dash, gap, c.style))?;
            }
            None => {
                chart.draw_series(LineSeries::new(c.pts.iter().copied(), c.style))?;
            }
        }
    }
    let mut obs = obstacles(&chart, plot.point_obstacles.iter().copied(), 1.0);
    for c in &plot.curves {
        obs.extend(obstacles(&chart, c.pts.iter().copied(), c.weight));
    }
    let cols = legend_columns(plot.legend.len()).min(plot.max_columns.max(1));
    draw_legend(&pixel_area(&chart), &plot.legend, cols, &obs, sz)?;
    Ok(mapping(&chart, info))
}
