//! The joint mode (the answer's opt1) for any family and link: the local maximum of the joint log density
//! of the data and the random intercepts over (β, σ_b, b_1..b_G) together,
//!   J(β, σ, b) = Σ_i log p(y_i | x_i'β + b_{g(i)}) + Σ_g log N(b_g; 0, σ²),
//! every constant of p included (log C(n, y), −log y!), as `logistic::joint_mode` defines it for the lesson.
//!
//! J grows without bound as σ → 0 with b = 0, so only a local mode exists. For fixed σ, J is strictly
//! concave in (β, b) (a ridge-penalised GLM; every family and link here has a log-concave density in η): its
//! maximiser (β̂(σ), b̂(σ)) is found by Newton's method, the linear systems solved through the Schur
//! complement of the diagonal b-block (p × p, whatever G). Along that path dJ/dσ = (Σ_g b̂_g² − Gσ²)/σ³, so
//! a local mode solves s(σ) = Σ_g b̂_g(σ)²/G − σ² = 0, with s'(σ) from the implicit function theorem.
//!
//! Which one, exactly as the lesson: walk the path of inner maxima from σ = 1 in the direction J increases,
//! in steps of log σ of at most 0.1 (shorter where the tangent points at a sign change of s), bracket the
//! first sign change and solve it by Newton's method kept inside the bracket; walking down to σ = 0.01
//! without a sign change ends on the answer's bound (its L-BFGS-B box), walking up past 10⁴ is an error.
//!
//! At the mode, as at the exact maximum, the intercept and b_g enter only through α + b_g: the score for
//! α is Σ_i ℓ'_i = 0 and each b_g's is Σ_{i∈g} ℓ'_i − b_g/σ² = 0, so Σ_g b̂_g = σ² Σ_i ℓ'_i = 0 for every
//! family and link (whenever the fixed effects contain the intercept or span it).

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use super::exact::posteriors;
use super::family::Family;
use super::fit::{check_design, for_family, FamilyLink};
use super::kernel::Kernel;
use crate::data::grouped_design::GroupedDesign;
use crate::error::{Error, Result};
use crate::models::optimize::{relative_gradient, REL_GRADIENT_ACCEPT, REL_GRADIENT_TOL};

/// The answer's lower bound on σ (its L-BFGS-B box), as the lesson's joint mode.
pub const SIGMA_FLOOR: f64 = 0.01;
/// Walking up past this σ: the joint density keeps growing (the groups are separated).
const SIGMA_CEILING: f64 = 1e4;
/// Largest and smallest step of the walk in log σ.
const MAX_LOG_STEP: f64 = 0.1;
const MIN_LOG_STEP: f64 = 1e-3;
/// Newton iterations of one inner fit at most.
const MAX_INNER_ITERATIONS: usize = 200;
/// A predicted decrease below this fraction of |F| is below F's rounding: the step is taken whole.
const ROUNDING_DECREASE: f64 = 1e-12;

/// The joint mode of one fit, as `glmm-demo fit` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JointModeResult {
    pub family: String,
    pub link: String,
    pub names: Vec<String>,
    pub fixef: Vec<f64>,
    pub fixef_named: crate::report::Named,
    /// σ at the mode (the answer's sigma).
    pub sigma_b: f64,
    pub group_labels: Vec<String>,
    /// b̂_g at the mode: the conditional modes at (β̂, σ̂), and their sum (0 at an interior mode).
    pub ranef: Vec<f64>,
    pub ranef_sum: f64,
    /// E[b_g | y] by the exact integral at (β̂, σ̂), and their sum.
    pub cond_means: Vec<f64>,
    pub cond_means_sum: f64,
    /// J at the mode, every constant included.
    pub log_density: f64,
    /// True when the walk ended on the answer's bound σ = 0.01 rather than at an interior maximum.
    pub at_bound: bool,
    pub note: String,
}

/// The penalised fit at fixed σ for one family: F(β, b) = −Σ ℓ_i(x_i'β + b_g) + Σ_g b_g²/(2σ²), ℓ the
/// family's kernel (log density without its normaliser), v = (β_1..β_p, b_1..b_G).
struct Penalised<'a, F: Family> {
    design: &'a GroupedDesign,
    family: std::marker::PhantomData<F>,
}

