//! Word-level pinyin of Chinese text, and its syllables placed above a laid-out row.
//!
//! A character with several readings reads right in each word: the text is segmented
//! ([`super::segment`]) and each word takes its CC-CEDICT reading (银行 yínháng, 行动
//! xíngdòng, 长大 zhǎngdà, 长城 chángchéng). A word the dictionary lacks is split into its
//! longest dictionary matches; a character alone takes its most common reading.

use super::{cedict, is_han, segment};
use pinyin::ToPinyin;
use unicode_width::UnicodeWidthStr;

/// The reading of one Han character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syllable {
    /// The syllable with its tone mark, lowercase (`yín`).
    pub text: String,
    /// Whether the character starts a word (a syllable row puts a space before it).
    pub word_start: bool,
}

/// The syllables of `entry` when it has one per char of `word`, lowercase, tone marks.
fn entry_syllables(entry: &cedict::Entry, chars: usize) -> Option<Vec<String>> {
    let syl: Vec<String> = entry.pinyin.split(' ').map(str::to_lowercase).collect();
    (syl.len() == chars).then_some(syl)
}

/// The dictionary reading of a word of `chars` characters: the first entry with one
/// syllable per character, common words (lowercase pinyin) before names.
fn dictionary_reading(dict: &cedict::Dictionary, word: &str, chars: usize) -> Option<Vec<String>> {
    let entries = dict.lookup(word);
    let lower = entries.iter().filter(|e| !e.pinyin_numbered.starts_with(char::is_uppercase));
    let upper = entries.iter().filter(|e| e.pinyin_numbered.starts_with(char::is_uppercase));
    lower.chain(upper).find_map(|e| entry_syllables(e, chars))
}

/// A character's most common reading (the `pinyin` crate's first).
fn char_reading(c: char) -> Option<String> {
    c.to_pinyin().map(|p| p.with_tone().to_string())
}

/// The readings of a word's characters (None for a char that is not Han).
fn word_readings(dict: &cedict::Dictionary, word: &str) -> Vec<Option<String>> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() > 1 && chars.iter().all(|&c| is_han(c)) {
        if let Some(s) = dictionary_reading(dict, word, chars.len()) {
            return s.into_iter().map(Some).collect();
        }
    }
    // the longest dictionary matches inside the word, single chars by their usual reading
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(rest) = chars.get(i..) {
        let Some(&c) = rest.first() else { break };
        let n = dict.longest_prefix(&rest.iter().collect::<String>()).min(rest.len());
        if n >= 2 {
            let w: String = rest.iter().take(n).collect();
            if let Some(s) = dictionary_reading(dict, &w, n) {
                out.extend(s.into_iter().map(Some));
                i += n;
                continue;
            }
        }
        out.push(if is_han(c) { char_reading(c) } else { None });
        i += 1;
    }
    out
}

/// One entry per char of `text`: the Han characters' syllables, None for every other char.
/// Loads the dictionary and segmenter if needed (see [`cedict::preload`]).
pub fn paragraph(text: &str) -> Vec<Option<Syllable>> {
    let dict = cedict::get();
    let mut out = Vec::with_capacity(text.chars().count());
    for w in segment::words(text) {
        for (k, r) in word_readings(dict, w.text).into_iter().enumerate() {
            out.push(r.map(|text| Syllable { text, word_start: k == 0 }));
        }
    }
    out
}

/// The pinyin of a word in context, syllables joined (`yínháng`): `text`'s chars `range`.
pub fn joined(syllables: &[Option<Syllable>], range: std::ops::Range<usize>) -> String {
    syllables.get(range).unwrap_or_default().iter().flatten().map(|s| s.text.as_str()).collect()
}

