//! HSK levels (the `hsk` crate's data; the HSK 3.0 examination syllabus of 2025, in use from
//! July 2026: levels 1-6 and the advanced band 7-9, written 7 here), and how many words of a
//! text lie beyond a level, for the reader's header.

use super::is_han;
use hsk::{HskLevel, HskQuery, HskSystem};

/// The classification used.
pub const SYSTEM: HskSystem = HskSystem::HskExamSyllabus2025;

/// The highest level: the advanced band 7-9.
pub const MAX_LEVEL: u8 = 7;

fn number(l: HskLevel) -> u8 {
    match l {
        HskLevel::One => 1,
        HskLevel::Two => 2,
        HskLevel::Three => 3,
        HskLevel::Four => 4,
        HskLevel::Five => 5,
        HskLevel::Six => 6,
        _ => MAX_LEVEL,
    }
}

/// The HSK level of a simplified word (its lowest, when listed at several), or None when the
/// syllabus does not list it.
pub fn level(word: &str) -> Option<u8> {
    hsk::levels(SYSTEM, HskQuery::new(word)).ok()?.into_iter().map(number).min()
}

/// The label of a level: `1` .. `6`, `7-9`.
pub fn label(level: u8) -> String {
    if level >= MAX_LEVEL {
        "7-9".to_string()
    } else {
        level.to_string()
    }
}

/// How many words of a text lie beyond a level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Beyond {
    /// Chinese words in the text (running words; tokens without a Han character are not words).
    pub words: usize,
    /// Running words above the level or not in the syllabus at all.
    pub beyond: usize,
    /// Distinct words among those.
    pub distinct: usize,
}

/// Counts the words of `text` (segmented with [`super::segment::words`]) beyond HSK `level`:
/// above it, or in no level at all (names, rare and literary words).
pub fn count_beyond(text: &str, level: u8) -> Beyond {
    let mut b = Beyond::default();
    let mut seen = std::collections::HashSet::new();
    for w in super::segment::words(text) {
        if !w.text.chars().any(is_han) {
            continue;
        }
        b.words += 1;
        if self::level(w.text).is_none_or(|l| l > level) {
            b.beyond += 1;
            if seen.insert(w.text) {
                b.distinct += 1;
            }
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_of_common_and_rare_words() {
        assert_eq!(level("爱"), Some(1));
        assert_eq!(level("我"), Some(1));
        assert!(level("银行").is_some_and(|l| l <= 4));
        assert_eq!(level("毛泽东"), None);
        assert_eq!(level(""), None);
        assert_eq!(label(7), "7-9");
        assert_eq!(label(3), "3");
    }

    #[test]
    fn counts_words_beyond_a_level() {
        // 我 和 你 are level 1; 毛泽东 is in no level
        let b = count_beyond("我和你。毛泽东", 1);
        assert_eq!(b.words, 4, "{b:?}");
        assert_eq!(b.beyond, 1);
        assert_eq!(b.distinct, 1);
        let all = count_beyond("毛泽东，毛泽东", 6);
        assert_eq!((all.words, all.beyond, all.distinct), (2, 2, 1));
        assert_eq!(count_beyond("", 3), Beyond::default());
        assert_eq!(count_beyond("no Chinese here", 3).words, 0);
        // raising the level can only lower the count
        let text = "中华人民共和国中央人民政府今天成立了";
        assert!(count_beyond(text, 6).beyond <= count_beyond(text, 1).beyond);
    }
}
