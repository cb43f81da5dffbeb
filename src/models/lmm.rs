//! The linear mixed model `lmer(y ~ x + (1|group))`, by REML (lme4's default) or ML.
//!
//! With relative covariance factor Λ = θI (θ = σ_b/σ) the profiled criteria are lme4's
//!   ML:   d(θ)   = log|L_θ|² + n·(1 + log(2π r²_θ / n))
//!   REML: d_R(θ) = log|L_θ|² + log|R_X|² + (n − p)·(1 + log(2π r²_θ / (n − p)))
//! where log|L_θ|² = Σ_g log(1 + θ² n_g) (the log-determinant), r²_θ is the penalised residual sum of
//! squares and R_X the Cholesky factor of X'V⁻¹X with V = I + θ²ZZ'. For a random intercept everything
//! is a sum over groups: V⁻¹ = I − Z diag(c_g) Z', c_g = θ²/(1 + θ² n_g).

use nalgebra::{DMatrix, DVector};
use num_dual::{Dual2_64, DualNum};

use super::lm::continuous_outcome;
use super::optimize::newton_minimize;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::report::LmmFit;

/// lme4's `isSingular` tolerance on θ.
pub const SINGULAR_THETA: f64 = 1e-4;

/// Per-group sums of the centred data (x − x̄, y − ȳ).
#[derive(Debug, Clone)]
struct GroupSums {
    n: f64,
    sx: f64,
    sy: f64,
}

/// Sufficient statistics of the whole problem.
#[derive(Debug, Clone)]
struct Sums {
    n: f64,
    xx: f64,
    xy: f64,
    yy: f64,
    groups: Vec<GroupSums>,
    x_mean: f64,
    y_mean: f64,
}

impl Sums {
    fn new(data: &Dataset, y: &[f64]) -> Sums {
        let n = data.n_obs() as f64;
        let x_mean = data.x.iter().sum::<f64>() / n;
        let y_mean = y.iter().sum::<f64>() / n;
        let mut groups = vec![GroupSums { n: 0.0, sx: 0.0, sy: 0.0 }; data.n_groups()];
        let (mut xx, mut xy, mut yy) = (0.0, 0.0, 0.0);
        for i in 0..data.n_obs() {
            let (xc, yc) = (data.x[i] - x_mean, y[i] - y_mean);
            let g = &mut groups[data.group[i]];
            g.n += 1.0;
            g.sx += xc;
            g.sy += yc;
            xx += xc * xc;
            xy += xc * yc;
            yy += yc * yc;
        }
        Sums { n, xx, xy, yy, groups, x_mean, y_mean }
    }
}

/// The pieces of the profiled criterion at one θ, generic so that θ may be a dual number.
struct Profile<D> {
    log_det_l: D,
    log_det_rx: D,
    penalised_rss: D,
    /// Centred-design coefficients (intercept, slope).
    beta: [D; 2],
}

/// Solve the penalised least-squares problem at θ via per-group sums.
fn profile<D: DualNum<Primitive = f64> + Copy>(s: &Sums, theta: D) -> Profile<D> {
    let t2 = theta * theta;
    let (mut a00, mut a01, mut a11) = (D::from(s.n), D::from(0.0), D::from(s.xx));
    let (mut b0, mut b1, mut c) = (D::from(0.0), D::from(s.xy), D::from(s.yy));
    let mut log_det_l = D::from(0.0);
    for g in &s.groups {
        let denom = t2 * g.n + 1.0;
        let cg = t2 / denom;
        a00 -= cg * (g.n * g.n);
        a01 -= cg * (g.n * g.sx);
        a11 -= cg * (g.sx * g.sx);
        b0 -= cg * (g.n * g.sy);
        b1 -= cg * (g.sx * g.sy);
        c -= cg * (g.sy * g.sy);
        log_det_l += denom.ln();
    }
    let det = a00 * a11 - a01 * a01;
    let beta0 = (a11 * b0 - a01 * b1) / det;
    let beta1 = (a00 * b1 - a01 * b0) / det;
    let penalised_rss = c - (beta0 * b0 + beta1 * b1);
    Profile { log_det_l, log_det_rx: det.ln(), penalised_rss, beta: [beta0, beta1] }
}

/// lme4's objective at θ: the REML criterion or the ML deviance.
fn criterion<D: DualNum<Primitive = f64> + Copy>(s: &Sums, theta: D, reml: bool) -> D {
    let p = profile(s, theta);
    let two_pi = 2.0 * std::f64::consts::PI;
    if reml {
        let df = s.n - 2.0;
        p.log_det_l + p.log_det_rx + ((p.penalised_rss * (two_pi / df)).ln() + 1.0) * df
    } else {
        p.log_det_l + ((p.penalised_rss * (two_pi / s.n)).ln() + 1.0) * s.n
    }
}

