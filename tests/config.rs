//! The config file: the default text parses to the defaults, errors name the line and the
//! key, unknown keys are errors, remapped keys work and show in the help overlay, NO_COLOR
//! keeps the selection visible, and the command line's extras (default config, completions,
//! man page, `show --format`).
// tests, benches and examples may panic: a panic is a failure
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use diglot::app::App;
use diglot::config::{default_config_text, Config, ConfigError, ListWidth, Paint};
use diglot::corpus;
use diglot::keys::Action;
use diglot::layout::View;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::process::Command;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("/cfg/config.toml"))
}

/// The error's (line, key, message), failing the test if it is not an `Invalid`.
fn invalid(text: &str) -> (usize, String, String) {
    match parse(text) {
        Err(ConfigError::Invalid { line, key, message, .. }) => (line, key, message),
        other => panic!("expected an error for {text:?}, got {other:?}"),
    }
}

fn press(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn the_default_text_parses_to_the_defaults() {
    let text = default_config_text();
    let c = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c, Config::default());
    // every action is named in it, bound or commented
    for a in Action::all() {
        assert!(text.contains(&format!("{} = [", a.name())), "{}", a.name());
    }
    // and so is every colour key
    for (k, _) in diglot::config::Colors::KEYS {
        assert!(text.contains(&format!("\n{k} = ")), "{k}");
    }
}

#[test]
fn an_empty_file_is_the_defaults() {
    assert_eq!(parse("").unwrap(), Config::default());
    assert_eq!(parse("# nothing\n\n").unwrap(), Config::default());
}

#[test]
fn settings_are_read() {
    let c = parse(
        "view = \"interleaved\"\nlist_width = \"30%\"\nmouse = false\npaths = [\"rel\", \"/abs\"]\n\
         citation = \"{title_en} ({year})\"\n[colors]\nchinese = \"bold #102030 on 17\"\n",
    )
    .unwrap();
    assert_eq!(c.view, View::Interleaved);
    assert_eq!(c.list_width, ListWidth::Percent(30));
    assert!(!c.mouse);
    assert_eq!(c.paths, vec![PathBuf::from("/cfg/rel"), PathBuf::from("/abs")]);
    assert_eq!(c.citation, "{title_en} ({year})");
    assert_eq!(
        c.colors.chinese,
        Paint {
            fg: Some(Color::Rgb(0x10, 0x20, 0x30)),
            bg: Some(Color::Indexed(17)),
            modifiers: Modifier::BOLD
        }
    );
    assert_eq!(parse("list_width = 40").unwrap().list_width, ListWidth::Columns(40));
    assert_eq!(parse("view = \"zh\"").unwrap().view, View::Chinese);
}

#[test]
fn errors_name_the_line_and_the_key() {
    // unknown top-level key
    let (line, key, msg) = invalid("view = \"both\"\n\ncolours = 3\n");
    assert_eq!((line, key.as_str()), (3, "colours"), "{msg}");
    assert!(msg.contains("colours"), "{msg}");
    // unknown key in a table
    let (line, key, _) = invalid("[colors]\ntitle = \"red\"\ntitel = \"red\"\n");
    assert_eq!((line, key.as_str()), (3, "colors.titel"));
    // a bad value
    let (line, key, msg) = invalid("mouse = true\nview = \"sideways\"\n");
    assert_eq!((line, key.as_str()), (2, "view"));
    assert!(msg.contains("sideways"), "{msg}");
    // a wrong type
    let (line, key, _) = invalid("\n\nmouse = \"yes\"\n");
    assert_eq!((line, key.as_str()), (3, "mouse"));
    // a bad colour
    let (line, key, msg) = invalid("[colors]\n\nmeta = \"chartreuse\"\n");
    assert_eq!((line, key.as_str()), (3, "colors.meta"));
    assert!(msg.contains("chartreuse"), "{msg}");
    // an unknown action
    let (line, key, msg) = invalid("[keys]\ndown = [\"j\"]\njump = [\"x\"]\n");
    assert_eq!((line, key.as_str()), (3, "keys.jump"));
    assert!(msg.contains("unknown action"), "{msg}");
    // an unparseable key, on its own line of a multi-line array
    let (line, key, msg) = invalid("[keys]\ndown = [\n  \"j\",\n  \"Hyper-j\",\n]\n");
    assert_eq!((line, key.as_str()), (4, "keys.down"));
    assert!(msg.contains("Hyper-j"), "{msg}");
    // a bad citation template
    let (line, key, _) = invalid("\ncitation = \"{nope}\"\n");
    assert_eq!((line, key.as_str()), (2, "citation"));
    // a syntax error
    // an empty path (it was the config file's own folder, opened without a word), on its
    // line of a multi-line array; and a list width past the largest says the range
    let (line, key, msg) = invalid("paths = [\n  \"rmrb\",\n  \"\",\n]\n");
    assert_eq!((line, key.as_str()), (3, "paths"), "{msg}");
    assert!(msg.contains("empty path"), "{msg}");
    let (line, key, msg) = invalid("view = \"both\"\nlist_width = 100000\n");
    assert_eq!((line, key.as_str()), (2, "list_width"), "{msg}");
    assert!(msg.contains("from 1 to 65535"), "{msg}");
    let (line, _, _) = invalid("view = \"both\"\nmouse = = true\n");
    assert_eq!(line, 2);
    // the message reads path:line: `key`: what
    let e = parse("[colors]\nmeta = \"chartreuse\"\n").unwrap_err().to_string();
    assert!(e.starts_with("/cfg/config.toml:2: `colors.meta`: "), "{e}");
}

