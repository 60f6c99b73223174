//! The one place that knows where diglot keeps its files: the XDG base directories.
//!
//! Each folder is `$XDG_<KIND>_HOME/diglot` when that variable holds an absolute path (the
//! XDG rule: a relative value is ignored), else the platform's folder for diglot
//! (`~/.local/state/diglot`, `~/.cache/diglot`, `~/.config/diglot`, `~/.local/share/diglot`
//! on Linux). `None` only when there is no home folder to fall back on.

use std::path::PathBuf;

/// The application's folder name under each base directory.
const APP: &str = "diglot";

/// Which XDG base directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Remembered reading state (`state.json`): `$XDG_STATE_HOME`.
    State,
    /// Rebuildable caches (the collection indexes): `$XDG_CACHE_HOME`.
    Cache,
    /// The config file: `$XDG_CONFIG_HOME`.
    Config,
    /// Data diglot installs or downloads (word lists, dictionaries): `$XDG_DATA_HOME`.
    Data,
}

impl Kind {
    /// The environment variable that overrides this folder.
    pub fn var(self) -> &'static str {
        match self {
            Kind::State => "XDG_STATE_HOME",
            Kind::Cache => "XDG_CACHE_HOME",
            Kind::Config => "XDG_CONFIG_HOME",
            Kind::Data => "XDG_DATA_HOME",
        }
    }
}

/// diglot's folder of this kind (see the module documentation for the rule).
pub fn dir(kind: Kind) -> Option<PathBuf> {
    dir_with(kind, std::env::var_os(kind.var()).map(PathBuf::from))
}

/// [`dir`] with the variable's value given (tests cannot set the environment safely).
fn dir_with(kind: Kind, var: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(x) = var.filter(|p| p.is_absolute()) {
        return Some(x.join(APP));
    }
    let p = directories::ProjectDirs::from("", "", APP)?;
    Some(
        match kind {
            // platforms with no state folder keep it with the local data
            Kind::State => p.state_dir().unwrap_or(p.data_local_dir()),
            Kind::Cache => p.cache_dir(),
            Kind::Config => p.config_dir(),
            Kind::Data => p.data_dir(),
        }
        .to_path_buf(),
    )
}

/// The state folder ([`Kind::State`]).
pub fn state_dir() -> Option<PathBuf> {
    dir(Kind::State)
}

/// The cache folder ([`Kind::Cache`]).
pub fn cache_dir() -> Option<PathBuf> {
    dir(Kind::Cache)
}

/// The config folder ([`Kind::Config`]).
pub fn config_dir() -> Option<PathBuf> {
    dir(Kind::Config)
}

/// The data folder ([`Kind::Data`]): where word lists and dictionaries go.
pub fn data_dir() -> Option<PathBuf> {
    dir(Kind::Data)
}

/// The user's home folder (for `~` in paths the user writes).
pub fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absolute_variable_wins_and_a_relative_one_is_ignored() {
        for kind in [Kind::State, Kind::Cache, Kind::Config, Kind::Data] {
            assert_eq!(dir_with(kind, Some("/x/y".into())), Some(PathBuf::from("/x/y/diglot")));
            let fallback = dir_with(kind, None);
            assert_eq!(dir_with(kind, Some("rel/y".into())), fallback, "{kind:?}");
            assert!(fallback.is_none_or(|p| p.is_absolute()), "{kind:?}");
        }
    }

    #[test]
    fn each_kind_has_its_own_folder() {
        let all: Vec<_> = [Kind::State, Kind::Cache, Kind::Config, Kind::Data]
            .into_iter()
            .filter_map(|k| dir_with(k, None))
            .collect();
        let mut unique = all.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), all.len(), "{all:?}");
    }
}
