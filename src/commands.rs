//! The subcommands: plain text (or JSON) on a writer, no escape sequences.

use crate::cli::Lang;
use crate::corpus::{self, Article, ArticleMeta};
use crate::layout::{self, View};
use crate::text::sanitize;
use serde::Serialize;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A subcommand's failure: message for stderr, and the exit status.
#[derive(Debug, thiserror::Error)]
pub enum CmdError {
    /// Writing the output failed (a closed pipe ends quietly).
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The article asked for could not be found or read.
    #[error("{0}")]
    Article(String),
}

/// Every PATH given must be there: a missing one (a typo) is said, naming it, and nothing
/// runs (`list` and `search` printed nothing with status 0, `freq` said "a path does not
/// exist" without naming it, the reader opened an empty list).
pub fn require_paths(paths: &[PathBuf]) -> Result<(), CmdError> {
    for p in paths {
        if let Ok(false) = p.try_exists() {
            let what = if p.symlink_metadata().is_ok() { "a broken link" } else { "no such file or folder" };
            return Err(CmdError::Article(format!("{}: {what}", shown(p))));
        }
    }
    Ok(())
}

/// Exit status of a run of `check` that found errors.
pub const EXIT_ERRORS: i32 = 1;

fn shown(path: &Path) -> String {
    sanitize(&path.display().to_string()).into_owned()
}

/// Loading progress on stderr, drawn only when stderr is a terminal: a bar when the number
/// of files is known, files, megabytes and MB/s; erased when done. Stdout is untouched.
struct ProgressBar {
    on: bool,
    start: std::time::Instant,
    last: Option<std::time::Instant>,
    files: usize,
    bytes: u64,
}

impl ProgressBar {
    fn new() -> Self {
        use std::io::IsTerminal;
        ProgressBar {
            on: io::stderr().is_terminal(),
            start: std::time::Instant::now(),
            last: None,
            files: 0,
            bytes: 0,
        }
    }

    /// Counts a batch; redraws at most ten times a second.
    fn tick(&mut self, ev: &corpus::LoadEvent) {
        self.files += ev.outcomes.len() + ev.rows.as_ref().map_or(0, |r| r.len());
        self.bytes += ev.bytes;
        if !self.on || self.last.is_some_and(|t| t.elapsed().as_millis() < 100) {
            return;
        }
        self.last = Some(std::time::Instant::now());
        let secs = self.start.elapsed().as_secs_f64().max(0.001);
        let mb = self.bytes as f64 / 1e6;
        let width = crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w)).max(20);
        let counts = if ev.total > 0 {
            format!("{}/{} files · {mb:.0} MB · {:.0} MB/s", self.files, ev.total, mb / secs)
        } else {
            format!("{} files · {mb:.0} MB · {:.0} MB/s", self.files, mb / secs)
        };
        let mut line = String::new();
        if ev.total > 0 && width > counts.chars().count() + 16 {
            let bar = (width - counts.chars().count() - 9).min(40);
            let done = (self.files.min(ev.total) * bar) / ev.total;
            line = format!(
                "[{}{}] {:>3}% ",
                "#".repeat(done),
                "-".repeat(bar - done),
                self.files.min(ev.total) * 100 / ev.total
            );
        }
        line.push_str(&counts);
        let line: String = line.chars().take(width - 1).collect();
        let mut err = io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    }

    /// Erases the bar.
    fn finish(&self) {
        if self.on && self.last.is_some() {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// Loads `paths` like [`corpus::load_paths`], with the progress bar; `keep_articles: false`
/// drops the articles' metadata as it comes (`check` needs only the diagnostics).
fn load_with_progress(paths: &[PathBuf], keep_articles: bool) -> corpus::Loaded {
    let state = std::sync::Mutex::new((corpus::Loaded::default(), ProgressBar::new()));
    corpus::load_stream(
        paths,
        256,
        &|ev| {
            let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
            st.1.tick(&ev);
            st.0.absorb(ev);
            if !keep_articles {
                st.0.articles.clear();
            }
        },
        &|| false,
    );
    let (mut loaded, bar) = state.into_inner().unwrap_or_else(|e| e.into_inner());
    bar.finish();
    loaded.sort();
    if keep_articles {
        // `check` says it in its last line
        say_skipped(&loaded.summary);
    }
    loaded
}

/// Says once on standard error what was skipped as not an article, by reason (`skipped 301
/// files that are not articles: 300 JavaScript files, 1 README`): a clone of the archive
/// holds `rmrb-js/` and a README beside the articles. Stdout is untouched.
pub fn say_skipped(summary: &corpus::LoadSummary) {
    if let Some(line) = summary.skipped_line() {
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "diglot: {}", sanitize(&line));
    }
}

/// `diglot check`: returns whether any error was found.
pub fn check(paths: &[PathBuf], verbose: bool, out: &mut dyn Write) -> Result<bool, CmdError> {
    let loaded = load_with_progress(paths, false);
    for (path, d) in &loaded.diagnostics {
        writeln!(out, "{}:{}: {}: {}", shown(path), d.line, d.severity, sanitize(&d.message))?;
    }
    if verbose {
        for (path, why) in &loaded.skipped {
            writeln!(out, "{}: skipped: {}", shown(path), why)?;
        }
    }
    writeln!(out, "{}", loaded.summary)?;
    Ok(loaded.summary.errors > 0)
}

#[derive(Serialize)]
struct ListEntry<'a> {
    #[serde(flatten)]
    meta: &'a ArticleMeta,
    title_zh_full: String,
}

