//! The aligner on whole articles, one invented fixture per kind of error it used to make
//! (tests/fixtures/align/): bylines, an extra English opening line, a headline in two
//! lines, brief-news collections with echoed Chinese headings, and English paragraphs that
//! carry copied Chinese.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use diglot::align::align_article;
use diglot::corpus::{parse_bytes, Article, Parsed};
use std::path::Path;

fn article(name: &str) -> Article {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/align").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    match parse_bytes(&path, &bytes) {
        Parsed::Article(a) => *a,
        Parsed::NotArticle(why) => panic!("{name}: not an article: {why}"),
    }
}

/// The beads of a fixture as (English indices, Chinese indices).
fn beads(name: &str) -> Vec<(Vec<usize>, Vec<usize>)> {
    let a = article(name);
    align_article(&a).iter().map(|b| (b.en.clone().collect(), b.zh.clone().collect())).collect()
}

fn b(en: &[usize], zh: &[usize]) -> (Vec<usize>, Vec<usize>) {
    (en.to_vec(), zh.to_vec())
}

#[test]
fn chinese_byline_the_english_leaves_out_stands_alone() {
    assert_eq!(
        beads("byline_zh_only.md"),
        vec![b(&[0], &[0]), b(&[], &[1]), b(&[1], &[2]), b(&[2], &[3]), b(&[3], &[4])]
    );
}

#[test]
fn chinese_byline_the_english_puts_at_the_end_stands_alone() {
    assert_eq!(
        beads("byline_zh_reporter.md"),
        vec![b(&[0], &[0]), b(&[], &[1]), b(&[1], &[2]), b(&[2], &[3]), b(&[3], &[])]
    );
}

#[test]
fn english_opening_line_the_chinese_lacks_stands_alone() {
    assert_eq!(beads("en_opening_line.md"), vec![b(&[0], &[]), b(&[1], &[0]), b(&[2], &[1]), b(&[3], &[2])]);
}

#[test]
fn english_headline_in_two_lines_pairs_with_the_one_chinese_line() {
    assert_eq!(beads("en_headline_two_lines.md"), vec![b(&[0, 1], &[0]), b(&[2], &[1]), b(&[3], &[2])]);
}

#[test]
fn brief_news_headings_echoed_in_chinese_and_pinyin_go_with_the_chinese_heading() {
    assert_eq!(
        beads("brief_news_pinyin.md"),
        vec![
            b(&[0, 1], &[0]),
            b(&[2, 3], &[1]),
            b(&[4], &[2]),
            b(&[5, 6], &[3]),
            b(&[7], &[4]),
            b(&[8], &[5]),
            b(&[9, 10], &[6]),
            b(&[11], &[7]),
        ]
    );
}

#[test]
fn english_paragraph_carrying_copied_chinese_pairs_with_it() {
    assert_eq!(
        beads("en_carries_chinese.md"),
        vec![b(&[0], &[0]), b(&[1], &[1]), b(&[2], &[2]), b(&[3], &[3]), b(&[4], &[4])]
    );
}

// --- the command line ---------------------------------------------------------------------

fn diglot(args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().expect("temp dir");
    std::process::Command::new(env!("CARGO_BIN_EXE_diglot"))
        .args(args)
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_CACHE_HOME", home.path())
        .output()
        .expect("run diglot")
}

fn fixture_path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/align").join(name).display().to_string()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array().into_iter().flatten().map(|s| s.as_str().expect("a string").to_string()).collect()
}

