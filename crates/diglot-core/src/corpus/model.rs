//! The article model: metadata that the list and search need, and the full article with its
//! paragraphs stored as byte ranges into the file's text (the text is kept once).

use serde::Serialize;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// A calendar date as written in the files (`YYYY-MM-DD`), validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date {
    /// Year, e.g. 1960.
    pub year: u16,
    /// Month 1..=12.
    pub month: u8,
    /// Day 1..=31, valid for the month.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` (surrounding white space allowed) and checks the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: Range<usize>| -> Option<u32> {
            let part = &s[r];
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let date = Date {
            year: u16::try_from(year).ok()?,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day).ok()?,
        };
        (date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= date.days_in_month())
            .then_some(date)
    }

    /// Number of days in this date's month (Gregorian).
    pub fn days_in_month(&self) -> u8 {
        match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if self.is_leap_year() => 29,
            2 => 28,
            _ => 0,
        }
    }

    fn is_leap_year(&self) -> bool {
        let y = u32::from(self.year);
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How bad a diagnostic is: an error means part of the article could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Odd but readable.
    Warning,
    /// Damaged: something the format requires is missing or malformed.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A problem found while reading a file: 1-based line (0 when it concerns the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// 1-based line number; 0 for the file as a whole.
    pub line: usize,
    /// Warning or error.
    pub severity: Severity,
    /// What is wrong, in plain words.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn error(line: usize, message: impl Into<String>) -> Self {
        Diagnostic { line, severity: Severity::Error, message: message.into() }
    }
    pub(crate) fn warning(line: usize, message: impl Into<String>) -> Self {
        Diagnostic { line, severity: Severity::Warning, message: message.into() }
    }
}

/// One entry of the `**Named Entities**` glossary: a Chinese term and its gloss.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlossEntry {
    /// The Chinese term, e.g. `人民日报`.
    pub term: String,
    /// Pinyin and/or English, e.g. `Rénmín Rìbào (People's Daily)`.
    pub gloss: String,
}

/// What the list, the search and the subcommands need of an article: small, kept for every
/// article of a collection. The body stays on disk until the article is opened.
///
/// As JSON (`list --json`, `search --json`, `show --format json`) the path is a string; a
/// path that is not valid UTF-8 is written lossily (U+FFFD for what is not) with
/// `"path_lossy": true` beside it, so the output is always valid JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArticleMeta {
    /// Where the article came from (file path, or `<embedded>/NAME` for the built-in seeds).
    pub path: PathBuf,
    /// The English title (`Title:`), as the file says.
    pub title_en: String,
    /// The Chinese title (the `###` line), without the subtitle.
    pub title_zh: String,
    /// The Chinese subtitle, after two spaces or U+3000 on the `###` line; empty if none.
    pub subtitle_zh: String,
    /// English authors (`Author:`), comma separated in the file.
    pub authors_en: Vec<String>,
    /// Chinese authors (the line under the Chinese title).
    pub authors_zh: Vec<String>,
    /// The date (`Date:`, else the Chinese date line), if valid.
    pub date: Option<Date>,
    /// Page or edition number (`Page:`/`Edition:`, else `第N版`).
    pub page: Option<u32>,
    /// The section named in `第N版(<section>)`; empty if none.
    pub section: String,
    /// The English `Column:` header; empty if none.
    pub column_en: String,
    /// The Chinese `专栏：` value; empty if none.
    pub column_zh: String,
    /// Size of the file in bytes.
    pub size: u64,
}

