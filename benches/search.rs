//! Criterion benchmarks of the title search (`diglot::search`) on generated titles.
//!
//! `cargo bench --bench search` runs 100,000 and 430,000 items; set
//! `DIGLOT_BENCH_SIZES=100000,1000000` (comma-separated) to choose.
//!
//! `keystroke/{n}/{kind}/{query}` (issue 14): every keystroke of typing English, Chinese,
//! full pinyin and pinyin initials ([`TYPED`]), the first searched from nothing, each later
//! one within the previous keystroke's result, as the reader's worker does. What is timed is
//! what the reader waits for: the count and the first [`FIRST`] hits ranked exactly
//! (`search_first`); with `DIGLOT_BENCH_FULL=1` the group is `keystroke_full/{n}` and
//! the complete ranking is timed (first screen, then `complete`), in every report below. Run only those
//! with `cargo bench --bench search -- keystroke/`; the summary printed at the end (or alone
//! with `DIGLOT_BENCH_KEYSTROKES=1`) gives their median per kind and in all, and the slowest.
//!
//! Issue 3's groups: each query of a typed sequence is
//! timed as a full scan (`search_full`) and as the incremental search within the previous
//! keystroke's hits (`search_incremental`), on the global rayon pool (one thread per core).
//!
//! Per keystroke, as the TUI's worker searches: the first query of each sequence is a full
//! scan, the others are incremental, so issue 3's per-keystroke figures are
//! `search_full/{n}/q` for the first query of a sequence and `search_incremental/{n}/q` for
//! the rest. After the criterion groups the bench prints the keystrokes of [`TYPED`] again
//! (its own timing) with their median, e.g. `keystroke/430000: median over 57 keystrokes …`
//! (`DIGLOT_BENCH_KEYSTROKES=1`: only that). `DIGLOT_BENCH_CATALOG=1`: every index is made as
//! the reader's warm open makes it (titles in a catalog, search data beside it) instead of
//! titles pushed one by one. `DIGLOT_BENCH_CPU=1`: CPU time per keystroke of [`TYPED`] on one thread instead (robust
//! on a busy machine; the thread's own clock, exact; `DIGLOT_BENCH_REPS`, `DIGLOT_BENCH_ONLY=query`;
//! `DIGLOT_BENCH_CARRY=1`: each result's carried bytes too, `Hits::carry_bytes`).
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use criterion::{criterion_group, BenchmarkId, Criterion};
use diglot::search::{Hits, Pinyin, Query, SearchIndex, FIRST};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use rayon::prelude::*;
use std::hint::black_box;
use std::time::Duration;

/// The allocator the reader runs with (`src/main.rs`): a keystroke's result (hits and the
/// carried scoring state, tens of MB at 430,000 titles for a one-letter query) is allocated
/// and freed on every search, so the allocator is part of what a keystroke costs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Deterministic generator of People's Daily style (English, Chinese) title pairs: headline
/// templates filled from aligned word lists, made-up place and personal names from common
/// Han characters (romanised with their pinyin), and ~6% generic repeated titles.
mod titles {
    use diglot::search::Pinyin;

