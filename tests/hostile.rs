//! Hostile text: an article full of control characters and terminal escape sequences (C0, C1,
//! CSI, OSC title / clipboard / hyperlink, DCS), bidi overrides, zero-width and combining
//! characters, emoji sequences and ambiguous-width punctuation. Checked at the byte level: what
//! diglot writes to a terminal (ratatui's crossterm backend over a `Vec<u8>`) holds only the
//! escape sequences crossterm itself emits, and a terminal emulator (vt100) fed those bytes shows
//! the screen diglot meant, with the gutter of view "both" in one column on every row. The
//! subcommands' output is checked for control bytes too.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use diglot::app::{App, Msg};
use diglot::corpus;
use diglot::layout::View;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

// ---------------------------------------------------------------------------------------------
// The hostile article

/// Each payload, by name. Every one goes into an English and a Chinese paragraph.
fn payloads() -> Vec<(&'static str, String)> {
    let c0: String = (1u8..0x20).filter(|&b| b != b'\n').map(char::from).collect();
    let c1: String = ('\u{80}'..='\u{9f}').collect();
    let zalgo: String = std::iter::once('Z').chain(std::iter::repeat_n('\u{336}', 40)).collect();
    vec![
        ("c0", format!("C0[{c0}]end")),
        ("nul", "before\0after".to_string()),
        ("del-c1", format!("C1[\u{7f}{c1}]end")),
        ("csi", "CSI \x1b[2J\x1b[31mred\x1b[0m \x1b[5;5H\x1b[?25h\x1b[6n\x1b[?1049l \u{9b}2J end".to_string()),
        ("osc-title", "OSC \x1b]0;pwned-title\x07 \x1b]2;pwned2\x1b\\ \u{9d}0;c1-title\u{9c} end".to_string()),
        ("osc-clipboard", "clip \x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07 end".to_string()),
        ("osc-hyperlink", "link \x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\ end".to_string()),
        ("dcs", "DCS \x1bP1$r\x1b\\ \x1bPq#0;2;0;0;0#0~~\x1b\\ \u{90}q\u{9c} end".to_string()),
        ("bidi", "bidi abc\u{202e}fed\u{202c} \u{202d}x\u{202a}y\u{202b}z \u{2066}i\u{2067}j\u{2068}k\u{2069} \u{200f}\u{200e}\u{61c} end".to_string()),
        ("zero-width", "zw a\u{200b}b\u{200c}c\u{200d}d\u{2060}e\u{feff}f\u{fe0f}g end".to_string()),
        ("combining", format!("comb e\u{301}\u{302}\u{303} a\u{20dd} {zalgo} end")),
        ("emoji", "emoji 👨\u{200d}👩\u{200d}👧 🇨🇳 🇺 👍🏽 ❤\u{fe0f} 🏳\u{fe0f}\u{200d}🌈 1\u{fe0f}\u{20e3} end".to_string()),
        ("ambiguous", "amb “quoted” … — · ‘x’ ° ± × ※ end".to_string()),
        ("separators", "sep a\u{2028}b\u{2029}c\u{85}d\u{fff9}e\u{fffb} end".to_string()),
    ]
}

/// The hostile article's bytes: payloads in the headers, the titles, each paragraph of both
/// languages and the glossary, plus raw C1 bytes that are not UTF-8.
fn hostile_article() -> Vec<u8> {
    let p = payloads();
    let all: String = p.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join(" ");
    let mut s = String::new();
    s.push_str("Title: Hostile \x1b]0;pwned\x07 \x1b[31mTitle\x1b[0m \u{202e}desrever\u{202c} 👨\u{200d}👩\u{200d}👧 “x”\n");
    s.push_str("Author: Eve \x1b[5m, Mallory\u{9b}1m\n");
    s.push_str("Date: 1960-01-02\nPage: 3\nColumn: \x1b]8;;http://x/\x1b\\col\x1b]8;;\x1b\\\n\n");
    for (name, text) in &p {
        s.push_str(&format!("    {name}: {text} and some ordinary words so that the paragraph wraps.\n\n"));
    }
    s.push_str("    Everything at once: ");
    s.push_str(&all);
    s.push_str(
        "\n\n**Named Entities**\n\n人民日报\x1b[31m\tRénmín \x1b]0;t\x07 Rìbào\n\n<hr /> \n\nOriginal: \n\n",
    );
    s.push_str("### 敌意\x1b]0;pwned\x07的标题\u{202e}反\u{3000}副标题\x1b[2J\n张三\x1b[1m  李四\u{9b}\n1960-01-02\n第3版(国际\x1b[7m)\n专栏：\x07\n\n");
    for (name, text) in &p {
        s.push_str(&format!("　　{name}：{text}，还有一些普通的中文字让这一段可以换行。\n"));
    }
    s.push_str("　　一起：");
    s.push_str(&all);
    s.push('\n');
    let mut bytes = s.into_bytes();
    // raw C1 bytes and other invalid UTF-8 in the middle of a paragraph
    bytes.extend_from_slice(b"    raw \x9b2J \x9d0;x\x9c \xc2 \xe2\x80 \xff end\n");
    bytes
}

