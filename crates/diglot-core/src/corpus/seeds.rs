//! The seed articles compiled into the binary (from `seeds/` at build time).

use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/seeds.rs"));

/// The pseudo-folder embedded seeds appear under.
pub const PREFIX: &str = "<embedded>";

/// The paths the embedded seeds are listed under: `<embedded>/NAME`.
pub fn paths() -> Vec<PathBuf> {
    SEEDS.iter().map(|(name, _)| Path::new(PREFIX).join(name)).collect()
}

/// The bytes of an embedded seed, if `path` names one.
pub fn get(path: &Path) -> Option<&'static [u8]> {
    let name = path.strip_prefix(PREFIX).ok()?.to_str()?;
    SEEDS.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}
