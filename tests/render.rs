//! Render tests: the whole screen drawn into ratatui's `TestBackend` at several sizes, in every
//! pane and view, snapshotted as text (insta), plus checks that stand on their own: columns
//! line up, nothing is wider than its pane, the status bar counts, `v` keeps the reading
//! position, and random keys and sizes never panic or break the state's invariants.

// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{buffer_text, overdrawn_cells, rect_str, row_text, straddles};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use diglot::app::{App, Focus, Msg};
use diglot::corpus;
use diglot::layout::{View, GUTTER};
use proptest::prelude::*;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

// ---------------------------------------------------------------------------------------------
// Driving the app

fn seed_app(w: u16, h: u16) -> App {
    App::with_loaded((w, h), corpus::load_paths(&[]))
}

fn dir_app(w: u16, h: u16, dir: &std::path::Path) -> App {
    App::with_loaded((w, h), corpus::load_paths(&[dir.to_path_buf()]))
}

/// Sends one terminal event, then lays out as the event loop does before it draws.
fn send(app: &mut App, ev: Event) {
    app.feed(Msg::Term(ev));
    app.prepare();
}

fn press(app: &mut App, code: KeyCode) {
    send(app, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn ch(app: &mut App, c: char) {
    press(app, KeyCode::Char(c));
}

/// Draws through a real `Terminal` over a `TestBackend` of the app's size.
fn draw(app: &mut App) -> Buffer {
    app.prepare();
    let (w, h) = app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| diglot::ui::draw(app, f)).expect("draw");
    let buf = term.backend().buffer().clone();
    check_screen(app, &buf);
    buf
}

// ---------------------------------------------------------------------------------------------
// Checks run on every screen drawn

/// What every screen must satisfy, whatever its state.
fn check_screen(app: &App, buf: &Buffer) {
    let bad = overdrawn_cells(buf);
    assert!(bad.is_empty(), "something is drawn over half of a double-width character: {bad:?}");
    for y in 0..buf.area.height {
        let row = row_text(buf, y, 0, buf.area.width);
        assert!(!row.chars().any(|c| c.is_control()), "row {y} holds a control character: {row:?}");
    }
    if !app.areas().too_small {
        check_reader(app, buf);
    }
}

/// Glyphs the reader draws in the gutter of view "both" (plain, or marking the top bead).
const GUTTER_GLYPHS: [&str; 2] = ["│", "┃"];

/// The reader pane shows exactly its laid-out rows, each within the pane, and in view "both"
/// the gutter is in the same column on every row.
fn check_reader(app: &App, buf: &Buffer) {
    let r = app.reader_areas().0;
    if r.width == 0 || r.height == 0 || app.reader.article.is_none() {
        return;
    }
    let layout = &app.reader.layout;
    let w = usize::from(r.width);
    let two = layout.view == View::Both;
    // an article with trust marks keeps a margin for them in the views without a gutter
    let margin = if !two && !app.reader.trust.is_empty() && r.width > diglot::app::TRUST_MARGIN + 8 {
        diglot::app::TRUST_MARGIN
    } else {
        0
    };
    assert_eq!(layout.width + margin, r.width, "layout is for another width than the pane {}", rect_str(r));
    let total = layout.left_width + if two { GUTTER.width() + layout.right_width } else { 0 };
    assert!(total <= w, "columns {} + {} wider than the pane ({w})", layout.left_width, layout.right_width);
    let top = app.reader.top_row();
    assert!(top == 0 || top < layout.rows.len(), "top row {top} past {} rows", layout.rows.len());
    for row in &layout.rows {
        assert!(row.left.text.width() <= layout.left_width, "left text too wide: {:?}", row.left.text);
        if let Some(right) = &row.right {
            assert!(right.text.width() <= layout.right_width, "right text too wide: {:?}", right.text);
        }
    }
    if let Some(split) = &app.reader.split {
        for (l, cw) in [(&split.en, layout.left_width), (&split.zh, layout.right_width)] {
            for row in &l.rows {
                assert!(row.left.text.width() <= cw, "unlocked column row too wide: {:?}", row.left.text);
            }
        }
    }
    // what is on screen: overlays (help, the search prompt) cover rows, the unlocked columns
    // show other layouts
    if matches!(app.mode, diglot::app::Mode::Help { .. }) || app.reader.split.is_some() {
        return;
    }
    let height = r.height - u16::from(app.find.is_some());
    for (k, row) in layout.rows.iter().skip(top).take(usize::from(height)).enumerate() {
        let y = r.y + k as u16;
        assert!(!straddles(buf, y, r.x), "row {y}: a wide character crosses into the reader");
        assert!(!straddles(buf, y, r.right()), "row {y}: a wide character crosses out of the reader");
        let screen = row_text(buf, y, r.x, r.right());
        assert_eq!(screen.width(), w, "row {y} of the reader does not fill exactly {w} columns: {screen:?}");
        let left = row_text(buf, y, r.x, r.x + layout.left_width as u16);
        assert_eq!(left.trim_end(), row.left.text.trim_end(), "row {y}: the screen differs from the layout");
        if let Some(right) = &row.right {
            let gx = r.x + layout.left_width as u16 + 1;
            assert!(!straddles(buf, y, gx), "row {y}: a wide character covers the gutter");
            let g = buf[(gx, y)].symbol();
            assert!(GUTTER_GLYPHS.contains(&g), "row {y}: gutter not in column {gx}: {g:?} in {screen:?}");
            let rx = r.x + (layout.left_width + GUTTER.width()) as u16;
            let shown = row_text(buf, y, rx, r.right());
            assert_eq!(shown.trim_end(), right.text.trim_end(), "row {y}: right column differs");
        }
    }
}

fn status_line(buf: &Buffer) -> String {
    let y = buf.area.height - 1;
    row_text(buf, y, 0, buf.area.width)
}

// ---------------------------------------------------------------------------------------------
// Snapshots

/// List focused, reader focused in each view, and the help overlay, at one size.
fn snapshot_states(w: u16, h: u16) {
    let size = format!("{w}x{h}");
    let mut app = seed_app(w, h);
    insta::assert_snapshot!(format!("seed_{size}_list"), buffer_text(&draw(&mut app)));

    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    insta::assert_snapshot!(format!("seed_{size}_reader_both"), buffer_text(&draw(&mut app)));
    for view in ["en", "zh", "interleaved"] {
        ch(&mut app, 'v');
        assert_eq!(app.view.name(), view);
        insta::assert_snapshot!(format!("seed_{size}_reader_{view}"), buffer_text(&draw(&mut app)));
    }
    ch(&mut app, 'v');
    if app.reader_areas().0.width < diglot::layout::BOTH_MIN_WIDTH {
        // too narrow for two columns, "both" is interleaved: the cycle skips the look-alike
        assert_eq!(app.view, View::English, "the narrow v cycle has three distinct views");
        ch(&mut app, 'v');
        ch(&mut app, 'v');
    }
    assert_eq!(
        app.view.effective(app.reader_areas().0.width),
        View::Both.effective(app.reader_areas().0.width)
    );

    // scrolled one page down: the middle of the article, both columns
    press(&mut app, KeyCode::PageDown);
    insta::assert_snapshot!(format!("seed_{size}_reader_both_page2"), buffer_text(&draw(&mut app)));

    let mut app = seed_app(w, h);
    ch(&mut app, '?');
    assert!(matches!(app.mode, diglot::app::Mode::Help { .. }));
    insta::assert_snapshot!(format!("seed_{size}_help"), buffer_text(&draw(&mut app)));
    ch(&mut app, 'x');
    assert_eq!(app.mode, diglot::app::Mode::Browse, "any key closes the help");
}

#[test]
fn snapshots_80x24() {
    snapshot_states(80, 24);
}

#[test]
fn snapshots_40x12() {
    snapshot_states(40, 12);
}

#[test]
fn snapshots_200x50() {
    snapshot_states(200, 50);
}

#[test]
fn snapshot_too_small() {
    for (w, h) in [(10, 3), (1, 1), (19, 24), (80, 3)] {
        let mut app = seed_app(w, h);
        assert!(app.areas().too_small);
        let buf = draw(&mut app);
        insta::assert_snapshot!(format!("too_small_{w}x{h}"), buffer_text(&buf));
        // still too small with the reader focused and the help open
        press(&mut app, KeyCode::Enter);
        ch(&mut app, '?');
        draw(&mut app);
    }
}

#[test]
fn snapshot_three_articles_list() {
    let dir = common::fixture_dir();
    for (w, h) in [(80, 24), (40, 12), (200, 50)] {
        let mut app = dir_app(w, h, dir.path());
        assert_eq!(app.articles.len(), 3, "the README is not an article");
        insta::assert_snapshot!(format!("three_{w}x{h}_list"), buffer_text(&draw(&mut app)));
    }
}

#[test]
fn snapshot_damaged_article() {
    let dir = common::fixture_dir();
    common::write_files(dir.path(), &[("rmrb/1970.01/damaged.md", &common::damaged_article())]);
    for (w, h) in [(80, 24), (40, 12)] {
        let mut app = dir_app(w, h, dir.path());
        assert_eq!(app.articles.len(), 4);
        // unknown date: sorted last
        press(&mut app, KeyCode::End);
        assert_eq!(app.list.selected, 3);
        assert!(app.reader.article.is_some(), "a damaged article is still shown: {:?}", app.reader.error);
        insta::assert_snapshot!(format!("damaged_{w}x{h}_list"), buffer_text(&draw(&mut app)));
        press(&mut app, KeyCode::Enter);
        let buf = draw(&mut app);
        let text = buffer_text(&buf);
        assert!(text.contains("The first paragraph survives"), "{text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
        insta::assert_snapshot!(format!("damaged_{w}x{h}_reader"), text);
    }
}

#[test]
fn snapshot_unreadable_article() {
    for (w, h) in [(80, 24), (40, 12)] {
        let dir = common::fixture_dir();
        let mut app = dir_app(w, h, dir.path());
        draw(&mut app);
        // the second article disappears after the collection was loaded
        std::fs::remove_file(app.articles.get(1).unwrap().path()).unwrap();
        ch(&mut app, 'j');
        press(&mut app, KeyCode::Enter);
        let err = app.reader.error.clone().expect("the reader reports the missing file");
        assert!(err.contains("cannot read") && err.contains(dir.path().to_str().unwrap()), "{err}");
        // the same message with a path that does not change from run to run
        app.reader.error = Some(err.replace(dir.path().to_str().unwrap(), "<tmp>"));
        let buf = draw(&mut app);
        let text = buffer_text(&buf);
        assert!(text.contains("cannot read <tmp>"), "the message is shown:\n{text}");
        assert!(status_line(&buf).contains("2/3"), "{text}");
        insta::assert_snapshot!(format!("unreadable_{w}x{h}_reader"), text);
        // the next article still opens
        ch(&mut app, ']');
        draw(&mut app);
        assert!(app.reader.article.is_some() && app.reader.error.is_none());
    }
}

// ---------------------------------------------------------------------------------------------
// Checks that stand on their own

/// The rows of the reader pane split at the gutter: (left column, right column) per row.
fn both_columns(app: &App, buf: &Buffer) -> Vec<(String, String)> {
    let r = app.reader_areas().0;
    let lw = app.reader.layout.left_width as u16;
    let rx = r.x + lw + GUTTER.width() as u16;
    (r.y..r.bottom())
        .map(|y| {
            (
                row_text(buf, y, r.x, r.x + lw).trim().to_string(),
                row_text(buf, y, rx, r.right()).trim().to_string(),
            )
        })
        .collect()
}

#[test]
fn both_view_first_paragraphs_start_on_the_same_row() {
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let mut app = seed_app(w, h);
        press(&mut app, KeyCode::Enter);
        let buf = draw(&mut app);
        assert_eq!(app.reader.layout.view, View::Both, "{w}x{h}");
        let article = app.reader.article.as_ref().unwrap();
        let date = article.meta.date_string();
        let cols = both_columns(&app, &buf);
        // the first text after each column's date line is the first paragraph
        let first_after_date = |right: bool| -> (usize, String) {
            let col = |i: usize| if right { &cols[i].1 } else { &cols[i].0 };
            let d = (0..cols.len()).find(|&i| col(i).starts_with(&date)).expect("date line");
            let i = (d + 1..cols.len()).find(|&i| !col(i).is_empty()).expect("a paragraph");
            (i, col(i).clone())
        };
        let (en_row, en_text) = first_after_date(false);
        let (zh_row, zh_text) = first_after_date(true);
        let (lw, rw) = (app.reader.layout.left_width as u16, app.reader.layout.right_width as u16);
        assert_eq!(en_text, first_line(article.en_para(0), lw).trim(), "{w}x{h}");
        assert_eq!(zh_text, first_line(article.zh_para(0), rw).trim(), "{w}x{h}");
        assert_eq!(
            en_row,
            zh_row,
            "{w}x{h}: the English starts on row {en_row}, the Chinese on row {zh_row}:\n{}",
            buffer_text(&buf)
        );
    }
}

#[test]
fn both_view_every_bead_starts_on_one_row() {
    let mut app = seed_app(200, 50);
    press(&mut app, KeyCode::Enter);
    ch(&mut app, 'z');
    let buf = draw(&mut app);
    let layout = &app.reader.layout;
    assert_eq!(layout.view, View::Both);
    for (i, b) in layout.blocks.iter().enumerate().skip(1) {
        let row = &layout.rows[b.start];
        let right = row.right.as_ref().expect("two columns");
        assert_eq!(row.left.text.is_empty(), b.en.is_empty(), "block {i}: English not on its first row");
        assert_eq!(right.text.is_empty(), b.zh.is_empty(), "block {i}: Chinese not on its first row");
        assert!(
            b.len >= 2 && layout.rows[b.start + b.len - 1].left.text.is_empty(),
            "block {i}: no blank row"
        );
    }
    // the whole article fits a 50-row screen? then every bead's first rows line up on screen too
    let cols = both_columns(&app, &buf);
    for b in layout.blocks.iter().skip(1) {
        if b.start + 1 >= cols.len() || b.en.is_empty() || b.zh.is_empty() {
            continue;
        }
        let (l, r) = &cols[b.start];
        let article = app.reader.article.as_ref().unwrap();
        let (lw, rw) = (layout.left_width as u16, layout.right_width as u16);
        assert_eq!(l, &first_line(article.en_para(b.en.start), lw), "English of bead {:?}", b.bead);
        assert_eq!(r, &first_line(article.zh_para(b.zh.start), rw), "Chinese of bead {:?}", b.bead);
    }
}

#[test]
fn reader_rows_never_exceed_the_pane() {
    let dir = common::fixture_dir();
    common::write_files(dir.path(), &[("damaged.md", &common::damaged_article())]);
    let sizes = [(20, 4), (21, 5), (30, 10), (43, 12), (44, 12), (45, 12), (49, 20), (50, 20), (61, 20)];
    let more = [(80, 24), (81, 24), (99, 30), (120, 40), (200, 50), (300, 100)];
    for (w, h) in sizes.into_iter().chain(more) {
        for source in [None, Some(dir.path())] {
            let mut app = match source {
                None => seed_app(w, h),
                Some(d) => dir_app(w, h, d),
            };
            let n = app.articles.len();
            for i in 0..n {
                for zoom in [false, true] {
                    for view in [View::Both, View::English, View::Chinese, View::Interleaved] {
                        app.select(i);
                        press(&mut app, KeyCode::Enter);
                        if app.zoom != zoom {
                            ch(&mut app, 'z');
                        }
                        app.set_view(view);
                        draw(&mut app);
                        press(&mut app, KeyCode::PageDown);
                        draw(&mut app);
                        let r = app.areas().reader;
                        for row in &app.reader.layout.rows {
                            let plain = diglot::layout::plain_row(&app.reader.layout, row);
                            assert!(plain.width() <= usize::from(r.width), "{w}x{h} {view:?}: {plain:?}");
                        }
                        // and with the list focused (reader narrower or hidden)
                        press(&mut app, KeyCode::Esc);
                        draw(&mut app);
                    }
                }
            }
        }
    }
}

#[test]
fn status_bar_counts() {
    let mut app = seed_app(80, 24);
    let s = status_line(&draw(&mut app));
    assert!(s.contains("1/1"), "{s:?}");
    assert!(s.contains("1 article "), "{s:?}");
    assert!(s.contains("both"), "{s:?}");

    let dir = common::fixture_dir();
    let mut app = dir_app(80, 24, dir.path());
    let s = status_line(&draw(&mut app));
    assert!(s.contains("1/3") && s.contains("3 articles"), "{s:?}");
    ch(&mut app, 'j');
    let s = status_line(&draw(&mut app));
    assert!(s.contains("2/3") && s.contains("3 articles"), "{s:?}");
    press(&mut app, KeyCode::End);
    let s = status_line(&draw(&mut app));
    assert!(s.contains("3/3"), "{s:?}");
    // from the reader, [ and ] move between articles
    press(&mut app, KeyCode::Enter);
    ch(&mut app, '[');
    let s = status_line(&draw(&mut app));
    assert!(s.contains("2/3"), "{s:?}");
    // the view in the status bar follows v
    ch(&mut app, 'v');
    let s = status_line(&draw(&mut app));
    assert!(s.split(|c: char| !c.is_alphanumeric()).any(|w| w == "en"), "{s:?}");

    // an empty collection
    let empty = common::tempdir();
    let mut app = dir_app(80, 24, empty.path());
    let buf = draw(&mut app);
    let s = status_line(&buf);
    assert!(s.contains("0/0") && s.contains("0 articles"), "{s:?}");
    assert!(buffer_text(&buf).contains("No articles."));
    // keys on an empty collection do nothing harmful
    for c in ['j', 'k', 'G', 'g', 'v', 'z', '[', ']', '\t'] {
        ch(&mut app, c);
        press(&mut app, KeyCode::Enter);
        draw(&mut app);
    }
    assert_eq!(app.focus, Focus::List);
}

/// Scrolls the seed in view "both" until the top row is inside the `k`-th bead, below its first
/// row; returns the English and Chinese paragraphs that bead starts with.
fn scroll_into_bead(app: &mut App, k: usize) -> (usize, usize) {
    press(app, KeyCode::Enter);
    assert_eq!(app.reader.layout.view, View::Both);
    let block = app.reader.layout.blocks.iter().position(|b| b.bead == Some(k)).expect("bead");
    let b = app.reader.layout.blocks[block].clone();
    assert!(!b.en.is_empty() && !b.zh.is_empty(), "bead {k} holds both languages");
    for _ in 0..b.start + 1 {
        ch(app, 'j');
    }
    draw(app);
    assert_eq!(app.reader.top_row(), b.start + 1, "scrolled to the bead's second row");
    (b.en.start, b.zh.start)
}

fn first_line(text: &str, width: u16) -> String {
    diglot::layout::wrap(text, usize::from(width)).remove(0)
}

/// Checks that the reader's top row is inside paragraph `para` (Chinese when `zh`): the line
/// being read stays at the top (issue 11 item 7: not the start of its paragraph), or the
/// paragraph is lower when the article ends within a page below it.
fn assert_para_at_top(app: &App, buf: &Buffer, zh: bool, para: usize, ctx: &str) {
    let layout = &app.reader.layout;
    let r = app.reader_areas().0;
    let holds = |b: &&diglot::layout::Block| if zh { b.zh.contains(&para) } else { b.en.contains(&para) };
    let block = layout.blocks.iter().skip(1).find(holds).expect("a block holds the paragraph");
    let max_top = layout.rows.len().saturating_sub(usize::from(r.height));
    let top = app.reader.top_row();
    let inside = top >= block.start && top < block.start + block.len;
    let below = top == max_top && block.start >= max_top;
    assert!(
        inside || below,
        "{ctx}: paragraph {para} (rows {}..+{}) not at the top row {top} ({:?}, {}x{}):\n{}",
        block.start,
        block.len,
        layout.view,
        app.size.0,
        app.size.1,
        buffer_text(buf)
    );
}

#[test]
fn view_change_keeps_the_paragraph_at_the_top() {
    for (w, h) in [(80, 24), (200, 50), (120, 30), (70, 16)] {
        // both -> en
        let mut app = seed_app(w, h);
        let (en, zh) = scroll_into_bead(&mut app, 2);
        ch(&mut app, 'v');
        assert_eq!(app.view, View::English);
        let buf = draw(&mut app);
        assert_para_at_top(&app, &buf, false, en, "both -> en");

        // both -> interleaved -> both
        let mut app = seed_app(w, h);
        let (en, zh2) = scroll_into_bead(&mut app, 2);
        assert_eq!(zh, zh2);
        app.set_view(View::Interleaved);
        let buf = draw(&mut app);
        assert_para_at_top(&app, &buf, false, en, "both -> interleaved");
        ch(&mut app, 'v');
        assert_eq!(app.view, View::Both);
        let buf = draw(&mut app);
        assert_para_at_top(&app, &buf, false, en, "interleaved -> both");
        assert_para_at_top(&app, &buf, true, zh, "interleaved -> both");
    }
}

#[test]
fn view_cycle_keeps_the_paragraph_through_every_view() {
    for (w, h) in [(80, 24), (120, 30)] {
        let mut app = seed_app(w, h);
        let (en, zh) = scroll_into_bead(&mut app, 2);
        ch(&mut app, 'v');
        assert_eq!(app.view, View::English);
        let buf = draw(&mut app);
        assert_para_at_top(&app, &buf, false, en, "both -> en");
        ch(&mut app, 'v');
        assert_eq!(app.view, View::Chinese);
        let buf = draw(&mut app);
        assert_para_at_top(&app, &buf, true, zh, "en -> zh");
        ch(&mut app, 'v');
        assert_eq!(app.view, View::Interleaved);
        let buf = draw(&mut app);
        assert_para_at_top(&app, &buf, false, en, "zh -> interleaved");
        ch(&mut app, 'v');
        assert_eq!(app.view, View::Both);
        let buf = draw(&mut app);
        assert_para_at_top(&app, &buf, false, en, "interleaved -> both");
        assert_para_at_top(&app, &buf, true, zh, "interleaved -> both");
    }
}

#[test]
fn resize_keeps_the_paragraph_at_the_top() {
    let mut app = seed_app(80, 24);
    let (en, _) = scroll_into_bead(&mut app, 2);
    ch(&mut app, 'v');
    for (w, h) in [(120, 40), (60, 20), (100, 30), (80, 24)] {
        send(&mut app, Event::Resize(w, h));
        let buf = draw(&mut app);
        assert_para_at_top(&app, &buf, false, en, &format!("resize to {w}x{h}"));
    }
}

#[test]
fn help_overlay_fits() {
    for (w, h) in [(80, 24), (40, 12), (200, 50), (20, 4), (60, 10), (300, 100)] {
        let mut app = seed_app(w, h);
        ch(&mut app, '?');
        let text = buffer_text(&draw(&mut app));
        assert!(text.contains("diglot keys"), "{w}x{h}:\n{text}");
        if w >= 80 && h >= 12 {
            let first = &app.keymap.bindings[0];
            assert!(text.contains(first.help), "{w}x{h}: the first binding is missing:\n{text}");
        }
        if w >= 80 && h >= 50 {
            for b in &app.keymap.bindings {
                assert!(text.contains(b.help), "{w}x{h}: help for {:?} missing:\n{text}", b.action);
            }
        }
    }
}

#[test]
fn help_overlay_shows_every_binding_at_80x24() {
    let mut app = seed_app(80, 24);
    ch(&mut app, '?');
    // what does not fit is scrolled to with j
    let mut text = String::new();
    for _ in 0..40 {
        text.push_str(&buffer_text(&draw(&mut app)));
        ch(&mut app, 'j');
    }
    for b in &app.keymap.bindings {
        assert!(text.contains(b.help), "help for {:?} missing:\n{text}", b.action);
    }
}

#[test]
fn click_on_an_empty_reader_keeps_the_list_focused() {
    let empty = common::tempdir();
    let mut app = dir_app(80, 24, empty.path());
    draw(&mut app);
    let r = app.areas().reader;
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: r.x + 2,
        row: r.y + 2,
        modifiers: KeyModifiers::NONE,
    };
    send(&mut app, Event::Mouse(click));
    assert_eq!(app.focus, Focus::List, "the reader has the focus with nothing to read");
}

