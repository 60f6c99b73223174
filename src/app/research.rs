//! The reader's research instruments (issue 15): the full-text index built in the background,
//! Ctrl-f answered by the index with the query language once it is ready (by the scan before),
//! results by date or relevance with counts by year and page, the timeline chart with year
//! narrowing, and the concordance (KWIC) with its paragraph-pair preview.
//!
//! The index is reached through the [`Engine`] trait (the real one is
//! [`super::fts_engine::FtsEngine`]), so that the app's state machine is tested with the real
//! index and its data types stay the app's own. Threads are started only by the effect runner
//! ([`App::perform`]); their answers come back as [`Msg::Research`].

use super::{App, ArticleRead, Effect, Focus, Mode, Msg};
use crate::search::FullTextHit;
use crate::text::thousands;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Where the problem in a query is, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryProblem {
    /// 1-based column, in characters of the query.
    pub col: usize,
    /// What is wrong.
    pub msg: String,
}

/// The order of the index's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResultOrder {
    /// Oldest first.
    #[default]
    Date,
    /// Most relevant first (BM25).
    Relevance,
}

/// What the timeline's bars measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartNorm {
    /// Occurrences per million characters of the year's text.
    #[default]
    PerMillion,
    /// Percent of the year's articles holding the term.
    PerArticle,
}

/// One matching article of an index query.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerHit {
    /// The file.
    pub path: PathBuf,
    /// `YYYYMMDD`, 0 unknown.
    pub date: u32,
    /// Page, 0 unknown.
    pub page: u32,
    /// Occurrences.
    pub count: u32,
    /// BM25 relevance.
    pub score: f32,
}

/// One year of a term's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct YearPoint {
    /// The year.
    pub year: u32,
    /// Occurrences that year.
    pub occurrences: u64,
    /// Articles holding the term that year.
    pub articles: u64,
    /// Articles that year (the whole index).
    pub total_articles: u64,
    /// Characters that year.
    pub total_chars: u64,
}

impl YearPoint {
    /// The bar's value under `norm`.
    pub fn value(&self, norm: ChartNorm) -> f64 {
        match norm {
            ChartNorm::PerMillion => 1e6 * self.occurrences as f64 / self.total_chars.max(1) as f64,
            ChartNorm::PerArticle => 100.0 * self.articles as f64 / self.total_articles.max(1) as f64,
        }
    }
}

/// One term's timeline (a comma-separated query has one per term, up to four).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// The term as typed.
    pub term: String,
    /// Every year of the index, in order (zeros included).
    pub years: Vec<YearPoint>,
}

/// The index's answer to a query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Answer {
    /// The matching articles in the order asked for.
    pub hits: Vec<AnswerHit>,
    /// Articles by year.
    pub by_year: BTreeMap<u32, usize>,
    /// Articles by page (0: unknown).
    pub by_page: BTreeMap<u32, usize>,
    /// The timeline of each term.
    pub series: Vec<Series>,
    /// The index addresses of the last hits, whose paths `run` left empty (a query with many
    /// hits resolves the first screens' only): `hits[hits.len() - unresolved.len()..]`, in
    /// order, for [`Engine::rest_paths`] of the engine that answered.
    pub unresolved: Vec<(u32, u32)>,
    /// The terms of filters alone (`date:1958`): they find articles but have no occurrence to
    /// count, so no series (the reader says so, as `diglot freq` does).
    pub wordless: Vec<String>,
}

/// Which text of an article a concordance hit is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitPlace {
    /// English paragraph (index among the English paragraphs).
    En(usize),
    /// Chinese paragraph.
    Zh(usize),
    /// A title, the authors or the glossary.
    Other,
}

/// One concordance line: the index's own ([`crate::fts::KwicLine`]: date, page, left
/// context, hit, right context, title, file, and where the hit is).
pub use crate::fts::KwicLine as ConcordLine;

/// Which paragraph of its article a concordance line's hit is in.
pub fn hit_place(l: &ConcordLine) -> HitPlace {
    use crate::fts::index::SegmentKind;
    match l.segment {
        SegmentKind::English => HitPlace::En(l.paragraph),
        SegmentKind::Chinese => HitPlace::Zh(l.paragraph),
        _ => HitPlace::Other,
    }
}

/// A result's first hit in context (the list's second row under an index result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// Occurrences of the query's phrases in the article, as the concordance finds them.
    pub occurrences: usize,
    /// The first occurrence in a paragraph (else in a title, the authors or the glossary),
    /// its contexts cut to [`SNIPPET_CONTEXT`] characters; `None` when the file could not
    /// be read or holds no phrase of the query (a query of filters only).
    pub line: Option<ConcordLine>,
}

/// Characters of context kept on each side of a snippet's hit (the widest list row needs
/// fewer).
pub const SNIPPET_CONTEXT: usize = 160;

/// The first hit of `lines` (an article's concordance) as a result's snippet: the first in
/// a paragraph if any, its contexts cut to [`SNIPPET_CONTEXT`] characters.
pub fn first_hit(lines: Vec<ConcordLine>) -> Snippet {
    let occurrences = lines.len();
    let pick = lines.iter().position(|l| hit_place(l) != HitPlace::Other).unwrap_or(0);
    let line = lines.into_iter().nth(pick).map(|mut l| {
        let skip = l.left.chars().count().saturating_sub(SNIPPET_CONTEXT);
        if skip > 0 {
            l.left = l.left.chars().skip(skip).collect();
        }
        if let Some((at, _)) = l.right.char_indices().nth(SNIPPET_CONTEXT) {
            l.right.truncate(at);
        }
        l
    });
    Snippet { occurrences, line }
}

/// The full-text index as the app uses it.
pub trait Engine: Send + Sync {
    /// Parses the query: where it is wrong, if it is (pure, cheap: called in `update`).
    fn check(&self, query: &str) -> Result<(), QueryProblem>;
    /// Runs a query (`None` when cancelled).
    fn run(
        &self,
        query: &str,
        order: ResultOrder,
        cancel: &dyn Fn() -> bool,
    ) -> Result<Option<Answer>, String>;
    /// The concordance lines of a query in these articles (reads them), in the articles' order;
    /// `cancel` is polled before each article (the reader counts the articles read with it).
    fn concordance(&self, query: &str, paths: &[PathBuf], cancel: &dyn Fn() -> bool) -> Vec<ConcordLine>;
    /// The paths of an answer's [`Answer::unresolved`] hits, in order (`None` when
    /// cancelled). An engine whose answers resolve every path needs none.
    fn rest_paths(
        &self,
        unresolved: &[(u32, u32)],
        cancel: &dyn Fn() -> bool,
    ) -> Result<Option<Vec<PathBuf>>, String> {
        let _ = cancel;
        if unresolved.is_empty() {
            Ok(Some(Vec::new()))
        } else {
            Err("this engine leaves no path for later".into())
        }
    }
}

/// Builds (or brings up to date) the index of the roots, calling `progress(done, total)`;
/// polled `cancel`. The second argument, when given, names the files a check of the files
/// found changed, added or removed: only those are looked at (no walk). The effect runner
/// calls it on a worker thread.
pub type Builder = Arc<
    dyn Fn(
            &[PathBuf],
            Option<&[PathBuf]>,
            &(dyn Fn(usize, usize) + Sync),
            &(dyn Fn() -> bool + Sync),
        ) -> Result<Arc<dyn Engine>, String>
        + Send
        + Sync,
>;

