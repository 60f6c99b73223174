//! The reader's research instruments (issue 15) driven by keys through the real app: the
//! index built in the background while the reader stays usable, Ctrl-f on the index (the scan
//! before), a query's error in the prompt line, the results' order, the timeline's year
//! narrowing, the concordance (Enter → paragraph pair → the article at the hit → Esc back),
//! and their drawing at 60x20, 80x24 and 120x35.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::research::{key, press, shown_titles, typed};
use crossterm::event::{KeyCode, KeyModifiers};
use diglot::app::{
    Answer, AnswerHit, App, Builder, ConcordLine, Engine, Focus, IndexStatus, Mode, Msg, QueryProblem,
    ResultOrder, Series, YearPoint,
};
use diglot::corpus::load_paths;
use diglot::fts::index::SegmentKind;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// A small engine over the files themselves (each query a phrase; `"` must be closed), so
/// that the app's state machine is tested alone; the real index is tested in
/// `research_index.rs`.
struct TextEngine {
    paths: Vec<PathBuf>,
}

fn phrase(q: &str) -> String {
    q.trim().trim_matches('"').to_string()
}

impl Engine for TextEngine {
    fn check(&self, query: &str) -> Result<(), QueryProblem> {
        match query.char_indices().filter(|(_, c)| *c == '"').count() % 2 {
            0 => Ok(()),
            _ => {
                let at = query.chars().position(|c| c == '"').unwrap();
                Err(QueryProblem { col: at + 1, msg: "a quote is not closed".into() })
            }
        }
    }

    fn run(&self, query: &str, order: ResultOrder, _: &dyn Fn() -> bool) -> Result<Option<Answer>, String> {
        let terms: Vec<String> = query.split(',').map(phrase).filter(|t| !t.is_empty()).collect();
        let mut a = Answer::default();
        let mut years: std::collections::BTreeMap<u32, (u64, u64)> = Default::default();
        let mut per_term: Vec<std::collections::BTreeMap<u32, (u64, u64)>> =
            vec![Default::default(); terms.len()];
        for p in &self.paths {
            let (art, _) = diglot::app::read_article(p).unwrap();
            let date =
                art.meta.date.map_or(0, |d| d.year as u32 * 10000 + d.month as u32 * 100 + d.day as u32);
            let text = &art.text;
            let y = date / 10000;
            let e = years.entry(y).or_default();
            e.0 += 1;
            e.1 += text.chars().count() as u64;
            let mut count = 0;
            for (t, m) in terms.iter().zip(per_term.iter_mut()) {
                let n = text.matches(t.as_str()).count() as u64;
                if n > 0 {
                    let e = m.entry(y).or_default();
                    e.0 += n;
                    e.1 += 1;
                }
                count += n as u32;
            }
            if count > 0 {
                a.hits.push(AnswerHit {
                    path: p.clone(),
                    date,
                    page: art.meta.page.unwrap_or(0),
                    count,
                    // newest first by relevance, to tell the orders apart
                    score: date as f32,
                });
            }
        }
        if order == ResultOrder::Relevance {
            a.hits.sort_by(|x, y| y.score.total_cmp(&x.score));
        }
        for h in &a.hits {
            *a.by_year.entry(h.date / 10000).or_default() += 1;
            *a.by_page.entry(h.page).or_default() += 1;
        }
        for (t, m) in terms.iter().zip(&per_term) {
            let pts = years
                .iter()
                .map(|(&y, &(arts, chars))| {
                    let (occ, with) = m.get(&y).copied().unwrap_or((0, 0));
                    YearPoint {
                        year: y,
                        occurrences: occ,
                        articles: with,
                        total_articles: arts,
                        total_chars: chars,
                    }
                })
                .collect();
            a.series.push(Series { term: t.clone(), years: pts });
        }
        Ok(Some(a))
    }

    fn concordance(&self, query: &str, paths: &[PathBuf], _: &dyn Fn() -> bool) -> Vec<ConcordLine> {
        let t = phrase(query);
        let mut out = Vec::new();
        for p in paths {
            let (art, _) = diglot::app::read_article(p).unwrap();
            for (zh, paras) in [(false, &art.en), (true, &art.zh)] {
                for (i, r) in paras.iter().enumerate() {
                    let para = &art.text[r.clone()];
                    for (at, m) in para.match_indices(t.as_str()) {
                        out.push(ConcordLine {
                            date: art.meta.date_string(),
                            page: art.meta.page.unwrap_or(0),
                            left: para[..at].to_string(),
                            hit: m.to_string(),
                            right: para[at + m.len()..].to_string(),
                            title: art.meta.title_en.clone(),
                            path: p.clone(),
                            segment: if zh { SegmentKind::Chinese } else { SegmentKind::English },
                            paragraph: i,
                            range: at..at + m.len(),
                        });
                    }
                }
            }
        }
        out
    }
}

