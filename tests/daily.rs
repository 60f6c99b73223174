//! A reader's daily life, driven headless through the real app: date jumps and their edges,
//! narrowing by day and by bookmarks, sorting, remembered state across restarts, remapped
//! keys, and citations sent to the clipboard.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use diglot::app::{App, Effect, Focus, Mode, Msg, Narrow, SortOrder};
use diglot::corpus::load_paths;
use diglot::state::State;
use std::path::{Path, PathBuf};

fn key(app: &mut App, code: KeyCode) {
    app.feed(Msg::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    app.prepare();
}

fn ch(app: &mut App, c: char) {
    key(app, KeyCode::Char(c));
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        ch(app, c);
    }
}

fn app_on(dir: &Path) -> App {
    let mut app = App::with_loaded((100, 30), load_paths(&[dir.to_path_buf()]));
    app.prepare();
    app
}

fn selected_date(app: &App) -> String {
    app.selected().map(|m| m.date_string()).unwrap_or_default()
}

#[test]
fn date_jump_edges() {
    let dir = common::fixture_dir();
    let mut app = app_on(dir.path());
    // the fixtures: 1955-01-03, 1958-08-01, 1966-01-05
    for (query, want) in [
        ("1958-08-01", "1958-08-01"),
        ("1900", "1955-01-03"),       // before the first article: the first
        ("1956-06", "1958-08-01"),    // a month with no article: the next one on or after
        ("1958", "1958-08-01"),       // a year
        ("1958-08-02", "1966-01-05"), // the day after an article
        ("1999-01-01", "1966-01-05"), // after the last: the last, with a message
    ] {
        ch(&mut app, 'd');
        assert!(matches!(app.mode, Mode::Date(_)), "d opens the prompt");
        typed(&mut app, query);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.mode, Mode::Browse);
        assert_eq!(selected_date(&app), want, "d {query}");
    }
    assert!(app.message.as_deref().unwrap_or("").contains("no article on or after"), "{:?}", app.message);
    // a malformed date leaves the selection and says why
    ch(&mut app, 'g');
    ch(&mut app, 'd');
    typed(&mut app, "1958-13");
    key(&mut app, KeyCode::Enter);
    assert_eq!(selected_date(&app), "1955-01-03");
    assert!(app.message.as_deref().unwrap_or("").contains("not a date"), "{:?}", app.message);
    // Esc cancels
    ch(&mut app, 'd');
    typed(&mut app, "1966");
    key(&mut app, KeyCode::Esc);
    assert_eq!(selected_date(&app), "1955-01-03");
}

#[test]
fn one_days_paper_and_back() {
    let dir = common::tempdir();
    let day = |page: u32, title: &str| {
        format!(
            "Title: {title}\nAuthor:\nDate: 1958-08-01\nPage: {page}\n\n    Body {page}.\n\n<hr /> \n\nOriginal: \n\n### 标题{page}\n\n1958-08-01\n第{page}版()\n专栏：\n\n    正文{page}。\n"
        )
    };
    let other = "Title: Other Day\nAuthor:\nDate: 1958-08-02\nPage: 1\n\n    Body.\n\n<hr /> \n\nOriginal: \n\n### 别的\n\n1958-08-02\n第1版()\n专栏：\n\n    正文。\n";
    let files =
        [("a/p3.md", day(3, "Page Three")), ("a/p1.md", day(1, "Page One")), ("b/o.md", other.to_string())];
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    common::write_files(dir.path(), &files);
    let mut app = app_on(dir.path());
    assert_eq!(app.shown_len(), 3);
    ch(&mut app, 'D');
    assert_eq!(app.narrow, Some(Narrow::Day(diglot::corpus::Date::parse("1958-08-01").unwrap())));
    assert_eq!(app.shown_len(), 2);
    // walked in page order from the reader with ]
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.selected().unwrap().title_en(), "Page One");
    // [ on the day's first page stays there, and says why (it said nothing)
    ch(&mut app, '[');
    assert_eq!(app.selected().unwrap().title_en(), "Page One");
    assert_eq!(app.message.as_deref(), Some("the first article of 1958-08-01's paper"));
    ch(&mut app, ']');
    assert_eq!(app.selected().unwrap().title_en(), "Page Three");
    // ] on the day's last page goes on to the next day's paper, and says so
    ch(&mut app, ']');
    assert_eq!(app.selected().unwrap().title_en(), "Other Day", "] goes on to the next paper");
    assert_eq!(app.narrow, Some(Narrow::Day(diglot::corpus::Date::parse("1958-08-02").unwrap())));
    assert!(app.message.as_deref().unwrap_or("").contains("next paper: 1958-08-02"), "{:?}", app.message);
    // and stops, saying so, at the last day
    ch(&mut app, ']');
    assert_eq!(app.selected().unwrap().title_en(), "Other Day");
    assert!(app.message.as_deref().unwrap_or("").contains("last day"), "{:?}", app.message);
    // [ on the first (and only) article of that day's paper: the same as on any day's first
    ch(&mut app, '[');
    assert_eq!(app.selected().unwrap().title_en(), "Other Day");
    assert_eq!(app.message.as_deref(), Some("the first article of 1958-08-02's paper"));
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'D');
    assert_eq!(app.narrow, None);
    assert_eq!(app.shown_len(), 3);
    assert_eq!(app.selected().unwrap().title_en(), "Other Day", "the selection stays on its article");
    // without D: [ on the first article of the list says so too, as ] on the last does
    ch(&mut app, 'g');
    ch(&mut app, '[');
    assert_eq!(app.selected().unwrap().title_en(), "Page One");
    assert_eq!(app.message.as_deref(), Some("this is the first article"));
    ch(&mut app, 'G');
    ch(&mut app, ']');
    assert_eq!(app.message.as_deref(), Some("this is the last article"));
}

