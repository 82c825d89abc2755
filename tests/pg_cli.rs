//! The real binary on a PostgreSQL store (see `support/pg.rs`): `seed`,
//! `list` and `feeds` give what they give on a SQLite file, and the URL's
//! password is in no output and no file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/pg.rs"]
mod pg;

use std::path::Path;
use std::process::{Command, Output};

const SECRET: &str = "s3cret-pw";

fn run(home: &Path, store: &str, args: &[&str]) -> Output {
    run_as(home, store, "ana", args)
}

fn run_as(home: &Path, store: &str, user: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(["--store", store, "--user", user])
        .args(args)
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env_remove("MARSAD_CONFIG")
        .env_remove("MARSAD_STORE")
        .env_remove("MARSAD_USER")
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Every file under `dir`, with its text.
fn files(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
            out.push((p.display().to_string(), text));
        }
    }
}

#[test]
fn seed_list_and_feeds_as_on_sqlite() {
    let Some(db) = pg::db("seed_list_and_feeds_as_on_sqlite") else {
        return;
    };
    // The test server trusts local connections: the password is carried,
    // never needed, and must never be shown.
    let url = db.url.replacen(
        "postgres://marsad@",
        &format!("postgres://marsad:{SECRET}@"),
        1,
    );
    assert!(url.contains(SECRET));
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("marsad.db");
    let file = file.to_str().unwrap();

    let mut outputs = Vec::new();
    for store in [file, url.as_str()] {
        let seeded = ok(&run(home.path(), store, &["seed"]));
        assert!(seeded.starts_with("imported 5 new items"), "{seeded}");
        let again = ok(&run(home.path(), store, &["seed"]));
        assert!(
            again.starts_with("imported 0 new items (5 already"),
            "{again}"
        );
        let mut seen = Vec::new();
        for args in [
            &["list", "--json"][..],
            &["list"],
            &["list", "--search", "تخصيب", "--json"],
            &["list", "--topic", "nuclear", "--json"],
            &["list", "--party", "iran", "--limit", "2", "--json"],
            &["feeds", "--json"],
        ] {
            let out = ok(&run(home.path(), store, args));
            assert!(!out.contains(SECRET));
            seen.push((args.join(" "), out));
        }
        let all = &seen[0].1;
        assert_eq!(all.lines().count(), 5, "{all}");
        assert!(!seen[2].1.is_empty() && !seen[3].1.is_empty());
        outputs.push(seen);
    }
    for (s, p) in outputs[0].iter().zip(&outputs[1]) {
        assert_eq!(s, p, "the same on SQLite and PostgreSQL");
    }

    // What PostgreSQL does not keep yet says so.
    let out = run(home.path(), &url, &["list", "--bookmarked"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bookmarks"), "{err}");
    // A bad user name is refused before anything is opened.
    let out = run_as(home.path(), &url, "a b", &["list"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--user"), "{err}");

    let mut all = Vec::new();
    files(home.path(), &mut all);
    for (path, text) in all {
        assert!(!text.contains(SECRET), "{path} holds the password");
    }
}
