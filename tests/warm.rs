//! Issue 14, item 1: a warm open shows what the index holds at once and checks the files in
//! the background; what the check finds (changed, new, removed files) updates the list in
//! place, the selection stays on its article, and the status bar says what was found. Two
//! diglot processes sharing the cache never leave it damaged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use diglot::app::{App, Msg};
use diglot::corpus::index::{self, Index};
use diglot::corpus::load::{load_paths, load_stream_indexed, IndexedLoad, LoadEvent, Loaded};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

fn article(title: &str, date: &str, page: u32) -> String {
    format!(
        "Title: {title}\nAuthor: \nDate: {date}\nPage: {page}\n\n    The commune built a water wheel.\n\n\
         <hr /> \n\nOriginal: \n\n\n### 标题{page}\n\n{date}\n第{page}版()\n专栏：\n\n    正文。\n"
    )
}

/// Writes a file dated an hour ago (older than the index's racy window: its entry is trusted).
fn write_old(root: &Path, rel: &str, text: &str) -> PathBuf {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, text).unwrap();
    let past = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options().write(true).open(&p).unwrap().set_modified(past).unwrap();
    p
}

/// 30 articles, one a day in August 1958.
fn collection(root: &Path) {
    for d in 1..=30u32 {
        let date = format!("1958-08-{d:02}");
        write_old(root, &format!("rmrb/1958.08/{date}_{d}.md"), &article(&format!("Day {d}"), &date, 1));
    }
}

fn load_and_save(root: &Path, cache: &Path) {
    let mut done = load_stream_indexed(&[root.to_path_buf()], 8, Some(cache), &|_| {}, &|| false);
    done.save().unwrap();
}

fn status_row(app: &App) -> String {
    let mut term = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    term.draw(|f| diglot::ui::draw(app, f)).unwrap();
    common::buffer_lines(term.backend().buffer()).last().cloned().unwrap()
}

/// A warm open of `root` on the index in `cache`: what the load gave, and an app of `size`
/// fed its events to the end.
fn warm_app(root: &Path, cache: &Path, size: (u16, u16)) -> (IndexedLoad, App) {
    let events = Mutex::new(Vec::new());
    let done = load_stream_indexed(
        &[root.to_path_buf()],
        4,
        Some(cache),
        &|ev| events.lock().unwrap().push(ev),
        &|| false,
    );
    let mut app = App::new(size);
    for ev in events.into_inner().unwrap() {
        app.feed(Msg::Loaded(ev));
    }
    app.feed(Msg::LoadDone);
    (done, app)
}

/// The screen row of the selection in the list (items take one or two rows).
fn screen_row(app: &App) -> usize {
    app.list.selected - app.list.offset
}