    /// SplitMix64: tiny, fast, deterministic.
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Self {
            Rng(seed)
        }
        pub fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        pub fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n as u64) as usize
        }
        pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
            &xs[self.below(xs.len())]
        }
    }

    const VERBS: &[(&str, &str)] = &[
        ("Strengthening", "加强"),
        ("Implementing", "贯彻"),
        ("Promoting", "推动"),
        ("Developing", "发展"),
        ("Consolidating", "巩固"),
        ("Studying", "学习"),
        ("Criticizing", "批判"),
        ("Building", "建设"),
        ("Supporting", "支援"),
        ("Launching", "开展"),
        ("Improving", "改进"),
        ("Opposing", "反对"),
        ("Defending", "保卫"),
        ("Celebrating", "庆祝"),
        ("Increasing", "增加"),
        ("Carrying Out", "执行"),
        ("Upholding", "坚持"),
        ("Expanding", "扩大"),
        ("Organizing", "组织"),
        ("Rectifying", "整顿"),
    ];

    const NOUNS: &[(&str, &str)] = &[
        ("Collective Leadership", "集体领导"),
        ("Policies", "政策"),
        ("Production", "生产"),
        ("Spring Plowing", "春耕"),
        ("Water Conservancy", "水利"),
        ("Grain Output", "粮食产量"),
        ("the Cotton Harvest", "棉花丰收"),
        ("Technical Innovation", "技术革新"),
        ("Mao Zedong Thought", "毛泽东思想"),
        ("the General Line", "总路线"),
        ("Socialist Construction", "社会主义建设"),
        ("Class Struggle", "阶级斗争"),
        ("Revisionism", "修正主义"),
        ("US Imperialism", "美帝国主义"),
        ("the People's Communes", "人民公社"),
        ("Steel Production", "钢铁生产"),
        ("Friendship", "友谊"),
        ("Unity", "团结"),
        ("Public Health Work", "卫生工作"),
        ("the Literacy Campaign", "扫盲运动"),
        ("Afforestation", "植树造林"),
        ("Irrigation Works", "灌溉工程"),
        ("Fertilizer Accumulation", "积肥"),
        ("Railway Construction", "铁路建设"),
        ("Coal Mining", "采煤"),
        ("the Workers' Militia", "工人民兵"),
        ("Cadre Participation in Labor", "干部参加劳动"),
        ("the Patriotic Health Campaign", "爱国卫生运动"),
        ("Economic Accounting", "经济核算"),
        ("Party Building", "党的建设"),
        ("Summer Harvest", "夏收"),
        ("Flood Prevention", "防汛"),
        ("Drought Resistance", "抗旱"),
        ("Pig Raising", "养猪"),
        ("Rural Trade", "农村贸易"),
    ];

    const PREDICATES: &[(&str, &str)] = &[
        ("Universally Establishes Core Groups", "普遍建立核心小组"),
        ("Overfulfills the Annual Plan", "超额完成全年计划"),
        ("Achieves a Bumper Harvest", "获得大丰收"),
        ("Holds a Mass Rally", "举行群众大会"),
        ("Sends a Telegram of Congratulations", "致电祝贺"),
        ("Opens an Exhibition", "举办展览会"),
        ("Builds a New Reservoir", "修建新水库"),
        ("Learns from Dazhai", "学习大寨"),
        ("Increases Steel Output", "钢产量增加"),
        ("Trains Technical Personnel", "培养技术人员"),
        ("Welcomes the Delegation", "欢迎代表团"),
        ("Completes the Railway Ahead of Schedule", "提前完成铁路"),
        ("Reports New Achievements", "报告新成就"),
        ("Convenes a Meeting of Activists", "召开积极分子大会"),
        ("Sets Up Night Schools", "开办夜校"),
        ("Reclaims Wasteland", "开垦荒地"),
        ("Strives for High Yields", "争取高产"),
    ];

    const UNITS: &[(&str, &str)] = &[
        ("County", "县"),
        ("Commune", "公社"),
        ("Brigade", "大队"),
        ("Factory", "工厂"),
        ("Mine", "矿"),
        ("Production Team", "生产队"),
        ("Municipal Party Committee", "市委"),
        ("Cooperative", "合作社"),
        ("Steel Plant", "钢铁厂"),
    ];

    const PROVINCES: &[(&str, &str)] = &[
        ("Beijing", "北京"),
        ("Shanghai", "上海"),
        ("Tianjin", "天津"),
        ("Hebei", "河北"),
        ("Shanxi", "山西"),
        ("Henan", "河南"),
        ("Hunan", "湖南"),
        ("Hubei", "湖北"),
        ("Guangdong", "广东"),
        ("Xinjiang", "新疆"),
        ("Sichuan", "四川"),
        ("Yunnan", "云南"),
        ("Jiangsu", "江苏"),
        ("Zhejiang", "浙江"),
        ("Anhui", "安徽"),
        ("Fujian", "福建"),
        ("Jiangxi", "江西"),
        ("Shandong", "山东"),
        ("Liaoning", "辽宁"),
        ("Jilin", "吉林"),
        ("Heilongjiang", "黑龙江"),
        ("Gansu", "甘肃"),
        ("Qinghai", "青海"),
        ("Xiangtan", "湘潭"),
    ];

    const COUNTRIES: &[(&str, &str)] = &[
        ("Vietnamese", "越南"),
        ("Korean", "朝鲜"),
        ("Albanian", "阿尔巴尼亚"),
        ("Cuban", "古巴"),
        ("Indonesian", "印度尼西亚"),
        ("Japanese", "日本"),
        ("Congolese", "刚果"),
        ("Laotian", "老挝"),
        ("Palestinian", "巴勒斯坦"),
    ];

    const INTL: &[(&str, &str)] = &[
        ("People Resolutely Resist US Aggression", "人民坚决抗击美国侵略"),
        ("Delegation Arrives in Beijing", "代表团到达北京"),
        ("Government Issues a Statement", "政府发表声明"),
        ("Armed Forces Win Another Victory", "武装力量又获胜利"),
        ("Workers Launch a General Strike", "工人举行总罢工"),
    ];

    const GENERIC: &[(&str, &str)] = &[
        ("Picture", "图片"),
        ("Brief News", "简讯"),
        ("Quotations from Chairman Mao", "毛主席语录"),
        ("News in Brief", "简明新闻"),
    ];

    const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾";

    /// Common Han characters, used for place names, personal names and filler.
    pub const COMMON_HAN: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严湘乡";

    fn syllable(c: char) -> String {
        Pinyin::new(&c.to_string()).full.to_lowercase()
    }

    fn capitalize(s: &str) -> String {
        let mut cs = s.chars();
        match cs.next() {
            Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
            None => String::new(),
        }
    }

    /// A made-up place: two common characters, romanised as one word ("Xiangxiang").
    fn place(rng: &mut Rng, han: &[char]) -> (String, String) {
        let a = *rng.pick(han);
        let b = *rng.pick(han);
        let en = capitalize(&(syllable(a) + &syllable(b)));
        (en, format!("{a}{b}"))
    }

    fn person(rng: &mut Rng, han: &[char]) -> (String, String) {
        let sur: Vec<char> = SURNAMES.chars().collect();
        let s = *rng.pick(&sur);
        let g1 = *rng.pick(han);
        let g2 = *rng.pick(han);
        let en = format!("{} {}", capitalize(&syllable(s)), capitalize(&(syllable(g1) + &syllable(g2))));
        (en, format!("{s}{g1}{g2}"))
    }

    /// Generates `n` (English, Chinese) title pairs, deterministically from `seed`.
    pub fn generate_titles(n: usize, seed: u64) -> Vec<(String, String)> {
        let mut rng = Rng::new(seed);
        let han: Vec<char> = COMMON_HAN.chars().collect();
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let kind = rng.below(100);
            let pair = if kind < 6 {
                let (e, z) = rng.pick(GENERIC);
                (e.to_string(), z.to_string())
            } else if kind < 30 {
                // "Strengthening X, Implementing Y, and Promoting Z: Place Unit Does W"
                let k = 2 + rng.below(2);
                let mut en = Vec::new();
                let mut zh = String::new();
                for _ in 0..k {
                    let (ve, vz) = rng.pick(VERBS);
                    let (ne, nz) = rng.pick(NOUNS);
                    en.push(format!("{ve} {ne}"));
                    zh.push_str(vz);
                    zh.push_str(nz);
                }
                let last = en.pop().unwrap_or_default();
                let (pe, pz) = place(&mut rng, &han);
                let (ue, uz) = rng.pick(UNITS);
                let (re, rz) = rng.pick(PREDICATES);
                (format!("{}, and {last}: {pe} {ue} {re}", en.join(", ")), format!("{zh}  {pz}{uz}{rz}"))
            } else if kind < 55 {
                let (pre, prz) = rng.pick(PROVINCES);
                let (pe, pz) = place(&mut rng, &han);
                let (ue, uz) = rng.pick(UNITS);
                let (re, rz) = rng.pick(PREDICATES);
                let (ve, vz) = rng.pick(VERBS);
                let (ne, nz) = rng.pick(NOUNS);
                (format!("{pe} {ue}, {pre}, {re} by {ve} {ne}"), format!("{prz}{pz}{uz}{vz}{nz}{rz}"))
            } else if kind < 70 {
                let (ce, cz) = rng.pick(COUNTRIES);
                let (ie, iz) = rng.pick(INTL);
                (format!("{ce} {ie}"), format!("{cz}{iz}"))
            } else if kind < 85 {
                let (ne, nz) = person(&mut rng, &han);
                let (re, rz) = rng.pick(PREDICATES);
                let (ue, uz) = rng.pick(UNITS);
                let (pe, pz) = place(&mut rng, &han);
                (format!("Comrade {ne} of {pe} {ue} {re}"), format!("{pz}{uz}{nz}同志{rz}"))
            } else {
                // A headline with a free-form subtitle of common characters.
                let (ve, vz) = rng.pick(VERBS);
                let (ne, nz) = rng.pick(NOUNS);
                let len = 6 + rng.below(10);
                let sub: String = (0..len).map(|_| *rng.pick(&han)).collect();
                let sub_en: Vec<String> = sub
                    .chars()
                    .collect::<Vec<_>>()
                    .chunks(2)
                    .map(|c| capitalize(&c.iter().map(|&h| syllable(h)).collect::<String>()))
                    .collect();
                (format!("{ve} {ne}: Notes on {}", sub_en.join(" ")), format!("{vz}{nz}　{sub}"))
            };
            out.push(pair);
        }
        out
    }
}

