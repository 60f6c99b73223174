//! Running a query on the index: the articles that match (by date or by relevance), their
//! occurrence counts, counts by year and page, the concordance (KWIC) and timelines.
//!
//! Phrases are matched on the index's postings (positions intersected, see
//! [`super::tokens`]), so the articles found are exactly those the scan
//! ([`scan_article`]) finds. Every function takes a `cancel` closure, polled as it goes, and
//! works on an [`FtsIndex`] shared between threads (`&self`).

use super::index::{segments, FtsIndex, SegmentKind};
use super::query::{Field, Node, Phrase};
use super::tokens::{find_in, phrase_terms, units, PhraseTerm, Unit};
use crate::corpus::{self, Article, Parsed};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, SegmentReader, Term, TERMINATED};

/// One matching article.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Segment of the index and document in it (an address valid for this index reader).
    pub addr: (u32, DocId),
    /// `YYYYMMDD`, 0 when unknown.
    pub date: u32,
    /// Page, 0 when unknown.
    pub page: u32,
    /// Occurrences of the query's phrases (not the excluded ones).
    pub count: u32,
    /// BM25 relevance of those occurrences, by the article's length.
    pub score: f32,
}

/// The order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Oldest first, then page.
    #[default]
    Date,
    /// Most relevant first (BM25).
    Relevance,
}

/// The result of a query.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The matching articles, in the order asked for.
    pub hits: Vec<Hit>,
    /// Articles by year.
    pub by_year: BTreeMap<u32, usize>,
    /// Articles by page (0: unknown).
    pub by_page: BTreeMap<u32, usize>,
}

/// The title and path of a hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitInfo {
    /// The file.
    pub path: PathBuf,
    /// English title.
    pub title_en: String,
    /// Chinese title.
    pub title_zh: String,
}

type DocCounts = Vec<(DocId, u32)>;

/// The postings of one term of a phrase: the term itself, or every term that starts with the
/// character (the character alone and each bigram it begins; UTF-8 keeps them together in the
/// term dictionary, between the character's bytes and those bytes with the last one plus one).
fn term_postings(
    inv: &tantivy::InvertedIndexReader,
    field: tantivy::schema::Field,
    t: &PhraseTerm,
    opt: IndexRecordOption,
) -> tantivy::Result<Vec<SegmentPostings>> {
    match t {
        PhraseTerm::Exact(s) => {
            Ok(inv.read_postings(&Term::from_field_text(field, s), opt)?.into_iter().collect())
        }
        PhraseTerm::Starts(c) => {
            let mut buf = [0u8; 4];
            let lo = c.encode_utf8(&mut buf).as_bytes().to_vec();
            let mut hi = lo.clone();
            // the last byte of a character is below 0xF5 (a continuation byte at most 0xBF)
            if let Some(b) = hi.last_mut() {
                *b += 1;
            }
            let mut stream = inv.terms().range().ge(&lo).lt(&hi).into_stream()?;
            let mut out = Vec::new();
            while stream.advance() {
                out.push(inv.read_postings_from_terminfo(stream.value(), opt)?);
            }
            Ok(out)
        }
    }
}

/// The live documents of a union of postings and their summed frequencies, by document.
fn union_freqs(posts: Vec<SegmentPostings>, seg: &SegmentReader) -> Vec<(DocId, u32, Vec<u32>)> {
    let alive = seg.alive_bitset();
    if let [ps] = posts.as_slice() {
        let mut ps = ps.clone();
        let mut out = Vec::with_capacity(ps.doc_freq() as usize);
        let mut doc = ps.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                out.push((doc, ps.term_freq(), Vec::new()));
            }
            doc = ps.advance();
        }
        return out;
    }
    let mut counts = vec![0u32; seg.max_doc() as usize];
    for mut ps in posts {
        let mut doc = ps.doc();
        while doc != TERMINATED {
            if let Some(c) = counts.get_mut(doc as usize) {
                *c += ps.term_freq();
            }
            doc = ps.advance();
        }
    }
    counts
        .into_iter()
        .enumerate()
        .filter(|&(d, c)| c > 0 && alive.is_none_or(|a| a.is_alive(d as DocId)))
        .map(|(d, c)| (d as DocId, c, Vec::new()))
        .collect()
}

