//! The three chapters: why the fixed effects move, what glmer integrates, why the means sum to zero and the
//! modes generally do not. Every number quoted is the report's, and every sentence that depends on the data is
//! chosen by it (and records its claim).

use super::{fixed, Chapter, Writer, DECIMALS};
use crate::claims::{Claim, ModelKey};
use crate::models::logistic::joint_mode::SIGMA_FLOOR;

/// b_g (italic b, subscript g).
const B_G: &str = "<var>b</var><sub><var>g</var></sub>";
/// σ_b.
const SIGMA_B: &str = "<var>σ</var><sub>b</sub>";

/// Formulas, in MathML.
mod math {
    /// p(y, b | α, β, σ_b) = ∏_i p_i^{y_i}(1 − p_i)^{1 − y_i} · ∏_g φ_{σ_b}(b_g)
    pub const JOINT: &str = "<math display=\"block\"><mrow><mi>p</mi><mo stretchy=\"false\">(</mo><mi>y</mi><mo>,</mo><mi>b</mi><mo>∣</mo>\
<mi>α</mi><mo>,</mo><mi>β</mi><mo>,</mo><msub><mi>σ</mi><mtext>b</mtext></msub><mo stretchy=\"false\">)</mo><mo>=</mo>\
<munder><mo>∏</mo><mi>i</mi></munder><msubsup><mi>p</mi><mi>i</mi><msub><mi>y</mi><mi>i</mi></msub></msubsup>\
<msup><mrow><mo stretchy=\"false\">(</mo><mn>1</mn><mo>−</mo><msub><mi>p</mi><mi>i</mi></msub><mo stretchy=\"false\">)</mo></mrow><mrow><mn>1</mn><mo>−</mo>\
<msub><mi>y</mi><mi>i</mi></msub></mrow></msup><mo>·</mo><munder><mo>∏</mo><mi>g</mi></munder>\
<msub><mi>φ</mi><msub><mi>σ</mi><mtext>b</mtext></msub></msub><mo stretchy=\"false\">(</mo><msub><mi>b</mi><mi>g</mi></msub><mo stretchy=\"false\">)</mo></mrow></math>";

    /// L(α, β, σ_b) = ∏_g ∫ [∏_{i∈g} p_i^{y_i}(1 − p_i)^{1 − y_i}] φ_{σ_b}(b) db
    pub const MARGINAL: &str = "<math display=\"block\"><mrow><mi>L</mi><mo stretchy=\"false\">(</mo><mi>α</mi><mo>,</mo><mi>β</mi><mo>,</mo>\
<msub><mi>σ</mi><mtext>b</mtext></msub><mo stretchy=\"false\">)</mo><mo>=</mo><munder><mo>∏</mo><mi>g</mi></munder><mo>∫</mo><mrow><mo stretchy=\"false\">[</mo>\
<munder><mo>∏</mo><mrow><mi>i</mi><mo>∈</mo><mi>g</mi></mrow></munder><msubsup><mi>p</mi><mi>i</mi><msub><mi>y</mi><mi>i</mi></msub></msubsup>\
<msup><mrow><mo stretchy=\"false\">(</mo><mn>1</mn><mo>−</mo><msub><mi>p</mi><mi>i</mi></msub><mo stretchy=\"false\">)</mo></mrow><mrow><mn>1</mn><mo>−</mo>\
<msub><mi>y</mi><mi>i</mi></msub></mrow></msup><mo stretchy=\"false\">]</mo></mrow><msub><mi>φ</mi><msub><mi>σ</mi><mtext>b</mtext></msub></msub>\
<mo stretchy=\"false\">(</mo><mi>b</mi><mo stretchy=\"false\">)</mo><mo>d</mo><mi>b</mi></mrow></math>";

    /// ∂ log L / ∂α = (1/σ_b²) Σ_g E[b_g | y]
    pub const SCORE: &str = "<math display=\"block\"><mrow><mfrac><mrow><mo>∂</mo><mi>log</mi><mi>L</mi></mrow><mrow><mo>∂</mo>\
<mi>α</mi></mrow></mfrac><mo>=</mo><mfrac><mn>1</mn><msubsup><mi>σ</mi><mtext>b</mtext><mn>2</mn></msubsup></mfrac>\
<munder><mo>∑</mo><mi>g</mi></munder><mi>E</mi><mo stretchy=\"false\">[</mo><msub><mi>b</mi><mi>g</mi></msub><mo>∣</mo><mi>y</mi><mo stretchy=\"false\">]</mo></mrow></math>";
}

