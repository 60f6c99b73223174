//! The title index and its parallel scan.
// Offsets into the packed title arrays are built in this module and bounded by their
// lengths (an index holds under u32::MAX items, checked when it is built); the matching
// loops are hot. TODO(layers): replace with get() where the profile allows.
#![allow(clippy::indexing_slicing, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::pinyin::{syllable_match, Pinyin};
use super::query::{char_mask, han_mask, Query, Term, TermKind};
use super::score::{copy_kept, Cell, Scratch};

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

/// The complete result of a search: the query, hits in rank order, and how many items were
/// searched (the index may have grown since).
#[derive(Clone, Debug, Default)]
pub struct Hits {
    /// The query string searched for.
    pub query: String,
    /// Best score first; equal scores by sort key, then by index.
    pub hits: Vec<Hit>,
    /// Items `0..searched` were searched.
    pub searched: usize,
    /// State for searching a narrower query within these hits (not part of the value).
    carry: Option<Arc<Carry>>,
}

impl PartialEq for Hits {
    fn eq(&self, other: &Self) -> bool {
        self.query == other.query && self.hits == other.hits && self.searched == other.searched
    }
}

impl Eq for Hits {}

/// Per-item data: offsets of the fields in the text arena, and prefilter masks.
#[derive(Clone, Copy, Debug)]
struct Item {
    start: usize,
    en_len: u32,
    zh_len: u32,
    py_len: u32,
    pyi_len: u32,
    en_mask: u64,
    zh_mask: u64,
    zh_han: u64,
    py_mask: u64,
    sort_key: u64,
    en_ascii: bool,
    zh_ascii: bool,
}

/// Items in sort-key order: `perm[rank] = idx`, `rank[idx] = rank`.
#[derive(Debug, Default)]
struct Order {
    perm: Vec<u32>,
    rank: Vec<u32>,
}

