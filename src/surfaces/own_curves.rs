//! Your data's figure 1 or 2 (issue 13): the data and each group's fitted curve against one x axis, as the
//! lesson's figures 1 and 2 ([`super::fitted_curves`]) but for any formula, family and link.
//!
//! The x axis is a numeric covariate x_j of the formula or the fixed part of the mixed model's linear
//! predictor. With x_j, every other column of X is held at a value c_k: a numeric covariate at its mean
//! over the rows fitted, a factor at its reference level (its 0/1 columns 0; without an intercept, the first
//! factor at its first level), the intercept at 1; so η(t) = Σ_{k≠j} c_k β̂_k + t β̂_j. On the linear predictor
//! η(t) = t and each point sits at its own η_i = x_i'β̂.
//!
//! * Mixed model (solid, per group g): μ_g(t) = h⁻¹(η(t) + b̂_g), h⁻¹ the inverse link (identity for
//!   lmer), b̂_g the BLUP or conditional mode.
//! * Fixed effects with a group factor (dashed, per group; only on a covariate, as its coefficients are its
//!   own): μ_g(t) = h⁻¹(η*(t) + γ_g), η* from that model's coefficients, γ_g its group column (0 for the
//!   reference group); a group the model left out (all outcomes on the boundary) has none.
//! * GLMMs: the population average ∫ h⁻¹(η(t) + b) N(b; 0, σ_b²) db ≈ Σ_k w_k h⁻¹(η(t) + σ_b z_k) with the
//!   lesson's Gauss–Hermite rule ([`PA_NODES`] nodes), and the b = 0 curve h⁻¹(η(t)).

use super::fitted_curves::{finite_range, x_grid, PA_NODES};
use super::points::{thin_rows, Thinned};
use crate::data::formula::{FixedTerm, Formula};
use crate::data::frame::{ColumnValues, Frame};
use crate::data::grouped_design::GroupedDesign;
use crate::data::model_frame::as_factor;
use crate::models::glmm::fit::{for_family, FamilyLink};
use crate::models::quadrature::gauss_hermite;

/// A numeric covariate of the formula: its column j of X and its mean over the rows fitted.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericTerm {
    pub name: String,
    pub column: usize,
    pub mean: f64,
}

/// A factor term: its columns of X and the level the curves hold it at.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorTerm {
    pub name: String,
    pub columns: Vec<usize>,
    /// The reference level (the first level in R's order).
    pub reference: String,
    /// Every level has a column (no intercept, first factor): holding it at its first level sets columns[0] = 1.
    pub all_coded: bool,
}

/// The formula's fixed terms as columns of X (what the x chooser offers and what the curves hold fixed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Terms {
    pub intercept: Option<usize>,
    pub numeric: Vec<NumericTerm>,
    pub factors: Vec<FactorTerm>,
}

/// Mean of column j of X over every row of the design.
pub fn column_mean(design: &GroupedDesign, j: usize) -> f64 {
    let p = design.p();
    let (mut sum, mut n) = (0.0, 0usize);
    for g in &design.groups {
        for r in 0..g.n_obs() {
            sum += g.x_row(r, p)[j];
            n += 1;
        }
    }
    sum / n.max(1) as f64
}

impl Terms {
    /// The terms of `formula` as `ModelFrame::build` coded them into `design` (`factors`: the columns read as
    /// factors); None when the columns do not line up (then only the linear predictor is offered).
    pub fn of(design: &GroupedDesign, formula: &Formula, frame: &Frame, factors: &[String]) -> Option<Terms> {
        let mut terms = Terms::default();
        let mut pos = 0;
        if formula.intercept {
            terms.intercept = Some(0);
            pos = 1;
        }
        let mut full_coding_left = !formula.intercept;
        for term in &formula.terms {
            let column = frame.column(term.column())?;
            let listed = factors.iter().any(|f| f == term.column());
            match (term, &column.values) {
                (FixedTerm::Column(_), ColumnValues::Numeric(_)) if !listed => {
                    let name = term.to_string();
                    if design.names.get(pos) != Some(&name) {
                        return None;
                    }
                    terms.numeric.push(NumericTerm { name, column: pos, mean: column_mean(design, pos) });
                    pos += 1;
                }
                _ => {
                    let factor = as_factor(column, listed);
                    let first = usize::from(!std::mem::take(&mut full_coding_left));
                    let count = factor.levels.len().checked_sub(first)?;
                    terms.factors.push(FactorTerm {
                        name: term.to_string(),
                        columns: (pos..pos + count).collect(),
                        reference: factor.levels.first()?.clone(),
                        all_coded: first == 0,
                    });
                    pos += count;
                }
            }
        }
        (pos == design.p()).then_some(terms)
    }

    /// The x chooser's options: each numeric covariate, then "the linear predictor".
    pub fn x_labels(&self) -> Vec<String> {
        self.numeric.iter().map(|t| t.name.clone()).chain(std::iter::once(LINEAR_PREDICTOR.to_string())).collect()
    }