/// The joint mode's stationarity in α: Σ_g b_g / σ_b² = 0 (inline).
const JOINT_MODE_SUM: &str = "<math><mrow><munder><mo>∑</mo><mi>g</mi></munder><mfrac><msub><mi>b</mi><mi>g</mi></msub>\
<msubsup><mi>σ</mi><mtext>b</mtext><mn>2</mn></msubsup></mfrac><mo>=</mo><mn>0</mn></mrow></math>";

/// The chapters; `pair` is the two groups (0-based) of figures 3 and 4.
pub fn chapters(w: &mut Writer, pair: (usize, usize)) -> Vec<Chapter> {
    vec![chapter1(w), chapter2(w, pair), chapter3(w), chapter4()]
}

/// Chapter 4 is its figures (7–9), each with the caption its surface writes: only the title is text here.
fn chapter4() -> Chapter {
    Chapter { id: "ch4".into(), title: "Each group’s posterior, and the intercept that balances them".into(), paragraphs: Vec::new() }
}

/// A slope as printed, or "not fitted".
fn slope_text(w: &Writer, m: ModelKey) -> String {
    w.slope(m).map_or("not fitted".into(), |s| fixed(s, DECIMALS))
}

fn chapter1(w: &mut Writer) -> Chapter {
    let mut p = vec![format!(
        "<p>Both mixed models give each group <var>g</var> its own intercept <var>α</var> + {B_G} and treat the \
         random intercepts {B_G} as draws from a normal distribution with mean 0 and standard deviation {SIGMA_B}. \
         Their fixed effects <var>α</var>, <var>β</var> can differ from the models without group terms for two \
         reasons.</p>"
    )];
    let spacing = w.params.spacing;
    let spacing_text = format!("{spacing}").replace('-', "\u{2212}");
    // The question's premise: lmer leaves the fixed effects where lm had them.
    let premise = match (w.slope(ModelKey::LmPooled), w.slope(ModelKey::Lmm)) {
        (Some(a), Some(b)) => {
            let differ = fixed(a, DECIMALS) != fixed(b, DECIMALS);
            w.claims.push(Claim::SlopesDiffer { a: ModelKey::LmPooled, b: ModelKey::Lmm, decimals: DECIMALS, differ });
            let singular = w.singular(ModelKey::Lmm) == Some(true);
            if differ {
                format!(
                    " The question assumed that adding the random intercept leaves the fixed effects alone; that is \
                     false in general, and here lm’s slope is {} and lmer’s {}.",
                    fixed(a, DECIMALS),
                    fixed(b, DECIMALS)
                )
            } else if singular {
                format!(
                    " Here lmer’s fit is singular ({SIGMA_B} = 0), so its slope is lm’s ({}); with any group \
                     variance the two differ in general, so the question’s premise that lmer leaves the fixed \
                     effects alone is false in general.",
                    fixed(b, DECIMALS)
                )
            } else {
                format!(
                    " Here lm’s and lmer’s slopes agree to {DECIMALS} decimals ({}), but in general they differ: the \
                     question’s premise that lmer leaves the fixed effects alone is false in general.",
                    fixed(b, DECIMALS)
                )
            }
        }
        _ => " The question assumed that adding the random intercept leaves the fixed effects alone; that is false \
               in general."
            .to_string(),
    };
    let within = if spacing == 0.0 {
        "Here the spacing is 0: <var>x</var> does not depend on the group except by chance, so this reason \
         hardly applies."
            .to_string()
    } else {
        format!("Here <var>x</var> also depends on the group (spacing {spacing_text}).")
    };
    p.push(format!(
        "<p><strong>Within instead of between.</strong> {within} A model without group terms fits one line through \
         all the points and mixes the trend within groups with the differences between them. With a per-group \
         intercept, the slope comes mostly from the trend within each group. This happens in the linear model too: \
         lm and lmer agree only in special cases, for instance when every group has the same mean \
         <var>x</var>.{premise}</p>"
    ));
    // Attenuation, and whether these data show it alone.
    let attenuation = match (w.slope(ModelKey::GlmPooled), w.slope(ModelKey::GlmmAgq)) {
        (Some(glm), Some(glmer)) => {
            let closer = glm.abs() < glmer.abs();
            w.claims.push(Claim::SlopeCloserToZero { model: ModelKey::GlmPooled, than: ModelKey::GlmmAgq, closer });
            let (a, b) = (fixed(glm, DECIMALS), fixed(glmer, DECIMALS));
            match (spacing == 0.0, closer) {
                (true, true) => format!(
                    " Spacing 0 isolates this effect, and here glm’s slope {a} is closer to zero than glmer’s {b}."
                ),
                (true, false) => format!(
                    " Spacing 0 isolates this effect, yet here glm’s slope {a} is not closer to zero than glmer’s \
                     {b}: with these data chance outweighs it."
                ),
                (false, true) => format!(
                    " Here both reasons act at once (glm’s slope {a}, glmer’s {b}); set the spacing to 0 to see \
                     attenuation alone."
                ),
                (false, false) => format!(
                    " Here both reasons act at once, and the difference between groups outweighs attenuation: glm’s \
                     slope {a} is further from zero than glmer’s {b}. Set the spacing to 0 to see attenuation alone."
                ),
            }
        }
        _ => String::new(),
    };
    p.push(format!(
        "<p><strong>Conditional versus averaged (logistic only).</strong> glmer’s <var>β</var> describes one \
         group: <var>p</var> = logistic(<var>α</var> + <var>β x</var> + {B_G}). Averaged over the normal spread of \
         the {B_G}, the population curve (black line in figure 2) is flatter than the curve of a group with \
         {B_G} = 0, and a model without random intercepts fits that flatter curve, so its slope is pulled towards \
         zero: <em>attenuation</em>.{attenuation} In a linear model, averaging over {B_G} gives back the line with \
         {B_G} = 0, so this effect does not exist there.</p>"
    ));
    let agq = w.params.nagq;
    p.push(format!(
        "<p class=\"live-line\">Now: lm slope <strong>{}</strong>, lm + group <strong>{}</strong>, lmer \
         <strong>{}</strong>; glm slope <strong>{}</strong>, glm + group <strong>{}</strong>, glmer (nAGQ = {agq}) \
         <strong>{}</strong>.</p>",
        slope_text(w, ModelKey::LmPooled),
        slope_text(w, ModelKey::LmGroup),
        slope_text(w, ModelKey::Lmm),
        slope_text(w, ModelKey::GlmPooled),
        slope_text(w, ModelKey::GlmGroup),
        slope_text(w, ModelKey::GlmmAgq),
    ));
    Chapter { id: "ch1".into(), title: "Adding a random intercept can move the fixed effects".into(), paragraphs: p }
}