/// The searchable titles: for each item its English and Chinese title, the Chinese title's
/// pinyin (computed once, in [`SearchIndex::push`]) and a sort key. Append-only.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// en, zh, pinyin, initials, syllable lengths (one byte per initial) of every item, back
    /// to back.
    text: String,
    items: Vec<Item>,
    /// Sort-key order, built on demand; reset when a key changes out of order.
    order: OnceLock<Order>,
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an item; returns its index (0, 1, 2, … in push order).
    ///
    /// `sort_key` orders hits of equal score, ascending (e.g. the article's position in date
    /// order), and orders everything for the empty query.
    pub fn push(&mut self, title_en: &str, title_zh: &str, sort_key: u64) -> u32 {
        let idx = u32::try_from(self.items.len()).expect("more than u32::MAX items");
        let start = self.text.len();
        self.text.push_str(title_en);
        self.text.push_str(title_zh);
        let (py_len, pyi_len, py_mask) = if Pinyin::has_han(title_zh) {
            let py = Pinyin::new(title_zh);
            self.text.push_str(&py.full);
            self.text.push_str(&py.initials);
            // one byte (1-6, a control character) per initial
            self.text.extend(py.lens.iter().map(|&l| char::from(l)));
            (py.full.len(), py.initials.len(), char_mask(&py.full))
        } else {
            (0, 0, 0) // nothing the Chinese title itself would not match
        };
        let len32 = |n: usize| u32::try_from(n).expect("title longer than 4 GiB");
        self.items.push(Item {
            start,
            en_len: len32(title_en.len()),
            zh_len: len32(title_zh.len()),
            py_len: len32(py_len),
            pyi_len: len32(pyi_len),
            en_mask: char_mask(title_en),
            zh_mask: char_mask(title_zh),
            zh_han: han_mask(title_zh),
            py_mask,
            sort_key,
            en_ascii: title_en.is_ascii(),
            zh_ascii: title_zh.is_ascii(),
        });
        if let Some(order) = self.order.get_mut() {
            let in_order =
                order.perm.last().is_none_or(|&last| self.items[last as usize].sort_key <= sort_key);
            if in_order {
                order.rank.push(order.perm.len() as u32);
                order.perm.push(idx);
            } else {
                self.order = OnceLock::new();
            }
        }
        idx
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Changes an item's sort key. Panics if `idx` is out of range.
    pub fn set_sort_key(&mut self, idx: u32, key: u64) {
        let item = &mut self.items[idx as usize];
        if item.sort_key != key {
            item.sort_key = key;
            self.order = OnceLock::new();
        }
    }

    /// An item's sort key. Panics if `idx` is out of range.
    pub fn sort_key(&self, idx: u32) -> u64 {
        self.items[idx as usize].sort_key
    }

    /// An item's English title. Panics if `idx` is out of range.
    pub fn title_en(&self, idx: u32) -> &str {
        self.field_refs(&self.items[idx as usize]).en()
    }

    /// An item's Chinese title. Panics if `idx` is out of range.
    pub fn title_zh(&self, idx: u32) -> &str {
        self.field_refs(&self.items[idx as usize]).zh()
    }

    /// Highlights of `q` in item `idx`'s titles (see [`Query::highlights`]).
    pub fn highlights(&self, idx: u32, q: &Query) -> super::Highlights {
        q.highlights(self.title_en(idx), self.title_zh(idx))
    }

    fn order(&self) -> &Order {
        self.order.get_or_init(|| {
            let mut perm: Vec<u32> = (0..self.items.len() as u32).collect();
            perm.par_sort_unstable_by_key(|&i| (self.items[i as usize].sort_key, i));
            let mut rank = vec![0u32; perm.len()];
            for (r, &i) in perm.iter().enumerate() {
                rank[i as usize] = r as u32;
            }
            Order { perm, rank }
        })
    }

    /// Searches for `q`; `None` if `cancel` returned true during the scan (it is polled
    /// every 1024 items on each thread). Runs on the current rayon pool.
    ///
    /// `prev`: an earlier complete result. If `q` [narrows](Query::narrows) its query, only
    /// its hits among the items it searched are examined (and if it is the same query, their
    /// scores are reused); items added since are all examined. Otherwise it is ignored. The
    /// result is the same as without `prev`, only faster: terms `q` shares with the earlier
    /// query keep their scores, and a last term typed on (`xia` → `xian`) continues from
    /// where its scoring stopped (the result keeps that state for its hits).
    ///
    /// The empty query returns every item in sort-key order with score 0.
    pub fn search(&self, q: &Query, prev: Option<&Hits>, cancel: &(dyn Fn() -> bool + Sync)) -> Option<Hits> {
        let n = self.items.len();
        let order = self.order();
        if q.is_empty() {
            if cancel() {
                return None;
            }
            let hits = order.perm.iter().map(|&idx| Hit { idx, score: 0 }).collect();
            return Some(Hits { query: q.as_str().to_string(), hits, searched: n, carry: None });
        }
        let prev = prev
            .filter(|p| p.searched <= n && q.narrows(&Query::parse(&p.query)))
            .and_then(|p| Some((p, p.carry.as_deref()?)));
        let tail = q.tail().map(|i| &q.sets[i][0]);
        let plan = match prev {
            Some((p, carry)) => Plan::new(q, &Query::parse(&p.query), carry, tail),
            None => Plan::Full,
        };
        let covered = prev.map_or(0, |(p, _)| p.searched);
        let tasks: Vec<Task> = prev
            .map(|(_, c)| c.blocks.iter().map(Task::Prev).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .chain((covered..n).step_by(BLOCK).map(|b| Task::Items(b..(b + BLOCK).min(n))))
            .collect();
        let stop = AtomicBool::new(false);
        let blocks: Option<Vec<Arc<Block>>> = tasks
            .into_par_iter()
            .map_init(Scratch::default, |s, task| {
                if stop.load(Ordering::Relaxed) || cancel() {
                    stop.store(true, Ordering::Relaxed);
                    return None;
                }
                Some(match task {
                    Task::Prev(b) if matches!(plan, Plan::Same) => Arc::clone(b),
                    Task::Prev(b) => Arc::new(self.rescan(b, q, &plan, tail, s)),
                    Task::Items(range) => {
                        let mut out = Block::default();
                        for i in range {
                            self.eval_into(i as u32, q, tail, s, &mut out);
                        }
                        Arc::new(out)
                    }
                })
            })
            .collect();
        let blocks = blocks?;
        if cancel() {
            return None;
        }
        let hits = rank_hits(&blocks, order);
        // The entries hold the tail term's state unless the earlier hits were rescored
        // without it.
        let kept = !matches!(plan, Plan::Delta { tail: TailPlan::None, .. });
        let tail = tail.filter(|_| kept).map(|t| (t.text.clone(), t.case_sensitive));
        let carry = Carry { tail, blocks };
        Some(Hits { query: q.as_str().to_string(), hits, searched: n, carry: Some(Arc::new(carry)) })
    }

    /// Scores item `i` for `q` from scratch; on a match, appends its entry (with the state of
    /// `tail`, the query's tail term) to `out`.
    fn eval_into(&self, i: u32, q: &Query, tail: Option<&Term>, s: &mut Scratch, out: &mut Block) {
        let it = &self.items[i as usize];
        let mut total = 0i64;
        for (k, set) in q.sets.iter().enumerate() {
            if q.tail() == Some(k) {
                continue;
            }
            match self.eval_set(it, set, s) {
                Some(x) => total += x,
                None => return,
            }
        }
        let mut e = Entry { idx: i, score: total, tail: 0, en: MISS, zh: false, py: MISS };
        if let Some(t) = tail {
            let mark = out.cells.len();
            match self.eval_tail(it, t, s, &mut out.cells, &mut e) {
                Some(x) => {
                    e.tail = x;
                    e.score += x;
                }
                None => {
                    out.cells.truncate(mark);
                    return;
                }
            }
        }
        out.entries.push(e);
    }

    /// The earlier hits of `b`, rescored for `q` according to `plan`.
    fn rescan(&self, b: &Block, q: &Query, plan: &Plan, tail: Option<&Term>, s: &mut Scratch) -> Block {
        let mut out =
            Block { entries: Vec::with_capacity(b.entries.len()), cells: Vec::with_capacity(b.cells.len()) };
        let Plan::Delta { added, drop_tail, tail: how } = plan else {
            for e in &b.entries {
                self.eval_into(e.idx, q, tail, s, &mut out);
            }
            return out;
        };
        'entries: for e in &b.entries {
            let it = &self.items[e.idx as usize];
            let mut total = e.score - if *drop_tail { e.tail } else { 0 };
            for &k in added {
                if q.tail() != Some(k) {
                    match self.eval_set(it, &q.sets[k], s) {
                        Some(x) => total += x,
                        None => continue 'entries,
                    }
                }
            }
            let mut n = Entry { idx: e.idx, score: total, tail: 0, en: MISS, zh: false, py: MISS };
            let mark = out.cells.len();
            let t = match (how, tail) {
                (TailPlan::None, _) | (_, None) => Some(0),
                (TailPlan::Keep, Some(_)) => {
                    n.tail = e.tail;
                    n.zh = e.zh;
                    n.en = copy_field(e.en, &b.cells, &mut out.cells);
                    n.py = copy_field(e.py, &b.cells, &mut out.cells);
                    Some(0) // already in the total
                }
                (TailPlan::Fresh, Some(t)) => self.eval_tail(it, t, s, &mut out.cells, &mut n),
                (TailPlan::Extend(m), Some(t)) => {
                    self.extend_tail(it, t, *m, e, &b.cells, s, &mut out.cells, &mut n)
                }
            };
            match t {
                Some(x) => {
                    if !matches!(how, TailPlan::Keep) {
                        n.tail = x;
                    }
                    n.score += x;
                    out.entries.push(n);
                }
                None => out.cells.truncate(mark),
            }
        }
        out
    }

    /// The score of one OR-set on an item, or `None` if it does not match.
    fn eval_set(&self, it: &Item, set: &[Term], s: &mut Scratch) -> Option<i64> {
        let f = self.field_refs(it);
        // fzf: the first positive term that matches gives the set's score; a satisfied
        // inverse term satisfies it with 0.
        let mut matched = None;
        for t in set {
            if t.inverse {
                let present = (t.mask & !it.en_mask == 0 && present(t, f.en(), it.en_ascii, s))
                    || (t.mask & !it.zh_mask == 0
                        && t.han & !it.zh_han == 0
                        && present(t, f.zh(), it.zh_ascii, s));
                if !present {
                    matched = Some(0);
                }
                continue;
            }
            let mut best = None;
            if t.mask & !it.en_mask == 0 {
                best = best.max(field_score(t, f.en(), it.en_ascii, s));
            }
            if t.mask & !it.zh_mask == 0 && t.han & !it.zh_han == 0 {
                best = best.max(field_score(t, f.zh(), it.zh_ascii, s));
            }
            if t.mask & !it.py_mask == 0 {
                best = best.max(pinyin_score(t, f.py(), f.pyi(), f.lens(), s));
            }
            if best.is_some() {
                matched = best;
                break;
            }
        }
        matched
    }

    /// [`Self::eval_set`] of a set of one positive fuzzy term, recording in `e` which fields
    /// matched and the DP rows of the ASCII ones (cells in `cells`).
    fn eval_tail(
        &self,
        it: &Item,
        t: &Term,
        s: &mut Scratch,
        cells: &mut Vec<Cell>,
        e: &mut Entry,
    ) -> Option<i64> {
        let f = self.field_refs(it);
        let mut best = None;
        if t.mask & !it.en_mask == 0 {
            let (score, field) = fresh_en(t, it, &f, s, cells);
            best = best.max(score);
            e.en = field;
        }
        if t.mask & !it.zh_mask == 0 && t.han & !it.zh_han == 0 {
            let score = field_score(t, f.zh(), it.zh_ascii, s);
            best = best.max(score);
            e.zh = score.is_some();
        }
        if t.mask & !it.py_mask == 0 && syllables(t, &f) {
            let (score, field) = fresh_py(t, &f, s, cells);
            best = best.max(score);
            e.py = field;
        }
        best
    }

    /// [`Self::eval_tail`] of `t`, which extends the earlier tail term (its first `m` bytes,
    /// same case rule) whose state on this item is `old` (cells in `old_cells`).
    #[allow(clippy::too_many_arguments)]
    fn extend_tail(
        &self,
        it: &Item,
        t: &Term,
        m: usize,
        old: &Entry,
        old_cells: &[Cell],
        s: &mut Scratch,
        cells: &mut Vec<Cell>,
        e: &mut Entry,
    ) -> Option<i64> {
        let f = self.field_refs(it);
        let mut best = None;
        // A field the shorter term did not match cannot match the longer one.
        if t.mask & !it.en_mask == 0 {
            let (score, field) = match old.en {
                MISS => (None, MISS),
                RESCORE => fresh_en(t, it, &f, s, cells),
                at => kept(t.pattern.extend_ascii(f.en_bytes(), m, old_cells, at, s, cells)),
            };
            best = best.max(score);
            e.en = field;
        }
        if old.zh && t.mask & !it.zh_mask == 0 && t.han & !it.zh_han == 0 {
            let score = field_score(t, f.zh(), it.zh_ascii, s);
            best = best.max(score);
            e.zh = score.is_some();
        }
        if old.py != MISS && t.mask & !it.py_mask == 0 && syllables(t, &f) {
            let (score, field) = match old.py {
                RESCORE => fresh_py(t, &f, s, cells),
                at => kept(t.pattern_lower.extend_ascii(f.py(), m, old_cells, at, s, cells)),
            };
            best = best.max(score);
            e.py = field;
        }
        best
    }

    fn field_refs(&self, it: &Item) -> FieldRefs<'_> {
        FieldRefs { text: &self.text, it: *it }
    }
}

