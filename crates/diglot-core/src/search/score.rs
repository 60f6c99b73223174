//! Score-only re-implementation of fuzzy-matcher 0.3.7's `SkimMatcherV2` ("skim v2").
//!
//! Why not call `SkimMatcherV2::fuzzy_match` for every candidate?
//!
//! * Speed: it converts the choice to a `Vec<char>`, allocates two vectors per call and
//!   evaluates the full `pattern × choice` matrix with 20-byte cells. For short queries that
//!   match most titles ("c", "co", "xi") that is 5-10× too slow for a full scan of 100k+
//!   titles per keystroke.
//! * Determinism: the shared matcher keeps its score matrix in a thread-local cache, and one
//!   field of a cell (`bonus`) is read before it is written in the current call, so about
//!   0.1 % of scores depend on what the same thread matched before. With rayon that makes
//!   rankings vary from run to run.
//!
//! [`score`] (or a prepared [`Pattern`]) returns exactly what a *freshly created*
//! `SkimMatcherV2::default()` returns from `fuzzy_match`: the same recurrences, including the
//! quirks of its two-row matrix, but evaluated only at the occurrences of pattern characters
//! (see `score_syms`), on bytes when both strings are ASCII. The unit tests and a proptest check equality against the real
//! matcher on arbitrary strings, including CJK and emoji. Match *positions* (highlights) are
//! still taken from `SkimMatcherV2::fuzzy_indices` itself.

use std::cmp::max;

const NEG_INFINITY: i32 = i16::MIN as i32;
const SCORE_MATCH: i32 = 16;
const GAP_START: i32 = -3;
const GAP_EXTENSION: i32 = -1;
const BONUS_FIRST_CHAR_MULTIPLIER: i32 = 2;
const BONUS_HEAD: i32 = SCORE_MATCH / 2;
const BONUS_BREAK: i32 = SCORE_MATCH / 2 + GAP_EXTENSION;
const BONUS_CAMEL: i32 = SCORE_MATCH / 2 + 2 * GAP_EXTENSION;
const BONUS_CONSECUTIVE: i32 = -(GAP_START + GAP_EXTENSION);
const PENALTY_CASE_MISMATCH: i32 = GAP_EXTENSION * 2;

/// Character classes of skim v2 (`Empty` is the virtual character before the string).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
enum CharType {
    Empty,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

const fn char_type(ch: char) -> CharType {
    match ch {
        '\0' => CharType::Empty,
        ' ' | '/' | '\\' | '|' | '(' | ')' | '[' | ']' | '{' | '}' => CharType::HardSep,
        '!'..='\'' | '*'..='.' | ':'..='@' | '^'..='`' | '~' => CharType::SoftSep,
        '0'..='9' => CharType::Number,
        'A'..='Z' => CharType::Upper,
        _ => CharType::Lower,
    }
}

const fn in_place_bonus(prev: CharType, cur: CharType) -> i32 {
    match (prev, cur) {
        (CharType::Empty, _) | (CharType::HardSep, _) => BONUS_HEAD,
        (CharType::SoftSep, _) => BONUS_BREAK,
        (CharType::Lower, CharType::Upper) | (CharType::Number, CharType::Upper) => BONUS_CAMEL,
        _ => 0,
    }
}

// Built at compile time: indices run over the table's own 128 entries.
#[allow(clippy::indexing_slicing)]
const BYTE_TYPES: [CharType; 128] = {
    let mut t = [CharType::Lower; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = char_type(i as u8 as char);
        i += 1;
    }
    t
};

/// A symbol the scorer can work on: an ASCII byte or a `char`, with its prepared pattern
/// symbol type.
trait Sym: Copy + Eq {
    type Pat: Copy;
    fn ty(self) -> CharType;
    /// skim's `char_equal` under the pattern's case rule.
    fn matches(self, p: Self::Pat) -> bool;
    /// A matched choice symbol differs from the pattern symbol under case-insensitive
    /// matching (skim's case-mismatch penalty).
    fn case_mismatch(self, p: Self::Pat) -> bool;
}

/// A pattern byte: `(b | or) == target` is skim's comparison; `orig` is the byte itself.
#[derive(Clone, Copy, Debug)]
struct BytePat {
    or: u8,
    target: u8,
    orig: u8,
    ignore_case: bool,
}

impl Sym for u8 {
    type Pat = BytePat;
    #[inline(always)]
    // The fuzzy scorer's hot loop: rows and tables sized to the pattern and title just above, offsets bounded by them.
    #[allow(clippy::indexing_slicing)]
    fn ty(self) -> CharType {
        BYTE_TYPES[(self & 0x7f) as usize]
    }
    #[inline(always)]
    fn matches(self, p: BytePat) -> bool {
        self | p.or == p.target
    }
    #[inline(always)]
    fn case_mismatch(self, p: BytePat) -> bool {
        p.ignore_case && self != p.orig
    }
}

impl Sym for char {
    type Pat = (char, bool);
    #[inline(always)]
    fn ty(self) -> CharType {
        char_type(self)
    }
    #[inline(always)]
    fn matches(self, (p, case_sensitive): (char, bool)) -> bool {
        if case_sensitive {
            self == p
        } else {
            self.eq_ignore_ascii_case(&p)
        }
    }
    #[inline(always)]
    fn case_mismatch(self, (p, case_sensitive): (char, bool)) -> bool {
        !case_sensitive && self != p
    }
}

/// A pattern prepared for scoring many choices.
#[derive(Clone, Debug)]
pub struct Pattern {
    chars: Vec<(char, bool)>,
    /// `None` if the pattern is not ASCII (it can then never match an ASCII choice).
    bytes: Option<Vec<BytePat>>,
    /// The most the characters after the first can add to a score (see [`Pattern::bound`]).
    tail: i32,
}

impl Pattern {
    /// Prepares `pattern`; `case_sensitive` as for [`score`].
    pub fn new(pattern: &str, case_sensitive: bool) -> Pattern {
        let bytes: Option<Vec<BytePat>> = pattern.is_ascii().then(|| {
            pattern
                .bytes()
                .map(|b| {
                    let fold = !case_sensitive && b.is_ascii_alphabetic();
                    BytePat {
                        or: if fold { 0x20 } else { 0 },
                        target: if fold { b | 0x20 } else { b },
                        orig: b,
                        ignore_case: !case_sensitive,
                    }
                })
                .collect()
        });
        let chars: Vec<(char, bool)> = pattern.chars().map(|c| (c, case_sensitive)).collect();
        let tail = chars.iter().zip(chars.iter().skip(1)).map(|(&a, &b)| pair_bound(a, b)).sum();
        Pattern { chars, bytes, tail }
    }

