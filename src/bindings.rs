//! The only `#[wasm_bindgen]` file: convert, call, return.
//!
//! JavaScript talks to one [`Demo`]: `set(partial)` merges parameters ([`Params::merge`]), simulates the
//! data, fits every model and builds the figures' scene, exactly as the CLI does; `results()` is the same
//! JSON as `glmm-demo fit`; `draw(figure, canvas, dpr)` draws a figure with plotters on a canvas and
//! returns its pixel-to-data mapping. Every error reaches JavaScript as a `JsError` carrying the core's
//! one-sentence message. No numerics live here.
//!
//! For large data the page fits in a Web Worker with its own `Demo`: `state_bytes()` and `results()` there
//! hand the parameters, scene and fits over, and `load_state_bytes(bytes, results)` on the main thread's
//! `Demo` takes them over for drawing (the data are re-simulated from the parameters only if `csv()` asks
//! for them).
//! `merge_params`, `parse_hash`, `to_hash*` and `r_code` wrap [`Params::merge`], [`crate::url_state`] and
//! [`crate::r_code`].

use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::data::{self, Dataset};
use crate::error::{Error, Result};
use crate::explain::{self, PageText};
use crate::figures::{self, FigureId, PlotMapping};
use crate::models;
use crate::params::Params;
use crate::r_code;
use crate::report::FitReport;
use crate::surfaces::{self, FigureInfo, Scene, SceneOptions};
use crate::url_state::{self, Panel, Theme, ViewState};

thread_local! {
    /// The message of the last panic, kept for the page's notice (the instance is dead afterwards).
    static LAST_PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Runs once when the module is instantiated: a Rust panic prints its message to the console (with
/// console_error_panic_hook) and keeps it for [`last_panic`].
#[wasm_bindgen(start)]
pub fn start() {
    static SET: std::sync::Once = std::sync::Once::new();
    SET.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            LAST_PANIC.with(|p| {
                if let Ok(mut p) = p.try_borrow_mut() {
                    *p = info.to_string();
                }
            });
            console_error_panic_hook::hook(info);
        }));
    });
}

/// The message of the last Rust panic in this instance ("" if none).
#[wasm_bindgen]
pub fn last_panic() -> String {
    LAST_PANIC.with(|p| p.try_borrow().map(|s| s.clone()).unwrap_or_default())
}

/// Panics on purpose, so that tests can check the page recovers from a Rust panic.
#[wasm_bindgen]
#[allow(clippy::panic, reason = "the browser tests need a real Rust panic to check that the page recovers")]
pub fn panic_for_test(message: &str) {
    panic!("{message}");
}

/// The crate's version, e.g. "0.1.0".
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The glossary, `[{term, id, definition}]`: the page's element for a term has the id `term-<id>`.
#[wasm_bindgen]
pub fn glossary() -> std::result::Result<JsValue, JsError> {
    to_js(&crate::glossary::GLOSSARY)
}

/// The page's state: parameters, the data they simulate, every fit, and the figures' scene.
#[wasm_bindgen]
pub struct Demo {
    params: Params,
    pair: (usize, usize),
    data: Option<Dataset>,
    report: Option<FitReport>,
    /// The scene, or the sentence saying why the figures cannot be drawn.
    scene: Option<std::result::Result<Scene, String>>,
}

impl Default for Demo {
    fn default() -> Self {
        Demo { params: Params::default(), pair: (0, 1), data: None, report: None, scene: None }
    }
}

/// The Rust side of `Demo`, usable natively (tests) and from the exported block below.
impl Demo {
    /// Merges `partial`, then simulates, fits and builds the scene. On error nothing changes.
    pub fn apply(&mut self, partial: &serde_json::Value) -> Result<&Params> {
        let params = self.params.merge(partial)?;
        let data = data::simulate(&params.to_sim_config())?;
        let report = models::fit_all(&data, &params.fit_options());
        let pair = Demo::pair_for(self.pair, params.groups);
        self.scene = Some(Demo::scene_for(&data, &report, pair));
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
        if g >= 2 && (a >= g || b >= g || a == b) {
            return Err(Error::InvalidParameter {
                name: "pair",
                expected: format!("two different groups from 1 to {g}"),
                got: format!("groups {} and {}", a + 1, b + 1),
            });
        }
        self.pair = Demo::pair_for((a, b), g);
        if let (Some(data), Some(report)) = (&self.data, &self.report) {
            self.scene = Some(Demo::scene_for(data, report, self.pair));
        }
        Ok(())
    }

