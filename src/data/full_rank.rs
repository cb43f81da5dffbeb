//! Whether every fixed effect can be estimated: the columns of X must be linearly independent. The one
//! owner of this check: the model frame, the GLMs (`models::glmm::glm`, `glm_group`) and the Gaussian
//! models (`models::gaussian::columns`) all call it.
//!
//! Column j of X is dependent on the columns before it when, after removing its projection onto them
//! (modified Gram–Schmidt, twice for accuracy), what remains has norm ‖r_j‖ ≤ tol · ‖x_j‖ (or x_j = 0),
//! with tol = 1e-7, the tolerance of R's `qr()` (and so of `lm()` and `glm()`; lme4 drops such columns
//! with the same test). The columns named in the error are x_j and those with a non-negligible coefficient
//! in x_j ≈ Σ_k a_k x_k.

use crate::error::{Error, Result};

/// R's `qr()` tolerance: a column whose part outside the span of the earlier columns is below this
/// fraction of its norm counts as dependent.
pub const COLLINEAR_TOL: f64 = 1e-7;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// Removes from `v` its projection on the orthonormal `basis` (two passes of modified Gram–Schmidt) and
/// returns the coefficients c_k = q_k'x removed (summed over both passes).
fn project_off(basis: &[Vec<f64>], v: &mut [f64]) -> Vec<f64> {
    let mut coef = vec![0.0; basis.len()];
    for _ in 0..2 {
        for (k, q) in basis.iter().enumerate() {
            let c = dot(q, v);
            v.iter_mut().zip(q).for_each(|(vi, qi)| *vi -= c * qi);
            coef[k] += c;
        }
    }
    coef
}

/// Projects `col` off the orthonormal `basis`; when its residual r has ‖r‖ > tol·‖col‖ pushes r/‖r‖ onto the
/// basis and returns ‖r‖, else returns None (col is dependent on the basis, or zero).
pub fn orthonormalise_into(basis: &mut Vec<Vec<f64>>, mut col: Vec<f64>, tol: f64) -> Option<f64> {
    let size = norm(&col);
    project_off(basis, &mut col);
    let rest = norm(&col);
    if size == 0.0 || rest <= tol * size {
        return None;
    }
    col.iter_mut().for_each(|v| *v /= rest);
    basis.push(col);
    Some(rest)
}

