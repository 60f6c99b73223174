//! Full-text search of the whole archive: a positional index in the cache folder, one query
//! language, a concordance and timelines. Free of terminal types: the CLI (`diglot index`,
//! `search --query`, `kwic`, `freq`) and the reader use the same calls.
//!
//! - [`tokens`]: the one tokenization (units, index terms, the reference scan);
//! - [`query`]: the query language and its errors;
//! - [`index`]: building, updating and opening the index ([`FtsIndex`]);
//! - [`search`]: running a query: hits by date or relevance, counts by year and page,
//!   KWIC lines;
//! - [`timeline`]: occurrences and articles per year or month ([`freq_rows`]).
//!
//! # Using it
//!
//! ```no_run
//! use diglot_core::fts::{self, FtsIndex, Order};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let paths = vec![std::path::PathBuf::from("/data/rmrb")];
//! let cache = diglot_core::corpus::index::default_cache_dir().ok_or("no cache folder")?;
//! let never = || false; // a cancel flag, polled as the work goes
//!
//! // Open: as it is on disk (fast; `Err` when there is none or it is unusable) ...
//! let ix = match FtsIndex::open(&paths, &cache) {
//!     Ok(ix) => ix,
//!     // ... or built / brought up to date with the files (progress(done, total)).
//!     Err(_) => FtsIndex::open_updated(&paths, Some(&cache), &|_, _| {}, &never)?.0,
//! };
//! // Freshness: what an update would do (stats every file, reads none).
//! let stale = !ix.changes(&paths)?.is_fresh();
//!
//! // A query (its error renders with a caret under the problem).
//! let q = match fts::parse("人民公社 date:1958..1960") {
//!     Ok(q) => q,
//!     Err(e) => return Err(e.render("人民公社 date:1958..1960").into()),
//! };
//! // Every matching article (addresses, date, page, occurrences, score) and counts by year
//! // and page; `None` when cancelled. Cheap: no stored document is read.
//! let r = ix.search(&q, Order::Date, &never)?.unwrap_or_default();
//! // Page the results: read titles and paths only for the rows shown.
//! for h in r.hits.iter().skip(0).take(20) {
//!     let info = ix.info(h)?; // path, English and Chinese title
//!     // KWIC lines of an article: every occurrence, in text order, with paragraph and range.
//!     if let Some(a) = fts::read_article(&info.path) {
//!         for l in fts::kwic_lines(&a, &q.positive_phrases()) {
//!             println!("{}", l.aligned(30)); // date  page  left HIT right  title
//!         }
//!     }
//! }
//! // A timeline: per year, occurrences and articles of each term, normalised.
//! let rows = fts::freq_rows(&ix, &[("人民公社", &q)], fts::Period::Year, fts::Norm::Articles, &never)?;
//! # let _ = (stale, rows);
//! # Ok(()) }
//! ```
//!
//! For a background thread: [`FtsIndex`] is `Send + Sync`; [`FtsIndex::open_updated`] and
//! [`FtsIndex::search`] poll a `cancel` closure; an update commits once, and a search sees
//! the last commit it was given ([`FtsIndex::reload`] sees another process's commits).
//! A [`Hit`]'s address is valid for the reader state it came from: call [`FtsIndex::info`]
//! before the next `reload` or `update`, or search again.

pub mod index;
pub mod query;
pub mod search;
pub mod timeline;
pub mod tokens;
mod walk;

pub use index::{Budget, Changes, FtsError, FtsIndex, UpdateReport};
pub use query::{lowercase_operator, parse, Node, QueryError};
pub use search::{kwic_lines, read_article, scan_article, Hit, HitInfo, KwicLine, Order, Results};
pub use timeline::{by_period, freq_rows, rows_of, FreqRow, Norm, Period};

use std::sync::OnceLock;

/// Traditional characters converted to Simplified (OpenCC's `t2s` tables); the text itself
/// when the tables cannot be loaded.
pub fn simplified(s: &str) -> String {
    static T2S: OnceLock<Option<ferrous_opencc::OpenCC>> = OnceLock::new();
    if !s.chars().any(tokens::is_han) {
        return s.to_string();
    }
    match T2S
        .get_or_init(|| ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).ok())
    {
        Some(cc) => cc.convert(s),
        None => s.to_string(),
    }
}

impl FtsIndex {
    /// Sees the last commit (of this or another process).
    pub fn reload(&self) -> Result<(), FtsError> {
        Ok(self.reader.reload()?)
    }
}
