//! Toneless pinyin of a Chinese title, for matching `xiangxiang` or `xxx` against 湘乡县.

use pinyin::ToPinyin;

use super::query::initial_bit;

/// The pinyin forms of one Chinese title.
///
/// * `full`: each Han character's default reading, first letter capitalised, concatenated
///   (`XiangXiangXian`). The capitals give skim's camel-case bonus at syllable starts, so
///   `xxx` scores like an acronym; matching is always case-insensitive. `ü` is written `v`.
/// * `initials`: one lowercase char per title char (`xxx`), for exact-type operators.
///
/// Other ASCII characters are kept; whitespace and other non-ASCII characters (Chinese
/// punctuation, Han characters without a reading) become a space, so both strings are ASCII,
/// `full` has one or more chars per title char and `initials` exactly one.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pinyin {
    /// Syllables in camel case.
    pub full: String,
    /// One lowercase char per char of the title.
    pub initials: String,
    /// For each char of `full`, the index of the title char it came from (filled by
    /// [`Pinyin::with_map`] only).
    pub map: Vec<u32>,
    /// For each title char, the length of its part of `full` (1-6), as bytes.
    pub lens: Vec<u8>,
}

impl Pinyin {
    /// Pinyin of `zh`, without the char map.
    pub fn new(zh: &str) -> Pinyin {
        let mut p = Pinyin::default();
        p.build(zh, false);
        p
    }

    /// Pinyin of `zh`, with `map` (for highlighting).
    pub fn with_map(zh: &str) -> Pinyin {
        let mut p = Pinyin::default();
        p.build(zh, true);
        p
    }

    /// Makes this the pinyin of `zh` (without the char map), reusing its vectors' room.
    pub(crate) fn rebuild(&mut self, zh: &str) {
        self.full.clear();
        self.initials.clear();
        self.map.clear();
        self.lens.clear();
        self.build(zh, false);
    }

    fn build(&mut self, zh: &str, with_map: bool) {
        for (ci, ch) in zh.chars().enumerate() {
            let ci = ci as u32;
            match ch.to_pinyin() {
                Some(py) => {
                    self.lens.push(py.plain().chars().count() as u8);
                    for (k, c) in py.plain().chars().enumerate() {
                        let c = if c == 'ü' { 'v' } else { c };
                        self.full.push(if k == 0 { c.to_ascii_uppercase() } else { c });
                        if with_map {
                            self.map.push(ci);
                        }
                    }
                    let first = py.plain().chars().next().unwrap_or(ch);
                    self.initials.push(if first == 'ü' { 'v' } else { first });
                }
                None => {
                    let c = if ch.is_ascii() && !ch.is_whitespace() { ch } else { ' ' };
                    self.full.push(c);
                    self.lens.push(1);
                    self.initials.push(c.to_ascii_lowercase());
                    if with_map {
                        self.map.push(ci);
                    }
                }
            }
        }
    }

    /// True if `zh` has any character with a pinyin reading.
    pub fn has_han(zh: &str) -> bool {
        zh.chars().any(|c| !c.is_ascii() && c.to_pinyin().is_some())
    }
}

/// The [`initial_bit`]s of the readings of `text`'s characters that have one (the
/// non-ASCII ones, as [`Pinyin::has_han`] takes them). A title with such a character has
/// that character's initial in its pinyin's initials ([`Pinyin`]: every character's default
/// reading, whatever is around it), so an item whose [`initials_mask`] lacks a bit of these
/// cannot have `text` in its Chinese title, nor any character of it with a reading.
///
/// [`initials_mask`]: super::query::initials_mask
pub(crate) fn han_initials(text: &str) -> u32 {
    let bit = |first: char| {
        let first = if first == 'ü' { 'v' } else { first };
        // (`Pinyin::initials` holds the character; `initials_mask` reads its bytes: a
        // character that is not ASCII has only non-lowercase bytes, bit 26)
        if first.is_ascii() {
            initial_bit(first as u8)
        } else {
            initial_bit(0x80)
        }
    };
    (text.chars().filter(|c| !c.is_ascii()))
        .filter_map(|c| c.to_pinyin())
        .filter_map(|py| py.plain().chars().next())
        .fold(0, |m, first| m | bit(first))
}

