//! Query parsing with fzf's extended-search syntax, and the tests a term runs on one field.

use memchr::memmem;

use super::pinyin::{han_initials, position_table};
use super::score::Pattern;

/// How a term matches (fzf's term types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermKind {
    /// `abc`: skim fuzzy match (a subsequence, scored).
    Fuzzy,
    /// `'abc`: contains `abc`.
    Exact,
    /// `^abc`: starts with `abc` (leading whitespace ignored).
    Prefix,
    /// `abc$`: ends with `abc` (trailing whitespace ignored).
    Suffix,
    /// `^abc$`: equals `abc` (surrounding whitespace ignored).
    Equal,
}

/// One space-separated term of a [`Query`].
#[derive(Clone, Debug)]
pub struct Term {
    /// The match type.
    pub kind: TermKind,
    /// `!term`: the item must *not* match (checked on the English and Chinese titles).
    pub inverse: bool,
    /// The text to match, operators removed; lowercased unless `case_sensitive`.
    pub text: String,
    /// Smart case: the term as typed has an ASCII capital.
    pub case_sensitive: bool,
    /// `text`, ASCII-lowercased: what is matched against pinyin (always case-insensitive).
    pub(crate) lower: String,
    /// Characters the text needs (see [`char_mask`]).
    pub(crate) mask: u64,
    /// Non-ASCII characters the text needs (see [`han_mask`]).
    pub(crate) han: u64,
    /// `text` prepared for scoring, with the term's case rule.
    pub(crate) pattern: Pattern,
    /// `lower` prepared for case-insensitive scoring (pinyin).
    pub(crate) pattern_lower: Pattern,
    /// [`position_table`] of `lower`, for syllable-aware pinyin matching.
    pub(crate) positions: Option<Box<[u64; 128]>>,
    /// [`initial_bit`] of `lower`'s first byte: an item whose pinyin has no syllable starting
    /// with it cannot match the term syllable-aware (see [`initials_mask`]).
    pub(crate) initial: u32,
    /// [`han_initials`] of `text`: an item whose pinyin's initials lack one of them cannot
    /// match the term on its Chinese title.
    pub(crate) han_initials: u32,
    finder: memmem::Finder<'static>,
    finder_lower: memmem::Finder<'static>,
}

impl Term {
    fn new(kind: TermKind, inverse: bool, text: String, case_sensitive: bool) -> Term {
        let lower = text.to_ascii_lowercase();
        Term {
            kind,
            inverse,
            mask: char_mask(&text),
            han: han_mask(&text),
            pattern: Pattern::new(&text, case_sensitive),
            pattern_lower: Pattern::new(&lower, false),
            positions: position_table(&lower),
            initial: lower.bytes().next().map_or(0, initial_bit),
            han_initials: han_initials(&text),
            finder: memmem::Finder::new(text.as_bytes()).into_owned(),
            finder_lower: memmem::Finder::new(lower.as_bytes()).into_owned(),
            text,
            case_sensitive,
            lower,
        }
    }

    /// Exact-type test (`Exact`, `Prefix`, `Suffix`, `Equal`) of this term on `field`, with
    /// the term's own case rule, or case-insensitively (`pinyin`: against `lower`). Returns
    /// the byte range of the occurrence.
    pub(crate) fn find_exact(&self, field: &str, pinyin: bool) -> Option<(usize, usize)> {
        let (needle, cs, finder) = if pinyin || !self.case_sensitive {
            (self.lower.as_bytes(), false, &self.finder_lower)
        } else {
            (self.text.as_bytes(), true, &self.finder)
        };
        let hay = field.as_bytes();
        let eq = |a: &[u8]| {
            if cs {
                a == needle
            } else {
                a.eq_ignore_ascii_case(needle)
            }
        };
        match self.kind {
            TermKind::Fuzzy => None,
            TermKind::Exact => {
                if cs {
                    finder.find(hay).map(|s| (s, s + needle.len()))
                } else {
                    find_ascii_ci(hay, needle).map(|s| (s, s + needle.len()))
                }
            }
            TermKind::Prefix => {
                let start = hay.len() - field.trim_start().len();
                let t = hay.get(start..start + needle.len())?;
                eq(t).then(|| (start, start + needle.len()))
            }
            TermKind::Suffix => {
                let end = field.trim_end().len();
                let start = end.checked_sub(needle.len())?;
                eq(hay.get(start..end)?).then_some((start, end))
            }
            TermKind::Equal => {
                let trimmed = field.trim();
                let start = trimmed.as_ptr() as usize - field.as_ptr() as usize;
                eq(trimmed.as_bytes()).then(|| (start, start + trimmed.len()))
            }
        }
    }
}

