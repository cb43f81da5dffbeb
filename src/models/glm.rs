//! Logistic regression: `glm(y_bin ~ x, binomial)` and `glm(y_bin ~ x + factor(group), binomial)`.
//!
//! Minimises the deviance D(β) = Σ_i d(y_i, x_i'β) by Newton's method with the exact derivatives
//! ∇D = −2 X'(y − μ) and ∇²D = 2 X'WX, W = diag(μ(1 − μ)). logLik = −D/2 (Bernoulli saturated model: 0).

use nalgebra::{DMatrix, DVector};

use super::design::{check_x_varies, check_x_varies_within_groups, ModelMatrix};
use super::family::{deviance_residual, logistic};
use super::optimize::newton_minimize;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::report::GlmFit;

/// A deviance this small means the outcomes are perfectly predicted: complete separation.
const SEPARATION_DEVIANCE: f64 = 1e-6;

/// Sentence if every outcome is the same: no binary model has anything to fit.
pub fn check_outcomes_vary(data: &Dataset, model: &str) -> Result<()> {
    let ones = data.sum_ybin();
    if ones == 0.0 || ones == data.n_obs() as f64 {
        let v = if ones == 0.0 { 0 } else { 1 };
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted: every y_bin is {v}, so there is nothing for a logistic model to explain."
        )));
    }
    Ok(())
}

/// Labels of the groups whose outcomes are all equal, with that value.
pub fn separated_groups(data: &Dataset) -> Vec<(String, u8)> {
    let members = data.group_members();
    members
        .iter()
        .enumerate()
        .filter_map(|(g, idx)| {
            let ones: f64 = idx.iter().map(|&i| data.y_bin[i]).sum();
            if ones == 0.0 {
                Some((data.group_labels[g].clone(), 0))
            } else if ones == idx.len() as f64 {
                Some((data.group_labels[g].clone(), 1))
            } else {
                None
            }
        })
        .collect()
}

fn deviance(mm: &ModelMatrix, y: &[f64], beta: &DVector<f64>) -> f64 {
    y.iter().enumerate().map(|(i, &yi)| deviance_residual(yi, mm.eta(beta, i))).sum()
}

/// D, ∇D = −2 X'(y − μ) and ∇²D = 2 X'WX, accumulated row by row.
fn deviance_derivatives(mm: &ModelMatrix, y: &[f64], beta: &DVector<f64>) -> (f64, DVector<f64>, DMatrix<f64>) {
    let mut dev = 0.0;
    let (xr, xwx) = mm.cross_products(|i| {
        let eta = mm.eta(beta, i);
        dev += deviance_residual(y[i], eta);
        let mu = logistic(eta);
        (y[i] - mu, mu * (1.0 - mu))
    });
    (dev, xr * -2.0, xwx * 2.0)
}

/// Maximum-likelihood logistic regression (`by_group` adds factor(group)).
pub fn glm(data: &Dataset, by_group: bool) -> Result<GlmFit> {
    let model = if by_group { "glm(y_bin ~ x + factor(group))" } else { "glm(y_bin ~ x)" };
    check_outcomes_vary(data, model)?;
    check_x_varies(data, model)?;
    if by_group {
        let sep = separated_groups(data);
        if !sep.is_empty() {
            let list: Vec<String> = sep.iter().map(|(l, v)| format!("group {l} (all {v})")).collect();
            let whose = if sep.len() == 1 { "that group's coefficient diverges" } else { "those groups' coefficients diverge" };
            return Err(Error::NotEstimable(format!(
                "{model} has no finite estimate: the outcomes of {} are all equal, so {whose} (complete separation); \
                 a random intercept is shrunk toward 0 instead, so glmer can still fit.",
                list.join(", ")
            )));
        }
        check_x_varies_within_groups(data, model)?;
    }
    let mm = ModelMatrix::new(data, by_group);
    let y = &data.y_bin;
    let start = DVector::zeros(mm.ncols());
    let min = newton_minimize(|b| deviance(&mm, y, b), |b| Some(deviance_derivatives(&mm, y, b)), start)
        .map_err(|reason| Error::NoConvergence { model: if by_group { "glm + group" } else { "glm" }, reason })?;
    if min.value < SEPARATION_DEVIANCE {
        return Err(Error::NotEstimable(format!(
            "{model} has no finite estimate: x separates y_bin = 0 from y_bin = 1 completely, so the slope diverges."
        )));
    }
    Ok(GlmFit {
        coef: min.x.iter().copied().collect(),
        coef_names: mm.names(),
        loglik: -0.5 * min.value,
        deviance: min.value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(x: Vec<f64>, y_bin: Vec<f64>, group: Vec<usize>) -> Dataset {
        Dataset::binary(x, y_bin, group)
    }

    #[test]
    fn score_equations_hold_at_the_fit() {
        let x: Vec<f64> = (0..40).map(|i| (i as f64 * 0.37).sin() * 2.0).collect();
        let y: Vec<f64> = (0..40).map(|i| f64::from(u8::from((i * 7) % 5 < 2 + (i % 3)))).collect();
        let group: Vec<usize> = (0..40).map(|i| i / 20).collect();
        let d = data(x.clone(), y.clone(), group);
        let fit = glm(&d, true).expect("fits");
        // X'(y − μ) = 0 for every column: intercept, x and the group indicator.
        let mu: Vec<f64> = (0..40)
            .map(|i| logistic(fit.coef[0] + fit.coef[1] * x[i] + if i >= 20 { fit.coef[2] } else { 0.0 }))
            .collect();
        let s0: f64 = (0..40).map(|i| y[i] - mu[i]).sum();
        let s1: f64 = (0..40).map(|i| (y[i] - mu[i]) * x[i]).sum();
        let s2: f64 = (20..40).map(|i| y[i] - mu[i]).sum();
        assert!(s0.abs() < 1e-9 && s1.abs() < 1e-9 && s2.abs() < 1e-9, "{s0} {s1} {s2}");
        assert!((fit.loglik + 0.5 * fit.deviance).abs() < 1e-12);
    }

    #[test]
    fn separation_and_constant_outcomes_are_sentences() {
        let d = data(vec![0.0, 1.0, 2.0, 3.0], vec![0.0, 0.0, 1.0, 1.0], vec![0, 0, 0, 0]);
        assert!(glm(&d, false).unwrap_err().to_string().contains("separates"));
        let d = data(vec![0.0, 1.0, 2.0, 3.0], vec![1.0; 4], vec![0, 0, 1, 1]);
        assert!(glm(&d, false).unwrap_err().to_string().contains("every y_bin is 1"));
        let d = data(vec![0.0, 1.0, 2.0, 3.0, 1.5, 0.5], vec![0.0, 1.0, 0.0, 1.0, 1.0, 1.0], vec![0, 0, 0, 0, 1, 1]);
        let e = glm(&d, true).unwrap_err().to_string();
        assert!(e.contains("group 2 (all 1)") && e.contains("separation"), "{e}");
    }
}
