//! Phrase search in article texts: a snippet around the first occurrence, and a parallel,
//! cancellable scan over article files. The one full-text search: the TUI's Ctrl-f and
//! `diglot search --full-text` both call [`scan_files`], which looks in each article's text
//! (titles, authors, column, paragraphs, glossary), never in the file's markup.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::corpus::{self, Article, ArticleMeta, Parsed};
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
    /// Where in the article it was found: `title`, `authors`, `column`, `en`, `zh` (a
    /// paragraph) or `glossary`; empty for [`find_phrase`] on a plain text.
    pub field: &'static str,
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

    /// The first occurrence in the article's text, looked for field by field: the titles,
    /// the authors, the column, the English paragraphs, the Chinese ones, the glossary (as
    /// shown: emphasis markers out); `offset` is in the field.
    pub fn find_in_article(&self, a: &Article, context_chars: usize) -> Option<FullTextHit> {
        let mut buf = Vec::new();
        let m = &a.meta;
        let mut look = |field: &'static str, text: &str| {
            let (shown, _) = crate::text::strip_emphasis(text);
            self.find_with(&shown, context_chars, &mut buf).map(|h| FullTextHit { field, ..h })
        };
        let hit = look("title", &m.title_en)
            .or_else(|| look("title", &m.title_zh_full()))
            .or_else(|| look("authors", &m.authors_en.join(", ")))
            .or_else(|| look("authors", &m.authors_zh.join("　")))
            .or_else(|| look("column", &m.column_en))
            .or_else(|| look("column", &m.column_zh));
        if hit.is_some() {
            return hit;
        }
        for i in 0..a.en.len() {
            if let Some(h) = look("en", a.en_para(i)) {
                return Some(h);
            }
        }
        for i in 0..a.zh.len() {
            if let Some(h) = look("zh", a.zh_para(i)) {
                return Some(h);
            }
        }
        a.glossary.iter().find_map(|g| look("glossary", &format!("{} {}", g.term, g.gloss)))
    }

    /// Looks for the phrase in one article file's bytes: a quick test on the raw bytes first
    /// (the phrase's longest piece without spaces must be there; most files are left after
    /// it), then the file is parsed and its text searched ([`Phrase::find_in_article`]).
    pub fn search_file(&self, path: &std::path::Path, bytes: &[u8]) -> Option<(ArticleMeta, FullTextHit)> {
        let needle = self.finder.needle();
        let piece = needle
            .split(|b| b.is_ascii_whitespace())
            .max_by_key(|p| p.len())
            .filter(|p| !p.is_empty())
            .unwrap_or(needle);
        let found = if self.ignore_case {
            memmem::find(&bytes.to_ascii_lowercase(), piece).is_some()
        } else {
            memmem::find(bytes, piece).is_some()
        };
        if !found {
            return None;
        }
        match corpus::parse_bytes(path, bytes) {
            Parsed::Article(a) => {
                let hit = self.find_in_article(&a, 40)?;
                Some((a.meta, hit))
            }
            Parsed::NotArticle(_) => None,
        }
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
    FullTextHit { offset: hit.start, snippet: s, hit: a..b, field: "" }
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
    /// The article's metadata, as parsed.
    pub meta: ArticleMeta,
}

/// The outcome of [`scan_files`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileScan {
    /// Files containing the phrase, in `paths` order.
    pub hits: Vec<FileHit>,
    /// Positions of files that could not be read.
    pub unreadable: Vec<usize>,
}

