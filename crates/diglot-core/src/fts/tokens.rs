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
//! **The index terms** ([`index_terms`]) encode exactly that with one term per unit: at a
//! Han unit the bigram of it and the next unit when that one is joined to it, else (the last
//! character of a run) the character alone; at a word the word. A phrase becomes the terms at
//! offsets given by [`phrase_terms`]: a bigram for each joined pair of the phrase, the word for
//! each word, and for a Han unit joined to neither neighbour in the phrase any term that
//! starts with its character (the character alone or a bigram it begins). The postings of
//! those terms at consecutive positions hold the phrase exactly where the scan finds it: a
//! lone character, an odd-length phrase and a phrase whose characters are split by
//! punctuation or by a segment boundary are found where the scan finds them and nowhere else.

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

/// Separates the segments of one indexed value ([`join_segments`]): not a unit, and a gap
/// of [`SEGMENT_GAP`] positions in the index terms.
pub const SEGMENT_SEP: char = '\u{1E}';
/// Positions between two segments (paragraphs, titles): more than any NEAR/n distance.
pub const SEGMENT_GAP: u32 = super::query::MAX_NEAR + 2;

/// The units of a text, one at a time, into a reused [`Unit`] (no allocation per unit).
#[derive(Debug, Clone)]
pub struct UnitIter<'a> {
    text: &'a str,
    /// Byte offset where the next unit is looked for.
    at: usize,
    /// End of the last Han unit when nothing stood between it and `at`.
    prev_han_end: Option<usize>,
    /// Segment separators ([`SEGMENT_SEP`]) passed so far.
    separators: u32,
}

impl<'a> UnitIter<'a> {
    /// The units of `text`.
    pub fn new(text: &'a str) -> UnitIter<'a> {
        UnitIter { text, at: 0, prev_han_end: None, separators: 0 }
    }

    /// The segment separators passed so far.
    pub fn separators(&self) -> u32 {
        self.separators
    }

    /// Reads the next unit into `unit`; `false` at the end of the text.
    pub fn next_into(&mut self, unit: &mut Unit) -> bool {
        let text = self.text;
        let base = self.at;
        let mut it =
            text.get(base..).unwrap_or_default().char_indices().map(|(i, c)| (base + i, c)).peekable();
        while let Some((i, c)) = it.next() {
            if is_han(c) {
                let end = i + c.len_utf8();
                unit.kind = UnitKind::Han;
                unit.norm.clear();
                unit.norm.push(c);
                unit.range = i..end;
                unit.joined = self.prev_han_end == Some(i);
                self.prev_han_end = Some(end);
                self.at = end;
                return true;
            } else if is_word_char(c) {
                unit.kind = UnitKind::Word;
                unit.norm.clear();
                unit.joined = false;
                let start = i;
                let mut end = i + c.len_utf8();
                let mut consumed = end;
                unit.norm.extend(half_width(c).to_lowercase());
                while let Some(&(j, d)) = it.peek() {
                    if is_word_char(d) {
                        unit.norm.extend(half_width(d).to_lowercase());
                        end = j + d.len_utf8();
                        consumed = end;
                        it.next();
                    } else if d == '\'' || d == '’' {
                        // a possessive 's ends the word and is dropped
                        let after = j + d.len_utf8();
                        let mut r = text.get(after..).unwrap_or_default().chars();
                        if matches!(r.next(), Some('s' | 'S')) && !r.next().is_some_and(is_word_char) {
                            consumed = after + 1;
                        }
                        break;
                    } else {
                        break;
                    }
                }
                unit.range = start..end;
                self.prev_han_end = None;
                self.at = consumed;
                return true;
            } else {
                if c == SEGMENT_SEP {
                    self.separators += 1;
                }
                self.prev_han_end = None;
            }
        }
        self.at = text.len();
        false
    }
}

/// Calls `f` with each unit of `text` in order (the unit's `norm` buffer is reused).
pub fn for_each_unit(text: &str, mut f: impl FnMut(&Unit)) {
    let mut unit = Unit { kind: UnitKind::Word, norm: String::new(), range: 0..0, joined: false };
    let mut it = UnitIter::new(text);
    while it.next_into(&mut unit) {
        f(&unit);
    }
}

/// The units of `text`.
pub fn units(text: &str) -> Vec<Unit> {
    let mut v = Vec::new();
    for_each_unit(text, |u| v.push(u.clone()));
    v
}

/// Segments joined into one value to index, [`SEGMENT_SEP`] between them (any separator in a
/// segment's own text becomes a space, which the units read alike).
pub fn join_segments<'s>(segments: impl IntoIterator<Item = &'s str>) -> String {
    let mut out = String::new();
    for (i, s) in segments.into_iter().enumerate() {
        if i > 0 {
            out.push(SEGMENT_SEP);
        }
        if s.contains(SEGMENT_SEP) {
            out.extend(s.chars().map(|c| if c == SEGMENT_SEP { ' ' } else { c }));
        } else {
            out.push_str(s);
        }
    }
    out
}

