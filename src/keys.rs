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
    /// Enter (or leave) the word cursor on the Chinese text, with its dictionary panel.
    WordCursor,
    /// Word cursor: the previous word.
    WordLeft,
    /// Word cursor: the next word.
    WordRight,
    /// Word cursor: the word at the same column on the row above.
    WordUp,
    /// Word cursor: the word at the same column on the row below.
    WordDown,
    /// Word cursor: save the word (with its sentence) to the word list.
    SaveWord,
    /// Leave the word cursor.
    WordExit,
    /// Show or hide a row of pinyin over the Chinese.
    Pinyin,
    /// Colour the Chinese words beyond the HSK level, or stop.
    HskColour,
    /// The sentence cursor on / off: a sentence and its translation highlighted, moved by
    /// the glossary keys (`(` `)`) while it is on.
    SentenceCursor,
    // the full-text index's results (issue 15)
    /// Full-text results by date or by relevance.
    ResultsOrder,
    /// The timeline chart takes the keys: choose a year to narrow the results to.
    Timeline,
    /// The timeline per million characters or per article.
    TimelineNorm,
    /// The concordance (KWIC) of the query.
    Concordance,
}

impl Action {
    /// Whether the action is for the word cursor only: its keys are looked up before the
    /// others while the cursor is on, and may be the same as other actions' keys.
    pub fn word_mode(self) -> bool {
        matches!(
            self,
            Action::WordLeft
                | Action::WordRight
                | Action::WordUp
                | Action::WordDown
                | Action::SaveWord
                | Action::WordExit
        )
    }
}

impl Action {
    /// Every action, in help order.
    pub fn all() -> impl Iterator<Item = Action> {
        ACTIONS.iter().map(|d| d.action)
    }

    /// The action's row in [`ACTIONS`].
    pub fn def(self) -> Option<&'static ActionDef> {
        ACTIONS.iter().find(|d| d.action == self)
    }

    /// The action's name in the config file (`[keys]` section).
    pub fn name(self) -> &'static str {
        self.def().map_or("", |d| d.name)
    }

    /// The action of a config name.
    pub fn from_name(name: &str) -> Option<Action> {
        ACTIONS.iter().find(|d| d.name == name).map(|d| d.action)
    }
}

/// One action as the config file, the help overlay and the error messages know it.
#[derive(Debug, Clone, Copy)]
pub struct ActionDef {
    /// The action.
    pub action: Action,
    /// Its name in the config file's `[keys]` table.
    pub name: &'static str,
    /// Its keys by default.
    pub keys: &'static [Key],
    /// What the help overlay and the default config file say it does.
    pub help: &'static str,
    /// Where the help overlay and the default config file list it.
    pub group: Group,
}

const fn def(
    group: Group,
    action: Action,
    name: &'static str,
    keys: &'static [Key],
    help: &'static str,
) -> ActionDef {
    ActionDef { action, name, keys, help, group }
}

/// The groups of [`ACTIONS`], in help order: the help overlay and the default config file
/// show each group under its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Moving in the list and the reader.
    Move,
    /// The reading pane: focus, views, columns, glossary.
    Read,
    /// Searching titles and text.
    Search,
    /// Marks, bookmarks, dates and the order of the collection.
    Collection,
    /// Copying and opening elsewhere.
    Out,
    /// Reading Chinese: the word cursor, its dictionary, pinyin, HSK.
    Words,
    /// diglot itself.
    App,
}

impl Group {
    /// The group's title in the help overlay and the default config file.
    pub fn title(self) -> &'static str {
        match self {
            Group::Move => "moving",
            Group::Read => "reading",
            Group::Search => "searching",
            Group::Collection => "the collection",
            Group::Out => "copying and opening",
            Group::Words => "reading Chinese",
            Group::App => "diglot",
        }
    }
}

