//! Match positions of a query in one item's titles, as byte ranges, computed on demand.

use std::ops::Range;

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use super::index::{field_score, pinyin_score};
use super::pinyin::Pinyin;
use super::query::{Query, Term, TermKind};
use super::score::Scratch;

/// Byte ranges to highlight in the two titles: sorted, merged (adjacent ranges joined), on
/// char boundaries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Highlights {
    /// Ranges in the English title.
    pub en: Vec<Range<usize>>,
    /// Ranges in the Chinese title (characters matched directly or through their pinyin).
    pub zh: Vec<Range<usize>>,
}

impl Query {
    /// Where each positive term of the query matches `en` and `zh`: in the English title
    /// where it matches there; in the Chinese title where it matches directly or through the
    /// pinyin, whichever scores better (pinyin matches highlight the Han characters whose
    /// syllables were matched). Fuzzy positions come from `SkimMatcherV2::fuzzy_indices`;
    /// exact-type terms highlight their first occurrence. Inverse terms highlight nothing.
    ///
    /// Meant for the few rows on screen: it recomputes the pinyin of `zh`.
    pub fn highlights(&self, en: &str, zh: &str) -> Highlights {
        let mut out = Highlights::default();
        let mut s = Scratch::default();
        let py = Pinyin::with_map(zh);
        for t in self.terms().filter(|t| !t.inverse) {
            if field_score(t, en, en.is_ascii(), &mut s).is_some() {
                out.en.extend(direct_ranges(t, en));
            }
            let direct = field_score(t, zh, zh.is_ascii(), &mut s);
            let via_pinyin = if Pinyin::has_han(zh) {
                pinyin_score(t, py.full.as_bytes(), py.initials.as_bytes(), &py.lens, &mut s)
            } else {
                None
            };
            if direct.is_some() && direct >= via_pinyin {
                out.zh.extend(direct_ranges(t, zh));
            } else if via_pinyin.is_some() {
                out.zh.extend(pinyin_ranges(t, zh, &py));
            }
        }
        out.en = merge(out.en);
        out.zh = merge(out.zh);
        out
    }
}

/// Ranges of a (matching) term in a field, by its own case rule.
fn direct_ranges(t: &Term, field: &str) -> Vec<Range<usize>> {
    if t.kind == TermKind::Fuzzy {
        // A fresh matcher per call: a shared one can return history-dependent results.
        let chars = SkimMatcherV2::default()
            .smart_case()
            .fuzzy_indices(field, &t.text)
            .map(|(_, idx)| idx)
            .unwrap_or_default();
        char_ranges(field, chars)
    } else {
        t.find_exact(field, false).map(|(a, b)| std::iter::once(a..b).collect()).unwrap_or_default()
    }
}

/// Ranges in `zh` of the characters whose pinyin the term matched.
fn pinyin_ranges(t: &Term, zh: &str, py: &Pinyin) -> Vec<Range<usize>> {
    let zh_chars: Vec<usize> = if t.kind == TermKind::Fuzzy {
        SkimMatcherV2::default()
            .ignore_case()
            .fuzzy_indices(&py.full, &t.lower)
            .map(|(_, idx)| idx.into_iter().filter_map(|k| py.map.get(k).map(|&c| c as usize)).collect())
            .unwrap_or_default()
    } else if let Some((a, b)) = t.find_exact(&py.full, true) {
        let first = py.full[..a].chars().count();
        let n = py.full[a..b].chars().count();
        py.map.iter().skip(first).take(n).map(|&c| c as usize).collect()
    } else if let Some((a, b)) = t.find_exact(&py.initials, true) {
        // one initial per title char
        let first = py.initials[..a].chars().count();
        let n = py.initials[a..b].chars().count();
        (first..first + n).collect()
    } else {
        Vec::new()
    };
    char_ranges(zh, zh_chars)
}

/// Byte ranges of the chars at the given char indices.
fn char_ranges(s: &str, chars: Vec<usize>) -> Vec<Range<usize>> {
    let mut want = chars;
    want.sort_unstable();
    want.dedup();
    let mut out = Vec::with_capacity(want.len());
    let mut w = want.into_iter().peekable();
    for (ci, (b, ch)) in s.char_indices().enumerate() {
        match w.peek() {
            None => break,
            Some(&k) if k == ci => {
                out.push(b..b + ch.len_utf8());
                w.next();
            }
            _ => {}
        }
    }
    out
}

/// Sorts and merges overlapping or adjacent ranges.
fn merge(mut v: Vec<Range<usize>>) -> Vec<Range<usize>> {
    v.sort_unstable_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(v.len());
    for r in v {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}
