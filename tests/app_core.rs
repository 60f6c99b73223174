//! The app core: one mode routes the keys, `update` returns effects and drawing does no I/O,
//! every widget draws inside its Rect for the size of the frame drawn, and the reader's
//! details (issue 11) and faults (issue 12) the core owns. Scripted keys through the app,
//! drawn at 60x20, 80x24 and 120x35.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{buffer_text, render};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use diglot::app::{App, Effect, Focus, Mode, Msg, SortOrder};
use diglot::corpus::{self, load_paths};
use diglot::layout::View;
use diglot::state::State;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;
use std::time::Duration;

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    let e = app.feed(Msg::Term(Event::Key(KeyEvent::new(code, mods))));
    app.wait_search(Duration::from_secs(2));
    app.feed(Msg::SearchReady);
    app.check_invariants().unwrap_or_else(|e| panic!("after {code:?}: {e}"));
    e
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    press(app, code, KeyModifiers::NONE)
}

fn ch(app: &mut App, c: char) -> Vec<Effect> {
    key(app, KeyCode::Char(c))
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        ch(app, c);
    }
}

fn status(app: &App) -> String {
    let buf = render(app);
    common::row_text(&buf, buf.area.height - 1, 0, buf.area.width)
}

fn seed_app(w: u16, h: u16) -> App {
    let mut app = App::with_loaded((w, h), load_paths(&[]));
    app.prepare();
    app
}

fn dir_app(w: u16, h: u16, dir: &Path) -> App {
    let mut app = App::with_loaded((w, h), load_paths(&[dir.to_path_buf()]));
    app.prepare();
    app
}

/// An article of `paras` long paragraphs in both languages.
fn long_article(title: &str, date: &str, page: u32, paras: usize) -> String {
    let mut s = format!("Title: {title}\nAuthor: Li Ming\nDate: {date}\nPage: {page}\n\n");
    for i in 0..paras {
        s.push_str(&format!("    Paragraph {i} of {title}, long enough to wrap over several rows of the reader at every width we try here, and then some more words.\n\n"));
    }
    s.push_str(&format!("<hr /> \n\nOriginal: \n\n### {title}标题\n李明\n{date}\n第{page}版()\n专栏：\n\n"));
    for i in 0..paras {
        s.push_str(&format!(
            "　　第{i}段，足够长的中文段落，在每一个宽度下都要换成好几行，人民日报湘乡县，再多一些字。\n"
        ));
    }
    s
}

fn long_dir() -> tempfile::TempDir {
    let dir = common::tempdir();
    let files = [
        ("a/1.md", long_article("First", "1958-08-01", 1, 30)),
        ("a/2.md", long_article("Second", "1958-08-01", 2, 30)),
        ("b/3.md", long_article("Third", "1958-08-05", 1, 30)),
        ("b/4.md", long_article("Fourth", "1958-08-05", 3, 3)),
    ];
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    common::write_files(dir.path(), &files);
    dir
}

// ---------------------------------------------------------------------------------------------
// The core

/// Issue 12 item 6: a key and a shrinking resize arriving together panicked at
/// src/ui/list.rs:110 (`index outside of buffer`): the app laid out for its old size drew
/// into the new, smaller frame.
#[test]
fn a_key_then_a_shrinking_resize_draws_inside_the_frame() {
    for (w, h) in [(120, 35), (80, 24), (60, 20)] {
        let mut app = seed_app(w, h);
        ch(&mut app, 'j');
        // the frame is already 30x11 before the app has seen the resize
        let mut term = Terminal::new(TestBackend::new(30, 11)).unwrap();
        term.draw(|f| diglot::ui::draw(&app, f)).expect("draws");
        // then the resize arrives, and the next frame is laid out for it
        app.feed(Msg::Term(Event::Resize(30, 11)));
        term.draw(|f| diglot::ui::draw(&app, f)).expect("draws");
        let text = buffer_text(term.backend().buffer());
        assert!(text.contains("1/1"), "{text}");
        app.check_invariants().unwrap();
        // and with the reader focused, a prompt open, the help
        for k in [KeyCode::Enter, KeyCode::Char('/'), KeyCode::Esc, KeyCode::Char('?')] {
            key(&mut app, k);
            let mut small = Terminal::new(TestBackend::new(20, 5)).unwrap();
            small.draw(|f| diglot::ui::draw(&app, f)).expect("draws");
        }
    }
}

/// Rendering does no I/O: `update` asks for the article with an effect; until it arrives the
/// reader shows nothing and nothing is read.
#[test]
fn update_asks_for_articles_and_render_reads_nothing() {
    let dir = long_dir();
    let mut app = App::with_loaded((80, 24), load_paths(&[dir.path().to_path_buf()]));
    let effects = app.update(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE))));
    let open = effects.iter().rev().find_map(|e| match e {
        Effect::Open(p) => Some(p.clone()),
        _ => None,
    });
    assert_eq!(open.as_ref(), app.reader.path.as_ref(), "{effects:?}");
    render(&app);
    assert!(app.reader.article.is_none(), "drawing read nothing");
    let path = open.unwrap();
    let read = diglot::app::read_article(&path);
    app.update(Msg::Article(path, Box::new(read)));
    assert!(app.reader.article.is_some());
    assert!(!app.reader.layout.rows.is_empty(), "laid out by update, not by render");
}

/// One mode at a time, and each prompt gets the keys and the paste.
#[test]
fn a_paste_reaches_whichever_prompt_is_open() {
    let mut app = seed_app(80, 24);
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    assert_eq!(app.mode, Mode::FullText);
    app.feed(Msg::Term(Event::Paste("人民 日报".into())));
    assert_eq!(
        app.fulltext.as_ref().unwrap().prompt.text(),
        "人民 日报",
        "the full-text prompt got the paste"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
    ch(&mut app, 'd');
    app.feed(Msg::Term(Event::Paste("1958-08".into())));
    match &app.mode {
        Mode::Date(p) => assert_eq!(p.text(), "1958-08"),
        m => panic!("{m:?}"),
    }
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, '/');
    assert_eq!(app.mode, Mode::Find);
    app.feed(Msg::Term(Event::Paste("the".into())));
    assert_eq!(app.find.as_ref().unwrap().prompt.text(), "the");
    // nothing else took it
    assert!(app.search.is_none());
}

