//! Model matrices as R builds them: `~ x` and `~ x + factor(group)` with treatment contrasts.
//!
//! Row i is (1, x_i) followed, with groups, by the indicators of groups 2..G. At most three entries of a
//! row are non-zero, so the matrix is kept as the data plus the column of each row's indicator, and
//! X'WX is accumulated in O(n) rather than formed densely in O(n·G²).

use nalgebra::{DMatrix, DVector};

use crate::data::Dataset;

/// `~ x` or `~ x + factor(group)` over a data set.
#[derive(Debug, Clone, Copy)]
pub struct ModelMatrix<'a> {
    data: &'a Dataset,
    by_group: bool,
}

impl<'a> ModelMatrix<'a> {
    pub fn new(data: &'a Dataset, by_group: bool) -> Self {
        ModelMatrix { data, by_group }
    }

    /// Number of columns p.
    pub fn ncols(&self) -> usize {
        2 + if self.by_group { self.data.n_groups().saturating_sub(1) } else { 0 }
    }

    /// R's column names: (Intercept), x, factor(group)2, …
    pub fn names(&self) -> Vec<String> {
        let mut names = vec!["(Intercept)".to_string(), "x".to_string()];
        if self.by_group {
            names.extend(self.data.group_labels.iter().skip(1).map(|l| format!("factor(group){l}")));
        }
        names
    }

    /// Column of row i's group indicator, if the row has one.
    #[inline]
    fn indicator(&self, i: usize) -> Option<usize> {
        let g = self.data.group[i];
        (self.by_group && g > 0).then_some(1 + g)
    }

    /// The linear predictor x_i'β of row i.
    #[inline]
    pub fn eta(&self, beta: &DVector<f64>, i: usize) -> f64 {
        beta[0] + beta[1] * self.data.x[i] + self.indicator(i).map_or(0.0, |c| beta[c])
    }

    /// X'r and X'WX for per-row residual r_i and weight w_i.
    pub fn cross_products(&self, mut row: impl FnMut(usize) -> (f64, f64)) -> (DVector<f64>, DMatrix<f64>) {
        let p = self.ncols();
        let mut xr = DVector::zeros(p);
        let mut xwx = DMatrix::zeros(p, p);
        for i in 0..self.data.n_obs() {
            let (r, w) = row(i);
            let x = self.data.x[i];
            xr[0] += r;
            xr[1] += r * x;
            xwx[(0, 0)] += w;
            xwx[(0, 1)] += w * x;
            xwx[(1, 1)] += w * x * x;
            if let Some(c) = self.indicator(i) {
                xr[c] += r;
                xwx[(0, c)] += w;
                xwx[(1, c)] += w * x;
                xwx[(c, c)] += w;
            }
        }
        for j in 0..p {
            for k in 0..j {
                xwx[(j, k)] = xwx[(k, j)];
            }
        }
        (xr, xwx)
    }
}

/// Sentence if x carries no information beyond the intercept (and the groups): the slope is not estimable.
pub fn check_x_varies(data: &Dataset, model: &str) -> crate::Result<()> {
    let first = data.x.first().copied().unwrap_or(0.0);
    if data.x.iter().all(|&v| v == first) {
        return Err(crate::Error::NotEstimable(format!(
            "{model} cannot be fitted: x is constant, so its slope is not estimable."
        )));
    }
    Ok(())
}

/// Sentence if x is constant within every group: then x is a combination of the group indicators, so with
/// `+ factor(group)` its slope is not estimable (R reports `NA` for the aliased column).
///
/// The test is on the within-group sum of squares Σ_g Σ_{i∈g} (x_i − x̄_g)², which must exceed 1e-20 · Σ_i x_i²
/// (below that it is rounding of group means, not variation).
pub fn check_x_varies_within_groups(data: &Dataset, model: &str) -> crate::Result<()> {
    let groups = data.n_groups();
    let (mut count, mut sum) = (vec![0.0; groups], vec![0.0; groups]);
    for (&g, &x) in data.group.iter().zip(&data.x) {
        count[g] += 1.0;
        sum[g] += x;
    }
    let (mut within, mut scale) = (0.0, 0.0);
    for (&g, &x) in data.group.iter().zip(&data.x) {
        let dx = x - sum[g] / count[g];
        within += dx * dx;
        scale += x * x;
    }
    if within <= 1e-20 * scale {
        return Err(crate::Error::NotEstimable(format!(
            "{model} cannot be fitted: x is constant within every group, so its slope is not estimable."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_products_equal_the_dense_computation() {
        let d = Dataset {
            group: vec![0, 1, 2, 1, 0],
            group_labels: vec!["a".into(), "b".into(), "c".into()],
            x: vec![0.5, -1.0, 2.0, 3.0, 1.5],
            y: None,
            y_bin: vec![0.0; 5],
        };
        let mm = ModelMatrix::new(&d, true);
        assert_eq!(mm.names(), vec!["(Intercept)", "x", "factor(group)b", "factor(group)c"]);
        let dense = DMatrix::from_fn(5, 4, |i, j| match j {
            0 => 1.0,
            1 => d.x[i],
            _ => f64::from(u8::from(d.group[i] == j - 1)),
        });
        let r = DVector::from_vec(vec![0.1, -0.2, 0.3, 0.4, -0.5]);
        let w = DVector::from_vec(vec![1.0, 2.0, 0.5, 0.25, 3.0]);
        let (xr, xwx) = mm.cross_products(|i| (r[i], w[i]));
        let want_xwx = dense.transpose() * DMatrix::from_diagonal(&w) * &dense;
        assert!((xr - dense.transpose() * &r).norm() < 1e-14);
        assert!((xwx - want_xwx).norm() < 1e-13);
        let beta = DVector::from_vec(vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(mm.eta(&beta, 2), 1.0 + 4.0 + 4.0);
    }

    #[test]
    fn x_that_is_a_function_of_the_group_does_not_vary_within_groups() {
        let mut d = Dataset {
            group: vec![0, 0, 1, 1, 2],
            group_labels: vec!["a".into(), "b".into(), "c".into()],
            x: vec![0.5, 0.5, -1.0, -1.0, 2.0],
            y: None,
            y_bin: vec![0.0; 5],
        };
        let e = check_x_varies_within_groups(&d, "M").unwrap_err().to_string();
        assert_eq!(e, "M cannot be fitted: x is constant within every group, so its slope is not estimable.");
        d.x[1] = 0.5 + 1e-9;
        assert!(check_x_varies_within_groups(&d, "M").is_ok());
    }
}