/// The live documents of a union of postings with their positions, each minus `off` (those
/// below `off` left out), sorted; documents with none left out.
fn union_positions(posts: Vec<SegmentPostings>, off: u32, seg: &SegmentReader) -> Vec<(DocId, Vec<u32>)> {
    let alive = seg.alive_bitset();
    let mut pairs: Vec<(DocId, u32)> = Vec::new();
    let mut buf = Vec::new();
    for mut ps in posts {
        let mut doc = ps.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                ps.positions(&mut buf);
                pairs.extend(buf.iter().filter(|&&x| x >= off).map(|&x| (doc, x - off)));
            }
            doc = ps.advance();
        }
    }
    pairs.sort_unstable();
    let mut out: Vec<(DocId, Vec<u32>)> = Vec::new();
    for (d, x) in pairs {
        match out.last_mut() {
            Some((ld, v)) if *ld == d => v.push(x),
            _ => out.push((d, vec![x])),
        }
    }
    out
}

/// The positions of a union of postings in each of the documents `docs` (sorted), sorted.
fn positions_in(posts: Vec<SegmentPostings>, docs: &[DocId]) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); docs.len()];
    let mut buf = Vec::new();
    for mut ps in posts {
        let mut i = 0;
        let mut d = ps.doc();
        while d != TERMINATED {
            let Some(&want) = docs.get(i) else { break };
            if d < want {
                d = ps.seek(want);
            } else if d > want {
                i += docs.get(i..).unwrap_or_default().partition_point(|&x| x < d);
            } else {
                ps.positions(&mut buf);
                if let Some(v) = out.get_mut(i) {
                    v.extend_from_slice(&buf);
                }
                i += 1;
                d = ps.advance();
            }
        }
    }
    for v in &mut out {
        v.sort_unstable();
    }
    out
}

/// The live documents where every term of `posts` (each at its offset) stands at consecutive
/// positions, with the start positions.
fn intersect_positions(posts: &mut [(u32, SegmentPostings)], seg: &SegmentReader) -> Vec<(DocId, Vec<u32>)> {
    posts.sort_by_key(|(_, ps)| ps.doc_freq());
    // the rarest term leads; the others follow it
    let Some(((off0, first), rest)) = posts.split_first_mut() else { return Vec::new() };
    let alive = seg.alive_bitset();
    let mut out = Vec::new();
    let (mut buf, mut cur, mut next) = (Vec::new(), Vec::new(), Vec::new());
    let mut doc = first.doc();
    'docs: while doc != TERMINATED {
        for (_, ps) in rest.iter_mut() {
            let cur = ps.doc();
            let d = if cur >= doc { cur } else { ps.seek(doc) };
            if d != doc {
                doc = first.seek(d);
                continue 'docs;
            }
        }
        if alive.is_none_or(|a| a.is_alive(doc)) {
            first.positions(&mut buf);
            cur.clear();
            cur.extend(buf.iter().filter(|&&x| x >= *off0).map(|&x| x - *off0));
            for (off, ps) in rest.iter_mut() {
                ps.positions(&mut buf);
                next.clear();
                let mut it = buf.iter().filter(|&&x| x >= *off).map(|&x| x - *off).peekable();
                for &s in &cur {
                    while it.peek().is_some_and(|&x| x < s) {
                        it.next();
                    }
                    if it.peek() == Some(&s) {
                        next.push(s);
                    }
                }
                std::mem::swap(&mut cur, &mut next);
                if cur.is_empty() {
                    break;
                }
            }
            if !cur.is_empty() {
                out.push((doc, cur.clone()));
            }
        }
        doc = first.advance();
    }
    out
}

