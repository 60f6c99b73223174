//! Reading Chinese in the reader (issue 17): the word cursor (`w`, `h` `l` `j` `k`, Esc), its
//! dictionary panel, pinyin rows (`p`), saving words (`a`), HSK colouring (`H`) and the count
//! in the header; driven headless through the app and drawn at 40, 60, 80, 120 and 200
//! columns, on an invented fixture article.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::row_text;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use diglot::app::{App, Effect, Focus, Mode, Msg};
use diglot::corpus::load_paths;
use diglot::layout::{Kind, Segment, TextId, View, GUTTER};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/words/learn.md");

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let e = app.feed(Msg::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))));
    app.check_invariants().unwrap_or_else(|e| panic!("after {code:?}: {e}"));
    e
}

fn ch(app: &mut App, c: char) -> Vec<Effect> {
    key(app, KeyCode::Char(c))
}

fn render(app: &App) -> Buffer {
    let buf = common::render(app);
    assert!(common::overdrawn_cells(&buf).is_empty(), "{:?}", common::overdrawn_cells(&buf));
    buf
}

fn status(app: &App) -> String {
    let buf = render(app);
    row_text(&buf, buf.area.height - 1, 0, buf.area.width)
}

/// The fixture article in the reader at `w` x `h`, the dictionary loaded (the reader loads
/// it in the background and is told with [`Msg::DictReady`]).
fn learn_app(w: u16, h: u16, dir: &Path) -> App {
    std::fs::copy(FIXTURE, dir.join("learn.md")).unwrap();
    diglot::dict::cedict::get();
    diglot::dict::segment::segmenter();
    let mut app = App::with_loaded((w, h), load_paths(&[dir.to_path_buf()]));
    app.prepare();
    app.feed(Msg::DictReady);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    app
}

fn cursor_word(app: &App) -> String {
    app.learn.cursor.as_ref().and_then(|c| c.info.as_ref()).map(|i| i.word.clone()).unwrap_or_default()
}

/// The row segments the cursor's word covers.
fn cursor_segments(app: &App) -> Vec<Segment> {
    let (p, t) = app.learn.cursor.as_ref().unwrap().at.unwrap();
    let tok = &app.reader.chinese.as_ref().unwrap().words[p][t];
    app.reader.layout.segments(TextId::Zh(p), tok.span())
}

/// Where a segment is drawn: (x, y) of its first column, when it is on screen.
fn screen_of(app: &App, g: &Segment) -> Option<(u16, u16)> {
    let area = app.reader_areas().0;
    let top = app.reader.top_row();
    if g.row < top || g.row >= top + usize::from(area.height) {
        return None;
    }
    let l = &app.reader.layout;
    let x0 = if g.right { l.left_width + GUTTER.chars().count() } else { 0 };
    Some((area.x + (x0 + g.cols.start) as u16, area.y + (g.row - top) as u16))
}

/// The cells of the reader's text area drawn in reverse video.
fn reversed(app: &App, buf: &Buffer) -> Vec<(u16, u16)> {
    let a = app.reader_areas().0;
    let mut out = Vec::new();
    for y in a.top()..a.bottom() {
        for x in a.left()..a.right() {
            if buf[(x, y)].modifier.contains(Modifier::REVERSED) {
                out.push((x, y));
            }
        }
    }
    out
}

#[test]
fn w_enters_on_the_first_chinese_word_shown_and_the_keys_move_and_leave() {
    let tmp = common::tempdir();
    let mut app = learn_app(80, 24, tmp.path());
    assert_eq!(app.mode, Mode::Browse);
    ch(&mut app, 'w');
    assert_eq!(app.mode, Mode::Word);
    // the body's first word (the header is not a paragraph)
    assert_eq!(cursor_word(&app), "本周");
    ch(&mut app, 'l');
    assert_eq!(cursor_word(&app), "重庆");
    key(&mut app, KeyCode::Right);
    // the longest dictionary word at the cursor: 人民银行, not jieba's 人民
    assert_eq!(cursor_word(&app), "人民银行");
    // and 采取行动 is one CC-CEDICT word
    ch(&mut app, 'l');
    assert_eq!(cursor_word(&app), "采取行动");
    ch(&mut app, 'l');
    assert_eq!(cursor_word(&app), "全市");
    ch(&mut app, 'h');
    assert_eq!(cursor_word(&app), "采取行动");
    ch(&mut app, 'h');
    assert_eq!(cursor_word(&app), "人民银行");
    key(&mut app, KeyCode::Left);
    assert_eq!(cursor_word(&app), "重庆");
    // h at the first word stays and says so
    ch(&mut app, 'h');
    ch(&mut app, 'h');
    assert_eq!(cursor_word(&app), "本周");
    assert!(status(&app).contains("the first word"), "{}", status(&app));
    // Esc leaves; the reader keeps the focus
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
    assert!(app.learn.cursor.is_none());
    assert_eq!(app.focus, Focus::Reader);
    // w twice: on and off
    ch(&mut app, 'w');
    ch(&mut app, 'w');
    assert_eq!(app.mode, Mode::Browse);
    // another key (]: next article) leaves it first
    ch(&mut app, 'w');
    ch(&mut app, ']');
    assert_eq!(app.mode, Mode::Browse);
    assert!(app.learn.cursor.is_none());
}