/// Finds `needle` (ASCII-lowercase letters match either case) in `hay`.
pub(crate) fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some(&first) = needle.first() else {
        return Some(0);
    };
    if hay.len() < needle.len() {
        return None;
    }
    let last_start = hay.len() - needle.len();
    let check = |s: usize| hay.get(s..s + needle.len()).is_some_and(|h| h.eq_ignore_ascii_case(needle));
    let starts = hay.get(..=last_start).unwrap_or_default();
    if first.is_ascii_alphabetic() {
        let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
        memchr::memchr2_iter(lo, up, starts).find(|&s| check(s))
    } else {
        memchr::memchr_iter(first, starts).find(|&s| check(s))
    }
}

/// A set of character classes present in a string, for cheap rejection: bits 0-25 are the
/// ASCII letters (case folded), 26-35 the digits, 36 any other ASCII, 37-63 a hash of
/// non-ASCII characters. A term can only match a field whose mask contains the term's mask.
pub fn char_mask(s: &str) -> u64 {
    let mut mask = 0u64;
    for ch in s.chars() {
        mask |= 1u64 << char_bit(ch);
    }
    mask
}

/// The bit of an initial in [`initials_mask`]: one per lowercase ASCII letter, one (bit 26)
/// for every other byte.
pub(crate) fn initial_bit(b: u8) -> u32 {
    if b.is_ascii_lowercase() {
        1 << (b - b'a')
    } else {
        1 << 26
    }
}

/// The initials of a title's pinyin (one lowercase byte per title character, see
/// [`super::pinyin::Pinyin`]) as a mask of [`initial_bit`]s. A fuzzy term matches the pinyin
/// syllable-aware only if its first letter begins a syllable (`syllable_match` starts every
/// match at an initial), so `term.initial & mask == 0` rules the pinyin out without reading it.
pub(crate) fn initials_mask(initials: &[u8]) -> u32 {
    initials.iter().fold(0, |m, &b| if b == b' ' { m } else { m | initial_bit(b) })
}

/// The non-ASCII characters of a string hashed into 64 buckets: a finer test than
/// [`char_mask`] for Chinese text.
pub fn han_mask(s: &str) -> u64 {
    let mut mask = 0u64;
    for ch in s.chars().filter(|c| !c.is_ascii()) {
        mask |= 1u64 << ((ch as u32).wrapping_mul(0x9E37_79B1) >> 26);
    }
    mask
}

#[inline]
fn char_bit(ch: char) -> u32 {
    match ch {
        'a'..='z' => ch as u32 - 'a' as u32,
        'A'..='Z' => ch as u32 - 'A' as u32,
        '0'..='9' => 26 + ch as u32 - '0' as u32,
        '\0'..='\x7f' => 36,
        _ => 37 + (((ch as u32).wrapping_mul(0x9E37_79B1)) >> 16) % 27,
    }
}

/// A parsed search query: space-separated terms that must all match, in any order; a `|`
/// between terms makes them alternatives (fzf's OR).
///
/// Syntax (as fzf's extended search): `abc` fuzzy, `'abc` exact substring, `^abc` prefix,
/// `abc$` suffix, `^abc$` equal, `!abc` must not contain, `!^abc` / `!abc$` must not start /
/// end with, `!'abc` must not fuzzy-match, `a | b` either, `\ ` a literal space. Operators
/// alone (`'`, `^`, `!`) are ignored. Smart case per term: a term with an ASCII capital is
/// case-sensitive.
#[derive(Clone, Debug)]
pub struct Query {
    text: String,
    /// AND of OR-sets.
    pub(crate) sets: Vec<Vec<Term>>,
    /// The set (an index of `sets`) of the term typed last, if that set is that term alone:
    /// the one a reader is typing on.
    pub(crate) typing: Option<usize>,
}

