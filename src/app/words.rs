//! Reading Chinese in the reader (issue 17): the word cursor (`w`) and what its dictionary
//! panel shows, pinyin rows (`p`), HSK colouring (`H`) and the count beyond a level, and the
//! word list (`a`).
//!
//! The Chinese of the article shown is analysed once, when it arrives and the dictionary is
//! loaded ([`Chinese`]): its words (segmenter tokens, each with the longest dictionary word
//! starting there, as Zhongwen finds it), their HSK levels, each paragraph's pinyin and the
//! count of words beyond the level. Moving the cursor looks the word up in `update`; drawing
//! only reads what is here.
//!
//! The dictionary (and jieba, and so the analysis) is loaded lazily: nothing of it is touched
//! until a learner's feature is first used (`w`, a click on a Chinese word, `p`, `H`) or is on
//! from the start (pinyin remembered, `hsk_colour` in the config); then [`Effect::LoadDict`]
//! starts it on a background thread, once. Until it is there the panel says so, the pinyin
//! rows, colours and the header's count are not shown, and [`Msg::DictReady`] brings the rest.
//! A reader who never uses them keeps the reader's memory (~130 MB less).

use super::{App, Effect, Focus, Mode, Msg};
use crate::corpus::Article;
use crate::dict::{cedict, hsk, is_han, pinyin, segment, words};
use crate::keys::Action;
use crate::layout::{Kind, Layout, Position, TextId, View};
use crate::text::sanitize;
use ratatui::layout::Rect;
use std::collections::HashSet;
use std::ops::Range;
use std::path::PathBuf;

/// One Chinese word of a paragraph, where the cursor stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// The segmenter's token: a byte range of the paragraph's text as the reader shows it.
    pub range: Range<usize>,
    /// Where the longest dictionary word starting at the token ends (at least `range.end`).
    pub span_end: usize,
    /// The token's HSK level.
    pub hsk: Option<u8>,
}

impl Tok {
    /// What the cursor covers: the token, or the longest dictionary word starting there.
    pub fn span(&self) -> Range<usize> {
        self.range.start..self.span_end
    }
}

/// The Chinese of the article in the reader, analysed once (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct Chinese {
    /// The words of each Chinese paragraph (tokens with a Han character), in order.
    pub words: Vec<Vec<Tok>>,
    /// Each paragraph's pinyin, one entry per char of its text.
    pub pinyin: Vec<Vec<Option<pinyin::Syllable>>>,
    /// The words beyond the HSK level.
    pub beyond: hsk::Beyond,
    /// The line for the reader's header: the count beyond the level.
    pub note: String,
}

/// Analyses an article's Chinese paragraphs (the dictionary and segmenter must be loaded, or
/// this waits for them).
pub fn analyse(article: &Article, level: u8) -> Chinese {
    let dict = cedict::get();
    let mut out = Chinese::default();
    let mut all = String::new();
    for para in article.zh_paras() {
        let text = sanitize(para);
        let mut toks = Vec::new();
        for w in segment::words(&text) {
            if !w.text.chars().any(is_han) {
                continue;
            }
            let rest = text.get(w.byte_start..).unwrap_or("");
            let n = dict.longest_prefix(rest);
            let end = rest.char_indices().nth(n).map_or(text.len(), |(b, _)| w.byte_start + b);
            toks.push(Tok {
                range: w.byte_start..w.byte_end,
                span_end: end.max(w.byte_end),
                hsk: hsk::level(w.text),
            });
        }
        out.words.push(toks);
        out.pinyin.push(pinyin::paragraph(&text));
        all.push_str(&text);
        all.push('\n');
    }
    out.beyond = hsk::count_beyond(&all, level);
    out.note = format!(
        "beyond HSK {}: {} of {} words ({} distinct)",
        hsk::label(level),
        out.beyond.beyond,
        out.beyond.words,
        out.beyond.distinct
    );
    out
}

