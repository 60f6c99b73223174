//! The persistent index: round trip, changed / added / removed files, damaged and foreign
//! index files, atomic writes. Everything happens in temporary folders; the cache folder is
//! passed explicitly (no environment variables).
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use diglot::corpus::index::{self, Index, Parts, HEADER_LEN};
use diglot::corpus::load::{load_paths, load_stream_indexed, IndexReport, Loaded};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// An article in the corpus format, with a title and a body long enough to vary in size.
fn article(title: &str, date: &str, page: u32, body: &str) -> String {
    format!(
        "Title: {title}\nAuthor: \nDate: {date}\nPage: {page}\n\n    {body}\n\n**Named Entities**\n\n\
         新华社\tXinhua\n\n\n<hr /> \n\nOriginal: \n\n\n### 标题{page}\n\n{date}\n第{page}版()\n专栏：\n\n    正文{body}。\n"
    )
}

struct Fixture {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    cache: PathBuf,
}

/// A while ago: older than the index's "racy" window, so entries are trusted.
fn past(secs: u64) -> SystemTime {
    SystemTime::now() - Duration::from_secs(3600 + secs)
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("collection");
        let cache = tmp.path().join("cache").join("diglot");
        let f = Fixture { root, cache, _tmp: tmp };
        for k in 0..20u32 {
            let date = format!("1958-08-{:02}", 1 + k % 28);
            let body = "The commune built a water wheel. ".repeat(1 + k as usize % 5);
            f.write(
                &format!("rmrb/1958.08/{date}_{k}.md"),
                &article(&format!("Title {k}"), &date, k % 8 + 1, &body),
                k.into(),
            );
        }
        f.write("README.md", "# not an article\n", 0);
        f.write("rmrb/1989.06/1989-05-31_damaged.md", "Title: Damaged\nDate: 1989-13-45\nPage: x\n", 1);
        f
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes a file and dates it `age` seconds before an hour ago.
    fn write(&self, rel: &str, text: &str, age: u64) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
        set_mtime(&p, past(age));
    }

    fn roots(&self) -> Vec<PathBuf> {
        vec![self.root.clone()]
    }

    /// Loads through the index; returns what was loaded (sorted) and the report. Saves the
    /// new index.
    fn load(&self) -> (Loaded, IndexReport, bool) {
        let loaded = Mutex::new(Loaded::default());
        let mut done = load_stream_indexed(
            &self.roots(),
            4,
            Some(&self.cache),
            &|ev| loaded.lock().unwrap().absorb(ev),
            &|| false,
        );
        let wrote = done.save().expect("index written");
        let mut loaded = loaded.into_inner().unwrap();
        loaded.sort();
        (loaded, done.report, wrote)
    }

    fn index_file(&self) -> PathBuf {
        let roots = index::canonical_roots(&self.roots()).unwrap();
        index::index_file(&self.cache, &roots)
    }
}

fn set_mtime(p: &Path, t: SystemTime) {
    fs::File::options().write(true).open(p).unwrap().set_modified(t).unwrap();
}

/// What a plain load (no index) gives, for comparison.
fn same(a: &Loaded, b: &Loaded) {
    assert_eq!(a.articles, b.articles);
    assert_eq!(a.diagnostics, b.diagnostics);
    assert_eq!(a.skipped, b.skipped);
    assert_eq!(a.summary, b.summary);
}

