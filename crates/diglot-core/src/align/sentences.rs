//! Sentences: splitting English and Chinese paragraphs into sentences, and aligning the
//! sentences of a paragraph bead.
//!
//! A sentence is a byte range of its paragraph; the sentences of a paragraph are consecutive
//! and cover it exactly (spaces between sentences stay at the end of the earlier one), so the
//! sentences of a bead, in order, are exactly its text. Pure: no I/O, no terminal types.

use super::{is_cjk, length_cost, numbers_en, numbers_zh, Bead};
use std::ops::Range;

/// One sentence: the paragraph it is in (an index into the article's paragraphs) and its
/// byte range in that paragraph's text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Sentence {
    /// Paragraph index.
    pub para: usize,
    /// Byte range in the paragraph's text.
    pub range: Range<usize>,
}

/// A sentence bead: English sentences that translate Chinese ones (either side may be empty).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SentenceBead {
    /// English sentences, in order.
    pub en: Vec<Sentence>,
    /// Chinese sentences, in order.
    pub zh: Vec<Sentence>,
}

/// Abbreviations after which a full stop does not end an English sentence (lower case,
/// without the final dot).
const ABBREVIATIONS: [&str; 40] = [
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "capt", "sgt", "gov", "sen", "rep", "rev", "st",
    "mt", "jr", "sr", "no", "nos", "vol", "pp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "vs", "etc", "approx", "co", "corp", "inc",
];

/// Closing quotes and brackets that stay with the sentence they close.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '）' | '」' | '』' | '》' | '】' | '*')
}

/// The sentences of an English paragraph as byte ranges that cover it exactly.
///
/// A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes and brackets after it)
/// followed by a space and then something that can start a sentence (a capital, a digit, an
/// opening quote or bracket, Chinese). A full stop after a known abbreviation (Mr., Dr., Aug.,
/// No. 5), after a single capital (an initial: J. Smith) or inside a dotted abbreviation
/// (U.S., a.m.) does not end one.
pub fn split_en(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut k = 0usize;
    while k < chars.len() {
        let (_, c) = chars[k];
        if !matches!(c, '.' | '!' | '?' | '…') {
            k += 1;
            continue;
        }
        // The end of the punctuation run and its closers.
        let mut e = k + 1;
        while e < chars.len() && (matches!(chars[e].1, '.' | '!' | '?' | '…') || is_closer(chars[e].1)) {
            e += 1;
        }
        // Whitespace after it, then the next sentence's first character.
        let mut w = e;
        while w < chars.len() && chars[w].1.is_whitespace() {
            w += 1;
        }
        let next = chars.get(w).map(|&(_, c)| c);
        let starts_sentence = |c: char| {
            c.is_uppercase()
                || c.is_ascii_digit()
                || is_cjk(c)
                || matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '（' | '「' | '《' | '—' | '-' | '*')
        };
        let ends = w > e && next.is_some_and(starts_sentence) && !(c == '.' && abbreviation(&chars, k));
        if ends {
            let end = chars.get(w).map_or(text.len(), |&(b, _)| b);
            out.push(start..end);
            start = end;
        }
        k = e.max(k + 1);
    }
    if start < text.len() || out.is_empty() {
        out.push(start..text.len());
    }
    out
}

/// The full stop at `chars[k]` follows an abbreviation.
fn abbreviation(chars: &[(usize, char)], k: usize) -> bool {
    // The word before the dot (letters and inner dots).
    let mut s = k;
    while s > 0 && (chars[s - 1].1.is_alphabetic() || chars[s - 1].1 == '.') {
        s -= 1;
    }
    let word: String = chars[s..k].iter().map(|&(_, c)| c).collect();
    if word.is_empty() {
        return false;
    }
    if word.contains('.') {
        return true; // U.S., a.m., U.S.S.R.
    }
    let mut letters = word.chars();
    if let (Some(first), None) = (letters.next(), letters.next()) {
        return first.is_uppercase(); // an initial
    }
    let lower = word.to_lowercase();
    if lower == "no" || lower == "nos" {
        // "No. 5" is a number; "said no. Then" ends a sentence.
        let after = chars[k + 1..].iter().map(|&(_, c)| c).find(|c| !c.is_whitespace());
        return after.is_some_and(|c| c.is_ascii_digit());
    }
    ABBREVIATIONS.contains(&lower.as_str())
}

/// The sentences of a Chinese paragraph as byte ranges that cover it exactly: a sentence
/// ends at 。！？； (or `!?;` and an ellipsis …… ), with the closing quotes and brackets that
/// follow it.
pub fn split_zh(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut k = 0usize;
    while k < chars.len() {
        if !matches!(chars[k].1, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '…') {
            k += 1;
            continue;
        }
        let mut e = k + 1;
        while e < chars.len()
            && (matches!(chars[e].1, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '…')
                || is_closer(chars[e].1))
        {
            e += 1;
        }
        while e < chars.len() && chars[e].1.is_whitespace() {
            e += 1;
        }
        // An ellipsis inside a sentence (……，) does not end it.
        let ellipsis_then_comma =
            chars[k].1 == '…' && chars.get(e).is_some_and(|&(_, c)| matches!(c, '，' | '、' | ','));
        if e < chars.len() && !ellipsis_then_comma {
            let end = chars[e].0;
            out.push(start..end);
            start = end;
        }
        k = e.max(k + 1);
    }
    if start < text.len() || out.is_empty() {
        out.push(start..text.len());
    }
    out
}