/// `q` leaves the word cursor as Esc does (as it closes the help, the log, the chart and the
/// concordance) instead of quitting the reader; the hint says so; a second `q` quits.
#[test]
fn q_leaves_the_word_cursor_as_esc_does_then_quits() {
    let tmp = common::tempdir();
    let mut app = learn_app(100, 30, tmp.path());
    ch(&mut app, 'w');
    assert_eq!(app.mode, Mode::Word);
    assert!(status(&app).contains("q/Esc leave"), "{}", status(&app));
    let e = ch(&mut app, 'q');
    assert!(!e.contains(&Effect::Quit) && !app.quit, "q quit from the word cursor");
    assert_eq!(app.mode, Mode::Browse);
    assert!(app.learn.cursor.is_none());
    assert_eq!(app.focus, Focus::Reader, "q only left the cursor");
    assert!(!status(&app).contains("leave"), "{}", status(&app));
    let e = ch(&mut app, 'q');
    assert!(e.contains(&Effect::Quit) || app.quit, "q from the reader quits");
}

#[test]
fn up_and_down_move_by_row_at_the_same_column_across_paragraphs() {
    let tmp = common::tempdir();
    let mut app = learn_app(80, 24, tmp.path());
    ch(&mut app, 'w');
    let start = cursor_segments(&app)[0].clone();
    let mut rows = vec![start.row];
    let mut paras = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let before = app.learn.cursor.clone();
        key(&mut app, KeyCode::Down);
        if app.learn.cursor == before {
            break;
        }
        let g = cursor_segments(&app);
        // below the word it left
        assert!(g.last().unwrap().row > *rows.last().unwrap(), "{g:?} after {rows:?}");
        rows.push(g.last().unwrap().row);
        paras.insert(app.learn.cursor.as_ref().unwrap().at.unwrap().0);
        // near the column it started from
        assert!(g.iter().any(|s| s.cols.start <= start.cols.start + 4), "{g:?} from {start:?}");
        // always on screen
        for s in &g {
            assert!(screen_of(&app, s).is_some(), "{s:?} off screen (top {})", app.reader.top_row());
        }
    }
    assert!(rows.len() > 8, "{rows:?}");
    assert!(paras.len() >= 3, "crosses paragraphs: {paras:?}");
    // and back up, row by row, to where it started
    for _ in 0..rows.len() {
        let before = cursor_segments(&app)[0].row;
        if before <= start.row {
            break;
        }
        ch(&mut app, 'k');
        assert!(cursor_segments(&app)[0].row < before);
    }
    assert_eq!(cursor_segments(&app)[0].row, start.row);
    // j moves down too (the word cursor's own keys)
    ch(&mut app, 'j');
    assert_eq!(cursor_segments(&app).last().unwrap().row, rows[1]);
}

