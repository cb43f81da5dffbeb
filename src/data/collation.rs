//! R's sort order of text: how `factor()` orders the levels of a text column.
//!
//! R sorts strings with the collation of its locale. On this project's R (built with ICU, locale
//! `C.UTF-8`, `icuGetCollate()` = "root") that is the Unicode Collation Algorithm with ICU's root
//! rules, at tertiary strength, punctuation not ignored. The reference fixtures' factor levels were
//! made there (`tests/reference/make_real_fixtures.R`: `read.csv(colClasses = "character")`, then
//! `factor()`), so this module implements that order:
//!
//! - strings are compared first on their letters alone ("primary" level): whitespace, then
//!   `_-,;:!?.'"()[]{}@*/\&#%`^+<=>|~$`, then the digits, then the letters without regard to case or
//!   accents, character by character (no numeric ordering: "10" < "9", as R's `sort(c("9", "10"))`);
//! - then, when the letters are equal, on accents (none < acute < grave < circumflex < ring <
//!   diaeresis < tilde …, "secondary" level);
//! - then on case, lower case first ("tertiary" level): a < A < b < B, "ab" < "aB" < "Ab" < "AB".
//!
//! It is exact for ASCII and for the letters of Latin-1 (é, ñ, ø, æ = "ae", ß = "ss", ð after d, þ
//! after z); any other character sorts after the Latin letters by code point, which is R's order
//! within one script but not necessarily across symbols or scripts. Strings that compare equal on
//! all three levels are ordered by code point, so the order is total.

use std::cmp::Ordering;

/// ASCII punctuation and symbols in ICU root order (after the whitespace, before the digits).
const PUNCTUATION: &str = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";

/// The secondary weight of each accent, in ICU root order.
#[derive(Clone, Copy)]
enum Accent {
    None = 0,
    Acute,
    Grave,
    Circumflex,
    Ring,
    Diaeresis,
    Tilde,
    Cedilla,
    Stroke,
}

/// Tertiary weights: lower case, a lower-case ligature or expansion (æ, ß), upper case, an upper-case one.
const LOWER: u8 = 0;
const LOWER_EXPANDED: u8 = 1;
const UPPER: u8 = 2;
const UPPER_EXPANDED: u8 = 3;

/// One collation element: primary (letter), secondary (accent), tertiary (case) weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Element {
    primary: u32,
    secondary: u8,
    tertiary: u8,
}

/// Primary weight of a Latin letter a–z (index 0–25); gaps leave room for ð (after d) and þ (after z).
fn letter_primary(index: u32) -> u32 {
    1000 + 10 * index
}

fn letter(c: char, accent: Accent, tertiary: u8) -> Element {
    let index = u32::from(c.to_ascii_lowercase()) - u32::from('a');
    Element { primary: letter_primary(index), secondary: accent as u8, tertiary }
}

/// The collation elements of one character (two for æ and ß, none for ignorable control characters).
fn elements(c: char, out: &mut Vec<Element>) {
    let plain = |primary| Element { primary, secondary: 0, tertiary: LOWER };
    match c {
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' => out.push(plain(1 + u32::from(c) - u32::from('\t'))),
        ' ' => out.push(plain(10)),
        '0'..='9' => out.push(plain(500 + u32::from(c) - u32::from('0'))),
        'a'..='z' => out.push(letter(c, Accent::None, LOWER)),
        'A'..='Z' => out.push(letter(c, Accent::None, UPPER)),
        c if c.is_ascii_control() => {}
        c if c.is_ascii() => {
            let rank = PUNCTUATION.chars().position(|p| p == c).unwrap_or(PUNCTUATION.len());
            out.push(plain(20 + rank as u32));
        }
        _ => latin1(c, out),
    }
}

/// Latin-1 letters as a base letter with an accent; anything else after the Latin letters.
fn latin1(c: char, out: &mut Vec<Element>) {
    let lower = c.to_lowercase().next().unwrap_or(c);
    let tertiary = if lower != c { UPPER } else { LOWER };
    let accented = |base: char, accent: Accent| letter(base, accent, tertiary);
    let e = match lower {
        'à' => accented('a', Accent::Grave),
        'á' => accented('a', Accent::Acute),
        'â' => accented('a', Accent::Circumflex),
        'ã' => accented('a', Accent::Tilde),
        'ä' => accented('a', Accent::Diaeresis),
        'å' => accented('a', Accent::Ring),
        'ç' => accented('c', Accent::Cedilla),
        'è' => accented('e', Accent::Grave),
        'é' => accented('e', Accent::Acute),
        'ê' => accented('e', Accent::Circumflex),
        'ë' => accented('e', Accent::Diaeresis),
        'ì' => accented('i', Accent::Grave),
        'í' => accented('i', Accent::Acute),
        'î' => accented('i', Accent::Circumflex),
        'ï' => accented('i', Accent::Diaeresis),
        'ñ' => accented('n', Accent::Tilde),
        'ò' => accented('o', Accent::Grave),
        'ó' => accented('o', Accent::Acute),
        'ô' => accented('o', Accent::Circumflex),
        'õ' => accented('o', Accent::Tilde),
        'ö' => accented('o', Accent::Diaeresis),
        'ø' => accented('o', Accent::Stroke),
        'ù' => accented('u', Accent::Grave),
        'ú' => accented('u', Accent::Acute),
        'û' => accented('u', Accent::Circumflex),
        'ü' => accented('u', Accent::Diaeresis),
        'ý' => accented('y', Accent::Acute),
        'ÿ' => accented('y', Accent::Diaeresis),
        'ð' => Element { primary: letter_primary(3) + 5, secondary: 0, tertiary },
        'þ' => Element { primary: letter_primary(25) + 5, secondary: 0, tertiary },
        'æ' | 'ß' => {
            let (first, second) = if lower == 'æ' { ('a', 'e') } else { ('s', 's') };
            let t = if tertiary == UPPER { UPPER_EXPANDED } else { LOWER_EXPANDED };
            out.push(letter(first, Accent::None, t));
            letter(second, Accent::None, t)
        }
        _ => Element { primary: 0x1_0000 + u32::from(c), secondary: 0, tertiary: LOWER },
    };
    out.push(e);
}

