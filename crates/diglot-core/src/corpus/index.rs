//! The persistent index of a collection: one file in the user's cache folder
//! (`$XDG_CACHE_HOME/diglot/`, else `~/.cache/diglot/`) holding what the list needs of every
//! file — titles, dates, pages, authors, diagnostics, the path, size and modification time,
//! and where each part of the file starts — so that re-opening a collection reads one file
//! instead of every article.
//!
//! The index is never trusted blindly:
//! - the file starts with a magic number, a format version, the payload's length and a
//!   checksum; a truncated, damaged or foreign file is ignored (and rebuilt by the loader);
//! - it records the canonical root paths it was built for and a fingerprint of the parser
//!   (the parse results of the embedded seeds and of probe texts covering every format
//!   variant, see [`parser_fingerprint`]): another collection's index or one made by a parser
//!   that reads files differently is rebuilt;
//! - each entry is checked against its file's size, modification and change times
//!   (nanoseconds) and inode, as git does; a
//!   changed file is re-read, added and removed files are picked up, and files modified within
//!   [`RACY_NS`] of the index's start are re-read next time too (a change in the same clock
//!   tick would not show in the time stamp).
//!
//! Writing is atomic: a temporary file in the same folder, `fsync`, then `rename` over the old
//! index (then `fsync` of the folder). A reader sees the old index or the new one, never half.
//!
//! The loader side is [`super::load::load_stream_indexed`].

use super::catalog::{Catalog, Field, Reader, Rec, FIELDS, REC_BYTES};
use super::model::{Article, ArticleMeta, Date, Diagnostic, Severity};
use crate::search::{SearchData, ITEM_BYTES};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// First bytes of an index file.
pub const MAGIC: [u8; 8] = *b"DIGLOTIX";
/// Format version: bump whenever [`Entry`] or anything it holds changes shape.
pub const VERSION: u32 = 5;
/// Bytes before the payload: magic, version, reserved, payload length, checksum.
pub const HEADER_LEN: usize = 32;
/// Files modified less than this before the index was started are re-read next time.
pub const RACY_NS: i128 = 2_000_000_000;

/// Why an index file was not used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// There is no index yet.
    #[error("no index yet")]
    Missing,
    /// The file could not be read.
    #[error("cannot read the index: {0}")]
    Io(#[from] io::Error),
    /// Not an index file (wrong magic number).
    #[error("not an index file")]
    BadMagic,
    /// Written by another version of diglot.
    #[error("index format version {0}, expected {VERSION}")]
    Version(u32),
    /// Shorter or longer than its header says.
    #[error("index is truncated or has trailing bytes")]
    Length,
    /// The payload does not match its checksum.
    #[error("index checksum mismatch")]
    Checksum,
    /// The payload does not decode.
    #[error("index does not decode: {0}")]
    Corrupt(String),
    /// Made for other folders, or by a parser that reads files differently.
    #[error("index was made for {0}")]
    Foreign(&'static str),
}

/// Byte offsets where each part of an article's text starts; [`Parts::NONE`] when absent.
/// Offsets are into the decoded text, which is the file's bytes when they are valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parts {
    /// The `Title:` line.
    pub header: u32,
    /// The first English paragraph.
    pub en_body: u32,
    /// The `**Named Entities**` line.
    pub glossary: u32,
    /// The `<hr />` separator.
    pub separator: u32,
    /// The `### <Chinese title>` line.
    pub zh_header: u32,
    /// The first Chinese paragraph.
    pub zh_body: u32,
    /// The length of the text.
    pub end: u32,
}

impl Default for Parts {
    fn default() -> Self {
        let n = Parts::NONE;
        Parts { header: n, en_body: n, glossary: n, separator: n, zh_header: n, zh_body: n, end: 0 }
    }
}

impl Parts {
    /// Marks a part the file does not have.
    pub const NONE: u32 = u32::MAX;

    /// Finds the parts of a parsed article (a few `memmem` searches, not a pass over lines).
    pub fn of(a: &Article) -> Parts {
        Parts::find(a.text.as_bytes(), a.en.first().map(|r| r.start), a.zh.first().map(|r| r.start))
    }

    /// [`Parts::of`] from an article's text and where its first English and Chinese
    /// paragraphs start (a [`super::parse::Head`]'s `en_first` and `zh_first`).
    pub fn find(text: &[u8], en_first: Option<usize>, zh_first: Option<usize>) -> Parts {
        Parts::find_from(text, en_first, zh_first, 0, 0)
    }

    /// [`Parts::find`] from a head parse of `text` (the text as parsed: the bytes, or the
    /// bytes with the bad UTF-8 replaced when `head.replaced`): the same parts, the separator
    /// and the glossary looked for from where the parser's English body ended and its
    /// glossary began (a line `find` would take there is one the parser takes too, which
    /// trims more white space; so no earlier line is one), not over the whole English part.
    pub fn of_head(text: &[u8], head: &super::parse::Head) -> Parts {
        Parts::find_from(text, head.en_first, head.zh_first, head.separator_from, head.glossary_from)
    }

    fn find_from(
        text: &[u8],
        en_first: Option<usize>,
        zh_first: Option<usize>,
        separator_from: usize,
        glossary_from: usize,
    ) -> Parts {
        let off = |i: usize| u32::try_from(i).unwrap_or(Parts::NONE);
        let [title, hr, named, hashes] = &*PART_FINDERS;
        let header = find_line(text, title, 0, text.len());
        let from = header.unwrap_or(0);
        let separator = find_line(text, hr, from.max(separator_from), text.len());
        let glossary = find_line(text, named, from.max(glossary_from), separator.unwrap_or(text.len()));
        let zh_header = separator.and_then(|s| find_line(text, hashes, s, text.len()));
        Parts {
            header: header.map_or(Parts::NONE, off),
            en_body: en_first.map_or(Parts::NONE, off),
            glossary: glossary.map_or(Parts::NONE, off),
            separator: separator.map_or(Parts::NONE, off),
            zh_header: zh_header.map_or(Parts::NONE, off),
            zh_body: zh_first.map_or(Parts::NONE, off),
            end: off(text.len()),
        }
    }
}

/// The searchers of [`Parts::of`], made once (making them was ~0.5 % of a cold open's CPU,
/// four per article).
static PART_FINDERS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 4]> =
    std::sync::LazyLock::new(|| {
        use memchr::memmem::Finder;
        [Finder::new(b"Title:"), Finder::new(b"<hr"), Finder::new(b"**Named Entities**"), Finder::new(b"###")]
    });

/// The start of the first line in `text[from..to]` that begins with what `finder` looks for
/// after white space (spaces, tabs, U+3000, a byte-order mark).
fn find_line(text: &[u8], finder: &memchr::memmem::Finder<'_>, from: usize, to: usize) -> Option<usize> {
    let mut at = from;
    while at < to {
        let hit = at + finder.find(text.get(at..to)?)?;
        let line = memchr::memrchr(b'\n', text.get(..hit)?).map_or(0, |i| i + 1);
        if line >= from && text.get(line..hit).is_some_and(is_indent) {
            return Some(line);
        }
        at = hit + 1;
    }
    None
}

fn is_indent(mut b: &[u8]) -> bool {
    loop {
        b = match b {
            [] => return true,
            [b' ' | b'\t' | b'\r', rest @ ..] => rest,
            [0xE3, 0x80, 0x80, rest @ ..] | [0xEF, 0xBB, 0xBF, rest @ ..] => rest,
            _ => return false,
        }
    }
}

/// A diagnostic as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct IxDiag {
    line: u32,
    error: bool,
    message: String,
}

/// What the list needs of an article (its [`ArticleMeta`] without path and size, which come
/// from the entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct IxMeta {
    title_en: String,
    title_zh: String,
    subtitle_zh: String,
    authors_en: Vec<String>,
    authors_zh: Vec<String>,
    /// `YYYYMMDD`, 0 when unknown.
    date: u32,
    page: Option<u32>,
    section: String,
    column_en: String,
    column_zh: String,
}

/// What a file was when it was indexed.
// Nearly every entry is an article: boxing it would cost an allocation per entry.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Kind {
    Article { meta: IxMeta, diagnostics: Vec<IxDiag>, parts: Parts },
    Skipped(String),
}

