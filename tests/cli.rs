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

/// Finding 8: topic, party, alert and feed arguments take ids, names and
/// badges in any case; an unknown one is a usage error with a suggestion.
#[test]
fn list_takes_names_and_badges_and_refuses_unknown_ones() {
    let env = Env::new();
    let store = env.store();
    env.run(&["--store", &store, "seed", "seeds"]);
    let count = |args: &[&str]| {
        let mut all = vec!["--store", store.as_str(), "list", "--json"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out).lines().count()
    };
    let by_id = count(&["--topic", "sanctions"]);
    assert!(by_id > 0);
    assert_eq!(count(&["--topic", "Sanctions"]), by_id);
    assert_eq!(count(&["--topic", "العقوبات"]), by_id);
    let by_party = count(&["--party", "oman"]);
    assert!(by_party > 0);
    assert_eq!(count(&["--party", "OM"]), by_party);
    assert_eq!(count(&["--party", "om"]), by_party);
    assert_eq!(count(&["--alert", "MUSCAT"]), count(&["--alert", "muscat"]));
    assert_eq!(count(&["--feed", "SEEDS"]), 5);

    for (flag, arg, hint) in [
        ("--topic", "sanction", "did you mean `sanctions`?"),
        ("--party", "Iram", "did you mean `iran`?"),
        ("--alert", "muskat", "did you mean `muscat`?"),
        ("--feed", "BBC Arabc", "did you mean `BBC Arabic`?"),
    ] {
        let out = env.run(&["--store", &store, "list", flag, arg]);
        assert_eq!(out.status.code(), Some(2), "{flag} {arg}");
        assert!(stdout(&out).is_empty());
        let err = stderr(&out);
        assert!(err.contains(arg) && err.contains(hint), "{err}");
    }
}

/// Finding 8: `check` refuses what the dashboard refuses and reports every
/// error of a file in one run.
#[test]
fn check_reports_every_error_keys_and_badges_included() {
    let env = Env::new();
    let config = env.dir.path().join("many.toml");
    std::fs::write(
        &config,
        "[settings]\nintreval = \"5m\"\ntimezone = \"Asia/Muskat\"\n\n\
         [[feed]]\nname = \"a\"\nurl = \"ftp://x\"\n\n\
         [[feed]]\nname = \"b\"\nurl = \"https://b.example/rss\"\ncolour = 1\n\n\
         [[party]]\nid = \"houthis\"\nbadge = \"HO\"\nterms = [\"Houthi\"]\n\n\
         [[party]]\nid = \"hormuz\"\nbadge = \"ho\"\nterms = [\"Hormuz\"]\n\n\
         [keys]\nquitt = [\"q\"]\nzoom = [\"hyper-z\"]\n",
    )
    .unwrap();
    let out = env.run(&["check", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for want in [
        "many.toml:2:1: key `settings.intreval`",
        "many.toml:3:12: key `settings.timezone`",
        "did you mean `Asia/Muscat`?",
        "many.toml:7:7: key `feed[1].url`",
        "many.toml:12:1: key `feed[2].colour`",
        "key `party[2].badge`: the badge `ho` is also the party `houthis`'s",
        "key `keys.quitt`: unknown action `quitt`",
        "did you mean `quit`?",
        "key `keys.zoom`: unknown key `hyper-z`",
        "7 errors in the configuration",
    ] {
        assert!(err.contains(want), "{want:?} missing in\n{err}");
    }
}

/// Finding 8: feeds are listed before their first poll; a bad classify line is
/// named and the others go on; `fetch --help` gives its exit codes.
#[test]
fn feeds_classify_and_fetch_behave_as_shell_tools() {
    let env = Env::new();
    let store = env.store();
    let feeds = env.run(&["--store", &store, "feeds"]);
    assert!(feeds.status.success(), "{}", stderr(&feeds));
    let table = stdout(&feeds);
    assert!(
        table.contains("BBC Arabic") && table.contains("not polled yet"),
        "{table}"
    );
    assert_eq!(
        table.lines().count(),
        11,
        "a header and the 10 shipped feeds\n{table}"
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(["classify"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"{\"id\":1,\"title\":\"talks in Muscat\",\"body\":\"\"}\nnot json\n\xff\n{\"id\":2,\"title\":\"x\",\"body\":\"\"}\n")
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        (lines[0]["id"].as_i64(), lines[1]["id"].as_i64()),
        (Some(1), Some(2))
    );
    let err = stderr(&out);
    assert!(
        err.contains("line 2: not a JSON object") && err.contains("line 3: not UTF-8"),
        "{err}"
    );

    let help = env.run(&["help", "fetch"]);
    let text = stdout(&help);
    assert!(
        text.contains("Exit status of --once") && text.contains("3  every feed polled failed"),
        "{text}"
    );
}

/// Finding 9: the seeds have real titles, and a watch that does not ask for
/// them gets an empty store.
#[test]
fn seeds_have_real_titles_and_only_the_shipped_watch_gets_them() {
    let env = Env::new();
    let store = env.store();
    let out = env.run(&["--store", &store, "list", "--json"]);
    let titles: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["title"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(titles.len(), 5);
    for t in &titles {
        assert!(!t.starts_with('#') && !t.starts_with("ولم "), "{t}");
    }
    // A 2024 item's date carries its year in the plain listing.
    let plain = stdout(&env.run(&["--store", &store, "list"]));
    assert!(plain.contains("2024-01-13"), "{plain}");

    let other = env.dir.path().join("other.toml");
    std::fs::write(
        &other,
        "[[feed]]\nname = \"a\"\nurl = \"https://a.example/rss\"\n\n[[topic]]\nid = \"t\"\nterms = [\"x\"]\n",
    )
    .unwrap();
    let store2 = env.dir.path().join("other.db").display().to_string();
    let out = env.run(&[
        "--config",
        other.to_str().unwrap(),
        "--store",
        &store2,
        "list",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 0);
}
