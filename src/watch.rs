//! Following the files while the reader runs (issue 15): the opened folders are watched
//! (the `notify` crate: inotify on Linux, recursive), the events that can change what the
//! list or the full-text index holds are asked of the kernel (a write, a new file, a rename,
//! a removal; not a read: the reader, the index build and `rg` open every file, which
//! overflowed the kernel's queue of events at 430,000 files), and after a pause of
//! [`QUIET`] one [`WatchEvent::Changed`] goes to the reader, which runs the warm open's check
//! again ([`rechecker`]: the same loader entry point, [`corpus::load::load_stream_indexed`])
//! and then updates the full-text index.
//!
//! No terminal types here: the terminal loop turns [`WatchEvent`]s into messages.

use crate::app::Rechecker;
use crate::corpus;
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the files must be quiet after a change before the check runs (an editor's save,
/// a `git pull`, a copy of many files each make one check).
pub const QUIET: Duration = Duration::from_millis(500);

/// A check runs at the latest this long after the first change, even if changes go on.
pub const AT_MOST: Duration = Duration::from_secs(5);

/// What the watcher tells the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchEvent {
    /// Files under the folders changed, appeared or went (this many events since the last).
    Changed(usize),
    /// The folders are watched from now on, after a cold open, and files changed since the
    /// load started ([`corpus::load::changed_since`]): what changed between the load's
    /// reading of a file and now was seen by nothing (the watch is set up once the load is
    /// done and its index written), so the files are checked against that index.
    Watching,
    /// The folders are not watched, or only in part (why): changes show at the next start.
    Unavailable(String),
}

/// The watch: dropping it stops watching (and its thread).
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Watch")
    }
}

/// Whether an event can change the collection: not a read (opening, reading and closing a
/// file unwritten: the reader, the loader and the index build do that to every file), and
/// not only hidden files (the walker skips them: an editor's `.swp`, `.git`) or files under
/// `ignore` (the cache folder, should it be inside a collection).
pub fn relevant(ev: &notify::Event, roots: &[PathBuf], ignore: &[PathBuf]) -> bool {
    match ev.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
        EventKind::Access(_) => return false,
        _ => {}
    }
    // no paths: the watcher lost track (an overflow): check everything
    ev.paths.is_empty() || ev.paths.iter().any(|p| !hidden_or_ignored(p, roots, ignore))
}

fn hidden_or_ignored(p: &Path, roots: &[PathBuf], ignore: &[PathBuf]) -> bool {
    if ignore.iter().any(|i| p.starts_with(i)) {
        return true;
    }
    let rel = roots.iter().find_map(|r| p.strip_prefix(r).ok()).unwrap_or(p);
    rel.components().any(|c| c.as_os_str().to_str().is_some_and(|s| s.starts_with('.') && s.len() > 1))
}