/// Reads every article file in `paths` (in parallel, on the current rayon pool; the embedded
/// seeds too) and finds `phrase` in its text (see [`Phrase::search_file`]: titles, authors,
/// column, paragraphs, glossary; never the markup), with a snippet of 40 characters either
/// side. Files that are not articles are misses. Returns `None` if `cancel` returned true
/// (it is polled before each file).
pub fn scan_files(
    paths: &[PathBuf],
    phrase: &str,
    smart_case: bool,
    cancel: &(dyn Fn() -> bool + Sync),
) -> Option<FileScan> {
    enum Outcome {
        Hit(Box<FileHit>),
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
        .map(|(index, path)| {
            if stop.load(Ordering::Relaxed) || cancel() {
                stop.store(true, Ordering::Relaxed);
                return None;
            }
            Some(match corpus::read_source(path) {
                Err(_) => Outcome::Unreadable(index),
                Ok(bytes) => match phrase.search_file(path, &bytes) {
                    Some((meta, hit)) => Outcome::Hit(Box::new(FileHit { index, hit, meta })),
                    None => Outcome::Miss,
                },
            })
        })
        .collect();
    let mut scan = FileScan::default();
    for o in outcomes? {
        match o {
            Outcome::Hit(h) => scan.hits.push(*h),
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

    /// An article in the corpus format, with `body` as its English paragraph.
    fn article(title: &str, body: &str) -> String {
        format!(
            "Title: {title}\nAuthor: Li Ming\nDate: 1958-06-05\nPage: 4\n\n    {body}\n\n**Named Entities**\n\n湘乡县    Xiāngxiāng Xiàn (Xiangxiang County)\n\n<hr /> \n\nOriginal: \n\n### 简讯\n李明\n1958-06-05\n第4版()\n专栏：\n\n    简讯正文。\n"
        )
    }

    #[test]
    fn scans_article_text_not_markup_in_parallel_and_cancels() {
        let dir = std::env::temp_dir().join(format!("diglot-search-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut paths = Vec::new();
        for i in 0..50 {
            let p = dir.join(format!("{i}.md"));
            let body = if i % 7 == 0 { "Brief News from the *People's* communes." } else { "A picture." };
            std::fs::write(&p, article(if i % 7 == 0 { "Brief News" } else { "Picture" }, body)).unwrap();
            paths.push(p);
        }
        std::fs::write(dir.join("bad.md"), b"\xff\xfe brief news").unwrap();
        paths.push(dir.join("bad.md"));
        paths.push(dir.join("missing.md"));
        let scan = scan_files(&paths, "brief news", true, &|| false).unwrap();
        let idx: Vec<usize> = scan.hits.iter().map(|h| h.index).collect();
        assert_eq!(idx, vec![0, 7, 14, 21, 28, 35, 42, 49], "a file that is no article is a miss");
        assert_eq!(scan.unreadable, vec![51]);
        assert_eq!(scan.hits[0].hit.snippet, "Brief News");
        assert_eq!((scan.hits[0].hit.field, scan.hits[0].meta.title_en.as_str()), ("title", "Brief News"));
        // the paragraph, shown as the reader shows it (no emphasis markers)
        let scan = scan_files(&paths, "People's communes", true, &|| false).unwrap();
        assert_eq!(scan.hits.len(), 8);
        assert_eq!(scan.hits[0].hit.snippet, "Brief News from the People's communes.");
        assert_eq!(scan.hits[0].hit.field, "en");
        // the file's markup matches nothing: every article has these
        for markup in ["Original", "hr /", "专栏", "Named Entities", "Title:", "第4版()", "###"] {
            let scan = scan_files(&paths, markup, true, &|| false).unwrap();
            assert!(scan.hits.is_empty(), "{markup} matched {} files", scan.hits.len());
        }
        // Chinese paragraphs and the glossary are text
        assert_eq!(scan_files(&paths, "简讯正文", true, &|| false).unwrap().hits.len(), 50);
        let g = scan_files(&paths, "Xiangxiang County", true, &|| false).unwrap();
        assert_eq!((g.hits.len(), g.hits[0].hit.field), (50, "glossary"));
        let polls = AtomicUsize::new(0);
        let cancelled = scan_files(&paths, "brief", true, &|| polls.fetch_add(1, Ordering::SeqCst) >= 3);
        assert!(cancelled.is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
