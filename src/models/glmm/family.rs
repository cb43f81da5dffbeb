//! Families and links of the general random-intercept GLMM, one type per (family, link), per row.
//!
//! Row i has a response y (successes for binomial, a count for Poisson), trials n (1 unless binomial with
//! `cbind(...)`) and linear predictor η. Its log density splits into a part that depends on η, the
//! *kernel* ℓ(η), and a *normaliser* that does not:
//!   binomial: log p(y | η, n) = [y log μ + (n − y) log(1 − μ)] + log C(n, y),   μ = g⁻¹(η) ∈ (0, 1)
//!   Poisson:  log p(y | η)    = [y η − e^η]                    − log y!,         μ = e^η
//! The saturated model puts μ = y/n (binomial) or μ = y (Poisson) in every row; its log density summed over
//! rows is the saturated constant C = Σ_i log p(y_i | μ_i = y_i), and the deviance residual is
//! d_i = 2[log p(y_i | μ_i = y_i) − log p(y_i | η_i)] ≥ 0 (the normaliser cancels in it).
//!
//! lme4's PIRLS weights are the *expected* information of η, W = n (dμ/dη)² / V(μ) with V(μ) = μ(1 − μ)
//! (binomial, per trial) or μ (Poisson); for a canonical link (logit, log) W = −ℓ''(η), the observed
//! information. Each impl gives the kernel with its first three η-derivatives and W with two, in closed
//! form and stable in the tails (log1pexp for the logit, erfcx for the probit, exp(−e^η) for the cloglog).

use crate::models::family::{log1pexp, logistic, Log1pSum};

/// One (family, link): every per-row function the engine needs. Compiled per impl (generics): no dynamic
/// dispatch in a loop over rows.
pub trait Family: Copy + Default + std::fmt::Debug + Send + Sync + 'static {
    /// R's family name (`binomial`, `poisson`).
    const FAMILY: &'static str;
    /// R's link name (`logit`, `probit`, `cloglog`, `log`).
    const LINK: &'static str;

    /// Whether (y, n) is a possible response of this family; the reason in a few words when not.
    fn check_response(y: f64, n: f64) -> std::result::Result<(), &'static str>;
    /// The part of log p(y | η, n) that does not depend on η (log C(n, y), or −log y!).
    fn log_normaliser(y: f64, n: f64) -> f64;
    /// The kernel ℓ(η) = log p(y | η, n) − normaliser.
    fn log_kernel(y: f64, n: f64, eta: f64) -> f64;
    /// The kernel at the saturated mean μ = y/n (binomial) or y (Poisson), 0·log 0 = 0.
    fn saturated_kernel(y: f64, n: f64) -> f64;
    /// μ(η): the probability per trial (binomial) or the mean count (Poisson).
    fn mean(eta: f64) -> f64;
    /// The link η = g(μ) (for the GLM's starting values).
    fn link(mu: f64) -> f64;
    /// dμ/dη.
    fn dmu_deta(eta: f64) -> f64;
    /// V(μ) per trial: μ(1 − μ) or μ.
    fn variance(mu: f64) -> f64;
    /// (ℓ, ℓ', ℓ'') at η.
    fn kernel_jet(y: f64, n: f64, eta: f64) -> [f64; 3];
    /// (ℓ', ℓ'', ℓ''') at η.
    fn score_jet(y: f64, n: f64, eta: f64) -> [f64; 3];
    /// Whether [`Family::kernel_jet_given_exp`] uses e^η: then the kernel keeps e^{o_i} per row and a pass at
    /// random intercept a takes e^η = e^{o_i}·e^a, one exponential per group instead of one per row.
    const USES_EXP_ETA: bool = false;
    /// (ℓ, ℓ', ℓ'') at η given `exp_eta` = e^η (used only when [`Family::USES_EXP_ETA`]).
    #[inline]
    fn kernel_jet_given_exp(y: f64, n: f64, eta: f64, exp_eta: f64) -> [f64; 3] {
        let _ = exp_eta;
        Self::kernel_jet(y, n, eta)
    }
    /// (W, W', W'') at η, W = n (dμ/dη)² / V(μ).
    fn weight_jet(n: f64, eta: f64) -> [f64; 3];

    /// (ℓ, ℓ', −ℓ'', W) at η: what one Newton step for a conditional mode and the curvature there need.
    #[inline]
    fn mode_terms(y: f64, n: f64, eta: f64) -> [f64; 4] {
        let [l, d1, d2] = Self::kernel_jet(y, n, eta);
        [l, d1, -d2, Self::weight_jet(n, eta)[0]]
    }

    /// (ℓ', −ℓ'', W) at η: a Newton step for a conditional mode without the kernel's value.
    #[inline]
    fn score_terms(y: f64, n: f64, eta: f64) -> [f64; 3] {
        let [_, d1, c, w] = Self::mode_terms(y, n, eta);
        [d1, c, w]
    }

    /// Σ_i ℓ(y_i, n_i, o_i + a) over one group's rows.
    #[inline]
    fn log_kernel_sum(y: &[f64], n: &[f64], offsets: &[f64], a: f64) -> f64 {
        offsets.iter().zip(y).zip(n).map(|((o, &y), &n)| Self::log_kernel(y, n, o + a)).sum()
    }

    /// log p(y | η, n), every constant included.
    #[inline]
    fn log_density(y: f64, n: f64, eta: f64) -> f64 {
        Self::log_kernel(y, n, eta) + Self::log_normaliser(y, n)
    }

    /// log p(y | μ = saturated mean): this row's share of the saturated constant C.
    #[inline]
    fn saturated_log_density(y: f64, n: f64) -> f64 {
        Self::saturated_kernel(y, n) + Self::log_normaliser(y, n)
    }

    /// Deviance residual d = 2[log p(y | μ = y) − log p(y | η)].
    #[inline]
    fn deviance_residual(y: f64, n: f64, eta: f64) -> f64 {
        2.0 * (Self::saturated_kernel(y, n) - Self::log_kernel(y, n, eta))
    }

    /// lme4's working weight W = n (dμ/dη)² / V(μ) (the expected information of η).
    #[inline]
    fn working_weight(n: f64, eta: f64) -> f64 {
        Self::weight_jet(n, eta)[0]
    }
}