#[test]
fn round_trip_reads_no_file_the_second_time() {
    let f = Fixture::new();
    let plain = load_paths(&f.roots());
    assert_eq!(plain.summary.articles, 21);

    let (first, r1, wrote) = f.load();
    same(&first, &plain);
    assert!(wrote, "the first load writes the index");
    assert_eq!(r1.rebuilt.as_deref(), Some("no index yet"));
    assert_eq!((r1.reused, r1.added, r1.reread, r1.removed), (0, 22, 0, 0));
    assert!(f.index_file().is_file());
    assert!(f.index_file().starts_with(&f.cache));

    let (second, r2, wrote) = f.load();
    same(&second, &plain);
    assert_eq!(r2.rebuilt, None);
    assert_eq!((r2.reused, r2.added, r2.reread, r2.removed), (22, 0, 0, 0));
    assert!(!wrote, "nothing changed: the index is not rewritten");

    // the index as a value survives encode / decode
    let roots = index::canonical_roots(&f.roots()).unwrap();
    let ix = Index::read(&f.index_file(), &roots).expect("valid index");
    assert_eq!(ix.entries().len(), 22);
    assert_eq!(Index::decode(&ix.encode(), &roots).expect("decodes"), ix);
    // articles are stored in the collection order, skipped files last
    let dates: Vec<_> = ix.entries().iter().map(|e| e.order_key()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert!(!ix.entries().last().unwrap().is_article());
}

#[test]
fn parts_say_where_each_part_starts() {
    let f = Fixture::new();
    f.load();
    let roots = index::canonical_roots(&f.roots()).unwrap();
    let ix = Index::read(&f.index_file(), &roots).unwrap();
    let e = ix.entries().into_iter().find(|e| e.rel().ends_with("1958-08-01_0.md")).expect("entry");
    let p: Parts = e.parts().expect("an article");
    let text = fs::read_to_string(f.path("rmrb/1958.08/1958-08-01_0.md")).unwrap();
    let at = |off: u32| &text[off as usize..];
    assert_eq!(p.header, 0);
    assert!(at(p.en_body).starts_with("The commune"));
    assert!(at(p.glossary).starts_with("**Named Entities**"));
    assert!(at(p.separator).starts_with("<hr />"));
    assert!(at(p.zh_header).starts_with("### 标题1"));
    assert!(at(p.zh_body).starts_with("正文"));
    assert_eq!(p.end as usize, text.len());
    assert_eq!(e.stamp.size, text.len() as u64);
}

#[test]
fn changed_files_are_read_again() {
    let f = Fixture::new();
    f.load();
    // a different size
    let p = "rmrb/1958.08/1958-08-03_2.md";
    f.write(p, &article("Retitled and longer", "1958-08-03", 3, "New text."), 5);
    // the same size, another time
    let q = "rmrb/1958.08/1958-08-04_3.md";
    let old = fs::read_to_string(f.path(q)).unwrap();
    let new = old.replace("Title 3", "Title X");
    assert_eq!(old.len(), new.len());
    f.write(q, &new, 7);

    let (loaded, r, wrote) = f.load();
    assert_eq!((r.reused, r.reread, r.changed, r.added, r.removed), (20, 2, 2, 0, 0));
    assert!(wrote);
    same(&loaded, &load_paths(&f.roots()));
    let titles: Vec<&str> = loaded.articles.iter().map(|m| m.title_en.as_str()).collect();
    assert!(titles.contains(&"Retitled and longer") && titles.contains(&"Title X"), "{titles:?}");
    // and the new index holds the change
    let (_, r, _) = f.load();
    assert_eq!((r.reused, r.reread), (22, 0));
}

#[test]
fn a_file_changed_just_now_is_not_trusted() {
    let f = Fixture::new();
    let p = f.path("rmrb/1958.08/1958-08-05_4.md");
    fs::write(&p, article("Fresh", "1958-08-05", 5, "x")).unwrap(); // mtime: now
    let (_, r, _) = f.load();
    assert_eq!(r.added, 22);
    // modified within the racy window of the index: read again, even with the same stamp
    let (_, r, _) = f.load();
    assert_eq!((r.reused, r.reread), (21, 1));
    // and found the same: not a change
    assert_eq!(r.changed, 0, "{r:?}");
}

/// A file read again only to be safe (modified just before the index was made) is counted
/// as changed only when it holds something else: an edit that kept its size and time (a
/// clock tick too coarse to tell) is found by what the file holds.
#[test]
fn a_file_read_again_to_be_safe_is_changed_only_if_it_holds_something_else() {
    let f = Fixture::new();
    let (p, q) = (f.path("rmrb/1958.08/1958-08-05_4.md"), f.path("rmrb/1958.08/1958-08-06_5.md"));
    for p in [&p, &q] {
        let text = fs::read_to_string(p).unwrap();
        fs::write(p, text).unwrap(); // mtime: now, inside the index's racy window
    }
    let (_, r, _) = f.load();
    assert_eq!(r.added, 22);
    // q edited within the same tick: the same size and modification time
    let before = fs::metadata(&q).unwrap();
    let new = fs::read_to_string(&q).unwrap().replace("Title 5", "Title Y");
    fs::write(&q, &new).unwrap();
    set_mtime(&q, before.modified().unwrap());
    assert_eq!(fs::metadata(&q).unwrap().len(), before.len());
    let (loaded, r, _) = f.load();
    assert_eq!((r.reused, r.reread, r.changed), (20, 2, 1), "{r:?}");
    // the one read again and found the same is no changed article
    assert_eq!((r.articles.changed, r.articles.added, r.articles.removed), (1, 0, 0), "{r:?}");
    assert!(loaded.articles.iter().any(|m| m.title_en == "Title Y"));
}

#[test]
fn added_and_removed_files_are_picked_up() {
    let f = Fixture::new();
    f.load();
    fs::remove_file(f.path("rmrb/1958.08/1958-08-02_1.md")).unwrap();
    fs::remove_file(f.path("README.md")).unwrap();
    f.write("rmrb/1960.11/1960-11-02_new.md", &article("Brand New", "1960-11-02", 2, "Added."), 3);
    f.write("notes.txt", "just notes\n", 3);

    let (loaded, r, wrote) = f.load();
    assert_eq!((r.reused, r.reread, r.added, r.removed), (20, 0, 2, 2));
    // in articles (what a list gains and loses): the README and the notes are not
    let a = r.articles;
    assert_eq!((a.changed, a.added, a.removed), (0, 1, 1), "{r:?}");
    assert!(wrote);
    same(&loaded, &load_paths(&f.roots()));
    assert!(loaded.articles.iter().any(|m| m.title_en == "Brand New"));
    assert!(!loaded.articles.iter().any(|m| m.path.ends_with("1958-08-02_1.md")));
    assert_eq!(loaded.skipped.len(), 1);

    let (_, r, wrote) = f.load();
    assert_eq!((r.reused, r.added, r.removed), (22, 0, 0));
    assert!(!wrote);
}

/// Damages the index file, loads, and checks the load was right and the index rebuilt.
fn damaged(damage: impl FnOnce(&mut Vec<u8>), why: &str) {
    let f = Fixture::new();
    f.load();
    let file = f.index_file();
    let mut bytes = fs::read(&file).unwrap();
    damage(&mut bytes);
    fs::write(&file, &bytes).unwrap();

    let (loaded, r, wrote) = f.load();
    let rebuilt = r.rebuilt.unwrap_or_default();
    assert!(rebuilt.contains(why), "{rebuilt:?} does not say {why:?}");
    assert_eq!((r.reused, r.added), (0, 22), "nothing trusted from a bad index");
    assert!(wrote, "the index is rebuilt");
    same(&loaded, &load_paths(&f.roots()));
    let (_, r, _) = f.load();
    assert_eq!((r.rebuilt, r.reused), (None, 22));
}

#[test]
fn a_truncated_index_is_rebuilt() {
    damaged(|b| b.truncate(b.len() / 2), "truncated");
    damaged(|b| b.truncate(HEADER_LEN - 3), "truncated");
    damaged(|b| b.truncate(0), "truncated");
}

#[test]
fn a_damaged_index_is_rebuilt() {
    damaged(|b| *b.last_mut().unwrap() ^= 0x20, "checksum");
    damaged(
        |b| {
            let mid = HEADER_LEN + (b.len() - HEADER_LEN) / 2;
            b[mid] = b[mid].wrapping_add(1);
        },
        "checksum",
    );
    damaged(|b| b.extend_from_slice(b"trailing"), "truncated or has trailing bytes");
}

#[test]
fn garbage_is_not_an_index() {
    damaged(
        |b| {
            let mut x: u32 = 12345;
            for v in b.iter_mut() {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                *v = (x >> 16) as u8;
            }
        },
        "not an index",
    );
    // the right header over a payload that does not decode (with a matching checksum)
    damaged(
        |b| {
            let payload = vec![0xffu8; 64];
            b.truncate(HEADER_LEN);
            b[16..24].copy_from_slice(&(payload.len() as u64).to_le_bytes());
            b[24..32].copy_from_slice(&index::checksum(&payload).to_le_bytes());
            b.extend_from_slice(&payload);
        },
        "does not decode",
    );
}

#[test]
fn another_version_or_another_collection_is_rebuilt() {
    damaged(|b| b[8..12].copy_from_slice(&(index::VERSION + 1).to_le_bytes()), "version");

    // another collection's index, copied where this one's goes
    let a = Fixture::new();
    let b = Fixture::new();
    a.load();
    fs::create_dir_all(&b.cache).unwrap();
    fs::copy(a.index_file(), b.index_file()).unwrap();
    let (loaded, r, _) = b.load();
    assert_eq!(r.rebuilt.as_deref(), Some("index was made for other folders"));
    assert_eq!(r.reused, 0);
    same(&loaded, &load_paths(&b.roots()));
}

#[test]
fn a_failed_write_leaves_the_old_index() {
    let f = Fixture::new();
    f.load();
    let file = f.index_file();
    let before = fs::read(&file).unwrap();
    let err = index::write_atomic(&file, |w| {
        use std::io::Write;
        w.write_all(b"DIGLOTIX half an ind")?;
        Err(std::io::Error::other("disk full"))
    });
    assert!(err.is_err());
    assert_eq!(fs::read(&file).unwrap(), before, "the old index is intact");
    let names: Vec<_> = fs::read_dir(&f.cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("index-") || n.ends_with(".tmp"))
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}

#[test]
fn readers_see_the_old_or_the_new_index_never_half() {
    let f = Fixture::new();
    f.load();
    let file = f.index_file();
    let roots = index::canonical_roots(&f.roots()).unwrap();
    let old = Index::read(&file, &roots).unwrap();
    let mut new = Index::new(&roots, old.started_ns);
    for e in old.entries().iter().take(5) {
        new.push_entry(e);
    }
    assert_ne!(new, old);
    let (old_b, new_b) = (old.encode(), new.encode());
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut reads = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || reads == 0 {
                let got = fs::read(&file).unwrap();
                assert!(got == old_b || got == new_b, "a reader saw a partial index ({} bytes)", got.len());
                reads += 1;
            }
        });
        for k in 0..40 {
            let ix = if k % 2 == 0 { &new } else { &old };
            ix.write(&file).unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(Index::read(&file, &roots).unwrap(), old);
}

