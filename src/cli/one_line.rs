//! clap's usage errors as one sentence: clap writes several lines (the error, the usage, a tip), the CLI
//! promises one line on stderr. The sentence is built from the error's kind and context, so it names the
//! option and the value and says what would be right.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// One sentence for a clap error; `sub` is the subcommand being parsed, when known.
pub fn one_line(e: &clap::Error, sub: Option<&str>, commands: &[String]) -> String {
    let text = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        _ => None,
    };
    let list = |k: ContextKind| match e.get(k) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    // "--seed <S>" → "--seed".
    let flag = text(ContextKind::InvalidArg).map(|a| a.split_whitespace().next().unwrap_or_default().to_string());
    let flag = flag.unwrap_or_else(|| "an option".to_string());
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let help = match sub {
        Some(s) => format!("glmm-demo {s} --help"),
        None => "glmm-demo --help".to_string(),
    };
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            format!("unknown command \"{value_or}\"; the commands are {} ({help}).", or_list(commands, "and"), value_or = text(ContextKind::InvalidSubcommand).unwrap_or_default())
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            format!("a command is needed: {} ({help}).", or_list(commands, "or"))
        }
        ErrorKind::UnknownArgument if !flag.starts_with('-') => {
            format!("unexpected argument \"{flag}\" (options start with --; {help} lists them).")
        }
        ErrorKind::UnknownArgument => {
            let suggestion = match text(ContextKind::SuggestedArg).filter(|s| looks_like(&flag, s)) {
                Some(s) => format!(" (did you mean {s}?)"),
                None => String::new(),
            };
            format!("unknown option \"{flag}\"{suggestion}; {help} lists the options.")
        }
        ErrorKind::InvalidValue if value.is_empty() && list(ContextKind::ValidValue).is_empty() => {
            format!("{flag} needs a value.")
        }
        ErrorKind::InvalidValue => {
            let valid = list(ContextKind::ValidValue);
            if valid.is_empty() {
                format!("{flag} does not take \"{value}\".")
            } else {
                format!("{flag} takes {}, but it is \"{value}\".", or_list(&valid, "or"))
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map_or_else(|| "takes another value".to_string(), |s| s.to_string());
            format!("{flag} {why}, but it is \"{value}\".")
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = list(ContextKind::InvalidArg).join(" and ");
            format!("{} needs {missing} ({help}).", sub.unwrap_or("glmm-demo"))
        }
        ErrorKind::ArgumentConflict => {
            let other = text(ContextKind::PriorArg).unwrap_or_else(|| "another option".to_string());
            format!("{flag} cannot be used with {other}.")
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{flag} does not take \"{value}\" ({help}).")
        }
        _ => {
            // Anything else: clap's own first line, without its "error: " prefix.
            let rendered = e.render().to_string();
            let first = rendered.lines().find(|l| !l.trim().is_empty()).unwrap_or("the command line is not valid");
            let first = first.trim().trim_start_matches("error:").trim();
            format!("{first} ({help}).")
        }
    }
}

/// Whether clap's suggestion is close enough to what was typed to offer it (clap offers `--n` for
/// `--frobnicate`): the same first letter and about the same length.
fn looks_like(typed: &str, suggested: &str) -> bool {
    let (a, b) = (typed.trim_start_matches('-'), suggested.trim_start_matches('-'));
    a.chars().next() == b.chars().next() && a.chars().count().abs_diff(b.chars().count()) <= 3
}

/// "a, b or c".
fn or_list(items: &[String], last_word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {last_word} {last}", init.join(", ")),
    }
}
