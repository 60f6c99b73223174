//! The words of a Chinese text: jieba's segmentation (its dictionary embedded, with its HMM
//! for names and words it does not list), and the longest dictionary match at a position, as
//! the Zhongwen popup dictionary finds it.
//!
//! Positions are char indices into the text (never byte offsets the caller did not get from
//! the string); [`Word`] carries both.

use jieba_rs::Jieba;
use std::ops::Range;
use std::sync::OnceLock;

/// One token of a segmented text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    /// The token's text.
    pub text: &'a str,
    /// Char index of its first char.
    pub start: usize,
    /// Char index after its last char.
    pub end: usize,
    /// Byte offset of its first char.
    pub byte_start: usize,
    /// Byte offset after its last char.
    pub byte_end: usize,
}

impl Word<'_> {
    /// Whether the token is a word a cursor stops on (it has a letter, digit or Han
    /// character), not punctuation or space.
    pub fn is_word(&self) -> bool {
        self.text.chars().any(char::is_alphanumeric)
    }

    /// Its char range.
    pub fn chars(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// The segmenter, loaded on first use (a fraction of a second; see [`super::cedict::preload`]).
pub fn segmenter() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// The tokens of `text`, in order, covering it exactly (words, punctuation, spaces).
pub fn words(text: &str) -> Vec<Word<'_>> {
    segmenter()
        .cut(text, true)
        .into_iter()
        .map(|t| Word {
            text: t.word,
            start: t.start,
            end: t.end,
            byte_start: t.byte_start,
            byte_end: t.byte_end,
        })
        .collect()
}

/// The token holding char `pos` of `text`, if `pos` is inside it.
pub fn word_at(text: &str, pos: usize) -> Option<Word<'_>> {
    words(text).into_iter().find(|w| w.start <= pos && pos < w.end)
}

/// The first word (see [`Word::is_word`]) starting after char `pos`, for a cursor moving right.
pub fn next_word(text: &str, pos: usize) -> Option<Word<'_>> {
    words(text).into_iter().find(|w| w.start > pos && w.is_word())
}

/// The last word starting before char `pos`, for a cursor moving left.
pub fn prev_word(text: &str, pos: usize) -> Option<Word<'_>> {
    words(text).into_iter().rev().find(|w| w.start < pos && w.is_word())
}

/// The longest CC-CEDICT headword starting at char `pos` of `text`, as a char range (the
/// Zhongwen extension's rule), or None when the char there is not Han or starts no entry.
/// Loads the dictionary if needed (see [`super::cedict::preload`]).
pub fn longest_match(text: &str, pos: usize) -> Option<Range<usize>> {
    let byte = text.char_indices().nth(pos)?.0;
    let n = super::cedict::get().longest_prefix(&text[byte..]);
    (n > 0).then(|| pos..pos + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        words(s).into_iter().filter(Word::is_word).map(|w| w.text).collect()
    }

    #[test]
    fn real_sentences_with_names() {
        assert_eq!(texts("毛泽东同志在中共中央"), ["毛泽东", "同志", "在", "中共中央"]);
        let w = texts("周恩来总理今天接见了越南民主共和国代表团。");
        assert!(w.contains(&"周恩来") && w.contains(&"总理") && w.contains(&"接见"), "{w:?}");
        let w = texts("刘少奇主席和朱德委员长到北京车站迎接。");
        assert!(w.contains(&"刘少奇") && w.contains(&"北京") && w.contains(&"迎接"), "{w:?}");
    }

    #[test]
    fn tokens_cover_the_text_with_consistent_positions() {
        let s = "1958年，人民公社 was founded；“大跃进”开始了。";
        let ws = words(s);
        let mut joined = String::new();
        let mut chars = 0;
        for w in &ws {
            assert_eq!(&s[w.byte_start..w.byte_end], w.text);
            assert_eq!(w.start, chars);
            chars += w.text.chars().count();
            assert_eq!(w.end, chars);
            joined.push_str(w.text);
        }
        assert_eq!(joined, s);
        assert!(words("").is_empty());
    }

    #[test]
    fn word_at_and_moving_between_words() {
        let s = "毛泽东同志在中共中央";
        assert_eq!(word_at(s, 1).map(|w| w.text), Some("毛泽东"));
        assert_eq!(word_at(s, 3).map(|w| w.chars()), Some(3..5));
        assert_eq!(word_at(s, 10), None);
        let s = "我们，银行";
        assert_eq!(next_word(s, 0).map(|w| w.text), Some("银行")); // skips the comma
        assert_eq!(prev_word(s, 3).map(|w| w.text), Some("我们"));
        assert_eq!(prev_word(s, 0), None);
        assert_eq!(next_word(s, 3), None);
    }

    #[test]
    fn longest_match_at_a_position() {
        let s = "他们在中华人民共和国银行家那里";
        assert_eq!(longest_match(s, 3), Some(3..10)); // 中华人民共和国
        assert_eq!(longest_match(s, 10), Some(10..13)); // 银行家
        assert_eq!(longest_match(s, 0), Some(0..2)); // 他们
        assert_eq!(longest_match("，好", 0), None);
        assert_eq!(longest_match("好", 5), None);
    }
}