/// Binomial with the logit link.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BinomialLogit;
/// Binomial with the probit link, μ = Φ(η).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BinomialProbit;
/// Binomial with the complementary log-log link, μ = 1 − exp(−e^η).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BinomialCloglog;
/// Poisson with the log link.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PoissonLog;

fn is_whole(v: f64) -> bool {
    v.is_finite() && v.fract() == 0.0
}

/// log C(n, y) by log-gamma (exactly 0 for n = 1).
#[inline]
fn log_choose(n: f64, y: f64) -> f64 {
    if n == 1.0 || y == 0.0 || y == n {
        return 0.0;
    }
    libm::lgamma(n + 1.0) - libm::lgamma(y + 1.0) - libm::lgamma(n - y + 1.0)
}

fn binomial_check(y: f64, n: f64) -> std::result::Result<(), &'static str> {
    if !is_whole(n) || n < 1.0 {
        return Err("the number of trials must be a whole number of at least 1");
    }
    if !is_whole(y) || y < 0.0 || y > n {
        return Err("a binomial response must be a whole number of successes from 0 to the number of trials");
    }
    Ok(())
}

/// y log p + (n − y) log(1 − p) at p = y/n, with 0·log 0 = 0.
fn binomial_saturated(y: f64, n: f64) -> f64 {
    let f = n - y;
    let a = if y > 0.0 { y * (y / n).ln() } else { 0.0 };
    let b = if f > 0.0 { f * (f / n).ln() } else { 0.0 };
    a + b
}

