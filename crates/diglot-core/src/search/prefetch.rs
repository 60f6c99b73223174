//! Software prefetching: a hint that a cache line will be read soon, so that its miss is
//! under way while other work is done (the title scan's pipeline, see
//! `SearchIndex::prefetch_step`). A hint only: nothing is read or written, no result can
//! change; on targets other than x86_64 it does nothing.
//!
//! The crate's fourth audited `unsafe` (see Cargo.toml): the `prefetcht0` instruction
//! (`_mm_prefetch`), given the address of a value the caller borrows.

/// Asks for the cache line holding `r` (to all the cache levels).
#[inline(always)]
pub(super) fn line<T: ?Sized>(r: &T) {
    #[cfg(target_arch = "x86_64")]
    x86::t0(std::ptr::from_ref(r).cast::<i8>());
    #[cfg(not(target_arch = "x86_64"))]
    let _ = r;
}

/// Asks for the cache lines `b` spans, its first `LINES` at most.
#[inline(always)]
pub(super) fn lines<const LINES: usize>(b: &[u8]) {
    let start = b.as_ptr() as usize;
    let mut at = 0;
    for _ in 0..LINES {
        let Some(r) = b.get(at) else { return };
        line(r);
        // (the next line's first byte)
        at = ((start + at) | 63) + 1 - start;
    }
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};

    #[inline(always)]
    pub(super) fn t0(p: *const i8) {
        // SAFETY: a prefetch never faults and neither reads nor writes memory as the program
        // sees it: any address is fine (here it is always that of a live borrow). SSE, which
        // the instruction needs, is part of x86_64's baseline.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p) }
    }
}