    /// The row c of X the curves hold (the chosen covariate's entry is replaced by t).
    pub fn held_row(&self, p: usize) -> Vec<f64> {
        let mut row = vec![0.0; p];
        if let Some(j) = self.intercept {
            row[j] = 1.0;
        }
        for t in &self.numeric {
            row[t.column] = t.mean;
        }
        for f in self.factors.iter().filter(|f| f.all_coded) {
            if let Some(&j) = f.columns.first() {
                row[j] = 1.0;
            }
        }
        row
    }
}

/// The chooser's label of the linear predictor.
pub const LINEAR_PREDICTOR: &str = "the linear predictor";

/// What the x axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XChoice {
    /// The numeric covariate `Terms::numeric[k]`.
    Covariate(usize),
    LinearPredictor,
}

impl XChoice {
    /// Option `index` of [`Terms::x_labels`] (None or out of range: the default, the first covariate if any).
    pub fn from_index(terms: &Terms, index: Option<usize>) -> XChoice {
        match index {
            Some(k) if k < terms.numeric.len() => XChoice::Covariate(k),
            Some(k) if k == terms.numeric.len() => XChoice::LinearPredictor,
            _ if terms.numeric.is_empty() => XChoice::LinearPredictor,
            _ => XChoice::Covariate(0),
        }
    }

    /// Its index in [`Terms::x_labels`].
    pub fn index(self, terms: &Terms) -> usize {
        match self {
            XChoice::Covariate(k) => k,
            XChoice::LinearPredictor => terms.numeric.len(),
        }
    }
}

/// The mixed model the curves are drawn from (lmer or the page's glmer).
#[derive(Debug, Clone, Copy)]
pub struct MixedModel<'a> {
    /// None: Gaussian (identity link).
    pub family: Option<FamilyLink>,
    /// β̂ in X's column order, the groups' b̂_g, σ_b.
    pub fixef: &'a [f64],
    pub ranef: &'a [f64],
    pub sigma_b: f64,
}

/// The fixed-effects model with a group factor: its coefficients by R's column names.
#[derive(Debug, Clone)]
pub struct GroupFactorModel<'a> {
    pub coef: Vec<(&'a str, f64)>,
    /// The level its intercept absorbs (no group column).
    pub reference: &'a str,
}

/// The inverse link h⁻¹ of `family` (identity when None).
pub fn inverse_link(family: Option<FamilyLink>) -> fn(f64) -> f64 {
    match family {
        None => |t| t,
        Some(f) => for_family!(f, F => <F as crate::models::glmm::family::Family>::mean as fn(f64) -> f64),
    }
}

/// The points: one per row kept (in data order), with the 0-based group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CurvePoints {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub group: Vec<usize>,
    /// The data row of each point (the lesson's jitter is keyed by it).
    pub row: Vec<usize>,
    pub n_total: usize,
    pub thinning: Option<String>,
}

/// Every curve of the figure on the grid `x`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OwnCurves {
    pub choice: Option<XChoice>,
    pub x: Vec<f64>,
    /// Per group: the mixed model's curve.
    pub mixed: Vec<Vec<f64>>,
    /// Per group: the group-factor model's curve (None: left out of that model). Empty on the linear predictor.
    pub group_factor: Vec<Option<Vec<f64>>>,
    pub zero_effect: Option<Vec<f64>>,
    pub population_average: Option<Vec<f64>>,
    pub points: CurvePoints,
    /// Whether the response is 0/1 (then the points are jittered vertically, as in the lesson's figure 2).
    pub binary: bool,
}

/// Each row's (x, y, group, data row): x the chosen covariate or η_i = x_i'β̂; y the response, or the
/// proportion successes/trials for binomial data with trials.
fn rows(design: &GroupedDesign, choice: XChoice, terms: &Terms, fixef: &[f64]) -> Vec<(f64, f64, usize, usize)> {
    let p = design.p();
    let mut out = Vec::with_capacity(design.n_obs());
    for (g, grp) in design.groups.iter().enumerate() {
        for r in 0..grp.n_obs() {
            let xr = grp.x_row(r, p);
            let x = match choice {
                XChoice::Covariate(k) => xr[terms.numeric[k].column],
                XChoice::LinearPredictor => xr.iter().zip(fixef).map(|(a, b)| a * b).sum(),
            };
            let y = if grp.trials[r] > 0.0 { grp.y[r] / grp.trials[r] } else { f64::NAN };
            out.push((x, y, g, grp.rows[r]));
        }
    }
    out
}