/// Typed query sequences: every prefix is one keystroke (issue 3's figures).
const SEQUENCES: &[&[&str]] = &[
    &["x", "xi", "xia", "xian", "xiang"],
    &["p", "pr", "pro", "prod", "produ", "product", "production"],
    &["生", "生产"],
    &["collective", "collective lead", "collective lead jianshe"],
];

/// What a user types, one character at a time (issue 14: the keystroke group), by kind:
/// English words, Chinese (as an input method commits it: character by character), full
/// pinyin and pinyin initials. Every prefix is a keystroke; the first is searched from
/// nothing, each later one within the previous keystroke's hits, as the reader's worker does.
const TYPED: &[(&str, &str)] = &[
    ("en", "production"),
    ("en", "collective lead"),
    ("zh", "人民公社"),
    ("zh", "生产"),
    ("pinyin", "shengchan"),
    ("pinyin", "xiangxiang"),
    ("initials", "rmgs"),
    ("initials", "scd"),
];

/// The keystrokes of [`TYPED`]: (kind, query, index of the previous keystroke of the same
/// typing if any).
fn keystrokes() -> Vec<(&'static str, String, Option<usize>)> {
    let mut out = Vec::new();
    for &(kind, text) in TYPED {
        let mut prev = None;
        for (k, c) in text.char_indices() {
            out.push((kind, text[..k + c.len_utf8()].to_string(), prev));
            prev = Some(out.len() - 1);
        }
    }
    out
}