/// A builder that waits for `gate` to open (the test decides when the build ends), and
/// reports progress as it goes.
fn gated_builder(paths: Vec<PathBuf>, gate: Arc<Mutex<bool>>) -> Builder {
    Arc::new(move |_roots, _files, progress, cancel| {
        progress(1, 4);
        loop {
            if *gate.lock().unwrap() {
                break;
            }
            if cancel() {
                return Err("cancelled".into());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        progress(4, 4);
        Ok(Arc::new(TextEngine { paths: paths.clone() }) as Arc<dyn Engine>)
    })
}

fn app_at(size: (u16, u16), open: bool) -> (tempfile::TempDir, App, Arc<Mutex<bool>>) {
    let dir = common::fixture_dir();
    let loaded = load_paths(&[dir.path().to_path_buf()]);
    let paths: Vec<PathBuf> = loaded.articles.iter().map(|m| m.path.clone()).collect();
    let mut app = App::with_loaded(size, loaded);
    let gate = Arc::new(Mutex::new(open));
    app.set_indexer(vec![dir.path().to_path_buf()], Some(gated_builder(paths, gate.clone())), true);
    // loading done: the index is built in the background
    app.feed(Msg::LoadDone);
    app.prepare();
    (dir, app, gate)
}

fn ready(app: &mut App) {
    assert!(app.wait_research(WAIT, |a| a.research().status == IndexStatus::Ready), "the index was built");
}

fn query(app: &mut App, q: &str) {
    common::research::query(app, q, WAIT);
}

fn draw(app: &App) -> Buffer {
    let (w, h) = app.size;
    let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
    diglot::ui::render(app, buf.area, &mut buf);
    buf
}

#[test]
fn the_reader_stays_usable_while_indexing_then_uses_the_index() {
    let (_dir, mut app, gate) = app_at((100, 30), false);
    assert!(app.wait_research(WAIT, |a| matches!(a.research().status, IndexStatus::Building { done: 1, .. })));
    let text = common::buffer_text(&draw(&app));
    assert!(text.contains("indexing 1/4"), "progress in the status bar:\n{text}");
    assert!(text.contains("Enter scans (index 25%)") || app.mode != Mode::FullText);
    // keys are handled before the build completes
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.list.selected, 2);
    // Ctrl-f scans meanwhile, and says so
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    typed(&mut app, "水车");
    key(&mut app, KeyCode::Enter);
    assert!(app.message.as_deref().unwrap_or("").contains("scanning (index 25% built)"), "{:?}", app.message);
    assert!(!app.index_results());
    key(&mut app, KeyCode::Esc);
    assert_ne!(app.research().status, IndexStatus::Ready);
    *gate.lock().unwrap() = true;
    ready(&mut app);
    query(&mut app, "水车");
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Labour"]);
}

#[test]
fn a_bad_query_shows_the_parsers_message_at_the_problem() {
    let (_dir, mut app, _gate) = app_at((100, 30), true);
    ready(&mut app);
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    typed(&mut app, "bridge \"unclosed");
    key(&mut app, KeyCode::Enter);
    // the prompt stays open with the message; the character at fault is marked
    assert_eq!(app.mode, Mode::FullText);
    let err = app.research().error.clone().expect("an error");
    assert_eq!(err.col, 8);
    let buf = draw(&app);
    let text = common::buffer_text(&buf);
    assert!(text.contains("query: column 8: a quote is not closed"), "{text}");
    let x = diglot::text::width("full text: bridge ") as u16;
    assert!(buf[(x, 0)].modifier.contains(ratatui::style::Modifier::REVERSED), "the quote is marked");
    // typing clears it; a good query runs
    key(&mut app, KeyCode::Char('"'));
    assert!(app.research().error.is_none());
    key(&mut app, KeyCode::Enter);
    assert!(app.wait_research(WAIT, |a| a.index_results()));
}

#[test]
fn results_by_relevance_and_back_with_the_order_in_the_header() {
    let (_dir, mut app, _gate) = app_at((120, 35), true);
    ready(&mut app);
    query(&mut app, "工人");
    assert_eq!(shown_titles(&app), ["Railway Workers Finish the New Bridge Ahead of Schedule", "Brief News"]);
    assert!(common::buffer_text(&draw(&app)).contains("2 articles by date"));
    key(&mut app, KeyCode::Char('R'));
    assert!(app.wait_research(WAIT, |a| a.index_results() && a.research().order == ResultOrder::Relevance));
    assert_eq!(shown_titles(&app), ["Brief News", "Railway Workers Finish the New Bridge Ahead of Schedule"]);
    assert!(common::buffer_text(&draw(&app)).contains("2 articles by relevance"));
}

#[test]
fn choosing_a_year_on_the_chart_narrows_and_backspace_widens() {
    let (_dir, mut app, _gate) = app_at((120, 35), true);
    ready(&mut app);
    query(&mut app, "工人");
    assert_eq!(app.shown_len(), 2);
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(app.mode, Mode::Chart);
    // the years of the index: 1955, 1958, 1966; the peak year chosen first; G: the last
    assert_eq!(app.research().selected_year(), Some(1955));
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.research().selected_year(), Some(1966));
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    assert_eq!(app.research().selected_year(), Some(1955));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(app.research().year, Some(1955));
    assert_eq!(shown_titles(&app), ["Railway Workers Finish the New Bridge Ahead of Schedule"]);
    assert!(common::buffer_text(&draw(&app)).contains("1955 only (1 of 2)"));
    key(&mut app, KeyCode::Backspace);
    assert_eq!(app.research().year, None);
    assert_eq!(app.shown_len(), 2);
    // Esc on the chart widens too, then leaves it
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(app.research().selected_year(), Some(1955), "the chart stays on the year chosen");
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.research().year, Some(1966));
    key(&mut app, KeyCode::Char('T'));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.research().year, None);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
}

