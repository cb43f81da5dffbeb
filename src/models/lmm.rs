//! The linear mixed model `lmer(y ~ x + (1|group))`, by REML (lme4's default) or ML.
//!
//! With relative covariance factor Λ = θI (θ = σ_b/σ) the profiled criteria are lme4's
//!   ML:   d(θ)   = log|L_θ|² + n·(1 + log(2π r²_θ / n))
//!   REML: d_R(θ) = log|L_θ|² + log|R_X|² + (n − p)·(1 + log(2π r²_θ / (n − p)))
//! where log|L_θ|² = Σ_g log(1 + θ² n_g) (the log-determinant), r²_θ is the penalised residual sum of
//! squares and R_X the Cholesky factor of X'V⁻¹X with V = I + θ²ZZ'. For a random intercept everything
//! is a sum over groups: with w_g = 1/(1 + θ² n_g), V⁻¹ = I − Z diag(θ² w_g) Z'.
//!
//! Written in the cancellation-free form. With x̄_g, ȳ_g the group means, the weighted means
//! m_x = Σ_g w_g n_g x̄_g / Σ_g w_g n_g (m_y likewise), the between-group sums B_xx = Σ_g w_g n_g (x̄_g − m_x)²,
//! B_xy = Σ_g w_g n_g (x̄_g − m_x)(ȳ_g − m_y), and the within-group sums W_xx, W_xy:
//!   1'V⁻¹1 = Σ_g w_g n_g                           (not n − Σ_g θ² w_g n_g², which cancels for large θ),
//!   slope β̂ = (W_xy + B_xy)/(W_xx + B_xx), intercept m_y − β̂ m_x, |R_X|² = (Σ_g w_g n_g)(W_xx + B_xx),
//!   r²_θ = R_W + B_res + W_xx B_xx/(W_xx + B_xx) · (β_W − β_B)²,
//! where β_W = W_xy/W_xx and R_W are the within-group regression's slope and residual sum of squares (computed
//! once, from the residuals), and β_B = B_xy/B_xx and B_res = Σ_g w_g n_g (ȳ_g − m_y − β_B(x̄_g − m_x))² the
//! between-group ones: the sum of the two parts' minima and of the price of one common slope, each term a sum
//! of non-negative numbers (S_yy − β̂S_xy loses digits when y is almost a function of x and the group).

use nalgebra::{DMatrix, DVector};
use num_dual::{Dual2_64, DualNum};

use super::lm::continuous_outcome;
use super::optimize::newton_minimize;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::report::LmmFit;

/// lme4's `isSingular` tolerance on θ.
pub const SINGULAR_THETA: f64 = 1e-4;

/// A group's size and its means of the centred data (x − x̄, y − ȳ).
#[derive(Debug, Clone)]
struct GroupMeans {
    n: f64,
    x: f64,
    y: f64,
}

/// Sufficient statistics of the whole problem: group means, within-group sums of squares and products, and the
/// within-group regression's slope β_W = W_xy/W_xx and residual sum of squares R_W (0 and W_yy if W_xx = 0).
#[derive(Debug, Clone)]
struct Sums {
    n: f64,
    within_xx: f64,
    within_xy: f64,
    within_slope: f64,
    within_rss: f64,
    groups: Vec<GroupMeans>,
    x_mean: f64,
    y_mean: f64,
}

impl Sums {
    /// Three passes: the means, the within-group sums of squares and products of the deviations from them, and
    /// the within-group residuals (so that no sum of squares is a difference of large numbers).
    fn new(data: &Dataset, y: &[f64]) -> Sums {
        let n = data.n_obs() as f64;
        let x_mean = data.x.iter().sum::<f64>() / n;
        let y_mean = y.iter().sum::<f64>() / n;
        let mut groups = vec![GroupMeans { n: 0.0, x: 0.0, y: 0.0 }; data.n_groups()];
        for i in 0..data.n_obs() {
            let g = &mut groups[data.group[i]];
            g.n += 1.0;
            g.x += data.x[i] - x_mean;
            g.y += y[i] - y_mean;
        }
        // A level without rows (never read from a CSV or simulated) keeps means 0 and carries no weight.
        for g in groups.iter_mut().filter(|g| g.n > 0.0) {
            g.x /= g.n;
            g.y /= g.n;
        }
        let deviations = |i: usize| {
            let g = &groups[data.group[i]];
            (data.x[i] - x_mean - g.x, y[i] - y_mean - g.y)
        };
        let (mut within_xx, mut within_xy) = (0.0, 0.0);
        for i in 0..data.n_obs() {
            let (dx, dy) = deviations(i);
            within_xx += dx * dx;
            within_xy += dx * dy;
        }
        let within_slope = if within_xx > 0.0 { within_xy / within_xx } else { 0.0 };
        let within_rss = (0..data.n_obs()).map(deviations).map(|(dx, dy)| (dy - within_slope * dx).powi(2)).sum();
        Sums { n, within_xx, within_xy, within_slope, within_rss, groups, x_mean, y_mean }
    }
}

