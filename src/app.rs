//! The application state, the [`Msg`]s that change it, and the one [`App::update`].
//! Drawing is in [`crate::ui`] and reads the state only.

use crate::align::Bead;
use crate::corpus::{self, Article, ArticleMeta, ArticleRef, LoadSummary, Loaded};
use crate::keys::{Action, KeyMap};
use crate::layout::{self, Layout, Position, View};
use crate::prompt::Prompt;
use crate::search::{Hits, Query, SearchWorker};
pub use articles::Articles;
use crossterm::event::{Event, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use std::path::PathBuf;

mod articles;
pub mod drive;
mod effects;
mod fts_engine;
mod library;
mod live;
mod research;
mod sentence;
mod words;
pub(crate) use crate::text::thousands;
pub use effects::read_article;
pub use fts_engine::{builder as fts_builder, opener as fts_opener, FtsEngine};
pub use library::{parse_date_prefix, today, Narrow, SortOrder};
pub use live::{Live, Rechecker};
pub use research::{
    default_indexer, default_opener, hit_place, Answer, AnswerHit, Builder, ChartNorm, ConcordLine, Engine,
    HitPlace, IndexStatus, Kwic, KwicSort, Opener, Preview, QueryProblem, Research, ResearchEffect,
    ResearchMsg, ResultOrder, Series, Snippet, YearPoint, SNIPPET_CONTEXT,
};
pub(crate) use research::{lower_priority, lower_priority_to};
pub use sentence::SentenceCursor;
use std::sync::Arc;
use std::time::Instant;
pub use words::{analyse as words_analyse, zh_piece, Chinese, Learn, Tok, WordCursor, WordInfo};

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    /// The article list.
    #[default]
    List,
    /// The reading pane.
    Reader,
}

/// Which part of the app has the keyboard: one at a time. Every key is routed by this one
/// value (see [`App::update`]); the data of a search stays in its own field after its prompt
/// closes (the list stays narrowed), but only the mode says who gets the keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    /// Browsing or reading: the focused pane ([`App::focus`], the list or the reader) gets the
    /// keys through the key map.
    #[default]
    Browse,
    /// The help overlay, scrolled down by this many lines.
    Help {
        /// First line shown.
        scroll: usize,
    },
    /// The date prompt (`d`).
    Date(Prompt),
    /// The title search prompt (its text is in [`App::search`]).
    TitleSearch,
    /// The full-text search prompt (its text is in [`App::fulltext`]).
    FullText,
    /// The in-article search prompt (its text is in [`App::find`]).
    Find,
    /// The message log, scrolled down by this many lines.
    Log {
        /// First line shown.
        scroll: usize,
    },
    /// The word cursor in the Chinese, with its dictionary panel (`w`; its state is in
    /// [`Learn::cursor`]).
    Word,
    /// The timeline chart above the index's results (`T`): ←/→ a year, Enter narrows.
    Chart,
    /// The concordance of the query (`K`; its state is in [`Research::kwic`]).
    Kwic,
}

/// What the app asks the world to do: [`App::update`] returns these and the terminal loop
/// carries them out, so that neither `update` nor drawing does any I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read, parse and align this article; the answer comes back as [`Msg::Article`].
    Open(PathBuf),
    /// Write the reading state (marks, bookmarks, position) if it changed.
    SaveState,
    /// Scan every article for this phrase (full-text search); the answer wakes the loop.
    Scan(String),
    /// Put the text on the clipboard; `what` names it in the status bar.
    Copy {
        /// The text.
        text: String,
        /// What it is ("citation").
        what: String,
    },
    /// Show this article file in `$PAGER`.
    Pager(PathBuf),
    /// Turn mouse capture on (true) or off.
    Mouse(bool),
    /// Add a word to the word list, then read the list back ([`Msg::WordList`]).
    SaveWord(crate::dict::words::SavedWord),
    /// Read the word list (for the marks of saved words).
    LoadWords,
    /// Load the dictionary and segmenter on a background thread; [`Msg::DictReady`] comes
    /// when they are there. Asked for once, at the first use of a learner's feature (see
    /// [`App::start_effects`]): a reader who never uses one never pays for it.
    LoadDict,
    /// Leave.
    Quit,
    /// The full-text index, a query on it, a concordance, a preview ([`ResearchEffect`]).
    Research(ResearchEffect),
    /// Check the files again (the watcher saw changes): the warm open's check, its batches
    /// changing the list in place, then the full-text index updated (see `app/live.rs`).
    Recheck,
}

/// An article read, parsed and aligned, or why it could not be.
pub type ArticleRead = Result<(Article, Vec<Bead>), String>;

/// Everything that can happen to the app.
#[derive(Debug)]
pub enum Msg {
    /// A terminal event: key, mouse, resize, paste.
    Term(Event),
    /// A batch of loaded articles.
    Loaded(corpus::LoadEvent),
    /// Loading finished.
    LoadDone,
    /// The search worker has a result.
    SearchReady,
    /// An article asked for with [`Effect::Open`] was read (or could not be).
    Article(PathBuf, Box<ArticleRead>),
    /// A message for the status bar (from an effect carried out: a copy, the pager).
    Said(String),
    /// The dictionary and segmenter finished loading (asked for with [`Effect::LoadDict`]; see
    /// [`crate::dict::cedict::preload_then`]).
    DictReady,
    /// The word list was read (or written, then read): what to say, and its words or why
    /// it could not be read.
    WordList(Option<String>, Result<Vec<String>, String>),
    /// Time passed with nothing else happening (the loop sends it while [`App::wants_tick`]).
    Tick,
    /// A signal (its number) that ends the reader: SIGTERM, SIGINT, SIGHUP, SIGQUIT. Quits as
    /// `q` does, saving the state; the event loop then ends the process as the signal would.
    Signal(i32),
    /// The full-text index's threads have news.
    Research(ResearchMsg),
    /// The watcher of the opened folders has news ([`crate::watch`]).
    Watch(crate::watch::WatchEvent),
}

/// The full-text search (Ctrl-f in the list): a phrase in every article's text.
#[derive(Debug, Default)]
pub struct FullText {
    /// The phrase being typed.
    pub prompt: Prompt,
    /// The list as it was before, restored by Esc.
    pub saved: ListState,
    /// The phrase of the scan running or done.
    pub phrase: String,
    /// Articles holding the phrase, in list order, with a snippet around the first hit;
    /// `None` while the scan runs.
    pub results: Option<Vec<(PathBuf, crate::search::FullTextHit)>>,
    /// Stops the running scan.
    cancel: Arc<std::sync::atomic::AtomicBool>,
    /// Files the running scan has begun to read, of `scan_total`.
    scanned: Arc<std::sync::atomic::AtomicUsize>,
    /// Files the running scan reads (0: no scan, the index answers).
    scan_total: usize,
    /// Why the scan cannot answer a part of what was typed (a filter or an operator of the
    /// index's query language), said in the status bar and under "No match.".
    pub note: Option<String>,
}

impl FullText {
    /// While the scan of the files runs (no index yet): files read so far, and of how many.
    pub fn scan_progress(&self) -> Option<(usize, usize)> {
        let done = self.scanned.load(std::sync::atomic::Ordering::Relaxed);
        (self.results.is_none() && self.scan_total > 0)
            .then_some((done.min(self.scan_total), self.scan_total))
    }
}

type FullTextDone = (String, Vec<(PathBuf, crate::search::FullTextHit)>);

/// A batch of loaded articles with its title search data when the loader made it (title
/// `k` of the data is the batch's `k`th article).
#[derive(Debug)]
enum PendingBatch {
    /// Articles as metadata (a warm open's check, a refreshed entry).
    Metas(Vec<ArticleMeta>, Option<Arc<crate::search::TitleBatch>>),
    /// A cold open's batch as the loader wrote it ([`corpus::LoadEvent::rows`]), and how
    /// many of its records are articles: appended to the list as they are.
    Rows(Box<corpus::Catalog>, usize, Option<Arc<crate::search::TitleBatch>>),
}

impl PendingBatch {
    /// Number of articles.
    fn len(&self) -> usize {
        match self {
            PendingBatch::Metas(m, _) => m.len(),
            PendingBatch::Rows(_, n, _) => *n,
        }
    }
}

/// The title search (`/` in the list): the prompt, and the ranked hits it got back.
#[derive(Debug, Default)]
pub struct TitleSearch {
    /// The query being typed.
    pub prompt: Prompt,
    /// The list as it was before, restored by Esc.
    pub saved: ListState,
    /// The newest result (rank order), for the query it names.
    pub hits: Option<Arc<Hits>>,
    /// The generation of the last query submitted.
    generation: u64,
}

impl TitleSearch {
    /// The parsed query of the hits shown (for highlighting).
    pub fn query(&self) -> Query {
        Query::parse(self.hits.as_ref().map_or("", |h| h.query.as_str()))
    }

    /// Still waiting for the result of what was typed.
    pub fn pending(&self) -> bool {
        self.hits.as_ref().is_none_or(|h| h.query != self.prompt.text())
    }

    /// The result of what was typed shows its count and first hits; the rest of its ranking
    /// is on its way (the list ends at those until then).
    pub fn ranking(&self) -> bool {
        self.hits.as_ref().is_some_and(|h| h.query == self.prompt.text() && !h.is_complete())
    }
}

/// The list pane's state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListState {
    /// Selected article (index into the article list).
    pub selected: usize,
    /// First visible article.
    pub offset: usize,
}

/// Columns kept on the right of the single-language and interleaved views of an article with
/// trust marks, where the marks are drawn.
pub const TRUST_MARGIN: u16 = 2;

