//! Above the full-text index's results: the counts line(s) (order, articles by year and by
//! page) and the timeline chart (ratatui Sparklines, one per term, one column per year; the
//! year chosen marked). Each draws only inside the `Rect` it is given.

use super::put;
use crate::app::{App, ChartNorm, Mode, ResultOrder};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Sparkline, Widget};

/// The colours of the series (up to four terms).
const SERIES: [Color; 4] = [Color::Cyan, Color::Yellow, Color::Magenta, Color::Green];

/// The counts: the order, then articles by year and by page, on `area.height` lines (two at
/// widths ≥ 100: years, then pages; one collapsed line below).
pub(super) fn render_counts(app: &App, area: Rect, buf: &mut Buffer) {
    let r = app.research();
    let Some(a) = &r.answer else { return };
    if area.height == 0 || area.width == 0 {
        return;
    }
    let w = usize::from(area.width);
    let dim = Style::default().add_modifier(Modifier::DIM);
    let order = match r.order {
        ResultOrder::Date => "by date",
        ResultOrder::Relevance => "by relevance",
    };
    let total: usize = a.by_year.values().sum();
    let scope = match r.year {
        Some(y) => format!("{y} only ({} of {})", a.by_year.get(&y).copied().unwrap_or(0), total),
        None => crate::text::count(total, "article"),
    };
    let years: Vec<String> = a.by_year.iter().map(|(y, n)| format!("{}:{n}", year_label(*y))).collect();
    // the pages of the results shown: of the year chosen when narrowed (the whole query's
    // were shown under "1958 only (4 of 88)")
    let narrowed: Option<std::collections::BTreeMap<u32, usize>> = r.year.map(|y| {
        let mut m = std::collections::BTreeMap::new();
        for h in a.hits.iter().filter(|h| h.date / 10000 == y) {
            *m.entry(h.page).or_default() += 1;
        }
        m
    });
    let by_page = narrowed.as_ref().unwrap_or(&a.by_page);
    let pages: Vec<String> = by_page.iter().map(|(p, n)| format!("p{}:{n}", page_label(*p))).collect();
    if area.height >= 2 {
        let (head, pages) = two_lines(&scope, order, &a.by_year, &years, &pages, w);
        put(buf, area.x, area.y, &crate::text::fit(&head, w), w, dim);
        put(buf, area.x, area.y + 1, &crate::text::fit(&pages, w), w, dim);
    } else {
        let peak = a.by_year.iter().max_by_key(|(y, n)| (**n, std::cmp::Reverse(**y)));
        let span = match (a.by_year.keys().next(), a.by_year.keys().next_back()) {
            (Some(f), Some(l)) if f != l => format!(" · {}–{}", year_label(*f), year_label(*l)),
            _ => String::new(),
        };
        let peak = peak.map(|(y, n)| format!(" · most {} ({n})", year_label(*y))).unwrap_or_default();
        let head = format!("{scope} {order}{span}{peak}");
        put(buf, area.x, area.y, &crate::text::fit(&head, w), w, dim);
    }
}

/// The two counts lines: `88 articles by date · years 1946:4 1947:1 …` and `pages p1:12 …`
/// when every year fits. The list is 40 columns at 100x30 and the archive spans decades, so
/// they rarely do: the years line was cut after two (`1946:4 1947…`; the chart below shows
/// every year, but not their counts). Then the first line gives the span and the busiest years
/// with their articles, as many whole ones as the width holds, and the count and the order
/// go to the pages line: `years 1946–1989 · most 1963:9 1958:7 …` over
/// `88 articles by date · pages p1:12 …`.
pub fn two_lines(
    scope: &str,
    order: &str,
    by_year: &std::collections::BTreeMap<u32, usize>,
    years: &[String],
    pages: &[String],
    w: usize,
) -> (String, String) {
    use crate::text::width;
    let all = format!("{scope} {order} · years {}", years.join(" "));
    if width(&all) <= w || by_year.len() < 2 {
        return (all, format!("pages {}", pages.join(" ")));
    }
    let span = match (by_year.keys().next(), by_year.keys().next_back()) {
        (Some(f), Some(l)) => format!(" {}–{}", year_label(*f), year_label(*l)),
        _ => String::new(),
    };
    let mut busiest: Vec<(&u32, &usize)> = by_year.iter().collect();
    busiest.sort_by_key(|(y, n)| (std::cmp::Reverse(**n), **y));
    let mut head = format!("years{span} · most");
    let mut shown = 0;
    for (y, n) in &busiest {
        let next = format!(" {}:{n}", year_label(**y));
        // room kept for ` …` while years are left out
        let more = if shown + 1 < busiest.len() { 2 } else { 0 };
        if width(&head) + width(&next) + more > w {
            break;
        }
        head.push_str(&next);
        shown += 1;
    }
    if shown == 0 {
        // not even one: the span alone (and the busiest year, cut)
        head = match busiest.first() {
            Some((y, n)) => format!("years{span} · most {}:{n}", year_label(**y)),
            None => format!("years{span}"),
        };
    } else if shown < busiest.len() {
        head.push_str(" …");
    }
    (head, format!("{scope} {order} · pages {}", pages.join(" ")))
}

