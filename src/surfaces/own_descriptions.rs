//! Titles, ranges and sentences of the figures of your data (issue 13): the chosen pair's posteriors and
//! their joint posterior, at the page's glmer fit of the user's data. Every data-dependent sentence records
//! its [`Claim`] in the figure's `claims` (checked by `own_data::figure_claims`).

use super::descriptions::{list, num, FigureInfo};
use super::own_posteriors::OwnPair;
use crate::claims::{Claim, Summed};

/// Decimals of the modes, means and sums in these figures' sentences.
pub const OWN_DECIMALS: usize = 4;

/// Figure number of the pair's posteriors (as the lesson's figure 7).
pub const OWN_POSTERIORS: u8 = 7;
/// Figure number of the pair's joint posterior (as the lesson's figure 3).
pub const OWN_JOINT: u8 = 3;

/// What the sentences need to know about the fit and the data besides the pair's numbers.
#[derive(Debug, Clone)]
pub struct OwnContext<'a> {
    /// `glmer(…, nAGQ = K)`.
    pub model: &'a str,
    pub family: &'a str,
    pub link: &'a str,
    pub sigma_b: f64,
    /// The grouping factor's name and how many groups it has.
    pub group_name: &'a str,
    pub groups: usize,
    /// The two groups with the widest gaps between mode and mean (0-based, smaller first).
    pub widest: (usize, usize),
    /// Their labels.
    pub widest_labels: (&'a str, &'a str),
    /// Each shown group's data in a few words ("5 successes in 39 trials").
    pub outcomes: [String; 2],
}

/// A figure's description with its number, title, axis labels and file name; ranges and sentences to fill in.
pub(crate) fn base(number: u8, title: &str, x_label: String, y_label: &str, file_name: &str) -> FigureInfo {
    FigureInfo {
        number,
        title: title.into(),
        x_label,
        y_label: y_label.into(),
        x_range: [-1.0, 1.0],
        y_range: [0.0, 1.0],
        file_name: file_name.into(),
        ..Default::default()
    }
}

/// The posteriors figure with only the sentence `why` (nothing to draw).
pub fn own_posteriors_unavailable(why: String) -> FigureInfo {
    let mut info = posteriors_base();
    info.unavailable = Some(why);
    info
}

/// The joint figure with only the sentence `why`.
pub fn own_joint_unavailable(why: String) -> FigureInfo {
    let mut info = joint_base("the first group", "the second group");
    info.unavailable = Some(why);
    info
}

fn posteriors_base() -> FigureInfo {
    base(
        OWN_POSTERIORS,
        "Two groups’ posteriors of their random intercepts",
        "random intercept b_g".into(),
        "posterior density p(b_g | y)",
        "own-posteriors",
    )
}

fn joint_base(a: &str, b: &str) -> FigureInfo {
    base(
        OWN_JOINT,
        "The two random intercepts’ joint posterior",
        format!("b of {a}"),
        &format!("b of {b}"),
        "own-joint-posterior",
    )
}

/// "the mean above the mode" / "the same to 4 decimals", recording the [`Claim::MeanVsMode`].
fn relation(group: usize, mode: f64, mean: f64, claims: &mut Vec<Claim>) -> String {
    let d = OWN_DECIMALS;
    if num(mode, d) == num(mean, d) {
        claims.push(Claim::MeanVsMode { group, above: None, decimals: d });
        format!("the same to {d} decimals")
    } else {
        let above = mean > mode;
        claims.push(Claim::MeanVsMode { group, above: Some(above), decimals: d });
        format!("the mean {} the mode", if above { "above" } else { "below" })
    }
}

/// The sentence on the default pair, recording [`Claim::WidestModeMeanGaps`].
fn widest_sentence(ctx: &OwnContext, shown: (usize, usize), claims: &mut Vec<Claim>) -> String {
    claims.push(Claim::WidestModeMeanGaps { groups: ctx.widest });
    let (a, b) = ctx.widest_labels;
    if (shown.0.min(shown.1), shown.0.max(shown.1)) == ctx.widest {
        format!(
            "These two have the widest gaps between mode and mean of all {} groups of {}; choose any other two above.",
            ctx.groups, ctx.group_name
        )
    } else {
        format!("Of all {} groups of {}, {a} and {b} have the widest gaps between mode and mean.", ctx.groups, ctx.group_name)
    }
}

