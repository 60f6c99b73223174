//! The corpus and full-text index the full-text benches run on (`benches/fts.rs`,
//! `benches/reader_fts.rs`, each with `#[path]`):
//!
//! - `DIGLOT_FTS_DIR=/work/corpora/c100k`: an existing folder; without it `DIGLOT_FTS_N`
//!   articles (default 10,000) are generated (`examples/gen_corpus.rs`, the bench's
//!   `generate` module) into a temporary folder;
//! - `DIGLOT_FTS_CACHE=/tmp/cache100k`: the cache folder holding its index (as
//!   `$XDG_CACHE_HOME/diglot` for `diglot index`); without it the default cache folder. An
//!   index missing or out of date there is built (or brought up to date) first, once.

use diglot::fts::FtsIndex;
use std::path::PathBuf;

/// The folder benchmarked and its index.
pub struct Corpus {
    /// The generated corpus's temporary folder (kept while the bench runs).
    pub _tmp: Option<tempfile::TempDir>,
    /// The folder.
    pub dir: PathBuf,
    /// The cache folder of its index.
    pub cache: PathBuf,
}

/// The folder of `DIGLOT_FTS_DIR`, or a generated one.
pub fn corpus() -> Corpus {
    let (tmp, dir) = match std::env::var("DIGLOT_FTS_DIR") {
        Ok(d) => (None, PathBuf::from(d)),
        Err(_) => {
            let n: usize = std::env::var("DIGLOT_FTS_N").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
            let t = tempfile::tempdir().expect("temp dir");
            let d = t.path().join("corpus");
            super::generate::generate(&d, n, 1, 0.0).expect("generate");
            (Some(t), d)
        }
    };
    let cache = match std::env::var("DIGLOT_FTS_CACHE") {
        Ok(c) => PathBuf::from(c),
        Err(_) => diglot::corpus::index::default_cache_dir().expect("cache dir"),
    };
    Corpus { _tmp: tmp, dir, cache }
}

/// The index of the corpus, built or updated first if need be (a bench measures queries, not
/// this).
pub fn index(c: &Corpus) -> FtsIndex {
    let started = std::time::Instant::now();
    let (ix, report) =
        FtsIndex::open_updated(std::slice::from_ref(&c.dir), Some(&c.cache), &|_, _| {}, &|| false)
            .expect("index");
    eprintln!("index of {}: {report:?} in {:.1} s", c.dir.display(), started.elapsed().as_secs_f64());
    ix
}
