//! The reading pane's content as rows of plain, sanitized, wrapped text: pure, no terminal
//! types, shared by the TUI (which styles and draws only the visible rows) and `diglot show`.
//!
//! The content is cut into blocks: the header, then one block per bead (views "both" and
//! "interleaved") or per paragraph (one language alone). A reading position is a block and a
//! row offset inside it, so it survives resizes; blocks carry the paragraphs they hold, so a
//! position can be carried from one view to another.

use crate::align::Bead;
use crate::corpus::Article;
use crate::text::{sanitize, width};
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
}

impl Cell {
    fn blank() -> Self {
        Cell { text: String::new(), kind: Kind::Blank }
    }
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
    let opts = Options::new(cols.max(1))
        .word_separator(WordSeparator::UnicodeBreakProperties)
        .wrap_algorithm(WrapAlgorithm::FirstFit)
        .break_words(true);
    let mut lines: Vec<String> = textwrap::wrap(&clean, opts)
        .into_iter()
        .map(|l| {
            let l = l.trim_end();
            // a double-width character cannot be split: clip what still overflows
            if width(l) > cols.max(1) {
                crate::text::truncate(l, cols.max(1)).to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

fn cells(text: &str, width: usize, kind: Kind) -> Vec<Cell> {
    wrap(text, width).into_iter().map(|t| Cell { text: t, kind }).collect()
}

/// The header lines of one language.
fn header(article: &Article, zh: bool, w: usize) -> Vec<Cell> {
    let m = &article.meta;
    let mut out = Vec::new();
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
fn paras(article: &Article, zh: bool, range: Range<usize>, w: usize) -> Vec<Cell> {
    let mut out = Vec::new();
    for i in range {
        if !out.is_empty() {
            out.push(Cell::blank());
        }
        let (text, kind) =
            if zh { (article.zh_para(i), Kind::Chinese) } else { (article.en_para(i), Kind::English) };
        out.extend(cells(text, w, kind));
    }
    out
}

struct Builder {
    rows: Vec<Row>,
    blocks: Vec<Block>,
    two: bool,
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
        if self.two {
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
    let mut b = Builder { rows: Vec::new(), blocks: Vec::new(), two };
    let (ne, nz) = (article.en.len(), article.zh.len());
    match view {
        View::Both => {
            b.push(header(article, false, lw), header(article, true, rw), 0..0, 0..0, None);
            for (k, bead) in beads.iter().enumerate() {
                let l = paras(article, false, bead.en.clone(), lw);
                let r = paras(article, true, bead.zh.clone(), rw);
                b.push(l, r, bead.en.clone(), bead.zh.clone(), Some(k));
            }
        }
        View::Interleaved => {
            let mut h = header(article, false, lw);
            h.push(Cell::blank());
            h.extend(header(article, true, lw));
            b.push(h, Vec::new(), 0..0, 0..0, None);
            for (k, bead) in beads.iter().enumerate() {
                let mut cells = paras(article, false, bead.en.clone(), lw);
                if !bead.en.is_empty() && !bead.zh.is_empty() {
                    cells.push(Cell::blank());
                }
                cells.extend(paras(article, true, bead.zh.clone(), lw));
                b.push(cells, Vec::new(), bead.en.clone(), bead.zh.clone(), Some(k));
            }
        }
        View::English | View::Chinese => {
            let zh = view == View::Chinese;
            b.push(header(article, zh, lw), Vec::new(), 0..0, 0..0, None);
            let n = if zh { nz } else { ne };
            for i in 0..n {
                let cells = paras(article, zh, i..i + 1, lw);
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
                b.push(cells(note, lw, Kind::Note), Vec::new(), at.clone(), at, None);
            }
        }
    }
    Layout { view, width, left_width: lw, right_width: rw, rows: b.rows, blocks: b.blocks }
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
