//! A synthetic People's Daily corpus for benchmarks and scale tests.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --count 100000 --seed 1 /tmp/rmrb-100k
//! ```
//!
//! Writes `DIR/rmrb/YYYY.MM/YYYY-MM-DD_<Chinese title>.md` (plus a `DIR/README.md` that is not
//! an article), deterministic for a seed and a count: the same arguments give the same bytes.
//! Sizes run from ~200-byte picture captions to ~30 KB speeches, mean about 3 KB. English and
//! Chinese bodies have unequal paragraph counts (merged and split paragraphs, untranslated
//! headlines). Every header variant of FORMAT.md occurs: `Page:`/`Edition:`, `Author:` with and
//! without a trailing space, blank lines inside the header, no blank line after it, `Column:`,
//! `**Named Entities**` glossaries, Chinese subtitles and authors split by two spaces or U+3000,
//! nested sections, `专栏：`, every body indentation, right-pushed bylines, tables, `Editorial:`
//! lines, titles glued onto the first Chinese line, OCR-broken lines, and the folder month
//! differing from the date. A small share (`--damaged`, default 1 in 5000) is damaged the ways
//! FORMAT.md says files may be: CRLF, BOM, truncation, no `Original:`, bad date or page,
//! control characters, empty.
//!
//! The benchmarks include this file as a module (`generate`).
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use rayon::prelude::*;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// SplitMix64: small, fast, and good enough for test data.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for stream `stream` of seed `seed`.
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

const EN_WORDS: &[&str] = &[
    "the",
    "the",
    "the",
    "of",
    "of",
    "and",
    "and",
    "to",
    "in",
    "in",
    "a",
    "for",
    "on",
    "with",
    "by",
    "that",
    "is",
    "was",
    "were",
    "has",
    "have",
    "people",
    "workers",
    "peasants",
    "commune",
    "county",
    "province",
    "production",
    "cooperative",
    "factory",
    "comrades",
    "struggle",
    "revolution",
    "socialist",
    "construction",
    "agricultural",
    "industrial",
    "masses",
    "party",
    "committee",
    "government",
    "delegation",
    "friendship",
    "meeting",
    "Beijing",
    "Shanghai",
    "Hunan",
    "Hebei",
    "Shandong",
    "Xinhua",
    "News",
    "Agency",
    "reported",
    "yesterday",
    "today",
    "increased",
    "output",
    "grain",
    "steel",
    "iron",
    "cotton",
    "harvest",
    "water",
    "conservancy",
    "irrigation",
    "schools",
    "students",
    "teachers",
    "army",
    "soldiers",
    "liberation",
    "imperialism",
    "aggression",
    "peace",
    "world",
    "international",
    "united",
    "front",
    "leadership",
    "collective",
    "brigade",
    "team",
    "tons",
    "yuan",
    "percent",
    "more",
    "than",
    "last",
    "year",
    "plan",
    "completed",
    "ahead",
    "schedule",
    "new",
    "great",
    "important",
    "victory",
    "study",
    "works",
    "Chairman",
    "Mao",
    "thought",
    "support",
    "oppose",
    "resolutely",
    "held",
    "opened",
    "signed",
    "agreement",
    "trade",
    "exchange",
    "goods",
    "technical",
    "experience",
    "advanced",
    "model",
    "labour",
    "enthusiasm",
    "mountain",
    "river",
    "village",
    "city",
    "district",
    "railway",
    "bridge",
    "highway",
    "machine",
    "tractor",
    "electric",
    "power",
    "station",
    "hospital",
    "medical",
    "health",
    "culture",
    "art",
    "literature",
    "film",
    "song",
    "newspaper",
    "editorial",
    "article",
    "speech",
    "report",
    "conference",
    "session",
    "congress",
    "national",
    "local",
    "cadres",
    "youth",
    "women",
    "children",
    "families",
    "members",
];

