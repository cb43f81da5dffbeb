//! Surfaces for the figures: likelihood grids, decomposition curves, fitted curves.
//!
//! Everything a figure draws is computed here from the data and the fitted models; figures only draw.

use serde::{Deserialize, Serialize};

use crate::data::Dataset;
use crate::report::FitReport;

/// What the figures need beyond the data and the fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SceneOptions {
    /// The two groups (0-based) whose random effects span the contour figures.
    pub pair: (usize, usize),
    /// Grid points per axis of the likelihood surfaces.
    pub grid: usize,
}

impl Default for SceneOptions {
    fn default() -> Self {
        SceneOptions { pair: (0, 1), grid: 121 }
    }
}

/// Everything the six figures draw (filled in by the surfaces work).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Scene {}

/// Compute every surface and curve for the figures.
pub fn build_scene(_data: &Dataset, _report: &FitReport, _opts: &SceneOptions) -> crate::Result<Scene> {
    unimplemented!("surfaces in progress")
}
