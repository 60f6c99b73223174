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
    /// Search the full text of every article for a phrase.
    FullText,
    /// Mark the selected article read / unread.
    ToggleRead,
    /// Bookmark the selected article, or remove the bookmark.
    ToggleBookmark,
    /// Show bookmarked articles only, or everything again.
    BookmarksOnly,
    /// Jump to a date (`1958`, `1958-08`, `1958-08-01`).
    GotoDate,
    /// Narrow the list to the selected article's day, or show everything again.
    DayOnly,
    /// Narrow the list to today's month and day in every year, or show everything again.
    OnThisDay,
    /// Cycle the sort order: date, date descending, title.
    CycleSort,
    /// Copy a citation of the article.
    Cite,
    /// Copy the English and Chinese paragraphs at the top of the reader.
    CopyPair,
    /// Copy the whole article as Markdown.
    CopyArticle,
    /// Open the article file in `$PAGER`.
    Pager,
    /// Show the message log (every status message, whole).
    Messages,
    /// Turn mouse capture off (the terminal selects text) or on.
    Mouse,
    /// Scroll the glossary panel down.
    GlossaryDown,
    /// Scroll the glossary panel up.
    GlossaryUp,
}

impl Action {
    /// Every action, in help order.
    pub const ALL: [Action; 40] = [
        Action::Quit,
        Action::Down,
        Action::Up,
        Action::PageDown,
        Action::PageUp,
        Action::HalfDown,
        Action::HalfUp,
        Action::Top,
        Action::Bottom,
        Action::FocusReader,
        Action::FocusList,
        Action::ToggleFocus,
        Action::PrevArticle,
        Action::NextArticle,
        Action::CycleView,
        Action::NextBead,
        Action::PrevBead,
        Action::ToggleLock,
        Action::Glossary,
        Action::GlossaryDown,
        Action::GlossaryUp,
        Action::Zoom,
        Action::Search,
        Action::NextHit,
        Action::PrevHit,
        Action::FullText,
        Action::ToggleRead,
        Action::ToggleBookmark,
        Action::BookmarksOnly,
        Action::GotoDate,
        Action::DayOnly,
        Action::OnThisDay,
        Action::CycleSort,
        Action::Cite,
        Action::CopyPair,
        Action::CopyArticle,
        Action::Pager,
        Action::Messages,
        Action::Mouse,
        Action::Help,
    ];

