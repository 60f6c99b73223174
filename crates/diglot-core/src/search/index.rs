//! The title index and its parallel scan.

use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::pinyin::syllable_match;
use super::prefetch;
use super::query::{initials_mask, Query, Term, TermKind};
use super::score::{letter_firsts, Cell, DpTail, Scratch};
use super::store::{Item, SearchData, EN_CAT, PY_DATA, ZH_CAT, ZH_DATA};
use crate::corpus::Catalog;

/// Items per scan block: the unit of parallel work and of cancellation checks.
const BLOCK: usize = 1024;

/// One search result: an item and its score (higher is better).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The item, as returned by [`SearchIndex::push`].
    pub idx: u32,
    /// Sum over the query's terms of the term's best score over the item's fields.
    pub score: i64,
}

/// The result of a search: the query, hits in rank order (all of them, or the first ones when
/// the result is not [complete](Hits::is_complete) yet), how many items match and how many
/// were searched (the index may have grown since).
#[derive(Clone, Debug, Default)]
pub struct Hits {
    /// The query string searched for.
    pub query: String,
    /// Best score first; equal scores by sort key, then by index. The complete ranking, or
    /// its first hits (see [`SearchIndex::search_first`]).
    pub hits: Vec<Hit>,
    /// How many items match (`hits.len()` once complete).
    pub total: usize,
    /// Items `0..searched` were searched.
    pub searched: usize,
    /// The items that matched, for searching a narrower query within them (not part of the
    /// value).
    carry: Option<Arc<Carry>>,
}

impl Hits {
    /// Every hit is ranked (not only the first ones).
    pub fn is_complete(&self) -> bool {
        self.hits.len() == self.total
    }

    /// Heap bytes held by what the result carries for a narrower query (its hits' ids,
    /// their progress and the exact scores carried, see `Exacts`), not its ranked hits.
    pub fn carry_bytes(&self) -> usize {
        self.carry.as_deref().map_or(0, |c| {
            (c.blocks.iter()).map(|b| b.capacity() * 4).sum::<usize>()
                + (c.progress.iter()).map(|p| p.capacity() * std::mem::size_of::<Progress>()).sum::<usize>()
                + c.exact.iter().map(Exacts::heap_bytes).sum::<usize>()
        })
    }

    /// The same result without its hits and carry (for building one from it).
    fn without_hits(&self) -> Hits {
        Hits {
            query: self.query.clone(),
            hits: Vec::new(),
            total: self.total,
            searched: self.searched,
            carry: None,
        }
    }
}

impl PartialEq for Hits {
    fn eq(&self, other: &Self) -> bool {
        self.query == other.query
            && self.hits == other.hits
            && self.total == other.total
            && self.searched == other.searched
    }
}

impl Eq for Hits {}

/// Items in sort-key order: `perm[rank] = idx`, `rank[idx] = rank`.
#[derive(Debug, Default)]
struct Order {
    perm: Vec<u32>,
    rank: Vec<u32>,
}

