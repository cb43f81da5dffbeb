//! The table of every model fitted to a user's data: one row per model, with its fixed effects by name,
//! σ_b, the log-likelihood (the true one, every constant included, and what R's `logLik()` prints), and
//! the sums of the conditional modes Σ_g b̂_g (`sum(ranef(fit)$group)`) and of the conditional means
//! Σ_g E[b_g | y]. Numbers are printed here, with the page's rule for "reads as zero".

use serde::Serialize;

use crate::explain::format::{fixed, reads_as_zero, DECIMALS, LOGLIK_DECIMALS};
use crate::models::design_fit::{DesignFit, DesignModels};
use crate::models::glmm::GlmmResult;
use crate::report::Outcome;

/// A column of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Header {
    pub key: &'static str,
    pub text: &'static str,
    /// What the column holds, for the header's tooltip.
    pub title: &'static str,
}

/// The table's columns, in order.
pub const HEADERS: &[Header] = &[
    Header { key: "model", text: "Model", title: "The R call, fitted here" },
    Header { key: "fixef", text: "Fixed effects", title: "The fixed-effect coefficients, named as R names them" },
    Header { key: "sigma_b", text: "σ_b", title: "The standard deviation of the random intercepts" },
    Header { key: "loglik", text: "logLik (true)", title: "The log-likelihood with every constant included" },
    Header { key: "loglik_r", text: "logLik (as R prints it)", title: "What logLik() prints: for glmer with nAGQ > 1 lme4 leaves out a constant" },
    Header { key: "sum_modes", text: "Σ modes", title: "The sum of the conditional modes, sum(ranef(fit)$group)" },
    Header { key: "sum_means", text: "Σ means", title: "The sum of the conditional means E[b_g | y], by the exact integral" },
];

/// One named coefficient, printed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coef {
    pub name: String,
    pub value: f64,
    pub text: String,
}

/// One number of a row: `value` None prints as a dash (the model has no such number).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub key: &'static str,
    pub value: Option<f64>,
    pub text: String,
    /// For the sums: whether the printed value reads as zero.
    pub zero: Option<bool>,
}

/// One model's row, or the sentence saying why it could not be fitted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The model's key in `glmm-demo fit`'s JSON (`glm_pooled`, `glmm_agq`, `lmer`, …).
    pub key: &'static str,
    pub label: String,
    pub fixef: Vec<Coef>,
    /// Coefficients not listed (the per-group ones of glm + group), in words.
    pub fixef_note: Option<String>,
    pub cells: Vec<Cell>,
    pub error: Option<String>,
    /// A sentence under the row (glm + group's separated groups and aliased columns).
    pub note: Option<String>,
}

fn number(key: &'static str, value: Option<f64>, decimals: usize) -> Cell {
    let text = value.map_or_else(|| "—".to_string(), |v| fixed(v, decimals));
    Cell { key, value, text, zero: None }
}

fn sum(key: &'static str, value: Option<f64>) -> Cell {
    Cell { zero: value.map(|v| reads_as_zero(v, DECIMALS)), ..number(key, value, DECIMALS) }
}

fn coefs<'a>(pairs: impl IntoIterator<Item = (&'a String, f64)>) -> Vec<Coef> {
    pairs.into_iter().map(|(n, v)| Coef { name: n.clone(), value: v, text: fixed(v, DECIMALS) }).collect()
}

fn cells(sigma_b: Option<f64>, loglik: f64, loglik_r: f64, modes: Option<f64>, means: Option<f64>) -> Vec<Cell> {
    vec![
        number("sigma_b", sigma_b, DECIMALS),
        number("loglik", Some(loglik), LOGLIK_DECIMALS),
        number("loglik_r", Some(loglik_r), LOGLIK_DECIMALS),
        sum("sum_modes", modes),
        sum("sum_means", means),
    ]
}

fn row<T>(key: &'static str, label: String, outcome: &Outcome<T>, fill: impl FnOnce(&T, &mut Row)) -> Row {
    let mut r = Row { key, label, fixef: Vec::new(), fixef_note: None, cells: Vec::new(), error: None, note: None };
    match outcome {
        Outcome::Fit(t) => fill(t, &mut r),
        Outcome::Failed { error } => r.error = Some(error.clone()),
    }
    r
}

