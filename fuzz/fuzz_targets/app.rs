//! Fuzz target: the app over any article text, fed any keys and resizes
//! (`diglot::app::drive`): `App::check_invariants` after every step and a frame drawn, with
//! no terminal and no files.
//!
//! Input: bytes 0 and 1 the terminal's width and height (mod 160, 60), byte 2 the number of
//! steps (mod 64), two bytes a step (a key, or a resize when the first is a multiple of 8),
//! the rest the article.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = diglot::app::drive::drive_bytes(data) {
        panic!("{e}");
    }
});
