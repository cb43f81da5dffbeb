//! The GLMM's likelihood as σ_b → ∞: the probit limit.
//!
//! Write b = σz and (α, β) = σ(a, c). Group g's likelihood
//!   L_g = ∫ Π_{i∈g} p(y_i | α + βx_i + b) N(b; 0, σ²) db = ∫ Π_{i∈g} logistic(±σ(η_i + z)) φ(z) dz,  η_i = a + c·x_i
//! (+ for y_i = 1, − for y_i = 0) tends as σ → ∞ (dominated convergence: each factor tends to the indicator
//! that z is on the observation's side of −η_i) to the normal probability that z lies where every
//! observation of the group is on its side,
//!   P_g(a, c) = Φ(min_{y_i=1} η_i) − Φ(max_{y_i=0} η_i)   (0 if negative; a min over no rows is +∞, a max −∞).
//! A group of one row gives the probit term Φ(±η_i), hence the name. So the likelihood tends to Π_g P_g(a, c)
//! along every ray (α, β, σ) = σ(a, c, 1), and its supremum at σ_b = ∞ is
//!   ℓ_∞ = sup_{a,c} Σ_g log P_g(a, c),
//! which is −∞ unless x separates the outcomes of every group whose outcomes are not all equal, in the same
//! direction in every such group. log P_g is concave in (a, c) (log(Φ(u) − Φ(l)) is concave by Prékopa's
//! theorem, u is a minimum and l a maximum of affine functions), and on each half-plane c ≥ 0 and c ≤ 0 the
//! extremes are attained at fixed rows (the smallest or largest x of each outcome), so ℓ_∞ is the best of a
//! smooth concave maximisation on each half-plane and, when no group is mixed, on the line c = 0 between them.

use nalgebra::{DMatrix, DVector};

use crate::models::normal::log_interval;
use crate::models::optimize::{newton_minimize, Derivatives};
use crate::data::Dataset;

/// Per group, the x (standardised) of the rows that set min_{y=1} η and max_{y=0} η on one half-plane:
/// `None` where the group has no row of that outcome.
type Rows = Vec<(Option<f64>, Option<f64>)>;

/// The smallest and largest standardised x among a group's ones and among its zeros.
#[derive(Debug, Clone, Copy, Default)]
struct Extremes {
    ones: Option<(f64, f64)>,
    zeros: Option<(f64, f64)>,
}

impl Extremes {
    fn add(range: &mut Option<(f64, f64)>, x: f64) {
        *range = Some(range.map_or((x, x), |(lo, hi)| (lo.min(x), hi.max(x))));
    }

    /// The rows of min_{y=1} η and max_{y=0} η when c ≥ 0 (`rising`) or c ≤ 0.
    fn rows(&self, rising: bool) -> (Option<f64>, Option<f64>) {
        if rising {
            (self.ones.map(|r| r.0), self.zeros.map(|r| r.1))
        } else {
            (self.ones.map(|r| r.1), self.zeros.map(|r| r.0))
        }
    }
}

/// Each group's extremes of x standardised to mean 0 and SD 1, with the mean and SD used.
fn extremes(data: &Dataset) -> (Vec<Extremes>, f64, f64) {
    let n = data.n_obs() as f64;
    let mean = data.x.iter().sum::<f64>() / n;
    let sd = (data.x.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
    let scale = if sd > 0.0 { sd } else { 1.0 };
    let mut e = vec![Extremes::default(); data.n_groups()];
    for ((&g, &x), &y) in data.group.iter().zip(&data.x).zip(&data.y_bin) {
        let xs = (x - mean) / scale;
        Extremes::add(if y == 1.0 { &mut e[g].ones } else { &mut e[g].zeros }, xs);
    }
    (e, mean, scale)
}

/// −Σ_g log P_g(a, c) with its gradient and Hessian in (a, c), for the rows of one half-plane.
fn negative_log_limit(rows: &Rows, v: &DVector<f64>) -> Derivatives {
    let (a, c) = (v[0], v[1]);
    let mut f = 0.0;
    let mut g = DVector::zeros(2);
    let mut h = DMatrix::zeros(2, 2);
    for &(xu, xl) in rows {
        let u = xu.map_or(f64::INFINITY, |x| a + c * x);
        let l = xl.map_or(f64::NEG_INFINITY, |x| a + c * x);
        let (fv, fu, fl, fuu, ful, fll) = log_interval(u, l);
        f -= fv;
        if !fv.is_finite() {
            continue;
        }
        let (xu, xl) = (xu.unwrap_or(0.0), xl.unwrap_or(0.0));
        g[0] -= fu + fl;
        g[1] -= fu * xu + fl * xl;
        h[(0, 0)] -= fuu + 2.0 * ful + fll;
        h[(0, 1)] -= fuu * xu + ful * (xu + xl) + fll * xl;
        h[(1, 1)] -= fuu * xu * xu + 2.0 * ful * xu * xl + fll * xl * xl;
    }
    h[(1, 0)] = h[(0, 1)];
    (f, g, h)
}

/// max Σ_g log P_g over one half-plane's smooth formula from `start`, or over a alone at c = 0 (`line`):
/// the maximum and its (a, c).
fn maximise(rows: &Rows, start: [f64; 2], line: bool) -> Option<(f64, [f64; 2])> {
    let full = |v: &DVector<f64>| DVector::from_vec(vec![v[0], if line { 0.0 } else { v[1] }]);
    let derivs = |v: &DVector<f64>| {
        let (f, g, h) = negative_log_limit(rows, &full(v));
        if !f.is_finite() {
            return None;
        }
        Some(if line { (f, DVector::from_element(1, g[0]), DMatrix::from_element(1, 1, h[(0, 0)])) } else { (f, g, h) })
    };
    let value = |v: &DVector<f64>| negative_log_limit(rows, &full(v)).0;
    let x0 = if line { DVector::from_element(1, start[0]) } else { DVector::from_vec(start.to_vec()) };
    let min = newton_minimize(value, derivs, x0).ok()?;
    let at = full(&min.x);
    let on_its_half_plane = line || (at[1] >= 0.0) == (start[1] >= 0.0);
    (on_its_half_plane && min.value.is_finite()).then_some((-min.value, [at[0], at[1]]))
}

/// The limit of the log-likelihood as σ_b → ∞ at its best ray.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProbitLimit {
    /// ℓ_∞ = sup_{a,c} Σ_g log P_g(a, c).
    pub loglik: f64,
    /// The best ray on the data's scale: (α, β, σ) = σ·(alpha, beta, 1) (α + βx_i = σ·η_i).
    pub alpha: f64,
    pub beta: f64,
    /// The narrowest window min_g [min_{y=1} η_i − max_{y=0} η_i] over the groups with both outcomes (+∞ if
    /// none): the likelihood along the ray settles to its limit only once σ times this is large (the two
    /// edges of a narrow window overlap until then).
    pub narrowest_window: f64,
}

