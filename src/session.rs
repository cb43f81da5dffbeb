//! The page's session: what it holds between calls (parameters, the pair of groups of the contour figures,
//! the data, every fit and the figures' scene) and what it does with them, natively and in the browser alike.
//!
//! `apply(partial)` merges parameters ([`Params::merge`]), simulates the data, fits every model and builds
//! the scene, exactly as the CLI does. For large data the page fits in a Web Worker with its own session:
//! [`Session::state_to_bytes`] and the fits there hand the parameters, scene and fits over, and
//! [`Session::state_from_bytes`] on the main thread's session takes them over for drawing (the data are
//! re-simulated from the parameters only if [`Session::csv_string`] asks for them). [`crate::bindings`] only
//! converts these calls for JavaScript.

use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use crate::canvas::PageBackend;
use crate::data::{self, Dataset};
use crate::error::{Error, Result};
use crate::explain::{self, PageText};
use crate::figures::{self, FigureId, PlotMapping};
use crate::models::{self, logistic::kernel::GroupedData};
use crate::params::Params;
use crate::report::FitReport;
use crate::surfaces::{self, Scene, SceneOptions};
use crate::url_state::{self, Panel, Theme, ViewState};

/// The page's state: parameters, the data they simulate, every fit, and the figures' scene.
#[derive(Debug, Clone)]
pub struct Session {
    params: Params,
    pair: (usize, usize),
    data: Option<Dataset>,
    report: Option<FitReport>,
    /// The scene, or the sentence saying why the figures cannot be drawn.
    scene: Option<std::result::Result<Scene, String>>,
}

impl Default for Session {
    fn default() -> Self {
        Session { params: Params::default(), pair: (0, 1), data: None, report: None, scene: None }
    }
}

impl Session {
    /// Merges `partial`, then simulates, fits and builds the scene. On error nothing changes.
    pub fn apply(&mut self, partial: &serde_json::Value) -> Result<&Params> {
        let params = self.params.merge(partial)?;
        let data = data::simulate(&params.to_sim_config())?;
        // One split of the data by group for every model and every surface of this refit.
        let grouped = GroupedData::new(&data);
        let report = models::fit_all_grouped(&grouped, &params.fit_options());
        let pair = Session::pair_for(self.pair, params.groups);
        let scene = surfaces::build_scene_grouped(&grouped, &report, &SceneOptions { pair, ..SceneOptions::default() });
        self.scene = Some(scene.map_err(|e| e.to_string()));
        self.params = params;
        self.pair = pair;
        self.data = Some(data);
        self.report = Some(report);
        Ok(&self.params)
    }

    pub fn report(&self) -> Option<&FitReport> {
        self.report.as_ref()
    }

    /// The page's words for the current fit ([`crate::explain`]), or an error before the first fit.
    pub fn page_text(&self) -> Result<PageText> {
        let report = self.report.as_ref().ok_or_else(|| Error::Usage("Nothing is fitted yet: call set() first.".into()))?;
        Ok(explain::page_text(&self.params, report, self.pair))
    }

    pub fn current_params(&self) -> &Params {
        &self.params
    }

    /// The two groups (0-based) of the contour figures.
    pub fn pair(&self) -> (usize, usize) {
        self.pair
    }

    pub fn dataset(&self) -> Option<&Dataset> {
        self.data.as_ref()
    }

    pub fn scene(&self) -> Result<&Scene> {
        match &self.scene {
            None => Err(Error::Usage("Nothing is fitted yet: call set() first.".into())),
            Some(Err(msg)) => Err(Error::NotEstimable(msg.clone())),
            Some(Ok(scene)) => Ok(scene),
        }
    }

    /// Chooses the two groups of the contour figures; rebuilds the scene.
    pub fn choose_pair(&mut self, a: usize, b: usize) -> Result<()> {
        let g = self.params.groups;
        Session::check_pair(a, b, g)?;
        self.pair = Session::pair_for((a, b), g);
        if let (Some(data), Some(report)) = (&self.data, &self.report) {
            self.scene = Some(Session::scene_for(data, report, self.pair));
        }
        Ok(())
    }

