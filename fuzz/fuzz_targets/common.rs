//! Invariants shared by the fuzz targets: what must hold of whatever the parser makes of
//! any bytes, and of whatever is put on a terminal.
#![allow(dead_code)]

use diglot::corpus::{looks_like_article, parse_bytes, Article, Parsed};
use std::path::Path;

/// White space as the parser trims it.
fn is_ws(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Text that may reach a terminal: no control character (tabs and newlines neither), no bidi
/// control, no byte-order mark.
pub fn assert_terminal_safe(what: &str, s: &str) {
    for c in s.chars() {
        let bad = c.is_control()
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
            || c == '\u{feff}';
        assert!(!bad, "{what}: unsafe character {c:?} in {s:?}");
    }
}

/// Parses `bytes` and checks everything that must hold of the result.
pub fn parse_and_check(bytes: &[u8]) -> Option<Article> {
    let path = Path::new("fuzz/input.md");
    let parsed = parse_bytes(path, bytes);
    let is_article = matches!(parsed, Parsed::Article(_));
    assert_eq!(looks_like_article(bytes), is_article, "looks_like_article disagrees with parse_bytes");
    let a = match parsed {
        Parsed::NotArticle(why) => {
            assert!(!why.is_empty());
            return None;
        }
        Parsed::Article(a) => *a,
    };
    check_article(bytes, &a);
    Some(a)
}

/// Everything that must hold of an article parsed from `bytes`.
pub fn check_article(bytes: &[u8], a: &Article) {
    assert_eq!(a.text, String::from_utf8_lossy(bytes), "the text is the file's, lossily decoded");
    assert_eq!(a.meta.size, bytes.len() as u64);
    let lines = a.text.split('\n').count() - usize::from(a.text.ends_with('\n'));
    let lines = lines.max(1);
    assert_eq!(a.en.len(), a.en_lines.len());
    assert_eq!(a.zh.len(), a.zh_lines.len());
    let mut last_end = 0;
    let mut last_line = 0;
    for (r, &line) in a.en.iter().zip(&a.en_lines).chain(a.zh.iter().zip(&a.zh_lines)) {
        assert!(r.start < r.end && r.end <= a.text.len(), "paragraph {r:?} out of the text");
        assert!(a.text.is_char_boundary(r.start) && a.text.is_char_boundary(r.end), "{r:?} cuts a character");
        assert!(r.start >= last_end, "paragraphs overlap or go backwards");
        assert!(line > last_line && line <= lines, "paragraph line {line} (file has {lines})");
        let p = &a.text[r.clone()];
        assert!(!p.contains('\n'), "a paragraph holds a newline: {p:?}");
        assert!(!p.starts_with(is_ws) && !p.ends_with(is_ws), "paragraph not trimmed: {p:?}");
        last_end = r.end;
        last_line = line;
    }
    assert!(a.diagnostics.windows(2).all(|w| w[0].line <= w[1].line), "diagnostics not sorted by line");
    for d in &a.diagnostics {
        assert!(d.line <= lines, "diagnostic on line {} of a {lines}-line file: {}", d.line, d.message);
        assert!(!d.message.is_empty());
        assert_terminal_safe("diagnostic", &d.message);
    }
    if std::str::from_utf8(bytes).is_err() {
        assert!(a.diagnostics.iter().any(|d| d.message.contains("UTF-8")), "invalid UTF-8 not reported");
    }
    let m = &a.meta;
    for (what, s) in [
        ("title_en", &m.title_en),
        ("title_zh", &m.title_zh),
        ("subtitle_zh", &m.subtitle_zh),
        ("section", &m.section),
        ("column_en", &m.column_en),
        ("column_zh", &m.column_zh),
    ] {
        assert!(!s.contains('\n'), "{what} holds a newline: {s:?}");
        assert_terminal_safe(what, &diglot::text::sanitize(s));
    }
    for g in &a.glossary {
        assert!(!g.term.contains('\n') && !g.gloss.contains('\n'));
    }
}