    /// The pair kept when G changes; (0, 1) when it no longer fits.
    fn pair_for((a, b): (usize, usize), groups: usize) -> (usize, usize) {
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

    /// Takes over [`Demo::state_to_bytes`] and the fits from another `Demo`; on error nothing changes.
    pub fn state_from_bytes(&mut self, bytes: &[u8], report: Option<FitReport>) -> Result<()> {
        let wire: WireState =
            postcard::from_bytes(bytes).map_err(|e| Error::Usage(format!("The state could not be read: {e}.")))?;
        wire.params.validate()?;
        self.params = wire.params;
        self.pair = Demo::pair_for(wire.pair, self.params.groups);
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
        let id = figure_id(figure)?;
        figures::draw(root, id, self.scene()?)
    }

    /// Figure `figure` as an SVG document of `w` × `h` pixels.
    pub fn svg_string(&self, figure: u8, w: u32, h: u32) -> Result<String> {
        if !(16..=8000).contains(&w) || !(16..=8000).contains(&h) {
            return Err(Error::InvalidParameter {
                name: "size",
                expected: "between 16 and 8000 pixels a side".into(),
                got: format!("{w} × {h}"),
            });
        }
        let mut out = String::new();
        {
            let root = Measured(SVGBackend::with_string(&mut out, (w, h))).into_drawing_area();
            self.draw_on(figure, &root)?;
            root.present().map_err(|e| Error::Usage(format!("The SVG could not be written: {e}.")))?;
        }
        Ok(out)
    }
}

/// Figures 7 and 8 (issue 11): the posterior marks and the α handle.
impl Demo {
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

/// What [`Demo::state_to_bytes`] writes.
#[derive(Serialize)]
struct WireStateRef<'a> {
    params: &'a Params,
    pair: (usize, usize),
    scene: Option<&'a std::result::Result<Scene, String>>,
}

/// What [`Demo::state_from_bytes`] reads.
#[derive(Deserialize)]
struct WireState {
    params: Params,
    pair: (usize, usize),
    scene: Option<std::result::Result<Scene, String>>,
}

fn figure_id(figure: u8) -> Result<FigureId> {
    Ok(match figure {
        1 => FigureId::LinearFits,
        2 => FigureId::LogisticFits,
        3 => FigureId::JointContour,
        4 => FigureId::JointContourAdjusted,
        5 => FigureId::RandomEffectsPart,
        6 => FigureId::BernoulliPart,
        7 => FigureId::Posteriors,
        8 => FigureId::AlphaProfile,
        _ => {
            return Err(Error::InvalidParameter {
                name: "figure",
                expected: format!("a figure number from 1 to {}", FigureId::LAST),
                got: figure.to_string(),
            })
        }
    })
}

fn from_js_params(partial: JsValue) -> std::result::Result<serde_json::Value, JsError> {
    if partial.is_undefined() || partial.is_null() {
        return Ok(serde_json::Value::Null);
    }
    serde_wasm_bindgen::from_value(partial)
        .map_err(|e| JsError::new(&format!("Parameters must be plain JSON values such as {{\"groups\": 5}} ({e}).")))
}

/// Reads a permalink hash (or query string) and never fails: `{params, view: {embed, panels, pair, theme},
/// notices}`, where every malformed or unknown setting fell back to its default with a plain-text notice.
#[wasm_bindgen]
pub fn parse_hash(hash: &str) -> std::result::Result<JsValue, JsError> {
    to_js(&url_state::parse_hash(hash))
}

/// The `<glmm-demo>` element's attributes as `{attribute: permalink key}` (`{"y-coef": "yc", …}`): the element
/// turns its attributes into a permalink hash with it, so the names live in one table (`params::table`).
#[wasm_bindgen]
pub fn element_attributes() -> std::result::Result<JsValue, JsError> {
    let mut map = serde_json::Map::new();
    for (attribute, key) in url_state::element_attributes() {
        map.insert(attribute.into(), key.into());
    }
    to_js(&map)
}

/// `partial` merged into `base` (full parameters) and checked, without fitting; a bad value throws.
#[wasm_bindgen]
pub fn merge_params(base: JsValue, partial: JsValue) -> std::result::Result<JsValue, JsError> {
    let base: Params = serde_wasm_bindgen::from_value(base)
        .map_err(|e| JsError::new(&format!("The base parameters are not complete ({e}).")))?;
    base.validate().map_err(js_err)?;
    let v = from_js_params(partial)?;
    to_js(&base.merge(&v).map_err(js_err)?)
}

fn js_err(e: Error) -> JsError {
    JsError::new(&e.to_string())
}

fn to_js<T: Serialize + ?Sized>(v: &T) -> std::result::Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("The result could not be converted for JavaScript: {e}.")))
}

