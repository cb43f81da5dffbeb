//! Surfaces for the figures: likelihood grids, decomposition curves, fitted curves.
//!
//! Everything a figure draws is computed here from the data and the fitted models; figures only draw.
//! A model that failed (`Outcome::Failed`) simply leaves out what depends on it, and the figure
//! says why (see [`FigureInfo::unavailable`] and [`FigureInfo::notes`]).
//!
//! * [`joint_surface`]: the log of the unnormalised posterior density ℓ(z_a, z_b) = Σ_{g∈{a,b}} [Σ_{i∈g} log p(y_i | α + βx_i + z_g) + log N(z_g; 0, σ²)]
//!   at the GLMM optimum (figure 3) and with α + z̄, z̄ the mean of all G modes (figure 4), evaluated
//!   separably.
//! * [`alpha_shift`]: what the shift α → α + z̄ does to all G groups (peak, modes' sum, exact log-likelihood).
//! * [`claims_check`]: independent checks of the figures' claims.
//! * [`isolines`]: contour lines and filled regions by marching squares.
//! * [`decomposition`]: the random-effects part and the whole integrand along u = Σ z_g (figures 5 and 6).
//! * [`fitted_curves`]: the per-group lines and logistic curves, and the population average.
//! * [`points`]: the observations, thinned deterministically beyond 5,000.
//! * [`descriptions`]: titles, ranges and sentences for each figure.

pub mod alpha_shift;
pub mod alpha_profile;
mod chebyshev;
pub mod claims_check;
pub mod decomposition;
pub mod descriptions;
pub mod fitted_curves;
pub mod isolines;
pub mod joint_surface;
pub mod lesson_descriptions;
mod newton;
pub mod points;
pub mod posteriors;
pub mod own_curve_descriptions;
pub mod own_curves;
pub mod own_descriptions;
pub mod own_decomposition;
pub mod own_posteriors;
pub mod own_shift;
pub mod own_shift_descriptions;
pub mod shrinkage;

use serde::{Deserialize, Serialize};

use crate::data::Dataset;
use crate::models::logistic::kernel::{Group, GroupedData};
use crate::error::{Error, Result};
use crate::report::{FitReport, Outcome};

pub use alpha_shift::AlphaShift;
pub use decomposition::{AlphaCurve, Decomposition};
pub use descriptions::FigureInfo;
pub use fitted_curves::FittedCurves;
pub use isolines::Isoline;
pub use joint_surface::JointSurface;
pub use points::ScenePoints;
pub use posteriors::Posteriors;

use joint_surface::{PairTerms, Window};

/// Largest grid per axis accepted for the likelihood surfaces.
pub const MAX_GRID: usize = 801;
/// Grid per axis of the close-up surfaces.
pub const CLOSEUP_GRID: usize = 81;

/// What the figures need beyond the data and the fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SceneOptions {
    /// The two groups (0-based) whose random effects span the contour figures.
    pub pair: (usize, usize),
    /// Grid points per axis of the likelihood surfaces (3–801).
    pub grid: usize,
    /// Size of the contour window (0.01–50): along each axis it extends, on each side of the
    /// maximum, until that group's term has dropped by span_sd²/2 — ±span_sd standard deviations
    /// for a Gaussian term, further on a skewed term's long side. The default 4.5 shows the whole
    /// hill (levels −8 … −0.5); about 0.15 gives the answer's close-up around the maximum.
    pub span_sd: f64,
}

impl Default for SceneOptions {
    fn default() -> Self {
        SceneOptions { pair: (0, 1), grid: 121, span_sd: 4.5 }
    }
}

