//! The presets of the seed question and answer, every parameter free.
//! (Interface fixed; implementation by the data work.)
use serde::{Deserialize, Serialize};

use super::Dataset;
use crate::error::Result;

/// Which of the seed's two examples the parameters start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// The answer's example: G=2, n=200, thresholds (0.5, 0.1), x = 0.5*y + rnorm + 2*group, centred.
    #[default]
    Answer,
    /// The question's example: G=5, n=200, thresholds 0.5, x = y + rnorm + group, not centred.
    Question,
    /// Anything else (the page switches to this when a parameter leaves a preset).
    Custom,
}

/// Everything that determines a simulated data set. Field names are the CLI's option names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimConfig {
    pub preset: Preset,
    /// R's `set.seed(seed)`.
    pub seed: i32,
    /// Number of groups G (1–50).
    pub groups: usize,
    /// Observations per group (1–100,000).
    pub n: usize,
    /// One threshold per group in [0, 1]: `y_bin = y > thresholds[group]`.
    pub thresholds: Vec<f64>,
    /// Coefficient of y in x.
    pub y_coef: f64,
    /// Coefficient of group in x (group spacing).
    pub spacing: f64,
    /// Whether x is centred (`x <- x - mean(x)`).
    pub center: bool,
}

pub fn simulate(_cfg: &SimConfig) -> Result<Dataset> {
    unimplemented!("data work in progress")
}
