//! The note under the results table: what each column holds, the precision that decides "zero", and the two
//! logLik entries that are not log-likelihoods of the same kind (lmer's REML criterion, the joint mode's density).

use super::{Writer, DECIMALS};

/// The note as a `<p>` HTML string.
pub fn table_note(w: &mut Writer) -> String {
    let reml = w.report.lmm.fit().is_none_or(|f| f.reml);
    let lmer = if reml {
        " lmer’s logLik is its <strong>REML</strong> criterion’s value: REML (restricted maximum likelihood, lme4’s \
         default for linear mixed models) maximises the likelihood of the residuals left after fitting the fixed \
         effects, which estimates <var>σ</var><sub>b</sub> without maximum likelihood’s downward bias; it is not \
         comparable with lm’s log-likelihood (<code>lmer(…, REML = FALSE)</code> gives that)."
    } else {
        " lmer is fitted by maximum likelihood (<code>REML = FALSE</code>), so its logLik is comparable with lm’s."
    };
    format!(
        "<p>Intercept and slope are the fixed effects <var>α</var> and <var>β</var> (lm/glm: the \
         <code>(Intercept)</code> and <code>x</code> coefficients; with <code>+ group</code> the intercept is group \
         1’s). <var>b̂</var><sub><var>g</var></sub> are the random intercepts as <code>ranef()</code> prints them: \
         each group’s <em>conditional mode</em>, the peak of the density of <var>b</var><sub><var>g</var></sub> given \
         the data. Σ means adds up the <em>conditional means</em> <var>E</var>[<var>b</var><sub><var>g</var></sub> | \
         <var>y</var>] instead. Sums are printed to {DECIMALS} decimals, and one is marked zero only when every \
         printed digit is 0.{lmer} For the joint mode the logLik column holds the joint log density of the data \
         and the random intercepts at the mode, a different quantity.</p>"
    )
}
