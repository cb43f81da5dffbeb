//! Minimisation by Newton's method with exact derivatives, stopping on a relative gradient.
//!
//! Step: solve (H + λI) p = −g, with λ = 0 when H is positive definite and raised until the Cholesky
//! factorisation succeeds otherwise (Levenberg); backtracking line search with the Armijo condition.
//! Stop when the relative gradient max_i |g_i|·max(|x_i|, 1) / max(|f|, 1) < [`REL_GRADIENT_TOL`].

use nalgebra::{DMatrix, DVector};

/// Stopping tolerance on the relative gradient (tighter than lme4's defaults by orders of magnitude).
pub const REL_GRADIENT_TOL: f64 = 1e-10;
/// When rounding stops the line search, a point is still accepted at this relative gradient.
pub const REL_GRADIENT_ACCEPT: f64 = 1e-8;
const MAX_ITERATIONS: usize = 500;
/// How many saddle points the minimiser may step off before it reports where it is.
const MAX_ESCAPES: usize = 5;
/// Largest step, relative to max(|x_i|, 1), in any coordinate.
const MAX_RELATIVE_STEP: f64 = 2.0;
/// Relative size of a predicted decrease that f64 rounding of the objective can no longer confirm.
const ROUNDING_DECREASE: f64 = 1e-12;

/// Value, gradient and Hessian of an objective at a point.
pub type Derivatives = (f64, DVector<f64>, DMatrix<f64>);

/// Where the minimiser stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    pub x: DVector<f64>,
    pub value: f64,
    pub gradient: DVector<f64>,
    pub hessian: DMatrix<f64>,
    pub rel_gradient: f64,
    pub iterations: usize,
}

/// max_i |g_i|·max(|x_i|, 1) / max(|f|, 1): the gradient relative to the scale of x and f.
pub fn relative_gradient(x: &DVector<f64>, f: f64, g: &DVector<f64>) -> f64 {
    let top = x.iter().zip(g.iter()).map(|(xi, gi)| gi.abs() * xi.abs().max(1.0)).fold(0.0, f64::max);
    top / f.abs().max(1.0)
}

/// Newton direction from (H + λI) p = −g, raising λ until H + λI is positive definite.
fn newton_direction(g: &DVector<f64>, h: &DMatrix<f64>, lambda_floor: f64) -> Option<DVector<f64>> {
    let n = g.len();
    let scale = h.diagonal().iter().fold(0.0f64, |m, d| m.max(d.abs())).max(1e-8);
    let mut lambda = lambda_floor;
    for _ in 0..60 {
        let shifted = h + DMatrix::identity(n, n) * lambda;
        if let Some(chol) = shifted.cholesky() {
            let p = chol.solve(&(-g));
            if p.iter().all(|v| v.is_finite()) {
                return Some(p);
            }
        }
        lambda = if lambda == 0.0 { 1e-10 * scale } else { lambda * 10.0 };
    }
    None
}

/// Leaving a stationary point whose Hessian has a negative eigenvalue: the first step along ± its
/// eigenvector, of relative length 1e-4 up to 1, that lowers f.
fn escape_negative_curvature(value: &impl Fn(&DVector<f64>) -> f64, x: &DVector<f64>, f: f64, h: &DMatrix<f64>) -> Option<DVector<f64>> {
    let eig = h.clone().symmetric_eigen();
    let (k, lowest) = eig.eigenvalues.iter().enumerate().fold((0, f64::INFINITY), |m, (i, &v)| if v < m.1 { (i, v) } else { m });
    let scale = h.diagonal().iter().fold(0.0f64, |m, d| m.max(d.abs())).max(1e-300);
    // `scale` is never NaN (f64::max drops NaN), so this is !(lowest < −1e-10·scale), NaN included.
    if lowest.is_nan() || lowest >= -1e-10 * scale {
        return None;
    }
    let dir = eig.eigenvectors.column(k).into_owned();
    let size = x.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1.0);
    for step in [1e-4, 1e-3, 1e-2, 1e-1, 1.0] {
        for sign in [1.0, -1.0] {
            let trial = x + &dir * (sign * step * size);
            if value(&trial) < f {
                return Some(trial);
            }
        }
    }
    None
}

/// Minimise `value` starting from `x0`, with `derivs` giving the exact value, gradient and Hessian.
///
/// `value` may return a non-finite number where the objective cannot be evaluated; the line search
/// then shortens the step. Errors are one-line reasons.
pub fn newton_minimize(
    value: impl Fn(&DVector<f64>) -> f64,
    derivs: impl Fn(&DVector<f64>) -> Option<Derivatives>,
    x0: DVector<f64>,
) -> Result<Minimum, String> {
    match newton_minimize_within(value, derivs, x0, |_| true)? {
        Search::Minimum(m) => Ok(m),
        Search::Left { .. } => Err("the search left the region it was given".into()),
    }
}

/// Where a search confined to a region ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Search {
    /// A minimum inside the region.
    Minimum(Minimum),
    /// The first accepted step outside the region, with the objective there: the search was heading out.
    Left { x: DVector<f64>, value: f64 },
}

