//! Permalinks: the round trip `parse_hash(to_hash(p)) == p` for any page state, and a replay of the
//! committed corpus of tricky hashes in `fuzz/corpus/url_state/` (one hash per file) — no panic, the
//! page's defaults in place of whatever was wrong, and one clean plain-text notice for each problem.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use proptest::prelude::*;
use serde_json::{json, Value};

use glmm_demo::data::{Preset, SimConfig};
use glmm_demo::figures::FigureId;
use glmm_demo::params::Params;
use glmm_demo::url_state::{
    parse_hash, to_hash, to_hash_with_view, Panel, ParsedState, Theme, ViewState, MAX_NOTICE_CHARS, MAX_SETTINGS,
};

/// What holds for every hash: valid parameters, clean notices, and a stable result.
fn check_invariants(what: &str, hash: &str, s: &ParsedState) {
    assert!(s.params.validate().is_ok(), "{what}: invalid params {:?}", s.params);
    assert!(s.notices.len() <= MAX_SETTINGS + 8, "{what}: {} notices", s.notices.len());
    for n in &s.notices {
        assert!(!n.trim().is_empty(), "{what}: empty notice");
        assert!(n.chars().count() <= MAX_NOTICE_CHARS, "{what}: long notice {n}");
        assert!(!n.chars().any(char::is_control), "{what}: control character in {n:?}");
        assert!(!n.contains('<') && !n.contains('>'), "{what}: angle bracket in {n}");
        let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}');
        assert!(!n.chars().any(bidi), "{what}: bidi in {n:?}");
        assert!(n.ends_with('.'), "{what}: not a sentence: {n}");
    }
    let g = s.params.groups;
    if let Some((a, b)) = s.view.pair {
        assert!(a < g && b < g && a != b, "{what}: pair {a},{b} for {g} groups");
    }
    assert!(!s.view.panels.is_empty(), "{what}: no panels");
    // Deterministic, and what it restores writes a link that restores the same again.
    assert_eq!(&parse_hash(hash), s, "{what}: not deterministic");
    let again = parse_hash(&to_hash_with_view(&s.params, &s.view));
    assert_eq!((&again.params, &again.view), (&s.params, &s.view), "{what}: rewritten link differs");
    assert!(again.notices.is_empty(), "{what}: {:?}", again.notices);
}

fn has(s: &ParsedState, words: &[&str]) -> bool {
    s.notices.iter().any(|n| words.iter().all(|w| n.contains(w)))
}

