//! Typed errors. Every variant displays as one clear sentence for the user.

use thiserror::Error;

/// Everything that can go wrong between user input and a fitted model.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A parameter is outside its allowed range.
    #[error("{name} must be {expected}, but it is {got}.")]
    InvalidParameter { name: &'static str, expected: String, got: String },

    /// A CSV file could not be read.
    #[error("CSV line {line}, column {column}: {message}.")]
    Csv { line: usize, column: String, message: String },

    /// The data cannot support this model (e.g. a random intercept with one group).
    #[error("{0}")]
    NotEstimable(String),

    /// An iterative fit failed to converge.
    #[error("{model} did not converge: {reason}.")]
    NoConvergence { model: &'static str, reason: String },

    /// A figure could not be drawn (a plotting backend or contouring error).
    #[error("The figure could not be drawn: {0}.")]
    Drawing(String),

    /// A command-line usage error.
    #[error("{0}")]
    Usage(String),

    /// A model formula outside the supported subset of R's grammar (see `data::formula`).
    #[error("{0}")]
    Formula(String),

    /// The data do not fit the formula: an unknown column, a text response, a count that is not a whole number.
    #[error("{0}")]
    Data(String),
}

pub type Result<T> = std::result::Result<T, Error>;
