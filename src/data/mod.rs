//! Data: R-identical random numbers, the two presets of the seed question, CSV input, and any data with one
//! grouping factor (a CSV frame, an R formula, and the grouped design built from them).

pub mod collation;
pub mod csv;
pub mod examples;
pub mod factor;
pub mod formula;
pub mod frame;
pub mod full_rank;
pub mod g17;
pub mod grouped_design;
pub mod model_frame;
pub mod qnorm;
pub mod ranges;
pub mod rng;
pub mod simulate;

pub use simulate::{simulate, Preset, SimConfig};

/// One data set: a binary outcome `y_bin`, a covariate `x`, a grouping factor, and optionally the
/// continuous `y` the binary outcome was cut from.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// 0-based group index of each observation (index into `group_labels`).
    pub group: Vec<usize>,
    /// Label of each group as R would print the factor level ("1", "2", … for simulated data).
    pub group_labels: Vec<String>,
    pub x: Vec<f64>,
    /// Continuous outcome, when known (simulated data, or a CSV with a `y` column).
    pub y: Option<Vec<f64>>,
    /// Binary outcome coded 0.0 / 1.0.
    pub y_bin: Vec<f64>,
}

#[cfg(test)]
impl Dataset {
    /// A binary-outcome data set for tests, groups labelled "1", "2", … from their 0-based indices.
    pub(crate) fn binary(x: Vec<f64>, y_bin: Vec<f64>, group: Vec<usize>) -> Dataset {
        let g = group.iter().max().map_or(0, |m| m + 1);
        Dataset { group, group_labels: (1..=g).map(|i| i.to_string()).collect(), x, y: None, y_bin }
    }
}

impl Dataset {
    pub fn n_obs(&self) -> usize {
        self.x.len()
    }

    pub fn n_groups(&self) -> usize {
        self.group_labels.len()
    }

    pub fn sum_ybin(&self) -> f64 {
        self.y_bin.iter().sum()
    }

    /// Indices of the observations of each group, in data order.
    pub fn group_members(&self) -> Vec<Vec<usize>> {
        let mut members = vec![Vec::new(); self.n_groups()];
        for (i, &g) in self.group.iter().enumerate() {
            members[g].push(i);
        }
        members
    }
}
