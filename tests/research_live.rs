//! The list and the full-text index follow the files while the reader runs: the watcher's
//! message becomes `Effect::Recheck` (after the first load, one check at a time), the check's
//! batches change the list in place (the selection kept, the article in the reader read again
//! at its place, the status bar's `checked 3 files: 1 changed`), then the index is updated and
//! a query finds the new text; with the real watcher on a temporary folder too.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::research::{key, query, shown_titles};
use crossterm::event::KeyCode;
use diglot::app::{fts_builder, App, Builder, Effect, Focus, IndexStatus, Msg, Rechecker};
use diglot::corpus::load::load_stream_indexed;
use diglot::watch::{self, WatchEvent};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, SystemTime};

const WAIT: Duration = Duration::from_secs(60);
const WHEEL: &str = "rmrb/1958.08/1958-08-01_木制水车.md";

/// Sets every file's time an hour back: the title index trusts a file's stamp only when it is
/// older than its making by 2 s, so files written just now would all read as changed.
fn age(dir: &Path) {
    let back = SystemTime::now() - Duration::from_secs(3600);
    for e in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file())
    {
        std::fs::File::options().write(true).open(e.path()).unwrap().set_modified(back).unwrap();
    }
}

/// An app loaded as the terminal loop loads it: through the title index in `cache` (saved
/// after), the full-text index built in the background, the check of the files set.
fn live_app(dir: &Path, cache: &Path, size: (u16, u16)) -> App {
    let mut app = loaded_app(&[dir.to_path_buf()], cache, size, fts_builder(Some(cache.to_path_buf())), true);
    assert!(app.wait_research(WAIT, |a| a.research().status == IndexStatus::Ready), "{:?}", app.research());
    app
}

/// The reader on `paths` as the terminal loop sets it up: the full-text index made by
/// `builder` (in the background when `background`, else only opened as `diglot index` left
/// it), the watch's rechecker, the articles loaded through the title index in `cache` (and
/// saved), the load done.
fn loaded_app(paths: &[PathBuf], cache: &Path, size: (u16, u16), builder: Builder, background: bool) -> App {
    let mut app = App::new(size);
    app.set_indexer(paths.to_vec(), Some(builder), background);
    if !background {
        app.set_opener(Some(diglot::app::fts_opener(Some(cache.to_path_buf()))));
    }
    let check: Rechecker = watch::rechecker(paths.to_vec(), cache.to_path_buf(), Arc::new(Mutex::new(())));
    app.set_rechecker(Some(check));
    let events = Mutex::new(Vec::new());
    let mut done =
        load_stream_indexed(paths, 512, Some(cache), &|ev| events.lock().unwrap().push(ev), &|| false);
    done.save().unwrap();
    for ev in events.into_inner().unwrap() {
        app.feed(Msg::Loaded(ev));
    }
    app.feed(Msg::LoadDone);
    app.prepare();
    app
}

/// The files each build was given (`None`: all of them, the first build).
type Calls = Arc<Mutex<Vec<Option<Vec<PathBuf>>>>>;

/// The reader's builder, recording the files each update was given (`None`: every file).
fn recording_builder(cache: &Path, calls: Calls) -> Builder {
    let inner = fts_builder(Some(cache.to_path_buf()));
    Arc::new(move |roots, files, progress, cancel| {
        calls.lock().unwrap().push(files.map(<[_]>::to_vec));
        inner(roots, files, progress, cancel)
    })
}

/// Waits until the checks asked for and the index update after them are done.
fn settled(app: &mut App) {
    let ok = app.wait_research(WAIT, |a| {
        let l = &a.research().live;
        !l.running && !l.again && !a.research().indexing()
    });
    assert!(ok, "{:?}", app.research());
    app.prepare();
    app.check_invariants().unwrap();
}

