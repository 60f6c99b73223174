//! The terminal front end: raw mode and the alternate screen (restored on exit, on error, on
//! panic and on the signals that end a program), an input thread, the loader in the background,
//! and a loop that blocks until something happens and redraws only on change (no CPU while
//! idle). It also writes the app's clipboard copies (OSC 52), suspends itself for `$PAGER`, and
//! on Ctrl-z / SIGTSTP stops as less and vim do.
//!
//! Signals are turned into messages by a thread ([`signal_hook::iterator::Signals`]: the raw
//! handler only writes to a pipe), so the loop saves state and restores the terminal by the
//! same path as `q`.

use crate::app::{App, Effect, Msg};
use crate::config::Config;
use crate::corpus;
use crate::state::{self, State};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, KeyCode,
    KeyEventKind, KeyModifiers,
};
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::ExecutableCommand;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, IsTerminal, Stdout, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// How the reader ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A signal ended it (SIGTERM, SIGINT, SIGHUP or SIGQUIT): the terminal is restored and the
    /// state saved; [`exit_for_signal`] ends the process as the signal would have.
    Signal(i32),
}

/// The signals that end the reader: each restores the terminal and saves, then ends the
/// process with the signal's usual status.
#[cfg(unix)]
const ENDING: [i32; 4] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGQUIT,
];
#[cfg(unix)]
const SIGTSTP: i32 = signal_hook::consts::SIGTSTP;
#[cfg(unix)]
const SIGCONT: i32 = signal_hook::consts::SIGCONT;

/// Ends the process after [`Exit::Signal`] as the signal itself would have (the parent sees it
/// killed by the signal, which a shell loop needs to stop on Ctrl-c), with the terminal already
/// restored. SIGQUIT exits with status 131 instead: re-raised, it would dump core.
pub fn exit_for_signal(sig: i32) -> std::process::ExitCode {
    #[cfg(unix)]
    if sig != signal_hook::consts::SIGQUIT {
        let _ = io::stdout().flush();
        let _ = io::stderr().flush();
        let _ = signal_hook::low_level::emulate_default_handler(sig);
    }
    std::process::ExitCode::from(128u8.wrapping_add(sig as u8))
}

// What the terminal has been put into (bits of `ENTERED`), so that restoring undoes exactly
// that, and nothing on a terminal that was never set up.
const RAW: u8 = 1;
const ALTERNATE: u8 = 2;
const PASTE: u8 = 4;
const MOUSE: u8 = 8;
/// ratatui hides the cursor on the alternate screen.
const CURSOR: u8 = 16;
static ENTERED: AtomicU8 = AtomicU8::new(0);

/// Puts the terminal back as it was: leaves whatever [`enter_terminal`] entered. Safe to call
/// more than once, and from the panic hook.
pub fn restore_terminal() {
    let was = ENTERED.swap(0, Ordering::AcqRel);
    let mut out = io::stdout();
    if was & MOUSE != 0 {
        let _ = out.execute(DisableMouseCapture);
    }
    if was & PASTE != 0 {
        let _ = out.execute(DisableBracketedPaste);
    }
    if was & ALTERNATE != 0 {
        let _ = out.execute(LeaveAlternateScreen);
    }
    if was & CURSOR != 0 {
        let _ = out.execute(crossterm::cursor::Show);
    }
    if was & RAW != 0 {
        let _ = disable_raw_mode();
    }
}

/// Restores the terminal when dropped: on every way out of [`run`], errors included.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Each mode is marked entered before it is asked for, so that a failure half way is undone.
fn enter_terminal(mouse: bool) -> io::Result<()> {
    ENTERED.fetch_or(RAW, Ordering::AcqRel);
    enable_raw_mode()?;
    let mut out = io::stdout();
    ENTERED.fetch_or(ALTERNATE | CURSOR, Ordering::AcqRel);
    out.execute(EnterAlternateScreen)?;
    ENTERED.fetch_or(PASTE, Ordering::AcqRel);
    out.execute(EnableBracketedPaste)?;
    if mouse {
        ENTERED.fetch_or(MOUSE, Ordering::AcqRel);
        out.execute(EnableMouseCapture)?;
    }
    Ok(())
}

/// Turns mouse capture on or off (`M`), keeping [`ENTERED`] true to what the terminal is in.
fn set_mouse(on: bool) -> io::Result<()> {
    let mut out = io::stdout();
    if on {
        ENTERED.fetch_or(MOUSE, Ordering::AcqRel);
        out.execute(EnableMouseCapture)?;
    } else {
        out.execute(DisableMouseCapture)?;
        ENTERED.fetch_and(!MOUSE, Ordering::AcqRel);
    }
    Ok(())
}

/// The reader draws on a terminal and reads keys from it: refuse, before touching anything,
/// when standard input or output is a file or a pipe (crossterm would wait for an answer to its
/// cursor-position request that never comes).
pub fn check_terminal() -> io::Result<()> {
    let which = match (io::stdin().is_terminal(), io::stdout().is_terminal()) {
        (true, true) => return Ok(()),
        (true, false) => "standard output is not a terminal",
        (false, true) => "standard input is not a terminal",
        (false, false) => "standard input and output are not terminals",
    };
    Err(io::Error::other(format!(
        "the reader needs a terminal ({which}); `diglot list` and `diglot show` write to files and pipes"
    )))
}

fn setup_terminal(mouse: bool) -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        hook(info);
    }));
    enter_terminal(mouse)?;
    let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    clear(&mut term)?;
    Ok(term)
}

/// Clears the screen and makes the next draw paint every cell, without asking the terminal
/// where its cursor is: ratatui's `Terminal::clear` sends `ESC [ 6n` to put the cursor back
/// and fails when no answer comes within 2 s (a slow link, a loaded machine, a terminal
/// without that report), which ended the reader. The full-screen viewport has no cursor to
/// keep: resizing to the current size clears it and resets ratatui's back buffer.
fn clear(term: &mut Terminal<CrosstermBackend<Stdout>>) -> io::Result<()> {
    let size = term.size()?;
    term.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
}

