//! diglot's core: everything about articles that is not the terminal. The article model and
//! its parser, the parallel loader and its on-disk index, paragraph alignment, title and
//! full-text search, sanitising file text, laying an article out into rows, export
//! (citation, Markdown, JSON) and the remembered reading state.
//!
//! This crate never depends on a terminal library (ratatui, crossterm): CI checks that
//! `cargo tree -p diglot-core -e normal` shows neither. The `diglot` crate re-exports every
//! module here under the same name, so `diglot::corpus::…` works as before.
//!
//! - [`corpus`]: the article model, the pure parser, the parallel loader, the index, seeds.
//! - [`align`]: paragraph alignment of the two languages.
//! - [`search`]: fuzzy title search, pinyin, query syntax, full-text scan, worker thread.
//! - [`fts`]: the full-text index (tantivy): its query language, search, concordance (KWIC),
//!   timelines.
//! - [`layout`]: wrapping an article into rows for a view and a width.
//! - [`text`]: sanitising untrusted text; display widths.
//! - [`export`]: citation, Markdown and JSON.
//! - [`state`]: read marks, bookmarks, positions (atomic, lock-protected saves).
//! - [`dict`]: help with reading Chinese: segmentation, CC-CEDICT, pinyin, HSK, the word list.
//! - [`dirs`]: the XDG folders (state, cache, config, data).
//! - [`fsutil`]: the one atomic write, locks, reading files safely.

#![warn(missing_docs)]
// Tests may unwrap and index: a panic there is a failed test, which is what it should be.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub mod align;
pub mod corpus;
pub mod dict;
pub mod dirs;
pub mod export;
pub mod fsutil;
pub mod fts;
pub mod layout;
pub mod search;
pub mod state;
pub mod text;