fn wheel_edited(extra: &str) -> String {
    common::ARTICLES[1]
        .1
        .replace("A Wooden Water Wheel Saves Labour", "A Wooden Water Wheel Saves Much Labour")
        .replace("一台水车顶二十个人的劳动。", &format!("一台水车顶二十个人的劳动。{extra}"))
}

#[test]
fn a_change_message_checks_the_files_and_updates_the_list_in_place() {
    let dir = common::fixture_dir();
    age(dir.path());
    let cache = common::tempdir();
    let mut app = live_app(dir.path(), cache.path(), (100, 30));
    assert_eq!(app.research().live.checks, 0, "no check without a change");
    // the water wheel selected and open in the reader, scrolled a line
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Reader);
    key(&mut app, KeyCode::Char('j'));
    let top = app.reader.top;
    let selected = app.list.selected;
    std::fs::write(dir.path().join(WHEEL), wheel_edited("拖拉机也来了。")).unwrap();

    // the watcher's message: a check, as an effect (update does no I/O)
    let effects = app.update(Msg::Watch(WatchEvent::Changed(1)));
    assert_eq!(effects, vec![Effect::Recheck]);
    assert!(common::buffer_text(&common::render(&app)).contains("checking the files"));
    // another change while it runs: one more check after it, not two at once
    assert!(app.update(Msg::Watch(WatchEvent::Changed(1))).is_empty());
    app.perform(effects);
    settled(&mut app);
    assert_eq!(app.research().live.checks, 2);
    assert!(
        app.log.iter().any(|m| m.starts_with("checked 4 files: 1 changed")),
        "the status bar said what changed: {:?}",
        app.log
    );
    // in place: the same row, the new title, the selection on it; the reader at its place
    assert_eq!(app.list.selected, selected);
    assert_eq!(app.selected().unwrap().title_en(), "A Wooden Water Wheel Saves Much Labour");
    assert_eq!(shown_titles(&app).len(), 3);
    let a = app.reader.article.as_ref().expect("the article read again");
    assert!(a.text.contains("拖拉机也来了"));
    assert_eq!(app.reader.top, top);
    // the index followed: a query finds the new text
    assert!(
        app.log.iter().any(|m| m.starts_with("checked 4 files: 1 changed · full-text index updated")),
        "{:?}",
        app.log
    );
    key(&mut app, KeyCode::Char('h'));
    query(&mut app, "拖拉机", WAIT);
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Much Labour"]);
}

#[test]
fn changes_before_the_first_load_is_done_wait_for_it_and_a_failed_watch_is_said_once() {
    let mut app = App::new((80, 24));
    let ran = Arc::new(Mutex::new(0));
    let counter = ran.clone();
    app.set_rechecker(Some(Arc::new(move |_, _| {
        *counter.lock().unwrap() += 1;
        Ok(())
    })));
    // still loading: the check waits for the load's end
    assert!(app.update(Msg::Watch(WatchEvent::Changed(3))).is_empty());
    assert_eq!(app.update(Msg::LoadDone), vec![Effect::Recheck]);
    let why = "/x: too many folders for the system's watch limit";
    app.update(Msg::Watch(WatchEvent::Unavailable(why.into())));
    app.update(Msg::Watch(WatchEvent::Unavailable(why.into())));
    assert_eq!(app.log.iter().filter(|m| m.contains("not watching the files")).count(), 1, "{:?}", app.log);
    // without a check set (the seeds, no cache folder) a change does nothing
    let mut seeds = App::new((80, 24));
    seeds.feed(Msg::LoadDone);
    assert!(seeds.update(Msg::Watch(WatchEvent::Changed(1))).is_empty());
    assert_eq!(*ran.lock().unwrap(), 0, "update itself runs nothing");
}

