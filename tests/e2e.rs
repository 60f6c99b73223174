//! End to end: the real `diglot` binary in a pseudo-terminal, its output parsed by a vt100
//! emulator, driven with keys and resizes as a person would. Every wait polls the parsed
//! screen until a condition holds or a generous deadline passes (slow CI machines), so no
//! fixed sleep decides a result.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::pty::Tui;

const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find_first(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The status bar's words (split on anything that is not a letter, digit or `/`).
fn words(row: &str) -> Vec<String> {
    row.split(|c: char| !(c.is_alphanumeric() || c == '/'))
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

fn has_word(row: &str, w: &str) -> bool {
    words(row).iter().any(|x| x == w)
}

/// Checks that the program left the alternate screen after its last drawing, and that the
/// emulator is back on the normal screen.
fn assert_terminal_restored(tui: &Tui) {
    let raw = tui.raw();
    let entered = find_first(&raw, ENTER_ALT).expect("the alternate screen was entered");
    let left = find_last(&raw, LEAVE_ALT).expect("the alternate screen was left");
    assert!(left > entered, "left the alternate screen before entering it");
    let tail = String::from_utf8_lossy(&raw[left + LEAVE_ALT.len()..]).to_string();
    // nothing is drawn afterwards: only escape sequences (show the cursor, modes)
    let mut printable = String::new();
    let mut chars = tail.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                // parameters, then one final byte in @..~
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
        } else if !c.is_control() {
            printable.push(c);
        }
    }
    assert!(printable.is_empty(), "text drawn after leaving the alternate screen: {tail:?}");
    assert!(!tui.on_alternate_screen(), "still on the alternate screen");
}

