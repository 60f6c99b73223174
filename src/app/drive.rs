//! A driver for the fuzz target `app` and its proptest twin (tests/drive.rs): an [`App`] over
//! one article made from arbitrary text, fed arbitrary keys and resizes, with
//! [`App::check_invariants`] after each and a frame drawn into a buffer (no terminal, no
//! files: the article the reader asks for is answered from memory).

use super::{App, Effect, Msg};
use crate::corpus::{self, Loaded, Parsed};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::path::PathBuf;

/// The keys the driver presses, one byte picking one.
const KEYS: [KeyCode; 34] = [
    KeyCode::Char('j'),
    KeyCode::Char('k'),
    KeyCode::Char(' '),
    KeyCode::PageUp,
    KeyCode::Char('g'),
    KeyCode::Char('G'),
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Tab,
    KeyCode::Char('['),
    KeyCode::Char(']'),
    KeyCode::Char('v'),
    KeyCode::Char('}'),
    KeyCode::Char('{'),
    KeyCode::Char('s'),
    KeyCode::Char('e'),
    KeyCode::Char('/'),
    KeyCode::Char('a'),
    KeyCode::Char('n'),
    KeyCode::Char('N'),
    KeyCode::Char('z'),
    KeyCode::Char('?'),
    KeyCode::Char('x'),
    KeyCode::Char('('),
    KeyCode::Char(')'),
    KeyCode::Char('h'),
    KeyCode::Char('l'),
    KeyCode::Char('L'),
    KeyCode::Char('湘'),
    KeyCode::Backspace,
    KeyCode::End,
    KeyCode::Home,
    KeyCode::Up,
    KeyCode::Down,
];

/// One step of a drive: a key (with Ctrl or not) or a resize.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A key of the driver's table (the index wraps), Ctrl held or not.
    Key(u8, bool),
    /// The terminal's new size.
    Resize(u16, u16),
}

impl Step {
    /// The step two bytes encode: `a % 8 == 0` a resize to `b % 160 + 1` by `a / 8 % 60 + 1`,
    /// else a key (`b` picks it, the top bit of `a` holds Ctrl).
    pub fn from_bytes(a: u8, b: u8) -> Step {
        if a.is_multiple_of(8) {
            Step::Resize(u16::from(b % 160) + 1, u16::from(a / 8 % 60) + 1)
        } else {
            Step::Key(b, a & 0x80 != 0)
        }
    }

    /// The terminal event of this step.
    pub fn event(self) -> Event {
        match self {
            Step::Resize(w, h) => Event::Resize(w, h),
            Step::Key(k, ctrl) => {
                let code = KEYS.get(usize::from(k) % KEYS.len()).copied().unwrap_or(KeyCode::Esc);
                // Ctrl-c quits: the drive goes on with the app as it is left
                let mods = if ctrl { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
                Event::Key(KeyEvent::new(code, mods))
            }
        }
    }
}

/// Runs the app at `size` over `text` (made an article with a `Title:` line when it is not
/// one) through `steps`, checking the invariants and drawing after each; the first broken
/// invariant, with the step that broke it.
pub fn drive(size: (u16, u16), text: &[u8], steps: &[Step]) -> Result<(), String> {
    let path = PathBuf::from("/fuzz/article.md");
    let article = match corpus::parse_bytes(&path, text) {
        Parsed::Article(a) => *a,
        Parsed::NotArticle(_) => {
            let mut with_title = b"Title: fuzz\n\n".to_vec();
            with_title.extend_from_slice(text);
            match corpus::parse_bytes(&path, &with_title) {
                Parsed::Article(a) => *a,
                // binary input: nothing to read
                Parsed::NotArticle(_) => return Ok(()),
            }
        }
    };
    let beads = crate::align::align_article(&article);
    let mut loaded = Loaded::default();
    loaded.articles.push(article.meta.clone());
    loaded.summary.articles = 1;
    let mut app = App::with_loaded(size, loaded);
    let read = (article, beads);
    let run = |app: &mut App, msg: Msg| {
        let mut queue = std::collections::VecDeque::from(app.update(msg));
        while let Some(e) = queue.pop_front() {
            if let Effect::Open(p) = e {
                let answer = if p == path { Ok(read.clone()) } else { Err("no such article".into()) };
                queue.extend(app.update(Msg::Article(p, Box::new(answer))));
            }
        }
    };
    run(&mut app, Msg::Tick);
    checked_frame(&app, "at the start")?;
    for (k, step) in steps.iter().enumerate() {
        run(&mut app, Msg::Term(step.event()));
        checked_frame(&app, &format!("after step {k} ({step:?})"))?;
    }
    Ok(())
}

/// The app's invariants checked, and a frame drawn at the app's size with no control
/// character in it: the frame, or what is wrong (`when` says at which point). Shared by the
/// drive, the fuzz target `load` and the tests that draw the app.
pub fn checked_frame(app: &App, when: &str) -> Result<Buffer, String> {
    app.check_invariants().map_err(|e| format!("{when}: {e}"))?;
    let (w, h) = app.size;
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    crate::ui::render(app, area, &mut buf);
    if let Some(c) = buf.content().iter().find(|c| c.symbol().chars().any(char::is_control)) {
        return Err(format!("{when}: a control character drawn: {:?}", c.symbol()));
    }
    Ok(buf)
}

/// [`drive`] over raw bytes, as the fuzz target gets them: bytes 0 and 1 the size (mod 160
/// and 60), byte 2 the number of steps (mod 64), two bytes a step, the rest the article.
pub fn drive_bytes(data: &[u8]) -> Result<(), String> {
    let (Some(&w), Some(&h), Some(&n)) = (data.first(), data.get(1), data.get(2)) else { return Ok(()) };
    let rest = data.get(3..).unwrap_or(&[]);
    let n = usize::from(n % 64).min(rest.len() / 2);
    let (ops, text) = rest.split_at(n * 2);
    let steps: Vec<Step> = ops
        .chunks_exact(2)
        .filter_map(|p| p.first().zip(p.get(1)))
        .map(|(&a, &b)| Step::from_bytes(a, b))
        .collect();
    drive((u16::from(w % 160) + 1, u16::from(h % 60) + 1), text, &steps)
}
