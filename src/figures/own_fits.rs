//! Your data's figure 1 or 2 ([`crate::surfaces::own_curves`]) as a [`CurvesPlot`], drawn by the lesson's
//! [`super::curves_plot::draw_curves_plot`]. Up to 8 groups each in its palette colour; with more, every
//! group's mixed-model curve thin and light grey and the chosen pair in its colours (as the posteriors figure
//! draws them; blue and vermillion if those two are the same).

use plotters::prelude::*;

use super::curves_plot::{Curve, CurvesPlot, Marks};
use super::legend::{Entry, Swatch};
use super::linear_fits::group_curve;
use super::logistic_fits::{average_curves, jitter};
use super::marks::marker_style;
use super::palette::{group_style, Shape, GREY, INK, LIGHT_GREY};
use super::style::Sizes;
use crate::surfaces::own_curves::OwnCurves;

/// Palette entries of the chosen pair when its own two colours are the same (blue, vermillion).
const PAIR_STYLES: [usize; 2] = [4, 5];

/// What the plot needs besides the curves.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvesLook<'a> {
    /// The groups in colour (all, when at most 8; else the chosen pair).
    pub coloured: &'a [usize],
    /// "herd 3" for every group.
    pub labels: &'a [String],
    /// The legend's name of the group-factor model ("glm + herd").
    pub group_factor_name: &'a str,
    pub generalised: bool,
}

/// The plot of `c`.
pub(crate) fn own_curves_plot(c: &OwnCurves, look: &CurvesLook, sz: Sizes) -> CurvesPlot {
    let groups = c.mixed.len();
    let all = look.coloured.len() == groups;
    // Palette index of each coloured group: its own (as the posteriors figure colours it), unless the pair's
    // two would share a colour.
    let clash = !all && {
        let colours: Vec<_> = look.coloured.iter().map(|&g| group_style(g).color).collect();
        colours.windows(2).any(|w| w[0] == w[1])
    };
    let style_of = |g: usize| -> Option<usize> {
        let k = look.coloured.iter().position(|&h| h == g)?;
        Some(if clash { PAIR_STYLES[k % 2] } else { g })
    };
    let p = &c.points;
    let y_of = |i: usize| if c.binary { p.y[i] + jitter(p.row[i]) } else { p.y[i] };
    let r = sz.ipx(if p.x.len() > 2000 { 1.8 } else { 2.4 });
    let mut marks = Vec::new();
    if !all {
        let pts = (0..p.x.len()).filter(|&i| style_of(p.group[i]).is_none()).map(|i| (p.x[i], y_of(i))).collect();
        marks.push(Marks { pts, shape: Shape::Circle, radius: r, style: marker_style(GREY.mix(0.25), true, 1) });
    }
    for &g in look.coloured {
        let Some(k) = style_of(g) else { continue };
        let st = group_style(k);
        let pts = (0..p.x.len()).filter(|&i| p.group[i] == g).map(|i| (p.x[i], y_of(i))).collect();
        marks.push(Marks { pts, shape: st.shape, radius: r, style: marker_style(st.color.mix(0.45), true, 1) });
    }
    let mut curves = Vec::new();
    if !all {
        let w = sz.upx(1.0);
        for (_, y) in c.mixed.iter().enumerate().filter(|&(g, _)| style_of(g).is_none()) {
            curves.push(Curve::on(&c.x, y, LIGHT_GREY.stroke_width(w), None, 0.5));
        }
    }
    for &g in look.coloured {
        if let (Some(k), Some(Some(y))) = (style_of(g), c.group_factor.get(g)) {
            curves.push(group_curve(&c.x, y, k, true, 2.0, sz));
        }
    }
    for &g in look.coloured {
        if let (Some(k), Some(y)) = (style_of(g), c.mixed.get(g)) {
            curves.push(group_curve(&c.x, y, k, false, 2.0, sz));
        }
    }
    let (averages, average_entries) =
        average_curves(&c.x, c.zero_effect.as_deref(), c.population_average.as_deref(), sz);
    curves.extend(averages);

    let line = sz.line();
    let mut legend: Vec<Entry> = look
        .coloured
        .iter()
        .filter_map(|&g| {
            let st = group_style(style_of(g)?);
            let label = look.labels.get(g)?.clone();
            Some(Entry::new(Swatch::LineMarker { color: st.color, shape: st.shape, width: line }, label))
        })
        .collect();
    if !all {
        legend.push(Entry::new(
            Swatch::Line { color: LIGHT_GREY, width: line, dashed: false },
            format!("the other {} groups", groups - look.coloured.len()),
        ));
    }
    if look.coloured.iter().any(|&g| matches!(c.group_factor.get(g), Some(Some(_)))) {
        legend.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: true }, look.group_factor_name));
    }
    let given = format!("{}, given the group", if look.generalised { "glmer" } else { "lmer" });
    legend.push(Entry::new(Swatch::Line { color: INK, width: line, dashed: false }, given));
    if look.generalised {
        legend.extend(average_entries);
    }
    let point_obstacles = (0..p.x.len()).map(|i| (p.x[i], y_of(i))).collect();
    CurvesPlot { marks, point_obstacles, curves, legend, max_columns: 2 }
}
