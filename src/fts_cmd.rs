//! `diglot index`, `diglot search --full-text`, `diglot kwic` and `diglot freq`: the full-text
//! index ([`crate::fts`]) as plain text, CSV or JSON.

use crate::commands::CmdError;
use crate::corpus::ArticleMeta;
use crate::fts::timeline::{self, Norm, Period};
use crate::fts::{self, FtsError, FtsIndex, Hit, KwicLine, Node, Order};
use crate::text::sanitize;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The progress line: `indexing N/M files`, and once every file is handed to the indexer,
/// that the index is being written (the segments finished and committed, 1-3 s at 10k, with
/// nothing else to say while it lasts; it showed `10001/10001 files`).
pub fn progress_text(done: usize, total: usize) -> String {
    if total > 0 && done >= total {
        format!("indexed {done}/{total} files, writing the index…")
    } else {
        format!("indexing {done}/{total} files")
    }
}

/// Progress on stderr (a terminal only), never going back: the indexing threads report in
/// parallel, and an earlier count printed after the last would hide "writing the index…".
fn progress_line(most: &AtomicUsize, done: usize, total: usize) {
    if io::stderr().is_terminal() {
        let mut e = io::stderr().lock();
        if most.fetch_max(done, Ordering::Relaxed) > done {
            return;
        }
        let _ = write!(e, "\r\x1b[2K{}", progress_text(done, total));
        let _ = e.flush();
    }
}

fn clear_progress() {
    if io::stderr().is_terminal() {
        let _ = write!(io::stderr().lock(), "\r\x1b[2K");
    }
}

fn fts_err(e: FtsError) -> CmdError {
    CmdError::Article(e.to_string())
}

/// The index of `paths`, as it is; built first when there is none or it is unusable (the
/// seeds get one in memory). `diglot index` is what brings an existing one up to date.
pub fn open_index(paths: &[PathBuf]) -> Result<FtsIndex, CmdError> {
    let cache = crate::corpus::index::default_cache_dir();
    if !paths.is_empty() {
        if let Some(c) = cache.as_deref() {
            if let Ok(ix) = FtsIndex::open(paths, c) {
                return Ok(ix);
            }
        }
        if io::stderr().is_terminal() {
            eprintln!("diglot: building the full-text index (once; `diglot index` updates it)");
        }
    }
    let most = AtomicUsize::new(0);
    let progress = |d, t| progress_line(&most, d, t);
    let r = FtsIndex::open_updated(paths, cache.as_deref(), &progress, &|| false);
    clear_progress();
    r.map(|(ix, _)| ix).map_err(fts_err)
}

/// `diglot index [PATH]...`: builds or updates the index, progress and a summary on stderr.
pub fn index(paths: &[PathBuf], out: &mut dyn Write) -> Result<(), CmdError> {
    let start = std::time::Instant::now();
    let cache = crate::corpus::index::default_cache_dir();
    let most = AtomicUsize::new(0);
    let progress = |d, t| progress_line(&most, d, t);
    let (ix, r) = FtsIndex::open_updated(paths, cache.as_deref(), &progress, &|| false).map_err(fts_err)?;
    clear_progress();
    if let Some(why) = r.rebuilt.as_deref().filter(|w| !w.is_empty() && !w.starts_with("no full-text")) {
        writeln!(out, "rebuilt the index: {}", sanitize(why))?;
    }
    let size = ix.dir().map(dir_size).unwrap_or(0);
    writeln!(
        out,
        "{} indexed, {} removed, {} unchanged in {:.1} s; {}{:.1} MB",
        r.indexed,
        r.removed,
        r.unchanged,
        start.elapsed().as_secs_f64(),
        ix.dir().map(|d| format!("{} ", sanitize(&d.display().to_string()))).unwrap_or_default(),
        size as f64 / 1e6
    )?;
    Ok(())
}

