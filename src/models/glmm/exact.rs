//! The exact marginal likelihood of the random-intercept GLMM and each group's posterior of b_g.
//!
//! Group g's marginal likelihood is
//!   L_g = ∫ Π_{i∈g} p(y_i | o_i + b) N(b; 0, θ²) db = (1/√(2π)) ∫ exp(Σ_i log p(y_i | o_i + θu) − u²/2) du.
//! Around the mode û with scale s = (1 + θ²Σ(−ℓ''(û)))^{−1/2} (the observed curvature), u = û + st and
//!   L_g = (s/√(2π)) e^{−φ̃(û)/2} Π_i e^{c_i} ∫ f(t) dt,   f(t) = exp(−½[φ̃(û + st) − φ̃(û)]).
//! The integral is the trapezoid rule on t ∈ hℤ, out to where f < 1e−20 (log f is concave, so the rest
//! of the tail is negligible), with h halved from ½ until ∫f and ∫tf change by less than 1e−14
//! relative: for an integrand analytic in a strip the error falls like e^{−2π·width/h}.
//! The posterior mean of b_g is E[b_g | y] = θ(û + s ∫tf/∫f), its mode θû (lme4's `ranef()`).
//!
//! Σ_g E[b_g | y] = 0 at the maximum of the exact likelihood, for every family and link: the intercept α
//! and b_g enter only through α + b_g, so ∂ log L_g/∂α = E[∂ log p(y_g | b)/∂b | y_g] = E[b_g | y_g]/θ²
//! (integration by parts against the prior), and the score for α is Σ_g E[b_g | y]/θ².

#[cfg(test)]
use super::derivatives::DualFunction;
use super::family::Family;
use super::kernel::Kernel;
use super::jet::{jet_value_gradient_hessian, Jet, JetFunction};
#[cfg(test)]
use super::taylor::{infinitesimal, Infinitesimals};
use super::taylor::TaylorSums;
use nalgebra::{DMatrix, DVector};
#[cfg(test)]
use num_dual::DualNum;

/// Relative change of ∫f and ∫tf at which halving h stops.
const TRAPEZOID_TOL: f64 = 1e-14;
/// f below this (relative to f(0) = 1) ends a side of the grid.
const TAIL: f64 = 1e-20;
/// At most this many nodes on a side (a posterior 1e5 of its own scale wide is not one of these models).
const MAX_NODES_PER_SIDE: i64 = 100_000;

/// One group's posterior of u on the trapezoid grid t_j = jh, j ∈ lo..=hi, u = û + st.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupPosterior {
    /// log L_g without the normalisers Σc_i.
    pub log_marginal_kernel: f64,
    /// û and E[u | y].
    pub mode_u: f64,
    pub mean_u: f64,
    pub scale: f64,
    pub step: f64,
    pub lo: i64,
    pub hi: i64,
}

/// Σ f(jh) and Σ jh·f(jh) over j = ±first, ±(first + stride), … outward on each side until f < [`TAIL`],
/// with the outermost j of each side.
fn walk(f: &impl Fn(f64) -> f64, h: f64, first: i64, stride: i64) -> (f64, f64, i64, i64) {
    let (mut s0, mut s1) = (0.0, 0.0);
    let mut ends = [0i64; 2];
    for (side, dir) in [1i64, -1].into_iter().enumerate() {
        let mut j = dir * first;
        loop {
            let t = h * j as f64;
            let v = f(t);
            s0 += v;
            s1 += v * t;
            ends[side] = j;
            if v.is_nan() || v < TAIL || j.abs() >= MAX_NODES_PER_SIDE {
                break;
            }
            j += dir * stride;
        }
    }
    (s0, s1, ends[1], ends[0])
}

