//! The remembered state: round trip, atomic saves (a kill mid-write, simulated and real,
//! leaves a readable state), and an unreadable state file set aside with a message.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use diglot::layout::View;
use diglot::state::{self, Resume, State};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const CHILD_ENV: &str = "DIGLOT_TEST_SAVER_DIR";
const READER_ENV: &str = "DIGLOT_TEST_READER";

fn sample() -> State {
    let mut s = State::default();
    s.set_read(Path::new("/corpus/1960/a.md"), true);
    s.set_read(Path::new("<embedded>/seed.md"), true);
    s.toggle_bookmark(Path::new("/corpus/1960/b.md"));
    s.set_resume(
        &state::collection_key(&[PathBuf::from("/corpus")]),
        Resume {
            article: "/corpus/1960/b.md".into(),
            block: 7,
            offset: 2,
            view: View::Interleaved,
            sort: "title".into(),
            list_hidden: true,
            glossary: true,
            reader_focused: true,
        },
    );
    s
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("not/yet/there");
    let mut s = sample();
    assert!(s.is_dirty());
    s.save(&sub).unwrap();
    assert!(!s.is_dirty());
    let (back, msg) = State::load(&sub);
    assert_eq!(msg, None);
    assert_eq!(back, s);
    assert!(back.is_read(Path::new("/corpus/1960/a.md")));
    assert!(back.is_read(Path::new("<embedded>/seed.md")));
    assert!(!back.is_read(Path::new("/corpus/1960/b.md")));
    assert!(back.is_bookmarked(Path::new("/corpus/1960/b.md")));
    let r = back.resume(&state::collection_key(&[PathBuf::from("/corpus")])).unwrap();
    assert_eq!((r.block, r.offset, r.view), (7, 2, View::Interleaved));
    assert_eq!((r.sort.as_str(), r.list_hidden, r.glossary, r.reader_focused), ("title", true, true, true));
    assert_eq!(back.resume("<embedded>"), None);
    assert_eq!(files(&sub), vec!["state.json", "state.lock"], "no temporary file left");
}

#[test]
fn a_missing_state_is_empty_and_silent() {
    let dir = tempfile::tempdir().unwrap();
    let (s, msg) = State::load(dir.path());
    assert_eq!((s, msg), (State::default(), None));
    assert!(files(dir.path()).is_empty());
}

#[test]
fn a_write_killed_before_the_rename_leaves_the_old_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut old = sample();
    old.save(dir.path()).unwrap();
    // the new state was being written to the temporary file when the process died
    let mut new = sample();
    new.set_read(Path::new("/corpus/1961/c.md"), true);
    let bytes = serde_json::to_vec(&"stand-in").unwrap();
    let tmp = state::temp_path(&dir.path().join(state::FILE_NAME));
    std::fs::write(&tmp, &bytes[..bytes.len() / 2]).unwrap();
    let (back, msg) = State::load(dir.path());
    assert_eq!(msg, None);
    assert_eq!(back, old);
    // the next save goes through, beside the leftover (which could be another diglot's
    // save in progress while it is young)
    new.save(dir.path()).unwrap();
    assert_eq!(State::load(dir.path()).0, new);
    assert!(tmp.exists());
    // once stale, it goes
    let f = std::fs::File::options().write(true).open(&tmp).unwrap();
    f.set_modified(std::time::SystemTime::now() - Duration::from_secs(3600)).unwrap();
    drop(f);
    State::load(dir.path());
    assert_eq!(files(dir.path()), vec!["state.json", "state.lock"]);
}

