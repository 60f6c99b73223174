//! Paragraph alignment of an English translation with its Chinese original.
//!
//! The method is the length-based dynamic programme of Gale & Church (1993): the two
//! paragraph lists are cut into *beads* (1-1, 1-0, 0-1, 2-1, 1-2 and 2-2 paragraphs), and the
//! cheapest sequence of beads wins. A bead's cost is the sum of
//!
//! * a prior for its kind (1-1 beads are by far the most common),
//! * a length cost: how unlikely the two sides' lengths are, given the expected number of
//!   English letters and digits per Chinese character,
//! * anchors that both languages share: numbers and dates (Arabic, full-width and Chinese
//!   numerals, English number words), glossary names (the Chinese term on one side, its pinyin
//!   or English gloss on the other), Chinese text quoted inside the English, and the
//!   headline (a paragraph that repeats the article's title). An anchor found in the bead on
//!   both sides lowers the cost; one found on a single side of the bead, while the other
//!   language has it elsewhere, raises it,
//! * the punctuation that ends each side (a sentence versus a headline),
//! * special cases: a Chinese headline with no English counterpart is cheap to leave
//!   unpaired (0-1), unpaired paragraphs are cheaper at the end of an article, and an
//!   "English" paragraph written in Chinese (a copy of the original) is never paired.
//!
//! Everything is pure: no I/O, and no input makes it panic. Time and memory are
//! O(n·m) for up to a few million paragraph pairs, beyond that the search is limited to a
//! band around the diagonal, so that they grow linearly.
// The Gale & Church DP: tables sized (n+1)x(m+1) before the loops that index them.
#![allow(clippy::indexing_slicing)]

use std::collections::HashMap;
use std::ops::Range;

pub mod sentences;
pub mod trust;

/// One alignment bead: English paragraphs en.start..en.end translate Chinese paragraphs zh.start..zh.end.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Bead {
    /// English paragraph indices.
    pub en: Range<usize>,
    /// Chinese paragraph indices.
    pub zh: Range<usize>,
}

impl Bead {
    /// True for a bead of exactly one English and one Chinese paragraph.
    pub fn is_one_to_one(&self) -> bool {
        self.en.len() == 1 && self.zh.len() == 1
    }
}

/// What both sides share, used as anchors.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlignContext<'a> {
    /// The English title (`Title:` header).
    pub title_en: &'a str,
    /// The Chinese title (`### ` line), possibly with its subtitle.
    pub title_zh: &'a str,
    /// `**Named Entities**` entries: (Chinese term, pinyin and/or English gloss).
    pub glossary: &'a [(&'a str, &'a str)],
}

/// The tunable weights of [`align_with`]; [`Default`] holds the values fitted on the
/// hand-aligned gold set. Costs are in nats (negative log-probabilities).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignParams {
    /// Expected English letters and digits per Chinese character.
    pub ratio: f64,
    /// How far the expected ratio moves toward the article's own ratio, in log space
    /// (0: global ratio only, 1: the article's own). An article whose translation expanded
    /// or condensed the original throughout is measured against itself.
    pub doc_ratio_weight: f64,
    /// Variance of the length difference per Chinese character (Gale & Church's s²).
    pub variance: f64,
    /// Variance of the length difference per squared Chinese character: the translator's
    /// own ratio varies, so long paragraphs differ more than s² alone predicts.
    pub variance_sq: f64,
    /// Weight of a Latin letter or digit inside Chinese text, in Chinese characters.
    pub zh_latin_weight: f64,
    /// Upper bound of the length cost of one bead: a heavy tail, so that one badly matched
    /// pair (an expanded caption, a summarised paragraph) does not derail its neighbours.
    pub max_len_cost: f64,
    /// Prior cost of a 1-1 bead.
    pub cost_1_1: f64,
    /// Prior cost of a 1-0 or 0-1 bead.
    pub cost_indel: f64,
    /// Prior cost of a 2-1 or 1-2 bead.
    pub cost_2_1: f64,
    /// Prior cost of a 2-2 bead.
    pub cost_2_2: f64,
    /// Factor on the length cost of a 1-0 or 0-1 bead.
    pub indel_len_weight: f64,
    /// Discount of a 1-0 / 0-1 bead once the other language is exhausted (trailing extras).
    pub end_indel_discount: f64,
    /// Reward per anchor (number, name) found on both sides of a bead.
    pub anchor_shared: f64,
    /// Penalty per anchor on one side of a bead that the other language has elsewhere.
    pub anchor_missing: f64,
    /// Reward for pairing a headline with a headline.
    pub title_shared: f64,
    /// Penalty for pairing a headline with a paragraph that is not one.
    pub title_missing: f64,
    /// Cost of leaving a Chinese headline unpaired when no English paragraph repeats the title.
    pub title_drop: f64,
    /// Penalty when one side ends a sentence and the other does not (a headline).
    pub punct_mismatch: f64,
    /// Penalty when one side ends with a colon or comma and the other does not.
    pub punct_minor: f64,
    /// Cost of leaving a byline (本报评论员, 本报记者　王明, "Our newspaper commentator")
    /// unpaired: the other language often leaves it out or puts it elsewhere.
    pub byline_drop: f64,
    /// Penalty for merging a byline into a bead of two or more paragraphs.
    pub byline_merge: f64,
    /// Prior cost of a bead that pairs a headline given in two lines in one language with a
    /// one-line headline in the other, or an echoed Chinese heading ("新厂投产 (Xīn Chǎng
    /// Tóuchǎn)") and its English heading with the Chinese heading.
    pub cost_split_heading: f64,
}

impl Default for AlignParams {
    fn default() -> Self {
        AlignParams {
            ratio: 3.63,
            doc_ratio_weight: 0.25,
            variance: 2.0,
            variance_sq: 0.01,
            zh_latin_weight: 0.3,
            max_len_cost: 12.0,
            cost_1_1: 0.12,
            cost_indel: 3.7,
            cost_2_1: 4.0,
            cost_2_2: 6.0,
            indel_len_weight: 0.2,
            end_indel_discount: 2.0,
            anchor_shared: 1.0,
            anchor_missing: 1.0,
            title_shared: 3.0,
            title_missing: 1.0,
            title_drop: 0.5,
            punct_mismatch: 2.0,
            punct_minor: 0.5,
            byline_drop: 0.5,
            byline_merge: 3.0,
            cost_split_heading: 0.5,
        }
    }
}

/// Align English paragraphs with Chinese ones (see the module documentation).
///
/// Pure: no I/O, no terminal types. Beads cover every paragraph exactly once, in order
/// (possibly empty sides: 1-0 / 0-1).
pub fn align(en: &[&str], zh: &[&str], ctx: &AlignContext<'_>) -> Vec<Bead> {
    align_with(en, zh, ctx, &AlignParams::default())
}

/// The naive pairing i<->i (extra paragraphs on one side as 1-0 / 0-1 at the end), kept for comparison.
pub fn align_naive(en_len: usize, zh_len: usize) -> Vec<Bead> {
    let both = en_len.min(zh_len);
    let mut beads = Vec::with_capacity(en_len.max(zh_len));
    beads.extend((0..both).map(|i| Bead { en: i..i + 1, zh: i..i + 1 }));
    beads.extend((both..en_len).map(|i| Bead { en: i..i + 1, zh: zh_len..zh_len }));
    beads.extend((both..zh_len).map(|j| Bead { en: en_len..en_len, zh: j..j + 1 }));
    beads
}

/// The alignment of an article's paragraphs: the one place that decides how an article's
/// English and Chinese paragraphs pair (the reader, `diglot show` and `diglot align` all
/// call it). The headline and the glossary anchor the dynamic program; very long damaged
/// files, where the quadratic program would take too long, pair in order instead.
pub fn align_article(a: &crate::corpus::Article) -> Vec<Bead> {
    let en = a.en_paras();
    let zh = a.zh_paras();
    let gloss: Vec<(&str, &str)> = a.glossary.iter().map(|g| (g.term.as_str(), g.gloss.as_str())).collect();
    let ctx = AlignContext { title_en: &a.meta.title_en, title_zh: &a.meta.title_zh, glossary: &gloss };
    if en.len().saturating_mul(zh.len()) > 1_000_000 {
        return align_naive(en.len(), zh.len());
    }
    align(&en, &zh, &ctx)
}