/// The text of the prompt open, whichever it is.
fn prompt_text(app: &App) -> Option<String> {
    match &app.mode {
        Mode::TitleSearch => app.search.as_ref().map(|s| s.prompt.text().to_string()),
        Mode::FullText => app.fulltext.as_ref().map(|f| f.prompt.text().to_string()),
        Mode::Find => app.find.as_ref().map(|f| f.prompt.text().to_string()),
        Mode::Date(p) => Some(p.text().to_string()),
        _ => None,
    }
}

/// Session 16: in every text field an Alt or Ctrl chord with a character that the field has
/// no key for is not text (in tmux, Esc then `q` typed quickly arrive as Alt-q; fzf and less
/// ignore it too), while AltGr's characters, which crossterm reports with Ctrl and Alt on
/// Windows (`@`, `€`, `ł`, `[` on European keyboards), are typed. AltGr's characters were
/// refused by every field, and the key map did not know them as their keys (`[` `]`).
#[test]
fn chords_are_not_text_in_any_field_and_altgr_characters_are() {
    let alt = KeyModifiers::ALT;
    let ctrl_alt = KeyModifiers::CONTROL | KeyModifiers::ALT;
    let not_text = [
        (KeyCode::Char('q'), alt),
        (KeyCode::Char('Q'), alt | KeyModifiers::SHIFT),
        (KeyCode::Char('q'), ctrl_alt),
        (KeyCode::Char('4'), ctrl_alt),
        (KeyCode::Char(' '), ctrl_alt),
        (KeyCode::Char('q'), KeyModifiers::CONTROL),
        (KeyCode::Char('湘'), alt),
        (KeyCode::Char('@'), alt),
    ];
    let altgr = ['@', '€', 'ł', '['];
    // each field: how it opens from the list, with the first article selected
    type Open = fn(&mut App);
    let opens: [(&str, Open); 4] = [
        ("title search", |app| {
            ch(app, '/');
        }),
        ("full-text search", |app| {
            press(app, KeyCode::Char('f'), KeyModifiers::CONTROL);
        }),
        ("date", |app| {
            ch(app, 'd');
        }),
        ("in-article search", |app| {
            key(app, KeyCode::Enter);
            ch(app, '/');
        }),
    ];
    for (name, open) in opens {
        let mut app = seed_app(80, 24);
        open(&mut app);
        let mode = app.mode.clone();
        typed(&mut app, "xiang");
        for (code, mods) in not_text {
            press(&mut app, code, mods);
            assert_eq!(prompt_text(&app).as_deref(), Some("xiang"), "{name}: {code:?} {mods:?}");
        }
        assert_eq!(std::mem::discriminant(&app.mode), std::mem::discriminant(&mode), "{name}: still open");
        for c in altgr {
            press(&mut app, KeyCode::Char(c), ctrl_alt);
        }
        assert_eq!(prompt_text(&app).as_deref(), Some("xiang@€ł["), "{name}: AltGr's characters typed");
        // the field's own chords still work
        press(&mut app, KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(prompt_text(&app).as_deref(), Some(""), "{name}: Ctrl-w");
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.mode, Mode::Browse, "{name}: Esc closes it");
    }
    // the key map: AltGr's `]` is the next article, a Ctrl-Alt chord of a letter nothing
    let dir = long_dir();
    let mut app = dir_app(80, 24, dir.path());
    key(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(']'), ctrl_alt);
    assert_eq!(app.list.selected, 1, "AltGr's ] is ]");
    let e = press(&mut app, KeyCode::Char('q'), ctrl_alt);
    assert!(!app.quit && !e.contains(&Effect::Quit), "Ctrl-Alt-q is not q");
    let e = press(&mut app, KeyCode::Char('q'), alt);
    assert!(!app.quit && !e.contains(&Effect::Quit), "Alt-q is not q");
}