/// Every action, in help order, with its name, default keys and help text: the one list the
/// default key map, the help overlay, the default config file (`--print-default-config`) and
/// the config errors are made from. Adding an action is its variant in [`Action`] and one
/// line here.
pub const ACTIONS: &[ActionDef] = &[
    def(Group::Move, Action::Down, "down", &[Key::ch('j'), Key::plain(KeyCode::Down)], "down"),
    def(Group::Move, Action::Up, "up", &[Key::ch('k'), Key::plain(KeyCode::Up)], "up"),
    def(
        Group::Move,
        Action::PageDown,
        "page_down",
        &[Key::plain(KeyCode::PageDown), Key::ch(' ')],
        "page down",
    ),
    def(Group::Move, Action::PageUp, "page_up", &[Key::plain(KeyCode::PageUp)], "page up"),
    def(Group::Move, Action::HalfDown, "half_page_down", &[Key::ctrl('d')], "half page down"),
    def(Group::Move, Action::HalfUp, "half_page_up", &[Key::ctrl('u')], "half page up"),
    def(Group::Move, Action::Top, "top", &[Key::ch('g'), Key::plain(KeyCode::Home)], "top"),
    def(Group::Move, Action::Bottom, "bottom", &[Key::ch('G'), Key::plain(KeyCode::End)], "bottom"),
    def(Group::Move, Action::PrevArticle, "previous_article", &[Key::ch('[')], "previous article"),
    def(Group::Move, Action::NextArticle, "next_article", &[Key::ch(']')], "next article"),
    def(Group::Move, Action::NextBead, "next_pair", &[Key::ch('}')], "next paragraph pair"),
    def(Group::Move, Action::PrevBead, "previous_pair", &[Key::ch('{')], "previous paragraph pair"),
    def(
        Group::Read,
        Action::FocusReader,
        "focus_reader",
        &[Key::plain(KeyCode::Enter), Key::ch('l'), Key::plain(KeyCode::Right)],
        "read the article",
    ),
    def(
        Group::Read,
        Action::FocusList,
        "focus_list",
        &[Key::ch('h'), Key::plain(KeyCode::Left), Key::plain(KeyCode::Esc)],
        "back to the list",
    ),
    def(
        Group::Read,
        Action::ToggleFocus,
        "toggle_focus",
        &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::BackTab)],
        "switch pane / column",
    ),
    def(Group::Read, Action::CycleView, "cycle_view", &[Key::ch('v')], "cycle the view"),
    def(Group::Read, Action::ToggleLock, "toggle_lock", &[Key::ch('s')], "lock / unlock columns"),
    def(Group::Read, Action::Glossary, "glossary", &[Key::ch('e')], "glossary panel"),
    // the sentence cursor takes the glossary keys while it is on
    def(Group::Read, Action::SentenceCursor, "sentence_cursor", &[Key::ch('x')], "sentence cursor on / off"),
    def(Group::Read, Action::GlossaryDown, "glossary_down", &[Key::ch(')')], "next sentence / glossary down"),
    def(Group::Read, Action::GlossaryUp, "glossary_up", &[Key::ch('(')], "previous sentence / glossary up"),
    def(Group::Read, Action::Zoom, "zoom", &[Key::ch('z')], "hide / show the list"),
    def(Group::Search, Action::Search, "search", &[Key::ch('/')], "search titles, or text"),
    def(Group::Search, Action::FullText, "full_text_search", &[Key::ctrl('f')], "full-text search"),
    def(Group::Search, Action::NextHit, "next_hit", &[Key::ch('n')], "next hit"),
    def(Group::Search, Action::PrevHit, "previous_hit", &[Key::ch('N')], "previous hit"),
    // the full-text index's results (issue 15)
    def(Group::Search, Action::ResultsOrder, "results_order", &[Key::ch('R')], "results by date / relevance"),
    def(Group::Search, Action::Timeline, "timeline", &[Key::ch('T')], "timeline: choose a year"),
    def(
        Group::Search,
        Action::TimelineNorm,
        "timeline_norm",
        &[Key::ch('%')],
        "timeline per M chars / % articles",
    ),
    def(Group::Search, Action::Concordance, "concordance", &[Key::ch('K')], "concordance (KWIC)"),
    def(Group::Collection, Action::ToggleRead, "toggle_read", &[Key::ch('m')], "mark read / unread"),
    def(Group::Collection, Action::ToggleBookmark, "toggle_bookmark", &[Key::ch('b')], "bookmark"),
    def(Group::Collection, Action::BookmarksOnly, "bookmarks_only", &[Key::ch('B')], "bookmarks only"),
    def(Group::Collection, Action::GotoDate, "goto_date", &[Key::ch('d')], "go to a date"),
    def(Group::Collection, Action::DayOnly, "day_only", &[Key::ch('D')], "this day's paper only"),
    def(Group::Collection, Action::OnThisDay, "on_this_day", &[Key::ch('t')], "on this day, every year"),
    def(Group::Collection, Action::CycleSort, "cycle_sort", &[Key::ch('S')], "cycle sort order"),
    def(Group::Out, Action::Cite, "cite", &[Key::ch('c')], "copy citation"),
    def(Group::Out, Action::CopyPair, "copy_pair", &[Key::ch('y')], "copy paragraph pair"),
    def(Group::Out, Action::CopyArticle, "copy_article", &[Key::ch('Y')], "copy as Markdown"),
    def(Group::Out, Action::Pager, "pager", &[Key::ch('o')], "open in $PAGER"),
    def(Group::Words, Action::WordCursor, "word_cursor", &[Key::ch('w')], "word cursor and dictionary"),
    def(
        Group::Words,
        Action::WordLeft,
        "word_left",
        &[Key::ch('h'), Key::plain(KeyCode::Left)],
        "word cursor: previous word",
    ),
    def(
        Group::Words,
        Action::WordRight,
        "word_right",
        &[Key::ch('l'), Key::plain(KeyCode::Right)],
        "word cursor: next word",
    ),
    def(
        Group::Words,
        Action::WordUp,
        "word_up",
        &[Key::ch('k'), Key::plain(KeyCode::Up)],
        "word cursor: row up",
    ),
    def(
        Group::Words,
        Action::WordDown,
        "word_down",
        &[Key::ch('j'), Key::plain(KeyCode::Down)],
        "word cursor: row down",
    ),
    def(Group::Words, Action::SaveWord, "save_word", &[Key::ch('a')], "word cursor: save the word"),
    def(Group::Words, Action::WordExit, "word_exit", &[Key::plain(KeyCode::Esc)], "word cursor: leave"),
    def(Group::Words, Action::Pinyin, "pinyin", &[Key::ch('p')], "pinyin over the Chinese"),
    def(Group::Words, Action::HskColour, "hsk_colour", &[Key::ch('H')], "colour words beyond the HSK level"),
    def(Group::App, Action::Messages, "messages", &[Key::ch('L')], "message log"),
    def(Group::App, Action::Mouse, "mouse", &[Key::ch('M')], "mouse on / off"),
    def(Group::App, Action::Help, "help", &[Key::ch('?'), Key::plain(KeyCode::F(1))], "help"),
    def(Group::App, Action::Quit, "quit", &[Key::ch('q'), Key::ctrl('c')], "quit"),
];

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
        // AltGr's characters (Ctrl and Alt on Windows, see [`typed_char`]) are the keys they
        // type: `[`, `{`, `@` on a German keyboard
        if !mods.is_empty() && typed_char(ev).is_some() {
            mods = KeyModifiers::NONE;
        }
        Key { code: ev.code, mods }
    }

    /// How the help overlay names the key: as the config file writes it.
    pub fn label(&self) -> String {
        key_spec(self)
    }
}

