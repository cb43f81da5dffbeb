//! The GLM without random effects, `glm(response ~ fixed terms, family)`, by iteratively reweighted least
//! squares (Fisher scoring), on the grouped design.
//!
//! With score U(β) = Σ_i ℓ'_i(x_i'β) x_i and expected information I(β) = Σ_i W_i x_i x_i' (W the family's
//! working weight), each step is β ← β + I(β)⁻¹U(β) (halved while the deviance does not decrease), from
//! R's starting means (binomial: (y + ½)/(n + 1); Poisson: y + 0.1), until every |Δβ_j| is below
//! 1e−11·max(1, |β_j|). Deviance = Σ_i d_i, logLik = Σ_i log p(y_i | η_i) with every constant.

use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

use super::family::Family;
use crate::data::full_rank::{self, COLLINEAR_TOL};
use crate::data::grouped_design::GroupedDesign;
use crate::error::{Error, Result};

/// A fitted GLM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlmResult {
    pub family: String,
    pub link: String,
    pub names: Vec<String>,
    pub coef: Vec<f64>,
    pub coef_named: crate::report::Named,
    pub deviance: f64,
    pub loglik: f64,
    pub iterations: usize,
}

const MAX_ITERATIONS: usize = 100;

/// Every row of the design (x_i, y_i, n_i), group by group.
fn rows(d: &GroupedDesign) -> impl Iterator<Item = (&[f64], f64, f64)> {
    let p = d.p();
    d.groups.iter().flat_map(move |g| (0..g.n_obs()).map(move |r| (g.x_row(r, p), g.y[r], g.trials[r])))
}

/// Σ log p(y_i | x_i'β) with every constant, or −∞ where it cannot be evaluated.
fn loglik<F: Family>(d: &GroupedDesign, beta: &[f64]) -> f64 {
    rows(d).map(|(x, y, n)| F::log_density(y, n, dot(x, beta))).sum()
}

pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The design's fixed-effect columns (rows group by group), as the data layer's rank check reads them.
pub fn design_columns(d: &GroupedDesign) -> Vec<Vec<f64>> {
    (0..d.p()).map(|j| rows(d).map(|(x, _, _)| x[j]).collect()).collect()
}

/// The names of the fixed-effect columns that are linear combinations of the columns before them
/// (`data::full_rank`, R's `qr()` tolerance), empty for a full-rank design.
pub fn dependent_columns(d: &GroupedDesign) -> Vec<String> {
    dependent_column_indices(d, COLLINEAR_TOL).into_iter().map(|j| d.names[j].clone()).collect()
}

/// The indices of the fixed-effect columns R's `qr(X, tol)` drops (`data::full_rank::dependent_columns`).
pub fn dependent_column_indices(d: &GroupedDesign, tol: f64) -> Vec<usize> {
    full_rank::dependent_columns(&design_columns(d), tol)
}

/// Checks every response against the family (one sentence naming the first bad row).
pub fn check_responses<F: Family>(d: &GroupedDesign) -> Result<()> {
    for g in &d.groups {
        for r in 0..g.n_obs() {
            if let Err(why) = F::check_response(g.y[r], g.trials[r]) {
                let trials = if g.trials[r] == 1.0 { String::new() } else { format!(" out of {} trials", g.trials[r]) };
                return Err(Error::NotEstimable(format!(
                    "Row {} of the data cannot be a {} response ({}): it has {} = {}{trials}.",
                    g.rows[r] + 1,
                    F::FAMILY,
                    why,
                    d.response,
                    g.y[r]
                )));
            }
        }
    }
    Ok(())
}

/// Checks the fixed-effect columns have full rank: the data layer's check and its sentence
/// (`data::full_rank::check_full_rank`), which the model frame already ran on data read from a formula.
pub fn check_full_rank(d: &GroupedDesign) -> Result<()> {
    full_rank::check_full_rank(&d.names, &design_columns(d))
}

