//! Criterion benchmarks of the full-text index (`diglot::fts`): queries on an index of a
//! generated corpus (examples/gen_corpus.rs).
//!
//! The corpus: `DIGLOT_FTS_DIR`, `DIGLOT_FTS_CACHE`, `DIGLOT_FTS_N` (see
//! `benches/support/fts_corpus.rs`).
//! Each query is parsed and run as the reader would (all hits, by date; `kwic_first_screen`
//! also reads the first 40 occurrences' articles; `freq` one term by year).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use diglot::fts::{self, Order};
use std::hint::black_box;
use std::time::Duration;

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod generate;

#[path = "support/fts_corpus.rs"]
mod fts_corpus;

const QUERIES: &[&str] = &[
    "人民公社",
    "公社",
    "生产",
    "commune",
    "\"people's commune\"",
    "人民公社 date:1958",
    "合作社 NEAR/10 公社",
    "人民 -公社",
];

fn bench(c: &mut Criterion) {
    let corpus = fts_corpus::corpus();
    let ix = fts_corpus::index(&corpus);
    let mut g = c.benchmark_group("fts_query");
    g.measurement_time(Duration::from_secs(5)).sample_size(20);
    for q in QUERIES {
        g.bench_with_input(BenchmarkId::from_parameter(q), q, |b, q| {
            b.iter(|| {
                let node = fts::parse(q).expect("query");
                black_box(ix.search(&node, Order::Date, &|| false).expect("search").map(|r| r.hits.len()))
            })
        });
    }
    g.finish();
    let mut g = c.benchmark_group("fts_kwic_first_screen");
    g.measurement_time(Duration::from_secs(5)).sample_size(10);
    g.bench_function("人民公社", |b| {
        b.iter(|| {
            let node = fts::parse("人民公社").expect("query");
            let r = ix.search(&node, Order::Date, &|| false).expect("search").unwrap_or_default();
            let mut lines = 0;
            for h in &r.hits {
                let a = fts::search::read_article(&ix.info(h).expect("info").path);
                lines += a.map_or(0, |a| fts::kwic_lines(&a, &node.positive_phrases()).len());
                if lines >= 40 {
                    break;
                }
            }
            black_box(lines)
        })
    });
    g.finish();
    let mut g = c.benchmark_group("fts_freq");
    g.measurement_time(Duration::from_secs(5)).sample_size(10);
    g.bench_function("人民公社", |b| {
        b.iter(|| {
            let q = fts::parse("人民公社").expect("query");
            black_box(
                fts::freq_rows(&ix, &[("人民公社", &q)], fts::Period::Year, fts::Norm::Articles, &|| {
                    false
                })
                .map(|r| r.map(|r| r.len())),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
