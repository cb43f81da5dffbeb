//! Legends drawn inside the plotting area, in the place where they hide the least.
//!
//! Candidate places are the four corners and the middles of the sides (inset a few pixels); each is
//! scored by the weighted number of data marks (points, curve samples) under the box and the least
//! covered one wins, ties going to the earlier candidate.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::marks::{draw_marker_px, marker_style};
use super::palette::{Shape, GREY, WHITE};
use super::style::Sizes;
use crate::error::Result;

/// The sample drawn before a legend label.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    Line {
        color: RGBColor,
        width: u32,
        dashed: bool,
    },
    Marker {
        color: RGBColor,
        shape: Shape,
        filled: bool,
    },
    /// A solid line through a marker (a group: its colour and shape).
    LineMarker {
        color: RGBColor,
        shape: Shape,
        width: u32,
    },
    Cross {
        color: RGBColor,
    },
    /// A vertical reference line.
    VLine {
        color: RGBColor,
        dashed: bool,
    },
    /// No sample (a remark such as "… and 43 more groups").
    Blank,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub swatch: Swatch,
    pub label: String,
}

impl Entry {
    pub fn new(swatch: Swatch, label: impl Into<String>) -> Entry {
        Entry { swatch, label: label.into() }
    }
}

/// A mark in the plotting area's pixel coordinates with how much covering it costs.
pub(crate) type Obstacle = (i32, i32, f64);

struct Layout {
    col_w: Vec<i32>,
    rows: usize,
    w: i32,
    h: i32,
}

fn layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    cols: usize,
    sz: Sizes,
) -> Result<Layout> {
    let cols = cols.clamp(1, entries.len().max(1));
    let rows = entries.len().div_ceil(cols);
    let style = sz.legend();
    let mut col_w = vec![0; cols];
    for (k, e) in entries.iter().enumerate() {
        let (tw, _) = area.estimate_text_size(&e.label, &style)?;
        let c = k / rows;
        col_w[c] = col_w[c].max(sz.ipx(30.0) + tw as i32);
    }
    let gap = sz.ipx(14.0);
    let pad = sz.ipx(7.0);
    let w = col_w.iter().sum::<i32>() + gap * (cols as i32 - 1) + 2 * pad;
    let h = rows as i32 * sz.ipx(18.0) + 2 * pad - sz.ipx(2.0);
    Ok(Layout { col_w, rows, w, h })
}

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sw: Swatch,
    (x, y): (i32, i32),
    sz: Sizes,
) -> Result<()> {
    let len = sz.ipx(24.0);
    let r = sz.ipx(3.5);
    match sw {
        Swatch::Line { color, width, dashed } => {
            let style = ShapeStyle::from(&color).stroke_width(width);
            if dashed {
                let dash = sz.ipx(6.0);
                let mut t = 0;
                while t < len {
                    let e = (t + dash).min(len);
                    area.draw(&PathElement::new(vec![(x + t, y), (x + e, y)], style))?;
                    t += dash + sz.ipx(4.0);
                }
            } else {
                area.draw(&PathElement::new(vec![(x, y), (x + len, y)], style))?;
            }
        }
        Swatch::Marker { color, shape, filled } => {
            draw_marker_px(area, (x + len / 2, y), shape, r, marker_style(color.mix(0.85), filled, sz.upx(1.2)))?;
        }
        Swatch::LineMarker { color, shape, width } => {
            area.draw(&PathElement::new(vec![(x, y), (x + len, y)], ShapeStyle::from(&color).stroke_width(width)))?;
            draw_marker_px(area, (x + len / 2, y), shape, r, marker_style(color.to_rgba(), true, 1))?;
        }
        Swatch::Cross { color } => {
            let q = sz.ipx(4.5);
            let c = (x + len / 2, y);
            let st = ShapeStyle::from(&color).stroke_width(sz.upx(2.0));
            area.draw(&PathElement::new(vec![(c.0 - q, c.1 - q), (c.0 + q, c.1 + q)], st))?;
            area.draw(&PathElement::new(vec![(c.0 - q, c.1 + q), (c.0 + q, c.1 - q)], st))?;
        }
        Swatch::Blank => {}
        Swatch::VLine { color, dashed } => {
            let c = x + len / 2;
            let h = sz.ipx(7.0);
            let st = ShapeStyle::from(&color).stroke_width(sz.upx(1.5));
            if dashed {
                area.draw(&PathElement::new(vec![(c, y - h), (c, y - h / 3)], st))?;
                area.draw(&PathElement::new(vec![(c, y + h / 3), (c, y + h)], st))?;
            } else {
                area.draw(&PathElement::new(vec![(c, y - h), (c, y + h)], st))?;
            }
        }
    }
    Ok(())
}