/// `glm(response ~ fixed terms, family)` on the design's rows (groups ignored).
pub fn glm_pooled<F: Family>(d: &GroupedDesign) -> Result<GlmResult> {
    check_responses::<F>(d)?;
    check_full_rank(d)?;
    let p = d.p();
    let binomial = F::FAMILY == "binomial";
    // First step: weighted least squares on the working response from R's starting means.
    let mut info = DMatrix::<f64>::zeros(p, p);
    let mut rhs = DVector::<f64>::zeros(p);
    for (x, y, n) in rows(d) {
        let mu = if binomial { (y + 0.5) / (n + 1.0) } else { y + 0.1 };
        let eta = F::link(mu);
        let w = F::working_weight(n, eta);
        let score = F::kernel_jet(y, n, eta)[1];
        accumulate(&mut info, &mut rhs, x, w, w * eta + score);
    }
    let mut beta: Vec<f64> = solve(info, rhs).ok_or_else(|| not_converged("the starting least-squares step is singular"))?;
    let mut ll = loglik::<F>(d, &beta);
    for iteration in 1..=MAX_ITERATIONS {
        let mut info = DMatrix::<f64>::zeros(p, p);
        let mut score = DVector::<f64>::zeros(p);
        for (x, y, n) in rows(d) {
            let eta = dot(x, &beta);
            accumulate(&mut info, &mut score, x, F::working_weight(n, eta), F::kernel_jet(y, n, eta)[1]);
        }
        let step = solve(info, score).ok_or_else(|| not_converged("the information matrix became singular"))?;
        let mut t = 1.0;
        let mut next: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
        let mut ll_next = loglik::<F>(d, &next);
        while (ll_next.is_nan() || ll_next < ll - 1e-12 * ll.abs()) && t > 1e-10 {
            t *= 0.5;
            next = beta.iter().zip(&step).map(|(b, s)| b + t * s).collect();
            ll_next = loglik::<F>(d, &next);
        }
        let small = step.iter().zip(&beta).all(|(s, b)| (t * s).abs() <= 1e-11 * b.abs().max(1.0));
        beta = next;
        ll = ll_next;
        if small {
            return Ok(result::<F>(d, beta, ll, iteration));
        }
    }
    Err(not_converged(&format!(
        "its coefficients were still moving after {MAX_ITERATIONS} steps (a coefficient that diverges: the outcomes may be separated)"
    )))
}

pub(super) fn not_converged(reason: &str) -> Error {
    Error::NoConvergence { model: "glm", reason: reason.to_string() }
}

/// info += w·xx', rhs += r·x.
fn accumulate(info: &mut DMatrix<f64>, rhs: &mut DVector<f64>, x: &[f64], w: f64, r: f64) {
    let p = x.len();
    for j in 0..p {
        rhs[j] += r * x[j];
        let wx = w * x[j];
        for k in 0..=j {
            info[(j, k)] += wx * x[k];
        }
    }
}

/// Solves the symmetric system whose lower triangle is filled.
fn solve(mut info: DMatrix<f64>, rhs: DVector<f64>) -> Option<Vec<f64>> {
    let p = rhs.len();
    for j in 0..p {
        for k in 0..j {
            info[(k, j)] = info[(j, k)];
        }
    }
    let sol = info.cholesky()?.solve(&rhs);
    sol.iter().all(|v| v.is_finite()).then(|| sol.iter().copied().collect())
}

fn result<F: Family>(d: &GroupedDesign, beta: Vec<f64>, ll: f64, iterations: usize) -> GlmResult {
    let deviance = rows(d).map(|(x, y, n)| F::deviance_residual(y, n, dot(x, &beta))).sum();
    GlmResult {
        family: F::FAMILY.into(),
        link: F::LINK.into(),
        names: d.names.clone(),
        coef_named: crate::report::Named::new(&d.names, &beta),
        coef: beta,
        deviance,
        loglik: ll,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::glmm::family::{BinomialLogit, PoissonLog};
    use crate::models::glmm::kernel::tests::small_design;

    #[test]
    fn the_score_vanishes_at_the_glm_and_the_deviance_is_consistent() {
        for kind in ["binary", "trials"] {
            let d = small_design(kind);
            let fit = glm_pooled::<BinomialLogit>(&d).unwrap();
            let mut u = [0.0; 2];
            for (x, y, n) in rows(&d) {
                let s = BinomialLogit::kernel_jet(y, n, dot(x, &fit.coef))[1];
                u[0] += s * x[0];
                u[1] += s * x[1];
            }
            assert!(u.iter().all(|v| v.abs() < 1e-10), "{kind}: score {u:?}");
            let sat: f64 = rows(&d).map(|(_, y, n)| BinomialLogit::saturated_log_density(y, n)).sum();
            assert!((fit.deviance - 2.0 * (sat - fit.loglik)).abs() < 1e-10);
        }
        let d = small_design("counts");
        let fit = glm_pooled::<PoissonLog>(&d).unwrap();
        // Poisson with an intercept: Σ μ_i = Σ y_i at the MLE
        let sum_mu: f64 = rows(&d).map(|(x, _, _)| dot(x, &fit.coef).exp()).sum();
        let sum_y: f64 = rows(&d).map(|(_, y, _)| y).sum();
        assert!((sum_mu - sum_y).abs() < 1e-9);
    }

    #[test]
    fn bad_responses_and_dependent_columns_are_sentences() {
        let mut d = small_design("counts");
        assert!(check_responses::<BinomialLogit>(&d).is_err());
        d.groups[0].y[0] = 0.5;
        let e = check_responses::<PoissonLog>(&d).unwrap_err().to_string();
        assert!(e.starts_with("Row 1 ") && e.ends_with('.'), "{e}");
        let mut d = small_design("binary");
        d.names.push("x2".into());
        for g in &mut d.groups {
            let rows: Vec<f64> = g.x.chunks(2).flat_map(|r| [r[0], r[1], 2.0 * r[1] - r[0]]).collect();
            g.x = rows;
        }
        assert_eq!(dependent_columns(&d), vec!["x2".to_string()]);
        assert!(check_full_rank(&d).unwrap_err().to_string().contains("x2 is a linear combination"));
    }
}
