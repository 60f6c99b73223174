//! End to end: the real `diglot` binary in a pseudo-terminal, its output parsed by a vt100
//! emulator, driven with keys and resizes as a person would. Every wait polls the parsed
//! screen until a condition holds or a generous deadline passes (slow CI machines), so no
//! fixed sleep decides a result.

mod common;

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long any one expected thing may take to show up.
const DEADLINE: Duration = Duration::from_secs(20);
/// How often the screen is looked at while waiting.
const POLL: Duration = Duration::from_millis(50);

const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
/// "Where is the cursor?" (DSR): a terminal must answer it; crossterm asks on start.
const DSR: &[u8] = b"\x1b[6n";

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find_first(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The screen and everything the program wrote, shared with the thread reading the pty.
struct Shared {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

/// `diglot` running in a pseudo-terminal.
struct Tui {
    shared: Arc<Mutex<Shared>>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    eof: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
    _home: tempfile::TempDir,
}

impl Tui {
    /// Starts `diglot ARGS` at `cols`x`rows`, with HOME and the XDG folders in a fresh
    /// temporary folder so nothing of the user's is read or written.
    fn spawn(args: &[&Path], cols: u16, rows: u16) -> Tui {
        let home = common::tempdir();
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_diglot"));
        for a in args {
            cmd.arg(a.as_os_str());
        }
        cmd.cwd(home.path());
        cmd.env("HOME", home.path());
        for (var, sub) in [
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            let dir = home.path().join(sub);
            std::fs::create_dir_all(&dir).unwrap();
            cmd.env(var, dir);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("spawn diglot");
        // the child holds the terminal now: without this, reading never sees the end
        drop(pair.slave);

        let shared =
            Arc::new(Mutex::new(Shared { parser: vt100::Parser::new(rows, cols, 0), raw: Vec::new() }));
        let writer: Arc<Mutex<Box<dyn Write + Send>>> =
            Arc::new(Mutex::new(pair.master.take_writer().expect("pty writer")));
        let eof = Arc::new(AtomicBool::new(false));
        let mut input = pair.master.try_clone_reader().expect("pty reader");
        let reader = {
            let (shared, writer, eof) = (shared.clone(), writer.clone(), eof.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match input.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let mut s = shared.lock().unwrap();
                            let from = s.raw.len().saturating_sub(DSR.len() - 1);
                            s.raw.extend_from_slice(&buf[..n]);
                            s.parser.process(&buf[..n]);
                            // answer each cursor-position request as a terminal does
                            let asks = s.raw[from..].windows(DSR.len()).filter(|w| *w == DSR).count();
                            if asks > 0 {
                                let (row, col) = s.parser.screen().cursor_position();
                                drop(s);
                                let answer = format!("\x1b[{};{}R", row + 1, col + 1);
                                let mut w = writer.lock().unwrap();
                                for _ in 0..asks {
                                    let _ = w.write_all(answer.as_bytes());
                                }
                                let _ = w.flush();
                            }
                        }
                    }
                }
                eof.store(true, Ordering::SeqCst);
            })
        };
        Tui { shared, writer, master: pair.master, child, eof, reader: Some(reader), _home: home }
    }

    fn send(&self, bytes: &[u8]) {
        let mut w = self.writer.lock().unwrap();
        w.write_all(bytes).expect("write to the pty");
        w.flush().unwrap();
    }

    /// The screen as text, one line per row.
    fn screen(&self) -> String {
        self.shared.lock().unwrap().parser.screen().contents()
    }

    fn rows(&self) -> Vec<String> {
        let s = self.shared.lock().unwrap();
        let (_, cols) = s.parser.screen().size();
        s.parser.screen().rows(0, cols).collect()
    }

    fn last_row(&self) -> String {
        self.rows().pop().unwrap_or_default()
    }

    /// Waits until `cond` holds on the screen's rows; panics with the screen after the deadline.
    fn wait_for(&mut self, what: &str, cond: impl Fn(&[String]) -> bool) {
        let start = Instant::now();
        loop {
            let rows = self.rows();
            if cond(&rows) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // drained: the last output may still be on its way
                std::thread::sleep(POLL);
                if cond(&self.rows()) {
                    return;
                }
                panic!("diglot exited ({status:?}) while waiting for {what}; screen:\n{}", self.screen());
            }
            if start.elapsed() > DEADLINE {
                panic!("timed out after {DEADLINE:?} waiting for {what}; screen:\n{}", self.screen());
            }
            std::thread::sleep(POLL);
        }
    }

    fn wait_text(&mut self, text: &str) {
        let t = text.to_string();
        self.wait_for(&format!("{text:?} on screen"), move |rows| rows.iter().any(|r| r.contains(&t)));
    }

    fn wait_status(&mut self, what: &str, cond: impl Fn(&str) -> bool) {
        self.wait_for(&format!("the status bar to show {what}"), move |rows| {
            rows.last().is_some_and(|r| cond(r))
        });
    }

    fn resize(&self, cols: u16, rows: u16) {
        let mut s = self.shared.lock().unwrap();
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).expect("resize the pty");
        s.parser.screen_mut().set_size(rows, cols);
    }

    /// Waits for the process to end and the last of its output to be read; returns its status.
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for diglot") {
                break status;
            }
            if start.elapsed() > DEADLINE {
                let _ = self.child.kill();
                panic!("diglot did not exit after {DEADLINE:?}; screen:\n{}", self.screen());
            }
            std::thread::sleep(POLL);
        };
        let start = Instant::now();
        while !self.eof.load(Ordering::SeqCst) && start.elapsed() < DEADLINE {
            std::thread::sleep(POLL);
        }
        if self.eof.load(Ordering::SeqCst) {
            if let Some(h) = self.reader.take() {
                h.join().unwrap();
            }
        }
        status
    }

    fn raw(&self) -> Vec<u8> {
        self.shared.lock().unwrap().raw.clone()
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
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
    let s = tui.shared.lock().unwrap();
    assert!(!s.parser.screen().alternate_screen(), "still on the alternate screen");
}

#[test]
fn seed_article_keys_and_quit() {
    let mut tui = Tui::spawn(&[], 80, 24);
    // the list and the reader both show the titles (wrapped or cut to their width)
    tui.wait_for("the seed's titles and the status bar", |rows| {
        let all = rows.join("\n");
        all.contains("Strengthening Collective")
            && all.contains("加强集体领导")
            && rows.last().is_some_and(|r| r.contains("1/1") && r.contains("1 articles"))
    });

    // j on a list of one article changes nothing; Enter opens the reader, v shows English
    // alone, wide enough for the title's first words on one line
    tui.send(b"j");
    tui.send(b"\r");
    tui.send(b"v");
    tui.wait_status("view en", |s| has_word(s, "en"));
    tui.wait_text("Strengthening Collective Leadership");
    let last = tui.last_row();
    assert!(last.contains("1/1") && last.contains("1 articles"), "{last:?}");

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
    // any key closes the help (x is bound to nothing)
    tui.send(b"x");
    tui.wait_for("the help to close", |rows| !rows.join("\n").contains(first));

    tui.send(b"q");
    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    assert_eq!(status.exit_code(), 0);
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
