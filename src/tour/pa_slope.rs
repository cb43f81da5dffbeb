//! The population-averaged slope of glmer's fit, exact and approximated.
//!
//! glmer's β is *conditional*: the change in log-odds for a group with a given intercept b. Averaging the
//! group curves over b ~ N(0, σ_b²) gives the population-averaged curve
//!     p̄(x) = ∫ logistic(α + βx + b) N(b; 0, σ_b²) db
//! ([`crate::surfaces::fitted_curves::population_average`]), which is flatter. Its log-odds are not a
//! straight line in x, so "its slope" needs a place: we take it where p̄ crosses 1/2, x₀ = −α/β (the
//! curve is symmetric about that point, and that is where the logistic approximation below is centred):
//!     β_PA = d/dx logit p̄(x) at x₀ = 4β · E[logistic′(σ_b t)], t ~ N(0, 1).
//! The usual approximation (logistic ≈ probit with scale c, c = 16√3/(15π)) is
//!     β_marg ≈ β / √(1 + c²σ_b²).

use crate::report::GlmmFit;
use crate::surfaces::fitted_curves::population_average;

/// c = 16√3/(15π) ≈ 0.588: the logistic-to-normal scale in β/√(1 + c²σ_b²); c² ≈ 0.346.
pub fn attenuation_c() -> f64 {
    16.0 * 3f64.sqrt() / (15.0 * std::f64::consts::PI)
}

/// β/√(1 + c²σ_b²), the approximate population-averaged slope.
pub fn approximate_pa_slope(beta: f64, sigma_b: f64) -> f64 {
    let c = attenuation_c();
    beta / (1.0 + c * c * sigma_b * sigma_b).sqrt()
}

/// The exact population-averaged slope β_PA defined above, by a central difference of logit p̄ around
/// x₀ (a step of 10⁻³ on the linear-predictor scale; logit p̄ is odd about x₀, so the error is ~10⁻⁷
/// relative). `None` when the fit has no finite α, β, σ_b.
pub fn exact_pa_slope(fit: &GlmmFit) -> Option<f64> {
    let (alpha, beta) = (*fit.fixef.first()?, *fit.fixef.get(1)?);
    if !alpha.is_finite() || !beta.is_finite() || !fit.sigma_b.is_finite() {
        return None;
    }
    if beta == 0.0 {
        return Some(0.0);
    }
    let x0 = -alpha / beta;
    let dx = 1e-3 / beta.abs();
    let p = population_average(&[x0 - dx, x0 + dx], fit)?;
    let logit = |q: f64| (q / (1.0 - q)).ln();
    let slope = (logit(p[1]) - logit(p[0])) / (2.0 * dx);
    slope.is_finite().then_some(slope)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(alpha: f64, beta: f64, sigma_b: f64) -> GlmmFit {
        GlmmFit {
            fixef: vec![alpha, beta],
            sigma_b,
            ranef: vec![],
            ranef_sum: 0.0,
            cond_means: vec![],
            cond_means_sum: 0.0,
            loglik: 0.0,
            deviance: 0.0,
            nagq: 1,
            singular: sigma_b == 0.0,
            rel_gradient: 0.0,
            iterations: 0,
            exact_loglik: None,
            exact_loglik_gap: None,
            note: None,
        }
    }

    /// 4β·E[logistic′(σt)] by a brute-force Riemann sum (independent of the quadrature).
    fn riemann_pa_slope(beta: f64, sigma: f64) -> f64 {
        let (h, mut t, mut e) = (1e-4, -12.0f64, 0.0);
        while t <= 12.0 {
            let phi = (-0.5 * t * t).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let l = 1.0 / (1.0 + (-sigma * t).exp());
            e += h * phi * l * (1.0 - l);
            t += h;
        }
        4.0 * beta * e
    }

    #[test]
    fn exact_slope_matches_the_integral_and_the_approximation_is_close() {
        for &(a, b, s) in &[(0.3, 0.8, 1.0), (-1.0, 2.0, 2.5), (0.0, -0.5, 0.4)] {
            let exact = exact_pa_slope(&fit(a, b, s)).unwrap();
            let brute = riemann_pa_slope(b, s);
            // population_average integrates with a fixed Gauss–Hermite rule: good to ~2e-5 relative here.
            assert!((exact - brute).abs() < 1e-4 * b.abs(), "{exact} vs {brute}");
            // Attenuated: smaller in size than β, same sign.
            assert!(exact.abs() < b.abs() && exact * b > 0.0);
            // The probit approximation is within 10% for these σ_b (4.3% high at σ_b = 1, 7.3% at σ_b = 2.5).
            let approx = approximate_pa_slope(b, s);
            assert!(((approx - exact) / exact).abs() < 0.10, "{approx} vs {exact}");
        }
    }

    #[test]
    fn no_attenuation_without_group_variation() {
        let exact = exact_pa_slope(&fit(0.2, 1.3, 0.0)).unwrap();
        assert!((exact - 1.3).abs() < 1e-6);
        assert_eq!(approximate_pa_slope(1.3, 0.0), 1.3);
        assert!((attenuation_c().powi(2) - 0.346).abs() < 1e-3);
        assert!(exact_pa_slope(&fit(f64::NAN, 1.0, 1.0)).is_none());
    }
}
