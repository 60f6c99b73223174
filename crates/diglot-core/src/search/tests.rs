//! Tests of the index, highlights and worker (the scorer, parser and full text have their
//! own, next to the code).

use super::*;
use proptest::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

fn index(items: &[(&str, &str, u64)]) -> SearchIndex {
    let mut ix = SearchIndex::new();
    for &(en, zh, key) in items {
        ix.push(en, zh, key);
    }
    ix
}

fn search(ix: &SearchIndex, q: &str) -> Hits {
    ix.search(&Query::parse(q), None, &|| false).unwrap()
}

fn ids(ix: &SearchIndex, q: &str) -> Vec<u32> {
    search(ix, q).hits.iter().map(|h| h.idx).collect()
}

const XIANGXIANG: &str = "加强集体领导贯彻政策推动生产  湘乡县在农村公社作业组普遍建立核心小组";

#[test]
fn exact_title_beats_scattered_match() {
    let ix = index(&[
        ("Bumper Rice In Every Field; New Wells Sunk", "丰收", 0),
        ("A Brief Note on the News", "短评", 1),
        ("Brief News", "简讯", 2),
    ]);
    assert_eq!(ids(&ix, "brief news")[0], 2);
    assert_eq!(ids(&ix, "brief"), vec![2, 1, 0]);
    let h = search(&ix, "brief");
    assert!(h.hits[0].score > h.hits[2].score);
}

#[test]
fn empty_query_lists_everything_in_sort_key_order() {
    let mut ix = index(&[("c", "", 30), ("a", "", 10), ("b", "", 20)]);
    let h = search(&ix, "");
    assert_eq!(h.hits.iter().map(|h| h.idx).collect::<Vec<_>>(), vec![1, 2, 0]);
    assert!(h.hits.iter().all(|h| h.score == 0));
    assert_eq!(h.searched, 3);
    assert_eq!(ids(&ix, "  '  "), vec![1, 2, 0]);
    ix.set_sort_key(0, 0);
    assert_eq!(ids(&ix, ""), vec![0, 1, 2]);
    ix.push("d", "", 5); // out of order: the order is rebuilt
    assert_eq!(ids(&ix, ""), vec![0, 3, 1, 2]);
    ix.push("e", "", 99); // in order: appended
    assert_eq!(ids(&ix, ""), vec![0, 3, 1, 2, 4]);
}

#[test]
fn equal_scores_rank_by_sort_key_then_index() {
    let ix = index(&[
        ("Picture", "图片", 7),
        ("Picture", "图片", 3),
        ("Picture", "图片", 9),
        ("Picture", "图片", 3),
    ]);
    assert_eq!(ids(&ix, "pic"), vec![1, 3, 0, 2]);
    assert_eq!(ids(&ix, "图"), vec![1, 3, 0, 2]);
    assert_eq!(ids(&ix, "tupian"), vec![1, 3, 0, 2]);
}

#[test]
fn pinyin_full_and_initials_find_and_highlight_han() {
    let ix = index(&[("Core Groups Set Up in Work Groups", XIANGXIANG, 0), ("Picture", "图片", 1)]);
    let at = XIANGXIANG.find("湘乡县").unwrap();
    let chars = |n: usize| at..at + 3 * n; // three bytes per Han char
    for (q, want) in [
        ("xiangxiang", chars(2)),
        ("xxx", chars(3)),
        ("'xxx", chars(3)),
        ("'xiangxiangxian", chars(3)),
        ("XiangXiang", chars(2)),
        // as a dictionary writes it, tone marks and all
        ("xiāngxiāng", chars(2)),
        ("Xiāngxiāngxiàn", chars(3)),
    ] {
        assert_eq!(ids(&ix, q), vec![0], "{q}");
        let hl = ix.highlights(0, &Query::parse(q));
        assert!(hl.en.is_empty(), "{q}: {hl:?}");
        assert_eq!(hl.zh, vec![want], "{q}");
    }
    let q = Query::parse("xiang xiang xian");
    assert_eq!(ix.search(&q, None, &|| false).unwrap().hits.len(), 1);
    let hl = ix.highlights(0, &q);
    assert!(hl.zh.iter().all(|r| r.start >= at && r.end <= at + 9), "{hl:?}");
    assert!(!hl.zh.is_empty());
    // ü is typed v: 绿 lü.
    let ix = index(&[("Green", "绿化", 0)]);
    assert_eq!(ids(&ix, "lvhua"), vec![0]);
    assert_eq!(ids(&ix, "lǜhuà"), vec![0]);
    assert_eq!(ids(&ix, "lh"), vec![0]);
}

#[test]
fn direct_chinese_and_english_highlights() {
    let ix = index(&[("Strengthening Collective Leadership: Xiangxiang County", XIANGXIANG, 0)]);
    let hl = ix.highlights(0, &Query::parse("农村 coll"));
    let at = XIANGXIANG.find("农村").unwrap();
    assert_eq!(hl.zh, vec![at..at + 6]);
    assert_eq!(hl.en, vec![14..18]);
    // An English match also shows in the Chinese title when the pinyin matches.
    let hl = ix.highlights(0, &Query::parse("'xiangxiang"));
    assert_eq!(hl.en, vec![37..47]);
    let at = XIANGXIANG.find("湘乡").unwrap();
    assert_eq!(hl.zh, vec![at..at + 6]);
    // Inverse terms highlight nothing.
    assert_eq!(ix.highlights(0, &Query::parse("!zzz")), Highlights::default());
}

#[test]
fn fzf_operators() {
    let ix = index(&[("Brief News", "简讯", 0), ("News in Brief", "简明新闻", 1), ("Picture", "图片", 2)]);
    let cases: &[(&str, &[u32])] = &[
        ("'news", &[0, 1]),
        ("'brf", &[]),
        ("brf", &[0, 1]),
        ("^brief", &[0]),
        ("news$", &[0]),
        ("brief$", &[1]),
        ("^brief news$", &[0]),
        ("^brief\\ news$", &[0]),
        ("!news", &[2]),
        ("!^brief", &[1, 2]),
        ("!brief$", &[0, 2]),
        ("!'bn", &[1, 2]),
        ("'", &[0, 1, 2]),
        ("^", &[0, 1, 2]),
        ("!", &[0, 1, 2]),
        ("^picture | ^brief", &[0, 2]),
        ("'简讯", &[0]),
        ("!图片", &[0, 1]),
        ("^简", &[0, 1]),
        ("新闻$", &[1]),
        ("^jianxun$", &[0]),
        ("^jx$", &[0]),
        ("'jmxw", &[1]),
        ("!jianxun", &[0, 1, 2]), // inverse terms look at the titles, not the pinyin
    ];
    for &(q, want) in cases {
        let mut got = ids(&ix, q);
        got.sort_unstable();
        assert_eq!(got, want, "query {q:?}");
    }
}

#[test]
fn smart_case() {
    let ix = index(&[("Mao Zedong", "", 0), ("mao tai", "", 1), ("MAO", "", 2)]);
    let sorted = |q| {
        let mut v = ids(&ix, q);
        v.sort_unstable();
        v
    };
    assert_eq!(sorted("mao"), vec![0, 1, 2]);
    assert_eq!(sorted("Mao"), vec![0]);
    assert_eq!(sorted("'Mao"), vec![0]);
    assert_eq!(sorted("'mao"), vec![0, 1, 2]);
    assert_eq!(sorted("!Mao"), vec![1, 2]);
    assert_eq!(sorted("MAO"), vec![2]);
}