#[test]
fn a_half_written_state_file_is_set_aside_with_a_message() {
    // what a non-atomic writer would leave: half a file in place
    let dir = tempfile::tempdir().unwrap();
    let mut s = sample();
    s.save(dir.path()).unwrap();
    let path = dir.path().join(state::FILE_NAME);
    let full = std::fs::read(&path).unwrap();
    std::fs::write(&path, &full[..full.len() / 2]).unwrap();
    let (fresh, msg) = State::load(dir.path());
    assert_eq!(fresh, State::default());
    let msg = msg.expect("a message for the status bar");
    assert!(msg.contains("corrupt") && msg.contains("starting fresh"), "{msg}");
    let names: Vec<String> = files(dir.path()).into_iter().filter(|n| n != state::LOCK_NAME).collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].contains("corrupt"), "{names:?}");
    // nothing is lost: the damaged bytes are kept aside
    assert_eq!(std::fs::read(dir.path().join(&names[0])).unwrap(), &full[..full.len() / 2]);
    // and the fresh state saves and loads
    let mut fresh = fresh;
    fresh.set_read(Path::new("/x.md"), true);
    fresh.save(dir.path()).unwrap();
    assert_eq!(State::load(dir.path()), (fresh, None));
}

#[test]
fn garbage_and_unreadable_state_files_are_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(state::FILE_NAME);
    std::fs::write(&path, b"\xff\xfe not json at all").unwrap();
    let (s, msg) = State::load(dir.path());
    assert_eq!(s, State::default());
    assert!(msg.unwrap().contains("corrupt"));
    assert!(!path.exists());
    // a second one does not overwrite the first one set aside
    std::fs::write(&path, b"[1, 2").unwrap();
    let (_, msg) = State::load(dir.path());
    assert!(msg.is_some());
    assert_eq!(files(dir.path()).iter().filter(|n| n.contains("corrupt")).count(), 2);
    // something that cannot be read at all (here a folder in its place)
    std::fs::create_dir(&path).unwrap();
    let (s, msg) = State::load(dir.path());
    assert_eq!(s, State::default());
    assert!(msg.unwrap().contains("could not be read"));
    assert!(!path.exists());
}

#[test]
fn save_if_dirty_writes_only_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = State::default();
    assert!(!s.save_if_dirty(dir.path()).unwrap());
    assert!(files(dir.path()).is_empty());
    assert!(s.toggle_bookmark(Path::new("/a.md")));
    assert!(s.save_if_dirty(dir.path()).unwrap());
    assert!(!s.save_if_dirty(dir.path()).unwrap());
    assert!(!s.toggle_bookmark(Path::new("/a.md")));
    assert!(s.save_if_dirty(dir.path()).unwrap());
    assert!(!State::load(dir.path()).0.is_bookmarked(Path::new("/a.md")));
}

/// The child process of [`a_real_kill_mid_save_leaves_a_readable_state`]: saves an ever
/// growing state in a loop until killed. Does nothing in a normal test run.
#[test]
fn child_saver() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else { return };
    let dir = PathBuf::from(dir);
    let mut s = State::default();
    let pad = "x".repeat(300);
    for i in 0..1_000_000 {
        s.set_read(Path::new(&format!("/corpus/{i:07}-{pad}.md")), true);
        s.save(&dir).unwrap();
    }
}

