//! Loading a collection: each PATH is a file or a folder walked recursively (hidden entries
//! skipped, symlink loops detected). Files are recognised by content and parsed in parallel
//! while the folders are still being walked; results stream out in batches so a UI can show
//! them as they arrive.
//!
//! [`load_stream_indexed`] does the same through the persistent index of
//! [`super::index`]: unchanged files come from the index without being read, and only new or
//! changed files are parsed.

use super::catalog::{Catalog, Field};
use super::index::{self, Entry, Index, Stamp};
use super::model::{ArticleMeta, Diagnostic, Severity};
use super::parse::{not_article, parse_head, parse_head_of_article, Head, ParsedHead, HEAD_BYTES};
use super::seeds;
use crate::fsutil;
use crate::search::{SearchData, TitleBatch};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// Files larger than this are not read (the largest real article is ~30 KB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads an article's bytes: an embedded seed or a file. Never opens anything for writing,
/// and never reads what is not a regular file (a FIFO would block, `/dev/zero` never end):
/// the file is opened without blocking and its type and size taken from the open file
/// before anything is read.
pub fn read_source(path: &Path) -> io::Result<Cow<'static, [u8]>> {
    if let Some(bytes) = seeds::get(path) {
        return Ok(Cow::Borrowed(bytes));
    }
    Ok(Cow::Owned(fsutil::read_regular(path, MAX_FILE_BYTES)?))
}

/// Opens the files the walk found, for reading only. A file that the walk saw as regular but
/// was swapped for a FIFO or a terminal since is opened without blocking or becoming the
/// controlling terminal (`O_NONBLOCK | O_NOCTTY`), and refused after `fstat`.
///
/// On Unix each file is opened relative to its folder, which is opened once for a run of
/// files in it (`openat`): a full path costs the kernel one lookup per component, and at
/// 100,000 files those lookups were a tenth of the load's CPU time.
#[derive(Default)]
struct Opener {
    #[cfg(unix)]
    dir: Option<(PathBuf, rustix::fd::OwnedFd)>,
    /// The bytes of the last file read by [`read_found`]: one buffer for a run of files
    /// (not one allocation a file), given back when it grew large ([`KEEP_BUFFER`]).
    buf: Vec<u8>,
}

/// The largest read buffer an [`Opener`] keeps for the next file (articles are a few KiB;
/// a large file's room is given back, not held for the batch).
const KEEP_BUFFER: usize = 1 << 20;

impl Opener {
    /// The folder of `path` opened (kept while the next paths are in the same folder) and the
    /// file's name, or `None` when that folder cannot be opened.
    #[cfg(unix)]
    fn dir_of<'p>(&mut self, path: &'p Path) -> Option<(&rustix::fd::OwnedFd, &'p std::ffi::OsStr)> {
        use rustix::fs::{Mode, OFlags};
        use std::os::unix::ffi::OsStrExt;
        // split at the last `/` on the bytes: `Path::parent` and `file_name` parse components,
        // which showed at 100,000 files; a path the walk made has no trailing `/` or `.`
        let b = path.as_os_str().as_bytes();
        let (parent, name) = match b.iter().rposition(|&c| c == b'/') {
            Some(0) => (&b"/"[..], b.get(1..).unwrap_or_default()),
            Some(i) => (b.get(..i).unwrap_or_default(), b.get(i + 1..).unwrap_or_default()),
            None => (&b"."[..], b),
        };
        if name.is_empty() || name == b"." || name == b".." {
            return None;
        }
        let (parent, name) =
            (Path::new(std::ffi::OsStr::from_bytes(parent)), std::ffi::OsStr::from_bytes(name));
        if self.dir.as_ref().is_none_or(|(p, _)| p.as_os_str() != parent.as_os_str()) {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            self.dir =
                rustix::fs::open(parent, flags, Mode::empty()).ok().map(|fd| (parent.to_path_buf(), fd));
        }
        self.dir.as_ref().map(|(_, fd)| (fd, name))
    }

    /// The stamp of a regular file (symlinks followed), `None` for anything else or an error.
    fn stamp(&mut self, path: &Path) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some((dir, name)) = self.dir_of(path) {
            use rustix::fs::{AtFlags, FileType};
            let st = rustix::fs::statat(dir, name, AtFlags::empty()).ok()?;
            return (FileType::from_raw_mode(st.st_mode) == FileType::RegularFile).then(|| Stamp {
                size: st.st_size as u64,
                mtime_ns: i128::from(st.st_mtime) * 1_000_000_000 + i128::from(st.st_mtime_nsec),
                ctime_ns: i128::from(st.st_ctime) * 1_000_000_000 + i128::from(st.st_ctime_nsec),
                ino: st.st_ino,
            });
        }
        std::fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| Stamp::of(&m))
    }

    fn open(&mut self, path: &Path) -> io::Result<File> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
            if let Some((dir, name)) = self.dir_of(path) {
                return Ok(File::from(rustix::fs::openat(dir, name, flags, Mode::empty())?));
            }
            // no folder to open the file from (unreadable folder...): the full path, which
            // gives the error a user expects
            Ok(File::from(rustix::fs::open(path, flags, Mode::empty())?))
        }
        #[cfg(not(unix))]
        File::open(path)
    }
}

/// Reads a file the walk found as a regular file: one path lookup (open), then `fstat` on the
/// open file (a file swapped for a FIFO or a device since, or one over the size limit, is
/// refused before anything is read), then its first [`HEAD_BYTES`]: a file that is not an
/// article (the archive's 2-5 MB `rmrb-js/*.js` month files, a README) is judged from them and
/// the rest never read. The bytes go into the opener's buffer (`opener.buf`, reused from file
/// to file), which then holds the article's bytes (`None`); else why the file is not an
/// article and how many bytes were read. Returns that and the file's stamp as it was when
/// read.
fn read_found(opener: &mut Opener, path: &Path) -> io::Result<(Option<(&'static str, usize)>, Stamp)> {
    let f = opener.open(path)?;
    let buf = &mut opener.buf;
    if buf.capacity() > KEEP_BUFFER {
        *buf = Vec::new();
    }
    buf.clear();
    let judged = fsutil::read_opened_judged(f, MAX_FILE_BYTES, HEAD_BYTES, buf, |head| {
        not_article(path, head).is_none()
    })?;
    Ok(match judged {
        fsutil::Judged::Whole(meta) => (None, Stamp::of(&meta)),
        fsutil::Judged::Head(meta) => {
            let why = not_article(path, buf).unwrap_or("does not start with `Title:`");
            (Some((why, buf.len())), Stamp::of(&meta))
        }
    })
}

/// Reads `path` (an embedded seed or a file) if it sets out to be an article, judged from its
/// first bytes as the loader does (see [`read_found`]); `None` for a file that is not one,
/// whose rest is not read.
pub fn read_if_article(path: &Path) -> io::Result<Option<Cow<'static, [u8]>>> {
    if let Some(bytes) = seeds::get(path) {
        return Ok(Some(Cow::Borrowed(bytes)));
    }
    let mut opener = Opener::default();
    Ok(match read_found(&mut opener, path)?.0 {
        None => Some(Cow::Owned(opener.buf)),
        Some(_) => None,
    })
}

/// Why the walk skips what is not a regular file (a FIFO, a device, a socket): an
/// [`Outcome::Skipped`] every walk reports again (such a file has no entry in the index).
pub const NOT_REGULAR: &str = "not a regular file";

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
    /// Bytes read in this batch (for a batch from the index: the sizes of its files).
    pub bytes: u64,
    /// How many files there are in all, once the walk has finished (0 until then).
    pub total: usize,
    /// Files whose earlier outcome this batch takes back (from the check of a warm open, see
    /// [`load_stream_indexed`]): files gone, and changed files whose new outcome is in
    /// `outcomes`. A list drops what it holds of these paths, then adds the outcomes.
    pub removed: Vec<PathBuf>,
    /// What the `removed` files counted for, to be taken off the counts (boxed: most batches
    /// take nothing back, and a batch travels through channels).
    pub retracted: Box<LoadSummary>,
    /// Everything the index knows has been sent: the list is whole as far as it knows, the
    /// check of the files (sizes and times) follows in the background.
    pub listed: bool,
    /// The check is done (the last batch of a load through the index): what it found.
    pub checked: Option<Box<IndexReport>>,
    /// The listed batch of a warm open: the index's catalog, shared (every file it holds:
    /// articles in the collection order, then skipped files; paths under the PATHs as
    /// given). The batch's `outcomes` are then empty.
    pub catalog: Option<std::sync::Arc<Catalog>>,
    /// Of the `removed` files, the ids they have in the listed `catalog` (a list made from it
    /// drops these without looking for the paths).
    pub removed_ids: Vec<u32>,
    /// The titles of this batch's articles (title `k` is the `k`th article of `rows`), when
    /// the loader made them (a cold open through the index): titles alone
    /// ([`TitleBatch::push_plain`]), which a title search takes
    /// ([`crate::search::Title::Made`]) and computes the pinyin of once the list is whole.
    pub titles: Option<std::sync::Arc<TitleBatch>>,
    /// The rows of this batch (a cold open through the index): the records of its articles
    /// and skipped files, under the roots the load was given, which the index and the list
    /// append as they are (title `k` of `titles` is its `k`th article). Their files are not
    /// in `outcomes`, which holds only the files that could not be read.
    pub rows: Option<Box<Catalog>>,
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
    /// Files that are not articles, by reason (`JavaScript file`, `README`...).
    pub skipped_by: std::collections::BTreeMap<Cow<'static, str>, usize>,
    /// Bytes read.
    pub bytes: u64,
}

