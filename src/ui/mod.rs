//! Drawing: a pure function of the [`App`] state onto a ratatui frame. Only visible rows are
//! touched. Every string drawn has been sanitized (see [`crate::text::sanitize`]).

mod help;
mod list;
mod reader;
mod status;

use crate::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::Frame;

/// Draws the whole screen. Call [`App::prepare`] first so the reader's layout is ready.
pub fn draw(app: &App, frame: &mut Frame<'_>) {
    render(app, frame.area(), frame.buffer_mut());
    if let Some(pos) = cursor(app) {
        frame.set_cursor_position(pos);
    }
}

/// Where the terminal cursor goes: in a prompt being edited, else hidden.
pub fn cursor(app: &App) -> Option<(u16, u16)> {
    if let Some(p) = &app.date_prompt {
        let s = app.panes().status;
        let x = s.x as usize + 41 + p.cursor_column();
        return (x < s.right() as usize).then_some((x as u16, s.y));
    }
    let list_prompt = app
        .search
        .as_ref()
        .filter(|s| s.editing)
        .map(|s| (1, &s.prompt))
        .or_else(|| app.fulltext.as_ref().filter(|f| f.editing).map(|f| (11, &f.prompt)));
    if let Some((at, prompt)) = list_prompt {
        let l = app.panes().list;
        let x = l.x as usize + at + prompt.cursor_column();
        return (x < l.right() as usize && l.height > 0).then_some((x as u16, l.y));
    }
    let f = app.find.as_ref().filter(|f| f.editing)?;
    let (area, _) = app.reader_areas();
    let x = area.x as usize + 1 + f.prompt.cursor_column();
    (x < area.right() as usize && area.height > 0).then(|| (x as u16, area.bottom() - 1))
}

/// Draws the whole app into a buffer (the testable core of [`draw`]).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let panes = app.panes();
    if panes.too_small {
        let w = usize::from(area.width);
        let text = ["diglot: window too small", "window too small", "too small", "small", "!"]
            .into_iter()
            .find(|t| crate::text::width(t) <= w)
            .unwrap_or("");
        let msg = crate::text::fit(text, w);
        buf.set_string(area.x, area.y, msg, Style::default().add_modifier(Modifier::REVERSED));
        return;
    }
    if panes.list.width > 0 {
        list::render(app, panes.list, buf);
        if panes.reader.width > 0 {
            let x = panes.list.right();
            let style = if app.focus == crate::app::Focus::List {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default().add_modifier(Modifier::DIM)
            };
            for y in panes.list.top()..panes.list.bottom() {
                buf.set_string(x, y, "│", style);
            }
        }
    }
    if panes.reader.width > 0 {
        reader::render(app, panes.reader, buf);
    }
    status::render(app, panes.status, buf);
    if app.help {
        help::render(app, area, buf);
    }
}

/// Writes `text` (already sanitized) at x,y clipped to `max` columns; returns columns used.
pub(crate) fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, max: usize, style: Style) -> usize {
    let t = crate::text::truncate(text, max);
    buf.set_stringn(x, y, t, max, style);
    crate::text::width(t)
}
