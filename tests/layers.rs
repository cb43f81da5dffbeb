//! The crate's layers, checked from its source: every import points down.
//!
//! Read from `src/` (comments and string literals left out): every path that names a module of the crate
//! (`crate::…`, `super::…`, `self::…`, or a child module's name, in `use` lines and in code alike) is an edge
//! from the file that writes it to the file of the module it names. Three rules:
//! - no cycle among the files under `src/models/`;
//! - in a directory listed in [`ORDERED_DIRS`], its `mod.rs` declares its files bottom-up (`pub mod` order),
//!   and no file imports one declared after it;
//! - the top-level modules form no cycle, and follow the order `src/lib.rs` documents (the paragraph with
//!   `[`data`] → [`models`] → …`): no module imports one further along that line.
//!
//! A failure prints the offending edge (or the cycle) with the files it comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Directories (relative to `src/`) whose `mod.rs` lists its files in layers, lowest first.
const ORDERED_DIRS: &[&str] = &["models/logistic"];

/// A module path, e.g. `["models", "logistic", "kernel"]`; the crate root is empty.
type Module = Vec<String>;

fn show(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// The module a file defines, from its path relative to `src/` (`models/mod.rs` → `models`, `lib.rs` → root).
fn module_of(rel: &str) -> Module {
    let stem = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = stem.split('/').map(String::from).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The source with comments, string literals and character literals blanked (newlines kept).
fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
            out.push(' ');
        } else if c[i] == 'r' && (next == Some('"') || next == Some('#')) && !c.get(i.wrapping_sub(1)).is_some_and(|p| p.is_alphanumeric() || *p == '_') {
            // A raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                out.push(c[i]);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= c.len() {
                    break;
                }
                if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                if c.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' {
            // A character literal ('x', '\n', '\u{1F600}'), or a lifetime ('a), which has no closing quote.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c[i]);
                i += 1;
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Identifiers, `::`, and every other character on its own (whitespace dropped).
fn tokens(code: &str) -> Vec<String> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_alphabetic() || c[i] == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[start..i].iter().collect());
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else if c[i].is_whitespace() {
            i += 1;
        } else {
            out.push(c[i].to_string());
            i += 1;
        }
    }
    out
}

fn is_ident(t: &str) -> bool {
    t.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Parses a path or use tree from `toks[i]` (an identifier or `{`), appending every full path to `out`;
/// returns the index after it.
fn parse_tree(toks: &[String], mut i: usize, mut prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    loop {
        match toks.get(i).map(String::as_str) {
            Some("{") => {
                i += 1;
                loop {
                    match toks.get(i).map(String::as_str) {
                        None => return i,
                        Some("}") => return i + 1,
                        Some(",") => i += 1,
                        Some(t) if is_ident(t) || t == "{" => {
                            i = parse_tree(toks, i, prefix.clone(), out);
                            // Skip a rename (`x as y`) or a glob up to the next item.
                            while let Some(t) = toks.get(i) {
                                if t == "," || t == "}" {
                                    break;
                                }
                                i += 1;
                            }
                        }
                        Some(_) => i += 1,
                    }
                }
            }
            Some(t) if is_ident(t) => {
                prefix.push(t.to_string());
                i += 1;
                if toks.get(i).map(String::as_str) == Some("::") {
                    i += 1;
                    continue;
                }
                out.push(prefix);
                return i;
            }
            _ => {
                out.push(prefix);
                return i;
            }
        }
    }
}

/// Every module path a file names, resolved from the module `file` (inline `mod x { … }` blocks included).
fn named_paths(file: &Module, src: &str, is_node: &dyn Fn(&[String]) -> bool) -> Vec<Module> {
    let toks = tokens(&strip(src));
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].as_str();
        if t == "{" {
            depth += 1;
        } else if t == "}" {
            depth = depth.saturating_sub(1);
            if inline.last().is_some_and(|(_, d)| *d == depth) {
                inline.pop();
            }
        } else if t == "mod" && toks.get(i + 1).is_some_and(|n| is_ident(n)) && toks.get(i + 2).map(String::as_str) == Some("{") {
            inline.push((toks[i + 1].clone(), depth));
            depth += 1;
            i += 3;
            continue;
        }
        let starts_path = is_ident(t)
            && toks.get(i + 1).map(String::as_str) == Some("::")
            && (i == 0 || toks[i - 1] != "::");
        if !starts_path {
            i += 1;
            continue;
        }
        let here: Module = file.iter().cloned().chain(inline.iter().map(|(m, _)| m.clone())).collect();
        let mut trees = Vec::new();
        let next = parse_tree(&toks, i, Vec::new(), &mut trees);
        for p in trees {
            if let Some(resolved) = resolve(&here, &p, is_node) {
                out.push(resolved);
            }
        }
        i = next.max(i + 1);
    }
    out
}