/// What the dictionary panel shows for the word under the cursor, looked up when it moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordInfo {
    /// The word (simplified, as written).
    pub word: String,
    /// Its pinyin in this sentence (`yínháng`).
    pub pinyin: String,
    /// Its CC-CEDICT entries, the reading it has here first; or, when the dictionary lacks
    /// the word whole, the entries of its parts.
    pub entries: Vec<cedict::Entry>,
    /// The entries are of the word's parts.
    pub parts: bool,
    /// Its HSK level.
    pub hsk: Option<u8>,
    /// The article's glossary entry for it (term, gloss).
    pub gloss: Option<(String, String)>,
}

/// The word cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordCursor {
    /// The paragraph and the word (indices into [`Chinese::words`]); None while the
    /// dictionary loads.
    pub at: Option<(usize, usize)>,
    /// The column Up and Down keep to.
    goal: Option<usize>,
    /// Where a click put the cursor before the dictionary was there: the paragraph and a
    /// byte of its text; the cursor goes on the word there when it arrives.
    pending: Option<(usize, usize)>,
    /// What the panel shows; None while the dictionary loads.
    pub info: Option<WordInfo>,
}

/// Reading Chinese: the word cursor, the toggles and the word list.
#[derive(Debug)]
pub struct Learn {
    /// The word cursor, while it is on ([`Mode::Word`]).
    pub cursor: Option<WordCursor>,
    /// Pinyin rows over the Chinese (`p`; remembered).
    pub pinyin: bool,
    /// HSK colouring (`H`, `hsk_colour`).
    pub hsk_colour: bool,
    /// The level beyond which words are counted and coloured (`hsk_level`).
    pub hsk_level: u8,
    /// The words in the word list (read at start and after each save).
    pub saved: HashSet<String>,
    /// The word list's file (`$XDG_DATA_HOME/diglot/words.tsv`); None: it cannot be saved.
    pub words_path: Option<PathBuf>,
    /// Whether the dictionary and segmenter are loaded ([`cedict::ready`]); a test may put a
    /// dictionary that never arrives in its place.
    pub ready: fn() -> bool,
    /// A learner's feature asked for the dictionary ([`Effect::LoadDict`] was given), or it
    /// arrived: the article's Chinese is analysed once it is [`Learn::ready`].
    pub wanted: bool,
}

impl Default for Learn {
    fn default() -> Self {
        Learn {
            cursor: None,
            pinyin: false,
            hsk_colour: false,
            hsk_level: crate::config::DEFAULT_HSK_LEVEL,
            saved: HashSet::new(),
            words_path: None,
            ready: cedict::ready,
            wanted: false,
        }
    }
}

/// The Chinese paragraph and the byte range of its piece on a row of a layout (the right
/// column in view "both").
pub fn zh_piece(l: &Layout, row: usize) -> Option<(usize, Range<usize>)> {
    let r = l.rows.get(row)?;
    let cell = if l.view == View::Both { r.right.as_ref()? } else { &r.left };
    let (k, range) = cell.src.clone()?;
    match l.texts.get(k)?.id {
        TextId::Zh(p) => Some((p, range)),
        _ => None,
    }
}

/// The place in `new` of the line at the top of `old` (the same layout with or without
/// pinyin, or its header note): the same text at the top, with its pinyin row.
pub(super) fn same_line(old: &Layout, new: &Layout, top: Position) -> Option<Position> {
    let r = old.row_of(top);
    for row in r..(r + 3).min(old.rows.len()) {
        let Some(rw) = old.rows.get(row) else { break };
        let cells = [(Some(&rw.left), false), (rw.right.as_ref(), true)];
        let Some((k, range, right)) =
            cells.into_iter().find_map(|(c, right)| c?.src.clone().map(|(k, r)| (k, r, right)))
        else {
            continue;
        };
        let id = old.texts.get(k)?.id;
        let mut nr = new.row_of_text(id, range.start)?.saturating_sub(row - r);
        // a line of Chinese comes with the pinyin over it
        let side =
            |x: &crate::layout::Row| if right { x.right.as_ref().map(|c| c.kind) } else { Some(x.left.kind) };
        let pinyin_above = nr > 0
            && matches!(id, TextId::Zh(_))
            && new.rows.get(nr - 1).is_some_and(|x| side(x) == Some(Kind::Pinyin));
        if pinyin_above && row == r {
            nr -= 1;
        }
        return Some(new.position(nr));
    }
    None
}