/// An item's fields in the text arena, sliced on demand (touching only what is read).
struct FieldRefs<'a> {
    text: &'a str,
    it: Item,
}

impl<'a> FieldRefs<'a> {
    fn en(&self) -> &'a str {
        &self.text[self.it.start..self.it.start + self.it.en_len as usize]
    }
    fn en_bytes(&self) -> &'a [u8] {
        &self.text.as_bytes()[self.it.start..self.it.start + self.it.en_len as usize]
    }
    fn zh(&self) -> &'a str {
        let at = self.it.start + self.it.en_len as usize;
        &self.text[at..at + self.it.zh_len as usize]
    }
    fn py(&self) -> &'a [u8] {
        let at = self.it.start + self.it.en_len as usize + self.it.zh_len as usize;
        &self.text.as_bytes()[at..at + self.it.py_len as usize]
    }
    fn pyi(&self) -> &'a [u8] {
        let at = self.it.start + (self.it.en_len + self.it.zh_len + self.it.py_len) as usize;
        &self.text.as_bytes()[at..at + self.it.pyi_len as usize]
    }
    fn lens(&self) -> &'a [u8] {
        let at =
            self.it.start + (self.it.en_len + self.it.zh_len + self.it.py_len + self.it.pyi_len) as usize;
        &self.text.as_bytes()[at..at + self.it.pyi_len as usize]
    }
}

