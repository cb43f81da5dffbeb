//! Figures 3 and 4: the joint log-likelihood ℓ(z_a, z_b) − ℓ_max of two groups' random effects as
//! filled contour bands with isolines, the maximum, the best point with z_a = −z_b on the dashed
//! line z_a = −z_b, and (figure 3) the posterior means; a discrete colour key on the right.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::legend::{choose_place, draw_legend, Entry, Obstacle, Swatch};
use super::message::draw_message;
use super::palette::{band, Shape, BLACK, INK, VERMILLION, WHITE};
use super::style::{frame, mapping, pixel_area, tick_label, with_notes, Chart, Sizes, FONT};
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::descriptions::{decimals_for, num};
use crate::surfaces::{FigureInfo, JointSurface, Scene};

/// `var` with the group's label as a subscript: "b₁" for "1", "b[a]" for other labels.
pub(crate) fn symbol_of(var: &str, label: &str) -> String {
    const SUB: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    if !label.is_empty() && label.chars().all(|c| c.is_ascii_digit()) {
        let s: String = label.chars().filter_map(|c| c.to_digit(10).map(|d| SUB[d as usize])).collect();
        format!("{var}{s}")
    } else {
        format!("{var}[{label}]")
    }
}

/// The part of the line z_b = −z_a inside the window, if any.
fn anti_diagonal(x: [f64; 2], y: [f64; 2]) -> Option<[(f64, f64); 2]> {
    let lo = x[0].max(-y[1]);
    let hi = x[1].min(-y[0]);
    (hi > lo).then_some([(lo, -lo), (hi, -hi)])
}

/// Whether `p` lies inside the chart's data ranges (plotters would pin outside points to the edge).
fn inside<DB: DrawingBackend>(chart: &Chart<DB>, p: (f64, f64)) -> bool {
    let (x, y) = (chart.x_range(), chart.y_range());
    p.0 >= x.start && p.0 <= x.end && p.1 >= y.start && p.1 <= y.end
}

fn marker_at<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    p: (f64, f64),
    fill: RGBColor,
    r: i32,
    sz: Sizes,
) -> Result<()> {
    if !inside(chart, p) {
        return Ok(());
    }
    chart.draw_series(std::iter::once(Circle::new(p, r + sz.ipx(1.5), WHITE.filled())))?;
    chart.draw_series(std::iter::once(Circle::new(p, r, fill.filled())))?;
    chart.draw_series(std::iter::once(Circle::new(p, r, BLACK.stroke_width(sz.upx(1.3)))))?;
    Ok(())
}

fn cross_at<DB: DrawingBackend>(chart: &mut Chart<DB>, p: (f64, f64), sz: Sizes) -> Result<()> {
    if !inside(chart, p) {
        return Ok(());
    }
    let q = sz.ipx(5.0);
    for (w, c) in [(sz.upx(4.5), WHITE), (sz.upx(2.0), BLACK)] {
        let st = ShapeStyle::from(&c).stroke_width(w);
        chart.draw_series(std::iter::once(EmptyElement::at(p) + PathElement::new(vec![(-q, -q), (q, q)], st)))?;
        chart.draw_series(std::iter::once(EmptyElement::at(p) + PathElement::new(vec![(-q, q), (q, -q)], st)))?;
    }
    Ok(())
}

/// A log-likelihood difference with two significant digits (−0.0043, −0.00001).
fn small(d: f64) -> String {
    if d == 0.0 || !d.is_finite() {
        return "0".into();
    }
    let decimals = (1.0 - d.abs().log10().floor()).clamp(0.0, 12.0) as usize;
    num(d, decimals)
}

