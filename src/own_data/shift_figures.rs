//! Your data's figures 4, 5 and 6 (issue 13) for one pair: the joint posterior with the intercept moved by the
//! mean mode ([`crate::surfaces::own_shift`]) and the decomposition along u
//! ([`crate::surfaces::own_decomposition`]), described by [`crate::surfaces::own_shift_descriptions`] and drawn
//! by [`crate::figures::own`]. [`super::figures::OwnFit`] builds and draws them beside figures 3 and 7.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::data::grouped_design::GroupedDesign;
use crate::error::Result;
use crate::figures::own::{draw_own, OwnDrawing};
use crate::figures::PlotMapping;
use crate::models::glmm::fit::FamilyLink;
use crate::models::glmm::GlmmResult;
use crate::surfaces::descriptions::FigureInfo;
use crate::surfaces::own_decomposition::{intercept_index, own_decomposition};
use crate::surfaces::own_descriptions::OwnContext;
use crate::surfaces::own_shift::{own_shift, OwnShift};
use crate::surfaces::own_shift_descriptions::{
    describe_own_integrand, describe_own_random_part, describe_own_shifted, integrand_names, own_decomposition_unavailable,
    part_name, ShiftContext, NO_INTERCEPT, OWN_INTEGRAND, OWN_RANDOM_PART, OWN_SHIFTED,
};
use crate::surfaces::{Decomposition, JointSurface};

/// Figures 4–6 of one pair: their descriptions (in that order) and what they draw.
#[derive(Debug, Clone)]
pub struct ShiftFigures {
    pub infos: [FigureInfo; 3],
    shift: Option<OwnShift>,
    decomposition: Option<Decomposition>,
    names: [String; 2],
    sigma_b: f64,
}

impl ShiftFigures {
    /// All three figures with only the sentence `why`.
    pub fn unavailable(why: &str) -> ShiftFigures {
        ShiftFigures {
            infos: own_decomposition_unavailable(why),
            shift: None,
            decomposition: None,
            names: [String::new(), String::new()],
            sigma_b: f64::NAN,
        }
    }

    /// Figures 4–6 of `pair` at the page's glmer `fit` of `design`; figure 4 on figure 3's surface's window
    /// where that holds its hill.
    pub fn build(
        design: &GroupedDesign,
        family: FamilyLink,
        fit: &GlmmResult,
        pair: (usize, usize),
        joint3: Option<&JointSurface>,
        own: &OwnContext,
        grid: usize,
    ) -> ShiftFigures {
        let intercept = intercept_index(design).and_then(|k| fit.fixef.get(k).copied());
        let one_trial = design.groups.iter().all(|g| g.trials.iter().all(|&n| n == 1.0));
        let ctx = ShiftContext { own, intercept, part: part_name(own.family, one_trial) };
        let window3 = joint3.map(|s| [(s.za[0], s.za[s.za.len() - 1]), (s.zb[0], s.zb[s.zb.len() - 1])]);
        let shift = intercept.and_then(|_| own_shift(design, family, fit, pair, window3, grid));
        let mut infos = own_decomposition_unavailable("The decomposition along u could not be computed for this fit.");
        infos[0] = match (&shift, intercept) {
            (Some(sh), _) => describe_own_shifted(sh, &ctx),
            (None, None) => own_decomposition_unavailable(NO_INTERCEPT)[0].clone(),
            (None, Some(_)) => own_decomposition_unavailable(
                "The conditional modes at the moved intercept could not be found for this fit.",
            )[0]
            .clone(),
        };
        let decomposition = own_decomposition(design, family, fit);
        let mut names = [String::new(), String::new()];
        if let Some(d) = &decomposition {
            infos[1] = describe_own_random_part(d, &ctx);
            infos[2] = describe_own_integrand(d, &ctx);
            names = integrand_names(d, intercept);
        }
        ShiftFigures { infos, shift, decomposition, names, sigma_b: fit.sigma_b }
    }

    /// Whether figure `number` is one of these (4, 5 or 6).
    pub fn draws(number: u8) -> bool {
        [OWN_SHIFTED, OWN_RANDOM_PART, OWN_INTEGRAND].contains(&number)
    }

    /// Draws figure `number` (4, 5 or 6); None for another number.
    pub fn draw<DB: DrawingBackend>(&self, number: u8, root: &DrawingArea<DB, Shift>) -> Option<Result<PlotMapping>> {
        let k = [OWN_SHIFTED, OWN_RANDOM_PART, OWN_INTEGRAND].iter().position(|&n| n == number)?;
        let info = &self.infos[k];
        let drawing = match (k, &self.shift, &self.decomposition) {
            (0, Some(OwnShift { surface: Some(s), shifted, .. }), _) => {
                OwnDrawing::Shifted { surface: s, intercept: *shifted, sigma_b: self.sigma_b }
            }
            (1, _, Some(d)) => OwnDrawing::RandomPart { decomposition: d },
            (2, _, Some(d)) => OwnDrawing::Integrand { decomposition: d, names: &self.names },
            _ => OwnDrawing::Message,
        };
        Some(draw_own(root, info, &drawing))
    }
}
