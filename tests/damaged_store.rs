//! A damaged store, as the real binary meets it: an empty file, a file that is
//! not SQLite, a truncated one, one whose pages are overwritten, and one row
//! with a value of the wrong type. Every command refuses a damaged file with
//! one clear message and leaves it as it was; `check --store` runs SQLite's
//! integrity check; a bad row is skipped and named, never the whole store.

#![allow(clippy::unwrap_used)]

use std::path::Path;

#[path = "support/home.rs"]
mod support;

use support::{home, marsad};

/// The commands that open the store.
const COMMANDS: &[&[&str]] = &[
    &["list"],
    &["list", "--json"],
    &["export"],
    &["feeds"],
    &["feeds", "--json"],
    &["fetch", "--once", "--force"],
    &["seed"],
    &["watch"],
    &["check", "--store", "s.db"],
];

/// Every command fails with one message that says the store is damaged and
/// `why`, and the file is left byte for byte as it was.
fn every_command_refuses(dir: &Path, why: &str) {
    let before = std::fs::read(dir.join("s.db")).unwrap();
    for args in COMMANDS {
        let o = marsad(dir, args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "marsad {args:?} accepted it: {err}");
        assert!(
            err.contains("damaged") && err.contains(why),
            "marsad {args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "marsad {args:?}: {err}");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "one message, marsad {args:?}: {err}"
        );
        assert_eq!(
            std::fs::read(dir.join("s.db")).unwrap(),
            before,
            "marsad {args:?} changed the file"
        );
    }
}

/// A sound store with the seeds and the local feed's item.
fn sound_store(dir: &Path) {
    let o = marsad(dir, &["fetch", "--once"]);
    assert!(o.status.success(), "{o:?}");
    let o = marsad(dir, &["seed"]);
    assert!(o.status.success(), "{o:?}");
    // Everything in the main file, as after a clean close.
    let c = rusqlite::Connection::open(dir.join("s.db")).unwrap();
    c.pragma_update(None, "wal_checkpoint", "TRUNCATE").unwrap();
    c.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(c);
    assert!(!dir.join("s.db-wal").exists(), "the WAL was checkpointed");
}

#[test]
fn an_empty_store_file_is_refused_not_made_anew() {
    let dir = home();
    std::fs::write(dir.path().join("s.db"), b"").unwrap();
    every_command_refuses(dir.path(), "empty (0 bytes)");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused() {
    let dir = home();
    std::fs::write(
        dir.path().join("s.db"),
        "these are notes, not a store\n".repeat(500),
    )
    .unwrap();
    every_command_refuses(dir.path(), "not an SQLite database");
}

#[test]
fn a_truncated_store_is_refused() {
    let dir = home();
    sound_store(dir.path());
    let path = dir.path().join("s.db");
    let len = std::fs::metadata(&path).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(len / 2).unwrap();
    drop(f);
    every_command_refuses(dir.path(), "malformed");
}

#[test]
fn a_store_with_its_schema_overwritten_is_refused() {
    let dir = home();
    sound_store(dir.path());
    // Page 1 after the file header holds the schema's b-tree.
    overwrite(&dir.path().join("s.db"), 100, 400, 0xA5);
    every_command_refuses(dir.path(), "malformed");
}

#[test]
fn a_store_with_damaged_tables_is_never_written_as_if_sound() {
    let dir = home();
    sound_store(dir.path());
    let path = dir.path().join("s.db");
    // Every page but the first (header and schema) overwritten.
    let page = 16 * 1024;
    let len = std::fs::metadata(&path).unwrap().len() as usize;
    overwrite(&path, page, len - page, 0xFF);
    for args in [
        &["fetch", "--once", "--force"][..],
        &["fetch", "--once", "--force", "--json"],
        &["list"],
        &["feeds"],
        &["check", "--store", "s.db"],
    ] {
        let o = marsad(dir.path(), args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "marsad {args:?} exited 0: {err}");
        assert!(err.contains("damaged"), "marsad {args:?}: {err}");
        assert!(!err.contains("panicked"), "marsad {args:?}: {err}");
    }
}

#[test]
fn check_store_runs_the_integrity_check() {
    let dir = home();
    sound_store(dir.path());
    let o = marsad(dir.path(), &["check", "--store", "s.db"]);
    assert!(o.status.success(), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("integrity check passed"),
        "{o:?}"
    );
    let o = marsad(dir.path(), &["check", "--store", "missing.db"]);
    assert!(!o.status.success());
    assert!(
        !dir.path().join("missing.db").exists(),
        "check made a store"
    );
}

#[test]
fn one_bad_row_is_skipped_and_named() {
    let dir = home();
    sound_store(dir.path());
    {
        let c = rusqlite::Connection::open(dir.path().join("s.db")).unwrap();
        let id: i64 = c
            .query_row("SELECT min(id) FROM items", [], |r| r.get(0))
            .unwrap();
        c.execute(
            "UPDATE items SET published = 'last Tuesday' WHERE id = ?1",
            [id],
        )
        .unwrap();
    }
    let all = marsad(dir.path(), &["list", "--json"]);
    let err = String::from_utf8_lossy(&all.stderr);
    assert!(all.status.success(), "{err}");
    let lines = String::from_utf8_lossy(&all.stdout).lines().count();
    // Five seeds and the local feed's two items, but the one skipped.
    assert_eq!(lines, 6, "the other items are listed");
    assert!(err.contains("skipped item 1 cannot be read"), "{err}");
    let export = marsad(dir.path(), &["export"]);
    assert!(export.status.success());
    assert_eq!(String::from_utf8_lossy(&export.stdout).lines().count(), 6);

    // A first page, as the dashboard's query worker reads it (every item).
    let store = marsad::store::Store::open(&dir.path().join("s.db")).unwrap();
    let reader = store.reader().unwrap();
    let reply = marsad::app::search::answer(
        &reader,
        marsad::app::search::Request::First {
            epoch: 1,
            queries: vec![marsad::store::ItemQuery::default()],
            limit: 50,
            typed: false,
        },
    )
    .unwrap();
    let marsad::app::search::Reply::First { pages, .. } = reply else {
        panic!("{reply:?}");
    };
    assert_eq!(pages[0].len(), 6);
    let skipped = reader.take_skipped();
    assert_eq!(skipped.len(), 1);
    let status = marsad::app::search::skipped_status(&skipped).unwrap();
    assert!(status.contains("item 1 cannot be read"), "{status}");
}

fn overwrite(path: &Path, at: usize, len: usize, byte: u8) {
    let mut bytes = std::fs::read(path).unwrap();
    for b in &mut bytes[at..at + len] {
        *b = byte;
    }
    std::fs::write(path, bytes).unwrap();
}