impl LoadSummary {
    /// Takes another summary's counts (files taken back) off these.
    pub fn sub(&mut self, other: &LoadSummary) {
        self.articles = self.articles.saturating_sub(other.articles);
        self.warnings = self.warnings.saturating_sub(other.warnings);
        self.errors = self.errors.saturating_sub(other.errors);
        self.skipped = self.skipped.saturating_sub(other.skipped);
        self.bytes = self.bytes.saturating_sub(other.bytes);
        for (why, n) in &other.skipped_by {
            if let Some(have) = self.skipped_by.get_mut(why) {
                *have = have.saturating_sub(*n);
                if *have == 0 {
                    self.skipped_by.remove(why);
                }
            }
        }
    }

    /// The counts of a listed catalog (its files' sizes as the bytes).
    pub fn of_catalog(cat: &Catalog) -> LoadSummary {
        let mut s = LoadSummary::default();
        for id in 0..cat.len() as u32 {
            s.count(&counted_of(cat, id));
            s.bytes += cat.rec(id).map_or(0, |r| r.size);
        }
        s
    }

    /// Counts one file of the index (see [`index::Entry::counted`]).
    fn count(&mut self, c: &index::Counted) {
        match c {
            index::Counted::Article { warnings, errors } => {
                self.articles += 1;
                self.warnings += *warnings as usize;
                self.errors += *errors as usize;
            }
            index::Counted::Skipped(why) => {
                self.skipped += 1;
                *self.skipped_by.entry(Cow::Owned(why.to_string())).or_default() += 1;
            }
        }
    }

    /// Adds another summary's counts (a batch's) to these.
    pub fn add(&mut self, other: &LoadSummary) {
        self.articles += other.articles;
        self.warnings += other.warnings;
        self.errors += other.errors;
        self.skipped += other.skipped;
        for (why, n) in &other.skipped_by {
            *self.skipped_by.entry(why.clone()).or_default() += n;
        }
        self.bytes += other.bytes;
    }

    /// What was skipped, in one line, by reason (most first), for the status bar and the
    /// commands' standard error: `skipped 301 files that are not articles: 300 JavaScript
    /// files, 1 README`. `None` when nothing was.
    pub fn skipped_line(&self) -> Option<String> {
        if self.skipped == 0 {
            return None;
        }
        let mut by: Vec<(&str, usize)> = self.skipped_by.iter().map(|(w, n)| (w.as_ref(), *n)).collect();
        by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let parts: Vec<String> = by
            .iter()
            .map(|&(why, n)| match why {
                super::parse::README => format!("{n} README{}", if n == 1 { "" } else { "s" }),
                NOT_REGULAR => format!("{n} not regular (FIFO, device, socket)"),
                "does not start with `Title:`" => format!("{n} without `Title:`"),
                w if w.ends_with(" file") => crate::text::count(n, w),
                w => format!("{n} ({w})"),
            })
            .collect();
        let what =
            if self.skipped == 1 { "file that is not an article" } else { "files that are not articles" };
        Some(format!("skipped {} {what}: {}", self.skipped, parts.join(", ")))
    }
}

