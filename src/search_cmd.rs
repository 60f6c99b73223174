//! `diglot search`: the title ranking the TUI shows, or a full-text phrase search, as text
//! or JSON for scripts.

use crate::commands::CmdError;
use crate::corpus::{self, ArticleMeta, Parsed};
use crate::search::{Phrase, Query, SearchIndex};
use crate::text::sanitize;
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// What to search and how to print it.
#[derive(Debug, Clone)]
pub struct SearchArgs {
    /// The query (fzf syntax for titles; a phrase with `full_text`).
    pub query: String,
    /// Files or folders (the embedded seeds when empty).
    pub paths: Vec<PathBuf>,
    /// At most this many results.
    pub limit: Option<usize>,
    /// JSON instead of tab-separated lines.
    pub json: bool,
    /// Search the articles' text for a phrase instead of fuzzy-matching titles.
    pub full_text: bool,
}

#[derive(Serialize)]
struct TitleHit<'a> {
    score: i64,
    #[serde(flatten)]
    meta: &'a ArticleMeta,
}

#[derive(Serialize)]
struct TextHit<'a> {
    #[serde(flatten)]
    meta: &'a ArticleMeta,
    snippet: String,
    offset: usize,
}

/// Runs `diglot search`.
pub fn search(args: &SearchArgs, out: &mut dyn Write) -> Result<(), CmdError> {
    if args.full_text {
        return full_text(args, out);
    }
    let loaded = corpus::load_paths(&args.paths);
    let mut index = SearchIndex::new();
    for m in &loaded.articles {
        index.push(&m.title_en, &m.title_zh_full(), m.date_page_key());
    }
    let hits = index.search(&Query::parse(&args.query), None, &|| false).unwrap_or_default();
    let limit = args.limit.unwrap_or(usize::MAX);
    let rows =
        hits.hits.iter().take(limit).filter_map(|h| Some((h.score, loaded.articles.get(h.idx as usize)?)));
    if args.json {
        let v: Vec<TitleHit<'_>> = rows.map(|(score, meta)| TitleHit { score, meta }).collect();
        crate::export::write_json(&mut *out, &v, true)?;
        writeln!(out)?;
    } else {
        for (score, m) in rows {
            writeln!(
                out,
                "{score}\t{}\t{}\t{}\t{}",
                m.date_string(),
                sanitize(&m.title_en),
                sanitize(&m.title_zh_full()),
                sanitize(&m.path.display().to_string())
            )?;
        }
    }
    Ok(())
}

/// Reads each file once: the phrase is looked for in the raw text first, and only the files
/// that hold it are parsed (for their titles).
fn full_text(args: &SearchArgs, out: &mut dyn Write) -> Result<(), CmdError> {
    let Some(phrase) = Phrase::new(&args.query, true) else { return Ok(()) };
    let (files, _) = corpus::load::discover(&args.paths);
    let mut hits: Vec<(ArticleMeta, crate::search::FullTextHit)> = files
        .par_iter()
        .filter_map(|p| {
            let bytes = corpus::read_source(p).ok()?;
            let text = String::from_utf8_lossy(&bytes);
            let hit = phrase.find(&text, 40)?;
            match corpus::parse_bytes(p, &bytes) {
                Parsed::Article(a) => Some((a.meta, hit)),
                Parsed::NotArticle(_) => None,
            }
        })
        .collect();
    hits.sort_by(|a, b| corpus::load::order(&a.0, &b.0));
    hits.truncate(args.limit.unwrap_or(usize::MAX));
    if args.json {
        let v: Vec<TextHit<'_>> = hits
            .iter()
            .map(|(meta, h)| TextHit { meta, snippet: sanitize(&h.snippet).into_owned(), offset: h.offset })
            .collect();
        crate::export::write_json(&mut *out, &v, true)?;
        writeln!(out)?;
    } else {
        for (m, h) in &hits {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                m.date_string(),
                sanitize(&m.title_en),
                sanitize(&m.title_zh_full()),
                sanitize(&m.path.display().to_string()),
                sanitize(&h.snippet)
            )?;
        }
    }
    Ok(())
}
