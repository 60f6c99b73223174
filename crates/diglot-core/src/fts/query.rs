//! The query language of full-text search, `kwic` and `freq` (one parser for all):
//!
//! ```text
//! 人民公社 commune          words and phrases, all must occur (AND by default)
//! "people's commune"        an exact phrase (in either language)
//! 公社 OR commune           either
//! NOT 美国  -美国           must not occur
//! 公社 NEAR/5 合作社        within 5 units (words or Han characters) of each other, same paragraph
//!                           (n at most 100, [`MAX_NEAR`])
//! ( … )                     grouping
//! title:公社 author:"Hu Sheng" page:1 page:1..4
//! date:1958 date:1958-08 date:1958-08-01 date:1958-08..1959-03 date:..1957 date:1966..
//! ```
//!
//! A bare word is read with the tokenization of [`super::tokens`]: `人民公社` is the phrase of its
//! four characters, `well-known` the phrase `well known`. Matching is case-insensitive.
//! Traditional characters also find the simplified ([`super::simplified`]).

use super::tokens::{units, Unit};
use std::fmt;

/// Where a term is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Everything: titles, authors, paragraphs, glossary.
    Body,
    /// The English and Chinese titles.
    Title,
    /// The English and Chinese authors.
    Author,
}

/// A phrase to find: its text as written and its units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// The field searched.
    pub field: Field,
    /// The phrase as written in the query (after Traditional-to-Simplified conversion).
    pub text: String,
    /// Its units (never empty).
    pub units: Vec<Unit>,
}

/// An inclusive range of dates as `YYYYMMDD` numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// First day, e.g. 19580801.
    pub from: u32,
    /// Last day, e.g. 19590331.
    pub to: u32,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A word or phrase.
    Phrase(Phrase),
    /// All of these; the `Not` ones must not match.
    And(Vec<Node>),
    /// Any of these.
    Or(Vec<Node>),
    /// Must not match (only inside `And`).
    Not(Box<Node>),
    /// Two phrases within `n` units of each other in one paragraph.
    Near(Phrase, Phrase, u32),
    /// The article's date in the range.
    Date(DateRange),
    /// The article's page in the range (inclusive).
    Page(u32, u32),
}

/// A query that does not parse: what is wrong and at which column (1-based, in characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {col}: {msg}")]
pub struct QueryError {
    /// 1-based column (in characters) of the problem.
    pub col: usize,
    /// What is wrong.
    pub msg: String,
}

impl QueryError {
    /// The message, the query and a caret under the problem (display columns counted, so the
    /// caret stands under the right character after Chinese text).
    pub fn render(&self, query: &str) -> String {
        let before: String = query.chars().take(self.col.saturating_sub(1)).collect();
        let pad = crate::text::width(&crate::text::sanitize(&before));
        format!("{self}\n  {}\n  {}^", crate::text::sanitize(query), " ".repeat(pad))
    }
}

/// The largest n of NEAR/n: paragraphs are further apart than this in the index (a larger
/// gap would cost every position in the index bits: see [`super::tokens::SEGMENT_GAP`]).
pub const MAX_NEAR: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Quoted(String),
    Field(String, String, bool), // name, value, value quoted
    LParen,
    RParen,
    Or,
    And,
    Not,
    Minus,
    Near(u32),
}

