//! The tour's sentences on real fits: every claim holds (checked by [`super::check::holds`], which reads
//! the report directly), and the text carries the live numbers.

use super::check::holds;
use crate::explain::format::fixed;
use super::steps::{all, StepKind};
use super::*;
use crate::claims::TourClaim;
use crate::data::simulate;
use crate::models::fit_all;

fn fit(partial: serde_json::Value) -> (Params, FitReport) {
    let p = Params::default().merge(&partial).unwrap();
    let data = simulate(&p.to_sim_config()).unwrap();
    (p.clone(), fit_all(&data, &p.fit_options()))
}

fn assert_claims(claims: &[TourClaim], report: &FitReport, what: &str) {
    for c in claims {
        assert_eq!(holds(c, report), Some(true), "{what}: {c:?}");
    }
}

#[test]
fn every_step_reveal_summary_and_table_hold_on_the_steps_fit() {
    for step in all() {
        let (p, report) = fit(step.params());
        let r = reveal::reveal(step.kind, &report);
        assert!(!r.claims.is_empty(), "{:?} claims nothing", step.kind);
        assert_claims(&r.claims, &report, &format!("{:?} reveal", step.kind));
        let v = view(&report, &p);
        assert_claims(&v.summary.claims, &report, &format!("{:?} summary", step.kind));
        assert_claims(&v.causes.claims, &report, &format!("{:?} causes", step.kind));
        let agq = report.glmm_agq.fit().unwrap();
        let text = &r.text;
        match step.kind {
            StepKind::SpacingZero => {
                assert!(text.contains(&fixed(slope(&report, ModelKey::GlmPooled).unwrap(), DECIMALS)), "{text}");
                assert!(text.contains("steeper"), "{text}");
            }
            StepKind::Laplace => {
                assert_eq!(agq.nagq, 1);
                assert!(text.contains(&fixed(agq.cond_means_sum, DECIMALS)) && text.contains("do not add up to 0"), "{text}");
            }
            _ => assert!(text.contains(&fixed(agq.ranef_sum, DECIMALS)), "{text}"),
        }
        if step.kind == StepKind::EqualThresholds {
            assert!(text.contains("almost 0"), "{text}");
        }
        if step.kind == StepKind::AllOnesGroup {
            assert!(text.contains("far from symmetric") && text.contains("Group 2"), "{text}");
        }
    }
}

#[test]
fn the_answers_example_summary_and_premise() {
    let (p, report) = fit(serde_json::json!({"preset": "answer", "nagq": 100}));
    let v = view(&report, &p);
    let all_text = v.summary.sentences.join(" ");
    // The answer's numbers (reference: /work/shared/reference/seed-example.md): lm 0.0074, lmer 0.0316.
    assert!(all_text.contains("lm 0.0074 against lmer 0.0316"), "{all_text}");
    assert!(v.causes.premise.contains("not true in general") && v.causes.premise.contains("0.0316"));
    assert!(all_text.contains("\u{2212}0.0275") && all_text.contains("skewed"), "{all_text}");
    assert_eq!(v.causes.rows.len(), 4);
    assert!(v.causes.rows[2].reading.contains("mixes both causes"));
    assert!(v.causes.claims.iter().any(|c| matches!(c, TourClaim::PaApproximation { .. })));
}

#[test]
fn a_singular_fit_says_so_instead_of_claiming_a_difference() {
    // Every threshold 0.5 and no link between y and x: with seed 2, glmer's σ_b goes to 0.
    let (p, report) = fit(serde_json::json!({"preset": "question", "seed": 2, "groups": 2, "y_coef": 0, "spacing": 0, "nagq": 1}));
    let agq = report.glmm_agq.fit().unwrap();
    assert!(agq.singular && agq.sigma_b < 1e-9, "σ_b = {}", agq.sigma_b);
    let v = view(&report, &p);
    assert!(v.summary.sentences[0].contains("singular"), "{}", v.summary.sentences[0]);
    assert_claims(&v.summary.claims, &report, "singular summary");
    let r = reveal::reveal(StepKind::AnswerExample, &report);
    assert!(r.text.contains("singular"));
    assert_claims(&r.claims, &report, "singular reveal");
}

