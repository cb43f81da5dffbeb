//! The figures of a user's data (issue 13): a fit kept with its design, and for a chosen pair of groups the
//! posteriors of their random intercepts and their joint posterior at the page's glmer fit (nAGQ as chosen),
//! described by [`crate::surfaces::own_descriptions`] and drawn by [`crate::figures::own`].

use std::cell::RefCell;
use std::rc::Rc;

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;

use super::report::{fit_csv_design_given, CsvFit, OwnDataOptions, OwnDataReport};
use super::shift_figures::ShiftFigures;
use crate::data::grouped_design::GroupedDesign;
use crate::error::Result;
use crate::figures::own::{draw_own, OwnDrawing};
use crate::figures::PlotMapping;
use crate::models::design_fit::{DesignFit, DesignModels, ModelFamily};
use crate::models::glmm::fit::FamilyLink;
use crate::models::glmm::GlmmResult;
use crate::report::Outcome;
use crate::surfaces::descriptions::{failure, FigureInfo};
use crate::surfaces::own_descriptions::{
    describe_own_joint, describe_own_posteriors, own_joint_unavailable, own_posteriors_unavailable, OwnContext,
    OWN_JOINT, OWN_POSTERIORS,
};
use crate::surfaces::own_curves::Terms;
use crate::surfaces::own_posteriors::{outcomes_text, own_pair, widest_pair, OwnPair, OWN_JOINT_GRID};

/// A user's data fitted, with the design the figures read.
#[derive(Debug, Clone)]
pub struct OwnFit {
    pub report: OwnDataReport,
    pub(crate) design: GroupedDesign,
    /// The formula's terms as columns of X (the curves figure's x choices).
    pub(crate) terms: Terms,
    /// The last pair built with figures 4–6 (what [`OwnFit::figures`] made), reused by the draws after it.
    last: RefCell<Option<PairBuild>>,
}

/// The figures' descriptions for one pair, and what the group chooser offers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnFigures {
    /// The grouping factor and its levels (the chooser's options, 0-based in this order).
    pub group_name: String,
    pub group_labels: Vec<String>,
    /// The pair drawn, and the pair Rust suggests (the widest gaps between mode and mean).
    pub pair: (usize, usize),
    pub default_pair: (usize, usize),
    /// The curves figure (1 or 2), the posteriors figure, then the joint figure.
    pub figures: Vec<FigureInfo>,
    /// The curves figure's x chooser: its options, the one drawn and the default (indices into `x_labels`).
    pub x_labels: Vec<String>,
    pub x: usize,
    pub x_default: usize,
}

/// The page's glmer (nAGQ as chosen) and the figures' inputs, or the sentence why there are none.
struct Page<'a> {
    model: String,
    family: FamilyLink,
    fit: &'a GlmmResult,
}

impl OwnFigures {
    /// The description of figure `number`.
    pub fn figure(&self, number: u8) -> Option<&FigureInfo> {
        self.figures.iter().find(|f| f.number == number)
    }
}

/// A pair and its figures' build.
type PairBuild = ((usize, usize), Rc<Built>);

/// Everything one pair's figures need.
#[derive(Debug)]
struct Built {
    posteriors: FigureInfo,
    joint: FigureInfo,
    pair: Option<OwnPair>,
    headings: Vec<String>,
    sigma_b: f64,
    /// Figures 4–6.
    shift: ShiftFigures,
}

impl OwnFit {
    /// Fits every model of `opts` to `csv` (as [`super::fit_csv`]) and keeps the design.
    pub fn new(csv: &str, opts: &OwnDataOptions) -> Result<OwnFit> {
        OwnFit::with_models(csv, opts, None).map(|(fit, _)| fit)
    }

    /// [`OwnFit::new`] with the models fitted elsewhere (the page's worker, [`super::report::fit_csv_models`])
    /// from the same file and options; models that do not belong to them are fitted again here (the flag:
    /// whether `fitted` was used).
    pub fn with_models(csv: &str, opts: &OwnDataOptions, fitted: Option<DesignFit>) -> Result<(OwnFit, bool)> {
        let CsvFit { report, design, terms, reused } = fit_csv_design_given(csv, opts, fitted)?;
        Ok((OwnFit { report, design, terms, last: RefCell::new(None) }, reused))
    }

