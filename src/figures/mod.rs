//! Figures drawn once with plotters against any backend (canvas in the browser, SVG/PNG natively).

use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use crate::surfaces::Scene;

/// The six figures of the answer, numbered as on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FigureId {
    /// 1. y vs x with lm + group (dashed) and lmer (solid) lines per group.
    LinearFits = 1,
    /// 2. y_bin vs x with glm + group (dashed) and glmer (solid) curves, and the population-averaged curve.
    LogisticFits = 2,
    /// 3. Joint likelihood over two groups' random effects at the optimal alpha, beta, sigma.
    JointContour = 3,
    /// 4. The same with alpha adjusted by the mean of the modes.
    JointContourAdjusted = 4,
    /// 5. Random-effects part of the likelihood along u (v fixed).
    RandomEffectsPart = 5,
    /// 6. Bernoulli part along u for the optimal and the "highest peak" alpha.
    BernoulliPart = 6,
}

/// The chart's pixel-to-data mapping, handed to JavaScript for hover read-outs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct PlotMapping {
    /// Plotting area in backend pixels: left, top, right, bottom.
    pub px: [f64; 4],
    /// Data range: x_min, x_max, y_min, y_max.
    pub data: [f64; 4],
    /// Whether the y axis is logarithmic.
    pub log_y: bool,
}

/// Draw one figure on any plotters backend and return its pixel-to-data mapping.
pub fn draw<DB: DrawingBackend>(
    _root: &DrawingArea<DB, plotters::coord::Shift>,
    _figure: FigureId,
    _scene: &Scene,
) -> crate::Result<PlotMapping> {
    unimplemented!("figures in progress")
}
