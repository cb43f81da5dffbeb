//! The penalised logistic fit at a fixed random-intercept SD σ (what lme4's PIRLS solves for nAGQ = 0):
//!   (α̂, β̂, ẑ) = argmax Σ_i log p(y_i | α + βx_i + z_{g(i)}) − Σ_g z_g²/(2σ²),
//! a ridge-penalised logistic regression, strictly concave, solved by Newton's method with the exact
//! gradient and Hessian (the Hessian is assembled from three non-zeros per observation).
//!
//! lme4's first stage (nAGQ = 0) is this fit on a grid of σ: [`default_start`], where every GLMM fit starts.

use nalgebra::{DMatrix, DVector};

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::models::family::{log1pexp, logistic, Log1pSum};
use crate::models::optimize::newton_minimize;

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

/// Value, gradient and Hessian of the penalised negative log-likelihood in one pass. With r_i = μ_i − y_i and
/// w_i = μ_i(1 − μ_i), the gradient is (Σr_i, Σr_i x_i, Σ_{i∈g} r_i + z_g/σ²) and the Hessian has only
/// per-group sums off its diagonal: H_αα = Σw, H_αβ = Σwx, H_ββ = Σwx², H_αg = Σ_{i∈g} w, H_βg =
/// Σ_{i∈g} wx, H_gg = Σ_{i∈g} w + 1/σ². One exponential per observation gives μ, w and the factor 1 + e^η.
fn penalised_derivatives(data: &Dataset, sigma: f64, v: &DVector<f64>) -> (f64, DVector<f64>, DMatrix<f64>) {
    let k = v.len();
    let groups = k - 2;
    let (mut sr, mut sw, mut swx) = (vec![0.0; groups], vec![0.0; groups], vec![0.0; groups]);
    let (mut srx, mut swxx, mut y_eta) = (0.0, 0.0, 0.0);
    let mut log1p = Log1pSum::default();
    for i in 0..data.n_obs() {
        let gi = data.group[i];
        let (x, y) = (data.x[i], data.y_bin[i]);
        let eta = v[0] + v[1] * x + v[2 + gi];
        let (mu, w) = if eta <= 33.3 {
            let t = eta.exp();
            let u = 1.0 + t;
            log1p.add_factor(u);
            let mu = t / u;
            (mu, mu / u)
        } else {
            log1p.add_log(log1pexp(eta));
            let mu = logistic(eta);
            (mu, mu * (1.0 - mu))
        };
        y_eta += y * eta;
        let r = mu - y;
        sr[gi] += r;
        sw[gi] += w;
        swx[gi] += w * x;
        srx += r * x;
        swxx += w * x * x;
    }
    let prec = 1.0 / (sigma * sigma);
    let mut g = DVector::zeros(k);
    let mut h = DMatrix::zeros(k, k);
    g[0] = sr.iter().sum();
    g[1] = srx;
    h[(0, 0)] = sw.iter().sum();
    h[(0, 1)] = swx.iter().sum();
    h[(1, 0)] = h[(0, 1)];
    h[(1, 1)] = swxx;
    for j in 0..groups {
        g[2 + j] = sr[j] + v[2 + j] * prec;
        h[(0, 2 + j)] = sw[j];
        h[(2 + j, 0)] = sw[j];
        h[(1, 2 + j)] = swx[j];
        h[(2 + j, 1)] = swx[j];
        h[(2 + j, 2 + j)] = sw[j] + prec;
    }
    let value = log1p.value() - y_eta + v.rows(2, groups).norm_squared() * (0.5 * prec);
    (value, g, h)
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

/// θ values at which lme4's first-stage (nAGQ = 0) deviance is compared to choose where Newton starts.
const STAGE_ONE_THETAS: [f64; 5] = [0.1, 0.3, 1.0, 3.0, 10.0];

/// Where the GLMM fits start: the best of lme4's first-stage (nAGQ = 0) fits on a coarse grid of θ.
///
/// For each θ the penalised fit (PIRLS) gives (α, β, z), and the first-stage deviance
/// Σ_i d(y_i, α + βx_i + z_g) + Σ_g (z_g/θ)² + Σ_g log(1 + θ² Σ_{i∈g} μ_i(1 − μ_i)) compares the θ.
/// The objective can have more than one basin in θ (between-group versus within-group slopes), and the
/// grid keeps Newton's method out of a poor one. Falls back to the pooled glm and θ = 1, as lme4 starts.
pub fn default_start(data: &Dataset, pooled: Option<&[f64]>) -> [f64; 3] {
    let (a0, b0) = match pooled {
        Some(c) if c.len() >= 2 && c[0].is_finite() && c[1].is_finite() => (c[0], c[1]),
        _ => (0.0, 0.0),
    };
    let mut warm = DVector::zeros(2 + data.n_groups());
    warm[0] = a0;
    warm[1] = b0;
    let mut best: Option<(f64, [f64; 3])> = None;
    for &theta in &STAGE_ONE_THETAS {
        let Ok(v) = penalised_fit(data, theta, &warm) else { continue };
        let dev = stage_one_deviance(data, theta, &v);
        if dev.is_finite() && best.is_none_or(|(d, _)| dev < d) {
            best = Some((dev, [v[0], v[1], theta]));
        }
        warm = v;
    }
    best.map_or([a0, b0, 1.0], |(_, start)| start)
}

/// lme4's nAGQ = 0 deviance at the penalised fit `v` = (α, β, z) for θ.
fn stage_one_deviance(data: &Dataset, theta: f64, v: &DVector<f64>) -> f64 {
    let mut info = vec![0.0; data.n_groups()];
    for i in 0..data.n_obs() {
        let mu = logistic(v[0] + v[1] * data.x[i] + v[2 + data.group[i]]);
        info[data.group[i]] += mu * (1.0 - mu);
    }
    2.0 * penalised_negloglik(data, theta, v) + info.iter().map(|w| (theta * theta * w).ln_1p()).sum::<f64>()
}
