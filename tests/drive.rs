//! The fuzz target `app`'s driver (`diglot::app::drive`) over proptest-generated articles,
//! keys and resizes, so that it runs in CI: the app's invariants hold after every step.

// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use diglot::app::drive::{drive, drive_bytes, Step};
use proptest::prelude::*;

/// Article-like text: headers, English and Chinese paragraphs with sentence ends, markup,
/// control characters and stray bytes.
fn article() -> impl Strategy<Value = String> {
    let en =
        "([A-Z][a-z]{0,8}|[a-z]{1,8}|Mr\\.|U\\.S\\.|No\\. 5|[0-9]{1,4}|[.!?,\"*_] ?| |\u{1b}\\[31m|\t){0,30}";
    let zh = "([一二十人民日报中国的了是月年]|[。！？；，“”…]|\u{3000}|[A-Z0-9]){0,30}";
    (
        "(Title: [A-Za-z ]{0,20}\n(Date: 19[0-9]{2}-[01][0-9]-[0-3][0-9]\n)?)?",
        prop::collection::vec(en, 0..5),
        any::<bool>(),
        prop::collection::vec(zh, 0..5),
        "(\\*\\*Named Entities\\*\\*\n\n[一-龥]{1,3}\t[A-Za-z ]{1,10}\n)?",
    )
        .prop_map(|(head, en, hr, zh, gloss)| {
            let mut s = head;
            s.push('\n');
            for p in en {
                s.push_str(&format!("    {p}\n\n"));
            }
            s.push_str(&gloss);
            if hr {
                s.push_str("\n<hr /> \n\nOriginal: \n\n### 标题\n\n1958-08-01\n第1版()\n专栏：\n\n");
            }
            for p in zh {
                s.push_str(&format!("　　{p}\n"));
            }
            s
        })
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (any::<u8>(), any::<bool>()).prop_map(|(k, c)| Step::Key(k, c && k % 7 == 0)),
        // the sentence keys often, to reach the cursor's states
        4 => prop::sample::select(vec![22u8, 23, 24, 7, 11]).prop_map(|k| Step::Key(k, false)),
        2 => (1u16..=200, 1u16..=60).prop_map(|(w, h)| Step::Resize(w, h)),
    ]
}

/// 300 cases by default; more with PROPTEST_CASES=N.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 500, ..ProptestConfig::default() })]

    #[test]
    fn the_app_keeps_its_invariants_over_any_article_keys_and_sizes(
        w in 1u16..=160,
        h in 1u16..=60,
        text in article(),
        steps in prop::collection::vec(step(), 1..60),
    ) {
        // the reader focused first, so that the keys reach it
        let mut all = vec![Step::Key(6, false)];
        all.extend(steps);
        prop_assert_eq!(drive((w, h), text.as_bytes(), &all), Ok(()));
    }

    #[test]
    fn raw_bytes_as_the_fuzz_target_gets_them(data in prop::collection::vec(any::<u8>(), 0..400)) {
        prop_assert_eq!(drive_bytes(&data), Ok(()));
    }
}

/// The driver walks the fixture into the sentence cursor, through `)`, a resize and Esc.
#[test]
fn the_driver_reaches_the_sentence_cursor() {
    let text = include_str!("fixtures/sentences_ui.md");
    // Enter, x, ), ), resize, ), Esc
    let steps = [
        Step::Key(6, false),
        Step::Key(22, false),
        Step::Key(24, false),
        Step::Key(24, false),
        Step::Resize(60, 20),
        Step::Key(24, false),
        Step::Key(7, false),
    ];
    assert_eq!(drive((120, 35), text.as_bytes(), &steps), Ok(()));
}
