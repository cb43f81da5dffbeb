//! The per-group GLM `glm(response ~ fixed terms + group, family)`: the fixed terms plus one intercept per
//! group level (treatment contrasts: the first level is the reference, its intercept is the `(Intercept)`).
//!
//! Two things make some coefficients not estimable, and R's answer drops them:
//! - a *separated* group, whose outcomes all sit on the boundary of the family's range (binomial: every
//!   y_i = 0 or every y_i = n_i; Poisson: every y_i = 0), has a log-likelihood that keeps rising as its
//!   intercept goes to ∓∞. The supremum of the likelihood is then the fit on the other groups' rows (the
//!   separated rows' log-density tends to log 1 = 0), so those groups are dropped before fitting;
//! - an *aliased* column, a linear combination of the columns before it (a covariate constant within each
//!   group, as VerbAgg's Anger within id), is dropped as R's `qr(X, tol = 1e−7)` drops it: column j goes
//!   when its residual after projecting on the columns kept before it has ‖r_j‖ ≤ 1e−7·‖x_j‖.
//!
//! Then IRLS (Fisher scoring) as in [`super::glm`], with θ = (β, γ): β the kept fixed effects, γ_k the kept
//! group columns, η_i = x_i'β + γ_{g(i)}. The information is block-sparse: with A = Σ_i W_i x_i x_i',
//! b_k = Σ_{i∈k} W_i x_i and D_k = Σ_{i∈k} W_i, the step solves
//!     (A − Σ_k b_k b_k'/D_k) δβ = U_β − Σ_k b_k U_k/D_k,   δγ_k = (U_k − b_k'δβ)/D_k,
//! p×p work per iteration however many groups there are.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use super::family::Family;
use super::glm::{check_responses, dependent_column_indices, dot, not_converged};
use crate::data::full_rank::{orthonormalise_into, COLLINEAR_TOL};
use crate::data::grouped_design::GroupedDesign;
use crate::error::{Error, Result};

/// R's tolerance for an aliased column in `glm` (`qr(X, tol = 1e-7)`), relative to the column's norm: the
/// data layer's [`COLLINEAR_TOL`].
pub const ALIAS_TOL: f64 = COLLINEAR_TOL;

const MAX_ITERATIONS: usize = 100;

/// A fitted per-group GLM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlmGroupResult {
    pub family: String,
    pub link: String,
    /// The estimated columns in R's order: kept fixed columns, then kept group columns (`herd2`, …).
    pub names: Vec<String>,
    pub coef: Vec<f64>,
    pub coef_named: Vec<(String, f64)>,
    /// The fixed (non-group) columns' coefficients.
    pub fixed_coef_named: Vec<(String, f64)>,
    /// How many group columns were estimated.
    pub n_group_coef: usize,
    /// The level absorbed by the intercept: the first level left after dropping separated groups.
    pub reference_group: String,
    /// Levels whose outcomes are all on the boundary (their rows are left out of the fit).
    pub separated_groups: Vec<String>,
    /// Columns dropped as linear combinations of the columns before them, in column order.
    pub aliased: Vec<String>,
    /// Σ_i d_i over the fitted rows.
    pub deviance: f64,
    /// Σ_i log p(y_i | η_i) over the fitted rows, with every constant.
    pub loglik: f64,
    /// Fitted rows − estimated coefficients.
    pub df_residual: usize,
    pub iterations: usize,
    /// One sentence saying which groups were separated and which columns aliased, and why (None if neither).
    pub note: Option<String>,
}

/// Whether every outcome of the group sits on the boundary of the family's range.
fn is_separated<F: Family>(y: &[f64], trials: &[f64]) -> bool {
    let all_zero = y.iter().all(|&v| v == 0.0);
    let all_max = F::FAMILY == "binomial" && y.iter().zip(trials).all(|(v, n)| v == n);
    !y.is_empty() && (all_zero || all_max)
}

