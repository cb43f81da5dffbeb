//! The per-group kernel: offsets, the penalised deviance and the conditional mode of each group.
//!
//! In lme4's spherical parametrisation b_g = θu_g, u_g ~ N(0, 1). With offsets o_i = x_i'β (computed once
//! per β for every row), group g's penalised deviance is
//!   φ_g(u) = Σ_{i∈g} d_i(o_i + θu) + u²,
//! d_i the deviance residual of [`Family`]. Its minimiser û_g is the conditional mode (lme4's `ranef()` is
//! θû_g), and lme4's curvature there is L_g² = 1 + θ² Σ_{i∈g} W_i(o_i + θû_g) with W the expected
//! information (its PIRLS weights). Numerically the kernel works with
//!   φ̃_g(u) = −2 Σ_{i∈g} ℓ_i(o_i + θu) + u² = φ_g(u) − 2 Σ_{i∈g} ℓ_i(saturated),
//! ℓ the family's kernel (log density without its normaliser): the same function up to a constant.

use std::marker::PhantomData;

use super::family::Family;
use super::taylor::TaylorSums;
use crate::data::grouped_design::GroupedDesign;

/// a ≤ b, false when either is NaN (a NaN trial point never counts as a decrease).
fn not_above(a: f64, b: f64) -> bool {
    matches!(a.partial_cmp(&b), Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal))
}

/// One pass of a group at (θ, u): φ̃, φ̃' and φ̃'' (observed, in u) and Σ W (expected information).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PenalisedAt {
    pub phi: f64,
    pub slope: f64,
    pub curvature: f64,
    pub sum_weight: f64,
}

/// The design with the offsets o_i = x_i'β of one β.
#[derive(Debug, Clone)]
pub struct Kernel<'a, F: Family> {
    pub design: &'a GroupedDesign,
    beta: Vec<f64>,
    offsets: Vec<Vec<f64>>,
    /// e^{o_i} per row when [`Family::USES_EXP_ETA`] (empty otherwise).
    exp_offsets: Vec<Vec<f64>>,
    family: PhantomData<F>,
}

impl<'a, F: Family> Kernel<'a, F> {
    pub fn new(design: &'a GroupedDesign) -> Kernel<'a, F> {
        let offsets = design.groups.iter().map(|g| vec![0.0; g.n_obs()]).collect();
        let exp_offsets = if F::USES_EXP_ETA { design.groups.iter().map(|g| vec![1.0; g.n_obs()]).collect() } else { Vec::new() };
        Kernel { design, beta: vec![0.0; design.p()], offsets, exp_offsets, family: PhantomData }
    }

    /// Number of fixed effects p.
    pub fn p(&self) -> usize {
        self.design.p()
    }

    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.design.n_groups()
    }

    /// The β the offsets are for.
    pub fn beta(&self) -> &[f64] {
        &self.beta
    }

    /// Sets β, computing every offset o_i = x_i'β once (nothing when β has not changed).
    pub fn set_beta(&mut self, beta: &[f64]) {
        if beta == self.beta.as_slice() {
            return;
        }
        self.beta.clear();
        self.beta.extend_from_slice(beta);
        let p = beta.len();
        for (g, off) in self.design.groups.iter().zip(self.offsets.iter_mut()) {
            for (r, o) in off.iter_mut().enumerate() {
                *o = g.x_row(r, p).iter().zip(beta).map(|(x, b)| x * b).sum();
            }
        }
        for (off, e) in self.offsets.iter().zip(self.exp_offsets.iter_mut()) {
            off.iter().zip(e.iter_mut()).for_each(|(o, e)| *e = o.exp());
        }
    }