#[test]
fn a_real_kill_mid_save_leaves_a_readable_state() {
    let exe = std::env::current_exe().unwrap();
    for round in 0..6u64 {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(&exe)
            .args(["child_saver", "--exact", "--test-threads", "1"])
            .env(CHILD_ENV, dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // let it get going: at least one save, then a kill at some point of a later one
        let path = dir.path().join(state::FILE_NAME);
        for _ in 0..500 {
            if path.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(20 + 37 * round));
        child.kill().unwrap(); // SIGKILL: no chance to finish the write
        child.wait().unwrap();
        let (s, msg) = State::load(dir.path());
        assert_eq!(msg, None, "round {round}");
        let (read, _) = s.counts();
        assert!(read > 0, "round {round}: nothing saved");
        for i in 0..read {
            let p = format!("/corpus/{i:07}-{}.md", "x".repeat(300));
            assert!(s.is_read(Path::new(&p)), "round {round}: a saved state is whole");
        }
    }
}

/// Marks of the two-reader test: reader `id`'s `i`th article.
fn reader_article(id: u32, i: u32) -> PathBuf {
    PathBuf::from(format!("/corpus/reader{id}/{i:03}.md"))
}

/// Articles read before the two readers start, which each reader un-marks half of.
fn shared_article(k: u32) -> PathBuf {
    PathBuf::from(format!("/corpus/shared/{k:03}.md"))
}

const READER_MARKS: u32 = 12;
const SHARED: u32 = 8;

/// One of the readers of [`two_readers_lose_nothing`]: loads the state once (as the app
/// does), waits for the go, then marks its articles read, bookmarks every third, un-marks its
/// half of the shared ones and moves its position, saving after each change, with pauses
/// from `seed` between. Does nothing in a normal test run.
#[test]
fn child_reader() {
    let Some(arg) = std::env::var_os(READER_ENV) else { return };
    let arg = arg.to_string_lossy().into_owned();
    let mut parts = arg.splitn(3, ';');
    let (id, seed, dir) = (
        parts.next().unwrap().parse::<u32>().unwrap(),
        parts.next().unwrap().parse::<u64>().unwrap(),
        PathBuf::from(parts.next().unwrap()),
    );
    let (mut s, msg) = State::load(&dir);
    assert_eq!(msg, None);
    while !dir.join("go").exists() {
        std::thread::sleep(Duration::from_micros(200));
    }
    let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut pause = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::thread::sleep(Duration::from_micros(rng % 3000));
    };
    for i in 0..READER_MARKS {
        s.set_read(&reader_article(id, i), true);
        if i % 3 == 0 {
            assert!(s.toggle_bookmark(&reader_article(id, i)));
        }
        if i < SHARED / 2 {
            s.set_read(&shared_article(2 * i + id), false);
        }
        let resume = Resume {
            article: reader_article(id, i).to_string_lossy().into_owned(),
            block: i as usize,
            offset: 0,
            view: View::Both,
            sort: if i % 2 == 0 { "date-desc".into() } else { String::new() },
            list_hidden: i % 3 == 1,
            glossary: i % 2 == 1,
            reader_focused: i % 4 < 2,
        };
        s.set_resume(&format!("collection{id}"), resume);
        pause();
        s.save(&dir).unwrap();
    }
}