/// The real watcher on a temporary folder: a file changed, one added and one removed while
/// the app runs; the list rows and an index query change.
#[test]
fn the_watcher_sees_files_change_add_and_go() {
    let dir = common::fixture_dir();
    age(dir.path());
    let cache = common::tempdir();
    let mut app = live_app(dir.path(), cache.path(), (120, 35));
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let _watch = watch::watch(
        &[dir.path().to_path_buf()],
        vec![cache.path().to_path_buf()],
        Duration::from_millis(200),
        move |ev| {
            let _ = tx.lock().unwrap().send(ev);
        },
    )
    .expect("a watch on a temporary folder");
    query(&mut app, "收割机", WAIT);
    assert_eq!(app.shown_len(), 0);
    key(&mut app, KeyCode::Esc);

    // reading files (as the reader and the index build do) is no change
    for e in walkdir::WalkDir::new(dir.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        std::fs::read(e.path()).unwrap();
    }
    assert!(rx.recv_timeout(Duration::from_millis(800)).is_err(), "reads are not changes");

    std::fs::write(dir.path().join(WHEEL), wheel_edited("收割机也来了。")).unwrap();
    let added = common::ARTICLES[0]
        .1
        .replace("Railway Workers Finish the New Bridge Ahead of Schedule", "A Second Bridge")
        .replace("1955-01-03", "1955-02-07");
    common::write_files(dir.path(), &[("rmrb/1955.02/1955-02-07_第二座桥.md", added.as_bytes())]);
    std::fs::remove_file(dir.path().join(common::ARTICLES[2].0)).unwrap();
    let mut seen = 0;
    while let Ok(ev) = rx.recv_timeout(Duration::from_secs(10)) {
        assert!(matches!(ev, WatchEvent::Changed(_)), "{ev:?}");
        let effects = app.update(Msg::Watch(ev));
        app.perform(effects);
        seen += 1;
        settled(&mut app);
        if shown_titles(&app).len() == 3 && shown_titles(&app).iter().any(|t| t == "A Second Bridge") {
            break;
        }
    }
    assert!(seen >= 1, "the watcher said something");
    assert_eq!(
        shown_titles(&app),
        [
            "Railway Workers Finish the New Bridge Ahead of Schedule",
            "A Second Bridge",
            "A Wooden Water Wheel Saves Much Labour"
        ]
    );
    let checked: Vec<&String> = app.log.iter().filter(|m| m.starts_with("checked ")).collect();
    assert!(checked.iter().any(|m| m.contains("1 new")), "{checked:?}");
    assert!(checked.iter().any(|m| m.contains("1 removed")), "{checked:?}");
    settled(&mut app);
    query(&mut app, "收割机", WAIT);
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Much Labour"]);
    query(&mut app, "简讯", WAIT);
    assert_eq!(app.shown_len(), 0, "the file removed is gone from the index");
}

/// After a check found a changed file, the index update is given that file alone (no walk of
/// the folders: the check has just stated every file), and a query finds its new text; the
/// first build looked at every file.
#[test]
fn the_index_update_after_a_check_takes_only_the_files_it_found() {
    let dir = common::fixture_dir();
    age(dir.path());
    let cache = common::tempdir();
    let paths = vec![dir.path().to_path_buf()];
    let calls = Arc::new(Mutex::new(Vec::new()));
    let mut app =
        loaded_app(&paths, cache.path(), (100, 30), recording_builder(cache.path(), calls.clone()), true);
    assert!(app.wait_research(WAIT, |a| a.research().status == IndexStatus::Ready));
    assert_eq!(*calls.lock().unwrap(), vec![None], "the first build looks at every file");
    std::fs::write(dir.path().join(WHEEL), wheel_edited("拖拉机也来了。")).unwrap();
    let effects = app.update(Msg::Watch(WatchEvent::Changed(1)));
    app.perform(effects);
    settled(&mut app);
    assert_eq!(calls.lock().unwrap().last(), Some(&Some(vec![dir.path().join(WHEEL)])));
    key(&mut app, KeyCode::Char('h'));
    query(&mut app, "拖拉机", WAIT);
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Much Labour"]);
}

