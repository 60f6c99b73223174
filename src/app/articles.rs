//! The reader's list of articles: `u32` ids over the collection's catalog (the index's,
//! shared with the loader, plus the articles parsed since), in the list's order. Merging a
//! batch, taking changed files back and putting them in again move ids, not metadata.

use crate::corpus::catalog::{self, Field};
use crate::corpus::{ArticleMeta, ArticleRef, Catalog};
use std::cmp::Ordering;
use std::path::Path;
use std::sync::Arc;

/// How many articles [`Articles::reserve`] waits for before it estimates their strings' size.
pub const RESERVE_AFTER: usize = 1024;

/// The articles, in the collection order (date, page, path).
#[derive(Debug, Default)]
pub struct Articles {
    /// The catalog of a warm open (ids `0..base.len()`).
    base: Arc<Catalog>,
    /// Articles parsed in this session (ids from `base.len()` on); shared with a cold open's
    /// title index while it is written from it ([`Self::parsed`]; changed meanwhile, it is
    /// copied first).
    extra: Arc<Catalog>,
    /// Of each `extra` article, whether its path is plain ([`catalog::plain_path`]: checked
    /// once here, not in every comparison of a merge's sort).
    extra_plain: Vec<bool>,
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
        if std::ptr::eq(ca, &*self.extra) && std::ptr::eq(cb, &*self.extra) {
            if let (Some(ra), Some(rb), Some(&pa), Some(&pb)) =
                (ca.rec(la), ca.rec(lb), self.extra_plain.get(la as usize), self.extra_plain.get(lb as usize))
            {
                // as `Catalog::order`, the paths' plainness known
                return ra.order_key().cmp(&rb.order_key()).then_with(|| {
                    if ra.root() == rb.root() {
                        catalog::rel_cmp_known(ca.bytes(la, Field::Rel), pa, ca.bytes(lb, Field::Rel), pb)
                    } else {
                        ca.order(la, lb)
                    }
                });
            }
        }
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

    /// Makes room for `more` articles to be appended: their records, and their strings at the
    /// bytes per article appended so far and a quarter more (nothing before
    /// [`RESERVE_AFTER`] articles: no estimate yet). A cold open that knows how many files
    /// are coming appends without the catalog's vectors growing by doubling: at 430,000
    /// articles each doubling copied the arena and faulted its new pages in on the UI thread
    /// (~15 % of its CPU while loading), and held the old and the new block at once.
    pub fn reserve(&mut self, more: usize) {
        let n = self.extra.len();
        if n < RESERVE_AFTER || more == 0 {
            return;
        }
        let per = self.extra.arena().len() / n;
        let bytes = per.saturating_mul(more);
        Arc::make_mut(&mut self.extra).reserve(more, bytes.saturating_add(bytes / 4));
        self.extra_plain.reserve(more);
        self.pos.reserve(more);
    }

    /// Appends an article to the catalog (not yet listed); returns its id.
    pub fn append(&mut self, m: &ArticleMeta) -> u32 {
        let local = Arc::make_mut(&mut self.extra).push_meta(m, &[]);
        self.extra_plain.resize(local as usize, false);
        self.extra_plain.push(catalog::plain_path(self.extra.bytes(local, Field::Rel)));
        self.pos.push(u32::MAX);
        self.base.len() as u32 + local
    }

    /// Appends the articles of a loader's batch ([`crate::corpus::LoadEvent::rows`]; its
    /// skipped files left out) to the catalog, not yet listed, their records and strings
    /// copied as they are; pushes their ids to `ids`, in the batch's order. The first batch
    /// gives the catalog its roots (a cold open's batches all have the same: the PATHs as
    /// given); a batch under other roots is appended article by article.
    pub fn append_rows(&mut self, rows: &Catalog, ids: &mut Vec<u32>) {
        let extra = Arc::make_mut(&mut self.extra);
        if extra.is_empty() && extra.roots().is_empty() {
            extra.set_roots(rows.roots().to_vec());
        }
        let same_roots = extra.roots() == rows.roots();
        for id in 0..rows.len() as u32 {
            let Some(a) = rows.article(id) else { continue };
            let extra = Arc::make_mut(&mut self.extra);
            let local = if same_roots {
                match extra.push_copy(rows, id) {
                    Some(local) => local,
                    None => continue,
                }
            } else {
                extra.push_meta(&a.to_meta(), &[])
            };
            self.extra_plain.resize(local as usize, false);
            self.extra_plain.push(catalog::plain_path(self.extra.bytes(local, Field::Rel)));
            self.pos.push(u32::MAX);
            ids.push(self.base.len() as u32 + local);
        }
    }