fn chapter2(w: &mut Writer, (a, b): (usize, usize)) -> Chapter {
    let k = w.params.nagq;
    let mut p = vec![
        format!(
            "<p>Write <var>p<sub>i</sub></var> = logistic(<var>α</var> + <var>β x<sub>i</sub></var> + \
             <var>b</var><sub><var>g</var>(<var>i</var>)</sub>) for the probability that row <var>i</var> has \
             <var>y<sub>i</sub></var> = 1, and φ<sub><var>σ</var><sub>b</sub></sub> for the density of the normal \
             distribution with mean 0 and standard deviation {SIGMA_B}. The <em>joint density</em> of the data and \
             the random intercepts is</p>"
        ),
        format!("<p class=\"math\">{}</p>", math::JOINT),
        "<p>The <em>marginal likelihood</em> is the probability of the data alone, with each random intercept \
         integrated out. glmer maximises it; the integral splits into one per group:</p>"
            .to_string(),
        format!("<p class=\"math\">{}</p>", math::MARGINAL),
        format!(
            "<p>These integrals have no closed form. With nAGQ = 1 glmer uses the <em>Laplace approximation</em> \
             (each integrand replaced by the normal curve that matches it at its peak); with nAGQ = <var>K</var> \
             &gt; 1, <em>adaptive Gauss–Hermite quadrature</em> (AGQ: <var>K</var> points per group placed around \
             that peak); this page uses nAGQ = {k}. The “exact marginal” row computes the integrals to 10<sup>−10</sup> \
             and maximises them (the answer’s <code>opt2</code>, done exactly).</p>"
        ),
    ];
    let pair_modes = w
        .report
        .glmm_agq
        .fit()
        .and_then(|f| Some((f.ranef.get(a)?, f.ranef.get(b)?)))
        .map(|(za, zb)| {
            format!(
                " For groups {} and {} the peak is at ({}, {}).",
                a + 1,
                b + 1,
                fixed(*za, 4),
                fixed(*zb, 4)
            )
        })
        .unwrap_or_default();
    let shift = match w.modes_sum(ModelKey::GlmmAgq) {
        Some(s) => {
            let (v, zero) = w.sum(s);
            if zero {
                format!(
                    " Here the modes already sum to {v}, so shifting <var>α</var> by their mean (figure 4) changes \
                     almost nothing."
                )
            } else {
                format!(
                    " Here the modes sum to {v}. Shifting <var>α</var> by their mean (figure 4) makes them sum to \
                     approximately zero, but moves <var>α</var> away from glmer’s estimate, the maximum of its \
                     likelihood, so glmer’s likelihood is lower there."
                )
            }
        }
        None => String::new(),
    };
    p.push(format!(
        "<p>For each group, the integrand divided by the integral is the density of {B_G} given the data at the \
         fitted <var>α</var>, <var>β</var>, {SIGMA_B} (the <em>empirical Bayes posterior</em>). Its peak is the \
         <em>conditional mode</em>, which <code>ranef()</code> reports; its average is the <em>conditional mean</em> \
         <var>E</var>[{B_G} | <var>y</var>]. Figure 3 shows the product of two groups’ integrands over their \
         random intercepts at glmer’s estimates: it peaks at their conditional modes.{pair_modes}{shift}</p>"
    ));
    Chapter { id: "ch2".into(), title: "The random intercepts are integrated out, not estimated".into(), paragraphs: p }
}

