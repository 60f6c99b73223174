//! Files written and read safely, in one place (no terminal types): the atomic write used by
//! the state file and the index, the lock that serialises writers of one file across
//! processes, and the capped read of a regular file (size and type from `fstat` on the opened
//! file, before any byte is read).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The first character of a [`path_key`] that is not the path itself (a name that is not
/// UTF-8): no real path starts with it.
const KEY_ESCAPE: char = '\u{1}';

/// A path as text, reversibly ([`key_path`] gives the path back): the full-text index keys and
/// stores each file by it. A UTF-8 path is itself (borrowed); a name that is not UTF-8 (Linux
/// allows any bytes but `/` and NUL) is written as [`KEY_ESCAPE`], then its UTF-8 runs with `%`
/// as `%25` and every other byte as `%XX`. A lossy form (U+FFFD) could not be opened again, and
/// two such names could give the same key.
pub fn path_key(path: &Path) -> std::borrow::Cow<'_, str> {
    match path.to_str() {
        Some(s) if !s.starts_with(KEY_ESCAPE) => std::borrow::Cow::Borrowed(s),
        _ => std::borrow::Cow::Owned(escaped_key(path)),
    }
}

#[cfg(unix)]
fn escaped_key(path: &Path) -> String {
    use std::fmt::Write as _;
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::from(KEY_ESCAPE);
    for chunk in path.as_os_str().as_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '%' => out.push_str("%25"),
                KEY_ESCAPE => out.push_str("%01"),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(not(unix))]
fn escaped_key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The path of a [`path_key`].
pub fn key_path(key: &str) -> PathBuf {
    match key.strip_prefix(KEY_ESCAPE) {
        Some(rest) => unescape_key(rest),
        None => PathBuf::from(key),
    }
}

#[cfg(unix)]
fn unescape_key(rest: &str) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    let b = rest.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (c, hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    PathBuf::from(std::ffi::OsString::from_vec(out))
}

#[cfg(not(unix))]
fn unescape_key(rest: &str) -> PathBuf {
    PathBuf::from(rest)
}

/// Temporary files of [`write_atomic`] older than this were left by a writer that died (a
/// younger one may be another process's write in progress).
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(600);

/// Follows `path` while it is a symbolic link (at most 40 links, as the kernel does), so that
/// a write goes to the link's target instead of replacing the link. A dangling link gives its
/// target; a path that is not a link is returned as it is.
pub fn resolve_link(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match fs::read_link(&p) {
                Ok(target) if target.is_absolute() => p = target,
                Ok(target) => p = p.parent().unwrap_or(Path::new("")).join(target),
                Err(_) => break,
            },
            _ => break,
        }
    }
    p
}

/// The name temporary files of `file` start with: `.<name>.`; they end with `.tmp`.
fn temp_prefix(file: &Path) -> String {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    format!(".{name}.")
}

/// A fresh temporary file name for `file`, in its folder: `.<name>.<pid>.<ns>.tmp`.
pub fn temp_path(file: &Path) -> PathBuf {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    file.with_file_name(format!("{}{}.{nanos}.tmp", temp_prefix(file), std::process::id()))
}

/// Writes `file` atomically: `fill` writes a temporary file in the same folder (created if
/// needed), which is synced to disk and renamed over `file`; the folder is synced too. Readers
/// see the old content or the new, never a part. A symbolic link at `file` is followed: its
/// target is replaced, the link stays. On failure the temporary file is removed and `file` is
/// left as it was; on success stale temporary files of `file` are removed.
pub fn write_atomic(file: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let file = resolve_link(file);
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let tmp = temp_path(&file);
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        fill(&mut f)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &file)?;
        sync_dir(dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    } else {
        remove_stale_temps(&file);
    }
    result
}

/// [`write_atomic`] of a byte string.
pub fn write_atomic_bytes(file: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic(file, |f| f.write_all(bytes))
}

/// Removes temporary files of `file` (see [`temp_path`]) older than [`STALE_TEMP_AGE`].
pub fn remove_stale_temps(file: &Path) {
    let prefix = temp_prefix(file);
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let n = e.file_name();
        let n = n.to_string_lossy();
        if !(n.starts_with(&prefix) && n.ends_with(".tmp")) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if old {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Syncs a folder so that a rename in it is durable (not possible, nor needed, everywhere).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// An exclusive lock on a lock file, held until dropped (`flock`: released by the kernel if
/// the process dies, so a crash never leaves it stuck). Where `flock` is not available it
/// is a no-op.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Takes the lock on `path` (created if needed, with its folder), waiting for another
    /// holder to release it. The lock file is never removed (removing it would let two
    /// processes hold "the" lock on two different files).
    pub fn acquire(path: &Path) -> io::Result<Lock> {
        Lock::take(path).map_err(|e| io::Error::new(e.kind(), format!("lock file {}: {e}", path.display())))
    }

    fn take(path: &Path) -> io::Result<Lock> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)?;
        #[cfg(unix)]
        loop {
            match rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive) {
                Ok(()) => break,
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Lock { _file: file })
    }
}

