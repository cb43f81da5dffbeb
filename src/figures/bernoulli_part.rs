//! Figure 6: the whole integrand T(u; α) = R(u) + B(u; α) along u on a log scale (Δℓ = T − the higher
//! peak) for the fitted α ("highest total integral") and for α + z̄ ("highest peak"), their peaks marked,
//! and the fitted-α curve mirrored about its peak (thin dashed), whose gap to the curve is the skew.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::legend::{choose_place, draw_legend, Entry, Swatch};
use super::linear_fits::obstacles;
use super::message::draw_message;
use super::palette::{BLUE, INK, VERMILLION, WHITE};
use super::random_effects_part::vline;
use super::style::{frame, mapping, pixel_area, tick_label, with_notes, Sizes, FONT};
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::descriptions::{num, significant_decimals};
use crate::surfaces::decomposition::{Decomposition, PeakCloseup};
use crate::surfaces::{FigureInfo, Scene};

/// The inset: both curves near their peaks, Δℓ on a fine scale, the peaks marked.
fn draw_peaks<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &PeakCloseup, peaks: [Option<f64>; 2], sz: Sizes) -> Result<()> {
    area.fill(&WHITE)?;
    let (w, h) = area.dim_in_pixel();
    area.draw(&Rectangle::new([(0, 0), (w as i32 - 1, h as i32 - 1)], INK.stroke_width(1)))?;
    let (x0, x1) = (c.u[0], c.u[c.u.len() - 1]);
    let [y0, y1] = c.y_range;
    let mut ch = ChartBuilder::on(area)
        .margin(sz.ipx(4.0))
        .margin_top(sz.ipx(16.0))
        .margin_right(sz.ipx(10.0))
        .x_label_area_size(sz.ipx(14.0))
        .y_label_area_size(sz.ipx(44.0))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let (xs, ys) = ((x1 - x0) * 2.0, (y1 - y0) * 2.0);
    let fx = move |v: &f64| tick_label(*v, xs);
    let fy = move |v: &f64| tick_label(*v, ys);
    let tick = (FONT, sz.px(9.5)).into_font().color(&INK);
    ch.configure_mesh()
        .disable_mesh()
        .x_labels(3)
        .y_labels(3)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(tick)
        .set_all_tick_mark_size(sz.ipx(2.0))
        .axis_style(ShapeStyle::from(&INK.mix(0.5)).stroke_width(1))
        .draw()?;
    for (vals, color, peak) in [(&c.optimal, BLUE, peaks[0]), (&c.adjusted, VERMILLION, peaks[1])] {
        if let Some(p) = peak {
            let seg = vec![(p, y0), (p, y1)];
            ch.draw_series(DashedLineSeries::new(seg, sz.ipx(4.0), sz.ipx(3.0), color.stroke_width(1)))?;
        }
        // The part above the inset's floor (contiguous: the curve is concave).
        let pts: Vec<(f64, f64)> = c.u.iter().copied().zip(vals.iter().copied()).filter(|p| p.1 >= y0).collect();
        ch.draw_series(LineSeries::new(pts, color.stroke_width(sz.upx(2.0))))?;
    }
    area.draw(&Text::new(
        "close-up of the peaks".to_string(),
        (sz.ipx(5.0), sz.ipx(3.0)),
        (FONT, sz.px(10.5)).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    Ok(())
}

pub(crate) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<PlotMapping> {
    let info = figure_info(scene, 6)?;
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let Some(d) = scene.decomposition.as_ref() else {
        return draw_message(root, &info.title, "The decomposition was not computed.");
    };
    let names = [
        format!("highest total integral: fitted α = {}", num(d.optimal.alpha, 4)),
        format!("highest peak: shifted α = {}", num(d.adjusted.alpha, 4)),
    ];
    draw_integrand(root, info, d, &names, "fitted α, mirrored about its peak")
}

/// The points of (u, v) at or above `floor`, with the curve's crossings of the floor interpolated: the curve
/// ends where it leaves the plot instead of running along its bottom edge (T is concave in u, so the part
/// above the floor is one piece).
fn above_floor(u: &[f64], v: &[f64], floor: f64) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(u.len());
    let up = |x: f64| x.is_finite() && x >= floor;
    for k in 0..u.len().min(v.len()) {
        if k > 0 && up(v[k]) != up(v[k - 1]) && v[k].is_finite() && v[k - 1].is_finite() {
            let t = (floor - v[k - 1]) / (v[k] - v[k - 1]);
            pts.push((u[k - 1] + t * (u[k] - u[k - 1]), floor));
        }
        if up(v[k]) {
            pts.push((u[k], v[k]));
        }
    }
    pts
}

/// The whole integrand of `d` with `info`'s title, ranges and notes: the lesson's figure 6 and your data's;
/// `names` label the fitted and the shifted curve in the legend (each followed by its peak), `mirror` the
/// mirrored curve.
pub(crate) fn draw_integrand<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    info: &FigureInfo,
    d: &Decomposition,
    names: &[String; 2],
    mirror_name: &str,
) -> Result<PlotMapping> {
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let mut chart = frame(&area, info, sz, true)?;
    let y_lo = info.y_range[0];
    let mut entries = Vec::new();
    let mut obs = Vec::new();
    // The mirror image first, under the curves.
    let mirror = above_floor(&d.u, &d.mirror_optimal, y_lo);
    if !mirror.is_empty() {
        chart.draw_series(DashedLineSeries::new(
            mirror.clone(),
            sz.ipx(3.0),
            sz.ipx(3.0),
            BLUE.mix(0.8).stroke_width(sz.upx(1.3)),
        ))?;
        obs.extend(obstacles(&chart, mirror.into_iter(), 0.5));
    }
    let best = d.optimal.max_total.zip(d.adjusted.max_total).map(|(a, b)| a.max(b));
    for (curve, color, name) in [(&d.optimal, BLUE, &names[0]), (&d.adjusted, VERMILLION, &names[1])] {
        let peak = match (curve.argmax_total, curve.max_total, best) {
            (Some(u), Some(m), Some(top)) if vline(&mut chart, info, u, color, true, sz)? => {
                let dl = m - top;
                let dl = if dl == 0.0 { "0".to_string() } else { num(dl, significant_decimals(dl, 1)) };
                format!(", peak {dl} at u = {}", num(u, 4))
            }
            _ => String::new(),
        };
        let pts = above_floor(&d.u, &curve.delta_total, y_lo);
        chart.draw_series(LineSeries::new(pts.clone(), color.stroke_width(sz.upx(2.5))))?;
        obs.extend(obstacles(&chart, pts.into_iter(), 1.0));
        entries.push(Entry::new(
            Swatch::Line { color, width: sz.upx(2.5), dashed: false },
            format!("{name}{peak}"),
        ));
    }
    entries.push(Entry::new(
        Swatch::Line { color: BLUE, width: sz.upx(1.3), dashed: true },
        mirror_name.to_string(),
    ));
    let legend_box = draw_legend(&pixel_area(&chart), &entries, 1, &obs, sz)?;
    if let Some(c) = &d.peak_closeup {
        let pa = chart.plotting_area().get_pixel_range();
        let (pw, ph) = (pa.0.end - pa.0.start, pa.1.end - pa.1.start);
        let (iw, ih) = ((pw as f64 * 0.40) as i32, (ph as f64 * 0.42) as i32);
        let (ix, iy) = choose_place((pw, ph), (iw, ih), &obs, &[legend_box], sz);
        let (ax, ay) = area.get_pixel_range();
        let sub = area.clone().shrink(((pa.0.start - ax.start + ix) as u32, (pa.1.start - ay.start + iy) as u32), (iw as u32, ih as u32));
        draw_peaks(&sub, c, [d.optimal.argmax_total, d.adjusted.argmax_total], sz)?;
    }
    Ok(mapping(&chart, info))
}
