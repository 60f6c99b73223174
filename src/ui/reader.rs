//! The reading pane: draws the visible rows of the article's cached layout, the gutter with
//! the current bead marked, glossary terms highlighted, and the glossary panel.

use super::put;
use crate::app::{App, Side};
use crate::layout::{Emphasis, Kind, Layout, Row, Segment, TextId, GUTTER};
use crate::text::{sanitize, width};
use crate::ui::palette::Palette;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

fn style(pal: &Palette, kind: Kind) -> Style {
    match kind {
        Kind::Title => pal.title.add_modifier(Modifier::BOLD),
        Kind::Meta => pal.meta,
        Kind::Note => Style::default().add_modifier(Modifier::DIM | Modifier::ITALIC),
        Kind::Chinese => pal.chinese,
        Kind::English => pal.english,
        Kind::Blank => Style::default(),
    }
}

/// Words to highlight: the glossary's Chinese terms and the English names in their glosses.
fn glossary_terms(app: &App) -> Vec<String> {
    let Some(a) = app.reader.article.as_ref().filter(|_| app.glossary) else { return Vec::new() };
    let mut terms = Vec::new();
    for g in &a.glossary {
        if width(&g.term) >= 2 {
            terms.push(g.term.clone());
        }
        // "Rénmín Rìbào (People's Daily)" -> "People's Daily"; "Zhou Enlai" -> itself
        let en = match (g.gloss.find('('), g.gloss.rfind(')')) {
            (Some(a), Some(b)) if a < b => &g.gloss[a + 1..b],
            _ => g.gloss.as_str(),
        };
        if en.is_ascii() && en.len() >= 3 {
            terms.push(en.to_string());
        }
    }
    terms
}

/// What to mark in the text: glossary terms, search hits (the current one apart), and the
/// styles to mark them with.
struct Marks {
    terms: Vec<String>,
    hits: Vec<(TextId, std::ops::Range<usize>)>,
    current: Option<usize>,
    term: Style,
    hit: Style,
    current_hit: Style,
}

/// Text positions to style, mapped to the row segments they cover (across line breaks):
/// emphasis, then glossary terms, then hits, then the current hit, so the later win.
fn overlays(layout: &Layout, marks: &Marks) -> Vec<(Segment, Style)> {
    let mut out = Vec::new();
    for t in &layout.texts {
        for (r, e) in &t.emphasis {
            let m = match e {
                Emphasis::Italic => Modifier::ITALIC,
                Emphasis::Bold => Modifier::BOLD,
                Emphasis::BoldItalic => Modifier::BOLD | Modifier::ITALIC,
            };
            let s = Style::default().add_modifier(m);
            out.extend(layout.segments(t.id, r.clone()).into_iter().map(|g| (g, s)));
        }
        for r in crate::text::find_all(&t.text, &marks.terms) {
            out.extend(layout.segments(t.id, r).into_iter().map(|g| (g, marks.term)));
        }
    }
    for (k, (id, r)) in marks.hits.iter().enumerate() {
        let s = if marks.current == Some(k) { marks.current_hit } else { marks.hit };
        out.extend(layout.segments(*id, r.clone()).into_iter().map(|g| (g, s)));
    }
    out
}

/// Draws the overlays of rows `top..top + height` of a layout drawn at `area`'s top, its
/// columns at x `lx` (width `lmax`) and `rx` (width `rmax`).
fn draw_overlays(buf: &mut Buffer, area: Rect, top: usize, cols: [(u16, usize); 2], ov: &[(Segment, Style)]) {
    for (g, style) in ov {
        if g.row < top || g.row >= top + usize::from(area.height) {
            continue;
        }
        let Some(&(x, max)) = cols.get(usize::from(g.right)) else { continue };
        if g.cols.start >= max {
            continue;
        }
        let w = g.cols.end.min(max) - g.cols.start;
        let y = area.y + (g.row - top) as u16;
        buf.set_style(Rect::new(x + g.cols.start as u16, y, w as u16, 1), *style);
    }
}

/// Draws one cell of text at x,y.
fn cell(buf: &mut Buffer, x: u16, y: u16, text: &str, max: usize, base: Style) {
    put(buf, x, y, text, max, base);
}

fn rows(layout: &Layout, top: usize, height: u16) -> impl Iterator<Item = (usize, &Row)> {
    layout.rows.iter().enumerate().skip(top).take(usize::from(height))
}

