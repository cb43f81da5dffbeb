//! A user's CSV fitted: from (CSV text, formula, family, link, nAGQ, factor columns) to everything the page
//! shows about it: the header's columns, the formula in R's spelling, the table, the explanation and the R
//! code, or the one sentence saying what is wrong with the input.

use serde::{Deserialize, Serialize};

use super::choices::nagq_from;
use super::columns::{column_infos, ColumnInfo, ColumnKind};
use super::explain::{explain, Explanation};
use super::r_code::{r_script, RCodeInput};
use super::table::{rows, Header, Row, HEADERS};
use crate::data::formula::Formula;
use crate::data::grouped_design::GroupedDesign;
use crate::surfaces::own_curves::Terms;
use crate::data::frame::Frame;
use crate::data::model_frame::ModelFrame;
use crate::error::Result;
use crate::models::design_fit::{check_response, fit_design, DesignFit, DesignFitOptions, DesignModels, ModelFamily};

/// The file name the R code reads when the page does not know one.
pub const DEFAULT_FILE_NAME: &str = "yourfile.csv";

/// How to fit: the CLI's `--formula`, `--family`, `--link`, `--nagq`, `--factor` and `--ml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnDataOptions {
    pub formula: String,
    /// `binomial` (the default when empty), `poisson` or `gaussian`.
    #[serde(default)]
    pub family: String,
    /// Empty: the family's default link.
    #[serde(default)]
    pub link: String,
    /// glmer's nAGQ (default 1, the Laplace approximation).
    #[serde(default)]
    pub nagq: Option<f64>,
    /// Numeric columns read as factors.
    #[serde(default)]
    pub factors: Vec<String>,
    /// The file's name, for the R code.
    #[serde(default)]
    pub file_name: String,
    /// lmer by maximum likelihood instead of REML.
    #[serde(default)]
    pub ml: bool,
}

/// Everything the page shows about a fit of a user's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnDataReport {
    pub columns: Vec<ColumnInfo>,
    /// The formula as R would read it.
    pub formula: String,
    pub family: String,
    pub link: String,
    pub nagq: usize,
    pub factors: Vec<String>,
    pub headers: &'static [Header],
    pub rows: Vec<Row>,
    pub explanation: Explanation,
    pub r_code: String,
    /// Every model's fit, as `glmm-demo fit --csv … --formula …` prints it.
    pub fit: DesignFit,
}

/// A fit of a user's file with what the figures read besides the report.
#[derive(Debug, Clone)]
pub struct CsvFit {
    pub report: OwnDataReport,
    /// The design the models were fitted to.
    pub design: GroupedDesign,
    /// The formula's terms as columns of the design (the curves figure's x choices).
    pub terms: Terms,
    /// Whether the models handed to [`fit_csv_design_given`] were used (not fitted again).
    pub reused: bool,
}

/// Fits every model of `opts` to `csv`; a malformed file, formula or option is one sentence.
pub fn fit_csv(csv: &str, opts: &OwnDataOptions) -> Result<OwnDataReport> {
    fit_csv_design_given(csv, opts, None).map(|f| f.report)
}

/// Every model of `opts` fitted to `csv`, and nothing else: what the page's worker hands over.
pub fn fit_csv_models(csv: &str, opts: &OwnDataOptions) -> Result<DesignFit> {
    fit_csv(csv, opts).map(|report| report.fit)
}

/// [`fit_csv`] with its design and terms, the models fitted here (`fitted` None) or already fitted to the same
/// file and options (by the page's worker): the rest (columns, table, explanation, R code) is made again from
/// the file. A `fitted` that does not belong to these data and options is not used: the models are fitted
/// afresh.
pub fn fit_csv_design_given(csv: &str, opts: &OwnDataOptions, fitted: Option<DesignFit>) -> Result<CsvFit> {
    let family_name = if opts.family.is_empty() { "binomial" } else { opts.family.as_str() };
    let family = ModelFamily::from_names(family_name, &opts.link)?;
    let nagq = match (family, opts.nagq) {
        (ModelFamily::Gaussian, _) | (_, None) => 1,
        (_, Some(k)) => nagq_from(k)?,
    };
    let formula = Formula::parse(&opts.formula)?;
    let frame = Frame::from_csv(csv)?;
    let mf = ModelFrame::build(&frame, &formula, &opts.factors)?;
    check_response(&mf.design, family)?;
    let shown = formula.to_string();
    let (family_name, link) = family.names();
    let (fit, reused) = match fitted {
        Some(f) if belongs(&f, &mf.design, &shown, mf.rows_dropped, (family_name, link), nagq) => (f, true),
        _ => (fit_design(&mf.design, &shown, mf.rows_dropped, &DesignFitOptions { family, nagq, reml: !opts.ml }), false),
    };
    let columns = column_infos(&frame);
    let group_is_numeric = columns.iter().any(|c| c.name == formula.group && c.kind == ColumnKind::Numeric);
    let file_name = if opts.file_name.trim().is_empty() { DEFAULT_FILE_NAME } else { opts.file_name.trim() };
    let r_code = r_script(&RCodeInput {
        file_name,
        formula: &formula,
        factors: &opts.factors,
        group_is_numeric,
        family: family_name,
        link,
        nagq,
        reml: !opts.ml,
    });
    let report = OwnDataReport {
        columns,
        formula: shown,
        family: family_name.into(),
        link: link.into(),
        nagq,
        factors: opts.factors.clone(),
        headers: HEADERS,
        rows: rows(&fit),
        explanation: explain(&fit, &formula),
        r_code,
        fit,
    };
    let terms = Terms::of(&mf.design, &formula, &frame, &opts.factors).unwrap_or_default();
    Ok(CsvFit { report, design: mf.design, terms, reused })
}

/// Whether `fit` was made from this design, formula, family, link and nAGQ (as far as its fields tell).
fn belongs(fit: &DesignFit, design: &GroupedDesign, formula: &str, rows_dropped: usize, names: (&str, &str), nagq: usize) -> bool {
    let agq_as_asked = match &fit.models {
        DesignModels::Glmm { glmm_agq, .. } => glmm_agq.is_some() == (nagq > 1),
        DesignModels::Gaussian { .. } => true,
    };
    fit.formula == formula
        && fit.family == names.0
        && fit.link == names.1
        && fit.n_obs == design.n_obs()
        && fit.groups == design.n_groups()
        && fit.group_labels == design.group_labels
        && fit.rows_dropped == rows_dropped
        && agq_as_asked
}
