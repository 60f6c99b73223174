//! The full-text index against the reference scan, incremental updates, a damaged index,
//! concordance columns and timeline counts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use diglot::corpus::{self, Parsed};
use diglot::fts::{self, FtsIndex, Order};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// SplitMix64.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const HAN: &[&str] = &["人", "民", "公", "社", "合", "作", "的", "大", "跃", "进"];
const EN: &[&str] = &["people", "People's", "commune", "the", "China", "co-operative", "great", "leap"];
const SEP: &[&str] = &["", "", "", "，", "。", " ", "“", "、"];

fn zh_para(r: &mut Rng) -> String {
    let n = 5 + r.next() % 40;
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(r.pick(HAN));
        s.push_str(r.pick(SEP));
    }
    s
}

fn en_para(r: &mut Rng) -> String {
    let n = 3 + r.next() % 20;
    let words: Vec<&str> = (0..n).map(|_| r.pick(EN)).collect();
    words.join(if r.next().is_multiple_of(3) { ", " } else { " " })
}

fn article(r: &mut Rng, i: usize) -> String {
    let (y, m, d, p) = (1956 + r.next() % 4, 1 + r.next() % 12, 1 + r.next() % 28, 1 + r.next() % 8);
    let date = format!("{y}-{m:02}-{d:02}");
    let en: Vec<String> = (0..1 + r.next() % 3).map(|_| en_para(r)).collect();
    let zh: Vec<String> = (0..1 + r.next() % 4).map(|_| zh_para(r)).collect();
    format!(
        "Title: Article {i} {}\nAuthor: Wu Lengxi\nDate: {date}\nPage: {p}\n\n{}\n\n<hr /> \n\nOriginal: \n\n### {}\n吴冷西\n{date}\n第{p}版()\n专栏：\n\n{}\n",
        en_para(r),
        en.join("\n\n"),
        zh_para(r),
        zh.join("\n")
    )
}

fn write_corpus(dir: &Path, n: usize, seed: u64) {
    let mut r = Rng(seed);
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        std::fs::write(dir.join(format!("{i:04}.md")), article(&mut r, i)).unwrap();
    }
    std::fs::write(dir.join("README.md"), "not an article\n").unwrap();
}

/// A temp folder with a generated corpus of `n` articles in `corpus/` and an empty `cache/`
/// beside it; the folder lives as long as the first value.
fn corpus(n: usize, seed: u64) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    let cache = tmp.path().join("cache");
    write_corpus(&root, n, seed);
    (tmp, root, cache)
}

fn build(root: &Path, cache: &Path) -> (FtsIndex, fts::UpdateReport) {
    FtsIndex::open_updated(&[root.to_path_buf()], Some(cache), &|_, _| {}, &|| false).unwrap()
}

/// path -> occurrences, by the index.
fn by_index(ix: &FtsIndex, q: &str) -> BTreeMap<PathBuf, u32> {
    let node = fts::parse(q).unwrap();
    let r = ix.search(&node, Order::Date, &|| false).unwrap().unwrap();
    r.hits.iter().map(|h| (ix.info(h).unwrap().path, h.count)).collect()
}

/// path -> occurrences, by reading every file under `root`.
fn by_scan(root: &Path, q: &str) -> BTreeMap<PathBuf, u32> {
    let node = fts::parse(q).unwrap();
    let mut out = BTreeMap::new();
    // every file under the root, as the index walks it (the fixtures have subfolders)
    for e in walkdir::WalkDir::new(root).into_iter().flatten().filter(|e| e.file_type().is_file()) {
        let bytes = std::fs::read(e.path()).unwrap();
        if let Parsed::Article(a) = corpus::parse_vec(e.path(), bytes) {
            if let Some(c) = fts::scan_article(&a, &node) {
                out.insert(std::fs::canonicalize(e.path()).unwrap_or_else(|_| e.path().to_path_buf()), c);
            }
        }
    }
    out
}

fn canon(m: BTreeMap<PathBuf, u32>) -> BTreeMap<PathBuf, u32> {
    m.into_iter().map(|(p, c)| (std::fs::canonicalize(&p).unwrap_or(p), c)).collect()
}

