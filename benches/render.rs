//! Drawing one frame at 200x50: the app's `prepare` (a no-op unless the article or the width
//! changed) and `ui::render` into a buffer, for the shortest, a median and the longest article
//! of a generated collection, at the top and in the middle of the article, with a list of
//! 100,000 articles. Also the whole `Terminal::draw` (render + diff) on a test backend, and
//! opening an article (read, parse, align, lay out: once per article, not per frame).
//!
//! `cargo bench --bench render -- --warm-up-time 1 --measurement-time 3`
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use criterion::{criterion_group, criterion_main, Criterion};
use diglot::app::App;
use diglot::corpus::{self, Loaded};
use diglot::keys::Action;
use diglot::layout::View;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::hint::black_box;

const W: u16 = 200;
const H: u16 = 50;

struct Corpus {
    _dir: tempfile::TempDir,
    loaded: Loaded,
}

fn corpus() -> Corpus {
    let dir = tempfile::tempdir().expect("tempdir");
    gen_corpus::generate(dir.path(), 2000, 7, 0.0).expect("generate");
    let loaded = corpus::load_paths(&[dir.path().to_path_buf()]);
    Corpus { _dir: dir, loaded }
}

/// An app at 200x50 whose list holds 100,000 articles (the 2,000 generated ones, repeated
/// under other paths), with article `pick` (by size rank: 0 smallest, 1 median, 2 largest)
/// open in `view`, scrolled to its middle when `middle`.
fn app_with(c: &Corpus, pick: usize, view: View, middle: bool) -> App {
    let mut by_size: Vec<_> = c.loaded.articles.iter().collect();
    by_size.sort_by_key(|m| m.size);
    let target = match pick {
        0 => by_size[0].path.clone(),
        1 => by_size[by_size.len() / 2].path.clone(),
        _ => by_size[by_size.len() - 1].path.clone(),
    };
    let mut loaded = Loaded { summary: c.loaded.summary.clone(), ..Loaded::default() };
    for k in 0..50 {
        for m in &c.loaded.articles {
            let mut m = m.clone();
            if k > 0 {
                m.path = m.path.with_extension(format!("{k}.md"));
            }
            loaded.articles.push(m);
        }
    }
    loaded.sort();
    let mut app = App::with_loaded((W, H), loaded);
    let i = app.articles.iter().position(|m| m.path() == target).expect("the article is listed");
    app.select(i);
    app.set_view(view);
    app.prepare();
    if middle {
        app.act(Action::FocusReader);
        let rows = app.reader.layout.rows.len();
        for _ in 0..rows / 2 {
            app.act(Action::Down);
        }
    }
    app.prepare();
    app
}

fn frames(c: &mut Criterion) {
    let corpus = corpus();
    let area = Rect::new(0, 0, W, H);
    let mut g = c.benchmark_group("frame_200x50");
    for (name, pick, view, middle) in [
        ("shortest_both", 0, View::Both, false),
        ("median_both", 1, View::Both, false),
        ("longest_both_top", 2, View::Both, false),
        ("longest_both_middle", 2, View::Both, true),
        ("longest_interleaved_middle", 2, View::Interleaved, true),
    ] {
        let mut app = app_with(&corpus, pick, view, middle);
        let mut buf = Buffer::empty(area);
        g.bench_function(name, |b| {
            b.iter(|| {
                app.prepare();
                buf.reset();
                diglot::ui::render(black_box(&app), area, &mut buf);
                black_box(&buf);
            })
        });
    }
    // render + diff + backend, alternating two scroll positions so each frame changes
    let mut app = app_with(&corpus, 2, View::Both, true);
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(W, H)).expect("terminal");
    let mut down = true;
    g.bench_function("terminal_draw_longest_scrolling", |b| {
        b.iter(|| {
            app.act(if down { Action::Down } else { Action::Up });
            down = !down;
            app.prepare();
            term.draw(|f| diglot::ui::draw(&app, f)).expect("draw");
        })
    });
    g.finish();

    // once per article opened: read, parse, align and lay out the longest one
    let mut g = c.benchmark_group("open_article");
    let mut app = app_with(&corpus, 2, View::Both, false);
    let longest = app.list.selected;
    let other = if longest == 0 { 1 } else { longest - 1 };
    g.bench_function("longest_read_parse_align_layout", |b| {
        b.iter(|| {
            app.select(other);
            app.select(longest);
            app.prepare();
        })
    });
    g.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