/// For each level k ≥ 1 of `d`, whether its indicator column e_k is a combination of the kept fixed columns
/// and the kept indicators before it. With K the kept earlier levels, e_k ⟂ e_K, so its residual is
/// e_k − P e_k with P the projection on the fixed columns centred within each group of K: p×p work per level.
fn aliased_group_levels(d: &GroupedDesign, fixed: &[usize]) -> Vec<bool> {
    let p = d.p();
    let mut aliased = vec![false; d.n_groups()];
    let mut centred_groups = vec![false; d.n_groups()];
    for k in 1..d.n_groups() {
        let mut basis: Vec<Vec<f64>> = Vec::new();
        for &j in fixed {
            let mut col = Vec::with_capacity(d.n_obs());
            for (g, rows) in d.groups.iter().enumerate() {
                let values: Vec<f64> = (0..rows.n_obs()).map(|r| rows.x_row(r, p)[j]).collect();
                let mean = if centred_groups[g] { values.iter().sum::<f64>() / values.len() as f64 } else { 0.0 };
                col.extend(values.iter().map(|v| v - mean));
            }
            orthonormalise_into(&mut basis, col, ALIAS_TOL);
        }
        let start: usize = d.groups[..k].iter().map(|g| g.n_obs()).sum();
        let n_k = d.groups[k].n_obs();
        let mut indicator = vec![0.0; d.n_obs()];
        indicator[start..start + n_k].iter_mut().for_each(|v| *v = 1.0);
        aliased[k] = orthonormalise_into(&mut basis, indicator, ALIAS_TOL).is_none();
        centred_groups[k] = !aliased[k];
    }
    aliased
}

/// The block-sparse information and score at θ (or, with `working`, the first IRLS step's right-hand side).
struct Normal {
    a: DMatrix<f64>,
    u: DVector<f64>,
    b: Vec<DVector<f64>>,
    dk: Vec<f64>,
    uk: Vec<f64>,
}

impl Normal {
    /// Solves [A B; B' D] (δβ, δγ) = (U_β, U_γ) through the Schur complement of the diagonal D.
    fn solve(self) -> Option<(Vec<f64>, Vec<f64>)> {
        let mut s = self.a;
        let mut rhs = self.u;
        for ((b, &d), &u) in self.b.iter().zip(&self.dk).zip(&self.uk) {
            if d <= 0.0 {
                return None;
            }
            s -= b * b.transpose() / d;
            rhs -= b * (u / d);
        }
        let beta = if s.nrows() == 0 { DVector::zeros(0) } else { s.cholesky()?.solve(&rhs) };
        let gamma: Vec<f64> = self.b.iter().zip(&self.dk).zip(&self.uk).map(|((b, d), u)| (u - b.dot(&beta)) / d).collect();
        let all_finite = beta.iter().chain(&gamma).all(|v| v.is_finite());
        all_finite.then(|| (beta.iter().copied().collect(), gamma))
    }
}

/// The fit on the reduced design: `fixed` the kept fixed columns, `column_of[g]` the group column of level g.
struct Reduced<'a> {
    d: &'a GroupedDesign,
    fixed: Vec<usize>,
    column_of: Vec<Option<usize>>,
    m: usize,
}