#[test]
fn sort_orders_cycle() {
    let dir = common::fixture_dir();
    let mut app = app_on(dir.path());
    let dates = |app: &App| -> Vec<String> {
        (0..app.shown_len()).map(|i| app.articles.get(app.shown(i).unwrap()).unwrap().date_string()).collect()
    };
    assert_eq!(dates(&app), ["1955-01-03", "1958-08-01", "1966-01-05"]);
    ch(&mut app, 'S');
    assert_eq!(app.sort, SortOrder::DateDesc);
    assert_eq!(dates(&app), ["1966-01-05", "1958-08-01", "1955-01-03"]);
    ch(&mut app, 'S');
    assert_eq!(app.sort, SortOrder::Title);
    let titles: Vec<String> = (0..app.shown_len())
        .map(|i| app.articles.get(app.shown(i).unwrap()).unwrap().title_en().to_lowercase())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert_eq!(titles, sorted);
    ch(&mut app, 'S');
    assert_eq!(app.sort, SortOrder::Date);
    assert_eq!(dates(&app), ["1955-01-03", "1958-08-01", "1966-01-05"]);
}

#[test]
fn bookmarks_read_marks_and_position_survive_a_restart() {
    let dir = common::fixture_dir();
    let state_dir = common::tempdir();
    let paths = vec![dir.path().to_path_buf()];
    let open = |paths: &[PathBuf]| {
        // small, so that the article needs scrolling
        let mut app = App::with_loaded((60, 8), load_paths(paths));
        let (st, msg) = State::load(state_dir.path());
        app.attach_state(st, Some(state_dir.path().to_path_buf()), paths, msg);
        app.feed(Msg::LoadDone);
        app.prepare();
        app
    };
    let mut app = open(&paths);
    ch(&mut app, 'j');
    ch(&mut app, 'b');
    ch(&mut app, 'B');
    assert_eq!(app.shown_len(), 1, "bookmarks only");
    ch(&mut app, 'B');
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Enter); // opening marks read
    assert_eq!(app.focus, Focus::Reader);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    let top = app.reader.top;
    assert!(top.block > 0 || top.offset > 0, "scrolled: {top:?}");
    let third = app.selected().unwrap().path().clone();
    ch(&mut app, 'q');
    assert!(app.quit);

    let app = open(&paths);
    assert_eq!(app.selected().unwrap().path(), third, "resumes on the last article");
    assert_eq!(app.list.selected, 2, "i/N shows it");
    assert_eq!(app.reader.top, top, "and at the same place");
    assert!(app.state.is_read(&third));
    assert!(app.state.is_bookmarked(&app.articles.get(1).unwrap().path()));
    assert!(!app.state.is_bookmarked(&app.articles.get(0).unwrap().path()));
}