/// The reader's state: the open article, its beads, the laid-out rows and the position.
#[derive(Debug, Default)]
pub struct Reader {
    /// Path of the article shown (or being asked for).
    pub path: Option<PathBuf>,
    /// The parsed article, when it could be read.
    pub article: Option<Article>,
    /// Why the article could not be read.
    pub error: Option<String>,
    /// The alignment of its paragraphs.
    pub beads: Vec<Bead>,
    /// The trust marks of its beads (translations that look wrong), computed when the
    /// article arrives, as the beads are; in bead order.
    pub trust: Vec<crate::align::trust::Mark>,
    /// The cached layout for the current view and width.
    pub layout: Layout,
    /// Whether `layout` is up to date.
    layout_valid: bool,
    /// The top of the pane.
    pub top: Position,
    /// The two columns scrolling independently (view "both" unlocked with `s`).
    pub split: Option<Split>,
    /// The view, width and top the reader had before a view change or resize, to come back
    /// to the same line; forgotten when the reader scrolls.
    anchor: Option<(View, u16, Position)>,
    /// The article's Chinese analysed (words, pinyin, HSK), once the dictionary is loaded.
    pub chinese: Option<Chinese>,
    /// What `layout` was laid out with beyond the text: pinyin rows, the header note.
    extras: (bool, bool),
    /// The sentence cursor, when on (`x`): a reading sub-state (see [`SentenceCursor`]).
    pub sentence: Option<SentenceCursor>,
}

/// Which column of view "both".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Side {
    /// The English column.
    #[default]
    En,
    /// The Chinese column.
    Zh,
}

/// View "both" unlocked: each column is its own single-language layout with its own top.
#[derive(Debug, Clone, Default)]
pub struct Split {
    /// English alone, at the left column's width.
    pub en: Layout,
    /// Chinese alone, at the right column's width.
    pub zh: Layout,
    /// Top of the English column.
    pub en_top: Position,
    /// Top of the Chinese column.
    pub zh_top: Position,
    /// The column that scrolls.
    pub side: Side,
}

impl Split {
    fn side_mut(&mut self) -> (&Layout, &mut Position) {
        match self.side {
            Side::En => (&self.en, &mut self.en_top),
            Side::Zh => (&self.zh, &mut self.zh_top),
        }
    }
}

impl Reader {
    /// The first row shown.
    pub fn top_row(&self) -> usize {
        self.layout.row_of(self.top)
    }

    /// True when the aligner used a bead other than 1-1.
    pub fn realigned(&self) -> bool {
        // with one language missing there is nothing to align
        let both = self.article.as_ref().is_some_and(|a| !a.en.is_empty() && !a.zh.is_empty());
        both && self.beads.iter().any(|b| !b.is_one_to_one())
    }

    /// The bead a block of the layout shows: its own in views both and interleaved, the one
    /// holding its paragraph in the single-language views.
    pub fn block_bead(&self, block: usize) -> Option<usize> {
        let b = self.layout.blocks.get(block)?;
        if b.bead.is_some() || block == 0 {
            return b.bead;
        }
        match self.layout.view {
            View::English => self.beads.iter().position(|x| x.en.contains(&b.en.start)),
            View::Chinese => self.beads.iter().position(|x| x.zh.contains(&b.zh.start)),
            _ => None,
        }
    }

    /// The trust mark of a bead, when its translation looks wrong.
    pub fn trust_of(&self, bead: usize) -> Option<&crate::align::trust::Mark> {
        self.trust.iter().find(|m| m.bead == bead)
    }

    /// The trust mark to explain: the bead at the top of the pane's, or else the first
    /// marked bead that starts on the `height` rows shown.
    pub fn trust_shown(&self, height: usize) -> Option<&crate::align::trust::Mark> {
        if self.split.is_some() || self.trust.is_empty() {
            return None;
        }
        let top = self.top_row();
        let first = self.layout.block_at(top);
        (first..self.layout.blocks.len())
            .take_while(|&k| k == first || self.layout.blocks.get(k).is_some_and(|b| b.start < top + height))
            .find_map(|k| self.block_bead(k).and_then(|b| self.trust_of(b)))
    }
}

/// Search inside the article: the query, and where it occurs in the article's text.
#[derive(Debug, Clone, Default)]
pub struct Find {
    /// The query being typed or searched.
    pub prompt: Prompt,
    /// Every occurrence in the texts the reader shows (or the split's active column), in
    /// reading order: text positions, the same at every width (see [`Layout::find`]).
    pub hits: Vec<(layout::TextId, std::ops::Range<usize>)>,
    /// The hit last jumped to.
    pub current: usize,
    /// The query and view the hits were found for.
    key: Option<(String, View, bool)>,
    /// Jump to the first hit once the article has been read.
    pub jump: bool,
}

impl Find {
    /// The needles to highlight (none while the query is empty).
    pub fn needles(&self) -> Vec<String> {
        let q = self.prompt.text().trim();
        if q.is_empty() {
            Vec::new()
        } else {
            vec![q.to_string()]
        }
    }
}

/// Loading progress for the status bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// When loading started.
    pub started: Instant,
    /// Bytes read so far.
    pub bytes: u64,
    /// Everything the index knows is listed; the files are being checked (a warm open).
    pub listed: bool,
    /// Whether it has finished.
    pub done: bool,
}

/// Where the list, the reader and the status bar are on screen (ratatui rectangles).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScreenAreas {
    /// The list (may be empty).
    pub list: Rect,
    /// The reader (may be empty).
    pub reader: Rect,
    /// The status bar.
    pub status: Rect,
    /// Too small for anything but a notice.
    pub too_small: bool,
}

/// How long the reader must stop scrolling before the position is saved.
pub const SAVE_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 20;
/// Smallest usable terminal.
pub const MIN_HEIGHT: u16 = 4;

/// The whole state.
#[derive(Debug)]
pub struct App {
    /// The articles, sorted by date, page, path: ids over the collection's catalog (the
    /// same ids as the title search's).
    pub articles: Articles,
    /// Loaded but not yet merged into `articles`: the batches as they came, each with its
    /// title search data when the loader made it (see [`corpus::LoadEvent::titles`]). Kept
    /// as they came, not gathered into one vector: nothing is copied or grown before a
    /// merge, and each batch's room goes back when it is merged.
    pending: Vec<PendingBatch>,
    /// A cold open's files, once the loader's walk has counted them (0 until then): the
    /// list's catalog makes room for them at a merge ([`Articles::reserve`]), once.
    expected: usize,
    /// Whether that room was made.
    reserved: bool,
    /// A cold open's load is going on, and the title search was told
    /// ([`crate::search::SearchWorker::loading`]).
    cold_loading: bool,
    /// Counts of what was loaded.
    pub summary: LoadSummary,
    /// The list pane.
    pub list: ListState,
    /// Which pane has the keyboard.
    pub focus: Focus,
    /// The view the user chose.
    pub view: View,
    /// The list hidden, the reader full width.
    pub zoom: bool,
    /// The reading pane.
    pub reader: Reader,
    /// Who has the keyboard.
    pub mode: Mode,
    /// The glossary panel is open.
    pub glossary: bool,
    /// The glossary panel's first line shown.
    pub gloss_scroll: usize,
    /// Search inside the article shown (`/` in the reader).
    pub find: Option<Find>,
    /// The key map in force.
    pub keymap: KeyMap,
    /// Loading progress.
    pub progress: Progress,
    /// Terminal size.
    pub size: (u16, u16),
    /// Set when the user asked to quit.
    pub quit: bool,
    /// A short message for the status bar.
    pub message: Option<String>,
    /// Articles shown in the list when narrowed (positions in `articles`), else all.
    pub filter: Option<Vec<usize>>,
    /// The title search, when open.
    pub search: Option<TitleSearch>,
    /// Matches titles off the UI thread.
    worker: Worker,
    /// The full-text search, when open.
    pub fulltext: Option<FullText>,
    /// An article was opened from the search hits (Esc keeps it selected in the full list).
    opened_hit: bool,
    /// The styles to draw with.
    pub palette: crate::ui::palette::Palette,
    /// The list's width setting.
    pub list_width: crate::config::ListWidth,
    /// The citation template.
    pub citation: String,
    /// Read marks, bookmarks, reading positions.
    pub state: crate::state::State,
    state_dir: Option<PathBuf>,
    collection: String,
    resume: Option<crate::state::Resume>,
    /// What the list is narrowed to.
    pub narrow: Option<Narrow>,
    /// The list's order.
    pub sort: SortOrder,
    /// Effects asked for since the last [`App::update`] returned.
    effects: Vec<Effect>,
    /// Reading Chinese: the word cursor, pinyin, HSK, the word list.
    pub learn: Learn,
    /// Every status message so far, oldest first (the message log).
    pub log: Vec<String>,
    /// Mouse capture is on.
    pub mouse: bool,
    /// The selection has not been moved by the reader nor by a resume: batches arriving
    /// keep the first article selected.
    pristine: bool,
    /// The position to restore when the article of that path arrives (resume).
    pending_top: Option<(PathBuf, Position)>,
    /// The reader scrolled since the position was last remembered.
    scrolled_at: Option<Instant>,
    /// Files that could not be loaded, with why (named in the status bar).
    pub load_errors: Vec<(PathBuf, String)>,
    /// Inside tmux (`$TMUX` set), the tmux program copies go through; `None` outside tmux.
    pub tmux: Option<String>,
    /// The full-text index, its results, the timeline and the concordance.
    research: Research,
    /// The concordance line opened in the reader (its hit is the one jumped to).
    kwic_target: Option<ConcordLine>,
    fulltext_tx: std::sync::mpsc::Sender<FullTextDone>,
    fulltext_rx: std::sync::mpsc::Receiver<FullTextDone>,
    notify: NotifyFn,
}

/// The wake-up, opaque in debug output.
#[derive(Clone)]
struct NotifyFn(Notify);

impl std::fmt::Debug for NotifyFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notify")
    }
}

/// The search worker, opaque in debug output.
struct Worker(SearchWorker);

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchWorker")
    }
}

impl std::ops::Deref for Worker {
    type Target = SearchWorker;
    fn deref(&self) -> &SearchWorker {
        &self.0
    }
}

/// A wake-up for the event loop (the search worker calls it when a result is ready).
pub type Notify = Arc<dyn Fn() + Send + Sync>;

impl App {
    /// A new app with nothing loaded yet.
    pub fn new(size: (u16, u16)) -> Self {
        Self::with_notify(size, Arc::new(|| {}))
    }