fn dir_size(d: &std::path::Path) -> u64 {
    std::fs::read_dir(d).map_or(0, |rd| rd.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
}

fn parse_query(q: &str) -> Result<Node, CmdError> {
    let n = fts::parse(q).map_err(|e| CmdError::Article(format!("query: {}", e.render(q))))?;
    // `公社 or commune` searched `or` as a word: the results are right, but likely not meant
    if let Some((col, hint)) = fts::lowercase_operator(q) {
        eprintln!("diglot: hint: column {col}: {}", sanitize(&hint));
    }
    Ok(n)
}

#[derive(Serialize)]
struct TextHit {
    #[serde(flatten)]
    meta: ArticleMeta,
    snippet: String,
    occurrences: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f32>,
}

/// The article of a hit, read from its file (`path`, from the index's path column), and its
/// first occurrence as a snippet. A file that cannot be read (removed since it was indexed)
/// keeps its row, with the titles the index stored when it was indexed, if they can be read.
fn hit_row(ix: &FtsIndex, h: &Hit, path: PathBuf, q: &Node, relevance: bool) -> TextHit {
    let (meta, snippet) = match fts::search::read_article(&path) {
        Some(a) => {
            let snip =
                fts::kwic_lines(&a, &q.positive_phrases()).first().map(|l| l.snippet(30)).unwrap_or_default();
            (a.meta, snip)
        }
        None => {
            let info = ix.info(h).ok();
            let (title_en, title_zh) = info.map(|i| (i.title_en, i.title_zh)).unwrap_or_default();
            (ArticleMeta { path, title_en, title_zh, ..ArticleMeta::default() }, String::new())
        }
    };
    TextHit { meta, snippet, occurrences: h.count, score: relevance.then_some(h.score) }
}

/// Rows `search --full-text` prints without `--limit`.
pub const DEFAULT_ROWS: usize = 100;

/// `diglot search --full-text` (or `--query`): the index and its query language (`o.relevance`, `o.counts`;
/// `o.scan` is not looked at).
pub fn search(o: &crate::search_cmd::SearchArgs, out: &mut dyn Write) -> Result<(), CmdError> {
    let q = parse_query(&o.query)?;
    let ix = open_index(&o.paths)?;
    let order = if o.relevance { Order::Relevance } else { Order::Date };
    let r = ix.search(&q, order, &|| false).map_err(fts_err)?.unwrap_or_default();
    if o.counts {
        if o.json {
            let v =
                serde_json::json!({ "articles": r.hits.len(), "by_year": r.by_year, "by_page": r.by_page });
            crate::export::write_json(&mut *out, &v, true)?;
            writeln!(out)?;
        } else {
            writeln!(out, "articles\t{}", r.hits.len())?;
            for (y, n) in &r.by_year {
                writeln!(out, "year\t{}\t{n}", if *y == 0 { "?".to_string() } else { y.to_string() })?;
            }
            for (p, n) in &r.by_page {
                writeln!(out, "page\t{}\t{n}", if *p == 0 { "?".to_string() } else { p.to_string() })?;
            }
        }
        return Ok(());
    }
    // a page of rows: each is read from its file (titles, snippet), so not every hit
    let n = r.hits.len().min(o.limit.unwrap_or(DEFAULT_ROWS));
    let shown = r.hits.get(..n).unwrap_or_default();
    if n < r.hits.len() && o.limit.is_none() {
        eprintln!(
            "diglot: {} articles; the first {n} shown (--limit N for more, --counts for counts by year and page)",
            r.hits.len()
        );
    }
    // the files from the path column (checked on open), not from the stored documents: a
    // damaged stored document dropped its row without a word
    let paths = ix.paths(shown, &|| false).map_err(fts_err)?.unwrap_or_default();
    let rows: Vec<TextHit> =
        shown.par_iter().zip(paths).map(|(h, p)| hit_row(&ix, h, p, &q, o.relevance)).collect();
    if o.json {
        crate::export::write_json(&mut *out, &rows, true)?;
        writeln!(out)?;
    } else {
        for t in &rows {
            crate::search_cmd::write_text_hit(&mut *out, &t.meta, &t.snippet)?;
        }
    }
    Ok(())
}

/// Sort order of `kwic`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KwicSort {
    /// By date, then page, then place in the article.
    Date,
    /// By the words just before the hit (nearest first).
    Left,
    /// By the words just after the hit.
    Right,
}

/// Options of `kwic`.
#[derive(Debug, Clone)]
pub struct KwicOpts {
    /// The query.
    pub query: String,
    /// Files or folders.
    pub paths: Vec<PathBuf>,
    /// Columns of context on each side.
    pub width: usize,
    /// Order of the lines.
    pub sort: KwicSort,
    /// At most this many lines.
    pub limit: Option<usize>,
    /// JSON lines instead of aligned text.
    pub json: bool,
}

