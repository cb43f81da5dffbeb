//! The command line's grammar, as clap derive structs: one struct per subcommand, built from shared groups
//! of options ([`SimArgs`], [`DataArgs`], [`ModelArgs`]).
//!
//! The page's parameters are parsed here only as far as their type (a number, a list of numbers); their
//! ranges are checked once, by [`Params::merge`], exactly as for `glmmDemo.set` and a permalink, and their
//! help text comes from the parameter table ([`crate::params::table`], applied in [`command`]).

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use serde_json::{Map, Value};

use crate::error::Result;
use crate::figures::FigureId;
use crate::params::{table, Params};

/// Default size of a rendered figure, in pixels.
pub const RENDER_SIZE: (u32, u32) = (800, 600);

/// `glmm-demo`: lm, lmer, glm and glmer reproduced exactly, to show why glmer's random intercepts do not sum
/// to zero while lmer's do, and why the fixed effects move.
#[derive(Debug, Parser)]
#[command(
    name = "glmm-demo",
    version,
    about = "Why glmer's random intercepts don't sum to zero while lmer's do: lm, lmer, glm and glmer, reproduced exactly",
    after_help = "Every command takes the data options of the page (see `glmm-demo fit --help`); bad input is one line on stderr and exit code 2."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate the data and write them as CSV (group,y,y_bin,x; 17 significant digits, as R's sprintf("%.17g"))
    Simulate(SimulateArgs),
    /// Fit every model (lm, lmer, glm, glmer Laplace and AGQ, the joint mode, the exact marginal) and print one JSON object
    Fit(FitArgs),
    /// Print the page's explanation and its claims as JSON
    Text(TextArgs),
    /// Draw one of the page's figures as SVG or PNG on standard output
    Render(RenderArgs),
    /// Write the R script that reproduces the page's numbers with lme4
    RCode(RCodeArgs),
    /// Time the fits in-process and print the timings as JSON
    Bench(BenchArgs),
    /// "Is it this seed?": glmer on seeds 1…N of these settings, Σ modes and Σ means per seed and the figure's caption, as JSON
    Replicate(ReplicateArgs),
}

/// The simulation's parameters: the page's controls. Every one is optional; the rest come from the preset.
#[derive(Debug, Clone, Default, PartialEq, Args)]
#[command(next_help_heading = "Simulated data (the page's controls)")]
pub struct SimArgs {
    #[arg(long)]
    pub preset: Option<String>,
    #[arg(long, allow_hyphen_values = true, value_parser = number)]
    pub seed: Option<f64>,
    #[arg(long, allow_hyphen_values = true, value_parser = number)]
    pub groups: Option<f64>,
    #[arg(long, allow_hyphen_values = true, value_parser = number)]
    pub n: Option<f64>,
    #[arg(long, allow_hyphen_values = true, value_delimiter = ',', value_parser = number)]
    pub thresholds: Option<Vec<f64>>,
    #[arg(long = "y-coef", id = "y_coef", allow_hyphen_values = true, value_parser = number)]
    pub y_coef: Option<f64>,
    #[arg(long, allow_hyphen_values = true, value_parser = number)]
    pub spacing: Option<f64>,
    #[arg(long, overrides_with = "no_center")]
    pub center: bool,
    /// Do not centre x
    #[arg(long = "no-center", id = "no_center", overrides_with = "center")]
    pub no_center: bool,
}

/// Where the data come from: a CSV file, or the simulation.
#[derive(Debug, Clone, Default, PartialEq, Args)]
pub struct DataArgs {
    #[command(flatten)]
    pub sim: SimArgs,
    /// Read the data from a CSV file with a header naming group, x and y_bin (optional y) instead of simulating them
    #[arg(long, value_name = "FILE", help_heading = "Data from a file")]
    pub csv: Option<PathBuf>,
}

/// How the models are fitted.
#[derive(Debug, Clone, Default, PartialEq, Args)]
#[command(next_help_heading = "Models")]
pub struct ModelArgs {
    #[arg(long, allow_hyphen_values = true, value_parser = number)]
    pub nagq: Option<f64>,
    /// Fit lmer by maximum likelihood instead of REML [default: REML, as lmer]
    #[arg(long)]
    pub ml: bool,
}

/// `glmm-demo simulate`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Accepted for symmetry with `fit`; the data do not depend on it.
    #[arg(long, hide = true, allow_hyphen_values = true, value_parser = number)]
    pub nagq: Option<f64>,
    /// Accepted for symmetry with `fit`; the data do not depend on it.
    #[arg(long, hide = true)]
    pub ml: bool,
}

/// The response's family, as R names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FamilyArg {
    /// 0/1 outcomes or cbind(successes, failures): glmer(..., family = binomial)
    Binomial,
    /// Counts: glmer(..., family = poisson)
    Poisson,
    /// A continuous response: lmer
    Gaussian,
}

