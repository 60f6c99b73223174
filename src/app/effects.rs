//! The effect runner: carries out the [`Effect`]s that do I/O without a terminal (read an
//! article, save the state, start a scan) and the copy, so that [`App::update`] itself does no
//! I/O and spawns no threads. The terminal loop ([`crate::tui`]) calls [`App::perform`] with
//! what `update` returned, and does the rest (pager, mouse, writing an OSC 52 sequence, quit);
//! scripted use and tests call [`App::feed`].

use super::{App, Effect, Msg};
use crate::align::Bead;
use crate::corpus::{self, Article};
use crate::export;
use std::path::PathBuf;
use std::sync::Arc;

impl App {
    /// [`App::update`], then carries out at once the effects that need no terminal (reading
    /// articles, saving, scanning); returns the others (copy, pager, mouse, the dictionary's
    /// load, which wakes the loop with [`Msg::DictReady`], quit). For the terminal loop,
    /// scripted use and tests.
    pub fn feed(&mut self, msg: Msg) -> Vec<Effect> {
        let effects = self.update(msg);
        self.perform(effects)
    }

    /// Carries out the effects that need no terminal; returns the others.
    pub fn perform(&mut self, effects: Vec<Effect>) -> Vec<Effect> {
        let mut rest = Vec::new();
        let mut queue = std::collections::VecDeque::from(effects);
        while let Some(e) = queue.pop_front() {
            match e {
                Effect::Open(path) => {
                    let result = read_article(&path);
                    queue.extend(self.update(Msg::Article(path, Box::new(result))));
                }
                Effect::SaveState => {
                    // a failure goes to the status bar and the message log, as any message
                    if let Err(e) = self.save_state() {
                        queue.extend(self.update(Msg::Said(e)));
                    }
                }
                Effect::Scan(phrase) => self.start_scan(phrase),
                Effect::SaveWord(w) => {
                    let msg = self.word_list_io(Some(w));
                    queue.extend(self.update(msg));
                }
                Effect::LoadWords => {
                    let msg = self.word_list_io(None);
                    queue.extend(self.update(msg));
                }
                Effect::Research(e) => queue.extend(self.perform_research(e)),
                Effect::Recheck => self.start_recheck(),
                other => rest.push(other),
            }
        }
        rest
    }

    /// Reads the article the reader waits for, if any (scripted use and tests: the terminal
    /// loop gets it through [`Effect::Open`]).
    pub fn prepare(&mut self) {
        let want =
            self.reader.path.clone().filter(|_| self.reader.article.is_none() && self.reader.error.is_none());
        let mut effects = std::mem::take(&mut self.effects);
        if let Some(path) = want {
            effects.push(Effect::Open(path));
        }
        self.perform(effects);
        self.relayout();
    }

    /// Writes the state if it changed (carries out [`Effect::SaveState`]); the message for
    /// the status bar when that fails.
    fn save_state(&mut self) -> Result<(), String> {
        let Some(dir) = &self.state_dir else { return Ok(()) };
        self.state
            .save_if_dirty(dir)
            .map(|_| ())
            .map_err(|e| format!("could not save the reading state: {e}"))
    }

    /// Remembers the article and position shown and saves now, for the end of a session (and
    /// on a signal): the failure is given back for the terminal loop to report (a status bar
    /// that is about to vanish cannot say it). Cheap when nothing changed.
    pub fn save_now(&mut self) -> std::io::Result<()> {
        self.remember_position();
        let Some(dir) = &self.state_dir else { return Ok(()) };
        self.state.save_if_dirty(dir).map(|_| ())
    }

    /// Carries out [`Effect::Copy`]: through tmux's buffer inside tmux ([`App::tmux`]), else an
    /// OSC 52 sequence. Returns what to say in the status bar (what was done, or why nothing
    /// was: never "copied" when nothing was) and the sequence the terminal loop must write.
    pub fn copy_now(&self, text: &str, what: &str) -> (String, Option<String>) {
        let tmux = self.tmux.as_deref();
        match export::copy_to_clipboard(text, tmux.is_some(), tmux.unwrap_or("tmux")) {
            Ok(done) => {
                let said = done.report(what);
                match done {
                    export::Copied::Osc52(seq) => (said, Some(seq)),
                    _ => (said, None),
                }
            }
            Err(e) => (e, None),
        }
    }

    /// Carries out [`Effect::Scan`]: the scan runs on background threads and wakes the loop.
    fn start_scan(&mut self, phrase: String) {
        let Some(f) = &mut self.fulltext else { return };
        if f.phrase != phrase {
            return;
        }
        f.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
        f.cancel = cancel.clone();
        let paths: Vec<PathBuf> = self.articles.iter().map(|m| m.path()).collect();
        // the progress the status bar gives (`scanning 12,345/430,000 files`): the scan polls
        // `stop` once before each file
        let scanned = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        f.scanned = scanned.clone();
        f.scan_total = paths.len();
        let tx = self.fulltext_tx.clone();
        let notify = self.notify.0.clone();
        std::thread::spawn(move || {
            use std::sync::atomic::Ordering::Relaxed;
            let started = std::time::Instant::now();
            // when the loop was last woken to draw the progress (ms after the start)
            let woken = std::sync::atomic::AtomicU64::new(0);
            let stop = || {
                let n = scanned.fetch_add(1, Relaxed) + 1;
                if n.is_multiple_of(256) {
                    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                    let last = woken.load(Relaxed);
                    // five frames a second at most
                    if ms >= last.saturating_add(200)
                        && woken.compare_exchange(last, ms, Relaxed, Relaxed).is_ok()
                    {
                        notify();
                    }
                }
                cancel.load(Relaxed)
            };
            let Some(scan) = crate::search::scan_files(&paths, &phrase, true, &stop) else { return };
            let hits: Vec<(PathBuf, crate::search::FullTextHit)> =
                scan.hits.into_iter().filter_map(|h| Some((paths.get(h.index)?.clone(), h.hit))).collect();
            if !stop() && tx.send((phrase, hits)).is_ok() {
                notify();
            }
        });
    }
}

/// Reads, parses and aligns one article ([`corpus::read_article`]), the error in words.
pub fn read_article(path: &std::path::Path) -> Result<(Article, Vec<Bead>), String> {
    corpus::read_article(path).map_err(|e| e.to_string())
}