/// `diglot kwic`.
pub fn kwic(o: &KwicOpts, out: &mut dyn Write) -> Result<(), CmdError> {
    let q = parse_query(&o.query)?;
    let phrases = q.positive_phrases();
    if phrases.is_empty() {
        // filters alone (date:, page:, NOT …) find articles but no occurrence to show: this
        // printed nothing and succeeded
        return Err(CmdError::Article(format!(
            "kwic: `{}` has no word or phrase to show in context (only filters): add one, e.g. `公社 {}`",
            crate::text::sanitize(&o.query),
            crate::text::sanitize(&o.query)
        )));
    }
    let ix = open_index(&o.paths)?;
    let r = ix.search(&q, Order::Date, &|| false).map_err(fts_err)?.unwrap_or_default();
    let limit = o.limit.unwrap_or(usize::MAX);
    // the hits' files from the path column (no stored document read), then each read and
    // parsed for its lines
    let lines_of = |hs: &[Hit]| -> Vec<KwicLine> {
        let paths = ix.paths(hs, &|| false).ok().flatten().unwrap_or_default();
        let per: Vec<Vec<KwicLine>> = paths
            .par_iter()
            .map(|p| fts::search::read_article(p).map(|a| fts::kwic_lines(&a, &phrases)).unwrap_or_default())
            .collect();
        per.into_iter().flatten().collect()
    };
    let emit = |l: &KwicLine, out: &mut dyn Write| -> io::Result<()> {
        if o.json {
            crate::export::write_json(&mut *out, l, false)?;
            writeln!(out)
        } else {
            writeln!(out, "{}", l.aligned(o.width))
        }
    };
    let mut n = 0;
    if o.sort == KwicSort::Date {
        // streamed, a screenful of articles at a time: the first lines come at once
        for chunk in r.hits.chunks(32) {
            for l in lines_of(chunk) {
                if n >= limit {
                    return Ok(());
                }
                emit(&l, out)?;
                n += 1;
            }
            out.flush()?;
        }
        return Ok(());
    }
    let mut lines = lines_of(&r.hits);
    match o.sort {
        KwicSort::Left => {
            lines.sort_by_cached_key(|l| l.left.to_lowercase().chars().rev().collect::<String>())
        }
        _ => lines.sort_by_cached_key(|l| l.right.to_lowercase()),
    }
    for l in lines.iter().take(limit) {
        emit(l, out)?;
    }
    Ok(())
}

/// Period of `freq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// `YYYY`.
    Year,
    /// `YYYY-MM`.
    Month,
}

impl From<By> for Period {
    fn from(b: By) -> Period {
        match b {
            By::Year => Period::Year,
            By::Month => Period::Month,
        }
    }
}

/// Normalisation of `freq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Per {
    /// Percent of the period's articles that hold the term.
    Articles,
    /// Occurrences per million characters of the period's text.
    MillionChars,
}

impl From<Per> for Norm {
    fn from(p: Per) -> Norm {
        match p {
            Per::Articles => Norm::Articles,
            Per::MillionChars => Norm::MillionChars,
        }
    }
}

/// `diglot freq`.
pub fn freq(
    terms: &str,
    paths: &[PathBuf],
    by: By,
    per: Per,
    csv: bool,
    out: &mut dyn Write,
) -> Result<(), CmdError> {
    let list = timeline::split_terms(terms);
    if list.is_empty() {
        return Err(CmdError::Article("freq: no term given (e.g. 人民公社,合作社)".into()));
    }
    let queries = list.iter().map(|t| parse_query(t)).collect::<Result<Vec<Node>, CmdError>>()?;
    // a term of filters alone (date:, page:, NOT …) has nothing to count: it printed a zero
    // for every period
    if let Some((t, _)) = list.iter().zip(&queries).find(|(_, q)| q.positive_phrases().is_empty()) {
        return Err(CmdError::Article(format!(
            "freq: `{}` has no word or phrase to count (only filters): add one, e.g. `公社 {}`",
            sanitize(t),
            sanitize(t)
        )));
    }
    let ix = open_index(paths)?;
    let pairs: Vec<(&str, &Node)> = list.iter().copied().zip(&queries).collect();
    let rows = timeline::freq_rows(&ix, &pairs, by.into(), per.into(), &|| false)
        .map_err(fts_err)?
        .unwrap_or_default();
    let per_name = match per {
        Per::Articles => "percent_of_articles",
        Per::MillionChars => "per_million_chars",
    };
    if csv {
        writeln!(out, "period,term,occurrences,articles,total_articles,total_chars,{per_name}")?;
        for r in &rows {
            let term = format!("\"{}\"", sanitize(&r.term).replace('"', "\"\""));
            writeln!(
                out,
                "{},{term},{},{},{},{},{:.4}",
                r.period, r.occurrences, r.articles, r.total_articles, r.total_chars, r.per
            )?;
        }
    } else {
        writeln!(out, "period\tterm\toccurrences\tarticles\t{per_name}")?;
        for r in &rows {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{:.4}",
                r.period,
                sanitize(&r.term),
                r.occurrences,
                r.articles,
                r.per
            )?;
        }
    }
    Ok(())
}
