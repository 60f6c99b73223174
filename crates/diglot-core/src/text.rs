//! Text that came from files is untrusted: [`sanitize`] makes it safe to put on a terminal.
//! Display-width helpers measure with unicode-width and never cut inside a character.

use std::borrow::Cow;
use unicode_width::UnicodeWidthChar;

/// Columns a tab becomes.
pub const TAB_WIDTH: usize = 4;

/// Is `c` something that must not reach the terminal as it is?
fn is_unsafe(c: char) -> bool {
    c.is_control()
        // bidi embeddings, overrides and isolates can reorder what the terminal shows
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
        // the byte-order mark, interlinear annotations, line/paragraph separators
        || matches!(c, '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{2028}' | '\u{2029}')
        || is_dropped(c)
        // wider than two columns by unicode-width (U+17D8 KHMER SIGN BEYYAL: 3), one column
        // in terminals: it would not fit a 2-column line, and its columns would be miscounted
        || UnicodeWidthChar::width(c).is_some_and(|w| w > 2)
}

/// Invisible characters that are dropped: joiners and zero-width spaces, the emoji variation
/// selector, skin-tone modifiers, tag characters, the soft hyphen. Each makes the width that
/// unicode-width gives a string differ from the sum of its characters' widths (a ZWJ family is
/// 2 columns as a string, 6 as characters), and terminals disagree about them, so text that
/// keeps them cannot be aligned in columns; some also hide text (tags, zero-width spaces).
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200d}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206a}'..='\u{206f}'
            | '\u{fe0f}'
            | '\u{1f3fb}'..='\u{1f3ff}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// A visible stand-in for an unsafe character: C0 controls become their Control Pictures
/// (`␛` for ESC), everything else `�`. Tabs become spaces, newlines a space.
fn replacement(c: char, out: &mut String) {
    match c {
        '\t' => out.extend(std::iter::repeat_n(' ', TAB_WIDTH)),
        '\n' | '\r' => out.push(' '),
        '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
        '\u{7f}' => out.push('\u{2421}'),
        '\u{feff}' | '\u{200e}' | '\u{200f}' => {}
        c if is_dropped(c) => {}
        _ => out.push('\u{fffd}'),
    }
}

/// Makes text safe for a terminal: no C0/C1 control character, no escape sequence, no bidi
/// override passes; each is replaced by a visible placeholder (tabs by spaces). Invisible
/// joiners and emoji modifiers are dropped, so that the result's [`width`] is what a terminal
/// takes. Borrowed when nothing had to change, which is the common case.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    match s.find(is_unsafe) {
        None => Cow::Borrowed(s),
        Some(first) => {
            let mut out = String::with_capacity(s.len() + 8);
            out.push_str(&s[..first]);
            for c in s[first..].chars() {
                if is_unsafe(c) {
                    replacement(c, &mut out);
                } else {
                    out.push(c);
                }
            }
            Cow::Owned(out)
        }
    }
}

/// Display width in terminal columns (CJK counts 2): the sum of the characters' widths, as a
/// terminal advances its cursor and as [`truncate`] and the wrapping count (control characters
/// count 0; text is sanitized before it is measured). Not unicode-width's string width, which
/// joins ligatures and emoji sequences (`لا` is 1 there, 2 on a terminal).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| UnicodeWidthChar::width(c).unwrap_or(0)).sum()
}

/// `1 article`, `2 articles`, `430,001 files`: a count (in [`thousands`]) and its noun,
/// singular or plural (English `s`).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", thousands(n))
    }
}

/// `12,345`: a number with its thousands separated, as every count diglot shows is written.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The longest prefix of `s` that fits in `max` columns, cut on a character boundary.
pub fn truncate(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max {
            return &s[..i];
        }
        used += w;
    }
    s
}

