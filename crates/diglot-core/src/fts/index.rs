//! The full-text index on disk: a tantivy index in the cache folder beside the title index
//! (`$XDG_CACHE_HOME/diglot/fts-<hash of the roots>/`), with positions for every term of
//! [`super::tokens`], and per article its path, size, modification and change times and inode
//! (to update only changed files, as the title index decides), date, page, titles and character count (for the timelines' normalisation).
//!
//! Guarantees, as for the title index:
//! - checked against the files: [`FtsIndex::update`] stats every file and re-indexes the
//!   changed and new ones, drops the removed ones, in one commit ([`FtsIndex::update_files`]
//!   does the same for files known to have changed, without a walk). A file modified within
//!   [`corpus::index::RACY_NS`] of an update's start could change again in the same clock
//!   tick without its stamp showing it: as git does, such a "racily clean" file's content
//!   hash is kept in the commit, and a later update reads it again and compares the hash (a
//!   difference re-indexes it; the same content is not a change), until its modification
//!   time is older than an update's start by [`corpus::index::RACY_NS`];
//! - rebuilt when damaged: an index that does not open, was made by another version of the
//!   tokenizer or for other roots is deleted and built again;
//! - written atomically: a commit of tantivy replaces `meta.json` atomically, so a reader sees
//!   the old index or the new one; a second process that finds the writer lock taken uses the
//!   index as it is (and says so) instead of waiting.
//!
//! The seed articles (no path given) get an index in memory.

use super::tokens::{char_count, join_segments, TOKENIZER};
use crate::corpus::{self, Article, Parsed};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::{DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, TERMINATED};

/// Version of the index's content: bump when the tokenization or the fields change.
pub const FTS_VERSION: u32 = 4;
pub use super::tokens::SEGMENT_GAP;

/// Why the index could not be used or written.
#[derive(Debug, thiserror::Error)]
pub enum FtsError {
    /// tantivy failed (I/O, damaged files).
    #[error("full-text index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A file system error.
    #[error("full-text index: {0}")]
    Io(#[from] std::io::Error),
    /// No cache folder, or a path that does not exist.
    #[error("{0}")]
    Other(String),
    /// Another process is writing the index.
    #[error("another diglot is updating the full-text index")]
    Busy,
}

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Every segment's terms, with positions.
    pub body: Field,
    /// The titles' terms.
    pub title: Field,
    /// The authors' terms.
    pub author: Field,
    /// The file's path (stored, fast, a raw term for deletes).
    pub path: Field,
    /// File size in bytes.
    pub size: Field,
    /// File modification time, ns.
    pub mtime: Field,
    /// File status change time, ns.
    pub ctime: Field,
    /// The file's inode number.
    pub ino: Field,
    /// 1 for an article, 0 for a file that is not one (kept so it is not re-read).
    pub article: Field,
    /// `YYYYMMDD`, 0 when unknown.
    pub date: Field,
    /// Page, 0 when unknown.
    pub page: Field,
    /// Characters (not white space) of the indexed text.
    pub chars: Field,
    /// English title (stored).
    pub title_en: Field,
    /// Chinese title with subtitle (stored).
    pub title_zh: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let positional = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let f = Fields {
        body: b.add_text_field("body", positional.clone()),
        title: b.add_text_field("title", positional.clone()),
        author: b.add_text_field("author", positional),
        path: b.add_text_field("path", STRING | STORED | FAST),
        size: b.add_u64_field("size", FAST),
        mtime: b.add_i64_field("mtime", FAST),
        ctime: b.add_i64_field("ctime", FAST),
        ino: b.add_u64_field("ino", FAST),
        article: b.add_u64_field("article", FAST),
        date: b.add_u64_field("date", FAST | INDEXED),
        page: b.add_u64_field("page", FAST),
        chars: b.add_u64_field("chars", FAST),
        title_en: b.add_text_field("title_en", STORED),
        title_zh: b.add_text_field("title_zh", STORED),
    };
    (b.build(), f)
}

/// The indexed segments of an article, in order: English title, Chinese title, authors,
/// English paragraphs, Chinese paragraphs, glossary entries. The scan reads the same list.
pub fn segments(a: &Article) -> Vec<(SegmentKind, usize, String)> {
    let m = &a.meta;
    let mut v = vec![(SegmentKind::Title, 0, m.title_en.clone()), (SegmentKind::Title, 1, m.title_zh_full())];
    for (i, s) in m.authors_en.iter().chain(&m.authors_zh).enumerate() {
        v.push((SegmentKind::Author, i, s.clone()));
    }
    for i in 0..a.en.len() {
        v.push((SegmentKind::English, i, a.en_para(i).to_string()));
    }
    for i in 0..a.zh.len() {
        v.push((SegmentKind::Chinese, i, a.zh_para(i).to_string()));
    }
    for (i, g) in a.glossary.iter().enumerate() {
        v.push((SegmentKind::Glossary, i, format!("{} {}", g.term, g.gloss)));
    }
    v
}

/// What a segment of an article is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    /// Title (0 English, 1 Chinese).
    Title,
    /// An author.
    Author,
    /// An English paragraph.
    English,
    /// A Chinese paragraph.
    Chinese,
    /// A glossary entry.
    Glossary,
}

fn date_num(a: &corpus::ArticleMeta) -> u64 {
    a.date.map_or(0, |d| u64::from(d.year) * 10000 + u64::from(d.month) * 100 + u64::from(d.day))
}

/// The document of an article.
fn article_doc(f: &Fields, path: &str, stamp: corpus::index::Stamp, a: &Article) -> TantivyDocument {
    let segs = segments(a);
    let mut d = TantivyDocument::new();
    d.add_text(f.path, path);
    add_stamp(&mut d, f, stamp);
    d.add_u64(f.article, 1);
    d.add_u64(f.date, date_num(&a.meta));
    d.add_u64(f.page, u64::from(a.meta.page.unwrap_or(0)));
    d.add_u64(f.chars, segs.iter().map(|s| char_count(&s.2)).sum());
    d.add_text(f.title_en, &a.meta.title_en);
    d.add_text(f.title_zh, a.meta.title_zh_full());
    // one value per field, the segments apart (tokenized by `TermStream` as tantivy indexes
    // them: the document in flight is the text, not its terms)
    let of = |kind: Option<SegmentKind>| {
        join_segments(segs.iter().filter(|s| kind.is_none_or(|k| s.0 == k)).map(|s| s.2.as_str()))
    };
    d.add_text(f.body, of(None));
    d.add_text(f.title, of(Some(SegmentKind::Title)));
    d.add_text(f.author, of(Some(SegmentKind::Author)));
    d
}

