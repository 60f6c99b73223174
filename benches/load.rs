//! Loading: parsing one article (in full, and its head only), loading a generated collection of 2,000 articles with and
//! without the persistent index, the index's encoding, and the list's order of a batch. The whole-process figures at
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

/// The list's order of a batch of paths (a cold open's list compares whole paths of one
/// day and page): `rel_cmp` checking both paths' plainness in every comparison, against
/// the plainness checked once per path (`rel_cmp_known`, as the list's merge does).
fn ordering(c: &mut Criterion) {
    use corpus::catalog::{plain_path, rel_cmp, rel_cmp_known};
    let n = 4096usize;
    // a month's folder of the archive's layout, titles of 4 to 12 Chinese characters
    let name = |k: usize| {
        let title: String = (0..4 + k % 9)
            .map(|j| char::from_u32(0x4e00 + ((k * 7 + j * 131) % 20000) as u32).unwrap())
            .collect();
        format!("/work/corpora/c430k/rmrb/1958.08/1958-08-{:02}_{title}.md", 1 + k % 28).into_bytes()
    };
    let mut paths: Vec<Vec<u8>> = (0..n).map(name).collect();
    let mut r = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..n).rev() {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        paths.swap(i, (r % (i as u64 + 1)) as usize);
    }
    let mut g = c.benchmark_group("list_order_4096");
    g.bench_function("sort_rel_cmp", |b| {
        b.iter(|| {
            let mut ids: Vec<u32> = (0..n as u32).collect();
            ids.sort_by(|&x, &y| rel_cmp(&paths[x as usize], &paths[y as usize]));
            ids
        })
    });
    g.bench_function("sort_known", |b| {
        b.iter(|| {
            let plain: Vec<bool> = paths.iter().map(|p| plain_path(p)).collect();
            let mut ids: Vec<u32> = (0..n as u32).collect();
            ids.sort_by(|&x, &y| {
                let (x, y) = (x as usize, y as usize);
                rel_cmp_known(&paths[x], plain[x], &paths[y], plain[y])
            });
            ids
        })
    });
    g.finish();
}

criterion_group!(benches, loading, ordering);
criterion_main!(benches);