/// Whether a fuzzy term matches the pinyin syllable-aware (see [`pinyin_score`]).
fn syllables(t: &Term, f: &FieldRefs) -> bool {
    t.positions
        .as_deref()
        .is_some_and(|table| syllable_match(t.lower.as_bytes(), table, f.py(), f.pyi(), f.lens()))
}

/// A fuzzy term on the English title, from scratch, with its field state (DP rows kept on
/// an ASCII title).
fn fresh_en(
    t: &Term,
    it: &Item,
    f: &FieldRefs,
    s: &mut Scratch,
    cells: &mut Vec<Cell>,
) -> (Option<i64>, u32) {
    if it.en_ascii {
        kept(t.pattern.score_ascii_kept(f.en_bytes(), s, cells))
    } else {
        rescore(t.pattern.score_unicode(f.en(), s))
    }
}

/// [`fresh_en`] on the pinyin (which the term matches syllable-aware).
fn fresh_py(t: &Term, f: &FieldRefs, s: &mut Scratch, cells: &mut Vec<Cell>) -> (Option<i64>, u32) {
    kept(t.pattern_lower.score_ascii_kept(f.py(), s, cells))
}

fn kept(r: Option<(i64, u32)>) -> (Option<i64>, u32) {
    match r {
        Some((score, at)) => (Some(score), at),
        None => (None, MISS),
    }
}

