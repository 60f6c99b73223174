//! CC-CEDICT, embedded in the binary (through the `haoxue-dict` crate, which ships the
//! 2024-06-07 release), with the HSK level of each word.
//!
//! The dictionary is parsed on first use (a few hundred milliseconds) and kept for the rest of
//! the run. [`preload`] starts that on a background thread so the reader's first frame never
//! waits for it; [`try_get`] answers without blocking (None while loading), [`get`] blocks.
//! After loading, a lookup is a B-tree search: microseconds (see `benches/dict.rs`).

use super::is_han;
use serde::Serialize;
use std::sync::OnceLock;

/// One dictionary entry: a word with one reading and its senses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The simplified form.
    pub simplified: String,
    /// The traditional form.
    pub traditional: String,
    /// Pinyin with tone marks, one syllable per character, space-separated (`yín háng`).
    pub pinyin: String,
    /// Pinyin as CC-CEDICT writes it, tones as numbers (`yin2 hang2`).
    pub pinyin_numbered: String,
    /// The English senses, in dictionary order.
    pub senses: Vec<String>,
    /// The HSK level of the word (1-6, 7 for the advanced band 7-9), if it has one.
    pub hsk: Option<u8>,
}

/// The loaded dictionary.
pub struct Dictionary {
    inner: &'static haoxue_dict::Dictionary,
}

static DICT: OnceLock<Dictionary> = OnceLock::new();

/// The dictionary, loading it on this thread if no one has yet (blocks meanwhile).
pub fn get() -> &'static Dictionary {
    DICT.get_or_init(|| Dictionary { inner: &haoxue_dict::DICTIONARY })
}

/// The dictionary if it is loaded, without waiting.
pub fn try_get() -> Option<&'static Dictionary> {
    DICT.get()
}

/// Starts loading the dictionary (and the segmenter) on a background thread; returns at once.
/// Calling it again, or after loading, does nothing.
pub fn preload() {
    static STARTED: OnceLock<()> = OnceLock::new();
    if STARTED.set(()).is_ok() {
        let _ = std::thread::Builder::new().name("dict-load".into()).spawn(|| {
            get();
            super::segment::segmenter();
        });
    }
}

fn to_entry(e: &haoxue_dict::DictEntry<String>) -> Entry {
    let numbered = e.pinyin().to_string();
    Entry {
        simplified: e.simplified().to_string(),
        traditional: e.traditional().to_string(),
        pinyin: prettify_pinyin::prettify(&numbered),
        senses: e.definitions().map(str::to_string).filter(|s| !s.is_empty()).collect(),
        hsk: super::hsk::level(e.simplified()),
        pinyin_numbered: numbered,
    }
}

impl Dictionary {
    /// Every entry whose simplified form is `word`, in dictionary order; empty when the word
    /// is not in CC-CEDICT.
    pub fn lookup(&self, word: &str) -> Vec<Entry> {
        let word = word.trim();
        if word.is_empty() {
            return Vec::new();
        }
        self.inner.lookup_entries(word).filter(|e| e.simplified() == word).map(to_entry).collect()
    }

    /// Whether `word` is a CC-CEDICT headword (simplified).
    pub fn contains(&self, word: &str) -> bool {
        self.inner.get_entry(word).is_some_and(|e| e.simplified() == word)
    }

    /// The length in chars of the longest headword that `text` starts with (0 when `text`
    /// does not start with a Han character or no entry matches).
    pub fn longest_prefix(&self, text: &str) -> usize {
        if !text.chars().next().is_some_and(is_han) {
            return 0;
        }
        self.inner.lookup_entries(text).map(|e| e.simplified().chars().count()).max().unwrap_or(0)
    }

    /// Every entry `text` starts with, longest first (Zhongwen's popup: 中华人民共和国 then
    /// 中华 then 中).
    pub fn prefixes(&self, text: &str) -> Vec<Entry> {
        let mut v: Vec<Entry> = self.inner.lookup_entries(text).map(to_entry).collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.simplified.chars().count()));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_have_marks_traditional_senses_and_hsk() {
        let e = get().lookup("银行");
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].traditional, "銀行");
        assert_eq!(e[0].pinyin, "yín háng");
        assert_eq!(e[0].pinyin_numbered, "yin2 hang2");
        assert!(e[0].senses.iter().any(|s| s == "bank"), "{:?}", e[0].senses);
        assert!(e[0].hsk.is_some_and(|l| l <= 3), "{:?}", e[0].hsk);
    }

    #[test]
    fn a_character_with_several_readings_has_several_entries() {
        let e = get().lookup("行");
        let readings: Vec<&str> = e.iter().map(|e| e.pinyin.as_str()).collect();
        assert!(readings.contains(&"xíng") && readings.contains(&"háng"), "{readings:?}");
    }

    #[test]
    fn unknown_and_empty_words_have_no_entries() {
        assert!(get().lookup("").is_empty());
        assert!(get().lookup("   ").is_empty());
        assert!(get().lookup("hello").is_empty());
        assert!(get().lookup("银行行行").is_empty());
        assert!(!get().contains("银行行行"));
        assert!(get().contains("银行"));
    }

    #[test]
    fn longest_prefix_is_the_longest_headword() {
        let d = get();
        assert_eq!(d.longest_prefix("中华人民共和国成立了"), 7);
        assert_eq!(d.longest_prefix("银行家们"), 3); // 银行家
        assert_eq!(d.longest_prefix("，银行"), 0);
        assert_eq!(d.longest_prefix("abc"), 0);
        assert_eq!(d.longest_prefix(""), 0);
        let p = d.prefixes("中华人民共和国");
        assert_eq!(p.first().map(|e| e.simplified.as_str()), Some("中华人民共和国"));
        assert!(p.iter().any(|e| e.simplified == "中"));
    }
}