// ---------------------------------------------------------------------------------------------
// Random keys and sizes

#[derive(Debug, Clone)]
enum Op {
    Key(KeyCode, KeyModifiers),
    Resize(u16, u16),
    Mouse(MouseEventKind, u16, u16),
}

fn op() -> impl Strategy<Value = Op> {
    let codes = prop_oneof![
        prop::sample::select(vec![
            'j', 'k', 'g', 'G', 'h', 'l', 'v', 'z', '?', '[', ']', ' ', 'q', 'x', 's', 'e', '/', 'n', 'N',
            '{', '}', '(', ')', 'a', '湘', '1',
        ])
        .prop_map(KeyCode::Char),
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::F(1),
            KeyCode::Backspace,
        ]),
    ];
    prop_oneof![
        8 => codes.prop_map(|c| Op::Key(c, KeyModifiers::NONE)),
        1 => prop::sample::select(vec!['d', 'u', 'f', 'b']).prop_map(|c| Op::Key(KeyCode::Char(c), KeyModifiers::CONTROL)),
        2 => (1u16..=300, 1u16..=100).prop_map(|(w, h)| Op::Resize(w, h)),
        1 => (
            prop::sample::select(vec![
                MouseEventKind::ScrollDown,
                MouseEventKind::ScrollUp,
                MouseEventKind::Down(MouseButton::Left),
            ]),
            0u16..300,
            0u16..100
        )
            .prop_map(|(k, x, y)| Op::Mouse(k, x, y)),
    ]
}