/// [`align`] with explicit weights (for tuning and experiments).
pub fn align_with(en: &[&str], zh: &[&str], ctx: &AlignContext<'_>, params: &AlignParams) -> Vec<Bead> {
    let (n, m) = (en.len(), zh.len());
    if n == 0 || m == 0 {
        return align_naive(n, m);
    }
    let scorer = Scorer::new(en, zh, ctx, params);
    dp(&scorer, &Band::new(n, m, MAX_CELLS)).unwrap_or_else(|| align_naive(n, m))
}

// ---------------------------------------------------------------------------------------------
// Dynamic programme
// ---------------------------------------------------------------------------------------------

/// Bead shapes (English count, Chinese count), in order of preference on ties.
const KINDS: [(usize, usize); 6] = [(1, 1), (2, 1), (1, 2), (2, 2), (1, 0), (0, 1)];

/// Above this many cells the search is restricted to a band around the diagonal.
const MAX_CELLS: usize = 4_000_000;

/// A cost that no real bead reaches: such beads are never chosen when any other is possible.
const FORBIDDEN: f64 = 1.0e9;

/// The rows of the search space: for each English position i, the Chinese positions
/// lo[i]..=hi[i], stored from offset off[i].
struct Band {
    lo: Vec<usize>,
    hi: Vec<usize>,
    off: Vec<usize>,
}

impl Band {
    fn new(n: usize, m: usize, max_cells: usize) -> Band {
        let full = (n.saturating_add(1)).saturating_mul(m.saturating_add(1)) <= max_cells;
        let mut lo = Vec::with_capacity(n + 1);
        let mut hi = Vec::with_capacity(n + 1);
        if full {
            lo.resize(n + 1, 0);
            hi.resize(n + 1, m);
        } else {
            let half = (max_cells / (2 * (n + 1))).max(8);
            // The diagonal through (0, 0) and (n, m); n > 0 here.
            let centre = |i: usize| -> usize {
                let c = (i as u128) * (m as u128) / (n.max(1) as u128);
                usize::try_from(c).unwrap_or(m).min(m)
            };
            for i in 0..=n {
                let next = if i < n { centre(i + 1) } else { m };
                lo.push(centre(i).saturating_sub(half));
                hi.push(next.saturating_add(half).min(m));
            }
        }
        let mut off = Vec::with_capacity(n + 2);
        let mut total = 0usize;
        for i in 0..=n {
            off.push(total);
            total = total.saturating_add(hi[i] - lo[i] + 1);
        }
        off.push(total);
        Band { lo, hi, off }
    }

    fn index(&self, i: usize, j: usize) -> Option<usize> {
        let (lo, hi) = (*self.lo.get(i)?, *self.hi.get(i)?);
        (lo <= j && j <= hi).then(|| self.off[i] + (j - lo))
    }

    fn cells(&self) -> usize {
        self.off.last().copied().unwrap_or(0)
    }
}

/// The cheapest bead sequence from (0, 0) to (n, m) inside the band; None if unreachable.
fn dp(scorer: &Scorer, band: &Band) -> Option<Vec<Bead>> {
    let n = band.lo.len().checked_sub(1)?;
    let m = *band.hi.last()?;
    let cells = band.cells();
    let mut cost = vec![f64::INFINITY; cells];
    let mut back = vec![u8::MAX; cells];
    *cost.get_mut(band.index(0, 0)?)? = 0.0;
    for i in 0..=n {
        for j in band.lo[i]..=band.hi[i] {
            if i == 0 && j == 0 {
                continue;
            }
            let mut best = f64::INFINITY;
            let mut best_k = u8::MAX;
            for (k, &(di, dj)) in KINDS.iter().enumerate() {
                if di > i || dj > j {
                    continue;
                }
                let Some(prev) = band.index(i - di, j - dj) else {
                    continue;
                };
                let before = cost[prev];
                if !before.is_finite() {
                    continue;
                }
                let c = before + scorer.bead(i - di, di, j - dj, dj);
                if c < best {
                    best = c;
                    best_k = k as u8;
                }
            }
            let here = band.index(i, j)?;
            cost[here] = best;
            back[here] = best_k;
        }
    }
    let (mut i, mut j) = (n, m);
    let mut beads = Vec::new();
    while i > 0 || j > 0 {
        let k = *back.get(band.index(i, j)?)?;
        let &(di, dj) = KINDS.get(usize::from(k))?;
        beads.push(Bead { en: i - di..i, zh: j - dj..j });
        i -= di;
        j -= dj;
    }
    beads.reverse();
    Some(beads)
}

// ---------------------------------------------------------------------------------------------
// Bead costs
// ---------------------------------------------------------------------------------------------

/// How a paragraph ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// A full stop, question or exclamation mark, ellipsis.
    Sentence,
    /// A colon, comma or semicolon.
    Open,
    /// A letter, digit or ideograph: a headline, a name, a byline.
    Bare,
}

/// What the cost of a bead needs to know about one paragraph.
#[derive(Debug, Clone)]
struct Para {
    /// Length in the unit of its language (English letters, Chinese characters).
    len: f64,
    ending: Ending,
    /// Anchor ids, sorted, deduplicated; only anchors present in both languages.
    anchors: Vec<u32>,
    /// English paragraph written in Chinese (a copy of the original): never paired.
    foreign: bool,
    /// Chinese characters copied into an English paragraph: they stand for as much of the
    /// original as a translation of them would.
    copied: f64,
    /// Repeats (part of) the title.
    title: bool,
    /// A byline: a short line naming the author (本报评论员, 本报记者　王明, a name).
    byline: bool,
    /// An English line that only repeats Chinese, with its pinyin in brackets at most
    /// ("新厂投产 (Xīn Chǎng Tóuchǎn)"): a heading whose translation follows.
    echo: bool,
}

struct Scorer<'p> {
    p: &'p AlignParams,
    /// Expected English letters per Chinese character in this article.
    ratio: f64,
    en: Vec<Para>,
    zh: Vec<Para>,
    /// Per anchor id: (reward when shared, penalty when on one side only).
    weight: Vec<(f64, f64)>,
    /// A Chinese headline paragraph can be dropped cheaply (no English repeats the title).
    drop_zh_title: bool,
    n: usize,
    m: usize,
}