/// What decides whether a file's entry is still good: its size, modification time, inode
/// and change time (as git does: an edit that restores the size and the modification time,
/// `touch -r`, or a file replaced by another one, still changes the inode or the change time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct Stamp {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch (negative before it).
    pub mtime_ns: i128,
    /// Status change time, nanoseconds since the Unix epoch (0 where the platform has none).
    pub ctime_ns: i128,
    /// The inode number (0 where the platform has none).
    pub ino: u64,
}

impl Stamp {
    /// The stamp of a file from its metadata.
    pub fn of(m: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stamp {
                size: m.len(),
                mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
                ctime_ns: i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
                ino: m.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let mtime_ns = m.modified().ok().map_or(0, |t| match t.duration_since(std::time::UNIX_EPOCH) {
                Ok(d) => d.as_nanos() as i128,
                Err(e) => -(e.duration().as_nanos() as i128),
            });
            Stamp { size: m.len(), mtime_ns, ctime_ns: 0, ino: 0 }
        }
    }
}

/// One file of the collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Which root (index into [`Index::roots`]) the file is under.
    pub root: u32,
    /// The path relative to its root (empty when the root is the file), as bytes.
    rel: Vec<u8>,
    /// Size and modification time when it was read.
    pub stamp: Stamp,
    kind: Kind,
}

/// What one file counts for in a load's summary (see [`Entry::counted`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Counted {
    /// An article, with so many warnings and errors.
    Article {
        /// Warnings.
        warnings: u32,
        /// Errors.
        errors: u32,
    },
    /// A file skipped, with the reason.
    Skipped(Box<str>),
}

/// The outcome of one file, as the index gives it back.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Cached {
    /// An article: its metadata, diagnostics and parts.
    Article(ArticleMeta, Vec<Diagnostic>, Parts),
    /// Not an article, with the reason.
    Skipped(PathBuf, String),
}

impl Entry {
    /// An entry for an article just parsed from `root`/`rel`.
    pub fn article(root: u32, rel: &Path, stamp: Stamp, a: &Article) -> Entry {
        Entry::from_meta(root, rel, stamp, &a.meta, &a.diagnostics, Parts::of(a))
    }

    /// An entry for an article from its parts.
    pub fn from_meta(
        root: u32,
        rel: &Path,
        stamp: Stamp,
        meta: &ArticleMeta,
        diags: &[Diagnostic],
        parts: Parts,
    ) -> Entry {
        // Every field is listed: a new field in ArticleMeta must be stored here (and VERSION
        // bumped), or the compiler complains.
        let ArticleMeta {
            path: _,
            title_en,
            title_zh,
            subtitle_zh,
            authors_en,
            authors_zh,
            date,
            page,
            section,
            column_en,
            column_zh,
            size: _,
        } = meta;
        let meta = IxMeta {
            title_en: title_en.clone(),
            title_zh: title_zh.clone(),
            subtitle_zh: subtitle_zh.clone(),
            authors_en: authors_en.clone(),
            authors_zh: authors_zh.clone(),
            date: date
                .map_or(0, |d| u32::from(d.year) * 10_000 + u32::from(d.month) * 100 + u32::from(d.day)),
            page: *page,
            section: section.clone(),
            column_en: column_en.clone(),
            column_zh: column_zh.clone(),
        };
        let diagnostics = diags
            .iter()
            .map(|d| IxDiag {
                line: u32::try_from(d.line).unwrap_or(u32::MAX),
                error: d.severity == Severity::Error,
                message: d.message.clone(),
            })
            .collect();
        Entry { root, rel: path_bytes(rel), stamp, kind: Kind::Article { meta, diagnostics, parts } }
    }

    /// An entry for a file that is not an article.
    pub fn skipped(root: u32, rel: &Path, stamp: Stamp, why: &str) -> Entry {
        Entry { root, rel: path_bytes(rel), stamp, kind: Kind::Skipped(why.to_string()) }
    }

    /// The path relative to its root.
    pub fn rel(&self) -> PathBuf {
        bytes_path(&self.rel)
    }

    /// The path relative to its root, borrowed where the platform allows.
    pub fn rel_path(&self) -> std::borrow::Cow<'_, Path> {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            std::borrow::Cow::Borrowed(Path::new(std::ffi::OsStr::from_bytes(&self.rel)))
        }
        #[cfg(not(unix))]
        {
            std::borrow::Cow::Owned(bytes_path(&self.rel))
        }
    }

    /// The path relative to its root, as stored (bytes).
    pub fn rel_bytes(&self) -> &[u8] {
        &self.rel
    }

    /// Whether `self`, an entry just read, holds what `old`, the file's entry in the index,
    /// held: the same file with the same size and outcome (what the list shows, the
    /// diagnostics, where the parts start); the times and inode are not compared.
    pub fn same_content(&self, old: &Entry) -> bool {
        self.root == old.root
            && self.rel == old.rel
            && self.stamp.size == old.stamp.size
            && self.kind == old.kind
    }

    /// Whether the entry is an article (not a skipped file).
    pub fn is_article(&self) -> bool {
        matches!(self.kind, Kind::Article { .. })
    }

    /// What the entry counts for in a load's summary: an article with its warnings and
    /// errors, or a skipped file with its reason.
    pub fn counted(&self) -> Counted {
        match &self.kind {
            Kind::Article { diagnostics, .. } => {
                let errors = diagnostics.iter().filter(|d| d.error).count();
                Counted::Article { warnings: (diagnostics.len() - errors) as u32, errors: errors as u32 }
            }
            Kind::Skipped(why) => Counted::Skipped(why.clone().into_boxed_str()),
        }
    }

    /// The start of the collection order: skipped files last, then date and page (unknown
    /// last). Ties are broken by path.
    pub fn order_key(&self) -> (bool, bool, u32, bool, u32) {
        match &self.kind {
            Kind::Article { meta, .. } => {
                (false, meta.date == 0, meta.date, meta.page.is_none(), meta.page.unwrap_or(0))
            }
            Kind::Skipped(_) => (true, true, 0, true, 0),
        }
    }

    /// Where each part of the file starts (articles only).
    pub fn parts(&self) -> Option<Parts> {
        match &self.kind {
            Kind::Article { parts, .. } => Some(*parts),
            Kind::Skipped(_) => None,
        }
    }

    /// The file's path under `root` (the root as the user gave it).
    pub fn path_under(&self, root: &Path) -> PathBuf {
        if self.rel.is_empty() {
            return root.to_path_buf();
        }
        #[cfg(unix)]
        {
            // root + '/' + rel, as `Path::join` makes it, in one allocation
            use std::os::unix::ffi::{OsStrExt, OsStringExt};
            let r = root.as_os_str().as_bytes();
            if self.rel.first() != Some(&b'/') {
                let mut v = Vec::with_capacity(r.len() + 1 + self.rel.len());
                v.extend_from_slice(r);
                if !r.is_empty() && !r.ends_with(b"/") {
                    v.push(b'/');
                }
                v.extend_from_slice(&self.rel);
                return PathBuf::from(std::ffi::OsString::from_vec(v));
            }
        }
        root.join(bytes_path(&self.rel))
    }

    /// Turns the entry back into what loading the file would give, with its path under
    /// `root` (the root as the user gave it).
    pub fn to_cached(&self, root: &Path) -> Cached {
        self.clone().into_cached(root)
    }

    /// Like [`Entry::to_cached`], without copying.
    pub fn into_cached(self, root: &Path) -> Cached {
        let path = self.path_under(root);
        match self.kind {
            Kind::Skipped(why) => Cached::Skipped(path, why),
            Kind::Article { meta: m, diagnostics, parts } => {
                let date = (m.date != 0)
                    .then_some(Date {
                        year: (m.date / 10_000) as u16,
                        month: (m.date / 100 % 100) as u8,
                        day: (m.date % 100) as u8,
                    })
                    .filter(|d| (1..=12).contains(&d.month) && d.day >= 1 && d.day <= d.days_in_month());
                let meta = ArticleMeta {
                    path,
                    title_en: m.title_en,
                    title_zh: m.title_zh,
                    subtitle_zh: m.subtitle_zh,
                    authors_en: m.authors_en,
                    authors_zh: m.authors_zh,
                    date,
                    page: m.page,
                    section: m.section,
                    column_en: m.column_en,
                    column_zh: m.column_zh,
                    size: self.stamp.size,
                };
                let diags = diagnostics
                    .into_iter()
                    .map(|d| Diagnostic {
                        line: d.line as usize,
                        severity: if d.error { Severity::Error } else { Severity::Warning },
                        message: d.message,
                    })
                    .collect();
                Cached::Article(meta, diags, parts)
            }
        }
    }
}

