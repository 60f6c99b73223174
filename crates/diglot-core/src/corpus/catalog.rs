//! The compact per-article catalog: what the list, the search and the subcommands need of
//! every file of a collection, as fixed-size records ([`Rec`]) and one string arena, the
//! articles addressed by `u32` ids. It is the payload of the index file as it is read (see
//! [`super::index`]), and the list of the reader (ids into it, not copies).
//!
//! Accessors return `&str` or a borrowed [`ArticleRef`]; an [`ArticleMeta`] is built only
//! where an owned value is needed ([`ArticleRef::to_meta`]). A record read from a file is
//! never trusted: every string is bounds-checked when it is read and is `""` when its
//! offsets are wrong (or not UTF-8), never a panic.

use super::model::{ArticleMeta, Date, Diagnostic, Severity};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The strings of a record, in the order they are stored in the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Field {
    /// The path relative to the record's root (bytes, perhaps not UTF-8).
    Rel = 0,
    /// The English title; for a skipped file, why it was skipped.
    TitleEn = 1,
    /// The Chinese title.
    TitleZh = 2,
    /// The Chinese subtitle.
    SubtitleZh = 3,
    /// English authors, one per line.
    AuthorsEn = 4,
    /// Chinese authors, one per line.
    AuthorsZh = 5,
    /// The section.
    Section = 6,
    /// The English column.
    ColumnEn = 7,
    /// The Chinese column.
    ColumnZh = 8,
    /// The diagnostics (binary: per diagnostic `line: u32`, `error: u8`, `len: u32`, text).
    Diags = 9,
}

/// Number of strings per record.
pub const FIELDS: usize = 10;

/// A record's root when its path is stored whole (not relative to a root).
pub const NO_ROOT: u32 = 0x7FFF_FFFF;
/// The root word's bit that marks a skipped file (not an article).
const SKIPPED: u32 = 0x8000_0000;

/// One file's fixed-size record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rec {
    /// `YYYYMMDD`, 0 when unknown.
    pub date: u32,
    /// The page, `u32::MAX` when unknown.
    pub page: u32,
    /// The root (index into the catalog's roots, or [`NO_ROOT`]), the top bit set for a
    /// skipped file.
    pub root: u32,
    /// Warnings (low 16 bits) and errors (high 16 bits), each capped at 65,535.
    pub counts: u32,
    /// The file's size in bytes.
    pub size: u64,
    /// Where each string starts in the arena; `bounds[FIELDS]` is where the last one ends.
    pub bounds: [u32; FIELDS + 1],
}

/// Bytes of a record in the index file.
pub const REC_BYTES: usize = 4 * 4 + 8 + 4 * (FIELDS + 1);

impl Rec {
    /// The record as stored (little-endian).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.date.to_le_bytes());
        out.extend_from_slice(&self.page.to_le_bytes());
        out.extend_from_slice(&self.root.to_le_bytes());
        out.extend_from_slice(&self.counts.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        for b in self.bounds {
            out.extend_from_slice(&b.to_le_bytes());
        }
    }

    /// A record from its stored bytes (`None` when there are fewer than [`REC_BYTES`]).
    pub fn read_from(b: &[u8]) -> Option<Rec> {
        let mut r = Reader(b);
        let mut rec = Rec {
            date: r.u32()?,
            page: r.u32()?,
            root: r.u32()?,
            counts: r.u32()?,
            size: r.u64()?,
            bounds: [0; FIELDS + 1],
        };
        for slot in &mut rec.bounds {
            *slot = r.u32()?;
        }
        Some(rec)
    }

    /// Whether the record is a skipped file (not an article).
    pub fn is_skipped(&self) -> bool {
        self.root & SKIPPED != 0
    }

    /// The root index (without the skipped bit).
    pub fn root(&self) -> u32 {
        self.root & !SKIPPED
    }

    /// The date, if known and valid.
    pub fn date(&self) -> Option<Date> {
        date_of(self.date)
    }

    /// The page, if known.
    pub fn page(&self) -> Option<u32> {
        (self.page != u32::MAX).then_some(self.page)
    }

    /// Warnings and errors.
    pub fn counts(&self) -> (u32, u32) {
        (self.counts & 0xFFFF, self.counts >> 16)
    }

    /// The collection order: skipped files last, then date and page (unknown last). Ties
    /// are broken by path.
    pub fn order_key(&self) -> (bool, bool, u32, bool, u32) {
        if self.is_skipped() {
            return (true, true, 0, true, 0);
        }
        (
            false,
            self.date == 0,
            self.date,
            self.page == u32::MAX,
            if self.page == u32::MAX { 0 } else { self.page },
        )
    }
}

/// A `YYYYMMDD` number as a date (`None` for 0 or an impossible date).
pub fn date_of(n: u32) -> Option<Date> {
    (n != 0)
        .then_some(Date { year: (n / 10_000) as u16, month: (n / 100 % 100) as u8, day: (n % 100) as u8 })
        .filter(|d| (1..=12).contains(&d.month) && d.day >= 1 && d.day <= d.days_in_month())
}

/// A date as a `YYYYMMDD` number (0 for none).
pub fn date_number(d: Option<Date>) -> u32 {
    d.map_or(0, |d| u32::from(d.year) * 10_000 + u32::from(d.month) * 100 + u32::from(d.day))
}

/// Little-endian reads off the front of a byte slice.
pub(crate) struct Reader<'a>(pub(crate) &'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.take(4)?.try_into().ok().map(u32::from_le_bytes)
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.take(8)?.try_into().ok().map(u64::from_le_bytes)
    }
    pub(crate) fn i128(&mut self) -> Option<i128> {
        self.take(16)?.try_into().ok().map(i128::from_le_bytes)
    }
}