/// Sentence bead shapes (English, Chinese), in order of preference on ties.
const SHAPES: [(usize, usize); 8] = [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (1, 0), (0, 1)];

/// Above this many sentence pairs a bead's sentences are paired in order instead.
const MAX_SENTENCE_CELLS: usize = 250_000;

/// One sentence's features.
struct Feat {
    len: f64,
    numbers: Vec<String>,
}

/// Aligns the sentences of one paragraph bead. `en` and `zh` are the bead's paragraphs
/// (their texts, with their article indices); returns sentence beads covering every
/// sentence exactly once, in order.
pub fn align_bead(en: &[(usize, &str)], zh: &[(usize, &str)]) -> Vec<SentenceBead> {
    let es = split(en, split_en);
    let zs = split(zh, split_zh);
    let (n, m) = (es.len(), zs.len());
    let beads = if n == 0 || m == 0 || (n + 1).saturating_mul(m + 1) > MAX_SENTENCE_CELLS {
        super::align_naive(n, m)
    } else {
        let ef: Vec<Feat> = es
            .iter()
            .map(|(_, t)| Feat {
                len: t.chars().filter(|&c| c.is_alphanumeric() && !is_cjk(c)).count() as f64,
                numbers: numbers_en(t),
            })
            .collect();
        let zf: Vec<Feat> = zs
            .iter()
            .map(|(_, t)| Feat {
                len: t.chars().filter(|&c| is_cjk(c) || c.is_alphanumeric()).count() as f64,
                numbers: numbers_zh(t),
            })
            .collect();
        dp(&ef, &zf)
    };
    beads
        .into_iter()
        .map(|b| SentenceBead {
            en: es[b.en].iter().map(|(s, _)| s.clone()).collect(),
            zh: zs[b.zh].iter().map(|(s, _)| s.clone()).collect(),
        })
        .collect()
}

/// The sentences of `paras` (index, text) with their texts.
fn split<'t>(paras: &[(usize, &'t str)], f: fn(&str) -> Vec<Range<usize>>) -> Vec<(Sentence, &'t str)> {
    paras
        .iter()
        .flat_map(|&(para, text)| {
            f(text).into_iter().map(move |r| (Sentence { para, range: r.clone() }, text.get(r).unwrap_or("")))
        })
        .collect()
}

/// Cost of a sentence bead: a prior for its shape, Gale & Church's length cost against the
/// bead's own ratio, and the numbers both sides share or only one side has.
fn cost(en: &[Feat], zh: &[Feat], ratio: f64) -> f64 {
    let prior = match (en.len(), zh.len()) {
        (1, 1) => 0.0,
        (1, 2) | (2, 1) => 2.2,
        (1, 3) | (3, 1) => 4.5,
        (2, 2) => 5.0,
        _ => 4.0,
    };
    let x = en.iter().map(|f| f.len).sum::<f64>() / ratio;
    let y = zh.iter().map(|f| f.len).sum::<f64>();
    let len = length_cost(x, y, 2.0, 0.02).min(12.0);
    let (mut shared, mut alone) = (0usize, 0usize);
    let en_nums: Vec<&String> = en.iter().flat_map(|f| &f.numbers).collect();
    let zh_nums: Vec<&String> = zh.iter().flat_map(|f| &f.numbers).collect();
    for v in &en_nums {
        if zh_nums.contains(v) {
            shared += 1;
        } else if !zh.is_empty() {
            alone += 1;
        }
    }
    for v in &zh_nums {
        if !en_nums.contains(v) && !en.is_empty() {
            alone += 1;
        }
    }
    let weight = if en.is_empty() || zh.is_empty() { 0.3 } else { 1.0 };
    prior + weight * len - 1.0 * shared as f64 + 0.5 * alone as f64
}