/// The searchable titles: for each item its English and Chinese title, the Chinese title's
/// pinyin (computed once, in [`SearchIndex::push`], or read with a catalog's
/// [`SearchData`]) and a sort key. Append-only.
///
/// Items `0..base` are a catalog's records ([`SearchIndex::set_base`]): their titles are
/// borrowed from the catalog's arena and their pinyin from the [`SearchData`] read beside it,
/// both shared, nothing copied. Items pushed afterwards keep their strings in `text`.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// The catalog the base items' titles are in.
    cat: Arc<Catalog>,
    /// The base items and their derived strings.
    data: Arc<SearchData>,
    /// en, zh, pinyin, initials, syllable lengths (one byte per initial) of every pushed item,
    /// back to back.
    text: String,
    /// The pushed items (indices from `data.items.len()` on).
    items: Vec<Item>,
    /// [`initials_mask`] of each base item's pinyin, made on the first search (not stored in
    /// the title index: a pass over the initials, off the reader's thread).
    base_initials: OnceLock<Vec<u32>>,
    /// The first letter's answer for the base items, made on the first search of a letter
    /// ([`Letters`]; not stored: a pass over the titles, off the reader's thread).
    letters: Letters,
    /// Per base item, a bit each (made with its [`Letters`] row): its English
    /// (`utf8[0]`) or Chinese (`utf8[1]`) title's bytes are what [`FieldRefs::en`] or
    /// [`FieldRefs::zh`] reads (valid UTF-8, checked once), so that they are matched as
    /// bytes without checking them again (see [`It::utf8`]).
    utf8: [Vec<u64>; 2],
    /// Per base item (made with its [`Letters`] row): its Chinese title's `zh_han` folded to
    /// 32 bits ([`fold`]), `u32::MAX` where its English title is not ASCII. A query with a
    /// term of Chinese characters, typed from nothing, reads this (1.7 MB) and the initials
    /// masks instead of every item's 64 bytes (see [`SearchIndex::han_need`]).
    han: Vec<u32>,
    /// [`initials_mask`] of each pushed item's pinyin.
    initials: Vec<u32>,
    /// Every item's sort key.
    keys: Vec<u64>,
    /// Sort-key order, built on demand; reset when a key changes out of order.
    order: OnceLock<Order>,
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the records of `cat` as items `0..cat.len()` (the index must be empty; it is
    /// pushed onto otherwise), with `data` made for it ([`SearchData::of_catalog`], or read
    /// beside it from the title index; made here when it does not fit the catalog). A record
    /// that is not an article is an item with empty titles. Sort keys: the articles'
    /// [`date_page_key`](crate::corpus::ArticleRef::date_page_key), `u64::MAX` for the rest.
    pub fn set_base(&mut self, cat: Arc<Catalog>, data: Option<Arc<SearchData>>) {
        let keys = (0..cat.len() as u32).map(|id| cat.article(id).map_or(u64::MAX, |a| a.date_page_key()));
        if !self.is_empty() {
            for (id, key) in keys.enumerate() {
                match cat.article(id as u32) {
                    Some(a) => self.push(a.title_en(), &a.title_zh_full(), key),
                    None => self.push("", "", key),
                };
            }
            return;
        }
        let data = data
            .filter(|d| {
                d.len() == cat.len() && d.items.iter().all(|it| it.fits(cat.arena().len(), d.text.len()))
            })
            .unwrap_or_else(|| Arc::new(SearchData::of_catalog(&cat)));
        self.keys = keys.collect();
        self.cat = cat;
        self.data = data;
        self.order = OnceLock::new();
        self.base_initials = OnceLock::new();
        self.letters = Letters::default();
        self.utf8 = [Vec::new(), Vec::new()];
        self.han = Vec::new();
    }

    /// Adds an item; returns its index (0, 1, 2, … in push order).
    ///
    /// `sort_key` orders hits of equal score, ascending (e.g. the article's position in date
    /// order), and orders everything for the empty query.
    // An index of more than u32::MAX items, or a title over 4 GiB, cannot be addressed: a bug.
    #[allow(clippy::expect_used)]
    pub fn push(&mut self, title_en: &str, title_zh: &str, sort_key: u64) -> u32 {
        let idx = u32::try_from(self.len()).expect("more than u32::MAX items");
        let len32 = |n: usize| u32::try_from(n).expect("search text over 4 GiB");
        let en_at = len32(self.text.len());
        self.text.push_str(title_en);
        let zh_at = len32(self.text.len());
        self.text.push_str(title_zh);
        let it = Item { en_at, zh_at, ..Item::default() };
        let it = Item::derive(title_en, title_zh, &mut self.text, it);
        self.push_item(idx, it, sort_key)
    }

    /// Adds title `k` of `batch` (its pinyin made where it was parsed: copied, not computed
    /// again; computed here for a batch of titles alone); returns its index. A title out of
    /// range is added empty.
    // as in `push`
    #[allow(clippy::expect_used)]
    pub fn push_made(&mut self, batch: &super::TitleBatch, k: usize, sort_key: u64) -> u32 {
        if batch.is_plain() {
            let (en, zh) = batch.titles(k).unwrap_or(("", ""));
            return self.push(en, zh, sort_key);
        }
        let Some(m) = batch.made(k) else { return self.push("", "", sort_key) };
        let idx = u32::try_from(self.len()).expect("more than u32::MAX items");
        let len32 = |n: usize| u32::try_from(n).expect("search text over 4 GiB");
        let en_at = len32(self.text.len());
        self.text.push_str(m.en);
        let zh_at = len32(self.text.len());
        self.text.push_str(m.zh);
        let py_at = len32(self.text.len());
        self.text.push_str(m.derived);
        let it = Item { en_at, zh_at, py_at, src: 0, ..*m.item };
        self.push_item(idx, it, sort_key)
    }

    /// Appends item `idx` (the next) with its sort key.
    fn push_item(&mut self, idx: u32, it: Item, sort_key: u64) -> u32 {
        self.initials.push(initials_mask(self.field_refs(&it).pyi()));
        self.items.push(it);
        if let Some(order) = self.order.get_mut() {
            let in_order = order
                .perm
                .last()
                .is_none_or(|&last| self.keys.get(last as usize).is_some_and(|&k| k <= sort_key));
            if in_order {
                order.rank.push(order.perm.len() as u32);
                order.perm.push(idx);
            } else {
                self.order = OnceLock::new();
            }
        }
        self.keys.push(sort_key);
        idx
    }

    /// Item `i`.
    fn item(&self, i: usize) -> Option<&Item> {
        let base = self.data.items.len();
        if i < base {
            self.data.items.get(i)
        } else {
            self.items.get(i - base)
        }
    }

    /// Makes room for `items` more pushed items whose strings take about `bytes` (their
    /// titles and derived strings): grown by doubling, the old block was still there while
    /// copied (~30 MB above a cold open's level at 430,000 titles).
    pub(crate) fn reserve(&mut self, items: usize, bytes: usize) {
        self.items.reserve(items);
        self.initials.reserve(items);
        self.keys.reserve(items);
        self.text.reserve(bytes);
    }

    /// Item `i`'s titles and derived strings (its pinyin, initials and syllable lengths) as
    /// made: the title index's writer copies them instead of computing them again
    /// ([`SearchData::push_record`]). `None` out of range.
    pub(crate) fn made(&self, i: usize) -> Option<super::store::Made<'_>> {
        let item = self.item(i)?;
        let f = self.field_refs(item);
        let len = item.py_len.checked_add(item.pyi_len.checked_mul(2)?)?;
        let derived = f.str(item.src & PY_DATA, item.py_at, len);
        (derived.len() == len as usize).then_some(super::store::Made {
            item,
            en: f.en(),
            zh: f.zh(),
            derived,
        })
    }

    /// Item `i` with its initials mask, for matching (`base`: [`Self::base_initials`]).
    fn it<'a>(&'a self, base: &[u32], i: usize) -> Option<It<'a>> {
        let bit = |v: &Vec<u64>| v.get(i / 64).is_some_and(|w| (w >> (i % 64)) & 1 != 0);
        let (initials, utf8) = match base.get(i) {
            Some(&m) => (m, [bit(&self.utf8[0]), bit(&self.utf8[1])]),
            // (a pushed item's titles are in the index's own text, pushed as strings)
            None => (self.initials.get(i.checked_sub(base.len())?).copied()?, [true; 2]),
        };
        Some(It { item: self.item(i)?, initials, utf8 })
    }

    /// Whether item `i`'s English and Chinese titles read as their bytes ([`It::utf8`]).
    fn utf8_of(&self, i: usize) -> [bool; 2] {
        let Some(it) = self.item(i) else { return [false; 2] };
        let f = self.field_refs(it);
        let reads = |field: Field, s: &str| s.as_bytes() == f.field_bytes(field);
        [reads(Field::En, f.en()), reads(Field::Zh, f.zh())]
    }

    /// Whether [`Self::prepare_step`] has work left: the base items' [`Letters`] (and their
    /// initials masks) are not all made yet, or a chunk of pushed items is complete whose
    /// rows are not made.
    pub fn prepare_pending(&self) -> bool {
        self.letters.made < self.data.items.len()
            || self.letters.pushed.len() < self.items.len() / LETTERS_CHUNK
    }

    /// Makes a part of what answers a letter typed from nothing without reading a title (the
    /// base items' initials masks, then their [`Letters`], a chunk of items at a time, in
    /// parallel): the search worker's lowest-priority work, done while it has nothing else
    /// to do, so that no keystroke waits for it. Until they are all made, a letter is searched
    /// by reading the titles. Returns [`Self::prepare_pending`].
    pub fn prepare_step(&mut self) -> bool {
        let n = self.data.items.len();
        if self.letters.made >= n {
            return self.prepare_pushed();
        }
        if self.base_initials.get().is_none() {
            self.base_initials();
            return true;
        }
        let Some(terms) = letter_terms() else {
            self.letters.made = n; // (not reached: every letter is a fuzzy term; none made)
            self.letters.cols = Vec::new();
            return false;
        };
        let mut cols = std::mem::take(&mut self.letters.cols);
        if cols.len() != n * LETTERS {
            cols = vec![0u8; n * LETTERS];
        }
        let (start, base) = (self.letters.made, self.base_initials());
        let end = (start + LETTERS_CHUNK).min(n);
        let (rows, utf8): (Vec<[u8; LETTERS]>, Vec<[bool; 2]>) =
            (start..end).into_par_iter().map(|i| (self.letter_row(base, i, &terms), self.utf8_of(i))).unzip();
        for (l, col) in cols.chunks_exact_mut(n.max(1)).enumerate() {
            let col = col.get_mut(start..end).unwrap_or_default();
            for (slot, row) in col.iter_mut().zip(&rows) {
                *slot = row.get(l).copied().unwrap_or(READ);
            }
        }
        self.han.resize(n, u32::MAX);
        for (i, slot) in self.han.iter_mut().enumerate().take(end).skip(start) {
            if let Some(it) = self.data.items.get(i) {
                *slot = if it.en_ascii { fold(it.zh_han) } else { u32::MAX };
            }
        }
        for (k, bits) in self.utf8.iter_mut().enumerate() {
            bits.resize(n.div_ceil(64), 0);
            for (i, ok) in (start..end).zip(&utf8) {
                if ok.get(k).copied().unwrap_or(false) {
                    if let Some(w) = bits.get_mut(i / 64) {
                        *w |= 1 << (i % 64);
                    }
                }
            }
        }
        self.letters.cols = cols;
        self.letters.n = n;
        self.letters.made = end;
        self.prepare_pending()
    }

    /// [`Self::prepare_step`] once the base items' rows are made: the rows of the next
    /// complete chunk of [`LETTERS_CHUNK`] pushed items (a cold open's titles, which have no
    /// catalog), one column per letter within the chunk. Returns [`Self::prepare_pending`].
    fn prepare_pushed(&mut self) -> bool {
        let k = self.letters.pushed.len();
        if k >= self.items.len() / LETTERS_CHUNK {
            return false;
        }
        let Some(terms) = letter_terms() else { return false };
        let start = self.data.items.len() + k * LETTERS_CHUNK;
        let base = self.base_initials();
        let rows: Vec<[u8; LETTERS]> = (start..start + LETTERS_CHUNK)
            .into_par_iter()
            .map(|i| self.letter_row(base, i, &terms))
            .collect();
        let mut chunk = vec![0u8; LETTERS * LETTERS_CHUNK].into_boxed_slice();
        for (l, col) in chunk.chunks_exact_mut(LETTERS_CHUNK).enumerate() {
            for (slot, row) in col.iter_mut().zip(&rows) {
                *slot = row.get(l).copied().unwrap_or(READ);
            }
        }
        self.letters.pushed.push(chunk);
        self.prepare_pending()
    }

    /// Item `i`'s row of [`Letters`] (`terms`: the 26 letters' terms): what
    /// [`Self::progress`] gives on each letter's term, coded, from one read of the titles and
    /// the pinyin (every letter's first value taken from that read, see [`letter_firsts`]).
    fn letter_row(&self, base: &[u32], i: usize, terms: &[Term]) -> [u8; LETTERS] {
        let Some(it) = self.it(base, i) else { return [READ; LETTERS] };
        let f = self.field_refs(&it);
        let has = |t: &Term, mask: u64| t.mask & !mask == 0;
        let mut en = [NONE; LETTERS];
        if terms.iter().any(|t| has(t, it.en_mask)) {
            letter_firsts(f.en().as_bytes(), !it.en_ascii, &mut en);
        }
        // the letters the Chinese title has (such an item is read)
        let mut zh = 0u32;
        if terms.iter().any(|t| has(t, it.zh_mask) && t.han & !it.zh_han == 0) {
            for &b in f.zh().as_bytes() {
                if let Some(l) = (b | 0x20).checked_sub(b'a').filter(|&l| usize::from(l) < LETTERS) {
                    zh |= 1 << l;
                }
            }
        }
        // the letters a syllable of the pinyin starts with, as `pinyin_found` finds them for
        // a term of one letter
        let (full, mut syl, mut at) = (f.py(), 0u32, 0usize);
        for (&initial, &len) in f.pyi().iter().zip(f.lens()) {
            let unit = full.get(at..at + usize::from(len)).unwrap_or(&[]);
            at += usize::from(len);
            let Some(&c) = unit.first() else { continue };
            let l = c.to_ascii_lowercase().wrapping_sub(b'a');
            let Some(t) = terms.get(usize::from(l)) else { continue };
            let table = t.positions.as_deref().and_then(|p| p.get(usize::from(initial & 0x7f)));
            if t.kind == TermKind::Fuzzy && table.is_some_and(|&bits| bits & 1 != 0) {
                syl |= 1 << l;
            }
        }
        let py_ok =
            |l: usize, t: &Term| has(t, it.py_mask) && t.initial & it.initials != 0 && (syl >> l) & 1 != 0;
        let mut py = [NONE; LETTERS];
        if terms.iter().enumerate().any(|(l, t)| py_ok(l, t)) {
            letter_firsts(full, false, &mut py);
        }
        let mut row = [0u8; LETTERS];
        for (l, ((slot, t), (&e, &p))) in row.iter_mut().zip(terms).zip(en.iter().zip(&py)).enumerate() {
            *slot = if has(t, it.zh_mask) && t.han & !it.zh_han == 0 && (zh >> l) & 1 != 0 {
                READ
            } else {
                let e = if has(t, it.en_mask) { e } else { NONE };
                let p = if py_ok(l, t) { p } else { NONE };
                Letters::encode(&Progress { rest: 0, first: [e, NONE, p], end: [0; 2] })
            };
        }
        row
    }

    /// The letter (0 for `a`) of a query that is one lowercase ASCII letter (a fuzzy term, not
    /// case-sensitive: what [`Letters`] answers), and that term.
    fn one_letter(q: &Query) -> Option<(usize, &Term)> {
        let t = last_term(q)?;
        match t.text.as_bytes() {
            &[c] if q.sets.len() == 1 && c.is_ascii_lowercase() && !t.case_sensitive => {
                Some((usize::from(c - b'a'), t))
            }
            _ => None,
        }
    }

    /// What an item must have to match `q` when a set of `q` is a positive term with
    /// characters that are not ASCII (which only a title can have, not the pinyin): those
    /// characters' bits in [`Self::han`] (the Chinese title's [`fold`]ed `zh_han`, all set
    /// where the English title is not ASCII), and the initials of their readings in its
    /// initials mask (unless its English title is not ASCII: see `han_initials`). `None`
    /// when no set is such a term.
    fn han_need(q: &Query) -> Option<(u32, u32)> {
        let need = (q.sets.iter())
            .filter_map(|set| match set.as_slice() {
                [t] if !t.inverse && t.han != 0 => Some((fold(t.han), t.han_initials)),
                _ => None,
            })
            .fold((0, 0), |(a, b), (h, i)| (a | h, b | i));
        (need.0 != 0).then_some(need)
    }

    /// The base initials masks (made once, in parallel, on the first search).
    fn base_initials(&self) -> &[u32] {
        self.base_initials.get_or_init(|| {
            self.data.items.par_iter().map(|it| initials_mask(self.field_refs(it).pyi())).collect()
        })
    }

    /// Heap bytes held by the index itself (not the catalog it borrows from, nor a
    /// [`SearchData`] shared with others, counted once here): items, strings, keys, order.
    pub fn heap_bytes(&self) -> usize {
        let order = self.order.get().map_or(0, |o| (o.perm.capacity() + o.rank.capacity()) * 4);
        let letters = self.letters.cols.capacity()
            + self.letters.pushed.len() * LETTERS * LETTERS_CHUNK
            + self.utf8.iter().map(|v| v.capacity() * 8).sum::<usize>()
            + self.han.capacity() * 4;
        self.data.heap_bytes()
            + letters
            + self.items.capacity() * std::mem::size_of::<Item>()
            + self.text.capacity()
            + self.keys.capacity() * 8
            + order
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.data.items.len() + self.items.len()
    }

    /// True if there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Changes an item's sort key (nothing for an `idx` out of range).
    pub fn set_sort_key(&mut self, idx: u32, key: u64) {
        let Some(k) = self.keys.get_mut(idx as usize) else { return };
        if *k != key {
            *k = key;
            self.order = OnceLock::new();
        }
    }

    /// An item's sort key (0 for an `idx` out of range).
    pub fn sort_key(&self, idx: u32) -> u64 {
        self.keys.get(idx as usize).copied().unwrap_or(0)
    }

    /// An item's English title (empty for an `idx` out of range).
    pub fn title_en(&self, idx: u32) -> &str {
        self.item(idx as usize).map_or("", |it| self.field_refs(it).en())
    }

    /// An item's Chinese title (empty for an `idx` out of range).
    pub fn title_zh(&self, idx: u32) -> &str {
        self.item(idx as usize).map_or("", |it| self.field_refs(it).zh())
    }

    /// Highlights of `q` in item `idx`'s titles (see [`Query::highlights`]).
    pub fn highlights(&self, idx: u32, q: &Query) -> super::Highlights {
        q.highlights(self.title_en(idx), self.title_zh(idx))
    }

    fn order(&self) -> &Order {
        self.order.get_or_init(|| {
            let mut perm: Vec<u32> = (0..self.len() as u32).collect();
            perm.par_sort_unstable_by_key(|&i| (self.keys.get(i as usize).copied().unwrap_or(0), i));
            let mut rank = vec![0u32; perm.len()];
            for (r, &i) in perm.iter().enumerate() {
                if let Some(slot) = rank.get_mut(i as usize) {
                    *slot = r as u32;
                }
            }
            Order { perm, rank }
        })
    }

    /// Searches for `q` and ranks every hit; `None` if `cancel` returned true during the
    /// scan (it is polled every 1024 items on each thread). Runs on the current rayon pool.
    ///
    /// `prev`: an earlier result, complete or not. If `q` [narrows](Query::narrows) its
    /// query, only its hits among the items it searched are examined; items added since are
    /// all examined. Otherwise it is ignored. The result is the same as without `prev`.
    ///
    /// The empty query returns every item in sort-key order with score 0.
    pub fn search(&self, q: &Query, prev: Option<&Hits>, cancel: &(dyn Fn() -> bool + Sync)) -> Option<Hits> {
        let found = self.search_first(q, prev, 0, cancel)?;
        self.complete(&found, cancel)
    }

    /// [`SearchIndex::search`], but only the first `first` hits ranked: every item that
    /// matches is found (`total` says how many, and a narrower query searches within them),
    /// and `hits` holds the first `first` hits of the complete ranking, exactly (all of them
    /// when no more match: then the result is complete). [`SearchIndex::complete`] ranks the
    /// rest. This is what a reader waits for: the count and a screenful. (The empty query
    /// lists every item at once, complete: there is nothing to rank.)
    ///
    /// Matching needs no score: each item gets a cheap upper bound of its score instead
    /// (see `Pattern::bound`), and only items whose bound could still place them among the
    /// first `first` are scored, best bound first. Typing on (`prev` a result of the query
    /// less the last character), the hits likely to be among those are scored in the scan
    /// instead, their exact score standing for their bound (see `first_estimate`).
    pub fn search_first(
        &self,
        q: &Query,
        prev: Option<&Hits>,
        first: usize,
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Option<Hits> {
        let (n, n0) = (self.len(), self.data.items.len());
        let order = self.order();
        let query = q.as_str().to_string();
        if q.is_empty() {
            if cancel() {
                return None;
            }
            let hits = order.perm.iter().map(|&idx| Hit { idx, score: 0 }).collect();
            return Some(Hits { query, hits, total: n, searched: n, carry: None });
        }
        let (prev, step, old) = match prev.filter(|p| p.searched <= n) {
            Some(p) => {
                let old = Query::parse(&p.query);
                match (q.narrows(&old), p.carry.as_deref()) {
                    (true, Some(c)) => {
                        let step = (!c.progress.is_empty()).then(|| Step::of(&old, q)).flatten();
                        (Some((p, c)), step, Some(old))
                    }
                    _ => (None, None, None),
                }
            }
            None => (None, None, None),
        };
        let last = last_term(q);
        // Typing on, a hit that the guess of this keystroke's `first`-th best (score, rank)
        // says will be a candidate of the first screen's ranking is scored at once, while its
        // titles are in the cache, and its exact score stands for its bound (the tightest
        // bound there is): the ranking then has fewer hits to read again, scattered over the
        // index, one after the other (see `first_estimate`).
        let exact_above = match (&step, prev, old.as_ref().and_then(last_term), last) {
            // (not for a Chinese term: its bounds are tight at the head, and scoring in the
            // scan made 生产 and 人民 twice as slow, the lead's bench after the merge)
            (Some(Step::Extend { .. }), Some((p, _)), Some(o), Some(t)) if first > 0 && t.text.is_ascii() => {
                first_estimate(p, first, o, t, order)
            }
            _ => None,
        };
        let covered = prev.map_or(0, |(p, _)| p.searched);
        let base = self.base_initials();
        // a letter searched from nothing: the answers made already (the base items' column
        // once they are all made, the pushed items' complete chunks made so far)
        let column = Self::one_letter(q).map(|(l, t)| {
            let col = self.letters.column(l);
            (l, col.get(..self.letters.made).unwrap_or(&[]), t)
        });
        // a query with Chinese characters searched from nothing: the base items whose masks
        // are made (with their letter rows) are read only where those masks allow
        let han = Self::han_need(q).map(|need| (need, self.han.get(..self.letters.made).unwrap_or(&[])));
        // (this result carries each hit's progress on the last term when there is one)
        let tasks: Vec<Task> = prev
            .map(|(_, c)| {
                (c.blocks.iter().enumerate())
                    .map(|(k, b)| {
                        let states = step.as_ref().and_then(|_| c.progress.get(k)).map(Vec::as_slice);
                        Task::Prev(b, states, step.as_ref().and_then(|_| c.exact.get(k)))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .into_iter()
            .chain((covered..n).step_by(BLOCK).map(|b| Task::Items(b..(b + BLOCK).min(n))))
            .collect();
        let stop = AtomicBool::new(false);
        let found: Option<Vec<Found>> = tasks
            .into_par_iter()
            .map(|task| {
                if stop.load(Ordering::Relaxed) || cancel() {
                    stop.store(true, Ordering::Relaxed);
                    return None;
                }
                let mut f = Found::default();
                let mut scratch = Scratch::default();
                let rank = |i: u32| order.rank.get(i as usize).copied().unwrap_or(u32::MAX);
                // an item searched from nothing
                let visit = |f: &mut Found, i: u32| {
                    let Some(it) = self.it(base, i as usize) else { return };
                    match last {
                        Some(t) => {
                            let Some(rest) = self.bound_sets(it, q, q.typing) else {
                                return;
                            };
                            if let Some((bound, p)) = self.progress(it, t, rest) {
                                f.push(i, pack(bound, rank(i)), first);
                                f.progress.push(p);
                            }
                        }
                        None => {
                            if let Some(bound) = self.bound_item(it, q) {
                                f.push(i, pack(bound, rank(i)), first);
                            }
                        }
                    }
                };
                // (typing on, each run of `TOUCH` hits can have the bytes it will read first
                // loaded together, so that their cache misses overlap instead of following one
                // another)
                let mut touched = 0u8;
                match (task, &step, last) {
                    (Task::Prev(ids, Some(states), exacts), Some(step), Some(t)) => {
                        // (the hits of the earlier keystroke scored in its scan, walked beside
                        // the ids: their DP is continued, not begun again)
                        let from = match *step {
                            Step::Extend { from } => from,
                            Step::NewSet { .. } => 0,
                        };
                        let mut cursor = 0;
                        // (the first run is loaded at once only where the hits are sparse:
                        // dense runs of items are read in order, which the hardware's own
                        // prefetching follows; the pipeline below serves both, measured)
                        let span = match (ids.first(), ids.last()) {
                            (Some(&a), Some(&b)) => b.saturating_sub(a) as usize + 1,
                            _ => 0,
                        };
                        let sparse = span > 2 * ids.len();
                        // (a pipeline: while a run is worked on, the next run's first bytes
                        // are prefetched, and the items of the run after it, whose records
                        // hold those bytes' addresses)
                        let runs = || ids.chunks(TOUCH).zip(states.chunks(TOUCH));
                        let (mut next, mut after) = (runs().skip(1), ids.chunks(TOUCH).skip(2));
                        if sparse {
                            if let Some((ids, _)) = next.clone().next() {
                                self.prefetch_items(ids);
                            }
                            if let Some((ids, states)) = runs().next() {
                                touched ^= self.touch_step(ids, states);
                            }
                        }
                        for (ids, states) in runs() {
                            let (next, after) = (next.next(), after.next());
                            if let Some(ids) = after {
                                self.prefetch_items(ids);
                            }
                            if let Some((ids, states)) = next {
                                self.prefetch_step(ids, states);
                            }
                            for (&i, p) in ids.iter().zip(states) {
                                let Some(it) = self.it(base, i as usize) else { continue };
                                let old = exacts.and_then(|e| Some((e.find(&mut cursor, i)?, e)));
                                if let Some((bound, p)) =
                                    self.step(it, t, step, p, old.map(|o| o.0), &mut scratch)
                                {
                                    // (a new term: the earlier query's exact score is the
                                    // other sets' now)
                                    if let (Step::NewSet { .. }, Some((e, _))) = (step, old) {
                                        if let Some(others) =
                                            e.others.checked_add(e.term).filter(|_| e.term != NO_TERM)
                                        {
                                            f.exact.list.push(Exact {
                                                id: i,
                                                others,
                                                term: NO_TERM,
                                                tails: [NO_TAIL; 3],
                                            });
                                        }
                                    }
                                    let (r, mut packed) = (rank(i), pack(bound, rank(i)));
                                    if let Some((score, r_est)) = exact_above {
                                        let above = packed < pack(score, r_est)
                                            || (r < r_est
                                                && bound >= score - HEAD_SLACK
                                                && self.loose_head(it, t, &p));
                                        if above {
                                            let exact = self.eval_typed(
                                                it,
                                                i,
                                                q,
                                                t,
                                                &p,
                                                &mut scratch,
                                                old,
                                                from,
                                                &mut f.exact,
                                            );
                                            packed = pack(exact.unwrap_or(bound), r);
                                        }
                                    }
                                    f.push(i, packed, first);
                                    f.progress.push(p);
                                }
                            }
                        }
                    }
                    (Task::Prev(ids, ..), _, _) => ids.iter().for_each(|&i| visit(&mut f, i)),
                    (Task::Items(range), _, _) => match column {
                        Some((l, col, t)) => {
                            for i in range {
                                let code = match col.get(i) {
                                    Some(&b) => Some(b),
                                    None => self.letters.pushed_code(l, i.wrapping_sub(n0)),
                                };
                                match code.map(Letters::decode) {
                                    Some(Known::No) => {}
                                    Some(Known::Yes(p)) => {
                                        if let Some(bound) = p.value(t) {
                                            f.push(i as u32, pack(bound, rank(i as u32)), first);
                                            f.progress.push(p);
                                        }
                                    }
                                    Some(Known::Read) | None => visit(&mut f, i as u32),
                                }
                            }
                        }
                        None => match han {
                            Some(((bits, initials), col)) => {
                                // (the items the masks let through are sparse and scattered:
                                // they are gathered, then read in runs of `TOUCH`, pipelined
                                // as typing on is: the first run's items and titles loaded
                                // together, then while a run is read the next one's titles
                                // are prefetched and the items of the run after it)
                                let may: Vec<u32> = range
                                    .filter(|&i| {
                                        col.get(i).is_none_or(|&h| {
                                            h & bits == bits
                                                && (h == u32::MAX
                                                    || base.get(i).is_some_and(|&m| m & initials == initials))
                                        })
                                    })
                                    .map(|i| i as u32)
                                    .collect();
                                let (mut next, mut after) =
                                    (may.chunks(TOUCH).skip(1), may.chunks(TOUCH).skip(2));
                                if let Some(ids) = next.clone().next() {
                                    self.prefetch_items(ids);
                                }
                                if let Some(ids) = may.chunks(TOUCH).next() {
                                    touched ^= self.touch_items(ids);
                                }
                                for run in may.chunks(TOUCH) {
                                    if let Some(ids) = after.next() {
                                        self.prefetch_items(ids);
                                    }
                                    if let Some(ids) = next.next() {
                                        self.prefetch_titles(ids);
                                    }
                                    run.iter().for_each(|&i| visit(&mut f, i));
                                }
                            }
                            None => range.for_each(|i| visit(&mut f, i as u32)),
                        },
                    },
                }
                std::hint::black_box(touched);
                if f.progress.len() != f.ids.len() {
                    f.progress = Vec::new(); // (a rest beyond i32: none carried)
                }
                Some(f)
            })
            .collect();
        let found = found?;
        if cancel() {
            return None;
        }
        let total = found.iter().map(|f| f.ids.len()).sum();
        let hits = if first == 0 { Vec::new() } else { self.rank_first(q, &found, first, order, cancel)? };
        let carried = last.is_some() && found.iter().all(|f| f.progress.len() == f.ids.len());
        let (mut blocks, mut progress, mut exact) = (Vec::new(), Vec::new(), Vec::new());
        for f in found {
            blocks.push(f.ids);
            progress.push(f.progress);
            exact.push(f.exact);
        }
        let carry = Carry {
            blocks,
            progress: if carried { progress } else { Vec::new() },
            exact: if carried { exact } else { Vec::new() },
        };
        Some(Hits { query, hits, total, searched: n, carry: Some(Arc::new(carry)) })
    }

    /// The complete ranking of a result of [`SearchIndex::search_first`] (a clone if it is
    /// complete already): every hit scored and ranked. `None` if cancelled.
    pub fn complete(&self, found: &Hits, cancel: &(dyn Fn() -> bool + Sync)) -> Option<Hits> {
        if found.is_complete() {
            return Some(found.clone());
        }
        let q = Query::parse(&found.query);
        let Some(carry) = found.carry.as_deref() else {
            // (every incomplete result has its hits; not reached)
            return self.search(&q, None, cancel);
        };
        let blocks: Vec<&[u32]> = carry.blocks.iter().map(Vec::as_slice).collect();
        let scored = self.score_blocks(&q, &blocks, cancel)?;
        let hits = rank_hits(&scored, self.order());
        Some(Hits { hits, carry: found.carry.clone(), ..found.without_hits() })
    }

    /// Every item of `blocks` scored for `q` (in parallel, a block at a time); `None` if
    /// cancelled.
    fn score_blocks(
        &self,
        q: &Query,
        blocks: &[&[u32]],
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<Vec<(u32, i64)>>> {
        let stop = AtomicBool::new(false);
        let base = self.base_initials();
        blocks
            .par_iter()
            .map_init(Scratch::default, |s, ids| {
                if stop.load(Ordering::Relaxed) || cancel() {
                    stop.store(true, Ordering::Relaxed);
                    return None;
                }
                Some(
                    ids.iter()
                        .filter_map(|&i| {
                            let it = self.it(base, i as usize)?;
                            Some((i, self.eval_item(it, q, s)?))
                        })
                        .collect(),
                )
            })
            .collect()
    }

    /// The first `first` hits (rank order) among the items `found` (with their bounds):
    /// the items of the `first` best bounds are scored; then only those whose bound beats
    /// the `first`-th best score so far (ties: by rank), best bound first, until none is left.
    fn rank_first(
        &self,
        q: &Query,
        found: &[Found],
        first: usize,
        order: &Order,
        cancel: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<Hit>> {
        let total: usize = found.iter().map(|f| f.ids.len()).sum();
        if total <= first {
            let blocks: Vec<&[u32]> = found.iter().map(|f| f.ids.as_slice()).collect();
            return Some(rank_hits(&self.score_blocks(q, &blocks, cancel)?, order));
        }
        let base = self.base_initials();
        // (score, rank) packed, from a bound's pack: the item's exact one
        let exact = |s: &mut Scratch, bound: u64| {
            let rank = (bound & 0xFFFF_FFFF) as u32;
            let idx = *order.perm.get(rank as usize)?;
            Some(pack(self.eval_item(self.it(base, idx as usize)?, q, s)?, rank))
        };
        // the same, unless the item's finer bound already says it cannot beat `limit`
        let exact_below = |s: &mut Scratch, bound: u64, limit: u64| {
            let rank = (bound & 0xFFFF_FFFF) as u32;
            let it = self.it(base, *order.perm.get(rank as usize)? as usize)?;
            if pack(self.bound_item_fine(it, q)?, rank) >= limit {
                return None;
            }
            Some(pack(self.eval_item(it, q, s)?, rank))
        };
        let mut best: Vec<u64> = found.iter().flat_map(|f| f.best.iter().copied()).collect();
        best.select_nth_unstable(first - 1);
        best.truncate(first);
        let scored_up_to = best.iter().copied().max().unwrap_or(0);
        // the first hits so far, as a max-heap of packs: its top is the one to beat
        let mut top: BinaryHeap<u64> =
            best.par_iter().map_init(Scratch::default, |s, &b| exact(s, b)).flatten().collect();
        let bar = |top: &BinaryHeap<u64>| {
            if top.len() < first {
                u64::MAX
            } else {
                top.peek().copied().unwrap_or(u64::MAX)
            }
        };
        let limit = bar(&top);
        let mut more: Vec<u64> = found
            .par_iter()
            .flat_map_iter(|f| f.bounds.iter().copied().filter(|&b| b > scored_up_to && b < limit))
            .collect();
        // Best bound first, a round at a time: the round's bounds are selected (linear) and
        // sorted, not all of them (most are never reached: the bar rises past them); each
        // round twice the one before, so that scoring them all still selects O(n) in all.
        let mut rest: &mut [u64] = &mut more;
        let mut size = MORE_ROUND;
        'rounds: while !rest.is_empty() {
            let take = rest.len().min(size);
            size = size.saturating_mul(2);
            if take < rest.len() {
                rest.select_nth_unstable(take - 1);
            }
            let (round, after) = std::mem::take(&mut rest).split_at_mut(take);
            round.sort_unstable();
            for chunk in round.chunks(MORE_CHUNK) {
                let limit = bar(&top);
                if chunk.first().is_none_or(|&b| b >= limit) {
                    break 'rounds;
                }
                if cancel() {
                    return None;
                }
                // (the items are in bound order, scattered, so each read would miss: the
                // first run of `TOUCH` bounds has its items' first bytes loaded together,
                // then while a run is scored the next one's are prefetched, and the items
                // of the run after it)
                let scored: Vec<u64> = chunk
                    .par_chunks(RANK_PART)
                    .map_init(Scratch::default, |s, part| {
                        let (mut next, mut after) = (part.chunks(TOUCH).skip(1), part.chunks(TOUCH).skip(2));
                        if let Some(run) = next.clone().next() {
                            self.prefetch_ranked(run, limit, order, false);
                        }
                        if let Some(run) = part.chunks(TOUCH).next() {
                            std::hint::black_box(self.touch_ranked(run, limit, order));
                        }
                        let mut scored = Vec::new();
                        for run in part.chunks(TOUCH) {
                            if let Some(run) = after.next() {
                                self.prefetch_ranked(run, limit, order, false);
                            }
                            if let Some(run) = next.next() {
                                self.prefetch_ranked(run, limit, order, true);
                            }
                            scored.extend(
                                (run.iter().filter(|&&b| b < limit))
                                    .filter_map(|&b| exact_below(s, b, limit)),
                            );
                        }
                        scored
                    })
                    .flatten_iter()
                    .collect();
                for e in scored {
                    if top.len() < first {
                        top.push(e);
                    } else if top.peek().is_some_and(|&m| e < m) {
                        top.pop();
                        top.push(e);
                    }
                }
            }
            rest = after;
        }
        Some(top.into_sorted_vec().into_iter().map(|k| unpack(k, order)).collect())
    }

    /// Loads the first bytes of the items of the packed bounds `part` below `limit` (their
    /// item, English and Chinese titles' and pinyin's first bytes), as [`Self::touch_step`]
    /// does for a scan: a hint for the memory system (the bytes' xor, for `black_box`).
    fn touch_ranked(&self, part: &[u64], limit: u64, order: &Order) -> u8 {
        let mut acc = 0u8;
        for &b in part.iter().filter(|&&b| b < limit) {
            let Some(&idx) = order.perm.get((b & 0xFFFF_FFFF) as usize) else { continue };
            let Some(it) = self.item(idx as usize) else { continue };
            let f = self.field_refs(it);
            acc ^= f.field_bytes(Field::En).first().copied().unwrap_or(0);
            acc ^= f.field_bytes(Field::Zh).first().copied().unwrap_or(0);
            acc ^= f.py().first().copied().unwrap_or(0);
        }
        acc
    }

    /// Prefetches the titles of the items `ids`, their first lines (as
    /// [`Self::prefetch_step`] does, for a search from nothing).
    fn prefetch_titles(&self, ids: &[u32]) {
        for &i in ids {
            let Some(it) = self.item(i as usize) else { continue };
            let f = self.field_refs(it);
            prefetch::lines::<3>(f.field_bytes(Field::En));
            prefetch::lines::<3>(f.field_bytes(Field::Zh));
        }
    }

    /// Prefetches the items of the packed bounds `part` below `limit` (`titles`: their
    /// titles' and pinyin's first lines too, the items having been prefetched a run
    /// before), for [`Self::rank_first`]'s pipeline. A hint, no result.
    fn prefetch_ranked(&self, part: &[u64], limit: u64, order: &Order, titles: bool) {
        for &b in part.iter().filter(|&&b| b < limit) {
            let Some(&idx) = order.perm.get((b & 0xFFFF_FFFF) as usize) else { continue };
            let Some(it) = self.item(idx as usize) else { continue };
            if !titles {
                prefetch::line(it);
                continue;
            }
            let f = self.field_refs(it);
            prefetch::lines::<2>(f.field_bytes(Field::En));
            prefetch::lines::<2>(f.field_bytes(Field::Zh));
            prefetch::lines::<2>(f.py_block());
        }
    }

    /// Loads the items `ids` (a field of each), then their titles' first and last bytes: a
    /// hint for the memory system, as [`Self::touch_step`] (the bytes' xor, for `black_box`).
    fn touch_items(&self, ids: &[u32]) -> u8 {
        let mut acc = 0u8;
        for &i in ids {
            acc ^= self.item(i as usize).map_or(0, |it| it.src);
        }
        for &i in ids {
            let Some(it) = self.item(i as usize) else { continue };
            let f = self.field_refs(it);
            for field in [Field::En, Field::Zh] {
                let b = f.field_bytes(field);
                acc ^= b.first().copied().unwrap_or(0) ^ b.last().copied().unwrap_or(0);
            }
        }
        acc
    }

    /// Loads the first byte each of `ids` will be read at by [`Self::step`] (from its
    /// progress `states`): the English and Chinese titles where the match ended (their start
    /// where that is [`UNKNOWN`]), the pinyin's derived strings at both ends (the full
    /// pinyin's first byte, the syllable lengths' last: `pinyin_found` reads the initials
    /// and lengths after the full pinyin, often on the next cache line). The items first,
    /// all of them, so that their misses overlap before their fields' addresses are needed.
    /// A hint for the memory system (the bytes' xor, for `black_box`), no result.
    fn touch_step(&self, ids: &[u32], states: &[Progress]) -> u8 {
        let at = |end: u32| if end == UNKNOWN { 0 } else { end as usize };
        let mut acc = 0u8;
        for &i in ids {
            acc ^= self.item(i as usize).map_or(0, |it| it.src);
        }
        for (&i, p) in ids.iter().zip(states) {
            let Some(it) = self.item(i as usize) else { continue };
            let f = self.field_refs(it);
            if p.first[0] != NONE {
                acc ^= f.field_bytes(Field::En).get(at(p.end[0])).copied().unwrap_or(0);
            }
            if p.first[1] != NONE {
                acc ^= f.field_bytes(Field::Zh).get(at(p.end[1])).copied().unwrap_or(0);
            }
            if p.first[2] != NONE {
                acc ^= f.py().first().copied().unwrap_or(0) ^ f.lens().last().copied().unwrap_or(0);
            }
        }
        acc
    }

    /// Prefetches the items `ids` (the first stage of the scan's pipeline, see
    /// [`Self::prefetch_step`]).
    fn prefetch_items(&self, ids: &[u32]) {
        for &i in ids {
            if let Some(it) = self.item(i as usize) {
                prefetch::line(it);
            }
        }
    }

    /// Prefetches the bytes [`Self::touch_step`] loads (the second stage of the scan's
    /// pipeline: the items are read, so they are best prefetched a run before, by
    /// [`Self::prefetch_items`]). A hint, no result.
    fn prefetch_step(&self, ids: &[u32], states: &[Progress]) {
        let at = |end: u32| if end == UNKNOWN { 0 } else { end as usize };
        for (&i, p) in ids.iter().zip(states) {
            let Some(it) = self.item(i as usize) else { continue };
            let f = self.field_refs(it);
            // (the titles from where the match ended to their end: the next character
            // is looked for there, 32 bytes at a time, often over a line's end)
            if p.first[0] != NONE {
                prefetch::lines::<3>(f.field_bytes(Field::En).get(at(p.end[0])..).unwrap_or_default());
            }
            if p.first[1] != NONE {
                prefetch::lines::<3>(f.field_bytes(Field::Zh).get(at(p.end[1])..).unwrap_or_default());
            }
            if p.first[2] != NONE {
                // (the full pinyin, the initials and the syllables' lengths, one after
                // the other)
                prefetch::lines::<3>(f.py_block());
            }
        }
    }

    /// The sum of [`Self::bound_set`] over the sets of `q` but set `skip`, `None` if one
    /// does not match.
    fn bound_sets(&self, it: It<'_>, q: &Query, skip: Option<usize>) -> Option<i64> {
        (q.sets.iter().enumerate())
            .filter(|&(i, _)| Some(i) != skip)
            .map(|(_, set)| self.bound_set(it, set))
            .sum()
    }

    /// The bound of a query whose term typed last is `t`, alone in its set ([`last_term`]), on an item
    /// whose other sets' bound is `rest`, and the item's [`Progress`] on `t`: the same bound
    /// as [`Self::bound_item`], `None` exactly when it is `None`.
    fn progress(&self, it: It<'_>, t: &Term, rest: i64) -> Option<(i64, Progress)> {
        let f = self.field_refs(&it);
        let mut p = Progress { rest: i32::try_from(rest).ok()?, first: [NONE; 3], end: [0; 2] };
        // (a title known to read as its bytes is matched on them, not checked again)
        let parts = |field: Field, ascii: bool, utf8: bool| match (ascii, utf8) {
            (true, true) => t.pattern.bound_parts_ascii(f.field_bytes(field)),
            (false, true) => t.pattern.bound_parts_utf8(f.field_bytes(field)),
            (ascii, false) => {
                let s = if let Field::En = field { f.en() } else { f.zh() };
                if ascii {
                    t.pattern.bound_parts_ascii(s.as_bytes())
                } else {
                    t.pattern.bound_parts_unicode(s)
                }
            }
        };
        if t.mask & !it.en_mask == 0 {
            if let Some((first, end)) = parts(Field::En, it.en_ascii, it.utf8[0]) {
                p.first[0] = first;
                p.end[0] = u32::try_from(end).ok()?;
            }
        }
        if it.zh_may(t) {
            if let Some((first, end)) = parts(Field::Zh, it.zh_ascii, it.utf8[1]) {
                p.first[1] = first;
                p.end[1] = u32::try_from(end).ok()?;
            }
        }
        if t.mask & !it.py_mask == 0
            && t.initial & it.initials != 0
            && pinyin_found(t, f.py(), f.pyi(), f.lens())
        {
            p.first[2] = t.pattern_lower.bound_parts_ascii(f.py())?.0;
        }
        Some((rest + p.value(t)?, p))
    }

    /// An item's bound and [`Progress`] for the query typed on (`step`) from the one
    /// `p` was made for: what [`Self::progress`] gives, reading only what the step needs.
    fn step(
        &self,
        it: It<'_>,
        t: &Term,
        step: &Step,
        p: &Progress,
        exact: Option<&Exact>,
        s: &mut Scratch,
    ) -> Option<(i64, Progress)> {
        match *step {
            Step::Extend { from } => {
                let f = self.field_refs(&it);
                let mut p = *p;
                // (an ASCII field is read as bytes from where the match ended: nothing before
                // it is touched)
                let extend = |field: Field, ascii: bool, utf8: bool, at: u32| {
                    // (an end not known: the whole term matched from the field's start)
                    let (at, from) = if at == UNKNOWN { (0, 0) } else { (at as usize, from) };
                    let end = if ascii {
                        t.pattern.extend_ascii(f.field_bytes(field), at, from)
                    } else if utf8 {
                        t.pattern.extend_utf8(f.field_bytes(field), at, from)
                    } else {
                        t.pattern.extend_unicode(
                            if let Field::En = field { f.en() } else { f.zh() },
                            at,
                            from,
                        )
                    };
                    end.and_then(|e| u32::try_from(e).ok())
                };
                if p.first[0] != NONE {
                    match extend(Field::En, it.en_ascii, it.utf8[0], p.end[0]) {
                        Some(end) => p.end[0] = end,
                        None => p.first[0] = NONE,
                    }
                }
                // (a Chinese character the title cannot have, by its masks: not read)
                if p.first[1] != NONE && (t.han & !it.zh_han != 0 || t.han_initials & !it.initials != 0) {
                    p.first[1] = NONE;
                }
                if p.first[1] != NONE {
                    match extend(Field::Zh, it.zh_ascii, it.utf8[1], p.end[1]) {
                        Some(end) => p.end[1] = end,
                        None => p.first[1] = NONE,
                    }
                }
                if p.first[2] != NONE
                    && !(t.mask & !it.py_mask == 0 && pinyin_found(t, f.py(), f.pyi(), f.lens()))
                {
                    p.first[2] = NONE;
                }
                Some((i64::from(p.rest) + p.value(t)?, p))
            }
            Step::NewSet { ref old } => {
                // (the earlier term's bound is likely loose, its first character's value a
                // field's first column's while it matched further on: its exact score instead,
                // while the item is read anyway. It stays in every later keystroke's bound, and
                // a loose one there makes the first screen's ranking score hits one by one:
                // `collective le`)
                // (scored in the earlier keystroke's scan: that exact score, carried)
                let old_value = match (exact.filter(|e| e.term != NO_TERM), self.loose_head(it, old, p)) {
                    (Some(e), _) => i64::from(e.term),
                    (None, true) => self.term_score(it, old, p, s).or_else(|| p.value(old))?,
                    (None, false) => p.value(old)?,
                };
                self.progress(it, t, i64::from(p.rest) + old_value)
            }
        }
    }

    /// Whether a field's value in `p` (the item's progress on `t`, typed on) is its first
    /// column's (see [`FIRST_ELSEWHERE`]) while the term does not begin there: its bound
    /// is likely loose (the term matched further on).
    fn loose_head(&self, it: It<'_>, t: &Term, p: &Progress) -> bool {
        let head = |k: usize| p.first.get(k).is_some_and(|&v| v != NONE && v > FIRST_ELSEWHERE);
        let len = t.text.len() as u32;
        (head(0) && p.end[0] != len)
            || (head(1) && p.end[1] != len)
            || (head(2) && {
                let py = self.field_refs(&it).py();
                !py.get(..t.lower.len()).is_some_and(|b| b.eq_ignore_ascii_case(t.lower.as_bytes()))
            })
    }

    /// [`Self::eval_item`] for an item whose [`Progress`] on `q`'s last term `t` is `p`:
    /// that term is scored only on the fields `p` says it matches (it alone is its set), so
    /// that a field the scan did not read is not read now.
    ///
    /// Item `i`'s exact score is carried in `out` (see [`Exacts`]) for the next keystroke:
    /// the other sets' score, the term's, and the last two rows of the term's DP on each
    /// ASCII field. `old`: what the keystroke before carried for it, the term then its first
    /// `from` characters (a [`Step::Extend`]): the DP is continued from those rows (a row per
    /// new character) and the other sets' score taken as it was.
    #[allow(clippy::too_many_arguments)]
    fn eval_typed(
        &self,
        it: It<'_>,
        i: u32,
        q: &Query,
        t: &Term,
        p: &Progress,
        s: &mut Scratch,
        old: Option<(&Exact, &Exacts)>,
        from: usize,
        out: &mut Exacts,
    ) -> Option<i64> {
        let others = match old {
            Some((e, _)) => i64::from(e.others),
            None => {
                let typing = q.typing?;
                (q.sets.iter().enumerate())
                    .filter(|&(k, _)| k != typing)
                    .map(|(_, set)| self.eval_set(it, set, s))
                    .sum::<Option<i64>>()?
            }
        };
        let mut tails = [NO_TAIL; 3];
        // (the same term again, `ac` then `ac `: its carried score and rows)
        if let Some((e, all)) = old.filter(|(e, _)| e.term != NO_TERM && t.pattern.len() == from) {
            for (tail, &at) in tails.iter_mut().zip(&e.tails) {
                let dp = all.tails.get(at as usize).and_then(|dp| dp.copy(&all.cells, &mut out.cells));
                if let (Some(dp), Ok(at)) = (dp, u32::try_from(out.tails.len())) {
                    out.tails.push(dp);
                    *tail = at;
                }
            }
            out.list.push(Exact { id: i, tails, ..*e });
            return Some(i64::from(e.term) + i64::from(e.others));
        }
        let f = self.field_refs(&it);
        let mut best = None;
        for (k, tail) in tails.iter_mut().enumerate() {
            if p.first.get(k).is_none_or(|&v| v == NONE) {
                continue;
            }
            // the field's bytes where it is ASCII (as `en_score`, `field_score` and
            // `pinyin_score` read them), its pattern
            let (bytes, pat) = match k {
                0 if it.en_ascii => {
                    (Some(if it.utf8[0] { f.field_bytes(Field::En) } else { f.en().as_bytes() }), &t.pattern)
                }
                0 => (None, &t.pattern),
                1 => (it.zh_ascii.then(|| f.zh().as_bytes()), &t.pattern),
                _ => (Some(f.py()), &t.pattern_lower),
            };
            let Some(bytes) = bytes else {
                let v = if k == 0 { en_score(it, &f, t, s) } else { field_score(t, f.zh(), it.zh_ascii, s) };
                best = best.max(v);
                continue;
            };
            let carried = old.and_then(|(e, all)| Some((all.tails.get(*e.tails.get(k)? as usize)?, all)));
            let got = match carried {
                // (the same term again, `ac` then `ac `: scored anew)
                Some((tail, all)) if from >= 2 && pat.len() > from => {
                    pat.extend_dp(bytes, tail, &all.cells, from, s, &mut out.cells)
                }
                _ => pat.score_ascii_dp(bytes, s, &mut out.cells),
            };
            let Some((v, dp)) = got else { continue };
            best = best.max(Some(v));
            if let (Some(dp), Ok(at)) = (dp, u32::try_from(out.tails.len())) {
                out.tails.push(dp);
                *tail = at;
            }
        }
        let term = best?;
        if let (Ok(others), Ok(term)) = (i32::try_from(others), i32::try_from(term)) {
            out.list.push(Exact { id: i, others, term, tails });
        }
        Some(term + others)
    }

    /// The score of `t` (a fuzzy term alone in its set) on an item whose [`Progress`] on it
    /// is `p`: on the fields `p` says it matches only (its best there), so that a field the
    /// scan did not read is not read now.
    fn term_score(&self, it: It<'_>, t: &Term, p: &Progress, s: &mut Scratch) -> Option<i64> {
        let f = self.field_refs(&it);
        let mut best = None;
        if p.first[0] != NONE {
            best = best.max(en_score(it, &f, t, s));
        }
        if p.first[1] != NONE {
            best = best.max(field_score(t, f.zh(), it.zh_ascii, s));
        }
        if p.first[2] != NONE {
            best = best.max(t.pattern_lower.score_ascii(f.py(), s));
        }
        best
    }

    /// The item's score for `q` (the sum over its sets), `None` if it does not match.
    fn eval_item(&self, it: It<'_>, q: &Query, s: &mut Scratch) -> Option<i64> {
        q.sets.iter().map(|set| self.eval_set(it, set, s)).sum()
    }

    /// An upper bound of [`Self::eval_item`], `None` exactly when it is `None`; no DP.
    fn bound_item(&self, it: It<'_>, q: &Query) -> Option<i64> {
        q.sets.iter().map(|set| self.bound_set(it, set)).sum()
    }

    /// [`Self::bound_item`] with the finer bound (`Pattern::bound_fine_ascii`) where a
    /// field is ASCII: between the score and the bound.
    fn bound_item_fine(&self, it: It<'_>, q: &Query) -> Option<i64> {
        q.sets.iter().map(|set| self.bound_set_with(it, set, true)).sum()
    }

    /// The score of one OR-set on an item, or `None` if it does not match.
    fn eval_set(&self, it: It<'_>, set: &[Term], s: &mut Scratch) -> Option<i64> {
        self.fold_set(it, set, |t, f, field| match field {
            Field::En => en_score(it, f, t, s),
            Field::Zh => field_score(t, f.zh(), it.zh_ascii, s),
            Field::Py => pinyin_score(t, f.py(), f.pyi(), f.lens(), s),
        })
    }

    /// [`Self::eval_set`] with each score replaced by its bound (`Pattern::bound`): the
    /// same terms match, so the same term gives the set's value.
    fn bound_set(&self, it: It<'_>, set: &[Term]) -> Option<i64> {
        self.bound_set_with(it, set, false)
    }

    /// [`Self::bound_set`], with the finer bound if `fine`.
    fn bound_set_with(&self, it: It<'_>, set: &[Term], fine: bool) -> Option<i64> {
        self.fold_set(it, set, |t, f, field| match field {
            Field::En => field_bound(t, f.en(), it.en_ascii, fine),
            Field::Zh => field_bound(t, f.zh(), it.zh_ascii, fine),
            Field::Py => pinyin_bound(t, f.py(), f.pyi(), f.lens(), fine),
        })
    }

    /// One OR-set on an item, as fzf takes it: the first positive term that matches gives the
    /// set's value (its best `value` over the fields its masks allow); a satisfied inverse
    /// term satisfies the set with 0. `None` if the set does not match.
    fn fold_set(
        &self,
        it: It<'_>,
        set: &[Term],
        mut value: impl FnMut(&Term, &FieldRefs<'_>, Field) -> Option<i64>,
    ) -> Option<i64> {
        let f = self.field_refs(&it);
        let mut matched = None;
        for t in set {
            if t.inverse {
                if !self.present(&it, t) {
                    matched = Some(0);
                }
                continue;
            }
            let mut best = None;
            if t.mask & !it.en_mask == 0 {
                best = best.max(value(t, &f, Field::En));
            }
            if it.zh_may(t) {
                best = best.max(value(t, &f, Field::Zh));
            }
            // (a fuzzy term matches the pinyin from a syllable's start: its first letter must be
            // an initial)
            if t.mask & !it.py_mask == 0 && (t.kind != TermKind::Fuzzy || t.initial & it.initials != 0) {
                best = best.max(value(t, &f, Field::Py));
            }
            if best.is_some() {
                matched = best;
                break;
            }
        }
        matched
    }

    /// Whether an inverse term's text occurs in the item's titles (so it is excluded).
    fn present(&self, it: &Item, t: &Term) -> bool {
        let f = self.field_refs(it);
        (t.mask & !it.en_mask == 0 && present(t, f.en(), it.en_ascii))
            || (t.mask & !it.zh_mask == 0 && t.han & !it.zh_han == 0 && present(t, f.zh(), it.zh_ascii))
    }

    fn field_refs(&self, it: &Item) -> FieldRefs<'_> {
        FieldRefs { cat: self.cat.arena(), data: &self.data.text, text: &self.text, it: *it }
    }
}

/// An item as matched: its [`Item`] and its pinyin's [`initials_mask`].
#[derive(Clone, Copy)]
struct It<'a> {
    item: &'a Item,
    initials: u32,
    /// The English (`[0]`) and Chinese (`[1]`) titles' bytes are known to be what
    /// [`FieldRefs::en`] and [`FieldRefs::zh`] read: valid UTF-8, matched as bytes
    /// (`Pattern::bound_parts_utf8`, `Pattern::extend_utf8`), not checked again.
    utf8: [bool; 2],
}

impl It<'_> {
    /// Whether term `t` can match the Chinese title, by the masks alone: the title's
    /// character masks hold the term's, and the pinyin's initials hold the initial of every
    /// character of the term that has a reading (see `han_initials`).
    fn zh_may(&self, t: &Term) -> bool {
        t.mask & !self.zh_mask == 0 && t.han & !self.zh_han == 0 && t.han_initials & !self.initials == 0
    }
}

impl std::ops::Deref for It<'_> {
    type Target = Item;
    fn deref(&self) -> &Item {
        self.item
    }
}

/// The fields of an item a term is matched against.
#[derive(Clone, Copy)]
enum Field {
    En,
    Zh,
    Py,
}

/// An item's fields in their arenas, sliced on demand (touching only what is read): the
/// catalog's (titles of base items), the [`SearchData`]'s text (their pinyin) or the
/// index's own text (pushed items). A title in the catalog that is not UTF-8 reads as "".
struct FieldRefs<'a> {
    cat: &'a [u8],
    data: &'a str,
    text: &'a str,
    it: Item,
}

impl<'a> FieldRefs<'a> {
    fn bytes(&self, arena: u8, at: u32, len: u32) -> &'a [u8] {
        let (at, len) = (at as usize, len as usize);
        let a = match arena {
            EN_CAT | ZH_CAT => self.cat,
            ZH_DATA | PY_DATA => self.data.as_bytes(),
            _ => self.text.as_bytes(),
        };
        a.get(at..at.saturating_add(len)).unwrap_or(&[])
    }
    fn str(&self, arena: u8, at: u32, len: u32) -> &'a str {
        let range = at as usize..(at as usize).saturating_add(len as usize);
        match arena {
            EN_CAT | ZH_CAT => std::str::from_utf8(self.bytes(arena, at, len)).unwrap_or(""),
            ZH_DATA | PY_DATA => self.data.get(range).unwrap_or(""),
            _ => self.text.get(range).unwrap_or(""),
        }
    }
    /// The English (`Field::En`) or Chinese title's bytes, unchecked (for an ASCII field).
    fn field_bytes(&self, field: Field) -> &'a [u8] {
        match field {
            Field::En => self.bytes(self.it.src & EN_CAT, self.it.en_at, self.it.en_len),
            _ => self.bytes(self.it.src & (ZH_CAT | ZH_DATA), self.it.zh_at, self.it.zh_len),
        }
    }
    fn en(&self) -> &'a str {
        self.str(self.it.src & EN_CAT, self.it.en_at, self.it.en_len)
    }
    fn zh(&self) -> &'a str {
        self.str(self.it.src & (ZH_CAT | ZH_DATA), self.it.zh_at, self.it.zh_len)
    }
    fn py(&self) -> &'a [u8] {
        self.bytes(self.it.src & PY_DATA, self.it.py_at, self.it.py_len)
    }
    fn pyi(&self) -> &'a [u8] {
        self.bytes(self.it.src & PY_DATA, self.it.py_at.saturating_add(self.it.py_len), self.it.pyi_len)
    }
    /// [`Self::py`], [`Self::pyi`] and [`Self::lens`] together.
    fn py_block(&self) -> &'a [u8] {
        let len = self.it.py_len.saturating_add(self.it.pyi_len).saturating_add(self.it.pyi_len);
        self.bytes(self.it.src & PY_DATA, self.it.py_at, len)
    }
    fn lens(&self) -> &'a [u8] {
        let at = self.it.py_at.saturating_add(self.it.py_len).saturating_add(self.it.pyi_len);
        self.bytes(self.it.src & PY_DATA, at, self.it.pyi_len)
    }
}

