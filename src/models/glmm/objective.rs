//! lme4's objective for `glmer(..., nAGQ = K)`: −2 log-likelihood by Laplace (K = 1) or adaptive
//! Gauss–Hermite quadrature (K > 1), with exact derivatives in (β, θ).
//!
//! Per group, with the conditional mode û, lme4's curvature L² = 1 + θ²ΣW(û) and the Gauss–Hermite rule
//! (z_k, w_k) for the standard normal (lme4's `GHrule(K)`), nodes u_k = û + z_k/L:
//!   −2 log L_g = φ̃_g(û) + log L² − 2 log Σ_k w_k exp(−½[φ̃_g(u_k) − φ̃_g(û)] + z_k²/2) − 2 Σ_{i∈g} c_i
//! with c_i the family's normaliser (log C(n, y), −log y!); for K = 1 the sum is 1 (Laplace).
//!
//! Conventions, one per function:
//! - [`Objective::value`] and friends return the TRUE −2 log L (every constant included), so −value/2 is
//!   the log-likelihood (the approximation of it).
//! - lme4's `deviance()`/devfun keep the saturated constant C = Σ log p(y_i | μ_i = y_i) at K = 1 but leave
//!   it out at K > 1: lme4's value = true value (K = 1), true value + 2C (K > 1); see
//!   [`lme4_deviance`]. For 0/1 data C = 0 and the two agree.
//!
//! The derivatives come from the same code in dual numbers: the real mode û is lifted by two Newton
//! steps in dual arithmetic (on the score θΣℓ'(o + θu) − u, divided by its real derivative: two steps
//! make the mode's jet exact to second order), then every group sum is a lifted [`TaylorSums`].

#[cfg(test)]
use super::derivatives::DualFunction;
use super::family::Family;
use super::jet::{jet_value_gradient_hessian, Jet, JetFunction};
use super::kernel::Kernel;
#[cfg(test)]
use super::taylor::{infinitesimal, Infinitesimals};
use super::taylor::TaylorSums;
use crate::models::quadrature::GaussHermite;
use nalgebra::{DMatrix, DVector};
#[cfg(test)]
use num_dual::DualNum;

/// A node whose term w_k·exp(z_k²/2 − Δ_k/2) is below e^−45 of the central one, and every node further
/// out (Δ grows outward: φ̃ is convex), is skipped.
const NODE_CUTOFF: f64 = -45.0;

/// lme4's deviance from the true −2 log L: + 2C for K > 1 (lme4 leaves C out there), unchanged for K = 1.
pub fn lme4_deviance(true_deviance: f64, nagq: usize, saturated_constant: f64) -> f64 {
    if nagq > 1 { true_deviance + 2.0 * saturated_constant } else { true_deviance }
}

/// Visit the rule's nodes from the centre outward on each side; `visit(k)` returns Δ_k/2, and a side
/// stops once no node further out can matter.
fn visit_nodes_outward(rule: &GaussHermite, mut visit: impl FnMut(usize) -> f64) {
    let k = rule.nodes.len();
    let envelope = rule.max_log_envelope();
    let mut side = |range: &mut dyn Iterator<Item = usize>| {
        for j in range {
            if envelope - visit(j) < NODE_CUTOFF {
                break;
            }
        }
    };
    side(&mut (k / 2..k));
    side(&mut (0..k / 2).rev());
}

/// One group's −2 log L_g without the normalisers, at real parameters, given its mode û and L².
pub fn group_value<F: Family>(k: &Kernel<F>, g: usize, theta: f64, u_hat: f64, l2: f64, rule: &GaussHermite) -> f64 {
    let phi0 = k.penalised(g, theta, u_hat);
    let laplace = phi0 + l2.ln();
    if rule.nodes.len() == 1 {
        return laplace;
    }
    let sd = 1.0 / l2.sqrt();
    let mut sum = 0.0;
    visit_nodes_outward(rule, |j| {
        let (z, w) = (rule.nodes[j], rule.weights[j]);
        if z == 0.0 {
            sum += w;
            return 0.0;
        }
        let half_delta = 0.5 * (k.penalised(g, theta, u_hat + sd * z) - phi0);
        sum += w * (0.5 * z * z - half_delta).exp();
        half_delta
    });
    laplace - 2.0 * sum.ln()
}

