//! The page's explanation, written from the fit: the hero's summary, the key-number cards, the table's
//! labels, cells and note, and the four chapters (the fourth only a title: its figures carry their
//! captions). Every sentence that depends on the data is chosen from the numbers it describes and records
//! the [`Claim`] it makes, so `tests/claims.rs` can check what a student reads against an independent
//! computation.
//!
//! Paragraphs are small HTML strings: only `<p>`, `<strong>`, `<em>`, `<code>`, `<var>`, `<sub>`, `<sup>`
//! and MathML `<math>` for formulas; every interpolated text is escaped ([`format::esc`]). No inline styles
//! (the page's CSP): tones are class names.
//!
//! Layering: reads [`crate::report`], [`crate::claims`] and [`crate::params`]; never `bindings`.
//!
//! Notation, one throughout: b_g for group g's random intercept, σ_b for their standard deviation, α and β
//! for the fixed intercept and slope.

pub mod cards;
pub mod chapters;
pub mod format;
pub mod presets;
pub mod table;
pub mod table_note;
pub mod term_links;

use serde::{Deserialize, Serialize};

use crate::claims::{Claim, ModelKey, Summed};
use crate::params::Params;
use crate::report::{FitReport, Outcome};
pub use format::{fixed, reads_as_zero, DECIMALS};

/// How a number reads, for its colour: a sum that reads as zero, one that does not, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Zero,
    Nonzero,
    Neutral,
}

/// One key-number card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// `modes`, `means` or `lmm`: which card of the page.
    pub id: String,
    /// Inline HTML.
    pub label: String,
    /// The value as printed.
    pub value: String,
    /// The value at full precision (a title), when there is one.
    pub exact: Option<f64>,
    /// Inline HTML: what the value means for these data.
    pub foot: String,
    pub tone: Tone,
}

/// One chapter of the explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chapter {
    /// The heading's id in the page (`ch1` …).
    pub id: String,
    /// Plain text.
    pub title: String,
    /// Each a `<p>…</p>` HTML string.
    pub paragraphs: Vec<String>,
}

/// Everything the page says in words, for one fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageText {
    /// The hero's summary: a `<p>` HTML string.
    pub lede: String,
    pub cards: Vec<Card>,
    pub table: table::Table,
    /// The note under the table: a `<p>` HTML string.
    pub table_note: String,
    pub chapters: Vec<Chapter>,
    /// One plain-text line on the data: observations, groups, how many have y_bin = 1.
    pub data_summary: String,
    /// What the sentences above assert about the data.
    pub claims: Vec<Claim>,
}

/// The page's text for `report`, fitted with `params`; `pair` is the two groups (0-based) of figures 3–4.
pub fn page_text(params: &Params, report: &FitReport, pair: (usize, usize)) -> PageText {
    let mut w = Writer { params, report, claims: Vec::new() };
    // Each section links the first use of every glossary term to its entry.
    let lede = term_links::link_terms(&w.lede());
    let mut cards = cards::cards(&mut w);
    for c in &mut cards {
        c.foot = term_links::link_terms(&c.foot);
    }
    let table = table::table(&mut w);
    let table_note = term_links::link_terms(&table_note::table_note(&mut w));
    let mut chapters = chapters::chapters(&mut w, pair);
    for ch in &mut chapters {
        term_links::link_section(&mut ch.paragraphs);
    }
    let d = &report.data;
    let data_summary = format!(
        "{} observation{} in {} group{}; {} of them have y_bin = 1.",
        thousands(d.n_obs),
        if d.n_obs == 1 { "" } else { "s" },
        d.groups,
        if d.groups == 1 { "" } else { "s" },
        thousands(d.sum_ybin.round() as usize)
    );
    PageText { lede, cards, table, table_note, chapters, data_summary, claims: w.claims }
}

/// The writer's state: what it reads and the claims its sentences made so far.
pub struct Writer<'a> {
    pub params: &'a Params,
    pub report: &'a FitReport,
    pub claims: Vec<Claim>,
}

