//! `diglot define` and `diglot words`, run as a user would, on an invented fixture article
//! and a temporary data folder.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

const ARTICLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dict_article.md");

fn diglot(args: &[&str], data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diglot"))
        .args(args)
        .env("XDG_DATA_HOME", data)
        .env("XDG_STATE_HOME", data)
        .env("XDG_CONFIG_HOME", data)
        .env("XDG_CACHE_HOME", data)
        .env("HOME", data)
        .output()
        .expect("run diglot")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn define_prints_entries_with_pinyin_senses_and_hsk() {
    let tmp = tempfile::tempdir().unwrap();
    let o = diglot(&["define", "银行"], tmp.path());
    assert!(o.status.success(), "{o:?}");
    let s = stdout(&o);
    let first = s.lines().next().unwrap();
    assert!(first.starts_with("银行 (銀行)  yín háng"), "{s}");
    assert!(first.contains("HSK "), "{s}");
    assert!(s.lines().any(|l| l.trim() == "1. bank"), "{s}");
}

#[test]
fn define_json_is_valid_and_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let o = diglot(&["define", "行", "长城", "--json"], tmp.path());
    assert!(o.status.success(), "{o:?}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    let a = v.as_array().expect("an array");
    let readings: Vec<&str> =
        a.iter().filter(|e| e["simplified"] == "行").filter_map(|e| e["pinyin"].as_str()).collect();
    assert!(readings.contains(&"xíng") && readings.contains(&"háng"), "{readings:?}");
    let wall = a.iter().find(|e| e["simplified"] == "长城").expect("长城");
    assert_eq!(wall["traditional"], "長城");
    assert!(wall["senses"]
        .as_array()
        .is_some_and(|s| s.iter().any(|x| x.as_str().unwrap().contains("Great Wall"))));
    for e in a {
        for k in ["simplified", "traditional", "pinyin", "pinyin_numbered", "senses", "hsk"] {
            assert!(e.get(k).is_some(), "{k} missing in {e}");
        }
    }
}

#[test]
fn an_unknown_word_exits_1_and_a_phrase_is_given_by_its_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let o = diglot(&["define", "hello"], tmp.path());
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("not in the dictionary"));
    let o = diglot(&["define", "hello", "--json"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON even when empty");
    assert_eq!(v, serde_json::json!([]));
    // a phrase CC-CEDICT lacks as a whole
    let o = diglot(&["define", "银行采取行动"], tmp.path());
    assert!(o.status.success(), "{o:?}");
    let s = stdout(&o);
    assert!(s.contains("its parts"), "{s}");
    // 银行, then the longest dictionary word after it (采取行动)
    assert!(
        s.lines().any(|l| l.starts_with("银行 ")) && s.lines().any(|l| l.starts_with("采取行动 ")),
        "{s}"
    );
    // escape sequences typed as a word do not come back raw
    let o = diglot(&["define", "\u{1b}[31mx"], tmp.path());
    assert!(!o.stderr.contains(&0x1b), "{o:?}");
}

/// `diglot define ''` said `diglot: : not in the dictionary` (status 1, as for a word the
/// dictionary lacks): an empty word, or one of spaces, is a usage error (status 2) that says
/// so, with nothing on stdout, and so is an empty ARTICLE; `search --scan ''` printed nothing
/// with status 0.
#[test]
fn an_empty_word_or_argument_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["define", ""][..],
        &["define", "  "],
        &["define", "银行", ""],
        &["define", "", "--json"],
        &["define", "--article", ""],
        &["show", ""],
        &["align", ""],
        &["search", "--scan", ""],
        &["search", "--scan", " "],
    ] {
        let o = diglot(args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {o:?}");
        assert!(o.stdout.is_empty(), "{args:?}: {o:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("empty"), "{args:?}: {err}");
        assert!(
            !err.contains("not in the dictionary") && !err.contains("no such article"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn define_article_lists_the_vocabulary_in_context() {
    let tmp = tempfile::tempdir().unwrap();
    let o = diglot(&["define", "--article", ARTICLE], tmp.path());
    assert!(o.status.success(), "{o:?}");
    let s = stdout(&o);
    let rows: Vec<Vec<&str>> = s.lines().map(|l| l.split('\t').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 5), "{s}");
    let row =
        |w: &str| rows.iter().find(|r| r[0] == w).unwrap_or_else(|| panic!("{w} missing:\n{s}")).clone();
    assert_eq!(row("毛泽东")[1], "máozédōng");
    assert_eq!(row("中共中央")[0], "中共中央");
    assert_eq!(row("银行")[1], "yínháng");
    assert_eq!(row("银行")[3], "3", "counted each time: {s}");
    assert_eq!(row("采取行动")[1], "cǎiqǔxíngdòng");
    assert_eq!(row("长大")[1], "zhǎngdà");
    assert_eq!(row("长城")[1], "chángchéng");
    assert_eq!(row("重庆")[1], "chóngqìng");
    assert_eq!(row("重要")[1], "zhòngyào");
    // in order of first appearance, each word once, no punctuation
    assert_eq!(rows[0][0], "毛泽东");
    let mut words: Vec<&str> = rows.iter().map(|r| r[0]).collect();
    let n = words.len();
    words.sort();
    words.dedup();
    assert_eq!(words.len(), n);
    assert!(!words.iter().any(|w| w.contains('，') || w.contains('。')));

    let o = diglot(&["define", "--article", ARTICLE, "--json"], tmp.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(n));

    // --beyond drops the words at or below the level
    let o = diglot(&["define", "--article", ARTICLE, "--beyond", "6"], tmp.path());
    let beyond = stdout(&o);
    assert!(beyond.lines().count() < n, "{beyond}");
    assert!(beyond.contains("毛泽东"));
    assert!(!beyond.lines().any(|l| l.starts_with("银行\t")), "{beyond}");
}

#[test]
fn words_prints_the_list_and_anki_format() {
    let tmp = tempfile::tempdir().unwrap();
    let o = diglot(&["words"], tmp.path());
    assert!(o.status.success(), "{o:?}");
    assert_eq!(stdout(&o).lines().count(), 1, "the header only");
    let list = tmp.path().join("diglot").join("words.tsv");
    std::fs::create_dir_all(list.parent().unwrap()).unwrap();
    std::fs::write(
        &list,
        "word\tpinyin\tsenses\tsentence\tenglish\tcitation\n\
         银行\tyínháng\tbank\t银行必须\\t采取行动。\tThe banks must act.\tPeople's Daily, 1958-08-01\n\
         broken line\n",
    )
    .unwrap();
    let o = diglot(&["words"], tmp.path());
    assert!(o.status.success());
    let s = stdout(&o);
    assert_eq!(s.lines().count(), 2, "{s}");
    assert!(s.contains("银行必须\\t采取行动。"), "escaped tab kept escaped: {s}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("words.tsv:3:"), "{o:?}");
    let o = diglot(&["words", "--anki"], tmp.path());
    let s = stdout(&o);
    let cards: Vec<&str> = s.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(cards.len(), 1, "{s}");
    assert_eq!(cards[0].split('\t').count(), 3);
    assert!(s.starts_with("#separator:tab\n"));
}

#[test]
fn version_credits_cc_cedict() {
    let tmp = tempfile::tempdir().unwrap();
    let o = diglot(&["--version"], tmp.path());
    assert!(o.status.success());
    let s = stdout(&o);
    assert!(s.contains("CC-CEDICT") && s.contains("CC BY-SA 4.0"), "{s}");
}

#[test]
fn define_article_writes_the_apostrophe_before_a_syllable_starting_with_a_vowel() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/words/learn.md");
    let o = diglot(&["define", "--article", fixture], tmp.path());
    assert!(o.status.success(), "{o:?}");
    let s = stdout(&o);
    let py = |w: &str| {
        s.lines().find(|l| l.split('\t').next() == Some(w)).map(|l| l.split('\t').nth(1).unwrap().to_string())
    };
    assert_eq!(py("公安局").as_deref(), Some("gōng'ānjú"), "{s}");
    assert_eq!(py("西安").as_deref(), Some("xī'ān"), "{s}");
    assert_eq!(py("银行").as_deref(), Some("yínháng"), "{s}");
}
