//! The sentence cursor of issue 16 in the reader: `x` highlights a sentence and its
//! counterpart in the other language, `(` / `)` move it across paragraph pairs and scroll,
//! Esc leaves, a resize keeps the sentence in sight; drawn at 60x20, 80x24 and 120x35.

// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::render;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use diglot::app::{App, Effect, Focus, Msg};
use diglot::corpus::load_paths;
use diglot::layout::View;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

const ARTICLE: &str = include_str!("fixtures/sentences_ui.md");

/// The fixture's sentences in reading order, each English one with the Chinese it
/// translates (four paragraph pairs: 3, 3, 3 and 2 sentences).
const SENTENCES: [(&str, &str); 11] = [
    (
        "In 1955 the workers of the Fourth Engineering Bureau began a new bridge over the Huai River.",
        "一九五五年，第四工程局的工人开始修建淮河上的一座新桥。",
    ),
    ("They finished it forty days ahead of schedule.", "他们提前四十天完成了工程。"),
    ("The bridge is three hundred metres long.", "这座桥长三百公尺。"),
    ("The bridge carries both the railway and the highway.", "这座桥上既通铁路，也通公路。"),
    (
        "Trains crossed it for the first time on the twelfth of December.",
        "十二月十二日，火车第一次从桥上开过。",
    ),
    ("Thousands of peasants came to watch.", "成千上万的农民赶来观看。"),
    ("Engineers from Shanghai helped to design the piers.", "上海的工程师帮助设计了桥墩。"),
    (
        "Each pier rests on twenty-four concrete piles driven deep into the river bed.",
        "每个桥墩都立在二十四根打入河床深处的混凝土桩上。",
    ),
    ("The design was checked twice before work began.", "设计在开工前经过了两次审查。"),
    ("The workers now move on to a second bridge, upstream.", "工人们现在转到上游去修建第二座桥。"),
    ("It will be finished by the end of 1956.", "这座桥将在一九五六年底完成。"),
];

/// Where each sentence is: (paragraph pair from 1, sentence in it from 1, sentences in it).
fn place(k: usize) -> (usize, usize, usize) {
    match k {
        0..=2 => (1, k + 1, 3),
        3..=5 => (2, k - 2, 3),
        6..=8 => (3, k - 5, 3),
        _ => (4, k - 8, 2),
    }
}

const SIZES: [(u16, u16); 3] = [(60, 20), (80, 24), (120, 35)];

fn key(app: &mut App, code: KeyCode) {
    app.feed(Msg::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    app.prepare();
    app.check_invariants().unwrap_or_else(|e| panic!("after {code:?}: {e}"));
}

fn ch(app: &mut App, c: char) {
    key(app, KeyCode::Char(c));
}

/// The app on the fixture, the reader focused and full width, in `view`.
fn app_on(w: u16, h: u16, view: View) -> (App, tempfile::TempDir) {
    let dir = common::tempdir();
    common::write_files(dir.path(), &[("a.md", ARTICLE.as_bytes())]);
    let mut app = App::with_loaded((w, h), load_paths(&[dir.path().to_path_buf()]));
    app.prepare();
    app.view = view;
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'z');
    assert!(app.reader.article.is_some(), "the article is read");
    (app, dir)
}

/// The text drawn in reverse video in the reader (the status bar, also reversed, left out),
/// row by row: its English letters and its Chinese characters apart, without spaces.
fn reversed(buf: &Buffer) -> (String, String) {
    let (mut en, mut zh) = (String::new(), String::new());
    for y in 0..buf.area.height - 1 {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            if !c.modifier.contains(Modifier::REVERSED) {
                continue;
            }
            for ch in c.symbol().chars().filter(|c| !c.is_whitespace()) {
                if ch.is_ascii() {
                    en.push(ch);
                } else {
                    zh.push(ch);
                }
            }
        }
    }
    (en, zh)
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn status(buf: &Buffer) -> String {
    common::row_text(buf, buf.area.height - 1, 0, buf.area.width)
}

/// Sentence `k` and its counterpart are what is highlighted, whole (so on screen), and the
/// status bar says where the cursor is; in view English only the English.
fn assert_on(app: &App, k: usize, ctx: &str) {
    let buf = render(app);
    let (en, zh) = reversed(&buf);
    let (want_en, want_zh) = SENTENCES[k];
    assert_eq!(en, squeeze(want_en), "{ctx}: English of sentence {k}");
    let want_zh = if app.reader.layout.view == View::English { String::new() } else { squeeze(want_zh) };
    assert_eq!(zh, want_zh, "{ctx}: Chinese of sentence {k}");
    let (para, s, n) = place(k);
    let bar = status(&buf);
    // (a narrow status bar is cut before it)
    if app.size.0 >= 60 {
        assert!(bar.contains(&format!("sentence {s}/{n} · ¶ {para}/4")), "{ctx}: status {bar:?}");
    }
}

