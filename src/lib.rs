//! diglot: a terminal reader for bilingual newspaper articles, English and Chinese side by
//! side. The library holds everything; the binary is a thin CLI over it.
//!
//! - [`corpus`]: the article model, the pure parser, the parallel loader.
//! - [`align`]: paragraph alignment of the two languages (pure).
//! - [`layout`]: wrapping an article into rows for a view and a width (pure).
//! - [`app`], [`keys`], [`ui`], [`tui`]: the terminal reader.
//! - [`dict`]: help with reading Chinese: segmentation, CC-CEDICT, pinyin, HSK, the word list.
//! - [`commands`]: the plain-text subcommands.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// moving to diglot-core, which enforces these lints itself
pub mod align;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// moving to diglot-core, which enforces these lints itself
pub mod corpus;
pub mod define_cmd;
pub mod dict;
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// moving to diglot-core, which enforces these lints itself
pub mod export;
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// moving to diglot-core, which enforces these lints itself
pub mod fsutil;
pub mod keys;
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// moving to diglot-core, which enforces these lints itself
pub mod layout;
pub mod prompt;
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// moving to diglot-core, which enforces these lints itself
pub mod search;
pub mod search_cmd;
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// moving to diglot-core, which enforces these lints itself
pub mod state;
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// moving to diglot-core, which enforces these lints itself
pub mod text;
pub mod tui;
pub mod ui;
