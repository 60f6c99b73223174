//! Fuzz target: the parser, from any bytes to an article and diagnostics, and sanitizing.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let a = common::parse_and_check(data);
    // `parse` on text known to be UTF-8 must agree with `parse_bytes` on its bytes.
    if let (Some(a), Ok(s)) = (&a, std::str::from_utf8(data)) {
        let b = diglot::corpus::parse(std::path::Path::new("fuzz/input.md"), s);
        assert_eq!(a.en, b.en);
        assert_eq!(a.zh, b.zh);
        assert_eq!(a.meta, b.meta);
    }
    let text = String::from_utf8_lossy(data);
    let clean = diglot::text::sanitize(&text);
    common::assert_terminal_safe("sanitize", &clean);
    assert_eq!(diglot::text::sanitize(&clean), clean, "sanitize is not idempotent");
});