fn lex(q: &str) -> Result<Vec<(usize, Tok)>, QueryError> {
    let chars: Vec<char> = q.chars().collect();
    // the character at `i`, '\0' past the end (never a character of a query that matters)
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let text = |a: usize, b: usize| -> String { chars.get(a..b).unwrap_or_default().iter().collect() };
    let mut out = Vec::new();
    let mut i = 0;
    let err = |col: usize, msg: String| QueryError { col: col + 1, msg };
    let quoted = |i: usize| -> Result<(String, usize), QueryError> {
        // at(i) is the opening quote
        let close = if at(i) == '“' { '”' } else { '"' };
        let mut j = i + 1;
        while j < chars.len() && at(j) != close && !(close == '"' && at(j) == '”') {
            j += 1;
        }
        if j >= chars.len() {
            return Err(err(i, "this quote is never closed".into()));
        }
        Ok((text(i + 1, j), j + 1))
    };
    let is_paren = |c: char| matches!(c, '(' | ')' | '（' | '）');
    while i < chars.len() {
        let c = at(i);
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' || c == '（' {
            out.push((i, Tok::LParen));
            i += 1;
        } else if c == ')' || c == '）' {
            out.push((i, Tok::RParen));
            i += 1;
        } else if c == '"' || c == '“' {
            let (s, j) = quoted(i)?;
            out.push((i, Tok::Quoted(s)));
            i = j;
        } else if c == '-' && chars.get(i + 1).is_some_and(|d| !d.is_whitespace()) {
            out.push((i, Tok::Minus));
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && !at(i).is_whitespace() && !is_paren(at(i)) && !matches!(at(i), '"' | '“')
            {
                if at(i) == ':' {
                    break;
                }
                i += 1;
            }
            let word = text(start, i);
            if i < chars.len() && at(i) == ':' {
                let name = word.to_ascii_lowercase();
                if matches!(name.as_str(), "title" | "author" | "page" | "date") {
                    i += 1;
                    if i < chars.len() && (at(i) == '"' || at(i) == '“') {
                        let (s, j) = quoted(i)?;
                        out.push((start, Tok::Field(name, s, true)));
                        i = j;
                    } else {
                        let vs = i;
                        while i < chars.len() && !at(i).is_whitespace() && !is_paren(at(i)) {
                            i += 1;
                        }
                        if vs == i {
                            return Err(err(vs, format!("`{name}:` needs a value right after the colon")));
                        }
                        out.push((start, Tok::Field(name, text(vs, i), false)));
                    }
                    continue;
                }
                // a field's name misspelt (`titel:`, `autor:`, `dates:`) found nothing and
                // said nothing: an error naming the field meant
                if let Some(meant) = misspelt_field(&name) {
                    let msg = format!(
                        "`{word}:` is not a field: did you mean `{meant}:`? (title: author: page: date:)"
                    );
                    return Err(err(start, msg));
                }
                // not a field: the colon is part of the word (`3:0`)
                while i < chars.len()
                    && !at(i).is_whitespace()
                    && !is_paren(at(i))
                    && !matches!(at(i), '"' | '“')
                {
                    i += 1;
                }
            }
            let word = text(start, i);
            let tok = match word.as_str() {
                "OR" | "|" => Tok::Or,
                "AND" => Tok::And,
                "NOT" => Tok::Not,
                w if w.starts_with("NEAR/") => {
                    let n = w.strip_prefix("NEAR/").unwrap_or_default();
                    match n.parse::<u32>() {
                        Ok(n) if n <= MAX_NEAR => Tok::Near(n),
                        Ok(_) => {
                            let msg = format!("NEAR/n: n can be at most {MAX_NEAR} (units of one paragraph)");
                            return Err(err(start + 5, msg));
                        }
                        Err(_) => {
                            return Err(err(start + 5, "NEAR/ needs a number of words, e.g. NEAR/5".into()))
                        }
                    }
                }
                "NEAR" => return Err(err(start, "NEAR needs a distance, e.g. NEAR/5".into())),
                _ => Tok::Word(word),
            };
            out.push((start, tok));
        }
    }
    Ok(out)
}