    /// A new app whose search worker calls `notify` when a result is ready.
    pub fn with_notify(size: (u16, u16), notify: Notify) -> Self {
        let (fulltext_tx, fulltext_rx) = std::sync::mpsc::channel();
        let wake = notify.clone();
        App {
            palette: crate::ui::palette::Colors::default().resolve(false),
            list_width: crate::config::ListWidth::Auto,
            citation: crate::export::DEFAULT_CITATION.to_string(),
            state: crate::state::State::default(),
            state_dir: None,
            collection: String::new(),
            resume: None,
            narrow: None,
            sort: SortOrder::Date,
            effects: Vec::new(),
            learn: Learn::default(),
            log: Vec::new(),
            mouse: true,
            pristine: true,
            pending_top: None,
            scrolled_at: None,
            load_errors: Vec::new(),
            mode: Mode::Browse,
            tmux: std::env::var_os("TMUX").filter(|v| !v.is_empty()).map(|_| "tmux".to_string()),
            fulltext: None,
            research: Research::default(),
            kwic_target: None,
            opened_hit: false,
            fulltext_tx,
            fulltext_rx,
            notify: NotifyFn(wake),
            filter: None,
            search: None,
            worker: Worker(SearchWorker::new(crate::search::SearchIndex::new(), move || notify())),
            articles: Articles::default(),
            pending: Vec::new(),
            expected: 0,
            reserved: false,
            cold_loading: false,
            summary: LoadSummary::default(),
            list: ListState::default(),
            focus: Focus::List,
            view: View::Both,
            zoom: false,
            reader: Reader::default(),
            glossary: false,
            gloss_scroll: 0,
            find: None,
            keymap: KeyMap::default(),
            progress: Progress { started: Instant::now(), bytes: 0, listed: false, done: false },
            size,
            quit: false,
            message: None,
        }
    }

    /// A new app holding an already loaded collection.
    pub fn with_loaded(size: (u16, u16), loaded: Loaded) -> Self {
        let mut app = App::new(size);
        app.summary = loaded.summary;
        app.progress.bytes = app.summary.bytes;
        app.progress.done = true;
        app.pending = vec![PendingBatch::Metas(loaded.articles, None)];
        app.note_errors(&loaded.diagnostics);
        app.merge_pending();
        app
    }

