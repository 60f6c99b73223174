//! Issue 14, item 5: the real archive's shape. A clone of the archive holds `rmrb/` (the
//! articles) beside `rmrb-js/` (one 2-5 MB JavaScript file per month, `const ARTICLES = [...]`)
//! and a README. Those are judged from their first bytes (never read whole), counted as
//! skipped by reason, and said once: in the commands' standard error and the reader's status
//! bar, not one line per file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

use diglot::app::{App, Msg};
use diglot::corpus::index::{self, Index};
use diglot::corpus::load::{load_paths, load_stream, load_stream_indexed, read_if_article, Loaded};
use diglot::corpus::parse::{not_article, HEAD_BYTES};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// The size of the month file: far more than a head.
const JS_BYTES: usize = 3 << 20;

/// A month file as the archive has them: a JavaScript array of the month's articles, whose
/// bytes after the first few kilobytes are not even UTF-8 (a loader that read them would show
/// it in the bytes it counts, and a parser would report them).
fn month_file() -> Vec<u8> {
    let mut js = String::from("const ARTICLES = [\n");
    js.push_str(r#"  {"path": "rmrb/1958.08/1958-08-01_木制水车.md", "title": "A Wooden Water Wheel", "#);
    js.push_str(r#""content": "Title: A Wooden Water Wheel\nDate: 1958-08-01\n"},"#);
    let mut bytes = js.into_bytes();
    bytes.resize(JS_BYTES, 0xff);
    bytes
}

/// `archive/` with `rmrb/` (the fixture articles), `rmrb-js/1958.08.js`, `rmrb-js/1955.01.js`
/// and `README.md`.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let tmp = common::tempdir();
    let root = tmp.path().join("archive");
    for (rel, text) in common::ARTICLES {
        common::write_files(&root, &[(rel, text.as_bytes())]);
    }
    let js = month_file();
    common::write_files(
        &root,
        &[
            ("rmrb-js/1958.08.js", &js),
            ("rmrb-js/1955.01.js", &js),
            ("README.md", b"# baokan-files\n\nPeople's Daily, 1946-1972 and 1989.\n"),
        ],
    );
    // written a while ago: older than the index's "racy" window, so entries are trusted
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for e in walkdir::WalkDir::new(&root).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file())
    {
        std::fs::File::options().write(true).open(e.path()).unwrap().set_modified(past).unwrap();
    }
    (tmp, root)
}

fn loaded_stream(paths: &[PathBuf]) -> Loaded {
    let loaded = Mutex::new(Loaded::default());
    load_stream(paths, 2, &|ev| loaded.lock().unwrap().absorb(ev), &|| false);
    let mut l = loaded.into_inner().unwrap();
    l.sort();
    l
}

fn article_bytes() -> u64 {
    common::ARTICLES.iter().map(|(_, t)| t.len() as u64).sum()
}

#[test]
fn month_files_and_readmes_are_judged_by_their_head() {
    let p = Path::new("rmrb-js/1958.08.js");
    assert_eq!(not_article(p, &month_file()[..HEAD_BYTES]), Some("JavaScript file"));
    assert_eq!(not_article(Path::new("README.md"), b"# baokan-files\n"), Some(diglot::corpus::parse::README));
    assert_eq!(not_article(Path::new("notes.md"), b"# notes\n"), Some("does not start with `Title:`"));
    assert_eq!(not_article(Path::new("README.md"), b"Title: A README after all\n"), None);
}

#[test]
fn the_loader_skips_month_files_from_their_first_bytes() {
    let (_tmp, root) = archive();
    let loaded = loaded_stream(std::slice::from_ref(&root));
    assert_eq!(loaded.summary.articles, 3);
    assert_eq!(loaded.summary.skipped, 3);
    assert_eq!(
        loaded.summary.errors, 0,
        "nothing of the month files' tails was parsed: {:?}",
        loaded.diagnostics
    );
    // the bytes read: the articles whole, at most a head of each file skipped
    let heads = loaded.summary.bytes - article_bytes();
    assert!(heads <= 3 * HEAD_BYTES as u64, "read {heads} bytes of the skipped files");
    assert!(heads > 0);
    let line = loaded.summary.skipped_line().unwrap();
    assert_eq!(line, "skipped 3 files that are not articles: 2 JavaScript files, 1 README");
    // the same through `load_paths`, and for a file given by itself
    assert_eq!(load_paths(std::slice::from_ref(&root)).summary, loaded.summary);
    let one = loaded_stream(&[root.join("rmrb-js/1958.08.js")]);
    assert_eq!((one.summary.skipped, one.summary.bytes), (1, HEAD_BYTES as u64));
    // and for the full-text scan
    assert!(read_if_article(&root.join("rmrb-js/1958.08.js")).unwrap().is_none());
    assert!(read_if_article(&root.join(common::ARTICLES[0].0)).unwrap().is_some());
}