#[test]
fn index_agrees_with_the_scan_on_generated_text() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    write_corpus(&root, 120, 7);
    let (ix, rep) = build(&root, &tmp.path().join("cache"));
    assert_eq!(rep.indexed, 121);
    // phrases cut from the texts themselves, with their punctuation, plus operators
    let mut r = Rng(99);
    let mut queries: Vec<String> = vec![
        "人民公社".into(),
        "民".into(),
        "\"人民，公社\"".into(),
        "people".into(),
        "\"people's commune\"".into(),
        "co-operative".into(),
        "人民 -公社".into(),
        "大跃进 OR leap".into(),
        "人民 NEAR/2 合作".into(),
        "title:commune".into(),
        "author:吴冷西 date:1957".into(),
        "page:2..3 社".into(),
        "date:1958-03..1959-01 的".into(),
        // lone characters in a phrase (found by the terms they start), odd lengths
        "\"人 民\"".into(),
        "\"社。人民\"".into(),
        "\"大跃进\"".into(),
        "\"的，人民公\"".into(),
        "的 NEAR/3 人".into(),
        "人民 NEAR/100 公社".into(),
        // across a segment boundary (the English author, then the Chinese): never found
        "\"lengxi 吴冷西\"".into(),
        "\"lengxi 吴\"".into(),
        "lengxi NEAR/100 吴冷西".into(),
    ];
    for _ in 0..60 {
        let p = zh_para(&mut r);
        let chars: Vec<char> = p.chars().collect();
        let a = (r.next() % chars.len() as u64) as usize;
        let b = (a + 1 + (r.next() % 6) as usize).min(chars.len());
        let s: String = chars[a..b].iter().collect::<String>().replace('"', "");
        if fts::parse(&format!("\"{s}\"")).is_ok() {
            queries.push(format!("\"{s}\""));
        }
    }
    let mut nonempty = 0;
    for q in &queries {
        let i = canon(by_index(&ix, q));
        let s = by_scan(&root, q);
        assert_eq!(i, s, "query {q}");
        nonempty += usize::from(!s.is_empty());
    }
    assert!(nonempty > queries.len() / 2, "too few queries found anything: {nonempty}");
}

#[test]
fn index_agrees_with_the_scan_on_fixture_articles() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let (ix, _) = build(&root, &tmp.path().join("cache"));
    let mut found = 0;
    for q in [
        "commune",
        "人民",
        "湘乡县",
        "\"work groups\"",
        "China's",
        "的",
        "作业组 OR 公社",
        "１９６０",
        "1960",
    ] {
        let i = canon(by_index(&ix, q));
        let s = by_scan(&root, q);
        assert_eq!(i, s, "query {q}");
        found += s.len();
    }
    assert!(found > 0);
}

#[test]
fn updates_only_changed_files_and_sees_changes() {
    let (_tmp, root, cache) = corpus(30, 3);
    let (_, rep) = build(&root, &cache);
    assert_eq!((rep.indexed, rep.unchanged), (31, 0));
    // nothing changed: nothing read
    let (_, rep) = build(&root, &cache);
    assert_eq!((rep.indexed, rep.removed, rep.unchanged, rep.rebuilt), (0, 0, 31, None));
    // change one, add one, remove one
    let text = std::fs::read_to_string(root.join("0001.md")).unwrap().replace("### ", "### 独一无二");
    std::fs::write(root.join("0001.md"), text).unwrap();
    std::fs::write(root.join("new.md"), article(&mut Rng(5), 99).replace("### ", "### 新来")).unwrap();
    std::fs::remove_file(root.join("0002.md")).unwrap();
    let (ix, rep) = build(&root, &cache);
    assert_eq!((rep.indexed, rep.removed, rep.unchanged), (2, 2, 29));
    assert_eq!(by_index(&ix, "独一无二").len(), 1);
    assert_eq!(by_index(&ix, "新来").len(), 1);
    assert_eq!(canon(by_index(&ix, "的")), by_scan(&root, "的"));
    assert_eq!(canon(by_index(&ix, "title:article")).len(), 30);
}