const EN_TITLE_WORDS: &[&str] = &[
    "Workers",
    "Peasants",
    "Commune",
    "County",
    "Production",
    "Cooperative",
    "Factory",
    "Struggle",
    "Victory",
    "Harvest",
    "Grain",
    "Steel",
    "Bridge",
    "Railway",
    "Friendship",
    "Delegation",
    "Agreement",
    "Conference",
    "Water",
    "Conservancy",
    "Irrigation",
    "Youth",
    "Women",
    "Army",
    "People's",
    "Great",
    "New",
    "Socialist",
    "Construction",
    "Advanced",
    "Experience",
    "Model",
    "Teachers",
    "Students",
    "Hospital",
    "Electric",
    "Station",
    "Tractor",
    "Trade",
    "Peace",
];

const ZH_CHARS: &str =
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能\
下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从\
业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但\
质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及\
管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队\
南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打\
白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石\
记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史\
感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂\
京识适属圆包火住调满县局照参红细引听该铁价严龙飞";

const ZH_PUNCT: &[&str] = &["，", "，", "，", "、", "；", "："];

const EN_NAMES: &[&str] = &[
    "Li Ming",
    "Wang Ping",
    "Zhang Anquan",
    "Wang Liangbi",
    "Hua Junwu",
    "Liu Xi",
    "Chen Feng",
    "Zhao Puchu",
    "Wei Wei",
    "Zhu De",
    "Liu Qingrui",
    "Zhang Xiangshan",
    "Yingtao",
    "Miao Di",
];
const ZH_NAMES: &[&str] = &[
    "李明",
    "王平",
    "张安泉",
    "汪良璧",
    "华君武",
    "刘西",
    "陈锋",
    "赵朴初",
    "魏巍",
    "朱德",
    "刘庆瑞",
    "英韬",
    "苗地",
];

/// Generic titles that repeat every day: (Chinese, English).
const GENERIC: &[(&str, &str)] = &[
    ("图片", "Picture"),
    ("图片", "Photo"),
    ("简讯", "Brief News"),
    ("毛主席语录", "Quotations from Chairman Mao"),
    ("国际简讯", "International Briefs"),
    ("简明新闻", "Brief News"),
    ("名词解释", "Explanation of Terms"),
];

const SECTIONS: &[&str] = &["", "", "", "", "", "", "副刊", "国际专页（政治）", "文化生活", "体育"];
const COLUMNS_EN: &[(&str, &str)] = &[
    ("Dare to Think, Dare to Speak, Dare to Do!", "敢想、敢说、敢做！"),
    ("Readers' Letters", "读者来信"),
    ("International Notes", "国际札记"),
];
const GLOSS: &[(&str, &str)] = &[
    ("新华社", "Xinhua News Agency"),
    ("人民日报", "Rénmín Rìbào (People's Daily)"),
    ("约翰逊", "Yuēhànxùn"),
    ("济宁", "Jining City"),
    ("晋冀鲁豫", "Jin-Ji-Lu-Yu"),
    ("曾镜冰", "Zeng Jingbing"),
];

/// Which days the archive covers: 1946-05-15..=1972-03-31, then 1989.
fn days() -> Vec<(u16, u8, u8)> {
    let mut out = Vec::new();
    let dim = |y: u16, m: u8| match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        _ => 28,
    };
    for y in (1946..=1972).chain([1989]) {
        for m in 1..=12u8 {
            for d in 1..=dim(y, m) {
                let day = (y, m, d);
                if day >= (1946, 5, 15) && (y == 1989 || day <= (1972, 3, 31)) {
                    out.push(day);
                }
            }
        }
    }
    out
}

fn zh_char(rng: &mut Rng) -> char {
    // ZH_CHARS holds 3-byte characters only
    let n = ZH_CHARS.len() / 3;
    let k = rng.below(n) * 3;
    ZH_CHARS[k..k + 3].chars().next().unwrap_or('的')
}

