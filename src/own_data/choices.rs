//! The family and link choosers' options, and nAGQ's range: what the page offers for a user's data.

use serde::Serialize;

pub use crate::models::quadrature::nagq_from;
use crate::models::quadrature::MAX_NODES;

/// A family and the links the general engine fits it with (the first is R's default).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyChoice {
    pub family: &'static str,
    pub links: &'static [&'static str],
    /// The chooser's text.
    pub label: &'static str,
}

pub const FAMILIES: &[FamilyChoice] = &[
    FamilyChoice { family: "binomial", links: &["logit", "probit", "cloglog"], label: "binomial (0/1, or successes out of trials)" },
    FamilyChoice { family: "poisson", links: &["log"], label: "poisson (counts)" },
    FamilyChoice { family: "gaussian", links: &["identity"], label: "gaussian (lm and lmer)" },
];

/// The smallest and largest nAGQ.
pub const NAGQ_RANGE: (usize, usize) = (1, MAX_NODES);

/// Everything the page's "Your data" controls offer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choices {
    pub families: &'static [FamilyChoice],
    pub nagq_range: (usize, usize),
    pub examples: &'static [super::examples::Example],
    /// The sentence shown when an example's file cannot be fetched (the page opened from disk).
    pub fetch_failed: &'static str,
}

impl Choices {
    pub fn get() -> Choices {
        Choices {
            families: FAMILIES,
            nagq_range: NAGQ_RANGE,
            examples: super::examples::EXAMPLES,
            fetch_failed: "This example's file could not be loaded from the page's server (a page opened from disk cannot fetch files); load the CSV with the file input instead.",
        }
    }
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::design_fit::ModelFamily;

    #[test]
    fn every_choice_is_fitted_by_the_engine() {
        for f in FAMILIES {
            for l in f.links {
                assert_eq!(ModelFamily::from_names(f.family, l).unwrap().names(), (f.family, *l));
            }
        }
        assert_eq!(nagq_from(25.0).unwrap(), 25);
        assert_eq!(nagq_from(2.5).unwrap_err().to_string(), "nAGQ must be a whole number from 1 to 100, but it is 2.5.");
        assert!(nagq_from(0.0).is_err() && nagq_from(101.0).is_err() && nagq_from(f64::NAN).is_err());
    }
}