    /// An upper bound of [`Pattern::score`] on `choice`, `None` exactly when the score is
    /// `None`; much cheaper: a subsequence test and one pass over the first pattern
    /// character's occurrences, no DP. Exact for a one-character pattern.
    ///
    /// Why it bounds skim's score: every value of skim's matrix (see `score_syms`) is the
    /// value of a path through matched cells, one per pattern character, except that the
    /// stale cells a row starts from let a path skip two characters. The path's first cell
    /// is worth `GAP_EXTENSION + B + match` (what the first character alone scores, computed
    /// here over its occurrences: B is doubled in column 0); every later cell adds at most
    /// `max(B, BONUS_CONSECUTIVE) + match` when it follows the previous character's cell
    /// directly, where B depends only on the two characters' types (so on the pattern's
    /// pair, over the cases the case rule lets match), and at most
    /// `BONUS_HEAD - 4 + match` after a gap (P is at most M - 4 one column on). Those
    /// per-pair maxima are summed once in [`Pattern::new`]. A skipped character would have
    /// added at least 10 and a skip gains at most 3, so skipping never exceeds the sum.
    pub(crate) fn bound(&self, choice: &str, ascii: bool) -> Option<i64> {
        if ascii {
            self.bound_ascii(choice.as_bytes())
        } else {
            self.bound_unicode(choice)
        }
    }

    /// [`Pattern::bound`] for a choice known to be ASCII.
    pub(crate) fn bound_ascii(&self, choice: &[u8]) -> Option<i64> {
        if self.chars.is_empty() {
            return Some(0);
        }
        let (first, _) = self.bound_parts_ascii(choice)?;
        Some(i64::from(first) + i64::from(self.tail))
    }

    /// What [`Pattern::bound_ascii`] is made of, for a pattern of at least one character: the
    /// first character's best value in `choice` (the bound is that plus [`Pattern::tail`])
    /// and where the greedy match of the whole pattern, from the first character's first
    /// occurrence, ends (the byte after its last character: see [`Pattern::extend_ascii`]).
    /// `None` if the pattern is not a subsequence of `choice` (or is empty).
    // Occurrence indices come from memchr over `choice` itself.
    #[allow(clippy::indexing_slicing)]
    pub(crate) fn bound_parts_ascii(&self, choice: &[u8]) -> Option<(i32, usize)> {
        let &p = self.bytes.as_deref()?.first()?;
        let mut best = NEG_INFINITY;
        let mut first = None;
        let mut visit = |j: usize| {
            first.get_or_insert(j);
            best = max(best, GAP_EXTENSION + bonus_at(choice, j) + byte_match_score(choice[j], p));
        };
        for_occurrences(choice, p, 0, &mut visit);
        let end = self.extend_ascii(choice, first? + 1, 1)?;
        Some((best, end))
    }

    /// The greedy match of the pattern's characters `from..` in `choice` from byte `at` on:
    /// where it ends (the byte after the last one), `None` if they do not all occur in order.
    pub(crate) fn extend_ascii(&self, choice: &[u8], mut at: usize, from: usize) -> Option<usize> {
        for &p in self.bytes.as_deref()?.get(from..)? {
            at += find_byte(choice.get(at..)?, p)? + 1;
        }
        Some(at)
    }

    /// The most the characters after the first can add to a score (see [`Pattern::bound`]).
    pub(crate) fn tail(&self) -> i32 {
        self.tail
    }

    /// The number of characters of the pattern.
    pub(crate) fn len(&self) -> usize {
        self.chars.len()
    }

    /// A tighter [`Pattern::bound`] (never above it) for an ASCII choice, still without the
    /// DP: each character after the first counts its best occurrence in this choice (from its
    /// greedy first match on), `max(B, BONUS_CONSECUTIVE) + match` where the previous
    /// character can match the column before, else `B - 4 + match`, instead of the
    /// pattern's most. A skipped character still adds at least 10, so skips stay below.
    // Occurrence indices come from memchr over `choice` itself; rows run over the pattern.
    #[allow(clippy::indexing_slicing)]
    pub(crate) fn bound_fine_ascii(&self, choice: &[u8]) -> Option<i64> {
        let pattern = self.bytes.as_deref()?;
        let Some(&p0) = pattern.first() else {
            return Some(0);
        };
        let mut total = NEG_INFINITY;
        let mut first = None;
        for_occurrences(choice, p0, 0, |j| {
            first.get_or_insert(j);
            total = max(total, GAP_EXTENSION + bonus_at(choice, j) + byte_match_score(choice[j], p0));
        });
        let mut prev_first = first?;
        for (i, &p) in pattern.iter().enumerate().skip(1) {
            let pp = pattern[i - 1];
            let mut best = NEG_INFINITY;
            let mut first = None;
            for_occurrences(choice, p, prev_first + 1, |j| {
                first.get_or_insert(j);
                let b = bonus_at(choice, j);
                let v = if j > prev_first && choice[j - 1].matches(pp) {
                    max(b, BONUS_CONSECUTIVE)
                } else {
                    b + GAP_START + GAP_EXTENSION
                };
                best = max(best, v + byte_match_score(choice[j], p));
            });
            prev_first = first?;
            total += best;
        }
        Some(i64::from(total))
    }

    /// [`Pattern::bound`] for any choice.
    // The bonus table is indexed by char types (its own 6x6 size).
    #[allow(clippy::indexing_slicing)]
    pub(crate) fn bound_unicode(&self, choice: &str) -> Option<i64> {
        if self.chars.is_empty() {
            return Some(0);
        }
        let (first, _) = self.bound_parts_unicode(choice)?;
        Some(i64::from(first) + i64::from(self.tail))
    }

    /// [`Pattern::bound_parts_ascii`] for any choice (`end`: a byte offset into `choice`).
    // The bonus table is indexed by char types (its own 6x6 size).
    #[allow(clippy::indexing_slicing)]
    pub(crate) fn bound_parts_unicode(&self, choice: &str) -> Option<(i32, usize)> {
        let &p = self.chars.first()?;
        let mut best = NEG_INFINITY;
        let mut after = None;
        let mut prev = CharType::Empty;
        for (j, (at, c)) in choice.char_indices().enumerate() {
            let ty = c.ty();
            if c.matches(p) {
                let mult = if j == 0 { BONUS_FIRST_CHAR_MULTIPLIER } else { 1 };
                let bonus = i32::from(BONUS_TABLE[prev as usize][ty as usize]) * mult;
                best = max(best, GAP_EXTENSION + bonus + match_score(c, p));
                after.get_or_insert(at + c.len_utf8());
            }
            prev = ty;
        }
        Some((best, self.extend_unicode(choice, after?, 1)?))
    }

    /// [`Pattern::extend_ascii`] for any choice (`at`: a byte offset into `choice`).
    pub(crate) fn extend_unicode(&self, choice: &str, at: usize, from: usize) -> Option<usize> {
        let mut tail = choice.get(at..)?.char_indices();
        let mut end = at;
        for &p in self.chars.get(from..)? {
            let (k, c) = tail.find(|&(_, c)| c.matches(p))?;
            end = at + k + c.len_utf8();
        }
        Some(end)
    }