#[test]
fn concordance_enter_previews_the_pair_then_opens_at_the_hit_and_esc_comes_back() {
    let (_dir, mut app, _gate) = app_at((120, 35), true);
    ready(&mut app);
    query(&mut app, "水车");
    key(&mut app, KeyCode::Char('K'));
    assert_eq!(app.mode, Mode::Kwic);
    assert!(app.wait_research(WAIT, |a| a.research().kwic.as_ref().is_some_and(|k| k.lines.is_some())));
    let n = app.research().kwic.as_ref().unwrap().lines.as_ref().unwrap().len();
    assert_eq!(n, 2, "水车 twice in the Chinese paragraphs");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    let p = app.research().kwic.as_ref().unwrap().preview.clone().expect("a preview");
    assert_eq!(p.line, 1);
    assert!(p.zh.contains("一台水车顶二十个人的劳动"), "{p:?}");
    assert!(p.en.contains("One wheel does the work of twenty people"), "the aligned English: {p:?}");
    let (zh, r) = p.hit.clone().unwrap();
    assert!(zh);
    assert_eq!(&p.zh[r], "水车");
    // the second Enter opens the article in the reader, at that hit
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Browse);
    assert_eq!(app.focus, Focus::Reader);
    assert_eq!(app.reader.article.as_ref().unwrap().meta.title_en, "A Wooden Water Wheel Saves Labour");
    let f = app.find.as_ref().expect("the hit highlighted");
    assert_eq!(f.prompt.text(), "水车");
    assert!(app.message.as_deref().unwrap_or("").starts_with("hit "), "{:?}", app.message);
    // Esc: the concordance again, on the same line
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Kwic);
    assert_eq!(app.research().kwic.as_ref().unwrap().sel, 1);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Browse);
    assert!(app.research().kwic.is_none());
}

/// The column where a line's hit starts (the first cell of the bold yellow run).
fn hit_column(buf: &Buffer, y: u16) -> Option<u16> {
    (0..buf.area.width)
        .find(|&x| buf[(x, y)].fg == ratatui::style::Color::Yellow && buf[(x, y)].symbol() != " ")
}

#[test]
fn drawn_at_60x20_80x24_120x35_within_bounds() {
    for size in [(60, 20), (80, 24), (120, 35)] {
        let (_dir, mut app, _gate) = app_at(size, true);
        ready(&mut app);
        query(&mut app, "工人,水车");
        let buf = draw(&app);
        assert!(common::overdrawn_cells(&buf).is_empty(), "{size:?}");
        let text = common::buffer_text(&buf);
        // the counts: two lines (years, pages) at 120, one collapsed line below
        assert_eq!(text.contains("pages p1:"), size.0 >= 100, "{size:?}:\n{text}");
        assert!(text.contains("3 articles by date"), "{size:?}:\n{text}");
        // the chart: compact at 60x20 and 80x24 (a label line, three rows of bars), taller
        // at 120x35; the keys' hints in the status bar
        let (_, chart) = app.research_rows(app.areas().list.height - 1);
        assert_eq!(chart, if size.1 >= 35 { 7 } else { 4 }, "{size:?}");
        assert!(text.contains("K KWIC"), "{size:?}:\n{text}");
        assert!(text.contains("1955 工人"), "the year chosen and its values: {size:?}:\n{text}");
        // the chart at any size while it has the keys
        key(&mut app, KeyCode::Char('T'));
        if size.1 >= 20 {
            assert!(common::buffer_text(&draw(&app)).contains("◀1955▶"), "{size:?}");
        }
        key(&mut app, KeyCode::Esc);
        // the concordance: the hits in one column, CJK counted double
        query(&mut app, "工人");
        key(&mut app, KeyCode::Char('K'));
        assert!(app.wait_research(WAIT, |a| a.research().kwic.as_ref().is_some_and(|k| k.lines.is_some())));
        let buf = draw(&app);
        assert!(common::overdrawn_cells(&buf).is_empty(), "{size:?}");
        let cols: Vec<u16> = (1..4).filter_map(|y| hit_column(&buf, y)).collect();
        assert!(cols.len() >= 2, "{size:?}: {cols:?}\n{}", common::buffer_text(&buf));
        assert!(cols.windows(2).all(|w| w[0] == w[1]), "hits aligned at {size:?}: {cols:?}");
        let row = common::row_text(&buf, 1, 0, size.0);
        assert_eq!(row.contains("1955-01-03"), size.0 >= 50, "{row}");
        assert_eq!(row.contains("Railway Workers"), size.0 >= 100, "the title where wide enough: {row}");
        key(&mut app, KeyCode::Enter);
        let buf = draw(&app);
        assert!(common::buffer_text(&buf).contains("paragraph pair"), "{size:?}");
        assert!(common::overdrawn_cells(&buf).is_empty(), "{size:?}");
    }
}

/// Waits for the snippets of the rows shown (made on a worker thread).
fn snippets_made(app: &mut App) {
    let ok = app.wait_research(WAIT, |a| {
        (0..a.shown_len())
            .filter_map(|i| a.shown(i))
            .all(|p| a.articles.get(p).is_some_and(|m| a.research().snippets.contains_key(&m.path())))
    });
    assert!(ok, "the snippets were made");
}

#[test]
fn index_results_show_each_first_hit_in_context() {
    for size in [(60, 20), (80, 24), (120, 35)] {
        let (_dir, mut app, _gate) = app_at(size, true);
        ready(&mut app);
        query(&mut app, "水车");
        snippets_made(&mut app);
        let buf = draw(&app);
        assert!(common::overdrawn_cells(&buf).is_empty(), "{size:?}");
        let text = common::buffer_text(&buf);
        // the title row, and under it the first hit in its paragraph, the count before it
        let snippet = text.lines().find(|l| l.contains("2× ")).unwrap_or_else(|| panic!("{size:?}:\n{text}"));
        assert!(snippet.contains("木制水车") || snippet.contains("水车，能把水"), "{size:?}: {snippet}");
        // the hit highlighted: its cells in the highlight colour
        let y = text.lines().position(|l| l.contains("2× ")).unwrap() as u16;
        let row = common::row_text(&buf, y, 0, size.0);
        let x = diglot::text::width(&row[..row.find("水车").unwrap()]) as u16;
        assert_eq!(buf[(x, y)].fg, ratatui::style::Color::Yellow, "{size:?}: {row}");
        insta::assert_snapshot!(format!("snippets_{}x{}", size.0, size.1), text);
    }
}

