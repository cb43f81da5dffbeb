//! The observations a figure shows, thinned deterministically for large data.
//!
//! Rule: at most [`MAX_POINTS`] points per figure. With n > 5,000 observations in G groups, keep
//! every k-th observation of each group (in data order, starting with its first), where
//! k = ⌈n_g / q⌉ and q = max(1, ⌊5000 / G⌋); each group then shows ⌈n_g / k⌉ ≤ q points.

use serde::{Deserialize, Serialize};

use crate::data::Dataset;

/// Largest number of points drawn per figure.
pub const MAX_POINTS: usize = 5000;

/// The (possibly thinned) observations, in data order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ScenePoints {
    pub x: Vec<f64>,
    pub y: Option<Vec<f64>>,
    pub y_bin: Vec<f64>,
    /// 0-based group of each point.
    pub group: Vec<usize>,
    pub n_total: usize,
    pub n_shown: usize,
    /// The thinning step k of each group (1 = every observation).
    pub step: Vec<usize>,
    /// The thinning rule as a caption sentence, when points were left out.
    pub thinning: Option<String>,
}

/// 12345 → "12,345".
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Which observations a figure keeps: `keep` (0-based, in data order), each group's step k, and the rule as a
/// caption sentence when some were left out (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct Thinned {
    pub keep: Vec<usize>,
    pub step: Vec<usize>,
    pub thinning: Option<String>,
}

/// The thinning rule on `members` (each group's observation indices, in data order) of `n` observations.
pub fn thin_rows(members: &[Vec<usize>], n: usize) -> Thinned {
    let g = members.len().max(1);
    let thin = n > MAX_POINTS;
    let q = (MAX_POINTS / g).max(1);
    let step: Vec<usize> = members.iter().map(|m| if thin { m.len().div_ceil(q).max(1) } else { 1 }).collect();
    let mut keep: Vec<usize> = members.iter().zip(&step).flat_map(|(m, &k)| m.iter().copied().step_by(k)).collect();
    keep.sort_unstable();
    let thinning = thin.then(|| {
        let (kmin, kmax) = step
            .iter()
            .zip(members)
            .filter(|(_, m)| !m.is_empty())
            .fold((usize::MAX, 0), |(lo, hi), (&k, _)| (lo.min(k), hi.max(k)));
        let ks = if kmin == kmax { format!("k = {kmin}") } else { format!("k = {kmin} to {kmax}") };
        format!(
            "Showing {} of {} observations: every k-th observation of each group, k = ⌈n_g / {}⌉ ({ks}).",
            thousands(keep.len()),
            thousands(n),
            thousands(q)
        )
    });
    Thinned { keep, step, thinning }
}

/// Select the points to draw.
pub fn select_points(data: &Dataset) -> ScenePoints {
    let n = data.n_obs();
    let Thinned { keep, step, thinning } = thin_rows(&data.group_members(), n);
    let pick = |v: &[f64]| keep.iter().filter_map(|&i| v.get(i).copied()).collect::<Vec<f64>>();
    ScenePoints {
        x: pick(&data.x),
        y: data.y.as_ref().map(|y| pick(y)),
        y_bin: pick(&data.y_bin),
        group: keep.iter().filter_map(|&i| data.group.get(i).copied()).collect(),
        n_total: n,
        n_shown: keep.len(),
        step,
        thinning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(sizes: &[usize]) -> Dataset {
        let mut group = Vec::new();
        for (g, &n) in sizes.iter().enumerate() {
            group.extend(std::iter::repeat_n(g, n));
        }
        let n = group.len();
        Dataset {
            group,
            group_labels: (1..=sizes.len()).map(|g| g.to_string()).collect(),
            x: (0..n).map(|i| i as f64).collect(),
            y: None,
            y_bin: vec![1.0; n],
        }
    }

    #[test]
    fn small_data_are_shown_whole() {
        let p = select_points(&data(&[200, 200]));
        assert_eq!(p.n_shown, 400);
        assert!(p.thinning.is_none());
        assert_eq!(p.step, vec![1, 1]);
    }

    #[test]
    fn large_data_keep_every_kth_per_group_and_at_most_5000() {
        let p = select_points(&data(&[30_000, 7_000, 1_000]));
        assert!(p.n_shown <= MAX_POINTS, "{}", p.n_shown);
        // q = 1666: k = ⌈30000/1666⌉ = 19, ⌈7000/1666⌉ = 5, ⌈1000/1666⌉ = 1.
        assert_eq!(p.step, vec![19, 5, 1]);
        assert_eq!(p.x[0], 0.0);
        assert_eq!(p.x[1], 19.0);
        let text = p.thinning.unwrap();
        assert!(text.contains("38,000") && text.contains("k = 1 to 19"), "{text}");
        let p = select_points(&data(&[100_000]));
        assert_eq!(p.n_shown, 5000);
    }
}