#[test]
fn cancellation_returns_none() {
    let mut ix = SearchIndex::new();
    for i in 0..10_000u64 {
        ix.push(&format!("Brief News {i}"), "简讯", i);
    }
    let q = Query::parse("news");
    assert!(ix.search(&q, None, &|| true).is_none());
    let polls = AtomicUsize::new(0);
    let tripped = ix.search(&q, None, &|| polls.fetch_add(1, Ordering::SeqCst) >= 2);
    assert!(tripped.is_none());
    assert!(ix.search(&Query::parse(""), None, &|| true).is_none());
    assert_eq!(ix.search(&q, None, &|| false).unwrap().hits.len(), 10_000);
}

#[test]
fn appended_items_are_searched_with_the_previous_result() {
    let mut ix = index(&[("Brief News", "简讯", 5), ("Picture", "图片", 1)]);
    let q = Query::parse("news");
    let first = ix.search(&q, None, &|| false).unwrap();
    assert_eq!(first.searched, 2);
    ix.push("News in Brief", "简明新闻", 0);
    ix.push("Nothing", "无", 2);
    let same = ix.search(&q, Some(&first), &|| false).unwrap();
    assert_eq!(same, ix.search(&q, None, &|| false).unwrap());
    assert_eq!(same.searched, 4);
    // "News" first in the title scores higher.
    assert_eq!(same.hits.iter().map(|h| h.idx).collect::<Vec<_>>(), vec![2, 0]);
    let narrower = Query::parse("news in");
    let r = ix.search(&narrower, Some(&first), &|| false).unwrap();
    assert_eq!(r, ix.search(&narrower, None, &|| false).unwrap());
    // A prev result of an unrelated query is ignored.
    let r = ix.search(&Query::parse("picture"), Some(&first), &|| false).unwrap();
    assert_eq!(r.hits.len(), 1);
}

#[test]
fn typing_on_after_reordered_terms() {
    // The same terms in another order: the result keeps the scores but has no state for
    // the new last term, which typing on must not rely on.
    let ix = index(&[("Brief News", "简讯", 0), ("News in Brief", "简明新闻", 1), ("Breve", "", 2)]);
    let mut prev: Option<Hits> = None;
    for q in ["brie news", "news brie", "news brief", "news brief i", "news brief in"] {
        let q = Query::parse(q);
        let got = ix.search(&q, prev.as_ref(), &|| false).unwrap();
        assert_eq!(got, ix.search(&q, None, &|| false).unwrap(), "{}", q.as_str());
        assert!(!got.hits.is_empty(), "{}", q.as_str());
        prev = Some(got);
    }
}

#[test]
fn worker_delivers_the_newest_result_and_notifies() {
    let (tx, rx) = mpsc::channel();
    let worker = SearchWorker::with_threads(SearchIndex::new(), 2, move || {
        let _ = tx.send(());
    });
    let items: Vec<(String, String, u64)> =
        (0..5000u64).map(|i| (format!("Title {i} Brief News"), "简讯".to_string(), 5000 - i)).collect();
    assert_eq!(worker.push_batch(items), 0..5000);
    assert_eq!(worker.push("Xiangxiang".into(), "湘乡".into(), 0), 5000);
    let mut last_gen = 0;
    for q in ["b", "br", "bri", "brie", "brief", "brief n"] {
        last_gen = worker.submit(q);
    }
    let result = loop {
        rx.recv_timeout(Duration::from_secs(20)).expect("no result");
        if let Some(r) = worker.try_recv() {
            if r.generation == last_gen && r.hits.is_complete() {
                break r;
            }
        }
    };
    assert_eq!(result.hits.query, "brief n");
    assert_eq!(result.hits.searched, 5001);
    assert_eq!(result.hits.hits.len(), 5000);
    assert_eq!(result.hits.hits[0].idx, 4999); // equal scores: smallest sort key first
                                               // Appending re-delivers the current query's result, brought up to date.
    worker.push("Brief News".into(), "简讯".into(), 0);
    let result = loop {
        rx.recv_timeout(Duration::from_secs(20)).expect("no update");
        if let Some(r) = worker.try_recv() {
            if r.hits.searched == 5002 && r.hits.is_complete() {
                break r;
            }
        }
    };
    assert_eq!(result.hits.hits.len(), 5001);
    assert_eq!(result.hits.hits[0].idx, 5001);
    let g = worker.submit("xx");
    let result = loop {
        rx.recv_timeout(Duration::from_secs(20)).expect("no result");
        if let Some(r) = worker.try_recv() {
            if r.generation == g && r.hits.is_complete() {
                break r;
            }
        }
    };
    assert_eq!(result.hits.hits.iter().map(|h| h.idx).collect::<Vec<_>>(), vec![5000]);
}

/// Titles alone (a cold open's loader makes no pinyin) pushed to the worker before any query
/// are held back, then searched as titles pushed with their strings are: a query right after
/// the pushes, or one after the worker added them on its own (no command for a while), finds
/// the same, pinyin and initials included; titles pushed once a query is current are added
/// (and searched) at once.
#[test]
fn titles_alone_pushed_to_the_worker_are_searched_with_their_pinyin() {
    let titles: Vec<(String, String)> = (0..3000u32)
        .map(|i| match i % 3 {
            0 => (format!("Brief News {i}"), "简讯".to_string()),
            1 => (format!("Xiangxiang County {i}"), format!("湘乡县{i}")),
            _ => (format!("Picture {i}"), "图片 副题".to_string()),
        })
        .collect();
    let mut own = SearchIndex::new();
    for (k, (en, zh)) in titles.iter().enumerate() {
        own.push(en, zh, k as u64);
    }
    let final_of = |worker: &SearchWorker, rx: &mpsc::Receiver<()>, g: u64, n: usize| loop {
        rx.recv_timeout(Duration::from_secs(20)).expect("no result");
        while let Some(r) = worker.try_recv() {
            if r.generation == g && r.hits.is_complete() && r.hits.searched == n {
                return r.hits;
            }
        }
    };
    for wait in [false, true] {
        let (tx, rx) = mpsc::channel();
        let worker = SearchWorker::with_threads(SearchIndex::new(), 2, move || {
            let _ = tx.send(());
        });
        let mut sent = 0;
        for chunk in titles.chunks(512).take(4) {
            let mut batch = TitleBatch::plain_with_capacity(chunk.len(), 0);
            for (en, zh) in chunk {
                batch.push_plain(en, zh);
            }
            assert!(batch.made(0).is_none(), "nothing derived");
            let batch = std::sync::Arc::new(batch);
            let items = (0..chunk.len()).map(|k| Title::Made(batch.clone(), k, (sent + k) as u64)).collect();
            assert_eq!(worker.push_titles(items), sent as u32..(sent + chunk.len()) as u32);
            sent += chunk.len();
        }
        if wait {
            std::thread::sleep(worker::TITLES_AFTER * 3);
        }
        for q in ["xiangxiang", "xxx", "jianxun", "futi", "tupian 2", "brief"] {
            let g = worker.submit(q);
            let got = final_of(&worker, &rx, g, sent);
            let mut want = SearchIndex::new();
            for (k, (en, zh)) in titles.iter().take(sent).enumerate() {
                want.push(en, zh, k as u64);
            }
            let want = want.search(&Query::parse(q), None, &|| false).unwrap();
            assert!(!want.hits.is_empty(), "{q}");
            assert_eq!(got.hits, want.hits, "{q} (waited: {wait})");
        }
        // a query is current: the next titles are searched at once
        let rest = titles.get(sent..).unwrap();
        let mut batch = TitleBatch::plain_with_capacity(rest.len(), 0);
        for (en, zh) in rest {
            batch.push_plain(en, zh);
        }
        let batch = std::sync::Arc::new(batch);
        let items = (0..rest.len()).map(|k| Title::Made(batch.clone(), k, (sent + k) as u64)).collect();
        worker.push_titles(items);
        let got = final_of(&worker, &rx, worker.submit("xiangxiang"), titles.len());
        let want = own.search(&Query::parse("xiangxiang"), None, &|| false).unwrap();
        assert_eq!(got.hits, want.hits);
    }
}