    /// Adds group g's rows' (ℓ, ℓ', ℓ'') at η_i = o_i + a to `sums` ([`TaylorSums::add`]); with
    /// [`Family::USES_EXP_ETA`], e^η_i = e^{o_i}·e^a (e^{o_i + a} itself where that product is not a normal
    /// number: overflow, underflow).
    #[inline]
    pub fn add_kernel_jets(&self, g: usize, a: f64, sums: &mut TaylorSums) {
        let grp = &self.design.groups[g];
        let p = self.p();
        let rows = self.offsets[g].iter().zip(&grp.y).zip(&grp.trials).enumerate();
        if F::USES_EXP_ETA {
            let exp_a = a.exp();
            for ((r, ((o, &y), &n)), eo) in rows.zip(&self.exp_offsets[g]) {
                let eta = o + a;
                let e = eo * exp_a;
                let e = if e.is_normal() { e } else { eta.exp() };
                sums.add(grp.x_row(r, p), F::kernel_jet_given_exp(y, n, eta, e));
            }
        } else {
            for (r, ((o, &y), &n)) in rows {
                sums.add(grp.x_row(r, p), F::kernel_jet(y, n, o + a));
            }
        }
    }

    /// Group g's offsets.
    #[inline]
    pub fn offsets(&self, g: usize) -> &[f64] {
        &self.offsets[g]
    }

    /// Σ_{i∈g} ℓ_i(o_i + a): the group's log-likelihood kernel at random intercept a.
    #[inline]
    pub fn log_kernel_sum(&self, g: usize, a: f64) -> f64 {
        let grp = &self.design.groups[g];
        F::log_kernel_sum(&grp.y, &grp.trials, &self.offsets[g], a)
    }

    /// φ̃_g' and φ̃_g'' (observed) and Σ W at (θ, u), without φ̃'s value.
    fn slopes_at(&self, g: usize, theta: f64, u: f64) -> (f64, f64, f64) {
        let grp = &self.design.groups[g];
        let a = theta * u;
        let (mut s, mut c, mut w) = (0.0, 0.0, 0.0);
        for ((o, &y), &n) in self.offsets[g].iter().zip(&grp.y).zip(&grp.trials) {
            let t = F::score_terms(y, n, o + a);
            s += t[0];
            c += t[1];
            w += t[2];
        }
        (-2.0 * theta * s + 2.0 * u, 2.0 * theta * theta * c + 2.0, w)
    }

    /// φ̃_g(u) = −2 Σ ℓ_i(o_i + θu) + u².
    pub fn penalised(&self, g: usize, theta: f64, u: f64) -> f64 {
        -2.0 * self.log_kernel_sum(g, theta * u) + u * u
    }

    /// φ̃_g, its first two u-derivatives (observed curvature) and Σ W at (θ, u), in one pass.
    pub fn penalised_at(&self, g: usize, theta: f64, u: f64) -> PenalisedAt {
        let grp = &self.design.groups[g];
        let a = theta * u;
        let (mut l, mut s, mut c, mut w) = (0.0, 0.0, 0.0, 0.0);
        for ((o, &y), &n) in self.offsets[g].iter().zip(&grp.y).zip(&grp.trials) {
            let t = F::mode_terms(y, n, o + a);
            l += t[0];
            s += t[1];
            c += t[2];
            w += t[3];
        }
        PenalisedAt { phi: -2.0 * l + u * u, slope: -2.0 * theta * s + 2.0 * u, curvature: 2.0 * theta * theta * c + 2.0, sum_weight: w }
    }

