//! The concordance view (`K` in the index's results): one line per occurrence, date and page
//! at left, the hits in one column (CJK counted double), the title at right where wide enough;
//! under it, the selected hit's paragraph pair (Enter): the Chinese with the hit marked and
//! the aligned English beside it. Draws only inside the `Rect` it is given.

use super::put;
use crate::app::{thousands, App, ConcordLine};
use crate::text::{sanitize, tail, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

/// The columns of the concordance at a width: (date and page shown, left context, the hit
/// column's width, right context, title).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// Date and page at left.
    pub meta: bool,
    /// Columns of left context.
    pub left: usize,
    /// Columns kept for the hit.
    pub hit: usize,
    /// Columns of right context.
    pub right: usize,
    /// Columns of title (0: none).
    pub title: usize,
}

/// The width of `date page ` at the left of a line.
pub const META: usize = 10 + 1 + 3 + 2;

/// Lays the columns out for `w` terminal columns and hits up to `hit` wide.
pub fn columns(w: usize, hit: usize) -> Columns {
    let meta = w >= 50;
    let title = if w >= 100 { (w / 5).min(40) } else { 0 };
    let rest = w.saturating_sub(if meta { META } else { 0 } + if title > 0 { title + 2 } else { 0 });
    let hit = hit.min(rest / 3).max(1);
    let ctx = rest.saturating_sub(hit + 2);
    let left = ctx / 2;
    Columns { meta, left, hit, right: ctx - left, title }
}

/// A result's first hit in context on one row of `w` columns, as ProQuest and Google Books
/// show it: `3× …left context HIT right context…` (the count when more than one and there is room), the hit
/// about two fifths in (more right context than left, as one reads on), each side given
/// what the other does not need, `…` where a context was cut, Chinese counted double. Every
/// part sanitised. Returns the text and the hit's byte range in it (for the highlight).
pub fn snippet(s: &crate::app::Snippet, w: usize) -> Option<(String, std::ops::Range<usize>)> {
    let l = s.line.as_ref()?;
    let count = if s.occurrences > 1 && w >= 16 { format!("{}× ", s.occurrences) } else { String::new() };
    let w = w.saturating_sub(width(&count));
    let hit_s = sanitize(&l.hit);
    let hit = crate::text::truncate(&hit_s, w);
    let left_s = sanitize(l.left.trim_start());
    let right_s = sanitize(l.right.trim_end());
    let (lw, rw) = (width(&left_s), width(&right_s));
    let room = w.saturating_sub(width(hit));
    let (mut lb, mut rb) = (room * 2 / 5, room - room * 2 / 5);
    if lw < lb {
        rb += lb - lw;
        lb = lw;
    } else if rw < rb {
        lb += rb - rw;
        rb = rw;
    }
    let left = if lw > lb && lb > 0 {
        format!("…{}", tail(&left_s, lb - 1))
    } else {
        tail(&left_s, lb).to_string()
    };
    let right = if rw > rb && rb > 0 {
        format!("{}…", crate::text::truncate(&right_s, rb - 1))
    } else {
        crate::text::truncate(&right_s, rb).to_string()
    };
    let start = count.len() + left.len();
    Some((format!("{count}{left}{hit}{right}"), start..start + hit.len()))
}

