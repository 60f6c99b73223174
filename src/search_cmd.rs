//! `diglot search`: the title ranking the TUI shows, or a full-text phrase search, as text
//! or JSON for scripts.

use crate::commands::CmdError;
use crate::corpus::{self, ArticleMeta, Parsed};
use crate::search::{FullTextHit, Phrase, Query, SearchIndex};
use crate::text::sanitize;
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
    loaded
}

/// Runs `diglot search`.
pub fn search(args: &SearchArgs, out: &mut dyn Write) -> Result<(), CmdError> {
    if args.full_text {
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

/// Reads each file once: the phrase is looked for in the raw bytes first (memchr's SIMD
/// search; a lower-case phrase against an ASCII-lower-cased copy), and only the files that
/// hold it are decoded, snippeted and parsed (for their titles).
fn full_text(args: &SearchArgs, out: &mut dyn Write) -> Result<(), CmdError> {
    let Some(phrase) = Phrase::new(&args.query, true) else { return Ok(()) };
    let ignore_case = !args.query.bytes().any(|b| b.is_ascii_uppercase());
    let needle = if ignore_case { args.query.to_ascii_lowercase() } else { args.query.clone() };
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let check =
        |p: &std::path::Path, bytes: &[u8], low: &mut Vec<u8>| -> Option<(ArticleMeta, FullTextHit)> {
            let found = if ignore_case {
                low.clear();
                low.extend(bytes.iter().map(u8::to_ascii_lowercase));
                finder.find(low).is_some()
            } else {
                finder.find(bytes).is_some()
            };
            if !found {
                return None;
            }
            let hit = phrase.find(&String::from_utf8_lossy(bytes), 40)?;
            match corpus::parse_bytes(p, bytes) {
                Parsed::Article(a) => Some((a.meta, hit)),
                Parsed::NotArticle(_) => None,
            }
        };
    let hits = std::sync::Mutex::new(Vec::new());
    if args.paths.is_empty() {
        let mut low = Vec::new();
        for p in corpus::seeds::paths() {
            if let Some(h) = corpus::seeds::get(&p).and_then(|b| check(&p, b, &mut low)) {
                hits.lock().unwrap_or_else(|e| e.into_inner()).push(h);
            }
        }
    }
    // Walk and search in parallel, as ripgrep does (hidden entries skipped, links followed,
    // loops detected; no ignore files: the collection is not a source tree).
    let mut roots = args.paths.iter();
    if let Some(first) = roots.next() {
        let mut walk = ignore::WalkBuilder::new(first);
        for r in roots {
            walk.add(r);
        }
        walk.standard_filters(false).hidden(true).follow_links(true);
        walk.build_parallel().run(|| {
            let (finder_hits, check) = (&hits, &check);
            let mut buf = Vec::new();
            let mut low = Vec::new();
            Box::new(move |entry| {
                let Ok(e) = entry else { return ignore::WalkState::Continue };
                if e.file_type().is_some_and(|t| t.is_file()) {
                    buf.clear();
                    let read = crate::fsutil::open_read(e.path()).map_err(Into::into).and_then(|f| {
                        crate::fsutil::read_opened_into(f, corpus::load::MAX_FILE_BYTES, &mut buf)
                    });
                    if read.is_ok() {
                        if let Some(h) = check(e.path(), &buf, &mut low) {
                            finder_hits.lock().unwrap_or_else(|e| e.into_inner()).push(h);
                        }
                    }
                }
                ignore::WalkState::Continue
            })
        });
    }
    let mut hits = hits.into_inner().unwrap_or_else(|e| e.into_inner());
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