// ---- properties ----
// ---- properties ----

fn on_char_boundaries(s: &str, ranges: &[Range<usize>]) -> bool {
    ranges.iter().all(|r| {
        r.start < r.end && r.end <= s.len() && s.is_char_boundary(r.start) && s.is_char_boundary(r.end)
    }) && ranges.windows(2).all(|w| w[0].end < w[1].start)
}

fn title() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            3 => proptest::sample::select(
                "abcinxgABNX -:'^$!湘乡县图片简讯新闻绿😀é\u{3000}".chars().collect::<Vec<_>>()
            ),
            1 => any::<char>(),
        ],
        0..24,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn query_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select("abcinxgAN '^$!|湘乡图讯😀".chars().collect::<Vec<_>>()),
        0..9,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn small_index(items: &[(String, String)]) -> SearchIndex {
    let mut ix = SearchIndex::new();
    for (i, (en, zh)) in items.iter().enumerate() {
        ix.push(en, zh, (i as u64 * 7919) % 13);
    }
    ix
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn highlight_ranges_are_on_char_boundaries(en in title(), zh in title(), q in query_text()) {
        let hl = Query::parse(&q).highlights(&en, &zh);
        prop_assert!(on_char_boundaries(&en, &hl.en), "{:?}", hl);
        prop_assert!(on_char_boundaries(&zh, &hl.zh), "{:?}", hl);
    }

    #[test]
    fn extended_query_within_previous_hits_equals_full_search(
        items in proptest::collection::vec((title(), title()), 0..40),
        q in query_text(),
        c in proptest::sample::select("abcinxgAN '^$!|湘乡图😀".chars().collect::<Vec<_>>()),
    ) {
        let strip = |s: &str| s.chars().filter(|c| !"'^$!|\\".contains(*c)).collect::<String>();
        let mut items = items;
        for w in q.split(' ') {
            items.push((strip(w), format!("x{}", strip(w))));
        }
        let ix = small_index(&items);
        let longer = format!("{q}{c}");
        let (old, new) = (Query::parse(&q), Query::parse(&longer));
        let prev = ix.search(&old, None, &|| false).unwrap();
        let full = ix.search(&new, None, &|| false).unwrap();
        if new.narrows(&old) {
            let prev_ids: std::collections::HashSet<u32> = prev.hits.iter().map(|h| h.idx).collect();
            prop_assert!(full.hits.iter().all(|h| prev_ids.contains(&h.idx)), "not narrowing: {:?} -> {:?}", q, longer);
        }
        let within = ix.search(&new, Some(&prev), &|| false).unwrap();
        prop_assert_eq!(within, full);
    }

    #[test]
    fn typing_on_equals_full_search(
        items in proptest::collection::vec((title(), title()), 0..40),
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "xiang", "xxx", "tupian", "tp", "brief", "news", "Brie", "bn", "'ne", "^b", "!x",
                "|", "湘乡", "pian$", "abc", "aBc", "nx", "Xi", "a", "q",
            ]),
            1..5,
        ),
        late in proptest::collection::vec((title(), title()), 0..6),
        backspace in any::<proptest::sample::Index>(),
    ) {
        // Titles with the words (and their Chinese) in them, so most keystrokes have hits.
        let mut items = items;
        items.push(("Brief News".into(), "简讯".into()));
        items.push(("Xiangxiang County".into(), "湘乡县图片".into()));
        items.push(("abc ABC aBc".into(), "x湘乡 tupian".into()));
        let mut ix = small_index(&items);
        let typed = words.join(" ");
        let chars: Vec<char> = typed.chars().collect();
        // Type the query one character at a time, as the worker searches it: within the
        // previous result; new items arrive half way; one backspace somewhere.
        let undo = backspace.index(chars.len() + 1);
        let mut seq: Vec<String> = (1..=chars.len()).map(|k| chars[..k].iter().collect()).collect();
        if undo > 0 && undo < chars.len() {
            seq.insert(undo, chars[..undo - 1].iter().collect());
        }
        let mut prev: Option<Hits> = None;
        for (k, q) in seq.iter().enumerate() {
            if k == seq.len() / 2 {
                for (i, (en, zh)) in late.iter().enumerate() {
                    ix.push(en, zh, i as u64 % 5);
                }
            }
            let q = Query::parse(q);
            let got = ix.search(&q, prev.as_ref(), &|| false).unwrap();
            let full = ix.search(&q, None, &|| false).unwrap();
            prop_assert_eq!(&got, &full, "query {:?} after {:?}", q.as_str(), prev.as_ref().map(|p| p.query.clone()));
            prev = Some(got);
        }
    }

    #[test]
    fn single_term_score_is_skims_best_field(en in title(), zh in title(), q in "[a-zA-Z湘乡]{1,4}") {
        use fuzzy_matcher::{skim::SkimMatcherV2, FuzzyMatcher};
        let ix = small_index(&[(en.clone(), zh.clone())]);
        let got = ix.search(&Query::parse(&q), None, &|| false).unwrap().hits.first().map(|h| h.score);
        let py = Pinyin::new(&zh);
        let lower = q.to_ascii_lowercase();
        let syllables = pinyin::position_table(&lower).is_some_and(|t| {
            pinyin::syllable_match(lower.as_bytes(), &t, py.full.as_bytes(), py.initials.as_bytes(), &py.lens)
        });
        let via_py = if Pinyin::has_han(&zh) && syllables {
            SkimMatcherV2::default().ignore_case().fuzzy_match(&py.full, &q.to_ascii_lowercase())
        } else {
            None
        };
        let want = [
            SkimMatcherV2::default().fuzzy_match(&en, &q),
            SkimMatcherV2::default().fuzzy_match(&zh, &q),
            via_py,
        ].into_iter().flatten().max();
        prop_assert_eq!(got, want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn narrows_is_sound(
        items in proptest::collection::vec((title(), title()), 0..30),
        a in query_text(),
        at in any::<proptest::sample::Index>(),
        c in proptest::sample::select("abcinxgAN '^$!|\\湘".chars().collect::<Vec<_>>()),
    ) {
        // b: a with one character inserted anywhere (not only at the end).
        let chars: Vec<char> = a.chars().collect();
        let k = at.index(chars.len() + 1);
        let b: String = chars[..k].iter().chain([c].iter()).chain(chars[k..].iter()).collect();
        // Titles made of the queries' own words, so operators have something to bite on.
        let strip = |s: &str| s.chars().filter(|c| !"'^$!|\\".contains(*c)).collect::<String>();
        let mut items = items;
        items.push((strip(&a), strip(&b)));
        items.push((strip(&b), strip(&a)));
        for w in a.split(' ').chain(b.split(' ')) {
            items.push((strip(w), String::new()));
            items.push((String::new(), format!("{}z", strip(w))));
        }
        let ix = small_index(&items);
        let (qa, qb) = (Query::parse(&a), Query::parse(&b));
        for (new, old) in [(&qb, &qa), (&qa, &qb)] {
            if new.narrows(old) {
                let wide: std::collections::HashSet<u32> = ix.search(old, None, &|| false).unwrap().hits.iter().map(|h| h.idx).collect();
                let narrow = ix.search(new, None, &|| false).unwrap();
                prop_assert!(narrow.hits.iter().all(|h| wide.contains(&h.idx)), "{:?} narrows {:?}", new.as_str(), old.as_str());
            }
        }
    }
}

// ---- the search against a plain scan ----

/// The ranking of `q` over `items` computed the simplest way: every item, every term, every
/// field, each fuzzy score from a fresh `SkimMatcherV2` (no masks, no carried state, no
/// parallel blocks), sorted by score, then sort key, then index. What the search must equal.
fn plain_scan(items: &[(String, String, u64)], q: &Query) -> Vec<Hit> {
    use fuzzy_matcher::{skim::SkimMatcherV2, FuzzyMatcher};
    let skim = |field: &str, text: &str, case_sensitive: bool| {
        let m = SkimMatcherV2::default();
        let m = if case_sensitive { m.respect_case() } else { m.ignore_case() };
        m.fuzzy_match(field, text)
    };
    let on_title = |t: &Term, field: &str| {
        if t.kind != TermKind::Fuzzy && t.find_exact(field, false).is_none() {
            return None;
        }
        skim(field, &t.text, t.case_sensitive)
    };
    let on_pinyin = |t: &Term, py: &Pinyin| {
        let found = match t.kind {
            TermKind::Fuzzy => pinyin::position_table(&t.lower).is_some_and(|table| {
                pinyin::syllable_match(
                    t.lower.as_bytes(),
                    &table,
                    py.full.as_bytes(),
                    py.initials.as_bytes(),
                    &py.lens,
                )
            }),
            _ => t.find_exact(&py.full, true).is_some() || t.find_exact(&py.initials, true).is_some(),
        };
        if found {
            skim(&py.full, &t.lower, false)
        } else {
            None
        }
    };
    if q.is_empty() {
        let mut all: Vec<usize> = (0..items.len()).collect();
        all.sort_by_key(|&i| (items[i].2, i));
        return all.into_iter().map(|i| Hit { idx: i as u32, score: 0 }).collect();
    }
    let mut hits: Vec<(i64, u64, u32)> = Vec::new();
    'items: for (i, (en, zh, key)) in items.iter().enumerate() {
        let py = Pinyin::has_han(zh).then(|| Pinyin::new(zh));
        let mut total = 0;
        for set in &q.sets {
            let mut matched = None;
            for t in set {
                if t.inverse {
                    let present = |f: &str| match t.kind {
                        TermKind::Fuzzy => on_title(t, f).is_some(),
                        _ => t.find_exact(f, false).is_some(),
                    };
                    if !present(en) && !present(zh) {
                        matched = Some(0);
                    }
                    continue;
                }
                let best = [on_title(t, en), on_title(t, zh), py.as_ref().and_then(|py| on_pinyin(t, py))]
                    .into_iter()
                    .flatten()
                    .max();
                if best.is_some() {
                    matched = best;
                    break;
                }
            }
            match matched {
                Some(x) => total += x,
                None => continue 'items,
            }
        }
        hits.push((total, *key, i as u32));
    }
    hits.sort_by_key(|&(score, key, i)| (std::cmp::Reverse(score), key, i));
    hits.into_iter().map(|(score, _, idx)| Hit { idx, score }).collect()
}