    /// The conditional mode û_g = argmin φ̃_g by Newton's method with step halving (φ̃_g is convex for
    /// the log-concave families here), to |step| ≤ 1e-11·max(1, |u|): the next step would be below
    /// rounding. Returns û and lme4's curvature L_g² = 1 + θ² ΣW at û.
    pub fn mode(&self, g: usize, theta: f64, start: f64) -> (f64, f64) {
        let mut u = if start.is_finite() { start } else { 0.0 };
        let mut at = self.penalised_at(g, theta, u);
        for _ in 0..200 {
            let mut step = at.slope / at.curvature;
            if !step.is_finite() {
                break;
            }
            let scale = u.abs().max(1.0);
            if step.abs() <= 1e-4 * scale {
                // Newton converges quadratically from here: take the steps whole (the next error is ~step²,
                // below φ's resolution), with slopes only.
                u -= step;
                for _ in 0..10 {
                    let (slope, curvature, w) = self.slopes_at(g, theta, u);
                    let step = slope / curvature;
                    if !step.is_finite() {
                        return (u, 1.0 + theta * theta * w);
                    }
                    u -= step;
                    if step.abs() <= 1e-11 * scale {
                        // W at the final u (one step of 1e-11 moves it by far less than its rounding)
                        return (u, 1.0 + theta * theta * w);
                    }
                }
                at = self.penalised_at(g, theta, u);
                continue;
            }
            let mut next = u - step;
            let mut at_next = self.penalised_at(g, theta, next);
            let mut halvings = 0;
            while !not_above(at_next.phi, at.phi) && halvings < 60 {
                step *= 0.5;
                next = u - step;
                at_next = self.penalised_at(g, theta, next);
                halvings += 1;
            }
            if !not_above(at_next.phi, at.phi) {
                break;
            }
            u = next;
            at = at_next;
        }
        (u, 1.0 + theta * theta * at.sum_weight)
    }

    /// Every group's conditional mode, each started from `starts[g]` (0 when absent).
    pub fn modes(&self, theta: f64, starts: &[f64]) -> Vec<f64> {
        (0..self.n_groups()).map(|g| self.mode(g, theta, starts.get(g).copied().unwrap_or(0.0)).0).collect()
    }

    /// Σ_{i∈g} ℓ_i(saturated): φ_g = φ̃_g + 2·this.
    pub fn saturated_kernel_sum(&self, g: usize) -> f64 {
        let grp = &self.design.groups[g];
        grp.y.iter().zip(&grp.trials).map(|(&y, &n)| F::saturated_kernel(y, n)).sum()
    }

    /// The penalised deviance as lme4 defines it, φ_g(u) = Σ d_i(o_i + θu) + u².
    pub fn penalised_deviance(&self, g: usize, theta: f64, u: f64) -> f64 {
        self.penalised(g, theta, u) + 2.0 * self.saturated_kernel_sum(g)
    }

    /// Σ_i of the family's normaliser over every row (log C(n, y) or −log y!).
    pub fn log_normaliser_sum(&self) -> f64 {
        self.design.groups.iter().flat_map(|g| g.y.iter().zip(&g.trials)).map(|(&y, &n)| F::log_normaliser(y, n)).sum()
    }

