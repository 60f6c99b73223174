//! A reader's daily life: read marks and bookmarks, resuming where the reader left off,
//! narrowing the list (bookmarks, one day's paper, on this day), sorting, jumping to a date,
//! and taking text out (citation, clipboard, pager).

use super::{App, Focus, ListState};
use crate::config::Config;
use crate::corpus::{ArticleMeta, Date};
use crate::export;
use crate::layout::Position;
use crate::prompt::Prompt;
use crate::state::{self, Resume, State};
use std::path::PathBuf;

/// What the list is narrowed to (besides searches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Narrow {
    /// Bookmarked articles only.
    Bookmarks,
    /// One day's paper, in page order.
    Day(Date),
    /// Articles printed on this month and day, in any year.
    OnThisDay(u8, u8),
}

impl Narrow {
    /// For the status bar.
    pub fn label(&self) -> String {
        match self {
            Narrow::Bookmarks => "bookmarks".to_string(),
            Narrow::Day(d) => format!("day {d}"),
            Narrow::OnThisDay(m, d) => format!("on this day {m:02}-{d:02}"),
        }
    }

    fn keeps(&self, app: &App, m: &ArticleMeta) -> bool {
        match *self {
            Narrow::Bookmarks => app.state.is_bookmarked(&m.path),
            Narrow::Day(d) => m.date == Some(d),
            Narrow::OnThisDay(mo, da) => m.date.is_some_and(|d| d.month == mo && d.day == da),
        }
    }
}

/// The list's order (searches keep their ranking).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Oldest first, by page within a day.
    #[default]
    Date,
    /// Newest first, by page within a day.
    DateDesc,
    /// By English title.
    Title,
}

impl SortOrder {
    /// For the status bar.
    pub fn label(self) -> &'static str {
        match self {
            SortOrder::Date => "date↑",
            SortOrder::DateDesc => "date↓",
            SortOrder::Title => "title",
        }
    }

    fn next(self) -> SortOrder {
        match self {
            SortOrder::Date => SortOrder::DateDesc,
            SortOrder::DateDesc => SortOrder::Title,
            SortOrder::Title => SortOrder::Date,
        }
    }
}

/// Parses `1958`, `1958-08` or `1958-08-01` into the first day it names.
pub fn parse_date_prefix(s: &str) -> Result<Date, String> {
    let s = s.trim();
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
    };
    let bad = || format!("not a date: `{}` (try 1958, 1958-08 or 1958-08-01)", crate::text::sanitize(s));
    let year = parts.first().and_then(|p| num(p, 4)).ok_or_else(bad)?;
    let month = match parts.get(1) {
        Some(p) => num(p, 2).filter(|m| (1..=12).contains(m)).ok_or_else(bad)?,
        None => 1,
    };
    let day = match parts.get(2) {
        Some(p) => num(p, 2).ok_or_else(bad)?,
        None => 1,
    };
    if parts.len() > 3 {
        return Err(bad());
    }
    Date::parse(&format!("{year:04}-{month:02}-{day:02}")).ok_or_else(bad)
}

/// Today's date (UTC), from the system clock.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date { year, month, day }
}

impl App {
    /// Applies the configuration: keys, view, colours, list width, citation template.
    pub fn configure(&mut self, cfg: &Config) {
        self.keymap = cfg.keys.clone();
        self.view = cfg.view;
        self.palette = cfg.colors.resolve(crate::config::no_color_env());
        self.list_width = cfg.list_width;
        self.citation = cfg.citation.clone();
    }

    /// Gives the app its remembered state (saved in `dir`) for the collection opened from
    /// `paths`; the reading position is restored once the collection has loaded.
    pub fn attach_state(&mut self, st: State, dir: Option<PathBuf>, paths: &[PathBuf], msg: Option<String>) {
        self.collection = state::collection_key(paths);
        self.resume = st.resume(&self.collection).cloned();
        self.state = st;
        self.state_dir = dir;
        if msg.is_some() {
            self.message = msg;
        }
    }

    /// Writes the state if it changed; a failure is said in the status bar.
    pub(super) fn save_state(&mut self) {
        let Some(dir) = &self.state_dir else { return };
        if let Err(e) = self.state.save_if_dirty(dir) {
            self.message = Some(format!("could not save the reading state: {e}"));
        }
    }

    /// Remembers the article and position shown and saves now, for the end of a session (and
    /// on a signal): the failure is given back for the terminal loop to report (a status bar
    /// that is about to vanish cannot say it). Cheap when nothing changed.
    pub fn save_now(&mut self) -> std::io::Result<()> {
        self.remember_position();
        let Some(dir) = &self.state_dir else { return Ok(()) };
        self.state.save_if_dirty(dir).map(|_| ())
    }