impl std::fmt::Display for LoadSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::text::count;
        write!(
            f,
            "{}, {}, {}, {} skipped",
            count(self.articles, "article"),
            count(self.warnings, "warning"),
            count(self.errors, "error"),
            self.skipped
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
        if !event.removed.is_empty() {
            let gone: std::collections::HashSet<&Path> = event.removed.iter().map(PathBuf::as_path).collect();
            self.articles.retain(|m| !gone.contains(m.path.as_path()));
            self.diagnostics.retain(|(p, _)| !gone.contains(p.as_path()));
            self.skipped.retain(|(p, _)| !gone.contains(p.as_path()));
            self.summary.sub(&event.retracted);
        }
        if let Some(cat) = &event.catalog {
            self.absorb_catalog(cat);
        }
        if let Some(rows) = &event.rows {
            self.absorb_catalog(rows);
        }
        self.articles.reserve(event.outcomes.len());
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
                    *self.summary.skipped_by.entry(why.clone()).or_default() += 1;
                    self.skipped.push((p, why));
                }
                Outcome::Unreadable(p, why) => {
                    self.summary.errors += 1;
                    self.diagnostics.push((p, Diagnostic::error(0, why)));
                }
            }
        }
    }

    /// Adds every file of a catalog (a warm open's, or a batch's rows).
    fn absorb_catalog(&mut self, cat: &Catalog) {
        self.articles.reserve(cat.len());
        let mut listed = LoadSummary::of_catalog(cat);
        listed.bytes = 0; // the event's bytes
        self.summary.add(&listed);
        for id in 0..cat.len() as u32 {
            match cat.article(id) {
                Some(a) => {
                    for d in a.diagnostics() {
                        self.diagnostics.push((a.path(), d));
                    }
                    self.articles.push(a.to_meta());
                }
                None => {
                    let why = cat.str(id, Field::TitleEn).to_string();
                    self.skipped.push((cat.path(id), Cow::Owned(why)));
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

/// Walks `paths`, calling `file(root, path)` for each regular file (symlinks followed) and
/// `other` for what is not one or cannot be read. Hidden entries (`.git`) below a root are
/// not walked. `sorted`: each folder's entries in name order (else in the order the file
/// system gives them, which is faster).
fn walk(
    paths: &[PathBuf],
    sorted: bool,
    mut file: impl FnMut(usize, PathBuf),
    mut other: impl FnMut(Outcome),
) {
    let redundant = redundant_roots(paths);
    for ((k, root), _) in paths.iter().enumerate().zip(&redundant).filter(|(_, &r)| !r) {
        let mut walker = walk_builder(root);
        if sorted {
            walker.sort_by_file_name(|a, b| a.cmp(b));
        }
        for entry in walker.build() {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => file(k, e.into_path()),
                Ok(e) if e.file_type().is_some_and(|t| t.is_dir()) => {}
                Ok(e) => other(Outcome::Skipped(e.into_path(), NOT_REGULAR.into())),
                Err(err) => {
                    let (path, why) = walk_error(&err);
                    other(Outcome::Unreadable(path.unwrap_or(root).to_path_buf(), why));
                }
            }
        }
    }
}

/// The one folder walker's settings (the loader's walk and the full-text search's parallel
/// walk): symbolic links followed (loops detected and reported), hidden entries below a
/// root (`.git`) skipped, no ignore files (a collection is not a source tree).
pub fn walk_builder(root: &Path) -> ignore::WalkBuilder {
    let mut b = ignore::WalkBuilder::new(root);
    b.standard_filters(false).hidden(true).follow_links(true);
    b
}

/// The path a walk error is about (if it says) and what went wrong, for a diagnostic.
fn walk_error(err: &ignore::Error) -> (Option<&Path>, String) {
    match err {
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => walk_error(err),
        ignore::Error::WithPath { path, err } => (Some(path), walk_error(err).1),
        ignore::Error::Loop { child, .. } => (Some(child), "symbolic link loop; not followed".to_string()),
        ignore::Error::Partial(errs) => match errs.first() {
            Some(e) => walk_error(e),
            None => (None, format!("cannot read: {err}")),
        },
        ignore::Error::Io(e) => (None, format!("cannot read: {e}")),
        other => (None, format!("cannot read: {other}")),
    }
}

/// Which roots another root covers: the same folder given twice (however it is typed), or a
/// folder or file inside another folder given. Those are not walked, so each file is listed
/// once (under the first or the enclosing root, as typed).
fn redundant_roots(paths: &[PathBuf]) -> Vec<bool> {
    let canon: Vec<Option<PathBuf>> = paths.iter().map(|p| std::fs::canonicalize(p).ok()).collect();
    let dirs: Vec<bool> = canon.iter().map(|c| c.as_ref().is_some_and(|c| c.is_dir())).collect();
    canon
        .iter()
        .enumerate()
        .map(|(k, me)| {
            let Some(me) = me else { return false };
            canon.iter().zip(&dirs).enumerate().any(|(j, (other, &dir))| {
                j != k
                    && other
                        .as_ref()
                        .is_some_and(|o| (o == me && j < k) || (dir && o != me && me.starts_with(o)))
            })
        })
        .collect()
}

/// Lists the files under `paths` (the embedded seeds when `paths` is empty), in name order.
/// Hidden files and folders (`.git`) are not walked; symlinks are followed, loops reported.
/// Non-regular files (FIFOs, sockets, devices) are returned as skipped without being opened.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Outcome>) {
    if paths.is_empty() {
        return (seeds::paths(), Vec::new());
    }
    let mut files = Vec::new();
    let mut other = Vec::new();
    walk(paths, true, |_, p| files.push(p), |o| other.push(o));
    (files, other)
}

/// The outcome of an article's bytes, by [`parse_head`] (the list needs no paragraphs).
fn outcome_of(path: &Path, bytes: &[u8]) -> Outcome {
    match parse_head(path, bytes) {
        ParsedHead::Article(h) => {
            let Head { meta, diagnostics, .. } = *h;
            Outcome::Article(Box::new(meta), diagnostics)
        }
        ParsedHead::NotArticle(why) => Outcome::Skipped(path.to_path_buf(), why.into()),
    }
}

/// Reads and parses one file.
pub fn load_file(path: &Path) -> (Outcome, u64) {
    match read_source(path) {
        Err(e) => (Outcome::Unreadable(path.to_path_buf(), format!("cannot read: {e}")), 0),
        Ok(bytes) => {
            let n = bytes.len() as u64;
            (outcome_of(path, &bytes), n)
        }
    }
}

/// Reads and parses a file found by the walk (a file that is not an article is judged from
/// its first bytes, see [`read_found`]), into the opener's buffer and by [`parse_head`]: the
/// list needs no paragraphs.
fn load_found(opener: &mut Opener, path: &Path) -> (Outcome, u64) {
    match read_found(opener, path) {
        Err(e) => (Outcome::Unreadable(path.to_path_buf(), format!("cannot read: {e}")), 0),
        Ok((Some((why, n)), _)) => (Outcome::Skipped(path.to_path_buf(), why.into()), n as u64),
        Ok((None, _)) => {
            // judged an article from its head already: not judged again
            let Head { meta, diagnostics, .. } = *parse_head_of_article(path, &opener.buf);
            (Outcome::Article(Box::new(meta), diagnostics), opener.buf.len() as u64)
        }
    }
}

/// Loads `paths` in parallel, calling `sink` with each batch as it completes (from worker
/// threads). `cancel` is polled between batches. Files are parsed while the folders are
/// still being walked.
pub fn load_stream(
    paths: &[PathBuf],
    batch: usize,
    sink: &(dyn Fn(LoadEvent) + Sync),
    cancel: &(dyn Fn() -> bool + Sync),
) {
    let batch = batch.max(1);
    if paths.is_empty() {
        let files = seeds::paths();
        let total = files.len();
        files.par_chunks(batch).for_each(|chunk| {
            if !cancel() {
                let mut ev =
                    LoadEvent { outcomes: Vec::with_capacity(chunk.len()), total, ..LoadEvent::default() };
                for p in chunk {
                    let (o, n) = load_file(p);
                    ev.outcomes.push(o);
                    ev.bytes += n;
                }
                sink(ev);
            }
        });
        return;
    }
    let total = AtomicUsize::new(0);
    let run = |chunk: Vec<PathBuf>| {
        if cancel() {
            return;
        }
        let mut ev = LoadEvent { outcomes: Vec::with_capacity(chunk.len()), ..LoadEvent::default() };
        let mut opener = Opener::default();
        for p in &chunk {
            let (o, n) = load_found(&mut opener, p);
            ev.outcomes.push(o);
            ev.bytes += n;
        }
        ev.total = total.load(Ordering::Acquire);
        sink(ev);
    };
    rayon::in_place_scope(|s| {
        let (_, other, chunk) = walk_in_batches(s, paths, batch, |_, p| p, &run, &total);
        if !other.is_empty() {
            sink(LoadEvent { outcomes: other, total: total.load(Ordering::Acquire), ..LoadEvent::default() });
        }
        if !chunk.is_empty() {
            run(chunk);
        }
    });
}

/// Walks `paths` and hands the files found (made items by `item` from the root's index and
/// the path) to `run` on the scope `s` while the walk goes on, in batches: small ones first so
/// that the first results come at once, then `batch`. When the walk is done, stores in
/// `total` how many files and other outcomes it found; returns the number of files, the
/// other outcomes (not sent), and the last batch (not run: the caller runs it after sending
/// the others).
fn walk_in_batches<'s, T, F>(
    s: &rayon::Scope<'s>,
    paths: &[PathBuf],
    batch: usize,
    item: impl Fn(usize, PathBuf) -> T,
    run: &'s F,
    total: &AtomicUsize,
) -> (usize, Vec<Outcome>, Vec<T>)
where
    T: Send + 's,
    F: Fn(Vec<T>) + Sync,
{
    let mut size = batch.min(32);
    let mut chunk = Vec::with_capacity(size);
    let mut files = 0;
    let mut other = Vec::new();
    walk(
        paths,
        false,
        |root, p| {
            files += 1;
            chunk.push(item(root, p));
            if chunk.len() >= size {
                let c = std::mem::replace(&mut chunk, Vec::with_capacity(batch));
                size = (size * 2).min(batch);
                s.spawn(move |_| run(c));
            }
        },
        |o| other.push(o),
    );
    total.store(files + other.len(), Ordering::Release);
    (files, other, chunk)
}

/// Loads everything under `paths` (the embedded seeds when empty), sorted.
pub fn load_paths(paths: &[PathBuf]) -> Loaded {
    let loaded = std::sync::Mutex::new(Loaded::default());
    load_stream(paths, 256, &|ev| loaded.lock().unwrap_or_else(|e| e.into_inner()).absorb(ev), &|| false);
    let mut loaded = loaded.into_inner().unwrap_or_else(|e| e.into_inner());
    loaded.sort();
    loaded
}

// --- through the persistent index -------------------------------------------------------------

/// What [`load_stream_indexed`] did with the index.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IndexReport {
    /// The index file (`None` when no index is used: embedded seeds, no cache folder, or a
    /// PATH that cannot be resolved).
    pub file: Option<PathBuf>,
    /// Why the index file on disk was not used (missing, damaged, foreign...), if it was not.
    pub rebuilt: Option<String>,
    /// Files whose entry was used without reading them.
    pub reused: usize,
    /// Files read again because they changed (size or times) since they were indexed, or
    /// were modified too close to the index's making to be trusted ([`index::RACY_NS`]).
    pub reread: usize,
    /// Of the files read again, those that changed: modified (another size or modification
    /// time) or found to hold another outcome than their entry's (what the list shows, the
    /// diagnostics). A file read again only to be safe and found the same is not counted.
    pub changed: usize,
    /// Files not in the index, read.
    pub added: usize,
    /// Entries whose file is gone.
    pub removed: usize,
    /// What the list gains and loses, in articles (the counts above are files, a README
    /// or a skipped `.js` among them): articles whose file changed and is still an
    /// article ([`IndexReport::changed`]'s articles), articles new (a new file, or a file
    /// that was not an article and now is), articles gone (a file gone, or an article
    /// that is not one any more: unreadable, emptied). Counted by a check against an
    /// index; 0 when there was none (a cold load adds every file it reads).
    pub articles: ArticleChanges,
    /// When the load started (ns since the epoch, as [`index::now_ns`]): what changed after
    /// it may not be in what it sent (see [`changed_since`]).
    pub started_ns: i128,
}

/// Articles changed, new and gone by a check against an index (see
/// [`IndexReport::articles`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArticleChanges {
    /// Articles whose file changed, articles still.
    pub changed: usize,
    /// Articles the list gains.
    pub added: usize,
    /// Articles the list loses.
    pub removed: usize,
}

impl ArticleChanges {
    /// Whether the list gains, loses or changes an article.
    pub fn any(&self) -> bool {
        self.changed + self.added + self.removed > 0
    }

    /// The change of one file: an article before (`was`), an article now (`is`), changed
    /// (`differs`: otherwise read again only to be safe, the same as before).
    fn count(&mut self, was: bool, is: bool, differs: bool) {
        match (was, is) {
            (true, true) if differs => self.changed += 1,
            (true, false) => self.removed += 1,
            (false, true) => self.added += 1,
            _ => {}
        }
    }
}

