//! Toneless pinyin of a Chinese title, for matching `xiangxiang` or `xxx` against 湘乡县.

use pinyin::ToPinyin;

/// The pinyin forms of one Chinese title.
///
/// * `full`: each Han character's default reading, first letter capitalised, concatenated
///   (`XiangXiangXian`). The capitals give skim's camel-case bonus at syllable starts, so
///   `xxx` scores like an acronym; matching is always case-insensitive. `ü` is written `v`.
/// * `initials`: one lowercase char per title char (`xxx`), for exact-type operators.
///
/// Other characters are kept as they are (whitespace becomes a space), so `full` has one or
/// more chars per title char and `initials` exactly one.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pinyin {
    /// Syllables in camel case.
    pub full: String,
    /// One lowercase char per char of the title.
    pub initials: String,
    /// For each char of `full`, the index of the title char it came from (filled by
    /// [`Pinyin::with_map`] only).
    pub map: Vec<u32>,
}

impl Pinyin {
    /// Pinyin of `zh`, without the char map.
    pub fn new(zh: &str) -> Pinyin {
        let mut p = Pinyin::default();
        p.build(zh, false);
        p
    }

    /// Pinyin of `zh`, with `map` (for highlighting).
    pub fn with_map(zh: &str) -> Pinyin {
        let mut p = Pinyin::default();
        p.build(zh, true);
        p
    }

    fn build(&mut self, zh: &str, with_map: bool) {
        for (ci, ch) in zh.chars().enumerate() {
            let ci = ci as u32;
            match ch.to_pinyin() {
                Some(py) => {
                    for (k, c) in py.plain().chars().enumerate() {
                        let c = if c == 'ü' { 'v' } else { c };
                        self.full.push(if k == 0 { c.to_ascii_uppercase() } else { c });
                        if with_map {
                            self.map.push(ci);
                        }
                    }
                    let first = py.plain().chars().next().unwrap_or(ch);
                    self.initials.push(if first == 'ü' { 'v' } else { first });
                }
                None => {
                    let c = if ch.is_whitespace() { ' ' } else { ch };
                    self.full.push(c);
                    self.initials.push(c.to_ascii_lowercase());
                    if with_map {
                        self.map.push(ci);
                    }
                }
            }
        }
    }

    /// True if `zh` has any character with a pinyin reading.
    pub fn has_han(zh: &str) -> bool {
        zh.chars().any(|c| !c.is_ascii() && c.to_pinyin().is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xiangxiangxian() {
        let p = Pinyin::with_map("湘乡县 A绿");
        assert_eq!(p.full, "XiangXiangXian ALv");
        assert_eq!(p.initials, "xxx al");
        assert_eq!(p.initials.chars().count(), "湘乡县 A绿".chars().count());
        assert_eq!(p.map.len(), p.full.chars().count());
        assert_eq!(&p.map[..6], &[0, 0, 0, 0, 0, 1]);
        assert_eq!(*p.map.last().unwrap(), 5);
        assert!(Pinyin::has_han("图片"));
        assert!(!Pinyin::has_han("1958 ABC"));
    }
}
