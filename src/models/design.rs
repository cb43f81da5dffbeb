//! Model matrices as R builds them: `~ x` and `~ x + factor(group)` with treatment contrasts.

use nalgebra::DMatrix;

use crate::data::Dataset;

/// A model matrix with R's column names.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelMatrix {
    pub x: DMatrix<f64>,
    pub names: Vec<String>,
}

/// Columns (Intercept), x and, when `by_group`, one indicator per group after the first.
pub fn model_matrix(data: &Dataset, by_group: bool) -> ModelMatrix {
    let extra = if by_group { data.n_groups().saturating_sub(1) } else { 0 };
    let n = data.n_obs();
    let x = DMatrix::from_fn(n, 2 + extra, |i, j| match j {
        0 => 1.0,
        1 => data.x[i],
        _ => f64::from(u8::from(data.group[i] == j - 1)),
    });
    let mut names = vec!["(Intercept)".to_string(), "x".to_string()];
    if by_group {
        names.extend(data.group_labels.iter().skip(1).map(|l| format!("factor(group){l}")));
    }
    ModelMatrix { x, names }
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