/// An absolute module path for `path` written in module `here`; `None` for another crate's path.
fn resolve(here: &[String], path: &[String], is_node: &dyn Fn(&[String]) -> bool) -> Option<Module> {
    let mut base: Module = here.to_vec();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &path[1..];
        }
        Some("self") => rest = &path[1..],
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        Some(first) => {
            // A child module of the current one (`use kernel::Group;` in a mod.rs), else another crate.
            let mut child = base.clone();
            child.push(first.to_string());
            if !is_node(&child) {
                return None;
            }
        }
        None => return None,
    }
    base.extend(rest.iter().filter(|s| *s != "self").cloned());
    Some(base)
}

/// The file module a resolved path lands in: its longest prefix that is a file of the crate.
fn node_of(path: &[String], nodes: &BTreeSet<Module>) -> Option<Module> {
    (0..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| nodes.contains(p))
}

/// Edges between file modules: (from, to) → the first file path (relative to `src/`) that writes it.
fn file_edges(files: &BTreeMap<String, String>) -> BTreeMap<(Module, Module), String> {
    let nodes: BTreeSet<Module> = files.keys().map(|f| module_of(f)).collect();
    // A module is known if it is a file or the directory of one (so `crate::models::x` resolves in both layouts).
    let is_node = |m: &[String]| nodes.iter().any(|n| n.starts_with(m));
    let mut edges = BTreeMap::new();
    for (rel, src) in files {
        let from = module_of(rel);
        for p in named_paths(&from, src, &is_node) {
            if let Some(to) = node_of(&p, &nodes) {
                // Naming the file's own module or an ancestor's (`crate`, a mod.rs) item is no edge between layers
                // unless it names another file.
                if to != from && !from.starts_with(&to) {
                    edges.entry((from.clone(), to)).or_insert_with(|| rel.clone());
                }
            }
        }
    }
    edges
}

