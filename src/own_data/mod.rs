//! The user's own data: a CSV fitted with a formula, a family and a link, shown as the page shows its own
//! example (the models table, the explanation, the R code). It sits beside [`crate::session`] (the lesson's
//! state) and below [`crate::bindings`], which only converts its calls for JavaScript.
//!
//! - [`columns`]: the header's columns and their kinds for the pickers, and the formula the pickers build;
//! - [`choices`]: the families, links and nAGQ the choosers offer;
//! - [`examples`]: the example data sets (the lesson's current data, the answer's, the question's, cbpp,
//!   VerbAgg), and [`lesson`]: the lesson's data made from its settings;
//! - [`table`], [`explain`], [`r_code`]: the table's rows, the sentences, the R script of a fit;
//! - [`kept`]: a permalink's settings for a file of the user's (the sentence shown, whether they apply);
//! - [`report`]: [`report::fit_csv`], from the CSV text and the options to all of it;
//! - [`figures`]: a fit kept with its design, and the figures of a chosen pair of groups.

pub mod columns;
/// The example data sets live with the data ([`crate::data::examples`]): the permalink's grammar reads them too.
pub use crate::data::examples;
pub mod lesson;
pub mod kept;
pub mod choices;
pub mod table;
pub mod explain;
pub mod r_code;
pub mod report;
pub mod curves;
pub mod figures;
pub mod shift_figures;
#[cfg(test)]
mod curve_claims;
#[cfg(test)]
mod curve_tests;
#[cfg(test)]
mod figure_claims;
#[cfg(test)]
mod figure_tests;
#[cfg(test)]
mod shift_figure_tests;
#[cfg(test)]
mod tests;

pub use report::{fit_csv, OwnDataOptions, OwnDataReport};
