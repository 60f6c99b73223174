//! The bad-input suite: a collection of damaged files and things that are not articles,
//! generated into a temporary folder. Each file that sets out to be an article gets a
//! diagnostic naming the file, the line and the problem; the rest (empty, binary, a README, a
//! FIFO) is skipped and counted; hidden folders are not walked; nothing blocks; the rest loads
//! and the reader opens it. Also: the parser's property tests, and regression inputs (where
//! the fuzzer's minimised crashers go; see `fuzz/README.md`).
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use diglot::app::{App, Msg};
use diglot::corpus::{self, looks_like_article, parse_bytes, Article, Parsed, Severity};
use diglot::layout::{self, View};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A good article; the damaged ones are made from it. Line numbers: 1 Title, 2 Author,
/// 3 Date, 4 Page, 6 the English paragraph, 8 `<hr />`, 10 `Original:`, 12 `###`.
fn article(title: &str, date: &str) -> String {
    format!(
        "Title: {title}\nAuthor: Li Ming\nDate: {date}\nPage: 3\n\n    An English paragraph about the harvest.\n\n<hr /> \n\nOriginal: \n\n### 中文标题\n李明\n{date}\n第3版()\n专栏：\n\n　　一段关于收成的中文。\n"
    )
}

/// What `diglot check` must say about a file.
#[derive(Debug, Clone)]
enum Expect {
    /// An article with a diagnostic: line, severity, and a piece of the message.
    Diag(usize, Severity, &'static str),
    /// An article without diagnostics.
    Clean,
    /// Not an article: skipped, with a piece of the reason.
    Skipped(&'static str),
    /// Reported as a problem of the whole file (line 0), with a piece of the message.
    Unreadable(&'static str),
}

/// A 50 MB article: many English and Chinese paragraphs.
fn big_article() -> Vec<u8> {
    let mut s = String::with_capacity(51 << 20);
    s.push_str("Title: A Very Long Article\nAuthor: \nDate: 1999-12-31\nPage: 9\n\n");
    let en = "    A line of English words that repeats until the file is very large indeed.\n";
    while s.len() < 25 << 20 {
        s.push_str(en);
    }
    s.push_str("\n<hr /> \n\nOriginal: \n\n### 很长的文章\n\n1999-12-31\n第9版()\n专栏：\n\n");
    let zh = "　　一行反复出现的中文，直到文件非常大为止。\n";
    while s.len() < 50 << 20 {
        s.push_str(zh);
    }
    s.into_bytes()
}

/// An article whose English part is one line of 10 MB with no space in it.
fn long_line_article() -> Vec<u8> {
    let mut s = String::from("Title: One Long Line\nAuthor: \nDate: 1999-12-30\nPage: 9\n\n    ");
    s.extend(std::iter::repeat_n('x', 10 << 20));
    s.push_str("\n\n<hr /> \n\nOriginal: \n\n### 一长行\n\n1999-12-30\n第9版()\n专栏：\n\n　　短。\n");
    s.into_bytes()
}

/// Random bytes (a fixed xorshift, so the test is repeatable).
fn random_bytes(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// The damaged and not-article files (relative path, bytes, expectations).
fn bad_files() -> Vec<(&'static str, Vec<u8>, Vec<Expect>)> {
    use Expect::*;
    use Severity::{Error, Warning};
    let good = article("A Good Article", "1960-01-02");
    let mut invalid = good.replace("about the harvest", "about the \u{1}harvest").into_bytes();
    let at = invalid.iter().position(|&b| b == 1).unwrap();
    invalid.splice(at..at + 1, [0xff, 0xfe, 0xc3]);
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(article("With a BOM", "1960-01-03").as_bytes());
    let no_original = "Title: No Original\nAuthor: \nDate: 1960-01-04\nPage: 1\n\n    English only.\n";
    let no_hr: String = article("No Rule", "1960-01-05")
        .lines()
        .filter(|l| !l.starts_with("<hr"))
        .map(|l| format!("{l}\n"))
        .collect();
    vec![
        ("empty.md", Vec::new(), vec![Skipped("empty")]),
        (
            "only_title.md",
            b"Title:".to_vec(),
            vec![Diag(1, Error, "empty `Title:`"), Diag(1, Error, "no `Date:`")],
        ),
        ("random.bin", random_bytes(64 << 10), vec![Skipped("binary")]),
        ("invalid_utf8.md", invalid, vec![Diag(6, Error, "invalid UTF-8")]),
        (
            "crlf.md",
            article("With CRLF", "1960-01-06").replace('\n', "\r\n").into_bytes(),
            vec![Diag(1, Warning, "CRLF")],
        ),
        ("bom.md", bom, vec![Diag(1, Warning, "byte-order mark")]),
        ("no_original.md", no_original.as_bytes().to_vec(), vec![Diag(6, Error, "no `<hr />` separator")]),
        ("no_hr.md", no_hr.into_bytes(), vec![Diag(9, Error, "no `<hr />` separator before `Original:`")]),
        (
            "impossible_date.md",
            article("Impossible Date", "1960-02-30").into_bytes(),
            vec![Diag(3, Error, "impossible date `1960-02-30`"), Diag(14, Error, "impossible Chinese date")],
        ),
        (
            "page_four.md",
            article("Page Four", "1960-01-07").replace("Page: 3", "Page: four").into_bytes(),
            vec![Diag(4, Error, "page is not a number: `four`")],
        ),
        ("big/fifty_megabytes.md", big_article(), vec![Clean]),
        ("big/ten_megabyte_line.md", long_line_article(), vec![Clean]),
        ("README.md", b"# A collection\n\nThese are articles.\n".to_vec(), vec![Skipped("Title:")]),
        ("good.md", good.into_bytes(), vec![Clean]),
        // no extension, in a nested folder: recognised by content
        ("a/b/no_extension", article("No Extension", "1960-01-08").into_bytes(), vec![Clean]),
    ]
}

/// Writes the bad collection into `dir`; adds a FIFO, two symlink loops and a hidden `.git`
/// folder holding an article that must never be seen.
fn write_collection(dir: &Path) -> Vec<(PathBuf, Vec<Expect>)> {
    let mut out = Vec::new();
    for (rel, bytes, expect) in bad_files() {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        out.push((p, expect));
    }
    let fifo = dir.join("fifo.md");
    let ok = Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
    if ok {
        out.push((fifo, vec![Expect::Skipped("not a regular file")]));
    } else {
        eprintln!("mkfifo is not available: no FIFO in the collection");
    }
    std::os::unix::fs::symlink(".", dir.join("a/loop")).unwrap();
    out.push((dir.join("a/loop"), vec![Expect::Unreadable("loop")]));
    std::os::unix::fs::symlink("self_link", dir.join("self_link")).unwrap();
    out.push((dir.join("self_link"), vec![Expect::Unreadable("symbolic links")]));
    std::fs::create_dir_all(dir.join(".git/objects")).unwrap();
    std::fs::write(dir.join(".git/objects/hidden.md"), article("Hidden", "1960-01-09")).unwrap();
    std::fs::write(dir.join(".hidden.md"), article("Hidden File", "1960-01-09")).unwrap();
    out
}

/// Runs `diglot ARGS` with a deadline; a run that takes longer is killed and fails the test
/// (a FIFO must not block). HOME and the XDG folders point into `home`.
fn diglot(args: &[&std::ffi::OsStr], home: &Path, deadline: Duration) -> (String, String, Option<i32>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_diglot"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run diglot");
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t1 = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = so.read_to_end(&mut s);
        s
    });
    let t2 = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = se.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("diglot {args:?} still running after {deadline:?}: it blocked");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = String::from_utf8_lossy(&t1.join().unwrap()).into_owned();
    let err = String::from_utf8_lossy(&t2.join().unwrap()).into_owned();
    (out, err, status.code())
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// `path:line: severity: message` lines of `check`.
fn diag_lines<'a>(out: &'a str, path: &Path) -> Vec<&'a str> {
    let prefix = format!("{}:", path.display());
    out.lines().filter(|l| l.starts_with(&prefix) && !l[prefix.len()..].starts_with(" skipped")).collect()
}

