//! The three key-number cards: glmer's Σ modes, Σ conditional means (the exact marginal's where it has them),
//! lmer's Σ random intercepts. Each foot sentence follows the number printed above it.

use super::{fixed, Card, Sum, Tone, Writer, DECIMALS};
use crate::claims::ModelKey;

fn tone(zero: bool) -> Tone {
    if zero {
        Tone::Zero
    } else {
        Tone::Nonzero
    }
}

fn failed_card(w: &mut Writer, id: &str, label: String, model: ModelKey) -> Card {
    let foot = w.failure(model).unwrap_or_else(|| "Not fitted.".into());
    Card { id: id.into(), label, value: "—".into(), exact: None, foot, tone: Tone::Neutral }
}

/// The cards, in the page's order.
pub fn cards(w: &mut Writer) -> Vec<Card> {
    vec![modes_card(w), means_card(w), lmm_card(w), icc_card(w)]
}

/// Decimals of the ICC card.
pub const ICC_DECIMALS: usize = 3;

/// The latent-scale ICC of glmer's fit, σ_b² / (σ_b² + π²/3) for the logit link ([`crate::models::icc`]).
fn icc_card(w: &mut Writer) -> Card {
    let label = format!("{}: latent-scale <strong>ICC</strong>", w.agq_name());
    let Some(fit) = w.report.glmm_agq.fit() else { return failed_card(w, "icc", label, ModelKey::GlmmAgq) };
    let (sigma, intercept) = (fit.sigma_b, fit.fixef.first().copied().unwrap_or(0.0));
    let Some(icc) = crate::models::icc::latent_icc(crate::models::glmm::FamilyLink::BinomialLogit, sigma, intercept) else {
        return Card { id: "icc".into(), label, value: "—".into(), exact: None, foot: "σ_b is not a number.".into(), tone: Tone::Neutral };
    };
    w.claims.push(crate::claims::Claim::LatentIcc { model: ModelKey::GlmmAgq, value: icc, decimals: ICC_DECIMALS });
    let foot = format!(
        "the latent-scale ICC, <var>σ</var><sub>b</sub>² / (<var>σ</var><sub>b</sub>² + π²/3) with <var>σ</var><sub>b</sub> = {}: the share of \
         the variance on the log-odds scale that lies between groups (π²/3 is the variance of the logistic \
         distribution behind the logit link)",
        fixed(sigma, 4)
    );
    Card { id: "icc".into(), label, value: fixed(icc, ICC_DECIMALS), exact: Some(icc), foot, tone: Tone::Neutral }
}

fn modes_card(w: &mut Writer) -> Card {
    let label = format!("{}: sum of the conditional <strong>modes</strong> <var>b̂</var><sub><var>g</var></sub>", w.agq_name());
    let Some(s) = w.modes_sum(ModelKey::GlmmAgq) else { return failed_card(w, "modes", label, ModelKey::GlmmAgq) };
    let (value, zero) = w.sum(s);
    let singular = w.singular(ModelKey::GlmmAgq) == Some(true);
    let foot = match (zero, singular) {
        (true, true) => "what <code>sum(ranef(fit)$group)</code> prints: zero here only because the fit is singular \
                         (<var>σ</var><sub>b</sub> = 0, so every <var>b̂</var><sub><var>g</var></sub> is 0)"
            .to_string(),
        (true, false) => format!(
            "what <code>sum(ranef(fit)$group)</code> prints: zero to {DECIMALS} decimals for these data, though in \
             general it is not"
        ),
        (false, _) => "what <code>sum(ranef(fit)$group)</code> prints: <em>not</em> zero".to_string(),
    };
    Card { id: "modes".into(), label, value, exact: Some(s.value), foot, tone: tone(zero) }
}

fn means_card(w: &mut Writer) -> Card {
    // The identity Σ E[b_g | y] = 0 holds at the maximum of the exact marginal likelihood: show that fit's sum
    // where it is computed, else glmer's, saying which it is and how it can differ.
    if let Some(s) = w.means_sum(ModelKey::MarginalExact) {
        let label = "exact marginal likelihood: sum of the conditional <strong>means</strong> \
                     <var>E</var>[<var>b</var><sub><var>g</var></sub> | <var>y</var>]"
            .to_string();
        let (value, zero) = w.sum(s);
        let foot = if zero {
            "zero, as at every maximum of the exact marginal likelihood".to_string()
        } else {
            format!(
                "<em>not</em> zero to {DECIMALS} decimals: the maximiser stopped before the sum, which is zero at \
                 the exact maximum, vanished to this precision"
            )
        };
        return Card { id: "means".into(), label, value, exact: Some(s.value), foot, tone: tone(zero) };
    }
    let label = format!(
        "{}: sum of the conditional <strong>means</strong> <var>E</var>[<var>b</var><sub><var>g</var></sub> | <var>y</var>]",
        w.agq_name()
    );
    let Some(s) = w.means_sum(ModelKey::GlmmAgq) else { return failed_card(w, "means", label, ModelKey::GlmmAgq) };
    let (value, zero) = w.sum(s);
    let singular = w.singular(ModelKey::GlmmAgq) == Some(true);
    let approx = if w.params.nagq == 1 { "the Laplace approximation of".to_string() } else { format!("a {}-node quadrature of", w.params.nagq) };
    let gap = w.report.glmm_agq.fit().and_then(|f| f.exact_loglik_gap);
    // exact_loglik_gap: the exact log-likelihood at glmer's estimates minus its maximum (≤ 0).
    let gap_text = gap
        .map(|g| format!(" (at glmer’s estimates the exact log-likelihood is {} below its maximum)", fixed(g.abs(), DECIMALS)))
        .unwrap_or_default();
    let foot = match (zero, singular) {
        (true, true) => "zero here because the fit is singular: with <var>σ</var><sub>b</sub> = 0 every \
                         <var>b</var><sub><var>g</var></sub> is 0"
            .to_string(),
        (true, false) => format!(
            "zero to {DECIMALS} decimals: exactly zero only at the maximum of the exact marginal likelihood; \
             glmer maximises {approx} it, close enough here{gap_text}"
        ),
        (false, _) => format!(
            "<em>not</em> zero: the sum is zero only at the maximum of the exact marginal likelihood, and glmer \
             maximises {approx} it, which is not exact for these data{gap_text}"
        ),
    };
    Card { id: "means".into(), label, value, exact: Some(s.value), foot, tone: tone(zero) }
}

fn lmm_card(w: &mut Writer) -> Card {
    let reml = w.report.lmm.fit().is_none_or(|f| f.reml);
    let label = format!("lmer ({}): sum of the random intercepts <var>b̂</var><sub><var>g</var></sub>", if reml { "REML" } else { "ML" });
    let Some(s) = w.modes_sum(ModelKey::Lmm) else { return failed_card(w, "lmm", label, ModelKey::Lmm) };
    let s = Sum { ..s };
    let (value, zero) = w.sum(s);
    let singular = w.singular(ModelKey::Lmm) == Some(true);
    let foot = match (zero, singular) {
        (true, true) => "singular fit (<var>σ</var><sub>b</sub> = 0): every random intercept is 0".to_string(),
        (true, false) => "normal posterior: mode = mean, and they sum to zero".to_string(),
        (false, _) => format!("<em>not</em> zero to {DECIMALS} decimals: rounding in a fit on this scale"),
    };
    Card { id: "lmm".into(), label, value, exact: Some(s.value), foot, tone: tone(zero) }
}