/// Cursor positions come from the labels' widths.
#[test]
fn prompt_cursors_follow_their_labels() {
    let mut app = seed_app(120, 35);
    ch(&mut app, 'd');
    typed(&mut app, "1958");
    let (x, y) = diglot::ui::cursor(&app).expect("a cursor");
    assert_eq!((x as usize, y), (diglot::text::width(diglot::ui::DATE_LABEL) + 4, 34));
    let buf = render(&app);
    assert_eq!(buf[(x - 1, y)].symbol(), "8", "the cursor sits after what was typed");
    key(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    app.feed(Msg::Term(Event::Paste("人民".into())));
    let (x, y) = diglot::ui::cursor(&app).expect("a cursor");
    assert_eq!((x, y), ("full text: ".len() as u16 + 4, 0));
    let buf = render(&app);
    assert_eq!(buf[(x - 2, y)].symbol(), "民");
}

/// Issue 11 item 13: the full-text prompt shows what is typed at 60 and 80 columns (it was
/// `full tex… Enter searches` at 60).
#[test]
fn the_full_text_prompt_shows_what_is_typed() {
    for (w, h) in [(60, 20), (80, 24), (120, 35)] {
        let mut app = seed_app(w, h);
        press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
        typed(&mut app, "core group");
        let buf = render(&app);
        let line = common::row_text(&buf, 0, 0, w);
        assert!(
            line.contains("full text: core group") || line.contains("text: core group"),
            "{w}x{h}: {line}"
        );
    }
}

/// Issue 12 item 13: with `quit = []` and `help = []`, Ctrl-c still quits.
#[test]
fn ctrl_c_always_quits() {
    let cfg = diglot::config::Config::parse("[keys]\nquit = []\nhelp = []\n", Path::new("c.toml"))
        .expect("accepted");
    for mode_key in [None, Some('d'), Some('/')] {
        let mut app = seed_app(80, 24);
        app.configure(&cfg);
        if let Some(c) = mode_key {
            ch(&mut app, c);
        }
        ch(&mut app, 'q');
        assert!(!app.quit, "q is unbound");
        let effects = press(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(app.quit && effects.contains(&Effect::Quit), "{mode_key:?}: {effects:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Keeping the place

/// Issue 11 item 5: Esc after opening a title hit shows the whole list with the opened
/// article selected among its neighbours.
#[test]
fn esc_after_opening_a_hit_keeps_the_article_selected() {
    let dir = long_dir();
    let mut app = dir_app(120, 35, dir.path());
    ch(&mut app, '/');
    typed(&mut app, "Third");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    assert_eq!(app.selected().unwrap().title_en(), "Third");
    key(&mut app, KeyCode::Esc); // to the list
    key(&mut app, KeyCode::Esc); // closes the search
    assert!(app.search.is_none());
    assert_eq!(app.shown_len(), 4, "the whole list");
    assert_eq!(app.selected().unwrap().title_en(), "Third", "the opened article stays selected");
    // leaving D keeps it too
    ch(&mut app, 'D');
    ch(&mut app, 'j');
    ch(&mut app, 'D');
    assert_eq!(app.selected().unwrap().title_en(), "Fourth");
}

/// Issue 11 item 7: `v` and a resize keep the line at the top, and cycling `v` through the
/// views comes back to the same line.
#[test]
fn view_cycle_and_resize_keep_the_line_at_the_top() {
    let dir = long_dir();
    let mut app = dir_app(120, 35, dir.path());
    key(&mut app, KeyCode::Enter);
    for _ in 0..23 {
        ch(&mut app, 'j');
    }
    let top = app.reader.top;
    assert!(top.offset > 0, "inside a paragraph: {top:?}");
    for _ in 0..4 {
        ch(&mut app, 'v');
    }
    assert_eq!(app.view, View::Both);
    assert_eq!(app.reader.top, top, "four v's come back to the same line");
    // a resize keeps the line (not the paragraph's start)
    app.feed(Msg::Term(Event::Resize(100, 35)));
    assert!(app.reader.top.offset > 0, "still inside the paragraph: {:?}", app.reader.top);
    assert_eq!(app.reader.top.block, top.block);
    app.feed(Msg::Term(Event::Resize(120, 35)));
    assert_eq!(app.reader.top, top, "and back to the same line");
}

/// Issue 11 item 8: a fresh open keeps article 1 selected while batches arrive, even when a
/// later batch holds articles that sort before it.
#[test]
fn batches_arriving_keep_the_first_article_selected() {
    let dir = long_dir();
    let loaded = load_paths(&[dir.path().to_path_buf()]);
    let mut metas = loaded.articles;
    metas.sort_by(corpus::load::order);
    let mut app = App::new((80, 24));
    // the newest first, the oldest last
    for m in metas.iter().rev() {
        let ev = corpus::LoadEvent {
            outcomes: vec![corpus::Outcome::Article(Box::new(m.clone()), Vec::new())],
            bytes: 1,
            total: 4,
            ..corpus::LoadEvent::default()
        };
        app.feed(Msg::Loaded(ev));
        app.merge_pending();
        assert_eq!(app.list.selected, 0);
    }
    app.feed(Msg::LoadDone);
    assert_eq!(app.list.selected, 0);
    assert_eq!(app.selected().unwrap().title_en(), "First");
    assert_eq!(app.reader.path.as_ref(), Some(&app.selected().unwrap().path()));
}

/// A cold open's batches (each with its titles' search data, as the loader sends them) in
/// any order, some of their articles taken back before they are merged (a file changed):
/// the list is one sort of what is left, whatever the merges' sizes.
#[test]
fn batches_merged_in_any_order_list_what_one_sort_lists() {
    use diglot::search::TitleBatch;
    let meta = |k: u32| corpus::ArticleMeta {
        path: format!("/c/rmrb/1958.0{}/{:03}-{}.md", 1 + k % 3, (k * 37) % 101, k % 7).into(),
        title_en: format!("Title {k}"),
        title_zh: format!("标题{k}"),
        date: Some(corpus::Date { year: 1958, month: 1 + (k % 3) as u8, day: 1 + (k % 5) as u8 }),
        page: (!k.is_multiple_of(4)).then_some(k % 4),
        ..corpus::ArticleMeta::default()
    };
    let metas: Vec<_> = (0..300u32).map(meta).collect();
    let gone: Vec<std::path::PathBuf> = metas.iter().step_by(11).map(|m| m.path.clone()).collect();
    // (as rows: the batches of a cold open through the index, under the root `/c`)
    let cases =
        [(7usize, false, false), (50, true, false), (300, false, false), (7, false, true), (50, true, true)];
    for (size, merge_each, as_rows) in cases {
        let mut app = App::new((80, 24));
        for chunk in metas.chunks(size) {
            let mut titles = TitleBatch::default();
            for m in chunk {
                titles.push(&m.title_en, &m.title_zh);
            }
            let mut rows = corpus::Catalog::new(vec!["/c".into()]);
            for m in chunk {
                let rel = m.path.strip_prefix("/c").unwrap().to_str().unwrap().as_bytes();
                rows.push_article(0, rel, m, &[]);
            }
            let outcomes = chunk.iter().map(|m| corpus::Outcome::Article(Box::new(m.clone()), Vec::new()));
            let ev = corpus::LoadEvent {
                outcomes: if as_rows { Vec::new() } else { outcomes.collect() },
                rows: as_rows.then(|| Box::new(rows)),
                titles: Some(std::sync::Arc::new(titles)),
                total: metas.len(),
                ..corpus::LoadEvent::default()
            };
            app.feed(Msg::Loaded(ev));
            if merge_each {
                app.merge_pending();
            }
        }
        // taken back while (some of) their batches wait
        app.feed(Msg::Loaded(corpus::LoadEvent { removed: gone.clone(), ..corpus::LoadEvent::default() }));
        app.feed(Msg::LoadDone);
        let mut want: Vec<_> = metas.iter().filter(|m| !gone.contains(&m.path)).cloned().collect();
        want.sort_by(corpus::load::order);
        let got: Vec<_> = app.articles.iter().map(|a| a.to_meta()).collect();
        assert_eq!(got, want, "batches of {size}, rows: {as_rows}");
        app.check_invariants().unwrap();
    }
}

/// Issue 11 item 9: with the list hidden, h, Left, Esc and Tab do not give it the focus.
#[test]
fn the_hidden_list_never_takes_the_focus() {
    let dir = long_dir();
    let mut app = dir_app(80, 24, dir.path());
    ch(&mut app, 'j');
    let reading = app.reader.path.clone();
    ch(&mut app, 'z');
    assert_eq!(app.focus, Focus::Reader, "z gives the reader the focus");
    for k in [KeyCode::Char('h'), KeyCode::Left, KeyCode::Esc, KeyCode::Tab, KeyCode::Char('k')] {
        key(&mut app, k);
        assert_eq!(app.focus, Focus::Reader, "{k:?}");
        assert_eq!(app.reader.path, reading, "{k:?} replaced the article being read");
    }
}

/// Issue 11 item 6 and issue 12 item 4: the view, article and row come back after a
/// restart; the position is saved when the article changes and after a pause in scrolling.
#[test]
fn the_view_and_place_survive_a_restart_and_are_saved_on_the_way() {
    let dir = long_dir();
    let state_dir = common::tempdir();
    let paths = vec![dir.path().to_path_buf()];
    let open = || {
        let mut app = App::with_loaded((100, 30), load_paths(&paths));
        let (st, msg) = State::load(state_dir.path());
        app.attach_state(st, Some(state_dir.path().to_path_buf()), &paths, msg);
        app.feed(Msg::LoadDone);
        app.prepare();
        app
    };
    let mut app = open();
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'v'); // interleaved
    for _ in 0..7 {
        ch(&mut app, 'j');
    }
    let (view, top, path) = (app.view, app.reader.top, app.reader.path.clone());
    assert_ne!(view, View::Both);
    // a pause in scrolling saves, without q
    std::thread::sleep(diglot::app::SAVE_PAUSE);
    let effects = app.update(Msg::Tick);
    assert!(effects.contains(&Effect::SaveState), "{effects:?}");
    app.perform(effects);
    drop(app); // the window closed: no q

    let mut app = open();
    assert_eq!(app.view, view, "the same view");
    assert_eq!(app.reader.path, path, "the same article");
    assert_eq!(app.reader.top, top, "the same row");
    // changing article saves the place in the one left
    let effects = app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char(']'), KeyModifiers::NONE))));
    assert!(effects.is_empty(), "saving and reading were done: {effects:?}");
    let effects = app.update(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char(']'), KeyModifiers::NONE))));
    assert!(effects.contains(&Effect::SaveState), "{effects:?}");
}

