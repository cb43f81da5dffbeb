//! No pooling, `glm(y_bin ~ x + factor(group), binomial)`: which groups have a finite intercept of their own.
//!
//! One rule, read by figure 9 (which fits with the general engine's per-group GLM) and by its checker
//! (which refits with the lesson's [`super::glm::glm`]), so that the two cannot disagree about *whether* a
//! group has an estimate, only, if ever, about its value.
//!
//! A logistic regression's maximum-likelihood estimate is finite exactly when its columns are linearly
//! independent and no direction d of the coefficients has (2y_i − 1)·x_i'd ≥ 0 on every row with x_i'd ≠ 0
//! on some row (no complete or quasi-complete separation; Albert & Anderson 1984). With one slope β and one
//! intercept γ_g per group, η_i = γ_{g(i)} + β·x_i, a direction d = (d_γ, d_β) of that kind exists when
//! - d_β = 0: some group's outcomes are all equal (all 0: d_γg < 0; all 1: d_γg > 0). That group is
//!   *separated*: its γ_g runs off to ∓∞ while the supremum of the likelihood is the fit without its rows,
//!   whose other coefficients are finite. It is set aside ([`OwnEstimate::AllEqual`]);
//! - d_β ≠ 0: on the groups left, x separates the outcomes **within every group, in the same direction**:
//!   in each, every 0 lies at an x ≤ c_g ≤ every 1's x (d_β > 0, γ_g moving as −β·c_g), or every 0 at an
//!   x ≥ every 1's x (d_β < 0). Then β runs off to ±∞ and the likelihood has no maximum: no group has an
//!   estimate ([`OwnEstimate::SlopeDiverges`]).
//!
//! The columns are independent unless x is constant within every group left (then β is not identified:
//! [`OwnEstimate::SlopeNotIdentified`]). Otherwise each group left has a finite γ_g ([`OwnEstimate::Finite`]).

use serde::{Deserialize, Serialize};

use super::logistic::kernel::Group;

/// Whether a group has a finite no-pooling intercept, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
/// Externally tagged (serde's default): the scene travels through postcard, which has no internal tags.
#[serde(rename_all = "snake_case")]
pub enum OwnEstimate {
    /// The group's outcomes are mixed and the fit on such groups has a maximum: γ_g is finite.
    Finite,
    /// Every outcome of the group is `value` (0 or 1): γ_g runs off to −∞ (all 0) or +∞ (all 1).
    AllEqual { value: u8 },
    /// Within every group with mixed outcomes x separates them, the 1s at the larger x (`ones_above`) or at
    /// the smaller x in every one: the slope runs off to ±∞ and no group has an estimate.
    SlopeDiverges { ones_above: bool },
    /// x is constant within every group with mixed outcomes: the slope, and so each intercept at x = 0, is
    /// not identified.
    SlopeNotIdentified,
    /// The group has no rows.
    NoRows,
}

impl OwnEstimate {
    pub fn is_finite(self) -> bool {
        self == OwnEstimate::Finite
    }
}

/// Whether x separates this group's outcomes weakly with the 1s above (every 0's x ≤ every 1's x), with the
/// 1s below (every 0's x ≥ every 1's x).
fn separates_within(g: &Group) -> (bool, bool) {
    let (mut max0, mut min0, mut max1, mut min1) = (f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY);
    for (&x, &y) in g.x.iter().zip(&g.y) {
        if y == 1.0 {
            max1 = max1.max(x);
            min1 = min1.min(x);
        } else {
            max0 = max0.max(x);
            min0 = min0.min(x);
        }
    }
    (max0 <= min1, min0 >= max1)
}