fn apply(app: &mut App, op: &Op) {
    let ev = match *op {
        Op::Key(code, mods) => Event::Key(KeyEvent::new(code, mods)),
        Op::Resize(w, h) => Event::Resize(w, h),
        Op::Mouse(kind, x, y) => {
            // a terminal reports positions on its screen only
            let (w, h) = app.size;
            Event::Mouse(MouseEvent {
                kind,
                column: x % w.max(1),
                row: y % h.max(1),
                modifiers: KeyModifiers::NONE,
            })
        }
    };
    app.feed(Msg::Term(ev));
}

/// The app's one invariant checker ([`App::check_invariants`]), as a test assertion.
fn check_invariants(app: &App) {
    if let Err(e) = app.check_invariants() {
        panic!("{e}");
    }
}

fn collection(kind: u8) -> (App, Option<tempfile::TempDir>) {
    match kind {
        0 => (seed_app(80, 24), None),
        1 => {
            let dir = common::fixture_dir();
            common::write_files(dir.path(), &[("z/damaged.md", &common::damaged_article())]);
            let app = dir_app(80, 24, dir.path());
            (app, Some(dir))
        }
        _ => {
            let dir = common::tempdir();
            let app = dir_app(80, 24, dir.path());
            (app, Some(dir))
        }
    }
}