/// Runs the reader on `paths` (the embedded seeds when empty) until the user quits or a signal
/// ends it. The terminal is restored on every way out.
pub fn run(paths: Vec<PathBuf>, cfg: Config) -> io::Result<Exit> {
    check_terminal()?;
    // before raw mode, so that a signal during setup is not lost: it waits in the pipe
    #[cfg(unix)]
    let signals = signal_hook::iterator::Signals::new(ENDING.iter().chain(&[SIGTSTP, SIGCONT]))?;
    let _restore = Restore;
    let mut term = setup_terminal(cfg.mouse)?;
    #[cfg(unix)]
    let result = event_loop(&mut term, paths, &cfg, signals);
    #[cfg(not(unix))]
    let result = event_loop(&mut term, paths, &cfg);
    restore_terminal();
    result
}

/// How long the loop has to save and restore after an ending signal before the signal thread
/// restores the terminal and ends the process itself (a second such signal does it at once).
#[cfg(unix)]
const GRACE: Duration = Duration::from_secs(5);

/// The niceness of a warm open's check of the files (the list is on screen): below the
/// reader's frames, not so low that any other process starves it.
const CHECK_NICE: i32 = 10;

/// The signal thread: each signal becomes a [`Msg::Signal`] for the loop. Should the loop not
/// end after an ending signal (it is stuck), a second one or [`GRACE`] ends the process here.
#[cfg(unix)]
fn spawn_signals(mut signals: signal_hook::iterator::Signals, tx: mpsc::Sender<Msg>) {
    fn force(sig: i32) -> ! {
        restore_terminal();
        let _ = exit_for_signal(sig);
        std::process::exit(128 + sig);
    }
    std::thread::spawn(move || {
        let mut ending = false;
        for sig in signals.forever() {
            if ENDING.contains(&sig) {
                if ending {
                    force(sig);
                }
                ending = true;
                std::thread::spawn(move || {
                    std::thread::sleep(GRACE);
                    force(sig);
                });
            }
            if tx.send(Msg::Signal(sig)).is_err() {
                break;
            }
        }
    });
}

/// What the loop does itself (not the app) with a message.
enum Control {
    /// Restore the terminal and stop until continued (Ctrl-z, SIGTSTP).
    Suspend,
    /// Continued after a stop: enter raw mode and the rest again, and redraw everything.
    Resume,
    /// Everything else: for the app. A signal that ends the reader quits it as `q` does.
    App(Msg),
}

fn control(msg: Msg) -> Control {
    match msg {
        // in raw mode the terminal sends Ctrl-z as a key instead of stopping the process
        Msg::Term(Event::Key(k))
            if k.kind != KeyEventKind::Release
                && k.code == KeyCode::Char('z')
                && k.modifiers.contains(KeyModifiers::CONTROL) =>
        {
            Control::Suspend
        }
        #[cfg(unix)]
        Msg::Signal(SIGTSTP) => Control::Suspend,
        #[cfg(unix)]
        Msg::Signal(SIGCONT) => Control::Resume,
        msg => Control::App(msg),
    }
}

/// Stops as less and vim do: the terminal restored, then stopped until SIGCONT (`fg`).
fn suspend(term: &mut Terminal<CrosstermBackend<Stdout>>, mouse: bool) -> io::Result<()> {
    restore_terminal();
    #[cfg(unix)]
    {
        // SIGTSTP's default action: the shell sees the job stopped (by SIGSTOP: SIGTSTP
        // itself is caught here)
        let _ = signal_hook::low_level::emulate_default_handler(SIGTSTP);
    }
    resume(term, mouse)
}

/// After a stop, by us or by anyone: the shell may have put the terminal back to line mode and
/// the main screen, so every mode is entered again and the whole screen redrawn.
fn resume(term: &mut Terminal<CrosstermBackend<Stdout>>, mouse: bool) -> io::Result<()> {
    if ENTERED.fetch_and(!RAW, Ordering::AcqRel) & RAW != 0 {
        // crossterm would think raw mode still on and do nothing
        let _ = disable_raw_mode();
    }
    enter_terminal(mouse)?;
    clear(term)
}

/// The input thread: reads terminal events, except while paused (when `$PAGER` owns the
/// terminal). It blocks until the terminal has something (a key, a paste, a resize): an idle
/// reader does not wake. [`run_pager`] pauses it and wakes it with [`wake_input`]; while
/// paused it waits to be unparked.
///
/// Not `crossterm::event::poll` with a timeout, as until session 12: its poll rounds the time
/// left down to whole milliseconds, so each timeout ended in a busy loop of zero-timeout polls
/// for up to a millisecond (~14 ms of CPU per 5 s idle at a poll every 250 ms).
fn spawn_input(tx: mpsc::Sender<Msg>) -> Input {
    let paused = Arc::new(AtomicBool::new(false));
    let idle = Arc::new(AtomicBool::new(false));
    let (p, i) = (paused.clone(), idle.clone());
    let handle = std::thread::spawn(move || loop {
        if p.load(Ordering::Acquire) {
            i.store(true, Ordering::Release);
            std::thread::park();
            continue;
        }
        i.store(false, Ordering::Release);
        match next_event() {
            Ok(Some(ev)) => {
                if tx.send(Msg::Term(ev)).is_err() {
                    break;
                }
            }
            Ok(None) => {}
            Err(_) => break,
        }
    });
    Input { paused, idle, thread: handle.thread().clone() }
}

/// The input thread, to pause while `$PAGER` owns the terminal.
struct Input {
    paused: Arc<AtomicBool>,
    /// Set by the thread once it has stopped reading the terminal.
    idle: Arc<AtomicBool>,
    thread: std::thread::Thread,
}