#[test]
fn check_reports_every_damaged_file_with_its_line_and_skips_what_is_not_an_article() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let files = write_collection(dir.path());
    let d = dir.path().as_os_str();

    let (out, err, code) = diglot(&[os("check"), os("--verbose"), d], home.path(), Duration::from_secs(60));
    assert!(err.is_empty(), "check wrote to stderr: {err}");
    assert_eq!(code, Some(1), "errors were found: exit status 1\n{out}");
    let (mut articles, mut skipped, mut errors, mut warnings) = (0, 0, 0, 0);
    for (path, expects) in &files {
        let mine = diag_lines(&out, path);
        let skip_line = format!("{}: skipped: ", path.display());
        for e in expects {
            match e {
                Expect::Diag(line, sev, what) => {
                    let want = format!("{}:{line}: {sev}: ", path.display());
                    assert!(
                        mine.iter().any(|l| l.starts_with(&want) && l.contains(what)),
                        "{}: expected `{want}...{what}...`, got {mine:#?}",
                        path.display()
                    );
                }
                Expect::Clean => {
                    assert!(mine.is_empty(), "{}: unexpected diagnostics {mine:#?}", path.display())
                }
                Expect::Skipped(why) => {
                    assert!(
                        out.lines().any(|l| l.starts_with(&skip_line) && l.contains(why)),
                        "{}: expected `{skip_line}...{why}...` in\n{out}",
                        path.display()
                    );
                    assert!(mine.is_empty(), "{}: a skipped file has diagnostics {mine:#?}", path.display());
                }
                Expect::Unreadable(why) => {
                    let want = format!("{}:0: error: ", path.display());
                    assert!(
                        mine.iter().any(|l| l.starts_with(&want) && l.contains(why)),
                        "{}: expected `{want}...{why}...`, got {mine:#?}",
                        path.display()
                    );
                }
            }
        }
        match &expects[0] {
            Expect::Skipped(_) => skipped += 1,
            Expect::Unreadable(_) => errors += 1,
            _ => {
                articles += 1;
                let e = mine.iter().filter(|l| l.contains(": error: ")).count();
                let w = mine.iter().filter(|l| l.contains(": warning: ")).count();
                errors += e;
                warnings += w;
            }
        }
    }
    // every diagnostic names a file of the collection and a line of it
    for l in out.lines().filter(|l| l.contains(": error: ") || l.contains(": warning: ")) {
        let (path, rest) = l.split_once(':').unwrap();
        assert!(Path::new(path).starts_with(dir.path()), "{l}");
        let line: usize = rest.split(':').next().unwrap().parse().expect("a line number");
        if let Ok(text) = std::fs::read(path) {
            let lines = text.split(|&b| b == b'\n').count();
            assert!(line <= lines, "{l}: the file has {lines} lines");
        }
    }
    assert!(
        !out.contains("Hidden") && !out.contains(".git") && !out.contains(".hidden"),
        "hidden entries walked:\n{out}"
    );
    let summary = out.lines().last().unwrap();
    assert_eq!(
        summary,
        format!("{articles} articles, {warnings} warnings, {errors} errors, {skipped} skipped"),
        "\n{out}"
    );

    // without --verbose the skipped files are counted, not listed (the huge files set aside)
    std::fs::remove_dir_all(dir.path().join("big")).unwrap();
    let (quiet, _, code) = diglot(&[os("check"), d], home.path(), Duration::from_secs(60));
    assert_eq!(code, Some(1));
    assert!(!quiet.contains(": skipped: "), "{quiet}");
    let summary =
        format!("{} articles, {warnings} warnings, {errors} errors, {skipped} skipped", articles - 2);
    assert_eq!(quiet.lines().last(), Some(summary.as_str()));
}