#[test]
fn a_key_bound_to_two_actions_is_an_error() {
    // `j` is down's by default
    let (line, key, msg) = invalid("[keys]\n\nnext_pair = [\"j\"]\n");
    assert_eq!((line, key.as_str()), (3, "keys.next_pair"));
    assert!(msg.contains("`j`") && msg.contains("`down`"), "{msg}");
    // both set: the later line is named
    let (line, name, msg) = invalid("[keys]\nquit = [\"Q\"]\ncite = [\"Q\"]\n");
    assert_eq!((line, name.as_str()), (3, "keys.cite"), "{msg}");
    // moving j away from down first is fine
    let c = parse("[keys]\ndown = [\"Down\"]\nnext_pair = [\"j\"]\n").unwrap();
    assert_eq!(c.keys.action(&press('j')), Some(Action::NextBead));
}

#[test]
fn remapped_keys_work_and_show_in_help() {
    let c =
        parse("[keys]\nquit = [\"Q\", \"Ctrl-q\"]\ncopy_pair = [\"Y\"]\ncopy_article = [\"P\"]\nzoom = []\n")
            .unwrap();
    assert_eq!(c.keys.action(&press('Q')), Some(Action::Quit));
    assert_eq!(c.keys.action(&KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL)), Some(Action::Quit));
    assert_eq!(c.keys.action(&press('q')), None, "the default key is replaced");
    assert_eq!(c.keys.action(&press('z')), None, "[] unbinds");
    assert_eq!(c.keys.action(&press('Y')), Some(Action::CopyPair));

    // the help overlay lists the keys in force
    // (tall enough for the whole help without scrolling: its groups' titles take rows too)
    let mut app = App::with_loaded((100, 70), corpus::load_paths(&[]));
    app.keymap = c.keys.clone();
    app.mode = diglot::app::Mode::Help { scroll: 0 };
    app.prepare();
    let mut term = Terminal::new(TestBackend::new(100, 70)).unwrap();
    term.draw(|f| diglot::ui::draw(&app, f)).unwrap();
    let buf = term.backend().buffer();
    let screen: Vec<String> = (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect();
    let quit_line = screen.iter().find(|l| l.contains(" quit")).expect("a quit line in the help");
    assert!(quit_line.contains("Q Ctrl-q"), "{quit_line}");
    assert!(!screen.iter().any(|l| l.contains("q Ctrl-c")), "the old keys are gone");

    // and pressing the new key does what it says
    app.mode = diglot::app::Mode::Browse;
    app.feed(diglot::app::Msg::Term(crossterm::event::Event::Key(press('Q'))));
    assert!(app.quit);
}

#[test]
fn no_color_keeps_attributes_only() {
    let c = Config::default();
    let p = c.colors.resolve(true);
    assert_eq!(p.chinese.fg, None);
    assert_eq!(p.highlight.bg, None);
    let bold = Paint::parse("bold red").unwrap().style(true);
    assert_eq!((bold.fg, bold.add_modifier), (None, Modifier::BOLD));
    let colored = c.colors.resolve(false);
    // Chinese text is drawn in the terminal's own foreground: readable on light and dark
    // backgrounds; colour marks hits, headers and marks.
    assert_eq!((colored.chinese.fg, colored.chinese.bg), (None, None));
    assert_eq!(colored.english.fg, None);
    assert!(colored.highlight.bg.is_some() && colored.meta.fg.is_some() && colored.marker.fg.is_some());
    assert_ne!(colored.current, colored.highlight, "the current hit is set apart");
}

#[test]
fn load_reads_files_and_tells_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    // an explicit file that does not exist is an error
    match Config::load(Some(&path)) {
        Err(ConfigError::Read { path: p, .. }) => assert_eq!(p, path),
        other => panic!("{other:?}"),
    }
    std::fs::write(&path, "view = \"english\"\npaths = [\"articles\"]\n").unwrap();
    let c = Config::load(Some(&path)).unwrap();
    assert_eq!(c.view, View::English);
    assert_eq!(c.paths, vec![dir.path().join("articles")]);
    std::fs::write(&path, "view = \"english\"\nbogus = 1\n").unwrap();
    let e = Config::load(Some(&path)).unwrap_err().to_string();
    assert!(e.contains("c.toml:2: `bogus`"), "{e}");
}