/// The expectations for the named corpus files: the number of notices and what else must hold.
fn expect(name: &str, s: &ParsedState) {
    let d = Params::default();
    let n = s.notices.len();
    let ctx = format!("{name}: {:#?}", s.notices);
    match name {
        "empty" | "only_hash" | "only_question_mark" => {
            assert_eq!((&s.params, &s.view, n), (&d, &ViewState::default(), 0), "{ctx}");
        }
        "unknown_keys" => {
            assert_eq!(n, 3, "{ctx}");
            assert!(has(s, &["\"foo\""]) && has(s, &["\"bar\""]) && has(s, &["\"Seed\""]), "{ctx}");
            assert_eq!(s.params, d);
        }
        "nan" => {
            assert_eq!(n, 4, "{ctx}");
            assert!(has(s, &["seed=NaN", "not a finite number", "seed=1 is used"]), "{ctx}");
            assert!(has(s, &["t=NaN,0.1", "default thresholds for 2 groups"]), "{ctx}");
            assert_eq!(s.params, d);
        }
        "huge_exponent" => {
            assert_eq!(n, 2, "{ctx}");
            assert!(has(s, &["n=1e400", "not a finite number"]) && has(s, &["sp=-1e400"]), "{ctx}");
            assert_eq!(s.params.y_coef, 0.0, "1e-400 underflows to 0");
            assert_eq!((s.params.n, s.params.spacing), (200, 2.0));
        }
        "negative_groups" => {
            assert_eq!(n, 1, "{ctx}");
            assert!(has(s, &["groups=2 is used", "groups must be a whole number from 1 to 50, but it is -3."]), "{ctx}");
        }
        "groups_51" => {
            assert_eq!(n, 2, "{ctx}");
            assert!(has(s, &["but it is 51."]) && has(s, &["default thresholds for 2 groups"]), "{ctx}");
            assert_eq!(s.params, d);
        }
        "script_tag" => {
            assert_eq!(n, 3, "{ctx}");
            assert!(has(s, &["preset=‹script›"]) && has(s, &["is not one this page knows"]), "{ctx}");
            assert!(has(s, &["names no panel"]), "{ctx}");
            assert_eq!((&s.params, &s.view), (&d, &ViewState::default()));
        }
        "percent_encoding" => {
            assert_eq!(n, 1, "{ctx}");
            assert!(has(s, &["yc=‹b›", "not a number"]), "{ctx}");
            assert_eq!((s.params.seed, s.params.thresholds.clone()), (12, vec![0.3, 0.2]));
            assert_eq!(s.params.preset, Preset::Custom);
        }
        "bad_percent" => {
            assert_eq!(n, 3, "{ctx}");
            assert!(has(s, &["seed=%zz"]) && has(s, &["n=%"]) && has(s, &["groups=%4"]), "{ctx}");
            assert_eq!(s.params, d);
        }
        "repeated_keys" => {
            assert_eq!(n, 2, "{ctx}");
            assert!(has(s, &["sets seed 3 times", "last value"]) && has(s, &["sets groups 2 times"]), "{ctx}");
            assert_eq!((s.params.seed, s.params.groups), (3, 2));
        }
        "huge_value" => {
            assert_eq!(n, 1, "{ctx}");
            assert!(has(s, &["not a finite number", "…"]), "{ctx}");
        }
        "huge_key" => {
            assert_eq!(n, 1, "{ctx}");
            assert!(has(s, &["longer than 16384 characters"]), "{ctx}");
            assert_eq!(s.params, d, "nagq lies beyond the cap");
        }
        "threshold_count" => {
            assert_eq!(n, 1, "{ctx}");
            assert!(has(s, &["t=0.5,0.1", "default thresholds for 3 groups", "one value per group (3 values)"]), "{ctx}");
            assert_eq!(s.params.thresholds, SimConfig::default_thresholds(Preset::Custom, 3));
        }
        "threshold_out_of_range" => {
            assert_eq!(n, 2, "{ctx}");
            assert!(has(s, &["between 0 and 1", "1.5 for group 2"]) && has(s, &["c=2", "c=1 is used"]), "{ctx}");
            assert_eq!(s.params, d);
        }
        "fractional_and_zero" => {
            assert_eq!(n, 4, "{ctx}");
            assert!(has(s, &["2.5"]) && has(s, &["nagq=0"]) && has(s, &["n=0"]) && has(s, &["seed=1.5"]), "{ctx}");
            assert_eq!(s.params, d);
        }
        "control_chars" => {
            assert_eq!(n, 2, "{ctx}");
            assert!(has(s, &["preset=\u{FFFD}\u{FFFD}answer", "preset=answer is used"]), "{ctx}");
            assert!(has(s, &["dark=\u{FFFD}[31m"]), "{ctx}");
            assert_eq!((&s.params, s.view.theme), (&d, None));
        }
        "bidi_override" => {
            assert_eq!(n, 2, "{ctx}");
            assert!(has(s, &["preset=\u{FFFD}tpircs"]) && has(s, &["\"foo\u{FFFD}\""]), "{ctx}");
        }
        "invalid_utf8" => {
            assert_eq!(n, 2, "{ctx}");
            assert!(has(s, &["preset=\u{FFFD}"]), "{ctx}");
        }
        "query_and_hash" => {
            assert_eq!(n, 0, "{ctx}");
            assert!(s.view.embed);
            assert_eq!(s.view.panels, vec![Panel::Table, Panel::Figure(FigureId::LogisticFits)]);
            assert_eq!((s.params.preset, s.params.nagq, s.params.groups), (Preset::Question, 3, 5));
        }
        "view_keys_bad" => {
            assert_eq!(n, 4, "{ctx}");
            assert!(has(s, &["embed=maybe"]) && has(s, &["names no panel"]) && has(s, &["pair=3,3", "from 1 to 3"]), "{ctx}");
            assert!(has(s, &["dark=purple", "follows the system"]), "{ctx}");
            assert_eq!(s.view, ViewState::default());
            assert_eq!(s.params.groups, 3);
        }
        "many_settings" => {
            assert_eq!(n, MAX_SETTINGS + 1, "{ctx}");
            assert!(has(s, &["more than 64 settings"]), "{ctx}");
        }
        "separators_only" => {
            assert_eq!(s.notices, vec!["The link has 2 values without a name, which were ignored."], "{ctx}");
        }
        "full_custom" => {
            assert_eq!(n, 0, "{ctx}");
            let want = d
                .merge(&json!({
                    "preset": "custom", "seed": -7, "groups": 5, "n": 40,
                    "thresholds": [0.5, 0.4, 0.30000000000000004, 0.2, 0.1],
                    "y_coef": -2.5, "spacing": 1e-7, "center": false, "nagq": 17
                }))
                .unwrap();
            assert_eq!(s.params, want);
            let view = ViewState {
                embed: true,
                panels: vec![
                    Panel::Figure(FigureId::JointContour),
                    Panel::Figure(FigureId::JointContourAdjusted),
                    Panel::Table,
                ],
                pair: Some((1, 4)),
                theme: Some(Theme::Dark),
            };
            assert_eq!(s.view, view);
        }
        _ => {} // files added by fuzzing runs: the invariants only
    }
}

