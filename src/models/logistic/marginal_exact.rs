//! The exact marginal likelihood's fit as the lesson reports it (the answer's opt2 done properly): the checks
//! every glmer-type fit shares, the verdict on σ_b, the start, then [`maximise_exact`].

use super::exact::{best_start_of_groups, maximise_exact};
use super::kernel::GroupedData;
use super::pirls::default_start;
use super::sigma_bound::{sigma_b_bound_grouped, SigmaBound};
use crate::data::Dataset;
use crate::error::Result;
use crate::models::glm::glm;
use crate::report::MarginalExactFit;

/// Maximise the exact marginal likelihood from `start` (α, β, σ), halving the step until it is exact.
pub fn marginal_exact(data: &Dataset, start: [f64; 3]) -> Result<MarginalExactFit> {
    let grouped = GroupedData::new(data);
    marginal_exact_given(&grouped, start, &sigma_b_bound_grouped(&grouped))
}

/// [`marginal_exact`] with the verdict on σ_b already reached for these data (`fit_all` reaches it once).
pub fn marginal_exact_given(grouped: &GroupedData, start: [f64; 3], bound: &SigmaBound) -> Result<MarginalExactFit> {
    let model = "The exact marginal likelihood";
    grouped.check_estimable(model)?;
    bound.check(model)?;
    let (data, groups) = (grouped.data, &grouped.groups);
    // A start far out in σ (an approximation's optimum where it breaks down) is slow ground for the trapezoid
    // rule, or beyond its node budget: start from the decision's witness instead when the likelihood is higher
    // there, and from lme4's first-stage start when it cannot be computed at either.
    let mut candidates = vec![start];
    if let SigmaBound::Finite { witness: Some(w) } = bound {
        candidates.push(*w);
    }
    let start = best_start_of_groups(groups, &candidates)
        .or_else(|| {
            let pooled = glm(data, false).ok();
            best_start_of_groups(groups, &[default_start(data, pooled.as_ref().map(|f| f.coef.as_slice()))])
        })
        .unwrap_or(start);
    maximise_exact(groups, start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::logistic::exact::{conditional_means_exact, QUADRATURE_TOL};
    use crate::models::logistic::kernel::{conditional_modes, GlmmParams, Group};

    fn groups() -> Vec<Group> {
        let x: Vec<f64> = (0..30).map(|i| (i as f64 * 0.7).sin() * 2.0).collect();
        let y1: Vec<f64> = x.iter().enumerate().map(|(i, &v)| f64::from(u8::from(v + (i % 4) as f64 * 0.5 > 0.8))).collect();
        vec![Group::new(x.clone(), y1), Group::new(x, vec![1.0; 30])]
    }

    #[test]
    fn conditional_means_sum_to_zero_at_the_exact_optimum() {
        let gs = groups();
        let data = Dataset {
            group: (0..60).map(|i| i / 30).collect(),
            group_labels: vec!["1".into(), "2".into()],
            x: gs.iter().flat_map(|g| g.x.clone()).collect(),
            y: None,
            y_bin: gs.iter().flat_map(|g| g.y.clone()).collect(),
        };
        let fit = marginal_exact(&data, [0.0, 0.5, 1.0]).expect("fits");
        assert!(fit.quad_error < QUADRATURE_TOL);
        let p = GlmmParams { alpha: fit.alpha, beta: fit.beta, theta: fit.sigma };
        let modes = conditional_modes(&gs, &p, None);
        let (means, err) = conditional_means_exact(&gs, &p, &modes);
        assert!(err < 1e-9, "{fit:?} {means:?} {err}");
        assert!(means.iter().sum::<f64>().abs() < 1e-7, "{means:?}");
    }
}