/// 24 cases by default; more with PROPTEST_CASES=N.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_keys_and_sizes_keep_invariants(kind in 0u8..3, ops in prop::collection::vec(op(), 1..300)) {
        let (mut app, _dir) = collection(kind);
        for op in &ops {
            apply(&mut app, op);
            app.prepare();
            check_invariants(&app);
            let (w, h) = app.size;
            let area = ratatui::layout::Rect::new(0, 0, w, h);
            let mut buf = Buffer::empty(area);
            diglot::ui::render(&app, area, &mut buf);
            check_screen(&app, &buf);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// In-article search, terms and emphasis: text positions mapped onto rows

/// The sizes every reader detail is checked at.
const SIZES: [(u16, u16); 3] = [(60, 20), (80, 24), (120, 35)];

/// Types `/query` Enter in the reader.
fn find(app: &mut App, query: &str) {
    ch(app, '/');
    for c in query.chars() {
        ch(app, c);
    }
    press(app, KeyCode::Enter);
}

/// The text of the reader's cells drawn with `bg`, row by row, joined (a phrase cut by a line
/// break reads whole).
fn cells_with_bg(buf: &Buffer, bg: ratatui::style::Color) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            if c.bg == bg {
                out.push_str(c.symbol());
            }
        }
    }
    out
}