#[test]
fn the_corpus_replays_without_panics_and_with_sensible_notices() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/url_state");
    let mut names: Vec<_> = std::fs::read_dir(&dir).expect("the corpus directory").flatten().map(|e| e.path()).collect();
    names.sort();
    assert!(names.len() >= 20, "{} files in {}", names.len(), dir.display());
    let mut expected = 0;
    for path in names {
        let bytes = std::fs::read(&path).expect("readable");
        let hash = String::from_utf8_lossy(&bytes);
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let s = parse_hash(&hash);
        check_invariants(&name, &hash, &s);
        expect(&name, &s);
        expected += 1;
    }
    assert!(expected >= 20);
}

#[test]
fn the_answer_link() {
    let h = to_hash(&Params::default());
    assert_eq!(h, "#preset=answer&seed=1&groups=2&n=200&t=0.5,0.1&yc=0.5&sp=2&c=1&nagq=100");
    // What a student types by hand works too.
    let s = parse_hash("groups=5");
    assert_eq!(s.params, Params::default().merge(&json!({"groups": 5})).unwrap());
    assert!(s.notices.is_empty());
}

// ---------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------

fn threshold() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(1.0),
        0.0..=1.0f64,
        (0u32..=100).prop_map(|k| k as f64 / 100.0),
        (1e-300..1e-3f64),
    ]
}

fn coef() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.5), Just(-0.0), Just(1000.0), Just(-1000.0), -1000.0..=1000.0f64, -1e-6..1e-6f64]
}

/// Any state the page can be in: a partial set merged into the defaults (so the preset label agrees
/// with the values, as `Params::merge` guarantees).
fn page_params() -> impl Strategy<Value = Params> {
    let custom = (1usize..=50).prop_flat_map(|g| {
        (
            any::<i32>(),
            Just(g),
            1usize..=100_000,
            prop::collection::vec(threshold(), g),
            coef(),
            coef(),
            any::<bool>(),
            1usize..=100,
            prop_oneof![Just("answer"), Just("question"), Just("custom")],
        )
    });
    let custom = custom.prop_map(|(seed, g, n, t, yc, sp, c, nagq, preset)| {
        let partial: Value = json!({
            "preset": preset, "seed": seed, "groups": g, "n": n, "thresholds": t,
            "y_coef": yc, "spacing": sp, "center": c, "nagq": nagq
        });
        Params::default().merge(&partial).expect("valid by construction")
    });
    let presets = (prop_oneof![Just("answer"), Just("question"), Just("custom")], 1usize..=100, 1usize..=50).prop_map(
        |(preset, nagq, g)| {
            let p = Params::default().merge(&json!({"preset": preset, "nagq": nagq})).unwrap();
            if g % 3 == 0 {
                p.merge(&json!({"groups": g})).unwrap()
            } else {
                p
            }
        },
    );
    prop_oneof![custom, presets]
}

fn view_for(groups: usize) -> impl Strategy<Value = ViewState> {
    (
        any::<bool>(),
        Just(Panel::ALL.to_vec()).prop_shuffle(),
        1usize..=7,
        any::<Option<(usize, usize)>>(),
        prop_oneof![Just(None), Just(Some(Theme::Dark)), Just(Some(Theme::Light))],
    )
        .prop_map(move |(embed, mut panels, k, pair, theme)| {
            panels.truncate(k);
            let pair = pair
                .map(|(a, b)| (a % groups.max(1), b % groups.max(1)))
                .filter(|(a, b)| a != b && groups >= 2);
            ViewState { embed, panels, pair, theme }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn round_trip(p in page_params()) {
        let h = to_hash(&p);
        let s = parse_hash(&h);
        prop_assert_eq!(&s.params, &p, "{}", h);
        prop_assert!(s.notices.is_empty(), "{}: {:?}", h, s.notices);
        prop_assert_eq!(s.view, ViewState::default());
    }

    #[test]
    fn round_trip_with_view((p, v) in page_params().prop_flat_map(|p| { let g = p.groups; (Just(p), view_for(g)) })) {
        let h = to_hash_with_view(&p, &v);
        let s = parse_hash(&h);
        prop_assert_eq!((&s.params, &s.view), (&p, &v), "{}", h);
        prop_assert!(s.notices.is_empty(), "{}: {:?}", h, s.notices);
    }

    #[test]
    fn any_text_is_read_without_panic(h in ".{0,300}") {
        let s = parse_hash(&h);
        check_invariants("arbitrary text", &h, &s);
    }

    #[test]
    fn hash_like_text_is_read_without_panic(h in "[#?&=,%.0-9a-fA-FnNtpcyse<>+ -]{0,120}") {
        let s = parse_hash(&h);
        check_invariants("hash-like text", &h, &s);
    }

    #[test]
    fn mutated_links_are_read_without_panic(p in page_params(), at in any::<prop::sample::Index>(), c in any::<char>()) {
        let mut chars: Vec<char> = to_hash(&p).chars().collect();
        let i = at.index(chars.len());
        chars[i] = c;
        let h: String = chars.into_iter().collect();
        let s = parse_hash(&h);
        check_invariants("mutated link", &h, &s);
    }
}