/// Group g's posterior at the kernel's β and θ, given its mode û. Each halving of h adds only the new
/// (odd) nodes to the sums of the previous grid.
pub fn group_posterior<F: Family>(k: &Kernel<F>, g: usize, theta: f64, u_hat: f64) -> GroupPosterior {
    let at = k.penalised_at(g, theta, u_hat);
    let s = (0.5 * at.curvature).sqrt().recip();
    let f = |t: f64| (-0.5 * (k.penalised(g, theta, u_hat + s * t) - at.phi)).exp();
    let mut h = 0.5;
    let (s0, s1, mut lo, mut hi) = walk(&f, h, 1, 1);
    let (mut s0, mut s1) = (1.0 + s0, s1);
    for _ in 0..12 {
        let (i0, i1) = (s0 * h, s1 * h);
        h *= 0.5;
        let (n0, n1, nlo, nhi) = walk(&f, h, 1, 2);
        s0 += n0;
        s1 += n1;
        lo = (2 * lo).min(nlo);
        hi = (2 * hi).max(nhi);
        let (j0, j1) = (s0 * h, s1 * h);
        if (j0 - i0).abs() <= TRAPEZOID_TOL * j0 && (j1 - i1).abs() <= TRAPEZOID_TOL * j0 {
            break;
        }
    }
    let (i0, i1) = (s0 * h, s1 * h);
    GroupPosterior {
        log_marginal_kernel: -0.5 * at.phi + s.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln() + i0.ln(),
        mode_u: u_hat,
        mean_u: u_hat + s * i1 / i0,
        scale: s,
        step: h,
        lo,
        hi,
    }
}

/// Every group's posterior at the kernel's β and θ (modes û_g given).
pub fn posteriors<F: Family>(k: &Kernel<F>, theta: f64, modes: &[f64]) -> Vec<GroupPosterior> {
    modes.iter().enumerate().map(|(g, &u)| group_posterior(k, g, theta, u)).collect()
}

/// The exact log-likelihood Σ_g log L_g (every constant included) from the posteriors.
pub fn exact_loglik(posteriors: &[GroupPosterior], log_normaliser_sum: f64) -> f64 {
    posteriors.iter().map(|p| p.log_marginal_kernel).sum::<f64>() + log_normaliser_sum
}

/// −2 × the exact log-likelihood as a function of (β, θ), on the grids of `posteriors` (fixed nodes in u):
/// what the exact maximum's Newton steps differentiate.
pub struct ExactObjective<'k, 'a, F: Family> {
    pub kernel: &'k Kernel<'a, F>,
    pub posteriors: &'k [GroupPosterior],
    pub normaliser_term: f64,
}

impl<F: Family> ExactObjective<'_, '_, F> {
    /// Value, gradient and Hessian in x = (β, θ) (β the kernel's) by [`Jet`]s: the dual-number
    /// [`DualFunction`] below step by step, each node's sum lifted by the explicit chain rule
    /// ([`TaylorSums::lift_jet`]; a = θu with u fixed on the grid, so ∇a = u e_θ and ∇²a = 0).
    /// None unless x has p + 1 entries, at most [`MAX_PARAMETERS`](super::jet::MAX_PARAMETERS).
    pub fn value_gradient_hessian(&self, x: &[f64]) -> Option<(f64, DVector<f64>, DMatrix<f64>)> {
        jet_value_gradient_hessian(self, x)
    }

    fn jet<const M: usize>(&self, theta: f64) -> Jet<M> {
        let k = self.kernel;
        let mut sums = TaylorSums::new(self.kernel.p() + 1);
        let mut total = Jet::<M>::constant(self.normaliser_term);
        for (g, post) in self.posteriors.iter().enumerate() {
            let reference = -0.5 * k.penalised(g, theta, post.mode_u);
            let mut acc = Jet::<M>::constant(0.0);
            for j in post.lo..=post.hi {
                let u = post.mode_u + post.scale * post.step * j as f64;
                sums.clear();
                k.add_kernel_jets(g, theta * u, &mut sums);
                let da = Jet::<M>::variable(0.0, self.kernel.p()) * u;
                let log_f = sums.lift_jet(&da) + (-0.5 * u * u - reference);
                acc += log_f.exp();
            }
            let log_l = acc.ln() + (reference + (post.scale * post.step).ln() - 0.5 * (2.0 * std::f64::consts::PI).ln());
            total = total - log_l * 2.0;
        }
        total
    }
}

impl<F: Family> JetFunction for ExactObjective<'_, '_, F> {
    fn parameters(&self) -> usize {
        self.kernel.p() + 1
    }

    fn jet_at<const M: usize>(&self, theta: f64) -> Jet<M> {
        self.jet::<M>(theta)
    }
}

