//! The results table as the page shows it: column headers, a row per model with its label, R call and printed
//! cells, the "is this sum zero?" colouring (the printed precision, [`super::DECIMALS`]) and the sentence under
//! a row that needs one. `www/table.js` only lays this out.

use serde::{Deserialize, Serialize};

use super::format::{esc, fixed, LOGLIK_DECIMALS};
use super::{Sum, Tone, Writer, DECIMALS};
use crate::claims::ModelKey;

/// A column header: inline HTML and a title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// The cells' key (`intercept`, `slope`, `sigma_b`, `re1` …, `modes`, `means`, `loglik`).
    pub key: String,
    pub html: String,
    pub title: String,
    /// `num`, `re` (a group's column: a colour swatch before it), `sum` or `loglik`.
    pub kind: String,
}

/// One printed cell; `text` is `—` where the model has no such quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub key: String,
    pub text: String,
    pub value: Option<f64>,
    pub tone: Tone,
    /// A title when the cell needs one (the joint mode's log density).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A row: a section heading (continuous or binary outcome) or a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Row {
    Section { html: String },
    Model {
        key: ModelKey,
        label: String,
        call: String,
        cells: Vec<Cell>,
        /// The sentence of a model that could not be fitted (escaped HTML).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        /// Sentences on how to read this row (escaped HTML).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        notes: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

const MODELS: [ModelKey; 9] = [
    ModelKey::LmPooled,
    ModelKey::LmGroup,
    ModelKey::Lmm,
    ModelKey::GlmPooled,
    ModelKey::GlmGroup,
    ModelKey::GlmmLaplace,
    ModelKey::GlmmAgq,
    ModelKey::JointMode,
    ModelKey::MarginalExact,
];

/// A switch of the page's "Rows in the table": the row's key and the model's short name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelToggle {
    pub key: ModelKey,
    pub label: &'static str,
}

/// The table's models in its order, each with its short name ([`short_name`]).
pub fn model_toggles() -> Vec<ModelToggle> {
    MODELS.iter().map(|&key| ModelToggle { key, label: short_name(key) }).collect()
}

/// A model's short name, the same for every fit: the row's label where it does not depend on the fit
/// (lmer's says REML or ML, glmer AGQ's its nAGQ).
pub fn short_name(key: ModelKey) -> &'static str {
    match key {
        ModelKey::LmPooled => "lm",
        ModelKey::LmGroup => "lm + group",
        ModelKey::Lmm => "lmer",
        ModelKey::GlmPooled => "glm",
        ModelKey::GlmGroup => "glm + group",
        ModelKey::GlmmLaplace => "glmer, Laplace",
        ModelKey::GlmmAgq => "glmer, AGQ",
        ModelKey::JointMode => "joint mode",
        ModelKey::MarginalExact => "exact marginal",
    }
}

/// The row's label and R call.
fn label_and_call(w: &Writer, key: ModelKey) -> (String, String) {
    let k = w.params.nagq;
    let reml = w.report.lmm.fit().is_none_or(|f| f.reml);
    let name = short_name(key);
    let (label, call) = match key {
        ModelKey::LmPooled => (name.into(), "lm(y ~ x)".into()),
        ModelKey::LmGroup => (name.into(), "lm(y ~ x + factor(group))".into()),
        ModelKey::Lmm if reml => (format!("{name} (REML)"), "lmer(y ~ x + (1|group))".into()),
        ModelKey::Lmm => (format!("{name} (ML)"), "lmer(y ~ x + (1|group), REML = FALSE)".into()),
        ModelKey::GlmPooled => (name.into(), "glm(y_bin ~ x, binomial)".into()),
        ModelKey::GlmGroup => (name.into(), "glm(y_bin ~ x + factor(group), binomial)".into()),
        ModelKey::GlmmLaplace => (name.into(), "glmer(y_bin ~ x + (1|group), binomial)".into()),
        ModelKey::GlmmAgq => (format!("glmer, nAGQ = {k}"), format!("glmer(y_bin ~ x + (1|group), binomial, nAGQ = {k})")),
        ModelKey::JointMode => (name.into(), "the answer’s opt1".into()),
        ModelKey::MarginalExact => (name.into(), "the answer’s opt2, done exactly".into()),
    };
    (label, call)
}