#[test]
fn exit_codes_of_check() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let good = dir.path().join("good");
    std::fs::create_dir(&good).unwrap();
    std::fs::write(good.join("a.md"), article("Fine", "1960-01-02")).unwrap();
    std::fs::write(good.join("README.md"), "not an article\n").unwrap();
    // warnings only (CRLF): 0
    std::fs::write(good.join("b.md"), article("Fine Too", "1960-01-03").replace('\n', "\r\n")).unwrap();
    let (out, _, code) = diglot(&[os("check"), good.as_os_str()], home.path(), Duration::from_secs(30));
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out.lines().last(), Some("2 articles, 1 warning, 0 errors, 1 skipped"));
    // an error: 1
    std::fs::write(good.join("c.md"), article("Bad", "1960-13-01")).unwrap();
    let (out, _, code) = diglot(&[os("check"), good.as_os_str()], home.path(), Duration::from_secs(30));
    assert_eq!(code, Some(1), "{out}");
    // a path that does not exist: an error of that path, 1
    let missing = dir.path().join("missing");
    let (out, _, code) = diglot(&[os("check"), missing.as_os_str()], home.path(), Duration::from_secs(30));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.starts_with(&format!("{}:0: error: ", missing.display())), "{out}");
    // a usage error: 2
    let (_, err, code) = diglot(&[os("check"), os("--no-such-flag")], home.path(), Duration::from_secs(30));
    assert_eq!(code, Some(2), "{err}");
    // an article that cannot be found: 2, with a message
    let (_, err, code) =
        diglot(&[os("show"), os("999"), good.as_os_str()], home.path(), Duration::from_secs(30));
    assert_eq!(code, Some(2));
    assert!(err.starts_with("diglot: "), "{err}");
}

