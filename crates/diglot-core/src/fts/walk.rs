//! The update's walk of one folder: every file stated relative to its open folder.
//!
//! The same files, spelled the same, as the loader's walker ([`crate::corpus::load::walk_builder`]:
//! hidden names skipped, symbolic links followed, a link back to a folder above not
//! followed again), but cheaper per file: a folder is opened once and read with `getdents`,
//! each of its files stated with `fstatat` on the folder's descriptor (no lookup of the
//! whole path per file, the kernel's largest cost when the full path is stated), the file's
//! path built in one buffer per batch (no allocation per file), the folders and the batches
//! of a large folder's files shared among rayon's threads.

use crate::corpus::index::Stamp;
use std::path::Path;

/// Every file under the folder `root`, given to `each(key, stamp, path)` as it is stated
/// (the key is the path as text, borrowed when it is UTF-8), from rayon's threads. `false`
/// (nothing given) when `root` is not a folder that can be opened, or on systems without
/// `fstatat`: the caller walks another way.
pub(crate) fn stat_tree(root: &Path, each: &(dyn Fn(&str, Stamp, &Path) + Sync)) -> bool {
    #[cfg(target_os = "linux")]
    {
        imp::walk(root, each)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (root, each);
        false
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use super::Stamp;
    use rustix::fs::{openat, statat, AtFlags, Dir, FileType, Mode, OFlags, Stat, CWD};
    use std::ffi::{CStr, OsStr};
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    type Each<'a> = &'a (dyn Fn(&str, Stamp, &Path) + Sync);

    /// Files stated per task (a large folder's files are shared among the threads).
    pub(super) const BATCH: usize = 512;

    /// The folders from the root down to one (device and inode): a link to one of them is
    /// a loop, not followed.
    struct Chain {
        id: (u64, u64),
        up: Option<Arc<Chain>>,
    }

    impl Chain {
        fn holds(&self, id: (u64, u64)) -> bool {
            let mut at = Some(self);
            while let Some(c) = at {
                if c.id == id {
                    return true;
                }
                at = c.up.as_deref();
            }
            false
        }
    }

    fn stamp(st: &Stat) -> Stamp {
        Stamp {
            size: u64::try_from(st.st_size).unwrap_or(0),
            mtime_ns: i128::from(st.st_mtime) * 1_000_000_000 + i128::from(st.st_mtime_nsec),
            ctime_ns: i128::from(st.st_ctime) * 1_000_000_000 + i128::from(st.st_ctime_nsec),
            #[allow(clippy::useless_conversion)]
            ino: u64::from(st.st_ino),
        }
    }

    #[allow(clippy::useless_conversion)]
    fn id(st: &Stat) -> (u64, u64) {
        (u64::from(st.st_dev), u64::from(st.st_ino))
    }

    fn open(path: &Path) -> Option<Dir> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        openat(CWD, path, flags, Mode::empty()).ok().and_then(|fd| Dir::new(fd).ok())
    }

    pub(super) fn walk(root: &Path, each: Each<'_>) -> bool {
        let Some(dir) = open(root) else { return false };
        rayon::scope(|s| folder(s, root.to_path_buf(), dir, None, each));
        true
    }

    /// One folder's entries: the names (each ending in NUL) in one buffer, their spans and
    /// types.
    struct Entries {
        names: Vec<u8>,
        spans: Vec<(usize, usize, FileType)>,
    }

    impl Entries {
        /// The name with its NUL.
        fn c_name(&self, a: usize, b: usize) -> Option<&CStr> {
            self.names.get(a..=b).and_then(|n| CStr::from_bytes_with_nul(n).ok())
        }

        fn name(&self, a: usize, b: usize) -> &OsStr {
            OsStr::from_bytes(self.names.get(a..b).unwrap_or_default())
        }
    }

    fn read(dir: &mut Dir) -> Entries {
        let mut e = Entries { names: Vec::new(), spans: Vec::new() };
        while let Some(Ok(ent)) = dir.read() {
            let name = ent.file_name().to_bytes();
            // hidden names (and `.`, `..`) are not walked, as the loader's walker does
            if name.first().is_none_or(|&c| c == b'.') {
                continue;
            }
            let a = e.names.len();
            e.names.extend_from_slice(name);
            e.spans.push((a, e.names.len(), ent.file_type()));
            e.names.push(0);
        }
        e
    }

    fn folder<'s>(s: &rayon::Scope<'s>, path: PathBuf, mut dir: Dir, up: Option<Arc<Chain>>, each: Each<'s>) {
        let Ok(st) = dir.stat() else { return };
        let me = Arc::new(Chain { id: id(&st), up });
        let entries = read(&mut dir);
        let Ok(fd) = dir.fd() else { return };
        let mut files = Vec::with_capacity(entries.spans.len());
        for &(a, b, kind) in &entries.spans {
            match kind {
                FileType::RegularFile => files.push((a, b, None)),
                FileType::Directory => sub(s, &path, entries.name(a, b), &me, each),
                // a link (followed) or a file system that does not say: stated to know
                _ => {
                    let Some(st) = entries.c_name(a, b).and_then(|n| statat(fd, n, AtFlags::empty()).ok())
                    else {
                        continue;
                    };
                    match FileType::from_raw_mode(st.st_mode) {
                        FileType::RegularFile => files.push((a, b, Some(stamp(&st)))),
                        FileType::Directory if !me.holds(id(&st)) => {
                            sub(s, &path, entries.name(a, b), &me, each);
                        }
                        _ => {}
                    }
                }
            }
        }
        let batch = |chunk: &[(usize, usize, Option<Stamp>)]| {
            let mut p = path.clone();
            for &(a, b, known) in chunk {
                let now = match known {
                    Some(k) => k,
                    None => {
                        let st = entries.c_name(a, b).and_then(|n| statat(fd, n, AtFlags::empty()).ok());
                        match st {
                            Some(st) if FileType::from_raw_mode(st.st_mode) == FileType::RegularFile => {
                                stamp(&st)
                            }
                            _ => continue,
                        }
                    }
                };
                p.push(entries.name(a, b));
                each(&crate::fsutil::path_key(&p), now, &p);
                p.pop();
            }
        };
        if files.len() <= BATCH {
            batch(&files);
        } else {
            use rayon::prelude::*;
            files.par_chunks(BATCH).for_each(batch);
        }
    }

    /// Walks a folder below (opened by its whole path, in its own task).
    fn sub<'s>(s: &rayon::Scope<'s>, parent: &Path, name: &OsStr, up: &Arc<Chain>, each: Each<'s>) {
        let path = parent.join(name);
        let up = Arc::clone(up);
        s.spawn(move |s| {
            if let Some(dir) = open(&path) {
                folder(s, path, dir, Some(up), each);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    /// What the loader's walker lists under `root` (as the update walked before), each file
    /// stated by its whole path.
    fn by_loader(root: &Path) -> BTreeMap<String, Stamp> {
        let out = Mutex::new(BTreeMap::new());
        crate::corpus::load::walk_builder(root).build_parallel().run(|| {
            let out = &out;
            Box::new(move |e| {
                if let Some(e) = e.ok().filter(|e| e.file_type().is_some_and(|t| t.is_file())) {
                    let m = std::fs::metadata(e.path()).unwrap();
                    out.lock().unwrap().insert(e.path().to_string_lossy().into_owned(), Stamp::of(&m));
                }
                ignore::WalkState::Continue
            })
        });
        out.into_inner().unwrap()
    }

    fn by_tree(root: &Path) -> Option<BTreeMap<String, Stamp>> {
        let out = Mutex::new(BTreeMap::new());
        let ok = stat_tree(root, &|key, stamp, path| {
            assert_eq!(Path::new(key), path);
            let prev = out.lock().unwrap().insert(key.to_string(), stamp);
            assert!(prev.is_none(), "{key} given twice");
        });
        ok.then(|| out.into_inner().unwrap())
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_walk_lists_and_states_what_the_loaders_walker_does() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("c");
        let month = root.join("rmrb/1955.01");
        std::fs::create_dir_all(&month).unwrap();
        // a folder larger than a batch: its files stated by several tasks
        for i in 0..(BATCH_FOR_TESTS * 2 + 7) {
            std::fs::write(month.join(format!("1955-01-{i:04}_文.md")), vec![b'x'; i % 13]).unwrap();
        }
        std::fs::create_dir_all(root.join("a/b/c")).unwrap();
        std::fs::write(root.join("a/b/c/deep.md"), "deep").unwrap();
        std::fs::write(root.join("top.md"), "top").unwrap();
        // hidden files and folders are not walked
        std::fs::write(root.join(".hidden.md"), "no").unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/x.md"), "no").unwrap();
        // links: to a file (stated as its target), to a folder outside, back to an ancestor
        // (a loop: not followed), dangling
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("o.md"), "outside").unwrap();
        std::os::unix::fs::symlink(root.join("top.md"), root.join("a/link.md")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("a/out")).unwrap();
        std::os::unix::fs::symlink(&root, root.join("a/b/up")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("gone"), root.join("a/dangling.md")).unwrap();
        // an empty folder
        std::fs::create_dir_all(root.join("empty")).unwrap();

        let want = by_loader(&root);
        assert!(want.contains_key(&root.join("a/out/o.md").to_string_lossy().into_owned()));
        assert!(want.len() > BATCH_FOR_TESTS * 2 + 7);
        assert_eq!(by_tree(&root).unwrap(), want);
        // spelled as given (a trailing slash)
        let slash = PathBuf::from(format!("{}/", root.display()));
        assert_eq!(by_tree(&slash).unwrap(), by_loader(&slash));
        // not a folder: left to the caller
        assert!(by_tree(&root.join("top.md")).is_none());
        assert!(by_tree(&root.join("nothing")).is_none());
    }

    #[cfg(target_os = "linux")]
    const BATCH_FOR_TESTS: usize = imp::BATCH;

    use std::path::PathBuf;
}