fn zh_run(rng: &mut Rng, out: &mut String, lo: usize, hi: usize) {
    let chars = rng.range(lo, hi);
    for _ in 0..chars {
        out.push(zh_char(rng));
    }
}

fn fullwidth_number(n: usize) -> String {
    n.to_string().chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c)).collect()
}

/// A Chinese paragraph of about `bytes` bytes.
fn zh_paragraph(rng: &mut Rng, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 16);
    if rng.chance(0.15) {
        s.push_str(rng.pick(&["【新华社讯】", "本报讯　", "新华社北京电　", "【本报讯】"]));
    }
    while s.len() < bytes {
        zh_run(rng, &mut s, 4, 14);
        match rng.below(20) {
            0 => {
                s.push_str(&fullwidth_number(rng.range(2, 9999)));
                s.push_str(rng.pick(&["％", "吨", "元", "∶０", "人"]));
            }
            1 => {
                s.push('《');
                zh_run(rng, &mut s, 2, 6);
                s.push('》');
            }
            2 => {
                s.push('“');
                zh_run(rng, &mut s, 2, 8);
                s.push('”');
            }
            3 => s.push_str("……"),
            _ => {}
        }
        s.push_str(if rng.chance(0.3) { "。" } else { rng.pick(ZH_PUNCT) });
    }
    if !s.ends_with('。') {
        s.push('。');
    }
    s
}

/// An English paragraph of about `bytes` bytes.
fn en_paragraph(rng: &mut Rng, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 32);
    while s.len() < bytes {
        let words = rng.range(8, 24);
        for k in 0..words {
            if k > 0 {
                s.push(' ');
            }
            let w = rng.pick(EN_WORDS);
            match rng.below(60) {
                0 => s.push_str("*Newsweek*"),
                1 => s.push_str("Zeng Jingbing (曾镜冰)"),
                2 => s.push_str("Quánhéng"),
                3 => {
                    let _ = write!(s, "{}", rng.range(2, 30000));
                }
                _ if k == 0 => {
                    let mut c = w.chars();
                    if let Some(f) = c.next() {
                        s.extend(f.to_uppercase());
                        s.push_str(c.as_str());
                    }
                }
                _ => s.push_str(w),
            }
        }
        s.push_str(if rng.chance(0.2) { ", and " } else { ". " });
    }
    let t = s.trim_end().trim_end_matches(" and").trim_end_matches([',', ' ']).to_string();
    if t.ends_with('.') {
        t
    } else {
        t + "."
    }
}

fn en_title(rng: &mut Rng) -> String {
    let n = rng.range(2, 9);
    let mut t = String::new();
    for k in 0..n {
        if k > 0 {
            t.push(' ');
            if rng.chance(0.2) {
                t.push_str(rng.pick(&["of", "in", "and", "for", "the"]));
                t.push(' ');
            }
        }
        t.push_str(rng.pick(EN_TITLE_WORDS));
    }
    t
}

/// The file-name form of a Chinese title: spaces, dots, slashes and U+3000 become `_`.
fn file_title(zh: &str) -> String {
    let s: String =
        zh.chars().map(|c| if matches!(c, ' ' | '.' | '/' | '\u{3000}') { '_' } else { c }).collect();
    let mut out = String::new();
    for c in s.chars() {
        if out.len() + c.len_utf8() > 150 {
            break;
        }
        out.push(c);
    }
    out
}

/// What the generator wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Article files.
    pub files: usize,
    /// Bytes written (articles only).
    pub bytes: u64,
    /// Smallest article.
    pub min: usize,
    /// Largest article.
    pub max: usize,
    /// Damaged articles.
    pub damaged: usize,
}

/// One generated article: (Chinese title for the file name, folder, date string, bytes).
struct Gen {
    title_zh: String,
    folder: String,
    date: String,
    bytes: Vec<u8>,
    damaged: bool,
}