#[test]
fn in_article_search_finds_every_occurrence_at_every_size_and_n_wraps() {
    use ratatui::style::Color;
    for (w, h) in SIZES {
        for (query, phrase) in [("核心小组", "核心小组"), ("core group", "coregroup")] {
            let mut app = seed_app(w, h);
            press(&mut app, KeyCode::Enter);
            find(&mut app, query);
            let n = app.find.as_ref().unwrap().hits.len();
            assert_eq!(n, 17, "{query} at {w}x{h}");
            let buf = draw(&mut app);
            let prompt = row_text(&buf, app.reader_areas().0.bottom() - 1, 0, w);
            assert!(prompt.contains("hit 1/17"), "{prompt:?}");
            // n walks through every hit, each drawn in the current hit's colour, whole even
            // when cut by a line break, then wraps to the first
            for k in 0..n {
                let f = app.find.as_ref().unwrap();
                assert_eq!(f.current, k, "{query} at {w}x{h}");
                let buf = draw(&mut app);
                let current = cells_with_bg(&buf, Color::LightRed).replace(' ', "").to_lowercase();
                assert_eq!(current, phrase, "hit {k} of {query} at {w}x{h}");
                ch(&mut app, 'n');
            }
            assert_eq!(app.find.as_ref().unwrap().current, 0, "n from the last hit wraps");
            assert!(app.message.as_deref().is_some_and(|m| m.contains("hit 1/17") && m.contains("wrapped")));
            // N from the first goes to the last
            ch(&mut app, 'N');
            assert_eq!(app.find.as_ref().unwrap().current, n - 1);
            // the same count in every view that shows the language
            ch(&mut app, 'v');
            app.prepare();
            let shown = app.find.as_ref().unwrap().hits.len();
            assert_eq!(shown, if query.is_ascii() { 17 } else { 0 }, "view en at {w}x{h}");
        }
    }
}

