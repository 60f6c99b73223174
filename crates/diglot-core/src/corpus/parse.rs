//! The parser: pure, from a file's bytes to an [`Article`] with diagnostics. It never fails:
//! whatever could be read of a damaged file is kept, and each problem becomes a diagnostic
//! with its 1-based line. See docs/FORMAT.md for the grammar.

use super::model::{Article, ArticleMeta, Date, Diagnostic, GlossEntry};
use std::ops::Range;
use std::path::Path;

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// An article (possibly with diagnostics).
    Article(Box<Article>),
    /// Not an article at all (empty, binary, a README...): skipped, with the reason.
    NotArticle(&'static str),
}

const BOM: &str = "\u{feff}";

/// How many first bytes of a file decide whether it is an article (see [`not_article`]).
pub const HEAD_BYTES: usize = 4096;

/// Quick test on a file's first bytes: does it set out to be an article? True when, after an
/// optional byte-order mark and blank lines, the first line starts with `Title:`.
pub fn looks_like_article(head: &[u8]) -> bool {
    classify(head).is_ok()
}

/// Why a file is not an article, judged from its name and its first [`HEAD_BYTES`] bytes
/// (more are not looked at), or `None` when it sets out to be one. The reasons are few and
/// fixed, so that a summary can count files by reason: `empty file`, `blank file`, `binary
/// file`, `JavaScript file` (the archive's `rmrb-js/*.js` month files, `const ARTICLES =
/// [...]`), a README ([`README`]), `does not start with `Title:``.
pub fn not_article(path: &Path, head: &[u8]) -> Option<&'static str> {
    let why = classify(head).err()?;
    let readme = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("readme")));
    Some(if readme && why == NO_TITLE { README } else { why })
}

const NO_TITLE: &str = "does not start with `Title:`";
/// The reason given for a README (by its name) that is not an article.
pub const README: &str = "README (does not start with `Title:`)";

fn classify(head: &[u8]) -> Result<(), &'static str> {
    if head.is_empty() {
        return Err("empty file");
    }
    let probe = head.get(..HEAD_BYTES).unwrap_or(head);
    let text = probe.strip_prefix(BOM.as_bytes()).unwrap_or(probe);
    let first = text.split(|&b| b == b'\n').map(|l| l.trim_ascii()).find(|l| !l.is_empty());
    match first {
        // A damaged article (a stray NUL, say) is still an article: it starts as one.
        Some(l) if l.starts_with(b"Title:") => Ok(()),
        _ if probe.contains(&0) => Err("binary file"),
        None => Err("blank file"),
        Some(l) if is_javascript(l) => Err("JavaScript file"),
        Some(_) => Err(NO_TITLE),
    }
}

/// A first line as JavaScript files start (`const ARTICLES = [`, `var x =`, `//`, `/*`,
/// `export`, `"use strict"`).
fn is_javascript(line: &[u8]) -> bool {
    const STARTS: [&[u8]; 8] =
        [b"const ", b"let ", b"var ", b"export ", b"//", b"/*", b"\"use strict\"", b"'use strict'"];
    STARTS.iter().any(|s| line.starts_with(s))
}

/// Parses a file's bytes. Invalid UTF-8 is replaced (U+FFFD) and reported.
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Parsed {
    if let Some(why) = not_article(path, bytes) {
        return Parsed::NotArticle(why);
    }
    parse_checked(path, bytes.to_vec())
}

/// [`parse_bytes`] on bytes the caller owns: the article keeps them as its text without a
/// copy (the loader's path: one allocation a file).
pub fn parse_vec(path: &Path, bytes: Vec<u8>) -> Parsed {
    if let Some(why) = not_article(path, &bytes) {
        return Parsed::NotArticle(why);
    }
    parse_checked(path, bytes)
}

fn parse_checked(path: &Path, bytes: Vec<u8>) -> Parsed {
    let size = bytes.len() as u64;
    let mut diags = Vec::new();
    let text = match into_string(bytes) {
        Ok(s) => s,
        Err(bytes) => {
            diags.push(invalid_utf8(&bytes));
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let mut article = parse_text(path, text, size);
    diags.append(&mut article.diagnostics);
    diags.sort_by_key(|d| d.line);
    article.diagnostics = diags;
    Parsed::Article(Box::new(article))
}

/// What [`parse_head`] gives of an article: what [`parse_bytes`] would give but the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The metadata, as [`Article::meta`].
    pub meta: ArticleMeta,
    /// The diagnostics, as [`Article::diagnostics`] (the same, in the same order).
    pub diagnostics: Vec<Diagnostic>,
    /// Where the first English paragraph starts (`Article::en[0].start`), if any.
    pub en_first: Option<usize>,
    /// Where the first Chinese paragraph starts (`Article::zh[0].start`), if any.
    pub zh_first: Option<usize>,
    /// The bytes were not UTF-8: the offsets are of the text with the bad bytes replaced
    /// (`String::from_utf8_lossy`, as [`Article::text`]), not of the bytes.
    pub replaced: bool,
    /// No line before this offset is the `<hr` separator as the index's parts find it
    /// ([`super::index::Parts::of_head`]): where the parser's English body ended (its
    /// separator or `Original:` line, or the end of the text).
    pub separator_from: usize,
    /// No line before this offset is the glossary's `**Named Entities**` line as the
    /// index's parts find it: the parser's first such line, else `separator_from`.
    pub glossary_from: usize,
}

/// What [`parse_head`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedHead {
    /// An article: its head.
    Article(Box<Head>),
    /// Not an article (as [`Parsed::NotArticle`]).
    NotArticle(&'static str),
}

/// Parses a file's bytes as [`parse_bytes`] does, for the list and the title index only:
/// the same metadata and diagnostics, the start of the first paragraph of each language,
/// and nothing else. The bytes are borrowed (the caller may read the next file into the same
/// buffer), no paragraph or glossary entry is kept, and the bytes are copied only when they
/// are not UTF-8 (then as [`parse_bytes`] does: the bad bytes replaced, the offsets those of
/// the replaced text).
pub fn parse_head(path: &Path, bytes: &[u8]) -> ParsedHead {
    if let Some(why) = not_article(path, bytes) {
        return ParsedHead::NotArticle(why);
    }
    ParsedHead::Article(parse_head_of_article(path, bytes))
}

/// [`parse_head`] of bytes that [`not_article`] has accepted already (the loader judges a
/// file from its head before reading the rest): the same head, without judging them again.
pub fn parse_head_of_article(path: &Path, bytes: &[u8]) -> Box<Head> {
    let size = bytes.len() as u64;
    let mut diags = Vec::new();
    let text = match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            diags.push(invalid_utf8(bytes));
            String::from_utf8_lossy(bytes)
        }
    };
    let mut body = FirstParagraphs::default();
    let (meta, mut found, english) = parse_into(path, &text, size, &mut body);
    let replaced = !diags.is_empty();
    if diags.is_empty() {
        diags = found;
    } else {
        diags.append(&mut found);
        diags.sort_by_key(|d| d.line);
    }
    Box::new(Head {
        meta,
        diagnostics: diags,
        en_first: body.en,
        zh_first: body.zh,
        replaced,
        separator_from: english.end,
        glossary_from: english.glossary.unwrap_or(english.end),
    })
}

