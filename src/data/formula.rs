//! A model formula in the subset of R's grammar this engine fits: `response ~ fixed terms + (1 | group)`.
//!
//! - The response: a column name (`y`), `cbind(s, f)` (successes and failures) or `cbind(s, n - s)`
//!   (successes and the number of trials).
//! - The fixed terms, joined by `+`: column names, `factor(column)`, `1` (the intercept, there unless
//!   dropped), and `0 +` or `- 1` to drop the intercept. A term written twice counts once, as in R.
//! - Exactly one random term, a random intercept `(1 | group)`, anywhere among the terms.
//!
//! Spaces do not matter. Names are R's syntactic names (letters, digits, `.` and `_`, not starting with a
//! digit). Everything else of R's grammar (interactions, random slopes, nested or several grouping
//! factors, functions of columns, offsets, `.`) is refused with one sentence naming what is not supported
//! and what is.

use std::fmt;

use super::csv::shown;
use crate::error::{Error, Result};

/// What the response may be, for the error sentences.
const RESPONSE_GRAMMAR: &str =
    "the response is a column name, cbind(successes, failures) or cbind(successes, trials - successes)";
/// What the fixed terms may be, for the error sentences.
const TERMS_GRAMMAR: &str =
    "fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept";
/// What the random term may be, for the error sentences.
const RANDOM_GRAMMAR: &str = "the formula has exactly one random term, a random intercept (1 | group)";
/// The whole shape, for the error sentences.
const SHAPE: &str = "a formula reads response ~ fixed terms + (1 | group), as in y ~ x + (1 | g)";

/// The response of a formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// One column: a 0/1 outcome, a count or a real number.
    Column(String),
    /// `cbind(successes, failures)`: trials = successes + failures.
    Counts { successes: String, failures: String },
    /// `cbind(successes, trials - successes)`: the trials column holds the number of trials.
    SuccessesOfTrials { successes: String, trials: String },
}

impl Response {
    /// The columns the response reads.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Response::Column(c) => vec![c],
            Response::Counts { successes, failures } => vec![successes, failures],
            Response::SuccessesOfTrials { successes, trials } => vec![successes, trials],
        }
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Response::Column(c) => write!(f, "{c}"),
            Response::Counts { successes, failures } => write!(f, "cbind({successes}, {failures})"),
            Response::SuccessesOfTrials { successes, trials } => write!(f, "cbind({successes}, {trials} - {successes})"),
        }
    }
}

/// One fixed term (besides the intercept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixedTerm {
    /// A column as it is: numeric columns enter as one column of X, factors with treatment contrasts.
    Column(String),
    /// `factor(column)`: the column as a factor even when it is numeric.
    Factor(String),
}

impl FixedTerm {
    /// The data column the term reads.
    pub fn column(&self) -> &str {
        match self {
            FixedTerm::Column(c) | FixedTerm::Factor(c) => c,
        }
    }
}

impl fmt::Display for FixedTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixedTerm::Column(c) => write!(f, "{c}"),
            FixedTerm::Factor(c) => write!(f, "factor({c})"),
        }
    }
}

/// A parsed formula `response ~ fixed terms + (1 | group)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    pub response: Response,
    /// Whether the model has an intercept (R's default; `0 +` or `- 1` drop it).
    pub intercept: bool,
    /// The fixed terms in the order written, each once.
    pub terms: Vec<FixedTerm>,
    /// The grouping column of the random intercept.
    pub group: String,
}

impl Formula {
    /// Parses a formula (see the module documentation for the grammar).
    pub fn parse(text: &str) -> Result<Formula> {
        parse(text)
    }

    /// Every column the formula reads: the response's, the fixed terms', the group's (each once, in that order).
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let all = self.response.columns().into_iter().chain(self.terms.iter().map(FixedTerm::column));
        for c in all.chain(std::iter::once(self.group.as_str())) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }
}

/// The formula in R's spelling: `cbind(incidence, size - incidence) ~ period + (1 | herd)`, `y ~ 0 + x + (1 | g)`.
impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if !self.intercept {
            parts.push("0".into());
        } else if self.terms.is_empty() {
            parts.push("1".into());
        }
        parts.extend(self.terms.iter().map(ToString::to_string));
        parts.push(format!("(1 | {})", self.group));
        write!(f, "{} ~ {}", self.response, parts.join(" + "))
    }
}

