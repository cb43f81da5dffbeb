//! `lmer(y ~ fixed terms + (1 | group), REML = reml)` on the grouped design, for p fixed-effect columns.
//!
//! lme4's profiled criterion in θ = σ_b/σ (`lmm::profiled_criterion`, the formulas are in lmm.rs) needs three
//! pieces at each θ. With w_g = 1/(1 + θ² n_g), group means x̄_g (a p-vector) and ȳ_g, and the within-group
//! deviations x̃_i = x_i − x̄_g, ỹ_i = y_i − ȳ_g (computed once), V_g⁻¹ = I − θ² w_g 11' splits into a within
//! and a between part, (I − 11'/n_g) + (w_g/n_g) 11', so that
//!   X'V⁻¹X = Σ_i x̃_i x̃_i' + Σ_g w_g n_g x̄_g x̄_g',   X'V⁻¹y = Σ_i x̃_i ỹ_i + Σ_g w_g n_g x̄_g ȳ_g,
//!   β̂ = (X'V⁻¹X)⁻¹ X'V⁻¹y,   log|R_X|² = log det X'V⁻¹X,   log|L_θ|² = Σ_g log(1 + θ² n_g),
//!   r²_θ = Σ_i (ỹ_i − x̃_i'β̂)² + Σ_g w_g n_g (ȳ_g − x̄_g'β̂)²   (a sum of non-negative terms, no cancellation).
//! At the minimising θ: σ̂² = r²/(n − p) (REML) or r²/n (ML), σ̂_b = θσ̂, and each group's BLUP (`ranef()`)
//! b_g = θ² n_g w_g (ȳ_g − x̄_g'β̂); with an intercept in X they sum to zero (Σ_g w_g n_g (ȳ_g − x̄_g'β̂) is the
//! intercept's normal equation).
//!
//! The lesson's `models::lmm` is the one-covariate case with centred closed forms; the criterion and the
//! θ search are its functions, reused here.

use num_dual::DualNum;
use serde::{Deserialize, Serialize};

use super::columns::{check_full_rank, dense};
use crate::data::grouped_design::GroupedDesign;
use crate::error::{Error, Result};
use crate::models::lmm::{minimise_over_theta, profiled_criterion, SINGULAR_THETA};

/// An lmer fit on the grouped design.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LmerFit {
    /// Fixed-effect names as R prints them, and the estimates (`fixef()`).
    pub names: Vec<String>,
    pub fixef: Vec<f64>,
    /// Residual standard deviation σ̂ (`sigma()`).
    pub sigma: f64,
    /// Standard deviation of the random intercepts σ̂_b = θσ̂.
    pub sigma_b: f64,
    /// lme4's θ = σ_b/σ.
    pub theta: f64,
    /// The groups' labels and BLUPs (`ranef()`), in the design's group order.
    pub group_labels: Vec<String>,
    pub ranef: Vec<f64>,
    pub ranef_sum: f64,
    pub reml: bool,
    /// lme4's objective at the optimum: the REML criterion (`REMLcrit()`) when `reml`, else the deviance −2 log L.
    pub criterion: f64,
    /// −criterion/2: the REML log-likelihood for a REML fit, the log-likelihood for ML (`logLik()`).
    pub loglik: f64,
    pub singular: bool,
}

impl LmerFit {
    /// The fixed effect of the column named `name` (`fixef(m)[name]`).
    pub fn fixef_named(&self, name: &str) -> Option<f64> {
        self.names.iter().position(|n| n == name).map(|j| self.fixef[j])
    }
}

/// Group means and within-group deviations: everything the criterion reads, computed once.
struct Sums {
    n: f64,
    p: usize,
    /// Per group: n_g, x̄_g (p numbers), ȳ_g.
    sizes: Vec<f64>,
    x_means: Vec<f64>,
    y_means: Vec<f64>,
    /// Per row, row-major: x̃_i (p numbers); and ỹ_i.
    x_within: Vec<f64>,
    y_within: Vec<f64>,
}