/// Visits every word with `l` and checks the highlight is exactly the word's cells, across
/// wrapped rows and beside the gutter.
fn highlight_at(w: u16, h: u16) -> (usize, usize) {
    let tmp = common::tempdir();
    let mut app = learn_app(w, h, tmp.path());
    ch(&mut app, 'w');
    let (mut wrapped, mut at_gutter) = (0, 0);
    for _ in 0..300 {
        let segs = cursor_segments(&app);
        let buf = render(&app);
        let mut want = Vec::new();
        for g in &segs {
            let (x, y) = screen_of(&app, g).unwrap_or_else(|| panic!("{g:?} not shown at {w}x{h}"));
            want.extend((x..x + g.cols.len() as u16).map(|x| (x, y)));
            if g.right && g.cols.start == 0 {
                at_gutter += 1;
            }
        }
        want.sort_unstable();
        let mut got = reversed(&app, &buf);
        got.sort_unstable();
        assert_eq!(got, want, "{} at {w}x{h}", cursor_word(&app));
        // the word's characters are under the highlight
        let text: String = segs
            .iter()
            .map(|g| {
                let (x, y) = screen_of(&app, g).unwrap();
                row_text(&buf, y, x, x + g.cols.len() as u16)
            })
            .collect::<String>()
            .replace(' ', "");
        assert_eq!(text, cursor_word(&app), "at {w}x{h}");
        if segs.len() > 1 {
            wrapped += 1;
        }
        let before = app.learn.cursor.clone();
        ch(&mut app, 'l');
        if app.learn.cursor == before {
            break;
        }
    }
    (wrapped, at_gutter)
}

#[test]
fn the_highlight_covers_the_word_across_wrapped_rows_and_beside_the_gutter() {
    let mut wrapped = 0;
    for (w, h) in [(40, 20), (80, 24), (200, 40), (60, 20), (120, 35)] {
        let (wr, g) = highlight_at(w, h);
        wrapped += wr;
        if w >= 80 {
            assert!(g > 0, "a word beside the gutter at {w}: view both");
        }
    }
    assert!(wrapped > 0, "some word was wrapped across rows");
}

#[test]
fn the_panel_shows_the_word_its_pinyin_senses_hsk_and_glossary_at_each_size() {
    for (w, h, zoom) in [(60, 20, false), (80, 24, false), (120, 35, false), (120, 35, true)] {
        let tmp = common::tempdir();
        let mut app = learn_app(w, h, tmp.path());
        if zoom {
            ch(&mut app, 'z');
        }
        ch(&mut app, 'w');
        ch(&mut app, 'l');
        ch(&mut app, 'l');
        assert_eq!(cursor_word(&app), "人民银行");
        let (text, _, panel) = app.reader_panes();
        assert!(panel.height >= 5 && panel.width >= 20, "{panel:?} at {w}x{h}");
        // beside the text when wide, under it otherwise; never over it
        assert!(text.intersection(panel).is_empty());
        assert_eq!(panel.x > text.x, app.reader_areas().0.width + panel.width >= 100 && zoom, "{w} {zoom}");
        let buf = render(&app);
        let lines: Vec<String> =
            (panel.top()..panel.bottom()).map(|y| row_text(&buf, y, panel.left(), panel.right())).collect();
        let all = lines.join("\n");
        assert!(all.contains("人民银行 (人民銀行)  rénmínyínháng"), "{all}");
        assert!(all.contains("1. People's Bank of China"), "{all}");
        assert!(all.contains("no HSK level"), "{all}");
        // the article's own glossary entry
        assert!(
            all.contains("glossary: 人民银行") || all.contains("↓ 2 more") || all.contains("↓ 1 more"),
            "the glossary, or what is left: {all}"
        );
        // a common word: its HSK level and every sense, or what is left
        ch(&mut app, 'l');
        let all = (panel.top()..panel.bottom())
            .map(|y| row_text(&render(&app), y, panel.left(), panel.right()))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(all.contains("cǎiqǔxíngdòng") && all.contains("no HSK level"), "{all}");
        assert!(all.contains("1. to take action"), "{all}");
        if w >= 120 {
            assert!(status(&app).contains("a save  p pinyin  q/Esc leave"), "{}", status(&app));
        }
    }
}