/// Everything the six figures draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Scene {
    pub group_labels: Vec<String>,
    /// The observations shown (thinned beyond 5,000, see [`ScenePoints::thinning`]).
    pub points: ScenePoints,
    /// Fitted lines and curves of figures 1 and 2.
    pub curves: FittedCurves,
    /// Figure 3: the unnormalised joint posterior density of the pair's random effects at the GLMM optimum.
    pub joint: Option<JointSurface>,
    /// Figure 4: the same with α + z̄, z̄ the mean of all G modes.
    pub joint_adjusted: Option<JointSurface>,
    /// Figure 4: what that shift does to all G groups.
    #[serde(default)]
    pub alpha_shift: Option<AlphaShift>,
    /// Figures 5 and 6: the (u, v) decomposition.
    pub decomposition: Option<Decomposition>,
    /// Titles, labels, ranges and sentences of figures 1–6, in order.
    pub figures: Vec<FigureInfo>,
    /// Figure 7: each group's posterior density of b_g.
    pub posteriors: Option<Posteriors>,
    /// Figure 8: ℓ(α) and the log height of the joint peak against α.
    pub alpha_profile: Option<alpha_profile::AlphaProfile>,
    /// Figure 9: each group's intercept with no, partial and complete pooling.
    #[serde(default)]
    pub shrinkage: Option<shrinkage::Shrinkage>,
}

impl Scene {
    /// The description of figure `number` (1–6).
    pub fn figure(&self, number: u8) -> Option<&FigureInfo> {
        self.figures.iter().find(|f| f.number == number)
    }
}

fn invalid(name: &'static str, expected: &str, got: String) -> Error {
    Error::InvalidParameter { name, expected: expected.to_string(), got }
}

fn check_data(data: &Dataset) -> Result<()> {
    let n = data.n_obs();
    if data.y_bin.len() != n || data.group.len() != n || data.y.as_ref().is_some_and(|y| y.len() != n) {
        return Err(invalid("data", "columns of equal length", "columns of different lengths".into()));
    }
    if let Some(&g) = data.group.iter().find(|&&g| g >= data.n_groups()) {
        return Err(invalid("group index", &format!("below {}", data.n_groups()), g.to_string()));
    }
    Ok(())
}

fn check_options(opts: &SceneOptions, groups: usize) -> Result<()> {
    if !(3..=MAX_GRID).contains(&opts.grid) {
        return Err(invalid("grid", &format!("between 3 and {MAX_GRID}"), opts.grid.to_string()));
    }
    if !(opts.span_sd >= 0.01 && opts.span_sd <= 50.0) {
        return Err(invalid("span_sd", "between 0.01 and 50", opts.span_sd.to_string()));
    }
    let (a, b) = opts.pair;
    if groups >= 2 && (a == b || a >= groups || b >= groups) {
        return Err(invalid(
            "pair",
            &format!("two different groups between 0 and {}", groups - 1),
            format!("({a}, {b})"),
        ));
    }
    Ok(())
}

/// Surfaces 3–6 from the GLMM, or the sentence saying why they cannot be drawn.
struct GlmmSurfaces {
    joint: Option<JointSurface>,
    joint_adjusted: Option<JointSurface>,
    alpha_shift: Option<AlphaShift>,
    decomposition: Option<Decomposition>,
    unavailable: Option<String>,
}

/// Where figures 3–4 are drawn when figure 8's handle is away from glmer's α: the handle's α (β and σ_b
/// held at glmer's fit), glmer's α, and the sums over all G groups at the handle's α of the conditional
/// modes b̂_g(α) = σ_b·û_g(α) and of the exact conditional means E[b_g | y](α).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HandleAlpha {
    pub alpha: f64,
    pub fitted: f64,
    pub mode_sum: f64,
    pub mean_sum: f64,
}

/// Every group's conditional mode and exact conditional mean (b scale) at intercept `alpha`, β and σ_b
/// fixed.
fn modes_and_means_at(groups: &[Group], alpha: f64, beta: f64, sigma: f64) -> (Vec<f64>, Vec<f64>) {
    use crate::models::logistic::kernel::{conditional_modes, GlmmParams};
    let p = GlmmParams { alpha, beta, theta: sigma };
    let u = conditional_modes(groups, &p, None);
    let means = crate::models::logistic::exact::conditional_means_exact(groups, &p, &u).0;
    (u.iter().map(|u| sigma * u).collect(), means)
}

