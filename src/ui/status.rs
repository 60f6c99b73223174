//! The status bar: position `i/N`, the count, the view, loading progress and key hints.

use crate::app::{App, Focus};
use crate::text::fit;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

/// The status bar's text (also used by tests).
pub fn status_text(app: &App) -> (String, String) {
    let n = app.articles.len();
    let shown = app.shown_len();
    let pos = if shown == 0 { 0 } else { app.list.selected + 1 };
    let mut left =
        format!(" {pos}/{shown} · {n} articles · {}", app.view.effective(app.panes().reader.width).name());
    if app.search.is_some() {
        left.push_str(&format!(" · {shown}/{n} matches"));
    }
    if let Some(nw) = &app.narrow {
        left.push_str(&format!(" · {}", nw.label()));
    }
    if app.sort != crate::app::SortOrder::Date {
        left.push_str(&format!(" · sort {}", app.sort.label()));
    }
    if app.reader.realigned()
        && app.view != crate::layout::View::English
        && app.view != crate::layout::View::Chinese
    {
        left.push_str(" · realigned");
    }
    if !app.progress.done {
        let secs = app.progress.started.elapsed().as_secs_f64().max(0.001);
        let mb = app.progress.bytes as f64 / 1e6;
        left.push_str(&format!(" · loading {mb:.0} MB ({:.0} MB/s)", mb / secs));
    }
    if app.summary.errors > 0 {
        left.push_str(&format!(" · {} errors (diglot check)", app.summary.errors));
    }
    if let Some(m) = &app.message {
        left.push_str(" · ");
        left.push_str(&crate::text::sanitize(m));
    }
    let right = match app.focus {
        Focus::List => "Enter read  v view  ? help  q quit ",
        Focus::Reader => "h list  [ ] prev/next  v view  ? help ",
    };
    (left, right.to_string())
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let w = usize::from(area.width);
    if let Some(p) = &app.date_prompt {
        let line = format!(" go to date (1958, 1958-08, 1958-08-01): {}", crate::text::sanitize(p.text()));
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