// ---------------------------------------------------------------------------------------------
// Words, status and help

/// Issue 11 item 17: "1 article"; the sort said once; no articles on this day.
#[test]
fn words_in_the_status_bar() {
    let dir = common::tempdir();
    common::write_files(dir.path(), &[("a.md", long_article("Only", "1958-08-01", 1, 2).as_bytes())]);
    let mut app = dir_app(120, 35, dir.path());
    let s = status(&app);
    assert!(s.contains("1 article ") || s.contains("1 article·") || s.contains(" 1 article"), "{s}");
    assert!(!s.contains("1 articles"), "{s}");
    ch(&mut app, 'S');
    let s = status(&app);
    assert_eq!(s.matches("date↓").count(), 1, "the sort said once: {s}");
    ch(&mut app, 'S');
    ch(&mut app, 'S');
    ch(&mut app, 't');
    let t = diglot::app::today();
    if !(t.month == 8 && t.day == 1) {
        let want = format!("no articles on this day ({:02}-{:02})", t.month, t.day);
        assert_eq!(app.message.as_deref(), Some(want.as_str()));
    }
}

/// Issue 11 item 18: the reader's progress, and key hints from the key map in force.
#[test]
fn status_shows_progress_and_the_keys_in_force() {
    let dir = long_dir();
    let mut app = dir_app(120, 35, dir.path());
    let cfg = diglot::config::Config::parse("[keys]\nquit = [\"Q\"]\nhelp = [\"F1\"]\n", Path::new("c.toml"))
        .unwrap();
    app.configure(&cfg);
    let s = status(&app);
    assert!(s.contains("Q quit") && s.contains("F1 help"), "{s}");
    assert!(!s.contains("q quit") && !s.contains("? help"), "{s}");
    key(&mut app, KeyCode::Enter);
    let first = diglot::ui::reading_progress(&app).expect("a progress");
    assert!(status(&app).contains(&format!("{first}%")), "{}", status(&app));
    key(&mut app, KeyCode::PageDown);
    let second = diglot::ui::reading_progress(&app).unwrap();
    assert!(second > first, "{first} -> {second}");
    ch(&mut app, 'G');
    assert_eq!(diglot::ui::reading_progress(&app), Some(100));
}

/// Issue 11 item 15: `d` says where it landed; newest-first lands on page 1 of the day.
#[test]
fn the_date_jump_says_where_it_landed() {
    let dir = long_dir();
    let mut app = dir_app(120, 35, dir.path());
    ch(&mut app, 'd');
    typed(&mut app, "1958-08-03");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.selected().unwrap().title_en(), "Third");
    let m = app.message.clone().unwrap_or_default();
    assert!(m.contains("1958-08-03") && m.contains("1958-08-05"), "{m}");
    assert!(status(&app).contains("landed on 1958-08-05"), "{}", status(&app));
    ch(&mut app, 'S');
    assert_eq!(app.sort, SortOrder::DateDesc);
    ch(&mut app, 'd');
    typed(&mut app, "1958-08-01");
    key(&mut app, KeyCode::Enter);
    let m = app.selected().unwrap();
    assert_eq!((m.title_en(), m.page_string()), ("First", "1".to_string()), "page 1 of the day");
}

/// Issue 11 item 13 and 20: the help at 60x20 is readable (scrolled, no entry cut), and says
/// what the list marks, the search syntax and "realigned" mean, and how to select text.
#[test]
fn the_help_is_readable_at_60x20() {
    for (w, h) in [(60, 20), (80, 24), (120, 35)] {
        let mut app = seed_app(w, h);
        ch(&mut app, '?');
        let mut seen = String::new();
        // scroll to the end: until a `j` shows nothing new (the help grows with the actions)
        let mut last = String::new();
        for _ in 0..500 {
            let screen = buffer_text(&render(&app));
            if screen == last {
                break;
            }
            seen.push_str(&screen);
            last = screen;
            ch(&mut app, 'j');
            assert!(matches!(app.mode, Mode::Help { .. }), "j scrolls, does not close");
        }
        for b in &app.keymap.bindings {
            assert!(seen.contains(b.help), "{w}x{h}: {:?} cut or missing", b.help);
        }
        for needle in ["bookmarked", "read", "'word", "^word", "word$", "!word", "realigned", "Shift-drag"] {
            assert!(seen.contains(needle), "{w}x{h}: {needle} missing");
        }
        ch(&mut app, 'x');
        assert_eq!(app.mode, Mode::Browse);
    }
}

/// Issue 15: the help names the full-text query language and the keys the timeline and the
/// concordance take once open (←/→ Enter Esc; s Enter o), whole at 60x20 too.
#[test]
fn the_help_names_the_query_language_and_the_chart_and_concordance_keys() {
    for (w, h) in [(60, 20), (100, 30)] {
        let mut app = seed_app(w, h);
        ch(&mut app, '?');
        let (mut seen, mut last) = (String::new(), String::new());
        for _ in 0..500 {
            let screen = buffer_text(&render(&app));
            if screen == last {
                break;
            }
            seen.push_str(&screen);
            last = screen;
            ch(&mut app, 'j');
        }
        for needle in [
            "\"a phrase\" OR -not NEAR/5",
            "title: author: page:1..4 date:1958-08",
            "T ←/→ Enter",
            "timeline: narrow to a year; Esc widens",
            "K s Enter o",
            "concordance: sort, pair, open at hit",
        ] {
            assert!(seen.contains(needle), "{w}x{h}: {needle} missing or cut");
        }
    }
}