/// The character a key types into a text field (the search prompts, the date prompt), if
/// it types one: a character alone or with Shift. A character with Alt or Ctrl is a chord,
/// not text: one the field has no binding for does nothing, as in fzf and less (in tmux,
/// Esc then `q` typed quickly arrive as Alt-q, which must not add a `q` to a query). Except
/// AltGr: a European keyboard's `@`, `€`, `ł`, `{`, which terminals send as the character
/// alone but crossterm reports on Windows with Ctrl and Alt both (the console's
/// `RIGHT_ALT_PRESSED | LEFT_CTRL_PRESSED`): Ctrl+Alt with anything but an ASCII letter,
/// digit or space is text. (A terminal's Ctrl+Alt chord arrives as Esc and a control
/// byte, which crossterm reports as a lower-case letter, a digit from 4 to 7 or a space
/// with Ctrl and Alt: not text.)
pub fn typed_char(ev: &KeyEvent) -> Option<char> {
    let KeyCode::Char(c) = ev.code else { return None };
    let mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SUPER);
    let text = if mods.is_empty() {
        true
    } else {
        mods == KeyModifiers::CONTROL | KeyModifiers::ALT && !c.is_ascii_alphanumeric() && c != ' '
    };
    (text && !c.is_control()).then_some(c)
}

/// Whether a key is the chord Ctrl with `c` (Shift aside), not Ctrl with Alt too (AltGr on
/// Windows, see [`typed_char`]): the text fields' own keys (`Ctrl-u`, `Ctrl-w`...).
pub fn is_ctrl(ev: &KeyEvent, c: char) -> bool {
    ev.code == KeyCode::Char(c) && ev.modifiers - KeyModifiers::SHIFT == KeyModifiers::CONTROL
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
        KeyMap {
            bindings: ACTIONS
                .iter()
                .map(|d| Binding { keys: d.keys.to_vec(), action: d.action, help: d.help })
                .collect(),
        }
    }
}