/// The exported API (see `www/app.js` for how the page uses it).
#[wasm_bindgen]
impl Demo {
    /// The answer's example with nAGQ = 100; nothing is fitted until the first `set()`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Demo {
        Demo::default()
    }

    /// Merges a partial set of parameters, refits every model and rebuilds the figures.
    /// Returns the full parameters; a bad value throws its sentence and changes nothing.
    pub fn set(&mut self, partial: JsValue) -> std::result::Result<JsValue, JsError> {
        let v = from_js_params(partial)?;
        let params = self.apply(&v).map_err(js_err)?;
        to_js(params)
    }

    /// The current parameters.
    pub fn params(&self) -> std::result::Result<JsValue, JsError> {
        to_js(&self.params)
    }

    /// Every model's fit (the JSON of `glmm-demo fit`), or null before the first `set()`.
    pub fn results(&self) -> std::result::Result<JsValue, JsError> {
        match &self.report {
            Some(r) => to_js(r),
            None => Ok(JsValue::NULL),
        }
    }

    /// The page's explanation for the current fit: cards, table, table note, chapters and their claims
    /// ([`crate::explain::PageText`]).
    pub fn text(&self) -> std::result::Result<JsValue, JsError> {
        to_js(&self.page_text().map_err(js_err)?)
    }

    /// Draws figure 1–6 on `canvas`, whose backing store is sized to its CSS size × `dpr`; returns the
    /// plot's pixel-to-data mapping in CSS pixels.
    pub fn draw(&self, figure: u8, canvas: HtmlCanvasElement, dpr: f64) -> std::result::Result<JsValue, JsError> {
        let dpr = if dpr.is_finite() { dpr.clamp(0.5, 4.0) } else { 1.0 };
        let (mut css_w, mut css_h) = (canvas.client_width(), canvas.client_height());
        if css_w <= 0 || css_h <= 0 {
            // Not laid out (hidden): keep the attribute size as the CSS size.
            css_w = canvas.width().max(1) as i32;
            css_h = canvas.height().max(1) as i32;
        }
        let (css_w, css_h) = (css_w as u32, css_h as u32);
        canvas.set_width((css_w as f64 * dpr).round() as u32);
        canvas.set_height((css_h as f64 * dpr).round() as u32);
        let ctx: CanvasRenderingContext2d = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into().ok())
            .ok_or_else(|| JsError::new("This canvas has no 2D context."))?;
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)
            .map_err(|_| JsError::new("The canvas could not be scaled."))?;
        let inner = CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("This canvas has no 2D context."))?;
        let root = Scaled { inner, ctx, size: (css_w, css_h), circle_style: None }.into_drawing_area();
        let mapping = self.draw_on(figure, &root).map_err(js_err)?;
        root.present().map_err(|e| JsError::new(&format!("The figure could not be drawn: {e}.")))?;
        to_js(&mapping)
    }

    /// Figure 1–6 as an SVG document (`w` × `h` pixels), drawn by the same code as the canvas.
    pub fn svg(&self, figure: u8, w: u32, h: u32) -> std::result::Result<String, JsError> {
        self.svg_string(figure, w, h).map_err(js_err)
    }

    /// The current data as CSV (`group,y,y_bin,x`, as `glmm-demo simulate` prints it).
    pub fn csv(&mut self) -> String {
        self.csv_string()
    }

    /// `partial` merged into the current parameters, checked, without fitting (a bad value throws).
    pub fn merge(&self, partial: JsValue) -> std::result::Result<JsValue, JsError> {
        let v = from_js_params(partial)?;
        to_js(&self.params.merge(&v).map_err(js_err)?)
    }

    /// Parameters, pair and scene as bytes (a `Uint8Array` to transfer): with `results()`, what the fitting
    /// worker posts to the page.
    pub fn state_bytes(&self) -> std::result::Result<Vec<u8>, JsError> {
        self.state_to_bytes().map_err(js_err)
    }

    /// Takes over another `Demo`'s `state_bytes()` and `results()`; on error nothing changes.
    pub fn load_state_bytes(&mut self, bytes: &[u8], results: JsValue) -> std::result::Result<(), JsError> {
        let report: Option<FitReport> = serde_wasm_bindgen::from_value(results)
            .map_err(|e| JsError::new(&format!("The fits could not be read: {e}.")))?;
        self.state_from_bytes(bytes, report).map_err(js_err)
    }

    /// The permalink hash of the current parameters, e.g. `#preset=answer&seed=1&…&nagq=100`.
    pub fn to_hash(&self) -> String {
        url_state::to_hash(&self.params)
    }

    /// The hash with view settings: `embed`, `panels` (e.g. "2,3,table"; empty for all), the pair of the
    /// contour figures when it is not the first two groups, and `dark` (undefined: follow the system).
    pub fn to_hash_with_view(&self, embed: bool, panels: &str, dark: Option<bool>) -> String {
        self.hash_with_view(embed, panels, dark)
    }

    /// A self-contained R script (set.seed, the data, lm/lmer/glm/glmer with this nAGQ) that prints the
    /// numbers the page shows.
    pub fn r_code(&self) -> String {
        r_code::r_script(&self.params)
    }

    /// The figures' descriptions from the scene: `[{number, title, x_label, y_label, alt, caption, notes,
    /// unavailable, …}]` (empty before the first fit or when the scene could not be built).
    pub fn figures(&self) -> std::result::Result<JsValue, JsError> {
        let none: Vec<FigureInfo> = Vec::new();
        let figs = match &self.scene {
            Some(Ok(scene)) => &scene.figures,
            _ => &none,
        };
        to_js(figs)
    }

    /// The summary, the tour's steps and the table "Why the fixed effects move" for the current fit
    /// ([`crate::tour::view`]); null before the first fit.
    pub fn tour(&self) -> std::result::Result<JsValue, JsError> {
        match &self.report {
            Some(r) => to_js(&crate::tour::view(r, &self.params)),
            None => Ok(JsValue::NULL),
        }
    }

    /// What happened at tour step `step` (0-based), told from the current fit: `{text, claims}`
    /// ([`crate::tour::reveal::reveal`]); null before the first fit.
    pub fn tour_reveal(&self, step: usize) -> std::result::Result<JsValue, JsError> {
        let steps = crate::tour::steps::all();
        let kind = steps
            .get(step)
            .map(|s| s.kind)
            .ok_or_else(|| JsError::new(&format!("There is no tour step {step}; the steps are 0 to {}.", steps.len() - 1)))?;
        match &self.report {
            Some(r) => to_js(&crate::tour::reveal::reveal(kind, r)),
            None => Ok(JsValue::NULL),
        }
    }

    /// Chooses the two groups (0-based) of the contour figures 3 and 4.
    pub fn set_pair(&mut self, a: usize, b: usize) -> std::result::Result<(), JsError> {
        self.choose_pair(a, b).map_err(js_err)
    }

    /// The two groups (0-based) of the contour figures.
    pub fn pair(&self) -> Vec<u32> {
        vec![self.pair.0 as u32, self.pair.1 as u32]
    }

    /// Figure 7's marks, `[{group, label, mode, mean}]` (0-based group): they equal `results().glmm_agq`'s
    /// `ranef` and `cond_means` of those groups.
    pub fn posterior_marks(&self) -> std::result::Result<JsValue, JsError> {
        to_js(&self.posterior_marks_list().map_err(js_err)?)
    }

    /// Moves figure 8's α handle to position `index` (0 … positions − 1, clamped) and returns `{index,
    /// positions, alpha, loglik, log_peak, sum_modes, sum_means, delta_loglik, delta_log_peak, fitted,
    /// argmax_loglik, argmax_peak, text}`; redraw figure 8 to move its line.
    /// Without `index`, the readout at the handle's current position (glmer's α after every refit).
    pub fn alpha_handle(&mut self, index: Option<usize>) -> std::result::Result<JsValue, JsError> {
        to_js(&self.move_alpha_handle(index).map_err(js_err)?)
    }

    /// The crate's version (also the free function `version()`).
    #[wasm_bindgen(js_name = version)]
    pub fn crate_version() -> String {
        version()
    }
}