/// A collection's index: a [`Catalog`] of every file (articles in the collection order,
/// then skipped files), with each file's stamp and parts.
///
/// On disk (format [`VERSION`] 5) the payload after the header is that layout itself:
/// the parser's fingerprint, the start time, the counts, the canonical roots, then the
/// records ([`REC_BYTES`] each), the stamps (48 bytes each), the parts (28 bytes each), the
/// string arena and the title search's data ([`SearchData`]), all little-endian. The file is
/// mapped and checked whole (length, [`checksum`], every record's offsets) before anything
/// is used; a warm open decodes the catalog and the search data, sends the list, and only
/// then decodes the stamps and parts ([`Index::open`]). Version 5 changed the checksum only
/// (four lanes; version 4 had one chain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// The parser's fingerprint when the index was made ([`parser_fingerprint`]).
    pub fingerprint: u64,
    /// The canonical root paths (the key of the index), as bytes.
    roots: Vec<Vec<u8>>,
    /// When the load that made the index started (ns since the epoch): files modified after
    /// `started_ns - RACY_NS` are re-read next time.
    pub started_ns: i128,
    catalog: Catalog,
    stamps: Vec<Stamp>,
    parts: Vec<Parts>,
}

/// Record `id` of a catalog as an entry (owned), with its stamp and parts.
pub(crate) fn entry_of(cat: &Catalog, id: u32, stamp: Stamp, parts: Parts) -> Option<Entry> {
    let rec = cat.rec(id)?;
    let rel = cat.bytes(id, Field::Rel).to_vec();
    if rec.is_skipped() {
        let why = cat.str(id, Field::TitleEn);
        return Some(Entry { root: rec.root(), rel, stamp, kind: Kind::Skipped(why.to_string()) });
    }
    let mut meta = cat.article(id)?.to_meta();
    meta.path = PathBuf::new();
    let diags = cat.diagnostics(id);
    let mut e = Entry::from_meta(rec.root(), Path::new(""), stamp, &meta, &diags, parts);
    e.rel = rel;
    Some(e)
}

/// What [`Index::payload_head_of`] writes: `n` records, their strings taking `arena` bytes,
/// record `i`, its stamp and its parts.
struct Head<'a> {
    n: usize,
    arena: usize,
    rec: &'a dyn Fn(usize) -> Option<Rec>,
    stamp: &'a dyn Fn(usize) -> Stamp,
    parts: &'a dyn Fn(usize) -> Parts,
}

/// [`Joined::new`]'s mark of a skipped file's record as sent.
pub(crate) const SKIPPED: u32 = 1 << 31;

/// The records of a cold open's index without a copy of its articles' (session 14): the
/// reader's list appended each batch's articles as the loader sent them (their records and
/// strings copied in one piece, in the order sent), so the index keeps only the skipped
/// files' records and, per record sent, which one it is; the file is written from both as
/// the index that had appended every row itself writes it: the records in the collection
/// order, their strings in the order sent.
#[derive(Debug)]
pub struct Joined {
    list: Arc<Catalog>,
    skipped: Catalog,
    /// Per record as sent: article `id` of `list` (its id there), or skipped record `k`
    /// ([`SKIPPED`] | `k`).
    kinds: Vec<u32>,
    /// Per record as sent: where its strings start in the file's arena.
    starts: Vec<u32>,
    /// The records as sent (their places in `kinds`), in the file's order.
    order: Vec<u32>,
    arena_len: usize,
}

/// Where record `id` of a file's catalog is (see [`Records`]): record `id` of `cat`, its
/// strings at `from` there and at `to` in the file's arena.
#[derive(Clone, Copy)]
pub(crate) struct RecordAt<'a> {
    pub cat: &'a Catalog,
    pub id: u32,
    pub from: u32,
    pub to: u32,
}

impl RecordAt<'_> {
    /// A bound of the record as the file's arena places it.
    pub fn bound(&self, b: u32) -> u32 {
        b.wrapping_sub(self.from).wrapping_add(self.to)
    }
}

/// The records of an index being written, for its title search data: a catalog, or a
/// [`Joined`] one.
#[derive(Clone, Debug)]
pub enum Records {
    /// The catalog itself.
    One(Arc<Catalog>),
    /// A cold open's records, its articles in the list's catalog.
    Joined(Arc<Joined>),
}

impl Records {
    /// Number of records.
    pub fn len(&self) -> usize {
        match self {
            Records::One(c) => c.len(),
            Records::Joined(j) => j.len(),
        }
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where record `id` is.
    pub(crate) fn get(&self, id: u32) -> Option<RecordAt<'_>> {
        match self {
            Records::One(cat) => cat.rec(id).map(|_| RecordAt { cat, id, from: 0, to: 0 }),
            Records::Joined(j) => j.at(id),
        }
    }
}

/// A quick sum of a record (but for where its strings are) and its path, to check that the
/// list's record is the one the loader sent ([`Joined::new`]): its date, page, root, counts,
/// size, the lengths of its strings and its path (the list appends the batches' records as
/// they are: a list that differs misses, adds or moves records, which this finds).
///
/// foldhash, not std's SipHash: the sums are made and compared in one process, from the
/// archive's own files (nobody's chosen input to resist). SipHash cost ~1,200 instructions a
/// record on the loading threads, 3 % of a cold open's instructions (session 17).
pub(crate) fn record_sum(cat: &Catalog, id: u32) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let Some(rec) = cat.rec(id) else { return 0 };
    let mut h = foldhash::quality::FixedState::with_seed(0x6469_676c_6f74_0017).build_hasher();
    let a = rec.bounds[0];
    h.write_u32(rec.date);
    h.write_u32(rec.page);
    h.write_u32(rec.root);
    h.write_u32(rec.counts);
    h.write_u64(rec.size);
    for x in rec.bounds {
        h.write_u32(x.wrapping_sub(a));
    }
    h.write(cat.bytes(id, Field::Rel));
    h.finish()
}

/// The ids in `list` of the articles sent, `k` at `k` (`sums[k]` the [`record_sum`] of the
/// `k`th): the list's rows in order, those of its own skipped (a row of the list's own is
/// never taken for an article sent: it is another row of a path sent before, and the sum
/// holds the path). Empty when they are the whole list, `None` when it does not hold them.
fn sent_ids(list: &Catalog, sums: &[u64]) -> Option<Vec<u32>> {
    if list.len() == sums.len() {
        let all = (0..list.len() as u32).zip(sums).all(|(id, &s)| record_sum(list, id) == s);
        return all.then(Vec::new);
    }
    let mut ids = Vec::with_capacity(sums.len());
    for id in 0..list.len() as u32 {
        let Some(&s) = sums.get(ids.len()) else { break };
        if record_sum(list, id) == s {
            ids.push(id);
        }
    }
    (ids.len() == sums.len()).then_some(ids)
}

