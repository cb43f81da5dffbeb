//! Figure 9, shrinkage: each group's intercept at x = 0 on the log-odds scale, from three ways of pooling.
//!
//! - **No pooling**: `glm(y_bin ~ x + factor(group), binomial)`, group g's own intercept γ_g (the
//!   `(Intercept)` for the reference group, `(Intercept)` + `factor(group)g` for the others). A group whose
//!   outcomes are all 0 or all 1 is *separated*: its γ_g runs off to ∓∞ and has no estimate; R's fit
//!   approaches the fit without that group's rows, which is what the general engine's per-group GLM
//!   ([`crate::models::glmm::glm_group`]) computes for the other groups.
//! - **Partial pooling**: glmer's conditional mode α̂ + b̂_g (what `coef(fit)` prints) and its conditional
//!   mean α̂ + E[b_g | y].
//! - **Complete pooling**: the intercept of `glm(y_bin ~ x, binomial)`, one line for every group.
//!
//! Every intercept is the model's own at x = 0: each model has its own slope, so the points compare the
//! groups' levels, not whole curves.

use serde::{Deserialize, Serialize};

use super::descriptions::{failure, glmm_name, list, num, FigureInfo};
use crate::claims::Claim;
use crate::data::grouped_design::GroupedDesign;
use crate::models::logistic::kernel::GroupedData;
use crate::models::glmm::{glm_group_for, FamilyLink};
use crate::models::no_pooling::{own_estimates, OwnEstimate};
use crate::report::{FitReport, Outcome};

/// Decimals of the intercepts in figure 9's sentences.
pub const SHRINKAGE_DECIMALS: usize = 3;

/// At most this many groups are listed one by one in the figure's text description.
pub const LISTED_GROUPS: usize = 12;

/// One group's three intercepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupShrinkage {
    /// 0-based group index.
    pub group: usize,
    pub label: String,
    pub n: usize,
    /// How many outcomes are 1.
    pub ones: usize,
    /// Whether the group has a no-pooling intercept ([`own_estimates`]).
    pub own: OwnEstimate,
    /// The no-pooling intercept γ_g; None without one.
    pub no_pooling: Option<f64>,
    /// α̂ + b̂_g, glmer's conditional mode.
    pub mode: f64,
    /// α̂ + E[b_g | y], glmer's conditional mean.
    pub mean: f64,
}

impl GroupShrinkage {
    /// Separated: every outcome 0 (`Some(0.0)`) or every outcome 1 (`Some(1.0)`).
    pub fn all_equal(&self) -> Option<f64> {
        match self.own {
            OwnEstimate::AllEqual { value } => Some(f64::from(value)),
            _ => None,
        }
    }
}

/// What figure 9 draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shrinkage {
    pub groups: Vec<GroupShrinkage>,
    /// The complete-pooling intercept (`glm(y_bin ~ x, binomial)`), when that model was fitted.
    pub pooled: Option<f64>,
    /// glmer's α̂, σ_b and nAGQ.
    pub alpha: f64,
    pub sigma_b: f64,
    pub nagq: usize,
}

/// Each group's no-pooling intercept γ_g: [`own_estimates`] decides which groups have one, the general
/// engine's per-group GLM fitted to those groups gives its value (None for the others, or if that fit fails).
pub fn no_pooling_intercepts(grouped: &GroupedData, own: &[OwnEstimate]) -> Vec<Option<f64>> {
    let data = grouped.data;
    let g = data.n_groups();
    let keep: Vec<bool> = own.iter().map(|e| e.is_finite()).collect();
    if !keep.iter().any(|&k| k) {
        return vec![None; g];
    }
    let design = GroupedDesign::from_dataset(data).with_groups_kept(&keep);
    let Ok(fit) = glm_group_for(&design, FamilyLink::BinomialLogit) else { return vec![None; g] };
    let coef = |name: &str| fit.coef_named.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    let Some(intercept) = coef("(Intercept)") else { return vec![None; g] };
    data.group_labels
        .iter()
        .zip(&keep)
        .map(|(label, &kept)| {
            if !kept {
                None
            } else if *label == fit.reference_group {
                Some(intercept)
            } else {
                coef(&format!("{}{label}", design.group_name)).map(|c| intercept + c)
            }
        })
        .collect()
}

