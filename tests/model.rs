//! Every size and every key: a model-based property test drives the app with random key
//! sequences (every bound key, editing keys, random characters), pastes, mouse events and
//! resizes from 1x1 to 300x100, and checks after each step that nothing panics and that the
//! state's invariants hold: selection in range, scroll in range, focus valid, search rows in
//! range, the reader showing the selected article, and a screen with no control character and
//! nothing drawn over half of a double-width character.

// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use diglot::app::{App, Effect, Mode, Msg};
use diglot::corpus;
use diglot::keys::KeyMap;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use std::path::Path;
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthStr;

// ---------------------------------------------------------------------------------------------
// The collection

fn article(title: &str, date: &str, en: &[&str], zh: &[&str], glossary: bool) -> String {
    let mut s = format!("Title: {title}\nAuthor: Li Ming, Wang Fang\nDate: {date}\nPage: 2\n\n");
    for p in en {
        s.push_str(&format!("    {p}\n\n"));
    }
    if glossary {
        s.push_str(
            "**Named Entities**\n\n人民日报\tRénmín Rìbào (People's Daily)\n湘乡县\tXiāngxiāng County\n\n",
        );
    }
    s.push_str(&format!(
        "<hr /> \n\nOriginal: \n\n### {title}的中文标题\n李明　王芳\n{date}\n第2版(国际)\n专栏：\n\n"
    ));
    for p in zh {
        s.push_str(&format!("　　{p}\n"));
    }
    s
}

/// A small collection with every kind of article the reader meets: short and long, a
/// glossary, damaged, hostile text, wide characters; and a README that is not an article.
fn collection(dir: &Path) {
    let long_en: Vec<String> = (0..40)
        .map(|i| format!("Paragraph {i} of a long speech, with enough words to wrap over several rows at most widths of the reading pane."))
        .collect();
    let long_zh: Vec<String> = (0..37)
        .map(|i| format!("长篇讲话的第{i}段，有足够多的字在大多数宽度下换成几行，人民日报湘乡县。"))
        .collect();
    let long_en: Vec<&str> = long_en.iter().map(String::as_str).collect();
    let long_zh: Vec<&str> = long_zh.iter().map(String::as_str).collect();
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "1955/a.md",
            article("Short", "1955-01-03", &["One short paragraph."], &["一段短文。"], false).into_bytes(),
        ),
        ("1958/b.md", article("Long Speech", "1958-08-01", &long_en, &long_zh, true).into_bytes()),
        (
            "1960/c.md",
            article(
                "Wide 字 Text",
                "1960-11-13",
                &["Brief — “quoted” … ·", "Second"],
                &["３∶０【】《》“”……", "二", "三"],
                true,
            )
            .into_bytes(),
        ),
        (
            "1961/damaged.md",
            b"Title: Damaged\nDate: 1961-02-30\nPage: x\n\n    Cut off in the mid\xff".to_vec(),
        ),
        (
            "1962/hostile.md",
            article(
                "Hostile \x1b]0;t\x07\u{202e}",
                "1962-01-01",
                &["a\x1b[2J\u{9b}b 👨\u{200d}👩\u{200d}👧 e\u{301}"],
                &["中\x07文"],
                false,
            )
            .into_bytes(),
        ),
        (
            "1963/no_chinese.md",
            b"Title: No Chinese\nDate: 1963-01-01\nPage: 1\n\n    English only.\n".to_vec(),
        ),
        ("README.md", b"# not an article\n".to_vec()),
    ];
    for (rel, bytes) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Steps

#[derive(Debug, Clone)]
enum Step {
    Key(KeyCode, KeyModifiers),
    Resize(u16, u16),
    Paste(String),
    Mouse(MouseEventKind, u16, u16),
}

/// Every key bound in the default key map.
fn bound_keys() -> Vec<(KeyCode, KeyModifiers)> {
    KeyMap::default().bindings.iter().flat_map(|b| b.keys.iter().map(|k| (k.code, k.mods))).collect()
}