/// One token of a formula.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Number(String),
    Open,
    Close,
    Plus,
    Minus,
    Star,
    Colon,
    Caret,
    Slash,
    Bar,
    DoubleBar,
    Tilde,
    Comma,
    Dot,
    In,
}

/// A token and the byte range of its text.
#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn formula_error(message: String) -> Error {
    Error::Formula(message)
}

/// Splits the text into tokens.
fn tokenize(text: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut i = 0;
    while let Some(&(start, c)) = chars.get(i) {
        let next = chars.get(i + 1).map(|&(_, c)| c);
        let name_char = |c: char| c.is_alphanumeric() || c == '.' || c == '_';
        let (tok, len) = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => (Tok::Open, 1),
            ')' => (Tok::Close, 1),
            '+' => (Tok::Plus, 1),
            '-' => (Tok::Minus, 1),
            '*' => (Tok::Star, 1),
            ':' => (Tok::Colon, 1),
            '^' => (Tok::Caret, 1),
            '/' => (Tok::Slash, 1),
            '~' => (Tok::Tilde, 1),
            ',' => (Tok::Comma, 1),
            '|' if next == Some('|') => (Tok::DoubleBar, 2),
            '|' => (Tok::Bar, 1),
            '%' => {
                let rest: String = chars[i..].iter().take(4).map(|&(_, c)| c).collect();
                if rest == "%in%" {
                    (Tok::In, 4)
                } else {
                    return Err(formula_error(format!(
                        "The operator starting at \"{}\" is not supported: {TERMS_GRAMMAR}.",
                        shown(&text[start..])
                    )));
                }
            }
            '`' => {
                return Err(formula_error(
                    "Column names in backticks are not supported: name columns with letters, digits, . and _ (rename the column in the CSV)."
                        .into(),
                ))
            }
            c if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let len = chars[i..].iter().take_while(|&&(_, c)| c.is_ascii_alphanumeric() || c == '.').count();
                (Tok::Number(String::new()), len)
            }
            c if name_char(c) => {
                let len = chars[i..].iter().take_while(|&&(_, c)| name_char(c)).count();
                (Tok::Name(String::new()), len)
            }
            c => {
                return Err(formula_error(format!(
                    "The character '{}' cannot appear in a formula: {SHAPE}.",
                    shown(&c.to_string())
                )))
            }
        };
        let end = end_of(i + len);
        let word = text[start..end].to_string();
        let tok = match tok {
            Tok::Name(_) if word == "." => Tok::Dot,
            Tok::Name(_) => Tok::Name(word),
            Tok::Number(_) => Tok::Number(word),
            t => t,
        };
        tokens.push(Token { tok, start, end });
        i += len;
    }
    Ok(tokens)
}

/// Parentheses must pair up.
fn check_parentheses(tokens: &[Token]) -> Result<()> {
    let mut depth = 0usize;
    for t in tokens {
        match t.tok {
            Tok::Open => depth += 1,
            Tok::Close if depth == 0 => {
                return Err(formula_error(
                    "The parentheses in the formula are unbalanced: a ')' has no matching '('.".into(),
                ))
            }
            Tok::Close => depth -= 1,
            _ => {}
        }
    }
    if depth > 0 {
        return Err(formula_error("The parentheses in the formula are unbalanced: a '(' is never closed.".into()));
    }
    Ok(())
}

/// The source text of a run of tokens.
fn source<'a>(text: &'a str, tokens: &[Token]) -> &'a str {
    match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => &text[a.start..b.end],
        _ => "",
    }
}

/// The first token at parenthesis depth 0 of `tokens` that `pred` accepts, and its index.
fn top_level(tokens: &[Token], pred: impl Fn(&Tok) -> bool) -> Option<(usize, &Tok)> {
    let mut depth = 0i64;
    for (i, t) in tokens.iter().enumerate() {
        match t.tok {
            Tok::Open => depth += 1,
            Tok::Close => depth -= 1,
            ref tok if depth == 0 && pred(tok) => return Some((i, tok)),
            _ => {}
        }
    }
    None
}

/// Whether the parenthesis at `open` closes at the last token.
fn encloses_rest(tokens: &[Token], open: usize) -> bool {
    let mut depth = 0i64;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth -= 1;
                if depth == 0 {
                    return i + 1 == tokens.len();
                }
            }
            _ => {}
        }
    }
    false
}