impl Sums {
    fn new(design: &GroupedDesign) -> Sums {
        let p = design.p();
        let mut s = Sums {
            n: design.n_obs() as f64,
            p,
            sizes: Vec::with_capacity(design.n_groups()),
            x_means: Vec::with_capacity(design.n_groups() * p),
            y_means: Vec::with_capacity(design.n_groups()),
            x_within: Vec::with_capacity(design.n_obs() * p),
            y_within: Vec::with_capacity(design.n_obs()),
        };
        for g in &design.groups {
            let ng = g.n_obs() as f64;
            let mut xm = vec![0.0; p];
            for r in 0..g.n_obs() {
                for (m, v) in xm.iter_mut().zip(g.x_row(r, p)) {
                    *m += v;
                }
            }
            // A level without rows carries no weight (n_g = 0): its means stay 0.
            let scale = if ng > 0.0 { 1.0 / ng } else { 0.0 };
            xm.iter_mut().for_each(|m| *m *= scale);
            let ym = g.y.iter().sum::<f64>() * scale;
            for r in 0..g.n_obs() {
                s.x_within.extend(g.x_row(r, p).iter().zip(&xm).map(|(v, m)| v - m));
                s.y_within.push(g.y[r] - ym);
            }
            s.sizes.push(ng);
            s.x_means.extend(xm);
            s.y_means.push(ym);
        }
        s
    }
}

/// The pieces of the criterion at θ, generic so that θ may be a dual number.
struct Profile<D> {
    log_det_l: D,
    log_det_rx: D,
    penalised_rss: D,
    beta: Vec<D>,
}

/// Cholesky factor (lower, row-major p × p, in place) of a symmetric positive definite matrix; `None` if not.
fn cholesky<D: DualNum<Primitive = f64> + Copy>(a: &mut [D], p: usize) -> Option<()> {
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            d -= a[j * p + k] * a[j * p + k];
        }
        if d.re().is_nan() || d.re() <= 0.0 {
            return None;
        }
        let l = d.sqrt();
        a[j * p + j] = l;
        for i in j + 1..p {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= a[i * p + k] * a[j * p + k];
            }
            a[i * p + j] = s / l;
        }
    }
    Some(())
}

/// Solve LL'β = c given the lower Cholesky factor L.
fn cholesky_solve<D: DualNum<Primitive = f64> + Copy>(l: &[D], c: &[D], p: usize) -> Vec<D> {
    let mut z = c.to_vec();
    for i in 0..p {
        for k in 0..i {
            z[i] = z[i] - l[i * p + k] * z[k];
        }
        z[i] /= l[i * p + i];
    }
    for i in (0..p).rev() {
        for k in i + 1..p {
            z[i] = z[i] - l[k * p + i] * z[k];
        }
        z[i] /= l[i * p + i];
    }
    z
}

/// The penalised least-squares problem at θ (module doc); `None` when X'V⁻¹X is not positive definite.
fn profile<D: DualNum<Primitive = f64> + Copy>(s: &Sums, theta: D) -> Option<Profile<D>> {
    let p = s.p;
    let t2 = theta * theta;
    let zero = D::from(0.0);
    let mut a = vec![zero; p * p];
    let mut c = vec![zero; p];
    // The within part, constant in θ.
    for (xr, &yr) in s.x_within.chunks_exact(p.max(1)).zip(&s.y_within) {
        for j in 0..p {
            c[j] += D::from(xr[j] * yr);
            for k in 0..=j {
                a[j * p + k] += D::from(xr[j] * xr[k]);
            }
        }
    }
    let mut log_det_l = zero;
    let weights: Vec<D> = s.sizes.iter().map(|&n| (t2 * n + 1.0).recip()).collect();
    for (g, (&n, &w)) in s.sizes.iter().zip(&weights).enumerate() {
        log_det_l += (t2 * n).ln_1p();
        let xm = &s.x_means[g * p..(g + 1) * p];
        let wn = w * n;
        for j in 0..p {
            c[j] += wn * (xm[j] * s.y_means[g]);
            for k in 0..=j {
                a[j * p + k] += wn * (xm[j] * xm[k]);
            }
        }
    }
    for j in 0..p {
        for k in j + 1..p {
            a[j * p + k] = a[k * p + j];
        }
    }
    cholesky(&mut a, p)?;
    let log_det_rx = (0..p).fold(zero, |acc, j| acc + a[j * p + j].ln() * 2.0);
    let beta = cholesky_solve(&a, &c, p);
    let fitted = |x: &[f64]| x.iter().zip(&beta).fold(zero, |acc, (&v, &b)| acc + b * v);
    let mut penalised_rss = zero;
    for (xr, &yr) in s.x_within.chunks_exact(p.max(1)).zip(&s.y_within) {
        let e = -fitted(xr) + yr;
        penalised_rss += e * e;
    }
    for (g, (&n, &w)) in s.sizes.iter().zip(&weights).enumerate() {
        let e = -fitted(&s.x_means[g * p..(g + 1) * p]) + s.y_means[g];
        penalised_rss += w * n * e * e;
    }
    Some(Profile { log_det_l, log_det_rx, penalised_rss, beta })
}