/// The indices of the columns that are (to `tol`) linear combinations of the kept columns before them,
/// in column order: R's `qr(X, tol)` keeps the others in order and drops these (`NA` in `coef()`).
pub fn dependent_columns(columns: &[Vec<f64>], tol: f64) -> Vec<usize> {
    let mut basis: Vec<Vec<f64>> = Vec::new();
    columns.iter().enumerate().filter(|(_, c)| orthonormalise_into(&mut basis, c.to_vec(), tol).is_none()).map(|(j, _)| j).collect()
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Checks that the columns of X (column-major, `names[j]` naming `columns[j]`) are linearly independent,
/// else one sentence naming the dependent columns.
pub fn check_full_rank(names: &[String], columns: &[Vec<f64>]) -> Result<()> {
    // Orthonormal basis of the independent columns so far, their indices, and R (column m holds the
    // coefficients of x_{kept[m]} on the basis vectors 0..=m).
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let mut kept: Vec<usize> = Vec::new();
    let mut r_cols: Vec<Vec<f64>> = Vec::new();
    for (j, x) in columns.iter().enumerate() {
        let size = norm(x);
        if size == 0.0 {
            return Err(Error::NotEstimable(format!(
                "The column {} is zero in every row used, so its effect cannot be estimated: remove it from the formula.",
                names[j]
            )));
        }
        let mut v = x.clone();
        let mut coef = project_off(&basis, &mut v);
        let rest = norm(&v);
        if rest <= COLLINEAR_TOL * size {
            return Err(dependence_error(names, columns, j, &kept, &r_cols, &coef));
        }
        v.iter_mut().for_each(|vi| *vi /= rest);
        coef.push(rest);
        basis.push(v);
        kept.push(j);
        r_cols.push(coef);
    }
    Ok(())
}

/// The sentence for column j, dependent on the kept columns: solves R a = coef for its coefficients.
fn dependence_error(
    names: &[String],
    columns: &[Vec<f64>],
    j: usize,
    kept: &[usize],
    r_cols: &[Vec<f64>],
    coef: &[f64],
) -> Error {
    let m = kept.len();
    let mut a = vec![0.0; m];
    for i in (0..m).rev() {
        let s: f64 = (i + 1..m).map(|l| r_cols[l][i] * a[l]).sum();
        a[i] = (coef[i] - s) / r_cols[i][i];
    }
    let size = norm(&columns[j]);
    let mut involved: Vec<&str> = kept
        .iter()
        .zip(&a)
        .filter(|&(&k, &ak)| (ak * norm(&columns[k])).abs() > 1e-6 * size)
        .map(|(&k, _)| names[k].as_str())
        .collect();
    let name = names[j].as_str();
    if involved == ["(Intercept)"] {
        return Error::NotEstimable(format!(
            "The column {name} has the same value in every row used, so its effect cannot be told apart from the intercept: remove it from the formula."
        ));
    }
    involved.push(name);
    Error::NotEstimable(format!(
        "The columns {} are collinear ({name} is a linear combination of the others in the rows used), so their effects cannot be told apart: remove one of them from the formula.",
        and_list(&involved)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    fn message(r: Result<()>) -> String {
        match r {
            Err(Error::NotEstimable(m)) => m,
            other => panic!("expected a sentence, got {other:?}"),
        }
    }

    #[test]
    fn independent_columns_pass() {
        let cols = vec![vec![1.0; 4], vec![1.0, 2.0, 3.0, 5.0], vec![0.0, 1.0, 0.0, 1.0]];
        assert!(check_full_rank(&names(&["(Intercept)", "x", "k1"]), &cols).is_ok());
    }

    #[test]
    fn constant_zero_and_collinear_columns_are_named() {
        let one = vec![1.0; 4];
        let x = vec![1.0, 2.0, 3.0, 5.0];
        let m = message(check_full_rank(&names(&["(Intercept)", "x", "c"]), &[one.clone(), x.clone(), vec![3.0; 4]]));
        assert_eq!(m, "The column c has the same value in every row used, so its effect cannot be told apart from the intercept: remove it from the formula.");
        let m = message(check_full_rank(&names(&["(Intercept)", "z"]), &[one.clone(), vec![0.0; 4]]));
        assert_eq!(m, "The column z is zero in every row used, so its effect cannot be estimated: remove it from the formula.");
        let k = vec![0.0, 1.0, 0.0, 1.0];
        let x2: Vec<f64> = x.iter().zip(&k).map(|(a, b)| 2.0 * a - b + 0.5).collect();
        let m = message(check_full_rank(&names(&["(Intercept)", "x", "k1", "x2"]), &[one, x, k, x2]));
        assert_eq!(m, "The columns (Intercept), x, k1 and x2 are collinear (x2 is a linear combination of the others in the rows used), so their effects cannot be told apart: remove one of them from the formula.");
        // Without an intercept a constant column is the intercept: no error.
        assert!(check_full_rank(&names(&["c"]), &[vec![3.0; 4]]).is_ok());
    }

    #[test]
    fn dependent_columns_are_the_later_ones_and_zero_columns() {
        let t: Vec<f64> = (0..5).map(f64::from).collect();
        let cols = vec![vec![1.0; 5], t.clone(), t.iter().map(|v| 2.0 * v + 1.0).collect(), vec![0.0; 5], t.iter().map(|v| v * v).collect()];
        assert_eq!(dependent_columns(&cols, COLLINEAR_TOL), vec![2, 3]);
        let mut basis = Vec::new();
        assert!(orthonormalise_into(&mut basis, vec![3.0, 4.0], COLLINEAR_TOL) == Some(5.0));
        assert!(orthonormalise_into(&mut basis, vec![6.0, 8.0], COLLINEAR_TOL).is_none());
        assert_eq!(basis, vec![vec![0.6, 0.8]]);
    }
}