#[test]
fn corrupt_state_is_set_aside_and_said() {
    let dir = common::fixture_dir();
    let state_dir = common::tempdir();
    std::fs::write(state_dir.path().join("state.json"), b"{ not json").unwrap();
    let mut app = App::with_loaded((100, 30), load_paths(&[dir.path().to_path_buf()]));
    let (st, msg) = State::load(state_dir.path());
    app.attach_state(st, Some(state_dir.path().to_path_buf()), &[dir.path().to_path_buf()], msg);
    assert!(app.message.as_deref().unwrap_or("").contains("corrupt"), "{:?}", app.message);
    let names: Vec<String> = std::fs::read_dir(state_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n.contains("corrupt")), "{names:?}");
}

#[test]
fn remapped_keys_drive_the_app() {
    let cfg = diglot::config::Config::parse(
        "[keys]\nquit = [\"Q\"]\ndown = [\"J\", \"Down\"]\n",
        Path::new("/tmp/config.toml"),
    )
    .unwrap();
    let dir = common::fixture_dir();
    let mut app = app_on(dir.path());
    app.configure(&cfg);
    ch(&mut app, 'j');
    assert_eq!(app.list.selected, 0, "j no longer moves");
    ch(&mut app, 'J');
    assert_eq!(app.list.selected, 1);
    ch(&mut app, 'q');
    assert!(!app.quit, "q is no longer quit");
    ch(&mut app, 'Q');
    assert!(app.quit);
}

#[test]
fn citation_goes_to_the_clipboard() {
    use base64::Engine;
    let dir = common::fixture_dir();
    let mut app = app_on(dir.path());
    let effects = app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE))));
    let text = effects
        .into_iter()
        .find_map(|e| match e {
            Effect::Copy { text, .. } => Some(text),
            _ => None,
        })
        .expect("a copy");
    app.tmux = None; // outside tmux, whatever runs the tests
    let (said, seq) = app.copy_now(&text, "citation");
    let seq = seq.expect("an OSC 52 sequence");
    assert_eq!(seq, diglot::export::osc52(&text, false));
    // OSC 52 cannot be confirmed: the status bar says it was sent, not that it was copied
    assert!(said.contains("OSC 52") && !said.starts_with("copied"), "{said}");
    assert!(seq.contains("\u{1b}]52;c;"), "{seq:?}");
    let b64: String = seq
        .split("52;c;")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/' || *c == '=')
        .collect();
    let text = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).unwrap()).unwrap();
    assert!(
        text.starts_with("Li Ming, \"Railway Workers Finish the New Bridge Ahead of Schedule,\""),
        "{text}"
    );
    assert!(text.contains("People's Daily (人民日报), 3 January 1955, p. 1."), "{text}");
    assert!(text.contains("Chinese title: 铁路工人提前完成新桥工程."), "{text}");
}

/// Presses a copy key and carries out its [`Effect::Copy`] as the terminal loop does: the
/// status bar gets what [`App::copy_now`] says; returns the OSC 52 sequence to write, if any.
fn copy_key(app: &mut App, c: char) -> Option<String> {
    let effects = app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))));
    let (text, what) = effects
        .into_iter()
        .find_map(|e| match e {
            Effect::Copy { text, what } => Some((text, what)),
            _ => None,
        })
        .expect("a copy");
    let (said, seq) = app.copy_now(&text, &what);
    app.feed(Msg::Said(said));
    seq
}

/// Inside tmux (default settings drop a program's OSC 52), `c` pipes the citation to
/// `tmux load-buffer -w -` and says so; when tmux fails, the status bar says nothing was
/// copied, never "copied".
#[cfg(unix)]
#[test]
fn citation_in_tmux_goes_to_the_tmux_buffer() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::fixture_dir();
    let bin = tempfile::tempdir().unwrap();
    let fake = bin.path().join("tmux");
    let script = format!("#!/bin/sh\ncat > {}/buffer\n", bin.path().display());
    std::fs::write(&fake, script).unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut app = app_on(dir.path());
    app.tmux = Some(fake.display().to_string());
    assert_eq!(copy_key(&mut app, 'c'), None, "no escape sequence inside tmux");
    let text = std::fs::read_to_string(bin.path().join("buffer")).unwrap();
    assert!(text.contains("People's Daily (人民日报), 3 January 1955, p. 1."), "{text}");
    assert_eq!(app.message.as_deref(), Some("copied the citation (tmux buffer and clipboard)"));
    app.tmux = Some(bin.path().join("missing").display().to_string());
    assert_eq!(copy_key(&mut app, 'c'), None);
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.starts_with("nothing copied"), "{msg}");
}