#[test]
fn a_damaged_index_is_rebuilt() {
    let (_tmp, root, cache) = corpus(10, 4);
    let (ix, _) = build(&root, &cache);
    let dir = ix.dir().unwrap().to_path_buf();
    drop(ix);
    std::fs::write(dir.join("meta.json"), b"{ not json").unwrap();
    assert!(FtsIndex::open(std::slice::from_ref(&root), &cache).is_err());
    let (ix, rep) = build(&root, &cache);
    assert!(rep.rebuilt.is_some());
    assert_eq!(rep.indexed, 11);
    assert_eq!(canon(by_index(&ix, "人")), by_scan(&root, "人"));
    // a truncated segment file: also rebuilt
    drop(ix);
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "idx" || x == "pos") {
            std::fs::write(e.path(), b"xx").unwrap();
        }
    }
    let (ix, rep) = build(&root, &cache);
    assert!(rep.rebuilt.is_some(), "{rep:?}");
    assert_eq!(canon(by_index(&ix, "人")), by_scan(&root, "人"));
}

/// Bytes overwritten inside the fast fields (the path column and the stamps an update reads
/// whole), the file's length unchanged: tantivy read them unchecked and panicked (`diglot
/// index` exited 101 every time; the reader's background build restored the terminal
/// mid-session). Found by the checksum, and rebuilt.
#[test]
fn bytes_damaged_inside_the_fast_fields_are_rebuilt_not_a_panic() {
    let (_tmp, root, cache) = corpus(40, 9);
    let (ix, _) = build(&root, &cache);
    let dir = ix.dir().unwrap().to_path_buf();
    drop(ix);
    let mut fast: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "fast"))
        .collect();
    assert!(!fast.is_empty());
    fast.sort_by_key(|p| std::fs::metadata(p).unwrap().len());
    garble_middle_half(fast.last().unwrap());
    let (ix, rep) = build(&root, &cache);
    assert!(rep.rebuilt.as_deref().is_some_and(|w| w.contains("checksum")), "{rep:?}");
    assert_eq!(canon(by_index(&ix, "人")), by_scan(&root, "人"));
}