/// One phrase's matches in a segment: documents, occurrences and (with `with_positions`) the
/// start positions of the occurrences.
fn phrase_positions(
    seg: &SegmentReader,
    field: tantivy::schema::Field,
    p: &Phrase,
    with_positions: bool,
) -> tantivy::Result<Vec<(DocId, u32, Vec<u32>)>> {
    let terms = phrase_terms(&p.units);
    let inv = seg.inverted_index(field)?;
    if let ([(_, t)], false) = (terms.as_slice(), with_positions) {
        // one term (or the terms a lone character starts): frequencies are enough
        return Ok(union_freqs(term_postings(&inv, field, t, IndexRecordOption::WithFreqs)?, seg));
    }
    let opt = IndexRecordOption::WithFreqsAndPositions;
    let mut exact: Vec<(u32, SegmentPostings)> = Vec::new();
    let mut starts: Vec<(u32, &PhraseTerm)> = Vec::new();
    for (off, t) in &terms {
        match t {
            PhraseTerm::Exact(_) => match term_postings(&inv, field, t, opt)?.pop() {
                Some(ps) => exact.push((*off as u32, ps)),
                None => return Ok(Vec::new()),
            },
            PhraseTerm::Starts(_) => starts.push((*off as u32, t)),
        }
    }
    // the documents and start positions of the exact terms (else of the first lone character)
    let mut cand = if exact.is_empty() {
        let Some((off, t)) = starts.first().copied() else { return Ok(Vec::new()) };
        starts.remove(0);
        union_positions(term_postings(&inv, field, t, opt)?, off, seg)
    } else {
        intersect_positions(&mut exact, seg)
    };
    // each lone character must start a term at its offset from each start
    for (off, t) in starts {
        if cand.is_empty() {
            break;
        }
        let docs: Vec<DocId> = cand.iter().map(|c| c.0).collect();
        let at = positions_in(term_postings(&inv, field, t, opt)?, &docs);
        for ((_, s), at) in cand.iter_mut().zip(at) {
            s.retain(|&x| at.binary_search(&(x + off)).is_ok());
        }
        cand.retain(|c| !c.1.is_empty());
    }
    Ok(cand
        .into_iter()
        .map(|(d, s)| (d, s.len() as u32, if with_positions { s } else { Vec::new() }))
        .collect())
}

struct SegCtx<'a> {
    seg: &'a SegmentReader,
    ix: &'a FtsIndex,
    date: tantivy::columnar::Column<u64>,
    page: tantivy::columnar::Column<u64>,
    article: tantivy::columnar::Column<u64>,
}