fn chapter3(w: &mut Writer) -> Chapter {
    let k = w.params.nagq;
    let g = w.report.data.groups;
    let mut p = vec![
        format!(
            "<p>Why the <em>means</em>? The intercept <var>α</var> and the random intercepts enter the Bernoulli part \
             only through <var>α</var> + {B_G}, so the derivative of a group’s Bernoulli factor with respect to \
             <var>α</var> equals its derivative with respect to {B_G}. Integrate that by parts against \
             φ<sub><var>σ</var><sub>b</sub></sub>, whose derivative is −(<var>b</var>/{SIGMA_B}<sup>2</sup>) \
             φ<sub><var>σ</var><sub>b</sub></sub>, and the <em>score</em> (the derivative of the log-likelihood) for \
             the intercept becomes</p>"
        ),
        format!("<p class=\"math\">{}</p>", math::SCORE),
    ];
    // The means: exact at the exact likelihood's maximum, approximate for any finite nAGQ.
    let mut now = Vec::new();
    if let Some(s) = w.means_sum(ModelKey::MarginalExact) {
        let (v, zero) = w.sum(s);
        now.push(if zero { format!("{v} for the exact marginal likelihood") } else { format!("{v} for the exact marginal likelihood (not zero to this precision)") });
    }
    for (m, name) in [(ModelKey::GlmmAgq, format!("nAGQ = {k}")), (ModelKey::GlmmLaplace, "Laplace".to_string())] {
        if m == ModelKey::GlmmLaplace && k == 1 {
            continue;
        }
        if let Some(s) = w.means_sum(m) {
            let (v, zero) = w.sum(s);
            now.push(if zero { format!("{v} for {name} (zero at this precision)") } else { format!("{v} for {name} (not zero)") });
        }
    }
    let now = if now.is_empty() { String::new() } else { format!(" Here Σ<sub><var>g</var></sub> <var>E</var>[{B_G} | <var>y</var>] is {}.", now.join("; ")) };
    p.push(format!(
        "<p>At the maximum of the exact marginal likelihood this score is zero, so there the conditional \
         <strong>means</strong> sum to zero exactly. glmer maximises an approximation of that likelihood (Laplace \
         for nAGQ = 1, AGQ otherwise), so at its estimate the sum is zero only approximately, for any finite \
         nAGQ.{now}</p>"
    ));
    // The modes.
    let modes = match w.modes_sum(ModelKey::GlmmAgq) {
        Some(s) => {
            let (v, zero) = w.sum(s);
            let singular = w.singular(ModelKey::GlmmAgq) == Some(true);
            match (zero, singular) {
                (true, true) => format!(
                    " Here the fit is singular ({SIGMA_B} = 0): every random intercept is 0, so the modes sum to {v}."
                ),
                (true, false) => format!(" Here the modes nevertheless sum to {v}, zero to {DECIMALS} decimals."),
                (false, _) => format!(" Here the modes sum to {v}."),
            }
        }
        None => String::new(),
    };
    let effects = match g {
        1 => "the random intercept".to_string(),
        2 => "both random intercepts".to_string(),
        _ => format!("all {g} random intercepts"),
    };
    p.push(format!(
        "<p>The conditional <strong>modes</strong> generally differ from the means unless each posterior is \
         symmetric. A group’s Bernoulli factor is a product of logistic curves, which is generally skewed, so the \
         mode sits to one side of the mean.{modes} The figures below move {effects} together along <var>u</var>, \
         their sum, with their differences fixed: the random-effects part is symmetric about <var>u</var> = 0, \
         the Bernoulli part is not. Choosing <var>α</var> to put the product’s <em>peak</em> at <var>u</var> = 0 \
         (“highest peak”) is not the same as choosing it to maximise the <em>area</em> (“highest total \
         integral”).</p>"
    ));
    // The linear model.
    let lmm = match w.modes_sum(ModelKey::Lmm) {
        Some(s) => {
            let (v, zero) = w.sum(s);
            let singular = w.singular(ModelKey::Lmm) == Some(true);
            match (zero, singular) {
                (true, true) => format!(" (here every one is 0: the fit is singular, sum {v})"),
                (true, false) => format!(" (here: {v})"),
                (false, _) => format!(" (here {v}: not zero to {DECIMALS} decimals, rounding on this data’s scale)"),
            }
        }
        None => String::new(),
    };
    p.push(format!(
        "<p><strong>In the linear model</strong> every factor is normal, so each posterior is normal, its mode \
         equals its mean, and lmer’s random intercepts sum to zero{lmm}.</p>"
    ));
    p.push(joint_mode_paragraph(w));
    Chapter { id: "ch3".into(), title: "The means sum to zero; the modes generally don’t".into(), paragraphs: p }
}