/// Realistic titles (the bench's kinds: English headlines with romanised names, Chinese
/// with its pinyin) from a few word lists, with a random sort key each.
fn headline() -> impl Strategy<Value = (String, String)> {
    let words: Vec<(&str, &str)> = vec![
        ("Production", "生产"),
        ("Collective Leadership", "集体领导"),
        ("the People's Communes", "人民公社"),
        ("Xiangxiang County", "湘乡县"),
        ("Production Team", "生产队"),
        ("Brief News", "简讯"),
        ("Picture", "图片"),
        ("Shengchan", "胜产"),
        ("Strengthening", "加强"),
        ("Comrade Li", "李同志"),
        ("Steel Plant", "钢铁厂"),
        ("of", "的"),
    ];
    proptest::collection::vec(proptest::sample::select(words), 0..6).prop_map(|ws| {
        let en: Vec<&str> = ws.iter().map(|w| w.0).collect();
        let zh: String = ws.iter().map(|w| w.1).collect();
        (en.join(" "), zh)
    })
}

fn typed_query() -> impl Strategy<Value = String> {
    proptest::sample::select(vec![
        "production",
        "collective lead",
        "Prod",
        "人民公社",
        "生产",
        "shengchan",
        "xiangxiang",
        "rmgs",
        "scd",
        "sc d",
        "'prod",
        "^brief",
        "news$",
        "!pic",
        "pic | brief",
        "'scd",
        "pt !x",
    ])
    .prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Every keystroke of typing a query (English, Chinese, full pinyin, initials, operators),
    /// each searched within the previous keystroke's result as the worker does, and the same
    /// from nothing, equals the plain scan: the same hits, scores and order.
    #[test]
    fn search_equals_plain_scan(
        titles in proptest::collection::vec(prop_oneof![3 => headline(), 1 => (title(), title())], 0..120),
        keys in proptest::collection::vec(0u64..20, 120),
        typed in typed_query(),
        firsts in proptest::collection::vec(1usize..8, 30),
        partial_prev in proptest::collection::vec(any::<bool>(), 30),
    ) {
        let items: Vec<(String, String, u64)> =
            titles.into_iter().zip(keys).map(|((en, zh), k)| (en, zh, k)).collect();
        let mut ix = SearchIndex::new();
        for (en, zh, k) in &items {
            ix.push(en, zh, *k);
        }
        let mut prev: Option<Hits> = None;
        for (k, c) in typed.char_indices() {
            let q = Query::parse(&typed[..k + c.len_utf8()]);
            let want = plain_scan(&items, &q);
            let fresh = ix.search(&q, None, &|| false).unwrap();
            prop_assert_eq!(&fresh.hits, &want, "{:?} from nothing", q.as_str());
            let got = ix.search(&q, prev.as_ref(), &|| false).unwrap();
            prop_assert_eq!(&got.hits, &want, "{:?} within {:?}", q.as_str(), prev.as_ref().map(|p| &p.query));
            prop_assert_eq!(got.total, want.len());
            // The first screen: the count and the first hits exactly, the rest ranked after.
            let first = firsts[k % firsts.len()];
            let part = ix.search_first(&q, prev.as_ref(), first, &|| false).unwrap();
            prop_assert_eq!(part.total, want.len(), "{:?}: count", q.as_str());
            // (the empty query lists everything at once: nothing to rank)
            let shown = if q.is_empty() { want.len() } else { first.min(want.len()) };
            prop_assert_eq!(&part.hits[..], &want[..shown], "{:?}: first {}", q.as_str(), first);
            prop_assert_eq!(part.is_complete(), want.len() <= first || q.is_empty());
            let done = ix.complete(&part, &|| false).unwrap();
            prop_assert_eq!(&done, &got, "{:?}: completed", q.as_str());
            // typing on within a partial result, or a complete one
            prev = Some(if partial_prev[k % partial_prev.len()] { part } else { got });
        }
    }
}