/// Issue 12, item 1: two diglots on one state, each saving after every change, in 20
/// interleavings: every mark, un-mark, bookmark and position of both is in the file after.
#[test]
fn two_readers_lose_nothing() {
    let exe = std::env::current_exe().unwrap();
    for round in 0..20u64 {
        let dir = tempfile::tempdir().unwrap();
        let mut start = State::default();
        for k in 0..SHARED {
            start.set_read(&shared_article(k), true);
        }
        start.save(dir.path()).unwrap();
        let children: Vec<_> = (0..2u32)
            .map(|id| {
                Command::new(&exe)
                    .args(["child_reader", "--exact", "--test-threads", "1"])
                    .env(
                        READER_ENV,
                        format!("{id};{};{}", round * 2 + u64::from(id) + 1, dir.path().display()),
                    )
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        std::thread::sleep(Duration::from_millis(30));
        std::fs::write(dir.path().join("go"), b"").unwrap();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        }
        let (s, msg) = State::load(dir.path());
        assert_eq!(msg, None);
        let mut lost = Vec::new();
        for id in 0..2 {
            for i in 0..READER_MARKS {
                let p = reader_article(id, i);
                if !s.is_read(&p) {
                    lost.push(format!("read {}", p.display()));
                }
                if (i % 3 == 0) != s.is_bookmarked(&p) {
                    lost.push(format!("bookmark {}", p.display()));
                }
            }
            let r = s.resume(&format!("collection{id}"));
            let last = READER_MARKS - 1;
            let want =
                (reader_article(id, last).to_string_lossy().into_owned(), last % 2 == 1, last % 3 == 1);
            if r.map(|r| (r.article.clone(), r.glossary, r.list_hidden)) != Some(want.clone()) {
                lost.push(format!("position of reader {id}: {r:?}, want {want:?}"));
            }
        }
        for k in 0..SHARED {
            if s.is_read(&shared_article(k)) {
                lost.push(format!("un-mark of {}", shared_article(k).display()));
            }
        }
        assert!(lost.is_empty(), "round {round}: lost {lost:?}");
        assert_eq!(s.counts(), (2 * READER_MARKS as usize, 2 * READER_MARKS.div_ceil(3) as usize));
    }
}

mod merge {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Read(u8, bool),
        Bookmark(u8),
        Resume(u8, u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..6u8, any::<bool>()).prop_map(|(k, on)| Op::Read(k, on)),
            (0..6u8).prop_map(Op::Bookmark),
            (0..3u8, 0..4u8).prop_map(|(c, b)| Op::Resume(c, b)),
        ]
    }

    fn art(k: u8) -> PathBuf {
        PathBuf::from(format!("/nowhere/merge/{k}.md"))
    }

    fn resume(b: u8) -> Resume {
        Resume {
            article: "/nowhere/merge/0.md".into(),
            block: usize::from(b),
            offset: 0,
            view: View::Both,
            glossary: b.is_multiple_of(2),
            list_hidden: b.is_multiple_of(3),
            ..Resume::default()
        }
    }

    fn apply(s: &mut State, ops: &[Op]) {
        for o in ops {
            match *o {
                Op::Read(k, on) => s.set_read(&art(k), on),
                Op::Bookmark(k) => {
                    s.toggle_bookmark(&art(k));
                }
                Op::Resume(c, b) => s.set_resume(&format!("c{c}"), resume(b)),
            }
        }
    }

    /// The value a key must have after A then B saved: B's if B changed it, else A's if A
    /// changed it, else the starting one.
    fn expect<T: PartialEq>(start: T, a: T, b: T) -> T {
        if b != start {
            b
        } else if a != start {
            a
        } else {
            start
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Two processes load the same state, change it, and save one after the other: every
        /// key ends as the last process to change it left it; untouched keys keep their value.
        #[test]
        fn each_readers_changes_survive(
            start_ops in proptest::collection::vec(op(), 0..12),
            a_ops in proptest::collection::vec(op(), 0..12),
            b_ops in proptest::collection::vec(op(), 0..12),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut start = State::default();
            apply(&mut start, &start_ops);
            start.save(dir.path()).unwrap();
            let (mut a, _) = State::load(dir.path());
            let (mut b, _) = State::load(dir.path());
            apply(&mut a, &a_ops);
            apply(&mut b, &b_ops);
            let (a_mine, b_mine) = (a.clone(), b.clone());
            a.save(dir.path()).unwrap();
            b.save(dir.path()).unwrap();
            let (end, msg) = State::load(dir.path());
            prop_assert_eq!(msg, None);
            prop_assert_eq!(&end, &b, "B's state after its save is what is on disk");
            for k in 0..6 {
                let p = art(k);
                prop_assert_eq!(end.is_read(&p), expect(start.is_read(&p), a_mine.is_read(&p), b_mine.is_read(&p)));
                prop_assert_eq!(
                    end.is_bookmarked(&p),
                    expect(start.is_bookmarked(&p), a_mine.is_bookmarked(&p), b_mine.is_bookmarked(&p))
                );
            }
            for c in 0..3 {
                let c = format!("c{c}");
                prop_assert_eq!(end.resume(&c), expect(start.resume(&c), a_mine.resume(&c), b_mine.resume(&c)));
            }
        }
    }
}

/// Issue 12, item 2: a collection and its articles are one, however the path was typed.
#[test]
fn paths_are_keyed_canonically() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("x/corpus")).unwrap();
    std::fs::create_dir_all(root.join("x/h")).unwrap();
    std::fs::write(root.join("x/corpus/a.md"), b"x").unwrap();
    let plain = root.join("x/corpus");
    let dotdot = root.join("x/h/../corpus");
    let slash = PathBuf::from(format!("{}/", plain.display()));
    // relative to the current folder, whatever it is
    let cwd = std::env::current_dir().unwrap().canonicalize().unwrap();
    let ups = "../".repeat(cwd.components().count() - 1);
    let relative = PathBuf::from(format!("{ups}{}", plain.display().to_string().trim_start_matches('/')));
    let mut forms = vec![dotdot, slash, relative];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&plain, root.join("link")).unwrap();
        forms.push(root.join("link"));
    }
    let key = state::collection_key(std::slice::from_ref(&plain));
    let article = state::article_key(&plain.join("a.md"));
    for f in &forms {
        assert_eq!(state::collection_key(std::slice::from_ref(f)), key, "{}", f.display());
        assert_eq!(state::article_key(&f.join("a.md")), article, "{}", f.display());
    }
    // a mark made through one form is seen through every other
    let mut s = State::default();
    s.set_read(&forms[0].join("a.md"), true);
    for f in &forms {
        assert!(s.is_read(&f.join("a.md")), "{}", f.display());
    }
}

