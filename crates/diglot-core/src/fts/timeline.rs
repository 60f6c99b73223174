//! Timelines (as Google Ngram): per period and term, the exact occurrences and articles, and
//! the share of the archive they make in that period (the denominators come from the whole
//! index, [`FtsIndex::totals`]).

use super::index::{FtsError, FtsIndex};
use super::query::Node;
use super::search::{Hit, Order};
use std::collections::BTreeMap;

/// The period a timeline counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    /// `YYYY`.
    #[default]
    Year,
    /// `YYYY-MM`.
    Month,
}

impl Period {
    /// The period of a `YYYYMMDD` date, as a number (`YYYY` or `YYYYMM`).
    pub fn key(self, date: u32) -> u32 {
        match self {
            Period::Year => date / 10000,
            Period::Month => date / 100,
        }
    }

    /// The label of a period's number: `1958` or `1958-08`.
    pub fn label(self, key: u32) -> String {
        match self {
            Period::Year => format!("{key:04}"),
            Period::Month => format!("{:04}-{:02}", key / 100, key % 100),
        }
    }
}

/// What a timeline's value is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Norm {
    /// Percent of the period's articles that hold the term.
    #[default]
    Articles,
    /// Occurrences per million characters (not white space) of the period's text.
    MillionChars,
}

/// One row of a timeline: a period and a term.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FreqRow {
    /// `YYYY` or `YYYY-MM` ([`Period::label`]).
    pub period: String,
    /// The period's number ([`Period::key`]): `YYYY` or `YYYYMM`.
    pub key: u32,
    /// The term (a query) as given.
    pub term: String,
    /// Occurrences in the period.
    pub occurrences: u64,
    /// Articles holding it.
    pub articles: u64,
    /// Articles in the period (the whole index).
    pub total_articles: u64,
    /// Characters in the period.
    pub total_chars: u64,
    /// The normalised value (see [`Norm`]).
    pub per: f64,
}

/// The terms of a comma-separated list (`人民公社, 合作社`), trimmed, empty ones left out.
pub fn split_terms(terms: &str) -> Vec<&str> {
    terms.split([',', '，']).map(str::trim).filter(|t| !t.is_empty()).collect()
}

/// The timeline of each term (a label and its parsed query): one row per period of the index
/// (every period that has dated articles, zeros included) and term, in period order then in
/// the terms' order. Articles without a date are left out. `None` when cancelled.
pub fn freq_rows(
    ix: &FtsIndex,
    terms: &[(&str, &Node)],
    by: Period,
    per: Norm,
    cancel: &dyn Fn() -> bool,
) -> Result<Option<Vec<FreqRow>>, FtsError> {
    let totals = ix.totals(&|d| by.key(d))?;
    let mut series = Vec::with_capacity(terms.len());
    for (label, q) in terms {
        let Some(r) = ix.search(q, Order::Date, cancel)? else { return Ok(None) };
        series.push((*label, by_period(&r.hits, by)));
    }
    Ok(Some(rows_of(&totals, &series, by, per)))
}

/// Occurrences and articles of `hits` by period (articles without a date left out): one
/// term's series, from a search's hits.
pub fn by_period(hits: &[Hit], by: Period) -> Counts {
    let mut m = Counts::new();
    for h in hits.iter().filter(|h| h.date != 0) {
        let e = m.entry(by.key(h.date)).or_default();
        e.0 += u64::from(h.count);
        e.1 += 1;
    }
    m
}

/// Per period key: (occurrences, articles), or for totals (articles, characters).
pub type Counts = BTreeMap<u32, (u64, u64)>;

/// The rows of [`freq_rows`] from the index's totals by period ([`FtsIndex::totals`]) and
/// each term's series ([`by_period`]).
pub fn rows_of(totals: &Counts, series: &[(&str, Counts)], by: Period, per: Norm) -> Vec<FreqRow> {
    let mut rows = Vec::with_capacity(totals.len() * series.len());
    for (&k, &(ta, tc)) in totals {
        for (t, m) in series {
            let (occ, arts) = m.get(&k).copied().unwrap_or((0, 0));
            let v = match per {
                Norm::Articles => 100.0 * arts as f64 / ta.max(1) as f64,
                Norm::MillionChars => 1e6 * occ as f64 / tc.max(1) as f64,
            };
            rows.push(FreqRow {
                period: by.label(k),
                key: k,
                term: (*t).to_string(),
                occurrences: occ,
                articles: arts,
                total_articles: ta,
                total_chars: tc,
                per: v,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_terms() {
        assert_eq!((Period::Year.key(19580802), Period::Month.key(19580802)), (1958, 195808));
        assert_eq!(
            (Period::Year.label(1958), Period::Month.label(195808)),
            ("1958".into(), "1958-08".into())
        );
        assert_eq!(split_terms(" 人民公社, 合作社，,commune "), ["人民公社", "合作社", "commune"]);
    }
}