/// The catalog: records and their strings, and the roots their paths are relative to.
#[derive(Clone, Default)]
pub struct Catalog {
    roots: Vec<PathBuf>,
    recs: Vec<Rec>,
    arena: Vec<u8>,
    /// The title search's data of these records, when it was read with them (from the
    /// title index); dropped when a record is added.
    search: Option<std::sync::Arc<crate::search::SearchData>>,
}

/// The same records and strings (the search data is derived from them, and left out).
impl PartialEq for Catalog {
    fn eq(&self, other: &Self) -> bool {
        self.roots == other.roots && self.recs == other.recs && self.arena == other.arena
    }
}

impl Eq for Catalog {}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("roots", &self.roots)
            .field("records", &self.recs.len())
            .field("arena", &self.arena.len())
            .finish()
    }
}

/// What a record's strings are made from when it is appended.
pub struct Strings<'a> {
    /// The path (relative to the root, or whole with [`NO_ROOT`]).
    pub rel: &'a [u8],
    /// Each other field, in [`Field`] order from `TitleEn` to `ColumnZh`.
    pub text: [Cow<'a, str>; 8],
    /// The diagnostics.
    pub diags: &'a [Diagnostic],
}

impl Catalog {
    /// An empty catalog whose paths are relative to `roots`.
    pub fn new(roots: Vec<PathBuf>) -> Catalog {
        Catalog { roots, ..Catalog::default() }
    }

    /// A catalog from its parts (as read from an index file). Nothing is checked here:
    /// every access is.
    pub fn from_parts(roots: Vec<PathBuf>, recs: Vec<Rec>, arena: Vec<u8>) -> Catalog {
        Catalog { roots, recs, arena, search: None }
    }

    /// The title search's data of the records, if it was read with them.
    pub fn search_data(&self) -> Option<&std::sync::Arc<crate::search::SearchData>> {
        self.search.as_ref()
    }

    /// Attaches the title search's data of the records (made for them: it is checked again
    /// where it is used).
    pub fn set_search_data(&mut self, data: Option<std::sync::Arc<crate::search::SearchData>>) {
        self.search = data;
    }

    /// The roots the paths are relative to.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Replaces the roots (the same folders, as the user typed them).
    pub fn set_roots(&mut self, roots: Vec<PathBuf>) {
        self.roots = roots;
    }

    /// Number of records (articles and skipped files).
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// Every record.
    pub fn recs(&self) -> &[Rec] {
        &self.recs
    }

    /// The arena of strings.
    pub fn arena(&self) -> &[u8] {
        &self.arena
    }

    /// Record `id`.
    pub fn rec(&self, id: u32) -> Option<&Rec> {
        self.recs.get(id as usize)
    }

    /// The bytes of a field of record `id` (empty when out of range).
    pub fn bytes(&self, id: u32, f: Field) -> &[u8] {
        let Some(r) = self.rec(id) else { return &[] };
        let (Some(&a), Some(&b)) = (r.bounds.get(f as usize), r.bounds.get(f as usize + 1)) else {
            return &[];
        };
        self.arena.get(a as usize..b as usize).unwrap_or_default()
    }

    /// A text field of record `id` (`""` when out of range or not UTF-8).
    pub fn str(&self, id: u32, f: Field) -> &str {
        std::str::from_utf8(self.bytes(id, f)).unwrap_or("")
    }

    /// Appends a record; returns its id. Strings longer than the arena can address are cut
    /// (an arena over 4 GiB: more than ten times the whole archive).
    pub fn push(&mut self, mut rec: Rec, s: &Strings<'_>) -> u32 {
        self.search = None;
        let id = self.recs.len() as u32;
        let at = |arena: &mut Vec<u8>, bytes: &[u8]| {
            let room = (u32::MAX as usize).saturating_sub(arena.len());
            arena.extend_from_slice(bytes.get(..bytes.len().min(room)).unwrap_or_default());
            arena.len() as u32
        };
        let start = self.arena.len().min(u32::MAX as usize) as u32;
        rec.bounds[0] = start;
        rec.bounds[1] = at(&mut self.arena, s.rel);
        for (k, t) in s.text.iter().enumerate() {
            if let Some(slot) = rec.bounds.get_mut(k + 2) {
                *slot = at(&mut self.arena, t.as_bytes());
            }
        }
        let mut d = Vec::new();
        encode_diags(s.diags, &mut d);
        rec.bounds[FIELDS] = at(&mut self.arena, &d);
        self.recs.push(rec);
        id
    }

    /// Appends an article; returns its id. The path is stored whole.
    pub fn push_meta(&mut self, m: &ArticleMeta, diags: &[Diagnostic]) -> u32 {
        let path = super::index::path_key(&m.path);
        self.push_article(NO_ROOT, &path, m, diags)
    }

    /// Appends an article under `root` at `rel`; returns its id.
    pub fn push_article(&mut self, root: u32, rel: &[u8], m: &ArticleMeta, diags: &[Diagnostic]) -> u32 {
        let (warnings, errors) = diags.iter().fold((0u32, 0u32), |(w, e), d| match d.severity {
            Severity::Warning => (w + 1, e),
            Severity::Error => (w, e + 1),
        });
        let rec = Rec {
            date: date_number(m.date),
            page: m.page.unwrap_or(u32::MAX),
            root: root & !SKIPPED,
            counts: warnings.min(0xFFFF) | (errors.min(0xFFFF) << 16),
            size: m.size,
            bounds: [0; FIELDS + 1],
        };
        let text = [
            Cow::Borrowed(m.title_en.as_str()),
            Cow::Borrowed(m.title_zh.as_str()),
            Cow::Borrowed(m.subtitle_zh.as_str()),
            joined(&m.authors_en),
            joined(&m.authors_zh),
            Cow::Borrowed(m.section.as_str()),
            Cow::Borrowed(m.column_en.as_str()),
            Cow::Borrowed(m.column_zh.as_str()),
        ];
        self.push(rec, &Strings { rel, text, diags })
    }

