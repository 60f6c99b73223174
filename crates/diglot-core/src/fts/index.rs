//! The full-text index on disk: a tantivy index in the cache folder beside the title index
//! (`$XDG_CACHE_HOME/diglot/fts-<hash of the roots>/`), with positions for every term of
//! [`super::tokens`], and per article its path, size, modification and change times and inode
//! (to update only changed files, as the title index decides), date, page, titles and character count (for the timelines' normalisation).
//!
//! Guarantees, as for the title index:
//! - checked against the files: [`FtsIndex::update`] stats every file and re-indexes the
//!   changed and new ones, drops the removed ones, in one commit;
//! - rebuilt when damaged: an index that does not open, was made by another version of the
//!   tokenizer or for other roots is deleted and built again;
//! - written atomically: a commit of tantivy replaces `meta.json` atomically, so a reader sees
//!   the old index or the new one; a second process that finds the writer lock taken uses the
//!   index as it is (and says so) instead of waiting.
//!
//! The seed articles (no path given) get an index in memory.

use super::tokens::{char_count, join_segments, TermTokenizer, TOKENIZER};
use crate::corpus::{self, Article, Parsed};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

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
    old: HashMap<String, corpus::index::Stamp>,
    removed: Vec<String>,
    todo: Vec<(String, corpus::index::Stamp, PathBuf)>,
    unchanged: usize,
}

/// Every file under `paths` (the seeds when empty) with its key and stamp. One folder is
/// walked and its files stated in parallel (the loader's walker and settings,
/// [`corpus::load::walk_builder`]); several roots go through [`corpus::load::discover`], which
/// lists a file under two roots once. A file that cannot be stated is left out.
fn stat_files(paths: &[PathBuf]) -> Vec<(String, corpus::index::Stamp, PathBuf)> {
    let stat = |p: PathBuf| -> Option<(String, corpus::index::Stamp, PathBuf)> {
        let stamp = if paths.is_empty() {
            corpus::index::Stamp {
                size: corpus::seeds::get(&p).map_or(0, |b| b.len() as u64),
                ..corpus::index::Stamp::default()
            }
        } else {
            corpus::index::Stamp::of(&std::fs::metadata(&p).ok()?)
        };
        Some((p.to_string_lossy().into_owned(), stamp, p))
    };
    let [root] = paths else {
        let (files, _) = corpus::load::discover(paths);
        return files.into_par_iter().filter_map(stat).collect();
    };
    let (tx, rx) = std::sync::mpsc::channel();
    corpus::load::walk_builder(root).build_parallel().run(|| {
        let tx = tx.clone();
        let stat = &stat;
        Box::new(move |e| {
            let file = e.ok().filter(|e| e.file_type().is_some_and(|t| t.is_file()));
            if let Some(x) = file.and_then(|e| stat(e.into_path())) {
                // the receiver lives until the walk is over
                let _ = tx.send(x);
            }
            ignore::WalkState::Continue
        })
    });
    drop(tx);
    rx.into_iter().collect()
}

/// An open full-text index.
pub struct FtsIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    dir: Option<PathBuf>,
    roots: Vec<PathBuf>,
}

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
}

impl Budget {
    /// The foreground build: two threads, 256 MB.
    pub const FOREGROUND: Budget = Budget { threads: 2, heap_bytes: 256_000_000 };
    /// The reader's background build: one thread, 32 MB (more, smaller segments; merged by
    /// tantivy's merge policy as usual).
    pub const BACKGROUND: Budget = Budget { threads: 1, heap_bytes: 32_000_000 };
}