#[test]
fn other_hits_differ_from_the_current_one() {
    use ratatui::style::Color;
    let mut app = seed_app(120, 35);
    press(&mut app, KeyCode::Enter);
    find(&mut app, "核心小组");
    let buf = draw(&mut app);
    let current = cells_with_bg(&buf, Color::LightRed);
    let others = cells_with_bg(&buf, Color::Yellow);
    assert_eq!(current.replace(' ', ""), "核心小组");
    assert!(others.matches("核心小组").count() >= 1, "{others:?}");
}

/// An article whose English names a glossary term many times, at shifting offsets, so that
/// some occurrence is cut by a line break at any width; and Markdown emphasis.
fn terms_article(dir: &std::path::Path) {
    let filler = ["a", "bb", "ccc", "dddd", "eeeee", "ffffff", "ggggggg"];
    let mut en = String::new();
    for k in 0..40 {
        en.push_str(&format!("{} the May Seventh school ", filler[k % filler.len()]));
    }
    let text = format!(
        "Title: The *Newsweek* Story\nAuthor: Li Ming\nDate: 1966-05-07\nPage: 1\n\n    {en}\n    *Newsweek* said **nothing** of *qing*.\n\n**Named Entities**\n\n五七    Wǔqī (May Seventh)\n\n<hr /> \n\nOriginal: \n\n### 五七\n李明\n1966-05-07\n第1版()\n专栏：\n\n    五七干校。\n    新闻周刊。\n"
    );
    std::fs::write(dir.join("1966-05-07_五七.md"), text).unwrap();
}