/// Target file size: captions ~200-600 B, most 1-6 KB, a tail of speeches up to 30 KB.
fn target_size(rng: &mut Rng) -> usize {
    let u = rng.unit();
    if u < 0.14 {
        rng.range(200, 600)
    } else if u < 0.24 {
        rng.range(600, 1500)
    } else if u < 0.955 {
        // log-uniform 1.2 KB .. 6.5 KB
        (1200.0 * (6500.0f64 / 1200.0).powf(rng.unit())) as usize
    } else {
        (6500.0 * (25000.0f64 / 6500.0).powf(rng.unit())) as usize
    }
}

fn article(rng: &mut Rng, (y, m, d): (u16, u8, u8), damaged_rate: f64) -> Gen {
    let size = target_size(rng);
    let caption = size < 600;
    let date = format!("{y:04}-{m:02}-{d:02}");
    let page = rng.range(1, if y >= 1966 { 12 } else { 8 });
    let (mut title_zh, title_en): (String, String) = if caption && rng.chance(0.6) {
        let g = rng.pick(&GENERIC[..2]);
        (g.0.to_string(), g.1.to_string())
    } else if rng.chance(0.06) {
        let g = rng.pick(GENERIC);
        (g.0.to_string(), g.1.to_string())
    } else {
        let mut t = String::new();
        zh_run(rng, &mut t, 3, 14);
        if rng.chance(0.05) {
            t.push_str("（图片）");
        }
        (t, en_title(rng))
    };
    let subtitle = if !caption && rng.chance(0.06) {
        let mut s = String::new();
        zh_run(rng, &mut s, 6, 16);
        Some(s)
    } else {
        None
    };
    let n_auth = match rng.below(10) {
        0..=5 => 0,
        6..=8 => 1,
        _ => 2,
    };
    let picks: Vec<usize> = (0..n_auth).map(|_| rng.below(EN_NAMES.len())).collect();
    let edition = y == 1946 || (1966..=1968).contains(&y) || y == 1989;
    let old = y <= 1955;
    let column = if rng.chance(0.03) { Some(rng.pick(COLUMNS_EN)) } else { None };

    // Chinese paragraphs first; the English follows them with merges and splits.
    let body_budget = size.saturating_sub(260 + title_en.len() + 2 * title_zh.len()).max(60);
    let zh_budget = body_budget * 52 / 100;
    let en_budget = body_budget - zh_budget;
    let mut zh_paras: Vec<String> = Vec::new();
    let mut used = 0;
    while used < zh_budget {
        let want = if caption { zh_budget } else { rng.range(60, 900).min(zh_budget - used + 30) };
        let p = zh_paragraph(rng, want);
        used += p.len() + 5;
        zh_paras.push(p);
    }
    let ratio = en_budget as f64 / used.max(1) as f64;
    let mut en_paras: Vec<String> = Vec::new();
    let mut k = 0;
    while k < zh_paras.len() {
        let target = (zh_paras[k].len() as f64 * ratio) as usize;
        if zh_paras.len() > 2 && rng.chance(0.08) && k + 1 < zh_paras.len() {
            // two Chinese paragraphs translated as one
            let t2 = (zh_paras[k + 1].len() as f64 * ratio) as usize;
            en_paras.push(en_paragraph(rng, target + t2));
            k += 2;
            continue;
        }
        if target > 300 && rng.chance(0.08) {
            en_paras.push(en_paragraph(rng, target / 2));
            en_paras.push(en_paragraph(rng, target / 2));
        } else {
            en_paras.push(en_paragraph(rng, target.max(30)));
        }
        k += 1;
    }

    let mut s = String::with_capacity(size + 512);
    // --- English header
    let _ = writeln!(s, "Title: {title_en}");
    if rng.chance(0.02) {
        s.push('\n');
    }
    if picks.is_empty() {
        s.push_str(if rng.chance(0.5) { "Author:\n" } else { "Author: \n" });
    } else {
        let names: Vec<&str> = picks.iter().map(|&i| EN_NAMES[i]).collect();
        let _ = writeln!(s, "Author: {}", names.join(", "));
    }
    if rng.chance(0.01) {
        s.push('\n');
    }
    let _ = writeln!(s, "Date: {date}");
    let _ = writeln!(s, "{}: {page}", if edition { "Edition" } else { "Page" });
    if let Some((c, _)) = column {
        let _ = writeln!(s, "Column: {c}");
    }
    if !rng.chance(0.05) {
        s.push('\n');
    }
    // --- English body
    let indent = rng.pick(&[
        "    ",
        "    ",
        "    ",
        "    ",
        "\t",
        "\t",
        "\u{3000}\u{3000}",
        "",
        "  ",
        "   ",
        "      ",
    ]);
    let blank_between = rng.chance(0.4);
    let table = !caption && rng.chance(0.01);
    if !caption && rng.chance(0.01) {
        let _ = writeln!(s, "{indent}Editorial:");
    }
    if !caption && rng.chance(0.4) {
        let _ = writeln!(s, "{}{title_en}", if indent.is_empty() { "\u{3000}\u{3000}" } else { indent });
    }
    if rng.chance(0.002) {
        // one real file repeats the whole Chinese original before the translation
        for p in &zh_paras {
            let _ = writeln!(s, "{indent}{p}");
        }
    }
    for (k, p) in en_paras.iter().enumerate() {
        if k > 0 && blank_between {
            s.push('\n');
        }
        if k > 0 && rng.chance(0.02) {
            let _ = writeln!(s, "        {}", en_title(rng));
        }
        let _ = writeln!(s, "{indent}{p}");
    }
    if table {
        // tab-separated columns in English, runs of spaces in the Chinese below
        for k in 0..rng.range(2, 5) {
            let _ = writeln!(s, "{indent}Commune {k}\t{} tons\t{}%", rng.range(100, 9000), rng.range(1, 99));
        }
    }
    if !picks.is_empty() && rng.chance(0.3) {
        let names: Vec<&str> = picks.iter().map(|&i| EN_NAMES[i]).collect();
        let _ = writeln!(s, "{}({})", " ".repeat(rng.range(12, 44)), names.join(", "));
    }
    if old && rng.chance(0.3) {
        s.push_str("\n\n**Named Entities**\n\n\n");
        if rng.chance(0.2) {
            s.push_str("人物\tPeople\n");
        }
        for _ in 0..rng.range(1, 4) {
            let (t, g) = rng.pick(GLOSS);
            let sep = rng.pick(&["\t", "\t", "  ", "   ", "    "]);
            let _ = writeln!(s, "{t}{sep}{g}");
        }
    }
    for _ in 0..rng.range(1, 3) {
        s.push('\n');
    }
    // --- separator and Chinese header
    s.push_str("<hr /> \n\nOriginal: \n\n\n");
    let _ = write!(s, "### {title_zh}");
    if let Some(sub) = &subtitle {
        s.push_str(if rng.chance(0.5) { "  " } else { "\u{3000}" });
        s.push_str(sub);
    }
    s.push('\n');
    if picks.is_empty() {
        s.push('\n');
    } else {
        let sep = if rng.chance(0.5) { "  " } else { "\u{3000}" };
        let names: Vec<&str> = picks.iter().map(|&i| ZH_NAMES[i.min(ZH_NAMES.len() - 1)]).collect();
        let _ = writeln!(s, "{}", names.join(sep));
    }
    let _ = writeln!(s, "{date}");
    let _ = writeln!(
        s,
        "第{page}版({})",
        if edition && rng.chance(0.3) { "文化生活·体育" } else { rng.pick(SECTIONS) }
    );
    let _ = writeln!(s, "专栏：{}", column.map_or("", |c| c.1));
    s.push('\n');
    // --- Chinese body
    let zindent = rng.pick(&["    ", "    ", "    ", "\u{3000}\u{3000}", ""]);
    let glued = !caption && rng.chance(0.01);
    if glued {
        // the title glued onto the first body line
        s.push_str(zindent);
        s.push_str(&title_zh);
    } else if !caption && rng.chance(0.45) {
        let _ = writeln!(s, "{zindent}{title_zh}");
        if let Some(sub) = &subtitle {
            let _ = writeln!(s, "{zindent}{sub}");
        }
    }
    for (k, p) in zh_paras.iter().enumerate() {
        let zindent = if glued && k == 0 { "" } else { zindent };
        if p.len() > 240 && rng.chance(0.03) {
            // broken mid-sentence by OCR, the rest with another indent
            let cut = p.char_indices().nth(p.chars().count() / 2).map_or(0, |(i, _)| i);
            let _ = writeln!(s, "{zindent}{}\n  {}", &p[..cut], &p[cut..]);
        } else {
            let _ = writeln!(s, "{zindent}{p}");
        }
    }
    if table {
        for k in 0..rng.range(2, 5) {
            let _ = writeln!(
                s,
                "{zindent}第{}公社    {}吨    {}％",
                k + 1,
                fullwidth_number(rng.range(100, 9000)),
                rng.range(1, 99)
            );
        }
    }
    if !picks.is_empty() && rng.chance(0.3) {
        let names: Vec<&str> = picks.iter().map(|&i| ZH_NAMES[i.min(ZH_NAMES.len() - 1)]).collect();
        let _ = writeln!(s, "{}（{}）", " ".repeat(rng.range(12, 44)), names.join("、"));
    } else if rng.chance(0.1) {
        let _ = writeln!(s, "{}（据新华社讯）{}", "\u{3000}".repeat(rng.range(4, 12)), "\u{3000}".repeat(3));
    }

    let mut bytes = s.into_bytes();
    let damaged = rng.chance(damaged_rate);
    if damaged {
        bytes = damage(rng, bytes);
    }
    if title_zh.is_empty() {
        title_zh.push_str("无题");
    }
    // the folder's month can differ from the date (`rmrb/1989.06/1989-05-31_...`)
    let folder = if d >= 28 && rng.chance(0.02) {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        format!("{ny:04}.{nm:02}")
    } else {
        format!("{y:04}.{m:02}")
    };
    Gen { title_zh, folder, date, bytes, damaged }
}

