//! The status bar: position `i/N`, the count, the view, the reading progress, loading progress,
//! the last message and key hints taken from the key map in force.

use crate::app::thousands;
use crate::app::{App, Focus, Mode};
use crate::keys::Action;
use crate::text::{count, fit, sanitize};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

/// The first key bound to `a` in the key map in force, as the help names it.
pub fn key_for(app: &App, a: Action) -> Option<String> {
    app.keymap.bindings.iter().find(|b| b.action == a).and_then(|b| b.keys.first()).map(|k| k.label())
}

/// The quit key as an overlay's hint names it (`q`): Ctrl-c, which always quits, is not one
/// that closes an overlay.
fn close_key(app: &App) -> String {
    use crossterm::event::{KeyCode, KeyModifiers};
    let ctrl_c =
        |k: &&crate::keys::Key| k.code == KeyCode::Char('c') && k.mods.contains(KeyModifiers::CONTROL);
    let q = app.keymap.bindings.iter().filter(|b| b.action == Action::Quit).flat_map(|b| b.keys.iter());
    q.filter(|k| !ctrl_c(k)).map(|k| format!("{}/", k.label())).next().unwrap_or_default()
}

/// Key hints: `key what` pairs for the actions that still have a key.
fn hints(app: &App, pairs: &[(Action, &str)]) -> String {
    let mut out = String::new();
    for &(a, what) in pairs {
        if let Some(k) = key_for(app, a) {
            out.push_str(&format!("{k} {what}  "));
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// How far through the article the reader is: the last row shown, in percent.
pub fn reading_progress(app: &App) -> Option<usize> {
    let r = &app.reader;
    r.article.as_ref()?;
    let rows = r.layout.rows.len();
    if rows == 0 {
        return None;
    }
    let h = usize::from(app.reader_areas().0.height);
    let bottom = (r.top_row() + h).min(rows);
    Some(bottom * 100 / rows)
}

/// The status bar's text (also used by tests).
pub fn status_text(app: &App) -> (String, String) {
    let n = app.articles.len();
    let shown = app.list_total();
    let pos = if shown == 0 { 0 } else { app.list.selected + 1 };
    // the concordance covers the panes: its own position (the list's was shown, `1/88`)
    let kwic = app.research().kwic.as_ref().filter(|_| app.mode == Mode::Kwic);
    let mut left = match kwic {
        Some(k) => match &k.lines {
            Some(l) => {
                let i = if l.is_empty() { 0 } else { k.sel.min(l.len() - 1) + 1 };
                format!(" line {}/{} · {}", thousands(i), thousands(l.len()), count(shown, "result"))
            }
            None => format!(" line … · {}", count(shown, "result")),
        },
        None => format!(
            " {}/{} · {} · {}",
            thousands(pos),
            thousands(shown),
            count(n, "article"),
            app.view.effective(app.areas().reader.width).name()
        ),
    };
    if kwic.is_some() {
        // the reader's and the list's parts below are not the concordance's
    } else if app.focus == Focus::Reader {
        if let Some(p) = reading_progress(app) {
            left.push_str(&format!(" · {p}%"));
        }
    }
    if let Some(c) = app.reader.sentence.as_ref().filter(|_| kwic.is_none()) {
        let beads = app.reader.beads.len();
        left.push_str(&format!(" · sentence {}/{} · ¶ {}/{beads}", c.index + 1, c.count(), c.bead + 1));
    }
    if app.search.is_some() && kwic.is_none() {
        left.push_str(&format!(" · {}/{} matches", thousands(shown), thousands(n)));
    }
    if let Some(nw) = &app.narrow {
        left.push_str(&format!(" · {}", nw.label()));
    }
    if app.sort != crate::app::SortOrder::Date {
        left.push_str(&format!(" · sorted by {}", app.sort.label()));
    }
    if kwic.is_none()
        && app.reader.realigned()
        && app.view != crate::layout::View::English
        && app.view != crate::layout::View::Chinese
    {
        left.push_str(" · realigned");
    }
    // the scan of every file for Ctrl-f before the index is ready: seconds at 430,000
    if let Some((done, total)) = app.fulltext.as_ref().and_then(|f| f.scan_progress()) {
        left.push_str(&format!(" · scanning {}/{} files (Esc stops)", thousands(done), thousands(total)));
    }
    if !app.progress.done && app.progress.listed {
        left.push_str(" · checking the files");
    } else if !app.progress.done {
        let secs = app.progress.started.elapsed().as_secs_f64().max(0.001);
        let mb = app.progress.bytes as f64 / 1e6;
        left.push_str(&format!(" · loading {mb:.0} MB ({:.0} MB/s)", mb / secs));
    }
    if let Some(t) = app.research().status_text() {
        left.push_str(&format!(" · {t}"));
    }
    if let Some(m) = &app.message {
        left.push_str(" · ");
        left.push_str(&sanitize(m));
    }
    // why the paragraph pair at the top (or the first marked one shown) is marked `!`: after
    // the answer to the last key (the reasons are long: at 80 columns they cut it off whole;
    // the next key clears the answer)
    let shown = usize::from(app.reader_areas().0.height);
    if let Some(m) =
        app.reader.trust_shown(shown).filter(|_| app.focus == crate::app::Focus::Reader && kwic.is_none())
    {
        let why: Vec<String> = m.concerns.iter().map(|c| c.to_string()).collect();
        left.push_str(&format!(" · ! {}", why.join("; ")));
    }
    // a file that could not be loaded is named (a mistyped path, say)
    match app.load_errors.as_slice() {
        [] if app.summary.errors > 0 => {
            left.push_str(&format!(" · {} (diglot check)", count(app.summary.errors, "error")));
        }
        [] => {}
        [(path, why)] => {
            left.push_str(&format!(" · {}: {}", sanitize(&path.display().to_string()), sanitize(why)))
        }
        [(path, why), rest @ ..] => left.push_str(&format!(
            " · {}: {} (and {} more: diglot check)",
            sanitize(&path.display().to_string()),
            sanitize(why),
            rest.len()
        )),
    }
    let log = if app.message.is_some() { hints(app, &[(Action::Messages, "log")]) } else { String::new() };
    // `[ ] prev/next` when both have a key
    let walk = match (key_for(app, Action::PrevArticle), key_for(app, Action::NextArticle)) {
        (Some(p), Some(n)) => format!("{p} {n} prev/next  "),
        _ => String::new(),
    };
    let right = match app.focus {
        // the concordance has the keys (its header names them too, cut at 60 columns)
        _ if kwic.is_some_and(|k| k.preview.is_some()) => {
            format!("Enter opens at the hit  {}Esc closes", close_key(app))
        }
        _ if kwic.is_some() => format!("s sort  Enter pair  o open  {}Esc back", close_key(app)),
        // the chart has the keys: its own (its label's hint is cut in a narrow list)
        Focus::List if app.mode == Mode::Chart => {
            format!("←/→ year  Enter narrows  {}Esc back", close_key(app))
        }
        // the index's results: what the research keys do
        Focus::List if app.index_results() => hints(
            app,
            &[(Action::Concordance, "KWIC"), (Action::Timeline, "chart"), (Action::ResultsOrder, "order")],
        ),
        Focus::List => hints(
            app,
            &[
                (Action::FocusReader, "read"),
                (Action::CycleView, "view"),
                (Action::Help, "help"),
                (Action::Quit, "quit"),
            ],
        ),
        Focus::Reader if app.mode == Mode::Word => {
            let keys = hints(
                app,
                &[
                    (Action::WordRight, "word"),
                    (Action::WordDown, "row"),
                    (Action::SaveWord, "save"),
                    (Action::Pinyin, "pinyin"),
                ],
            );
            let leave = key_for(app, Action::WordExit).map(|k| format!("  {}{k} leave", close_key(app)));
            format!("{keys}{}", leave.unwrap_or_default()).trim().to_string()
        }
        Focus::Reader if app.reader.sentence.is_some() => {
            let keys = match (key_for(app, Action::GlossaryUp), key_for(app, Action::GlossaryDown)) {
                (Some(p), Some(n)) => format!("{p} {n} sentence  "),
                _ => String::new(),
            };
            format!("{keys}{}Esc leave", close_key(app))
        }
        Focus::Reader => {
            let back = if app.zoom { Action::Zoom } else { Action::FocusList };
            let back = hints(app, &[(back, "list")]);
            let rest = hints(app, &[(Action::CycleView, "view"), (Action::Help, "help")]);
            format!("{back}  {walk}{rest}").trim().to_string()
        }
    };
    let right = match (log.is_empty(), right.is_empty()) {
        (true, _) => format!("{right} "),
        (false, true) => format!("{log} "),
        (false, false) => format!("{log}  {right} "),
    };
    (left, right)
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let w = usize::from(area.width);
    if let Mode::Date(p) = &app.mode {
        let line = format!("{}{}", super::DATE_LABEL, sanitize(p.text()));
        buf.set_stringn(
            area.x,
            area.y,
            fit(&line, w),
            w,
            app.palette.status.add_modifier(Modifier::REVERSED),
        );
        return;
    }
    let (left, right) = status_text(app);
    let style = app.palette.status.add_modifier(Modifier::REVERSED);
    let lw = crate::text::width(&left);
    let rw = crate::text::width(&right);
    let line = if lw + rw < w { format!("{}{}", fit(&left, w - rw), right) } else { fit(&left, w) };
    buf.set_stringn(area.x, area.y, line, w, style);
}