fn parse(text: &str) -> Result<Formula> {
    let tokens = tokenize(text)?;
    check_parentheses(&tokens)?;
    let tildes: Vec<usize> = tokens.iter().enumerate().filter(|(_, t)| t.tok == Tok::Tilde).map(|(i, _)| i).collect();
    let tilde = match tildes.as_slice() {
        [] => return Err(formula_error(format!("The formula has no ~: {SHAPE}."))),
        [one] => *one,
        _ => return Err(formula_error(format!("The formula has more than one ~: {SHAPE}."))),
    };
    let (lhs, rhs) = (&tokens[..tilde], &tokens[tilde + 1..]);
    if lhs.is_empty() {
        return Err(formula_error(format!("The formula has no response before the ~: {SHAPE}.")));
    }
    if rhs.is_empty() {
        return Err(formula_error(format!("The formula has nothing after the ~: {SHAPE}.")));
    }
    let response = parse_response(text, lhs)?;
    let mut rhs_parts = Rhs { intercept: true, terms: Vec::new(), group: None };
    for (sign, summand) in summands(text, rhs)? {
        rhs_parts.add(text, sign, summand)?;
    }
    let group = rhs_parts.group.ok_or_else(|| {
        formula_error(format!(
            "The formula has no random intercept: add (1 | group) with the grouping column, as in {response} ~ x + (1 | g)."
        ))
    })?;
    if !rhs_parts.intercept && rhs_parts.terms.is_empty() {
        return Err(formula_error(
            "The formula has no fixed effect at all (the intercept is dropped and there is no other term), and this engine fits models with at least one: without one the groups' random intercepts would be centred on a linear predictor fixed at 0, a model whose fixed effects the page could not compare. Keep the intercept or add a term."
                .into(),
        ));
    }
    Ok(Formula { response, intercept: rhs_parts.intercept, terms: rhs_parts.terms, group })
}

fn parse_response(text: &str, lhs: &[Token]) -> Result<Response> {
    let toks: Vec<&Tok> = lhs.iter().map(|t| &t.tok).collect();
    let unsupported = || {
        formula_error(format!("The response {} is not supported: {RESPONSE_GRAMMAR}.", shown(source(text, lhs))))
    };
    match toks.as_slice() {
        [Tok::Name(n)] => Ok(Response::Column(n.clone())),
        [Tok::Name(f), Tok::Open, Tok::Name(s), Tok::Comma, Tok::Name(fail), Tok::Close] if f == "cbind" => {
            Ok(Response::Counts { successes: s.clone(), failures: fail.clone() })
        }
        [Tok::Name(f), Tok::Open, Tok::Name(s), Tok::Comma, Tok::Name(n), Tok::Minus, Tok::Name(s2), Tok::Close]
            if f == "cbind" =>
        {
            if s == s2 {
                Ok(Response::SuccessesOfTrials { successes: s.clone(), trials: n.clone() })
            } else {
                Err(formula_error(format!(
                    "In cbind({s}, {n} - {s2}) the column subtracted from the trials must be the successes, {s}: {RESPONSE_GRAMMAR}."
                )))
            }
        }
        _ => Err(unsupported()),
    }
}