    /// [`Pattern::bound_parts_unicode`] on the bytes of a choice known to be valid UTF-8
    /// (the same answer as on `std::str::from_utf8(choice)`), without decoding it: the
    /// first character's occurrences are found as bytes (in valid UTF-8 an ASCII byte is a
    /// whole character and a character's encoding found starts at a character), and each
    /// occurrence's bonus needs only the byte before it (a byte of a multi-byte character
    /// is of that character's type, `Lower`, as [`letter_firsts`] takes it). Garbage in,
    /// garbage out (never a panic) on bytes that are not UTF-8.
    // The bonus table is indexed by char types (its own 6x6 size).
    #[allow(clippy::indexing_slicing)]
    pub(crate) fn bound_parts_utf8(&self, choice: &[u8]) -> Option<(i32, usize)> {
        let &p = self.chars.first()?;
        let ty = |b: u8| if b < 0x80 { b.ty() } else { CharType::Lower };
        let mut best = NEG_INFINITY;
        let mut after = None;
        let mut next = next_char(choice, p, 0);
        while let Some(a) = next {
            next = next_char(choice, p, a + 1);
            let &c = choice.get(a).unwrap_or(&0);
            let (prev, mult) = match a.checked_sub(1).and_then(|k| choice.get(k)) {
                Some(&b) => (ty(b), 1),
                None => (CharType::Empty, BONUS_FIRST_CHAR_MULTIPLIER),
            };
            let bonus = i32::from(BONUS_TABLE[prev as usize][ty(c) as usize]) * mult;
            // (an ASCII pattern character matched the other case: skim's case penalty)
            let m = if p.0.is_ascii() && !p.1 && c != p.0 as u8 {
                max(0, SCORE_MATCH + PENALTY_CASE_MISMATCH)
            } else {
                SCORE_MATCH
            };
            best = max(best, GAP_EXTENSION + bonus + m);
            after.get_or_insert(a + p.0.len_utf8());
        }
        Some((best, self.extend_utf8(choice, after?, 1)?))
    }

    /// [`Pattern::extend_unicode`] on the bytes of a choice known to be valid UTF-8 (the
    /// same answer), without decoding it (see [`Pattern::bound_parts_utf8`]).
    pub(crate) fn extend_utf8(&self, choice: &[u8], mut at: usize, from: usize) -> Option<usize> {
        choice.get(at..)?;
        for &p in self.chars.get(from..)? {
            at = next_char(choice, p, at)? + p.0.len_utf8();
        }
        Some(at)
    }

    /// True for the empty pattern (which matches everything with score 0).
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The score of this pattern in `choice` (see [`score`]).
    pub fn score(&self, choice: &str, s: &mut Scratch) -> Option<i64> {
        if choice.is_ascii() {
            self.score_ascii(choice.as_bytes(), s)
        } else {
            self.score_unicode(choice, s)
        }
    }

    /// [`Pattern::score`] for a choice known to be ASCII.
    #[inline]
    pub fn score_ascii(&self, choice: &[u8], s: &mut Scratch) -> Option<i64> {
        self.score_ascii_with(choice, s)
    }

    #[inline]
    // The fuzzy scorer's hot loop: rows and tables sized to the pattern and title just above, offsets bounded by them.
    #[allow(clippy::indexing_slicing)]
    fn score_ascii_with(&self, choice: &[u8], s: &mut Scratch) -> Option<i64> {
        if self.chars.is_empty() {
            return Some(0);
        }
        let pattern = self.bytes.as_deref()?;
        if let [p] = pattern {
            // One byte: skim's score is the best matching column (see `score_syms`).
            let p = *p;
            let mut best: Option<i32> = None;
            let mut visit = |j: usize| {
                let b = bonus_at(choice, j);
                best = Some(
                    best.map_or(i32::MIN, |x| x).max(GAP_EXTENSION + b + byte_match_score(choice[j], p)),
                );
            };
            if p.or == 0 {
                memchr::memchr_iter(p.target, choice).for_each(&mut visit);
            } else {
                memchr::memchr2_iter(p.target, p.target & !0x20, choice).for_each(&mut visit);
            }
            return best.map(i64::from);
        }
        // Occurrences of every pattern byte as bitsets, row i from its first match on
        // (nothing earlier is ever read), which is skim's greedy first match (`cheap_matches`):
        // the first occurrence after the row before's. A choice that does not match stops at
        // the first row without one.
        let words = choice.len().div_ceil(64).max(1);
        let mut bits = std::mem::take(&mut s.bits);
        bits.clear();
        bits.resize(pattern.len() * words, 0);
        s.first.clear();
        let mut from = 0;
        for (i, &p) in pattern.iter().enumerate() {
            let Some(at) = fill_bits(choice, p, from, &mut bits[i * words..(i + 1) * words]) else {
                s.bits = bits;
                return None;
            };
            s.first.push(at);
            from = at + 1;
        }
        let occ = Bits { bits: &bits, words };
        let r = score_syms(choice, pattern, &occ, s);
        s.bits = bits;
        Some(r)
    }

    /// [`Pattern::score_ascii`], and the last two rows of its DP (the pattern has at least
    /// two characters and matches), their cells appended to `cells`: what
    /// [`Pattern::extend_dp`] continues from when the pattern grows.
    pub(crate) fn score_ascii_dp(
        &self,
        choice: &[u8],
        s: &mut Scratch,
        cells: &mut Vec<Cell>,
    ) -> Option<(i64, Option<DpTail>)> {
        let score = self.score_ascii_with(choice, s)?;
        let m = self.bytes.as_deref().map_or(0, <[BytePat]>::len);
        Some((score, if m >= 2 { DpTail::of(s, m, cells) } else { None }))
    }

    /// The score of this pattern on an ASCII choice, given `tail` (in `cells`): the last two
    /// rows of the DP of its first `from` characters (at least two) on the same choice, as
    /// [`Pattern::score_ascii_dp`] or this gave it. Only the rows of the characters after
    /// them are computed (each from its greedy first match on, the one after the carried
    /// last row's first column: skim's `first` of every earlier row is what it was). The same
    /// score as [`Pattern::score_ascii`], and the new last two rows (cells appended to
    /// `out`).
    // Rows indexed by pattern position (sized to the pattern just above).
    #[allow(clippy::indexing_slicing)]
    pub(crate) fn extend_dp(
        &self,
        choice: &[u8],
        tail: &DpTail,
        cells: &[Cell],
        from: usize,
        s: &mut Scratch,
        out: &mut Vec<Cell>,
    ) -> Option<(i64, Option<DpTail>)> {
        let pattern = self.bytes.as_deref()?;
        let m = pattern.len();
        if from < 2 || m <= from {
            return None;
        }
        s.first.clear();
        s.first.resize(m, 0);
        let mut at = tail.first as usize;
        s.first[from - 1] = at;
        for (i, &p) in pattern.iter().enumerate().skip(from) {
            at += find_byte(choice.get(at + 1..)?, p)? + 1;
            s.first[i] = at;
        }
        s.cells.clear();
        s.cells.extend_from_slice(cells.get(tail.start as usize..tail.end as usize)?);
        let (na, nb) = ((tail.mid - tail.start) as usize, (tail.end - tail.mid) as usize);
        s.rows.clear();
        // (rows before the carried two are never read: placeholders)
        s.rows.resize(from - 2, Row { start: 0, end: 0, base: NEG_INFINITY });
        s.rows.push(Row { start: 0, end: na, base: tail.base[0] });
        s.rows.push(Row { start: na, end: na + nb, base: tail.base[1] });
        let occ = Memchr { choice, pattern };
        let score = dp_rows(choice, pattern, &occ, from, s);
        Some((score, DpTail::of(s, m, out)))
    }

