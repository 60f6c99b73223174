//! The dictionary: a lookup (goal: ≤ 1 ms), the longest match at a position, word-level
//! pinyin of a paragraph, segmentation, HSK counting. Loading happens once, before timing.
//!
//! `cargo bench --bench dict -- --warm-up-time 1 --measurement-time 3`
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use criterion::{criterion_group, criterion_main, Criterion};
use diglot::dict::{cedict, hsk, pinyin, segment};
use std::hint::black_box;

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

criterion_group!(benches, dict);
criterion_main!(benches);