/// Gradient and the blocks of the Hessian of F: A = Σ c_i x_i x_i' (p × p), B_g = Σ_{i∈g} c_i x_i,
/// D_g = Σ_{i∈g} c_i + 1/σ², with c_i = −ℓ''_i ≥ 0.
struct Newton {
    value: f64,
    gradient: DVector<f64>,
    a: DMatrix<f64>,
    b: Vec<DVector<f64>>,
    d: Vec<f64>,
}

impl Newton {
    /// Solves H z = r by the Schur complement S = A − Σ_g B_g B_g'/D_g of the diagonal block.
    fn solve(&self, r: &DVector<f64>) -> Option<DVector<f64>> {
        let p = self.a.nrows();
        let mut s = self.a.clone();
        let mut rhs = r.rows(0, p).into_owned();
        for (g, (bg, &dg)) in self.b.iter().zip(&self.d).enumerate() {
            s -= bg * bg.transpose() / dg;
            rhs -= bg * (r[p + g] / dg);
        }
        let beta = s.cholesky()?.solve(&rhs);
        let mut z = DVector::zeros(r.len());
        z.rows_mut(0, p).copy_from(&beta);
        for (g, (bg, &dg)) in self.b.iter().zip(&self.d).enumerate() {
            z[p + g] = (r[p + g] - bg.dot(&beta)) / dg;
        }
        z.iter().all(|v| v.is_finite()).then_some(z)
    }
}

