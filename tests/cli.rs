//! The `diglot` binary's subcommands, run on a temporary collection built from the invented
//! fixtures in tests/fixtures/ (plus a README, an empty file, a binary file and a `.git`
//! folder that must not be walked). Expected values are derived from the fixtures by hand.
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::ffi::OsStr;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;
use unicode_width::UnicodeWidthStr;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("fixtures/", $name)).as_slice()
    };
}

const STANDARD_TITLE: &str = "Strengthening Winter Irrigation: Qingfeng County Digs Ten Thousand Wells";

/// A temporary collection; `root` is the folder given to diglot.
struct Collection {
    tmp: TempDir,
    root: PathBuf,
}

impl Collection {
    fn new() -> Collection {
        let tmp = tempfile::Builder::new().prefix("diglot-cli-").tempdir().expect("temp dir");
        let root = tmp.path().join("collection");
        fs::create_dir_all(&root).unwrap();
        Collection { tmp, root }
    }

    fn add(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, bytes).unwrap();
        p
    }

    fn path(&self, rel: &str) -> String {
        self.root.join(rel).display().to_string()
    }

    /// Runs diglot in the temporary folder (never in the repository).
    fn run<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run_in(self.tmp.path(), args)
    }
}

fn run_in<I, S>(dir: &Path, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_diglot"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run diglot")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The standard collection: 11 articles (3 with errors, 2 with a warning), 3 files that are not
/// articles, and a `.git` folder holding an article and a non-article that must be ignored.
fn collection() -> Collection {
    let c = Collection::new();
    c.add("a/standard.md", fixture!("standard.md"));
    c.add("a/edition_header.md", fixture!("edition_header.md"));
    // same date and page as a/standard.md, a title that sorts first, a path that sorts last
    let again = std::str::from_utf8(fixture!("standard.md")).unwrap().replacen(
        &format!("Title: {STANDARD_TITLE}"),
        "Title: Another Irrigation Report",
        1,
    );
    c.add("b/standard_again.md", again.as_bytes());
    c.add("b/section_nested.md", fixture!("section_nested.md"));
    c.add("b/section_fukan.md", fixture!("section_fukan.md"));
    c.add("b/paragraphs_single_newline.md", fixture!("paragraphs_single_newline.md"));
    c.add("control_chars.md", fixture!("control_chars.md"));
    c.add("crlf.md", fixture!("crlf.md"));
    c.add("missing_date.md", fixture!("missing_date.md"));
    c.add("malformed_date.md", fixture!("malformed_date.md"));
    c.add("page_not_number.md", fixture!("page_not_number.md"));
    c.add("README.md", b"# My collection\n\nArticles from the People's Daily, one per file.\n");
    c.add("empty.md", fixture!("empty.md"));
    c.add("image.png", fixture!("binary.png"));
    // if .git were walked: one more article (dated first, with an error) and one more skipped
    let hidden =
        std::str::from_utf8(fixture!("missing_date.md")).unwrap().replace("1955-01-03", "1900-01-01");
    c.add(".git/article.md", hidden.as_bytes());
    c.add(".git/HEAD", b"ref: refs/heads/main\n");
    c
}

/// (path, date, page, English title, Chinese title with subtitle), in the expected list order.
const LIST: [(&str, &str, &str, &str, &str); 11] = [
    ("a/edition_header.md", "1946-05-15", "2", "Thoughts on the Spring Market", "春市杂感"),
    ("page_not_number.md", "1951-02-01", "4", "Spring Ploughing Begins", "春耕开始"),
    ("missing_date.md", "1955-01-03", "3", "Wooden Plough", "木犁"),
    ("control_chars.md", "1958-08-01", "2", "Red Flag Over the Factory", "工厂上空\u{241b}[5m飘红旗"),
    ("a/standard.md", "1960-11-20", "4", STANDARD_TITLE, "加强冬季灌溉 清丰县打井一万眼"),
    ("b/standard_again.md", "1960-11-20", "4", "Another Irrigation Report", "加强冬季灌溉 清丰县打井一万眼"),
    ("crlf.md", "1966-01-05", "6", "New Year Poem", "新年词"),
    ("b/paragraphs_single_newline.md", "1989-05-31", "4", "Sports News", "体育简讯"),
    ("b/section_nested.md", "1989-05-31", "7", "A Former First Lady Complains", "前第一夫人诉苦"),
    ("b/section_fukan.md", "1989-05-31", "8", "Soul", "魂"),
    ("malformed_date.md", "????-??-??", "6", "Electric Motor Made of Wood", "木制电动机"),
];