/// Why [`read_regular`] did not read a file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Opening or reading failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A folder, FIFO, device or socket.
    #[error("not a regular file")]
    NotRegular,
    /// Larger than the limit.
    #[error("file is larger than {} ({size} bytes); not read", human(*limit))]
    TooLarge {
        /// The file's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

impl From<ReadError> for io::Error {
    fn from(e: ReadError) -> io::Error {
        match e {
            ReadError::Io(e) => e,
            other => io::Error::other(other.to_string()),
        }
    }
}

/// A size limit for messages: `1 MiB`, `256 MiB`, else bytes.
fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// Opens `path` for reading without blocking on a FIFO or becoming the controlling terminal
/// (`O_NONBLOCK | O_NOCTTY` where the platform has them).
pub fn open_read(path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        Ok(File::from(rustix::fs::open(path, flags, Mode::empty())?))
    }
    #[cfg(not(unix))]
    File::open(path)
}

/// Reads a regular file of at most `limit` bytes: opened without blocking, then type and size
/// from `fstat` on the opened file before anything is read, and the read itself capped (a
/// file that grows meanwhile is refused too). Folders, FIFOs and devices are refused.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let f = open_read(path)?;
    read_opened(f, limit)
}

/// [`read_regular`] of a file already opened.
pub fn read_opened(f: File, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    read_opened_into(f, limit, &mut buf)?;
    Ok(buf)
}

/// [`read_regular`] of a file already opened, appended to `buf` (a buffer reused over many
/// files); gives the file's metadata as it was when read.
pub fn read_opened_into(f: File, limit: u64, buf: &mut Vec<u8>) -> Result<fs::Metadata, ReadError> {
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { size: meta.len(), limit });
    }
    buf.reserve(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    let start = buf.len();
    f.take(limit + 1).read_to_end(buf)?;
    if (buf.len() - start) as u64 > limit {
        let size = (buf.len() - start) as u64;
        buf.truncate(start);
        return Err(ReadError::TooLarge { size, limit });
    }
    Ok(meta)
}

/// What [`read_opened_judged`] read.
#[derive(Debug)]
pub enum Judged {
    /// The head passed: the whole file was read into the buffer.
    Whole(fs::Metadata),
    /// The head did not pass: only the head is in the buffer (the rest was never read).
    Head(fs::Metadata),
}

/// Files up to this size are read with one `read` when they are whole (the size `fstat`
/// gave is what the read returned), then judged; larger ones are judged from their head
/// before the rest is read. Articles are a few KiB (the largest real one ~30 KB); the
/// archive's `rmrb-js/*.js` month files that are not wanted are 2-5 MB.
pub const WHOLE_AT_ONCE: u64 = 64 * 1024;

/// [`read_opened_into`], judging the file from its first `head` bytes: when `keep(first
/// bytes)` says no, only the head is left in the buffer. A file of at most
/// [`WHOLE_AT_ONCE`] bytes is read whole before it is judged, in one `read` when the read
/// returns the size `fstat` gave (no second read to see the end: one system call a file, not
/// two or three); a larger one is judged from its head before the rest is read (a 5 MB file
/// that is not wanted costs one read of `head` bytes).
pub fn read_opened_judged(
    f: File,
    limit: u64,
    head: usize,
    buf: &mut Vec<u8>,
    keep: impl FnOnce(&[u8]) -> bool,
) -> Result<Judged, ReadError> {
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge { size: meta.len(), limit });
    }
    let judged = read_stated_judged(&f, meta.len(), limit, head, buf, keep)?;
    Ok(if judged { Judged::Whole(meta) } else { Judged::Head(meta) })
}

