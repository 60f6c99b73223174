//! The configuration file: TOML in the XDG config folder (`$XDG_CONFIG_HOME/diglot/config.toml`,
//! else the platform's config folder), or the file given with `--config PATH`.
//!
//! Every setting is optional; a missing default file means the defaults. Unknown keys are
//! errors, and every error names the file, the line and the key. `diglot
//! --print-default-config` prints [`default_config_text`], the whole file with every setting
//! at its default, commented; it parses to [`Config::default`].
//!
//! The file's settings:
//! - `view`: the view the reader opens in (`"both"`, `"english"`, `"chinese"`, `"interleaved"`).
//! - `list_width`: `"auto"`, a number of columns, or a percentage of the terminal (`"35%"`).
//! - `mouse`: mouse capture on or off.
//! - `background_index`: build the full-text index in the background while reading.
//! - `paths`: files or folders opened when no PATH is given (`~/` is the home folder; relative
//!   paths are relative to the config file's folder).
//! - `citation`: the template of the citation `c` copies (see [`crate::export::citation`]).
//! - `hsk_level`: the HSK level (1-6, 7 for 7-9) beyond which words are counted in the
//!   reader's header and coloured; `hsk_colour`: colour them from the start (`H` toggles).
//! - `[colors]`: one style per part of the screen (see [`Paint`]).
//! - `[keys]`: `action = ["key", ...]`, replacing that action's default keys (see
//!   [`crate::keys::parse_key`] for how keys are written; `[]` unbinds the action).

use crate::keys::{key_spec, parse_key, Action, Binding, Key, KeyMap};
use crate::layout::View;
pub use crate::ui::palette::{no_color_env, Colors, Paint, Palette};
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The HSK level beyond which words are counted and coloured by default.
pub const DEFAULT_HSK_LEVEL: u8 = 4;

/// The name of the config file inside the config folder.
pub const FILE_NAME: &str = "config.toml";

/// How wide the article list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListWidth {
    /// diglot decides: wide while browsing, narrow while reading.
    #[default]
    Auto,
    /// A fixed number of columns.
    Columns(u16),
    /// A percentage (1..=90) of the terminal's width.
    Percent(u8),
}

impl ListWidth {
    /// The list's width in a terminal `total` columns wide, or `None` for [`ListWidth::Auto`].
    /// Never more than `total`.
    pub fn columns(self, total: u16) -> Option<u16> {
        match self {
            ListWidth::Auto => None,
            ListWidth::Columns(c) => Some(c.min(total)),
            ListWidth::Percent(p) => Some((u32::from(total) * u32::from(p) / 100) as u16),
        }
    }

    fn spec(self) -> String {
        match self {
            ListWidth::Auto => "\"auto\"".into(),
            ListWidth::Columns(c) => c.to_string(),
            ListWidth::Percent(p) => format!("\"{p}%\""),
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The view the reader opens in.
    pub view: View,
    /// The list's width.
    pub list_width: ListWidth,
    /// Mouse capture (click, wheel); off leaves the terminal's own text selection.
    pub mouse: bool,
    /// Build (and update) the full-text index in the background while the reader runs; off,
    /// an index already built is still used while it is up to date.
    pub background_index: bool,
    /// Files or folders opened when no PATH is given; empty for the embedded seeds.
    pub paths: Vec<PathBuf>,
    /// The colours.
    pub colors: Colors,
    /// The citation template (see [`crate::export::citation`]).
    pub citation: String,
    /// The key bindings in force.
    pub keys: KeyMap,
    /// Words above this HSK level (or in none) are counted and coloured (1-6; 7 for 7-9).
    pub hsk_level: u8,
    /// Colour the words beyond [`Config::hsk_level`] from the start.
    pub hsk_colour: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            view: View::Both,
            list_width: ListWidth::Auto,
            mouse: true,
            background_index: true,
            paths: Vec::new(),
            colors: Colors::default(),
            citation: crate::export::DEFAULT_CITATION.to_string(),
            keys: KeyMap::default(),
            hsk_level: DEFAULT_HSK_LEVEL,
            hsk_colour: false,
        }
    }
}

impl PartialEq for Config {
    fn eq(&self, other: &Self) -> bool {
        let keys = |m: &KeyMap| m.bindings.iter().map(|b| (b.action, b.keys.clone())).collect::<Vec<_>>();
        self.view == other.view
            && self.list_width == other.list_width
            && self.mouse == other.mouse
            && self.background_index == other.background_index
            && self.paths == other.paths
            && self.colors == other.colors
            && self.citation == other.citation
            && self.hsk_level == other.hsk_level
            && self.hsk_colour == other.hsk_colour
            && keys(&self.keys) == keys(&other.keys)
    }
}

