//! Phrase search in article texts: a snippet around the first occurrence, and a parallel,
//! cancellable scan over article files.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use memchr::memmem;
use rayon::prelude::*;

/// The first occurrence of a phrase in a text, with a one-line snippet around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullTextHit {
    /// Byte offset of the occurrence in the text.
    pub offset: usize,
    /// Up to `context_chars` characters either side of the occurrence, on one line: runs of
    /// whitespace and control characters (newlines, tabs, escapes) become one space, and `…`
    /// marks a cut.
    pub snippet: String,
    /// The occurrence's byte range in `snippet` (on char boundaries).
    pub hit: Range<usize>,
}

/// A phrase prepared for searching many texts.
#[derive(Clone, Debug)]
pub struct Phrase {
    finder: memmem::Finder<'static>,
    ignore_case: bool,
}

impl Phrase {
    /// Prepares `phrase`; `None` if it is empty. With `smart_case`, a phrase without ASCII
    /// capitals matches ASCII letters of either case; otherwise matching is exact.
    pub fn new(phrase: &str, smart_case: bool) -> Option<Phrase> {
        if phrase.is_empty() {
            return None;
        }
        let ignore_case = smart_case && !phrase.bytes().any(|b| b.is_ascii_uppercase());
        Some(Phrase { finder: memmem::Finder::new(phrase.as_bytes()).into_owned(), ignore_case })
    }

    /// The first occurrence in `text`, with `context_chars` of context either side.
    pub fn find(&self, text: &str, context_chars: usize) -> Option<FullTextHit> {
        self.find_with(text, context_chars, &mut Vec::new())
    }

    /// [`Phrase::find`] with a reusable buffer for the lowercased text.
    fn find_with(&self, text: &str, context_chars: usize, buf: &mut Vec<u8>) -> Option<FullTextHit> {
        let start = if self.ignore_case {
            // ASCII lowercasing keeps every byte offset (and UTF-8 validity).
            buf.clear();
            buf.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
            self.finder.find(buf)?
        } else {
            self.finder.find(text.as_bytes())?
        };
        let end = start + self.finder.needle().len();
        Some(snippet(text, start..end, context_chars))
    }
}

/// Finds `phrase` in `text` (see [`Phrase::new`] for `smart_case`) and returns a snippet of
/// `context_chars` characters either side of the first occurrence.
pub fn find_phrase(text: &str, phrase: &str, smart_case: bool, context_chars: usize) -> Option<FullTextHit> {
    Phrase::new(phrase, smart_case)?.find(text, context_chars)
}

/// Builds the snippet for the occurrence `hit` (on char boundaries) of `text`.
fn snippet(text: &str, hit: Range<usize>, context_chars: usize) -> FullTextHit {
    let ws = text[..hit.start].char_indices().rev().take(context_chars).last().map_or(hit.start, |(i, _)| i);
    let we = text[hit.end..].char_indices().nth(context_chars).map_or(text.len(), |(i, _)| hit.end + i);
    let mut before = one_line(&text[ws..hit.start]);
    let found = one_line(&text[hit.clone()]);
    let mut after = one_line(&text[hit.end..we]);
    if before.ends_with(' ') && found.starts_with(' ') {
        before.pop();
    }
    if after.starts_with(' ') && found.ends_with(' ') {
        after.remove(0);
    }
    let mut s = String::with_capacity(before.len() + found.len() + after.len() + 6);
    if ws > 0 {
        s.push('…');
    }
    s.push_str(before.trim_start());
    let a = s.len();
    s.push_str(&found);
    let b = s.len();
    s.push_str(after.trim_end());
    if we < text.len() {
        s.push('…');
    }
    FullTextHit { offset: hit.start, snippet: s, hit: a..b }
}

/// Replaces each run of whitespace or control characters with one space.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// A file in which the phrase was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHit {
    /// Position of the file in the `paths` given to [`scan_files`].
    pub index: usize,
    /// The first occurrence and its snippet.
    pub hit: FullTextHit,
}

/// The outcome of [`scan_files`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileScan {
    /// Files containing the phrase, in `paths` order.
    pub hits: Vec<FileHit>,
    /// Positions of files that could not be read.
    pub unreadable: Vec<usize>,
}

