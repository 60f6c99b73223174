//! Colours: the styles of the screen's parts as the config file writes them ([`Paint`],
//! [`Colors`], the `[colors]` table), resolved to ratatui styles ([`Palette`]) with the
//! `NO_COLOR` convention applied ([`no_color_env`]).

use ratatui::style::{Color, Modifier, Style};

/// A style from the config: foreground and background colours and text attributes, written
/// `"cyan"`, `"black on yellow"`, `"bold light-red"`, `"#aabbcc on 236"`, `"none"`.
///
/// Colours: `black red green yellow blue magenta cyan gray dark-gray light-red light-green
/// light-yellow light-blue light-magenta light-cyan white`, `#rrggbb`, or a palette index
/// `0`..`255`; `default` (or `none`) for the terminal's own. Attributes: `bold dim italic
/// underlined reversed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paint {
    /// Text colour; `None` for the terminal's own.
    pub fg: Option<Color>,
    /// Background colour; `None` for the terminal's own.
    pub bg: Option<Color>,
    /// Attributes added (bold, italic...).
    pub modifiers: Modifier,
}

const COLOR_NAMES: [(&str, Color); 16] = [
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("dark-gray", Color::DarkGray),
    ("light-red", Color::LightRed),
    ("light-green", Color::LightGreen),
    ("light-yellow", Color::LightYellow),
    ("light-blue", Color::LightBlue),
    ("light-magenta", Color::LightMagenta),
    ("light-cyan", Color::LightCyan),
    ("white", Color::White),
];

const MODIFIER_NAMES: [(&str, Modifier); 5] = [
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
];

/// A colour name, `#rrggbb` or a palette index; `Ok(None)` for `default`/`none`.
fn parse_color(word: &str) -> Result<Option<Color>, String> {
    let w = word.to_ascii_lowercase().replace(['_', ' '], "-");
    let w = w.replace("grey", "gray");
    if matches!(w.as_str(), "default" | "none" | "reset") {
        return Ok(None);
    }
    if let Some((_, c)) = COLOR_NAMES.iter().find(|(n, _)| *n == w) {
        return Ok(Some(*c));
    }
    if let Some(hex) = w.strip_prefix('#') {
        if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let v = u32::from_str_radix(hex, 16).map_err(|e| e.to_string())?;
            return Ok(Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)));
        }
        return Err(format!("`{word}` is not a colour: write #rrggbb with six hex digits"));
    }
    if let Ok(i) = w.parse::<u8>() {
        return Ok(Some(Color::Indexed(i)));
    }
    Err(format!(
        "unknown colour `{word}`: use a name ({}), #rrggbb, 0-255 or none",
        COLOR_NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
    ))
}

fn color_spec(c: Option<Color>) -> String {
    match c {
        None => "none".into(),
        Some(Color::Rgb(r, g, b)) => format!("#{r:02x}{g:02x}{b:02x}"),
        Some(Color::Indexed(i)) => i.to_string(),
        Some(c) => COLOR_NAMES.iter().find(|(_, k)| *k == c).map_or("none", |(n, _)| n).to_string(),
    }
}

impl Paint {
    /// A foreground colour alone.
    pub const fn fg(c: Color) -> Paint {
        Paint { fg: Some(c), bg: None, modifiers: Modifier::empty() }
    }

    /// Parses `"[attributes] [colour] [on colour]"`.
    pub fn parse(spec: &str) -> Result<Paint, String> {
        let mut paint = Paint::default();
        let words: Vec<&str> = spec.split_whitespace().collect();
        let mut i = 0;
        let mut fg_set = false;
        while let Some(&w) = words.get(i) {
            let lw = w.to_ascii_lowercase();
            if let Some((_, m)) = MODIFIER_NAMES.iter().find(|(n, _)| *n == lw) {
                paint.modifiers |= *m;
            } else if lw == "on" {
                let Some(c) = words.get(i + 1) else {
                    return Err(format!("`{spec}`: a colour must follow `on`"));
                };
                paint.bg = parse_color(c)?;
                i += 1;
            } else if fg_set {
                return Err(format!("`{spec}`: two text colours (write `fg on bg` for a background)"));
            } else {
                paint.fg = parse_color(w)?;
                fg_set = true;
            }
            i += 1;
        }
        Ok(paint)
    }

