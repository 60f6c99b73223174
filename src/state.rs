//! What diglot remembers between runs: read marks, bookmarks, and per collection the last
//! article and the reading position. JSON in the XDG state folder
//! (`$XDG_STATE_HOME/diglot/state.json`, `~/.local/state/diglot/state.json`).
//!
//! Saving is atomic: the new state goes to a temporary file in the same folder, which is
//! flushed to disk and then renamed over the old file (and the folder synced), so a crash or
//! a kill at any moment leaves the old state or the new one, never a broken file. A state
//! file that cannot be read is renamed aside (`state.corrupt-<unix time>.json`), and
//! [`State::load`] says so in a message for the status bar; diglot then starts fresh.
//!
//! Articles are remembered by path, made absolute (see [`article_key`]); a collection by
//! the paths it was opened on (see [`collection_key`]).

use crate::layout::View;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The state file's name inside the state folder.
pub const FILE_NAME: &str = "state.json";
/// Temporary files are named `.state.json.<pid>.tmp`.
const TEMP_PREFIX: &str = ".state.json.";
const TEMP_SUFFIX: &str = ".tmp";
/// The format version written.
const VERSION: u32 = 1;

/// Where a collection was left: the article and the reading position in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// The article's key (see [`article_key`]).
    pub article: String,
    /// The layout block at the top of the reader ([`crate::layout::Position::block`]).
    pub block: usize,
    /// The row offset inside that block.
    pub offset: usize,
    /// The view the position belongs to.
    pub view: View,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
struct Data {
    version: u32,
    read: BTreeSet<String>,
    bookmarks: BTreeSet<String>,
    collections: BTreeMap<String, Resume>,
}

/// The remembered state. Changes mark it dirty; [`State::save`] writes it.
#[derive(Debug, Clone, Default)]
pub struct State {
    data: Data,
    dirty: bool,
    /// Set when an unreadable state file could not be moved aside: saving would destroy it.
    blocked: Option<PathBuf>,
}

/// Equal when they remember the same things (the dirty mark and format version aside).
impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.data, &other.data);
        a.read == b.read && a.bookmarks == b.bookmarks && a.collections == b.collections
    }
}

/// The key an article is remembered by: its path made absolute (without touching the file
/// system beyond the current folder), or as it is for the embedded seeds (`<embedded>/...`).
pub fn article_key(path: &Path) -> String {
    if path.starts_with(crate::corpus::seeds::PREFIX) || path.is_absolute() {
        return path.to_string_lossy().into_owned();
    }
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).to_string_lossy().into_owned()
}

/// The key a collection is remembered by: the absolute paths it was opened on, sorted, one
/// per line; `<embedded>` for the seed articles (no paths).
pub fn collection_key(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return crate::corpus::seeds::PREFIX.to_string();
    }
    let mut keys: Vec<String> = paths.iter().map(|p| article_key(p)).collect();
    keys.sort();
    keys.dedup();
    keys.join("\n")
}

/// The state folder: `$XDG_STATE_HOME/diglot` when that variable holds an absolute path,
/// else the platform's (`~/.local/state/diglot` on Linux; the local data folder where the
/// platform has no state folder).
pub fn default_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_STATE_HOME").map(PathBuf::from).filter(|p| p.is_absolute()) {
        return Some(x.join("diglot"));
    }
    let dirs = directories::ProjectDirs::from("", "", "diglot")?;
    Some(dirs.state_dir().unwrap_or(dirs.data_local_dir()).to_path_buf())
}

/// The data folder: `$XDG_DATA_HOME/diglot` (usually `~/.local/share/diglot`), where the
/// word list is kept.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").map(PathBuf::from).filter(|p| p.is_absolute()) {
        return Some(x.join("diglot"));
    }
    let dirs = directories::ProjectDirs::from("", "", "diglot")?;
    Some(dirs.data_dir().to_path_buf())
}

