//! The only `#[wasm_bindgen]` file: convert, call, return.
//!
//! JavaScript talks to one [`Demo`], a [`Session`] seen from JavaScript: `set(partial)` merges parameters,
//! simulates the data, fits every model and builds the figures' scene, exactly as the CLI does; `results()` is
//! the same JSON as `glmm-demo fit`; `draw(figure, canvas, dpr)` draws a figure with plotters on a canvas
//! ([`PageBackend`]) and returns its pixel-to-data mapping. Every error reaches JavaScript as a `JsError`
//! carrying the core's one-sentence message. No numerics and no state live here.
//!
//! For large data the page fits in a Web Worker with its own `Demo`: `state_bytes()` and `results()` there
//! hand the parameters, scene and fits over, and `load_state_bytes(bytes, results)` on the main thread's
//! `Demo` takes them over for drawing (see [`crate::session`]).
//! `merge_params`, `parse_hash`, `to_hash*` and `r_code` wrap [`Params::merge`], [`crate::url_state`] and
//! [`crate::r_code`].

use plotters::prelude::*;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::canvas::PageBackend;
use crate::error::Error;
use crate::models::replications;
use crate::params::Params;
use crate::r_code;
use crate::report::FitReport;
use crate::session::Session;
use crate::surfaces::FigureInfo;
use crate::url_state;

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

/// Your data (issue 13, [`crate::own_data`]): the choosers' options and the examples, `{families, nagq_range,
/// examples, fetch_failed}`.
#[wasm_bindgen]
pub fn own_data_choices() -> std::result::Result<JsValue, JsError> {
    to_js(&crate::own_data::choices::Choices::get())
}

/// A CSV's columns with their kinds and a first formula, `{columns, rows, summary, suggested,
/// suggested_formula}`; a
/// malformed file throws its sentence.
#[wasm_bindgen]
pub fn csv_columns(csv: &str, file_name: &str) -> std::result::Result<JsValue, JsError> {
    to_js(&crate::own_data::columns::csv_columns(csv, file_name).map_err(js_err)?)
}

/// The formula the pickers `{response, trials, covariates, group}` describe.
#[wasm_bindgen]
pub fn formula_from_picks(picks: JsValue) -> std::result::Result<String, JsError> {
    let picks = serde_wasm_bindgen::from_value(picks).map_err(|e| JsError::new(&format!("The choices could not be read ({e}).")))?;
    crate::own_data::columns::formula_from_picks(&picks).map_err(js_err)
}

/// The pickers' `{response, trials, covariates, group}` for a formula, or null when they cannot show it.
#[wasm_bindgen]
pub fn picks_from_formula(formula: &str) -> std::result::Result<JsValue, JsError> {
    to_js(&crate::own_data::columns::picks_from_formula(formula))
}

/// The CSV text of a simulated example (`answer`, `question`).
#[wasm_bindgen]
pub fn example_csv(id: &str) -> std::result::Result<String, JsError> {
    crate::own_data::examples::example_csv(id).map_err(js_err)
}

/// Every model fitted to a CSV with `{formula, family, link, nagq, factors, file_name, ml}`: the table, the
/// explanation, the R code and the fit ([`crate::own_data::OwnDataReport`]); bad input throws one sentence.
#[wasm_bindgen]
pub fn fit_csv(csv: &str, options: JsValue) -> std::result::Result<JsValue, JsError> {
    let opts = serde_wasm_bindgen::from_value(options)
        .map_err(|e| JsError::new(&format!("The options must be {{formula, family, link, nagq, factors}} ({e}).")))?;
    to_js(&crate::own_data::fit_csv(csv, &opts).map_err(js_err)?)
}

/// Your data in the permalink ([`url_state::own_data`]): the hash settings of `{data, formula, family, link,
/// nagq, factors}`, `&data=…` (empty without data); the sentence shown for a link to a file of the user's; and
/// whether its settings apply to a file with these column names.
#[wasm_bindgen]
pub fn own_data_hash(link: JsValue) -> std::result::Result<String, JsError> {
    Ok(url_state::own_data::to_hash_part(&own_link(link)?))
}
#[wasm_bindgen]
pub fn own_data_link_note(link: JsValue) -> std::result::Result<String, JsError> {
    Ok(crate::own_data::kept::file_note(&own_link(link)?))
}
#[wasm_bindgen]
pub fn own_data_link_applies(link: JsValue, columns: Vec<String>) -> std::result::Result<bool, JsError> {
    Ok(crate::own_data::kept::applies(&own_link(link)?, &columns))
}
fn own_link(link: JsValue) -> std::result::Result<url_state::OwnDataLink, JsError> {
    serde_wasm_bindgen::from_value(link).map_err(|e| JsError::new(&format!("The settings of Your data could not be read ({e}).")))
}