    /// The style to draw with: without colours when `no_color` (attributes stay).
    pub fn style(&self, no_color: bool) -> Style {
        let mut s = Style::default().add_modifier(self.modifiers);
        if !no_color {
            if let Some(c) = self.fg {
                s = s.fg(c);
            }
            if let Some(c) = self.bg {
                s = s.bg(c);
            }
        }
        s
    }

    /// The spec this paint is written as in the config file.
    pub fn spec(&self) -> String {
        let mut words: Vec<String> = MODIFIER_NAMES
            .iter()
            .filter(|(_, m)| self.modifiers.contains(*m))
            .map(|(n, _)| n.to_string())
            .collect();
        if self.fg.is_some() || self.bg.is_none() {
            words.push(color_spec(self.fg));
        }
        if self.bg.is_some() {
            words.push(format!("on {}", color_spec(self.bg)));
        }
        words.join(" ")
    }
}

macro_rules! colors {
    ($( $(#[doc = $doc:literal])* $field:ident : $default:expr ),* $(,)?) => {
        /// The colours of the screen's parts (`[colors]`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Colors {
            $( $(#[doc = $doc])* pub $field: Paint, )*
        }

        /// [`Colors`] resolved to styles, with `NO_COLOR` applied.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct Palette {
            $( $(#[doc = $doc])* pub $field: Style, )*
        }

        impl Default for Colors {
            fn default() -> Self {
                Colors { $( $field: $default, )* }
            }
        }

        impl Colors {
            /// The names of the `[colors]` keys, with their help text.
            pub const KEYS: &'static [(&'static str, &'static str)] =
                &[ $( (stringify!($field), concat!($($doc),*)) ),* ];

            /// The styles to draw with; `no_color` (the `NO_COLOR` variable, see
            /// [`no_color_env`]) drops every colour, keeping bold, reverse video and the rest.
            pub fn resolve(&self, no_color: bool) -> Palette {
                Palette { $( $field: self.$field.style(no_color), )* }
            }

            pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Paint> {
                match key {
                    $( stringify!($field) => Some(&mut self.$field), )*
                    _ => None,
                }
            }

            pub(crate) fn get(&self, key: &str) -> Option<&Paint> {
                match key {
                    $( stringify!($field) => Some(&self.$field), )*
                    _ => None,
                }
            }
        }
    };
}

colors! {
    /// Titles (drawn bold in any case).
    title: Paint::default(),
    /// Date, page, section and author lines of the reader's header.
    meta: Paint::fg(Color::Cyan),
    /// English text.
    english: Paint::default(),
    /// Chinese text, in the reader and the list: the terminal's own foreground by default,
    /// readable on light and dark backgrounds alike.
    chinese: Paint::default(),
    /// Dates in the list.
    date: Paint::fg(Color::Cyan),
    /// Page numbers in the list.
    page: Paint::fg(Color::Yellow),
    /// Search hits.
    highlight: Paint { fg: Some(Color::Black), bg: Some(Color::Yellow), modifiers: Modifier::empty() },
    /// The search hit last jumped to (`n`/`N`), set apart from the other hits.
    current: Paint { fg: Some(Color::Black), bg: Some(Color::LightRed), modifiers: Modifier::BOLD },
    /// Glossary terms in the text (underlined and bold in any case).
    term: Paint::default(),
    /// The bead marker beside the current paragraph pair.
    marker: Paint::fg(Color::Yellow),
    /// Error messages.
    error: Paint::fg(Color::Red),
    /// The selected article (reverse video in any case).
    selection: Paint::default(),
    /// The status bar.
    status: Paint::default(),
    /// Trust marks: the `!` beside a paragraph pair whose translation looks wrong (bold in
    /// any case).
    warning: Paint::fg(Color::LightRed),
}

/// Whether the `NO_COLOR` convention asks for no colours: the variable is set and not empty.
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_parse_and_print_back() {
        for spec in ["cyan", "black on yellow", "bold light-red", "#aabbcc on 236", "none", "italic none"] {
            let p = Paint::parse(spec).unwrap();
            assert_eq!(Paint::parse(&p.spec()).unwrap(), p, "{spec}");
        }
        assert_eq!(Paint::parse("Light_Green").unwrap(), Paint::fg(Color::LightGreen));
        assert!(Paint::parse("chartreuse").is_err());
        assert!(Paint::parse("red blue").is_err());
        assert!(Paint::parse("red on").is_err());
        let p = Paint::parse("bold red on blue").unwrap();
        assert_eq!(p.style(true), Style::default().add_modifier(Modifier::BOLD));
    }
}
