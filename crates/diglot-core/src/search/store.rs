//! How the title search's data is stored: one [`Item`] per title (where its strings are,
//! prefilter masks) and the strings derived from it (pinyin, initials, syllable lengths).
//!
//! [`SearchData`] is that data for every record of a [`Catalog`], made once
//! ([`SearchData::of_catalog`]) and kept in the title index file beside the catalog (see
//! [`crate::corpus::index`]): a warm open reads it and the search borrows the titles from the
//! catalog ([`super::SearchIndex::set_base`]) instead of copying them and computing the pinyin
//! again. Read from a file it is never trusted: every range is checked against the arenas
//! when it is read ([`SearchData::read_from`]), and every access is checked again.

use super::pinyin::Pinyin;
use super::query::{char_mask, han_mask};
use crate::corpus::catalog::{Catalog, Field, Reader};
use crate::corpus::index::{RecordAt, Records};

/// [`Item::src`]: the English title is in the catalog's arena (else in the index's own text).
pub(crate) const EN_CAT: u8 = 1;
/// [`Item::src`]: the Chinese title is the catalog's `TitleZh` (no subtitle).
pub(crate) const ZH_CAT: u8 = 2;
/// [`Item::src`]: the Chinese title (with its subtitle) is in the [`SearchData`]'s text.
pub(crate) const ZH_DATA: u8 = 4;
/// [`Item::src`]: the pinyin is in the [`SearchData`]'s text (else in the index's own text).
pub(crate) const PY_DATA: u8 = 8;

/// Per-item data: where the fields are (byte offsets into the arena [`Item::src`] names) and
/// prefilter masks. 64 bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Item {
    pub(crate) en_at: u32,
    pub(crate) en_len: u32,
    pub(crate) zh_at: u32,
    pub(crate) zh_len: u32,
    /// The full pinyin, then the initials (`pyi_len` bytes), then one byte per initial: the
    /// length of its syllable in the full pinyin (1-6, a control character).
    pub(crate) py_at: u32,
    pub(crate) py_len: u32,
    pub(crate) pyi_len: u32,
    /// Where the strings are: [`EN_CAT`], [`ZH_CAT`], [`ZH_DATA`], [`PY_DATA`].
    pub(crate) src: u8,
    pub(crate) en_ascii: bool,
    pub(crate) zh_ascii: bool,
    pub(crate) en_mask: u64,
    pub(crate) zh_mask: u64,
    pub(crate) zh_han: u64,
    pub(crate) py_mask: u64,
}

/// Bytes of an [`Item`] in the index file.
pub const ITEM_BYTES: usize = 7 * 4 + 3 + 4 * 8;

// An arena or a title over 4 GiB cannot be addressed (ten times the whole archive): a bug.
#[allow(clippy::expect_used)]
fn len32(n: usize) -> u32 {
    u32::try_from(n).expect("search text over 4 GiB")
}

thread_local! {
    /// [`Item::derive`]'s pinyin buffer (see there).
    static SCRATCH: std::cell::RefCell<Pinyin> = std::cell::RefCell::new(Pinyin::default());
}

impl Item {
    /// The item of a title whose English and Chinese fields are already placed (`en_at`,
    /// `zh_at`, `src`), its pinyin appended to `text`.
    pub(crate) fn derive(en: &str, zh: &str, text: &mut String, mut it: Item) -> Item {
        let (py_at, py_len, pyi_len, py_mask) = if Pinyin::has_han(zh) {
            // made in a buffer of the thread's, reused from title to title: a fresh one grew
            // its three vectors char by char (~8 allocations a title, 430,000 titles on a
            // cold open's loader threads)
            let append = |py: &Pinyin, text: &mut String| {
                let at = text.len();
                text.push_str(&py.full);
                text.push_str(&py.initials);
                // one byte (1-6, a control character) per initial
                text.extend(py.lens.iter().map(|&l| char::from(l)));
                (at, py.full.len(), py.initials.len(), char_mask(&py.full))
            };
            SCRATCH.with(|cell| match cell.try_borrow_mut() {
                Ok(mut py) => {
                    py.rebuild(zh);
                    append(&py, text)
                }
                Err(_) => append(&Pinyin::new(zh), text),
            })
        } else {
            (text.len(), 0, 0, 0) // nothing the Chinese title itself would not match
        };
        it.en_len = len32(en.len());
        it.zh_len = len32(zh.len());
        it.py_at = len32(py_at);
        it.py_len = len32(py_len);
        it.pyi_len = len32(pyi_len);
        it.en_ascii = en.is_ascii();
        it.zh_ascii = zh.is_ascii();
        it.en_mask = char_mask(en);
        it.zh_mask = char_mask(zh);
        it.zh_han = han_mask(zh);
        it.py_mask = py_mask;
        it
    }

