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
    /// The name R gives the treatment-contrast column of group level `level`: `<group name><label>`
    /// (`herd2`, `Subject309`).
    pub fn group_column_name(&self, level: usize) -> String {
        format!("{}{}", self.group_name, self.group_labels[level])
    }

    /// The design restricted to the groups whose `keep` entry is true (levels dropped as R's `droplevels`,
    /// order kept); a missing entry counts as kept.
    pub fn with_groups_kept(&self, keep: &[bool]) -> GroupedDesign {
        let kept = |g: &usize| keep.get(*g).copied().unwrap_or(true);
        let levels: Vec<usize> = (0..self.n_groups()).filter(kept).collect();
        GroupedDesign {
            names: self.names.clone(),
            response: self.response.clone(),
            group_name: self.group_name.clone(),
            group_labels: levels.iter().map(|&g| self.group_labels[g].clone()).collect(),
            groups: levels.iter().map(|&g| self.groups[g].clone()).collect(),
        }
    }

    /// The design of `response ~ fixed terms + group`: every row gets one indicator column per group level
    /// from `first_level` on (x_ik = 1 when row i is in level k, else 0), named as R names them. With
    /// treatment contrasts `first_level` = 1: the first level is the reference, absorbed by the intercept.
    pub fn with_group_columns(&self, first_level: usize) -> GroupedDesign {
        let p = self.p();
        let levels = first_level..self.n_groups();
        let mut names = self.names.clone();
        names.extend(levels.clone().map(|k| self.group_column_name(k)));
        let groups = self
            .groups
            .iter()
            .enumerate()
            .map(|(g, rows)| {
                let x = (0..rows.n_obs())
                    .flat_map(|r| {
                        let indicators = levels.clone().map(move |k| f64::from(u8::from(k == g)));
                        rows.x_row(r, p).iter().copied().chain(indicators)
                    })
                    .collect();
                DesignGroup { x, ..rows.clone() }
            })
            .collect();
        GroupedDesign { names, groups, ..self.clone() }
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

    #[test]
    fn group_columns_and_kept_groups() {
        let group = |x: f64, y: f64, row: usize| DesignGroup { x: vec![1.0, x], y: vec![y], trials: vec![1.0], rows: vec![row] };
        let d = GroupedDesign {
            names: vec!["(Intercept)".into(), "x".into()],
            response: "y".into(),
            group_name: "herd".into(),
            group_labels: vec!["1".into(), "10".into(), "2".into()],
            groups: vec![group(0.5, 0.0, 0), group(1.5, 1.0, 1), group(2.5, 1.0, 2)],
        };
        let full = d.with_group_columns(1);
        assert_eq!(full.names, vec!["(Intercept)", "x", "herd10", "herd2"]);
        assert_eq!(full.groups[0].x, vec![1.0, 0.5, 0.0, 0.0]);
        assert_eq!(full.groups[1].x, vec![1.0, 1.5, 1.0, 0.0]);
        assert_eq!(full.groups[2].x, vec![1.0, 2.5, 0.0, 1.0]);
        assert_eq!(d.with_group_columns(0).names[2], "herd1");
        let kept = d.with_groups_kept(&[false, true, true]);
        assert_eq!(kept.group_labels, vec!["10", "2"]);
        assert_eq!(kept.groups[0].rows, vec![1]);
        assert_eq!(kept.with_group_columns(1).names, vec!["(Intercept)", "x", "herd2"]);
    }
}