impl Input {
    /// Stops reading the terminal: waits (half a second at most) until the thread has seen
    /// the pause, woken from its wait for the terminal by [`wake_input`].
    fn pause(&self) {
        self.paused.store(true, Ordering::Release);
        wake_input();
        for _ in 0..100 {
            if self.idle.load(Ordering::Acquire) {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Reads the terminal again.
    fn resume(&self) {
        // seen set again only once the thread has seen this pause end
        self.idle.store(false, Ordering::Release);
        self.paused.store(false, Ordering::Release);
        self.thread.unpark();
    }
}

/// The terminal's next event, waiting for it as long as it takes.
#[cfg(unix)]
fn next_event() -> io::Result<Option<Event>> {
    crossterm::event::read().map(Some)
}

/// The terminal's next event, or `None` after a while without one (the input thread then
/// looks whether it is paused: there is no signal to wake it with).
#[cfg(not(unix))]
fn next_event() -> io::Result<Option<Event>> {
    if crossterm::event::poll(Duration::from_millis(250))? {
        crossterm::event::read().map(Some)
    } else {
        Ok(None)
    }
}

/// Wakes the input thread from its wait for the terminal, so that it sees it is paused: a
/// SIGWINCH to this process, which crossterm's own handler turns into a resize event (of the
/// same size: harmless) that ends the wait. A stray resize is what a terminal sends anyway.
fn wake_input() {
    #[cfg(unix)]
    {
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGWINCH);
    }
}

fn event_loop(
    term: &mut Terminal<CrosstermBackend<Stdout>>,
    paths: Vec<PathBuf>,
    cfg: &Config,
    #[cfg(unix)] signals: signal_hook::iterator::Signals,
) -> io::Result<Exit> {
    let size = term.size()?;
    let (tx, rx) = mpsc::channel::<Msg>();
    let notify_tx = std::sync::Mutex::new(tx.clone());
    let mut app = App::with_notify(
        (size.width, size.height),
        Arc::new(move || {
            if let Ok(t) = notify_tx.lock() {
                let _ = t.send(Msg::SearchReady);
            }
        }),
    );
    app.configure(cfg);
    // the full-text index, built in the background once loading is done
    app.set_indexer(paths.clone(), purging(crate::app::default_indexer()), cfg.background_index);
    // with background indexing off, an index `diglot index` built is used while current
    app.set_opener(crate::app::default_opener());
    let dir = state::default_dir();
    let (st, msg) = match &dir {
        Some(d) => State::load(d),
        None => (State::default(), Some("no state folder (HOME unset): nothing will be remembered".into())),
    };
    app.attach_state(st, dir, &paths, msg);

    let stop = Arc::new(AtomicBool::new(false));
    let input = spawn_input(tx.clone());
    #[cfg(unix)]
    spawn_signals(signals, tx.clone());
    // The title index is read and written by one load at a time: the first load holds this
    // until its index is saved, each check of the files (the watcher's) while it runs.
    let loading = Arc::new(std::sync::Mutex::new(()));
    let cache = corpus::index::default_cache_dir();
    // set once the list a warm open's index gave is drawn (see the loading below)
    let shown = Shown::default();
    // set once the watch may be set up: the list a warm open's index gave is drawn, or the
    // first load is done and its index saved (setting the watches states every file: not
    // beside a cold open's reading of every file). (Reads are no longer watched at all, see
    // watch.rs: with notify 8 each file the loader opened was an `IN_OPEN` event, and at
    // 430,000 files they overflowed the kernel's queue.)
    let watch_gate = Shown::default();
    // set once the watch is set up (or could not be): a warm open's check of the files waits
    // for it, so that a change to a file after the check has stated it is an event (a change
    // before is the check's); a cold open, whose files were read before the watch, has them
    // looked at again when the watch is set up (`cold_load`)
    let watching = Shown::default();
    // a cold open, its title index written or not (set before `watch_gate`): when it started
    // and how many files it found
    let cold_load: ColdLoad = Arc::default();
    // set once a frame has been drawn with the load done (the whole list of a cold open on
    // screen, or a warm open's check reported): the title index is written after it
    let all_drawn = Shown::default();
    // the list's catalog once the load is done: a cold open's title index is written from
    // it (its articles' rows are the list's, not copied by the index)
    let parsed: Handoff<corpus::Catalog> = Handoff::default();
    // Following the files: a change under the folders checks them again (app/live.rs). Not
    // for the seeds, nor without a cache folder (the check needs the title index).
    // The watch, once set up, is held here: it stops when the loop ends.
    let mut _watch = None;
    if let (Some(cache), false) = (&cache, paths.is_empty()) {
        app.set_rechecker(Some(crate::watch::rechecker(paths.clone(), cache.clone(), loading.clone())));
        _watch = Some(spawn_watch(
            paths.clone(),
            cache.clone(),
            tx.clone(),
            watch_gate.clone(),
            watching.clone(),
            cold_load.clone(),
        ));
    } else {
        // nothing is watched: nothing to wait for
        watching.set();
    }
    // Loading, in parallel, streamed into the app as batches. On a warm open the check of the
    // files (a walk and a stat of every file, on every core) waits until the list the index
    // gave is on screen: the first frame does not share the cores with it.
    {
        let tx = tx.clone();
        let stop = stop.clone();
        let loading = loading.clone();
        // a cold open's title index takes the titles' pinyin the title search made
        let titles = app.search_titles();
        let shown = shown.clone();
        let watch_gate = watch_gate.clone();
        let watching = watching.clone();
        let cold_load = cold_load.clone();
        let all_drawn = all_drawn.clone();
        let parsed = parsed.clone();
        std::thread::spawn(move || {
            let _held = loading.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            // On a cold open (its first batch is not an index's list) what the load frees
            // (each file's bytes, the batches once the list and the search have copied them)
            // is given back at once, not a second later: at 430,000 files ~100 MB of it was
            // still resident at the end of the load, the cold open's peak. Not on a warm
            // open (its peak is well under; its check frees little).
            let purge = std::sync::OnceLock::new();
            let sink_tx = std::sync::Mutex::new(tx.clone());
            // Through the index in the cache folder; it is written after the list is shown.
            let load = || {
                corpus::load::load_stream_indexed_shared(
                    &paths,
                    512,
                    cache.as_deref(),
                    &|ev| {
                        let listed = ev.listed;
                        purge.get_or_init(|| if listed { PurgeAtOnce(None) } else { PurgeAtOnce::start() });
                        if let Ok(t) = sink_tx.lock() {
                            let _ = t.send(Msg::Loaded(ev));
                        }
                        if listed {
                            shown.wait(Duration::from_secs(2));
                            // the check states the files once they are watched (the watch,
                            // set up from now on, states every file itself; a change after
                            // the check's stat of a file and before its folder was watched
                            // was seen by nothing until the next open)
                            watching.wait(WATCH_WAIT);
                            // a warm open: the list is on screen, the check of the files is
                            // background work, and its threads yield to the reader's frames
                            // (a cold open's threads keep their priority: the list is theirs)
                            rayon::broadcast(|_| crate::app::lower_priority_to(CHECK_NICE));
                        }
                    },
                    &|| stop.load(Ordering::Relaxed),
                )
            };
            // threads of its own (rayon's global ones do the reader's other work: their
            // priority stays); if they cannot be made, rayon's
            let pool = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("diglot-load-{i}")).build();
            let mut done = match &pool {
                Ok(pool) => pool.install(load),
                Err(_) => load(),
            };
            let _ = tx.send(Msg::LoadDone);
            // the index is written once the list is on screen whole (its sort and write,
            // ~1 s of CPU at 430,000 files, had started with the last batches still to be
            // merged and drawn; at most a while: a reader stopped meanwhile draws nothing),
            // and while the reader is in use (checksummed on a thread of its own): at
            // 430,000 files a frame drawn then waited 33 ms for a core
            crate::app::lower_priority();
            if !stop.load(Ordering::Relaxed) {
                all_drawn.wait(Duration::from_secs(2));
            }
            let asked = AtomicBool::new(false);
            // (given by the reader once it has drawn the load done: waited for as long as it
            // runs, which may be long after the load (a reader in `$PAGER`, `o`, draws nothing
            // until the pager ends); given up at once when it stopped: nothing comes then)
            let list = parsed.take_while(HANDOFF_ROUND, || !stop.load(Ordering::Relaxed));
            // (an index that cannot be written, a read-only cache folder, is read at no open:
            // each is cold, and the reader is told why once)
            let saved = done.save_shared(list, &|cat, at, out| {
                asked.store(true, Ordering::Relaxed);
                titles.write_search_data(cat, at, out)
            });
            if let (Err(e), false) = (saved, stop.load(Ordering::Relaxed)) {
                let _ = tx.send(Msg::Said(index_not_written(&e)));
            }
            // a cold open: looked at again once the files are watched, its index written or
            // not (a read-only cache folder: the look keeps nothing, and what changed is said
            // by the check, which needs the index)
            let stopped = stop.load(Ordering::Relaxed);
            if !stopped && done.report.rebuilt.is_some() {
                if let Ok(mut c) = cold_load.lock() {
                    *c = Some((done.report.started_ns, done.report.added));
                }
            }
            if asked.load(Ordering::Relaxed) {
                titles.written();
            }
            drop(titles);
            drop(done);
            watch_gate.set();
            give_back_memory();
            // the parsing threads made what the list and the search have since let go of (a
            // cold open's titles' search data, ~20 MB at 100,000 articles): each gives its
            // own back
            match &pool {
                Ok(pool) => pool.broadcast(|_| give_back_memory()),
                Err(_) => rayon::broadcast(|_| give_back_memory()),
            };
            drop(pool);
            drop(purge);
        });
    }
    // The dictionary loads in the background when a learner's feature first asks for it
    // (Effect::LoadDict, at most once); the reader is told when it is there.
    let mut dict_tx = Some(tx.clone());
    app.learn.words_path = crate::dict::words::default_path();
    drop(tx);

    // The loop: carry out the effects asked for, draw (for the size of the frame being drawn;
    // drawing does no I/O), wait for a message (or a tick while a scroll waits to be saved) and
    // whatever else is waiting, and update. Ctrl-z and the stop/continue signals are the
    // loop's own (see [`control`]); an ending signal quits the app as `q` does.
    let mut mouse = cfg.mouse;
    app.mouse = mouse;
    // the word list is read for the marks of saved words
    let mut effects = vec![Effect::LoadWords];
    // pinyin rows or HSK colouring on from the start need the dictionary to draw
    effects.extend(app.start_effects());
    let mut exit = Exit::Quit;
    let mut frames = FrameLog::from_env();
    let mut told_shown = false;
    let mut told_drawn = false;
    let mut pacer = FramePacer::default();
    'outer: loop {
        // effects that need no terminal are done first (they may ask for more)
        for effect in app.perform(std::mem::take(&mut effects)) {
            match effect {
                Effect::Quit => break 'outer,
                Effect::Copy { text, what } => {
                    let (said, seq) = app.copy_now(&text, &what);
                    if let Some(seq) = seq {
                        let backend = term.backend_mut();
                        backend.write_all(seq.as_bytes())?;
                        backend.flush()?;
                    }
                    effects.extend(app.update(Msg::Said(said)));
                }
                Effect::Pager(path) => {
                    if let Some(e) = run_pager(term, &path, mouse, &input)? {
                        effects.extend(app.update(Msg::Said(e)));
                    }
                }
                Effect::Mouse(on) => {
                    mouse = on;
                    set_mouse(on)?;
                }
                Effect::LoadDict => {
                    if let Some(tx) = dict_tx.take() {
                        crate::dict::cedict::preload_then(move || {
                            let _ = tx.send(Msg::DictReady);
                        });
                    }
                }
                // carried out by perform
                Effect::Open(_)
                | Effect::SaveState
                | Effect::Scan(_)
                | Effect::SaveWord(_)
                | Effect::LoadWords
                | Effect::Research(_)
                | Effect::Recheck => {}
            }
        }
        if !effects.is_empty() {
            continue;
        }
        let now = std::time::Instant::now();
        if pacer.may_draw(now) {
            // lay out for the size of the frame about to be drawn
            let size = term.size()?;
            if (size.width, size.height) != app.size {
                app.resize(size.width, size.height);
            }
            term.draw(|f| crate::ui::draw(&app, f))?;
            frames.end(&app);
            pacer.drawn(std::time::Instant::now());
            if app.progress.done && !told_drawn {
                parsed.give(app.parsed_catalog());
                all_drawn.set();
                told_drawn = true;
            }
        } else {
            // a frame held: the next one is timed from the message that draws it
            frames.hold();
        }
        if app.progress.listed && !told_shown {
            shown.set();
            watch_gate.set();
            told_shown = true;
        }
        let tick = app.wants_tick().then_some(crate::app::SAVE_PAUSE);
        let held = pacer.held_for(std::time::Instant::now());
        let msg = match (tick, held) {
            (None, None) => {
                let Ok(m) = rx.recv() else { break };
                m
            }
            (tick, held) => {
                let wait = tick.into_iter().chain(held).min().unwrap_or(crate::app::SAVE_PAUSE);
                match rx.recv_timeout(wait) {
                    Ok(m) => m,
                    // the held frame's time came: draw it
                    Err(mpsc::RecvTimeoutError::Timeout) if held == Some(wait) => continue,
                    Err(mpsc::RecvTimeoutError::Timeout) => Msg::Tick,
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
        };
        frames.start();
        // and whatever else is waiting before drawing again; a frame for loaded batches alone
        // may wait (see [`FramePacer`])
        let mut only_batches = true;
        for msg in std::iter::once(msg).chain(std::iter::from_fn(|| rx.try_recv().ok())) {
            only_batches &= FramePacer::may_wait_for(&msg);
            match control(msg) {
                Control::App(msg) => {
                    if let Msg::Signal(sig) = msg {
                        exit = Exit::Signal(sig);
                    }
                    effects.extend(app.update(msg));
                }
                stop_or_cont => {
                    if matches!(stop_or_cont, Control::Suspend) {
                        suspend(term, mouse)?;
                    } else {
                        resume(term, mouse)?;
                    }
                    // a resize while stopped was not seen (SIGWINCH goes to the foreground job)
                    let size = term.size()?;
                    effects.extend(app.update(Msg::Term(Event::Resize(size.width, size.height))));
                }
            }
            if effects.contains(&Effect::Quit) {
                break;
            }
        }
        if app.wants_tick() {
            effects.extend(app.update(Msg::Tick));
        }
        pacer.after_messages(only_batches, std::time::Instant::now());
    }
    stop.store(true, Ordering::Relaxed);
    frames.write();
    // a save that fails on quit is said on stderr with a non-zero exit (diglot::main)
    app.save_now().map_err(|e| io::Error::other(format!("could not save the reading state: {e}")))?;
    Ok(exit)
}

/// Watches the folders on a thread of its own (adding a watch per folder takes a while on a
/// large tree; the first frame does not wait for it, and it waits for `gate`: the first list
/// of a warm open drawn, or a cold open's load done, see `watch_gate` in [`run`]); what the
/// watcher says comes as [`Msg::Watch`]. The watch set up is put in the slot returned, which
/// the loop holds: it watches until the loop ends (the setup thread ends once it is set up).
/// What the reader is told when the title index could not be written (a read-only cache
/// folder, a full disk): without it every open reads every file again, which at 430,000
/// files is seconds each time, and nothing else would say why.
fn index_not_written(e: &std::io::Error) -> String {
    format!("title index not written, each open reads every file again: {e}")
}

/// A watch that cannot be set up is said once, in the status bar and the message log.
///
/// Once the watch is set up (or could not be), `watching` is set (a warm open's check waits
/// for it), and after a cold open (`cold_load`), its index written or not, the folders are
/// looked at again: if a file or folder changed since the load started, or a file went
/// ([`corpus::load::changed_since`]: a walk and a stat of each, nothing kept), every file is
/// checked against the index ([`crate::watch::WatchEvent::Watching`]), so that a file
/// changed, added or removed after the load had read its folder and before the watch was set
/// up is listed as it is (the load reads for seconds at 430,000 files). Not every time: that
/// check holds the index's records and stamps beside the list (~+300 MB at 430,000 files).
/// An index that could not be written (a read-only cache folder) cannot be checked against:
/// the check then says that files changed and the list is updated at the next start.
fn spawn_watch(
    paths: Vec<PathBuf>,
    cache: PathBuf,
    tx: mpsc::Sender<Msg>,
    gate: Shown,
    watching: Shown,
    cold_load: ColdLoad,
) -> Arc<std::sync::Mutex<Option<crate::watch::Watch>>> {
    let slot = Arc::new(std::sync::Mutex::new(None));
    let keep = slot.clone();
    // whatever happens on the thread (or if it cannot be made), the check waiting for the
    // watch goes on once it is over
    struct SetOnDrop(Shown);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.set();
        }
    }
    let watching = SetOnDrop(watching);
    let _ = std::thread::Builder::new().name("diglot-watch-setup".into()).spawn(move || {
        let _watching = watching;
        // setting the watches walks every folder: not while the first list is being drawn,
        // nor while a cold open reads every file
        gate.wait(Duration::from_secs(3600));
        if let Some(ms) = std::env::var(WATCH_DELAY).ok().and_then(|v| v.parse::<u64>().ok()) {
            std::thread::sleep(Duration::from_millis(ms));
        }
        // after a cold open: what changed before the watch is checked once it is set up
        let check_once = || {
            let Some((started, files)) = cold_load.lock().ok().and_then(|mut c| c.take()) else { return };
            let look = || corpus::load::changed_since(&paths, started, files);
            // threads of their own (the full-text build may hold rayon's), yielding to all
            let changed = match rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .thread_name(|i| format!("diglot-look-{i}"))
                .start_handler(|_| crate::app::lower_priority())
                .build()
            {
                Ok(pool) => {
                    let changed = pool.install(look);
                    // (what the walk allocated on them, given back as the load's is)
                    pool.broadcast(|_| give_back_memory());
                    changed
                }
                Err(_) => look(),
            };
            give_back_memory();
            if changed {
                let _ = tx.send(Msg::Watch(crate::watch::WatchEvent::Watching));
            }
        };
        // nor ahead of the reader's frames: at 430,000 files it states every one (~1 s of
        // CPU), and the watch's own thread, started here, follows events at this priority
        crate::app::lower_priority_to(CHECK_NICE);
        let send_tx = std::sync::Mutex::new(tx.clone());
        let send = move |ev| {
            if let Ok(t) = send_tx.lock() {
                let _ = t.send(Msg::Watch(ev));
            }
        };
        let watch = crate::watch::watch(&paths, vec![cache], crate::watch::QUIET, send);
        let watch = match watch {
            Ok(w) => w,
            Err(e) => {
                let _ = tx.send(Msg::Watch(crate::watch::WatchEvent::Unavailable(e)));
                check_once();
                return;
            }
        };
        // the watch lives as long as the loop, which holds it (no thread waits for the end)
        if let Ok(mut slot) = keep.lock() {
            *slot = Some(watch);
        }
        check_once();
    });
    slot
}

