//! The reader on the real full-text index (`diglot::fts`): built in the background after
//! loading, then Ctrl-f takes the query language (its errors in the prompt), the chart has a
//! series per comma-separated term, the concordance opens at the hit, and a file added is
//! found once the index is updated.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

use common::research::{key, search, shown_titles};
use crossterm::event::KeyCode;
use diglot::app::{fts_builder, App, Builder, Engine, Focus, FtsEngine, IndexStatus, Mode, Msg, ResultOrder};
use diglot::corpus::load_paths;
use std::sync::Arc;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

fn indexed_app(dir: &std::path::Path, cache: &std::path::Path) -> App {
    let mut app = App::with_loaded((120, 35), load_paths(&[dir.to_path_buf()]));
    app.set_indexer(vec![dir.to_path_buf()], Some(fts_builder(Some(cache.to_path_buf()))), true);
    app.feed(Msg::LoadDone);
    app.prepare();
    assert!(app.wait_research(WAIT, |a| a.research().status == IndexStatus::Ready), "{:?}", app.research());
    app
}

/// The e2e copy test saw it: the index came ready just after `c` and the status bar lost
/// "sent the citation"; the notice now goes to the message log instead.
#[test]
fn the_index_ready_notice_leaves_the_answer_to_a_key_on_the_status_bar() {
    let dir = common::fixture_dir();
    let cache = common::tempdir();
    let mut app = App::with_loaded((120, 35), load_paths(&[dir.path().to_path_buf()]));
    app.set_indexer(
        vec![dir.path().to_path_buf()],
        Some(fts_builder(Some(cache.path().to_path_buf()))),
        true,
    );
    app.feed(Msg::LoadDone);
    app.prepare();
    let answer = "sent the citation to the terminal's clipboard (OSC 52)";
    app.message = Some(answer.to_string());
    assert!(app.wait_research(WAIT, |a| a.research().status == IndexStatus::Ready), "{:?}", app.research());
    assert_eq!(app.message.as_deref(), Some(answer));
    assert!(app.log.iter().any(|l| l.starts_with("full-text index ready")), "{:?}", app.log);
}

#[test]
fn ctrl_f_uses_the_index_with_the_query_language() {
    let dir = common::fixture_dir();
    let cache = common::tempdir();
    let mut app = indexed_app(dir.path(), cache.path());
    // a phrase, a boolean, a filter
    search(&mut app, "水车");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Labour"]);
    search(&mut app, "工人 -bridge");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    assert_eq!(shown_titles(&app), ["Brief News"]);
    search(&mut app, "workers date:1955");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    assert_eq!(shown_titles(&app), ["Railway Workers Finish the New Bridge Ahead of Schedule"]);
    // two terms: two series, the results those of either
    search(&mut app, "工人,水车");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    let a = app.research().answer.clone().unwrap();
    assert_eq!(a.series.iter().map(|s| s.term.as_str()).collect::<Vec<_>>(), ["工人", "水车"]);
    assert_eq!(app.shown_len(), 3);
    let y1958 = a.series[1].years.iter().find(|p| p.year == 1958).unwrap();
    assert_eq!((y1958.articles, y1958.total_articles), (1, 1));
    // a query that does not parse: the parser's message, the prompt kept
    search(&mut app, "人民 \"unclosed");
    assert_eq!(app.mode, Mode::FullText);
    let e = app.research().error.clone().expect("the parser's error");
    assert_eq!(e.col, 4, "{e:?}");
}

#[test]
fn the_concordance_opens_the_article_at_the_hit() {
    let dir = common::fixture_dir();
    let cache = common::tempdir();
    let mut app = indexed_app(dir.path(), cache.path());
    search(&mut app, "水车");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    key(&mut app, KeyCode::Char('K'));
    assert!(app.wait_research(WAIT, |a| a.research().kwic.as_ref().is_some_and(|k| k.lines.is_some())));
    let lines = app.research().kwic.as_ref().unwrap().lines.clone().unwrap();
    // the title (木制水车) and the two Chinese paragraphs
    assert_eq!(lines.iter().filter(|l| l.hit == "水车").count(), lines.len());
    assert!(lines.len() >= 2, "{lines:?}");
    let last = lines.len() - 1;
    for _ in 0..last {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    let p = app.research().kwic.as_ref().unwrap().preview.clone().unwrap();
    assert!(p.zh.contains("一台水车顶二十个人的劳动"), "{p:?}");
    assert!(p.en.contains("twenty people"), "{p:?}");
    key(&mut app, KeyCode::Char('o'));
    assert_eq!(app.focus, Focus::Reader);
    assert_eq!(app.find.as_ref().unwrap().prompt.text(), "水车");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Kwic);
    assert_eq!(app.research().kwic.as_ref().unwrap().sel, last);
}

