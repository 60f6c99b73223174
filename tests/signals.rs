//! The terminal under signals (issue 12, items 6 and 10-12): the real program in a
//! pseudo-terminal, sent each signal; afterwards the terminal's modes are read from the
//! pseudo-terminal itself (termios: line mode and echo back) and from the escape sequences the
//! program wrote (alternate screen left, cursor shown, mouse and bracketed paste off).
#![cfg(target_os = "linux")]
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::pty::{Tui, DEADLINE, POLL};
use rustix::process::{kill_process, Pid, Signal};
use rustix::termios::{tcgetattr, LocalModes};
use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::time::Instant;

const TITLES: [&str; 3] = ["Railway Workers", "A Wooden Water Wheel", "Brief News"];

fn start(dir: &Path, cols: u16, rows: u16) -> Tui {
    let mut tui = Tui::spawn(&[dir], cols, rows);
    tui.wait_for("all three articles listed", |rows| {
        TITLES.iter().all(|t| rows.iter().any(|r| r.contains(t)))
    });
    tui
}

fn signal(tui: &Tui, sig: Signal) {
    let pid = Pid::from_raw(tui.pid() as i32).expect("a process id");
    kill_process(pid, sig).expect("send the signal");
}

/// Whether the pseudo-terminal is in raw mode (no line editing, no echo), read from the
/// device itself. It is opened for a moment only: held open, the program's end would not be
/// seen.
fn raw_mode(tui: &Tui) -> bool {
    use rustix::fs::{open, Mode, OFlags};
    let fd = open(tui.tty_path(), OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC, Mode::empty())
        .expect("open the pseudo-terminal");
    let t = tcgetattr(&fd).expect("read the terminal's modes");
    !t.local_modes.contains(LocalModes::ICANON) && !t.local_modes.contains(LocalModes::ECHO)
}

/// Waits (up to the deadline) until `cond` holds. The modes are read from what the program
/// wrote, and the thread that reads the pseudo-terminal may not have seen the last of it yet
/// when the process is already stopped: an assertion made at once would race with it.
fn settle(tui: &Tui, cond: impl Fn(&Tui) -> bool) {
    let start = Instant::now();
    while !cond(tui) && start.elapsed() < DEADLINE {
        std::thread::sleep(POLL);
    }
}

fn all_taken(tui: &Tui) -> bool {
    raw_mode(tui)
        && tui.on_alternate_screen()
        && tui.cursor_hidden()
        && tui.mouse_captured()
        && tui.bracketed_paste()
}

fn all_restored(tui: &Tui) -> bool {
    !raw_mode(tui)
        && !tui.on_alternate_screen()
        && !tui.cursor_hidden()
        && !tui.mouse_captured()
        && !tui.bracketed_paste()
}

/// The terminal as diglot leaves it when it runs: every mode on.
fn assert_taken(tui: &Tui) {
    settle(tui, all_taken);
    assert!(raw_mode(tui), "raw mode while running");
    assert!(tui.on_alternate_screen(), "alternate screen while running");
    assert!(tui.cursor_hidden(), "cursor hidden while running");
    assert!(tui.mouse_captured(), "mouse captured while running");
    assert!(tui.bracketed_paste(), "bracketed paste while running");
}

/// The terminal as it was before diglot: every mode off.
fn assert_restored(tui: &Tui, when: &str) {
    settle(tui, all_restored);
    assert!(!raw_mode(tui), "{when}: raw mode left on");
    assert!(!tui.on_alternate_screen(), "{when}: alternate screen left on");
    assert!(!tui.cursor_hidden(), "{when}: cursor left hidden");
    assert!(!tui.mouse_captured(), "{when}: mouse capture left on");
    assert!(!tui.bracketed_paste(), "{when}: bracketed paste left on");
}

/// The process state letter in /proc (`T`: stopped).
fn proc_state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // after the command name in parentheses, which may hold anything
    stat.rsplit_once(')').and_then(|(_, rest)| rest.trim_start().chars().next()).unwrap_or('?')
}

fn wait_state(tui: &Tui, want: impl Fn(char) -> bool, what: &str) {
    let start = Instant::now();
    loop {
        let s = proc_state(tui.pid());
        if want(s) {
            return;
        }
        assert!(start.elapsed() < DEADLINE, "diglot not {what} after {DEADLINE:?} (state {s})");
        std::thread::sleep(POLL);
    }
}

fn state_file(tui: &Tui) -> String {
    std::fs::read_to_string(tui.home().join("state/diglot/state.json")).unwrap_or_default()
}