/// Keys a prompt uses, and a few nobody binds.
fn editing_keys() -> Vec<KeyCode> {
    vec![
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Insert,
        KeyCode::F(1),
        KeyCode::F(5),
        KeyCode::F(12),
    ]
}

fn step_strategy() -> impl Strategy<Value = Step> {
    let bound = bound_keys();
    let editing = editing_keys();
    let mods = prop_oneof![
        Just(KeyModifiers::NONE),
        Just(KeyModifiers::SHIFT),
        Just(KeyModifiers::CONTROL),
        Just(KeyModifiers::ALT)
    ];
    let mouse_kind = prop_oneof![
        Just(MouseEventKind::ScrollDown),
        Just(MouseEventKind::ScrollUp),
        Just(MouseEventKind::Down(MouseButton::Left)),
        Just(MouseEventKind::Down(MouseButton::Right)),
        Just(MouseEventKind::Moved),
    ];
    prop_oneof![
        12 => (0..bound.len()).prop_map(move |i| Step::Key(bound[i].0, bound[i].1)),
        3 => (0..editing.len()).prop_map(move |i| Step::Key(editing[i], KeyModifiers::NONE)),
        3 => ("[a-z0-9 /?\\-]", Just(KeyModifiers::NONE)).prop_map(|(s, m)| Step::Key(KeyCode::Char(s.chars().next().unwrap()), m)),
        1 => (any::<char>(), mods).prop_map(|(c, m)| Step::Key(KeyCode::Char(c), m)),
        2 => (1u16..=300, 1u16..=100).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => prop_oneof![Just(80u16), Just(20), Just(44), Just(50), Just(72)].prop_flat_map(|w| (Just(w), 1u16..=30)).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => "\\PC{0,12}|\u{1b}\\]0;x\u{7}|\n\t\r".prop_map(Step::Paste),
        1 => (mouse_kind, 0u16..310, 0u16..110).prop_map(|(k, x, y)| Step::Mouse(k, x, y)),
    ]
}