/// A rectangle (x0, y0, x1, y1) in the plotting area's pixels.
pub(crate) type Rect = (i32, i32, i32, i32);

/// The top-left corner for a `w` × `h` box in an `aw` × `ah` area: the candidate (corners, then
/// side middles) covering the least obstacle weight and no `avoid` rectangle.
pub(crate) fn choose_place(
    (aw, ah): (i32, i32),
    (w, h): (i32, i32),
    obstacles: &[Obstacle],
    avoid: &[Rect],
    sz: Sizes,
) -> (i32, i32) {
    let m = sz.ipx(8.0);
    let (left, right) = (m, (aw - w - m).max(m));
    let (top, bottom) = (m, (ah - h - m).max(m));
    let (midx, midy) = (((aw - w) / 2).max(m), ((ah - h) / 2).max(m));
    let candidates = [
        (left, top),
        (right, top),
        (right, bottom),
        (left, bottom),
        (right, midy),
        (left, midy),
        (midx, top),
        (midx, bottom),
    ];
    let slack = sz.ipx(4.0);
    let cost = |(x, y): (i32, i32)| -> f64 {
        let hit: f64 = obstacles
            .iter()
            .filter(|o| o.0 >= x - slack && o.0 <= x + w + slack && o.1 >= y - slack && o.1 <= y + h + slack)
            .map(|o| o.2)
            .sum();
        let overlap =
            avoid.iter().any(|r| x < r.2 + slack && x + w + slack > r.0 && y < r.3 + slack && y + h + slack > r.1);
        hit + if overlap { 1e9 } else { 0.0 }
    };
    let mut best = candidates[0];
    let mut best_cost = cost(best);
    for &c in &candidates[1..] {
        let k = cost(c);
        if k < best_cost - 1e-9 {
            best = c;
            best_cost = k;
        }
    }
    best
}

/// Draws the legend in `cols` columns at the least obstructive place of `area` (the plotting
/// area in its own pixels). Returns the box drawn.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
    cols: usize,
    obstacles: &[Obstacle],
    sz: Sizes,
) -> Result<Rect> {
    if entries.is_empty() {
        return Ok((0, 0, 0, 0));
    }
    let lay = layout(area, entries, cols, sz)?;
    let (aw, ah) = area.dim_in_pixel();
    let (x0, y0) = choose_place((aw as i32, ah as i32), (lay.w, lay.h), obstacles, &[], sz);
    area.draw(&Rectangle::new([(x0, y0), (x0 + lay.w, y0 + lay.h)], WHITE.mix(0.88).filled()))?;
    area.draw(&Rectangle::new([(x0, y0), (x0 + lay.w, y0 + lay.h)], ShapeStyle::from(&GREY.mix(0.6)).stroke_width(1)))?;
    let pad = sz.ipx(7.0);
    let row_h = sz.ipx(18.0);
    let gap = sz.ipx(14.0);
    let style = sz.legend().pos(Pos::new(HPos::Left, VPos::Center));
    let mut cx = x0 + pad;
    for (c, w) in lay.col_w.iter().enumerate() {
        for r in 0..lay.rows {
            let Some(e) = entries.get(c * lay.rows + r) else { break };
            let cy = y0 + pad + r as i32 * row_h + row_h / 2 - sz.ipx(1.0);
            draw_swatch(area, e.swatch, (cx, cy), sz)?;
            area.draw(&Text::new(e.label.clone(), (cx + sz.ipx(30.0), cy), style.clone()))?;
        }
        cx += w + gap;
    }
    Ok((x0, y0, x0 + lay.w, y0 + lay.h))
}