#[test]
fn seed_article_keys_and_quit() {
    let mut tui = Tui::spawn(&[], 80, 24);
    // the list and the reader both show the titles (wrapped or cut to their width)
    tui.wait_for("the seed's titles and the status bar", |rows| {
        let all = rows.join("\n");
        all.contains("Strengthening Collective")
            && all.contains("加强集体领导")
            && rows.last().is_some_and(|r| r.contains("1/1") && r.contains("1 article "))
    });

    // j on a list of one article changes nothing; Enter opens the reader, v shows English
    // alone, wide enough for the title's first words on one line
    tui.send(b"j");
    tui.send(b"\r");
    tui.send(b"v");
    tui.wait_status("view en", |s| has_word(s, "en"));
    tui.wait_text("Strengthening Collective Leadership");
    let last = tui.last_row();
    assert!(last.contains("1/1") && last.contains("1 article "), "{last:?}");

    // j scrolls the reader
    let before = tui.rows();
    tui.send(b"j");
    tui.wait_for("the reader to scroll", |rows| rows[0] != before[0]);

    // help: its lines come from the key map (the first ones: the overlay may be cut to the
    // screen's height)
    let keymap = diglot::keys::KeyMap::default();
    let first = keymap.bindings[0].help;
    let second = keymap.bindings[1].help;
    tui.send(b"?");
    tui.wait_for("the help overlay", |rows| {
        let all = rows.join("\n");
        all.contains(first) && all.contains(second)
    });
    // any key closes the help (Q is bound to nothing)
    tui.send(b"Q");
    tui.wait_for("the help to close", |rows| !rows.join("\n").contains(first));

    tui.send(b"q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(status.exit_code(), 0);
    assert_terminal_restored(&tui);
}

/// Session 16: in the title search, Esc and `q` read together from the terminal (tmux's
/// `send-keys Escape q`) are Alt-q, which is not text (the query stays `xiang`, the search
/// open: this part passed before, a guard of the real terminal's path); Esc alone closes the
/// search and `q` then quits; Esc and Backspace together (Alt-Backspace) delete a word (they
/// deleted a character).
#[test]
fn esc_and_a_key_read_together_are_a_chord_not_text() {
    let mut tui = Tui::spawn(&[], 80, 24);
    tui.wait_text("Strengthening Collective");
    tui.send(b"/xiang county");
    tui.wait_for("the query", |rows| rows[0].starts_with("/xiang county"));
    tui.send(b"\x1b\x7f");
    tui.wait_for("a word deleted", |rows| rows[0].starts_with("/xiang ") && !rows[0].contains("coun"));
    tui.send(b"\x1bq");
    // a key after it, to know the chord was handled
    tui.send(b"x");
    tui.wait_for("the next key typed", |rows| rows[0].starts_with("/xiang x"));
    assert!(!tui.rows()[0].contains("xiang q") && !tui.rows()[0].contains("xiangq"), "{:?}", tui.rows()[0]);
    tui.send(b"\x1b");
    tui.wait_for("the search closed", |rows| !rows[0].starts_with("/xiang"));
    tui.send(b"q");
    assert!(tui.wait_exit().success());
    assert_terminal_restored(&tui);
}

#[test]
fn three_articles_j_moves_the_selection() {
    let dir = common::fixture_dir();
    let mut tui = Tui::spawn(&[dir.path()], 80, 24);
    tui.wait_status("1/3 and 3 articles", |s| has_word(s, "1/3") && s.contains("3 articles"));
    tui.wait_text("Railway Workers");
    tui.send(b"j");
    tui.wait_status("2/3", |s| has_word(s, "2/3"));
    tui.wait_text("Wooden Water Wheel");
    tui.send(b"j");
    tui.wait_status("3/3", |s| has_word(s, "3/3"));
    tui.send(b"k");
    tui.wait_status("2/3 again", |s| has_word(s, "2/3"));
    tui.send(b"q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&tui);
}

#[test]
fn resizing_does_not_crash() {
    let mut tui = Tui::spawn(&[], 80, 24);
    tui.wait_status("1/1", |s| has_word(s, "1/1"));
    tui.wait_text("Strengthening Collective");

    tui.resize(30, 8);
    tui.wait_for("a 30x8 screen with the status bar on row 8", |rows| {
        rows.len() == 8 && rows[7].contains("1/1")
    });
    // too small for anything but a notice, and tiny
    tui.resize(10, 3);
    tui.wait_for("the too-small notice at 10x3", |rows| rows.len() == 3 && rows[0].contains("small"));
    tui.resize(1, 1);
    tui.wait_for("the 1x1 screen", |rows| rows.len() == 1);
    tui.resize(80, 24);
    tui.wait_for("the full screen again", |rows| {
        rows.len() == 24 && rows[23].contains("1/1") && rows.join("\n").contains("Strengthening Collective")
    });
    // the reader still works after all that
    tui.send(b"\r");
    tui.send(b"v");
    tui.wait_status("view en", |s| has_word(s, "en"));
    tui.resize(30, 8);
    tui.wait_for("the 30x8 reader", |rows| rows.len() == 8 && rows[7].contains("1/1"));
    tui.resize(80, 24);
    tui.wait_for("the full screen again", |rows| rows.len() == 24 && rows[23].contains("1/1"));

    tui.send(b"q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert_terminal_restored(&tui);
}

/// Issue 12 item 6: keys and shrinking resizes arriving together (it panicked with `index
/// outside of buffer` at src/ui/list.rs:110, exit 101). In a real terminal, each key is sent
/// with a resize to 30x11 right behind it; diglot stays alive and quits cleanly.
#[test]
fn keys_with_shrinking_resizes_do_not_crash() {
    let dir = common::fixture_dir();
    let mut tui = Tui::spawn(&[dir.path()], 120, 35);
    tui.wait_status("1/3", |s| has_word(s, "1/3"));
    for k in 0..12 {
        tui.send(if k % 4 == 3 { b"\r" } else { b"j" });
        tui.resize(30, 11);
        tui.send(b"k");
        tui.resize(120, 35);
    }
    tui.resize(30, 11);
    tui.wait_for("the 30x11 screen with its status bar", |rows| rows.len() == 11 && rows[10].contains("/3"));
    tui.send(b"q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}\n{}", tui.screen());
}

/// Issue 12, item 17: a save that fails on quit is said on stderr, with a non-zero exit
/// status, after the terminal is restored (here the state's lock file is a folder, so every
/// save fails, even as root).
#[test]
fn a_save_that_fails_on_quit_says_why_and_exits_2() {
    let home = common::tempdir();
    let mut env = Vec::new();
    for (var, sub) in [
        ("HOME", ""),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ] {
        let dir = home.path().join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        env.push((std::ffi::OsString::from(var), dir.into_os_string()));
    }
    std::fs::create_dir_all(home.path().join("state/diglot").join(diglot::state::LOCK_NAME)).unwrap();
    let program = std::ffi::OsStr::new(env!("CARGO_BIN_EXE_diglot"));
    let mut tui = Tui::spawn_with(program, &[], &env, 80, 24);
    tui.wait_status("the seed", |s| s.contains("1 article"));
    tui.send(b"\r"); // opening it marks it read: a save, which fails
    tui.wait_status("the failure in the status bar", |s| s.contains("could not save"));
    tui.send(b"q");
    let status = tui.wait_exit();
    assert_eq!(status.exit_code(), 2, "{status:?}");
    assert!(!tui.on_alternate_screen());
    // after the alternate screen is left: the cursor shown, then the message, nothing else
    let raw = String::from_utf8_lossy(&tui.raw()).into_owned();
    let tail = &raw[raw.rfind("\x1b[?1049l").unwrap() + 8..];
    let text = tail.replace("\x1b[?25h", "");
    assert!(text.starts_with("diglot: could not save the reading state: "), "{tail:?}");
    assert!(text.contains("state.lock") && !text.contains('\x1b'), "{tail:?}");
}

/// Session 17: a title index that cannot be written (here the cache's `diglot` folder is a
/// file, so every write fails, even as root) is said in the status bar; before, nothing said
/// it, and every open read every file again without a word.
#[test]
fn a_title_index_that_cannot_be_written_is_said() {
    let dir = common::fixture_dir();
    let home = common::tempdir();
    let env = home_env(home.path());
    std::fs::write(home.path().join("cache/diglot"), "not a folder\n").unwrap();
    // (the full-text index, in the same cache folder, would say its own failure)
    std::fs::create_dir_all(home.path().join("config/diglot")).unwrap();
    std::fs::write(home.path().join("config/diglot/config.toml"), "background_index = false\n").unwrap();
    // (files made less than the index's racy window before the open are taken as changed
    // during it by the look after a cold open, which then says so over this)
    std::thread::sleep(std::time::Duration::from_millis(2300));
    let program = std::ffi::OsStr::new(env!("CARGO_BIN_EXE_diglot"));
    let mut tui = Tui::spawn_with(program, &[dir.path().as_os_str()], &env, 120, 35);
    tui.wait_status("the failure said", |s| s.contains("title index not written"));
    let status = tui.last_row();
    assert!(status.contains("each open reads every file again"), "{status}");
    tui.send(b"q");
    assert!(tui.wait_exit().success());
}

/// The env of a [`Tui::spawn`]: HOME and the XDG folders in `home`.
fn home_env(home: &std::path::Path) -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    let mut env = vec![(std::ffi::OsString::from("HOME"), home.as_os_str().to_owned())];
    for (var, sub) in
        [("XDG_CONFIG_HOME", "config"), ("XDG_STATE_HOME", "state"), ("XDG_CACHE_HOME", "cache")]
    {
        let dir = home.join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        env.push((var.into(), dir.into_os_string()));
    }
    env
}

/// Issue 11 item 11, through the real loop: outside tmux `c` writes the OSC 52 sequence to
/// the terminal and the status bar says it was sent (not "copied": that cannot be known).
#[test]
fn copy_outside_tmux_writes_osc52_and_says_so() {
    let dir = common::fixture_dir();
    let mut tui = Tui::spawn(&[dir.path()], 120, 35);
    tui.wait_status("1/3", |s| has_word(s, "1/3"));
    tui.send(b"c");
    tui.wait_status("the copy said", |s| s.contains("sent the citation"));
    let raw = String::from_utf8_lossy(&tui.raw()).into_owned();
    assert!(raw.contains("\x1b]52;c;"), "no OSC 52 sequence written");
    assert!(!tui.last_row().contains("copied"), "{}", tui.last_row());
    tui.send(b"q");
    assert!(tui.wait_exit().success());
}

/// Issue 11 item 11, through the real loop: inside tmux (`TMUX` set) `c` goes to
/// `tmux load-buffer -w -` (a stand-in tmux first on the PATH), no OSC 52 is written, and the
/// status bar says where it went.
#[cfg(unix)]
#[test]
fn copy_inside_tmux_goes_through_tmux_load_buffer() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::fixture_dir();
    let home = common::tempdir();
    let bin = common::tempdir();
    let fake = bin.path().join("tmux");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$@\" > {0}/args\ncat > {0}/buffer\n", bin.path().display()),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut env = home_env(home.path());
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    env.push(("PATH".into(), path.into()));
    env.push(("TMUX".into(), "/tmp/not-a-tmux-socket,1,0".into()));
    let program = std::ffi::OsStr::new(env!("CARGO_BIN_EXE_diglot"));
    let mut tui = Tui::spawn_with(program, &[dir.path().as_os_str()], &env, 120, 35);
    tui.wait_status("1/3", |s| has_word(s, "1/3"));
    tui.send(b"c");
    tui.wait_status("the copy said", |s| s.contains("copied the citation (tmux"));
    let buffer = std::fs::read_to_string(bin.path().join("buffer")).unwrap();
    assert!(buffer.contains("People's Daily (人民日报)"), "{buffer}");
    let args = std::fs::read_to_string(bin.path().join("args")).unwrap();
    assert!(args.contains("load-buffer"), "{args}");
    let raw = String::from_utf8_lossy(&tui.raw()).into_owned();
    assert!(!raw.contains("]52;"), "no OSC 52 inside tmux");
    tui.send(b"q");
    assert!(tui.wait_exit().success());
}

