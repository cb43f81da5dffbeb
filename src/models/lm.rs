//! Linear models by least squares: `lm(y ~ x)` and `lm(y ~ x + factor(group))`.
//!
//! With one intercept per group the least-squares slope is the within-group slope
//!   β̂ = Σ_g Σ_{i∈g} (x_i − x̄_g)(y_i − ȳ_g) / Σ_g Σ_{i∈g} (x_i − x̄_g)²,
//! each group's intercept is ȳ_g − β̂x̄_g, and R's treatment contrasts report group 1's intercept and the
//! other groups' differences from it (one group: `lm(y ~ x)`). σ̂² = RSS / (n − p);
//! log L = −n/2 · (log(2π RSS/n) + 1). Centred sums keep it accurate in O(n).

use super::design::{check_x_varies, check_x_varies_within_groups};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::report::LmFit;

/// The continuous outcome, or the sentence saying it is missing.
pub fn continuous_outcome<'a>(data: &'a Dataset, model: &str) -> Result<&'a [f64]> {
    data.y.as_deref().ok_or_else(|| {
        Error::NotEstimable(format!("{model} needs the continuous y, and these data have only y_bin."))
    })
}

/// Least-squares fit of y on x with one intercept (`by_group = false`) or one per group.
pub fn lm(data: &Dataset, by_group: bool) -> Result<LmFit> {
    let model = if by_group { "lm(y ~ x + factor(group))" } else { "lm(y ~ x)" };
    let y = continuous_outcome(data, model)?;
    check_x_varies(data, model)?;
    let n = data.n_obs();
    let groups = if by_group { data.n_groups() } else { 1 };
    let cell = |i: usize| if by_group { data.group[i] } else { 0 };
    let p = groups + 1;
    if n <= p {
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted: {n} observations for {p} coefficients leave no residual degrees of freedom."
        )));
    }
    if by_group {
        check_x_varies_within_groups(data, model)?;
    }
    let (mut count, mut sx, mut sy) = (vec![0.0; groups], vec![0.0; groups], vec![0.0; groups]);
    for i in 0..n {
        count[cell(i)] += 1.0;
        sx[cell(i)] += data.x[i];
        sy[cell(i)] += y[i];
    }
    let x_mean: Vec<f64> = (0..groups).map(|g| sx[g] / count[g]).collect();
    let y_mean: Vec<f64> = (0..groups).map(|g| sy[g] / count[g]).collect();
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (data.x[i] - x_mean[cell(i)], y[i] - y_mean[cell(i)]);
        sxx += dx * dx;
        sxy += dx * dy;
    }
    let slope = sxy / sxx;
    let intercepts: Vec<f64> = (0..groups).map(|g| y_mean[g] - slope * x_mean[g]).collect();
    let rss: f64 = (0..n).map(|i| (y[i] - intercepts[cell(i)] - slope * data.x[i]).powi(2)).sum();
    let mut coef = vec![intercepts[0], slope];
    coef.extend(intercepts.iter().skip(1).map(|b| b - intercepts[0]));
    let mut coef_names = vec!["(Intercept)".to_string(), "x".to_string()];
    if by_group {
        coef_names.extend(data.group_labels.iter().skip(1).map(|l| format!("factor(group){l}")));
    }
    let nf = n as f64;
    Ok(LmFit {
        coef,
        coef_names,
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
    fn pooled_fit_is_simple_regression() {
        let fit = lm(&toy(), false).expect("fits");
        let d = toy();
        let y = d.y.unwrap_or_default();
        let (xm, ym) = (1.0, y.iter().sum::<f64>() / 6.0);
        let b = (0..6).map(|i| (d.x[i] - xm) * (y[i] - ym)).sum::<f64>() / 4.0;
        assert!((fit.coef[1] - b).abs() < 1e-14 && (fit.coef[0] - (ym - b * xm)).abs() < 1e-14);
    }

    #[test]
    fn needs_continuous_y_and_varying_x() {
        let mut d = toy();
        d.y = None;
        assert!(lm(&d, false).unwrap_err().to_string().contains("continuous y"));
        let mut d = toy();
        d.x = vec![1.0; 6];
        assert!(lm(&d, false).unwrap_err().to_string().contains("x is constant"));
        let mut d = toy();
        d.x = vec![1.0, 1.0, 1.0, 2.0, 2.0, 2.0];
        assert!(lm(&d, true).unwrap_err().to_string().contains("within every group"));
    }
}