#[cfg(test)]
impl<F: Family> DualFunction for ExactObjective<'_, '_, F> {
    fn eval<D: DualNum<Primitive = f64> + Copy>(&self, x: &[D]) -> D {
        let k = self.kernel;
        let p = k.p();
        let inf = Infinitesimals::new(&x[..p]);
        let theta = x[p];
        let mut sums = TaylorSums::new(p + 1);
        let mut total = D::from(self.normaliser_term);
        for (g, post) in self.posteriors.iter().enumerate() {
            let grp = &k.design.groups[g];
            // reference: −φ̃(û)/2 at the real point, so every exponent is ≤ ~0
            let reference = -0.5 * k.penalised(g, theta.re(), post.mode_u);
            let mut acc = D::from(0.0);
            for j in post.lo..=post.hi {
                let u = post.mode_u + post.scale * post.step * j as f64;
                let a = theta * u;
                let a_re = a.re();
                sums.clear();
                for (r, ((o, &y), &n)) in k.offsets(g).iter().zip(&grp.y).zip(&grp.trials).enumerate() {
                    sums.add(grp.x_row(r, p), F::kernel_jet(y, n, o + a_re));
                }
                let log_f = sums.lift(&inf, infinitesimal(a)) - 0.5 * u * u - reference;
                acc += log_f.exp();
            }
            let log_l = acc.ln() + reference + (post.scale * post.step).ln() - 0.5 * (2.0 * std::f64::consts::PI).ln();
            total -= log_l * 2.0;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::glmm::derivatives::value_gradient_hessian;
    use crate::models::glmm::family::{BinomialCloglog, PoissonLog};
    use crate::models::glmm::kernel::tests::small_design;

    #[test]
    fn exact_integral_and_mean_match_brute_force() {
        let d = small_design("binary");
        let mut k = Kernel::<BinomialCloglog>::new(&d);
        k.set_beta(&[0.4, -1.1]);
        let theta = 2.3;
        let modes = k.modes(theta, &[]);
        for (g, &u_hat) in modes.iter().enumerate() {
            let post = group_posterior(&k, g, theta, u_hat);
            let h = 2e-4;
            let (mut z, mut m) = (0.0, 0.0);
            for i in -75000..=75000 {
                let u = i as f64 * h;
                let f = (-0.5 * k.penalised(g, theta, u)).exp() * h / (2.0 * std::f64::consts::PI).sqrt();
                z += f;
                m += u * f;
            }
            assert!((post.log_marginal_kernel - z.ln()).abs() < 1e-10, "g={g}: {} vs {}", post.log_marginal_kernel, z.ln());
            assert!((post.mean_u - m / z).abs() < 1e-10, "g={g}: {} vs {}", post.mean_u, m / z);
        }
    }

    #[test]
    fn dual_exact_objective_matches_differences() {
        let d = small_design("counts");
        let value = |x: &[f64]| {
            let mut k = Kernel::<PoissonLog>::new(&d);
            k.set_beta(&x[..2]);
            let modes = k.modes(x[2], &[]);
            -2.0 * exact_loglik(&posteriors(&k, x[2], &modes), k.log_normaliser_sum())
        };
        let x = [0.2, 0.5, 0.7];
        let mut k = Kernel::<PoissonLog>::new(&d);
        k.set_beta(&x[..2]);
        let modes = k.modes(x[2], &[]);
        let posts = posteriors(&k, x[2], &modes);
        let obj = ExactObjective { kernel: &k, posteriors: &posts, normaliser_term: -2.0 * k.log_normaliser_sum() };
        let (v, g, h) = value_gradient_hessian(&obj, &x).unwrap();
        assert!((v - value(&x)).abs() < 1e-10);
        // the explicit chain rule (jets) gives the same numbers
        let (vj, gj, hj) = obj.value_gradient_hessian(&x).unwrap();
        assert!((v - vj).abs() <= 1e-12 * v.abs());
        assert!((&g - &gj).amax() <= 1e-12 * g.amax() && (&h - &hj).amax() <= 1e-12 * h.amax(), "{gj} vs {g}, {hj} vs {h}");
        assert!(h[(0, 2)] != 0.0);
        let eps = 1e-4;
        for i in 0..3 {
            let (mut xp, mut xm) = (x, x);
            xp[i] += eps;
            xm[i] -= eps;
            let fd = (value(&xp) - value(&xm)) / (2.0 * eps);
            assert!((fd - g[i]).abs() < 1e-6 * g[i].abs().max(1.0), "grad {i}: {fd} vs {}", g[i]);
            let fd2 = (value(&xp) - 2.0 * value(&x) + value(&xm)) / (eps * eps);
            assert!((fd2 - h[(i, i)]).abs() < 1e-3 * h[(i, i)].abs().max(1.0), "hess {i}: {fd2} vs {}", h[(i, i)]);
        }
    }
}