/// The objective of one fit: the kernel (offsets of the current β), the rule, the current modes.
pub struct Objective<'k, 'a, F: Family> {
    pub kernel: &'k Kernel<'a, F>,
    pub rule: &'k GaussHermite,
    /// û_g at the kernel's β and θ.
    pub modes: &'k [f64],
    /// −2 Σ_i c_i (the normalisers), added once.
    pub normaliser_term: f64,
}

impl<F: Family> Objective<'_, '_, F> {
    /// The true −2 log L at the kernel's β and this θ (modes must be those of θ).
    pub fn value(&self, theta: f64) -> f64 {
        let mut total = self.normaliser_term;
        for (g, &u) in self.modes.iter().enumerate() {
            let l2 = 1.0 + theta * theta * self.sum_weight(g, theta, u);
            total += group_value(self.kernel, g, theta, u, l2, self.rule);
        }
        total
    }

    fn sum_weight(&self, g: usize, theta: f64, u: f64) -> f64 {
        let grp = &self.kernel.design.groups[g];
        let a = theta * u;
        self.kernel.offsets(g).iter().zip(&grp.trials).map(|(o, &n)| F::working_weight(n, o + a)).sum()
    }

    /// One group's −2 log L_g (without normalisers) in dual numbers; `beta` and `theta` have the real
    /// parts of the kernel's β and the modes' θ.
    #[cfg(test)]
    fn group_dual<D: DualNum<Primitive = f64> + Copy>(&self, g: usize, inf: &Infinitesimals<D>, theta: D, sums: &mut [TaylorSums; 3]) -> D {
        let k = self.kernel;
        let grp = &k.design.groups[g];
        let p = k.p();
        let u_hat = self.modes[g];
        let th = theta.re();
        let a0 = th * u_hat;
        let [sl, ss, sw] = sums;
        sl.clear();
        ss.clear();
        sw.clear();
        for (r, ((o, &y), &n)) in k.offsets(g).iter().zip(&grp.y).zip(&grp.trials).enumerate() {
            let x = grp.x_row(r, p);
            let eta = o + a0;
            let jet = F::kernel_jet(y, n, eta);
            let s = F::score_jet(y, n, eta);
            sl.add(x, jet);
            ss.add(x, s);
            sw.add(x, F::weight_jet(n, eta));
        }
        // Lift û: two Newton steps on θΣℓ'(o + θu) − u, divided by its real u-derivative θ²Σℓ'' − 1.
        let slope = th * th * ss.s1_a() - 1.0;
        let mut u = D::from(u_hat);
        for _ in 0..2 {
            let a = theta * u;
            let score = theta * ss.lift(inf, infinitesimal(a)) - u;
            u -= score / slope;
        }
        let da = infinitesimal(theta * u);
        let phi0 = sl.lift(inf, da) * (-2.0) + u * u;
        let l2 = theta * theta * sw.lift(inf, da) + 1.0;
        let laplace = phi0 + l2.ln();
        if self.rule.nodes.len() == 1 {
            return laplace;
        }
        let sd = l2.sqrt().recip();
        let node = &mut sums[0];
        let mut total = D::from(0.0);
        visit_nodes_outward(self.rule, |j| {
            let (z, w) = (self.rule.nodes[j], self.rule.weights[j]);
            if z == 0.0 {
                total += w;
                return 0.0;
            }
            let uz = u + sd * z;
            let a = theta * uz;
            let a_re = a.re();
            node.clear();
            for (r, ((o, &y), &n)) in k.offsets(g).iter().zip(&grp.y).zip(&grp.trials).enumerate() {
                node.add(grp.x_row(r, p), F::kernel_jet(y, n, o + a_re));
            }
            let phi = node.lift(inf, infinitesimal(a)) * (-2.0) + uz * uz;
            total += ((phi0 - phi) * 0.5 + 0.5 * z * z).exp() * w;
            0.5 * (phi.re() - phi0.re())
        });
        laplace - total.ln() * 2.0
    }
}