#[test]
fn the_list_is_shown_before_the_check_and_updated_in_place() {
    let tmp = common::tempdir();
    let (root, cache) = (tmp.path().join("c"), tmp.path().join("cache"));
    collection(&root);
    load_and_save(&root, &cache);

    // since the index was written: day 20 edited (new title), day 5 removed, and a new
    // article dated before all the others
    let edited = root.join("rmrb/1958.08/1958-08-20_20.md");
    std::thread::sleep(Duration::from_millis(20)); // a change time the clock tells apart
    fs::write(&edited, article("Day 20, corrected", "1958-08-20", 1)).unwrap();
    fs::remove_file(root.join("rmrb/1958.08/1958-08-05_5.md")).unwrap();
    write_old(&root, "rmrb/1958.07/1958-07-31_new.md", &article("The day before", "1958-07-31", 1));

    // the loader on its own thread; it waits after the listed batch until the test says go
    let (tx, rx) = mpsc::channel::<LoadEvent>();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let loader = {
        let (root, cache) = (root.clone(), cache.clone());
        std::thread::spawn(move || {
            let (tx, go_rx) = (Mutex::new(tx), Mutex::new(go_rx));
            let done = load_stream_indexed(
                &[root],
                4,
                Some(&cache),
                &|ev| {
                    let listed = ev.listed;
                    tx.lock().unwrap().send(ev).unwrap();
                    if listed {
                        go_rx.lock().unwrap().recv().unwrap();
                    }
                },
                &|| false,
            );
            done.report
        })
    };

    let mut app = App::new((100, 12));
    let first = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(first.listed, "the first batch is the index, whole");
    // with the title search's data read beside the catalog: a search index takes both
    // without computing anything, and finds what one built from the titles finds
    let cat = first.catalog.clone().unwrap();
    let data = cat.search_data().cloned().unwrap();
    assert_eq!(data.len(), cat.len());
    let mut warm = diglot::search::SearchIndex::new();
    warm.set_base(cat.clone(), Some(data));
    let mut cold = diglot::search::SearchIndex::new();
    for id in 0..cat.len() as u32 {
        let a = cat.article(id).unwrap();
        cold.push(a.title_en(), &a.title_zh_full(), a.date_page_key());
    }
    for q in ["day 2", "ri", "'Day 5", "!day"] {
        let q = diglot::search::Query::parse(q);
        let (w, c) = (warm.search(&q, None, &|| false).unwrap(), cold.search(&q, None, &|| false).unwrap());
        assert_eq!(w.hits, c.hits, "{}", q.as_str());
    }
    assert!(warm.heap_bytes() < cold.heap_bytes(), "the titles are not copied");
    app.feed(Msg::Loaded(first));
    // on screen: the whole list from the index, the stale title among it, the check running
    assert_eq!(app.articles.len(), 30);
    assert!(app.articles.iter().any(|m| m.title_en() == "Day 20"));
    assert!(app.articles.iter().any(|m| m.title_en() == "Day 5"));
    assert!(!app.progress.done);
    let status = status_row(&app);
    assert!(status.contains("30 articles") && status.contains("checking"), "{status}");

    // the reader on the edited article, the list scrolled so that it is mid-screen
    let row = app.articles.iter().position(|m| m.path() == edited).unwrap();
    app.select(row);
    app.prepare();
    let on_screen = screen_row(&app);
    assert_eq!(app.reader.article.as_ref().unwrap().meta.title_en, "Day 20, corrected", "read from the file");

    go_tx.send(()).unwrap();
    let report = loader.join().unwrap();
    assert_eq!((report.reread, report.added, report.removed, report.reused), (1, 1, 1, 28));
    let mut saw_checked = false;
    for ev in rx.try_iter() {
        saw_checked |= ev.checked.is_some();
        app.feed(Msg::Loaded(ev));
    }
    assert!(saw_checked);
    app.feed(Msg::LoadDone);
    app.prepare();

    // the list brought up to date: one row replaced, one gone, one new at the top
    let titles: Vec<&str> = app.articles.iter().map(|m| m.title_en()).collect();
    assert_eq!(titles.len(), 30);
    assert_eq!(titles[0], "The day before");
    assert!(!titles.contains(&"Day 5") && !titles.contains(&"Day 20"));
    assert_eq!(titles.iter().filter(|t| **t == "Day 20, corrected").count(), 1);
    // the selection on the same article (its row moved: one article before it came, one
    // went), on the same screen row
    assert_eq!(app.selected().unwrap().path(), edited);
    assert_eq!(app.selected().unwrap().title_en(), "Day 20, corrected");
    assert_eq!(app.list.selected, row);
    assert_eq!(screen_row(&app), on_screen);
    assert_eq!(app.summary.articles, 30);
    let status = status_row(&app);
    assert!(status.contains("checked 30 files: 1 changed, 1 new, 1 removed"), "{status}");
    assert!(!status.contains("checking"), "{status}");
    app.check_invariants().unwrap();
}

#[test]
fn a_changed_file_keeps_its_row_and_the_selection_stays_on_its_article() {
    let tmp = common::tempdir();
    let (root, cache) = (tmp.path().join("c"), tmp.path().join("cache"));
    collection(&root);
    load_and_save(&root, &cache);
    // a new article before the selected one, and the selected one's neighbour edited
    let neighbour = root.join("rmrb/1958.08/1958-08-11_11.md");
    std::thread::sleep(Duration::from_millis(20));
    fs::write(&neighbour, article("Day 11, corrected", "1958-08-11", 1)).unwrap();
    write_old(&root, "rmrb/1958.08/1958-08-02_b.md", &article("Day 2 too", "1958-08-02", 2));

    let events = Mutex::new(Vec::new());
    load_stream_indexed(
        std::slice::from_ref(&root),
        4,
        Some(&cache),
        &|ev| events.lock().unwrap().push(ev),
        &|| false,
    );
    let mut events = events.into_inner().unwrap().into_iter();
    let mut app = App::new((100, 40));
    app.feed(Msg::Loaded(events.next().unwrap()));
    let selected = root.join("rmrb/1958.08/1958-08-12_12.md");
    let row = app.articles.iter().position(|m| m.path() == selected).unwrap();
    app.select(row);
    app.prepare();
    let neighbour_row = app.articles.iter().position(|m| m.path() == neighbour).unwrap();
    for ev in events {
        app.feed(Msg::Loaded(ev));
    }
    app.feed(Msg::LoadDone);
    assert_eq!(app.selected().unwrap().path(), selected, "by article, not by row");
    assert_eq!(app.list.selected, row + 1, "one article came before it");
    assert_eq!(app.articles.get(neighbour_row + 1).unwrap().title_en(), "Day 11, corrected");
    assert_eq!(app.reader.path.as_deref(), Some(selected.as_path()));
    app.check_invariants().unwrap();
}

