//! The terminal front end: raw mode and the alternate screen (restored on exit, on error and
//! on panic), an input thread, the loader in the background, and a loop that blocks until
//! something happens and redraws only on change (no CPU while idle). It also writes the
//! app's clipboard copies (OSC 52) and suspends itself for `$PAGER`.

use crate::app::{App, Effect, Msg};
use crate::config::Config;
use crate::corpus;
use crate::state::{self, State};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::ExecutableCommand;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore_terminal() {
    let mut out = io::stdout();
    let _ = out.execute(DisableMouseCapture);
    let _ = out.execute(DisableBracketedPaste);
    let _ = out.execute(LeaveAlternateScreen);
    let _ = out.execute(crossterm::cursor::Show);
    let _ = disable_raw_mode();
}

fn enter_terminal(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    out.execute(EnterAlternateScreen)?;
    out.execute(EnableBracketedPaste)?;
    if mouse {
        out.execute(EnableMouseCapture)?;
    }
    Ok(())
}

fn setup_terminal(mouse: bool) -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        hook(info);
    }));
    enter_terminal(mouse)?;
    let mut term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    term.clear()?;
    Ok(term)
}

/// Runs the reader on `paths` (the embedded seeds when empty) until the user quits.
pub fn run(paths: Vec<PathBuf>, cfg: Config) -> io::Result<()> {
    let mut term = setup_terminal(cfg.mouse)?;
    let result = event_loop(&mut term, paths, &cfg);
    restore_terminal();
    result
}

/// The input thread: reads terminal events, except while paused (when `$PAGER` owns the
/// terminal). It polls so that it can notice a pause; a poll is a few microseconds of CPU
/// four times a second.
fn spawn_input(tx: mpsc::Sender<Msg>, paused: Arc<AtomicBool>, idle: Arc<AtomicBool>) {
    std::thread::spawn(move || loop {
        if paused.load(Ordering::Acquire) {
            idle.store(true, Ordering::Release);
            std::thread::park_timeout(Duration::from_millis(50));
            continue;
        }
        idle.store(false, Ordering::Release);
        match crossterm::event::poll(Duration::from_millis(250)) {
            Ok(true) => match crossterm::event::read() {
                Ok(ev) => {
                    if tx.send(Msg::Term(ev)).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            },
            Ok(false) => {}
            Err(_) => break,
        }
    });
}

fn event_loop(
    term: &mut Terminal<CrosstermBackend<Stdout>>,
    paths: Vec<PathBuf>,
    cfg: &Config,
) -> io::Result<()> {
    let size = term.size()?;
    let (tx, rx) = mpsc::channel::<Msg>();
    let notify_tx = std::sync::Mutex::new(tx.clone());
    let mut app = App::with_notify(
        (size.width, size.height),
        Arc::new(move || {
            let _ = notify_tx.lock().map(|t| t.send(Msg::SearchReady));
        }),
    );
    app.configure(cfg);
    let dir = state::default_dir();
    let (st, msg) = match &dir {
        Some(d) => State::load(d),
        None => (State::default(), Some("no state folder (HOME unset): nothing will be remembered".into())),
    };
    app.attach_state(st, dir, &paths, msg);

    let stop = Arc::new(AtomicBool::new(false));
    let paused = Arc::new(AtomicBool::new(false));
    let idle = Arc::new(AtomicBool::new(false));
    spawn_input(tx.clone(), paused.clone(), idle.clone());
    // Loading, in parallel, streamed into the app as batches.
    {
        let tx = tx.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let sink_tx = std::sync::Mutex::new(tx.clone());
            // Through the index in the cache folder; it is written after the list is shown.
            let cache = corpus::index::default_cache_dir();
            let mut done = corpus::load::load_stream_indexed(
                &paths,
                512,
                cache.as_deref(),
                &|ev| {
                    let _ = sink_tx.lock().map(|t| t.send(Msg::Loaded(ev)));
                },
                &|| stop.load(Ordering::Relaxed),
            );
            let _ = tx.send(Msg::LoadDone);
            let _ = done.save();
        });
    }
    drop(tx);

    // The loop: draw, wait for a message (or a tick while a scroll waits to be saved), update,
    // and carry out the effects the update asked for. Drawing does no I/O.
    let mut mouse = cfg.mouse;
    app.mouse = mouse;
    let mut effects = Vec::new();
    'outer: loop {
        // effects that need no terminal are done first (they may ask for more)
        for effect in app.perform(std::mem::take(&mut effects)) {
            match effect {
                Effect::Quit => break 'outer,
                Effect::Copy { text, what } => {
                    let backend = term.backend_mut();
                    backend.write_all(crate::export::osc52_env(&text).as_bytes())?;
                    backend.flush()?;
                    effects.extend(app.update(Msg::Said(format!("copied the {what} to the clipboard"))));
                }
                Effect::Pager(path) => {
                    if let Some(e) = run_pager(term, &path, mouse, &paused, &idle)? {
                        effects.extend(app.update(Msg::Said(e)));
                    }
                }
                Effect::Mouse(on) => {
                    mouse = on;
                    let out = term.backend_mut();
                    if on {
                        out.execute(EnableMouseCapture)?;
                    } else {
                        out.execute(DisableMouseCapture)?;
                    }
                }
                // done by perform
                Effect::Open(_) | Effect::SaveState | Effect::Scan(_) => {}
            }
        }
        if !effects.is_empty() {
            continue;
        }
        // lay out for the size of the frame about to be drawn
        let size = term.size()?;
        if (size.width, size.height) != app.size {
            app.resize(size.width, size.height);
        }
        term.draw(|f| crate::ui::draw(&app, f))?;
        let msg = if app.wants_tick() {
            match rx.recv_timeout(crate::app::SAVE_PAUSE) {
                Ok(m) => m,
                Err(mpsc::RecvTimeoutError::Timeout) => Msg::Tick,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        } else {
            let Ok(m) = rx.recv() else { break };
            m
        };
        effects.extend(app.update(msg));
        // drain whatever else is waiting before drawing again
        while let Ok(msg) = rx.try_recv() {
            effects.extend(app.update(msg));
        }
        if app.wants_tick() {
            effects.extend(app.update(Msg::Tick));
        }
    }
    stop.store(true, Ordering::Relaxed);
    Ok(())
}

/// Suspends the TUI, shows the article in `$PAGER` (default `less`), and comes back.
fn run_pager(
    term: &mut Terminal<CrosstermBackend<Stdout>>,
    path: &Path,
    mouse: bool,
    paused: &AtomicBool,
    idle: &AtomicBool,
) -> io::Result<Option<String>> {
    paused.store(true, Ordering::Release);
    // wait for the input thread to stop reading the terminal
    for _ in 0..100 {
        if idle.load(Ordering::Acquire) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
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
    term.clear()?;
    paused.store(false, Ordering::Release);
    Ok(status.err().map(|e| format!("cannot run {program}: {e}")))
}