fn glmm_surfaces(grouped: &GroupedData, report: &FitReport, opts: &SceneOptions) -> Result<GlmmSurfaces> {
    glmm_surfaces_at(grouped, report, opts, None).map(|(s, _)| s)
}

/// Figures 3–4's surfaces at glmer's fit, or (`at_alpha`) at figure 8's handle α with β and σ_b held at
/// the fit: the pair's density, its modes and means, and figure 4's shift by the mean of all G modes, all
/// recomputed at that α.
fn glmm_surfaces_at(
    grouped: &GroupedData,
    report: &FitReport,
    opts: &SceneOptions,
    at_alpha: Option<f64>,
) -> Result<(GlmmSurfaces, Option<HandleAlpha>)> {
    let mut handle = None;
    let surfaces = glmm_surfaces_inner(grouped, report, opts, at_alpha, &mut handle)?;
    Ok((surfaces, handle))
}

fn glmm_surfaces_inner(
    grouped: &GroupedData,
    report: &FitReport,
    opts: &SceneOptions,
    at_alpha: Option<f64>,
    handle: &mut Option<HandleAlpha>,
) -> Result<GlmmSurfaces> {
    let data = grouped.data;
    let none =
        |why: String| GlmmSurfaces {
            joint: None,
            joint_adjusted: None,
            alpha_shift: None,
            decomposition: None,
            unavailable: Some(why),
        };
    let name = descriptions::glmm_name(report);
    let fit = match &report.glmm_agq {
        Outcome::Fit(f) => f,
        o @ Outcome::Failed { .. } => {
            return Ok(none(descriptions::failure(&name, o).unwrap_or_default()));
        }
    };
    let g = data.n_groups();
    if fit.fixef.len() < 2 || fit.ranef.len() != g || fit.fixef.iter().chain(&fit.ranef).any(|v| !v.is_finite()) {
        return Ok(none(format!("{name} does not match the {g} groups of the data.")));
    }
    if !fit.sigma_b.is_finite() || fit.sigma_b <= 0.0 {
        return Ok(none(format!(
            "{name} estimates the random-intercept standard deviation as 0 (a singular fit): every random effect is 0, so there is no likelihood surface over them to draw."
        )));
    }
    let (alpha, beta, sigma) = (fit.fixef[0], fit.fixef[1], fit.sigma_b);
    let decomposition = decomposition::decompose(data, alpha, beta, sigma, &fit.ranef);
    let (alpha, ranef, cond_means) = match at_alpha {
        Some(a) if a.is_finite() && a != alpha => {
            let (modes, means) = modes_and_means_at(&grouped.groups, a, beta, sigma);
            *handle = Some(HandleAlpha {
                alpha: a,
                fitted: alpha,
                mode_sum: modes.iter().sum(),
                mean_sum: means.iter().sum(),
            });
            (a, modes, means)
        }
        _ => (alpha, fit.ranef.clone(), fit.cond_means.clone()),
    };
    if ranef.iter().any(|v| !v.is_finite()) {
        return Ok(none(format!("The conditional modes at α = {alpha} could not be found.")));
    }
    let alpha_shift = alpha_shift::shift_by_mean_mode(data, &grouped.groups, (alpha, beta, sigma), &ranef);
    if g < 2 {
        return Ok(GlmmSurfaces {
            joint: None,
            joint_adjusted: None,
            alpha_shift,
            decomposition,
            unavailable: Some("The joint posterior density of two groups' random effects needs at least two groups.".into()),
        });
    }
    let (a, b) = opts.pair;
    let members = data.group_members();
    let start = [ranef[a], ranef[b]];
    // The mean of ALL G modes (for G = 2, of the pair's).
    let shift = ranef.iter().sum::<f64>() / g as f64;
    let labels = (data.group_labels[a].clone(), data.group_labels[b].clone());
    let opt = PairTerms::new(data, (&members[a], &members[b]), (alpha, beta, sigma), start);
    let adj = PairTerms::new(
        data,
        (&members[a], &members[b]),
        (alpha + shift, beta, sigma),
        [start[0] - shift, start[1] - shift],
    );
    let (Some(opt), Some(adj)) = (opt, adj) else {
        return Ok(GlmmSurfaces {
            joint: None,
            joint_adjusted: None,
            alpha_shift,
            decomposition,
            unavailable: Some(
                "The maximum of the joint posterior density of the two random effects could not be found.".into(),
            ),
        });
    };
    // One window for both figures, so they compare directly — unless the maximum moves so far that
    // the shared window would be more than twice as wide as either surface's own.
    let (own_opt, own_adj) = (Window::around(&[&opt], opts.span_sd), Window::around(&[&adj], opts.span_sd));
    let window = own_opt.union(&own_adj);
    let width = |w: &Window| (w.x.1 - w.x.0).max(w.y.1 - w.y.0);
    let shared = width(&window) <= 2.0 * width(&own_opt).min(width(&own_adj));
    let (win_opt, win_adj) = if shared { (window, window) } else { (own_opt, own_adj) };
    let mut joint = JointSurface::evaluate(&opt, win_opt, opts.grid, (a, b), labels.clone(), (beta, sigma), None)?;
    if cond_means.len() == g && cond_means[a].is_finite() && cond_means[b].is_finite() {
        joint.posterior_means = Some([cond_means[a], cond_means[b]]);
    }
    let mut joint_adjusted =
        JointSurface::evaluate(&adj, win_adj, opts.grid, (a, b), labels.clone(), (beta, sigma), None)?;

    // The close-up (the answer's view): a window around both maxima, both best points with zero sum
    // and the posterior means; both close-ups share the levels, set so that the contours reach twice
    // as deep as the lowest of those points on the fitted-α surface.
    let mut pts = vec![joint.max, joint_adjusted.max];
    pts.extend(joint.line_max.iter().chain(joint_adjusted.line_max.iter()).chain(joint.posterior_means.iter()));
    let min_half = 0.02 * opt.sd[0].min(opt.sd[1]);
    let zoom = Window::closeup(&pts, min_half);
    // Only worth an inset when it magnifies (at least about three times).
    let magnifies = shared
        && (zoom.x.1 - zoom.x.0) < 0.3 * (window.x.1 - window.x.0)
        && (zoom.y.1 - zoom.y.0) < 0.3 * (window.y.1 - window.y.0);
    if magnifies {
        let mut depth = joint.line_rel_loglik.unwrap_or(0.0);
        if let Some(m) = joint.posterior_means {
            depth = depth.min(opt.a.value(m[0]) + opt.b.value(m[1]) - opt.loglik_max);
        }
        let levels = (depth < 0.0 && depth.is_finite()).then(|| isolines::nice_levels(2.0 * depth));
        let grid = CLOSEUP_GRID.min(opts.grid.max(3));
        let mut close =
            JointSurface::evaluate(&opt, zoom, grid, (a, b), labels.clone(), (beta, sigma), levels.clone())?;
        close.posterior_means = joint.posterior_means;
        let levels = levels.or_else(|| Some(close.levels.clone()));
        joint.closeup = Some(Box::new(close));
        let close_adj = JointSurface::evaluate(&adj, zoom, grid, (a, b), labels, (beta, sigma), levels)?;
        joint_adjusted.closeup = Some(Box::new(close_adj));
    }
    Ok(GlmmSurfaces {
        joint: Some(joint),
        joint_adjusted: Some(joint_adjusted),
        alpha_shift,
        decomposition,
        unavailable: None,
    })
}