/// With `background_index = false` and an index `diglot index` built, Ctrl-f scanned the
/// files. Now the index is used while it holds every file as it is (nothing is built: the
/// builder is never called); a change to the files makes it out of date, said once, and
/// Ctrl-f scans again, saying why a filter finds nothing.
#[test]
fn with_background_indexing_off_a_current_index_is_used_until_the_files_change() {
    let dir = common::fixture_dir();
    age(dir.path());
    let cache = common::tempdir();
    let paths = vec![dir.path().to_path_buf()];
    // `diglot index DIR`
    diglot::fts::FtsIndex::open_updated(&paths, Some(cache.path()), &|_, _| {}, &|| false).unwrap();
    let calls = Arc::new(Mutex::new(Vec::new()));
    let mut app =
        loaded_app(&paths, cache.path(), (100, 30), recording_builder(cache.path(), calls.clone()), false);
    assert!(app.wait_research(WAIT, |a| a.research().status == IndexStatus::Ready), "{:?}", app.research());
    assert!(app.message.as_deref().unwrap_or("").contains("full-text index ready"), "{:?}", app.message);
    query(&mut app, "date:1958 水车", WAIT);
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Labour"]);
    // the chart of the answer open when a file changes: the check finds it, the index is
    // out of date, and what needed it (the chart, the answer) goes; the hits stay
    key(&mut app, KeyCode::Char('T'));
    assert_eq!(app.mode, diglot::app::Mode::Chart);
    std::fs::write(dir.path().join(WHEEL), wheel_edited("拖拉机也来了。")).unwrap();
    let effects = app.update(Msg::Watch(WatchEvent::Changed(1)));
    app.perform(effects);
    let gone = app.wait_research(WAIT, |a| a.research().unavailable.is_some() && !a.research().live.running);
    assert!(gone, "{:?}", app.research());
    assert_eq!(app.research().status, IndexStatus::Idle);
    assert_eq!(app.mode, diglot::app::Mode::Browse);
    assert!(!app.index_results() && app.research().answer.is_none());
    app.prepare();
    app.check_invariants().unwrap();
    assert_eq!(shown_titles(&app), ["A Wooden Water Wheel Saves Much Labour"]);
    key(&mut app, KeyCode::Esc);
    let said = app.message.clone().unwrap_or_default();
    assert_eq!(
        said,
        "full-text index out of date (1 changed since it was built): Ctrl-f scans; diglot index updates it"
    );
    // Ctrl-f scans, and says why a filter finds nothing
    common::research::search(&mut app, "date:1958 水车");
    assert!(!app.index_results());
    let said = app.message.clone().unwrap_or_default();
    assert!(
        said.starts_with(
            "date: needs the full-text index, out of date (1 changed since it was built): run diglot index"
        ),
        "{said}"
    );
    assert!(calls.lock().unwrap().is_empty(), "nothing was built: {:?}", calls.lock().unwrap());
}