impl Reduced<'_> {
    /// The expanded (β over all fixed columns, 0 where dropped) and each row's group offset γ_{g(i)}.
    fn eta_parts(&self, beta: &[f64], gamma: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let mut full = vec![0.0; self.d.p()];
        self.fixed.iter().zip(beta).for_each(|(&j, b)| full[j] = *b);
        let offsets = self.column_of.iter().map(|c| c.map_or(0.0, |k| gamma[k])).collect();
        (full, offsets)
    }

    fn loglik<F: Family>(&self, beta: &[f64], gamma: &[f64]) -> f64 {
        let (full, off) = self.eta_parts(beta, gamma);
        let p = self.d.p();
        self.d
            .groups
            .iter()
            .enumerate()
            .flat_map(|(g, rows)| (0..rows.n_obs()).map(move |r| (g, rows.x_row(r, p), rows.y[r], rows.trials[r])))
            .map(|(g, x, y, n)| F::log_density(y, n, dot(x, &full) + off[g]))
            .sum()
    }

    /// Accumulates Σ w x x' (kept columns), Σ r x, and the per-group sums, with (w, r) = f(y, n, η).
    fn normal(&self, beta: &[f64], gamma: &[f64], f: impl Fn(f64, f64, f64) -> (f64, f64)) -> Normal {
        let q = self.fixed.len();
        let (full, off) = self.eta_parts(beta, gamma);
        let p = self.d.p();
        let mut nm = Normal {
            a: DMatrix::zeros(q, q),
            u: DVector::zeros(q),
            b: vec![DVector::zeros(q); self.m],
            dk: vec![0.0; self.m],
            uk: vec![0.0; self.m],
        };
        let mut xk = vec![0.0; q];
        for (g, rows) in self.d.groups.iter().enumerate() {
            for r in 0..rows.n_obs() {
                let x = rows.x_row(r, p);
                let (w, res) = f(rows.y[r], rows.trials[r], dot(x, &full) + off[g]);
                self.fixed.iter().zip(xk.iter_mut()).for_each(|(&j, v)| *v = x[j]);
                for j in 0..q {
                    nm.u[j] += res * xk[j];
                    for l in 0..=j {
                        nm.a[(j, l)] += w * xk[j] * xk[l];
                    }
                }
                if let Some(k) = self.column_of[g] {
                    nm.dk[k] += w;
                    nm.uk[k] += res;
                    xk.iter().enumerate().for_each(|(j, v)| nm.b[k][j] += w * v);
                }
            }
        }
        for j in 0..q {
            for l in 0..j {
                nm.a[(l, j)] = nm.a[(j, l)];
            }
        }
        nm
    }
}

/// `glm(response ~ fixed terms + group, family)` with separated groups and aliased columns dropped.
pub fn glm_group<F: Family>(design: &GroupedDesign) -> Result<GlmGroupResult> {
    check_responses::<F>(design)?;
    let separated: Vec<bool> = design.groups.iter().map(|g| is_separated::<F>(&g.y, &g.trials)).collect();
    let separated_groups: Vec<String> =
        design.group_labels.iter().zip(&separated).filter(|(_, &s)| s).map(|(l, _)| l.clone()).collect();
    let keep: Vec<bool> = separated.iter().map(|s| !s).collect();
    let d = design.with_groups_kept(&keep);
    if d.n_groups() == 0 {
        return Err(Error::NotEstimable(format!(
            "The per-group GLM cannot be fitted: in every {} the outcomes are all on the boundary ({}), so every group's coefficient is infinite.",
            design.group_name,
            if F::FAMILY == "binomial" { "all 0 or all successes" } else { "all 0" }
        )));
    }
    let dropped = dependent_column_indices(&d, ALIAS_TOL);
    let fixed: Vec<usize> = (0..d.p()).filter(|j| !dropped.contains(j)).collect();
    let aliased_levels = aliased_group_levels(&d, &fixed);
    let mut column_of = vec![None; d.n_groups()];
    let mut m = 0;
    for k in 1..d.n_groups() {
        if !aliased_levels[k] {
            column_of[k] = Some(m);
            m += 1;
        }
    }
    let mut aliased: Vec<String> = dropped.iter().map(|&j| d.names[j].clone()).collect();
    aliased.extend((1..d.n_groups()).filter(|&k| aliased_levels[k]).map(|k| d.group_column_name(k)));
    let n_coef = fixed.len() + m;
    if d.n_obs() < n_coef {
        return Err(Error::NotEstimable(format!(
            "The per-group GLM cannot be fitted: {} rows for {n_coef} coefficients.",
            d.n_obs()
        )));
    }
    let red = Reduced { d: &d, fixed, column_of, m };
    let binomial = F::FAMILY == "binomial";
    // First step: weighted least squares on the working response from R's starting means.
    let zero_beta = vec![0.0; red.fixed.len()];
    let zero_gamma = vec![0.0; m];
    let start = red.normal(&zero_beta, &zero_gamma, |y, n, _| {
        let mu = if binomial { (y + 0.5) / (n + 1.0) } else { y + 0.1 };
        let eta = F::link(mu);
        let w = F::working_weight(n, eta);
        (w, w * eta + F::kernel_jet(y, n, eta)[1])
    });
    let (mut beta, mut gamma) = start.solve().ok_or_else(|| not_converged("the starting least-squares step is singular"))?;
    let mut ll = red.loglik::<F>(&beta, &gamma);
    for iteration in 1..=MAX_ITERATIONS {
        let nm = red.normal(&beta, &gamma, |y, n, eta| (F::working_weight(n, eta), F::kernel_jet(y, n, eta)[1]));
        let (db, dg) = nm.solve().ok_or_else(|| not_converged("the information matrix became singular"))?;
        let theta: Vec<f64> = beta.iter().chain(&gamma).copied().collect();
        let step: Vec<f64> = db.iter().chain(&dg).copied().collect();
        let at = |t: f64| -> (Vec<f64>, Vec<f64>) {
            let b = beta.iter().zip(&db).map(|(v, s)| v + t * s).collect();
            let g = gamma.iter().zip(&dg).map(|(v, s)| v + t * s).collect();
            (b, g)
        };
        let mut t = 1.0;
        let mut next = at(t);
        let mut ll_next = red.loglik::<F>(&next.0, &next.1);
        while (ll_next.is_nan() || ll_next < ll - 1e-12 * ll.abs()) && t > 1e-10 {
            t *= 0.5;
            next = at(t);
            ll_next = red.loglik::<F>(&next.0, &next.1);
        }
        let small = step.iter().zip(&theta).all(|(s, v)| (t * s).abs() <= 1e-11 * v.abs().max(1.0));
        (beta, gamma) = next;
        ll = ll_next;
        if small {
            return Ok(result::<F>(&red, design, beta, gamma, ll, iteration, separated_groups, aliased));
        }
    }
    Err(not_converged(&format!("its coefficients were still moving after {MAX_ITERATIONS} steps")))
}