/// Issue 11 item 20: a key toggles mouse capture (an effect the terminal loop carries out).
#[test]
fn a_key_toggles_the_mouse() {
    let mut app = seed_app(80, 24);
    assert_eq!(ch(&mut app, 'M'), vec![Effect::Mouse(false)]);
    assert!(app.message.as_deref().unwrap_or("").contains("mouse off"));
    assert_eq!(ch(&mut app, 'M'), vec![Effect::Mouse(true)]);
}

/// Issue 12 item 17: a mistyped PATH is named in the status bar, and a long message can be
/// read whole in the message log.
#[test]
fn a_mistyped_path_is_named_and_the_log_keeps_long_messages() {
    let dir = long_dir();
    let missing = dir.path().join("no-such-folder");
    let app = App::with_loaded((120, 35), load_paths(&[dir.path().to_path_buf(), missing.clone()]));
    let s = status(&app);
    assert!(s.contains("no-such-folder"), "{s}");
    assert!(!s.contains("errors (diglot check)"), "{s}");

    let mut app = seed_app(60, 20);
    ch(&mut app, 'd');
    let long = "1958-".repeat(20);
    app.feed(Msg::Term(Event::Paste(long)));
    key(&mut app, KeyCode::Enter);
    let msg = app.message.clone().expect("a complaint");
    assert!(diglot::text::width(&msg) > 60, "{msg}");
    ch(&mut app, 'L');
    assert!(matches!(app.mode, Mode::Log { .. }));
    let text = buffer_text(&render(&app))
        .split('\n')
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<String>();
    let want: String = diglot::text::sanitize(&msg).chars().filter(|c| *c != ' ').collect();
    let got: String = text.chars().filter(|c| *c != ' ').collect();
    assert!(got.contains(&want), "the whole message is in the log:\n{text}");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
}

/// Issue 11 item 12: the glossary panel says more entries follow, and scrolls to them.
#[test]
fn the_glossary_panel_scrolls_and_says_more_follow() {
    let dir = common::tempdir();
    let mut text = long_article("Glossed", "1946-05-15", 4, 3);
    let mut gloss = String::from("**Named Entities**\n\n");
    for i in 0..18 {
        gloss.push_str(&format!("词条{i}号\tCíti {i} hào (Entry number {i} of the glossary)\n"));
    }
    gloss.push('\n');
    let at = text.find("<hr />").unwrap();
    text.insert_str(at, &gloss);
    common::write_files(dir.path(), &[("g.md", text.as_bytes())]);
    for (w, h) in [(80, 24), (120, 35)] {
        let mut app = dir_app(w, h, dir.path());
        key(&mut app, KeyCode::Enter);
        ch(&mut app, 'e');
        assert_eq!(app.reader.article.as_ref().unwrap().glossary.len(), 18);
        let screen = buffer_text(&render(&app));
        assert!(
            screen.contains("more ( )") || screen.contains("more: ( ) scroll"),
            "{w}x{h}: no sign of the rest:\n{screen}"
        );
        assert!(!screen.contains("词条17号"), "{w}x{h}");
        for _ in 0..40 {
            ch(&mut app, ')');
        }
        let screen = buffer_text(&render(&app));
        assert!(screen.contains("词条17号"), "{w}x{h}:\n{screen}");
        assert!(!screen.contains("more ( )") || screen.contains("more: ( ) scroll"), "{w}x{h}");
        ch(&mut app, '(');
        assert!(app.gloss_scroll > 0);
    }
}

/// Issue 11 item 10 and item 6: the sort order, the hidden list, the glossary panel and the
/// focused pane come back after a restart with the article; a reader who left from the list
/// comes back to the list.
#[test]
fn sort_hidden_list_glossary_and_focus_survive_a_restart() {
    let dir = long_dir();
    let state_dir = common::tempdir();
    let paths = vec![dir.path().to_path_buf()];
    let open = || {
        let mut app = App::with_loaded((100, 30), load_paths(&paths));
        let (st, msg) = State::load(state_dir.path());
        app.attach_state(st, Some(state_dir.path().to_path_buf()), &paths, msg);
        app.feed(Msg::LoadDone);
        app.prepare();
        app
    };
    let mut app = open();
    assert_eq!((app.sort, app.zoom, app.glossary, app.focus), (SortOrder::Date, false, false, Focus::List));
    ch(&mut app, 'S'); // newest first
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'e');
    ch(&mut app, 'z');
    let path = app.reader.path.clone();
    let effects = ch(&mut app, 'q');
    assert!(effects.contains(&Effect::Quit), "{effects:?}");
    app.save_now().unwrap();
    drop(app);

    let mut app = open();
    assert_eq!(app.sort, SortOrder::DateDesc, "the sort");
    assert!(app.zoom, "the list hidden");
    assert!(app.glossary, "the glossary panel");
    assert_eq!(app.focus, Focus::Reader, "the reader focused");
    assert_eq!(app.reader.path, path, "the same article");
    app.check_invariants().unwrap();
    // back to the list, the panel closed, the default sort: so on the next start
    ch(&mut app, 'z');
    ch(&mut app, 'e');
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'S');
    ch(&mut app, 'S');
    assert_eq!((app.sort, app.focus), (SortOrder::Date, Focus::List));
    ch(&mut app, 'q');
    app.save_now().unwrap();
    drop(app);
    let app = open();
    assert_eq!((app.sort, app.zoom, app.glossary, app.focus), (SortOrder::Date, false, false, Focus::List));
    assert_eq!(app.reader.path, path, "the same article");
}

/// Issue 12 item 15: when an article is opened its list entry is brought up to date with
/// what was read (here the file's title changed after the list was loaded).
#[test]
fn opening_an_article_refreshes_its_list_entry() {
    let dir = long_dir();
    let mut app = dir_app(100, 30, dir.path());
    let file = dir.path().join("a/2.md");
    assert!(app.articles.iter().any(|m| m.path() == file && m.title_en() == "Second"));
    std::fs::write(&file, long_article("Renamed", "1958-08-01", 2, 30)).unwrap();
    ch(&mut app, 'j');
    assert_eq!(app.reader.path.as_deref(), Some(file.as_path()));
    let entry = app.articles.iter().find(|m| m.path() == file).unwrap();
    assert_eq!(entry.title_en(), "Renamed", "the list entry follows the file read");
}