impl App {
    /// The dictionary panel's area while the word cursor is on, taken from the reader's
    /// `r`: on the right when the reader is wide, else at the bottom. Returns what is left
    /// for the text, and the panel.
    pub(super) fn carve_dict(&self, r: Rect) -> (Rect, Rect) {
        if self.mode != Mode::Word || r.width < 20 || r.height < 6 {
            return (r, Rect::new(r.x, r.bottom(), r.width, 0));
        }
        if r.width >= 100 {
            let w = (r.width / 3).clamp(32, 44);
            (Rect::new(r.x, r.y, r.width - w, r.height), Rect::new(r.right() - w, r.y, w, r.height))
        } else {
            let h = (r.height / 3).clamp(5, 9).min(r.height / 2);
            (Rect::new(r.x, r.y, r.width, r.height - h), Rect::new(r.x, r.bottom() - h, r.width, h))
        }
    }

    /// Analyses the article's Chinese once the dictionary is wanted and there (see
    /// [`Chinese`]); before, reading an article touches nothing of the dictionary.
    pub(super) fn analyse_chinese(&mut self) {
        if self.reader.chinese.is_some() || !self.learn.wanted || !(self.learn.ready)() {
            return;
        }
        if let Some(a) = &self.reader.article {
            self.reader.chinese = Some(analyse(a, self.learn.hsk_level));
        }
    }

    /// A learner's feature is used: the dictionary is asked for (once: [`Effect::LoadDict`])
    /// and, if it is there already, the article's Chinese analysed at once.
    pub(super) fn want_dict(&mut self) {
        if !self.learn.wanted {
            self.learn.wanted = true;
            self.effects.push(Effect::LoadDict);
        }
        self.analyse_chinese();
    }

    /// Asks for the dictionary if a learner's feature that needs it is on (the word cursor,
    /// pinyin rows, HSK colouring); `update` checks after every message.
    pub(super) fn want_dict_if_used(&mut self) {
        if !self.learn.wanted && (self.mode == Mode::Word || self.learn.pinyin || self.learn.hsk_colour) {
            self.want_dict();
        }
    }

    /// What the terminal loop carries out before its first frame: the effects asked for while
    /// configuring, and the dictionary's load when pinyin rows (remembered) or HSK colouring
    /// (`hsk_colour`) are on from the start, as they need it to draw. Nothing of the
    /// dictionary otherwise: it loads on the first use of a learner's feature.
    pub fn start_effects(&mut self) -> Vec<Effect> {
        self.want_dict_if_used();
        std::mem::take(&mut self.effects)
    }

    /// The dictionary arrived: the article's Chinese is analysed, the cursor placed.
    pub(super) fn on_dict_ready(&mut self) {
        // what was said while it loaded (`pinyin: loading dictionary…`, an `a` answered
        // `loading dictionary…`) is out of date now: the panel, pinyin or colours show it
        if self.message.as_deref().is_some_and(|m| m.ends_with("loading dictionary…")) {
            self.message = None;
        }
        self.learn.wanted = true;
        self.analyse_chinese();
        if self.mode == Mode::Word {
            self.relayout();
            self.place_cursor();
        }
    }

    /// The word list was read or written.
    pub(super) fn on_word_list(&mut self, said: Option<String>, list: Result<Vec<String>, String>) {
        match list {
            Ok(w) => self.learn.saved = w.into_iter().collect(),
            Err(e) => self.message = Some(e),
        }
        if said.is_some() {
            self.message = said;
        }
    }

