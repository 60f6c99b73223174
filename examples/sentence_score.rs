//! Scores the sentence aligner against the hand-made sentence gold.
//!
//! ```text
//! cargo run --release --example sentence_score -- [tests/fixtures/sentence-gold.json] [-v]
//! ```
//!
//! Each gold pair gives its sentence beads; the English sentences joined by single spaces and
//! the Chinese ones joined without are the paragraphs. The paragraphs are split and aligned by
//! [`diglot::align::sentences::align_bead`], and a gold bead counts when a produced bead holds
//! exactly its text (spaces aside). Prints the share of gold beads reproduced.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use diglot::align::sentences::align_bead;
use std::collections::HashSet;

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn main() {
    let mut path = String::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sentence-gold.json"));
    let mut verbose = false;
    for a in std::env::args().skip(1) {
        if a == "-v" {
            verbose = true;
        } else {
            path = a;
        }
    }
    let gold: serde_json::Value = match std::fs::read_to_string(&path).map(|t| serde_json::from_str(&t)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().into_iter().flatten().filter_map(|s| s.as_str()).map(str::to_string).collect()
    };
    let (mut total, mut hit, mut pairs) = (0usize, 0usize, 0usize);
    for pair in gold["pairs"].as_array().into_iter().flatten() {
        pairs += 1;
        let beads: Vec<(Vec<String>, Vec<String>)> = pair["beads"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|b| (strings(&b["en"]), strings(&b["zh"])))
            .collect();
        let en: String = beads.iter().flat_map(|b| b.0.clone()).collect::<Vec<_>>().join(" ");
        let zh: String = beads.iter().flat_map(|b| b.1.clone()).collect();
        let got: HashSet<(String, String)> = align_bead(&[(0, &en)], &[(0, &zh)])
            .iter()
            .map(|b| {
                let e: String = b.en.iter().map(|s| &en[s.range.clone()]).collect();
                let z: String = b.zh.iter().map(|s| &zh[s.range.clone()]).collect();
                (squeeze(&e), squeeze(&z))
            })
            .collect();
        let mut missed = Vec::new();
        for (e, z) in &beads {
            total += 1;
            if got.contains(&(squeeze(&e.concat()), squeeze(&z.concat()))) {
                hit += 1;
            } else {
                missed.push(format!("{}-{}", e.len(), z.len()));
            }
        }
        if verbose && !missed.is_empty() {
            println!(
                "{} E{} Z{}: missed {}",
                pair["source"].as_str().unwrap_or("?"),
                pair["en_para"],
                pair["zh_para"],
                missed.join(" ")
            );
        }
    }
    println!(
        "{hit}/{total} gold sentence beads = {:.3} ({pairs} paragraph pairs)",
        hit as f64 / total.max(1) as f64
    );
}