    /// [`Pattern::score`] for any choice.
    pub fn score_unicode(&self, choice: &str, s: &mut Scratch) -> Option<i64> {
        if self.chars.is_empty() {
            return Some(0);
        }
        let mut c = std::mem::take(&mut s.choice);
        c.clear();
        c.extend(choice.chars());
        let occ = Scan { choice: &c[..], pattern: &self.chars[..] };
        let r = first_matches(&c, &self.chars, &mut s.first).then(|| score_syms(&c, &self.chars, &occ, s));
        s.choice = c;
        r
    }
}

/// Calls `f(j)` for every `j >= from` at which `p` matches `choice`, in order.
#[inline]
fn for_occurrences(choice: &[u8], p: BytePat, from: usize, f: impl FnMut(usize)) {
    let Some(hay) = choice.get(from..) else { return };
    let mut f = f;
    if hay.len() <= SWAR_MAX {
        swar_words(hay, p, |at, mut m| {
            while m != 0 {
                f(from + at + (m.trailing_zeros() / 8) as usize);
                m &= m - 1;
            }
            true
        });
        return;
    }
    if p.or == 0 {
        memchr::memchr_iter(p.target, hay).for_each(|k| f(from + k));
    } else {
        memchr::memchr2_iter(p.target, p.target & !0x20, hay).for_each(|k| f(from + k));
    }
}

/// Haystacks longer than this are searched with memchr (vectors, after a set-up), shorter
/// ones eight bytes at a time inline: most titles' rest after a match end is shorter, and
/// memchr's call through its dispatch and its set-up cost more there than the search.
const SWAR_MAX: usize = 64;

/// The first offset in `hay` at which `p` matches (`(b | p.or) == p.target`, what memchr2
/// of the byte's two cases, or memchr of it, finds), if any.
#[inline]
fn find_byte(hay: &[u8], p: BytePat) -> Option<usize> {
    if hay.len() > SWAR_MAX {
        return if p.or == 0 {
            memchr::memchr(p.target, hay)
        } else {
            memchr::memchr2(p.target, p.target & !0x20, hay)
        };
    }
    let mut found = None;
    swar_words(hay, p, |at, m| {
        if m != 0 {
            found = Some(at + (m.trailing_zeros() / 8) as usize);
        }
        m == 0
    });
    found
}

/// Calls `g(at, m)` for the haystack's eight-byte words in order (the last one shorter,
/// padded), `at` the word's offset and `m` the high bit of each of its bytes that matches
/// `p` (exactly: a byte matches iff `(b | p.or) == p.target`; the padding never does), until
/// `g` returns false.
#[inline(always)]
fn swar_words(hay: &[u8], p: BytePat, mut g: impl FnMut(usize, u64) -> bool) {
    const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HI: u64 = 0x8080_8080_8080_8080;
    let or = u64::from(p.or) * 0x0101_0101_0101_0101;
    let target = u64::from(p.target) * 0x0101_0101_0101_0101;
    // (the has-zero-byte test without false positives: no carry crosses a byte)
    let hits = |w: u64| {
        let y = (w | or) ^ target;
        !(((y & LO7) + LO7) | y) & HI
    };
    let mut chunks = hay.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        if !g(at, hits(u64::from_le_bytes(w))) {
            return;
        }
        at += 8;
    }
    let rest = chunks.remainder();
    if rest.is_empty() {
        return;
    }
    let mut w = [0u8; 8];
    if let Some(head) = w.get_mut(..rest.len()) {
        head.copy_from_slice(rest);
    }
    // (the padding's bytes are not the haystack's: masked off; `rest` is under 8 bytes)
    g(at, hits(u64::from_le_bytes(w)) & ((1u64 << (8 * rest.len())) - 1));
}

/// The first byte offset `a >= from` of valid UTF-8 `choice` at which the character `p` is
/// (with its case rule: an ASCII character in either case unless case-sensitive, as
/// `char::matches` takes it), if any.
fn next_char(choice: &[u8], (p, case_sensitive): (char, bool), from: usize) -> Option<usize> {
    let hay = choice.get(from..)?;
    if p.is_ascii() {
        let b = p as u8;
        let k = if case_sensitive || !b.is_ascii_alphabetic() {
            memchr::memchr(b, hay)
        } else {
            memchr::memchr2(b.to_ascii_lowercase(), b.to_ascii_uppercase(), hay)
        };
        return k.map(|k| from + k);
    }
    // (found by its last byte, a continuation byte: in Chinese text far rarer than a lead
    // byte, which every character of a block shares)
    let mut buf = [0u8; 4];
    let enc = p.encode_utf8(&mut buf).as_bytes();
    let (&last, head) = enc.split_last()?;
    memchr::memchr_iter(last, hay)
        .filter_map(|k| k.checked_sub(head.len()))
        .find(|&a| hay.get(a..a + head.len()).is_some_and(|h| h.iter().zip(head).all(|(x, y)| x == y)))
        .map(|a| from + a)
}

/// Every ASCII letter's first value in `choice`, in one pass: entry `l` becomes the larger
/// of itself and what `Pattern::new(l, false)` (`l` the lowercase letter `a + l`) gives as
/// the first of [`Pattern::bound_parts_unicode`] (`unicode`: a byte of a multi-byte
/// character is a lowercase-like symbol, as its character is) or of
/// [`Pattern::bound_parts_ascii`] (`!unicode`: every byte typed as its low 7 bits, as there);
/// letters that do not occur are left as they are.
// The bonus table is indexed by char types (its own 6x6 size).
#[allow(clippy::indexing_slicing)]
pub(crate) fn letter_firsts(choice: &[u8], unicode: bool, out: &mut [i32; 26]) {
    let mut prev = CharType::Empty;
    let mut mult = BONUS_FIRST_CHAR_MULTIPLIER;
    for &b in choice {
        let cur = if unicode && b >= 0x80 { CharType::Lower } else { b.ty() };
        // (an ASCII letter, either case: `b | 0x20` is then `a..=z`)
        let l = (b | 0x20).wrapping_sub(b'a');
        if let Some(slot) = out.get_mut(usize::from(l)) {
            let bonus = i32::from(BONUS_TABLE[prev as usize][cur as usize]) * mult;
            let m = if b.is_ascii_lowercase() {
                SCORE_MATCH
            } else {
                max(0, SCORE_MATCH + PENALTY_CASE_MISMATCH)
            };
            *slot = max(*slot, GAP_EXTENSION + bonus + m);
        }
        prev = cur;
        mult = 1;
    }
}