impl Query {
    /// Parses `s` (fzf's rules, see the type docs).
    pub fn parse(s: &str) -> Query {
        let mut t = s.trim_start_matches(' ');
        while t.ends_with(' ') && !t.ends_with("\\ ") {
            t = &t[..t.len() - 1];
        }
        let t = t.replace("\\ ", "\t");
        let mut sets: Vec<Vec<Term>> = Vec::new();
        let mut set: Vec<Term> = Vec::new();
        let mut switch_set = false;
        let mut after_bar = false;
        for token in t.split(' ').filter(|x| !x.is_empty()) {
            let typed = token.replace('\t', " ");
            // pinyin as a dictionary writes it (gōngshè, lǜ) is matched as the titles' toneless
            // pinyin is written (gongshe, lv)
            let typed = toneless(&typed).unwrap_or(typed);
            let case_sensitive = typed.bytes().any(|b| b.is_ascii_uppercase());
            let mut text: &str = &if case_sensitive { typed.clone() } else { typed.to_ascii_lowercase() };
            if !set.is_empty() && !after_bar && text == "|" {
                switch_set = false;
                after_bar = true;
                continue;
            }
            after_bar = false;
            let mut kind = TermKind::Fuzzy;
            let mut inverse = false;
            if let Some(rest) = text.strip_prefix('!') {
                inverse = true;
                kind = TermKind::Exact;
                text = rest;
            }
            if text != "$" {
                if let Some(rest) = text.strip_suffix('$') {
                    kind = TermKind::Suffix;
                    text = rest;
                }
            }
            if let Some(rest) = text.strip_prefix('\'') {
                kind = if inverse { TermKind::Fuzzy } else { TermKind::Exact };
                text = rest;
            } else if let Some(rest) = text.strip_prefix('^') {
                kind = if kind == TermKind::Suffix { TermKind::Equal } else { TermKind::Prefix };
                text = rest;
            }
            if !text.is_empty() {
                if switch_set {
                    sets.push(std::mem::take(&mut set));
                }
                set.push(Term::new(kind, inverse, text.to_string(), case_sensitive));
                switch_set = true;
            }
        }
        if !set.is_empty() {
            sets.push(set);
        }
        let last = sets.len().checked_sub(1).filter(|&i| sets.get(i).is_some_and(|set| set.len() == 1));
        // Cheap sets first (exact-type and inverse terms reject items before fuzzy scoring),
        // then longer, more selective ones: an item fails at the first set it does not match.
        // (Stable: sets alike stay in the order typed.)
        let mut keyed: Vec<(usize, Vec<Term>)> = sets.into_iter().enumerate().collect();
        keyed.sort_by_key(|(_, set)| {
            let fuzzy = set.iter().any(|t| t.kind == TermKind::Fuzzy && !t.inverse);
            let shortest = set.iter().map(|t| t.text.len()).min().unwrap_or(0);
            (fuzzy, std::cmp::Reverse(shortest))
        });
        let typing = last.and_then(|l| keyed.iter().position(|&(i, _)| i == l));
        Query { text: s.to_string(), sets: keyed.into_iter().map(|(_, set)| set).collect(), typing }
    }

    /// The string this query was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True if the query has no terms (it matches every item, with score 0).
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The terms, as AND of OR-sets.
    pub fn terms(&self) -> impl Iterator<Item = &Term> {
        self.sets.iter().flatten()
    }

    /// True if every item matching `self` also matches `older`, so `self` can be searched
    /// within `older`'s hits. Typing more characters at the end of a fuzzy, exact, prefix or
    /// equal term narrows; so does adding a term. Extending an inverse term (`!fo` → `!foo`)
    /// or a suffix term widens, and is not narrowing. (Conservative: `false` only costs a full
    /// scan.)
    pub fn narrows(&self, older: &Query) -> bool {
        older.sets.iter().all(|old| self.sets.iter().any(|new| set_implies(new, old)))
    }
}

/// Every item satisfying OR-set `new` satisfies OR-set `old`.
fn set_implies(new: &[Term], old: &[Term]) -> bool {
    new.iter().all(|n| old.iter().any(|o| term_implies(n, o)))
}