/// A cold open (its title index written or not): when it started, how many files it found.
type ColdLoad = Arc<std::sync::Mutex<Option<(i128, usize)>>>;

/// How long a warm open's check of the files waits for the watch to be set up (it states
/// every file: ~1 s of CPU at 430,000 files, at a lower priority than the reader's).
const WATCH_WAIT: Duration = Duration::from_secs(60);

/// For the tests: the watch is set up this many milliseconds late (a change in the time
/// between the load's reading of the files and the watch must still show in the list).
const WATCH_DELAY: &str = "DIGLOT_TEST_WATCH_DELAY_MS";

/// Gives the memory the loading freed back to the system. The walk and the parsing allocate
/// on threads that have ended since (the walker's, rayon's), and mimalloc keeps the pages of
/// an ended thread until another thread takes them over: hundreds of MB at 430,000 articles,
/// all free, still resident. A forced collection returns them.
fn give_back_memory() {
    // SAFETY: `mi_collect` takes no pointer and only visits the allocator's own structures,
    // under its own locks; any thread may call it at any time (with another global
    // allocator it tidies an unused heap).
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

/// mimalloc's `mi_option_purge_delay` (the bindings do not name it; its place in the options
/// of the mimalloc they build, checked by a test): how long (ms) freed memory stays resident
/// before it is given back to the system (default 1000; 0: at once; negative: never).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn purge_delay() -> std::ffi::c_long {
    // SAFETY: reads an option of the allocator (its own global, initialised on first use);
    // any thread may call it at any time.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY)
    }
}

