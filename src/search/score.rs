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
    /// For an ASCII pattern of at most 32 bytes: for each byte value, the set of pattern
    /// positions it matches.
    table: Option<Box<[u32; 128]>>,
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
        let table = bytes.as_ref().filter(|b| b.len() <= 32).map(|pat| {
            let mut t = Box::new([0u32; 128]);
            for (b, slot) in t.iter_mut().enumerate() {
                for (i, p) in pat.iter().enumerate() {
                    if (b as u8).matches(*p) {
                        *slot |= 1 << i;
                    }
                }
            }
            t
        });
        Pattern { chars: pattern.chars().map(|c| (c, case_sensitive)).collect(), bytes, table }
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
        let Some(table) = self.table.as_deref() else {
            let occ = Scan { choice, pattern };
            return first_matches(choice, pattern, &mut s.first)
                .then(|| score_syms(choice, pattern, &occ, s));
        };
        // One pass over the choice: occurrences of every pattern byte, as bitsets.
        // Nothing before the first occurrence of the first pattern byte is ever read.
        let p0 = pattern[0];
        let start = if p0.or == 0 {
            memchr::memchr(p0.target, choice)
        } else {
            memchr::memchr2(p0.target, p0.target & !0x20, choice)
        }?;
        // One pass over the rest: occurrences of every pattern byte, as bitsets.
        let words = choice.len().div_ceil(64).max(1);
        let mut bits = std::mem::take(&mut s.bits);
        bits.clear();
        bits.resize(pattern.len() * words, 0);
        for (j, &b) in choice.iter().enumerate().skip(start) {
            let mut w = table[(b & 0x7f) as usize];
            while w != 0 {
                let i = w.trailing_zeros() as usize;
                bits[i * words + j / 64] |= 1 << (j % 64);
                w &= w - 1;
            }
        }
        let occ = Bits { bits: &bits, words };
        // skim's greedy first matches
        s.first.clear();
        let mut from = 0;
        for i in 0..pattern.len() {
            match occ.next(i, from) {
                Some(j) => {
                    s.first.push(j);
                    from = j + 1;
                }
                None => {
                    s.bits = bits;
                    return None;
                }
            }
        }
        let r = score_syms(choice, pattern, &occ, s);
        s.bits = bits;
        Some(r)
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

/// Occurrences as one bitset (of `words` u64) per pattern position.
struct Bits<'a> {
    bits: &'a [u64],
    words: usize,
}

impl Bits<'_> {
    /// The first occurrence of pattern byte `i` at or after `from`.
    #[inline]
    fn next(&self, i: usize, from: usize) -> Option<usize> {
        let row = &self.bits[i * self.words..(i + 1) * self.words];
        let mut w = from / 64;
        if w >= self.words {
            return None;
        }
        let mut cur = row[w] & (!0u64 << (from % 64));
        loop {
            if cur != 0 {
                return Some(w * 64 + cur.trailing_zeros() as usize);
            }
            w += 1;
            if w == self.words {
                return None;
            }
            cur = row[w];
        }
    }
}

impl Occurrences for Bits<'_> {
    #[inline]
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

/// One matched cell of a matrix row: choice column (1-based, as in skim) and its M score.
#[derive(Clone, Copy, Debug)]
struct Cell {
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
fn score_syms<S: Sym, O: Occurrences>(choice: &[S], pattern: &[S::Pat], occ: &O, s: &mut Scratch) -> i64 {
    let bonus_at = |j: usize| bonus_at(choice, j);
    let match_score = |c: S, p: S::Pat| -> i32 {
        if c.case_mismatch(p) {
            max(0, SCORE_MATCH + PENALTY_CASE_MISMATCH)
        } else {
            SCORE_MATCH
        }
    };

    if pattern.len() == 1 {
        let p0 = pattern[0];
        let mut best = NEG_INFINITY;
        occ.for_each(0, s.first[0], |j| {
            best = max(best, GAP_EXTENSION + bonus_at(j) + match_score(choice[j], p0));
        });
        return best as i64;
    }

    let cells = &mut s.cells;
    let rows = &mut s.rows;
    cells.clear();
    rows.clear();
    for (i, &pc) in pattern.iter().enumerate() {
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
        fn ignore_case_equals_skim_ignore_case(c in text(), p in pattern()) {
            let expected = SkimMatcherV2::default().ignore_case().fuzzy_match(&c, &p);
            prop_assert_eq!(score(&c, &p, false, &mut Scratch::default()), expected);
        }
    }
}