#[test]
fn no_index_for_the_embedded_seeds_or_without_a_cache_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let n = Mutex::new(0);
    let mut done =
        load_stream_indexed(&[], 8, Some(&cache), &|ev| *n.lock().unwrap() += ev.outcomes.len(), &|| false);
    assert!(*n.lock().unwrap() > 0);
    assert_eq!(done.report.file, None);
    assert!(!done.save().unwrap());
    assert!(!cache.exists());

    let f = Fixture::new();
    let mut done = load_stream_indexed(&f.roots(), 8, None, &|_| {}, &|| false);
    assert!(!done.save().unwrap());
    assert!(!f.cache.exists());
}

#[test]
fn paths_follow_the_roots_as_given() {
    // the same folder through another spelling uses the same index, and its paths
    let f = Fixture::new();
    f.load();
    let other = f.root.join("rmrb").join("..");
    let loaded = Mutex::new(Loaded::default());
    let done = load_stream_indexed(
        std::slice::from_ref(&other),
        4,
        Some(&f.cache),
        &|ev| loaded.lock().unwrap().absorb(ev),
        &|| false,
    );
    assert_eq!(done.report.reused, 22);
    let mut loaded = loaded.into_inner().unwrap();
    loaded.sort();
    same(&loaded, &load_paths(&[other]));

    // a single file as the root
    let one = f.path("rmrb/1958.08/1958-08-01_0.md");
    let load_one = || {
        let loaded = Mutex::new(Loaded::default());
        let mut done = load_stream_indexed(
            std::slice::from_ref(&one),
            4,
            Some(&f.cache),
            &|ev| loaded.lock().unwrap().absorb(ev),
            &|| false,
        );
        done.save().unwrap();
        (loaded.into_inner().unwrap(), done.report)
    };
    let (a, _) = load_one();
    let (b, r) = load_one();
    assert_eq!(r.reused, 1);
    assert_eq!(a.articles, b.articles);
    assert_eq!(b.articles[0].path, one);
}