impl Family for BinomialLogit {
    const FAMILY: &'static str = "binomial";
    const LINK: &'static str = "logit";
    fn check_response(y: f64, n: f64) -> std::result::Result<(), &'static str> {
        binomial_check(y, n)
    }
    fn log_normaliser(y: f64, n: f64) -> f64 {
        log_choose(n, y)
    }
    /// ℓ = yη − n log(1 + e^η).
    #[inline]
    fn log_kernel(y: f64, n: f64, eta: f64) -> f64 {
        y * eta - n * log1pexp(eta)
    }
    fn saturated_kernel(y: f64, n: f64) -> f64 {
        binomial_saturated(y, n)
    }
    fn mean(eta: f64) -> f64 {
        logistic(eta)
    }
    fn link(mu: f64) -> f64 {
        (mu / (1.0 - mu)).ln()
    }
    fn dmu_deta(eta: f64) -> f64 {
        logistic_variance(eta)
    }
    fn variance(mu: f64) -> f64 {
        mu * (1.0 - mu)
    }
    /// ℓ' = y − nμ, ℓ'' = −nv with v = μ(1 − μ).
    #[inline]
    fn kernel_jet(y: f64, n: f64, eta: f64) -> [f64; 3] {
        let (mu, v, l1p) = logistic_parts(eta);
        [y * eta - n * l1p, y - n * mu, -n * v]
    }
    /// ℓ''' = −nv(1 − 2μ).
    #[inline]
    fn score_jet(y: f64, n: f64, eta: f64) -> [f64; 3] {
        let (mu, v, _) = logistic_parts(eta);
        [y - n * mu, -n * v, -n * v * (1.0 - 2.0 * mu)]
    }
    /// W = nv, W' = nv(1 − 2μ), W'' = nv(1 − 6v).
    #[inline]
    fn weight_jet(n: f64, eta: f64) -> [f64; 3] {
        let (mu, v, _) = logistic_parts(eta);
        [n * v, n * v * (1.0 - 2.0 * mu), n * v * (1.0 - 6.0 * v)]
    }
    #[inline]
    fn mode_terms(y: f64, n: f64, eta: f64) -> [f64; 4] {
        let (mu, v, l1p) = logistic_parts(eta);
        [y * eta - n * l1p, y - n * mu, n * v, n * v]
    }
    /// One exponential per row, no logarithm.
    #[inline]
    fn score_terms(y: f64, n: f64, eta: f64) -> [f64; 3] {
        let e = (-eta.abs()).exp();
        let u = 1.0 + e;
        let small = e / u;
        let mu = if eta >= 0.0 { 1.0 / u } else { small };
        let v = small / u;
        [y - n * mu, n * v, n * v]
    }
    /// Σ yη − n log(1 + e^η) with the logarithms of a whole group taken as one ([`Log1pSum`]): one
    /// exponential per row.
    #[inline]
    fn log_kernel_sum(y: &[f64], n: &[f64], offsets: &[f64], a: f64) -> f64 {
        let mut linear = 0.0;
        let mut logs = Log1pSum::default();
        for ((o, &y), &n) in offsets.iter().zip(y).zip(n) {
            let eta = o + a;
            linear += y * eta;
            if n == 1.0 {
                logs.add_log1pexp(eta);
            } else {
                logs.add_log(n * log1pexp(eta));
            }
        }
        linear - logs.value()
    }
}

/// μ(1 − μ) = e^{−|η|} / (1 + e^{−|η|})².
#[inline]
fn logistic_variance(eta: f64) -> f64 {
    let e = (-eta.abs()).exp();
    e / ((1.0 + e) * (1.0 + e))
}

/// (μ, μ(1 − μ), log(1 + e^η)) from one exponential.
#[inline]
fn logistic_parts(eta: f64) -> (f64, f64, f64) {
    let e = (-eta.abs()).exp();
    let u = 1.0 + e;
    let small = e / u; // μ on the side of η's sign that is below 1/2
    let v = small / u;
    let l = crate::models::family::ln_1p_nonneg(e);
    if eta >= 0.0 {
        (1.0 / u, v, eta + l)
    } else {
        (small, v, l)
    }
}

/// erfcx(t) = e^{t²} erfc(t) for t ≥ 0 (finite and accurate where erfc underflows).
pub fn erfcx_nonneg(t: f64) -> f64 {
    if t < 15.0 {
        (t * t).exp() * libm::erfc(t)
    } else {
        // Asymptotic series 1/(t√π) Σ_k (−1)^k (2k − 1)!! / (2t²)^k: at t ≥ 15 ten terms reach rounding.
        let x2 = 1.0 / (2.0 * t * t);
        let (mut term, mut sum) = (1.0, 1.0);
        for k in 1..12 {
            term *= -((2 * k - 1) as f64) * x2;
            sum += term;
        }
        sum / (t * std::f64::consts::PI.sqrt())
    }
}