fn year_label(y: u32) -> String {
    if y == 0 {
        "?".into()
    } else {
        y.to_string()
    }
}

fn page_label(p: u32) -> String {
    if p == 0 {
        "?".into()
    } else {
        p.to_string()
    }
}

/// A value of the chart's label: one decimal, or two significant digits below 0.1, so that a
/// year with occurrences never reads `0.0` (one occurrence in a year of 30 million characters
/// is 0.033 per million).
fn value_label(v: f64) -> String {
    if v >= 0.1 || v <= 0.0 || !v.is_finite() {
        return format!("{v:.1}");
    }
    // 0.0338: 3 decimals (0.034); 0.0012: 4 (0.0012); never more than 6
    let decimals = (1.0 - v.log10().floor()).clamp(2.0, 6.0) as usize;
    format!("{v:.decimals$}")
}

/// The timeline: a label line (the year chosen and its values, the normalisation) and one
/// sparkline per term below it, one column per year; when the years do not fit, a window of
/// them around the year chosen.
pub(super) fn render_chart(app: &App, area: Rect, buf: &mut Buffer) {
    let r = app.research();
    let Some(a) = &r.answer else { return };
    if area.height == 0 || area.width == 0 {
        return;
    }
    let w = usize::from(area.width);
    let years = r.chart_years();
    let n = years.len();
    let series: Vec<_> = a.series.iter().take(SERIES.len()).collect();
    let focused = app.mode == Mode::Chart;
    let norm = match r.norm {
        ChartNorm::PerMillion => "per M chars",
        ChartNorm::PerArticle => "% of articles",
    };
    // the label: the year chosen and each term's value that year
    let sel = r.chart_sel.min(n.saturating_sub(1));
    let mut label = match years.get(sel) {
        Some(y) if focused => format!("◀{y}▶"),
        Some(y) => format!("{y}"),
        None => "no dated articles".into(),
    };
    for s in &series {
        if let Some(p) = s.years.get(sel) {
            label.push_str(&format!(" {} {}", crate::text::sanitize(&s.term), value_label(p.value(r.norm))));
        }
    }
    label.push_str(&format!(" · {norm}"));
    if focused {
        label.push_str(" · ←/→ Enter narrows");
    }
    let style = if focused { Style::default().add_modifier(Modifier::BOLD) } else { Style::default() };
    put(buf, area.x, area.y, &crate::text::fit(&label, w), w, style);
    let bars = area.height.saturating_sub(1);
    if bars == 0 || n == 0 || series.is_empty() {
        return;
    }
    // the window of years shown: all when they fit, else around the year chosen
    let cols = w.min(n);
    let first = sel.saturating_sub(cols / 2).min(n - cols);
    let per = (bars / series.len() as u16).max(1);
    let scale = 1000.0;
    for (k, s) in series.iter().enumerate() {
        let y = area.y + 1 + per * k as u16;
        if y >= area.bottom() {
            break;
        }
        let h = per.min(area.bottom() - y);
        let data: Vec<u64> =
            s.years.iter().skip(first).take(cols).map(|p| (p.value(r.norm) * scale).round() as u64).collect();
        let top = s.years.iter().map(|p| (p.value(r.norm) * scale).round() as u64).max().unwrap_or(0).max(1);
        let color = SERIES.get(k).copied().unwrap_or(Color::Cyan);
        Sparkline::default()
            .data(&data)
            .max(top)
            .style(Style::default().fg(color))
            .render(Rect::new(area.x, y, cols as u16, h), buf);
    }
    // the year chosen: reversed in the bars' bottom row
    let x = area.x + (sel - first) as u16;
    let yb = area.bottom() - 1;
    if let Some(cell) = buf.cell_mut((x, yb)) {
        if cell.symbol() == " " {
            cell.set_symbol("▁");
        }
        cell.set_style(Style::default().add_modifier(Modifier::REVERSED));
    }
}

#[cfg(test)]
mod tests {
    use super::value_label;

    /// One occurrence in a year of 30 million characters is 0.033 per million: the label said
    /// `0.0` beside a full bar (`1953 合作社 0.0` at 430k); below 0.1, two significant digits.
    #[test]
    fn a_small_value_is_not_shown_as_zero() {
        for (v, shown) in [
            (0.0338, "0.034"),
            (0.0012, "0.0012"),
            (0.09, "0.090"),
            (0.1, "0.1"),
            (786.84, "786.8"),
            (0.0, "0.0"),
            (1e-9, "0.000000"),
        ] {
            assert_eq!(value_label(v), shown, "{v}");
        }
    }
}