    /// `w`: the word cursor on the first Chinese word shown, or off.
    pub(super) fn toggle_words(&mut self) {
        if self.mode == Mode::Word {
            self.leave_words();
            return;
        }
        let Some(a) = &self.reader.article else {
            self.message = Some("no article to read".into());
            return;
        };
        if a.zh.is_empty() {
            self.message = Some("this article has no Chinese text".into());
            return;
        }
        self.focus = Focus::Reader;
        if self.reader.split.is_some() {
            self.toggle_lock();
        }
        if self.view.effective(self.reader_areas().0.width) == View::English {
            self.set_view(View::Both);
            self.message = Some("the word cursor is in the Chinese: view both".into());
        }
        self.mode = Mode::Word;
        self.learn.cursor = Some(WordCursor::default());
        self.want_dict();
        self.relayout();
        self.place_cursor();
    }

    /// A click in the reader: on a Chinese word, the word cursor goes there (and comes on).
    pub(super) fn click_word(&mut self, x: u16, y: u16) {
        if !matches!(self.mode, Mode::Browse | Mode::Word) || self.reader.split.is_some() {
            return;
        }
        let Some((p, byte)) = self.zh_at_screen(x, y) else { return };
        // on the Chinese: the dictionary is wanted (analysed at once if it is there)
        self.want_dict();
        let at = match &self.reader.chinese {
            Some(ch) => match ch.words.get(p).and_then(|w| w.iter().position(|t| t.range.contains(&byte))) {
                Some(k) => Some((p, k)),
                None => return, // punctuation or space: no word there
            },
            None => None, // loading: the cursor goes there when the dictionary arrives
        };
        if self.mode == Mode::Browse {
            self.mode = Mode::Word;
            self.learn.cursor = Some(WordCursor::default());
        }
        if let Some(c) = &mut self.learn.cursor {
            c.at = at;
            c.goal = None;
            c.pending = if at.is_none() { Some((p, byte)) } else { None };
        }
        // the panel may take room from the text: laid out again, the word kept in view
        self.relayout();
        self.refresh_word();
    }

    /// The Chinese paragraph and byte of its text drawn at screen cell `x`, `y` of the
    /// reader, if Chinese text is there (the dictionary is not needed for this).
    fn zh_at_screen(&self, x: u16, y: u16) -> Option<(usize, usize)> {
        let area = self.reader_areas().0;
        if !area.contains(ratatui::layout::Position::new(x, y)) {
            return None;
        }
        let l = &self.reader.layout;
        let row = self.reader.top_row() + usize::from(y - area.y);
        let (p, range) = zh_piece(l, row)?;
        let x0 = if l.view == View::Both { l.left_width + crate::layout::GUTTER.chars().count() } else { 0 };
        let col = usize::from(x - area.x).checked_sub(x0)?;
        let text = l.text(TextId::Zh(p))?;
        if col >= text.cols(range.start, range.end) {
            return None;
        }
        let byte = text.byte_at_col(range.start, range.end, col)?;
        Some((p, byte))
    }

    /// Leaves the word cursor.
    pub(super) fn leave_words(&mut self) {
        self.learn.cursor = None;
        if self.mode == Mode::Word {
            self.mode = Mode::Browse;
        }
        self.relayout();
    }

    /// Puts the cursor on the first word shown (when it has no place yet) and looks it up.
    fn place_cursor(&mut self) {
        if self.learn.cursor.as_ref().is_none_or(|c| c.at.is_some()) {
            self.refresh_word();
            return;
        }
        if !(self.learn.ready)() || self.reader.chinese.is_none() {
            return; // the panel says the dictionary is loading
        }
        let pending = self.learn.cursor.as_mut().and_then(|c| c.pending.take());
        match pending.and_then(|at| self.word_at_byte(at)).or_else(|| self.first_word_shown()) {
            Some(at) => {
                if let Some(c) = &mut self.learn.cursor {
                    c.at = Some(at);
                }
                self.refresh_word();
            }
            None => {
                self.leave_words();
                self.message = Some("no Chinese word in this article".into());
            }
        }
    }

    /// The word of paragraph `p` holding byte `byte` of its text, or the next word after it.
    fn word_at_byte(&self, (p, byte): (usize, usize)) -> Option<(usize, usize)> {
        let words = self.reader.chinese.as_ref()?.words.get(p)?;
        let k = words
            .iter()
            .position(|t| t.range.contains(&byte))
            .or_else(|| words.iter().position(|t| t.range.start > byte))?;
        Some((p, k))
    }

