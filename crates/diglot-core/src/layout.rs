//! The reading pane's content as rows of plain, sanitized, wrapped text: pure, no terminal
//! types, shared by the TUI (which styles and draws only the visible rows) and `diglot show`.
//!
//! The content is cut into blocks: the header, then one block per bead (views "both" and
//! "interleaved") or per paragraph (one language alone). A reading position is a block and a
//! row offset inside it, so it survives resizes; blocks carry the paragraphs they hold, so a
//! position can be carried from one view to another.
//!
//! Every cell of text is a piece of one of the layout's [`Text`]s (a header line or a
//! paragraph, as displayed: sanitized, Markdown emphasis markers taken out), and each text
//! knows the row pieces it was wrapped into. So positions in the text (search hits, glossary
//! terms, emphasis) map to the row segments they cover at any view and width
//! ([`Layout::segments`]), across line breaks, and a search of the texts ([`Layout::find`])
//! finds the same occurrences at every width.

use crate::align::Bead;
use crate::corpus::Article;
use crate::text::{sanitize, width};
pub use crate::text::{strip_emphasis, Emphasis};
use std::collections::HashMap;
use std::ops::Range;
use textwrap::{Options, WordSeparator, WrapAlgorithm};

/// Below this many columns, view "both" shows the languages interleaved instead.
pub const BOTH_MIN_WIDTH: u16 = 44;
/// The gutter between the two columns of view "both".
pub const GUTTER: &str = " │ ";
const GUTTER_WIDTH: usize = 3;

/// How the reading pane shows an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum View {
    /// English left, Chinese right, beads lined up.
    #[default]
    Both,
    /// English alone.
    English,
    /// Chinese alone.
    Chinese,
    /// Each bead's English with its Chinese beneath.
    Interleaved,
}

impl View {
    /// The `v` cycle: both -> English -> Chinese -> interleaved -> both.
    pub fn next(self) -> View {
        match self {
            View::Both => View::English,
            View::English => View::Chinese,
            View::Chinese => View::Interleaved,
            View::Interleaved => View::Both,
        }
    }

    /// Short name for the status bar and `--lang`.
    pub fn name(self) -> &'static str {
        match self {
            View::Both => "both",
            View::English => "en",
            View::Chinese => "zh",
            View::Interleaved => "interleaved",
        }
    }

    /// The view actually used at `width` columns ("both" becomes "interleaved" when narrow).
    pub fn effective(self, width: u16) -> View {
        if self == View::Both && width < BOTH_MIN_WIDTH {
            View::Interleaved
        } else {
            self
        }
    }
}

/// What a row of text is, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Nothing.
    Blank,
    /// A title line.
    Title,
    /// Date, page, section, authors.
    Meta,
    /// English body text.
    English,
    /// Chinese body text.
    Chinese,
    /// A note from diglot itself, such as "(no Chinese text)".
    Note,
}

/// One cell of a row: text that fits its column, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Sanitized text, at most the column's width.
    pub text: String,
    /// For styling.
    pub kind: Kind,
    /// The text this cell shows a piece of (an index into [`Layout::texts`]) and the piece's
    /// byte range in it; `None` for blank rows.
    pub src: Option<(usize, Range<usize>)>,
}

impl Cell {
    fn blank() -> Self {
        Cell { text: String::new(), kind: Kind::Blank, src: None }
    }
}

/// Which text of the article a [`Text`] is: stable across widths and views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextId {
    /// Line `line` of the header of one language (title, date, authors, column).
    Header {
        /// The Chinese header.
        zh: bool,
        /// The line, from 0.
        line: usize,
    },
    /// An English paragraph.
    En(usize),
    /// A Chinese paragraph.
    Zh(usize),
    /// diglot's own note, such as "(no Chinese text)".
    Note,
}

/// Where a piece of a text is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The row.
    pub row: usize,
    /// In the right column of view "both".
    pub right: bool,
    /// Byte range in the text.
    pub range: Range<usize>,
}

/// A header line or a paragraph as displayed, and where it is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// Which one.
    pub id: TextId,
    /// Sanitized, emphasis markers removed.
    pub text: String,
    /// Emphasized byte ranges of `text`.
    pub emphasis: Vec<(Range<usize>, Emphasis)>,
    /// The pieces it was wrapped into, in order.
    pub pieces: Vec<Piece>,
}