/// Why the configuration could not be used.
#[derive(Debug)]
pub enum ConfigError {
    /// The file could not be read (a missing `--config` file, permissions...).
    Read {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: io::Error,
    },
    /// The file says something wrong.
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the mistake.
        line: usize,
        /// The key, dotted (`colors.title`, `keys.down`); empty for a syntax error outside any key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Read { path, source } => {
                write!(f, "cannot read config file {}: {source}", path.display())
            }
            ConfigError::Invalid { path, line, key, message } if key.is_empty() => {
                write!(f, "{}:{line}: {message}", path.display())
            }
            ConfigError::Invalid { path, line, key, message } => {
                write!(f, "{}:{line}: `{key}`: {message}", path.display())
            }
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Read { source, .. } => Some(source),
            ConfigError::Invalid { .. } => None,
        }
    }
}

/// The default config file's path: `$XDG_CONFIG_HOME/diglot/config.toml` when that variable
/// holds an absolute path, else the platform's config folder (`~/.config/diglot` on Linux).
pub fn default_path() -> Option<PathBuf> {
    crate::dirs::config_dir().map(|d| d.join(FILE_NAME))
}

/// A config file larger than this is refused before it is read (the default one is ~4 KB).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

impl Config {
    /// Loads the configuration: from `path` when given (it must exist), else from
    /// [`default_path`] (a missing file there means the defaults).
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let (path, must_exist) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) => (p, false),
                None => return Ok(Config::default()),
            },
        };
        // type and size looked at before reading: `/dev/zero` would never end, a FIFO would block
        match crate::fsutil::read_regular(&path, MAX_CONFIG_BYTES).map_err(io::Error::from) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| ConfigError::Invalid {
                    path: path.clone(),
                    line: 1 + e
                        .as_bytes()
                        .get(..e.utf8_error().valid_up_to())
                        .unwrap_or(&[])
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count(),
                    key: String::new(),
                    message: "the file is not UTF-8".into(),
                })?;
                Config::parse(&text, &path)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound && !must_exist => Ok(Config::default()),
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// Parses a config file's text; `origin` is the file, named in errors, and the folder
    /// relative `paths` are taken from.
    pub fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
        let err = |span: std::ops::Range<usize>, key: &str, message: String| ConfigError::Invalid {
            path: origin.to_path_buf(),
            line: line_of(text, span.start),
            key: key.to_string(),
            message,
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let key = key_at(text, span.start);
            err(span, &key, e.message().trim().to_string())
        })?;
        let mut config = Config::default();
        if let Some(v) = raw.view {
            config.view = parse_view(v.get_ref()).map_err(|m| err(v.span(), "view", m))?;
        }
        if let Some(v) = raw.list_width {
            config.list_width = parse_list_width(v.get_ref()).map_err(|m| err(v.span(), "list_width", m))?;
        }
        if let Some(m) = raw.mouse {
            config.mouse = m;
        }
        if let Some(l) = raw.hsk_level {
            let max = crate::dict::hsk::MAX_LEVEL;
            config.hsk_level =
                u8::try_from(*l.get_ref()).ok().filter(|l| (1..=max).contains(l)).ok_or_else(|| {
                    err(l.span(), "hsk_level", format!("an HSK level from 1 to {max} (7: 7-9)"))
                })?;
        }
        if let Some(c) = raw.hsk_colour {
            config.hsk_colour = c;
        }
        if let Some(b) = raw.background_index {
            config.background_index = b;
        }
        if let Some(paths) = raw.paths {
            let base = origin.parent().unwrap_or(Path::new(""));
            // an empty path (`""`, say a variable left unset by a template) would be the
            // config file's own folder: said, as an empty PATH on the command line is
            if let Some(e) = paths.iter().find(|p| p.get_ref().trim().is_empty()) {
                let msg = "an empty path: give a file or folder (`paths = []` opens the seed articles)";
                return Err(err(e.span(), "paths", msg.to_string()));
            }
            config.paths = paths.iter().map(|p| expand_path(p.get_ref(), base)).collect();
        }
        if let Some(c) = raw.citation {
            crate::export::check_template(c.get_ref()).map_err(|m| err(c.span(), "citation", m))?;
            config.citation = c.into_inner();
        }
        for (name, spec) in raw.colors.unwrap_or_default() {
            let key = format!("colors.{}", name.get_ref());
            let Some(slot) = config.colors.get_mut(name.get_ref()) else {
                let known: Vec<&str> = Colors::KEYS.iter().map(|(k, _)| *k).collect();
                let msg =
                    format!("unknown colour key `{}`; the keys are {}", name.get_ref(), known.join(", "));
                return Err(err(name.span(), &key, msg));
            };
            *slot = Paint::parse(spec.get_ref()).map_err(|m| err(spec.span(), &key, m))?;
        }
        config.keys = keymap(raw.keys.unwrap_or_default(), &err)?;
        Ok(config)
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    view: Option<Spanned<String>>,
    list_width: Option<Spanned<toml::Value>>,
    mouse: Option<bool>,
    background_index: Option<bool>,
    paths: Option<Vec<Spanned<String>>>,
    citation: Option<Spanned<String>>,
    hsk_level: Option<Spanned<i64>>,
    hsk_colour: Option<bool>,
    colors: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    keys: Option<Entries>,
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text.as_bytes().get(..end).unwrap_or(&[]).iter().filter(|&&b| b == b'\n').count()
}