    /// Appends a skipped file; returns its id.
    pub fn push_skipped(&mut self, root: u32, rel: &[u8], size: u64, why: &str) -> u32 {
        let rec = Rec { root: root | SKIPPED, page: u32::MAX, size, ..Rec::default() };
        let e = || Cow::Borrowed("");
        let text = [Cow::Borrowed(why), e(), e(), e(), e(), e(), e(), e()];
        self.push(rec, &Strings { rel, text, diags: &[] })
    }

    /// Makes room for `records` more records and `bytes` more string bytes (a load that knows
    /// how many files are coming: the vectors do not grow by doubling, which holds the old and
    /// the new block at once).
    pub fn reserve(&mut self, records: usize, bytes: usize) {
        self.recs.reserve(records);
        self.arena.reserve(bytes);
    }

    /// Puts the records in the order of `ids` (record `k` becomes the record that was
    /// `ids[k]`; ids out of range are left out). Their strings stay where they are in the
    /// arena (a record says where its strings are): nothing is copied but the records. The
    /// search data, if any, is dropped (see [`crate::search::SearchData`]'s `permuted`).
    pub fn permute(&mut self, ids: &[u32]) {
        permute(&mut self.recs, ids);
        self.search = None;
    }

    /// Appends record `id` of `other` (its strings copied); returns the new id.
    pub fn push_from(&mut self, other: &Catalog, id: u32) -> Option<u32> {
        let rec = *other.rec(id)?;
        let text = [
            Field::TitleEn,
            Field::TitleZh,
            Field::SubtitleZh,
            Field::AuthorsEn,
            Field::AuthorsZh,
            Field::Section,
            Field::ColumnEn,
            Field::ColumnZh,
        ]
        .map(|f| Cow::Borrowed(other.str(id, f)));
        let diags = other.diagnostics(id);
        Some(self.push(rec, &Strings { rel: other.bytes(id, Field::Rel), text, diags: &diags }))
    }

    /// Appends record `id` of `other` as it is: its strings, which lie back to back in
    /// `other`'s arena, copied in one piece and its bounds moved with them (no string looked
    /// at, no diagnostic decoded: a loader's batch appended to the index and to the list).
    /// The root id is kept: `other`'s roots must be this catalog's (or the same folders).
    /// A record whose bounds are not in order is appended field by field
    /// ([`Self::push_from`]). Returns the new id.
    pub fn push_copy(&mut self, other: &Catalog, id: u32) -> Option<u32> {
        let rec = *other.rec(id)?;
        let (start, end) = (rec.bounds[0], rec.bounds[FIELDS]);
        let in_order = rec.bounds.windows(2).all(|w| matches!(w, [a, b] if a <= b));
        let at = self.arena.len();
        let bytes = other
            .arena
            .get(start as usize..end as usize)
            .filter(|b| in_order && at.checked_add(b.len()).is_some_and(|n| n <= u32::MAX as usize));
        let Some(bytes) = bytes else { return self.push_from(other, id) };
        self.search = None;
        let new = self.recs.len() as u32;
        self.arena.extend_from_slice(bytes);
        let mut rec = rec;
        for b in &mut rec.bounds {
            // within `start..=end` (in order), and `at + (end - start)` fits in a u32
            *b = (*b - start) + at as u32;
        }
        self.recs.push(rec);
        Some(new)
    }

    /// Appends every record of `other` ([`Self::push_copy`]), in its order; returns the
    /// first new id.
    pub fn append(&mut self, other: &Catalog) -> u32 {
        let first = self.recs.len() as u32;
        self.recs.reserve(other.len());
        self.arena.reserve(other.arena.len());
        for id in 0..other.len() as u32 {
            self.push_copy(other, id);
        }
        first
    }

    /// The article `id` (`None` when out of range or a skipped file).
    pub fn article(&self, id: u32) -> Option<ArticleRef<'_>> {
        self.rec(id).filter(|r| !r.is_skipped()).map(|_| ArticleRef { cat: self, id })
    }

    /// The diagnostics of record `id`.
    pub fn diagnostics(&self, id: u32) -> Vec<Diagnostic> {
        decode_diags(self.bytes(id, Field::Diags))
    }

    /// The path of record `id` (under its root as the catalog's roots give it).
    pub fn path(&self, id: u32) -> PathBuf {
        let rel = self.bytes(id, Field::Rel);
        match self.rec(id).and_then(|r| self.roots.get(r.root() as usize)) {
            Some(root) => join_rel(root, rel),
            None => super::index::bytes_path(rel),
        }
    }

    /// Whether record `id`'s path is `path` (without building it).
    pub fn path_is(&self, id: u32, path: &Path) -> bool {
        let rel = self.bytes(id, Field::Rel);
        let want = super::index::path_key(path);
        match self.rec(id).and_then(|r| self.roots.get(r.root() as usize)) {
            None => *want == *rel,
            Some(root) => {
                if rel.is_empty() {
                    return root == path;
                }
                let r = super::index::path_key(root);
                let Some(rest) = want.strip_prefix(&*r) else { return join_rel(root, rel) == path };
                let rest = if r.ends_with(b"/") { rest } else { rest.strip_prefix(b"/").unwrap_or(b"\0") };
                rest == rel
            }
        }
    }

    /// The collection order of two records: date (unknown last), page (unknown last), path.
    pub fn order(&self, a: u32, b: u32) -> std::cmp::Ordering {
        let (Some(ra), Some(rb)) = (self.rec(a), self.rec(b)) else { return a.cmp(&b) };
        ra.order_key().cmp(&rb.order_key()).then_with(|| self.path_cmp(a, b))
    }

    fn path_cmp(&self, a: u32, b: u32) -> std::cmp::Ordering {
        let same_root = self.rec(a).map(Rec::root) == self.rec(b).map(Rec::root);
        if same_root {
            // the same prefix: comparing the relative paths compares the paths
            let (pa, pb) = (self.bytes(a, Field::Rel), self.bytes(b, Field::Rel));
            rel_cmp(pa, pb)
        } else {
            self.path(a).cmp(&self.path(b))
        }
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.recs.capacity() * std::mem::size_of::<Rec>() + self.arena.capacity()
    }
}