/// Issue 12, item 15: an article edited with its size and modification time restored (`touch
/// -r`, an editor or a sync tool that keeps times) is read again: the change time differs, as
/// does the inode of a file replaced by another.
#[cfg(unix)]
#[test]
fn an_edit_that_restores_size_and_time_is_read_again() {
    let f = Fixture::new();
    f.load();
    let rel = "rmrb/1958.08/1958-08-06_5.md";
    let p = f.path(rel);
    let before = fs::metadata(&p).unwrap();
    let old = fs::read_to_string(&p).unwrap();
    let new = old.replace("Title 5", "Title Y");
    assert_eq!(old.len(), new.len());
    std::thread::sleep(Duration::from_millis(20)); // a change time the clock can tell apart
    fs::write(&p, &new).unwrap();
    set_mtime(&p, before.modified().unwrap());
    let after = fs::metadata(&p).unwrap();
    assert_eq!((after.len(), after.modified().unwrap()), (before.len(), before.modified().unwrap()));
    let (loaded, r, _) = f.load();
    assert_eq!((r.reused, r.reread, r.changed), (21, 1, 1));
    assert!(loaded.articles.iter().any(|m| m.title_en == "Title Y"));

    // replaced by another file (a new inode) with the same size and times
    let q = f.path("rmrb/1958.08/1958-08-07_6.md");
    let meta = fs::metadata(&q).unwrap();
    let text = fs::read_to_string(&q).unwrap().replace("Title 6", "Title Z");
    let tmp = f.path("rmrb/1958.08/new.tmp-not-md");
    fs::write(&tmp, &text).unwrap();
    set_mtime(&tmp, meta.modified().unwrap());
    fs::rename(&tmp, &q).unwrap();
    let (loaded, r, _) = f.load();
    assert_eq!((r.reread, r.changed), (1, 1), "{r:?}");
    assert!(loaded.articles.iter().any(|m| m.title_en == "Title Z"));
}