/// The dotted key being defined at `offset`: the nearest `key =` line at or above it, inside
/// the nearest `[table]` header above that (or the header itself when the offset is on it).
fn key_at(text: &str, offset: usize) -> String {
    let line = line_of(text, offset);
    let lines: Vec<&str> = text.lines().take(line).collect();
    let mut key = None;
    for l in lines.iter().rev() {
        let t = l.trim_start();
        if t.starts_with('[') {
            let table = t.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            return match key {
                Some(k) => format!("{table}.{k}"),
                None => table.to_string(),
            };
        }
        if key.is_none() && !t.starts_with('#') {
            if let Some((k, _)) = t.split_once('=') {
                let k = k.trim().trim_matches(['"', '\'']);
                if !k.is_empty() && !k.contains(char::is_whitespace) {
                    key = Some(k.to_string());
                }
            }
        }
    }
    key.unwrap_or_default()
}

fn parse_view(s: &str) -> Result<View, String> {
    match s.to_ascii_lowercase().as_str() {
        "both" => Ok(View::Both),
        "english" | "en" => Ok(View::English),
        "chinese" | "zh" => Ok(View::Chinese),
        "interleaved" => Ok(View::Interleaved),
        _ => Err(format!("unknown view `{s}`: use \"both\", \"english\", \"chinese\" or \"interleaved\"")),
    }
}

fn parse_list_width(v: &toml::Value) -> Result<ListWidth, String> {
    let bad = || {
        format!(
            "`{v}` is not a list width: use \"auto\", a number of columns from 1 to {} (e.g. 40) or a percentage (\"35%\")",
            u16::MAX
        )
    };
    match v {
        toml::Value::Integer(n) => {
            u16::try_from(*n).ok().filter(|&n| n > 0).map(ListWidth::Columns).ok_or_else(bad)
        }
        toml::Value::String(s) if s.trim().eq_ignore_ascii_case("auto") => Ok(ListWidth::Auto),
        toml::Value::String(s) => match s.trim().strip_suffix('%') {
            Some(p) => match p.trim().parse::<u8>() {
                Ok(p) if (1..=90).contains(&p) => Ok(ListWidth::Percent(p)),
                _ => Err(format!("`{s}`: a percentage from 1% to 90%")),
            },
            None => s.trim().parse::<u16>().ok().filter(|&n| n > 0).map(ListWidth::Columns).ok_or_else(bad),
        },
        _ => Err(bad()),
    }
}

fn expand_path(p: &str, base: &Path) -> PathBuf {
    let home = crate::dirs::home_dir;
    if p == "~" {
        if let Some(h) = home() {
            return h;
        }
    }
    if let Some(rest) = p.strip_prefix("~/") {
        if let Some(h) = home() {
            return h.join(rest);
        }
    }
    let path = PathBuf::from(p);
    if path.is_relative() && !base.as_os_str().is_empty() {
        base.join(path)
    } else {
        path
    }
}

type Entries = BTreeMap<Spanned<String>, Spanned<Vec<Spanned<String>>>>;