    /// The selected article's metadata.
    pub fn selected(&self) -> Option<ArticleRef<'_>> {
        self.shown(self.list.selected).and_then(|i| self.articles.get(i))
    }

    /// How many articles the list shows (all, or the narrowed ones).
    pub fn shown_len(&self) -> usize {
        self.filter.as_ref().map_or(self.articles.len(), Vec::len)
    }

    /// How many rows the list has in all: those shown, or, while the title search ranks the
    /// rest of its hits (the list shows the first ones), every hit.
    pub fn list_total(&self) -> usize {
        match self.search.as_ref().and_then(|s| s.hits.as_ref()) {
            Some(h) if self.filter.is_some() && !h.query.is_empty() && !h.is_complete() => h.total,
            _ => self.shown_len(),
        }
    }

    /// The article position of the list's row `i`.
    pub fn shown(&self, i: usize) -> Option<usize> {
        match &self.filter {
            Some(f) => f.get(i).copied(),
            None => (i < self.articles.len()).then_some(i),
        }
    }

    /// Waits (up to `timeout`) for the search worker's next result and applies it; for
    /// tests and scripted use (the event loop gets [`Msg::SearchReady`] instead).
    pub fn wait_search(&mut self, timeout: std::time::Duration) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            // settled: the typed query's complete ranking, over every title pushed (during a
            // cold open the worker answers on the titles added so far first)
            let all = self.worker.len();
            if self.search.as_ref().is_none_or(|s| {
                !s.pending() && !s.ranking() && s.hits.as_ref().is_some_and(|h| h.searched >= all)
            }) {
                return true;
            }
            self.poll_search();
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        false
    }

    /// Where the panes go in a terminal of this size.
    pub fn areas(&self) -> ScreenAreas {
        let (w, h) = self.size;
        let full = Rect::new(0, 0, w, h);
        if w < MIN_WIDTH || h < MIN_HEIGHT {
            return ScreenAreas { status: full, too_small: true, ..ScreenAreas::default() };
        }
        let body = Rect::new(0, 0, w, h - 1);
        let status = Rect::new(0, h - 1, w, 1);
        let list_w = if self.zoom || (w < 50 && self.focus == Focus::Reader) {
            0
        } else if w < 50 {
            w
        } else if let Some(cols) = self.list_width.columns(w) {
            cols.min(w - 20)
        } else if self.focus == Focus::Reader {
            (w / 5).clamp(16, 40)
        } else {
            (w * 2 / 5).clamp(24, 64)
        };
        let list = Rect::new(0, 0, list_w, body.height);
        // one column of the reader's width is the separator
        let rx = if list_w == 0 { 0 } else { list_w + 1 };
        let reader = Rect::new(rx, 0, w.saturating_sub(rx), body.height);
        ScreenAreas { list, reader, status, too_small: false }
    }

    /// Rows one list item takes here (full-text results show a snippet under the title).
    pub fn item_height_for(&self, list_width: u16) -> usize {
        if self.fulltext.as_ref().is_some_and(|f| f.results.is_some()) {
            2
        } else {
            Self::item_height(list_width)
        }
    }

    /// Rows one list item takes at this list width (both titles need two rows when narrow).
    pub fn item_height(list_width: u16) -> usize {
        if list_width >= 72 {
            1
        } else {
            2
        }
    }

    /// The list's rows for articles (below the search prompt when it is open).
    pub fn list_area(&self) -> Rect {
        let l = self.areas().list;
        if (self.search.is_some() || self.fulltext.is_some()) && l.height > 1 {
            // the index's counts and timeline above the results
            let (counts, chart) = self.research_rows(l.height - 1);
            let top = 1 + counts + chart;
            Rect::new(l.x, l.y + top, l.width, l.height - top)
        } else {
            l
        }
    }

    fn list_rows(&self) -> usize {
        let l = self.list_area();
        (usize::from(l.height) / self.item_height_for(l.width)).max(1)
    }

    /// The reader's text area and the glossary panel (empty when closed or no glossary).
    pub fn reader_areas(&self) -> (Rect, Rect) {
        let (text, gloss, _) = self.reader_panes();
        (text, gloss)
    }

    /// The reader's text area, the glossary panel and the dictionary panel of the word
    /// cursor (each empty when closed).
    pub fn reader_panes(&self) -> (Rect, Rect, Rect) {
        let mut r = self.areas().reader;
        // a column of air between the list's separator and the text
        if r.x > 0 && r.width > 1 {
            r = Rect::new(r.x + 1, r.y, r.width - 1, r.height);
        }
        let (r, dict) = self.carve_dict(r);
        let (text, gloss) = self.gloss_split(r);
        (text, gloss, dict)
    }

    fn gloss_split(&self, r: Rect) -> (Rect, Rect) {
        let has = self.reader.article.as_ref().is_some_and(|a| !a.glossary.is_empty());
        if !self.glossary || !has || r.width < 40 {
            return (r, Rect::new(r.right(), r.y, 0, r.height));
        }
        let gw = (r.width / 3).clamp(16, 40);
        let text = Rect::new(r.x, r.y, r.width - gw, r.height);
        (text, Rect::new(text.right(), r.y, gw, r.height))
    }

    fn reader_height(&self) -> usize {
        usize::from(self.reader_areas().0.height).max(1)
    }

    /// Handles one message and returns what the world must do for it (read an article, save,
    /// copy...). No I/O happens here: the terminal loop (or [`App::feed`]) carries the
    /// effects out. The reader's layout is brought up to date, so drawing is a pure function.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let before = self.message.clone();
        match msg {
            Msg::Term(ev) => self.on_event(ev),
            Msg::Loaded(ev) => self.on_loaded(ev),
            Msg::LoadDone => {
                self.on_load_done();
                self.want_index();
                self.recheck_if_due();
            }
            Msg::Watch(ev) => self.on_watch(ev),
            Msg::SearchReady => {
                self.poll_search();
                self.poll_fulltext();
                self.poll_research();
            }
            Msg::Research(m) => self.on_research(m),
            Msg::Article(path, result) => self.on_article(path, *result),
            Msg::Said(m) => self.message = Some(m),
            Msg::DictReady => self.on_dict_ready(),
            Msg::WordList(said, list) => self.on_word_list(said, list),
            // an ending signal quits as `q` does (the loop then ends as the signal would)
            Msg::Signal(_) => self.act(Action::Quit),
            Msg::Tick => {
                // a pause in scrolling: remember where the reader is, and save
                if self.scrolled_at.is_some_and(|t| t.elapsed() >= SAVE_PAUSE) {
                    self.scrolled_at = None;
                    self.remember_position();
                    self.effects.push(Effect::SaveState);
                }
            }
        }
        self.want_dict_if_used();
        self.analyse_chinese();
        self.relayout();
        self.want_snippets();
        if self.focus == Focus::Reader && self.reader.article.is_some() {
            self.mark_read();
        }
        if self.message != before {
            if let Some(m) = &self.message {
                self.log.push(m.clone());
                if self.log.len() > 500 {
                    self.log.remove(0);
                }
            }
        }
        let mut effects = std::mem::take(&mut self.effects);
        effects.dedup();
        effects
    }

    /// Whether the loop should send [`Msg::Tick`] after a pause (a scroll not yet saved).
    pub fn wants_tick(&self) -> bool {
        self.scrolled_at.is_some()
    }

    /// An article read for the reader arrives.
    fn on_article(&mut self, path: PathBuf, result: ArticleRead) {
        if self.reader.path.as_ref() != Some(&path) || self.reader.article.is_some() {
            return;
        }
        match result {
            Ok((article, beads)) => {
                // the list entry (perhaps from a stale index) brought up to date with the file
                self.refresh_entry(&path, &article.meta);
                let (en, zh) = (article.en_paras(), article.zh_paras());
                let params = crate::align::AlignParams::default();
                self.reader.trust = crate::align::trust::assess(&en, &zh, &beads, &params);
                self.reader.article = Some(article);
                self.reader.beads = beads;
            }
            Err(e) => self.reader.error = Some(e),
        }
        self.analyse_chinese();
        self.reader.layout_valid = false;
        self.relayout();
        self.jump_when_ready();
        if let Some((p, top)) = self.pending_top.take() {
            if p == path {
                self.reader.top = top;
                self.relayout();
            } else {
                self.pending_top = Some((p, top));
            }
        }
    }

    /// The search asked for from full-text results jumps to its first hit once the article
    /// is there.
    fn jump_when_ready(&mut self) {
        if self.reader.article.is_some() && self.find.as_ref().is_some_and(|f| f.jump) {
            if let Some(f) = &mut self.find {
                f.jump = false;
            }
            self.relayout();
            self.jump_hit(0);
            self.jump_to_kwic_hit();
        }
    }

    /// Remembers the files that could not be loaded (named in the status bar).
    fn note_errors(&mut self, diags: &[(PathBuf, corpus::Diagnostic)]) {
        for (path, d) in diags {
            if d.severity == corpus::Severity::Error && d.line == 0 && self.load_errors.len() < 1000 {
                self.load_errors.push((path.clone(), d.message.clone()));
            }
        }
    }

    /// Moves loaded articles into the sorted list, keeping the selection on its article.
    pub fn merge_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let keep = self.selected().map(|m| m.path());
        self.merge_keeping(keep);
    }

    /// Moves loaded articles into the sorted list and selects the article at `keep` (by
    /// identity, not row: on the same screen row when the rows above it changed).
    fn merge_keeping(&mut self, keep: Option<PathBuf>) {
        let (row_before, offset_before) = (self.list.selected, self.list.offset);
        let batches = std::mem::take(&mut self.pending);
        let ids = self.append(&batches);
        drop(batches);
        self.articles.insert(ids);
        self.refilter();
        // the kept article is looked for near its old row first (a few rows came or went)
        let near = |i: &usize| i.abs_diff(row_before) <= 256;
        let find = |path: &std::path::Path| {
            let rows = 0..self.shown_len();
            rows.clone()
                .filter(near)
                .find(|&i| self.selected_path_is(i, path))
                .or_else(|| rows.filter(|i| !near(i)).find(|&i| self.selected_path_is(i, path)))
        };
        match keep.and_then(|path| find(&path)) {
            // a fresh open keeps the first article selected while batches arrive
            Some(_) if self.pristine && self.list.selected == 0 => {}
            Some(i) => {
                self.list.selected = i;
                // the selection stays on its screen row when rows came or went above it
                self.list.offset = (offset_before + i).saturating_sub(row_before);
            }
            None if self.filter.is_none() && self.search.is_none() => {}
            None => self.list.selected = 0,
        }
        self.clamp_list();
        self.open_selected();
    }

    /// Appends articles to the catalog and the title search (the same ids); returns their ids.
    /// A title whose search data the loader made is handed to the search as it is (its
    /// pinyin is not computed again).
    fn append(&mut self, batches: &[PendingBatch]) -> Vec<u32> {
        let n = batches.iter().map(PendingBatch::len).sum();
        if !self.reserved && self.expected > 0 && self.articles.ids() >= articles::RESERVE_AFTER {
            self.articles.reserve(self.expected.saturating_sub(self.articles.ids()));
            self.reserved = true;
        }
        let mut ids: Vec<u32> = Vec::with_capacity(n);
        let mut titles = Vec::with_capacity(n);
        for batch in batches {
            match batch {
                PendingBatch::Metas(metas, made) => {
                    // the loader's data only when it is the batch's (one title per article)
                    let made = made.as_ref().filter(|t| t.len() == metas.len());
                    for (k, m) in metas.iter().enumerate() {
                        ids.push(self.articles.append(m));
                        titles.push(match made {
                            Some(b) => crate::search::Title::Made(Arc::clone(b), k, m.date_page_key()),
                            None => crate::search::Title::Text(
                                m.title_en.clone(),
                                m.title_zh_full(),
                                m.date_page_key(),
                            ),
                        });
                    }
                }
                PendingBatch::Rows(rows, n, made) => {
                    let made = made.as_ref().filter(|t| t.len() == *n);
                    let first = ids.len();
                    self.articles.append_rows(rows, &mut ids);
                    // the batch's articles, in its order: title `k` is the `k`th
                    let articles = (0..rows.len() as u32).filter_map(|id| rows.article(id));
                    for (k, a) in articles.enumerate().take(ids.len() - first) {
                        titles.push(match made {
                            Some(b) => crate::search::Title::Made(Arc::clone(b), k, a.date_page_key()),
                            None => crate::search::Title::Text(
                                a.title_en().to_string(),
                                a.title_zh_full().into_owned(),
                                a.date_page_key(),
                            ),
                        });
                    }
                }
            }
        }
        let searched = self.worker.push_titles(titles);
        debug_assert_eq!(
            ids.first().copied().unwrap_or(searched.start),
            searched.start,
            "search ids are catalog ids"
        );
        ids
    }

    /// A handle on the title search's titles for the loading thread: a cold open's title
    /// index takes their pinyin from it instead of computing it again (see
    /// [`corpus::load::IndexedLoad::save_with`]).
    pub fn search_titles(&self) -> crate::search::WorkerTitles {
        self.worker.titles()
    }

    /// The articles a cold open's batches appended to the list, in the order the loader sent
    /// them, shared: its title index is written from them, not from a copy of its own (see
    /// [`corpus::load::load_stream_indexed_shared`]). Asked once the load is done.
    pub fn parsed_catalog(&self) -> Arc<corpus::Catalog> {
        self.articles.parsed()
    }

    /// Takes the catalog of a warm open as the list; the title search takes it too, on its
    /// own thread, with the search data read beside it (the titles are neither copied nor
    /// their pinyin computed again).
    fn take_catalog(&mut self, cat: std::sync::Arc<corpus::Catalog>) {
        if self.articles.ids() > 0 {
            // not first (cannot happen with the loader): its articles appended like any batch
            let metas = (0..cat.len() as u32).filter_map(|id| cat.article(id)).map(|a| a.to_meta()).collect();
            self.pending.push(PendingBatch::Metas(metas, None));
            return;
        }
        let for_search = std::sync::Arc::clone(&cat);
        let range = self.articles.set_base(cat);
        let searched = self.worker.push_catalog(for_search);
        debug_assert_eq!(range, searched, "search ids are catalog ids");
    }

    /// The list entry of an article just read brought up to date with its file (perhaps
    /// from a stale index); it keeps its row.
    fn refresh_entry(&mut self, path: &std::path::Path, read: &ArticleMeta) {
        let near = self.shown(self.list.selected).unwrap_or(0);
        let Some(at) = self.articles.position(path, near) else { return };
        let (Some(old), Some(mut meta)) = (self.articles.id(at), self.articles.get(at).map(|m| m.to_meta()))
        else {
            return;
        };
        if meta.refresh_from(read) {
            if let Some(&new) = self.append(&[PendingBatch::Metas(vec![meta], None)]).first() {
                self.articles.replace(old, new);
            }
        }
    }

    fn selected_path_is(&self, i: usize, path: &std::path::Path) -> bool {
        self.shown(i).and_then(|p| self.articles.get(p)).is_some_and(|m| m.path_is(path))
    }

    /// Rebuilds the narrowed list from the search hits or the full-text results.
    fn refilter(&mut self) {
        if let Some(results) = self.fulltext.as_ref().and_then(|f| f.results.as_ref()) {
            let pos: std::collections::HashMap<PathBuf, usize> =
                self.articles.iter().enumerate().map(|(i, m)| (m.path(), i)).collect();
            self.filter = Some(results.iter().filter_map(|(p, _)| pos.get(p.as_path()).copied()).collect());
            return;
        }
        self.filter = match self.search.as_ref().and_then(|s| s.hits.as_ref()) {
            Some(h) if h.query.is_empty() => self.narrowed(),
            None => self.narrowed(),
            Some(h) => Some(h.hits.iter().filter_map(|hit| self.articles.pos_of(hit.idx)).collect()),
        };
    }

    /// The full-text hit of a list row, when the list shows full-text results.
    pub fn fulltext_hit(&self, row: usize) -> Option<&crate::search::FullTextHit> {
        self.fulltext.as_ref()?.results.as_ref()?.get(row).map(|(_, h)| h)
    }

    fn open_fulltext(&mut self) {
        self.close_search();
        // reopening keeps the phrase and the list to go back to
        let (text, saved) = match self.fulltext.take() {
            Some(f) => {
                f.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                (f.prompt.text().to_string(), f.saved)
            }
            None => (String::new(), self.list),
        };
        let mut prompt = Prompt::default();
        prompt.insert(&text);
        self.fulltext = Some(FullText { prompt, saved, ..FullText::default() });
        self.mode = Mode::FullText;
        self.focus = Focus::List;
        self.zoom = false;
        self.restore_list(saved);
    }

    /// The list as it was before a search: narrowing and sort order kept, the selection
    /// back, the reader on it.
    fn restore_list(&mut self, saved: ListState) {
        // an article opened from the hits stays selected, among its neighbours by date
        let opened = self.reader.path.clone().filter(|_| self.opened_hit);
        self.opened_hit = false;
        self.refilter();
        self.list = saved;
        if let Some(i) = opened.and_then(|p| (0..self.shown_len()).find(|&i| self.selected_path_is(i, &p))) {
            self.list.selected = i;
            self.center_list();
        }
        self.clamp_list();
        self.open_selected();
    }

    /// Puts the selection in the middle of the list's rows (its neighbours above and below).
    fn center_list(&mut self) {
        let rows = self.list_rows();
        self.list.offset = self.list.selected.saturating_sub(rows / 2);
    }

    /// Scans every article for the phrase typed, on background threads.
    fn start_fulltext(&mut self) {
        let Some(f) = &mut self.fulltext else { return };
        f.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        f.phrase = f.prompt.text().to_string();
        f.results = None;
        f.scan_total = 0;
        self.mode = Mode::Browse;
        self.effects.push(Effect::Scan(f.phrase.clone()));
    }

    fn poll_fulltext(&mut self) -> bool {
        let mut changed = false;
        while let Ok((phrase, hits)) = self.fulltext_rx.try_recv() {
            let Some(f) = &mut self.fulltext else { continue };
            if f.phrase != phrase {
                continue;
            }
            f.results = Some(hits);
            self.refilter();
            self.list = ListState::default();
            self.clamp_list();
            self.open_selected();
            changed = true;
        }
        changed
    }

    fn close_fulltext(&mut self) {
        if self.mode == Mode::FullText {
            self.mode = Mode::Browse;
        }
        if let Some(f) = self.fulltext.take() {
            f.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            self.research.answer = None;
            self.research.year = None;
            self.research.error = None;
            self.research.kwic = None;
            self.restore_list(f.saved);
        }
    }

    fn on_fulltext_key(&mut self, k: &crossterm::event::KeyEvent) {
        use crossterm::event::KeyCode;
        match k.code {
            KeyCode::Esc => self.close_fulltext(),
            KeyCode::Enter => {
                if self.fulltext.as_ref().is_some_and(|f| f.prompt.text().trim().is_empty()) {
                    self.close_fulltext();
                } else if !self.start_index_query() {
                    self.start_fulltext();
                    let note = self.fulltext.as_ref().and_then(|f| self.scan_note(&f.phrase));
                    if let Some(n) = &note {
                        self.message = Some(n.clone());
                    } else if self.research.background
                        && matches!(self.research.status, IndexStatus::Building { .. })
                    {
                        self.message = Some(format!("scanning ({})", self.research.status.words()));
                    }
                    if let Some(f) = &mut self.fulltext {
                        f.note = note;
                    }
                }
            }
            _ => {
                if let Some(f) = &mut self.fulltext {
                    f.prompt.handle_key(k);
                }
                self.research.error = None;
            }
        }
    }

    /// Takes the worker's newest result, if it is for the query typed.
    fn poll_search(&mut self) -> bool {
        let Some(r) = self.worker.try_recv() else { return false };
        self.take_search_result(r)
    }

    /// Shows a result of the title search if it is for the query typed last: its first hits
    /// (the count is every hit's), or a later answer to the same query (its complete
    /// ranking, whose first hits are the same; or, during a cold open, its answer on all the
    /// titles after one on those added so far), which keeps the article the reader moved to
    /// and the scroll. A selection not moved stays on the first row: the best hit.
    fn take_search_result(&mut self, r: crate::search::SearchResult) -> bool {
        let Some(s) = &mut self.search else { return false };
        if r.generation != s.generation {
            return false;
        }
        let moved_in_same_query =
            s.hits.as_ref().is_some_and(|h| h.query == r.hits.query) && self.list.selected > 0;
        let keep = self.selected().map(|m| m.path());
        if let Some(s) = &mut self.search {
            s.hits = Some(r.hits);
        }
        self.refilter();
        let at = if moved_in_same_query {
            keep.and_then(|path| (0..self.shown_len()).find(|&i| self.selected_path_is(i, &path)))
        } else {
            None
        };
        self.list.selected = at.unwrap_or(0);
        if at.is_none() {
            self.list.offset = 0;
        }
        self.clamp_list();
        self.open_selected();
        true
    }

    fn open_search(&mut self) {
        self.close_fulltext();
        let (text, saved, hits) = match self.search.take() {
            Some(s) => (s.prompt.text().to_string(), s.saved, s.hits),
            None => (String::new(), self.list, None),
        };
        let mut prompt = Prompt::default();
        prompt.insert(&text);
        let generation = self.worker.submit(&text);
        self.search = Some(TitleSearch { prompt, saved, hits, generation });
        self.mode = Mode::TitleSearch;
        self.focus = Focus::List;
        self.zoom = false;
        // the prompt takes a row of the list
        self.clamp_list();
    }

    /// Esc: closes the search and restores the full list and the selection it had.
    fn close_search(&mut self) {
        if self.mode == Mode::TitleSearch {
            self.mode = Mode::Browse;
        }
        if let Some(s) = self.search.take() {
            self.restore_list(s.saved);
        }
    }

    fn on_search_key(&mut self, k: &crossterm::event::KeyEvent) {
        use crate::keys::is_ctrl;
        use crossterm::event::KeyCode;
        match k.code {
            KeyCode::Esc => self.close_search(),
            KeyCode::Enter => {
                self.mode = Mode::Browse;
                if self.shown_len() > 0 {
                    self.focus = Focus::Reader;
                    self.opened_hit = true;
                }
            }
            KeyCode::Up => self.step(-1),
            KeyCode::Down => self.step(1),
            _ if is_ctrl(k, 'p') => self.step(-1),
            _ if is_ctrl(k, 'n') => self.step(1),
            KeyCode::PageUp => self.step(-(self.list_rows() as isize)),
            KeyCode::PageDown => self.step(self.list_rows() as isize),
            _ => {
                let Some(s) = &mut self.search else { return };
                let before = s.prompt.text().to_string();
                s.prompt.handle_key(k);
                if s.prompt.text() != before {
                    s.generation = self.worker.submit(s.prompt.text());
                }
            }
        }
    }

    fn on_event(&mut self, ev: Event) {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.on_key(&k),
            Event::Paste(text) => self.on_paste(&text),
            Event::Mouse(m) => {
                self.on_mouse(m);
            }
            Event::Resize(w, h) => self.resize(w, h),
            _ => {}
        }
    }

    /// The terminal has a new size: everything is laid out again for it.
    pub fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        self.clamp_list();
        self.relayout();
    }

    /// One key, routed by the mode.
    fn on_key(&mut self, k: &crossterm::event::KeyEvent) {
        use crossterm::event::{KeyCode, KeyModifiers};
        self.pristine = false;
        // Ctrl-c always quits, whatever the key map says and whichever prompt is open
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit_now();
            return;
        }
        let screen = Rect::new(0, 0, self.size.0, self.size.1);
        let most = crate::ui::help_scroll(self, screen, usize::MAX);
        let log_len = self.log.len();
        match &mut self.mode {
            Mode::Help { scroll } => match self.keymap.action(k) {
                Some(Action::Down) => *scroll = (*scroll + 1).min(most),
                Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                Some(Action::PageDown | Action::HalfDown) => *scroll = (*scroll + 10).min(most),
                Some(Action::PageUp | Action::HalfUp) => *scroll = scroll.saturating_sub(10),
                Some(Action::Top) => *scroll = 0,
                Some(Action::Bottom) => *scroll = most,
                // any other key closes the help
                _ => self.mode = Mode::Browse,
            },
            Mode::Log { scroll } => match self.keymap.action(k) {
                Some(Action::Down) => *scroll = (*scroll + 1).min(log_len),
                Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                Some(Action::PageDown | Action::HalfDown) => *scroll = (*scroll + 10).min(log_len),
                Some(Action::PageUp | Action::HalfUp) => *scroll = scroll.saturating_sub(10),
                _ => self.mode = Mode::Browse,
            },
            Mode::Date(_) => self.on_date_key(k),
            Mode::Find => self.on_find_key(k),
            Mode::TitleSearch => self.on_search_key(k),
            Mode::FullText => self.on_fulltext_key(k),
            Mode::Word => self.on_word_key(k),
            Mode::Browse if self.reader.sentence.is_some() => self.on_sentence_key(k),
            Mode::Chart => self.on_chart_key(k),
            Mode::Kwic => self.on_kwic_key(k),
            Mode::Browse => self.on_browse_key(k),
        }
    }

    /// Keys while browsing or reading: Esc closes what is open, else the key map.
    fn on_browse_key(&mut self, k: &crossterm::event::KeyEvent) {
        use crossterm::event::KeyCode;
        if k.code == KeyCode::Esc && self.back_to_kwic() {
            return;
        }
        if matches!(k.code, KeyCode::Esc | KeyCode::Backspace)
            && self.focus == Focus::List
            && self.research.year.is_some()
        {
            self.narrow_year(None);
            return;
        }
        if k.code == KeyCode::Esc {
            if self.focus == Focus::Reader && self.find.is_some() {
                self.find = None;
                return;
            }
            if self.focus == Focus::List && self.fulltext.is_some() {
                self.close_fulltext();
                return;
            }
            if self.focus == Focus::List && self.search.is_some() {
                self.close_search();
                return;
            }
        }
        if let Some(a) = self.keymap.action(k) {
            self.message = None;
            self.act(a);
        }
    }

    /// A paste goes to whichever prompt is open.
    fn on_paste(&mut self, text: &str) {
        match &mut self.mode {
            Mode::Date(p) => p.insert(text),
            Mode::Find => {
                if let Some(f) = &mut self.find {
                    f.prompt.insert(text);
                }
            }
            Mode::TitleSearch => {
                if let Some(s) = &mut self.search {
                    s.prompt.insert(text);
                    s.generation = self.worker.submit(s.prompt.text());
                }
            }
            Mode::FullText => {
                if let Some(f) = &mut self.fulltext {
                    f.prompt.insert(text);
                }
            }
            Mode::Browse | Mode::Help { .. } | Mode::Log { .. } | Mode::Word | Mode::Chart | Mode::Kwic => {}
        }
    }

    fn quit_now(&mut self) {
        // a background index build stops (nothing half-written is committed)
        self.research.cancel_all();
        self.remember_position();
        self.effects.push(Effect::SaveState);
        self.effects.push(Effect::Quit);
        self.quit = true;
    }

    /// Checks the state's invariants: the selection within the list shown, the list's top
    /// within its layout, the reader on the selected article, the mode consistent with what
    /// is open. Render and model tests call it after every step.
    pub fn check_invariants(&self) -> Result<(), String> {
        let n = self.shown_len();
        if n == 0 {
            if self.list.selected != 0 || self.list.offset != 0 {
                return Err(format!("empty list but {:?}", self.list));
            }
        } else {
            if self.list.selected >= n {
                return Err(format!("selection {} outside a list of {n}", self.list.selected));
            }
            let rows = self.list_rows();
            if self.list.selected < self.list.offset || self.list.selected >= self.list.offset + rows {
                return Err(format!(
                    "selection {} not within rows {}..+{rows}",
                    self.list.selected, self.list.offset
                ));
            }
            if self.list.offset > n.saturating_sub(1) {
                return Err(format!("list top {} past the list of {n}", self.list.offset));
            }
            let want = self.selected().map(|m| m.path());
            if want != self.reader.path {
                return Err(format!("reader on {:?}, selection on {want:?}", self.reader.path));
            }
        }
        let l = &self.reader.layout;
        if self.reader.article.is_some() && !l.rows.is_empty() {
            let top = self.reader.top_row();
            if top >= l.rows.len() {
                return Err(format!("reader top {top} past {} rows", l.rows.len()));
            }
            if self.reader.top.block >= l.blocks.len().max(1) {
                return Err(format!("reader top block {} of {}", self.reader.top.block, l.blocks.len()));
            }
        }
        if self.focus == Focus::Reader && self.articles.is_empty() {
            return Err("the reader has the focus in an empty collection".into());
        }
        let p = self.areas();
        if !p.too_small && p.reader.width == 0 && self.focus == Focus::Reader {
            return Err("the focused reader is hidden".into());
        }
        if self.reader.article.is_some() && !p.too_small {
            let h = usize::from(self.reader_areas().0.height).max(1);
            let top = self.reader.top_row();
            if top > l.rows.len().saturating_sub(h) {
                return Err(format!(
                    "reader scrolled past the end: top {top}, {} rows, height {h}",
                    l.rows.len()
                ));
            }
            if let Some(s) = &self.reader.split {
                for (name, l, t) in [("en", &s.en, s.en_top), ("zh", &s.zh, s.zh_top)] {
                    let row = l.row_of(t);
                    if row > l.rows.len().saturating_sub(h) {
                        return Err(format!("{name} column scrolled past the end: {row}"));
                    }
                }
            }
        }
        if let Some(f) = &self.find {
            // every hit is a range of a text the reader shows, on its character boundaries
            let layouts: Vec<&Layout> = match &self.reader.split {
                Some(s) => vec![&s.en, &s.zh],
                None => vec![l],
            };
            let in_texts = |l: &&Layout| {
                f.hits.iter().all(|(id, r)| l.text(*id).is_some_and(|t| t.text.get(r.clone()).is_some()))
            };
            if !f.hits.is_empty() && !layouts.iter().any(in_texts) {
                return Err("in-article hits outside the texts the reader shows".into());
            }
            if !f.hits.is_empty() && f.current >= f.hits.len() {
                return Err(format!("current hit {} of {}", f.current, f.hits.len()));
            }
        }
        let r = &self.reader;
        if let Some(m) = r.trust.iter().find(|m| m.bead >= r.beads.len() || m.concerns.is_empty()) {
            return Err(format!("trust mark {m:?} outside {} beads or without a reason", r.beads.len()));
        }
        if !r.trust.is_empty() && r.article.is_some() && r.layout.view != View::Both {
            let width = usize::from(self.reader_areas().0.width);
            if r.layout.left_width + usize::from(TRUST_MARGIN) != width
                && width > usize::from(TRUST_MARGIN) + 8
            {
                return Err(format!("no margin for the trust marks: {} of {width}", r.layout.left_width));
            }
        }
        let ok = match &self.mode {
            Mode::Browse | Mode::Help { .. } | Mode::Log { .. } | Mode::Date(_) => true,
            Mode::TitleSearch => self.search.is_some() && self.focus == Focus::List,
            Mode::FullText => self.fulltext.is_some() && self.focus == Focus::List,
            Mode::Find => self.find.is_some() && self.focus == Focus::Reader,
            Mode::Word => self.focus == Focus::Reader,
            Mode::Chart | Mode::Kwic => self.fulltext.is_some() && self.focus == Focus::List,
        };
        self.check_words()?;
        if !ok {
            return Err(format!("mode {:?} with focus {:?}", self.mode, self.focus));
        }
        self.check_research()?;
        if self.zoom && self.focus == Focus::List && self.mode == Mode::Browse && self.shown_len() > 0 {
            return Err("the hidden list has the focus".into());
        }
        self.check_sentences()
    }

    fn on_mouse(&mut self, m: MouseEvent) -> bool {
        // the concordance covers the panes: the wheel moves its lines, clicks do nothing
        if self.mode == Mode::Kwic {
            return self.on_kwic_mouse(m.kind);
        }
        let p = self.areas();
        let at = ratatui::layout::Position::new(m.column, m.row);
        let in_list = p.list.contains(at);
        let in_reader = p.reader.contains(at);
        match m.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = m.kind == MouseEventKind::ScrollDown;
                if in_list {
                    let n = self.shown_len();
                    let rows = self.list_rows();
                    let max_off = n.saturating_sub(rows);
                    self.list.offset = if down {
                        (self.list.offset + 3).min(max_off)
                    } else {
                        self.list.offset.saturating_sub(3)
                    };
                    let last = (self.list.offset + rows).min(n).saturating_sub(1);
                    let sel = self.list.selected.clamp(self.list.offset, last);
                    if sel != self.list.selected {
                        self.list.selected = sel;
                        self.open_selected();
                    }
                    true
                } else if in_reader && self.reader_areas().1.contains(at) {
                    // the glossary panel scrolls by itself
                    self.gloss_scroll = if down {
                        (self.gloss_scroll + 3).min(crate::ui::glossary_max_scroll(self))
                    } else {
                        self.gloss_scroll.saturating_sub(3)
                    };
                    true
                } else if in_reader {
                    // unlocked columns: the wheel scrolls the column under the pointer
                    let left_edge = self.reader_areas().0.x + self.reader.layout.left_width as u16;
                    if let Some(split) = &mut self.reader.split {
                        split.side = if m.column < left_edge { Side::En } else { Side::Zh };
                    }
                    self.scroll_reader(if down { 3 } else { -3 });
                    true
                } else {
                    false
                }
            }
            MouseEventKind::Down(MouseButton::Left) => {
                // a search prompt keeps the keyboard and its pane: a click in the other pane
                // does not take the focus from under it
                let prompt_on = match self.mode {
                    Mode::TitleSearch | Mode::FullText => Some(Focus::List),
                    Mode::Find => Some(Focus::Reader),
                    _ => None,
                };
                let to = if in_list { Focus::List } else { Focus::Reader };
                if prompt_on.is_some_and(|f| f != to) {
                    return false;
                }
                if in_list {
                    self.leave_words();
                    self.focus = Focus::List;
                    let l = self.list_area();
                    let item = usize::from(m.row.saturating_sub(l.y)) / self.item_height_for(l.width);
                    let i = self.list.offset + item;
                    if i < self.shown_len() {
                        self.select(i);
                    }
                    true
                } else if in_reader && self.shown_len() > 0 {
                    self.focus = Focus::Reader;
                    self.click_word(m.column, m.row);
                    true
                } else {
                    false
                }
            }
            _ => false,
        }
    }

    /// Carries out an action.
    pub fn act(&mut self, a: Action) {
        let page = |app: &App| match app.focus {
            Focus::List => app.list_rows(),
            Focus::Reader => app.reader_height().saturating_sub(1).max(1),
        };
        match a {
            Action::Quit => self.quit_now(),
            Action::Help => self.mode = Mode::Help { scroll: 0 },
            Action::Messages => {
                // the newest at the bottom, in view
                self.mode = Mode::Log { scroll: self.log.len().saturating_sub(5) };
            }
            Action::Mouse => {
                self.mouse = !self.mouse;
                self.effects.push(Effect::Mouse(self.mouse));
                self.message = Some(
                    if self.mouse {
                        "mouse on: the wheel scrolls, a click selects (Shift-drag selects text)"
                    } else {
                        "mouse off: drag to select text; M turns the mouse back on"
                    }
                    .into(),
                );
            }
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::PageUp => self.step(-(page(self) as isize)),
            Action::PageDown => self.step(page(self) as isize),
            Action::HalfUp => self.step(-((page(self) / 2).max(1) as isize)),
            Action::HalfDown => self.step((page(self) / 2).max(1) as isize),
            Action::Top => self.step(isize::MIN / 2),
            Action::Bottom => self.step(isize::MAX / 2),
            Action::FocusReader => {
                if self.shown_len() > 0 {
                    self.focus = Focus::Reader;
                    self.opened_hit |= self.search.is_some() || self.fulltext.is_some();
                    // from full-text results: find the phrase in the article and go to it
                    if let Some(phrase) =
                        self.fulltext.as_ref().filter(|f| f.results.is_some()).map(|f| f.phrase.clone())
                    {
                        let mut prompt = Prompt::default();
                        prompt.insert(&phrase);
                        self.find = Some(Find { prompt, jump: true, ..Find::default() });
                        self.jump_when_ready();
                    }
                }
            }
            // the hidden list (`z`) never takes the focus
            Action::FocusList if self.zoom => {}
            Action::FocusList => self.focus = Focus::List,
            Action::ToggleFocus if self.focus == Focus::Reader && self.reader.split.is_some() => {
                if let Some(s) = &mut self.reader.split {
                    s.side = if s.side == Side::En { Side::Zh } else { Side::En };
                }
            }
            Action::ToggleFocus if self.zoom => {}
            Action::ToggleFocus => {
                self.focus = match self.focus {
                    Focus::List if self.shown_len() > 0 => Focus::Reader,
                    _ => Focus::List,
                }
            }
            Action::PrevArticle => {
                if self.list.selected > 0 {
                    self.select(self.list.selected - 1);
                } else if self.shown_len() > 0 {
                    self.message = Some(self.first_article_line());
                }
            }
            Action::NextArticle => {
                if self.list.selected + 1 < self.shown_len() {
                    self.select(self.list.selected + 1);
                } else if !self.next_day() {
                    self.message = Some("this is the last article".into());
                }
            }
            Action::CycleView => {
                // skip a view that looks the same at this width ("both" is interleaved when narrow)
                let width = self.reader_areas().0.width;
                let now = self.view.effective(width);
                let mut next = self.view.next();
                while next.effective(width) == now && next != self.view {
                    next = next.next();
                }
                self.set_view(next);
            }
            Action::Zoom => {
                self.zoom = !self.zoom;
                if self.zoom && self.shown_len() > 0 {
                    self.focus = Focus::Reader;
                } else if self.zoom {
                    self.zoom = false;
                    self.message = Some("nothing to read: the list stays".into());
                }
                self.remember_position();
                self.effects.push(Effect::SaveState);
            }
            Action::Glossary => {
                self.glossary = !self.glossary;
                if self.glossary && self.reader.article.as_ref().is_some_and(|a| a.glossary.is_empty()) {
                    self.message = Some("this article has no glossary".into());
                }
                self.remember_position();
                self.effects.push(Effect::SaveState);
            }
            Action::ToggleLock => self.toggle_lock(),
            Action::SentenceCursor => self.toggle_sentences(),
            Action::GlossaryDown => {
                self.gloss_scroll = (self.gloss_scroll + 3).min(crate::ui::glossary_max_scroll(self));
            }
            Action::GlossaryUp => self.gloss_scroll = self.gloss_scroll.saturating_sub(3),
            Action::Search if self.focus == Focus::Reader => {
                self.find = Some(Find::default());
                self.mode = Mode::Find;
            }
            Action::Search => self.open_search(),
            Action::NextHit => self.jump_hit(1),
            // bound to keys as each lands (the library actions)
            Action::FullText => self.open_fulltext(),
            Action::ResultsOrder => self.toggle_order(),
            Action::Timeline => self.open_chart(),
            Action::TimelineNorm => self.toggle_norm(),
            Action::Concordance => self.open_kwic(),
            Action::ToggleRead
            | Action::ToggleBookmark
            | Action::BookmarksOnly
            | Action::GotoDate
            | Action::DayOnly
            | Action::OnThisDay
            | Action::CycleSort
            | Action::Cite
            | Action::CopyPair
            | Action::CopyArticle
            | Action::Pager => {
                self.act_library(a);
            }
            Action::PrevHit => self.jump_hit(-1),
            Action::WordCursor => self.toggle_words(),
            Action::Pinyin => self.toggle_pinyin(),
            Action::HskColour => self.toggle_hsk(),
            // the word cursor's own keys (see words.rs)
            Action::WordLeft
            | Action::WordRight
            | Action::WordUp
            | Action::WordDown
            | Action::SaveWord
            | Action::WordExit => {}
            Action::NextBead => self.jump_block(1),
            Action::PrevBead => self.jump_block(-1),
        }
    }

    fn step(&mut self, delta: isize) {
        match self.focus {
            Focus::List => {
                if self.shown_len() == 0 {
                    return;
                }
                let last = self.shown_len() - 1;
                let i = (self.list.selected as isize).saturating_add(delta).clamp(0, last as isize);
                self.select(i as usize);
            }
            Focus::Reader => self.scroll_reader(delta),
        }
    }

    /// Selects article `i` and shows it in the reader.
    pub fn select(&mut self, i: usize) {
        if i != self.list.selected || self.reader.path.is_none() {
            self.list.selected = i;
            self.open_selected();
        }
        self.clamp_list();
    }

    fn clamp_list(&mut self) {
        let n = self.shown_len();
        if n == 0 {
            self.list = ListState::default();
            return;
        }
        self.list.selected = self.list.selected.min(n - 1);
        let rows = self.list_rows();
        if self.list.selected < self.list.offset {
            self.list.offset = self.list.selected;
        } else if self.list.selected >= self.list.offset + rows {
            self.list.offset = self.list.selected + 1 - rows;
        }
        self.list.offset = self.list.offset.min(n.saturating_sub(rows));
    }

    /// Points the reader at the selected article and asks for it to be read.
    fn open_selected(&mut self) {
        let path = self.selected().map(|m| m.path());
        if path != self.reader.path {
            if self.reader.path.is_some() && !self.collection.is_empty() && self.reader.article.is_some() {
                // the place in the article left is saved as the next one opens
                self.remember_position();
                self.effects.push(Effect::SaveState);
            }
            if let Some(p) = &path {
                self.effects.push(Effect::Open(p.clone()));
            }
            if self.mode == Mode::Word {
                self.mode = Mode::Browse;
            }
            self.learn.cursor = None;
            self.reader = Reader { path, ..Reader::default() };
            self.gloss_scroll = 0;
            if let Some(f) = &mut self.find {
                f.key = None;
            }
        }
    }

    /// Lays the article out for the reader's current width and view (pure: the article was
    /// read before, through [`Effect::Open`]). [`App::update`] ends with it.
    fn relayout(&mut self) {
        let width = self.reader_areas().0.width;
        let Some(article) = &self.reader.article else { return };
        let view = self.view.effective(width);
        // a flagged article keeps two columns on the right for the trust marks in the views
        // that have no gutter
        let width = if view != View::Both && !self.reader.trust.is_empty() && width > TRUST_MARGIN + 8 {
            width - TRUST_MARGIN
        } else {
            width
        };
        let chinese = self.reader.chinese.as_ref();
        let extras = layout::Extras {
            pinyin: chinese.filter(|_| self.learn.pinyin).map(|c| c.pinyin.as_slice()),
            zh_note: chinese.map(|c| c.note.as_str()),
        };
        let extras_key = (extras.pinyin.is_some(), extras.zh_note.is_some());
        let same_shape = self.reader.layout.width == width && self.reader.layout.view == view;
        if !self.reader.layout_valid || !same_shape || self.reader.extras != extras_key {
            let old = std::mem::take(&mut self.reader.layout);
            let fresh = !self.reader.layout_valid;
            // the row at the top, to keep it there (a paragraph's start is not enough)
            let top = self.reader.top;
            let anchor = self.reader.anchor.take();
            self.reader.layout =
                layout::layout_with(article, &self.reader.beads, self.view, width.max(1), extras);
            self.reader.extras = extras_key;
            let new = &self.reader.layout;
            self.reader.top = if fresh {
                Position::default()
            } else if same_shape {
                // pinyin on or off: the same line at the top
                self.reader.anchor = None;
                words::same_line(&old, new, top)
                    .unwrap_or_else(|| keep_fraction(new, Position { offset: 0, ..top }, &old, top))
            } else if let Some((_, _, at)) = anchor.filter(|a| a.0 == view && a.1 == width) {
                // back in the view and width the reader started from: the very same line
                at
            } else {
                // keep the anchor (the line before any view change) for coming back to it
                self.reader.anchor = anchor.or(Some((old.view, old.width, top)));
                let start = if old.view != view {
                    new.translate(Position { offset: 0, ..top }, &old)
                } else {
                    Position { offset: 0, ..top }
                };
                keep_fraction(new, start, &old, top)
            };
            self.reader.layout_valid = true;
        }
        if self.reader.layout.view != View::Both {
            self.reader.split = None;
        }
        let (lw, rw) = (self.reader.layout.left_width, self.reader.layout.right_width);
        if let Some(split) = &mut self.reader.split {
            if split.en.width as usize != lw
                || split.zh.width as usize != rw
                || split.zh.pinyin != extras_key.0
            {
                split.en = layout::layout(article, &self.reader.beads, View::English, lw as u16);
                split.zh = layout::layout_with(article, &self.reader.beads, View::Chinese, rw as u16, extras);
            }
        }
        self.scroll_reader(0);
        if self.mode == Mode::Word {
            self.keep_word_visible();
        }
        self.refresh_find();
        self.settle_sentences();
    }

    fn on_find_key(&mut self, k: &crossterm::event::KeyEvent) {
        use crossterm::event::KeyCode;
        let Some(f) = &mut self.find else {
            self.mode = Mode::Browse;
            return;
        };
        match k.code {
            KeyCode::Esc => {
                self.find = None;
                self.mode = Mode::Browse;
            }
            KeyCode::Enter => {
                self.mode = Mode::Browse;
                if f.prompt.text().trim().is_empty() {
                    self.find = None;
                } else {
                    self.relayout();
                    self.jump_hit(0);
                }
            }
            _ => {
                f.prompt.handle_key(k);
            }
        }
    }

    /// Recomputes the rows holding the query when the query or the layout changed.
    fn refresh_find(&mut self) {
        let Some(f) = &mut self.find else { return };
        let r = &self.reader;
        let (layout, split_side) = match &r.split {
            Some(s) if s.side == Side::En => (&s.en, true),
            Some(s) => (&s.zh, true),
            None => (&r.layout, false),
        };
        let side = split_side && r.split.as_ref().is_some_and(|s| s.side == Side::En);
        let key = (f.prompt.text().to_string(), layout.view, side);
        if f.key.as_ref() == Some(&key) {
            return;
        }
        // the hit jumped to stays current when only the view changed
        let was = f.hits.get(f.current).cloned();
        f.hits = layout.find(f.prompt.text().trim());
        f.current = was.and_then(|w| f.hits.iter().position(|h| *h == w)).unwrap_or(0);
        f.key = Some(key);
    }

    /// `n` / `N` (and Enter, with `dir` 0): scroll so the next or previous hit is near the top.
    fn jump_hit(&mut self, dir: isize) {
        self.refresh_find();
        let h = self.reader_height();
        let r = &mut self.reader;
        let Some(f) = &mut self.find else { return };
        if f.hits.is_empty() {
            self.message = Some(format!("not found: {}", f.prompt.text()));
            return;
        }
        let (layout, top) = match &mut r.split {
            Some(s) => s.side_mut(),
            None => (&r.layout, &mut r.top),
        };
        let row_of =
            |k: usize| f.hits.get(k).and_then(|(id, rg)| layout.row_of_text(*id, rg.start)).unwrap_or(0);
        let (first, last) = (layout.row_of(*top), layout.row_of(*top) + h.max(1));
        let n = f.hits.len();
        // From the hit last jumped to while it is on screen (so `n` goes on through hits
        // that cannot be scrolled to the top, at the end of the article); else from the top.
        let on_screen = f.current < n && (first..last).contains(&row_of(f.current));
        let (k, wrapped) = match dir {
            0 => match (0..n).find(|&k| row_of(k) >= first) {
                Some(k) => (k, false),
                None => (0, true),
            },
            d if d > 0 => {
                let next = if on_screen {
                    Some(f.current + 1).filter(|&k| k < n)
                } else {
                    (0..n).find(|&k| row_of(k) >= first)
                };
                next.map_or((0, true), |k| (k, false))
            }
            _ => {
                let prev = if on_screen {
                    f.current.checked_sub(1)
                } else {
                    (0..n).rev().find(|&k| row_of(k) < first)
                };
                prev.map_or((n - 1, true), |k| (k, false))
            }
        };
        f.current = k;
        r.anchor = None;
        // hits are shown two rows below the top, for context
        let row = row_of(k).saturating_sub(2);
        let max_top = layout.rows.len().saturating_sub(h);
        *top = layout.position(row.min(max_top));
        let total = n;
        self.message = Some(format!("hit {}/{}{}", k + 1, total, if wrapped { " (wrapped)" } else { "" }));
    }

    /// `s`: unlock the columns of view "both", or lock them again on the bead holding the
    /// paragraph at the top of the column that was scrolling.
    fn toggle_lock(&mut self) {
        self.relayout();
        let r = &mut self.reader;
        let Some(article) = &r.article else { return };
        if let Some(split) = r.split.take() {
            let (from, top) = match split.side {
                Side::En => (&split.en, split.en_top),
                Side::Zh => (&split.zh, split.zh_top),
            };
            r.top = r.layout.translate(top, from);
            self.message = Some("columns locked".into());
        } else if r.layout.view == View::Both {
            let (lw, rw) = (r.layout.left_width as u16, r.layout.right_width as u16);
            let en = layout::layout(article, &r.beads, View::English, lw);
            let extras = layout::Extras {
                pinyin: r.chinese.as_ref().filter(|_| self.learn.pinyin).map(|c| c.pinyin.as_slice()),
                zh_note: r.chinese.as_ref().map(|c| c.note.as_str()),
            };
            let zh = layout::layout_with(article, &r.beads, View::Chinese, rw, extras);
            let en_top = en.translate(r.top, &r.layout);
            let zh_top = zh.translate(r.top, &r.layout);
            r.split = Some(Split { en, zh, en_top, zh_top, side: Side::En });
            self.focus = Focus::Reader;
            self.message = Some("columns unlocked: Tab picks the column, s locks".into());
        } else {
            self.message = Some("columns lock only in view both".into());
        }
    }

    /// `}` / `{`: the next or previous block (bead, or paragraph in one language).
    fn jump_block(&mut self, dir: isize) {
        let h = self.reader_height();
        let r = &mut self.reader;
        let (layout, top) = match &mut r.split {
            Some(s) => s.side_mut(),
            None => (&r.layout, &mut r.top),
        };
        let n = layout.blocks.len();
        if n == 0 {
            return;
        }
        r.anchor = None;
        let block = if dir > 0 {
            (top.block + 1).min(n - 1)
        } else if top.offset > 0 {
            top.block
        } else {
            top.block.saturating_sub(1)
        };
        let max_top = layout.rows.len().saturating_sub(h);
        let row = layout.blocks.get(block).map_or(0, |b| b.start).min(max_top);
        *top = layout.position(row);
    }

    /// Changes the view, keeping the paragraph at the top in place.
    pub fn set_view(&mut self, view: View) {
        self.view = view;
        self.relayout();
    }

    fn scroll_reader(&mut self, delta: isize) {
        let h = self.reader_height();
        if delta != 0 {
            self.reader.anchor = None;
            self.scrolled_at = Some(Instant::now());
        }
        let r = &mut self.reader;
        match &mut r.split {
            Some(s) if delta != 0 => {
                let (layout, top) = s.side_mut();
                scroll(layout, top, delta, h);
            }
            Some(s) => {
                scroll(&s.en, &mut s.en_top, 0, h);
                scroll(&s.zh, &mut s.zh_top, 0, h);
                scroll(&r.layout, &mut r.top, 0, h);
            }
            None => scroll(&r.layout, &mut r.top, delta, h),
        }
    }
}

