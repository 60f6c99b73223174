//! Paragraph alignment (stub until the real aligner lands): pairs paragraph i with i.

use std::ops::Range;

/// One alignment bead: English paragraphs `en` translate Chinese paragraphs `zh`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Bead {
    /// English paragraph indices.
    pub en: Range<usize>,
    /// Chinese paragraph indices.
    pub zh: Range<usize>,
}

impl Bead {
    /// True for a 1-1 bead.
    pub fn is_one_to_one(&self) -> bool {
        self.en.len() == 1 && self.zh.len() == 1
    }
}

/// What both sides share, used as anchors.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlignContext<'a> {
    /// English title.
    pub title_en: &'a str,
    /// Chinese title.
    pub title_zh: &'a str,
    /// Glossary (term, gloss).
    pub glossary: &'a [(&'a str, &'a str)],
}

/// Aligns paragraphs (stub: naive).
pub fn align(en: &[&str], zh: &[&str], _ctx: &AlignContext<'_>) -> Vec<Bead> {
    align_naive(en.len(), zh.len())
}

/// Pairs i with i; the longer side's extra paragraphs become 1-0 / 0-1 beads at the end.
pub fn align_naive(en_len: usize, zh_len: usize) -> Vec<Bead> {
    (0..en_len.max(zh_len))
        .map(|i| Bead {
            en: if i < en_len { i..i + 1 } else { en_len..en_len },
            zh: if i < zh_len { i..i + 1 } else { zh_len..zh_len },
        })
        .collect()
}
