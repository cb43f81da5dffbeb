//! The `glmm-demo` command line: `simulate`, `fit`, `text` (the page's explanation as JSON), `render` (a figure as SVG or PNG) and `r-code` (the R
//! script that reproduces the numbers).
//!
//! Options carry the page's parameter names (`--y-coef` is `y_coef`), and are applied with the same
//! rules as `glmmDemo.set` ([`Params::merge`]). Bad input is one line on stderr and exit code 2.

use std::io::Write;

use serde_json::{Map, Value};

use crate::data::csv::{csv_text_from_bytes, read_csv, write_csv};
use crate::data::{simulate, Dataset};
use crate::error::{Error, Result};
use crate::figures::{render_svg, FigureId};
use crate::models::{fit_all, FitOptions};
use crate::params::Params;
use crate::r_code::r_script;
use crate::surfaces::{build_scene, SceneOptions};

const USAGE: &str = "usage: glmm-demo <simulate|fit|text|r-code> [data options], glmm-demo bench [data options] [--runs R], or glmm-demo render --figure 1-8 \
[--format svg|png] [--width W] [--height H] [--pair a,b] [data options] > file; data options: \
[--preset answer|question|custom] [--seed S] [--groups G] [--n N] [--thresholds a,b,...] [--y-coef C] [--spacing D] \
[--center|--no-center] [--csv FILE] [--nagq K] [--ml]";

/// Default size of a rendered figure, in pixels.
const RENDER_SIZE: (u32, u32) = (800, 600);

/// What the data options of a command say.
#[derive(Debug, Clone, PartialEq)]
pub struct DataArgs {
    pub params: Params,
    pub csv: Option<String>,
    pub reml: bool,
}

fn flag_value<'a>(args: &'a [String], i: &mut usize, flag: &str) -> Result<&'a str> {
    *i += 1;
    args.get(*i).map(String::as_str).ok_or_else(|| Error::Usage(format!("{flag} needs a value.")))
}

fn number(flag: &str, s: &str) -> Result<Value> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| Error::Usage(format!("{flag} takes a number, but it is \"{s}\".")))?;
    if !v.is_finite() {
        return Err(Error::Usage(format!("{flag} takes a finite number, but it is \"{s}\".")));
    }
    serde_json::Number::from_f64(v).map(Value::Number).ok_or_else(|| Error::Usage(format!("{flag}: \"{s}\" is not a number.")))
}

/// Parse the data options shared by `simulate` and `fit`.
pub fn parse_data_args(args: &[String]) -> Result<DataArgs> {
    let mut partial = Map::new();
    let mut csv = None;
    let mut reml = true;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let key = match a {
            "--preset" => Some("preset"),
            "--seed" => Some("seed"),
            "--groups" => Some("groups"),
            "--n" => Some("n"),
            "--thresholds" => Some("thresholds"),
            "--y-coef" => Some("y_coef"),
            "--spacing" => Some("spacing"),
            "--nagq" => Some("nagq"),
            _ => None,
        };
        match (a, key) {
            ("--center", _) => {
                partial.insert("center".into(), Value::Bool(true));
            }
            ("--no-center", _) => {
                partial.insert("center".into(), Value::Bool(false));
            }
            ("--ml", _) => reml = false,
            ("--csv", _) => csv = Some(flag_value(args, &mut i, a)?.to_string()),
            (_, Some("preset")) => {
                partial.insert("preset".into(), Value::String(flag_value(args, &mut i, a)?.to_string()));
            }
            (_, Some("thresholds")) => {
                let v = flag_value(args, &mut i, a)?;
                let list: Result<Vec<Value>> = v.split(',').map(|t| number(a, t)).collect();
                partial.insert("thresholds".into(), Value::Array(list?));
            }
            (_, Some(k)) => {
                let v = flag_value(args, &mut i, a)?;
                partial.insert(k.into(), number(a, v)?);
            }
            _ => return Err(Error::Usage(format!("unknown option \"{a}\"; {USAGE}"))),
        }
        i += 1;
    }
    // Thresholds given with groups must be applied after groups; merge does that within one call.
    let params = Params::default().merge(&Value::Object(partial))?;
    Ok(DataArgs { params, csv, reml })
}

