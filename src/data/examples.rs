//! The example data sets a class can load with one click: the lesson's current data (made from its settings,
//! [`crate::own_data::lesson`]), the answer's and the question's simulated data
//! (made here, as `glmm-demo simulate --preset …` writes them) and two of lme4's data sets, `cbpp` and
//! `VerbAgg` (the CSVs of the core's tests, served beside the page as `data/<file>` and fetched only when
//! chosen). Each carries the formula, factor columns, family, link and nAGQ to fit it with.

use serde::Serialize;

use crate::data::csv::write_csv;
use crate::data::simulate::{simulate, Preset, SimConfig};
use crate::error::{Error, Result};

/// One example data set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    pub id: &'static str,
    /// The button's text.
    pub label: &'static str,
    /// One sentence: what the data are.
    pub about: &'static str,
    /// Where the page fetches the CSV from (relative to the page), or None when [`example_csv`] (or, for
    /// the lesson's data, [`crate::own_data::lesson::lesson_data`]) makes it.
    pub path: Option<&'static str>,
    /// The data of the lesson's current settings, made by [`crate::own_data::lesson::lesson_data`] from them.
    pub from_lesson: bool,
    /// The file name the R code reads.
    pub file_name: &'static str,
    pub formula: &'static str,
    /// Numeric columns read as factors (`read.csv(colClasses = "character")`).
    pub factors: &'static [&'static str],
    pub family: &'static str,
    pub link: &'static str,
    pub nagq: usize,
}

/// Every example, in the order of the buttons.
pub const EXAMPLES: &[Example] = &[
    Example {
        id: "lesson",
        label: "These data (the lesson’s current settings)",
        about: "The data the lesson above shows, simulated from its current settings (seed, groups, thresholds, …): fit them with another link to see whether it is the logit.",
        path: None,
        from_lesson: true,
        file_name: "lesson.csv",
        formula: "y_bin ~ x + (1 | group)",
        factors: &[],
        family: "binomial",
        link: "logit",
        nagq: 100,
    },
    Example {
        id: "answer",
        label: "The answer’s data",
        about: "The answer’s simulated data: 2 groups of 200, outcome y_bin = y > t[group] with thresholds 0.5 and 0.1 (seed 1).",
        path: None,
        from_lesson: false,
        file_name: "answer.csv",
        formula: "y_bin ~ x + (1 | group)",
        factors: &[],
        family: "binomial",
        link: "logit",
        nagq: 100,
    },
    Example {
        id: "question",
        label: "The question’s data",
        about: "The question’s simulated data: 5 groups of 200, every threshold 0.5 (seed 1).",
        path: None,
        from_lesson: false,
        file_name: "question.csv",
        formula: "y_bin ~ x + (1 | group)",
        factors: &[],
        family: "binomial",
        link: "logit",
        nagq: 100,
    },
    Example {
        id: "cbpp",
        label: "cbpp",
        about: "lme4’s cbpp: new cases of contagious bovine pleuropneumonia out of the herd size, 15 herds over 4 periods.",
        path: Some("data/cbpp.csv"),
        from_lesson: false,
        file_name: "cbpp.csv",
        formula: "cbind(incidence, size - incidence) ~ period + (1 | herd)",
        factors: &["herd", "period"],
        family: "binomial",
        link: "logit",
        nagq: 25,
    },
    Example {
        id: "verbagg",
        label: "VerbAgg",
        about: "lme4’s VerbAgg: 316 people’s answers (r2: yes or perhaps) to 24 items on verbal aggression.",
        path: Some("data/VerbAgg.csv"),
        from_lesson: false,
        file_name: "VerbAgg.csv",
        formula: "r2 ~ Anger + Gender + btype + situ + (1 | id)",
        factors: &["id"],
        family: "binomial",
        link: "logit",
        nagq: 25,
    },
];

/// The example named `id`.
pub fn example(id: &str) -> Result<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id).ok_or_else(|| Error::InvalidParameter {
        name: "example",
        expected: format!("one of {}", EXAMPLES.iter().map(|e| e.id).collect::<Vec<_>>().join(", ")),
        got: id.into(),
    })
}

/// The CSV text of a simulated example (`group,y,y_bin,x`, as `glmm-demo simulate` writes it); an error for
/// an example the page fetches.
pub fn example_csv(id: &str) -> Result<String> {
    let preset = match example(id)?.id {
        "answer" => Preset::Answer,
        "question" => Preset::Question,
        "lesson" => {
            return Err(Error::Usage("The lesson’s data are made from the lesson’s current settings, not from an example.".into()))
        }
        other => {
            return Err(Error::Usage(format!("The example {other} is a file served with the page, not simulated.")))
        }
    };
    Ok(write_csv(&simulate(&SimConfig::preset(preset))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_example_is_the_answers_data() {
        let csv = example_csv("answer").unwrap();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("group,y,y_bin,x"));
        assert_eq!(csv.lines().count(), 401);
        // The same x as tests/data/answer_seed1.csv (group,x,y_bin), the fixtures' data.
        let fixture = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/answer_seed1.csv")).unwrap();
        let x0: f64 = fixture.lines().nth(1).unwrap().split(',').nth(1).unwrap().parse().unwrap();
        let ours: f64 = lines.next().unwrap().split(',').nth(3).unwrap().parse().unwrap();
        assert_eq!(ours, x0);
        assert_eq!(example_csv("question").unwrap().lines().count(), 1001);
        assert!(example_csv("cbpp").is_err() && example_csv("lesson").is_err());
        assert!(example("nope").unwrap_err().to_string().contains("lesson, answer, question, cbpp, verbagg"));
    }

    #[test]
    fn served_examples_exist_in_the_tests_data() {
        for e in EXAMPLES.iter().filter(|e| e.path.is_some()) {
            let p = format!("{}/tests/data/{}", env!("CARGO_MANIFEST_DIR"), e.file_name);
            assert!(std::path::Path::new(&p).exists(), "{p}");
        }
    }
}
