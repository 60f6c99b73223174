//! A background search thread that owns the index, so the UI thread never waits for
//! matching (nor for a lock).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::index::{Hits, SearchIndex};
use super::query::Query;
use super::store::{SearchData, TitleBatch};
use crate::corpus::index::Records;

/// A search result, as delivered by [`SearchWorker::try_recv`]: first the count and the
/// first hits ranked ([`Hits::is_complete`] false when more match), then, unless a newer
/// query came first, the same result completely ranked (same generation).
#[derive(Clone, Debug)]
pub struct SearchResult {
    /// The value [`SearchWorker::submit`] returned for this query.
    pub generation: u64,
    /// The query string, the hits in rank order (all, or the first ones), how many match
    /// and how many items were searched.
    pub hits: Arc<Hits>,
}

/// How many hits a search ranks before it delivers its first result, unless
/// [`SearchWorker::set_first`] says otherwise: more than a tall terminal's list shows.
pub const FIRST: usize = 200;

/// How long the worker has had no command before it makes what answers a first letter
/// ([`SearchIndex::prepare_step`]): past a warm open's first frames and list.
const PREPARE_AFTER: Duration = Duration::from_secs(1);

/// How long the worker has had no command before it adds the titles it holds back (see
/// [`SearchWorker::push_titles`]): a cold open's loader sends a batch every few
/// milliseconds, so they are added once the list is whole.
pub(crate) const TITLES_AFTER: Duration = Duration::from_millis(250);

/// Titles held back that are added at a time, their pinyin made on the matching threads
/// (see [`SearchWorker::push_titles`]): ~10 ms of CPU, the most a query that comes meanwhile
/// waits (a few in tests, so that the small indexes tested are added in several chunks).
const HELD_CHUNK: usize = if cfg!(test) { 3 } else { 1 << 14 };

/// Items added on the worker thread (see [`SearchWorker::push_with`]).
type Fill = Box<dyn FnOnce(&mut SearchIndex) + Send>;

/// What another thread reads on the worker thread (see [`WorkerTitles`]), once every title
/// pushed is added.
type Read = Box<dyn FnOnce(&SearchIndex) + Send>;

/// Records whose search data [`WorkerTitles::write_search_data`] makes in one read: ~15 ms
/// of the worker's time, the most a query that comes meanwhile waits.
const READ_CHUNK: u32 = if cfg!(test) { 4 } else { 1 << 15 };

/// A title for [`SearchWorker::push_titles`]: its strings, or where it is in a batch whose
/// search data was made where it was parsed (nothing is computed again for it).
#[derive(Clone, Debug)]
pub enum Title {
    /// The English title, the Chinese title (with its subtitle) and the sort key.
    Text(String, String, u64),
    /// Title `k` of a batch, and the sort key.
    Made(Arc<TitleBatch>, usize, u64),
}

enum Command {
    Push(Vec<(String, String, u64)>),
    PushTitles(Vec<Title>),
    Fill(usize, Fill),
    SetSortKey(u32, u64),
    SetFirst(usize),
    Query(u64, String),
    Read(Read),
    /// A reader of the titles is using what it read (see [`WorkerTitles::written`]): the
    /// worker's background work waits meanwhile.
    Reading(bool),
    /// A cold open's load is going on (see [`SearchWorker::loading`]).
    Loading(bool),
}

/// The worker's commands, shared with its [`WorkerTitles`]: `None` once the worker is
/// dropped (its thread ends then, whoever holds a handle).
type Commands = Arc<Mutex<Option<Sender<Command>>>>;

fn send_to(commands: &Commands, c: Command) {
    if let Some(tx) = commands.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref() {
        // The worker only stops when dropped; a send error means it panicked.
        let _ = tx.send(c);
    }
}

/// A handle on a [`SearchWorker`]'s titles for another thread ([`SearchWorker::titles`]):
/// the title index's writer takes the pinyin the worker made for a cold open's titles
/// instead of computing it a second time.
#[derive(Clone)]
pub struct WorkerTitles {
    commands: Commands,
}