#[test]
fn a_snippet_fits_its_width_with_the_hit_in_sight_and_no_control_character() {
    use diglot::app::{ConcordLine, Snippet};
    let line = ConcordLine {
        date: "1958-08-01".into(),
        page: 2,
        left: "湖南一个公社造了一台木制\u{1b}[31m的很长很长很长很长很长的".repeat(3),
        hit: "水车".into(),
        right: "，能把水提高两公尺。\u{7}一台水车顶二十个人的劳动。".repeat(3),
        title: "A Wooden Water Wheel".into(),
        path: "/x.md".into(),
        segment: SegmentKind::Chinese,
        paragraph: 0,
        range: 0..6,
    };
    let s = Snippet { occurrences: 3, line: Some(line) };
    for w in [1usize, 5, 10, 24, 40, 57, 80, 117] {
        let (text, hit) = diglot::ui::snippet(&s, w).unwrap();
        assert!(diglot::text::width(&text) <= w, "{w}: {text}");
        assert!(!text.chars().any(char::is_control), "{w}: {text:?}");
        assert!(text.get(hit.clone()).is_some(), "{w}: a char boundary");
        if w >= 16 {
            assert_eq!(&text[hit.clone()], "水车", "{w}: {text}");
            assert!(text.starts_with("3× …"), "{w}: {text}");
            assert!(text.ends_with('…'), "{w}: {text}");
        }
        if w >= 40 {
            // more right context than left, each side near its share
            let (l, r) = (diglot::text::width(&text[..hit.start]), diglot::text::width(&text[hit.end..]));
            assert!(l < r && l + 4 >= (w - 4) * 2 / 5 - 2, "{w}: {l} {r} {text}");
        }
    }
    // a short left context gives its room to the right
    let short = Snippet {
        occurrences: 1,
        line: Some(ConcordLine { left: "湖南".into(), ..s.line.clone().unwrap() }),
    };
    let (text, hit) = diglot::ui::snippet(&short, 40).unwrap();
    assert!(text.starts_with("湖南水车"), "{text}");
    assert_eq!(hit.start, "湖南".len());
    assert!(diglot::text::width(&text) >= 39, "the row filled: {text}");
    assert!(diglot::ui::snippet(&Snippet { occurrences: 0, line: None }, 40).is_none());
}

/// Four terms (the most the chart takes) at the compact sizes: a row of bars for each, in its
/// own colour. The compact chart had three rows of bars, and the fourth term was cut off.
#[test]
fn four_terms_each_get_a_row_of_bars_at_60x20_and_80x24() {
    use ratatui::style::Color;
    for size in [(60, 20), (80, 24), (100, 30)] {
        let (_dir, mut app, _gate) = app_at(size, true);
        ready(&mut app);
        query(&mut app, "工人,水车,Bridge,the");
        assert_eq!(app.research().answer.as_ref().unwrap().series.len(), 4);
        let buf = draw(&app);
        let pane = app.areas().list;
        let (counts, chart) = app.research_rows(pane.height - 1);
        assert!(chart >= 5, "{size:?}: a label and four rows of bars, not {chart}");
        let bars = pane.y + 1 + counts + 1..pane.y + 1 + counts + chart;
        for color in [Color::Cyan, Color::Yellow, Color::Magenta, Color::Green] {
            let drawn = bars.clone().any(|y| {
                (pane.x..pane.x + pane.width).any(|x| buf[(x, y)].fg == color && buf[(x, y)].symbol() != " ")
            });
            assert!(drawn, "{size:?}: no bars in {color:?}\n{}", common::buffer_text(&buf));
        }
        assert!(common::overdrawn_cells(&buf).is_empty(), "{size:?}");
    }
}

/// Narrowed to a year, the pages line counts that year's results (it kept the whole query's
/// pages under "1955 only (1 of 2)").
#[test]
fn narrowed_to_a_year_the_pages_line_counts_that_years_results() {
    let (_dir, mut app, _gate) = app_at((120, 35), true);
    ready(&mut app);
    query(&mut app, "工人");
    let hits = app.research().answer.as_ref().unwrap().hits.clone();
    assert_eq!(hits.len(), 2);
    let page_1955 = hits.iter().find(|h| h.date / 10000 == 1955).unwrap().page;
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(app.research().selected_year(), Some(1955));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.research().year, Some(1955));
    let text = common::buffer_text(&draw(&app));
    let pages = text.lines().find_map(|l| l.trim_start().strip_prefix("pages ")).expect("a pages line");
    let pages = pages.split('│').next().unwrap().trim();
    assert_eq!(pages, format!("p{page_1955}:1"), "{text}");
    key(&mut app, KeyCode::Backspace);
    let text = common::buffer_text(&draw(&app));
    let pages = text.lines().find_map(|l| l.trim_start().strip_prefix("pages ")).expect("a pages line");
    let total: usize = pages
        .split('│')
        .next()
        .unwrap()
        .split_whitespace()
        .filter_map(|p| p.rsplit(':').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(total, 2, "{pages}");
}