/// A copy of a collection made just before it was first opened: its newest files were
/// modified too close to the index's making to be trusted, and the next open reads them again
/// to be safe. After one file was edited, the status bar said `checked 30 files: 11 changed`
/// (at 10,000 articles copied to /tmp: 92 changed): the files read again only to be safe and
/// found the same are no news; only the edited one is.
#[test]
fn files_read_again_only_to_be_safe_are_not_said_changed() {
    let tmp = common::tempdir();
    let (root, cache) = (tmp.path().join("c"), tmp.path().join("cache"));
    collection(&root);
    // ten files written just now (a copy still being made when the reader opened it)
    for d in 1..=10u32 {
        let date = format!("1958-08-{d:02}");
        fs::write(root.join(format!("rmrb/1958.08/{date}_{d}.md")), article(&format!("Day {d}"), &date, 1))
            .unwrap();
    }
    load_and_save(&root, &cache);
    // one file edited since
    std::thread::sleep(Duration::from_millis(20));
    fs::write(root.join("rmrb/1958.08/1958-08-20_20.md"), article("Day 20, corrected", "1958-08-20", 1))
        .unwrap();

    let (done, app) = warm_app(&root, &cache, (100, 12));
    let r = &done.report;
    assert_eq!((r.reused, r.reread, r.changed, r.added, r.removed), (19, 11, 1, 0, 0), "{r:?}");
    let status = status_row(&app);
    assert!(status.contains("checked 30 files: 1 changed"), "{status}");
    assert!(app.articles.iter().any(|m| m.title_en() == "Day 20, corrected"));
    app.check_invariants().unwrap();
}

/// What a plain load gives, for comparison.
fn same(a: &Loaded, b: &Loaded) {
    assert_eq!(a.articles, b.articles);
    assert_eq!(a.diagnostics, b.diagnostics);
    assert_eq!(a.skipped, b.skipped);
    assert_eq!(a.summary, b.summary);
}

#[test]
fn two_processes_sharing_the_cache_never_damage_it() {
    let tmp = common::tempdir();
    let (root, cache) = (tmp.path().join("c"), tmp.path().join("cache"));
    collection(&root);
    let roots = index::canonical_roots(std::slice::from_ref(&root)).unwrap();
    let file = index::index_file(&cache.join("diglot"), &roots);
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_diglot"))
            .args(["search", "day"])
            .arg(&root)
            .env("XDG_CACHE_HOME", &cache)
            .env("HOME", tmp.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    for round in 0..8u32 {
        // each round changes the collection: a file edited now (inside the racy window, so
        // every run rewrites the index), one added, one removed
        let d = 1 + round % 28;
        fs::write(
            root.join(format!("rmrb/1958.08/1958-08-{d:02}_{d}.md")),
            article(&format!("Day {d}, round {round}"), &format!("1958-08-{d:02}"), 1),
        )
        .unwrap();
        write_old(
            &root,
            &format!("rmrb/1958.09/1958-09-{:02}_r.md", round + 1),
            &article("R", "1958-09-01", 2),
        );
        if round > 0 {
            let _ = fs::remove_file(root.join(format!("rmrb/1958.09/1958-09-{round:02}_r.md")));
        }
        let (mut a, mut b) = (run(), run());
        let (ea, eb) = (a.wait().unwrap(), b.wait().unwrap());
        assert!(ea.success() && eb.success(), "round {round}");
        let ix = Index::read(&file, &roots).unwrap_or_else(|e| panic!("round {round}: {e}"));
        let files =
            walkdir::WalkDir::new(&root).into_iter().filter(|e| e.as_ref().unwrap().file_type().is_file());
        assert_eq!(ix.entries().len(), files.count(), "round {round}: one entry per file");
    }
    // and what it gives is what reading every file gives
    let loaded = Mutex::new(Loaded::default());
    load_stream_indexed(
        std::slice::from_ref(&root),
        4,
        Some(&cache.join("diglot")),
        &|ev| loaded.lock().unwrap().absorb(ev),
        &|| false,
    );
    let mut loaded = loaded.into_inner().unwrap();
    loaded.sort();
    same(&loaded, &load_paths(&[root]));
}

/// Every count on the status bar is written with its thousands separated: at 430,000 it
/// said `1/429995 · 429995 articles · checked 430001 files` beside a scan's `12,345/430,000`.
#[test]
fn the_status_bar_separates_thousands_in_every_count() {
    let tmp = common::tempdir();
    let (root, cache) = (tmp.path().join("c"), tmp.path().join("cache"));
    for i in 0..1200u32 {
        let date = format!("1958-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
        write_old(
            &root,
            &format!("rmrb/1958/{date}_{i}.md"),
            &article(&format!("Item {i}"), &date, 1 + i % 8),
        );
    }
    load_and_save(&root, &cache);
    let (_, app) = warm_app(&root, &cache, (120, 12));
    let status = status_row(&app);
    assert!(status.contains(" 1/1,200 · 1,200 articles"), "{status}");
    assert!(status.contains("checked 1,200 files"), "{status}");
    // and the title search's counts, in the status bar and on its prompt line (the fix12
    // sweep saw '8844/10000 matches' beside '1/8,844 · 10,000 articles')
    let (_, mut app) = warm_app(&root, &cache, (120, 12));
    app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE))));
    for c in "item".chars() {
        app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))));
    }
    assert!(app.wait_search(std::time::Duration::from_secs(30)));
    app.prepare();
    let status = status_row(&app);
    assert!(status.contains(" · 1,200/1,200 matches"), "{status}");
    let buf = common::render(&app);
    let prompt = common::row_text(&buf, 0, 0, 120);
    assert!(prompt.contains("1,200/1,200"), "{prompt}");
}