/// A unit of scan work: the hits of an earlier result's block (with their [`Progress`] when
/// the query types on from it), or a range of items.
enum Task<'a> {
    Prev(&'a [u32], Option<&'a [Progress]>, Option<&'a Exacts>),
    Items(std::ops::Range<usize>),
}

/// [`Progress::first`] of a field the term does not match.
const NONE: i32 = i32::MIN;

/// [`Progress::end`] not known (the progress was made without reading the title, see
/// [`Letters`]): typing on matches the whole term from the field's start.
const UNKNOWN: u32 = u32::MAX;

/// Letters `a`..`z`.
const LETTERS: usize = 26;

/// Items whose [`Letters`] rows are made at a time, in one [`SearchIndex::prepare_step`] (a
/// few in tests, so that chunks end within the small indexes tested): some 10 ms of CPU, the
/// most a query that arrives meanwhile waits.
const LETTERS_CHUNK: usize = if cfg!(test) { 5 } else { 1 << 14 };

/// [`Letters`]' code of an item that must be read (its English nibble).
const READ: u8 = 0x0F;

/// The first character's values [`Letters`] can hold (code `k + 1` is `VALUES[k]`): skim's
/// values of one matched ASCII letter (`-1` + bonus + match). Any other value is stored as
/// [`READ`].
const VALUES: [i32; 14] = [13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 29, 30, 31];