/// Puts `v` in the order of `ids`: afterwards `v[k]` is what `v[ids[k]]` was. In place (each
/// cycle of the permutation followed once; a flag per element besides) when `ids` is a
/// permutation of `0..v.len()`; otherwise the elements `ids` names, copied.
pub(crate) fn permute<T: Copy>(v: &mut Vec<T>, ids: &[u32]) {
    let n = v.len();
    let mut done = vec![false; n];
    let is_perm = ids.len() == n
        && ids.iter().all(|&i| done.get_mut(i as usize).is_some_and(|d| !std::mem::replace(d, true)));
    if !is_perm {
        *v = ids.iter().filter_map(|&i| v.get(i as usize).copied()).collect();
        return;
    }
    done.fill(false);
    for start in 0..n {
        if done.get(start).is_none_or(|&d| d) {
            continue;
        }
        let Some(&first) = v.get(start) else { continue };
        let mut j = start;
        loop {
            if let Some(d) = done.get_mut(j) {
                *d = true;
            }
            let src = ids.get(j).map_or(start, |&i| i as usize);
            let moved = if src == start { Some(first) } else { v.get(src).copied() };
            if let (Some(m), Some(slot)) = (moved, v.get_mut(j)) {
                *slot = m;
            }
            if src == start {
                break;
            }
            j = src;
        }
    }
}

/// Names one a line, as the catalog stores them: borrowed when there is at most one (no
/// string made for each article pushed; most have one author or none).
fn joined(names: &[String]) -> Cow<'_, str> {
    match names {
        [] => Cow::Borrowed(""),
        [one] => Cow::Borrowed(one.as_str()),
        _ => Cow::Owned(names.join("\n")),
    }
}

/// Two relative paths in `Path`'s order (component by component), without building them
/// when they are plain (no `.` or `..` component, no doubled or leading `/`): the list's
/// order compares the paths of articles of the same day and page, 430,000 times at a warm
/// open. Two absolute paths (the catalog of the articles parsed in a session holds whole
/// paths: a cold open's list compares them) are compared after their common root the same way.
pub fn rel_cmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    rel_cmp_known(a, plain_path(a), b, plain_path(b))
}

/// Whether [`rel_cmp`] may compare `p` by its bytes: after its leading `/` (an absolute
/// path), no leading `/` or `.`, and no `/` followed by `/` or `.`. A scan of the path, which
/// a sort makes once per path with [`rel_cmp_known`] instead of once per comparison.
pub fn plain_path(p: &[u8]) -> bool {
    let x = p.strip_prefix(b"/").unwrap_or(p);
    !x.starts_with(b"/")
        && !x.starts_with(b".")
        && memchr::memchr_iter(b'/', x).all(|i| !matches!(x.get(i + 1), Some(b'/' | b'.')))
}

/// [`rel_cmp`] of two paths whose [`plain_path`] is known (`pa`, `pb`): the same order.
pub fn rel_cmp_known(a: &[u8], pa: bool, b: &[u8], pb: bool) -> std::cmp::Ordering {
    // both absolute: the root is their first component, equal; the rest decides (one
    // absolute and one not: the absolute one, its `/` kept, is not plain)
    let (x, y, plain) = match (a.strip_prefix(b"/"), b.strip_prefix(b"/")) {
        (Some(x), Some(y)) => (x, y, pa && pb),
        (None, None) => (a, b, pa && pb),
        _ => (a, b, false),
    };
    if !plain {
        return super::index::bytes_path(a).cmp(&super::index::bytes_path(b));
    }
    if x.ends_with(b"/") || y.ends_with(b"/") {
        // a trailing `/` is no component: split
        let parts = |p| <[u8]>::split(p, |&c| c == b'/').filter(|c| !c.is_empty());
        return parts(x).cmp(parts(y));
    }
    // components joined by a separator that sorts below every byte of a name compare as
    // their lists do: the bytes, with `/` taken as the lowest
    match x.iter().zip(y).position(|(p, q)| p != q) {
        None => x.len().cmp(&y.len()),
        Some(i) => {
            let key = |c: Option<&u8>| c.map(|&c| if c == b'/' { 0 } else { u16::from(c) + 1 });
            key(x.get(i)).cmp(&key(y.get(i)))
        }
    }
}

/// `root`/`rel` as the walk makes it.
pub fn join_rel(root: &Path, rel: &[u8]) -> PathBuf {
    if rel.is_empty() {
        return root.to_path_buf();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        let r = root.as_os_str().as_bytes();
        if rel.first() != Some(&b'/') {
            let mut v = Vec::with_capacity(r.len() + 1 + rel.len());
            v.extend_from_slice(r);
            if !r.is_empty() && !r.ends_with(b"/") {
                v.push(b'/');
            }
            v.extend_from_slice(rel);
            return PathBuf::from(std::ffi::OsString::from_vec(v));
        }
    }
    root.join(super::index::bytes_path(rel))
}

fn encode_diags(diags: &[Diagnostic], out: &mut Vec<u8>) {
    for d in diags {
        out.extend_from_slice(&u32::try_from(d.line).unwrap_or(u32::MAX).to_le_bytes());
        out.push(u8::from(d.severity == Severity::Error));
        let m = d.message.as_bytes();
        let m = m.get(..m.len().min(u16::MAX as usize)).unwrap_or_default();
        out.extend_from_slice(&(m.len() as u32).to_le_bytes());
        out.extend_from_slice(m);
    }
}

fn decode_diags(b: &[u8]) -> Vec<Diagnostic> {
    let mut r = Reader(b);
    let mut out = Vec::new();
    while !r.0.is_empty() {
        let (Some(line), Some(err), Some(len)) = (r.u32(), r.take(1), r.u32()) else { break };
        let Some(msg) = r.take(len as usize) else { break };
        out.push(Diagnostic {
            line: line as usize,
            severity: if err.first() == Some(&1) { Severity::Error } else { Severity::Warning },
            message: String::from_utf8_lossy(msg).into_owned(),
        });
    }
    out
}

