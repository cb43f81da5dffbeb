//! Figure 7: each group's posterior density p(b_g | y) in its own panel (stacked, one b_g axis shared), the
//! conditional mode (solid line, dot: what `ranef()` prints) and the conditional mean E[b_g | y] (dashed
//! line, diamond) marked on the curve.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::legend::{draw_legend, Entry, Swatch};
use super::linear_fits::obstacles;
use super::marks::{draw_points, marker_style};
use super::message::draw_message;
use super::palette::{group_style, Shape, GREY, INK, LIGHT_GREY, WHITE};
use super::style::{pixel_area, tick_label, with_notes, Chart, Sizes};
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::descriptions::num;
use crate::surfaces::posteriors::GroupPosterior;
use crate::surfaces::{FigureInfo, Scene};

/// One group's panel: the curve (lightly filled), the two marks and the group's label.
fn panel<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    gp: &GroupPosterior,
    label: String,
    sz: Sizes,
) -> Result<()> {
    let st = group_style(gp.group);
    let pts: Vec<(f64, f64)> = gp.b.iter().copied().zip(gp.density.iter().copied()).collect();
    chart.draw_series(AreaSeries::new(pts.clone(), 0.0, st.color.mix(0.18)))?;
    chart.draw_series(LineSeries::new(pts, st.color.stroke_width(sz.upx(2.5))))?;
    let mark = INK.stroke_width(sz.upx(1.8));
    chart.draw_series(LineSeries::new(vec![(gp.mode, 0.0), (gp.mode, gp.density_at_mode)], mark))?;
    chart.draw_series(DashedLineSeries::new(
        vec![(gp.mean, 0.0), (gp.mean, gp.density_at_mean)],
        sz.ipx(5.0),
        sz.ipx(3.5),
        mark,
    ))?;
    draw_points(chart, &[(gp.mode, gp.density_at_mode)], Shape::Circle, sz.ipx(4.0), marker_style(INK.to_rgba(), true, 1))?;
    draw_points(
        chart,
        &[(gp.mean, gp.density_at_mean)],
        Shape::Diamond,
        sz.ipx(4.5),
        marker_style(INK.to_rgba(), false, sz.upx(1.8)),
    )?;
    let area = pixel_area(chart);
    area.draw(&Text::new(
        label,
        (sz.ipx(6.0), sz.ipx(3.0)),
        sz.legend().color(&INK).pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    Ok(())
}

/// The lesson's panel label: "group 2 (180 of 200 outcomes 1): mode 0.123, mean 0.456".
fn lesson_label(gp: &GroupPosterior) -> String {
    let ones = if gp.ones == gp.n {
        format!("all {} outcomes 1", gp.n)
    } else if gp.ones == 0 {
        format!("all {} outcomes 0", gp.n)
    } else {
        format!("{} of {} outcomes 1", gp.ones, gp.n)
    };
    format!("group {} ({ones}): mode {}, mean {}", gp.label, num(gp.mode, 3), num(gp.mean, 3))
}

pub(crate) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<PlotMapping> {
    let info = figure_info(scene, 7)?;
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let Some(post) = scene.posteriors.as_ref().filter(|p| !p.groups.is_empty()) else {
        return draw_message(root, &info.title, "The posteriors were not computed.");
    };
    draw_panels(root, info, &post.groups, &lesson_label)
}

/// One panel per group of `groups` (stacked, one b_g axis shared, range `info.x_range`), each labelled
/// `label(group)`, with `info`'s title and notes: figure 7 and the own data's posteriors.
pub(crate) fn draw_panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    info: &FigureInfo,
    groups: &[GroupPosterior],
    label: &dyn Fn(&GroupPosterior) -> String,
) -> Result<PlotMapping> {
    if groups.is_empty() {
        return draw_message(root, &info.title, "The posteriors were not computed.");
    }
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let (w, h) = area.dim_in_pixel();
    let title_h = sz.upx(30.0).min(h / 3);
    let (title_area, body) = area.split_vertically(title_h);
    title_area.draw(&Text::new(
        info.title.clone(),
        (w as i32 / 2, sz.ipx(6.0)),
        sz.title().pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    let n = groups.len();
    let axis_h = sz.upx(44.0);
    let body_h = body.dim_in_pixel().1;
    let each = (body_h.saturating_sub(axis_h) / n as u32).max(1);
    let breaks: Vec<u32> = (1..n as u32).map(|k| k * each).collect();
    let panels = body.split_by_breakpoints(Vec::<u32>::new(), breaks);
    let [x0, x1] = info.x_range;
    let span = x1 - x0;
    let fx = move |v: &f64| tick_label(*v, span);
    let mut mapping = PlotMapping::default();
    for (k, (gp, pa)) in groups.iter().zip(&panels).enumerate() {
        let last = k + 1 == n;
        let peak = gp.density.iter().copied().fold(0.0, f64::max).max(gp.density_at_mode);
        let top = if peak > 0.0 && peak.is_finite() { peak * 1.45 } else { 1.0 };
        let mut chart = ChartBuilder::on(pa)
            .margin_left(sz.ipx(8.0))
            .margin_right(sz.ipx(16.0))
            .margin_top(sz.ipx(3.0))
            .x_label_area_size(if last { sz.ipx(44.0) } else { 0 })
            .y_label_area_size(sz.ipx(60.0))
            .build_cartesian_2d(x0..x1, 0.0..top)?;
        let fy = move |v: &f64| tick_label(*v, top);
        let mut mesh = chart.configure_mesh();
        mesh.x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .label_style(sz.tick())
            .axis_desc_style(sz.axis_label())
            .axis_style(ShapeStyle::from(&GREY).stroke_width(1))
            .x_labels(7)
            .y_labels(3)
            .bold_line_style(LIGHT_GREY.mix(0.55))
            .light_line_style(TRANSPARENT)
            .set_all_tick_mark_size(sz.ipx(4.0))
            .y_desc("density");
        if last {
            mesh.x_desc(info.x_label.as_str());
        }
        mesh.draw()?;
        panel(&mut chart, gp, label(gp), sz)?;
        if k == 0 {
            let entries = vec![
                Entry::new(Swatch::VLine { color: INK, dashed: false }, "conditional mode (ranef())"),
                Entry::new(Swatch::VLine { color: INK, dashed: true }, "conditional mean E[b_g | y]"),
            ];
            let pts = gp.b.iter().copied().zip(gp.density.iter().copied());
            let mut obs = obstacles(&chart, pts, 1.0);
            // Keep the group's label (top left) clear, over its whole width.
            let (label_w, _) = pixel_area(&chart).estimate_text_size(&label(gp), &sz.legend())?;
            let steps = (label_w as i32 / sz.ipx(10.0).max(1)).max(30);
            obs.extend((0..=steps).map(|i| (sz.ipx(6.0) + i * sz.ipx(10.0), sz.ipx(8.0), 5.0)));
            draw_legend(&pixel_area(&chart), &entries, 1, &obs, sz)?;
        }
        if last {
            let lo = chart.backend_coord(&(x0, 0.0));
            let hi = chart.backend_coord(&(x1, top));
            mapping = PlotMapping {
                px: [lo.0 as f64, hi.1 as f64, hi.0 as f64, lo.1 as f64],
                data: [x0, x1, 0.0, top],
                log_y: false,
            };
        }
    }
    Ok(mapping)
}