/// The result of [`load_stream_indexed`]: what happened, and the new index to save (call
/// [`IndexedLoad::save`] once the collection is shown: writing it can wait).
#[derive(Debug, Default)]
pub struct IndexedLoad {
    /// What was done.
    pub report: IndexReport,
    pending: Option<Pending>,
}

/// A new index to write: the entries of the old index that still hold (shared with the
/// list) and the fresh ones (not yet in order: sorting waits until the list is shown).
#[derive(Debug)]
struct Pending {
    file: PathBuf,
    roots: Vec<PathBuf>,
    started: i128,
    old: Option<Old>,
    reuse: Vec<bool>,
    fresh: Index,
    /// A cold open's rows when the list keeps its articles' (`fresh` is empty then).
    cold: Option<ColdRows>,
}

impl Pending {
    /// The new index: the old entries that still hold, and the fresh ones, in order.
    ///
    /// Its title search data comes with it: a cold open's is made when it is written (not
    /// while the files were parsed: the list waited for it); a warm open's takes the
    /// unchanged records' from the old index (the pinyin copied, not computed again: at
    /// 430,000 titles that was a second of CPU beside the reader) and computes only the new
    /// and changed files'.
    ///
    /// With a cold open's index, per record the place of its title among the titles the load
    /// sent (`k` for the `k`th article record sent, [`NO_TITLE`] for a skipped file), else
    /// nothing.
    fn into_index(self) -> (Index, Vec<u32>) {
        let Pending { roots, started, old, reuse, mut fresh, .. } = self;
        let Some(old) = old else {
            fresh.started_ns = started;
            let mut k = 0u32;
            let mut at: Vec<u32> = (0..fresh.len() as u32)
                .map(|id| match fresh.catalog().article(id) {
                    Some(_) => {
                        k += 1;
                        k - 1
                    }
                    None => NO_TITLE,
                })
                .collect();
            let index = fresh.sorted_with(&mut at);
            return (index, at);
        };
        let mut index = Index::new(&roots, started);
        let mut search = SearchData::default();
        let old_search = old.cat.search_data().filter(|d| d.len() == old.len()).cloned();
        for (k, _) in reuse.iter().enumerate().filter(|(_, &r)| r) {
            let (stamp, parts) = (old.stamp(k), old.parts.get(k).copied().unwrap_or_default());
            let id = index.len();
            index.push_from(&old.cat, k as u32, stamp, parts);
            if index.len() > id {
                let made = old_search.as_deref().and_then(|d| d.made(&old.cat, k));
                search.push_record(index.catalog(), id as u32, made);
            }
        }
        drop(old_search);
        drop(old);
        for k in 0..fresh.len() {
            let (stamp, parts) = (
                fresh.stamps().get(k).copied().unwrap_or_default(),
                fresh.parts_of().get(k).copied().unwrap_or_default(),
            );
            let id = index.len();
            index.push_from(fresh.catalog(), k as u32, stamp, parts);
            if index.len() > id {
                search.push_record(index.catalog(), id as u32, None);
            }
        }
        if search.len() == index.len() {
            index.set_search_data(search);
        }
        (index.sorted(), Vec::new())
    }
}

/// What writes a cold open's title search data for [`IndexedLoad::save_with`].
pub type TitlesWriter<'a> =
    &'a dyn Fn(index::Records, Vec<u32>, &mut dyn FnMut(&[u8]) -> io::Result<()>) -> Option<io::Result<()>>;

/// [`IndexedLoad::save_with`]'s place of a record that has no title (a skipped file).
pub const NO_TITLE: u32 = u32::MAX;

impl IndexedLoad {
    /// Whether there is a new index to write.
    pub fn needs_save(&self) -> bool {
        self.pending.is_some()
    }

    /// Writes the new index (atomically) if anything changed; returns whether it wrote.
    /// Either way, records the index's use in the cache folder and removes index files
    /// unused for long (see [`index::record_use`]).
    pub fn save(&mut self) -> io::Result<bool> {
        self.save_with(&|_, _, _| None)
    }

    /// [`Self::save`], a cold open's title search data taken from `titles` instead of being
    /// made again (the pinyin of every title: the reader's title search has made it, see
    /// [`crate::search::WorkerTitles::write_search_data`]) and written as it comes, never
    /// held whole (at 430,000 titles ~42 MB on top of the cold open's peak). `titles` is
    /// given the new index's catalog, per record the place of its title among the titles
    /// the load sent, in the order the batches were sent (`k`: the `k`th article record;
    /// [`NO_TITLE`]: none), and where to write: it writes what [`SearchData::write_to`]
    /// writes of the catalog's [`SearchData::of_catalog`], or gives `None` having written
    /// nothing (made and written here then).
    pub fn save_with(&mut self, titles: TitlesWriter<'_>) -> io::Result<bool> {
        self.save_shared(None, titles)
    }

    /// [`Self::save_with`] after [`load_stream_indexed_shared`]: a cold open's articles'
    /// rows are `list`'s, the catalog the reader's list appended every batch's articles to,
    /// in the order sent (nothing else), which the index did not copy; the file written is
    /// the one the index that had appended them would write. Writes nothing (an error) when
    /// `list` is not given or does not hold the articles sent (another number of them, or
    /// one whose record or strings differ): the next open is cold again.
    pub fn save_shared(&mut self, list: Option<Arc<Catalog>>, titles: TitlesWriter<'_>) -> io::Result<bool> {
        let wrote = match self.pending.take() {
            Some(Pending { file, roots, started, cold: Some(cold), .. }) => {
                let ColdRows { stamps, parts, kinds, skipped, sums } = cold;
                let joined = list.and_then(|list| index::Joined::new(list, skipped, kinds, &sums));
                drop(sums);
                match joined {
                    Some(joined) => {
                        let index = Index::new(&roots, started);
                        let joined = Arc::new(joined);
                        let mut at = Some(joined.title_places());
                        let records = index::Records::Joined(Arc::clone(&joined));
                        index
                            .write_joined(&joined, &stamps, &parts, &file, &mut |out| {
                                let given = at.take().and_then(|at| titles(records.clone(), at, out));
                                // (nobody to give it: made here, as `of_catalog` makes it)
                                given.unwrap_or_else(|| {
                                    let mut d = SearchData::default();
                                    for id in 0..records.len() as u32 {
                                        if let Some(r) = records.get(id) {
                                            d.push_record_at(r, None);
                                        }
                                    }
                                    d.write_to(out)
                                })
                            })
                            .map(|()| true)
                    }
                    None => {
                        Err(io::Error::other("the list does not hold the articles loaded: index not written"))
                    }
                }
            }
            Some(p) => {
                let file = p.file.clone();
                let (mut index, at) = p.into_index();
                if at.is_empty() {
                    index.write(&file)
                } else {
                    let cat = Arc::new(index.take_catalog());
                    let mut at = Some(at);
                    index.write_streamed(&cat, &file, &mut |out| {
                        let given =
                            at.take().and_then(|at| titles(index::Records::One(Arc::clone(&cat)), at, out));
                        given.unwrap_or_else(|| SearchData::of_catalog(&cat).write_to(out))
                    })
                }
                .map(|()| true)
            }
            None => Ok(false),
        };
        if let Some(file) = self.report.file.as_deref().filter(|f| f.exists()) {
            // the cache's upkeep is best effort: a failure here loses nothing
            let _ = index::record_use(file);
        }
        wrote
    }
}

/// The relative path of a file under its root, as the index stores it. The walk makes every
/// path as `root.join(...)`, so on Unix this is a byte prefix (`Path::strip_prefix` compares
/// components, which shows at 100,000 files).
fn rel_of<'a>(root: &Path, path: &'a Path) -> &'a Path {
    #[cfg(unix)]
    {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let (r, p) = (root.as_os_str().as_bytes(), path.as_os_str().as_bytes());
        if let Some(rest) = p.strip_prefix(r) {
            if rest.is_empty() {
                return Path::new("");
            }
            if let Some(rel) = rest.strip_prefix(b"/") {
                return Path::new(OsStr::from_bytes(rel));
            }
            if r.ends_with(b"/") {
                return Path::new(OsStr::from_bytes(rest));
            }
        }
    }
    path.strip_prefix(root).unwrap_or(path)
}

/// A quick hasher for the file table (word at a time, seeded per process).
#[derive(Clone, Copy)]
struct QuickHash(u64);