#[test]
fn no_frame_waits_for_the_dictionary_the_panel_says_it_is_loading() {
    let tmp = common::tempdir();
    let mut app = learn_app(80, 24, tmp.path());
    // a dictionary that has not arrived yet
    app.learn.ready = || false;
    app.reader.chinese = None;
    ch(&mut app, 'w');
    assert_eq!(app.mode, Mode::Word);
    assert!(app.learn.cursor.as_ref().unwrap().at.is_none());
    let panel = app.reader_panes().2;
    let buf = render(&app);
    assert!(row_text(&buf, panel.y + 1, panel.x, panel.right()).contains("loading dictionary…"));
    // moving and saving meanwhile are harmless
    ch(&mut app, 'l');
    ch(&mut app, 'a');
    assert!(status(&app).contains("loading dictionary"), "{}", status(&app));
    // pinyin asked for meanwhile: said, and shown when it arrives
    ch(&mut app, 'p');
    assert!(!app.reader.layout.pinyin);
    // it arrives: the cursor goes on the first word, the panel fills, pinyin shows
    app.learn.ready = diglot::dict::cedict::ready;
    app.feed(Msg::DictReady);
    app.check_invariants().unwrap();
    assert_eq!(cursor_word(&app), "本周");
    assert!(app.reader.layout.pinyin);
    let buf = render(&app);
    assert!(row_text(&buf, panel.y + 1, panel.x, panel.right()).contains("本周"));
    // the status bar no longer says the dictionary is loading (it said so until the next key)
    assert!(!status(&app).contains("loading dictionary"), "{}", status(&app));
    // nor does an `a` said while loading, once it is there
    app.learn.ready = || false;
    ch(&mut app, 'p');
    ch(&mut app, 'a');
    app.learn.cursor.as_mut().unwrap().info = None;
    ch(&mut app, 'a');
    assert!(status(&app).contains("loading dictionary"), "{}", status(&app));
    app.learn.ready = diglot::dict::cedict::ready;
    app.feed(Msg::DictReady);
    assert!(!status(&app).contains("loading dictionary"), "{}", status(&app));
}

/// The screen positions of the characters of the first occurrence of `word` in the Chinese
/// paragraphs that is wholly on screen.
fn word_on_screen(app: &App, word: &str) -> Vec<(u16, u16)> {
    let l = &app.reader.layout;
    for t in &l.texts {
        if !matches!(t.id, TextId::Zh(_)) {
            continue;
        }
        for (b, _) in t.text.match_indices(word) {
            let at: Option<Vec<(u16, u16)>> = word
                .char_indices()
                .map(|(i, c)| screen_of(app, &l.segments(t.id, b + i..b + i + c.len_utf8())[0]))
                .collect();
            if let Some(at) = at {
                return at;
            }
        }
    }
    panic!("{word} not on screen (top {})", app.reader.top_row());
}

#[test]
fn pinyin_rows_sit_over_their_characters_and_polyphones_read_right_in_context() {
    for (w, h) in [(40, 40), (80, 40), (200, 40), (60, 20), (120, 35)] {
        let tmp = common::tempdir();
        let mut app = learn_app(w, h, tmp.path());
        ch(&mut app, 'p');
        assert!(app.reader.layout.pinyin);
        assert!(app
            .reader
            .layout
            .rows
            .iter()
            .any(|r| r.right.as_ref().unwrap_or(&r.left).kind == Kind::Pinyin));
        // the first 银行 (in the title the Chinese header has no pinyin: the body's) and 行动
        for (word, syl) in
            [("银行采取", ["yín", "háng", "cǎi", "qǔ"]), ("采取行动", ["cǎi", "qǔ", "xíng", "dòng"])]
        {
            let at = word_on_screen(&app, word);
            let buf = render(&app);
            for ((x, y), s) in at.iter().zip(syl) {
                if *y == 0 {
                    continue;
                }
                let above = row_text(&buf, y - 1, *x, (*x + s.chars().count() as u16).min(buf.area.right()));
                assert_eq!(above, s, "{word} at {w}x{h}");
            }
        }
        // p again: gone
        ch(&mut app, 'p');
        assert!(!app.reader.layout.pinyin);
    }
}

#[test]
fn pinyin_keeps_the_top_line_progress_search_hits_and_glossary_marks() {
    let tmp = common::tempdir();
    let mut app = learn_app(80, 24, tmp.path());
    for _ in 0..6 {
        ch(&mut app, 'j');
    }
    let top_text = |app: &App| app.reader.layout.rows[app.reader.top_row()].left.text.clone();
    let before = top_text(&app);
    ch(&mut app, 'p');
    assert_eq!(top_text(&app), before);
    ch(&mut app, 'p');
    assert_eq!(top_text(&app), before);
    ch(&mut app, 'p');
    // the end: 100%
    ch(&mut app, 'G');
    assert!(status(&app).contains("100%"), "{}", status(&app));
    ch(&mut app, 'g');
    // an in-article search: the hit's cells are the word's, spacing and all
    ch(&mut app, '/');
    for c in "公安".chars() {
        ch(&mut app, c);
    }
    key(&mut app, KeyCode::Enter);
    let buf = render(&app);
    let at = word_on_screen(&app, "公安");
    for (x, y) in &at {
        assert_eq!(buf[(*x, *y)].bg, Color::LightRed, "current hit at {x},{y}");
    }
    // and its pinyin row reads gōng ān over it
    let (x, y) = at[0];
    assert_eq!(row_text(&buf, y - 1, x, x + 4), "gōng");
    // the glossary's terms are underlined through the spacing
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'g');
    ch(&mut app, 'e');
    let buf = render(&app);
    let at = word_on_screen(&app, "重庆");
    for (x, y) in at {
        assert!(buf[(x, y)].modifier.contains(Modifier::UNDERLINED), "重庆 at {x},{y}");
    }
}

