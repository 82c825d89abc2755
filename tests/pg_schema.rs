//! The PostgreSQL store's migrations against a real server (see
//! `support/pg.rs`): versioned, run once however many processes open the
//! store at once, and a store from a newer marsad refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/pg.rs"]
mod pg;

use marsad::store::postgres::{self as pgstore, schema};
use marsad::store::{Location, PgUrl, StoreError};

fn url(db: &pg::Db) -> PgUrl {
    match Location::parse(&db.url).unwrap() {
        Location::Postgres(u) => u,
        Location::Sqlite(p) => panic!("{} taken for a file", p.display()),
    }
}

#[test]
fn a_new_database_is_migrated_once() {
    let Some(db) = pg::db("a_new_database_is_migrated_once") else {
        return;
    };
    let url = url(&db);
    assert_eq!(pgstore::check(&url).unwrap(), 0);
    let mut c = pgstore::open(&url).unwrap();
    assert_eq!(schema::version(&mut c).unwrap(), schema::VERSION);
    assert_eq!(pgstore::check(&url).unwrap(), schema::VERSION);
    // Opening again changes nothing.
    c.batch_execute("INSERT INTO meta (key, value) VALUES ('probe', 7)")
        .unwrap();
    drop(c);
    let mut c = pgstore::open(&url).unwrap();
    let rows = c.query("SELECT version FROM marsad_schema", &[]).unwrap();
    assert_eq!(rows.len(), 1);
    let probe: i64 = c
        .query_one("SELECT value FROM meta WHERE key = 'probe'", &[])
        .unwrap()
        .get(0);
    assert_eq!(probe, 7);
}

#[test]
fn collectors_starting_together_migrate_once() {
    let Some(db) = pg::db("collectors_starting_together_migrate_once") else {
        return;
    };
    let url = url(&db);
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || pgstore::open(&url).map(|_| ()))
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    let mut c = pgstore::connect(&url).unwrap();
    assert_eq!(schema::version(&mut c).unwrap(), schema::VERSION);
    let n: i64 = c
        .query_one("SELECT count(*) FROM marsad_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}

#[test]
fn a_store_from_a_newer_marsad_is_refused() {
    let Some(db) = pg::db("a_store_from_a_newer_marsad_is_refused") else {
        return;
    };
    let url = url(&db);
    let mut c = pgstore::open(&url).unwrap();
    c.execute(
        "UPDATE marsad_schema SET version = $1",
        &[&(schema::VERSION + 1)],
    )
    .unwrap();
    for e in [pgstore::open(&url).err(), pgstore::check(&url).err()] {
        match e {
            Some(StoreError::TooNew { found, known, .. }) => {
                assert_eq!((found, known), (schema::VERSION + 1, schema::VERSION));
            }
            other => panic!("{other:?}"),
        }
    }
}

/// `marsad check --store URL` on the real binary: an empty database, then a
/// store; a wrong database is a failure that names it.
#[test]
fn check_reports_the_schema() {
    let Some(db) = pg::db("check_reports_the_schema") else {
        return;
    };
    let run = |store: &str| {
        let home = tempfile::tempdir().unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_marsad"))
            .args(["--store", store, "check"])
            .current_dir(home.path())
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .env("XDG_DATA_HOME", home.path().join(".local/share"))
            .env_remove("MARSAD_CONFIG")
            .env_remove("MARSAD_STORE")
            .output()
            .unwrap()
    };
    let out = run(&db.url);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("holds no marsad store yet"), "{said}");
    pgstore::open(&url(&db)).unwrap();
    let out = run(&db.url);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains(&format!("store ok (schema version {})", schema::VERSION)),
        "{said}"
    );
    let missing = db.url.replace(&db.name, "no_such_database");
    let out = run(&missing);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("no_such_database"), "{err}");
}
