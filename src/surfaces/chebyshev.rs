//! Barycentric interpolation at Chebyshev points, for evaluating sums over many observations on a
//! fine grid from a few exact evaluations.
//!
//! With nodes t_j = cos(jπ/N) mapped to [a, b] and weights w_j = (−1)^j (halved at both ends), the
//! interpolant is p(x) = Σ_j w_j f_j/(x − t_j) / Σ_j w_j/(x − t_j). For a function analytic in the
//! ellipse with foci a, b and parameter ρ the error decays like ρ^(−N): the log-likelihood sums
//! here have their nearest complex singularities π (logistic) away, far outside short windows.

/// Nodes per interpolant.
pub(crate) const NODES: usize = 41;

/// Barycentric interpolation at Chebyshev points of the second kind on [a, b].
pub(crate) struct Chebyshev {
    a: f64,
    b: f64,
    nodes: Vec<f64>,
    values: Vec<f64>,
}

impl Chebyshev {
    pub(crate) fn new(a: f64, b: f64, n: usize, f: impl Fn(f64) -> f64) -> Chebyshev {
        let nodes: Vec<f64> = (0..n)
            .map(|j| {
                let t = (std::f64::consts::PI * j as f64 / (n - 1) as f64).cos();
                0.5 * (a + b) + 0.5 * (b - a) * t
            })
            .collect();
        let values = nodes.iter().map(|&x| f(x)).collect();
        Chebyshev { a, b, nodes, values }
    }

    /// The Chebyshev points of [`Chebyshev::new`] on [a, b], for values computed elsewhere.
    pub(crate) fn points(a: f64, b: f64, n: usize) -> Vec<f64> {
        Chebyshev::new(a, b, n, |_| 0.0).nodes
    }

    /// The interpolant of `values` taken at [`Chebyshev::points`]`(a, b, values.len())`.
    pub(crate) fn from_values(a: f64, b: f64, values: Vec<f64>) -> Chebyshev {
        let nodes = Chebyshev::points(a, b, values.len());
        Chebyshev { a, b, nodes, values }
    }

    pub(crate) fn eval(&self, x: f64) -> f64 {
        let n = self.nodes.len();
        let (mut num, mut den) = (0.0, 0.0);
        for j in 0..n {
            let d = x - self.nodes[j];
            if d.abs() <= 1e-15 * (self.b - self.a).abs().max(1e-300) {
                return self.values[j];
            }
            let mut w = if j % 2 == 0 { 1.0 } else { -1.0 };
            if j == 0 || j == n - 1 {
                w *= 0.5;
            }
            let t = w / d;
            num += t * self.values[j];
            den += t;
        }
        num / den
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chebyshev_interpolation_is_exact_for_smooth_functions() {
        let f = |t: f64| (1.0 + (0.3 * t).exp()).ln() * 100.0 - 4.0 * t * t;
        let c = Chebyshev::new(-0.2, 0.5, NODES, f);
        for k in 0..50 {
            let t = -0.2 + 0.7 * k as f64 / 49.0;
            assert!((c.eval(t) - f(t)).abs() < 1e-11, "t={t}");
        }
    }
}