impl SegCtx<'_> {
    fn field(&self, f: Field) -> tantivy::schema::Field {
        match f {
            Field::Body => self.ix.fields.body,
            Field::Title => self.ix.fields.title,
            Field::Author => self.ix.fields.author,
        }
    }

    fn all(&self) -> DocCounts {
        let alive = self.seg.alive_bitset();
        (0..self.seg.max_doc())
            .filter(|&d| alive.is_none_or(|a| a.is_alive(d)) && self.article.first(d) == Some(1))
            .map(|d| (d, 0))
            .collect()
    }

    fn keep(&self, n: &Node, d: DocId) -> bool {
        match n {
            Node::Date(r) => {
                let v = self.date.first(d).unwrap_or(0) as u32;
                v != 0 && v >= r.from && v <= r.to
            }
            Node::Page(a, b) => {
                let v = self.page.first(d).unwrap_or(0) as u32;
                v != 0 && v >= *a && v <= *b
            }
            _ => true,
        }
    }

    fn eval(&self, n: &Node, cancel: &dyn Fn() -> bool) -> tantivy::Result<Option<DocCounts>> {
        if cancel() {
            return Ok(None);
        }
        Ok(Some(match n {
            Node::Phrase(p) => phrase_positions(self.seg, self.field(p.field), p, false)?
                .into_iter()
                .map(|(d, c, _)| (d, c))
                .collect(),
            Node::Near(a, b, dist) => {
                let pa = phrase_positions(self.seg, self.field(a.field), a, true)?;
                let pb = phrase_positions(self.seg, self.field(b.field), b, true)?;
                let (la, lb) = (a.units.len() as u32, b.units.len() as u32);
                let mut out = Vec::new();
                let mut j = 0;
                for (d, _, sa) in &pa {
                    while pb.get(j).is_some_and(|x| x.0 < *d) {
                        j += 1;
                    }
                    if let Some((_, _, sb)) = pb.get(j).filter(|x| x.0 == *d) {
                        let near = |x: u32| {
                            sb.iter().any(|&y| {
                                let gap =
                                    if x <= y { y.saturating_sub(x + la) } else { x.saturating_sub(y + lb) };
                                gap <= *dist
                            })
                        };
                        let c = sa.iter().filter(|&&x| near(x)).count() as u32;
                        if c > 0 {
                            out.push((*d, c));
                        }
                    }
                }
                out
            }
            Node::Or(xs) => {
                let mut acc: BTreeMap<DocId, u32> = BTreeMap::new();
                for x in xs {
                    let Some(v) = self.eval(x, cancel)? else { return Ok(None) };
                    for (d, c) in v {
                        *acc.entry(d).or_default() += c;
                    }
                }
                acc.into_iter().collect()
            }
            Node::And(xs) => {
                let mut acc: Option<DocCounts> = None;
                for x in xs.iter().filter(|x| !matches!(x, Node::Not(_) | Node::Date(_) | Node::Page(..))) {
                    let Some(v) = self.eval(x, cancel)? else { return Ok(None) };
                    acc = Some(match acc {
                        None => v,
                        Some(a) => intersect(&a, &v),
                    });
                }
                let mut acc = match acc {
                    Some(a) => a,
                    None => self.all(),
                };
                acc.retain(|&(d, _)| xs.iter().all(|x| self.keep(x, d)));
                for x in xs {
                    if let Node::Not(inner) = x {
                        let Some(v) = self.eval(inner, cancel)? else { return Ok(None) };
                        let mut excluded = v.iter().peekable();
                        acc.retain(|&(d, _)| {
                            while excluded.next_if(|x| x.0 < d).is_some() {}
                            excluded.peek().is_none_or(|x| x.0 != d)
                        });
                    }
                }
                acc
            }
            Node::Date(_) | Node::Page(..) => {
                let mut all = self.all();
                all.retain(|&(d, _)| self.keep(n, d));
                all
            }
            // only reached for a NOT outside an AND, which the parser does not make
            Node::Not(_) => Vec::new(),
        }))
    }
}

/// The documents in both (sorted) lists, their counts added.
fn intersect(a: &DocCounts, b: &DocCounts) -> DocCounts {
    let mut out = Vec::new();
    let mut bi = b.iter().peekable();
    for &(d, c) in a {
        while bi.next_if(|x| x.0 < d).is_some() {}
        if let Some(&&(_, c2)) = bi.peek().filter(|x| x.0 == d) {
            out.push((d, c + c2));
        }
    }
    out
}

