//! The page's words on the answer's example and on a singular fit, and the markup they may use.

use super::*;
use crate::data::simulate;

fn text_for(partial: serde_json::Value) -> PageText {
    let params = Params::default().merge(&partial).unwrap();
    let data = simulate(&params.to_sim_config()).unwrap();
    let report = crate::models::fit_all(&data, &params.fit_options());
    page_text(&params, &report, (0, 1.min(params.groups - 1)))
}

/// Every tag of every HTML string is one the page allows (inline markup and MathML), with no style attribute.
fn assert_allowed_markup(html: &str) {
    const ALLOWED: [&str; 22] = [
        "a",
        "p", "strong", "em", "code", "var", "sub", "sup", "math", "mrow", "mi", "mo", "mn", "msub", "msup", "msubsup",
        "munder", "mfrac", "mtext", "", "br", "span",
    ];
    assert!(!html.contains("style="), "{html}");
    assert!(!html.contains("<script"), "{html}");
    // Links only to glossary entries (term_links.rs).
    assert_eq!(html.matches("<a ").count(), html.matches("<a class=\"term\" href=\"#term-").count(), "{html}");
    for tag in html.split('<').skip(1) {
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        assert!(ALLOWED.contains(&name.as_str()), "tag <{name}> in {html}");
    }
}

#[test]
fn the_answer_reads_not_zero_for_the_modes_and_zero_for_the_means() {
    let t = text_for(serde_json::json!({}));
    let card = |id: &str| t.cards.iter().find(|c| c.id == id).unwrap();
    assert_eq!(card("modes").value, "\u{2212}0.027536");
    assert_eq!(card("modes").tone, Tone::Nonzero);
    assert!(card("modes").foot.contains("<em>not</em> zero"));
    assert_eq!(card("means").value, "0.000000");
    assert_eq!(card("means").tone, Tone::Zero);
    assert!(card("lmm").label.starts_with("lmer (REML)"));
    assert!(t.table_note.contains("REML"));
    let ch3 = t.chapters[2].paragraphs.join("");
    assert!(ch3.contains("interior local mode"), "{ch3}");
    for html in std::iter::once(&t.lede).chain(t.cards.iter().flat_map(|c| [&c.label, &c.foot])).chain(std::iter::once(&t.table_note)).chain(t.chapters.iter().flat_map(|c| c.paragraphs.iter())) {
        assert_allowed_markup(html);
    }
}

#[test]
fn a_singular_fit_never_calls_its_zero_not_zero() {
    let t = text_for(serde_json::json!({"preset": "custom", "seed": 1, "groups": 5, "n": 20, "thresholds": [0.5, 0.5, 0.5, 0.5, 0.5], "y_coef": 0, "spacing": 0, "nagq": 10}));
    let modes = t.cards.iter().find(|c| c.id == "modes").unwrap();
    assert_eq!(modes.value, "0.000000");
    assert!(!modes.foot.contains("not"), "{}", modes.foot);
    assert!(modes.foot.contains("singular"));
    assert!(t.claims.contains(&Claim::Singular { model: ModelKey::GlmmAgq, singular: true }));
}

#[test]
fn every_term_link_points_at_a_glossary_entry_and_terms_are_linked_once_per_section() {
    for partial in [serde_json::json!({}), serde_json::json!({"preset": "question", "seed": 2, "groups": 2, "y_coef": 0, "spacing": 0, "nagq": 1})] {
        let t = text_for(partial);
        let mut sections: Vec<String> = vec![t.lede.clone(), t.table_note.clone()];
        sections.extend(t.cards.iter().map(|c| c.foot.clone()));
        sections.extend(t.chapters.iter().map(|c| c.paragraphs.join("")));
        let mut linked = 0;
        for html in &sections {
            let ids = term_links::linked_ids(html);
            for id in &ids {
                assert!(crate::glossary::term(id).is_some(), "#term-{id} is not a glossary id, in {html}");
            }
            let mut unique = ids.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), ids.len(), "a term linked twice in one section: {html}");
            linked += ids.len();
        }
        assert!(linked >= 5, "only {linked} term links on the page");
    }
}