fn collation_elements(s: &str) -> Vec<Element> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        elements(c, &mut out);
    }
    out
}

/// Compares two strings as R sorts them (see the module documentation).
pub fn r_collate(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (ea, eb) = (collation_elements(a), collation_elements(b));
    let level = |f: fn(&Element) -> u32| ea.iter().map(f).cmp(eb.iter().map(f));
    level(|e| e.primary)
        .then_with(|| level(|e| u32::from(e.secondary)))
        .then_with(|| level(|e| u32::from(e.tertiary)))
        .then_with(|| a.cmp(b))
}

/// Sorts strings as R's `sort()` does (see the module documentation).
pub fn sort_as_r<S: AsRef<str>>(strings: &mut [S]) {
    strings.sort_by(|a, b| r_collate(a.as_ref(), b.as_ref()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(items: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        sort_as_r(&mut v);
        v
    }

    #[test]
    fn printable_ascii_in_r_order() {
        // R 4.2.2, C.UTF-8, ICU root: cat(sort(sapply(32:126, intToUtf8)), sep = "")
        let want = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ";
        let mut chars: Vec<String> = (32u8..=126).map(|b| char::from(b).to_string()).collect();
        sort_as_r(&mut chars);
        assert_eq!(chars.concat(), want);
    }

    #[test]
    fn case_is_compared_after_the_letters() {
        // R: sort(c("ab","aB","Ab","AB","a","A","a1","aa"))
        assert_eq!(sorted(&["ab", "aB", "Ab", "AB", "a", "A", "a1", "aa"]), ["a", "A", "a1", "aa", "ab", "aB", "Ab", "AB"]);
        // R: sort(c("b","B","a","A","_x","x1","x10","x2","1","10","9","a b","ab","a-c"))
        assert_eq!(
            sorted(&["b", "B", "a", "A", "_x", "x1", "x10", "x2", "1", "10", "9", "a b", "ab", "a-c"]),
            ["_x", "1", "10", "9", "a", "A", "a b", "a-c", "ab", "b", "B", "x1", "x10", "x2"]
        );
    }

    #[test]
    fn accents_after_letters_and_before_case() {
        // R: cat(sort(c("e","é","è","ê","ë","E","É","È","Ê","Ë","a","à","á","â","ã","ä","å","c","ç","n","ñ",
        //   "o","ø","ö","ó","ò","ô","õ","y","ý","ÿ","æ","ae","af","ß","ss","st","þ","z","ð","d")))
        let input = [
            "e", "é", "è", "ê", "ë", "E", "É", "È", "Ê", "Ë", "a", "à", "á", "â", "ã", "ä", "å", "c", "ç", "n", "ñ", "o",
            "ø", "ö", "ó", "ò", "ô", "õ", "y", "ý", "ÿ", "æ", "ae", "af", "ß", "ss", "st", "þ", "z", "ð", "d",
        ];
        let want = "a á à â å ä ã ae æ af c ç d ð e E é É è È ê Ê ë Ë n ñ o ó ò ô ö õ ø ss ß st y ý ÿ z þ";
        assert_eq!(sorted(&input).join(" "), want);
        // R: sort(c("ea","éa","eb","éb","Ea","ÉA","eA")): the accent of a later letter beats nothing,
        // the letters come first.
        assert_eq!(sorted(&["ea", "éa", "eb", "éb", "Ea", "ÉA", "eA"]), ["ea", "eA", "Ea", "éa", "ÉA", "eb", "éb"]);
    }

    #[test]
    fn numbers_as_text_sort_character_by_character() {
        // cbpp's herd read as text: levels 1, 10, …, 15, 2, …, 9 (the fixtures' group_labels).
        let mut herds: Vec<String> = (1..=15).map(|i| i.to_string()).collect();
        sort_as_r(&mut herds);
        assert_eq!(herds, ["1", "10", "11", "12", "13", "14", "15", "2", "3", "4", "5", "6", "7", "8", "9"]);
        assert_eq!(r_collate("x\ty", "x y"), Ordering::Less);
        assert_eq!(r_collate("same", "same"), Ordering::Equal);
    }
}
