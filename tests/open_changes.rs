//! Session 15 (issue 14: "what the check finds updates the list in place"): files that change
//! while the reader opens a collection, before the folders are watched, still show in the
//! list. The real binary in a pseudo-terminal, its watch set up late on purpose
//! (`DIGLOT_TEST_WATCH_DELAY_MS`): the time between the load's reading of the files and the
//! watch, which at 430,000 files is seconds (a cold open reads every file first).
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::pty::Tui;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How late the watch is set up: long enough for the test's change to come first.
const DELAY_MS: &str = "3000";

fn article(title: &str, day: u32) -> String {
    format!(
        "Title: {title}\nAuthor: Li Ming\nDate: 1958-08-{day:02}\nPage: 1\n\n    The {title} text.\n\n<hr /> \n\nOriginal: \n\n### {title}标题\n李明\n1958-08-{day:02}\n第1版()\n专栏：\n\n    {title}的正文。\n"
    )
}

/// A collection of three articles (Kept, Edited before, Gone), written an hour back (the
/// title index trusts a file's stamp only when it is older than its making by 2 s).
fn collection(root: &Path) {
    std::fs::create_dir_all(root.join("rmrb/1958.08")).unwrap();
    let back = SystemTime::now() - Duration::from_secs(3600);
    for (name, title, day) in [("a.md", "Kept", 1), ("b.md", "Before", 2), ("c.md", "Gone", 3)] {
        let p = root.join("rmrb/1958.08").join(name);
        std::fs::write(&p, article(title, day)).unwrap();
        std::fs::File::options().write(true).open(&p).unwrap().set_modified(back).unwrap();
    }
}

/// One added, one edited, one removed.
fn change(root: &Path) {
    let d = root.join("rmrb/1958.08");
    std::fs::write(d.join("d.md"), article("Added", 4)).unwrap();
    std::fs::write(d.join("b.md"), article("Edited title", 2)).unwrap();
    std::fs::remove_file(d.join("c.md")).unwrap();
}

/// HOME and the XDG folders in `home`, background indexing off, the watch `DELAY_MS` late.
fn env(home: &Path) -> Vec<(OsString, OsString)> {
    let mut env = vec![
        (OsString::from("HOME"), home.as_os_str().to_owned()),
        (OsString::from("DIGLOT_TEST_WATCH_DELAY_MS"), OsString::from(DELAY_MS)),
    ];
    for (var, sub) in [
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_DATA_HOME", "data"),
    ] {
        let dir = home.join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        env.push((var.into(), dir.into_os_string()));
    }
    std::fs::create_dir_all(home.join("config/diglot")).unwrap();
    std::fs::write(home.join("config/diglot/config.toml"), "background_index = false\n").unwrap();
    env
}

fn spawn(root: &Path, home: &Path) -> Tui {
    let args: Vec<&OsStr> = vec![root.as_os_str()];
    Tui::spawn_with(OsStr::new(env!("CARGO_BIN_EXE_diglot")), &args, &env(home), 120, 30)
}

/// The list shows the files as they are now: Kept, Edited title, Added; not Before, nor Gone.
fn wait_listed_as_now(tui: &mut Tui) {
    tui.wait_for("the list as the files are now", |rows| {
        let has = |t: &str| rows.iter().any(|r| r.contains(t));
        has("Kept") && has("Edited title") && has("Added") && !has("Before") && !has("Gone")
    });
}

/// A cold open (no title index): a file added, one edited and one removed after the load has
/// read them (here once it is done, the watch not set up yet) are listed as they are, and
/// the status bar says what the check found. Before, the list kept what the load had read
/// until the next open.
#[test]
fn files_changed_after_a_cold_load_read_them_are_listed_as_they_are() {
    let dir = common::tempdir();
    let root = dir.path().join("c");
    collection(&root);
    let home = common::tempdir();
    let mut tui = spawn(&root, home.path());
    tui.wait_status("3 articles, loaded", |s| s.contains("3 articles") && !s.contains("loading"));
    assert!(tui.screen().contains("Before") && tui.screen().contains("Gone"));
    change(&root);
    wait_listed_as_now(&mut tui);
    tui.wait_status("what the check found", |s| {
        s.contains("1 changed") && s.contains("1 new") && s.contains("1 removed")
    });
    tui.send(b"q");
    assert!(tui.wait_exit().success());
}

/// A warm open: the check of the files runs once they are watched, so that a file changed
/// after the check has stated it is an event. Here the change comes as soon as the check has
/// reported; before, the check ran while the watch was still being set up and a change in
/// between was seen by nothing.
#[test]
fn files_changed_after_a_warm_opens_check_are_listed_as_they_are() {
    let dir = common::tempdir();
    let root = dir.path().join("c");
    collection(&root);
    let home = common::tempdir();
    let cache = home.path().join("cache/diglot");
    // the title index, as a first open leaves it
    let roots: Vec<PathBuf> = vec![root.clone()];
    let mut done = diglot::corpus::load::load_stream_indexed(&roots, 512, Some(&cache), &|_| {}, &|| false);
    assert!(done.save().unwrap());
    let mut tui = spawn(&root, home.path());
    tui.wait_status("the check's report", |s| s.contains("checked 3 files: no change"));
    change(&root);
    wait_listed_as_now(&mut tui);
    tui.send(b"q");
    assert!(tui.wait_exit().success());
}

/// Session 16: a cold open whose title index could not be written (the cache folder cannot
/// be made: here its parent is a file, which stops root too) still has its folders looked at
/// once they are watched, and a change made meanwhile is said (the check needs the index it
/// could not write: the status bar says the list is updated at the next start). Before, the
/// look ran only after an index written, and nothing was said: the list showed the files as
/// the load read them, as if nothing had changed.
#[test]
fn a_change_during_a_cold_open_whose_index_cannot_be_written_is_said() {
    let dir = common::tempdir();
    let root = dir.path().join("c");
    collection(&root);
    let home = common::tempdir();
    let mut env = env(home.path());
    let blocked = home.path().join("not-a-folder");
    std::fs::write(&blocked, "a file where the cache folder's parent should be\n").unwrap();
    for (var, value) in &mut env {
        if var == "XDG_CACHE_HOME" {
            *value = blocked.join("cache").into_os_string();
        }
    }
    let args: Vec<&OsStr> = vec![root.as_os_str()];
    let mut tui = Tui::spawn_with(OsStr::new(env!("CARGO_BIN_EXE_diglot")), &args, &env, 160, 30);
    tui.wait_status("3 articles, loaded", |s| s.contains("3 articles") && !s.contains("loading"));
    change(&root);
    tui.wait_status("the change said", |s| {
        s.contains("files changed: the list is updated at the next start")
    });
    tui.send(b"q");
    assert!(tui.wait_exit().success());
}