/// The lesson's current data for Your data, `{csv, nagq}`, from the page's full parameters.
#[wasm_bindgen]
pub fn own_data_lesson(params: JsValue) -> std::result::Result<JsValue, JsError> {
    to_js(&crate::own_data::lesson::lesson_data(&full_params(params)?).map_err(js_err)?)
}

/// The page's [`Session`], exported to JavaScript.
#[wasm_bindgen]
#[derive(Default)]
pub struct Demo {
    session: Session,
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

/// The R code of the data for full parameters `params` (the page's "The same data in R"): the code lines of
/// the R script's section 1 ([`r_code::data_code`]).
#[wasm_bindgen]
pub fn r_data(params: JsValue) -> std::result::Result<String, JsError> {
    let params: Params = serde_wasm_bindgen::from_value(params)
        .map_err(|e| JsError::new(&format!("The parameters are not complete ({e}).")))?;
    params.validate().map_err(js_err)?;
    Ok(r_code::data_code(&params))
}

/// The pair of groups (0-based) of figures 3–6 kept when the number of groups becomes `groups`
/// ([`Session::pair_for`]): `[a, b]` if it still fits, else the first two groups.
#[wasm_bindgen]
pub fn pair_for(a: usize, b: usize, groups: usize) -> Vec<u32> {
    let (a, b) = Session::pair_for((a, b), groups);
    vec![a as u32, b as u32]
}

/// Throws the sentence of a pair of groups (0-based) that cannot be chosen among `groups`
/// ([`Session::check_pair`]).
#[wasm_bindgen]
pub fn check_pair(a: usize, b: usize, groups: usize) -> std::result::Result<(), JsError> {
    Session::check_pair(a, b, groups).map_err(js_err)
}

/// The line under the preset choice for `preset` ("answer", "question" or "custom"), written from the preset's
/// settings ([`crate::explain::presets::preset_hint`]).
#[wasm_bindgen]
pub fn preset_hint(preset: &str) -> std::result::Result<String, JsError> {
    let p: crate::data::Preset = serde_json::from_value(serde_json::Value::String(preset.into()))
        .map_err(|_| JsError::new(&format!("There is no preset \"{preset}\"; the presets are answer, question and custom.")))?;
    Ok(crate::explain::presets::preset_hint(p))
}

/// What a screen reader says for a slider's value ([`Params::slider_text`]): `param` the parameter's name,
/// `group` (0-based) for a group's threshold.
#[wasm_bindgen]
pub fn slider_text(param: &str, value: f64, group: Option<usize>) -> String {
    Params::slider_text(param, value, group)
}

/// The table's models in order, `[{key, label}]`, for the "Rows in the table" switches
/// ([`crate::explain::table::model_toggles`]).
#[wasm_bindgen]
pub fn table_models() -> std::result::Result<JsValue, JsError> {
    to_js(&crate::explain::table::model_toggles())
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
        let params = self.session.apply(&v).map_err(js_err)?;
        to_js(params)
    }

    /// The current parameters.
    pub fn params(&self) -> std::result::Result<JsValue, JsError> {
        to_js(self.session.current_params())
    }

    /// The stem of a downloaded file's name for the current parameters ([`Params::file_stem`]).
    pub fn file_stem(&self) -> String {
        self.session.current_params().file_stem()
    }

    /// Every model's fit (the JSON of `glmm-demo fit`), or null before the first `set()`.
    pub fn results(&self) -> std::result::Result<JsValue, JsError> {
        match self.session.report() {
            Some(r) => to_js(r),
            None => Ok(JsValue::NULL),
        }
    }

    /// The page's explanation for the current fit: cards, table, table note, chapters and their claims
    /// ([`crate::explain::PageText`]).
    pub fn text(&self) -> std::result::Result<JsValue, JsError> {
        to_js(&self.session.page_text().map_err(js_err)?)
    }

