//! What diglot remembers between runs: read marks, bookmarks, and per collection the last
//! article and the reading position. JSON in the XDG state folder
//! (`$XDG_STATE_HOME/diglot/state.json`, `~/.local/state/diglot/state.json`).
//!
//! Saving merges: two diglots may be open at once on the same state. Each remembers what it
//! last read from or wrote to the file (the base); a save takes a lock (`state.lock`, `flock`,
//! beside the file), reads what is on disk now, applies this process's own changes since the
//! base (read marks and bookmarks added or removed, positions changed) to it — a three-way
//! merge, so another reader's changes are kept — and writes the result atomically (see
//! [`crate::fsutil::write_atomic`]: a crash at any moment leaves the old state or the new one).
//! A save with nothing to change on disk writes nothing; a save of a clean state does not even
//! look at the disk, so saving is cheap to call often (on article change, after scrolling, on
//! signals). A symbolic link at `state.json` is followed: its target is written.
//!
//! A state file that cannot be read is renamed aside (`state.corrupt-<unix time>.json`), and
//! [`State::load`] says so in a message for the status bar; diglot then starts fresh. Fields
//! this version does not know are kept as they are; a file of a newer format version is read
//! for what is understood but never overwritten (saving says why).
//!
//! Articles are remembered by their canonical path (see [`article_key`]); a collection by the
//! canonical paths it was opened on (see [`collection_key`]): `/x/corpus`, `/x/h/../corpus`,
//! `../x/corpus`, a symbolic link to it and `/x/corpus/` are one collection.

use crate::fsutil;
use crate::layout::View;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// The state file's name inside the state folder.
pub const FILE_NAME: &str = "state.json";
/// The lock file beside it, held while a save reads, merges and writes.
pub const LOCK_NAME: &str = "state.lock";
/// The format version written; a file with a higher one is never overwritten.
pub const VERSION: u32 = 1;
/// A state file larger than this is not read (a million read marks are ~100 MB).
const MAX_STATE_BYTES: u64 = 512 * 1024 * 1024;

/// Where a collection was left: the article and the reading position in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// The article's key (see [`article_key`]).
    pub article: String,
    /// The layout block at the top of the reader ([`crate::layout::Position::block`]).
    pub block: usize,
    /// The row offset inside that block.
    pub offset: usize,
    /// The view the position belongs to.
    pub view: View,
    /// The list's order, by the reader's name for it (`date`, `date-desc`, `title`); empty for
    /// the default (a file written before it was kept).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sort: String,
    /// The list was hidden (the reader full width).
    #[serde(default)]
    pub list_hidden: bool,
    /// The glossary panel was open.
    #[serde(default)]
    pub glossary: bool,
    /// The reader had the keyboard (not the list).
    #[serde(default)]
    pub reader_focused: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Data {
    version: u32,
    read: BTreeSet<String>,
    bookmarks: BTreeSet<String>,
    collections: BTreeMap<String, Resume>,
    /// Fields this version does not know, kept as they are.
    #[serde(flatten)]
    extra: BTreeMap<String, serde_json::Value>,
}

/// The remembered state. Changes mark it dirty; [`State::save`] merges them into the file.
#[derive(Debug, Clone, Default)]
pub struct State {
    data: Data,
    /// What this process last read from or wrote to the file: its own changes are the
    /// difference between `data` and `base`.
    base: Data,
    dirty: bool,
    /// Set when saving would destroy something (an unreadable file that could not be moved
    /// aside, a newer format): why, for the message.
    blocked: Option<String>,
}

/// Equal when they remember the same things (the dirty mark, base and format version aside).
impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.data, &other.data);
        a.read == b.read && a.bookmarks == b.bookmarks && a.collections == b.collections && a.extra == b.extra
    }
}

/// The key an article is remembered by: its canonical path (the folder's symbolic links,
/// `.` and `..` resolved; a trailing `/` dropped), or, where the folder does not exist,
/// the path made absolute and `.` and `..` removed from it; as it is for the embedded seeds
/// (`<embedded>/...`). Folders are resolved once per process (a cache), so this is cheap to
/// call for every row drawn.
pub fn article_key(path: &Path) -> String {
    if path.starts_with(crate::corpus::seeds::PREFIX) {
        return path.to_string_lossy().into_owned();
    }
    canonical(path).to_string_lossy().into_owned()
}

