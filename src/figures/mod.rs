//! Figures drawn once with plotters against any backend (canvas in the browser, SVG/PNG natively).
//!
//! Every figure reads only the [`Scene`]; one small function per figure:
//! [`linear_fits`] (1), [`logistic_fits`] (2), [`joint_contour`] (3 and 4), [`random_effects_part`] (5),
//! [`bernoulli_part`] (6, the whole integrand along u). Groups are coloured with the Okabe–Ito palette ([`palette`]); dashed lines
//! are fixed-effects models, solid lines mixed models, the thick black line the GLMM's
//! population average. A figure whose model could not be fitted draws the sentence saying why.

mod alpha_profile;
mod bernoulli_part;
mod curves_plot;
mod joint_contour;
mod legend;
mod linear_fits;
mod logistic_fits;
mod marks;
mod message;
mod own_fits;
pub mod own;
pub mod palette;
#[cfg(not(target_arch = "wasm32"))]
mod png;
mod posteriors;
mod random_effects_part;
pub mod replications;
mod shrinkage;
mod style;

use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::surfaces::{FigureInfo, Scene};

/// The six figures of the answer, numbered as on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FigureId {
    /// 1. y vs x with lm + group (dashed) and lmer (solid) lines per group.
    LinearFits = 1,
    /// 2. y_bin vs x with glm + group (dashed) and glmer (solid) curves, and the population-averaged curve.
    LogisticFits = 2,
    /// 3. The unnormalised joint posterior density of two groups' random effects at the fitted alpha, beta, sigma.
    JointContour = 3,
    /// 4. The same with alpha shifted by the mean of all G modes.
    JointContourAdjusted = 4,
    /// 5. Random-effects part of the likelihood along u (v fixed).
    RandomEffectsPart = 5,
    /// 6. The whole integrand along u (log scale) for the fitted and the "highest peak" alpha, mirrored, inset.
    BernoulliPart = 6,
    /// 7. Each group's posterior density of b_g, its conditional mode and mean marked.
    Posteriors = 7,
    /// 8. The log marginal likelihood and the log height of the joint peak against α.
    AlphaProfile = 8,
    /// 9. Each group's intercept alone (glm + group), glmer's mode and mean, and the complete-pooling line.
    Shrinkage = 9,
}

impl FigureId {
    /// All six, in page order.
    pub const ALL: [FigureId; 6] = [
        FigureId::LinearFits,
        FigureId::LogisticFits,
        FigureId::JointContour,
        FigureId::JointContourAdjusted,
        FigureId::RandomEffectsPart,
        FigureId::BernoulliPart,
    ];

    /// The figures of the lesson's path (issue 11), after the six.
    pub const LESSON: [FigureId; 3] = [FigureId::Posteriors, FigureId::AlphaProfile, FigureId::Shrinkage];

    /// The highest figure number.
    pub const LAST: u8 = 9;

    /// 1–8.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// Any figure, 1–[`FigureId::LAST`] (the six of the page's panels, then the lesson's).
    pub fn from_any_number(n: u8) -> Option<FigureId> {
        FigureId::from_number(n).or_else(|| FigureId::LESSON.iter().copied().find(|f| f.number() == n))
    }

    /// The figure numbered `n` (1–6).
    pub fn from_number(n: u8) -> Option<FigureId> {
        FigureId::ALL.get((n as usize).checked_sub(1)?).copied()
    }
}

/// The chart's pixel-to-data mapping, handed to JavaScript for hover read-outs.
///
/// A data value (x, y) is drawn at pixel
/// (px[0] + (x − data[0]) / (data[1] − data[0]) · (px[2] − px[0]),
///  px[3] − (y − data[2]) / (data[3] − data[2]) · (px[3] − px[1])).
/// A figure that shows only a sentence has an all-zero data range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct PlotMapping {
    /// Plotting area in backend pixels: left, top, right, bottom.
    pub px: [f64; 4],
    /// Data range: x_min, x_max, y_min, y_max.
    pub data: [f64; 4],
    /// Whether the y axis is logarithmic.
    pub log_y: bool,
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for Error {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        let msg = e.to_string();
        let hint = if msg.to_lowercase().contains("font") {
            " (no usable font was found: install a TrueType font such as fonts-dejavu-core)"
        } else {
            ""
        };
        Error::Drawing(format!("{}{hint}", msg.trim_end_matches('.')))
    }
}

pub(crate) fn figure_info(scene: &Scene, n: u8) -> Result<&FigureInfo> {
    scene.figure(n).ok_or_else(|| Error::Drawing(format!("the scene has no description of figure {n}")))
}

/// Draw one figure on any plotters backend and return its pixel-to-data mapping.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    figure: FigureId,
    scene: &Scene,
) -> Result<PlotMapping> {
    match figure {
        FigureId::LinearFits => linear_fits::draw(root, scene),
        FigureId::LogisticFits => logistic_fits::draw(root, scene),
        FigureId::JointContour => joint_contour::draw(root, scene, false),
        FigureId::JointContourAdjusted => joint_contour::draw(root, scene, true),
        FigureId::RandomEffectsPart => random_effects_part::draw(root, scene),
        FigureId::BernoulliPart => bernoulli_part::draw(root, scene),
        FigureId::Posteriors => posteriors::draw(root, scene),
        FigureId::AlphaProfile => alpha_profile::draw(root, scene),
        FigureId::Shrinkage => shrinkage::draw(root, scene),
    }
}

fn check_size(w: u32, h: u32) -> Result<()> {
    if !(16..=8000).contains(&w) || !(16..=8000).contains(&h) {
        return Err(Error::InvalidParameter {
            name: "size",
            expected: "between 16 and 8000 pixels a side".into(),
            got: format!("{w} × {h}"),
        });
    }
    Ok(())
}

/// Figure `figure` as an SVG document of `w` × `h` pixels.
pub fn render_svg(figure: FigureId, scene: &Scene, w: u32, h: u32) -> Result<String> {
    check_size(w, h)?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        draw(&root, figure, scene)?;
        root.present()?;
    }
    Ok(out)
}

/// Figure `figure` as a PNG file of `w` × `h` pixels (text needs a system TrueType font).
#[cfg(not(target_arch = "wasm32"))]
pub fn render_png(figure: FigureId, scene: &Scene, w: u32, h: u32) -> Result<Vec<u8>> {
    check_size(w, h)?;
    let mut buf = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw(&root, figure, scene)?;
        root.present()?;
    }
    Ok(png::encode_rgb(w, h, &buf))
}

#[cfg(test)]
mod tests;