#[test]
fn check_rejects_false_claims() {
    let (_, report) = fit(serde_json::json!({"preset": "answer", "nagq": 100}));
    let false_ones = [
        TourClaim::SumsCompare { model: ModelKey::GlmmAgq, decimals: 4, equal: true },
        TourClaim::Singular { model: ModelKey::GlmmAgq, singular: true },
        TourClaim::SlopesCompare { a: ModelKey::LmPooled, b: ModelKey::Lmm, decimals: 4, equal: true },
        TourClaim::SlopeRatio { a: ModelKey::GlmPooled, b: ModelKey::GlmmAgq, min: 0.0, max: 1.0 },
        TourClaim::NotFitted { model: ModelKey::GlmGroup },
        TourClaim::SumIsBelow { model: ModelKey::GlmmAgq, summed: crate::claims::Summed::Modes, bound: 0.01 },
        TourClaim::ModeMeanApart { model: ModelKey::GlmmAgq, group: 0, gap: 0.5 },
    ];
    for c in &false_ones {
        assert_eq!(holds(c, &report), Some(false), "{c:?}");
    }
}

/// `cargo test --lib tour::tests::print_texts -- --ignored --nocapture` prints every text, to read.
#[test]
#[ignore]
fn print_texts() {
    for step in all() {
        let (p, report) = fit(step.params());
        let v = view(&report, &p);
        println!("== {:?}\n{}\n-- reveal: {}\n-- premise: {}", step.kind, v.summary.sentences.join("\n"), reveal::reveal(step.kind, &report).text, v.causes.premise);
        for r in &v.causes.rows {
            println!("   {} | {} {} | {} {} | {}", r.cause, r.left, r.left_slope, r.right, r.right_slope, r.reading);
        }
    }
}

#[test]
fn the_summary_and_reveals_link_glossary_terms_to_existing_entries() {
    let (p, report) = fit(serde_json::json!({"preset": "answer", "nagq": 100}));
    let v = view(&report, &p);
    let mut htmls = v.summary.sentences_html.clone();
    htmls.extend(all().iter().map(|s| linked_html(&reveal::reveal(s.kind, &report).text)));
    let mut links = 0;
    for html in &htmls {
        for id in crate::explain::term_links::linked_ids(html) {
            assert!(crate::glossary::term(id).is_some(), "#term-{id} is not a glossary id, in {html}");
            links += 1;
        }
    }
    // The summary speaks of posteriors and the marginal likelihood: both linked, once in the summary.
    let summary = v.summary.sentences_html.join(" ");
    assert_eq!(summary.matches("href=\"#term-posterior\"").count(), 1, "{summary}");
    assert_eq!(summary.matches("href=\"#term-marginal-likelihood\"").count(), 1, "{summary}");
    assert!(links >= 4, "{links} links");
}

#[test]
fn the_causes_table_and_reveals_link_terms_and_write_sigma_b_as_the_page_does() {
    let (p, report) = fit(serde_json::json!({"preset": "answer", "nagq": 100}));
    let c = view(&report, &p).causes;
    let html: Vec<&str> = std::iter::once(c.intro_html.as_str())
        .chain(c.rows.iter().flat_map(|r| [r.cause_html.as_str(), r.left_html.as_str(), r.right_html.as_str(), r.reading_html.as_str()]))
        .chain(std::iter::once(c.premise_html.as_str()))
        .collect();
    let all = html.concat();
    // The first use of "population-averaged" in the table (row 3's cause) is linked, and only that one.
    assert_eq!(all.matches("href=\"#term-population-averaged\"").count(), 1, "{all}");
    assert!(c.rows[2].cause_html.contains("#term-population-averaged"), "{}", c.rows[2].cause_html);
    // σ_b in the page's notation, never as plain "σ_b", while the plain text keeps it.
    assert!(c.rows[3].reading.contains("σ_b"), "{}", c.rows[3].reading);
    assert!(!all.contains("σ_b") && all.contains("<var>σ</var><sub>b</sub><sup>2</sup>"), "{all}");
    // A reveal that names σ_b (glmer's shrinkage through σ_b at an all-1s group) writes it the same way.
    let (_, ones) = fit(steps::all()[5].params());
    let said = serde_json::to_value(reveal::reveal(StepKind::AllOnesGroup, &ones)).unwrap();
    let h = said["html"].as_str().unwrap();
    assert!(h.contains("<var>σ</var><sub>b</sub>") && !h.contains("σ_b"), "{h}");
}
