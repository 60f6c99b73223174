//! diglot: a terminal reader for bilingual newspaper articles, English and Chinese side by
//! side. The pure work lives in the `diglot-core` crate (re-exported here under the same
//! module names, so `diglot::corpus::…` and `crate::corpus::…` keep working); this crate is
//! the terminal reader, the CLI and the configuration. The binary is a thin CLI over it.
//!
//! - [`corpus`], [`align`], [`search`], [`fts`], [`layout`], [`text`], [`export`], [`state`],
//!   [`fsutil`], [`dirs`]: from `diglot-core` (no terminal types).
//! - [`app`], [`keys`], [`ui`], [`tui`], [`prompt`], [`config`]: the terminal reader.
//! - [`watch`]: following the opened folders' files while the reader runs.
//! - [`clipboard`]: putting exported text on the clipboard (tmux buffer, OSC 52).
//! - [`commands`], [`search_cmd`], [`fts_cmd`]: the plain-text subcommands (`fts_cmd`:
//!   index, search --full-text, kwic, freq).
//! - [`dict`]: help with reading Chinese: segmentation, CC-CEDICT, pinyin, HSK, the word list.
//! - [`define_cmd`]: the `define` and `words` subcommands.

#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

pub use diglot_core::{align, corpus, dict, dirs, fsutil, fts, layout, search, state, text};

/// Taking text out of diglot: the core's [`diglot_core::export`] (citation, Markdown, JSON)
/// and this crate's [`crate::clipboard`] (tmux buffer, OSC 52), under the one old path.
pub mod export {
    pub use crate::clipboard::*;
    pub use diglot_core::export::*;
}

pub mod app;
pub mod cli;
pub mod clipboard;
pub mod commands;
pub mod config;
pub mod define_cmd;
pub mod fts_cmd;
pub mod keys;
pub mod prompt;
pub mod search_cmd;
pub mod tui;
pub mod ui;
pub mod watch;