#[test]
fn glossary_terms_cut_by_wrapping_are_underlined_on_both_rows() {
    use ratatui::style::Modifier;
    let dir = common::tempdir();
    terms_article(dir.path());
    let mut cut_seen = false;
    for (w, h) in SIZES {
        let mut app = dir_app(w, h, dir.path());
        press(&mut app, KeyCode::Enter);
        ch(&mut app, 'v'); // English alone: more occurrences on screen
        ch(&mut app, 'e'); // terms are marked while the glossary panel is open
        let buf = draw(&mut app);
        let r = app.reader_areas().0;
        let l = &app.reader.layout;
        let top = app.reader.top_row();
        for (id, range) in l.find("May Seventh") {
            let segs = l.segments(id, range);
            cut_seen |= segs.len() > 1;
            for g in segs.iter().filter(|g| g.row >= top && g.row < top + usize::from(r.height)) {
                let y = r.y + (g.row - top) as u16;
                for col in g.cols.clone() {
                    let c = &buf[(r.x + col as u16, y)];
                    assert!(c.modifier.contains(Modifier::UNDERLINED), "{w}x{h} row {} col {col}", g.row);
                }
            }
        }
    }
    assert!(cut_seen, "some occurrence was cut by a line break");
}

#[test]
fn markdown_emphasis_is_shown_as_italics_and_bold() {
    use ratatui::style::Modifier;
    let dir = common::tempdir();
    terms_article(dir.path());
    for (w, h) in SIZES {
        let mut app = dir_app(w, h, dir.path());
        press(&mut app, KeyCode::Enter);
        ch(&mut app, 'v');
        press(&mut app, KeyCode::End);
        let buf = draw(&mut app);
        let r = app.reader_areas().0;
        let text: String = (r.y..r.bottom()).map(|y| row_text(&buf, y, r.x, r.right()) + "\n").collect();
        assert!(!text.contains('*'), "{w}x{h}: {text}");
        assert!(text.contains("Newsweek said nothing of qing."), "{w}x{h}: {text}");
        let styled = |m: Modifier| -> String {
            let mut s = String::new();
            for y in 0..buf.area.height {
                for x in app.reader_areas().0.x..buf.area.width {
                    let c = &buf[(x, y)];
                    if c.modifier.contains(m) && !c.modifier.contains(Modifier::DIM) {
                        s.push_str(c.symbol());
                    }
                }
            }
            s
        };
        assert!(styled(Modifier::ITALIC).contains("Newsweek"), "{w}x{h}");
        assert!(styled(Modifier::ITALIC).contains("qing"), "{w}x{h}");
        assert!(styled(Modifier::BOLD).contains("nothing"), "{w}x{h}");
    }
}

/// Issue 11 item 14, in the list too: a title with Markdown emphasis (`*Newsweek*`) is listed
/// without the asterisks, at every size.
#[test]
fn emphasis_in_a_title_is_not_listed_as_asterisks() {
    let dir = common::tempdir();
    let article = "Title: On *Newsweek* and Its Readers\nAuthor: \nDate: 1955-01-03\nPage: 4\n\n    The magazine *Newsweek* wrote.\n\n<hr /> \n\nOriginal: \n\n### 论新闻周刊\n\n1955-01-03\n第4版()\n专栏：\n\n    新闻周刊写道。\n";
    common::write_files(dir.path(), &[("a.md", article.as_bytes())]);
    for (w, h) in [(60, 20), (80, 24), (120, 35)] {
        let mut app = dir_app(w, h, dir.path());
        let text = common::buffer_text(&draw(&mut app));
        assert!(text.contains("On Newsweek"), "{w}x{h}:\n{text}");
        assert!(!text.contains("*Newsweek"), "{w}x{h}:\n{text}");
    }
}