/// A canvas backend that reports its CSS size to plotters while the context is scaled by the device
/// pixel ratio: figures are laid out in CSS pixels and rasterised at full device resolution.
struct Scaled {
    inner: CanvasBackend,
    /// The same context, for the markers drawn here directly.
    ctx: CanvasRenderingContext2d,
    size: (u32, u32),
    /// The fill or stroke style the context holds from the last marker, while nothing else has drawn:
    /// thousands of points of one colour then cost one style change, not one each (and no CSS string each).
    circle_style: Option<MarkerStyle>,
}

type CanvasErr = <CanvasBackend as DrawingBackend>::ErrorType;

/// A marker's paint as the context holds it: colour (alpha by its bits), filled or stroked, line width.
type MarkerStyle = ((u8, u8, u8), u64, bool, u32);

impl DrawingBackend for Scaled {
    type ErrorType = CanvasErr;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> std::result::Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> std::result::Result<(), DrawingErrorKind<CanvasErr>> {
        self.inner.present()
    }
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> std::result::Result<(), DrawingErrorKind<CanvasErr>> {
        self.circle_style = None;
        self.inner.draw_pixel(p, c)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<CanvasErr>> {
        self.circle_style = None;
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), DrawingErrorKind<CanvasErr>> {
        self.circle_style = None;
        self.inner.draw_rect(ul, br, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<CanvasErr>> {
        self.circle_style = None;
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), DrawingErrorKind<CanvasErr>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let key = (color.rgb, color.alpha.to_bits(), fill, style.stroke_width());
        if self.circle_style != Some(key) {
            let css = format!("rgba({},{},{},{})", color.rgb.0, color.rgb.1, color.rgb.2, color.alpha);
            if fill {
                self.ctx.set_fill_style_str(&css);
            } else {
                self.ctx.set_stroke_style_str(&css);
                self.ctx.set_line_width(f64::from(style.stroke_width()));
            }
            self.circle_style = Some(key);
        }
        self.ctx.begin_path();
        let (x, y, r) = (f64::from(center.0), f64::from(center.1), f64::from(radius));
        if self.ctx.arc(x, y, r, 0.0, std::f64::consts::TAU).is_err() {
            // Only a negative radius throws; let plotters-canvas report it in its own error type.
            self.circle_style = None;
            return self.inner.draw_circle(center, radius, style, fill);
        }
        if fill {
            self.ctx.fill();
        } else {
            self.ctx.stroke();
        }
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<CanvasErr>> {
        self.circle_style = None;
        self.inner.fill_polygon(vert, style)
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> std::result::Result<(), DrawingErrorKind<CanvasErr>> {
        self.circle_style = None;
        self.inner.draw_text(text, style, pos)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> std::result::Result<(u32, u32), DrawingErrorKind<CanvasErr>> {
        match measure_text(text, style) {
            Some(size) => Ok(size),
            None => self.inner.estimate_text_size(text, style),
        }
    }
}

/// Text measured with a canvas's `measureText`, in the browser's main thread.
///
/// plotters measures text in the browser by adding a `<span>` with a `style` attribute to the page, which
/// a strict Content-Security-Policy (`style-src 'self'`) refuses; a detached canvas's `measureText` gives
/// the same box without touching the page. `None` natively and in a worker (no document): the backend's
/// own estimate is used there.
#[cfg(target_arch = "wasm32")]
fn measure_text<S: BackendTextStyle>(text: &str, style: &S) -> Option<(u32, u32)> {
    use js_sys::{Function, Reflect};
    thread_local! {
        static MEASURE: Option<(CanvasRenderingContext2d, Function)> = (|| {
            let doc = web_sys::window()?.document()?;
            let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
            let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
            let f: Function = Reflect::get(&ctx, &JsValue::from_str("measureText")).ok()?.dyn_into().ok()?;
            Some((ctx, f))
        })();
    }
    MEASURE.with(|m| {
        let (ctx, f) = m.as_ref()?;
        // The same font string as plotters-canvas draws with.
        ctx.set_font(&format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str()));
        let metrics = f.call1(ctx, &JsValue::from_str(text)).ok()?;
        let get = |k: &str| Reflect::get(&metrics, &JsValue::from_str(k)).ok().and_then(|v| v.as_f64());
        let width = get("width")?;
        let height = match (get("fontBoundingBoxAscent"), get("fontBoundingBoxDescent")) {
            (Some(a), Some(d)) if a + d > 0.0 => a + d,
            _ => style.size() * 1.15,
        };
        Some((width.round().max(0.0) as u32, height.round().max(0.0) as u32))
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn measure_text<S: BackendTextStyle>(_text: &str, _style: &S) -> Option<(u32, u32)> {
    None
}

/// Any backend with text measured by [`measure_text`] (the SVG export in the browser).
struct Measured<DB>(DB);

impl<DB: DrawingBackend> DrawingBackend for Measured<DB> {
    type ErrorType = DB::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.0.present()
    }
    fn draw_pixel(&mut self, p: BackendCoord, c: BackendColor) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.0.draw_pixel(p, c)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.0.draw_rect(ul, br, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> std::result::Result<(), DrawingErrorKind<DB::ErrorType>> {
        self.0.draw_text(text, style, pos)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> std::result::Result<(u32, u32), DrawingErrorKind<DB::ErrorType>> {
        match measure_text(text, style) {
            Some(size) => Ok(size),
            None => self.0.estimate_text_size(text, style),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn figure_numbers() {
        assert_eq!(figure_id(1).unwrap(), FigureId::LinearFits);
        assert_eq!(figure_id(6).unwrap(), FigureId::BernoulliPart);
        assert_eq!(
            figure_id(9).unwrap_err().to_string(),
            "figure must be a figure number from 1 to 8, but it is 9."
        );
        assert!(figure_id(0).is_err());
    }

    #[test]
    fn pair_follows_the_groups() {
        assert_eq!(Demo::pair_for((0, 1), 2), (0, 1));
        assert_eq!(Demo::pair_for((2, 4), 5), (2, 4));
        assert_eq!(Demo::pair_for((2, 4), 3), (0, 1));
        assert_eq!(Demo::pair_for((0, 1), 1), (0, 0));
    }

    #[test]
    fn nothing_before_the_first_set() {
        let mut d = Demo::default();
        assert!(d.report().is_none());
        assert!(d.scene().is_err());
        assert_eq!(d.csv(), "");
        assert_eq!(d.current_params(), &Params::default());
    }

    #[test]
    fn apply_fits_every_model_and_draws_with_the_same_code() {
        let mut d = Demo::default();
        d.apply(&json!({})).unwrap();
        let r = d.report().unwrap();
        let agq = r.glmm_agq.fit().expect("glmer fitted");
        assert!((agq.fixef[0] - 1.3165318).abs() < 5e-5, "{}", agq.fixef[0]);
        assert!((agq.ranef_sum + 0.02749356).abs() < 5e-5, "{}", agq.ranef_sum);
        assert!(r.lmm.fit().unwrap().ranef_sum.abs() < 1e-10);
        assert!(d.csv().starts_with("group,y,y_bin,x\n"));
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
    fn a_state_moves_to_another_demo_as_bytes() {
        for partial in [json!({}), json!({"groups": 5, "n": 40}), json!({"groups": 1}), json!({"thresholds": [0.5, 0.0]})] {
            let mut worker = Demo::default();
            worker.apply(&partial).unwrap();
            if worker.current_params().groups >= 3 {
                worker.choose_pair(2, 0).unwrap();
            }
            let bytes = worker.state_to_bytes().unwrap();
            let mut page = Demo::default();
            page.state_from_bytes(&bytes, worker.report().cloned()).unwrap_or_else(|e| panic!("{partial}: {e}"));
            assert_eq!(page.current_params(), worker.current_params(), "{partial}");
            assert_eq!(page.pair, worker.pair, "{partial}");
            // The report travels beside the bytes, so comparing it with the worker's own proves nothing: compare
            // with a report fitted independently from the same parameters, and the text written from each.
            let mut fresh = Demo::default();
            fresh.apply(&partial).unwrap();
            if worker.current_params().groups >= 3 {
                fresh.choose_pair(2, 0).unwrap();
            }
            assert_eq!(page.report(), fresh.report(), "{partial}");
            assert_eq!(page.page_text().unwrap(), fresh.page_text().unwrap(), "{partial}");
            // PartialEq on f64 would pass NaN ≠ NaN as a failure and −0 = 0 as equal: compare the bits.
            // The figures' claims stay with the worker (not serialised; the page needs none).
            let bits = |d: &Demo| {
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
        let mut d = Demo::default();
        assert!(d.state_from_bytes(&[1, 2, 3], None).unwrap_err().to_string().starts_with("The state could not be read"));
        assert!(d.state_from_bytes(&[], None).is_err());
        assert_eq!(d.current_params(), &Params::default());
    }

    #[test]
    fn hashes_and_r_code_come_from_the_core() {
        let mut d = Demo::default();
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
        let mut d = Demo::default();
        let e = d.apply(&json!({"nagq": 0})).unwrap_err();
        assert_eq!(e.to_string(), "nagq must be a whole number from 1 to 100, but it is 0.");
        assert_eq!(d.current_params(), &Params::default());
        assert!(d.report().is_none());
    }
}
