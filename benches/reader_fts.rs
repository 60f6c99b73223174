//! Criterion benchmark of a query as the reader runs it on the full-text index (issue 15's
//! "in the reader ≤ 30 ms median per query"): [`diglot::app::FtsEngine::run`], that is the
//! parse, every matching article by date with its path (the list's rows), counts by year and
//! page, and the timeline of each term (the chart), on a generated corpus.
//!
//! `DIGLOT_FTS_DIR=/tmp/rmrb-10k` benchmarks an existing folder (indexed into
//! `$XDG_CACHE_HOME` as `diglot index` does); without it `DIGLOT_FTS_N` articles (default
//! 10,000) are generated into a temporary folder and indexed first.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use diglot::app::{Engine, FtsEngine, ResultOrder};
use diglot::fts::FtsIndex;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod generate;

/// What a reader types: a rare and a common phrase, English, a filtered query, two series.
const QUERIES: &[&str] = &["人民公社", "生产", "commune", "人民公社 date:1958", "人民公社,合作社"];

fn bench(c: &mut Criterion) {
    let (_tmp, dir) = match std::env::var("DIGLOT_FTS_DIR") {
        Ok(d) => (None, PathBuf::from(d)),
        Err(_) => {
            let n: usize = std::env::var("DIGLOT_FTS_N").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
            let t = tempfile::tempdir().expect("temp dir");
            let d = t.path().join("corpus");
            generate::generate(&d, n, 1, 0.0).expect("generate");
            (Some(t), d)
        }
    };
    let cache = diglot::corpus::index::default_cache_dir().expect("cache dir");
    let (ix, _) = FtsIndex::open_updated(std::slice::from_ref(&dir), Some(&cache), &|_, _| {}, &|| false)
        .expect("index");
    let engine = FtsEngine::new(ix);
    let mut g = c.benchmark_group("reader_query");
    g.measurement_time(Duration::from_secs(5)).sample_size(20);
    for q in QUERIES {
        g.bench_with_input(BenchmarkId::from_parameter(q), q, |b, q| {
            b.iter(|| {
                black_box(engine.run(q, ResultOrder::Date, &|| false).expect("query").map(|a| a.hits.len()))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