/// One article of a catalog, borrowed: what [`ArticleMeta`] gives, without owning it.
#[derive(Clone, Copy)]
pub struct ArticleRef<'a> {
    cat: &'a Catalog,
    id: u32,
}

impl std::fmt::Debug for ArticleRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArticleRef").field("id", &self.id).field("path", &self.path()).finish()
    }
}

impl<'a> ArticleRef<'a> {
    /// The id in its catalog.
    pub fn id(&self) -> u32 {
        self.id
    }
    fn rec(&self) -> Rec {
        self.cat.rec(self.id).copied().unwrap_or_default()
    }
    /// The path.
    pub fn path(&self) -> PathBuf {
        self.cat.path(self.id)
    }
    /// Whether the path is `p`.
    pub fn path_is(&self, p: &Path) -> bool {
        self.cat.path_is(self.id, p)
    }
    /// The English title.
    pub fn title_en(&self) -> &'a str {
        self.cat.str(self.id, Field::TitleEn)
    }
    /// The Chinese title (without the subtitle).
    pub fn title_zh(&self) -> &'a str {
        self.cat.str(self.id, Field::TitleZh)
    }
    /// The Chinese subtitle.
    pub fn subtitle_zh(&self) -> &'a str {
        self.cat.str(self.id, Field::SubtitleZh)
    }
    /// The English authors.
    pub fn authors_en(&self) -> impl Iterator<Item = &'a str> {
        lines(self.cat.str(self.id, Field::AuthorsEn))
    }
    /// The Chinese authors.
    pub fn authors_zh(&self) -> impl Iterator<Item = &'a str> {
        lines(self.cat.str(self.id, Field::AuthorsZh))
    }
    /// The section.
    pub fn section(&self) -> &'a str {
        self.cat.str(self.id, Field::Section)
    }
    /// The English column.
    pub fn column_en(&self) -> &'a str {
        self.cat.str(self.id, Field::ColumnEn)
    }
    /// The Chinese column.
    pub fn column_zh(&self) -> &'a str {
        self.cat.str(self.id, Field::ColumnZh)
    }
    /// The date.
    pub fn date(&self) -> Option<Date> {
        self.rec().date()
    }
    /// The page.
    pub fn page(&self) -> Option<u32> {
        self.rec().page()
    }
    /// The file's size.
    pub fn size(&self) -> u64 {
        self.rec().size
    }
    /// The diagnostics.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.cat.diagnostics(self.id)
    }
    /// The Chinese title with its subtitle, as one line.
    pub fn title_zh_full(&self) -> Cow<'a, str> {
        let (t, s) = (self.title_zh(), self.subtitle_zh());
        if s.is_empty() {
            Cow::Borrowed(t)
        } else {
            Cow::Owned(format!("{t} {s}"))
        }
    }
    /// The date as `YYYY-MM-DD`, or `????-??-??`.
    pub fn date_string(&self) -> String {
        self.date().map_or_else(|| "????-??-??".to_string(), |d| d.to_string())
    }
    /// The page as digits, or `?`.
    pub fn page_string(&self) -> String {
        self.page().map_or_else(|| "?".to_string(), |p| p.to_string())
    }
    /// See [`ArticleMeta::date_page_key`].
    pub fn date_page_key(&self) -> u64 {
        let r = self.rec();
        let date = if r.date().is_some() { u64::from(r.date) } else { 99_999_999 };
        date * 1000 + u64::from(r.page().unwrap_or(999).min(999))
    }
    /// An owned copy, for what needs one (JSON, export).
    pub fn to_meta(&self) -> ArticleMeta {
        ArticleMeta {
            path: self.path(),
            title_en: self.title_en().to_string(),
            title_zh: self.title_zh().to_string(),
            subtitle_zh: self.subtitle_zh().to_string(),
            authors_en: self.authors_en().map(str::to_string).collect(),
            authors_zh: self.authors_zh().map(str::to_string).collect(),
            date: self.date(),
            page: self.page(),
            section: self.section().to_string(),
            column_en: self.column_en().to_string(),
            column_zh: self.column_zh().to_string(),
            size: self.size(),
        }
    }
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.split('\n').filter(|l| !l.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn permuting_in_place_gives_what_picking_gives() {
        let orders: Vec<Vec<u32>> = vec![
            vec![],
            vec![0],
            vec![1, 0],
            vec![2, 0, 1],
            vec![3, 4, 0, 1, 2, 5],
            vec![7, 3, 5, 0, 6, 1, 2, 4],
            (0..1000).rev().collect(),
            (0..1000u32).map(|k| (k * 7919) % 1000).collect(),
            // not permutations: the elements named, copied
            vec![0, 0, 1],
            vec![5, 1],
            vec![2, 1],
        ];
        for ids in orders {
            let n = ids.iter().map(|&i| i as usize + 1).max().unwrap_or(0).max(ids.len());
            let v: Vec<u64> = (0..n as u64).map(|k| k * 10 + 1).collect();
            let want: Vec<u64> = ids.iter().filter_map(|&i| v.get(i as usize).copied()).collect();
            let mut got = v.clone();
            permute(&mut got, &ids);
            assert_eq!(got, want, "{ids:?}");
        }
    }

    fn meta(k: u32) -> ArticleMeta {
        ArticleMeta {
            path: PathBuf::from(format!("/c/rmrb/1958.08/1958-08-0{k}_标题.md")),
            title_en: format!("Title {k}"),
            title_zh: "人民公社好".into(),
            subtitle_zh: if k.is_multiple_of(2) { "副题".into() } else { String::new() },
            authors_en: vec!["Zhang San".into(), "Li Si".into()],
            authors_zh: vec!["张三".into()],
            date: Date::parse(&format!("1958-08-0{k}")),
            page: (!k.is_multiple_of(3)).then_some(k),
            section: "要闻".into(),
            column_en: String::new(),
            column_zh: "专栏".into(),
            size: 1000 + u64::from(k),
        }
    }

    #[test]
    fn articles_come_back_as_they_went_in() {
        let mut c = Catalog::new(vec![PathBuf::from("/c")]);
        for k in 1..=6 {
            let diags =
                vec![Diagnostic::warning(k as usize, format!("odd {k}")), Diagnostic::error(0, "bad")];
            let id = c.push_meta(&meta(k), &diags);
            let a = c.article(id).unwrap();
            assert_eq!(a.to_meta(), meta(k));
            assert_eq!(a.diagnostics(), diags);
            assert_eq!(c.rec(id).unwrap().counts(), (1, 1));
            assert!(a.path_is(&meta(k).path));
            assert!(!a.path_is(Path::new("/c/other.md")));
        }
        let s = c.push_skipped(0, b"README.md", 9, "README");
        assert!(c.article(s).is_none());
        assert_eq!(c.path(s), PathBuf::from("/c/README.md"));
        assert!(c.path_is(s, Path::new("/c/README.md")));
        assert_eq!(c.str(s, Field::TitleEn), "README");
        // the order: date, then unknown pages last
        assert!(c.order(0, 1).is_lt());
        assert!(c.order(s, 0).is_gt(), "skipped files last");
    }

    proptest::proptest! {
        /// The order of paths whose plainness a sort checked once is `rel_cmp`'s.
        #[test]
        fn known_plainness_compares_as_rel_cmp(a in "/?[a./-]{0,8}", b in "/?[a./-]{0,8}") {
            let (a, b) = (a.as_bytes(), b.as_bytes());
            let want = super::super::index::bytes_path(a).cmp(&super::super::index::bytes_path(b));
            proptest::prop_assert_eq!(rel_cmp_known(a, plain_path(a), b, plain_path(b)), want);
        }

        /// The paths' order without building them is `Path`'s.
        #[test]
        fn relative_paths_compare_as_paths(a in "[a./-]{0,8}", b in "[a./-]{0,8}") {
            let want = super::super::index::bytes_path(a.as_bytes()).cmp(&super::super::index::bytes_path(b.as_bytes()));
            proptest::prop_assert_eq!(rel_cmp(a.as_bytes(), b.as_bytes()), want);
        }

        /// Plain paths of several components (names with bytes below and above `/`).
        #[test]
        fn plain_paths_compare_as_paths(a in "/?([a-c.-]{1,3}/){0,3}[a-c.-]{0,3}", b in "/?([a-c.-]{1,3}/){0,3}[a-c.-]{0,3}") {
            let want = super::super::index::bytes_path(a.as_bytes()).cmp(&super::super::index::bytes_path(b.as_bytes()));
            proptest::prop_assert_eq!(rel_cmp(a.as_bytes(), b.as_bytes()), want);
        }

        /// Absolute paths (a session's catalog holds them whole) too, and one absolute
        /// against one relative.
        #[test]
        fn absolute_paths_compare_as_paths(a in "/[a./-]{0,8}", b in "/?[a./-]{0,8}") {
            let want = super::super::index::bytes_path(a.as_bytes()).cmp(&super::super::index::bytes_path(b.as_bytes()));
            proptest::prop_assert_eq!(rel_cmp(a.as_bytes(), b.as_bytes()), want);
            let back = super::super::index::bytes_path(b.as_bytes()).cmp(&super::super::index::bytes_path(a.as_bytes()));
            proptest::prop_assert_eq!(rel_cmp(b.as_bytes(), a.as_bytes()), back);
        }
    }

    #[test]
    fn any_number_of_authors_comes_back() {
        let mut c = Catalog::new(Vec::new());
        let names = ["Zhang San", "Li Si", "Wang Wu"];
        for n in 0..=names.len() {
            let m = ArticleMeta {
                path: format!("/c/{n}.md").into(),
                authors_en: names[..n].iter().map(|s| s.to_string()).collect(),
                authors_zh: names[..names.len() - n].iter().map(|s| s.to_string()).collect(),
                ..ArticleMeta::default()
            };
            let id = c.push_meta(&m, &[]);
            assert_eq!(c.article(id).unwrap().to_meta(), m, "{n} authors");
        }
    }

    #[test]
    fn bad_offsets_give_empty_strings_never_a_panic() {
        let mut c = Catalog::new(Vec::new());
        let id = c.push_meta(&meta(1), &[]);
        let mut recs = c.recs().to_vec();
        recs[0].bounds = [u32::MAX, 3, 1, 0, u32::MAX, 7, 9, 2, 1_000_000, 4, 5];
        let bad = Catalog::from_parts(vec![PathBuf::from("/r")], recs, c.arena().to_vec());
        let a = bad.article(id).unwrap();
        let _ = (a.path(), a.title_en(), a.title_zh(), a.subtitle_zh(), a.section(), a.diagnostics());
        assert_eq!(a.title_en(), "");
        assert!(bad.article(5).is_none());
        assert_eq!(bad.str(7, Field::TitleEn), "");
        assert!(decode_diags(&[1, 0, 0, 0, 1, 200, 0, 0, 0, b'x']).is_empty());
    }

    use crate::corpus::index::{self as ix, Entry, Index, IndexError, Parts, Stamp, HEADER_LEN, VERSION};

    fn small_index() -> (Index, Vec<PathBuf>) {
        let roots = vec![PathBuf::from("/c")];
        let mut index = Index::new(&roots, 42);
        for k in 1..=4u32 {
            let mut m = meta(k);
            m.path = PathBuf::new();
            let stamp = Stamp { size: m.size, mtime_ns: i128::from(k), ctime_ns: 7, ino: u64::from(k) };
            let diags = [Diagnostic::warning(3, "w")];
            let rel = format!("rmrb/{k}.md");
            index.push_entry(&Entry::from_meta(0, Path::new(&rel), stamp, &m, &diags, Parts::default()));
        }
        index.push_entry(&Entry::skipped(0, Path::new("README.md"), Stamp::default(), "README"));
        (index, roots)
    }

    /// The payload's arena starts after the records, stamps and parts: where record 0's
    /// first bound is stored.
    fn first_bound_at() -> usize {
        let roots: usize = 4 + 2; // one root, "/c"
        HEADER_LEN + 8 + 16 + 4 + 4 + 8 + roots + 4 * 4 + 8
    }

    fn reseal(bytes: &mut [u8]) {
        let sum = ix::checksum(&bytes[HEADER_LEN..]);
        bytes[24..32].copy_from_slice(&sum.to_le_bytes());
    }

    #[test]
    fn an_index_round_trips_through_its_bytes() {
        let (index, roots) = small_index();
        let bytes = index.encode();
        let back = Index::decode(&bytes, &roots).unwrap();
        assert_eq!(back, index);
        assert_eq!(back.entries(), index.entries());
        assert_eq!(back.len(), 5);
        let a = back.catalog().article(2).unwrap();
        assert_eq!(a.title_en(), "Title 3");
        assert_eq!(back.stamps()[2].ino, 3);
        assert!(back.catalog().article(4).is_none(), "the skipped file");
    }

    #[test]
    fn an_index_with_offsets_out_of_range_is_refused_even_with_a_good_checksum() {
        let (index, roots) = small_index();
        let mut bytes = index.encode();
        let at = first_bound_at() + 4 * FIELDS; // record 0's last bound
        bytes[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        reseal(&mut bytes);
        assert!(matches!(Index::decode(&bytes, &roots), Err(IndexError::Corrupt(_))));
        // a record count larger than the file
        let mut bytes = index.encode();
        let n_at = HEADER_LEN + 8 + 16 + 4;
        bytes[n_at..n_at + 4].copy_from_slice(&1_000_000u32.to_le_bytes());
        reseal(&mut bytes);
        assert!(matches!(Index::decode(&bytes, &roots), Err(IndexError::Corrupt(_))));
        // every truncation is refused, none panics
        let bytes = index.encode();
        for n in (0..bytes.len()).step_by(7) {
            assert!(Index::decode(&bytes[..n], &roots).is_err(), "truncated at {n}");
        }
    }

    #[test]
    fn an_index_of_the_previous_version_is_refused_for_its_version() {
        // version 2: a postcard payload behind the same header
        let (index, roots) = small_index();
        let mut bytes = index.encode();
        bytes[8..12].copy_from_slice(&2u32.to_le_bytes());
        assert!(matches!(Index::decode(&bytes, &roots), Err(IndexError::Version(2))));
        // version 3: the same layout without the search data
        bytes[8..12].copy_from_slice(&3u32.to_le_bytes());
        assert!(matches!(Index::decode(&bytes, &roots), Err(IndexError::Version(3))));
        // version 4: the same layout, checksummed in one chain
        bytes[8..12].copy_from_slice(&4u32.to_le_bytes());
        assert!(matches!(Index::decode(&bytes, &roots), Err(IndexError::Version(4))));
        assert_eq!(VERSION, 5);
    }

    #[test]
    fn the_search_data_round_trips_with_the_index_and_is_checked() {
        let (mut index, roots) = small_index();
        let bytes = index.encode();
        let back = Index::decode(&bytes, &roots).unwrap();
        let want = crate::search::SearchData::of_catalog(index.catalog());
        assert_eq!(want.len(), 5);
        assert_eq!(back.catalog().search_data().map(|d| &**d), Some(&want));
        // read from a file, piece by piece: the same
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ix.bin");
        index.write(&file).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), bytes);
        let read = Index::read(&file, &roots).unwrap();
        assert_eq!(read, Index::decode(&bytes, &roots).unwrap());
        assert_eq!(read.catalog().search_data().map(|d| &**d), Some(&want));
        // an item of the search data pointing past the catalog's strings, resealed
        let search_at = bytes.len() - want.encoded_len();
        let mut bad = bytes.clone();
        let en_at = search_at + 8; // the first item's en_at
        bad[en_at..en_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        reseal(&mut bad);
        assert!(matches!(Index::decode(&bad, &roots), Err(IndexError::Corrupt(_))));
        // a search text that is not UTF-8, resealed
        let mut bad = bytes.clone();
        let last = bad.len() - 1;
        bad[last] = 0xFF;
        reseal(&mut bad);
        assert!(matches!(Index::decode(&bad, &roots), Err(IndexError::Corrupt(_))));
        // a damaged byte in it: the checksum
        let mut bad = bytes.clone();
        bad[search_at + 20] ^= 1;
        assert!(matches!(Index::decode(&bad, &roots), Err(IndexError::Checksum)));
        // once the index changes, its search data is made again when it is written
        let stamp = Stamp { size: 1, ..Stamp::default() };
        index.push_entry(&Entry::skipped(0, Path::new("NOTES.md"), stamp, "README"));
        let again = Index::decode(&index.encode(), &roots).unwrap();
        let data = again.catalog().search_data().unwrap();
        assert_eq!(**data, crate::search::SearchData::of_catalog(index.catalog()));
        assert_eq!(data.len(), 6);
    }

    /// A warm open (`Index::open`) decodes the catalog and the search data first and the
    /// stamps and parts after, from the same checked file: the same index as `read`.
    #[test]
    fn an_index_opened_gives_its_stamps_and_parts_after_its_catalog() {
        let (index, roots) = small_index();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ix.bin");
        index.write(&file).unwrap();
        let (opened, rest) = Index::open(&file, &roots).unwrap();
        assert_eq!(opened.catalog(), index.catalog());
        assert!(opened.catalog().search_data().is_some());
        assert!(opened.stamps().is_empty() && opened.parts_of().is_empty(), "not decoded yet");
        let (stamps, parts) = rest.stamps_and_parts();
        assert_eq!((stamps.as_slice(), parts.as_slice()), (index.stamps(), index.parts_of()));
        // the file replaced (renamed over) after it was opened: what was opened is unchanged
        let (opened2, rest2) = Index::open(&file, &roots).unwrap();
        let mut other = index.clone();
        other.push_entry(&Entry::skipped(
            0,
            Path::new("NOTES.md"),
            Stamp { size: 9, ..Stamp::default() },
            "x",
        ));
        other.write(&file).unwrap();
        assert_eq!(rest2.stamps_and_parts().0, index.stamps());
        assert_eq!(opened2.catalog(), index.catalog());
        assert_eq!(Index::read(&file, &roots).unwrap().len(), 6);
    }

    /// A damaged byte anywhere (the records, the stamps, the parts, the strings, the search
    /// data) is found before anything is used: the stamps and parts decoded after the list is
    /// sent are checked with the rest.
    #[test]
    fn a_damaged_byte_in_any_part_of_the_index_is_found_before_the_list() {
        let (index, roots) = small_index();
        let bytes = index.encode();
        let n = index.len();
        let recs = first_bound_at() - 16 - 8; // record 0's start
        let stamps = recs + n * REC_BYTES;
        let parts = stamps + n * 48;
        let arena = parts + n * 28;
        let search = bytes.len() - crate::search::SearchData::of_catalog(index.catalog()).encoded_len();
        assert!(arena < search);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ix.bin");
        for (what, at) in [
            ("records", recs + 3),
            ("stamps", stamps + 60),
            ("parts", parts + 5),
            ("strings", arena + 1),
            ("search", search + 9),
        ] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x04;
            std::fs::write(&file, &bad).unwrap();
            assert!(matches!(Index::open(&file, &roots), Err(IndexError::Checksum)), "{what}");
            assert!(matches!(Index::decode(&bad, &roots), Err(IndexError::Checksum)), "{what}");
        }
        std::fs::write(&file, &bytes).unwrap();
        assert!(Index::open(&file, &roots).is_ok());
    }

    proptest::proptest! {
        /// The checksum of a payload fed in pieces of any length (as the index is written)
        /// is the checksum of the whole (as it is read).
        #[test]
        fn the_checksum_is_the_same_in_pieces_of_any_length(
            cuts in proptest::collection::vec(1usize..200, 1..40),
            len in 0usize..3000,
        ) {
            let (index, _) = small_index();
            let mut bytes = index.encode();
            bytes.resize(len.max(HEADER_LEN), 7);
            let payload = &bytes[HEADER_LEN..];
            let mut sum = ix::StreamSum::default();
            let (mut rest, mut k) = (payload, 0);
            while !rest.is_empty() {
                let n = cuts[k % cuts.len()].min(rest.len());
                sum.feed(&rest[..n]);
                rest = &rest[n..];
                k += 1;
            }
            proptest::prop_assert_eq!(sum.finish(), ix::checksum(payload));
        }
    }

    /// Every word of a payload counts, in each lane, and so does its length.
    #[test]
    fn the_checksum_sees_any_changed_word_and_the_length() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = ix::checksum(&data);
        for at in 0..data.len() {
            let mut d = data.clone();
            d[at] ^= 0x10;
            assert_ne!(ix::checksum(&d), whole, "byte {at}");
        }
        assert_ne!(ix::checksum(&data[..999]), whole);
        let mut longer = data.clone();
        longer.push(0);
        assert_ne!(ix::checksum(&longer), whole);
    }

    proptest::proptest! {
        #[test]
        fn accessors_equal_the_parsed_meta(
            title in "[A-Za-z ,.:'-]{0,40}",
            zh in "[\\u{4e00}-\\u{4e80}]{0,12}",
            sub in "[\\u{4e00}-\\u{4e80}]{0,6}",
            author in "[A-Za-z]{1,10}",
            day in 1u8..=28,
            page in proptest::option::of(1u32..=12),
        ) {
            let page_line = page.map_or_else(|| "Page: x".to_string(), |p| format!("Page: {p}"));
            let sub_part = if sub.is_empty() { String::new() } else { format!("  {sub}") };
            let text = format!(
                "Title: {title}\nAuthor: {author}, Li\nDate: 1958-08-{day:02}\n{page_line}\n\n    Body.\n\n<hr /> \n\n\
                 Original: \n\n### {zh}{sub_part}\n张三\n1958-08-{day:02}\n第3版(要闻)\n专栏：丙\n\n    正文。\n"
            );
            let path = Path::new("/c/x.md");
            let crate::corpus::Parsed::Article(a) = crate::corpus::parse_bytes(path, text.as_bytes()) else {
                return Err(proptest::test_runner::TestCaseError::fail("not an article"));
            };
            let mut c = Catalog::new(Vec::new());
            let id = c.push_meta(&a.meta, &a.diagnostics);
            let r = c.article(id).unwrap();
            proptest::prop_assert_eq!(r.to_meta(), a.meta.clone());
            proptest::prop_assert_eq!(r.title_zh_full().into_owned(), a.meta.title_zh_full());
            proptest::prop_assert_eq!(r.date_page_key(), a.meta.date_page_key());
            proptest::prop_assert_eq!(r.diagnostics(), a.diagnostics.clone());
            // and through an index file
            let roots = vec![PathBuf::from("/c")];
            let mut index = Index::new(&roots, 0);
            let stamp = Stamp { size: a.meta.size, ..Stamp::default() };
            index.push_entry(&Entry::article(0, Path::new("x.md"), stamp, &a));
            let back = Index::decode(&index.encode(), &roots).unwrap();
            let mut cat = back.catalog().clone();
            cat.set_roots(roots);
            proptest::prop_assert_eq!(cat.article(0).unwrap().to_meta(), a.meta.clone());
        }
    }
}
