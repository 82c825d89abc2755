//! A temp home for the real binary: a config of the shipped watch whose feeds
//! are replaced by one local file feed, and `marsad` run with HOME and the XDG
//! folders inside it, so nothing outside the temp dir is read or written.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

/// The local feed: two items, one naming Muscat.
pub const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Local</title><link>http://127.0.0.1/</link><description>d</description>
<item><title>Iran and US envoys meet in Muscat</title><link>http://127.0.0.1/a1</link><guid>a1</guid>
<description>Talks on enrichment resumed in Muscat.</description></item>
<item><title>Oman hosts a second round</title><link>http://127.0.0.1/a2</link><guid>a2</guid>
<description>Diplomats met again.</description></item>
</channel></rss>"#;

/// A temp dir with `feed.xml` and `feeds.toml` (the shipped watch, with the
/// one feed `Local` reading `feed.xml`).
pub fn home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("feed.xml"), RSS).unwrap();
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/feeds.toml")).unwrap();
    let mut table: toml::Table = toml::from_str(&shipped).unwrap();
    table.remove("feed");
    let mut text = toml::to_string(&table).unwrap();
    text.push_str("\n[[feed]]\nname = \"Local\"\nurl = \"file:feed.xml\"\n");
    std::fs::write(dir.path().join("feeds.toml"), text).unwrap();
    dir
}

/// `marsad` to run in `dir` with a private home.
pub fn command(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_marsad"));
    private(&mut c, dir);
    c
}

/// `c` to run in `dir`, with `dir` as its home and no marsad settings from
/// the environment.
pub fn private<'a>(c: &'a mut Command, dir: &Path) -> &'a mut Command {
    c.current_dir(dir)
        .env_remove("MARSAD_CONFIG")
        .env_remove("MARSAD_STORE")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_DATA_HOME", dir.join("data"))
}

/// `marsad --config feeds.toml --store s.db ARGS` in `dir`.
pub fn marsad(dir: &Path, args: &[&str]) -> Output {
    command(dir)
        .args(["--config", "feeds.toml", "--store", "s.db"])
        .args(args)
        .output()
        .unwrap()
}
