//! Markers (circle, triangle, square, diamond), in data coordinates on a chart or in pixels.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::palette::Shape;
use super::style::Chart;
use crate::error::Result;

/// Style of a marker: filled, or outlined with `stroke` pixels.
pub(crate) fn marker_style(color: RGBAColor, filled: bool, stroke: u32) -> ShapeStyle {
    if filled {
        ShapeStyle::from(&color).filled()
    } else {
        ShapeStyle::from(&color).stroke_width(stroke)
    }
}

/// Draws `pts` (data coordinates) as markers of size `r` pixels.
pub(crate) fn draw_points<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    pts: &[(f64, f64)],
    shape: Shape,
    r: i32,
    style: ShapeStyle,
) -> Result<()> {
    if pts.is_empty() {
        return Ok(());
    }
    let filled = style.filled;
    match shape {
        Shape::Circle => {
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, r, style)))?;
        }
        Shape::Triangle => {
            chart.draw_series(pts.iter().map(|&p| TriangleMarker::new(p, r + 1, style)))?;
        }
        Shape::Square => {
            let q = (r as f64 * 0.85).round() as i32;
            chart.draw_series(pts.iter().map(|&p| EmptyElement::at(p) + Rectangle::new([(-q, -q), (q, q)], style)))?;
        }
        Shape::Diamond => {
            let q = r + 1;
            if filled {
                chart.draw_series(
                    pts.iter()
                        .map(|&p| EmptyElement::at(p) + Polygon::new(vec![(0, -q), (q, 0), (0, q), (-q, 0)], style)),
                )?;
            } else {
                chart.draw_series(pts.iter().map(|&p| {
                    EmptyElement::at(p) + PathElement::new(vec![(0, -q), (q, 0), (0, q), (-q, 0), (0, -q)], style)
                }))?;
            }
        }
    }
    Ok(())
}

/// Draws one marker at pixel `(x, y)` of `area`.
pub(crate) fn draw_marker_px<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    shape: Shape,
    r: i32,
    style: ShapeStyle,
) -> Result<()> {
    match shape {
        Shape::Circle => area.draw(&Circle::new((x, y), r, style))?,
        // plotters' TriangleMarker is always filled: a hollow one is drawn as its outline.
        Shape::Triangle if !style.filled => {
            let q = f64::from(r + 1);
            let (cx, cy) = (f64::from(x), f64::from(y));
            let pt = |dx: f64, dy: f64| ((cx + dx * q).round() as i32, (cy + dy * q).round() as i32);
            let (a, b, c) = (pt(0.0, -1.0), pt(0.866, 0.5), pt(-0.866, 0.5));
            area.draw(&PathElement::new(vec![a, b, c, a], style))?
        }
        Shape::Triangle => area.draw(&TriangleMarker::new((x, y), r + 1, style))?,
        Shape::Square => {
            let q = (r as f64 * 0.85).round() as i32;
            area.draw(&Rectangle::new([(x - q, y - q), (x + q, y + q)], style))?
        }
        Shape::Diamond => {
            let q = r + 1;
            let pts = vec![(x, y - q), (x + q, y), (x, y + q), (x - q, y)];
            if style.filled {
                area.draw(&Polygon::new(pts, style))?
            } else {
                let mut closed = pts;
                closed.push((x, y - q));
                area.draw(&PathElement::new(closed, style))?
            }
        }
    }
    Ok(())
}