    /// Remembers the article and position shown, and saves.
    pub fn remember(&mut self) {
        self.remember_position();
        self.save_state();
    }

    /// Remembers the article and position shown (saved with the next save: not on every
    /// keystroke).
    pub(super) fn remember_position(&mut self) {
        if let Some(path) = &self.reader.path {
            let resume = Resume {
                article: state::article_key(path),
                block: self.reader.top.block,
                offset: self.reader.top.offset,
                view: self.reader.layout.view,
            };
            if self.state.resume(&self.collection) != Some(&resume) {
                self.state.set_resume(&self.collection, resume);
            }
        }
    }

    /// Once loaded: select the article the reader left off at, at the same position.
    pub(super) fn apply_resume(&mut self) {
        let Some(r) = self.resume.take() else { return };
        let Some(i) = (0..self.shown_len()).find(|&i| {
            self.shown(i)
                .and_then(|p| self.articles.get(p))
                .is_some_and(|m| state::article_key(&m.path) == r.article)
        }) else {
            return;
        };
        self.select(i);
        self.prepare();
        if self.reader.layout.view == r.view {
            self.reader.top = Position { block: r.block, offset: r.offset };
            self.prepare();
        }
    }

    /// Marks the article in the reader read (opening it does).
    pub(super) fn mark_read(&mut self) {
        if let Some(path) = self.reader.path.clone() {
            if !self.state.is_read(&path) {
                self.state.set_read(&path, true);
                self.save_state();
            }
        }
    }

    /// Recomputes the list after a narrowing or sorting change, keeping the selection.
    fn reshape(&mut self) {
        let keep = self.selected().map(|m| m.path.clone());
        self.refilter();
        let at = keep.and_then(|path| (0..self.shown_len()).find(|&i| self.selected_path_is(i, &path)));
        self.list = ListState { selected: at.unwrap_or(0), offset: self.list.offset };
        self.clamp_list();
        self.open_selected();
    }

    /// The positions shown when no search is open: narrowed, then sorted. `None` when that is
    /// every article in the collection order.
    pub(super) fn narrowed(&self) -> Option<Vec<usize>> {
        if self.narrow.is_none() && self.sort == SortOrder::Date {
            return None;
        }
        let mut v: Vec<usize> = match &self.narrow {
            Some(n) => (0..self.articles.len()).filter(|&i| n.keeps(self, &self.articles[i])).collect(),
            None => (0..self.articles.len()).collect(),
        };
        match self.sort {
            SortOrder::Date => {}
            SortOrder::DateDesc => {
                // newest day first, but pages in order within a day
                v.sort_by(|&a, &b| {
                    let (x, y) = (&self.articles[a], &self.articles[b]);
                    y.date.cmp(&x.date).then(a.cmp(&b))
                });
            }
            SortOrder::Title => {
                v.sort_by_cached_key(|&i| (self.articles[i].title_en.to_lowercase(), i));
            }
        }
        Some(v)
    }

    fn toggle_narrow(&mut self, n: Narrow) {
        self.narrow = if self.narrow == Some(n) { None } else { Some(n) };
        self.reshape();
        if self.narrow.is_some() && self.shown_len() == 0 {
            self.message = Some(format!("nothing for {}", n.label()));
        }
    }

    /// Carries out the daily-life actions; returns false for actions that are not these.
    pub(super) fn act_daily(&mut self, a: crate::keys::Action) -> bool {
        use crate::keys::Action;
        match a {
            Action::ToggleRead => {
                if let Some(path) = self.selected().map(|m| m.path.clone()) {
                    let read = self.state.toggle_read(&path);
                    self.message = Some(if read { "marked read" } else { "marked unread" }.into());
                    self.save_state();
                }
            }
            Action::ToggleBookmark => {
                if let Some(path) = self.selected().map(|m| m.path.clone()) {
                    let on = self.state.toggle_bookmark(&path);
                    self.message = Some(if on { "bookmarked" } else { "bookmark removed" }.into());
                    self.save_state();
                    if self.narrow == Some(Narrow::Bookmarks) {
                        self.reshape();
                    }
                }
            }
            Action::BookmarksOnly => self.toggle_narrow(Narrow::Bookmarks),
            Action::DayOnly => match (self.narrow, self.selected().and_then(|m| m.date)) {
                (Some(Narrow::Day(_)), _) => self.toggle_narrow(self.narrow.unwrap_or(Narrow::Bookmarks)),
                (_, Some(d)) => self.toggle_narrow(Narrow::Day(d)),
                (_, None) => self.message = Some("this article has no date".into()),
            },
            Action::OnThisDay => {
                let t = today();
                match self.narrow {
                    Some(n @ Narrow::OnThisDay(..)) => self.toggle_narrow(n),
                    _ => self.toggle_narrow(Narrow::OnThisDay(t.month, t.day)),
                }
            }
            Action::CycleSort => {
                self.sort = self.sort.next();
                self.reshape();
                self.message = Some(format!("sorted by {}", self.sort.label()));
            }
            Action::GotoDate => {
                self.date_prompt = Some(Prompt::default());
            }
            Action::Cite => {
                if let Some(m) = self.selected() {
                    let text = export::citation(&self.citation, m);
                    self.copy(text, "citation");
                }
            }
            Action::CopyPair => self.copy_pair(),
            Action::CopyArticle => {
                self.prepare();
                if let Some(a) = &self.reader.article {
                    let text = export::markdown(a, &self.reader.beads);
                    self.copy(text, "article (Markdown)");
                }
            }
            Action::Pager => self.pager = self.reader.path.clone(),
            _ => return false,
        }
        true
    }