impl State {
    /// Loads the state from `dir`. A missing file is an empty state. A file that cannot be
    /// read or parsed is renamed aside (a name with `corrupt` in it) and an empty state
    /// returned, with a message saying so for the status bar.
    pub fn load(dir: &Path) -> (State, Option<String>) {
        let path = dir.join(FILE_NAME);
        clean_stale_temps(dir);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return (State::default(), None),
            Err(e) => return set_aside(&path, &format!("could not be read ({e})")),
        };
        match serde_json::from_slice::<Data>(&bytes) {
            Ok(data) => (State { data, dirty: false, blocked: None }, None),
            Err(e) => set_aside(&path, &format!("is damaged ({e})")),
        }
    }

    /// Saves the state into `dir` (created if needed), atomically; clears the dirty mark.
    pub fn save(&mut self, dir: &Path) -> io::Result<()> {
        if let Some(p) = &self.blocked {
            return Err(io::Error::other(format!(
                "not saving: the unreadable state file {} could not be moved aside",
                p.display()
            )));
        }
        fs::create_dir_all(dir)?;
        let mut data = self.data.clone();
        data.version = VERSION;
        let mut bytes = serde_json::to_vec_pretty(&data).map_err(io::Error::other)?;
        bytes.push(b'\n');
        write_atomic(&dir.join(FILE_NAME), &bytes)?;
        self.dirty = false;
        Ok(())
    }

    /// Saves only when something changed since the last load or save; returns whether it wrote.
    pub fn save_if_dirty(&mut self, dir: &Path) -> io::Result<bool> {
        if !self.dirty {
            return Ok(false);
        }
        self.save(dir).map(|()| true)
    }

    /// Whether something changed since the last load or save.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// Whether the article at `path` has been read.
    pub fn is_read(&self, path: &Path) -> bool {
        self.data.read.contains(&article_key(path))
    }

    /// Marks the article read or unread.
    pub fn set_read(&mut self, path: &Path, read: bool) {
        let key = article_key(path);
        let changed = if read { self.data.read.insert(key) } else { self.data.read.remove(&key) };
        self.dirty |= changed;
    }

    /// Toggles the read mark; returns whether the article is now read.
    pub fn toggle_read(&mut self, path: &Path) -> bool {
        let now = !self.is_read(path);
        self.set_read(path, now);
        now
    }

    /// Whether the article at `path` is bookmarked.
    pub fn is_bookmarked(&self, path: &Path) -> bool {
        self.data.bookmarks.contains(&article_key(path))
    }

    /// Toggles the bookmark; returns whether the article is now bookmarked.
    pub fn toggle_bookmark(&mut self, path: &Path) -> bool {
        let key = article_key(path);
        let now = if self.data.bookmarks.remove(&key) {
            false
        } else {
            self.data.bookmarks.insert(key);
            true
        };
        self.dirty = true;
        now
    }

    /// Number of read articles and of bookmarks (over every collection).
    pub fn counts(&self) -> (usize, usize) {
        (self.data.read.len(), self.data.bookmarks.len())
    }

    /// Where the collection (see [`collection_key`]) was left.
    pub fn resume(&self, collection: &str) -> Option<&Resume> {
        self.data.collections.get(collection)
    }

    /// Remembers where the collection was left.
    pub fn set_resume(&mut self, collection: &str, resume: Resume) {
        if self.data.collections.get(collection) != Some(&resume) {
            self.data.collections.insert(collection.to_string(), resume);
            self.dirty = true;
        }
    }
}

/// Renames an unreadable state file aside; the message for the status bar.
fn set_aside(path: &Path, why: &str) -> (State, Option<String>) {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut aside = dir.join(format!("state.corrupt-{secs}.json"));
    let mut n = 1;
    while aside.exists() {
        aside = dir.join(format!("state.corrupt-{secs}-{n}.json"));
        n += 1;
    }
    match fs::rename(path, &aside) {
        Ok(()) => {
            let msg = format!("state file {why}; moved to {}; starting fresh", aside.display());
            (State::default(), Some(crate::text::sanitize(&msg).into_owned()))
        }
        Err(e) => {
            let msg = format!(
                "state file {} {why} and could not be moved aside ({e}); starting fresh, not saving",
                path.display()
            );
            let state = State { blocked: Some(path.to_path_buf()), ..State::default() };
            (state, Some(crate::text::sanitize(&msg).into_owned()))
        }
    }
}

/// Removes temporary files left by a crash mid-save, when older than an hour (a younger one
/// may be another diglot's save in progress).
fn clean_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(3600));
        if old {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// The temporary file [`write_atomic`] writes before renaming it over `path`: in the same
/// folder, `.<name>.<pid>.tmp`.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, written and
/// synced, renamed over `path`, then the folder synced. Readers see the old content or the
/// new, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(path.parent().unwrap_or(Path::new(".")));
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Syncs a folder so a rename in it is durable (not possible, nor needed, everywhere).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_absolute_except_for_seeds() {
        assert_eq!(article_key(Path::new("<embedded>/a.md")), "<embedded>/a.md");
        assert!(Path::new(&article_key(Path::new("x/a.md"))).is_absolute());
        assert_eq!(collection_key(&[]), "<embedded>");
        let a = collection_key(&[PathBuf::from("/b"), PathBuf::from("/a")]);
        assert_eq!(a, collection_key(&[PathBuf::from("/a"), PathBuf::from("/b"), PathBuf::from("/a")]));
    }

    #[test]
    fn changes_mark_dirty_only_when_they_change_something() {
        let mut s = State::default();
        s.set_read(Path::new("/a"), false);
        assert!(!s.is_dirty());
        assert!(s.toggle_read(Path::new("/a")));
        assert!(s.is_dirty());
        let r = Resume { article: "/a".into(), block: 2, offset: 1, view: View::Both };
        let mut t = State::default();
        t.set_resume("c", r.clone());
        t.dirty = false;
        t.set_resume("c", r);
        assert!(!t.is_dirty());
    }
}
