//! The reader's library: read marks and bookmarks, resuming where the reader left off,
//! narrowing the list (bookmarks, one day's paper, on this day), sorting, jumping to a date,
//! and taking text out (citation, clipboard, pager).

use super::{App, Focus, ListState, PendingBatch};
use crate::config::Config;
use crate::corpus::{self, ArticleRef, Date};
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

    fn keeps(&self, app: &App, m: &ArticleRef<'_>) -> bool {
        match *self {
            Narrow::Bookmarks => app.state.is_bookmarked(&m.path()),
            Narrow::Day(d) => m.date() == Some(d),
            Narrow::OnThisDay(mo, da) => m.date().is_some_and(|d| d.month == mo && d.day == da),
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

    /// Its name in the state file.
    pub fn key(self) -> &'static str {
        match self {
            SortOrder::Date => "date",
            SortOrder::DateDesc => "date-desc",
            SortOrder::Title => "title",
        }
    }

    /// The order of that name in the state file (`None` for an empty or unknown name).
    pub fn from_key(key: &str) -> Option<SortOrder> {
        [SortOrder::Date, SortOrder::DateDesc, SortOrder::Title].into_iter().find(|s| s.key() == key)
    }

    fn next(self) -> SortOrder {
        match self {
            SortOrder::Date => SortOrder::DateDesc,
            SortOrder::DateDesc => SortOrder::Title,
            SortOrder::Title => SortOrder::Date,
        }
    }
}

/// Parses `1958`, `1958-08` or `1958-08-01` into the first day it names; the Chinese forms
/// `1958年`, `1958年8月` and `1958年8月1日` too. The full-width digits and hyphen of a Chinese
/// input method (`１９５８－０８－０１`) are read as the ASCII ones.
pub fn parse_date_prefix(s: &str) -> Result<Date, String> {
    let typed = s.trim();
    let bad = || format!("not a date: `{}` (try 1958, 1958-08 or 1958-08-01)", crate::text::sanitize(typed));
    let folded: String = typed.chars().map(fold_width).collect();
    let s = folded.trim();
    if s.contains('年') {
        let (year, month, day) = chinese_date(s).ok_or_else(bad)?;
        return Date::parse(&format!("{year:04}-{month:02}-{day:02}")).ok_or_else(bad);
    }
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
    };
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

/// A full-width digit, hyphen or space (a Chinese input method's) as the ASCII one.
fn fold_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_digit(u32::from(c) - u32::from('０'), 10).unwrap_or(c),
        '－' => '-',
        '\u{3000}' => ' ',
        c => c,
    }
}

/// `1958年`, `1958年8月`, `1958年8月1日` (the month and day of one or two digits, as they are
/// written in Chinese; `号` for `日` too; spaces ignored): year, month (1 to 12) and day.
fn chinese_date(s: &str) -> Option<(u32, u32, u32)> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let num = |p: &str, lens: std::ops::RangeInclusive<usize>| -> Option<u32> {
        (lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
    };
    let (year, rest) = s.split_once('年')?;
    let year = num(year, 4..=4)?;
    if rest.is_empty() {
        return Some((year, 1, 1));
    }
    let (month, rest) = rest.split_once('月')?;
    let month = num(month, 1..=2).filter(|m| (1..=12).contains(m))?;
    if rest.is_empty() {
        return Some((year, month, 1));
    }
    let day = rest.strip_suffix('日').or_else(|| rest.strip_suffix('号')).unwrap_or(rest);
    Some((year, month, num(day, 1..=2)?))
}

/// Today's date in the local time zone (`TZ` honoured, else the system's), from the clock.
pub fn today() -> Date {
    today_at(jiff::Timestamp::now(), &jiff::tz::TimeZone::system())
}