/// Opens the index of the roots as it is when it is current (it holds every file as it is
/// now), without building or updating it: with background indexing off, Ctrl-f still uses
/// the index `diglot index` built. `Err` says why there is none to use (none yet, out of
/// date, unreadable); polls `cancel`. The effect runner calls it on a worker thread.
pub type Opener =
    Arc<dyn Fn(&[PathBuf], &(dyn Fn() -> bool + Sync)) -> Result<Arc<dyn Engine>, String> + Send + Sync>;

/// How far the index is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum IndexStatus {
    /// Not started (or background indexing turned off).
    #[default]
    Idle,
    /// Being built or updated.
    Building {
        /// Files indexed.
        done: usize,
        /// Files to index.
        total: usize,
    },
    /// Ready: Ctrl-f uses it.
    Ready,
    /// Could not be built (why).
    Failed(String),
}

impl IndexStatus {
    /// Percent built (0 before the first progress).
    pub fn percent(&self) -> usize {
        match self {
            IndexStatus::Building { done, total } if *total > 0 => done * 100 / total,
            IndexStatus::Ready => 100,
            _ => 0,
        }
    }

    /// How far the index is, in the words of the messages that wait for it: `index 40%
    /// built`, or `index not ready` before the build has counted the files (an index from
    /// before being opened and checked against the files, at 430k for a minute, is not "0%
    /// built").
    pub fn words(&self) -> String {
        match self {
            IndexStatus::Building { total, .. } if *total > 0 => format!("index {}% built", self.percent()),
            IndexStatus::Ready => "index ready".into(),
            _ => "index not ready".into(),
        }
    }
}

/// What the research threads send back.
pub enum ResearchMsg {
    /// Index progress.
    Progress(usize, usize),
    /// The index is built and fresh.
    Ready(Arc<dyn Engine>),
    /// It could not be built.
    Failed(String),
    /// Background indexing is off and there is no current index to open (why).
    Unavailable(String),
    /// A query's answer (its generation; boxed: the message stays small).
    Answer(u64, Result<Option<Box<Answer>>, String>),
    /// The paths of an answer's last hits (the answer's generation).
    Paths(u64, Result<Vec<PathBuf>, String>),
    /// A concordance (its generation).
    Concord(u64, Vec<ConcordLine>),
    /// The article of a concordance line read for the preview.
    Preview(PathBuf, Box<ArticleRead>),
    /// Results' snippets (their generation).
    Snippets(u64, Vec<(PathBuf, Snippet)>),
    /// A batch of a check of the files (the watcher saw changes).
    Loaded(Box<crate::corpus::LoadEvent>),
    /// The check ended (why the list could not be updated, if it could not).
    Rechecked(Result<(), String>),
}

impl std::fmt::Debug for ResearchMsg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResearchMsg::Progress(d, t) => write!(f, "Progress({d}, {t})"),
            ResearchMsg::Ready(_) => f.write_str("Ready"),
            ResearchMsg::Failed(e) => write!(f, "Failed({e})"),
            ResearchMsg::Unavailable(e) => write!(f, "Unavailable({e})"),
            ResearchMsg::Answer(g, _) => write!(f, "Answer({g})"),
            ResearchMsg::Paths(g, p) => write!(f, "Paths({g}, {:?})", p.as_ref().map(Vec::len)),
            ResearchMsg::Concord(g, l) => write!(f, "Concord({g}, {} lines)", l.len()),
            ResearchMsg::Preview(p, _) => write!(f, "Preview({})", p.display()),
            ResearchMsg::Loaded(ev) => write!(f, "Loaded({} outcomes)", ev.outcomes.len()),
            ResearchMsg::Snippets(g, v) => write!(f, "Snippets({g}, {})", v.len()),
            ResearchMsg::Rechecked(r) => write!(f, "Rechecked({r:?})"),
        }
    }
}

/// The concordance's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KwicSort {
    /// By date (then page, then text order).
    #[default]
    Date,
    /// By the left context, read from the hit leftwards.
    Left,
    /// By the right context.
    Right,
}

impl KwicSort {
    /// Its name in the header.
    pub fn label(self) -> &'static str {
        match self {
            KwicSort::Date => "date",
            KwicSort::Left => "left context",
            KwicSort::Right => "right context",
        }
    }
}

/// A concordance line's paragraph pair, for the preview.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preview {
    /// The concordance line it is for (index into [`Kwic::lines`]).
    pub line: usize,
    /// The Chinese paragraph(s) of the bead.
    pub zh: String,
    /// The English paragraph(s) of the bead.
    pub en: String,
    /// The hit's byte range in `zh` (a Chinese hit) or `en`.
    pub hit: Option<(bool, Range<usize>)>,
    /// Why there is no pair.
    pub error: Option<String>,
}

/// The concordance view (`K` in the results).
#[derive(Debug, Default)]
pub struct Kwic {
    /// The query.
    pub query: String,
    /// One line per occurrence, in [`Kwic::sort`] order; `None` while being made.
    pub lines: Option<Vec<ConcordLine>>,
    /// Selected line.
    pub sel: usize,
    /// First line shown.
    pub offset: usize,
    /// The order.
    pub sort: KwicSort,
    /// The selected line's paragraph pair (Enter).
    pub preview: Option<Preview>,
    /// The article of the selected line was opened in the reader: Esc there comes back.
    pub opened: bool,
    /// Opened while the answer's last rows had no paths yet: the lines are asked for once
    /// they come (made now, they would cover the first rows only).
    awaiting_paths: bool,
    generation: u64,
    /// Articles read for the lines so far, of `to_read`, while they are being made.
    read: Arc<std::sync::atomic::AtomicUsize>,
    to_read: usize,
    /// Stops the making of the lines: set when the concordance is closed (dropped).
    stop: Arc<AtomicBool>,
}