fn event(step: &Step) -> Event {
    match step {
        Step::Key(code, mods) => Event::Key(KeyEvent::new(*code, *mods)),
        Step::Resize(w, h) => Event::Resize(*w, *h),
        Step::Paste(s) => Event::Paste(s.clone()),
        Step::Mouse(kind, x, y) => {
            Event::Mouse(MouseEvent { kind: *kind, column: *x, row: *y, modifiers: KeyModifiers::NONE })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Driving and checking

/// Lets the background searches (title and full text) finish, as the event loop would see
/// them arrive, so each run is deterministic.
fn settle(app: &mut App) {
    app.wait_search(Duration::from_secs(2));
    let end = Instant::now() + Duration::from_secs(2);
    while app.fulltext.as_ref().is_some_and(|f| app.mode != Mode::FullText && f.results.is_none())
        && Instant::now() < end
    {
        std::thread::sleep(Duration::from_millis(1));
        app.feed(Msg::SearchReady);
    }
    app.feed(Msg::SearchReady);
}

/// Draws through a real `Terminal` over a `TestBackend` of the app's size (`full`), or
/// straight into a buffer (quicker), checking where the cursor goes.
fn draw(app: &mut App, full: bool) -> Buffer {
    app.prepare();
    let (w, h) = app.size;
    if let Some((x, y)) = diglot::ui::cursor(app) {
        assert!(x < w && y < h, "the cursor at {x},{y} is off a {w}x{h} screen");
    }
    if full {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        term.draw(|f| diglot::ui::draw(app, f)).expect("draw");
        term.backend().buffer().clone()
    } else {
        let area = ratatui::layout::Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        diglot::ui::render(app, area, &mut buf);
        buf
    }
}

macro_rules! check {
    ($cond:expr, $($fmt:tt)*) => {
        if !$cond {
            return Err(format!($($fmt)*));
        }
    };
}

/// The state's invariants: the app's one checker ([`App::check_invariants`]), which the
/// render tests use too.
fn invariants(app: &App) -> Result<(), String> {
    app.check_invariants()
}

/// What every screen must satisfy.
fn screen_ok(buf: &Buffer) -> Result<(), String> {
    let a = buf.area;
    for y in a.top()..a.bottom() {
        let mut hidden = 0usize;
        for x in a.left()..a.right() {
            let sym = buf[(x, y)].symbol();
            // the common case, quickly: one printable ASCII character
            if let [b] = sym.as_bytes() {
                check!((0x20..0x7f).contains(b), "cell {x},{y} holds a control character: {sym:?}");
                check!(hidden == 0 || *b == b' ', "cell {x},{y} under a wide character holds {sym:?}");
                hidden = hidden.saturating_sub(1);
                continue;
            }
            check!(
                !sym.chars().any(|c| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                "cell {x},{y} holds a control character: {sym:?}"
            );
            if hidden > 0 {
                hidden -= 1;
                check!(sym == " " || sym.is_empty(), "cell {x},{y} under a wide character holds {sym:?}");
                continue;
            }
            hidden = sym.width().max(1) - 1;
        }
        check!(hidden == 0, "a wide character sticks out of row {y}");
    }
    Ok(())
}

fn run(app: &mut App, steps: &[Step], full: bool) -> Result<(), TestCaseError> {
    let buf = draw(app, full);
    screen_ok(&buf).map_err(TestCaseError::fail)?;
    invariants(app).map_err(|e| TestCaseError::fail(format!("at the start: {e}")))?;
    for (k, step) in steps.iter().enumerate() {
        let effects = app.feed(Msg::Term(event(step)));
        settle(app);
        let buf = draw(app, full);
        let ctx = |e: String| TestCaseError::fail(format!("after step {k} {step:?} at {:?}: {e}", app.size));
        screen_ok(&buf).map_err(ctx)?;
        invariants(app).map_err(ctx)?;
        for e in effects {
            match e {
                Effect::Pager(p) => prop_assert!(
                    p.is_file() || corpus::seeds::get(&p).is_some(),
                    "the pager was asked to show {p:?}"
                ),
                Effect::Copy { text, .. } => {
                    // the only thing diglot writes besides the screen: an OSC 52 copy, base64 inside
                    let s = diglot::export::osc52(&text, false);
                    let body = s
                        .strip_prefix("\x1b]52;c;")
                        .and_then(|b| b.strip_suffix('\x07').or_else(|| b.strip_suffix("\x1b\\")));
                    prop_assert!(
                        body.is_some_and(|b| b
                            .bytes()
                            .all(|c| c.is_ascii_alphanumeric() || b"+/=".contains(&c))),
                        "a copy writes more than an OSC 52 sequence: {s:?}"
                    );
                }
                // the loop's own: the mouse, and the dictionary's load (it wakes the loop)
                Effect::Quit | Effect::Mouse(_) | Effect::LoadDict => {}
                other => prop_assert!(false, "feed left {other:?} undone"),
            }
        }
        if app.quit {
            break;
        }
    }
    Ok(())
}

/// `cases` runs, or as many as PROPTEST_CASES says (for a longer search).
fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..Config::default()
    })
}

/// Random keys, pastes, clicks and sizes over a small collection.
#[test]
fn random_keys_and_sizes_keep_the_invariants() {
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path());
    let loaded = || corpus::load_paths(&[dir.path().to_path_buf()]);
    let n = loaded().articles.len();
    assert_eq!(n, 6);
    let strategy = ((1u16..=300, 1u16..=100), prop::collection::vec(step_strategy(), 1..50));
    runner(32)
        .run(&strategy, |((w, h), steps)| {
            let mut app = App::with_loaded((w, h), loaded());
            run(&mut app, &steps, true)
        })
        .unwrap();
}