impl Joined {
    /// The records sent, `kinds` per record as sent ([`SKIPPED`] | `k`: record `k` of
    /// `skipped`; `k`: the `k`th article sent, whose [`record_sum`] is `sums[k]`), in the
    /// collection order ([`Index::sorted`]'s). The list holds the articles sent in the order
    /// sent, perhaps with rows of its own between and after them, which are not the load's
    /// (an article the reader read while the load ran, whose file had changed since the
    /// loader read it: the list's row brought up to date is appended, the loader's stays;
    /// its stamp is the one the loader took, so the next check reads the file again).
    /// `None` when `list` does not hold the articles sent (fewer, or one whose record or
    /// strings differ).
    pub fn new(list: Arc<Catalog>, skipped: Catalog, mut kinds: Vec<u32>, sums: &[u64]) -> Option<Joined> {
        if kinds.iter().filter(|&&k| k & SKIPPED == 0).count() != sums.len() {
            return None;
        }
        let ids = sent_ids(&list, sums)?;
        if !ids.is_empty() {
            for k in kinds.iter_mut().filter(|k| **k & SKIPPED == 0) {
                *k = *ids.get(*k as usize)?;
            }
        }
        drop(ids);
        let mut joined = Joined { list, skipped, kinds, starts: Vec::new(), order: Vec::new(), arena_len: 0 };
        let mut at = 0usize;
        let mut starts = Vec::with_capacity(joined.kinds.len());
        for j in 0..joined.kinds.len() {
            starts.push(u32::try_from(at).ok()?);
            let (cat, id) = joined.sent(j)?;
            let rec = cat.rec(id)?;
            at += rec.bounds[FIELDS].checked_sub(rec.bounds[0])? as usize;
        }
        u32::try_from(at).ok()?;
        joined.starts = starts;
        joined.arena_len = at;
        let mut order: Vec<u32> = (0..joined.kinds.len() as u32).collect();
        {
            let j = &joined;
            let key =
                |k: u32| j.sent(k as usize).and_then(|(c, id)| Some((c.rec(id)?, c.bytes(id, Field::Rel))));
            // (the comparison of `Index::sorted_with`, on the same records in the same order)
            order.sort_unstable_by(|&a, &b| {
                let (ka, kb) = (key(a), key(b));
                let (ra, rb) = (ka.map(|k| k.0), kb.map(|k| k.0));
                ra.map(Rec::order_key)
                    .cmp(&rb.map(Rec::order_key))
                    .then_with(|| ra.map(Rec::root).cmp(&rb.map(Rec::root)))
                    .then_with(|| {
                        super::catalog::rel_cmp(ka.map_or(&[][..], |k| k.1), kb.map_or(&[][..], |k| k.1))
                    })
            });
        }
        joined.order = order;
        Some(joined)
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Record `j` as sent: its catalog and id there.
    fn sent(&self, j: usize) -> Option<(&Catalog, u32)> {
        let k = *self.kinds.get(j)?;
        Some(if k & SKIPPED != 0 { (&self.skipped, k & !SKIPPED) } else { (&*self.list, k) })
    }

    /// Record `id` of the file (in its order).
    fn at(&self, id: u32) -> Option<RecordAt<'_>> {
        let j = *self.order.get(id as usize)? as usize;
        let (cat, local) = self.sent(j)?;
        let from = cat.rec(local)?.bounds[0];
        Some(RecordAt { cat, id: local, from, to: *self.starts.get(j)? })
    }

    /// Record `id` of the file, its bounds in the file's arena.
    fn rec(&self, id: u32) -> Option<Rec> {
        let at = self.at(id)?;
        let mut rec = *at.cat.rec(at.id)?;
        for b in &mut rec.bounds {
            *b = at.bound(*b);
        }
        Some(rec)
    }

    /// Per record of the file, the place of its title among the titles the list pushed to
    /// its title search (its id in the list, which is its title's there), `u32::MAX` for a
    /// skipped file.
    pub(crate) fn title_places(&self) -> Vec<u32> {
        self.order
            .iter()
            .map(|&j| {
                self.kinds.get(j as usize).map_or(u32::MAX, |&k| if k & SKIPPED != 0 { u32::MAX } else { k })
            })
            .collect()
    }

    /// The file's arena: every record's strings, in the order sent (a run of articles that
    /// lie back to back in the list's arena given in one piece).
    fn write_arena(&self, out: &mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        // the run of the list's arena not given yet
        let mut run: Option<(usize, usize)> = None;
        let list = self.list.arena();
        for j in 0..self.kinds.len() {
            let Some((cat, id)) = self.sent(j) else { continue };
            let Some(rec) = cat.rec(id) else { continue };
            let (a, b) = (rec.bounds[0] as usize, rec.bounds[FIELDS] as usize);
            let from_list = std::ptr::eq(cat, &*self.list);
            match run {
                Some((ra, rb)) if from_list && rb == a => run = Some((ra, b)),
                _ => {
                    if let Some((ra, rb)) = run.take() {
                        out(list.get(ra..rb).unwrap_or_default())?;
                    }
                    if from_list {
                        run = Some((a, b));
                    } else {
                        out(cat.arena().get(a..b).unwrap_or_default())?;
                    }
                }
            }
        }
        if let Some((ra, rb)) = run {
            out(list.get(ra..rb).unwrap_or_default())?;
        }
        Ok(())
    }
}

/// Bytes of a stamp in the index file.
const STAMP_BYTES: usize = 8 + 16 + 16 + 8;
/// Bytes of the parts in the index file.
const PARTS_BYTES: usize = 7 * 4;

fn write_stamp(s: &Stamp, out: &mut Vec<u8>) {
    out.extend_from_slice(&s.size.to_le_bytes());
    out.extend_from_slice(&s.mtime_ns.to_le_bytes());
    out.extend_from_slice(&s.ctime_ns.to_le_bytes());
    out.extend_from_slice(&s.ino.to_le_bytes());
}

