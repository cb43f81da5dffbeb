//! The `glmm-demo` command line: `simulate`, `fit`, `text` (the page's explanation as JSON), `render` (a
//! figure as SVG or PNG), `r-code` (the R script that reproduces the numbers) and `bench`.
//!
//! The grammar is clap's ([`args`]); options carry the page's parameter names (`--y-coef` is `y_coef`, see
//! [`crate::params::table`]) and are applied with the same rules as `glmmDemo.set` ([`Params::merge`]).
//! Bad input is one line on stderr ([`one_line`] for clap's own errors) and exit code 2; `--help` and
//! `--version` print to stdout with exit code 0. Native only: the WebAssembly build has no command line.

pub mod args;
pub mod general;
pub mod replicate;
mod one_line;

use std::ffi::OsString;
use std::io::Write;

use clap::FromArgMatches;

use crate::data::csv::{csv_text_from_bytes, read_csv, write_csv};
use crate::data::{simulate, Dataset};
use crate::error::{Error, Result};
use crate::figures::render_svg;
use crate::models::{fit_all, FitOptions};
use crate::params::Params;
use crate::r_code::r_script;
use crate::surfaces::{build_scene, SceneOptions};

pub use args::{
    BenchArgs, Cli, Command, DataArgs, FitArgs, ImageFormat, ModelArgs, RCodeArgs, RenderArgs, ReplicateArgs, SimArgs,
    SimulateArgs, TextArgs,
};

/// The data the options describe: a CSV file or a simulation of `params`.
pub fn load_data(csv: Option<&std::path::Path>, params: &Params) -> Result<Dataset> {
    match csv {
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Error::Usage(format!("cannot read the CSV file \"{}\": {e}.", path.display())))?;
            read_csv(&csv_text_from_bytes(bytes))
        }
        None => simulate(&params.sim),
    }
}

/// The models' options: nAGQ from the parameters, REML unless `--ml`.
fn fit_options(params: &Params, model: &ModelArgs) -> FitOptions {
    FitOptions { nagq: params.nagq, reml: !model.ml }
}

/// The figure `args` describe, as SVG text or PNG bytes.
pub fn render(args: &RenderArgs) -> Result<Vec<u8>> {
    let params = args.data.sim.params(args.model.nagq)?;
    let data = load_data(args.data.csv.as_deref(), &params)?;
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
    let report = fit_all(&data, &fit_options(&params, &args.model));
    let scene = build_scene(&data, &report, &SceneOptions { pair, ..SceneOptions::default() })?;
    match args.format {
        ImageFormat::Png => crate::figures::render_png(args.figure, &scene, args.width, args.height),
        ImageFormat::Svg => render_svg(args.figure, &scene, args.width, args.height).map(String::into_bytes),
    }
}

fn json_line(out: &mut dyn Write, v: &impl serde::Serialize) -> Result<()> {
    let json = serde_json::to_string_pretty(v).map_err(|e| Error::Usage(format!("cannot write JSON: {e}.")))?;
    writeln!(out, "{json}").map_err(write_err)
}

fn write_err(e: std::io::Error) -> Error {
    Error::Usage(format!("cannot write the output: {e}."))
}

/// Runs one parsed command, writing its output to `out`.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<()> {
    match &cli.command {
        Command::Simulate(a) => {
            let params = a.data.sim.params(a.nagq)?;
            let data = load_data(a.data.csv.as_deref(), &params)?;
            out.write_all(write_csv(&data).as_bytes()).map_err(write_err)
        }
        Command::Fit(a) if a.general.any() => json_line(out, &general::fit(&a.data, &a.model, &a.general)?),
        Command::Fit(a) => {
            let params = a.data.sim.params(a.model.nagq)?;
            let data = load_data(a.data.csv.as_deref(), &params)?;
            json_line(out, &fit_all(&data, &fit_options(&params, &a.model)).to_annotated_json())
        }
        Command::Text(a) => {
            if a.csv.is_some() {
                return Err(Error::Usage("text describes the simulated data, so it does not take --csv.".into()));
            }
            let params = a.sim.params(a.model.nagq)?;
            let data = simulate(&params.sim)?;
            let report = fit_all(&data, &fit_options(&params, &a.model));
            let pair = (0, 1.min(params.groups.saturating_sub(1)));
            json_line(out, &crate::explain::page_text(&params, &report, pair))
        }
        Command::Render(a) => {
            let bytes = render(a)?;
            out.write_all(&bytes).map_err(write_err)
        }
        Command::RCode(a) => {
            if a.csv.is_some() {
                return Err(Error::Usage("r-code writes R code that simulates the data, so it does not take --csv.".into()));
            }
            if a.ml {
                return Err(Error::Usage("r-code fits lmer by REML, as the page does, so it does not take --ml.".into()));
            }
            let params = a.sim.params(a.nagq)?;
            out.write_all(r_script(&params).as_bytes()).map_err(write_err)
        }
        Command::Bench(a) if a.general.any() => {
            let input = general::general_input(&a.data, &a.model, &a.general)?;
            crate::models::design_fit::check_response(&input.design, input.opts.family)?;
            json_line(out, &crate::bench::bench_design(&input.design, &input.opts, a.runs))
        }
        Command::Bench(a) => {
            let params = a.data.sim.params(a.model.nagq)?;
            let data = load_data(a.data.csv.as_deref(), &params)?;
            json_line(out, &crate::bench::bench(&data, &fit_options(&params, &a.model), a.runs))
        }
        Command::Replicate(a) => json_line(out, &replicate::run(&a.sim.params(a.nagq)?, a.seeds, a.runs)?),
    }
}

/// What the command line asks for: a command to run, text to print (`--help`, `--version`), or a usage error.
pub enum Parsed {
    Run(Box<Cli>),
    Print(String),
    Usage(String),
}

/// Parses `argv` (without the program name).
pub fn parse(argv: &[OsString]) -> Parsed {
    let cmd = args::command();
    let commands: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    let sub = argv.first().and_then(|a| a.to_str()).filter(|a| commands.iter().any(|c| c == a)).map(str::to_string);
    let full = std::iter::once(OsString::from("glmm-demo")).chain(argv.iter().cloned());
    match cmd.try_get_matches_from(full).and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => Parsed::Run(Box::new(cli)),
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                let text = e.render().to_string();
                Parsed::Print(if text.ends_with('\n') { text } else { text + "\n" })
            }
            _ => Parsed::Usage(one_line::one_line(&e, sub.as_deref(), &commands)),
        },
    }
}

/// Entry point of the binary: returns the process exit code (0, or 2 on bad input).
pub fn main() -> i32 {
    let argv: Vec<OsString> = std::env::args_os().skip(1).collect();
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let result = match parse(&argv) {
        Parsed::Run(cli) => run(&cli, &mut lock),
        Parsed::Print(text) => lock.write_all(text.as_bytes()).map_err(write_err),
        Parsed::Usage(sentence) => Err(Error::Usage(sentence)),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("glmm-demo: {e}");
            2
        }
    }
}