/// The same with nothing to show: an empty collection, and the seeds built in.
#[test]
fn random_keys_on_an_empty_collection_and_on_the_seeds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# nothing\n").unwrap();
    let strategy = (any::<bool>(), (1u16..=300, 1u16..=100), prop::collection::vec(step_strategy(), 1..40));
    runner(24)
        .run(&strategy, |(empty, (w, h), steps)| {
            let loaded =
                if empty { corpus::load_paths(&[dir.path().to_path_buf()]) } else { corpus::load_paths(&[]) };
            let mut app = App::with_loaded((w, h), loaded);
            run(&mut app, &steps, true)
        })
        .unwrap();
}

/// Every bound key at every size that is a boundary of the layout (too small, narrow list,
/// interleaved instead of both, one- or two-row list items), and at the extremes.
#[test]
fn every_bound_key_at_every_boundary_size() {
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path());
    let widths = [1u16, 19, 20, 43, 44, 49, 50, 71, 72, 300];
    let heights = [1u16, 3, 4, 5, 6, 100];
    let mut keys = bound_keys();
    keys.extend(editing_keys().into_iter().map(|k| (k, KeyModifiers::NONE)));
    let mut errors = Vec::new();
    for &w in &widths {
        for &h in &heights {
            let mut steps = vec![Step::Resize(w, h)];
            for &(code, mods) in &keys {
                // `q` would end the run: close what is open with Esc first
                if code == KeyCode::Char('q') || (code == KeyCode::Char('c') && mods == KeyModifiers::CONTROL)
                {
                    continue;
                }
                steps.push(Step::Key(code, mods));
                steps.push(Step::Key(KeyCode::Esc, KeyModifiers::NONE));
            }
            let mut app = App::with_loaded((w, h), corpus::load_paths(&[dir.path().to_path_buf()]));
            if let Err(e) = run(&mut app, &steps, false) {
                errors.push(format!("{w}x{h}: {e}"));
            }
        }
    }
    assert!(errors.is_empty(), "{} sizes failed:\n{}", errors.len(), errors.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Known bugs, found by the runs above (minimal reproductions)

fn key(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    app.feed(Msg::Term(Event::Key(KeyEvent::new(code, mods))));
    settle(app);
    draw(app, false);
}

/// The sort order (`S`) and the narrowings (`B` bookmarks only, `t` on this day) survive
/// opening the `Ctrl-f` prompt, and the reader keeps showing the selected article.
#[test]
fn fulltext_keeps_the_reader_on_the_selected_article() {
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path());
    for first in ['S', 'B'] {
        let mut app = App::with_loaded((100, 30), corpus::load_paths(&[dir.path().to_path_buf()]));
        key(&mut app, KeyCode::Char(first), KeyModifiers::NONE);
        key(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
        // the narrowing stays (B with no bookmark: an empty list and an empty reader)
        assert_eq!(
            app.reader.path.as_ref(),
            app.selected().map(|m| m.path()).as_ref(),
            "after {first} then Ctrl-f"
        );
        assert_eq!(app.shown_len() == 0, first == 'B');
    }
}

/// Opening the full-text prompt takes a row of the list: at 20x5 the list has room for one
/// two-row item under the prompt, and the selected article (the last) must stay on screen.
#[test]
fn the_selection_stays_visible_when_a_prompt_opens() {
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path());
    let mut app = App::with_loaded((20, 5), corpus::load_paths(&[dir.path().to_path_buf()]));
    key(&mut app, KeyCode::Char('G'), KeyModifiers::NONE);
    key(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    let la = app.list_area();
    let rows = (usize::from(la.height) / app.item_height_for(la.width)).max(1);
    let (sel, off) = (app.list.selected, app.list.offset);
    assert!(sel >= off && sel < off + rows, "selection {sel}, offset {off}, {rows} rows");
}