impl Serialize for ArticleMeta {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // every field listed: a new one must be serialized here, or the compiler complains
        let ArticleMeta {
            path,
            title_en,
            title_zh,
            subtitle_zh,
            authors_en,
            authors_zh,
            date,
            page,
            section,
            column_en,
            column_zh,
            size,
        } = self;
        let lossy = path.to_str().is_none();
        let mut st = s.serialize_struct("ArticleMeta", 12 + usize::from(lossy))?;
        st.serialize_field("path", &path.to_string_lossy())?;
        if lossy {
            st.serialize_field("path_lossy", &true)?;
        } else {
            st.skip_field("path_lossy")?;
        }
        st.serialize_field("title_en", title_en)?;
        st.serialize_field("title_zh", title_zh)?;
        st.serialize_field("subtitle_zh", subtitle_zh)?;
        st.serialize_field("authors_en", authors_en)?;
        st.serialize_field("authors_zh", authors_zh)?;
        st.serialize_field("date", date)?;
        st.serialize_field("page", page)?;
        st.serialize_field("section", section)?;
        st.serialize_field("column_en", column_en)?;
        st.serialize_field("column_zh", column_zh)?;
        st.serialize_field("size", size)?;
        st.end()
    }
}

impl ArticleMeta {
    /// Brings a list entry (perhaps from a stale index) up to date with the article just read
    /// from its file, keeping the entry's path; returns whether anything changed. For the
    /// reader to call when an article is opened.
    pub fn refresh_from(&mut self, read: &ArticleMeta) -> bool {
        let fresh = ArticleMeta { path: self.path.clone(), ..read.clone() };
        let changed = *self != fresh;
        *self = fresh;
        changed
    }

    /// The Chinese title with its subtitle, as one line.
    pub fn title_zh_full(&self) -> String {
        if self.subtitle_zh.is_empty() {
            self.title_zh.clone()
        } else {
            format!("{} {}", self.title_zh, self.subtitle_zh)
        }
    }

    /// The date as `YYYY-MM-DD`, or `????-??-??` when unknown.
    pub fn date_string(&self) -> String {
        self.date.map_or_else(|| "????-??-??".to_string(), |d| d.to_string())
    }

    /// A number that orders articles by date, then page (unknown last): the tie-break of
    /// search rankings.
    pub fn date_page_key(&self) -> u64 {
        let date = self
            .date
            .map_or(99_999_999, |d| u64::from(d.year) * 10_000 + u64::from(d.month) * 100 + u64::from(d.day));
        date * 1000 + u64::from(self.page.unwrap_or(999).min(999))
    }

    /// The page as digits, or `?` when unknown.
    pub fn page_string(&self) -> String {
        self.page.map_or_else(|| "?".to_string(), |p| p.to_string())
    }
}

/// A whole article: metadata, the file's text once, and paragraphs as byte ranges into it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Article {
    /// List and header data.
    pub meta: ArticleMeta,
    /// The decoded text of the file (lossy where the bytes were not UTF-8).
    pub text: String,
    /// English paragraphs: byte ranges of `text`, trimmed, never empty.
    pub en: Vec<Range<usize>>,
    /// Chinese paragraphs: byte ranges of `text`, trimmed, never empty.
    pub zh: Vec<Range<usize>>,
    /// 1-based line of each English paragraph.
    pub en_lines: Vec<usize>,
    /// 1-based line of each Chinese paragraph.
    pub zh_lines: Vec<usize>,
    /// The `**Named Entities**` glossary, in file order.
    pub glossary: Vec<GlossEntry>,
    /// What was wrong with the file.
    pub diagnostics: Vec<Diagnostic>,
}

impl Article {
    /// English paragraph `i`.
    pub fn en_para(&self, i: usize) -> &str {
        self.en.get(i).and_then(|r| self.text.get(r.clone())).unwrap_or("")
    }

    /// Chinese paragraph `i`.
    pub fn zh_para(&self, i: usize) -> &str {
        self.zh.get(i).and_then(|r| self.text.get(r.clone())).unwrap_or("")
    }

    /// All English paragraphs as string slices.
    pub fn en_paras(&self) -> Vec<&str> {
        (0..self.en.len()).map(|i| self.en_para(i)).collect()
    }

    /// All Chinese paragraphs as string slices.
    pub fn zh_paras(&self) -> Vec<&str> {
        (0..self.zh.len()).map(|i| self.zh_para(i)).collect()
    }

    /// Number of diagnostics of the given severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}