fn assert_no_control(what: &str, bytes: &[u8]) {
    let s = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = s.chars().filter(|&c| c.is_control() && c != '\n').collect();
    assert!(bad.is_empty(), "{what}: control characters {bad:?} in output:\n{s}");
}

// --- check --------------------------------------------------------------------------------

#[test]
fn check_reports_diagnostics_counts_and_exit_status() {
    let c = collection();
    let out = c.run([OsStr::new("check"), c.root.as_os_str()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "errors were found\n{text}\n{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last().copied(), Some("11 articles, 2 warnings, 3 errors, 3 skipped"), "{text}");
    // sorted by path, then line
    let expected = [
        ("control_chars.md", 6..=6, "warning", "control"),
        ("crlf.md", 1..=1, "warning", "CRLF"),
        ("malformed_date.md", 3..=3, "error", "date"),
        ("missing_date.md", 3..=4, "error", "Date"),
        ("page_not_number.md", 4..=4, "error", "page"),
    ];
    assert_eq!(lines.len(), expected.len() + 1, "{text}");
    for (line, (rel, at, sev, word)) in lines.iter().zip(expected) {
        let rest = line
            .strip_prefix(&format!("{}:", c.path(rel)))
            .unwrap_or_else(|| panic!("{line:?} does not start with {rel}:"));
        let (n, rest) = rest.split_once(": ").unwrap_or_else(|| panic!("{line:?}"));
        let n: usize = n.parse().unwrap_or_else(|_| panic!("line number in {line:?}"));
        assert!(at.contains(&n), "{line:?}: line {n} not in {at:?}");
        let (s, msg) = rest.split_once(": ").unwrap_or_else(|| panic!("{line:?}"));
        assert_eq!(s, sev, "{line:?}");
        assert!(msg.contains(word), "{line:?} lacks {word:?}");
    }
    assert!(!text.contains(".git"), "{text}");
    assert_no_control("check", &out.stdout);
}

#[test]
fn check_verbose_lists_skipped_files_but_not_dot_git() {
    let c = collection();
    let out = c.run([OsStr::new("check"), OsStr::new("-v"), c.root.as_os_str()]);
    let text = stdout(&out);
    let skipped: Vec<&str> = text.lines().filter(|l| l.contains(": skipped: ")).collect();
    assert_eq!(skipped.len(), 3, "{text}");
    for rel in ["README.md", "empty.md", "image.png"] {
        let prefix = format!("{}: skipped: ", c.path(rel));
        assert!(skipped.iter().any(|l| l.starts_with(&prefix)), "{rel} not listed as skipped:\n{text}");
    }
    assert!(!text.contains(".git"), "{text}");
    assert_eq!(text.lines().last(), Some("11 articles, 2 warnings, 3 errors, 3 skipped"));
}

#[test]
fn check_exit_status_is_0_without_errors() {
    let c = Collection::new();
    c.add("standard.md", fixture!("standard.md"));
    c.add("README.md", b"# notes\n");
    let out = c.run([OsStr::new("check"), c.root.as_os_str()]);
    assert_eq!(stdout(&out), "1 article, 0 warnings, 0 errors, 1 skipped\n");
    assert_eq!(out.status.code(), Some(0));

    // warnings alone do not fail
    c.add("control_chars.md", fixture!("control_chars.md"));
    let out = c.run([OsStr::new("check"), c.root.as_os_str()]);
    let text = stdout(&out);
    assert_eq!(text.lines().last(), Some("2 articles, 1 warning, 0 errors, 1 skipped"), "{text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
}

#[test]
fn check_single_files_and_unreadable_paths() {
    let c = collection();
    let out = c.run(["check", &c.path("missing_date.md"), &c.path("a/standard.md")]);
    let text = stdout(&out);
    assert_eq!(text.lines().last(), Some("2 articles, 0 warnings, 1 error, 0 skipped"), "{text}");
    assert_eq!(out.status.code(), Some(1));

    let gone = c.path("no/such/folder");
    let out = c.run(["check", &gone]);
    let text = stdout(&out);
    assert_eq!(text.lines().last(), Some("0 articles, 0 warnings, 1 error, 0 skipped"), "{text}");
    assert!(text.lines().next().unwrap().starts_with(&format!("{gone}:")), "{text}");
    assert_eq!(out.status.code(), Some(1));
}

// --- list ---------------------------------------------------------------------------------

#[test]
fn list_is_sorted_by_date_page_path() {
    let c = collection();
    let out = c.run([OsStr::new("list"), c.root.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let expected: Vec<String> = LIST
        .iter()
        .map(|(rel, date, page, en, zh)| format!("{date}\t{page}\t{en}\t{zh}\t{}", c.path(rel)))
        .collect();
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
    assert_no_control("list", text.replace('\t', " ").as_bytes());
}

#[test]
fn list_json_has_the_metadata() {
    let c = collection();
    let out = c.run([OsStr::new("list"), OsStr::new("--json"), c.root.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!out.stdout.contains(&0x1b), "raw ESC in the JSON");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let arr = v.as_array().expect("an array");
    assert_eq!(arr.len(), LIST.len());
    for (o, (rel, date, page, en, _)) in arr.iter().zip(LIST) {
        for key in ["path", "date", "page", "section", "title_en", "title_zh", "authors_en", "authors_zh"] {
            assert!(o.get(key).is_some(), "{rel}: no {key} in {o}");
        }
        assert_eq!(o["path"], c.path(rel));
        assert_eq!(o["title_en"], en);
        if date.starts_with('?') {
            assert!(o["date"].is_null(), "{o}");
        } else {
            assert_eq!(o["date"], date);
        }
        assert_eq!(o["page"], page.parse::<u64>().unwrap());
    }
    let by_path = |rel: &str| arr.iter().find(|o| o["path"] == c.path(rel)).unwrap();
    let nested = by_path("b/section_nested.md");
    assert_eq!(nested["section"], "国际专页（政治）");
    assert_eq!(nested["authors_en"], serde_json::json!(["Chen Feng"]));
    assert_eq!(nested["authors_zh"], serde_json::json!(["陈封"]));
    assert_eq!(nested["title_zh"], "前第一夫人诉苦");
    assert_eq!(by_path("b/paragraphs_single_newline.md")["section"], "文化生活·体育");
    assert_eq!(by_path("b/section_fukan.md")["section"], "副刊");
    let standard = by_path("a/standard.md");
    assert_eq!(standard["title_zh"], "加强冬季灌溉");
    assert_eq!(standard["authors_en"], serde_json::json!([]));
    assert_eq!(standard["section"], "");
    // the JSON keeps the text as it is (escaped by JSON, so harmless)
    assert_eq!(by_path("control_chars.md")["title_zh"], "工厂上空\u{1b}[5m飘红旗");
}

#[test]
fn list_without_paths_lists_the_embedded_seed() {
    let dir = tempfile::Builder::new().prefix("diglot-empty-").tempdir().unwrap();
    let out = run_in(dir.path(), ["list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    let f: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(f.len(), 5, "{text}");
    assert_eq!((f[0], f[1]), ("1960-11-13", "4"));
    assert!(f[2].starts_with("Strengthening Collective Leadership, Implementing Policies"), "{text}");
    assert_eq!(f[3], "加强集体领导贯彻政策推动生产 湘乡县在农村公社作业组普遍建立核心小组");
    assert!(f[4].ends_with("000_018d1662e44ecd81.txt"), "{text}");

    let out = run_in(dir.path(), ["check"]);
    assert_eq!(stdout(&out), "1 article, 0 warnings, 0 errors, 0 skipped\n");
    assert_eq!(out.status.code(), Some(0));

    let out = run_in(dir.path(), ["show", "1", "--lang", "en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Xiangxiang County"));
}

#[cfg(unix)]
#[test]
fn file_names_with_escape_sequences_are_sanitized() {
    use std::os::unix::ffi::OsStrExt;
    let c = Collection::new();
    let name = OsStr::from_bytes(b"evil\x1b]0;owned\x07\x1b[2J.md");
    fs::write(c.root.join(name), fixture!("missing_date.md")).unwrap();
    for cmd in [&["list"][..], &["check"][..], &["list", "--json"][..]] {
        let mut args: Vec<&OsStr> = cmd.iter().map(OsStr::new).collect();
        args.push(c.root.as_os_str());
        let out = c.run(&args);
        assert!(!out.stdout.is_empty(), "{cmd:?}");
        assert!(!out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07), "{cmd:?}: raw ESC/BEL");
    }
}

// --- show ---------------------------------------------------------------------------------

#[test]
fn show_by_position_and_by_path_agree() {
    let c = collection();
    for (pos, rel) in [
        (1, "a/edition_header.md"),
        (6, "b/standard_again.md"),
        (9, "b/section_nested.md"),
        (11, "malformed_date.md"),
    ] {
        for lang in ["en", "zh", "both", "interleaved"] {
            let by_pos = c.run([
                OsStr::new("show"),
                OsStr::new(&pos.to_string()),
                c.root.as_os_str(),
                OsStr::new("--lang"),
                OsStr::new(lang),
            ]);
            let by_path = c.run(["show", &c.path(rel), "--lang", lang]);
            assert!(by_pos.status.success() && by_path.status.success(), "{rel}: {}", stderr(&by_pos));
            assert!(!by_pos.stdout.is_empty());
            assert_eq!(stdout(&by_pos), stdout(&by_path), "show {pos} vs {rel} ({lang})");
        }
    }
    // the right article: position 9 is the one in section 国际专页（政治）
    let out = c.run([
        OsStr::new("show"),
        OsStr::new("9"),
        c.root.as_os_str(),
        OsStr::new("--lang"),
        OsStr::new("zh"),
    ]);
    assert!(stdout(&out).contains("前第一夫人诉苦"));
}

#[test]
fn show_position_out_of_range_and_missing_file_fail_cleanly() {
    let c = collection();
    let out = c.run([OsStr::new("show"), OsStr::new("12"), c.root.as_os_str()]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("12"), "{}", stderr(&out));

    let out = c.run(["show", &c.path("nowhere.md")]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(!out.stderr.is_empty());
}

#[test]
fn show_lang_selects_the_language() {
    let c = collection();
    let path = c.path("a/standard.md");
    let en = stdout(&c.run(["show", &path, "--lang", "en", "--width", "120"]));
    for p in [
        "Strengthening Winter Irrigation",
        "Qingfeng County Digs Ten Thousand Wells",
        "(Our Dispatch) Qingfeng County, Henan Province, has dug more than ten thousand wells this winter.",
        "The commune members worked day and night; the new wells will water forty thousand mu of wheat.",
    ] {
        assert!(en.lines().any(|l| l.trim() == p), "English paragraph {p:?} missing:\n{en}");
    }
    assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "Chinese in --lang en:\n{en}");

    let zh = stdout(&c.run(["show", &path, "--lang", "zh", "--width", "120"]));
    for p in [
        "加强冬季灌溉",
        "清丰县打井一万眼",
        "本报讯\u{3000}河南省清丰县今冬已打井一万多眼。",
        "社员们日夜苦战，新井将灌溉小麦四万亩。",
    ] {
        assert!(zh.lines().any(|l| l.trim() == p), "Chinese paragraph {p:?} missing:\n{zh}");
    }
    assert!(!zh.contains("Qingfeng") && !zh.contains("commune"), "English in --lang zh:\n{zh}");

    let both = stdout(&c.run(["show", &path, "--lang", "both", "--width", "120"]));
    assert!(
        both.lines().any(|l| l.contains("Strengthening Winter Irrigation") && l.contains("加强冬季灌溉")),
        "titles side by side:\n{both}"
    );
    assert!(both.contains("Thousand Wells") && both.contains("社员们日夜苦战"), "{both}");
}

#[test]
fn show_respects_the_width() {
    let c = collection();
    let extra = c.add("extra/byline_right.md", fixture!("byline_right.md"));
    let glossary = c.add("extra/glossary_tab.md", fixture!("glossary_tab.md"));
    let files = [
        c.root.join("a/standard.md"),
        c.root.join("b/section_nested.md"),
        c.root.join("control_chars.md"),
        c.root.join("crlf.md"),
        extra,
        glossary,
    ];
    for f in &files {
        for lang in ["en", "zh", "both", "interleaved"] {
            // (from 2: a Chinese character's width; 1 is a usage error)
            for width in [2usize, 3, 7, 10, 20, 43, 44, 45, 61, 80, 100] {
                let out = c.run([
                    OsStr::new("show"),
                    f.as_os_str(),
                    OsStr::new("--lang"),
                    OsStr::new(lang),
                    OsStr::new("--width"),
                    OsStr::new(&width.to_string()),
                ]);
                assert!(out.status.success(), "{}", stderr(&out));
                let text = stdout(&out);
                assert!(!text.trim().is_empty(), "{} {lang} {width}: no output", f.display());
                for line in text.lines() {
                    assert!(
                        line.width() <= width,
                        "{} --lang {lang} --width {width}: {} columns: {line:?}",
                        f.display(),
                        line.width()
                    );
                }
            }
        }
    }
}

#[test]
fn show_never_prints_control_characters() {
    let c = collection();
    let path = c.path("control_chars.md");
    for lang in ["en", "zh", "both", "interleaved"] {
        for width in ["30", "100"] {
            let out = c.run(["show", &path, "--lang", lang, "--width", width]);
            assert!(out.status.success(), "{}", stderr(&out));
            assert!(!out.stdout.contains(&0x1b), "ESC in show --lang {lang}");
            assert_no_control(&format!("show --lang {lang} --width {width}"), &out.stdout);
            // the text around the sequences is still shown
            let text = stdout(&out);
            if lang != "zh" {
                assert!(text.contains("flag over"), "{text}");
            }
            if lang != "en" {
                assert!(text.contains("钟声在正午响起"), "{text}");
            }
        }
    }
}

// --- align --------------------------------------------------------------------------------

fn bead_texts(v: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    let beads = v["beads"].as_array().expect("beads array");
    let (mut en, mut zh) = (Vec::new(), Vec::new());
    for b in beads {
        let e = b["en"].as_array().expect("en array");
        let z = b["zh"].as_array().expect("zh array");
        assert!(!(e.is_empty() && z.is_empty()), "empty bead in {v}");
        en.extend(e.iter().map(|s| s.as_str().expect("string").to_string()));
        zh.extend(z.iter().map(|s| s.as_str().expect("string").to_string()));
    }
    (en, zh)
}

/// A fixture's name and bytes, with its English and Chinese paragraphs.
type AlignCase = (&'static str, &'static [u8], &'static [&'static str], &'static [&'static str]);

#[test]
fn align_json_covers_every_paragraph_once_in_order() {
    let c = Collection::new();
    let cases: [AlignCase; 4] = [
        (
            "standard.md",
            fixture!("standard.md"),
            &[
                "Strengthening Winter Irrigation",
                "Qingfeng County Digs Ten Thousand Wells",
                "(Our Dispatch) Qingfeng County, Henan Province, has dug more than ten thousand wells this winter.",
                "The commune members worked day and night; the new wells will water forty thousand mu of wheat.",
            ],
            &["加强冬季灌溉", "清丰县打井一万眼", "本报讯\u{3000}河南省清丰县今冬已打井一万多眼。", "社员们日夜苦战，新井将灌溉小麦四万亩。"],
        ),
        (
            "section_fukan.md",
            fixture!("section_fukan.md"),
            &["Soul", "Ma Guangfu", "Old people say that everyone has a soul."],
            &["魂", "马光复", "老人们说，人是有魂的。"],
        ),
        (
            "glossary_tab.md",
            fixture!("glossary_tab.md"),
            &[
                "On January 1, Premier Zhou Enlai met the youth delegation from Japan.",
                "Xinhua News Agency reporter Liu Qingrui photo",
            ],
            &["一月一日，周恩来总理接见了日本青年代表团。", "新华社记者\u{3000}刘庆瑞摄"],
        ),
        (
            "no_original_part.md",
            fixture!("no_original_part.md"),
            &["Order of the Chairman", "The regulations for police stations are hereby promulgated."],
            &[],
        ),
    ];
    for (name, bytes, en, zh) in cases {
        let p = c.add(name, bytes);
        let out = c.run([OsStr::new("align"), p.as_os_str(), OsStr::new("--json")]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        let (got_en, got_zh) = bead_texts(&v);
        assert_eq!(got_en, en, "{name}: English paragraphs in the beads");
        assert_eq!(got_zh, zh, "{name}: Chinese paragraphs in the beads");
    }
}

#[test]
fn align_by_position() {
    let c = collection();
    let out = c.run([OsStr::new("align"), OsStr::new("10"), c.root.as_os_str(), OsStr::new("--json")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (en, zh) = bead_texts(&v);
    assert_eq!(en, ["Soul", "Ma Guangfu", "Old people say that everyone has a soul."]);
    assert_eq!(zh, ["魂", "马光复", "老人们说，人是有魂的。"]);
}

// --- the rest -----------------------------------------------------------------------------

#[test]
fn version_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), ["--version"]);
    assert!(out.status.success());
    let version = stdout(&out);
    assert_eq!(version.lines().next(), Some(concat!("diglot ", env!("CARGO_PKG_VERSION"))));
    assert!(version.contains("CC-CEDICT") && version.contains("CC BY-SA 4.0"), "{version}");

    let out = run_in(dir.path(), ["--help"]);
    assert!(out.status.success());
    let help = stdout(&out);
    assert!(help.contains("Usage:"), "{help}");
    for sub in ["check", "list", "show", "align", "define", "words"] {
        assert!(help.lines().any(|l| l.trim_start().starts_with(sub)), "{sub} missing from --help:\n{help}");
    }

    let out = run_in(dir.path(), ["show", "--help"]);
    assert!(out.status.success());
    let help = stdout(&out);
    for word in ["--lang", "--width", "interleaved"] {
        assert!(help.contains(word), "{word} missing from show --help:\n{help}");
    }

    let out = run_in(dir.path(), ["list", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// Runs diglot ARGS DIR with stdout piped, reads the first line, closes stdout (like
/// `| head -1`) and returns that line with the finished process's output.
fn first_line_then_close(c: &Collection, args: &[&str], dir: &Path) -> (String, Output) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_diglot"))
        .args(args)
        .arg(dir)
        .current_dir(c.tmp.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    {
        let mut r = BufReader::new(child.stdout.take().unwrap());
        r.read_line(&mut first).unwrap();
    } // stdout closed here
    (first, child.wait_with_output().unwrap())
}

/// A folder of 3000 copies of one article: ~100 bytes of `list` each, far more than a pipe holds.
fn many() -> Collection {
    let c = Collection::new();
    for i in 0..3000 {
        c.add(&format!("many/art_{i:04}.md"), fixture!("authors_u3000.md"));
    }
    c
}

#[test]
fn closed_stdout_is_not_an_error() {
    let c = many();
    let (first, out) = first_line_then_close(&c, &["list"], &c.root.join("many"));
    assert!(first.starts_with("1958-08-02\t8\tCartoon\t漫画\t"), "{first:?}");
    assert!(out.stderr.is_empty(), "stderr: {}", stderr(&out));
    assert!(out.status.success(), "{:?}", out.status);
}

#[test]

fn closed_stdout_is_not_an_error_for_json() {
    let c = many();
    let (first, out) = first_line_then_close(&c, &["list", "--json"], &c.root.join("many"));
    assert_eq!(first.trim(), "[");
    assert!(out.stderr.is_empty(), "stderr: {}", stderr(&out));
    assert!(out.status.success(), "{:?}", out.status);
}

// --- faults (issue 12) ----------------------------------------------------------------------

/// Runs diglot in the collection's folder with the XDG folders and HOME inside it, stdout to
/// `stdout`, giving up (and failing) after 20 s: nothing may block.
fn run_to(c: &Collection, args: &[&OsStr], stdout: Stdio) -> Output {
    let home = c.tmp.path().join("home");
    let mut child = Command::new(env!("CARGO_BIN_EXE_diglot"))
        .args(args)
        .current_dir(c.tmp.path())
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("run diglot");
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("diglot {args:?} did not finish");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn os(args: &[&str]) -> Vec<&'static OsStr> {
    args.iter().map(|a| OsStr::new(Box::leak(a.to_string().into_boxed_str()))).collect()
}

/// Item 8: output that cannot be written (a full disk) is an error, exit 2 with a message,
/// never a panic and never a success.
#[cfg(target_os = "linux")]
#[test]
fn output_to_a_full_disk_exits_2_with_a_message() {
    let c = collection();
    let root = c.root.display().to_string();
    for args in [
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "powershell"],
        vec!["--help"],
        vec!["--version"],
        vec!["--print-default-config"],
        vec!["man"],
        vec!["list", &root],
        vec!["list", "--json", &root],
    ] {
        let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let out = run_to(&c, &os(&args), Stdio::from(full));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("cannot write") && err.contains("No space"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// Item 7: a config that is not a regular file or is too large is refused before it is read.
#[cfg(unix)]
#[test]
fn config_that_is_not_a_regular_file_or_too_large_is_refused() {
    let c = Collection::new();
    let fifo = c.tmp.path().join("fifo.toml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let big = c.tmp.path().join("big.toml");
    fs::write(&big, format!("# {}\n", "x".repeat(2 << 20))).unwrap();
    for (config, want) in [
        ("/dev/zero", "not a regular file"),
        (fifo.to_str().unwrap(), "not a regular file"),
        (c.tmp.path().to_str().unwrap(), "not a regular file"),
        (big.to_str().unwrap(), "larger than 1 MiB"),
    ] {
        let out = run_to(&c, &os(&["--config", config]), Stdio::piped());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{config}: {err}");
        assert!(err.contains(want) && err.contains(config), "{config}: {err}");
    }
}

/// Item 17: `show` says what is wrong with what it was given.
#[cfg(unix)]
#[test]
fn show_names_what_is_not_an_article_file() {
    let c = collection();
    let fifo = c.root.join("fifo.md");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let folder = c.root.join("a");
    for (what, want) in [
        (folder.to_str().unwrap(), "not a regular file"),
        (fifo.to_str().unwrap(), "not a regular file"),
        ("/dev/zero", "not a regular file"),
    ] {
        let out = run_to(&c, &os(&["show", what]), Stdio::piped());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert!(err.contains(want) && err.contains(what), "{what}: {err}");
        assert!(!err.contains("no such"), "{what}: {err}");
    }
    let readme = c.path("README.md");
    let out = run_to(&c, &os(&["show", &readme]), Stdio::piped());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is not an article") && err.contains("README.md"), "{err}");
    assert!(!err.contains("no longer"), "{err}");
}

/// Item 17: the same folder twice, typed two ways, or a folder and one inside it: each
/// article listed once.
#[test]
fn overlapping_paths_list_each_article_once() {
    let c = collection();
    let once = run_to(&c, &os(&["list", &c.path("")]), Stdio::piped());
    assert!(once.status.success());
    let once = stdout(&once);
    assert_eq!(once.lines().count(), LIST.len());
    let dotted = format!("{}/a/../b/..", c.root.display());
    for args in [
        vec!["list".to_string(), c.path(""), c.path("")],
        vec!["list".to_string(), c.path(""), dotted],
        vec!["list".to_string(), c.path("b"), c.path("")],
        vec!["list".to_string(), c.path(""), c.path("a"), c.path("a/standard.md")],
    ] {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_to(&c, &os(&a), Stdio::piped());
        assert!(out.status.success(), "{args:?}");
        assert_eq!(stdout(&out).lines().count(), LIST.len(), "{args:?}:\n{}", stdout(&out));
    }
}

/// Item 14: a file name that is not UTF-8 gives valid JSON everywhere, the path written
/// lossily and flagged.
#[cfg(target_os = "linux")]
#[test]
fn json_output_is_valid_for_file_names_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let c = Collection::new();
    let name = OsStr::from_bytes(b"bad\xff\xfename.md");
    fs::write(c.root.join(name), fixture!("standard.md")).unwrap();
    let root = c.path("");
    let checks: Vec<(Vec<&OsStr>, bool)> = vec![
        (os(&["list", "--json", &root]), true),
        (os(&["search", "--json", "Irrigation", &root]), true),
        (os(&["search", "--scan", "--json", "Qingfeng", &root]), true),
        (os(&["search", "--full-text", "--json", "Qingfeng", &root]), true),
        // ARTICLE is text: the file by its position in the list
        (os(&["show", "--format", "json", "1", &root]), false),
    ];
    for (args, array) in checks {
        let out = run_to(&c, &args, Stdio::piped());
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
        let item = if array { v.as_array().unwrap().first().cloned().unwrap() } else { v };
        let meta = if item.get("path").is_some() { item } else { item["meta"].clone() };
        assert_eq!(meta["path_lossy"], true, "{args:?}: {meta}");
        assert!(meta["path"].as_str().unwrap().ends_with("bad\u{fffd}\u{fffd}name.md"), "{meta}");
    }
    // a good name has no flag
    let good = c.add("good.md", fixture!("standard.md"));
    let out = run_to(&c, &os(&["list", "--json", good.to_str().unwrap()]), Stdio::piped());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v[0].get("path_lossy").is_none(), "{v}");
}

/// `diglot search --scan` is the reader's full-text search before the index is ready: the
/// article text, never the markup every file has, with clean snippets and the field found in.
#[test]
fn full_text_search_matches_text_not_markup() {
    let c = Collection::new();
    let article = |title: &str, zh: &str, body: &str| {
        format!(
            "Title: {title}\nAuthor: Li Ming\nDate: 1955-01-03\nPage: 4\n\n    {body}\n\n<hr /> \n\nOriginal: \n\n### {zh}\n李明\n1955-01-03\n第4版()\n专栏：\n\n    {zh}正文。\n"
        )
    };
    c.add("a.md", article("Railway Bridge", "铁路桥", "The *new* bridge is long.").as_bytes());
    c.add("b.md", article("Water Wheel", "水车", "A wheel saves labour.").as_bytes());
    let root = c.root.display().to_string();
    for markup in ["Original", "hr /", "专栏", "第4版", "Title:"] {
        let o = c.run(["search", "--scan", markup, &root]);
        assert!(o.status.success());
        assert_eq!(stdout(&o), "", "{markup} matched the markup");
    }
    let o = c.run(["search", "--scan", "--json", "铁路桥", &root]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let hits = v.as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["snippet"], "铁路桥");
    assert_eq!(hits[0]["field"], "title");
    // emphasis markers are not text: the phrase is found as the reader shows it
    let o = c.run(["search", "--scan", "the new bridge", &root]);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.trim_end().ends_with("The new bridge is long."), "{out}");
}

/// `show --width 0` wrapped at one column (as 1 did), `-n 0` printed nothing with status 0,
/// and `kwic --width` near `usize::MAX` crashed (capacity overflow): the command line's
/// numbers are checked in one place, a number out of its range a usage error (status 2, the
/// reason on one line, nothing on stdout); the bounds themselves are taken.
#[test]
fn numbers_out_of_range_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().to_str().unwrap().to_string();
    let env = |c: &mut Command| {
        c.env("HOME", &home).env("XDG_CACHE_HOME", format!("{home}/cache"));
    };
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_diglot"));
        env(&mut c);
        c.args(args).current_dir(tmp.path()).stdin(Stdio::null()).output().expect("run diglot")
    };
    for (args, why) in [
        (&["show", "1", "--width", "0"][..], "at least 2"),
        (&["show", "1", "--width", "1", "--lang", "zh"], "a Chinese character takes two columns"),
        (&["show", "1", "--width", "65536"], "at most 65535"),
        (&["show", "1", "--width=-3"], "not a whole number"),
        (&["show", "1", "--width", "wide"], "not a whole number"),
        (&["search", "collective", "-n", "0"], "at least 1"),
        (&["search", "--scan", "collective", "--limit", "0"], "at least 1"),
        (&["search", "--full-text", "人民", "-n", "0"], "at least 1"),
        (&["kwic", "人民", "-n", "0"], "at least 1"),
        (&["kwic", "人民", "--width", "18446744073709551615"], "at most 1000"),
        (&["kwic", "人民", "--width", "1001"], "at most 1000"),
    ] {
        let o = run(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
        assert!(err.contains(why), "{args:?}: {err}");
        assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "{args:?}: {err}");
    }
    // at its narrowest `show --lang zh` keeps every character (at 1 it printed none)
    let narrow = stdout(&run(&["show", "1", "--width", "2", "--lang", "zh"]));
    let wide = stdout(&run(&["show", "1", "--lang", "zh"]));
    let han = |s: &str| s.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
    assert!(han(&wide) > 100 && han(&narrow) == han(&wide), "{} of {}", han(&narrow), han(&wide));
    // the bounds are taken
    for args in [
        &["show", "1", "--width", "2", "--lang", "zh"][..],
        &["show", "1", "--width", "65535", "--lang", "en"],
        &["search", "collective", "-n", "1"],
        &["kwic", "人民", "--width", "0", "-n", "1"],
        &["kwic", "人民", "--width", "1000", "-n", "1"],
    ] {
        let o = run(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(!o.stdout.is_empty(), "{args:?}");
    }
    // an ARTICLE position of 0 says where positions start (it said "the list has 1")
    for cmd in ["show", "align"] {
        let o = run(&[cmd, "0"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {o:?}");
        assert!(stderr(&o).contains("positions count from 1"), "{cmd}: {}", stderr(&o));
    }
    // `kwic --width 0`: the hits alone, no context around them
    let o = run(&["kwic", "人民", "--width", "0", "-n", "1"]);
    let line = stdout(&o);
    assert!(line.contains("   人民   "), "{line}");
}

/// A PATH that is not there (a typo): `list` and `search` printed nothing with status 0,
/// `freq`, `kwic` and `index` said "a path does not exist" without naming it, `show 1` said
/// "the list has 0", the reader opened an empty list. Now each names it, status 2, nothing on
/// stdout, nothing run; `check` reports it among its diagnostics, as before.
#[test]
fn a_path_that_is_not_there_is_named_and_nothing_runs() {
    let c = collection();
    let missing = c.root.join("rmrb-typo");
    let m = missing.to_str().unwrap();
    let real = c.root.to_str().unwrap();
    for args in [
        &["list", m][..],
        &["list", "--json", real, m],
        &["search", "collective", m],
        &["search", "--scan", "collective", m],
        &["search", "--full-text", "公社", m],
        &["search", "--query", "公社", m],
        &["freq", "公社", m],
        &["kwic", "公社", m],
        &["index", m],
        &["show", "1", m],
        &["align", "1", m],
        &["define", "--article", "1", m],
        &[m],
    ] {
        let o = c.run(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
        assert!(err.contains(&format!("{m}: no such file or folder")), "{args:?}: {err}");
    }
    #[cfg(unix)]
    {
        let link = c.root.join("gone.md");
        std::os::unix::fs::symlink(c.root.join("nowhere.md"), &link).unwrap();
        let o = c.run(["list", link.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("gone.md: a broken link"), "{}", stderr(&o));
    }
    let o = c.run(["check", m]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("cannot read"), "{}", stdout(&o));
}

/// An empty PATH (`diglot list "$DIR"` with DIR unset) was refused with clap's "a value is
/// required for '[PATHS]...' but none was supplied": a value was supplied, empty. Now the
/// usage error says so (status 2), for every command that takes PATHs and the reader.
#[test]
fn an_empty_path_is_a_usage_error_that_says_so() {
    let c = collection();
    for args in [
        &["list", ""][..],
        &["check", ""],
        &["search", "x", ""],
        &["show", "1", ""],
        &["index", ""],
        &["kwic", "公社", ""],
        &["freq", "公社", ""],
        &["align", "1", ""],
        &[""],
    ] {
        let o = c.run(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("an empty PATH"), "{args:?}: {err}");
        assert!(!err.contains("none was supplied"), "{args:?}: {err}");
    }
}