/// The pieces of the profiled criterion at one θ, generic so that θ may be a dual number.
struct Profile<D> {
    log_det_l: D,
    log_det_rx: D,
    penalised_rss: D,
    /// Centred-design coefficients (intercept, slope).
    beta: [D; 2],
    /// The weights w_g = 1/(1 + θ² n_g) and each group's residual mean ȳ_g − intercept − slope·x̄_g.
    weights: Vec<D>,
    residual_means: Vec<D>,
}

/// Solve the penalised least-squares problem at θ via per-group sums (the formulas of the module doc).
fn profile<D: DualNum<Primitive = f64> + Copy>(s: &Sums, theta: D) -> Profile<D> {
    let t2 = theta * theta;
    let weights: Vec<D> = s.groups.iter().map(|g| (t2 * g.n + 1.0).recip()).collect();
    let (mut total, mut mx, mut my) = (D::from(0.0), D::from(0.0), D::from(0.0));
    let mut log_det_l = D::from(0.0);
    for (g, &w) in s.groups.iter().zip(&weights) {
        let wn = w * g.n;
        total += wn;
        mx += wn * g.x;
        my += wn * g.y;
        log_det_l += (t2 * g.n).ln_1p();
    }
    mx /= total;
    my /= total;
    // The between-group part: B_xx, B_xy, its own slope β_B and residual sum of squares B_res.
    let (mut bxx, mut bxy) = (D::from(0.0), D::from(0.0));
    for (g, &w) in s.groups.iter().zip(&weights) {
        let (dx, dy) = (-mx + g.x, -my + g.y);
        bxx += w * g.n * dx * dx;
        bxy += w * g.n * dx * dy;
    }
    let between_slope = if bxx.re() > 0.0 { bxy / bxx } else { D::from(0.0) };
    let between_rss = s.groups.iter().zip(&weights).fold(D::from(0.0), |acc, (g, &w)| {
        let e = (-my + g.y) - between_slope * (-mx + g.x);
        acc + w * g.n * e * e
    });
    // r² = min_β [R_W + W_xx(β − β_W)² + B_res + B_xx(β − β_B)²]: three non-negative terms.
    let sxx = bxx + s.within_xx;
    let gap = -between_slope + s.within_slope;
    let cross = if s.within_xx > 0.0 && bxx.re() > 0.0 { bxx * s.within_xx / sxx * gap * gap } else { D::from(0.0) };
    let penalised_rss = between_rss + cross + s.within_rss;
    let slope = (bxy + s.within_xy) / sxx;
    let residual_means: Vec<D> = s.groups.iter().map(|g| (-my + g.y) - slope * (-mx + g.x)).collect();
    let intercept = my - slope * mx;
    Profile { log_det_l, log_det_rx: total.ln() + sxx.ln(), penalised_rss, beta: [intercept, slope], weights, residual_means }
}

/// lme4's profiled objective from its three pieces, for n observations and p fixed effects:
///   ML:   log|L_θ|² + n·(1 + log(2π r²_θ / n))
///   REML: log|L_θ|² + log|R_X|² + (n − p)·(1 + log(2π r²_θ / (n − p)))
/// (shared with the general design's `gaussian::lmer`).
pub(crate) fn profiled_criterion<D: DualNum<Primitive = f64> + Copy>(
    log_det_l: D,
    log_det_rx: D,
    penalised_rss: D,
    n: f64,
    p: f64,
    reml: bool,
) -> D {
    let two_pi = 2.0 * std::f64::consts::PI;
    if reml {
        let df = n - p;
        log_det_l + log_det_rx + ((penalised_rss * (two_pi / df)).ln() + 1.0) * df
    } else {
        log_det_l + ((penalised_rss * (two_pi / n)).ln() + 1.0) * n
    }
}

