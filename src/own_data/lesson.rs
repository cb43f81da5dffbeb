//! The lesson's current data as an example of "Your data": the CSV the lesson's settings simulate (as
//! `glmm-demo simulate` writes it, `group,y,y_bin,x`) and the nAGQ its table uses, so that a student can fit
//! the very data the lesson shows with probit or cloglog ("is it the logit?").

use serde::Serialize;

use crate::data::csv::write_csv;
use crate::data::simulate::simulate;
use crate::error::Result;
use crate::params::Params;

/// The lesson's data and the nAGQ of its glmer fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LessonData {
    pub csv: String,
    pub nagq: usize,
}

/// The data of the lesson's parameters `p` (checked first: a bad value is its sentence).
pub fn lesson_data(p: &Params) -> Result<LessonData> {
    p.validate()?;
    Ok(LessonData { csv: write_csv(&simulate(&p.sim)?), nagq: p.nagq })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::own_data::examples::{example, example_csv};

    #[test]
    fn the_lessons_data_follow_its_settings() {
        let answer = lesson_data(&Params::default()).unwrap();
        assert_eq!(answer.csv, example_csv("answer").unwrap());
        assert_eq!(answer.nagq, 100);
        let p = Params::default().merge(&serde_json::json!({"groups": 3, "seed": 7, "nagq": 9})).unwrap();
        let d = lesson_data(&p).unwrap();
        assert_eq!(d.nagq, 9);
        assert_eq!(d.csv.lines().count(), 1 + 3 * 200);
        assert_ne!(d.csv, answer.csv);
        assert!(example("lesson").unwrap().from_lesson);
    }
}
