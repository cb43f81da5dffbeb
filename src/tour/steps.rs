//! The guided tour's steps: each sets the page to a permalink state (a partial set of parameters, as
//! `glmmDemo.set` and [`crate::params::Params::merge`] take it), after asking the student to predict.
//! What happened is told by [`super::reveal`] from the fit of that state.

use serde::Serialize;
use serde_json::{json, Value};

/// Which lesson a step teaches (the reveal's sentences follow it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    AnswerExample,
    ThresholdNearZero,
    EqualThresholds,
    SpacingZero,
    Laplace,
    AllOnesGroup,
}

/// One step: its title, the parameters it sets, and the prediction it asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    pub title: &'static str,
    /// What the step changes, in words (shown before the student predicts).
    pub setting: &'static str,
    pub question: &'static str,
    pub choices: &'static [&'static str],
}

impl Step {
    /// The partial parameters the step's button sets (always from the answer's preset, so a step's state
    /// does not depend on where the student was).
    pub fn params(&self) -> Value {
        match self.kind {
            StepKind::AnswerExample => json!({"preset": "answer", "nagq": 100}),
            StepKind::ThresholdNearZero => json!({"preset": "answer", "thresholds": [0.5, 0.03], "nagq": 100}),
            StepKind::EqualThresholds => json!({"preset": "answer", "thresholds": [0.5, 0.5], "nagq": 100}),
            StepKind::SpacingZero => json!({"preset": "answer", "spacing": 0, "nagq": 100}),
            StepKind::Laplace => json!({"preset": "answer", "nagq": 1}),
            StepKind::AllOnesGroup => json!({"preset": "answer", "thresholds": [0.5, 0], "nagq": 100}),
        }
    }
}

/// The steps in order.
pub fn all() -> [Step; 6] {
    [
        Step {
            kind: StepKind::AnswerExample,
            title: "The answer’s example",
            setting: "Two groups of 200; y_bin is 1 when y is above 0.5 in group 1 and above 0.1 in group 2; glmer with nAGQ = 100.",
            question: "lmer’s estimated group intercepts always add up to 0. What do you expect glmer’s to add up to (Σ modes)?",
            choices: &["exactly 0, as with lmer", "close to 0, but not 0", "far from 0"],
        },
        Step {
            kind: StepKind::ThresholdNearZero,
            title: "One group almost all 1s",
            setting: "Group 2’s threshold drops from 0.1 to 0.03, so almost every y_bin in group 2 is 1.",
            question: "What happens to Σ modes, and to Σ means?",
            choices: &["both stay about where they were", "Σ modes grows in size, Σ means stays at 0", "both grow"],
        },
        Step {
            kind: StepKind::EqualThresholds,
            title: "Equal thresholds",
            setting: "Both groups get threshold 0.5, so about half of each group’s y_bin are 1.",
            question: "What do you expect Σ modes to do now?",
            choices: &["grow in size", "come close to 0", "stay as in the answer’s example"],
        },
        Step {
            kind: StepKind::SpacingZero,
            title: "No spacing between the groups",
            setting: "Spacing 0: x no longer moves with the group, so groups differ only in y_bin.",
            question: "Does the slope of x still differ between glm and glmer?",
            choices: &["no, they agree now", "yes, glmer’s slope is steeper", "yes, glmer’s slope is flatter"],
        },
        Step {
            kind: StepKind::Laplace,
            title: "nAGQ = 1 instead of 100",
            setting: "glmer’s default, nAGQ = 1: the Laplace approximation, one quadrature node per group, instead of 100.",
            question: "Do the posterior means still add up to exactly 0?",
            choices: &["yes, exactly", "almost, but not exactly", "no, far from it"],
        },
        Step {
            kind: StepKind::AllOnesGroup,
            title: "A group of all 1s",
            setting: "Group 2’s threshold is 0, so every y_bin in group 2 is 1: glm with a group term cannot estimate that group’s intercept (it runs off to infinity).",
            question: "What does glmer do with group 2?",
            choices: &["it fails too", "a finite intercept, with a posterior far from symmetric", "an intercept of 0"],
        },
    ]
}

/// A step as the page receives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepInfo {
    pub kind: StepKind,
    pub title: String,
    pub setting: String,
    pub question: String,
    /// The setting and the question as HTML: σ_b in the page's notation, the first use of each glossary
    /// term in the step linked to its entry.
    pub setting_html: String,
    pub question_html: String,
    pub choices: Vec<String>,
    pub params: Value,
}

impl From<&Step> for StepInfo {
    fn from(s: &Step) -> StepInfo {
        let html = super::linked_section(&[s.setting, s.question]);
        let (setting_html, question_html) = (html[0].clone(), html[1].clone());
        StepInfo {
            setting_html,
            question_html,
            kind: s.kind,
            title: s.title.to_string(),
            setting: s.setting.to_string(),
            question: s.question.to_string(),
            choices: s.choices.iter().map(|c| c.to_string()).collect(),
            params: s.params(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn every_step_sets_valid_parameters_from_the_answer_preset() {
        let other = Params::default().merge(&json!({"preset": "question", "nagq": 7})).unwrap();
        for step in all() {
            let a = Params::default().merge(&step.params()).unwrap();
            let b = other.merge(&step.params()).unwrap();
            assert_eq!(a, b, "{:?} depends on the starting state", step.kind);
            assert!((2..=3).contains(&step.choices.len()));
        }
        let laplace = Params::default().merge(&all()[4].params()).unwrap();
        assert_eq!(laplace.nagq, 1);
        let ones = Params::default().merge(&all()[5].params()).unwrap();
        assert_eq!(ones.thresholds, vec![0.5, 0.0]);
    }

    #[test]
    fn a_steps_question_links_its_first_glossary_term() {
        let laplace = StepInfo::from(&all()[4]);
        assert!(laplace.setting_html.contains("href=\"#term-laplace\""), "{}", laplace.setting_html);
        assert!(laplace.question_html.contains("<a class=\"term\" href=\"#term-posterior\">posterior</a>"), "{}", laplace.question_html);
        // nAGQ is linked once in the step: in the setting, not again in the question.
        let linked: usize = [&laplace.setting_html, &laplace.question_html].iter().map(|h| h.matches("#term-agq").count()).sum();
        assert_eq!(linked, 1);
    }
}
