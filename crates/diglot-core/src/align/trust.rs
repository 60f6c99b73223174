//! Trust marks: paragraph beads whose translation looks wrong.
//!
//! The archive's translations are machine-made and unchecked; its own site lists the faults
//! seen: words left untranslated, a Korean word inserted, dates misread. A bead is marked
//! when
//!
//! * its length ratio is far outside the distribution the aligner was fitted on (a
//!   paragraph summarised or dropped in translation, or padded),
//! * its English holds Hangul, or Chinese that is neither a quoted copy nor glossed in
//!   brackets (a word left untranslated),
//! * its numbers disagree: the English has a number the Chinese does not and the Chinese one
//!   the English does not (一九五八年 read as 1985). Chinese numerals and Arabic digits are
//!   compared by value.
//!
//! Pure: no I/O, no terminal types; the reader shows the marks in its gutter, `diglot check
//! --translation` lists them.

use super::{is_cjk, numbers_en, numbers_zh, para_en, para_zh, AlignParams, Bead};
use std::fmt;

/// Why a bead is marked.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Concern {
    /// The English is far longer or shorter than the Chinese predicts.
    Length {
        /// English letters per Chinese character in this bead.
        ratio: f64,
        /// The expected ratio (the fitted one).
        expected: f64,
    },
    /// A long paragraph with no counterpart in the other language (left untranslated, or
    /// added).
    Unpaired {
        /// `"en"` or `"zh"`: the language that has the paragraph.
        lang: &'static str,
        /// Its length in letters (English) or characters (Chinese).
        len: usize,
    },
    /// Hangul in the English.
    Hangul {
        /// The Hangul text.
        text: String,
    },
    /// Chinese left untranslated in the English.
    Untranslated {
        /// The Chinese text.
        text: String,
    },
    /// Numbers that differ between the two languages.
    Numbers {
        /// Numbers only the English has.
        en: Vec<String>,
        /// Numbers only the Chinese has.
        zh: Vec<String>,
    },
}

impl fmt::Display for Concern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Concern::Length { ratio, expected } => {
                let how = if ratio > expected { "longer" } else { "shorter" };
                write!(
                    f,
                    "English much {how} than the Chinese ({ratio:.1} letters per character, expected about {expected:.1})"
                )
            }
            Concern::Unpaired { lang: "zh", len } => {
                write!(f, "Chinese paragraph of {len} characters with no English")
            }
            Concern::Unpaired { len, .. } => write!(f, "English paragraph of {len} letters with no Chinese"),
            Concern::Hangul { text } => write!(f, "Hangul in the English: {text}"),
            Concern::Untranslated { text } => write!(f, "untranslated Chinese in the English: {text}"),
            Concern::Numbers { en, zh } => {
                write!(f, "numbers differ: English {}, Chinese {}", en.join(", "), zh.join(", "))
            }
        }
    }
}

/// The marks of one bead.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Mark {
    /// Index of the bead in the alignment.
    pub bead: usize,
    /// What looks wrong, at least one.
    pub concerns: Vec<Concern>,
}

/// Length differences beyond this many standard deviations are marked (about 1 in 15,000
/// beads of the fitted distribution).
const LENGTH_SIGMAS: f64 = 4.0;
/// Beads with fewer Chinese characters than this are too short to judge by length.
const MIN_LENGTH_CHARS: f64 = 12.0;
/// An unpaired Chinese paragraph this long (characters) is marked: headlines and bylines
/// are shorter.
const MIN_UNPAIRED_ZH: f64 = 40.0;