/// Compute every surface and curve for the figures.
///
/// Errors only for inconsistent data or options out of range; a model that failed leaves its
/// curves/surfaces out and the figures say why.
pub fn build_scene(data: &Dataset, report: &FitReport, opts: &SceneOptions) -> Result<Scene> {
    check_data(data)?;
    build_scene_grouped(&GroupedData::new(data), report, opts)
}

/// [`build_scene`] from the data already split by group (the split `fit_all_grouped` read): one split per
/// refit.
pub fn build_scene_grouped(grouped: &GroupedData, report: &FitReport, opts: &SceneOptions) -> Result<Scene> {
    let data = grouped.data;
    check_data(data)?;
    let g = data.n_groups();
    check_options(opts, g)?;

    let points = points::select_points(data);
    let x = fitted_curves::x_grid(&data.x);
    let curves = FittedCurves {
        lm_group: if data.y.is_some() {
            report.lm_group.fit().and_then(|f| fitted_curves::lm_lines(&x, f, g))
        } else {
            None
        },
        lmm: if data.y.is_some() { report.lmm.fit().and_then(|f| fitted_curves::lmm_lines(&x, f, g)) } else { None },
        glm_group: report.glm_group.fit().and_then(|f| fitted_curves::glm_curves(&x, f, g)),
        glmm: report.glmm_agq.fit().and_then(|f| fitted_curves::glmm_curves(&x, f, g)),
        population_average: report.glmm_agq.fit().and_then(|f| fitted_curves::population_average(&x, f)),
        zero_effect: report.glmm_agq.fit().and_then(|f| fitted_curves::zero_effect(&x, f)),
        x,
    };
    let surf = glmm_surfaces(grouped, report, opts)?;
    let figures = descriptions::describe_all(&descriptions::Inputs {
        data,
        report,
        points: &points,
        curves: &curves,
        joint: surf.joint.as_ref(),
        joint_adjusted: surf.joint_adjusted.as_ref(),
        alpha_shift: surf.alpha_shift.as_ref(),
        decomposition: surf.decomposition.as_ref(),
        glmm_unavailable: surf.unavailable.clone(),
        handle: None,
    });
    let lesson = lesson_descriptions::build_lesson(grouped, report, opts.pair);
    let shrink = shrinkage::shrinkage(grouped, report);
    let mut shrink_claims = Vec::new();
    let mut f9 = shrinkage::describe_shrinkage(shrink.as_ref().map_err(|e| e.clone()), &mut shrink_claims);
    f9.claims = shrink_claims;
    let figures = figures.into_iter().chain(lesson.figures).chain([f9]).collect();
    Ok(Scene {
        shrinkage: shrink.ok(),
        posteriors: lesson.posteriors,
        alpha_profile: lesson.alpha_profile,
        group_labels: data.group_labels.clone(),
        points,
        curves,
        joint: surf.joint,
        joint_adjusted: surf.joint_adjusted,
        alpha_shift: surf.alpha_shift,
        decomposition: surf.decomposition,
        figures,
    })
}

