//! Help with reading Chinese: words, a dictionary, pinyin and a word list. Pure: no terminal
//! types, so each part is testable and benchable alone.
//!
//! - [`segment`]: the words of a Chinese text (jieba, its dictionary embedded), and the longest
//!   dictionary match at a position (as the Zhongwen popup dictionary does).
//! - [`cedict`]: CC-CEDICT entries (simplified, traditional, pinyin with tone marks, senses)
//!   with their HSK level, embedded and loaded lazily (see [`cedict::preload`]).
//! - [`pinyin`]: word-level pinyin of a line (银行 yínháng, 行动 xíngdòng), and its syllables
//!   placed over the characters of a laid-out row.
//! - [`hsk`]: HSK levels of words and how many words of a text lie beyond a level.
//! - [`words`]: the learner's word list (`$XDG_DATA_HOME/diglot/words.tsv`).
//!
//! CC-CEDICT is © MDBG, licensed CC BY-SA 4.0: credited by `diglot --version`
//! ([`crate::cli::VERSION`]) and in the README.

pub mod cedict;
pub mod hsk;
pub mod pinyin;
pub mod segment;
pub mod words;

/// Whether `c` is a Han character (CJK unified ideographs and their extensions, compatibility
/// ideographs): what the dictionary, segmentation and pinyin work on.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x30000..=0x323AF)
        || c == '〇'
}