/// Issue 12, item 15: the reader can bring a list entry from a stale index up to date with
/// what it read when the article was opened.
#[test]
fn a_list_entry_is_refreshed_from_the_article_read() {
    let f = Fixture::new();
    let (loaded, _, _) = f.load();
    let mut entry = loaded.articles.iter().find(|m| m.title_en == "Title 5").unwrap().clone();
    let mut read = entry.clone();
    read.path = PathBuf::from("elsewhere.md");
    assert!(!entry.refresh_from(&read), "nothing changed");
    read.title_en = "Title Y".into();
    let path = entry.path.clone();
    assert!(entry.refresh_from(&read));
    assert_eq!((entry.title_en.as_str(), &entry.path), ("Title Y", &path));
}

/// Issue 12, item 16: index files unused for 30 days are removed, and the folder is kept
/// under its cap of files and bytes (the least recently used go first; the one in use stays).
/// Last use is recorded by diglot, not read from access times.
#[test]
fn the_cache_folder_is_cleaned_by_last_use() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("diglot");
    fs::create_dir_all(&cache).unwrap();
    let day = 86_400u64;
    let now = 1_900_000_000u64;
    let policy = index::CachePolicy { max_files: 5, max_bytes: 1 << 20, ..index::CachePolicy::default() };
    let name = |k: u32| cache.join(format!("index-{k:016x}.bin"));
    // eight collections last used k days ago (k = 0..8), and one 40 days ago, as recorded
    let mut uses = std::collections::BTreeMap::new();
    for k in (0..8u32).chain([40]) {
        fs::write(name(k), vec![0u8; 1000]).unwrap();
        uses.insert(format!("index-{k:016x}.bin"), now - u64::from(k) * day);
    }
    fs::write(cache.join(index::USES_FILE), serde_json::to_vec(&uses).unwrap()).unwrap();
    fs::write(cache.join("state-of-something-else.json"), b"{}").unwrap();
    // today, collection 3 again: the 40-day-old one goes (age), then the least recently used
    // beyond five files (7, 6, 5, 4 days ago)
    let removed = index::record_use_at(&name(3), now, policy).unwrap();
    let mut left: Vec<String> = fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("index-"))
        .collect();
    left.sort();
    let want: Vec<String> = [0u32, 1, 2, 3].iter().map(|k| format!("index-{k:016x}.bin")).collect();
    // five kept: 3 (now), 0 (now), 1, 2 and 4 (days ago)
    let mut want = want;
    want.push(format!("index-{:016x}.bin", 4));
    want.sort();
    assert_eq!(left, want, "removed {removed:?}");
    assert_eq!(removed.len(), 4);
    assert!(cache.join("state-of-something-else.json").exists(), "only index files are touched");
    // the byte cap: 1 MiB over five files of 1000 bytes is fine; a large one in use stays,
    // and pushes out the others
    fs::write(name(99), vec![0u8; 1 << 20]).unwrap();
    index::record_use_at(&name(99), now + 1, policy).unwrap();
    let left = fs::read_dir(&cache)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("index-"));
    assert_eq!(left.count(), 1, "only the index in use is left");
    assert!(name(99).exists());
    // 31 days of not using anything else: a run on another collection removes it
    fs::write(name(7), vec![0u8; 10]).unwrap();
    let removed = index::record_use_at(&name(7), now + 31 * day, policy).unwrap();
    assert_eq!(removed, vec![name(99)]);
}