fn dp(en: &[Feat], zh: &[Feat]) -> Vec<Bead> {
    let (n, m) = (en.len(), zh.len());
    let tot_en: f64 = en.iter().map(|f| f.len).sum();
    let tot_zh: f64 = zh.iter().map(|f| f.len).sum();
    let ratio = if tot_en > 0.0 && tot_zh > 0.0 { tot_en / tot_zh } else { 3.6 };
    let w = m + 1;
    let mut best = vec![f64::INFINITY; (n + 1) * w];
    let mut back = vec![usize::MAX; (n + 1) * w];
    best[0] = 0.0;
    for i in 0..=n {
        for j in 0..=m {
            if i == 0 && j == 0 {
                continue;
            }
            for (k, &(di, dj)) in SHAPES.iter().enumerate() {
                if di > i || dj > j {
                    continue;
                }
                let prev = best[(i - di) * w + (j - dj)];
                if !prev.is_finite() {
                    continue;
                }
                let c = prev + cost(&en[i - di..i], &zh[j - dj..j], ratio);
                if c < best[i * w + j] {
                    best[i * w + j] = c;
                    back[i * w + j] = k;
                }
            }
        }
    }
    let (mut i, mut j) = (n, m);
    let mut out = Vec::new();
    while i > 0 || j > 0 {
        let Some(&(di, dj)) = SHAPES.get(back[i * w + j]) else {
            return super::align_naive(n, m);
        };
        out.push(Bead { en: i - di..i, zh: j - dj..j });
        i -= di;
        j -= dj;
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pieces<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn english_abbreviations_do_not_end_sentences() {
        let t = "Mr. Zhou met Dr. Smith on Aug. 3 in the U.S. capital. They signed Agreement No. 12 there. \
                 J. Brown said no. Then he left!";
        assert_eq!(
            pieces(t, &split_en(t)),
            [
                "Mr. Zhou met Dr. Smith on Aug. 3 in the U.S. capital. ",
                "They signed Agreement No. 12 there. ",
                "J. Brown said no. ",
                "Then he left!"
            ]
        );
    }

    #[test]
    fn english_quotes_stay_with_their_sentence() {
        let t = "He said: \"We will win.\" The crowd cheered. (Xinhua) \"Long live!\" they cried.";
        assert_eq!(
            pieces(t, &split_en(t)),
            ["He said: \"We will win.\" ", "The crowd cheered. ", "(Xinhua) \"Long live!\" they cried."]
        );
        // Lower case after a full stop: not a new sentence (e.g. an abbreviation we do not know).
        let t = "It weighs 5 kg. and more.";
        assert_eq!(pieces(t, &split_en(t)), [t]);
    }

    #[test]
    fn chinese_sentences_end_at_stops_and_closing_quotes() {
        let t = "他说：“我们一定要胜利！”大家鼓掌。工人们提前完成了任务；农民们也获得了丰收。这是真的吗？";
        assert_eq!(
            pieces(t, &split_zh(t)),
            [
                "他说：“我们一定要胜利！”",
                "大家鼓掌。",
                "工人们提前完成了任务；",
                "农民们也获得了丰收。",
                "这是真的吗？"
            ]
        );
        let t = "他想了想……，说不出话来。";
        assert_eq!(pieces(t, &split_zh(t)), [t]);
    }

    #[test]
    fn sentences_of_a_bead_pair_by_length_and_numbers() {
        let en = "The factory was built in 1958. It produced 3,000 tractors last year, and this year it will produce 4,500. The workers are confident.";
        let zh = "这个工厂建于一九五八年。去年生产拖拉机三千台；今年将生产四千五百台。工人们充满信心。";
        let beads = align_bead(&[(0, en)], &[(0, zh)]);
        let shape: Vec<(usize, usize)> = beads.iter().map(|b| (b.en.len(), b.zh.len())).collect();
        assert_eq!(shape, [(1, 1), (1, 2), (1, 1)]);
    }

    fn text_en() -> impl Strategy<Value = String> {
        "([A-Za-z]{1,8}|Mr\\.|U\\.S\\.|No\\. 5|[0-9]{1,4}|[.!?\"” ]|   |…){0,40}"
    }

    fn text_zh() -> impl Strategy<Value = String> {
        "([一二三人民日报中国的了是]|[。！？；，“”」…]| |\u{3000}|[A-Z0-9]){0,40}"
    }

    proptest! {
        #[test]
        fn splits_cover_the_text_exactly(en in text_en(), zh in text_zh()) {
            for (t, rs) in [(&en, split_en(&en)), (&zh, split_zh(&zh))] {
                prop_assert!(!rs.is_empty());
                let mut at = 0;
                for r in &rs {
                    prop_assert_eq!(r.start, at);
                    prop_assert!(t.get(r.clone()).is_some());
                    at = r.end;
                }
                prop_assert_eq!(at, t.len());
            }
        }

        #[test]
        fn sentence_beads_are_exactly_the_bead_text(
            en in prop::collection::vec(text_en(), 0..3),
            zh in prop::collection::vec(text_zh(), 0..3),
        ) {
            let en: Vec<(usize, &str)> = en.iter().enumerate().map(|(i, s)| (i, s.as_str())).collect();
            let zh: Vec<(usize, &str)> = zh.iter().enumerate().map(|(i, s)| (i, s.as_str())).collect();
            let beads = align_bead(&en, &zh);
            let join = |paras: &[(usize, &str)]| paras.iter().map(|p| p.1).collect::<String>();
            let text = |side: &[(usize, &str)], s: &Sentence| side[s.para].1[s.range.clone()].to_string();
            let got_en: String = beads.iter().flat_map(|b| b.en.iter().map(|s| text(&en, s))).collect();
            let got_zh: String = beads.iter().flat_map(|b| b.zh.iter().map(|s| text(&zh, s))).collect();
            prop_assert_eq!(got_en, join(&en));
            prop_assert_eq!(got_zh, join(&zh));
            prop_assert!(beads.iter().all(|b| !b.en.is_empty() || !b.zh.is_empty()));
        }
    }
}