    fn write_to(&self, out: &mut Vec<u8>) {
        for v in [self.en_at, self.en_len, self.zh_at, self.zh_len, self.py_at, self.py_len, self.pyi_len] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&[self.src, u8::from(self.en_ascii), u8::from(self.zh_ascii)]);
        for m in [self.en_mask, self.zh_mask, self.zh_han, self.py_mask] {
            out.extend_from_slice(&m.to_le_bytes());
        }
    }

    fn read_from(b: &[u8]) -> Option<Item> {
        let mut r = Reader(b);
        let mut it = Item {
            en_at: r.u32()?,
            en_len: r.u32()?,
            zh_at: r.u32()?,
            zh_len: r.u32()?,
            py_at: r.u32()?,
            py_len: r.u32()?,
            pyi_len: r.u32()?,
            ..Item::default()
        };
        let flags = r.take(3)?;
        let (&src, &en_ascii, &zh_ascii) = (flags.first()?, flags.get(1)?, flags.get(2)?);
        it.src = src;
        it.en_ascii = en_ascii == 1;
        it.zh_ascii = zh_ascii == 1;
        it.en_mask = r.u64()?;
        it.zh_mask = r.u64()?;
        it.zh_han = r.u64()?;
        it.py_mask = r.u64()?;
        Some(it)
    }

    /// Whether every range lies in its arena (`cat`: the catalog's arena length, `text`: the
    /// data's text length) and the fields are where a persisted item keeps them.
    pub(crate) fn fits(&self, cat: usize, text: usize) -> bool {
        let within = |at: u32, len: u64, n: usize| u64::from(at) + len <= n as u64;
        let py_all = u64::from(self.py_len) + 2 * u64::from(self.pyi_len);
        self.src & EN_CAT != 0
            && self.src & PY_DATA != 0
            && (self.src & ZH_CAT != 0) != (self.src & ZH_DATA != 0)
            && within(self.en_at, u64::from(self.en_len), cat)
            && within(self.zh_at, u64::from(self.zh_len), if self.src & ZH_CAT != 0 { cat } else { text })
            && within(self.py_at, py_all, text)
    }
}

/// The title search's data for every record of a catalog (record `id` is item `id`): the
/// items, pointing at the titles in the catalog's arena, and a text of what is not there
/// (the pinyin strings; the Chinese title joined to its subtitle).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchData {
    pub(crate) items: Vec<Item>,
    pub(crate) text: String,
}

/// One title's search data as made before (see [`SearchData::push_record`]): its item, its
/// titles, and its derived strings (the pinyin, the initials, the syllable lengths).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Made<'a> {
    pub(crate) item: &'a Item,
    pub(crate) en: &'a str,
    pub(crate) zh: &'a str,
    pub(crate) derived: &'a str,
}

/// The title search's data of a batch of articles, made where they were parsed (a loader's
/// thread) so that the pinyin is computed once for the whole load: the reader's title
/// search takes it ([`super::SearchIndex::push_made`]) and so does the title index's writer
/// ([`SearchData::push_record`]). Per title an item whose English title, Chinese title (with
/// its subtitle) and derived strings lie in `text`, back to back.
///
/// Or the titles alone ([`TitleBatch::push_plain`]: a cold open's loader, which leaves the
/// pinyin to the search worker once the list is whole): a search taking one computes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TitleBatch {
    pub(crate) items: Vec<Item>,
    pub(crate) text: String,
    /// The titles alone, nothing derived (see [`TitleBatch::push_plain`]).
    pub(crate) plain: bool,
}

