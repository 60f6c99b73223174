//! diglot: a terminal reader for bilingual newspaper articles, English and Chinese side by
//! side. The library holds everything; the binary is a thin CLI over it.
//!
//! - [`corpus`]: the article model, the pure parser, the parallel loader.
//! - [`align`]: paragraph alignment of the two languages (pure).
//! - [`layout`]: wrapping an article into rows for a view and a width (pure).
//! - [`app`], [`keys`], [`ui`], [`tui`]: the terminal reader.
//! - [`commands`]: the plain-text subcommands.
//! - [`fts`], [`fts_cmd`]: the full-text index, its query language, concordance and timelines.

#![warn(missing_docs)]

pub mod align;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod corpus;
pub mod export;
pub mod fts;
pub mod fts_cmd;
pub mod keys;
pub mod layout;
pub mod prompt;
pub mod search;
pub mod search_cmd;
pub mod state;
pub mod text;
pub mod tui;
pub mod ui;
