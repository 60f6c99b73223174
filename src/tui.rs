//! The terminal front end: raw mode and the alternate screen (restored on exit, on error and
//! on panic), an input thread, the loader in the background, and a loop that blocks until
//! something happens and redraws only on change (no CPU while idle).

use crate::app::{App, Msg};
use crate::corpus;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::ExecutableCommand;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

/// Puts the terminal back as it was. Safe to call more than once.
pub fn restore_terminal() {
    let mut out = io::stdout();
    let _ = out.execute(DisableMouseCapture);
    let _ = out.execute(DisableBracketedPaste);
    let _ = out.execute(LeaveAlternateScreen);
    let _ = out.execute(crossterm::cursor::Show);
    let _ = disable_raw_mode();
}

fn setup_terminal(mouse: bool) -> io::Result<Terminal<CrosstermBackend<Stdout>>> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        hook(info);
    }));
    enable_raw_mode()?;
    let mut out = io::stdout();
    out.execute(EnterAlternateScreen)?;
    out.execute(EnableBracketedPaste)?;
    if mouse {
        out.execute(EnableMouseCapture)?;
    }
    let mut term = Terminal::new(CrosstermBackend::new(out))?;
    term.clear()?;
    Ok(term)
}

/// Runs the reader on `paths` (the embedded seeds when empty) until the user quits.
pub fn run(paths: Vec<PathBuf>) -> io::Result<()> {
    let mut term = setup_terminal(true)?;
    let result = event_loop(&mut term, paths);
    restore_terminal();
    result
}

fn event_loop(term: &mut Terminal<CrosstermBackend<Stdout>>, paths: Vec<PathBuf>) -> io::Result<()> {
    let size = term.size()?;
    let (tx, rx) = mpsc::channel::<Msg>();
    let notify_tx = std::sync::Mutex::new(tx.clone());
    let mut app = App::with_notify(
        (size.width, size.height),
        Arc::new(move || {
            let _ = notify_tx.lock().map(|t| t.send(Msg::SearchReady));
        }),
    );
    let stop = Arc::new(AtomicBool::new(false));

    // Input: blocks in crossterm's read; ends when the receiver is gone.
    {
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Ok(ev) = crossterm::event::read() {
                if tx.send(Msg::Term(ev)).is_err() {
                    break;
                }
            }
        });
    }
    // Loading, in parallel, streamed into the app as batches.
    {
        let tx = tx.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let sink_tx = std::sync::Mutex::new(tx.clone());
            corpus::load_stream(
                &paths,
                512,
                &|ev| {
                    let _ = sink_tx.lock().map(|t| t.send(Msg::Loaded(ev)));
                },
                &|| stop.load(Ordering::Relaxed),
            );
            let _ = tx.send(Msg::LoadDone);
        });
    }
    drop(tx);

    let mut dirty = true;
    loop {
        if dirty {
            app.prepare();
            term.draw(|f| crate::ui::draw(&app, f))?;
        }
        let Ok(msg) = rx.recv() else { break };
        dirty = app.update(msg);
        // Drain whatever else is waiting before drawing again.
        while let Ok(msg) = rx.try_recv() {
            dirty |= app.update(msg);
        }
        if app.quit {
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    Ok(())
}