fn sizes() -> Vec<usize> {
    std::env::var("DIGLOT_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 430_000])
}

fn build(n: usize) -> SearchIndex {
    if std::env::var_os("DIGLOT_BENCH_CATALOG").is_some() {
        return build_catalog(n);
    }
    let mut ix = SearchIndex::new();
    for (i, (en, zh)) in titles::generate_titles(n, 42).into_iter().enumerate() {
        // sort key: a pseudo-random "date order" position
        ix.push(&en, &zh, (i as u64).wrapping_mul(0x9E37_79B9) % n as u64);
    }
    prepare(&mut ix, n);
    ix
}

/// What the reader's search worker makes while it is idle after the index is set or items
/// are pushed, before a first keystroke: the letter columns (`DIGLOT_BENCH_UNPREPARED=1`:
/// not made, a first letter is searched by reading the titles, as when it is typed sooner).
fn prepare(ix: &mut SearchIndex, n: usize) {
    if std::env::var_os("DIGLOT_BENCH_UNPREPARED").is_none() {
        let t = cpu_time();
        while ix.prepare_step() {}
        eprintln!("prepare {n}: {:.1} ms CPU", (cpu_time() - t).as_secs_f64() * 1e3);
    }
}

/// `DIGLOT_BENCH_CATALOG=1`: the index as a warm open gives it to the reader instead of
/// titles pushed one by one: the titles in a catalog's arena, beside each article's path,
/// authors and column, and the search data made for that catalog (as the title index stores
/// it), taken with `SearchIndex::set_base`. Sort keys are the catalog's date and page.
fn build_catalog(n: usize) -> SearchIndex {
    use diglot::corpus::{ArticleMeta, Catalog, Date};
    use diglot::search::SearchData;
    let mut cat = Catalog::new(Vec::new());
    for (i, (en, zh)) in titles::generate_titles(n, 42).into_iter().enumerate() {
        let k = (i as u64).wrapping_mul(0x9E37_79B9) % n as u64;
        let (year, month, day) = (1946 + (k % 27) as u16, 1 + (k / 27 % 12) as u8, 1 + (k / 324 % 28) as u8);
        let meta = ArticleMeta {
            path: format!("/data/rmrb/{year}.{month:02}/{year}-{month:02}-{day:02}_{zh}.md").into(),
            authors_en: vec!["Xinhua News Agency".to_string()],
            authors_zh: vec!["新华社".to_string()],
            column_en: if i % 7 == 0 { "Editorial".to_string() } else { String::new() },
            title_en: en,
            title_zh: zh,
            date: Some(Date { year, month, day }),
            page: Some(1 + (i % 8) as u32),
            size: 3000,
            ..ArticleMeta::default()
        };
        cat.push_meta(&meta, &[]);
    }
    let data = SearchData::of_catalog(&cat);
    let mut ix = SearchIndex::new();
    ix.set_base(std::sync::Arc::new(cat), Some(std::sync::Arc::new(data)));
    prepare(&mut ix, n);
    ix
}

fn search(ix: &SearchIndex, q: &str, prev: Option<&Hits>) -> Hits {
    ix.search(&Query::parse(q), prev, &|| false).expect("not cancelled")
}

/// What the reader waits for on a keystroke: the count and the first screen ranked exactly
/// ([`FIRST`] hits, as the reader's worker delivers first).
fn first_screen(ix: &SearchIndex, q: &str, prev: Option<&Hits>) -> Hits {
    ix.search_first(&Query::parse(q), prev, FIRST, &|| false).expect("not cancelled")
}

/// `DIGLOT_BENCH_FULL=1`: the keystroke figures are of the complete ranking (first screen,
/// then the rest) instead of the first screen.
fn full_ranking() -> bool {
    std::env::var_os("DIGLOT_BENCH_FULL").is_some()
}

/// One keystroke as measured: the first screen, or the complete ranking.
fn keystroke(ix: &SearchIndex, q: &str, prev: Option<&Hits>) -> Hits {
    let first = first_screen(ix, q, prev);
    if full_ranking() {
        ix.complete(&first, &|| false).expect("not cancelled")
    } else {
        first
    }
}

/// Every keystroke of [`TYPED`] as the reader's worker searches it (criterion group
/// `keystroke/{n}`, ids `{kind}/{query}`): the first of a typing from nothing, the others
/// within the previous keystroke's result (itself searched so, as in the app).
fn bench_keystrokes(c: &mut Criterion) {
    for n in sizes() {
        let ix = build(n);
        let keys = keystrokes();
        let mut results: Vec<Hits> = Vec::new();
        for (_, q, prev) in &keys {
            let r = first_screen(&ix, q, prev.map(|p| &results[p]));
            results.push(r);
        }
        let group = if full_ranking() { "keystroke_full" } else { "keystroke" };
        let mut g = c.benchmark_group(format!("{group}/{n}"));
        for (k, (kind, q, prev)) in keys.iter().enumerate() {
            eprintln!("{n} items, {kind} {q:?}: {} hits", results[k].total);
            let prev = prev.map(|p| &results[p]);
            g.bench_function(BenchmarkId::new(*kind, q), |b| b.iter(|| black_box(keystroke(&ix, q, prev))));
        }
        g.finish();
    }
}

fn bench_search(c: &mut Criterion) {
    for n in sizes() {
        let ix = build(n);
        let mut full = c.benchmark_group(format!("search_full/{n}"));
        for seq in SEQUENCES {
            for q in seq.iter() {
                let hits = search(&ix, q, None).hits.len();
                eprintln!("{n} items, {q:?}: {hits} hits");
                full.bench_function(BenchmarkId::from_parameter(q), |b| {
                    b.iter(|| black_box(search(&ix, q, None)))
                });
            }
        }
        full.bench_function("<empty>", |b| b.iter(|| black_box(search(&ix, "", None))));
        full.finish();

        let mut inc = c.benchmark_group(format!("search_incremental/{n}"));
        for seq in SEQUENCES {
            for w in seq.windows(2) {
                let prev = search(&ix, w[0], None);
                inc.bench_function(BenchmarkId::from_parameter(w[1]), |b| {
                    b.iter(|| black_box(search(&ix, w[1], Some(&prev))))
                });
            }
        }
        inc.finish();

        let mut misc = c.benchmark_group(format!("misc/{n}"));
        let q = Query::parse("xiang county");
        let top: Vec<u32> = search(&ix, "xiang county", None).hits.iter().take(50).map(|h| h.idx).collect();
        misc.bench_function("highlights_50_rows", |b| {
            b.iter(|| {
                for &i in &top {
                    black_box(ix.highlights(i, &q));
                }
            })
        });
        if n <= 100_000 {
            let pairs = titles::generate_titles(n, 42);
            let py: Vec<String> = pairs.iter().map(|(_, zh)| Pinyin::new(zh).full).collect();
            misc.bench_function("build_index", |b| {
                b.iter(|| {
                    let mut ix = SearchIndex::new();
                    for (i, (en, zh)) in pairs.iter().enumerate() {
                        ix.push(en, zh, i as u64);
                    }
                    black_box(ix.len())
                })
            });
            // Baseline: SkimMatcherV2 itself on every field (one matcher per rayon job),
            // without prefilter or sorting.
            for q in ["x", "xiang", "pr", "production"] {
                misc.bench_function(format!("skim_matcher_v2_reference/{q}"), |b| {
                    b.iter(|| {
                        let hits: usize = (0..pairs.len())
                            .into_par_iter()
                            .map_init(SkimMatcherV2::default, |m, i| {
                                let (en, zh) = &pairs[i];
                                let s =
                                    [m.fuzzy_match(en, q), m.fuzzy_match(zh, q), m.fuzzy_match(&py[i], q)];
                                usize::from(s.iter().any(Option::is_some))
                            })
                            .sum();
                        black_box(hits)
                    })
                });
            }
        }
        misc.finish();
    }
}

/// CPU time of this process so far (every thread, from `/proc/self/task/*/schedstat`).
fn cpu_time() -> Duration {
    let mut ns = 0u64;
    for t in std::fs::read_dir("/proc/self/task").into_iter().flatten().flatten() {
        let stat = std::fs::read_to_string(t.path().join("schedstat")).unwrap_or_default();
        ns += stat.split_whitespace().next().and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    }
    Duration::from_nanos(ns)
}

/// CPU time of the calling thread so far (`CLOCK_THREAD_CPUTIME_ID`: exact, where
/// `schedstat` moves in scheduler ticks while the thread runs, 4 ms steps on this machine).
/// [`cpu_report`]'s searches run on its one pool thread, so this is all of their CPU.
#[allow(unsafe_code)] // clock_gettime: fills the one timespec it is given
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0;
    if !ok {
        return cpu_time();
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The measured search of [`cpu_report`] (a function of its own for profilers:
/// `valgrind --tool=callgrind --toggle-collect=search::measured`).
#[inline(never)]
fn measured(ix: &SearchIndex, q: &str, prev: Option<&Hits>) -> Hits {
    keystroke(ix, black_box(q), prev)
}

/// `DIGLOT_BENCH_CPU=1`: instead of criterion, CPU time per search on one thread for every
/// keystroke (first of each sequence a full scan, the rest within the previous hits).
fn cpu_report() {
    let reps: usize = std::env::var("DIGLOT_BENCH_REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let only = std::env::var("DIGLOT_BENCH_ONLY").ok();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
    for n in sizes() {
        let ix = build(n);
        pool.install(|| {
            let keys = keystrokes();
            let mut results: Vec<Hits> = Vec::new();
            let mut all = Vec::new();
            for (kind, q, prev) in &keys {
                let prev = prev.map(|p| &results[p]);
                if only.as_deref().is_none_or(|o| o == q) {
                    let mut ms: Vec<f64> = (0..reps)
                        .map(|_| {
                            let t = thread_cpu();
                            black_box(measured(&ix, q, prev));
                            (thread_cpu() - t).as_secs_f64() * 1000.0
                        })
                        .collect();
                    ms.sort_by(f64::total_cmp);
                    let (min, ms) = (ms[0], ms[ms.len() / 2]);
                    let how = if prev.is_some() { "incremental" } else { "full" };
                    eprintln!("cpu {n} {kind:8} {how:11} {q:16} median {ms:6.1} ms, min {min:6.1} ms");
                    all.push(ms);
                }
                let r = first_screen(&ix, q, prev);
                if std::env::var_os("DIGLOT_BENCH_CARRY").is_some() {
                    eprintln!(
                        "carry {n} {q:16} {:8} hits, carried {:6.2} MB",
                        r.total,
                        r.carry_bytes() as f64 / 1e6
                    );
                }
                results.push(r);
            }
            all.sort_by(f64::total_cmp);
            if let (Some(mid), Some(max)) = (all.get(all.len() / 2), all.last()) {
                eprintln!("cpu {n}: median over {} keystrokes {mid:.1} ms, slowest {max:.1} ms", all.len());
            }
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench_keystrokes, bench_search
}
/// The per-keystroke picture: every keystroke of [`TYPED`] searched as the reader's worker
/// does (the first of each typing from nothing, the others within the previous keystroke's
/// hits), on the global pool; wall time, median of `runs` runs per keystroke; then the
/// median over the keystrokes, per kind and in all, and the slowest keystroke, against
/// issue 14's goal (16 ms median at 430,000).
fn keystroke_summary(runs: usize) {
    for n in sizes() {
        let ix = build(n);
        let keys = keystrokes();
        let mut results: Vec<Hits> = Vec::new();
        let mut medians: Vec<(&str, Duration, String)> = Vec::new();
        for (kind, q, prev) in &keys {
            let prev = prev.map(|p| &results[p]);
            let mut t: Vec<Duration> = (0..runs)
                .map(|_| {
                    let start = std::time::Instant::now();
                    black_box(keystroke(&ix, q, prev));
                    start.elapsed()
                })
                .collect();
            t.sort_unstable();
            let how = if prev.is_some() { "within previous" } else { "from nothing" };
            let r = first_screen(&ix, q, prev);
            eprintln!(
                "keystroke/{n}/{kind}/{q:16} {how:15} median {:7.2} ms {:8} hits",
                t[runs / 2].as_secs_f64() * 1e3,
                r.total
            );
            medians.push((kind, t[runs / 2], q.clone()));
            results.push(r);
        }
        let median = |v: &mut Vec<Duration>| {
            v.sort_unstable();
            v[v.len() / 2].as_secs_f64() * 1e3
        };
        for kind in ["en", "zh", "pinyin", "initials"] {
            let mut v: Vec<Duration> = medians.iter().filter(|m| m.0 == kind).map(|m| m.1).collect();
            eprintln!("keystroke/{n}/{kind}: median {:.2} ms over {} keystrokes", median(&mut v), v.len());
        }
        let mut all: Vec<Duration> = medians.iter().map(|m| m.1).collect();
        let worst = medians.iter().max_by_key(|m| m.1).expect("keystrokes");
        eprintln!(
            "keystroke/{n}: median over {} keystrokes {:.2} ms (goal at 430,000: 16 ms), slowest {:.2} ms ({} {:?})",
            all.len(),
            median(&mut all),
            worst.1.as_secs_f64() * 1e3,
            worst.0,
            worst.2
        );
    }
}

fn main() {
    if std::env::var_os("DIGLOT_BENCH_CPU").is_some() {
        cpu_report();
        return;
    }
    if std::env::var_os("DIGLOT_BENCH_KEYSTROKES").is_some() {
        keystroke_summary(11);
        return;
    }
    benches();
    keystroke_summary(11);
    Criterion::default().configure_from_args().final_summary();
}