/// The ways FORMAT.md says files get damaged.
fn damage(rng: &mut Rng, bytes: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&bytes).into_owned();
    match rng.below(9) {
        0 => text.replace('\n', "\r\n").into_bytes(),
        1 => format!("\u{feff}{text}").into_bytes(),
        2 => {
            // truncated anywhere, possibly mid-character
            let cut = rng.range(bytes.len() / 4, bytes.len().saturating_sub(1).max(1));
            bytes[..cut].to_vec()
        }
        3 => text.split("<hr /> ").next().unwrap_or("").to_string().into_bytes(),
        4 => text.replacen("Date: ", "Date: 19xx-", 1).into_bytes(),
        5 => {
            let mut lines: Vec<&str> = text.lines().collect();
            if let Some(p) = lines.iter().position(|l| l.starts_with("Page:") || l.starts_with("Edition:")) {
                lines[p] = "Page: A3";
            }
            (lines.join("\n") + "\n").into_bytes()
        }
        6 => text.replacen("\n\n", "\n\u{1b}[31m\u{7}\u{202e}\n", 1).into_bytes(),
        7 => {
            let mut b = bytes;
            let at = b.len() / 2;
            b.splice(at..at, [0xff, 0xfe, 0xc3]);
            b
        }
        _ => Vec::new(),
    }
}