/// Found by the model test (seed, `/`, resize to 90x22, a click at (37, 0)): a click in the
/// reader while the title search prompt is open moved the focus to the reader under the
/// prompt (mode TitleSearch with focus Reader). The prompt keeps its pane; the same for the
/// in-article search and a click in the list.
#[test]
fn a_click_in_the_other_pane_leaves_an_open_prompt_its_pane() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let click = |app: &mut App, column: u16, row: u16| {
        let m = MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        };
        app.feed(Msg::Term(Event::Mouse(m)));
        app.check_invariants().unwrap_or_else(|e| panic!("after a click at ({column}, {row}): {e}"));
    };
    let mut app = seed_app(90, 22);
    ch(&mut app, '/');
    assert_eq!((app.mode.clone(), app.focus), (Mode::TitleSearch, Focus::List));
    let r = app.areas().reader;
    click(&mut app, r.x + 2, r.y);
    assert_eq!((app.mode.clone(), app.focus), (Mode::TitleSearch, Focus::List));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, '/');
    assert_eq!((app.mode.clone(), app.focus), (Mode::Find, Focus::Reader));
    let l = app.areas().list;
    click(&mut app, l.x + 1, l.y);
    assert_eq!((app.mode.clone(), app.focus), (Mode::Find, Focus::Reader));
}

/// A save that fails is said in the status bar and kept in the message log (`L`), as every
/// message is: the effect runner reports it through the app (here the state folder is a file).
#[test]
fn a_failed_save_is_said_and_logged() {
    let dir = long_dir();
    let blocker = common::tempdir();
    let not_a_dir = blocker.path().join("state-is-a-file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let paths = vec![dir.path().to_path_buf()];
    let mut app = App::with_loaded((100, 30), load_paths(&paths));
    app.attach_state(State::default(), Some(not_a_dir), &paths, None);
    app.feed(Msg::LoadDone);
    app.prepare();
    key(&mut app, KeyCode::Enter); // marks it read: a save
    let said = app.message.clone().unwrap_or_default();
    assert!(said.starts_with("could not save the reading state"), "{said}");
    assert!(app.log.iter().any(|m| m == &said), "{:?}", app.log);
}

/// A damaged state file is moved aside and the reader starts fresh, "saying so in the status
/// bar" (README); but the loader's line took the status bar at once (`checked 70 files: no
/// change` on a warm open, `skipped 2 files that are not articles…` on a cold one) and the
/// warning was in neither the status bar nor the message log (`L`): a reader whose marks
/// and bookmarks were just set aside was never told. Now the warning stays and the loader's
/// line goes to the log.
#[test]
fn a_damaged_state_files_warning_is_not_hidden_by_the_loaders_line() {
    let dir = long_dir();
    let paths = vec![dir.path().to_path_buf()];
    for warm in [true, false] {
        let state_dir = common::tempdir();
        std::fs::write(state_dir.path().join("state.json"), "{\"version\": 1, \"read\": [").unwrap();
        let (st, msg) = State::load(state_dir.path());
        assert!(msg.as_deref().is_some_and(|m| m.contains("moved to")), "{msg:?}");
        let mut app = App::new((100, 30));
        app.attach_state(st, Some(state_dir.path().to_path_buf()), &paths, msg);
        let loaded = load_paths(&paths);
        let outcomes = loaded.articles.into_iter().map(|m| corpus::Outcome::Article(Box::new(m), Vec::new()));
        let mut ev = corpus::LoadEvent { outcomes: outcomes.collect(), ..corpus::LoadEvent::default() };
        if warm {
            // the check of a warm open reports what it found
            ev.checked = Some(Box::new(corpus::load::IndexReport { reused: 4, ..Default::default() }));
        }
        app.feed(Msg::Loaded(ev));
        app.feed(Msg::Loaded(corpus::LoadEvent {
            outcomes: vec![corpus::Outcome::Skipped(dir.path().join("README.md"), "a README".into())],
            ..corpus::LoadEvent::default()
        }));
        app.feed(Msg::LoadDone);
        let m = app.message.clone().unwrap_or_default();
        assert!(m.starts_with("state file") && m.contains("starting fresh"), "warm {warm}: {m}");
        assert!(app.log.iter().any(|l| l.contains("moved to")), "warm {warm}: {:?}", app.log);
        let said = if warm { "checked " } else { "skipped " };
        assert!(app.log.iter().any(|l| l.starts_with(said)), "warm {warm}: {:?}", app.log);
    }
}

/// `d` then Enter with nothing typed (or spaces) said "not a date: `` (try 1958, …)"; an
/// empty date prompt now closes as Esc does, without a word, the selection kept.
#[test]
fn enter_on_an_empty_date_prompt_closes_it_without_a_complaint() {
    let dir = long_dir();
    let mut app = App::with_loaded((80, 24), load_paths(&[dir.path().to_path_buf()]));
    app.feed(Msg::LoadDone);
    ch(&mut app, 'j');
    app.message = None;
    for typed_first in ["", "  "] {
        ch(&mut app, 'd');
        assert!(matches!(app.mode, Mode::Date(_)));
        typed(&mut app, typed_first);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.mode, Mode::Browse);
        assert_eq!(app.message, None, "{typed_first:?}");
        assert_eq!(app.list.selected, 1);
    }
    // a date typed still goes there, a wrong one still says so
    ch(&mut app, 'd');
    typed(&mut app, "1958-13");
    key(&mut app, KeyCode::Enter);
    assert!(app.message.as_deref().unwrap_or("").starts_with("not a date"), "{:?}", app.message);
}