/// Every item satisfying `n` satisfies `o`.
fn term_implies(n: &Term, o: &Term) -> bool {
    match (n.inverse, o.inverse) {
        (false, false) => match_implies(n, o),
        // n absent ⇒ o absent  ⟺  o present ⇒ n present
        (true, true) => match_implies(o, n),
        _ => false,
    }
}

/// If `a` matches a field, `b` matches the same field (both read as positive terms).
fn match_implies(a: &Term, b: &Term) -> bool {
    use TermKind::*;
    // Compare on the case level of `b`: a case-insensitive `b` is implied by either kind of
    // `a` via lowercase; a case-sensitive `b` only by a case-sensitive `a`.
    let (at, bt) = if b.case_sensitive {
        if !a.case_sensitive {
            return false;
        }
        (a.text.as_str(), b.text.as_str())
    } else {
        (a.lower.as_str(), b.text.as_str())
    };
    match (b.kind, a.kind) {
        // Pinyin matching is by syllable prefixes: closed under dropping trailing characters
        // only (`xiang` matches 湘, `xg` does not), and an exact pinyin substring need not be
        // syllable-aligned.
        // A non-ASCII term never matches pinyin: plain subsequence logic.
        (Fuzzy, _) if !bt.is_ascii() => is_subsequence(bt, at),
        (Fuzzy, Fuzzy) => at.starts_with(bt),
        (Exact, Exact | Prefix | Suffix | Equal) => at.contains(bt),
        (Prefix, Prefix | Equal) => at.starts_with(bt),
        (Suffix, Suffix | Equal) => at.ends_with(bt),
        (Equal, Equal) => at == bt,
        _ => false,
    }
}

/// `needle`'s chars appear in `hay` in order.
fn is_subsequence(needle: &str, hay: &str) -> bool {
    let mut h = hay.chars();
    needle.chars().all(|c| h.any(|x| x == c))
}

