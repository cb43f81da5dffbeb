//! The penalised logistic fit at a fixed random-intercept SD σ (what lme4's PIRLS solves for nAGQ = 0):
//!   (α̂, β̂, ẑ) = argmax Σ_i log p(y_i | α + βx_i + z_{g(i)}) − Σ_g z_g²/(2σ²),
//! a ridge-penalised logistic regression, strictly concave, solved by Newton's method with the exact
//! gradient and Hessian (the Hessian is assembled from three non-zeros per observation).

use nalgebra::{DMatrix, DVector};

use super::family::{logistic, Log1pSum};
use super::optimize::newton_minimize;
use crate::data::Dataset;
use crate::error::{Error, Result};

/// −J at fixed σ without the constant −G log σ − (G/2) log 2π, with parameters (α, β, z_1..z_G).
pub fn penalised_negloglik(data: &Dataset, sigma: f64, v: &DVector<f64>) -> f64 {
    // −Σ log p(y_i | η_i) = Σ log(1 + e^η_i) − Σ y_i η_i, the first sum with one logarithm in all.
    let mut log1p = Log1pSum::default();
    let mut y_eta = 0.0;
    for i in 0..data.n_obs() {
        let eta = v[0] + v[1] * data.x[i] + v[2 + data.group[i]];
        log1p.add_log1pexp(eta);
        y_eta += data.y_bin[i] * eta;
    }
    log1p.value() - y_eta + v.rows(2, v.len() - 2).norm_squared() / (2.0 * sigma * sigma)
}

fn penalised_derivatives(data: &Dataset, sigma: f64, v: &DVector<f64>) -> (f64, DVector<f64>, DMatrix<f64>) {
    let k = v.len();
    let mut g = DVector::zeros(k);
    let mut h = DMatrix::zeros(k, k);
    for i in 0..data.n_obs() {
        let zi = 2 + data.group[i];
        let x = data.x[i];
        let mu = logistic(v[0] + v[1] * x + v[zi]);
        let r = mu - data.y_bin[i];
        let w = mu * (1.0 - mu);
        let idx = [0, 1, zi];
        let d = [1.0, x, 1.0];
        for a in 0..3 {
            g[idx[a]] += r * d[a];
            for b in 0..3 {
                h[(idx[a], idx[b])] += w * d[a] * d[b];
            }
        }
    }
    let prec = 1.0 / (sigma * sigma);
    for j in 2..k {
        g[j] += v[j] * prec;
        h[(j, j)] += prec;
    }
    (penalised_negloglik(data, sigma, v), g, h)
}

/// (α, β, ẑ) maximising the penalised log-likelihood at fixed σ, by Newton's method (the problem is strictly convex).
pub fn penalised_fit(data: &Dataset, sigma: f64, start: &DVector<f64>) -> Result<DVector<f64>> {
    penalised_fit_with_hessian(data, sigma, start).map(|(v, _)| v)
}

/// The penalised fit and the Hessian of the penalised negative log-likelihood there.
pub fn penalised_fit_with_hessian(data: &Dataset, sigma: f64, start: &DVector<f64>) -> Result<(DVector<f64>, DMatrix<f64>)> {
    newton_minimize(
        |v| penalised_negloglik(data, sigma, v),
        |v| Some(penalised_derivatives(data, sigma, v)),
        start.clone(),
    )
    .map(|m| (m.x, m.hessian))
    .map_err(|reason| Error::NoConvergence { model: "penalised logistic fit", reason })
}