fn diglot(args: &[&str], env: &[(&str, &Path)]) -> (bool, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_diglot"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run diglot");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_binary_prints_the_default_config_completions_and_man_page() {
    let (ok, text, _) = diglot(&["--print-default-config"], &[]);
    assert!(ok);
    assert_eq!(text, default_config_text());
    for shell in ["bash", "zsh", "fish"] {
        let (ok, script, err) = diglot(&["completions", shell], &[]);
        assert!(ok, "{err}");
        assert!(script.contains("diglot") && script.contains("print-default-config"), "{shell}");
    }
    let (ok, roff, err) = diglot(&["man"], &[]);
    assert!(ok, "{err}");
    assert!(roff.contains(".TH diglot") && roff.contains("completions"), "{roff}");
    // the header on one line (the credits' lines of `--version` in it broke it: `man` showed
    // them above NAME), the credits in the VERSION section
    let th = roff.lines().find(|l| l.starts_with(".TH ")).unwrap();
    assert_eq!(th.matches('"').count() % 2, 0, "a quote left open: {th}");
    assert!(!th.contains("MDBG"), "{th}");
    let version = roff.split(".SH VERSION").nth(1).unwrap_or_else(|| panic!("no VERSION section: {roff}"));
    assert!(version.contains("MDBG"), "{version}");
}

#[test]
fn show_formats() {
    let dir = tempfile::tempdir().unwrap();
    let art = dir.path().join("a.md");
    std::fs::write(
        &art,
        "Title: The Bridge\nAuthor: Li Ming\nDate: 1955-01-03\nPage: 1\n\n    The bridge is done.\n\n    It is long.\n\n\
         <hr /> \n\nOriginal: \n\n### 新桥\n李明\n1955-01-03\n第1版()\n专栏：\n\n    新桥完工了。\n    桥很长。\n",
    )
    .unwrap();
    let a = art.to_str().unwrap();
    let (ok, md, err) = diglot(&["show", a, "--format", "markdown"], &[]);
    assert!(ok, "{err}");
    assert!(md.starts_with("# The Bridge\n\n## 新桥\n"), "{md}");
    let order: Vec<usize> = ["The bridge is done.", "新桥完工了。", "It is long.", "桥很长。"]
        .iter()
        .map(|s| md.find(s).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{md}");
    let (ok, json, err) = diglot(&["show", a, "--format", "json"], &[]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["meta"]["title_en"], "The Bridge");
    assert_eq!(v["paragraphs"]["zh"][1], "桥很长。");
    assert_eq!(v["beads"][0]["en"][0], 0);
    assert!(v["diagnostics"].is_array() && v["glossary"].is_array());
    let (ok, text, _) = diglot(&["show", a, "--format", "text", "--lang", "en"], &[]);
    assert!(ok && text.starts_with("The Bridge\n"), "{text}");
    // --config is accepted everywhere, and a bad one does not break subcommands that ignore it
    let (ok, _, _) = diglot(&["--config", "/nonexistent.toml", "completions", "bash"], &[]);
    assert!(ok);
}

/// The one table of actions: every row is in the help overlay (its keys and its text), in
/// the default key map, and in the error for an unknown action.
#[test]
fn every_action_of_the_table_is_in_the_help_the_key_map_and_the_errors() {
    let app = App::with_loaded((100, 50), corpus::load_paths(&[]));
    let help = diglot::ui::help_lines(&app);
    let (_, _, unknown) = invalid("[keys]\nfly = [\"x\"]\n");
    assert!(unknown.contains("unknown action `fly`"), "{unknown}");
    for d in diglot::keys::ACTIONS {
        let keys: Vec<String> = d.keys.iter().map(|k| k.label()).collect();
        assert!(
            help.iter().any(|(k, h)| *h == d.help && *k == keys.join(" ")),
            "{} ({}) not in the help as {keys:?}",
            d.name,
            d.help
        );
        let b = app.keymap.bindings.iter().find(|b| b.action == d.action).expect("bound by default");
        assert_eq!(b.keys, d.keys, "{}", d.name);
        assert!(
            unknown.contains(&format!("`{}`", d.name)) || unknown.contains(&format!(" {}", d.name)),
            "{}",
            d.name
        );
    }
}

/// The help overlay and the default config list the actions under their group's title, each
/// group once and whole (the one table of actions carries the group).
#[test]
fn help_and_default_config_show_each_group_once() {
    use diglot::keys::ACTIONS;
    let app = App::with_loaded((100, 40), corpus::load_paths(&[]));
    let lines = diglot::ui::help_lines(&app);
    let titles: Vec<&str> = lines.iter().filter(|(_, h)| h.is_empty()).map(|(k, _)| k.as_str()).collect();
    let mut groups: Vec<&str> = ACTIONS.iter().map(|d| d.group.title()).collect();
    groups.dedup();
    let mut want = groups.clone();
    want.push("notes");
    assert_eq!(titles, want, "each group's title once, in table order");
    // every action sits under its own group's title
    let mut current = "";
    for (keys, help) in &lines {
        if help.is_empty() {
            current = keys;
        } else if let Some(d) = ACTIONS.iter().find(|d| d.help == *help) {
            assert_eq!(current, d.group.title(), "{help} under {current}");
        }
    }
    let text = default_config_text();
    for g in &groups {
        assert_eq!(text.matches(&format!("\n# {g}\n")).count(), 1, "# {g} once in the default config");
    }
}