#[test]
fn a_saves_the_word_once_with_its_sentence_and_marks_it() {
    let tmp = common::tempdir();
    let mut app = learn_app(100, 30, tmp.path());
    let list = tmp.path().join("data/diglot/words.tsv");
    app.learn.words_path = Some(list.clone());
    app.perform(vec![Effect::LoadWords]);
    ch(&mut app, 'w');
    // to 银行 (the second 银行 of the first paragraph: 人民银行 is the first stop)
    while cursor_word(&app) != "银行" {
        ch(&mut app, 'l');
    }
    let rest = ch(&mut app, 'a');
    assert!(rest.is_empty(), "{rest:?}");
    assert!(status(&app).contains("saved 银行 (1 word)"), "{}", status(&app));
    let text = std::fs::read_to_string(&list).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let f: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(f[0], "银行");
    assert_eq!(f[1], "yínháng");
    assert!(f[2].contains("bank"), "{f:?}");
    assert_eq!(
        f[3],
        "本周，重庆人民银行采取行动：全市银行职工下乡帮助人民公社做好账目，西安公安局也派代表团来学习。"
    );
    assert!(f[4].starts_with("The People's Bank in Chongqing took action"), "{f:?}");
    assert!(f[5].contains("1958"), "{f:?}");
    // again: kept once
    ch(&mut app, 'a');
    assert!(status(&app).contains("already saved: 银行"), "{}", status(&app));
    assert_eq!(std::fs::read_to_string(&list).unwrap(), text);
    // marked where it stands elsewhere in the text (underlined, in its colour)
    key(&mut app, KeyCode::Esc);
    let buf = render(&app);
    let l = &app.reader.layout;
    let t = l.text(TextId::Zh(1)).unwrap();
    let b = t.text.find("银行").unwrap();
    let g = &l.segments(t.id, b..b + "银行".len())[0];
    let (x, y) = screen_of(&app, g).unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::UNDERLINED));
    assert_eq!(buf[(x, y)].fg, Color::Green);
    // a new app reads the list at start and marks it too
    let mut again = learn_app(100, 30, common::tempdir().path());
    again.learn.words_path = Some(list);
    again.perform(vec![Effect::LoadWords]);
    assert!(again.learn.saved.contains("银行"));
}

#[test]
fn hsk_colouring_and_the_count_beyond_the_level_in_the_header() {
    let tmp = common::tempdir();
    let mut app = learn_app(80, 30, tmp.path());
    let ch_ = app.reader.chinese.as_ref().unwrap();
    let b = ch_.beyond;
    assert!(b.words > 40 && b.beyond > 0 && b.beyond < b.words, "{b:?}");
    let header: Vec<&str> = app.reader.layout.texts.iter().map(|t| t.text.as_str()).collect();
    let note = format!("beyond HSK 4: {} of {} words ({} distinct)", b.beyond, b.words, b.distinct);
    assert!(header.contains(&note.as_str()), "{header:?}");
    let magenta = |app: &App| {
        let buf = render(app);
        buf.content.iter().filter(|c| c.fg == Color::Magenta).count()
    };
    assert_eq!(magenta(&app), 0, "off by default");
    ch(&mut app, 'H');
    assert!(magenta(&app) > 0);
    // 公社 (beyond level 4 or in none) coloured, 我们 (level 1) not
    let (x, y) = word_on_screen(&app, "公社")[0];
    assert_eq!(render(&app)[(x, y)].fg, Color::Magenta);
    ch(&mut app, 'H');
    assert_eq!(magenta(&app), 0);
}