fn set_purge_delay(ms: std::ffi::c_long) {
    // SAFETY: sets an option of the allocator (a plain value it reads when it schedules a
    // purge); any thread may call it at any time.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, ms);
    }
}

/// While it lives, the allocator gives freed memory back to the system at once (while
/// loading: the parsing frees as fast as it allocates, and memory freed a second ago still
/// counts in the resident peak; while the full-text index is built in the background: its
/// segments' memory, freed at each flush); when the last one alive is dropped, the delay is
/// what it was before the first. A delay of 0 or less (e.g. chosen in `MIMALLOC_PURGE_DELAY`)
/// is left as it is. `PurgeAtOnce(None)` does nothing.
struct PurgeAtOnce(Option<()>);

/// The [`PurgeAtOnce`] guards alive (the load's and the index build's overlap), and the
/// delay before the first.
static PURGE_GUARDS: std::sync::Mutex<(usize, std::ffi::c_long)> = std::sync::Mutex::new((0, 0));

impl PurgeAtOnce {
    fn start() -> Self {
        let Ok(mut g) = PURGE_GUARDS.lock() else { return PurgeAtOnce(None) };
        if g.0 == 0 {
            let was = purge_delay();
            if was <= 0 {
                return PurgeAtOnce(None);
            }
            set_purge_delay(0);
            g.1 = was;
        }
        g.0 += 1;
        PurgeAtOnce(Some(()))
    }
}