fn write_parts(p: &Parts, out: &mut Vec<u8>) {
    for v in [p.header, p.en_body, p.glossary, p.separator, p.zh_header, p.zh_body, p.end] {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

impl Index {
    /// An empty index for these canonical roots.
    pub fn new(roots: &[PathBuf], started_ns: i128) -> Index {
        Index {
            fingerprint: parser_fingerprint(),
            roots: roots.iter().map(|r| path_bytes(r)).collect(),
            started_ns,
            catalog: Catalog::new(roots.to_vec()),
            stamps: Vec::new(),
            parts: Vec::new(),
        }
    }

    /// The canonical roots it was made for.
    pub fn roots(&self) -> Vec<PathBuf> {
        self.roots.iter().map(|r| bytes_path(r)).collect()
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.catalog.len()
    }

    /// Whether it has no files.
    pub fn is_empty(&self) -> bool {
        self.catalog.is_empty()
    }

    /// The catalog (paths under the canonical roots).
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Takes the catalog out (to be shared with the list); the index keeps its stamps.
    pub fn take_catalog(&mut self) -> Catalog {
        std::mem::take(&mut self.catalog)
    }

    /// Each file's stamp, by record.
    pub fn stamps(&self) -> &[Stamp] {
        &self.stamps
    }

    /// Each file's parts, by record.
    pub fn parts_of(&self) -> &[Parts] {
        &self.parts
    }

    /// Adds an entry.
    pub fn push_entry(&mut self, e: &Entry) {
        match &e.kind {
            Kind::Skipped(why) => {
                self.catalog.push_skipped(e.root, &e.rel, e.stamp.size, why);
                self.parts.push(Parts::default());
            }
            Kind::Article { .. } => {
                if let Cached::Article(meta, diags, parts) = e.to_cached(Path::new("")) {
                    self.catalog.push_article(e.root, &e.rel, &meta, &diags);
                    self.parts.push(parts);
                }
            }
        }
        self.stamps.push(e.stamp);
    }

    /// Adds an article just parsed from `root`/`rel` (what [`Self::push_entry`] does with an
    /// [`Entry::from_meta`], without making the entry: no string is copied but into the
    /// catalog).
    pub fn push_article(
        &mut self,
        root: u32,
        rel: &[u8],
        stamp: Stamp,
        meta: &ArticleMeta,
        diags: &[Diagnostic],
        parts: Parts,
    ) {
        self.catalog.push_article(root, rel, meta, diags);
        self.parts.push(parts);
        self.stamps.push(stamp);
    }

    /// Adds a file that is not an article (as [`Self::push_entry`] does with an
    /// [`Entry::skipped`]).
    pub fn push_skipped(&mut self, root: u32, rel: &[u8], stamp: Stamp, why: &str) {
        self.catalog.push_skipped(root, rel, stamp.size, why);
        self.parts.push(Parts::default());
        self.stamps.push(stamp);
    }

    /// Adds every record of `rows` (a loader's batch, whose records have this index's root
    /// ids), record `k` with `stamps[k]` and `parts[k]`, copied as they are
    /// ([`Catalog::append`]); returns the first new id.
    pub fn append_rows(&mut self, rows: &Catalog, stamps: &[Stamp], parts: &[Parts]) -> u32 {
        let first = self.catalog.append(rows);
        let n = rows.len();
        self.stamps.extend((0..n).map(|k| stamps.get(k).copied().unwrap_or_default()));
        self.parts.extend((0..n).map(|k| parts.get(k).copied().unwrap_or_default()));
        first
    }

    /// Adds record `id` of `other` (a catalog whose records have this index's roots), with
    /// its stamp and parts.
    pub fn push_from(&mut self, other: &Catalog, id: u32, stamp: Stamp, parts: Parts) {
        if self.catalog.push_from(other, id).is_some() {
            self.stamps.push(stamp);
            self.parts.push(parts);
        }
    }

    /// Entry `i`, built (owned) from the catalog.
    pub fn entry(&self, i: usize) -> Option<Entry> {
        let id = u32::try_from(i).ok()?;
        let stamp = self.stamps.get(i).copied().unwrap_or_default();
        let parts = self.parts.get(i).copied().unwrap_or_default();
        entry_of(&self.catalog, id, stamp, parts)
    }

    /// Every entry, built (owned) from the catalog.
    pub fn entries(&self) -> Vec<Entry> {
        (0..self.len()).filter_map(|i| self.entry(i)).collect()
    }

    /// Whether an entry can be used for a file whose stamp is now `now`: same size, times and
    /// inode, and not modified so close to the index's making that a change could hide in the tick.
    pub fn fresh(&self, entry: &Entry, now: Stamp) -> bool {
        entry.stamp == now && entry.stamp.mtime_ns < self.started_ns - RACY_NS
    }

    /// The records in the collection order (articles by date, page, path; then skipped
    /// files), so that the next load lists them without sorting. The records, stamps, parts
    /// and search data items are put in that order; the strings stay where they are in the
    /// arena (a record says where its strings are): sorting copies no string, so it never
    /// holds a second copy of the catalog (at 430,000 files it did: ~120 MB).
    pub fn sorted(self) -> Index {
        self.sorted_with(&mut Vec::new())
    }

    /// [`Self::sorted`], `with` (a value per record, or empty) put in the same order.
    pub(crate) fn sorted_with(mut self, with: &mut Vec<u32>) -> Index {
        let mut ids: Vec<u32> = (0..self.len() as u32).collect();
        let c = &self.catalog;
        ids.sort_unstable_by(|&a, &b| {
            let (ra, rb) = (c.rec(a), c.rec(b));
            ra.map(Rec::order_key)
                .cmp(&rb.map(Rec::order_key))
                .then_with(|| ra.map(Rec::root).cmp(&rb.map(Rec::root)))
                .then_with(|| super::catalog::rel_cmp(c.bytes(a, Field::Rel), c.bytes(b, Field::Rel)))
        });
        if ids.windows(2).all(|w| w.first() < w.get(1)) {
            return self;
        }
        let search = self.catalog.search_data().filter(|d| d.len() == self.len()).cloned();
        self.catalog.permute(&ids);
        // in place: no second copy of the stamps or parts either
        self.stamps.resize(ids.len(), Stamp::default());
        super::catalog::permute(&mut self.stamps, &ids);
        self.parts.resize(ids.len(), Parts::default());
        super::catalog::permute(&mut self.parts, &ids);
        if with.len() == ids.len() {
            super::catalog::permute(with, &ids);
        }
        if let Some(d) = search {
            // the catalog let go of it: taken, not copied
            let d = std::sync::Arc::try_unwrap(d).unwrap_or_else(|d| (*d).clone());
            self.catalog.set_search_data(Some(std::sync::Arc::new(d.permuted(&ids))));
        }
        self
    }

    /// Makes room for `files` more files whose strings take about `bytes` (see
    /// [`Catalog::reserve`]).
    pub fn reserve(&mut self, files: usize, bytes: usize) {
        self.catalog.reserve(files, bytes);
        self.stamps.reserve(files);
        self.parts.reserve(files);
    }

    /// Gives the catalog its title search data (made for its records, in their order), which
    /// is written with it instead of being made again ([`SearchData::of_catalog`]). Set it
    /// once every record is in: adding a record drops it.
    pub fn set_search_data(&mut self, data: SearchData) {
        self.catalog.set_search_data(Some(std::sync::Arc::new(data)));
    }

    /// The payload (what follows the header), in pieces given to `out`, with `search` the
    /// search data of the catalog.
    fn payload(&self, search: &SearchData, out: &mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        self.payload_head(&self.catalog, out)?;
        search.write_to(&mut |b| out(b))
    }

    /// The payload but for the search data (which follows it), `cat` the catalog.
    fn payload_head(&self, cat: &Catalog, out: &mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        let n = cat.len();
        let stamp = |i: usize| self.stamps.get(i).copied().unwrap_or_default();
        let parts = |i: usize| self.parts.get(i).copied().unwrap_or_default();
        let head = Head {
            n,
            arena: cat.arena().len(),
            rec: &|i| cat.recs().get(i).copied(),
            stamp: &stamp,
            parts: &parts,
        };
        self.payload_head_of(&head, out)?;
        out(cat.arena())
    }

    /// The payload's head (all but the arena and the search data, which follow it) of `n`
    /// records given one at a time.
    fn payload_head_of(
        &self,
        head: &Head<'_>,
        out: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        let n = head.n;
        let mut buf = Vec::with_capacity(1 << 16);
        buf.extend_from_slice(&self.fingerprint.to_le_bytes());
        buf.extend_from_slice(&self.started_ns.to_le_bytes());
        buf.extend_from_slice(&(self.roots.len() as u32).to_le_bytes());
        buf.extend_from_slice(&(n as u32).to_le_bytes());
        buf.extend_from_slice(&(head.arena as u64).to_le_bytes());
        for r in &self.roots {
            buf.extend_from_slice(&(r.len() as u32).to_le_bytes());
            buf.extend_from_slice(r);
        }
        let mut flush = |buf: &mut Vec<u8>, force: bool| {
            if force || buf.len() >= 1 << 16 {
                out(buf)?;
                buf.clear();
            }
            io::Result::Ok(())
        };
        for i in 0..n {
            (head.rec)(i).unwrap_or_default().write_to(&mut buf);
            flush(&mut buf, false)?;
        }
        for i in 0..n {
            write_stamp(&(head.stamp)(i), &mut buf);
            flush(&mut buf, false)?;
        }
        for i in 0..n {
            write_parts(&(head.parts)(i), &mut buf);
            flush(&mut buf, false)?;
        }
        flush(&mut buf, true)
    }

    /// [`Self::write_streamed`] for a cold open's index whose records are `joined`'s (its
    /// articles the list's, see [`Joined`]), `stamps` and `parts` by record as sent: the same
    /// file as the index that had appended the same rows would write, sorted.
    pub(crate) fn write_joined(
        &self,
        joined: &Joined,
        stamps: &[Stamp],
        parts: &[Parts],
        file: &Path,
        search: &mut dyn FnMut(Out<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        let sent = |k: usize| joined.order.get(k).map_or(usize::MAX, |&j| j as usize);
        let stamp = |k: usize| stamps.get(sent(k)).copied().unwrap_or_default();
        let part = |k: usize| parts.get(sent(k)).copied().unwrap_or_default();
        let rec = |k: usize| joined.rec(k as u32);
        let head = Head { n: joined.len(), arena: joined.arena_len, rec: &rec, stamp: &stamp, parts: &part };
        write_summed(file, &mut |out| {
            self.payload_head_of(&head, out)?;
            joined.write_arena(out)?;
            search(out)
        })
    }

    /// The search data to write: the one read, or made now.
    fn search_data(&self) -> std::borrow::Cow<'_, SearchData> {
        match self.catalog.search_data().map(|d| &**d) {
            Some(d) if d.len() == self.len() => std::borrow::Cow::Borrowed(d),
            _ => std::borrow::Cow::Owned(SearchData::of_catalog(&self.catalog)),
        }
    }

    /// The header of a payload made by [`Self::payload`].
    fn header(&self, search: &SearchData) -> io::Result<Vec<u8>> {
        let mut sum = StreamSum::default();
        self.payload(search, &mut |b| {
            sum.feed(b);
            Ok(())
        })?;
        Ok(header_of(&sum))
    }

    /// [`Self::write`] with the catalog `cat` (taken out of the index, shared meanwhile) and
    /// the search data given by `search` in pieces, in the order [`SearchData::write_to`]
    /// gives them, never held whole: the payload written once, its checksum taken as it is
    /// written, the header written last, in front of it.
    pub(crate) fn write_streamed(
        &self,
        cat: &Catalog,
        file: &Path,
        search: &mut dyn FnMut(Out<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        write_summed(file, &mut |out| {
            self.payload_head(cat, out)?;
            search(out)
        })
    }

    /// The index as bytes: header, then the payload.
    pub fn encode(&self) -> Vec<u8> {
        let search = self.search_data();
        let mut out = Vec::new();
        // writing into a Vec does not fail
        let _ = self.header(&search).map(|h| out.extend_from_slice(&h));
        let _ = self.payload(&search, &mut |b| {
            out.extend_from_slice(b);
            Ok(())
        });
        out
    }

    /// Decodes and checks an index: magic, version, length, checksum, every record's
    /// offsets, then that it was made for `roots` (canonical) by this parser.
    pub fn decode(bytes: &[u8], roots: &[PathBuf]) -> Result<Index, IndexError> {
        let (mut index, later) = Index::decode_listed(bytes, roots)?;
        (index.stamps, index.parts) = later.decode(bytes);
        Ok(index)
    }

    /// [`Index::decode`] but for the stamps and parts, which are only found (`Later`): the
    /// whole payload is checked (length, checksum) before anything is decoded.
    fn decode_listed(bytes: &[u8], roots: &[PathBuf]) -> Result<(Index, Later), IndexError> {
        let Some(header) = bytes.get(..HEADER_LEN) else {
            let have = bytes.get(..bytes.len().min(8)).unwrap_or_default();
            return Err(if MAGIC.starts_with(have) { IndexError::Length } else { IndexError::BadMagic });
        };
        if header.get(..8) != Some(&MAGIC[..]) {
            return Err(IndexError::BadMagic);
        }
        // the header is HEADER_LEN bytes: every field is there
        let long = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(header.get(at..at + 8).unwrap_or(&[0; 8]));
            u64::from_le_bytes(b)
        };
        let version = long(8) as u32;
        if version != VERSION {
            return Err(IndexError::Version(version));
        }
        let payload = bytes.get(HEADER_LEN..).unwrap_or_default();
        if payload.len() as u64 != long(16) {
            return Err(IndexError::Length);
        }
        // the checksum on another core while the payload is decoded (nothing decoded is used
        // before it is checked: a damaged file says so before anything else)
        let (sum, decoded) =
            beside(payload.len() >= 1 << 20, || checksum(payload), || decode_payload(payload, roots));
        if sum != long(24) {
            return Err(IndexError::Checksum);
        }
        decoded.map(|(ix, mut later)| {
            later.at += HEADER_LEN;
            (ix, later)
        })
    }

    /// Reads and checks the index at `file` (see [`Index::decode`]).
    pub fn read(file: &Path, roots: &[PathBuf]) -> Result<Index, IndexError> {
        let (mut index, rest) = Index::open(file, roots)?;
        (index.stamps, index.parts) = rest.stamps_and_parts();
        Ok(index)
    }

    /// Reads and checks the index at `file` (see [`Index::decode`]: the whole file is
    /// checked) but leaves its stamps and parts in the file, to be decoded when they are
    /// needed ([`Opened::stamps_and_parts`]): a warm open sends the list first. The file is
    /// mapped, not read (a file that cannot be mapped is read).
    pub fn open(file: &Path, roots: &[PathBuf]) -> Result<(Index, Opened), IndexError> {
        let bytes = FileBytes::of(file)?;
        let (index, later) = Index::decode_listed(&bytes, roots)?;
        Ok((index, Opened { bytes, later }))
    }

    /// Writes the index to `file` atomically (see [`write_atomic`]), in pieces (the payload
    /// is made twice, for its checksum and to write it, never held whole).
    pub fn write(&self, file: &Path) -> io::Result<()> {
        let search = self.search_data();
        let header = self.header(&search)?;
        write_atomic(file, |f| {
            let mut w = io::BufWriter::with_capacity(1 << 16, f);
            w.write_all(&header)?;
            self.payload(&search, &mut |b| w.write_all(b))?;
            w.flush()
        })
    }
}

/// Where a payload's bytes go, in pieces.
type Out<'a> = &'a mut dyn FnMut(&[u8]) -> io::Result<()>;

/// Writes an index file atomically from a payload given by `payload` in pieces, never held
/// whole: a header's room first, the payload's checksum taken as it is written, the header
/// written last, in front of it.
fn write_summed(file: &Path, payload: &mut dyn FnMut(Out<'_>) -> io::Result<()>) -> io::Result<()> {
    use std::io::{Seek, SeekFrom};
    write_atomic(file, |f| {
        let mut w = io::BufWriter::with_capacity(1 << 16, f);
        w.write_all(&[0u8; HEADER_LEN])?;
        let mut sum = StreamSum::default();
        let mut out = |b: &[u8]| {
            sum.feed(b);
            w.write_all(b)
        };
        payload(&mut out)?;
        let f = w.into_inner().map_err(io::IntoInnerError::into_error)?;
        f.seek(SeekFrom::Start(0))?;
        f.write_all(&header_of(&sum))
    })
}

/// The header of a payload whose bytes `sum` was fed.
fn header_of(sum: &StreamSum) -> Vec<u8> {
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(&MAGIC);
    header.extend_from_slice(&VERSION.to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    header.extend_from_slice(&sum.len.to_le_bytes());
    header.extend_from_slice(&sum.finish().to_le_bytes());
    header
}

/// An index file's bytes: mapped, or read when the file cannot be mapped.
enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl FileBytes {
    fn of(file: &Path) -> Result<FileBytes, IndexError> {
        let f = match fs::File::open(file) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(IndexError::Missing),
            Err(e) => return Err(IndexError::Io(e)),
        };
        let len = f.metadata()?.len();
        if len > 0 && len < isize::MAX as u64 {
            #[allow(unsafe_code)]
            // SAFETY: the map is only read, as bytes. An index file is never written in place:
            // every write is a new file renamed over the old one (`write_atomic`), and a file
            // removed (the cache cleaned) or renamed over stays mapped whole until it is dropped,
            // so the bytes cannot change or shrink under the map. Every read is bounds-checked
            // against the map's length, and the payload is checksummed before it is decoded.
            let map = unsafe { memmap2::MmapOptions::new().populate().map(&f) };
            if let Ok(map) = map {
                return Ok(FileBytes::Mapped(map));
            }
        }
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut io::BufReader::new(f), &mut bytes)?;
        Ok(FileBytes::Read(bytes))
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(m) => m,
            FileBytes::Read(v) => v,
        }
    }
}

/// Where an index's stamps and parts are in its file, left to decode later.
#[derive(Debug, Clone, Copy)]
struct Later {
    /// The offset of the stamps in the file (the parts follow them).
    at: usize,
    /// The records.
    n: usize,
}

impl Later {
    /// The stamps and parts, from the file's checked bytes. Their size was checked against
    /// the file's before the catalog was decoded; should they still not decode, every file
    /// gets an empty stamp (none is trusted: each is read again).
    fn decode(self, bytes: &[u8]) -> (Vec<Stamp>, Vec<Parts>) {
        let got = bytes.get(self.at..).and_then(|b| {
            let mut r = Reader(b);
            let stamps = records(&mut r, self.n, STAMP_BYTES, |c| {
                let mut r = Reader(c);
                Some(Stamp { size: r.u64()?, mtime_ns: r.i128()?, ctime_ns: r.i128()?, ino: r.u64()? })
            })?;
            let parts = records(&mut r, self.n, PARTS_BYTES, |c| {
                let mut r = Reader(c);
                Some(Parts {
                    header: r.u32()?,
                    en_body: r.u32()?,
                    glossary: r.u32()?,
                    separator: r.u32()?,
                    zh_header: r.u32()?,
                    zh_body: r.u32()?,
                    end: r.u32()?,
                })
            })?;
            Some((stamps, parts))
        });
        got.unwrap_or_else(|| (vec![Stamp::default(); self.n], vec![Parts::default(); self.n]))
    }
}

/// An index file opened by [`Index::open`]: checked whole, its catalog decoded, its stamps
/// and parts still in the file.
pub struct Opened {
    bytes: FileBytes,
    later: Later,
}

impl Opened {
    /// Each file's stamp and parts, by record (the file is let go).
    pub fn stamps_and_parts(self) -> (Vec<Stamp>, Vec<Parts>) {
        self.later.decode(&self.bytes)
    }
}

/// `a()` and `b()`, `a` on a thread of its own when `apart` (and a thread can be started),
/// else one after the other.
fn beside<A: Send, B>(apart: bool, a: impl Fn() -> A + Sync, b: impl FnOnce() -> B) -> (A, B) {
    if !apart {
        return (a(), b());
    }
    std::thread::scope(|s| {
        let t = std::thread::Builder::new().name("diglot-index".into()).spawn_scoped(s, &a);
        let got = b();
        // no thread, or one that did not finish: `a` here (it is pure)
        let x = t.ok().and_then(|t| t.join().ok()).unwrap_or_else(&a);
        (x, got)
    })
}

/// `n` fixed-size pieces of `size` bytes off the front of `r`, each decoded by `f`.
fn records<T>(r: &mut Reader<'_>, n: usize, size: usize, f: impl Fn(&[u8]) -> Option<T>) -> Option<Vec<T>> {
    let b = r.take(n.checked_mul(size)?)?;
    let mut out = Vec::new();
    out.try_reserve_exact(n).ok()?;
    out.extend(b.chunks_exact(size).filter_map(f));
    (out.len() == n).then_some(out)
}

/// Decodes a checked payload, but for the stamps and parts (where they are: `Later`, its
/// offset in the payload).
fn decode_payload(payload: &[u8], roots: &[PathBuf]) -> Result<(Index, Later), IndexError> {
    let corrupt = |what: &str| IndexError::Corrupt(what.to_string());
    let mut r = Reader(payload);
    let (Some(fingerprint), Some(started_ns), Some(nroots), Some(n), Some(arena_len)) =
        (r.u64(), r.i128(), r.u32(), r.u32(), r.u64())
    else {
        return Err(corrupt("no counts"));
    };
    let (nroots, n) = (nroots as usize, n as usize);
    // every count is checked against the bytes before anything is allocated for it
    let fixed = n
        .checked_mul(REC_BYTES + STAMP_BYTES + PARTS_BYTES + ITEM_BYTES)
        .ok_or_else(|| corrupt("too many records"))?;
    if nroots > 4096 || (fixed as u64).saturating_add(arena_len) > r.0.len() as u64 {
        return Err(corrupt("counts larger than the file"));
    }
    let mut have_roots = Vec::with_capacity(nroots);
    for _ in 0..nroots {
        let len = r.u32().ok_or_else(|| corrupt("root"))? as usize;
        have_roots.push(r.take(len).ok_or_else(|| corrupt("root"))?.to_vec());
    }
    let recs = records(&mut r, n, REC_BYTES, Rec::read_from).ok_or_else(|| corrupt("records"))?;
    let bad = recs.iter().any(|rec| {
        (!rec.is_skipped() && rec.root() as usize >= nroots)
            || rec.bounds.windows(2).any(|w| w.first() > w.get(1))
            || rec.bounds.last().is_none_or(|&e| e as u64 > arena_len)
    });
    if bad {
        return Err(corrupt("a record's root or strings are out of range"));
    }
    let later = Later { at: payload.len() - r.0.len(), n };
    // n * (STAMP_BYTES + PARTS_BYTES) fits: checked above with the other fixed sizes
    r.take(n * (STAMP_BYTES + PARTS_BYTES)).ok_or_else(|| corrupt("stamps and parts"))?;
    let arena = r.take(arena_len as usize).ok_or_else(|| corrupt("strings"))?.to_vec();
    let search = SearchData::read_from(&mut |k| r.take(k).map(<[u8]>::to_vec), n, arena.len())
        .ok_or_else(|| corrupt("search data"))?;
    if !r.0.is_empty() {
        return Err(corrupt("trailing bytes"));
    }
    let want: Vec<Vec<u8>> = roots.iter().map(|r| path_bytes(r)).collect();
    if have_roots != want {
        return Err(IndexError::Foreign("other folders"));
    }
    if fingerprint != parser_fingerprint() {
        return Err(IndexError::Foreign("another version of the parser"));
    }
    let mut catalog = Catalog::from_parts(roots.to_vec(), recs, arena);
    catalog.set_search_data(Some(std::sync::Arc::new(search)));
    let index =
        Index { fingerprint, roots: have_roots, started_ns, catalog, stamps: Vec::new(), parts: Vec::new() };
    Ok((index, later))
}

/// [`checksum`] of bytes fed in pieces of any length.
#[derive(Default)]
pub(crate) struct StreamSum {
    sum: Checksum,
    carry: [u8; Checksum::BLOCK],
    held: usize,
    len: u64,
}

impl StreamSum {
    pub(crate) fn feed(&mut self, mut d: &[u8]) {
        self.len += d.len() as u64;
        if self.held > 0 {
            let k = (Checksum::BLOCK - self.held).min(d.len());
            let (head, rest) = d.split_at(k);
            if let Some(slot) = self.carry.get_mut(self.held..self.held + k) {
                slot.copy_from_slice(head);
            }
            self.held += k;
            d = rest;
            if self.held < Checksum::BLOCK {
                return;
            }
            self.sum.update(&self.carry);
            self.held = 0;
        }
        let whole = d.len() / Checksum::BLOCK * Checksum::BLOCK;
        let (blocks, rest) = d.split_at(whole);
        self.sum.update(blocks);
        if let Some(slot) = self.carry.get_mut(..rest.len()) {
            slot.copy_from_slice(rest);
        }
        self.held = rest.len();
    }

    pub(crate) fn finish(&self) -> u64 {
        let mut sum = self.sum;
        sum.update(self.carry.get(..self.held).unwrap_or_default());
        sum.finish()
    }
}

pub use crate::fsutil::write_atomic;

/// The user's cache folder for diglot: `$XDG_CACHE_HOME/diglot` (else `~/.cache/diglot` on
/// Linux, the platform's cache folder elsewhere). `None` when there is no home. See
/// [`crate::dirs`].
pub fn default_cache_dir() -> Option<PathBuf> {
    crate::dirs::cache_dir()
}

/// The canonical form of each root (the index key); `None` if one cannot be resolved.
pub fn canonical_roots(paths: &[PathBuf]) -> Option<Vec<PathBuf>> {
    paths.iter().map(|p| fs::canonicalize(p).ok()).collect()
}

/// The index file for a collection with these canonical roots, inside `cache_dir`.
pub fn index_file(cache_dir: &Path, roots: &[PathBuf]) -> PathBuf {
    let mut key = Vec::new();
    for r in roots {
        key.extend_from_slice(&path_bytes(r));
        key.push(0);
    }
    cache_dir.join(format!("index-{:016x}.bin", fnv1a(&key)))
}

/// How the cache folder is kept small: index files unused for `max_age` are removed, and
/// of the rest only the most recently used, at most `max_files` of them and `max_bytes` in
/// all (the one in use is always kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    /// Index files unused for longer are removed.
    pub max_age: std::time::Duration,
    /// At most this many index files are kept.
    pub max_files: usize,
    /// At most this many bytes of index files are kept.
    pub max_bytes: u64,
}

