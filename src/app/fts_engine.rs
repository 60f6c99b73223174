//! The [`Engine`] the reader uses: the full-text index of [`crate::fts`] (tantivy, positional
//! CJK bigrams, the query language), its answers turned into the app's own types.

use super::research::{
    Answer, AnswerHit, Builder, ConcordLine, Engine, Opener, QueryProblem, ResultOrder, Series, YearPoint,
};
use crate::fts::{self, FtsIndex, Node};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Up to this many comma-separated terms get a series each (as `diglot freq`).
pub const MAX_SERIES: usize = 4;

/// The hits whose paths [`FtsEngine::run`] resolves: the first this many of the order asked
/// for (the list's first screens many times over); the rest are left to
/// [`Engine::rest_paths`], which the reader calls after showing the answer. A path costs
/// ~0.5 µs: a query matching 255,000 of 430,000 articles spent ~120 ms making them all.
pub const FIRST_PATHS: usize = 500;

/// The full-text index, for the reader.
pub struct FtsEngine {
    ix: FtsIndex,
    /// Hits whose paths `run` resolves.
    first: usize,
    /// Articles and characters of the index by year, made at the first query (the index an
    /// engine holds does not change: an update makes a new engine).
    totals: OnceLock<BTreeMap<u32, (u64, u64)>>,
}

impl FtsEngine {
    /// The engine of an open index.
    pub fn new(ix: FtsIndex) -> Self {
        FtsEngine { ix, first: FIRST_PATHS, totals: OnceLock::new() }
    }

    /// The engine resolving the paths of the first `n` hits in [`Engine::run`] (not
    /// [`FIRST_PATHS`]; tests make a few hits many).
    pub fn with_first_paths(mut self, n: usize) -> Self {
        self.first = n;
        self
    }

    fn totals(&self) -> Result<&BTreeMap<u32, (u64, u64)>, String> {
        if let Some(t) = self.totals.get() {
            return Ok(t);
        }
        let t = self.ix.totals(&|d| fts::Period::Year.key(d)).map_err(|e| e.to_string())?;
        Ok(self.totals.get_or_init(|| t))
    }
}

/// The query's terms: comma-separated ones each get a series; the results are those of any.
fn terms(query: &str) -> Vec<&str> {
    let t = fts::timeline::split_terms(query);
    if t.is_empty() {
        vec![query]
    } else {
        t
    }
}

/// Parses each term; a problem's column counted in the whole query.
fn parse_terms(query: &str) -> Result<Vec<(String, Node)>, QueryProblem> {
    let mut out = Vec::new();
    for t in terms(query) {
        // the term's offset in characters in the query (terms are slices of it)
        let start = (t.as_ptr() as usize).saturating_sub(query.as_ptr() as usize);
        let offset = query.get(..start).map_or(0, |s| s.chars().count());
        match fts::parse(t) {
            Ok(n) => out.push((t.to_string(), n)),
            Err(e) => return Err(QueryProblem { col: e.col + offset, msg: e.msg }),
        }
    }
    Ok(out)
}

impl Engine for FtsEngine {
    fn check(&self, query: &str) -> Result<(), QueryProblem> {
        parse_terms(query).map(|_| ())
    }

    fn run(
        &self,
        query: &str,
        order: ResultOrder,
        cancel: &dyn Fn() -> bool,
    ) -> Result<Option<Answer>, String> {
        let terms = parse_terms(query).map_err(|p| format!("column {}: {}", p.col, p.msg))?;
        let order = match order {
            ResultOrder::Date => fts::Order::Date,
            ResultOrder::Relevance => fts::Order::Relevance,
        };
        let node = if terms.len() == 1 {
            terms.first().map(|t| t.1.clone())
        } else {
            Some(Node::Or(terms.iter().map(|t| t.1.clone()).collect()))
        };
        let Some(node) = node else { return Ok(Some(Answer::default())) };
        let Some(r) = self.ix.search(&node, order, cancel).map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        // the paths of the first hits from the path column, in one pass per segment (no stored
        // document read); the rest's addresses, for `rest_paths` (the counts, the timeline and
        // the order need no path)
        let (head, tail) = r.hits.split_at(r.hits.len().min(self.first));
        let Some(paths) = self.ix.paths(head, cancel).map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        let hits: Vec<AnswerHit> = r
            .hits
            .iter()
            .zip(paths.into_iter().chain(std::iter::repeat_with(PathBuf::new)))
            .map(|(h, path)| AnswerHit { path, date: h.date, page: h.page, count: h.count, score: h.score })
            .collect();
        let unresolved: Vec<(u32, u32)> = tail.iter().map(|h| h.addr).collect();
        // the timeline of each term: one term's is the answer's own hits; several terms are
        // searched each. A term of filters alone (`date:1958`) has nothing to count: no series
        // (it drew an empty one), named in `wordless` for the reader to say so, as `freq` does
        let by = fts::Period::Year;
        let mut per_term = Vec::new();
        let wordless: Vec<String> =
            terms.iter().filter(|(_, n)| n.positive_phrases().is_empty()).map(|(t, _)| t.clone()).collect();
        if let [(t, n)] = terms.as_slice() {
            if !n.positive_phrases().is_empty() {
                per_term.push((t.as_str(), fts::by_period(&r.hits, by)));
            }
        } else {
            let counted = terms.iter().filter(|(_, n)| !n.positive_phrases().is_empty());
            for (t, n) in counted.take(MAX_SERIES) {
                let Some(tr) = self.ix.search(n, fts::Order::Date, cancel).map_err(|e| e.to_string())? else {
                    return Ok(None);
                };
                per_term.push((t.as_str(), fts::by_period(&tr.hits, by)));
            }
        }
        let rows = fts::rows_of(self.totals()?, &per_term, by, fts::Norm::Articles);
        let pairs: Vec<&str> = per_term.iter().map(|p| p.0).collect();
        let mut series: Vec<Series> =
            pairs.iter().map(|t| Series { term: (*t).to_string(), years: Vec::new() }).collect();
        for row in rows {
            if let Some(s) = series.iter_mut().find(|s| s.term == row.term) {
                s.years.push(YearPoint {
                    year: row.key,
                    occurrences: row.occurrences,
                    articles: row.articles,
                    total_articles: row.total_articles,
                    total_chars: row.total_chars,
                });
            }
        }
        Ok(Some(Answer { hits, by_year: r.by_year, by_page: r.by_page, series, unresolved, wordless }))
    }

