//! The parser: pure, from a file's bytes to an [`Article`] with diagnostics. It never fails:
//! whatever could be read of a damaged file is kept, and each problem becomes a diagnostic
//! with its 1-based line. See FORMAT.md in the README for the grammar.

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

/// Quick test on a file's first bytes: does it set out to be an article? True when, after an
/// optional byte-order mark and blank lines, the first line starts with `Title:`.
pub fn looks_like_article(head: &[u8]) -> bool {
    classify(head).is_ok()
}

fn classify(head: &[u8]) -> Result<(), &'static str> {
    if head.is_empty() {
        return Err("empty file");
    }
    let probe = &head[..head.len().min(4096)];
    let text = probe.strip_prefix(BOM.as_bytes()).unwrap_or(probe);
    let first = text.split(|&b| b == b'\n').map(|l| l.trim_ascii()).find(|l| !l.is_empty());
    match first {
        // A damaged article (a stray NUL, say) is still an article: it starts as one.
        Some(l) if l.starts_with(b"Title:") => Ok(()),
        _ if probe.contains(&0) => Err("binary file"),
        None => Err("blank file"),
        Some(_) => Err("does not start with `Title:`"),
    }
}

/// Parses a file's bytes. Invalid UTF-8 is replaced (U+FFFD) and reported.
pub fn parse_bytes(path: &Path, bytes: &[u8]) -> Parsed {
    if let Err(why) = classify(bytes) {
        return Parsed::NotArticle(why);
    }
    let mut diags = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
            diags.push(Diagnostic::error(line, "invalid UTF-8 (the bad bytes are shown as \u{fffd})"));
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    let mut article = parse_text(path, text, bytes.len() as u64);
    diags.append(&mut article.diagnostics);
    diags.sort_by_key(|d| d.line);
    article.diagnostics = diags;
    Parsed::Article(Box::new(article))
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

struct Cursor<'t> {
    text: &'t str,
    lines: Vec<Line>,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str) -> Self {
        let mut lines = Vec::new();
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', text.as_bytes()) {
            lines.push(Line { start, end: nl });
            start = nl + 1;
        }
        if start < text.len() {
            lines.push(Line { start, end: text.len() });
        }
        for l in &mut lines {
            if text.as_bytes()[l.start..l.end].ends_with(b"\r") {
                l.end -= 1;
            }
        }
        Cursor { text, lines }
    }

    fn raw(&self, i: usize) -> &'t str {
        let l = self.lines[i];
        &self.text[l.start..l.end]
    }

    /// The line without surrounding white space (spaces, tabs, U+3000, BOM).
    fn trimmed(&self, i: usize) -> &'t str {
        self.raw(i).trim_matches(is_ws)
    }

    /// Byte range of the trimmed line.
    fn trimmed_range(&self, i: usize) -> Range<usize> {
        let raw = self.raw(i);
        let t = raw.trim_start_matches(is_ws);
        let start = self.lines[i].start + (raw.len() - t.len());
        start..start + t.trim_end_matches(is_ws).len()
    }

    fn blank(&self, i: usize) -> bool {
        self.trimmed(i).is_empty()
    }
}

fn header_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.strip_prefix(key).and_then(|rest| rest.strip_prefix(':')).map(|v| v.trim_matches(is_ws))
}