#[test]
fn the_english_view_switches_to_a_view_with_chinese() {
    let tmp = common::tempdir();
    let mut app = learn_app(80, 24, tmp.path());
    app.set_view(View::English);
    ch(&mut app, 'w');
    assert_eq!(app.mode, Mode::Word);
    assert_eq!(app.view, View::Both);
    assert!(status(&app).contains("the word cursor is in the Chinese"), "{}", status(&app));
    // in view Chinese and interleaved too
    for view in [View::Chinese, View::Interleaved] {
        key(&mut app, KeyCode::Esc);
        app.set_view(view);
        ch(&mut app, 'w');
        assert_eq!(cursor_word(&app), "本周", "{view:?}");
        assert_eq!(app.view, view);
    }
}

#[test]
fn the_word_keys_are_rebindable_and_do_not_clash_with_the_others() {
    let cfg = diglot::config::Config::parse(
        "[keys]\nword_right = [\"x\"]\ndown = [\"j\"]\nword_cursor = [\"W\"]\n",
        Path::new("/cfg/config.toml"),
    )
    .unwrap();
    let tmp = common::tempdir();
    let mut app = learn_app(80, 24, tmp.path());
    app.configure(&cfg);
    ch(&mut app, 'w');
    assert_eq!(app.mode, Mode::Browse);
    ch(&mut app, 'W');
    assert_eq!(app.mode, Mode::Word);
    ch(&mut app, 'x');
    assert_eq!(cursor_word(&app), "重庆");
    // two word-cursor actions on one key are refused
    let e = diglot::config::Config::parse("[keys]\nword_left = [\"l\"]\n", Path::new("/c.toml")).unwrap_err();
    assert!(e.to_string().contains("word_right"), "{e}");
}

#[test]
fn a_click_on_a_chinese_word_puts_the_cursor_there() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let tmp = common::tempdir();
    let mut app = learn_app(80, 24, tmp.path());
    let click = |app: &mut App, (x, y): (u16, u16)| {
        let ev = MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        };
        app.feed(Msg::Term(Event::Mouse(ev)));
        app.check_invariants().unwrap();
    };
    // on the second character of 采取行动: the word cursor comes on, on it
    let at = word_on_screen(&app, "采取行动");
    click(&mut app, at[1]);
    assert_eq!(app.mode, Mode::Word);
    assert_eq!(cursor_word(&app), "采取行动");
    // on another word: moves there
    let at = word_on_screen(&app, "职工");
    click(&mut app, at[0]);
    assert_eq!(cursor_word(&app), "职工");
    // on the English: nothing changes
    let area = app.reader_areas().0;
    click(&mut app, (area.x + 2, area.y + 8));
    assert_eq!(cursor_word(&app), "职工");
}

fn dict_loads(effects: &[Effect]) -> usize {
    effects.iter().filter(|e| **e == Effect::LoadDict).count()
}

/// Two articles with Chinese (the fixture and the dictionary fixture) in a folder, read in
/// the reader before any learner's feature is used. The dictionary is loaded in this
/// process (so "not analysed" below is the app's choice, not the dictionary's absence).
fn historian_app(dir: &Path) -> (App, usize) {
    std::fs::copy(FIXTURE, dir.join("learn.md")).unwrap();
    let other = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dict_article.md");
    std::fs::copy(other, dir.join("other.md")).unwrap();
    diglot::dict::cedict::get();
    diglot::dict::segment::segmenter();
    let mut app = App::with_loaded((100, 30), load_paths(&[dir.to_path_buf()]));
    let mut loads = dict_loads(&app.start_effects());
    app.prepare();
    // open the reader, read on, go to the other article and back, scroll
    for code in [KeyCode::Enter, KeyCode::Char(' '), KeyCode::Tab, KeyCode::Char('j'), KeyCode::Enter] {
        loads += dict_loads(&key(&mut app, code));
        assert!(app.reader.chinese.is_none(), "the Chinese analysed after {code:?}");
    }
    for c in ['k', 'j', 'v', 'v', 'v', 'v'] {
        loads += dict_loads(&ch(&mut app, c));
    }
    assert!(app.reader.article.as_ref().is_some_and(|a| !a.zh.is_empty()));
    (app, loads)
}