impl TitleBatch {
    /// An empty batch with room for `titles` titles and `bytes` bytes of their strings.
    pub fn with_capacity(titles: usize, bytes: usize) -> TitleBatch {
        TitleBatch { items: Vec::with_capacity(titles), text: String::with_capacity(bytes), plain: false }
    }

    /// An empty batch for titles alone ([`Self::push_plain`]), with room as
    /// [`Self::with_capacity`].
    pub fn plain_with_capacity(titles: usize, bytes: usize) -> TitleBatch {
        TitleBatch { plain: true, ..TitleBatch::with_capacity(titles, bytes) }
    }

    /// Adds a title to a batch of titles alone (made by [`Self::plain_with_capacity`]): its
    /// strings, nothing derived (no pinyin: whoever takes it computes that); returns its
    /// index.
    pub fn push_plain(&mut self, en: &str, zh: &str) -> usize {
        let en_at = len32(self.text.len());
        self.text.push_str(en);
        let zh_at = len32(self.text.len());
        self.text.push_str(zh);
        self.items.push(Item {
            en_at,
            en_len: len32(en.len()),
            zh_at,
            zh_len: len32(zh.len()),
            ..Item::default()
        });
        self.items.len() - 1
    }

    /// Whether the batch holds titles alone (see [`Self::push_plain`]).
    pub fn is_plain(&self) -> bool {
        self.plain
    }

    /// Title `k`'s English and Chinese titles (`None` when out of range).
    pub(crate) fn titles(&self, k: usize) -> Option<(&str, &str)> {
        let it = self.items.get(k)?;
        let s = |at: u32, len: u32| self.text.get(at as usize..(at as usize).checked_add(len as usize)?);
        Some((s(it.en_at, it.en_len)?, s(it.zh_at, it.zh_len)?))
    }

    /// Gives back the room not used (a batch of titles alone may wait in the search
    /// worker's queue until the load is done).
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    /// Adds a title (`zh`: the Chinese title joined to its subtitle, as
    /// [`crate::corpus::ArticleMeta::title_zh_full`] gives it), its pinyin computed; returns
    /// its index. (Not in a batch of titles alone.)
    pub fn push(&mut self, en: &str, zh: &str) -> usize {
        let en_at = len32(self.text.len());
        self.text.push_str(en);
        let zh_at = len32(self.text.len());
        self.text.push_str(zh);
        let it = Item { en_at, zh_at, ..Item::default() };
        self.items.push(Item::derive(en, zh, &mut self.text, it));
        self.items.len() - 1
    }

    /// Number of titles.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Title `k`: its item, its titles and derived strings (`None` when out of range, or in a
    /// batch of titles alone: nothing was derived).
    pub(crate) fn made(&self, k: usize) -> Option<Made<'_>> {
        if self.plain {
            return None;
        }
        let it = self.items.get(k)?;
        let s = |at: u32, len: usize| self.text.get(at as usize..(at as usize).checked_add(len)?);
        let derived_len = (it.py_len as usize).checked_add(2 * it.pyi_len as usize)?;
        Some(Made {
            item: it,
            en: s(it.en_at, it.en_len as usize)?,
            zh: s(it.zh_at, it.zh_len as usize)?,
            derived: s(it.py_at, derived_len)?,
        })
    }
}

impl SearchData {
    /// The data of every record of `cat` (a skipped file: an item with empty titles).
    pub fn of_catalog(cat: &Catalog) -> SearchData {
        let mut d = SearchData { items: Vec::with_capacity(cat.len()), text: String::new() };
        for id in 0..cat.len() as u32 {
            d.push_record(cat, id, None);
        }
        d
    }