/// Probit pieces at η for a = |η|: (log Φ(a), log Φ(−a), λ(a) = φ(a)/Φ(a), λ(−a) = φ(a)/Φ(−a)).
#[inline]
fn probit_parts_abs(a: f64) -> (f64, f64, f64, f64) {
    use std::f64::consts::{FRAC_1_SQRT_2, PI};
    let r = erfcx_nonneg(a * FRAC_1_SQRT_2); // Φ(−a) = ½ r e^{−a²/2}
    let half_sq = 0.5 * a * a;
    let tail = 0.5 * r * (-half_sq).exp(); // Φ(−a), 0 once it underflows
    let log_tail = (0.5 * r).ln() - half_sq;
    let log_body = (-tail).ln_1p();
    let lam_tail = (2.0 / PI).sqrt() / r; // φ(a)/Φ(−a)
    let phi = (-half_sq).exp() / (2.0 * PI).sqrt();
    let lam_body = phi / (1.0 - tail);
    (log_body, log_tail, lam_body, lam_tail)
}

/// (log Φ(η), log Φ(−η), λ(η), λ(−η)) with λ(x) = φ(x)/Φ(x).
#[inline]
fn probit_parts(eta: f64) -> (f64, f64, f64, f64) {
    let (lb, lt, mb, mt) = probit_parts_abs(eta.abs());
    if eta >= 0.0 {
        (lb, lt, mb, mt)
    } else {
        (lt, lb, mt, mb)
    }
}

impl Family for BinomialProbit {
    const FAMILY: &'static str = "binomial";
    const LINK: &'static str = "probit";
    fn check_response(y: f64, n: f64) -> std::result::Result<(), &'static str> {
        binomial_check(y, n)
    }
    fn log_normaliser(y: f64, n: f64) -> f64 {
        log_choose(n, y)
    }
    /// ℓ = y log Φ(η) + (n − y) log Φ(−η).
    #[inline]
    fn log_kernel(y: f64, n: f64, eta: f64) -> f64 {
        let (lp, lq, _, _) = probit_parts(eta);
        binomial_kernel(y, n, lp, lq)
    }
    fn saturated_kernel(y: f64, n: f64) -> f64 {
        binomial_saturated(y, n)
    }
    fn mean(eta: f64) -> f64 {
        probit_parts(eta).0.exp()
    }
    fn link(mu: f64) -> f64 {
        crate::data::qnorm::qnorm(mu, 0.0, 1.0, true, false)
    }
    fn dmu_deta(eta: f64) -> f64 {
        (-0.5 * eta * eta).exp() / (2.0 * std::f64::consts::PI).sqrt()
    }
    fn variance(mu: f64) -> f64 {
        mu * (1.0 - mu)
    }
    /// With λ = λ(η), κ = λ(−η): ℓ' = yλ − (n − y)κ, ℓ'' = yλ' + (n − y)κ', λ' = −λ(η + λ), κ' = −κ(κ − η)
    /// (κ' is d/dx λ(x) at x = −η).
    #[inline]
    fn kernel_jet(y: f64, n: f64, eta: f64) -> [f64; 3] {
        let (lp, lq, lam, kap) = probit_parts(eta);
        let f = n - y;
        let (l1, _) = probit_mills(eta, lam);
        let (k1, _) = probit_mills(-eta, kap);
        [binomial_kernel(y, n, lp, lq), y * lam - f * kap, y * l1 + f * k1]
    }
    #[inline]
    fn score_jet(y: f64, n: f64, eta: f64) -> [f64; 3] {
        let (_, _, lam, kap) = probit_parts(eta);
        let f = n - y;
        let (l1, l2) = probit_mills(eta, lam);
        let (k1, k2) = probit_mills(-eta, kap);
        [y * lam - f * kap, y * l1 + f * k1, y * l2 - f * k2]
    }
    /// W = nλκ, W' = n(λ'κ − λκ'), W'' = n(λ''κ − 2λ'κ' + λκ'').
    #[inline]
    fn weight_jet(n: f64, eta: f64) -> [f64; 3] {
        let (_, _, lam, kap) = probit_parts(eta);
        let (l1, l2) = probit_mills(eta, lam);
        let (k1, k2) = probit_mills(-eta, kap);
        [n * lam * kap, n * (l1 * kap - lam * k1), n * (l2 * kap - 2.0 * l1 * k1 + lam * k2)]
    }
    #[inline]
    fn mode_terms(y: f64, n: f64, eta: f64) -> [f64; 4] {
        let (lp, lq, lam, kap) = probit_parts(eta);
        let f = n - y;
        let (l1, _) = probit_mills(eta, lam);
        let (k1, _) = probit_mills(-eta, kap);
        [binomial_kernel(y, n, lp, lq), y * lam - f * kap, -(y * l1 + f * k1), n * lam * kap]
    }
}