/// The longest suffix of `s` that fits in `max` columns, cut on a character boundary (the
/// mirror of [`truncate`]).
pub fn tail(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices().rev() {
        used += UnicodeWidthChar::width(c).unwrap_or(0);
        if used > max {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// `s` cut to `max` columns with `…` when it did not fit, then padded with spaces to exactly
/// `max` columns.
pub fn fit(s: &str, max: usize) -> String {
    let mut out = if width(s) <= max {
        s.to_string()
    } else if max == 0 {
        String::new()
    } else {
        let mut t = truncate(s, max - 1).to_string();
        t.push('…');
        t
    };
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', max.saturating_sub(w)));
    out
}

/// Byte ranges of every occurrence of any of `needles` in `hay`, sorted, non-overlapping
/// (the leftmost, then longest, wins). Always on character boundaries.
pub fn find_all(hay: &str, needles: &[String]) -> Vec<std::ops::Range<usize>> {
    let mut hits: Vec<std::ops::Range<usize>> = Vec::new();
    for n in needles.iter().filter(|n| !n.is_empty()) {
        let mut from = 0;
        while let Some(k) = hay[from..].find(n.as_str()) {
            let start = from + k;
            hits.push(start..start + n.len());
            from = start + n.len();
        }
    }
    hits.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for h in hits {
        if out.last().is_none_or(|l| h.start >= l.end) {
            out.push(h);
        }
    }
    out
}

/// Like [`find_all`], with smart case: a needle without upper-case letters matches ASCII
/// letters of either case (byte offsets are unchanged by ASCII case folding).
pub fn find_all_smart(hay: &str, needles: &[String]) -> Vec<std::ops::Range<usize>> {
    if needles.iter().any(|n| n.chars().any(char::is_uppercase)) {
        return find_all(hay, needles);
    }
    let folded = hay.to_ascii_lowercase();
    find_all(&folded, needles)
}

/// Markdown emphasis in the English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    /// `*text*` or `_text_`.
    Italic,
    /// `**text**`.
    Bold,
    /// `***text***`.
    BoldItalic,
}

/// Markdown emphasis (`*a*`, `**b**`, `***c***`, `_d_`) taken out of `s`: the text without
/// the markers and the emphasized ranges in it. A marker opens before a non-space and closes
/// after one, and only pairs with a marker of the same length; `_` only at word edges
/// (`snake_case` stays). Unpaired markers (`5 * 3`, a lone `*`) stay as they are.
pub fn strip_emphasis(s: &str) -> (String, Vec<(std::ops::Range<usize>, Emphasis)>) {
    if !s.contains(['*', '_']) {
        return (s.to_string(), Vec::new());
    }
    // runs of one marker character: (byte start, length, char)
    let bytes = s.as_bytes();
    let mut runs: Vec<(usize, usize, u8)> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'*' || b == b'_' {
            let mut j = i;
            while bytes.get(j) == Some(&b) {
                j += 1;
            }
            runs.push((i, j - i, b));
            i = j;
        } else {
            i += 1;
        }
    }
    let before = |at: usize| s[..at].chars().next_back();
    let after = |at: usize| s[at..].chars().next();
    let mut open: Vec<(usize, usize, u8)> = Vec::new();
    // (opening marker, closing marker, emphasis); a marker is (byte offset, length)
    type Marker = (usize, usize);
    let mut pairs: Vec<(Marker, Marker, Emphasis)> = Vec::new();
    for &(at, n, c) in &runs {
        if n > 3 {
            continue;
        }
        let (prev, next) = (before(at), after(at + n));
        let word = |ch: Option<char>| ch.is_some_and(|x| x.is_alphanumeric());
        let can_open = next.is_some_and(|x| !x.is_whitespace()) && (c == b'*' || !word(prev));
        let can_close = prev.is_some_and(|x| !x.is_whitespace()) && (c == b'*' || !word(next));
        if can_close {
            if let Some((k, &(oat, _, _))) = open.iter().enumerate().rfind(|(_, &(_, m, d))| m == n && d == c)
            {
                open.truncate(k);
                if oat + n < at {
                    let e = match n {
                        1 => Emphasis::Italic,
                        2 => Emphasis::Bold,
                        _ => Emphasis::BoldItalic,
                    };
                    pairs.push(((oat, n), (at, n), e));
                }
                continue;
            }
        }
        if can_open {
            open.push((at, n, c));
        }
    }
    if pairs.is_empty() {
        return (s.to_string(), Vec::new());
    }
    let mut cut: Vec<(usize, usize)> = pairs.iter().flat_map(|&(o, c, _)| [o, c]).collect();
    cut.sort_unstable();
    // new offset of an old one: minus the marker bytes cut before it
    let shift = |at: usize| at - cut.iter().take_while(|&&(c, _)| c < at).map(|&(_, n)| n).sum::<usize>();
    let mut out = String::with_capacity(s.len());
    let mut from = 0;
    for &(at, n) in &cut {
        out.push_str(&s[from..at]);
        from = at + n;
    }
    out.push_str(&s[from..]);
    let mut emph: Vec<(std::ops::Range<usize>, Emphasis)> =
        pairs.iter().map(|&((o, n), (c, _), e)| (shift(o + n)..shift(c), e)).collect();
    emph.sort_by_key(|(r, _)| r.start);
    (out, emph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_written_with_thousands_separated() {
        assert_eq!(count(1, "file"), "1 file");
        assert_eq!(count(999, "file"), "999 files");
        assert_eq!(count(430_001, "file"), "430,001 files");
        assert_eq!(count(1_000_000, "article"), "1,000,000 articles");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(12_345), "12,345");
    }

    #[test]
    fn sanitize_replaces_escapes_and_controls() {
        let s = sanitize("a\u{1b}[31mred\u{7}\u{9b}2J\u{202e}x\ty");
        assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        assert_eq!(s, "a\u{241b}[31mred\u{2407}\u{fffd}2J\u{fffd}x    y");
    }

    #[test]
    fn sanitize_drops_joiners_so_width_is_what_a_terminal_takes() {
        let s = sanitize("👨\u{200d}👩 ❤\u{fe0f} 👍\u{1f3fd} a\u{200b}b\u{ad}c");
        assert_eq!(s, "👨👩 ❤ 👍 abc");
        assert_eq!(width(&s), 2 + 2 + 1 + 1 + 1 + 2 + 1 + 3);
        assert_eq!(width("\u{644}\u{627}"), 2, "no ligature: a terminal takes two columns");
        assert_eq!(truncate(&s, width(&s)), s);
    }

    #[test]
    fn a_character_wider_than_two_columns_is_replaced_so_every_line_can_hold_any_character() {
        // unicode-width gives U+17D8 three columns (terminals one): wrapped to two columns
        // it was clipped away and its text lost (found by `wrap_never_exceeds_width_or_loses_text`)
        assert_eq!(sanitize("a\u{17d8}b"), "a\u{fffd}b");
        assert!(sanitize("a\u{17d8}b").chars().all(|c| UnicodeWidthChar::width(c).unwrap_or(0) <= 2));
        assert_eq!(crate::layout::wrap("\u{17d8}", 2).concat(), "\u{fffd}");
    }

    #[test]
    fn sanitize_borrows_clean_text() {
        assert!(matches!(sanitize("湘乡县 plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn find_all_is_leftmost_longest_and_on_boundaries() {
        let n = vec!["人民".to_string(), "人民日报".to_string(), "Daily".to_string()];
        let hay = "读人民日报 People's Daily 人民";
        let hits = find_all(hay, &n);
        let words: Vec<&str> = hits.iter().map(|r| &hay[r.clone()]).collect();
        assert_eq!(words, ["人民日报", "Daily", "人民"]);
    }

    #[test]
    fn truncate_respects_double_width() {
        assert_eq!(truncate("湘乡县", 5), "湘乡");
        assert_eq!(truncate("湘乡县", 6), "湘乡县");
        assert_eq!(fit("湘乡县", 5), "湘乡…");
        assert_eq!(width(&fit("湘乡县x", 4)), 4);
        assert_eq!(fit("ab", 4), "ab  ");
    }
}
