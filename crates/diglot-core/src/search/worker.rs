//! A background search thread that owns the index, so the UI thread never waits for
//! matching (nor for a lock).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::index::{Hits, SearchIndex};
use super::query::Query;
use super::store::TitleBatch;

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

/// Items added on the worker thread (see [`SearchWorker::push_with`]).
type Fill = Box<dyn FnOnce(&mut SearchIndex) + Send>;

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
    commands: Option<Sender<Command>>,
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
        SearchWorker { commands: Some(commands), results, generation, len, thread: Some(thread) }
    }

    fn send(&self, c: Command) {
        if let Some(tx) = &self.commands {
            // The worker only stops when dropped; a send error means it panicked.
            let _ = tx.send(c);
        }
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
    /// [`TITLES_AFTER`] or another command comes (a query searches them all): a cold open's
    /// titles, sent a batch at a time, are added once the list is whole, off the cores the
    /// loading needs.
    pub fn push_titles(&self, items: Vec<Title>) -> std::ops::Range<u32> {
        let start = self.len.fetch_add(items.len(), Ordering::SeqCst) as u32;
        let end = start + items.len() as u32;
        self.send(Command::PushTitles(items));
        start..end
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
        self.commands = None;
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
}

/// Titles of one push held back: their strings back to back, and per title where its
/// English title ends, where its Chinese title ends and its sort key.
#[derive(Default)]
struct HeldPiece {
    text: String,
    titles: Vec<(u32, u32, u64)>,
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
            self.add_to(index);
            add(index, items);
            return;
        }
        let mut piece = HeldPiece { text: String::new(), titles: Vec::with_capacity(items.len()) };
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
    fn add_to(&mut self, index: &mut SearchIndex) {
        while let Some(piece) = self.pieces.pop_front() {
            let mut start = 0usize;
            for &(en_end, zh_end, key) in &piece.titles {
                let (en_end, zh_end) = (en_end as usize, zh_end as usize);
                let en = piece.text.get(start..en_end).unwrap_or("");
                let zh = piece.text.get(en_end..zh_end).unwrap_or("");
                index.push(en, zh, key);
                start = zh_end;
            }
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
        let prepare_due = index.prepare_pending();
        let first_command = if dirty || rest_due {
            match commands.try_recv() {
                Ok(c) => Some(c),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else if !held.is_empty() {
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
            match &c {
                Command::PushTitles(_) if current.is_none() => {}
                Command::SetFirst(_) => {}
                _ => held.add_to(&mut index),
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
            }
            dirty = true;
        }
        if !held.is_empty() && last_command.elapsed() >= TITLES_AFTER {
            held.add_to(&mut index);
            continue;
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
        last = Some(Arc::clone(&hits));
        if results.send(SearchResult { generation: *gen, hits }).is_err() {
            return;
        }
        notify();
    }
}
