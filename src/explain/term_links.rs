//! Links each glossary term's first use in a section of the page's HTML to its entry in the glossary
//! (`<a class="term" href="#term-<id>">…</a>`, the ids of [`crate::glossary`]). Text inside tags, links,
//! `<code>` and MathML is left alone; matching ignores ASCII case and needs a word boundary before the term.

/// The words that name a glossary term in the page's sentences, and the term's glossary id (issue 11's list).
pub const TERM_WORDS: &[(&str, &str)] = &[
    ("conditional mode", "conditional-mode"),
    ("conditional mean", "conditional-mean"),
    ("posterior", "posterior"),
    ("marginal likelihood", "marginal-likelihood"),
    ("joint density", "joint-density"),
    ("Laplace", "laplace"),
    ("nAGQ", "agq"),
    ("REML", "reml"),
    ("score", "score"),
    ("population-averaged", "population-averaged"),
    ("singular", "singular-fit"),
    ("opt1", "opt1"),
    ("opt2", "opt2"),
    ("latent-scale ICC", "icc"),
];

/// Elements whose text is never linked.
const SKIP: &[&str] = &["a", "code", "math"];

/// Byte ranges of `html` that are plain text outside tags and outside the [`SKIP`] elements.
fn text_ranges(html: &str) -> Vec<(usize, usize)> {
    let b = html.as_bytes();
    let (mut out, mut i, mut start, mut depth) = (Vec::new(), 0, 0, 0usize);
    while i < b.len() {
        if b[i] == b'<' {
            if depth == 0 && start < i {
                out.push((start, i));
            }
            let end = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
            let tag = &html[i + 1..end.saturating_sub(1).max(i + 1)];
            let closing = tag.starts_with('/');
            let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if SKIP.contains(&name.to_ascii_lowercase().as_str()) && !tag.ends_with('/') {
                depth = if closing { depth.saturating_sub(1) } else { depth + 1 };
            }
            i = end;
            start = end;
        } else {
            i += 1;
        }
    }
    if depth == 0 && start < b.len() {
        out.push((start, b.len()));
    }
    out
}

/// Where `word` first occurs in `html`'s text (ASCII case ignored, a word boundary before it).
fn first_use(html: &str, word: &str) -> Option<usize> {
    let (b, w) = (html.as_bytes(), word.as_bytes());
    text_ranges(html).into_iter().find_map(|(lo, hi)| {
        (lo..hi.saturating_sub(w.len() - 1)).find(|&i| {
            i + w.len() <= hi
                && b[i..i + w.len()].eq_ignore_ascii_case(w)
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'-'))
        })
    })
}

/// The end of the word that starts at `i` with `word` (a plural or other suffix is linked with it).
fn word_end(html: &str, i: usize, word: &str) -> usize {
    let b = html.as_bytes();
    let mut e = i + word.len();
    while e < b.len() && b[e].is_ascii_alphabetic() {
        e += 1;
    }
    e
}

/// `html` (one section: a paragraph group, a card, a chapter) with each term's first use linked.
pub fn link_terms(html: &str) -> String {
    let mut out = html.to_string();
    for (word, id) in TERM_WORDS {
        if out.contains(&format!("href=\"#term-{id}\"")) {
            continue;
        }
        if let Some(i) = first_use(&out, word) {
            let e = word_end(&out, i, word);
            let link = format!("<a class=\"term\" href=\"#term-{id}\">{}</a>", &out[i..e]);
            out.replace_range(i..e, &link);
        }
    }
    out
}

/// Links the first use of each term across several paragraphs of one section (each stays its own string).
pub fn link_section(paragraphs: &mut [String]) {
    for (word, id) in TERM_WORDS {
        if paragraphs.iter().any(|p| p.contains(&format!("href=\"#term-{id}\""))) {
            continue;
        }
        for p in paragraphs.iter_mut() {
            if let Some(i) = first_use(p, word) {
                let e = word_end(p, i, word);
                let used = p[i..e].to_string();
                p.replace_range(i..e, &format!("<a class=\"term\" href=\"#term-{id}\">{used}</a>"));
                break;
            }
        }
    }
}

/// Every `#term-…` id a piece of HTML links to.
pub fn linked_ids(html: &str) -> Vec<&str> {
    html.match_indices("href=\"#term-").filter_map(|(i, m)| {
        let rest = &html[i + m.len()..];
        rest.find('"').map(|e| &rest[..e])
    }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_only_the_first_use_outside_tags_code_and_links() {
        let html = "<p><code>posterior</code> The <em>posterior</em> of a posterior; a Singular fit (opt1).</p>";
        let out = link_terms(html);
        assert_eq!(out, "<p><code>posterior</code> The <em><a class=\"term\" href=\"#term-posterior\">posterior</a></em> of a posterior; a <a class=\"term\" href=\"#term-singular-fit\">Singular</a> fit (<a class=\"term\" href=\"#term-opt1\">opt1</a>).</p>");
        // Linking twice adds nothing: the linked words are inside a link now.
        assert_eq!(link_terms(&out), out);
        // No match inside a longer word; a plural is linked whole.
        assert_eq!(link_terms("<p>underscore</p>"), "<p>underscore</p>");
        assert_eq!(link_terms("<p>posteriors</p>"), "<p><a class=\"term\" href=\"#term-posterior\">posteriors</a></p>");
    }

    #[test]
    fn every_term_word_points_at_a_glossary_entry() {
        for (_, id) in TERM_WORDS {
            assert!(crate::glossary::term(id).is_some(), "#term-{id} has no glossary entry");
        }
    }
}