impl<F: Family> Objective<'_, '_, F> {
    /// Value, gradient and Hessian of the true −2 log L in x = (β, θ) (β the kernel's, modes those of θ),
    /// by [`Jet`]s: the same formulas as the dual-number [`DualFunction`] below, each group sum lifted by
    /// the explicit chain rule ([`TaylorSums::lift_jet`]), and over the nodes
    ///   −2 log Σ_k w_k e^{E_k}:  gradient −2 Σ_k p_k ∇E_k,  Hessian −2[Σ_k p_k (∇²E_k + ∇E_k ∇E_k') − ḡḡ'],
    /// p_k = w_k e^{E_k} / Σ_j w_j e^{E_j}, ḡ = Σ_k p_k ∇E_k (what the jets' exp and ln compose to).
    /// None unless x has p + 1 entries, at most [`MAX_PARAMETERS`](super::jet::MAX_PARAMETERS).
    pub fn value_gradient_hessian(&self, x: &[f64]) -> Option<(f64, DVector<f64>, DMatrix<f64>)> {
        jet_value_gradient_hessian(self, x)
    }

    fn jet<const M: usize>(&self, theta: f64) -> Jet<M> {
        let theta = Jet::<M>::variable(theta, self.kernel.p());
        let m = self.kernel.p() + 1;
        let mut sums = [TaylorSums::new(m), TaylorSums::new(m), TaylorSums::new(m)];
        let mut total = Jet::constant(self.normaliser_term);
        for g in 0..self.kernel.n_groups() {
            total += self.group_jet(g, &theta, &mut sums);
        }
        total
    }

    /// One group's −2 log L_g (without normalisers) as a [`Jet`] in (β, θ): [`Self::group_dual`] step by step.
    fn group_jet<const M: usize>(&self, g: usize, theta: &Jet<M>, sums: &mut [TaylorSums; 3]) -> Jet<M> {
        let k = self.kernel;
        let grp = &k.design.groups[g];
        let p = k.p();
        let u_hat = self.modes[g];
        let th = theta.v;
        let a0 = th * u_hat;
        let [sl, ss, sw] = sums;
        sl.clear();
        ss.clear();
        sw.clear();
        for (r, ((o, &y), &n)) in k.offsets(g).iter().zip(&grp.y).zip(&grp.trials).enumerate() {
            let x = grp.x_row(r, p);
            let eta = o + a0;
            sl.add(x, F::kernel_jet(y, n, eta));
            ss.add(x, F::score_jet(y, n, eta));
            sw.add(x, F::weight_jet(n, eta));
        }
        // Lift û: two Newton steps on θΣℓ'(o + θu) − u, divided by its real u-derivative θ²Σℓ'' − 1.
        let slope = th * th * ss.s1_a() - 1.0;
        let mut u = Jet::<M>::constant(u_hat);
        for _ in 0..2 {
            let a = *theta * u;
            let score = *theta * ss.lift_jet(&a.infinitesimal()) - u;
            u = u - score * (1.0 / slope);
        }
        let da = (*theta * u).infinitesimal();
        let phi0 = sl.lift_jet(&da) * (-2.0) + u.square();
        let l2 = (*theta).square() * sw.lift_jet(&da) + 1.0;
        let laplace = phi0 + l2.ln();
        if self.rule.nodes.len() == 1 {
            return laplace;
        }
        let sd = l2.sqrt().recip();
        let node = &mut sums[0];
        let mut total = Jet::<M>::constant(0.0);
        visit_nodes_outward(self.rule, |j| {
            let (z, w) = (self.rule.nodes[j], self.rule.weights[j]);
            if z == 0.0 {
                total.v += w;
                return 0.0;
            }
            let uz = u + sd * z;
            let a = *theta * uz;
            node.clear();
            k.add_kernel_jets(g, a.v, node);
            let phi = node.lift_jet(&a.infinitesimal()) * (-2.0) + uz.square();
            total += ((phi0 - phi) * 0.5 + 0.5 * z * z).exp() * w;
            0.5 * (phi.v - phi0.v)
        });
        laplace - total.ln() * 2.0
    }
}