/// The columns a range of a text covers on one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The row.
    pub row: usize,
    /// In the right column of view "both".
    pub right: bool,
    /// Columns from the start of the cell.
    pub cols: Range<usize>,
}

/// A screen row: one cell, or two in view "both".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The left (or only) cell.
    pub left: Cell,
    /// The right cell, in view "both" only.
    pub right: Option<Cell>,
}

/// A run of rows that belong together: the header, a bead, or a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// First row.
    pub start: usize,
    /// Number of rows, the blank separator row included.
    pub len: usize,
    /// English paragraphs shown in the block.
    pub en: Range<usize>,
    /// Chinese paragraphs shown in the block.
    pub zh: Range<usize>,
    /// The bead, when the block is one.
    pub bead: Option<usize>,
}

/// The whole wrapped content of an article for one view and width.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The view actually laid out.
    pub view: View,
    /// Total width.
    pub width: u16,
    /// Width of the left (or only) column.
    pub left_width: usize,
    /// Width of the right column (view "both"), else 0.
    pub right_width: usize,
    /// All rows.
    pub rows: Vec<Row>,
    /// Blocks tiling the rows, in order; block 0 is the header.
    pub blocks: Vec<Block>,
    /// The texts shown, in the order they were laid out.
    pub texts: Vec<Text>,
    /// Where each text is in `texts`.
    pub text_index: HashMap<TextId, usize>,
}

/// A position in the content that survives resizes and view changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Block index in the layout it was taken from.
    pub block: usize,
    /// Row offset inside the block.
    pub offset: usize,
}

impl Layout {
    /// The text `id`, when this layout shows it.
    pub fn text(&self, id: TextId) -> Option<&Text> {
        self.text_index.get(&id).and_then(|&k| self.texts.get(k))
    }

    /// The row segments covered by the byte range `range` of the text `id`, in order: one per
    /// row the range reaches (a phrase split by wrapping gives two); the spaces a line break
    /// swallowed are in none.
    pub fn segments(&self, id: TextId, range: Range<usize>) -> Vec<Segment> {
        let Some(t) = self.text(id) else { return Vec::new() };
        let mut out = Vec::new();
        for p in &t.pieces {
            if p.range.end <= range.start || p.range.start >= range.end {
                continue;
            }
            let (a, b) = (range.start.max(p.range.start), range.end.min(p.range.end));
            let (Some(lead), Some(mid)) = (t.text.get(p.range.start..a), t.text.get(a..b)) else {
                continue;
            };
            let c = width(lead);
            out.push(Segment { row: p.row, right: p.right, cols: c..c + width(mid) });
        }
        out
    }

    /// The first row showing the byte `at` of the text `id` (or the next piece after it).
    pub fn row_of_text(&self, id: TextId, at: usize) -> Option<usize> {
        let t = self.text(id)?;
        t.pieces.iter().find(|p| p.range.end > at).or(t.pieces.last()).map(|p| p.row)
    }

    /// Every occurrence of `needle` in the texts shown, with smart case (see
    /// [`crate::text::find_all_smart`]), in reading order (by row, left column first): the
    /// same occurrences at every width, found across line breaks.
    pub fn find(&self, needle: &str) -> Vec<(TextId, Range<usize>)> {
        if needle.is_empty() {
            return Vec::new();
        }
        let needles = [needle.to_string()];
        let mut hits: Vec<(usize, bool, usize, TextId, Range<usize>)> = Vec::new();
        for t in &self.texts {
            for r in crate::text::find_all_smart(&t.text, &needles) {
                let p = t.pieces.iter().find(|p| p.range.end > r.start).or(t.pieces.last());
                let (row, right) = p.map_or((usize::MAX, false), |p| (p.row, p.right));
                hits.push((row, right, r.start, t.id, r));
            }
        }
        hits.sort_by_key(|h| (h.0, h.1, h.2));
        hits.into_iter().map(|h| (h.3, h.4)).collect()
    }

    /// The block holding `row`.
    pub fn block_at(&self, row: usize) -> usize {
        self.blocks.partition_point(|b| b.start <= row).saturating_sub(1)
    }