impl FtsIndex {
    /// The articles matching `q`, in `order`, with counts by year and page. `None` when
    /// cancelled.
    pub fn search(
        &self,
        q: &Node,
        order: Order,
        cancel: &dyn Fn() -> bool,
    ) -> Result<Option<Results>, super::FtsError> {
        let searcher = self.reader.searcher();
        let mut hits = Vec::new();
        let mut len_sum = 0u64;
        let mut n_docs = 0u64;
        let mut lens = Vec::new();
        for (si, seg) in searcher.segment_readers().iter().enumerate() {
            let ff = seg.fast_fields();
            let ctx = SegCtx {
                seg,
                ix: self,
                date: ff.u64("date")?,
                page: ff.u64("page")?,
                article: ff.u64("article")?,
            };
            let Some(docs) = ctx.eval(q, cancel)? else { return Ok(None) };
            let chars = ff.u64("chars")?;
            n_docs += u64::from(seg.num_docs());
            if order == Order::Relevance {
                // the average length over the segment's articles (sampled by the hits is biased)
                len_sum += (0..seg.max_doc()).map(|d| chars.first(d).unwrap_or(0)).sum::<u64>();
            }
            for (d, count) in docs {
                hits.push(Hit {
                    addr: (si as u32, d),
                    date: ctx.date.first(d).unwrap_or(0) as u32,
                    page: ctx.page.first(d).unwrap_or(0) as u32,
                    count,
                    score: 0.0,
                });
                lens.push(chars.first(d).unwrap_or(0));
            }
        }
        if order == Order::Relevance && !hits.is_empty() {
            let avg = (len_sum as f32 / n_docs.max(1) as f32).max(1.0);
            let idf = ((n_docs as f32 - hits.len() as f32 + 0.5) / (hits.len() as f32 + 0.5) + 1.0).ln();
            let (k1, b) = (1.2f32, 0.75f32);
            for (h, &len) in hits.iter_mut().zip(&lens) {
                let tf = h.count as f32;
                h.score = idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len as f32 / avg));
            }
        }
        match order {
            Order::Date => hits.sort_by_key(|h| (h.date == 0, h.date, h.page == 0, h.page, h.addr)),
            Order::Relevance => hits.sort_by(|a, b| {
                b.score.total_cmp(&a.score).then((a.date, a.page, a.addr).cmp(&(b.date, b.page, b.addr)))
            }),
        }
        let mut r = Results { hits, ..Results::default() };
        for h in &r.hits {
            *r.by_year.entry(h.date / 10000).or_default() += 1;
            *r.by_page.entry(h.page).or_default() += 1;
        }
        Ok(Some(r))
    }

    /// The files of `hits`, in their order, from the path column (a fast field): per segment
    /// the hits' term ordinals, sorted, resolved in one pass over the column's dictionary. No
    /// stored document is read (the title and path of one hit: [`FtsIndex::info`]). A hit
    /// whose path cannot be found gets an empty path. `None` when cancelled.
    pub fn paths(
        &self,
        hits: &[Hit],
        cancel: &dyn Fn() -> bool,
    ) -> Result<Option<Vec<PathBuf>>, super::FtsError> {
        let addrs: Vec<(u32, DocId)> = hits.iter().map(|h| h.addr).collect();
        self.paths_at(&addrs, cancel)
    }

    /// [`FtsIndex::paths`] of hits' addresses ([`Hit::addr`], valid for this reader until
    /// its next reload): a caller that kept only the addresses of the hits whose paths it
    /// left for later.
    pub fn paths_at(
        &self,
        addrs: &[(u32, DocId)],
        cancel: &dyn Fn() -> bool,
    ) -> Result<Option<Vec<PathBuf>>, super::FtsError> {
        let searcher = self.reader.searcher();
        let segs = searcher.segment_readers();
        // per segment: (the path's ordinal, the hit's index)
        let mut by_seg: Vec<Vec<(u64, usize)>> = vec![Vec::new(); segs.len()];
        let mut cols = Vec::with_capacity(segs.len());
        for seg in segs {
            cols.push(seg.fast_fields().str("path")?);
        }
        for (i, &(seg, doc)) in addrs.iter().enumerate() {
            let Some(Some(col)) = cols.get(seg as usize) else { continue };
            if let (Some(ord), Some(v)) = (col.term_ords(doc).next(), by_seg.get_mut(seg as usize)) {
                v.push((ord, i));
            }
        }
        let mut out = vec![PathBuf::new(); addrs.len()];
        for (col, mut v) in cols.iter().zip(by_seg) {
            if cancel() {
                return Ok(None);
            }
            let Some(col) = col else { continue };
            v.sort_unstable();
            let ords: Vec<u64> = v.iter().map(|x| x.0).collect();
            let mut at = v.iter();
            col.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                if let Some(p) = at.next().and_then(|&(_, i)| out.get_mut(i)) {
                    *p = crate::fsutil::key_path(&String::from_utf8_lossy(bytes));
                }
            })?;
        }
        Ok(Some(out))
    }

    /// The path and titles of a hit.
    pub fn info(&self, h: &Hit) -> Result<HitInfo, super::FtsError> {
        use tantivy::schema::Value;
        let searcher = self.reader.searcher();
        let doc: tantivy::TantivyDocument = searcher.doc(tantivy::DocAddress::new(h.addr.0, h.addr.1))?;
        let get = |f| doc.get_first(f).and_then(|v| v.as_str()).unwrap_or("").to_string();
        Ok(HitInfo {
            path: crate::fsutil::key_path(&get(self.fields.path)),
            title_en: get(self.fields.title_en),
            title_zh: get(self.fields.title_zh),
        })
    }

    /// Articles and characters of the whole index by period (`key` maps `YYYYMMDD` to the
    /// period; articles without a date are left out): the timelines' denominators.
    pub fn totals(&self, key: &dyn Fn(u32) -> u32) -> Result<BTreeMap<u32, (u64, u64)>, super::FtsError> {
        let searcher = self.reader.searcher();
        let mut out: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            let (date, chars, article) = (ff.u64("date")?, ff.u64("chars")?, ff.u64("article")?);
            let alive = seg.alive_bitset();
            for d in 0..seg.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(d)) || article.first(d) != Some(1) {
                    continue;
                }
                let dt = date.first(d).unwrap_or(0) as u32;
                if dt == 0 {
                    continue;
                }
                let e = out.entry(key(dt)).or_default();
                e.0 += 1;
                e.1 += chars.first(d).unwrap_or(0);
            }
        }
        Ok(out)
    }
}