impl std::hash::Hasher for QuickHash {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let (words, rest) = bytes.as_chunks::<8>();
        for &c in words {
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(c)).wrapping_mul(K);
        }
        let mut last = [0u8; 8];
        for (l, &b) in last.iter_mut().zip(rest) {
            *l = b;
        }
        self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(last) ^ bytes.len() as u64).wrapping_mul(K);
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

#[derive(Clone, Copy)]
struct QuickState(u64);

impl Default for QuickState {
    fn default() -> Self {
        use std::hash::{BuildHasher, Hasher};
        QuickState(std::collections::hash_map::RandomState::new().build_hasher().finish())
    }
}

impl std::hash::BuildHasher for QuickState {
    type Hasher = QuickHash;
    fn build_hasher(&self) -> QuickHash {
        QuickHash(self.0)
    }
}

/// Loads `paths` like [`load_stream`], through the index kept in `cache_dir` (see
/// [`super::index`]).
///
/// **Warm** (a valid index for these roots): everything the index holds is sent at once, in
/// the collection order, in one batch marked [`LoadEvent::listed`], without touching a file;
/// then the files are checked in the background: the folders are walked and every file's
/// size, times and inode compared with its entry. Changed files are parsed again and sent
/// with their paths in [`LoadEvent::removed`] (the list replaces them in place), files gone
/// are sent as removed, new files are parsed and sent; a last batch carries the report
/// ([`LoadEvent::checked`]). **Cold** (no index, or one that is damaged, foreign or made by
/// another parser): every file is read and parsed, and the index rebuilt. The embedded seeds
/// (no PATH) and `cache_dir: None` load without an index.
pub fn load_stream_indexed(
    paths: &[PathBuf],
    batch: usize,
    cache_dir: Option<&Path>,
    sink: &(dyn Fn(LoadEvent) + Sync),
    cancel: &(dyn Fn() -> bool + Sync),
) -> IndexedLoad {
    load_indexed(paths, batch, cache_dir, sink, cancel, false)
}

/// [`load_stream_indexed`] for a caller that keeps every article of a cold open's batches
/// ([`LoadEvent::rows`]) in one catalog, in the order sent, nothing else (the reader's
/// list): the new index does not keep a copy of them (at 100,000 files ~25 MB of a cold
/// open's peak) and is written from that catalog ([`IndexedLoad::save_shared`]).
pub fn load_stream_indexed_shared(
    paths: &[PathBuf],
    batch: usize,
    cache_dir: Option<&Path>,
    sink: &(dyn Fn(LoadEvent) + Sync),
    cancel: &(dyn Fn() -> bool + Sync),
) -> IndexedLoad {
    load_indexed(paths, batch, cache_dir, sink, cancel, true)
}

fn load_indexed(
    paths: &[PathBuf],
    batch: usize,
    cache_dir: Option<&Path>,
    sink: &(dyn Fn(LoadEvent) + Sync),
    cancel: &(dyn Fn() -> bool + Sync),
    shared: bool,
) -> IndexedLoad {
    let (Some(cache_dir), false) = (cache_dir, paths.is_empty()) else {
        load_stream(paths, batch, sink, cancel);
        return IndexedLoad::default();
    };
    let Some(roots) = index::canonical_roots(paths) else {
        load_stream(paths, batch, sink, cancel);
        return IndexedLoad::default();
    };
    let batch = batch.max(1);
    let started = index::now_ns();
    let file = index::index_file(cache_dir, &roots);
    let mut report = IndexReport { file: Some(file.clone()), started_ns: started, ..IndexReport::default() };
    let keys = EntryKeys(QuickState::default());

    // phase 1: the index, its catalog sent at once (or, without one, every file parsed)
    let (known, old_started) = match Index::open(&file, &roots) {
        Ok((mut old, rest)) => {
            let mut cat = old.take_catalog();
            cat.set_roots(paths.to_vec());
            let cat = std::sync::Arc::new(cat);
            send_listed(&cat, sink);
            let started_ns = old.started_ns;
            // decoded once the list is sent; the rest of the old index is dropped here
            drop(old);
            let (stamps, parts) = rest.stamps_and_parts();
            (Old { cat, stamps, parts }, started_ns)
        }
        Err(e) => {
            report.rebuilt = Some(e.to_string());
            let (fresh, files, cold) = parse_while_walking(paths, &roots, batch, sink, cancel, shared);
            report.added = files;
            if cancel() {
                return IndexedLoad { report, pending: None };
            }
            let pending = Pending { file, roots, started, old: None, reuse: Vec::new(), fresh, cold };
            return IndexedLoad { report, pending: Some(pending) };
        }
    };
    if cancel() {
        return IndexedLoad { report, pending: None };
    }
    // phase 2: the walk, each file's size and times
    let (found, other) = walk_and_stat(paths);
    let total = found.len() + other.len();
    if !other.is_empty() {
        sink(LoadEvent { outcomes: other, total, ..LoadEvent::default() });
    }
    // phase 3: each file matched to its entry; files gone taken back
    let fresh_since = old_started - index::RACY_NS;
    let plan = match_found_to_entries(paths, &found, &known, &keys, fresh_since, &mut report);
    report.articles.removed = send_removed(paths, &known, &plan.seen, total, sink);
    // phase 4: new and changed files parsed, each changed one replacing its old outcome
    let (fresh, changed, articles) =
        parse_new_and_changed(paths, &found, &plan.to_read, &known, batch, total, sink, cancel);
    report.changed = changed;
    report.articles.changed = articles.changed;
    report.articles.added = articles.added;
    report.articles.removed += articles.removed;
    let changed = report.reread + report.added + report.removed > 0;
    sink(LoadEvent { total, checked: Some(Box::new(report.clone())), ..LoadEvent::default() });
    if cancel() || !changed {
        return IndexedLoad { report, pending: None };
    }
    let mut fresh_ix = Index::new(&roots, started);
    for e in &fresh {
        fresh_ix.push_entry(e);
    }
    let pending =
        Pending { file, roots, started, old: Some(known), reuse: plan.reuse, fresh: fresh_ix, cold: None };
    IndexedLoad { report, pending: Some(pending) }
}

/// The old index as the check needs it once its catalog has gone to the list (shared):
/// each entry's root, path, stamp and what it counted for.
#[derive(Debug)]
struct Old {
    cat: std::sync::Arc<Catalog>,
    stamps: Vec<Stamp>,
    parts: Vec<index::Parts>,
}

impl Old {
    fn len(&self) -> usize {
        self.cat.len()
    }
    fn root(&self, k: usize) -> u32 {
        self.cat.rec(k as u32).map_or(u32::MAX, |r| r.root())
    }
    fn rel(&self, k: usize) -> &[u8] {
        self.cat.bytes(k as u32, Field::Rel)
    }
    fn stamp(&self, k: usize) -> Stamp {
        self.stamps.get(k).copied().unwrap_or_default()
    }
    /// Whether entry `k` is an article (not a skipped file's).
    fn is_article(&self, k: usize) -> bool {
        self.cat.rec(k as u32).is_some_and(|r| !r.is_skipped())
    }
}

/// What record `id` of a catalog counts for in a load's summary.
fn counted_of(cat: &Catalog, id: u32) -> index::Counted {
    match cat.rec(id) {
        Some(r) if r.is_skipped() => index::Counted::Skipped(cat.str(id, Field::TitleEn).into()),
        Some(r) => {
            let (warnings, errors) = r.counts();
            index::Counted::Article { warnings, errors }
        }
        None => index::Counted::Article { warnings: 0, errors: 0 },
    }
}

/// The key of a file in the index's table: a hash of its root and its relative path.
struct EntryKeys(QuickState);

impl EntryKeys {
    fn key(&self, root: u32, rel: &[u8]) -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = self.0.build_hasher();
        h.write_u32(root);
        h.write(rel);
        h.finish()
    }
}

/// Phase 1: the index's catalog sent at once, shared, in one batch marked `listed`: the
/// list shows it without copying it.
fn send_listed(cat: &std::sync::Arc<Catalog>, sink: &(dyn Fn(LoadEvent) + Sync)) {
    let bytes = cat.recs().iter().map(|r| r.size).sum();
    let total = cat.len();
    sink(LoadEvent {
        bytes,
        total,
        listed: true,
        catalog: Some(std::sync::Arc::clone(cat)),
        ..LoadEvent::default()
    });
}

/// What to do with each file found and each entry of the old index.
struct Plan {
    /// Per old entry: its file is unchanged, the entry is used as it is.
    reuse: Vec<bool>,
    /// Per old entry: its file was found (changed or not).
    seen: Vec<bool>,
    /// The files found to read and parse (new or changed): index into the files found, and
    /// the old entry of a changed one.
    to_read: Vec<(usize, Option<usize>)>,
}