    fn rest_paths(
        &self,
        unresolved: &[(u32, u32)],
        cancel: &dyn Fn() -> bool,
    ) -> Result<Option<Vec<PathBuf>>, String> {
        self.ix.paths_at(unresolved, cancel).map_err(|e| e.to_string())
    }

    fn concordance(&self, query: &str, paths: &[PathBuf], cancel: &dyn Fn() -> bool) -> Vec<ConcordLine> {
        let Ok(terms) = parse_terms(query) else { return Vec::new() };
        let phrases: Vec<&fts::query::Phrase> =
            terms.iter().flat_map(|(_, n)| n.positive_phrases()).collect();
        let mut out = Vec::new();
        for p in paths {
            if cancel() {
                break;
            }
            let Some(a) = fts::read_article(p) else { continue };
            out.extend(fts::kwic_lines(&a, &phrases));
        }
        out
    }
}

/// The builder the reader uses: opens the index of the roots in `cache` (in memory for the
/// seeds) and brings it up to date with the files, within the background budget (one thread,
/// a small heap: the reader's memory stays small while it indexes). Given the files a check
/// found changed, the index on disk takes only those (no walk); when it cannot be opened as
/// it is, it is checked (or rebuilt) whole.
pub fn builder(cache: Option<PathBuf>) -> Builder {
    Arc::new(move |roots, files, progress, cancel| {
        let budget = crate::fts::Budget::BACKGROUND;
        let opened = match (files, cache.as_deref()) {
            (Some(files), Some(c)) if !roots.is_empty() => FtsIndex::open(roots, c)
                .ok()
                .map(|mut ix| ix.update_files(roots, files, budget, progress, cancel).map(|_| ix)),
            _ => None,
        };
        let ix = match opened {
            Some(r) => r,
            None => FtsIndex::open_updated_with(roots, cache.as_deref(), budget, progress, cancel)
                .map(|(ix, _)| ix),
        };
        ix.map(|ix| Arc::new(FtsEngine::new(ix)) as Arc<dyn Engine>).map_err(|e| e.to_string())
    })
}

/// The opener the reader uses with background indexing off: the index of the roots in
/// `cache` as `diglot index` left it, when it holds every file as it is now (a walk and a
/// stat of every file, as `diglot index` does before updating; nothing is written). Why not
/// otherwise, to follow "full-text index": `none built yet`, `out of date (3 changed, 1 added
/// since it was built)`, or what could not be read.
pub fn opener(cache: Option<PathBuf>) -> Opener {
    Arc::new(move |roots, cancel| {
        let Some(c) = cache.as_deref() else { return Err("not kept (no cache folder)".into()) };
        let built = crate::corpus::index::canonical_roots(roots)
            .is_some_and(|r| crate::fts::index::index_dir(c, &r).join("meta.json").exists());
        if !built {
            return Err("none built yet".into());
        }
        let ix = FtsIndex::open(roots, c).map_err(|e| format!("unusable ({e})"))?;
        if cancel() {
            return Err("not looked at".into());
        }
        let ch = ix.changes(roots).map_err(|e| format!("unusable ({e})"))?;
        if !ch.is_fresh() {
            let parts: Vec<String> = [(ch.changed, "changed"), (ch.added, "added"), (ch.removed, "removed")]
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{} {what}", crate::text::thousands(n)))
                .collect();
            return Err(format!("out of date ({} since it was built)", parts.join(", ")));
        }
        Ok(Arc::new(FtsEngine::new(ix)) as Arc<dyn Engine>)
    })
}