#[test]
fn first_screen_scores_few_and_completes_exactly() {
    // Many hits, most of them weak: the first ten are exact, the count is every hit, a
    // narrower query within the partial result is right, and completing gives the ranking.
    let mut ix = SearchIndex::new();
    for i in 0..5000u64 {
        let en = match i % 50 {
            0 => format!("Production Plan {i}"),
            _ => format!("Promoting the Rice Output of Dazhai {i}"),
        };
        ix.push(&en, "生产", (i * 7919) % 5000);
    }
    let q = Query::parse("pro");
    let part = ix.search_first(&q, None, 10, &|| false).unwrap();
    let full = ix.search(&q, None, &|| false).unwrap();
    assert_eq!(part.total, 5000);
    assert_eq!(part.hits.len(), 10);
    assert!(!part.is_complete());
    assert_eq!(part.hits[..], full.hits[..10]);
    assert_eq!(ix.complete(&part, &|| false).unwrap(), full);
    let q = Query::parse("prod");
    let narrower = ix.search_first(&q, Some(&part), 10, &|| false).unwrap();
    let want = ix.search(&q, None, &|| false).unwrap();
    assert_eq!(narrower.total, want.hits.len());
    assert_eq!(narrower.hits[..], want.hits[..10]);
    assert!(ix.complete(&part, &|| true).is_none(), "completing is cancellable");
}

/// Typing on where the bounds are loose (titles that begin with the term's first letter, the
/// term matched further on: their bound counts the first column's doubled bonus; a hit
/// whose bound beats the previous first screen's is scored in the scan): at every
/// keystroke, within a partial or a complete result, the first screen is the complete
/// ranking's first hits and completing it gives the complete ranking.
#[test]
fn typing_on_over_loose_bounds_ranks_the_first_screen_exactly() {
    let mut ix = SearchIndex::new();
    for i in 0..2400u64 {
        let (en, zh) = match i % 8 {
            0 => (format!("Production Plan {i}"), "生产计划"),
            1 => (format!("Promoting Production in Hunan {i}"), "推动生产"),
            2 => (format!("Policies on Rice Output {i}"), "政策"),
            3 => (format!("Shengchan Brigade Produces Cotton {i}"), "生产大队"),
            4 => (format!("Strengthening Collective Leadership {i}"), "加强集体领导"),
            5 => (format!("Collective Leadership {i}"), "集体领导"),
            6 if i % 16 == 6 => (format!("Celebrating the Collective {i}"), "生活"),
            // (begins with the first letter of `collective` and matches it further on: the
            // bound of that term is loose, and stays in the next term's bounds)
            6 => (format!("Comrade Li of the Collective Leading Group {i}"), "李同志"),
            _ => (format!("Xiangxiang County Reports {i}"), "湘乡县生产"),
        };
        ix.push(&en, zh, (i * 7919) % 2400);
    }
    let never = || false;
    for typed in
        ["production", "collective", "shengchan", "xiangxiang", "生产计划", "collective lead", "co le"]
    {
        for first in [1, 7, 40, 200] {
            for partial in [true, false] {
                let mut prev: Option<Hits> = None;
                for (k, c) in typed.char_indices() {
                    let q = Query::parse(&typed[..k + c.len_utf8()]);
                    let want = ix.search(&q, None, &never).unwrap();
                    let part = ix.search_first(&q, prev.as_ref(), first, &never).unwrap();
                    let at = format!("{:?}, first {first}, within a partial result: {partial}", q.as_str());
                    assert_eq!(part.total, want.hits.len(), "{at}");
                    assert_eq!(part.hits[..], want.hits[..first.min(want.hits.len())], "{at}");
                    let done = ix.complete(&part, &never).unwrap();
                    assert_eq!(done, want, "{at}: completed");
                    prev = Some(if partial { part } else { done });
                }
            }
        }
    }
}

#[test]
fn worker_delivers_the_first_screen_then_the_full_ranking() {
    let (tx, rx) = mpsc::channel();
    let worker = SearchWorker::with_threads(SearchIndex::new(), 2, move || {
        let _ = tx.send(());
    });
    worker.set_first(10);
    let items: Vec<(String, String, u64)> =
        (0..3000u64).map(|i| (format!("Brief News {i} of Beijing"), "简讯".to_string(), i % 97)).collect();
    let mut ix = SearchIndex::new();
    for (en, zh, k) in &items {
        ix.push(en, zh, *k);
    }
    worker.push_batch(items);
    // typed fast: the earlier queries are superseded
    let mut g = 0;
    for q in ["b", "br", "bri", "brie", "brief"] {
        g = worker.submit(q);
    }
    let mut seen = Vec::new();
    while !seen.last().is_some_and(|r: &SearchResult| r.generation == g && r.hits.is_complete()) {
        rx.recv_timeout(Duration::from_secs(20)).expect("no complete result");
        seen.extend(worker.recv_all());
    }
    let want = ix.search(&Query::parse("brief"), None, &|| false).unwrap();
    assert_eq!(*seen.last().unwrap().hits, want);
    let ours: Vec<&SearchResult> = seen.iter().filter(|r| r.generation == g).collect();
    assert!(ours.len() >= 2, "the first screen came before the full ranking");
    let first = &ours[0].hits;
    assert!(!first.is_complete());
    assert_eq!((first.total, &first.hits[..]), (3000, &want.hits[..10]));
    // nothing of a superseded query after the newest one's first result
    let at = seen.iter().position(|r| r.generation == g).unwrap();
    assert!(seen[at..].iter().all(|r| r.generation == g));
    // a new query cancels the ranking in progress: its own results come, complete at last
    let g2 = worker.submit("news");
    let g3 = worker.submit("news of");
    let mut seen = Vec::new();
    while !seen.last().is_some_and(|r: &SearchResult| r.generation == g3 && r.hits.is_complete()) {
        rx.recv_timeout(Duration::from_secs(20)).expect("no complete result");
        seen.extend(worker.recv_all());
    }
    assert!(seen.iter().all(|r| r.generation == g2 || r.generation == g3));
    assert_eq!(*seen.last().unwrap().hits, ix.search(&Query::parse("news of"), None, &|| false).unwrap());
}

