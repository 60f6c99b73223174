//! The title index and its parallel scan.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use rayon::prelude::*;

use super::pinyin::{syllable_match, Pinyin};
use super::query::{char_mask, han_mask, Query, Term, TermKind};
use super::score::Scratch;

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits {
    /// The query string searched for.
    pub query: String,
    /// Best score first; equal scores by sort key, then by index.
    pub hits: Vec<Hit>,
    /// Items `0..searched` were searched.
    pub searched: usize,
}

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
        self.fields(&self.items[idx as usize]).0
    }

    /// An item's Chinese title. Panics if `idx` is out of range.
    pub fn title_zh(&self, idx: u32) -> &str {
        self.fields(&self.items[idx as usize]).1
    }

    /// Highlights of `q` in item `idx`'s titles (see [`Query::highlights`]).
    pub fn highlights(&self, idx: u32, q: &Query) -> super::Highlights {
        q.highlights(self.title_en(idx), self.title_zh(idx))
    }

    /// (en, zh, pinyin, initials, syllable lengths) of an item.
    fn fields(&self, it: &Item) -> (&str, &str, &str, &str, &[u8]) {
        let mut at = it.start;
        let mut take = |len: u32| {
            let s = &self.text[at..at + len as usize];
            at += len as usize;
            s
        };
        (take(it.en_len), take(it.zh_len), take(it.py_len), take(it.pyi_len), take(it.pyi_len).as_bytes())
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
    /// result is the same as without `prev`, only faster.
    ///
    /// The empty query returns every item in sort-key order with score 0.
    pub fn search(&self, q: &Query, prev: Option<&Hits>, cancel: &(dyn Fn() -> bool + Sync)) -> Option<Hits> {
        let n = self.items.len();
        let order = self.order();
        let done = |hits| Hits { query: q.as_str().to_string(), hits, searched: n };
        if q.is_empty() {
            if cancel() {
                return None;
            }
            return Some(done(order.perm.iter().map(|&idx| Hit { idx, score: 0 }).collect()));
        }
        let prev = prev.filter(|p| p.searched <= n && q.narrows(&Query::parse(&p.query)));
        let same_query = prev.is_some_and(|p| p.query == q.as_str());
        // Previous hits as a bitset over the items the previous search covered.
        let (filter, covered) = match prev {
            Some(p) if same_query => (Some(Vec::new()), p.searched),
            Some(p) => {
                let mut bits = vec![0u64; p.searched.div_ceil(64)];
                for h in &p.hits {
                    let i = h.idx as usize;
                    if i < p.searched {
                        bits[i / 64] |= 1 << (i % 64);
                    }
                }
                (Some(bits), p.searched)
            }
            _ => (None, 0),
        };
        let stop = AtomicBool::new(false);
        let first_block = if same_query { covered / BLOCK } else { 0 };
        let blocks: Option<Vec<Vec<u64>>> = (first_block..n.div_ceil(BLOCK))
            .into_par_iter()
            .map_init(Scratch::default, |s, b| {
                if stop.load(Ordering::Relaxed) || cancel() {
                    stop.store(true, Ordering::Relaxed);
                    return None;
                }
                let mut out = Vec::new();
                let range = b * BLOCK..((b + 1) * BLOCK).min(n);
                for i in range {
                    if let Some(bits) = &filter {
                        if i < covered && (same_query || bits[i / 64] & (1 << (i % 64)) == 0) {
                            continue;
                        }
                    }
                    if let Some(score) = self.eval(&self.items[i], q, s) {
                        out.push(pack(score, order.rank[i]));
                    }
                }
                Some(out)
            })
            .collect();
        let blocks = blocks?;
        let reused = match prev {
            Some(p) if same_query => p.hits.as_slice(),
            _ => &[],
        };
        let mut keys = Vec::with_capacity(reused.len() + blocks.iter().map(Vec::len).sum::<usize>());
        keys.extend(reused.iter().map(|h| pack(h.score, order.rank[h.idx as usize])));
        for b in blocks {
            keys.extend_from_slice(&b);
        }
        if cancel() {
            return None;
        }
        keys.par_sort_unstable();
        let hits = keys
            .into_par_iter()
            .map(|k| Hit {
                idx: order.perm[(k & 0xFFFF_FFFF) as usize],
                score: i32::MAX as i64 - (k >> 32) as i64,
            })
            .collect();
        Some(done(hits))
    }

    /// The item's score for `q`, or `None` if it does not match.
    fn eval(&self, it: &Item, q: &Query, s: &mut Scratch) -> Option<i64> {
        let (en, zh, py, pyi, lens) = self.fields(it);
        let mut total = 0i64;
        for set in &q.sets {
            // fzf: the first positive term that matches gives the set's score; a satisfied
            // inverse term satisfies it with 0.
            let mut matched = None;
            for t in set {
                if t.inverse {
                    let present = (t.mask & !it.en_mask == 0 && present(t, en, it.en_ascii, s))
                        || (t.mask & !it.zh_mask == 0
                            && t.han & !it.zh_han == 0
                            && present(t, zh, it.zh_ascii, s));
                    if !present {
                        matched = Some(0);
                    }
                    continue;
                }
                let mut best = None;
                if t.mask & !it.en_mask == 0 {
                    best = best.max(field_score(t, en, it.en_ascii, s));
                }
                if t.mask & !it.zh_mask == 0 && t.han & !it.zh_han == 0 {
                    best = best.max(field_score(t, zh, it.zh_ascii, s));
                }
                if t.mask & !it.py_mask == 0 {
                    best = best.max(pinyin_score(t, py, pyi, lens, s));
                }
                if best.is_some() {
                    matched = best;
                    break;
                }
            }
            total += matched?;
        }
        Some(total)
    }
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
    full: &str,
    initials: &str,
    lens: &[u8],
    s: &mut Scratch,
) -> Option<i64> {
    let found = match (t.kind, &t.positions) {
        (TermKind::Fuzzy, Some(table)) => {
            syllable_match(t.lower.as_bytes(), table, full.as_bytes(), initials.as_bytes(), lens)
        }
        (TermKind::Fuzzy, None) => false, // not ASCII or too long for pinyin
        _ => t.find_exact(full, true).is_some() || t.find_exact(initials, true).is_some(),
    };
    if !found {
        return None;
    }
    t.pattern_lower.score_ascii(full.as_bytes(), s)
}

/// Whether an inverse term's text occurs in a field (so the item is excluded).
fn present(t: &Term, field: &str, ascii: bool, s: &mut Scratch) -> bool {
    match t.kind {
        TermKind::Fuzzy => field_score(t, field, ascii, s).is_some(),
        _ => t.find_exact(field, false).is_some(),
    }
}
