//! Title, axes and sentences of your data's fitted-curves figure (issue 13; the lesson's figure 1 for a
//! Gaussian response, figure 2 for binomial and Poisson). Every data-dependent number records its [`Claim`]
//! (checked by `own_data::curve_claims`).

use super::descriptions::{list, num, FigureInfo};
use super::own_curves::{OwnCurves, Terms, XChoice};
use crate::claims::Claim;
use crate::models::glmm::fit::FamilyLink;

/// Figure number for a Gaussian response (as the lesson's figure 1) and for binomial or Poisson (figure 2).
pub const OWN_LINES: u8 = 1;
pub const OWN_CURVES: u8 = 2;

/// Decimals of the held values and factors in the sentences.
pub const CURVE_DECIMALS: usize = 4;

/// What the sentences need besides the curves.
#[derive(Debug, Clone)]
pub struct CurveContext<'a> {
    /// None: Gaussian.
    pub family: Option<FamilyLink>,
    pub link: &'a str,
    /// `lmer(…)` or `glmer(…, nAGQ = K)`.
    pub mixed_name: &'a str,
    /// `lm(… + group)` or `glm(… + group)`, and why it has no curves when it failed.
    pub group_factor_name: &'a str,
    pub group_factor_failed: Option<&'a str>,
    pub response: &'a str,
    pub group_name: &'a str,
    pub group_labels: &'a [String],
    /// The groups drawn in colour (all when at most 8, else the chosen pair).
    pub coloured: &'a [usize],
    pub sigma_b: f64,
}

/// The figure's number for `family`.
pub fn curves_number(family: Option<FamilyLink>) -> u8 {
    if family.is_some() {
        OWN_CURVES
    } else {
        OWN_LINES
    }
}

/// The figure's title for `family`.
fn title(family: Option<FamilyLink>) -> &'static str {
    if family.is_some() {
        "Your data with each group’s fitted curve and the population average"
    } else {
        "Your data with each group’s fitted line"
    }
}

/// The figure with only the sentence `why`.
pub fn own_curves_unavailable(family: Option<FamilyLink>, why: String) -> FigureInfo {
    FigureInfo {
        number: curves_number(family),
        title: title(family).into(),
        x_range: [0.0, 1.0],
        y_range: [0.0, 1.0],
        file_name: "own-fitted-curves".into(),
        unavailable: Some(why),
        ..Default::default()
    }
}

/// The y axis: the response, its proportion, or its probability.
fn y_label(c: &OwnCurves, ctx: &CurveContext) -> (String, String) {
    match ctx.family {
        None => (ctx.response.to_string(), ctx.response.to_string()),
        Some(FamilyLink::PoissonLog) => (format!("count {}", ctx.response), "count".into()),
        Some(_) if c.binary => (format!("{} (0/1) and P({} = 1)", ctx.response, ctx.response), "P".into()),
        Some(_) => ("proportion of successes per row, and P(success)".into(), "proportion".into()),
    }
}

/// "group 3 and group 7" style labels of `groups`.
fn named(ctx: &CurveContext, groups: &[usize]) -> Vec<String> {
    groups.iter().filter_map(|&g| ctx.group_labels.get(g)).map(|l| format!("{} {l}", ctx.group_name)).collect()
}

/// The sentence on what the other columns are held at, recording [`Claim::HeldAtMean`].
fn held_sentence(terms: &Terms, k: usize, claims: &mut Vec<Claim>) -> Option<String> {
    let d = CURVE_DECIMALS;
    let mut parts = Vec::new();
    for (_, t) in terms.numeric.iter().enumerate().filter(|&(i, _)| i != k) {
        claims.push(Claim::HeldAtMean { column: t.column, value: t.mean, decimals: d });
        parts.push(format!("{} at its mean {}", t.name, num(t.mean, d)));
    }
    for f in &terms.factors {
        let how = if f.all_coded { "its first level" } else { "its reference level" };
        parts.push(format!("{} at {how} {}", f.name, f.reference));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "The curves hold {}; the points are the data as they are, not adjusted for these.",
            list(&parts)
        )
    })
}

/// The sentence on the population average and the b = 0 curve.
fn average_sentence(ctx: &CurveContext, claims: &mut Vec<Claim>) -> String {
    let d = CURVE_DECIMALS;
    let s = num(ctx.sigma_b, d);
    let intro = format!(
        "Thick black: {}’s population average ∫h⁻¹(η + b) N(b; 0, σ_b²) db with σ_b = {s}, the mean over all groups the model imagines; grey dashed: h⁻¹(η), the curve of a group with b = 0.",
        ctx.mixed_name
    );
    if ctx.sigma_b == 0.0 {
        return format!("{intro} σ_b is 0 (a singular fit), so the two coincide.");
    }
    match ctx.family {
        Some(FamilyLink::PoissonLog) => {
            let factor = (0.5 * ctx.sigma_b * ctx.sigma_b).exp();
            claims.push(Claim::LogLinkAverageFactor { sigma_b: ctx.sigma_b, factor, decimals: d });
            format!(
                "{intro} With the log link the average is e^(σ_b²/2) = {} times the b = 0 curve at every x: the mean count is above the count of a typical group.",
                num(factor, d)
            )
        }
        _ => format!(
            "{intro} The average is flatter: averaging over the groups’ spread lowers its steepest slope, so it is not the curve of any group."
        ),
    }
}

