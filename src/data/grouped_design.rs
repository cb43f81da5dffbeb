//! The grouped design: a model's data split by group once, as every model of the general core reads it.
//!
//! For `response ~ fixed terms + (1 | group)` row i of group g has the fixed-effect row x_i (p numbers,
//! R's model-matrix columns with treatment contrasts), the response y_i and the number of trials n_i:
//! - binomial with a 0/1 response: y_i ∈ {0, 1}, n_i = 1;
//! - binomial with `cbind(successes, failures)`: y_i = successes, n_i = successes + failures
//!   (lme4 fits the proportion y_i/n_i with prior weight n_i: the same likelihood);
//! - Poisson and Gaussian: y_i the count or the value, n_i = 1.
//!
//! Whether y is a count, a 0/1 outcome or a real number is checked against the family by the model
//! layer; this layer only holds the numbers.

/// One group's rows of the design.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignGroup {
    /// The fixed-effect rows, row-major: row r is `x[r * p .. (r + 1) * p]`.
    pub x: Vec<f64>,
    /// The response of each row (successes for binomial with trials).
    pub y: Vec<f64>,
    /// The number of trials of each row (1 unless the response is `cbind(...)`).
    pub trials: Vec<f64>,
    /// Each row's 0-based index in the data as read (so per-row output can be put back in order).
    pub rows: Vec<usize>,
}

impl DesignGroup {
    /// Number of rows of this group.
    pub fn n_obs(&self) -> usize {
        self.y.len()
    }

    /// Fixed-effect row r (length p).
    #[inline]
    pub fn x_row(&self, r: usize, p: usize) -> &[f64] {
        &self.x[r * p..(r + 1) * p]
    }
}

/// A design split by group once: every model of one fit reads this, none splits the data again.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupedDesign {
    /// The fixed-effect column names as R prints them: `(Intercept)`, `x`, `period2`, `GenderM`, …
    pub names: Vec<String>,
    /// The response as written in the formula (`y_bin`, `cbind(incidence, size - incidence)`).
    pub response: String,
    /// The grouping factor's name and its levels in R's order (`sort(unique(...))` as `factor()` makes).
    pub group_name: String,
    pub group_labels: Vec<String>,
    /// One entry per level of `group_labels`, in that order.
    pub groups: Vec<DesignGroup>,
}

impl GroupedDesign {
    /// Number of fixed effects p.
    pub fn p(&self) -> usize {
        self.names.len()
    }

    /// Number of rows over all groups.
    pub fn n_obs(&self) -> usize {
        self.groups.iter().map(DesignGroup::n_obs).sum()
    }

    /// Number of groups G.
    pub fn n_groups(&self) -> usize {
        self.groups.len()
    }
}

impl GroupedDesign {
    /// The lesson's data as the general core reads them: `y_bin ~ x + (1 | group)`, X = [1, x],
    /// names `(Intercept)`, `x`, response y_bin with one trial per row, groups in the data set's order.
    pub fn from_dataset(data: &super::Dataset) -> GroupedDesign {
        let groups = data
            .group_members()
            .into_iter()
            .map(|rows| DesignGroup {
                x: rows.iter().flat_map(|&i| [1.0, data.x[i]]).collect(),
                y: rows.iter().map(|&i| data.y_bin[i]).collect(),
                trials: vec![1.0; rows.len()],
                rows,
            })
            .collect();
        GroupedDesign {
            names: vec!["(Intercept)".into(), "x".into()],
            response: "y_bin".into(),
            group_name: "group".into(),
            group_labels: data.group_labels.clone(),
            groups,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_counts() {
        let g = DesignGroup { x: vec![1.0, 2.0, 1.0, 3.0], y: vec![0.0, 1.0], trials: vec![1.0, 1.0], rows: vec![0, 2] };
        let d = GroupedDesign {
            names: vec!["(Intercept)".into(), "x".into()],
            response: "y".into(),
            group_name: "g".into(),
            group_labels: vec!["a".into()],
            groups: vec![g],
        };
        assert_eq!(d.p(), 2);
        assert_eq!(d.n_obs(), 2);
        assert_eq!(d.n_groups(), 1);
        assert_eq!(d.groups[0].x_row(1, 2), &[1.0, 3.0]);
    }
}