    /// Whether groups `a` and `b` (0-based) can be the pair among `groups` (any pair when there are fewer than 2).
    pub(crate) fn check_pair(a: usize, b: usize, groups: usize) -> Result<()> {
        let g = groups;
        if g >= 2 && (a >= g || b >= g || a == b) {
            return Err(Error::InvalidParameter {
                name: "pair",
                expected: format!("two different groups from 1 to {g}"),
                got: format!("groups {} and {}", a + 1, b + 1),
            });
        }
        Ok(())
    }

    /// The pair kept when G changes; (0, 1) when it no longer fits.
    pub(crate) fn pair_for((a, b): (usize, usize), groups: usize) -> (usize, usize) {
        if a < groups && b < groups && a != b {
            (a, b)
        } else {
            (0, 1.min(groups.saturating_sub(1)))
        }
    }

    fn scene_for(data: &Dataset, report: &FitReport, pair: (usize, usize)) -> std::result::Result<Scene, String> {
        let opts = SceneOptions { pair, ..SceneOptions::default() };
        surfaces::build_scene(data, report, &opts).map_err(|e| e.to_string())
    }

    /// Parameters, pair and scene as bytes (postcard): what a worker hands the page besides the fits,
    /// transferred without a copy and read back several times faster than a JavaScript object; every double
    /// keeps its bits. (The fits travel as `results()`: their outcomes are untagged, fit or error, which a
    /// self-describing format reads and postcard cannot.)
    pub fn state_to_bytes(&self) -> Result<Vec<u8>> {
        let wire = WireStateRef { params: &self.params, pair: self.pair, scene: self.scene.as_ref() };
        postcard::to_allocvec(&wire).map_err(|e| Error::Usage(format!("The state could not be written: {e}.")))
    }

    /// Takes over [`Session::state_to_bytes`] and the fits from another session; on error nothing changes.
    pub fn state_from_bytes(&mut self, bytes: &[u8], report: Option<FitReport>) -> Result<()> {
        let wire: WireState =
            postcard::from_bytes(bytes).map_err(|e| Error::Usage(format!("The state could not be read: {e}.")))?;
        wire.params.validate()?;
        self.params = wire.params;
        self.pair = Session::pair_for(wire.pair, self.params.groups);
        self.report = report;
        self.scene = wire.scene;
        self.data = None;
        Ok(())
    }

    /// The current data as CSV; simulated again from the parameters after a state was taken over.
    pub fn csv_string(&mut self) -> String {
        if self.data.is_none() && self.report.is_some() {
            self.data = data::simulate(&self.params.to_sim_config()).ok();
        }
        self.data.as_ref().map(data::csv::write_csv).unwrap_or_default()
    }

    /// The hash of the parameters plus the view settings that differ from the defaults (the pair of the
    /// contour figures when it is not groups 1 and 2).
    pub fn hash_with_view(&self, embed: bool, panels: &str, dark: Option<bool>) -> String {
        let parsed: Vec<Panel> = panels.split(',').filter_map(Panel::parse).fold(Vec::new(), |mut v, p| {
            if !v.contains(&p) {
                v.push(p);
            }
            v
        });
        let view = ViewState {
            embed,
            panels: if parsed.is_empty() { Panel::ALL.to_vec() } else { parsed },
            pair: (self.params.groups > 2 && self.pair != (0, 1)).then_some(self.pair),
            theme: dark.map(|d| if d { Theme::Dark } else { Theme::Light }),
        };
        url_state::to_hash_with_view(&self.params, &view)
    }