impl<'p> Scorer<'p> {
    fn new(en: &[&str], zh: &[&str], ctx: &AlignContext<'_>, p: &'p AlignParams) -> Self {
        let mut en_p: Vec<Para> = en.iter().map(|t| para_en(t)).collect();
        let mut zh_p: Vec<Para> = zh.iter().map(|t| para_zh(t, p.zh_latin_weight)).collect();

        // Headlines.
        let t_en = norm_en(ctx.title_en);
        let t_zh = norm_zh(ctx.title_zh);
        for (para, text) in en_p.iter_mut().zip(en) {
            para.title = !para.foreign && is_title_part(&norm_en(text), &t_en, 4);
        }
        for (para, text) in zh_p.iter_mut().zip(zh) {
            para.title = is_title_part(&norm_zh(text), &t_zh, 2);
        }
        for (k, (para, text)) in en_p.iter_mut().zip(en).enumerate() {
            para.byline = !para.title && !para.foreign && is_byline_en(text, k, en.len());
        }
        for (k, (para, text)) in zh_p.iter_mut().zip(zh).enumerate() {
            para.byline = !para.title && is_byline_zh(text, k, zh.len());
        }
        let any_en_title = en_p.iter().any(|q| q.title);
        let any_zh_title = zh_p.iter().any(|q| q.title);

        // Anchors.
        let mut keys = Interner::default();
        let gloss = glossary(ctx);
        let en_keys: Vec<Vec<u32>> = en
            .iter()
            .zip(&en_p)
            .map(|(t, q)| if q.foreign { Vec::new() } else { en_anchors(t, &gloss, &mut keys) })
            .collect();
        let runs = en_cjk_runs(en, &en_p);
        let zh_keys: Vec<Vec<u32>> = zh.iter().map(|t| zh_anchors(t, &gloss, &runs, &mut keys)).collect();
        let title_id = if any_en_title && any_zh_title { Some(keys.id("t:")) } else { None };
        let count = keys.len();
        let mut df_en = vec![0u32; count];
        let mut df_zh = vec![0u32; count];
        for (list, df) in [(&en_keys, &mut df_en), (&zh_keys, &mut df_zh)] {
            for ids in list.iter() {
                for &a in ids {
                    if let Some(d) = df.get_mut(a as usize) {
                        *d = d.saturating_add(1);
                    }
                }
            }
        }
        let attach = |paras: &mut Vec<Para>, list: Vec<Vec<u32>>| {
            for (q, mut ids) in paras.iter_mut().zip(list) {
                if let (Some(t), true) = (title_id, q.title) {
                    ids.push(t);
                }
                ids.retain(|&a| {
                    Some(a) == title_id
                        || (df_en.get(a as usize).is_some_and(|&d| d > 0)
                            && df_zh.get(a as usize).is_some_and(|&d| d > 0))
                });
                ids.sort_unstable();
                ids.dedup();
                ids.truncate(MAX_ANCHORS_PER_PARA);
                q.anchors = ids;
            }
        };
        attach(&mut en_p, en_keys);
        attach(&mut zh_p, zh_keys);
        let mut weight = vec![(p.anchor_shared, p.anchor_missing); count];
        if let Some(t) = title_id.and_then(|t| weight.get_mut(t as usize)) {
            *t = (p.title_shared, p.title_missing);
        }

        // The article's own length ratio.
        let tot_en: f64 = en_p.iter().filter(|q| !q.foreign).map(|q| q.len).sum();
        let tot_zh: f64 = zh_p.iter().map(|q| q.len).sum();
        let global = if p.ratio.is_finite() { p.ratio.max(1e-3) } else { 1.0 };
        let ratio = if tot_en > 0.0 && tot_zh > 0.0 {
            let w = if p.doc_ratio_weight.is_finite() { p.doc_ratio_weight.clamp(0.0, 1.0) } else { 0.0 };
            let own = (tot_en / tot_zh).clamp(global / 64.0, global * 64.0);
            ((1.0 - w) * global.ln() + w * own.ln()).exp()
        } else {
            global
        };

        Scorer {
            p,
            ratio,
            n: en_p.len(),
            m: zh_p.len(),
            en: en_p,
            zh: zh_p,
            weight,
            drop_zh_title: any_zh_title && !any_en_title,
        }
    }

    /// Cost of the bead of English paragraphs i..i+di and Chinese paragraphs j..j+dj.
    fn bead(&self, i: usize, di: usize, j: usize, dj: usize) -> f64 {
        let p = self.p;
        let (Some(en), Some(zh)) = (self.en.get(i..i + di), self.zh.get(j..j + dj)) else {
            return FORBIDDEN;
        };
        if en.iter().any(|q| q.foreign) {
            return if dj == 0 { 0.0 } else { FORBIDDEN };
        }
        if di == 0 && dj == 1 && self.drop_zh_title && zh[0].title {
            return p.title_drop;
        }
        if di + dj == 1 && en.iter().chain(zh).all(|q| q.byline) {
            return p.byline_drop;
        }
        let merge = if di + dj > 2 && en.iter().chain(zh).any(|q| q.byline) { p.byline_merge } else { 0.0 };
        let x = if di == 2 && en[0].echo {
            // An echoed heading and its translation: one heading.
            en[1].len / self.ratio
        } else {
            en.iter().map(|q| (q.len / self.ratio).max(q.copied)).sum::<f64>()
        };
        let y = zh.iter().map(|q| q.len).sum::<f64>();
        let len_cost = length_cost(x, y, p.variance, p.variance_sq).min(p.max_len_cost);
        if di == 0 || dj == 0 {
            let mut c = p.cost_indel + p.indel_len_weight * len_cost;
            if (di == 0 && i == self.n) || (dj == 0 && j == self.m) {
                c -= p.end_indel_discount;
            }
            return c.max(0.0) + self.one_sided_anchors(en, zh);
        }
        let prior = match (di, dj) {
            (1, 1) => p.cost_1_1,
            (2, 2) => p.cost_2_2,
            (2, 1)
                if en[0].echo || (en.iter().chain(zh).all(|q| q.title) && zh[0].ending == Ending::Bare) =>
            {
                p.cost_split_heading
            }
            (1, 2) if zh.iter().chain(en).all(|q| q.title) && en[0].ending == Ending::Bare => {
                p.cost_split_heading
            }
            _ => p.cost_2_1,
        };
        let mut c = prior + len_cost + merge;
        if let (Some(a), Some(b)) = (en.last(), zh.last()) {
            c += match (a.ending, b.ending) {
                (x, y) if x == y => 0.0,
                (Ending::Sentence, Ending::Bare) | (Ending::Bare, Ending::Sentence) => p.punct_mismatch,
                _ => p.punct_minor,
            };
        }
        c + self.anchor_cost(en, zh)
    }

    /// Anchors of a bead: rewards for shared ones, penalties for one-sided ones.
    fn anchor_cost(&self, en: &[Para], zh: &[Para]) -> f64 {
        let mut e = SortedUnion::new(en).peekable();
        let mut z = SortedUnion::new(zh).peekable();
        let mut c = 0.0;
        loop {
            match (e.peek().copied(), z.peek().copied()) {
                (Some(x), Some(y)) if x == y => {
                    c -= self.w(x).0;
                    e.next();
                    z.next();
                }
                (Some(x), Some(y)) if x < y => {
                    c += self.w(x).1;
                    e.next();
                }
                (Some(x), None) => {
                    c += self.w(x).1;
                    e.next();
                }
                (_, Some(y)) => {
                    c += self.w(y).1;
                    z.next();
                }
                (None, None) => return c,
            }
        }
    }

    /// Penalty of leaving anchored paragraphs unpaired.
    fn one_sided_anchors(&self, en: &[Para], zh: &[Para]) -> f64 {
        en.iter().chain(zh).flat_map(|q| q.anchors.iter()).map(|&a| self.w(a).1).sum()
    }

    fn w(&self, a: u32) -> (f64, f64) {
        self.weight.get(a as usize).copied().unwrap_or((0.0, 0.0))
    }
}

/// The anchors of one or two paragraphs, ascending, without duplicates (no allocation).
struct SortedUnion<'a> {
    a: &'a [u32],
    b: &'a [u32],
}

impl<'a> SortedUnion<'a> {
    fn new(paras: &'a [Para]) -> Self {
        let list = |k: usize| paras.get(k).map_or(&[][..], |q| q.anchors.as_slice());
        SortedUnion { a: list(0), b: list(1) }
    }
}

impl Iterator for SortedUnion<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let v = match (self.a.first(), self.b.first()) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => return None,
        };
        while self.a.first() == Some(&v) {
            self.a = &self.a[1..];
        }
        while self.b.first() == Some(&v) {
            self.b = &self.b[1..];
        }
        Some(v)
    }
}

/// Gale & Church's length cost: −ln P(|δ| ≥ observed), δ the length difference in standard
/// deviations; x and y in Chinese characters.
fn length_cost(x: f64, y: f64, variance: f64, variance_sq: f64) -> f64 {
    let mean = ((x + y) / 2.0).max(1.0);
    let var = variance.max(0.0) * mean + variance_sq.max(0.0) * mean * mean;
    let delta = (x - y).abs() / var.max(1e-6).sqrt();
    -ln_erfc(delta / std::f64::consts::SQRT_2)
}