/// [`newton_minimize`], stopped as soon as an accepted step lands where `inside` is false.
pub fn newton_minimize_within(
    value: impl Fn(&DVector<f64>) -> f64,
    derivs: impl Fn(&DVector<f64>) -> Option<Derivatives>,
    x0: DVector<f64>,
    inside: impl Fn(&DVector<f64>) -> bool,
) -> Result<Search, String> {
    let mut x = x0;
    let (mut f, mut g, mut h) =
        derivs(&x).ok_or_else(|| "the objective cannot be evaluated at the starting point".to_string())?;
    if !f.is_finite() {
        return Err("the objective is not finite at the starting point".into());
    }
    let mut lambda_floor = 0.0;
    let mut escapes = 0;
    for iteration in 0..MAX_ITERATIONS {
        let rel = relative_gradient(&x, f, &g);
        if rel < REL_GRADIENT_TOL {
            // A stationary point with negative curvature is a saddle or a maximum (θ = 0 is always stationary
            // for an even objective in θ): step off it along that curvature and go on.
            match escape_negative_curvature(&value, &x, f, &h) {
                Some(next) if escapes < MAX_ESCAPES => {
                    escapes += 1;
                    let (ft, gt, ht) = derivs(&next)
                        .ok_or_else(|| "the objective could not be differentiated during the search".to_string())?;
                    x = next;
                    f = ft;
                    g = gt;
                    h = ht;
                    continue;
                }
                _ => return Ok(Search::Minimum(Minimum { x, value: f, gradient: g, hessian: h, rel_gradient: rel, iterations: iteration })),
            }
        }
        let p = newton_direction(&g, &h, lambda_floor)
            .ok_or_else(|| "no descent direction could be found".to_string())?;
        // A Newton step from far away can overshoot wildly; cap it relative to the scale of x.
        let reach = p.iter().zip(x.iter()).map(|(pi, xi)| pi.abs() / xi.abs().max(1.0)).fold(0.0, f64::max);
        let p = if reach > MAX_RELATIVE_STEP { p * (MAX_RELATIVE_STEP / reach) } else { p };
        let slope = g.dot(&p);
        let mut t = 1.0;
        let mut accepted = None;
        // Once the predicted decrease is below the rounding of f, f cannot judge the step: take it whole.
        if -slope < ROUNDING_DECREASE * f.abs().max(1.0) && p.iter().all(|v| v.is_finite()) {
            accepted = Some(&x + &p);
        }
        while accepted.is_none() && t > 1e-14 {
            let trial = &x + &p * t;
            let ft = value(&trial);
            if ft.is_finite() && ft <= f + 1e-4 * t * slope {
                accepted = Some(trial);
                break;
            }
            t *= 0.5;
        }
        match accepted {
            Some(trial) if trial == x => {
                return if rel < REL_GRADIENT_ACCEPT {
                    Ok(Search::Minimum(Minimum { x, value: f, gradient: g, hessian: h, rel_gradient: rel, iterations: iteration }))
                } else {
                    Err(format!("the search stopped moving at relative gradient {rel:.1e}"))
                };
            }
            Some(trial) if !inside(&trial) => {
                let value_there = value(&trial);
                return Ok(Search::Left { x: trial, value: value_there });
            }
            Some(trial) => {
                let (ft, gt, ht) = derivs(&trial)
                    .ok_or_else(|| "the objective could not be differentiated during the search".to_string())?;
                x = trial;
                f = ft;
                g = gt;
                h = ht;
                lambda_floor = 0.0;
            }
            None if rel < REL_GRADIENT_ACCEPT => {
                return Ok(Search::Minimum(Minimum { x, value: f, gradient: g, hessian: h, rel_gradient: rel, iterations: iteration }));
            }
            None => {
                // Fall back towards steepest descent before giving up.
                let scale = h.diagonal().iter().fold(0.0f64, |m, d| m.max(d.abs())).max(1.0);
                if lambda_floor > 1e12 * scale {
                    return Err(format!("the line search stalled at relative gradient {rel:.1e}"));
                }
                lambda_floor = if lambda_floor == 0.0 { scale } else { lambda_floor * 100.0 };
            }
        }
    }
    Err(format!("no convergence in {MAX_ITERATIONS} Newton iterations"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rosenbrock's banana: minimum 0 at (1, 1), a hard valley for Newton with line search.
    fn rosenbrock(x: &DVector<f64>) -> Option<Derivatives> {
        let (a, b) = (x[0], x[1]);
        let f = (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2);
        let g = DVector::from_vec(vec![-2.0 * (1.0 - a) - 400.0 * a * (b - a * a), 200.0 * (b - a * a)]);
        let h = DMatrix::from_row_slice(2, 2, &[2.0 - 400.0 * (b - 3.0 * a * a), -400.0 * a, -400.0 * a, 200.0]);
        Some((f, g, h))
    }

    #[test]
    fn finds_the_rosenbrock_minimum_tightly() {
        let m = newton_minimize(|x| rosenbrock(x).map_or(f64::NAN, |d| d.0), rosenbrock, DVector::from_vec(vec![-1.2, 1.0]))
            .expect("converges");
        assert!((m.x[0] - 1.0).abs() < 1e-9 && (m.x[1] - 1.0).abs() < 1e-9, "{:?}", m.x);
        assert!(m.rel_gradient < REL_GRADIENT_TOL);
    }

    #[test]
    fn handles_indefinite_hessian_at_start() {
        // f = x⁴ − x² has a local max at 0; start near it and still reach a minimum at ±1/√2.
        let d = |x: &DVector<f64>| {
            let v = x[0];
            Some((v.powi(4) - v * v, DVector::from_vec(vec![4.0 * v.powi(3) - 2.0 * v]), DMatrix::from_element(1, 1, 12.0 * v * v - 2.0)))
        };
        let m = newton_minimize(|x| d(x).map_or(f64::NAN, |t| t.0), d, DVector::from_vec(vec![0.01])).expect("converges");
        assert!((m.x[0].abs() - 0.5f64.sqrt()).abs() < 1e-10);
    }

    #[test]
    fn reports_a_sentence_when_the_objective_is_not_finite() {
        let d = |_: &DVector<f64>| Some((f64::NAN, DVector::zeros(1), DMatrix::zeros(1, 1)));
        let e = newton_minimize(|_| f64::NAN, d, DVector::zeros(1)).unwrap_err();
        assert!(e.contains("not finite"));
    }
}