/// ℓ_∞ and its ray; `None` when ℓ_∞ = −∞ (a group with both outcomes that x does not separate in a direction
/// shared by all such groups) or when no maximum exists (x separates the pooled outcomes, and ℓ_∞ = 0 is
/// approached as c → ±∞).
pub fn probit_limit(data: &Dataset) -> Option<ProbitLimit> {
    let (e, mean, scale) = extremes(data);
    let mixed: Vec<&Extremes> = e.iter().filter(|g| g.ones.is_some() && g.zeros.is_some()).collect();
    // On c > 0 a mixed group needs min x among its ones above max x among its zeros; on c < 0 the reverse.
    let feasible = |rising: bool| {
        mixed.iter().all(|g| match (g.ones, g.zeros) {
            (Some(o), Some(z)) => if rising { o.0 > z.1 } else { o.1 < z.0 },
            _ => true,
        })
    };
    let mut best: Option<(f64, [f64; 2])> = None;
    let mut consider = |v: Option<(f64, [f64; 2])>| {
        if let Some(v) = v {
            if best.is_none_or(|b| v.0 > b.0) {
                best = Some(v);
            }
        }
    };
    for rising in [true, false] {
        if feasible(rising) {
            let rows: Rows = e.iter().map(|g| g.rows(rising)).collect();
            consider(maximise(&rows, [0.0, if rising { 0.5 } else { -0.5 }], false));
        }
    }
    if mixed.is_empty() {
        let rows: Rows = e.iter().map(|g| g.rows(true)).collect();
        consider(maximise(&rows, [0.0, 0.0], true));
    }
    let (loglik, [a, c]) = best?;
    let narrowest_window = mixed
        .iter()
        .map(|g| {
            let (xu, xl) = g.rows(c >= 0.0);
            c * (xu.unwrap_or(0.0) - xl.unwrap_or(0.0))
        })
        .fold(f64::INFINITY, f64::min);
    Some(ProbitLimit { loglik, alpha: a - c * mean / scale, beta: c / scale, narrowest_window })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(x: Vec<f64>, y_bin: Vec<f64>, group: Vec<usize>) -> Dataset {
        Dataset::binary(x, y_bin, group)
    }

    /// Groups of one row: the limit is the probit model's maximised log-likelihood, R's
    /// `glm(y ~ x, binomial("probit"), control = glm.control(epsilon = 1e-15))` for x = 1..8, y = 0 0 1 0 1 1 0 1.
    #[test]
    fn one_row_per_group_is_the_probit_model() {
        let x: Vec<f64> = (1..=8).map(f64::from).collect();
        let y = vec![0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0];
        let d = data(x, y, (0..8).collect());
        let Some(p) = probit_limit(&d) else { panic!("the probit model has a maximum") };
        assert!((p.loglik - PROBIT_LOGLIK).abs() < 1e-11, "{p:?}");
        // The best ray is the probit model's coefficients: α/σ + (β/σ)x is the probit linear predictor.
        assert!((p.alpha - PROBIT_COEF[0]).abs() < 1e-8 && (p.beta - PROBIT_COEF[1]).abs() < 1e-8, "{p:?}");
        assert_eq!(p.narrowest_window, f64::INFINITY);
    }

    const PROBIT_LOGLIK: f64 = -4.724_982_253_804_74;
    const PROBIT_COEF: [f64; 2] = [-1.226_930_028_726_676, 0.269_505_259_265_145];

    #[test]
    fn a_mixed_group_that_x_does_not_separate_has_no_limit() {
        let d = data(vec![0.0, 1.0, 2.0, 3.0, 0.5, 1.5], vec![1.0, 0.0, 1.0, 0.0, 1.0, 1.0], vec![0, 0, 0, 0, 1, 1]);
        assert!(probit_limit(&d).is_none());
    }

    /// Two groups each all 1 or all 0 with no x effect: at c = 0 the limit is Φ(a)·(1 − Φ(a)), best at a = 0:
    /// ℓ_∞ = 2 log ½ when x cannot do better (x the same in both groups).
    #[test]
    fn separated_groups_with_no_x_effect_give_one_half_each() {
        let d = data(vec![1.0, 2.0, 1.0, 2.0], vec![1.0, 1.0, 0.0, 0.0], vec![0, 0, 1, 1]);
        let l = probit_limit(&d).map_or(f64::NAN, |p| p.loglik);
        assert!((l - 2.0 * 0.5f64.ln()).abs() < 1e-9, "{l}");
    }
}