    /// Draws `figure` (1–6) on any plotters backend.
    pub fn draw_on<DB: DrawingBackend>(
        &self,
        figure: u8,
        root: &DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<PlotMapping> {
        figures::draw(root, figure_id(figure)?, self.scene()?)
    }

    /// Figure `figure` as an SVG document of `w` × `h` pixels.
    pub fn svg_string(&self, figure: u8, w: u32, h: u32) -> Result<String> {
        svg_document(w, h, |root| self.draw_on(figure, root))
    }
}

/// An SVG document of `w` × `h` pixels (16 to 8000 a side) drawn by `draw`: every figure's export.
fn svg_document(
    w: u32,
    h: u32,
    draw: impl for<'a> FnOnce(&DrawingArea<PageBackend<SVGBackend<'a>>, plotters::coord::Shift>) -> Result<PlotMapping>,
) -> Result<String> {
    if !(16..=8000).contains(&w) || !(16..=8000).contains(&h) {
        return Err(Error::InvalidParameter {
            name: "size",
            expected: "between 16 and 8000 pixels a side".into(),
            got: format!("{w} × {h}"),
        });
    }
    let mut out = String::new();
    {
        let root = PageBackend::measured(SVGBackend::with_string(&mut out, (w, h))).into_drawing_area();
        draw(&root)?;
        root.present().map_err(|e| Error::Usage(format!("The SVG could not be written: {e}.")))?;
    }
    Ok(out)
}

/// Figures 7 and 8 (issue 11): the posterior marks and the α handle.
impl Session {
    /// Figure 7's marks: `[{group, label, mode, mean}]` for each group drawn (0-based group).
    pub fn posterior_marks_list(&self) -> Result<Vec<PosteriorMark>> {
        let post = self.scene()?.posteriors.as_ref();
        Ok(post.map_or_else(Vec::new, |p| {
            p.groups
                .iter()
                .map(|g| PosteriorMark { group: g.group, label: g.label.clone(), mode: g.mode, mean: g.mean })
                .collect()
        }))
    }

    /// Moves figure 8's handle to position `index` (clamped; `None` keeps it) and returns what to show beside it.
    pub fn move_alpha_handle(&mut self, index: Option<usize>) -> Result<surfaces::lesson_descriptions::HandleReadout> {
        let no_profile = || Error::Usage("The α profile is not available for this fit.".into());
        let Some(Ok(scene)) = self.scene.as_mut() else { return Err(no_profile()) };
        let prof = scene.alpha_profile.as_mut().ok_or_else(no_profile)?;
        let readout =
            surfaces::lesson_descriptions::handle_readout(prof, index.unwrap_or(prof.handle)).ok_or_else(no_profile)?;
        prof.handle = readout.index;
        // Figures 3–4 follow the handle (β and σ_b held at the fit), recomputed only when its α changed.
        let drawn_at = scene.figure(3).and_then(|f| f.at_alpha);
        if let (Some(data), Some(report)) = (&self.data, &self.report) {
            if drawn_at.is_some_and(|a| a != readout.alpha) {
                let opts = SceneOptions { pair: self.pair, ..SceneOptions::default() };
                surfaces::redraw_joint_at(scene, data, report, &opts, readout.alpha)?;
            }
        }
        Ok(readout)
    }
}

/// One group's marks in figure 7.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PosteriorMark {
    pub group: usize,
    pub label: String,
    pub mode: f64,
    pub mean: f64,
}

/// What [`Session::state_to_bytes`] writes.
#[derive(Serialize)]
struct WireStateRef<'a> {
    params: &'a Params,
    pair: (usize, usize),
    scene: Option<&'a std::result::Result<Scene, String>>,
}

/// What [`Session::state_from_bytes`] reads.
#[derive(Deserialize)]
struct WireState {
    params: Params,
    pair: (usize, usize),
    scene: Option<std::result::Result<Scene, String>>,
}