/// [`Letters`]' code of each value below 32 (`k + 1` for `VALUES[k]`, 0: none).
// Built at compile time: indices run over `VALUES` and the values in it (below 32).
#[allow(clippy::indexing_slicing)]
const CODES: [u8; 32] = {
    let mut t = [0u8; 32];
    let mut k = 0;
    while k < VALUES.len() {
        t[VALUES[k] as usize] = k as u8 + 1;
        k += 1;
    }
    t
};

/// What a query of one lowercase letter finds in each base item, made once so that a letter
/// typed from nothing reads no title (a column per letter, one byte per item, 11 MB at
/// 430,000): the [`Progress`] on the letter's term, its first values coded (English in the low
/// nibble, pinyin in the high one; 0: no match) and its ends left [`UNKNOWN`]; [`READ`] where
/// the Chinese title has the letter or a value has no code (the item is matched as before).
///
/// Pushed items (a cold open's, which have no catalog) have theirs too, made a chunk of
/// [`LETTERS_CHUNK`] items at a time once the chunk is complete (`pushed`).
#[derive(Debug, Default)]
struct Letters {
    /// Column `l` (letter `a + l`) is `cols[l * n..(l + 1) * n]`.
    cols: Vec<u8>,
    /// Base items.
    n: usize,
    /// Base items whose rows are made (the first ones).
    made: usize,
    /// Per chunk of [`LETTERS_CHUNK`] pushed items (the first ones), their rows: letter
    /// `l`'s column is `[l * LETTERS_CHUNK..(l + 1) * LETTERS_CHUNK]`.
    pushed: Vec<Box<[u8]>>,
}

