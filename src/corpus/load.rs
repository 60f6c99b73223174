//! Loading a collection: each PATH is a file or a folder walked recursively (hidden entries
//! skipped, symlink loops detected). Files are recognised by content and parsed in parallel;
//! results stream out in batches so a UI can show them as they arrive.

use super::model::{ArticleMeta, Diagnostic, Severity};
use super::parse::{parse_bytes, Parsed};
use super::seeds;
use rayon::prelude::*;
use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};

/// Files larger than this are not read (the largest real article is ~30 KB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads an article's bytes: an embedded seed or a file. Never opens anything for writing.
pub fn read_source(path: &Path) -> io::Result<Cow<'static, [u8]>> {
    if let Some(bytes) = seeds::get(path) {
        return Ok(Cow::Borrowed(bytes));
    }
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(io::Error::other(format!(
            "file is larger than {} MiB; not read",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    std::fs::read(path).map(Cow::Owned)
}

/// What became of one file.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// An article: its metadata and what was wrong with it.
    Article(Box<ArticleMeta>, Vec<Diagnostic>),
    /// Not an article (empty, binary, README, FIFO...): skipped, with the reason.
    Skipped(PathBuf, Cow<'static, str>),
    /// Could not be read at all.
    Unreadable(PathBuf, String),
}

/// One batch of results as they stream in, with the bytes read so far in the batch.
#[derive(Debug, Default)]
pub struct LoadEvent {
    /// The outcomes of this batch, in no particular order.
    pub outcomes: Vec<Outcome>,
    /// Bytes read in this batch.
    pub bytes: u64,
}

/// Counts for the last line of `check`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LoadSummary {
    /// Articles recognised (damaged ones included).
    pub articles: usize,
    /// Warnings over all articles.
    pub warnings: usize,
    /// Errors over all articles, unreadable files included.
    pub errors: usize,
    /// Files that are not articles.
    pub skipped: usize,
    /// Bytes read.
    pub bytes: u64,
}

impl std::fmt::Display for LoadSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} articles, {} warnings, {} errors, {} skipped",
            self.articles, self.warnings, self.errors, self.skipped
        )
    }
}

/// A whole collection, loaded and sorted (date, then page, then path).
#[derive(Debug, Default)]
pub struct Loaded {
    /// The articles' metadata, sorted.
    pub articles: Vec<ArticleMeta>,
    /// Every diagnostic, with its file: articles' and unreadable files'.
    pub diagnostics: Vec<(PathBuf, Diagnostic)>,
    /// Files skipped as not articles, with the reason.
    pub skipped: Vec<(PathBuf, Cow<'static, str>)>,
    /// The counts.
    pub summary: LoadSummary,
}

impl Loaded {
    /// Adds one batch of outcomes (unsorted; call [`Loaded::sort`] at the end).
    pub fn absorb(&mut self, event: LoadEvent) {
        self.summary.bytes += event.bytes;
        for o in event.outcomes {
            match o {
                Outcome::Article(meta, diags) => {
                    self.summary.articles += 1;
                    for d in diags {
                        match d.severity {
                            Severity::Warning => self.summary.warnings += 1,
                            Severity::Error => self.summary.errors += 1,
                        }
                        self.diagnostics.push((meta.path.clone(), d));
                    }
                    self.articles.push(*meta);
                }
                Outcome::Skipped(p, why) => {
                    self.summary.skipped += 1;
                    self.skipped.push((p, why));
                }
                Outcome::Unreadable(p, why) => {
                    self.summary.errors += 1;
                    self.diagnostics.push((p, Diagnostic::error(0, why)));
                }
            }
        }
    }

    /// Sorts articles by date, page, path and diagnostics by path and line.
    pub fn sort(&mut self) {
        self.articles.par_sort_by(order);
        self.diagnostics.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.line.cmp(&b.1.line)));
        self.skipped.sort();
    }
}

/// The collection order: date (unknown last), then page (unknown last), then path.
pub fn order(a: &ArticleMeta, b: &ArticleMeta) -> std::cmp::Ordering {
    let key = |m: &ArticleMeta| (m.date.is_none(), m.date, m.page.is_none(), m.page);
    key(a).cmp(&key(b)).then_with(|| a.path.cmp(&b.path))
}

/// Lists the files under `paths` (the embedded seeds when `paths` is empty). Hidden files and
/// folders (`.git`) are not walked; symlinks are followed, loops reported. Non-regular files
/// (FIFOs, sockets, devices) are returned as skipped without being opened.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Outcome>) {
    if paths.is_empty() {
        return (seeds::paths(), Vec::new());
    }
    let mut files = Vec::new();
    let mut other = Vec::new();
    for root in paths {
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                Ok(e) if e.file_type().is_dir() => {}
                Ok(e) => other.push(Outcome::Skipped(e.into_path(), "not a regular file".into())),
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    let why = if err.loop_ancestor().is_some() {
                        "symbolic link loop; not followed".to_string()
                    } else {
                        match err.io_error() {
                            Some(e) => format!("cannot read: {e}"),
                            None => format!("cannot read: {err}"),
                        }
                    };
                    other.push(Outcome::Unreadable(path, why));
                }
            }
        }
    }
    (files, other)
}

/// Reads and parses one file.
pub fn load_file(path: &Path) -> (Outcome, u64) {
    match read_source(path) {
        Err(e) => (Outcome::Unreadable(path.to_path_buf(), format!("cannot read: {e}")), 0),
        Ok(bytes) => {
            let n = bytes.len() as u64;
            let outcome = match parse_bytes(path, &bytes) {
                Parsed::Article(a) => {
                    let a = *a;
                    Outcome::Article(Box::new(a.meta), a.diagnostics)
                }
                Parsed::NotArticle(why) => Outcome::Skipped(path.to_path_buf(), why.into()),
            };
            (outcome, n)
        }
    }
}

/// Loads `paths` in parallel, calling `sink` with each batch as it completes (from worker
/// threads). `cancel` is polled between batches.
pub fn load_stream(
    paths: &[PathBuf],
    batch: usize,
    sink: &(dyn Fn(LoadEvent) + Sync),
    cancel: &(dyn Fn() -> bool + Sync),
) {
    let (files, other) = discover(paths);
    if !other.is_empty() {
        sink(LoadEvent { outcomes: other, bytes: 0 });
    }
    files.par_chunks(batch.max(1)).for_each(|chunk| {
        if cancel() {
            return;
        }
        let mut ev = LoadEvent { outcomes: Vec::with_capacity(chunk.len()), bytes: 0 };
        for p in chunk {
            let (o, n) = load_file(p);
            ev.outcomes.push(o);
            ev.bytes += n;
        }
        sink(ev);
    });
}

/// Loads everything under `paths` (the embedded seeds when empty), sorted.
pub fn load_paths(paths: &[PathBuf]) -> Loaded {
    let loaded = std::sync::Mutex::new(Loaded::default());
    load_stream(paths, 256, &|ev| loaded.lock().unwrap_or_else(|e| e.into_inner()).absorb(ev), &|| false);
    let mut loaded = loaded.into_inner().unwrap_or_else(|e| e.into_inner());
    loaded.sort();
    loaded
}