impl<F: Family> JetFunction for Objective<'_, '_, F> {
    fn parameters(&self) -> usize {
        self.kernel.p() + 1
    }

    fn jet_at<const M: usize>(&self, theta: f64) -> Jet<M> {
        self.jet::<M>(theta)
    }
}

#[cfg(test)]
impl<F: Family> DualFunction for Objective<'_, '_, F> {
    /// x = (β_1..β_p, θ) in dual numbers, real parts those of the kernel and the modes.
    fn eval<D: DualNum<Primitive = f64> + Copy>(&self, x: &[D]) -> D {
        let p = self.kernel.p();
        let inf = Infinitesimals::new(&x[..p]);
        let theta = x[p];
        let m = p + 1;
        let mut sums = [TaylorSums::new(m), TaylorSums::new(m), TaylorSums::new(m)];
        let mut total = D::from(self.normaliser_term);
        for g in 0..self.kernel.n_groups() {
            total += self.group_dual(g, &inf, theta, &mut sums);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::glmm::derivatives::value_gradient_hessian;
    use crate::models::glmm::family::{BinomialCloglog, BinomialLogit, BinomialProbit, PoissonLog};
    use crate::models::glmm::kernel::tests::small_design;
    use crate::models::quadrature::gauss_hermite;

    fn value_at<F: Family>(d: &crate::data::grouped_design::GroupedDesign, x: &[f64], nagq: usize) -> f64 {
        let mut k = Kernel::<F>::new(d);
        let p = d.p();
        k.set_beta(&x[..p]);
        let modes = k.modes(x[p], &[]);
        let rule = gauss_hermite(nagq);
        Objective { kernel: &k, rule: &rule, modes: &modes, normaliser_term: -2.0 * k.log_normaliser_sum() }.value(x[p])
    }

    fn derivatives_match<F: Family>(kind: &str) {
        let d = small_design(kind);
        for nagq in [1usize, 9] {
            let x = [-0.2, 0.6, 0.8];
            let mut k = Kernel::<F>::new(&d);
            k.set_beta(&x[..2]);
            let modes = k.modes(x[2], &[]);
            let rule = gauss_hermite(nagq);
            let obj = Objective { kernel: &k, rule: &rule, modes: &modes, normaliser_term: -2.0 * k.log_normaliser_sum() };
            let (v, g, h) = value_gradient_hessian(&obj, &x).unwrap();
            let f0 = value_at::<F>(&d, &x, nagq);
            assert!((v - f0).abs() < 1e-10, "{} {kind} K={nagq}: dual {v} vs real {f0}", F::LINK);
            let eps = 1e-4;
            for i in 0..3 {
                let mut xp = x;
                xp[i] += eps;
                let mut xm = x;
                xm[i] -= eps;
                let (fp, fm) = (value_at::<F>(&d, &xp, nagq), value_at::<F>(&d, &xm, nagq));
                let fd = (fp - fm) / (2.0 * eps);
                assert!((fd - g[i]).abs() < 1e-6 * g[i].abs().max(1.0), "{} {kind} K={nagq} grad {i}: {fd} vs {}", F::LINK, g[i]);
                let fd2 = (fp - 2.0 * f0 + fm) / (eps * eps);
                assert!((fd2 - h[(i, i)]).abs() < 1e-3 * h[(i, i)].abs().max(1.0), "{} {kind} K={nagq} hess {i}: {fd2} vs {}", F::LINK, h[(i, i)]);
                for j in 0..3 {
                    let mut xpp = x;
                    xpp[i] += eps;
                    xpp[j] += eps;
                    let mut xmm = x;
                    xmm[i] -= eps;
                    xmm[j] -= eps;
                    if i != j {
                        let mut xpm = x;
                        xpm[i] += eps;
                        xpm[j] -= eps;
                        let mut xmp = x;
                        xmp[i] -= eps;
                        xmp[j] += eps;
                        let fd_ij = (value_at::<F>(&d, &xpp, nagq) - value_at::<F>(&d, &xpm, nagq) - value_at::<F>(&d, &xmp, nagq)
                            + value_at::<F>(&d, &xmm, nagq))
                            / (4.0 * eps * eps);
                        assert!((fd_ij - h[(i, j)]).abs() < 1e-3 * h[(i, j)].abs().max(1.0), "{} hess {i}{j}: {fd_ij} vs {}", F::LINK, h[(i, j)]);
                    }
                }
            }
        }
    }

    /// The explicit chain rule (jets) against the dual-number oracle, at a mode-consistent point.
    fn jets_match_duals<F: Family>(kind: &str) {
        let d = small_design(kind);
        for nagq in [1usize, 2, 9, 25] {
            for x in [[-0.2, 0.6, 0.8], [0.4, -1.1, 2.3], [0.1, 0.3, -0.05]] {
                let mut k = Kernel::<F>::new(&d);
                k.set_beta(&x[..2]);
                let modes = k.modes(x[2], &[]);
                let rule = gauss_hermite(nagq);
                let obj = Objective { kernel: &k, rule: &rule, modes: &modes, normaliser_term: -2.0 * k.log_normaliser_sum() };
                let (v, g, h) = value_gradient_hessian(&obj, &x).unwrap();
                let (vj, gj, hj) = obj.value_gradient_hessian(&x).unwrap();
                let what = format!("{} {kind} K={nagq} x={x:?}", F::LINK);
                assert!((v - vj).abs() <= 1e-12 * v.abs().max(1.0), "{what}: value {vj} vs {v}");
                for i in 0..3 {
                    assert!((g[i] - gj[i]).abs() <= 1e-12 * g.amax().max(1.0), "{what}: gradient {i} {} vs {}", gj[i], g[i]);
                    for l in 0..3 {
                        assert!((h[(i, l)] - hj[(i, l)]).abs() <= 1e-12 * h.amax().max(1.0), "{what}: Hessian {i}{l} {} vs {}", hj[(i, l)], h[(i, l)]);
                    }
                }
                assert!(h[(0, 2)] != 0.0, "{what}: the test point has a θ–β cross term");
            }
        }
    }

    /// `small_design` with its columns cut to the intercept (`extra` = 0) or widened by `extra` covariates.
    fn with_columns(kind: &str, extra: usize) -> crate::data::grouped_design::GroupedDesign {
        let mut d = small_design(kind);
        let p = 1 + extra;
        for grp in &mut d.groups {
            let rows = grp.y.len();
            let old = grp.x.clone();
            grp.x = (0..rows)
                .flat_map(|r| (0..p).map(move |j| (r, j)))
                .map(|(r, j)| match j {
                    0 => 1.0,
                    1 => old[2 * r + 1],
                    _ => ((r * (j + 2) + j) % 5) as f64 * 0.2 - 0.4 + 0.05 * j as f64,
                })
                .collect();
        }
        d.names = (0..p).map(|j| if j == 0 { "(Intercept)".to_string() } else { format!("x{j}") }).collect();
        d
    }

    #[test]
    fn padded_jets_equal_dual_numbers() {
        // p + 1 = 2 and 4 run in jets of sizes 3 and 5: the padding must not change a digit that matters.
        for extra in [0usize, 2] {
            let d = with_columns("trials", extra);
            let m = d.p() + 1;
            for nagq in [1usize, 9] {
                let mut k = Kernel::<BinomialLogit>::new(&d);
                let x: Vec<f64> = (0..m).map(|j| if j + 1 == m { 0.9 } else { 0.3 - 0.25 * j as f64 }).collect();
                k.set_beta(&x[..m - 1]);
                let modes = k.modes(x[m - 1], &[]);
                let rule = gauss_hermite(nagq);
                let obj = Objective { kernel: &k, rule: &rule, modes: &modes, normaliser_term: -2.0 * k.log_normaliser_sum() };
                let (v, g, h) = value_gradient_hessian(&obj, &x).unwrap();
                let (vj, gj, hj) = obj.value_gradient_hessian(&x).unwrap();
                assert_eq!((gj.len(), hj.nrows(), hj.ncols()), (m, m, m));
                assert!((v - vj).abs() <= 1e-12 * v.abs().max(1.0), "p+1={m} K={nagq}: value {vj} vs {v}");
                assert!((&g - &gj).amax() <= 1e-12 * g.amax().max(1.0), "p+1={m} K={nagq}: gradient {gj} vs {g}");
                assert!((&h - &hj).amax() <= 1e-12 * h.amax().max(1.0), "p+1={m} K={nagq}: Hessian {hj} vs {h}");
            }
        }
    }

    #[test]
    fn jets_equal_dual_numbers_for_every_family_laplace_and_agq() {
        jets_match_duals::<BinomialLogit>("binary");
        jets_match_duals::<BinomialLogit>("trials");
        jets_match_duals::<BinomialProbit>("binary");
        jets_match_duals::<BinomialProbit>("trials");
        jets_match_duals::<BinomialCloglog>("binary");
        jets_match_duals::<BinomialCloglog>("trials");
        jets_match_duals::<PoissonLog>("counts");
        let d = small_design("counts");
        let k = Kernel::<PoissonLog>::new(&d);
        let rule = gauss_hermite(1);
        let modes = vec![0.0; 3];
        let obj = Objective { kernel: &k, rule: &rule, modes: &modes, normaliser_term: 0.0 };
        assert!(obj.value_gradient_hessian(&[0.0, 0.0]).is_none(), "x must have p + 1 entries");
    }

    #[test]
    fn dual_derivatives_match_differences_of_the_real_objective() {
        derivatives_match::<BinomialLogit>("binary");
        derivatives_match::<BinomialLogit>("trials");
        derivatives_match::<BinomialProbit>("binary");
        derivatives_match::<BinomialCloglog>("trials");
        derivatives_match::<PoissonLog>("counts");
    }

    #[test]
    fn agq_with_many_nodes_is_the_brute_force_integral() {
        for kind in ["binary", "trials"] {
            let d = small_design(kind);
            let x = [0.1, -0.7, 1.4];
            let agq = value_at::<BinomialProbit>(&d, &x, 100);
            // −2 log ∫ Π p(y_i | o_i + θu) φ(u) du per group, by the trapezoid rule on a fine grid
            let mut k = Kernel::<BinomialProbit>::new(&d);
            k.set_beta(&x[..2]);
            let mut brute = -2.0 * k.log_normaliser_sum();
            for g in 0..3 {
                let h = 1e-3;
                let s: f64 = (-15000..=15000)
                    .map(|i| {
                        let u = i as f64 * h;
                        (-0.5 * k.penalised(g, x[2], u)).exp() * h / (2.0 * std::f64::consts::PI).sqrt()
                    })
                    .sum();
                brute -= 2.0 * s.ln();
            }
            assert!((agq - brute).abs() < 1e-9, "{kind}: {agq} vs {brute}");
            let laplace = value_at::<BinomialProbit>(&d, &x, 1);
            assert!((laplace - brute).abs() > 1e-5, "Laplace is an approximation");
        }
    }

    #[test]
    fn theta_zero_is_the_glm_deviance() {
        let d = small_design("counts");
        let x = [0.3, 0.2, 0.0];
        let mut direct = 0.0;
        for g in &d.groups {
            for r in 0..g.n_obs() {
                direct -= 2.0 * PoissonLog::log_density(g.y[r], 1.0, 0.3 + 0.2 * g.x_row(r, 2)[1]);
            }
        }
        for nagq in [1, 25] {
            assert!((value_at::<PoissonLog>(&d, &x, nagq) - direct).abs() < 1e-10);
        }
        assert_eq!(lme4_deviance(10.0, 1, -3.0), 10.0);
        assert_eq!(lme4_deviance(10.0, 25, -3.0), 4.0);
    }
}
