//! Command-line definitions (clap).

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// What `diglot --version` prints: the version and the credits of the data built in.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nDictionary: CC-CEDICT (https://cc-cedict.org), © MDBG, licensed CC BY-SA 4.0 \
         (https://creativecommons.org/licenses/by-sa/4.0/).\nHSK levels: the hsk crate (HSK 3.0 \
         examination syllabus, 2025). Word segmentation: jieba-rs."
);

/// diglot: read bilingual (English / Chinese) newspaper articles side by side.
///
/// With no subcommand, opens the reader on PATHs (files or folders, walked recursively), or
/// on the seed articles built into diglot when no PATH is given.
#[derive(Debug, Parser)]
#[command(name = "diglot", version = VERSION, about, long_about = None)]
pub struct Cli {
    /// Article files or folders to open (default: the config's `paths`, else the embedded
    /// seed articles).
    #[arg(value_parser = path)]
    pub paths: Vec<PathBuf>,
    /// The reader's config file, instead of `$XDG_CONFIG_HOME/diglot/config.toml` (the
    /// subcommands do not read a config).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Print the default config file, every setting commented, and exit.
    #[arg(long)]
    pub print_default_config: bool,
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

/// Output format of `show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The reading pane as plain text (`--lang`, `--width` apply).
    Text,
    /// The whole article as Markdown: titles, metadata, each English paragraph then its Chinese.
    Markdown,
    /// The whole article as JSON: meta, paragraphs, beads, glossary, diagnostics.
    Json,
}