/// Phase 3: matches each file found to its entry, if it has one, and decides from its size
/// and times whether the entry still holds (`fresh_since`: entries of files modified after it
/// are not trusted, see [`index::RACY_NS`]); counts reused, reread, added and removed files.
fn match_found_to_entries(
    paths: &[PathBuf],
    found: &[Found],
    known: &Old,
    keys: &EntryKeys,
    fresh_since: i128,
    report: &mut IndexReport,
) -> Plan {
    // a hash shared by two entries maps to neither: both files are read again
    let mut map: HashMap<u64, u32, IdState> =
        HashMap::with_capacity_and_hasher(known.len(), IdState::default());
    for k in 0..known.len() {
        map.entry(keys.key(known.root(k), known.rel(k))).and_modify(|v| *v = u32::MAX).or_insert(k as u32);
    }
    let matched: Vec<Option<usize>> = found
        .par_iter()
        .map(|f| {
            let rel = index::path_key(rel_of(paths.get(f.root)?, &f.path));
            let k = *map.get(&keys.key(f.root as u32, &rel))? as usize;
            (k < known.len() && known.root(k) as usize == f.root && known.rel(k) == &*rel).then_some(k)
        })
        .collect();
    drop(map);
    let mut reuse = vec![false; known.len()];
    let mut seen = vec![false; known.len()];
    let mut to_read: Vec<(usize, Option<usize>)> = Vec::new();
    for ((i, m), f) in matched.into_iter().enumerate().zip(found) {
        // `k` came from `known.get(k)` above, and the three vectors have its length
        match m.and_then(|k| Some((k, known.stamp(k), seen.get_mut(k)?, reuse.get_mut(k)?))) {
            Some((k, stamp, seen, reuse)) if !*seen => {
                *seen = true;
                match f.stamp {
                    Some(now) if stamp == now && now.mtime_ns < fresh_since => *reuse = true,
                    _ => {
                        report.reread += 1;
                        to_read.push((i, Some(k)));
                    }
                }
            }
            _ => {
                report.added += 1;
                to_read.push((i, None));
            }
        }
    }
    report.removed = seen.iter().filter(|&&s| !s).count();
    report.reused = reuse.iter().filter(|&&r| r).count();
    Plan { reuse, seen, to_read }
}

/// Phase 3, for the list: the files of entries not found any more, taken back in one batch;
/// returns how many of them were articles.
fn send_removed(
    paths: &[PathBuf],
    known: &Old,
    seen: &[bool],
    total: usize,
    sink: &(dyn Fn(LoadEvent) + Sync),
) -> usize {
    let mut ev = LoadEvent { total, ..LoadEvent::default() };
    let mut articles = 0;
    for (k, _) in seen.iter().enumerate().filter(|(_, s)| !**s) {
        let Some(root) = paths.get(known.root(k) as usize) else { continue };
        articles += usize::from(known.is_article(k));
        ev.removed.push(join_rel(root, known.rel(k)));
        ev.removed_ids.push(k as u32);
        ev.retracted.count(&counted_of(&known.cat, k as u32));
        ev.retracted.bytes += known.stamp(k).size;
    }
    if !ev.removed.is_empty() {
        sink(ev);
    }
    articles
}

/// `root`/`rel` as the walk makes it (and [`Entry::path_under`]).
fn join_rel(root: &Path, rel: &[u8]) -> PathBuf {
    if rel.is_empty() {
        return root.to_path_buf();
    }
    root.join(index::bytes_path(rel))
}

/// Phase 4: reads and parses the new and changed files in parallel, sending each batch as
/// it is done (a changed file's path in the batch's `removed`, with what its old entry
/// counted for, so that the list replaces it in place); returns their entries for the new
/// index, how many of the files read again changed (see [`IndexReport::changed`]) and what
/// the list gains and loses in articles ([`IndexReport::articles`]).
#[allow(clippy::too_many_arguments)]
fn parse_new_and_changed(
    paths: &[PathBuf],
    found: &[Found],
    to_read: &[(usize, Option<usize>)],
    known: &Old,
    batch: usize,
    total: usize,
    sink: &(dyn Fn(LoadEvent) + Sync),
    cancel: &(dyn Fn() -> bool + Sync),
) -> (Vec<Entry>, usize, ArticleChanges) {
    let changed = AtomicUsize::new(0);
    let articles = std::sync::Mutex::new(ArticleChanges::default());
    let fresh: Vec<Vec<Entry>> = to_read
        .par_chunks(batch)
        .map(|chunk| {
            let mut entries = Vec::with_capacity(chunk.len());
            if cancel() {
                return entries;
            }
            let mut ev =
                LoadEvent { outcomes: Vec::with_capacity(chunk.len()), total, ..LoadEvent::default() };
            let mut opener = Opener::default();
            let mut counts = ArticleChanges::default();
            for &(i, old) in chunk {
                let Some(f) = found.get(i) else { continue };
                let Some(root_path) = paths.get(f.root) else { continue };
                let old = old.filter(|&k| k < known.len());
                if let Some(k) = old {
                    ev.removed.push(f.path.clone());
                    ev.removed_ids.push(k as u32);
                    ev.retracted.count(&counted_of(&known.cat, k as u32));
                    ev.retracted.bytes += known.stamp(k).size;
                }
                let before = ev.outcomes.len();
                let entry = read_to_entry(&mut opener, f.root, root_path, &f.path, &mut ev);
                let is =
                    ev.outcomes.len() > before && matches!(ev.outcomes.last(), Some(Outcome::Article(..)));
                let differs = old.is_none_or(|k| !same_as_before(known, k, entry.as_ref()));
                if old.is_some() && differs {
                    changed.fetch_add(1, Ordering::Relaxed);
                }
                counts.count(old.is_some_and(|k| known.is_article(k)), is, differs);
                entries.extend(entry);
            }
            sink(ev);
            if let Ok(mut a) = articles.lock() {
                a.changed += counts.changed;
                a.added += counts.added;
                a.removed += counts.removed;
            }
            entries
        })
        .collect();
    let articles = articles.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    (fresh.into_iter().flatten().collect(), changed.into_inner(), articles)
}

/// Whether a file read again (`new`: its entry now, `None` if it could not be read) is the
/// same as its old entry `k`: not modified (the same size and modification time: a file
/// read again only because it was modified just before the index was made, or whose change
/// time or inode alone changed) and holding the same outcome.
fn same_as_before(known: &Old, k: usize, new: Option<&Entry>) -> bool {
    let Some(new) = new else { return false };
    let was = known.stamp(k);
    if new.stamp.size != was.size || new.stamp.mtime_ns != was.mtime_ns {
        return false;
    }
    let parts = known.parts.get(k).copied().unwrap_or_default();
    index::entry_of(&known.cat, k as u32, was, parts).is_some_and(|old| new.same_content(&old))
}

/// Reads and parses one file for the index: its outcome goes into `ev`, its new entry is
/// returned (none for a file that cannot be read: it is read again next time).
fn read_to_entry(
    opener: &mut Opener,
    root: usize,
    root_path: &Path,
    path: &Path,
    ev: &mut LoadEvent,
) -> Option<Entry> {
    let rel = rel_of(root_path, path);
    let (stamp, parts) = read_for_index(opener, path, ev)?;
    // (the outcome `read_for_index` has just pushed)
    match ev.outcomes.last()? {
        Outcome::Article(meta, diags) => Some(Entry::from_meta(root as u32, rel, stamp, meta, diags, parts)),
        Outcome::Skipped(_, why) => Some(Entry::skipped(root as u32, rel, stamp, why)),
        _ => None,
    }
}

/// The string bytes a cold batch makes room for per file in its rows (the archive's
/// articles take ~200: titles, authors, section, relative path).
const ROW_BYTES: usize = 256;
/// The same for its titles (English and Chinese: ~90 in the archive).
const TITLE_BYTES: usize = 128;

