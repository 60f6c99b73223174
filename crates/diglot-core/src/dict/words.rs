//! The learner's word list: `$XDG_DATA_HOME/diglot/words.tsv`, one saved word a line, with its
//! sentence, the aligned English, its pinyin, senses and a citation.
//!
//! The file is TSV with a header line; a tab, newline, carriage return or backslash inside a
//! field is escaped (`\t`, `\n`, `\r`, `\\`). Saving holds a lock on `words.tsv.lock` (so
//! two diglot processes saving at once both keep their word), reads the list, adds the word
//! if it is not there yet (a word saved twice is kept once) and writes the file atomically
//! ([`crate::fsutil::write_atomic_bytes`]). Lines that cannot be read (a wrong number of fields,
//! invalid UTF-8) are reported and written back as they were: nothing is lost.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The word list's file name in the data folder.
pub const FILE_NAME: &str = "words.tsv";

/// The header line (field names).
pub const HEADER: &str = "word\tpinyin\tsenses\tsentence\tenglish\tcitation";

const FIELDS: usize = 6;

/// One saved word.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SavedWord {
    /// The word (simplified Chinese), the list's key.
    pub word: String,
    /// Its pinyin in the sentence (`yínháng`).
    pub pinyin: String,
    /// Its senses, ` / `-separated.
    pub senses: String,
    /// The Chinese sentence it was saved from.
    pub sentence: String,
    /// The English aligned with that sentence's paragraph.
    pub english: String,
    /// Where it came from (the article's citation).
    pub citation: String,
}

impl SavedWord {
    fn fields(&self) -> [&str; FIELDS] {
        [&self.word, &self.pinyin, &self.senses, &self.sentence, &self.english, &self.citation]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    Word(SavedWord),
    /// A line that could not be read, kept byte for byte.
    Raw(Vec<u8>),
}

/// The word list as read from its file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordList {
    lines: Vec<Line>,
    /// What was wrong with the file: `path:line: message`.
    pub diagnostics: Vec<String>,
}

/// The word list's default path: `words.tsv` in [`crate::dirs::data_dir`].
pub fn default_path() -> Option<PathBuf> {
    crate::dirs::data_dir().map(|d| d.join(FILE_NAME))
}

/// Escapes a field: `\` `\t` `\n` `\r` become `\\` `\t` `\n` `\r`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// Undoes [`escape`]; an unknown escape or a trailing backslash is kept as it is.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

impl WordList {
    /// Reads the list at `path`; a missing file is an empty list. Unreadable lines are kept
    /// (see the module doc) and reported in [`WordList::diagnostics`].
    pub fn load(path: &Path) -> io::Result<WordList> {
        match fs::read(path) {
            Ok(bytes) => Ok(WordList::parse(&bytes, &path.display().to_string())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(WordList::default()),
            Err(e) => Err(e),
        }
    }

    /// Parses a word list's bytes; `name` names it in diagnostics.
    pub fn parse(bytes: &[u8], name: &str) -> WordList {
        let mut list = WordList::default();
        let mut lines = bytes.split(|&b| b == b'\n').enumerate().peekable();
        if bytes.is_empty() {
            return list;
        }
        while let Some((i, raw)) = lines.next() {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let last = lines.peek().is_none();
            if raw.is_empty() && last {
                break; // the final newline
            }
            let n = i + 1;
            let Ok(text) = std::str::from_utf8(raw) else {
                list.diagnostics.push(format!("{name}:{n}: invalid UTF-8; line kept as it is"));
                list.lines.push(Line::Raw(raw.to_vec()));
                continue;
            };
            if text == HEADER || text.trim().is_empty() {
                continue;
            }
            let f: Vec<String> = text.split('\t').map(unescape).collect();
            if f.len() != FIELDS || f.first().is_none_or(|w| w.trim().is_empty()) {
                list.diagnostics.push(format!(
                    "{name}:{n}: expected {FIELDS} tab-separated fields with a word first, found {}; line kept as it is",
                    f.len()
                ));
                list.lines.push(Line::Raw(raw.to_vec()));
                continue;
            }
            let mut f = f.into_iter();
            let mut next = || f.next().unwrap_or_default();
            let w = SavedWord {
                word: next(),
                pinyin: next(),
                senses: next(),
                sentence: next(),
                english: next(),
                citation: next(),
            };
            if list.contains(&w.word) {
                continue; // a duplicate from an older version or a hand edit
            }
            list.lines.push(Line::Word(w));
        }
        list
    }

    /// The saved words, in the order they were saved.
    pub fn entries(&self) -> impl Iterator<Item = &SavedWord> {
        self.lines.iter().filter_map(|l| match l {
            Line::Word(w) => Some(w),
            Line::Raw(_) => None,
        })
    }

    /// Whether `word` is saved.
    pub fn contains(&self, word: &str) -> bool {
        self.entries().any(|w| w.word == word)
    }

    /// Adds `w` unless its word is already there; returns whether it was added.
    pub fn add(&mut self, w: SavedWord) -> bool {
        if w.word.trim().is_empty() || self.contains(&w.word) {
            return false;
        }
        self.lines.push(Line::Word(w));
        true
    }

    /// The file's bytes: the header, then each line.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(HEADER.as_bytes());
        out.push(b'\n');
        for l in &self.lines {
            match l {
                Line::Word(w) => {
                    let f: Vec<String> = w.fields().iter().map(|s| escape(s)).collect();
                    out.extend_from_slice(f.join("\t").as_bytes());
                }
                Line::Raw(r) => out.extend_from_slice(r),
            }
            out.push(b'\n');
        }
        out
    }
}