/// The data the options describe: a CSV file or a simulation.
pub fn load_data(args: &DataArgs) -> Result<Dataset> {
    match &args.csv {
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Error::Usage(format!("cannot read the CSV file \"{path}\": {e}.")))?;
            read_csv(&csv_text_from_bytes(bytes))
        }
        None => simulate(&args.params.to_sim_config()),
    }
}

/// What `render` draws, besides the data options.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderArgs {
    pub figure: FigureId,
    /// `true` for PNG, `false` for SVG.
    pub png: bool,
    pub width: u32,
    pub height: u32,
    /// The two groups of the contour figures, 1-based as given (`--pair 1,3`).
    pub pair: Option<(usize, usize)>,
    pub data: DataArgs,
}

fn pixels(flag: &str, s: &str) -> Result<u32> {
    s.trim()
        .parse()
        .map_err(|_| Error::Usage(format!("{flag} takes a whole number of pixels, but it is \"{s}\".")))
}

/// Parse `render`'s options; the others are data options.
pub fn parse_render_args(args: &[String]) -> Result<RenderArgs> {
    let (mut figure, mut png, mut pair) = (None, false, None);
    let (mut width, mut height) = RENDER_SIZE;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--figure" => {
                let v = flag_value(args, &mut i, a)?;
                let id = v.trim().parse::<u8>().ok().and_then(FigureId::from_any_number).ok_or_else(|| {
                    Error::Usage(format!("--figure takes a figure number from 1 to {}, but it is \"{v}\".", FigureId::LAST))
                })?;
                figure = Some(id);
            }
            "--format" => {
                png = match flag_value(args, &mut i, a)? {
                    "svg" => false,
                    "png" => true,
                    v => return Err(Error::Usage(format!("--format takes svg or png, but it is \"{v}\"."))),
                };
            }
            "--width" => width = pixels(a, flag_value(args, &mut i, a)?)?,
            "--height" => height = pixels(a, flag_value(args, &mut i, a)?)?,
            "--pair" => {
                let v = flag_value(args, &mut i, a)?;
                let bad = || Error::Usage(format!("--pair takes two different group numbers such as 1,2, but it is \"{v}\"."));
                let (x, y) = v.split_once(',').ok_or_else(bad)?;
                let (x, y): (usize, usize) = (x.trim().parse().map_err(|_| bad())?, y.trim().parse().map_err(|_| bad())?);
                if x == y || x == 0 || y == 0 {
                    return Err(bad());
                }
                pair = Some((x, y));
            }
            _ => rest.push(args[i].clone()),
        }
        i += 1;
    }
    let figure = figure.ok_or_else(|| Error::Usage(format!("render needs --figure 1-{}; {USAGE}", FigureId::LAST)))?;
    let data = parse_data_args(&rest)?;
    Ok(RenderArgs { figure, png, width, height, pair, data })
}