fn rescore(r: Option<i64>) -> (Option<i64>, u32) {
    (r, if r.is_some() { RESCORE } else { MISS })
}

fn copy_field(f: u32, from: &[Cell], to: &mut Vec<Cell>) -> u32 {
    match f {
        MISS | RESCORE => f,
        at => copy_kept(from, at, to),
    }
}

/// A unit of scan work: a block of earlier hits, or a range of items.
enum Task<'a> {
    Prev(&'a Arc<Block>),
    Items(std::ops::Range<usize>),
}

/// How the hits of an earlier, wider result are rescored.
enum Plan {
    /// Not searched within an earlier result.
    Full,
    /// The same sets: scores are kept.
    Same,
    /// Score = earlier score, minus the earlier tail term's (`drop_tail`), plus the sets
    /// `added` (indices into the new query's sets).
    Delta { added: Vec<usize>, drop_tail: bool, tail: TailPlan },
    /// Every set is scored again (only the earlier hits are examined).
    Rescore,
}

/// How the new tail term (if any) is scored in a [`Plan::Delta`].
enum TailPlan {
    /// There is no new tail term, or it is not among the added sets: nothing kept.
    None,
    /// The tail term is the earlier one, unchanged: its state is copied.
    Keep,
    /// A new set: scored from scratch.
    Fresh,
    /// It extends the earlier tail term, of this many bytes: continued from its state.
    Extend(usize),
}

impl Plan {
    /// How to search `new` within the hits of `old` (which `new` narrows), whose carry is
    /// `carry`; `tail` is `new`'s tail term.
    fn new(new: &Query, old: &Query, carry: &Carry, tail: Option<&Term>) -> Plan {
        // Match the sets one to one; the rest are added (new) or removed (old).
        let mut used = vec![false; old.sets.len()];
        let mut added = Vec::new();
        for (k, set) in new.sets.iter().enumerate() {
            match (0..old.sets.len()).find(|&o| !used[o] && same_set(&old.sets[o], set)) {
                Some(o) => used[o] = true,
                None => added.push(k),
            }
        }
        let removed: Vec<usize> = (0..old.sets.len()).filter(|&o| !used[o]).collect();
        let old_tail = carry.tail.as_ref();
        let is_old_tail = |set: &[Term]| match (set, old_tail) {
            ([t], Some((text, cs))) => {
                t.kind == TermKind::Fuzzy && !t.inverse && &t.text == text && t.case_sensitive == *cs
            }
            _ => false,
        };
        if added.is_empty()
            && removed.is_empty()
            && old_tail == tail.map(|t| (t.text.clone(), t.case_sensitive)).as_ref()
        {
            return Plan::Same;
        }
        let drop_tail = match removed.as_slice() {
            [] => false,
            [o] if is_old_tail(&old.sets[*o]) => true,
            _ => return Plan::Rescore,
        };
        let tail_plan = match (new.tail(), tail, old_tail) {
            (Some(k), Some(t), Some((text, cs))) if added.contains(&k) => {
                let extends = drop_tail
                    && t.case_sensitive == *cs
                    && t.text.len() > text.len()
                    && t.text.starts_with(text.as_str())
                    && text.is_ascii();
                if extends {
                    TailPlan::Extend(text.len())
                } else {
                    TailPlan::Fresh
                }
            }
            (Some(k), Some(_), _) if added.contains(&k) => TailPlan::Fresh,
            (Some(k), Some(_), Some(_)) if !drop_tail && is_old_tail(&new.sets[k]) => TailPlan::Keep,
            _ => TailPlan::None,
        };
        Plan::Delta { added, drop_tail, tail: tail_plan }
    }
}