impl WorkerTitles {
    /// Runs `read` on the worker's thread once every title pushed so far is added, and
    /// gives what it gives; `None` when the worker is gone.
    fn on_worker<T: Send + 'static>(
        &self,
        read: impl FnOnce(&SearchIndex) -> T + Send + 'static,
    ) -> Option<T> {
        let (tx, rx) = mpsc::channel();
        let read = move |index: &SearchIndex| {
            let _ = tx.send(read(index));
        };
        send_to(&self.commands, Command::Read(Box::new(read)));
        rx.recv().ok()
    }

    /// Gives `out` the title search data of `cat`'s records (a catalog's, or a cold open's
    /// joined from the list's catalog: [`Records`]) as [`SearchData::write_to`]
    /// writes [`SearchData::of_catalog`]'s (the same bytes), in pieces, never held whole:
    /// record `id`'s pinyin, initials and masks copied from the worker's item `at[id]` when
    /// it holds the record's titles, computed otherwise (`at[id]` = `u32::MAX` or out of
    /// range: no item). Made on the worker's thread once every title pushed so far is added,
    /// [`READ_CHUNK`] records at a time (a query that comes meanwhile waits for a chunk, not
    /// for them all), three times over (the text's length, the items, the text); blocks
    /// until then. `None` when the worker is gone before anything was given to `out`.
    pub fn write_search_data(
        &self,
        cat: Records,
        at: Vec<u32>,
        out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    ) -> Option<std::io::Result<()>> {
        let at = Arc::new(at);
        let n = u32::try_from(cat.len()).ok()?;
        let chunks: Vec<std::ops::Range<u32>> =
            (0..n).step_by(READ_CHUNK as usize).map(|a| a..a.saturating_add(READ_CHUNK).min(n)).collect();
        send_to(&self.commands, Command::Reading(true));
        // records `ids`, the text before them `base` bytes long: their items when asked for,
        // and their text
        let piece = |ids: std::ops::Range<u32>, base: usize, items: bool| {
            let (cat, at) = (cat.clone(), Arc::clone(&at));
            self.on_worker(move |index: &SearchIndex| {
                let made = |id: u32| at.get(id as usize).and_then(|&k| index.made(k as usize));
                let mut bytes = Vec::new();
                let text = SearchData::encode_records(&cat, ids, made, base, items.then_some(&mut bytes));
                (bytes, text)
            })
        };
        let mut bases = Vec::with_capacity(chunks.len());
        let mut len = 0usize;
        for ids in &chunks {
            bases.push(len);
            let (cat, at, ids) = (cat.clone(), Arc::clone(&at), ids.clone());
            len += self.on_worker(move |index: &SearchIndex| {
                let made = |id: u32| at.get(id as usize).and_then(|&k| index.made(k as usize));
                SearchData::encode_records(&cat, ids, made, 0, None).len()
            })?;
        }
        let gone = || std::io::Error::other("the title search stopped");
        let mut write = || -> std::io::Result<()> {
            out(&(len as u64).to_le_bytes())?;
            for (ids, &base) in chunks.iter().zip(&bases) {
                out(&piece(ids.clone(), base, true).ok_or_else(gone)?.0)?;
            }
            for (ids, &base) in chunks.iter().zip(&bases) {
                out(piece(ids.clone(), base, false).ok_or_else(gone)?.1.as_bytes())?;
            }
            Ok(())
        };
        Some(write())
    }

    /// Says that what [`Self::write_search_data`] gave has been used (the title index written): the
    /// worker's own background work ([`SearchIndex::prepare_step`], ~11 MB at 430,000
    /// titles), which waits from the first read until then, is done [`PREPARE_AFTER`] from
    /// now, not beside the write (a cold open's peak).
    pub fn written(&self) {
        send_to(&self.commands, Command::Reading(false));
    }
}

/// Runs searches on its own thread (matching itself on a rayon pool of its own), always for
/// the newest query: submitting a query cancels the one in progress. Each search is
/// delivered twice: at once with the count and the first hits ranked
/// ([`SearchIndex::search_first`], [`FIRST`] of them), then completely ranked
/// ([`SearchIndex::complete`], in the background, cancelled by the next query). A query
/// that narrows the previous one (typing on) is searched within the previous hits. Items can be added
/// while it runs; the current query's result is then brought up to date (only the new items
/// are matched), and delivered again with a larger `searched`.
///
/// Every delivered result is announced by calling the `notify` closure given to
/// [`SearchWorker::new`] (from the worker thread), e.g. to send a message into the UI's
/// event channel so the event loop can block on one channel.
pub struct SearchWorker {
    commands: Commands,
    results: Receiver<SearchResult>,
    generation: Arc<AtomicU64>,
    len: AtomicUsize,
    thread: Option<JoinHandle<()>>,
}

impl SearchWorker {
    /// Starts the worker with `index` (possibly empty) and one matching thread per core.
    pub fn new(index: SearchIndex, notify: impl Fn() + Send + 'static) -> Self {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::with_threads(index, threads, notify)
    }

