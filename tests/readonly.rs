//! diglot never writes to a collection: every file's bytes, times and mode are the same after
//! a session (the reader driven with every key, the real TUI in a pseudo-terminal, every
//! subcommand) as before, nothing is added or removed; where strace exists, no file of the
//! collection is even opened for writing; and a read-only collection (files 0444, folders
//! 0555, read by a user who cannot write them) works.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::pty::Tui;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use diglot::app::{App, Msg};
use diglot::corpus;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn article(title: &str, date: &str, glossary: bool) -> String {
    let gloss = if glossary { "**Named Entities**\n\n人民日报\tRénmín Rìbào\n\n" } else { "" };
    format!(
        "Title: {title}\nAuthor: Li Ming\nDate: {date}\nPage: 3\n\n    The first paragraph of {title}.\n\n    The second one, about 人民日报.\n\n{gloss}<hr /> \n\nOriginal: \n\n### {title}的标题\n李明\n{date}\n第3版()\n专栏：\n\n　　第一段。\n　　第二段，人民日报。\n"
    )
}

/// A collection with good, damaged and hostile articles, a README, and a hidden folder.
fn collection(dir: &Path) {
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("1955/a.md", article("Alpha", "1955-01-03", true).into_bytes()),
        ("1958/b.md", article("Beta", "1958-08-01", false).into_bytes()),
        ("1958/c.txt", article("Gamma", "1958-08-02", true).replace('\n', "\r\n").into_bytes()),
        ("1960/damaged.md", b"Title: Damaged\nDate: 1960-02-30\nPage: x\n\n    Cut \x1b[31moff\xff".to_vec()),
        ("README.md", b"# Articles\n".to_vec()),
        (".git/config", b"[core]\n".to_vec()),
    ];
    for (rel, bytes) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

/// Everything about every entry under `dir` that a write would change.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    bytes: Option<Vec<u8>>,
    mode: u32,
    mtime: (i64, i64),
    ctime: (i64, i64),
    ino: u64,
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).follow_links(false) {
        let e = e.unwrap();
        let m = e.path().symlink_metadata().unwrap();
        let bytes = m.is_file().then(|| std::fs::read(e.path()).unwrap());
        out.insert(
            e.path().to_path_buf(),
            Entry {
                bytes,
                mode: m.mode(),
                mtime: (m.mtime(), m.mtime_nsec()),
                ctime: (m.ctime(), m.ctime_nsec()),
                ino: m.ino(),
            },
        );
    }
    out
}

fn assert_unchanged(before: &BTreeMap<PathBuf, Entry>, dir: &Path, what: &str) {
    let after = snapshot(dir);
    let added: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let removed: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    assert!(added.is_empty() && removed.is_empty(), "{what}: added {added:?}, removed {removed:?}");
    for (p, e) in before {
        assert_eq!(Some(e), after.get(p), "{what}: {} changed", p.display());
    }
}

/// A fresh HOME with XDG folders, so state and caches go there and nowhere else.
fn home() -> tempfile::TempDir {
    let h = tempfile::tempdir().unwrap();
    std::fs::set_permissions(h.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    h
}

fn env_for(home: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("HOME", home.to_path_buf()),
        ("XDG_CONFIG_HOME", home.join("config")),
        ("XDG_STATE_HOME", home.join("state")),
        ("XDG_DATA_HOME", home.join("data")),
        ("XDG_CACHE_HOME", home.join("cache")),
    ]
}

/// Every subcommand on the collection: all must succeed (`check` may find errors: 1).
fn every_subcommand(prefix: &[&str], dir: &Path, home: &Path) {
    let d = dir.to_str().unwrap();
    let a = dir.join("1955/a.md");
    let a = a.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", "--verbose", d],
        vec!["list", d],
        vec!["list", "--json", d],
        vec!["show", "1", d],
        vec!["show", a, "--lang", "interleaved", "--width", "60"],
        vec!["show", a, "--format", "markdown"],
        vec!["show", a, "--format", "json"],
        vec!["align", a],
        vec!["align", "--json", a],
        vec!["search", "Alpha", d],
        vec!["search", "--scan", "人民日报", d],
        vec!["search", "--full-text", "人民日报", d],
    ];
    for args in runs {
        let mut cmd = Command::new(prefix.first().copied().unwrap_or(env!("CARGO_BIN_EXE_diglot")));
        if !prefix.is_empty() {
            cmd.args(&prefix[1..]).arg(env!("CARGO_BIN_EXE_diglot"));
        }
        cmd.args(&args).envs(env_for(home));
        let out = cmd.output().expect("run diglot");
        let ok = matches!(out.status.code(), Some(0)) || (args[0] == "check" && out.status.code() == Some(1));
        assert!(ok, "{prefix:?} diglot {args:?}: {:?}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
        assert!(!out.stdout.is_empty(), "diglot {args:?} printed nothing");
    }
}