/// ln(erfc(z)) for z ≥ 0, stable for large z (Numerical Recipes' erfcc, rel. error < 1.2e-7).
fn ln_erfc(z: f64) -> f64 {
    let z = if z.is_finite() { z.max(0.0) } else { 1e6 };
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    t.ln() - z * z + poly
}

// ---------------------------------------------------------------------------------------------
// Paragraph features
// ---------------------------------------------------------------------------------------------

/// At most this many anchors per paragraph are kept (bounds the cost of one bead).
const MAX_ANCHORS_PER_PARA: usize = 48;
/// At most this many Chinese runs quoted in the English are looked up in the Chinese.
const MAX_RUNS: usize = 256;
/// At most this many glossary entries are used.
const MAX_GLOSSARY: usize = 512;

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{3007}')
}

/// Full-width ASCII forms to ASCII, U+3000 to a space.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn ending(text: &str) -> Ending {
    let last = text
        .trim_end_matches(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '"' | '\'' | '”' | '’' | ')' | '）' | ']' | '】' | '」' | '』' | '》' | '*' | '_'
                )
        })
        .chars()
        .next_back();
    match last {
        Some('.' | '。' | '!' | '！' | '?' | '？' | '…') => Ending::Sentence,
        Some(':' | '：' | ',' | '，' | '、' | ';' | '；' | '—' | '-') => Ending::Open,
        _ => Ending::Bare,
    }
}

fn para_en(text: &str) -> Para {
    let (mut latin, mut cjk, mut echoed) = (0usize, 0usize, 0usize);
    // Depth of the brackets right after Chinese text (its pinyin or a gloss).
    let (mut after_cjk, mut in_echo) = (false, 0usize);
    for c in text.chars() {
        if is_cjk(c) {
            cjk += 1;
            after_cjk = true;
        } else if matches!(c, '(' | '（') && (after_cjk || in_echo > 0) {
            in_echo += 1;
        } else if matches!(c, ')' | '）') && in_echo > 0 {
            in_echo -= 1;
            after_cjk = false;
        } else if c.is_alphanumeric() {
            latin += 1;
            if in_echo > 0 {
                echoed += 1;
            } else {
                after_cjk = false;
            }
        }
    }
    let own = latin - echoed;
    Para {
        // The pinyin of quoted Chinese is no translation of anything.
        len: own as f64,
        ending: ending(text),
        anchors: Vec::new(),
        // A copy of the original: Chinese with at most a few Latin letters (numbers, a
        // name). Chinese followed by a translation or gloss, however short, is paired.
        foreign: cjk > 0 && latin * 4 < cjk,
        copied: cjk as f64,
        title: false,
        byline: false,
        echo: cjk > 0 && own == 0 && cjk < latin,
    }
}

/// Words that make a short English line a byline.
const BYLINE_EN: [&str; 7] = [
    "commentator",
    "correspondent",
    "correspondents",
    "reporter",
    "reporters",
    "staff writer",
    "special writer",
];

/// A short English line naming the author near the start or the end of the article: "Our
/// newspaper commentator", "Staff Reporter Wang Ming", "By our correspondent".
fn is_byline_en(text: &str, k: usize, n: usize) -> bool {
    let t = text.trim();
    if !(k < 3 || k + 2 >= n) || ending(t) != Ending::Bare && !t.ends_with("commentator.") {
        return false;
    }
    let words = t.split_whitespace().count();
    let lower = fold_latin(t);
    (1..=8).contains(&words) && BYLINE_EN.iter().any(|w| contains_words(&lower, w))
}

/// Beginnings of a Chinese byline.
const BYLINE_ZH: [&str; 10] = [
    "本报评论员",
    "本报记者",
    "本报通讯员",
    "新华社记者",
    "新华社通讯员",
    "本报特约评论员",
    "特约评论员",
    "本报编辑部",
    "评论员",
    "记者",
];

/// A short Chinese line naming the author near the start or the end of the article:
/// 本报评论员, 本报记者　王明, 新华社记者, or a bare name of two to four characters.
fn is_byline_zh(text: &str, k: usize, n: usize) -> bool {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    if !(k < 3 || k + 2 >= n) || ending(t) != Ending::Bare {
        return false;
    }
    let cjk = t.chars().filter(|&c| is_cjk(c)).count();
    let other = t.chars().filter(|&c| !is_cjk(c) && !c.is_whitespace() && !matches!(c, '、' | '·')).count();
    if other > 0 || cjk == 0 || cjk > 16 {
        return false;
    }
    let name = |t: &str| {
        let mut cs = t.chars().filter(|c| !c.is_whitespace());
        let first = cs.next().unwrap_or(' ');
        let rest = cs.count();
        (SURNAMES.contains(first) && (1..=2).contains(&rest))
            || (COMPOUND_SURNAMES.iter().any(|s| t.starts_with(s)) && (2..=3).contains(&rest))
    };
    BYLINE_ZH.iter().any(|b| t.starts_with(b)) || name(t)
}

/// Common single-character surnames (a bare name of two or three characters is a byline).
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";

/// Compound surnames.
const COMPOUND_SURNAMES: [&str; 6] = ["欧阳", "司马", "诸葛", "上官", "司徒", "东方"];

fn para_zh(text: &str, latin_weight: f64) -> Para {
    let (mut latin, mut cjk) = (0usize, 0usize);
    for c in text.chars() {
        if is_cjk(c) {
            cjk += 1;
        } else if fold_width(c).is_alphanumeric() {
            latin += 1;
        }
    }
    Para {
        len: cjk as f64 + latin_weight * latin as f64,
        ending: ending(text),
        anchors: Vec::new(),
        foreign: false,
        copied: 0.0,
        title: false,
        byline: false,
        echo: false,
    }
}

/// English text for comparison: lower-case letters and digits, accents removed.
fn norm_en(text: &str) -> String {
    fold_latin(text).chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// Chinese text for comparison: ideographs, letters and digits only.
fn norm_zh(text: &str) -> String {
    text.chars()
        .map(fold_width)
        .filter(|&c| is_cjk(c) || c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A paragraph repeating (a part of) the title, or starting with the whole title.
fn is_title_part(para: &str, title: &str, min_chars: usize) -> bool {
    let (p, t) = (para.chars().count(), title.chars().count());
    if p == 0 || t == 0 {
        return false;
    }
    (title.contains(para) && p >= min_chars.min(t)) || (t >= min_chars && para.starts_with(title))
}

/// Lower-case, pinyin tone marks and common accents removed.
fn fold_latin(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ā' | 'á' | 'ǎ' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ă' | 'ą' => 'a',
            'ē' | 'é' | 'ě' | 'è' | 'ê' | 'ë' | 'ę' => 'e',
            'ī' | 'í' | 'ǐ' | 'ì' | 'î' | 'ï' => 'i',
            'ō' | 'ó' | 'ǒ' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ū' | 'ú' | 'ǔ' | 'ù' | 'û' | 'ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'u',
            'ç' | 'č' | 'ć' => 'c',
            'ñ' | 'ń' | 'ň' => 'n',
            'ș' | 'ş' | 'š' | 'ś' => 's',
            'ț' | 'ţ' | 'ť' => 't',
            'ž' | 'ź' | 'ż' => 'z',
            'ý' | 'ÿ' => 'y',
            'ł' => 'l',
            'ř' => 'r',
            '’' | '‘' => '\'',
            c => fold_width(c),
        })
        .collect()
}

#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
}

impl Interner {
    fn id(&mut self, key: &str) -> u32 {
        let next = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        *self.ids.entry(key.to_string()).or_insert(next)
    }
    fn len(&self) -> usize {
        self.ids.len()
    }
}