/// The marks of an alignment, in bead order; beads with nothing wrong are left out.
pub fn assess(en: &[&str], zh: &[&str], beads: &[Bead], params: &AlignParams) -> Vec<Mark> {
    let text = |side: &[&str], r: &std::ops::Range<usize>| -> Vec<String> {
        r.clone().filter_map(|i| side.get(i)).map(|s| s.to_string()).collect()
    };
    let mut out = Vec::new();
    for (k, b) in beads.iter().enumerate() {
        let e = text(en, &b.en);
        let z = text(zh, &b.zh);
        let mut concerns = Vec::new();
        let foreign: Vec<bool> = e.iter().map(|t| para_en(t).foreign).collect();
        for (t, _) in e.iter().zip(&foreign).filter(|(_, &f)| !f) {
            let hangul: String = runs(t, is_hangul).join(" ");
            if !hangul.is_empty() {
                concerns.push(Concern::Hangul { text: hangul });
            }
            let bare = untranslated(t);
            if !bare.is_empty() {
                concerns.push(Concern::Untranslated { text: bare.join(" ") });
            }
        }
        if !b.en.is_empty() && !b.zh.is_empty() && !foreign.iter().any(|&f| f) {
            let x: f64 = e.iter().map(|t| para_en(t).len).sum();
            let y: f64 = z.iter().map(|t| para_zh(t, params.zh_latin_weight).len).sum();
            let ratio = if params.ratio.is_finite() && params.ratio > 0.0 { params.ratio } else { 3.6 };
            if y >= MIN_LENGTH_CHARS && sigmas(x / ratio, y, params) > LENGTH_SIGMAS {
                concerns.push(Concern::Length { ratio: x / y.max(1.0), expected: ratio });
            }
            let en_nums: Vec<String> = e.iter().flat_map(|t| numbers_en(t)).collect();
            let zh_nums: Vec<String> = z.iter().flat_map(|t| numbers_zh(t)).collect();
            let only = |a: &[String], b: &[String]| -> Vec<String> {
                let mut v: Vec<String> = a
                    .iter()
                    .filter(|n| !b.contains(n))
                    .map(|n| n.trim_start_matches("n:").to_string())
                    .collect();
                v.dedup();
                v
            };
            let (en_only, zh_only) = (only(&en_nums, &zh_nums), only(&zh_nums, &en_nums));
            if !en_only.is_empty() && !zh_only.is_empty() {
                concerns.push(Concern::Numbers { en: en_only, zh: zh_only });
            }
        }
        if b.en.is_empty() || b.zh.is_empty() {
            let ratio = if params.ratio.is_finite() && params.ratio > 0.0 { params.ratio } else { 3.6 };
            let en_len: f64 = e.iter().zip(&foreign).filter(|(_, &f)| !f).map(|(t, _)| para_en(t).len).sum();
            let zh_len: f64 = z.iter().map(|t| para_zh(t, params.zh_latin_weight).len).sum();
            if zh_len >= MIN_UNPAIRED_ZH {
                concerns.push(Concern::Unpaired { lang: "zh", len: zh_len as usize });
            } else if en_len >= MIN_UNPAIRED_ZH * ratio {
                concerns.push(Concern::Unpaired { lang: "en", len: en_len as usize });
            }
        }
        if !concerns.is_empty() {
            out.push(Mark { bead: k, concerns });
        }
    }
    out
}