/// An index of the previous format (made by diglot at e362fb3: a term for every character
/// and every bigram, segments 1,002 positions apart; `tests/fts-v3-index/`) is refused and
/// rebuilt, not read with the current terms.
#[test]
fn an_index_of_the_previous_format_is_rebuilt() {
    let (_tmp, root, cache) = corpus(10, 4);
    let (ix, _) = build(&root, &cache);
    let dir = ix.dir().unwrap().to_path_buf();
    drop(ix);
    let read =
        |p: &Path| -> serde_json::Value { serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap() };
    let mut payload: serde_json::Value =
        serde_json::from_str(read(&dir.join("meta.json"))["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["version"], fts::index::FTS_VERSION);
    // the old index in its place, its payload naming these roots and this parser: only the
    // format version differs
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let old = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fts-v3-index");
    for e in std::fs::read_dir(&old).unwrap().flatten() {
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    let mut meta = read(&dir.join("meta.json"));
    let old_payload: serde_json::Value = serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
    assert_eq!(old_payload["version"], 3);
    let mut with_version = |v: u32| {
        payload["version"] = v.into();
        meta["payload"] = payload.to_string().into();
        std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
    };
    // with the current version in its payload the old index would be opened (and misread) ...
    with_version(fts::index::FTS_VERSION);
    assert!(FtsIndex::open(std::slice::from_ref(&root), &cache).is_ok());
    // ... with its own it is refused, and rebuilt
    with_version(3);
    let e = FtsIndex::open(std::slice::from_ref(&root), &cache).err().expect("the old format is refused");
    assert!(e.to_string().contains("another version"), "{e}");
    let (ix, rep) = build(&root, &cache);
    assert!(rep.rebuilt.as_deref().is_some_and(|w| w.contains("another version")), "{rep:?}");
    assert_eq!((rep.indexed, rep.removed), (11, 0));
    for q in ["人", "\"人 民\"", "人民公社"] {
        assert_eq!(canon(by_index(&ix, q)), by_scan(&root, q), "query {q}");
    }
}

#[test]
fn kwic_hits_stand_in_one_column_with_cjk_widths() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    write_corpus(&root, 20, 8);
    let (ix, _) = build(&root, &tmp.path().join("cache"));
    let q = fts::parse("公社 OR commune").unwrap();
    let r = ix.search(&q, Order::Date, &|| false).unwrap().unwrap();
    let mut lines = Vec::new();
    for h in &r.hits {
        let a = fts::search::read_article(&ix.info(h).unwrap().path).unwrap();
        lines.extend(fts::kwic_lines(&a, &q.positive_phrases()));
    }
    assert!(
        lines.iter().any(|l| l.hit == "公社") && lines.iter().any(|l| l.hit.eq_ignore_ascii_case("commune"))
    );
    // the hit's display column (CJK counted double) is the same on every row; the hit's text
    // may also occur in the contexts, so a row offers every column where it stands
    let mut common: Option<std::collections::BTreeSet<usize>> = None;
    for l in &lines {
        let row = l.aligned(20);
        let needle = format!(" {} ", l.hit);
        let cols: std::collections::BTreeSet<usize> =
            row.match_indices(&needle).map(|(at, _)| diglot::text::width(&row[..at])).collect();
        assert!(!cols.is_empty(), "hit not in row {row:?}");
        common = Some(match common {
            None => cols,
            Some(c) => c.intersection(&cols).copied().collect(),
        });
        assert!(common.as_ref().is_some_and(|c| !c.is_empty()), "hits not in one column at {row:?}");
    }
    // dates ascend
    assert!(lines.windows(2).all(|w| w[0].date <= w[1].date));
}

/// The timeline of comma-separated `terms`.
fn freq(ix: &FtsIndex, terms: &str, by: fts::Period, per: fts::Norm) -> Vec<fts::FreqRow> {
    let list = fts::timeline::split_terms(terms);
    let qs: Vec<fts::Node> = list.iter().map(|t| fts::parse(t).unwrap()).collect();
    let pairs: Vec<(&str, &fts::Node)> = list.iter().copied().zip(&qs).collect();
    fts::freq_rows(ix, &pairs, by, per, &|| false).unwrap().unwrap()
}

#[test]
fn freq_counts_occurrences_and_articles_per_year() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    std::fs::create_dir_all(&root).unwrap();
    let art = |date: &str, zh: &str| {
        format!("Title: T\nAuthor: \nDate: {date}\nPage: 1\n\nx\n\n<hr /> \n\nOriginal: \n\n### 题\n\n{date}\n第1版()\n专栏：\n\n{zh}\n")
    };
    std::fs::write(root.join("a.md"), art("1958-01-02", "人民公社好，人民公社。")).unwrap();
    std::fs::write(root.join("b.md"), art("1958-05-02", "合作社")).unwrap();
    std::fs::write(root.join("c.md"), art("1959-05-02", "人民公社")).unwrap();
    std::fs::write(root.join("d.md"), art("1960-05-02", "没有")).unwrap();
    let (ix, _) = build(&root, &tmp.path().join("cache"));
    let rows = freq(&ix, "人民公社, 合作社", fts::Period::Year, fts::Norm::Articles);
    let get = |p: &str, t: &str| rows.iter().find(|r| r.period == p && r.term == t).unwrap();
    let r = get("1958", "人民公社");
    assert_eq!((r.occurrences, r.articles, r.total_articles), (2, 1, 2));
    assert!((r.per - 50.0).abs() < 1e-9);
    assert_eq!((get("1958", "合作社").occurrences, get("1959", "人民公社").occurrences), (1, 1));
    assert_eq!(get("1960", "人民公社").occurrences, 0);
    assert_eq!(rows.len(), 6);
    let m = freq(&ix, "人民公社", fts::Period::Month, fts::Norm::MillionChars);
    let jan = m.iter().find(|r| r.period == "1958-01").unwrap();
    assert_eq!(jan.occurrences, 2);
    assert!((jan.per - 2e6 / jan.total_chars as f64).abs() < 1e-6);
}

/// Runs the diglot binary with its cache in `cache`.
fn diglot(cache: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_diglot"))
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .env("HOME", cache)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run diglot")
}

#[test]
fn search_full_text_uses_the_index_and_scan_stays_the_scan() {
    let (_tmp, root, cache) = corpus(40, 11);
    let r = root.to_str().unwrap();
    // --full-text QUERY PATH, and --query QUERY with every positional argument a path: the
    // index and its query language; the articles are those of the scan
    for q in ["人民公社", "\"people's commune\" -大跃进", "title:commune OR 合作 NEAR/3 的"] {
        let want: std::collections::BTreeSet<PathBuf> = by_scan(&root, q).into_keys().collect();
        for args in [["search", "--full-text", q, r], ["search", "--query", q, r]] {
            let o = diglot(&cache, &args);
            assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
            let got: std::collections::BTreeSet<PathBuf> = String::from_utf8(o.stdout)
                .unwrap()
                .lines()
                .map(|l| std::fs::canonicalize(l.split('\t').nth(3).unwrap()).unwrap())
                .collect();
            assert_eq!(got, want, "{args:?}");
        }
    }
    // --scan reads the files for a phrase, as the reader's Ctrl-f before the index is ready:
    // a substring of a word is found ...
    let o = diglot(&cache, &["search", "--scan", "ommun", r]);
    assert!(o.status.success() && !o.stdout.is_empty());
    // ... which the index, matching words, does not find
    let o = diglot(&cache, &["search", "--full-text", "ommun", r]);
    assert!(o.status.success() && o.stdout.is_empty());
    // a query that does not parse: a failure, the message and a caret under the problem
    let o = diglot(&cache, &["search", "--query", "人民 \"公社", r]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("never closed") && err.contains('^'), "{err}");
    // --relevance and --counts need the index (--full-text or --query), not the scan or titles
    assert!(!diglot(&cache, &["search", "--scan", "x", r, "--counts"]).status.success());
    assert!(!diglot(&cache, &["search", "x", r, "--relevance"]).status.success());
    assert!(!diglot(&cache, &["search", "--full-text", "--scan", "x", r]).status.success());
    assert!(diglot(&cache, &["search", "--full-text", "人民公社", r, "--counts"]).status.success());
}

/// `kwic` on filters alone (`date:1958`, `page:1`): the articles they find have no occurrence
/// to show; it printed nothing and exited 0, as for a word that is nowhere. Now it says why.
/// The middle half of every stored-documents file made garbage (a bad sector): the rows of
/// `search --full-text` come from the path column (checked on open) and the files, so none is
/// lost. Before, each row's path was read from its stored document, and a row whose document
/// could not be read was dropped without a word.
#[test]
fn damaged_stored_documents_lose_no_row_of_search() {
    let (_tmp, root, cache) = corpus(60, 13);
    let r = root.to_str().unwrap();
    let rows = |args: &[&str]| -> std::collections::BTreeSet<PathBuf> {
        let o = diglot(&cache, args);
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(|l| std::fs::canonicalize(l.split('\t').nth(3).unwrap()).unwrap())
            .collect()
    };
    let want: std::collections::BTreeSet<PathBuf> = by_scan(&root, "人").into_keys().collect();
    assert!(want.len() > 20, "{}", want.len());
    let args = ["search", "--full-text", "人", r, "--limit", "1000"];
    assert_eq!(rows(&args), want);
    let mut stores: Vec<PathBuf> =
        walkdir_files(&cache).into_iter().filter(|p| p.extension().is_some_and(|x| x == "store")).collect();
    assert!(!stores.is_empty());
    stores.sort();
    for victim in &stores {
        garble_middle_half(victim);
    }
    assert_eq!(rows(&args), want, "rows lost to the damaged stored documents");
}

/// The middle half of a file (not its header or footer) made garbage, its length kept, as a
/// bad sector would.
fn garble_middle_half(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let len = bytes.len();
    let mut x = 0x9e37_79b9_u32;
    for b in bytes.iter_mut().take(len * 3 / 4).skip(len / 4) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    std::fs::write(path, &bytes).unwrap();
}

/// Every file under `dir`, at any depth.
fn walkdir_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn kwic_of_filters_alone_says_it_needs_a_word() {
    let (_tmp, root, cache) = corpus(10, 3);
    let r = root.to_str().unwrap();
    for q in ["date:1958", "page:1..4 -公社"] {
        let o = diglot(&cache, &["kwic", q, r]);
        assert_eq!(o.status.code(), Some(2), "{q}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("no word or phrase to show in context"), "{q}: {err}");
    }
    let o = diglot(&cache, &["kwic", "的 date:..2100", r]);
    assert!(o.status.success() && !o.stdout.is_empty());
}

/// `freq` with a term of filters alone counted nothing and printed a zero for every period.
#[test]
fn freq_of_a_term_of_filters_alone_says_it_needs_a_word() {
    let (_tmp, root, cache) = corpus(10, 3);
    let r = root.to_str().unwrap();
    for terms in ["date:1958", "的,page:1"] {
        let o = diglot(&cache, &["freq", terms, r]);
        assert_eq!(o.status.code(), Some(2), "{terms}: {}", String::from_utf8_lossy(&o.stdout));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("no word or phrase to count"), "{terms}: {err}");
    }
    let o = diglot(&cache, &["freq", "的,人 date:..2100", r]);
    assert!(o.status.success() && !o.stdout.is_empty());
}

#[test]
fn search_query_prints_a_page_of_rows_unless_asked_for_more() {
    let (_tmp, root, cache) = corpus(130, 5);
    let r = root.to_str().unwrap();
    let all = by_scan(&root, "的").len();
    assert!(all > diglot::fts_cmd::DEFAULT_ROWS, "the corpus must hold more hits than a page: {all}");
    let rows = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).lines().count();
    // without --limit: the first page, and a note on stderr with the whole count
    let o = diglot(&cache, &["search", "--query", "的", r]);
    assert!(o.status.success());
    assert_eq!(rows(&o), diglot::fts_cmd::DEFAULT_ROWS);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("{all} articles")) && err.contains("--limit"), "{err}");
    // with --limit: that many, no note
    let o = diglot(&cache, &["search", "--query", "的", r, "--limit", "1000"]);
    assert_eq!(rows(&o), all);
    assert!(o.stderr.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_readers_background_budget_builds_the_same_index() {
    // the reader indexes with one thread and a small heap (many small segments); what it
    // finds must be what the foreground build finds, and what the scan finds
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    write_corpus(&root, 300, 11);
    let (fg, _) = build(&root, &tmp.path().join("fg"));
    let (bg, rep) = FtsIndex::open_updated_with(
        std::slice::from_ref(&root),
        Some(&tmp.path().join("bg")),
        fts::Budget::BACKGROUND,
        &|_, _| {},
        &|| false,
    )
    .unwrap();
    assert_eq!(rep.indexed, 301);
    for q in ["人民公社", "\"人民，公社\"", "people", "人民 NEAR/2 合作", "date:1957 的"] {
        let b = canon(by_index(&bg, q));
        assert_eq!(b, canon(by_index(&fg, q)), "query {q}");
        assert_eq!(b, by_scan(&root, q), "query {q}");
    }
}

#[test]
fn the_documents_in_flight_stay_within_the_budget() {
    // tantivy's queue takes up to 10,000 documents (each an article's whole text) and one
    // indexing thread drains it slower than rayon's threads fill it: an update hands over a
    // document only while fewer than `Budget::queued` wait, and builds the same index
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("corpus");
    write_corpus(&root, 400, 23);
    let (fg, _) = build(&root, &tmp.path().join("fg"));
    let budget = fts::Budget { threads: 1, heap_bytes: 15_000_000, queued: 4, merge_threads: 1 };
    let (ix, rep) = FtsIndex::open_updated_with(
        std::slice::from_ref(&root),
        Some(&tmp.path().join("small")),
        budget,
        &|_, _| {},
        &|| false,
    )
    .unwrap();
    assert_eq!(rep.indexed, 401);
    let bound = budget.queued + rayon::current_num_threads();
    assert!(
        rep.queued_most >= 1 && rep.queued_most <= bound,
        "{} queued at once, bound {bound}",
        rep.queued_most
    );
    for q in ["人民公社", "people", "date:1957 的"] {
        assert_eq!(canon(by_index(&ix, q)), canon(by_index(&fg, q)), "query {q}");
    }
}

#[test]
fn the_path_column_gives_each_hit_its_stored_path() {
    // `FtsIndex::paths` (the path fast field, one dictionary pass per segment) must name the
    // same file as the stored document (`info`) for every hit, in the hits' order, also
    // after an update (more segments, deleted documents) and in relevance order
    let (_tmp, root, cache) = corpus(120, 17);
    build(&root, &cache);
    for i in [3, 40, 77] {
        let p = root.join(format!("{i:04}.md"));
        let text = std::fs::read_to_string(&p).unwrap().replace("### ", "### 人民公社 ");
        std::fs::write(&p, text).unwrap();
    }
    std::fs::remove_file(root.join("0005.md")).unwrap();
    let (ix, rep) = build(&root, &cache);
    assert_eq!((rep.indexed, rep.removed), (3, 4));
    assert!(ix.segment_count() > 1, "the update adds a segment");
    for q in ["人民公社", "people", "的", "date:1957", "title:article", "zzzz"] {
        for order in [Order::Date, Order::Relevance] {
            let r = ix.search(&fts::parse(q).unwrap(), order, &|| false).unwrap().unwrap();
            let by_column = ix.paths(&r.hits, &|| false).unwrap().unwrap();
            let stored: Vec<PathBuf> = r.hits.iter().map(|h| ix.info(h).unwrap().path).collect();
            assert_eq!(by_column, stored, "query {q}");
            assert!(by_column.iter().all(|p| p.is_file()), "query {q}");
        }
    }
    assert!(ix.paths(&[], &|| false).unwrap().unwrap().is_empty());
    let r = ix.search(&fts::parse("的").unwrap(), Order::Date, &|| false).unwrap().unwrap();
    assert!(ix.paths(&r.hits, &|| true).unwrap().is_none(), "cancelled");
}

#[test]
fn the_readers_answer_names_the_stored_paths_and_the_timeline_of_freq() {
    // `FtsEngine::run` reads paths from the path column and a one-term timeline from the
    // answer's own hits: the same paths as the stored documents, the same rows as `freq`
    use diglot::app::{Engine, FtsEngine, ResultOrder};
    let (_tmp, root, cache) = corpus(150, 23);
    build(&root, &cache);
    let ix = FtsIndex::open(std::slice::from_ref(&root), &cache).unwrap();
    let engine = FtsEngine::new(FtsIndex::open(std::slice::from_ref(&root), &cache).unwrap());
    for q in ["人民公社", "people", "人民公社,合作", "date:1957 的", "zzzz"] {
        for order in [ResultOrder::Date, ResultOrder::Relevance] {
            let a = engine.run(q, order, &|| false).unwrap().unwrap();
            let list = fts::timeline::split_terms(q);
            let nodes: Vec<fts::Node> = list.iter().map(|t| fts::parse(t).unwrap()).collect();
            let node = if let [n] = nodes.as_slice() { n.clone() } else { fts::Node::Or(nodes.clone()) };
            let fo = if order == ResultOrder::Date { Order::Date } else { Order::Relevance };
            let r = ix.search(&node, fo, &|| false).unwrap().unwrap();
            let stored: Vec<(PathBuf, u32, u32, u32)> =
                r.hits.iter().map(|h| (ix.info(h).unwrap().path, h.date, h.page, h.count)).collect();
            let got: Vec<(PathBuf, u32, u32, u32)> =
                a.hits.iter().map(|h| (h.path.clone(), h.date, h.page, h.count)).collect();
            assert_eq!(got, stored, "query {q}");
            assert_eq!((&a.by_year, &a.by_page), (&r.by_year, &r.by_page), "query {q}");
            let rows = freq(&ix, q, fts::Period::Year, fts::Norm::Articles);
            let series: Vec<(String, u32, u64, u64, u64, u64)> = a
                .series
                .iter()
                .flat_map(|s| {
                    s.years.iter().map(|y| {
                        (s.term.clone(), y.year, y.occurrences, y.articles, y.total_articles, y.total_chars)
                    })
                })
                .collect();
            let mut want: Vec<(String, u32, u64, u64, u64, u64)> = rows
                .iter()
                .map(|r| (r.term.clone(), r.key, r.occurrences, r.articles, r.total_articles, r.total_chars))
                .collect();
            // the engine groups by term, freq by period
            want.sort_by_key(|w| list.iter().position(|t| *t == w.0));
            assert_eq!(series, want, "query {q}");
        }
    }
}

/// An update given the changed files (the reader's check says which) reads only those, and
/// leaves the index as a whole update would: a changed file re-indexed, a removed one dropped,
/// a new one added; paths outside the roots, unknown files gone and folders ignored.
#[test]
fn an_update_of_the_changed_files_alone_equals_a_whole_update() {
    let (tmp, root, cache) = corpus(30, 8);
    let roots = vec![root.clone()];
    let (mut ix, _) = build(&root, &cache);
    let text = std::fs::read_to_string(root.join("0003.md")).unwrap().replace("### ", "### 独一无二");
    std::fs::write(root.join("0003.md"), text).unwrap();
    std::fs::write(root.join("new.md"), article(&mut Rng(5), 99).replace("### ", "### 新来")).unwrap();
    std::fs::remove_file(root.join("0004.md")).unwrap();
    // another file changed but not named: left as it is (the caller names what changed)
    let other = std::fs::read_to_string(root.join("0005.md")).unwrap().replace("### ", "### 没说");
    std::fs::write(root.join("0005.md"), other).unwrap();
    let outside = tmp.path().join("outside.md");
    std::fs::write(&outside, article(&mut Rng(6), 7)).unwrap();
    let files = [
        root.join("0003.md"),
        root.join("new.md"),
        root.join("0004.md"),
        root.join("0006.md"), // unchanged
        root.join("gone-before.md"),
        root.clone(),
        outside,
    ];
    let r = ix.update_files(&roots, &files, fts::Budget::BACKGROUND, &|_, _| {}, &|| false).unwrap();
    assert_eq!((r.indexed, r.removed, r.unchanged), (2, 2, 1), "{r:?}");
    assert_eq!(by_index(&ix, "独一无二").len(), 1);
    assert_eq!(by_index(&ix, "新来").len(), 1);
    assert!(by_index(&ix, "没说").is_empty());
    // the whole update then finds only the file not named
    let c = ix.changes(&roots).unwrap();
    assert_eq!((c.changed, c.added, c.removed), (1, 0, 0), "{c:?}");
    ix.update(&roots, &|_, _| {}, &|| false).unwrap();
    assert_eq!(canon(by_index(&ix, "的")), by_scan(&root, "的"));
    assert_eq!(canon(by_index(&ix, "没说")).len(), 1);
}

/// `diglot index` showed `10001/10001 files` for the 1-3 s the index was being written, with
/// nothing to say so: after the last file the progress line says it is writing the index.
#[test]
fn the_progress_line_says_the_index_is_written_after_the_last_file() {
    assert_eq!(diglot::fts_cmd::progress_text(256, 10_001), "indexing 256/10001 files");
    let last = diglot::fts_cmd::progress_text(10_001, 10_001);
    assert!(last.contains("10001/10001") && last.contains("writing the index"), "{last}");
    assert!(!diglot::fts_cmd::progress_text(0, 0).contains("writing"));
}

/// A lone lower-case `or` between terms is searched as a word (only upper case is an
/// operator); the CLI says so on stderr and the results are those of the word. OR gets no hint.
#[test]
fn a_lowercase_or_is_a_word_and_the_cli_hints_at_or() {
    let (_tmp, root, cache) = corpus(20, 5);
    let r = root.to_str().unwrap();
    for args in [vec!["search", "--full-text", "人民 or 公社", r], vec!["kwic", "人民 or 公社", r]] {
        let o = diglot(&cache, &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("hint: column 4: did you mean OR?") && err.contains("`or` was searched as a word"),
            "{args:?}: {err}"
        );
    }
    let o = diglot(&cache, &["search", "--full-text", "人民 OR 公社", r]);
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("hint"), "{}", String::from_utf8_lossy(&o.stderr));
}
