//! Independent checks of the figures' claims ([`Claim`]): each value a figure's sentence prints is
//! recomputed here from the data and the report by plain methods — bisection on a derivative for a
//! maximum, Simpson's rule on a wide grid for an integral — sharing nothing with the code that computed
//! the figure (Newton, Chebyshev interpolation, Gauss–Hermite) or wrote its sentence.
//!
//! Group g's log posterior (up to a constant) at (α, β, σ) is
//!   f_g(z) = Σ_{i∈g} [y_i η_i − log(1 + e^{η_i})] + log N(z; 0, σ²),  η_i = α + βx_i + z,
//! strictly concave, so its mode is the root of f_g′(z) = Σ (y_i − p_i) − z/σ², found by bisection.
//! Along the line of figures 5 and 6, z_g(u) = ẑ_g − z̄ + u/G (ẑ the report's glmer modes) and
//!   T(u; α) = Σ_g log N(z_g(u); 0, σ²) + Σ_i log p(y_i | α + βx_i + z_{g(i)}(u)),
//! also strictly concave in u.

use crate::claims::{AtParams, Claim, ModelKey, Summed};
use crate::data::Dataset;
use crate::models::logistic::kernel::split_by_group;
use crate::models::no_pooling::own_estimates;
use crate::report::{FitReport, GlmmFit};

/// Simpson intervals of each posterior integral.
const SIMPSON_INTERVALS: usize = 4000;
/// An integral covers the range where the integrand is above e^−EDGE_DROP of its peak.
const EDGE_DROP: f64 = 45.0;

fn logistic(eta: f64) -> f64 {
    if eta >= 0.0 {
        1.0 / (1.0 + (-eta).exp())
    } else {
        let e = eta.exp();
        e / (1.0 + e)
    }
}

/// log p(y | η) = yη − log(1 + e^η), written out (not the models' helper).
fn log_bernoulli(y: f64, eta: f64) -> f64 {
    let softplus = if eta > 0.0 { eta + (-eta).exp().ln_1p() } else { eta.exp().ln_1p() };
    y * eta - softplus
}

fn log_normal(z: f64, sigma: f64) -> f64 {
    -0.5 * (2.0 * std::f64::consts::PI).ln() - sigma.ln() - 0.5 * (z / sigma).powi(2)
}