/// Writes `count` articles under `dir/rmrb/`, and `dir/README.md`. Deterministic for
/// (`count`, `seed`, `damaged_rate`).
pub fn generate(dir: &Path, count: usize, seed: u64, damaged_rate: f64) -> io::Result<Stats> {
    let days = days();
    // article i goes on day i * days / count: contiguous runs of indices per day
    let mut runs: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for i in 0..count {
        let day = (i as u128 * days.len() as u128 / count.max(1) as u128) as usize;
        match runs.last_mut() {
            Some((d, r)) if *d == day => r.end = i + 1,
            _ => runs.push((day, i..i + 1)),
        }
    }
    std::fs::create_dir_all(dir.join("rmrb"))?;
    std::fs::write(
        dir.join("README.md"),
        "# Synthetic People's Daily corpus\n\nGenerated by diglot's `gen_corpus` example; not an article.\n",
    )?;
    let made: Vec<io::Result<Stats>> = runs
        .par_iter()
        .map(|(day, range)| {
            let mut st = Stats { min: usize::MAX, ..Stats::default() };
            let mut names = std::collections::HashSet::new();
            for i in range.clone() {
                let mut rng = Rng::new(seed, i as u64);
                let g = article(&mut rng, days[*day], damaged_rate);
                let folder: PathBuf = dir.join("rmrb").join(&g.folder);
                std::fs::create_dir_all(&folder)?;
                let base = format!("{}_{}", g.date, file_title(&g.title_zh));
                let mut name = format!("{base}.md");
                let mut k = 1;
                while !names.insert(name.clone()) {
                    k += 1;
                    name = format!("{base}_{k}.md");
                }
                std::fs::write(folder.join(&name), &g.bytes)?;
                st.files += 1;
                st.bytes += g.bytes.len() as u64;
                st.min = st.min.min(g.bytes.len());
                st.max = st.max.max(g.bytes.len());
                st.damaged += usize::from(g.damaged);
            }
            Ok(st)
        })
        .collect();
    let mut total = Stats { min: usize::MAX, ..Stats::default() };
    for st in made {
        let st = st?;
        total.files += st.files;
        total.bytes += st.bytes;
        total.min = total.min.min(st.min);
        total.max = total.max.max(st.max);
        total.damaged += st.damaged;
    }
    if total.files == 0 {
        total.min = 0;
    }
    Ok(total)
}