/// The odd collection of the cold/warm tests, under `dir`: its two roots (`a`, and `b` given
/// with a trailing `/`).
fn odd_collection(dir: &Path) -> Vec<std::path::PathBuf> {
    let (a, b) = (dir.join("a"), dir.join("b"));
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for k in 0..40u32 {
        let date = format!("1958-08-{:02}", 1 + k % 3);
        let where_ = if k % 2 == 0 { "a" } else { "b" };
        let text = long_article(&format!("Report {}", k % 9), &date, k % 4 + 1, 1);
        files.push((format!("{where_}/d{}/{k:02}.md", k % 5), text.into_bytes()));
    }
    let good = long_article("Same", "1958-08-02", 1, 1);
    files.push(("a/dup/one.md".into(), good.clone().into_bytes()));
    files.push(("b/dup/one.md".into(), good.clone().into_bytes()));
    files.push(("a/crlf.md".into(), good.replace('\n', "\r\n").into_bytes()));
    files.push(("a/bom.md".into(), format!("\u{feff}{good}").into_bytes()));
    let mut bad = good.clone().into_bytes();
    bad.extend_from_slice(b"\n\xff\xfe bytes\n");
    files.push(("a/bad-utf8.md".into(), bad));
    files.push(("a/ctl.md".into(), good.replace("Paragraph 0", "Para\u{1b}[31mgraph").into_bytes()));
    files.push((
        "b/sub.md".into(),
        good.replace("### Same标题\n", "### Same标题\n## 副标题\n").replace("Same", "Subtitled").into_bytes(),
    ));
    files.push(("a/damaged.md".into(), b"Title: Damaged\nDate: 1989-13-45\nPage: x\n".to_vec()));
    files.push(("a/no-date.md".into(), b"Title: No date\n\nText.\n".to_vec()));
    files.push(("a/README.md".into(), b"# not an article\n".to_vec()));
    files.push(("b/empty.md".into(), Vec::new()));
    files.push(("b/binary.bin".into(), vec![0, 159, 146, 150, 0, 1, 2]));
    files.push(("b/x.js".into(), b"var a = 1;\n".to_vec()));
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (p.as_str(), t.as_slice())).collect();
    common::write_files(dir, &refs);
    vec![a, std::path::PathBuf::from(format!("{}/", b.display()))]
}

/// Issue 14 item 3: a cold open's batches carry their articles as catalog rows (written on
/// the loader threads, appended by the list as they are). The list they make, its counts and
/// its title search are the ones a warm open on the index they wrote makes, and the ones the
/// articles' metadata sorted makes (`load_paths`, which parses the same files without rows),
/// on a collection of odd files: damaged, duplicated, CRLF, a BOM, bad UTF-8, control
/// characters, a subtitle, not articles, two roots (one given with a trailing `/`).
#[test]
fn a_cold_open_lists_what_a_warm_open_and_the_parsed_metadata_list() {
    let dir = common::tempdir();
    let roots = odd_collection(dir.path());
    let cache = dir.path().join("cache");

    let open = |want_rows: bool| {
        let mut app = App::new((80, 24));
        let events = std::sync::Mutex::new(Vec::new());
        let mut idx = corpus::load::load_stream_indexed_shared(
            &roots,
            4,
            Some(&cache),
            &|ev| events.lock().unwrap().push(ev),
            &|| false,
        );
        let events = events.into_inner().unwrap();
        let rows = events.iter().filter(|e| e.rows.is_some()).count();
        assert_eq!(rows > 0, want_rows, "rows only from a cold open");
        for ev in events {
            app.feed(Msg::Loaded(ev));
        }
        app.feed(Msg::LoadDone);
        // a cold open's index takes the pinyin the title search made and the articles' rows
        // from the list (as the reader's does)
        let titles = app.search_titles();
        idx.save_shared(Some(app.parsed_catalog()), &|cat, at, out| titles.write_search_data(cat, at, out))
            .unwrap();
        app.wait_search(Duration::from_secs(5));
        app.feed(Msg::SearchReady);
        app.check_invariants().unwrap();
        app
    };
    let list = |app: &App| app.articles.iter().map(|m| m.to_meta()).collect::<Vec<_>>();
    let mut cold = open(true);
    let mut warm = open(false);
    let parsed = load_paths(&roots);
    assert_eq!(list(&cold), parsed.articles, "cold: the parsed metadata, sorted");
    assert_eq!(list(&warm), parsed.articles, "warm: the same");
    assert_eq!(cold.summary.articles, parsed.summary.articles);
    assert_eq!(cold.summary.skipped_by, parsed.summary.skipped_by);
    assert_eq!(
        (cold.summary.warnings, cold.summary.errors),
        (parsed.summary.warnings, parsed.summary.errors)
    );
    assert_eq!(
        (warm.summary.warnings, warm.summary.errors),
        (parsed.summary.warnings, parsed.summary.errors)
    );
    assert!(cold.summary.skipped >= 4 && parsed.articles.len() >= 48, "{:?}", cold.summary);
    // the title search finds the same articles (its ids are the list's: checked above),
    // by pinyin too (a cold open's loader sends its titles without: the search makes it)
    let find = |app: &mut App, q: &str| {
        key(app, KeyCode::Char('/'));
        typed(app, q);
        app.wait_search(Duration::from_secs(5));
        app.feed(Msg::SearchReady);
        let shown: Vec<String> = (0..app.shown_len())
            .filter_map(|i| app.articles.get(app.shown(i)?))
            .map(|m| m.title_en().to_string())
            .collect();
        key(app, KeyCode::Esc);
        shown
    };
    let (c, w) = (find(&mut cold, "subtitled"), find(&mut warm, "subtitled"));
    assert_eq!(c, ["Subtitled"]);
    assert_eq!(w, c);
    // (the same hits; ties of score and date in the order of the ids, which are the load's
    // order on a cold open and the collection's on a warm one)
    for q in ["report 3", "biaoti", "sbt", "bt", "rbt", "same"] {
        let (mut c, mut w) = (find(&mut cold, q), find(&mut warm, q));
        assert!(!c.is_empty(), "{q}");
        c.sort();
        w.sort();
        assert_eq!(w, c, "{q}");
    }
}

