//! Titles, axis labels, ranges and sentences of figures 7 (each group's posterior) and 8 (the α profile),
//! built from their numbers; every data-dependent sentence records its [`Claim`].

use super::descriptions::{failure, glmm_name, num, FigureInfo};
use super::alpha_profile::{alpha_profile, AlphaProfile, MAX_PROFILE_OBS};
use super::posteriors::{posteriors, Posteriors};
use crate::claims::Claim;
use crate::models::logistic::kernel::GroupedData;
use crate::report::{FitReport, Outcome};

/// What figures 7 and 8 draw, with their descriptions (the hook `build_scene` calls).
pub(crate) struct Lesson {
    pub posteriors: Option<Posteriors>,
    pub alpha_profile: Option<AlphaProfile>,
    pub figures: Vec<FigureInfo>,
    /// What the sentences of figures 7 and 8 assert (for the tests; not part of the scene).
    #[cfg_attr(not(test), allow(dead_code, reason = "read by the claims tests"))]
    pub claims: Vec<Claim>,
}

/// Figures 7 and 8 from the GLMM fit (the page's nAGQ); `pair` chooses figure 7's groups when G is large.
pub(crate) fn build_lesson(grouped: &GroupedData, report: &FitReport, pair: (usize, usize)) -> Lesson {
    let data = grouped.data;
    let name = glmm_name(report);
    let (post, prof, why) = match &report.glmm_agq {
        Outcome::Fit(f) if f.sigma_b.is_nan() || f.sigma_b <= 0.0 => (None, None, Some(format!(
            "{name} estimates σ_b as 0 (a singular fit): every b_g is 0 for certain, so there is no posterior and no joint peak to draw."
        ))),
        Outcome::Fit(f) => (posteriors(data, &grouped.groups, f, pair), alpha_profile(data, &grouped.groups, f), None),
        o @ Outcome::Failed { .. } => (None, None, failure(&name, o)),
    };
    let why_profile = why.clone().or_else(|| {
        (data.n_obs() > MAX_PROFILE_OBS).then(|| format!(
            "The α profile is computed for up to {} observations, to keep the page responsive; these data have {}.",
            MAX_PROFILE_OBS,
            data.n_obs()
        ))
    });
    // Each figure carries its own sentences' claims, as figures 1–6 do (FigureInfo.claims).
    let (mut c7, mut c8) = (Vec::new(), Vec::new());
    let mut f7 = describe_posteriors(post.as_ref(), why, &mut c7);
    let mut f8 = describe_alpha_profile(prof.as_ref(), why_profile, &mut c8);
    f7.claims = c7.clone();
    f8.claims = c8.clone();
    let claims = c7.into_iter().chain(c8).collect();
    Lesson { posteriors: post, alpha_profile: prof, figures: vec![f7, f8], claims }
}

/// Decimals of the modes and means in figure 7's sentences.
pub const POSTERIOR_DECIMALS: usize = 4;

use super::descriptions::list;

