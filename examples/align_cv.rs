//! Honest measurement of the paragraph aligner: k-fold cross-validation on hand-made gold
//! alignments (a measuring tool that runs beside the project; the tests never use it).
//!
//! ```text
//! cargo run --release --example align_cv -- [GOLD-DIR] [--folds K]
//! ```
//!
//! GOLD-DIR (default `../shared/corpus/align-gold`) holds `rmrb/*/*.json` files as described
//! in its README: `file` (relative to the folder above GOLD-DIR), `en_count`, `zh_count` and
//! `beads` (`{"en": [i...], "zh": [j...]}`). Prints
//!
//! * in-sample: the share of gold beads that [`AlignParams::default`] reproduces (those
//!   defaults were fitted on this very gold);
//! * cross-validated: the articles are dealt into K folds (article i to fold i mod K, in path
//!   order); for each fold the weights are fitted on the other K-1 folds only, starting from a
//!   neutral set derived from the training beads (length ratio, bead-kind frequencies) and
//!   improved by coordinate search, then the held-out fold is scored with them. Every article
//!   is scored exactly once, by weights that never saw it.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use diglot::align::{align_with, AlignContext, AlignParams};
use diglot::corpus::{parse_bytes, Article, Parsed};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

type BeadSet = Vec<(Vec<usize>, Vec<usize>)>;

struct Case {
    name: String,
    article: Article,
    gold: BeadSet,
}

fn load(gold_dir: &Path) -> Result<Vec<Case>, String> {
    let root = gold_dir.parent().ok_or("the gold folder has no parent")?;
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in walkdir::WalkDir::new(gold_dir).into_iter().filter_map(Result::ok) {
        if entry.path().extension().is_some_and(|e| e == "json") {
            files.push(entry.path().to_path_buf());
        }
    }
    files.sort();
    let mut cases = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let g: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        let file = g["file"].as_str().ok_or_else(|| format!("{}: no file", f.display()))?;
        let path = root.join(file);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let Parsed::Article(a) = parse_bytes(&path, &bytes) else {
            return Err(format!("{}: not an article", path.display()));
        };
        let idx = |v: &serde_json::Value| -> Vec<usize> {
            v.as_array()
                .map(|a| a.iter().filter_map(|x| x.as_u64()).map(|x| x as usize).collect())
                .unwrap_or_default()
        };
        let gold: BeadSet =
            g["beads"].as_array().into_iter().flatten().map(|b| (idx(&b["en"]), idx(&b["zh"]))).collect();
        let (ne, nz) =
            (g["en_count"].as_u64().unwrap_or(0) as usize, g["zh_count"].as_u64().unwrap_or(0) as usize);
        if (ne, nz) != (a.en.len(), a.zh.len()) {
            return Err(format!(
                "{file}: diglot reads {}+{} paragraphs, the gold counts {ne}+{nz}",
                a.en.len(),
                a.zh.len()
            ));
        }
        cases.push(Case { name: file.to_string(), article: *a, gold });
    }
    Ok(cases)
}

/// Gold beads of `case` that `params` reproduce exactly.
fn hits(case: &Case, params: &AlignParams) -> usize {
    let a = &case.article;
    let en = a.en_paras();
    let zh = a.zh_paras();
    let gloss: Vec<(&str, &str)> = a.glossary.iter().map(|g| (g.term.as_str(), g.gloss.as_str())).collect();
    let ctx = AlignContext { title_en: &a.meta.title_en, title_zh: &a.meta.title_zh, glossary: &gloss };
    let got: HashSet<(Vec<usize>, Vec<usize>)> =
        align_with(&en, &zh, &ctx, params).into_iter().map(|b| (b.en.collect(), b.zh.collect())).collect();
    case.gold.iter().filter(|b| got.contains(*b)).count()
}

fn score(cases: &[&Case], params: &AlignParams) -> usize {
    cases.iter().map(|c| hits(c, params)).sum()
}