/// The reading of [`read_opened_judged`] once `fstat` has said the file is regular and
/// `size` bytes long (which the file may no longer be: it may have grown or shrunk since).
/// `true` when the file was kept and read whole, `false` when only its head is in `buf`.
fn read_stated_judged(
    f: &File,
    size: u64,
    limit: u64,
    head: usize,
    buf: &mut Vec<u8>,
    keep: impl FnOnce(&[u8]) -> bool,
) -> Result<bool, ReadError> {
    let start = buf.len();
    let want = usize::try_from(size).unwrap_or(0);
    buf.reserve(want.min(limit as usize).saturating_add(1));
    let head = head.min(8192);
    let fail = |buf: &mut Vec<u8>, e: io::Error| {
        buf.truncate(start);
        ReadError::Io(e)
    };
    #[cfg(unix)]
    if size <= WHOLE_AT_ONCE {
        // one read into the room for size + 1 bytes: the size returned means the file ended
        // there (a read of a regular file returns less than asked only at its end); anything
        // else (shrunk, grown, a short read, interrupted) goes on as the loop below does,
        // to the end of the file and within the limit
        let whole = match rustix::io::read(f, rustix::buffer::spare_capacity(buf)) {
            Ok(n) => n as u64 == size,
            Err(rustix::io::Errno::INTR) => false,
            Err(e) => return Err(fail(buf, e.into())),
        };
        if !whole {
            let got = (buf.len() - start) as u64;
            let rest = (limit + 1).saturating_sub(got);
            if got <= limit {
                f.take(rest).read_to_end(buf).map_err(|e| fail(buf, e))?;
            }
        }
        let end = buf.len().min(start + head);
        if !keep(buf.get(start..end).unwrap_or_default()) {
            buf.truncate(end);
            return Ok(false);
        }
        return kept_within(buf, start, limit);
    }
    // the head: up to `head` bytes (fewer at the end of the file), read straight into the
    // room reserved for the whole file (through a zeroed 8 KiB buffer on the stack, it was a
    // memset and a copy of every article: ~1.4 GB of each at 430,000 files)
    let got = f.take(head as u64).read_to_end(buf).map_err(|e| fail(buf, e))?;
    let first = buf.get(start..).unwrap_or_default();
    if !keep(first) {
        return Ok(false);
    }
    if got == head {
        let rest = (limit + 1).saturating_sub(got as u64);
        f.take(rest).read_to_end(buf)?;
    }
    kept_within(buf, start, limit)
}

