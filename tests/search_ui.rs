//! The search prompts driven by keys through the real app: the title search narrows on every
//! keystroke and Esc restores the list; the prompt's editing keys; pinyin; bracketed paste;
//! search inside an article with n/N; the full-text search opening an article at its hit.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::research::{key, press, shown_titles, typed};
use crossterm::event::{Event, KeyCode, KeyModifiers};
use diglot::app::{App, Focus, Msg};
use diglot::corpus::load_paths;
use std::time::Duration;

fn settle(app: &mut App) {
    assert!(app.wait_search(Duration::from_secs(10)), "the search worker answered");
    app.prepare();
}

/// Feeds the loop's wake-ups until Ctrl-f's answer (the index's or the scan's) is in, up to
/// 10 s, and returns it.
fn fulltext_results(app: &mut App) -> Vec<(std::path::PathBuf, diglot::search::FullTextHit)> {
    let start = std::time::Instant::now();
    while app.fulltext.as_ref().unwrap().results.is_none() && start.elapsed() < Duration::from_secs(10) {
        app.feed(Msg::SearchReady);
        std::thread::sleep(Duration::from_millis(5));
    }
    app.prepare();
    app.fulltext.as_ref().unwrap().results.clone().expect("Ctrl-f answered within 10 s")
}

fn fixture_app() -> (tempfile::TempDir, App) {
    let dir = common::fixture_dir();
    let mut app = App::with_loaded((100, 30), load_paths(&[dir.path().to_path_buf()]));
    app.prepare();
    (dir, app)
}

#[test]
fn title_search_narrows_and_esc_restores() {
    let (_dir, mut app) = fixture_app();
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.list.selected, 2);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "bridge");
    settle(&mut app);
    assert_eq!(shown_titles(&app), ["Railway Workers Finish the New Bridge Ahead of Schedule"]);
    assert_eq!(app.list.selected, 0);
    // Chinese and pinyin initials find the same article
    press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typed(&mut app, "新桥");
    settle(&mut app);
    assert_eq!(shown_titles(&app).len(), 1);
    press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typed(&mut app, "tlgr");
    settle(&mut app);
    assert_eq!(shown_titles(&app), ["Railway Workers Finish the New Bridge Ahead of Schedule"]);
    // an operator that matches nothing
    press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typed(&mut app, "'zzzz");
    settle(&mut app);
    assert_eq!(app.shown_len(), 0);
    key(&mut app, KeyCode::Esc);
    assert!(app.search.is_none());
    assert_eq!(app.shown_len(), 3);
    assert_eq!(app.list.selected, 2, "the previous selection is back");
}

#[test]
fn prompt_editing_keys_and_paste() {
    let (_dir, mut app) = fixture_app();
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "water wheel");
    press(&mut app, KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert_eq!(app.search.as_ref().unwrap().prompt.text(), "water ");
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Char('X'));
    assert_eq!(app.search.as_ref().unwrap().prompt.text(), "watXer");
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Backspace);
    assert_eq!(app.search.as_ref().unwrap().prompt.text(), "watXr");
    press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    // Chinese input methods often paste
    app.feed(Msg::Term(Event::Paste("水车\n".into())));
    assert_eq!(app.search.as_ref().unwrap().prompt.text(), "水车 ");
    settle(&mut app);
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Labour"]);
    // Up/Down and Ctrl-n/Ctrl-p move in the results while typing; Enter opens the reader
    press(&mut app, KeyCode::Char('n'), KeyModifiers::CONTROL);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    assert_eq!(app.selected().unwrap().title_en(), "A Wooden Water Wheel Saves Labour");
}