/// Figure 7's description; records the claims of its sentences in `claims`.
pub(crate) fn describe_posteriors(post: Option<&Posteriors>, unavailable: Option<String>, claims: &mut Vec<Claim>) -> FigureInfo {
    let mut info = FigureInfo {
        number: 7,
        title: "Each group’s posterior of its random intercept".into(),
        x_label: "random intercept b_g".into(),
        y_label: "posterior density p(b_g | y)".into(),
        x_range: [-1.0, 1.0],
        y_range: [0.0, 1.0],
        ..Default::default()
    };
    let Some(post) = post.filter(|p| !p.groups.is_empty()) else {
        info.unavailable = Some(unavailable.unwrap_or_else(|| {
            "The posteriors of the random intercepts could not be computed for this fit.".into()
        }));
        return info;
    };
    let d = POSTERIOR_DECIMALS;
    let lo = post.groups.iter().map(|g| g.b[0]).fold(f64::INFINITY, f64::min);
    let hi = post.groups.iter().map(|g| g.b[g.b.len() - 1]).fold(f64::NEG_INFINITY, f64::max);
    let top = post.groups.iter().flat_map(|g| g.density.iter().copied()).fold(0.0, f64::max);
    info.x_range = [lo, hi];
    info.y_range = [0.0, top * 1.12];
    let mut per_group = Vec::new();
    for g in &post.groups {
        claims.push(Claim::GroupModeAndMean { group: g.group, mode: g.mode, mean: g.mean, decimals: d });
        let (m, e) = (num(g.mode, d), num(g.mean, d));
        let relation = if m == e {
            claims.push(Claim::MeanVsMode { group: g.group, above: None, decimals: d });
            "the same to 4 decimals".to_string()
        } else {
            let above = g.mean > g.mode;
            claims.push(Claim::MeanVsMode { group: g.group, above: Some(above), decimals: d });
            format!("the mean {} the mode", if above { "above" } else { "below" })
        };
        per_group.push(format!("group {}: mode {m}, mean {e} ({relation})", g.label));
    }
    let mut alt = format!(
        "Posterior densities of the random intercepts b_g given the data, at glmer’s α = {}, β = {}, σ_b = {} (nAGQ = {}), one panel per group: {}.",
        num(post.alpha, 4),
        num(post.beta, 4),
        num(post.sigma_b, 4),
        post.nagq,
        list(&per_group)
    );
    // The most skewed group: the largest gap between mode and mean.
    if let Some(s) = post.groups.iter().max_by(|a, b| (a.mean - a.mode).abs().total_cmp(&(b.mean - b.mode).abs())) {
        if num(s.mode, d) != num(s.mean, d) {
            alt.push_str(&format!(
                " The widest gap is in group {}, whose posterior is skewed: its mean lies {} {} its mode",
                s.label,
                num((s.mean - s.mode).abs(), d),
                if s.mean > s.mode { "above" } else { "below" }
            ));
            if s.n > 0 && (s.ones == s.n || s.ones == 0) {
                let value = if s.ones == s.n { 1.0 } else { 0.0 };
                claims.push(Claim::AllOutcomesEqual { group: s.group, value });
                alt.push_str(&format!(
                    ", because all {} of its outcomes are {}: its likelihood keeps rising as b_g {}, and only the normal density of b_g holds it back",
                    s.n,
                    value,
                    if value == 1.0 { "grows" } else { "falls" }
                ));
            }
            alt.push('.');
        }
    }
    info.alt = alt;
    let which = if post.all_groups {
        String::new()
    } else {
        let labels: Vec<String> = post.groups.iter().map(|g| g.label.clone()).collect();
        format!(
            " Groups {} of {} (the pair chosen for figures 3 and 4); with at most {} groups every group is drawn.",
            list(&labels),
            post.total_groups,
            super::posteriors::MAX_POSTERIOR_GROUPS
        )
    };
    info.explanation = format!(
        "Each curve is exact: the group’s Bernoulli likelihood times the normal density of b_g, divided by its integral so that every curve has area 1. Solid line: the conditional mode, the peak, which ranef() prints. Dashed line: the conditional mean E[b_g | y], the balance point. Each panel has its own density scale.{which}"
    );
    info
}

/// Decimals of the sums at the handle and at the marked α.
pub const SUM_DECIMALS: usize = 6;

