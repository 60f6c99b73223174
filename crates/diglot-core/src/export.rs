//! Taking text out of diglot: the citation of an article (from a template), the article as
//! Markdown or JSON, and the paragraph pair under the reader's top. Putting that text on the
//! clipboard (tmux's buffer, OSC 52) is the terminal's business: `diglot::clipboard`.
//!
//! Pure functions: no I/O, no terminal types. Text that came from the file is sanitized
//! (see [`crate::text::sanitize`]) in everything meant for the clipboard or the terminal;
//! the JSON holds it as it is (JSON escapes control characters).

use crate::align::Bead;
use crate::corpus::{Article, ArticleMeta, Diagnostic, GlossEntry};
use crate::text::sanitize;

/// The default citation template.
pub const DEFAULT_CITATION: &str = "[{authors}, ][\"{title_en},\" ]People's Daily (人民日报)[, {date_long}][, p. {page}].[ Chinese title: {title_zh}.] English translation machine-generated.";

/// The placeholders a citation template may use.
pub const PLACEHOLDERS: [&str; 12] = [
    "authors",
    "authors_zh",
    "title_en",
    "title_zh",
    "date",
    "date_long",
    "year",
    "page",
    "section",
    "column",
    "column_zh",
    "path",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[derive(Debug)]
enum Node {
    Text(String),
    Field(&'static str),
    Group(Vec<Node>),
}

/// Parses a template into nodes: `{name}` fields, `[...]` optional groups, `{{ }} [[ ]]` for
/// the characters themselves.
fn parse_template(t: &str) -> Result<Vec<Node>, String> {
    let mut stack: Vec<Vec<Node>> = vec![Vec::new()];
    let mut text = String::new();
    let mut chars = t.chars().peekable();
    let flush = |text: &mut String, stack: &mut Vec<Vec<Node>>| {
        if !text.is_empty() {
            if let Some(top) = stack.last_mut() {
                top.push(Node::Text(std::mem::take(text)));
            }
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '{' | '[' | '}' | ']' if chars.peek() == Some(&c) => {
                chars.next();
                text.push(c);
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(ch) => name.push(ch),
                        None => return Err(format!("`{{{name}` is not closed with `}}`")),
                    }
                }
                let Some(field) = PLACEHOLDERS.iter().find(|p| **p == name.trim()) else {
                    return Err(format!(
                        "unknown placeholder `{{{name}}}`; the placeholders are {}",
                        PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ")
                    ));
                };
                flush(&mut text, &mut stack);
                if let Some(top) = stack.last_mut() {
                    top.push(Node::Field(field));
                }
            }
            '}' => return Err("a `}` without its `{` (write `}}` for the character)".into()),
            '[' => {
                flush(&mut text, &mut stack);
                stack.push(Vec::new());
            }
            ']' => {
                flush(&mut text, &mut stack);
                if stack.len() < 2 {
                    return Err("a `]` without its `[` (write `]]` for the character)".into());
                }
                let group = stack.pop().unwrap_or_default();
                if let Some(top) = stack.last_mut() {
                    top.push(Node::Group(group));
                }
            }
            c => text.push(c),
        }
    }
    flush(&mut text, &mut stack);
    if stack.len() != 1 {
        return Err("a `[` is not closed with `]` (write `[[` for the character)".into());
    }
    Ok(stack.pop().unwrap_or_default())
}

/// Checks a citation template: every placeholder known, every `{`, `[` closed.
pub fn check_template(template: &str) -> Result<(), String> {
    parse_template(template).map(|_| ())
}

/// A date written out: `13 November 1960`.
pub fn date_long(meta: &ArticleMeta) -> String {
    meta.date
        .map(|d| {
            let month = MONTHS.get(usize::from(d.month.clamp(1, 12)) - 1).copied().unwrap_or_default();
            format!("{} {month} {}", d.day, d.year)
        })
        .unwrap_or_default()
}

/// English names as a list: `A`, `A and B`, `A, B, and C`.
fn name_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
    }
}

