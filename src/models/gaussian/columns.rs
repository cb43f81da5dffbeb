//! A grouped design as dense columns, and the check that no column is a linear combination of earlier ones.
//!
//! Column j of the n × p matrix X stacks the groups' rows in group order (the order of rows does not change
//! a least-squares fit). The aliased columns are found as R's `lm()` finds them: a column is aliased when
//! what is left of it after removing its projection on the earlier (kept) columns is below
//! [`ALIAS_TOL`] times its own norm (modified Gram–Schmidt, in column order, so the later of two dependent
//! columns is the one named); the check itself is the data layer's (`data::full_rank`).

use nalgebra::{DMatrix, DVector};

use crate::data::full_rank::{dependent_columns, COLLINEAR_TOL};
use crate::data::grouped_design::GroupedDesign;
use crate::error::{Error, Result};

/// Relative size of a column's remainder below which it counts as a combination of the earlier columns
/// (R's `lm()` uses 1e-7 on the pivoted QR's diagonal): the data layer's [`COLLINEAR_TOL`].
pub const ALIAS_TOL: f64 = COLLINEAR_TOL;

/// The fixed-effect matrix X (n × p) and the response y, rows in group order, with each row's group.
pub fn dense(design: &GroupedDesign) -> (DMatrix<f64>, DVector<f64>, Vec<usize>) {
    let p = design.p();
    let n = design.n_obs();
    let mut x = DMatrix::zeros(n, p);
    let mut y = DVector::zeros(n);
    let mut group = Vec::with_capacity(n);
    let mut i = 0;
    for (g, rows) in design.groups.iter().enumerate() {
        for r in 0..rows.n_obs() {
            for (j, v) in rows.x_row(r, p).iter().enumerate() {
                x[(i, j)] = *v;
            }
            y[i] = rows.y[r];
            group.push(g);
            i += 1;
        }
    }
    (x, y, group)
}

/// Indices of the columns of `x` that are (to [`ALIAS_TOL`]) linear combinations of earlier columns: the data
/// layer's check (`data::full_rank::dependent_columns`) on the columns of `x`.
pub fn aliased_columns(x: &DMatrix<f64>) -> Vec<usize> {
    let columns: Vec<Vec<f64>> = x.column_iter().map(|c| c.iter().copied().collect()).collect();
    dependent_columns(&columns, ALIAS_TOL)
}

/// The sentence for a design whose columns are not linearly independent, naming the aliased columns.
pub fn check_full_rank(x: &DMatrix<f64>, names: &[String], model: &str) -> Result<()> {
    let aliased = aliased_columns(x);
    if aliased.is_empty() {
        return Ok(());
    }
    let listed: Vec<&str> = aliased.iter().filter_map(|&j| names.get(j).map(String::as_str)).collect();
    Err(Error::NotEstimable(format!(
        "{model} cannot be fitted: the column{} {} {} a combination of the columns before {} (R would report NA).",
        if listed.len() == 1 { "" } else { "s" },
        listed.join(", "),
        if listed.len() == 1 { "is" } else { "are" },
        if listed.len() == 1 { "it" } else { "them" },
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_later_of_two_dependent_columns() {
        // columns: 1, x, 2x + 1 (aliased), z
        let x = DMatrix::from_fn(5, 4, |i, j| {
            let t = i as f64;
            match j {
                0 => 1.0,
                1 => t,
                2 => 2.0 * t + 1.0,
                _ => (t * t) - 1.0,
            }
        });
        assert_eq!(aliased_columns(&x), vec![2]);
        let names: Vec<String> = ["(Intercept)", "x", "x2", "z"].iter().map(|s| s.to_string()).collect();
        let err = check_full_rank(&x, &names, "lm(y ~ x + x2 + z)").unwrap_err().to_string();
        assert!(err.contains("the column x2 is a combination"), "{err}");
    }

    #[test]
    fn a_zero_column_is_aliased() {
        let x = DMatrix::from_fn(3, 2, |i, j| if j == 0 { 1.0 + i as f64 } else { 0.0 });
        assert_eq!(aliased_columns(&x), vec![1]);
    }
}