#[derive(clap::Parser)]
#[command(about = "Write a synthetic People's Daily corpus (deterministic for a seed)")]
struct Args {
    /// Output folder (the articles go under OUT/rmrb/).
    out: PathBuf,
    /// Number of articles.
    #[arg(long, default_value_t = 10_000)]
    count: usize,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of damaged files (CRLF, BOM, truncated, no Chinese part, bad header, ...).
    #[arg(long, default_value_t = 0.0002)]
    damaged: f64,
    /// Remove OUT/rmrb first if it exists.
    #[arg(long)]
    force: bool,
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    use clap::Parser as _;
    let args = Args::parse();
    let rmrb = args.out.join("rmrb");
    if rmrb.exists() {
        if !args.force {
            eprintln!("gen_corpus: {} exists (use --force to replace it)", rmrb.display());
            return std::process::ExitCode::from(2);
        }
        if let Err(e) = std::fs::remove_dir_all(&rmrb) {
            eprintln!("gen_corpus: cannot remove {}: {e}", rmrb.display());
            return std::process::ExitCode::from(2);
        }
    }
    let t = std::time::Instant::now();
    match generate(&args.out, args.count, args.seed, args.damaged) {
        Ok(st) => {
            println!(
                "{} articles, {} bytes (mean {} B, min {} B, max {} B), {} damaged, in {:.1} s",
                st.files,
                st.bytes,
                st.bytes / st.files.max(1) as u64,
                st.min,
                st.max,
                st.damaged,
                t.elapsed().as_secs_f64()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