fn field(meta: &ArticleMeta, name: &str) -> String {
    let v = match name {
        "authors" => name_list(&meta.authors_en),
        "authors_zh" => meta.authors_zh.join("、"),
        "title_en" => meta.title_en.clone(),
        "title_zh" => meta.title_zh_full(),
        "date" => meta.date.map(|d| d.to_string()).unwrap_or_default(),
        "date_long" => date_long(meta),
        "year" => meta.date.map(|d| d.year.to_string()).unwrap_or_default(),
        "page" => meta.page.map(|p| p.to_string()).unwrap_or_default(),
        "section" => meta.section.clone(),
        "column" => meta.column_en.clone(),
        "column_zh" => meta.column_zh.clone(),
        "path" => meta.path.display().to_string(),
        _ => String::new(),
    };
    sanitize(v.trim()).trim().to_string()
}

/// Renders nodes; false when a field was empty (the enclosing group is then dropped).
fn render(nodes: &[Node], meta: &ArticleMeta, out: &mut String, skip_punct: &mut bool) -> bool {
    let mut complete = true;
    for node in nodes {
        match node {
            Node::Text(t) => {
                let mut t = t.as_str();
                if *skip_punct && (t.starts_with(',') || t.starts_with('.')) {
                    t = &t[1..];
                }
                *skip_punct = false;
                out.push_str(t);
            }
            Node::Field(name) => {
                let v = field(meta, name);
                complete &= !v.is_empty();
                // `"Why?,"` reads `"Why?"`: a title's own end punctuation replaces the template's
                *skip_punct = name.starts_with("title") && v.ends_with(['?', '!', '.', '？', '！', '。']);
                out.push_str(&v);
            }
            Node::Group(inner) => {
                let mut sub = String::new();
                let mut skip = *skip_punct;
                if render(inner, meta, &mut sub, &mut skip) {
                    out.push_str(&sub);
                    *skip_punct = skip;
                }
            }
        }
    }
    complete
}

/// The citation of an article from a template (the config's `citation`).
///
/// Placeholders: `{authors}` (English, `A, B, and C`), `{authors_zh}`, `{title_en}`,
/// `{title_zh}` (with the subtitle), `{date}` (`1960-11-13`), `{date_long}`
/// (`13 November 1960`), `{year}`, `{page}`, `{section}`, `{column}`, `{column_zh}`, `{path}`.
/// A `[...]` group is left out when a placeholder inside it is empty, so `[{authors}, ]`
/// puts the authors first only when there are some. `{{ }} [[ ]]` are the characters
/// themselves. A title ending in `?`, `!` or `.` swallows the `,` or `.` after it. An
/// invalid template (see [`check_template`]) gives the default template's citation.
pub fn citation(template: &str, meta: &ArticleMeta) -> String {
    let nodes = parse_template(template).or_else(|_| parse_template(DEFAULT_CITATION)).unwrap_or_default();
    let mut out = String::new();
    render(&nodes, meta, &mut out, &mut false);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The English and Chinese paragraphs of one bead, for the clipboard (`y`): the English
/// paragraphs, a blank line, the Chinese paragraphs (one blank line between paragraphs).
pub fn pair(article: &Article, bead: &Bead) -> String {
    let en = bead.en.clone().map(|i| sanitize(article.en_para(i)).into_owned());
    let zh = bead.zh.clone().map(|i| sanitize(article.zh_para(i)).into_owned());
    en.chain(zh).collect::<Vec<_>>().join("\n\n")
}

/// A paragraph as a Markdown paragraph: sanitized, one line, and a leading character that
/// Markdown would read as a heading, quote, list or rule escaped.
fn md_para(s: &str) -> String {
    let s = sanitize(s).trim().to_string();
    let first = s.chars().next();
    let numbered = {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && matches!(s.as_bytes().get(digits), Some(b'.' | b')'))
    };
    if numbered {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        format!("{}\\{}", &s[..digits], &s[digits..])
    } else if matches!(first, Some('#' | '>' | '-' | '+' | '*' | '=' | '|' | '`' | '~' | '<')) {
        format!("\\{s}")
    } else {
        s
    }
}

/// The article as Markdown (`Y`): the English title as `#`, the Chinese title as `##`, a
/// list of its metadata, a rule, then for each bead its English paragraphs followed by its
/// Chinese paragraphs (so each translation sits under its original), and the glossary as a
/// `## Named Entities` list when there is one.
pub fn markdown(article: &Article, beads: &[Bead]) -> String {
    let m = &article.meta;
    let mut out = String::new();
    let title = sanitize(m.title_en.trim()).into_owned();
    out.push_str(&format!("# {}\n\n", if title.is_empty() { "(no English title)" } else { &title }));
    let zh = sanitize(m.title_zh_full().trim()).into_owned();
    if !zh.is_empty() {
        out.push_str(&format!("## {zh}\n\n"));
    }
    let mut meta = Vec::new();
    if let Some(d) = m.date {
        meta.push(format!("- Date: {d} ({})", date_long(m)));
    }
    if let Some(p) = m.page {
        let section =
            if m.section.is_empty() { String::new() } else { format!(" ({})", sanitize(&m.section)) };
        meta.push(format!("- Page: {p}{section}"));
    }
    let both = |en: &str, zh: &str| match (en.is_empty(), zh.is_empty()) {
        (false, false) => format!("{en} / {zh}"),
        (false, true) => en.to_string(),
        _ => zh.to_string(),
    };
    if !m.authors_en.is_empty() || !m.authors_zh.is_empty() {
        let en = sanitize(&name_list(&m.authors_en)).into_owned();
        let zh = sanitize(&m.authors_zh.join("、")).into_owned();
        meta.push(format!("- Authors: {}", both(&en, &zh)));
    }
    if !m.column_en.is_empty() || !m.column_zh.is_empty() {
        meta.push(format!("- Column: {}", both(&sanitize(&m.column_en), &sanitize(&m.column_zh))));
    }
    meta.push(format!(
        "- Source: People's Daily (人民日报); English translation machine-generated; `{}`",
        sanitize(&m.path.display().to_string()).replace('`', "'")
    ));
    out.push_str(&meta.join("\n"));
    out.push_str("\n\n---\n");
    let mut en_done = 0;
    let mut zh_done = 0;
    let emit = |out: &mut String, text: &str| {
        out.push('\n');
        out.push_str(&md_para(text));
        out.push('\n');
    };
    for b in beads {
        for i in b.en.clone() {
            emit(&mut out, article.en_para(i));
        }
        for i in b.zh.clone() {
            emit(&mut out, article.zh_para(i));
        }
        en_done = en_done.max(b.en.end);
        zh_done = zh_done.max(b.zh.end);
    }
    // paragraphs the beads do not cover (beads should cover all; never lose text)
    for i in en_done..article.en.len() {
        emit(&mut out, article.en_para(i));
    }
    for i in zh_done..article.zh.len() {
        emit(&mut out, article.zh_para(i));
    }
    if !article.glossary.is_empty() {
        out.push_str("\n## Named Entities\n\n");
        for g in &article.glossary {
            out.push_str(&format!("- **{}**: {}\n", sanitize(g.term.trim()), sanitize(g.gloss.trim())));
        }
    }
    out
}

#[derive(serde::Serialize)]
struct JsonMeta<'a> {
    #[serde(flatten)]
    meta: &'a ArticleMeta,
    title_zh_full: String,
}

