//! The `glmm-demo` command line: `simulate`, `fit` (and more subcommands as the project grows).
//!
//! Options carry the page's parameter names (`--y-coef` is `y_coef`), and are applied with the same
//! rules as `glmmDemo.set` ([`Params::merge`]). Bad input is one line on stderr and exit code 2.

use std::io::Write;

use serde_json::{Map, Value};

use crate::data::csv::{read_csv, write_csv};
use crate::data::{simulate, Dataset};
use crate::error::{Error, Result};
use crate::models::{fit_all, FitOptions};
use crate::params::Params;

const USAGE: &str = "usage: glmm-demo <simulate|fit> [--preset answer|question] [--seed S] [--groups G] [--n N] \
[--thresholds a,b,...] [--y-coef C] [--spacing D] [--center|--no-center] [--csv FILE] [--nagq K] [--ml]";

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
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::Usage(format!("cannot read the CSV file \"{path}\": {e}.")))?;
            read_csv(&text)
        }
        None => simulate(&args.params.to_sim_config()),
    }
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