/// A folder holding the hostile article (its file name hostile too) and a clean one.
fn hostile_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("hostile\x1b[31m\u{202e}.md"), hostile_article()).unwrap();
    std::fs::write(
        dir.path().join("clean.md"),
        "Title: Clean\nAuthor: \nDate: 1961-01-01\nPage: 1\n\n    Clean text.\n\n<hr /> \n\nOriginal: \n\n### 干净\n\n1961-01-01\n第1版()\n专栏：\n\n　　干净的文字。\n",
    )
    .unwrap();
    dir
}

// ---------------------------------------------------------------------------------------------
// Capturing what diglot writes to a terminal

/// A writer whose bytes can be read after the terminal took it (the backend's own `writer()`
/// is unstable in ratatui 0.30).
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Draws the app as the event loop does, into a crossterm backend writing to a `Vec<u8>`;
/// returns the bytes and the buffer ratatui meant to show.
fn capture(app: &mut App) -> (Vec<u8>, Buffer) {
    app.prepare();
    let (w, h) = app.size;
    let area = Rect::new(0, 0, w, h);
    let out = Shared::default();
    let mut term = Terminal::with_options(
        CrosstermBackend::new(out.clone()),
        TerminalOptions { viewport: Viewport::Fixed(area) },
    )
    .expect("terminal over a Vec");
    let buf = term.draw(|f| diglot::ui::draw(app, f)).expect("draw").buffer.clone();
    drop(term);
    let bytes = out.0.borrow().clone();
    (bytes, buf)
}

/// One escape sequence crossterm may emit: a CSI with its parameters and final byte.
fn allowed_csi(params: &str, fin: char) -> bool {
    let nums = |s: &str| {
        !s.is_empty() && s.split(';').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    match fin {
        // cursor position
        'H' => nums(params) && params.split(';').count() == 2,
        // cursor shown / hidden
        'h' | 'l' => params == "?25",
        // SGR as crossterm writes it: attributes, and colours as 38/48;5;N or 38/48;2;R;G;B (never
        // the 30-37 / 40-47 forms, so an article's `ESC[31m` would stand out), or 39/49 to reset
        'm' => {
            if !nums(params) {
                return false;
            }
            let parts: Vec<&str> = params.split(';').collect();
            let mut i = 0;
            while i < parts.len() {
                match parts[i] {
                    "38" | "48" | "58" => match parts.get(i + 1) {
                        Some(&"5") if i + 2 < parts.len() => i += 3,
                        Some(&"2") if i + 4 < parts.len() => i += 5,
                        _ => return false,
                    },
                    "0" | "1" | "2" | "3" | "4" | "5" | "7" | "8" | "9" | "21" | "22" | "23" | "24"
                    | "25" | "27" | "28" | "29" | "39" | "49" | "59" => i += 1,
                    _ => return false,
                }
            }
            true
        }
        _ => false,
    }
}

/// Scans terminal output: every ESC must open a CSI that crossterm emits; no other C0 control,
/// no DEL, no C1 (as U+0080..U+009F), no bidi control; valid UTF-8 throughout.
fn scan(bytes: &[u8]) -> Result<(), String> {
    let s = std::str::from_utf8(bytes).map_err(|e| format!("output is not UTF-8: {e}"))?;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let ctx = || s[i.saturating_sub(40)..].chars().take(80).collect::<String>();
        if c == '\x1b' {
            if it.next().map(|(_, c)| c) != Some('[') {
                return Err(format!("ESC not opening a CSI at byte {i}: {:?}", ctx()));
            }
            let mut params = String::new();
            let fin = loop {
                match it.next() {
                    Some((_, c)) if ('\x30'..='\x3f').contains(&c) => params.push(c),
                    Some((_, c)) => break c,
                    None => return Err(format!("unterminated CSI at byte {i}")),
                }
            };
            if !allowed_csi(&params, fin) {
                return Err(format!(
                    "a CSI crossterm does not emit at byte {i}: ESC[{params}{fin} in {:?}",
                    ctx()
                ));
            }
            continue;
        }
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}');
        if c.is_control() || bidi || c == '\u{feff}' {
            return Err(format!("raw {c:?} at byte {i}: {:?}", ctx()));
        }
    }
    Ok(())
}

