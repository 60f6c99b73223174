//! The list pane: date, page, English and Chinese titles, truncated by display width.

use super::put;
use crate::app::{App, Focus};
use crate::text::{fit, sanitize};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let w = usize::from(area.width);
    if app.articles.is_empty() {
        let msg = if app.progress.done { "No articles." } else { "Loading…" };
        put(buf, area.x, area.y, msg, w, Style::default().add_modifier(Modifier::DIM));
        return;
    }
    let ih = App::item_height(area.width);
    let rows = usize::from(area.height) / ih;
    for (k, meta) in app.articles.iter().skip(app.list.offset).take(rows).enumerate() {
        let i = app.list.offset + k;
        let y = area.y + (k * ih) as u16;
        let selected = i == app.list.selected;
        let base = if selected {
            let s = Style::default().add_modifier(Modifier::REVERSED);
            if app.focus == Focus::List {
                s.add_modifier(Modifier::BOLD)
            } else {
                s
            }
        } else {
            Style::default()
        };
        let date = meta.date_string();
        let page = format!("{:>2}", meta.page_string());
        let en = sanitize(&meta.title_en);
        let zh_full = meta.title_zh_full();
        let zh = sanitize(&zh_full);
        // fill the whole row(s) so the selection bar spans the width
        for dy in 0..ih as u16 {
            buf.set_string(area.x, y + dy, " ".repeat(w), base);
        }
        let mut x = area.x;
        let mut left = w;
        for (text, style) in [
            (date.as_str(), base.fg(Color::Cyan)),
            (" ", base),
            (page.as_str(), base.fg(Color::Yellow)),
            (" ", base),
        ] {
            let used = put(buf, x, y, text, left, style);
            x += used as u16;
            left -= used;
        }
        if ih == 1 {
            let en_w = left * 3 / 5;
            let zh_w = left.saturating_sub(en_w + 1);
            put(buf, x, y, &fit(&en, en_w), en_w, base);
            put(buf, x + en_w as u16 + 1, y, &fit(&zh, zh_w), zh_w, base.fg(Color::LightGreen));
        } else {
            // Chinese titles are short: beside the date; the English title gets its own row.
            put(buf, x, y, &fit(&zh, left), left, base.fg(Color::LightGreen));
            let indent = 2.min(w);
            put(buf, area.x + indent as u16, y + 1, &fit(&en, w - indent), w - indent, base);
        }
    }
}