/// `align --sentences --json`: each bead's sentences, in order, are exactly its paragraphs,
/// and abbreviations do not end sentences.
#[test]
fn sentences_json_is_exactly_the_bead_text() {
    for name in ["trust_faults.md", "brief_news_pinyin.md", "byline_zh_reporter.md", "en_carries_chinese.md"]
    {
        let out = diglot(&["align", "--sentences", "--json", &fixture_path(name)]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        let beads = v["beads"].as_array().expect("beads");
        assert!(!beads.is_empty());
        for b in beads {
            let sentences = b["sentences"].as_array().expect("sentences");
            for side in ["en", "zh"] {
                let whole: String = strings(&b[side]).concat();
                let pieces: String = sentences.iter().flat_map(|s| strings(&s[side])).collect();
                assert_eq!(pieces, whole, "{name}: {side}");
            }
        }
    }
    let out = diglot(&["align", "--sentences", "--json", &fixture_path("trust_faults.md")]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let last = v["beads"].as_array().and_then(|b| b.last()).expect("a last bead");
    let sentences: Vec<(Vec<String>, Vec<String>)> = last["sentences"]
        .as_array()
        .expect("sentences")
        .iter()
        .map(|s| (strings(&s["en"]), strings(&s["zh"])))
        .collect();
    // Abbreviations (Mr., Aug., U.S., No.) do not end sentences.
    let en: Vec<&str> = sentences.iter().flat_map(|s| s.0.iter().map(String::as_str)).collect();
    assert_eq!(
        en,
        [
            "The meeting praised the good harvest of the county this year.",
            "Mr. Li, the county secretary, said on Aug. 3 that the U.S. embargo could not stop them. ",
            "No. 2 Commune will build 12 reservoirs next year."
        ]
    );
    assert_eq!(
        sentences.last(),
        Some(&(
            vec!["No. 2 Commune will build 12 reservoirs next year.".to_string()],
            vec!["第二公社明年要修建十二座水库。".to_string()]
        ))
    );
    // Without --sentences the JSON is as before.
    let out = diglot(&["align", "--json", &fixture_path("trust_faults.md")]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert!(v["beads"][0].get("sentences").is_none());
}

/// `check --translation`: each doubtful pair with its line and reason; a faithful article
/// gives none.
#[test]
fn check_translation_lists_doubtful_pairs_with_reasons() {
    let path = fixture_path("trust_faults.md");
    let out = diglot(&["check", "--translation", &path]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let want = [
        format!("{path}:8: warning: numbers differ: English 1985, Chinese 1958"),
        format!("{path}:10: warning: Hangul in the English: 인민"),
        format!("{path}:10: warning: untranslated Chinese in the English: 红旗"),
        // The summarised paragraph is left unpaired by the aligner: the Chinese has no English.
        format!("{path}:31: warning: Chinese paragraph of 87 characters with no English"),
    ];
    let lines: Vec<&str> = text.lines().collect();
    for w in &want {
        assert!(lines.contains(&w.as_str()), "missing {w:?} in:\n{text}");
    }
    assert_eq!(lines.iter().filter(|l| l.contains(": warning: ")).count(), 4, "{text}");
    assert_eq!(lines.last(), Some(&"1 articles, 3 paragraph pairs marked"));

    let out = diglot(&["check", "--translation", &fixture_path("byline_zh_only.md")]);
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(text.trim(), "1 articles, 0 paragraph pairs marked");
    // A path that does not exist is an error, as for `check`.
    let out = diglot(&["check", "--translation", &fixture_path("no-such-file.md")]);
    assert_eq!(out.status.code(), Some(1));
}

/// The sentence aligner on the hand-made sentence gold (tests/fixtures/sentence-gold.json,
/// paragraph pairs of real articles aligned by reading both languages).
#[test]
fn sentence_gold_is_mostly_reproduced() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sentence-gold.json");
    let gold: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("gold")).expect("JSON");
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let (mut total, mut hit) = (0, 0);
    let pairs = gold["pairs"].as_array().expect("pairs");
    assert!(pairs.len() >= 20);
    for pair in pairs {
        let beads: Vec<(Vec<String>, Vec<String>)> = pair["beads"]
            .as_array()
            .expect("beads")
            .iter()
            .map(|b| (strings(&b["en"]), strings(&b["zh"])))
            .collect();
        let en = beads.iter().flat_map(|b| b.0.clone()).collect::<Vec<_>>().join(" ");
        let zh: String = beads.iter().flat_map(|b| b.1.clone()).collect();
        let got: Vec<(String, String)> = diglot::align::sentences::align_bead(&[(0, &en)], &[(0, &zh)])
            .iter()
            .map(|b| {
                (
                    squeeze(&b.en.iter().map(|s| &en[s.range.clone()]).collect::<String>()),
                    squeeze(&b.zh.iter().map(|s| &zh[s.range.clone()]).collect::<String>()),
                )
            })
            .collect();
        for (e, z) in &beads {
            total += 1;
            hit += usize::from(got.contains(&(squeeze(&e.concat()), squeeze(&z.concat()))));
        }
    }
    assert!(hit * 100 >= total * 90, "only {hit}/{total} gold sentence beads");
}