/// vt100 callbacks: anything that is not drawing text counts as a leak.
#[derive(Default)]
struct Leaks(Vec<String>);

impl vt100::Callbacks for Leaks {
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.0.push("bell".into());
    }
    fn visual_bell(&mut self, _: &mut vt100::Screen) {
        self.0.push("visual bell".into());
    }
    fn resize(&mut self, _: &mut vt100::Screen, r: (u16, u16)) {
        self.0.push(format!("resize {r:?}"));
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, n: &[u8]) {
        self.0.push(format!("icon name {:?}", String::from_utf8_lossy(n)));
    }
    fn set_window_title(&mut self, _: &mut vt100::Screen, t: &[u8]) {
        self.0.push(format!("title {:?}", String::from_utf8_lossy(t)));
    }
    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8], d: &[u8]) {
        self.0.push(format!("clipboard {:?}", String::from_utf8_lossy(d)));
    }
    fn paste_from_clipboard(&mut self, _: &mut vt100::Screen, _: &[u8]) {
        self.0.push("clipboard paste".into());
    }
    fn unhandled_char(&mut self, _: &mut vt100::Screen, c: char) {
        self.0.push(format!("unhandled char {c:?}"));
    }
    fn unhandled_control(&mut self, _: &mut vt100::Screen, b: u8) {
        self.0.push(format!("control {b:#x}"));
    }
    fn unhandled_escape(&mut self, _: &mut vt100::Screen, _: Option<u8>, _: Option<u8>, b: u8) {
        self.0.push(format!("escape {b:#x}"));
    }
    fn unhandled_csi(&mut self, _: &mut vt100::Screen, _: Option<u8>, _: Option<u8>, p: &[&[u16]], c: char) {
        // SGR attributes vt100 does not model (crossterm resets the underline colour with 59):
        // `scan` has checked every CSI already
        if c != 'm' {
            self.0.push(format!("csi {p:?} {c:?}"));
        }
    }
    fn unhandled_osc(&mut self, _: &mut vt100::Screen, p: &[&[u8]]) {
        self.0.push(format!("osc {:?}", p.iter().map(|x| String::from_utf8_lossy(x)).collect::<Vec<_>>()));
    }
}

/// What stands for U+FFFD on the emulated screen: vt100 takes U+FFFD for a decoding error and
/// draws nothing, where a terminal draws `�` in one column.
const FFFD_STAND_IN: &str = "¤";

/// Feeds the bytes to a terminal emulator of the app's size.
fn emulate(app: &App, bytes: &[u8]) -> vt100::Parser<Leaks> {
    let (w, h) = app.size;
    let mut p = vt100::Parser::new_with_callbacks(h, w, 0, Leaks::default());
    let text = String::from_utf8_lossy(bytes).replace('\u{fffd}', FFFD_STAND_IN);
    p.process(text.as_bytes());
    p
}

/// The emulated screen as lines (wide-character continuations skipped).
fn screen_lines(screen: &vt100::Screen) -> Vec<String> {
    let (rows, cols) = screen.size();
    (0..rows)
        .map(|r| {
            let mut s = String::new();
            for c in 0..cols {
                let cell = screen.cell(r, c).expect("cell in range");
                if cell.is_wide_continuation() {
                    continue;
                }
                s.push_str(if cell.has_contents() { cell.contents() } else { " " });
            }
            s
        })
        .collect()
}

