//! The title index and its parallel scan.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::pinyin::syllable_match;
use super::query::{Query, Term, TermKind};
use super::score::{copy_kept, Cell, Scratch};
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
        self.items.push(Item::derive(title_en, title_zh, &mut self.text, it));
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

    /// Heap bytes held by the index itself (not the catalog it borrows from, nor a
    /// [`SearchData`] shared with others, counted once here): items, strings, keys, order.
    pub fn heap_bytes(&self) -> usize {
        let order = self.order.get().map_or(0, |o| (o.perm.capacity() + o.rank.capacity()) * 4);
        self.data.heap_bytes()
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
        let n = self.len();
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
        let tail = q.tail().and_then(|i| q.sets.get(i)?.first());
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
        let Some(it) = self.item(i as usize) else { return };
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
            let Some(it) = self.item(e.idx as usize) else { continue };
            let mut total = e.score - if *drop_tail { e.tail } else { 0 };
            for &k in added {
                if q.tail() != Some(k) {
                    match q.sets.get(k).and_then(|set| self.eval_set(it, set, s)) {
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
        FieldRefs { cat: self.cat.arena(), data: &self.data.text, text: &self.text, it: *it }
    }
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
    fn en(&self) -> &'a str {
        self.str(self.it.src & EN_CAT, self.it.en_at, self.it.en_len)
    }
    fn en_bytes(&self) -> &'a [u8] {
        self.bytes(self.it.src & EN_CAT, self.it.en_at, self.it.en_len)
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
    fn lens(&self) -> &'a [u8] {
        let at = self.it.py_at.saturating_add(self.it.py_len).saturating_add(self.it.pyi_len);
        self.bytes(self.it.src & PY_DATA, at, self.it.pyi_len)
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
            let free = old.sets.iter().zip(&mut used).find(|(o, u)| !**u && same_set(o, set));
            match free {
                Some((_, u)) => *u = true,
                None => added.push(k),
            }
        }
        let removed: Vec<usize> = used.iter().enumerate().filter(|(_, &u)| !u).map(|(o, _)| o).collect();
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
            [o] if old.sets.get(*o).is_some_and(|set| is_old_tail(set)) => true,
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
            (Some(k), Some(_), Some(_))
                if !drop_tail && new.sets.get(k).is_some_and(|set| is_old_tail(set)) =>
            {
                TailPlan::Keep
            }
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
// The counting sort's arrays are sized just above to the ranks and scores they are indexed
// by (ranks < n, scores within span), on every keystroke's full result.
#[allow(clippy::indexing_slicing)]
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