/// y log μ + (n − y) log(1 − μ) from the two logarithms, a zero count contributing 0 even where its
/// logarithm is −∞.
#[inline]
fn binomial_kernel(y: f64, n: f64, log_mu: f64, log_1m: f64) -> f64 {
    let f = n - y;
    (if y > 0.0 { y * log_mu } else { 0.0 }) + (if f > 0.0 { f * log_1m } else { 0.0 })
}

/// The derivatives of λ(x) = φ(x)/Φ(x) at x, given λ: (λ', λ'') with λ' = −λ(x + λ),
/// λ'' = −λ'(x + λ) − λ(1 + λ').
#[inline]
fn probit_mills(x: f64, lam: f64) -> (f64, f64) {
    let s = x + lam;
    let d1 = -lam * s;
    let d2 = -d1 * s - lam * (1.0 + d1);
    (d1, d2)
}

/// Cloglog pieces at η: t = e^η, q = t/(e^t − 1) (= dη log μ), log μ = log(1 − e^{−t}).
#[inline]
fn cloglog_parts(eta: f64) -> (f64, f64, f64) {
    let t = eta.exp();
    if t < 1e-300 {
        return (t, 1.0, eta);
    }
    let q = if t > 745.0 { 0.0 } else { t / t.exp_m1() };
    let log_mu = if t < 1e-8 { eta - 0.5 * t } else { (-(-t).exp_m1()).ln() };
    (t, q, log_mu)
}

impl Family for BinomialCloglog {
    const FAMILY: &'static str = "binomial";
    const LINK: &'static str = "cloglog";
    fn check_response(y: f64, n: f64) -> std::result::Result<(), &'static str> {
        binomial_check(y, n)
    }
    fn log_normaliser(y: f64, n: f64) -> f64 {
        log_choose(n, y)
    }
    /// ℓ = y log(1 − e^{−t}) − (n − y) t, t = e^η.
    #[inline]
    fn log_kernel(y: f64, n: f64, eta: f64) -> f64 {
        let (t, _, log_mu) = cloglog_parts(eta);
        binomial_kernel(y, n, log_mu, -t)
    }
    fn saturated_kernel(y: f64, n: f64) -> f64 {
        binomial_saturated(y, n)
    }
    fn mean(eta: f64) -> f64 {
        -(-eta.exp()).exp_m1()
    }
    fn link(mu: f64) -> f64 {
        (-(-mu).ln_1p()).ln()
    }
    fn dmu_deta(eta: f64) -> f64 {
        let t = eta.exp();
        if t.is_finite() { t * (-t).exp() } else { 0.0 }
    }
    fn variance(mu: f64) -> f64 {
        mu * (1.0 - mu)
    }
    /// ℓ' = yq − (n − y)t, ℓ'' = yq' − (n − y)t with q' = q(1 − t − q).
    #[inline]
    fn kernel_jet(y: f64, n: f64, eta: f64) -> [f64; 3] {
        let (t, q, log_mu) = cloglog_parts(eta);
        let f = n - y;
        let ft = if f > 0.0 { f * t } else { 0.0 };
        let q1 = cloglog_q1(t, q);
        [binomial_kernel(y, n, log_mu, -t), y * q - ft, y * q1 - ft]
    }
    /// ℓ''' = y[q'(1 − t − 2q) − qt] − (n − y)t.
    #[inline]
    fn score_jet(y: f64, n: f64, eta: f64) -> [f64; 3] {
        let (t, q, _) = cloglog_parts(eta);
        let f = n - y;
        let ft = if f > 0.0 { f * t } else { 0.0 };
        let q1 = cloglog_q1(t, q);
        let q2 = if q == 0.0 { 0.0 } else { q1 * (1.0 - t - 2.0 * q) - q * t };
        [y * q - ft, y * q1 - ft, y * q2 - ft]
    }
    /// W = ntq, W' = ntq(2 − t − q), W'' = ntq[(2 − t − q)² − t − q'].
    #[inline]
    fn weight_jet(n: f64, eta: f64) -> [f64; 3] {
        let (t, q, _) = cloglog_parts(eta);
        if q == 0.0 {
            return [0.0; 3];
        }
        let tq = n * t * q;
        let c = 2.0 - t - q;
        [tq, tq * c, tq * (c * c - t - cloglog_q1(t, q))]
    }
}