    /// Draws figure 1–6 on `canvas`, whose backing store is sized to its CSS size × `dpr`; returns the
    /// plot's pixel-to-data mapping in CSS pixels.
    pub fn draw(&self, figure: u8, canvas: HtmlCanvasElement, dpr: f64) -> std::result::Result<JsValue, JsError> {
        let root = PageBackend::on_canvas(canvas, dpr).map_err(js_err)?.into_drawing_area();
        let mapping = self.session.draw_on(figure, &root).map_err(js_err)?;
        root.present().map_err(|e| JsError::new(&format!("The figure could not be drawn: {e}.")))?;
        to_js(&mapping)
    }

    /// Figure 1–6 as an SVG document (`w` × `h` pixels), drawn by the same code as the canvas.
    pub fn svg(&self, figure: u8, w: u32, h: u32) -> std::result::Result<String, JsError> {
        self.session.svg_string(figure, w, h).map_err(js_err)
    }

    /// The current data as CSV (`group,y,y_bin,x`, as `glmm-demo simulate` prints it).
    pub fn csv(&mut self) -> String {
        self.session.csv_string()
    }

    /// `partial` merged into the current parameters, checked, without fitting (a bad value throws).
    pub fn merge(&self, partial: JsValue) -> std::result::Result<JsValue, JsError> {
        let v = from_js_params(partial)?;
        to_js(&self.session.current_params().merge(&v).map_err(js_err)?)
    }

    /// Parameters, pair and scene as bytes (a `Uint8Array` to transfer): with `results()`, what the fitting
    /// worker posts to the page.
    pub fn state_bytes(&self) -> std::result::Result<Vec<u8>, JsError> {
        self.session.state_to_bytes().map_err(js_err)
    }

    /// Takes over another `Demo`'s `state_bytes()` and `results()`; on error nothing changes.
    pub fn load_state_bytes(&mut self, bytes: &[u8], results: JsValue) -> std::result::Result<(), JsError> {
        let report: Option<FitReport> = serde_wasm_bindgen::from_value(results)
            .map_err(|e| JsError::new(&format!("The fits could not be read: {e}.")))?;
        self.session.state_from_bytes(bytes, report).map_err(js_err)
    }

    /// The permalink hash of the current parameters, e.g. `#preset=answer&seed=1&…&nagq=100`.
    pub fn to_hash(&self) -> String {
        url_state::to_hash(self.session.current_params())
    }

    /// The hash with view settings: `embed`, `panels` (e.g. "2,3,table"; empty for all), the pair of the
    /// contour figures when it is not the first two groups, and `dark` (undefined: follow the system).
    pub fn to_hash_with_view(&self, embed: bool, panels: &str, dark: Option<bool>) -> String {
        self.session.hash_with_view(embed, panels, dark)
    }

    /// A self-contained R script (set.seed, the data, lm/lmer/glm/glmer with this nAGQ) that prints the
    /// numbers the page shows.
    pub fn r_code(&self) -> String {
        r_code::r_script(self.session.current_params())
    }

    /// The figures' descriptions from the scene: `[{number, title, x_label, y_label, alt, caption, notes,
    /// unavailable, …}]` (empty before the first fit or when the scene could not be built).
    pub fn figures(&self) -> std::result::Result<JsValue, JsError> {
        let none: Vec<FigureInfo> = Vec::new();
        let figs = match self.session.scene() {
            Ok(scene) => &scene.figures,
            Err(_) => &none,
        };
        to_js(figs)
    }