/// A lower-case `or`, `and` or `not` standing alone between two terms (`公社 or commune`): it
/// is searched as a word, as Google and ProQuest do (only upper case is an operator: `or` is
/// a word of English text), but most likely OR was meant. Returns its 1-based column and a
/// hint saying so; `None` for a query without one (or that does not parse).
pub fn lowercase_operator(q: &str) -> Option<(usize, String)> {
    let toks = lex(q).ok()?;
    let ends_term = |t: &Tok| matches!(t, Tok::Word(_) | Tok::Quoted(_) | Tok::Field(..) | Tok::RParen);
    let starts_term = |t: &Tok| {
        matches!(t, Tok::Word(_) | Tok::Quoted(_) | Tok::Field(..) | Tok::LParen | Tok::Minus | Tok::Not)
    };
    toks.iter().enumerate().find_map(|(i, (col, t))| {
        let Tok::Word(w) = t else { return None };
        // (upper case is lexed as the operator, never a word)
        let op = w.to_ascii_uppercase();
        if !matches!(op.as_str(), "OR" | "AND" | "NOT") {
            return None;
        }
        let before = toks.get(i.checked_sub(1)?).is_some_and(|(_, p)| ends_term(p));
        let after = toks.get(i + 1).is_some_and(|(_, n)| starts_term(n));
        (before && after).then(|| {
            (col + 1, format!("did you mean {op}? `{w}` was searched as a word (operators are upper case)"))
        })
    })
}

struct Parser<'a> {
    toks: &'a [(usize, Tok)],
    i: usize,
    end: usize,
    t2s: &'a dyn Fn(&str) -> String,
}

impl Parser<'_> {
    fn col(&self) -> usize {
        self.toks.get(self.i).map_or(self.end, |t| t.0)
    }
    fn err<T>(&self, col: usize, msg: impl Into<String>) -> Result<T, QueryError> {
        Err(QueryError { col: col + 1, msg: msg.into() })
    }
    /// The column of the token just taken.
    fn prev_col(&self) -> usize {
        self.i.checked_sub(1).and_then(|i| self.toks.get(i)).map_or(self.end, |t| t.0)
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.1)
    }

    fn or(&mut self) -> Result<Node, QueryError> {
        let mut alts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.i += 1;
            if matches!(self.peek(), None | Some(Tok::RParen | Tok::Or)) {
                return self.err(self.prev_col(), "OR needs a term after it");
            }
            alts.push(self.and()?);
        }
        Ok(if alts.len() == 1 { alts.pop().unwrap_or(Node::And(Vec::new())) } else { Node::Or(alts) })
    }

    fn and(&mut self) -> Result<Node, QueryError> {
        let start = self.col();
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                None | Some(Tok::RParen | Tok::Or) => break,
                Some(Tok::And) => {
                    self.i += 1;
                    if matches!(self.peek(), None | Some(Tok::RParen | Tok::Or | Tok::And)) {
                        return self.err(self.prev_col(), "AND needs a term after it");
                    }
                }
                _ => parts.push(self.unary()?),
            }
        }
        if parts.is_empty() {
            return self.err(start, "a term was expected here");
        }
        if parts.iter().all(|p| matches!(p, Node::Not(_))) {
            return self.err(start, "only excluded terms: add a term to find (NOT and - only exclude)");
        }
        Ok(if parts.len() == 1 { parts.pop().unwrap_or(Node::And(Vec::new())) } else { Node::And(parts) })
    }

    fn unary(&mut self) -> Result<Node, QueryError> {
        if matches!(self.peek(), Some(Tok::Not | Tok::Minus)) {
            let col = self.col();
            self.i += 1;
            if matches!(self.peek(), None | Some(Tok::RParen | Tok::Or | Tok::And)) {
                return self.err(col, "NOT needs a term after it");
            }
            let inner = self.unary()?;
            if matches!(inner, Node::Not(_)) {
                return self.err(col, "a double negation: drop both");
            }
            return Ok(Node::Not(Box::new(inner)));
        }
        let col = self.col();
        let first = self.atom()?;
        if let Some(&Tok::Near(n)) = self.peek() {
            let ncol = self.col();
            self.i += 1;
            let Node::Phrase(a) = first else {
                return self.err(col, "NEAR joins two words or phrases, not this");
            };
            if self.peek().is_none() {
                return self.err(ncol, "NEAR/n needs a word or phrase after it");
            }
            let bcol = self.col();
            let Node::Phrase(b) = self.atom()? else {
                return self.err(bcol, "NEAR joins two words or phrases, not this");
            };
            if a.field != b.field {
                return self.err(ncol, "NEAR joins two terms of the same field");
            }
            if matches!(self.peek(), Some(Tok::Near(_))) {
                return self.err(self.col(), "one NEAR at a time: group with AND");
            }
            return Ok(Node::Near(a, b, n));
        }
        Ok(first)
    }

    fn phrase(&self, col: usize, field: Field, text: &str) -> Result<Node, QueryError> {
        let u = units(text);
        if u.is_empty() {
            return self.err(col, "nothing to search for here: no word or Chinese character");
        }
        let simple = (self.t2s)(text);
        let su = units(&simple);
        let p = Node::Phrase(Phrase { field, text: text.to_string(), units: u.clone() });
        if su != u && !su.is_empty() {
            let s = Node::Phrase(Phrase { field, text: simple, units: su });
            return Ok(Node::Or(vec![p, s]));
        }
        Ok(p)
    }

    fn atom(&mut self) -> Result<Node, QueryError> {
        let col = self.col();
        let Some(tok) = self.peek().cloned() else { return self.err(col, "a term was expected here") };
        self.i += 1;
        match tok {
            Tok::LParen => {
                let inner = self.or()?;
                if self.peek() != Some(&Tok::RParen) {
                    return self.err(col, "this parenthesis is never closed");
                }
                self.i += 1;
                Ok(inner)
            }
            Tok::RParen => self.err(col, "a closing parenthesis without an opening one"),
            Tok::Word(w) | Tok::Quoted(w) => self.phrase(col, Field::Body, &w),
            Tok::Field(name, v, _) => {
                let vcol = col + name.chars().count() + 1;
                match name.as_str() {
                    "title" => self.phrase(vcol, Field::Title, &v),
                    "author" => self.phrase(vcol, Field::Author, &v),
                    "page" => parse_page(&v).map(|(a, b)| Node::Page(a, b)).ok_or(QueryError {
                        col: vcol + 1,
                        msg: format!("page: wants a number or a range like 1..4, not `{v}`"),
                    }),
                    _ => parse_date_range(&v)
                        .map(Node::Date)
                        .map_err(|(off, msg)| QueryError { col: vcol + 1 + off, msg }),
                }
            }
            Tok::Or | Tok::And => self.err(col, "a term was expected before this operator"),
            Tok::Not | Tok::Minus => self.err(col, "NOT cannot stand here"),
            Tok::Near(_) => self.err(col, "NEAR/n needs a word or phrase before it"),
        }
    }
}