    /// The saturated constant C = Σ_i log p(y_i | μ_i = y_i) over every row.
    pub fn saturated_constant(&self) -> f64 {
        self.design.groups.iter().flat_map(|g| g.y.iter().zip(&g.trials)).map(|(&y, &n)| F::saturated_log_density(y, n)).sum()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::data::grouped_design::DesignGroup;
    use crate::models::glmm::family::{BinomialCloglog, BinomialLogit, BinomialProbit, PoissonLog};

    /// A small design with an intercept and one covariate, three groups; `count` makes y counts 0..4 with
    /// trials 4 (binomial with trials) or Poisson counts.
    pub(crate) fn small_design(kind: &str) -> GroupedDesign {
        let mut groups = Vec::new();
        for g in 0..3 {
            let mut x = Vec::new();
            let (mut y, mut trials) = (Vec::new(), Vec::new());
            for r in 0..(6 + 2 * g) {
                let xv = ((r * 7 + g * 3) % 11) as f64 * 0.25 - 1.2;
                x.extend_from_slice(&[1.0, xv]);
                let k = (r * 5 + g * 2) % 7;
                let (yv, n) = match kind {
                    "binary" => (f64::from(u8::from((k + 2 * usize::from(xv > 0.0) + g) % 4 >= 2)), 1.0),
                    "trials" => (((k % 3) + g).min(4) as f64, 4.0),
                    _ => ((k + 3 * g) as f64 * 0.5 + if xv > 0.0 { 1.0 } else { 0.0 }, 1.0),
                };
                y.push(yv.floor());
                trials.push(n);
            }
            let n_rows = y.len();
            groups.push(DesignGroup { x, y, trials, rows: (0..n_rows).collect() });
        }
        GroupedDesign {
            names: vec!["(Intercept)".into(), "x".into()],
            response: "y".into(),
            group_name: "g".into(),
            group_labels: vec!["a".into(), "b".into(), "c".into()],
            groups,
        }
    }

    fn mode_is_the_brute_force_minimum<F: Family>(kind: &str) {
        let d = small_design(kind);
        let mut k = Kernel::<F>::new(&d);
        k.set_beta(&[-0.3, 0.8]);
        for theta in [0.0, 0.4, 1.7] {
            for g in 0..3 {
                let (u, l2) = k.mode(g, theta, 0.5);
                // brute force: a fine grid, then the grid's best point agrees to its spacing
                let mut best = (f64::INFINITY, 0.0);
                for i in -40000..=40000 {
                    let v = i as f64 * 1e-4;
                    let f = k.penalised(g, theta, v);
                    if f < best.0 {
                        best = (f, v);
                    }
                }
                assert!((u - best.1).abs() < 2e-4, "{} {kind} θ={theta} g={g}: {u} vs {}", F::LINK, best.1);
                let at = k.penalised_at(g, theta, u);
                assert!(at.slope.abs() < 1e-9, "{} slope {}", F::LINK, at.slope);
                assert!(l2 >= 1.0);
            }
        }
    }

    #[test]
    fn conditional_modes_minimise_the_penalised_deviance() {
        mode_is_the_brute_force_minimum::<BinomialLogit>("binary");
        mode_is_the_brute_force_minimum::<BinomialProbit>("trials");
        mode_is_the_brute_force_minimum::<BinomialCloglog>("binary");
        mode_is_the_brute_force_minimum::<PoissonLog>("counts");
    }

    #[test]
    fn kernel_jets_from_exp_offsets_equal_the_direct_ones() {
        let d = small_design("counts");
        let mut k = Kernel::<PoissonLog>::new(&d);
        // the second β puts every e^o near or past f64's overflow (o up to ~711) while e^(o − 6) is finite:
        // those rows fall back to e^(o + a) itself
        for (beta, intercepts) in [([0.3, 1.0], [-1.7, 0.0, 0.9]), ([709.5, 1.0], [-6.0, -6.0, -6.0])] {
            k.set_beta(&beta);
            for a in intercepts {
                for g in 0..3 {
                    let mut got = TaylorSums::new(3);
                    k.add_kernel_jets(g, a, &mut got);
                    let mut want = TaylorSums::new(3);
                    let grp = &d.groups[g];
                    for r in 0..grp.n_obs() {
                        want.add(grp.x_row(r, 2), PoissonLog::kernel_jet(grp.y[r], 1.0, k.offsets(g)[r] + a));
                    }
                    let close = |x: f64, y: f64| y.is_finite() && (x - y).abs() <= 1e-14 * y.abs().max(1.0);
                    assert!(close(got.s0, want.s0), "β={beta:?} g={g} a={a}: {} vs {}", got.s0, want.s0);
                    let pairs = got.s1.iter().zip(&want.s1).chain(got.s2.iter().zip(&want.s2));
                    assert!(pairs.into_iter().all(|(x, y)| close(*x, *y)), "β={beta:?} g={g} a={a}");
                }
            }
        }
        assert!(d.groups.iter().any(|g| (0..g.n_obs()).any(|r| 709.5 + g.x_row(r, 2)[1] > 709.8)), "some e^o overflows");
    }

    #[test]
    fn penalised_deviance_is_deviance_residuals_plus_penalty() {
        let d = small_design("trials");
        let mut k = Kernel::<BinomialLogit>::new(&d);
        k.set_beta(&[0.2, -0.5]);
        let (theta, u) = (0.9, 0.3);
        let grp = &d.groups[1];
        let direct: f64 = (0..grp.n_obs())
            .map(|r| BinomialLogit::deviance_residual(grp.y[r], grp.trials[r], 0.2 - 0.5 * grp.x_row(r, 2)[1] + theta * u))
            .sum::<f64>()
            + u * u;
        assert!((k.penalised_deviance(1, theta, u) - direct).abs() < 1e-12);
    }
}