/// The date at instant `now` in time zone `tz`.
pub fn today_at(now: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> Date {
    let d = now.to_zoned(tz.clone()).date();
    Date { year: d.year().max(0) as u16, month: d.month() as u8, day: d.day() as u8 }
}

impl App {
    /// A batch of the collection arrives from the loader: counted, its damaged files noted,
    /// its articles merged into the list (in bunches: each merge costs a pass over the list).
    /// On a warm open the first batch is the whole index ([`corpus::LoadEvent::listed`]): it
    /// is shown at once and the reader put back where it was; the check of the files that
    /// follows sends changed files (replaced in place: the selection stays on its article),
    /// files gone and new files, then its report, which the status bar gives.
    pub(super) fn on_loaded(&mut self, mut ev: corpus::LoadEvent) {
        self.progress.bytes += ev.bytes;
        let checked = ev.checked.take();
        let listed = ev.listed;
        // a cold open's count of files, as soon as the walk has it (a warm open lists first)
        if !listed && !self.progress.listed && !self.progress.done && self.expected == 0 {
            self.expected = ev.total;
        }
        // a cold open's load: the title search adds the titles it holds once it has ended
        // (or when a query comes), not in a pause between batches
        if !listed && !self.progress.listed && !self.progress.done && !self.cold_loading {
            self.cold_loading = true;
            self.worker.loading(true);
        }
        // the check's batches change the list in place; its report alone changes nothing
        let files = !ev.outcomes.is_empty() || ev.rows.as_ref().is_some_and(|r| !r.is_empty());
        let update = !ev.removed.is_empty() || (self.progress.listed && files);
        let keep = self.selected().map(|m| m.path());
        // a check's batch (after a warm open's list, or the watcher's): not the cold load's
        let in_check = self.progress.listed && !listed;
        self.count_unindexed_once(&mut ev, in_check);
        if !ev.removed.is_empty() {
            let gone: std::collections::HashSet<&std::path::Path> =
                ev.removed.iter().map(PathBuf::as_path).collect();
            // (a changed file's new errors, if any, are in the batch's outcomes)
            self.load_errors.retain(|(p, _)| !gone.contains(p.as_path()));
            let ids = std::mem::take(&mut ev.removed_ids);
            self.take_back(&std::mem::take(&mut ev.removed), &ids, &ev.retracted);
        }
        if let Some(cat) = ev.catalog.take() {
            let mut summary = corpus::LoadSummary::of_catalog(&cat);
            summary.bytes = 0;
            self.summary.add(&summary);
            // the files that could not be read whole are named in the status bar
            self.note_errors(&catalog_errors(&cat));
            self.take_catalog(cat);
        }
        let titles = ev.titles.take();
        let rows = ev.rows.take();
        let mut batch = corpus::Loaded::default();
        batch.absorb(ev);
        self.note_errors(&batch.diagnostics);
        batch.summary.bytes = 0;
        self.summary.add(&batch.summary);
        if let Some(rows) = rows {
            // a cold open's batch: counted from its records, appended as it is at the merge
            let mut summary = corpus::LoadSummary::of_catalog(&rows);
            summary.bytes = 0;
            self.summary.add(&summary);
            self.note_errors(&catalog_errors(&rows));
            let n = rows.recs().iter().filter(|r| !r.is_skipped()).count();
            // title `k` of the batch's search data is its `k`th article
            let titles = titles.filter(|t| t.len() == n);
            if n > 0 {
                self.pending.push(PendingBatch::Rows(rows, n, titles));
            }
        } else {
            // title `k` of the batch's search data is its `k`th article
            let titles = titles.filter(|t| t.len() == batch.articles.len());
            if !batch.articles.is_empty() {
                self.pending.push(PendingBatch::Metas(batch.articles, titles));
            }
        }
        if listed {
            self.merge_pending();
            self.refilter();
            self.clamp_list();
            self.open_selected();
            self.progress.listed = true;
            self.apply_resume();
            // from now on the list changes only in place
            self.pristine = false;
        } else if update {
            self.merge_keeping(keep);
        } else if self.pending.iter().map(PendingBatch::len).sum::<usize>()
            >= 4096.max(self.articles.len() / 16)
        {
            // a merge is a pass over the list's ids (u32s): at a sixteenth of the list, the
            // articles waiting (their metadata and titles' search data: ~60 MB at a quarter
            // of 430,000) stay a small part of a cold open's peak
            self.merge_pending();
        }
        if let Some(r) = checked {
            self.forget_unindexed_gone();
            let files = r.reused + r.reread + r.added;
            // what the list gains and loses, in articles: a README added beside them is a
            // new file but not a new article (`no article changed`; the count of files that
            // are not articles, below, says it)
            let a = r.articles;
            let mut said: Vec<String> = Vec::new();
            // (files read again only to be safe, found the same, are no news)
            if a.changed > 0 {
                said.push(format!("{} changed", a.changed));
            }
            if a.added > 0 {
                said.push(format!("{} new", a.added));
            }
            if a.removed > 0 {
                said.push(format!("{} removed", a.removed));
            }
            let found = match said.is_empty() {
                false => said.join(", "),
                // files changed that are not articles
                true if r.changed + r.added + r.removed > 0 => "no article changed".to_string(),
                true => "no change".to_string(),
            };
            let mut line = format!("checked {}: {found}", crate::text::count(files, "file"));
            if let Some(skipped) = self.summary.skipped_line() {
                line.push_str(&format!(" · {skipped}"));
            }
            self.say_loading(line);
        }
    }

    /// Files that have no entry in the title index, which every check reads again and
    /// reports (those that could not be read: an error each, named in the status bar; those
    /// that are not regular files, a FIFO: skipped), are counted once, however many checks
    /// report them: a check's report of one already counted is dropped from `ev` (and noted
    /// for [`App::forget_unindexed_gone`]); one read now (an article, or a file that is not
    /// one) leaves the counts, as does one the batch takes back.
    fn count_unindexed_once(&mut self, ev: &mut corpus::LoadEvent, in_check: bool) {
        let live = &mut self.research.live;
        let unindexed = |o: &corpus::Outcome| match o {
            corpus::Outcome::Unreadable(..) => true,
            corpus::Outcome::Skipped(_, why) => why == corpus::load::NOT_REGULAR,
            corpus::Outcome::Article(..) => false,
        };
        if live.unindexed.is_empty() && !ev.outcomes.iter().any(unindexed) {
            return;
        }
        // taken back (a changed file: its old outcome's count is the batch's `retracted`)
        for p in &ev.removed {
            live.unindexed.remove(p);
        }
        let mut read_now = Vec::new();
        ev.outcomes.retain(|o| {
            let path = match o {
                corpus::Outcome::Article(m, _) => &m.path,
                corpus::Outcome::Skipped(p, _) | corpus::Outcome::Unreadable(p, _) => p,
            };
            if !unindexed(o) {
                read_now.extend(live.unindexed.remove(path).map(|counted| (path.clone(), counted)));
                return true;
            }
            if in_check {
                live.unindexed_seen.insert(path.clone());
            }
            if live.unindexed.contains_key(path) {
                return false;
            }
            let mut counted = corpus::LoadSummary::default();
            match o {
                corpus::Outcome::Skipped(_, why) => {
                    counted.skipped = 1;
                    counted.skipped_by.insert(why.clone(), 1);
                }
                _ => counted.errors = 1,
            }
            live.unindexed.insert(path.clone(), counted);
            true
        });
        self.uncount_unindexed(read_now);
    }

    /// A check is over: a file without an index entry that the check did not report again
    /// is gone (removed during a cold load, say, after the walk had found it): its note
    /// leaves the status bar and it leaves the counts.
    pub(super) fn forget_unindexed_gone(&mut self) {
        let live = &mut self.research.live;
        let seen = std::mem::take(&mut live.unindexed_seen);
        let gone: Vec<PathBuf> = live.unindexed.keys().filter(|p| !seen.contains(*p)).cloned().collect();
        let gone: Vec<(PathBuf, corpus::LoadSummary)> =
            gone.into_iter().filter_map(|p| live.unindexed.remove(&p).map(|c| (p, c))).collect();
        self.uncount_unindexed(gone);
    }

    /// Takes files without an index entry off the counts and the status bar's notes.
    fn uncount_unindexed(&mut self, files: Vec<(PathBuf, corpus::LoadSummary)>) {
        if files.is_empty() {
            return;
        }
        let set: std::collections::HashSet<&std::path::Path> =
            files.iter().map(|(p, _)| p.as_path()).collect();
        self.load_errors.retain(|(p, _)| !set.contains(p.as_path()));
        for (_, counted) in &files {
            self.summary.sub(counted);
        }
    }

    /// A line of the loader's (what the check found, what was skipped): on the status bar,
    /// unless it holds the state file's warning (set aside and starting fresh, not saved
    /// over, no state folder), which the reader must see: then the message log keeps it.
    fn say_loading(&mut self, line: String) {
        let warned = self
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("state file ") || m.starts_with("no state folder"));
        if warned {
            self.log.push(line);
        } else {
            self.message = Some(line);
        }
    }

    /// Takes files back from the list (gone, or changed: their new outcome follows): their
    /// articles leave the list and the counts; their search ids are retired. The article in
    /// the reader, if changed, is read again at the same place.
    fn take_back(&mut self, paths: &[PathBuf], ids: &[u32], counted: &corpus::LoadSummary) {
        let gone: std::collections::HashSet<&std::path::Path> = paths.iter().map(PathBuf::as_path).collect();
        self.summary.sub(counted);
        for batch in &mut self.pending {
            if let PendingBatch::Rows(rows, _, _) = batch {
                if (0..rows.len() as u32)
                    .any(|id| rows.article(id).is_some_and(|a| gone.contains(a.path().as_path())))
                {
                    // as metadata, to be taken back from
                    let metas = (0..rows.len() as u32).filter_map(|id| rows.article(id)).map(|a| a.to_meta());
                    *batch = PendingBatch::Metas(metas.collect(), None);
                }
            }
            if let PendingBatch::Metas(metas, titles) = batch {
                let before = metas.len();
                metas.retain(|m| !gone.contains(m.path.as_path()));
                if metas.len() != before {
                    // the loader's title data no longer goes one for one with the articles
                    *titles = None;
                }
            }
        }
        // in place: ids of the listed catalog come with the batch (a few u32s moved at
        // 430,000 articles); paths without one (articles parsed in this session) are looked for
        // (`ids` go with `paths`, one for one, when they come from the listed catalog; an
        // entry replaced since, by reading its file, is looked for by path; so is one whose
        // id is another file's: a check run by the watcher gives the ids of the index it read,
        // which after a cold open or a check that wrote the index again are not the list's)
        let by_id = ids.len() == paths.len();
        let mut listed: Vec<u32> = Vec::with_capacity(paths.len());
        let mut rest: Vec<&std::path::Path> = Vec::new();
        for (k, p) in paths.iter().enumerate() {
            let same = |&&id: &&u32| {
                by_id
                    && self.articles.pos_of(id).is_some()
                    && self.articles.by_id(id).is_some_and(|a| a.path_is(p))
            };
            match ids.get(k).filter(same) {
                Some(&id) => listed.push(id),
                None => rest.push(p),
            }
        }
        let mut ids = listed;
        if !rest.is_empty() {
            ids.extend(self.articles.ids_of_paths(&rest));
        }
        self.articles.remove(&ids);
        self.reopen_if(&gone);
    }

    /// The article in the reader, if its file changed, read again at the same place.
    fn reopen_if(&mut self, gone: &std::collections::HashSet<&std::path::Path>) {
        if let Some(path) = self.reader.path.clone().filter(|p| gone.contains(p.as_path())) {
            if self.reader.article.is_some() || self.reader.error.is_some() {
                let top = self.reader.top;
                self.reader = super::Reader { path: Some(path.clone()), ..super::Reader::default() };
                self.pending_top = Some((path.clone(), top));
                self.effects.push(super::Effect::Open(path));
            }
        }
    }

    /// The loader is done: the last batch merged, the reader put back where it was, and what
    /// was skipped as not an article said once (a clone of the archive holds `rmrb-js/` and a
    /// README beside the articles; the message log keeps it). A warm open said it with the
    /// check's report already.
    pub(super) fn on_load_done(&mut self) {
        self.merge_pending();
        self.progress.done = true;
        if std::mem::take(&mut self.cold_loading) {
            self.worker.loading(false);
        }
        if self.progress.listed {
            return;
        }
        self.apply_resume();
        if let Some(line) = self.summary.skipped_line() {
            self.say_loading(line);
        }
    }

    /// Applies the configuration: keys, view, colours, list width, citation template.
    pub fn configure(&mut self, cfg: &Config) {
        self.keymap = cfg.keys.clone();
        self.view = cfg.view;
        self.palette = cfg.colors.resolve(crate::ui::palette::no_color_env());
        self.list_width = cfg.list_width;
        self.citation = cfg.citation.clone();
        self.learn.hsk_level = cfg.hsk_level;
        self.learn.hsk_colour = cfg.hsk_colour;
    }

    /// Gives the app its remembered state (saved in `dir`) for the collection opened from
    /// `paths`; the reading position is restored once the collection has loaded.
    pub fn attach_state(&mut self, st: State, dir: Option<PathBuf>, paths: &[PathBuf], msg: Option<String>) {
        self.collection = state::collection_key(paths);
        self.resume = st.resume(&self.collection).cloned();
        // the list's order and the glossary panel at once (batches arrive in that order)
        if let Some(r) = &self.resume {
            self.sort = SortOrder::from_key(&r.sort).unwrap_or(self.sort);
            self.glossary = r.glossary;
            self.learn.pinyin = r.pinyin;
        }
        self.state = st;
        self.state_dir = dir;
        if let Some(m) = msg {
            // set outside `update`: the message log would not have it
            self.log.push(m.clone());
            self.message = Some(m);
        }
    }

    /// Asks for the state to be saved (the loop carries it out).
    fn ask_save(&mut self) {
        self.effects.push(super::Effect::SaveState);
    }

    /// Remembers the article and position shown (saved with the next save: not on every
    /// keystroke).
    pub(super) fn remember_position(&mut self) {
        if let Some(path) = &self.reader.path {
            let resume = Resume {
                article: state::article_key(path),
                block: self.reader.top.block,
                offset: self.reader.top.offset,
                view: self.view,
                sort: self.sort.key().to_string(),
                list_hidden: self.zoom,
                glossary: self.glossary,
                pinyin: self.learn.pinyin,
                reader_focused: self.focus == Focus::Reader,
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
                .is_some_and(|m| state::article_key(&m.path()) == r.article)
        }) else {
            return;
        };
        // the same view, article and row as when the reader left, the list hidden and the
        // reader focused if they were
        self.view = r.view;
        self.select(i);
        self.center_list();
        self.clamp_list();
        if r.reader_focused || r.list_hidden {
            self.focus = Focus::Reader;
        }
        self.zoom = r.list_hidden;
        self.pristine = false;
        let top = Position { block: r.block, offset: r.offset };
        if self.reader.article.is_some() {
            self.reader.top = top;
        } else if let Some(path) = self.reader.path.clone() {
            self.pending_top = Some((path, top));
        }
    }

    /// Marks the article in the reader read (opening it does).
    pub(super) fn mark_read(&mut self) {
        if let Some(path) = self.reader.path.clone() {
            if !self.state.is_read(&path) {
                self.state.set_read(&path, true);
                self.ask_save();
            }
        }
    }

    /// Recomputes the list after a narrowing or sorting change, keeping the selection.
    fn reshape(&mut self) {
        let keep = self.selected().map(|m| m.path());
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
            Some(n) => (0..self.articles.len())
                .filter(|&i| self.articles.get(i).is_some_and(|m| n.keeps(self, &m)))
                .collect(),
            None => (0..self.articles.len()).collect(),
        };
        match self.sort {
            SortOrder::Date => {}
            SortOrder::DateDesc => {
                // newest day first, but pages in order within a day
                v.sort_by(|&a, &b| {
                    let date = |i: usize| self.articles.get(i).map(|m| m.date());
                    date(b).cmp(&date(a)).then(a.cmp(&b))
                });
            }
            SortOrder::Title => {
                v.sort_by_cached_key(|&i| (self.articles.get(i).map(|m| m.title_en().to_lowercase()), i));
            }
        }
        Some(v)
    }

    fn toggle_narrow(&mut self, n: Narrow) {
        self.narrow = if self.narrow == Some(n) { None } else { Some(n) };
        self.reshape();
        if self.narrow.is_none() {
            // back to everything: the article stays selected, among its neighbours
            self.center_list();
            self.clamp_list();
        } else if self.shown_len() == 0 {
            self.message = Some(match n {
                Narrow::Bookmarks => "no bookmarks yet (b bookmarks an article)".to_string(),
                Narrow::Day(d) => format!("no articles on {d}"),
                Narrow::OnThisDay(m, d) => format!("no articles on this day ({m:02}-{d:02})"),
            });
        }
    }

    /// `]` on the last article of a day's paper (`D`): on to the next day's paper.
    pub(super) fn next_day(&mut self) -> bool {
        let Some(Narrow::Day(d)) = self.narrow else { return false };
        let next = self.articles.iter().filter_map(|m| m.date()).filter(|&x| x > d).min();
        match next {
            Some(nd) => {
                self.narrow = Some(Narrow::Day(nd));
                self.refilter();
                self.list = ListState::default();
                self.clamp_list();
                self.open_selected();
                self.message = Some(format!("on to the next paper: {nd}"));
            }
            None => self.message = Some(format!("{d} is the last day's paper")),
        }
        true
    }

    /// What `[` on the first article says (it stays there; `]` on the last article of a
    /// day's paper goes on to the next day's, `[` does not go back): the first of the day's
    /// paper (`D`), or of the list.
    pub(super) fn first_article_line(&self) -> String {
        match self.narrow {
            Some(Narrow::Day(d)) => format!("the first article of {d}'s paper"),
            _ => "this is the first article".into(),
        }
    }

    /// Carries out the library actions (marks, bookmarks, narrowing, sort, dates, export); returns false for actions that are not these.
    pub(super) fn act_library(&mut self, a: crate::keys::Action) -> bool {
        use crate::keys::Action;
        match a {
            Action::ToggleRead => {
                if let Some(path) = self.selected().map(|m| m.path()) {
                    let read = self.state.toggle_read(&path);
                    self.message = Some(if read { "marked read" } else { "marked unread" }.into());
                    self.ask_save();
                }
            }
            Action::ToggleBookmark => {
                if let Some(path) = self.selected().map(|m| m.path()) {
                    let on = self.state.toggle_bookmark(&path);
                    self.message = Some(if on { "bookmarked" } else { "bookmark removed" }.into());
                    self.ask_save();
                    if self.narrow == Some(Narrow::Bookmarks) {
                        self.reshape();
                    }
                }
            }
            Action::BookmarksOnly => self.toggle_narrow(Narrow::Bookmarks),
            Action::DayOnly => match (self.narrow, self.selected().and_then(|m| m.date())) {
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
                self.remember_position();
                self.ask_save();
            }
            Action::GotoDate => {
                self.mode = super::Mode::Date(Prompt::default());
            }
            Action::Cite => {
                if let Some(m) = self.selected().map(|m| m.to_meta()) {
                    let text = export::citation(&self.citation, &m);
                    self.copy(text, "citation");
                }
            }
            Action::CopyPair => self.copy_pair(),
            Action::CopyArticle => {
                if let Some(a) = &self.reader.article {
                    let text = export::markdown(a, &self.reader.beads);
                    self.copy(text, "article (Markdown)");
                }
            }
            Action::Pager => {
                if let Some(p) = self.reader.path.clone() {
                    self.effects.push(super::Effect::Pager(p));
                }
            }
            _ => return false,
        }
        true
    }

    /// Asks for a copy; the loop says in the status bar whether it reached a clipboard.
    fn copy(&mut self, text: String, what: &str) {
        self.effects.push(super::Effect::Copy { text, what: what.to_string() });
    }

    /// `y`: the English and Chinese paragraphs of the bead at the top of the reader.
    fn copy_pair(&mut self) {
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
    pub(super) fn on_date_key(&mut self, k: &crossterm::event::KeyEvent) {
        use crossterm::event::KeyCode;
        let super::Mode::Date(p) = &mut self.mode else { return };
        match k.code {
            KeyCode::Esc => self.mode = super::Mode::Browse,
            KeyCode::Enter => {
                let text = p.text().to_string();
                self.mode = super::Mode::Browse;
                if text.trim().is_empty() {
                    // nothing typed: closed, as Esc does
                    return;
                }
                match parse_date_prefix(&text) {
                    Ok(d) => self.goto_date(d),
                    Err(e) => self.message = Some(e),
                }
            }
            _ => {
                p.handle_key(k);
            }
        }
    }

    /// Selects the first article on or after `d` (the last one when all are before it).
    pub fn goto_date(&mut self, d: Date) {
        let n = self.shown_len();
        if n == 0 {
            return;
        }
        let date_of = |i: usize| self.shown(i).and_then(|p| self.articles.get(p)).and_then(|m| m.date());
        let target = match self.sort {
            // newest first: the first page of the first day on or after `d`
            SortOrder::DateDesc => {
                let day = (0..n).filter_map(date_of).filter(|&x| x >= d).min();
                day.and_then(|day| (0..n).find(|&i| date_of(i) == Some(day)))
            }
            _ => (0..n).find(|&i| date_of(i).is_some_and(|x| x >= d)),
        };
        match target.and_then(date_of) {
            Some(x) if x == d => self.message = Some(format!("went to {d}")),
            Some(x) => self.message = Some(format!("no paper on {d}: landed on {x}, the next day with one")),
            None => {}
        }
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
        self.center_list();
        self.clamp_list();
    }
}