/// Session 15: the check the watcher sets off names the files it takes back with the ids of
/// the index it read, and after a cold open those are not the list's (the list's ids are the
/// order the load sent the articles in, the index's the collection's order). The file named
/// is taken back and listed as it is now; before, the article at that id in the list was
/// taken back (another file's), and the changed file was listed twice.
#[test]
fn a_check_after_a_cold_open_takes_back_the_files_it_names() {
    let dir = common::tempdir();
    // two roots walked in the order given: the load sends "Later" (root a) first, the index
    // lists "Earlier" (root b) first
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let text = |title: &str, day: u32| {
        common::ARTICLES[0]
            .1
            .replacen("Title: ", &format!("Title: {title} "), 1)
            .replace("1955-01-03", &format!("1955-01-{day:02}"))
    };
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(a.join("later.md"), text("Later", 3)).unwrap();
    std::fs::write(b.join("earlier.md"), text("Earlier", 1)).unwrap();
    age(dir.path());
    let cache = common::tempdir();
    let paths = vec![a.clone(), b.clone()];
    let mut app = App::new((100, 30));
    app.set_rechecker(Some(watch::rechecker(
        paths.clone(),
        cache.path().to_path_buf(),
        Arc::new(Mutex::new(())),
    )));
    let events = Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let mut done = pool.install(|| {
        diglot::corpus::load::load_stream_indexed_shared(
            &paths,
            512,
            Some(cache.path()),
            &|ev| events.lock().unwrap().push(ev),
            &|| false,
        )
    });
    assert!(done.report.rebuilt.is_some(), "a cold open");
    for ev in events.into_inner().unwrap() {
        app.feed(Msg::Loaded(ev));
    }
    app.feed(Msg::LoadDone);
    let titles = app.search_titles();
    assert!(done
        .save_shared(Some(app.parsed_catalog()), &|c, at, out| titles.write_search_data(c, at, out))
        .unwrap());
    let before = shown_titles(&app);
    assert_eq!(before.len(), 2);
    assert!(before[0].starts_with("Earlier") && before[1].starts_with("Later"), "{before:?}");
    let renamed = text("Earlier", 1).replacen("Title: Earlier", "Title: Renamed", 1);
    std::fs::write(b.join("earlier.md"), renamed).unwrap();
    let effects = app.update(Msg::Watch(WatchEvent::Changed(1)));
    app.perform(effects);
    settled(&mut app);
    let after = shown_titles(&app);
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(after[0].starts_with("Renamed") && after[1].starts_with("Later"), "{after:?}");
}

/// Session 16: the check's line counts what the list gains and loses, articles: a README
/// added or removed beside them is not "1 new" / "1 removed" (it said so, the article count
/// unchanged), and a file that stops being an article is one removed.
#[test]
fn the_checks_line_counts_articles_not_files() {
    let dir = common::fixture_dir();
    age(dir.path());
    let cache = common::tempdir();
    let mut app = live_app(dir.path(), cache.path(), (120, 35));
    let articles = app.articles.len();
    let check = |app: &mut App| {
        app.message = None;
        let effects = app.update(Msg::Watch(WatchEvent::Changed(1)));
        app.perform(effects);
        settled(app);
        app.message.clone().unwrap_or_default()
    };
    // a README added: a file, not an article
    common::write_files(dir.path(), &[("rmrb/NOTES.md", b"# Notes\n\nNot an article either.\n")]);
    let said = check(&mut app);
    assert_eq!(app.articles.len(), articles);
    assert!(said.starts_with("checked 5 files: no article changed · skipped 2"), "{said}");
    // and removed
    std::fs::remove_file(dir.path().join("rmrb/NOTES.md")).unwrap();
    let said = check(&mut app);
    assert!(said.starts_with("checked 4 files: no article changed · skipped 1"), "{said}");
    // an article emptied: one removed (the file is still there); a README made an article:
    // one new
    std::fs::write(dir.path().join(WHEEL), "").unwrap();
    std::fs::write(dir.path().join("README.md"), common::ARTICLES[1].1.replace("1958-08-01", "1958-08-02"))
        .unwrap();
    let said = check(&mut app);
    assert_eq!(app.articles.len(), articles);
    assert!(said.starts_with("checked 4 files: 1 new, 1 removed"), "{said}");
    // nothing changed: nothing to say but that
    let said = check(&mut app);
    assert!(said.starts_with("checked 4 files: no change"), "{said}");
}