/// Figure 8's description.
pub(crate) fn describe_alpha_profile(prof: Option<&AlphaProfile>, unavailable: Option<String>, claims: &mut Vec<Claim>) -> FigureInfo {
    let mut info = FigureInfo {
        number: 8,
        title: "Highest peak or highest total: the intercept α".into(),
        x_label: "intercept α (β and σ_b held at glmer’s fit)".into(),
        y_label: "log-likelihood minus its maximum".into(),
        x_range: [-1.0, 1.0],
        y_range: [-1.0, 0.0],
        ..Default::default()
    };
    let Some(prof) = prof.filter(|p| !p.points.is_empty()) else {
        info.unavailable = Some(unavailable.unwrap_or_else(|| {
            "The log marginal likelihood and the joint peak could not be followed along α for this fit.".into()
        }));
        return info;
    };
    claims.extend(prof.claims());
    let pts = &prof.points;
    let (ml, mp) = (prof.max_loglik(), prof.max_log_peak());
    let lo = pts.iter().map(|p| (p.loglik - ml).min(p.log_peak - mp)).fold(0.0, f64::min);
    let depth = if lo < 0.0 { -lo } else { 1.0 };
    info.x_range = [pts[0].alpha, pts[pts.len() - 1].alpha];
    // Headroom above both maxima (at 0) for the legend of up to five entries, clear of the curves.
    info.y_range = [-1.04 * depth, 1.0 * depth];
    let (f, l, p) = (pts[prof.fitted], pts[prof.argmax_loglik], pts[prof.argmax_peak]);
    let s = SUM_DECIMALS;
    let gap = p.alpha - l.alpha;
    info.alt = format!(
        "Two curves against the intercept α, with β = {} and σ_b = {} held at glmer’s fit, each minus its own maximum. The log marginal likelihood ℓ(α) is highest at α = {}, where the conditional means sum to zero; the log height of the joint peak is highest at α = {}, where the conditional modes sum to zero{}. glmer’s α (nAGQ = {}) is {}, where the modes sum to {} and the means to {}.",
        num(prof.beta, 4),
        num(prof.sigma_b, 4),
        num(l.alpha, 5),
        num(p.alpha, 5),
        if num(gap, 5) == num(0.0, 5) {
            ": the two agree to 5 decimals".to_string()
        } else {
            format!(", {} {} it", num(gap.abs(), 5), if gap > 0.0 { "above" } else { "below" })
        },
        prof.nagq,
        num(f.alpha, 5),
        num(f.sum_modes, s),
        num(f.sum_means, s)
    );
    info.explanation = "Drag the handle under the figure to move α and read both curves and both sums there. By the envelope theorem the slope of the log peak height is Σ b̂_g/σ_b² (the conditional modes) and the slope of ℓ is Σ E[b_g | y]/σ_b² (the conditional means), so the peak is highest where the modes sum to zero and ℓ where the means do. Each curve is drawn minus its own maximum, so both top out at 0.".into();
    info
}

/// What the page shows beside the handle at position `index` of figure 8.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HandleReadout {
    pub index: usize,
    pub positions: usize,
    pub alpha: f64,
    pub loglik: f64,
    pub log_peak: f64,
    pub sum_modes: f64,
    pub sum_means: f64,
    /// ℓ and log P minus their maxima (≤ 0).
    pub delta_loglik: f64,
    pub delta_log_peak: f64,
    /// "α = 1.31655", for the handle's aria-valuetext.
    pub label: String,
    /// Handle positions of glmer's α and of the two maxima.
    pub fitted: usize,
    pub argmax_loglik: usize,
    pub argmax_peak: usize,
    pub text: String,
}

