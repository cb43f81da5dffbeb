//! Your data (issue 13): figures 5 and 6's decomposition along u for any family and link.
//!
//! With the page's glmer modes b̂_g and their mean b̄, move all G random effects together,
//! b_g(u) = b̂_g − b̄ + u/G (u is their sum, their differences stay as fitted). Then
//!
//! * the random-effects part R(u) = Σ_g log N(b_g(u); 0, σ_b²), highest at u = 0, and
//! * the likelihood part D(u; c) = Σ_i log p(y_i | x_i'β̂ + c + b_{g(i)}(u)), the family's log density
//!   (every constant included) of each row, c = 0 at the fit and c = b̄ with the intercept moved by b̄,
//!   D′(u) = Σ_i ℓ′_i / G, D″(u) = Σ_i ℓ″_i / G² (ℓ′, ℓ″ the family's η-derivatives),
//!
//! are what [`decompose_along`] computes for the lesson's logistic Bernoulli part: one algorithm, two
//! data parts. The curve with c = b̄ is D(u; b̄) = D(u + Σb̂; 0), as in the lesson.

use std::marker::PhantomData;

use super::decomposition::{decompose_along, DataPart, Decomposition};
use super::newton::Derivs;
use crate::data::grouped_design::GroupedDesign;
use crate::models::glmm::family::Family;
use crate::models::glmm::fit::{for_family, FamilyLink};
use crate::models::glmm::GlmmResult;

/// R's name of the intercept column.
pub const INTERCEPT: &str = "(Intercept)";

/// The index of the `(Intercept)` column of `design`, if it has one.
pub fn intercept_index(design: &GroupedDesign) -> Option<usize> {
    design.names.iter().position(|n| n == INTERCEPT)
}

/// D(u) of one family and link: per row the offset x_i'β̂ + b̂_g − b̄, the response and the trials.
struct FamilyPart<F: Family> {
    offset: Vec<f64>,
    y: Vec<f64>,
    trials: Vec<f64>,
    inv_g: f64,
    /// Σ_i of the family's normaliser (log C(n, y) or −log y!): D is the whole log density.
    normaliser: f64,
    family: PhantomData<F>,
}

impl<F: Family> DataPart for FamilyPart<F> {
    fn value(&self, u: f64) -> f64 {
        let s = u * self.inv_g;
        self.offset.iter().zip(&self.y).zip(&self.trials).map(|((&o, &y), &n)| F::log_kernel(y, n, o + s)).sum::<f64>()
            + self.normaliser
    }

    fn derivs(&self, u: f64) -> Derivs {
        let s = u * self.inv_g;
        let (mut v, mut d1, mut d2) = (0.0, 0.0, 0.0);
        for ((&o, &y), &n) in self.offset.iter().zip(&self.y).zip(&self.trials) {
            let [l, l1, l2] = F::kernel_jet(y, n, o + s);
            v += l;
            d1 += l1;
            d2 += l2;
        }
        (v + self.normaliser, d1 * self.inv_g, d2 * self.inv_g * self.inv_g)
    }
}

fn own_decomposition_for<F: Family>(design: &GroupedDesign, fit: &GlmmResult) -> Option<Decomposition> {
    let g = design.n_groups();
    let p = design.p();
    let modes = &fit.ranef;
    let mean = modes.iter().sum::<f64>() / g as f64;
    let (mut offset, mut y, mut trials) = (Vec::new(), Vec::new(), Vec::new());
    let mut normaliser = 0.0;
    for (grp, &b) in design.groups.iter().zip(modes) {
        for r in 0..grp.n_obs() {
            let xb: f64 = grp.x_row(r, p).iter().zip(&fit.fixef).map(|(x, c)| x * c).sum();
            offset.push(xb + b - mean);
            y.push(grp.y[r]);
            trials.push(grp.trials[r]);
            normaliser += F::log_normaliser(grp.y[r], grp.trials[r]);
        }
    }
    let part = FamilyPart::<F> { offset, y, trials, inv_g: 1.0 / g as f64, normaliser, family: PhantomData };
    // The curves are labelled by the intercept (0 when the design has none: the constant added to every
    // prediction); β is more than one slope here.
    let intercept = intercept_index(design).and_then(|k| fit.fixef.get(k).copied()).unwrap_or(0.0);
    decompose_along(&part, modes, fit.sigma_b, (intercept, f64::NAN))
}

/// Figures 5–6's decomposition of the page's glmer `fit` of `design`; None when σ_b ≤ 0, the fit does not
/// match the design or a number is not finite.
pub fn own_decomposition(design: &GroupedDesign, family: FamilyLink, fit: &GlmmResult) -> Option<Decomposition> {
    let g = design.n_groups();
    if g == 0 || fit.ranef.len() != g || fit.fixef.len() != design.p() {
        return None;
    }
    if !(fit.sigma_b > 0.0 && fit.sigma_b.is_finite()) || fit.fixef.iter().chain(&fit.ranef).any(|v| !v.is_finite()) {
        return None;
    }
    for_family!(family, F => own_decomposition_for::<F>(design, fit))
}