impl Default for CachePolicy {
    /// 30 days, 64 files, 2 GiB (the index of 430,000 articles is ~150 MB).
    fn default() -> Self {
        CachePolicy {
            max_age: std::time::Duration::from_secs(30 * 86_400),
            max_files: 64,
            max_bytes: 2 << 30,
        }
    }
}

/// The file in the cache folder that records when each index file was last used (seconds
/// since the epoch, by file name): what the clean-up goes by, not the file system's access
/// times (often off, `noatime`) or modification times (an index in use is not rewritten).
pub const USES_FILE: &str = "uses.json";
/// The lock file held while the record is updated and the folder cleaned.
pub const CACHE_LOCK: &str = "cache.lock";

/// Records that the index `file` was used now and cleans its folder (see [`CachePolicy`]);
/// returns the index files removed.
pub fn record_use(file: &Path) -> io::Result<Vec<PathBuf>> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    record_use_at(file, now, CachePolicy::default())
}

/// [`record_use`] at the time `now` (seconds since the epoch), with `policy`.
pub fn record_use_at(file: &Path, now: u64, policy: CachePolicy) -> io::Result<Vec<PathBuf>> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let _lock = crate::fsutil::Lock::acquire(&dir.join(CACHE_LOCK))?;
    let uses_path = dir.join(USES_FILE);
    let mut uses: std::collections::BTreeMap<String, u64> = crate::fsutil::read_regular(&uses_path, 1 << 20)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let current = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    uses.insert(current.clone(), now);
    // every index file: name, size, last use (never recorded: its modification time)
    let mut files: Vec<(String, u64, u64)> = Vec::new();
    for e in fs::read_dir(dir)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("index-") && name.ends_with(".bin")) {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        let last = uses.get(&name).copied().unwrap_or(modified);
        files.push((name, meta.len(), last));
    }
    // the one in use first, then the most recently used
    files.sort_by(|a, b| (b.0 == current).cmp(&(a.0 == current)).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let mut removed = Vec::new();
    let (mut kept, mut bytes) = (0usize, 0u64);
    for (name, size, last) in files {
        let stale = now.saturating_sub(last) > policy.max_age.as_secs();
        let over = kept >= policy.max_files || bytes.saturating_add(size) > policy.max_bytes;
        if name != current && (stale || over) {
            let path = dir.join(&name);
            if fs::remove_file(&path).is_ok() || !path.exists() {
                removed.push(path);
            }
            continue;
        }
        kept += 1;
        bytes = bytes.saturating_add(size);
    }
    uses.retain(|name, _| dir.join(name).exists());
    let mut text = serde_json::to_vec_pretty(&uses).map_err(io::Error::other)?;
    text.push(b'\n');
    crate::fsutil::write_atomic_bytes(&uses_path, &text)?;
    Ok(removed)
}