/// Session 16: a file the cold load found but could not read, removed meanwhile (`cannot
/// read`), leaves the status bar and the errors once the check after the load has seen it
/// gone; a file that stays unreadable (over the size limit) is one error, and a FIFO one
/// skipped file, however many checks report them again (they have no entry in the title
/// index). The note stayed, and each check counted the big file and the FIFO once more.
#[test]
fn files_without_an_index_entry_are_counted_once_and_leave_when_gone() {
    let dir = common::fixture_dir();
    // over the loader's size limit: unreadable at every read (sparse: no room taken)
    let big = dir.path().join("rmrb/big.md");
    std::fs::File::create(&big).unwrap().set_len(diglot::corpus::load::MAX_FILE_BYTES + 1).unwrap();
    let fifo = dir.path().join("rmrb/pipe.md");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    age(dir.path());
    let cache = common::tempdir();
    let paths = vec![dir.path().to_path_buf()];
    let mut app = App::new((300, 35));
    let check: Rechecker =
        watch::rechecker(paths.clone(), cache.path().to_path_buf(), Arc::new(Mutex::new(())));
    app.set_rechecker(Some(check));
    // a cold load (no title index yet), its index saved
    let events = Mutex::new(Vec::new());
    let mut done =
        load_stream_indexed(&paths, 512, Some(cache.path()), &|ev| events.lock().unwrap().push(ev), &|| {
            false
        });
    assert!(done.report.rebuilt.is_some(), "a cold load");
    done.save().unwrap();
    for ev in events.into_inner().unwrap() {
        app.feed(Msg::Loaded(ev));
    }
    // what the load sends for a file its walk found and that was removed before it read it
    let gone = dir.path().join("rmrb/gone.md");
    let why = "cannot read: No such file or directory (os error 2)".to_string();
    app.feed(Msg::Loaded(diglot::corpus::LoadEvent {
        outcomes: vec![diglot::corpus::Outcome::Unreadable(gone.clone(), why)],
        ..Default::default()
    }));
    app.feed(Msg::LoadDone);
    app.prepare();
    assert_eq!(app.summary.errors, 2);
    assert_eq!(app.summary.skipped, 2, "the README and the FIFO");
    let status = common::row_text(&common::render(&app), 34, 0, 300);
    assert!(status.contains("(and 1 more"), "{status}");
    // the look after a cold open found a change: the check against the index
    for (k, ev) in
        [WatchEvent::Watching, WatchEvent::Changed(1), WatchEvent::Changed(1)].into_iter().enumerate()
    {
        let effects = app.update(Msg::Watch(ev));
        app.perform(effects);
        settled(&mut app);
        let status = common::row_text(&common::render(&app), 34, 0, 300);
        assert!(!status.contains("gone.md") && !status.contains("more"), "check {k}: {status}");
        assert!(status.contains("big.md"), "check {k}: {status}");
        assert_eq!(app.summary.errors, 1, "check {k}");
        assert_eq!(app.summary.skipped, 2, "check {k}: {:?}", app.summary.skipped_by);
        assert_eq!(app.load_errors.len(), 1, "check {k}: {:?}", app.load_errors);
    }
}

/// Session 16: a full-text index that cannot be made (its cache folder cannot be: here its
/// parent is a file) is said once as what it is; the status bar said `full-text index:
/// full-text index: Not a directory (os error 20)`.
#[test]
fn a_full_text_index_that_cannot_be_made_is_named_once() {
    let dir = common::fixture_dir();
    age(dir.path());
    let home = common::tempdir();
    let blocked = home.path().join("not-a-folder");
    std::fs::write(&blocked, "a file\n").unwrap();
    let cache = blocked.join("cache");
    let title_cache = common::tempdir();
    let mut app = App::new((200, 30));
    let paths = vec![dir.path().to_path_buf()];
    app.set_indexer(paths.clone(), Some(fts_builder(Some(cache))), true);
    let events = Mutex::new(Vec::new());
    load_stream_indexed(
        &paths,
        512,
        Some(title_cache.path()),
        &|ev| events.lock().unwrap().push(ev),
        &|| false,
    );
    for ev in events.into_inner().unwrap() {
        app.feed(Msg::Loaded(ev));
    }
    app.feed(Msg::LoadDone);
    let ok = app.wait_research(WAIT, |a| matches!(a.research().status, IndexStatus::Failed(_)));
    assert!(ok, "{:?}", app.research());
    let said = app.message.clone().unwrap_or_default();
    assert!(said.starts_with("full-text index: Not a directory"), "{said}");
    assert_eq!(said.matches("full-text index").count(), 1, "{said}");
}
