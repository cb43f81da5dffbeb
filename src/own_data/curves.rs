//! Your data's fitted-curves figure (1 for a Gaussian response, 2 for binomial and Poisson): the models it
//! reads from the fit (lmer and lm + group, or the page's glmer, nAGQ as chosen, and glm + group), the x
//! choice, its curves ([`crate::surfaces::own_curves`]) and its description
//! ([`crate::surfaces::own_curve_descriptions`]).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::figures::OwnFit;
use crate::error::Result;
use crate::figures::own::{draw_own, CurvesLook, OwnDrawing};
use crate::figures::PlotMapping;
use crate::models::design_fit::{DesignModels, ModelFamily};
use crate::report::Outcome;
use crate::surfaces::descriptions::{failure, FigureInfo};
use crate::surfaces::own_curve_descriptions::{
    curves_number, describe_own_curves, own_curves_unavailable, CurveContext,
};
use crate::surfaces::own_curves::{own_curves, GroupFactorModel, MixedModel, OwnCurves, XChoice};

/// Groups drawn each in its own colour; with more, only the chosen pair is.
pub const MAX_COLOURED_GROUPS: usize = 8;

/// The curves figure built for one pair and one x choice.
#[derive(Debug, Clone)]
pub(crate) struct BuiltCurves {
    pub info: FigureInfo,
    pub curves: Option<OwnCurves>,
    pub coloured: Vec<usize>,
    /// "herd 3" for every group.
    pub labels: Vec<String>,
    pub mixed_name: String,
    pub group_factor_name: String,
    /// Its legend label ("glm + herd").
    pub legend_group_factor: String,
    pub generalised: bool,
    /// The x choice's index in the chooser.
    pub x: usize,
}

impl OwnFit {
    /// The curves figure's number (1 or 2).
    pub fn curves_number(&self) -> u8 {
        curves_number(self.family_link())
    }

    /// None for a Gaussian response.
    fn family_link(&self) -> Option<crate::models::glmm::fit::FamilyLink> {
        match ModelFamily::from_names(&self.report.fit.family, &self.report.fit.link) {
            Ok(ModelFamily::Glmm(f)) => Some(f),
            _ => None,
        }
    }

    /// The x chooser's options (each numeric covariate, then the linear predictor) and the default's index.
    pub fn x_options(&self) -> (Vec<String>, usize) {
        (self.terms.x_labels(), XChoice::from_index(&self.terms, None).index(&self.terms))
    }