/// `Ok(true)` when the bytes read from `start` are within `limit`; else they are dropped and
/// the error says how many there were.
fn kept_within(buf: &mut Vec<u8>, start: usize, limit: u64) -> Result<bool, ReadError> {
    let size = (buf.len() - start) as u64;
    if size > limit {
        buf.truncate(start);
        return Err(ReadError::TooLarge { size, limit });
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path key gives the path back, a UTF-8 path is its own key, and two paths never share
    /// a key (the lossy form gave `a\u{fffd}` for both `a\xff` and `a\xfe`).
    #[cfg(unix)]
    #[test]
    fn a_path_key_gives_the_path_back_and_is_the_path_when_it_is_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let of = |b: &[u8]| PathBuf::from(std::ffi::OsStr::from_bytes(b));
        let names: [&[u8]; 8] = [
            b"/c/1958/a.md",
            "/c/人民日报/文章.md".as_bytes(),
            b"/c/bad\xff\xfename.md",
            b"/c/bad\xfe\xffname.md",
            b"/c/100%.md\xff",
            b"/c/%FF\xff",
            b"\x01starts with the escape",
            b"/c/\x01%01\xc3",
        ];
        let mut keys = std::collections::HashSet::new();
        for n in names {
            let p = of(n);
            let k = path_key(&p);
            assert_eq!(key_path(&k), p, "{k:?}");
            assert!(keys.insert(k.clone().into_owned()), "two paths with the key {k:?}");
            if let Some(s) = p.to_str().filter(|s| !s.starts_with(KEY_ESCAPE)) {
                assert_eq!(k, s);
            }
        }
    }

    #[cfg(unix)]
    proptest::proptest! {
        #[test]
        fn any_bytes_path_round_trips_through_its_key(bytes in proptest::collection::vec(1u8..=255, 0..40)) {
            use std::os::unix::ffi::OsStrExt;
            let p = PathBuf::from(std::ffi::OsStr::from_bytes(&bytes));
            proptest::prop_assert_eq!(key_path(&path_key(&p)), p);
        }
    }

    #[test]
    fn a_judged_read_gives_the_whole_file_or_exactly_its_head() {
        let dir = tempfile::tempdir().unwrap();
        let head = 64;
        for size in [0, 1, head - 1, head, head + 1, 3 * head + 5, 20_000] {
            let bytes: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
            let path = dir.path().join(format!("f{size}"));
            fs::write(&path, &bytes).unwrap();
            for keep in [true, false] {
                // what the buffer held before stays in front
                let mut buf = b"before".to_vec();
                let mut seen = Vec::new();
                let judged = read_opened_judged(File::open(&path).unwrap(), 1 << 20, head, &mut buf, |h| {
                    seen = h.to_vec();
                    keep
                })
                .unwrap();
                let n = size.min(head);
                assert_eq!(seen, bytes[..n], "the head judged ({size})");
                assert_eq!(&buf[..6], b"before");
                match judged {
                    Judged::Whole(m) => {
                        assert!(keep);
                        assert_eq!(m.len(), size as u64);
                        assert_eq!(buf[6..], bytes[..], "the whole file ({size})");
                    }
                    Judged::Head(_) => {
                        assert!(!keep);
                        assert_eq!(buf[6..], bytes[..n], "the head only ({size})");
                    }
                }
            }
            // over the limit, judged whole: refused, the buffer as it was
            let mut buf = b"x".to_vec();
            let got = read_opened_judged(
                File::open(&path).unwrap(),
                (size as u64).saturating_sub(1),
                8,
                &mut buf,
                |_| true,
            );
            if size > 0 {
                assert!(matches!(got, Err(ReadError::TooLarge { .. })), "{size}: {got:?}");
                assert_eq!(buf, b"x");
            }
        }
    }

    /// A file whose size changed between `fstat` and the read is read to its end all the same
    /// (grown: the bytes past the stated size too; shrunk: what is left), judged on its head;
    /// one whose stated size is right is read whole, and a file not kept leaves its head only.
    #[test]
    fn a_file_that_grew_or_shrank_since_its_fstat_is_read_to_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let head = 64;
        for size in [0usize, 1, head - 1, head, head + 1, 5_000, 64 * 1024] {
            let bytes: Vec<u8> = (0..size).map(|i| (i * 13 % 251) as u8).collect();
            let path = dir.path().join(format!("f{size}"));
            fs::write(&path, &bytes).unwrap();
            for stated in [0, size / 2, size.saturating_sub(1), size, size + 1, 2 * size + 3] {
                for keep in [true, false] {
                    let f = File::open(&path).unwrap();
                    let mut buf = b"before".to_vec();
                    let mut seen = Vec::new();
                    let kept = read_stated_judged(&f, stated as u64, 1 << 20, head, &mut buf, |h| {
                        seen = h.to_vec();
                        keep
                    })
                    .unwrap();
                    let n = size.min(head);
                    assert_eq!(kept, keep);
                    assert_eq!(seen, bytes[..n], "the head judged ({size}, stated {stated})");
                    assert_eq!(&buf[..6], b"before");
                    let want = if keep { &bytes[..] } else { &bytes[..n] };
                    assert_eq!(buf[6..], *want, "{size}, stated {stated}, keep {keep}");
                }
            }
        }
    }

    /// A large file that is not kept is read no further than its head: the file's offset after
    /// the judgement is the head's length (the archive's 2-5 MB month files of JavaScript).
    #[test]
    fn a_large_file_not_kept_is_read_no_further_than_its_head() {
        use std::io::Seek;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("month.js");
        let big = WHOLE_AT_ONCE as usize + 1;
        for size in [big, 5 << 20] {
            fs::write(&path, vec![b'x'; size]).unwrap();
            let mut f = File::open(&path).unwrap();
            let mut buf = Vec::new();
            let kept = read_stated_judged(&f, size as u64, 1 << 30, 4096, &mut buf, |_| false).unwrap();
            assert!(!kept);
            assert_eq!(buf.len(), 4096);
            assert_eq!(f.stream_position().unwrap(), 4096, "{size}");
            // kept, the same file is read whole
            let mut f = File::open(&path).unwrap();
            buf.clear();
            assert!(read_stated_judged(&f, size as u64, 1 << 30, 4096, &mut buf, |_| true).unwrap());
            assert_eq!(buf.len(), size);
            assert_eq!(f.stream_position().unwrap(), size as u64);
        }
    }

    #[test]
    fn a_write_through_a_symlink_replaces_the_target_not_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::create_dir(&real).unwrap();
        fs::write(real.join("f"), b"old").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("real/f", dir.path().join("link")).unwrap();
            write_atomic_bytes(&dir.path().join("link"), b"new").unwrap();
            assert!(fs::symlink_metadata(dir.path().join("link")).unwrap().file_type().is_symlink());
            assert_eq!(fs::read(real.join("f")).unwrap(), b"new");
        }
    }

    #[test]
    fn read_regular_refuses_folders_and_large_files_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(read_regular(dir.path(), 10), Err(ReadError::NotRegular)));
        let f = dir.path().join("f");
        fs::write(&f, b"0123456789a").unwrap();
        assert!(matches!(read_regular(&f, 10), Err(ReadError::TooLarge { size: 11, limit: 10 })));
        assert_eq!(read_regular(&f, 11).unwrap(), b"0123456789a");
        #[cfg(unix)]
        assert!(matches!(read_regular(Path::new("/dev/zero"), 10), Err(ReadError::NotRegular)));
    }

    #[test]
    fn stale_temps_go_young_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.bin");
        let young = temp_path(&file);
        fs::write(&young, b"in progress").unwrap();
        let old = dir.path().join(".x.bin.1.2.tmp");
        fs::write(&old, b"left").unwrap();
        let f = File::options().write(true).open(&old).unwrap();
        f.set_modified(std::time::SystemTime::now() - STALE_TEMP_AGE - Duration::from_secs(5)).unwrap();
        drop(f);
        write_atomic_bytes(&file, b"x").unwrap();
        assert!(young.exists());
        assert!(!old.exists());
    }
}