/// The right-hand side split at the `+` and `-` outside parentheses: each summand with its sign.
fn summands<'t>(text: &str, rhs: &'t [Token]) -> Result<Vec<(Sign, &'t [Token])>> {
    let mut out = Vec::new();
    let mut depth = 0i64;
    let mut sign = Sign::Plus;
    let mut start = 0;
    for (i, t) in rhs.iter().enumerate() {
        match t.tok {
            Tok::Open => depth += 1,
            Tok::Close => depth -= 1,
            Tok::Plus | Tok::Minus if depth == 0 => {
                let next_sign = if t.tok == Tok::Plus { Sign::Plus } else { Sign::Minus };
                if i == start {
                    // A sign at the very start (`~ -1 + x`, `~ +x`) is unary; elsewhere an empty term.
                    if i != 0 {
                        return Err(empty_term(text, rhs));
                    }
                    sign = next_sign;
                } else {
                    out.push((sign, &rhs[start..i]));
                    sign = next_sign;
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start == rhs.len() {
        return Err(empty_term(text, rhs));
    }
    out.push((sign, &rhs[start..]));
    Ok(out)
}

fn empty_term(text: &str, rhs: &[Token]) -> Error {
    formula_error(format!(
        "The terms {} have an empty term (two signs in a row, or one at the end): {TERMS_GRAMMAR}.",
        shown(source(text, rhs))
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    Plus,
    Minus,
}

/// The right-hand side as it is read.
struct Rhs {
    intercept: bool,
    terms: Vec<FixedTerm>,
    group: Option<String>,
}

impl Rhs {
    fn add(&mut self, text: &str, sign: Sign, summand: &[Token]) -> Result<()> {
        let snippet = shown(source(text, summand));
        if let Some((_, op)) = top_level(summand, |t| {
            matches!(t, Tok::Colon | Tok::Star | Tok::Caret | Tok::Slash | Tok::In | Tok::Bar | Tok::DoubleBar | Tok::Comma)
        }) {
            let what = match op {
                Tok::Colon | Tok::Star => format!("The interaction {snippet} is not supported: {TERMS_GRAMMAR}"),
                Tok::Caret => format!("The power of terms {snippet} is not supported: {TERMS_GRAMMAR}"),
                Tok::Slash | Tok::In => format!("The nested term {snippet} is not supported: {TERMS_GRAMMAR}"),
                Tok::Bar | Tok::DoubleBar => {
                    format!("The random term {snippet} needs parentheses: {RANDOM_GRAMMAR}")
                }
                _ => format!("The term {snippet} is not understood: {TERMS_GRAMMAR}"),
            };
            return Err(formula_error(format!("{what}.")));
        }
        let toks: Vec<&Tok> = summand.iter().map(|t| &t.tok).collect();
        let minus_term = || {
            formula_error(format!(
                "Removing the term {snippet} with - is not supported: only - 1 (to drop the intercept) is, and {TERMS_GRAMMAR}."
            ))
        };
        match toks.as_slice() {
            [Tok::Number(n)] if n == "1" => self.intercept = sign == Sign::Plus,
            [Tok::Number(n)] if n == "0" && sign == Sign::Plus => self.intercept = false,
            [Tok::Number(_)] => {
                return Err(formula_error(format!("The number {snippet} is not a term: {TERMS_GRAMMAR}.")));
            }
            [Tok::Dot] => {
                return Err(formula_error(format!(
                    "The dot (all other columns) is not supported: name each column; {TERMS_GRAMMAR}."
                )));
            }
            _ if sign == Sign::Minus => return Err(minus_term()),
            [Tok::Name(n)] => self.push(FixedTerm::Column(n.clone())),
            [Tok::Name(f), Tok::Open, ..] if encloses_rest(summand, 1) => {
                self.push(function_term(f, &toks[2..toks.len() - 1], &snippet)?)
            }
            [Tok::Open, ..] if encloses_rest(summand, 0) => self.random_term(text, &summand[1..summand.len() - 1])?,
            _ => return Err(formula_error(format!("The term {snippet} is not understood: {TERMS_GRAMMAR}."))),
        }
        Ok(())
    }

    fn push(&mut self, term: FixedTerm) {
        if !self.terms.contains(&term) {
            self.terms.push(term);
        }
    }

    /// `(...)`: a random intercept `(1 | g)`, or an unsupported random term.
    fn random_term(&mut self, text: &str, inner: &[Token]) -> Result<()> {
        let snippet = shown(source(text, inner));
        if top_level(inner, |t| *t == Tok::DoubleBar).is_some() {
            return Err(formula_error(format!(
                "Uncorrelated random effects with ||, ({snippet}), are not supported: {RANDOM_GRAMMAR}."
            )));
        }
        let Some((bar, _)) = top_level(inner, |t| *t == Tok::Bar) else {
            return Err(formula_error(format!(
                "Parentheses around fixed terms, ({snippet}), are not supported: {TERMS_GRAMMAR}."
            )));
        };
        let (left, right) = (&inner[..bar], &inner[bar + 1..]);
        if !matches!(left, [Token { tok: Tok::Number(n), .. }] if n == "1") {
            return Err(formula_error(format!(
                "The random slope ({snippet}) is not supported: {RANDOM_GRAMMAR}, with a 1 before the |."
            )));
        }
        let group = match right {
            [Token { tok: Tok::Name(g), .. }] => g.clone(),
            _ if top_level(right, |t| matches!(t, Tok::Slash | Tok::Colon | Tok::In)).is_some() => {
                return Err(formula_error(format!(
                    "Nested or crossed grouping factors, ({snippet}), are not supported: {RANDOM_GRAMMAR}, with one column after the |."
                )))
            }
            _ => {
                return Err(formula_error(format!(
                    "The grouping factor in ({snippet}) must be one column name: {RANDOM_GRAMMAR}."
                )))
            }
        };
        if let Some(first) = &self.group {
            return Err(formula_error(format!(
                "Two random terms, (1 | {first}) and ({snippet}), are not supported: {RANDOM_GRAMMAR}."
            )));
        }
        self.group = Some(group);
        Ok(())
    }
}

/// `f(...)` among the fixed terms: only `factor(column)`.
fn function_term(f: &str, args: &[&Tok], snippet: &str) -> Result<FixedTerm> {
    match (f, args) {
        ("factor", [Tok::Name(c)]) => Ok(FixedTerm::Factor(c.clone())),
        ("factor", _) => Err(formula_error(format!(
            "factor() takes one column name, as in factor(period), but the formula has {snippet}: {TERMS_GRAMMAR}."
        ))),
        ("offset", _) => Err(formula_error(format!("The offset {snippet} is not supported: {TERMS_GRAMMAR}."))),
        ("cbind", _) => Err(formula_error(format!(
            "cbind() belongs to the response, before the ~, but the formula has {snippet} among the terms: {RESPONSE_GRAMMAR}."
        ))),
        _ => Err(formula_error(format!(
            "The function {snippet} is not supported in a formula: compute the column in the CSV instead; {TERMS_GRAMMAR}."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Formula {
        match Formula::parse(text) {
            Ok(f) => f,
            Err(e) => panic!("{text:?} should parse: {e}"),
        }
    }

    fn err(text: &str) -> String {
        match Formula::parse(text) {
            Err(Error::Formula(m)) => m,
            other => panic!("{text:?} should be a formula error, got {other:?}"),
        }
    }

    #[test]
    fn fixture_formulas_parse_and_print_back() {
        for text in [
            "cbind(incidence, size - incidence) ~ period + (1 | herd)",
            "r2 ~ Anger + Gender + btype + situ + (1 | id)",
            "TICKS ~ YEAR + HEIGHT_z + (1 | BROOD)",
            "y_bin ~ x + (1 | group)",
        ] {
            assert_eq!(ok(text).to_string(), text);
        }
        let f = ok("cbind(incidence, size - incidence) ~ period + (1 | herd)");
        assert_eq!(f.response, Response::SuccessesOfTrials { successes: "incidence".into(), trials: "size".into() });
        assert_eq!(f.terms, vec![FixedTerm::Column("period".into())]);
        assert_eq!(f.group, "herd");
        assert!(f.intercept);
        assert_eq!(f.columns(), vec!["incidence", "size", "period", "herd"]);
    }

    #[test]
    fn whitespace_intercept_and_factor_terms() {
        let f = ok("cbind(s,f)~0+x+factor(k)+(1|g)");
        assert_eq!(f.response, Response::Counts { successes: "s".into(), failures: "f".into() });
        assert!(!f.intercept);
        assert_eq!(f.terms, vec![FixedTerm::Column("x".into()), FixedTerm::Factor("k".into())]);
        assert_eq!(f.to_string(), "cbind(s, f) ~ 0 + x + factor(k) + (1 | g)");
        assert_eq!(ok("y ~ x - 1 + (1 | g)").to_string(), "y ~ 0 + x + (1 | g)");
        assert_eq!(ok("y ~ -1 + x + (1 | g)").to_string(), "y ~ 0 + x + (1 | g)");
        assert_eq!(ok("y ~ (1 | g) + 1 + x + x").to_string(), "y ~ x + (1 | g)");
        assert_eq!(ok("y ~ (1 | g)").to_string(), "y ~ 1 + (1 | g)");
        assert_eq!(ok(" y.a_1 ~\tx.2 +\n(1|g.h) ").to_string(), "y.a_1 ~ x.2 + (1 | g.h)");
        // The last of 0 and 1 decides, as in R's terms(): y ~ 0 + x + 1 has an intercept.
        assert!(ok("y ~ 0 + x + 1 + (1 | g)").intercept);
    }

    #[test]
    fn unsupported_grammar_gets_one_sentence() {
        let cases = [
            ("y ~ x:z + (1 | g)", "The interaction x:z is not supported: fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ x*z + (1 | g)", "The interaction x*z is not supported: fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ (x | g)", "The random slope (x | g) is not supported: the formula has exactly one random term, a random intercept (1 | group), with a 1 before the |."),
            ("y ~ x + (1 + x | g)", "The random slope (1 + x | g) is not supported: the formula has exactly one random term, a random intercept (1 | group), with a 1 before the |."),
            ("y ~ (1 | g1) + (1 | g2)", "Two random terms, (1 | g1) and (1 | g2), are not supported: the formula has exactly one random term, a random intercept (1 | group)."),
            ("y ~ (1 | g1/g2)", "Nested or crossed grouping factors, (1 | g1/g2), are not supported: the formula has exactly one random term, a random intercept (1 | group), with one column after the |."),
            ("y ~ x + (1 || g)", "Uncorrelated random effects with ||, (1 || g), are not supported: the formula has exactly one random term, a random intercept (1 | group)."),
            ("y ~ poly(x, 2) + (1 | g)", "The function poly(x, 2) is not supported in a formula: compute the column in the CSV instead; fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ I(x^2) + (1 | g)", "The function I(x^2) is not supported in a formula: compute the column in the CSV instead; fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ log(x) + (1 | g)", "The function log(x) is not supported in a formula: compute the column in the CSV instead; fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ x + offset(log(n)) + (1 | g)", "The offset offset(log(n)) is not supported: fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ . + (1 | g)", "The dot (all other columns) is not supported: name each column; fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ (x + z)^2 + (1 | g)", "The power of terms (x + z)^2 is not supported: fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ x %in% z + (1 | g)", "The nested term x %in% z is not supported: fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ x + (1 | g", "The parentheses in the formula are unbalanced: a '(' is never closed."),
            ("y ~ x) + (1 | g)", "The parentheses in the formula are unbalanced: a ')' has no matching '('."),
            ("~ x + (1 | g)", "The formula has no response before the ~: a formula reads response ~ fixed terms + (1 | group), as in y ~ x + (1 | g)."),
            ("y ~ ", "The formula has nothing after the ~: a formula reads response ~ fixed terms + (1 | group), as in y ~ x + (1 | g)."),
            ("y x (1 | g)", "The formula has no ~: a formula reads response ~ fixed terms + (1 | group), as in y ~ x + (1 | g)."),
            ("y ~ x", "The formula has no random intercept: add (1 | group) with the grouping column, as in y ~ x + (1 | g)."),
            ("log(y) ~ x + (1 | g)", "The response log(y) is not supported: the response is a column name, cbind(successes, failures) or cbind(successes, trials - successes)."),
            ("cbind(s, n - f) ~ x + (1 | g)", "In cbind(s, n - f) the column subtracted from the trials must be the successes, s: the response is a column name, cbind(successes, failures) or cbind(successes, trials - successes)."),
            ("y ~ x - z + (1 | g)", "Removing the term z with - is not supported: only - 1 (to drop the intercept) is, and fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ x + + z + (1 | g)", "The terms x + + z + (1 | g) have an empty term (two signs in a row, or one at the end): fixed terms are column names, factor(column) and 1, joined by +, with 0 + or - 1 to drop the intercept."),
            ("y ~ 0 + (1 | g)", "The formula has no fixed effect at all (the intercept is dropped and there is no other term), and this engine fits models with at least one: without one the groups' random intercepts would be centred on a linear predictor fixed at 0, a model whose fixed effects the page could not compare. Keep the intercept or add a term."),
            ("y ~ `a b` + (1 | g)", "Column names in backticks are not supported: name columns with letters, digits, . and _ (rename the column in the CSV)."),
            ("y ~ x + 1 | g", "The random term 1 | g needs parentheses: the formula has exactly one random term, a random intercept (1 | group)."),
        ];
        for (text, want) in cases {
            assert_eq!(err(text), want, "{text}");
        }
    }

    #[test]
    fn other_mistakes_are_sentences_too() {
        for text in [
            "y ~ x ~ z + (1 | g)",
            "y ~ 2 + (1 | g)",
            "y ~ factor(x, z) + (1 | g)",
            "y ~ cbind(a, b) + (1 | g)",
            "y ~ (x) + (1 | g)",
            "y ~ x # comment",
            "y ~ x z + (1 | g)",
            "y ~ x + (1 | g) -",
            "y ~ x + (1 | 2)",
            "y ~ x + (1 | g1:g2)",
            "y ~ x %o% z",
            "y ~ x + (0 | g)",
        ] {
            let m = err(text);
            assert!(m.ends_with('.') && !m.contains('\n'), "{text}: {m}");
        }
    }
}