/// Each damaged article keeps what could be read of it.
#[test]
fn damaged_articles_keep_what_could_be_read() {
    let dir = tempfile::tempdir().unwrap();
    write_collection(dir.path());
    let by_name = |name: &str| -> Article {
        let p = dir.path().join(name);
        match parse_bytes(&p, &std::fs::read(&p).unwrap()) {
            Parsed::Article(a) => *a,
            Parsed::NotArticle(why) => panic!("{name} is not an article: {why}"),
        }
    };
    let plain = by_name("good.md");
    for name in ["crlf.md", "bom.md"] {
        let a = by_name(name);
        assert_eq!(a.en_paras(), plain.en_paras(), "{name}");
        assert_eq!(a.zh_paras(), plain.zh_paras(), "{name}");
        assert_eq!(a.meta.title_zh, "中文标题", "{name}");
        assert!(!a.meta.title_en.starts_with('\u{feff}'), "{name}");
    }
    let a = by_name("invalid_utf8.md");
    assert_eq!(a.en_paras(), ["An English paragraph about the \u{fffd}\u{fffd}\u{fffd}harvest."]);
    assert_eq!(a.zh.len(), 1);
    let a = by_name("no_original.md");
    assert_eq!(a.en_paras(), ["English only."]);
    assert!(a.zh.is_empty());
    let a = by_name("no_hr.md");
    assert_eq!(a.zh_paras(), ["一段关于收成的中文。"], "the Chinese part is still found after `Original:`");
    let a = by_name("impossible_date.md");
    assert_eq!(a.meta.date, None);
    assert_eq!(a.meta.page, Some(3));
    let a = by_name("page_four.md");
    assert_eq!(a.meta.page, Some(3), "the page of the Chinese header is used");
}

fn render(app: &mut App) -> Buffer {
    app.prepare();
    let (w, h) = app.size;
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    diglot::ui::render(app, area, &mut buf);
    buf
}

