//! The reader's list of articles: `u32` ids over the collection's catalog (the index's,
//! shared with the loader, plus the articles parsed since), in the list's order. Merging a
//! batch, taking changed files back and putting them in again move ids, not metadata.

use crate::corpus::{ArticleMeta, ArticleRef, Catalog};
use std::cmp::Ordering;
use std::path::Path;
use std::sync::Arc;

/// The articles, in the collection order (date, page, path).
#[derive(Debug, Default)]
pub struct Articles {
    /// The catalog of a warm open (ids `0..base.len()`).
    base: Arc<Catalog>,
    /// Articles parsed in this session (ids from `base.len()` on).
    extra: Catalog,
    /// The list: ids in the collection order.
    order: Vec<u32>,
    /// The position in `order` of each id, `u32::MAX` when it is not listed (taken back).
    pos: Vec<u32>,
}

impl Articles {
    /// Number of articles listed.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether none is listed.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Number of ids handed out (listed or not).
    pub fn ids(&self) -> usize {
        self.base.len() + self.extra.len()
    }

    /// The article at list position `i`.
    pub fn get(&self, i: usize) -> Option<ArticleRef<'_>> {
        self.by_id(*self.order.get(i)?)
    }

    /// The id at list position `i`.
    pub fn id(&self, i: usize) -> Option<u32> {
        self.order.get(i).copied()
    }

    /// The article with id `id`.
    pub fn by_id(&self, id: u32) -> Option<ArticleRef<'_>> {
        let (cat, local) = self.locate(id)?;
        cat.article(local)
    }

    /// The list position of id `id`, if listed.
    pub fn pos_of(&self, id: u32) -> Option<usize> {
        self.pos.get(id as usize).filter(|&&p| p != u32::MAX).map(|&p| p as usize)
    }

    /// The articles in list order.
    pub fn iter(&self) -> impl Iterator<Item = ArticleRef<'_>> + '_ {
        self.order.iter().filter_map(|&id| self.by_id(id))
    }

    /// The list position of the article at `path` (searched from `near` outwards first).
    pub fn position(&self, path: &Path, near: usize) -> Option<usize> {
        let hit = |i: &usize| self.get(*i).is_some_and(|m| m.path_is(path));
        let lo = near.saturating_sub(256);
        let hi = near.saturating_add(256).min(self.len());
        (lo..hi).find(hit).or_else(|| (0..self.len()).find(hit))
    }

    fn locate(&self, id: u32) -> Option<(&Catalog, u32)> {
        let b = self.base.len() as u32;
        if id < b {
            Some((&self.base, id))
        } else {
            Some((&self.extra, id - b))
        }
    }

    /// The collection order of two ids.
    pub fn cmp_ids(&self, a: u32, b: u32) -> Ordering {
        let (Some((ca, la)), Some((cb, lb))) = (self.locate(a), self.locate(b)) else { return a.cmp(&b) };
        if std::ptr::eq(ca, cb) {
            return ca.order(la, lb);
        }
        let key = |c: &Catalog, l: u32| c.rec(l).map(|r| r.order_key());
        key(ca, la).cmp(&key(cb, lb)).then_with(|| ca.path(la).cmp(&cb.path(lb)))
    }

    /// Takes the catalog of a warm open as the whole list (nothing listed before). Its
    /// articles are listed in its order (the index is written in the collection order;
    /// one out of date or page order is sorted). Returns the range of ids it took.
    pub fn set_base(&mut self, cat: Arc<Catalog>) -> std::ops::Range<u32> {
        debug_assert!(self.ids() == 0, "the base comes first");
        self.base = cat;
        let n = self.base.len() as u32;
        self.order = (0..n).filter(|&id| self.base.article(id).is_some()).collect();
        // the dates and pages are checked (a pass over the records); the paths of one day and
        // page are taken in the order the index was written in (sorted by path, checksummed):
        // comparing them took 0.1 s of the first frame at 430,000 articles
        let key = |id: &u32| self.base.rec(*id).map(|r| r.order_key());
        if !self.order.windows(2).all(|w| matches!(w, [a, b] if key(a) <= key(b))) {
            let base = Arc::clone(&self.base);
            self.order.sort_by(|&a, &b| base.order(a, b));
        }
        self.pos = vec![u32::MAX; n as usize];
        self.reposition(0);
        0..n
    }

    /// Appends an article to the catalog (not yet listed); returns its id.
    pub fn append(&mut self, m: &ArticleMeta) -> u32 {
        let local = self.extra.push_meta(m, &[]);
        self.pos.push(u32::MAX);
        self.base.len() as u32 + local
    }

    /// Lists ids appended (each put in its place in the collection order); returns the
    /// first list position that changed.
    pub fn insert(&mut self, mut ids: Vec<u32>) -> usize {
        ids.sort_by(|&a, &b| self.cmp_ids(a, b));
        let from = if self.order.is_empty() {
            self.order = ids;
            0
        } else if ids.len() <= 64 {
            // a few rows (the check's changes): each put in its place, no pass over the list
            let mut from = usize::MAX;
            for id in ids {
                let at = self.order.partition_point(|&x| self.cmp_ids(x, id).is_le());
                self.order.insert(at, id);
                from = from.min(at);
            }
            from
        } else {
            let old = std::mem::take(&mut self.order);
            let mut merged = Vec::with_capacity(old.len() + ids.len());
            let (mut a, mut b) = (old.into_iter().peekable(), ids.into_iter().peekable());
            loop {
                let take_a = match (a.peek(), b.peek()) {
                    (Some(&x), Some(&y)) => self.cmp_ids(x, y).is_le(),
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => break,
                };
                merged.extend(if take_a { a.next() } else { b.next() });
            }
            self.order = merged;
            0
        };
        self.reposition(from);
        from
    }

    /// Takes ids off the list; returns the first list position that changed (`None` when
    /// none of them was listed).
    pub fn remove(&mut self, ids: &[u32]) -> Option<usize> {
        let mut at: Vec<usize> = ids.iter().filter_map(|&id| self.pos_of(id)).collect();
        if at.is_empty() {
            return None;
        }
        at.sort_unstable();
        at.dedup();
        for &id in ids {
            if let Some(slot) = self.pos.get_mut(id as usize) {
                *slot = u32::MAX;
            }
        }
        let first = at.first().copied().unwrap_or(0);
        if at.len() <= 64 {
            for &p in at.iter().rev() {
                self.order.remove(p);
            }
        } else {
            let mut k = 0;
            let mut drop = at.iter().peekable();
            self.order.retain(|_| {
                let gone = drop.peek() == Some(&&k);
                if gone {
                    drop.next();
                }
                k += 1;
                !gone
            });
        }
        self.reposition(first);
        Some(first)
    }

    /// Puts id `new` at the list position of `old` (an article read again whose list
    /// entry changed, kept on its row).
    pub fn replace(&mut self, old: u32, new: u32) {
        let Some(p) = self.pos_of(old) else { return };
        if let Some(slot) = self.order.get_mut(p) {
            *slot = new;
        }
        if let Some(slot) = self.pos.get_mut(old as usize) {
            *slot = u32::MAX;
        }
        if let Some(slot) = self.pos.get_mut(new as usize) {
            *slot = p as u32;
        }
    }

    /// Ids of listed articles whose path is one of `paths` (a scan: for few paths).
    pub fn ids_of_paths(&self, paths: &[&Path]) -> Vec<u32> {
        self.order
            .iter()
            .copied()
            .filter(|&id| self.by_id(id).is_some_and(|m| paths.iter().any(|p| m.path_is(p))))
            .collect()
    }

    fn reposition(&mut self, from: usize) {
        if self.pos.len() < self.ids() {
            self.pos.resize(self.ids(), u32::MAX);
        }
        for (p, &id) in self.order.iter().enumerate().skip(from) {
            if let Some(slot) = self.pos.get_mut(id as usize) {
                *slot = p as u32;
            }
        }
    }

    /// Heap bytes held by the list itself (ids and positions) and the catalog parsed since.
    pub fn heap_bytes(&self) -> usize {
        (self.order.capacity() + self.pos.capacity()) * 4 + self.extra.heap_bytes()
    }
}