impl KeyMap {
    /// The action bound to a key event, if any (the word cursor's own actions aside: see
    /// [`KeyMap::word_action`]).
    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        self.bindings.iter().find(|b| !b.action.word_mode() && b.keys.contains(&key)).map(|b| b.action)
    }

    /// While the word cursor is on: its own action for the key, else the usual one.
    pub fn word_action(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        let own = self.bindings.iter().find(|b| b.action.word_mode() && b.keys.contains(&key));
        own.map(|b| b.action).or_else(|| self.action(ev))
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
    fn every_action_has_one_row_and_a_unique_name_that_round_trips() {
        // an exhaustive match: a new variant without its row in ACTIONS fails to compile here
        // or fails the assertion below
        let variants = [
            Action::Quit,
            Action::Help,
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::HalfUp,
            Action::HalfDown,
            Action::Top,
            Action::Bottom,
            Action::FocusReader,
            Action::FocusList,
            Action::ToggleFocus,
            Action::PrevArticle,
            Action::NextArticle,
            Action::CycleView,
            Action::Zoom,
            Action::ToggleLock,
            Action::NextBead,
            Action::PrevBead,
            Action::Glossary,
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
            Action::GlossaryDown,
            Action::GlossaryUp,
            Action::WordCursor,
            Action::WordLeft,
            Action::WordRight,
            Action::WordUp,
            Action::WordDown,
            Action::SaveWord,
            Action::WordExit,
            Action::Pinyin,
            Action::HskColour,
            Action::SentenceCursor,
            Action::ResultsOrder,
            Action::Timeline,
            Action::TimelineNorm,
            Action::Concordance,
        ];
        for a in variants {
            match a {
                Action::Quit
                | Action::Help
                | Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::HalfUp
                | Action::HalfDown
                | Action::Top
                | Action::Bottom
                | Action::FocusReader
                | Action::FocusList
                | Action::ToggleFocus
                | Action::PrevArticle
                | Action::NextArticle
                | Action::CycleView
                | Action::Zoom
                | Action::ToggleLock
                | Action::NextBead
                | Action::PrevBead
                | Action::Glossary
                | Action::Search
                | Action::NextHit
                | Action::PrevHit
                | Action::FullText
                | Action::ToggleRead
                | Action::ToggleBookmark
                | Action::BookmarksOnly
                | Action::GotoDate
                | Action::DayOnly
                | Action::OnThisDay
                | Action::CycleSort
                | Action::Cite
                | Action::CopyPair
                | Action::CopyArticle
                | Action::Pager
                | Action::Messages
                | Action::Mouse
                | Action::GlossaryDown
                | Action::GlossaryUp
                | Action::WordCursor
                | Action::WordLeft
                | Action::WordRight
                | Action::WordUp
                | Action::WordDown
                | Action::SaveWord
                | Action::WordExit
                | Action::Pinyin
                | Action::HskColour
                | Action::SentenceCursor
                | Action::ResultsOrder
                | Action::Timeline
                | Action::TimelineNorm
                | Action::Concordance => assert!(a.def().is_some(), "{a:?} has no row in ACTIONS"),
            }
        }
        assert_eq!(ACTIONS.len(), variants.len());
        let mut names: Vec<&str> = Action::all().map(|a| a.name()).collect();
        for a in Action::all() {
            assert_eq!(Action::from_name(a.name()), Some(a));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ACTIONS.len());
    }

    #[test]
    fn no_key_is_bound_twice() {
        // the word cursor's keys are a map of their own, looked up first while it is on
        let map = KeyMap::default();
        for word in [false, true] {
            let mut keys: Vec<Key> = map
                .bindings
                .iter()
                .filter(|b| b.action.word_mode() == word)
                .flat_map(|b| b.keys.clone())
                .collect();
            let n = keys.len();
            keys.sort_by_key(|k| format!("{k:?}"));
            keys.dedup();
            assert_eq!(keys.len(), n, "word mode: {word}");
        }
        let ev = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(map.action(&ev('l')), Some(Action::FocusReader));
        assert_eq!(map.word_action(&ev('l')), Some(Action::WordRight));
        assert_eq!(map.word_action(&ev('p')), Some(Action::Pinyin));
        assert_eq!(map.action(&ev('a')), None);
    }
}