/// lme4's objective at θ: the REML criterion or the ML deviance.
fn criterion<D: DualNum<Primitive = f64> + Copy>(s: &Sums, theta: D, reml: bool) -> D {
    let p = profile(s, theta);
    profiled_criterion(p.log_det_l, p.log_det_rx, p.penalised_rss, s.n, 2.0, reml)
}

/// The θ ≥ 0 minimising a profiled criterion, given as its value and as its second-order dual (exact first and
/// second derivatives): Newton's method from θ = 1 (shared with the general design's `gaussian::lmer`).
///
/// The criterion is even in θ; report θ ≥ 0 as lme4 does. Close to 0 it is flat to rounding: a search that
/// ends below lme4's singular tolerance reports the boundary θ = 0 when that is no worse (lme4's bounded
/// optimiser lands on it), so a singular fit has σ_b and every BLUP exactly 0.
pub(crate) fn minimise_over_theta(value: impl Fn(f64) -> f64, dual: impl Fn(Dual2_64) -> Dual2_64) -> Result<f64> {
    let min = newton_minimize(
        |t: &DVector<f64>| value(t[0]),
        |t: &DVector<f64>| {
            let d = dual(Dual2_64::from_re(t[0]).derivative());
            Some((d.re, DVector::from_element(1, d.v1), DMatrix::from_element(1, 1, d.v2)))
        },
        DVector::from_element(1, 1.0),
    )
    .map_err(|reason| Error::NoConvergence { model: "lmer", reason })?;
    Ok(match min.x[0].abs() {
        t if t < SINGULAR_THETA && value(0.0) <= min.value => 0.0,
        t => t,
    })
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
    let theta = minimise_over_theta(|t| criterion(&s, t, reml), |t| criterion(&s, t, reml))?;
    let p = profile(&s, theta);
    let n = s.n;
    let sigma2 = p.penalised_rss / if reml { n - 2.0 } else { n };
    let sigma = sigma2.sqrt();
    let slope = p.beta[1];
    let intercept = s.y_mean + p.beta[0] - slope * s.x_mean;
    // BLUPs b_g = θ² n_g w_g e_g, e_g the group's mean residual from the fixed effects (Σ_g w_g n_g e_g = 0).
    let t2 = theta * theta;
    let ranef: Vec<f64> =
        s.groups.iter().zip(p.weights.iter().zip(&p.residual_means)).map(|(g, (&w, &e))| t2 * g.n * w * e).collect();
    let crit = criterion(&s, theta, reml);
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

    /// The per-group sums against the dense generalised least squares with V = I + θ²ZZ', at a θ where both
    /// are accurate: β̂ = (X'V⁻¹X)⁻¹X'V⁻¹y, r² = (y − Xβ̂)'V⁻¹(y − Xβ̂), |R_X|² = det X'V⁻¹X.
    #[test]
    fn group_sums_equal_dense_generalised_least_squares() {
        let d = toy();
        let y = DVector::from_column_slice(d.y.as_deref().unwrap_or(&[]));
        let s = Sums::new(&d, y.as_slice());
        let theta = 0.7;
        let z = DMatrix::from_fn(30, 3, |i, g| f64::from(u8::from(d.group[i] == g)));
        let v = DMatrix::identity(30, 30) + &z * z.transpose() * (theta * theta);
        let v_inv = v.try_inverse().unwrap_or_else(|| DMatrix::zeros(30, 30));
        let x = DMatrix::from_fn(30, 2, |i, j| if j == 0 { 1.0 } else { d.x[i] - s.x_mean });
        let yc = y.map(|v| v - s.y_mean);
        let xtvx = x.transpose() * &v_inv * &x;
        let beta = xtvx.clone().try_inverse().unwrap_or_else(|| DMatrix::zeros(2, 2)) * x.transpose() * &v_inv * &yc;
        let r = &yc - &x * &beta;
        let rss = (r.transpose() * &v_inv * &r)[(0, 0)];
        let p = profile(&s, theta);
        assert!((p.beta[0] - beta[0]).abs() < 1e-12 && (p.beta[1] - beta[1]).abs() < 1e-12, "{:?} vs {beta}", p.beta);
        assert!((p.penalised_rss - rss).abs() < 1e-12 * rss, "{} vs {rss}", p.penalised_rss);
        assert!((p.log_det_rx - xtvx.determinant().ln()).abs() < 1e-12);
        let log_det_l: f64 = [10.0f64; 3].iter().map(|n| (1.0 + theta * theta * n).ln()).sum();
        assert!((p.log_det_l - log_det_l).abs() < 1e-12);
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