/// The link function, as R names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinkArg {
    Logit,
    Probit,
    Cloglog,
    Log,
    Identity,
}

/// The general engine: any data with one grouping factor, any family and link.
#[derive(Debug, Clone, Default, PartialEq, Args)]
#[command(next_help_heading = "Any data with one grouping factor (the general engine)")]
pub struct FormulaArgs {
    /// The model as lme4 writes it, with --csv: response ~ fixed terms + (1 | group), e.g. "cbind(incidence, size - incidence) ~ period + (1 | herd)" (README: Formulas)
    #[arg(long, value_name = "FORMULA")]
    pub formula: Option<String>,
    /// The response's family [default: binomial]
    #[arg(long, value_enum)]
    pub family: Option<FamilyArg>,
    /// The link [default: the family's canonical one: logit, log, identity]. Without --formula, the page's data are fitted with this link
    #[arg(long, value_enum)]
    pub link: Option<LinkArg>,
    /// Read this column as a factor even if its values are numbers, as read.csv(colClasses = "character") and factor() do (repeatable, or comma-separated)
    #[arg(long = "factor", value_name = "COL", value_delimiter = ',')]
    pub factors: Vec<String>,
}

impl FormulaArgs {
    /// Whether any option of the general engine is given.
    pub fn any(&self) -> bool {
        self.formula.is_some() || self.family.is_some() || self.link.is_some() || !self.factors.is_empty()
    }
}

/// `glmm-demo fit`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct FitArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub general: FormulaArgs,
}

/// `glmm-demo text`: the page's text describes the simulated data, so it takes no `--csv`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct TextArgs {
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Refused with a sentence saying why.
    #[arg(long, hide = true, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// `glmm-demo r-code`: the script simulates the data and fits lmer by REML, as the page does.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct RCodeArgs {
    #[command(flatten)]
    pub sim: SimArgs,
    #[arg(long, allow_hyphen_values = true, value_parser = number, help_heading = "Models")]
    pub nagq: Option<f64>,
    /// Refused with a sentence saying why.
    #[arg(long, hide = true, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Refused with a sentence saying why.
    #[arg(long, hide = true)]
    pub ml: bool,
}

/// The image format of `render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImageFormat {
    Svg,
    Png,
}

/// `glmm-demo render`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct RenderArgs {
    /// The figure, by its number on the page [1–9]
    #[arg(long, value_name = "N", value_parser = figure)]
    pub figure: FigureId,
    /// The image format
    #[arg(long, value_enum, default_value_t = ImageFormat::Svg)]
    pub format: ImageFormat,
    /// Width in pixels
    #[arg(long, value_name = "W", allow_hyphen_values = true, default_value_t = RENDER_SIZE.0, value_parser = pixels)]
    pub width: u32,
    /// Height in pixels
    #[arg(long, value_name = "H", allow_hyphen_values = true, default_value_t = RENDER_SIZE.1, value_parser = pixels)]
    pub height: u32,
    /// The two groups of the contour figures, numbered from 1 as the page shows them [default: 1,2]
    #[arg(long, value_name = "A,B", allow_hyphen_values = true, value_parser = pair)]
    pub pair: Option<(usize, usize)>,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// `glmm-demo bench`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Repetitions of each fit (0: as many as fit in about a second)
    #[arg(long, value_name = "R", default_value_t = 0, allow_hyphen_values = true, value_parser = runs)]
    pub runs: usize,
    #[command(flatten)]
    pub general: FormulaArgs,
}

/// `glmm-demo replicate`.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct ReplicateArgs {
    #[command(flatten)]
    pub sim: SimArgs,
    #[arg(long, allow_hyphen_values = true, value_parser = number, help_heading = "Models")]
    pub nagq: Option<f64>,
    /// Seeds 1 to N (the --seed option is ignored)
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = seeds)]
    pub seeds: usize,
    /// Also time the whole run R times and print {median_ms, p90_ms, min_ms, runs} as "timing" (0: no timing)
    #[arg(long, value_name = "R", default_value_t = 0, value_parser = runs)]
    pub runs: usize,
}

/// The clap command, with the page's parameters documented from [`table::PARAMS`] (their range and default).
pub fn command() -> clap::Command {
    let document = |a: clap::Arg| match table::by_name(a.get_id().as_str()) {
        Some(_) if a.is_hide_set() => a,
        Some(spec) => {
            let a = a.help(spec.help());
            if spec.value_name.is_empty() {
                a
            } else {
                a.value_name(spec.value_name)
            }
        }
        None => a,
    };
    Cli::command().mut_subcommands(move |sub| sub.mut_args(document))
}