pub(super) fn render(app: &App, pane: Rect, buf: &mut Buffer) {
    let r = &app.reader;
    let (area, gloss_area) = app.reader_areas();
    // inside the pane given, always
    let area = area.intersection(pane);
    let gloss_area = gloss_area.intersection(pane);
    let w = usize::from(area.width);
    if let Some(err) = &r.error {
        let text = sanitize(err);
        for (k, line) in crate::layout::wrap(&text, w).iter().take(usize::from(pane.height)).enumerate() {
            put(buf, pane.x, pane.y + k as u16, line, w, app.palette.error);
        }
        return;
    }
    let Some(article) = &r.article else { return };
    let pal = &app.palette;
    // without colours (NO_COLOR) a hit still shows, in reverse video, and the current one
    // also underlined
    let plain = |s: Style, m: Modifier| if s.fg.is_none() && s.bg.is_none() { s.add_modifier(m) } else { s };
    let marks = Marks {
        term: pal.term.add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
        hit: plain(pal.highlight, Modifier::REVERSED),
        current_hit: plain(pal.current, Modifier::REVERSED | Modifier::UNDERLINED | Modifier::BOLD),
        terms: glossary_terms(app),
        hits: app.find.as_ref().map(|f| f.hits.clone()).unwrap_or_default(),
        current: app
            .find
            .as_ref()
            .filter(|f| app.mode != crate::app::Mode::Find && !f.hits.is_empty())
            .map(|f| f.current),
    };
    let layout = &r.layout;
    let (lw, rw) = (layout.left_width.min(w), layout.right_width);
    let gx = layout.left_width;
    let rx = gx + width(GUTTER);
    let dim = Style::default().add_modifier(Modifier::DIM);
    let mark = app.palette.marker.add_modifier(Modifier::BOLD);
    let warn = app.palette.warning.add_modifier(Modifier::BOLD);

    if let Some(split) = &r.split {
        // unlocked: two single-language layouts, each with its own top
        let active = app.palette.marker;
        // hits are in the active column only
        let none = Marks { hits: Vec::new(), current: None, terms: marks.terms.clone(), ..marks };
        let (en_marks, zh_marks) = if split.side == Side::En { (&marks, &none) } else { (&none, &marks) };
        let en_top = split.en.row_of(split.en_top);
        for (k, row) in rows(&split.en, en_top, area.height).map(|(_, r)| r).enumerate() {
            cell(buf, area.x, area.y + k as u16, &row.left.text, lw, style(pal, row.left.kind));
        }
        draw_overlays(buf, area, en_top, [(area.x, lw), (area.x, 0)], &overlays(&split.en, en_marks));
        let zh_top = split.zh.row_of(split.zh_top);
        if rx < w {
            let max = (w - rx).min(rw);
            for (k, row) in rows(&split.zh, zh_top, area.height).map(|(_, r)| r).enumerate() {
                cell(
                    buf,
                    area.x + rx as u16,
                    area.y + k as u16,
                    &row.left.text,
                    max,
                    style(pal, row.left.kind),
                );
            }
            let x = area.x + rx as u16;
            draw_overlays(buf, area, zh_top, [(x, max), (x, 0)], &overlays(&split.zh, zh_marks));
        }
        if gx < w {
            let g = if split.side == Side::En { " ◂ " } else { " ▸ " };
            for y in area.top()..area.bottom() {
                put(buf, area.x + gx as u16, y, g, w - gx, active);
            }
        }
    } else {
        let top = r.top_row();
        // the bead at the top is marked in the gutter of both columns
        let current = layout.blocks.get(layout.block_at(top)).filter(|b| b.bead.is_some());
        // the first row of each block whose bead's translation looks wrong carries a `!`
        let flagged = |i: usize| {
            let k = layout.block_at(i);
            let starts = layout.blocks.get(k).is_some_and(|b| b.start == i);
            starts && r.block_bead(k).is_some_and(|b| r.trust_of(b).is_some())
        };
        for (k, (i, row)) in rows(layout, top, area.height).enumerate() {
            let y = area.y + k as u16;
            cell(buf, area.x, y, &row.left.text, lw, style(pal, row.left.kind));
            if row.right.is_none() && !r.trust.is_empty() && lw + 1 < w && flagged(i) {
                // views without a gutter: in the margin kept on the right
                put(buf, area.x + lw as u16 + 1, y, "!", 1, warn);
            }
            if let Some(right) = &row.right {
                if gx < w {
                    let marked = current.is_some_and(|b| i >= b.start && i + 1 < b.start + b.len);
                    let (g, s) = if flagged(i) {
                        (" ! ", warn)
                    } else if marked {
                        (" ┃ ", mark)
                    } else {
                        (GUTTER, dim)
                    };
                    put(buf, area.x + gx as u16, y, g, w - gx, s);
                }
                if rx < w {
                    let max = (w - rx).min(rw);
                    cell(buf, area.x + rx as u16, y, &right.text, max, style(pal, right.kind));
                }
            }
        }
        let rmax = if rx < w { (w - rx).min(rw) } else { 0 };
        let cols = [(area.x, lw), (area.x + rx.min(w) as u16, rmax)];
        draw_overlays(buf, area, top, cols, &overlays(layout, &marks));
    }

    if let Some(f) = &app.find {
        // the search prompt, on the reader's last row, as in less
        let y = area.bottom().saturating_sub(1);
        let info = if app.mode == crate::app::Mode::Find {
            String::new()
        } else if f.hits.is_empty() {
            "  not found".to_string()
        } else {
            format!("  hit {}/{}  n/N next/prev  Esc closes", f.current + 1, f.hits.len())
        };
        let line = format!("{}{}{}", super::FIND_LABEL, f.prompt.text(), info);
        let style = Style::default().add_modifier(Modifier::REVERSED);
        buf.set_stringn(area.x, y, crate::text::fit(&sanitize(&line), w), w, style);
    }

    if gloss_area.width > 0 {
        let gw = usize::from(gloss_area.width);
        let x = gloss_area.x;
        for y in gloss_area.top()..gloss_area.bottom() {
            put(buf, x, y, "│", gw, dim);
        }
        let inner = gw.saturating_sub(2);
        let lines = glossary_lines(article, inner);
        let body = usize::from(gloss_area.height).saturating_sub(1);
        let scroll = app.gloss_scroll.min(max_scroll(lines.len(), body));
        let header =
            if scroll > 0 { format!("Named Entities ↑{scroll}") } else { "Named Entities".to_string() };
        put(buf, x + 2, gloss_area.y, &header, inner, Style::default().add_modifier(Modifier::BOLD));
        let rest = lines.len() - scroll;
        // when more follow, the last row says so (and how to scroll)
        let (shown, more) =
            if rest > body { (body.saturating_sub(1), rest - body.saturating_sub(1)) } else { (rest, 0) };
        for (k, (line, chinese, indent)) in
            lines.get(scroll..scroll + shown).unwrap_or(&[]).iter().enumerate()
        {
            let s = if *chinese { style(pal, Kind::Chinese) } else { Style::default() };
            let room = inner.saturating_sub(usize::from(*indent)).max(1);
            put(buf, x + 2 + indent, gloss_area.y + 1 + k as u16, line, room, s);
        }
        if more > 0 && body > 0 {
            let keys = match (
                super::status::key_for(app, crate::keys::Action::GlossaryUp),
                super::status::key_for(app, crate::keys::Action::GlossaryDown),
            ) {
                (Some(u), Some(d)) => format!(" {u} {d}"),
                _ => String::new(),
            };
            // the long form where it fits
            let long = format!("↓ {more} more:{keys} scroll");
            let note = if width(&long) <= inner { long } else { format!("↓ {more} more{keys}") };
            put(
                buf,
                x + 2,
                gloss_area.bottom() - 1,
                &note,
                inner,
                app.palette.marker.add_modifier(Modifier::BOLD),
            );
        }
    }
}

/// The glossary panel's lines at this width: each term (Chinese), then its gloss indented.
fn glossary_lines(article: &crate::corpus::Article, inner: usize) -> Vec<(String, bool, u16)> {
    let mut out = Vec::new();
    for g in &article.glossary {
        for (text, chinese, indent) in [(&g.term, true, 0u16), (&g.gloss, false, 2)] {
            let room = inner.saturating_sub(usize::from(indent)).max(1);
            for line in crate::layout::wrap(&sanitize(text), room) {
                out.push((line, chinese, indent));
            }
        }
    }
    out
}

/// The furthest the panel scrolls: the last line on the last row.
fn max_scroll(lines: usize, body: usize) -> usize {
    lines.saturating_sub(body)
}

/// The furthest the glossary panel can scroll for the app as it is (0 when closed).
pub fn glossary_max_scroll(app: &App) -> usize {
    let (_, g) = app.reader_areas();
    match &app.reader.article {
        Some(a) if g.width > 0 => {
            let lines = glossary_lines(a, usize::from(g.width).saturating_sub(2)).len();
            max_scroll(lines, usize::from(g.height).saturating_sub(1))
        }
        _ => 0,
    }
}