    /// Lists ids appended (each put in its place in the collection order); returns the
    /// first list position that changed.
    pub fn insert(&mut self, mut ids: Vec<u32>) -> usize {
        self.sort_ids(&mut ids);
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
            // a loading batch: merged by galloping. Each id's place is looked for from where
            // the one before it went, 1, 2, 4... rows on, then by halving: a batch's articles
            // (a few folders of the walk) fall in runs, so the merge makes a few comparisons
            // per id instead of one per listed row (at 430,000 articles a cold open's merges
            // compared ~7 million pairs on the UI thread); the rows between are copied whole
            let old = std::mem::take(&mut self.order);
            let mut merged = Vec::with_capacity(old.len() + ids.len());
            let mut rest: &[u32] = &old;
            let mut from = usize::MAX;
            for id in ids {
                // the listed rows that come before `id` (equal ones too: listed rows first)
                let k = gallop(rest, |x| self.cmp_ids(x, id).is_le());
                let (before, after) = rest.split_at_checked(k).unwrap_or((rest, &[]));
                merged.extend_from_slice(before);
                rest = after;
                from = from.min(merged.len());
                merged.push(id);
            }
            merged.extend_from_slice(rest);
            self.order = merged;
            from.min(self.order.len())
        };
        self.reposition(from);
        from
    }

    /// Sorts `ids` in the collection order ([`Self::cmp_ids`]). Each id's date and page key
    /// is read once and the keys compared first; two ids are compared whole only when their
    /// keys are equal (at 430,000 articles a cold open's merges sorted with `cmp_ids` alone,
    /// two look-ups of records each comparison, ~0.1 s of the UI thread's CPU). `cmp_ids`
    /// compares those keys first, so the order is the same; an id without a record (none
    /// is appended so) sorts them all with `cmp_ids`, as before.
    fn sort_ids(&self, ids: &mut Vec<u32>) {
        let key = |id: u32| self.locate(id).and_then(|(c, l)| c.rec(l)).map(|r| r.order_key());
        let keyed: Option<Vec<_>> = ids.iter().map(|&id| key(id).map(|k| (k, id))).collect();
        match keyed {
            Some(mut keyed) => {
                keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| self.cmp_ids(a.1, b.1)));
                ids.clear();
                ids.extend(keyed.iter().map(|k| k.1));
            }
            None => ids.sort_by(|&a, &b| self.cmp_ids(a, b)),
        }
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

    /// The articles parsed in this session, in the order they were appended (a cold open's:
    /// every batch's articles, as the loader sent them), shared: a cold open's title index
    /// is written from them ([`crate::corpus::load::IndexedLoad::save_shared`]).
    pub fn parsed(&self) -> Arc<Catalog> {
        Arc::clone(&self.extra)
    }

    /// Heap bytes held by the list itself (ids and positions) and the catalog parsed since.
    pub fn heap_bytes(&self) -> usize {
        (self.order.capacity() + self.pos.capacity()) * 4
            + self.extra_plain.capacity()
            + self.extra.heap_bytes()
    }
}