/// Splits names separated by two or more spaces or by U+3000.
fn split_wide(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in s.split('\u{3000}') {
        for name in part.split("  ") {
            let name = name.trim_matches(is_ws);
            if !name.is_empty() {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// `第7版(国际专页（政治）)` -> (Some(7), "国际专页（政治）").
fn parse_edition(line: &str) -> Option<(Option<u32>, String)> {
    let rest = line.strip_prefix('第')?;
    let digits_end = rest.find(|c: char| !(c.is_ascii_digit() || ('０'..='９').contains(&c)))?;
    let after = rest[digits_end..].strip_prefix('版')?;
    let digits: String = rest[..digits_end]
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    let page = digits.parse().ok();
    let after = after.trim_matches(is_ws);
    let section =
        after.strip_prefix(['(', '（']).map(|s| s.strip_suffix([')', '）']).unwrap_or(s)).unwrap_or(after);
    Some((page, section.trim_matches(is_ws).to_string()))
}

fn has_controls(s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t' && c != '\r')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

fn parse_text(path: &Path, text: String, size: u64) -> Article {
    let mut meta = ArticleMeta { path: path.to_path_buf(), size, ..ArticleMeta::default() };
    let mut diags = Vec::new();
    let mut en = Vec::new();
    let mut en_lines = Vec::new();
    let mut zh = Vec::new();
    let mut zh_lines = Vec::new();
    let mut glossary = Vec::new();
    {
        let cur = Cursor::new(&text);
        let n = cur.lines.len();
        if text.starts_with(BOM) {
            diags.push(Diagnostic::warning(1, "starts with a UTF-8 byte-order mark (ignored)"));
        }
        if text.contains("\r\n") {
            diags.push(Diagnostic::warning(1, "CRLF line endings (read as plain newlines)"));
        }
        if let Some(i) = (0..n).find(|&i| has_controls(cur.raw(i))) {
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
                meta.authors_en = v
                    .split([',', '，'])
                    .map(|a| a.trim_matches(is_ws))
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect();
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
        let mut hr = None;
        let mut original = None;
        while i < n {
            let line = cur.trimmed(i);
            if line.starts_with("<hr") {
                hr = Some(i);
                break;
            }
            if line == "Original:" {
                original = Some(i);
                break;
            }
            if line.starts_with("**Named Entities**") {
                in_glossary = true;
            } else if !line.is_empty() {
                if in_glossary {
                    glossary.push(parse_gloss(line));
                } else {
                    en.push(cur.trimmed_range(i));
                    en_lines.push(i + 1);
                }
            }
            i += 1;
        }
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
                    let title = title.trim_matches(is_ws);
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
                        } else if !got_ed && parse_edition(line).is_some() {
                            got_ed = true;
                            if let Some((p, s)) = parse_edition(line) {
                                page_zh = p;
                                meta.section = s;
                            }
                        } else if let Some(col) = line.strip_prefix("专栏") {
                            meta.column_zh =
                                col.trim_start_matches([':', '：']).trim_matches(is_ws).to_string();
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
            while i < n {
                if !cur.blank(i) {
                    zh.push(cur.trimmed_range(i));
                    zh_lines.push(i + 1);
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
        if en.is_empty() {
            diags.push(Diagnostic::warning(0, "no English paragraphs"));
        }
        if zh.is_empty() && (hr.is_some() || original.is_some()) {
            diags.push(Diagnostic::warning(0, "no Chinese paragraphs"));
        }
    }
    // a diagnostic about what is missing at the end points at the last line
    let last = text.lines().count();
    for d in &mut diags {
        d.line = d.line.min(last);
    }
    diags.sort_by_key(|d| d.line);
    Article { meta, text, en, zh, en_lines, zh_lines, glossary, diagnostics: diags }
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
        Some((k, _)) => GlossEntry {
            term: line[..k].trim_matches(is_ws).to_string(),
            gloss: line[k..].trim_matches(is_ws).to_string(),
        },
        None => match line.split_once(' ') {
            Some((t, g)) if !t.is_ascii() => GlossEntry {
                term: t.trim_matches(is_ws).to_string(),
                gloss: g.trim_matches(is_ws).to_string(),
            },
            _ => GlossEntry { term: line.to_string(), gloss: String::new() },
        },
    }
}

/// `加强集体领导  湘乡县...` -> ("加强集体领导", "湘乡县...").
fn split_title(title: &str) -> (&str, &str) {
    let cut =
        title.char_indices().find(|&(k, c)| c == '\u{3000}' || (c == ' ' && title[k + 1..].starts_with(' ')));
    match cut {
        Some((k, _)) => (title[..k].trim_matches(is_ws), title[k..].trim_matches(is_ws)),
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