#[test]
fn plain_scan_can_fail() {
    // The reference is not vacuous: it finds, ranks and excludes.
    let items: Vec<(String, String, u64)> = vec![
        ("Brief News".into(), "简讯".into(), 1),
        ("News in Brief".into(), "简明新闻".into(), 0),
        ("Picture".into(), "图片".into(), 2),
    ];
    let ids = |q: &str| plain_scan(&items, &Query::parse(q)).iter().map(|h| h.idx).collect::<Vec<_>>();
    // "brief" scores best at the very start (first-character bonus); "brief news" scores
    // the same on both (each word once at the start), so the smaller sort key comes first.
    assert_eq!(ids("brief"), vec![0, 1]);
    assert_eq!(ids("brief news"), vec![1, 0]);
    assert_eq!(ids("tupian"), vec![2]);
    assert_eq!(ids("!news"), vec![2]);
    assert_eq!(ids(""), vec![1, 0, 2]);
}

/// A catalog of `titles` (English, Chinese, Chinese subtitle; `None`: a skipped file), each
/// dated by its key, and the same titles as [`SearchIndex::push`] takes them.
/// A warm index (a catalog and its stored search data, then `ready` run on it) and a cold
/// one of the same titles pushed one by one.
fn warm_and_cold(
    cat: crate::corpus::Catalog,
    data: SearchData,
    items: &[(String, String, u64)],
    ready: impl FnOnce(&mut SearchIndex),
) -> (SearchIndex, SearchIndex) {
    let mut warm = SearchIndex::new();
    warm.set_base(std::sync::Arc::new(cat), Some(std::sync::Arc::new(data)));
    ready(&mut warm);
    let mut cold = SearchIndex::new();
    for (en, zh, k) in items {
        cold.push(en, zh, *k);
    }
    (warm, cold)
}

/// Pushes `more` titles to both indexes (keys from `key`), which must give them one id.
fn pushed_to_both(
    warm: &mut SearchIndex,
    cold: &mut SearchIndex,
    more: &[(String, String)],
    key: u64,
) -> Result<(), TestCaseError> {
    for (k, (en, zh)) in more.iter().enumerate() {
        prop_assert_eq!(warm.push(en, zh, key + k as u64), cold.push(en, zh, key + k as u64));
    }
    Ok(())
}

fn catalog_of(
    titles: &[Option<(String, String, String)>],
    keys: &[u64],
) -> (crate::corpus::Catalog, Vec<(String, String, u64)>) {
    use crate::corpus::{ArticleMeta, Catalog, Date};
    let mut cat = Catalog::new(Vec::new());
    let mut items = Vec::new();
    for (k, t) in titles.iter().enumerate() {
        let day = 1 + (keys[k] % 28) as u8;
        match t {
            Some((en, zh, sub)) => {
                let meta = ArticleMeta {
                    path: std::path::PathBuf::from(format!("/c/{k}.md")),
                    title_en: en.clone(),
                    title_zh: zh.clone(),
                    subtitle_zh: sub.clone(),
                    date: Some(Date { year: 1958, month: 8, day }),
                    page: Some(1),
                    ..ArticleMeta::default()
                };
                let id = cat.push_meta(&meta, &[]);
                let a = cat.article(id).unwrap();
                items.push((en.clone(), meta.title_zh_full(), a.date_page_key()));
            }
            None => {
                cat.push_skipped(crate::corpus::catalog::NO_ROOT, format!("/c/{k}.js").as_bytes(), 9, "JS");
                items.push((String::new(), String::new(), u64::MAX));
            }
        }
    }
    (cat, items)
}

/// `data` through its stored bytes and back.
fn stored(data: &SearchData, arena: usize) -> Option<SearchData> {
    let mut bytes = Vec::new();
    data.write_to(&mut |b| {
        bytes.extend_from_slice(b);
        Ok(())
    })
    .unwrap();
    let mut at = 0;
    let back = SearchData::read_from(
        &mut |k| {
            let piece = bytes.get(at..at + k)?.to_vec();
            at += k;
            Some(piece)
        },
        data.len(),
        arena,
    );
    back.filter(|_| at == bytes.len())
}

