//! One pass over a text's bytes for the two things `parse::first_control_line` reports on
//! the whole text: a C0 control (below 0x20 but tab, newline and carriage return) or DEL,
//! and a C1 control (U+0080..U+009F: `C2 80`..`C2 9F`) or a bidirectional override/isolate
//! (U+202A..U+202E: `E2 80 AA`..`E2 80 AE`; U+2066..U+2069: `E2 81 A6`..`E2 81 A9`).
//!
//! Portably the parser makes two passes for them (the low bytes counted in lanes, then
//! memchr's `C2`/`E2` search, which stops at every Chinese quotation mark); on x86_64 with
//! AVX2 (detected at run time) this module makes one, 64 bytes a step, and looks for the
//! sequences only in steps that have a `C2` or `E2` byte (6 % of an article's steps).
//! Elsewhere [`newlines_and_marks`] gives `None` and the parser keeps its two passes.
//!
//! The same pass gives the newlines' offsets (a bit mask a step), from which the parser's
//! line cursor is made, instead of a `memchr` call a line.
//!
//! The crate's third audited `unsafe` (see Cargo.toml): the 32-byte loads (`loadu`, from
//! within a 66-byte array, the offset bounded at compile time) and the call of the AVX2
//! function once the CPU is known to have AVX2. Nothing is written.

/// What [`newlines_and_marks`] finds in a text's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Marks {
    /// Some byte [`is_c0`].
    pub(super) c0: bool,
    /// A C1 or a bidirectional control's bytes start somewhere ([`is_high_at`]).
    pub(super) high: bool,
}

