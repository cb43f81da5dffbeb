//! Figure 9, shrinkage: per group (left to right) its own intercept (hollow circle, no pooling), an arrow to
//! glmer's conditional mode α̂ + b̂_g (filled circle) and the conditional mean α̂ + E[b_g | y] (diamond);
//! the complete-pooling intercept as a dashed line and glmer's α̂ as a grey line. A group with no estimate
//! of its own (all outcomes equal) is a hollow triangle on the top (all 1) or bottom (all 0) edge, joined
//! to its mode by a dotted line.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::legend::{draw_legend, Entry, Swatch};
use super::linear_fits::obstacles;
use super::marks::{draw_points, marker_style};
use super::message::draw_message;
use super::palette::{group_style, Shape, GREY, INK, LIGHT_GREY, WHITE};
use super::style::{mapping, pixel_area, tick_label, with_notes, Chart, Sizes};
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::shrinkage::Shrinkage;
use crate::surfaces::Scene;

/// Horizontal offsets (in groups) of the own estimate and of the mean from the group's position (the mode).
const OWN_DX: f64 = -0.22;
const MEAN_DX: f64 = 0.2;

/// A filled arrowhead at `tip` (data) pointing away from `from` (data), `len` pixels long.
fn arrow_head<DB: DrawingBackend>(chart: &mut Chart<DB>, from: (f64, f64), tip: (f64, f64), len: f64, back: f64, color: RGBColor) -> Result<()> {
    let (a, b) = (chart.backend_coord(&from), chart.backend_coord(&tip));
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let d = (dx * dx + dy * dy).sqrt();
    if d < len + back + 1.0 {
        return Ok(());
    }
    let (ux, uy) = (dx / d, dy / d);
    let (nx, ny) = (-uy, ux);
    let t = (-ux * back, -uy * back);
    let base = (t.0 - ux * len, t.1 - uy * len);
    let w = 0.45 * len;
    let pts = vec![
        (t.0.round() as i32, t.1.round() as i32),
        ((base.0 + nx * w).round() as i32, (base.1 + ny * w).round() as i32),
        ((base.0 - nx * w).round() as i32, (base.1 - ny * w).round() as i32),
    ];
    chart.draw_series(std::iter::once(EmptyElement::at(tip) + Polygon::new(pts, color.filled())))?;
    Ok(())
}

/// A hollow triangle at `p` (data), pointing up (`up`) or down, of half-size `r` pixels.
fn edge_triangle<DB: DrawingBackend>(chart: &mut Chart<DB>, p: (f64, f64), up: bool, r: i32, style: ShapeStyle) -> Result<()> {
    let s = if up { -1 } else { 1 };
    let pts = vec![(0, s * r), (r, -s * r), (-r, -s * r), (0, s * r)];
    chart.draw_series(std::iter::once(EmptyElement::at(p) + PathElement::new(pts, style)))?;
    Ok(())
}

fn body<DB: DrawingBackend>(chart: &mut Chart<DB>, sh: &Shrinkage, y_range: [f64; 2], sz: Sizes) -> Result<Vec<super::legend::Obstacle>> {
    let [y0, y1] = y_range;
    let (xr, _) = chart.plotting_area().get_pixel_range();
    let per_group = (xr.end - xr.start) as f64 / sh.groups.len().max(1) as f64;
    let r = sz.px(4.5).min(per_group / 6.0).max(2.0).round() as i32;
    let line = sz.upx(1.6);
    let mut obs = Vec::new();
    let x_of = |k: usize| k as f64;
    let xs = [-0.6, sh.groups.len() as f64 - 0.4];
    // Reference lines: glmer's α̂ (grey, solid), complete pooling (ink, dashed).
    chart.draw_series(LineSeries::new(xs.iter().map(|&x| (x, sh.alpha)), GREY.stroke_width(line)))?;
    if let Some(p) = sh.pooled {
        chart.draw_series(DashedLineSeries::new(xs.iter().map(|&x| (x, p)), sz.ipx(7.0), sz.ipx(4.0), INK.stroke_width(line)))?;
    }
    let edge = 0.035 * (y1 - y0);
    for s in &sh.groups {
        let st = group_style(s.group);
        let x = x_of(s.group);
        let mode = (x, s.mode);
        let own = match (s.no_pooling, s.all_equal()) {
            (Some(v), _) => Some(((x + OWN_DX, v), None)),
            (None, Some(value)) => Some(((x + OWN_DX, if value == 1.0 { y1 - edge } else { y0 + edge }), Some(value == 1.0))),
            (None, None) => None,
        };
        if let Some((p, separated)) = own {
            let stroke = st.color.stroke_width(line);
            if separated.is_some() {
                chart.draw_series(DashedLineSeries::new([p, mode], sz.ipx(2.0), sz.ipx(3.0), stroke))?;
            } else {
                chart.draw_series(LineSeries::new([p, mode], stroke))?;
            }
            arrow_head(chart, p, mode, sz.px(8.0), r as f64 + 1.0, st.color)?;
            match separated {
                Some(up) => edge_triangle(chart, p, up, r + 2, st.color.stroke_width(sz.upx(1.8)))?,
                None => {
                    draw_points(chart, &[p], Shape::Circle, r, marker_style(WHITE.to_rgba(), true, 1))?;
                    draw_points(chart, &[p], Shape::Circle, r, marker_style(st.color.to_rgba(), false, sz.upx(1.8)))?;
                }
            }
            obs.extend(obstacles(chart, [p].into_iter(), 3.0));
        }
        draw_points(chart, &[mode], Shape::Circle, r, marker_style(st.color.to_rgba(), true, 1))?;
        draw_points(chart, &[mode], Shape::Circle, r, marker_style(INK.to_rgba(), false, 1))?;
        let mean = (x + MEAN_DX, s.mean);
        draw_points(chart, &[mean], Shape::Diamond, r, marker_style(st.color.to_rgba(), true, 1))?;
        draw_points(chart, &[mean], Shape::Diamond, r, marker_style(INK.to_rgba(), false, 1))?;
        obs.extend(obstacles(chart, [mode, mean].into_iter(), 3.0));
    }
    obs.extend(obstacles(chart, (0..=40).map(|i| (xs[0] + (xs[1] - xs[0]) * i as f64 / 40.0, sh.alpha)), 1.0));
    if let Some(p) = sh.pooled {
        obs.extend(obstacles(chart, (0..=40).map(|i| (xs[0] + (xs[1] - xs[0]) * i as f64 / 40.0, p)), 1.0));
    }
    Ok(obs)
}