impl Drop for Kwic {
    fn drop(&mut self) {
        // closed (Esc, q, a new search): its lines are not wanted any more (at 430k the
        // thread read on for half a minute)
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Kwic {
    /// While the lines are being made: the articles read so far, and of how many.
    pub fn progress(&self) -> Option<(usize, usize)> {
        let read = self.read.load(Ordering::Relaxed).min(self.to_read);
        (self.lines.is_none() && self.to_read > 0).then_some((read, self.to_read))
    }
}

/// The research state.
pub struct Research {
    /// How far the index is.
    pub status: IndexStatus,
    /// Build the index in the background (config `background_index`).
    pub background: bool,
    /// The roots the reader opened (the index is theirs).
    pub roots: Vec<PathBuf>,
    engine: Option<Arc<dyn Engine>>,
    builder: Option<Builder>,
    building: bool,
    /// Opens a current index without building it (background indexing off).
    opener: Option<Opener>,
    /// An [`Opener`] runs; `reopen`: the files changed meanwhile, look again when it ends.
    opening: bool,
    reopen: bool,
    /// Background indexing off: why no index answers Ctrl-f (none, out of date), once looked.
    pub unavailable: Option<String>,
    rebuild: bool,
    /// The next update looks at every file (after loading), not only at `changed_files`.
    whole: bool,
    /// The files the checks found changed since the last update began (the next update's).
    changed_files: Vec<PathBuf>,
    cancel: Arc<AtomicBool>,
    query_cancel: Arc<AtomicBool>,
    /// Results order.
    pub order: ResultOrder,
    /// Timeline normalisation.
    pub norm: ChartNorm,
    /// The query of the answer shown (or coming).
    pub query: String,
    /// The answer shown.
    pub answer: Option<Arc<Answer>>,
    /// The generation of the query that answered (its paths come after it).
    answer_generation: u64,
    /// The query did not parse: the problem (shown in the prompt line).
    pub error: Option<QueryProblem>,
    /// Results narrowed to this year (the chart's Enter).
    pub year: Option<u32>,
    /// The year selected on the chart (index into the series' years).
    pub chart_sel: usize,
    /// The concordance view.
    pub kwic: Option<Kwic>,
    /// The year (and chart position) to narrow to again when a re-run answer arrives.
    pending_year: Option<(u32, usize)>,
    /// The first hit in context of each result shown so far, by article (for the query shown;
    /// made for the rows on screen only, on a worker thread).
    pub snippets: std::collections::HashMap<PathBuf, Snippet>,
    snippets_asked: std::collections::HashSet<PathBuf>,
    snippet_generation: u64,
    /// Following the files (the watcher's checks).
    pub live: super::live::Live,
    /// The index update running was asked for by a check that found changes.
    pub(super) live_index: bool,
    generation: u64,
    tx: std::sync::mpsc::Sender<ResearchMsg>,
    rx: std::sync::mpsc::Receiver<ResearchMsg>,
}

impl std::fmt::Debug for Research {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Research")
            .field("status", &self.status)
            .field("query", &self.query)
            .field("error", &self.error)
            .field("year", &self.year)
            .finish_non_exhaustive()
    }
}

impl Default for Research {
    fn default() -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        Research {
            status: IndexStatus::Idle,
            background: true,
            roots: Vec::new(),
            engine: None,
            builder: None,
            building: false,
            opener: None,
            opening: false,
            reopen: false,
            unavailable: None,
            rebuild: false,
            whole: false,
            changed_files: Vec::new(),
            cancel: Arc::new(AtomicBool::new(false)),
            query_cancel: Arc::new(AtomicBool::new(false)),
            order: ResultOrder::Date,
            norm: ChartNorm::PerMillion,
            query: String::new(),
            answer: None,
            answer_generation: 0,
            error: None,
            year: None,
            chart_sel: 0,
            kwic: None,
            pending_year: None,
            snippets: Default::default(),
            snippets_asked: Default::default(),
            snippet_generation: 0,
            live: super::live::Live::default(),
            live_index: false,
            generation: 0,
            tx,
            rx,
        }
    }
}

impl Research {
    /// Stops the index build and the queries running.
    pub fn cancel_all(&self) {
        self.live.cancel();
        self.cancel.store(true, Ordering::Relaxed);
        self.query_cancel.store(true, Ordering::Relaxed);
    }

    /// Where the threads send their news.
    pub(super) fn sender(&self) -> std::sync::mpsc::Sender<ResearchMsg> {
        self.tx.clone()
    }

    /// Whether a build or update of the index is running.
    pub fn indexing(&self) -> bool {
        self.building
    }

    /// Whether Ctrl-f is answered by the index.
    pub fn ready(&self) -> bool {
        self.engine.is_some()
    }

    /// The years of the chart (the first series'), empty without an answer.
    pub fn chart_years(&self) -> Vec<u32> {
        self.answer
            .as_ref()
            .and_then(|a| a.series.first())
            .map(|s| s.years.iter().map(|p| p.year).collect())
            .unwrap_or_default()
    }

    /// The year selected on the chart.
    pub fn selected_year(&self) -> Option<u32> {
        self.chart_years().get(self.chart_sel).copied()
    }

    /// The status bar's words for the index, while it is being built.
    pub fn status_text(&self) -> Option<String> {
        match &self.status {
            // every file handed to the indexer: the segments are finished and committed
            IndexStatus::Building { done, total } if *total > 0 && done >= total => {
                Some(format!("indexed {}, writing the index…", thousands(*total)))
            }
            IndexStatus::Building { done, total } if *total > 0 => {
                Some(format!("indexing {}/{}", thousands(*done), thousands(*total)))
            }
            IndexStatus::Building { .. } => Some("indexing…".into()),
            _ => None,
        }
    }
}

/// The builder of the real index, in the cache folder (`None`: no cache folder, no index;
/// the seeds are indexed in memory).
pub fn default_indexer() -> Option<Builder> {
    Some(super::fts_engine::builder(crate::corpus::index::default_cache_dir()))
}

/// The opener of the real index in the cache folder (`None`: no cache folder).
pub fn default_opener() -> Option<Opener> {
    Some(super::fts_engine::opener(crate::corpus::index::default_cache_dir()))
}

/// The effects of the research instruments, carried out by [`App::perform`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResearchEffect {
    /// Build or update the index of the roots on a low-priority worker thread.
    Index,
    /// Open the index of the roots if it is current (background indexing off), on a
    /// low-priority worker thread.
    Open,
    /// Run the query (generation, text, order) on a worker thread.
    Query(u64, String, ResultOrder),
    /// Make the concordance of the query for these articles.
    Concord(u64, String, Vec<PathBuf>),
    /// Read this article for the preview.
    Preview(PathBuf),
    /// Find the first hit in context of the query in these articles (generation, query).
    Snippets(u64, String, Vec<PathBuf>),
}

impl App {
    /// The research state.
    pub fn research(&self) -> &Research {
        &self.research
    }

    /// Rows the counts and the chart take at the top of the list's `rows` (below the
    /// prompt): (counts, chart). Two counts lines at terminal widths ≥ 100, one below; the
    /// chart (a label line and the bars) when there is room, or while it has the keys.
    pub fn research_rows(&self, rows: u16) -> (u16, u16) {
        // no match: "No match." alone (a counts line of zeros and the chart's empty bar were
        // drawn above it)
        if !self.index_results()
            || rows < 4
            || self.research.answer.as_ref().is_some_and(|a| a.hits.is_empty())
        {
            return (0, 0);
        }
        let counts = if self.size.0 >= 100 { 2 } else { 1 };
        // no series (a query of filters alone): no chart
        if self.research.answer.as_ref().is_some_and(|a| a.series.is_empty()) {
            return (counts, 0);
        }
        let left = rows - counts;
        // compact: a label line and a row of bars per term, three at least (up to four
        // terms: the fourth was cut off at 80x24 and 60x20)
        let terms =
            self.research.answer.as_ref().map_or(0, |a| a.series.len()).min(super::fts_engine::MAX_SERIES);
        let compact = 1 + terms.max(3) as u16;
        let chart = if left >= 24 {
            7
        } else if left >= 10 + compact || (self.mode == Mode::Chart && left >= 2 + compact) {
            compact
        } else {
            0
        };
        (counts, chart)
    }

    /// Sets how the index is built (tests and scripted use give their own; the terminal loop
    /// gives [`super::fts_engine::builder`]) and the roots it is for; `background` false turns
    /// background indexing off.
    pub fn set_indexer(&mut self, roots: Vec<PathBuf>, builder: Option<Builder>, background: bool) {
        self.research.roots = roots;
        self.research.builder = builder;
        self.research.background = background;
    }

    /// Sets how a current index is opened when background indexing is off (the terminal
    /// loop gives [`super::fts_engine::opener`]): Ctrl-f then uses the index `diglot index`
    /// built, as long as it holds every file as it is.
    pub fn set_opener(&mut self, opener: Option<Opener>) {
        self.research.opener = opener;
    }

    /// Loading finished: build or update the index (every file looked at).
    pub(super) fn want_index(&mut self) {
        self.want_index_of(None);
    }