/// Issue 12, item 16: runs on eight single files leave their indexes recorded, and each load
/// records its use (so the clean-up goes by real use).
#[test]
fn each_load_records_the_use_of_its_index() {
    let f = Fixture::new();
    f.load();
    let uses: std::collections::BTreeMap<String, u64> =
        serde_json::from_slice(&fs::read(f.cache.join(index::USES_FILE)).unwrap()).unwrap();
    let name = f.index_file().file_name().unwrap().to_string_lossy().into_owned();
    assert!(uses.contains_key(&name), "{uses:?}");
}

/// The index as written in `f`'s cache: its entries, after checking that its title search
/// data is the one made from scratch for its catalog (item for item, once laid out in the
/// records' order).
fn entries_with_search_data_from_scratch(f: &Fixture, cache: &Path) -> Vec<index::Entry> {
    use diglot::search::SearchData;
    let roots = index::canonical_roots(&f.roots()).unwrap();
    let ix = Index::read(&index::index_file(cache, &roots), &roots).unwrap();
    let d = ix.catalog().search_data().expect("written with the index");
    assert_eq!(d.len(), ix.len());
    assert_eq!(d.repacked(ix.catalog()), SearchData::of_catalog(ix.catalog()));
    ix.entries()
}

#[test]
fn cold_and_rewritten_indexes_carry_the_search_data_made_from_scratch() {
    let f = Fixture::new();
    let (_, report, wrote) = f.load();
    assert!(report.rebuilt.is_some() && wrote, "{report:?}");
    let cold = entries_with_search_data_from_scratch(&f, &f.cache);
    assert_eq!(cold.len(), 22);
    // a changed file, a new one, one gone: the index is rewritten from the old one
    f.write("rmrb/1958.08/1958-08-03_2.md", &article("Changed", "1958-08-03", 3, "Other words."), 0);
    f.write("rmrb/1958.09/1958-09-01_new.md", &article("New", "1958-09-01", 1, "New words."), 0);
    fs::remove_file(f.path("rmrb/1958.08/1958-08-05_4.md")).unwrap();
    let (_, report, wrote) = f.load();
    assert_eq!((report.reread, report.added, report.removed, wrote), (1, 1, 1, true), "{report:?}");
    let warm = entries_with_search_data_from_scratch(&f, &f.cache);
    // the same files opened cold, in another cache folder: the same index
    let other = f._tmp.path().join("other-cache");
    let mut done = load_stream_indexed(&f.roots(), 3, Some(&other), &|_| {}, &|| false);
    assert!(done.save().unwrap());
    assert_eq!(entries_with_search_data_from_scratch(&f, &other), warm);
}