    /// The page's glmer fit, or the sentence saying why the figures have nothing to draw.
    fn page(&self) -> std::result::Result<Page<'_>, String> {
        let fit = &self.report.fit;
        let family = match ModelFamily::from_names(&fit.family, &fit.link) {
            Ok(ModelFamily::Glmm(f)) => f,
            _ => {
                return Err("For a Gaussian response each group’s posterior of b_g given y is normal, so its peak and its centre coincide: these figures are drawn for binomial and Poisson responses.".into())
            }
        };
        let DesignModels::Glmm { glmm_laplace, glmm_agq, .. } = &fit.models else {
            return Err("These figures are drawn for binomial and Poisson responses.".into());
        };
        let (model, outcome) = match glmm_agq {
            Some(o) => (format!("glmer(…, nAGQ = {})", self.report.nagq), o),
            None => ("glmer(…, nAGQ = 1)".to_string(), glmm_laplace),
        };
        match outcome {
            Outcome::Fit(f) if f.sigma_b.is_nan() || f.sigma_b <= 0.0 || f.singular => Err(format!(
                "{model} estimates σ_b as 0 (a singular fit): every b_g is 0 for certain, so there is no posterior to draw."
            )),
            Outcome::Fit(f) => Ok(Page { model, family, fit: f }),
            o @ Outcome::Failed { .. } => {
                Err(failure(&model, o).unwrap_or_else(|| format!("{model} could not be fitted.")))
            }
        }
    }

    /// The pair Rust suggests: the two groups whose posteriors are most skewed (widest |mean − mode|).
    pub fn default_pair(&self) -> (usize, usize) {
        self.page().map(|p| widest_pair(p.fit)).unwrap_or((0, 1))
    }

    /// [`Self::build`], or the last pair built with figures 4–6 when it is this pair: the page asks for the
    /// descriptions and then draws each figure, and all of them share one build.
    fn built(&self, pair: Option<(usize, usize)>, with_shift: bool) -> (Rc<Built>, (usize, usize)) {
        let key = pair.unwrap_or_else(|| self.default_pair());
        let cached = self.last.borrow().as_ref().filter(|(k, _)| *k == key).map(|(_, b)| Rc::clone(b));
        if let Some(b) = cached {
            return (b, key);
        }
        let (built, key) = self.build(Some(key), with_shift);
        let built = Rc::new(built);
        if with_shift {
            *self.last.borrow_mut() = Some((key, Rc::clone(&built)));
        }
        (built, key)
    }

    /// The pair's figures; figures 4–6 only `with_shift` (drawing figure 3 or 7 needs none of them).
    fn build(&self, pair: Option<(usize, usize)>, with_shift: bool) -> (Built, (usize, usize)) {
        let default_pair = self.default_pair();
        let pair = pair.unwrap_or(default_pair);
        let unavailable = |why: String| Built {
            shift: ShiftFigures::unavailable(&why),
            posteriors: own_posteriors_unavailable(why.clone()),
            joint: own_joint_unavailable(why),
            pair: None,
            headings: Vec::new(),
            sigma_b: f64::NAN,
        };
        let page = match self.page() {
            Ok(p) => p,
            Err(why) => return (unavailable(why), pair),
        };
        let g = self.design.n_groups();
        if pair.0 == pair.1 || pair.0 >= g || pair.1 >= g {
            return (unavailable("Choose two different groups to compare.".into()), pair);
        }
        let Some(own) = own_pair(&self.design, page.family, page.fit, pair, OWN_JOINT_GRID) else {
            return (unavailable("The posteriors of these two groups’ random intercepts could not be computed for this fit.".into()), pair);
        };
        let d = &self.design;
        let label = |k: usize| d.group_labels.get(k).map(String::as_str).unwrap_or("");
        let (family, link) = (self.report.family.as_str(), self.report.link.as_str());
        let outcomes = [outcomes_text(d, page.family, pair.0), outcomes_text(d, page.family, pair.1)];
        let headings = vec![
            format!("{} {} ({})", d.group_name, label(pair.0), outcomes[0]),
            format!("{} {} ({})", d.group_name, label(pair.1), outcomes[1]),
        ];
        let ctx = OwnContext {
            model: &page.model,
            family,
            link,
            sigma_b: page.fit.sigma_b,
            group_name: &d.group_name,
            groups: g,
            widest: default_pair,
            widest_labels: (label(default_pair.0), label(default_pair.1)),
            outcomes,
        };
        let posteriors = describe_own_posteriors(&own, &ctx);
        let joint = describe_own_joint(&own, &ctx).unwrap_or_else(|| {
            own_joint_unavailable("The joint posterior of these two groups could not be drawn for this fit.".into())
        });
        let shift = if with_shift {
            ShiftFigures::build(d, page.family, page.fit, pair, own.joint.as_ref(), &ctx, OWN_JOINT_GRID)
        } else {
            ShiftFigures::unavailable("Not computed.")
        };
        (Built { posteriors, joint, pair: Some(own), headings, sigma_b: page.fit.sigma_b, shift }, pair)
    }

    /// The figures' descriptions for `pair` (None: the default pair) and the curves figure's x option `x`
    /// (None: the default).
    ///
    /// In the page's order; find one by its number with [`OwnFigures::figure`].
    pub fn figures(&self, pair: Option<(usize, usize)>, x: Option<usize>) -> OwnFigures {
        let (built, pair) = self.built(pair, true);
        let curves = self.build_curves(pair, x);
        let (x_labels, x_default) = self.x_options();
        OwnFigures {
            group_name: self.design.group_name.clone(),
            group_labels: self.design.group_labels.clone(),
            pair,
            default_pair: self.default_pair(),
            figures: [vec![curves.info, built.joint.clone()], built.shift.infos.to_vec(), vec![built.posteriors.clone()]]
                .concat(),
            x_labels,
            x: curves.x,
            x_default,
        }
    }

    /// Draws figure `number` (the curves figure's, [`OWN_POSTERIORS`] or [`OWN_JOINT`]) of `pair` and x option
    /// `x` on any plotters backend.
    pub fn draw<DB: DrawingBackend>(
        &self,
        number: u8,
        pair: Option<(usize, usize)>,
        x: Option<usize>,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<PlotMapping> {
        if number == self.curves_number() {
            return self.draw_curves(pair, x, root);
        }
        let (built, _) = self.built(pair, ShiftFigures::draws(number));
        if let Some(drawn) = built.shift.draw(number, root) {
            return drawn;
        }
        match (number, &built.pair) {
            (OWN_POSTERIORS, Some(own)) => draw_own(
                root,
                &built.posteriors,
                &OwnDrawing::Posteriors { groups: &own.posteriors, headings: &built.headings },
            ),
            (OWN_JOINT, Some(OwnPair { joint: Some(s), .. })) => {
                draw_own(root, &built.joint, &OwnDrawing::Joint { surface: s, sigma_b: built.sigma_b })
            }
            (OWN_POSTERIORS, None) => draw_own(root, &built.posteriors, &OwnDrawing::Message),
            (OWN_JOINT, _) => draw_own(root, &built.joint, &OwnDrawing::Message),
            _ => Err(crate::error::Error::InvalidParameter {
                name: "figure",
                expected: format!(
                    "{} (the fitted curves), {OWN_JOINT} to 6 (the joint posterior, the same with the intercept moved, the decomposition along u) or {OWN_POSTERIORS} (the posteriors)",
                    self.curves_number()
                ),
                got: number.to_string(),
            }),
        }
    }

    /// Figure `number` of `pair` as an SVG document of `w` × `h` pixels.
    pub fn svg(&self, number: u8, pair: Option<(usize, usize)>, x: Option<usize>, w: u32, h: u32) -> Result<String> {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (w.clamp(16, 8000), h.clamp(16, 8000))).into_drawing_area();
            self.draw(number, pair, x, &root)?;
            root.present()?;
        }
        Ok(out)
    }

    #[cfg(test)]
    pub(crate) fn design(&self) -> &GroupedDesign {
        &self.design
    }
}
