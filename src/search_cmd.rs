//! `diglot search`: the title ranking the TUI shows, or a scan of the articles' text for a
//! phrase (`--scan`), as text or JSON for scripts (`--full-text`, the index: [`crate::fts_cmd`]).

use crate::commands::CmdError;
use crate::corpus::{self, ArticleMeta};
use crate::search::{FullTextHit, Query, SearchIndex};
use crate::text::sanitize;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// What to search and how to print it: `diglot search` in each of its ways (the titles here,
/// `--scan` here, `--full-text` and `--query` in [`crate::fts_cmd::search`]).
#[derive(Debug, Clone, Default)]
pub struct SearchArgs {
    /// The query (fzf syntax for titles; a phrase with `scan`; the index's query language
    /// with `--full-text`).
    pub query: String,
    /// Files or folders (the embedded seeds when empty).
    pub paths: Vec<PathBuf>,
    /// At most this many results.
    pub limit: Option<usize>,
    /// JSON instead of tab-separated lines.
    pub json: bool,
    /// Scan the articles' text for a phrase instead of fuzzy-matching titles.
    pub scan: bool,
    /// `--query`: by relevance instead of by date.
    pub relevance: bool,
    /// `--query`: counts by year and page instead of the articles.
    pub counts: bool,
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
    /// Where the phrase was found: title, authors, column, en, zh or glossary.
    field: &'static str,
    /// Byte offset of the occurrence in that field's text.
    offset: usize,
}

/// Loads the titles through the persistent index (in the user's cache folder), so a
/// collection searched before is read from one file instead of every article.
fn load_indexed(paths: &[PathBuf]) -> corpus::Loaded {
    let cache = corpus::index::default_cache_dir();
    let loaded = std::sync::Mutex::new(corpus::Loaded::default());
    let mut idx = corpus::load::load_stream_indexed(
        paths,
        512,
        cache.as_deref(),
        &|ev| loaded.lock().unwrap_or_else(|e| e.into_inner()).absorb(ev),
        &|| false,
    );
    // a cache that cannot be written only costs speed next time
    let _ = idx.save();
    let mut loaded = loaded.into_inner().unwrap_or_else(|e| e.into_inner());
    loaded.sort();
    crate::commands::say_skipped(&loaded.summary);
    loaded
}

/// Runs `diglot search`.
pub fn search(args: &SearchArgs, out: &mut dyn Write) -> Result<(), CmdError> {
    if args.scan {
        return full_text(args, out);
    }
    let loaded = load_indexed(&args.paths);
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

/// The phrase in the articles' text, through the one full-text search the TUI uses too
/// ([`crate::search::scan_files`]): the seeds when no path is given, else every file under
/// the paths (walked as ripgrep does: hidden entries skipped, links followed, loops
/// detected; no ignore files, the collection is not a source tree).
fn full_text(args: &SearchArgs, out: &mut dyn Write) -> Result<(), CmdError> {
    if args.query.trim().is_empty() {
        return Err(CmdError::Article("search --scan: the phrase is empty (e.g. 人民公社)".into()));
    }
    let mut paths: Vec<PathBuf> = Vec::new();
    if args.paths.is_empty() {
        paths = corpus::seeds::paths();
    }
    let mut roots = args.paths.iter();
    if let Some(first) = roots.next() {
        let mut walk = corpus::load::walk_builder(first);
        for r in roots {
            walk.add(r);
        }
        let found = std::sync::Mutex::new(Vec::new());
        walk.build_parallel().run(|| {
            let found = &found;
            Box::new(move |entry| {
                if let Ok(e) = entry {
                    if e.file_type().is_some_and(|t| t.is_file()) {
                        found.lock().unwrap_or_else(|e| e.into_inner()).push(e.into_path());
                    }
                }
                ignore::WalkState::Continue
            })
        });
        paths.extend(found.into_inner().unwrap_or_else(|e| e.into_inner()));
    }
    let scan = crate::search::scan_files(&paths, &args.query, true, &|| false).unwrap_or_default();
    let hits: Vec<(ArticleMeta, FullTextHit)> = scan.hits.into_iter().map(|h| (h.meta, h.hit)).collect();
    let mut hits = hits;
    hits.sort_by(|a, b| corpus::load::order(&a.0, &b.0));
    hits.truncate(args.limit.unwrap_or(usize::MAX));
    if args.json {
        let v: Vec<TextHit<'_>> = hits
            .iter()
            .map(|(meta, h)| TextHit {
                meta,
                snippet: sanitize(&h.snippet).into_owned(),
                field: h.field,
                offset: h.offset,
            })
            .collect();
        crate::export::write_json(&mut *out, &v, true)?;
        writeln!(out)?;
    } else {
        for (m, h) in &hits {
            write_text_hit(out, m, &h.snippet)?;
        }
    }
    Ok(())
}

/// One line of `search --full-text`'s and `--scan`'s plain output, the same for the index and the scan:
/// `date<TAB>English title<TAB>Chinese title<TAB>path<TAB>snippet`, each field sanitised.
pub fn write_text_hit(out: &mut dyn Write, m: &ArticleMeta, snippet: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "{}\t{}\t{}\t{}\t{}",
        m.date_string(),
        sanitize(&m.title_en),
        sanitize(&m.title_zh_full()),
        sanitize(&m.path.display().to_string()),
        sanitize(snippet)
    )
}