#[test]
fn reading_articles_loads_no_dictionary_and_w_starts_it_once() {
    let tmp = common::tempdir();
    let (mut app, loads) = historian_app(tmp.path());
    assert_eq!(loads, 0, "the dictionary was asked for without a learner's feature");
    assert!(!app.learn.wanted);
    assert!(app.reader.chinese.is_none());
    // no count in the header: nothing of the dictionary was touched
    let buf = render(&app);
    let screen: String = (0..buf.area.height).map(|y| row_text(&buf, y, 0, buf.area.width)).collect();
    assert!(!screen.contains("beyond HSK"), "{screen}");
    // w: asked for, once; the panel says it is loading until it arrives
    app.learn.ready = || false;
    let e = ch(&mut app, 'w');
    assert_eq!(dict_loads(&e), 1, "{e:?}");
    assert_eq!(app.mode, Mode::Word);
    assert!(app.learn.cursor.as_ref().unwrap().at.is_none());
    let panel = app.reader_panes().2;
    let buf = render(&app);
    assert!(row_text(&buf, panel.y + 1, panel.x, panel.right()).contains("loading dictionary…"));
    // never again: leaving and coming back, pinyin, HSK colouring, another article
    let mut again = 0;
    for c in ['w', 'w', 'p', 'H', 'p', 'H'] {
        again += dict_loads(&ch(&mut app, c));
    }
    again += dict_loads(&key(&mut app, KeyCode::Esc));
    again += dict_loads(&app.feed(Msg::DictReady));
    assert_eq!(again, 0);
    // it arrives: analysed, the header's count shown
    app.learn.ready = diglot::dict::cedict::ready;
    app.feed(Msg::DictReady);
    assert!(app.reader.chinese.is_some());
    let rows = &app.reader.layout.rows;
    let note = |t: &str| t.contains("beyond HSK");
    assert!(rows.iter().any(|r| note(&r.left.text) || r.right.as_ref().is_some_and(|c| note(&c.text))));
}

#[test]
fn p_h_or_a_click_on_the_chinese_each_start_the_dictionary() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    for first in ['p', 'H'] {
        let tmp = common::tempdir();
        let (mut app, _) = historian_app(tmp.path());
        app.learn.ready = || false;
        let e = ch(&mut app, first);
        assert_eq!(dict_loads(&e), 1, "{first}: {e:?}");
        assert_eq!(dict_loads(&ch(&mut app, 'w')), 0, "{first} then w");
        app.learn.ready = diglot::dict::cedict::ready;
        app.feed(Msg::DictReady);
        if first == 'p' {
            assert!(app.reader.layout.pinyin, "pinyin rows when the dictionary arrives");
        }
    }
    // a click on a Chinese word before the dictionary is there: asked for, and the cursor goes
    // on that word when it arrives
    let tmp = common::tempdir();
    let mut app = learn_app(80, 24, tmp.path());
    app.learn.wanted = false;
    app.reader.chinese = None;
    app.learn.ready = || false;
    // the word's place, read from a layout with the dictionary, as the user sees it
    let at = {
        let mut seen = learn_app(80, 24, common::tempdir().path());
        seen.feed(Msg::DictReady);
        word_on_screen(&seen, "采取行动")[1]
    };
    let ev = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: at.0,
        row: at.1,
        modifiers: KeyModifiers::NONE,
    };
    let e = app.feed(Msg::Term(Event::Mouse(ev)));
    app.check_invariants().unwrap();
    assert_eq!(dict_loads(&e), 1, "{e:?}");
    assert_eq!(app.mode, Mode::Word);
    app.learn.ready = diglot::dict::cedict::ready;
    app.feed(Msg::DictReady);
    app.check_invariants().unwrap();
    assert_eq!(cursor_word(&app), "采取行动");
}

#[test]
fn pinyin_or_hsk_colouring_on_from_the_start_load_the_dictionary_at_start() {
    let mut app = App::new((80, 24));
    assert_eq!(dict_loads(&app.start_effects()), 0);
    let mut app2 = App::new((80, 24));
    let cfg = diglot::config::Config::parse("hsk_colour = true\n", Path::new("/c.toml")).unwrap();
    app2.configure(&cfg);
    assert_eq!(dict_loads(&app2.start_effects()), 1);
    assert_eq!(dict_loads(&app2.start_effects()), 0, "once");
    app.learn.pinyin = true; // as remembered in the state
    assert_eq!(dict_loads(&app.start_effects()), 1);
}