/// "Is it this seed?" ([`crate::figures::replications`]): a run of replications drawn on any plotters backend
/// with its description as it stands; the run lives beside the session (its records come from workers).
pub fn draw_replications<DB: DrawingBackend>(
    run: &models::replications::Run,
    root: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<PlotMapping> {
    figures::replications::draw(root, run, &figures::replications::describe(run))
}

/// [`draw_replications`] as an SVG document of `w` × `h` pixels.
pub fn replications_svg(run: &models::replications::Run, w: u32, h: u32) -> Result<String> {
    svg_document(w, h, |root| draw_replications(run, root))
}

/// The figure numbered `figure` (1–[`FigureId::LAST`]), or the sentence saying which numbers there are.
fn figure_id(figure: u8) -> Result<FigureId> {
    FigureId::from_any_number(figure).ok_or_else(|| Error::InvalidParameter {
        name: "figure",
        expected: format!("a figure number from 1 to {}", FigureId::LAST),
        got: figure.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::r_code;
    use serde_json::json;

    #[test]
    fn figure_numbers() {
        assert_eq!(figure_id(1).unwrap(), FigureId::LinearFits);
        assert_eq!(figure_id(6).unwrap(), FigureId::BernoulliPart);
        assert_eq!(
            figure_id(10).unwrap_err().to_string(),
            "figure must be a figure number from 1 to 9, but it is 10."
        );
        assert_eq!(figure_id(9).unwrap(), FigureId::Shrinkage);
        assert!(figure_id(0).is_err());
    }

    #[test]
    fn pair_follows_the_groups() {
        assert_eq!(Session::pair_for((0, 1), 2), (0, 1));
        assert_eq!(Session::pair_for((2, 4), 5), (2, 4));
        assert_eq!(Session::pair_for((2, 4), 3), (0, 1));
        assert_eq!(Session::pair_for((0, 1), 1), (0, 0));
    }

    #[test]
    fn nothing_before_the_first_set() {
        let mut d = Session::default();
        assert!(d.report().is_none());
        assert!(d.scene().is_err());
        assert_eq!(d.csv_string(), "");
        assert_eq!(d.current_params(), &Params::default());
    }

    #[test]
    fn apply_fits_every_model_and_draws_with_the_same_code() {
        let mut d = Session::default();
        d.apply(&json!({})).unwrap();
        let r = d.report().unwrap();
        let agq = r.glmm_agq.fit().expect("glmer fitted");
        assert!((agq.fixef[0] - 1.3165318).abs() < 5e-5, "{}", agq.fixef[0]);
        assert!((agq.ranef_sum + 0.02749356).abs() < 5e-5, "{}", agq.ranef_sum);
        assert!(r.lmm.fit().unwrap().ranef_sum.abs() < 1e-10);
        assert!(d.csv_string().starts_with("group,y,y_bin,x\n"));
        for figure in 1..=6 {
            let svg = d.svg_string(figure, 480, 360).unwrap();
            assert!(svg.contains("<svg"), "figure {figure}");
        }
        assert!(d.svg_string(1, 4, 4).is_err());
        assert_eq!(d.pair, (0, 1));
        assert!(d.choose_pair(0, 0).is_err());
        d.choose_pair(1, 0).unwrap();
        assert_eq!(d.pair, (1, 0));

        // G = 5 keeps a valid pair; G = 1 still fits what can be fitted.
        d.apply(&json!({"groups": 5})).unwrap();
        assert_eq!(d.report().unwrap().data.groups, 5);
        d.choose_pair(2, 4).unwrap();
        d.apply(&json!({"groups": 3})).unwrap();
        assert_eq!(d.pair, (0, 1));
        d.apply(&json!({"groups": 1})).unwrap();
        let r = d.report().unwrap();
        assert!(r.lm_pooled.fit().is_some());
        assert!(r.glmm_agq.fit().is_none());
    }

    /// The worker's hand-over as bytes: the same parameters, pair and fits, the same scene bit for bit (its
    /// doubles included), the same drawing; the data stay behind and are simulated again on demand.
    #[test]
    fn a_state_moves_to_another_session_as_bytes() {
        for partial in [json!({}), json!({"groups": 5, "n": 40}), json!({"groups": 1}), json!({"thresholds": [0.5, 0.0]})] {
            let mut worker = Session::default();
            worker.apply(&partial).unwrap();
            if worker.current_params().groups >= 3 {
                worker.choose_pair(2, 0).unwrap();
            }
            let bytes = worker.state_to_bytes().unwrap();
            let mut page = Session::default();
            page.state_from_bytes(&bytes, worker.report().cloned()).unwrap_or_else(|e| panic!("{partial}: {e}"));
            assert_eq!(page.current_params(), worker.current_params(), "{partial}");
            assert_eq!(page.pair, worker.pair, "{partial}");
            // The report travels beside the bytes, so comparing it with the worker's own proves nothing: compare
            // with a report fitted independently from the same parameters, and the text written from each.
            let mut fresh = Session::default();
            fresh.apply(&partial).unwrap();
            if worker.current_params().groups >= 3 {
                fresh.choose_pair(2, 0).unwrap();
            }
            assert_eq!(page.report(), fresh.report(), "{partial}");
            assert_eq!(page.page_text().unwrap(), fresh.page_text().unwrap(), "{partial}");
            // PartialEq on f64 would pass NaN ≠ NaN as a failure and −0 = 0 as equal: compare the bits.
            // The figures' claims stay with the worker (not serialised; the page needs none).
            let bits = |d: &Session| {
                let mut scene = d.scene.clone();
                if let Some(Ok(s)) = &mut scene {
                    s.figures.iter_mut().for_each(|f| f.claims.clear());
                }
                serde_json::to_string(&scene.as_ref().map(|s| s.as_ref().map(|s| format!("{s:?}")))).unwrap()
            };
            assert_eq!(bits(&page), bits(&worker), "{partial}");
            assert!(page.dataset().is_none(), "the data stay behind");
            assert_eq!(page.csv_string(), worker.csv_string(), "the data are simulated again on demand");
            if worker.scene().is_ok() {
                assert_eq!(page.svg_string(2, 320, 240).unwrap(), worker.svg_string(2, 320, 240).unwrap());
                assert_eq!(page.svg_string(3, 320, 240).unwrap(), worker.svg_string(3, 320, 240).unwrap());
            }
        }
        let mut d = Session::default();
        assert!(d.state_from_bytes(&[1, 2, 3], None).unwrap_err().to_string().starts_with("The state could not be read"));
        assert!(d.state_from_bytes(&[], None).is_err());
        assert_eq!(d.current_params(), &Params::default());
    }

    #[test]
    fn hashes_and_r_code_come_from_the_core() {
        let mut d = Session::default();
        d.apply(&json!({"groups": 3, "seed": 7})).unwrap();
        let h = d.hash_with_view(false, "", None);
        assert_eq!(h, url_state::to_hash(d.current_params()));
        let back = url_state::parse_hash(&h);
        assert_eq!(&back.params, d.current_params());
        assert!(back.notices.is_empty());
        d.choose_pair(2, 1).unwrap();
        let h = d.hash_with_view(true, "2,table,2,bogus", Some(true));
        assert!(h.ends_with("&embed=1&panels=2,table&pair=3,2&dark=1"), "{h}");
        let v = url_state::parse_hash(&h).view;
        assert!(v.embed);
        assert_eq!(v.pair, Some((2, 1)));
        assert!(r_code::r_script(d.current_params()).contains("set.seed(7)"));
    }

    #[test]
    fn a_bad_parameter_changes_nothing() {
        let mut d = Session::default();
        let e = d.apply(&json!({"nagq": 0})).unwrap_err();
        assert_eq!(e.to_string(), "nagq must be a whole number from 1 to 100, but it is 0.");
        assert_eq!(d.current_params(), &Params::default());
        assert!(d.report().is_none());
    }
}
