//! The sentence cursor (issue 16): a reading sub-state of the reader. The `sentence_cursor`
//! action (`x`) puts it on the first sentence shown; while it is on, the glossary keys (`(` /
//! `)`) move it to the previous / next sentence, across paragraph pairs, and Esc (or `x`)
//! leaves it. The current sentence and its counterpart in the other language (the sentence
//! bead of [`align_bead`]) are highlighted wherever they wrap, and the reader scrolls to keep
//! them in sight.
//!
//! Sentences are byte ranges of the paragraphs as the layout shows them
//! ([`layout::paragraph_text`]), so they map onto rows at any view and width. A paragraph
//! pair's sentences are aligned the first time the cursor reaches it, in [`App::update`],
//! never while drawing. The cursor lives in the [`super::Reader`], so opening another article
//! drops it.

use super::{App, Focus};
use crate::align::sentences::{align_bead, SentenceBead};
use crate::align::Bead;
use crate::corpus::Article;
use crate::keys::Action;
use crate::layout::{self, Layout, Segment, TextId, View};
use crossterm::event::{KeyCode, KeyEvent};

/// The cursor: where it is, and the sentences of the paragraph pairs it has reached.
#[derive(Debug, Clone, Default)]
pub struct SentenceCursor {
    /// The sentence beads of each paragraph bead (by bead index), once computed.
    sentences: Vec<Option<Vec<SentenceBead>>>,
    /// The paragraph bead the cursor is in (an index into the reader's beads).
    pub bead: usize,
    /// The sentence bead under the cursor, inside that paragraph bead.
    pub index: usize,
    /// The view and width the sentence was last brought into sight in: after a resize or a
    /// view change it is brought into sight again.
    seen: Option<(View, u16)>,
}

impl SentenceCursor {
    /// The sentence bead under the cursor: English sentences and the Chinese they translate.
    pub fn current(&self) -> Option<&SentenceBead> {
        self.sentences.get(self.bead)?.as_ref()?.get(self.index)
    }

    /// How many sentence beads the current paragraph pair has.
    pub fn count(&self) -> usize {
        self.sentences.get(self.bead).and_then(Option::as_ref).map_or(0, Vec::len)
    }

    /// The row segments of the current sentence and its counterpart in `layout`, the spaces
    /// after a sentence left out; only the language a one-language view shows; empty when
    /// the view shows neither.
    pub fn segments(&self, layout: &Layout) -> Vec<Segment> {
        self.current().map_or_else(Vec::new, |s| segments_of(s, layout))
    }

    /// The sentences of bead `b`, aligned now if they were not yet; how many there are.
    fn ensure(&mut self, article: &Article, beads: &[Bead], b: usize) -> usize {
        if self.sentences.len() != beads.len() {
            self.sentences = vec![None; beads.len()];
        }
        let Some(slot) = self.sentences.get_mut(b) else { return 0 };
        slot.get_or_insert_with(|| beads.get(b).map_or_else(Vec::new, |bead| sentences_of(article, bead)))
            .len()
    }

    /// The sentence bead at `pos` (bead, index), when computed.
    fn at(&self, (b, k): (usize, usize)) -> Option<&SentenceBead> {
        self.sentences.get(b)?.as_ref()?.get(k)
    }
}

/// The text ranges of a sentence bead: each sentence with its paragraph's text id.
fn ranges(s: &SentenceBead) -> impl Iterator<Item = (TextId, std::ops::Range<usize>)> + '_ {
    let en = s.en.iter().map(|x| (TextId::En(x.para), x.range.clone()));
    en.chain(s.zh.iter().map(|x| (TextId::Zh(x.para), x.range.clone())))
}

fn segments_of(s: &SentenceBead, layout: &Layout) -> Vec<Segment> {
    let mut out = Vec::new();
    for (id, r) in ranges(s) {
        let Some(t) = layout.text(id) else { continue };
        let shown = t.text.get(r.clone()).map_or(0, |x| x.trim_end().len());
        out.extend(layout.segments(id, r.start..r.start + shown));
    }
    out
}