fn columns(groups: usize, reml: bool) -> Vec<Column> {
    let col = |key: &str, html: &str, title: &str, kind: &str| Column { key: key.into(), html: html.into(), title: title.into(), kind: kind.into() };
    let mut c = vec![
        col("intercept", "Intercept", "The fixed intercept α (lm/glm: the (Intercept) coefficient)", "num"),
        col("slope", "Slope", "The fixed slope β of x", "num"),
        col("sigma_b", "<var>σ</var><sub>b</sub>", "Standard deviation of the random intercepts", "num"),
    ];
    for g in 1..=groups {
        c.push(col(
            &format!("re{g}"),
            &format!("<var>b̂</var><sub>{g}</sub>"),
            &format!("Random intercept of group {g} (its conditional mode)"),
            "re",
        ));
    }
    c.push(col("modes", "Σ modes", "Sum of the conditional modes, sum(ranef(fit)$group)", "sum"));
    c.push(col("means", "Σ means", "Sum of the conditional means E[b_g | y]", "sum"));
    let loglik_title = if reml {
        "Log-likelihood; lmer’s is the REML criterion’s (−REMLcrit/2), the joint mode’s the joint log density"
    } else {
        "Log-likelihood; the joint mode’s is the joint log density"
    };
    c.push(col("loglik", "logLik", loglik_title, "loglik"));
    c
}

fn cell(key: &str, v: Option<f64>, decimals: usize) -> Cell {
    Cell { key: key.into(), text: v.map_or("—".into(), |x| fixed(x, decimals)), value: v, tone: Tone::Neutral, title: None }
}

/// A sum cell, coloured by whether it reads as zero, with its claim.
fn sum_cell(w: &mut Writer, key: &str, s: Option<Sum>) -> Cell {
    match s {
        Some(s) => {
            let (text, zero) = w.sum(s);
            let tone = if zero { Tone::Zero } else { Tone::Nonzero };
            Cell { key: key.into(), text, value: Some(s.value), tone, title: None }
        }
        None => cell(key, None, DECIMALS),
    }
}

/// Per-group random intercepts, σ_b, intercept, slope and logLik of a fitted model.
struct Numbers {
    intercept: f64,
    slope: f64,
    sigma_b: Option<f64>,
    re: Vec<f64>,
    loglik: f64,
}

fn numbers(w: &Writer, key: ModelKey) -> Option<Numbers> {
    let r = w.report;
    let lm = |f: &crate::report::LmFit| Numbers { intercept: f.coef[0], slope: f.coef[1], sigma_b: None, re: vec![], loglik: f.loglik };
    let glm = |f: &crate::report::GlmFit| Numbers { intercept: f.coef[0], slope: f.coef[1], sigma_b: None, re: vec![], loglik: f.loglik };
    let glmm = |f: &crate::report::GlmmFit| Numbers {
        intercept: f.fixef[0],
        slope: f.fixef[1],
        sigma_b: Some(f.sigma_b),
        re: f.ranef.clone(),
        loglik: f.loglik,
    };
    let ok2 = |v: &Vec<f64>| v.len() >= 2;
    match key {
        ModelKey::LmPooled => r.lm_pooled.fit().filter(|f| ok2(&f.coef)).map(lm),
        ModelKey::LmGroup => r.lm_group.fit().filter(|f| ok2(&f.coef)).map(lm),
        ModelKey::Lmm => r.lmm.fit().filter(|f| ok2(&f.fixef)).map(|f| Numbers {
            intercept: f.fixef[0],
            slope: f.fixef[1],
            sigma_b: Some(f.sigma_b),
            re: f.ranef.clone(),
            loglik: f.loglik,
        }),
        ModelKey::GlmPooled => r.glm_pooled.fit().filter(|f| ok2(&f.coef)).map(glm),
        ModelKey::GlmGroup => r.glm_group.fit().filter(|f| ok2(&f.coef)).map(glm),
        ModelKey::GlmmLaplace => r.glmm_laplace.fit().filter(|f| ok2(&f.fixef)).map(glmm),
        ModelKey::GlmmAgq => r.glmm_agq.fit().filter(|f| ok2(&f.fixef)).map(glmm),
        ModelKey::JointMode => r.joint_mode.fit().map(|f| Numbers {
            intercept: f.alpha,
            slope: f.beta,
            sigma_b: Some(f.sigma),
            re: f.re.clone(),
            loglik: f.log_density,
        }),
        ModelKey::MarginalExact => r.marginal_exact.fit().map(|f| Numbers {
            intercept: f.alpha,
            slope: f.beta,
            sigma_b: Some(f.sigma),
            re: f.ranef.clone(),
            loglik: f.loglik,
        }),
    }
}