fn screen_text(buf: &Buffer) -> String {
    let a = buf.area;
    (a.top()..a.bottom())
        .map(|y| (a.left()..a.right()).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The reader opens the bad collection and shows every article that can be read (the two
/// huge ones are opened in their own test).
#[test]
fn the_reader_opens_the_bad_collection_and_shows_what_is_readable() {
    let dir = tempfile::tempdir().unwrap();
    write_collection(dir.path());
    std::fs::remove_dir_all(dir.path().join("big")).unwrap();
    let loaded = corpus::load_paths(&[dir.path().to_path_buf()]);
    let titles: Vec<String> = loaded.articles.iter().map(|m| m.title_en.clone()).collect();
    let mut app = App::with_loaded((100, 30), loaded);
    let status = screen_text(&render(&mut app));
    assert!(status.contains(&format!("{} articles", titles.len())), "{status}");
    for (i, title) in titles.iter().enumerate() {
        app.select(i);
        let screen = screen_text(&render(&mut app));
        let shown = if title.is_empty() { "(no English title)" } else { title.as_str() };
        assert!(app.reader.article.is_some(), "{title}: {:?}", app.reader.error);
        assert!(screen.contains(shown), "article {i} `{title}` not shown:\n{screen}");
    }
}

/// A file removed between listing and reading: the loader reports it; the reader, asked to
/// open an article that has gone since the list was made, says so and goes on.
#[test]
fn a_file_removed_between_listing_and_reading() {
    let dir = tempfile::tempdir().unwrap();
    for (name, date) in [("a.md", "1960-01-01"), ("b.md", "1960-01-02"), ("c.md", "1960-01-03")] {
        std::fs::write(dir.path().join(name), article(name, date)).unwrap();
    }
    let (files, other) = corpus::load::discover(&[dir.path().to_path_buf()]);
    assert!(other.is_empty());
    assert_eq!(files.len(), 3);
    std::fs::remove_file(dir.path().join("b.md")).unwrap();
    let outcomes: Vec<_> = files.iter().map(|f| corpus::load::load_file(f).0).collect();
    let gone: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match o {
            corpus::Outcome::Unreadable(p, why) => Some((p.clone(), why.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(gone.len(), 1, "{outcomes:?}");
    assert!(gone[0].0.ends_with("b.md") && gone[0].1.contains("No such file"), "{gone:?}");

    // the app: listed with three, then c.md vanishes before it is opened
    std::fs::write(dir.path().join("b.md"), article("b.md", "1960-01-02")).unwrap();
    let loaded = corpus::load_paths(&[dir.path().to_path_buf()]);
    assert_eq!(loaded.articles.len(), 3);
    let mut app = App::with_loaded((80, 20), loaded);
    std::fs::remove_file(dir.path().join("c.md")).unwrap();
    app.select(2);
    let screen = screen_text(&render(&mut app));
    let err = app.reader.error.clone().expect("an error for the vanished file");
    assert!(err.contains("c.md"), "{err}");
    assert!(screen.contains("cannot read"), "{screen}");
    // and the others still open
    app.select(0);
    render(&mut app);
    assert!(app.reader.article.is_some());
}

/// A file without read permission: reported as unreadable by a user who cannot read it. Root
/// reads everything, so as root the check runs as `nobody` through setpriv, or is skipped with
/// a message.
#[test]
fn a_file_without_read_permission() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new().prefix("diglot-perm").tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let ok = dir.path().join("readable.md");
    let secret = dir.path().join("secret.md");
    std::fs::write(&ok, article("Readable", "1960-01-01")).unwrap();
    std::fs::write(&secret, article("Secret", "1960-01-02")).unwrap();
    std::fs::set_permissions(&ok, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();

    let root = std::fs::read(&secret).is_ok();
    let mut cmd = if root {
        let exe = Path::new(env!("CARGO_BIN_EXE_diglot"));
        let setpriv = Command::new("setpriv").arg("--version").output().is_ok_and(|o| o.status.success());
        // `nobody` must be able to reach the binary
        let reachable = exe
            .ancestors()
            .skip(1)
            .all(|p| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o001 != 0).unwrap_or(false))
            && std::fs::metadata(exe).is_ok_and(|m| m.permissions().mode() & 0o001 != 0);
        if !setpriv || !reachable {
            eprintln!("SKIPPED a_file_without_read_permission: running as root, and cannot run as nobody (setpriv: {setpriv}, binary reachable: {reachable})");
            return;
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]).arg(exe);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_diglot"))
    };
    let out = cmd
        .arg("check")
        .arg(dir.path())
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .output()
        .expect("run diglot check");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let want = format!("{}:0: error: cannot read", secret.display());
    assert!(text.lines().any(|l| l.starts_with(&want) && l.contains("ermission denied")), "{text}");
    assert!(!text.contains("readable.md"), "the readable file is fine: {text}");
    assert_eq!(text.lines().last(), Some("1 article, 0 warnings, 1 error, 0 skipped"));
}

/// The huge files load: a 50 MB article and a 10 MB line are articles like any other.
#[test]
fn huge_articles_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fifty.md"), big_article()).unwrap();
    std::fs::write(dir.path().join("line.md"), long_line_article()).unwrap();
    let start = Instant::now();
    let loaded = corpus::load_paths(&[dir.path().to_path_buf()]);
    assert_eq!(loaded.summary.articles, 2);
    assert_eq!(loaded.summary.errors + loaded.summary.warnings, 0, "{:?}", loaded.diagnostics);
    assert_eq!(loaded.articles[0].title_en, "One Long Line");
    assert_eq!(loaded.articles[1].size, big_article().len() as u64);
    let line = long_line_article();
    let Parsed::Article(a) = parse_bytes(Path::new("line.md"), &line) else { panic!("not an article") };
    assert_eq!(a.en.len(), 1);
    assert_eq!(a.en[0].len(), 10 << 20);
    assert_eq!(a.zh_paras(), ["短。"]);
    eprintln!("loading 60 MB took {:?}", start.elapsed());
}

/// ... and open in the reader. Slow in an unoptimised build (about 30 s: aligning and laying
/// out 60 MB with diglot's own code at opt-level 0), a few seconds with `--release`.
#[test]
#[ignore = "slow in debug builds (~30 s); run with `cargo test --release -- --ignored`"]
fn huge_articles_open_in_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fifty.md"), big_article()).unwrap();
    std::fs::write(dir.path().join("line.md"), long_line_article()).unwrap();
    let loaded = corpus::load_paths(&[dir.path().to_path_buf()]);
    let mut app = App::with_loaded((120, 40), loaded);
    for i in 0..2 {
        let t = Instant::now();
        app.select(i);
        let screen = screen_text(&render(&mut app));
        assert!(app.reader.article.is_some(), "{:?}", app.reader.error);
        assert!(screen.contains("Long"), "{screen}");
        app.feed(Msg::Term(key('G')));
        let screen = screen_text(&render(&mut app));
        assert!(app.reader.top_row() > 1000, "G goes to the end");
        assert!(screen.contains('x') || screen.contains('中'), "{screen}");
        eprintln!("opening article {i} and going to its end took {:?}", t.elapsed());
    }
}

fn key(c: char) -> crossterm::event::Event {
    crossterm::event::Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    ))
}

