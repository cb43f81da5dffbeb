//! Figure 8: the α profile, β and σ_b held at glmer's fit. Blue: the log marginal likelihood ℓ(α); vermillion:
//! the log height of the joint peak, log P(α); each minus its own maximum, so both peak at 0. Dashed lines
//! at their maxima (where the conditional means, respectively modes, sum to zero), a grey line at
//! glmer's α and a black line at the handle.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{draw_legend, Entry, Swatch};
use super::linear_fits::obstacles;
use super::message::draw_message;
use super::palette::{BLUE, GREY, INK, VERMILLION, WHITE};
use super::random_effects_part::vline;
use super::style::{frame, mapping, pixel_area, with_notes, Sizes};
use super::{figure_info, PlotMapping};
use crate::error::Result;
use crate::surfaces::descriptions::num;
use crate::surfaces::Scene;

pub(crate) fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, scene: &Scene) -> Result<PlotMapping> {
    let info = figure_info(scene, 8)?;
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    let Some(prof) = scene.alpha_profile.as_ref().filter(|p| !p.points.is_empty()) else {
        return draw_message(root, &info.title, "The α profile was not computed.");
    };
    let sz = Sizes::of(root);
    root.fill(&WHITE)?;
    let area = with_notes(root, &info.notes, sz)?;
    let mut chart = frame(&area, info, sz, true)?;
    let (ml, mp) = (prof.max_loglik(), prof.max_log_peak());
    let at = |i: usize| prof.points.get(i).map(|p| p.alpha).unwrap_or(f64::NAN);
    let mut entries = Vec::new();
    let mut obs = Vec::new();
    let width = sz.upx(2.5);
    for (pts, color, name) in [
        (prof.points.iter().map(|p| (p.alpha, p.loglik - ml)).collect::<Vec<_>>(), BLUE, "log marginal likelihood ℓ(α)"),
        (prof.points.iter().map(|p| (p.alpha, p.log_peak - mp)).collect::<Vec<_>>(), VERMILLION, "log height of the joint peak"),
    ] {
        chart.draw_series(LineSeries::new(pts.clone(), color.stroke_width(width)))?;
        obs.extend(obstacles(&chart, pts.into_iter(), 1.0));
        entries.push(Entry::new(Swatch::Line { color, width, dashed: false }, name));
    }
    // glmer's α first (grey), so that a maximum on top of it stays visible.
    let fit_entry = vline(&mut chart, info, at(prof.fitted), GREY, false, sz)?.then(|| {
        Entry::new(
            Swatch::VLine { color: GREY, dashed: false },
            format!("glmer’s α = {} (nAGQ = {})", num(at(prof.fitted), 4), prof.nagq),
        )
    });
    if vline(&mut chart, info, at(prof.argmax_loglik), BLUE, true, sz)? {
        entries.push(Entry::new(
            Swatch::VLine { color: BLUE, dashed: true },
            format!("highest ℓ: α = {} (Σ means = 0)", num(at(prof.argmax_loglik), 4)),
        ));
    }
    if vline(&mut chart, info, at(prof.argmax_peak), VERMILLION, true, sz)? {
        entries.push(Entry::new(
            Swatch::VLine { color: VERMILLION, dashed: true },
            format!("highest peak: α = {} (Σ modes = 0)", num(at(prof.argmax_peak), 4)),
        ));
    }
    entries.extend(fit_entry);
    let handle = at(prof.handle);
    if prof.handle != prof.fitted && vline(&mut chart, info, handle, INK, false, sz)? {
        entries.push(Entry::new(Swatch::VLine { color: INK, dashed: false }, format!("handle: α = {}", num(handle, 4))));
    }
    draw_legend(&pixel_area(&chart), &entries, 1, &obs, sz)?;
    Ok(mapping(&chart, info))
}
