//! Linear models by least squares: `lm(y ~ x)` and `lm(y ~ x + factor(group))`.
//!
//! β̂ = argmin ‖y − Xβ‖² via the QR decomposition X = QR (R̂β̂ = Q'y);
//! σ̂² = RSS / (n − p); log L = −n/2 · (log(2π RSS/n) + 1).

use nalgebra::DVector;

use super::design::{check_x_varies, model_matrix};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::report::LmFit;

/// The continuous outcome, or the sentence saying it is missing.
pub fn continuous_outcome<'a>(data: &'a Dataset, model: &str) -> Result<&'a [f64]> {
    data.y.as_deref().ok_or_else(|| {
        Error::NotEstimable(format!("{model} needs the continuous y, and these data have only y_bin."))
    })
}

/// Least-squares fit of y on the model matrix (`by_group` adds factor(group)).
pub fn lm(data: &Dataset, by_group: bool) -> Result<LmFit> {
    let model = if by_group { "lm(y ~ x + factor(group))" } else { "lm(y ~ x)" };
    let y = DVector::from_column_slice(continuous_outcome(data, model)?);
    check_x_varies(data, model)?;
    let mm = model_matrix(data, by_group);
    let (n, p) = mm.x.shape();
    if n <= p {
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted: {n} observations for {p} coefficients leave no residual degrees of freedom."
        )));
    }
    let qr = mm.x.clone().qr();
    let r = qr.r();
    if r.diagonal().iter().any(|d| d.abs() < 1e-10 * r[(0, 0)].abs()) {
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted: x is collinear with the groups, so its slope is not estimable."
        )));
    }
    let qty = qr.q().transpose() * &y;
    let coef = r
        .solve_upper_triangular(&qty)
        .ok_or_else(|| Error::NotEstimable(format!("{model} cannot be fitted: the model matrix is singular.")))?;
    let resid = &y - &mm.x * &coef;
    let rss = resid.norm_squared();
    let nf = n as f64;
    Ok(LmFit {
        coef: coef.iter().copied().collect(),
        coef_names: mm.names,
        sigma: (rss / (nf - p as f64)).sqrt(),
        loglik: -0.5 * nf * ((2.0 * std::f64::consts::PI * rss / nf).ln() + 1.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Dataset {
        // y = 1 + 2x exactly in group 1, shifted by 3 in group 2, plus a known residual pattern.
        let x = vec![0.0, 1.0, 2.0, 0.0, 1.0, 2.0];
        let e = [0.1, -0.2, 0.1, -0.1, 0.2, -0.1];
        let group = vec![0, 0, 0, 1, 1, 1];
        let y: Vec<f64> = (0..6).map(|i| 1.0 + 2.0 * x[i] + 3.0 * group[i] as f64 + e[i]).collect();
        Dataset { group, group_labels: vec!["1".into(), "2".into()], x, y: Some(y), y_bin: vec![0.0; 6] }
    }

    #[test]
    fn recovers_coefficients_of_an_exact_design() {
        let fit = lm(&toy(), true).expect("fits");
        // Residuals e are orthogonal to (1, x, group) within each group (sum 0, x-weighted sum 0).
        assert!((fit.coef[0] - 1.0).abs() < 1e-12);
        assert!((fit.coef[1] - 2.0).abs() < 1e-12);
        assert!((fit.coef[2] - 3.0).abs() < 1e-12);
        assert_eq!(fit.coef_names, vec!["(Intercept)", "x", "factor(group)2"]);
        let rss: f64 = 0.12;
        assert!((fit.sigma - (rss / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn needs_continuous_y_and_varying_x() {
        let mut d = toy();
        d.y = None;
        assert!(lm(&d, false).unwrap_err().to_string().contains("continuous y"));
        let mut d = toy();
        d.x = vec![1.0; 6];
        assert!(lm(&d, false).unwrap_err().to_string().contains("x is constant"));
    }
}
