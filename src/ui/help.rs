//! The help overlay: every key in force, from the key map.

use crate::app::App;
use crate::text::fit;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

/// The help lines: keys, then what they do.
pub fn help_lines(app: &App) -> Vec<(String, &'static str)> {
    app.keymap
        .bindings
        .iter()
        .map(|b| (b.keys.iter().map(|k| k.label()).collect::<Vec<_>>().join(" "), b.help))
        .chain([("wheel / click".to_string(), "scroll the pane under the pointer / select")])
        .collect()
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let lines = help_lines(app);
    let kw = lines.iter().map(|(k, _)| crate::text::width(k)).max().unwrap_or(0);
    let hw = lines.iter().map(|(_, h)| crate::text::width(h)).max().unwrap_or(0);
    let w = (kw + hw + 4).min(usize::from(area.width));
    let h = (lines.len() + 2).min(usize::from(area.height));
    let x = area.x + (area.width - w as u16) / 2;
    let y = area.y + (area.height - h as u16) / 2;
    let style = Style::default().add_modifier(Modifier::REVERSED);
    let title = fit(" diglot keys (any key closes) ", w);
    buf.set_stringn(x, y, title, w, style.add_modifier(Modifier::BOLD));
    for (k, (keys, help)) in lines.iter().take(h.saturating_sub(2)).enumerate() {
        let text = format!(" {} {} ", fit(keys, kw), help);
        buf.set_stringn(x, y + 1 + k as u16, fit(&text, w), w, style);
    }
    if h >= 2 {
        buf.set_stringn(x, y + h as u16 - 1, " ".repeat(w), w, style);
    }
}
