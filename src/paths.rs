//! Where marsad keeps things on disk: the user's config, data and log folders
//! (XDG on Linux, via `directories`).

use std::path::PathBuf;

use directories::ProjectDirs;

pub fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "marsad")
}

/// `~/.local/share/marsad/marsad.db` on Linux; `./marsad.db` when no home is known.
pub fn default_store() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().join("marsad.db"))
        .unwrap_or_else(|| PathBuf::from("marsad.db"))
}

/// The folder for log files (`~/.local/share/marsad/` on Linux).
pub fn log_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(std::env::temp_dir)
}