/// The reference scan: whether article `a` matches `q` and how many occurrences of the
/// query's phrases it holds, by reading its text (the semantics the index agrees with).
pub fn scan_article(a: &Article, q: &Node) -> Option<u32> {
    let segs = segments(a);
    let seg_units: Vec<(SegmentKind, Vec<Unit>)> = segs.iter().map(|(k, _, t)| (*k, units(t))).collect();
    let date =
        a.meta.date.map_or(0, |d| u32::from(d.year) * 10000 + u32::from(d.month) * 100 + u32::from(d.day));
    let page = a.meta.page.unwrap_or(0);
    fn in_field(k: SegmentKind, f: Field) -> bool {
        match f {
            Field::Body => true,
            Field::Title => k == SegmentKind::Title,
            Field::Author => k == SegmentKind::Author,
        }
    }
    fn eval(n: &Node, s: &[(SegmentKind, Vec<Unit>)], date: u32, page: u32) -> Option<u32> {
        match n {
            Node::Phrase(p) => {
                let c: usize = s
                    .iter()
                    .filter(|(k, _)| in_field(*k, p.field))
                    .map(|(_, u)| find_in(u, &p.units).len())
                    .sum();
                (c > 0).then_some(c as u32)
            }
            Node::Near(a, b, dist) => {
                let mut c = 0;
                for (_, u) in s.iter().filter(|(k, _)| in_field(*k, a.field)) {
                    let rb = find_in(u, &b.units);
                    for ra in find_in(u, &a.units) {
                        let near = rb.iter().any(|r| {
                            let gap = if ra.start <= r.start {
                                r.start.saturating_sub(ra.end)
                            } else {
                                ra.start.saturating_sub(r.end)
                            };
                            gap <= *dist as usize
                        });
                        c += u32::from(near);
                    }
                }
                (c > 0).then_some(c)
            }
            Node::Or(xs) => {
                let v: Vec<u32> = xs.iter().filter_map(|x| eval(x, s, date, page)).collect();
                (!v.is_empty()).then(|| v.iter().sum())
            }
            Node::And(xs) => {
                let mut c = 0;
                for x in xs {
                    match x {
                        Node::Not(inner) => {
                            if eval(inner, s, date, page).is_some() {
                                return None;
                            }
                        }
                        _ => c += eval(x, s, date, page)?,
                    }
                }
                Some(c)
            }
            Node::Date(r) => (date != 0 && date >= r.from && date <= r.to).then_some(0),
            Node::Page(a, b) => (page != 0 && page >= *a && page <= *b).then_some(0),
            Node::Not(_) => None,
        }
    }
    eval(q, &seg_units, date, page)
}