/// The most pattern character `b` can add to a score after pattern character `a` (see
/// [`Pattern::bound`]): directly after `a`'s cell, the bonus of the pair's types (at least
/// the consecutive bonus), or after a gap, the largest bonus less the gap's 4.
// The bonus table is indexed by char types (its own 6x6 size).
#[allow(clippy::indexing_slicing)]
fn pair_bound(a: (char, bool), b: (char, bool)) -> i32 {
    let cases = |(p, case_sensitive): (char, bool)| {
        if case_sensitive {
            [p, p]
        } else {
            [p.to_ascii_lowercase(), p.to_ascii_uppercase()]
        }
    };
    let mut best = BONUS_HEAD + GAP_START + GAP_EXTENSION + SCORE_MATCH;
    for x in cases(a) {
        for y in cases(b) {
            let bonus = i32::from(BONUS_TABLE[x.ty() as usize][y.ty() as usize]);
            best = max(best, max(bonus, BONUS_CONSECUTIVE) + match_score(y, b));
        }
    }
    best
}

/// Reusable buffers for [`score`]; one per thread (or per rayon task).
#[derive(Default, Debug)]
pub struct Scratch {
    first: Vec<usize>,
    cells: Vec<Cell>,
    rows: Vec<Row>,
    choice: Vec<char>,
    bits: Vec<u64>,
}

/// Where the pattern symbols occur in the choice.
trait Occurrences {
    /// Calls `f(j)` for every `j >= from` at which pattern symbol `i` occurs, in order.
    fn for_each(&self, i: usize, from: usize, f: impl FnMut(usize));
}

/// Occurrences found by scanning the choice.
struct Scan<'a, S: Sym> {
    choice: &'a [S],
    pattern: &'a [S::Pat],
}

impl<S: Sym> Occurrences for Scan<'_, S> {
    #[inline]
    // The fuzzy scorer's hot loop: rows and tables sized to the pattern and title just above, offsets bounded by them.
    #[allow(clippy::indexing_slicing)]
    fn for_each(&self, i: usize, from: usize, mut f: impl FnMut(usize)) {
        let p = self.pattern[i];
        for (j, &c) in self.choice.iter().enumerate().skip(from) {
            if c.matches(p) {
                f(j);
            }
        }
    }
}

/// `in_place_bonus` for every pair of char types, indexed `[prev as usize][cur as usize]`.
// Built at compile time: indices run over the table's own 6x6 size.
#[allow(clippy::indexing_slicing)]
const BONUS_TABLE: [[i8; 6]; 6] = {
    const TYPES: [CharType; 6] = [
        CharType::Empty,
        CharType::Upper,
        CharType::Lower,
        CharType::Number,
        CharType::HardSep,
        CharType::SoftSep,
    ];
    let mut t = [[0i8; 6]; 6];
    let mut a = 0;
    while a < 6 {
        let mut b = 0;
        while b < 6 {
            t[a][b] = in_place_bonus(TYPES[a], TYPES[b]) as i8;
            b += 1;
        }
        a += 1;
    }
    t
};

/// In-place bonus of `choice[j]` (skim's `B[j + 1]`).
#[inline(always)]
// The fuzzy scorer's hot loop: rows and tables sized to the pattern and title just above, offsets bounded by them.
#[allow(clippy::indexing_slicing)]
fn bonus_at<S: Sym>(choice: &[S], j: usize) -> i32 {
    if j == 0 {
        i32::from(BONUS_TABLE[CharType::Empty as usize][choice[0].ty() as usize])
            * BONUS_FIRST_CHAR_MULTIPLIER
    } else {
        i32::from(BONUS_TABLE[choice[j - 1].ty() as usize][choice[j].ty() as usize])
    }
}

#[inline(always)]
fn byte_match_score(c: u8, p: BytePat) -> i32 {
    if c.case_mismatch(p) {
        max(0, SCORE_MATCH + PENALTY_CASE_MISMATCH)
    } else {
        SCORE_MATCH
    }
}

/// Sets bit `j` of `row` (one bit per choice byte) for every `j >= from` at which `p`
/// matches `choice`, clears the others; returns the first such `j`. Eight bytes at a time
/// (SWAR).
// SWAR over the title's bytes: chunk and row indices bounded by `choice.len()` and the row's size.
#[allow(clippy::indexing_slicing)]
#[inline]
fn fill_bits(choice: &[u8], p: BytePat, from: usize, row: &mut [u64]) -> Option<usize> {
    const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HI: u64 = 0x8080_8080_8080_8080;
    let or = u64::from(p.or) * 0x0101_0101_0101_0101;
    let target = u64::from(p.target) * 0x0101_0101_0101_0101;
    // bit k set iff byte k of `w` matches (exact zero-byte test, then a multiply gathers
    // the eight high bits)
    let eq8 = |w: u64| {
        let y = (w | or) ^ target;
        let zero = !(((y & LO7) + LO7) | y) & HI;
        (zero >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
    };
    row.fill(0);
    let g0 = (from / 8 * 8).min(choice.len());
    let mut chunks = choice[g0..].chunks_exact(8);
    let mut j = g0;
    for c in &mut chunks {
        let m = eq8(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        row[j / 64] |= m << (j % 64);
        j += 8;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        let m = eq8(u64::from_le_bytes(buf)) & ((1 << rest.len()) - 1);
        row[j / 64] |= m << (j % 64);
    }
    let fw = from / 64;
    if fw >= row.len() {
        return None;
    }
    row[fw] &= !0u64 << (from % 64);
    row[fw..].iter().position(|&w| w != 0).map(|k| (fw + k) * 64 + row[fw + k].trailing_zeros() as usize)
}

/// Occurrences as one bitset (of `words` u64) per pattern position.
struct Bits<'a> {
    bits: &'a [u64],
    words: usize,
}

impl Occurrences for Bits<'_> {
    #[inline]
    // The fuzzy scorer's hot loop: rows and tables sized to the pattern and title just above, offsets bounded by them.
    #[allow(clippy::indexing_slicing)]
    fn for_each(&self, i: usize, from: usize, mut f: impl FnMut(usize)) {
        let row = &self.bits[i * self.words..(i + 1) * self.words];
        let mut w = from / 64;
        if w >= self.words {
            return;
        }
        let mut cur = row[w] & (!0u64 << (from % 64));
        loop {
            while cur != 0 {
                f(w * 64 + cur.trailing_zeros() as usize);
                cur &= cur - 1;
            }
            w += 1;
            if w == self.words {
                return;
            }
            cur = row[w];
        }
    }
}

/// Whether skim's smart case makes `pattern` case-sensitive (it has an ASCII capital).
pub fn is_case_sensitive(pattern: &str) -> bool {
    pattern.bytes().any(|b| b.is_ascii_uppercase())
}

/// The score `SkimMatcherV2::default()` (fresh, smart case) gives `pattern` in `choice`, or
/// `None` if `pattern` is not a subsequence of `choice` (ASCII case folded when
/// `case_sensitive` is false). Pass `case_sensitive = is_case_sensitive(pattern)` for smart
/// case; `false` gives `SkimMatcherV2::default().ignore_case()`. To score many choices,
/// prepare a [`Pattern`] once.
pub fn score(choice: &str, pattern: &str, case_sensitive: bool, s: &mut Scratch) -> Option<i64> {
    Pattern::new(pattern, case_sensitive).score(choice, s)
}