impl SimArgs {
    /// The parameters given, as the partial JSON object of [`Params::merge`].
    fn partial(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let num = |x: f64| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        if let Some(p) = &self.preset {
            put("preset", Value::String(p.clone()));
        }
        for (k, v) in [("seed", self.seed), ("groups", self.groups), ("n", self.n), ("y_coef", self.y_coef), ("spacing", self.spacing)]
        {
            if let Some(x) = v {
                put(k, num(x));
            }
        }
        if let Some(t) = &self.thresholds {
            put("thresholds", Value::Array(t.iter().map(|&x| num(x)).collect()));
        }
        if self.center || self.no_center {
            put("center", Value::Bool(self.center));
        }
        m
    }

    /// The page's parameters these options and `nagq` describe, checked as `glmmDemo.set` checks them.
    pub fn params(&self, nagq: Option<f64>) -> Result<Params> {
        let mut partial = self.partial();
        if let Some(k) = nagq.and_then(serde_json::Number::from_f64) {
            partial.insert("nagq".into(), Value::Number(k));
        }
        Params::default().merge(&Value::Object(partial))
    }
}

// Value parsers. Their error is the end of the sentence "--flag …, but it is "value"." (see `one_line`).

/// Any finite number (its range is the parameter's, checked by `Params::merge`).
fn number(s: &str) -> std::result::Result<f64, String> {
    let v: f64 = s.trim().parse().map_err(|_| "takes a number".to_string())?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err("takes a finite number".to_string())
    }
}

fn figure(s: &str) -> std::result::Result<FigureId, String> {
    s.trim()
        .parse::<u8>()
        .ok()
        .and_then(FigureId::from_any_number)
        .ok_or_else(|| format!("takes a figure number from 1 to {}", FigureId::LAST))
}

fn pixels(s: &str) -> std::result::Result<u32, String> {
    s.trim().parse().map_err(|_| "takes a whole number of pixels".to_string())
}

fn seeds(s: &str) -> std::result::Result<usize, String> {
    s.trim().parse().map_err(|_| "takes a whole number of seeds".to_string())
}

fn runs(s: &str) -> std::result::Result<usize, String> {
    s.trim().parse().map_err(|_| "takes a whole number of repetitions (0: automatic)".to_string())
}

fn pair(s: &str) -> std::result::Result<(usize, usize), String> {
    let bad = || "takes two different group numbers such as 1,2".to_string();
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    let (a, b): (usize, usize) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
    if a == b || a == 0 || b == 0 {
        return Err(bad());
    }
    Ok((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::FromArgMatches;

    fn parse(args: &[&str]) -> std::result::Result<Cli, clap::Error> {
        let argv = std::iter::once("glmm-demo").chain(args.iter().copied());
        command().try_get_matches_from(argv).and_then(|m| Cli::from_arg_matches(&m))
    }

    #[test]
    fn the_grammar_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn data_options_become_params() {
        let Ok(Cli { command: Command::Fit(f) }) =
            parse(&["fit", "--groups", "3", "--thresholds", "0.1,-0,1", "--y-coef", "-2", "--no-center", "--nagq", "7", "--ml"])
        else {
            panic!("fit parses")
        };
        assert!(f.model.ml);
        let p = f.data.sim.params(f.model.nagq).unwrap();
        assert_eq!((p.groups, p.thresholds.clone(), p.y_coef, p.center, p.nagq), (3, vec![0.1, 0.0, 1.0], -2.0, false, 7));
        // The last of --center / --no-center wins.
        let Ok(Cli { command: Command::Simulate(s) }) = parse(&["simulate", "--no-center", "--center"]) else { panic!() };
        assert!(s.data.sim.params(None).unwrap().center);
        // Nothing given: the answer's example.
        let Ok(Cli { command: Command::Fit(f) }) = parse(&["fit"]) else { panic!() };
        assert_eq!(f.data.sim.params(f.model.nagq).unwrap(), Params::default());
    }

    #[test]
    fn render_options() {
        let Ok(Cli { command: Command::Render(r) }) = parse(&["render", "--figure", "3", "--pair", "1,3", "--format", "png"]) else {
            panic!()
        };
        assert_eq!((r.figure.number(), r.pair, r.format, r.width, r.height), (3, Some((1, 3)), ImageFormat::Png, 800, 600));
        assert!(parse(&["render", "--figure", "3", "--pair", "2,2"]).is_err());
        assert!(parse(&["render"]).is_err());
    }

    #[test]
    fn help_comes_from_the_table() {
        let mut cmd = command();
        let fit = cmd.find_subcommand_mut("fit").unwrap();
        let help = fit.render_long_help().to_string();
        for spec in &table::PARAMS {
            assert!(help.contains(&spec.help()), "{}: {help}", spec.name);
        }
        assert!(help.contains("--y-coef <C>") && help.contains("--csv <FILE>") && help.contains("--ml"), "{help}");
        let sim = cmd.find_subcommand_mut("simulate").unwrap().render_long_help().to_string();
        assert!(!sim.contains("--nagq") && !sim.contains("--ml"), "simulate hides the options it ignores: {sim}");
    }
}