#[test]
fn each_ending_signal_restores_the_terminal_and_exits_as_the_signal() {
    let dir = common::fixture_dir();
    // (signal, killed by it, or else the exit status)
    for (sig, by_signal, code) in [
        (Signal::TERM, Some("Terminated"), 0),
        (Signal::INT, Some("Interrupt"), 0),
        (Signal::HUP, Some("Hangup"), 0),
        (Signal::QUIT, None, 131),
    ] {
        let mut tui = start(dir.path(), 80, 24);
        assert_taken(&tui);
        signal(&tui, sig);
        let status = tui.wait_exit();
        match by_signal {
            Some(name) => assert_eq!(status.signal(), Some(name), "{sig:?}: {status:?}"),
            None => assert_eq!((status.signal(), status.exit_code()), (None, code), "{sig:?}: {status:?}"),
        }
        assert_restored(&tui, &format!("after {sig:?}"));
    }
}

/// The articles the state file says each collection was left at.
fn resumed_articles(tui: &Tui) -> Vec<String> {
    let text = state_file(tui);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let Some(collections) = json.get("collections").and_then(|c| c.as_object()) else { return vec![] };
    collections.values().filter_map(|r| r.get("article")?.as_str().map(str::to_string)).collect()
}

#[test]
fn sighup_saves_the_reading_position() {
    let dir = common::fixture_dir();
    let mut tui = start(dir.path(), 100, 30);
    // read the third article
    tui.send(b"jj\r");
    tui.wait_text("The Beijing Library opened");
    let left_at = |tui: &Tui| resumed_articles(tui).iter().any(|a| a.ends_with("1966-01-05_简讯.md"));
    assert!(!left_at(&tui), "saved before the signal: {}", state_file(&tui));
    signal(&tui, Signal::HUP);
    tui.wait_exit();
    assert!(left_at(&tui), "the position is not in the state file: {}", state_file(&tui));
    assert_restored(&tui, "after SIGHUP");
}

/// Stopped, the terminal is restored; continued, diglot takes it again and redraws.
fn stop_and_continue(stop: impl Fn(&Tui)) {
    let dir = common::fixture_dir();
    let mut tui = start(dir.path(), 80, 24);
    assert_taken(&tui);
    stop(&tui);
    wait_state(&tui, |s| s == 'T', "stopped");
    assert_restored(&tui, "stopped");
    signal(&tui, Signal::CONT);
    wait_state(&tui, |s| s != 'T', "continued");
    tui.wait_for("the list drawn again", |rows| TITLES.iter().all(|t| rows.iter().any(|r| r.contains(t))));
    assert_taken(&tui);
    // it reads keys again: one at a time, not a line
    tui.send(b"q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
    assert_restored(&tui, "after q");
}

#[test]
fn ctrl_z_stops_restored_and_sigcont_redraws() {
    stop_and_continue(|tui| tui.send(b"\x1a"));
}

#[test]
fn sigtstp_stops_restored_and_sigcont_redraws() {
    stop_and_continue(|tui| signal(tui, Signal::TSTP));
}

/// Stopped from outside (SIGSTOP, which cannot be caught) while the terminal is changed under
/// it: continued, diglot enters raw mode again (crossterm alone would think it still on).
#[test]
fn sigcont_after_an_outside_stop_takes_the_terminal_again() {
    let dir = common::fixture_dir();
    let mut tui = start(dir.path(), 80, 24);
    signal(&tui, Signal::STOP);
    wait_state(&tui, |s| s == 'T', "stopped");
    // as a shell does when it takes the terminal back: line mode, main screen
    {
        use rustix::fs::{open, Mode, OFlags};
        use rustix::termios::{tcsetattr, OptionalActions};
        let fd =
            open(tui.tty_path(), OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC, Mode::empty()).unwrap();
        let mut t = tcgetattr(&fd).unwrap();
        t.local_modes |= LocalModes::ICANON | LocalModes::ECHO;
        tcsetattr(&fd, OptionalActions::Now, &t).unwrap();
    }
    assert!(!raw_mode(&tui));
    signal(&tui, Signal::CONT);
    let start = Instant::now();
    while !raw_mode(&tui) {
        assert!(start.elapsed() < DEADLINE, "raw mode not entered again after SIGCONT");
        std::thread::sleep(POLL);
    }
    tui.send(b"q");
    assert!(tui.wait_exit().success());
    assert_restored(&tui, "after q");
}

/// `diglot DIR > file`, `diglot DIR < /dev/null`: refused at once with a message, status 2, and
/// nothing written to the terminal (no mode entered).
#[test]
fn the_reader_without_a_terminal_says_so_and_leaves_the_terminal_alone() {
    let dir = common::fixture_dir();
    let out = dir.path().join("out.txt");
    let bin = OsString::from(env!("CARGO_BIN_EXE_diglot"));
    for redirect in ["> \"$2\"", "< /dev/null"] {
        let script = format!("\"$0\" \"$1\" {redirect}; echo \"status=$?\"");
        let args: Vec<&OsStr> =
            vec![OsStr::new("-c"), OsStr::new(&script), &bin, dir.path().as_os_str(), out.as_os_str()];
        let home = common::tempdir();
        let env = [
            (OsString::from("HOME"), home.path().as_os_str().to_owned()),
            ("XDG_STATE_HOME".into(), home.path().join("state").into_os_string()),
            ("XDG_CACHE_HOME".into(), home.path().join("cache").into_os_string()),
            ("XDG_CONFIG_HOME".into(), home.path().join("config").into_os_string()),
        ];
        let mut tui = Tui::spawn_with(OsStr::new("sh"), &args, &env, 80, 24);
        tui.wait_text("status=");
        let screen = tui.screen();
        assert!(screen.contains("status=2"), "{redirect}: {screen}");
        assert!(screen.contains("needs a terminal"), "{redirect}: {screen}");
        assert!(screen.contains("diglot list"), "{redirect}: {screen}");
        assert!(!screen.contains("cursor position"), "{redirect}: {screen}");
        tui.wait_exit();
        let raw = String::from_utf8_lossy(&tui.raw()).into_owned();
        assert!(!raw.contains("\x1b[?1049h") && !raw.contains("\x1b[?1000h"), "{redirect}: {raw:?}");
        assert_restored(&tui, redirect);
        assert_eq!(std::fs::read(&out).unwrap_or_default(), b"", "{redirect}: written to the file");
    }
}

/// No terminal at all (a pipe on each side).
#[test]
fn the_reader_from_a_pipe_exits_2_with_the_message() {
    let dir = common::fixture_dir();
    let home = common::tempdir();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_diglot"))
        .arg(dir.path())
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run diglot");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the reader needs a terminal"), "{err}");
    assert!(out.stdout.is_empty(), "{:?}", String::from_utf8_lossy(&out.stdout));
}