/// First-match indices of skim's `cheap_matches` (greedy subsequence), into `first`.
#[inline]
// The fuzzy scorer's hot loop: rows and tables sized to the pattern and title just above, offsets bounded by them.
#[allow(clippy::indexing_slicing)]
fn first_matches<S: Sym>(choice: &[S], pattern: &[S::Pat], first: &mut Vec<usize>) -> bool {
    first.clear();
    let mut pi = 0;
    let mut p = pattern[0];
    for (idx, &c) in choice.iter().enumerate() {
        if c.matches(p) {
            first.push(idx);
            pi += 1;
            if pi == pattern.len() {
                return true;
            }
            p = pattern[pi];
        }
    }
    false
}

/// The last two rows of [`score_syms`]'s DP of a pattern of at least two characters on an
/// ASCII choice (see [`Pattern::extend_dp`]): the last row's first column (skim's `first`,
/// a 0-based choice offset), both rows' bases and their cells, `cells[start..mid]` (the row
/// before the last) and `cells[mid..end]` (the last) of a `Vec` kept by the caller.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DpTail {
    first: u32,
    base: [i32; 2],
    start: u32,
    mid: u32,
    end: u32,
}

impl DpTail {
    /// The last two of the `m` rows in `s` (from [`dp_rows`]), their cells appended to
    /// `out`; `None` where an offset does not fit 32 bits.
    fn of(s: &Scratch, m: usize, out: &mut Vec<Cell>) -> Option<DpTail> {
        let (a, b) = (*s.rows.get(m.checked_sub(2)?)?, *s.rows.get(m - 1)?);
        let first = u32::try_from(*s.first.get(m - 1)?).ok()?;
        let at = out.len();
        let (ca, cb) = (s.cells.get(a.start..a.end)?, s.cells.get(b.start..b.end)?);
        let (start, mid, end) = (
            u32::try_from(at).ok()?,
            u32::try_from(at + ca.len()).ok()?,
            u32::try_from(at + ca.len() + cb.len()).ok()?,
        );
        out.extend_from_slice(ca);
        out.extend_from_slice(cb);
        Some(DpTail { first, base: [a.base, b.base], start, mid, end })
    }
}

impl DpTail {
    /// The same rows, their cells (in `cells`) appended to `out`.
    pub(crate) fn copy(&self, cells: &[Cell], out: &mut Vec<Cell>) -> Option<DpTail> {
        let rows = cells.get(self.start as usize..self.end as usize)?;
        let at = out.len();
        let mid = at + (self.mid.checked_sub(self.start)? as usize);
        let (start, mid, end) =
            (u32::try_from(at).ok()?, u32::try_from(mid).ok()?, u32::try_from(at + rows.len()).ok()?);
        out.extend_from_slice(rows);
        Some(DpTail { start, mid, end, ..*self })
    }
}

/// Occurrences found with memchr (each row's, from its first match on).
struct Memchr<'a> {
    choice: &'a [u8],
    pattern: &'a [BytePat],
}

impl Occurrences for Memchr<'_> {
    #[inline]
    fn for_each(&self, i: usize, from: usize, f: impl FnMut(usize)) {
        if let Some(&p) = self.pattern.get(i) {
            for_occurrences(self.choice, p, from, f);
        }
    }
}

/// One matched cell of a matrix row: choice column (1-based, as in skim) and its M score.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cell {
    col: u32,
    m: i32,
}

/// A row of the sparse matrix: its matched cells are `cells[start..end]`; `base` folds in
/// the stale left neighbour the row starts from (see [`score_syms`]).
#[derive(Clone, Copy, Debug)]
struct Row {
    start: usize,
    end: usize,
    base: i32,
}

/// skim's DP, evaluated sparsely. Given `s.first` (from a successful first-match scan).
///
/// skim fills `(m + 1) × (n + 1)` matrices (pattern row `i`, choice column `col`):
///
/// ```text
/// M[i][col] = max(M[i-1][col-1] + max(B[col], 4), P[i-1][col-1] + B[col]) + match  if matched
///           = -inf                                                                 otherwise
/// P[i][col] = max(M[i][col-1] - 4, P[i][col-1] - 1)
/// ```
///
/// for `col` in `first[i]+1 ..= n`, in two buffer rows (row `r` lives in buffer `r & 1`),
/// starting from a fresh buffer (M = P = -inf, except P of buffer 0 = -1). Unrolling P,
///
/// ```text
/// P[i][col] = max(base_i, max{ M[i][k] + k - 3 : first[i] < k < col, matched }) - col
/// base_i    = max(P_stale + first[i], M_stale + first[i] - 3)
/// ```
///
/// where `(M_stale, P_stale)` is the buffer cell at `(i, first[i])`, last written by row
/// `i - 2` (skim reads it as the left neighbour of the row's first column). So only matched
/// cells need work: O(occurrences of pattern characters) instead of O(m × n). The result is
/// the maximum of the last row's M from column `first[m-1]` on (that first column is again
/// a stale cell of row `m - 2`).
///
/// The in-place bonus skim carries between consecutive matches is, in a fresh matcher,
/// always `max(B[col], 4)` of the current column (its per-cell `bonus` is only ever 0 or that
/// value), hence the formula above.
// The fuzzy scorer's hot loop: rows and tables sized to the pattern and title just above, offsets bounded by them.
#[allow(clippy::indexing_slicing)]
fn score_syms<S: Sym, O: Occurrences>(choice: &[S], pattern: &[S::Pat], occ: &O, s: &mut Scratch) -> i64 {
    if pattern.len() == 1 {
        let p0 = pattern[0];
        let mut best = NEG_INFINITY;
        occ.for_each(0, s.first[0], |j| {
            best = max(best, GAP_EXTENSION + bonus_at(choice, j) + match_score(choice[j], p0));
        });
        return best as i64;
    }
    s.cells.clear();
    s.rows.clear();
    dp_rows(choice, pattern, occ, 0, s)
}

#[inline(always)]
fn match_score<S: Sym>(c: S, p: S::Pat) -> i32 {
    if c.case_mismatch(p) {
        max(0, SCORE_MATCH + PENALTY_CASE_MISMATCH)
    } else {
        SCORE_MATCH
    }
}