/// An item's answer from [`Letters`].
enum Known {
    /// The letter matches no field.
    No,
    /// The item is read (see [`READ`]).
    Read,
    /// The item's progress on the letter (ends [`UNKNOWN`]).
    Yes(Progress),
}

impl Letters {
    /// Letter `l`'s column (empty if there is none).
    fn column(&self, l: usize) -> &[u8] {
        self.cols.get(l * self.n..(l + 1) * self.n).unwrap_or(&[])
    }

    /// Letter `l`'s code of pushed item `k` (the `k`-th pushed), if its chunk is made.
    fn pushed_code(&self, l: usize, k: usize) -> Option<u8> {
        let chunk = self.pushed.get(k / LETTERS_CHUNK)?;
        chunk.get(l * LETTERS_CHUNK + k % LETTERS_CHUNK).copied()
    }

    /// The code of an item's progress on a letter's term.
    fn encode(p: &Progress) -> u8 {
        let code = |v: i32| match v {
            NONE => Some(0u8),
            v => usize::try_from(v).ok().and_then(|v| CODES.get(v)).copied().filter(|&c| c != 0),
        };
        match (p.first[1], code(p.first[0]), code(p.first[2])) {
            (NONE, Some(en), Some(py)) if p.rest == 0 => en | py << 4,
            _ => READ,
        }
    }

