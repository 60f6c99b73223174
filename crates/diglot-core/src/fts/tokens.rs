//! The one tokenization that the index, the query parser and the reference scan share.
//!
//! A text is read as a sequence of *units*:
//! - a Han character (CJK ideographs of every plane, and `〇`) is one unit; a Han unit is
//!   *joined* to the previous one when the two stand side by side in the text;
//! - an English word (a run of letters and digits of other scripts) is one unit, lower-cased,
//!   full-width letters and digits read as ASCII; a possessive `'s` (or `’s`) is dropped,
//!   other apostrophes and hyphens split words (`well-known` is `well known`);
//! - everything else (white space, punctuation of both languages) separates units.
//!
//! **The scan semantics** ([`find_in`]): a phrase occurs at unit `p` of a segment when its
//! units equal the segment's units `p, p+1, …` and every pair of Han units joined in the
//! phrase is joined in the text. So `人民公社` is found in `…建立人民公社…` but not in
//! `人民，公社`, punctuation in a phrase is ignored (`人民，公社` finds both), and a phrase never
//! spans two segments (paragraphs, titles).
//!
//! **The index terms** ([`index_terms`]) encode exactly that: at each Han unit the character
//! itself, and a bigram of it and the next unit when that one is joined to it; at each word the
//! word. A phrase becomes the terms at offsets given by [`phrase_terms`]; the postings of those
//! terms at consecutive positions hold it exactly where the scan finds it.

use std::ops::Range;

/// The kind of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// One Han character.
    Han,
    /// An English (or other alphabetic or numeric) word.
    Word,
}

/// One unit of a text: normalized form and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Han or word.
    pub kind: UnitKind,
    /// The normalized form: the character, or the lower-cased word.
    pub norm: String,
    /// Byte range in the text.
    pub range: Range<usize>,
    /// A Han unit directly after another Han unit.
    pub joined: bool,
}

/// Whether `c` is a Han character (an ideograph, or `〇`).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0x20000..=0x2A6DF | 0x2A700..=0x2EBEF | 0x2F800..=0x2FA1F | 0x30000..=0x3134F)
}

/// Full-width ASCII letters and digits as ASCII.
fn half_width(c: char) -> char {
    match c as u32 {
        0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// Calls `f` with each unit of `text` in order (the unit's `norm` buffer is reused).
pub fn for_each_unit(text: &str, mut f: impl FnMut(&Unit)) {
    let mut unit = Unit { kind: UnitKind::Word, norm: String::new(), range: 0..0, joined: false };
    let mut prev_han_end: Option<usize> = None;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if is_han(c) {
            let end = i + c.len_utf8();
            unit.kind = UnitKind::Han;
            unit.norm.clear();
            unit.norm.push(c);
            unit.range = i..end;
            unit.joined = prev_han_end == Some(i);
            f(&unit);
            prev_han_end = Some(end);
        } else if is_word_char(c) {
            unit.kind = UnitKind::Word;
            unit.norm.clear();
            unit.joined = false;
            let start = i;
            let mut end = i + c.len_utf8();
            unit.norm.extend(half_width(c).to_lowercase());
            while let Some(&(j, d)) = it.peek() {
                if is_word_char(d) {
                    unit.norm.extend(half_width(d).to_lowercase());
                    end = j + d.len_utf8();
                    it.next();
                } else if d == '\'' || d == '’' {
                    // a possessive 's ends the word and is dropped
                    let rest = text.get(j + d.len_utf8()..).unwrap_or_default();
                    let mut r = rest.chars();
                    if matches!(r.next(), Some('s' | 'S')) && !r.next().is_some_and(is_word_char) {
                        it.next();
                        it.next();
                    }
                    break;
                } else {
                    break;
                }
            }
            unit.range = start..end;
            f(&unit);
            prev_han_end = None;
        } else {
            prev_han_end = None;
        }
    }
}

/// The units of `text`.
pub fn units(text: &str) -> Vec<Unit> {
    let mut v = Vec::new();
    for_each_unit(text, |u| v.push(u.clone()));
    v
}

/// The index terms of a segment: `(unit position, term)` pairs in order (see the module docs).
pub fn index_terms(text: &str, mut f: impl FnMut(u32, &str)) {
    let mut pos: u32 = 0;
    let mut pending: Option<(u32, char)> = None; // the previous Han unit
    let mut bigram = String::new();
    for_each_unit(text, |u| {
        if u.kind == UnitKind::Han {
            let c = u.norm.chars().next().unwrap_or(' ');
            if let Some((p, prev)) = pending.filter(|_| u.joined) {
                bigram.clear();
                bigram.push(prev);
                bigram.push(c);
                f(p, &bigram);
            }
            f(pos, &u.norm);
            pending = Some((pos, c));
        } else {
            f(pos, &u.norm);
            pending = None;
        }
        pos += 1;
    });
}

/// The terms (with their offsets in the phrase) whose postings at consecutive positions hold
/// the phrase `units` exactly: a bigram for each joined pair, the word for each word, the
/// character for a Han unit in no joined pair. Empty for an empty phrase.
pub fn phrase_terms(units: &[Unit]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, u) in units.iter().enumerate() {
        match u.kind {
            UnitKind::Word => out.push((i, u.norm.clone())),
            UnitKind::Han => {
                let next_joined = units.get(i + 1).filter(|n| n.kind == UnitKind::Han && n.joined);
                if let Some(n) = next_joined {
                    out.push((i, format!("{}{}", u.norm, n.norm)));
                } else if !u.joined {
                    out.push((i, u.norm.clone()));
                }
            }
        }
    }
    out
}