    /// Starts the worker with `threads` matching threads.
    pub fn with_threads(index: SearchIndex, threads: usize, notify: impl Fn() + Send + 'static) -> Self {
        let (commands, command_rx) = mpsc::channel();
        let (result_tx, results) = mpsc::channel();
        let generation = Arc::new(AtomicU64::new(0));
        let len = AtomicUsize::new(index.len());
        // Without threads there is no search at all; the reader cannot go on without one, and
        // the OS refusing a thread at startup is not something bad input can cause.
        #[allow(clippy::expect_used)]
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("search-{i}"))
            .build()
            .expect("cannot start search threads");
        let gen = Arc::clone(&generation);
        #[allow(clippy::expect_used)] // as above
        let thread = std::thread::Builder::new()
            .name("search".into())
            .spawn(move || run(index, pool, command_rx, result_tx, gen, notify))
            .expect("cannot start the search thread");
        let commands = Arc::new(Mutex::new(Some(commands)));
        SearchWorker { commands, results, generation, len, thread: Some(thread) }
    }

    fn send(&self, c: Command) {
        send_to(&self.commands, c);
    }

    /// A handle on the titles for another thread (see [`WorkerTitles`]).
    pub fn titles(&self) -> WorkerTitles {
        WorkerTitles { commands: Arc::clone(&self.commands) }
    }

    /// Adds an item (see [`SearchIndex::push`]); returns its index.
    pub fn push(&self, title_en: String, title_zh: String, sort_key: u64) -> u32 {
        self.push_batch(vec![(title_en, title_zh, sort_key)]).start
    }

    /// Adds items `(title_en, title_zh, sort_key)`; returns their indices.
    pub fn push_batch(&self, items: Vec<(String, String, u64)>) -> std::ops::Range<u32> {
        let start = self.len.fetch_add(items.len(), Ordering::SeqCst) as u32;
        let end = start + items.len() as u32;
        self.send(Command::Push(items));
        start..end
    }

    /// Adds titles, each given by its strings or made already (see [`Title`]); returns their
    /// indices. While no query has been submitted they are held back (their pinyin, when it
    /// was not made, is not computed yet) until the worker has had no command for
    /// [`TITLES_AFTER`], or a query or a read of the titles ([`WorkerTitles`]) comes: a cold
    /// open's titles, sent a batch at a time, are added once the list is whole, off the cores
    /// the loading needs. They are added [`HELD_CHUNK`] at a time, their pinyin made on the
    /// matching threads: a query that comes meanwhile is answered at once with the titles
    /// added so far, and again once they are all added (a query that comes right after such
    /// an answer waits for the next chunk: a burst of keys does not starve the adding, and
    /// of the queries queued meanwhile only the newest is answered); another command (more titles, a
    /// catalog, a sort key) waits until they are all added.
    pub fn push_titles(&self, items: Vec<Title>) -> std::ops::Range<u32> {
        let start = self.len.fetch_add(items.len(), Ordering::SeqCst) as u32;
        let end = start + items.len() as u32;
        self.send(Command::PushTitles(items));
        start..end
    }

    /// Says that a cold open's load is going on (`true`) or has ended (`false`). Meanwhile
    /// the titles held back ([`Self::push_titles`]) are not added when the worker has had no
    /// command for [`TITLES_AFTER`], only when a query or a read comes: on a busy machine the
    /// loader's batches came more than that apart, and the titles' pinyin was made on the
    /// cores the load needs, before the list was whole (session 17: 0.1–0.4 s of CPU at
    /// 430,000 titles). Once it has ended they are added [`TITLES_AFTER`] later, as before.
    pub fn loading(&self, on: bool) {
        self.send(Command::Loading(on));
    }

    /// Adds `n` items on the worker thread: `fill` must call [`SearchIndex::push`] exactly
    /// `n` times (it may borrow nothing from the caller: give it shared data, e.g. an `Arc`
    /// of the titles). The titles are neither copied nor their pinyin computed on the caller's
    /// thread. Returns the items' indices.
    pub fn push_with(
        &self,
        n: usize,
        fill: impl FnOnce(&mut SearchIndex) + Send + 'static,
    ) -> std::ops::Range<u32> {
        let start = self.len.fetch_add(n, Ordering::SeqCst) as u32;
        self.send(Command::Fill(n, Box::new(fill)));
        start..start + n as u32
    }

    /// Adds the records of a catalog as items `0..cat.len()` on the worker thread
    /// ([`SearchIndex::set_base`]: the titles borrowed from the catalog, the pinyin from the
    /// search data read with it from the title index, made there when it has none).
    /// Returns the items' indices.
    pub fn push_catalog(&self, cat: Arc<crate::corpus::Catalog>) -> std::ops::Range<u32> {
        let n = cat.len();
        let data = cat.search_data().cloned();
        self.push_with(n, move |index| index.set_base(cat, data))
    }

    /// Number of items added so far (including ones the worker has not indexed yet).
    pub fn len(&self) -> usize {
        self.len.load(Ordering::SeqCst)
    }

    /// True if no item was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Changes an item's sort key; the current result is re-ranked and delivered again.
    pub fn set_sort_key(&self, idx: u32, key: u64) {
        self.send(Command::SetSortKey(idx, key));
    }

    /// How many hits a search ranks before its first delivery (at least 1; see [`FIRST`]).
    pub fn set_first(&self, first: usize) {
        self.send(Command::SetFirst(first.max(1)));
    }

    /// Searches for `query` (fzf syntax, see [`Query`]), cancelling the search in progress.
    /// Returns the generation its result will carry.
    pub fn submit(&self, query: &str) -> u64 {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.send(Command::Query(generation, query.to_string()));
        generation
    }

    /// Every result delivered since the last call, oldest first (the worker's tests).
    #[cfg(test)]
    pub(crate) fn recv_all(&self) -> Vec<SearchResult> {
        self.results.try_iter().collect()
    }

    /// The newest delivered result, if any arrived since the last call (older ones are
    /// dropped). Never blocks.
    pub fn try_recv(&self) -> Option<SearchResult> {
        let mut newest = None;
        while let Ok(r) = self.results.try_recv() {
            newest = Some(r);
        }
        newest
    }
}