impl Drop for PurgeAtOnce {
    fn drop(&mut self) {
        if self.0.is_none() {
            return;
        }
        if let Ok(mut g) = PURGE_GUARDS.lock() {
            g.0 = g.0.saturating_sub(1);
            if g.0 == 0 {
                set_purge_delay(g.1);
            }
        }
    }
}

/// The reader's builder of the full-text index, giving freed memory back at once while it
/// builds ([`PurgeAtOnce`]): each segment's memory is freed when it is written, and kept
/// resident for mimalloc's delay it added ~30 MB to the reader's peak at 100k.
fn purging(builder: Option<crate::app::Builder>) -> Option<crate::app::Builder> {
    let b = builder?;
    Some(Arc::new(move |roots, files, progress, cancel| {
        let _at_once = PurgeAtOnce::start();
        b(roots, files, progress, cancel)
    }))
}

/// Whether the list a warm open's index gave has been drawn (the check of the files waits
/// for it, at most a while).
#[derive(Clone, Default)]
struct Shown(Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>);

impl Shown {
    fn set(&self) {
        let (lock, cvar) = &*self.0;
        if let Ok(mut done) = lock.lock() {
            if !*done {
                *done = true;
                cvar.notify_all();
            }
        }
    }

    fn wait(&self, at_most: Duration) {
        let (lock, cvar) = &*self.0;
        if let Ok(done) = lock.lock() {
            let _ = cvar.wait_timeout_while(done, at_most, |done| !*done);
        }
    }
}

/// How often the loader, waiting for the reader's list ([`Handoff::take_while`]), asks
/// whether the reader has stopped.
const HANDOFF_ROUND: Duration = Duration::from_millis(100);

/// A value one thread gives another once (see `parsed` in [`event_loop`]): given after the
/// other has stopped waiting, it is dropped (not held on to for good).
struct Handoff<T>(Arc<(std::sync::Mutex<Slot<T>>, std::sync::Condvar)>);

/// A [`Handoff`]'s value, and whether the taker has stopped waiting.
type Slot<T> = (Option<Arc<T>>, bool);

impl<T> Default for Handoff<T> {
    fn default() -> Self {
        Handoff(Arc::new((std::sync::Mutex::new((None, false)), std::sync::Condvar::new())))
    }
}

impl<T> Clone for Handoff<T> {
    fn clone(&self) -> Self {
        Handoff(Arc::clone(&self.0))
    }
}

impl<T> Handoff<T> {
    fn give(&self, v: Arc<T>) {
        let (lock, cvar) = &*self.0;
        if let Ok(mut slot) = lock.lock() {
            if !slot.1 {
                slot.0 = Some(v);
                cvar.notify_all();
            }
        }
    }

    /// The value, waiting for it as long as `waiting()` (asked every `round`, without the
    /// lock; `false` at once: only a value given already); nothing is given after this.
    ///
    /// Not a fixed bound (until session 14's review: 10 s): the reader gives its list once it
    /// has drawn the load done, which a reader in `$PAGER` does only when the pager ends; a
    /// list given after the bound was dropped, the title index not written, and the next
    /// open was cold again.
    fn take_while(&self, round: Duration, waiting: impl Fn() -> bool) -> Option<Arc<T>> {
        let (lock, cvar) = &*self.0;
        loop {
            let waiting = waiting();
            let mut slot = lock.lock().ok()?;
            if waiting && slot.0.is_none() {
                slot = cvar.wait_timeout_while(slot, round, |s| s.0.is_none()).ok()?.0;
            }
            if slot.0.is_some() || !waiting {
                slot.1 = true;
                return slot.0.take();
            }
        }
    }
}

/// The least time between two frames drawn for loaded batches alone (a cold open's loader
/// sends a batch every few milliseconds: a frame for each was ~20 % of the UI thread's CPU
/// at 430,000 articles, and as much again in the terminal's, on cores the parsing needs):
/// while loading the list, its count and rate are drawn 10 times a second.
const BATCH_FRAME_GAP: Duration = Duration::from_millis(100);