/// Every check on one drawn screen: the bytes, the emulator's side effects, and the gutters.
fn check_screen(app: &mut App, what: &str) {
    let (bytes, buf) = capture(app);
    if let Err(e) = scan(&bytes) {
        panic!("{what}: {e}");
    }
    assert!(!bytes.windows(2).any(|w| w == b"\x1b]" || w == b"\x1bP"), "{what}: OSC or DCS in the output");
    let parser = emulate(app, &bytes);
    let screen = parser.screen();
    let leaks = &parser.callbacks().0;
    assert!(leaks.is_empty(), "{what}: the terminal saw more than text: {leaks:?}");
    let lines = screen_lines(screen);
    let dump = || lines.join("\n");

    // the screen shows what diglot drew: each cell's first character where ratatui put it
    for y in 0..buf.area.height {
        let mut hidden = 0;
        for x in 0..buf.area.width {
            let want = buf[(x, y)].symbol().replace('\u{fffd}', FFFD_STAND_IN);
            let want = want.as_str();
            let cell = screen.cell(y, x).expect("in range");
            // cells under a wide symbol (CJK, emoji, a flag of two regional indicators that
            // a terminal may draw as two characters) are not drawn by ratatui
            if hidden > 0 {
                hidden -= 1;
                continue;
            }
            hidden = unicode_width::UnicodeWidthStr::width(want).saturating_sub(1);
            if cell.is_wide_continuation() || want.is_empty() {
                continue;
            }
            let got = if cell.has_contents() { cell.contents() } else { " " };
            let first = |s: &str| s.chars().next();
            assert_eq!(
                first(got),
                first(want),
                "{what}: cell {x},{y} is {got:?} where {want:?} was drawn; row drawn: {:?}\n{}",
                (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect::<String>(),
                dump()
            );
        }
    }

    let areas = app.areas();
    if areas.too_small {
        return;
    }
    let col = |x: u16, y: u16| screen.cell(y, x).map(|c| c.contents().to_string()).unwrap_or_default();
    // the separator between list and reader
    if areas.list.width > 0 && areas.reader.width > 0 {
        for y in areas.list.top()..areas.list.bottom() {
            assert_eq!(col(areas.list.right(), y), "│", "{what}: list separator off on row {y}\n{}", dump());
        }
    }
    // the gutter of view "both", on every row of the reader that shows text
    let layout = &app.reader.layout;
    if layout.view == View::Both && app.reader.split.is_none() && app.reader.article.is_some() {
        let (area, _) = app.reader_areas();
        let gx = area.x + layout.left_width as u16 + 1;
        // the search prompt, when open, takes the last row
        let height = usize::from(area.height) - usize::from(app.find.is_some());
        let shown = layout.rows.len().saturating_sub(app.reader.top_row()).min(height);
        assert!(shown > 0, "{what}: the reader shows nothing");
        for y in area.y..area.y + shown as u16 {
            // `┃` marks the bead at the top
            let g = col(gx, y);
            assert!(g == "│" || g == "┃", "{what}: gutter not in column {gx} on row {y} ({g:?})\n{}", dump());
        }
    }
}

fn key(app: &mut App, code: KeyCode) {
    app.feed(Msg::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    app.prepare();
}

fn hostile_app(dir: &Path, w: u16, h: u16) -> App {
    let mut app = App::with_loaded((w, h), corpus::load_paths(&[dir.to_path_buf()]));
    let i = app
        .articles
        .iter()
        .position(|m| m.title_en().starts_with("Hostile"))
        .expect("the hostile article loads");
    app.select(i);
    app.prepare();
    assert!(app.reader.article.is_some(), "the hostile article opens: {:?}", app.reader.error);
    app
}

// ---------------------------------------------------------------------------------------------
// Tests

#[test]
fn hostile_article_parses_with_a_warning_and_keeps_its_text() {
    let bytes = hostile_article();
    let corpus::Parsed::Article(a) = corpus::parse_bytes(Path::new("h.md"), &bytes) else {
        panic!("the hostile article is an article");
    };
    assert!(a.diagnostics.iter().any(|d| d.message.contains("control characters")), "{:?}", a.diagnostics);
    assert!(a.diagnostics.iter().any(|d| d.message.contains("UTF-8")), "{:?}", a.diagnostics);
    // the text is kept as the file says; sanitizing is for display
    assert!(a.en_paras().iter().any(|p| p.contains("\x1b[31m")));
    assert_eq!(a.en.len(), payloads().len() + 1, "{:#?}", a.en_paras());
}

#[test]
fn sanitize_lets_no_payload_through() {
    for (name, p) in payloads() {
        let s = diglot::text::sanitize(&p);
        scan(s.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        // joiners, emoji variation selectors and modifiers go: terminals disagree on their widths
        for c in ['\u{200b}', '\u{200d}', '\u{fe0f}', '\u{1f3fd}', '\u{ad}'] {
            assert!(!s.contains(c), "{name}: {c:?} kept in {s:?}");
        }
        let sum: usize = s.chars().map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)).sum();
        assert_eq!(diglot::text::width(&s), sum, "{name}: width is not the sum of the characters' widths");
    }
}

#[test]
fn every_view_and_pane_is_clean_at_the_byte_level() {
    let dir = hostile_dir();
    for (w, h) in [(200, 50), (120, 40), (80, 24), (60, 30), (44, 12), (30, 10), (20, 4), (10, 3)] {
        let mut app = hostile_app(dir.path(), w, h);
        check_screen(&mut app, &format!("{w}x{h} list"));
        key(&mut app, KeyCode::Enter);
        for view in 0..4 {
            let what = format!("{w}x{h} reader view {view} ({:?})", app.reader.layout.view);
            check_screen(&mut app, &what);
            // scroll through the whole article a page at a time
            for page in 0..40 {
                let before = app.reader.top_row();
                key(&mut app, KeyCode::PageDown);
                if app.reader.top_row() == before {
                    break;
                }
                check_screen(&mut app, &format!("{what} page {page}"));
            }
            key(&mut app, KeyCode::Home);
            key(&mut app, KeyCode::Char('v'));
        }
        key(&mut app, KeyCode::Char('z'));
        check_screen(&mut app, &format!("{w}x{h} zoomed"));
        key(&mut app, KeyCode::Char('e'));
        check_screen(&mut app, &format!("{w}x{h} glossary"));
        key(&mut app, KeyCode::Char('s'));
        check_screen(&mut app, &format!("{w}x{h} unlocked"));
        key(&mut app, KeyCode::Char('?'));
        check_screen(&mut app, &format!("{w}x{h} help"));
        key(&mut app, KeyCode::Char('?'));
    }
}

#[test]
fn a_pasted_escape_sequence_in_the_search_prompt_is_shown_safely() {
    let dir = hostile_dir();
    let mut app = hostile_app(dir.path(), 100, 30);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('/'));
    app.feed(Msg::Term(Event::Paste("\x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}red".to_string())));
    check_screen(&mut app, "search prompt with a pasted payload");
    key(&mut app, KeyCode::Enter);
    check_screen(&mut app, "after the search");
    // the list's title search too
    key(&mut app, KeyCode::Char('h'));
    key(&mut app, KeyCode::Char('/'));
    app.feed(Msg::Term(Event::Paste("\x1b]52;c;eA==\x07".to_string())));
    check_screen(&mut app, "list search with a pasted payload");
}