    /// The position of a row.
    pub fn position(&self, row: usize) -> Position {
        let block = self.block_at(row);
        let start = self.blocks.get(block).map_or(0, |b| b.start);
        Position { block, offset: row.saturating_sub(start) }
    }

    /// The row of a position taken from this same layout (or one of the same view at
    /// another width: the block index is the same, the offset is clamped).
    pub fn row_of(&self, pos: Position) -> usize {
        match self.blocks.get(pos.block) {
            Some(b) => b.start + pos.offset.min(b.len.saturating_sub(1)),
            None => self.rows.len().saturating_sub(1),
        }
    }

    /// Carries a position from another layout (another view) to this one: the block holding
    /// the paragraph that was at the top, in a language both views show.
    pub fn translate(&self, pos: Position, from: &Layout) -> Position {
        let Some(old) = from.blocks.get(pos.block) else { return Position::default() };
        if pos.block == 0 {
            return Position::default();
        }
        let shows_en = self.view != View::Chinese;
        let shows_zh = self.view != View::English;
        let target = if shows_en && !old.en.is_empty() && from.view != View::Chinese {
            Some((false, old.en.start))
        } else if shows_zh && !old.zh.is_empty() {
            Some((true, old.zh.start))
        } else if shows_en && !old.en.is_empty() {
            Some((false, old.en.start))
        } else {
            None
        };
        let side = |b: &Block, zh: bool| if zh { b.zh.clone() } else { b.en.clone() };
        let found = match target {
            Some((zh, para)) => self.blocks.iter().skip(1).position(|b| side(b, zh).contains(&para)),
            None => {
                // The old block shows nothing this view shows (a 1-0 bead going to Chinese):
                // the next block that does.
                let (zh, para) = if shows_zh { (true, old.zh.start) } else { (false, old.en.start) };
                self.blocks.iter().skip(1).position(|b| {
                    let r = side(b, zh);
                    !r.is_empty() && r.start >= para
                })
            }
        };
        Position { block: found.map_or(self.blocks.len().saturating_sub(1), |k| k + 1), offset: 0 }
    }
}

/// Wraps one paragraph to `width` columns: UAX #14 line breaking (so Chinese breaks between
/// characters), first fit, words longer than a line broken. Never returns an empty vector.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let clean = sanitize(text);
    wrap_ranges(&clean, cols).into_iter().map(|r| clean[r].to_string()).collect()
}

/// [`wrap`] of a sanitized text, as the byte range of each line in it (trailing spaces
/// left out; a double-width character that cannot fit a 1-column line clipped).
pub fn wrap_ranges(clean: &str, cols: usize) -> Vec<Range<usize>> {
    let opts = Options::new(cols.max(1))
        .word_separator(WordSeparator::UnicodeBreakProperties)
        .wrap_algorithm(WrapAlgorithm::FirstFit)
        .break_words(true);
    let base = clean.as_ptr() as usize;
    let mut cursor = 0;
    let mut out: Vec<Range<usize>> = Vec::new();
    for l in textwrap::wrap(clean, opts) {
        let l = l.trim_end();
        // the line is a slice of `clean` (no indent is asked for); found after the last one
        // if textwrap ever copies it
        let at = (l.as_ptr() as usize).wrapping_sub(base);
        let start = if at <= clean.len() && clean.get(at..at + l.len()) == Some(l) {
            at
        } else {
            match clean.get(cursor..).and_then(|rest| rest.find(l)) {
                Some(k) => cursor + k,
                None => continue,
            }
        };
        // a double-width character cannot be split: clip what still overflows
        let shown =
            if width(l) > cols.max(1) { crate::text::truncate(l, cols.max(1)).len() } else { l.len() };
        out.push(start..start + shown);
        cursor = start + l.len();
    }
    if out.is_empty() {
        out.push(0..0);
    }
    out
}

/// Lays out one text: records it in `texts` and returns its wrapped cells.
fn cells(texts: &mut Vec<Text>, id: TextId, raw: &str, w: usize, kind: Kind) -> Vec<Cell> {
    let clean = sanitize(raw);
    // Markdown emphasis in the English is shown as italics and bold, not asterisks
    let (text, emphasis) = match id {
        TextId::En(_) | TextId::Header { zh: false, .. } => strip_emphasis(&clean),
        _ => (clean.into_owned(), Vec::new()),
    };
    let k = texts.len();
    let cells = wrap_ranges(&text, w)
        .into_iter()
        .map(|r| Cell { text: text[r.clone()].to_string(), kind, src: Some((k, r)) })
        .collect();
    texts.push(Text { id, text, emphasis, pieces: Vec::new() });
    cells
}

