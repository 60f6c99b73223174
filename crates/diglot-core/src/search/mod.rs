//! Title search and full-text phrase search. Pure logic: no terminal types.
//!
//! * [`SearchIndex`]: the English and Chinese titles of every article (plus the Chinese
//!   title's toneless pinyin, computed once per item), searched with skim's fuzzy matcher
//!   (fuzzy-matcher's `SkimMatcherV2` scores, reproduced exactly but faster and without its
//!   cache bug, see [`score`]) and fzf's query syntax ([`Query`]). Each term is scored on
//!   the English title, the Chinese title and the pinyin, the best field counting; an item's
//!   score is the sum over its terms. Hits are ranked best score first, then by the caller's
//!   sort key. [`Query::highlights`] gives the byte ranges to highlight in one item's titles,
//!   on demand.
//! * Pinyin: fuzzy terms match it syllable-aware: the term must split into pieces that each
//!   begin a character's syllable, in order (`xiangxiang`, `xiang xiang xian`, `xxx`,
//!   `xiangx` all find 湘乡县; `x…i…a` scattered over unrelated syllables does not). Exact
//!   operators match the pinyin (`'xiangxiang`) or the initials (`'xxx`, `^xx`). Pinyin
//!   is case-insensitive; `ü` is typed `v`; the default reading of a heteronym is used.
//!   Inverse terms (`!x`) look at the titles only, not at the pinyin.
//! * [`SearchWorker`]: runs searches off the UI thread, cancelling superseded queries and
//!   narrowing the previous result when the user types on.
//! * [`find_phrase`] / [`scan_files`]: a phrase in an article's text, with a snippet.
//!
//! Using the worker from a crossterm event loop (the UI blocks on one channel):
//!
//! ```no_run
//! use diglot_core::search::{SearchIndex, SearchWorker};
//! use std::sync::mpsc;
//! enum Event { Key(char), SearchDone }
//! let (tx, rx) = mpsc::channel::<Event>();
//! let notify = tx.clone();
//! let worker = SearchWorker::new(SearchIndex::new(), move || {
//!     let _ = notify.send(Event::SearchDone);
//! });
//! worker.push("Brief News".into(), "简讯".into(), 0); // as articles load
//! let mut query = String::new();
//! while let Ok(ev) = rx.recv() {
//!     match ev {
//!         Event::Key(c) => { query.push(c); worker.submit(&query); }
//!         Event::SearchDone => if let Some(r) = worker.try_recv() {
//!             // show r.hits.hits (rank order: all, or the first ones until a second
//!             // delivery with r.hits.is_complete()); r.hits.total match;
//!             // r.hits.searched items were searched;
//!             // highlight visible rows with Query::parse(&r.hits.query).highlights(en, zh)
//!             # let _ = r;
//!         },
//!     }
//! }
//! ```

mod fulltext;
mod highlight;
mod index;
mod pinyin;
mod prefetch;
mod query;
pub mod score;
mod store;
mod worker;

#[cfg(test)]
mod tests;

pub use fulltext::{find_phrase, scan_files, FileHit, FileScan, FullTextHit, Phrase};
pub use highlight::Highlights;
pub use index::{Hit, Hits, SearchIndex};
pub use pinyin::Pinyin;
pub use query::{Query, Term, TermKind};
pub use store::{SearchData, TitleBatch, ITEM_BYTES};
pub use worker::{SearchResult, SearchWorker, Title, WorkerTitles, FIRST};