/// English keys of a gloss: the pinyin or name before any parenthesis, and what the
/// parentheses hold up to a " - " explanation; folded, at least 3 letters.
fn gloss_keys(gloss: &str) -> Vec<String> {
    let folded = fold_latin(gloss);
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = folded.as_str();
    while let Some(open) = rest.find('(') {
        parts.push(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find(')').unwrap_or(after.len());
        parts.push(&after[..close]);
        rest = after.get(close + 1..).unwrap_or("");
    }
    parts.push(rest);
    parts
        .into_iter()
        .map(|s| s.split(" - ").next().unwrap_or(s))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| s.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .collect()
}

/// `needle` occurs in `hay` as whole words.
fn contains_words(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(pos) = hay.get(from..).and_then(|h| h.find(needle)) {
        let start = from + pos;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
        if !word(before) && !word(after) {
            return true;
        }
        from = start + needle.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// A usable glossary entry: its anchor key, the Chinese term and the English keys.
struct Entry<'a> {
    key: String,
    term: &'a str,
    glosses: Vec<String>,
}

/// Glossary category lines (`人物<TAB>People`): headings, not names.
const CATEGORY_TERMS: [&str; 13] =
    ["人物", "人名", "地点", "地名", "组织", "机构", "团体", "事件", "其他", "术语", "作品", "时间", "日期"];

/// The glossary entries that can anchor: a term of two or more ideographs that is not a
/// category heading, and an English key of three or more letters.
fn glossary<'a>(ctx: &AlignContext<'a>) -> Vec<Entry<'a>> {
    ctx.glossary
        .iter()
        .take(MAX_GLOSSARY)
        .enumerate()
        .map(|(k, &(term, gloss))| Entry {
            key: format!("g:{k}"),
            term: term.trim(),
            glosses: gloss_keys(gloss),
        })
        .filter(|e| {
            e.term.chars().filter(|&c| is_cjk(c)).count() >= 2
                && !CATEGORY_TERMS.contains(&e.term)
                && !e.glosses.is_empty()
        })
        .collect()
}

fn en_anchors(text: &str, glossary: &[Entry<'_>], keys: &mut Interner) -> Vec<u32> {
    let mut ids: Vec<u32> = numbers_en(text).iter().map(|k| keys.id(k)).collect();
    let folded = fold_latin(text);
    for e in glossary {
        if e.glosses.iter().any(|g| contains_words(&folded, g)) {
            ids.push(keys.id(&e.key));
        }
    }
    for run in cjk_runs(text) {
        ids.push(keys.id(&format!("c:{run}")));
    }
    ids
}

fn zh_anchors(text: &str, glossary: &[Entry<'_>], runs: &[String], keys: &mut Interner) -> Vec<u32> {
    let mut ids: Vec<u32> = numbers_zh(text).iter().map(|k| keys.id(k)).collect();
    for e in glossary {
        if text.contains(e.term) {
            ids.push(keys.id(&e.key));
        }
    }
    for run in runs {
        if text.contains(run.as_str()) {
            ids.push(keys.id(&format!("c:{run}")));
        }
    }
    ids
}

/// Runs of two or more Chinese characters inside a text.
fn cjk_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut cur = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_cjk(c) {
            cur.push(c);
        } else {
            if cur.chars().count() >= 2 {
                runs.push(std::mem::take(&mut cur));
            }
            cur.clear();
        }
    }
    runs
}

/// The distinct Chinese runs quoted in the (non-foreign) English paragraphs.
fn en_cjk_runs(en: &[&str], paras: &[Para]) -> Vec<String> {
    let mut runs: Vec<String> =
        en.iter().zip(paras).filter(|(_, q)| !q.foreign).flat_map(|(t, _)| cjk_runs(t)).collect();
    runs.sort();
    runs.dedup();
    runs.truncate(MAX_RUNS);
    runs
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/// An exact decimal mant·10^exp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dec {
    mant: u128,
    exp: i32,
}

impl Dec {
    fn int(v: u128) -> Dec {
        Dec { mant: v, exp: 0 }
    }

    fn scaled(self, pow10: i32) -> Dec {
        Dec { mant: self.mant, exp: self.exp.saturating_add(pow10) }
    }

    /// Canonical text ("25000", "1.81"), or None when too large or too small to matter.
    fn key(self) -> Option<String> {
        let (mut mant, mut exp) = (self.mant, self.exp);
        while exp < 0 && mant != 0 && mant % 10 == 0 {
            mant /= 10;
            exp += 1;
        }
        if mant == 0 {
            return None;
        }
        if exp >= 0 {
            let v = 10u128.checked_pow(u32::try_from(exp).ok()?)?.checked_mul(mant)?;
            // Numbers below ten are too common ("one of", "两国") to anchor anything.
            (v >= 10).then(|| format!("n:{v}"))
        } else {
            let digits = mant.to_string();
            let frac = usize::try_from(exp.checked_neg()?).ok()?;
            if frac > 30 {
                return None;
            }
            let padded = format!("{digits:0>width$}", width = frac + 1);
            let (int, fr) = padded.split_at(padded.len() - frac);
            Some(format!("n:{int}.{fr}"))
        }
    }
}

/// Reads Arabic digits from `chars[*i]`: thousands separators (`,`, `，` before exactly three
/// digits) and a decimal point. Leaves `*i` after the number.
fn read_arabic(chars: &[char], i: &mut usize) -> Option<Dec> {
    let digit = |k: usize| chars.get(k).copied().filter(char::is_ascii_digit);
    let mut mant: u128 = 0;
    let mut exp = 0i32;
    let mut ok = true;
    let mut push = |mant: &mut u128, d: char| {
        let v = u128::from(d.to_digit(10).unwrap_or(0));
        match mant.checked_mul(10).and_then(|x| x.checked_add(v)) {
            Some(x) => *mant = x,
            None => ok = false,
        }
    };
    while let Some(d) = digit(*i) {
        push(&mut mant, d);
        *i += 1;
        let sep = matches!(chars.get(*i), Some(',' | '，'));
        if sep
            && digit(*i + 1).is_some()
            && digit(*i + 2).is_some()
            && digit(*i + 3).is_some()
            && digit(*i + 4).is_none()
        {
            *i += 1;
        }
    }
    if matches!(chars.get(*i), Some('.')) && digit(*i + 1).is_some() {
        *i += 1;
        while let Some(d) = digit(*i) {
            push(&mut mant, d);
            exp = exp.saturating_sub(1);
            *i += 1;
        }
    }
    ok.then_some(Dec { mant, exp })
}

/// Number words: value and kind (unit, ten, or a scale as a power of ten).
fn number_word(w: &str) -> Option<(u128, bool)> {
    const UNITS: [(&str, &str, u128); 19] = [
        ("one", "first", 1),
        ("two", "second", 2),
        ("three", "third", 3),
        ("four", "fourth", 4),
        ("five", "fifth", 5),
        ("six", "sixth", 6),
        ("seven", "seventh", 7),
        ("eight", "eighth", 8),
        ("nine", "ninth", 9),
        ("ten", "tenth", 10),
        ("eleven", "eleventh", 11),
        ("twelve", "twelfth", 12),
        ("thirteen", "thirteenth", 13),
        ("fourteen", "fourteenth", 14),
        ("fifteen", "fifteenth", 15),
        ("sixteen", "sixteenth", 16),
        ("seventeen", "seventeenth", 17),
        ("eighteen", "eighteenth", 18),
        ("nineteen", "nineteenth", 19),
    ];
    const TENS: [(&str, &str, u128); 8] = [
        ("twenty", "twentieth", 20),
        ("thirty", "thirtieth", 30),
        ("forty", "fortieth", 40),
        ("fifty", "fiftieth", 50),
        ("sixty", "sixtieth", 60),
        ("seventy", "seventieth", 70),
        ("eighty", "eightieth", 80),
        ("ninety", "ninetieth", 90),
    ];
    for (a, b, v) in UNITS.iter().chain(TENS.iter()) {
        if w == *a || w == *b {
            return Some((*v, false));
        }
    }
    match w {
        "hundred" | "hundredth" => Some((100, true)),
        "thousand" | "thousandth" => Some((1_000, true)),
        "million" | "millionth" => Some((1_000_000, true)),
        "billion" | "billionth" => Some((1_000_000_000, true)),
        _ => None,
    }
}

