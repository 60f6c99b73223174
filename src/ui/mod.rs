//! Drawing: a pure function of the [`App`] state onto a ratatui frame. Only visible rows are
//! touched. Every string drawn has been sanitized (see [`crate::text::sanitize`]).

mod chart;
pub use chart::two_lines as counts_lines;
mod dict;
mod help;
mod kwic;
mod list;
pub mod palette;
mod reader;
mod status;

pub use help::{help_lines, help_scroll};
pub use kwic::{columns, line_parts, snippet, Columns};
pub use reader::glossary_max_scroll;
pub use status::reading_progress;

use crate::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::Frame;

/// Draws the whole screen. The app is laid out for its own size; should the frame be another
/// size (a resize not yet seen by the app), it is drawn for its own size and cut to the frame,
/// so that nothing is ever written outside the buffer.
pub fn draw(app: &App, frame: &mut Frame<'_>) {
    let area = frame.area();
    let own = Rect::new(0, 0, app.size.0, app.size.1);
    if area == own {
        render(app, area, frame.buffer_mut());
    } else {
        let mut scratch = Buffer::empty(own);
        render(app, own, &mut scratch);
        let buf = frame.buffer_mut();
        let both = area.intersection(own);
        for y in both.top()..both.bottom() {
            for x in both.left()..both.right() {
                if let (Some(from), Some(to)) = (scratch.cell((x, y)), buf.cell_mut((x, y))) {
                    *to = from.clone();
                }
            }
        }
    }
    if let Some(pos) = cursor(app).filter(|&(x, y)| x < area.right() && y < area.bottom()) {
        frame.set_cursor_position(pos);
    }
}

/// The label before the date prompt's text.
pub const DATE_LABEL: &str = " go to date (1958, 1958-08, 1958-08-01): ";
/// The label before the in-article search's text.
pub const FIND_LABEL: &str = "/";

/// Where the terminal cursor goes: in the prompt that has the keyboard (after its label,
/// measured in display columns), else hidden.
pub fn cursor(app: &App) -> Option<(u16, u16)> {
    use crate::app::Mode;
    let (area, label, prompt) = match &app.mode {
        Mode::Date(p) => (app.areas().status, DATE_LABEL.to_string(), p),
        Mode::TitleSearch => {
            let l = app.areas().list;
            (l, list::prompt_label(app, l.width), &app.search.as_ref()?.prompt)
        }
        Mode::FullText => {
            let l = app.areas().list;
            (l, list::prompt_label(app, l.width), &app.fulltext.as_ref()?.prompt)
        }
        Mode::Find => {
            let (a, _) = app.reader_areas();
            let row = Rect::new(a.x, a.bottom().saturating_sub(1), a.width, a.height.min(1));
            (row, FIND_LABEL.to_string(), &app.find.as_ref()?.prompt)
        }
        _ => return None,
    };
    let x = area.x as usize + crate::text::width(&label) + prompt.cursor_column();
    (x < area.right() as usize && area.height > 0).then_some((x as u16, area.y))
}

/// Draws the whole app into a buffer (the testable core of [`draw`]).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let areas = app.areas();
    if areas.too_small {
        let w = usize::from(area.width);
        let text = ["diglot: window too small", "window too small", "too small", "small", "!"]
            .into_iter()
            .find(|t| crate::text::width(t) <= w)
            .unwrap_or("");
        let msg = crate::text::fit(text, w);
        buf.set_string(area.x, area.y, msg, Style::default().add_modifier(Modifier::REVERSED));
        return;
    }
    if areas.list.width > 0 {
        list::render(app, areas.list, buf);
        if areas.reader.width > 0 {
            let x = areas.list.right();
            let style = if app.focus == crate::app::Focus::List {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default().add_modifier(Modifier::DIM)
            };
            for y in areas.list.top()..areas.list.bottom() {
                buf.set_string(x, y, "│", style);
            }
        }
    }
    if areas.reader.width > 0 {
        reader::render(app, areas.reader, buf);
        dict::render(app, app.reader_panes().2.intersection(areas.reader), buf);
    }
    status::render(app, areas.status, buf);
    match &app.mode {
        crate::app::Mode::Kwic => {
            kwic::render(app, Rect::new(area.x, area.y, area.width, areas.status.y), buf)
        }
        crate::app::Mode::Help { scroll } => help::render(app, area, buf, *scroll),
        crate::app::Mode::Log { scroll } => help::render_log(app, area, buf, *scroll),
        _ => {}
    }
}

/// Writes `text` (already sanitized) at x,y clipped to `max` columns; returns columns used.
pub(crate) fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, max: usize, style: Style) -> usize {
    let t = crate::text::truncate(text, max);
    buf.set_stringn(x, y, t, max, style);
    crate::text::width(t)
}