/// The current time in nanoseconds since the epoch.
pub fn now_ns() -> i128 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// FNV-1a, 64 bits: a stable hash (the same in every process and version).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A fast checksum of the payload: four lanes, each taking every fourth word of eight bytes,
/// each step a bijection of its lane's state, so any single changed word changes the result;
/// the lanes are independent (the processor runs their multiplications side by side: some
/// 4x the speed of one chain) and folded with the length at the end.
pub fn checksum(data: &[u8]) -> u64 {
    let mut c = Checksum::default();
    c.update(data);
    c.finish()
}

/// [`checksum`] computed piece by piece (pieces a multiple of [`Checksum::BLOCK`] bytes, but
/// the last).
#[derive(Clone, Copy)]
struct Checksum {
    lanes: [u64; 4],
    len: u64,
}

impl Default for Checksum {
    fn default() -> Self {
        Checksum {
            lanes: [
                0x243F_6A88_85A3_08D3,
                0x1319_8A2E_0370_7344,
                0xA409_3822_299F_31D0,
                0x082E_FA98_EC4E_6C89,
            ],
            len: 0,
        }
    }
}

impl Checksum {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    /// Bytes taken in one step: a word for each lane.
    const BLOCK: usize = 32;

    fn step(h: u64, w: u64) -> u64 {
        (h ^ w).wrapping_mul(Self::K).rotate_left(29)
    }