#[test]
fn a_file_added_is_found_after_the_update() {
    let dir = common::fixture_dir();
    let cache = common::tempdir();
    let mut app = indexed_app(dir.path(), cache.path());
    search(&mut app, "拖拉机");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    assert_eq!(app.shown_len(), 0);
    key(&mut app, KeyCode::Esc);
    let text = common::ARTICLES[1].1.replace("水车", "拖拉机").replace("1958-08-01", "1958-09-01");
    common::write_files(dir.path(), &[("rmrb/1958.09/1958-09-01_拖拉机.md", text.as_bytes())]);
    // the loader's check found a new file: the index is updated
    app.feed(Msg::LoadDone);
    assert!(app.research().indexing());
    assert!(app.wait_research(WAIT, |a| !a.research().indexing()));
    assert_eq!(app.research().status, IndexStatus::Ready);
    drop(app);
    // the list itself is the loader's: the article found is in the results when it is listed
    let loaded = load_paths(&[dir.path().to_path_buf()]);
    let mut app2 = App::with_loaded((120, 35), loaded);
    app2.set_indexer(
        vec![dir.path().to_path_buf()],
        Some(fts_builder(Some(cache.path().to_path_buf()))),
        true,
    );
    app2.feed(Msg::LoadDone);
    assert!(app2.wait_research(WAIT, |a| a.research().status == IndexStatus::Ready));
    search(&mut app2, "拖拉机");
    assert!(app2.wait_research(WAIT, |a| a.index_results()));
    assert_eq!(app2.shown_len(), 1);
}

/// The reader on `roots` with `engine` as its full-text index, the index ready.
fn app_on(roots: &[std::path::PathBuf], engine: Arc<dyn Engine>) -> App {
    let builder: Builder = Arc::new(move |_, _, _, _| Ok(engine.clone()));
    let mut app = App::with_loaded((100, 30), load_paths(roots));
    app.set_indexer(roots.to_vec(), Some(builder), true);
    app.feed(Msg::LoadDone);
    app.prepare();
    assert!(app.wait_research(WAIT, |a| a.research().status == IndexStatus::Ready));
    app
}

/// 120 generated articles and their full-text index (as the reader builds it): the folder
/// (kept while the first value lives), the roots and the cache folder.
fn generated_and_indexed() -> (tempfile::TempDir, Vec<std::path::PathBuf>, std::path::PathBuf) {
    let tmp = common::tempdir();
    let dir = tmp.path().join("gen");
    gen_corpus::generate(&dir, 120, 5, 0.0).unwrap();
    let cache = tmp.path().join("cache");
    let roots = vec![dir];
    let budget = diglot::fts::Budget::BACKGROUND;
    let built = diglot::fts::FtsIndex::open_updated_with(&roots, Some(&cache), budget, &|_, _| {}, &|| false);
    drop(built.unwrap());
    (tmp, roots, cache)
}

