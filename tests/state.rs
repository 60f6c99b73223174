//! The remembered state: round trip, atomic saves (a kill mid-write, simulated and real,
//! leaves a readable state), and an unreadable state file set aside with a message.

use diglot::layout::View;
use diglot::state::{self, Resume, State};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const CHILD_ENV: &str = "DIGLOT_TEST_SAVER_DIR";

fn sample() -> State {
    let mut s = State::default();
    s.set_read(Path::new("/corpus/1960/a.md"), true);
    s.set_read(Path::new("<embedded>/seed.md"), true);
    s.toggle_bookmark(Path::new("/corpus/1960/b.md"));
    s.set_resume(
        &state::collection_key(&[PathBuf::from("/corpus")]),
        Resume { article: "/corpus/1960/b.md".into(), block: 7, offset: 2, view: View::Interleaved },
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
    assert_eq!(back.resume("<embedded>"), None);
    assert_eq!(files(&sub), vec!["state.json"], "no temporary file left");
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
    // the next save goes through, over the leftover
    new.save(dir.path()).unwrap();
    assert_eq!(State::load(dir.path()).0, new);
    assert_eq!(files(dir.path()), vec!["state.json"]);
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
    let names = files(dir.path());
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
