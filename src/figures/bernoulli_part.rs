//! Figure 6: the whole integrand T(u; α) = R(u) + B(u; α) along u on a log scale (Δℓ = T − the higher
//! peak) for the fitted α ("highest total integral") and for α + z̄ ("highest peak"), their peaks marked,
//! and the fitted-α curve mirrored about its peak (thin dashed), whose gap to the curve is the skew.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Entry, Swatch};
use super::linear_fits::obstacles;
use super::message::draw_message;
use super::palette::{BLUE, VERMILLION, WHITE};
use super::random_effects_part::vline;
use super::style::{frame, mapping, pixel_area, with_notes, Sizes};
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::descriptions::{num, significant_decimals};
use crate::surfaces::Scene;

pub(crate) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<PlotMapping> {
    let info = figure_info(scene, 6)?;
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let Some(d) = scene.decomposition.as_ref() else {
        return draw_message(root, &info.title, "The decomposition was not computed.");
    };
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let mut chart = frame(&area, info, sz, true)?;
    let y_lo = info.y_range[0];
    let clip = |v: f64| if v.is_finite() { v.max(y_lo) } else { y_lo };
    let mut entries = Vec::new();
    let mut obs = Vec::new();
    // The mirror image first, under the curves.
    let mirror: Vec<(f64, f64)> = d.u.iter().copied().zip(d.mirror_optimal.iter().map(|&v| clip(v))).collect();
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
    for (curve, color, name) in
        [(&d.optimal, BLUE, "highest total integral: α"), (&d.adjusted, VERMILLION, "highest peak: α + z̄")]
    {
        let peak = match (curve.argmax_total, curve.max_total, best) {
            (Some(u), Some(m), Some(top)) if vline(&mut chart, info, u, color, true, sz)? => {
                let dl = m - top;
                let dl = if dl == 0.0 { "0".to_string() } else { num(dl, significant_decimals(dl, 1)) };
                format!(", peak {dl} at u = {}", num(u, 4))
            }
            _ => String::new(),
        };
        let pts: Vec<(f64, f64)> = d.u.iter().copied().zip(curve.delta_total.iter().map(|&v| clip(v))).collect();
        chart.draw_series(LineSeries::new(pts.clone(), color.stroke_width(sz.upx(2.5))))?;
        obs.extend(obstacles(&chart, pts.into_iter(), 1.0));
        entries.push(Entry::new(
            Swatch::Line { color, width: sz.upx(2.5), dashed: false },
            format!("{name} = {}{peak}", num(curve.alpha, 4)),
        ));
    }
    entries.push(Entry::new(
        Swatch::Line { color: BLUE, width: sz.upx(1.3), dashed: true },
        "glmer’s α, mirrored about its peak",
    ));
    draw_legend(&pixel_area(&chart), &entries, 1, &obs, sz)?;
    Ok(mapping(&chart, info))
}