/// Splits and aligns the sentences of one paragraph bead, on the paragraphs' displayed text.
fn sentences_of(article: &Article, bead: &Bead) -> Vec<SentenceBead> {
    let texts = |ids: Vec<TextId>| -> Vec<(usize, String)> {
        ids.into_iter()
            .filter_map(|id| {
                let i = match id {
                    TextId::En(i) | TextId::Zh(i) => i,
                    _ => return None,
                };
                Some((i, layout::paragraph_text(article, id)?))
            })
            .collect()
    };
    let en = texts(bead.en.clone().map(TextId::En).collect());
    let zh = texts(bead.zh.clone().map(TextId::Zh).collect());
    align_bead(&refs(&en), &refs(&zh))
}

fn refs(v: &[(usize, String)]) -> Vec<(usize, &str)> {
    v.iter().map(|(i, t)| (*i, t.as_str())).collect()
}

impl App {
    /// Keys while the sentence cursor is on: the glossary keys move it, Esc and its own key
    /// leave it, every other key does what it does while reading.
    pub(super) fn on_sentence_key(&mut self, k: &KeyEvent) {
        if k.code == KeyCode::Esc {
            self.leave_sentences();
            return;
        }
        match self.keymap.action(k) {
            // the quit key leaves the cursor as Esc does, as it leaves the word cursor
            Some(Action::SentenceCursor | Action::Quit) => self.leave_sentences(),
            Some(Action::GlossaryDown) => self.move_sentence(1),
            Some(Action::GlossaryUp) => self.move_sentence(-1),
            _ => self.on_browse_key(k),
        }
    }

    fn leave_sentences(&mut self) {
        self.reader.sentence = None;
        self.message = None;
    }

