//! Fuzz target: the whole load of a byte buffer. The bytes become a file in a folder; the
//! folder is loaded as `diglot` loads it, checked (`check`, `list`, `show`), and opened in the
//! app, which is driven by a few keys and drawn at a fuzzed size.
//!
//! Input: byte 0 and 1 are the width and height (mod 160, 60), byte 2 the number of keys (mod 10) that
//! follow, one byte each; the rest is the file.
#![no_main]

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use diglot::app::{App, Focus, Msg};
use diglot::cli::{Format, Lang};
use diglot::corpus::{self, Parsed};
use libfuzzer_sys::fuzz_target;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::sync::OnceLock;

mod common;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
}

const KEYS: [KeyCode; 24] = [
    KeyCode::Char('j'),
    KeyCode::Char('k'),
    KeyCode::Char(' '),
    KeyCode::PageUp,
    KeyCode::Char('g'),
    KeyCode::Char('G'),
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Tab,
    KeyCode::Char('['),
    KeyCode::Char(']'),
    KeyCode::Char('v'),
    KeyCode::Char('}'),
    KeyCode::Char('{'),
    KeyCode::Char('s'),
    KeyCode::Char('e'),
    KeyCode::Char('/'),
    KeyCode::Char('a'),
    KeyCode::Char('n'),
    KeyCode::Char('N'),
    KeyCode::Char('z'),
    KeyCode::Char('?'),
    KeyCode::Backspace,
    KeyCode::End,
];

fn no_controls(what: &str, out: &[u8]) {
    let s = String::from_utf8_lossy(out);
    for line in s.split('\n') {
        // `list` separates its fields with tabs: the only control character allowed
        common::assert_terminal_safe(what, &line.replace('\t', " "));
    }
}

fn draw(app: &mut App) {
    app.prepare();
    let (w, h) = app.size;
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    diglot::ui::render(app, area, &mut buf);
    for cell in buf.content() {
        common::assert_terminal_safe("screen", cell.symbol());
    }
    let n = app.articles.len();
    assert!((n == 0 && app.list.selected == 0) || app.list.selected < n, "selection out of range");
    assert!(app.list.offset <= app.list.selected, "list offset past the selection");
    if app.articles.is_empty() {
        assert_eq!(app.focus, Focus::List);
    }
    let rows = app.reader.layout.rows.len();
    assert!(app.reader.top_row() <= rows, "reader top past the end");
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (w, h) = (u16::from(data[0] % 160) + 1, u16::from(data[1] % 60) + 1);
    let nkeys = usize::from(data[2] % 10).min(data.len() - 3);
    let keys = &data[3..3 + nkeys];
    let file = &data[3 + nkeys..];

    let dir = dir().path().to_path_buf();
    let path = dir.join("a.md");
    std::fs::write(&path, file).expect("write the input");
    let roots = [dir.clone()];

    let loaded = corpus::load_paths(&roots);
    let s = &loaded.summary;
    match corpus::parse_bytes(&path, file) {
        Parsed::Article(a) => {
            common::check_article(file, &a);
            assert_eq!((s.articles, s.skipped), (1, 0));
            assert_eq!(loaded.articles[0], a.meta);
            let diags: Vec<_> = loaded.diagnostics.iter().map(|(_, d)| d.clone()).collect();
            assert_eq!(diags, a.diagnostics);
        }
        Parsed::NotArticle(_) => assert_eq!((s.articles, s.skipped, s.errors), (0, 1, 0)),
    }

    let mut out = Vec::new();
    diglot::commands::check(&roots, true, &mut out).expect("check");
    no_controls("check", &out);
    if s.articles == 1 {
        for lang in [Lang::Both] {
            out.clear();
            let p = path.to_string_lossy();
            diglot::commands::show(&p, &roots, lang, w, Format::Text, &mut out).expect("show");
            no_controls("show", &out);
            for line in String::from_utf8_lossy(&out).lines() {
                assert!(diglot::text::width(line) <= usize::from(w), "show: line wider than {w}: {line:?}");
            }
        }
    }

    if s.articles == 1 {
        out.clear();
        let p = path.to_string_lossy();
        diglot::commands::show(&p, &roots, Lang::Both, w, Format::Markdown, &mut out).expect("markdown");
        no_controls("show --format markdown", &out);
    }

    let mut app = App::with_loaded((w, h), loaded);
    draw(&mut app);
    for &k in keys {
        let code = KEYS[usize::from(k) % KEYS.len()];
        let mods = if k >= 0xf0 { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
        let code = if k >= 0xf0 { KeyCode::Char(['d', 'u', 'f', 'b'][usize::from(k) % 4]) } else { code };
        app.update(Msg::Term(Event::Key(KeyEvent::new(code, mods))));
        draw(&mut app);
    }
    // a resize to another size, then back
    app.update(Msg::Term(Event::Resize(h.max(1), w)));
    draw(&mut app);
});
