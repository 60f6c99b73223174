//! Loading: parsing one article (in full, and its head only), loading a generated collection of 2,000 articles with and
//! without the persistent index, and the index's encoding. The whole-process figures at
//! 10k/100k/430k articles are in docs/BENCHMARKS.md (hyperfine).
//!
//! `cargo bench --bench load -- --warm-up-time 1 --measurement-time 3`
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[allow(dead_code)]
#[path = "../examples/gen_corpus.rs"]
mod gen_corpus;

use criterion::{criterion_group, criterion_main, Criterion};
use diglot::corpus::{self, index, load};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

fn loading(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    gen_corpus::generate(dir.path(), 2000, 3, 0.0).expect("generate");
    let roots = vec![dir.path().join("rmrb")];
    // older than the index's "racy" window, so the index trusts the files
    let (files, _) = load::discover(&roots);
    let past = SystemTime::now() - Duration::from_secs(3600);
    for f in &files {
        std::fs::File::options().write(true).open(f).and_then(|h| h.set_modified(past)).expect("set mtime");
    }
    let mut sizes: Vec<(u64, PathBuf)> =
        files.iter().map(|p| (std::fs::metadata(p).map_or(0, |m| m.len()), p.clone())).collect();
    sizes.sort();

    let mut g = c.benchmark_group("parse");
    for (name, (_, path)) in [("median", &sizes[sizes.len() / 2]), ("longest", &sizes[sizes.len() - 1])] {
        let bytes = std::fs::read(path).expect("read");
        g.throughput(criterion::Throughput::Bytes(bytes.len() as u64));
        g.bench_function(name, |b| b.iter(|| corpus::parse_bytes(black_box(path), black_box(&bytes))));
        // what a cold open and `check` parse: the head only, the bytes borrowed
        g.bench_function(format!("head_{name}"), |b| {
            b.iter(|| corpus::parse_head(black_box(path), black_box(&bytes)))
        });
    }
    g.finish();

    let total: u64 = sizes.iter().map(|s| s.0).sum();
    let mut g = c.benchmark_group("load_2000");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Bytes(total));
    g.bench_function("load_paths", |b| b.iter(|| corpus::load_paths(black_box(&roots))));
    let cache = dir.path().join("cache");
    let mut first = load::load_stream_indexed(&roots, 512, Some(&cache), &|_| {}, &|| false);
    first.save().expect("index written");
    g.bench_function("load_stream_indexed_warm", |b| {
        b.iter(|| {
            let n = std::sync::atomic::AtomicUsize::new(0);
            let done = load::load_stream_indexed(
                &roots,
                512,
                Some(&cache),
                &|ev| {
                    n.fetch_add(ev.outcomes.len(), std::sync::atomic::Ordering::Relaxed);
                },
                &|| false,
            );
            assert_eq!(done.report.reused, files.len());
            n.into_inner()
        })
    });
    g.finish();

    let canon = index::canonical_roots(&roots).expect("roots");
    let file = index::index_file(&cache, &canon);
    let bytes = std::fs::read(&file).expect("index");
    let mut g = c.benchmark_group("index_2000");
    g.throughput(criterion::Throughput::Bytes(bytes.len() as u64));
    g.bench_function("decode", |b| {
        b.iter(|| index::Index::decode(black_box(&bytes), &canon).expect("valid"))
    });
    let ix = index::Index::decode(&bytes, &canon).expect("valid");
    g.bench_function("encode", |b| b.iter(|| black_box(&ix).encode()));
    g.finish();
}

criterion_group!(benches, loading);
criterion_main!(benches);