/// `path` made absolute and `.`/`..` removed, without looking at the file system.
fn lexical(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The canonical path of `path`: its folder canonicalised (cached), then its name.
fn canonical(path: &Path) -> PathBuf {
    static FOLDERS: OnceLock<Mutex<HashMap<PathBuf, PathBuf>>> = OnceLock::new();
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return fs::canonicalize(path).unwrap_or_else(|_| lexical(path));
    };
    let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
    let relative = parent.is_relative();
    let cache = FOLDERS.get_or_init(|| Mutex::new(HashMap::new()));
    // a relative folder depends on the current folder: not cached
    if !relative {
        if let Some(dir) = cache.lock().ok().and_then(|c| c.get(parent).cloned()) {
            return dir.join(name);
        }
    }
    match fs::canonicalize(parent) {
        Ok(dir) => {
            if !relative {
                if let Ok(mut c) = cache.lock() {
                    if c.len() > 100_000 {
                        c.clear();
                    }
                    c.insert(parent.to_path_buf(), dir.clone());
                }
            }
            dir.join(name)
        }
        Err(_) => lexical(path),
    }
}

/// The key a collection is remembered by: the canonical paths it was opened on (see
/// [`article_key`]; a path that is itself a symbolic link is resolved too), sorted, one per
/// line; `<embedded>` for the seed articles (no paths).
pub fn collection_key(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return crate::corpus::seeds::PREFIX.to_string();
    }
    let mut keys: Vec<String> = paths
        .iter()
        .map(|p| match fs::canonicalize(p) {
            Ok(c) => c.to_string_lossy().into_owned(),
            Err(_) => article_key(p),
        })
        .collect();
    keys.sort();
    keys.dedup();
    keys.join("\n")
}

/// The state folder: `$XDG_STATE_HOME/diglot` when that variable holds an absolute path,
/// else the platform's (`~/.local/state/diglot` on Linux; the local data folder where the
/// platform has no state folder). See [`crate::dirs`].
pub fn default_dir() -> Option<PathBuf> {
    crate::dirs::state_dir()
}

impl State {
    /// Loads the state from `dir`. A missing file is an empty state. A file that cannot be
    /// read or parsed is renamed aside (a name with `corrupt` in it) and an empty state
    /// returned, with a message saying so for the status bar. A file of a newer format is
    /// read for what this version understands, and will not be overwritten (said in the
    /// message).
    pub fn load(dir: &Path) -> (State, Option<String>) {
        let path = fsutil::resolve_link(&dir.join(FILE_NAME));
        fsutil::remove_stale_temps(&path);
        match read_disk(&path) {
            Disk::Missing => (State::default(), None),
            Disk::Data(data) => {
                let blocked = newer(&path, &data);
                let msg = blocked.clone();
                (State { base: data.clone(), data, dirty: false, blocked }, msg)
            }
            Disk::Unreadable(why) => set_aside(&path, &why),
        }
    }

    /// Saves the state into `dir` (created if needed): under the lock, merges this process's
    /// changes since it last loaded or saved into what is on disk now, writes the result
    /// atomically (only if it differs from what is there), and takes it as its own state
    /// (so another reader's marks show up here too). Clears the dirty mark.
    pub fn save(&mut self, dir: &Path) -> io::Result<()> {
        if let Some(why) = &self.blocked {
            return Err(io::Error::other(why.clone()));
        }
        fs::create_dir_all(dir)?;
        let _lock = fsutil::Lock::acquire(&dir.join(LOCK_NAME))?;
        let path = fsutil::resolve_link(&dir.join(FILE_NAME));
        let theirs = match read_disk(&path) {
            Disk::Missing => None,
            Disk::Data(d) => Some(d),
            Disk::Unreadable(why) => {
                // damaged since it was loaded: kept aside, and this process's state written
                let (st, msg) = set_aside(&path, &why);
                if st.blocked.is_some() {
                    return Err(io::Error::other(msg.unwrap_or(why)));
                }
                None
            }
        };
        if let Some(why) = theirs.as_ref().and_then(|t| newer(&path, t)) {
            self.blocked = Some(why.clone());
            return Err(io::Error::other(why));
        }
        let mut merged = merge(&self.base, &self.data, theirs.as_ref().unwrap_or(&Data::default()));
        merged.version = VERSION;
        if theirs.as_ref() != Some(&merged) {
            let mut bytes = serde_json::to_vec_pretty(&merged).map_err(io::Error::other)?;
            bytes.push(b'\n');
            fsutil::write_atomic_bytes(&path, &bytes)?;
        }
        self.base = merged.clone();
        self.data = merged;
        self.dirty = false;
        Ok(())
    }