    /// The action's name in the config file (`[keys]` section).
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::HalfUp => "half_page_up",
            Action::HalfDown => "half_page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::FocusReader => "focus_reader",
            Action::FocusList => "focus_list",
            Action::ToggleFocus => "toggle_focus",
            Action::PrevArticle => "previous_article",
            Action::NextArticle => "next_article",
            Action::CycleView => "cycle_view",
            Action::Zoom => "zoom",
            Action::ToggleLock => "toggle_lock",
            Action::NextBead => "next_pair",
            Action::PrevBead => "previous_pair",
            Action::Glossary => "glossary",
            Action::Search => "search",
            Action::NextHit => "next_hit",
            Action::PrevHit => "previous_hit",
            Action::FullText => "full_text_search",
            Action::ToggleRead => "toggle_read",
            Action::ToggleBookmark => "toggle_bookmark",
            Action::BookmarksOnly => "bookmarks_only",
            Action::GotoDate => "goto_date",
            Action::DayOnly => "day_only",
            Action::OnThisDay => "on_this_day",
            Action::CycleSort => "cycle_sort",
            Action::Cite => "cite",
            Action::CopyPair => "copy_pair",
            Action::CopyArticle => "copy_article",
            Action::Pager => "pager",
            Action::Messages => "messages",
            Action::Mouse => "mouse",
            Action::GlossaryDown => "glossary_down",
            Action::GlossaryUp => "glossary_up",
        }
    }

    /// The action of a config name.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
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

    /// How the help overlay names the key: as the config file writes it.
    pub fn label(&self) -> String {
        key_spec(self)
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
                b(vec![Key::ch('j'), Key::plain(K::Down)], Down, "down"),
                b(vec![Key::ch('k'), Key::plain(K::Up)], Up, "up"),
                b(vec![Key::plain(K::PageDown), Key::ch(' ')], PageDown, "page down"),
                b(vec![Key::plain(K::PageUp)], PageUp, "page up"),
                b(vec![Key::ctrl('d')], HalfDown, "half page down"),
                b(vec![Key::ctrl('u')], HalfUp, "half page up"),
                b(vec![Key::ch('g'), Key::plain(K::Home)], Top, "top"),
                b(vec![Key::ch('G'), Key::plain(K::End)], Bottom, "bottom"),
                b(
                    vec![Key::plain(K::Enter), Key::ch('l'), Key::plain(K::Right)],
                    FocusReader,
                    "read the article",
                ),
                b(vec![Key::ch('h'), Key::plain(K::Left), Key::plain(K::Esc)], FocusList, "back to the list"),
                b(vec![Key::plain(K::Tab), Key::plain(K::BackTab)], ToggleFocus, "switch pane / column"),
                b(vec![Key::ch('[')], PrevArticle, "previous article"),
                b(vec![Key::ch(']')], NextArticle, "next article"),
                b(vec![Key::ch('v')], CycleView, "cycle the view"),
                b(vec![Key::ch('}')], NextBead, "next paragraph pair"),
                b(vec![Key::ch('{')], PrevBead, "previous paragraph pair"),
                b(vec![Key::ch('s')], ToggleLock, "lock / unlock columns"),
                b(vec![Key::ch('e')], Glossary, "glossary panel"),
                b(vec![Key::ch(')')], GlossaryDown, "scroll the glossary down"),
                b(vec![Key::ch('(')], GlossaryUp, "scroll the glossary up"),
                b(vec![Key::ch('/')], Search, "search titles, or text"),
                b(vec![Key::ctrl('f')], FullText, "full-text search"),
                b(vec![Key::ch('n')], NextHit, "next hit"),
                b(vec![Key::ch('N')], PrevHit, "previous hit"),
                b(vec![Key::ch('z')], Zoom, "hide / show the list"),
                b(vec![Key::ch('m')], ToggleRead, "mark read / unread"),
                b(vec![Key::ch('b')], ToggleBookmark, "bookmark"),
                b(vec![Key::ch('B')], BookmarksOnly, "bookmarks only"),
                b(vec![Key::ch('d')], GotoDate, "go to a date"),
                b(vec![Key::ch('D')], DayOnly, "this day's paper only"),
                b(vec![Key::ch('t')], OnThisDay, "on this day, every year"),
                b(vec![Key::ch('S')], CycleSort, "cycle sort order"),
                b(vec![Key::ch('c')], Cite, "copy citation"),
                b(vec![Key::ch('y')], CopyPair, "copy paragraph pair"),
                b(vec![Key::ch('Y')], CopyArticle, "copy as Markdown"),
                b(vec![Key::ch('o')], Pager, "open in $PAGER"),
                b(vec![Key::ch('L')], Messages, "message log"),
                b(vec![Key::ch('M')], Mouse, "mouse on / off"),
                b(vec![Key::ch('?'), Key::plain(K::F(1))], Help, "help"),
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

const NAMED_KEYS: [(&str, KeyCode); 20] = [
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pgup", KeyCode::PageUp),
    ("pageup", KeyCode::PageUp),
    ("pgdn", KeyCode::PageDown),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("s-tab", KeyCode::BackTab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("del", KeyCode::Delete),
];

/// Parses a key as written in the config file: one character (`"j"`, `"J"`, `"/"`, `"?"`),
/// or a name (`Space Up Down Left Right PgUp PgDn Home End Enter Esc Tab S-Tab Backspace Del
/// Ins F1`..`F12`, any case), after optional `Ctrl-` and/or `Alt-` prefixes (`"Ctrl-d"`,
/// `"Alt-x"`). Shift is written as the upper-case letter.
pub fn parse_key(spec: &str) -> Result<Key, String> {
    let mut rest = spec;
    let mut mods = KeyModifiers::NONE;
    loop {
        let lower = rest.to_ascii_lowercase();
        let cut = ["ctrl-", "c-", "control-"]
            .iter()
            .find(|p| lower.starts_with(**p) && rest.len() > p.len())
            .map(|p| (p.len(), KeyModifiers::CONTROL))
            .or_else(|| {
                ["alt-", "a-", "m-", "meta-"]
                    .iter()
                    .find(|p| lower.starts_with(**p) && rest.len() > p.len())
                    .map(|p| (p.len(), KeyModifiers::ALT))
            });
        match cut {
            Some((n, m)) => {
                mods |= m;
                rest = &rest[n..];
            }
            None => break,
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => {
            // Ctrl with a letter arrives as the lower-case letter
            if mods.contains(KeyModifiers::CONTROL) {
                KeyCode::Char(c.to_ascii_lowercase())
            } else {
                KeyCode::Char(c)
            }
        }
        (None, _) => return Err("empty key".into()),
        _ => {
            let lower = rest.to_ascii_lowercase();
            if let Some((_, code)) = NAMED_KEYS.iter().find(|(n, _)| *n == lower) {
                *code
            } else if lower == "ins" || lower == "insert" {
                KeyCode::Insert
            } else if lower == "delete" {
                KeyCode::Delete
            } else if let Some(n) =
                lower.strip_prefix('f').and_then(|n| n.trim_matches(['(', ')']).parse::<u8>().ok())
            {
                if !(1..=24).contains(&n) {
                    return Err(format!("`{spec}`: function keys go from F1 to F24"));
                }
                KeyCode::F(n)
            } else {
                return Err(format!(
                    "unknown key `{spec}`: write one character, or Space, Up, Down, Left, Right, PgUp, \
                     PgDn, Home, End, Enter, Esc, Tab, S-Tab, Backspace, Del, Ins, F1..F24, with \
                     optional Ctrl- / Alt- before"
                ));
            }
        }
    };
    Ok(Key { code, mods })
}

/// How a key is written in the config file (parsed back by [`parse_key`]).
pub fn key_spec(key: &Key) -> String {
    let base = match key.code {
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
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::Insert => "Ins".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    let mut s = String::new();
    if key.mods.contains(KeyModifiers::CONTROL) {
        s.push_str("Ctrl-");
    }
    if key.mods.contains(KeyModifiers::ALT) {
        s.push_str("Alt-");
    }
    s + &base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_their_spec() {
        for b in KeyMap::default().bindings {
            for k in b.keys {
                assert_eq!(parse_key(&key_spec(&k)), Ok(k), "{k:?}");
            }
        }
        assert_eq!(parse_key("C-x"), Ok(Key { code: KeyCode::Char('x'), mods: KeyModifiers::CONTROL }));
        assert_eq!(parse_key("Ctrl-D"), Ok(Key { code: KeyCode::Char('d'), mods: KeyModifiers::CONTROL }));
        assert_eq!(parse_key("-"), Ok(Key { code: KeyCode::Char('-'), mods: KeyModifiers::NONE }));
        assert_eq!(parse_key("F(1)"), Ok(Key { code: KeyCode::F(1), mods: KeyModifiers::NONE }));
        assert!(parse_key("Hyper-x").is_err());
        assert!(parse_key("").is_err());
    }

    #[test]
    fn every_action_has_a_unique_name_that_round_trips() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
    }

    #[test]
    fn no_key_is_bound_twice() {
        let map = KeyMap::default();
        let mut keys: Vec<Key> = map.bindings.iter().flat_map(|b| b.keys.clone()).collect();
        let n = keys.len();
        keys.sort_by_key(|k| format!("{k:?}"));
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
