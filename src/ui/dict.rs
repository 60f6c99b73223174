//! Reading Chinese on screen: the word cursor's highlight, the marks of saved words and of
//! words beyond the HSK level (as overlays of the reader's text), and the dictionary panel
//! of the word under the cursor. Reads what `update` computed (see `app/words.rs`).

use super::put;
use crate::app::{App, Mode};
use crate::layout::{Layout, Segment, TextId};
use crate::text::{sanitize, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

/// `s`, or `s` with `m` when it has no colour (`NO_COLOR`, or a colourless paint).
fn or_plain(s: Style, m: Modifier) -> Style {
    if s.fg.is_none() && s.bg.is_none() {
        s.add_modifier(m)
    } else {
        s
    }
}

/// The word cursor, saved words and HSK colouring, as row segments of `layout` with their
/// styles (later ones win): HSK, saved, the cursor.
pub(super) fn word_overlays(app: &App, layout: &Layout) -> Vec<(Segment, Style)> {
    let mut out = Vec::new();
    let Some(ch) = &app.reader.chinese else { return out };
    let pal = &app.palette;
    let hsk = or_plain(pal.hsk, Modifier::BOLD);
    let saved = pal.saved.add_modifier(Modifier::UNDERLINED);
    let level = app.learn.hsk_level;
    for (p, toks) in ch.words.iter().enumerate() {
        let Some(t) = layout.text(TextId::Zh(p)) else { continue };
        for tok in toks {
            if app.learn.hsk_colour && tok.hsk.is_none_or(|l| l > level) {
                out.extend(layout.segments(t.id, tok.range.clone()).into_iter().map(|g| (g, hsk)));
            }
            if app.learn.saved.is_empty() {
                continue;
            }
            let r = [tok.span(), tok.range.clone()]
                .into_iter()
                .find(|r| t.text.get(r.clone()).is_some_and(|w| app.learn.saved.contains(w)));
            if let Some(r) = r {
                out.extend(layout.segments(t.id, r).into_iter().map(|g| (g, saved)));
            }
        }
    }
    if let Some((p, k)) = app.learn.cursor.as_ref().and_then(|c| c.at) {
        if let Some(tok) = ch.words.get(p).and_then(|w| w.get(k)) {
            let s = pal.word.add_modifier(Modifier::REVERSED | Modifier::BOLD);
            out.extend(layout.segments(TextId::Zh(p), tok.span()).into_iter().map(|g| (g, s)));
        }
    }
    out
}

/// The panel's lines at `w` columns: text, style, indent.
pub fn dict_lines(app: &App, w: usize) -> Vec<(String, Style, u16)> {
    let pal = &app.palette;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().add_modifier(Modifier::DIM);
    let mut out = Vec::new();
    let Some(c) = &app.learn.cursor else { return out };
    let Some(info) = &c.info else {
        out.push(("loading dictionary…".to_string(), dim, 0));
        return out;
    };
    let wrap = |out: &mut Vec<(String, Style, u16)>, text: &str, style: Style, indent: u16| {
        let room = w.saturating_sub(usize::from(indent)).max(1);
        for line in crate::layout::wrap(&sanitize(text), room) {
            out.push((line, style, indent));
        }
    };
    let trad = info
        .entries
        .iter()
        .find(|e| e.simplified == info.word && e.traditional != info.word)
        .map(|e| format!(" ({})", e.traditional))
        .unwrap_or_default();
    let level =
        info.hsk.map_or("no HSK level".to_string(), |l| format!("HSK {}", crate::dict::hsk::label(l)));
    let saved = if app.learn.saved.contains(&info.word) { " · saved" } else { "" };
    wrap(
        &mut out,
        &format!("{}{trad}  {}", info.word, info.pinyin),
        pal.chinese.add_modifier(Modifier::BOLD),
        0,
    );
    wrap(&mut out, &format!("{level}{saved}"), pal.meta, 0);
    if info.entries.is_empty() {
        wrap(&mut out, "not in CC-CEDICT", dim, 0);
    } else if info.parts {
        wrap(&mut out, "not in CC-CEDICT as one word; its parts:", dim, 0);
    }
    let several = info.parts || info.entries.len() > 1;
    for e in &info.entries {
        if several {
            wrap(&mut out, &format!("{}  {}", e.simplified, e.pinyin), bold, 0);
        }
        for (n, sense) in e.senses.iter().enumerate() {
            wrap(&mut out, &format!("{}. {sense}", n + 1), Style::default(), 2);
        }
    }
    if let Some((term, gloss)) = &info.gloss {
        wrap(&mut out, &format!("glossary: {term}"), pal.term.add_modifier(Modifier::BOLD), 0);
        wrap(&mut out, gloss, Style::default(), 2);
    }
    out
}

/// Draws the dictionary panel in `area` (empty unless the word cursor is on): a rule on its
/// side towards the text, then the lines; "↓ N more" on the last row when they do not fit.
pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if app.mode != Mode::Word || area.width < 4 || area.height < 2 {
        return;
    }
    let dim = Style::default().add_modifier(Modifier::DIM);
    // beside the text (a right panel) or under it
    let right = area.y == app.reader_areas().0.y;
    let (x, y, w, h) = if right {
        for yy in area.top()..area.bottom() {
            put(buf, area.x, yy, "│", 1, dim);
        }
        (area.x + 2, area.y, usize::from(area.width - 2), usize::from(area.height))
    } else {
        put(buf, area.x, area.y, &"─".repeat(usize::from(area.width)), usize::from(area.width), dim);
        (area.x, area.y + 1, usize::from(area.width), usize::from(area.height - 1))
    };
    let lines = dict_lines(app, w);
    let (shown, more) =
        if lines.len() > h { (h.saturating_sub(1), lines.len() + 1 - h) } else { (lines.len(), 0) };
    for (k, (line, style, indent)) in lines.iter().take(shown).enumerate() {
        let room = w.saturating_sub(usize::from(*indent));
        put(buf, x + indent, y + k as u16, line, room, *style);
    }
    if more > 0 && h > 0 {
        let note = format!("↓ {more} more");
        let note = if width(&note) <= w { note } else { "↓".to_string() };
        put(buf, x, y + (h - 1) as u16, &note, w, app.palette.marker.add_modifier(Modifier::BOLD));
    }
}