fn titled() -> impl Strategy<Value = Option<(String, String, String)>> {
    prop_oneof![
        6 => (headline(), proptest::sample::select(vec!["", "", "副题", "湘乡 县"]))
            .prop_map(|((en, zh), sub)| Some((en, zh, sub.to_string()))),
        1 => Just(None),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// An index that takes a catalog and its stored search data (a warm open: titles
    /// borrowed, pinyin read) searches exactly as one built by pushing the same titles, every
    /// keystroke from nothing and within the previous one, and so do items pushed after it.
    #[test]
    fn a_warm_index_searches_as_one_built_from_scratch(
        titles in proptest::collection::vec(titled(), 0..80),
        keys in proptest::collection::vec(0u64..40, 80),
        more in proptest::collection::vec(headline(), 0..5),
        typed in typed_query(),
    ) {
        let (cat, items) = catalog_of(&titles, &keys);
        let data = SearchData::of_catalog(&cat);
        let back = stored(&data, cat.arena().len()).unwrap();
        prop_assert_eq!(&back, &data);
        let (mut warm, mut cold) = warm_and_cold(cat, back, &items, |_| ());
        pushed_to_both(&mut warm, &mut cold, &more, 7)?;
        prop_assert_eq!(warm.len(), cold.len());
        for i in 0..cold.len() as u32 {
            prop_assert_eq!(warm.title_en(i), cold.title_en(i));
            prop_assert_eq!(warm.title_zh(i), cold.title_zh(i));
            prop_assert_eq!(warm.sort_key(i), cold.sort_key(i));
        }
        let (mut pw, mut pc): (Option<Hits>, Option<Hits>) = (None, None);
        for (k, c) in typed.char_indices() {
            let q = Query::parse(&typed[..k + c.len_utf8()]);
            let want = cold.search(&q, pc.as_ref(), &|| false).unwrap();
            prop_assert_eq!(&warm.search(&q, None, &|| false).unwrap().hits, &want.hits);
            let got = warm.search(&q, pw.as_ref(), &|| false).unwrap();
            prop_assert_eq!(&got.hits, &want.hits, "{:?}", q.as_str());
            pw = Some(got);
            pc = Some(want);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// The search data made once where the titles are parsed (a loader's `TitleBatch`)
    /// serves the title index and the reader's search alike: the index's data made from it,
    /// record by record, is the data made from scratch, item for item; a search filled from
    /// it (`push_made`) searches exactly as one that computed the pinyin itself; and the data
    /// of an old catalog, carried to a new one whose records are in another order (a warm
    /// rewrite), or put in another order with its records (`permuted`), is too.
    #[test]
    fn titles_made_once_give_the_data_made_from_scratch(
        titles in proptest::collection::vec(titled(), 0..60),
        keys in proptest::collection::vec(0u64..40, 60),
        typed in typed_query(),
    ) {
        let (cat, items) = catalog_of(&titles, &keys);
        let scratch = SearchData::of_catalog(&cat);
        let mut batch = TitleBatch::default();
        let made: Vec<Option<usize>> = (0..cat.len() as u32)
            .map(|id| cat.article(id).map(|a| batch.push(a.title_en(), &a.title_zh_full())))
            .collect();
        let mut data = SearchData::default();
        for (id, k) in made.iter().enumerate() {
            data.push_record(&cat, id as u32, k.and_then(|k| batch.made(k)));
        }
        prop_assert_eq!(&data, &scratch);
        prop_assert_eq!(&data.repacked(&cat), &scratch);
        // another title's strings are not taken: the item is made from its own
        let mut shifted = SearchData::default();
        for (id, k) in made.iter().enumerate() {
            shifted.push_record(&cat, id as u32, k.and_then(|k| batch.made(k + 1)));
        }
        prop_assert_eq!(&shifted, &scratch);
        // the search filled from the batch
        let (mut from_batch, mut own) = (SearchIndex::new(), SearchIndex::new());
        for ((en, zh, key), k) in items.iter().zip(&made) {
            match k {
                Some(k) => from_batch.push_made(&batch, *k, *key),
                None => from_batch.push(en, zh, *key),
            };
            own.push(en, zh, *key);
        }
        let (mut pb, mut po): (Option<Hits>, Option<Hits>) = (None, None);
        for (k, c) in typed.char_indices() {
            let q = Query::parse(&typed[..k + c.len_utf8()]);
            let want = own.search(&q, po.as_ref(), &|| false).unwrap();
            let got = from_batch.search(&q, pb.as_ref(), &|| false).unwrap();
            prop_assert_eq!(&got.hits, &want.hits, "{:?}", q.as_str());
            prop_assert_eq!(got.total, want.total);
            pb = Some(got);
            po = Some(want);
        }
        // carried to a catalog of the same records in reverse order
        let mut rev = crate::corpus::Catalog::new(Vec::new());
        let mut carried = SearchData::default();
        for id in (0..cat.len() as u32).rev() {
            let new = rev.push_from(&cat, id).unwrap();
            carried.push_record(&rev, new, data.made(&cat, id as usize));
        }
        prop_assert_eq!(&carried, &SearchData::of_catalog(&rev));
        // permuted with its records: the strings stay, the items follow
        let ids: Vec<u32> = (0..cat.len() as u32).rev().collect();
        let mut perm = cat.clone();
        perm.permute(&ids);
        let permuted = data.clone().permuted(&ids);
        prop_assert_eq!(&permuted.repacked(&perm), &SearchData::of_catalog(&perm));
        let back = stored(&permuted, perm.arena().len());
        prop_assert_eq!(back.as_ref(), Some(&permuted));
    }
}

#[test]
fn made_strings_are_copied_not_computed_again() {
    let titles = vec![
        Some(("Brief News".to_string(), "简讯".to_string(), String::new())),
        Some(("Picture".to_string(), "图片".to_string(), "副题".to_string())),
    ];
    let (cat, _) = catalog_of(&titles, &[3, 1]);
    let mut batch = TitleBatch::default();
    for id in 0..2 {
        let a = cat.article(id).unwrap();
        batch.push(a.title_en(), &a.title_zh_full());
    }
    // a mark no computation makes: taken as it is, so nothing was computed
    batch.items[1].py_mask = 0xD1_6107;
    let mut data = SearchData::default();
    for id in 0..2u32 {
        data.push_record(&cat, id, batch.made(id as usize));
    }
    assert_eq!(data.items[1].py_mask, 0xD1_6107);
    assert_eq!(data.items[0], SearchData::of_catalog(&cat).items[0]);
    assert_ne!(data, SearchData::of_catalog(&cat));
}

#[test]
fn stored_search_data_out_of_its_arenas_is_refused_and_made_again() {
    let titles = vec![
        Some(("Brief News".to_string(), "简讯".to_string(), String::new())),
        None,
        Some(("Picture".to_string(), "图片".to_string(), "副题".to_string())),
    ];
    let (cat, items) = catalog_of(&titles, &[3, 1, 2]);
    let data = SearchData::of_catalog(&cat);
    let arena = cat.arena().len();
    assert!(stored(&data, arena).is_some());
    // a catalog arena shorter than the titles point into
    assert!(stored(&data, 3).is_none());
    // each damaged item: a range past its arena
    for k in 0..data.len() {
        let mut bad = data.clone();
        bad.items[k].py_at = bad.text.len() as u32 + 1;
        bad.items[k].py_len = 1;
        assert!(stored(&bad, arena).is_none(), "item {k}");
        // given to an index anyway, it is made again from the catalog
        let mut ix = SearchIndex::new();
        ix.set_base(std::sync::Arc::new(cat.clone()), Some(std::sync::Arc::new(bad)));
        let mut want = SearchIndex::new();
        for (en, zh, key) in &items {
            want.push(en, zh, *key);
        }
        assert_eq!(ids(&ix, "tupian"), ids(&want, "tupian"));
        assert_eq!(ids(&ix, "tupian"), vec![2]);
        assert_eq!(ix.title_zh(2), "图片 副题");
    }
    // short bytes
    let mut bytes = Vec::new();
    data.write_to(&mut |b| {
        bytes.extend_from_slice(b);
        Ok(())
    })
    .unwrap();
    for cut in 0..bytes.len() {
        let mut at = 0;
        let got = SearchData::read_from(
            &mut |k| {
                let piece = bytes.get(..cut)?.get(at..at + k)?.to_vec();
                at += k;
                Some(piece)
            },
            data.len(),
            arena,
        );
        assert!(got.is_none(), "cut at {cut}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// A letter typed from nothing on a warm index is answered from the letter columns made
    /// after load (no title read; while they are made in part, by reading the titles), and
    /// on an index of pushed titles (a cold open's) from the columns of its complete chunks,
    /// and must be what reading every title gives: the count, the
    /// first screen (any size), the complete ranking, and typing on from it (the carried ends
    /// are not known: the next keystrokes match from each title's start), within the partial
    /// result and the complete one alike. Titles with capitals, ASCII in the Chinese title,
    /// accents and any character, so that every code (and the items that must be read) occurs.
    #[test]
    fn a_letter_from_the_columns_equals_reading_the_titles(
        titles in proptest::collection::vec(prop_oneof![
            2 => titled(),
            1 => (title(), title()).prop_map(|(en, zh)| Some((en, zh, String::new()))),
        ], 0..80),
        keys in proptest::collection::vec(0u64..40, 80),
        more in proptest::collection::vec(headline(), 0..14),
        letters in proptest::collection::vec(proptest::sample::select(
            "abcdefghijklmnopqrstuvwxyz".chars().collect::<Vec<_>>()), 1..6),
        on in proptest::sample::select(vec!["", "i", "ro", "n", "x", "iang", "c d", " s"]),
        first in 1usize..8,
        partial in any::<bool>(),
        steps in prop_oneof![1 => 0usize..4, 3 => Just(usize::MAX)],
    ) {
        let (cat, items) = catalog_of(&titles, &keys);
        let data = SearchData::of_catalog(&cat);
        let mut warm = SearchIndex::new();
        warm.set_base(std::sync::Arc::new(cat), Some(std::sync::Arc::new(data)));
        // (made in part, or all: the worker makes them while it is idle)
        for _ in 0..steps {
            if !warm.prepare_step() {
                break;
            }
        }
        let (mut cold, mut pushed) = (SearchIndex::new(), SearchIndex::new());
        for (en, zh, k) in &items {
            cold.push(en, zh, *k);
            pushed.push(en, zh, *k);
        }
        for (k, (en, zh)) in more.iter().enumerate() {
            prop_assert_eq!(warm.push(en, zh, 3 + k as u64), cold.push(en, zh, 3 + k as u64));
            pushed.push(en, zh, 3 + k as u64);
        }
        // (the pushed items' chunks, after the base's rows, in part or all)
        for ix in [&mut warm, &mut pushed] {
            for _ in 0..steps {
                if !ix.prepare_step() {
                    break;
                }
            }
        }
        for ix in [&warm, &pushed] {
            for l in &letters {
                let typed = format!("{l}{on}");
                let mut prev: Option<Hits> = None;
                for (k, c) in typed.char_indices() {
                    let q = Query::parse(&typed[..k + c.len_utf8()]);
                    let want = cold.search(&q, None, &|| false).unwrap();
                    let part = ix.search_first(&q, prev.as_ref(), first, &|| false).unwrap();
                    prop_assert_eq!(part.total, want.total, "{:?}: count", q.as_str());
                    prop_assert_eq!(&part.hits[..], &want.hits[..first.min(want.total)], "{:?}: first", q.as_str());
                    let done = ix.complete(&part, &|| false).unwrap();
                    prop_assert_eq!(&done.hits, &want.hits, "{:?}: completed", q.as_str());
                    prev = Some(if partial { part } else { done });
                }
            }
        }
    }
}

#[test]
fn worker_idle_after_a_catalog_answers_letters_as_reading_the_titles() {
    // The worker makes the letter columns once it has had nothing to do for a while
    // (`prepare_step`); letters searched then, and typing on from them, give what an index
    // of the same titles pushed one by one gives.
    let titles: Vec<Option<(String, String, String)>> = (0..400u64)
        .map(|i| {
            let en =
                ["Production of Steel", "People's Communes", "Xinhua Report", "Rice Harvest"][i as usize % 4];
            // (a letter the Chinese title has, best there: such items are read)
            let zh = ["生产钢铁", "人民公社", "新华社报道", "pH 水稻丰收 GDP"][i as usize / 4 % 4];
            Some((format!("{en} {i}"), zh.to_string(), String::new()))
        })
        .collect();
    let keys: Vec<u64> = (0..400u64).map(|i| i * 7 % 31).collect();
    let (cat, items) = catalog_of(&titles, &keys);
    let mut cold = SearchIndex::new();
    for (en, zh, k) in &items {
        cold.push(en, zh, *k);
    }
    let (tx, rx) = mpsc::channel();
    let worker = SearchWorker::with_threads(SearchIndex::new(), 2, move || {
        let _ = tx.send(());
    });
    worker.push_catalog(std::sync::Arc::new(cat));
    std::thread::sleep(Duration::from_millis(1500));
    for typed in ["p", "pr", "x", "xh", "r", "s"] {
        let g = worker.submit(typed);
        let mut last = None;
        while !last.as_ref().is_some_and(|r: &SearchResult| r.generation == g && r.hits.is_complete()) {
            rx.recv_timeout(Duration::from_secs(20)).expect("no complete result");
            if let Some(r) = worker.recv_all().into_iter().last() {
                last = Some(r);
            }
        }
        let want = cold.search(&Query::parse(typed), None, &|| false).unwrap();
        assert_eq!(*last.unwrap().hits, want, "{typed}");
    }
}

/// Titles that mix the scripts: Chinese characters in the English title (such an item's
/// masks cannot rule a Chinese term out: see `SearchIndex::han_need`), ASCII and characters
/// without a reading in the Chinese one, characters the masks hash alike.
fn mixed() -> impl Strategy<Value = Option<(String, String, String)>> {
    let zh = proptest::collection::vec(
        proptest::sample::select(
            "人民公社生产队湘乡县图片简讯的 a民P😀é\u{3000}".chars().collect::<Vec<_>>(),
        ),
        0..12,
    )
    .prop_map(|v| v.into_iter().collect::<String>());
    let en = prop_oneof![
        3 => Just("People's Daily".to_string()),
        1 => Just("Report 人民 Daily".to_string()),
        1 => Just("Shengchan Dui 生".to_string()),
        1 => title(),
    ];
    prop_oneof![
        4 => (en, zh, proptest::sample::select(vec!["", "", "副题", "人 县"]))
            .prop_map(|(en, zh, sub)| Some((en, zh, sub.to_string()))),
        2 => titled(),
        1 => Just(None),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// A query with Chinese characters typed from nothing on a warm index reads only the
    /// items its masks made after load allow (the Chinese title's characters hashed, the
    /// initials of their readings) and matches the titles checked then as bytes; while the
    /// masks are made in part, it reads the titles. Either way, and typing on from it, it
    /// must give what an index of the same titles pushed one by one gives: the count, the
    /// first screen, the complete ranking. Queries with Chinese terms beside Latin ones,
    /// inverse and exact terms, characters with no reading.
    #[test]
    fn chinese_from_the_masks_equals_reading_the_titles(
        titles in proptest::collection::vec(mixed(), 0..80),
        keys in proptest::collection::vec(0u64..40, 80),
        more in proptest::collection::vec(headline(), 0..10),
        typed in proptest::sample::select(vec![
            "人民公社", "生产队", "湘乡 县", "人 sheng", "县$", "'图片", "!人 生", "民|湘",
            "😀图", "é人", "民P", "的", "a人", "生 Daily", "^人民", "社 !'公",
        ]),
        first in 1usize..8,
        partial in any::<bool>(),
        steps in prop_oneof![1 => 0usize..4, 3 => Just(usize::MAX)],
    ) {
        let (cat, items) = catalog_of(&titles, &keys);
        let data = SearchData::of_catalog(&cat);
        let (mut warm, mut cold) = warm_and_cold(cat, data, &items, |warm| {
            for _ in 0..steps {
                if !warm.prepare_step() {
                    break;
                }
            }
        });
        pushed_to_both(&mut warm, &mut cold, &more, 3)?;
        let mut prev: Option<Hits> = None;
        for (k, c) in typed.char_indices() {
            let q = Query::parse(&typed[..k + c.len_utf8()]);
            let want = cold.search(&q, None, &|| false).unwrap();
            let part = warm.search_first(&q, prev.as_ref(), first, &|| false).unwrap();
            prop_assert_eq!(part.total, want.total, "{:?}: count", q.as_str());
            // (the empty query, `^` alone, lists every item at once)
            let n = if q.is_empty() { want.total } else { first.min(want.total) };
            prop_assert_eq!(&part.hits[..], &want.hits[..n], "{:?}: first", q.as_str());
            let done = warm.complete(&part, &|| false).unwrap();
            prop_assert_eq!(&done.hits, &want.hits, "{:?}: completed", q.as_str());
            prev = Some(if partial { part } else { done });
        }
    }
}

#[test]
fn a_chinese_term_needs_the_initials_of_its_readings() {
    use super::query::initial_bit;
    let bits = |s: &str| s.bytes().fold(0, |m, b| m | initial_bit(b));
    assert_eq!(pinyin::han_initials("人民"), bits("rm"));
    assert_eq!(pinyin::han_initials("绿"), bits("l"));
    // (ASCII and characters without a reading need nothing)
    assert_eq!(pinyin::han_initials("a😀é\u{3000}"), 0);
    // every initial of a title's pinyin is in its mask
    for zh in ["人民公社", "生产队 GDP", "湘乡县😀"] {
        let py = Pinyin::new(zh);
        let mask = super::query::initials_mask(py.initials.as_bytes());
        assert_eq!(pinyin::han_initials(zh) & !mask, 0, "{zh}");
    }
}