/// Fit `lmer(y ~ x + (1|group), REML = reml)`.
pub fn lmm(data: &Dataset, reml: bool) -> Result<LmmFit> {
    let model = "lmer(y ~ x + (1|group))";
    let y = continuous_outcome(data, model)?;
    super::design::check_x_varies(data, model)?;
    if data.n_groups() < 2 {
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted with one group: a random intercept needs at least two groups to have a variance."
        )));
    }
    if data.n_obs() <= data.n_groups() {
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted: {} observations in {} groups leave nothing to separate residual from group variance.",
            data.n_obs(),
            data.n_groups()
        )));
    }
    let s = Sums::new(data, y);
    let value = |t: &DVector<f64>| criterion(&s, t[0], reml);
    let derivs = |t: &DVector<f64>| {
        let d = criterion(&s, Dual2_64::from_re(t[0]).derivative(), reml);
        Some((d.re, DVector::from_element(1, d.v1), DMatrix::from_element(1, 1, d.v2)))
    };
    let min = newton_minimize(value, derivs, DVector::from_element(1, 1.0))
        .map_err(|reason| Error::NoConvergence { model: "lmer", reason })?;
    // The criterion is even in θ; report θ ≥ 0 as lme4 does.
    let theta = min.x[0].abs();
    let p = profile(&s, theta);
    let n = s.n;
    let sigma2 = p.penalised_rss / if reml { n - 2.0 } else { n };
    let sigma = sigma2.sqrt();
    let slope = p.beta[1];
    let intercept = s.y_mean + p.beta[0] - slope * s.x_mean;
    // BLUPs b_g = θ² S_g / (1 + θ² n_g), S_g the group's sum of residuals from the fixed effects.
    let t2 = theta * theta;
    let ranef: Vec<f64> = s
        .groups
        .iter()
        .map(|g| t2 * (g.sy - p.beta[0] * g.n - slope * g.sx) / (1.0 + t2 * g.n))
        .collect();
    let crit = min.value;
    Ok(LmmFit {
        fixef: vec![intercept, slope],
        sigma,
        sigma_b: theta * sigma,
        theta,
        ranef_sum: ranef.iter().sum(),
        ranef,
        reml,
        reml_crit: crit,
        loglik: -0.5 * crit,
        singular: theta < SINGULAR_THETA,
        note: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Dataset {
        let x: Vec<f64> = (0..30).map(|i| ((i * 13) % 7) as f64 * 0.5).collect();
        let group: Vec<usize> = (0..30).map(|i| i / 10).collect();
        let y: Vec<f64> = (0..30)
            .map(|i| 1.0 + 0.3 * x[i] + [0.8, -0.5, 0.1][group[i]] + (((i * 31) % 11) as f64 - 5.0) * 0.1)
            .collect();
        Dataset { group, group_labels: vec!["1".into(), "2".into(), "3".into()], x, y: Some(y), y_bin: vec![0.0; 30] }
    }

    #[test]
    fn blups_sum_to_zero_and_theta_is_stationary() {
        for reml in [true, false] {
            let fit = lmm(&toy(), reml).expect("fits");
            assert!(fit.ranef_sum.abs() < 1e-12, "sum {}", fit.ranef_sum);
            assert!(fit.theta > 0.1, "theta {}", fit.theta);
            let s = Sums::new(&toy(), toy().y.as_deref().unwrap_or(&[]));
            let d = criterion(&s, Dual2_64::from_re(fit.theta).derivative(), reml);
            assert!(d.v1.abs() < 1e-8, "gradient {}", d.v1);
            assert!(d.v2 > 0.0);
        }
    }

    #[test]
    fn theta_zero_reduces_to_ordinary_least_squares() {
        let d = toy();
        let s = Sums::new(&d, d.y.as_deref().unwrap_or(&[]));
        let p = profile(&s, 0.0);
        let ols = super::super::lm::lm(&d, false).expect("fits");
        assert!((p.beta[1] - ols.coef[1]).abs() < 1e-12);
        assert!((p.penalised_rss - ols.sigma.powi(2) * 28.0).abs() < 1e-10);
    }

    #[test]
    fn one_group_is_a_sentence() {
        let mut d = toy();
        d.group = vec![0; 30];
        d.group_labels = vec!["1".into()];
        assert!(lmm(&d, true).unwrap_err().to_string().contains("at least two groups"));
    }
}