    /// Build or update the index: of these files (a check found them changed, added or
    /// removed), or (`None`) of every file.
    pub(super) fn want_index_of(&mut self, files: Option<Vec<PathBuf>>) {
        let r = &mut self.research;
        if !r.background {
            // not built here: an index already built is used while it is current, looked at
            // again when the files change (the seeds have none on disk)
            if r.opener.is_some() && !r.roots.is_empty() {
                r.live_index = false;
                if r.opening {
                    r.reopen = true;
                } else {
                    r.opening = true;
                    self.effects.push(Effect::Research(ResearchEffect::Open));
                }
            }
            return;
        }
        if r.builder.is_none() {
            return;
        }
        match files {
            None => r.whole = true,
            Some(v) => r.changed_files.extend(v),
        }
        if r.building {
            // files changed while building: update again when this build ends
            r.rebuild = true;
            return;
        }
        r.building = true;
        if !r.ready() {
            r.status = IndexStatus::Building { done: 0, total: 0 };
        }
        self.effects.push(Effect::Research(ResearchEffect::Index));
    }

    /// Carries out a research effect (threads started here only).
    pub(super) fn perform_research(&mut self, e: ResearchEffect) -> Vec<Effect> {
        let tx = self.research.tx.clone();
        let notify = self.notify.0.clone();
        let send = move |m: ResearchMsg| {
            if tx.send(m).is_ok() {
                notify();
            }
        };
        match e {
            ResearchEffect::Index => {
                let Some(builder) = self.research.builder.clone() else { return Vec::new() };
                let roots = self.research.roots.clone();
                let r = &mut self.research;
                // the first build, or one after loading, looks at every file; an update after
                // checks only at the files they found
                let files = std::mem::take(&mut r.changed_files);
                let files = (!std::mem::take(&mut r.whole) && r.engine.is_some()).then_some(files);
                let cancel = Arc::new(AtomicBool::new(false));
                self.research.cancel = cancel.clone();
                let spawned = std::thread::Builder::new().name("diglot-index".into()).spawn(move || {
                    lower_priority();
                    let progress = |d: usize, t: usize| send(ResearchMsg::Progress(d, t));
                    let stop = || cancel.load(Ordering::Relaxed);
                    match builder(&roots, files.as_deref(), &progress, &stop) {
                        Ok(engine) => send(ResearchMsg::Ready(engine)),
                        Err(e) if !stop() => send(ResearchMsg::Failed(e)),
                        Err(_) => {}
                    }
                });
                if let Err(e) = spawned {
                    return self.update(Msg::Research(ResearchMsg::Failed(e.to_string())));
                }
            }
            ResearchEffect::Open => {
                let Some(opener) = self.research.opener.clone() else { return Vec::new() };
                let roots = self.research.roots.clone();
                let cancel = self.research.cancel.clone();
                let spawned = std::thread::Builder::new().name("diglot-index".into()).spawn(move || {
                    lower_priority();
                    let stop = || cancel.load(Ordering::Relaxed);
                    match opener(&roots, &stop) {
                        Ok(engine) => send(ResearchMsg::Ready(engine)),
                        Err(_) if stop() => {}
                        Err(why) => send(ResearchMsg::Unavailable(why)),
                    }
                });
                if let Err(e) = spawned {
                    return self.update(Msg::Research(ResearchMsg::Unavailable(e.to_string())));
                }
            }
            ResearchEffect::Query(generation, query, order) => {
                let Some(engine) = self.research.engine.clone() else { return Vec::new() };
                let cancel = self.research.query_cancel.clone();
                std::thread::spawn(move || {
                    let stop = || cancel.load(Ordering::Relaxed);
                    let r = engine.run(&query, order, &stop);
                    // the answer is shown with its first screens' paths; the rest come after,
                    // from the engine that answered
                    let rest = match &r {
                        Ok(Some(a)) if !a.unresolved.is_empty() => Some(a.unresolved.clone()),
                        _ => None,
                    };
                    send(ResearchMsg::Answer(generation, r.map(|a| a.map(Box::new))));
                    if let Some(addrs) = rest {
                        match engine.rest_paths(&addrs, &stop) {
                            Ok(Some(paths)) => send(ResearchMsg::Paths(generation, Ok(paths))),
                            Ok(None) => {}
                            Err(e) => send(ResearchMsg::Paths(generation, Err(e))),
                        }
                    }
                });
            }
            ResearchEffect::Concord(generation, query, paths) => {
                let Some(engine) = self.research.engine.clone() else { return Vec::new() };
                let cancel = self.research.query_cancel.clone();
                // the progress the concordance shows (`reading the articles… 12,345/254,269`:
                // at 430k, a common word's lines take most of a minute)
                let read = Arc::new(std::sync::atomic::AtomicUsize::new(0));
                let mut stop = Arc::new(AtomicBool::new(false));
                if let Some(k) = self.research.kwic.as_mut().filter(|k| k.generation == generation) {
                    k.read = read.clone();
                    k.to_read = paths.len();
                    stop = k.stop.clone();
                }
                let wake = self.notify.0.clone();
                std::thread::spawn(move || {
                    let started = std::time::Instant::now();
                    let woken = std::cell::Cell::new(std::time::Duration::ZERO);
                    let lines = engine.concordance(&query, &paths, &|| {
                        let n = read.fetch_add(1, Ordering::Relaxed) + 1;
                        // the loop woken to draw it five times a second at most
                        let due = woken.get() + std::time::Duration::from_millis(200);
                        if n.is_multiple_of(64) && started.elapsed() >= due {
                            woken.set(started.elapsed());
                            wake();
                        }
                        cancel.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed)
                    });
                    send(ResearchMsg::Concord(generation, lines));
                });
            }
            ResearchEffect::Snippets(generation, query, paths) => {
                let Some(engine) = self.research.engine.clone() else { return Vec::new() };
                let cancel = self.research.query_cancel.clone();
                std::thread::spawn(move || {
                    let mut out = Vec::with_capacity(paths.len());
                    for p in paths {
                        if cancel.load(Ordering::Relaxed) {
                            return;
                        }
                        let lines = engine.concordance(&query, std::slice::from_ref(&p), &|| false);
                        out.push((p, first_hit(lines)));
                    }
                    send(ResearchMsg::Snippets(generation, out));
                });
            }
            ResearchEffect::Preview(path) => {
                let read = super::read_article(&path);
                return self.update(Msg::Research(ResearchMsg::Preview(path, Box::new(read))));
            }
        }
        Vec::new()
    }

    /// Waits (up to `timeout`) for the research threads' messages until `done` holds; for
    /// tests and scripted use (the event loop is woken instead).
    pub fn wait_research(&mut self, timeout: std::time::Duration, done: impl Fn(&App) -> bool) -> bool {
        let end = std::time::Instant::now() + timeout;
        loop {
            if done(self) {
                return true;
            }
            if std::time::Instant::now() >= end {
                return false;
            }
            match self.research.rx.recv_timeout(std::time::Duration::from_millis(20)) {
                Ok(m) => {
                    let effects = self.update(Msg::Research(m));
                    self.perform(effects);
                    self.prepare();
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return done(self),
            }
        }
    }

    /// Takes what the research threads sent (on the loop's wake-up).
    pub(super) fn poll_research(&mut self) {
        while let Ok(m) = self.research.rx.try_recv() {
            self.on_research(m);
        }
    }

    /// One message from a research thread.
    pub(super) fn on_research(&mut self, m: ResearchMsg) {
        match m {
            ResearchMsg::Progress(done, total) => {
                // the indexing threads report in parallel: never back (an earlier count
                // coming after the last would hide "writing the index…")
                let back = matches!(self.research.status,
                    IndexStatus::Building { done: d, total: t } if t == total && d > done);
                if self.research.building && !self.research.ready() && !back {
                    self.research.status = IndexStatus::Building { done, total };
                }
            }
            ResearchMsg::Ready(engine) => {
                let first = !self.research.ready();
                self.research.engine = Some(engine);
                self.research.status = IndexStatus::Ready;
                self.research.unavailable = None;
                if !self.research.opening {
                    self.research.building = false;
                }
                self.reopen_if_asked();
                if first {
                    let line = "full-text index ready: Ctrl-f takes the query language".to_string();
                    // a notice from the background does not take the status bar from the answer
                    // to the reader's own last key (a copy, a save): the message log keeps it;
                    // but "scanning (index N% built)" is out of date once it is built
                    let replaceable = self.message.as_deref().is_none_or(|m| {
                        m.starts_with("checked ")
                            || m.starts_with("skipped ")
                            || m.starts_with("scanning (index ")
                    });
                    if replaceable {
                        self.message = Some(line);
                    } else {
                        self.log.push(line);
                    }
                } else if self.research.live_index && !self.research.rebuild {
                    self.research.live_index = false;
                    // the files changed: their snippets are made again
                    self.forget_snippets();
                    let again = if self.index_results() { " (Ctrl-f Enter: the query again)" } else { "" };
                    // after what the check found, when the status bar still says a check's line
                    // (a later check's `no change`, when the file was read again to be safe,
                    // is not what the update followed)
                    let found_line = self.research.live.found_line.take();
                    let checked = self.message.as_deref().filter(|m| m.starts_with("checked "));
                    let checked = checked.map(|m| found_line.as_deref().unwrap_or(m));
                    let found = checked.map(|m| m.split(" · ").next().unwrap_or(m).to_string() + " · ");
                    self.message =
                        Some(format!("{}full-text index updated{again}", found.unwrap_or_default()));
                }
                if std::mem::take(&mut self.research.rebuild) {
                    // what was asked for while building: files, or everything
                    self.want_index_of(Some(Vec::new()));
                }
            }
            ResearchMsg::Unavailable(why) => {
                // with background indexing off: none, or the one used is out of date now
                let had = self.research.engine.take().is_some();
                self.research.status = IndexStatus::Idle;
                if had {
                    // the answer shown was the index's: its chart, concordance and order
                    // need it (the hits stay in the list, as a scan's)
                    self.research.answer = None;
                    self.research.kwic = None;
                    self.research.year = None;
                    if matches!(self.mode, Mode::Chart | Mode::Kwic) {
                        self.mode = Mode::Browse;
                    }
                    self.message =
                        Some(format!("full-text index {why}: Ctrl-f scans; diglot index updates it"));
                }
                self.research.unavailable = Some(why);
                self.reopen_if_asked();
            }
            ResearchMsg::Failed(e) => {
                // (the index's own errors name it already: `full-text index: Not a directory`)
                let e = e.strip_prefix("full-text index: ").map_or(e.clone(), str::to_string);
                self.research.building = false;
                if !self.research.ready() {
                    self.research.status = IndexStatus::Failed(e.clone());
                }
                self.message = Some(format!("full-text index: {e} (Ctrl-f scans)"));
            }
            ResearchMsg::Answer(generation, r) => {
                if generation != self.research.generation {
                    return;
                }
                match r {
                    Ok(Some(a)) => {
                        self.research.answer = Some(Arc::from(a));
                        self.research.answer_generation = generation;
                        self.research.year = None;
                        // the chart starts on the peak year of the first term that occurs (a
                        // first term found nowhere has all its years at 0: the last was chosen)
                        self.research.chart_sel = self
                            .research
                            .answer
                            .as_ref()
                            .and_then(|a| a.series.iter().find(|s| s.years.iter().any(|p| p.occurrences > 0)))
                            .and_then(|s| {
                                s.years
                                    .iter()
                                    .enumerate()
                                    .max_by_key(|(i, p)| (p.occurrences, *i))
                                    .map(|(i, _)| i)
                            })
                            .unwrap_or(0);
                        if let Some((y, sel)) = self.research.pending_year.take() {
                            self.research.year = Some(y);
                            self.research.chart_sel = sel.min(self.research.chart_sel);
                        }
                        self.show_answer();
                        self.list = super::ListState::default();
                        self.clamp_list();
                        self.open_selected();
                        // a term of filters alone draws no series: why, as `diglot freq` says
                        if let Some(m) = self.wordless_message() {
                            self.message = Some(m);
                        }
                    }
                    Ok(None) => {}
                    Err(e) => self.message = Some(format!("full-text search: {e}")),
                }
            }
            ResearchMsg::Paths(generation, r) => self.on_rest_paths(generation, r),
            ResearchMsg::Concord(generation, mut lines) => {
                let Some(k) = &mut self.research.kwic else { return };
                if k.generation != generation {
                    return;
                }
                sort_lines(&mut lines, k.sort);
                k.lines = Some(lines);
                k.sel = 0;
                k.offset = 0;
            }
            ResearchMsg::Preview(path, read) => self.on_preview(path, *read),
            ResearchMsg::Loaded(ev) => self.on_recheck_batch(*ev),
            ResearchMsg::Snippets(generation, v) => {
                if generation == self.research.snippet_generation {
                    self.research.snippets.extend(v);
                }
            }
            ResearchMsg::Rechecked(r) => self.on_rechecked(r),
        }
    }

    /// The paths of the answer's last hits: its rows after the first screens join the list
    /// (the selection and scroll kept: they are after the rows shown).
    fn on_rest_paths(&mut self, generation: u64, r: Result<Vec<PathBuf>, String>) {
        if generation != self.research.answer_generation {
            return self.concord_if_awaited();
        }
        let Some(a) = &mut self.research.answer else { return self.concord_if_awaited() };
        if a.unresolved.is_empty() {
            return self.concord_if_awaited();
        }
        match r {
            Ok(paths) if paths.len() == a.unresolved.len() => {
                let a = Arc::make_mut(a);
                let from = a.hits.len().saturating_sub(a.unresolved.len());
                for (h, p) in a.hits.iter_mut().skip(from).zip(paths) {
                    h.path = p;
                }
                a.unresolved.clear();
                self.show_answer();
                self.clamp_list();
            }
            Ok(paths) => {
                self.message = Some(format!(
                    "full-text search: {} paths for {} results",
                    paths.len(),
                    a.unresolved.len()
                ))
            }
            Err(e) => self.message = Some(format!("full-text search: {e}")),
        }
        // a concordance opened meanwhile: now of every row (of the rows listed, should the
        // rest have failed: the message says so)
        if self.research.kwic.as_ref().is_some_and(|k| k.awaiting_paths) {
            self.concord_results();
        }
    }

    /// A concordance waiting for the last rows' paths of an answer that is not the one
    /// listed any more (a newer one came): made of the rows listed now, if they are all.
    fn concord_if_awaited(&mut self) {
        let waiting = self.research.kwic.as_ref().is_some_and(|k| k.awaiting_paths);
        if waiting && self.research.answer.as_ref().is_none_or(|a| a.unresolved.is_empty()) {
            self.concord_results();
        }
    }

    /// The answer (narrowed to the year chosen) as the full-text results the list shows
    /// (the rows whose paths are known: all once [`Answer::unresolved`] is empty).
    fn show_answer(&mut self) {
        let Some(a) = self.research.answer.clone() else { return };
        let year = self.research.year;
        let results: Vec<(PathBuf, FullTextHit)> = a
            .hits
            .iter()
            .filter(|h| year.is_none_or(|y| h.date / 10000 == y) && !h.path.as_os_str().is_empty())
            .map(|h| {
                let snippet = match self.research.order {
                    ResultOrder::Date => crate::text::count(h.count as usize, "occurrence"),
                    ResultOrder::Relevance => {
                        format!(
                            "{} · score {:.2}",
                            crate::text::count(h.count as usize, "occurrence"),
                            h.score
                        )
                    }
                };
                (h.path.clone(), FullTextHit { offset: 0, snippet, hit: 0..0, field: "" })
            })
            .collect();
        if let Some(f) = &mut self.fulltext {
            f.results = Some(results);
        }
        self.refilter();
    }

    /// When the scan started for `text` cannot answer a part of it (a filter or an operator
    /// of the index's query language: the scan looks for the text as typed, and `date:1958
    /// commune` found nothing with no reason given), why, with what would answer it.
    pub(super) fn scan_note(&self, text: &str) -> Option<String> {
        let what = crate::fts::parse(text).ok()?.index_only()?;
        let r = &self.research;
        let why = match (&r.status, r.background) {
            (IndexStatus::Failed(e), _) => format!(" ({e})"),
            (_, true) => format!(" ({}): Enter again once it is ready", r.status.words()),
            (_, false) => {
                let why = r.unavailable.as_deref().unwrap_or("not looked at yet");
                format!(", {why}: run diglot index (background_index = false)")
            }
        };
        Some(format!("{what} needs the full-text index{why}; the scan looks for the text as typed"))
    }

    /// An [`Opener`] ended: if the files changed meanwhile, look again.
    fn reopen_if_asked(&mut self) {
        if !std::mem::take(&mut self.research.opening) {
            return;
        }
        if std::mem::take(&mut self.research.reopen) {
            self.want_index_of(Some(Vec::new()));
        }
    }

    /// Enter in the full-text prompt once the index is ready: the query, or its error.
    /// Returns false when the index is not ready (the scan is used).
    pub(super) fn start_index_query(&mut self) -> bool {
        let Some(engine) = self.research.engine.clone() else { return false };
        let Some(f) = &mut self.fulltext else { return true };
        let text = f.prompt.text().trim().to_string();
        if let Err(p) = engine.check(&text) {
            self.message = Some(format!("query: column {}: {}", p.col, p.msg));
            self.research.error = Some(p);
            return true;
        }
        self.research.error = None;
        // `公社 or commune`: `or` is searched as a word (as Google and ProQuest do); say so
        match crate::fts::lowercase_operator(&text) {
            Some((col, h)) => self.message = Some(format!("query: column {col}: {h}")),
            // the last query's problem or hint is out of date
            None if self.message.as_deref().is_some_and(|m| m.starts_with("query: ")) => self.message = None,
            None => {}
        }
        let Some(f) = &mut self.fulltext else { return true };
        f.phrase = text.clone();
        f.results = None;
        f.note = None;
        self.mode = Mode::Browse;
        self.research.query_cancel.store(true, Ordering::Relaxed);
        self.research.query_cancel = Arc::new(AtomicBool::new(false));
        self.research.generation += 1;
        self.research.query = text.clone();
        self.forget_snippets();
        self.research.answer = None;
        self.research.year = None;
        self.research.kwic = None;
        self.effects.push(Effect::Research(ResearchEffect::Query(
            self.research.generation,
            text,
            self.research.order,
        )));
        true
    }

    /// The snippets made so far are thrown away (a new query, files changed).
    fn forget_snippets(&mut self) {
        self.research.snippet_generation += 1;
        self.research.snippets.clear();
        self.research.snippets_asked.clear();
    }

    /// After each update: the snippets of the index results on screen that are not made yet
    /// are asked for (one effect for the rows shown; nothing while none is missing).
    pub(super) fn want_snippets(&mut self) {
        if !self.index_results() || !self.research.ready() {
            return;
        }
        let first = self.list.offset;
        let want: Vec<PathBuf> = (first..first + self.list_rows())
            .filter_map(|i| self.shown(i).and_then(|p| self.articles.get(p)))
            .map(|m| m.path())
            .filter(|p| !self.research.snippets_asked.contains(p))
            .collect();
        if want.is_empty() {
            return;
        }
        self.research.snippets_asked.extend(want.iter().cloned());
        self.effects.push(Effect::Research(ResearchEffect::Snippets(
            self.research.snippet_generation,
            self.research.query.clone(),
            want,
        )));
    }

    /// Whether the list shows the index's answer.
    pub fn index_results(&self) -> bool {
        self.research.answer.is_some() && self.fulltext.as_ref().is_some_and(|f| f.results.is_some())
    }

    /// `R`: results by date or by relevance (the query runs again).
    pub(super) fn toggle_order(&mut self) {
        self.research.order = match self.research.order {
            ResultOrder::Date => ResultOrder::Relevance,
            ResultOrder::Relevance => ResultOrder::Date,
        };
        let word = match self.research.order {
            ResultOrder::Date => "by date",
            ResultOrder::Relevance => "by relevance",
        };
        self.message = Some(format!("results {word}"));
        if self.index_results() {
            let year = self.research.year;
            let sel = self.research.chart_sel;
            self.research.generation += 1;
            let q = self.research.query.clone();
            // "searching…" until the new order's answer comes
            self.research.answer = None;
            self.research.year = None;
            if let Some(f) = &mut self.fulltext {
                f.results = None;
            }
            self.effects.push(Effect::Research(ResearchEffect::Query(
                self.research.generation,
                q,
                self.research.order,
            )));
            // the year chosen stays chosen when the answer comes back
            self.research.pending_year = year.map(|y| (y, sel));
        }
    }

    /// `%`: the timeline per million characters or per article.
    pub(super) fn toggle_norm(&mut self) {
        self.research.norm = match self.research.norm {
            ChartNorm::PerMillion => ChartNorm::PerArticle,
            ChartNorm::PerArticle => ChartNorm::PerMillion,
        };
    }

    /// `T`: the chart takes the keys (←/→ a year, Enter narrows, Esc/Backspace widens).
    pub(super) fn open_chart(&mut self) {
        if !self.index_results() {
            self.message = Some(self.needs_index_results("the timeline"));
            return;
        }
        if self.research.answer.as_ref().is_some_and(|a| a.series.is_empty()) {
            self.message = self.wordless_message().or(Some("the timeline has no term to draw".into()));
            return;
        }
        if self.research.answer.as_ref().is_some_and(|a| a.hits.is_empty()) {
            self.message = Some("the timeline: no match to draw".into());
            return;
        }
        self.focus = Focus::List;
        self.mode = Mode::Chart;
    }

    /// Why a term of the answer has no series on the chart (filters alone: nothing to count).
    fn wordless_message(&self) -> Option<String> {
        let a = self.research.answer.as_ref()?;
        let t = crate::text::sanitize(a.wordless.first()?);
        // the point first: the status bar cuts the rest at 60 and 80 columns
        Some(format!("chart: `{t}` needs a word or phrase to count (filters only), e.g. `公社 {t}`"))
    }

    fn needs_index_results(&self, what: &str) -> String {
        if self.research.ready() {
            format!("{what} needs the results of a query: Ctrl-f")
        } else {
            format!("{what} needs the full-text index ({})", self.research.status.words())
        }
    }

    /// Narrows the results to a year (`Some`) or widens them again.
    pub(super) fn narrow_year(&mut self, year: Option<u32>) {
        if self.research.year == year {
            return;
        }
        self.research.year = year;
        self.show_answer();
        self.list = super::ListState::default();
        self.clamp_list();
        self.open_selected();
        self.message = Some(match year {
            Some(y) => format!("{y} only: Backspace widens"),
            None => "every year".into(),
        });
    }

    /// Keys while the chart has them.
    pub(super) fn on_chart_key(&mut self, k: &crossterm::event::KeyEvent) {
        use crossterm::event::KeyCode;
        let n = self.research.chart_years().len();
        match k.code {
            KeyCode::Left | KeyCode::Char('h') => {
                self.research.chart_sel = self.research.chart_sel.saturating_sub(1)
            }
            KeyCode::Right | KeyCode::Char('l') => {
                self.research.chart_sel = (self.research.chart_sel + 1).min(n.saturating_sub(1));
            }
            KeyCode::Home | KeyCode::Char('g') => self.research.chart_sel = 0,
            KeyCode::End | KeyCode::Char('G') => self.research.chart_sel = n.saturating_sub(1),
            KeyCode::Enter => {
                let y = self.research.selected_year();
                self.narrow_year(y);
                self.mode = Mode::Browse;
            }
            KeyCode::Esc | KeyCode::Backspace if self.research.year.is_some() => self.narrow_year(None),
            KeyCode::Char('%') => self.toggle_norm(),
            _ => self.mode = Mode::Browse,
        }
    }

    /// `K`: the concordance of the current query.
    pub(super) fn open_kwic(&mut self) {
        if !self.index_results() {
            self.message = Some(self.needs_index_results("the concordance"));
            return;
        }
        let query = self.research.query.clone();
        self.research.generation += 1;
        let generation = self.research.generation;
        let awaiting_paths = self.research.answer.as_ref().is_some_and(|a| !a.unresolved.is_empty());
        // (field by field: a Kwic stops its lines' making when dropped)
        let mut kwic = Kwic::default();
        (kwic.query, kwic.generation, kwic.awaiting_paths) = (query, generation, awaiting_paths);
        self.research.kwic = Some(kwic);
        self.mode = Mode::Kwic;
        if !awaiting_paths {
            self.concord_results();
        }
    }

    /// Asks for the open concordance's lines: every occurrence in the results listed.
    fn concord_results(&mut self) {
        let Some(k) = &mut self.research.kwic else { return };
        k.awaiting_paths = false;
        let (generation, query) = (k.generation, k.query.clone());
        let paths: Vec<PathBuf> = (0..self.shown_len())
            .filter_map(|i| self.shown(i))
            .filter_map(|p| self.articles.get(p))
            .map(|m| m.path())
            .collect();
        self.effects.push(Effect::Research(ResearchEffect::Concord(generation, query, paths)));
    }

    /// The concordance's rows on screen.
    pub fn kwic_rows(&self) -> usize {
        let body = usize::from(self.size.1.saturating_sub(1));
        let preview = self.research.kwic.as_ref().is_some_and(|k| k.preview.is_some());
        // a header row; the preview takes the lower half
        let rows = body.saturating_sub(1);
        if preview {
            (rows / 2).max(1)
        } else {
            rows.max(1)
        }
    }

    /// Keys in the concordance.
    pub(super) fn on_kwic_key(&mut self, k: &crossterm::event::KeyEvent) {
        use crate::keys::Action;
        use crossterm::event::KeyCode;
        let rows = self.kwic_rows();
        // the quit key closes the concordance, as Esc does (and as it closes the help, the
        // message log and the chart): q quits from the list or the reader
        let close = matches!(k.code, KeyCode::Esc | KeyCode::Backspace)
            || self.keymap.action(k) == Some(Action::Quit);
        let Some(kw) = &mut self.research.kwic else {
            self.mode = Mode::Browse;
            return;
        };
        let n = kw.lines.as_ref().map_or(0, Vec::len);
        let mut step = |d: isize| {
            kw.sel = kw.sel.saturating_add_signed(d).min(n.saturating_sub(1));
            if kw.sel < kw.offset {
                kw.offset = kw.sel;
            } else if kw.sel >= kw.offset + rows {
                kw.offset = kw.sel + 1 - rows;
            }
            kw.preview = None;
        };
        match k.code {
            _ if close => {
                if kw.preview.is_some() {
                    kw.preview = None;
                } else {
                    self.research.kwic = None;
                    self.mode = Mode::Browse;
                }
            }
            KeyCode::Enter => {
                if kw.preview.as_ref().is_some_and(|p| p.line == kw.sel && p.error.is_none()) {
                    self.open_kwic_hit();
                } else if let Some(l) = kw.lines.as_ref().and_then(|l| l.get(kw.sel)) {
                    kw.preview = Some(Preview { line: kw.sel, ..Preview::default() });
                    self.effects.push(Effect::Research(ResearchEffect::Preview(l.path.clone())));
                }
            }
            KeyCode::Char('o') => {
                self.open_kwic_hit();
            }
            KeyCode::Char('s') => {
                kw.sort = match kw.sort {
                    KwicSort::Date => KwicSort::Left,
                    KwicSort::Left => KwicSort::Right,
                    KwicSort::Right => KwicSort::Date,
                };
                if let Some(l) = &mut kw.lines {
                    sort_lines(l, kw.sort);
                }
                kw.sel = 0;
                kw.offset = 0;
                kw.preview = None;
            }
            KeyCode::Up => step(-1),
            KeyCode::Down => step(1),
            _ => match self.keymap.action(k) {
                Some(Action::Up) => step(-1),
                Some(Action::Down) => step(1),
                Some(Action::PageUp) => step(-(rows as isize)),
                Some(Action::PageDown) => step(rows as isize),
                Some(Action::HalfUp) => step(-((rows / 2).max(1) as isize)),
                Some(Action::HalfDown) => step((rows / 2).max(1) as isize),
                Some(Action::Top) => step(isize::MIN / 2),
                Some(Action::Bottom) => step(isize::MAX / 2),
                Some(Action::Help) => self.act(Action::Help),
                _ => {}
            },
        }
    }

    /// The mouse in the concordance: the wheel moves the selection by three lines.
    pub(super) fn on_kwic_mouse(&mut self, kind: crossterm::event::MouseEventKind) -> bool {
        use crossterm::event::{KeyCode, KeyEvent, MouseEventKind};
        let code = match kind {
            MouseEventKind::ScrollDown => KeyCode::Down,
            MouseEventKind::ScrollUp => KeyCode::Up,
            _ => return false,
        };
        for _ in 0..3 {
            self.on_kwic_key(&KeyEvent::from(code));
        }
        true
    }

    /// The preview's article arrived: the bead holding the hit.
    fn on_preview(&mut self, path: PathBuf, read: ArticleRead) {
        let Some(kw) = &mut self.research.kwic else { return };
        let Some(p) = &mut kw.preview else { return };
        let Some(line) = kw.lines.as_ref().and_then(|l| l.get(p.line)) else { return };
        if line.path != path {
            return;
        }
        let (article, beads) = match read {
            Ok(x) => x,
            Err(e) => {
                p.error = Some(e);
                return;
            }
        };
        let join = |paras: &[Range<usize>], text: &str| {
            paras.iter().filter_map(|r| text.get(r.clone())).collect::<Vec<_>>().join("\n\n")
        };
        let bead = match hit_place(line) {
            HitPlace::En(i) => beads.iter().find(|b| b.en.contains(&i)),
            HitPlace::Zh(i) => beads.iter().find(|b| b.zh.contains(&i)),
            HitPlace::Other => None,
        };
        let Some(b) = bead else {
            p.error = Some("the hit is in the title, authors or glossary".into());
            return;
        };
        let en_paras: Vec<Range<usize>> = b.en.clone().filter_map(|i| article.en.get(i).cloned()).collect();
        let zh_paras: Vec<Range<usize>> = b.zh.clone().filter_map(|i| article.zh.get(i).cloned()).collect();
        p.en = join(&en_paras, &article.text);
        p.zh = join(&zh_paras, &article.text);
        // the hit's range in the joined text: the paragraphs before it and their separators
        let (is_zh, first, idx) = match hit_place(line) {
            HitPlace::Zh(i) => (true, b.zh.start, i),
            HitPlace::En(i) => (false, b.en.start, i),
            HitPlace::Other => return,
        };
        let paras = if is_zh { &article.zh } else { &article.en };
        let before: usize = (first..idx).filter_map(|i| paras.get(i)).map(|r| r.len() + 2).sum();
        let hit = before + line.range.start..before + line.range.end;
        let text = if is_zh { &p.zh } else { &p.en };
        p.hit = text.get(hit.clone()).map(|_| (is_zh, hit));
    }

    /// Opens the selected concordance line's article in the reader, at the hit.
    fn open_kwic_hit(&mut self) {
        let Some(kw) = &self.research.kwic else { return };
        let Some(line) = kw.lines.as_ref().and_then(|l| l.get(kw.sel)).cloned() else { return };
        let Some(row) = (0..self.shown_len()).find(|&i| self.selected_path_is(i, &line.path)) else {
            self.message = Some("that article is not in the results any more".into());
            return;
        };
        if let Some(kw) = &mut self.research.kwic {
            kw.opened = true;
        }
        self.mode = Mode::Browse;
        self.select(row);
        self.focus = Focus::Reader;
        self.opened_hit = true;
        let mut prompt = crate::prompt::Prompt::default();
        prompt.insert(&line.hit);
        self.find = Some(super::Find { prompt, jump: true, ..super::Find::default() });
        self.kwic_target = Some(line);
        self.jump_when_ready();
    }

    /// After opening a concordance line: the reader goes to that occurrence (the j-th hit of
    /// its paragraph), not the article's first.
    pub(super) fn jump_to_kwic_hit(&mut self) {
        let Some(line) = self.kwic_target.take() else { return };
        let id = match hit_place(&line) {
            HitPlace::En(i) => crate::layout::TextId::En(i),
            HitPlace::Zh(i) => crate::layout::TextId::Zh(i),
            HitPlace::Other => return,
        };
        let nth = self.research.kwic.as_ref().and_then(|k| k.lines.as_ref()).map_or(0, |ls| {
            ls.iter()
                .filter(|l| {
                    l.path == line.path
                        && hit_place(l) == hit_place(&line)
                        && l.range.start < line.range.start
                })
                .count()
        });
        let h = self.reader_height();
        let r = &mut self.reader;
        let Some(f) = &mut self.find else { return };
        let Some(k) = f.hits.iter().enumerate().filter(|(_, (t, _))| *t == id).nth(nth).map(|(k, _)| k)
        else {
            return;
        };
        let (layout, top) = match &mut r.split {
            Some(s) => s.side_mut(),
            None => (&r.layout, &mut r.top),
        };
        let Some(row) = f.hits.get(k).and_then(|(t, rg)| layout.row_of_text(*t, rg.start)) else { return };
        f.current = k;
        r.anchor = None;
        let max_top = layout.rows.len().saturating_sub(h);
        *top = layout.position(row.saturating_sub(2).min(max_top));
        self.message = Some(format!("hit {}/{}", k + 1, f.hits.len()));
    }

    /// Esc in the reader after opening a concordance line: back to the concordance.
    pub(super) fn back_to_kwic(&mut self) -> bool {
        match &mut self.research.kwic {
            Some(k) if k.opened && self.focus == Focus::Reader => {
                k.opened = false;
                k.preview = None;
                self.find = None;
                self.kwic_target = None;
                self.focus = Focus::List;
                self.mode = Mode::Kwic;
                true
            }
            _ => false,
        }
    }

    /// The index's invariants, for [`App::check_invariants`].
    pub(super) fn check_research(&self) -> Result<(), String> {
        let r = &self.research;
        if r.ready() != (r.status == IndexStatus::Ready) {
            return Err(format!("index status {:?} but engine {}", r.status, r.ready()));
        }
        if let Some(y) = r.year {
            // (the rows whose paths are still coming are not shown yet)
            if let Some(a) = r.answer.as_ref().filter(|a| a.unresolved.is_empty()) {
                let shown = self.fulltext.as_ref().and_then(|f| f.results.as_ref()).map_or(0, Vec::len);
                let want = a.by_year.get(&y).copied().unwrap_or(0);
                if shown != want {
                    return Err(format!("narrowed to {y}: {shown} results but {want} that year"));
                }
            }
        }
        let years = r.chart_years().len();
        if years > 0 && r.chart_sel >= years {
            return Err(format!("chart year {} of {years}", r.chart_sel));
        }
        match &self.mode {
            Mode::Kwic => {
                let Some(k) = &r.kwic else { return Err("concordance mode without a concordance".into()) };
                let n = k.lines.as_ref().map_or(0, Vec::len);
                if n > 0 && (k.sel >= n || k.offset > k.sel) {
                    return Err(format!("concordance line {} (top {}) of {n}", k.sel, k.offset));
                }
            }
            Mode::Chart if !self.index_results() => return Err("chart mode without index results".into()),
            _ => {}
        }
        Ok(())
    }
}

/// Sorts concordance lines (stable: text order kept among equals).
pub fn sort_lines(lines: &mut [ConcordLine], sort: KwicSort) {
    match sort {
        KwicSort::Date => lines.sort_by(|a, b| (&a.date, a.page).cmp(&(&b.date, b.page))),
        KwicSort::Left => lines.sort_by(|a, b| a.left.chars().rev().cmp(b.left.chars().rev())),
        KwicSort::Right => lines.sort_by(|a, b| a.right.cmp(&b.right)),
    }
}

/// Background work yields to the reader (the full-text index's build, the title index's
/// write): the lowest scheduling priority for this thread and the threads it starts.
pub(crate) fn lower_priority() {
    lower_priority_to(19);
}

/// This thread (and the threads it starts) at niceness `nice`, if that is lower than its
/// priority now (an unprivileged thread cannot raise it back).
pub(crate) fn lower_priority_to(nice: i32) {
    // on Linux a thread id names the thread alone; failure leaves the priority as it was
    #[cfg(target_os = "linux")]
    {
        let me = Some(rustix::thread::gettid());
        if rustix::process::getpriority_process(me).is_ok_and(|now| now < nice) {
            let _ = rustix::process::setpriority_process(me, nice);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
}