/// The file's stamp (size, times, inode), by which an update sees that it changed.
fn add_stamp(d: &mut TantivyDocument, f: &Fields, stamp: corpus::index::Stamp) {
    d.add_u64(f.size, stamp.size);
    // i64 nanoseconds reach the year 2262
    d.add_i64(f.mtime, stamp.mtime_ns as i64);
    d.add_i64(f.ctime, stamp.ctime_ns as i64);
    d.add_u64(f.ino, stamp.ino);
}

/// A file that is not an article: kept with its stamp so that updates do not re-read it.
fn other_doc(f: &Fields, path: &str, stamp: corpus::index::Stamp) -> TantivyDocument {
    let mut d = TantivyDocument::new();
    d.add_text(f.path, path);
    add_stamp(&mut d, f, stamp);
    for field in [f.article, f.date, f.page, f.chars] {
        d.add_u64(field, 0);
    }
    d
}

/// What an update did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateReport {
    /// Files (re-)indexed.
    pub indexed: usize,
    /// Files dropped (removed or changed).
    pub removed: usize,
    /// Files unchanged.
    pub unchanged: usize,
    /// The index was (re)built from nothing; the reason when it existed but was unusable.
    pub rebuilt: Option<String>,
    /// The most articles handed to tantivy and not yet taken by its indexing threads at once,
    /// as seen when each was handed over (at most [`Budget::queued`] and the threads making
    /// documents).
    pub queued_most: usize,
}

/// What an update would do ([`FtsIndex::changes`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// Indexed files whose size or modification time changed.
    pub changed: usize,
    /// Files not in the index.
    pub added: usize,
    /// Indexed files that are gone.
    pub removed: usize,
    /// Files as indexed.
    pub unchanged: usize,
}

impl Changes {
    /// Nothing to do: the index holds every file as it is.
    pub fn is_fresh(&self) -> bool {
        self.changed == 0 && self.added == 0 && self.removed == 0
    }
}

/// An update's work: the old stamps, the paths to drop, the files to (re-)index.
struct Plan {
    /// The index holds nothing yet (a build from nothing).
    empty: bool,
    /// When the update started (ns since the epoch): files modified after it less
    /// [`corpus::index::RACY_NS`] are racily clean.
    started: i128,
    /// Paths to drop (files gone).
    removed: Vec<String>,
    /// Files to (re-)index ([`Todo`]).
    todo: Todo,
    unchanged: usize,
    /// Racily clean files read again and found the same, still racy: kept in the commit.
    racy: BTreeMap<String, u64>,
}

/// The files a plan (re-)indexes, compact: a build from nothing lists every file, and one
/// `(String, Stamp, Option<PathBuf>, bool)` per file held ~170 bytes and an allocation each
/// (~100 MB at 430,000 files, beside the reader's list while it builds in the background).
/// Here: the keys (paths as text) in one arena, per file 48 bytes (the key's span, the stamp
/// as the index stores it, whether the index holds an older version), and the paths of the
/// few files whose key does not spell them (names that are not UTF-8).
#[derive(Debug, Default)]
struct Todo {
    arena: String,
    files: Vec<TodoFile>,
    /// The paths of the keys that do not spell them, by the key's start in the arena.
    odd: HashMap<usize, PathBuf>,
}

/// A file of a [`Todo`].
#[derive(Debug, Clone, Copy)]
struct TodoFile {
    /// The key's span in the arena.
    start: usize,
    len: u32,
    /// The index holds an older version (dropped first).
    replaced: bool,
    size: u64,
    /// Nanoseconds, as the index stores them (i64: to the year 2262).
    mtime_ns: i64,
    ctime_ns: i64,
    ino: u64,
}

impl TodoFile {
    fn stamp(&self) -> corpus::index::Stamp {
        corpus::index::Stamp {
            size: self.size,
            mtime_ns: i128::from(self.mtime_ns),
            ctime_ns: i128::from(self.ctime_ns),
            ino: self.ino,
        }
    }
}

impl Todo {
    fn len(&self) -> usize {
        self.files.len()
    }

    fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Adds a file: its key, its stamp now, its path, whether the index holds an older version.
    fn push(&mut self, key: &str, stamp: corpus::index::Stamp, path: &Path, replaced: bool) {
        // a path is never 4 GB long
        let Ok(len) = u32::try_from(key.len()) else { return };
        let start = self.arena.len();
        if path.as_os_str() != std::ffi::OsStr::new(key) {
            self.odd.insert(start, path.to_path_buf());
        }
        self.arena.push_str(key);
        self.files.push(TodoFile {
            start,
            len,
            replaced,
            size: stamp.size,
            // as `add_stamp` stores them
            mtime_ns: stamp.mtime_ns as i64,
            ctime_ns: stamp.ctime_ns as i64,
            ino: stamp.ino,
        });
    }

    fn key(&self, f: &TodoFile) -> &str {
        key_in(&self.arena, f)
    }

    fn path(&self, f: &TodoFile) -> &Path {
        self.odd.get(&f.start).map_or_else(|| Path::new(self.key(f)), PathBuf::as_path)
    }

    /// In key order (the walk is parallel): neighbours indexed together.
    fn sort(&mut self) {
        let arena = &self.arena;
        self.files.sort_unstable_by(|a, b| key_in(arena, a).cmp(key_in(arena, b)));
    }
}

fn key_in<'a>(arena: &'a str, f: &TodoFile) -> &'a str {
    arena.get(f.start..f.start + f.len as usize).unwrap_or("")
}

impl Plan {
    fn new(empty: bool, started: i128) -> Plan {
        Plan {
            empty,
            started,
            removed: Vec::new(),
            todo: Todo::default(),
            unchanged: 0,
            racy: BTreeMap::new(),
        }
    }

    fn replaced(&self) -> usize {
        self.todo.files.iter().filter(|f| f.replaced).count()
    }