/// How many of the first elements of `v` satisfy `before`, which holds for a prefix of `v`
/// (as [`slice::partition_point`]), looked for from the start: 1, 2, 4... elements on until
/// one does not, then by halving in the last step. `O(log k)` calls for an answer `k`.
fn gallop(v: &[u32], before: impl Fn(u32) -> bool) -> usize {
    let mut lo = 0; // v[..lo] all satisfy `before`
    let mut step = 1;
    loop {
        let probe = lo + step - 1;
        match v.get(probe) {
            Some(&x) if before(x) => {
                lo = probe + 1;
                step *= 2;
            }
            // the answer is in v[lo..probe] (or v[lo..] past the end)
            _ => {
                let end = probe.min(v.len());
                return lo + v.get(lo..end).map_or(0, |w| w.partition_point(|&x| before(x)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::corpus::Date;
    use proptest::prelude::*;

    fn meta(date: u8, page: u8, dir: u8, name: u8) -> ArticleMeta {
        // folders 5 and over: paths that are not plain (a `.` component, a doubled `/`, a
        // name starting with `.`), beside plain ones that their bytes would put in another
        // order than `Path`'s (`4/./37.md` after `4/1.md`, `3//x/1.md` after `3/2.md`)
        let dir = match dir {
            5 => "4/.".to_string(),
            6 => "3//x".to_string(),
            7 => "..//.7".to_string(),
            d => d.to_string(),
        };
        ArticleMeta {
            path: format!("/c/{}/{dir}/{name}.md", 2000 + u32::from(date)).into(),
            title_en: format!("T{date}-{page}-{name}"),
            date: (date > 0).then_some(Date { year: 2000, month: 1, day: date.min(28) }),
            page: (page > 0).then_some(u32::from(page)),
            ..ArticleMeta::default()
        }
    }

    #[test]
    fn room_reserved_for_the_files_coming_is_not_grown_again() {
        let mut a = Articles::default();
        let metas: Vec<ArticleMeta> = (0..4 * RESERVE_AFTER as u32)
            .map(|k| meta((k % 28) as u8 + 1, (k % 8) as u8 + 1, (k % 5) as u8, (k % 250) as u8))
            .collect();
        let (first, rest) = metas.split_at(RESERVE_AFTER);
        // before the estimate: nothing reserved
        a.reserve(rest.len());
        assert_eq!(a.extra.recs().len(), 0);
        let ids: Vec<u32> = first.iter().map(|m| a.append(m)).collect();
        a.insert(ids);
        a.reserve(rest.len());
        let held = (a.extra.heap_bytes(), a.pos.capacity(), a.extra_plain.capacity());
        let ids: Vec<u32> = rest.iter().map(|m| a.append(m)).collect();
        a.insert(ids);
        // the catalog's vectors, the positions and the flags did not grow (each of `rest`'s
        // strings a little longer than the first ones' average at most: a quarter more room)
        assert_eq!((a.extra.heap_bytes(), a.pos.capacity(), a.extra_plain.capacity()), held);
        assert_eq!(a.extra.len(), metas.len());
        // and the list is what one sort gives
        let mut want: Vec<u32> = (0..metas.len() as u32).collect();
        want.sort_by(|&x, &y| a.cmp_ids(x, y));
        assert_eq!(a.order, want);
    }

    #[test]
    fn gallop_is_partition_point() {
        let v: Vec<u32> = (0..100).collect();
        for cut in 0..=101 {
            assert_eq!(gallop(&v, |x| x < cut), v.partition_point(|&x| x < cut), "{cut}");
        }
        assert_eq!(gallop(&[], |_| true), 0);
    }

    proptest! {
        /// Merging batches into the list (a few rows each put in place, or a loading
        /// batch merged by galloping) lists the same ids as sorting them all at once, and
        /// every id's position is its row.
        #[test]
        fn merged_batches_list_what_one_sort_lists(
            files in proptest::collection::btree_set((0u8..6, 0u8..4, 0u8..8, 0u8..40), 0..400),
            cuts in proptest::collection::vec(0usize..200, 0..6),
            shuffle in any::<u64>(),
            presorted in any::<bool>(),
        ) {
            let mut metas: Vec<ArticleMeta> =
                files.iter().map(|&(d, p, dir, n)| meta(d, p, dir, n)).collect();
            // the walk's order: anything
            let mut r = shuffle | 1;
            for i in (1..metas.len()).rev() {
                r ^= r << 13; r ^= r >> 7; r ^= r << 17;
                metas.swap(i, (r % (i as u64 + 1)) as usize);
            }
            let mut list = Articles::default();
            let mut at = 0usize;
            let mut sizes = cuts.clone();
            sizes.push(usize::MAX);
            for size in sizes {
                let end = at.saturating_add(size).min(metas.len());
                if presorted {
                    // batches sorted before they come (runs for the merge's sort)
                    metas[at..end].sort_by(crate::corpus::load::order);
                }
                let ids: Vec<u32> = metas[at..end].iter().map(|m| list.append(m)).collect();
                let first = list.insert(ids.clone());
                for id in &ids {
                    prop_assert!(list.pos_of(*id).unwrap() >= first, "nothing changed before {first}");
                }
                at = end;
            }
            // one sort of all, by the catalog's own order (each path checked in each comparison)
            let mut one = Catalog::default();
            for m in &metas {
                one.push_meta(m, &[]);
            }
            let mut want: Vec<u32> = (0..metas.len() as u32).collect();
            want.sort_by(|&a, &b| one.order(a, b));
            let got: Vec<u32> = (0..list.len()).map(|i| list.id(i).unwrap()).collect();
            prop_assert_eq!(&got, &want);
            for (i, &id) in got.iter().enumerate() {
                prop_assert_eq!(list.pos_of(id), Some(i));
            }
            // and by the metadata's own order
            let mut by_meta = metas.clone();
            by_meta.sort_by(crate::corpus::load::order);
            let paths: Vec<_> = list.iter().map(|a| a.path()).collect();
            let want_paths: Vec<_> = by_meta.iter().map(|m| m.path.clone()).collect();
            prop_assert_eq!(paths, want_paths);
        }
    }
}