/// A scan made while the index was being built said so ("scanning (index 25% built)"); once
/// the index is ready the status bar says that instead (it kept the scan's percentage, out
/// of date, and the notice went only to the message log).
#[test]
fn the_scans_notice_gives_way_to_the_index_ready_once_built() {
    let (_dir, mut app, gate) = app_at((100, 30), false);
    assert!(app.wait_research(WAIT, |a| matches!(a.research().status, IndexStatus::Building { done: 1, .. })));
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    typed(&mut app, "水车");
    key(&mut app, KeyCode::Enter);
    assert!(app.message.as_deref().unwrap_or("").contains("scanning (index 25% built)"), "{:?}", app.message);
    *gate.lock().unwrap() = true;
    ready(&mut app);
    let text = common::buffer_text(&draw(&app));
    assert!(!text.contains("scanning (index 25% built)"), "{text}");
    assert!(app.message.as_deref().unwrap_or("").starts_with("full-text index ready"), "{:?}", app.message);
}

/// While the chart has the keys, the status bar names them: the chart's label says
/// "←/→ Enter narrows" but is cut in the list's 40 columns at 100x30 (`←/→ En…`), and the
/// status bar kept the results' hints (`K KWIC  T chart  R order`).
#[test]
fn the_status_bar_names_the_charts_keys_while_it_has_them() {
    // (at 60 columns the status bar has no room for hints at all)
    for size in [(80, 24), (100, 30)] {
        let (_dir, mut app, _gate) = app_at(size, true);
        ready(&mut app);
        query(&mut app, "工人");
        key(&mut app, KeyCode::Char('T'));
        assert_eq!(app.mode, Mode::Chart);
        let buf = draw(&app);
        let last = common::row_text(&buf, size.1 - 1, 0, size.0);
        assert!(last.contains("Enter narrows") && last.contains("Esc back"), "{size:?}: {last}");
        key(&mut app, KeyCode::Esc);
        let buf = draw(&app);
        let last = common::row_text(&buf, size.1 - 1, 0, size.0);
        assert!(!last.contains("Enter narrows"), "{size:?}: {last}");
    }
}

/// In the concordance the status bar showed the list's position (`1/2` of the results) and the
/// results' keys; it shows the concordance's own line (`line i/n`) and its keys.
#[test]
fn the_concordance_status_bar_shows_its_own_line_and_keys() {
    for size in [(80, 24), (100, 30)] {
        let (_dir, mut app, _gate) = app_at(size, true);
        ready(&mut app);
        query(&mut app, "水车");
        let results = app.shown_len();
        key(&mut app, KeyCode::Char('K'));
        assert!(app.wait_research(WAIT, |a| a.research().kwic.as_ref().is_some_and(|k| k.lines.is_some())));
        let n = app.research().kwic.as_ref().unwrap().lines.as_ref().unwrap().len();
        assert!(n >= 2 && n != results, "{n} lines, {results} results: tell them apart");
        let last = |app: &App| common::row_text(&draw(app), size.1 - 1, 0, size.0);
        let s = last(&app);
        let of = diglot::text::count(results, "result");
        assert!(s.starts_with(&format!(" line 1/{n} · {of}")), "{size:?}: {s}");
        assert!(!s.contains(&format!(" 1/{results} ")), "{size:?}: the list's position: {s}");
        assert!(s.contains("s sort") && s.contains("Enter pair") && s.contains("Esc back"), "{size:?}: {s}");
        key(&mut app, KeyCode::Down);
        assert!(last(&app).starts_with(&format!(" line 2/{n} ")), "{size:?}: {}", last(&app));
        key(&mut app, KeyCode::Enter);
        let s = last(&app);
        assert!(s.contains("Enter opens at the hit") && s.contains("Esc closes"), "{size:?}: {s}");
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.mode, Mode::Browse);
        assert!(last(&app).starts_with(&format!(" 1/{results} ")), "{size:?}: {}", last(&app));
    }
}

/// While the index is written (every file handed to the indexer, the segments finished and
/// committed: 1-3 s at 10k) the status bar said `indexing 10,001/10,001` with nothing to say
/// it was still at work.
#[test]
fn the_status_bar_says_the_index_is_being_written_after_the_last_file() {
    let mut r = diglot::app::Research::default();
    r.status = IndexStatus::Building { done: 9_984, total: 10_001 };
    assert_eq!(r.status_text().as_deref(), Some("indexing 9,984/10,001"));
    r.status = IndexStatus::Building { done: 10_001, total: 10_001 };
    let t = r.status_text().unwrap();
    assert!(t.contains("writing the index"), "{t}");
}

/// The years line above the chart at 100x30 (a list of 40 columns) showed two years of
/// decades (`88 articles by date · years 1946:4 1947…`): when every year does not fit, it
/// gives the span and the busiest years, as many whole as fit, and the count and order move
/// to the pages line.
#[test]
fn the_years_line_gives_the_span_and_the_busiest_years_when_all_do_not_fit() {
    let by_year: std::collections::BTreeMap<u32, usize> = (1946..1990)
        .map(|y| {
            (
                y,
                if y == 1963 {
                    9
                } else if y == 1958 {
                    7
                } else {
                    (y % 5) as usize
                },
            )
        })
        .collect();
    let years: Vec<String> = by_year.iter().map(|(y, n)| format!("{y}:{n}")).collect();
    let pages = vec!["p1:12".to_string(), "p2:11".to_string()];
    for w in [40, 64] {
        let (head, second) = diglot::ui::counts_lines("88 articles", "by date", &by_year, &years, &pages, w);
        assert!(diglot::text::width(&head) <= w, "{w}: {head}");
        assert!(head.starts_with("years 1946–1989 · most 1963:9 1958:7"), "{w}: {head}");
        assert!(head.ends_with(" …"), "{w}: more years than shown: {head}");
        // whole entries only, the busiest first
        let shown: Vec<&str> =
            head.trim_end_matches(" …").split(" · most ").nth(1).unwrap().split(' ').collect();
        let counts: Vec<usize> =
            shown.iter().map(|e| e.split(':').nth(1).unwrap().parse().unwrap()).collect();
        assert!(counts.windows(2).all(|c| c[0] >= c[1]), "{w}: {head}");
        // no room for one more
        assert!(diglot::text::width(&head) + " 1947:2".len() > w - 2, "{w}: {head}");
        assert_eq!(second, "88 articles by date · pages p1:12 p2:11");
    }
    // every year fits: all of them, in order, as before
    let few: std::collections::BTreeMap<u32, usize> = [(1955, 1), (1958, 2)].into_iter().collect();
    let fy: Vec<String> = few.iter().map(|(y, n)| format!("{y}:{n}")).collect();
    let (head, second) = diglot::ui::counts_lines("3 articles", "by date", &few, &fy, &pages, 40);
    assert_eq!(head, "3 articles by date · years 1955:1 1958:2");
    assert_eq!(second, "pages p1:12 p2:11");
}