/// The index terms of a value (segments joined by [`join_segments`], or one segment), as a
/// stream: exactly one term at each unit's position. At a word, the word; at a Han unit, the
/// bigram of it and the next unit when that one is joined to it, else the character alone
/// (the last character of a run). So every Han unit's character starts the one term at its
/// position, and every joined pair is a bigram at the first one's position. Positions count
/// units; a segment separator between two units adds [`SEGMENT_GAP`]. Used as tantivy's
/// tokenizer ([`TermTokenizer`]): one reused token, no allocation per term.
pub struct TermStream<'a> {
    units: UnitIter<'a>,
    unit: Unit,
    /// Position of the current unit (`None` before the first).
    pos: Option<u32>,
    /// A Han unit read whose term waits for the next unit: its character, position, range.
    pending: Option<(char, u32, Range<usize>)>,
    /// The current unit (a word) is still to be given (after the pending Han unit's term).
    word_due: bool,
    token: tantivy::tokenizer::Token,
}

impl<'a> TermStream<'a> {
    /// The terms of `text`.
    pub fn new(text: &'a str) -> TermStream<'a> {
        TermStream {
            units: UnitIter::new(text),
            unit: Unit { kind: UnitKind::Word, norm: String::new(), range: 0..0, joined: false },
            pos: None,
            pending: None,
            word_due: false,
            token: tantivy::tokenizer::Token::default(),
        }
    }

    fn set(&mut self, pos: u32, range: Range<usize>) {
        self.token.position = pos as usize;
        self.token.offset_from = range.start;
        self.token.offset_to = range.end;
        self.token.position_length = 1;
    }

    /// The pending Han unit's character alone as the token.
    fn set_unigram(&mut self, (c, pos, range): (char, u32, Range<usize>)) {
        self.token.text.clear();
        self.token.text.push(c);
        self.set(pos, range);
    }

    /// The current unit (a word) as the token.
    fn set_word(&mut self) {
        self.token.text.clear();
        self.token.text.push_str(&self.unit.norm);
        let (pos, range) = (self.pos.unwrap_or(0), self.unit.range.clone());
        self.set(pos, range);
    }
}

impl tantivy::tokenizer::TokenStream for TermStream<'_> {
    fn advance(&mut self) -> bool {
        if self.word_due {
            self.word_due = false;
            self.set_word();
            return true;
        }
        loop {
            let seps = self.units.separators();
            if !self.units.next_into(&mut self.unit) {
                return match self.pending.take() {
                    Some(p) => {
                        self.set_unigram(p);
                        true
                    }
                    None => false,
                };
            }
            let pos = match self.pos {
                None => 0,
                Some(p) if self.units.separators() > seps => p + 1 + SEGMENT_GAP,
                Some(p) => p + 1,
            };
            self.pos = Some(pos);
            match self.unit.kind {
                UnitKind::Han => {
                    let c = self.unit.norm.chars().next().unwrap_or(' ');
                    let here = (c, pos, self.unit.range.clone());
                    match self.pending.replace(here) {
                        None => continue,
                        Some((p, ppos, prange)) if self.unit.joined => {
                            // the bigram of the previous unit and this one, at the previous position
                            self.token.text.clear();
                            self.token.text.push(p);
                            self.token.text.push(c);
                            let end = self.unit.range.end;
                            self.set(ppos, prange.start..end);
                        }
                        Some(prev) => self.set_unigram(prev),
                    }
                    return true;
                }
                UnitKind::Word => {
                    match self.pending.take() {
                        Some(prev) => {
                            self.set_unigram(prev);
                            self.word_due = true;
                        }
                        None => self.set_word(),
                    }
                    return true;
                }
            }
        }
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        &mut self.token
    }
}

/// The tokenizer registered with the index under [`TOKENIZER`]: [`TermStream`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TermTokenizer;

/// The name of [`TermTokenizer`] in the index's tokenizer manager.
pub const TOKENIZER: &str = "diglot";

impl tantivy::tokenizer::Tokenizer for TermTokenizer {
    type TokenStream<'a> = TermStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermStream<'a> {
        TermStream::new(text)
    }
}