#[derive(serde::Serialize)]
struct JsonParagraphs<'a> {
    en: Vec<&'a str>,
    zh: Vec<&'a str>,
}

#[derive(serde::Serialize)]
struct JsonBead {
    en: Vec<usize>,
    zh: Vec<usize>,
}

#[derive(serde::Serialize)]
struct JsonArticle<'a> {
    meta: JsonMeta<'a>,
    paragraphs: JsonParagraphs<'a>,
    beads: Vec<JsonBead>,
    glossary: &'a [GlossEntry],
    diagnostics: &'a [Diagnostic],
}

/// The article as pretty-printed JSON, newline-terminated (`diglot show --format json`):
/// `meta` (as in `diglot list --json`, plus `title_zh_full`), `paragraphs` (`en` and `zh`
/// arrays of strings), `beads` (each `{"en": [indices], "zh": [indices]}`), `glossary`
/// (`term`, `gloss`) and `diagnostics` (`line`, `severity`, `message`). Text as in the file.
pub fn json(article: &Article, beads: &[Bead]) -> String {
    let doc = JsonArticle {
        meta: JsonMeta { meta: &article.meta, title_zh_full: article.meta.title_zh_full() },
        paragraphs: JsonParagraphs { en: article.en_paras(), zh: article.zh_paras() },
        beads: beads
            .iter()
            .map(|b| JsonBead { en: b.en.clone().collect(), zh: b.zh.clone().collect() })
            .collect(),
        glossary: &article.glossary,
        diagnostics: &article.diagnostics,
    };
    // serializing plain strings, numbers and vectors cannot fail
    let mut buf = Vec::new();
    let _ = write_json(&mut buf, &doc, true);
    let mut out = String::from_utf8(buf).unwrap_or_default();
    out.push('\n');
    out
}

