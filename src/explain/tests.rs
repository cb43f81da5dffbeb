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

#[test]
fn the_row_switches_are_the_tables_rows_in_order_with_their_short_names() {
    let toggles = table::model_toggles();
    for partial in [serde_json::json!({}), serde_json::json!({"groups": 1}), serde_json::json!({"nagq": 1})] {
        let t = text_for(partial);
        let rows: Vec<(ModelKey, String)> = t
            .table
            .rows
            .iter()
            .filter_map(|r| match r {
                table::Row::Model { key, label, .. } => Some((*key, label.clone())),
                table::Row::Section { .. } => None,
            })
            .collect();
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), toggles.iter().map(|m| m.key).collect::<Vec<_>>());
        for ((_, label), m) in rows.iter().zip(&toggles) {
            let agq = m.key == ModelKey::GlmmAgq;
            assert!(label.starts_with(if agq { "glmer, nAGQ = " } else { m.label }), "{label} vs {}", m.label);
        }
    }
    assert_eq!(toggles[6].label, "glmer, AGQ");
}

/// MathML's elements: inside `<math>` only these, outside it none of them.
const MATHML: [&str; 11] = ["mrow", "mi", "mo", "mn", "msub", "msup", "msubsup", "munder", "mfrac", "mtext", "math"];

/// The tags of `html` nest and close (`<br>` is void), every `<math>` holds only MathML elements, MathML
/// elements stand only inside `<math>`, and the script-like elements have exactly their number of children
/// (msub, msup, munder, mfrac: 2; msubsup: 3). Returns how many `<math>` elements there are.
fn assert_well_formed(html: &str) -> usize {
    // (name, children so far)
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut maths = 0;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if !text.trim().is_empty() {
            if let Some(top) = stack.last_mut() {
                // Text inside a token element (mi, mo, mn, mtext) is its content, not a child.
                if !["mi", "mo", "mn", "mtext"].contains(&top.0.as_str()) && MATHML.contains(&top.0.as_str()) {
                    panic!("text {text:?} directly inside <{}> in {html}", top.0);
                }
            }
        }
        let gt = rest[lt..].find('>').map(|e| lt + e).unwrap_or_else(|| panic!("unclosed tag in {html}"));
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if name == "br" {
            continue;
        }
        let in_math = stack.iter().any(|(n, _)| n == "math");
        if closing {
            let (open, children) = stack.pop().unwrap_or_else(|| panic!("</{name}> closes nothing in {html}"));
            assert_eq!(open, name, "<{open}> closed by </{name}> in {html}");
            let arity = match name.as_str() {
                "msub" | "msup" | "munder" | "mfrac" => Some(2),
                "msubsup" => Some(3),
                _ => None,
            };
            if let Some(n) = arity {
                assert_eq!(children, n, "<{name}> with {children} children in {html}");
            }
        } else {
            assert_eq!(MATHML.contains(&name.as_str()), in_math || name == "math", "<{name}> {} <math> in {html}", if in_math { "inside" } else { "outside" });
            assert!(!(name == "math" && in_math), "<math> inside <math> in {html}");
            if name == "math" {
                maths += 1;
            }
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            stack.push((name, 0));
        }
    }
    assert!(stack.is_empty(), "unclosed {:?} in {html}", stack);
    maths
}

#[test]
fn every_formula_is_well_formed_mathml_and_the_html_around_it_nests() {
    for partial in [serde_json::json!({}), serde_json::json!({"groups": 5, "nagq": 1}), serde_json::json!({"groups": 1})] {
        let t = text_for(partial);
        let mut maths = 0;
        for html in std::iter::once(&t.lede)
            .chain(t.cards.iter().flat_map(|c| [&c.label, &c.foot]))
            .chain(std::iter::once(&t.table_note))
            .chain(t.chapters.iter().flat_map(|c| c.paragraphs.iter()))
        {
            maths += assert_well_formed(html);
        }
        // The joint density, the marginal likelihood, the score identity and the joint mode's equation.
        assert!(maths >= 4, "{maths} formulas");
        let ch3 = t.chapters[2].paragraphs.join("");
        assert!(!ch3.contains("∑<sub>"), "no HTML imitation of a sum: {ch3}");
    }
    // The checker itself fails on what it should.
    for bad in ["<p><math><msub><mi>b</mi></msub></math></p>", "<p><em>x</p></em>", "<p><mi>x</mi></p>", "<p><math><mi>x</mi>"] {
        assert!(std::panic::catch_unwind(|| assert_well_formed(bad)).is_err(), "{bad} passed");
    }
}

#[test]
fn the_page_s_placeholder_chapter_titles_are_rust_s() {
    // index.html shows each chapter's title before the first fit; Rust's title replaces it. They must agree,
    // so a page without its script (or still loading) says nothing Rust would not.
    let html = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/index.html")).unwrap();
    let t = text_for(serde_json::json!({}));
    assert_eq!(t.chapters.len(), 4);
    for ch in &t.chapters {
        let key = format!("data-chapter-title=\"{}\">", ch.id);
        let start = html.find(&key).unwrap_or_else(|| panic!("index.html has no title for {}", ch.id)) + key.len();
        let end = start + html[start..].find('<').unwrap();
        assert_eq!(&html[start..end], ch.title, "{}", ch.id);
    }
}