#[test]
fn sorting_an_index_moves_records_not_strings() {
    use diglot::search::SearchData;
    let f = Fixture::new();
    f.load();
    let roots = index::canonical_roots(&f.roots()).unwrap();
    let ix = Index::read(&f.index_file(), &roots).unwrap();
    // the entries in reverse: an index that needs sorting
    let mut rev = Index::new(&roots, ix.started_ns);
    for e in ix.entries().iter().rev() {
        rev.push_entry(e);
    }
    rev.set_search_data(SearchData::of_catalog(rev.catalog()));
    let arena = rev.catalog().arena().to_vec();
    let sorted = rev.sorted();
    assert_eq!(sorted.catalog().arena(), &arena[..], "no string copied or moved");
    assert_eq!(sorted.entries(), ix.entries(), "in the collection order");
    let d = sorted.catalog().search_data().expect("the search data follows its records");
    assert_eq!(d.repacked(sorted.catalog()), SearchData::of_catalog(sorted.catalog()));
    sorted.write(&f.index_file()).unwrap();
    let back = Index::read(&f.index_file(), &roots).unwrap();
    assert_eq!(back.entries(), ix.entries());
    let d = back.catalog().search_data().unwrap();
    assert_eq!(d.repacked(back.catalog()), SearchData::of_catalog(back.catalog()));
}

#[test]
fn a_cold_load_sends_each_batch_with_its_titles() {
    use diglot::corpus::Outcome;
    use diglot::search::TitleBatch;
    let f = Fixture::new();
    let events = Mutex::new(Vec::new());
    load_stream_indexed(&f.roots(), 4, Some(&f.cache), &|ev| events.lock().unwrap().push(ev), &|| false);
    let mut articles = 0;
    for ev in events.into_inner().unwrap() {
        // the titles alone: their pinyin is made by the search once the list is whole
        let mut want = TitleBatch::plain_with_capacity(0, 0);
        assert!(
            !ev.outcomes.iter().any(|o| matches!(o, Outcome::Article(..))),
            "a cold batch's articles are its rows"
        );
        let rows = ev.rows.as_deref().cloned().unwrap_or_default();
        for a in (0..rows.len() as u32).filter_map(|id| rows.article(id)) {
            want.push_plain(a.title_en(), &a.title_zh_full());
        }
        articles += want.len();
        match &ev.titles {
            Some(t) => assert_eq!(**t, want, "title k is the batch's kth article"),
            None => assert!(want.is_empty(), "a batch of articles without their titles"),
        }
    }
    assert_eq!(articles, 21);
}