/// Session 14: a cold open's title index written from the list's catalog (the loader keeps
/// no copy of the articles' rows: `load_stream_indexed_shared`, `IndexedLoad::save_shared`)
/// is the file the index that appended every row itself writes (`load_stream_indexed`,
/// `save_with`), byte for byte but for the checksum and the load's start time (one loader
/// thread: the rows come in the same order in both loads); a list that does not hold the
/// articles sent writes nothing.
#[test]
fn a_cold_index_written_from_the_lists_rows_is_the_one_written_from_its_own() {
    let dir = common::tempdir();
    let roots = odd_collection(dir.path());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    // (cache, shared): the index file written
    let cold = |cache: &Path, shared: bool, feed: usize| {
        let mut app = App::new((80, 24));
        let events = std::sync::Mutex::new(Vec::new());
        let sink = |ev| events.lock().unwrap().push(ev);
        let mut idx = pool.install(|| {
            if shared {
                corpus::load::load_stream_indexed_shared(&roots, 4, Some(cache), &sink, &|| false)
            } else {
                corpus::load::load_stream_indexed(&roots, 4, Some(cache), &sink, &|| false)
            }
        });
        let events = events.into_inner().unwrap();
        assert!(events.iter().filter(|e| e.rows.is_some()).count() > 3, "a cold open, several batches");
        for ev in events.into_iter().take(feed) {
            app.feed(Msg::Loaded(ev));
        }
        app.feed(Msg::LoadDone);
        let titles = app.search_titles();
        let write = |cat, at, out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>| {
            titles.write_search_data(cat, at, out)
        };
        let wrote =
            if shared { idx.save_shared(Some(app.parsed_catalog()), &write) } else { idx.save_with(&write) };
        let file = idx.report.file.clone().unwrap();
        (wrote.ok(), std::fs::read(&file).ok())
    };
    let (own, own_file) = cold(&dir.path().join("own"), false, usize::MAX);
    let (list, list_file) = cold(&dir.path().join("list"), true, usize::MAX);
    assert_eq!((own, list), (Some(true), Some(true)));
    let (own_file, list_file) = (own_file.unwrap(), list_file.unwrap());
    assert_eq!(own_file.len(), list_file.len());
    // the header's checksum (bytes 24..32) and the payload's start time (16 bytes after the
    // parser's fingerprint) differ from load to load
    let start = corpus::index::HEADER_LEN + 8;
    let differ: Vec<usize> = (0..own_file.len()).filter(|&i| own_file[i] != list_file[i]).collect();
    assert!(
        differ.iter().all(|&i| (24..32).contains(&i) || (start..start + 16).contains(&i)),
        "{} bytes of {} differ, from {:?}",
        differ.len(),
        own_file.len(),
        &differ[..differ.len().min(24)]
    );
    // a list that misses a batch: nothing written
    let (missed, file) = cold(&dir.path().join("missed"), true, 4);
    assert_eq!((missed, file), (None, None));
}

/// Session 15: an article the reader opens during a cold open, whose file changed after the
/// loader read it, has its list row brought up to date (a row appended to the list's catalog
/// among the load's). The title index is still written from the list (it refused it: no
/// index, and the next open was cold again), the same file as from the list without that
/// row: the loader's record with the loader's stamp, so that the next open's check reads the
/// file again and lists it as it is now.
#[test]
fn a_cold_index_is_written_when_an_article_read_during_the_load_changed() {
    let dir = common::tempdir();
    let roots = odd_collection(dir.path());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let load = |cache: &Path| {
        let events = std::sync::Mutex::new(Vec::new());
        let sink = |ev| events.lock().unwrap().push(ev);
        let idx = pool
            .install(|| corpus::load::load_stream_indexed_shared(&roots, 4, Some(cache), &sink, &|| false));
        (idx, events.into_inner().unwrap())
    };
    // two cold loads of the same files (the one with the change, the one without)
    let (mut idx, events) = load(&dir.path().join("changed"));
    let (mut same_idx, same_events) = load(&dir.path().join("same"));
    let half = events.len() / 2;
    assert!(half >= 3, "several batches");
    let save = |app: &App, idx: &mut corpus::load::IndexedLoad| {
        let titles = app.search_titles();
        let write = |cat, at, out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>| {
            titles.write_search_data(cat, at, out)
        };
        let wrote = idx.save_shared(Some(app.parsed_catalog()), &write);
        let file = idx.report.file.clone().unwrap();
        (wrote.ok(), std::fs::read(&file).ok())
    };

    // half the batches listed, an article opened, its file changed, opened again
    let mut app = App::new((80, 24));
    let mut events = events.into_iter();
    for ev in events.by_ref().take(half) {
        app.feed(Msg::Loaded(ev));
    }
    // (merged as a large load's are every 4,096 articles or more)
    app.merge_pending();
    ch(&mut app, 'j');
    let file = app.reader.path.clone().expect("an article opened");
    let was = app.articles.iter().find(|m| m.path() == file).unwrap().title_en().to_string();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen(&format!("Title: {was}"), "Title: Refreshed", 1)).unwrap();
    ch(&mut app, 'k');
    ch(&mut app, 'j');
    assert_eq!(app.reader.path.as_deref(), Some(file.as_path()));
    let rows = app.parsed_catalog().len();
    for ev in events {
        app.feed(Msg::Loaded(ev));
    }
    app.feed(Msg::LoadDone);
    assert!(app.parsed_catalog().len() > rows, "rows appended after the refreshed one");
    let titles: Vec<String> =
        app.articles.iter().filter(|m| m.path() == file).map(|m| m.title_en().to_string()).collect();
    assert_eq!(titles, ["Refreshed"], "the list shows the file as it is");
    let (wrote, written) = save(&app, &mut idx);
    assert_eq!(wrote, Some(true), "the index is written");

    let mut same = App::new((80, 24));
    for ev in same_events {
        same.feed(Msg::Loaded(ev));
    }
    same.feed(Msg::LoadDone);
    let (_, same_written) = save(&same, &mut same_idx);
    let (written, same_written) = (written.unwrap(), same_written.unwrap());
    assert_eq!(written.len(), same_written.len());
    let start = corpus::index::HEADER_LEN + 8;
    let differ: Vec<usize> = (0..written.len()).filter(|&i| written[i] != same_written[i]).collect();
    assert!(
        differ.iter().all(|&i| (24..32).contains(&i) || (start..start + 16).contains(&i)),
        "{} bytes differ from the index of the list without the refreshed row",
        differ.len()
    );

    // the next open is warm: its check reads the changed file again and lists it as it is
    let events = std::sync::Mutex::new(Vec::new());
    let warm = corpus::load::load_stream_indexed(
        &roots,
        4,
        Some(&dir.path().join("changed")),
        &|ev| events.lock().unwrap().push(ev),
        &|| false,
    );
    assert_eq!(warm.report.rebuilt, None, "warm");
    assert_eq!(warm.report.changed, 1, "{:?}", warm.report);
    let mut next = App::new((80, 24));
    for ev in events.into_inner().unwrap() {
        next.feed(Msg::Loaded(ev));
    }
    next.feed(Msg::LoadDone);
    let titles: Vec<String> =
        next.articles.iter().filter(|m| m.path() == file).map(|m| m.title_en().to_string()).collect();
    assert_eq!(titles, ["Refreshed"]);
}
