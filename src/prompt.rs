//! A one-line text prompt: the editing behind the search boxes (readline habits: Left/Right,
//! Home/End, Backspace, Delete, Ctrl-u clears, Ctrl-w and Alt-Backspace delete a word, paste
//! inserts; another chord with Alt or Ctrl does nothing). The cursor is a character index;
//! its screen column is measured by display width.

use crate::text::width;

/// The prompt's text and cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    text: String,
    /// Cursor position in characters (0..=chars).
    cursor: usize,
}

impl Prompt {
    /// The text typed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Cursor position in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text.char_indices().nth(chars).map_or(self.text.len(), |(b, _)| b)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Inserts text at the cursor (newlines and control characters dropped: a paste of
    /// several lines becomes one line).
    pub fn insert(&mut self, s: &str) {
        let clean: String = s
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .filter(|c| !c.is_control())
            .collect();
        let at = self.byte_at(self.cursor);
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            let (a, b) = (self.byte_at(self.cursor - 1), self.byte_at(self.cursor));
            self.text.replace_range(a..b, "");
            self.cursor -= 1;
        }
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.len() {
            let (a, b) = (self.byte_at(self.cursor), self.byte_at(self.cursor + 1));
            self.text.replace_range(a..b, "");
        }
    }

    /// Deletes the word before the cursor (and the spaces after it), as Ctrl-w does.
    pub fn delete_word(&mut self) {
        let chars: Vec<char> = self.text.chars().collect();
        let mut k = self.cursor;
        while k > 0 && chars.get(k - 1) == Some(&' ') {
            k -= 1;
        }
        while k > 0 && chars.get(k - 1).is_some_and(|c| *c != ' ') {
            k -= 1;
        }
        let (a, b) = (self.byte_at(k), self.byte_at(self.cursor));
        self.text.replace_range(a..b, "");
        self.cursor = k;
    }

    /// Clears everything.
    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// Moves the cursor one character left.
    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    /// Moves the cursor one character right.
    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.len());
    }

    /// Moves the cursor to the start.
    pub fn home(&mut self) {
        self.cursor = 0;
    }

    /// Moves the cursor to the end.
    pub fn end(&mut self) {
        self.cursor = self.len();
    }

    /// Screen column of the cursor (display width of the text before it).
    pub fn cursor_column(&self) -> usize {
        width(&self.text[..self.byte_at(self.cursor)])
    }

    /// Handles an editing key; returns whether the text or cursor changed. A character is
    /// inserted only if the key types it ([`crate::keys::typed_char`]: not an Alt or Ctrl
    /// chord, AltGr's characters kept); a chord the prompt has no binding for does nothing.
    pub fn handle_key(&mut self, key: &crossterm::event::KeyEvent) -> bool {
        use crate::keys::{is_ctrl, typed_char};
        use crossterm::event::{KeyCode, KeyModifiers};
        let before = (self.text.len(), self.cursor, self.text.clone());
        match key.code {
            _ if is_ctrl(key, 'u') => self.clear(),
            _ if is_ctrl(key, 'w') => self.delete_word(),
            _ if is_ctrl(key, 'a') => self.home(),
            _ if is_ctrl(key, 'e') => self.end(),
            _ if is_ctrl(key, 'h') => self.backspace(),
            KeyCode::Char(_) => match typed_char(key) {
                Some(c) => self.insert(c.encode_utf8(&mut [0; 4])),
                None => return false,
            },
            // Alt-Backspace: a word, as in readline and fzf (Esc then Backspace typed quickly
            // arrive as it too)
            KeyCode::Backspace if key.modifiers.contains(KeyModifiers::ALT) => self.delete_word(),
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Left => self.left(),
            KeyCode::Right => self.right(),
            KeyCode::Home => self.home(),
            KeyCode::End => self.end(),
            _ => return false,
        }
        (self.text.len(), self.cursor, self.text.clone()) != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn keys(p: &mut Prompt, ks: &[(KeyCode, KeyModifiers)]) {
        for (c, m) in ks {
            p.handle_key(&KeyEvent::new(*c, *m));
        }
    }

    #[test]
    fn editing_keys() {
        let n = KeyModifiers::NONE;
        let mut p = Prompt::default();
        p.insert("湘乡 county");
        assert_eq!(p.cursor_column(), 4 + 7);
        keys(&mut p, &[(KeyCode::Char('w'), KeyModifiers::CONTROL)]);
        assert_eq!(p.text(), "湘乡 ");
        keys(&mut p, &[(KeyCode::Left, n), (KeyCode::Left, n), (KeyCode::Char('县'), n)]);
        assert_eq!(p.text(), "湘县乡 ");
        assert_eq!(p.cursor_column(), 4);
        keys(&mut p, &[(KeyCode::Backspace, n), (KeyCode::Delete, n)]);
        assert_eq!(p.text(), "湘 ");
        keys(
            &mut p,
            &[(KeyCode::End, n), (KeyCode::Char('x'), n), (KeyCode::Home, n), (KeyCode::Char('^'), n)],
        );
        assert_eq!(p.text(), "^湘 x");
        keys(&mut p, &[(KeyCode::Char('u'), KeyModifiers::CONTROL)]);
        assert_eq!((p.text(), p.cursor()), ("", 0));
        // edges never panic
        keys(
            &mut p,
            &[(KeyCode::Backspace, n), (KeyCode::Delete, n), (KeyCode::Left, n), (KeyCode::Right, n)],
        );
        keys(&mut p, &[(KeyCode::Char('w'), KeyModifiers::CONTROL)]);
        assert_eq!(p.text(), "");
    }

    /// Alt-Backspace deletes a word, as readline and fzf do; it deleted a character.
    #[test]
    fn alt_backspace_deletes_a_word() {
        let mut p = Prompt::default();
        p.insert("water wheel");
        keys(&mut p, &[(KeyCode::Backspace, KeyModifiers::ALT)]);
        assert_eq!(p.text(), "water ");
        keys(&mut p, &[(KeyCode::Backspace, KeyModifiers::NONE)]);
        assert_eq!(p.text(), "water");
    }

    #[test]
    fn paste_is_one_line_without_controls() {
        let mut p = Prompt::default();
        p.insert("a\nb\u{1b}[31m\tc");
        assert_eq!(p.text(), "a b[31m c");
    }
}