/// Positions of each byte value in a (lowercase, ASCII, at most 63 bytes) term: bit `k` of
/// `table[b]` is set if `term[k] == b`. Used by [`syllable_match`].
pub(crate) fn position_table(term: &str) -> Option<Box<[u64; 128]>> {
    if !term.is_ascii() || term.is_empty() || term.len() > 63 {
        return None;
    }
    let mut t = Box::new([0u64; 128]);
    for (k, b) in term.bytes().enumerate() {
        // ASCII (checked above): below 128
        if let Some(slot) = t.get_mut(usize::from(b)) {
            *slot |= 1 << k;
        }
    }
    Some(t)
}

/// True if `term` (lowercase) splits into chunks, each a prefix of the pinyin of a title
/// character, the characters in order (gaps allowed): `xiangxiang`, `xxx`, `xiangx` or
/// `xxian` match 湘乡县, but letters scattered across unrelated syllables do not.
///
/// `full`, `initials` and `lens` are a [`Pinyin`]'s strings (`lens` as bytes); `table` is
/// [`position_table`] of `term`.
pub(crate) fn syllable_match(
    term: &[u8],
    table: &[u64; 128],
    full: &[u8],
    initials: &[u8],
    lens: &[u8],
) -> bool {
    let goal = 1u64 << term.len();
    // bit k: term[..k] is matched by the units seen so far
    let mut reach = 1u64;
    let mut at = 0usize;
    for (&initial, &len) in initials.iter().zip(lens) {
        let unit_start = at;
        at += len as usize;
        let mut cand = reach & table.get(usize::from(initial & 0x7f)).copied().unwrap_or(0);
        if cand == 0 {
            continue;
        }
        let unit = full.get(unit_start..at).unwrap_or(&[]);
        let mut add = 0u64;
        while cand != 0 {
            let k = cand.trailing_zeros() as usize;
            cand &= cand - 1;
            let l = term
                .get(k..)
                .unwrap_or(&[])
                .iter()
                .zip(unit)
                .take_while(|(a, b)| **a == b.to_ascii_lowercase())
                .count();
            add |= ((1u64 << l) - 1) << (k + 1);
        }
        reach |= add;
        if reach & goal != 0 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xiangxiangxian() {
        let p = Pinyin::with_map("湘乡县 A绿");
        assert_eq!(p.full, "XiangXiangXian ALv");
        assert_eq!(p.initials, "xxx al");
        let q = Pinyin::new("《图片》，1958");
        assert_eq!(q.full, " TuPian  1958");
        assert_eq!(q.initials, " tp  1958");
        assert_eq!(p.initials.chars().count(), "湘乡县 A绿".chars().count());
        assert_eq!(p.map.len(), p.full.chars().count());
        assert_eq!(&p.map[..6], &[0, 0, 0, 0, 0, 1]);
        assert_eq!(*p.map.last().unwrap(), 5);
        assert_eq!(p.lens, vec![5, 5, 4, 1, 1, 2]);
        assert!(Pinyin::has_han("图片"));
        assert!(!Pinyin::has_han("1958 ABC"));
    }

    #[test]
    fn a_rebuilt_pinyin_is_a_fresh_one() {
        // the buffer `Item::derive` reuses: nothing of the title before is left in it
        let titles = ["湘乡县在农村人民公社", "图片", "", "A绿", "《图片》，1958", "人民日报社论 abc 湘"];
        let mut p = Pinyin::with_map("湘乡县 A绿");
        for a in titles {
            for b in titles {
                p.rebuild(a);
                assert_eq!(p, Pinyin::new(a), "{a}");
                p.rebuild(b);
                assert_eq!(p, Pinyin::new(b), "{a} then {b}");
            }
        }
    }

    #[test]
    fn syllable_aware_matching() {
        let p = Pinyin::new("湘乡县在农村");
        let m = |t: &str| {
            let table = position_table(t).unwrap();
            syllable_match(t.as_bytes(), &table, p.full.as_bytes(), p.initials.as_bytes(), &p.lens)
        };
        for yes in [
            "xiang",
            "xiangxiang",
            "xxx",
            "xiangx",
            "xxian",
            "xian",
            "xnc",
            "zainong",
            "xcun",
            "xiangxiangxianzainongcun",
        ] {
            assert!(m(yes), "{yes}");
        }
        for no in ["xia ng", "iang", "xg", "xiangxiangxiangx", "xq", "nongx"] {
            assert!(!m(no), "{no}");
        }
        assert!(position_table(&"a".repeat(64)).is_none());
    }
}