impl<F: Family> Penalised<'_, F> {
    fn p(&self) -> usize {
        self.design.p()
    }

    /// F(v) at σ.
    fn value(&self, sigma: f64, v: &DVector<f64>) -> f64 {
        let p = self.p();
        let mut total = 0.0;
        for (g, grp) in self.design.groups.iter().enumerate() {
            let bg = v[p + g];
            for r in 0..grp.n_obs() {
                let eta = grp.x_row(r, p).iter().zip(v.iter()).map(|(x, b)| x * b).sum::<f64>() + bg;
                total -= F::log_kernel(grp.y[r], grp.trials[r], eta);
            }
        }
        total + v.rows(p, v.len() - p).norm_squared() / (2.0 * sigma * sigma)
    }

    /// F, its gradient and Hessian blocks at σ, in one pass.
    fn newton(&self, sigma: f64, v: &DVector<f64>) -> Newton {
        let p = self.p();
        let groups = self.design.n_groups();
        let prec = 1.0 / (sigma * sigma);
        let mut gradient = DVector::zeros(p + groups);
        let mut a = DMatrix::zeros(p, p);
        let mut b = Vec::with_capacity(groups);
        let mut d = Vec::with_capacity(groups);
        let mut value = 0.0;
        for (g, grp) in self.design.groups.iter().enumerate() {
            let bg = v[p + g];
            let mut block = DVector::zeros(p);
            let (mut score_g, mut info_g) = (0.0, 0.0);
            for r in 0..grp.n_obs() {
                let x = grp.x_row(r, p);
                let eta = x.iter().zip(v.iter()).map(|(x, b)| x * b).sum::<f64>() + bg;
                let [l, d1, d2] = F::kernel_jet(grp.y[r], grp.trials[r], eta);
                let c = -d2;
                value -= l;
                score_g += d1;
                info_g += c;
                for j in 0..p {
                    gradient[j] -= d1 * x[j];
                    block[j] += c * x[j];
                    for k in 0..=j {
                        a[(j, k)] += c * x[j] * x[k];
                    }
                }
            }
            gradient[p + g] = -score_g + bg * prec;
            b.push(block);
            d.push(info_g + prec);
        }
        for j in 0..p {
            for k in 0..j {
                a[(k, j)] = a[(j, k)];
            }
        }
        value += v.rows(p, groups).norm_squared() * (0.5 * prec);
        Newton { value, gradient, a, b, d }
    }

    /// (β̂, b̂) minimising F at σ, from `start`, by Newton's method with step halving (F is strictly
    /// convex), to a relative gradient below [`REL_GRADIENT_TOL`]. Returns the minimiser and the Newton
    /// data there.
    fn fit(&self, sigma: f64, start: &DVector<f64>) -> Result<(DVector<f64>, Newton)> {
        let mut v = start.clone();
        let mut at = self.newton(sigma, &v);
        let fail = |reason: String| Error::NoConvergence { model: "the joint mode's penalised fit", reason };
        for _ in 0..MAX_INNER_ITERATIONS {
            let rel = relative_gradient(&v, at.value, &at.gradient);
            if rel < REL_GRADIENT_TOL {
                return Ok((v, at));
            }
            let step = at.solve(&(-&at.gradient)).ok_or_else(|| fail("the Hessian is not positive definite".into()))?;
            let slope = at.gradient.dot(&step);
            let mut next = None;
            if -slope < ROUNDING_DECREASE * at.value.abs().max(1.0) {
                next = Some(&v + &step);
            } else {
                let mut t = 1.0;
                while t > 1e-14 {
                    let trial = &v + &step * t;
                    let f = self.value(sigma, &trial);
                    if f.is_finite() && f <= at.value + 1e-4 * t * slope {
                        next = Some(trial);
                        break;
                    }
                    t *= 0.5;
                }
            }
            match next {
                Some(trial) if trial != v => {
                    v = trial;
                    at = self.newton(sigma, &v);
                }
                _ if rel < REL_GRADIENT_ACCEPT => return Ok((v, at)),
                _ => return Err(fail(format!("the search stopped moving at relative gradient {rel:.1e}"))),
            }
        }
        Err(fail(format!("no convergence in {MAX_INNER_ITERATIONS} Newton iterations")))
    }

    /// s(σ) = Σ b̂(σ)²/G − σ² and its exact derivative: by the implicit function theorem the path of inner
    /// maxima moves as dv/dσ = −H⁻¹ ∂(∇F)/∂σ, where only the penalty's gradient b/σ² depends on σ, so
    /// ∂(∇F)/∂σ = (0, −2b/σ³), and s'(σ) = (2/G) Σ_g b̂_g db̂_g/dσ − 2σ. `warm` is the start and becomes
    /// the inner maximum.
    fn equation_and_slope(&self, sigma: f64, warm: &mut DVector<f64>) -> Result<(f64, f64)> {
        let (v, at) = self.fit(sigma, warm)?;
        *warm = v;
        let p = self.p();
        let g = self.design.n_groups() as f64;
        let mut c = DVector::zeros(warm.len());
        for j in p..warm.len() {
            c[j] = 2.0 * warm[j] / sigma.powi(3);
        }
        let slope = at.solve(&c).map_or(f64::NAN, |dv| (2.0 / g) * (p..warm.len()).map(|j| warm[j] * dv[j]).sum::<f64>() - 2.0 * sigma);
        let s = warm.rows(p, warm.len() - p).norm_squared() / g - sigma * sigma;
        Ok((s, slope))
    }

    /// J at (β, σ, b), every constant included.
    fn joint_log_density(&self, sigma: f64, v: &DVector<f64>) -> f64 {
        let g = self.design.n_groups() as f64;
        let normalisers: f64 = self
            .design
            .groups
            .iter()
            .flat_map(|grp| grp.y.iter().zip(&grp.trials))
            .map(|(&y, &n)| F::log_normaliser(y, n))
            .sum();
        -self.value(sigma, v) + normalisers - g * (sigma.ln() + 0.5 * (2.0 * std::f64::consts::PI).ln())
    }
}

/// The next step in log σ of the walk (the lesson's rule): with r = s/σ², 1.5 times the distance at which
/// r's tangent in t = log σ reaches 0 when it heads there, within [`MIN_LOG_STEP`], [`MAX_LOG_STEP`].
fn next_log_step(sigma: f64, s: f64, slope: f64, upward: bool) -> f64 {
    let r = s / (sigma * sigma);
    let dr_dt = slope / sigma - 2.0 * s / (sigma * sigma);
    let dr_walk = if upward { dr_dt } else { -dr_dt };
    let toward_zero = if r > 0.0 { -dr_walk } else { dr_walk };
    if toward_zero.is_finite() && toward_zero > 0.0 {
        (1.5 * r.abs() / toward_zero).clamp(MIN_LOG_STEP, MAX_LOG_STEP)
    } else {
        MAX_LOG_STEP
    }
}