/// A per-group sum the text can print: its value and the model it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Sum {
    pub model: ModelKey,
    pub summed: Summed,
    pub value: f64,
}

impl<'a> Writer<'a> {
    /// The sum as printed, recording whether the text may call it zero; with the tone to colour it.
    pub fn sum(&mut self, s: Sum) -> (String, bool) {
        let zero = reads_as_zero(s.value, DECIMALS);
        self.claims.push(if zero {
            Claim::SumIsZero { model: s.model, summed: s.summed, decimals: DECIMALS }
        } else {
            Claim::SumIsNotZero { model: s.model, summed: s.summed, decimals: DECIMALS }
        });
        (fixed(s.value, DECIMALS), zero)
    }

    /// Σ modes of a model's fit, when it has per-group modes.
    pub fn modes_sum(&self, model: ModelKey) -> Option<Sum> {
        let r = self.report;
        let value = match model {
            ModelKey::Lmm => r.lmm.fit().map(|f| f.ranef_sum),
            ModelKey::GlmmLaplace => r.glmm_laplace.fit().map(|f| f.ranef_sum),
            ModelKey::GlmmAgq => r.glmm_agq.fit().map(|f| f.ranef_sum),
            ModelKey::JointMode => r.joint_mode.fit().map(|f| f.re_sum),
            ModelKey::MarginalExact => r.marginal_exact.fit().filter(|f| !f.ranef.is_empty()).map(|f| f.ranef_sum),
            _ => None,
        }?;
        Some(Sum { model, summed: Summed::Modes, value })
    }

    /// Σ conditional means of a model's fit, when it has them (lmer's are its modes).
    pub fn means_sum(&self, model: ModelKey) -> Option<Sum> {
        let r = self.report;
        let value = match model {
            ModelKey::Lmm => r.lmm.fit().map(|f| f.ranef_sum),
            ModelKey::GlmmLaplace => r.glmm_laplace.fit().map(|f| f.cond_means_sum),
            ModelKey::GlmmAgq => r.glmm_agq.fit().map(|f| f.cond_means_sum),
            ModelKey::MarginalExact => r.marginal_exact.fit().filter(|f| !f.cond_means.is_empty()).map(|f| f.cond_means_sum),
            _ => None,
        }?;
        Some(Sum { model, summed: Summed::Means, value })
    }

    /// σ_b of a glmer-type or lmer fit.
    pub fn sigma_b(&self, model: ModelKey) -> Option<f64> {
        let r = self.report;
        match model {
            ModelKey::Lmm => r.lmm.fit().map(|f| f.sigma_b),
            ModelKey::GlmmLaplace => r.glmm_laplace.fit().map(|f| f.sigma_b),
            ModelKey::GlmmAgq => r.glmm_agq.fit().map(|f| f.sigma_b),
            ModelKey::JointMode => r.joint_mode.fit().map(|f| f.sigma),
            ModelKey::MarginalExact => r.marginal_exact.fit().map(|f| f.sigma),
            _ => None,
        }
    }

    /// The slope of a model's fit.
    pub fn slope(&self, model: ModelKey) -> Option<f64> {
        let r = self.report;
        let v = match model {
            ModelKey::LmPooled => r.lm_pooled.fit().and_then(|f| f.coef.get(1)),
            ModelKey::LmGroup => r.lm_group.fit().and_then(|f| f.coef.get(1)),
            ModelKey::Lmm => r.lmm.fit().and_then(|f| f.fixef.get(1)),
            ModelKey::GlmPooled => r.glm_pooled.fit().and_then(|f| f.coef.get(1)),
            ModelKey::GlmGroup => r.glm_group.fit().and_then(|f| f.coef.get(1)),
            ModelKey::GlmmLaplace => r.glmm_laplace.fit().and_then(|f| f.fixef.get(1)),
            ModelKey::GlmmAgq => r.glmm_agq.fit().and_then(|f| f.fixef.get(1)),
            ModelKey::JointMode => r.joint_mode.fit().map(|f| &f.beta),
            ModelKey::MarginalExact => r.marginal_exact.fit().map(|f| &f.beta),
        };
        v.copied()
    }