/// The readout at handle position `index` (clamped to the positions).
pub fn handle_readout(prof: &AlphaProfile, index: usize) -> Option<HandleReadout> {
    let i = index.min(prof.points.len().checked_sub(1)?);
    let q = prof.points[i];
    let (dl, dp) = (q.loglik - prof.max_loglik(), q.log_peak - prof.max_log_peak());
    let s = SUM_DECIMALS;
    let mut text = format!(
        "At α = {}: ℓ = {} ({} below its maximum), log peak height = {} ({} below its maximum); Σ modes = {}, Σ means = {}.",
        num(q.alpha, 5),
        num(q.loglik, 4),
        num(-dl.min(0.0), 6),
        num(q.log_peak, 4),
        num(-dp.min(0.0), 6),
        num(q.sum_modes, s),
        num(q.sum_means, s)
    );
    if i == prof.argmax_peak {
        text.push_str(" This is the highest peak: the modes sum to zero.");
    }
    if i == prof.argmax_loglik {
        text.push_str(" This is the highest ℓ: the means sum to zero.");
    }
    Some(HandleReadout {
        index: i,
        positions: prof.points.len(),
        alpha: q.alpha,
        loglik: q.loglik,
        log_peak: q.log_peak,
        sum_modes: q.sum_modes,
        sum_means: q.sum_means,
        delta_loglik: dl,
        delta_log_peak: dp,
        label: format!("α = {}", num(q.alpha, 5)),
        fitted: prof.fitted,
        argmax_loglik: prof.argmax_loglik,
        argmax_peak: prof.argmax_peak,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surfaces::posteriors::tests::fitted;

    /// Each claim of figure 7, checked from the fit and the data without the code that wrote it.
    fn check_claims(data: &crate::data::Dataset, report: &FitReport, claims: &[Claim]) {
        let fit = report.glmm_agq.fit().unwrap();
        assert!(!claims.is_empty());
        for c in claims {
            match *c {
                Claim::GroupModeAndMean { group, mode, mean, decimals } => {
                    assert_eq!(num(fit.ranef[group], decimals), num(mode, decimals), "{c:?}");
                    assert_eq!(num(fit.cond_means[group], decimals), num(mean, decimals), "{c:?}");
                }
                Claim::MeanVsMode { group, above, decimals } => {
                    let (m, e) = (fit.ranef[group], fit.cond_means[group]);
                    match above {
                        Some(true) => assert!(e > m, "{c:?}"),
                        Some(false) => assert!(e < m, "{c:?}"),
                        None => assert_eq!(num(e, decimals), num(m, decimals), "{c:?}"),
                    }
                }
                Claim::AllOutcomesEqual { group, value } => {
                    let ys: Vec<f64> = (0..data.n_obs()).filter(|&i| data.group[i] == group).map(|i| data.y_bin[i]).collect();
                    assert!(!ys.is_empty() && ys.iter().all(|&y| y == value), "{c:?}");
                }
                _ => panic!("figure 7 records only its own claims: {c:?}"),
            }
        }
    }

    #[test]
    fn figure_7_sentences_hold_for_the_fit() {
        for partial in [
            serde_json::json!({}),
            serde_json::json!({"thresholds": [0.5, 0.0]}),
            serde_json::json!({"thresholds": [1.0, 0.1]}),
            serde_json::json!({"preset": "custom", "groups": 5}),
        ] {
            let (data, report) = fitted(partial.clone());
            let lesson = build_lesson(&crate::models::logistic::kernel::GroupedData::new(&data), &report, (0, 1));
            assert!(lesson.posteriors.is_some());
            let own: Vec<Claim> =
                lesson.claims.iter().filter(|c| !matches!(c, Claim::ProfileMaximum { .. })).cloned().collect();
            check_claims(&data, &report, &own);
            let info = &lesson.figures[0];
            assert_eq!(info.number, 7);
            assert!(info.unavailable.is_none(), "{partial}");
            assert!(info.explanation.contains("area 1"), "{}", info.explanation);
        }
        // The all-ones group: the sentence names it and says why.
        let (data, report) = fitted(serde_json::json!({"thresholds": [0.5, 0.0]}));
        let lesson = build_lesson(&crate::models::logistic::kernel::GroupedData::new(&data), &report, (0, 1));
        assert!(lesson.figures[0].alt.contains("all 200 of its outcomes are 1"), "{}", lesson.figures[0].alt);
    }

    #[test]
    fn figure_8_readout_at_the_maxima_shows_zero_sums() {
        let (data, report) = fitted(serde_json::json!({"preset": "question"}));
        let lesson = build_lesson(&crate::models::logistic::kernel::GroupedData::new(&data), &report, (0, 1));
        let prof = lesson.alpha_profile.as_ref().unwrap();
        let at_peak = handle_readout(prof, prof.argmax_peak).unwrap();
        assert!(at_peak.text.contains("Σ modes = 0.000000") && at_peak.text.contains("highest peak"), "{}", at_peak.text);
        let at_max = handle_readout(prof, prof.argmax_loglik).unwrap();
        assert!(at_max.text.contains("Σ means = 0.000000") && at_max.text.contains("highest ℓ"), "{}", at_max.text);
        assert_eq!(handle_readout(prof, 100_000).unwrap().index, prof.points.len() - 1);
        let info = &lesson.figures[1];
        assert_eq!(info.number, 8);
        assert!(info.x_range[0] < info.x_range[1] && info.y_range[0] < 0.0 && info.y_range[1] > 0.0);
        // A singular fit is a sentence, not a figure.
        let mut singular = report.clone();
        if let Outcome::Fit(f) = &mut singular.glmm_agq {
            f.sigma_b = 0.0;
        }
        let lesson = build_lesson(&crate::models::logistic::kernel::GroupedData::new(&data), &singular, (0, 1));
        assert!(lesson.figures.iter().all(|f| f.unavailable.as_deref().is_some_and(|s| s.contains("singular"))));
    }
}