/// Issue 12, item 3: fields of a newer diglot are kept; a newer format is not overwritten.
#[test]
fn unknown_fields_are_kept_and_a_newer_format_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(state::FILE_NAME);
    let v1 = r#"{"version": 1, "read": ["/a.md"], "notes": {"/a.md": "see p. 3"}, "tags": ["x"]}"#;
    std::fs::write(&path, v1).unwrap();
    let (mut s, msg) = State::load(dir.path());
    assert_eq!(msg, None);
    assert!(s.is_read(Path::new("/a.md")));
    s.set_read(Path::new("/b.md"), true);
    s.save(dir.path()).unwrap();
    let back: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(back["notes"]["/a.md"], "see p. 3");
    assert_eq!(back["tags"][0], "x");
    assert_eq!(back["read"].as_array().unwrap().len(), 2);

    let v2 = r#"{"version": 2, "read": ["/a.md"], "notes": {"/a.md": "n"}, "tags": []}"#;
    std::fs::write(&path, v2).unwrap();
    let (mut s, msg) = State::load(dir.path());
    let msg = msg.expect("a message");
    assert!(msg.contains("version 2") && msg.contains("newer"), "{msg}");
    assert!(s.is_read(Path::new("/a.md")), "what is understood is read");
    s.set_read(Path::new("/c.md"), true);
    let err = s.save(dir.path()).unwrap_err().to_string();
    assert!(err.contains("newer"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), v2, "untouched");
    // a newer diglot that writes version 2 while this one is open: not overwritten either
    std::fs::write(&path, v1).unwrap();
    let (mut s, _) = State::load(dir.path());
    std::fs::write(&path, v2).unwrap();
    s.set_read(Path::new("/c.md"), true);
    assert!(s.save(dir.path()).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), v2);
}

/// Issue 12, item 5: a symbolic link at state.json stays a link; its target is written.
#[cfg(unix)]
#[test]
fn a_symlinked_state_file_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("dotfiles");
    std::fs::create_dir(&real).unwrap();
    let state_dir = dir.path().join("state");
    std::fs::create_dir(&state_dir).unwrap();
    std::os::unix::fs::symlink("../dotfiles/diglot-state.json", state_dir.join(state::FILE_NAME)).unwrap();
    let mut s = sample();
    s.save(&state_dir).unwrap();
    let link = state_dir.join(state::FILE_NAME);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(State::load(&state_dir).0, s);
    assert!(real.join("diglot-state.json").is_file());
    s.set_read(Path::new("/more.md"), true);
    s.save(&state_dir).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(State::load(&real.join("..").join("state")).0.is_read(Path::new("/more.md")));
    let left: Vec<String> = files(&real).into_iter().filter(|n| n.ends_with(".tmp")).collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Issue 11 item 10: a resume written before sort, hidden list, glossary panel and focus were
/// kept still loads (their defaults), and a resume with them keeps them through a save.
#[test]
fn an_older_resume_loads_with_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let old = r#"{"version":1,"read":[],"bookmarks":[],"collections":{"/c":{"article":"/c/a.md","block":3,"offset":1,"view":"chinese"}}}"#;
    std::fs::write(dir.path().join("state.json"), old).unwrap();
    let (s, msg) = State::load(dir.path());
    assert_eq!(msg, None);
    let r = s.resume("/c").expect("the old resume");
    assert_eq!((r.block, r.offset, r.view), (3, 1, View::Chinese));
    assert_eq!((r.sort.as_str(), r.list_hidden, r.glossary, r.reader_focused), ("", false, false, false));
}