/// Redraws figures 3–4 of `scene` at figure 8's handle α (β and σ_b held at glmer's fit; glmer's own α
/// draws them at the fit, as [`build_scene`] does): their surfaces, figure 4's shift and both descriptions,
/// whose sentences then name the handle's α and record claims at it. Figures 1–2 and 5–8 are left as
/// they are.
pub fn redraw_joint_at(scene: &mut Scene, data: &Dataset, report: &FitReport, opts: &SceneOptions, alpha: f64) -> Result<()> {
    check_data(data)?;
    check_options(opts, data.n_groups())?;
    let grouped = GroupedData::new(data);
    let (surf, handle) = glmm_surfaces_at(&grouped, report, opts, Some(alpha))?;
    let inputs = descriptions::Inputs {
        data,
        report,
        points: &scene.points,
        curves: &scene.curves,
        joint: surf.joint.as_ref(),
        joint_adjusted: surf.joint_adjusted.as_ref(),
        alpha_shift: surf.alpha_shift.as_ref(),
        decomposition: surf.decomposition.as_ref(),
        glmm_unavailable: surf.unavailable.clone(),
        handle,
    };
    let new = descriptions::describe_joint(&inputs);
    for info in new {
        if let Some(old) = scene.figures.iter_mut().find(|f| f.number == info.number) {
            *old = info;
        }
    }
    scene.joint = surf.joint;
    scene.joint_adjusted = surf.joint_adjusted;
    scene.alpha_shift = surf.alpha_shift;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
