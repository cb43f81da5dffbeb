//! Linear models on the grouped design by least squares: `lm(y ~ fixed terms)` and
//! `lm(y ~ fixed terms + group)`.
//!
//! β̂ minimises the residual sum of squares RSS = ‖y − Xβ‖², solved by the QR factorisation X = QR as
//! Rβ̂ = Q'y (never the normal equations, which square X's condition number). With n rows and p columns,
//! σ̂² = RSS / (n − p) and the log-likelihood at the maximum is log L = −n/2 · (log(2π RSS/n) + 1), as R's
//! `logLik()` gives. For `+ group` the group enters with R's treatment contrasts: one column per level but
//! the first (`Subject309`, …, named as R prints them), the first level being the reference; when X has no
//! intercept and no combination of its columns is constant, every level gets a column, as in R.
//!
//! The lesson's `models::lm` is the one-covariate case in closed form (centred sums); this is the same
//! estimator for any p.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use super::columns::{aliased_columns, check_full_rank, dense};
use crate::data::grouped_design::GroupedDesign;
use crate::error::{Error, Result};

/// A least-squares fit: named coefficients, σ̂, the residual sum of squares and the log-likelihood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearFit {
    /// Column names as R prints them (`(Intercept)`, `Days`, `Subject309`, …).
    pub names: Vec<String>,
    pub coef: Vec<f64>,
    /// σ̂ = √(RSS / (n − p)), R's `sigma()`.
    pub sigma: f64,
    /// RSS = Σ_i (y_i − x_i'β̂)².
    pub rss: f64,
    /// n − p.
    pub df_residual: usize,
    /// log L = −n/2 · (log(2π RSS/n) + 1), R's `logLik()`.
    pub loglik: f64,
}

impl LinearFit {
    /// The coefficient of the column named `name`, as R's `coef(m)[name]`.
    pub fn coef_named(&self, name: &str) -> Option<f64> {
        self.names.iter().position(|n| n == name).map(|j| self.coef[j])
    }
}

/// Least squares of y on the columns of x (checked: more rows than columns, no aliased column).
fn least_squares(x: DMatrix<f64>, y: &DVector<f64>, names: Vec<String>, model: &str) -> Result<LinearFit> {
    let (n, p) = x.shape();
    if n <= p {
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted: {n} observations for {p} coefficients leave no residual degrees of freedom."
        )));
    }
    check_full_rank(&x, &names, model)?;
    let qr = x.clone().qr();
    let qty = qr.q().transpose() * y;
    let beta = qr
        .r()
        .solve_upper_triangular(&qty)
        .ok_or_else(|| Error::NotEstimable(format!("{model} cannot be fitted: its columns are not independent.")))?;
    let residuals = y - &x * &beta;
    let rss = residuals.norm_squared();
    let nf = n as f64;
    Ok(LinearFit {
        names,
        coef: beta.iter().copied().collect(),
        sigma: (rss / (nf - p as f64)).sqrt(),
        rss,
        df_residual: n - p,
        loglik: -0.5 * nf * ((2.0 * std::f64::consts::PI * rss / nf).ln() + 1.0),
    })
}

/// `lm(y ~ fixed terms)`: the pooled fit, ignoring the groups.
pub fn lm(design: &GroupedDesign) -> Result<LinearFit> {
    let (x, y, _) = dense(design);
    least_squares(x, &y, design.names.clone(), &format!("lm({} ~ fixed terms)", design.response))
}