    fn update(&mut self, data: &[u8]) {
        debug_assert!(self.len.is_multiple_of(Self::BLOCK as u64), "only the last piece may be ragged");
        let (blocks, rest) = data.as_chunks::<{ Self::BLOCK }>();
        let [mut a, mut b, mut c, mut d] = self.lanes;
        for block in blocks {
            let (words, _) = block.as_chunks::<8>();
            if let [w0, w1, w2, w3] = words {
                a = Self::step(a, u64::from_le_bytes(*w0));
                b = Self::step(b, u64::from_le_bytes(*w1));
                c = Self::step(c, u64::from_le_bytes(*w2));
                d = Self::step(d, u64::from_le_bytes(*w3));
            }
        }
        // the last piece's ragged end: its words, then its bytes, into the first lane
        let (words, bytes) = rest.as_chunks::<8>();
        for w in words {
            a = Self::step(a, u64::from_le_bytes(*w));
        }
        for &x in bytes {
            a = Self::step(a, u64::from(x));
        }
        self.lanes = [a, b, c, d];
        self.len += data.len() as u64;
    }

    fn finish(&self) -> u64 {
        let h = self.lanes.iter().fold(self.len, |h, &l| Self::step(h, l));
        h ^ (h >> 32)
    }
}

/// Texts covering every format variant, parsed to fingerprint the parser.
const PROBES: &[&str] = &[
    "Title: A\nAuthor: B, C\nDate: 1955-01-03\nPage: 1\nColumn: D\n\n    Body one.\n\n    Body two.\n\n\n<hr /> \n\nOriginal: \n\n\n### 甲  乙\n张安泉  汪良璧\n1955-01-03\n第1版(国际专页（政治）)\n专栏：丙\n\n    正文一。\n    正文二。\n",
    "Title: Brief News\n\nAuthor: \nDate: 1946-05-17\nEdition: 2\n\u{3000}\u{3000}Brief\n\t[Xinhua] text\n\n**Named Entities**\n\n新华社\tXinhua\n济宁  Jining\n人物\tPeople\n\n<hr /> \n\nOriginal: \n\n### 简讯\u{3000}副\n英韬\u{3000}苗地\n1946-05-17\n第２版()\n专栏：\n\n\u{3000}\u{3000}简讯\n                                        （新华社）\n",
    "\u{feff}Title: X\r\nAuthor:\r\nDate: 1960-13-40\r\nPage: A3\r\n\r\nbody \u{1b}[31m\r\n",
    "Title: Y\nDate: 1989-05-31\n\nNo separator here.\nOriginal: \n### 标题\n正文\n",
    "Title: Z\nAuthor:\nDate: 1989-05-31\nEdition: 4\n\nx\n<hr /> \n\nnot original\n",
    "Title: W\nAuthor:\nDate: 1968-05-01\nEdition: 4\n\nx\n<hr /> \n\nOriginal: \n\n### 甲\n\n1968-05-02\n第5版()\n专栏：\n",
];

/// A hash of what the parser makes of the embedded seeds and of probe texts covering every
/// format variant (headers, glossaries, damaged files). An index made by a parser that reads
/// any of them differently is rebuilt. The title index's own format is not in it (its header
/// has [`VERSION`]), so that a new title index format does not rebuild the full-text index,
/// which keeps this fingerprint too (81 s at 430,000 articles).
pub fn parser_fingerprint() -> u64 {
    static FP: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *FP.get_or_init(|| {
        let mut acc = Vec::new();
        acc.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
        let mut add = |path: &Path, bytes: &[u8]| match super::parse::parse_bytes(path, bytes) {
            super::parse::Parsed::Article(a) => {
                let e = Entry::article(0, Path::new(""), Stamp::default(), &a);
                acc.extend_from_slice(&postcard::to_allocvec(&e).unwrap_or_default());
                for r in a.en.iter().chain(&a.zh) {
                    acc.extend_from_slice(&(r.start as u64).to_le_bytes());
                    acc.extend_from_slice(&(r.end as u64).to_le_bytes());
                }
            }
            super::parse::Parsed::NotArticle(why) => acc.extend_from_slice(why.as_bytes()),
        };
        for p in super::seeds::paths() {
            if let Some(bytes) = super::seeds::get(&p) {
                add(&p, bytes);
            }
        }
        for (k, t) in PROBES.iter().enumerate() {
            add(Path::new(&format!("probe{k}")), t.as_bytes());
        }
        add(Path::new("invalid"), b"Title: V\nDate: 1958-08-01\n\n\xff\xfe bad\n");
        add(Path::new("readme"), b"# README\n");
        fnv1a(&acc)
    })
}

/// A path as the index stores it (bytes), borrowed where the platform allows.
pub fn path_key(p: &Path) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::borrow::Cow::Borrowed(p.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        std::borrow::Cow::Owned(path_bytes(p))
    }
}

#[cfg(unix)]
fn path_bytes(p: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(p: &Path) -> Vec<u8> {
    p.to_string_lossy().into_owned().into_bytes()
}

/// A path as the index stores it (bytes) back into a path.
#[cfg(unix)]
pub fn bytes_path(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

/// A path as the index stores it (bytes) back into a path.
#[cfg(not(unix))]
pub fn bytes_path(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}