    /// Puts text on the clipboard: through tmux's buffer inside tmux, else OSC 52 (see
    /// [`export::copy_to_clipboard`]); the status bar says what was done, or why nothing was.
    fn copy(&mut self, text: String, what: &str) {
        let tmux = self.tmux.as_deref();
        self.message = Some(match export::copy_to_clipboard(&text, tmux.is_some(), tmux.unwrap_or("tmux")) {
            Ok(done) => {
                let report = done.report(what);
                if let export::Copied::Osc52(seq) = done {
                    self.outbox.push(seq);
                }
                report
            }
            Err(e) => e,
        });
    }

    /// `y`: the English and Chinese paragraphs of the bead at the top of the reader.
    fn copy_pair(&mut self) {
        self.prepare();
        let r = &self.reader;
        let Some(a) = &r.article else { return };
        let block = r.layout.blocks.get(r.layout.block_at(r.top_row()).max(1));
        let bead = block.and_then(|b| {
            r.beads.iter().find(|bd| {
                (!b.en.is_empty() && bd.en.contains(&b.en.start))
                    || (!b.zh.is_empty() && bd.zh.contains(&b.zh.start))
            })
        });
        if let Some(bead) = bead {
            let text = export::pair(a, bead);
            self.copy(text, "paragraph pair");
        }
    }

    /// Keys while the date prompt is open.
    pub(super) fn on_date_key(&mut self, k: &crossterm::event::KeyEvent) -> bool {
        use crossterm::event::KeyCode;
        let Some(p) = &mut self.date_prompt else { return false };
        match k.code {
            KeyCode::Esc => self.date_prompt = None,
            KeyCode::Enter => {
                let text = p.text().to_string();
                self.date_prompt = None;
                match parse_date_prefix(&text) {
                    Ok(d) => self.goto_date(d),
                    Err(e) => self.message = Some(e),
                }
            }
            _ => {
                p.handle_key(k);
            }
        }
        true
    }

    /// Selects the first article on or after `d` (the last one when all are before it).
    pub fn goto_date(&mut self, d: Date) {
        let n = self.shown_len();
        if n == 0 {
            return;
        }
        let date_of = |i: usize| self.shown(i).and_then(|p| self.articles.get(p)).and_then(|m| m.date);
        let target = match self.sort {
            SortOrder::DateDesc => (0..n).rev().find(|&i| date_of(i).is_some_and(|x| x >= d)),
            _ => (0..n).find(|&i| date_of(i).is_some_and(|x| x >= d)),
        };
        let i = match target {
            Some(i) => i,
            None => {
                self.message = Some(format!("no article on or after {d}; the last one is selected"));
                if self.sort == SortOrder::DateDesc {
                    0
                } else {
                    n - 1
                }
            }
        };
        self.focus = Focus::List;
        self.select(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_prefixes() {
        assert_eq!(parse_date_prefix("1958").unwrap().to_string(), "1958-01-01");
        assert_eq!(parse_date_prefix(" 1958-08 ").unwrap().to_string(), "1958-08-01");
        assert_eq!(parse_date_prefix("1958-08-31").unwrap().to_string(), "1958-08-31");
        for bad in ["", "58", "1958-13", "1958-02-30", "1958-8", "1958-08-01-02", "abcd"] {
            assert!(parse_date_prefix(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0).to_string(), "1970-01-01");
        assert_eq!(civil_from_days(-4066).to_string(), "1958-11-14");
        assert_eq!(civil_from_days(20_454).to_string(), "2026-01-01");
        assert_eq!(civil_from_days(11_016).to_string(), "2000-02-29");
    }
}