/// A query with no match drew a counts line of zeros (`0 articles by date · years`, `pages`)
/// and the chart's label and empty bar (`1960 May 0.0 · per M chars`) above "No match.";
/// now "No match." stands alone under the prompt, and `T` says there is nothing to chart.
#[test]
fn a_query_with_no_match_draws_no_counts_and_no_chart() {
    for size in [(60, 20), (80, 24), (120, 35)] {
        let (_dir, mut app, _gate) = app_at(size, true);
        ready(&mut app);
        query(&mut app, "zzqqxx");
        assert!(app.research().answer.as_ref().unwrap().hits.is_empty());
        let buf = draw(&app);
        let pane = app.areas().list;
        assert_eq!(app.research_rows(pane.height - 1), (0, 0), "{size:?}");
        let text = common::buffer_text(&buf);
        let below = common::row_text(&buf, pane.y + 1, pane.x, pane.x + pane.width);
        assert!(below.starts_with("No match."), "{size:?}: right under the prompt:\n{text}");
        for word in ["0.0", "per M chars", "years", "pages", "▁"] {
            assert!(!text.contains(word), "{size:?}: {word:?} drawn:\n{text}");
        }
        key(&mut app, KeyCode::Char('T'));
        assert_ne!(app.mode, Mode::Chart, "{size:?}");
        assert!(app.message.as_deref().unwrap_or("").contains("no match"), "{:?}", app.message);
    }
}

/// An engine that answers as [`TextEngine`] does, its concordance made by `F` (given the
/// text engine, the query, the paths and the cancel).
struct Concordance<F>(TextEngine, F);

impl<F> Engine for Concordance<F>
where
    F: Fn(&TextEngine, &str, &[PathBuf], &dyn Fn() -> bool) -> Vec<ConcordLine> + Send + Sync,
{
    fn check(&self, query: &str) -> Result<(), QueryProblem> {
        self.0.check(query)
    }
    fn run(
        &self,
        query: &str,
        order: ResultOrder,
        cancel: &dyn Fn() -> bool,
    ) -> Result<Option<Answer>, String> {
        self.0.run(query, order, cancel)
    }
    fn concordance(&self, query: &str, paths: &[PathBuf], cancel: &dyn Fn() -> bool) -> Vec<ConcordLine> {
        (self.1)(&self.0, query, paths, cancel)
    }
}

/// The fixture at 100x30, its index a [`Concordance`] made with `f`, built and ready.
fn concordance_app<F>(f: F) -> (tempfile::TempDir, App)
where
    F: Fn(&TextEngine, &str, &[PathBuf], &dyn Fn() -> bool) -> Vec<ConcordLine>
        + Send
        + Sync
        + Clone
        + 'static,
{
    let dir = common::fixture_dir();
    let loaded = load_paths(&[dir.path().to_path_buf()]);
    let paths: Vec<PathBuf> = loaded.articles.iter().map(|m| m.path.clone()).collect();
    let mut app = App::with_loaded((100, 30), loaded);
    let builder: Builder = Arc::new(move |_roots, _files, _progress, _cancel| {
        Ok(Arc::new(Concordance(TextEngine { paths: paths.clone() }, f.clone())) as Arc<dyn Engine>)
    });
    app.set_indexer(vec![dir.path().to_path_buf()], Some(builder), true);
    app.feed(Msg::LoadDone);
    app.prepare();
    ready(&mut app);
    (dir, app)
}

/// At 430,000 articles the concordance's status bar said `line 13280/13,280`: the line
/// chosen without the thousands separator its count has. Both have it now.
#[test]
fn the_concordance_line_number_has_the_thousands_separator_of_its_count() {
    // a concordance of thousands: each line 600 times
    let (_dir, mut app) = concordance_app(|e, q, p, c| {
        e.concordance(q, p, c).iter().flat_map(|l| std::iter::repeat_n(l.clone(), 600)).collect()
    });
    query(&mut app, "水车");
    key(&mut app, KeyCode::Char('K'));
    assert!(app.wait_research(WAIT, |a| a.research().kwic.as_ref().is_some_and(|k| k.lines.is_some())));
    let n = app.research().kwic.as_ref().unwrap().lines.as_ref().unwrap().len();
    assert!(n >= 1200, "{n}");
    key(&mut app, KeyCode::End);
    let last = common::row_text(&draw(&app), 29, 0, 100);
    // 1,200 and over: one comma
    let n = format!("{},{:03}", n / 1000, n % 1000);
    assert!(last.starts_with(&format!(" line {n}/{n} · ")), "{last}");
}