/// `word` without pinyin's tone marks (`gōngshè` → `gongshe`; `ü` with or without a tone →
/// `v`, as [`super::Pinyin`] writes it), if it has any and is pinyin: letters, digits,
/// apostrophes and fzf's operators beside the marked vowels; `None` otherwise (a word with
/// other non-ASCII characters, such as Han characters, is left as typed).
fn toneless(word: &str) -> Option<String> {
    const MARKED: [(&str, char); 6] = [
        ("āáǎàĀÁǍÀ", 'a'),
        ("ēéěèêĒÉĚÈÊ", 'e'),
        ("īíǐìĪÍǏÌ", 'i'),
        ("ōóǒòŌÓǑÒ", 'o'),
        ("ūúǔùŪÚǓÙ", 'u'),
        ("üǖǘǚǜÜǕǗǙǛ", 'v'),
    ];
    let base = |c: char| MARKED.iter().find(|(set, _)| set.contains(c)).map(|&(_, b)| b);
    if !word.chars().any(|c| base(c).is_some()) || word.chars().any(|c| !c.is_ascii() && base(c).is_none()) {
        return None;
    }
    Some(word.chars().map(|c| base(c).unwrap_or(c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(q: &str) -> Vec<Vec<(TermKind, bool, String)>> {
        Query::parse(q)
            .sets
            .iter()
            .map(|s| s.iter().map(|t| (t.kind, t.inverse, t.text.clone())).collect())
            .collect()
    }

    #[test]
    fn tone_marks_are_folded_to_the_titles_toneless_pinyin() {
        let terms = |q: &str| kinds(q).into_iter().flatten().map(|(_, _, t)| t).collect::<Vec<_>>();
        assert_eq!(terms("gōngshè"), ["gongshe"]);
        assert_eq!(terms("^Rénmín lǜ$ 'nǚ"), ["Renmin", "lv", "nv"]);
        assert_eq!(terms("Lüshun"), ["Lvshun"]);
        // not pinyin: left as typed
        let mut mixed = terms("公社 gongshe café");
        mixed.sort();
        assert_eq!(mixed, ["cafe", "gongshe", "公社"]);
        assert_eq!(terms("é公"), ["é公"]);
    }

    #[test]
    fn parses_fzf_operators() {
        use TermKind::*;
        let one = |k, inv, s: &str| vec![vec![(k, inv, s.to_string())]];
        assert_eq!(kinds("abc"), one(Fuzzy, false, "abc"));
        assert_eq!(kinds("'abc"), one(Exact, false, "abc"));
        assert_eq!(kinds("^abc"), one(Prefix, false, "abc"));
        assert_eq!(kinds("abc$"), one(Suffix, false, "abc"));
        assert_eq!(kinds("^abc$"), one(Equal, false, "abc"));
        assert_eq!(kinds("!abc"), one(Exact, true, "abc"));
        assert_eq!(kinds("!^abc"), one(Prefix, true, "abc"));
        assert_eq!(kinds("!abc$"), one(Suffix, true, "abc"));
        assert_eq!(kinds("!'abc"), one(Fuzzy, true, "abc"));
        assert_eq!(kinds("$"), one(Fuzzy, false, "$"));
        assert_eq!(kinds("a\\ b"), one(Fuzzy, false, "a b"));
        for ignored in ["'", "^", "!", "!^", "^$", "", "   ", "' ^ !"] {
            assert!(Query::parse(ignored).is_empty(), "{ignored:?}");
        }
        assert_eq!(kinds("  a   b  ").len(), 2);
        assert_eq!(
            kinds("^core go$ | rb$ | py$"),
            vec![
                vec![(Prefix, false, "core".into())],
                vec![
                    (Suffix, false, "go".into()),
                    (Suffix, false, "rb".into()),
                    (Suffix, false, "py".into())
                ]
            ]
        );
        // A leading bar is an ordinary term.
        assert_eq!(kinds("| a"), vec![vec![(Fuzzy, false, "|".into())], vec![(Fuzzy, false, "a".into())]]);
    }

    #[test]
    fn smart_case_per_term() {
        let q = Query::parse("Mao zedong");
        let mut cs: Vec<_> = q.terms().map(|t| (t.text.as_str(), t.case_sensitive)).collect();
        cs.sort_unstable();
        assert_eq!(cs, vec![("Mao", true), ("zedong", false)]);
    }

    #[test]
    fn narrowing() {
        let n = |new: &str, old: &str| Query::parse(new).narrows(&Query::parse(old));
        assert!(n("x", ""));
        assert!(n("xi", "x"));
        assert!(n("xiang", "xia"));
        assert!(n("xiang c", "xiang"));
        assert!(n("xiang co", "xiang c"));
        assert!(!n("'abc", "ab"));
        assert!(!n("xg", "xiang"));
        assert!(n("'abcd", "'abc"));
        assert!(n("^abcd", "^abc"));
        assert!(n("Abc", "abc"));
        assert!(n("!fo", "!foo"));
        assert!(n("a !b", "a"));
        assert!(!n("!foo", "!fo"));
        assert!(!n("abc$", "ab$"));
        assert!(!n("abc", "Ab"));
        assert!(!n("ab", "abc"));
        assert!(!n("a | b", "a"));
        assert!(n("a", "a | b"));
        assert!(n("'湘乡县", "湘乡"));
        assert!(!n("^abc$", "^ab$"));
        assert!(n("^abc$", "^ab"));
        assert!(n("^abc$", "bc$"));
        assert!(n("^abc$", "'b"));
    }

    #[test]
    fn exact_finders() {
        let t = |q: &str| Query::parse(q).sets[0][0].clone();
        assert_eq!(t("'news").find_exact("Brief News", false), Some((6, 10)));
        assert_eq!(t("'News").find_exact("Brief news", false), None);
        assert_eq!(t("^brief").find_exact("  Brief News", false), Some((2, 7)));
        assert_eq!(t("news$").find_exact("Brief News ", false), Some((6, 10)));
        assert_eq!(t("^brief\\ news$").find_exact(" Brief News ", false), Some((1, 11)));
        assert_eq!(t("'乡县").find_exact("湘乡县", false), Some((3, 9)));
        assert_eq!(find_ascii_ci(b"abcABC", b"bc"), Some(1));
        assert_eq!(find_ascii_ci(b"ab", b"abc"), None);
    }

    #[test]
    fn masks() {
        assert_eq!(char_mask("aA"), 1);
        assert_eq!(char_mask("ab") & char_mask("Brief"), 2);
        assert!(char_mask("湘乡") != 0);
    }
}