/// JSON that is safe to print on a terminal: serde_json escapes only C0 controls, so this
/// formatter also writes C1 controls, DEL, bidi controls and line separators as `\uXXXX`.
struct SafeJson<F>(F);

fn json_escaped(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeJson<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // the plain runs between escaped characters, written whole
        for piece in fragment.split_inclusive(json_escaped) {
            let mut chars = piece.chars();
            match chars.next_back() {
                Some(c) if json_escaped(c) => {
                    w.write_all(chars.as_str().as_bytes())?;
                    write!(w, "\\u{:04x}", c as u32)?;
                }
                _ => w.write_all(piece.as_bytes())?,
            }
        }
        Ok(())
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `value` as JSON (pretty or compact) with every control and bidi character escaped.
pub fn write_json<T: serde::Serialize + ?Sized>(
    out: &mut dyn std::io::Write,
    value: &T,
    pretty: bool,
) -> std::io::Result<()> {
    if pretty {
        let mut ser =
            serde_json::Serializer::with_formatter(out, SafeJson(serde_json::ser::PrettyFormatter::new()));
        value.serialize(&mut ser).map_err(std::io::Error::from)
    } else {
        let mut ser =
            serde_json::Serializer::with_formatter(out, SafeJson(serde_json::ser::CompactFormatter));
        value.serialize(&mut ser).map_err(std::io::Error::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Date;
    use std::path::PathBuf;

    fn meta() -> ArticleMeta {
        ArticleMeta {
            path: PathBuf::from("rmrb/1960-11-13_x.md"),
            title_en: "Strengthening Collective Leadership, Implementing Policies, Promoting Production"
                .into(),
            title_zh: "加强集体领导贯彻政策推动生产".into(),
            date: Date::parse("1960-11-13"),
            page: Some(4),
            ..ArticleMeta::default()
        }
    }

    #[test]
    fn default_citation_matches_the_issue() {
        assert_eq!(
            citation(DEFAULT_CITATION, &meta()),
            "\"Strengthening Collective Leadership, Implementing Policies, Promoting Production,\" \
             People's Daily (人民日报), 13 November 1960, p. 4. Chinese title: 加强集体领导贯彻政策推动生产. \
             English translation machine-generated."
        );
    }

    #[test]
    fn authors_go_first_and_missing_parts_drop_out() {
        let mut m = meta();
        m.authors_en = vec!["Zhang San".into(), "Li Si".into()];
        m.page = None;
        m.title_zh.clear();
        m.title_en = "Why Not?".into();
        assert_eq!(
            citation(DEFAULT_CITATION, &m),
            "Zhang San and Li Si, \"Why Not?\" People's Daily (人民日报), 13 November 1960. \
             English translation machine-generated."
        );
        m.authors_en.push("Wang Wu".into());
        assert!(citation("{authors}", &m).starts_with("Zhang San, Li Si, and Wang Wu"));
    }

    #[test]
    fn templates_escape_and_fail_cleanly() {
        assert_eq!(citation("{{{year}}} [[x]]", &meta()), "{1960} [x]");
        assert!(check_template("{nope}").unwrap_err().contains("unknown placeholder"));
        assert!(check_template("[{year}").is_err());
        assert!(check_template("{year}]").is_err());
        assert!(check_template("{year").is_err());
        assert!(check_template("}").is_err());
        assert!(check_template(DEFAULT_CITATION).is_ok());
        // a broken template falls back to the default rather than to nothing
        assert_eq!(citation("{nope}", &meta()), citation(DEFAULT_CITATION, &meta()));
    }

    #[test]
    fn citation_is_one_safe_line() {
        let mut m = meta();
        m.title_en = "Evil\x1b]52;c;AAAA\x07\nTitle".into();
        let c = citation(DEFAULT_CITATION, &m);
        assert!(!c.chars().any(char::is_control), "{c:?}");
    }

    #[test]
    fn markdown_escapes_what_markdown_would_misread() {
        assert_eq!(md_para("# not a heading"), "\\# not a heading");
        assert_eq!(md_para("1. not a list"), "1\\. not a list");
        assert_eq!(md_para("1960 was a year."), "1960 was a year.");
    }
}