/// J at (β, σ, b) = `v` for one compiled family (for checks from outside: the mode maximises it locally).
pub fn joint_log_density_typed<F: Family>(design: &GroupedDesign, sigma: f64, v: &[f64]) -> f64 {
    Penalised::<F> { design, family: std::marker::PhantomData }.joint_log_density(sigma, &DVector::from_column_slice(v))
}

/// The local joint mode reached from σ = 1 for one compiled family.
pub fn joint_mode_typed<F: Family>(design: &GroupedDesign) -> Result<JointModeResult> {
    check_design::<F>(design)?;
    let pen = Penalised::<F> { design, family: std::marker::PhantomData };
    let mut warm = DVector::zeros(design.p() + design.n_groups());
    let (mut s_in, mut slope_in) = pen.equation_and_slope(1.0, &mut warm)?;
    let upward = s_in > 0.0;
    let mut inside = 1.0f64;
    let mut warm_out = warm.clone();
    let (outside, s_out) = loop {
        let step = next_log_step(inside, s_in, slope_in, upward);
        let outside = if upward { inside * step.exp() } else { (inside / step.exp()).max(SIGMA_FLOOR) };
        if outside > SIGMA_CEILING {
            return Err(Error::NotEstimable(
                "The joint mode does not exist here: the joint density keeps growing as σ_b increases (the groups are separated).".into(),
            ));
        }
        let (s_out, slope_out) = pen.equation_and_slope(outside, &mut warm_out)?;
        if (s_out > 0.0) != upward {
            break (outside, s_out);
        }
        if outside == SIGMA_FLOOR {
            return Ok(report(&pen, SIGMA_FLOOR, &warm_out, true));
        }
        inside = outside;
        s_in = s_out;
        slope_in = slope_out;
        warm.clone_from(&warm_out);
    };
    // Newton's method on s(σ) with its exact slope, kept inside the bracket by bisection in log σ.
    let (mut lo, mut hi) = if inside < outside { (inside, outside) } else { (outside, inside) };
    let s_lo_positive = if inside < outside { s_in > 0.0 } else { s_out > 0.0 };
    let mut sigma = (lo * hi).sqrt();
    for _ in 0..100 {
        let (s, slope) = pen.equation_and_slope(sigma, &mut warm)?;
        if s == 0.0 {
            break;
        }
        if (s > 0.0) == s_lo_positive {
            lo = sigma;
        } else {
            hi = sigma;
        }
        let newton = sigma - s / slope;
        let next = if newton.is_finite() && newton > lo && newton < hi { newton } else { (lo * hi).sqrt() };
        let done = (next - sigma).abs() <= 1e-14 * sigma || (hi - lo) <= 1e-15 * hi;
        sigma = next;
        if done {
            pen.equation_and_slope(sigma, &mut warm)?;
            break;
        }
    }
    Ok(report(&pen, sigma, &warm, false))
}

/// The note of the mode: an interior local maximum, or the end of the walk on the bound.
fn note(sigma: f64, at_bound: bool) -> String {
    if at_bound {
        format!(
            "No interior mode climbing from σ_b = 1 (with the best fixed effects and b for each σ_b): the joint density \
             keeps rising as σ_b falls, down to the answer's lower bound σ_b = {SIGMA_FLOOR}, where the search stops with \
             every b shrunk toward 0 (it grows without bound as σ_b → 0)."
        )
    } else {
        format!(
            "A local maximum at σ_b = {sigma:.4}, found by climbing from σ_b = 1 (with the best fixed effects and b for each \
             σ_b): the joint density has no global maximum, since it grows without bound as σ_b → 0 with every b = 0."
        )
    }
}