#[test]
fn search_in_the_article_with_n_and_shift_n() {
    let (_dir, mut app) = fixture_app();
    // a short screen so that hits are far apart in rows
    app.feed(Msg::Term(Event::Resize(60, 8)));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "bridge");
    key(&mut app, KeyCode::Enter);
    let f = app.find.as_ref().unwrap();
    assert!(f.hits.len() >= 2, "hits in title and body: {:?}", f.hits);
    let first = app.reader.top_row();
    key(&mut app, KeyCode::Char('n'));
    let second = app.reader.top_row();
    assert!(second > first, "n goes down: {first} -> {second}");
    key(&mut app, KeyCode::Char('N'));
    assert_eq!(app.reader.top_row(), first, "N comes back");
    key(&mut app, KeyCode::Esc);
    assert!(app.find.is_none());
    assert_eq!(app.focus, Focus::Reader, "Esc closes the search, not the reader");
}

#[test]
fn full_text_search_opens_the_article_at_the_hit() {
    let (_dir, mut app) = fixture_app();
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    typed(&mut app, "二十个人");
    key(&mut app, KeyCode::Enter);
    fulltext_results(&mut app);
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Labour"]);
    let hit = app.fulltext_hit(0).unwrap();
    assert_eq!(&hit.snippet[hit.hit.clone()], "二十个人");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    let f = app.find.as_ref().expect("the phrase is searched in the article");
    assert_eq!(f.prompt.text(), "二十个人");
    assert!(!f.hits.is_empty());
}

/// Ctrl-f searches the articles' text, not the file's markup: `Original`, `hr /` and `专栏`
/// (in every file) match nothing; the snippet of a Chinese title hit is the title alone, not
/// `### … 第4版() 专栏：…`.
#[test]
fn full_text_search_matches_text_not_markup() {
    let (_dir, mut app) = fixture_app();
    let search = |app: &mut diglot::app::App, phrase: &str| {
        press(app, KeyCode::Char('f'), KeyModifiers::CONTROL);
        for _ in 0..40 {
            key(app, KeyCode::Backspace);
        }
        typed(app, phrase);
        key(app, KeyCode::Enter);
        fulltext_results(app)
    };
    for markup in ["Original", "hr /", "专栏", "第1版()", "Title:"] {
        assert!(search(&mut app, markup).is_empty(), "{markup} matched markup");
    }
    let hits = search(&mut app, "铁路工人");
    assert_eq!(hits.len(), 1);
    let snippet = &hits[0].1.snippet;
    assert!(!snippet.contains("###") && !snippet.contains("第1版") && !snippet.contains("专栏"), "{snippet}");
}

/// Ctrl-f before the full-text index exists reads every file: at 430,000 that is seconds in
/// which the status bar said nothing (the prompt line `searching…`). It now gives the files
/// read of all (`scanning 3/3 files (Esc stops)`) until the answer, and Esc stops the scan.
#[test]
fn the_scan_of_the_files_shows_its_progress_and_esc_stops_it() {
    let (_dir, mut app) = fixture_app();
    let files = app.articles.len();
    let status = |app: &App| {
        let buf = common::render(app);
        common::row_text(&buf, buf.area.height - 1, 0, buf.area.width)
    };
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    typed(&mut app, "水车");
    key(&mut app, KeyCode::Enter);
    // (the answer is taken when the loop is woken: until then the scan is running)
    let (done, total) = app.fulltext.as_ref().unwrap().scan_progress().expect("a scan running");
    assert!(done <= total && total == files, "{done}/{total} of {files}");
    let s = status(&app);
    assert!(s.contains(&format!("/{files} files (Esc stops)")) && s.contains(" · scanning "), "{s}");
    fulltext_results(&mut app);
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Labour"]);
    assert!(app.fulltext.as_ref().unwrap().scan_progress().is_none());
    assert!(!status(&app).contains("scanning"), "{}", status(&app));
    // another scan, stopped by Esc: the list back, nothing said about a scan
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typed(&mut app, "工人");
    key(&mut app, KeyCode::Enter);
    assert!(status(&app).contains(" · scanning "), "{}", status(&app));
    key(&mut app, KeyCode::Esc);
    assert!(app.fulltext.is_none());
    assert_eq!(app.shown_len(), files);
    assert!(!status(&app).contains("scanning"), "{}", status(&app));
}