    /// The summary, the tour's steps and the table "Why the fixed effects move" for the current fit
    /// ([`crate::tour::view`]); null before the first fit.
    pub fn tour(&self) -> std::result::Result<JsValue, JsError> {
        match self.session.report() {
            Some(r) => to_js(&crate::tour::view(r, self.session.current_params())),
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
        match self.session.report() {
            Some(r) => to_js(&crate::tour::reveal::reveal(kind, r)),
            None => Ok(JsValue::NULL),
        }
    }

    /// Chooses the two groups (0-based) of the contour figures 3 and 4.
    pub fn set_pair(&mut self, a: usize, b: usize) -> std::result::Result<(), JsError> {
        self.session.choose_pair(a, b).map_err(js_err)
    }

    /// The two groups (0-based) of the contour figures.
    pub fn pair(&self) -> Vec<u32> {
        let (a, b) = self.session.pair();
        vec![a as u32, b as u32]
    }

    /// Figure 7's marks, `[{group, label, mode, mean}]` (0-based group): they equal `results().glmm_agq`'s
    /// `ranef` and `cond_means` of those groups.
    pub fn posterior_marks(&self) -> std::result::Result<JsValue, JsError> {
        to_js(&self.session.posterior_marks_list().map_err(js_err)?)
    }

    /// Moves figure 8's α handle to position `index` (0 … positions − 1, clamped) and returns `{index,
    /// positions, alpha, loglik, log_peak, sum_modes, sum_means, delta_loglik, delta_log_peak, fitted,
    /// argmax_loglik, argmax_peak, text}`; redraw figure 8 to move its line.
    /// Without `index`, the readout at the handle's current position (glmer's α after every refit).
    pub fn alpha_handle(&mut self, index: Option<usize>) -> std::result::Result<JsValue, JsError> {
        to_js(&self.session.move_alpha_handle(index).map_err(js_err)?)
    }

    /// The crate's version (also the free function `version()`).
    #[wasm_bindgen(js_name = version)]
    pub fn crate_version() -> String {
        version()
    }
}

/// "Is it this seed?", in a worker: glmer on seeds `first` … `first + count − 1` of `params` (the page's full
/// parameters; their own seed is ignored), `[{seed, verdict, sum_modes, sum_means, sigma_b, reason}]`
/// ([`crate::models::replications::replicate`]).
#[wasm_bindgen]
pub fn replicate_seeds(params: JsValue, first: i32, count: u32) -> std::result::Result<JsValue, JsError> {
    let p = full_params(params)?;
    let end = i32::try_from(count).ok().and_then(|c| first.checked_add(c)).unwrap_or(first);
    to_js(&replications::replicate(&p.sim, p.nagq, first..end).map_err(js_err)?)
}

fn full_params(params: JsValue) -> std::result::Result<Params, JsError> {
    let p: Params = serde_wasm_bindgen::from_value(params)
        .map_err(|e| JsError::new(&format!("The parameters are not complete ({e}).")))?;
    p.validate().map_err(js_err)?;
    Ok(p)
}

/// A run of replications on the page: seeds 1 … `seeds` of `params`, grown with the records the workers send,
/// described and drawn by Rust ([`crate::figures::replications`]).
#[wasm_bindgen]
pub struct Replications {
    run: replications::Run,
}

#[wasm_bindgen]
impl Replications {
    #[wasm_bindgen(constructor)]
    pub fn new(params: JsValue, seeds: u32) -> std::result::Result<Replications, JsError> {
        let p = full_params(params)?;
        let end = i32::try_from(seeds).ok().and_then(|s| s.checked_add(1)).unwrap_or(1);
        Ok(Replications { run: replications::Run::new(&p.sim, p.nagq, 1..end).map_err(js_err)? })
    }

    /// Adds records from `replicate_seeds` (any order; a seed outside the run throws).
    pub fn add(&mut self, records: JsValue) -> std::result::Result<(), JsError> {
        let records: Vec<replications::SeedRecord> = serde_wasm_bindgen::from_value(records)
            .map_err(|e| JsError::new(&format!("The replications' records could not be read: {e}.")))?;
        self.run.add(records).map_err(js_err)
    }

    /// No more seeds will come: the caption says where the run stopped.
    pub fn stop(&mut self) {
        self.run.stop();
    }

    /// Seeds with a record, seeds asked for, and whether every seed has its record.
    pub fn count(&self) -> u32 {
        self.run.records().len() as u32
    }
    pub fn total(&self) -> u32 {
        self.run.total() as u32
    }
    pub fn complete(&self) -> bool {
        self.run.complete()
    }

    /// The records so far, in seed order.
    pub fn records(&self) -> std::result::Result<JsValue, JsError> {
        to_js(self.run.records())
    }

    /// `{number, title, explanation, caption, alt, x_range, y_range, …}` for the records so far.
    pub fn figure(&self) -> std::result::Result<JsValue, JsError> {
        to_js(&crate::figures::replications::describe(&self.run))
    }

    /// Draws the figure on `canvas` (backing store sized to its CSS size × `dpr`); returns its mapping.
    pub fn draw(&self, canvas: HtmlCanvasElement, dpr: f64) -> std::result::Result<JsValue, JsError> {
        let root = PageBackend::on_canvas(canvas, dpr).map_err(js_err)?.into_drawing_area();
        let mapping = crate::session::draw_replications(&self.run, &root).map_err(js_err)?;
        root.present().map_err(|e| JsError::new(&format!("The figure could not be drawn: {e}.")))?;
        to_js(&mapping)
    }