fn note_of(w: &Writer, key: ModelKey) -> Option<String> {
    let r = w.report;
    match key {
        ModelKey::Lmm => r.lmm.fit().and_then(|f| f.note.clone()),
        ModelKey::GlmmLaplace => r.glmm_laplace.fit().and_then(|f| f.note.clone()),
        ModelKey::GlmmAgq => r.glmm_agq.fit().and_then(|f| f.note.clone()),
        ModelKey::JointMode => r.joint_mode.fit().map(|f| f.note.clone()),
        ModelKey::MarginalExact => r.marginal_exact.fit().and_then(|f| f.note.clone()),
        _ => None,
    }
}

/// The table for the report.
pub fn table(w: &mut Writer) -> Table {
    let groups = w.report.data.groups;
    let reml = w.report.lmm.fit().is_none_or(|f| f.reml);
    let mut rows = Vec::new();
    for key in MODELS {
        if key == ModelKey::LmPooled {
            rows.push(Row::Section { html: "Continuous outcome <code>y</code>: linear models".into() });
        }
        if key == ModelKey::GlmPooled {
            rows.push(Row::Section { html: "Binary outcome <code>y_bin</code>: logistic models".into() });
        }
        let (label, call) = label_and_call(w, key);
        let Some(n) = numbers(w, key) else {
            let error = Some(w.failure(key).unwrap_or_else(|| "Not fitted.".into()));
            rows.push(Row::Model { key, label, call, cells: vec![], error, notes: vec![] });
            continue;
        };
        let mut cells = vec![cell("intercept", Some(n.intercept), DECIMALS), cell("slope", Some(n.slope), DECIMALS), cell("sigma_b", n.sigma_b, DECIMALS)];
        for g in 0..groups {
            cells.push(cell(&format!("re{}", g + 1), n.re.get(g).copied(), DECIMALS));
        }
        let modes = w.modes_sum(key);
        cells.push(sum_cell(w, "modes", modes));
        let means = w.means_sum(key);
        cells.push(sum_cell(w, "means", means));
        let mut ll = cell("loglik", Some(n.loglik), LOGLIK_DECIMALS);
        if key == ModelKey::JointMode {
            ll.title = Some(format!("Joint log density at the mode (not a log-likelihood): {}", n.loglik));
        }
        if key == ModelKey::Lmm && reml {
            ll.title = Some(format!("The REML criterion’s value −REMLcrit/2 (not lm’s kind of log-likelihood): {}", n.loglik));
        }
        cells.push(ll);
        let mut notes: Vec<String> = note_of(w, key).map(|s| esc(&s)).into_iter().collect();
        if let Some(s) = means.filter(|s| matches!(key, ModelKey::GlmmLaplace | ModelKey::GlmmAgq) && !super::reads_as_zero(s.value, DECIMALS)) {
            let fit = if key == ModelKey::GlmmLaplace { w.report.glmm_laplace.fit() } else { w.report.glmm_agq.fit() };
            // A note of the model's own about its sum (once it computes the exact log-likelihood's gap) is shown
            // above; otherwise say why in one sentence here.
            if fit.is_some_and(|f| f.exact_loglik_gap.is_none()) {
                let how = if key == ModelKey::GlmmLaplace { "the Laplace approximation".to_string() } else { format!("{}-node quadrature", w.params.nagq) };
                notes.push(format!(
                    "Σ means is {} here, not zero: the means sum to zero only at the maximum of the exact marginal \
                     likelihood, and {how} is not exact for these data, so this fit’s maximum is not that one.",
                    fixed(s.value, DECIMALS)
                ));
            }
        }
        rows.push(Row::Model { key, label, call, cells, error: None, notes });
    }
    Table { columns: columns(groups, reml), rows }
}