/// Places the syllables above one laid-out row of a Chinese paragraph: `row` is the row's
/// text, which starts at char `first_char` of the paragraph and at column `start_col`;
/// `syllables` is [`paragraph`] of the whole paragraph (so a word wrapped across rows keeps
/// its reading). Returns (column, syllable) pairs, left to right, none past `end_col`.
///
/// Each syllable starts at its character's column unless the one before it has not ended
/// there; then it follows it, directly inside a word (`yínháng`), after a space between
/// words. The layout can keep every syllable over its character by giving each character
/// [`cell_width`] columns.
pub fn place_row(
    row: &str,
    first_char: usize,
    start_col: u16,
    end_col: u16,
    syllables: &[Option<Syllable>],
) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    let mut col = usize::from(start_col);
    let end = usize::from(end_col);
    let mut prev_end: Option<usize> = None;
    for (k, c) in row.chars().enumerate() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if let Some(Some(s)) = syllables.get(first_char + k) {
            let at = match prev_end {
                Some(p) => col.max(p + usize::from(s.word_start)),
                None => col,
            };
            let sw = s.text.width();
            if at + sw > end {
                break;
            }
            out.push((at as u16, s.text.clone()));
            prev_end = Some(at + sw);
        }
        col += w;
    }
    out
}

/// The columns a character needs for its syllable to stay above it: the syllable's width
/// and a space, at least the character's own two.
pub fn cell_width(s: &Syllable) -> usize {
    (s.text.width() + 1).max(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Vec<String> {
        paragraph(text).into_iter().flatten().map(|s| s.text).collect()
    }

    fn word(text: &str) -> String {
        let p = paragraph(text);
        joined(&p, 0..p.len())
    }

    #[test]
    fn polyphonic_characters_read_right_in_each_word() {
        assert_eq!(word("银行"), "yínháng");
        assert_eq!(word("行动"), "xíngdòng");
        assert_eq!(word("长大"), "zhǎngdà");
        assert_eq!(word("长城"), "chángchéng");
        assert_eq!(word("重要"), "zhòngyào");
        assert_eq!(word("重庆"), "chóngqìng");
        // in running text, each word's own reading
        let s = line("银行采取行动，重庆很重要。");
        assert_eq!(s[..2], ["yín", "háng"]);
        assert_eq!(s[4..6], ["xíng", "dòng"]);
        assert_eq!(s[6..8], ["chóng", "qìng"]);
        assert_eq!(s[9..11], ["zhòng", "yào"]);
    }

    #[test]
    fn one_entry_per_char_and_none_for_non_han() {
        let text = "1958年，他说：OK";
        let p = paragraph(text);
        assert_eq!(p.len(), text.chars().count());
        let han: Vec<bool> = text.chars().map(is_han).collect();
        assert_eq!(p.iter().map(Option::is_some).collect::<Vec<_>>(), han);
        assert!(paragraph("").is_empty());
        // word starts: 毛泽东 同志
        let p = paragraph("毛泽东同志");
        let starts: Vec<bool> = p.iter().flatten().map(|s| s.word_start).collect();
        assert_eq!(starts, [true, false, false, true, false]);
    }

    #[test]
    fn syllables_sit_over_their_characters_when_there_is_room() {
        let text = "我爱你";
        let p = paragraph(text);
        // characters given room: 6 columns apart
        let placed = place_row("我", 0, 10, 80, &p);
        assert_eq!(placed, [(10, "wǒ".to_string())]);
        // packed characters: a word's syllables run together, words are spaced
        let p = paragraph("银行行动");
        let placed = place_row("银行行动", 0, 0, 80, &p);
        assert_eq!(placed, [(0, "yín".into()), (3, "háng".into()), (8, "xíng".into()), (12, "dòng".into())]);
    }

    #[test]
    fn a_row_in_the_middle_of_a_paragraph_and_a_narrow_end() {
        let text = "我们的银行";
        let p = paragraph(text);
        // the row holds 银行 only (chars 3..5), starting at column 4
        let placed = place_row("银行", 3, 4, 40, &p);
        assert_eq!(placed, [(4, "yín".into()), (7, "háng".into())]);
        // too narrow: what does not fit is left out, nothing past the end
        let placed = place_row("银行", 3, 4, 9, &p);
        assert_eq!(placed, [(4, "yín".into())]);
        assert!(place_row("银行", 3, 4, 4, &p).is_empty());
        // a row beyond the syllables given does not panic
        assert!(place_row("银行", 50, 0, 40, &p).is_empty());
    }

    #[test]
    fn cell_width_fits_the_syllable() {
        let s = Syllable { text: "zhuàng".into(), word_start: true };
        assert_eq!(cell_width(&s), 7);
        let s = Syllable { text: "a".into(), word_start: true };
        assert_eq!(cell_width(&s), 2);
    }
}