/// The subcommands: the reader's answers as plain text for scripts and pipes.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse every article and print each diagnostic as `path:line: error|warning: message`.
    ///
    /// Ends with `N articles, W warnings, E errors, S skipped`. Exit status 1 if any error.
    Check {
        /// Files or folders (default: the embedded seeds).
        #[arg(value_parser = path)]
        paths: Vec<PathBuf>,
        /// Also list the files skipped as not articles.
        #[arg(long, short)]
        verbose: bool,
        /// Check the translations instead: list the paragraph pairs whose translation looks
        /// wrong (length far off, Hangul or untranslated Chinese in the English, numbers
        /// that differ), as `path:line: warning: reason`.
        #[arg(long)]
        translation: bool,
    },
    /// One article per line: `date<TAB>page<TAB>English title<TAB>Chinese title<TAB>path`.
    List {
        /// Files or folders (default: the embedded seeds).
        #[arg(value_parser = path)]
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
        #[arg(value_parser = path)]
        paths: Vec<PathBuf>,
        /// Which language(s) to show.
        #[arg(long, value_enum, default_value_t = Lang::Both)]
        lang: Lang,
        /// Width in columns, 2 (a Chinese character's) to 65535 (default: 100).
        #[arg(long, default_value_t = 100, value_parser = width)]
        width: u16,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Fuzzy-search titles (English, Chinese, pinyin; fzf syntax), best first:
    /// `score<TAB>date<TAB>English title<TAB>Chinese title<TAB>path`.
    ///
    /// With --full-text, the articles' text through the full-text index (see `diglot
    /// index`; built the first time) and its query language, as the reader's Ctrl-f:
    /// `date<TAB>English title<TAB>Chinese title<TAB>path<TAB>snippet`. `--query QUERY` is the
    /// same search with every positional argument a PATH.
    ///
    /// With --scan, one phrase found by reading every file (substrings too, smart case; no
    /// index): the same columns.
    Search {
        /// The query: space-separated terms, all must match; 'exact ^prefix suffix$ !not.
        /// With --full-text, the query language; with --query, the first PATH.
        #[arg(required_unless_present = "index_query")]
        query: Option<String>,
        /// Files or folders (default: the embedded seeds).
        #[arg(value_parser = path)]
        paths: Vec<PathBuf>,
        /// At most this many results, 1 or more (with --full-text: 100 unless given).
        #[arg(long, short = 'n', value_parser = count)]
        limit: Option<usize>,
        /// A JSON array instead.
        #[arg(long)]
        json: bool,
        /// Search the articles' text with the full-text index's query language: words and
        /// "phrases" in either language, OR, NOT or - (operators upper case: a lower-case `or`
        /// is a word), NEAR/n (n at most 100), ( ), title:,
        /// author:, page:N[..M], date:YYYY[-MM[-DD]][..YYYY[-MM[-DD]]].
        #[arg(long, group = "fts", conflicts_with_all = ["index_query", "scan"])]
        full_text: bool,
        /// The same as --full-text QUERY, the query given here: every positional argument is
        /// then a PATH.
        #[arg(
            long = "query",
            id = "index_query",
            value_name = "QUERY",
            group = "fts",
            conflicts_with = "scan"
        )]
        index_query: Option<String>,
        /// Read every file for one phrase instead (substrings too, smart case; no index):
        /// what the reader's Ctrl-f does until the index is ready.
        #[arg(long)]
        scan: bool,
        /// With --full-text: order by relevance (BM25) instead of by date.
        #[arg(long, requires = "fts")]
        relevance: bool,
        /// With --full-text: print the number of articles by year and by page instead.
        #[arg(long, requires = "fts")]
        counts: bool,
    },
    /// Build or update the full-text index of PATHs (in the cache folder): only changed,
    /// added and removed files are read again. Progress on stderr, a summary on stdout.
    Index {
        /// Files or folders (default: the embedded seeds, indexed in memory).
        #[arg(value_parser = path)]
        paths: Vec<PathBuf>,
    },
    /// A concordance (keyword in context): one line per occurrence of the query's words and
    /// phrases, `date  page  left context HIT right context  title`, the hits in one column.
    Kwic {
        /// The query (the language of `search --query`).
        query: String,
        /// Files or folders (default: the embedded seeds).
        #[arg(value_parser = path)]
        paths: Vec<PathBuf>,
        /// Columns of context on each side of the hit, 0 (the hits alone) to 1000.
        #[arg(long, default_value_t = 40, value_parser = context)]
        width: usize,
        /// Order of the lines.
        #[arg(long, value_enum, default_value_t = crate::fts_cmd::KwicSort::Date)]
        sort: crate::fts_cmd::KwicSort,
        /// At most this many lines, 1 or more.
        #[arg(long, short = 'n', value_parser = count)]
        limit: Option<usize>,
        /// One JSON object per line instead (the whole context, paragraph and byte range).
        #[arg(long)]
        json: bool,
    },
    /// A timeline: occurrences and articles of each term per year or month, normalised by
    /// the size of the archive in that period (as Google Ngram). TERMS comma-separated,
    /// each a query: `人民公社,合作社`.
    Freq {
        /// Comma-separated terms (each in the query language).
        terms: String,
        /// Files or folders (default: the embedded seeds).
        #[arg(value_parser = path)]
        paths: Vec<PathBuf>,
        /// Period.
        #[arg(long, value_enum, default_value_t = crate::fts_cmd::By::Year)]
        by: crate::fts_cmd::By,
        /// Normalise by the period's articles (percent holding the term) or characters
        /// (occurrences per million).
        #[arg(long, value_enum, default_value_t = crate::fts_cmd::Per::Articles)]
        per: crate::fts_cmd::Per,
        /// CSV with a header, totals included.
        #[arg(long)]
        csv: bool,
    },
    /// The paragraph alignment of an article (beads of English and Chinese paragraphs).
    Align {
        /// A file path, or the 1-based position in `list`.
        article: String,
        /// Files or folders that `list` positions refer to (default: the embedded seeds).
        #[arg(value_parser = path)]
        paths: Vec<PathBuf>,
        /// JSON: `{"beads": [{"en": [...], "zh": [...]}, ...]}`.
        #[arg(long)]
        json: bool,
        /// Also align the sentences of each bead: JSON beads get
        /// `"sentences": [{"en": [...], "zh": [...]}, ...]`, whose texts in order are exactly
        /// the bead's paragraphs; the text output lists them under each bead.
        #[arg(long)]
        sentences: bool,
    },
    /// Dictionary entries (CC-CEDICT): simplified, traditional, pinyin, senses, HSK level.
    ///
    /// `diglot define 银行`; with --article, the article's vocabulary instead:
    /// `word<TAB>pinyin<TAB>HSK<TAB>count<TAB>senses`, in order of first appearance.
    /// Exit status 1 when a word is not in the dictionary.
    Define {
        /// The words to look up (simplified Chinese); with --article, the files or
        /// folders that a list position refers to (default: the embedded seeds).
        #[arg(required_unless_present = "article")]
        args: Vec<String>,
        /// List the words of this article (a file, or the 1-based position in `list`).
        #[arg(long, value_name = "ARTICLE")]
        article: Option<String>,
        /// With --article: only words above this HSK level (1-6; 7 is the band 7-9) or in none.
        #[arg(long, value_name = "LEVEL", requires = "article", value_parser = clap::value_parser!(u8).range(1..=7))]
        beyond: Option<u8>,
        /// JSON instead: an array of entries (with --article, of words).
        #[arg(long)]
        json: bool,
    },
    /// The saved word list (`$XDG_DATA_HOME/diglot/words.tsv`) as TSV:
    /// word, pinyin, senses, sentence, English, citation.
    Words {
        /// Anki-importable instead: `front<TAB>back<TAB>tags`, with Anki's header lines.
        #[arg(long)]
        anki: bool,
    },
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    ///
    /// E.g. `diglot completions bash > ~/.local/share/bash-completion/completions/diglot`,
    /// `diglot completions zsh > ~/.zfunc/_diglot`,
    /// `diglot completions fish > ~/.config/fish/completions/diglot.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `diglot man > diglot.1`.
    #[command(hide = true)]
    Man,
}

