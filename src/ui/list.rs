//! The list pane: date, page, English and Chinese titles, truncated by display width; with
//! the title search open, its prompt on top and the matched characters highlighted.

use super::put;
use crate::app::{App, Focus, IndexStatus, Mode};

use crate::text::{fit, sanitize, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use std::ops::Range;

/// Draws `text` cut to `max` columns, then restyles the highlighted byte ranges.
fn put_marked(buf: &mut Buffer, x: u16, y: u16, text: &str, max: usize, base: Style, marks: &[Range<usize>]) {
    let shown = fit(text, max);
    put(buf, x, y, &shown, max, base);
    let hl = base.fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let hl = if crate::ui::palette::no_color_env() {
        base.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    } else {
        hl
    };
    let visible = crate::text::truncate(text, max);
    for r in marks {
        if r.start >= visible.len() || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            continue;
        }
        let end = r.end.min(visible.len());
        let col = width(&text[..r.start]);
        let w = width(&text[r.start..end]);
        if w > 0 && col < max {
            buf.set_style(Rect::new(x + col as u16, y, w.min(max - col) as u16, 1), hl);
        }
    }
}

/// The label before a list prompt's text: `/` for the title search, `full text: ` (or
/// `text: ` when narrow) for the full-text search.
pub(super) fn prompt_label(app: &App, width: u16) -> String {
    if app.fulltext.is_some() {
        if width >= 40 { "full text: " } else { "text: " }.to_string()
    } else {
        "/".to_string()
    }
}

/// The search prompt line: `/query` (or `full text: phrase`) and the count. While typing,
/// the text comes first: the count (or "Enter searches") gets what room is left.
fn prompt_line(app: &App, area: Rect, buf: &mut Buffer) {
    let w = usize::from(area.width);
    let label = prompt_label(app, area.width);
    let (text, count, editing) = if let Some(f) = &app.fulltext {
        let editing = app.mode == Mode::FullText;
        let count = match &f.results {
            _ if editing && app.research().error.is_some() => {
                app.research().error.as_ref().map(|e| format!("col {}: {}", e.col, e.msg)).unwrap_or_default()
            }
            _ if editing && !app.research().ready() && app.research().background => {
                match app.research().status {
                    IndexStatus::Building { total, .. } if total > 0 => {
                        format!("Enter scans (index {}%)", app.research().status.percent())
                    }
                    // (the status bar says `indexing…`)
                    _ => "Enter scans".to_string(),
                }
            }
            _ if editing => "Enter searches".to_string(),
            None => match f.scan_progress() {
                Some((done, total)) => format!("searching… {}%", done * 100 / total.max(1)),
                None => "searching…".to_string(),
            },
            Some(r) => crate::text::count(r.len(), "article"),
        };
        (f.prompt.text(), count, editing)
    } else if let Some(s) = &app.search {
        let count = if s.pending() {
            format!("…/{}", crate::text::thousands(app.articles.len()))
        } else {
            format!(
                "{}/{}",
                crate::text::thousands(app.list_total()),
                crate::text::thousands(app.articles.len())
            )
        };
        (s.prompt.text(), count, app.mode == Mode::TitleSearch)
    } else {
        return;
    };
    let line = format!("{label}{}", sanitize(text));
    let style = if editing { Style::default().add_modifier(Modifier::BOLD) } else { Style::default() };
    // the count only where it leaves room for what is typed and a few more characters
    let room = w.saturating_sub(width(&count) + 1);
    let (left, count) = if room >= width(&line) + 4 { (room, Some(count)) } else { (w, None) };
    put(buf, area.x, area.y, &fit(&line, left), left, style);
    // a query that does not parse: the character at the problem marked
    if let (true, Some(e)) = (editing, app.fulltext.as_ref().and(app.research().error.as_ref())) {
        let before: String = text.chars().take(e.col.saturating_sub(1)).collect();
        let at = width(&label) + width(&sanitize(&before));
        if at < left {
            let x = area.x + at as u16;
            if let Some(cell) = buf.cell_mut((x, area.y)) {
                if cell.symbol() == " " {
                    cell.set_symbol("␣");
                }
                cell.set_style(app.palette.error.add_modifier(Modifier::REVERSED));
            }
        }
    }
    if let Some(count) = count {
        put(buf, area.x + left as u16, area.y, &format!(" {count}"), w - left, app.palette.meta);
    }
}