/// The diagnostics of a catalog's files that have errors, with their paths (the status bar
/// names the files that could not be read whole).
fn catalog_errors(cat: &corpus::Catalog) -> Vec<(PathBuf, corpus::Diagnostic)> {
    cat.recs()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.counts().1 > 0)
        .flat_map(|(id, _)| {
            let id = id as u32;
            cat.diagnostics(id).into_iter().map(move |d| (id, d))
        })
        .map(|(id, d)| (cat.path(id), d))
        .collect()
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

    /// A Chinese input method types full-width digits and hyphen (`１９５８－０５－０１`), and
    /// a date in Chinese is written `1958年5月1日`: the prompt said `not a date` to both.
    #[test]
    fn full_width_digits_and_chinese_dates() {
        for (typed, day) in [
            ("１９５８－０５－０１", "1958-05-01"),
            ("１９５８－０５", "1958-05-01"),
            ("　１９５８　", "1958-01-01"),
            ("1958年5月1日", "1958-05-01"),
            ("１９５８年５月１日", "1958-05-01"),
            ("1958年05月01日", "1958-05-01"),
            ("1958年12月31号", "1958-12-31"),
            ("1958 年 8 月", "1958-08-01"),
            ("1958年", "1958-01-01"),
            ("1958年8月3", "1958-08-03"),
        ] {
            assert_eq!(parse_date_prefix(typed).map(|d| d.to_string()), Ok(day.to_string()), "{typed}");
        }
        for bad in
            ["58年", "1958年13月", "1958年2月30日", "1958年8", "1958年8月1日2", "年8月", "１９５８－８"]
        {
            let e = parse_date_prefix(bad).unwrap_err();
            assert!(e.starts_with("not a date") && e.contains(bad.trim()), "{bad}: {e}");
        }
    }

    #[test]
    fn today_is_the_local_date() {
        // 2026-12-01 23:30 UTC is already the 2nd in Beijing, still the 1st in New York
        let now: jiff::Timestamp = "2026-12-01T23:30:00Z".parse().unwrap();
        let beijing = jiff::tz::TimeZone::posix("CST-8").unwrap();
        let new_york = jiff::tz::TimeZone::posix("EST5EDT,M3.2.0,M11.1.0").unwrap();
        assert_eq!(today_at(now, &beijing).to_string(), "2026-12-02");
        assert_eq!(today_at(now, &new_york).to_string(), "2026-12-01");
        assert_eq!(today_at(now, &jiff::tz::TimeZone::UTC).to_string(), "2026-12-01");
    }
}
