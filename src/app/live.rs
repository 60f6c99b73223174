//! The list and the full-text index follow the files while the reader runs (issue 15): the
//! watcher ([`crate::watch`]) sends [`Msg::Watch`]; `update` answers [`Effect::Recheck`]
//! (once the first load is done, one check at a time, another after it if files changed
//! meanwhile); the effect runner runs the warm open's check on a thread ([`Rechecker`]),
//! whose batches change the list in place as the first check's do (`on_loaded`: the
//! selection kept, the article in the reader read again at its place if its file changed,
//! the status bar's `checked …: 1 changed`); when it found changes the full-text index is
//! updated as after loading.

use super::research::ResearchMsg;
use super::{App, Effect};
use crate::corpus::load::Outcome;
use crate::corpus::LoadEvent;
use crate::watch::WatchEvent;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Runs the check of the files (batches to the sink as the loader sends them; polls
/// `cancel`); `Err` says why the list could not be updated. See [`crate::watch::rechecker`].
pub type Rechecker =
    Arc<dyn Fn(&(dyn Fn(LoadEvent) + Sync), &(dyn Fn() -> bool + Sync)) -> Result<(), String> + Send + Sync>;

/// The state of following the files.
#[derive(Default)]
pub struct Live {
    rechecker: Option<Rechecker>,
    /// A check is running.
    pub running: bool,
    /// Files changed while loading or checking: check again after.
    pub again: bool,
    /// The running check found changes (the index is updated after it).
    found: bool,
    /// The running check is the one after a cold open ([`WatchEvent::Watching`]), of files
    /// that changed since the load started, perhaps only before it read them: when it finds
    /// nothing new, it says nothing (the status bar keeps the answer to the reader's keys).
    quiet: bool,
    /// What the last check that found changes said (`checked 4 files: 1 changed`): the index
    /// update after it says it again, even when a later check found nothing.
    pub(super) found_line: Option<String>,
    /// The files the running check found changed, added or removed (the index update takes
    /// only these).
    changed: Vec<PathBuf>,
    /// Said that the folders are not watched (once).
    said_unwatched: bool,
    /// Checks run since the start.
    pub checks: usize,
    /// The files that have no entry in the title index, which every check reports again:
    /// those that could not be read (an error each) and those that are not regular files
    /// (a FIFO: skipped), with what each counted for, counted once.
    pub(super) unindexed: std::collections::HashMap<PathBuf, crate::corpus::LoadSummary>,
    /// Those the running check has reported again (the others are gone when it ends).
    pub(super) unindexed_seen: std::collections::HashSet<PathBuf>,
    cancel: Arc<AtomicBool>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("running", &self.running)
            .field("again", &self.again)
            .field("checks", &self.checks)
            .finish_non_exhaustive()
    }
}

impl Live {
    /// Stops a running check.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl App {
    /// Sets the check run when the watcher says files changed (the terminal loop gives
    /// [`crate::watch::rechecker`]); without one, changes are ignored.
    pub fn set_rechecker(&mut self, rechecker: Option<Rechecker>) {
        self.research.live.rechecker = rechecker;
    }

    /// What the watcher said.
    pub(super) fn on_watch(&mut self, ev: WatchEvent) {
        match ev {
            WatchEvent::Changed(_) => self.want_recheck(false),
            WatchEvent::Watching => self.want_recheck(true),
            WatchEvent::Unavailable(why) => {
                if !std::mem::replace(&mut self.research.live.said_unwatched, true) {
                    self.message =
                        Some(format!("not watching the files ({why}): changes show at the next start"));
                }
            }
        }
    }

    /// A check of the files, now or after the one running (or the first load); `quiet`: a
    /// check that finds nothing says nothing (see [`Live::quiet`]).
    fn want_recheck(&mut self, quiet: bool) {
        let live = &mut self.research.live;
        if live.rechecker.is_none() {
            return;
        }
        if live.running || !self.progress.done {
            live.again = true;
            return;
        }
        live.running = true;
        live.quiet = quiet;
        live.unindexed_seen.clear();
        live.found = false;
        live.changed.clear();
        live.checks += 1;
        // the status bar says `checking the files` until the check's report
        self.progress.done = false;
        self.progress.listed = true;
        self.effects.push(Effect::Recheck);
    }

    /// Loading (or a check) is done: a check if files changed meanwhile.
    pub(super) fn recheck_if_due(&mut self) {
        if std::mem::take(&mut self.research.live.again) {
            self.want_recheck(false);
        }
    }

    /// Carries out [`Effect::Recheck`]: the check on a thread, its batches back as
    /// [`ResearchMsg::Loaded`], its end as [`ResearchMsg::Rechecked`].
    pub(super) fn start_recheck(&mut self) {
        let Some(check) = self.research.live.rechecker.clone() else { return };
        let tx = self.research.sender();
        let notify = self.notify.0.clone();
        let cancel = Arc::new(AtomicBool::new(false));
        self.research.live.cancel = cancel.clone();
        let send = move |m: ResearchMsg| {
            if tx.send(m).is_ok() {
                notify();
            }
        };
        let spawned = std::thread::Builder::new().name("diglot-recheck".into()).spawn(move || {
            let sink_send = std::sync::Mutex::new(send.clone());
            let sink = |ev: LoadEvent| {
                if let Ok(s) = sink_send.lock() {
                    s(ResearchMsg::Loaded(Box::new(ev)));
                }
            };
            let r = check(&sink, &|| cancel.load(Ordering::Relaxed));
            send(ResearchMsg::Rechecked(r));
        });
        if let Err(e) = spawned {
            self.on_rechecked(Err(e.to_string()));
        }
    }

    /// A batch of the check.
    pub(super) fn on_recheck_batch(&mut self, mut ev: LoadEvent) {
        if let Some(r) = &ev.checked {
            // (files read again only to be safe, found the same, need no update; nor files
            // that are not articles, a README: the list and the full-text index hold
            // articles)
            if r.articles.any() {
                self.research.live.found = true;
            } else if self.research.live.quiet {
                ev.checked = None;
                // (the check is over all the same: what it did not see again is gone)
                self.forget_unindexed_gone();
            }
        }
        let changed = &mut self.research.live.changed;
        changed.extend(ev.removed.iter().cloned());
        changed.extend(ev.outcomes.iter().map(|o| match o {
            Outcome::Article(m, _) => m.path.clone(),
            Outcome::Skipped(p, _) | Outcome::Unreadable(p, _) => p.clone(),
        }));
        // (a check without a usable index parses every file: its batches come as rows)
        if let Some(rows) = &ev.rows {
            changed.extend((0..rows.len() as u32).map(|id| rows.path(id)));
        }
        self.on_loaded(ev);
    }

    /// The check ended: the list is complete again; the index updated if files changed.
    pub(super) fn on_rechecked(&mut self, r: Result<(), String>) {
        self.research.live.running = false;
        self.on_load_done();
        if let Err(e) = r {
            self.message = Some(e);
        }
        if std::mem::take(&mut self.research.live.found) {
            self.research.live.found_line = self.message.clone().filter(|m| m.starts_with("checked "));
            self.research.live_index = true;
            let mut files = std::mem::take(&mut self.research.live.changed);
            files.sort_unstable();
            files.dedup();
            self.want_index_of(Some(files));
        }
        self.recheck_if_due();
    }
}