pub(super) fn render(app: &App, pane: Rect, buf: &mut Buffer) {
    prompt_line(app, pane, buf);
    // the rows below the prompt, inside the pane given
    let area = if (app.search.is_some() || app.fulltext.is_some()) && pane.height > 1 {
        // the index's counts and timeline, then the results
        let (counts, chart) = app.research_rows(pane.height - 1);
        super::chart::render_counts(app, Rect::new(pane.x, pane.y + 1, pane.width, counts), buf);
        super::chart::render_chart(app, Rect::new(pane.x, pane.y + 1 + counts, pane.width, chart), buf);
        let top = 1 + counts + chart;
        Rect::new(pane.x, pane.y + top, pane.width, pane.height - top)
    } else {
        pane
    };
    let w = usize::from(area.width);
    if app.shown_len() == 0 {
        let msg = if app.search.is_some() || app.fulltext.as_ref().is_some_and(|f| f.results.is_some()) {
            "No match."
        } else if app.progress.done {
            "No articles."
        } else {
            "Loading…"
        };
        put(buf, area.x, area.y, msg, w, Style::default().add_modifier(Modifier::DIM));
        // why the scan could not answer what was typed, under it (wrapped to the pane)
        let note = app.fulltext.as_ref().filter(|f| f.results.is_some()).and_then(|f| f.note.as_deref());
        if let (Some(note), true) = (note, msg == "No match.") {
            let lines = textwrap::wrap(note, w.max(1));
            for (y, line) in (area.y + 1..area.bottom()).zip(lines.iter()) {
                put(buf, area.x, y, line, w, Style::default().add_modifier(Modifier::DIM));
            }
        }
        return;
    }
    let query = app.search.as_ref().filter(|s| s.hits.is_some()).map(|s| s.query());
    let ih = app.item_height_for(area.width);
    let rows = usize::from(area.height) / ih;
    // never below the pane: an item that does not fit whole is not drawn
    for k in 0..rows {
        let i = app.list.offset + k;
        let Some(meta) = app.shown(i).and_then(|p| app.articles.get(p)) else { break };
        let y = area.y + (k * ih) as u16;
        let selected = i == app.list.selected;
        let read = app.state.is_read(&meta.path());
        let pal = &app.palette;
        let base = if selected {
            let s = pal.selection.add_modifier(Modifier::REVERSED);
            if app.focus == Focus::List {
                s.add_modifier(Modifier::BOLD)
            } else {
                s
            }
        } else if read {
            Style::default().add_modifier(Modifier::DIM)
        } else {
            Style::default()
        };
        let date = meta.date_string();
        let page = format!("{:>2}", meta.page_string());
        // the list shows emphasis markers as the reader does: not at all (`*Newsweek*`)
        let (en_plain, _) = crate::text::strip_emphasis(meta.title_en());
        let en = sanitize(&en_plain);
        let zh_full = meta.title_zh_full();
        let zh = sanitize(&zh_full);
        let marks = query.as_ref().map(|q| q.highlights(&en, &zh)).unwrap_or_default();
        // fill the whole row(s) so the selection bar spans the width
        for dy in 0..ih as u16 {
            buf.set_string(area.x, y + dy, " ".repeat(w), base);
        }
        let mut x = area.x;
        let mut left = w;
        let bookmark = if app.state.is_bookmarked(&meta.path()) { "*" } else { " " };
        // a narrow list (the reader has the focus) keeps the titles and drops date and page
        let prefix: &[(&str, Style)] = if w < 30 {
            &[(bookmark, base.patch(pal.marker))]
        } else {
            &[
                (bookmark, base.patch(pal.marker)),
                (date.as_str(), base.patch(pal.date)),
                (" ", base),
                (page.as_str(), base.patch(pal.page)),
                (" ", base),
            ]
        };
        for &(text, style) in prefix {
            let used = put(buf, x, y, text, left, style);
            x += used as u16;
            left -= used;
        }
        let zh_style = base.patch(pal.chinese);
        if let Some(hit) = app.fulltext_hit(i) {
            // full-text result: the title, and the snippet around the first hit beneath
            put_marked(buf, x, y, &en, left, base, &[]);
            let indent = 2.min(w);
            // an index result: its first hit in context once made (ui/kwic.rs), else the count
            let made = app.research().snippets.get(&meta.path()).filter(|_| app.index_results());
            let (snippet, mark) = match made.and_then(|s| super::kwic::snippet(s, w - indent)) {
                Some((text, hit)) => (std::borrow::Cow::Owned(text), vec![hit]),
                None => {
                    let snippet = sanitize(&hit.snippet);
                    let mark =
                        if snippet.len() == hit.snippet.len() { vec![hit.hit.clone()] } else { Vec::new() };
                    (snippet, mark)
                }
            };
            put_marked(
                buf,
                area.x + indent as u16,
                y + 1,
                &snippet,
                w - indent,
                base.add_modifier(Modifier::DIM),
                &mark,
            );
        } else if ih == 1 {
            let en_w = left * 3 / 5;
            let zh_w = left.saturating_sub(en_w + 1);
            put_marked(buf, x, y, &en, en_w, base, &marks.en);
            put_marked(buf, x + en_w as u16 + 1, y, &zh, zh_w, zh_style, &marks.zh);
        } else {
            // Chinese titles are short: beside the date; the English title gets its own row.
            put_marked(buf, x, y, &zh, left, zh_style, &marks.zh);
            let indent = 2.min(w);
            put_marked(buf, area.x + indent as u16, y + 1, &en, w - indent, base, &marks.en);
        }
    }
    // The title search shows its first hits while it ranks the rest: said below them.
    let below = app.shown_len().saturating_sub(app.list.offset);
    if below < rows && app.search.as_ref().is_some_and(|s| s.ranking()) {
        let more = app.list_total().saturating_sub(app.shown_len());
        let y = area.y + (below * ih) as u16;
        let msg = format!("ranking {more} more…");
        put(buf, area.x, y, &msg, w, Style::default().add_modifier(Modifier::DIM));
    }
}