    /// Saves only when something changed since the last load or save (a clean state costs
    /// nothing: no lock, no read); returns whether it saved.
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
        !self.data.read.is_empty() && self.data.read.contains(&article_key(path))
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
        !self.data.bookmarks.is_empty() && self.data.bookmarks.contains(&article_key(path))
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

/// What is on disk.
enum Disk {
    Missing,
    Data(Data),
    /// Why it cannot be used.
    Unreadable(String),
}

fn read_disk(path: &Path) -> Disk {
    let bytes = match fsutil::read_regular(path, MAX_STATE_BYTES) {
        Ok(b) => b,
        Err(fsutil::ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => return Disk::Missing,
        Err(e) => return Disk::Unreadable(format!("could not be read ({e})")),
    };
    match serde_json::from_slice::<Data>(&bytes) {
        Ok(data) => Disk::Data(data),
        Err(e) => Disk::Unreadable(format!("is damaged ({e})")),
    }
}

/// Why a file of a newer format is not overwritten, if it is one.
fn newer(path: &Path, data: &Data) -> Option<String> {
    (data.version > VERSION).then(|| {
        crate::text::sanitize(&format!(
            "state file {} has format version {}, newer than this diglot's {VERSION}: \
             read, but not saved over (marks made now are not remembered)",
            path.display(),
            data.version
        ))
        .into_owned()
    })
}

/// The three-way merge: `theirs` (on disk now) with the changes from `base` to `mine`
/// applied. A key this process changed takes its value; any other key keeps what is on disk.
fn merge(base: &Data, mine: &Data, theirs: &Data) -> Data {
    fn set(base: &BTreeSet<String>, mine: &BTreeSet<String>, theirs: &BTreeSet<String>) -> BTreeSet<String> {
        let mut out = theirs.clone();
        out.extend(mine.difference(base).cloned());
        for gone in base.difference(mine) {
            out.remove(gone);
        }
        out
    }
    fn map<V: Clone + PartialEq>(
        base: &BTreeMap<String, V>,
        mine: &BTreeMap<String, V>,
        theirs: &BTreeMap<String, V>,
    ) -> BTreeMap<String, V> {
        let mut out = theirs.clone();
        for (k, v) in mine {
            if base.get(k) != Some(v) {
                out.insert(k.clone(), v.clone());
            }
        }
        for k in base.keys() {
            if !mine.contains_key(k) {
                out.remove(k);
            }
        }
        out
    }
    Data {
        version: theirs.version,
        read: set(&base.read, &mine.read, &theirs.read),
        bookmarks: set(&base.bookmarks, &mine.bookmarks, &theirs.bookmarks),
        collections: map(&base.collections, &mine.collections, &theirs.collections),
        extra: map(&base.extra, &mine.extra, &theirs.extra),
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
            let msg = crate::text::sanitize(&msg).into_owned();
            let state = State { blocked: Some(msg.clone()), ..State::default() };
            (state, Some(msg))
        }
    }
}

/// A fresh name for the temporary file a save writes before renaming it over `path` (see
/// [`fsutil::temp_path`]).
pub fn temp_path(path: &Path) -> PathBuf {
    fsutil::temp_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_absolute_except_for_seeds() {
        assert_eq!(article_key(Path::new("<embedded>/a.md")), "<embedded>/a.md");
        assert!(Path::new(&article_key(Path::new("x/a.md"))).is_absolute());
        assert_eq!(article_key(Path::new("/nowhere/x/../y/./a.md")), "/nowhere/y/a.md");
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
        let r = Resume { article: "/a".into(), block: 2, offset: 1, view: View::Both, ..Resume::default() };
        let mut t = State::default();
        t.set_resume("c", r.clone());
        t.dirty = false;
        t.set_resume("c", r);
        assert!(!t.is_dirty());
    }
}