/// The header lines of one language.
fn header(texts: &mut Vec<Text>, article: &Article, zh: bool, w: usize) -> Vec<Cell> {
    let m = &article.meta;
    let mut out = Vec::new();
    let mut line = 0;
    let mut cells = |text: &str, w: usize, kind: Kind| {
        line += 1;
        cells(texts, TextId::Header { zh, line: line - 1 }, text, w, kind)
    };
    if zh {
        let t = m.title_zh_full();
        out.extend(cells(if t.is_empty() { "(无中文标题)" } else { &t }, w, Kind::Title));
        let mut line = m.date_string();
        if let Some(p) = m.page {
            line.push_str(&format!(" · 第{p}版"));
        }
        if !m.section.is_empty() {
            line.push_str(&format!(" · {}", m.section));
        }
        out.extend(cells(&line, w, Kind::Meta));
        if !m.authors_zh.is_empty() {
            out.extend(cells(&m.authors_zh.join("　"), w, Kind::Meta));
        }
        if !m.column_zh.is_empty() {
            out.extend(cells(&format!("专栏：{}", m.column_zh), w, Kind::Meta));
        }
    } else {
        let t = if m.title_en.is_empty() { "(no English title)" } else { &m.title_en };
        out.extend(cells(t, w, Kind::Title));
        let mut line = m.date_string();
        if let Some(p) = m.page {
            line.push_str(&format!(" · page {p}"));
        }
        out.extend(cells(&line, w, Kind::Meta));
        if !m.authors_en.is_empty() {
            out.extend(cells(&format!("By {}", m.authors_en.join(", ")), w, Kind::Meta));
        }
        if !m.column_en.is_empty() {
            out.extend(cells(&format!("Column: {}", m.column_en), w, Kind::Meta));
        }
    }
    out
}

/// The paragraphs `range` of one language, wrapped, a blank line between paragraphs.
fn paras(texts: &mut Vec<Text>, article: &Article, zh: bool, range: Range<usize>, w: usize) -> Vec<Cell> {
    let mut out = Vec::new();
    for i in range {
        if !out.is_empty() {
            out.push(Cell::blank());
        }
        let (text, kind, id) = if zh {
            (article.zh_para(i), Kind::Chinese, TextId::Zh(i))
        } else {
            (article.en_para(i), Kind::English, TextId::En(i))
        };
        out.extend(cells(texts, id, text, w, kind));
    }
    out
}

struct Builder {
    rows: Vec<Row>,
    blocks: Vec<Block>,
    two: bool,
    texts: Vec<Text>,
}

impl Builder {
    fn push(
        &mut self,
        left: Vec<Cell>,
        right: Vec<Cell>,
        en: Range<usize>,
        zh: Range<usize>,
        bead: Option<usize>,
    ) {
        let start = self.rows.len();
        // each text learns the rows its pieces went to
        let texts = &mut self.texts;
        let mut place = |c: &Cell, row: usize, right: bool| {
            if let Some((k, r)) = &c.src {
                if let Some(t) = texts.get_mut(*k) {
                    t.pieces.push(Piece { row, right, range: r.clone() });
                }
            }
        };
        if self.two {
            let row0 = self.rows.len();
            for (k, c) in left.iter().enumerate() {
                place(c, row0 + k, false);
            }
            for (k, c) in right.iter().enumerate() {
                place(c, row0 + k, true);
            }
            let n = left.len().max(right.len());
            let mut l = left.into_iter();
            let mut r = right.into_iter();
            for _ in 0..n {
                self.rows.push(Row {
                    left: l.next().unwrap_or_else(Cell::blank),
                    right: Some(r.next().unwrap_or_else(Cell::blank)),
                });
            }
            self.rows.push(Row { left: Cell::blank(), right: Some(Cell::blank()) });
        } else {
            for c in left.into_iter().chain(right) {
                place(&c, self.rows.len(), false);
                self.rows.push(Row { left: c, right: None });
            }
            self.rows.push(Row { left: Cell::blank(), right: None });
        }
        self.blocks.push(Block { start, len: self.rows.len() - start, en, zh, bead });
    }
}