/// The index terms of a value as `(position, term)` pairs in order: what [`TermStream`]
/// gives tantivy (see the module docs).
pub fn index_terms(text: &str, mut f: impl FnMut(u32, &str)) {
    use tantivy::tokenizer::TokenStream;
    let mut s = TermStream::new(text);
    while s.advance() {
        let t = s.token();
        f(t.position as u32, &t.text);
    }
}

/// One term of a phrase ([`phrase_terms`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhraseTerm {
    /// This term exactly: a word, or the bigram of a joined pair.
    Exact(String),
    /// Any term that starts with this character: a Han unit of the phrase joined to neither
    /// neighbour, which in the text is the character alone or the first of a bigram.
    Starts(char),
}

/// The terms (with their offsets in the phrase) whose postings at consecutive positions hold
/// the phrase `units` exactly: a bigram for each joined pair, the word for each word, and for
/// a Han unit in no joined pair every term that starts with its character. Empty for an empty
/// phrase.
pub fn phrase_terms(units: &[Unit]) -> Vec<(usize, PhraseTerm)> {
    let mut out = Vec::new();
    for (i, u) in units.iter().enumerate() {
        match u.kind {
            UnitKind::Word => out.push((i, PhraseTerm::Exact(u.norm.clone()))),
            UnitKind::Han => {
                let next_joined = units.get(i + 1).filter(|n| n.kind == UnitKind::Han && n.joined);
                if let Some(n) = next_joined {
                    out.push((i, PhraseTerm::Exact(format!("{}{}", u.norm, n.norm))));
                } else if !u.joined {
                    out.push((i, PhraseTerm::Starts(u.norm.chars().next().unwrap_or(' '))));
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
        index_terms("人民公社 is 年，大 跃进", |p, t| v.push((p, t.to_string())));
        let want: Vec<(u32, String)> = [
            (0, "人民"),
            (1, "民公"),
            (2, "公社"),
            (3, "社"),
            (4, "is"),
            (5, "年"),
            (6, "大"),
            (7, "跃进"),
            (8, "进"),
        ]
        .iter()
        .map(|&(p, t)| (p, t.to_string()))
        .collect();
        // one term per unit, in position order
        assert_eq!(v, want);
    }

    #[test]
    fn segments_are_apart_and_never_joined() {
        let mut v = Vec::new();
        let joined = join_segments(["人民", "", "公社\u{1E}x", "Mao's"]);
        index_terms(&joined, |p, t| v.push((p, t.to_string())));
        let g = SEGMENT_GAP;
        let want: Vec<(u32, String)> =
            [(0, "人民"), (1, "民"), (2 + g, "公社"), (3 + g, "社"), (4 + g, "x"), (5 + 2 * g, "mao")]
                .iter()
                .map(|&(p, t)| (p, t.to_string()))
                .collect();
        assert_eq!(v, want);
        // the units of the joined value are those of the segments, in order
        let flat: Vec<String> =
            ["人民", "公社 x", "Mao's"].iter().flat_map(|s| units(s)).map(|u| u.norm).collect();
        assert_eq!(units(&joined).into_iter().map(|u| u.norm).collect::<Vec<_>>(), flat);
    }

    #[test]
    fn phrase_terms_cover_every_unit() {
        use PhraseTerm::{Exact, Starts};
        let e = |s: &str| Exact(s.to_string());
        let t = phrase_terms(&units("人民公社"));
        assert_eq!(t, [(0, e("人民")), (1, e("民公")), (2, e("公社"))]);
        let t = phrase_terms(&units("5年 的 people's"));
        assert_eq!(t, [(0, e("5")), (1, Starts('年')), (2, Starts('的')), (3, e("people"))]);
        let t = phrase_terms(&units("人民，公社"));
        assert_eq!(t, [(0, e("人民")), (2, e("公社"))]);
        let t = phrase_terms(&units("大跃进"));
        assert_eq!(t, [(0, e("大跃")), (1, e("跃进"))]);
        assert_eq!(phrase_terms(&units("民")), [(0, Starts('民'))]);
    }

    /// Every Han unit of a text starts the one term at its position (what a lone character
    /// of a phrase is found by), and nothing else is there.
    #[test]
    fn each_han_unit_starts_the_term_at_its_position() {
        let text = "建立人民公社。人民，公社 the 年";
        let mut terms = std::collections::BTreeMap::new();
        index_terms(text, |p, t| assert!(terms.insert(p, t.to_string()).is_none(), "two terms at {p}"));
        for (i, u) in units(text).iter().enumerate() {
            let t = terms.get(&(i as u32)).expect("a term at every unit");
            assert!(t.starts_with(u.norm.as_str()), "{t} at {i} for {}", u.norm);
        }
        assert_eq!(terms.len(), units(text).len());
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