/// Cold (no index to use): the files are read and parsed while the folders are walked, as
/// [`load_stream`] does, each batch sent as soon as it is done (small ones first, so that
/// the first screen comes at once); returns their entries for the new index and how many
/// files there were.
///
/// The titles' search data (the pinyin of every title, ~10 % of the instructions of the
/// load) is not made here, where every core is reading and parsing until the list is
/// whole: each batch's titles go to the list as a [`TitleBatch`] of titles alone, whose
/// pinyin the reader's title search computes once the load is done (see
/// [`crate::search::SearchWorker::push_titles`]), and the index's is made when it is
/// written, after the list is shown.
///
/// With `shared` (the caller keeps every article row sent, in the order sent: the reader's
/// list), the index does not append the articles' rows too: it keeps what the list has not
/// (each row's stamp and parts, the skipped files' rows, which row is which), and is written
/// from both ([`IndexedLoad::save_shared`]).
fn parse_while_walking(
    paths: &[PathBuf],
    roots: &[PathBuf],
    batch: usize,
    sink: &(dyn Fn(LoadEvent) + Sync),
    cancel: &(dyn Fn() -> bool + Sync),
    shared: bool,
) -> (Index, usize, Option<ColdRows>) {
    let entries = std::sync::Mutex::new(Index::new(roots, 0));
    let cold = std::sync::Mutex::new(shared.then(|| ColdRows::new(roots)));
    let total = AtomicUsize::new(0);
    let run = |chunk: Vec<(usize, PathBuf)>| {
        if cancel() {
            return;
        }
        let mut ev = LoadEvent::default();
        // the batch's rows (each file read: an article's record or a skipped file's, under
        // its root, in the order read), each row's stamp, parts and title; the index and the
        // list append the rows as they are
        let mut rows = Catalog::new(paths.to_vec());
        // (room for the batch at once: an article's strings take ~200 bytes of the archive's)
        rows.reserve(chunk.len(), chunk.len() * ROW_BYTES);
        let (mut stamps, mut parts) = (Vec::with_capacity(chunk.len()), Vec::with_capacity(chunk.len()));
        let mut titles = TitleBatch::plain_with_capacity(chunk.len(), chunk.len() * TITLE_BYTES);
        let mut opener = Opener::default();
        for (root, path) in &chunk {
            let Some(root_path) = paths.get(*root) else { continue };
            let Some((stamp, part, parsed)) = read_parsed(&mut opener, path, &mut ev) else { continue };
            let rel = index::path_key(rel_of(root_path, path));
            match parsed {
                Parsed::Article(h) => {
                    let m = &h.meta;
                    rows.push_article(*root as u32, &rel, m, &h.diagnostics);
                    // (the Chinese title as `title_zh_full` gives it, made only with a subtitle)
                    if m.subtitle_zh.is_empty() {
                        titles.push_plain(&m.title_en, &m.title_zh);
                    } else {
                        titles.push_plain(&m.title_en, &m.title_zh_full());
                    }
                }
                Parsed::Skipped(why) => {
                    rows.push_skipped(*root as u32, &rel, stamp.size, why);
                }
            }
            stamps.push(stamp);
            parts.push(part);
        }
        // (held by the search until the load is done: no room left over)
        titles.shrink_to_fit();
        // the index's rows in the order the batches are sent (what the list and the search
        // append): the index's writer finds each record's title by that order (see
        // `IndexedLoad::save_with`)
        // (the articles' sums for the index that keeps no copy of them, made before the lock)
        let sums: Vec<u64> = if shared {
            (0..rows.len() as u32)
                .filter(|&id| rows.article(id).is_some())
                .map(|id| index::record_sum(&rows, id))
                .collect()
        } else {
            Vec::new()
        };
        let mut ix = entries.lock().unwrap_or_else(|e| e.into_inner());
        let mut kept = cold.lock().unwrap_or_else(|e| e.into_inner());
        match kept.as_mut() {
            Some(kept) => kept.append(&rows, &stamps, &parts, &sums),
            None => {
                ix.append_rows(&rows, &stamps, &parts);
            }
        }
        ev.rows = Some(Box::new(rows));
        ev.titles = Some(std::sync::Arc::new(titles));
        ev.total = total.load(Ordering::Acquire);
        sink(ev);
        drop(kept);
        drop(ix);
    };
    let mut files = 0;
    rayon::in_place_scope(|s| {
        let (n, other, chunk) = walk_in_batches(s, paths, batch, |root, p| (root, p), &run, &total);
        files = n;
        // the walk is done long before the parsing (at 430,000 files, in a second of ten):
        // room for the rest at the bytes per file seen so far, and a quarter more, so that
        // the index's vectors are not doubled (old and new block at once) while the list's
        // and the search's grow too
        {
            let mut ix = entries.lock().unwrap_or_else(|e| e.into_inner());
            let mut kept = cold.lock().unwrap_or_else(|e| e.into_inner());
            match kept.as_mut() {
                Some(kept) => kept.reserve(n.saturating_sub(kept.kinds.len())),
                None => {
                    let (done, left) = (ix.len().max(1), n.saturating_sub(ix.len()));
                    let per = |b: usize| (b / done).saturating_mul(left).saturating_add(b / done * left / 4);
                    let arena = ix.catalog().arena().len();
                    ix.reserve(left, per(arena));
                }
            }
        }
        if !other.is_empty() {
            sink(LoadEvent { outcomes: other, total: files, ..LoadEvent::default() });
        }
        if !chunk.is_empty() {
            run(chunk);
        }
    });
    let ix = entries.into_inner().unwrap_or_else(|e| e.into_inner());
    let kept = cold.into_inner().unwrap_or_else(|e| e.into_inner());
    (ix, files, kept)
}

/// A cold open's rows as the index keeps them when the list keeps the articles' (see
/// [`parse_while_walking`]): per row as sent, its stamp, its parts and which row it is
/// (article `k` of those sent, or [`index::SKIPPED`] | skipped row `k`); the skipped files'
/// rows; per article sent, its [`index::record_sum`] (to check the list's).
#[derive(Debug)]
struct ColdRows {
    stamps: Vec<Stamp>,
    parts: Vec<index::Parts>,
    kinds: Vec<u32>,
    skipped: Catalog,
    sums: Vec<u64>,
}

impl ColdRows {
    fn new(roots: &[PathBuf]) -> ColdRows {
        ColdRows {
            stamps: Vec::new(),
            parts: Vec::new(),
            kinds: Vec::new(),
            skipped: Catalog::new(roots.to_vec()),
            sums: Vec::new(),
        }
    }

    fn reserve(&mut self, files: usize) {
        self.stamps.reserve(files);
        self.parts.reserve(files);
        self.kinds.reserve(files);
        self.sums.reserve(files);
    }

    /// A batch's rows, row `k` with `stamps[k]` and `parts[k]` (as [`Index::append_rows`]),
    /// its `j`th article's [`index::record_sum`] `sums[j]`.
    fn append(&mut self, rows: &Catalog, stamps: &[Stamp], parts: &[index::Parts], sums: &[u64]) {
        let mut sums = sums.iter();
        for id in 0..rows.len() as u32 {
            let Some(rec) = rows.rec(id) else { continue };
            let kind = if rec.is_skipped() {
                match self.skipped.push_copy(rows, id) {
                    Some(k) => index::SKIPPED | k,
                    None => continue,
                }
            } else {
                self.sums.push(sums.next().copied().unwrap_or_default());
                self.sums.len() as u32 - 1
            };
            self.kinds.push(kind);
            self.stamps.push(stamps.get(id as usize).copied().unwrap_or_default());
            self.parts.push(parts.get(id as usize).copied().unwrap_or_default());
        }
    }
}