/// The payload of every commit: what the index was built by and for.
fn payload(roots: &[PathBuf]) -> String {
    let roots: Vec<String> = roots.iter().map(|r| r.to_string_lossy().into_owned()).collect();
    serde_json::json!({ "version": FTS_VERSION, "parser": corpus::index::parser_fingerprint(), "roots": roots })
        .to_string()
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
        index.tokenizers().register(TOKENIZER, TermTokenizer);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(FtsIndex { index, reader, fields, dir, roots })
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
        if metas.payload.as_deref() != Some(payload(&roots).as_str()) {
            return Err(FtsError::Other("the index was made by another version of diglot".into()));
        }
        let ix = FtsIndex::from_index(index, Some(dir), roots)?;
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
        let searcher = self.reader.searcher();
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

    /// The stamps of the indexed files, by path: per segment the path column's dictionary
    /// read once, in order (a term's ordinal is its rank), and the stamp columns by document
    /// (no lookup per document in the dictionary).
    fn stamps(&self) -> Result<HashMap<String, corpus::index::Stamp>, FtsError> {
        let searcher = self.reader.searcher();
        let mut map = HashMap::with_capacity(searcher.num_docs() as usize);
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            let Some(paths) = ff.str("path")? else { continue };
            let mut names: Vec<Option<String>> = Vec::with_capacity(paths.dictionary().num_terms());
            let mut stream = paths.dictionary().stream()?;
            while stream.advance() {
                names.push(Some(String::from_utf8_lossy(stream.key()).into_owned()));
            }
            let size = ff.u64("size")?;
            let mtime = ff.i64("mtime")?;
            let ctime = ff.i64("ctime")?;
            let ino = ff.u64("ino")?;
            let alive = seg.alive_bitset();
            for doc in 0..seg.max_doc() {
                if alive.is_some_and(|b| !b.is_alive(doc)) {
                    continue;
                }
                let Some(ord) = paths.term_ords(doc).next() else { continue };
                // a path is one document's (a deleted one's path may be another's: not taken)
                let Some(name) = names.get_mut(ord as usize).and_then(Option::take) else { continue };
                let stamp = corpus::index::Stamp {
                    size: size.first(doc).unwrap_or(0),
                    mtime_ns: i128::from(mtime.first(doc).unwrap_or(0)),
                    ctime_ns: i128::from(ctime.first(doc).unwrap_or(0)),
                    ino: ino.first(doc).unwrap_or(0),
                };
                map.insert(name, stamp);
            }
        }
        Ok(map)
    }

    /// What an update of `paths` would do, without doing it: the index is fresh when
    /// [`Changes::is_fresh`]. Walks the folders and stats every file (no file is read).
    pub fn changes(&self, paths: &[PathBuf]) -> Result<Changes, FtsError> {
        let plan = self.plan(paths)?;
        let changed = plan.todo.iter().filter(|n| plan.old.contains_key(&n.0)).count();
        Ok(Changes {
            changed,
            added: plan.todo.len() - changed,
            removed: plan.removed.len(),
            unchanged: plan.unchanged,
        })
    }

    /// The files to (re-)index and to drop.
    fn plan(&self, paths: &[PathBuf]) -> Result<Plan, FtsError> {
        let old = self.stamps()?;
        let now = stat_files(paths);
        let present: std::collections::HashSet<&str> = now.iter().map(|n| n.0.as_str()).collect();
        let removed: Vec<String> = old.keys().filter(|k| !present.contains(k.as_str())).cloned().collect();
        drop(present);
        let n = now.len();
        let mut todo: Vec<(String, corpus::index::Stamp, PathBuf)> =
            now.into_iter().filter(|n| old.get(&n.0) != Some(&n.1)).collect();
        // in name order (the walk is parallel): neighbours indexed together
        todo.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok(Plan { unchanged: n - todo.len(), old, removed, todo })
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
        let Plan { old, removed, todo, unchanged } = self.plan(paths)?;
        let mut report = UpdateReport { unchanged, ..UpdateReport::default() };
        if removed.is_empty() && todo.is_empty() {
            return Ok(report);
        }
        let mut writer: IndexWriter<TantivyDocument> = match self.index.writer_with_num_threads(
            budget.threads.max(1),
            budget.heap_bytes.max(15_000_000 * budget.threads.max(1)),
        ) {
            Ok(w) => w,
            Err(tantivy::TantivyError::LockFailure(..)) => return Err(FtsError::Busy),
            Err(e) => return Err(e.into()),
        };
        // Merges: a build from nothing with big in-memory segments (64 MB a thread or more: the
        // foreground budget) merges none, since every merge rewrites what was just written and
        // the segments are few (some 20 at 430,000 articles); otherwise tantivy's log merge
        // policy, leaving segments over 20,000 articles alone, so that an update's small
        // segments merge among themselves and never make an update rewrite the big ones.
        if old.is_empty() && budget.heap_bytes / budget.threads.max(1) >= 64_000_000 {
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        } else {
            let mut policy = tantivy::indexer::LogMergePolicy::default();
            policy.set_max_docs_before_merge(20_000);
            writer.set_merge_policy(Box::new(policy));
        }
        for k in &removed {
            writer.delete_term(Term::from_field_text(self.fields.path, k));
        }
        for n in &todo {
            if old.contains_key(&n.0) {
                writer.delete_term(Term::from_field_text(self.fields.path, &n.0));
            }
        }
        report.removed = removed.len() + todo.iter().filter(|n| old.contains_key(&n.0)).count();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let total = todo.len();
        let f = self.fields;
        let failed = std::sync::Mutex::new(None);
        todo.par_iter().for_each(|(key, stamp, path)| {
            if cancel() || failed.lock().is_ok_and(|e| e.is_some()) {
                return;
            }
            let doc = match corpus::read_source(path) {
                Err(_) => return, // unreadable: not indexed, tried again next time
                Ok(bytes) => match corpus::parse_vec(path, bytes.into_owned()) {
                    Parsed::Article(a) => article_doc(&f, key, *stamp, &a),
                    Parsed::NotArticle(_) => other_doc(&f, key, *stamp),
                },
            };
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
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload(&self.roots));
        prepared.commit()?;
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(report)
    }
}
