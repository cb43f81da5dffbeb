//! `fit` and `bench` through the general engine: `--csv FILE --formula F [--family] [--link] [--factor COL]`,
//! or the page's own data (simulated, or a `group,x,y_bin` CSV) with `--link`/`--family`.

use super::args::{DataArgs, FamilyArg, FormulaArgs, LinkArg, ModelArgs};
use super::load_data;
use crate::data::csv::csv_text_from_bytes;
use crate::data::grouped_design::GroupedDesign;
use crate::data::model_frame::ModelFrame;
use crate::error::{Error, Result};
use crate::models::quadrature::{check_nagq, MAX_NODES};
use crate::models::design_fit::{check_response, fit_design, DesignFit, DesignFitOptions, ModelFamily};

/// The formula of the page's own data.
const PAGE_FORMULA: &str = "y_bin ~ x + (1 | group)";

/// A design ready to fit: the data, its formula and the options.
pub struct GeneralInput {
    pub design: GroupedDesign,
    pub formula: String,
    pub rows_dropped: usize,
    pub opts: DesignFitOptions,
}

fn family_name(f: FamilyArg) -> &'static str {
    match f {
        FamilyArg::Binomial => "binomial",
        FamilyArg::Poisson => "poisson",
        FamilyArg::Gaussian => "gaussian",
    }
}

fn link_name(l: LinkArg) -> &'static str {
    match l {
        LinkArg::Logit => "logit",
        LinkArg::Probit => "probit",
        LinkArg::Cloglog => "cloglog",
        LinkArg::Log => "log",
        LinkArg::Identity => "identity",
    }
}

/// nAGQ as glmer takes it: a whole number from 1 to 100 (default 1, the Laplace approximation).
fn nagq(model: &ModelArgs) -> Result<usize> {
    match model.nagq {
        None => Ok(1),
        Some(k) if k.fract() == 0.0 && k >= 1.0 && k <= MAX_NODES as f64 => check_nagq(k as usize).map(|()| k as usize),
        Some(k) => Err(Error::InvalidParameter {
            name: "--nagq",
            expected: format!("a whole number from 1 to {MAX_NODES}"),
            got: k.to_string(),
        }),
    }
}

/// Reads the design the options describe.
pub fn general_input(data: &DataArgs, model: &ModelArgs, general: &FormulaArgs) -> Result<GeneralInput> {
    let family = general.family.map_or("binomial", family_name);
    let link = general.link.map_or("", link_name);
    let opts = DesignFitOptions { family: ModelFamily::from_names(family, link)?, nagq: nagq(model)?, reml: !model.ml };
    match &general.formula {
        Some(formula) => {
            let path = data.csv.as_deref().ok_or_else(|| {
                Error::Usage("--formula names the columns of a data file, so it needs --csv FILE.".into())
            })?;
            let bytes = std::fs::read(path)
                .map_err(|e| Error::Usage(format!("cannot read the CSV file \"{}\": {e}.", path.display())))?;
            let mf = ModelFrame::from_csv(&csv_text_from_bytes(bytes), formula, &general.factors)?;
            Ok(GeneralInput { design: mf.design, formula: formula.trim().to_string(), rows_dropped: mf.rows_dropped, opts })
        }
        None => {
            if !general.factors.is_empty() {
                return Err(Error::Usage("--factor names columns of a formula, so it needs --formula.".into()));
            }
            let params = data.sim.params(model.nagq)?;
            let dataset = load_data(data.csv.as_deref(), &params)?;
            let opts = DesignFitOptions { nagq: params.nagq, ..opts };
            Ok(GeneralInput { design: GroupedDesign::from_dataset(&dataset), formula: PAGE_FORMULA.into(), rows_dropped: 0, opts })
        }
    }
}

/// Every model of the general engine on the options' data.
pub fn fit(data: &DataArgs, model: &ModelArgs, general: &FormulaArgs) -> Result<DesignFit> {
    let input = general_input(data, model, general)?;
    check_response(&input.design, input.opts.family)?;
    Ok(fit_design(&input.design, &input.formula, input.rows_dropped, &input.opts))
}