/// Issue 12 item 6: a key and a shrinking resize arriving together (the process stopped while
/// both happen) must not crash it. Ten rounds, growing back in between.
#[test]
fn a_key_and_a_shrinking_resize_together_do_not_crash() {
    let dir = common::fixture_dir();
    let mut tui = start(dir.path(), 100, 30);
    for round in 0..10 {
        signal(&tui, Signal::STOP);
        wait_state(&tui, |s| s == 'T', "stopped");
        tui.send(if round % 2 == 0 { b"j" } else { b"k" });
        tui.resize(30, 11);
        signal(&tui, Signal::CONT);
        tui.wait_for("the list drawn at 30x11", |rows| {
            rows.len() == 11 && TITLES.iter().any(|t| rows.iter().any(|r| r.contains(&t[..8])))
        });
        assert!(tui.exited().is_none(), "round {round}: diglot ended; screen:\n{}", tui.screen());
        tui.resize(100, 30);
        tui.wait_for("the list drawn at 100x30", |rows| {
            TITLES.iter().all(|t| rows.iter().any(|r| r.contains(t)))
        });
    }
    tui.send(b"q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
}

/// A terminal that never says where its cursor is (a slow link, a terminal without the
/// report): diglot must not ask. ratatui's `Terminal::clear` asks (`ESC [ 6n`) and gives up
/// after 2 s with "The cursor position could not be read": the reader exited with status 2 on
/// start, and on a resume under load.
#[test]
fn a_terminal_that_never_reports_its_cursor_is_not_asked() {
    let dir = common::fixture_dir();
    let mut tui = Tui::spawn_answering(&[dir.path()], 80, 24, false);
    tui.wait_for("all three articles listed", |rows| {
        TITLES.iter().all(|t| rows.iter().any(|r| r.contains(t)))
    });
    // after the 2 s crossterm waits for an answer, the reader must still be there
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert!(tui.exited().is_none(), "diglot ended; screen:\n{}", tui.screen());
    signal(&tui, Signal::STOP);
    wait_state(&tui, |s| s == 'T', "stopped");
    signal(&tui, Signal::CONT);
    tui.resize(60, 20);
    tui.wait_for("the list drawn at 60x20", |rows| {
        rows.len() == 20 && TITLES.iter().any(|t| rows.iter().any(|r| r.contains(&t[..8])))
    });
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert!(tui.exited().is_none(), "diglot ended after a resume; screen:\n{}", tui.screen());
    assert!(!tui.raw().windows(4).any(|w| w == b"\x1b[6n"), "diglot asked where the cursor is");
    tui.send(b"q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
}

/// A key that comes with a resize is read. crossterm's default input source (edge-triggered)
/// returned the resize and dropped the terminal's readiness when both woke it at once: the
/// `q` typed just after a resize (here: a resize while stopped, then `q` as it continues)
/// stayed unread until another key came, and the reader did not quit.
#[test]
fn a_key_typed_with_a_resize_is_read() {
    let dir = common::fixture_dir();
    for round in 0..12 {
        let mut tui = start(dir.path(), 80, 24);
        signal(&tui, Signal::STOP);
        wait_state(&tui, |s| s == 'T', "stopped");
        tui.resize(if round % 2 == 0 { 60 } else { 100 }, 20);
        signal(&tui, Signal::CONT);
        tui.send(b"q");
        let status = tui.wait_exit();
        assert!(status.success(), "round {round}: {status:?}");
    }
}