/// The terminal reader, as a person starts it, on the bad collection: it opens (the FIFO does
/// not block it), shows the count, and quits on `q`.
#[test]
fn the_tui_opens_the_bad_collection() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    write_collection(dir.path());
    std::fs::remove_dir_all(dir.path().join("big")).unwrap();
    let expected = corpus::load_paths(&[dir.path().to_path_buf()]).articles.len();

    let mut env = vec![("HOME".into(), home.path().as_os_str().to_owned())];
    for v in ["XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"] {
        env.push((v.into(), home.path().as_os_str().to_owned()));
    }
    let program = std::ffi::OsStr::new(env!("CARGO_BIN_EXE_diglot"));
    let mut tui = common::pty::Tui::spawn_with(program, &[dir.path().as_os_str()], &env, 100, 30);
    let want = format!("{expected} articles");
    tui.wait_status(&want, |s| s.contains(&want) && !s.contains("loading"));
    let screen = tui.screen();
    assert!(screen.contains("A Good Article") || screen.contains("中文标题"), "{screen}");
    tui.send(b"q");
    let status = tui.wait_exit();
    assert!(status.success(), "{status:?}");
}

// ---------------------------------------------------------------------------------------------
// Property tests of the parser

/// Lines an article file is made of: every header and separator form, damaged ones, and
/// random text.
fn line_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Title: A Title".to_string()),
        Just("Title:".to_string()),
        Just("Author: Li, Wang".to_string()),
        Just("Date: 1960-02-29".to_string()),
        Just("Date: 1961-02-29".to_string()),
        Just("Page: 4".to_string()),
        Just("Page: four".to_string()),
        Just("Edition: 99999999999".to_string()),
        Just("Column: c".to_string()),
        Just(String::new()),
        Just("   ".to_string()),
        Just("<hr /> ".to_string()),
        Just("Original: ".to_string()),
        Just("### 标题  副题".to_string()),
        Just("###".to_string()),
        Just("1960-02-29".to_string()),
        Just("第４版(国际（政治）)".to_string()),
        Just("第版".to_string()),
        Just("专栏：".to_string()),
        Just("**Named Entities**".to_string()),
        Just("人民\tRénmín".to_string()),
        Just("　　中文段落。".to_string()),
        Just("\u{feff}".to_string()),
        "\\PC{0,40}",
        "[ \t\u{3000}a-z中\r]{0,12}",
    ]
}