/// Saves `w` to the list at `path` (its folder created if needed): under the lock, reads the
/// list, adds the word if it is not there and writes the list atomically. Returns whether
/// it was added (false: the word was already saved).
pub fn save(path: &Path, w: SavedWord) -> io::Result<bool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let _lock = crate::fsutil::Lock::acquire(&path.with_file_name(format!("{name}.lock")))?;
    let mut list = WordList::load(path)?;
    if !list.add(w) {
        return Ok(false);
    }
    crate::fsutil::write_atomic_bytes(path, &list.to_bytes())?;
    Ok(true)
}

fn html(s: &str) -> String {
    let s = crate::text::sanitize(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The list as Anki's importer reads it: header lines, then `front<TAB>back<TAB>tags` (HTML
/// fields: the word; pinyin, senses, the sentence, the English and the citation; tags
/// `diglot` and the HSK level).
pub fn anki(list: &WordList) -> String {
    let mut out = String::from("#separator:tab\n#html:true\n#tags column:3\n");
    for w in list.entries() {
        let mut back = format!("{}<br>{}", html(&w.pinyin), html(&w.senses));
        if !w.sentence.is_empty() {
            back.push_str(&format!("<br><br>{}", html(&w.sentence)));
        }
        if !w.english.is_empty() {
            back.push_str(&format!("<br>{}", html(&w.english)));
        }
        if !w.citation.is_empty() {
            back.push_str(&format!("<br><small>{}</small>", html(&w.citation)));
        }
        let mut tags = String::from("diglot");
        if let Some(l) = super::hsk::level(&w.word) {
            tags.push_str(&format!(" HSK{}", super::hsk::label(l)));
        }
        out.push_str(&format!("{}\t{back}\t{tags}\n", html(&w.word)));
    }
    out
}

/// The list as plain TSV for a terminal or a pipe: the header, then one escaped line a word,
/// control characters made visible.
pub fn tsv(list: &WordList) -> String {
    let mut out = format!("{HEADER}\n");
    for w in list.entries() {
        let f: Vec<String> =
            w.fields().iter().map(|s| crate::text::sanitize(&escape(s)).into_owned()).collect();
        out.push_str(&f.join("\t"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str, sentence: &str) -> SavedWord {
        SavedWord {
            word: w.into(),
            pinyin: "yínháng".into(),
            senses: "bank / CL:家[jia1]".into(),
            sentence: sentence.into(),
            english: "The bank.".into(),
            citation: "People's Daily, 1958-08-01, p. 1".into(),
        }
    }

    #[test]
    fn escaping_round_trips_tabs_newlines_and_backslashes() {
        for s in ["a\tb", "line1\nline2", "cr\r\n", "back\\slash", "\\t literal", "end\\", "", "银行"] {
            let e = escape(s);
            assert!(!e.contains('\t') && !e.contains('\n') && !e.contains('\r'), "{e:?}");
            assert_eq!(unescape(&e), s);
        }
        assert_eq!(escape("a\tb\\n"), "a\\tb\\\\n");
        assert_eq!(unescape("\\q"), "\\q");
    }

    #[test]
    fn a_list_round_trips_through_its_file() {
        let mut list = WordList::default();
        assert!(list.add(word("银行", "他在\t银行\n工作\\。")));
        assert!(list.add(word("行动", "采取行动")));
        let bytes = list.to_bytes();
        assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 3, "one line a word");
        let back = WordList::parse(&bytes, "words.tsv");
        assert!(back.diagnostics.is_empty(), "{:?}", back.diagnostics);
        assert_eq!(back, list);
    }

    #[test]
    fn saving_twice_keeps_one_and_the_write_is_atomic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(FILE_NAME);
        assert!(save(&path, word("银行", "first sentence")).unwrap());
        assert!(!save(&path, word("银行", "second sentence")).unwrap());
        assert!(save(&path, word("行动", "x")).unwrap());
        let list = WordList::load(&path).unwrap();
        let words: Vec<&str> = list.entries().map(|w| w.word.as_str()).collect();
        assert_eq!(words, ["银行", "行动"]);
        assert_eq!(list.entries().next().unwrap().sentence, "first sentence");
        // no temporary file is left beside it
        let names: Vec<String> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }

    #[test]
    fn concurrent_saves_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let words: Vec<String> = (0..16).map(|i| format!("词{i}")).collect();
        std::thread::scope(|s| {
            for w in &words {
                let path = &path;
                s.spawn(move || save(path, word(w, "s")).unwrap());
            }
        });
        let list = WordList::load(&path).unwrap();
        assert_eq!(list.entries().count(), 16);
        for w in &words {
            assert!(list.contains(w), "{w} lost");
        }
    }

    #[test]
    fn damaged_lines_are_reported_and_kept() {
        let mut bytes = format!("{HEADER}\nonly\ttwo\n").into_bytes();
        bytes.extend_from_slice(b"\xff\xfe bad\n");
        bytes.extend_from_slice("银行\tyínháng\tbank\ts\te\tc\n".as_bytes());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(&path, &bytes).unwrap();
        let list = WordList::load(&path).unwrap();
        assert_eq!(list.diagnostics.len(), 2, "{:?}", list.diagnostics);
        assert!(list.diagnostics[0].contains(":2:"), "{:?}", list.diagnostics);
        assert!(list.diagnostics[1].contains(":3:"), "{:?}", list.diagnostics);
        assert!(list.contains("银行"));
        assert!(save(&path, word("行动", "x")).unwrap());
        let after = fs::read(&path).unwrap();
        assert!(after.windows(4).any(|w| w == b"\xff\xfe b"), "the damaged line is kept");
        assert!(String::from_utf8_lossy(&after).contains("only\ttwo\n"));
    }

    #[test]
    fn anki_has_three_fields_a_line_and_escapes_html() {
        let mut list = WordList::default();
        list.add(word("银行", "a <b> & \"c\"\twith a tab\nand a newline"));
        let a = anki(&list);
        let lines: Vec<&str> = a.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(lines.len(), 1, "{a}");
        let f: Vec<&str> = lines[0].split('\t').collect();
        assert_eq!(f.len(), 3, "{f:?}");
        assert_eq!(f[0], "银行");
        assert!(f[1].contains("&lt;b&gt; &amp; &quot;c&quot;"), "{}", f[1]);
        assert!(f[2].starts_with("diglot"), "{}", f[2]);
        let t = tsv(&list);
        assert_eq!(t.lines().count(), 2);
        assert_eq!(t.lines().nth(1).unwrap().split('\t').count(), FIELDS);
    }
}