#[allow(clippy::too_many_arguments)]
fn result<F: Family>(
    red: &Reduced,
    design: &GroupedDesign,
    beta: Vec<f64>,
    gamma: Vec<f64>,
    ll: f64,
    iterations: usize,
    separated_groups: Vec<String>,
    aliased: Vec<String>,
) -> GlmGroupResult {
    let d = red.d;
    let (full, off) = red.eta_parts(&beta, &gamma);
    let p = d.p();
    let deviance = d
        .groups
        .iter()
        .enumerate()
        .flat_map(|(g, rows)| (0..rows.n_obs()).map(move |r| (g, rows.x_row(r, p), rows.y[r], rows.trials[r])))
        .map(|(g, x, y, n)| F::deviance_residual(y, n, dot(x, &full) + off[g]))
        .sum();
    let fixed_coef_named: Vec<(String, f64)> = red.fixed.iter().zip(&beta).map(|(&j, b)| (d.names[j].clone(), *b)).collect();
    let group_names = (1..d.n_groups()).filter(|&k| red.column_of[k].is_some()).map(|k| d.group_column_name(k));
    let names: Vec<String> = fixed_coef_named.iter().map(|(n, _)| n.clone()).chain(group_names).collect();
    let coef: Vec<f64> = beta.iter().chain(&gamma).copied().collect();
    let note = note(design, &separated_groups, &aliased, F::FAMILY == "binomial");
    GlmGroupResult {
        family: F::FAMILY.into(),
        link: F::LINK.into(),
        coef_named: names.iter().cloned().zip(coef.iter().copied()).collect(),
        names,
        coef,
        fixed_coef_named,
        n_group_coef: red.m,
        reference_group: d.group_labels.first().cloned().unwrap_or_default(),
        separated_groups,
        aliased,
        deviance,
        loglik: ll,
        df_residual: d.n_obs() - red.fixed.len() - red.m,
        iterations,
        note,
    }
}

/// Lists up to `shown` items, then "and N more".
fn listing(items: &[String], shown: usize) -> String {
    if items.len() <= shown {
        return items.join(", ");
    }
    format!("{} and {} more", items[..shown].join(", "), items.len() - shown)
}

