//! The figures of your data (issue 13), drawn by the lesson's figure code: the chosen pair's posteriors (as
//! figure 7, [`super::posteriors::draw_panels`]) and their joint posterior (as figure 3,
//! [`super::joint_contour::draw_surface`]), the same with the intercept moved by the mean mode (as figure 4),
//! the decomposition along u (as figures 5 and 6, [`super::random_effects_part::draw_random_part`],
//! [`super::bernoulli_part::draw_integrand`]), and the data with each group's fitted curve (as figures 1–2,
//! [`super::curves_plot::draw_curves_plot`]). A figure whose model failed draws the sentence saying why.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::message::draw_message;
use super::PlotMapping;
use crate::error::Result;
use crate::surfaces::descriptions::{num, FigureInfo};
use crate::surfaces::posteriors::GroupPosterior;
use crate::surfaces::own_curves::OwnCurves;
use crate::surfaces::{Decomposition, JointSurface};
pub use super::own_fits::CurvesLook;

/// What one figure of your data draws.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnDrawing<'a> {
    /// Nothing but `info.unavailable`.
    Message,
    /// The pair's posteriors, each panel headed by its `headings` entry ("herd 3 (5 successes in 39 trials)").
    Posteriors { groups: &'a [GroupPosterior], headings: &'a [String] },
    /// The pair's joint posterior at glmer's fit with σ_b.
    Joint { surface: &'a JointSurface, sigma_b: f64 },
    /// The pair's joint posterior with the intercept moved by the mean mode (as figure 4): the legend's last
    /// line names the intercept and σ_b.
    Shifted { surface: &'a JointSurface, intercept: f64, sigma_b: f64 },
    /// The random-effects part along u (as figure 5, [`super::random_effects_part::draw_random_part`]).
    RandomPart { decomposition: &'a Decomposition },
    /// The whole integrand along u at two intercepts (as figure 6, [`super::bernoulli_part::draw_integrand`]),
    /// the curves named by `names`.
    Integrand { decomposition: &'a Decomposition, names: &'a [String; 2] },
    /// The data and each group's fitted curve (as figure 1 or 2).
    Curves { curves: &'a OwnCurves, look: CurvesLook<'a> },
}

/// Draws `drawing` with `info`'s title and sentences on any plotters backend.
pub fn draw_own<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, info: &FigureInfo, drawing: &OwnDrawing) -> Result<PlotMapping> {
    if let Some(why) = &info.unavailable {
        return draw_message(root, &info.title, why);
    }
    match drawing {
        OwnDrawing::Message => draw_message(root, &info.title, "This figure was not computed."),
        OwnDrawing::Posteriors { groups, headings } => {
            let label = |gp: &GroupPosterior| {
                let k = groups.iter().position(|g| g.group == gp.group).unwrap_or(0);
                let head = headings.get(k).cloned().unwrap_or_else(|| gp.label.clone());
                format!("{head}: mode {}, mean {}", num(gp.mode, 3), num(gp.mean, 3))
            };
            super::posteriors::draw_panels(root, info, groups, &label)
        }
        OwnDrawing::Joint { surface, sigma_b } => {
            super::joint_contour::draw_surface(root, info, surface, &format!("σ_b = {}", num(*sigma_b, 4)), "b")
        }
        OwnDrawing::Shifted { surface, intercept, sigma_b } => {
            let params = format!("intercept = {}, σ_b = {}", num(*intercept, 4), num(*sigma_b, 4));
            super::joint_contour::draw_surface(root, info, surface, &params, "b")
        }
        OwnDrawing::RandomPart { decomposition } => {
            super::random_effects_part::draw_random_part(root, info, decomposition, "σ_b", "glmer's modes")
        }
        OwnDrawing::Integrand { decomposition, names } => {
            super::bernoulli_part::draw_integrand(root, info, decomposition, names, "fitted curve, mirrored about its peak")
        }
        OwnDrawing::Curves { curves, look } => {
            let plot = super::own_fits::own_curves_plot(curves, look, super::style::Sizes::of(root));
            super::curves_plot::draw_curves_plot(root, info, &plot)
        }
    }
}