/// lme4's objective at θ (NaN where X'V⁻¹X is not positive definite, which the full-rank check rules out).
fn criterion<D: DualNum<Primitive = f64> + Copy>(s: &Sums, theta: D, reml: bool) -> D {
    match profile(s, theta) {
        Some(pr) => profiled_criterion(pr.log_det_l, pr.log_det_rx, pr.penalised_rss, s.n, s.p as f64, reml),
        None => D::from(f64::NAN),
    }
}

/// Fit `lmer(y ~ fixed terms + (1 | group), REML = reml)` on the design.
pub fn lmer(design: &GroupedDesign, reml: bool) -> Result<LmerFit> {
    let model = format!("lmer({} ~ fixed terms + (1 | {}))", design.response, design.group_name);
    let (n, p, groups) = (design.n_obs(), design.p(), design.n_groups());
    if groups < 2 {
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted with one group: a random intercept needs at least two groups to have a variance."
        )));
    }
    if n <= groups || n <= p {
        return Err(Error::NotEstimable(format!(
            "{model} cannot be fitted: {n} observations in {groups} groups with {p} fixed effects leave nothing to \
             separate residual from group variance."
        )));
    }
    let (x, _, _) = dense(design);
    check_full_rank(&x, &design.names, &model)?;
    let s = Sums::new(design);
    let theta = minimise_over_theta(|t| criterion(&s, t, reml), |t| criterion(&s, t, reml))?;
    let pr = profile(&s, theta).ok_or_else(|| Error::NoConvergence {
        model: "lmer",
        reason: "the fixed effects' cross-product matrix is not positive definite at the optimum".into(),
    })?;
    let sigma = (pr.penalised_rss / if reml { s.n - p as f64 } else { s.n }).sqrt();
    let t2 = theta * theta;
    let ranef: Vec<f64> = (0..groups)
        .map(|g| {
            let n_g = s.sizes[g];
            let xb: f64 = s.x_means[g * p..(g + 1) * p].iter().zip(&pr.beta).map(|(x, b)| x * b).sum();
            t2 * n_g / (1.0 + t2 * n_g) * (s.y_means[g] - xb)
        })
        .collect();
    let crit = criterion(&s, theta, reml);
    Ok(LmerFit {
        names: design.names.clone(),
        fixef: pr.beta,
        sigma,
        sigma_b: theta * sigma,
        theta,
        group_labels: design.group_labels.clone(),
        ranef_sum: ranef.iter().sum(),
        ranef,
        reml,
        criterion: crit,
        loglik: -0.5 * crit,
        singular: theta < SINGULAR_THETA,
    })
}

#[cfg(test)]
mod tests {
    use super::super::least_squares::tests::design_of;
    use super::*;
    use nalgebra::{DMatrix, DVector};

    /// The lesson's lmm toy (lmm.rs) with a second covariate z = x² − 1 added when `with_z`.
    fn toy(with_z: bool) -> GroupedDesign {
        let rows: Vec<(usize, Vec<f64>, f64)> = (0..30)
            .map(|i| {
                let x = ((i * 13) % 7) as f64 * 0.5;
                let g = i / 10;
                let y = 1.0 + 0.3 * x + [0.8, -0.5, 0.1][g] + (((i * 31) % 11) as f64 - 5.0) * 0.1;
                let row = if with_z { vec![1.0, x, x * x - 1.0 + 0.1 * (i % 3) as f64] } else { vec![1.0, x] };
                (g, row, y)
            })
            .collect();
        design_of(if with_z { &["(Intercept)", "x", "z"] } else { &["(Intercept)", "x"] }, &rows)
    }