/// `diglot list`.
pub fn list(paths: &[PathBuf], json: bool, out: &mut dyn Write) -> Result<(), CmdError> {
    let loaded = load_with_progress(paths, true);
    if json {
        let entries: Vec<ListEntry<'_>> =
            loaded.articles.iter().map(|m| ListEntry { meta: m, title_zh_full: m.title_zh_full() }).collect();
        crate::export::write_json(&mut *out, &entries, true)?;
        writeln!(out)?;
    } else {
        for m in &loaded.articles {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                m.date_string(),
                m.page_string(),
                sanitize(&m.title_en),
                sanitize(&m.title_zh_full()),
                shown(&m.path)
            )?;
        }
    }
    Ok(())
}

/// Finds ARTICLE: an existing file, else a 1-based position in the list of `paths`.
pub fn resolve(article: &str, paths: &[PathBuf]) -> Result<PathBuf, CmdError> {
    if article.is_empty() {
        return Err(CmdError::Article(
            "ARTICLE is empty: give an article file or a position in the list (diglot list)".into(),
        ));
    }
    let p = Path::new(article);
    if p.is_file() || corpus::seeds::get(p).is_some() {
        return Ok(p.to_path_buf());
    }
    if let Ok(n) = article.parse::<usize>() {
        let loaded = corpus::load_paths(paths);
        let count = loaded.articles.len();
        return match n.checked_sub(1).and_then(|i| loaded.articles.into_iter().nth(i)) {
            Some(m) => Ok(m.path),
            // positions count from 1, as `diglot list`'s lines: 0 is none of them
            None if n == 0 => Err(CmdError::Article(format!(
                "no article 0: positions count from 1 (1 to {count}, as `diglot list` prints them)"
            ))),
            None => Err(CmdError::Article(format!("no article {n}: the list has {count}"))),
        };
    }
    if p.exists() {
        return Err(CmdError::Article(format!(
            "{}: not a regular file (a folder, FIFO or device); ARTICLE is an article file or a position in the list",
            sanitize(article)
        )));
    }
    Err(CmdError::Article(format!("no such article file: {}", sanitize(article))))
}

fn open(article: &str, paths: &[PathBuf]) -> Result<(Article, Vec<crate::align::Bead>), CmdError> {
    let path = resolve(article, paths)?;
    corpus::read_article(&path).map_err(|e| match e {
        corpus::ReadError::Io { source, .. } => {
            CmdError::Article(format!("cannot read {}: {source}", shown(&path)))
        }
        corpus::ReadError::NotArticle { why, .. } => {
            CmdError::Article(format!("{} is not an article: {}", shown(&path), sanitize(&why)))
        }
    })
}

/// `diglot show`: the reading pane as plain text (`lang`, `width`), or the whole article as
/// Markdown or JSON (see [`crate::export`]).
pub fn show(
    article: &str,
    paths: &[PathBuf],
    lang: Lang,
    width: u16,
    format: crate::cli::Format,
    out: &mut dyn Write,
) -> Result<(), CmdError> {
    use crate::cli::Format;
    let (a, beads) = open(article, paths)?;
    match format {
        Format::Text => {}
        Format::Markdown => return Ok(out.write_all(crate::export::markdown(&a, &beads).as_bytes())?),
        Format::Json => return Ok(out.write_all(crate::export::json(&a, &beads).as_bytes())?),
    }
    let view = match lang {
        Lang::Both => View::Both,
        Lang::En => View::English,
        Lang::Zh => View::Chinese,
        Lang::Interleaved => View::Interleaved,
    };
    let l = layout::layout(&a, &beads, view, width.max(1));
    let mut rows: Vec<String> = l.rows.iter().map(|r| layout::plain_row(&l, r)).collect();
    while rows.last().is_some_and(|r| r.is_empty()) {
        rows.pop();
    }
    for r in rows {
        writeln!(out, "{r}")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonBead<'a> {
    en: Vec<&'a str>,
    zh: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentences: Option<Vec<JsonSentences<'a>>>,
}

#[derive(Serialize)]
struct JsonSentences<'a> {
    en: Vec<&'a str>,
    zh: Vec<&'a str>,
}