/// How many standard deviations the lengths differ (x: English in Chinese characters).
fn sigmas(x: f64, y: f64, p: &AlignParams) -> f64 {
    let mean = ((x + y) / 2.0).max(1.0);
    let var = p.variance.max(0.0) * mean + p.variance_sq.max(0.0) * mean * mean;
    (x - y).abs() / var.max(1e-6).sqrt()
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// Runs of characters for which `f` holds.
fn runs(text: &str, f: fn(char) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if f(c) {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    out
}

/// Chinese runs in an English text that are not glossed: not followed by a bracket (pinyin
/// or a translation) and not a quoted sentence followed by its translation.
fn untranslated(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut k = 0;
    while k < chars.len() {
        if !is_cjk(chars[k]) {
            k += 1;
            continue;
        }
        let start = k;
        // A run: ideographs and the Chinese punctuation between them.
        while k < chars.len() && (is_cjk(chars[k]) || is_zh_punct(chars[k])) {
            k += 1;
        }
        let run: String = chars[start..k].iter().collect();
        let after = chars[k..].iter().find(|c| !c.is_whitespace() && !is_zh_punct(**c) && **c != '"');
        let glossed = matches!(after, Some('(' | '（' | '[' | '—' | '-' | ':' | '：'));
        // A quoted copy of a whole Chinese sentence, with its translation after it.
        let sentence = run.ends_with(['。', '！', '？', '”'])
            || chars[start..k].iter().filter(|&&c| is_cjk(c)).count() > 8;
        if !glossed && !sentence {
            out.push(run.trim_end_matches(is_zh_punct).to_string());
        }
    }
    out
}

fn is_zh_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '《'
            | '》'
            | '（'
            | '）'
            | '·'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(en: &str, zh: &str) -> Vec<Concern> {
        let beads = [Bead { en: 0..1, zh: 0..1 }];
        assess(&[en], &[zh], &beads, &AlignParams::default()).into_iter().flat_map(|m| m.concerns).collect()
    }

    #[test]
    fn a_faithful_bead_is_not_marked() {
        let en = "In 1958 the county's grain output reached 320 million jin, 45 percent more than the year before.";
        let zh = "一九五八年，全县粮食总产量达到三亿二千万斤，比上年增长百分之四十五。";
        assert_eq!(one(en, zh), []);
    }

    #[test]
    fn a_misread_year_is_marked() {
        let en = "In 1985 the county's grain output reached 320 million jin, 45 percent more than the year before.";
        let zh = "一九五八年，全县粮食总产量达到三亿二千万斤，比上年增长百分之四十五。";
        assert_eq!(one(en, zh), [Concern::Numbers { en: vec!["1985".into()], zh: vec!["1958".into()] }]);
    }

    #[test]
    fn hangul_and_untranslated_words_are_marked() {
        let c = one(
            "The 인민 commune members of 红旗 brigade harvested the wheat early this year.",
            "红旗大队社员今年提前收割了小麦。",
        );
        assert_eq!(
            c,
            [Concern::Hangul { text: "인민".into() }, Concern::Untranslated { text: "红旗".into() }]
        );
        // Glossed or quoted Chinese is fine.
        let c = one(
            "The slogan 自力更生 (zìlì gēngshēng) was painted on the wall of the 红旗 (Red Flag) brigade.",
            "红旗大队的墙上写着“自力更生”的标语。",
        );
        assert_eq!(c, []);
    }

    #[test]
    fn a_summarised_paragraph_is_marked_by_length() {
        let zh = "会议认为，今年全省农业生产取得了很大的成绩，粮食、棉花、油料的产量都超过了历史上最高的水平，\
                  这是全省人民在党的领导下坚持自力更生、艰苦奋斗的结果。会议号召全省人民再接再厉，争取明年更大的丰收。";
        let c = one("The meeting was held.", zh);
        assert!(matches!(c.as_slice(), [Concern::Length { ratio, .. }] if *ratio < 1.0), "{c:?}");
        // The same text translated in full is not.
        let en = "The meeting held that great achievements had been made in the province's agricultural production this year, \
                  with the output of grain, cotton and oil crops all exceeding the highest levels in history; this was the result \
                  of the people of the whole province persisting in self-reliance and hard struggle under the leadership of the \
                  Party. The meeting called on the people of the province to make persistent efforts and strive for a bigger harvest next year.";
        assert_eq!(one(en, zh), []);
    }

    #[test]
    fn long_unpaired_paragraphs_are_marked() {
        let zh = ["县里的丰收", "会议认为，今年全县农业生产取得了很大的成绩，粮食、棉花、油料的产量都超过了历史上最高的水平，这是全县人民艰苦奋斗的结果。"];
        let beads = [Bead { en: 0..1, zh: 0..1 }, Bead { en: 1..1, zh: 1..2 }];
        let marks = assess(&["Harvest in the County"], &zh, &beads, &AlignParams::default());
        assert_eq!(marks, [Mark { bead: 1, concerns: vec![Concern::Unpaired { lang: "zh", len: 54 }] }]);
        // A headline left unpaired is not.
        let beads = [Bead { en: 0..0, zh: 0..1 }, Bead { en: 0..1, zh: 1..2 }];
        assert_eq!(assess(&["The meeting held that..."], &zh, &beads, &AlignParams::default())[0].bead, 1);
    }

    #[test]
    fn reasons_read_well() {
        let c = Concern::Numbers { en: vec!["1985".into()], zh: vec!["1958".into()] };
        assert_eq!(c.to_string(), "numbers differ: English 1985, Chinese 1958");
        assert!(Concern::Length { ratio: 0.5, expected: 3.6 }
            .to_string()
            .starts_with("English much shorter"));
    }
}