/// Issue 14 item 2 (session 13): a cold open's title index takes its titles' pinyin from
/// the reader's title search (`IndexedLoad::save_with`, the search worker's items, found by
/// the order the batches were sent in) instead of making it a second time, and writes the
/// same search data as one made from scratch (`SearchData::of_catalog`, what `save` writes):
/// whether the search holds every title, holds them shifted by one (each record's title
/// then not the one found: made again), or none (`u32::MAX`).
#[test]
fn a_cold_index_takes_the_title_searchs_pinyin_and_writes_what_it_would_make() {
    use diglot::search::{SearchData, SearchIndex, SearchWorker, Title};
    let f = Fixture::new();
    let sub =
        article("Subtitled", "1958-08-03", 2, "A body.").replace("### 标题2\n", "### 标题2\n## 副标题\n");
    f.write("rmrb/1958.08/1958-08-03_sub.md", &sub, 2);
    for shift in [0u32, 1, u32::MAX] {
        let cache = f.cache.join(format!("shift-{shift}"));
        let events = Mutex::new(Vec::new());
        let mut done =
            load_stream_indexed(&f.roots(), 4, Some(&cache), &|ev| events.lock().unwrap().push(ev), &|| {
                false
            });
        // the titles pushed as the reader pushes them: per batch, title k its kth article
        let worker = SearchWorker::new(SearchIndex::new(), || {});
        let mut pushed = 0;
        for ev in events.into_inner().unwrap() {
            let (Some(rows), Some(titles)) = (ev.rows.as_deref(), ev.titles.as_ref()) else { continue };
            let articles = (0..rows.len() as u32).filter_map(|id| rows.article(id));
            let items: Vec<Title> = articles
                .enumerate()
                .map(|(k, a)| Title::Made(titles.clone(), k, a.date_page_key()))
                .collect();
            pushed += items.len();
            worker.push_titles(items);
        }
        assert_eq!(pushed, 22, "every article's title pushed");
        let titles = worker.titles();
        let asked = Mutex::new(0);
        let wrote = done
            .save_with(&|cat, at, out| {
                *asked.lock().unwrap() += 1;
                assert_eq!(at.len(), cat.len(), "a place per record");
                let at = at.iter().map(|&k| k.saturating_add(shift)).collect();
                titles.write_search_data(cat, at, out)
            })
            .unwrap();
        assert!(wrote);
        assert_eq!(*asked.lock().unwrap(), 1, "a cold open's index asks the search once");
        let file = done.report.file.clone().unwrap();
        let read = Index::read(&file, &[fs::canonicalize(&f.root).unwrap()]).unwrap();
        let data = read.catalog().search_data().expect("search data written");
        assert_eq!(**data, SearchData::of_catalog(read.catalog()), "shift {shift}");
        assert_eq!(data.len(), 23, "an item per record, skipped files too");
    }
}

/// Session 15: after a cold open the reader looks at the folders again once they are
/// watched (`changed_since`: a walk and a stat, nothing kept), and checks every file against
/// the new index only when something changed since the load started: a file edited (even
/// with its modification time set back: the status change time is the kernel's), added or
/// removed, a folder moved. Nothing changed (files only read) says no.
#[test]
fn changed_since_a_load_sees_edits_additions_removals_and_moves() {
    use diglot::corpus::load::changed_since;
    // a collection of three files, and a load that "started" after they were written (its
    // start given 2 s ahead: files changed within 2 s before a load count as changed)
    let fresh = || {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("c");
        for (rel, title) in [("a/1.md", "One"), ("a/2.md", "Two"), ("b/3.md", "Three")] {
            let p = root.join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, article(title, "1958-08-01", 1, "Text.")).unwrap();
        }
        std::thread::sleep(Duration::from_millis(20)); // a change time the clock can tell apart
        let started = index::now_ns() + index::RACY_NS;
        std::thread::sleep(Duration::from_millis(20));
        (dir, root, started)
    };
    let (_d, root, started) = fresh();
    let roots = vec![root.clone()];
    for p in ["a/1.md", "a/2.md", "b/3.md"] {
        fs::read(root.join(p)).unwrap();
    }
    assert!(!changed_since(&roots, started, 3), "nothing changed");
    assert!(changed_since(&roots, started, 4), "a file the load read is gone");
    type Change = fn(&Path);
    let changes: [(&str, Change); 5] = [
        ("edited", |r| fs::write(r.join("a/1.md"), article("Edited", "1958-08-01", 1, "Text.")).unwrap()),
        ("edited, its time set back", |r| {
            let p = r.join("a/2.md");
            fs::write(&p, article("Two", "1958-08-01", 1, "Texts")).unwrap();
            set_mtime(&p, past(3600));
        }),
        ("added", |r| fs::write(r.join("b/4.md"), article("Four", "1958-08-01", 1, "Text.")).unwrap()),
        ("removed", |r| fs::remove_file(r.join("b/3.md")).unwrap()),
        ("a folder moved", |r| fs::rename(r.join("b"), r.join("a/b")).unwrap()),
    ];
    for (what, change) in changes {
        let (_d, root, started) = fresh();
        let roots = vec![root.clone()];
        assert!(!changed_since(&roots, started, 3), "{what}: before");
        change(&root);
        assert!(changed_since(&roots, started, 3), "{what}");
    }
}