    /// What an item's code says.
    fn decode(b: u8) -> Known {
        let value = |c: u8| match c {
            0 => NONE,
            c => VALUES.get(usize::from(c - 1)).copied().unwrap_or(NONE),
        };
        match (b & 0x0F, b >> 4) {
            (0, 0) => Known::No,
            (READ, _) => Known::Read,
            (en, py) => {
                Known::Yes(Progress { rest: 0, first: [value(en), NONE, value(py)], end: [UNKNOWN; 2] })
            }
        }
    }
}

/// How an item matched a query whose term typed last is a fuzzy term alone in its set ([`last_term`]),
/// carried from keystroke to keystroke: the next keystroke, typing on ([`Step`]), reads
/// only where the term's greedy match ended instead of each title from its start.
#[derive(Clone, Copy, Debug)]
struct Progress {
    /// The bound of every set but [`last_term`]'s.
    rest: i32,
    /// Per field (English, Chinese, pinyin): the term's first character's best value there
    /// (the field's bound is that plus the pattern's tail, see `Pattern::bound_parts_ascii`),
    /// [`NONE`] where the term does not match.
    first: [i32; 3],
    /// Per field (English, Chinese): where the term's greedy match ends.
    end: [u32; 2],
}

/// The most a term's first character is worth anywhere but a field's first column (a
/// word's head: `GAP_EXTENSION + BONUS_HEAD + SCORE_MATCH`); in the first column skim
/// doubles the head bonus, up to 31.
const FIRST_ELSEWHERE: i32 = 23;

/// What the first column's doubled bonus adds to a first character's value (see
/// [`FIRST_ELSEWHERE`]): a bound made from it is that much above the best a match further
/// on can score, and such bounds are often loose (a title that begins with the term's first
/// letter, the term matched further on).
const HEAD_SLACK: i64 = 8;

impl Progress {
    /// The last set's bound (`t`: its term), `None` if no field matches.
    fn value(&self, t: &Term) -> Option<i64> {
        let tails = [t.pattern.tail(), t.pattern.tail(), t.pattern_lower.tail()];
        (self.first.iter().zip(tails))
            .filter(|&(&first, _)| first != NONE)
            .map(|(&first, tail)| i64::from(first) + i64::from(tail))
            .max()
    }
}

/// How a query types on from an earlier one whose hits carry their [`Progress`].
enum Step {
    /// The last term grew (its first `from` characters were there).
    Extend { from: usize },
    /// A new last term (a set of its own) after the earlier query, whose last term is `old`.
    NewSet { old: Box<Term> },
}

impl Step {
    /// The step from `old` to `new`, if `new` types on from it: every set but the last the
    /// same and the last term grown with the same case rule, or every set the same and one
    /// term more; both last sets a single fuzzy term ([`last_term`]).
    fn of(old: &Query, new: &Query) -> Option<Step> {
        let (o, n) = (last_term(old)?, last_term(new)?);
        let same = |a: &[&Vec<Term>], b: &[&Vec<Term>]| {
            a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| {
                    x.len() == y.len()
                        && x.iter().zip(y.iter()).all(|(s, t)| {
                            s.kind == t.kind
                                && s.inverse == t.inverse
                                && s.text == t.text
                                && s.case_sensitive == t.case_sensitive
                        })
                })
        };
        let (old_rest, new_rest) = (other_sets(old)?, other_sets(new)?);
        if same(&old_rest, &new_rest) && n.case_sensitive == o.case_sensitive && n.text.starts_with(&o.text) {
            return Some(Step::Extend { from: o.pattern.len() });
        }
        let old_all: Vec<&Vec<Term>> = old.sets.iter().collect();
        (same(&old_all, &new_rest)).then(|| Step::NewSet { old: Box::new(o.clone()) })
    }
}

/// A 64-bit mask folded to 32 bits (each bit the OR of two): a mask that holds another
/// still does once both are folded.
fn fold(mask: u64) -> u32 {
    (mask as u32) | (mask >> 32) as u32
}

/// The terms of the 26 lowercase letters, `a` first (what [`Letters`] holds the answers
/// of); `None` if one is not a fuzzy term alone (not reached).
fn letter_terms() -> Option<Vec<Term>> {
    let terms: Vec<Term> =
        (b'a'..=b'z').filter_map(|c| last_term(&Query::parse(&char::from(c).to_string())).cloned()).collect();
    (terms.len() == LETTERS).then_some(terms)
}

/// Typing on from `prev` (whose last term `old` grew into `t`), a guess of this keystroke's
/// `first`-th best hit: the previous one's score plus the most the new character can add (a
/// good match grows by that much), and its rank in the sort-key order. A hit whose bound
/// packs above it, or whose bound is likely loose ([`SearchIndex::loose_head`]) and at most
/// [`HEAD_SLACK`] below it with a rank before it, is scored in the scan (see
/// [`SearchIndex::search_first`]): that is what the ranking would do after, reading its
/// titles again. The guess decides only where hits are scored, never the result: an exact
/// score is a bound.
fn first_estimate(prev: &Hits, first: usize, old: &Term, t: &Term, order: &Order) -> Option<(i64, u32)> {
    let hit = prev.hits.get(first.checked_sub(1)?)?;
    let rank = *order.rank.get(hit.idx as usize)?;
    Some((hit.score + i64::from(t.pattern.tail()) - i64::from(old.pattern.tail()), rank))
}

