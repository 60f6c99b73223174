//! The subcommands: plain text (or JSON) on a writer, no escape sequences.

use crate::app::{align_article, read_article};
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

/// Exit status of a run of `check` that found errors.
pub const EXIT_ERRORS: i32 = 1;

fn shown(path: &Path) -> String {
    sanitize(&path.display().to_string()).into_owned()
}

/// `diglot check`: returns whether any error was found.
pub fn check(paths: &[PathBuf], verbose: bool, out: &mut dyn Write) -> Result<bool, CmdError> {
    let loaded = corpus::load_paths(paths);
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
    let loaded = corpus::load_paths(paths);
    if json {
        let entries: Vec<ListEntry<'_>> =
            loaded.articles.iter().map(|m| ListEntry { meta: m, title_zh_full: m.title_zh_full() }).collect();
        serde_json::to_writer_pretty(&mut *out, &entries).map_err(io::Error::from)?;
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
    let p = Path::new(article);
    if p.is_file() || corpus::seeds::get(p).is_some() {
        return Ok(p.to_path_buf());
    }
    if let Ok(n) = article.parse::<usize>() {
        let loaded = corpus::load_paths(paths);
        let count = loaded.articles.len();
        return match n.checked_sub(1).and_then(|i| loaded.articles.into_iter().nth(i)) {
            Some(m) => Ok(m.path),
            None => Err(CmdError::Article(format!("no article {n}: the list has {count}"))),
        };
    }
    Err(CmdError::Article(format!("no such article file: {}", sanitize(article))))
}

fn open(article: &str, paths: &[PathBuf]) -> Result<(Article, Vec<crate::align::Bead>), CmdError> {
    let path = resolve(article, paths)?;
    read_article(&path).map_err(CmdError::Article)
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
}

/// `diglot align`.
pub fn align(article: &str, paths: &[PathBuf], json: bool, out: &mut dyn Write) -> Result<(), CmdError> {
    let (a, _) = open(article, paths)?;
    let beads = align_article(&a);
    if json {
        let beads: Vec<JsonBead<'_>> = beads
            .iter()
            .map(|b| JsonBead {
                en: b.en.clone().map(|i| a.en_para(i)).collect(),
                zh: b.zh.clone().map(|i| a.zh_para(i)).collect(),
            })
            .collect();
        serde_json::to_writer(&mut *out, &serde_json::json!({ "beads": beads })).map_err(io::Error::from)?;
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
        }
    }
    Ok(())
}