/// When to draw. A frame is drawn after each round of messages, except when the round held
/// loaded batches alone ([`Msg::Loaded`], not the first list of a warm open) and the last
/// frame was drawn less than [`BATCH_FRAME_GAP`] ago: that frame is held until the gap has
/// passed (the loop waits for a message no longer than that). Any other message (a key, a
/// resize, the load's end, a search's result) is drawn at once, with the batches held before
/// it.
#[derive(Debug, Default)]
struct FramePacer {
    /// When the last frame was drawn.
    last: Option<std::time::Instant>,
    /// The frame held, until when.
    held: Option<std::time::Instant>,
}

impl FramePacer {
    /// Whether a frame for `msg` alone may wait.
    fn may_wait_for(msg: &Msg) -> bool {
        matches!(msg, Msg::Loaded(ev) if !ev.listed)
    }

    /// A round of messages was handled at `now`; `only_batches`: all of them may wait.
    fn after_messages(&mut self, only_batches: bool, now: std::time::Instant) {
        let due = self.last.and_then(|t| t.checked_add(BATCH_FRAME_GAP));
        self.held = match due {
            Some(due) if only_batches && now < due => Some(due),
            _ => None,
        };
    }

    /// Whether the frame may be drawn at `now` (none is held, or its time has come).
    fn may_draw(&self, now: std::time::Instant) -> bool {
        self.held.is_none_or(|due| now >= due)
    }

    /// A frame was drawn at `now`.
    fn drawn(&mut self, now: std::time::Instant) {
        self.last = Some(now);
        self.held = None;
    }

    /// How long the frame held still waits at `now` (`None`: none is held).
    fn held_for(&self, now: std::time::Instant) -> Option<Duration> {
        self.held.map(|due| due.saturating_duration_since(now))
    }
}

/// Frame times, for measuring (`DIGLOT_FRAME_LOG=FILE`): from a message's arrival to the end
/// of the frame drawn after it (updates and drawing: what a key waits for), with what the
/// loader was doing (`loading`, `checking` the files of a warm open, `idle`). Written to FILE
/// on exit, one frame a line: `microseconds phase articles drawn_at_ms cpu_us` (the articles listed
/// and when the frame was done, since the loop started, then the microseconds of CPU the UI
/// thread itself used in the frame: a frame much longer than its CPU waited for the cores
/// or for memory, shared with the other threads and processes).
struct FrameLog {
    file: Option<PathBuf>,
    start: std::time::Instant,
    since: Option<(std::time::Instant, u64)>,
    frames: Vec<(u128, &'static str, usize, u128, u64)>,
}

/// The CPU time the calling thread has used, in nanoseconds (Linux: its schedstat; 0 where
/// there is none).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

impl FrameLog {
    fn from_env() -> FrameLog {
        let file = std::env::var_os("DIGLOT_FRAME_LOG").filter(|f| !f.is_empty()).map(PathBuf::from);
        let now = std::time::Instant::now();
        let cpu = if file.is_some() { thread_cpu_ns() } else { 0 };
        FrameLog { file, start: now, since: Some((now, cpu)), frames: Vec::new() }
    }

    fn start(&mut self) {
        if self.file.is_some() && self.since.is_none() {
            self.since = Some((std::time::Instant::now(), thread_cpu_ns()));
        }
    }

    /// The frame was held (not drawn): the next is timed from the message that draws it.
    fn hold(&mut self) {
        self.since = None;
    }

    fn end(&mut self, app: &App) {
        let Some((t, cpu)) = self.since.take().filter(|_| self.file.is_some()) else { return };
        let phase = match (app.progress.done, app.progress.listed) {
            (true, _) => "idle",
            (false, true) => "checking",
            (false, false) => "loading",
        };
        self.frames.push((
            t.elapsed().as_micros(),
            phase,
            app.articles.len(),
            self.start.elapsed().as_millis(),
            thread_cpu_ns().saturating_sub(cpu) / 1000,
        ));
    }