    /// The curves figure for `pair` (the groups in colour when there are more than 8) and x option `x`.
    pub(crate) fn build_curves(&self, pair: (usize, usize), x: Option<usize>) -> BuiltCurves {
        let family = self.family_link();
        let d = &self.design;
        let choice = XChoice::from_index(&self.terms, x);
        let g = d.n_groups();
        let coloured: Vec<usize> = if g <= MAX_COLOURED_GROUPS {
            (0..g).collect()
        } else if pair.0 != pair.1 && pair.0 < g && pair.1 < g {
            vec![pair.0, pair.1]
        } else {
            vec![0, 1]
        };
        let labels: Vec<String> = d.group_labels.iter().map(|l| format!("{} {l}", d.group_name)).collect();
        let fixed_model = if family.is_some() { "glm" } else { "lm" };
        let group_factor_name = format!("{fixed_model}(… + {})", d.group_name);
        let legend_group_factor = format!("{fixed_model} + {}", d.group_name);
        let mut built = BuiltCurves {
            info: own_curves_unavailable(family, String::new()),
            curves: None,
            coloured,
            labels,
            mixed_name: String::new(),
            group_factor_name,
            legend_group_factor,
            generalised: family.is_some(),
            x: choice.index(&self.terms),
        };
        let unavailable = |mut b: BuiltCurves, why: String| {
            b.info.unavailable = Some(why);
            b
        };
        let (mixed_name, mixed, group_factor, gf_failed) = match &self.report.fit.models {
            DesignModels::Gaussian { lm_group, lmer, .. } => {
                let name = "lmer(…)".to_string();
                let Outcome::Fit(m) = lmer else {
                    let why = failure(&name, lmer).unwrap_or_default();
                    return unavailable(built, why);
                };
                let mixed = MixedModel { family: None, fixef: &m.fixef, ranef: &m.ranef, sigma_b: m.sigma_b };
                let (gf, failed) = match lm_group {
                    Outcome::Fit(f) => (
                        Some(GroupFactorModel {
                            coef: f.names.iter().map(String::as_str).zip(f.coef.iter().copied()).collect(),
                            reference: d.group_labels.first().map(String::as_str).unwrap_or(""),
                        }),
                        None,
                    ),
                    Outcome::Failed { error } => (None, Some(error.clone())),
                };
                (name, mixed, gf, failed)
            }
            DesignModels::Glmm { glm_group, glmm_laplace, glmm_agq, .. } => {
                let (name, outcome) = match glmm_agq {
                    Some(o) => (format!("glmer(…, nAGQ = {})", self.report.nagq), o),
                    None => ("glmer(…, nAGQ = 1)".to_string(), glmm_laplace),
                };
                let Outcome::Fit(m) = outcome else {
                    let why = failure(&name, outcome).unwrap_or_default();
                    return unavailable(built, why);
                };
                let Some(f) = family else {
                    return unavailable(built, "This fit has no family for glmer.".into());
                };
                let mixed = MixedModel { family: Some(f), fixef: &m.fixef, ranef: &m.ranef, sigma_b: m.sigma_b };
                let (gf, failed) = match glm_group {
                    Outcome::Fit(f) => (
                        Some(GroupFactorModel {
                            coef: f.coef_named.iter().map(|(n, c)| (n.as_str(), *c)).collect(),
                            reference: f.reference_group.as_str(),
                        }),
                        None,
                    ),
                    Outcome::Failed { error } => (None, Some(error.clone())),
                };
                (name, mixed, gf, failed)
            }
        };
        built.mixed_name = mixed_name;
        let Some(mut curves) = own_curves(d, &self.terms, choice, &mixed, group_factor.as_ref()) else {
            let why = format!(
                "{}’s estimates do not match the data’s columns and groups, so there are no curves to draw.",
                built.mixed_name
            );
            return unavailable(built, why);
        };
        curves.choice = Some(choice);
        let failed = gf_failed.map(|e| {
            let e = e.trim().to_string();
            if e.ends_with('.') { e } else { format!("{e}.") }
        });
        let ctx = CurveContext {
            family,
            link: &self.report.fit.link,
            mixed_name: &built.mixed_name,
            group_factor_name: &built.group_factor_name,
            group_factor_failed: failed.as_deref(),
            response: &d.response,
            group_name: &d.group_name,
            group_labels: &d.group_labels,
            coloured: &built.coloured,
            sigma_b: mixed.sigma_b,
        };
        let mut info = describe_own_curves(&curves, &self.terms, &ctx);
        info.y_range = crate::surfaces::own_curves::y_range(&curves, family, &built.coloured);
        built.info = info;
        built.curves = Some(curves);
        built
    }
}

impl OwnFit {
    /// Draws the curves figure of `pair` and x option `x`.
    pub(crate) fn draw_curves<DB: DrawingBackend>(
        &self,
        pair: Option<(usize, usize)>,
        x: Option<usize>,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<PlotMapping> {
        let pair = pair.unwrap_or_else(|| self.default_pair());
        let b = self.build_curves(pair, x);
        match &b.curves {
            Some(curves) => {
                let look = CurvesLook {
                    coloured: &b.coloured,
                    labels: &b.labels,
                    group_factor_name: &b.legend_group_factor,
                    generalised: b.generalised,
                };
                draw_own(root, &b.info, &OwnDrawing::Curves { curves, look })
            }
            None => draw_own(root, &b.info, &OwnDrawing::Message),
        }
    }
}