    /// Whether a fit is singular (σ_b below lme4's tolerance), recording the claim; `None` without a fit.
    pub fn singular(&mut self, model: ModelKey) -> Option<bool> {
        let r = self.report;
        let s = match model {
            ModelKey::Lmm => r.lmm.fit().map(|f| f.singular),
            ModelKey::GlmmLaplace => r.glmm_laplace.fit().map(|f| f.singular),
            ModelKey::GlmmAgq => r.glmm_agq.fit().map(|f| f.singular),
            ModelKey::MarginalExact => r.marginal_exact.fit().map(|f| f.sigma < crate::models::logistic::kernel::SINGULAR_THETA),
            _ => None,
        }?;
        self.claims.push(Claim::Singular { model, singular: s });
        Some(s)
    }

    /// The sentence of a model that could not be fitted, escaped; records a "no finite estimate" claim when the
    /// sentence says so.
    pub fn failure(&mut self, model: ModelKey) -> Option<String> {
        let r = self.report;
        let e = match model {
            ModelKey::LmPooled => error_of(&r.lm_pooled),
            ModelKey::LmGroup => error_of(&r.lm_group),
            ModelKey::Lmm => error_of(&r.lmm),
            ModelKey::GlmPooled => error_of(&r.glm_pooled),
            ModelKey::GlmGroup => error_of(&r.glm_group),
            ModelKey::GlmmLaplace => error_of(&r.glmm_laplace),
            ModelKey::GlmmAgq => error_of(&r.glmm_agq),
            ModelKey::JointMode => error_of(&r.joint_mode),
            ModelKey::MarginalExact => error_of(&r.marginal_exact),
        }?;
        let glmer_type = matches!(model, ModelKey::GlmmLaplace | ModelKey::GlmmAgq | ModelKey::JointMode | ModelKey::MarginalExact);
        if glmer_type && e.contains("no finite estimate") {
            self.claims.push(Claim::NoFiniteEstimate { model });
        }
        Some(format::esc(e))
    }

    /// "glmer (nAGQ = K)", or "glmer (Laplace)" when K = 1.
    pub fn agq_name(&self) -> String {
        if self.params.nagq == 1 {
            "glmer (Laplace, nAGQ = 1)".into()
        } else {
            format!("glmer (nAGQ = {})", self.params.nagq)
        }
    }

    /// The summary under the page's title.
    fn lede(&mut self) -> String {
        let lmm = match self.modes_sum(ModelKey::Lmm) {
            Some(s) => {
                let (v, zero) = self.sum(s);
                if zero {
                    format!(" (here lmer’s sum to {v})")
                } else {
                    format!(" (here lmer’s print as {v}, not zero at this precision)")
                }
            }
            None => String::new(),
        };
        let glmm = match self.modes_sum(ModelKey::GlmmAgq) {
            Some(s) => {
                let (v, zero) = self.sum(s);
                if zero {
                    format!(" (here it prints {v}: zero at this precision)")
                } else {
                    format!(" (here {v})")
                }
            }
            None => String::new(),
        };
        format!(
            "<p>Add a random intercept to a linear model and its estimates sum to zero{lmm}. Add one to a logistic \
             model and <code>sum(ranef(fit)$group)</code> is in general not zero{glmm}, and the fixed effects move \
             too. This page fits every model from the question and its answer, live, on exactly the data R would \
             simulate, and shows where the difference comes from.</p>"
        )
    }
}

use crate::surfaces::points::thousands;

fn error_of<T>(o: &Outcome<T>) -> Option<&str> {
    match o {
        Outcome::Fit(_) => None,
        Outcome::Failed { error } => Some(error.as_str()),
    }
}

#[cfg(test)]
mod tests;