    /// One covariate: the same fit as the lesson's closed form (lmm.rs), REML and ML.
    #[test]
    fn equals_the_lessons_lmm() {
        let d = toy(false);
        let (x, y, group) = dense(&d);
        let data = crate::data::Dataset {
            group,
            group_labels: d.group_labels.clone(),
            x: x.column(1).iter().copied().collect(),
            y: Some(y.iter().copied().collect()),
            y_bin: vec![0.0; 30],
        };
        for reml in [true, false] {
            let lesson = crate::models::lmm::lmm(&data, reml).expect("fits");
            let ours = lmer(&d, reml).expect("fits");
            assert!((lesson.theta - ours.theta).abs() < 1e-8, "{} vs {}", lesson.theta, ours.theta);
            assert!((lesson.reml_crit - ours.criterion).abs() < 1e-10);
            for (a, b) in lesson.fixef.iter().zip(&ours.fixef) {
                assert!((a - b).abs() < 1e-8, "{:?} vs {:?}", lesson.fixef, ours.fixef);
            }
            for (a, b) in lesson.ranef.iter().zip(&ours.ranef) {
                assert!((a - b).abs() < 1e-8);
            }
            assert!((lesson.sigma - ours.sigma).abs() < 1e-8);
            assert_eq!(ours.fixef_named("x"), Some(ours.fixef[1]));
        }
    }

    /// Two covariates: the group sums against dense generalised least squares with V = I + θ²ZZ' at a fixed θ.
    #[test]
    fn group_sums_equal_dense_generalised_least_squares() {
        let d = toy(true);
        let (x, y, group) = dense(&d);
        let theta = 0.7;
        let z = DMatrix::from_fn(30, 3, |i, g| f64::from(u8::from(group[i] == g)));
        let v = DMatrix::identity(30, 30) + &z * z.transpose() * (theta * theta);
        let v_inv = v.try_inverse().unwrap_or_else(|| DMatrix::zeros(30, 30));
        let xtvx = x.transpose() * &v_inv * &x;
        let beta: DVector<f64> =
            xtvx.clone().try_inverse().unwrap_or_else(|| DMatrix::zeros(3, 3)) * x.transpose() * &v_inv * &y;
        let r = &y - &x * &beta;
        let rss = (r.transpose() * &v_inv * &r)[(0, 0)];
        let pr = profile(&Sums::new(&d), theta).expect("positive definite");
        for j in 0..3 {
            assert!((pr.beta[j] - beta[j]).abs() < 1e-10, "{:?} vs {beta}", pr.beta);
        }
        assert!((pr.penalised_rss - rss).abs() < 1e-11 * rss);
        assert!((pr.log_det_rx - xtvx.determinant().ln()).abs() < 1e-11);
    }

    #[test]
    fn blups_sum_to_zero_and_theta_is_stationary() {
        for reml in [true, false] {
            let fit = lmer(&toy(true), reml).expect("fits");
            assert!(fit.ranef_sum.abs() < 1e-12, "sum {}", fit.ranef_sum);
            assert!(fit.theta > 0.1);
            let dual = criterion(&Sums::new(&toy(true)), num_dual::Dual2_64::from_re(fit.theta).derivative(), reml);
            assert!(dual.v1.abs() < 1e-8 && dual.v2 > 0.0, "{dual:?}");
        }
    }

    /// θ = 0 is ordinary least squares: β and r² are lm's.
    #[test]
    fn theta_zero_is_least_squares() {
        let d = toy(true);
        let pr = profile(&Sums::new(&d), 0.0).expect("positive definite");
        let ols = super::super::least_squares::lm(&d).expect("fits");
        for (a, b) in pr.beta.iter().zip(&ols.coef) {
            assert!((a - b).abs() < 1e-12);
        }
        assert!((pr.penalised_rss - ols.rss).abs() < 1e-12 * ols.rss);
    }

    #[test]
    fn one_group_and_aliased_columns_are_sentences() {
        let mut d = toy(false);
        d.groups.truncate(1);
        d.group_labels.truncate(1);
        assert!(lmer(&d, true).unwrap_err().to_string().contains("at least two groups"));
        let rows: Vec<(usize, Vec<f64>, f64)> =
            (0..12).map(|i| (i / 4, vec![1.0, i as f64, 2.0 * i as f64], (i * i % 5) as f64)).collect();
        let err = lmer(&design_of(&["(Intercept)", "a", "b"], &rows), true).unwrap_err().to_string();
        assert!(err.contains("the column b is a combination"), "{err}");
    }
}