/// The figure `args` describe, as SVG text or PNG bytes.
pub fn render(args: &RenderArgs) -> Result<Vec<u8>> {
    let data = load_data(&args.data)?;
    let g = data.n_groups();
    let pair = match args.pair {
        None => (0, 1.min(g.saturating_sub(1))),
        Some(_) if g < 2 => {
            return Err(Error::Usage("--pair needs at least two groups, but the data have one.".into()))
        }
        Some((a, b)) if a <= g && b <= g => (a - 1, b - 1),
        Some((a, b)) => {
            return Err(Error::Usage(format!(
                "--pair takes two different group numbers from 1 to {g}, but it is {a},{b}."
            )))
        }
    };
    let report = fit_all(&data, &FitOptions { nagq: args.data.params.nagq, reml: args.data.reml });
    let scene = build_scene(&data, &report, &SceneOptions { pair, ..SceneOptions::default() })?;
    if args.png {
        png(args.figure, &scene, args.width, args.height)
    } else {
        render_svg(args.figure, &scene, args.width, args.height).map(String::into_bytes)
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn png(figure: FigureId, scene: &crate::surfaces::Scene, w: u32, h: u32) -> Result<Vec<u8>> {
    crate::figures::render_png(figure, scene, w, h)
}

/// The CLI is native; in WebAssembly the page draws PNGs from its canvas instead.
#[cfg(target_arch = "wasm32")]
fn png(_: FigureId, _: &crate::surfaces::Scene, _: u32, _: u32) -> Result<Vec<u8>> {
    Err(Error::Usage("PNG rendering is not available in WebAssembly.".into()))
}

fn run(argv: &[String], out: &mut dyn Write) -> Result<()> {
    let (cmd, rest) = argv.split_first().ok_or_else(|| Error::Usage(USAGE.into()))?;
    let write_err = |e: std::io::Error| Error::Usage(format!("cannot write the output: {e}."));
    match cmd.as_str() {
        "simulate" => {
            let args = parse_data_args(rest)?;
            let data = load_data(&args)?;
            out.write_all(write_csv(&data).as_bytes()).map_err(write_err)
        }
        "fit" => {
            let args = parse_data_args(rest)?;
            let data = load_data(&args)?;
            let report = fit_all(&data, &FitOptions { nagq: args.params.nagq, reml: args.reml });
            let json = serde_json::to_string_pretty(&report).map_err(|e| Error::Usage(format!("cannot write JSON: {e}.")))?;
            writeln!(out, "{json}").map_err(write_err)
        }
        "text" => {
            let args = parse_data_args(rest)?;
            if args.csv.is_some() {
                return Err(Error::Usage("text describes the simulated data, so it does not take --csv.".into()));
            }
            let data = load_data(&args)?;
            let report = fit_all(&data, &FitOptions { nagq: args.params.nagq, reml: args.reml });
            let pair = (0, 1.min(args.params.groups.saturating_sub(1)));
            let text = crate::explain::page_text(&args.params, &report, pair);
            let json = serde_json::to_string_pretty(&text).map_err(|e| Error::Usage(format!("cannot write JSON: {e}.")))?;
            writeln!(out, "{json}").map_err(write_err)
        }
        "render" => {
            let args = parse_render_args(rest)?;
            let bytes = render(&args)?;
            out.write_all(&bytes).map_err(write_err)
        }
        "r-code" => {
            let args = parse_data_args(rest)?;
            if args.csv.is_some() {
                return Err(Error::Usage("r-code writes R code that simulates the data, so it does not take --csv.".into()));
            }
            if !args.reml {
                return Err(Error::Usage("r-code fits lmer by REML, as the page does, so it does not take --ml.".into()));
            }
            out.write_all(r_script(&args.params).as_bytes()).map_err(write_err)
        }
        #[cfg(not(target_arch = "wasm32"))]
        "bench" => {
            let (runs, rest) = crate::bench::split_runs(rest)?;
            let args = parse_data_args(&rest)?;
            let data = load_data(&args)?;
            let json = crate::bench::bench(&data, &FitOptions { nagq: args.params.nagq, reml: args.reml }, runs);
            let json = serde_json::to_string_pretty(&json).map_err(|e| Error::Usage(format!("cannot write JSON: {e}.")))?;
            writeln!(out, "{json}").map_err(write_err)
        }
        "-h" | "--help" | "help" => writeln!(out, "{USAGE}").map_err(write_err),
        other => Err(Error::Usage(format!("unknown command \"{other}\"; {USAGE}"))),
    }
}

/// Entry point of the binary: returns the process exit code (0, or 2 on bad input).
pub fn main() -> i32 {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match run(&argv, &mut lock) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("glmm-demo: {e}");
            2
        }
    }
}