/// Two OR-sets of the same terms (in the same order).
fn same_set(a: &[Term], b: &[Term]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.kind == y.kind
                && x.inverse == y.inverse
                && x.text == y.text
                && x.case_sensitive == y.case_sensitive
        })
}

/// What a result keeps for the next, narrower search: an entry for each hit, in index
/// order, with its score and the state of the query's tail term (the last one typed) on
/// it: the tail term's score, which fields it matched and, on the ASCII ones, the last two
/// rows of skim's DP, so that typing on computes only the new characters' rows.
#[derive(Default)]
pub(crate) struct Carry {
    /// The tail term (text, case-sensitive) the entries' states are of.
    tail: Option<(String, bool)>,
    blocks: Vec<Arc<Block>>,
}

impl std::fmt::Debug for Carry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries: usize = self.blocks.iter().map(|b| b.entries.len()).sum();
        f.debug_struct("Carry").field("tail", &self.tail).field("entries", &entries).finish()
    }
}

/// Entries of one scan block, and the DP cells their states refer to.
#[derive(Default)]
struct Block {
    entries: Vec<Entry>,
    cells: Vec<Cell>,
}

/// A hit and the state of the tail term on it (see [`Carry`]).
#[derive(Clone, Copy)]
struct Entry {
    idx: u32,
    /// The tail term on the English title and the pinyin: [`MISS`], [`RESCORE`] or the
    /// offset of its DP state in the block's cells.
    en: u32,
    py: u32,
    /// The tail term matched the Chinese title.
    zh: bool,
    /// The item's score.
    score: i64,
    /// The tail term's part of it.
    tail: i64,
}

/// The tail term did not match the field (so no extension of it does either).
const MISS: u32 = u32::MAX;
/// It matched a non-ASCII field: an extension is scored from scratch.
const RESCORE: u32 = u32::MAX - 1;

/// Hits in rank order (best score first, then by sort key): a counting sort by score over
/// the sort-key order when many items match, a sort otherwise.
fn rank_hits(blocks: &[Arc<Block>], order: &Order) -> Vec<Hit> {
    let count: usize = blocks.iter().map(|b| b.entries.len()).sum();
    let entries = || blocks.iter().flat_map(|b| b.entries.iter());
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
    keys.into_iter()
        .map(|k| Hit {
            idx: order.perm[(k & 0xFFFF_FFFF) as usize],
            score: i32::MAX as i64 - (k >> 32) as i64,
        })
        .collect()
}

/// Packs (score, rank) so that ascending order is best score first, then lowest rank.
fn pack(score: i64, rank: u32) -> u64 {
    let s = score.clamp(i32::MIN as i64 + 1, i32::MAX as i64);
    (((i32::MAX as i64 - s) as u64) << 32) | rank as u64
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
    let found = match (t.kind, &t.positions) {
        (TermKind::Fuzzy, Some(table)) => syllable_match(t.lower.as_bytes(), table, full, initials, lens),
        (TermKind::Fuzzy, None) => false, // not ASCII or too long for pinyin
        _ => {
            // (ASCII by construction)
            let text = |b: &[u8]| std::str::from_utf8(b).unwrap_or_default().to_string();
            t.find_exact(&text(full), true).is_some() || t.find_exact(&text(initials), true).is_some()
        }
    };
    if !found {
        return None;
    }
    t.pattern_lower.score_ascii(full, s)
}

/// Whether an inverse term's text occurs in a field (so the item is excluded).
fn present(t: &Term, field: &str, ascii: bool, s: &mut Scratch) -> bool {
    match t.kind {
        TermKind::Fuzzy => field_score(t, field, ascii, s).is_some(),
        _ => t.find_exact(field, false).is_some(),
    }
}