#[test]
fn x_highlights_the_first_sentence_and_its_counterpart() {
    for (w, h) in SIZES {
        for view in [View::Both, View::Interleaved] {
            let (mut app, _dir) = app_on(w, h, view);
            let ctx = format!("{w}x{h} {view:?}");
            assert_eq!(reversed(&render(&app)), (String::new(), String::new()), "{ctx}: nothing before x");
            ch(&mut app, 'x');
            assert!(app.reader.sentence.is_some(), "{ctx}");
            assert_on(&app, 0, &ctx);
        }
    }
}

#[test]
fn parens_walk_every_sentence_across_pairs_and_scroll_to_it() {
    for (w, h) in SIZES {
        for view in [View::Both, View::Interleaved, View::English] {
            let (mut app, _dir) = app_on(w, h, view);
            let ctx = format!("{w}x{h} {view:?}");
            ch(&mut app, 'x');
            let top0 = app.reader.top_row();
            let mut scrolled = false;
            for k in 1..SENTENCES.len() {
                ch(&mut app, ')');
                assert_on(&app, k, &format!("{ctx} after {k} )"));
                scrolled |= app.reader.top_row() != top0;
            }
            // where the last sentence is below the first screen, `)` scrolled to it
            let c = app.reader.sentence.as_ref().unwrap();
            let last_row = c.segments(&app.reader.layout).iter().map(|g| g.row).max().unwrap();
            assert_eq!(
                scrolled,
                last_row >= usize::from(h) - 1,
                "{ctx}: scrolled, last sentence on row {last_row}"
            );
            // past the last sentence: it stays, and says so
            ch(&mut app, ')');
            assert_on(&app, SENTENCES.len() - 1, &ctx);
            assert_eq!(app.message.as_deref(), Some("this is the last sentence"), "{ctx}");
            for k in (0..SENTENCES.len() - 1).rev() {
                ch(&mut app, '(');
                assert_on(&app, k, &format!("{ctx} back to {k}"));
            }
        }
    }
}

#[test]
fn esc_leaves_the_cursor_and_then_the_reader() {
    for (w, h) in SIZES {
        let (mut app, _dir) = app_on(w, h, View::Both);
        ch(&mut app, 'x');
        ch(&mut app, ')');
        key(&mut app, KeyCode::Esc);
        assert!(app.reader.sentence.is_none());
        let buf = render(&app);
        assert_eq!(reversed(&buf), (String::new(), String::new()), "{w}x{h}: highlight gone");
        assert!(!status(&buf).contains("sentence"), "{w}x{h}");
        assert_eq!(app.focus, Focus::Reader, "the first Esc only leaves the cursor");
        // `x` toggles it too
        ch(&mut app, 'x');
        assert!(app.reader.sentence.is_some());
        ch(&mut app, 'x');
        assert!(app.reader.sentence.is_none());
        // with the cursor off, `)` is the glossary's again: nothing highlighted
        ch(&mut app, ')');
        assert_eq!(reversed(&render(&app)), (String::new(), String::new()));
    }
}

/// `q` leaves the sentence cursor as Esc does (it quit the reader), and says so in the
/// hint; from the reader, `q` quits.
#[test]
fn q_leaves_the_sentence_cursor_as_esc_does_then_quits() {
    let (mut app, _dir) = app_on(100, 30, View::Both);
    ch(&mut app, 'x');
    assert!(app.reader.sentence.is_some());
    assert!(status(&render(&app)).contains("q/Esc leave"), "{}", status(&render(&app)));
    let e = app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE))));
    assert!(!e.contains(&Effect::Quit) && !app.quit, "q quit from the sentence cursor");
    assert!(app.reader.sentence.is_none());
    assert_eq!(app.focus, Focus::Reader);
    let e = app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE))));
    assert!(e.contains(&Effect::Quit) || app.quit, "q from the reader quits");
}

#[test]
fn a_resize_keeps_the_sentence_highlighted_and_in_sight() {
    for view in [View::Both, View::Interleaved] {
        let (mut app, _dir) = app_on(120, 35, view);
        ch(&mut app, 'x');
        for _ in 0..7 {
            ch(&mut app, ')');
        }
        assert_on(&app, 7, "120x35");
        for (w, h) in [(60, 20), (80, 24), (45, 12), (120, 35)] {
            app.feed(Msg::Term(Event::Resize(w, h)));
            app.prepare();
            app.check_invariants().unwrap();
            assert_on(&app, 7, &format!("{view:?} resized to {w}x{h}"));
        }
        // a view change keeps it too
        ch(&mut app, 'v');
        assert_eq!(app.reader.layout.view, if view == View::Both { View::English } else { View::Both });
        assert_on(&app, 7, &format!("{view:?} then v"));
    }
}

#[test]
fn another_article_or_the_list_drops_the_cursor() {
    let (mut app, _dir) = app_on(80, 24, View::Both);
    ch(&mut app, 'x');
    // Tab to the list (the list is hidden: z shows it first)
    ch(&mut app, 'z');
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::List);
    assert!(app.reader.sentence.is_none(), "the cursor goes with the focus");
    // unlocked columns have no cursor
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 's');
    ch(&mut app, 'x');
    assert!(app.reader.sentence.is_none());
    assert!(status(&render(&app)).contains("needs the columns locked"), "{}", status(&render(&app)));
}