/// A cycle in the graph, as the list of its modules (the first repeated at the end), if there is one.
fn find_cycle(edges: &BTreeSet<(Module, Module)>) -> Option<Vec<Module>> {
    let mut out: BTreeMap<&Module, Vec<&Module>> = BTreeMap::new();
    for (a, b) in edges {
        out.entry(a).or_default().push(b);
    }
    // 0 unvisited, 1 on the stack, 2 done.
    let mut state: BTreeMap<&Module, u8> = BTreeMap::new();
    fn visit<'a>(
        n: &'a Module,
        out: &BTreeMap<&'a Module, Vec<&'a Module>>,
        state: &mut BTreeMap<&'a Module, u8>,
        stack: &mut Vec<&'a Module>,
    ) -> Option<Vec<Module>> {
        state.insert(n, 1);
        stack.push(n);
        for &m in out.get(n).map(Vec::as_slice).unwrap_or(&[]) {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let start = stack.iter().position(|s| *s == m).unwrap_or(0);
                    let mut cycle: Vec<Module> = stack[start..].iter().map(|s| (*s).clone()).collect();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, out, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n, 2);
        None
    }
    let starts: Vec<&Module> = out.keys().copied().collect();
    for n in starts {
        if state.get(n).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(c) = visit(n, &out, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn show_cycle(cycle: &[Module], edges: &BTreeMap<(Module, Module), String>) -> String {
    let steps: Vec<String> = cycle
        .windows(2)
        .map(|w| format!("{} → {} (in src/{})", show(&w[0]), show(&w[1]), edges.get(&(w[0].clone(), w[1].clone())).map_or("?", String::as_str)))
        .collect();
    steps.join(", ")
}

/// The `pub mod` declarations of a mod.rs, in order.
fn declared_children(mod_rs: &str) -> Vec<String> {
    let toks = tokens(&strip(mod_rs));
    toks.windows(3).filter(|w| w[0] == "mod" && is_ident(&w[1]) && w[2] == ";").map(|w| w[1].clone()).collect()
}

/// The tiers of the top-level order in the crate root's documentation: the paragraph with `→`, each part's
/// [`module`] links one tier.
fn documented_tiers(lib_rs: &str) -> Vec<Vec<String>> {
    let doc: Vec<&str> = lib_rs.lines().filter_map(|l| l.trim_start().strip_prefix("//!")).collect();
    let paragraphs = doc.split(|l| l.trim().is_empty());
    let Some(para) = paragraphs.map(|p| p.join(" ")).find(|p| p.contains('→')) else { return Vec::new() };
    para.split('→')
        .map(|part| part.split("[`").skip(1).filter_map(|s| s.split_once("`]").map(|(name, _)| name.to_string())).collect::<Vec<_>>())
        .filter(|tier| !tier.is_empty())
        .collect()
}

/// Every breach of the three rules, as sentences.
fn check(files: &BTreeMap<String, String>, ordered_dirs: &[&str], tiers: &[Vec<String>]) -> Vec<String> {
    let edges = file_edges(files);
    let mut problems = Vec::new();

    // 1. No cycle among the model files.
    let models: BTreeSet<(Module, Module)> =
        edges.keys().filter(|(a, b)| a.first().is_some_and(|s| s == "models") && b.first().is_some_and(|s| s == "models")).cloned().collect();
    if let Some(cycle) = find_cycle(&models) {
        problems.push(format!("cycle among the model files: {}", show_cycle(&cycle, &edges)));
    }

    // 2. Bottom-up order in the listed directories.
    for dir in ordered_dirs {
        let mod_rs = format!("{dir}/mod.rs");
        let Some(src) = files.get(&mod_rs) else {
            problems.push(format!("src/{mod_rs} is missing"));
            continue;
        };
        let parent = module_of(&mod_rs);
        let order = declared_children(src);
        let rank = |m: &Module| -> Option<usize> {
            let child = m.get(parent.len())?;
            m.starts_with(&parent).then(|| order.iter().position(|c| c == child)).flatten()
        };
        for ((a, b), file) in &edges {
            if let (Some(ra), Some(rb)) = (rank(a), rank(b)) {
                if rb > ra {
                    problems.push(format!(
                        "upward import: {} uses {} (in src/{file}), which src/{mod_rs} declares above it",
                        show(a),
                        show(b)
                    ));
                }
            }
        }
    }

    // 3. Top-level modules: no cycle, and the documented order.
    let top: BTreeMap<(Module, Module), String> = edges
        .iter()
        .filter_map(|((a, b), f)| {
            let (ta, tb) = (a.first()?, b.first()?);
            (ta != tb).then(|| ((vec![ta.clone()], vec![tb.clone()]), f.clone()))
        })
        .collect();
    let top_set: BTreeSet<(Module, Module)> = top.keys().cloned().collect();
    if let Some(cycle) = find_cycle(&top_set) {
        problems.push(format!("cycle among the top-level modules: {}", show_cycle(&cycle, &top)));
    }
    let tier_of = |m: &str| tiers.iter().position(|t| t.iter().any(|n| n == m));
    for ((a, b), file) in &top {
        if let (Some(ta), Some(tb)) = (tier_of(&a[0]), tier_of(&b[0])) {
            if tb > ta {
                problems.push(format!(
                    "upward import: {} uses {} (in src/{file}), against the order src/lib.rs documents",
                    a[0], b[0]
                ));
            }
        }
    }
    problems
}

fn read_sources(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("src/ is readable").map(|e| e.expect("a directory entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_sources(&p, root, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            let rel = p.strip_prefix(root).expect("under src/").to_string_lossy().replace('\\', "/");
            out.insert(rel, std::fs::read_to_string(&p).expect("a readable source file"));
        }
    }
}

#[test]
fn the_crate_imports_only_downward() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    read_sources(&root, &root, &mut files);
    files.remove("main.rs"); // the binary: a crate of its own, on top of everything
    let tiers = documented_tiers(&files["lib.rs"]);
    assert_eq!(tiers.first().map(|t| t.as_slice()), Some(&["data".to_string()][..]), "{tiers:?}");
    assert!(tiers.iter().any(|t| t.iter().any(|m| m == "bindings")), "{tiers:?}");
    let problems = check(&files, ORDERED_DIRS, &tiers);
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    // The checker sees the real imports: the objective uses the kernel, the report's fits use the objective.
    let edges = file_edges(&files);
    let m = |s: &str| s.split("::").map(String::from).collect::<Module>();
    assert!(edges.contains_key(&(m("models::logistic::objective"), m("models::logistic::kernel"))));
    assert!(edges.contains_key(&(m("models::lesson"), m("models::logistic::starts"))));
    assert!(edges.contains_key(&(m("bindings"), m("session"))));
    assert!(tiers.iter().position(|t| t.contains(&"session".to_string())) < tiers.iter().position(|t| t.contains(&"bindings".to_string())));
}

#[cfg(test)]
mod checker {
    use super::*;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter().map(|(p, s)| (p.to_string(), s.to_string())).collect()
    }

    fn tiers() -> Vec<Vec<String>> {
        documented_tiers("//! Intro.\n//!\n//! Flows [`data`] (x) → [`models`] (y)\n//! → [`app`] and [`cli`].\n//!\n//! [`other`]")
    }

    #[test]
    fn reads_the_tiers_from_the_documentation() {
        assert_eq!(tiers(), vec![vec!["data".to_string()], vec!["models".to_string()], vec!["app".to_string(), "cli".to_string()]]);
    }

    #[test]
    fn a_cycle_between_two_model_files_is_caught_with_its_edges() {
        let f = files(&[
            ("lib.rs", "pub mod models;"),
            ("models/mod.rs", "pub mod a;\npub mod b;\n"),
            ("models/a.rs", "use super::b::f;\npub fn g() {}\n"),
            ("models/b.rs", "pub fn f() { crate::models::a::g(); }\n"),
        ]);
        let p = check(&f, &[], &tiers());
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].contains("models::a → models::b (in src/models/a.rs), models::b → models::a (in src/models/b.rs)"),
            "{}",
            p[0]
        );
    }

    #[test]
    fn a_longer_cycle_through_a_use_group_is_caught() {
        let f = files(&[
            ("models/mod.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
            ("models/a.rs", "use super::{b::{self, X}, other_crate};\n"),
            ("models/b.rs", "use crate::models::c::Y as Z;\n"),
            ("models/c.rs", "fn f() { let _ = super::super::models::a::W; }\n"),
        ]);
        let p = check(&f, &[], &[]);
        assert!(p.len() == 1 && p[0].starts_with("cycle among the model files: models::a → models::b"), "{p:?}");
    }

    #[test]
    fn an_upward_import_in_an_ordered_directory_is_caught() {
        let f = files(&[
            ("models/l/mod.rs", "//! Layers.\npub mod low;\npub mod high;\n"),
            ("models/l/low.rs", "use super::high::X;\n"),
            ("models/l/high.rs", "pub struct X;\n"),
        ]);
        let p = check(&f, &["models/l"], &[]);
        assert_eq!(p, vec!["upward import: models::l::low uses models::l::high (in src/models/l/low.rs), which src/models/l/mod.rs declares above it".to_string()]);
        // The same import downward is fine.
        let f = files(&[
            ("models/l/mod.rs", "pub mod high;\npub mod low;\n"),
            ("models/l/low.rs", "use super::high::X;\n"),
            ("models/l/high.rs", "pub struct X;\n"),
        ]);
        assert!(check(&f, &["models/l"], &[]).is_empty());
    }

    #[test]
    fn tests_comments_and_strings_are_no_edges() {
        let f = files(&[
            ("models/mod.rs", "pub mod a;\npub mod b;\n"),
            ("models/a.rs", "use super::b::X;\n"),
            (
                "models/b.rs",
                "// use super::a::Y;\n/* crate::models::a::Z */\nconst S: &str = \"super::a::W\";\nconst C: char = '\"';\nfn f<'a>(x: &'a str) {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
            ),
        ]);
        assert!(check(&f, &[], &[]).is_empty(), "{:?}", file_edges(&f));
    }

    #[test]
    fn a_top_level_module_importing_one_further_along_is_caught() {
        let f = files(&[
            ("lib.rs", "pub mod data;\npub mod models;\npub mod app;"),
            ("data/mod.rs", "use crate::models::fit;\n"),
            ("models/mod.rs", "pub fn fit() {}\n"),
            ("app.rs", "use crate::{data, models::fit};\n"),
        ]);
        let p = check(&f, &[], &tiers());
        assert_eq!(p, vec!["upward import: data uses models (in src/data/mod.rs), against the order src/lib.rs documents".to_string()]);
    }

    #[test]
    fn a_top_level_cycle_is_caught() {
        let f = files(&[("x.rs", "use crate::y::A;\n"), ("y/mod.rs", "mod inner;\n"), ("y/inner.rs", "use crate::x::B;\n")]);
        let p = check(&f, &[], &[]);
        assert!(p.len() == 1 && p[0].starts_with("cycle among the top-level modules: x → y (in src/x.rs), y → x (in src/y/inner.rs)"), "{p:?}");
    }
}