/// `lm(y ~ fixed terms + group)`: the fixed terms and one intercept per group (treatment contrasts).
pub fn lm_group(design: &GroupedDesign) -> Result<LinearFit> {
    let (x, y, _) = dense(design);
    let (n, p) = x.shape();
    // The group's columns start at level 2 when X already spans the constant (an intercept, or a factor coded
    // with every level), at level 1 otherwise.
    let with_one = DMatrix::from_fn(n, p + 1, |i, j| if j < p { x[(i, j)] } else { 1.0 });
    let first = if aliased_columns(&with_one).contains(&p) { 1 } else { 0 };
    let grouped = design.with_group_columns(first);
    let (full, _, _) = dense(&grouped);
    least_squares(full, &y, grouped.names, &format!("lm({} ~ fixed terms + {})", design.response, design.group_name))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::data::grouped_design::DesignGroup;

    /// A design from rows (group, x-row, y), groups labelled by their index + 1.
    pub(crate) fn design_of(names: &[&str], rows: &[(usize, Vec<f64>, f64)]) -> GroupedDesign {
        let g_count = rows.iter().map(|r| r.0).max().map_or(0, |m| m + 1);
        let mut groups: Vec<DesignGroup> =
            (0..g_count).map(|_| DesignGroup { x: vec![], y: vec![], trials: vec![], rows: vec![] }).collect();
        for (i, (g, xr, y)) in rows.iter().enumerate() {
            groups[*g].x.extend(xr);
            groups[*g].y.push(*y);
            groups[*g].trials.push(1.0);
            groups[*g].rows.push(i);
        }
        GroupedDesign {
            names: names.iter().map(|s| s.to_string()).collect(),
            response: "y".into(),
            group_name: "g".into(),
            group_labels: (1..=g_count).map(|i| i.to_string()).collect(),
            groups,
        }
    }

    /// y = 1 + 2x + 3·[group 2] + e with e orthogonal to (1, x) within each group: the same toy as lm.rs.
    fn toy() -> GroupedDesign {
        let e = [0.1, -0.2, 0.1, -0.1, 0.2, -0.1];
        let rows: Vec<(usize, Vec<f64>, f64)> = (0..6)
            .map(|i| {
                let (g, x) = (i / 3, (i % 3) as f64);
                (g, vec![1.0, x], 1.0 + 2.0 * x + 3.0 * g as f64 + e[i])
            })
            .collect();
        design_of(&["(Intercept)", "x"], &rows)
    }

    #[test]
    fn per_group_fit_recovers_the_exact_design() {
        let fit = lm_group(&toy()).expect("fits");
        assert_eq!(fit.names, vec!["(Intercept)", "x", "g2"]);
        for (c, want) in fit.coef.iter().zip([1.0, 2.0, 3.0]) {
            assert!((c - want).abs() < 1e-12, "{:?}", fit.coef);
        }
        assert!((fit.rss - 0.12).abs() < 1e-13);
        assert!((fit.sigma - (0.12f64 / 3.0).sqrt()).abs() < 1e-13);
        assert_eq!(fit.coef_named("g2"), Some(fit.coef[2]));
    }

    /// The general least squares equals the lesson's closed form on the same data (lm.rs), coefficients,
    /// σ̂ and log L.
    #[test]
    fn equals_the_lessons_closed_form() {
        let d = toy();
        let (xm, ym, _) = dense(&d);
        let data = crate::data::Dataset {
            group: vec![0, 0, 0, 1, 1, 1],
            group_labels: vec!["1".into(), "2".into()],
            x: xm.column(1).iter().copied().collect(),
            y: Some(ym.iter().copied().collect()),
            y_bin: vec![0.0; 6],
        };
        for by_group in [false, true] {
            let lesson = crate::models::lm::lm(&data, by_group).expect("fits");
            let ours = if by_group { lm_group(&d) } else { lm(&d) }.expect("fits");
            for (a, b) in lesson.coef.iter().zip(&ours.coef) {
                assert!((a - b).abs() < 1e-12, "{:?} vs {:?}", lesson.coef, ours.coef);
            }
            assert!((lesson.sigma - ours.sigma).abs() < 1e-12);
            assert!((lesson.loglik - ours.loglik).abs() < 1e-11);
        }
    }

    #[test]
    fn without_intercept_every_level_gets_a_column() {
        let rows: Vec<(usize, Vec<f64>, f64)> =
            (0..6).map(|i| (i / 3, vec![(i % 3) as f64], 1.0 + (i % 3) as f64 + (i / 3) as f64 + 0.01 * i as f64)).collect();
        let fit = lm_group(&design_of(&["x"], &rows)).expect("fits");
        assert_eq!(fit.names, vec!["x", "g1", "g2"]);
    }

    #[test]
    fn a_covariate_constant_within_groups_is_named() {
        // z is the group's own value: aliased with the group's column.
        let rows: Vec<(usize, Vec<f64>, f64)> =
            (0..6).map(|i| (i / 3, vec![1.0, (i % 3) as f64, (i / 3) as f64 * 5.0], i as f64 * 0.7 + 0.1)).collect();
        let d = design_of(&["(Intercept)", "x", "z"], &rows);
        assert!(lm(&d).is_ok());
        let err = lm_group(&d).unwrap_err().to_string();
        assert!(err.contains("the column g2 is a combination"), "{err}");
    }
}