impl Command {
    /// The PATHs given to the command, checked to exist before it runs
    /// ([`crate::commands::require_paths`]); `check` reports a missing one among its
    /// diagnostics instead.
    pub fn paths(&self) -> Vec<PathBuf> {
        match self {
            Command::List { paths, .. }
            | Command::Show { paths, .. }
            | Command::Index { paths }
            | Command::Kwic { paths, .. }
            | Command::Freq { paths, .. }
            | Command::Align { paths, .. } => paths.clone(),
            // --query QUERY: every positional argument is a PATH
            Command::Search { query, paths, index_query: Some(_), .. } => {
                query.iter().map(PathBuf::from).chain(paths.iter().cloned()).collect()
            }
            Command::Search { paths, .. } => paths.clone(),
            Command::Define { args, article: Some(_), .. } => args.iter().map(PathBuf::from).collect(),
            Command::Define { .. }
            | Command::Check { .. }
            | Command::Words { .. }
            | Command::Completions { .. }
            | Command::Man => Vec::new(),
        }
    }
}

/// A PATH: not empty (`diglot list "$DIR"` with DIR unset). clap's own parser refused it
/// as "a value is required for '[PATHS]...' but none was supplied", which is not what
/// happened.
fn path(value: &str) -> Result<PathBuf, String> {
    if value.is_empty() {
        Err("an empty PATH (an unset variable?): give a file or folder".into())
    } else {
        Ok(PathBuf::from(value))
    }
}

/// The command line's numbers, checked in one place (a usage error, exit status 2, with the
/// reason on one line): `value` a whole number from `min` to `max`.
fn number(value: &str, min: u64, max: u64) -> Result<u64, String> {
    let n: u64 = value.trim().parse().map_err(|_| format!("not a whole number from {min} to {max}"))?;
    if n < min {
        Err(format!("{n} is too small: at least {min}"))
    } else if n > max {
        Err(format!("{n} is too large: at most {max}"))
    } else {
        Ok(n)
    }
}

/// The narrowest `show --width`: a Chinese character takes two columns (at 1, the layout
/// clips what cannot fit, and `--lang zh` printed empty lines; 0 acted as 1).
pub const MIN_SHOW_WIDTH: u64 = 2;

/// `show --width`: from [`MIN_SHOW_WIDTH`] columns.
fn width(value: &str) -> Result<u16, String> {
    number(value, MIN_SHOW_WIDTH, u64::from(u16::MAX)).map(|n| u16::try_from(n).unwrap_or(u16::MAX)).map_err(
        |e| if e.contains("too small") { format!("{e} (a Chinese character takes two columns)") } else { e },
    )
}

/// `--limit`: at most 0 results printed nothing and said nothing.
fn count(value: &str) -> Result<usize, String> {
    number(value, 1, u64::try_from(usize::MAX).unwrap_or(u64::MAX))
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// The most columns of context `kwic --width` takes on each side of a hit (a width near
/// `usize::MAX` overflowed the padding and crashed).
pub const MAX_CONTEXT: u64 = 1000;

/// `kwic --width`: 0 is the hits alone.
fn context(value: &str) -> Result<usize, String> {
    number(value, 0, MAX_CONTEXT).map(|n| usize::try_from(n).unwrap_or(0))
}

/// Writes the completion script of `shell` for diglot's command line. The script is made in
/// memory first: the generator panics on a failed write, a full disk must be an error.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "diglot", &mut script);
    out.write_all(&script)
}

/// Writes diglot's man page (roff, section 1), generated from the command line definitions.
/// The header (`.TH`) takes the bare version: the credits' lines in it broke the header
/// (`man` printed them above NAME, with a stray quote); they go to the VERSION section.
pub fn man(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let cmd =
        <Cli as clap::CommandFactory>::command().version(env!("CARGO_PKG_VERSION")).long_version(VERSION);
    clap_mangen::Man::new(cmd).render(out)
}