/// The diagnostic of bytes that are not UTF-8: the line of the first bad byte.
fn invalid_utf8(bytes: &[u8]) -> Diagnostic {
    let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), str::len);
    let line = 1 + memchr::memchr_iter(b'\n', bytes.get(..valid).unwrap_or_default()).count();
    Diagnostic::error(line, "invalid UTF-8 (the bad bytes are shown as \u{fffd})")
}

/// The bytes as a `String` if they are UTF-8, checked with SIMD (simdutf8, several times
/// faster than `str::from_utf8` on Chinese text, which is most of the parser's input) and
/// without a second pass or a copy.
#[allow(unsafe_code)]
fn into_string(bytes: Vec<u8>) -> Result<String, Vec<u8>> {
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return Err(bytes);
    }
    // SAFETY: simdutf8 has just checked that `bytes` is valid UTF-8, and they are not
    // changed in between.
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

/// Parses text that is known to be UTF-8. Files that are not articles still parse (as an
/// article with errors); use [`parse_bytes`] to tell them apart.
pub fn parse(path: &Path, text: &str) -> Article {
    parse_text(path, text.to_owned(), text.len() as u64)
}

/// A line of the file: byte range without the line terminator (`\n`, `\r\n`).
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

fn is_ws(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// `s` without surrounding white space (as [`is_ws`]).
fn trim_ws(s: &str) -> &str {
    s.trim_matches(is_ws)
}

struct Cursor<'t> {
    text: &'t str,
    lines: Vec<Line>,
    /// Some line ends with `\r\n`.
    crlf: bool,
    /// How many `\n` the text has.
    newlines: usize,
    /// What the AVX2 pass that split the lines found of the control characters (`None`
    /// without AVX2: the lines were split by `memchr`, see [`first_control_line`]).
    marks: Option<super::scan::Marks>,
}

thread_local! {
    /// The lines of the last file a [`Cursor`] went through on this thread: one vector for a
    /// loader thread's files, not one allocated (and grown) per file.
    static LINES: std::cell::RefCell<Vec<Line>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The most lines a [`Cursor`] gives back to [`LINES`] for the next file (articles have a
/// few hundred; a huge file's room is let go).
const KEEP_LINES: usize = 1 << 14;

impl Drop for Cursor<'_> {
    fn drop(&mut self) {
        if self.lines.capacity() <= KEEP_LINES {
            let lines = std::mem::take(&mut self.lines);
            let _ = LINES.try_with(|cell| {
                if let Ok(mut kept) = cell.try_borrow_mut() {
                    *kept = lines;
                }
            });
        }
    }
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str) -> Self {
        Self::split(text, true)
    }

    /// The lines of `text`, their newlines from the AVX2 pass where the CPU has it and
    /// `vectors` (the tests' `false`: the portable `memchr` split, the same lines).
    fn split(text: &'t str, vectors: bool) -> Self {
        let bytes = text.as_bytes();
        let mut lines: Vec<Line> = LINES
            .try_with(|cell| cell.try_borrow_mut().map(|mut v| std::mem::take(&mut *v)).ok())
            .ok()
            .flatten()
            .unwrap_or_default();
        lines.clear();
        lines.reserve(bytes.len() / 48 + 4);
        let mut crlf = false;
        let mut start = 0;
        let mut line = |nl: usize| {
            let cr = nl > start && bytes.get(nl - 1) == Some(&b'\r');
            crlf |= cr;
            lines.push(Line { start, end: nl - usize::from(cr) });
            start = nl + 1;
        };
        // the newlines from the control characters' pass where there is one (AVX2), else a
        // memchr a line (a blank line, a third of an article's, seen without a call)
        let marks = if vectors { super::scan::newlines_and_marks(bytes, &mut line) } else { None };
        if marks.is_none() {
            let mut from = 0;
            while let Some(nl) = match bytes.get(from) {
                Some(b'\n') => Some(from),
                Some(_) => memchr::memchr(b'\n', bytes.get(from..).unwrap_or_default()).map(|k| from + k),
                None => None,
            } {
                line(nl);
                from = nl + 1;
            }
        }
        let newlines = lines.len();
        if start < bytes.len() {
            let end = bytes.len() - usize::from(bytes.last() == Some(&b'\r'));
            lines.push(Line { start, end });
        }
        Cursor { text, lines, crlf, newlines, marks }
    }

    /// The line without surrounding white space (spaces, tabs, U+3000, BOM).
    fn trimmed(&self, i: usize) -> &'t str {
        let r = self.trimmed_range(i);
        &self.text[r]
    }

    /// Byte range of the trimmed line.
    fn trimmed_range(&self, i: usize) -> Range<usize> {
        let Some(&l) = self.lines.get(i) else { return 0..0 };
        let raw = &self.text[l.start..l.end];
        // The usual indents (spaces, U+3000) and line ends (ASCII, a CJK ideograph or
        // punctuation) are recognised on the bytes; the rest is decoded.
        let b = raw.as_bytes();
        let mut k = 0;
        loop {
            match b.get(k..).unwrap_or_default() {
                [b' ', ..] => k += 1,
                [0xe3, 0x80, 0x80, ..] => k += 3,
                _ => break,
            }
        }
        let t = match b.get(k..).unwrap_or_default() {
            [] => "",
            [c, ..] if c.is_ascii_graphic() || (0xe4..=0xe9).contains(c) => &raw[k..],
            _ => raw[k..].trim_start_matches(is_ws),
        };
        let start = l.start + (raw.len() - t.len());
        let plain_end = match t.as_bytes() {
            [.., c] if c.is_ascii_graphic() => true,
            // U+3001..U+303F, CJK punctuation (U+3000 itself is white space)
            [.., 0xe3, 0x80, c] => *c != 0x80,
            // the lead byte of a three-byte character from U+4000 to U+9FFF: CJK ideographs
            [.., lead, _, _] => (0xe4..=0xe9).contains(lead),
            _ => false,
        };
        start..start + if plain_end { t.len() } else { t.trim_end_matches(is_ws).len() }
    }

    fn blank(&self, i: usize) -> bool {
        self.trimmed(i).is_empty()
    }
}

