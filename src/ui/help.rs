//! The help overlay: every key in force, from the key map, in as many columns as it takes
//! to fit the screen.

use crate::app::App;
use crate::text::{fit, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Borders, Clear, Widget};

/// The help lines: keys, then what they do.
pub fn help_lines(app: &App) -> Vec<(String, &'static str)> {
    app.keymap
        .bindings
        .iter()
        .filter(|b| !b.keys.is_empty())
        .map(|b| (b.keys.iter().map(|k| k.label()).collect::<Vec<_>>().join(" "), b.help))
        .chain([("mouse".to_string(), "wheel scrolls, click selects")])
        .collect()
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let lines = help_lines(app);
    if area.width < 4 || area.height < 3 {
        return;
    }
    let inner_h = usize::from(area.height - 2);
    let cols = lines.len().div_ceil(inner_h).max(1);
    let rows = lines.len().div_ceil(cols);
    let kw = lines.iter().map(|(k, _)| width(k)).max().unwrap_or(0).min(18);
    let hw = lines.iter().map(|(_, h)| width(h)).max().unwrap_or(0);
    let avail = usize::from(area.width - 2);
    let col_w = ((avail + 1) / cols).saturating_sub(1).min(kw + hw + 3).max(1);
    let w = ((col_w + 1) * cols + 1).min(usize::from(area.width));
    let h = (rows + 2).min(usize::from(area.height));
    let x = area.x + (area.width - w as u16) / 2;
    let y = area.y + (area.height - h as u16) / 2;
    let outer = Rect::new(x, y, w as u16, h as u16);
    Clear.render(outer, buf);
    mend_wide_edges(outer, buf);
    let style = Style::default();
    Block::default()
        .borders(Borders::ALL)
        .title(" diglot keys — any key closes ")
        .title_style(style.add_modifier(Modifier::BOLD))
        .render(outer, buf);
    for (k, (keys, help)) in lines.iter().enumerate() {
        let (c, r) = (k / rows, k % rows);
        let column = &lines[c * rows..((c + 1) * rows).min(lines.len())];
        let key_w = column.iter().map(|(k, _)| width(k)).max().unwrap_or(0).min(kw).min(col_w / 2);
        let cx = x + 1 + (c * (col_w + 1)) as u16;
        let text = format!("{} {}", fit(keys, key_w), help);
        buf.set_stringn(cx, y + 1 + r as u16, fit(&text, col_w), col_w, style);
        buf.set_stringn(cx, y + 1 + r as u16, fit(keys, key_w), key_w, style.add_modifier(Modifier::BOLD));
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