/// Reads every file in `paths` (in parallel, on the current rayon pool) and finds `phrase`
/// in it (see [`find_phrase`]); invalid UTF-8 is replaced by U+FFFD first. Returns `None` if
/// `cancel` returned true (it is polled before each file).
pub fn scan_files(
    paths: &[PathBuf],
    phrase: &str,
    smart_case: bool,
    context_chars: usize,
    cancel: &(dyn Fn() -> bool + Sync),
) -> Option<FileScan> {
    enum Outcome {
        Hit(FileHit),
        Miss,
        Unreadable(usize),
    }
    let Some(phrase) = Phrase::new(phrase, smart_case) else {
        return Some(FileScan::default());
    };
    let stop = AtomicBool::new(false);
    let outcomes: Option<Vec<Outcome>> = paths
        .par_iter()
        .enumerate()
        .map_init(Vec::new, |buf, (index, path)| {
            if stop.load(Ordering::Relaxed) || cancel() {
                stop.store(true, Ordering::Relaxed);
                return None;
            }
            Some(match crate::fsutil::read_regular(path, crate::corpus::load::MAX_FILE_BYTES) {
                Err(_) => Outcome::Unreadable(index),
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    match phrase.find_with(&text, context_chars, buf) {
                        Some(hit) => Outcome::Hit(FileHit { index, hit }),
                        None => Outcome::Miss,
                    }
                }
            })
        })
        .collect();
    let mut scan = FileScan::default();
    for o in outcomes? {
        match o {
            Outcome::Hit(h) => scan.hits.push(h),
            Outcome::Unreadable(i) => scan.unreadable.push(i),
            Outcome::Miss => {}
        }
    }
    Some(scan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn snippet_around_first_hit() {
        let text = "Title: X\n\nThe commune\nwork groups   of Xiangxiang County met.\n湘乡县";
        let h = find_phrase(text, "xiangxiang", true, 10).unwrap();
        assert_eq!(&h.snippet[h.hit.clone()], "Xiangxiang");
        assert_eq!(h.snippet, "…oups of Xiangxiang County me…");
        assert_eq!(&text[h.offset..h.offset + 10], "Xiangxiang");
        assert!(find_phrase(text, "Xiangxiangx", true, 10).is_none());
        // Smart case: a capital makes the phrase case-sensitive.
        assert!(find_phrase(text, "XIANGXIANG", true, 10).is_none());
        assert!(find_phrase(text, "xiangxiang", false, 10).is_none());
        // CJK: the range is on char boundaries, newlines are spaces.
        let h = find_phrase(text, "乡县", true, 3).unwrap();
        assert_eq!(h.snippet, "…. 湘乡县");
        assert_eq!(&h.snippet[h.hit.clone()], "乡县");
        assert!(find_phrase(text, "", true, 3).is_none());
    }

    #[test]
    fn control_characters_become_spaces() {
        let h = find_phrase("a\x1b[31mred\r\n\tb", "red", true, 20).unwrap();
        assert_eq!(h.snippet, "a [31mred b");
        assert_eq!(&h.snippet[h.hit.clone()], "red");
    }

    #[test]
    fn scans_files_in_parallel_and_cancels() {
        let dir = std::env::temp_dir().join(format!("diglot-search-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut paths = Vec::new();
        for i in 0..50 {
            let p = dir.join(format!("{i}.txt"));
            let body = if i % 7 == 0 { "Brief News\n简讯 eins" } else { "Picture\n图片" };
            std::fs::write(&p, body).unwrap();
            paths.push(p);
        }
        std::fs::write(dir.join("bad.txt"), b"\xff\xfe brief news").unwrap();
        paths.push(dir.join("bad.txt"));
        paths.push(dir.join("missing.txt"));
        let scan = scan_files(&paths, "brief news", true, 5, &|| false).unwrap();
        let idx: Vec<usize> = scan.hits.iter().map(|h| h.index).collect();
        assert_eq!(idx, vec![0, 7, 14, 21, 28, 35, 42, 49, 50]);
        assert_eq!(scan.unreadable, vec![51]);
        assert_eq!(scan.hits[0].hit.snippet, "Brief News 简讯 e…");
        let scan = scan_files(&paths, "简讯", true, 1, &|| false).unwrap();
        assert_eq!(scan.hits.len(), 8);
        let polls = AtomicUsize::new(0);
        let cancelled = scan_files(&paths, "brief", true, 5, &|| polls.fetch_add(1, Ordering::SeqCst) >= 3);
        assert!(cancelled.is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