fn report<F: Family>(pen: &Penalised<F>, sigma: f64, v: &DVector<f64>, at_bound: bool) -> JointModeResult {
    let design = pen.design;
    let p = design.p();
    let beta: Vec<f64> = v.rows(0, p).iter().copied().collect();
    let ranef: Vec<f64> = v.rows(p, v.len() - p).iter().copied().collect();
    let mut kernel = Kernel::<F>::new(design);
    kernel.set_beta(&beta);
    let starts: Vec<f64> = ranef.iter().map(|b| b / sigma).collect();
    let modes = kernel.modes(sigma, &starts);
    let cond_means: Vec<f64> = posteriors(&kernel, sigma, &modes).iter().map(|q| sigma * q.mean_u).collect();
    JointModeResult {
        family: F::FAMILY.into(),
        link: F::LINK.into(),
        names: design.names.clone(),
        fixef_named: crate::report::Named::new(&design.names, &beta),
        fixef: beta,
        sigma_b: sigma,
        group_labels: design.group_labels.clone(),
        ranef_sum: ranef.iter().sum(),
        ranef,
        cond_means_sum: cond_means.iter().sum(),
        cond_means,
        log_density: pen.joint_log_density(sigma, v),
        at_bound,
        note: note(sigma, at_bound),
    }
}

/// The joint mode (the answer's opt1) for a family chosen at run time.
pub fn joint_mode(design: &GroupedDesign, family: FamilyLink) -> Result<JointModeResult> {
    for_family!(family, F => joint_mode_typed::<F>(design))
}

/// J at (β, σ, b) = `v` for a family chosen at run time.
pub fn joint_log_density(design: &GroupedDesign, family: FamilyLink, sigma: f64, v: &[f64]) -> f64 {
    for_family!(family, F => joint_log_density_typed::<F>(design, sigma, v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::glmm::kernel::tests::small_design;

    /// A real property for every family: at an interior mode the gradient of J in (β, σ, b) is zero
    /// (central differences), every small move lowers J, σ² = Σ b²/G, and Σ b = 0.
    #[test]
    fn the_mode_is_a_stationary_local_maximum_for_every_family() {
        for (kind, fl) in [
            ("binary", FamilyLink::BinomialLogit),
            ("trials", FamilyLink::BinomialProbit),
            ("binary", FamilyLink::BinomialCloglog),
            ("counts", FamilyLink::PoissonLog),
        ] {
            let d = small_design(kind);
            let fit = joint_mode(&d, fl).unwrap();
            if fit.at_bound {
                continue;
            }
            let (p, g) = (d.p(), d.n_groups());
            let sigma = fit.sigma_b;
            assert!((fit.ranef.iter().map(|b| b * b).sum::<f64>() / g as f64 - sigma * sigma).abs() < 1e-10, "{fl:?}");
            assert!(fit.ranef_sum.abs() < 1e-9, "{fl:?}: Σ b = {}", fit.ranef_sum);
            let v: Vec<f64> = fit.fixef.iter().chain(&fit.ranef).copied().collect();
            let j = |s: f64, w: &[f64]| joint_log_density(&d, fl, s, w);
            let j0 = j(sigma, &v);
            assert!((j0 - fit.log_density).abs() < 1e-12);
            let eps = 1e-5;
            for i in 0..=p + g {
                let (mut up, mut down) = (v.clone(), v.clone());
                let (mut s_up, mut s_down) = (sigma, sigma);
                if i < p + g {
                    up[i] += eps;
                    down[i] -= eps;
                } else {
                    s_up += eps;
                    s_down -= eps;
                }
                let (fu, fd) = (j(s_up, &up), j(s_down, &down));
                assert!(((fu - fd) / (2.0 * eps)).abs() < 1e-6, "{fl:?} coordinate {i}: dJ = {}", (fu - fd) / (2.0 * eps));
                assert!(fu < j0 && fd < j0, "{fl:?} coordinate {i}: not a maximum");
            }
        }
    }

    #[test]
    fn walk_steps_shrink_toward_a_sign_change() {
        assert_eq!(next_log_step(1.0, -0.5, -1.0, false), MAX_LOG_STEP);
        let step = next_log_step(1.0, -0.01, -2.0, false);
        assert!((MIN_LOG_STEP..0.01).contains(&step), "{step}");
    }
}