fn header_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.strip_prefix(key).and_then(|rest| rest.strip_prefix(':')).map(trim_ws)
}

/// Splits names separated by two or more spaces or by U+3000.
fn split_wide(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in s.split('\u{3000}') {
        for name in part.split("  ") {
            let name = trim_ws(name);
            if !name.is_empty() {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// `第7版(国际专页（政治）)` -> (Some(7), "国际专页（政治）"). The page is `None` when the
/// number does not fit.
fn parse_edition(line: &str) -> Option<(Option<u32>, &str)> {
    let rest = line.strip_prefix('第')?;
    let digits_end = rest.find(|c: char| !(c.is_ascii_digit() || ('０'..='９').contains(&c)))?;
    let after = rest[digits_end..].strip_prefix('版')?;
    let page = rest[..digits_end].chars().try_fold(0u32, |n, c| {
        let d = if c.is_ascii_digit() { c as u32 - '0' as u32 } else { c as u32 - '０' as u32 };
        n.checked_mul(10)?.checked_add(d)
    });
    let page = page.filter(|_| digits_end > 0);
    let after = trim_ws(after);
    let section =
        after.strip_prefix(['(', '（']).map(|s| s.strip_suffix([')', '）']).unwrap_or(s)).unwrap_or(after);
    Some((page, trim_ws(section)))
}

/// The line (0-based) of the first control character (C0 but tab and carriage return; DEL;
/// C1) or bidirectional override/isolate (U+202A..U+202E, U+2066..U+2069).
///
/// Works on the bytes, in two passes the compiler and memchr vectorise: the bytes below 0x20
/// (but tab) and DEL are counted, and memchr finds the lead bytes of C1 (0xC2) and of the
/// bidi controls (0xE2); only then are lines or those places looked at closely. When the
/// count is the newlines' (nearly every file), there is no C0 control; else (a carriage
/// return, a control) the text is tested as before for a byte below 0x20 (but newline, tab,
/// carriage return) or DEL. The chars-and-`is_control` scan it replaces was a third of the
/// parser's time.
///
/// Where the CPU has AVX2, the pass that split the lines ([`super::scan::newlines_and_marks`])
/// tells whether there is either kind at all, and the two passes below look only for a kind
/// it found.
fn first_control_line(cur: &Cursor<'_>) -> Option<usize> {
    first_control_line_with(cur, cur.marks)
}

/// [`first_control_line`] with what one pass found of the text's bytes (`None`: nothing
/// known, the two portable passes decide).
fn first_control_line_with(cur: &Cursor<'_>, marks: Option<super::scan::Marks>) -> Option<usize> {
    let b = cur.text.as_bytes();
    // `|` and `&`, not `||` and `&&`: no early exit, so the loop is vectorised; one pass over
    // the whole text, and the lines are looked at only when it finds something.
    let bad = |c: u8| ((c < 0x20) & (c != b'\t') & (c != b'\r')) | (c == 0x7f);
    let (c0, high) = match marks {
        Some(m) => (m.c0, m.high),
        None => (
            low_bytes(b) != cur.newlines && b.iter().fold(false, |acc, &c| acc | (bad(c) & (c != b'\n'))),
            true,
        ),
    };
    let c0 = if c0 {
        cur.lines.iter().position(|l| b.get(l.start..l.end).unwrap_or_default().iter().any(|&c| bad(c)))
    } else {
        None
    };
    if !high {
        return c0;
    }
    let high = memchr::memchr2_iter(0xc2, 0xe2, b)
        .find(|&k| match b.get(k).copied().unwrap_or_default() {
            0xc2 => matches!(b.get(k + 1), Some(0x80..=0x9f)),
            _ => matches!(
                (b.get(k + 1), b.get(k + 2)),
                (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
            ),
        })
        .map(|k| cur.lines.partition_point(|l| l.end < k));
    match (c0, high) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// How many bytes of `b` are below 0x20 but tab, or DEL: newlines, carriage returns and C0
/// controls. Counted in 32 byte-wide lanes (the compiler keeps them in two vector registers:
/// 0.7 instruction a byte, against 1.0 for the test of [`first_control_line`]'s `bad` with
/// its four exceptions), summed every 255 chunks before a lane can overflow.
fn low_bytes(b: &[u8]) -> usize {
    let low = |c: u8| u8::from((c < 0x20) & (c != b'\t')) | u8::from(c == 0x7f);
    let mut n = 0;
    for block in b.chunks(32 * 255) {
        let mut lanes = [0u8; 32];
        let mut chunks = block.chunks_exact(32);
        for chunk in &mut chunks {
            for (lane, &c) in lanes.iter_mut().zip(chunk) {
                *lane = lane.wrapping_add(low(c));
            }
        }
        n += lanes.iter().map(|&l| usize::from(l)).sum::<usize>();
        n += chunks.remainder().iter().filter(|&&c| low(c) != 0).count();
    }
    n
}

fn parse_text(path: &Path, text: String, size: u64) -> Article {
    let mut body = Paragraphs::default();
    let (meta, diagnostics, _) = parse_into(path, &text, size, &mut body);
    let Paragraphs { en, en_lines, zh, zh_lines, glossary } = body;
    Article { meta, text, en, zh, en_lines, zh_lines, glossary, diagnostics }
}

/// Where [`parse_into`] puts what it finds below the headers: the paragraphs (trimmed byte
/// ranges of the text, never empty, with their 1-based lines) and the glossary's lines.
trait Body {
    fn en(&mut self, range: Range<usize>, line: usize);
    fn zh(&mut self, range: Range<usize>, line: usize);
    fn gloss(&mut self, line: &str);
    fn has_en(&self) -> bool;
    fn has_zh(&self) -> bool;
    /// Nothing more of the Chinese body is wanted: the Chinese paragraphs after this one
    /// would change nothing (the head parse needs the first only).
    fn zh_done(&self) -> bool {
        false
    }
}

/// The whole article's body: every paragraph and glossary entry.
struct Paragraphs {
    en: Vec<Range<usize>>,
    en_lines: Vec<usize>,
    zh: Vec<Range<usize>>,
    zh_lines: Vec<usize>,
    glossary: Vec<GlossEntry>,
}

impl Default for Paragraphs {
    fn default() -> Self {
        // most files have a few dozen paragraphs: no regrowing for them
        Paragraphs {
            en: Vec::with_capacity(32),
            en_lines: Vec::with_capacity(32),
            zh: Vec::with_capacity(32),
            zh_lines: Vec::with_capacity(32),
            glossary: Vec::new(),
        }
    }
}

impl Body for Paragraphs {
    fn en(&mut self, range: Range<usize>, line: usize) {
        self.en.push(range);
        self.en_lines.push(line);
    }
    fn zh(&mut self, range: Range<usize>, line: usize) {
        self.zh.push(range);
        self.zh_lines.push(line);
    }
    fn gloss(&mut self, line: &str) {
        self.glossary.push(parse_gloss(line));
    }
    fn has_en(&self) -> bool {
        !self.en.is_empty()
    }
    fn has_zh(&self) -> bool {
        !self.zh.is_empty()
    }
}

/// Only where the first paragraph of each language starts: what the list and the title
/// index need of the body (see [`parse_head`]). Nothing is allocated per paragraph.
#[derive(Default)]
struct FirstParagraphs {
    en: Option<usize>,
    zh: Option<usize>,
}

impl Body for FirstParagraphs {
    fn en(&mut self, range: Range<usize>, _: usize) {
        self.en.get_or_insert(range.start);
    }
    fn zh(&mut self, range: Range<usize>, _: usize) {
        self.zh.get_or_insert(range.start);
    }
    fn gloss(&mut self, _: &str) {}
    fn has_en(&self) -> bool {
        self.en.is_some()
    }
    fn has_zh(&self) -> bool {
        self.zh.is_some()
    }
    fn zh_done(&self) -> bool {
        self.zh.is_some()
    }
}

/// Where the parser's English body ended: the start of the line of its `<hr` or `Original:`
/// (the text's length when it has none), and of its first `**Named Entities**` line.
struct EnglishEnd {
    end: usize,
    glossary: Option<usize>,
}

/// The parser proper, one for both bodies: the metadata and the diagnostics (sorted by
/// line), the body handed to `body`, and where the English body ended.
fn parse_into(
    path: &Path,
    text: &str,
    size: u64,
    body: &mut impl Body,
) -> (ArticleMeta, Vec<Diagnostic>, EnglishEnd) {
    let mut meta = ArticleMeta { path: path.to_path_buf(), size, ..ArticleMeta::default() };
    let mut diags = Vec::new();
    let last;
    let english;
    {
        let cur = Cursor::new(text);
        let n = cur.lines.len();
        last = n;
        if text.starts_with(BOM) {
            diags.push(Diagnostic::warning(1, "starts with a UTF-8 byte-order mark (ignored)"));
        }
        if cur.crlf {
            diags.push(Diagnostic::warning(1, "CRLF line endings (read as plain newlines)"));
        }
        if let Some(i) = first_control_line(&cur) {
            diags.push(Diagnostic::warning(
                i + 1,
                "control characters or escape sequences in the text (shown as placeholders)",
            ));
        }

        // --- English header ---------------------------------------------------------------
        let mut i = 0;
        while i < n && cur.blank(i) {
            i += 1;
        }
        let (mut seen_title, mut seen_author, mut seen_date, mut seen_page, mut seen_col) =
            (false, false, false, false, false);
        let mut date_en = None;
        let mut page_en = None;
        while i < n {
            let line = cur.trimmed(i);
            if line.is_empty() {
                i += 1;
                continue;
            }
            if let (false, Some(v)) = (seen_title, header_value(line, "Title")) {
                seen_title = true;
                if v.is_empty() {
                    diags.push(Diagnostic::error(i + 1, "empty `Title:`"));
                }
                meta.title_en = v.to_string();
            } else if let (false, Some(v)) = (seen_author, header_value(line, "Author")) {
                seen_author = true;
                meta.authors_en =
                    v.split([',', '，']).map(trim_ws).filter(|a| !a.is_empty()).map(str::to_string).collect();
            } else if let (false, Some(v)) = (seen_date, header_value(line, "Date")) {
                seen_date = true;
                date_en = Date::parse(v);
                if date_en.is_none() {
                    diags.push(Diagnostic::error(i + 1, date_problem("date", v)));
                }
            } else if let (false, Some(v)) =
                (seen_page, header_value(line, "Page").or_else(|| header_value(line, "Edition")))
            {
                seen_page = true;
                page_en = v.parse::<u32>().ok();
                if page_en.is_none() {
                    diags.push(Diagnostic::error(i + 1, format!("page is not a number: `{}`", clip(v))));
                }
            } else if let (false, Some(v)) = (seen_col, header_value(line, "Column")) {
                seen_col = true;
                meta.column_en = v.to_string();
            } else {
                break;
            }
            i += 1;
        }
        if !seen_date {
            diags.push(Diagnostic::error(i.min(n).max(1), "no `Date:` line in the header"));
        }
        if !seen_page {
            diags.push(Diagnostic::warning(i.min(n).max(1), "no `Page:` or `Edition:` line in the header"));
        }

        // --- English body and glossary ------------------------------------------------------
        let mut in_glossary = false;
        let mut glossary_line = None;
        let mut hr = None;
        let mut original = None;
        while i < n {
            let range = cur.trimmed_range(i);
            let line = &text[range.clone()];
            if line.starts_with("<hr") {
                hr = Some(i);
                break;
            }
            if line == "Original:" {
                original = Some(i);
                break;
            }
            if line.starts_with("**Named Entities**") {
                glossary_line = glossary_line.or(Some(i));
                in_glossary = true;
            } else if !line.is_empty() {
                if in_glossary {
                    body.gloss(line);
                } else {
                    body.en(range, i + 1);
                }
            }
            i += 1;
        }
        let start_of = |k: usize| cur.lines.get(k).map_or(text.len(), |l| l.start);
        english = EnglishEnd { end: start_of(i), glossary: glossary_line.map(start_of) };
        if hr.is_none() {
            diags.push(Diagnostic::error(
                (i + 1).min(n.max(1)),
                if original.is_some() {
                    "no `<hr />` separator before `Original:`"
                } else {
                    "no `<hr />` separator: the file has no Chinese part"
                },
            ));
        }
        if let Some(h) = hr {
            i = h + 1;
            while i < n && cur.blank(i) {
                i += 1;
            }
            if i < n && cur.trimmed(i) == "Original:" {
                original = Some(i);
            } else {
                diags.push(Diagnostic::error((i + 1).min(n.max(1)), "no `Original:` line after `<hr />`"));
            }
        }
        if let Some(o) = original {
            i = o + 1;
        }

        // --- Chinese header -----------------------------------------------------------------
        let mut date_zh = None;
        let mut page_zh = None;
        if hr.is_some() || original.is_some() {
            while i < n && cur.blank(i) {
                i += 1;
            }
            if i < n {
                if let Some(title) = cur.trimmed(i).strip_prefix("###") {
                    let title = trim_ws(title);
                    let (main, sub) = split_title(title);
                    meta.title_zh = main.to_string();
                    meta.subtitle_zh = sub.to_string();
                    if title.is_empty() {
                        diags.push(Diagnostic::error(i + 1, "empty Chinese title (`###`)"));
                    }
                    let title_line = i;
                    i += 1;
                    let (mut got_date, mut got_ed, mut got_author) = (false, false, false);
                    let mut body_start = i;
                    while i < n && i <= title_line + 8 {
                        let line = cur.trimmed(i);
                        if line.is_empty() {
                            i += 1;
                            continue;
                        }
                        if !got_date && looks_like_date(line) {
                            got_date = true;
                            date_zh = Date::parse(line);
                            if date_zh.is_none() {
                                diags.push(Diagnostic::error(i + 1, date_problem("Chinese date", line)));
                            }
                        } else if let (false, Some((p, s))) = (got_ed, parse_edition(line)) {
                            got_ed = true;
                            page_zh = p;
                            meta.section = s.to_string();
                        } else if let Some(col) = line.strip_prefix("专栏") {
                            meta.column_zh = trim_ws(col.trim_start_matches([':', '：'])).to_string();
                            body_start = i + 1;
                            break;
                        } else if !got_date && !got_ed && !got_author && i <= title_line + 2 {
                            got_author = true;
                            meta.authors_zh = split_wide(line);
                        } else {
                            break;
                        }
                        i += 1;
                        body_start = i;
                    }
                    if !got_date && !got_ed {
                        diags.push(Diagnostic::warning(
                            title_line + 2,
                            "no date or `第N版` line under the Chinese title",
                        ));
                        if got_author {
                            // Without a header the "author" was most likely the first paragraph.
                            meta.authors_zh.clear();
                            body_start = title_line + 1;
                        }
                    }
                    i = body_start;
                } else {
                    diags.push(Diagnostic::error(
                        i + 1,
                        "expected the Chinese title (`### ...`) after `Original:`",
                    ));
                }
            }
            // the head parse stops at the first paragraph: no line below it is trimmed
            while i < n && !body.zh_done() {
                let range = cur.trimmed_range(i);
                if !range.is_empty() {
                    body.zh(range, i + 1);
                }
                i += 1;
            }
        }

        // --- Cross-checks -------------------------------------------------------------------
        meta.date = date_en.or(date_zh);
        meta.page = page_en.or(page_zh);
        if let (Some(a), Some(b)) = (date_en, date_zh) {
            if a != b {
                diags.push(Diagnostic::warning(
                    0,
                    format!("the English date {a} differs from the Chinese date {b}"),
                ));
            }
        }
        if let (Some(a), Some(b)) = (page_en, page_zh) {
            if a != b {
                diags.push(Diagnostic::warning(
                    0,
                    format!("the English page {a} differs from the Chinese page {b}"),
                ));
            }
        }
        if !body.has_en() {
            diags.push(Diagnostic::warning(0, "no English paragraphs"));
        }
        if !body.has_zh() && (hr.is_some() || original.is_some()) {
            diags.push(Diagnostic::warning(0, "no Chinese paragraphs"));
        }
    }
    // a diagnostic about what is missing at the end points at the last line
    for d in &mut diags {
        d.line = d.line.min(last);
    }
    diags.sort_by_key(|d| d.line);
    (meta, diags, english)
}

/// What is wrong with a date that did not parse: its shape, or a day that does not exist.
fn date_problem(what: &str, v: &str) -> String {
    if looks_like_date(v) {
        format!("impossible {what} `{}` (no such day)", clip(v))
    } else {
        format!("malformed {what} `{}` (expected YYYY-MM-DD)", clip(v))
    }
}

/// `NNNN-NN-NN`, valid or not: the shape of the Chinese date line.
fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(k, &c)| if k == 4 || k == 7 { c == b'-' } else { c.is_ascii_digit() })
}

/// A glossary line: term, then a tab or 2+ spaces (or U+3000), then the gloss.
fn parse_gloss(line: &str) -> GlossEntry {
    let split = line
        .char_indices()
        .find(|&(k, c)| c == '\t' || c == '\u{3000}' || (c == ' ' && line[k + 1..].starts_with(' ')));
    match split {
        Some((k, _)) => {
            GlossEntry { term: trim_ws(&line[..k]).to_string(), gloss: trim_ws(&line[k..]).to_string() }
        }
        None => match line.split_once(' ') {
            Some((t, g)) if !t.is_ascii() => {
                GlossEntry { term: trim_ws(t).to_string(), gloss: trim_ws(g).to_string() }
            }
            _ => GlossEntry { term: line.to_string(), gloss: String::new() },
        },
    }
}

/// `加强集体领导  湘乡县...` -> ("加强集体领导", "湘乡县...").
fn split_title(title: &str) -> (&str, &str) {
    let cut =
        title.char_indices().find(|&(k, c)| c == '\u{3000}' || (c == ' ' && title[k + 1..].starts_with(' ')));
    match cut {
        Some((k, _)) => (trim_ws(&title[..k]), trim_ws(&title[k..])),
        None => (title, ""),
    }
}

/// A value quoted in a diagnostic: at most 40 characters.
fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    crate::text::sanitize(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The character-level definition that `first_control_line` implements on bytes.
    fn first_control_line_by_chars(text: &str) -> Option<usize> {
        let cur = Cursor::new(text);
        (0..cur.lines.len()).find(|&i| {
            let l = cur.lines[i];
            text[l.start..l.end].chars().any(|c| {
                (c.is_control() && c != '\n' && c != '\t' && c != '\r')
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
        })
    }

    #[test]
    fn control_characters_are_found_on_their_line() {
        let cases: &[(&str, Option<usize>)] = &[
            ("plain\n“quoted” — and … ok\n中文。", None),
            ("tab\there\r\nand CRLF\r\n", None),
            ("a\nb\x07c\n", Some(1)),
            ("a\nb\nc\x7f", Some(2)),
            ("a\u{85}b", Some(0)),
            ("ok\u{a0}nbsp\nx\u{9f}", Some(1)),
            ("a\nb\nrtl \u{202e}override", Some(2)),
            ("isolate \u{2066}x\u{2069}", Some(0)),
            ("\u{2065}\u{2070}\u{202f}\u{2029} not controls", None),
            ("\x1b[31mred", Some(0)),
            ("\u{3000}\u{3000}全角\n\x00", Some(1)),
        ];
        for &(text, want) in cases {
            assert_eq!(first_control_line(&Cursor::new(text)), want, "{text:?}");
            assert_eq!(first_control_line_with(&Cursor::new(text), None), want, "{text:?}");
            assert_eq!(first_control_line_by_chars(text), want, "{text:?}");
        }
    }

    #[test]
    fn crlf_is_seen_only_before_a_newline() {
        assert!(Cursor::new("a\r\nb").crlf);
        assert!(!Cursor::new("a\rb\n").crlf);
        assert!(!Cursor::new("a\nb\r").crlf);
        let cur = Cursor::new("a\r\nb\r");
        assert_eq!(cur.lines.len(), 2);
        assert_eq!(cur.trimmed(0), "a");
        assert_eq!(cur.trimmed(1), "b");
    }

    #[test]
    fn editions_parse_without_allocating_and_without_overflow() {
        assert_eq!(parse_edition("第7版(国际专页（政治）)"), Some((Some(7), "国际专页（政治）")));
        assert_eq!(parse_edition("第１２版（ 副刊 ）"), Some((Some(12), "副刊")));
        assert_eq!(parse_edition("第3版()"), Some((Some(3), "")));
        assert_eq!(parse_edition("第99999999999版"), Some((None, "")));
        assert_eq!(parse_edition("第版"), Some((None, "")));
        assert_eq!(parse_edition("第3"), None);
        assert_eq!(parse_edition("第3页"), None);
    }

    /// Checks that [`parse_head`] gives what [`parse_bytes`] gives (metadata, diagnostics,
    /// the first paragraphs and so the index's parts), on `bytes` named `path`.
    fn head_agrees_with_full(path: &Path, bytes: &[u8]) -> Result<(), String> {
        use crate::corpus::index::Parts;
        match (parse_head(path, bytes), parse_bytes(path, bytes)) {
            (ParsedHead::NotArticle(a), Parsed::NotArticle(b)) if a == b => Ok(()),
            (ParsedHead::Article(h), Parsed::Article(a)) => {
                let check = |what: &str, same: bool| {
                    if same {
                        Ok(())
                    } else {
                        Err(format!("{what} differs for {path:?}: head {h:?}, full {a:?}"))
                    }
                };
                check("meta", h.meta == a.meta)?;
                check("diagnostics", h.diagnostics == a.diagnostics)?;
                check("en_first", h.en_first == a.en.first().map(|r| r.start))?;
                check("zh_first", h.zh_first == a.zh.first().map(|r| r.start))?;
                check(
                    "replaced",
                    h.replaced == a.diagnostics.iter().any(|d| d.message.starts_with("invalid UTF-8")),
                )?;
                let text: std::borrow::Cow<'_, [u8]> = if h.replaced {
                    std::borrow::Cow::Owned(String::from_utf8_lossy(bytes).into_owned().into_bytes())
                } else {
                    std::borrow::Cow::Borrowed(bytes)
                };
                check("parts", Parts::of_head(&text, &h) == Parts::of(&a))?;
                // the hints are where the searches may start: from the text's start, the same
                check("parts", Parts::find(&text, h.en_first, h.zh_first) == Parts::of(&a))
            }
            (h, a) => Err(format!("kind differs for {path:?}: head {h:?}, full {a:?}")),
        }
    }

    fn fixtures(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                fixtures(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    #[test]
    fn the_head_parse_agrees_with_the_full_parse_on_every_fixture() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
        let mut files = Vec::new();
        fixtures(&dir, &mut files);
        assert!(files.len() > 30, "the fixtures are found: {files:?}");
        let mut damaged = 0;
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            head_agrees_with_full(f, &bytes).unwrap();
            // the same file cut short anywhere (a half-written file): every prefix at a line
            // end and a few inside lines, UTF-8 sequences cut included
            let cuts = memchr::memchr_iter(b'\n', &bytes).chain((0..bytes.len()).step_by(37));
            for cut in cuts {
                head_agrees_with_full(f, &bytes[..cut]).unwrap();
            }
            if let Parsed::Article(a) = parse_bytes(f, &bytes) {
                damaged += usize::from(!a.diagnostics.is_empty());
            }
        }
        assert!(damaged >= 10, "the fixtures include damaged articles ({damaged})");
    }

    /// Pieces of articles, damaged ones included, for the head parse's property test.
    fn article_piece() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"Title: A title".to_vec()),
            Just(b"Title:".to_vec()),
            Just(b"Author: Xinhua, \xe6\x96\xb0\xe5\x8d\x8e".to_vec()),
            Just(b"Date: 1960-01-01".to_vec()),
            Just(b"Date: 1960-02-30".to_vec()),
            Just(b"Date: 60-1-1".to_vec()),
            Just(b"Page: 3".to_vec()),
            Just(b"Edition: x".to_vec()),
            Just(b"Column: Notes".to_vec()),
            Just(b"**Named Entities**".to_vec()),
            Just("人民日报\tRénmín Rìbào".as_bytes().to_vec()),
            Just("人民日报  People's Daily".as_bytes().to_vec()),
            Just(b"<hr />".to_vec()),
            // indents the parser trims and the index's parts do not (and the other way)
            Just("\u{2003}<hr />".as_bytes().to_vec()),
            Just("\u{a0}**Named Entities**".as_bytes().to_vec()),
            Just("\u{3000}\t**Named Entities**".as_bytes().to_vec()),
            Just("\u{2003}Title: B".as_bytes().to_vec()),
            Just("\u{85}### 题".as_bytes().to_vec()),
            Just(b"Original:".to_vec()),
            Just("### 标题\u{3000}副标题".as_bytes().to_vec()),
            Just(b"###".to_vec()),
            Just(b"1960-01-01".to_vec()),
            Just(b"1960-01-02".to_vec()),
            Just("第３版(要闻)".as_bytes().to_vec()),
            Just("第7版".as_bytes().to_vec()),
            Just("专栏：读者来信".as_bytes().to_vec()),
            Just("新华社记者\u{3000}王某".as_bytes().to_vec()),
            Just("\u{3000}\u{3000}中文段落。".as_bytes().to_vec()),
            Just(b"\xef\xbb\xbf".to_vec()),
            // damage: escape sequences, C0, DEL, C1 and bidi controls, a lone CR, bad UTF-8
            Just(b"\x1b[31mred\x1b[0m".to_vec()),
            Just(b"a\x00b\x07\x7f".to_vec()),
            Just("C1 \u{85} and \u{9b}".as_bytes().to_vec()),
            Just("rtl \u{202e}x\u{2066}".as_bytes().to_vec()),
            Just("\u{3000}\u{3000}“引号”——中文。".as_bytes().to_vec()),
            Just(b"\r".to_vec()),
            Just(b"\xe2\x80".to_vec()),
            Just(b"\xc2".to_vec()),
            "[ a-zA-Z.,\t\u{3000}中文。]{0,20}".prop_map(String::into_bytes),
            proptest::collection::vec(any::<u8>(), 0..6),
        ]
    }

    proptest! {
        #[test]
        fn the_head_parse_agrees_with_the_full_parse(
            lines in proptest::collection::vec(
                (article_piece(), prop_oneof![Just(&b"\n"[..]), Just(&b"\r\n"[..]), Just(&b"\n\n"[..]), Just(&b""[..])]),
                0..30,
            ),
            name in prop_oneof![Just("a.md"), Just("README.md")],
        ) {
            let mut bytes = Vec::new();
            for (line, end) in &lines {
                bytes.extend_from_slice(line);
                bytes.extend_from_slice(end);
            }
            prop_assert_eq!(head_agrees_with_full(Path::new(name), &bytes), Ok(()));
        }

        /// Bytes judged an article already are parsed as `parse_head` parses them.
        #[test]
        fn an_article_judged_already_is_parsed_the_same(
            lines in proptest::collection::vec(
                (article_piece(), prop_oneof![Just(&b"\n"[..]), Just(&b"\r\n"[..]), Just(&b""[..])]),
                0..20,
            ),
        ) {
            let mut bytes = b"Title: T\n".to_vec();
            for (line, end) in &lines {
                bytes.extend_from_slice(line);
                bytes.extend_from_slice(end);
            }
            let p = Path::new("a.md");
            prop_assert_eq!(not_article(p, &bytes), None);
            prop_assert_eq!(parse_head(p, &bytes), ParsedHead::Article(parse_head_of_article(p, &bytes)));
        }

        #[test]
        fn the_head_parse_agrees_with_the_full_parse_on_any_bytes(
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
        ) {
            let mut text = b"Title: T\nDate: 1960-01-01\n\n".to_vec();
            text.extend_from_slice(&bytes);
            prop_assert_eq!(head_agrees_with_full(Path::new("x.md"), &text), Ok(()));
            prop_assert_eq!(head_agrees_with_full(Path::new("x.md"), &bytes), Ok(()));
        }
    }

    proptest! {
        #[test]
        fn byte_scan_agrees_with_the_char_scan(
            parts in proptest::collection::vec(prop_oneof![
                "[a-z “”—…]{0,12}",
                "[\u{0}-\u{1f}\u{7f}-\u{a0}]",
                "[\u{2020}-\u{2030}\u{2060}-\u{2070}]",
                "[\u{3000}中文。\u{feff}]{0,4}",
                Just("\r\n".to_string()),
                Just("\n".to_string()),
            ], 0..24)
        ) {
            let text = parts.concat();
            let (cur, want) = (Cursor::new(&text), first_control_line_by_chars(&text));
            prop_assert_eq!(first_control_line(&cur), want);
            prop_assert_eq!(first_control_line_with(&cur, None), want);
        }

        /// The same on long texts: the controls past the first 32-byte chunks and past the
        /// first block of 255 chunks of [`low_bytes`]' lanes.
        #[test]
        fn byte_scan_agrees_with_the_char_scan_on_long_texts(
            parts in proptest::collection::vec(prop_oneof![
                "[a-z “”—…]{0,12}",
                "[\u{0}-\u{1f}\u{7f}-\u{a0}]",
                "[\u{2020}-\u{2030}\u{2060}-\u{2070}]",
                "[\u{3000}中文。\u{feff}\t]{0,4}",
                Just("\r\n".to_string()),
                Just("\n".to_string()),
            ], 0..8),
            pad in 0usize..9000,
            newline_every in 1usize..200,
        ) {
            let mut text: String = (0..pad).map(|k| if k % newline_every == 0 { '\n' } else { 'x' }).collect();
            text.push_str(&parts.concat());
            let (cur, want) = (Cursor::new(&text), first_control_line_by_chars(&text));
            prop_assert_eq!(first_control_line(&cur), want);
            prop_assert_eq!(first_control_line_with(&cur, None), want);
        }

        /// The lines as `str::split('\n')` cuts them (the piece after a last newline is no
        /// line), a carriage return before each newline and at the text's end left out.
        #[test]
        fn lines_are_split_as_split_cuts_them(
            parts in proptest::collection::vec(prop_oneof![
                "[a \t\u{3000}中]{0,6}",
                Just("\n".to_string()),
                Just("\n\n".to_string()),
                Just("\r".to_string()),
                Just("\r\n".to_string()),
            ], 0..24),
            pad in 0usize..140,
            vectors in any::<bool>(),
        ) {
            // (the pad moves the pieces across the AVX2 pass's 64-byte steps)
            let text = "a".repeat(pad) + &parts.concat();
            let cur = Cursor::split(&text, vectors);
            let mut want = Vec::new();
            let mut start = 0;
            let pieces: Vec<&str> = text.split('\n').collect();
            for (k, piece) in pieces.iter().enumerate() {
                let last = k + 1 == pieces.len();
                if !(last && piece.is_empty()) {
                    want.push((start, start + piece.strip_suffix('\r').unwrap_or(piece).len()));
                }
                start += piece.len() + 1;
            }
            let got: Vec<(usize, usize)> = cur.lines.iter().map(|l| (l.start, l.end)).collect();
            prop_assert_eq!(got, want);
            prop_assert_eq!(cur.newlines, text.matches('\n').count());
            prop_assert_eq!(cur.crlf, text.contains("\r\n"));
        }

        #[test]
        fn low_bytes_counts_what_a_filter_counts(
            bytes in proptest::collection::vec(prop_oneof![any::<u8>(), 0u8..0x21, Just(b'\n')], 0..20000),
        ) {
            let want = bytes.iter().filter(|&&c| (c < 0x20 && c != b'\t') || c == 0x7f).count();
            prop_assert_eq!(low_bytes(&bytes), want);
        }

        #[test]
        fn trimming_on_bytes_agrees_with_trim_matches(
            parts in proptest::collection::vec(prop_oneof![
                "[ \t\u{3000}\u{3001}\u{3002}\u{303f}\u{feff}\u{a0}\u{85}\u{2003}]",
                "[a-z.中文。é😀\u{4000}\u{9fff}\u{a000}\u{3fff}]{0,3}",
                Just("\r".to_string()),
            ], 0..12)
        ) {
            let line = parts.concat();
            let cur = Cursor::new(&line);
            for i in 0..cur.lines.len() {
                let l = cur.lines[i];
                prop_assert_eq!(cur.trimmed(i), line[l.start..l.end].trim_matches(is_ws));
            }
        }

        #[test]
        fn owned_and_borrowed_parses_agree(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut text = b"Title: T\nDate: 1960-01-01\n\n".to_vec();
            text.extend_from_slice(&bytes);
            let p = Path::new("x.md");
            let a = format!("{:?}", parse_bytes(p, &text));
            let b = format!("{:?}", parse_vec(p, text));
            prop_assert_eq!(a, b);
        }
    }
}