/// Rows `from..` of [`score_syms`]'s DP, given `s.first` for every row and, in `s.rows`
/// (and `s.cells`), rows `from - 2` and `from - 1` (those that exist); returns the score.
// The fuzzy scorer's hot loop: rows and tables sized to the pattern and title just above, offsets bounded by them.
#[allow(clippy::indexing_slicing)]
fn dp_rows<S: Sym, O: Occurrences>(
    choice: &[S],
    pattern: &[S::Pat],
    occ: &O,
    from: usize,
    s: &mut Scratch,
) -> i64 {
    let bonus_at = |j: usize| bonus_at(choice, j);
    let cells = &mut s.cells;
    let rows = &mut s.rows;
    for (i, &pc) in pattern.iter().enumerate().skip(from) {
        let to_skip = s.first[i];
        // The stale left neighbour (M, P) at (i, to_skip).
        let (m_stale, p_stale) = match i {
            0 => (NEG_INFINITY, NEG_INFINITY),
            1 => (NEG_INFINITY, GAP_EXTENSION),
            _ => row_cell(cells, rows[i - 2], to_skip as u32),
        };
        let base = max(p_stale + to_skip as i32, m_stale + to_skip as i32 + GAP_START + GAP_EXTENSION + 1);
        let start = cells.len();
        let prev = if i == 0 { None } else { Some(rows[i - 1]) };
        let (mut k, mut running) = match prev {
            Some(r) => (r.start, r.base),
            None => (0, 0),
        };
        occ.for_each(i, to_skip, |j| {
            let c = choice[j];
            let col = j as u32 + 1;
            // M and P of the previous row at column col - 1.
            let (m_prev, p_prev) = match prev {
                None => (NEG_INFINITY, GAP_EXTENSION),
                Some(r) => {
                    while k < r.end && cells[k].col < col - 1 {
                        running = max(running, cells[k].m + cells[k].col as i32 - 3);
                        k += 1;
                    }
                    let m_prev = if k < r.end && cells[k].col == col - 1 { cells[k].m } else { NEG_INFINITY };
                    (m_prev, running - (col as i32 - 1))
                }
            };
            let in_place = bonus_at(j);
            let m = max(m_prev + max(in_place, BONUS_CONSECUTIVE), p_prev + in_place) + match_score(c, pc);
            cells.push(Cell { col, m });
        });
        rows.push(Row { start, end: cells.len(), base });
    }
    let last = pattern.len() - 1;
    let stale_first = if pattern.len() >= 3 {
        row_cell(cells, rows[last - 2], s.first[last] as u32).0
    } else {
        NEG_INFINITY
    };
    let r = rows[last];
    let best = cells[r.start..r.end].iter().map(|c| c.m).fold(stale_first, max);
    best as i64
}

