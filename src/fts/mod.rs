//! Full-text search of the whole archive: a positional index in the cache folder, one query
//! language, a concordance and timelines. Free of terminal types: the CLI (`diglot index`,
//! `search --query`, `kwic`, `freq`) and the reader use the same calls.
//!
//! - [`tokens`]: the one tokenization (units, index terms, the reference scan);
//! - [`query`]: the query language and its errors;
//! - [`index`]: building, updating and opening the index ([`FtsIndex`]);
//! - [`search`]: running a query: hits by date or relevance, counts by year and page,
//!   KWIC lines, totals for the timelines.
//!
//! For a background thread: [`FtsIndex`] is `Send + Sync`; [`FtsIndex::open_updated`] and
//! [`FtsIndex::search`] poll a `cancel` closure; an update commits once, and a search sees
//! the last commit it was given ([`FtsIndex::reload`]).

pub mod index;
pub mod query;
pub mod search;
pub mod tokens;

pub use index::{FtsError, FtsIndex, UpdateReport};
pub use query::{parse, Node, QueryError};
pub use search::{kwic_lines, scan_article, Hit, HitInfo, KwicLine, Order, Results};

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