    fn is_racy(&self, stamp: &corpus::index::Stamp) -> bool {
        stamp.mtime_ns >= self.started - corpus::index::RACY_NS
    }
}

/// At most this many racily clean files are kept with their hashes in a commit; the others
/// are smudged (stored with an impossible size, so that the next update re-indexes them).
const RACY_KEPT: usize = 10_000;

/// An update merges segments of at most this many articles (see [`FtsIndex::update`]).
const UPDATE_MERGE_DOCS: usize = 2_000;

/// A build from nothing with a small heap (the reader's) merges at most this many articles at
/// once ([`BoundedMerges`]).
const BUILD_MERGE_DOCS: u32 = 16_000;

/// The merges of a build from nothing with a small heap (the reader's, in the background): the
/// smallest segments, at least `min_segments` and at most `max_docs` articles a merge; a
/// segment of half that or more is left as it is. A merge maps the files of the segments it
/// reads and reads them whole, so their pages are resident in the process while it runs:
/// tantivy's log merge policy takes every segment of a level at once (with one merge at a
/// time, the ones that came while the last ran), ~100 MB of files at 100k articles.
#[derive(Debug)]
struct BoundedMerges {
    max_docs: u32,
    min_segments: usize,
}

impl tantivy::indexer::MergePolicy for BoundedMerges {
    fn compute_merge_candidates(
        &self,
        segments: &[tantivy::index::SegmentMeta],
    ) -> Vec<tantivy::indexer::MergeCandidate> {
        let mut small: Vec<&tantivy::index::SegmentMeta> =
            segments.iter().filter(|s| s.num_docs() < self.max_docs / 2).collect();
        small.sort_by_key(|s| s.num_docs());
        let mut out = Vec::new();
        let (mut group, mut docs) = (Vec::new(), 0u32);
        for s in small {
            if docs.saturating_add(s.num_docs()) > self.max_docs {
                if group.len() >= self.min_segments {
                    out.push(tantivy::indexer::MergeCandidate(std::mem::take(&mut group)));
                }
                // the rest are bigger (sorted): none joins a smaller group
                group.clear();
                docs = 0;
            }
            group.push(s.id());
            docs = docs.saturating_add(s.num_docs());
        }
        if group.len() >= self.min_segments {
            out.push(tantivy::indexer::MergeCandidate(group));
        }
        out
    }
}

/// The merges of an update ([`FtsIndex::apply`]'s comment); `empty`: a build from nothing.
fn merge_policy(empty: bool, budget: Budget) -> Box<dyn tantivy::indexer::MergePolicy> {
    if empty && budget.heap_bytes / budget.threads.max(1) >= 64_000_000 {
        Box::new(tantivy::indexer::NoMergePolicy)
    } else if empty {
        Box::new(BoundedMerges { max_docs: BUILD_MERGE_DOCS, min_segments: 4 })
    } else {
        let mut policy = tantivy::indexer::LogMergePolicy::default();
        policy.set_max_docs_before_merge(UPDATE_MERGE_DOCS);
        Box::new(policy)
    }
}

/// The stored size of a smudged file (no file has it: the next update re-indexes it).
const SMUDGED: u64 = u64::MAX;

/// What every commit records: what the index was built by and for, and its racily clean
/// files (absent in the indexes of earlier versions: then none).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Payload {
    version: u32,
    parser: u64,
    roots: Vec<String>,
    /// When the update that made the commit started, ns since the epoch.
    #[serde(default)]
    started_ns: i64,
    /// Racily clean files (modified within [`corpus::index::RACY_NS`] of an update's start):
    /// path → FNV-1a of the bytes indexed.
    #[serde(default)]
    racy: BTreeMap<String, u64>,
}

impl Payload {
    fn of(roots: &[PathBuf]) -> Payload {
        Payload {
            version: FTS_VERSION,
            parser: corpus::index::parser_fingerprint(),
            roots: roots.iter().map(|r| r.to_string_lossy().into_owned()).collect(),
            ..Payload::default()
        }
    }

    /// The index was made by this version and parser, for these roots.
    fn is_for(&self, roots: &[PathBuf]) -> bool {
        let me = Payload::of(roots);
        self.version == me.version && self.parser == me.parser && self.roots == me.roots
    }
}

/// Every file under `paths` (the seeds when empty), each given to `each(key, stamp, path)` as
/// it is stated, in parallel. One folder is walked and its files stated in parallel (the
/// loader's settings, [`corpus::load::walk_builder`]; each file stated relative to its open
/// folder, [`super::walk`]; the loader's walker itself where that cannot be done); several roots go through
/// [`corpus::load::discover`], which lists a file under two roots once. A file that cannot be
/// stated is left out.
fn stat_files(paths: &[PathBuf], each: &(dyn Fn(&str, corpus::index::Stamp, &Path) + Sync)) {
    let stat = |p: PathBuf| {
        let stamp = if paths.is_empty() {
            corpus::index::Stamp {
                size: corpus::seeds::get(&p).map_or(0, |b| b.len() as u64),
                ..corpus::index::Stamp::default()
            }
        } else {
            let Ok(m) = std::fs::metadata(&p) else { return };
            corpus::index::Stamp::of(&m)
        };
        // the key as a borrow of the path (a copy only for a name that is not UTF-8)
        let key = crate::fsutil::path_key(&p);
        each(&key, stamp, &p);
    };
    let [root] = paths else {
        let (files, _) = corpus::load::discover(paths);
        files.into_par_iter().for_each(stat);
        return;
    };
    if super::walk::stat_tree(root, each) {
        return;
    }
    corpus::load::walk_builder(root).build_parallel().run(|| {
        let stat = &stat;
        Box::new(move |e| {
            if let Some(e) = e.ok().filter(|e| e.file_type().is_some_and(|t| t.is_file())) {
                stat(e.into_path());
            }
            ignore::WalkState::Continue
        })
    });
}

/// The stamps of every indexed file: the paths in one arena, a table from path to entry, each
/// entry's stamp and whether the walk saw its file.
struct OldStamps {
    arena: String,
    spans: Vec<(usize, usize)>,
    stamps: Vec<corpus::index::Stamp>,
}

