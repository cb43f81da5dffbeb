//! Shared layout: sizes that scale with the drawing area, fonts, tick labels, the chart frame and
//! the pixel-to-data mapping.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::palette::{GREY, INK, LIGHT_GREY};
use super::PlotMapping;
use crate::error::Result;
use crate::surfaces::FigureInfo;

/// The chart type of every figure: f64 × f64.
pub(crate) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

pub(crate) const FONT: &str = "sans-serif";

/// Sizes in backend pixels, designed at 600 × 400 and scaled with the smaller ratio.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    pub s: f64,
}

impl Sizes {
    pub fn of<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Sizes {
        let (w, h) = area.dim_in_pixel();
        let s = (w as f64 / 600.0).min(h as f64 / 400.0).clamp(0.5, 6.0);
        Sizes { s }
    }
    pub fn px(&self, base: f64) -> f64 {
        base * self.s
    }
    pub fn ipx(&self, base: f64) -> i32 {
        (base * self.s).round().max(1.0) as i32
    }
    pub fn upx(&self, base: f64) -> u32 {
        (base * self.s).round().max(1.0) as u32
    }
    pub fn title(&self) -> TextStyle<'static> {
        (FONT, self.px(17.0)).into_font().color(&INK)
    }
    pub fn axis_label(&self) -> TextStyle<'static> {
        (FONT, self.px(14.0)).into_font().color(&INK)
    }
    pub fn tick(&self) -> TextStyle<'static> {
        (FONT, self.px(12.5)).into_font().color(&INK)
    }
    pub fn legend(&self) -> TextStyle<'static> {
        (FONT, self.px(12.5)).into_font().color(&INK)
    }
    pub fn note(&self) -> TextStyle<'static> {
        (FONT, self.px(12.0)).into_font().color(&GREY)
    }
    /// Line width of fitted curves.
    pub fn line(&self) -> u32 {
        self.upx(2.0)
    }
}

/// Tick label with as many decimals as the axis span needs and a true minus sign.
pub(crate) fn tick_label(v: f64, span: f64) -> String {
    let step = (span / 8.0).abs();
    let decimals = if step > 0.0 && step.is_finite() { (-step.log10()).ceil().clamp(0.0, 8.0) as usize } else { 2 };
    let s = format!("{v:.decimals$}");
    let zero = s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.');
    if zero {
        s.trim_start_matches('-').to_string()
    } else {
        s.replacen('-', "−", 1)
    }
}

/// A chart with title, axes, tick labels and light grid lines on `area`, ranges from `info`.
pub(crate) fn frame<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    info: &FigureInfo,
    sz: Sizes,
    grid_lines: bool,
) -> Result<Chart<'a, DB>> {
    let [x0, x1] = info.x_range;
    let [y0, y1] = info.y_range;
    // Room for the y tick labels: 60 px holds five characters; longer labels (−0.0020) get more, so the
    // axis title does not run over them.
    let longest = [y0, y1].iter().map(|v| tick_label(*v, y1 - y0).chars().count()).max().unwrap_or(0);
    let y_area = 60.0 + 7.0 * longest.saturating_sub(5) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(&info.title, sz.title())
        .margin_top(sz.ipx(6.0))
        .margin_left(sz.ipx(8.0))
        .margin_right(sz.ipx(16.0))
        .margin_bottom(sz.ipx(4.0))
        .x_label_area_size(sz.ipx(44.0))
        .y_label_area_size(sz.ipx(y_area))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    let (xs, ys) = (x1 - x0, y1 - y0);
    let fx = move |v: &f64| tick_label(*v, xs);
    let fy = move |v: &f64| tick_label(*v, ys);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(info.x_label.as_str())
        .y_desc(info.y_label.as_str())
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(sz.tick())
        .axis_desc_style(sz.axis_label())
        .axis_style(ShapeStyle::from(&GREY).stroke_width(1))
        .x_labels(7)
        .y_labels(6)
        .set_all_tick_mark_size(sz.ipx(4.0));
    if grid_lines {
        mesh.bold_line_style(LIGHT_GREY.mix(0.55)).light_line_style(TRANSPARENT);
    } else {
        mesh.disable_mesh();
    }
    mesh.draw()?;
    Ok(chart)
}

/// Where the plotting area is in backend pixels and which data it shows.
pub(crate) fn mapping<DB: DrawingBackend>(chart: &Chart<DB>, info: &FigureInfo) -> PlotMapping {
    let [x0, x1] = info.x_range;
    let [y0, y1] = info.y_range;
    let lo = chart.backend_coord(&(x0, y0));
    let hi = chart.backend_coord(&(x1, y1));
    PlotMapping { px: [lo.0 as f64, hi.1 as f64, hi.0 as f64, lo.1 as f64], data: [x0, x1, y0, y1], log_y: false }
}

/// The plotting area in its own pixel coordinates (origin at its top-left corner).
pub(crate) fn pixel_area<DB: DrawingBackend>(chart: &Chart<DB>) -> DrawingArea<DB, Shift> {
    chart.plotting_area().strip_coord_spec()
}

/// Greedy word wrap of `text` to `max_w` pixels in `style`.
pub(crate) fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_w: u32,
) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let cand = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
        let (w, _) = area.estimate_text_size(&cand, style)?;
        if w > max_w && !cur.is_empty() {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        } else {
            cur = cand;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    Ok(lines)
}

/// Splits off a strip at the bottom of `root` for `notes` (wrapped small grey sentences) and
/// draws them; returns the area left for the chart.
pub(crate) fn with_notes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    notes: &[String],
    sz: Sizes,
) -> Result<DrawingArea<DB, Shift>> {
    if notes.is_empty() {
        return Ok(root.clone());
    }
    let (w, h) = root.dim_in_pixel();
    let style = sz.note();
    let max_w = (w as f64 - sz.px(24.0)).max(50.0) as u32;
    let mut lines = Vec::new();
    for n in notes {
        lines.extend(wrap(root, n, &style, max_w)?);
    }
    // Never more than a third of the figure.
    let line_h = sz.px(15.0);
    let max_lines = ((h as f64 / 3.0) / line_h).floor().max(1.0) as usize;
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    let strip = (lines.len() as f64 * line_h + sz.px(6.0)).round() as u32;
    let (top, bottom) = root.split_vertically(h.saturating_sub(strip));
    for (k, line) in lines.iter().enumerate() {
        bottom.draw(&Text::new(
            line.clone(),
            (sz.ipx(12.0), (k as f64 * line_h) as i32),
            style.pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
    }
    Ok(top)
}