    /// The first word starting on a row shown (or below).
    fn first_word_shown(&self) -> Option<(usize, usize)> {
        let l = &self.reader.layout;
        let ch = self.reader.chinese.as_ref()?;
        (self.reader.top_row()..l.rows.len()).find_map(|row| {
            let (p, range) = zh_piece(l, row)?;
            let t = ch.words.get(p)?.iter().position(|t| range.contains(&t.range.start))?;
            Some((p, t))
        })
    }

    /// Keys while the word cursor is on: its own keys first, then the usual ones (those
    /// that change what is shown keep the cursor; the others leave it first).
    pub(super) fn on_word_key(&mut self, k: &crossterm::event::KeyEvent) {
        let Some(a) = self.keymap.word_action(k) else { return };
        self.message = None;
        match a {
            Action::WordLeft => self.move_word(-1, false),
            Action::WordRight => self.move_word(1, false),
            Action::WordUp => self.move_word(-1, true),
            Action::WordDown => self.move_word(1, true),
            Action::SaveWord => self.save_word(),
            // the quit key leaves the cursor as Esc does (it closes every overlay so):
            // q quits from the list or the reader, Ctrl-c from anywhere
            Action::WordExit | Action::WordCursor | Action::Quit => self.leave_words(),
            Action::Pinyin
            | Action::HskColour
            | Action::CycleView
            | Action::Glossary
            | Action::GlossaryDown
            | Action::GlossaryUp
            | Action::Mouse
            | Action::Cite
            | Action::CopyPair => {
                self.act(a);
                if self.view.effective(self.reader_areas().0.width) == View::English {
                    self.leave_words();
                }
                self.relayout();
            }
            other => {
                self.leave_words();
                self.act(other);
            }
        }
    }

    /// Moves the cursor a word along (`vertical`: to the word at the same column on the row
    /// above or below), across paragraphs.
    fn move_word(&mut self, dir: isize, vertical: bool) {
        let Some(c) = &self.learn.cursor else { return };
        let Some(at) = c.at else { return };
        let goal = c.goal;
        let next = if vertical {
            self.word_below(at, dir, goal)
        } else {
            self.word_along(at, dir).map(|a| (a, None))
        };
        match next {
            Some((at, goal)) => {
                if let Some(c) = &mut self.learn.cursor {
                    c.at = Some(at);
                    c.goal = goal;
                }
                self.refresh_word();
            }
            None => self.message = Some(if dir > 0 { "the last word" } else { "the first word" }.into()),
        }
    }

    /// The next or previous word, in this paragraph or the next that has one.
    fn word_along(&self, (p, t): (usize, usize), dir: isize) -> Option<(usize, usize)> {
        let ch = self.reader.chinese.as_ref()?;
        let shown = |q: usize| {
            ch.words.get(q).is_some_and(|w| !w.is_empty()) && self.reader.layout.text(TextId::Zh(q)).is_some()
        };
        if dir > 0 {
            let end = ch.words.get(p)?.get(t)?.span_end;
            if let Some(n) = ch.words.get(p)?.iter().position(|x| x.range.start >= end) {
                return Some((p, n));
            }
            (p + 1..ch.words.len()).find(|&q| shown(q)).map(|q| (q, 0))
        } else if t > 0 {
            // the word before, or the dictionary word that covers it (人民 of 人民银行)
            let toks = ch.words.get(p)?;
            let mut k = t - 1;
            while k > 0
                && toks.get(k - 1).is_some_and(|x| x.span_end >= toks.get(k).map_or(0, |y| y.range.end))
            {
                k -= 1;
            }
            Some((p, k))
        } else {
            (0..p).rev().find(|&q| shown(q)).map(|q| (q, ch.words.get(q).map_or(0, |w| w.len() - 1)))
        }
    }