/// Issue 15: a query matching most articles made a path for every hit before answering
/// (`commune` at 430k: ~120 ms of its 121). The engine now resolves the first hits' paths
/// (the first screens), the counts and the timeline whole, the rest's paths after on the
/// reader's worker: the list gets them, and scrolling past the first rows reaches the
/// right articles, in the engine's order.
#[test]
fn a_query_with_many_hits_resolves_the_first_paths_and_the_rest_after() {
    const FIRST: usize = 5;
    let (_tmp, roots, cache) = generated_and_indexed();
    let dir = &roots[0];
    let open = || diglot::fts::FtsIndex::open(&roots, &cache).unwrap();
    // every path at once (as before), the reference
    let whole = FtsEngine::new(open()).with_first_paths(usize::MAX);
    let all = whole.run("commune", ResultOrder::Date, &|| false).unwrap().unwrap();
    let all_paths: Vec<_> = all.hits.iter().map(|h| h.path.clone()).collect();
    assert!(all.hits.len() > 4 * FIRST, "{} hits", all.hits.len());
    assert!(all.unresolved.is_empty() && all_paths.iter().all(|p| p.starts_with(dir)));
    // the first paths only: the same hits, counts and timeline
    let few = FtsEngine::new(open()).with_first_paths(FIRST);
    for order in [ResultOrder::Date, ResultOrder::Relevance] {
        let want = whole.run("commune", order, &|| false).unwrap().unwrap();
        let a = few.run("commune", order, &|| false).unwrap().unwrap();
        assert_eq!(a.hits.len(), want.hits.len());
        assert_eq!((&a.by_year, &a.by_page, &a.series), (&want.by_year, &want.by_page, &want.series));
        assert_eq!(a.unresolved.len(), want.hits.len() - FIRST);
        for (i, (h, w)) in a.hits.iter().zip(&want.hits).enumerate() {
            assert_eq!((h.date, h.page, h.count), (w.date, w.page, w.count));
            let path = if i < FIRST { w.path.clone() } else { std::path::PathBuf::new() };
            assert_eq!(h.path, path, "hit {i}");
        }
        let rest = few.rest_paths(&a.unresolved, &|| false).unwrap().unwrap();
        let want_rest: Vec<_> = want.hits[FIRST..].iter().map(|h| h.path.clone()).collect();
        assert_eq!(rest, want_rest);
    }
    // the reader: the answer shown, then the rest of its rows
    let engine: Arc<dyn Engine> = Arc::new(FtsEngine::new(open()).with_first_paths(FIRST));
    let mut app = app_on(&roots, engine);
    search(&mut app, "commune");
    let shown_paths = |app: &App| -> Vec<std::path::PathBuf> {
        (0..app.shown_len()).map(|i| app.articles.get(app.shown(i).unwrap()).unwrap().path()).collect()
    };
    // the answer comes first (one message), its first rows listed, the count whole
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    app.check_invariants().unwrap();
    assert_eq!(app.research().answer.as_ref().unwrap().unresolved.len(), all.hits.len() - FIRST);
    assert_eq!(shown_paths(&app), all_paths[..FIRST]);
    let complete =
        |a: &App| a.index_results() && a.research().answer.as_ref().is_some_and(|x| x.unresolved.is_empty());
    assert!(app.wait_research(WAIT, complete));
    app.check_invariants().unwrap();
    assert_eq!(shown_paths(&app), all_paths);
    // past the first rows: the selection on the engine's hit of that rank, Enter opens it
    let at = 3 * FIRST;
    for _ in 0..at {
        key(&mut app, KeyCode::Down);
    }
    assert_eq!(app.list.selected, at);
    assert_eq!(shown_paths(&app)[at], all_paths[at]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    assert_eq!(app.reader.path.as_ref(), Some(&all_paths[at]));
}

/// An engine whose last paths come only when the test says so: the moment between a query's
/// answer and the rest of its rows, held open.
struct Gated {
    inner: FtsEngine,
    open: std::sync::Mutex<bool>,
    opened: std::sync::Condvar,
}

impl Gated {
    fn release(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

impl Engine for Gated {
    fn check(&self, query: &str) -> Result<(), diglot::app::QueryProblem> {
        self.inner.check(query)
    }
    fn run(
        &self,
        query: &str,
        order: ResultOrder,
        cancel: &dyn Fn() -> bool,
    ) -> Result<Option<diglot::app::Answer>, String> {
        self.inner.run(query, order, cancel)
    }
    fn concordance(
        &self,
        query: &str,
        paths: &[std::path::PathBuf],
        cancel: &dyn Fn() -> bool,
    ) -> Vec<diglot::app::ConcordLine> {
        self.inner.concordance(query, paths, cancel)
    }
    fn rest_paths(
        &self,
        unresolved: &[(u32, u32)],
        cancel: &dyn Fn() -> bool,
    ) -> Result<Option<Vec<std::path::PathBuf>>, String> {
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.opened.wait(open).unwrap();
        }
        drop(open);
        self.inner.rest_paths(unresolved, cancel)
    }
}

/// The s7 note saw it: `K` pressed before the last rows' paths came made a concordance of the
/// first rows only. It now waits for them and covers every result.
#[test]
fn a_concordance_opened_before_the_last_paths_come_covers_every_result() {
    const FIRST: usize = 5;
    let (_tmp, roots, cache) = generated_and_indexed();
    let open = || diglot::fts::FtsIndex::open(&roots, &cache).unwrap();
    let all =
        FtsEngine::new(open()).with_first_paths(usize::MAX).run("commune", ResultOrder::Date, &|| false);
    let mut want: Vec<_> = all.unwrap().unwrap().hits.into_iter().map(|h| h.path).collect();
    want.sort();
    assert!(want.len() > 4 * FIRST, "{} hits", want.len());
    let gated = Arc::new(Gated {
        inner: FtsEngine::new(open()).with_first_paths(FIRST),
        open: std::sync::Mutex::new(false),
        opened: std::sync::Condvar::new(),
    });
    let engine: Arc<dyn Engine> = gated.clone();
    let mut app = app_on(&roots, engine);
    search(&mut app, "commune");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    assert_eq!(app.shown_len(), FIRST, "the last rows are held back");
    key(&mut app, KeyCode::Char('K'));
    assert_eq!(app.mode, Mode::Kwic);
    gated.release();
    assert!(app.wait_research(WAIT, |a| a.research().kwic.as_ref().is_some_and(|k| k.lines.is_some())));
    let lines = app.research().kwic.as_ref().unwrap().lines.clone().unwrap();
    let mut got: Vec<_> = lines.iter().map(|l| l.path.clone()).collect();
    got.sort();
    got.dedup();
    assert_eq!(got, want);
}

/// A term of filters alone (`date:1955`, one of the chart's terms or the whole query) drew an
/// empty series on the chart; now it draws none and the status bar says it needs a word, as
/// `diglot freq` does. The results are still the filter's.
#[test]
fn a_term_of_filters_alone_draws_no_series_and_says_it_needs_a_word() {
    let dir = common::fixture_dir();
    let cache = common::tempdir();
    let mut app = indexed_app(dir.path(), cache.path());
    search(&mut app, "工人,date:1955");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    let a = app.research().answer.clone().unwrap();
    assert_eq!(a.series.iter().map(|s| s.term.as_str()).collect::<Vec<_>>(), ["工人"]);
    let m = app.message.clone().unwrap_or_default();
    assert!(m.contains("`date:1955` needs a word or phrase to count"), "{m}");
    // the whole query of filters: its articles listed, no chart, `T` says why
    search(&mut app, "date:1955");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    assert_eq!(shown_titles(&app), ["Railway Workers Finish the New Bridge Ahead of Schedule"]);
    assert!(app.research().answer.as_ref().unwrap().series.is_empty());
    assert!(
        app.message.as_deref().unwrap_or("").contains("needs a word or phrase to count"),
        "{:?}",
        app.message
    );
    assert_eq!(app.research_rows(30).1, 0, "no chart");
    app.message = None;
    key(&mut app, KeyCode::Char('T'));
    assert_ne!(app.mode, Mode::Chart);
    assert!(
        app.message.as_deref().unwrap_or("").contains("needs a word or phrase to count"),
        "{:?}",
        app.message
    );
    // a term with a word: a series, no such message
    search(&mut app, "工人");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    assert_eq!(app.research().answer.as_ref().unwrap().series.len(), 1);
    assert!(!app.message.as_deref().unwrap_or("").contains("needs a word"), "{:?}", app.message);
}

/// `工人 or bridge` searches `or` as a word (only upper case is an operator, as in Google
/// and ProQuest): the status bar asks whether OR was meant; with OR the hint is gone.
#[test]
fn a_lowercase_or_between_terms_is_a_word_with_a_hint() {
    let dir = common::fixture_dir();
    let cache = common::tempdir();
    let mut app = indexed_app(dir.path(), cache.path());
    search(&mut app, "工人 or bridge");
    assert!(app.wait_research(WAIT, |a| a.index_results() || a.research().answer.is_some()));
    let m = app.message.clone().unwrap_or_default();
    assert!(m.contains("did you mean OR?") && m.contains("column 4"), "{m}");
    search(&mut app, "工人 OR bridge");
    assert!(app.wait_research(WAIT, |a| a.index_results()));
    assert!(app.shown_len() >= 2);
    assert!(!app.message.as_deref().unwrap_or("").contains("did you mean"), "{:?}", app.message);
}