/// Drives the in-process app with every bound key (twice, in two views), as a session would.
fn in_process_session(dir: &Path) {
    let mut app = App::with_loaded((120, 40), corpus::load_paths(&[dir.to_path_buf()]));
    let keys: Vec<(KeyCode, KeyModifiers)> = diglot::keys::KeyMap::default()
        .bindings
        .iter()
        .flat_map(|b| b.keys.iter().map(|k| (k.code, k.mods)))
        .filter(|(c, m)| {
            *c != KeyCode::Char('q') && !(*c == KeyCode::Char('c') && *m == KeyModifiers::CONTROL)
        })
        .collect();
    for round in 0..2 {
        for &(code, mods) in &keys {
            app.feed(Msg::Term(Event::Key(KeyEvent::new(code, mods))));
            app.wait_search(Duration::from_secs(1));
            app.feed(Msg::SearchReady);
            app.prepare();
            let area = ratatui::layout::Rect::new(0, 0, 120, 40);
            let mut buf = ratatui::buffer::Buffer::empty(area);
            diglot::ui::render(&app, area, &mut buf);
            for c in ["人民", "\n"] {
                if matches!(app.mode, diglot::app::Mode::FullText | diglot::app::Mode::Find) {
                    app.feed(Msg::Term(Event::Paste(c.to_string())));
                }
            }
            app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))));
        }
        app.feed(Msg::Term(Event::Key(KeyEvent::new(KeyCode::Char('v'), KeyModifiers::NONE))));
        let _ = round;
    }
}

/// The real reader in a pseudo-terminal, started by `program ARGS`: waits for the list, types
/// `keys` (each given time to be seen), quits with `q` and waits for the exit.
fn tui_session(program: &str, args: &[&std::ffi::OsStr], home: &Path, keys: &[&[u8]]) {
    let mut env: Vec<(OsString, OsString)> =
        env_for(home).into_iter().map(|(k, v)| (k.into(), v.into_os_string())).collect();
    env.push(("PAGER".into(), "true".into()));
    let mut tui = Tui::spawn_with(program.as_ref(), args, &env, 110, 30);
    tui.wait_status("the article count", |s| s.contains(" article") && !s.contains("loading"));
    for k in keys {
        tui.send(k);
        std::thread::sleep(Duration::from_millis(60));
    }
    // Esc closes whatever is open (alone: Esc followed at once by q reads as Alt-q)
    for k in [&b"\x1b"[..], b"\x1b", b"q"] {
        tui.send(k);
        std::thread::sleep(Duration::from_millis(150));
    }
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
}

/// Keys a person would press: move, read, change views, unlock, glossary, search, bookmark,
/// mark, copy, full-text search, sort, help.
const KEYS: &[&[u8]] = &[
    b"j",
    b"\r",
    b"v",
    b"v",
    b"s",
    b"\t",
    b"s",
    b"e",
    b"}",
    b"/",
    "人民".as_bytes(),
    b"\r",
    b"n",
    b"\x1b",
    b"b",
    b"m",
    b"y",
    b"c",
    b"o",
    b"]",
    b"[",
    b"h",
    b"S",
    b"/",
    b"al",
    b"\r",
    b"\x06",
    b"first",
    b"\r",
    b"\x1b",
    b"?",
    b"\x1b",
    b"G",
    b"g",
];

#[test]
fn a_session_leaves_every_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path());
    let home = home();
    let before = snapshot(dir.path());
    // let a coarse file-system clock move on, so a write would show in the times
    std::thread::sleep(Duration::from_millis(20));

    in_process_session(dir.path());
    assert_unchanged(&before, dir.path(), "the in-process session");
    every_subcommand(&[], dir.path(), home.path());
    assert_unchanged(&before, dir.path(), "the subcommands");
    tui_session(env!("CARGO_BIN_EXE_diglot"), &[dir.path().as_os_str()], home.path(), KEYS);
    // and once more, with the state and the cache of the first session in place
    let a = dir.path().join("1955/a.md");
    tui_session(env!("CARGO_BIN_EXE_diglot"), &[a.as_os_str()], home.path(), KEYS);
    tui_session(env!("CARGO_BIN_EXE_diglot"), &[dir.path().as_os_str()], home.path(), KEYS);
    assert_unchanged(&before, dir.path(), "the reader");
}

