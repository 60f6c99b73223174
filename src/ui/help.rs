//! The help overlay: every key in force, from the key map, in as many columns as it takes
//! to fit the screen.

use crate::app::App;
use crate::text::{fit, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Clear, Widget};

/// What the help says besides the keys: the list's marks, the search syntax (titles, then the
/// full-text query and the keys of its chart and concordance), the words of the status bar,
/// and the mouse.
pub const NOTES: [(&str, &str); 22] = [
    ("*", "list mark: bookmarked"),
    ("dim", "list mark: read"),
    ("word", "title search: fuzzy match"),
    ("'word", "exact match"),
    ("^word", "title starts with"),
    ("word$", "title ends with"),
    ("!word", "leave out titles with it"),
    ("a | b", "either"),
    ("full text", "words \"a phrase\" OR -not NEAR/5"),
    ("OR AND NOT", "upper case (a lower-case or is a word)"),
    ("fields", "title: author: page:1..4 date:1958-08"),
    ("T ←/→ Enter", "timeline: narrow to a year; Esc widens"),
    ("K s Enter o", "concordance: sort, pair, open at hit"),
    ("q Esc", "close help, log, chart, concordance; leave a cursor"),
    ("realigned", "paragraphs paired other than 1:1"),
    ("!", "reader mark: translation looks wrong (status bar says why)"),
    ("N%", "how far the reader has read"),
    ("underlined", "reader mark: glossary term (e), bold"),
    ("green", "reader mark: a saved word (a), underlined"),
    ("magenta", "reader mark: beyond the HSK level (H)"),
    ("mouse", "wheel scrolls, click selects"),
    ("Shift-drag", "selects text (or M: mouse off)"),
];

/// The help lines: keys, then what they do, under their group's title (an entry with no
/// help text: see [`crate::keys::Group`]); then the notes.
pub fn help_lines(app: &App) -> Vec<(String, &'static str)> {
    let mut lines = Vec::new();
    let mut group = None;
    for b in app.keymap.bindings.iter().filter(|b| !b.keys.is_empty()) {
        let g = b.action.def().map(|d| d.group);
        if g != group {
            if let Some(g) = g {
                lines.push((g.title().to_string(), ""));
            }
            group = g;
        }
        lines.push((b.keys.iter().map(|k| k.label()).collect::<Vec<_>>().join(" "), b.help));
    }
    lines.push(("notes".to_string(), ""));
    lines.extend(NOTES.iter().map(|&(k, h)| (k.to_string(), h)));
    lines
}

/// A group's title among the help lines.
fn is_title((_, help): &(String, &str)) -> bool {
    help.is_empty()
}

/// How the overlay lays the lines out in `area`: columns, rows per column, a column's width,
/// the key column's width, and whether it must scroll.
fn grid(lines: &[(String, &str)], area: Rect) -> (usize, usize, usize, usize) {
    let inner_h = usize::from(area.height.saturating_sub(2)).max(1);
    let avail = usize::from(area.width.saturating_sub(2)).max(1);
    let kw = lines.iter().filter(|l| !is_title(l)).map(|(k, _)| width(k)).max().unwrap_or(0).min(14);
    let hw = lines.iter().map(|(_, h)| width(h)).max().unwrap_or(0);
    // whole entries only: as many columns as fit, and scrolling for the rest
    let need = kw + 1 + hw;
    let fit_cols = ((avail + 1) / (need + 1)).max(1);
    let cols = fit_cols.min(lines.len().div_ceil(inner_h)).max(1);
    let rows = lines.len().div_ceil(cols);
    let col_w = ((avail + 1) / cols).saturating_sub(1).min(need).max(1);
    (cols, rows, col_w, kw)
}

