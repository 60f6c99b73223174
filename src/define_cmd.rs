//! `diglot define` (dictionary entries of words, or an article's vocabulary) and `diglot
//! words` (the saved word list): plain text or JSON on a writer, nothing raw from files.

use crate::commands::{resolve, CmdError};
use crate::dict::{cedict, hsk, is_han, pinyin, segment, words};
use crate::text::sanitize;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

/// Exit status of `define` when a word is not in the dictionary.
pub const EXIT_NOT_FOUND: i32 = 1;

fn hsk_text(l: Option<u8>) -> String {
    l.map_or_else(|| "-".to_string(), hsk::label)
}

fn write_entry(e: &cedict::Entry, out: &mut dyn Write) -> std::io::Result<()> {
    let trad = if e.traditional != e.simplified { format!(" ({})", e.traditional) } else { String::new() };
    let level = e.hsk.map(|l| format!("  HSK {}", hsk::label(l))).unwrap_or_default();
    writeln!(out, "{}{trad}  {}{level}", e.simplified, e.pinyin)?;
    for (i, s) in e.senses.iter().enumerate() {
        writeln!(out, "  {}. {}", i + 1, sanitize(s))?;
    }
    Ok(())
}

/// The entries of `word`: its own, or when the dictionary lacks it, those of its longest
/// dictionary matches left to right (银行行长: 银行, 行长). The bool says whether it was
/// found whole.
fn entries_of(dict: &cedict::Dictionary, word: &str) -> (Vec<cedict::Entry>, bool) {
    let whole = dict.lookup(word);
    if !whole.is_empty() {
        return (whole, true);
    }
    let mut parts = Vec::new();
    let mut rest = word.trim();
    while let Some(c) = rest.chars().next() {
        let n = dict.longest_prefix(rest);
        let (part, tail) = match rest.char_indices().nth(n.max(1)) {
            Some((b, _)) => rest.split_at(b),
            None => (rest, ""),
        };
        if n > 0 && is_han(c) {
            parts.extend(dict.lookup(part));
        }
        rest = tail;
    }
    (parts, false)
}

/// `diglot define WORD...`: each word's entries (simplified, traditional, pinyin with tone
/// marks, senses, HSK level); a word the dictionary lacks as a whole is given by its parts.
/// Returns the exit status: [`EXIT_NOT_FOUND`] when some word had no entry at all. An empty
/// word (or one of spaces) is a usage error, before anything is looked up.
pub fn define(words: &[String], json: bool, out: &mut dyn Write) -> Result<i32, CmdError> {
    if words.iter().any(|w| w.trim().is_empty()) {
        return Err(CmdError::Article("define: a word is empty (give words in Chinese, e.g. 银行)".into()));
    }
    let dict = cedict::get();
    let mut all = Vec::new();
    let mut status = 0;
    for (i, w) in words.iter().enumerate() {
        let (entries, whole) = entries_of(dict, w);
        if entries.is_empty() {
            status = EXIT_NOT_FOUND;
            if !json {
                eprintln!("diglot: {}: not in the dictionary", sanitize(w));
            }
            continue;
        }
        if json {
            all.extend(entries);
            continue;
        }
        if i > 0 {
            writeln!(out)?;
        }
        if !whole {
            writeln!(out, "{}: not in the dictionary as one word; its parts:\n", sanitize(w))?;
        }
        for (k, e) in entries.iter().enumerate() {
            if k > 0 {
                writeln!(out)?;
            }
            write_entry(e, out)?;
        }
    }
    if json {
        serde_json::to_writer_pretty(&mut *out, &all).map_err(std::io::Error::from)?;
        writeln!(out)?;
    }
    Ok(status)
}

/// One word of an article's vocabulary.
#[derive(Debug, Serialize)]
struct VocabWord {
    word: String,
    pinyin: String,
    hsk: Option<u8>,
    count: usize,
    traditional: String,
    senses: Vec<String>,
}

