//! Helpers shared by the integration tests: small article fixtures written into a temporary
//! folder (the tests never read /work/shared), and turning a ratatui buffer into text.
#![allow(dead_code)]

pub mod pty;
pub mod research;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::path::{Path, PathBuf};
use unicode_width::UnicodeWidthStr;

/// The app drawn at its size, its invariants checked and no control character in the frame
/// (the drive's check, `diglot::app::drive::checked_frame`): the frame.
pub fn render(app: &diglot::app::App) -> Buffer {
    diglot::app::drive::checked_frame(app, "when drawn").unwrap_or_else(|e| panic!("{e}"))
}

/// Three small, well-formed articles (made up for the tests, in the corpus format), in the
/// order the collection sorts them: by date.
pub const ARTICLES: [(&str, &str); 3] = [
    (
        "rmrb/1955.01/1955-01-03_铁路工人提前完成新桥工程.md",
        "Title: Railway Workers Finish the New Bridge Ahead of Schedule
Author: Li Ming
Date: 1955-01-03
Page: 1

    (Xinhua News Agency) The workers of the Fourth Engineering Bureau finished the new bridge over the Huai River forty days ahead of schedule.

    The bridge is three hundred metres long and carries both the railway and the highway.



<hr /> 

Original: 


### 铁路工人提前完成新桥工程
李明
1955-01-03
第1版()
专栏：

    【新华社讯】第四工程局的工人提前四十天完成了淮河新桥的工程。
    这座桥长三百公尺，铁路和公路都从桥上通过。
",
    ),
    (
        "rmrb/1958.08/1958-08-01_木制水车.md",
        "Title: A Wooden Water Wheel Saves Labour
Author: 
Date: 1958-08-01
Page: 2
    A commune in Hunan built a wooden water wheel that lifts water two metres.
    One wheel does the work of twenty people.

<hr /> 

Original: 


### 木制水车　省工省力
本报记者
1958-08-01
第2版(农业)
专栏：

　　湖南一个公社造了一台木制水车，能把水提高两公尺。
　　一台水车顶二十个人的劳动。
",
    ),
    (
        "rmrb/1966.01/1966-01-05_简讯.md",
        "Title: Brief News
Author: 
Date: 1966-01-05
Edition: 3
Column: Brief News

    The Beijing Library opened a new reading room for workers on the fourth of January.

**Named Entities**

北京图书馆	Běijīng Túshūguǎn (Beijing Library)

<hr /> 

Original: 


### 简讯

1966-01-05
第3版()
专栏：简讯

    北京图书馆一月四日为工人开设了新的阅览室。
",
    ),
];

/// A damaged article: invalid UTF-8, a terminal escape sequence and a bell in the text, a
/// malformed date, a page that is not a number, and no `Original:` part at all.
pub fn damaged_article() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(
        b"Title: Damaged \x1b[31mRed\x1b[0m File\nAuthor: \nDate: 1970-13-45\nPage: four\n\n",
    );
    b.extend_from_slice(
        b"    The first paragraph survives, but here come bad bytes: \xff\xfe and a bell \x07.\n",
    );
    b.extend_from_slice(b"    The second paragraph was cut off in the mid");
    b
}

/// A temporary folder with a name of fixed length in /tmp when it exists (so that paths shown
/// on screen are short and can be redacted in snapshots).
pub fn tempdir() -> tempfile::TempDir {
    let base = if Path::new("/tmp").is_dir() { PathBuf::from("/tmp") } else { std::env::temp_dir() };
    tempfile::Builder::new().prefix("dg").tempdir_in(base).expect("create a temporary folder")
}

/// Writes `files` (relative path, bytes) under `dir`.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (rel, bytes) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
    }
}

/// A temporary folder holding the three [`ARTICLES`] and a README (not an article).
pub fn fixture_dir() -> tempfile::TempDir {
    let dir = tempdir();
    let files: Vec<(&str, &[u8])> = ARTICLES.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    write_files(dir.path(), &files);
    write_files(dir.path(), &[("README.md", b"# Fixtures\n\nNot an article.\n")]);
    dir
}

/// The display width of a cell's symbol (at least 1: an empty symbol still takes its cell).
fn cell_width(sym: &str) -> usize {
    UnicodeWidthStr::width(sym).max(1)
}

/// The text of columns `x0..x1` of row `y`, reading as a person would: the cell hidden
/// behind a double-width character is skipped, so `湘乡` reads as two characters, not four.
/// Trailing spaces are kept.
pub fn row_text(buf: &Buffer, y: u16, x0: u16, x1: u16) -> String {
    let mut s = String::new();
    let mut skip = 0;
    for x in x0..x1 {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let sym = buf[(x, y)].symbol();
        s.push_str(if sym.is_empty() { " " } else { sym });
        skip = cell_width(sym) - 1;
    }
    s
}

/// The whole buffer as lines of text, trailing spaces removed.
pub fn buffer_lines(buf: &Buffer) -> Vec<String> {
    let a = buf.area;
    (a.top()..a.bottom()).map(|y| row_text(buf, y, a.left(), a.right()).trim_end().to_string()).collect()
}

/// The whole buffer as one string, for snapshots.
pub fn buffer_text(buf: &Buffer) -> String {
    buffer_lines(buf).join("\n")
}

/// Cells hidden behind a double-width character must be blank: anything else there means two
/// things were drawn over each other (the terminal would show them misaligned). Returns the
/// offending positions and symbols.
pub fn overdrawn_cells(buf: &Buffer) -> Vec<(u16, u16, String)> {
    let a = buf.area;
    let mut bad = Vec::new();
    for y in a.top()..a.bottom() {
        let mut skip = 0;
        for x in a.left()..a.right() {
            let sym = buf[(x, y)].symbol();
            if skip > 0 {
                skip -= 1;
                if sym != " " && !sym.is_empty() {
                    bad.push((x, y, sym.to_string()));
                }
                continue;
            }
            skip = cell_width(sym) - 1;
        }
        // a double-width character in the last column would stick out of the screen
        if skip > 0 {
            bad.push((a.right(), y, "<past the right edge>".to_string()));
        }
    }
    bad
}

/// True when a wide character starts just left of column `x` on row `y` and covers it: a
/// region boundary at `x` would cut it in half.
pub fn straddles(buf: &Buffer, y: u16, x: u16) -> bool {
    let a = buf.area;
    let mut skip = 0;
    for cx in a.left()..x.min(a.right()) {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        skip = cell_width(buf[(cx, y)].symbol()) - 1;
    }
    skip > 0
}

/// A rectangle as `x,y WxH` for messages.
pub fn rect_str(r: Rect) -> String {
    format!("{},{} {}x{}", r.x, r.y, r.width, r.height)
}
