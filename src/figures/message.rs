//! A figure that cannot be drawn shows its title and the sentence saying why.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::palette::WHITE;
use super::style::{wrap, Sizes};
use super::PlotMapping;
use crate::error::Result;

/// Draws `title` and the centred, wrapped `sentence`. The mapping has an empty data range.
pub(crate) fn draw_message<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    sentence: &str,
) -> Result<PlotMapping> {
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(
        title.to_string(),
        (w as i32 / 2, sz.ipx(10.0)),
        sz.title().pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    let style = sz.axis_label();
    let max_w = (w as f64 * 0.8) as u32;
    let lines = wrap(root, sentence, &style, max_w)?;
    let line_h = sz.px(20.0);
    let top = h as f64 / 2.0 - line_h * lines.len() as f64 / 2.0;
    for (k, line) in lines.iter().enumerate() {
        root.draw(&Text::new(
            line.clone(),
            (w as i32 / 2, (top + (k as f64 + 0.5) * line_h) as i32),
            style.pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
    }
    Ok(PlotMapping { px: [0.0, 0.0, w as f64, h as f64], data: [0.0; 4], log_y: false })
}
