//! Driving the reader's research instruments by keys (shared by `research_index.rs`,
//! `research_ui.rs` and `research_live.rs`): keys, typing, a query on the index, and the
//! titles the list shows.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use diglot::app::{App, Msg};
use std::time::Duration;

/// A key with modifiers, the article asked for read, the invariants checked.
pub fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    app.feed(Msg::Term(Event::Key(KeyEvent::new(code, mods))));
    app.prepare();
    app.check_invariants().unwrap();
}

/// A key.
pub fn key(app: &mut App, code: KeyCode) {
    press(app, code, KeyModifiers::NONE);
}

/// Each character as a key.
pub fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// The English titles of the list's rows.
pub fn shown_titles(app: &App) -> Vec<String> {
    (0..app.shown_len())
        .map(|i| app.articles.get(app.shown(i).unwrap()).unwrap().title_en().to_string())
        .collect()
}

/// Ctrl-f, the prompt cleared, `q` typed, Enter.
pub fn search(app: &mut App, q: &str) {
    press(app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    press(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typed(app, q);
    key(app, KeyCode::Enter);
}

/// [`search`], then waits (up to `wait`) for the index's answer in the list.
pub fn query(app: &mut App, q: &str, wait: Duration) {
    search(app, q);
    assert!(app.wait_research(wait, |a| a.index_results()), "the index answered {q}");
    app.check_invariants().unwrap();
}
