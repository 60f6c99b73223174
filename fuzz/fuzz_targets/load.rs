//! Fuzz target: the whole load of a byte buffer. The bytes become a file in a folder; the
//! folder is loaded as `diglot` loads it, checked (`check`, `list`, `show`), and opened in the
//! app, which is driven by a few keys and drawn at a fuzzed size.
//!
//! Input: byte 0 and 1 are the width and height (mod 160, 60), byte 2 the number of keys (mod 10) that
//! follow, one byte each; the rest is the file.
#![no_main]

use diglot::app::drive::{self, Step};
use diglot::app::{App, Msg};
use diglot::cli::{Format, Lang};
use diglot::corpus::{self, Parsed};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

mod common;

fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
}

fn no_controls(what: &str, out: &[u8]) {
    let s = String::from_utf8_lossy(out);
    for line in s.split('\n') {
        // `list` separates its fields with tabs: the only control character allowed
        common::assert_terminal_safe(what, &line.replace('\t', " "));
    }
}

/// Reads the article the reader waits for, then checks the app's invariants and the frame
/// drawn (the drive's check, and the stricter one of the screen here).
fn draw(app: &mut App, when: &str) {
    app.prepare();
    let buf = drive::checked_frame(app, when).unwrap_or_else(|e| panic!("{e}"));
    for cell in buf.content() {
        common::assert_terminal_safe("screen", cell.symbol());
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (w, h) = (u16::from(data[0] % 160) + 1, u16::from(data[1] % 60) + 1);
    let nkeys = usize::from(data[2] % 10).min(data.len() - 3);
    let keys = &data[3..3 + nkeys];
    let file = &data[3 + nkeys..];

    let dir = dir().path().to_path_buf();
    let path = dir.join("a.md");
    std::fs::write(&path, file).expect("write the input");
    let roots = [dir.clone()];

    let loaded = corpus::load_paths(&roots);
    let s = &loaded.summary;
    match corpus::parse_bytes(&path, file) {
        Parsed::Article(a) => {
            common::check_article(file, &a);
            assert_eq!((s.articles, s.skipped), (1, 0));
            assert_eq!(loaded.articles[0], a.meta);
            let diags: Vec<_> = loaded.diagnostics.iter().map(|(_, d)| d.clone()).collect();
            assert_eq!(diags, a.diagnostics);
        }
        Parsed::NotArticle(_) => assert_eq!((s.articles, s.skipped, s.errors), (0, 1, 0)),
    }

    let mut out = Vec::new();
    diglot::commands::check(&roots, true, &mut out).expect("check");
    no_controls("check", &out);
    if s.articles == 1 {
        for lang in [Lang::Both] {
            out.clear();
            let p = path.to_string_lossy();
            diglot::commands::show(&p, &roots, lang, w, Format::Text, &mut out).expect("show");
            no_controls("show", &out);
            for line in String::from_utf8_lossy(&out).lines() {
                assert!(diglot::text::width(line) <= usize::from(w), "show: line wider than {w}: {line:?}");
            }
        }
    }

    if s.articles == 1 {
        out.clear();
        let p = path.to_string_lossy();
        diglot::commands::show(&p, &roots, Lang::Both, w, Format::Markdown, &mut out).expect("markdown");
        no_controls("show --format markdown", &out);
    }

    let mut app = App::with_loaded((w, h), loaded);
    draw(&mut app, "at the start");
    for (n, &k) in keys.iter().enumerate() {
        // a key of the drive's table, Ctrl held for the top bytes
        let step = Step::Key(k, k >= 0xf0);
        app.update(Msg::Term(step.event()));
        draw(&mut app, &format!("after key {n} ({step:?})"));
    }
    // a resize to another size
    app.update(Msg::Term(Step::Resize(h.max(1), w).event()));
    draw(&mut app, "after a resize");
});