    /// The word at the cursor's column on the next row of Chinese above or below, and the
    /// column kept.
    fn word_below(&self, (p, t): (usize, usize), dir: isize, goal: Option<usize>) -> WordAt {
        let l = &self.reader.layout;
        let ch = self.reader.chinese.as_ref()?;
        let segs = l.segments(TextId::Zh(p), ch.words.get(p)?.get(t)?.span());
        let seg = if dir < 0 { segs.first()? } else { segs.last()? };
        let col = goal.unwrap_or(seg.cols.start);
        let mut row = seg.row;
        loop {
            row = if dir < 0 { row.checked_sub(1)? } else { row + 1 };
            if row >= l.rows.len() {
                return None;
            }
            let Some((q, range)) = zh_piece(l, row) else { continue };
            let here = ch.words.get(p).and_then(|w| w.get(t)).map(|x| x.range.start);
            if q == p && here.is_some_and(|h| range.contains(&h)) {
                continue; // the rest of the word itself
            }
            let text = l.text(TextId::Zh(q))?;
            let byte = text.byte_at_col(range.start, range.end, col)?;
            let toks = ch.words.get(q)?;
            // a word starting on the row, else one wrapped onto it
            let starting: Vec<(usize, &Tok)> =
                toks.iter().enumerate().filter(|(_, x)| range.contains(&x.range.start)).collect();
            let on_row: Vec<(usize, &Tok)> = if starting.is_empty() {
                toks.iter()
                    .enumerate()
                    .filter(|(_, x)| x.range.start < range.end && x.range.end > range.start)
                    .collect()
            } else {
                starting
            };
            let on_row = on_row.into_iter();
            let best =
                on_row.min_by_key(
                    |(_, x)| {
                        if x.range.contains(&byte) {
                            0
                        } else {
                            1 + x.range.start.abs_diff(byte)
                        }
                    },
                );
            if let Some((k, _)) = best {
                return Some(((q, k), Some(col)));
            }
        }
    }

    /// Looks up the word under the cursor for the panel, and scrolls it into view.
    fn refresh_word(&mut self) {
        let info = self.word_info();
        if let Some(c) = &mut self.learn.cursor {
            c.info = info;
        }
        self.keep_word_visible();
    }

    fn word_info(&self) -> Option<WordInfo> {
        let (p, t) = self.learn.cursor.as_ref()?.at?;
        let ch = self.reader.chinese.as_ref()?;
        let dict = cedict::try_get().filter(|_| (self.learn.ready)())?;
        let text = &self.reader.layout.text(TextId::Zh(p))?.text;
        let span = ch.words.get(p)?.get(t)?.span();
        let word = text.get(span.clone())?.to_string();
        let first = text.get(..span.start)?.chars().count();
        let n = word.chars().count();
        let py = pinyin::joined(ch.pinyin.get(p)?, first..first + n);
        let mut entries = dict.lookup(&word);
        let parts = entries.is_empty();
        if parts {
            // the longest dictionary words inside it, one after another
            let mut i = 0;
            while i < n {
                match segment::longest_match(&word, i) {
                    Some(r) => {
                        let part: String = word.chars().skip(r.start).take(r.len()).collect();
                        entries.extend(dict.lookup(&part));
                        i = r.end.max(i + 1);
                    }
                    None => i += 1,
                }
            }
        }
        let flat = |s: &str| s.replace([' ', '\''], "").to_lowercase();
        entries.sort_by_key(|e| flat(&e.pinyin) != flat(&py));
        let article = self.reader.article.as_ref()?;
        let gloss = article
            .glossary
            .iter()
            .find(|g| g.term.trim() == word)
            .or_else(|| article.glossary.iter().find(|g| n >= 2 && g.term.contains(word.as_str())))
            .map(|g| (g.term.clone(), g.gloss.clone()));
        Some(WordInfo { hsk: hsk::level(&word), word, pinyin: py, entries, parts, gloss })
    }