/// (M, P) of a computed row at column `col` (which is after the row's first column).
// The fuzzy scorer's hot loop: rows and tables sized to the pattern and title just above, offsets bounded by them.
#[allow(clippy::indexing_slicing)]
fn row_cell(cells: &[Cell], row: Row, col: u32) -> (i32, i32) {
    let mut running = row.base;
    let mut m = NEG_INFINITY;
    for c in &cells[row.start..row.end] {
        if c.col < col {
            running = max(running, c.m + c.col as i32 - 3);
        } else {
            if c.col == col {
                m = c.m;
            }
            break;
        }
    }
    (m, running - col as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuzzy_matcher::skim::SkimMatcherV2;
    use fuzzy_matcher::FuzzyMatcher;
    use proptest::prelude::*;

    fn reference(choice: &str, pattern: &str) -> Option<i64> {
        SkimMatcherV2::default().fuzzy_match(choice, pattern)
    }

    fn ours(choice: &str, pattern: &str) -> Option<i64> {
        score(choice, pattern, is_case_sensitive(pattern), &mut Scratch::default())
    }

    #[test]
    fn equals_skim_on_examples() {
        let cases = [
            ("Xiangxiang County", "xiang"),
            ("Xiangxiang County", "xc"),
            ("XiangXiangXian", "xxx"),
            ("abc abc", "abc"),
            ("a______b__________ac", "abc"),
            ("湘乡县在农村公社", "农村"),
            ("Brief News", "Brief News"),
            ("b  aaBxx ..BbA_.Ab.", "AAb"),
            ("", "a"),
            ("abc", "abcd"),
            ("😀a😀b", "ab"),
        ];
        for (c, p) in cases {
            assert_eq!(ours(c, p), reference(c, p), "{c:?} {p:?}");
        }
    }

    #[test]
    fn shared_skim_matcher_is_history_dependent() {
        // Documents why the index does not share one SkimMatcherV2: the same call gives a
        // different score after other calls on the same thread. If fuzzy-matcher fixes
        // this, this test fails and the note in the module docs can be dropped.
        let shared = SkimMatcherV2::default();
        let mut found = false;
        let alpha: Vec<char> = "aabbcAB -/_.x1".chars().collect();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |k: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % k as u64) as usize
        };
        for _ in 0..20_000 {
            let lc = 1 + next(20);
            let c: String = (0..lc).map(|_| alpha[next(alpha.len())]).collect();
            let lp = 1 + next(5);
            let p: String = (0..lp).map(|_| ['a', 'b', 'c', 'A', 'x'][next(5)]).collect();
            if shared.fuzzy_match(&c, &p) != reference(&c, &p) {
                found = true;
                break;
            }
        }
        assert!(found);
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                4 => proptest::sample::select(
                    "abcxyABCXY -/_.:1(湘乡县😀é".chars().collect::<Vec<_>>()
                ),
                1 => any::<char>(),
            ],
            0..30,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    fn pattern() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select("abcxAX .湘乡😀".chars().collect::<Vec<_>>()),
            1..6,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    #[test]
    fn bound_is_tight_on_contiguous_matches() {
        // What the ranking's first screen relies on: a word matched whole at a word start
        // scores its bound, so the best titles need no DP to be known best.
        let mut s = Scratch::default();
        for (c, p) in [
            ("Strengthening Production: Xiangxiang County", "production"),
            ("Production Team", "production"),
            ("XiangXiangXian", "xiangxiang"),
            ("生产队", "生产"),
            ("Collective Leadership", "collective"),
        ] {
            let pat = Pattern::new(p, false);
            assert_eq!(pat.score(c, &mut s), pat.bound(c, c.is_ascii()), "{c:?} {p:?}");
        }
        // and it is an upper bound, not the score, where the match is scattered
        let pat = Pattern::new("prod", false);
        let c = "Promoting the Rice Output of Dazhai";
        assert!(pat.score(c, &mut s).unwrap() < pat.bound(c, true).unwrap());
    }

    #[test]
    fn long_patterns_and_choices() {
        let choice = "Strengthening Collective Leadership, Implementing Policies, and Promoting \
                      Production: Xiangxiang County Universally Establishes Core Groups in Rural \
                      Commune Work Groups";
        for p in [
            "strengthening collective leadership policies",
            "sclipppxcuecgircwg",
            "Groups",
            "ng",
            "groups in rural commune work groups",
        ] {
            assert_eq!(ours(choice, p), reference(choice, p), "{p:?}");
        }
    }

    fn long_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select("abcAB -x.".chars().collect::<Vec<_>>()), 0..200)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn equals_skim_on_long_choices(c in long_text(), p in "[abcxA -]{1,8}") {
            prop_assert_eq!(ours(&c, &p), reference(&c, &p));
        }

        #[test]
        fn equals_skim_on_long_patterns(c in long_text(), p in "[abcA ]{30,40}") {
            prop_assert_eq!(ours(&c, &p), reference(&c, &p));
        }

        #[test]
        fn equals_fresh_skim_matcher(c in text(), p in pattern()) {
            prop_assert_eq!(ours(&c, &p), reference(&c, &p));
        }

        #[test]
        fn bound_is_above_the_score_and_matches_alike(
            c in prop_oneof![text(), long_text()],
            p in prop_oneof![pattern(), "[abcxA -]{1,8}".prop_map(String::from)],
            cs in any::<bool>(),
        ) {
            // Either case rule, ASCII or not: the bound matches exactly when skim does, and is
            // never below skim's score (a one-character pattern: equal).
            let pat = Pattern::new(&p, cs);
            let mut s = Scratch::default();
            let got = pat.score(&c, &mut s);
            let bound = pat.bound(&c, c.is_ascii());
            prop_assert_eq!(got.is_some(), bound.is_some(), "{:?} {:?}", c, p);
            if let (Some(got), Some(bound)) = (got, bound) {
                prop_assert!(got <= bound, "{:?} {:?}: score {} > bound {}", c, p, got, bound);
                if p.chars().count() == 1 {
                    prop_assert_eq!(got, bound);
                }
            }
            if c.is_ascii() {
                let fine = pat.bound_fine_ascii(c.as_bytes());
                prop_assert_eq!(fine.is_some(), got.is_some());
                if let (Some(got), Some(fine), Some(bound)) = (got, fine, bound) {
                    prop_assert!(got <= fine && fine <= bound, "{:?} {:?}: {} {} {}", c, p, got, fine, bound);
                }
            }
            if !c.is_ascii() {
                prop_assert_eq!(pat.bound_unicode(&c), bound);
            } else {
                prop_assert_eq!(pat.bound_unicode(&c), bound, "bytes and chars agree");
            }
        }

        #[test]
        fn every_letters_first_value_in_one_pass_equals_each_letters_own(
            c in prop_oneof![text(), long_text(), "[a-zA-Z0-9 ._/(-]{0,40}".prop_map(String::from)],
        ) {
            // both readings: the choice as characters and (what the pinyin is read as) as
            // bytes, whether ASCII or not
            for unicode in [true, false] {
                let mut got = [i32::MIN; 26];
                letter_firsts(c.as_bytes(), unicode, &mut got);
                for (l, &got) in got.iter().enumerate() {
                    let pat = Pattern::new(&char::from(b'a' + l as u8).to_string(), false);
                    let want = if unicode {
                        pat.bound_parts_unicode(&c)
                    } else {
                        pat.bound_parts_ascii(c.as_bytes())
                    };
                    prop_assert_eq!(want.map_or(i32::MIN, |(first, _)| first), got, "{:?} {} {}", c, l, unicode);
                }
            }
        }

        #[test]
        fn the_bytes_of_valid_utf8_give_what_its_chars_give(
            c in text(),
            p in "[abcxA湘乡é😀 -]{1,4}",
            cs in any::<bool>(),
            at in any::<proptest::sample::Index>(),
            from in 0usize..4,
        ) {
            let pat = Pattern::new(&p, cs);
            prop_assert_eq!(pat.bound_parts_utf8(c.as_bytes()), pat.bound_parts_unicode(&c));
            // (from every character boundary, with every pattern start)
            let bounds: Vec<usize> = c.char_indices().map(|(k, _)| k).chain([c.len()]).collect();
            let at = bounds[at.index(bounds.len())];
            prop_assert_eq!(pat.extend_utf8(c.as_bytes(), at, from), pat.extend_unicode(&c, at, from));
        }

        #[test]
        fn the_dp_extended_a_row_at_a_time_equals_the_whole_dp_and_skim(
            c in prop_oneof![
                "[abcAB -x.]{0,40}".prop_map(String::from),
                long_text(),
                "[a-zA-Z0-9 ._/(-]{0,60}".prop_map(String::from),
            ],
            p in prop_oneof!["[abcxA -]{2,8}".prop_map(String::from), "[aAb]{2,6}".prop_map(String::from)],
            cs in any::<bool>(),
            jump in 1usize..4,
        ) {
            // skim with the same case rule
            let skim = if cs { SkimMatcherV2::default().respect_case() } else { SkimMatcherV2::default().ignore_case() };
            let mut s = Scratch::default();
            let (mut cells, mut next) = (Vec::new(), Vec::new());
            // the first two characters scored whole, then one row (or `jump` rows) at a time
            let mut k = 2;
            let mut carried = Pattern::new(&p[..k], cs).score_ascii_dp(c.as_bytes(), &mut s, &mut cells);
            prop_assert_eq!(carried.map(|(v, _)| v), skim.fuzzy_match(&c, &p[..k]));
            while k < p.len() {
                let to = (k + jump).min(p.len());
                let pat = Pattern::new(&p[..to], cs);
                let whole = pat.score_ascii(c.as_bytes(), &mut Scratch::default());
                prop_assert_eq!(whole, skim.fuzzy_match(&c, &p[..to]), "{:?} {:?}", c, &p[..to]);
                let Some((_, Some(tail))) = carried else {
                    // (no match: none for the longer pattern either)
                    prop_assert_eq!(whole, None);
                    break;
                };
                next.clear();
                let got = pat.extend_dp(c.as_bytes(), &tail, &cells, k, &mut s, &mut next);
                prop_assert_eq!(got.map(|(v, _)| v), whole, "{:?} {:?} from {}", c, &p[..to], k);
                std::mem::swap(&mut cells, &mut next);
                carried = got;
                k = to;
            }
        }

        #[test]
        fn find_byte_finds_what_memchr_finds(
            hay in proptest::collection::vec(prop_oneof![
                3 => proptest::sample::select(b"aAbB \0\x80\xe1\xc1zZ".to_vec()),
                1 => any::<u8>(),
            ], 0..150),
            p in any::<u8>(),
            cs in any::<bool>(),
            at in any::<proptest::sample::Index>(),
        ) {
            // any bytes (not only ASCII, NUL too), every start, both case rules
            let pat = Pattern::new(&char::from(p & 0x7f).to_string(), cs);
            let bp = pat.bytes.as_deref().and_then(|b| b.first()).copied();
            prop_assert!(bp.is_some());
            let Some(bp) = bp else { return Ok(()) };
            let at = at.index(hay.len() + 1);
            let whole = &hay[..];
            let hay = &hay[at..];
            let want = if bp.or == 0 {
                memchr::memchr(bp.target, hay)
            } else {
                memchr::memchr2(bp.target, bp.target & !0x20, hay)
            };
            prop_assert_eq!(find_byte(hay, bp), want, "{:?} {:?}", hay, bp);
            prop_assert_eq!(want, hay.iter().position(|&b| b.matches(bp)));
            // every occurrence from every start, as memchr's iterators give them
            let mut got = Vec::new();
            for_occurrences(whole, bp, at, |j| got.push(j));
            let want: Vec<usize> = if bp.or == 0 {
                memchr::memchr_iter(bp.target, hay).map(|k| at + k).collect()
            } else {
                memchr::memchr2_iter(bp.target, bp.target & !0x20, hay).map(|k| at + k).collect()
            };
            prop_assert_eq!(got, want);
        }

        #[test]
        fn ignore_case_equals_skim_ignore_case(c in text(), p in pattern()) {
            let expected = SkimMatcherV2::default().ignore_case().fuzzy_match(&c, &p);
            prop_assert_eq!(score(&c, &p, false, &mut Scratch::default()), expected);
        }
    }
}
