//! Command-line definitions (clap).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// diglot: read bilingual (English / Chinese) newspaper articles side by side.
///
/// With no subcommand, opens the reader on PATHs (files or folders, walked recursively), or
/// on the seed articles built into diglot when no PATH is given.
#[derive(Debug, Parser)]
#[command(name = "diglot", version, about, long_about = None)]
pub struct Cli {
    /// Article files or folders to open (default: the embedded seed articles).
    pub paths: Vec<PathBuf>,
    /// The subcommand; without one, the terminal reader.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Language choice for `show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// English and Chinese side by side.
    Both,
    /// English only.
    En,
    /// Chinese only.
    Zh,
    /// Each English paragraph with its Chinese beneath.
    Interleaved,
}

/// The subcommands: the reader's answers as plain text for scripts and pipes.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse every article and print each diagnostic as `path:line: error|warning: message`.
    ///
    /// Ends with `N articles, W warnings, E errors, S skipped`. Exit status 1 if any error.
    Check {
        /// Files or folders (default: the embedded seeds).
        paths: Vec<PathBuf>,
        /// Also list the files skipped as not articles.
        #[arg(long, short)]
        verbose: bool,
    },
    /// One article per line: `date<TAB>page<TAB>English title<TAB>Chinese title<TAB>path`.
    List {
        /// Files or folders (default: the embedded seeds).
        paths: Vec<PathBuf>,
        /// A JSON array instead.
        #[arg(long)]
        json: bool,
    },
    /// The reading pane as plain text.
    Show {
        /// A file path, or the 1-based position in `list`.
        article: String,
        /// Files or folders that `list` positions refer to (default: the embedded seeds).
        paths: Vec<PathBuf>,
        /// Which language(s) to show.
        #[arg(long, value_enum, default_value_t = Lang::Both)]
        lang: Lang,
        /// Width in columns (default: 100).
        #[arg(long, default_value_t = 100)]
        width: u16,
    },
    /// The paragraph alignment of an article (beads of English and Chinese paragraphs).
    Align {
        /// A file path, or the 1-based position in `list`.
        article: String,
        /// Files or folders that `list` positions refer to (default: the embedded seeds).
        paths: Vec<PathBuf>,
        /// JSON: `{"beads": [{"en": [...], "zh": [...]}, ...]}`.
        #[arg(long)]
        json: bool,
    },
}