/// The term typed last if its OR-set is that positive fuzzy term alone (what [`Progress`]
/// is carried for).
fn last_term(q: &Query) -> Option<&Term> {
    match q.sets.get(q.typing?)?.as_slice() {
        [t] if !t.inverse && t.kind == TermKind::Fuzzy && !t.text.is_empty() => Some(t),
        _ => None,
    }
}

/// The sets of `q` but [`last_term`]'s, in order.
fn other_sets(q: &Query) -> Option<Vec<&Vec<Term>>> {
    let typing = q.typing?;
    Some(q.sets.iter().enumerate().filter(|&(i, _)| i != typing).map(|(_, set)| set).collect())
}

/// Items whose first reads are loaded together in a scan (see `SearchIndex::touch_step`).
const TOUCH: usize = 16;

/// Bounds a thread scores in one pipeline (runs of [`TOUCH`]) in [`SearchIndex::rank_first`].
const RANK_PART: usize = 64;

/// Bounds scored at a time, past the first screen's own (see [`SearchIndex::rank_first`]).
const MORE_CHUNK: usize = 256;

/// Bounds selected and sorted in the first round (see [`SearchIndex::rank_first`]).
const MORE_ROUND: usize = 8 * MORE_CHUNK;

/// What one scan task found: the items that match, in index order, with the pack of their
/// bound and rank (only when ranking the first hits), and the best `first` of those packs.
#[derive(Default)]
struct Found {
    ids: Vec<u32>,
    /// Each item's [`Progress`] on the query's last term (when it has one).
    progress: Vec<Progress>,
    bounds: Vec<u64>,
    /// The hits scored exactly in the scan, carried for the next keystroke.
    exact: Exacts,
    /// A max-heap: its top is the one a better bound replaces.
    best: BinaryHeap<u64>,
}

impl Found {
    fn push(&mut self, idx: u32, bound: u64, first: usize) {
        self.ids.push(idx);
        if first == 0 {
            return;
        }
        self.bounds.push(bound);
        if self.best.len() < first {
            self.best.push(bound);
        } else if self.best.peek().is_some_and(|&m| bound < m) {
            self.best.pop();
            self.best.push(bound);
        }
    }
}

/// What a result keeps for searching a narrower query within it: the items that matched, in
/// index order, one list per scan block.
#[derive(Default)]
pub(crate) struct Carry {
    blocks: Vec<Vec<u32>>,
    /// Per block, each hit's [`Progress`] (empty: none carried).
    progress: Vec<Vec<Progress>>,
    /// Per block, the hits scored exactly in its scan (empty: none carried).
    exact: Vec<Exacts>,
}

/// No [`DpTail`] carried for a field (see [`Exact::tails`]).
const NO_TAIL: u32 = u32::MAX;

/// [`Exact::term`] not known (carried through a new term: only the other sets' score is).
const NO_TERM: i32 = i32::MIN;

/// A hit scored exactly in a scan (typing on, see [`SearchIndex::eval_typed`]), carried for
/// the next keystroke.
#[derive(Clone, Copy, Debug)]
struct Exact {
    /// The item.
    id: u32,
    /// The score of every set but the last term's.
    others: i32,
    /// The last term's score (its best over the fields), [`NO_TERM`] if not known.
    term: i32,
    /// Per field (English, Chinese, pinyin), the last two rows of the term's DP there (an
    /// index into [`Exacts::tails`]), [`NO_TAIL`] where none is carried.
    tails: [u32; 3],
}

/// The hits one scan task scored exactly, in index order (the order of its ids: the next
/// keystroke's task walks them with a cursor), with their DP rows.
#[derive(Debug, Default)]
struct Exacts {
    list: Vec<Exact>,
    tails: Vec<DpTail>,
    cells: Vec<Cell>,
}

impl Exacts {
    /// The entry of item `id`, if any, the items asked for in ascending order (`cursor`
    /// starts at 0 and moves on past every smaller one).
    fn find(&self, cursor: &mut usize, id: u32) -> Option<&Exact> {
        while self.list.get(*cursor).is_some_and(|e| e.id < id) {
            *cursor += 1;
        }
        self.list.get(*cursor).filter(|e| e.id == id)
    }

    /// Heap bytes held.
    fn heap_bytes(&self) -> usize {
        self.list.capacity() * std::mem::size_of::<Exact>()
            + self.tails.capacity() * std::mem::size_of::<DpTail>()
            + self.cells.capacity() * std::mem::size_of::<Cell>()
    }
}

impl std::fmt::Debug for Carry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hits: usize = self.blocks.iter().map(Vec::len).sum();
        f.debug_struct("Carry").field("hits", &hits).finish()
    }
}

/// Hits in rank order (best score first, then by sort key): a counting sort by score over
/// the sort-key order when many items match, a sort otherwise.
// The counting sort's arrays are sized just above to the ranks and scores they are indexed
// by (ranks < n, scores within span), on every keystroke's full result.
#[allow(clippy::indexing_slicing)]
fn rank_hits(blocks: &[Vec<(u32, i64)>], order: &Order) -> Vec<Hit> {
    let count: usize = blocks.iter().map(Vec::len).sum();
    let entries = || blocks.iter().flatten().map(|&(idx, score)| Hit { idx, score });
    let (lo, hi) = entries().fold((i64::MAX, i64::MIN), |(lo, hi), e| (lo.min(e.score), hi.max(e.score)));
    let n = order.rank.len();
    let span = hi.wrapping_sub(lo) as u64;
    if count >= n / 16 && count > 0 && span < 1 << 16 && lo > i32::MIN as i64 && hi < i32::MAX as i64 {
        // slot[rank] = score - lo + 1, 0 for no hit
        let mut slot = vec![0u16; n];
        let mut counts = vec![0usize; span as usize + 2];
        for e in entries() {
            let v = (e.score - lo) as usize + 1;
            slot[order.rank[e.idx as usize] as usize] = v as u16;
            counts[v] += 1;
        }
        // best score first: start offsets in descending order of value
        let mut at = 0;
        for c in counts.iter_mut().skip(1).rev() {
            let k = *c;
            *c = at;
            at += k;
        }
        let mut hits = vec![Hit { idx: 0, score: 0 }; count];
        for (r, &v) in slot.iter().enumerate() {
            if v != 0 {
                let pos = &mut counts[v as usize];
                hits[*pos] = Hit { idx: order.perm[r], score: lo + v as i64 - 1 };
                *pos += 1;
            }
        }
        return hits;
    }
    let mut keys: Vec<u64> = entries().map(|e| pack(e.score, order.rank[e.idx as usize])).collect();
    keys.par_sort_unstable();
    keys.into_iter().map(|k| unpack(k, order)).collect()
}

/// The hit of a [`pack`]ed (score, rank).
// Ranks packed are ranks of `order` (below its length).
#[allow(clippy::indexing_slicing)]
fn unpack(k: u64, order: &Order) -> Hit {
    Hit { idx: order.perm[(k & 0xFFFF_FFFF) as usize], score: i32::MAX as i64 - (k >> 32) as i64 }
}

/// Packs (score, rank) so that ascending order is best score first, then lowest rank.
fn pack(score: i64, rank: u32) -> u64 {
    let s = score.clamp(i32::MIN as i64 + 1, i32::MAX as i64);
    (((i32::MAX as i64 - s) as u64) << 32) | rank as u64
}

/// [`field_score`] on an item's English title: a fuzzy term on an ASCII title known to
/// read as its bytes ([`It::utf8`]) is scored on them, without checking them again as UTF-8
/// (the same score: [`FieldRefs::en`] would return those bytes).
fn en_score(it: It<'_>, f: &FieldRefs<'_>, t: &Term, s: &mut Scratch) -> Option<i64> {
    if it.en_ascii && it.utf8[0] && t.kind == TermKind::Fuzzy {
        return t.pattern.score_ascii(f.field_bytes(Field::En), s);
    }
    field_score(t, f.en(), it.en_ascii, s)
}

/// Score of a positive term on a title field (term's own case rule); `ascii`: the field is.
pub(crate) fn field_score(t: &Term, field: &str, ascii: bool, s: &mut Scratch) -> Option<i64> {
    if t.kind != TermKind::Fuzzy {
        t.find_exact(field, false)?;
    }
    if ascii {
        t.pattern.score_ascii(field.as_bytes(), s)
    } else {
        t.pattern.score_unicode(field, s)
    }
}

/// [`field_score`]'s bound (see `Pattern::bound`): `None` exactly when the score is.
fn field_bound(t: &Term, field: &str, ascii: bool, fine: bool) -> Option<i64> {
    if t.kind != TermKind::Fuzzy {
        t.find_exact(field, false)?;
    }
    if fine && ascii {
        t.pattern.bound_fine_ascii(field.as_bytes())
    } else {
        t.pattern.bound(field, ascii)
    }
}

/// [`pinyin_score`]'s bound: `None` exactly when the score is.
fn pinyin_bound(t: &Term, full: &[u8], initials: &[u8], lens: &[u8], fine: bool) -> Option<i64> {
    if !pinyin_found(t, full, initials, lens) {
        return None;
    }
    if fine {
        t.pattern_lower.bound_fine_ascii(full)
    } else {
        t.pattern_lower.bound_ascii(full)
    }
}

/// Score of a positive term on the (ASCII) pinyin, always case-insensitive, scored with skim
/// on the full pinyin. Fuzzy terms must match syllable-aware (see `syllable_match`); exact
/// types match the full pinyin or the initials.
pub(crate) fn pinyin_score(
    t: &Term,
    full: &[u8],
    initials: &[u8],
    lens: &[u8],
    s: &mut Scratch,
) -> Option<i64> {
    if !pinyin_found(t, full, initials, lens) {
        return None;
    }
    t.pattern_lower.score_ascii(full, s)
}

/// Whether a positive term matches the pinyin: syllable-aware for fuzzy terms (see
/// `syllable_match`), the full pinyin or the initials for exact types.
fn pinyin_found(t: &Term, full: &[u8], initials: &[u8], lens: &[u8]) -> bool {
    match (t.kind, &t.positions) {
        (TermKind::Fuzzy, Some(table)) => syllable_match(t.lower.as_bytes(), table, full, initials, lens),
        (TermKind::Fuzzy, None) => false, // not ASCII or too long for pinyin
        _ => {
            // (ASCII by construction)
            let text = |b| std::str::from_utf8(b).unwrap_or_default();
            t.find_exact(text(full), true).is_some() || t.find_exact(text(initials), true).is_some()
        }
    }
}

/// Whether an inverse term's text occurs in a field (so the item is excluded).
fn present(t: &Term, field: &str, ascii: bool) -> bool {
    match t.kind {
        // (the bound matches exactly when the score does, without the DP)
        TermKind::Fuzzy => t.pattern.bound(field, ascii).is_some(),
        _ => t.find_exact(field, false).is_some(),
    }
}

#[cfg(test)]
mod tests {
    // tests may panic: a panic is a failure
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn a_step_is_typing_on_the_last_fuzzy_term() {
        let step = |a: &str, b: &str| Step::of(&Query::parse(a), &Query::parse(b));
        assert!(matches!(step("coll", "collect"), Some(Step::Extend { from: 4 })));
        assert!(matches!(step("人民", "人民公社"), Some(Step::Extend { from: 2 })));
        assert!(matches!(step("rice coll", "rice colle"), Some(Step::Extend { from: 4 })));
        assert!(matches!(step("coll", "coll le"), Some(Step::NewSet { .. })));
        // the case rule changed, another kind of term, an OR-set, an earlier term changed
        for (a, b) in
            [("coll", "collE"), ("coll", "'colle"), ("co | ll", "co | lle"), ("rice coll", "ric colle")]
        {
            assert!(step(a, b).is_none(), "{a} -> {b}");
        }
    }

    #[test]
    fn hits_carry_their_progress_and_typing_on_from_it_equals_searching_anew() {
        let mut ix = SearchIndex::new();
        let titles = [
            ("Collective Farms of Hunan", "湖南集体农庄"),
            ("On Coal and Steel", "论煤和钢"),
            ("Local Cooperatives Elect Leaders", "地方合作社选举领导"),
            ("Cotton Harvest", "棉花丰收"),
            ("People's Communes", "人民公社"),
        ];
        for (k, (en, zh)) in titles.iter().enumerate() {
            ix.push(en, zh, k as u64);
        }
        let never = || false;
        let mut prev = ix.search_first(&Query::parse("c"), None, 2, &never).unwrap();
        for q in ["co", "col", "coll", "coll e", "coll el", "coll ele"] {
            let carry = prev.carry.as_deref().unwrap();
            assert_eq!(carry.progress.iter().map(Vec::len).sum::<usize>(), prev.total, "{}", prev.query);
            let q = Query::parse(q);
            let typed = ix.search_first(&q, Some(&prev), 2, &never).unwrap();
            assert_eq!(typed, ix.search_first(&q, None, 2, &never).unwrap(), "{}", q.as_str());
            assert_eq!(ix.complete(&typed, &never).unwrap(), ix.search(&q, None, &never).unwrap());
            prev = typed;
        }
        assert_eq!(prev.total, 1);
    }