impl OldStamps {
    fn key(&self, i: usize) -> &str {
        self.spans.get(i).and_then(|&(a, b)| self.arena.get(a..b)).unwrap_or("")
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    /// Path → entry, and the entries of a path held twice (never written so; tolerated):
    /// the earlier ones (seen, never dropped alone) and the last (smudged by the caller, see
    /// [`SMUDGED`], so that its file is indexed again with all its documents dropped first).
    fn table(&self) -> (HashMap<&str, usize, foldhash::fast::FixedState>, Vec<usize>, Vec<usize>) {
        let mut map = HashMap::with_capacity_and_hasher(self.len(), foldhash::fast::FixedState::default());
        let (mut earlier, mut later) = (Vec::new(), Vec::new());
        for i in 0..self.len() {
            if let Some(prev) = map.insert(self.key(i), i) {
                earlier.push(prev);
                later.push(i);
            }
        }
        (map, earlier, later)
    }
}

/// The stamps of one segment's live documents: the path column's dictionary streamed once,
/// in order (a term's ordinal is its rank), the stamp columns by document.
fn segment_stamps(seg: &tantivy::SegmentReader) -> Result<OldStamps, FtsError> {
    let mut old = OldStamps { arena: String::new(), spans: Vec::new(), stamps: Vec::new() };
    let ff = seg.fast_fields();
    let Some(paths) = ff.str("path")? else { return Ok(old) };
    // each path's live document (a deleted one's path may be another's: not taken)
    let mut doc_of = vec![u32::MAX; paths.dictionary().num_terms()];
    for doc in 0..seg.max_doc() {
        if seg.is_deleted(doc) {
            continue;
        }
        if let Some(d) = paths.term_ords(doc).next().and_then(|o| doc_of.get_mut(o as usize)) {
            if *d == u32::MAX {
                *d = doc;
            }
        }
    }
    let n = seg.num_docs() as usize;
    old.arena.reserve(n * 64);
    old.spans.reserve(n);
    old.stamps.reserve(n);
    let size = ff.u64("size")?;
    let mtime = ff.i64("mtime")?;
    let ctime = ff.i64("ctime")?;
    let ino = ff.u64("ino")?;
    let mut stream = paths.dictionary().stream()?;
    let mut ord = 0;
    while stream.advance() {
        let doc = doc_of.get(ord).copied().unwrap_or(u32::MAX);
        ord += 1;
        if doc == u32::MAX {
            continue;
        }
        let start = old.arena.len();
        match simdutf8::basic::from_utf8(stream.key()) {
            Ok(k) => old.arena.push_str(k),
            Err(_) => old.arena.push_str(&String::from_utf8_lossy(stream.key())),
        }
        old.spans.push((start, old.arena.len()));
        old.stamps.push(corpus::index::Stamp {
            size: size.first(doc).unwrap_or(0),
            mtime_ns: i128::from(mtime.first(doc).unwrap_or(0)),
            ctime_ns: i128::from(ctime.first(doc).unwrap_or(0)),
            ino: ino.first(doc).unwrap_or(0),
        });
    }
    Ok(old)
}

/// An open full-text index.
pub struct FtsIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    dir: Option<PathBuf>,
    roots: Vec<PathBuf>,
    /// The racily clean files of the last commit (see the module's guarantees).
    racy: BTreeMap<String, u64>,
    /// Text values tokenized by the index's tokenizer so far ([`Counted`]).
    taken: Arc<AtomicUsize>,
}

/// The index's tokenizer ([`super::tokens::TermTokenizer`]), counting the values it is given: tantivy
/// tokenizes a document's text fields on its indexing thread as it takes the document from
/// its queue, so the count tells an update how many of the documents it handed over are
/// still queued (see [`Budget::queued`]).
#[derive(Debug, Clone)]
struct Counted(Arc<AtomicUsize>);

impl tantivy::tokenizer::Tokenizer for Counted {
    type TokenStream<'a> = super::tokens::TermStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.0.fetch_add(1, Relaxed);
        super::tokens::TermStream::new(text)
    }
}

/// The text values of an article's document tokenized by [`super::tokens::TermTokenizer`] (body, title,
/// author: [`article_doc`]).
const ARTICLE_VALUES: usize = 3;

/// How much an update may use: indexing threads and tantivy's memory budget for them all
/// (at least 15 MB a thread). `diglot index` in the foreground takes [`Budget::FOREGROUND`];
/// the reader, building in the background beside the articles it shows, takes
/// [`Budget::BACKGROUND`], so that its peak memory stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Indexing threads.
    pub threads: usize,
    /// Bytes for their in-memory segments, all threads together.
    pub heap_bytes: usize,
    /// Articles handed to tantivy and not yet taken by an indexing thread, at most (each is
    /// the article's whole text; tantivy's own queue holds up to 10,000).
    pub queued: usize,
    /// Merges run at once (tantivy's default is 4). A merge maps its segments' files and
    /// reads them whole: resident pages of the process while it runs.
    pub merge_threads: usize,
}

impl Budget {
    /// The foreground build: two threads, 256 MB, 1,024 articles queued, tantivy's 4 merges.
    pub const FOREGROUND: Budget =
        Budget { threads: 2, heap_bytes: 256_000_000, queued: 1_024, merge_threads: 4 };
    /// The reader's background build: one thread, 32 MB (more, smaller segments; merged by
    /// tantivy's merge policy as usual), 64 articles queued, one merge at a time (two or three
    /// at once mapped ~100 MB of segment files at 100k).
    pub const BACKGROUND: Budget =
        Budget { threads: 1, heap_bytes: 32_000_000, queued: 64, merge_threads: 1 };
}

/// The index folder for these canonical roots in `cache_dir`.
pub fn index_dir(cache_dir: &Path, roots: &[PathBuf]) -> PathBuf {
    let file = corpus::index::index_file(cache_dir, roots);
    let name = file.file_stem().map(|s| s.to_string_lossy().replace("index-", "fts-")).unwrap_or_default();
    cache_dir.join(name)
}

impl FtsIndex {
    fn from_index(index: Index, dir: Option<PathBuf>, roots: Vec<PathBuf>) -> Result<FtsIndex, FtsError> {
        let (_, fields) = schema();
        let taken = Arc::new(AtomicUsize::new(0));
        index.tokenizers().register(TOKENIZER, Counted(Arc::clone(&taken)));
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(FtsIndex { index, reader, fields, dir, roots, racy: BTreeMap::new(), taken })
    }