    /// Scrolls the reader so that the word under the cursor (and its pinyin) is shown.
    pub(super) fn keep_word_visible(&mut self) {
        let Some((p, t)) = self.learn.cursor.as_ref().and_then(|c| c.at) else { return };
        let Some(span) = self.reader.chinese.as_ref().and_then(|c| c.words.get(p)?.get(t).map(Tok::span))
        else {
            return;
        };
        let h = usize::from(self.reader_areas().0.height).max(1);
        let l = &self.reader.layout;
        let segs = l.segments(TextId::Zh(p), span);
        let (Some(first), Some(last)) = (segs.first(), segs.last()) else { return };
        let first = if l.pinyin { first.row.saturating_sub(1) } else { first.row };
        let top = self.reader.top_row();
        let new = if first < top {
            first
        } else if last.row >= top + h {
            (last.row + 1).saturating_sub(h).min(first)
        } else {
            return;
        };
        self.reader.top = l.position(new);
        self.reader.anchor = None;
        self.scroll_reader(0);
    }

    /// `a`: saves the word under the cursor with its sentence, the aligned English, its
    /// pinyin, senses and a citation (the file is written by [`Effect::SaveWord`]).
    fn save_word(&mut self) {
        let Some(info) = self.learn.cursor.as_ref().and_then(|c| c.info.clone()) else {
            self.message = Some("loading dictionary…".into());
            return;
        };
        if self.learn.words_path.is_none() {
            self.message = Some("no data folder (HOME unset): the word list cannot be saved".into());
            return;
        }
        let Some((p, t)) = self.learn.cursor.as_ref().and_then(|c| c.at) else { return };
        let (Some(a), Some(ch)) = (&self.reader.article, &self.reader.chinese) else { return };
        let Some(text) = self.reader.layout.text(TextId::Zh(p)).map(|x| x.text.as_str()) else { return };
        let at = ch.words.get(p).and_then(|w| w.get(t)).map_or(0, |x| x.range.start);
        let sentences = crate::align::sentences::split_zh(text);
        let k = sentences.iter().position(|r| r.contains(&at)).unwrap_or(0);
        let sentence = sentences.get(k).and_then(|r| text.get(r.clone())).unwrap_or(text).trim().to_string();
        let flat = |s: &str| s.replace([' ', '\''], "").to_lowercase();
        let reading: Vec<&cedict::Entry> =
            info.entries.iter().filter(|e| info.parts || flat(&e.pinyin) == flat(&info.pinyin)).collect();
        let chosen = if reading.is_empty() { info.entries.iter().take(1).collect() } else { reading };
        let senses: Vec<&str> = chosen.iter().flat_map(|e| e.senses.iter().map(String::as_str)).collect();
        let w = words::SavedWord {
            word: info.word.clone(),
            pinyin: info.pinyin.clone(),
            senses: senses.join(" / "),
            sentence,
            english: aligned_english(a, &self.reader.beads, p, k),
            citation: crate::export::citation(&self.citation, &a.meta),
        };
        self.effects.push(Effect::SaveWord(w));
    }

    /// Carries out [`Effect::SaveWord`] and [`Effect::LoadWords`]: the word list written
    /// and read back (its words, for the marks), or why not.
    pub(super) fn word_list_io(&self, save: Option<words::SavedWord>) -> Msg {
        let Some(path) = &self.learn.words_path else {
            return Msg::WordList(None, Ok(Vec::new()));
        };
        let word = save.as_ref().map(|w| w.word.clone());
        let saved = match save {
            Some(w) => match words::save(path, w) {
                Ok(added) => Some(added),
                Err(e) => {
                    let said = format!("could not save to {}: {e}", path.display());
                    return Msg::WordList(Some(said), Err("the word list was not saved".into()));
                }
            },
            None => None,
        };
        match words::WordList::load(path) {
            Ok(list) => {
                let all: Vec<String> = list.entries().map(|e| e.word.clone()).collect();
                let said = match (word, saved) {
                    (Some(w), Some(true)) => {
                        Some(format!("saved {w} ({})", crate::text::count(all.len(), "word")))
                    }
                    (Some(w), _) => Some(format!("already saved: {w}")),
                    (None, _) => list.diagnostics.first().cloned(),
                };
                Msg::WordList(said, Ok(all))
            }
            Err(e) => Msg::WordList(None, Err(format!("could not read {}: {e}", path.display()))),
        }
    }