/// The place in a new layout of the line at `top` of the old one: the same fraction of the way
/// through its paragraph (`start`, the paragraph's first row in the new layout), so that the
/// line being read stays at the top after a resize or a view change.
fn keep_fraction(new: &Layout, start: Position, old: &Layout, top: Position) -> Position {
    match (old.blocks.get(top.block), new.blocks.get(start.block)) {
        (Some(ob), Some(nb)) if ob.len > 0 && nb.len > 0 => {
            let off = top.offset.min(ob.len - 1);
            let noff = (off * nb.len + ob.len / 2) / ob.len;
            Position { block: start.block, offset: noff.min(nb.len - 1) }
        }
        _ => start,
    }
}

/// Moves `top` by `delta` rows within `layout`, never past the last page.
fn scroll(layout: &Layout, top: &mut Position, delta: isize, height: usize) {
    let max_top = layout.rows.len().saturating_sub(height);
    let cur = layout.row_of(*top) as isize;
    let new = cur.saturating_add(delta).clamp(0, max_top as isize) as usize;
    if new != cur as usize || delta == 0 {
        *top = layout.position(new);
    }
}

#[cfg(test)]
mod title_search_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;
    use crate::search::{Query, SearchIndex, SearchResult};

    fn article(i: usize) -> String {
        let title = if i.is_multiple_of(3) {
            format!("Report on Production {i}")
        } else {
            format!("Production Report {i}")
        };
        let day = i % 28 + 1;
        format!(
            "Title: {title}\nAuthor: \nDate: 1958-08-{day:02}\nPage: 2\n\n    Text {i}.\n\n\
             Original: \n\n\n### 生产报告{i}\n\n1958-08-{day:02}\n第2版()\n专栏：\n\n    正文。\n"
        )
    }

    /// A reader on 60 articles of [`article`], and what its search worker holds: the
    /// catalog's ids, titles and keys.
    fn sixty_articles() -> (tempfile::TempDir, App, SearchIndex) {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..60 {
            std::fs::write(dir.path().join(format!("a{i:02}.md")), article(i)).unwrap();
        }
        let mut app = App::with_loaded((100, 30), corpus::load_paths(&[dir.path().to_path_buf()]));
        app.prepare();
        let mut ix = SearchIndex::new();
        for id in 0..app.articles.ids() as u32 {
            let a = app.articles.by_id(id).unwrap();
            ix.push(a.title_en(), &a.title_zh_full(), a.date_page_key());
        }
        (dir, app, ix)
    }

    fn type_in(app: &mut App, text: &str) {
        for c in text.chars() {
            let k = crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char(c),
                crossterm::event::KeyModifiers::NONE,
            );
            app.on_search_key(&k);
        }
    }

    fn rows(app: &App) -> Vec<u32> {
        (0..app.shown_len()).map(|i| app.articles.id(app.shown(i).unwrap()).unwrap()).collect()
    }

    fn screen(app: &App) -> String {
        let buf = crate::app::drive::checked_frame(app, "drawn").unwrap();
        (0..buf.area.height)
            .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A query answered first on the titles added so far (a cold open's, while the worker
    /// adds the rest), then on them all: a selection the reader has not moved stays on the
    /// best hit, the new first row. It stayed on the first answer's best, 65 rows down in
    /// tmux at 100k.
    #[test]
    fn a_fuller_answer_to_the_same_query_selects_its_best_hit_unless_the_reader_moved() {
        let (_dir, mut app, all) = sixty_articles();
        // the query whose best hit comes latest among the titles (the first answer then has
        // other hits, the reader can move among them)
        let (text, full) = ["production", "production 4", "production 5", "report 4", "report 5"]
            .into_iter()
            .map(|t| (t, all.search(&Query::parse(t), None, &|| false).unwrap()))
            .max_by_key(|(_, r)| r.hits.first().map(|h| h.idx))
            .unwrap();
        let q = Query::parse(text);
        let best = full.hits.first().unwrap().idx;
        assert!(best > 2, "the best hit must not be among the first titles: {best}");
        // the titles added so far: those before the best one
        let mut part = SearchIndex::new();
        for id in 0..best {
            let a = app.articles.by_id(id).unwrap();
            part.push(a.title_en(), &a.title_zh_full(), a.date_page_key());
        }
        let partial = part.search(&q, None, &|| false).unwrap();
        assert!(partial.hits.len() >= 2, "{text}: {}", partial.hits.len());
        for moved in [false, true] {
            app.close_search();
            app.open_search();
            type_in(&mut app, text);
            let generation = app.search.as_ref().unwrap().generation;
            assert!(app.take_search_result(SearchResult { generation, hits: Arc::new(partial.clone()) }));
            if moved {
                app.step(1);
            }
            let chosen = app.selected().map(|m| m.path());
            assert!(app.take_search_result(SearchResult { generation, hits: Arc::new(full.clone()) }));
            if moved {
                // the reader's choice is kept, wherever it is now
                assert_eq!(app.selected().map(|m| m.path()), chosen);
            } else {
                assert_eq!(app.list.selected, 0);
                assert_eq!(rows(&app).first(), Some(&best));
                assert_eq!(app.articles.id(app.shown(app.list.selected).unwrap()), Some(best));
            }
        }
    }

    #[test]
    fn the_list_shows_the_count_and_first_hits_then_the_full_order() {
        let (_dir, mut app, ix) = sixty_articles();
        assert_eq!(app.articles.len(), 60);
        app.open_search();
        type_in(&mut app, "report");
        let generation = app.search.as_ref().unwrap().generation;
        let q = Query::parse("report");
        let first = ix.search_first(&q, None, 5, &|| false).unwrap();
        let full = ix.search(&q, None, &|| false).unwrap();
        assert!(!first.is_complete());
        let order: Vec<u32> = full.hits.iter().map(|h| h.idx).collect();
        // The first screen: the count of every hit, the first five rows in their final order,
        // the rest said to be coming; the selection stops at the last row ranked.
        assert!(app.take_search_result(SearchResult { generation, hits: Arc::new(first) }));
        assert!(app.search.as_ref().unwrap().ranking());
        assert_eq!(rows(&app), order[..5]);
        assert_eq!(app.list_total(), 60);
        let s = screen(&app);
        assert!(s.contains("60/60"), "{s}");
        assert!(s.contains("ranking 55 more…"), "{s}");
        app.step(100);
        assert_eq!(app.list.selected, 4);
        let selected = app.selected().map(|m| m.path());
        // The full ranking: the same rows first, the selection kept, the list to its end.
        assert!(app.take_search_result(SearchResult { generation, hits: Arc::new(full) }));
        assert!(!app.search.as_ref().unwrap().ranking());
        assert_eq!(rows(&app), order);
        assert_eq!(app.selected().map(|m| m.path()), selected);
        let s = screen(&app);
        assert!(!s.contains("ranking"), "{s}");
        app.step(100);
        assert_eq!(app.list.selected, 59);
        // a result of an older query is not shown
        let stale = ix.search(&Query::parse("rep"), None, &|| false).unwrap();
        assert!(!app.take_search_result(SearchResult { generation: generation - 1, hits: Arc::new(stale) }));
        assert_eq!(rows(&app), order);
    }
}
