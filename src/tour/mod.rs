//! The lesson's way in (issue 11): the three-sentence summary at the top of the page, the guided tour
//! (steps that set the page to a permalink state, ask for a prediction, then reveal what happened), and
//! the table "Why the fixed effects move". Every sentence is made here from the live fit and records the
//! [`TourClaim`]s it makes; [`check::holds`] checks them independently.

pub mod causes;
pub mod check;
pub mod pa_slope;
pub mod reveal;
pub mod steps;
pub mod summary;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::claims::{ModelKey, TourClaim};
use crate::params::Params;
use crate::report::FitReport;

/// Decimals of every sum and slope the tour prints.
pub const DECIMALS: usize = 4;

/// One sentence (or a few) and what it asserts about the fit. Serialised as `{text, html, claims}`: `html`
/// is the text escaped, with each glossary term's first use linked to its entry ([`linked_html`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    pub text: String,
    pub claims: Vec<TourClaim>,
}

impl Serialize for Said {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = serializer.serialize_struct("Said", 3)?;
        st.serialize_field("text", &self.text)?;
        st.serialize_field("html", &linked_html(&self.text))?;
        st.serialize_field("claims", &self.claims)?;
        st.end()
    }
}

/// Plain text as HTML for the page: escaped, the first use of each glossary term linked to its entry.
pub fn linked_html(text: &str) -> String {
    crate::explain::term_links::link_terms(&notation_html(text))
}

/// Plain text as HTML in the page's notation: escaped, with σ_b written as the explanation writes it
/// (`<var>σ</var><sub>b</sub>`, squared `…<sup>2</sup>`); the plain text keeps `σ_b` for screen readers'
/// copies, the CLI and tests.
pub fn notation_html(text: &str) -> String {
    const SIGMA_B: &str = "<var>σ</var><sub>b</sub>";
    crate::explain::format::esc(text).replace("σ_b²", &format!("{SIGMA_B}<sup>2</sup>")).replace("σ_b", SIGMA_B)
}

/// Several texts of one section (a step's setting and question, the causes table) as HTML in the page's
/// notation, the first use of each glossary term across them, in order, linked to its entry.
pub fn linked_section(texts: &[&str]) -> Vec<String> {
    let mut html: Vec<String> = texts.iter().map(|t| notation_html(t)).collect();
    crate::explain::term_links::link_section(&mut html);
    html
}

impl Said {
    fn new() -> Said {
        Said { text: String::new(), claims: Vec::new() }
    }
    fn push(&mut self, text: &str) {
        if !self.text.is_empty() && !text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(text);
    }
    fn claim(&mut self, c: TourClaim) {
        self.claims.push(c);
    }
}

/// Everything the page shows of the tour for the current fit (`Demo::tour()`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TourView {
    pub summary: summary::Summary,
    pub steps: Vec<steps::StepInfo>,
    pub causes: causes::Causes,
}

/// The summary, the steps' definitions and the causes table for this fit.
pub fn view(report: &FitReport, params: &Params) -> TourView {
    TourView {
        summary: summary::summary(report),
        steps: steps::all().iter().map(steps::StepInfo::from).collect(),
        causes: causes::causes(report, params),
    }
}

/// The slope of x of a model (its second coefficient), if it was fitted.
pub fn slope(report: &FitReport, model: ModelKey) -> Option<f64> {
    let s = match model {
        ModelKey::LmPooled => report.lm_pooled.fit().and_then(|f| f.coef.get(1).copied()),
        ModelKey::LmGroup => report.lm_group.fit().and_then(|f| f.coef.get(1).copied()),
        ModelKey::Lmm => report.lmm.fit().and_then(|f| f.fixef.get(1).copied()),
        ModelKey::GlmPooled => report.glm_pooled.fit().and_then(|f| f.coef.get(1).copied()),
        ModelKey::GlmGroup => report.glm_group.fit().and_then(|f| f.coef.get(1).copied()),
        ModelKey::GlmmLaplace => report.glmm_laplace.fit().and_then(|f| f.fixef.get(1).copied()),
        ModelKey::GlmmAgq => report.glmm_agq.fit().and_then(|f| f.fixef.get(1).copied()),
        ModelKey::JointMode => report.joint_mode.fit().map(|f| f.beta),
        ModelKey::MarginalExact => report.marginal_exact.fit().map(|f| f.beta),
    };
    s.filter(|v| v.is_finite())
}

/// The glmer fit of a model key (Laplace or AGQ), if it was fitted.
pub fn glmm(report: &FitReport, model: ModelKey) -> Option<&crate::report::GlmmFit> {
    match model {
        ModelKey::GlmmLaplace => report.glmm_laplace.fit(),
        ModelKey::GlmmAgq => report.glmm_agq.fit(),
        _ => None,
    }
}

/// How the text names a model's slope: the R call a student would type.
pub fn model_name(model: ModelKey) -> &'static str {
    match model {
        ModelKey::LmPooled => "lm",
        ModelKey::LmGroup => "lm with a group term",
        ModelKey::Lmm => "lmer",
        ModelKey::GlmPooled => "glm",
        ModelKey::GlmGroup => "glm with a group term",
        ModelKey::GlmmLaplace => "glmer (nAGQ = 1)",
        ModelKey::GlmmAgq => "glmer",
        ModelKey::JointMode => "the joint mode (opt1)",
        ModelKey::MarginalExact => "the exact marginal likelihood",
    }
}