/// What strace saw `diglot` do to files of the collection: opening for writing, creating,
/// truncating, renaming, removing, changing mode or times. Empty means read only.
fn writes_in(log: &str, dir: &Path) -> Vec<String> {
    let d = dir.to_str().unwrap();
    log.lines()
        .filter(|l| l.contains(d))
        .filter(|l| {
            let opens = l.contains("open") || l.contains("creat");
            let writes =
                ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"].iter().any(|f| l.contains(f));
            let changes = [
                "rename", "unlink", "mkdir", "rmdir", "chmod", "chown", "utime", "truncate", "link(",
                "symlink",
            ]
            .iter()
            .any(|c| l.contains(c));
            (opens && writes) || changes || l.contains("creat(")
        })
        .map(str::to_string)
        .collect()
}

fn strace() -> bool {
    Command::new("strace").arg("-V").output().is_ok_and(|o| o.status.success())
}

const TRACED: &str = "trace=open,openat,openat2,creat,truncate,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,rmdir,chmod,fchmodat,chown,fchownat,utimensat,link,linkat,symlink,symlinkat";

#[test]
fn strace_sees_no_file_of_the_collection_opened_for_writing() {
    if !strace() {
        eprintln!("SKIPPED: strace is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    collection(dir.path());
    let home = home();
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("subcommands.log");
    let l = log.to_str().unwrap();
    every_subcommand(&["strace", "-f", "-qq", "-e", TRACED, "-o", l], dir.path(), home.path());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains(dir.path().to_str().unwrap()), "strace saw no file of the collection:\n{text}");
    let bad = writes_in(&text, dir.path());
    assert!(bad.is_empty(), "the subcommands wrote to the collection:\n{}", bad.join("\n"));

    let log = logs.path().join("tui.log");
    let flags = ["-f", "-qq", "-e", TRACED, "-o", log.to_str().unwrap(), env!("CARGO_BIN_EXE_diglot")];
    let args: Vec<&std::ffi::OsStr> =
        flags.iter().map(std::ffi::OsStr::new).chain([dir.path().as_os_str()]).collect();
    tui_session("strace", &args, home.path(), KEYS);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("1955/a.md"), "strace saw no article read:\n{text}");
    let bad = writes_in(&text, dir.path());
    assert!(bad.is_empty(), "the reader wrote to the collection:\n{}", bad.join("\n"));
}

/// Files 0444 and folders 0555: as root permissions do not bind, so (when root) everything
/// runs as `nobody` through setpriv.
#[test]
fn a_read_only_collection_works() {
    let base = tempfile::Builder::new().prefix("diglot-ro").tempdir().unwrap();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = base.path().join("collection");
    std::fs::create_dir(&dir).unwrap();
    collection(&dir);
    for e in walkdir::WalkDir::new(&dir).contents_first(true) {
        let e = e.unwrap();
        let mode = if e.file_type().is_dir() { 0o555 } else { 0o444 };
        std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let home = home();
    let before = snapshot(&dir);

    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let exe = Path::new(env!("CARGO_BIN_EXE_diglot"));
    let reachable =
        exe.ancestors().skip(1).all(|p| std::fs::metadata(p).is_ok_and(|m| m.mode() & 0o001 != 0));
    let setpriv = Command::new("setpriv").arg("--version").output().is_ok_and(|o| o.status.success());
    let prefix: Vec<&str> = if root && setpriv && reachable {
        vec!["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    } else {
        if root {
            eprintln!(
                "running as root without setpriv or a reachable binary: the permissions are not enforced"
            );
        }
        Vec::new()
    };
    if !prefix.is_empty() {
        // nobody really cannot write there
        let probe = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--", "sh", "-c"])
            .arg(format!("echo x >> '{}'", dir.join("1955/a.md").display()))
            .output()
            .unwrap();
        assert!(!probe.status.success(), "nobody could write to the read-only collection");
    }
    every_subcommand(&prefix, &dir, home.path());
    let (program, args): (&str, Vec<&std::ffi::OsStr>) = if prefix.is_empty() {
        (env!("CARGO_BIN_EXE_diglot"), vec![dir.as_os_str()])
    } else {
        let mut a: Vec<&std::ffi::OsStr> = prefix[1..].iter().map(std::ffi::OsStr::new).collect();
        a.push(exe.as_os_str());
        a.push(dir.as_os_str());
        (prefix[0], a)
    };
    tui_session(program, &args, home.path(), KEYS);
    assert_unchanged(&before, &dir, "the read-only collection");
    // put the write bits back so the temporary folder can be removed
    for e in walkdir::WalkDir::new(&dir) {
        let e = e.unwrap();
        let _ = std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o755));
    }
}