/// Figure 9's numbers from the data and glmer's fit, or the sentence saying why there are none.
pub fn shrinkage(grouped: &GroupedData, report: &FitReport) -> Result<Shrinkage, String> {
    let data = grouped.data;
    let name = glmm_name(report);
    let fit = match &report.glmm_agq {
        Outcome::Fit(f) => f,
        o @ Outcome::Failed { .. } => return Err(failure(&name, o).unwrap_or_default()),
    };
    let g = data.n_groups();
    if fit.fixef.is_empty() || fit.ranef.len() != g || fit.cond_means.len() != g {
        return Err(format!("{name} does not match the {g} groups of the data."));
    }
    let alpha = fit.fixef[0];
    // A singular fit (σ_b = 0): every b_g is 0 for certain, its mode and its mean.
    let singular = fit.sigma_b.is_nan() || fit.sigma_b <= 0.0;
    let b = |v: f64| if singular { 0.0 } else { v };
    let own = own_estimates(&grouped.groups);
    let no_pool = no_pooling_intercepts(grouped, &own);
    let groups = (0..g)
        .map(|k| GroupShrinkage {
            group: k,
            label: data.group_labels[k].clone(),
            n: grouped.groups[k].y.len(),
            ones: grouped.groups[k].y.iter().filter(|&&y| y == 1.0).count(),
            own: own[k],
            no_pooling: no_pool[k].filter(|v| v.is_finite()),
            mode: alpha + b(fit.ranef[k]),
            mean: alpha + b(fit.cond_means[k]),
        })
        .collect();
    let pooled = report.glm_pooled.fit().and_then(|f| f.coef.first().copied()).filter(|v| v.is_finite());
    Ok(Shrinkage { groups, pooled, alpha, sigma_b: fit.sigma_b, nagq: fit.nagq })
}

/// Whether group `s`'s mode lies closer to glmer's α̂ than its no-pooling estimate (None without one).
pub fn shrunk_toward_alpha(s: &GroupShrinkage, alpha: f64) -> Option<bool> {
    s.no_pooling.map(|np| (s.mode - alpha).abs() < (np - alpha).abs())
}

