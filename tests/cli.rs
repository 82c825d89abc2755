//! The headless commands, run as the real binary in a temp home.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn store(&self) -> String {
        self.dir.path().join("x.db").display().to_string()
    }

    /// Runs marsad from `cwd` with a private home, config and data folders.
    fn run_in(&self, cwd: &Path, args: &[&str]) -> Output {
        let home = self.dir.path().join("home");
        Command::new(env!("CARGO_BIN_EXE_marsad"))
            .args(args)
            .current_dir(cwd)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env_remove("MARSAD_CONFIG")
            .env_remove("MARSAD_STORE")
            .output()
            .unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn seed_twice_then_list_json() {
    let env = Env::new();
    let store = env.store();
    let first = env.run(&["--store", &store, "seed", "seeds"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).starts_with("imported 5 new items"),
        "{}",
        stdout(&first)
    );
    let second = env.run(&["--store", &store, "seed", "seeds"]);
    assert!(
        stdout(&second).starts_with("imported 0 new items (5 already"),
        "{}",
        stdout(&second)
    );

    let list = env.run(&["--store", &store, "list", "--json"]);
    assert!(list.status.success(), "{}", stderr(&list));
    let lines: Vec<serde_json::Value> = stdout(&list)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    for item in &lines {
        let title = item["title"].as_str().unwrap();
        assert!(
            title
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "{title}"
        );
        for key in [
            "id",
            "feed",
            "link",
            "published",
            "lang",
            "topics",
            "parties",
            "alerts",
        ] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
    }
    // Newest first: the 2024 report is last.
    assert!(
        lines[4]["published"]
            .as_str()
            .unwrap()
            .starts_with("2024-01-13")
    );
}

#[test]
fn empty_store_is_seeded_on_first_use_from_any_directory() {
    let env = Env::new();
    let store = env.store();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = env.run_in(
        elsewhere.path(),
        &["--store", &store, "list", "--json", "--limit", "100"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 5);
    // The built-in configuration is in use there.
    let check = env.run_in(elsewhere.path(), &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("built-in feeds.toml: ok"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn check_names_the_line_of_a_typo() {
    let env = Env::new();
    let config = env.dir.path().join("bad.toml");
    std::fs::write(
        &config,
        "[settings]\ninterval = \"10m\"\n\n[[feed]]\nname = \"a\"\nurl = \"https://a.example/rss\"\nintreval = \"5m\"\n",
    )
    .unwrap();
    let out = env.run(&["check", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("bad.toml:7:1"), "{err}");
    assert!(err.contains("feed[1].intreval"), "{err}");
    assert!(err.contains("did you mean `interval`"), "{err}");

    std::fs::write(
        &config,
        "[[feed]]\nname = \"a\"\nurl = \"https://a.example/rss\"\ninterval = \"5 minuets\"\n",
    )
    .unwrap();
    let out = env.run(&["check", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bad.toml:4:"), "{}", stderr(&out));

    let good = env.run(&["check", "--config", "feeds.toml"]);
    assert!(good.status.success(), "{}", stderr(&good));
    assert!(stdout(&good).contains("topics   7"), "{}", stdout(&good));
}

#[test]
fn list_filters_and_export_formats() {
    let env = Env::new();
    let store = env.store();
    env.run(&["--store", &store, "seed", "seeds"]);
    let search = env.run(&["--store", &store, "list", "--search", "الهجوم", "--json"]);
    assert!(search.status.success(), "{}", stderr(&search));
    assert!(stdout(&search).lines().count() >= 1);
    let since = env.run(&["--store", &store, "list", "--since", "5 minuets"]);
    assert!(!since.status.success());
    assert!(stderr(&since).contains("5 minuets"));

    let nd = env.run(&["--store", &store, "export", "--format", "ndjson"]);
    assert_eq!(stdout(&nd).lines().count(), 5);
    let first: serde_json::Value =
        serde_json::from_str(stdout(&nd).lines().next().unwrap()).unwrap();
    assert!(!first["text"].as_str().unwrap().is_empty());

    let csv_path = env.dir.path().join("out.csv");
    let csv = env.run(&[
        "--store",
        &store,
        "export",
        "--format",
        "csv",
        "-o",
        csv_path.to_str().unwrap(),
    ]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    assert_eq!(reader.records().count(), 5);
}

#[test]
fn bad_store_path_is_a_clear_error() {
    let env = Env::new();
    let file = env.dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let out = env.run(&["--store", &format!("{}/sub/x.db", file.display()), "list"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot open the store"),
        "{}",
        stderr(&out)
    );
}