/// What [`read_parsed`] found in a file it could read.
enum Parsed {
    /// An article: its metadata and diagnostics.
    Article(Box<Head>),
    /// Not an article, and why.
    Skipped(&'static str),
}

/// Reads and parses one file for a new index (the bytes read counted in `ev`, a file that
/// cannot be read made an [`Outcome::Unreadable`] of `ev`, which has no record: it is read
/// again next time); returns its stamp, its parts (default for a file that is not an
/// article) and what it is.
fn read_parsed(
    opener: &mut Opener,
    path: &Path,
    ev: &mut LoadEvent,
) -> Option<(Stamp, index::Parts, Parsed)> {
    match read_found(opener, path) {
        Err(e) => {
            ev.outcomes.push(Outcome::Unreadable(path.to_path_buf(), format!("cannot read: {e}")));
            None
        }
        Ok((Some((why, n)), stamp)) => {
            ev.bytes += n as u64;
            Some((stamp, index::Parts::default(), Parsed::Skipped(why)))
        }
        Ok((None, stamp)) => {
            let bytes = &opener.buf;
            ev.bytes += bytes.len() as u64;
            // the head only (no paragraphs, the bytes borrowed), of bytes `read_found` has
            // judged an article from their head (`not_article`, which `parse_head` would run
            // again on the same first bytes); the parts need the text as parsed, which is the
            // bytes but when they are not UTF-8
            let h = parse_head_of_article(path, bytes);
            let parts = if h.replaced {
                index::Parts::of_head(String::from_utf8_lossy(bytes).as_bytes(), &h)
            } else {
                index::Parts::of_head(bytes, &h)
            };
            Some((stamp, parts, Parsed::Article(h)))
        }
    }
}

/// Reads and parses one file for a new index: its outcome goes into `ev`; returns its stamp
/// and parts (default for a file that is not an article), `None` for a file that cannot be
/// read (no record: it is read again next time).
fn read_for_index(opener: &mut Opener, path: &Path, ev: &mut LoadEvent) -> Option<(Stamp, index::Parts)> {
    let (stamp, parts, parsed) = read_parsed(opener, path, ev)?;
    ev.outcomes.push(match parsed {
        Parsed::Article(h) => {
            let Head { meta, diagnostics, .. } = *h;
            Outcome::Article(Box::new(meta), diagnostics)
        }
        Parsed::Skipped(why) => Outcome::Skipped(path.to_path_buf(), why.into()),
    });
    Some((stamp, parts))
}

/// A file found by [`walk_and_stat`].
struct Found {
    root: usize,
    path: PathBuf,
    /// Size and time, `None` if `stat` failed (the file is then read, and reported).
    stamp: Option<Stamp>,
}

/// Walks `paths` and takes the stamp of every file found, in parallel with the walk.
fn walk_and_stat(paths: &[PathBuf]) -> (Vec<Found>, Vec<Outcome>) {
    const CHUNK: usize = 256;
    let found = std::sync::Mutex::new(Vec::new());
    let mut other = Vec::new();
    let stat = |chunk: Vec<(usize, PathBuf)>| {
        let mut opener = Opener::default();
        let v: Vec<Found> = chunk
            .into_iter()
            .map(|(root, path)| {
                let stamp = opener.stamp(&path);
                Found { root, path, stamp }
            })
            .collect();
        found.lock().unwrap_or_else(|e| e.into_inner()).extend(v);
    };
    rayon::in_place_scope(|s| {
        let mut chunk = Vec::with_capacity(CHUNK);
        walk(
            paths,
            false,
            |root, p| {
                chunk.push((root, p));
                if chunk.len() >= CHUNK {
                    let c = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    let stat = &stat;
                    s.spawn(move |_| stat(c));
                }
            },
            |o| other.push(o),
        );
        stat(chunk);
    });
    (found.into_inner().unwrap_or_else(|e| e.into_inner()), other)
}

/// Whether the files under `paths` may differ from what a load that started at `started_ns`
/// (its [`IndexReport::started_ns`]) and found `files` regular files read: a file or folder
/// changed since (its modification or status change time after `started_ns` less
/// [`index::RACY_NS`]: a file written, made, renamed or moved in, its mode or times set, a
/// folder whose entries changed or that was moved), one that cannot be stated, or another
/// number of files (one gone). The status change time is the kernel's: setting a file's
/// times back sets it to now. Walks the folders with the load's walker and states every file
/// and folder, keeping nothing (a check of every file against the index, which holds every
/// record and stamp, is done only when this says yes): the reader's check after a cold open,
/// whose files were read before they were watched.
pub fn changed_since(paths: &[PathBuf], started_ns: i128, files: usize) -> bool {
    const CHUNK: usize = 256;
    let since = started_ns - index::RACY_NS;
    let changed = AtomicBool::new(false);
    let recent = |s: Option<Stamp>| s.is_none_or(|s| s.mtime_ns >= since || s.ctime_ns >= since);
    let stat = |chunk: Vec<PathBuf>| {
        if changed.load(Ordering::Relaxed) {
            return;
        }
        let mut opener = Opener::default();
        if chunk.iter().any(|p| recent(opener.stamp(p))) {
            changed.store(true, Ordering::Relaxed);
        }
    };
    let mut found = 0usize;
    let mut dirs_recent = false;
    let redundant = redundant_roots(paths);
    rayon::in_place_scope(|s| {
        let mut chunk = Vec::with_capacity(CHUNK);
        for (root, _) in paths.iter().zip(&redundant).filter(|(_, &r)| !r) {
            for entry in walk_builder(root).build() {
                if changed.load(Ordering::Relaxed) || dirs_recent {
                    return;
                }
                match entry {
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                        found += 1;
                        chunk.push(e.into_path());
                        if chunk.len() >= CHUNK {
                            let c = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                            let stat = &stat;
                            s.spawn(move |_| stat(c));
                        }
                    }
                    Ok(e) if e.file_type().is_some_and(|t| t.is_dir()) => {
                        dirs_recent |= recent(std::fs::metadata(e.path()).ok().map(|m| Stamp::of(&m)));
                    }
                    // not a regular file, or an entry the walk cannot read (a loop, a folder
                    // without permission): not counted by the load either, which said so
                    Ok(_) | Err(_) => {}
                }
            }
        }
        stat(chunk);
    });
    dirs_recent || changed.into_inner() || found != files
}

/// A hasher for keys that are hashes already.
#[derive(Default, Clone, Copy)]
struct IdHash(u64);

impl std::hash::Hasher for IdHash {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type IdState = std::hash::BuildHasherDefault<IdHash>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opener_reads_files_of_several_folders_in_any_order() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let files = [a.join("1.md"), b.join("2.md"), b.join("3.md"), a.join("4.md"), dir.path().join("5.md")];
        for (k, f) in files.iter().enumerate() {
            std::fs::write(f, format!("file {k}")).unwrap();
        }
        let mut opener = Opener::default();
        let bytes_of = |opener: &mut Opener, f: &Path| match read_found(opener, f) {
            Ok((None, _)) => Ok(opener.buf.clone()),
            Ok((Some((why, _)), _)) => Ok(why.as_bytes().to_vec()),
            Err(e) => Err(e),
        };
        for (k, f) in files.iter().enumerate() {
            assert_eq!(bytes_of(&mut opener, f).unwrap(), b"does not start with `Title:`");
            std::fs::write(f, format!("Title: {k}")).unwrap();
            assert_eq!(bytes_of(&mut opener, f).unwrap(), format!("Title: {k}").into_bytes());
            let (_, stamp) = read_found(&mut opener, f).unwrap();
            assert_eq!(stamp.size, 8);
            assert_eq!(opener.stamp(f), Some(Stamp::of(&std::fs::metadata(f).unwrap())));
        }
        // a missing file in a known folder, and a missing folder: the error of `open`
        for missing in [a.join("nope.md"), dir.path().join("gone").join("x.md")] {
            let e = bytes_of(&mut opener, &missing).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::NotFound, "{missing:?}");
        }
        assert_eq!(bytes_of(&mut opener, &files[1]).unwrap(), b"Title: 1");
        assert_eq!(opener.stamp(&a), None, "a folder has no stamp");
        assert_eq!(opener.stamp(&a.join("nope.md")), None);
    }

    #[test]
    fn the_opener_s_buffer_holds_exactly_the_last_file_and_gives_back_a_large_one() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.md");
        let mut text = b"Title: big\n".to_vec();
        text.resize(KEEP_BUFFER + 10, b'x');
        std::fs::write(&big, &text).unwrap();
        let small = dir.path().join("small.md");
        std::fs::write(&small, b"Title: small\n").unwrap();
        let long = dir.path().join("long.md");
        std::fs::write(&long, format!("Title: long\n{}", "y".repeat(5000))).unwrap();
        let not = dir.path().join("not.md");
        std::fs::write(&not, b"hello").unwrap();
        let mut opener = Opener::default();
        for f in [&long, &small, &not, &big, &small, &long, &small] {
            let (read, _) = read_found(&mut opener, f).unwrap();
            let want = std::fs::read(f).unwrap();
            match read {
                None => assert_eq!(opener.buf, want, "{f:?}"),
                Some((why, n)) => {
                    assert_eq!(why, "does not start with `Title:`");
                    assert_eq!((n, &opener.buf), (want.len(), &want));
                }
            }
            if f == &small {
                assert!(opener.buf.capacity() <= KEEP_BUFFER, "a large file's room is not kept");
            }
        }
        // what the loader makes of them: what the full parse makes
        for f in [&long, &small, &big, &not] {
            let (o, n) = load_found(&mut opener, f);
            let bytes = std::fs::read(f).unwrap();
            assert_eq!(n, if f == &not { 5 } else { bytes.len() as u64 });
            match (o, crate::corpus::parse_bytes(f, &bytes)) {
                (Outcome::Article(m, d), crate::corpus::Parsed::Article(a)) => {
                    assert_eq!((*m, d), (a.meta.clone(), a.diagnostics.clone()));
                }
                (Outcome::Skipped(p, why), crate::corpus::Parsed::NotArticle(w)) => {
                    assert_eq!((p.as_path(), why.as_ref()), (f.as_path(), w));
                }
                (o, a) => panic!("{f:?}: {o:?} against {a:?}"),
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_met_by_the_opener_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.md");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let e = read_found(&mut Opener::default(), &fifo).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }
}