/// One sentence on the separated groups and aliased columns, or None when there are neither.
fn note(design: &GroupedDesign, separated: &[String], aliased: &[String], binomial: bool) -> Option<String> {
    let mut parts = Vec::new();
    if !separated.is_empty() {
        parts.push(format!(
            "{} {} {} left out because {} outcomes are all {}, so {} coefficient would be infinite (the fit shown is the limit the likelihood approaches)",
            if separated.len() == 1 { "group" } else { "groups" },
            listing(separated, 10),
            if separated.len() == 1 { "is" } else { "are" },
            if separated.len() == 1 { "its" } else { "their" },
            if binomial { "0 or all successes" } else { "0" },
            if separated.len() == 1 { "its" } else { "each one's" },
        ));
    }
    if !aliased.is_empty() {
        parts.push(format!(
            "column{} {} {} dropped because {} a linear combination of the columns before {} (for example a covariate constant within each {})",
            if aliased.len() == 1 { "" } else { "s" },
            listing(aliased, 10),
            if aliased.len() == 1 { "is" } else { "are" },
            if aliased.len() == 1 { "it is" } else { "each is" },
            if aliased.len() == 1 { "it" } else { "them" },
            design.group_name,
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let sentence = parts.join("; and ");
    let mut chars = sentence.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    Some(format!("{first}{}.", chars.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::glmm::family::{BinomialLogit, PoissonLog};
    use crate::models::glmm::glm::glm_pooled;
    use crate::models::glmm::kernel::tests::small_design;

    /// Without separation or aliasing, glm_group is the pooled GLM on the design with the group columns
    /// appended (the data layer's `with_group_columns`), solved densely.
    #[test]
    fn equals_the_dense_glm_on_the_appended_columns() {
        for (kind, poisson) in [("binary", false), ("trials", false), ("counts", true)] {
            let d = small_design(kind);
            let (fit, dense) = if poisson {
                (glm_group::<PoissonLog>(&d).unwrap(), glm_pooled::<PoissonLog>(&d.with_group_columns(1)).unwrap())
            } else {
                (glm_group::<BinomialLogit>(&d).unwrap(), glm_pooled::<BinomialLogit>(&d.with_group_columns(1)).unwrap())
            };
            if !fit.separated_groups.is_empty() {
                continue;
            }
            assert_eq!(fit.names, dense.names, "{kind}");
            for (a, b) in fit.coef.iter().zip(&dense.coef) {
                assert!((a - b).abs() < 1e-8, "{kind}: {a} vs {b}");
            }
            assert!((fit.loglik - dense.loglik).abs() < 1e-9 && (fit.deviance - dense.deviance).abs() < 1e-9);
            assert_eq!(fit.n_group_coef, d.n_groups() - 1);
            assert_eq!(fit.note, None);
        }
    }

    #[test]
    fn separated_groups_and_aliased_columns_are_dropped_and_said() {
        let mut d = small_design("binary");
        // group 2 all 0: separated; a column constant within groups after group 1: aliased with the indicators
        d.groups[1].y.iter_mut().for_each(|v| *v = 0.0);
        let p = d.p();
        d.names.push("z".into());
        for (g, rows) in d.groups.iter_mut().enumerate() {
            let value = g as f64 * 0.5;
            rows.x = rows.x.chunks(p).flat_map(|r| r.iter().copied().chain([value])).collect();
        }
        let fit = glm_group::<BinomialLogit>(&d).unwrap();
        assert_eq!(fit.separated_groups, vec![d.group_labels[1].clone()]);
        assert_eq!(fit.reference_group, d.group_labels[0]);
        let last = d.group_column_name(d.n_groups() - 1);
        assert_eq!(fit.aliased, vec![last], "z takes one group column's place: the last one goes");
        assert_eq!(fit.n_group_coef, d.n_groups() - 3);
        let note = fit.note.unwrap();
        assert!(note.starts_with("Group ") && note.contains("infinite") && note.contains("linear combination") && note.ends_with('.'), "{note}");
    }
}