/// The fixed part η(t) = a + s·t of the curves: (a, s).
fn fixed_part(terms: &Terms, choice: XChoice, coef: impl Fn(usize) -> f64, p: usize) -> (f64, f64) {
    match choice {
        XChoice::LinearPredictor => (0.0, 1.0),
        XChoice::Covariate(k) => {
            let j = terms.numeric[k].column;
            let row = terms.held_row(p);
            let a = (0..p).filter(|&c| c != j).map(|c| row[c] * coef(c)).sum();
            (a, coef(j))
        }
    }
}

/// The figure's curves and points for `choice`; None when the mixed model does not match the design.
pub fn own_curves(
    design: &GroupedDesign,
    terms: &Terms,
    choice: XChoice,
    mixed: &MixedModel,
    group_factor: Option<&GroupFactorModel>,
) -> Option<OwnCurves> {
    let (p, groups) = (design.p(), design.n_groups());
    if mixed.fixef.len() != p || mixed.ranef.len() != groups || mixed.fixef.iter().any(|b| !b.is_finite()) {
        return None;
    }
    let h = inverse_link(mixed.family);
    let all = rows(design, choice, terms, mixed.fixef);
    let xs: Vec<f64> = all.iter().map(|r| r.0).collect();
    let x = x_grid(&xs);
    let (a, s) = fixed_part(terms, choice, |c| mixed.fixef[c], p);
    let mixed_curves = mixed.ranef.iter().map(|&b| x.iter().map(|&t| h(a + s * t + b)).collect()).collect();
    let group_factor = match (choice, group_factor) {
        (XChoice::Covariate(_), Some(m)) => {
            let named = |name: &str| m.coef.iter().find(|(n, _)| *n == name).map(|&(_, c)| c);
            // A column R reports as NA (aliased) counts as 0, as predict() does.
            let (a0, s0) = fixed_part(terms, choice, |c| named(&design.names[c]).unwrap_or(0.0), p);
            (0..groups)
                .map(|g| {
                    let label = &design.group_labels[g];
                    let gamma = if label == m.reference { Some(0.0) } else { named(&design.group_column_name(g)) }?;
                    Some(x.iter().map(|&t| h(a0 + s0 * t + gamma)).collect())
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let (zero_effect, population_average) = match mixed.family {
        Some(_) if mixed.sigma_b.is_finite() && mixed.sigma_b >= 0.0 => {
            let rule = gauss_hermite(PA_NODES);
            let pa = x
                .iter()
                .map(|&t| {
                    let eta = a + s * t;
                    rule.nodes.iter().zip(&rule.weights).map(|(&z, &w)| w * h(eta + mixed.sigma_b * z)).sum()
                })
                .collect();
            (Some(x.iter().map(|&t| h(a + s * t)).collect()), Some(pa))
        }
        _ => (None, None),
    };
    let members: Vec<Vec<usize>> = {
        let mut m = vec![Vec::new(); groups];
        for (i, r) in all.iter().enumerate() {
            m[r.2].push(i);
        }
        m
    };
    let Thinned { keep, thinning, .. } = thin_rows(&members, all.len());
    let points = CurvePoints {
        x: keep.iter().map(|&i| all[i].0).collect(),
        y: keep.iter().map(|&i| all[i].1).collect(),
        group: keep.iter().map(|&i| all[i].2).collect(),
        row: keep.iter().map(|&i| all[i].3).collect(),
        n_total: all.len(),
        thinning,
    };
    let binary = mixed.family.is_some_and(|f| f != FamilyLink::PoissonLog)
        && design.groups.iter().all(|g| g.trials.iter().all(|&n| n == 1.0));
    Some(OwnCurves {
        choice: Some(choice),
        x,
        mixed: mixed_curves,
        group_factor,
        zero_effect,
        population_average,
        points,
        binary,
    })
}

/// The y range: the points, every group's mixed-model curve and the group-factor curves of `coloured`, padded
/// 6% (from 0 for counts and proportions, at most 1.03 for proportions); [−0.06, 1.06] for 0/1 data.
pub fn y_range(c: &OwnCurves, family: Option<FamilyLink>, coloured: &[usize]) -> [f64; 2] {
    if c.binary {
        return [-0.06, 1.06];
    }
    let mut v: Vec<f64> = c.points.y.clone();
    v.extend(c.mixed.iter().flatten());
    for &g in coloured {
        v.extend(c.group_factor.get(g).into_iter().flatten().flatten());
    }
    v.extend(c.population_average.iter().flatten());
    let (lo, hi) = finite_range(&v).unwrap_or((0.0, 1.0));
    match family {
        None => {
            let pad = if hi > lo { 0.06 * (hi - lo) } else { 1.0 };
            [lo - pad, hi + pad]
        }
        Some(FamilyLink::PoissonLog) => {
            let top = if hi > 0.0 { 1.06 * hi } else { 1.0 };
            [-0.03 * top, top]
        }
        Some(_) => {
            let top = (1.06 * hi).clamp(0.05, 1.03);
            [-0.03 * top, top]
        }
    }
}
