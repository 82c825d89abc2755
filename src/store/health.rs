//! Telling a damaged store file from a sound one: what every open checks before
//! SQLite touches the file (it exists as a regular file, is not empty, starts
//! with SQLite's header), which SQLite errors mean damage, and the full
//! `PRAGMA integrity_check` of `marsad check --store`. A damaged store is
//! refused with one message, never re-created over or written further.

use std::io::Read as _;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::StoreError;

/// What every store message about damage ends with.
const WHAT_TO_DO: &str = "marsad neither reads nor writes a damaged store: `marsad check --store FILE` checks it; move the file aside (or restore a backup) to start again";

/// The first 16 bytes of every SQLite database file.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Why a store file cannot be used, in a few words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("it is damaged: {cause}. {WHAT_TO_DO}")]
pub struct Damage {
    pub cause: String,
}

impl Damage {
    pub fn new(cause: impl Into<String>) -> Damage {
        Damage {
            cause: cause.into(),
        }
    }
}

/// Whether SQLite's error says the file is damaged or is not a database.
pub(super) fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// Checks the file at `path` before SQLite opens it: `Ok(false)` when there is
/// none (a new store may be made there), `Ok(true)` when it looks like an
/// SQLite database, and an error for anything else: a folder or device, an
/// empty file (SQLite would silently make a new store in it), or a file that
/// does not start with SQLite's header.
pub(super) fn check_file(path: &Path) -> Result<bool, StoreError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(StoreError::Io(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    if !meta.is_file() {
        return Err(StoreError::Damaged(Damage::new(format!(
            "{} is not a regular file",
            path.display()
        ))));
    }
    if meta.len() == 0 {
        return Err(StoreError::Damaged(Damage::new(
            "the file is empty (0 bytes), so it holds no store",
        )));
    }
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path)
        .map_err(|e| StoreError::Io(format!("cannot read {}: {e}", path.display())))?;
    let n = read_up_to(&mut file, &mut head)
        .map_err(|e| StoreError::Io(format!("cannot read {}: {e}", path.display())))?;
    if n < head.len() || &head != MAGIC {
        return Err(StoreError::Damaged(Damage::new(
            "the file is not an SQLite database (its first bytes are not SQLite's header)",
        )));
    }
    Ok(true)
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// `PRAGMA integrity_check` of the store at `path`, opened read-only (nothing
/// is created or migrated): `Ok` when SQLite finds it sound, else the first
/// problems it lists.
pub fn integrity_check(path: &Path) -> Result<(), StoreError> {
    if !check_file(path)? {
        return Err(StoreError::Io(format!(
            "there is no store at {}",
            path.display()
        )));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let mut stmt = conn.prepare("PRAGMA integrity_check(20)")?;
    let problems: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    if problems.len() == 1 && problems[0] == "ok" {
        return Ok(());
    }
    Err(StoreError::Damaged(Damage::new(format!(
        "SQLite's integrity check reports: {}",
        crate::pipeline::one_line(&problems.join("; "))
    ))))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_stores() {
        let dir = tempfile::tempdir().unwrap();
        let none = dir.path().join("none.db");
        assert!(!check_file(&none).unwrap());
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();
        let text = dir.path().join("text.db");
        std::fs::write(&text, b"just some text, not a database at all").unwrap();
        for (p, why) in [
            (&empty, "empty (0 bytes)"),
            (&text, "not an SQLite database"),
            (&dir.path().to_path_buf(), "not a regular file"),
        ] {
            let e = check_file(p).unwrap_err().to_string();
            assert!(e.contains(why), "{e}");
            assert!(e.contains("marsad check --store"), "{e}");
        }
    }
}