    /// The `sentence_cursor` action: the cursor on the first sentence shown (from the top of
    /// the reader), or off.
    pub(super) fn toggle_sentences(&mut self) {
        if self.reader.sentence.is_some() {
            self.leave_sentences();
            return;
        }
        if self.reader.article.is_none() || self.shown_len() == 0 {
            self.message = Some("no article to read sentence by sentence".into());
            return;
        }
        if self.reader.split.is_some() {
            self.message = Some("the sentence cursor needs the columns locked (s)".into());
            return;
        }
        self.focus = Focus::Reader;
        self.relayout();
        let r = &mut self.reader;
        let Some(article) = &r.article else { return };
        let top = r.top_row();
        let first = r.block_bead(r.layout.block_at(top)).unwrap_or(0);
        let mut c = SentenceCursor::default();
        let n = r.beads.len();
        let row = |c: &SentenceCursor, pos| {
            c.at(pos).and_then(|s| segments_of(s, &r.layout).first().map(|g| g.row))
        };
        // the first sentence starting on or below the top row, else the last one above it
        let mut found = None;
        'down: for b in first..n {
            for k in 0..c.ensure(article, &r.beads, b) {
                if row(&c, (b, k)).is_some_and(|y| y >= top) {
                    found = Some((b, k));
                    break 'down;
                }
            }
        }
        if found.is_none() {
            'up: for b in (0..n).rev() {
                for k in (0..c.ensure(article, &r.beads, b)).rev() {
                    if row(&c, (b, k)).is_some() {
                        found = Some((b, k));
                        break 'up;
                    }
                }
            }
        }
        let Some((b, k)) = found else {
            self.message = Some("no sentences in this view".into());
            return;
        };
        (c.bead, c.index) = (b, k);
        r.sentence = Some(c);
        self.follow_sentence();
    }

    /// `)` / `(` with the cursor on: the next / previous sentence this view shows, across
    /// paragraph pairs.
    fn move_sentence(&mut self, dir: isize) {
        let r = &mut self.reader;
        let (Some(c), Some(article)) = (r.sentence.as_mut(), r.article.as_ref()) else { return };
        let n = r.beads.len();
        let (mut b, mut k) = (c.bead, c.index);
        let found = loop {
            if dir > 0 {
                if k + 1 < c.ensure(article, &r.beads, b) {
                    k += 1;
                } else if b + 1 < n {
                    (b, k) = (b + 1, 0);
                    if c.ensure(article, &r.beads, b) == 0 {
                        continue;
                    }
                } else {
                    break None;
                }
            } else if k > 0 {
                k -= 1;
            } else if b > 0 {
                b -= 1;
                match c.ensure(article, &r.beads, b) {
                    0 => continue,
                    len => k = len - 1,
                }
            } else {
                break None;
            }
            // a sentence the view does not show (Chinese only, in view English) is passed
            if c.at((b, k)).is_some_and(|s| !segments_of(s, &r.layout).is_empty()) {
                break Some((b, k));
            }
        };
        match found {
            Some(pos) => {
                (c.bead, c.index) = pos;
                self.message = None;
                self.follow_sentence();
            }
            None => {
                let end = if dir > 0 { "last" } else { "first" };
                self.message = Some(format!("this is the {end} sentence"));
            }
        }
    }

    /// Scrolls the reader as little as it takes to show the sentence (its start, when it is
    /// taller than the pane).
    fn follow_sentence(&mut self) {
        let h = self.reader_height();
        let r = &mut self.reader;
        let Some(c) = &mut r.sentence else { return };
        c.seen = Some((r.layout.view, r.layout.width));
        let segs = c.segments(&r.layout);
        let (Some(first), Some(last)) = (segs.iter().map(|g| g.row).min(), segs.iter().map(|g| g.row).max())
        else {
            return;
        };
        let top = r.top_row();
        let want = if first < top {
            first
        } else if last >= top + h {
            (last + 1 - h).min(first)
        } else {
            return;
        };
        let max_top = r.layout.rows.len().saturating_sub(h);
        r.top = r.layout.position(want.min(max_top));
        r.anchor = None;
        self.scrolled_at = Some(std::time::Instant::now());
    }

    /// After every update (from [`App::relayout`]): the cursor goes when what it needs went
    /// (the article, the focus, locked columns), and comes back into sight after a resize or
    /// a view change.
    pub(super) fn settle_sentences(&mut self) {
        let r = &self.reader;
        let Some(c) = &r.sentence else { return };
        if r.article.is_none() || r.split.is_some() || self.focus != Focus::Reader || c.current().is_none() {
            self.reader.sentence = None;
            return;
        }
        if c.seen != Some((r.layout.view, r.layout.width)) {
            self.follow_sentence();
        }
    }

    /// The sentence cursor's part of [`App::check_invariants`]: on only while reading an
    /// article with locked columns, inside its beads, its sentences ranges of the texts the
    /// reader shows.
    pub(super) fn check_sentences(&self) -> Result<(), String> {
        let r = &self.reader;
        let Some(c) = &r.sentence else { return Ok(()) };
        if r.article.is_none() || r.split.is_some() || self.focus != Focus::Reader {
            return Err(
                "sentence cursor on without an article, with unlocked columns or the list focused".into()
            );
        }
        if c.bead >= r.beads.len() || c.sentences.len() != r.beads.len() {
            return Err(format!("sentence cursor in bead {} of {}", c.bead, r.beads.len()));
        }
        let Some(s) = c.current() else {
            return Err(format!("sentence cursor on sentence {} of {}", c.index, c.count()));
        };
        if s.en.is_empty() && s.zh.is_empty() {
            return Err("sentence cursor on an empty sentence bead".into());
        }
        for (id, range) in ranges(s) {
            if let Some(t) = r.layout.text(id) {
                if t.text.get(range.clone()).is_none() {
                    return Err(format!("sentence {range:?} outside the text of {id:?}"));
                }
            }
        }
        Ok(())
    }
}