/// The sentence beads of paragraph bead `b` of `a`.
fn bead_sentences(a: &Article, b: &crate::align::Bead) -> Vec<crate::align::sentences::SentenceBead> {
    let en: Vec<(usize, &str)> = b.en.clone().map(|i| (i, a.en_para(i))).collect();
    let zh: Vec<(usize, &str)> = b.zh.clone().map(|i| (i, a.zh_para(i))).collect();
    crate::align::sentences::align_bead(&en, &zh)
}

/// `diglot align`.
pub fn align(
    article: &str,
    paths: &[PathBuf],
    json: bool,
    sentences: bool,
    out: &mut dyn Write,
) -> Result<(), CmdError> {
    let (a, beads) = open(article, paths)?;
    let en_text =
        |s: &crate::align::sentences::Sentence| a.en_para(s.para).get(s.range.clone()).unwrap_or("");
    let zh_text =
        |s: &crate::align::sentences::Sentence| a.zh_para(s.para).get(s.range.clone()).unwrap_or("");
    if json {
        let beads: Vec<JsonBead<'_>> = beads
            .iter()
            .map(|b| JsonBead {
                en: b.en.clone().map(|i| a.en_para(i)).collect(),
                zh: b.zh.clone().map(|i| a.zh_para(i)).collect(),
                sentences: sentences.then(|| {
                    bead_sentences(&a, b)
                        .iter()
                        .map(|s| JsonSentences {
                            en: s.en.iter().map(en_text).collect(),
                            zh: s.zh.iter().map(zh_text).collect(),
                        })
                        .collect()
                }),
            })
            .collect();
        crate::export::write_json(&mut *out, &serde_json::json!({ "beads": beads }), false)?;
        writeln!(out)?;
    } else {
        for (k, b) in beads.iter().enumerate() {
            let en: Vec<String> = b.en.clone().map(|i| format!("E{i}")).collect();
            let zh: Vec<String> = b.zh.clone().map(|i| format!("Z{i}")).collect();
            let head = |s: &str| crate::text::truncate(&sanitize(s), 30).to_string();
            let en_head = b.en.clone().next().map(|i| head(a.en_para(i))).unwrap_or_default();
            let zh_head = b.zh.clone().next().map(|i| head(a.zh_para(i))).unwrap_or_default();
            writeln!(
                out,
                "{k}\t{}-{}\t{}\t{}\t{}\t{}",
                b.en.len(),
                b.zh.len(),
                en.join(","),
                zh.join(","),
                en_head,
                zh_head
            )?;
            if sentences {
                for s in bead_sentences(&a, b) {
                    let side = |v: Vec<&str>| head(v.concat().trim());
                    writeln!(
                        out,
                        "\t{}-{}\t{}\t{}",
                        s.en.len(),
                        s.zh.len(),
                        side(s.en.iter().map(en_text).collect()),
                        side(s.zh.iter().map(zh_text).collect())
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// `diglot check --translation`: each marked bead of each article as
/// `path:line: warning: reason` (the line of the bead's first paragraph), then a summary.
/// Returns whether any article could not be read.
pub fn check_translation(paths: &[PathBuf], out: &mut dyn Write) -> Result<bool, CmdError> {
    let loaded = load_with_progress(paths, true);
    let (mut marked, mut unreadable) = (0usize, 0usize);
    // Files and paths that could not be read at all (damaged articles are still checked).
    let articles: std::collections::HashSet<&Path> =
        loaded.articles.iter().map(|m| m.path.as_path()).collect();
    for (path, d) in loaded.diagnostics.iter().filter(|(p, _)| !articles.contains(p.as_path())) {
        if d.severity == corpus::Severity::Error {
            unreadable += 1;
            writeln!(out, "{}:{}: {}: {}", shown(path), d.line, d.severity, sanitize(&d.message))?;
        }
    }
    for m in &loaded.articles {
        let (a, beads) = match corpus::read_article(&m.path).map_err(|e| e.to_string()) {
            Ok(x) => x,
            Err(e) => {
                unreadable += 1;
                writeln!(out, "{}:1: error: {}", shown(&m.path), sanitize(&e))?;
                continue;
            }
        };
        let en = a.en_paras();
        let zh = a.zh_paras();
        for mark in crate::align::trust::assess(&en, &zh, &beads, &crate::align::AlignParams::default()) {
            let Some(b) = beads.get(mark.bead) else { continue };
            let line =
                b.en.clone()
                    .next()
                    .and_then(|i| a.en_lines.get(i))
                    .or_else(|| b.zh.clone().next().and_then(|j| a.zh_lines.get(j)))
                    .copied()
                    .unwrap_or(1);
            marked += 1;
            for c in &mark.concerns {
                writeln!(out, "{}:{line}: warning: {}", shown(&m.path), sanitize(&c.to_string()))?;
            }
        }
    }
    writeln!(
        out,
        "{} articles, {marked} paragraph pairs marked{}",
        loaded.articles.len(),
        if unreadable > 0 { format!(", {unreadable} unreadable") } else { String::new() }
    )?;
    Ok(unreadable > 0)
}