    /// The figure as an SVG document (`w` × `h` pixels).
    pub fn svg(&self, w: u32, h: u32) -> std::result::Result<String, JsError> {
        crate::session::replications_svg(&self.run, w, h).map_err(js_err)
    }
}

/// Your data fitted and kept for its figures ([`crate::own_data::figures::OwnFit`]): `report()` is what
/// [`fit_csv`] returns; `figures(a, b, x)` the figures' `{group_name, group_labels, pair, default_pair, figures,
/// x_labels, x, x_default}` for groups a and b (0-based; a negative index: the pair Rust suggests) and the curves
/// figure's x option x (negative: the default); `draw(figure, a, b, x, canvas, dpr)` draws the curves figure
/// (1 or 2), figure 3 (the joint posterior), 4 (the same with the intercept moved by the mean mode), 5 or 6 (the
/// decomposition along u) or 7 (the posteriors) and returns its mapping.
#[wasm_bindgen]
pub struct OwnFit {
    fit: crate::own_data::figures::OwnFit,
    /// Made from a worker's models (`from_models`) without fitting them again.
    reused: bool,
}

fn own_options(options: JsValue) -> std::result::Result<crate::own_data::OwnDataOptions, JsError> {
    serde_wasm_bindgen::from_value(options)
        .map_err(|e| JsError::new(&format!("The options must be {{formula, family, link, nagq, factors}} ({e}).")))
}

/// Every model of your data, fitted (in the page's worker) for [`OwnFit::from_models`]: the same file and
/// options give the same fits as `new OwnFit(csv, options)`.
#[wasm_bindgen]
pub fn own_data_models(csv: &str, options: JsValue) -> std::result::Result<JsValue, JsError> {
    to_js(&crate::own_data::report::fit_csv_models(csv, &own_options(options)?).map_err(js_err)?)
}

fn own_pair_of(a: i32, b: i32) -> Option<(usize, usize)> {
    Some((usize::try_from(a).ok()?, usize::try_from(b).ok()?))
}

fn own_x_of(x: i32) -> Option<usize> {
    usize::try_from(x).ok()
}

#[wasm_bindgen]
impl OwnFit {
    #[wasm_bindgen(constructor)]
    pub fn new(csv: &str, options: JsValue) -> std::result::Result<OwnFit, JsError> {
        let opts = own_options(options)?;
        Ok(OwnFit { fit: crate::own_data::figures::OwnFit::new(csv, &opts).map_err(js_err)?, reused: false })
    }

    /// The fit of `models` (what [`own_data_models`] returned in a worker for the same file and options): the
    /// models are not fitted again unless they do not belong to these data.
    pub fn from_models(csv: &str, options: JsValue, models: JsValue) -> std::result::Result<OwnFit, JsError> {
        let opts = own_options(options)?;
        let fitted = serde_wasm_bindgen::from_value(models).ok();
        let (fit, reused) = crate::own_data::figures::OwnFit::with_models(csv, &opts, fitted).map_err(js_err)?;
        Ok(OwnFit { fit, reused })
    }

    /// Whether this fit was made from a worker's models without fitting them again.
    pub fn reused(&self) -> bool {
        self.reused
    }

    pub fn report(&self) -> std::result::Result<JsValue, JsError> {
        to_js(&self.fit.report)
    }

    pub fn figures(&self, a: i32, b: i32, x: i32) -> std::result::Result<JsValue, JsError> {
        to_js(&self.fit.figures(own_pair_of(a, b), own_x_of(x)))
    }

    pub fn draw(&self, figure: u8, a: i32, b: i32, x: i32, canvas: HtmlCanvasElement, dpr: f64) -> std::result::Result<JsValue, JsError> {
        let root = PageBackend::on_canvas(canvas, dpr).map_err(js_err)?.into_drawing_area();
        let mapping = self.fit.draw(figure, own_pair_of(a, b), own_x_of(x), &root).map_err(js_err)?;
        root.present().map_err(|e| JsError::new(&format!("The figure could not be drawn: {e}.")))?;
        to_js(&mapping)
    }

    pub fn svg(&self, figure: u8, a: i32, b: i32, x: i32, w: u32, h: u32) -> std::result::Result<String, JsError> {
        self.fit.svg(figure, own_pair_of(a, b), own_x_of(x), w, h).map_err(js_err)
    }
}