    fn write(&self) {
        let Some(file) = &self.file else { return };
        let text: String = self
            .frames
            .iter()
            .map(|(us, phase, n, at, cpu)| format!("{us} {phase} {n} {at} {cpu}\n"))
            .collect();
        // a measuring aid: a log that cannot be written is not worth failing the exit for
        let _ = std::fs::write(file, text);
    }
}

/// Suspends the TUI, shows the article in `$PAGER` (default `less`), and comes back.
fn run_pager(
    term: &mut Terminal<CrosstermBackend<Stdout>>,
    path: &Path,
    mouse: bool,
    input: &Input,
) -> io::Result<Option<String>> {
    input.pause();
    restore_terminal();
    let pager = std::env::var("PAGER").ok().filter(|p| !p.trim().is_empty()).unwrap_or_else(|| "less".into());
    let mut words = pager.split_whitespace();
    let program = words.next().unwrap_or("less").to_string();
    let args: Vec<String> = words.map(str::to_string).collect();
    let status = match corpus::seeds::get(path) {
        // an embedded seed has no file: give the pager its text on stdin
        Some(bytes) => std::process::Command::new(&program)
            .args(&args)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                if let Some(mut stdin) = child.stdin.take() {
                    let _ = stdin.write_all(bytes);
                }
                child.wait()
            }),
        None => std::process::Command::new(&program).args(&args).arg(path).status(),
    };
    enter_terminal(mouse)?;
    clear(term)?;
    input.resume();
    Ok(status.err().map(|e| format!("cannot run {program}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Background threads (a warm open's check, the watch's setup, the index's write) are
    // lowered to a niceness and never raised back by a later, milder call: a thread lowered
    // further (the write at 19) stays there. Run on a thread of its own (the priority is the
    // thread's), relative to the niceness the tests run at (`nice cargo test`: 10).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_thread_is_lowered_and_never_raised_back() {
        std::thread::spawn(|| {
            let me = Some(rustix::thread::gettid());
            let now = || rustix::process::getpriority_process(me).unwrap();
            let start = now();
            if start > 16 {
                return;
            }
            crate::app::lower_priority_to(start + 2);
            assert_eq!(now(), start + 2);
            crate::app::lower_priority_to(start + 1);
            assert_eq!(now(), start + 2, "raised back");
            crate::app::lower_priority();
            assert_eq!(now(), 19);
        })
        .join()
        .unwrap();
    }

    /// The child run of `the_purge_delay_is_the_option_mimalloc_reads` (set by it).
    const CHILD: &str = "DIGLOT_TEST_PURGE_CHILD";

    // `MI_OPTION_PURGE_DELAY` is the option mimalloc reads from `MIMALLOC_PURGE_DELAY`: run
    // again (this test only) with that variable set, the option reads it back; and
    // `PurgeAtOnce` sets it to 0 while it lives, then puts it back.
    #[test]
    fn the_purge_delay_is_the_option_mimalloc_reads() {
        if std::env::var_os(CHILD).is_some() {
            assert_eq!(purge_delay(), 1234, "option {MI_OPTION_PURGE_DELAY} is not the purge delay");
            {
                let _at_once = PurgeAtOnce::start();
                assert_eq!(purge_delay(), 0);
            }
            assert_eq!(purge_delay(), 1234);
            // two that overlap (the load's and the index build's): 0 until both are gone
            let first = PurgeAtOnce::start();
            let second = PurgeAtOnce::start();
            drop(first);
            assert_eq!(purge_delay(), 0, "the delay came back while a guard was alive");
            drop(second);
            assert_eq!(purge_delay(), 1234);
            set_purge_delay(-1);
            {
                let _at_once = PurgeAtOnce::start();
                assert_eq!(purge_delay(), -1, "never purging, when asked for, is kept");
            }
            assert_eq!(purge_delay(), -1);
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args(["--exact", "tui::tests::the_purge_delay_is_the_option_mimalloc_reads", "--nocapture"])
            .env(CHILD, "1")
            .env("MIMALLOC_PURGE_DELAY", "1234")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{said}");
        assert!(said.contains("1 passed"), "the child ran no test: {said}");
    }

    fn batch() -> Msg {
        Msg::Loaded(corpus::LoadEvent::default())
    }

    // A cold open's batches are drawn at most once per gap: the round after a frame is held
    // until the gap has passed since it, whatever arrives meanwhile (batches alone), and
    // drawn then. Times are made, not waited for.
    #[test]
    fn frames_for_loaded_batches_alone_wait_for_the_gap() {
        let t0 = std::time::Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut p = FramePacer::default();
        assert!(p.may_draw(t0), "the first frame waits for nothing");
        p.drawn(t0);
        let mut drawn = vec![0];
        // a batch every 5 ms for a second, each its own round
        for ms in (5..=1000).step_by(5) {
            p.after_messages(FramePacer::may_wait_for(&batch()), at(ms));
            if p.may_draw(at(ms)) {
                p.drawn(at(ms));
                drawn.push(ms);
            } else {
                let wait = p.held_for(at(ms)).unwrap();
                assert!(wait > Duration::ZERO && wait <= BATCH_FRAME_GAP, "held for {wait:?}");
            }
        }
        assert_eq!(drawn, (0..=1000).step_by(100).collect::<Vec<u64>>(), "frames drawn (ms)");
        // nothing comes: the frame held is drawn when its time comes
        p.after_messages(true, at(1030));
        assert!(!p.may_draw(at(1030)));
        assert_eq!(p.held_for(at(1030)), Some(Duration::from_millis(70)));
        assert!(p.may_draw(at(1100)), "the held frame is drawn at the gap");
    }

    // A key (or any message but a batch) is answered in the next frame, not after the gap,
    // with the batches held before it; so are the load's end and a warm open's first list
    // (the loader waits for it to be drawn).
    #[test]
    fn a_key_during_the_load_is_drawn_at_once() {
        let t0 = std::time::Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut p = FramePacer::default();
        p.drawn(t0);
        p.after_messages(true, at(10));
        assert!(!p.may_draw(at(10)), "a batch alone waits");
        let key =
            || Msg::Term(Event::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('j'))));
        let done = || Msg::LoadDone;
        let listed = || Msg::Loaded(corpus::LoadEvent { listed: true, ..corpus::LoadEvent::default() });
        let others: [(&str, &dyn Fn() -> Msg); 3] =
            [("a key", &key), ("the load's end", &done), ("a warm list", &listed)];
        for (what, msg) in others {
            assert!(!FramePacer::may_wait_for(&msg()), "{what} may wait");
            // with the batches of the same round, or alone
            for round in [vec![batch(), msg()], vec![msg()]] {
                let only = round.iter().all(FramePacer::may_wait_for);
                p.after_messages(only, at(20));
                assert!(p.may_draw(at(20)), "{what} waited");
                assert_eq!(p.held_for(at(20)), None);
            }
        }
    }

    // The loader waits for the reader's list as long as the reader runs (session 14's
    // review: it gave up after 10 s, and a reader in `$PAGER` when the load ended gave its
    // list later: the title index was not written, the next open cold again). Here the list
    // is given only at the 40th round of waiting, from the `waiting` check itself (no
    // timing: any fixed bound of rounds below 40 loses it).
    #[test]
    fn a_list_given_late_is_taken_while_the_reader_runs() {
        let h: Handoff<Vec<u32>> = Handoff::default();
        let (giver, rounds) = (h.clone(), std::cell::Cell::new(0));
        let list = Arc::new(vec![7, 8, 9]);
        let got = h.take_while(Duration::from_millis(1), || {
            rounds.set(rounds.get() + 1);
            if rounds.get() == 40 {
                giver.give(Arc::clone(&list));
            }
            true
        });
        assert_eq!(got.as_deref(), Some(&vec![7, 8, 9]));
        assert_eq!(rounds.get(), 40);
    }

    // A reader that stopped gives nothing more: what it gave already is taken at once, and a
    // list given after the loader stopped waiting is not held on to.
    #[test]
    fn a_stopped_reader_is_not_waited_for_and_a_late_list_is_dropped() {
        let h: Handoff<Vec<u32>> = Handoff::default();
        let list = Arc::new(vec![1]);
        h.give(Arc::clone(&list));
        assert_eq!(h.take_while(Duration::from_secs(3600), || false).as_deref(), Some(&vec![1]));
        let h: Handoff<Vec<u32>> = Handoff::default();
        assert_eq!(h.take_while(Duration::from_secs(3600), || false), None);
        h.give(Arc::clone(&list));
        assert_eq!(Arc::strong_count(&list), 1, "a list given late is dropped");
    }
}