/// The rule of this module, group by group (`groups` in group order, as `split_by_group` gives them).
pub fn own_estimates(groups: &[Group]) -> Vec<OwnEstimate> {
    let mut out: Vec<OwnEstimate> = groups
        .iter()
        .map(|g| {
            let ones = g.y.iter().filter(|&&y| y == 1.0).count();
            if g.y.is_empty() {
                OwnEstimate::NoRows
            } else if ones == g.y.len() {
                OwnEstimate::AllEqual { value: 1 }
            } else if ones == 0 {
                OwnEstimate::AllEqual { value: 0 }
            } else {
                OwnEstimate::Finite
            }
        })
        .collect();
    let mixed: Vec<&Group> = groups.iter().zip(&out).filter(|(_, e)| e.is_finite()).map(|(g, _)| g).collect();
    if mixed.is_empty() {
        return out;
    }
    let verdict = if mixed.iter().all(|g| g.x.iter().all(|&x| x == g.x[0])) {
        Some(OwnEstimate::SlopeNotIdentified)
    } else {
        let sep: Vec<(bool, bool)> = mixed.iter().map(|g| separates_within(g)).collect();
        if sep.iter().all(|s| s.0) {
            Some(OwnEstimate::SlopeDiverges { ones_above: true })
        } else if sep.iter().all(|s| s.1) {
            Some(OwnEstimate::SlopeDiverges { ones_above: false })
        } else {
            None
        }
    };
    if let Some(v) = verdict {
        out.iter_mut().filter(|e| e.is_finite()).for_each(|e| *e = v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Dataset;
    use crate::models::glm::glm;
    use crate::models::logistic::kernel::split_by_group;

    fn groups(rows: &[(usize, f64, f64)]) -> (Dataset, Vec<Group>) {
        let d = Dataset::binary(rows.iter().map(|r| r.1).collect(), rows.iter().map(|r| r.2).collect(), rows.iter().map(|r| r.0).collect());
        let g = split_by_group(&d);
        (d, g)
    }

    #[test]
    fn all_equal_groups_are_set_aside_and_the_others_fit() {
        // Group 1 mixed with overlap (a 0 above a 1), group 2 all 1.
        let (d, g) = groups(&[(0, 0.0, 0.0), (0, 1.0, 1.0), (0, 2.0, 0.0), (0, 3.0, 1.0), (1, 0.5, 1.0), (1, 1.5, 1.0)]);
        assert_eq!(own_estimates(&g), vec![OwnEstimate::Finite, OwnEstimate::AllEqual { value: 1 }]);
        // The group left fits: glm(y ~ x) on its rows has a finite maximum (score equations hold there).
        let sub = Dataset::binary(vec![0.0, 1.0, 2.0, 3.0], vec![0.0, 1.0, 0.0, 1.0], vec![0; 4]);
        let fit = glm(&sub, false).unwrap();
        assert!(fit.coef.iter().all(|c| c.is_finite() && c.abs() < 10.0), "{:?}", fit.coef);
        assert_eq!(d.n_groups(), 2);
    }

    #[test]
    fn x_separating_every_mixed_group_the_same_way_makes_the_slope_diverge() {
        // Two groups far apart, each with its 0 below its 1: β → +∞ with γ_g = −β·c_g.
        let (d, g) = groups(&[(0, -1000.0, 0.0), (0, -999.0, 1.0), (1, 1000.0, 0.0), (1, 1001.0, 1.0), (2, 5.0, 0.0)]);
        let slope = OwnEstimate::SlopeDiverges { ones_above: true };
        assert_eq!(own_estimates(&g), vec![slope, slope, OwnEstimate::AllEqual { value: 0 }]);
        // The lesson's glm on the mixed groups agrees: the deviance goes to 0 (it says so in a sentence).
        let mixed = Dataset::binary(d.x[..4].to_vec(), d.y_bin[..4].to_vec(), vec![0, 0, 1, 1]);
        assert!(glm(&mixed, true).unwrap_err().to_string().contains("no finite estimate"));
        // One group's 1 below its 0 instead: directions differ, every mixed group has a finite γ_g.
        let (_, g) = groups(&[(0, -1000.0, 0.0), (0, -999.0, 1.0), (1, 1000.0, 1.0), (1, 1001.0, 0.0)]);
        assert_eq!(own_estimates(&g), vec![OwnEstimate::Finite; 2]);
        // Every 1 below every 0 in both groups: β → −∞.
        let (_, g) = groups(&[(0, 0.0, 1.0), (0, 1.0, 0.0), (1, 3.0, 1.0), (1, 4.0, 0.0), (1, 4.0, 0.0)]);
        assert_eq!(own_estimates(&g), vec![OwnEstimate::SlopeDiverges { ones_above: false }; 2]);
    }

    #[test]
    fn a_tie_at_the_boundary_is_quasi_separation_and_still_diverges() {
        // Group 1: a 0 and a 1 at the same x, group 2 separated: the weak inequalities hold.
        let (_, g) = groups(&[(0, 1.0, 0.0), (0, 1.0, 1.0), (0, 0.0, 0.0), (1, 2.0, 0.0), (1, 3.0, 1.0)]);
        assert_eq!(own_estimates(&g), vec![OwnEstimate::SlopeDiverges { ones_above: true }; 2]);
        // A 0 strictly above a 1 in group 1: overlap, finite.
        let (_, g) = groups(&[(0, 1.5, 0.0), (0, 1.0, 1.0), (0, 0.0, 0.0), (1, 2.0, 0.0), (1, 3.0, 1.0)]);
        assert_eq!(own_estimates(&g), vec![OwnEstimate::Finite; 2]);
    }

    #[test]
    fn x_constant_within_groups_leaves_the_slope_unidentified_and_no_rows_is_said() {
        let (_, g) = groups(&[(0, 1.0, 0.0), (0, 1.0, 1.0), (1, 2.0, 1.0), (1, 2.0, 0.0)]);
        assert_eq!(own_estimates(&g), vec![OwnEstimate::SlopeNotIdentified; 2]);
        let empty = Group::new(Vec::new(), Vec::new());
        assert_eq!(own_estimates(&[empty]), vec![OwnEstimate::NoRows]);
    }
}