/// Figure 9's description and the claims of its sentences.
pub(crate) fn describe_shrinkage(sh: Result<&Shrinkage, String>, claims: &mut Vec<Claim>) -> FigureInfo {
    let mut info = FigureInfo {
        number: 9,
        title: "Shrinkage: each group’s intercept, alone and pooled".into(),
        x_label: "group".into(),
        y_label: "intercept at x = 0 (log-odds)".into(),
        x_range: [-0.5, 0.5],
        y_range: [-1.0, 1.0],
        x_symbol: "group".into(),
        y_symbol: "intercept".into(),
        file_name: "shrinkage".into(),
        ..Default::default()
    };
    let sh = match sh {
        Ok(s) if !s.groups.is_empty() => s,
        Ok(_) => {
            info.unavailable = Some("There are no groups to draw.".into());
            return info;
        }
        Err(why) => {
            info.unavailable = Some(why);
            return info;
        }
    };
    let d = SHRINKAGE_DECIMALS;
    let values: Vec<f64> = sh
        .groups
        .iter()
        .flat_map(|s| [Some(s.mode), Some(s.mean), s.no_pooling])
        .chain([sh.pooled, Some(sh.alpha)])
        .flatten()
        .filter(|v| v.is_finite())
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = (hi - lo).max(0.5);
    // Room above and below for the triangles of separated groups and for the legend.
    info.y_range = [lo - 0.12 * span, hi + 0.45 * span];
    info.x_range = [-0.6, sh.groups.len() as f64 - 0.4];

    let mut per_group = Vec::new();
    for s in sh.groups.iter().take(LISTED_GROUPS) {
        claims.push(Claim::ShrinkageIntercepts { group: s.group, no_pooling: s.no_pooling, mode: s.mode, mean: s.mean, decimals: d });
        let own = match s.no_pooling {
            Some(v) => format!("alone {}", num(v, d)),
            None => "alone none".to_string(),
        };
        per_group.push(format!("group {}: {own}, mode {}, mean {}", s.label, num(s.mode, d), num(s.mean, d)));
    }
    let more = sh.groups.len().saturating_sub(LISTED_GROUPS);
    let more = if more > 0 { format!(", and {more} more groups") } else { String::new() };
    let pooled = match sh.pooled {
        Some(p) => {
            claims.push(Claim::PooledIntercept { value: p, decimals: d });
            format!("the complete-pooling intercept of glm(y_bin ~ x, binomial) is {}", num(p, d))
        }
        None => "glm(y_bin ~ x, binomial) has no fit, so there is no complete-pooling line".to_string(),
    };
    info.alt = format!(
        "Each group’s intercept at x = 0 on the log-odds scale: its own (no pooling), glmer’s conditional mode α̂ + b̂_g and conditional mean α̂ + E[b_g | y] (glmer’s α̂ = {}, σ_b = {}, nAGQ = {}); {pooled}. {}{more}.",
        num(sh.alpha, d),
        num(sh.sigma_b, d),
        sh.nagq,
        capitalise(&list(&per_group))
    );

    // What the arrows show, group by group.
    let mut shrunk = Vec::new();
    let mut not_shrunk = Vec::new();
    for s in &sh.groups {
        if let Some(closer) = shrunk_toward_alpha(s, sh.alpha) {
            claims.push(Claim::ModeCloserToAlpha { group: s.group, closer });
            if closer { shrunk.push(s.label.clone()) } else { not_shrunk.push(s.label.clone()) }
        }
    }
    let with_own = shrunk.len() + not_shrunk.len();
    let arrows = if with_own == 0 {
        "No group has an estimate of its own here, so there are no solid arrows.".to_string()
    } else if not_shrunk.is_empty() {
        format!(
            "{} toward glmer’s α̂: the random intercept pulls each group’s estimate toward the others, the more so the fewer and the less telling its outcomes.",
            match with_own {
                1 => "The one solid arrow points".to_string(),
                2 => "Both solid arrows point".to_string(),
                n => format!("All {n} solid arrows point"),
            }
        )
    } else {
        format!(
            "{} of the {with_own} solid arrows end closer to glmer’s α̂ than they start; for group{} {} the mode is not closer (each model has its own slope, so the intercepts at x = 0 also absorb the slopes’ difference).",
            shrunk.len(),
            if not_shrunk.len() == 1 { "" } else { "s" },
            list(&not_shrunk)
        )
    };
    let separated: Vec<&GroupShrinkage> = sh.groups.iter().filter(|s| s.no_pooling.is_none() && s.all_equal().is_some()).collect();
    let mut sep_text = String::new();
    if !separated.is_empty() {
        let mut names = Vec::new();
        for s in &separated {
            let value = s.all_equal().unwrap_or(0.0);
            claims.push(Claim::AllOutcomesEqual { group: s.group, value });
            names.push(format!("{} (all {})", s.label, value));
        }
        let one = separated.len() == 1;
        let any_own = sh.groups.iter().any(|s| s.no_pooling.is_some());
        sep_text = format!(
            " Group{} {} {} no estimate of {} own: all {} outcomes are equal, so glm’s intercept for {} runs off to infinity (R prints a huge number and a warning). {} drawn as a hollow triangle at the top (all 1) or bottom (all 0) edge, with a dotted arrow to {} mode{}.",
            if one { "" } else { "s" },
            list(&names),
            if one { "has" } else { "have" },
            if one { "its" } else { "their" },
            if one { "its" } else { "their" },
            if one { "it" } else { "them" },
            if one { "It is" } else { "They are" },
            if one { "its" } else { "their" },
            if any_own {
                format!("; the other groups’ own estimates are those of the fit without {}, the limit R’s fit approaches", if one { "it" } else { "them" })
            } else {
                String::new()
            },
        );
    }
    // The groups with mixed outcomes have no estimate either: the slope diverges or is not identified.
    let mixed = sh.groups.iter().filter(|s| matches!(s.own, OwnEstimate::SlopeDiverges { .. } | OwnEstimate::SlopeNotIdentified)).count();
    let within = if mixed == 1 { "In the one group whose outcomes are not all equal" } else { "In every group whose outcomes are not all equal" };
    let slope_text = match sh.groups.iter().map(|s| s.own).find(|e| matches!(e, OwnEstimate::SlopeDiverges { .. } | OwnEstimate::SlopeNotIdentified)) {
        Some(OwnEstimate::SlopeDiverges { ones_above }) => {
            claims.push(Claim::SlopeSeparatesWithinGroups { ones_above });
            format!(
                " {within}, x separates the 0s from the 1s{}: every 1 lies at an x at least as {} as every 0’s. So glm’s slope runs off to {}∞ and its likelihood has no maximum (R prints huge numbers and a warning): no group has an estimate of its own, and none is drawn.",
                if mixed == 1 { "" } else { " the same way" },
                if ones_above { "large" } else { "small" },
                if ones_above { "+" } else { "−" }
            )
        }
        Some(OwnEstimate::SlopeNotIdentified) => {
            claims.push(Claim::XConstantWithinGroups);
            format!(" {within}, x takes one value only, so glm cannot tell the slope from the groups’ intercepts: no group has an intercept at x = 0 of its own, and none is drawn.")
        }
        _ => String::new(),
    };
    info.explanation = format!(
        "Hollow circles: each group’s own intercept from glm(y_bin ~ x + factor(group), binomial), no pooling. Filled circles: glmer’s conditional modes α̂ + b̂_g (what coef() prints); diamonds: the conditional means α̂ + E[b_g | y]; each solid arrow runs from a group’s own estimate to its mode. Dashed line: the intercept of glm(y_bin ~ x, binomial), complete pooling; grey line: glmer’s α̂. All are intercepts at x = 0. {arrows}{sep_text}{slope_text}"
    );
    info
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surfaces::posteriors::tests::fitted;

    #[test]
    fn points_are_the_fits_numbers() {
        let (data, report) = fitted(serde_json::json!({}));
        let sh = shrinkage(&GroupedData::new(&data), &report).unwrap();
        let glmm = report.glmm_agq.fit().unwrap();
        let glm_group = report.glm_group.fit().unwrap();
        let pooled = report.glm_pooled.fit().unwrap();
        assert_eq!(sh.groups.len(), 2);
        assert_eq!(sh.pooled, Some(pooled.coef[0]));
        for (k, s) in sh.groups.iter().enumerate() {
            assert_eq!(s.mode, glmm.fixef[0] + glmm.ranef[k]);
            assert_eq!(s.mean, glmm.fixef[0] + glmm.cond_means[k]);
            // coef: (Intercept), x, factor(group)2: the lesson's own glm, another implementation.
            let own = glm_group.coef[0] + if k == 0 { 0.0 } else { glm_group.coef[1 + k] };
            assert!((s.no_pooling.unwrap() - own).abs() < 1e-8, "group {k}: {:?} vs {own}", s.no_pooling);
        }
        // The answer's example (README): modes −1.033914 and 1.006378 around α̂ = 1.316554.
        assert!((sh.groups[0].mode - (1.316554 - 1.033914)).abs() < 2e-6, "{}", sh.groups[0].mode);
        assert!((sh.groups[1].mode - (1.316554 + 1.006378)).abs() < 2e-6, "{}", sh.groups[1].mode);
        let mut claims = Vec::new();
        let info = describe_shrinkage(Ok(&sh), &mut claims);
        assert!(info.unavailable.is_none());
        assert!(info.alt.contains(&num(sh.groups[0].mode, 3)), "{}", info.alt);
        for c in &claims {
            crate::surfaces::claims_check::check(c, &data, &report).unwrap_or_else(|e| panic!("{e}: {c:?}"));
        }
    }

    #[test]
    fn a_separated_group_has_no_estimate_of_its_own_and_the_caption_says_so() {
        let (data, report) = fitted(serde_json::json!({"preset": "custom", "groups": 3, "thresholds": [0.5, 0.0, 0.3]}));
        // The lesson's glm + group fails on the separated group; the figure still has the others'.
        assert!(report.glm_group.fit().is_none());
        let sh = shrinkage(&GroupedData::new(&data), &report).unwrap();
        assert_eq!(sh.groups[1].all_equal(), Some(1.0));
        assert!(sh.groups[1].no_pooling.is_none());
        assert!(sh.groups[0].no_pooling.is_some() && sh.groups[2].no_pooling.is_some());
        let mut claims = Vec::new();
        let info = describe_shrinkage(Ok(&sh), &mut claims);
        assert!(info.explanation.contains("Group 2 (all 1) has no estimate of its own"), "{}", info.explanation);
        assert!(claims.iter().any(|c| matches!(c, Claim::AllOutcomesEqual { group: 1, .. })));
        for c in &claims {
            crate::surfaces::claims_check::check(c, &data, &report).unwrap_or_else(|e| panic!("{e}: {c:?}"));
        }
    }

    #[test]
    fn x_separating_the_mixed_group_leaves_no_group_an_estimate_and_the_caption_says_why() {
        // tests/claims.rs's configuration: group 2 all 0, group 1's two rows 1000 apart from it; within
        // group 1 x puts the 1 above the 0, so glm's slope diverges (the general engine stopped at ≈ −40,000).
        let (data, report) = fitted(serde_json::json!({
            "preset": "custom", "seed": 95, "groups": 2, "n": 2, "thresholds": [0.5016008706874255, 1.0],
            "y_coef": 1.0, "spacing": 1000.0, "center": true, "nagq": 26
        }));
        let sh = shrinkage(&GroupedData::new(&data), &report).unwrap();
        assert_eq!(sh.groups[1].own, OwnEstimate::AllEqual { value: 0 });
        assert!(matches!(sh.groups[0].own, OwnEstimate::SlopeDiverges { .. }), "{:?}", sh.groups[0].own);
        assert!(sh.groups.iter().all(|s| s.no_pooling.is_none()));
        let mut claims = Vec::new();
        let info = describe_shrinkage(Ok(&sh), &mut claims);
        assert!(info.explanation.contains("In the one group whose outcomes are not all equal, x separates the 0s from the 1s"), "{}", info.explanation);
        assert!(!info.explanation.contains("the fit without"), "{}", info.explanation);
        assert!(claims.iter().any(|c| matches!(c, Claim::SlopeSeparatesWithinGroups { .. })));
        for c in &claims {
            crate::surfaces::claims_check::check(c, &data, &report).unwrap_or_else(|e| panic!("{e}: {c:?}"));
        }
        // The opposite direction is false for these rows.
        let Some(Claim::SlopeSeparatesWithinGroups { ones_above }) = claims.iter().find(|c| matches!(c, Claim::SlopeSeparatesWithinGroups { .. })).cloned() else { unreachable!() };
        assert!(crate::surfaces::claims_check::check(&Claim::SlopeSeparatesWithinGroups { ones_above: !ones_above }, &data, &report).is_err());
    }
}