/// Numbers of an English text as anchor keys: digits (with `,` separators, decimals and
/// "million"-style scales) and number words ("eight thousand one hundred and five").
fn numbers_en(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().map(fold_width).collect();
    // Tokens: numbers and lower-case words.
    enum Tok {
        Num(Dec),
        Word(String),
        Gap,
    }
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            match read_arabic(&chars, &mut i) {
                Some(d) => toks.push(Tok::Num(d)),
                None => toks.push(Tok::Gap),
            }
            if i == start {
                i += 1;
            }
        } else if c.is_alphabetic() {
            let mut w = String::new();
            while let Some(&c) = chars.get(i).filter(|c| c.is_alphabetic()) {
                w.extend(c.to_lowercase());
                i += 1;
            }
            toks.push(Tok::Word(w));
        } else {
            if !matches!(c, ' ' | '-' | '$') {
                toks.push(Tok::Gap);
            }
            i += 1;
        }
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        match &toks[k] {
            Tok::Num(d) => {
                let mut d = *d;
                if let Some(Tok::Word(w)) = toks.get(k + 1) {
                    if let Some((scale, true)) = number_word(w) {
                        if scale >= 1_000 {
                            let pow = scale.ilog10() as i32;
                            d = d.scaled(pow);
                            k += 1;
                        }
                    }
                }
                out.extend(d.key());
                k += 1;
            }
            Tok::Word(w) if number_word(w).is_some() => {
                let (mut total, mut current): (u128, u128) = (0, 0);
                while let Some(Tok::Word(w)) = toks.get(k) {
                    match number_word(w) {
                        Some((v, false)) => current = current.saturating_add(v),
                        Some((100, true)) => current = current.max(1).saturating_mul(100),
                        Some((v, true)) => {
                            total = total.saturating_add(current.max(1).saturating_mul(v));
                            current = 0;
                        }
                        None if w == "and"
                            && matches!(toks.get(k + 1), Some(Tok::Word(n)) if number_word(n).is_some()) => {}
                        None => break,
                    }
                    k += 1;
                }
                out.extend(Dec::int(total.saturating_add(current)).key());
            }
            _ => k += 1,
        }
    }
    out
}

fn zh_digit(c: char) -> Option<u128> {
    Some(match c {
        '零' | '〇' | '○' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn zh_unit(c: char) -> Option<u128> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1_000,
        '万' => 10_000,
        '亿' => 100_000_000,
        _ => return None,
    })
}

/// Value of a run of Chinese numerals without a decimal point ("八千一百零五", "一九五四").
fn zh_integer(run: &[char]) -> Option<u128> {
    if run.iter().all(|&c| zh_digit(c).is_some()) {
        let mut v: u128 = 0;
        for &c in run {
            v = v.checked_mul(10)?.checked_add(zh_digit(c)?)?;
        }
        return Some(v);
    }
    let first = *run.first()?;
    if zh_digit(first).is_none() && first != '十' {
        return None;
    }
    // big: the part before 亿; total: before 万; section: below 万; digit: pending digit.
    let (mut big, mut total, mut section, mut digit): (u128, u128, u128, u128) = (0, 0, 0, 0);
    for &c in run {
        if let Some(d) = zh_digit(c) {
            digit = d;
            continue;
        }
        match zh_unit(c)? {
            u @ (10 | 100 | 1_000) => {
                let d = if digit == 0 && u == 10 { 1 } else { digit };
                section = section.checked_add(d.checked_mul(u)?)?;
            }
            10_000 => {
                let part = section.checked_add(digit)?.max(1);
                total = total.checked_add(part)?.checked_mul(10_000)?;
                section = 0;
            }
            u => {
                let part = total.checked_add(section)?.checked_add(digit)?.max(1);
                big = big.checked_add(part)?.checked_mul(u)?;
                total = 0;
                section = 0;
            }
        }
        digit = 0;
    }
    big.checked_add(total)?.checked_add(section)?.checked_add(digit)
}