/// A word of an article's vocabulary list.
#[derive(Debug, Clone)]
pub struct Vocab {
    /// The word.
    pub word: String,
    /// Its pinyin where it first appears (`yínháng`).
    pub pinyin: String,
    /// Its HSK level.
    pub hsk: Option<u8>,
    /// How often it appears.
    pub count: usize,
    /// Its dictionary entries: those of the reading it has in the text, else all.
    pub entries: Vec<cedict::Entry>,
}

/// An article's vocabulary: the words of its Chinese paragraphs in order of first
/// appearance, each with its pinyin in context, HSK level, count and entries. `beyond`: only
/// words above that HSK level or in none.
pub fn vocabulary(a: &crate::corpus::Article, beyond: Option<u8>) -> Vec<Vocab> {
    let dict = cedict::get();
    let mut order: Vec<(String, String)> = Vec::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for para in a.zh_paras() {
        let syl = pinyin::paragraph(para);
        for w in segment::words(para) {
            if !w.text.chars().any(is_han) {
                continue;
            }
            let c = counts.entry(w.text.to_string()).or_insert(0);
            if *c == 0 {
                order.push((w.text.to_string(), pinyin::joined(&syl, w.chars())));
            }
            *c += 1;
        }
    }
    let mut out = Vec::new();
    for (word, py) in order {
        let level = hsk::level(&word);
        if beyond.is_some_and(|b| level.is_some_and(|l| l <= b)) {
            continue;
        }
        let entries = dict.lookup(&word);
        let toneless = |s: &str| s.replace([' ', '\''], "").to_lowercase();
        let matching: Vec<cedict::Entry> =
            entries.iter().filter(|e| toneless(&e.pinyin) == toneless(&py)).cloned().collect();
        let entries = if matching.is_empty() { entries } else { matching };
        let n = counts.get(&word).copied().unwrap_or(0);
        out.push(Vocab { word, pinyin: py, hsk: level, count: n, entries });
    }
    out
}

/// `diglot define --article ARTICLE [PATH]...`: the vocabulary list (see [`vocabulary`]):
/// `word<TAB>pinyin<TAB>HSK<TAB>count<TAB>senses`, or a JSON array.
pub fn define_article(
    article: &str,
    paths: &[PathBuf],
    beyond: Option<u8>,
    json: bool,
    out: &mut dyn Write,
) -> Result<i32, CmdError> {
    let path = resolve(article, paths)?;
    let (a, _) = crate::app::read_article(&path).map_err(|e| CmdError::Article(sanitize(&e).into_owned()))?;
    let vocab = vocabulary(&a, beyond);
    if json {
        let v: Vec<VocabWord> = vocab
            .into_iter()
            .map(|v| VocabWord {
                traditional: v.entries.first().map_or_else(|| v.word.clone(), |e| e.traditional.clone()),
                senses: v.entries.into_iter().flat_map(|e| e.senses).collect(),
                word: v.word,
                pinyin: v.pinyin,
                hsk: v.hsk,
                count: v.count,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &v).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(0);
    }
    for v in vocab {
        let senses: Vec<&str> = v.entries.iter().flat_map(|e| e.senses.iter().map(String::as_str)).collect();
        let senses = if senses.is_empty() { "-".to_string() } else { senses.join(" / ") };
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            sanitize(&v.word),
            v.pinyin,
            hsk_text(v.hsk),
            v.count,
            sanitize(&senses)
        )?;
    }
    Ok(0)
}

/// `diglot words [--anki]`: the saved word list as TSV, or as Anki imports it. Problems with
/// the file go to stderr as `path:line: message`.
pub fn words_cmd(anki: bool, out: &mut dyn Write) -> Result<i32, CmdError> {
    let Some(path) = words::default_path() else {
        return Err(CmdError::Article("no data folder: set XDG_DATA_HOME or HOME".into()));
    };
    let list = words::WordList::load(&path).map_err(|e| {
        CmdError::Article(format!("cannot read {}: {e}", sanitize(&path.display().to_string())))
    })?;
    for d in &list.diagnostics {
        eprintln!("diglot: {}", sanitize(d));
    }
    let text = if anki { words::anki(&list) } else { words::tsv(&list) };
    out.write_all(text.as_bytes())?;
    Ok(0)
}