/// `q` in an overlay: the help, the message log and the chart closed on q, but the
/// concordance quit the reader; and on the chart at 100x30, whose bars stay with the
/// results, q seemed to do nothing, the hints naming Esc alone. Now the quit key closes each
/// overlay as Esc does (the concordance's preview first), the hints and the help say so, and
/// q quits from the list.
#[test]
fn q_closes_each_overlay_and_quits_from_the_list() {
    use crossterm::event::{Event, KeyEvent};
    use diglot::app::Effect;
    let (_dir, mut app, _gate) = app_at((100, 30), true);
    ready(&mut app);
    query(&mut app, "水车");
    let q = |app: &mut App| {
        let e = app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE))));
        app.prepare();
        app.check_invariants().unwrap();
        e.contains(&Effect::Quit)
    };
    let last = |app: &App| common::row_text(&draw(app), 29, 0, 100);
    // the concordance, its preview open
    key(&mut app, KeyCode::Char('K'));
    assert!(app.wait_research(WAIT, |a| a.research().kwic.as_ref().is_some_and(|k| k.lines.is_some())));
    assert!(last(&app).contains("q/Esc back"), "{}", last(&app));
    key(&mut app, KeyCode::Enter);
    assert!(app.research().kwic.as_ref().unwrap().preview.is_some());
    assert!(last(&app).contains("q/Esc closes"), "{}", last(&app));
    assert!(!q(&mut app), "q quit from the concordance");
    assert_eq!(app.mode, Mode::Kwic);
    assert!(app.research().kwic.as_ref().unwrap().preview.is_none());
    assert!(!q(&mut app));
    assert_eq!(app.mode, Mode::Browse);
    assert!(app.research().kwic.is_none());
    // the chart
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(app.mode, Mode::Chart);
    assert!(last(&app).contains("q/Esc back"), "{}", last(&app));
    assert!(!q(&mut app));
    assert_eq!(app.mode, Mode::Browse);
    assert!(!last(&app).contains("Enter narrows"), "{}", last(&app));
    // the help, which says it
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.mode, Mode::Help { .. }));
    key(&mut app, KeyCode::Char('G'));
    let help = common::buffer_text(&draw(&app));
    assert!(help.contains("close help, log, chart, concordance; leave a cursor"), "{help}");
    assert!(!q(&mut app));
    assert_eq!(app.mode, Mode::Browse);
    // the message log
    key(&mut app, KeyCode::Char('L'));
    assert!(matches!(app.mode, Mode::Log { .. }));
    assert!(!q(&mut app));
    assert_eq!(app.mode, Mode::Browse);
    // and from the list, q quits
    assert!(q(&mut app));
}

/// `人民公社,合作社` at 430k: the first term occurs nowhere, and the chart started on the
/// last year (1989, its bar empty, the label `1989 人民公社 0.0 合作社 0.0`) while the second
/// term's bars stood at 1953 and 1958. It starts on the peak year of the first term that occurs.
#[test]
fn the_chart_starts_on_the_peak_of_the_first_term_that_occurs() {
    let (_dir, mut app, _gate) = app_at((120, 35), true);
    ready(&mut app);
    query(&mut app, "工人");
    let peak = app.research().selected_year();
    assert_eq!(peak, Some(1955));
    query(&mut app, "没有这个词,工人");
    assert_eq!(app.research().answer.as_ref().unwrap().series.len(), 2);
    assert_eq!(app.research().selected_year(), peak, "not the last year, 1966");
    key(&mut app, KeyCode::Char('T'));
    let label = common::buffer_text(&draw(&app));
    assert!(label.contains("◀1955▶"), "{label}");
}

/// The fixture, its index's concordance slow (it waits for the gate after the first
/// article): the app, the gate, whether it was stopped.
fn slow_concordance_app() -> (tempfile::TempDir, App, Arc<Mutex<bool>>, Arc<Mutex<bool>>) {
    let (gate, stopped) = (Arc::new(Mutex::new(false)), Arc::new(Mutex::new(false)));
    let (g, s) = (gate.clone(), stopped.clone());
    // reads the first article, then waits for the gate (`s`: whether it was told to stop)
    let (dir, app) = concordance_app(move |e, q, paths, cancel| {
        for (i, _) in paths.iter().enumerate() {
            while i == 1 && !*g.lock().unwrap() {
                std::thread::sleep(Duration::from_millis(5));
            }
            if cancel() {
                *s.lock().unwrap() = true;
                return Vec::new();
            }
        }
        e.concordance(q, paths, &|| false)
    });
    (dir, app, gate, stopped)
}

/// At 430,000 articles the concordance of a common word (`commune`: 254,269 results,
/// 575,392 lines) took 45 s in which it said `reading the articles…` alone. It gives the
/// articles read of all (`reading the articles… 1/2`) until the lines come.
#[test]
fn the_concordance_shows_the_articles_read_while_it_is_made() {
    let (_dir, mut app, gate, _stopped) = slow_concordance_app();
    query(&mut app, "工人");
    let results = app.shown_len();
    assert_eq!(results, 2);
    key(&mut app, KeyCode::Char('K'));
    let one = |a: &App| a.research().kwic.as_ref().and_then(|k| k.progress()) == Some((1, 2));
    assert!(app.wait_research(WAIT, one), "{:?}", app.research().kwic.as_ref().map(|k| k.progress()));
    let text = common::buffer_text(&draw(&app));
    assert!(text.contains("reading the articles… 1/2"), "{text}");
    *gate.lock().unwrap() = true;
    assert!(app.wait_research(WAIT, |a| a.research().kwic.as_ref().is_some_and(|k| k.lines.is_some())));
    assert_eq!(app.research().kwic.as_ref().unwrap().progress(), None);
    assert!(!common::buffer_text(&draw(&app)).contains("reading the articles"));
}