impl Drop for SearchWorker {
    fn drop(&mut self) {
        // Cancel the search in progress and close the channel: the thread exits.
        self.generation.fetch_add(1, Ordering::SeqCst);
        *self.commands.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Adds titles to the index, in order.
fn add(index: &mut SearchIndex, items: Vec<Title>) {
    for t in items {
        match t {
            Title::Text(en, zh, key) => index.push(&en, &zh, key),
            Title::Made(batch, k, key) => index.push_made(&batch, k, key),
        };
    }
}

/// Titles held back by the worker (see [`SearchWorker::push_titles`]): their strings copied
/// on the worker's thread as they come, a piece per push, so that the batches they came in
/// are let go of at once (a batch held until the load is done was memory freed by another
/// thread than the loader's that made it, which the allocator gave back only once that
/// thread ran again: up to ~60 MB at 430,000 titles, on top of the index's write), and
/// each piece is let go of as soon as its titles are added.
#[derive(Default)]
struct Held {
    pieces: std::collections::VecDeque<HeldPiece>,
    /// Whether the index has room for every title held (made at the first chunk added).
    room: bool,
}

/// Titles of one push held back: their strings back to back, and per title where its
/// English title ends, where its Chinese title ends and its sort key; `next`: how many of
/// them are added already.
#[derive(Default)]
struct HeldPiece {
    text: String,
    titles: Vec<(u32, u32, u64)>,
    next: usize,
}

impl Held {
    fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Holds `items` back (titles alone, or strings); titles whose search data was made
    /// already are added at once, after what is held (nothing to compute: they cost
    /// nothing to add).
    fn hold(&mut self, index: &mut SearchIndex, items: Vec<Title>) {
        let plain = |t: &Title| match t {
            Title::Text(..) => true,
            Title::Made(b, ..) => b.is_plain(),
        };
        if !items.iter().all(plain) {
            self.add_to(index, None);
            add(index, items);
            return;
        }
        let mut piece = HeldPiece { text: String::new(), titles: Vec::with_capacity(items.len()), next: 0 };
        let mut put = |en: &str, zh: &str, key: u64| {
            piece.text.push_str(en);
            let en_end = piece.text.len() as u32;
            piece.text.push_str(zh);
            piece.titles.push((en_end, piece.text.len() as u32, key));
        };
        for t in &items {
            match t {
                Title::Text(en, zh, key) => put(en, zh, *key),
                Title::Made(b, k, key) => {
                    let (en, zh) = b.titles(*k).unwrap_or(("", ""));
                    put(en, zh, *key);
                }
            }
        }
        drop(items);
        piece.text.shrink_to_fit();
        self.pieces.push_back(piece);
    }

    /// Adds everything held to the index, in order (each piece let go of once added).
    fn add_to(&mut self, index: &mut SearchIndex, pool: Option<&rayon::ThreadPool>) {
        while !self.is_empty() {
            self.add_chunk(index, pool, usize::MAX);
        }
    }

    /// Adds the next `max` titles held (at most: those of the first piece left), in order:
    /// their pinyin made on `pool`'s threads, a part each, then the items copied into the
    /// index ([`SearchIndex::push_made`]: the same items as [`SearchIndex::push`] makes).
    fn add_chunk(&mut self, index: &mut SearchIndex, pool: Option<&rayon::ThreadPool>, max: usize) {
        use rayon::prelude::*;
        if !self.room {
            // room for them all at once: their titles, and their pinyin, initials and syllable
            // lengths (at most 8 bytes a Chinese character, 3 bytes)
            let (mut titles, mut bytes) = (0usize, 0usize);
            for p in &self.pieces {
                let mut end = p.next.checked_sub(1).and_then(|k| p.titles.get(k)).map_or(0, |t| t.1);
                for &(en_end, zh_end, _) in p.titles.get(p.next..).unwrap_or_default() {
                    let (en, zh) =
                        (en_end.saturating_sub(end) as usize, zh_end.saturating_sub(en_end) as usize);
                    (titles, bytes, end) = (titles + 1, bytes + en + 4 * zh, zh_end);
                }
            }
            index.reserve(titles, bytes);
            self.room = true;
        }
        let Some(piece) = self.pieces.front_mut() else { return };
        let end = piece.next.saturating_add(max).min(piece.titles.len());
        let titles = piece.titles.get(piece.next..end).unwrap_or_default();
        // where the first title's strings start: where the title before ends
        let start = piece.next.checked_sub(1).and_then(|k| piece.titles.get(k)).map_or(0, |t| t.1 as usize);
        let parts = pool.map_or(1, rayon::ThreadPool::current_num_threads).max(1);
        // each part's batch made here, with room for its titles and their pinyin (~2 bytes
        // a byte of Chinese), so that it is freed by the thread that made it: a block a
        // matching thread made and this one freed stayed resident until that thread ran
        // again (mimalloc), ~5 MB idle at 430,000 titles
        let mut jobs = Vec::with_capacity(parts);
        let mut at = start;
        for part in titles.chunks(titles.len().div_ceil(parts).max(1)) {
            let end = part.last().map_or(at, |t| t.1 as usize);
            let zh: usize = part.iter().map(|t| t.1.saturating_sub(t.0) as usize).sum();
            let room = (end - at).saturating_add(zh.saturating_mul(2)).saturating_add(part.len() * 8);
            jobs.push((at, part, TitleBatch::with_capacity(part.len(), room)));
            at = end;
        }
        let text = piece.text.as_str();
        let parts: Vec<&[(u32, u32, u64)]> = jobs.iter().map(|j| j.1).collect();
        let make = |(mut at, part, mut batch): (usize, &[(u32, u32, u64)], TitleBatch)| {
            for &(en_end, zh_end, _) in part {
                let (en_end, zh_end) = (en_end as usize, zh_end as usize);
                batch.push(text.get(at..en_end).unwrap_or(""), text.get(en_end..zh_end).unwrap_or(""));
                at = zh_end;
            }
            batch
        };
        let batches: Vec<TitleBatch> = match pool {
            Some(pool) if jobs.len() > 1 => pool.install(|| jobs.into_par_iter().map(make).collect()),
            _ => jobs.into_iter().map(make).collect(),
        };
        for (part, batch) in parts.iter().zip(&batches) {
            for (k, &(_, _, key)) in part.iter().enumerate() {
                index.push_made(batch, k, key);
            }
        }
        drop(batches);
        piece.next = end;
        if piece.next >= piece.titles.len() {
            self.pieces.pop_front();
        }
        if self.pieces.is_empty() {
            self.room = false;
        }
    }
}

fn run(
    mut index: SearchIndex,
    pool: rayon::ThreadPool,
    commands: Receiver<Command>,
    results: Sender<SearchResult>,
    generation: Arc<AtomicU64>,
    notify: impl Fn(),
) {
    let mut current: Option<(u64, Query)> = None;
    let mut last: Option<Arc<Hits>> = None;
    let mut first = FIRST;
    let mut reordered = false;
    let mut dirty = false;
    let mut last_command = Instant::now();
    // titles pushed while no query was ever submitted, not added yet (see `push_titles`)
    let mut held = Held::default();
    // reads waiting for the held titles to be added, and for the current query's result
    let mut reads: std::collections::VecDeque<Read> = std::collections::VecDeque::new();
    // a reader of the titles is using what it read: no background work meanwhile
    let mut reading = false;
    // a cold open's load goes on: the held titles wait for its end (or a query, or a read)
    let mut loading = false;
    // a result was delivered on the titles added so far since the last chunk of held titles
    // was added: a newer query waits for the next chunk (a burst of keys typed during the
    // adding was a search each, back to back, the adding starved until the keys stopped)
    let mut answered_part = false;
    loop {
        // The current query's result is found but not ranked completely yet (and no newer
        // query cancelled it): rank the rest unless something is queued.
        let rest_due = match (&current, &last) {
            (Some((g, q)), Some(l)) => {
                generation.load(Ordering::SeqCst) == *g
                    && !l.is_complete()
                    && !reordered
                    && l.query == q.as_str()
                    && l.searched == index.len()
            }
            _ => false,
        };
        // Block when idle; otherwise take whatever is queued, then search once (or, with
        // nothing else to do for `TITLES_AFTER`, add the titles held back; for
        // `PREPARE_AFTER`, make a part of what answers a first letter: the lowest priority,
        // after the list a warm open gives has been drawn).
        let prepare_due = !reading && index.prepare_pending();
        // the held titles are added a chunk at a time, at once when a query or a read waits
        // for them, else once the worker has had no command for `TITLES_AFTER`
        let held_now = !held.is_empty() && (current.is_some() || !reads.is_empty());
        let first_command = if dirty || rest_due || held_now || !reads.is_empty() {
            match commands.try_recv() {
                Ok(c) => Some(c),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else if !held.is_empty() && !loading {
            match commands.recv_timeout(TITLES_AFTER.saturating_sub(last_command.elapsed())) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else if prepare_due {
            match commands.recv_timeout(PREPARE_AFTER.saturating_sub(last_command.elapsed())) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match commands.recv() {
                Ok(c) => Some(c),
                Err(_) => return,
            }
        };
        for c in first_command.into_iter().chain(std::iter::from_fn(|| commands.try_recv().ok())) {
            last_command = Instant::now();
            // (a read changes nothing of the current result)
            let quiet = matches!(c, Command::Read(_) | Command::Reading(_) | Command::Loading(_));
            match &c {
                Command::PushTitles(_) if current.is_none() => {}
                // a query is answered with the titles added so far, brought up to date as
                // the rest are added (a chunk at a time, below): it does not wait for them all
                Command::SetFirst(_)
                | Command::Query(..)
                | Command::Read(_)
                | Command::Reading(_)
                | Command::Loading(_) => {}
                _ => held.add_to(&mut index, Some(&pool)),
            }
            match c {
                Command::Push(items) => {
                    for (en, zh, key) in items {
                        index.push(&en, &zh, key);
                    }
                }
                Command::PushTitles(items) if current.is_none() => held.hold(&mut index, items),
                Command::PushTitles(items) => add(&mut index, items),
                Command::Fill(n, fill) => {
                    let want = index.len() + n;
                    fill(&mut index);
                    // the ids handed out must stay the indices: pad or stop at `n`
                    while index.len() < want {
                        index.push("", "", u64::MAX);
                    }
                }
                Command::SetSortKey(idx, key) => {
                    if (idx as usize) < index.len() {
                        index.set_sort_key(idx, key);
                        reordered = true;
                    }
                }
                Command::SetFirst(k) => first = k,
                Command::Query(g, s) => current = Some((g, Query::parse(&s))),
                Command::Read(read) => reads.push_back(read),
                Command::Reading(on) => reading = on,
                Command::Loading(on) => loading = on,
            }
            dirty |= !quiet;
        }
        if !held.is_empty()
            && (!dirty || answered_part)
            && (current.is_some()
                || !reads.is_empty()
                || (!loading && last_command.elapsed() >= TITLES_AFTER))
        {
            held.add_chunk(&mut index, Some(&pool), HELD_CHUNK);
            answered_part = false;
            // the current query's result, with every title (answered at once with the titles
            // added so far, it is not searched again until they are all added: each search of
            // a part delayed the whole one); a query that came since the last answer is
            // answered after this chunk (on the titles added so far), the newest of them only
            dirty = current.is_some() && (dirty || held.is_empty());
            continue;
        }
        // a read once the titles are all added and the current query's result is delivered
        // whole (a query typed while the title index is written waits for a read, ~15 ms;
        // the index's write, at nice 19, for the query)
        if held.is_empty() && !dirty && !rest_due {
            if let Some(read) = reads.pop_front() {
                read(&index);
                continue;
            }
        }
        if !dirty && !rest_due && prepare_due && last_command.elapsed() >= PREPARE_AFTER {
            pool.install(|| index.prepare_step());
            continue;
        }
        let Some((gen, q)) = &current else {
            dirty = false;
            continue;
        };
        // Superseded searches return `None`: the newer query is (or will shortly be) in the
        // channel.
        let cancel = || generation.load(Ordering::SeqCst) != *gen;
        let up_to_date =
            last.as_ref().filter(|l| !reordered && l.query == q.as_str() && l.searched == index.len());
        let hits = if dirty {
            dirty = false;
            match up_to_date {
                // the same query again (or nothing that changes it): delivered again, its rest
                // ranked next if it is not yet
                Some(l) => Arc::clone(l),
                None => match pool.install(|| index.search_first(q, last.as_deref(), first, &cancel)) {
                    Some(h) => Arc::new(h),
                    None => continue,
                },
            }
        } else {
            match up_to_date.filter(|l| !l.is_complete()) {
                Some(l) => match pool.install(|| index.complete(l, &cancel)) {
                    Some(h) => Arc::new(h),
                    None => continue,
                },
                None => continue,
            }
        };
        reordered = false;
        answered_part = !held.is_empty();
        last = Some(Arc::clone(&hits));
        if results.send(SearchResult { generation: *gen, hits }).is_err() {
            return;
        }
        notify();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::store::Item;

    /// A burst of keys typed while a cold open's held titles are being added (session 14):
    /// each query that comes right after an answer on the titles added so far waits for the
    /// next chunk, so that the answers never starve the adding: the partial answers are on
    /// ever more titles, and the last query's whole answer is the search of every title. The
    /// next query is submitted from `notify`, on the worker's thread, as each answer is
    /// delivered: it is queued before the worker looks again (before session 14 each was
    /// searched at once on the same titles, none added until the burst ended).
    #[test]
    fn a_burst_of_queries_during_the_adding_answers_each_on_more_titles() {
        type Hook = Arc<Mutex<Option<Box<dyn FnMut() + Send>>>>;
        let titles: Vec<Title> = (0..40)
            .map(|k| Title::Text(format!("Renmin report {k}"), format!("人民日报第{k}期"), k))
            .collect();
        let n = titles.len();
        let hook: Hook = Arc::new(Mutex::new(None));
        let h = Arc::clone(&hook);
        let worker = SearchWorker::with_threads(SearchIndex::new(), 2, move || {
            if let Some(f) = h.lock().unwrap().as_mut() {
                f();
            }
        });
        worker.push_titles(titles);
        let queries = ["re", "ren", "renm", "renmi", "renmin"];
        let (commands, generation) = (Arc::clone(&worker.commands), Arc::clone(&worker.generation));
        let mut next = 0;
        *hook.lock().unwrap() = Some(Box::new(move || {
            if let Some(q) = queries.get(next) {
                let g = generation.fetch_add(1, Ordering::SeqCst) + 1;
                send_to(&commands, Command::Query(g, (*q).to_string()));
                next += 1;
            }
        }));
        let first = worker.submit("r");
        let last = first + queries.len() as u64;
        let mut got = Vec::new();
        let end = Instant::now() + Duration::from_secs(20);
        while !got.last().is_some_and(|r: &SearchResult| {
            r.generation == last && r.hits.searched == n && r.hits.is_complete()
        }) {
            assert!(Instant::now() < end, "no complete answer to the last query: {got:?}");
            got.extend(worker.recv_all());
            std::thread::sleep(Duration::from_millis(1));
        }
        let parts: Vec<(u64, usize)> =
            got.iter().filter(|r| r.hits.searched < n).map(|r| (r.generation, r.hits.searched)).collect();
        assert!(!parts.is_empty(), "the first query answered on the titles added so far: {got:?}");
        for w in parts.windows(2) {
            assert!(w[0].1 < w[1].1, "a chunk added between two answers on part of the titles: {parts:?}");
        }
        // the whole answer is the search of every title
        let mut all = SearchIndex::new();
        for k in 0..n {
            all.push(&format!("Renmin report {k}"), &format!("人民日报第{k}期"), k as u64);
        }
        let want = all.search(&Query::parse("renmin"), None, &|| false).unwrap();
        let ids = |h: &Hits| h.hits.iter().map(|h| (h.idx, h.score)).collect::<Vec<_>>();
        let whole = got.last().unwrap();
        assert_eq!((ids(&whole.hits), whole.hits.total), (ids(&want), want.total));
        assert!(want.total > 0);
    }

    /// Titles held back and added a chunk at a time (session 13: a query waits for a chunk,
    /// not for them all), their pinyin made on the pool's threads, a part each, are the
    /// items [`SearchIndex::push`] makes one by one, in order, whatever the chunks' size.
    #[test]
    fn held_titles_added_a_chunk_at_a_time_are_the_items_pushed_one_by_one() {
        let titles: Vec<(String, String)> = (0..23)
            .map(|k| match k % 4 {
                0 => (format!("Report {k}"), format!("湘乡县第{k}次会议")),
                1 => (format!("Brief {k}"), String::new()),
                2 => (String::new(), format!("图片 {k} 新闻：简讯")),
                _ => (format!("Ünïcode {k} 😀"), format!("标题{k}\u{3000}副标题")),
            })
            .collect();
        let mut want = SearchIndex::new();
        for (k, (en, zh)) in titles.iter().enumerate() {
            want.push(en, zh, k as u64);
        }
        let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        for (max, pool) in
            [(1, Some(&pool)), (2, Some(&pool)), (5, None), (7, Some(&pool)), (usize::MAX, Some(&pool))]
        {
            let (mut held, mut index) = (Held::default(), SearchIndex::new());
            // two pushes: two pieces
            let (a, b) = titles.split_at(9);
            for (part, first) in [(a, 0), (b, 9)] {
                let items = part
                    .iter()
                    .enumerate()
                    .map(|(k, (en, zh))| Title::Text(en.clone(), zh.clone(), (first + k) as u64))
                    .collect();
                held.hold(&mut index, items);
            }
            assert_eq!(index.len(), 0, "held, not added");
            while !held.is_empty() {
                let before = index.len();
                held.add_chunk(&mut index, pool, max);
                assert!((1..=max).contains(&(index.len() - before)), "at most a chunk, never nothing");
            }
            assert_eq!(index.len(), titles.len());
            let strip = |it: &Item| Item { en_at: 0, zh_at: 0, py_at: 0, ..*it };
            for i in 0..titles.len() {
                let (got, want) = (index.made(i).unwrap(), want.made(i).unwrap());
                assert_eq!((got.en, got.zh, got.derived), (want.en, want.zh, want.derived), "{i}, max {max}");
                assert_eq!(strip(got.item), strip(want.item), "{i}, max {max}");
                assert_eq!(index.sort_key(i as u32), i as u64);
            }
        }
    }

    /// A cold open's titles, held back while its load goes on (session 17): a pause between
    /// the loader's batches longer than [`TITLES_AFTER`] (a busy machine) does not add them
    /// (their pinyin made on the cores the load needs); a query does, at once, and the end
    /// of the load does, [`TITLES_AFTER`] later. Seen from the first answer to a query: it
    /// is on the titles added before it came.
    #[test]
    fn titles_held_during_a_cold_load_wait_for_its_end_or_a_query() {
        let titles = || -> Vec<Title> {
            (0..12)
                .map(|k| Title::Text(format!("Renmin report {k}"), format!("人民日报第{k}期"), k))
                .collect()
        };
        // the first answer to query `q`, and its last (complete, on every title)
        let answers = |worker: &SearchWorker, rx: &mpsc::Receiver<()>, q: &str| {
            let g = worker.submit(q);
            let mut first = None;
            loop {
                rx.recv_timeout(Duration::from_secs(20)).expect("no result");
                while let Some(r) = worker.try_recv() {
                    if r.generation != g {
                        continue;
                    }
                    first.get_or_insert(r.hits.searched);
                    if r.hits.is_complete() && r.hits.searched == 12 {
                        return (first.unwrap_or(0), r.hits.hits.len());
                    }
                }
            }
        };
        for ended in [false, true] {
            let (tx, rx) = mpsc::channel();
            let worker = SearchWorker::with_threads(SearchIndex::new(), 2, move || {
                let _ = tx.send(());
            });
            worker.loading(true);
            for part in titles().chunks(4) {
                worker.push_titles(part.to_vec());
            }
            if ended {
                worker.loading(false);
            }
            // a pause longer than the loader's batches ever are apart
            std::thread::sleep(TITLES_AFTER * 3);
            let (first, hits) = answers(&worker, &rx, "renmin");
            if ended {
                assert_eq!(first, 12, "added once the load ended");
            } else {
                assert_eq!(first, 0, "none added in the load's pause");
            }
            assert_eq!(hits, 12, "the query adds them all (ended: {ended})");
        }
    }
}
