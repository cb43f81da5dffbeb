//! Independent checks of the claims of your data's fitted-curves figure, from the design alone:
//! * a held value is the mean of its column of X over every row fitted, added up row by row here;
//! * the points shown are Σ_g ⌈n_g / k_g⌉ with k_g = ⌈n_g / q⌉, q = max(1, ⌊5000 / G⌋) when n > 5000, else n;
//! * with a log link the population average over the b = 0 curve is ∫ e^b N(b; 0, σ_b²) db, by the trapezoid
//!   rule over σ_b² ± 12σ_b (not the closed form the sentence prints).

use crate::claims::Claim;
use crate::data::grouped_design::GroupedDesign;
use crate::surfaces::points::MAX_POINTS;

/// Steps of the trapezoid rule for the log-link factor.
const STEPS: usize = 20_000;

fn same_print(claimed: f64, truth: f64, decimals: usize, what: &str) -> Result<(), String> {
    let unit = 10f64.powi(-(decimals.min(15) as i32));
    if (claimed - truth).abs() <= 0.5 * unit * (1.0 + 1e-9) + 1e-12 * truth.abs() {
        Ok(())
    } else {
        Err(format!("{what}: the text says {claimed}, recomputed {truth}"))
    }
}

/// Checks one claim of the fitted-curves figure against `design`.
pub fn check_curve_claim(claim: &Claim, design: &GroupedDesign) -> Result<(), String> {
    match claim {
        Claim::HeldAtMean { column, value, decimals } => {
            let p = design.p();
            if *column >= p {
                return Err(format!("X has no column {column}"));
            }
            let values: Vec<f64> = design.groups.iter().flat_map(|g| g.x.iter().skip(*column).step_by(p).copied()).collect();
            let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
            same_print(*value, mean, *decimals, &format!("the mean of {}", design.names[*column]))
        }
        Claim::PointsShown { shown, total } => {
            let n = design.n_obs();
            let q = (MAX_POINTS / design.n_groups().max(1)).max(1);
            let expected: usize = if n > MAX_POINTS {
                design.groups.iter().map(|g| g.n_obs()).filter(|&m| m > 0).map(|m| m.div_ceil(m.div_ceil(q))).sum()
            } else {
                n
            };
            if *total == n && *shown == expected {
                Ok(())
            } else {
                Err(format!("the text says {shown} of {total} points, the rule gives {expected} of {n}"))
            }
        }
        Claim::LogLinkAverageFactor { sigma_b, factor, decimals } => {
            let s = *sigma_b;
            let (lo, hi) = (s * s - 12.0 * s, s * s + 12.0 * s);
            let h = (hi - lo) / STEPS as f64;
            let f = |b: f64| (b - 0.5 * (b / s).powi(2)).exp() / (s * (2.0 * std::f64::consts::PI).sqrt());
            let integral: f64 =
                (0..=STEPS).map(|k| if k == 0 || k == STEPS { 0.5 } else { 1.0 } * f(lo + k as f64 * h)).sum::<f64>() * h;
            same_print(*factor, integral, *decimals, "the population average over the b = 0 curve")
        }
        other => Err(format!("{other:?} is not a claim of the fitted-curves figure")),
    }
}