fn glmm_row(key: &'static str, label: String, o: &Outcome<GlmmResult>) -> Row {
    row(key, label, o, |m, r| {
        r.fixef = coefs(m.names.iter().zip(m.fixef.iter().copied()));
        r.cells = cells(Some(m.sigma_b), m.loglik, m.loglik_lme4_convention, Some(m.ranef_sum), Some(m.cond_means_sum));
    })
}

fn per_group(n: usize, group: &str) -> Option<String> {
    (n > 0).then(|| format!("and {n} coefficient{} for the levels of {group}", if n == 1 { "" } else { "s" }))
}

/// Every row of the table, in the order of the models in `glmm-demo fit`'s JSON.
pub fn rows(fit: &DesignFit) -> Vec<Row> {
    let group = fit.group_name.as_str();
    match &fit.models {
        DesignModels::Glmm { glm_pooled, glm_group, glmm_laplace, glmm_agq, joint_mode, marginal_exact } => {
            let mut out = vec![
                row("glm_pooled", "glm, no group".into(), glm_pooled, |m, r| {
                    r.fixef = coefs(m.names.iter().zip(m.coef.iter().copied()));
                    r.cells = cells(None, m.loglik, m.loglik, None, None);
                }),
                row("glm_group", format!("glm + {group}, a fixed effect per group"), glm_group, |m, r| {
                    r.fixef = coefs(m.fixed_coef_named.iter().map(|(n, v)| (n, *v)));
                    r.fixef_note = per_group(m.n_group_coef, group);
                    r.cells = cells(None, m.loglik, m.loglik, None, None);
                    r.note = m.note.clone();
                }),
                glmm_row("glmm_laplace", "glmer, Laplace (nAGQ = 1)".into(), glmm_laplace),
            ];
            if let Some(agq) = glmm_agq {
                let k = agq.fit().and_then(|m| m.nagq).map_or_else(|| "K".to_string(), |k| k.to_string());
                out.push(glmm_row("glmm_agq", format!("glmer, nAGQ = {k}"), agq));
            }
            // The answer's opt1: a joint density, not a likelihood, so no logLik.
            out.push(row("joint_mode", "Joint mode of (β, b), the answer's opt1".into(), joint_mode, |m, r| {
                r.fixef = coefs(m.names.iter().zip(m.fixef.iter().copied()));
                r.cells = vec![
                    number("sigma_b", Some(m.sigma_b), DECIMALS),
                    number("loglik", None, LOGLIK_DECIMALS),
                    number("loglik_r", None, LOGLIK_DECIMALS),
                    sum("sum_modes", Some(m.ranef_sum)),
                    sum("sum_means", Some(m.cond_means_sum)),
                ];
                r.note = (!m.note.is_empty()).then(|| m.note.clone());
            }));
            out.push(glmm_row("marginal_exact", "Exact marginal likelihood, its maximum".into(), marginal_exact));
            out
        }
        DesignModels::Gaussian { lm_pooled, lm_group, lmer } => {
            let linear = |key, label: String, o| {
                row(key, label, o, |m: &crate::models::gaussian::LinearFit, r| {
                    let fixed_names = &fit.names;
                    r.fixef = coefs(m.names.iter().zip(m.coef.iter().copied()).filter(|(n, _)| fixed_names.contains(n)));
                    r.fixef_note = per_group(m.names.len() - r.fixef.len(), group);
                    r.cells = cells(None, m.loglik, m.loglik, None, None);
                })
            };
            let lmer_label = match lmer.fit() {
                Some(m) if !m.reml => "lmer (ML)",
                _ => "lmer (REML)",
            };
            vec![
                linear("lm_pooled", "lm, no group".into(), lm_pooled),
                linear("lm_group", format!("lm + {group}, a fixed effect per group"), lm_group),
                row("lmer", lmer_label.into(), lmer, |m, r| {
                    r.fixef = coefs(m.names.iter().zip(m.fixef.iter().copied()));
                    // The posterior of each b_g is normal: its mode is its mean.
                    r.cells = cells(Some(m.sigma_b), m.loglik, m.loglik, Some(m.ranef_sum), Some(m.ranef_sum));
                }),
            ]
        }
    }
}