pub(crate) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<PlotMapping> {
    let info = figure_info(scene, 9)?;
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let Some(sh) = scene.shrinkage.as_ref().filter(|s| !s.groups.is_empty()) else {
        return draw_message(root, &info.title, "The groups' intercepts were not computed.");
    };
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let [x0, x1] = info.x_range;
    let [y0, y1] = info.y_range;
    let mut chart = ChartBuilder::on(&area)
        .caption(&info.title, sz.title())
        .margin_top(sz.ipx(6.0))
        .margin_left(sz.ipx(8.0))
        .margin_right(sz.ipx(16.0))
        .margin_bottom(sz.ipx(4.0))
        .x_label_area_size(sz.ipx(44.0))
        .y_label_area_size(sz.ipx(60.0))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let ys = y1 - y0;
    let fy = move |v: &f64| tick_label(*v, ys);
    let blank = |_: &f64| String::new();
    chart
        .configure_mesh()
        .x_desc(info.x_label.as_str())
        .y_desc(info.y_label.as_str())
        .x_label_formatter(&blank)
        .y_label_formatter(&fy)
        .label_style(sz.tick())
        .axis_desc_style(sz.axis_label())
        .axis_style(ShapeStyle::from(&GREY).stroke_width(1))
        .x_labels(2)
        .y_labels(6)
        .disable_x_mesh()
        .bold_line_style(LIGHT_GREY.mix(0.55))
        .light_line_style(TRANSPARENT)
        .set_all_tick_mark_size(sz.ipx(4.0))
        .draw()?;
    // The groups' labels under the axis (every k-th when they would crowd).
    let (xr, _) = chart.plotting_area().get_pixel_range();
    let per = (xr.end - xr.start) as f64 / sh.groups.len().max(1) as f64;
    let step = ((sz.px(26.0) / per).ceil() as usize).max(1);
    for s in sh.groups.iter().filter(|s| s.group % step == 0) {
        let (px, py) = chart.backend_coord(&(s.group as f64, y0));
        root.draw(&Text::new(s.label.clone(), (px, py + sz.ipx(6.0)), sz.tick().pos(Pos::new(HPos::Center, VPos::Top))))?;
    }
    let obs = body(&mut chart, sh, info.y_range, sz)?;
    let line = sz.upx(1.6);
    let mut entries = vec![
        Entry::new(Swatch::Marker { color: INK, shape: Shape::Circle, filled: false }, "own intercept (glm + group)"),
        Entry::new(Swatch::Marker { color: INK, shape: Shape::Circle, filled: true }, "glmer’s mode α̂ + b̂_g"),
        Entry::new(Swatch::Marker { color: INK, shape: Shape::Diamond, filled: true }, "glmer’s mean α̂ + E[b_g | y]"),
    ];
    if sh.groups.iter().any(|s| s.no_pooling.is_none() && s.all_equal().is_some()) {
        entries.push(Entry::new(Swatch::Marker { color: INK, shape: Shape::Triangle, filled: false }, "no own estimate (all 0 or all 1)"));
    }
    if sh.pooled.is_some() {
        entries.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: true }, "complete pooling (glm)"));
    }
    entries.push(Entry::new(Swatch::Line { color: GREY, width: line, dashed: false }, "glmer’s α̂"));
    let cols = if sh.groups.len() > 6 { 2 } else { 1 };
    draw_legend(&pixel_area(&chart), &entries, cols, &obs, sz)?;
    Ok(mapping(&chart, info))
}