/// Root of a decreasing function by bracketing outward from `start` and bisection.
fn decreasing_root(f: impl Fn(f64) -> f64, start: f64) -> Option<f64> {
    let (mut lo, mut hi) = (start - 1.0, start + 1.0);
    let mut k = 0;
    while f(lo) < 0.0 && k < 80 {
        lo = start - (lo - start).abs() * 2.0;
        k += 1;
    }
    while f(hi) > 0.0 && k < 160 {
        hi = start + (hi - start).abs() * 2.0;
        k += 1;
    }
    if !(f(lo) >= 0.0 && f(hi) <= 0.0) {
        return None;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// One group's log posterior f_g at fixed (α, β, σ).
struct Posterior {
    eta0: Vec<f64>,
    y: Vec<f64>,
    sigma: f64,
}

impl Posterior {
    fn new(data: &Dataset, group: usize, at: &AtParams) -> Posterior {
        let mut eta0 = Vec::new();
        let mut y = Vec::new();
        for i in 0..data.n_obs() {
            if data.group[i] == group {
                eta0.push(at.alpha + at.beta * data.x[i]);
                y.push(data.y_bin[i]);
            }
        }
        Posterior { eta0, y, sigma: at.sigma }
    }
    fn value(&self, z: f64) -> f64 {
        self.eta0.iter().zip(&self.y).map(|(&e, &y)| log_bernoulli(y, e + z)).sum::<f64>() + log_normal(z, self.sigma)
    }
    fn slope(&self, z: f64) -> f64 {
        self.eta0.iter().zip(&self.y).map(|(&e, &y)| y - logistic(e + z)).sum::<f64>() - z / (self.sigma * self.sigma)
    }
    fn mode(&self) -> Option<f64> {
        decreasing_root(|z| self.slope(z), 0.0)
    }
    /// Where f has dropped by EDGE_DROP below f(mode) on side `dir`.
    fn edge(&self, mode: f64, peak: f64, dir: f64) -> f64 {
        let below = |t: f64| self.value(mode + dir * t) < peak - EDGE_DROP;
        let mut t = self.sigma.min(1.0) * 0.1;
        let mut k = 0;
        while !below(t) && k < 80 {
            t *= 2.0;
            k += 1;
        }
        let (mut lo, mut hi) = (0.0, t);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if below(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        mode + dir * hi
    }
    /// (log ∫ e^f dz, ∫ z e^f dz / ∫ e^f dz) by Simpson's rule.
    fn integrals(&self) -> Option<(f64, f64)> {
        let m = self.mode()?;
        let peak = self.value(m);
        let (a, b) = (self.edge(m, peak, -1.0), self.edge(m, peak, 1.0));
        let h = (b - a) / SIMPSON_INTERVALS as f64;
        let (mut mass, mut moment) = (0.0, 0.0);
        for k in 0..=SIMPSON_INTERVALS {
            let z = a + h * k as f64;
            let w = if k == 0 || k == SIMPSON_INTERVALS { 1.0 } else if k % 2 == 1 { 4.0 } else { 2.0 };
            let e = (self.value(z) - peak).exp();
            mass += w * e;
            moment += w * e * z;
        }
        let mass = mass * h / 3.0;
        let moment = moment * h / 3.0;
        (mass > 0.0).then(|| (peak + mass.ln(), moment / mass))
    }
}

/// The line of figures 5 and 6 through the report's glmer modes.
struct Line<'a> {
    data: &'a Dataset,
    centred: Vec<f64>,
    beta: f64,
    sigma: f64,
}

impl<'a> Line<'a> {
    fn new(data: &'a Dataset, fit: &GlmmFit) -> Option<Line<'a>> {
        let g = data.n_groups();
        if fit.ranef.len() != g || g == 0 || fit.fixef.len() < 2 {
            return None;
        }
        let mean = fit.ranef.iter().sum::<f64>() / g as f64;
        Some(Line { data, centred: fit.ranef.iter().map(|z| z - mean).collect(), beta: fit.fixef[1], sigma: fit.sigma_b })
    }
    fn z(&self, g: usize, u: f64) -> f64 {
        self.centred[g] + u / self.centred.len() as f64
    }
    fn random_part(&self, u: f64) -> f64 {
        (0..self.centred.len()).map(|g| log_normal(self.z(g, u), self.sigma)).sum()
    }
    fn total(&self, alpha: f64, u: f64) -> f64 {
        let d = self.data;
        self.random_part(u)
            + (0..d.n_obs())
                .map(|i| log_bernoulli(d.y_bin[i], alpha + self.beta * d.x[i] + self.z(d.group[i], u)))
                .sum::<f64>()
    }
    fn slope(&self, alpha: f64, u: f64) -> f64 {
        let d = self.data;
        let gf = self.centred.len() as f64;
        let r: f64 = (0..self.centred.len()).map(|g| -self.z(g, u) / (self.sigma * self.sigma)).sum::<f64>() / gf;
        let b: f64 = (0..d.n_obs())
            .map(|i| d.y_bin[i] - logistic(alpha + self.beta * d.x[i] + self.z(d.group[i], u)))
            .sum::<f64>()
            / gf;
        r + b
    }
    fn peak(&self, alpha: f64) -> Option<(f64, f64)> {
        let u = decreasing_root(|u| self.slope(alpha, u), 0.0)?;
        Some((u, self.total(alpha, u)))
    }
}

/// Whether `value` printed with `decimals` decimals reads as `recomputed` (within half a unit of the last
/// printed digit, plus the check's own numerical error).
fn reads_as(value: f64, recomputed: f64, decimals: usize) -> bool {
    let unit = 10f64.powi(-(decimals.min(15) as i32));
    let printed = (value / unit).round() * unit;
    (printed - recomputed).abs() <= 0.5 * unit + 1e-8 * recomputed.abs().max(1.0)
}

fn expect(what: &str, value: f64, recomputed: Option<f64>, decimals: usize) -> Result<(), String> {
    match recomputed {
        Some(r) if r.is_finite() && reads_as(value, r, decimals) => Ok(()),
        Some(r) => Err(format!("{what}: the sentence prints {value:.decimals$}, recomputed {r:.12}")),
        None => Err(format!("{what}: the sentence prints {value:.decimals$}, but it could not be recomputed")),
    }
}

fn glmm(report: &FitReport) -> Result<&GlmmFit, String> {
    report.glmm_agq.fit().ok_or_else(|| "the claim needs glmer's fit, which failed".to_string())
}

fn group_ok(data: &Dataset, g: usize) -> Result<(), String> {
    (g < data.n_groups()).then_some(()).ok_or_else(|| format!("group {g} is not in the data"))
}

/// The population-averaged curve's slope |β| ∫ ψ(η + b) N(b; 0, σ²) db (ψ = p(1 − p)) at η by Simpson's rule
/// over b ∈ η-independent ±min(12σ, 50) with at most min(σ, 1)/20 per interval; its maximum over
/// η ∈ {0, ±0.25, ±0.5, ±1, ±2, ±4} (it is at 0; the others confirm it).
fn averaged_max_slope(beta: f64, sigma: f64) -> f64 {
    let half = (12.0 * sigma).min(50.0);
    let n = ((2.0 * half / (sigma.min(1.0) / 20.0)).ceil() as usize).max(200) / 2 * 2;
    let h = 2.0 * half / n as f64;
    let slope_at = |eta: f64| {
        let mut s = 0.0;
        for k in 0..=n {
            let b = -half + h * k as f64;
            let w = if k == 0 || k == n { 1.0 } else if k % 2 == 1 { 4.0 } else { 2.0 };
            let p = logistic(eta + b);
            s += w * p * (1.0 - p) * log_normal(b, sigma).exp();
        }
        beta.abs() * s * h / 3.0
    };
    [0.0, 0.25, -0.25, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 4.0, -4.0].iter().map(|&e| slope_at(e)).fold(0.0, f64::max)
}

/// The report's sum of `summed` for `model`, where the figures use it (lmer's and glmer's fits).
fn reported_sum(report: &FitReport, model: ModelKey, summed: Summed) -> Result<f64, String> {
    let glmm = |o: &crate::report::Outcome<GlmmFit>| -> Result<f64, String> {
        let f = o.fit().ok_or("the model was not fitted")?;
        Ok(match summed {
            Summed::Modes => f.ranef.iter().sum(),
            Summed::Means => f.cond_means.iter().sum(),
        })
    };
    match (model, summed) {
        (ModelKey::Lmm, _) => report.lmm.fit().map(|f| f.ranef.iter().sum()).ok_or_else(|| "lmer was not fitted".into()),
        (ModelKey::GlmmAgq, _) => glmm(&report.glmm_agq),
        (ModelKey::GlmmLaplace, _) => glmm(&report.glmm_laplace),
        _ => Err(format!("{model:?}: no figure speaks of this sum (the page's own claims test checks it)")),
    }
}

/// Check one claim against the data and the report.
pub fn check(claim: &Claim, data: &Dataset, report: &FitReport) -> Result<(), String> {
    match claim {
        Claim::SumIsZero { model, summed, decimals } => {
            let v = reported_sum(report, *model, *summed)?;
            let unit = 10f64.powi(-(*decimals.min(&15) as i32));
            (v.abs() < 0.5 * unit).then_some(()).ok_or_else(|| format!("{model:?} {summed:?} sum {v} does not read as zero"))
        }
        Claim::SumIsNotZero { model, summed, decimals } => {
            let v = reported_sum(report, *model, *summed)?;
            let unit = 10f64.powi(-(*decimals.min(&15) as i32));
            (v.abs() >= 0.5 * unit).then_some(()).ok_or_else(|| format!("{model:?} {summed:?} sum {v} reads as zero"))
        }
        Claim::PopulationAverageFlatter { at, averaged, zero, decimals } => {
            if at.sigma.is_nan() || at.sigma <= 0.0 {
                return Err("σ = 0: the population average is the b = 0 curve, not flatter".into());
            }
            let pa = averaged_max_slope(at.beta, at.sigma);
            let z = at.beta.abs() / 4.0;
            expect("steepest slope of the population average", *averaged, Some(pa), *decimals)?;
            expect("steepest slope of the b = 0 curve", *zero, Some(z), *decimals)?;
            if pa < z {
                Ok(())
            } else {
                Err(format!("the population average is not flatter: {pa} vs {z}"))
            }
        }
        Claim::PosteriorMode { group, at, value, decimals } => {
            group_ok(data, *group)?;
            expect("posterior mode", *value, Posterior::new(data, *group, at).mode(), *decimals)
        }
        Claim::PosteriorMean { group, at, value, decimals } => {
            group_ok(data, *group)?;
            let m = Posterior::new(data, *group, at).integrals().map(|(_, m)| m);
            expect("posterior mean", *value, m, *decimals)
        }
        Claim::Sum { summed, groups, at, value, decimals } => {
            let all: Vec<usize> = if groups.is_empty() { (0..data.n_groups()).collect() } else { groups.clone() };
            let mut total = Some(0.0);
            for &g in &all {
                group_ok(data, g)?;
                let p = Posterior::new(data, g, at);
                let v = match summed {
                    Summed::Modes => p.mode(),
                    Summed::Means => p.integrals().map(|(_, m)| m),
                };
                total = total.zip(v).map(|(t, v)| t + v);
            }
            expect("sum of the random effects", *value, total, *decimals)
        }
        Claim::ZeroSumLineGap { groups: (a, b), at, gap, decimals } => {
            group_ok(data, *a)?;
            group_ok(data, *b)?;
            let (pa, pb) = (Posterior::new(data, *a, at), Posterior::new(data, *b, at));
            let peak = pa.mode().zip(pb.mode()).map(|(za, zb)| pa.value(za) + pb.value(zb));
            // On the line (−t, t): d/dt [f_a(−t) + f_b(t)] = −f_a′(−t) + f_b′(t), decreasing.
            let t = decreasing_root(|t| pb.slope(t) - pa.slope(-t), 0.0);
            let on_line = t.map(|t| pa.value(-t) + pb.value(t));
            expect("gap below the maximum on z_a = −z_b", *gap, peak.zip(on_line).map(|(p, l)| p - l), *decimals)
        }
        Claim::AlphaShiftedByMeanMode { fitted, shifted, decimals } => {
            let f = glmm(report)?;
            let g = f.ranef.len().max(1) as f64;
            expect("fitted α", *fitted, f.fixef.first().copied(), *decimals)?;
            let mean = f.ranef.iter().sum::<f64>() / g;
            expect("shifted α", *shifted, f.fixef.first().map(|a| a + mean), *decimals)
        }
        Claim::AlphaShiftedByMeanModeAt { at, shifted, decimals } => {
            let g = data.n_groups();
            let mut sum = Some(0.0);
            for grp in 0..g {
                sum = sum.zip(Posterior::new(data, grp, at).mode()).map(|(t, m)| t + m);
            }
            expect("shifted α", *shifted, sum.map(|s| at.alpha + s / g.max(1) as f64), *decimals)
        }
        Claim::ExactLogLik { at, value, decimals } => {
            let mut total = Some(0.0);
            for g in 0..data.n_groups() {
                let l = Posterior::new(data, g, at).integrals().map(|(l, _)| l);
                total = total.zip(l).map(|(t, l)| t + l);
            }
            expect("exact marginal log-likelihood", *value, total, *decimals)
        }
        Claim::JointPeakGain { from, to, gain, decimals } => {
            let peak = |at: &AtParams| -> Option<f64> {
                (0..data.n_groups()).try_fold(0.0, |acc, g| {
                    let p = Posterior::new(data, g, at);
                    p.mode().map(|z| acc + p.value(z))
                })
            };
            expect("rise of the joint density's peak", *gain, peak(to).zip(peak(from)).map(|(t, f)| t - f), *decimals)
        }
        Claim::RandomPartRatio { sigma, ratio, decimals } => {
            let f = glmm(report)?;
            expect("σ of the random-effects part", *sigma, Some(f.sigma_b), 12)?;
            let line = Line::new(data, f).ok_or("the modes do not match the groups")?;
            let at = f.ranef.iter().sum::<f64>();
            // R is a parabola in u with its maximum at u = 0 (the centred modes sum to zero).
            let r = (line.random_part(at) - line.random_part(0.0)).exp();
            expect("ratio of the random-effects part", *ratio, Some(r), *decimals)
        }
        Claim::LinePeak { alpha, at_u, decimals } => {
            let f = glmm(report)?;
            let line = Line::new(data, f).ok_or("the modes do not match the groups")?;
            expect("peak of the integrand along u", *at_u, line.peak(*alpha).map(|p| p.0), *decimals)
        }
        Claim::LinePeakGain { from, to, gain, decimals } => {
            let f = glmm(report)?;
            let line = Line::new(data, f).ok_or("the modes do not match the groups")?;
            let d = line.peak(*to).zip(line.peak(*from)).map(|(t, f)| t.1 - f.1);
            expect("rise of the integrand's peak along u", *gain, d, *decimals)
        }
        Claim::LineSkew { alpha, h, difference, decimals } => {
            let f = glmm(report)?;
            let line = Line::new(data, f).ok_or("the modes do not match the groups")?;
            let d = line.peak(*alpha).map(|(u, _)| line.total(*alpha, u + h) - line.total(*alpha, u - h));
            expect("skew of the integrand along u", *difference, d, *decimals)
        }
        // Figure 7: each group's posterior at glmer's estimates.
        Claim::GroupModeAndMean { group, mode, mean, decimals } => {
            group_ok(data, *group)?;
            let p = Posterior::new(data, *group, &glmm_at(report)?);
            expect("conditional mode", *mode, p.mode(), *decimals)?;
            expect("conditional mean", *mean, p.integrals().map(|(_, m)| m), *decimals)
        }
        Claim::MeanVsMode { group, above, decimals } => {
            group_ok(data, *group)?;
            let p = Posterior::new(data, *group, &glmm_at(report)?);
            let (m, e) = p.mode().zip(p.integrals().map(|(_, m)| m)).ok_or("the posterior could not be recomputed")?;
            let ok = match above {
                Some(true) => e > m,
                Some(false) => e < m,
                None => reads_as(m, e, *decimals),
            };
            ok.then_some(()).ok_or_else(|| format!("group {group}: mode {m}, mean {e}, the text says above = {above:?}"))
        }
        Claim::AllOutcomesEqual { group, value } => {
            group_ok(data, *group)?;
            let mut ys = (0..data.n_obs()).filter(|&i| data.group[i] == *group).map(|i| data.y_bin[i]).peekable();
            (ys.peek().is_some() && ys.all(|y| y == *value))
                .then_some(())
                .ok_or_else(|| format!("group {group}'s outcomes are not all {value}"))
        }
        // Figure 8: at the marked maximum of ℓ(α) the means sum to zero, at that of the peak the modes do.
        Claim::ProfileMaximum { summed, alpha } => {
            let at = AtParams { alpha: *alpha, ..glmm_at(report)? };
            let mut total = 0.0;
            for g in 0..data.n_groups() {
                let p = Posterior::new(data, g, &at);
                total += match summed {
                    Summed::Modes => p.mode(),
                    Summed::Means => p.integrals().map(|(_, m)| m),
                }
                .ok_or("the posterior could not be recomputed")?;
            }
            (total.abs() < PROFILE_SUM_TOL * at.sigma.max(1.0).powi(2))
                .then_some(())
                .ok_or_else(|| format!("at α = {alpha} the {summed:?} sum to {total:e}, not zero"))
        }
        // Figure 9: shrinkage. The no-pooling intercepts by the lesson's own glm on the groups whose outcomes
        // are not all equal (the figure's come from the general engine's per-group GLM).
        Claim::ShrinkageIntercepts { group, no_pooling, mode, mean, decimals } => {
            group_ok(data, *group)?;
            let own = own_intercepts(data)?;
            match (no_pooling, own[*group]) {
                (Some(v), r @ Some(_)) => expect("no-pooling intercept", *v, r, *decimals)?,
                (None, None) => {}
                (said, r) => return Err(format!("group {group}: the sentence says {said:?} of its own, recomputed {r:?}")),
            }
            let at = glmm_at(report)?;
            let p = Posterior::new(data, *group, &at);
            expect("α̂ + conditional mode", *mode, p.mode().map(|m| at.alpha + m), *decimals)?;
            // σ_b = 0 (singular): b_g is 0 for certain, its mean too.
            let m = if at.sigma > 0.0 { p.integrals().map(|(_, m)| at.alpha + m) } else { Some(at.alpha) };
            expect("α̂ + conditional mean", *mean, m, *decimals)
        }
        // Read straight from the rows, without models::no_pooling's rule.
        Claim::SlopeSeparatesWithinGroups { ones_above } => {
            let mixed = mixed_groups(data);
            if mixed.is_empty() {
                return Err("no group has outcomes that are not all equal".into());
            }
            for (g, rows) in mixed {
                let x_of = |v: f64| rows.iter().filter(move |&&i| data.y_bin[i] == v).map(|&i| data.x[i]);
                let (zeros_max, zeros_min) = (x_of(0.0).fold(f64::NEG_INFINITY, f64::max), x_of(0.0).fold(f64::INFINITY, f64::min));
                let (ones_max, ones_min) = (x_of(1.0).fold(f64::NEG_INFINITY, f64::max), x_of(1.0).fold(f64::INFINITY, f64::min));
                let holds = if *ones_above { zeros_max <= ones_min } else { zeros_min >= ones_max };
                if !holds {
                    return Err(format!("group {g}: x does not separate its 0s and 1s with the 1s {}", if *ones_above { "above" } else { "below" }));
                }
            }
            Ok(())
        }
        Claim::XConstantWithinGroups => {
            let mixed = mixed_groups(data);
            if mixed.is_empty() {
                return Err("no group has outcomes that are not all equal".into());
            }
            match mixed.iter().find(|(_, rows)| rows.iter().any(|&i| data.x[i] != data.x[rows[0]])) {
                Some((g, _)) => Err(format!("x varies within group {g}")),
                None => Ok(()),
            }
        }
        Claim::PooledIntercept { value, decimals } => {
            let f = crate::models::glm::glm(data, false).map_err(|e| e.to_string())?;
            expect("pooled intercept", *value, f.coef.first().copied(), *decimals)
        }
        Claim::ModeCloserToAlpha { group, closer } => {
            group_ok(data, *group)?;
            let own = own_intercepts(data)?[*group].ok_or("the group has no intercept of its own")?;
            let at = glmm_at(report)?;
            let mode = Posterior::new(data, *group, &at).mode().ok_or("the mode could not be recomputed")?;
            ((mode.abs() < (own - at.alpha).abs()) == *closer)
                .then_some(())
                .ok_or_else(|| format!("group {group}: b̂ = {mode}, own − α̂ = {}, the text says closer = {closer}", own - at.alpha))
        }
        Claim::LatentIcc { model, value, decimals } => {
            let s = match model {
                ModelKey::GlmmAgq => glmm(report)?.sigma_b,
                ModelKey::GlmmLaplace => report.glmm_laplace.fit().ok_or("glmer (Laplace) was not fitted")?.sigma_b,
                _ => return Err(format!("{model:?} has no latent-scale ICC")),
            };
            let v = s * s / (s * s + std::f64::consts::PI.powi(2) / 3.0);
            expect("latent-scale ICC", *value, Some(v), *decimals)
        }
        Claim::JointModeInterior { .. } | Claim::JointModeAtBound { .. } => {
            let fit = report.joint_mode.fit().ok_or("the joint mode was not fitted")?;
            crate::models::logistic::joint_mode_check::check_joint_mode_claim(data, fit, claim)
        }
        // A glmer row's note: its means do not sum to zero because its quadrature is not exact here.
        Claim::MeansSumNotZeroBecauseInexact { model, decimals, quadrature_error, gap, .. } => {
            let f = match model {
                ModelKey::GlmmLaplace => report.glmm_laplace.fit(),
                ModelKey::GlmmAgq => report.glmm_agq.fit(),
                _ => None,
            }
            .ok_or_else(|| format!("{model:?} is not a fitted glmer"))?;
            let unit = 10f64.powi(-(*decimals.min(&15) as i32));
            if f.cond_means.iter().sum::<f64>().abs() < 0.5 * unit {
                return Err(format!("{model:?}: Σ means reads as zero, yet the note says it is not"));
            }
            let at = AtParams { alpha: f.fixef[0], beta: f.fixef[1], sigma: f.sigma_b };
            let exact = exact_loglik_at(data, &at).ok_or("the exact log-likelihood could not be recomputed")?;
            let tol = INEXACT_TOL * exact.abs().max(1.0);
            if (f.loglik - exact - quadrature_error).abs() > tol {
                return Err(format!("{model:?}: logLik − exact = {} but the note says {quadrature_error}", f.loglik - exact));
            }
            if let (Some(gap), Some(m)) = (gap, report.marginal_exact.fit()) {
                if (exact - m.loglik - gap).abs() > tol {
                    return Err(format!("{model:?}: exact at its estimates − exact maximum = {} but the note says {gap}", exact - m.loglik));
                }
            }
            Ok(())
        }
        // The page text's own claims: checked against the fit by tests/claims.rs.
        Claim::Singular { .. }
        | Claim::NoFiniteEstimate { .. }
        | Claim::JointModeOnBound { .. }
        | Claim::SlopeCloserToZero { .. }
        | Claim::SlopesDiffer { .. } => Err(format!("{claim:?} is a claim of the page's text, checked by tests/claims.rs")),
        // About many seeds, not this fit: models::replications::check_counts refits each seed.
        Claim::ReplicationCounts { .. } => Err(format!("{claim:?} is checked by models::replications::check_counts")),
        // About a user's data, not the lesson's: own_data::explain::holds checks it against that fit.
        Claim::ModeIsNotMean { .. } => Err(format!("{claim:?} is checked by own_data::explain::holds")),
        Claim::WidestModeMeanGaps { .. }
        | Claim::PairSum { .. }
        | Claim::PairZeroSumLineGap { .. }
        | Claim::InterceptShiftedByMeanMode { .. }
        | Claim::ModeSumAtIntercept { .. }
        | Claim::PairModesAtIntercept { .. }
        | Claim::JointPeakGainAtIntercept { .. }
        | Claim::ExactLogLikAtIntercept { .. } => {
            Err(format!("{claim:?} is about your data and is checked by own_data::figure_claims"))
        }
        Claim::HeldAtMean { .. } | Claim::PointsShown { .. } | Claim::LogLinkAverageFactor { .. } => {
            Err(format!("{claim:?} is about your data and is checked by own_data::curve_claims"))
        }
    }
}

/// How close to zero the sum at a marked maximum of figure 8 must be (per σ_b², the scale of the score).
const PROFILE_SUM_TOL: f64 = 1e-6;
/// Agreement asked of a note's log-likelihood differences with this file's own integrals (relative).
const INEXACT_TOL: f64 = 1e-7;

/// glmer's (nAGQ as fitted) α, β, σ_b.
fn glmm_at(report: &FitReport) -> Result<AtParams, String> {
    let f = glmm(report)?;
    Ok(AtParams { alpha: f.fixef[0], beta: f.fixef[1], sigma: f.sigma_b })
}

/// Σ_g log ∫ e^{f_g(z)} dz at `at`, by this file's own integrals.
fn exact_loglik_at(data: &Dataset, at: &AtParams) -> Option<f64> {
    (0..data.n_groups()).try_fold(0.0, |t, g| Posterior::new(data, g, at).integrals().map(|(l, _)| t + l))
}

/// The groups whose outcomes are not all equal, with their rows.
fn mixed_groups(data: &Dataset) -> Vec<(usize, Vec<usize>)> {
    data.group_members()
        .into_iter()
        .enumerate()
        .filter(|(_, rows)| {
            let ones = rows.iter().filter(|&&i| data.y_bin[i] == 1.0).count();
            ones > 0 && ones < rows.len()
        })
        .collect()
}

/// Each group's own intercept in `glm(y_bin ~ x + factor(group), binomial)`: the groups that have one by
/// [`own_estimates`] (the rule figure 9 reads), their values refitted by the lesson's glm to those groups
/// alone, with x centred within each group (figure 9's come from the general engine's per-group GLM on the
/// raw x); None for the others.
fn own_intercepts(data: &Dataset) -> Result<Vec<Option<f64>>, String> {
    let own = own_estimates(&split_by_group(data));
    let keep: Vec<usize> = (0..data.n_groups()).filter(|&g| own[g].is_finite()).collect();
    let mut out = vec![None; data.n_groups()];
    if keep.is_empty() {
        return Ok(out);
    }
    // x centred within each group, x_i − x̄_g: the same model (γ_g = γ'_g − β·x̄_g), and a well-scaled one
    // when the groups' x lie thousands apart (spacing ±1000).
    let members = data.group_members();
    let centre: Vec<f64> = members.iter().map(|r| r.iter().map(|&i| data.x[i]).sum::<f64>() / r.len().max(1) as f64).collect();
    let rows: Vec<usize> = (0..data.n_obs()).filter(|&i| keep.contains(&data.group[i])).collect();
    let sub = Dataset {
        group: rows.iter().map(|&i| keep.iter().position(|&g| g == data.group[i]).unwrap_or(0)).collect(),
        group_labels: keep.iter().map(|&g| data.group_labels[g].clone()).collect(),
        x: rows.iter().map(|&i| data.x[i] - centre[data.group[i]]).collect(),
        y: None,
        y_bin: rows.iter().map(|&i| data.y_bin[i]).collect(),
    };
    let fit = crate::models::glm::glm(&sub, keep.len() > 1).map_err(|e| e.to_string())?;
    let beta = fit.coef[1];
    for (k, &g) in keep.iter().enumerate() {
        out[g] = Some(fit.coef[0] + if k == 0 { 0.0 } else { fit.coef[1 + k] } - beta * centre[g]);
    }
    Ok(out)
}

/// Every figure claim of `claims` checked; the first failure, with its claim.
pub fn check_all(claims: &[Claim], data: &Dataset, report: &FitReport) -> Result<(), String> {
    for c in claims {
        check(c, data, report).map_err(|e| format!("{e} ({c:?})"))?;
    }
    Ok(())
}