/// Whether the phrase `phrase` occurs at unit `p` of `text` (both as units).
fn occurs_at(text: &[Unit], phrase: &[Unit], p: usize) -> bool {
    phrase.iter().enumerate().all(|(i, q)| {
        text.get(p + i)
            .is_some_and(|t| t.kind == q.kind && t.norm == q.norm && (i == 0 || !q.joined || t.joined))
    })
}

/// The scan: every occurrence of the phrase `phrase` (as units) in `text` (as units), as the
/// range of unit positions. The reference the index agrees with.
pub fn find_in(text: &[Unit], phrase: &[Unit]) -> Vec<Range<usize>> {
    if phrase.is_empty() || phrase.len() > text.len() {
        return Vec::new();
    }
    (0..=text.len() - phrase.len())
        .filter(|&p| occurs_at(text, phrase, p))
        .map(|p| p..p + phrase.len())
        .collect()
}

/// Number of characters counted for normalisation: those that are not white space.
pub fn char_count(text: &str) -> u64 {
    text.chars().filter(|c| !c.is_whitespace()).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(s: &str) -> Vec<String> {
        units(s).into_iter().map(|u| u.norm).collect()
    }

    #[test]
    fn words_are_case_folded_and_possessives_dropped() {
        assert_eq!(
            norms("China's People’s COMMUNES, well-known."),
            ["china", "people", "communes", "well", "known"]
        );
        assert_eq!(norms("don't ＡＢ１９５８"), ["don", "t", "ab1958"]);
        assert_eq!(norms("1958年人民"), ["1958", "年", "人", "民"]);
    }

    #[test]
    fn han_units_join_only_when_adjacent() {
        let u = units("人民，公社 社");
        let joined: Vec<bool> = u.iter().map(|u| u.joined).collect();
        assert_eq!(joined, [false, true, false, true, false]);
        assert_eq!(&"人民，公社 社"[u[2].range.clone()], "公");
    }

    #[test]
    fn index_terms_have_positions() {
        let mut v = Vec::new();
        index_terms("人民公社 is", |p, t| v.push((p, t.to_string())));
        let want: Vec<(u32, String)> =
            [(0, "人"), (0, "人民"), (1, "民"), (1, "民公"), (2, "公"), (2, "公社"), (3, "社"), (4, "is")]
                .iter()
                .map(|&(p, t)| (p, t.to_string()))
                .collect();
        // each bigram is reported when its second character is read
        let mut got = v.clone();
        got.sort();
        let mut w = want.clone();
        w.sort();
        assert_eq!(got, w);
    }

    #[test]
    fn phrase_terms_cover_every_unit() {
        let t = phrase_terms(&units("人民公社"));
        assert_eq!(t, [(0, "人民".to_string()), (1, "民公".to_string()), (2, "公社".to_string())]);
        let t = phrase_terms(&units("5年 的 people's"));
        assert_eq!(
            t,
            [(0, "5".to_string()), (1, "年".to_string()), (2, "的".to_string()), (3, "people".to_string())]
        );
        let t = phrase_terms(&units("人民，公社"));
        assert_eq!(t, [(0, "人民".to_string()), (2, "公社".to_string())]);
    }

    #[test]
    fn scan_respects_joins() {
        let text = units("建立人民公社。人民，公社");
        assert_eq!(find_in(&text, &units("人民公社")), vec![2..6]);
        assert_eq!(find_in(&text, &units("人民，公社")), [2..6, 6..10]);
        assert_eq!(find_in(&text, &units("民")), [3..4, 7..8]);
        assert!(find_in(&text, &units("")).is_empty());
    }
}