    /// Opens the index of `paths` in `cache_dir` as it is, without looking at the files;
    /// `Err` with the reason when there is none or it is unusable.
    pub fn open(paths: &[PathBuf], cache_dir: &Path) -> Result<FtsIndex, FtsError> {
        let roots = corpus::index::canonical_roots(paths)
            .ok_or_else(|| FtsError::Other("a path does not exist".into()))?;
        let dir = index_dir(cache_dir, &roots);
        if !dir.join("meta.json").exists() {
            return Err(FtsError::Other("no full-text index yet".into()));
        }
        let index = Index::open_in_dir(&dir)?;
        let metas = index.load_metas()?;
        let payload = metas.payload.as_deref().and_then(|p| serde_json::from_str::<Payload>(p).ok());
        let Some(payload) = payload.filter(|p| p.is_for(&roots)) else {
            return Err(FtsError::Other("the index was made by another version of diglot".into()));
        };
        let mut ix = FtsIndex::from_index(index, Some(dir), roots)?;
        ix.racy = payload.racy;
        ix.probe()?;
        Ok(ix)
    }

    /// Opens the index of `paths` (in `cache_dir`; in memory for the seeds when `paths` is
    /// empty) and brings it up to date with the files, rebuilding it when it is missing or
    /// damaged. `progress(done, total)` is called as files are indexed; `cancel` is polled.
    pub fn open_updated(
        paths: &[PathBuf],
        cache_dir: Option<&Path>,
        progress: &(dyn Fn(usize, usize) + Sync),
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Result<(FtsIndex, UpdateReport), FtsError> {
        FtsIndex::open_updated_with(paths, cache_dir, Budget::FOREGROUND, progress, cancel)
    }

    /// [`FtsIndex::open_updated`] within a [`Budget`].
    pub fn open_updated_with(
        paths: &[PathBuf],
        cache_dir: Option<&Path>,
        budget: Budget,
        progress: &(dyn Fn(usize, usize) + Sync),
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Result<(FtsIndex, UpdateReport), FtsError> {
        if paths.is_empty() {
            let index = Index::create_in_ram(schema().0);
            let mut ix = FtsIndex::from_index(index, None, Vec::new())?;
            let mut r = ix.update_with(paths, budget, progress, cancel)?;
            r.rebuilt = Some(String::new());
            return Ok((ix, r));
        }
        let cache_dir =
            cache_dir.ok_or_else(|| FtsError::Other("no cache folder (no home directory)".into()))?;
        let (mut ix, rebuilt) = match FtsIndex::open(paths, cache_dir) {
            Ok(ix) => (ix, None),
            Err(e) => {
                let roots = corpus::index::canonical_roots(paths)
                    .ok_or_else(|| FtsError::Other("a path does not exist".into()))?;
                let dir = index_dir(cache_dir, &roots);
                if dir.exists() {
                    std::fs::remove_dir_all(&dir)?;
                }
                std::fs::create_dir_all(&dir)?;
                let index = Index::create_in_dir(&dir, schema().0)?;
                (FtsIndex::from_index(index, Some(dir), roots)?, Some(e.to_string()))
            }
        };
        let mut r = ix.update_with(paths, budget, progress, cancel)?;
        r.rebuilt = rebuilt;
        Ok((ix, r))
    }

    /// Opens every segment's term dictionaries and columns, so that a damaged file fails
    /// here (and the index is rebuilt) rather than in a search.
    fn probe(&self) -> Result<(), FtsError> {
        // The files an update reads whole (the fast fields: the path column's dictionary and
        // the stamps; the deletes) against their checksums: tantivy reads them unchecked, and
        // damaged bytes there made it panic (an index out of a block's range) instead of
        // failing, so the index was never rebuilt. They are small (~5% of the index).
        // (the segments this reader opened: another process may have committed since)
        let searcher = self.reader.searcher();
        let open: std::collections::HashSet<_> =
            searcher.segment_readers().iter().map(tantivy::SegmentReader::segment_id).collect();
        let managed = self.index.directory();
        for meta in self.index.searchable_segment_metas()?.into_iter().filter(|m| open.contains(&m.id())) {
            let mut parts = vec![tantivy::index::SegmentComponent::FastFields];
            if meta.has_deletes() {
                parts.push(tantivy::index::SegmentComponent::Delete);
            }
            for part in parts {
                let path = meta.relative_path(part);
                // a file that cannot be opened is not called damaged: another process's commit
                // may have replaced it since (its deletes), and the reads below fail on a real loss
                if let Ok(false) = managed.validate_checksum(&path) {
                    return Err(FtsError::Other(format!("{}: damaged (checksum)", path.display())));
                }
            }
        }
        for seg in searcher.segment_readers() {
            for f in [self.fields.body, self.fields.title, self.fields.author, self.fields.path] {
                let inv = seg.inverted_index(f)?;
                inv.read_postings(&Term::from_field_text(f, "的"), IndexRecordOption::WithFreqsAndPositions)?;
            }
            let ff = seg.fast_fields();
            for name in ["size", "ino", "article", "date", "page", "chars"] {
                ff.u64(name)?;
            }
            ff.i64("mtime")?;
            ff.i64("ctime")?;
            ff.str("path")?;
        }
        Ok(())
    }

    /// The index's segments (as the reader sees them).
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// The folder of the index (`None` in memory).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The stamps of the indexed files: per segment ([`segment_stamps`], the segments in
    /// parallel) the path column's dictionary read once,
    /// in order (a term's ordinal is its rank), and the stamp columns by document (no lookup
    /// per document in the dictionary, one arena for the paths).
    fn stamps(&self) -> Result<OldStamps, FtsError> {
        let searcher = self.reader.searcher();
        // the segments read in parallel (the walk waits for this table), joined in their order
        let parts = searcher
            .segment_readers()
            .par_iter()
            .map(segment_stamps)
            .collect::<Result<Vec<OldStamps>, FtsError>>()?;
        let n: usize = parts.iter().map(OldStamps::len).sum();
        let bytes: usize = parts.iter().map(|p| p.arena.len()).sum();
        let mut old = OldStamps {
            arena: String::with_capacity(bytes),
            spans: Vec::with_capacity(n),
            stamps: Vec::with_capacity(n),
        };
        for p in parts {
            let at = old.arena.len();
            old.arena.push_str(&p.arena);
            old.spans.extend(p.spans.iter().map(|&(a, b)| (a + at, b + at)));
            old.stamps.extend_from_slice(&p.stamps);
        }
        Ok(old)
    }

    /// The stamps of these indexed files (each looked up in the path field's terms; files
    /// the index does not hold are left out).
    fn stamps_of(&self, keys: &[&str]) -> Result<HashMap<String, corpus::index::Stamp>, FtsError> {
        let searcher = self.reader.searcher();
        let mut map = HashMap::with_capacity(keys.len());
        for seg in searcher.segment_readers() {
            let inv = seg.inverted_index(self.fields.path)?;
            let ff = seg.fast_fields();
            let (size, mtime, ctime, ino) =
                (ff.u64("size")?, ff.i64("mtime")?, ff.i64("ctime")?, ff.u64("ino")?);
            for key in keys {
                let term = Term::from_field_text(self.fields.path, key);
                let Some(mut post) = inv.read_postings(&term, IndexRecordOption::Basic)? else { continue };
                let mut doc = post.doc();
                while doc != TERMINATED {
                    if seg.is_deleted(doc) {
                        doc = post.advance();
                        continue;
                    }
                    let stamp = corpus::index::Stamp {
                        size: size.first(doc).unwrap_or(0),
                        mtime_ns: i128::from(mtime.first(doc).unwrap_or(0)),
                        ctime_ns: i128::from(ctime.first(doc).unwrap_or(0)),
                        ino: ino.first(doc).unwrap_or(0),
                    };
                    map.insert((*key).to_string(), stamp);
                    break;
                }
            }
        }
        Ok(map)
    }

    /// What an update of `paths` would do, without doing it: the index is fresh when
    /// [`Changes::is_fresh`]. Walks the folders and stats every file (no file is read but
    /// the few racily clean ones, whose content is compared).
    pub fn changes(&self, paths: &[PathBuf]) -> Result<Changes, FtsError> {
        let plan = self.plan(paths)?;
        let changed = plan.replaced();
        Ok(Changes {
            changed,
            added: plan.todo.len() - changed,
            removed: plan.removed.len(),
            unchanged: plan.unchanged,
        })
    }

    /// Whether the index holds a file as it is now: the same stamp, and for a racily clean
    /// file (see the module's guarantees) the same content. `Some(hash)`: the same, and still
    /// racy (kept in the next commit).
    fn same(
        &self,
        plan: &Plan,
        key: &str,
        old: &corpus::index::Stamp,
        now: &corpus::index::Stamp,
        path: &Path,
    ) -> Option<Option<u64>> {
        if old != now {
            return None;
        }
        let Some(&hash) = self.racy.get(key) else { return Some(None) };
        let bytes = std::fs::read(path).ok()?;
        (corpus::index::fnv1a(&bytes) == hash).then(|| plan.is_racy(now).then_some(hash))
    }

    /// Adds a file found now (`old`: its stamp in the index) to the plan.
    fn plan_file(
        &self,
        plan: &mut Plan,
        key: String,
        old: Option<&corpus::index::Stamp>,
        now: corpus::index::Stamp,
        path: PathBuf,
    ) {
        match old.map(|o| self.same(plan, &key, o, &now, &path)) {
            Some(Some(racy)) => {
                plan.unchanged += 1;
                if let Some(h) = racy {
                    plan.racy.insert(key, h);
                }
            }
            held => {
                plan.todo.push(&key, now, &path, held.is_some());
            }
        }
    }

    /// The files to (re-)index and to drop: every file under `paths`. Each file is compared
    /// with its entry as the walk states it (in parallel, no copy of an unchanged file's path);
    /// entries whose file the walk did not see are dropped.
    fn plan(&self, paths: &[PathBuf]) -> Result<Plan, FtsError> {
        use std::sync::atomic::AtomicBool;
        use std::sync::Mutex;
        let old = self.stamps()?;
        let mut plan = Plan::new(old.len() == 0, corpus::index::now_ns());
        let (table, earlier, later) = old.table();
        let mut stamps = std::borrow::Cow::Borrowed(old.stamps.as_slice());
        for i in later {
            if let Some(s) = stamps.to_mut().get_mut(i) {
                s.size = SMUDGED;
            }
        }
        let seen: Vec<AtomicBool> = (0..old.len()).map(|_| AtomicBool::new(false)).collect();
        for i in earlier {
            if let Some(s) = seen.get(i) {
                s.store(true, Relaxed);
            }
        }
        let unchanged = AtomicUsize::new(0);
        let todo = Mutex::new(Todo::default());
        let racy = Mutex::new(BTreeMap::new());
        stat_files(paths, &|key, now, path| {
            let entry = table.get(key).copied();
            if let Some(s) = entry.and_then(|i| seen.get(i)) {
                s.store(true, Relaxed);
            }
            let held = entry.and_then(|i| stamps.get(i));
            match held.map(|o| self.same(&plan, key, o, &now, path)) {
                Some(Some(r)) => {
                    unchanged.fetch_add(1, Relaxed);
                    if let (Some(h), Ok(mut m)) = (r, racy.lock()) {
                        m.insert(key.to_string(), h);
                    }
                }
                changed => {
                    if let Ok(mut t) = todo.lock() {
                        t.push(key, now, path, changed.is_some());
                    }
                }
            }
        });
        plan.removed = (0..old.len())
            .filter(|&i| !seen.get(i).is_some_and(|s| s.load(Relaxed)))
            .map(|i| old.key(i).to_string())
            .collect();
        plan.removed.sort_unstable();
        plan.unchanged = unchanged.into_inner();
        plan.racy = racy.into_inner().unwrap_or_default();
        plan.todo = todo.into_inner().unwrap_or_default();
        plan.todo.sort();
        Ok(plan)
    }

    /// The plan for these files only (under `paths`; others are ignored): each stated, gone
    /// ones dropped, changed and new ones (re-)indexed.
    fn plan_files(&self, paths: &[PathBuf], files: &[PathBuf]) -> Result<Plan, FtsError> {
        let mut plan = Plan::new(false, corpus::index::now_ns());
        plan.empty = self.reader.searcher().num_docs() == 0;
        let mut files: Vec<&PathBuf> =
            files.iter().filter(|f| paths.iter().any(|r| f.starts_with(r))).collect();
        files.sort_unstable();
        files.dedup();
        let keys: Vec<String> = files.iter().map(|f| crate::fsutil::path_key(f).into_owned()).collect();
        // racily clean files not looked at now stay so
        let looked: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
        for (k, h) in &self.racy {
            if !looked.contains(k.as_str()) {
                plan.racy.insert(k.clone(), *h);
            }
        }
        let old = self.stamps_of(&keys.iter().map(String::as_str).collect::<Vec<_>>())?;
        for (key, path) in keys.into_iter().zip(files) {
            match std::fs::metadata(path) {
                Ok(m) if m.is_file() => {
                    let o = old.get(&key);
                    self.plan_file(&mut plan, key, o, corpus::index::Stamp::of(&m), path.clone());
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && old.contains_key(&key) => {
                    plan.removed.push(key);
                }
                // a folder, or a file that cannot be stated now: left as it is
                _ => {}
            }
        }
        Ok(plan)
    }

    /// Re-indexes the files of `paths` that changed since the last update, adds new ones,
    /// drops removed ones; one commit. A no-op (no commit) when nothing changed.
    pub fn update(
        &mut self,
        paths: &[PathBuf],
        progress: &(dyn Fn(usize, usize) + Sync),
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Result<UpdateReport, FtsError> {
        self.update_with(paths, Budget::FOREGROUND, progress, cancel)
    }

    /// [`FtsIndex::update`] within a [`Budget`].
    pub fn update_with(
        &mut self,
        paths: &[PathBuf],
        budget: Budget,
        progress: &(dyn Fn(usize, usize) + Sync),
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Result<UpdateReport, FtsError> {
        let plan = self.plan(paths)?;
        self.apply(plan, budget, progress, cancel)
    }

    /// [`FtsIndex::update_with`] for files known to have changed (the reader's check of the
    /// files says which), without walking `paths`: each of `files` under `paths` is stated and
    /// compared with the index; a file gone is dropped, a changed or new one (re-)indexed.
    pub fn update_files(
        &mut self,
        paths: &[PathBuf],
        files: &[PathBuf],
        budget: Budget,
        progress: &(dyn Fn(usize, usize) + Sync),
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Result<UpdateReport, FtsError> {
        let plan = self.plan_files(paths, files)?;
        self.apply(plan, budget, progress, cancel)
    }

    /// Carries out a plan: one commit (none when there is nothing to do).
    fn apply(
        &mut self,
        plan: Plan,
        budget: Budget,
        progress: &(dyn Fn(usize, usize) + Sync),
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Result<UpdateReport, FtsError> {
        let mut report = UpdateReport { unchanged: plan.unchanged, ..UpdateReport::default() };
        if plan.removed.is_empty() && plan.todo.is_empty() {
            return Ok(report);
        }
        let threads = budget.threads.max(1);
        let options = tantivy::indexer::IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(budget.heap_bytes.max(15_000_000 * threads) / threads)
            .num_merge_threads(budget.merge_threads.max(1))
            .build();
        let mut writer: IndexWriter<TantivyDocument> = match self.index.writer_with_options(options) {
            Ok(w) => w,
            Err(tantivy::TantivyError::LockFailure(..)) => return Err(FtsError::Busy),
            Err(e) => return Err(e.into()),
        };
        // Merges: a build from nothing with big in-memory segments (64 MB a thread or more: the
        // foreground budget) merges none, since every merge rewrites what was just written and
        // the segments are few (some 20 at 430,000 articles); a build with a small heap (the
        // reader's) merges its small segments a few at a time ([`BoundedMerges`]).
        // An update merges only segments of at most 2,000 articles: its own small segments
        // among themselves, never a build's (tantivy's policy counts every segment under
        // 10,000 articles as one level, so a build's last, partly filled segment would be
        // rewritten with a one-file update's).
        writer.set_merge_policy(merge_policy(plan.empty, budget));
        let replaced = plan.todo.files.iter().filter(|f| f.replaced).map(|f| plan.todo.key(f));
        for k in plan.removed.iter().map(String::as_str).chain(replaced) {
            writer.delete_term(Term::from_field_text(self.fields.path, k));
        }
        report.removed = plan.removed.len() + plan.replaced();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let total = plan.todo.len();
        let f = self.fields;
        let failed = std::sync::Mutex::new(None);
        // the racily clean files indexed now, with their hashes (see the module's guarantees)
        let racy = std::sync::Mutex::new(plan.racy.clone());
        // text values handed to tantivy (those of articles), against those it has tokenized
        let (sent, base) = (AtomicUsize::new(0), self.taken.load(Relaxed));
        let taken = || self.taken.load(Relaxed).wrapping_sub(base);
        let queued = || sent.load(Relaxed).saturating_sub(taken()).div_ceil(ARTICLE_VALUES);
        let most = AtomicUsize::new(0);
        let wait_queue = || {
            let mut last = (taken(), std::time::Instant::now());
            loop {
                if queued() < budget.queued.max(1) || cancel() {
                    return;
                }
                // never stuck: an indexing thread that stopped is reported by add_document
                let now = taken();
                if now != last.0 {
                    last = (now, std::time::Instant::now());
                } else if last.1.elapsed() > std::time::Duration::from_secs(5) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_micros(500));
            }
        };
        let todo = &plan.todo;
        todo.files.par_iter().for_each(|file| {
            let (key, path) = (todo.key(file), todo.path(file));
            if cancel() || failed.lock().is_ok_and(|e| e.is_some()) {
                return;
            }
            wait_queue();
            let mut stamp = file.stamp();
            let doc = match corpus::read_source(path) {
                Err(_) => return, // unreadable: not indexed, tried again next time
                Ok(bytes) => {
                    if plan.is_racy(&stamp) {
                        if let Ok(mut r) = racy.lock() {
                            if r.len() < RACY_KEPT {
                                r.insert(key.to_string(), corpus::index::fnv1a(&bytes));
                            } else {
                                stamp.size = SMUDGED;
                            }
                        }
                    }
                    match corpus::parse_vec(path, bytes.into_owned()) {
                        Parsed::Article(a) => {
                            sent.fetch_add(ARTICLE_VALUES, Relaxed);
                            article_doc(&f, key, stamp, &a)
                        }
                        Parsed::NotArticle(_) => other_doc(&f, key, stamp),
                    }
                }
            };
            most.fetch_max(queued(), Relaxed);
            if let Err(e) = writer.add_document(doc) {
                if let Ok(mut slot) = failed.lock() {
                    *slot = Some(e);
                }
            }
            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if d.is_multiple_of(256) || d == total {
                progress(d, total);
            }
        });
        if let Some(e) = failed.into_inner().ok().flatten() {
            return Err(e.into());
        }
        if cancel() {
            writer.rollback()?;
            return Err(FtsError::Other("cancelled".into()));
        }
        report.indexed = done.into_inner();
        report.queued_most = most.into_inner();
        // the list of files is not needed for the commit and the merges after it
        let started = plan.started;
        drop(plan);
        // the racy files of the plan (read again, the same, still racy) and those indexed now
        let racy = racy.into_inner().unwrap_or_default();
        let payload = Payload { started_ns: started as i64, racy, ..Payload::of(&self.roots) };
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&serde_json::to_string(&payload).map_err(std::io::Error::other)?);
        prepared.commit()?;
        writer.wait_merging_threads()?;
        self.racy = payload.racy;
        self.reader.reload()?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;

    /// The stamp the index holds for a path.
    fn held(ix: &FtsIndex, key: &str) -> corpus::index::Stamp {
        let old = ix.stamps().unwrap();
        let i = (0..old.len()).find(|&i| old.key(i) == key).unwrap();
        old.stamps[i]
    }

    /// The reader's background build merges a few small segments at a time: with one merge at
    /// a time, the segments written while one runs pile up, and tantivy's log merge policy
    /// (before) took them all at once (12 segments of 2,700 articles: 32,400 in one merge,
    /// every file of them mapped and read: ~100 MB resident at 100k). Now no merge takes
    /// more than [`BUILD_MERGE_DOCS`] articles or fewer than 4 segments, and a segment of
    /// half that is final.
    #[test]
    fn the_background_builds_merges_are_bounded() {
        use tantivy::index::SegmentId;
        let index = Index::create_in_ram(schema().0);
        let meta = |docs| index.new_segment_meta(SegmentId::generate_random(), docs);
        let policy = merge_policy(true, Budget::BACKGROUND);
        let docs_of = |metas: &[tantivy::index::SegmentMeta], c: &tantivy::indexer::MergeCandidate| -> u32 {
            c.0.iter().map(|id| metas.iter().find(|m| m.id() == *id).unwrap().num_docs()).sum()
        };
        // 12 segments as one thread with 32 MB writes them, a merged one, the build's last
        let mut metas: Vec<_> = (0..12).map(|_| meta(2_700)).collect();
        metas.push(meta(13_500));
        metas.push(meta(900));
        let merges = policy.compute_merge_candidates(&metas);
        assert!(!merges.is_empty(), "13 small segments are merged");
        let mut taken = std::collections::HashSet::new();
        for c in &merges {
            assert!(c.0.len() >= 4, "a merge of {} segments", c.0.len());
            let docs = docs_of(&metas, c);
            assert!(docs <= BUILD_MERGE_DOCS, "a merge of {docs} articles");
            for id in &c.0 {
                assert!(taken.insert(*id), "a segment in two merges");
                assert_ne!(metas.iter().find(|m| m.id() == *id).unwrap().num_docs(), 13_500);
            }
        }
        // 13 small segments: the smallest with five others (14,400 articles), five (13,500);
        // two left for later
        assert_eq!(merges.len(), 2);
        // three small segments left: not merged until more come
        assert!(policy.compute_merge_candidates(&metas[..3]).is_empty());
    }

    /// git's racy rule: a file indexed within [`corpus::index::RACY_NS`] of the update's start
    /// could change again in the same clock tick without its stamp changing. Before, the
    /// stamps alone decided (the change was never seen); now such a file's content is
    /// compared: a change is found, the same content is no change, and once the file is older
    /// than an update's start it is trusted by its stamp again.
    #[test]
    fn a_racily_clean_file_is_compared_by_its_content() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, cache) = (tmp.path().join("c"), tmp.path().join("cache"));
        std::fs::create_dir_all(&root).unwrap();
        let f = root.join("a.md");
        std::fs::write(&f, "first text\n").unwrap();
        let roots = vec![root.clone()];
        let (mut ix, r) = FtsIndex::open_updated(&roots, Some(&cache), &|_, _| {}, &|| false).unwrap();
        assert_eq!(r.indexed, 1);
        let key = f.to_string_lossy().into_owned();
        // just written: racily clean, its content's hash in the commit (and read back)
        assert!(ix.racy.contains_key(&key));
        assert!(FtsIndex::open(&roots, &cache).unwrap().racy.contains_key(&key));
        // the same content: not a change, nothing indexed
        assert!(ix.changes(&roots).unwrap().is_fresh());
        assert_eq!(ix.update(&roots, &|_, _| {}, &|| false).unwrap().indexed, 0);
        // other bytes of the same size in the same clock tick: the stamp the index holds
        std::fs::write(&f, "other text\n").unwrap();
        let stamp = held(&ix, &key);
        let mut plan = Plan::new(false, corpus::index::now_ns());
        ix.plan_file(&mut plan, key.clone(), Some(&stamp), stamp, f.clone());
        assert_eq!(plan.todo.len(), 1, "a change hidden in the clock tick is found by the content");
        // a file older than the update's start: no longer racy, trusted by its stamp
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        std::fs::File::options().write(true).open(&f).unwrap().set_modified(old).unwrap();
        let r = ix.update(&roots, &|_, _| {}, &|| false).unwrap();
        assert_eq!((r.indexed, r.removed), (1, 1));
        assert!(ix.racy.is_empty(), "{:?}", ix.racy);
        let stamp = held(&ix, &key);
        let mut plan = Plan::new(false, corpus::index::now_ns());
        ix.plan_file(&mut plan, key, Some(&stamp), stamp, f);
        assert_eq!((plan.todo.len(), plan.unchanged, plan.racy.len()), (0, 1, 0));
    }
}