    /// Records `ids` of `recs` as [`Self::of_catalog`] makes them when the records before
    /// them took `base` bytes of its text, record `id`'s pinyin, initials and masks taken from
    /// `made(id)` (the same titles' data made before: the reader's title search's after a
    /// cold open) when it is of the record's titles, computed otherwise: their text, and their items as [`Self::write_to`] writes them,
    /// appended to `items` when it is given. What the title index's writer streams a piece
    /// at a time (see [`crate::search::WorkerTitles::write_search_data`]).
    pub(crate) fn encode_records<'a>(
        recs: &Records,
        ids: std::ops::Range<u32>,
        made: impl Fn(u32) -> Option<Made<'a>>,
        base: usize,
        items: Option<&mut Vec<u8>>,
    ) -> String {
        let mut d = SearchData::default();
        for id in ids.clone() {
            if let Some(at) = recs.get(id) {
                d.push_record_at(at, made(id));
            }
        }
        if let Some(out) = items {
            let base = len32(base);
            for (it, id) in d.items.iter().zip(ids) {
                let mut it = *it;
                // the places in the text: a record that is not an article has none
                if recs.get(id).is_some_and(|at| at.cat.article(at.id).is_some()) {
                    it.py_at = it.py_at.saturating_add(base);
                    if it.src & ZH_DATA != 0 {
                        it.zh_at = it.zh_at.saturating_add(base);
                    }
                }
                it.write_to(out);
            }
        }
        d.text
    }

    /// Appends the item of record `id` of `cat` (the next record: item `k` is record `k`),
    /// exactly as [`Self::of_catalog`] makes it, taking the pinyin, initials and masks from
    /// `made` (the same titles' data made before, on a loader's thread or in an older index)
    /// instead of computing them again when its titles are the record's; computed otherwise.
    pub(crate) fn push_record(&mut self, cat: &Catalog, id: u32, made: Option<Made<'_>>) {
        self.push_record_at(RecordAt { cat, id, from: 0, to: 0 }, made);
    }

    /// [`Self::push_record`] of a record whose strings are placed elsewhere in the arena
    /// written than in its catalog (see [`RecordAt`]).
    pub(crate) fn push_record_at(&mut self, at: RecordAt<'_>, made: Option<Made<'_>>) {
        let RecordAt { cat, id, .. } = at;
        let Some(rec) = cat.rec(id) else { return };
        let bound = |f: Field| at.bound(rec.bounds.get(f as usize).copied().unwrap_or(0));
        let (en_at, zh_at) = (bound(Field::TitleEn), bound(Field::TitleZh));
        let it = match cat.article(id) {
            Some(a) if a.subtitle_zh().is_empty() => {
                let base = Item { en_at, zh_at, src: EN_CAT | ZH_CAT | PY_DATA, ..Item::default() };
                self.derive_or_copy(a.title_en(), a.title_zh(), base, made)
            }
            Some(a) => {
                let zh = a.title_zh_full();
                let at = len32(self.text.len());
                self.text.push_str(&zh);
                let base = Item { en_at, zh_at: at, src: EN_CAT | ZH_DATA | PY_DATA, ..Item::default() };
                self.derive_or_copy(a.title_en(), &zh, base, made)
            }
            None => Item { en_at, zh_at, src: EN_CAT | ZH_CAT | PY_DATA, ..Item::default() },
        };
        self.items.push(it);
    }

    /// The item of titles `en`, `zh` placed as `base` says: the derived strings and masks of
    /// `made` when it is of the same titles (its pinyin copied to the text), else computed.
    fn derive_or_copy(&mut self, en: &str, zh: &str, base: Item, made: Option<Made<'_>>) -> Item {
        match made.filter(|m| m.en == en && m.zh == zh) {
            Some(m) => {
                let py_at = len32(self.text.len());
                self.text.push_str(m.derived);
                Item {
                    py_at,
                    en_len: m.item.en_len,
                    zh_len: m.item.zh_len,
                    py_len: m.item.py_len,
                    pyi_len: m.item.pyi_len,
                    en_ascii: m.item.en_ascii,
                    zh_ascii: m.item.zh_ascii,
                    en_mask: m.item.en_mask,
                    zh_mask: m.item.zh_mask,
                    zh_han: m.item.zh_han,
                    py_mask: m.item.py_mask,
                    ..base
                }
            }
            None => Item::derive(en, zh, &mut self.text, base),
        }
    }

    /// Item `k`'s titles and derived strings, `cat` being the catalog the data was made
    /// for (`None` when out of range or a range does not fit).
    pub(crate) fn made<'a>(&'a self, cat: &'a Catalog, k: usize) -> Option<Made<'a>> {
        let it = self.items.get(k)?;
        let arena = cat.arena();
        let slice = |inner: &'a [u8], at: u32, len: u32| {
            let at = at as usize;
            inner.get(at..at.checked_add(len as usize)?).and_then(|b| std::str::from_utf8(b).ok())
        };
        let text = self.text.as_bytes();
        let en = if it.src & EN_CAT != 0 { slice(arena, it.en_at, it.en_len)? } else { return None };
        let zh = if it.src & ZH_CAT != 0 {
            slice(arena, it.zh_at, it.zh_len)?
        } else {
            slice(text, it.zh_at, it.zh_len)?
        };
        let derived = slice(text, it.py_at, it.py_len.checked_add(it.pyi_len.checked_mul(2)?)?)?;
        Some(Made { item: it, en, zh, derived })
    }

    /// The same data laid out as [`Self::of_catalog`] lays it out for `cat` (the catalog it
    /// was made for, in its records' order): the derived strings copied, nothing computed (an
    /// item whose titles are not its record's is made again). Equal to `of_catalog(cat)`
    /// exactly when every item's derived strings and masks are the ones made from scratch.
    pub fn repacked(&self, cat: &Catalog) -> SearchData {
        let mut d = SearchData { items: Vec::with_capacity(cat.len()), text: String::new() };
        for id in 0..cat.len() as u32 {
            d.push_record(cat, id, self.made(cat, id as usize));
        }
        d
    }

    /// The data with its items in the order of `ids` (item `k` of the result is item
    /// `ids[k]`; the text is kept as it is: the items point into it).
    pub(crate) fn permuted(mut self, ids: &[u32]) -> SearchData {
        crate::corpus::catalog::permute(&mut self.items, ids);
        self
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Bytes of text (the derived strings, the Chinese titles joined to their subtitles).
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Makes room for `items` more items and `bytes` more text.
    pub fn reserve(&mut self, items: usize, bytes: usize) {
        self.items.reserve(items);
        self.text.reserve(bytes);
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<Item>() + self.text.capacity()
    }

    /// Bytes [`Self::write_to`] writes.
    pub fn encoded_len(&self) -> usize {
        8 + self.items.len() * ITEM_BYTES + self.text.len()
    }

    /// The data as stored, in pieces given to `out`: the text's length (u64), the items, the
    /// text.
    pub fn write_to(&self, out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
        out(&(self.text.len() as u64).to_le_bytes())?;
        let mut buf = Vec::with_capacity(1 << 16);
        for it in &self.items {
            it.write_to(&mut buf);
            if buf.len() >= 1 << 16 {
                out(&buf)?;
                buf.clear();
            }
        }
        out(&buf)?;
        out(self.text.as_bytes())
    }

    /// The data of `n` records as [`Self::write_to`] wrote it, read from `r`, for a catalog
    /// whose arena has `arena` bytes: `None` when it is short, its text is not UTF-8 or a
    /// range lies outside its arena.
    pub fn read_from(
        r: &mut impl FnMut(usize) -> Option<Vec<u8>>,
        n: usize,
        arena: usize,
    ) -> Option<SearchData> {
        let len = r(8)?;
        let text_len = usize::try_from(u64::from_le_bytes(len.as_slice().try_into().ok()?)).ok()?;
        let mut items = Vec::with_capacity(n.min(1 << 24));
        // in pieces, so that a file's bytes are never held twice
        let per = (1 << 20) / ITEM_BYTES;
        let mut left = n;
        while left > 0 {
            let k = left.min(per);
            let b = r(k.checked_mul(ITEM_BYTES)?)?;
            items.extend(b.chunks_exact(ITEM_BYTES).filter_map(Item::read_from));
            left -= k;
        }
        let text = String::from_utf8(r(text_len)?).ok()?;
        let d = SearchData { items, text };
        (d.items.len() == n && d.items.iter().all(|it| it.fits(arena, d.text.len()))).then_some(d)
    }
}