fn parse_page(v: &str) -> Option<(u32, u32)> {
    match v.split_once("..") {
        None => v.parse().ok().map(|n| (n, n)),
        Some((a, b)) => {
            let a = if a.is_empty() { 0 } else { a.parse().ok()? };
            let b = if b.is_empty() { u32::MAX } else { b.parse().ok()? };
            (a <= b).then_some((a, b))
        }
    }
}

/// One end of a date range: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as (first day, last day).
fn date_bounds(s: &str) -> Option<(u32, u32)> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok()).flatten()
    };
    match parts.as_slice() {
        [y] => {
            let y = num(y, 4)?;
            Some((y * 10000 + 101, y * 10000 + 1231))
        }
        [y, m] => {
            let (y, m) = (num(y, 4)?, num(m, 2)?);
            (1..=12).contains(&m).then_some((y * 10000 + m * 100 + 1, y * 10000 + m * 100 + 31))
        }
        [_, _, _] => {
            let d = crate::corpus::Date::parse(s)?;
            let n = u32::from(d.year) * 10000 + u32::from(d.month) * 100 + u32::from(d.day);
            Some((n, n))
        }
        _ => None,
    }
}

/// `date:` values: one period or `FROM..TO` (either side may be left out). The error gives
/// the offset (in characters) of the bad part.
fn parse_date_range(v: &str) -> Result<DateRange, (usize, String)> {
    let bad = |off: usize, s: &str| (off, format!("date: wants YYYY, YYYY-MM or YYYY-MM-DD, not `{s}`"));
    match v.split_once("..") {
        None => date_bounds(v).map(|(from, to)| DateRange { from, to }).ok_or_else(|| bad(0, v)),
        Some((a, b)) => {
            let from = if a.is_empty() { 0 } else { date_bounds(a).ok_or_else(|| bad(0, a))?.0 };
            let boff = a.chars().count() + 2;
            let to = if b.is_empty() { u32::MAX } else { date_bounds(b).ok_or_else(|| bad(boff, b))?.1 };
            if from > to {
                return Err((0, format!("date: the range `{v}` ends before it starts")));
            }
            Ok(DateRange { from, to })
        }
    }
}