/// One concordance line as the spans drawn: meta, left (padded so the hit starts in the
/// column after it), hit, right, title.
pub fn line_parts(l: &ConcordLine, c: &Columns) -> [String; 5] {
    let meta = if c.meta {
        let page = if l.page == 0 { "?".to_string() } else { l.page.to_string() };
        format!("{} {:>3}  ", sanitize(&l.date), page)
    } else {
        String::new()
    };
    let left_s = sanitize(&l.left);
    let left = tail(&left_s, c.left);
    let left = format!("{}{left}", " ".repeat(c.left.saturating_sub(width(left))));
    let hit_s = sanitize(&l.hit);
    let hit = crate::text::truncate(&hit_s, c.hit).to_string();
    let right_s = sanitize(&l.right);
    let right_w = c.right + c.hit.saturating_sub(width(&hit));
    let right = crate::text::fit(&right_s, right_w);
    let title = if c.title > 0 { crate::text::fit(&sanitize(&l.title), c.title) } else { String::new() };
    [meta, left, hit, right, title]
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(k) = &app.research().kwic else { return };
    if area.height == 0 || area.width == 0 {
        return;
    }
    for y in area.top()..area.bottom() {
        put(buf, area.x, y, &" ".repeat(usize::from(area.width)), usize::from(area.width), Style::default());
    }
    let w = usize::from(area.width);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().add_modifier(Modifier::DIM);
    let count = k.lines.as_ref().map_or("…".to_string(), |l| crate::text::count(l.len(), "occurrence"));
    let head = format!(
        "concordance: {} · {count} · by {} · s sort · Enter pair · o open · Esc",
        sanitize(&k.query),
        k.sort.label()
    );
    put(buf, area.x, area.y, &crate::text::fit(&head, w), w, bold);
    let Some(lines) = &k.lines else {
        if area.height > 1 {
            let line = match k.progress() {
                Some((read, of)) => format!("reading the articles… {}/{}", thousands(read), thousands(of)),
                None => "reading the articles…".to_string(),
            };
            put(buf, area.x, area.y + 1, &line, w, dim);
        }
        return;
    };
    let rows = app.kwic_rows().min(usize::from(area.height.saturating_sub(1)));
    let shown = lines.iter().skip(k.offset).take(rows);
    let hit_w = lines.iter().skip(k.offset).take(rows).map(|l| width(&sanitize(&l.hit))).max().unwrap_or(1);
    let c = columns(w, hit_w);
    for (i, l) in shown.enumerate() {
        let y = area.y + 1 + i as u16;
        let selected = k.offset + i == k.sel;
        let base =
            if selected { Style::default().add_modifier(Modifier::REVERSED) } else { Style::default() };
        let [meta, left, hit, right, title] = line_parts(l, &c);
        let mut x = area.x;
        let mut room = w;
        let ctx_sep = if c.title > 0 { "  " } else { "" };
        for (text, style) in [
            (meta.as_str(), base.patch(dim)),
            (left.as_str(), base),
            (" ", base),
            (hit.as_str(), base.add_modifier(Modifier::BOLD).fg(ratatui::style::Color::Yellow)),
            (" ", base),
            (right.as_str(), base),
            (ctx_sep, base),
            (title.as_str(), base.patch(dim)),
        ] {
            if room == 0 {
                break;
            }
            let used = put(buf, x, y, text, room, style);
            x += used as u16;
            room -= used;
        }
    }
    if lines.is_empty() && area.height > 1 {
        put(buf, area.x, area.y + 1, "No occurrence in the articles' text.", w, dim);
    }
    // the preview: the lower part
    let Some(p) = &k.preview else { return };
    let top = area.y + 1 + rows as u16;
    if top >= area.bottom() {
        return;
    }
    let pane = Rect::new(area.x, top, area.width, area.bottom() - top);
    let block = Block::default().borders(Borders::TOP).title(" paragraph pair · Enter opens at the hit ");
    let inner = block.inner(pane);
    block.render(pane, buf);
    if let Some(e) = &p.error {
        put(buf, inner.x, inner.y, &sanitize(e), usize::from(inner.width), dim);
        return;
    }
    if p.zh.is_empty() && p.en.is_empty() {
        put(buf, inner.x, inner.y, "reading…", usize::from(inner.width), dim);
        return;
    }
    let zh_w = inner.width / 2;
    let zh_area = Rect::new(inner.x, inner.y, zh_w.saturating_sub(1), inner.height);
    let en_area = Rect::new(inner.x + zh_w, inner.y, inner.width - zh_w, inner.height);
    let mark = Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD);
    for (text, is_zh, a) in [(&p.zh, true, zh_area), (&p.en, false, en_area)] {
        let hit = p.hit.as_ref().filter(|(z, _)| *z == is_zh).map(|(_, r)| r.clone());
        let line = match hit {
            Some(r) => Line::from(vec![
                Span::raw(sanitize(text.get(..r.start).unwrap_or("")).into_owned()),
                Span::styled(sanitize(text.get(r.clone()).unwrap_or("")).into_owned(), mark),
                Span::raw(sanitize(text.get(r.end..).unwrap_or("")).into_owned()),
            ]),
            None => Line::from(sanitize(text).into_owned()),
        };
        // the hit's line in view: skip the rows above it when the paragraph is long
        let scroll =
            hit_row(text, p.hit.as_ref().filter(|(z, _)| *z == is_zh).map(|(_, r)| r.start), a.width);
        let scroll = scroll.saturating_sub(a.height / 2);
        Paragraph::new(line).wrap(Wrap { trim: false }).scroll((scroll, 0)).render(a, buf);
    }
}

/// About which wrapped row the byte `at` of `text` falls on at `w` columns.
fn hit_row(text: &str, at: Option<usize>, w: u16) -> u16 {
    let Some(at) = at else { return 0 };
    let before = text.get(..at).unwrap_or("");
    (width(before) / usize::from(w.max(1))) as u16
}
