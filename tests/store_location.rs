//! `--store`, `$MARSAD_STORE` and `settings.store` name a SQLite file or a
//! PostgreSQL database: a `postgres://` URL is never taken for a file path,
//! and its password appears in no output, error or log.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A URL whose server is not there: port 1 on loopback refuses at once.
const URL: &str = "postgres://ana:s3cret-pw@127.0.0.1:1/marsad";
const SHOWN: &str = "postgres://ana:***@127.0.0.1:1/marsad";
const SECRET: &str = "s3cret-pw";

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(env.cwd()).unwrap();
        env
    }

    fn cwd(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// Runs marsad in an empty folder with a private home; `store_env` is
    /// `$MARSAD_STORE`.
    fn run(&self, args: &[&str], store_env: Option<&str>) -> Output {
        let home = self.home();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_marsad"));
        cmd.args(args)
            .current_dir(self.cwd())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env_remove("MARSAD_CONFIG")
            .env_remove("MARSAD_STORE");
        if let Some(s) = store_env {
            cmd.env("MARSAD_STORE", s);
        }
        cmd.output().unwrap()
    }

    /// Every file marsad left under the temp dir (logs included), with its
    /// text.
    fn files(&self) -> Vec<(PathBuf, String)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
                    out.push((p, text));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), &mut out);
        out
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// No file or folder was made for the URL, nor a SQLite store anywhere, and
/// the password is in no file marsad wrote.
fn assert_nothing_written_for_url(env: &Env) {
    assert_eq!(
        std::fs::read_dir(env.cwd()).unwrap().count(),
        0,
        "marsad wrote into the working folder"
    );
    for (path, text) in env.files() {
        assert!(
            !text.contains(SECRET),
            "{} holds the password",
            path.display()
        );
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(
            !name.ends_with(".db") && !name.contains("marsad") || name == "marsad.log",
            "{} was written",
            path.display()
        );
    }
}

#[test]
fn a_postgres_url_is_never_a_sqlite_file() {
    for scheme_url in [URL.to_string(), URL.replacen("postgres", "postgresql", 1)] {
        for args in [
            &["list"][..],
            &["feeds"],
            &["feeds", "--json"],
            &["seed", "seeds"],
            &["watch"],
            &["fetch", "--once"],
        ] {
            let env = Env::new();
            for via_env in [false, true] {
                let out = if via_env {
                    env.run(args, Some(&scheme_url))
                } else {
                    let mut all = vec!["--store", scheme_url.as_str()];
                    all.extend_from_slice(args);
                    env.run(&all, None)
                };
                let said = text(&out);
                assert!(!out.status.success(), "{args:?}: {said}");
                assert!(said.contains("PostgreSQL"), "{args:?}: {said}");
                assert!(
                    said.contains("ana:***@127.0.0.1:1/marsad"),
                    "{args:?}: {said}"
                );
                assert!(!said.contains(SECRET), "{args:?}: {said}");
            }
            assert_nothing_written_for_url(&env);
        }
    }
}

#[test]
fn settings_store_may_be_a_url() {
    let env = Env::new();
    let config = env.dir.path().join("watch.toml");
    std::fs::write(
        &config,
        format!("[settings]\nwatch = \"w\"\nstore = \"{URL}\"\n"),
    )
    .unwrap();
    let out = env.run(&["--config", config.to_str().unwrap(), "list"], None);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains(SHOWN), "{said}");
    assert!(!said.contains(SECRET), "{said}");
    // The config file holds it, of course; nothing else does.
    std::fs::remove_file(&config).unwrap();
    assert_nothing_written_for_url(&env);
}

#[test]
fn check_names_the_database_redacted() {
    let env = Env::new();
    let out = env.run(&["--store", URL, "check"], None);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains(SHOWN), "{said}");
    assert!(!said.contains(SECRET), "{said}");
    assert_nothing_written_for_url(&env);
    // A password given as a parameter is hidden too, and a URL the driver
    // cannot read is a usage error that does not quote it.
    for url in [
        "postgresql://127.0.0.1:1/marsad?user=ana&password=s3cret-pw",
        "postgres://ana:s3cret-pw@127.0.0.1:notaport/marsad",
    ] {
        let out = env.run(&["--store", url, "check"], None);
        let said = text(&out);
        assert!(!out.status.success(), "{said}");
        assert!(said.contains("***"), "{said}");
        assert!(!said.contains(SECRET), "{said}");
    }
}

#[test]
fn help_does_not_show_the_store_from_the_environment() {
    let env = Env::new();
    let out = env.run(&["--help"], Some(URL));
    assert!(out.status.success());
    let said = text(&out);
    assert!(said.contains("MARSAD_STORE"), "{said}");
    assert!(
        !said.contains(SECRET) && !said.contains("127.0.0.1:1"),
        "{said}"
    );
}

#[test]
fn paths_that_merely_look_like_urls_stay_files() {
    let env = Env::new();
    // "postgres:" with one slash is a relative path: a SQLite file under it.
    let out = env.run(&["--store", "postgres:/x.db", "list"], None);
    // Absolute: /x.db under the root may not be writable; either way it was
    // taken as a path, not refused as a URL.
    assert!(!text(&out).contains("PostgreSQL"), "{}", text(&out));
    let rel = "postgres-stores/x.db";
    std::fs::create_dir(env.cwd().join("postgres-stores")).unwrap();
    let out = env.run(&["--store", rel, "list"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(env.cwd().join(rel).exists());
}
