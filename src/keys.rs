//! Key bindings as data: what each key does, and the help text shown for it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Leave diglot.
    Quit,
    /// Open or close the help overlay.
    Help,
    /// One row (reader) or article (list) up.
    Up,
    /// One row or article down.
    Down,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// Half a page up.
    HalfUp,
    /// Half a page down.
    HalfDown,
    /// To the top.
    Top,
    /// To the bottom.
    Bottom,
    /// Focus the reading pane.
    FocusReader,
    /// Focus the list.
    FocusList,
    /// Switch focus between list and reader.
    ToggleFocus,
    /// The previous article (from the reader).
    PrevArticle,
    /// The next article (from the reader).
    NextArticle,
    /// Cycle the view: both, English, Chinese, interleaved.
    CycleView,
    /// Hide or show the list, giving the reader the whole width.
    Zoom,
    /// Unlock the two columns (each scrolls by itself) or lock them again on the current bead.
    ToggleLock,
    /// Jump to the next bead (paragraph).
    NextBead,
    /// Jump to the previous bead (paragraph).
    PrevBead,
    /// Open or close the glossary panel (`**Named Entities**`).
    Glossary,
    /// Search: titles in the list, the text in the reader.
    Search,
    /// The next search hit in the article.
    NextHit,
    /// The previous search hit in the article.
    PrevHit,
}

/// A key: code and modifiers (shift is folded into the character for letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl, Alt... (not Shift).
    pub mods: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key { code, mods: KeyModifiers::NONE }
    }
    const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }
    const fn ctrl(c: char) -> Key {
        Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
    }

    /// The key of a terminal key event (Shift dropped: it is in the character already).
    pub fn from_event(ev: &KeyEvent) -> Key {
        let mut mods = ev.modifiers - KeyModifiers::SHIFT;
        mods &= KeyModifiers::CONTROL | KeyModifiers::ALT;
        Key { code: ev.code, mods }
    }

    /// How the help overlay names the key.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else if self.mods.contains(KeyModifiers::ALT) {
            format!("Alt-{base}")
        } else {
            base
        }
    }
}

/// One binding: the keys, the action, and its line in the help overlay.
#[derive(Debug, Clone)]
pub struct Binding {
    /// Keys that trigger the action.
    pub keys: Vec<Key>,
    /// The action.
    pub action: Action,
    /// What the help overlay says.
    pub help: &'static str,
}

/// The key map in force.
#[derive(Debug, Clone)]
pub struct KeyMap {
    /// All bindings, in help order.
    pub bindings: Vec<Binding>,
}

impl Default for KeyMap {
    fn default() -> Self {
        use Action::*;
        use KeyCode as K;
        let b = |keys: Vec<Key>, action, help| Binding { keys, action, help };
        KeyMap {
            bindings: vec![
                b(vec![Key::ch('j'), Key::plain(K::Down)], Down, "down one article / line"),
                b(vec![Key::ch('k'), Key::plain(K::Up)], Up, "up one article / line"),
                b(vec![Key::plain(K::PageDown), Key::ch(' '), Key::ctrl('f')], PageDown, "page down"),
                b(vec![Key::plain(K::PageUp), Key::ctrl('b')], PageUp, "page up"),
                b(vec![Key::ctrl('d')], HalfDown, "half a page down"),
                b(vec![Key::ctrl('u')], HalfUp, "half a page up"),
                b(vec![Key::ch('g'), Key::plain(K::Home)], Top, "to the top"),
                b(vec![Key::ch('G'), Key::plain(K::End)], Bottom, "to the bottom"),
                b(
                    vec![Key::plain(K::Enter), Key::ch('l'), Key::plain(K::Right)],
                    FocusReader,
                    "read the article",
                ),
                b(vec![Key::ch('h'), Key::plain(K::Left), Key::plain(K::Esc)], FocusList, "back to the list"),
                b(
                    vec![Key::plain(K::Tab), Key::plain(K::BackTab)],
                    ToggleFocus,
                    "switch pane (column, when unlocked)",
                ),
                b(vec![Key::ch('[')], PrevArticle, "previous article (reader)"),
                b(vec![Key::ch(']')], NextArticle, "next article (reader)"),
                b(vec![Key::ch('v')], CycleView, "view: both / English / Chinese / interleaved"),
                b(vec![Key::ch('}')], NextBead, "next paragraph pair (reader)"),
                b(vec![Key::ch('{')], PrevBead, "previous paragraph pair (reader)"),
                b(vec![Key::ch('s')], ToggleLock, "unlock / lock the two columns' scrolling"),
                b(vec![Key::ch('e')], Glossary, "glossary of named entities"),
                b(vec![Key::ch('/')], Search, "search titles (list) / the article (reader)"),
                b(vec![Key::ch('n')], NextHit, "next hit in the article"),
                b(vec![Key::ch('N')], PrevHit, "previous hit in the article"),
                b(vec![Key::ch('z')], Zoom, "hide / show the list"),
                b(vec![Key::ch('?'), Key::plain(K::F(1))], Help, "this help"),
                b(vec![Key::ch('q'), Key::ctrl('c')], Quit, "quit"),
            ],
        }
    }
}

impl KeyMap {
    /// The action bound to a key event, if any.
    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        self.bindings.iter().find(|b| b.keys.contains(&key)).map(|b| b.action)
    }
}