/// Lays out an article for a view at `width` columns. `beads` must cover the paragraphs
/// (see [`crate::align`]); they are used by the views that show both languages.
pub fn layout(article: &Article, beads: &[Bead], view: View, width: u16) -> Layout {
    let view = view.effective(width);
    let w = usize::from(width.max(1));
    let two = view == View::Both;
    let (lw, rw) = if two {
        let inner = w.saturating_sub(GUTTER_WIDTH).max(2);
        (inner / 2, inner - inner / 2)
    } else {
        (w, 0)
    };
    let mut b = Builder { rows: Vec::new(), blocks: Vec::new(), two, texts: Vec::new() };
    let (ne, nz) = (article.en.len(), article.zh.len());
    match view {
        View::Both => {
            let (l, r) = (header(&mut b.texts, article, false, lw), header(&mut b.texts, article, true, rw));
            b.push(l, r, 0..0, 0..0, None);
            for (k, bead) in beads.iter().enumerate() {
                let l = paras(&mut b.texts, article, false, bead.en.clone(), lw);
                let r = paras(&mut b.texts, article, true, bead.zh.clone(), rw);
                b.push(l, r, bead.en.clone(), bead.zh.clone(), Some(k));
            }
        }
        View::Interleaved => {
            let mut h = header(&mut b.texts, article, false, lw);
            h.push(Cell::blank());
            h.extend(header(&mut b.texts, article, true, lw));
            b.push(h, Vec::new(), 0..0, 0..0, None);
            for (k, bead) in beads.iter().enumerate() {
                let mut cells = paras(&mut b.texts, article, false, bead.en.clone(), lw);
                if !bead.en.is_empty() && !bead.zh.is_empty() {
                    cells.push(Cell::blank());
                }
                cells.extend(paras(&mut b.texts, article, true, bead.zh.clone(), lw));
                b.push(cells, Vec::new(), bead.en.clone(), bead.zh.clone(), Some(k));
            }
        }
        View::English | View::Chinese => {
            let zh = view == View::Chinese;
            let h = header(&mut b.texts, article, zh, lw);
            b.push(h, Vec::new(), 0..0, 0..0, None);
            let n = if zh { nz } else { ne };
            for i in 0..n {
                let cells = paras(&mut b.texts, article, zh, i..i + 1, lw);
                // The other language's paragraphs of the bead holding this one, so a position
                // can be carried to another view.
                let bead = beads.iter().find(|b| if zh { b.zh.contains(&i) } else { b.en.contains(&i) });
                let (en, zhr) = match (zh, bead) {
                    (true, Some(b)) => (b.en.clone(), i..i + 1),
                    (false, Some(b)) => (i..i + 1, b.zh.clone()),
                    (true, None) => (0..0, i..i + 1),
                    (false, None) => (i..i + 1, 0..0),
                };
                b.push(cells, Vec::new(), en, zhr, None);
            }
            if n == 0 {
                let note = if zh { "(no Chinese text)" } else { "(no English text)" };
                let at = 0..0;
                let c = cells(&mut b.texts, TextId::Note, note, lw, Kind::Note);
                b.push(c, Vec::new(), at.clone(), at, None);
            }
        }
    }
    let text_index = b.texts.iter().enumerate().map(|(k, t)| (t.id, k)).collect();
    Layout {
        view,
        width,
        left_width: lw,
        right_width: rw,
        rows: b.rows,
        blocks: b.blocks,
        texts: b.texts,
        text_index,
    }
}

/// A row as plain text: two columns joined by the gutter, trailing spaces removed.
pub fn plain_row(layout: &Layout, row: &Row) -> String {
    let mut s = match &row.right {
        Some(r) => {
            let mut s = crate::text::fit(&row.left.text, layout.left_width);
            s.push_str(GUTTER);
            s.push_str(&r.text);
            s
        }
        None => row.left.text.clone(),
    };
    s.truncate(s.trim_end().len());
    s
}