/// Numbers of a Chinese text as anchor keys: Arabic and full-width digits (with `，`
/// separators and 万/亿 scales) and Chinese numerals of two or more characters.
fn numbers_zh(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().map(fold_width).collect();
    let numeral = |c: char| zh_digit(c).is_some() || zh_unit(c).is_some();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            let d = read_arabic(&chars, &mut i);
            if i == start {
                i += 1;
            }
            if let Some(mut d) = d {
                match chars.get(i) {
                    Some('万') => d = d.scaled(4),
                    Some('亿') => d = d.scaled(8),
                    _ => {}
                }
                out.extend(d.key());
            }
        } else if numeral(c) {
            let start = i;
            while i < chars.len()
                && (numeral(chars[i])
                    || (chars[i] == '点'
                        && i > start
                        && chars.get(i + 1).is_some_and(|&n| zh_digit(n).is_some())))
            {
                i += 1;
            }
            let run = &chars[start..i];
            // Two bare digits are mostly dates or idioms (五四, 三五成群), not numbers.
            let bare = run.iter().all(|&c| zh_digit(c).is_some());
            if run.len() < 2 || (bare && run.len() < 3) {
                continue;
            }
            let value = match run.iter().position(|&c| c == '点') {
                Some(p) => {
                    let int = zh_integer(&run[..p]);
                    let frac = &run[p + 1..];
                    let mut mant = int;
                    for &f in frac {
                        mant = mant.and_then(|m| m.checked_mul(10)).and_then(|m| m.checked_add(zh_digit(f)?));
                    }
                    let exp = i32::try_from(frac.len()).ok().map(|e| -e);
                    mant.zip(exp).map(|(mant, exp)| Dec { mant, exp })
                }
                None => zh_integer(run).map(Dec::int),
            };
            out.extend(value.and_then(Dec::key));
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Beads as (English indices, Chinese indices) ranges, for readable expectations.
    fn shape(beads: &[Bead]) -> Vec<(Range<usize>, Range<usize>)> {
        beads.iter().map(|b| (b.en.clone(), b.zh.clone())).collect()
    }

    fn bead(en: Range<usize>, zh: Range<usize>) -> (Range<usize>, Range<usize>) {
        (en, zh)
    }

    /// Every paragraph exactly once, in order, no empty bead, only the six bead shapes.
    fn assert_covers(beads: &[Bead], n: usize, m: usize) {
        let (mut i, mut j) = (0, 0);
        for b in beads {
            assert_eq!((b.en.start, b.zh.start), (i, j), "gap or overlap at {b:?} in {beads:?}");
            let shape = (b.en.len(), b.zh.len());
            assert!(matches!(shape, (1, 1) | (1, 0) | (0, 1) | (2, 1) | (1, 2) | (2, 2)), "bad bead {b:?}");
            i = b.en.end;
            j = b.zh.end;
        }
        assert_eq!((i, j), (n, m), "not every paragraph covered: {beads:?}");
    }

    fn ctx<'a>(title_en: &'a str, title_zh: &'a str) -> AlignContext<'a> {
        AlignContext { title_en, title_zh, glossary: &[] }
    }

    #[test]
    fn repeated_chinese_headline_is_left_unpaired() {
        let zh = [
            "工厂建成新高炉",
            "本报讯　某钢铁厂工人经过三个月的苦战，建成了一座新高炉，日产生铁一百二十吨。",
            "工人们说：“我们明年还要再建两座更大的高炉。”",
        ];
        let en = [
            "(Our Dispatch) After three months of hard work, the workers of a steel plant have built a new blast furnace that turns out 120 tons of pig iron a day.",
            "The workers said: \"Next year we will build two more, even larger furnaces.\"",
        ];
        let beads = align(&en, &zh, &ctx("Steel Plant Builds a New Furnace", "工厂建成新高炉"));
        assert_eq!(shape(&beads), vec![bead(0..0, 0..1), bead(0..1, 1..2), bead(1..2, 2..3)]);
    }

    #[test]
    fn headline_repeated_in_both_languages_is_paired() {
        let zh = ["魂", "马光复", "听老人讲，人是有魂儿的。但我不信世界上会有什么魂儿。"];
        let en = [
            "Soul",
            "Ma Guangfu",
            "The old people say that everybody has a soul. But I do not believe that there is any such thing as a soul.",
        ];
        let beads = align(&en, &zh, &ctx("Soul", "魂"));
        assert_eq!(shape(&beads), vec![bead(0..1, 0..1), bead(1..2, 1..2), bead(2..3, 2..3)]);
    }

    #[test]
    fn sub_headline_glued_to_the_previous_chinese_paragraph() {
        let en = [
            "International Briefs",
            "Harvest Festival Held in Jakarta",
            "Jakarta News: Thousands of farmers gathered on the 12th and celebrated the harvest festival with songs and dances.",
            "The festival lasted three days and was attended by many foreign guests.",
            "Floods Hit Southern Province",
            "Heavy rain fell on the 20th and 21st, flooding 3,500 hectares of farmland.",
            "Relief teams have already been sent to the area.",
        ];
        let zh = [
            "国际简讯",
            "雅加达举行丰收节",
            "雅加达讯　数千名农民十二日集会，载歌载舞庆祝丰收节。",
            "节日持续了三天，许多外国来宾出席。南部省份发生水灾",
            "二十日和二十一日连降大雨，三千五百公顷农田被淹。",
            "救灾队已经开赴灾区。",
        ];
        let beads = align(&en, &zh, &ctx("International Briefs", "国际简讯"));
        assert_eq!(
            shape(&beads),
            vec![
                bead(0..1, 0..1),
                bead(1..2, 1..2),
                bead(2..3, 2..3),
                bead(3..5, 3..4),
                bead(5..6, 4..5),
                bead(6..7, 5..6),
            ]
        );
    }

    #[test]
    fn chinese_line_broken_mid_sentence_is_merged() {
        let en = [
            "The Bus",
            "When the bus stopped, an old man with a cane climbed aboard slowly, looked around and said to nobody in particular: \"Is there a seat for an old man?\"",
            "A boy in a blue cap jumped up at once.",
        ];
        let zh = [
            "公共汽车",
            "汽车停下来，一位拄着拐杖的老人慢慢地上了车，四下看了看，",
            "自言自语地说：“有没有给老头儿的座位？”",
            "一个戴蓝帽子的男孩立刻站了起来。",
        ];
        let beads = align(&en, &zh, &ctx("The Bus", "公共汽车"));
        assert_eq!(shape(&beads), vec![bead(0..1, 0..1), bead(1..2, 1..3), bead(2..3, 3..4)]);
    }

    #[test]
    fn merged_english_paragraph_translates_two_chinese() {
        let en = [
            "Cairo News: The vice president announced on the 23rd that the population of the country was 30,641,000 according to the latest survey. Of these, 26,080,000 live in the Egyptian region.",
            "The survey was the first since the founding of the republic.",
        ];
        let zh = [
            "开罗讯　副总统二十三日宣布，据最近的人口调查，全国人口是三千零六十四万一千人。",
            "其中埃及地区的居民是二千六百零八万人。",
            "这是共和国成立以来第一次人口调查。",
        ];
        let beads = align(&en, &zh, &AlignContext::default());
        assert_eq!(shape(&beads), vec![bead(0..1, 0..2), bead(1..2, 2..3)]);
    }

    #[test]
    fn caption_expanded_by_the_translation() {
        let zh = ["春耕（木刻）  李华"];
        let en = [
            "Spring Ploughing, a woodcut by Li Hua, shows peasants driving their oxen across the wet fields at dawn.",
            "The artist uses bold black lines to convey the strength of the labourers and the promise of the season.",
            "The work reflects the optimism of the countryside and its people.",
            "It is a celebration of hard work and of the land.",
        ];
        let beads = align(&en, &zh, &ctx("Spring Ploughing (Woodcut)", "图片"));
        assert_eq!(
            shape(&beads),
            vec![bead(0..1, 0..1), bead(1..2, 1..1), bead(2..3, 1..1), bead(3..4, 1..1)]
        );
    }

    #[test]
    fn chinese_copy_inside_the_english_part_is_not_paired() {
        let en = [
            "致本报的贺电",
            "欣闻人民日报出版，特电致贺。",
            "太行区党委",
            "Congratulatory Telegram to This Newspaper",
            "We are delighted to hear that the People's Daily is being published, and send this telegram to congratulate you.",
            "Taihang Regional Party Committee",
        ];
        let zh = ["致本报的贺电", "欣闻人民日报出版，特电致贺。", "太行区党委"];
        let beads = align(&en, &zh, &ctx("Congratulatory Telegram to This Newspaper", "致本报的贺电"));
        assert_eq!(
            shape(&beads),
            vec![
                bead(0..1, 0..0),
                bead(1..2, 0..0),
                bead(2..3, 0..0),
                bead(3..4, 0..1),
                bead(4..5, 1..2),
                bead(5..6, 2..3),
            ]
        );
    }

    #[test]
    fn empty_sides() {
        assert!(align(&[], &[], &AlignContext::default()).is_empty());
        let beads = align(&["One.", "Two."], &[], &AlignContext::default());
        assert_eq!(shape(&beads), vec![bead(0..1, 0..0), bead(1..2, 0..0)]);
        let beads = align(&[], &["一。", "二。", "三。"], &AlignContext::default());
        assert_eq!(shape(&beads), vec![bead(0..0, 0..1), bead(0..0, 1..2), bead(0..0, 2..3)]);
        // Empty paragraph texts are still paragraphs.
        let beads = align(&["", ""], &["", ""], &AlignContext::default());
        assert_covers(&beads, 2, 2);
    }

    /// Three Chinese paragraphs of about the same length, only the first and last translated:
    /// lengths cannot tell which one was left out (and trailing extras are cheaper), the
    /// numbers can.
    #[test]
    fn numbers_decide_which_paragraph_is_untranslated() {
        let zh = [
            "１９５８年，全县粮食总产量达到三亿二千万斤，比上年增长百分之四十五。",
            "全县共有八千一百零五个作业组，参加劳动的社员有十二万六千人。",
            "县委书记说，明年全县要建成一千二百个食堂和三百四十所学校。",
        ];
        let en = [
            "In 1958 the county's total grain output reached 320 million jin, 45 percent more than the year before.",
            "The county party secretary said that next year the county will build 1,200 canteens and 340 schools.",
        ];
        let want = vec![bead(0..1, 0..1), bead(1..1, 1..2), bead(1..2, 2..3)];
        assert_eq!(shape(&align(&en, &zh, &AlignContext::default())), want);
        let blind = AlignParams { anchor_shared: 0.0, anchor_missing: 0.0, ..AlignParams::default() };
        let without = align_with(&en, &zh, &AlignContext::default(), &blind);
        assert_ne!(shape(&without), want, "the fixture must need the anchors");
    }

    #[test]
    fn glossary_names_decide_which_paragraph_is_untranslated() {
        let zh = [
            "周恩来总理今天下午接见了日本青年代表团全体成员。",
            "陈毅副总理今天上午会见了缅甸文化代表团全体成员。",
            "贺龙副总理今天晚上出席了朝鲜体育代表团的宴会。",
        ];
        let en = [
            "Premier Zhou Enlai this afternoon received all members of the Japanese youth delegation.",
            "Vice Premier He Long attended a banquet given by the Korean sports delegation this evening.",
        ];
        let glossary = [
            ("周恩来", "Zhōu Ēnlái"),
            ("陈毅", "Chén Yì (Chen Yi)"),
            ("贺龙", "Hè Lóng (He Long - a marshal)"),
            ("人物", "People"),
        ];
        let ctx = AlignContext { title_en: "", title_zh: "", glossary: &glossary };
        let want = vec![bead(0..1, 0..1), bead(1..1, 1..2), bead(1..2, 2..3)];
        assert_eq!(shape(&align(&en, &zh, &ctx)), want);
        let blind = AlignParams { anchor_shared: 0.0, anchor_missing: 0.0, ..AlignParams::default() };
        assert_ne!(shape(&align_with(&en, &zh, &ctx, &blind)), want);
    }

    #[test]
    fn chinese_numbers() {
        let keys = |s: &str| numbers_zh(s);
        assert_eq!(keys("全县八千一百零五个作业组"), ["n:8105"]);
        assert_eq!(keys("一九五四年十二月三十一日"), ["n:1954", "n:12", "n:31"]);
        assert_eq!(keys("以３∶０战胜泰国队，第１５届"), ["n:15"]);
        assert_eq!(keys("约有6，600人，共１，234，567元"), ["n:6600", "n:1234567"]);
        assert_eq!(keys("二万五千名，三千零六十四万一千人"), ["n:25000", "n:30641000"]);
        assert_eq!(keys("增加到三百零四万人，三亿二千万斤"), ["n:3040000", "n:320000000"]);
        assert_eq!(keys("一点八一公尺，二点五马力，1.80米"), ["n:1.81", "n:2.5", "n:1.8"]);
        assert_eq!(keys("价值５００万美元，８０％"), ["n:5000000", "n:80"]);
        assert_eq!(keys("一九五○年"), ["n:1950"]);
        // Single numerals and bare two-digit runs are words or dates, not anchors.
        assert!(keys("一个统一的国家，五四运动，十分重要，两国，千万不要").is_empty());
        assert!(keys("").is_empty());
        // Absurd digit strings are dropped, not overflowed.
        assert!(keys(&"9".repeat(200)).is_empty());
        assert!(keys(&"九".repeat(200)).is_empty());
    }

    #[test]
    fn english_numbers() {
        let keys = |s: &str| numbers_en(s);
        assert_eq!(keys("about 25,000 people; 3.04 million patients"), ["n:25000", "n:3040000"]);
        assert_eq!(keys("eight thousand one hundred and five work groups"), ["n:8105"]);
        assert_eq!(keys("On the thirty-first, twenty-nine aircraft"), ["n:31", "n:29"]);
        assert_eq!(keys("a $2.5 million villa, 1.80 meters, 80%"), ["n:2500000", "n:1.8", "n:80"]);
        assert_eq!(keys("the 11th Asian Games in 1990"), ["n:11", "n:1990"]);
        assert!(keys("one of the three, 3-0").is_empty());
        assert!(keys(&"9".repeat(200)).is_empty());
    }

    #[test]
    fn paragraph_endings_and_titles() {
        assert_eq!(ending("他说：“好！”"), Ending::Sentence);
        assert_eq!(ending("*From \"On Protracted War\"*"), Ending::Bare);
        assert_eq!(ending("To our beloved Chairman Mao:"), Ending::Open);
        assert_eq!(ending("（据新华社讯）"), Ending::Bare);
        assert_eq!(ending(""), Ending::Bare);
        assert!(is_title_part(
            &norm_zh("人民军队　人民战争"),
            &norm_zh("人民军队　人民战争——纪念建军三十一周年"),
            2
        ));
        assert!(is_title_part(&norm_en("\"Carry me over!\""), &norm_en("\"Carry me over!\" (Picture)"), 4));
        assert!(!is_title_part(&norm_en("Zhu"), &norm_en("Zhu De Speaks"), 4));
        assert!(!is_title_part("", "", 2));
    }

    #[test]
    fn glossary_category_lines_are_not_anchors() {
        let pairs = [("人物", "People"), ("地点", "Places"), ("周恩来", "Zhou Enlai")];
        let ctx = AlignContext { title_en: "", title_zh: "", glossary: &pairs };
        let terms: Vec<&str> = glossary(&ctx).iter().map(|e| e.term).collect();
        assert_eq!(terms, ["周恩来"]);
    }

    #[test]
    fn gloss_keys_and_word_matches() {
        assert_eq!(gloss_keys("Rénmín Rìbào (People's Daily)"), ["renmin ribao", "people's daily"]);
        assert_eq!(gloss_keys("Dàzhài (Dazhai - a model brigade)"), ["dazhai", "dazhai"]);
        assert!(gloss_keys("(").is_empty());
        assert!(contains_words("the people's daily said", "people's daily"));
        assert!(!contains_words("shanghaied", "shanghai"));
    }

    #[test]
    fn naive_pairing() {
        assert_eq!(shape(&align_naive(2, 2)), vec![bead(0..1, 0..1), bead(1..2, 1..2)]);
        assert_eq!(shape(&align_naive(3, 1)), vec![bead(0..1, 0..1), bead(1..2, 1..1), bead(2..3, 1..1)]);
        assert_eq!(shape(&align_naive(0, 2)), vec![bead(0..0, 0..1), bead(0..0, 1..2)]);
        assert!(align_naive(0, 0).is_empty());
        assert!(Bead { en: 0..1, zh: 3..4 }.is_one_to_one());
        assert!(!Bead { en: 0..2, zh: 3..4 }.is_one_to_one());
        assert!(!Bead { en: 0..1, zh: 3..3 }.is_one_to_one());
    }

    /// The banded search (long articles) finds the diagonal when it is the answer.
    #[test]
    fn band_keeps_the_diagonal() {
        let en: Vec<String> =
            (0..300).map(|k| format!("Paragraph {k} says {} things.", "many ".repeat(k % 7))).collect();
        let zh: Vec<String> =
            (0..300).map(|k| format!("第{k}段说了{}事情。", "很多".repeat(k % 7))).collect();
        let en: Vec<&str> = en.iter().map(String::as_str).collect();
        let zh: Vec<&str> = zh.iter().map(String::as_str).collect();
        let params = AlignParams::default();
        let scorer = Scorer::new(&en, &zh, &AlignContext::default(), &params);
        let band = Band::new(300, 300, 5_000);
        assert!(band.cells() < 301 * 301, "the band must be narrower than the full table");
        let beads = dp(&scorer, &band).unwrap_or_default();
        assert_covers(&beads, 300, 300);
        assert!(beads.iter().all(Bead::is_one_to_one));
        // A very unequal band still connects (0, 0) to (n, m).
        let scorer = Scorer::new(&en[..3], &zh, &AlignContext::default(), &params);
        let beads = dp(&scorer, &Band::new(3, 300, 100)).unwrap_or_default();
        assert_covers(&beads, 3, 300);
    }

    #[test]
    fn many_paragraphs_on_one_side() {
        let en = vec!["x"; 100_000];
        assert_covers(&align(&en, &[], &AlignContext::default()), 100_000, 0);
        assert_covers(&align(&en[..2_000], &["一"], &AlignContext::default()), 2_000, 1);
    }

    #[test]
    fn odd_parameters_still_cover() {
        let p = AlignParams { ratio: f64::NAN, variance: -1.0, ..AlignParams::default() };
        let beads = align_with(&["a", "b"], &["一", "二", "三"], &AlignContext::default(), &p);
        assert_covers(&beads, 2, 3);
    }

    fn paragraph() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 ,.:!?\"()-]{0,60}",
            "[一二三十百千万亿点零〇人民日报中国的了是。，：！？“”（）０-９ 　]{0,30}",
            "[a-z 一二三0-9.,，]{0,20}",
        ]
    }

    proptest! {
        #[test]
        fn beads_cover_every_paragraph_once_in_order(
            en in prop::collection::vec(paragraph(), 0..25),
            zh in prop::collection::vec(paragraph(), 0..25),
            title_en in paragraph(),
            title_zh in paragraph(),
            gloss in prop::collection::vec((paragraph(), paragraph()), 0..4),
        ) {
            let en: Vec<&str> = en.iter().map(String::as_str).collect();
            let zh: Vec<&str> = zh.iter().map(String::as_str).collect();
            let glossary: Vec<(&str, &str)> = gloss.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let ctx = AlignContext { title_en: &title_en, title_zh: &title_zh, glossary: &glossary };
            let beads = align(&en, &zh, &ctx);
            assert_covers(&beads, en.len(), zh.len());
            assert_covers(&align_naive(en.len(), zh.len()), en.len(), zh.len());
        }
    }
}