/// A C0 control the parser reports: below 0x20 but tab, newline and carriage return; or DEL.
#[cfg(test)]
pub(super) fn is_c0(c: u8) -> bool {
    (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r')) || c == 0x7f
}

/// The bytes of a C1 control or of a bidirectional override/isolate start `b`.
#[cfg(test)]
pub(super) fn is_high_at(b: &[u8]) -> bool {
    matches!(b, [0xc2, 0x80..=0x9f, ..] | [0xe2, 0x80, 0xaa..=0xae, ..] | [0xe2, 0x81, 0xa6..=0xa9, ..])
}

/// [`Marks`] of any bytes (UTF-8 or not), and the offset of each newline handed to
/// `newline` in order, in one pass where the CPU has AVX2; `None` where it has not (or is not
/// x86_64), and then `newline` is not called.
pub(super) fn newlines_and_marks(b: &[u8], newline: impl FnMut(usize)) -> Option<Marks> {
    #[cfg(target_arch = "x86_64")]
    {
        avx2::newlines_and_marks(b, newline)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (b, newline);
        None
    }
}

/// [`Marks`] alone (see [`newlines_and_marks`]).
#[cfg(test)]
pub(super) fn marks(b: &[u8]) -> Option<Marks> {
    newlines_and_marks(b, |_| {})
}

/// [`Marks`] by their definition, a byte at a time (the tests' reference).
#[cfg(test)]
pub(super) fn marks_by_bytes(b: &[u8]) -> Marks {
    Marks {
        c0: b.iter().any(|&c| is_c0(c)),
        high: (0..b.len()).any(|k| is_high_at(b.get(k..).unwrap_or_default())),
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use super::Marks;
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8, _mm256_setr_epi8, _mm256_setzero_si256,
        _mm256_shuffle_epi8, _mm256_srli_epi16, _mm256_testz_si256,
    };

    /// The bytes looked at in a step.
    const STEP: usize = 64;
    /// A step's bytes and the two after them, that a sequence starting at the step's last
    /// byte ends in.
    const WINDOW: usize = STEP + 2;

    pub(super) fn newlines_and_marks(b: &[u8], newline: impl FnMut(usize)) -> Option<Marks> {
        // (std caches what it detected: an atomic load after the first call)
        if !std::arch::is_x86_feature_detected!("avx2") {
            return None;
        }
        // SAFETY: `marks_avx2` is safe but for the instructions it is compiled to; the CPU has
        // AVX2, detected just above.
        Some(unsafe { marks_avx2(b, newline) })
    }

    /// The 32 bytes of `w` from `K` on.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn load<const K: usize>(w: &[u8; WINDOW]) -> __m256i {
        const { assert!(K + 32 <= WINDOW) };
        // SAFETY: `K + 32 <= WINDOW` (checked at compile time just above), so the 32 bytes
        // read, `w[K..K + 32]`, are all within the array `w` borrows; `loadu` needs no
        // alignment, and reads only.
        unsafe { _mm256_loadu_si256(w.as_ptr().add(K).cast::<__m256i>()) }
    }

    /// Per byte, its classes, by two table look-ups (by the low and by the high four bits)
    /// whose bits meet: 1 (high nibble 0, low nibble not 9: tab, A: newline, D: carriage
    /// return), 2 (high nibble 1), 4 (`7F`): a C0 control the parser reports, or DEL; 0x80
    /// (`C2`, `E2`): the lead byte of a C1 or a bidirectional control, and of many others.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn classes(v: __m256i) -> __m256i {
        #[rustfmt::skip]
        let by_low = _mm256_setr_epi8(
            3, 3, -125, 3, 3, 3, 3, 3, 3, 2, 2, 3, 3, 2, 3, 7,
            3, 3, -125, 3, 3, 3, 3, 3, 3, 2, 2, 3, 3, 2, 3, 7,
        );
        #[rustfmt::skip]
        let by_high = _mm256_setr_epi8(
            1, 2, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, -128, 0, -128, 0,
            1, 2, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, -128, 0, -128, 0,
        );
        let nibble = _mm256_set1_epi8(0x0f);
        let low = _mm256_shuffle_epi8(by_low, _mm256_and_si256(v, nibble));
        let high = _mm256_shuffle_epi8(by_high, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
        _mm256_and_si256(low, high)
    }

    /// `v > lo && v < hi` per byte, as signed bytes (0x80..0xFF are -128..-1: in order among
    /// themselves and below every ASCII byte).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn between(v: __m256i, lo: u8, hi: u8) -> __m256i {
        _mm256_and_si256(
            _mm256_cmpgt_epi8(v, _mm256_set1_epi8(lo as i8)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(hi as i8), v),
        )
    }

    /// Per byte of `v`, nonzero where a C1 or a bidirectional control's bytes start: `v` the
    /// bytes, `v1` and `v2` the bytes one and two after each.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn sequences(v: __m256i, v1: __m256i, v2: __m256i) -> __m256i {
        // 0x80..=0x9F are the signed bytes below 0xA0 (-96)
        let c1 = _mm256_and_si256(
            _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0xc2_u8 as i8)),
            _mm256_cmpgt_epi8(_mm256_set1_epi8(0xa0_u8 as i8), v1),
        );
        let e280 =
            _mm256_and_si256(_mm256_cmpeq_epi8(v1, _mm256_set1_epi8(0x80_u8 as i8)), between(v2, 0xa9, 0xaf));
        let e281 =
            _mm256_and_si256(_mm256_cmpeq_epi8(v1, _mm256_set1_epi8(0x81_u8 as i8)), between(v2, 0xa5, 0xaa));
        let e2 = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0xe2_u8 as i8));
        _mm256_or_si256(c1, _mm256_and_si256(e2, _mm256_or_si256(e280, e281)))
    }

    /// One step: the window's first 64 bytes, classed; the sequences looked for only when
    /// there is a `C2` or `E2` among them (in 6 % of the steps of an article: its Chinese
    /// quotation marks, dashes and ellipses).
    ///
    /// Returns the step's newlines, a bit each (bit `k`: byte `k`).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn step(w: &[u8; WINDOW], c0: &mut __m256i, high: &mut __m256i) -> u64 {
        let (a, b) = (load::<0>(w), load::<32>(w));
        let nl = _mm256_set1_epi8(b'\n' as i8);
        let newlines = u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, nl)) as u32)
            | u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, nl)) as u32) << 32;
        let classes = _mm256_or_si256(classes(a), classes(b));
        *c0 = _mm256_or_si256(*c0, classes);
        if _mm256_movemask_epi8(classes) != 0 {
            let found = _mm256_or_si256(
                sequences(a, load::<1>(w), load::<2>(w)),
                sequences(b, load::<33>(w), load::<34>(w)),
            );
            *high = _mm256_or_si256(*high, found);
        }
        newlines
    }

    /// Hands the offset of each newline of a step to `newline`: `at` the step's start,
    /// `bits` its newlines.
    #[inline]
    fn each_newline(at: usize, mut bits: u64, newline: &mut impl FnMut(usize)) {
        while bits != 0 {
            newline(at + bits.trailing_zeros() as usize);
            bits &= bits - 1;
        }
    }

    #[target_feature(enable = "avx2")]
    fn marks_avx2(b: &[u8], mut newline: impl FnMut(usize)) -> Marks {
        let mut c0 = _mm256_setzero_si256();
        let mut high = _mm256_setzero_si256();
        let mut i = 0;
        while let Some(w) = b.get(i..).and_then(|r| r.first_chunk::<WINDOW>()) {
            let newlines = step(w, &mut c0, &mut high);
            each_newline(i, newlines, &mut newline);
            i += STEP;
        }
        // the rest, fewer than WINDOW bytes (so two steps), padded with spaces: neither a
        // control, a newline nor a byte of a sequence, so nothing is found past the text
        let rest = b.get(i..).unwrap_or_default();
        let mut tail = [b' '; STEP + WINDOW];
        if let Some(t) = tail.get_mut(..rest.len()) {
            t.copy_from_slice(rest);
        }
        for k in [0, STEP] {
            if let Some(w) = tail.get(k..).and_then(|r| r.first_chunk::<WINDOW>()) {
                let newlines = step(w, &mut c0, &mut high);
                each_newline(i + k, newlines, &mut newline);
            }
        }
        // (the C0 classes are the low three bits; 0x80 is the lead bytes')
        Marks {
            c0: _mm256_testz_si256(c0, _mm256_set1_epi8(0x07)) == 0,
            high: _mm256_testz_si256(high, high) == 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The pieces put into texts: every byte value, each sequence and its near misses.
    fn needles() -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = (0..=255u8).map(|c| vec![c]).collect();
        for s in [
            &[0xc2, 0x80][..],
            &[0xc2, 0x9f],
            &[0xc2, 0x7f],
            &[0xc2, 0xa0],
            &[0xc3, 0x85],
            &[0xe2, 0x80, 0xaa],
            &[0xe2, 0x80, 0xae],
            &[0xe2, 0x80, 0xa9],
            &[0xe2, 0x80, 0xaf],
            &[0xe2, 0x81, 0xa6],
            &[0xe2, 0x81, 0xa9],
            &[0xe2, 0x81, 0xa5],
            &[0xe2, 0x81, 0xaa],
            &[0xe2, 0x82, 0xaa],
            &[0xe3, 0x80, 0xaa],
            &[0xe2, 0x80, 0x9c],
            &[0xe2, 0x80, 0xa6],
            &[0xe2, 0x80],
            &[0xe2],
        ] {
            out.push(s.to_vec());
        }
        out
    }

    /// Every needle at the places around the edges of the vectors (32 and 34 bytes) and of
    /// the steps (64, 66, 128, 130), and at a text's start and end, in texts whose lengths
    /// end around those edges (the tail's), in ASCII and in Chinese filler: the same as the
    /// definition (where the CPU has AVX2; elsewhere `marks` is `None`, and the parser's own
    /// passes are tested in parse.rs).
    #[test]
    fn every_byte_and_sequence_is_found_at_every_edge() {
        let filler: [&[u8]; 2] = [b"abcdefgh", "中文“”。".as_bytes()];
        let edges = [
            0usize, 1, 2, 3, 30, 31, 32, 33, 34, 35, 62, 63, 64, 65, 66, 67, 68, 96, 126, 127, 128, 129, 130,
            131, 132,
        ];
        for fill in filler {
            for len in edges.iter().copied().chain([8, 97, 140, 141]) {
                let base: Vec<u8> = fill.iter().copied().cycle().take(len).collect();
                assert_eq!(marks(&base).unwrap_or_else(|| marks_by_bytes(&base)), marks_by_bytes(&base));
                for needle in needles() {
                    let last = len.saturating_sub(needle.len());
                    let places =
                        edges.iter().copied().chain([last.saturating_sub(2), last.saturating_sub(1), last]);
                    for at in places.filter(|&at| at <= last) {
                        let mut text = base.get(..at).unwrap_or_default().to_vec();
                        text.extend_from_slice(&needle);
                        text.extend(base.iter().skip(at + needle.len()));
                        let want = marks_by_bytes(&text);
                        if let Some(got) = marks(&text) {
                            assert_eq!(got, want, "{text:02x?}");
                        }
                        if let Some(got) = newlines(&text) {
                            assert_eq!(
                                got,
                                memchr::memchr_iter(b'\n', &text).collect::<Vec<_>>(),
                                "{text:02x?}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// The newlines handed over, by [`newlines_and_marks`] (`None` without AVX2).
    fn newlines(b: &[u8]) -> Option<Vec<usize>> {
        let mut out = Vec::new();
        newlines_and_marks(b, |k| out.push(k)).map(|_| out)
    }

    proptest! {
        #[test]
        fn newlines_are_handed_over_in_order(
            bytes in proptest::collection::vec(prop_oneof![any::<u8>(), Just(b'\n'), Just(b'\n'), Just(b'\r')], 0..400),
        ) {
            if let Some(got) = newlines(&bytes) {
                let want: Vec<usize> = memchr::memchr_iter(b'\n', &bytes).collect();
                prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn marks_agree_with_the_definition_on_any_bytes(
            bytes in proptest::collection::vec(prop_oneof![
                any::<u8>(),
                Just(0xc2u8), Just(0xe2), Just(0x80), Just(0x81), 0x9eu8..0xb0, Just(b'\n'), Just(b'a'),
            ], 0..300),
        ) {
            if let Some(got) = marks(&bytes) {
                prop_assert_eq!(got, marks_by_bytes(&bytes));
            }
        }

        #[test]
        fn marks_agree_with_the_definition_on_long_texts(
            pieces in proptest::collection::vec(prop_oneof![
                "[a-z “”—…\n]{0,40}",
                "[中文。，\u{3000}]{0,20}",
                "[\u{0}-\u{1f}\u{7f}-\u{a0}\u{2020}-\u{2030}\u{2060}-\u{2070}]",
            ], 0..60),
        ) {
            let text = pieces.concat();
            if let Some(got) = marks(text.as_bytes()) {
                prop_assert_eq!(got, marks_by_bytes(text.as_bytes()));
            }
        }
    }
}