fn fields(p: &mut AlignParams) -> Vec<(&'static str, &mut f64)> {
    vec![
        ("ratio", &mut p.ratio),
        ("doc_ratio_weight", &mut p.doc_ratio_weight),
        ("variance", &mut p.variance),
        ("variance_sq", &mut p.variance_sq),
        ("zh_latin_weight", &mut p.zh_latin_weight),
        ("max_len_cost", &mut p.max_len_cost),
        ("cost_1_1", &mut p.cost_1_1),
        ("cost_indel", &mut p.cost_indel),
        ("cost_2_1", &mut p.cost_2_1),
        ("cost_2_2", &mut p.cost_2_2),
        ("indel_len_weight", &mut p.indel_len_weight),
        ("end_indel_discount", &mut p.end_indel_discount),
        ("anchor_shared", &mut p.anchor_shared),
        ("anchor_missing", &mut p.anchor_missing),
        ("title_shared", &mut p.title_shared),
        ("title_missing", &mut p.title_missing),
        ("title_drop", &mut p.title_drop),
        ("punct_mismatch", &mut p.punct_mismatch),
        ("punct_minor", &mut p.punct_minor),
        ("byline_drop", &mut p.byline_drop),
        ("byline_merge", &mut p.byline_merge),
        ("cost_split_heading", &mut p.cost_split_heading),
    ]
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// A starting point that owes nothing to the held-out articles nor to the shipped defaults:
/// the length ratio of the training 1-1 beads, bead-kind priors from their frequencies
/// (−ln p), and every other weight at a plain 1 (or 0 for discounts).
fn neutral(train: &[&Case]) -> AlignParams {
    let (mut le, mut lz) = (0usize, 0usize);
    let mut kinds = [0usize; 4]; // 1-1, indel, 2-1/1-2, 2-2
    for c in train {
        for (e, z) in &c.gold {
            let k = match (e.len(), z.len()) {
                (1, 1) => 0,
                (0, _) | (_, 0) => 1,
                (2, 2) => 3,
                _ => 2,
            };
            kinds[k] += 1;
            if k == 0 {
                le +=
                    c.article.en_para(e[0]).chars().filter(|&ch| ch.is_alphanumeric() && !is_cjk(ch)).count();
                lz += c.article.zh_para(z[0]).chars().filter(|&ch| is_cjk(ch)).count();
            }
        }
    }
    let total = kinds.iter().sum::<usize>().max(1) as f64;
    let prior = |k: usize| -((kinds[k] as f64 + 0.5) / (total + 2.0)).ln();
    AlignParams {
        ratio: if lz > 0 { le as f64 / lz as f64 } else { 3.0 },
        doc_ratio_weight: 0.0,
        variance: 6.8, // Gale & Church's s² for European languages
        variance_sq: 0.0,
        zh_latin_weight: 0.5,
        max_len_cost: 20.0,
        cost_1_1: prior(0),
        cost_indel: prior(1),
        cost_2_1: prior(2),
        cost_2_2: prior(3),
        indel_len_weight: 1.0,
        end_indel_discount: 0.0,
        anchor_shared: 1.0,
        anchor_missing: 1.0,
        title_shared: 1.0,
        title_missing: 1.0,
        title_drop: 1.0,
        punct_mismatch: 1.0,
        punct_minor: 1.0,
        byline_drop: 1.0,
        byline_merge: 1.0,
        cost_split_heading: prior(2),
    }
}

/// Coordinate search: each weight in turn tries multiples of its value (and small absolute
/// values), keeping a change only when the training score strictly improves.
fn fit(train: &[&Case]) -> AlignParams {
    let mut best = neutral(train);
    let mut best_score = score(train, &best);
    for _round in 0..4 {
        let mut improved = false;
        for k in 0..fields(&mut best.clone()).len() {
            let cur = *fields(&mut best)[k].1;
            let mut tries: Vec<f64> = [0.0, 0.25, 0.5, 0.7, 1.4, 2.0, 4.0].iter().map(|f| cur * f).collect();
            tries.extend([0.1, 0.5, 1.0, 2.0, 4.0]);
            for v in tries {
                if v == cur {
                    continue;
                }
                let mut p = best;
                *fields(&mut p)[k].1 = v;
                let s = score(train, &p);
                if s > best_score {
                    best = p;
                    best_score = s;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    best
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("../shared/corpus/align-gold");
    let mut folds = 5usize;
    let mut verbose = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--folds" => folds = args.next().and_then(|v| v.parse().ok()).unwrap_or(5).max(2),
            "-v" | "--verbose" => verbose = true,
            _ => dir = PathBuf::from(a),
        }
    }
    let cases = match load(&dir) {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => {
            eprintln!("no gold files under {}", dir.display());
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let all: Vec<&Case> = cases.iter().collect();
    let total: usize = cases.iter().map(|c| c.gold.len()).sum();
    let inside = score(&all, &AlignParams::default());
    println!("in-sample (shipped defaults): {inside}/{total} = {:.3}", inside as f64 / total as f64);
    let folds = folds.min(cases.len());
    let mut held = 0;
    for f in 0..folds {
        let train: Vec<&Case> =
            all.iter().enumerate().filter(|(i, _)| i % folds != f).map(|(_, c)| *c).collect();
        let test: Vec<&Case> =
            all.iter().enumerate().filter(|(i, _)| i % folds == f).map(|(_, c)| *c).collect();
        let p = fit(&train);
        let t_total: usize = test.iter().map(|c| c.gold.len()).sum();
        let got = score(&test, &p);
        held += got;
        println!(
            "fold {f}: fitted on {} articles ({}/{} there), held out {}: {got}/{t_total}",
            train.len(),
            score(&train, &p),
            train.iter().map(|c| c.gold.len()).sum::<usize>(),
            test.len()
        );
        if verbose {
            for c in &test {
                let h = hits(c, &p);
                if h < c.gold.len() {
                    println!("  {}: {h}/{}", c.name, c.gold.len());
                }
            }
            println!("  {p:?}");
        }
    }
    println!("cross-validated ({folds} folds): {held}/{total} = {:.3}", held as f64 / total as f64);
}