fn keymap(
    entries: Entries,
    err: &dyn Fn(std::ops::Range<usize>, &str, String) -> ConfigError,
) -> Result<KeyMap, ConfigError> {
    let mut map = KeyMap::default();
    // line each configured action was set on, to name in conflicts
    let mut set: Vec<(Action, std::ops::Range<usize>)> = Vec::new();
    for (name, specs) in entries {
        let key = format!("keys.{}", name.get_ref());
        let Some(action) = Action::from_name(name.get_ref()) else {
            let known: Vec<&str> = Action::all().map(|a| a.name()).collect();
            let msg = format!("unknown action `{}`; the actions are {}", name.get_ref(), known.join(", "));
            return Err(err(name.span(), &key, msg));
        };
        let mut keys: Vec<Key> = Vec::new();
        for spec in specs.get_ref() {
            let k = parse_key(spec.get_ref()).map_err(|m| err(spec.span(), &key, m))?;
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        match map.bindings.iter_mut().find(|b| b.action == action) {
            Some(b) => b.keys = keys,
            None => map.bindings.push(Binding {
                keys,
                action,
                help: action.def().map_or(action.name(), |d| d.help),
            }),
        }
        set.push((action, specs.span()));
    }
    // A key may do one thing only (the word cursor's keys are a map of their own).
    let mut seen: Vec<(Key, Action)> = Vec::new();
    let mut conflicts: Vec<(usize, std::ops::Range<usize>, ConfigError)> = Vec::new();
    for b in &map.bindings {
        for k in &b.keys {
            if let Some((_, other)) =
                seen.iter().find(|(s, a)| s == k && a.word_mode() == b.action.word_mode())
            {
                let at = |a: Action| set.iter().find(|(x, _)| *x == a).map(|(_, s)| s.clone());
                let (span, mine, theirs) = match (at(b.action), at(*other)) {
                    (Some(s), Some(t)) if t.start > s.start => (t, *other, b.action),
                    (Some(s), _) => (s, b.action, *other),
                    (None, Some(t)) => (t, *other, b.action),
                    (None, None) => continue,
                };
                let by_default = if at(theirs).is_none() {
                    format!(" by default (set `{}` in [keys] without it)", theirs.name())
                } else {
                    String::new()
                };
                let msg =
                    format!("key `{}` is already bound to `{}`{by_default}", key_spec(k), theirs.name());
                conflicts.push((span.start, span.clone(), err(span, &format!("keys.{}", mine.name()), msg)));
            } else {
                seen.push((*k, b.action));
            }
        }
    }
    if let Some((_, _, e)) = conflicts.into_iter().min_by_key(|(s, _, _)| *s) {
        return Err(e);
    }
    Ok(map)
}

/// A TOML string holding `s`: a literal string when that needs no escape, else a basic one.
fn toml_str(s: &str) -> String {
    let plain = !s.chars().any(char::is_control);
    if plain && !s.contains(['"', '\\']) {
        format!("\"{s}\"")
    } else if plain && !s.contains('\'') {
        format!("'{s}'")
    } else if plain && !s.contains("'''") && !s.ends_with('\'') {
        format!("'''{s}'''")
    } else {
        toml::Value::String(s.to_string()).to_string()
    }
}

/// The whole default config file, commented: every setting at its default value. It parses
/// to [`Config::default`]; `diglot --print-default-config` prints it.
pub fn default_config_text() -> String {
    let d = Config::default();
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    line("# diglot configuration (TOML).");
    line("#");
    line("# diglot reads $XDG_CONFIG_HOME/diglot/config.toml (~/.config/diglot/config.toml),");
    line("# or the file given with --config PATH. Every setting below is the default: delete");
    line("# what you do not change. Unknown keys are errors.");
    line("");
    line("# The view the reader opens in: \"both\" (side by side), \"english\", \"chinese\",");
    line("# \"interleaved\" (each English paragraph with its Chinese beneath).");
    line(&format!("view = {}", toml_str(&format!("{:?}", d.view).to_ascii_lowercase())));
    line("");
    line("# Width of the article list: \"auto\" (wide while browsing, narrow while reading),");
    line("# a number of columns (40), or a percentage of the terminal's width (\"35%\").");
    line(&format!("list_width = {}", d.list_width.spec()));
    line("");
    line("# Mouse: click to select, wheel to scroll. false leaves the terminal's own text selection.");
    line(&format!("mouse = {}", d.mouse));
    line("");
    line("# Build the full-text index in the background (Ctrl-f then takes the query language");
    line("# and shows the timeline and the concordance); false: an index `diglot index` built is");
    line("# used while it is up to date, else Ctrl-f scans the files.");
    line(&format!("background_index = {}", d.background_index));
    line("");
    line("# Files or folders opened when diglot is started without PATH arguments, e.g.");
    line("# [\"~/rmrb\"] (~/ is your home; relative paths are relative to this file's folder).");
    line("# [] opens the seed articles built into diglot.");
    line("paths = []");
    line("");
    line("# The citation `c` copies. Placeholders: {authors} (English, \"A, B, and C\"),");
    line("# {authors_zh}, {title_en}, {title_zh} (with its subtitle), {date} (1960-11-13),");
    line("# {date_long} (13 November 1960), {year}, {page}, {section}, {column}, {column_zh},");
    line("# {path}. A title ending in ? ! or . swallows the , or . after it.");
    line("# [ ... ] is left out when a placeholder inside it is empty; write [[ ]] {{ }} for");
    line("# the characters themselves.");
    line(&format!("citation = {}", toml_str(&d.citation)));
    line("");
    line("# Chinese words above this HSK level (1-6; 7 for 7-9), or in no level, are counted in");
    line("# the reader's header and coloured when HSK colouring is on (H, or hsk_colour = true).");
    line(&format!("hsk_level = {}", d.hsk_level));
    line(&format!("hsk_colour = {}", d.hsk_colour));
    line("");
    line("# Colours: \"[bold|dim|italic|underlined|reversed] [colour] [on colour]\". Colours are");
    line("# black red green yellow blue magenta cyan gray dark-gray light-red light-green");
    line("# light-yellow light-blue light-magenta light-cyan white, #rrggbb, 0-255, or none for");
    line("# the terminal's own. NO_COLOR=1 in the environment turns every colour off.");
    line("[colors]");
    for (key, help) in Colors::KEYS {
        let paint = d.colors.get(key).copied().unwrap_or_default();
        let entry = format!("{key} = {}", toml_str(&paint.spec()));
        line(&format!("{entry:<30} # {}", help.trim()));
    }
    line("");
    line("# Keys: action = [\"key\", ...] replaces the action's keys; [] unbinds it. Keys are one");
    line("# character (\"j\", \"J\", \"/\") or Space Up Down Left Right PgUp PgDn Home End Enter Esc");
    line("# Tab S-Tab Backspace Del Ins F1..F24, after optional Ctrl- and Alt- (\"Ctrl-d\").");
    line("# A key can do one thing only. The help overlay (?) shows the keys in force.");
    line("[keys]");
    let mut group = None;
    for b in &d.keys.bindings {
        let g = b.action.def().map(|d| d.group);
        if g != group {
            if let Some(g) = g {
                line(&format!("# {}", g.title()));
            }
            group = g;
        }
        let keys: Vec<String> = b.keys.iter().map(|k| toml_str(&key_spec(k))).collect();
        let entry = format!("{} = [{}]", b.action.name(), keys.join(", "));
        line(&format!("{entry:<42} # {}", b.help));
    }
    let unbound: Vec<Action> =
        Action::all().filter(|a| !d.keys.bindings.iter().any(|b| b.action == *a)).collect();
    if !unbound.is_empty() {
        line("# Actions without a key by default:");
        for a in unbound {
            line(&format!("# {} = []", a.name()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_width_forms() {
        let v = |s: &str| toml::from_str::<toml::Table>(&format!("x = {s}")).unwrap()["x"].clone();
        assert_eq!(parse_list_width(&v("40")), Ok(ListWidth::Columns(40)));
        assert_eq!(parse_list_width(&v("\"35%\"")), Ok(ListWidth::Percent(35)));
        assert_eq!(parse_list_width(&v("\"auto\"")), Ok(ListWidth::Auto));
        assert!(parse_list_width(&v("0")).is_err());
        assert!(parse_list_width(&v("\"200%\"")).is_err());
        assert_eq!(ListWidth::Percent(50).columns(81), Some(40));
        assert_eq!(ListWidth::Columns(500).columns(80), Some(80));
    }

    #[test]
    fn key_at_names_the_table_and_key() {
        let t = "view = 1\n[colors]\ntitle = 2\n\n[keys]\ndown = [\n  3,\n]\n";
        assert_eq!(key_at(t, 0), "view");
        assert_eq!(key_at(t, t.find("title").unwrap()), "colors.title");
        assert_eq!(key_at(t, t.find("3,").unwrap()), "keys.down");
        assert_eq!(key_at(t, t.find("[keys]").unwrap()), "keys");
    }
}