/// The widest row, in columns (for tests).
pub fn max_row_width(layout: &Layout) -> usize {
    layout.rows.iter().map(|r| width(&plain_row(layout, r))).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::align_naive;
    use crate::corpus::parse;
    use proptest::prelude::*;
    use std::path::Path;

    const ART: &str = "Title: One Two\nAuthor: A B\nDate: 1960-01-02\nPage: 3\n\n    First paragraph in English, long enough to wrap at narrow widths.\n    Second one.\n    Third one, with more words to wrap around.\n\n<hr /> \n\nOriginal: \n\n### 一二\n\n1960-01-02\n第3版()\n专栏：\n\n    第一段中文，足够长，可以在窄的宽度下换行。\n    第二段。\n    第三段，还有更多的字需要换行。\n";

    fn article() -> (Article, Vec<Bead>) {
        let a = parse(Path::new("t.md"), ART);
        let beads = align_naive(a.en.len(), a.zh.len());
        (a, beads)
    }

    #[test]
    fn both_starts_each_bead_on_one_row_in_both_columns() {
        let (a, beads) = article();
        let l = layout(&a, &beads, View::Both, 50);
        for b in &l.blocks[1..] {
            let row = &l.rows[b.start];
            assert!(!row.left.text.is_empty() && !row.right.as_ref().unwrap().text.is_empty());
        }
        assert_eq!(l.blocks.len(), 1 + beads.len());
    }

    #[test]
    fn view_changes_keep_the_paragraph() {
        let (a, beads) = article();
        let both = layout(&a, &beads, View::Both, 60);
        let en = layout(&a, &beads, View::English, 60);
        let zh = layout(&a, &beads, View::Chinese, 60);
        let inter = layout(&a, &beads, View::Interleaved, 60);
        // third bead at the top of view both
        let pos = Position { block: 3, offset: 0 };
        let p_en = en.translate(pos, &both);
        assert_eq!(en.blocks[p_en.block].en, 2..3);
        let p_zh = zh.translate(p_en, &en);
        assert_eq!(zh.blocks[p_zh.block].zh, 2..3);
        let p_in = inter.translate(p_zh, &zh);
        assert_eq!(inter.blocks[p_in.block].zh, 2..3);
        let back = both.translate(p_in, &inter);
        assert_eq!(back.block, 3);
    }

    #[test]
    fn narrow_both_becomes_interleaved() {
        let (a, beads) = article();
        assert_eq!(layout(&a, &beads, View::Both, BOTH_MIN_WIDTH - 1).view, View::Interleaved);
        assert_eq!(layout(&a, &beads, View::Both, BOTH_MIN_WIDTH).view, View::Both);
    }

    fn seed() -> (Article, Vec<Bead>) {
        let p = crate::corpus::seeds::paths()
            .into_iter()
            .find(|p| p.to_string_lossy().contains("000_018d"))
            .unwrap();
        let text = String::from_utf8_lossy(crate::corpus::seeds::get(&p).unwrap()).into_owned();
        let a = parse(&p, &text);
        let beads = align_naive(a.en.len(), a.zh.len());
        (a, beads)
    }

    /// The text a segment covers, read back from the row's cell.
    fn covered(l: &Layout, g: &Segment) -> String {
        let row = &l.rows[g.row];
        let cell = if g.right { row.right.as_ref().unwrap() } else { &row.left };
        let mut col = 0;
        cell.text
            .chars()
            .filter(|c| {
                let inside = col >= g.cols.start && col < g.cols.end;
                col += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                inside
            })
            .collect()
    }

    #[test]
    fn find_counts_every_occurrence_at_every_width_across_line_breaks() {
        let (a, beads) = seed();
        let count = |needle: &str, zh: bool| -> usize {
            let lower = |s: &str| if zh { s.to_string() } else { s.to_lowercase() };
            let mut n = 0;
            let title = if zh { a.meta.title_zh_full() } else { a.meta.title_en.clone() };
            n += lower(&title).matches(needle).count();
            let paras: Vec<&str> = if zh {
                (0..a.zh.len()).map(|i| a.zh_para(i)).collect()
            } else {
                (0..a.en.len()).map(|i| a.en_para(i)).collect()
            };
            n + paras.iter().map(|p| lower(p).matches(needle).count()).sum::<usize>()
        };
        let (zh_n, en_n) = (count("核心小组", true), count("core group", false));
        assert_eq!((zh_n, en_n), (17, 17), "the seed's occurrences");
        let mut split_seen = (false, false);
        for view in [View::Both, View::Chinese, View::English, View::Interleaved] {
            for w in [20u16, 33, 47, 60, 80, 97, 120, 160] {
                let l = layout(&a, &beads, view, w);
                for (needle, n, zh) in [("核心小组", zh_n, true), ("core group", en_n, false)] {
                    let hits = l.find(needle);
                    let shown = if zh { l.view != View::English } else { l.view != View::Chinese };
                    assert_eq!(hits.len(), if shown { n } else { 0 }, "{needle} {view:?} at {w}");
                    // each hit maps to segments whose text is the phrase, wherever it was cut
                    for (id, r) in &hits {
                        let segs = l.segments(*id, r.clone());
                        let text: String = segs.iter().map(|g| covered(&l, g)).collect();
                        assert_eq!(text.to_lowercase().replace(' ', ""), needle.replace(' ', ""));
                        if segs.len() > 1 {
                            if zh {
                                split_seen.0 = true
                            } else {
                                split_seen.1 = true
                            }
                        }
                    }
                    // reading order
                    let rows: Vec<usize> =
                        hits.iter().map(|(id, r)| l.row_of_text(*id, r.start).unwrap()).collect();
                    assert!(rows.windows(2).all(|w| w[0] <= w[1]), "{rows:?}");
                }
            }
        }
        assert!(split_seen.0 && split_seen.1, "some widths cut the phrases: {split_seen:?}");
    }

    #[test]
    fn emphasis_is_taken_out_and_styled() {
        let (t, e) = strip_emphasis("read *Newsweek* and **bold** and ***both***, _qing_");
        assert_eq!(t, "read Newsweek and bold and both, qing");
        let got: Vec<(&str, Emphasis)> = e.iter().map(|(r, e)| (&t[r.clone()], *e)).collect();
        assert_eq!(
            got,
            [
                ("Newsweek", Emphasis::Italic),
                ("bold", Emphasis::Bold),
                ("both", Emphasis::BoldItalic),
                ("qing", Emphasis::Italic)
            ]
        );
        // no pair, no change
        for s in ["5 * 3 = 15", "a lone * star", "snake_case_name", "**", "*", "x*"] {
            assert_eq!(strip_emphasis(s), (s.to_string(), Vec::new()), "{s}");
        }
        // in a layout: no asterisk shown, the emphasis mapped onto rows, across a break
        let src = ART.replace("Second one.", "The *Peking Review* said so.");
        let a = parse(Path::new("t.md"), &src);
        let beads = align_naive(a.en.len(), a.zh.len());
        for w in [8u16, 20, 60] {
            let l = layout(&a, &beads, View::English, w);
            assert!(l.rows.iter().all(|r| !r.left.text.contains('*')), "at {w}");
            let t = l.text(TextId::En(1)).unwrap();
            assert_eq!(t.text, "The Peking Review said so.");
            let (r, e) = t.emphasis[0].clone();
            assert_eq!(e, Emphasis::Italic);
            let covered: String = l.segments(TextId::En(1), r).iter().map(|g| covered(&l, g)).collect();
            assert_eq!(covered.replace(' ', ""), "PekingReview");
        }
    }

    proptest! {
        #[test]
        fn no_row_is_wider_than_the_layout(w in 1u16..200, view in 0usize..4) {
            let (a, beads) = article();
            let view = [View::Both, View::English, View::Chinese, View::Interleaved][view];
            let l = layout(&a, &beads, view, w);
            for r in &l.rows {
                prop_assert!(width(&r.left.text) <= l.left_width.max(1));
                if let Some(c) = &r.right { prop_assert!(width(&c.text) <= l.right_width.max(1)); }
            }
            if l.view == View::Both { prop_assert!(max_row_width(&l) <= usize::from(w).max(5)); }
        }

        #[test]
        fn wrap_never_exceeds_width_or_loses_text(s in "\\PC{0,200}", w in 1usize..80) {
            let lines = wrap(&s, w);
            for l in &lines { prop_assert!(width(l) <= w); }
            if w >= 2 {
                let joined: String = lines.concat().chars().filter(|c| !c.is_whitespace()).collect();
                let orig: String = sanitize(&s).chars().filter(|c| !c.is_whitespace()).collect();
                prop_assert_eq!(joined, orig);
            }
        }
    }
}