/// The inset: isolines of the close-up surface (no fill: its levels are finer than the key's),
/// the line z_a = −z_b and the markers, with small tick labels.
fn draw_closeup<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: &JointSurface, sz: Sizes) -> Result<()> {
    area.fill(&WHITE)?;
    let (w, h) = area.dim_in_pixel();
    area.draw(&Rectangle::new([(0, 0), (w as i32 - 1, h as i32 - 1)], INK.stroke_width(1)))?;
    let (x0, x1) = (c.za[0], c.za[c.za.len() - 1]);
    let (y0, y1) = (c.zb[0], c.zb[c.zb.len() - 1]);
    let mut ch = ChartBuilder::on(area)
        .margin(sz.ipx(4.0))
        .margin_right(sz.ipx(8.0))
        .x_label_area_size(sz.ipx(14.0))
        .y_label_area_size(sz.ipx(26.0))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let span = x1 - x0;
    let f = move |v: &f64| tick_label(*v, span * 2.0);
    let tick = (FONT, sz.px(9.5)).into_font().color(&INK);
    ch.configure_mesh()
        .disable_mesh()
        .x_labels(3)
        .y_labels(3)
        .x_label_formatter(&f)
        .y_label_formatter(&f)
        .label_style(tick)
        .set_all_tick_mark_size(sz.ipx(2.0))
        .axis_style(ShapeStyle::from(&INK.mix(0.5)).stroke_width(1))
        .draw()?;
    for iso in &c.isolines {
        ch.draw_series(iso.lines.iter().map(|l| {
            PathElement::new(l.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>(), INK.mix(0.45).stroke_width(1))
        }))?;
    }
    if let Some(seg) = anti_diagonal([x0, x1], [y0, y1]) {
        ch.draw_series(DashedLineSeries::new(seg.to_vec(), sz.ipx(6.0), sz.ipx(4.0), BLACK.stroke_width(sz.upx(1.4))))?;
    }
    if let Some(m) = c.posterior_means {
        cross_at(&mut ch, (m[0], m[1]), sz)?;
    }
    if let Some(l) = c.line_max {
        marker_at(&mut ch, (l[0], l[1]), WHITE, sz.ipx(3.5), sz)?;
    }
    marker_at(&mut ch, (c.max[0], c.max[1]), VERMILLION, sz.ipx(3.5), sz)?;
    ch.plotting_area().strip_coord_spec().draw(&Text::new(
        "close-up".to_string(),
        (sz.ipx(4.0), sz.ipx(3.0)),
        (FONT, sz.px(10.5)).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    Ok(())
}

/// Discrete colour bar: one box per band, highest on top, level labels at the boundaries.
fn colour_key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: &JointSurface, top: i32, sz: Sizes) -> Result<()> {
    let nb = s.levels.len() + 1;
    let box_h = sz.ipx(26.0);
    let box_w = sz.ipx(18.0);
    let x0 = sz.ipx(6.0);
    area.draw(&Text::new(
        "ℓ − ℓmax".to_string(),
        (x0, top - sz.ipx(4.0)),
        sz.legend().pos(Pos::new(HPos::Left, VPos::Bottom)),
    ))?;
    for k in 0..nb {
        // Row k from the top shows band nb − 1 − k.
        let y = top + k as i32 * box_h;
        area.draw(&Rectangle::new([(x0, y), (x0 + box_w, y + box_h)], band(nb - 1 - k, nb).filled()))?;
    }
    area.draw(&Rectangle::new(
        [(x0, top), (x0 + box_w, top + nb as i32 * box_h)],
        ShapeStyle::from(&INK.mix(0.6)).stroke_width(1),
    ))?;
    let style = sz.tick().pos(Pos::new(HPos::Left, VPos::Center));
    for (k, &level) in s.levels.iter().rev().enumerate() {
        let y = top + (k as i32 + 1) * box_h;
        area.draw(&PathElement::new(vec![(x0 + box_w, y), (x0 + box_w + sz.ipx(4.0), y)], INK.stroke_width(1)))?;
        let text = num(level, decimals_for(level).min(6));
        area.draw(&Text::new(text, (x0 + box_w + sz.ipx(6.0), y), style.clone()))?;
    }
    Ok(())
}

pub(crate) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
    adjusted: bool,
) -> Result<PlotMapping> {
    let info = figure_info(scene, if adjusted { 4 } else { 3 })?;
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let surface = if adjusted { scene.joint_adjusted.as_ref() } else { scene.joint.as_ref() };
    let Some(s) = surface else {
        return draw_message(root, &info.title, "The likelihood surface was not computed.");
    };
    let params = format!("α = {}, β = {}, σ = {}", num(s.alpha, 4), num(s.beta, 4), num(s.sigma, 4));
    draw_surface(root, info, s, &params, "z")
}

