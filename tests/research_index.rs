//! The reader on the real full-text index (`diglot::fts`): built in the background after
//! loading, then Ctrl-f takes the query language (its errors in the prompt), the chart has a
//! series per comma-separated term, the concordance opens at the hit, and a file added is
//! found once the index is updated.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::research::{key, search, shown_titles};
use crossterm::event::KeyCode;
use diglot::app::{fts_builder, App, Focus, IndexStatus, Mode, Msg};
use diglot::corpus::load_paths;
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