/// Parses a query; `t2s` converts Traditional characters to Simplified (a term whose
/// conversion differs finds either form).
pub fn parse_with(q: &str, t2s: &dyn Fn(&str) -> String) -> Result<Node, QueryError> {
    let toks = lex(q)?;
    let end = q.chars().count();
    if toks.is_empty() {
        return Err(QueryError { col: 1, msg: "the query is empty".into() });
    }
    let mut p = Parser { toks: &toks, i: 0, end, t2s };
    let node = p.or()?;
    if p.i < toks.len() {
        return p.err(p.col(), "a closing parenthesis without an opening one");
    }
    Ok(node)
}

/// Parses a query, converting Traditional characters with OpenCC's `t2s` tables.
pub fn parse(q: &str) -> Result<Node, QueryError> {
    parse_with(q, &super::simplified)
}

impl Node {
    /// The first part of the query (in the query language's words) that a scan for the text
    /// as one phrase cannot answer: a filter (`date:`, `page:`, `title:`, `author:`) or an
    /// operator (`OR`, `NOT`, `NEAR/n`); `None` for words and phrases alone.
    pub fn index_only(&self) -> Option<&'static str> {
        match self {
            Node::Phrase(p) => match p.field {
                Field::Body => None,
                Field::Title => Some("title:"),
                Field::Author => Some("author:"),
            },
            Node::And(xs) => xs.iter().find_map(Node::index_only),
            Node::Or(_) => Some("OR"),
            Node::Not(_) => Some("NOT"),
            Node::Near(..) => Some("NEAR/n"),
            Node::Date(_) => Some("date:"),
            Node::Page(..) => Some("page:"),
        }
    }

    /// The phrases the query looks for (not the excluded ones): what `kwic` shows and
    /// relevance counts.
    pub fn positive_phrases(&self) -> Vec<&Phrase> {
        let mut v = Vec::new();
        fn walk<'a>(n: &'a Node, v: &mut Vec<&'a Phrase>) {
            match n {
                Node::Phrase(p) => v.push(p),
                Node::And(xs) | Node::Or(xs) => xs.iter().for_each(|x| walk(x, v)),
                Node::Near(a, b, _) => {
                    v.push(a);
                    v.push(b);
                }
                Node::Not(_) | Node::Date(_) | Node::Page(..) => {}
            }
        }
        walk(self, &mut v);
        v
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::Body => "text",
            Field::Title => "title",
            Field::Author => "author",
        })
    }
}

/// The field `name` is one edit away from (a letter changed, added, dropped, or two neighbours
/// swapped), when `name` is a word of three letters or more and not a field itself.
fn misspelt_field(name: &str) -> Option<&'static str> {
    let n: Vec<char> = name.chars().collect();
    if n.len() < 3 || !n.iter().all(char::is_ascii_alphabetic) {
        return None;
    }
    ["title", "author", "page", "date"].into_iter().find(|f| {
        let f: Vec<char> = f.chars().collect();
        one_edit(&n, &f)
    })
}