/// One occurrence for the concordance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KwicLine {
    /// `YYYY-MM-DD` or `????-??-??`.
    pub date: String,
    /// Page, 0 when unknown.
    pub page: u32,
    /// Text before the hit in its paragraph (one line, not yet cut to a width).
    pub left: String,
    /// The hit as written.
    pub hit: String,
    /// Text after the hit.
    pub right: String,
    /// The article's English title, else its Chinese title.
    pub title: String,
    /// The article's file.
    pub path: PathBuf,
    /// Where the hit is: title, author, english, chinese, glossary.
    pub segment: SegmentKind,
    /// Which paragraph (or title 0 English / 1 Chinese, author, glossary entry) of that kind.
    pub paragraph: usize,
    /// Byte range of the hit in that paragraph.
    pub range: Range<usize>,
}

impl KwicLine {
    /// The line as one concordance row, `date  page  left HIT right  title`: the left context
    /// cut and padded to `w` columns (CJK counted double), so that in rows of the same `w`
    /// every hit starts in the same column; the right context cut to `w`, the title to 50.
    /// Every part is sanitised (safe for a terminal).
    pub fn aligned(&self, w: usize) -> String {
        use crate::text::{sanitize, tail, truncate, width};
        let left = tail(&self.left, w);
        let pad = w.saturating_sub(width(left));
        let right = truncate(&self.right, w);
        let rpad = w.saturating_sub(width(right));
        let page = if self.page == 0 { "?".to_string() } else { self.page.to_string() };
        format!(
            "{}  {:>3}  {}{left} {} {right}{}  {}",
            sanitize(&self.date),
            page,
            " ".repeat(pad),
            self.hit,
            " ".repeat(rpad),
            truncate(&sanitize(&self.title), 50)
        )
    }

    /// A snippet of the line: up to `w` columns of context on each side of the hit, with `…`
    /// where the context was cut.
    pub fn snippet(&self, w: usize) -> String {
        use crate::text::{tail, truncate};
        let left = tail(&self.left, w);
        let right = truncate(&self.right, w);
        format!(
            "{}{left}{}{right}{}",
            if left.len() < self.left.len() { "…" } else { "" },
            self.hit,
            if right.len() < self.right.len() { "…" } else { "" }
        )
    }
}

/// Every occurrence of `phrases` in article `a`, in text order (overlaps: the first wins).
pub fn kwic_lines(a: &Article, phrases: &[&Phrase]) -> Vec<KwicLine> {
    let mut out = Vec::new();
    for (kind, para, text) in segments(a) {
        let u = units(&text);
        let mut found: Vec<Range<usize>> = Vec::new();
        for p in phrases {
            let ok = match p.field {
                Field::Body => true,
                Field::Title => kind == SegmentKind::Title,
                Field::Author => kind == SegmentKind::Author,
            };
            if ok {
                found.extend(find_in(&u, &p.units).into_iter().filter_map(|r| {
                    let first = u.get(r.start)?;
                    let last = u.get(r.end.checked_sub(1)?)?;
                    Some(first.range.start..last.range.end)
                }));
            }
        }
        found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut last_end = 0;
        for r in found {
            if r.start < last_end {
                continue;
            }
            last_end = r.end;
            out.push(KwicLine {
                date: a.meta.date_string(),
                page: a.meta.page.unwrap_or(0),
                left: one_line(text.get(..r.start).unwrap_or_default()),
                hit: one_line(text.get(r.clone()).unwrap_or_default()),
                right: one_line(text.get(r.end..).unwrap_or_default()),
                title: if a.meta.title_en.is_empty() {
                    a.meta.title_zh_full()
                } else {
                    a.meta.title_en.clone()
                },
                path: a.meta.path.clone(),
                segment: kind,
                paragraph: para,
                range: r,
            });
        }
    }
    out
}

/// White space and control characters as single spaces, other unsafe characters made safe.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    crate::text::sanitize(&out).into_owned()
}

/// Reads and parses a hit's article from its file.
pub fn read_article(path: &std::path::Path) -> Option<Article> {
    let bytes = corpus::read_source(path).ok()?;
    match corpus::parse_vec(path, bytes.into_owned()) {
        Parsed::Article(a) => Some(*a),
        Parsed::NotArticle(_) => None,
    }
}