/// The posteriors figure of `pair`; records its sentences' claims in `info.claims`.
pub fn describe_own_posteriors(pair: &OwnPair, ctx: &OwnContext) -> FigureInfo {
    let mut info = posteriors_base();
    let d = OWN_DECIMALS;
    let mut claims = Vec::new();
    let lo = pair.posteriors.iter().map(|g| g.b[0]).fold(f64::INFINITY, f64::min);
    let hi = pair.posteriors.iter().map(|g| g.b[g.b.len() - 1]).fold(f64::NEG_INFINITY, f64::max);
    let top = pair.posteriors.iter().flat_map(|g| g.density.iter().copied()).fold(0.0, f64::max);
    info.x_range = [lo, hi];
    info.y_range = [0.0, top * 1.12];
    let mut per_group = Vec::new();
    for (g, outcomes) in pair.posteriors.iter().zip(&ctx.outcomes) {
        claims.push(Claim::GroupModeAndMean { group: g.group, mode: g.mode, mean: g.mean, decimals: d });
        let rel = relation(g.group, g.mode, g.mean, &mut claims);
        per_group.push(format!("{} ({outcomes}): mode {}, mean {} ({rel})", g.label, num(g.mode, d), num(g.mean, d)));
    }
    info.alt = format!(
        "Posterior densities of the random intercepts of two groups of {} given the data, at {}’s fit (σ_b = {}): {}.",
        ctx.group_name,
        ctx.model,
        num(ctx.sigma_b, d),
        list(&per_group)
    );
    let shown = (pair.posteriors[0].group, pair.posteriors[1].group);
    info.explanation = format!(
        "Each curve is exact: the group’s {} likelihood ({} link) times the normal density of b_g (standard deviation σ_b), divided by its integral so that it has area 1. Solid line: the conditional mode, the peak, which ranef() prints. Dashed line: the conditional mean E[b_g | y], the balance point; a skewed curve has them apart. {}",
        ctx.family,
        ctx.link,
        widest_sentence(ctx, shown, &mut claims)
    );
    info.x_symbol = "b_g".into();
    info.y_symbol = "density".into();
    info.claims = claims;
    info
}

/// Decimals that show a log-density difference with two significant digits (at least 2, at most 10).
fn gap_decimals(gap: f64) -> usize {
    if gap > 0.0 && gap.is_finite() {
        (1.0 - gap.log10().floor()).clamp(2.0, 10.0) as usize
    } else {
        2
    }
}

/// The joint figure of `pair`; records its sentences' claims in `info.claims`. None when the pair has no surface.
pub fn describe_own_joint(pair: &OwnPair, ctx: &OwnContext) -> Option<FigureInfo> {
    let s = pair.joint.as_ref()?;
    let (a, b) = (format!("{} {}", ctx.group_name, s.labels.0), format!("{} {}", ctx.group_name, s.labels.1));
    let mut info = joint_base(&a, &b);
    let d = OWN_DECIMALS;
    let mut claims = Vec::new();
    info.x_range = [s.za[0], s.za[s.za.len() - 1]];
    info.y_range = [s.zb[0], s.zb[s.zb.len() - 1]];
    let means = s.posterior_means.unwrap_or([f64::NAN; 2]);
    let sum_modes = s.max[0] + s.max[1];
    let sum_means = means[0] + means[1];
    claims.push(Claim::PairSum { summed: Summed::Modes, groups: s.groups, value: sum_modes, decimals: d });
    claims.push(Claim::PairSum { summed: Summed::Means, groups: s.groups, value: sum_means, decimals: d });
    let line = match s.line_rel_loglik {
        Some(rel) => {
            let gap = -rel;
            let gd = gap_decimals(gap);
            claims.push(Claim::PairZeroSumLineGap { groups: s.groups, gap, decimals: gd });
            format!(
                " The dashed line holds the pairs whose intercepts sum to zero; its highest point (open circle) is {} below the peak on this log scale.",
                num(gap, gd)
            )
        }
        None => String::new(),
    };
    info.explanation = format!(
        "The joint posterior density of the random intercepts of {a} and {b} given the data, at {}’s fit, on a log scale relative to its peak (ℓ − ℓmax; the bands are its levels). Given the fixed effects and σ_b the groups are independent, so the peak (red dot) is the pair of conditional modes, sum {}, and the centre (cross) the pair of conditional means, sum {}.{line}",
        ctx.model,
        num(sum_modes, d),
        num(sum_means, d)
    );
    info.alt = format!(
        "Contours of the joint posterior of the random intercepts of {a} and {b}: peak at ({}, {}), conditional means ({}, {}).",
        num(s.max[0], d),
        num(s.max[1], d),
        num(means[0], d),
        num(means[1], d)
    );
    info.x_symbol = format!("b[{}]", s.labels.0);
    info.y_symbol = format!("b[{}]", s.labels.1);
    info.claims = claims;
    Some(info)
}
