//! The dictionary: a lookup (goal: ≤ 1 ms), the longest match at a position, word-level
//! pinyin of a paragraph, segmentation, HSK counting. Loading happens once, before timing.
//! And the reader's side (issue 17): analysing an article's Chinese when it arrives (once
//! per article), one word cursor move with its lookup (`update` for the key `l`), and a
//! frame with the cursor, its panel and pinyin rows drawn at 120x40.
//!
//! `cargo bench --bench dict -- --warm-up-time 1 --measurement-time 3`
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use criterion::{criterion_group, criterion_main, Criterion};
use diglot::dict::{cedict, hsk, pinyin, segment};
use std::hint::black_box;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use diglot::app::{App, Msg};

const PARA: &str = "新华社北京二十五日电　毛泽东同志在中共中央召开的会议上指出，我们必须采取行动，\
发展银行和农业，重庆和长城一带的人民公社正在成长壮大，这是十分重要的。";

fn dict(c: &mut Criterion) {
    let d = cedict::get();
    segment::segmenter();
    let mut g = c.benchmark_group("dict");
    g.bench_function("lookup_word", |b| b.iter(|| d.lookup(black_box("银行"))));
    g.bench_function("lookup_char", |b| b.iter(|| d.lookup(black_box("行"))));
    g.bench_function("lookup_missing", |b| b.iter(|| d.lookup(black_box("银行行行"))));
    g.bench_function("longest_match", |b| b.iter(|| segment::longest_match(black_box(PARA), black_box(20))));
    g.bench_function("segment_paragraph", |b| b.iter(|| segment::words(black_box(PARA))));
    g.bench_function("pinyin_paragraph", |b| b.iter(|| pinyin::paragraph(black_box(PARA))));
    g.bench_function("hsk_count_paragraph", |b| b.iter(|| hsk::count_beyond(black_box(PARA), 4)));
    g.finish();
}

fn key(app: &mut App, c: char) {
    app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))));
}

fn reader(c: &mut Criterion) {
    cedict::get();
    segment::segmenter();
    let mut app = App::with_loaded((120, 40), diglot::corpus::load_paths(&[]));
    app.prepare();
    app.feed(Msg::DictReady);
    app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))));
    let article = app.reader.article.clone().expect("the seed article");
    let mut g = c.benchmark_group("reader");
    g.bench_function("analyse_article", |b| b.iter(|| diglot::app::words_analyse(black_box(&article), 4)));
    key(&mut app, 'w');
    g.bench_function("cursor_move", |b| {
        b.iter(|| {
            let before = app.learn.cursor.clone();
            key(&mut app, 'l');
            if app.learn.cursor == before {
                key(&mut app, 'w');
                key(&mut app, 'w');
            }
        })
    });
    key(&mut app, 'p');
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    g.bench_function("frame_cursor_panel_pinyin", |b| {
        b.iter(|| {
            buf.reset();
            diglot::ui::render(black_box(&app), area, &mut buf);
        })
    });
    g.finish();
}

criterion_group!(benches, dict, reader);
criterion_main!(benches);
