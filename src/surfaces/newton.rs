//! Safeguarded 1-D Newton ascent for the smooth concave functions of this layer.
//!
//! Every function maximised here (one group's joint log-density f_g(z), the joint density along the
//! line z_a = −z_b, the pieces of the (u, v) decomposition) is strictly concave or nearly so, so a
//! Newton step s = −f′/f″ with step halving (accept only if f does not decrease) converges
//! quadratically from any reasonable start.

/// Value, first and second derivative of a function of one variable.
pub(crate) type Derivs = (f64, f64, f64);

/// Maximise `f` (returning value, gradient, Hessian) from `start`.
///
/// Returns `(argmax, max)` or `None` when the function is not concave where we are (f″ ≥ 0), the
/// iterates leave `bounds`, or 200 iterations do not converge (e.g. a monotone curve under
/// complete separation).
pub(crate) fn maximise(mut f: impl FnMut(f64) -> Derivs, start: f64, bounds: (f64, f64)) -> Option<(f64, f64)> {
    let mut z = start;
    let (mut v, mut g, mut h) = f(z);
    if !v.is_finite() {
        return None;
    }
    for _ in 0..200 {
        if h.is_nan() || h >= 0.0 || !g.is_finite() {
            return None;
        }
        let step = -g / h;
        if step.abs() <= 1e-12 * (1.0 + z.abs()) {
            return Some((z, v));
        }
        let mut t = 1.0;
        let mut accepted = false;
        for _ in 0..60 {
            let cand = z + t * step;
            let (cv, cg, ch) = f(cand);
            if cv.is_finite() && cv >= v - 1e-12 * (1.0 + v.abs()) {
                z = cand;
                (v, g, h) = (cv, cg, ch);
                accepted = true;
                break;
            }
            t *= 0.5;
        }
        if !accepted || z < bounds.0 || z > bounds.1 {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_maximum_of_a_skewed_concave_function() {
        // f(z) = 3z − e^z has its maximum at z = ln 3.
        let f = |z: f64| (3.0 * z - z.exp(), 3.0 - z.exp(), -z.exp());
        let (z, v) = maximise(f, 0.0, (-10.0, 10.0)).unwrap();
        assert!((z - 3f64.ln()).abs() < 1e-12);
        assert!((v - (3.0 * 3f64.ln() - 3.0)).abs() < 1e-12);
    }

    #[test]
    fn gives_up_on_a_monotone_function() {
        let f = |z: f64| (-(-z).exp(), (-z).exp(), -(-z).exp());
        assert!(maximise(f, 0.0, (-50.0, 50.0)).is_none());
    }
}