/// The joint mode (the answer's opt1), following where its search stopped.
fn joint_mode_paragraph(w: &mut Writer) -> String {
    let intro = format!(
        "<p><strong>The joint mode</strong> (maximising the joint density over <var>α</var>, <var>β</var>, \
         {SIGMA_B} and every {B_G} together, the answer’s <code>opt1</code>) sets \
         {JOINT_MODE_SUM} by the same argument without the integral. The \
         joint density grows without bound as {SIGMA_B} → 0 with every {B_G} = 0, so it has no maximum, only local \
         modes; the answer’s search starts at (<var>α</var>, <var>β</var>, {SIGMA_B}, <var>b</var>) = (0, 0, 1, 0, …) \
         and keeps {SIGMA_B} ≥ {}."
    , fixed(SIGMA_FLOOR, 2));
    let Some(f) = w.report.joint_mode.fit() else {
        let why = w.failure(ModelKey::JointMode).unwrap_or_default();
        return format!("{intro} Here it has no result: {why}</p>");
    };
    let on_bound = f.sigma <= SIGMA_FLOOR;
    w.claims.push(Claim::JointModeOnBound { on_bound });
    let sigma = fixed(f.sigma, 4);
    let sum = w.modes_sum(ModelKey::JointMode);
    let sum = sum.map(|s| w.sum(s));
    let sum_text = match sum {
        Some((v, true)) => format!(" Its random intercepts sum to {v}."),
        Some((v, false)) => format!(" Its random intercepts sum to {v}, not zero to {DECIMALS} decimals."),
        None => String::new(),
    };
    if on_bound {
        format!(
            "{intro} Here the search finds no interior mode: the joint density rises all the way down to the bound \
             {SIGMA_B} = {sigma}, where it stops with every {B_G} shrunk to almost 0.{sum_text}</p>"
        )
    } else {
        format!("{intro} Here it stops at an interior local mode with {SIGMA_B} = {sigma}.{sum_text}</p>")
    }
}
