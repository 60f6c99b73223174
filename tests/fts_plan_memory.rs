//! The memory of a full-text update's plan (issue 15: the reader builds the index in the
//! background, beside its list, within its memory goal). A build from nothing lists every file
//! of the folder before it reads one; the heap that list takes is counted here by an
//! allocator that records the most bytes live at once (its own test binary: the counter is
//! the process's allocator).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// the counting allocator below (a test's own; every call passed on to the system's)
#![allow(unsafe_code)]

use diglot::fts::FtsIndex;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The system's allocator, counting the bytes live and the most live at once.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static MOST: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = LIVE.fetch_add(n, Relaxed) + n;
    MOST.fetch_max(now, Relaxed);
}

// SAFETY: every call is passed to the system's allocator unchanged; the counters are atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            grew(l.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            grew(l.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // counted as the new block allocated before the old is freed (as a move does)
        grew(new);
        let q = unsafe { System.realloc(p, l, new) };
        if q.is_null() {
            LIVE.fetch_sub(new, Relaxed);
        } else {
            LIVE.fetch_sub(l.size(), Relaxed);
        }
        q
    }
}

#[global_allocator]
static A: Counting = Counting;

/// Before, the plan held one `(String, Stamp, Option<PathBuf>, bool)` per file (112 bytes,
/// and the key in an allocation of its own): with the vector's growth, over 180 bytes a file
/// of ~30-byte paths at the moment it doubled (~100 MB at 430,000 files of the archive). Now
/// the keys share one arena and a file takes 48 bytes: the most the plan of 16,384 files
/// holds at once (the folder's walk included) stays under 140 bytes a file.
#[test]
fn the_plan_of_a_build_from_nothing_holds_little_per_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, cache) = (tmp.path().join("c"), tmp.path().join("cache"));
    std::fs::create_dir_all(&root).unwrap();
    let roots = vec![root.clone()];
    let (ix, _) = FtsIndex::open_updated(&roots, Some(&cache), &|_, _| {}, &|| false).unwrap();
    // 2^14 files in 16 folders: the vectors' last doubling is at 8,192
    let n = 16_384;
    let mut key_bytes = 0;
    for i in 0..n {
        let dir = root.join(format!("{:02}", i % 16));
        if i < 16 {
            std::fs::create_dir_all(&dir).unwrap();
        }
        let f = dir.join(format!("{i:05}.md"));
        key_bytes += f.to_string_lossy().len();
        std::fs::write(&f, "x\n").unwrap();
    }
    let before = LIVE.load(Relaxed);
    MOST.store(before, Relaxed);
    let c = ix.changes(&roots).unwrap();
    let most = MOST.load(Relaxed) - before;
    assert_eq!((c.added, c.changed, c.removed, c.unchanged), (n, 0, 0, 0));
    let per_file = most / n;
    eprintln!(
        "the plan of {n} files: {most} bytes at most, {per_file} a file (keys {} a file)",
        key_bytes / n
    );
    assert!(
        per_file < 140,
        "the plan held {most} bytes at most: {per_file} a file (keys {} bytes a file)",
        key_bytes / n
    );
}
