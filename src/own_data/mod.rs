//! The user's own data: a CSV fitted with a formula, a family and a link, shown as the page shows its own
//! example (the models table, the explanation, the R code). It sits beside [`crate::session`] (the lesson's
//! state) and below [`crate::bindings`], which only converts its calls for JavaScript.
//!
//! - [`columns`]: the header's columns and their kinds for the pickers, and the formula the pickers build;
//! - [`choices`]: the families, links and nAGQ the choosers offer;
//! - [`examples`]: the example data sets (the answer's, the question's, cbpp, VerbAgg);
//! - [`table`], [`explain`], [`r_code`]: the table's rows, the sentences, the R script of a fit;
//! - [`report`]: [`report::fit_csv`], from the CSV text and the options to all of it.

pub mod columns;
pub mod examples;
pub mod choices;
pub mod table;
pub mod explain;
pub mod r_code;
pub mod report;
#[cfg(test)]
mod tests;

pub use report::{fit_csv, OwnDataOptions, OwnDataReport};
