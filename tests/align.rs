//! The aligner on whole articles, one invented fixture per kind of error it used to make
//! (tests/fixtures/align/): bylines, an extra English opening line, a headline in two
//! lines, brief-news collections with echoed Chinese headings, and English paragraphs that
//! carry copied Chinese.

use diglot::app::align_article;
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