/// The surface `s` with `info`'s title, ranges and notes; `params` is the legend's last line (the fixed
/// parameters it is drawn at) and `var` the random effects' letter ("z" in figures 3–4, "b" for own data).
pub(crate) fn draw_surface<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    info: &FigureInfo,
    s: &JointSurface,
    params: &str,
    var: &str,
) -> Result<PlotMapping> {
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let (w, _) = area.dim_in_pixel();
    let key_w = sz.upx(78.0).min(w / 3);
    let (left, right) = area.split_horizontally(w - key_w);
    let mut chart = frame(&left, info, sz, false)?;
    let [x0, x1] = info.x_range;
    let [y0, y1] = info.y_range;
    let nb = s.levels.len() + 1;

    chart.draw_series(std::iter::once(Rectangle::new([(x0, y0), (x1, y1)], band(0, nb).filled())))?;
    for (k, region) in s.regions.iter().enumerate() {
        let fill = band(k + 1, nb);
        chart.draw_series(
            region
                .lines
                .iter()
                .map(|ring| Polygon::new(ring.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>(), fill.filled())),
        )?;
    }
    for iso in &s.isolines {
        chart.draw_series(iso.lines.iter().map(|l| {
            PathElement::new(l.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>(), INK.mix(0.55).stroke_width(1))
        }))?;
    }
    // Frame the plotting area again (the bands cover the axis lines' inner pixels).
    chart.draw_series(std::iter::once(Rectangle::new([(x0, y0), (x1, y1)], INK.mix(0.5).stroke_width(1))))?;

    let (za, zb) = (symbol_of(var, &s.labels.0), symbol_of(var, &s.labels.1));
    let mut entries = Vec::new();
    let mut obs: Vec<Obstacle> = Vec::new();
    let pa = chart.plotting_area().get_pixel_range();
    let to_px = |c: &Chart<DB>, p: (f64, f64)| {
        let b = c.backend_coord(&p);
        (b.0 - pa.0.start, b.1 - pa.1.start)
    };
    if let Some(seg) = anti_diagonal(info.x_range, info.y_range) {
        chart.draw_series(DashedLineSeries::new(
            seg.to_vec(),
            sz.ipx(8.0),
            sz.ipx(5.0),
            BLACK.stroke_width(sz.upx(1.6)),
        ))?;
        entries
            .push(Entry::new(Swatch::Line { color: BLACK, width: sz.upx(1.6), dashed: true }, format!("{za} = −{zb}")));
        for k in 0..=40 {
            let t = seg[0].0 + (seg[1].0 - seg[0].0) * k as f64 / 40.0;
            let q = to_px(&chart, (t, -t));
            obs.push((q.0, q.1, 2.0));
        }
    }
    if let Some(m) = s.posterior_means {
        cross_at(&mut chart, (m[0], m[1]), sz)?;
        entries
            .push(Entry::new(Swatch::Cross { color: BLACK }, format!("posterior means, sum {}", num(m[0] + m[1], 4))));
        let q = to_px(&chart, (m[0], m[1]));
        obs.push((q.0, q.1, 50.0));
    }
    if let Some(l) = s.line_max {
        marker_at(&mut chart, (l[0], l[1]), WHITE, sz.ipx(4.5), sz)?;
        let d = s.line_rel_loglik.unwrap_or(0.0);
        entries.push(Entry::new(
            Swatch::Marker { color: BLACK, shape: Shape::Circle, filled: false },
            format!("best with sum 0 ({}, {}), Δℓ = {}", num(l[0], 3), num(l[1], 3), small(d)),
        ));
        let q = to_px(&chart, (l[0], l[1]));
        obs.push((q.0, q.1, 50.0));
    }
    marker_at(&mut chart, (s.max[0], s.max[1]), VERMILLION, sz.ipx(4.5), sz)?;
    entries.insert(
        0,
        Entry::new(
            Swatch::Marker { color: VERMILLION, shape: Shape::Circle, filled: true },
            format!("maximum ({}, {}), sum {}", num(s.max[0], 3), num(s.max[1], 3), num(s.max_sum(), 4)),
        ),
    );
    let q = to_px(&chart, (s.max[0], s.max[1]));
    obs.push((q.0, q.1, 50.0));
    // Keep the legend off the innermost contours.
    if let Some(inner) = s.isolines.iter().rev().find(|i| !i.lines.is_empty()) {
        for l in &inner.lines {
            for p in l.iter().step_by(3) {
                let q = to_px(&chart, (p[0], p[1]));
                obs.push((q.0, q.1, 1.0));
            }
        }
    }
    entries.push(Entry::new(Swatch::Blank, params.to_string()));
    let legend_box = draw_legend(&pixel_area(&chart), &entries, 1, &obs, sz)?;
    if let Some(c) = s.closeup.as_deref() {
        // Outline the close-up's window on the main surface, then draw the inset where it hides least.
        let (cx, cy) = ((c.za[0], c.za[c.za.len() - 1]), (c.zb[0], c.zb[c.zb.len() - 1]));
        chart.draw_series(std::iter::once(Rectangle::new([(cx.0, cy.0), (cx.1, cy.1)], INK.stroke_width(1))))?;
        let (pw, ph) = (pa.0.end - pa.0.start, pa.1.end - pa.1.start);
        let side = ((pw as f64 * 0.40).min(ph as f64 * 0.50)) as i32;
        let (iw, ih) = (side + sz.ipx(30.0), side + sz.ipx(16.0));
        let (ix, iy) = choose_place((pw, ph), (iw, ih), &obs, &[legend_box], sz);
        let (lx, ly) = left.get_pixel_range();
        let sub = left
            .clone()
            .shrink(((pa.0.start - lx.start + ix) as u32, (pa.1.start - ly.start + iy) as u32), (iw as u32, ih as u32));
        draw_closeup(&sub, c, sz)?;
    }

    // The key starts at the top of the plotting area (in `right`'s own pixels).
    let (_, rt) = right.get_pixel_range();
    colour_key(&right, s, pa.1.start - rt.start + sz.ipx(22.0), sz)?;
    Ok(mapping(&chart, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_the_anti_diagonal() {
        assert_eq!(symbol_of("z", "12"), "z₁₂");
        assert_eq!(symbol_of("z", "a"), "z[a]");
        assert_eq!(symbol_of("b", "7"), "b₇");
        let seg = anti_diagonal([-1.5, -0.5], [0.0, 2.0]).unwrap();
        assert_eq!(seg, [(-1.5, 1.5), (-0.5, 0.5)]);
        assert!(anti_diagonal([1.0, 2.0], [1.0, 2.0]).is_none());
    }
}