#[test]
fn through_the_index_month_files_are_read_once_by_their_head_then_not_at_all() {
    let (tmp, root) = archive();
    let cache = tmp.path().join("cache");
    let load = || {
        let loaded = Mutex::new(Loaded::default());
        let mut done = load_stream_indexed(
            std::slice::from_ref(&root),
            2,
            Some(&cache),
            &|ev| loaded.lock().unwrap().absorb(ev),
            &|| false,
        );
        done.save().unwrap();
        (loaded.into_inner().unwrap(), done.report)
    };
    let (first, _) = load();
    assert_eq!((first.summary.articles, first.summary.skipped), (3, 3));
    let heads = first.summary.bytes - article_bytes();
    assert!(heads <= 3 * HEAD_BYTES as u64, "read {heads} bytes of the skipped files");
    // the index remembers them as skipped, with their reason
    let roots = index::canonical_roots(std::slice::from_ref(&root)).unwrap();
    let ix = Index::read(&index::index_file(&cache, &roots), &roots).unwrap();
    assert_eq!(ix.entries().iter().filter(|e| !e.is_article()).count(), 3);
    let (second, report) = load();
    assert_eq!(report.reused, 6);
    assert_eq!(second.summary.skipped_line(), first.summary.skipped_line());
}

#[test]
fn the_commands_say_once_on_stderr_what_was_skipped() {
    let (tmp, root) = archive();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_diglot"))
            .args(args)
            .arg(&root)
            .env("XDG_CACHE_HOME", tmp.path().join("cache"))
            .env("HOME", tmp.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let want = "diglot: skipped 3 files that are not articles: 2 JavaScript files, 1 README\n";
    for args in [&["list"][..], &["search", "wheel"]] {
        let out = run(args);
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err, want, "{args:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(!stdout.contains("rmrb-js"), "{args:?}: {stdout}");
    }
    // `check` counts them in its last line (stdout; `--verbose` lists them) and keeps stderr
    // for its progress bar
    let out = run(&["check"]);
    assert!(out.stderr.is_empty());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout, "3 articles, 0 warnings, 0 errors, 3 skipped\n");
}

#[test]
fn the_reader_says_once_what_was_skipped() {
    let (_tmp, root) = archive();
    let mut app = App::new((100, 30));
    let events = Mutex::new(Vec::new());
    load_stream(std::slice::from_ref(&root), 1, &|ev| events.lock().unwrap().push(ev), &|| false);
    for ev in events.into_inner().unwrap() {
        app.update(Msg::Loaded(ev));
    }
    assert_eq!(app.message, None, "not one message per file");
    app.update(Msg::LoadDone);
    let line = "skipped 3 files that are not articles: 2 JavaScript files, 1 README";
    assert_eq!(app.message.as_deref(), Some(line));
    assert_eq!(app.log.iter().filter(|m| m.contains("skipped")).count(), 1);
    assert_eq!(app.articles.len(), 3);
}

#[test]
fn the_generator_writes_the_archive_shape_and_the_loader_skips_it() {
    let tmp = common::tempdir();
    let dir = tmp.path().join("gen");
    let st = gen_corpus::generate(&dir, 300, 5, 0.0).unwrap();
    let (months, js_bytes) = gen_corpus::write_js_months(&dir).unwrap();
    assert!(months > 1);
    let first = std::fs::read_dir(dir.join("rmrb-js")).unwrap().next().unwrap().unwrap().path();
    let text = std::fs::read_to_string(&first).unwrap();
    assert!(text.starts_with("const ARTICLES = [\n  {"), "{}", &text[..60]);
    assert!(
        text.contains(r#""path":"rmrb/"#)
            && text.contains(r#""title":"#)
            && text.contains(r#""content":"Title: "#)
    );
    let loaded = loaded_stream(std::slice::from_ref(&dir));
    assert_eq!(loaded.summary.articles, st.files);
    assert_eq!(loaded.summary.skipped, months + 1, "{:?}", loaded.summary.skipped_by);
    let heads = loaded.summary.bytes - st.bytes;
    assert!(heads <= (months as u64 + 1) * HEAD_BYTES as u64, "read {heads} bytes of {js_bytes}");
}