    /// Checks what `r` carries of exact scores against scoring anew: each hit's other
    /// sets' score and its last term's (a term carried through a new one: their sum, the
    /// other sets' now); returns how many hits carry DP rows.
    fn check_exacts(ix: &SearchIndex, r: &Hits) -> usize {
        let q = Query::parse(&r.query);
        let base = ix.base_initials().to_vec();
        let carry = r.carry.as_deref().unwrap();
        let mut rows = 0;
        for (k, e) in carry.exact.iter().enumerate() {
            assert!(e.list.windows(2).all(|w| w[0].id < w[1].id), "in index order");
            for x in &e.list {
                assert!(carry.blocks[k].contains(&x.id));
                let it = ix.it(&base, x.id as usize).unwrap();
                let mut s = Scratch::default();
                let typing = q.typing.unwrap();
                let others: Option<i64> = (q.sets.iter().enumerate())
                    .filter(|&(i, _)| i != typing)
                    .map(|(_, set)| ix.eval_set(it, set, &mut s))
                    .sum();
                assert_eq!(Some(i64::from(x.others)), others, "{:?}: item {}", r.query, x.id);
                if x.term != NO_TERM {
                    let total = ix.eval_item(it, &q, &mut s).unwrap();
                    assert_eq!(i64::from(x.others + x.term), total, "{:?}: item {}", r.query, x.id);
                }
                rows += usize::from(x.tails.iter().any(|&t| t != NO_TAIL));
            }
        }
        rows
    }

    /// Types `typed` a character at a time, each keystroke within the previous one's
    /// result (partial or complete, first screens of `first`), and checks it against the
    /// same search from nothing and what it carries against scoring anew; returns how many
    /// hits carried DP rows that the next keystroke continued.
    fn type_on_and_check(ix: &SearchIndex, typed: &str, first: usize, partial: bool) -> usize {
        let never = || false;
        let (mut prev, mut continued): (Option<Hits>, usize) = (None, 0);
        for (k, c) in typed.char_indices() {
            let q = Query::parse(&typed[..k + c.len_utf8()]);
            let part = ix.search_first(&q, prev.as_ref(), first, &never).unwrap();
            let fresh = ix.search_first(&q, None, first, &never).unwrap();
            assert_eq!(part, fresh, "{:?} typed on", q.as_str());
            let done = ix.complete(&part, &never).unwrap();
            assert_eq!(done, ix.search(&q, None, &never).unwrap(), "{:?} completed", q.as_str());
            let rows = check_exacts(ix, &part);
            if let Some(p) = &prev {
                if matches!(Step::of(&Query::parse(&p.query), &q), Some(Step::Extend { from }) if from >= 2) {
                    continued += check_exacts(ix, p).min(rows);
                }
            }
            prev = Some(if partial { part } else { done });
        }
        continued
    }

    /// Headlines for typing on: many begin with a term's first letter and match it
    /// scattered further on (loose bounds: scored in the scan), some match it whole.
    fn typing_titles() -> SearchIndex {
        let mut ix = SearchIndex::new();
        let words = [
            ("Collective", "集体"),
            ("Leadership", "领导"),
            ("Comrade", "同志"),
            ("Celebrating", "庆祝"),
            ("the", "的"),
            ("Production", "生产"),
            ("Plan", "计划"),
            ("Promoting", "推动"),
            ("Leading", "领先"),
            ("Xiangxiang", "湘乡"),
            ("colle-ctive", "集"),
            ("Lee", "李"),
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..1500u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = 1 + (x % 5) as usize;
            let (en, zh): (Vec<&str>, String) = (0..n)
                .map(|k| words[((x >> (8 * k + 3)) % words.len() as u64) as usize])
                .fold((Vec::new(), String::new()), |(mut e, mut z), (a, b)| {
                    e.push(a);
                    z.push_str(b);
                    (e, z)
                });
            ix.push(&en.join(" "), &zh, (i * 7919) % 1500);
        }
        ix
    }

    #[test]
    fn typing_on_continues_the_carried_dp_and_equals_searching_anew() {
        let ix = typing_titles();
        let mut continued = 0;
        for typed in [
            "collective",
            "production",
            "collective lead",
            "co le",
            "Colle",
            "xiangxiang",
            "cole pl",
            "collec  ti",
        ] {
            for first in [1, 7, 40] {
                for partial in [true, false] {
                    continued += type_on_and_check(&ix, typed, first, partial);
                }
            }
        }
        // (the DP was carried and continued, not only begun anew)
        assert!(continued > 100, "{continued}");
    }

    #[test]
    fn typing_on_over_many_prefetched_runs_equals_searching_anew() {
        // three blocks: the hits a fourth of the first's items (sparse: the scan's pipeline
        // prefetches them), all of the second's (dense), a third of the third's (sparse)
        let mut ix = SearchIndex::new();
        for i in 0..3 * BLOCK as u64 {
            let hit = match i as usize / BLOCK {
                0 => i % 4 == 1,
                1 => true,
                _ => i % 3 == 0,
            };
            let (en, zh) = match (hit, i % 5) {
                (false, _) => ("Cotton Harvest", "棉花丰收"),
                (true, 0) => ("Promoting Production in Xiangxiang", "湘乡推动生产"),
                (true, 1) => ("Production Plan", "生产计划"),
                (true, 2) => ("Leading Xiangxiang Comrades", "湘乡领导同志"),
                (true, 3) => ("The Plan of Production Leaders", "生产领导的计划"),
                (true, _) => ("Comrade Peng Leads", "彭同志领导"),
            };
            ix.push(en, zh, (i * 7919) % (3 * BLOCK as u64));
        }
        let never = || false;
        let p = ix.search_first(&Query::parse("p"), None, 7, &never).unwrap();
        let blocks = &p.carry.as_deref().unwrap().blocks;
        let sparse = |b: &Vec<u32>| (b[b.len() - 1] - b[0]) as usize + 1 > 2 * b.len();
        let many = |b: &&Vec<u32>| b.len() > 3 * TOUCH;
        assert_eq!(blocks.iter().filter(many).filter(|b| sparse(b)).count(), 2);
        assert_eq!(blocks.iter().filter(many).filter(|b| !sparse(b)).count(), 1);
        for typed in ["production", "plan", "pxiangx", "xiangxiang", "prod lead", "生产", "shengchan", "湘乡"]
        {
            for first in [1, 7, 40] {
                for partial in [true, false] {
                    type_on_and_check(&ix, typed, first, partial);
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(60))]
        #[test]
        fn typing_any_words_on_equals_searching_anew(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "collective", "colle", "lead", "prod", "Col", "cee", "ll", "xiangx", "pla", "cl", "e",
                ]),
                1..4,
            ),
            first in 1usize..12,
            partial in proptest::prelude::any::<bool>(),
        ) {
            let ix = TYPING.get_or_init(typing_titles);
            type_on_and_check(ix, &words.join(" "), first, partial);
        }
    }

    static TYPING: OnceLock<SearchIndex> = OnceLock::new();

    /// Titles whose letters are odd for the letter columns (English, Chinese).
    const ODD_TITLES: [(&str, &str); 7] = [
        ("Production Team", "生产队"),
        ("Steel Plant of Shenyang", "沈阳钢铁厂"),
        ("GDP and Output", "GDP 产量"),
        ("Café Élan", "咖啡"),
        // (ï's last byte read as ASCII would be `/`: a word start before the `v`)
        ("Naïve Diplomacy", "天真"),
        ("", "人民公社"),
        ("x-Ray", "x光"),
    ];

    #[test]
    fn the_letter_columns_hold_what_reading_the_titles_gives() {
        use crate::corpus::{ArticleMeta, Catalog};
        let titles = ODD_TITLES;
        let mut cat = Catalog::new(Vec::new());
        for (k, (en, zh)) in titles.iter().enumerate() {
            let meta = ArticleMeta {
                path: format!("/c/{k}.md").into(),
                title_en: en.to_string(),
                title_zh: zh.to_string(),
                ..ArticleMeta::default()
            };
            cat.push_meta(&meta, &[]);
        }
        let mut ix = SearchIndex::new();
        ix.set_base(Arc::new(cat), None);
        let mut steps = 0;
        while ix.prepare_step() {
            steps += 1;
        }
        assert!(steps > 1 && !ix.prepare_pending(), "made in chunks: {steps}");
        let base = ix.base_initials().to_vec();
        let letters = &ix.letters;
        let (mut known, mut read) = (0, 0);
        for l in 0..LETTERS {
            let q = Query::parse(&char::from(b'a' + l as u8).to_string());
            let (got, t) = SearchIndex::one_letter(&q).unwrap();
            assert_eq!(got, l);
            for (i, &b) in letters.column(l).iter().enumerate() {
                let want = ix.progress(ix.it(&base, i).unwrap(), t, 0).map(|(_, p)| p);
                match (Letters::decode(b), want) {
                    (Known::No, None) => {}
                    (Known::Yes(p), Some(w)) => {
                        known += 1;
                        assert_eq!((p.rest, p.first), (w.rest, w.first), "item {i}, letter {l}");
                        assert_eq!(p.end, [UNKNOWN; 2]);
                    }
                    // (read where the Chinese title has the letter)
                    (Known::Read, Some(w)) => {
                        read += 1;
                        assert_ne!(w.first[1], NONE, "item {i}, letter {l}: read for nothing");
                    }
                    (_, w) => panic!("item {i}, letter {l}: {b:#x} for {w:?}"),
                }
            }
        }
        assert!(known > 20 && read > 0, "{known} known, {read} read");
        // not a letter alone: not answered from the columns
        for q in ["S", "sh", "s h", "'s", "!s", "人", "s | p", "1"] {
            assert!(SearchIndex::one_letter(&Query::parse(q)).is_none(), "{q}");
        }
    }

    #[test]
    fn pushed_titles_get_letter_columns_a_complete_chunk_at_a_time() {
        let titles = ODD_TITLES;
        let mut ix = SearchIndex::new();
        // two complete chunks and a part of one
        let n = 2 * LETTERS_CHUNK + 3;
        for k in 0..n {
            let (en, zh) = titles[k % titles.len()];
            ix.push(en, zh, k as u64);
        }
        assert!(ix.prepare_pending());
        let mut steps = 0;
        while ix.prepare_step() {
            steps += 1;
        }
        assert_eq!((steps, ix.letters.pushed.len()), (1, 2));
        assert!(!ix.prepare_pending());
        let base = ix.base_initials().to_vec();
        let (mut known, mut read) = (0, 0);
        for l in 0..LETTERS {
            let q = Query::parse(&char::from(b'a' + l as u8).to_string());
            let (_, t) = SearchIndex::one_letter(&q).unwrap();
            for k in 0..n {
                let want = ix.progress(ix.it(&base, k).unwrap(), t, 0).map(|(_, p)| p);
                let Some(b) = ix.letters.pushed_code(l, k) else {
                    assert!(k >= 2 * LETTERS_CHUNK, "item {k}: no code");
                    continue;
                };
                match (Letters::decode(b), want) {
                    (Known::No, None) => {}
                    (Known::Yes(p), Some(w)) => {
                        known += 1;
                        assert_eq!((p.rest, p.first), (w.rest, w.first), "item {k}, letter {l}");
                    }
                    (Known::Read, Some(w)) => {
                        read += 1;
                        assert_ne!(w.first[1], NONE, "item {k}, letter {l}: read for nothing");
                    }
                    (_, w) => panic!("item {k}, letter {l}: {b:#x} for {w:?}"),
                }
            }
        }
        assert!(known > 20 && read > 0, "{known} known, {read} read");
        // one more item completes the third chunk
        for k in n..3 * LETTERS_CHUNK {
            ix.push("Rice", "水稻", k as u64);
        }
        assert!(ix.prepare_pending());
        assert!(!ix.prepare_step());
        assert_eq!(ix.letters.pushed.len(), 3);
    }
}