#[test]
fn gutter_stays_aligned_with_wide_and_zero_width_text_at_every_width() {
    let dir = hostile_dir();
    for w in (44..=140).step_by(7) {
        let mut app = hostile_app(dir.path(), w, 60);
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('z'));
        for page in 0..30 {
            check_screen(&mut app, &format!("width {w} page {page}"));
            let before = app.reader.top_row();
            key(&mut app, KeyCode::PageDown);
            if app.reader.top_row() == before {
                break;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The subcommands

/// Runs `diglot ARGS` with HOME and the XDG folders in a fresh temporary folder.
fn diglot(args: &[&str]) -> (Vec<u8>, Vec<u8>, Option<i32>) {
    let home = tempfile::tempdir().expect("temporary folder");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_diglot"));
    cmd.args(args).env("HOME", home.path());
    for v in ["XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"] {
        cmd.env(v, home.path());
    }
    let out = cmd.output().expect("run diglot");
    (out.stdout, out.stderr, out.status.code())
}

/// Plain-text output: UTF-8, no control byte but newline (and tab where it separates fields).
fn assert_plain(what: &str, bytes: &[u8], tabs: bool) {
    let text = String::from_utf8_lossy(bytes);
    for (n, line) in text.split('\n').enumerate() {
        let line = if tabs { line.replace('\t', " ") } else { line.to_string() };
        scan(line.as_bytes()).unwrap_or_else(|e| panic!("{what}, line {}: {e}", n + 1));
        assert!(!line.contains('\x1b'), "{what}: ESC on line {}", n + 1);
    }
}

fn hostile_path(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("hostile"))
        .expect("the hostile file")
}

#[test]
fn check_list_show_align_print_no_control_bytes() {
    let dir = hostile_dir();
    let d = dir.path().to_str().expect("a UTF-8 temporary path");
    let file = hostile_path(dir.path());
    let f = file.to_str().expect("UTF-8 file name");

    let (out, err, code) = diglot(&["check", "--verbose", d]);
    assert_plain("check", &out, false);
    assert_plain("check (stderr)", &err, false);
    assert_eq!(code, Some(1), "the hostile file has errors (invalid UTF-8)");
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("control characters"), "{text}");
    assert!(text.contains("hostile\u{241b}[31m"), "the file name is shown with a placeholder: {text}");

    let (out, err, code) = diglot(&["list", d]);
    assert_eq!(code, Some(0));
    assert_plain("list", &out, true);
    assert_plain("list (stderr)", &err, false);

    for lang in ["both", "en", "zh", "interleaved"] {
        // (from 2 columns: 1 is a usage error, a Chinese character takes two)
        for width in ["100", "44", "20", "2"] {
            let (out, err, code) = diglot(&["show", f, "--lang", lang, "--width", width]);
            assert_eq!(
                code,
                Some(0),
                "show --lang {lang} --width {width}: {}",
                String::from_utf8_lossy(&err)
            );
            assert_plain(&format!("show --lang {lang} --width {width}"), &out, false);
            let w: usize = width.parse().unwrap();
            for line in String::from_utf8_lossy(&out).lines() {
                assert!(diglot::text::width(line) <= w.max(1), "show --width {width}: {line:?}");
            }
        }
    }
    let (out, _, code) = diglot(&["show", "1", d]);
    assert_eq!(code, Some(0));
    assert_plain("show by position", &out, false);

    let (out, _, code) = diglot(&["align", f]);
    assert_eq!(code, Some(0));
    assert_plain("align", &out, true);

    let searches: [&[&str]; 5] = [
        &["search", "Hostile", d],
        &["search", "--scan", "red", d],
        &["search", "--scan", "pwned", d],
        &["search", "--full-text", "CSI", d],
        &["search", "--full-text", "pwned", d],
    ];
    for args in searches {
        let (out, err, code) = diglot(args);
        assert_eq!(code, Some(0), "{args:?}: {}", String::from_utf8_lossy(&err));
        assert!(!out.is_empty(), "{args:?} found nothing");
        assert_plain(&format!("{args:?}"), &out, true);
    }

    // an article name that is itself hostile: the error message is sanitized
    let (out, err, code) = diglot(&["show", "\x1b]0;pwned\x07nope"]);
    assert_eq!(code, Some(2));
    assert_plain("show error (stdout)", &out, false);
    assert_plain("show error (stderr)", &err, false);
}

#[test]
fn markdown_export_prints_no_control_bytes() {
    let dir = hostile_dir();
    let file = hostile_path(dir.path());
    let (out, err, code) = diglot(&["show", file.to_str().unwrap(), "--format", "markdown"]);
    assert_eq!(code, Some(0), "{}", String::from_utf8_lossy(&err));
    assert_plain("show --format markdown", &out, false);
}

/// JSON escapes C0 controls, but C1 controls (U+0080..U+009F, which terminals in UTF-8 mode
/// take as CSI, OSC...) and bidi overrides pass raw when the output goes to a terminal.
#[test]
fn json_output_escapes_c1_and_bidi_controls() {
    let dir = hostile_dir();
    let d = dir.path().to_str().unwrap();
    let file = hostile_path(dir.path());
    let f = file.to_str().unwrap();
    for args in [vec!["list", "--json", d], vec!["align", "--json", f], vec!["show", f, "--format", "json"]] {
        let (out, _, code) = diglot(&args);
        assert_eq!(code, Some(0), "{args:?}");
        assert_plain(&format!("{args:?}"), &out, false);
        serde_json::from_slice::<serde_json::Value>(&out).expect("valid JSON");
    }
}
