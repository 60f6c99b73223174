//! The reading pane: draws the visible rows of the article's cached layout.

use super::put;
use crate::app::App;
use crate::layout::{Kind, GUTTER};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

fn style(kind: Kind) -> Style {
    match kind {
        Kind::Title => Style::default().add_modifier(Modifier::BOLD),
        Kind::Meta => Style::default().fg(Color::Cyan),
        Kind::Note => Style::default().add_modifier(Modifier::DIM | Modifier::ITALIC),
        Kind::Chinese => Style::default().fg(Color::LightGreen),
        Kind::English | Kind::Blank => Style::default(),
    }
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let r = &app.reader;
    let w = usize::from(area.width);
    if let Some(err) = &r.error {
        let text = crate::text::sanitize(err);
        for (k, line) in crate::layout::wrap(&text, w).iter().take(usize::from(area.height)).enumerate() {
            put(buf, area.x, area.y + k as u16, line, w, Style::default().fg(Color::Red));
        }
        return;
    }
    if r.article.is_none() {
        return;
    }
    let layout = &r.layout;
    let top = r.top_row();
    let gutter_style = Style::default().add_modifier(Modifier::DIM);
    for (k, row) in layout.rows.iter().skip(top).take(usize::from(area.height)).enumerate() {
        let y = area.y + k as u16;
        put(buf, area.x, y, &row.left.text, layout.left_width.min(w), style(row.left.kind));
        if let Some(right) = &row.right {
            let gx = layout.left_width;
            if gx < w {
                put(buf, area.x + gx as u16, y, GUTTER, w - gx, gutter_style);
            }
            let rx = gx + crate::text::width(GUTTER);
            if rx < w {
                put(
                    buf,
                    area.x + rx as u16,
                    y,
                    &right.text,
                    (w - rx).min(layout.right_width),
                    style(right.kind),
                );
            }
        }
    }
}