    /// `p`: pinyin rows over the Chinese, or none.
    pub(super) fn toggle_pinyin(&mut self) {
        self.learn.pinyin = !self.learn.pinyin;
        self.message = Some(match (self.learn.pinyin, (self.learn.ready)()) {
            (false, _) => "pinyin off".into(),
            (true, false) => "pinyin: loading dictionary…".into(),
            (true, true) if self.view.effective(self.reader_areas().0.width) == View::English => {
                "pinyin on: it shows over the Chinese (v for a view with Chinese)".into()
            }
            (true, true) => "pinyin on".into(),
        });
        self.remember_position();
        self.effects.push(Effect::SaveState);
    }

    /// `H`: colour the words beyond the HSK level, or stop.
    pub(super) fn toggle_hsk(&mut self) {
        self.learn.hsk_colour = !self.learn.hsk_colour;
        let level = hsk::label(self.learn.hsk_level);
        self.message = Some(if self.learn.hsk_colour && !(self.learn.ready)() {
            format!("colouring words beyond HSK {level}: loading dictionary…")
        } else if self.learn.hsk_colour {
            format!("colouring words beyond HSK {level} (hsk_level in the config)")
        } else {
            "HSK colouring off".into()
        });
    }

    /// The word cursor's part of [`App::check_invariants`].
    pub(super) fn check_words(&self) -> Result<(), String> {
        let on = self.mode == Mode::Word;
        if on != self.learn.cursor.is_some() {
            return Err(format!("mode {:?} with word cursor {:?}", self.mode, self.learn.cursor));
        }
        if on && self.focus != Focus::Reader {
            return Err("the word cursor without the reader focused".into());
        }
        let Some((p, t)) = self.learn.cursor.as_ref().and_then(|c| c.at) else { return Ok(()) };
        let ch = self.reader.chinese.as_ref().ok_or("a word cursor without the article's words")?;
        let tok =
            ch.words.get(p).and_then(|w| w.get(t)).ok_or(format!("word cursor at {p}/{t}: no such word"))?;
        let text = self
            .reader
            .layout
            .text(TextId::Zh(p))
            .ok_or(format!("word cursor in paragraph {p}, not shown"))?;
        let word = text.text.get(tok.span()).ok_or("word cursor off the text's characters")?;
        if !word.chars().any(is_han) {
            return Err(format!("word cursor on {word:?}"));
        }
        if let Some(info) = self.learn.cursor.as_ref().and_then(|c| c.info.as_ref()) {
            if info.word != word {
                return Err(format!("the panel shows {} for {word}", info.word));
            }
        }
        if let Some(c) = &self.reader.chinese {
            let n = self.reader.article.as_ref().map_or(0, |a| a.zh.len());
            if c.words.len() != n || c.pinyin.len() != n {
                return Err(format!("Chinese analysed for {} paragraphs of {n}", c.words.len()));
            }
        }
        Ok(())
    }
}

type WordAt = Option<((usize, usize), Option<usize>)>;

/// The English aligned with sentence `k` of Chinese paragraph `p`: the English sentences of
/// its sentence bead, else the English paragraphs of its bead.
fn aligned_english(a: &Article, beads: &[crate::align::Bead], p: usize, k: usize) -> String {
    let Some(bead) = beads.iter().find(|b| b.zh.contains(&p)) else { return String::new() };
    let en: Vec<(usize, &str)> = bead.en.clone().map(|i| (i, a.en_para(i))).collect();
    let zh: Vec<(usize, &str)> = bead.zh.clone().map(|i| (i, a.zh_para(i))).collect();
    let target = crate::align::sentences::split_zh(a.zh_para(p)).get(k).cloned();
    let sb = crate::align::sentences::align_bead(&en, &zh);
    let found = target.and_then(|r| sb.iter().find(|b| b.zh.iter().any(|s| s.para == p && s.range == r)));
    let text = match found {
        Some(b) => {
            b.en.iter().filter_map(|s| a.en_para(s.para).get(s.range.clone())).collect::<Vec<_>>().join(" ")
        }
        None => String::new(),
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        en.iter().map(|(_, t)| t.trim()).collect::<Vec<_>>().join(" ")
    } else {
        sanitize(&text).into_owned()
    }
}