/// The first line the help shows for a scroll request (never past the last page).
pub fn help_scroll(app: &App, area: Rect, scroll: usize) -> usize {
    let lines = help_lines(app);
    let (_, rows, _, _) = grid(&lines, area);
    let inner_h = usize::from(area.height.saturating_sub(2)).max(1);
    scroll.min(rows.saturating_sub(inner_h))
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, scroll: usize) {
    let lines = help_lines(app);
    if area.width < 4 || area.height < 3 {
        return;
    }
    let inner_h = usize::from(area.height - 2);
    let (cols, rows, col_w, kw) = grid(&lines, area);
    let scroll = help_scroll(app, area, scroll);
    let shown = rows.min(inner_h);
    let w = ((col_w + 1) * cols + 1).min(usize::from(area.width));
    let h = (shown + 2).min(usize::from(area.height));
    let x = area.x + (area.width - w as u16) / 2;
    let y = area.y + (area.height - h as u16) / 2;
    let outer = Rect::new(x, y, w as u16, h as u16);
    Clear.render(outer, buf);
    mend_wide_edges(outer, buf);
    let style = Style::default();
    let more = rows > inner_h;
    let title = if more {
        " diglot keys — j/k scroll, other keys close "
    } else {
        " diglot keys — any key closes "
    };
    let mut block =
        Block::default().borders(Borders::ALL).title(title).title_style(style.add_modifier(Modifier::BOLD));
    if more {
        let end = (scroll + shown).min(rows);
        block = block.title_bottom(format!(" {}-{} of {} ", scroll + 1, end, rows));
    }
    block.render(outer, buf);
    for (k, (keys, help)) in lines.iter().enumerate() {
        let (c, r) = (k / rows, k % rows);
        if r < scroll || r >= scroll + shown {
            continue;
        }
        let column = lines.get(c * rows..((c + 1) * rows).min(lines.len())).unwrap_or(&[]);
        let key_w = column
            .iter()
            .filter(|l| !is_title(l))
            .map(|(k, _)| width(k))
            .max()
            .unwrap_or(0)
            .min(kw)
            .min(col_w / 2);
        let cx = x + 1 + (c * (col_w + 1)) as u16;
        let cy = y + 1 + (r - scroll) as u16;
        if help.is_empty() {
            // a group's title, across the column
            let title = style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
            buf.set_stringn(cx, cy, fit(keys, col_w), col_w, title);
            continue;
        }
        let text = format!("{} {}", fit(keys, key_w), help);
        buf.set_stringn(cx, cy, fit(&text, col_w), col_w, style);
        buf.set_stringn(cx, cy, fit(keys, key_w), key_w, style.add_modifier(Modifier::BOLD));
    }
}

/// The message log (`L`): every status message, whole, wrapped, newest last.
pub(super) fn render_log(app: &App, area: Rect, buf: &mut Buffer, scroll: usize) {
    if area.width < 4 || area.height < 3 {
        return;
    }
    let inner_w = usize::from(area.width - 2);
    let inner_h = usize::from(area.height - 2);
    let mut lines: Vec<String> = Vec::new();
    for m in &app.log {
        lines.extend(crate::layout::wrap(&crate::text::sanitize(m), inner_w));
    }
    if lines.is_empty() {
        lines.push("no messages yet".to_string());
    }
    let scroll = scroll.min(lines.len().saturating_sub(inner_h));
    Clear.render(area, buf);
    Block::default()
        .borders(Borders::ALL)
        .title(" messages — j/k scroll, other keys close ")
        .title_style(Style::default().add_modifier(Modifier::BOLD))
        .render(area, buf);
    for (k, line) in lines.iter().skip(scroll).take(inner_h).enumerate() {
        buf.set_stringn(area.x + 1, area.y + 1 + k as u16, fit(line, inner_w), inner_w, Style::default());
    }
}

/// A double-width character cut in half by the overlay's edges would shift the row: blank
/// its remaining half.
fn mend_wide_edges(outer: Rect, buf: &mut Buffer) {
    for y in outer.top()..outer.bottom() {
        if outer.x > 0 {
            if let Some(c) = buf.cell_mut((outer.x - 1, y)) {
                if width(c.symbol()) > 1 {
                    c.set_symbol(" ");
                }
            }
        }
        if let Some(c) = buf.cell_mut((outer.right(), y)) {
            if c.symbol().is_empty() {
                c.set_symbol(" ");
            }
        }
    }
}