fn file_strategy() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec(line_strategy(), 0..40), any::<bool>(), prop::collection::vec(any::<u8>(), 0..4))
        .prop_map(|(lines, crlf, junk)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut b = lines.join(nl).into_bytes();
            // a few raw bytes somewhere (maybe invalid UTF-8)
            if !junk.is_empty() && !b.is_empty() {
                let at = usize::from(junk[0]) % b.len();
                b.splice(at..at, junk[1..].iter().copied());
            }
            b
        })
}

/// What must hold of any parse.
fn check_parse(bytes: &[u8]) -> Result<(), TestCaseError> {
    let path = Path::new("p.md");
    let parsed = parse_bytes(path, bytes);
    prop_assert_eq!(looks_like_article(bytes), matches!(parsed, Parsed::Article(_)));
    let Parsed::Article(a) = parsed else { return Ok(()) };
    prop_assert_eq!(&a.text, &String::from_utf8_lossy(bytes));
    let lines = a.text.lines().count().max(1);
    prop_assert_eq!(a.en.len(), a.en_lines.len());
    prop_assert_eq!(a.zh.len(), a.zh_lines.len());
    let mut end = 0;
    for r in a.en.iter().chain(&a.zh) {
        prop_assert!(r.start >= end && r.start < r.end && r.end <= a.text.len());
        prop_assert!(a.text.is_char_boundary(r.start) && a.text.is_char_boundary(r.end));
        let p = &a.text[r.clone()];
        prop_assert!(!p.contains('\n') && p.trim() == p, "{:?}", p);
        end = r.end;
    }
    for &l in a.en_lines.iter().chain(&a.zh_lines) {
        prop_assert!(l >= 1 && l <= lines);
    }
    prop_assert!(a.diagnostics.windows(2).all(|w| w[0].line <= w[1].line));
    for d in &a.diagnostics {
        prop_assert!(d.line <= lines, "line {} of {}: {}", d.line, lines, d.message);
        prop_assert_eq!(diglot::text::sanitize(&d.message), d.message.as_str());
    }
    if std::str::from_utf8(bytes).is_err() {
        prop_assert!(a.diagnostics.iter().any(|d| d.message.contains("UTF-8")));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn parsing_any_article_like_file_keeps_its_invariants(bytes in file_strategy()) {
        check_parse(&bytes)?;
    }

    #[test]
    fn parsing_any_bytes_keeps_its_invariants(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        check_parse(&bytes)?;
        let mut titled = b"Title: x\n".to_vec();
        titled.extend_from_slice(&bytes);
        check_parse(&titled)?;
    }

    /// CRLF line endings and a byte-order mark change nothing but the warnings.
    #[test]
    fn crlf_and_bom_read_as_plain(lines in prop::collection::vec(line_strategy(), 1..30)) {
        let lines: Vec<String> = lines.into_iter().map(|l| l.replace(['\r', '\u{feff}'], "")).collect();
        let plain = format!("Title: T\n{}\n", lines.join("\n"));
        let crlf = plain.replace('\n', "\r\n");
        let bom = format!("\u{feff}{plain}");
        let p = diglot::corpus::parse(Path::new("p"), &plain);
        for other in [crlf, bom] {
            let q = diglot::corpus::parse(Path::new("p"), &other);
            prop_assert_eq!(p.en_paras(), q.en_paras());
            prop_assert_eq!(p.zh_paras(), q.zh_paras());
            prop_assert_eq!(&p.meta.title_en, &q.meta.title_en);
            prop_assert_eq!(p.meta.date, q.meta.date);
            prop_assert_eq!(p.meta.page, q.meta.page);
            prop_assert_eq!(&p.glossary, &q.glossary);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions: inputs that once broke something (add the fuzzer's minimised crashers here)

/// An article with one paragraph in each language.
fn one_paragraph(en: &str, zh: &str) -> Vec<u8> {
    format!("Title: T\nDate: 1960-01-02\nPage: 1\n\n    {en}\n\n<hr /> \n\nOriginal: \n\n### 中\n\n1960-01-02\n第1版()\n\n　　{zh}\n")
        .into_bytes()
}

/// Each input parses with its invariants, and lays out in every view at every width from 1 to
/// 60 with no row wider than the width (`show --width 1` once printed `❤\u{fe0f}`, two
/// columns: the emoji variation selector made unicode-width's string width differ from the
/// characters' widths, which wrapping and truncation count).
#[test]
fn regressions() {
    let cases: Vec<Vec<u8>> = vec![
        one_paragraph("❤\u{fe0f} 1\u{fe0f}\u{20e3}", "❤\u{fe0f}"),
        one_paragraph("👨\u{200d}👩\u{200d}👧 👍🏽 🏳\u{fe0f}\u{200d}🌈", "👨\u{200d}👩\u{200d}👧"),
        one_paragraph("\u{644}\u{627} \u{644}\u{627}", "中\u{ad}文"),
        one_paragraph("e\u{301}\u{302} 🇨🇳🇺 \u{200b}", "\u{e0041}\u{e007f}中"),
        one_paragraph("\x1b[2J\u{9b}1m\u{202e}x", "\x07\u{85}"),
        b"Title:\r\n\r\n<hr />\r\nOriginal:\r\n###\r\n\r\n".to_vec(),
        b"\xef\xbb\xbfTitle: \xff\n\x00".to_vec(),
    ];
    for bytes in &cases {
        check_parse(bytes).unwrap();
        let Parsed::Article(a) = parse_bytes(Path::new("r.md"), bytes) else { panic!("{bytes:?}") };
        let beads = diglot::align::align_article(&a);
        for view in [View::Both, View::English, View::Chinese, View::Interleaved] {
            for w in 1..=60u16 {
                let l = layout::layout(&a, &beads, view, w);
                for row in &l.rows {
                    let text = layout::plain_row(&l, row);
                    let cols = diglot::text::width(&text);
                    let chars: usize =
                        text.chars().map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)).sum();
                    assert_eq!(cols, chars, "{view:?} at {w}: {text:?}");
                    assert!(cols <= usize::from(w), "{view:?} at {w}: {text:?} is {cols} columns wide");
                }
            }
        }
    }
}

/// Issue 12, item 9: a file over the 256 MiB limit is refused from its size (`fstat` of the
/// opened file), before any of it is read: the peak memory of `check` on a 300 MB (sparse)
/// article stays small, and the message names the file and the limit.
#[cfg(target_os = "linux")]
#[test]
#[allow(unsafe_code)] // wait4: the peak memory of this one child
#[allow(clippy::zombie_processes)] // reaped by wait4
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    use std::io::Write;
    let home = common::tempdir();
    let dir = home.path().join("big");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("small.md"), article("Small", "1960-01-02")).unwrap();
    let mut f = std::fs::File::create(dir.join("huge.md")).unwrap();
    f.write_all(article("Huge", "1960-01-03").as_bytes()).unwrap();
    f.set_len(300 << 20).unwrap(); // sparse: no disk used
    drop(f);
    for sub in ["check", "list"] {
        let child = Command::new(env!("CARGO_BIN_EXE_diglot"))
            .args([std::ffi::OsStr::new(sub), dir.as_os_str()])
            .env("HOME", home.path())
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_STATE_HOME", home.path().join("state"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut status = 0;
        // SAFETY: a zeroed rusage is a valid value; wait4 fills it for this child only.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
        assert_eq!(pid, child.id() as libc::pid_t);
        let peak_mb = usage.ru_maxrss / 1024; // KiB on Linux
        assert!(peak_mb < 128, "{sub}: peak RSS {peak_mb} MB: the file was read before being refused");
    }
    let (out, _, code) = diglot(&["check".as_ref(), dir.as_os_str()], home.path(), Duration::from_secs(30));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("huge.md") && out.contains("larger than 256 MiB"), "{out}");
}