/// Closing the concordance (Esc, q) while its lines were being made left them being made: at
/// 430k, `commune`'s thread read on for half a minute, a core busy for lines no one would see.
/// It is stopped.
#[test]
fn closing_the_concordance_stops_the_making_of_its_lines() {
    for close in [KeyCode::Esc, KeyCode::Char('q')] {
        let (_dir, mut app, gate, stopped) = slow_concordance_app();
        query(&mut app, "工人");
        key(&mut app, KeyCode::Char('K'));
        let one = |a: &App| a.research().kwic.as_ref().and_then(|k| k.progress()) == Some((1, 2));
        assert!(app.wait_research(WAIT, one));
        key(&mut app, close);
        assert!(app.research().kwic.is_none());
        *gate.lock().unwrap() = true;
        let start = std::time::Instant::now();
        while !*stopped.lock().unwrap() && start.elapsed() < WAIT {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(*stopped.lock().unwrap(), "{close:?}: the lines were made on");
    }
}

/// An index from before, opened and checked against the files (at 430k for a minute, the
/// status bar saying `indexing…`), has not counted the files yet: Ctrl-f said `scanning
/// (index 0% built)` and K `the concordance needs the full-text index (index 0% built)`,
/// as if nothing were built. Until the build has counted the files, they say `index not
/// ready`; then `index 25% built` as before.
#[test]
fn before_the_files_are_counted_the_index_is_not_said_0_percent_built() {
    let dir = common::fixture_dir();
    let loaded = load_paths(&[dir.path().to_path_buf()]);
    let paths: Vec<PathBuf> = loaded.articles.iter().map(|m| m.path.clone()).collect();
    let mut app = App::with_loaded((100, 30), loaded);
    // no progress until the gate opens (the files not counted yet), then 1 of 4
    let (gate, counted) = (Arc::new(Mutex::new(false)), Arc::new(Mutex::new(false)));
    let (g, c) = (gate.clone(), counted.clone());
    let builder: Builder = Arc::new(move |_roots, _files, progress, cancel| {
        while !*g.lock().unwrap() {
            if cancel() {
                return Err("cancelled".into());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        progress(1, 4);
        while !*c.lock().unwrap() {
            if cancel() {
                return Err("cancelled".into());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(Arc::new(TextEngine { paths: paths.clone() }) as Arc<dyn Engine>)
    });
    app.set_indexer(vec![dir.path().to_path_buf()], Some(builder), true);
    app.feed(Msg::LoadDone);
    app.prepare();
    assert!(
        app.wait_research(WAIT, |a| matches!(a.research().status, IndexStatus::Building { total: 0, .. }))
    );
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    typed(&mut app, "水车");
    let text = common::buffer_text(&draw(&app));
    assert!(text.contains("Enter scans") && !text.contains("0%"), "{text}");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.message.as_deref(), Some("scanning (index not ready)"));
    key(&mut app, KeyCode::Char('K'));
    assert_eq!(app.message.as_deref(), Some("the concordance needs the full-text index (index not ready)"));
    // counted: the percentage
    *gate.lock().unwrap() = true;
    assert!(app.wait_research(WAIT, |a| matches!(a.research().status, IndexStatus::Building { done: 1, .. })));
    key(&mut app, KeyCode::Char('K'));
    assert_eq!(app.message.as_deref(), Some("the concordance needs the full-text index (index 25% built)"));
    *counted.lock().unwrap() = true;
    ready(&mut app);
}

/// Ctrl-f before the index is ready scans for the text as typed: `date:1958 水车` answered
/// "No match." with no reason. Now the status bar and the list say which part needs the
/// index and how far it is; a plain phrase is scanned as before, without the note.
#[test]
fn a_filter_the_scan_cannot_answer_says_why() {
    let (_dir, mut app, gate) = app_at((100, 30), false);
    assert!(app.wait_research(WAIT, |a| matches!(a.research().status, IndexStatus::Building { done: 1, .. })));
    let scanned = |app: &mut App| {
        for _ in 0..1000 {
            app.feed(Msg::SearchReady);
            app.prepare();
            if app.fulltext.as_ref().is_some_and(|f| f.results.is_some()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the scan did not end");
    };
    for (q, what) in [("date:1958 水车", "date:"), ("水车 OR 公社", "OR"), ("title:水车", "title:")] {
        press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
        press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
        typed(&mut app, q);
        key(&mut app, KeyCode::Enter);
        let said = app.message.clone().unwrap_or_default();
        assert!(
            said.starts_with(&format!("{what} needs the full-text index (index 25% built)")),
            "{q}: {said}"
        );
        assert!(said.contains("the scan looks for the text as typed"), "{q}: {said}");
        scanned(&mut app);
        let text = common::buffer_text(&draw(&app));
        assert!(text.contains("No match."), "{q}:\n{text}");
        assert!(text.contains(&format!("{what} needs the full-text")), "{q}: the list says why:\n{text}");
        key(&mut app, KeyCode::Esc);
    }
    // a phrase alone: scanned, found, no note
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    typed(&mut app, "水车");
    key(&mut app, KeyCode::Enter);
    assert!(app.message.as_deref().unwrap_or("").contains("scanning (index 25% built)"), "{:?}", app.message);
    scanned(&mut app);
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Labour"]);
    assert!(app.fulltext.as_ref().unwrap().note.is_none());
    *gate.lock().unwrap() = true;
}