/// Watches `roots` (folders recursively, files alone), skipping what [`relevant`] leaves
/// out, and calls `send` with [`WatchEvent::Changed`] once the files have been quiet for
/// `quiet` (or [`AT_MOST`] after the first change). A root that cannot be watched (inotify's
/// limit on watches, a folder gone) is said once with [`WatchEvent::Unavailable`]; the rest
/// are watched. `Err` when nothing can be watched.
pub fn watch(
    roots: &[PathBuf],
    ignore: Vec<PathBuf>,
    quiet: Duration,
    send: impl Fn(WatchEvent) + Send + 'static,
) -> Result<Watch, String> {
    let (tx, rx) = mpsc::channel::<usize>();
    let keep_roots = roots.to_vec();
    let handler = move |res: notify::Result<notify::Event>| {
        let n = match res {
            Ok(ev) if relevant(&ev, &keep_roots, &ignore) => 1,
            Ok(_) => return,
            // an error on the event stream (events lost): check everything
            Err(_) => 1,
        };
        let _ = tx.send(n);
    };
    // changes only (created, removed, written, renamed, attributes): reads are not asked
    // of the kernel at all, so a program reading the whole folder (the index build, `rg`)
    // cannot overflow its queue of events, which would mean "check everything"
    let config = notify::Config::default().with_event_kinds(notify::EventKindMask::CORE);
    let mut watcher = notify::RecommendedWatcher::new(handler, config).map_err(|e| e.to_string())?;
    let mut failed: Vec<String> = Vec::new();
    for r in roots {
        let mode = if r.is_dir() { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
        if let Err(e) = watcher.watch(r, mode) {
            failed.push(describe(&e, r));
        }
    }
    if !roots.is_empty() && failed.len() == roots.len() {
        return Err(failed.join("; "));
    }
    std::thread::Builder::new()
        .name("diglot-watch".into())
        .spawn(move || {
            if !failed.is_empty() {
                send(WatchEvent::Unavailable(failed.join("; ")));
            }
            debounce(&rx, quiet, AT_MOST, &send);
        })
        .map_err(|e| e.to_string())?;
    Ok(Watch { _watcher: watcher })
}

/// One [`WatchEvent::Changed`] per burst of events; returns when the watcher is gone.
fn debounce(rx: &mpsc::Receiver<usize>, quiet: Duration, at_most: Duration, send: &dyn Fn(WatchEvent)) {
    while let Ok(first) = rx.recv() {
        let start = Instant::now();
        let mut n = first;
        loop {
            let wait = quiet.min(at_most.saturating_sub(start.elapsed()));
            if wait.is_zero() {
                break;
            }
            match rx.recv_timeout(wait) {
                Ok(k) => n += k,
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        send(WatchEvent::Changed(n));
    }
}

fn describe(e: &notify::Error, root: &Path) -> String {
    match e.kind {
        notify::ErrorKind::MaxFilesWatch => format!(
            "{}: too many folders for the system's watch limit (fs.inotify.max_user_watches)",
            root.display()
        ),
        _ => format!("{}: {e}", root.display()),
    }
}

/// The check the reader runs when the watcher says files changed: the warm open's check
/// ([`corpus::load::load_stream_indexed`] through the title index in `cache`), its batches
/// given to `sink` except the first, which lists what the index held (the list already
/// shows it); the index saved after. `lock` is held throughout: the terminal loop holds it
/// while the first load runs and saves, so that a check never reads an index being written.
/// An index that cannot be read (another diglot of another format rewrote it) would make it
/// a cold load of every file: that is stopped at its first batch and said.
pub fn rechecker(paths: Vec<PathBuf>, cache: PathBuf, lock: Arc<Mutex<()>>) -> Rechecker {
    Arc::new(move |sink, cancel| {
        let _held = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // 0: first batch not seen; 1: the index's listing seen (a warm check); 2: cold
        let state = AtomicU8::new(0);
        let filtered = |ev: corpus::LoadEvent| {
            let first =
                state.compare_exchange(0, if ev.listed { 1 } else { 2 }, Ordering::AcqRel, Ordering::Acquire);
            match first {
                Ok(_) => {}
                Err(1) => sink(ev),
                Err(_) => {}
            }
        };
        let stop = || cancel() || state.load(Ordering::Acquire) == 2;
        let check = || corpus::load::load_stream_indexed(&paths, 512, Some(&cache), &filtered, &stop);
        // threads of its own: the background index build keeps rayon's global ones busy
        // (waiting on tantivy's queue) for minutes on a large collection
        let mut done = match rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .thread_name(|i| format!("diglot-check-{i}"))
            .start_handler(|_| crate::app::lower_priority())
            .build()
        {
            Ok(pool) => pool.install(check),
            Err(_) => check(),
        };
        if state.load(Ordering::Acquire) == 2 {
            let why = done.report.rebuilt.unwrap_or_else(|| "no index".into());
            // (what the reader must know first: cut at 80 columns, the log has it whole)
            return Err(format!(
                "files changed: the list is updated at the next start (the title index could not be read: {why})"
            ));
        }
        // written while the reader is in use: it yields to the reader's frames
        crate::app::lower_priority();
        done.save().map(|_| ()).map_err(|e| format!("could not save the title index: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, ModifyKind};

    fn ev(kind: EventKind, p: &str) -> notify::Event {
        notify::Event::new(kind).add_path(PathBuf::from(p))
    }

    #[test]
    fn writes_count_reads_hidden_files_and_the_cache_do_not() {
        let roots = [PathBuf::from("/c")];
        let ignore = [PathBuf::from("/c/cache")];
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        assert!(relevant(&ev(write, "/c/rmrb/a.md"), &roots, &ignore));
        assert!(relevant(&ev(EventKind::Create(CreateKind::File), "/c/rmrb/b.md"), &roots, &ignore));
        assert!(relevant(
            &ev(EventKind::Access(AccessKind::Close(AccessMode::Write)), "/c/a.md"),
            &roots,
            &ignore
        ));
        assert!(!relevant(
            &ev(EventKind::Access(AccessKind::Open(AccessMode::Any)), "/c/a.md"),
            &roots,
            &ignore
        ));
        assert!(!relevant(
            &ev(EventKind::Access(AccessKind::Close(AccessMode::Read)), "/c/a.md"),
            &roots,
            &ignore
        ));
        assert!(!relevant(&ev(write, "/c/rmrb/.a.md.swp"), &roots, &ignore));
        assert!(!relevant(&ev(write, "/c/.git/index"), &roots, &ignore));
        assert!(!relevant(&ev(write, "/c/cache/diglot/index.bin"), &roots, &ignore));
        // a hidden folder above the root is the user's business, not a hidden file
        assert!(relevant(&ev(write, "/home/u/.local/c/a.md"), &[PathBuf::from("/home/u/.local/c")], &[]));
        // no paths: the watcher lost track, everything is checked
        assert!(relevant(&notify::Event::new(EventKind::Any), &roots, &ignore));
    }

    /// The masks of this process's inotify watches, from `/proc/self/fdinfo` (a line
    /// `inotify wd:1 ino:… sdev:… mask:… …` per watch).
    #[cfg(target_os = "linux")]
    fn inotify_masks() -> Vec<u32> {
        let mut masks = Vec::new();
        for e in std::fs::read_dir("/proc/self/fdinfo").unwrap().flatten() {
            let Ok(info) = std::fs::read_to_string(e.path()) else { continue };
            for line in info.lines().filter(|l| l.starts_with("inotify wd:")) {
                let mask = line.split_whitespace().find_map(|w| w.strip_prefix("mask:")).unwrap();
                masks.push(u32::from_str_radix(mask, 16).unwrap());
            }
        }
        masks
    }

    /// Reading a file is not an event the kernel queues for the watcher: at 430,000 files a
    /// read of the folder (`rg`, the index build, another diglot) overflowed the queue, which
    /// means "check everything". Writes, creations, removals and renames still are.
    #[cfg(target_os = "linux")]
    #[test]
    fn reads_are_not_watched_writes_are() {
        const IN_MODIFY: u32 = 0x2;
        const IN_ATTRIB: u32 = 0x4;
        const IN_CLOSE_NOWRITE: u32 = 0x10;
        const IN_OPEN: u32 = 0x20;
        const IN_MOVED_FROM: u32 = 0x40;
        const IN_MOVED_TO: u32 = 0x80;
        const IN_CREATE: u32 = 0x100;
        const IN_DELETE: u32 = 0x200;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let w = watch(&[dir.path().to_path_buf()], vec![], QUIET, |_| {}).unwrap();
        let masks = inotify_masks();
        // the folder and its subfolder (other tests of this binary may watch too)
        assert!(masks.len() >= 2, "{masks:x?}");
        for m in masks {
            assert_eq!(m & (IN_OPEN | IN_CLOSE_NOWRITE), 0, "a read is watched: mask {m:#x}");
            let wanted = IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE;
            assert_eq!(m & wanted, wanted, "a change is not watched: mask {m:#x}");
        }
        drop(w);
    }

    #[test]
    fn a_burst_of_changes_is_one_event() {
        let (tx, rx) = mpsc::channel();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let got = sent.clone();
        let t = std::thread::spawn(move || {
            debounce(&rx, Duration::from_millis(100), Duration::from_secs(5), &|e| {
                got.lock().unwrap().push(e)
            })
        });
        for _ in 0..5 {
            tx.send(1).unwrap();
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(400));
        tx.send(2).unwrap();
        drop(tx);
        t.join().unwrap();
        // the second burst was cut short by the watcher going: it is not sent
        assert_eq!(*sent.lock().unwrap(), vec![WatchEvent::Changed(5)]);
    }
}