/// The figure of `c` with `terms` (the x choice in `c.choice`); records its claims in `info.claims`.
pub fn describe_own_curves(c: &OwnCurves, terms: &Terms, ctx: &CurveContext) -> FigureInfo {
    let mut info = own_curves_unavailable(ctx.family, String::new());
    info.unavailable = None;
    let mut claims = Vec::new();
    let choice = c.choice.unwrap_or(XChoice::LinearPredictor);
    let (x_label, x_symbol) = match choice {
        XChoice::Covariate(k) => (terms.numeric[k].name.clone(), terms.numeric[k].name.clone()),
        XChoice::LinearPredictor => ("linear predictor η = x_i'β̂ (fixed part)".to_string(), "η".to_string()),
    };
    let (y_label, y_symbol) = y_label(c, ctx);
    info.x_label = x_label.clone();
    info.y_label = y_label;
    info.x_symbol = x_symbol;
    info.y_symbol = y_symbol;
    info.x_range = [c.x[0], c.x[c.x.len() - 1]];
    let groups = ctx.group_labels.len();
    let many = groups > ctx.coloured.len();
    let link_word = if ctx.family.is_some() { "curve" } else { "line" };
    let mut s = Vec::new();
    // The points.
    let against = match choice {
        XChoice::Covariate(_) => x_label.clone(),
        XChoice::LinearPredictor => "η".to_string(),
    };
    s.push(match ctx.family {
        None => format!("Points: {} against {against}, one per row.", ctx.response),
        Some(FamilyLink::PoissonLog) => format!("Points: the counts {} against {against}, one per row.", ctx.response),
        Some(_) if c.binary => format!(
            "Points: the 0/1 outcomes {} against {against}, moved up or down a little so that they do not hide each other.",
            ctx.response
        ),
        Some(_) => format!("Points: each row’s proportion of successes (successes / trials) against {against}."),
    });
    // The curves.
    let fixed_part = match choice {
        XChoice::Covariate(_) => "η = x'β̂ is the fixed part at this x",
        XChoice::LinearPredictor => "η is the x axis",
    };
    let model_curves = if ctx.family.is_some() {
        format!(
            "Solid: {}’s {link_word} for each group, h⁻¹(η + b_g), where {fixed_part}, b_g is the group’s conditional mode (ranef()) and h⁻¹ the inverse of the {} link.",
            ctx.mixed_name, ctx.link
        )
    } else {
        format!(
            "Solid: {}’s {link_word} for each group, η + b_g, where {fixed_part} and b_g is the group’s BLUP (ranef()).",
            ctx.mixed_name
        )
    };
    match choice {
        XChoice::Covariate(k) => {
            match ctx.group_factor_failed {
                Some(why) => s.push(format!("{model_curves} {} has no {link_word}s: {why}", ctx.group_factor_name)),
                None => {
                    s.push(format!(
                        "Dashed: {}, each group with its own intercept and no shrinkage. {model_curves}",
                        ctx.group_factor_name
                    ));
                    let missing: Vec<usize> = ctx
                        .coloured
                        .iter()
                        .copied()
                        .filter(|&g| c.group_factor.get(g).is_some_and(Option::is_none))
                        .collect();
                    if !missing.is_empty() {
                        s.push(format!(
                            "{} left out {} (every outcome on the boundary, so its intercept would be infinite): no dashed {link_word}.",
                            ctx.group_factor_name,
                            list(&named(ctx, &missing))
                        ));
                    }
                }
            }
            if let Some(held) = held_sentence(terms, k, &mut claims) {
                s.push(held);
            }
        }
        XChoice::LinearPredictor => {
            s.insert(0, format!("The x axis is η = x_i'β̂, each row’s fixed part of {}’s linear predictor.", ctx.mixed_name));
            s.push(format!(
                "{model_curves} {} is left out: its coefficients are its own, so its η is not this x.",
                ctx.group_factor_name
            ));
        }
    }
    if ctx.family.is_some() {
        s.push(average_sentence(ctx, &mut claims));
    }
    if many {
        s.push(format!(
            "With {groups} groups every group’s {link_word} is drawn thin and grey; {} (the pair chosen above) are in colour.",
            list(&named(ctx, ctx.coloured))
        ));
    }
    if let Some(t) = &c.points.thinning {
        claims.push(Claim::PointsShown { shown: c.points.x.len(), total: c.points.n_total });
        s.push(t.clone());
    }
    info.explanation = s.join(" ");
    info.alt = format!(
        "{} against {x_label} for {groups} groups of {}, with each group’s fitted {link_word} from {}{}.",
        ctx.response,
        ctx.group_name,
        ctx.mixed_name,
        if ctx.family.is_some() { " and the population average" } else { "" }
    );
    info.claims = claims;
    info
}