/// The voluntary context switches (a thread going to sleep: each one a wake-up before it) of
/// every thread of process `pid` so far, by thread name.
#[cfg(target_os = "linux")]
fn sleeps(pid: u32) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for t in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap().flatten() {
        let name = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default().trim().to_string();
        let status = std::fs::read_to_string(t.path().join("status")).unwrap_or_default();
        let n = status
            .lines()
            .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        out.push((format!("{name} {}", t.file_name().to_string_lossy()), n));
    }
    out
}

/// What every thread of process `pid` waits in (the kernel's `wchan`), by thread name.
#[cfg(target_os = "linux")]
fn waits(pid: u32) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for t in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap().flatten() {
        let name = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default().trim().to_string();
        let wchan = std::fs::read_to_string(t.path().join("wchan")).unwrap_or_default();
        out.push((name, wchan));
    }
    out
}

/// An idle reader sleeps until something happens (a key, a resize, a signal, a change to
/// the files): none of its threads wakes on a timer. Until session 12 the input thread woke
/// 4 times a second (a poll with a timeout, which crossterm ended in a busy loop of up to a
/// millisecond) and the thread that set up the watch twice a second to see whether the loop
/// had ended: ~14 ms of CPU per 5 s at rest. Counted, not timed: over three seconds of rest
/// every thread's sleeps (each one follows a wake-up) are counted (18 before).
#[cfg(target_os = "linux")]
#[test]
fn an_idle_reader_does_not_wake() {
    let dir = common::fixture_dir();
    let mut tui = Tui::spawn(&[dir.path()], 100, 30);
    // loaded, the title index written, the full-text index built, the watch set up
    tui.wait_status("the full-text index ready", |s| s.contains("full-text index ready"));
    std::thread::sleep(std::time::Duration::from_secs(1));
    let before = sleeps(tui.pid());
    std::thread::sleep(std::time::Duration::from_secs(3));
    let after = sleeps(tui.pid());
    let woke: Vec<(String, u64)> = after
        .iter()
        .map(|(t, n)| (t.clone(), n - before.iter().find(|b| &b.0 == t).map_or(0, |b| b.1)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let total: u64 = woke.iter().map(|w| w.1).sum();
    assert!(total <= 2, "an idle reader woke {total} times in 3 s: {woke:?}");
    // and it still answers at once
    tui.send(b"j");
    tui.wait_status("2/3", |s| has_word(s, "2/3"));
    tui.resize(80, 24);
    tui.wait_for("the 80x24 screen", |rows| rows.len() == 24 && rows[23].contains("2/3"));
    tui.send(b"q");
    assert!(tui.wait_exit().success());
}

/// `o` gives the terminal to `$PAGER` and the pager alone reads the keys typed meanwhile:
/// the input thread, which waits for the terminal without a timeout since session 12, is
/// woken to pause (none of its threads polls the terminal while the pager runs, and a pager
/// reading a line from the terminal gets all of it), and reads the keys again once the pager
/// has ended.
#[cfg(unix)]
#[test]
fn the_pager_gets_the_keys_typed_while_it_runs() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::fixture_dir();
    let home = common::tempdir();
    let bin = common::tempdir();
    let pager = bin.path().join("pager");
    let got = bin.path().join("got");
    std::fs::write(&pager, format!("#!/bin/sh\nread line < /dev/tty\necho \"$line\" > {}\n", got.display()))
        .unwrap();
    std::fs::set_permissions(&pager, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut env = home_env(home.path());
    env.push(("PAGER".into(), pager.into_os_string()));
    let program = std::ffi::OsStr::new(env!("CARGO_BIN_EXE_diglot"));
    let mut tui = Tui::spawn_with(program, &[dir.path().as_os_str()], &env, 100, 30);
    tui.wait_status("1/3", |s| has_word(s, "1/3"));
    for round in 0..2 {
        tui.send(b"o");
        // the pager runs once the reader has left the alternate screen
        let start = std::time::Instant::now();
        while tui.on_alternate_screen() {
            assert!(start.elapsed() < common::pty::DEADLINE, "the pager did not start: {}", tui.screen());
            std::thread::sleep(common::pty::POLL);
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        // no thread of the reader waits on the terminal beside the pager (a race for each key)
        #[cfg(target_os = "linux")]
        {
            let waits = waits(tui.pid());
            assert!(
                !waits.iter().any(|(_, w)| w.starts_with("poll_schedule_timeout")),
                "round {round}: a thread of the reader still polls the terminal: {waits:?}"
            );
        }
        // typed slowly: each key read by someone before the next
        for k in b"jjjj" {
            tui.send(&[*k]);
            std::thread::sleep(std::time::Duration::from_millis(30));
        }
        tui.send(b"\r");
        tui.wait_status("the reader back", |s| has_word(s, "1/3"));
        let line = std::fs::read_to_string(&got).unwrap();
        assert_eq!(line.trim(), "jjjj", "round {round}: the pager got {line:?}");
        std::fs::remove_file(&got).unwrap();
    }
    // the reader reads the keys again
    tui.send(b"j");
    tui.wait_status("2/3", |s| has_word(s, "2/3"));
    tui.send(b"q");
    assert!(tui.wait_exit().success());
}

/// `background_index = false` and an index `diglot index DIR` built: Ctrl-f scanned the
/// files (in tmux: `commune` found by the scan's substrings, `date:1958 commune` "No
/// match."). The real reader now opens the index and Ctrl-f takes the query language.
#[test]
fn with_background_indexing_off_ctrl_f_uses_the_index_diglot_index_built() {
    let dir = common::fixture_dir();
    let home = common::tempdir();
    let env = home_env(home.path());
    std::fs::create_dir_all(home.path().join("config/diglot")).unwrap();
    std::fs::write(home.path().join("config/diglot/config.toml"), "background_index = false\n").unwrap();
    let program = std::ffi::OsStr::new(env!("CARGO_BIN_EXE_diglot"));
    let out = std::process::Command::new(program)
        .arg("index")
        .arg(dir.path())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut tui = Tui::spawn_with(program, &[dir.path().as_os_str()], &env, 100, 30);
    tui.wait_status("the index ready", |s| s.contains("full-text index ready"));
    tui.send(b"\x06");
    std::thread::sleep(std::time::Duration::from_millis(100));
    tui.send("date:1958 水车\r".as_bytes());
    tui.wait_text("1 article by date");
    tui.wait_text("A Wooden Water Wheel");
    tui.send(b"\x1b");
    std::thread::sleep(std::time::Duration::from_millis(150));
    tui.send(b"q");
    assert!(tui.wait_exit().success());
}