/// q' = dq/dη = q(1 − t − q), 0 where q has underflowed (t = ∞ would give 0·∞).
#[inline]
fn cloglog_q1(t: f64, q: f64) -> f64 {
    if q == 0.0 { 0.0 } else { q * (1.0 - t - q) }
}

impl Family for PoissonLog {
    const FAMILY: &'static str = "poisson";
    const LINK: &'static str = "log";
    fn check_response(y: f64, n: f64) -> std::result::Result<(), &'static str> {
        if n != 1.0 {
            return Err("a Poisson response takes no number of trials");
        }
        if !is_whole(y) || y < 0.0 {
            return Err("a Poisson response must be a whole number of at least 0");
        }
        Ok(())
    }
    fn log_normaliser(y: f64, _n: f64) -> f64 {
        if y <= 1.0 { 0.0 } else { -libm::lgamma(y + 1.0) }
    }
    /// ℓ = yη − e^η.
    #[inline]
    fn log_kernel(y: f64, _n: f64, eta: f64) -> f64 {
        y * eta - eta.exp()
    }
    fn saturated_kernel(y: f64, _n: f64) -> f64 {
        if y > 0.0 { y * y.ln() - y } else { 0.0 }
    }
    fn mean(eta: f64) -> f64 {
        eta.exp()
    }
    fn link(mu: f64) -> f64 {
        mu.ln()
    }
    fn dmu_deta(eta: f64) -> f64 {
        eta.exp()
    }
    fn variance(mu: f64) -> f64 {
        mu
    }
    /// ℓ' = y − μ, ℓ'' = −μ.
    #[inline]
    fn kernel_jet(y: f64, _n: f64, eta: f64) -> [f64; 3] {
        let mu = eta.exp();
        [y * eta - mu, y - mu, -mu]
    }
    #[inline]
    fn score_jet(y: f64, _n: f64, eta: f64) -> [f64; 3] {
        let mu = eta.exp();
        [y - mu, -mu, -mu]
    }
    const USES_EXP_ETA: bool = true;
    /// The same as [`Family::kernel_jet`] with μ = e^η given.
    #[inline]
    fn kernel_jet_given_exp(y: f64, _n: f64, eta: f64, mu: f64) -> [f64; 3] {
        [y * eta - mu, y - mu, -mu]
    }
    /// W = W' = W'' = μ.
    #[inline]
    fn weight_jet(_n: f64, eta: f64) -> [f64; 3] {
        let mu = eta.exp();
        [mu, mu, mu]
    }
    #[inline]
    fn mode_terms(y: f64, _n: f64, eta: f64) -> [f64; 4] {
        let mu = eta.exp();
        [y * eta - mu, y - mu, mu, mu]
    }
    #[inline]
    fn score_terms(y: f64, _n: f64, eta: f64) -> [f64; 3] {
        let mu = eta.exp();
        [y - mu, mu, mu]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central differences of f at x with step h.
    fn d(f: impl Fn(f64) -> f64, x: f64, h: f64) -> f64 {
        (f(x + h) - f(x - h)) / (2.0 * h)
    }

    fn check_family<F: Family>(rows: &[(f64, f64)]) {
        for &(y, n) in rows {
            F::check_response(y, n).unwrap();
            for &eta in &[-4.0, -1.3, -0.2, 0.0, 0.4, 1.7, 3.5] {
                let [l, l1, l2] = F::kernel_jet(y, n, eta);
                let [s1, s2, s3] = F::score_jet(y, n, eta);
                let [w0, w1, w2] = F::weight_jet(n, eta);
                let m = F::mode_terms(y, n, eta);
                let tag = format!("{} {} y={y} n={n} η={eta}", F::FAMILY, F::LINK);
                assert!((l - F::log_kernel(y, n, eta)).abs() < 1e-13, "{tag}");
                assert!((l1 - s1).abs() < 1e-13 && (l2 - s2).abs() < 1e-13, "{tag}");
                assert_eq!([m[0], m[1], m[3]].map(|v| (v * 1e12).round()), [l, l1, w0].map(|v| (v * 1e12).round()), "{tag}");
                assert!((m[2] + l2).abs() < 1e-13, "{tag}");
                let st = F::score_terms(y, n, eta);
                assert!((st[0] - l1).abs() < 1e-13 && (st[1] + l2).abs() < 1e-13 && (st[2] - w0).abs() < 1e-13, "{tag}");
                let offs = [eta, eta - 0.5, eta + 1.0];
                let sum = F::log_kernel_sum(&[y; 3], &[n; 3], &offs, 0.25);
                let direct: f64 = offs.iter().map(|o| F::log_kernel(y, n, o + 0.25)).sum();
                assert!((sum - direct).abs() < 1e-12 * direct.abs().max(1.0), "{tag} Σℓ");
                let h = 1e-5;
                let tol = 1e-7 * (1.0 + n);
                assert!((d(|e| F::log_kernel(y, n, e), eta, h) - l1).abs() < tol, "{tag} ℓ'");
                assert!((d(|e| F::score_jet(y, n, e)[0], eta, h) - s2).abs() < tol, "{tag} ℓ''");
                assert!((d(|e| F::score_jet(y, n, e)[1], eta, h) - s3).abs() < tol, "{tag} ℓ'''");
                assert!((d(|e| F::weight_jet(n, e)[0], eta, h) - w1).abs() < tol, "{tag} W'");
                assert!((d(|e| F::weight_jet(n, e)[1], eta, h) - w2).abs() < tol, "{tag} W''");
                // W = n (dμ/dη)² / V(μ) (per trial for binomial; n = 1 for Poisson)
                let mu = F::mean(eta);
                let w = n * F::dmu_deta(eta).powi(2) / F::variance(mu);
                assert!((w - w0).abs() < 1e-12 * w.max(1.0), "{tag} W {w} vs {w0}");
                assert!((d(F::mean, eta, h) - F::dmu_deta(eta)).abs() < 1e-8, "{tag} dμ/dη");
                if mu.min(1.0 - mu) > 1e-8 {
                    assert!((F::link(mu) - eta).abs() < 1e-9 * eta.abs().max(1.0), "{tag} link");
                }
            }
        }
    }

    #[test]
    fn derivatives_match_central_differences_and_the_weight_formula() {
        let bin = [(0.0, 1.0), (1.0, 1.0), (3.0, 7.0), (0.0, 4.0), (5.0, 5.0)];
        check_family::<BinomialLogit>(&bin);
        check_family::<BinomialProbit>(&bin);
        check_family::<BinomialCloglog>(&bin);
        check_family::<PoissonLog>(&[(0.0, 1.0), (1.0, 1.0), (7.0, 1.0)]);
    }

    #[test]
    fn log_densities_are_the_closed_forms() {
        // binomial: C(7, 3) μ³(1 − μ)⁴
        let eta: f64 = 0.3;
        let (y, n) = (3.0, 7.0);
        let mu_l = 1.0 / (1.0 + (-eta).exp());
        let mu_p = 0.5 * libm::erfc(-eta / 2f64.sqrt());
        let mu_c = 1.0 - (-eta.exp()).exp();
        for (got, mu) in [
            (BinomialLogit::log_density(y, n, eta), mu_l),
            (BinomialProbit::log_density(y, n, eta), mu_p),
            (BinomialCloglog::log_density(y, n, eta), mu_c),
        ] {
            let want = (35.0 * mu.powi(3) * (1.0 - mu).powi(4)).ln();
            assert!((got - want).abs() < 1e-13, "{got} vs {want}");
        }
        // Poisson: e^{−μ} μ^y / y!
        let mu = eta.exp();
        let want = (-mu + 4.0 * mu.ln()) - 24f64.ln();
        assert!((PoissonLog::log_density(4.0, 1.0, eta) - want).abs() < 1e-13);
        // saturated: binomial C(7,3)(3/7)³(4/7)⁴; Poisson e^{−4} 4⁴/4!
        let sat = (35.0 * (3.0f64 / 7.0).powi(3) * (4.0f64 / 7.0).powi(4)).ln();
        assert!((BinomialProbit::saturated_log_density(3.0, 7.0) - sat).abs() < 1e-13);
        let sat_p = (-4.0 + 4.0 * 4f64.ln()) - 24f64.ln();
        assert!((PoissonLog::saturated_log_density(4.0, 1.0) - sat_p).abs() < 1e-13);
        // deviance residual ≥ 0, zero at the saturated mean
        assert!(BinomialLogit::deviance_residual(3.0, 7.0, (3.0f64 / 4.0).ln()).abs() < 1e-13);
        assert!(PoissonLog::deviance_residual(4.0, 1.0, 4f64.ln()).abs() < 1e-13);
        assert!(BinomialCloglog::deviance_residual(1.0, 1.0, -2.0) > 0.0);
        // 0/1 data: C = 0
        assert_eq!(BinomialLogit::saturated_log_density(1.0, 1.0), 0.0);
        assert_eq!(BinomialLogit::saturated_log_density(0.0, 1.0), 0.0);
    }

    #[test]
    fn tails_stay_finite_and_accurate() {
        // log Φ(−40) = −804.608442013754... (R: pnorm(-40, log.p = TRUE))
        let lp = BinomialProbit::log_kernel(1.0, 1.0, -40.0);
        assert!((lp - (-804.608442013754)).abs() < 1e-9, "{lp}");
        assert!(BinomialProbit::log_kernel(0.0, 1.0, 40.0).is_finite());
        // λ(−40) ≈ 40.0249 (asymptotically −η + 1/(−η))
        let s = BinomialProbit::score_jet(1.0, 1.0, -40.0)[0];
        assert!((s - 40.02492).abs() < 1e-4, "{s}");
        for eta in [-800.0, -50.0, 50.0, 800.0] {
            for (y, n) in [(0.0, 1.0), (1.0, 1.0), (2.0, 3.0)] {
                for v in BinomialCloglog::kernel_jet(y, n, eta).iter().chain(&BinomialCloglog::weight_jet(n, eta)) {
                    assert!(!v.is_nan(), "cloglog η={eta}");
                }
                for v in BinomialProbit::kernel_jet(y, n, eta).iter().chain(&BinomialProbit::weight_jet(n, eta)) {
                    assert!(!v.is_nan(), "probit η={eta}");
                }
                for v in BinomialLogit::kernel_jet(y, n, eta) {
                    assert!(v.is_finite(), "logit η={eta}");
                }
            }
        }
        // cloglog: log μ at η = −40 is η − e^η/2
        assert!((BinomialCloglog::log_kernel(1.0, 1.0, -40.0) + 40.0).abs() < 1e-15);
        // erfcx against the series at the switch and e^{t²}erfc(t) at 3
        assert!((erfcx_nonneg(15.0) - (225f64).exp() * libm::erfc(15.0)).abs() < 1e-14 * erfcx_nonneg(15.0));
        assert!((erfcx_nonneg(3.0) - 0.17900115118138995).abs() < 1e-15);
    }

    #[test]
    fn responses_are_checked_against_the_family() {
        assert!(BinomialLogit::check_response(2.0, 1.0).is_err());
        assert!(BinomialLogit::check_response(0.5, 1.0).is_err());
        assert!(BinomialLogit::check_response(1.0, 0.0).is_err());
        assert!(PoissonLog::check_response(-1.0, 1.0).is_err());
        assert!(PoissonLog::check_response(1.5, 1.0).is_err());
        assert!(PoissonLog::check_response(3.0, 1.0).is_ok());
    }
}