fn one_edit(a: &[char], b: &[char]) -> bool {
    let (s, l) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match l.len() - s.len() {
        0 => {
            let diff: Vec<usize> = (0..s.len()).filter(|&i| s.get(i) != l.get(i)).collect();
            match diff.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && s.get(*i) == l.get(*j) && s.get(*j) == l.get(*i),
                _ => false,
            }
        }
        1 => (0..l.len()).any(|k| l.iter().enumerate().filter(|(i, _)| *i != k).map(|(_, c)| c).eq(s.iter())),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> Result<Node, QueryError> {
        parse_with(q, &|s: &str| s.replace('戰', "战"))
    }

    // What a scan for the text as typed cannot answer: the first filter or operator met;
    // words and phrases alone are the scan's.
    #[test]
    fn index_only_names_the_first_filter_or_operator() {
        for (q, want) in [
            ("公社", None),
            ("people's commune", None),
            ("\"core group\" 公社", None),
            ("date:1958 公社", Some("date:")),
            ("公社 page:1..2", Some("page:")),
            ("title:公社", Some("title:")),
            ("author:李明 公社", Some("author:")),
            ("公社 OR 合作社", Some("OR")),
            ("公社 NOT 合作社", Some("NOT")),
            ("公社 -合作社", Some("NOT")),
            ("公社 NEAR/5 合作社", Some("NEAR/n")),
            ("(公社 OR 合作社) date:1958", Some("OR")),
        ] {
            assert_eq!(p(q).unwrap().index_only(), want, "{q}");
        }
    }

    fn phrase(field: Field, s: &str) -> Node {
        Node::Phrase(Phrase { field, text: s.into(), units: units(s) })
    }

    #[test]
    fn and_or_not_near_fields() {
        let b = Field::Body;
        assert_eq!(
            p("人民公社 commune").unwrap(),
            Node::And(vec![phrase(b, "人民公社"), phrase(b, "commune")])
        );
        assert_eq!(
            p("a OR \"b c\" -d").unwrap(),
            Node::Or(vec![
                phrase(b, "a"),
                Node::And(vec![phrase(b, "b c"), Node::Not(Box::new(phrase(b, "d")))])
            ])
        );
        assert_eq!(
            p("(a OR b) NOT c").unwrap(),
            Node::And(vec![
                Node::Or(vec![phrase(b, "a"), phrase(b, "b")]),
                Node::Not(Box::new(phrase(b, "c")))
            ])
        );
        let Node::Near(x, y, 5) = p("公社 NEAR/5 合作社").unwrap() else { panic!("not NEAR") };
        assert_eq!((x.text.as_str(), y.text.as_str()), ("公社", "合作社"));
        assert_eq!(p("title:\"Hu Sheng\"").unwrap(), phrase(Field::Title, "Hu Sheng"));
        assert_eq!(p("author:吴冷西").unwrap(), phrase(Field::Author, "吴冷西"));
        assert_eq!(p("x page:1..4").unwrap(), Node::And(vec![phrase(b, "x"), Node::Page(1, 4)]));
        assert_eq!(
            p("x date:1958").unwrap(),
            Node::And(vec![phrase(b, "x"), Node::Date(DateRange { from: 19580101, to: 19581231 })])
        );
        assert_eq!(
            p("x date:1958-08..1959-03").unwrap(),
            Node::And(vec![phrase(b, "x"), Node::Date(DateRange { from: 19580801, to: 19590331 })])
        );
        assert_eq!(
            p("x date:..1957").unwrap(),
            Node::And(vec![phrase(b, "x"), Node::Date(DateRange { from: 0, to: 19571231 })])
        );
        // not a field: the colon stays in the word
        assert_eq!(p("3:0").unwrap(), phrase(b, "3:0"));
        assert_eq!(p("1958-08").unwrap(), phrase(b, "1958-08"));
    }

    #[test]
    fn traditional_finds_simplified_too() {
        assert_eq!(
            p("戰爭").unwrap(),
            Node::Or(vec![phrase(Field::Body, "戰爭"), phrase(Field::Body, "战爭")])
        );
        assert_eq!(p("战争").unwrap(), phrase(Field::Body, "战争"));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 1, "empty"),
            ("人民 \"公社", 4, "never closed"),
            ("a OR", 3, "OR needs"),
            ("(a b", 1, "never closed"),
            ("a b)", 4, "without an opening"),
            ("-a", 1, "only excluded"),
            ("a NEAR b", 3, "distance"),
            ("a NEAR/x b", 8, "number"),
            ("a NEAR/5", 3, "after it"),
            ("(a OR b) NEAR/3 c", 1, "NEAR joins"),
            ("公社 NEAR/101 合作社", 9, "at most 100"),
            ("x date:1958-13", 8, "date:"),
            ("x date:1958..19x9", 14, "19x9"),
            ("x date:1959..1958", 8, "ends before"),
            ("x page:abc", 8, "page:"),
            ("人民 title:", 10, "needs a value"),
            ("，。", 1, "nothing to search"),
            ("NOT NOT a", 1, "double"),
        ];
        for &(q, col, what) in cases {
            let e = p(q).expect_err(q);
            assert_eq!(e.col, col, "{q}: {e}");
            assert!(e.msg.contains(what), "{q}: {e}");
        }
        let r = p("人民 \"公社").unwrap_err().render("人民 \"公社");
        assert_eq!(r.lines().nth(2), Some("       ^"), "{r}");
    }

    /// A field's name misspelt was taken as words and found nothing, silently: an error at the
    /// word, naming the field meant. Words with a colon that are no field's near miss stay words.
    #[test]
    fn a_misspelt_field_is_an_error_naming_the_field() {
        for (q, col, meant) in [
            ("人民公社 titel:公社", 6, "title:"),
            ("autor:\"Hu Sheng\"", 1, "author:"),
            ("x Title:a Dates:1958", 11, "date:"),
            ("pgae:1", 1, "page:"),
            ("data:1958..1960", 1, "date:"),
            ("titles:公社", 1, "title:"),
        ] {
            let e = p(q).expect_err(q);
            assert_eq!(e.col, col, "{q}: {e}");
            assert!(e.msg.contains("is not a field") && e.msg.contains(meant), "{q}: {e}");
        }
        for q in ["3:0 公社", "Xinhua:公社", "note:x", "at:b", "title:公社 date:1958"] {
            assert!(p(q).is_ok(), "{q}");
        }
    }

    /// Only upper-case OR, AND, NOT are operators (as in Google and ProQuest): a lone
    /// lower-case one between two terms is searched as a word, and a hint asks whether the
    /// operator was meant; one at either end, in a phrase or beside an operator is none.
    #[test]
    fn a_lowercase_operator_between_terms_gets_a_hint() {
        // searched as a word
        let or = p("公社 or commune").unwrap();
        assert_eq!(or.positive_phrases().len(), 3, "{or:?}");
        for (q, col, meant) in [
            ("公社 or commune", 4, "did you mean OR?"),
            ("\"people's commune\" and 合作社", 20, "did you mean AND?"),
            ("(a b) Or title:c", 7, "did you mean OR?"),
            ("人民 not 美国", 4, "did you mean NOT?"),
            ("a or -b", 3, "did you mean OR?"),
        ] {
            let (c, hint) = lowercase_operator(q).expect(q);
            assert_eq!(c, col, "{q}");
            assert!(hint.contains(meant) && hint.contains("searched as a word"), "{q}: {hint}");
        }
        for q in [
            "公社 OR commune",
            "or commune",
            "commune or",
            "\"war or peace\"",
            "a or OR b",
            "orchard and",
            "a oracle b",
            "(a or) b",
        ] {
            assert_eq!(lowercase_operator(q), None, "{q}");
        }
    }
}
