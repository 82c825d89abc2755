//! The real binary end to end: `fetch --once` against a loopback farm, `feeds`,
//! and `opml import`/`export`.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use marsad::feeds::farm::{self, FarmSpec};

fn marsad(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(["--config", "feeds.toml", "--store", "s.db"])
        .args(args)
        .current_dir(dir)
        .env_remove("MARSAD_CONFIG")
        .env_remove("MARSAD_STORE")
        .env("HOME", dir)
        .output()
        .unwrap()
}

async fn marsad_async(dir: &Path, args: &[&'static str]) -> Output {
    let dir = dir.to_path_buf();
    let args = args.to_vec();
    tokio::task::spawn_blocking(move || marsad(&dir, &args))
        .await
        .unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_once_then_everything_is_conditional() {
    let farm = farm::serve(FarmSpec {
        feeds: 6,
        items: 15,
        port: 0,
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("feeds.toml"),
        farm.config("concurrency = 4\nper_host = 2"),
    )
    .unwrap();
    let first = json(&marsad_async(dir.path(), &["fetch", "--once", "--json"]).await);
    let t = &first["totals"];
    assert_eq!(
        (t["feeds"].as_u64(), t["new"].as_u64()),
        (Some(6), Some(90))
    );
    assert_eq!(t["errors"].as_u64(), Some(0));
    // Nothing is due now: --once polls nothing.
    let idle = json(&marsad_async(dir.path(), &["fetch", "--once", "--json"]).await);
    assert_eq!(idle["totals"]["feeds"].as_u64(), Some(0));
    // Forced: every request conditional, every answer 304, nothing written.
    let second = json(&marsad_async(dir.path(), &["fetch", "--once", "--force", "--json"]).await);
    let t = &second["totals"];
    assert_eq!(
        (t["not_modified"].as_u64(), t["new"].as_u64()),
        (Some(6), Some(0))
    );
    let one = json(
        &marsad_async(
            dir.path(),
            &["fetch", "--once", "--feed", "farm-0002", "--json"],
        )
        .await,
    );
    assert_eq!(one["feeds"][0]["feed"], "farm-0002");
    assert_eq!(one["feeds"][0]["status"], 304);

    let feeds = json(&marsad_async(dir.path(), &["feeds", "--json"]).await);
    let feeds = feeds.as_array().unwrap();
    assert_eq!(feeds.len(), 6);
    assert!(
        feeds
            .iter()
            .all(|f| f["items"] == 15 && f["last_status"] == 304)
    );
    let table = marsad_async(dir.path(), &["feeds"]).await;
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("farm-0005") && table.contains("not modified"),
        "{table}"
    );

    let text = marsad_async(dir.path(), &["fetch", "--once", "--force"]).await;
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(
            "6 feeds polled: 0 new items, 0 already known, 6 not modified (304), 0 errors"
        ),
        "{text}"
    );
    farm.shutdown().await;
}

/// Every item of a 200-feed farm is stored, wire copies across feeds among
/// them (the store used to refuse an item whose text another feed had).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_item_of_every_feed_is_stored() {
    let farm = farm::serve(FarmSpec {
        feeds: 200,
        items: 50,
        port: 0,
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("feeds.toml"),
        farm.config("concurrency = 8"),
    )
    .unwrap();
    let out = json(&marsad_async(dir.path(), &["fetch", "--once", "--json"]).await);
    let t = &out["totals"];
    assert_eq!(
        (t["new"].as_u64(), t["errors"].as_u64()),
        (Some(10_000), Some(0))
    );
    let db = rusqlite::Connection::open(dir.path().join("s.db")).unwrap();
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM items"), 10_000);
    // Every tenth item is a wire copy that each of the 100 feeds of its
    // language carries under its own link: 10 texts, 1,000 items.
    let shared =
        "(SELECT content_hash FROM items GROUP BY content_hash HAVING count(DISTINCT feed_id) > 1)";
    assert_eq!(count(&format!("SELECT count(*) FROM {shared}")), 10);
    assert_eq!(
        count(&format!(
            "SELECT count(*) FROM items WHERE content_hash IN {shared}"
        )),
        1_000
    );
    farm.shutdown().await;
}

#[test]
fn unknown_feed_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("feeds.toml"),
        "[[feed]]\nname = \"a\"\nurl = \"http://127.0.0.1:9/x\"\n",
    )
    .unwrap();
    let o = marsad(dir.path(), &["fetch", "--once", "--feed", "nope"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no feed is called `nope`"));
}

#[test]
fn opml_import_appends_only_http_and_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("feeds.toml"),
        "[settings]\nwatch = \"w\"\n\n[[feed]]\nname = \"Existing\"\nurl = \"https://a.example/rss\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("subs.opml"),
        r#"<?xml version="1.0"?><opml version="2.0"><body>
        <outline text="Existing again" xmlUrl="https://a.example/rss"/>
        <outline text="New one" xmlUrl="https://b.example/feed.xml"/>
        <outline text="Evil" xmlUrl="exec:rm -rf ~"/>
        <outline text="Filter" xmlUrl="filter:x.sh:https://c.example/rss"/>
        <outline text="Pipe" xmlUrl="|curl x"/>
        </body></opml>"#,
    )
    .unwrap();
    let o = marsad(dir.path(), &["opml", "import", "subs.opml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("added 1 feed"));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr)
            .matches("skipped")
            .count(),
        3
    );
    let toml = std::fs::read_to_string(dir.path().join("feeds.toml")).unwrap();
    assert!(toml.contains("name = \"New one\"") && !toml.contains("exec:"));
    // Importing again adds nothing.
    let o = marsad(dir.path(), &["opml", "import", "subs.opml"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing to add"));
    let o = marsad(dir.path(), &["opml", "export"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("<opml version=\"2.0\">"));
    assert!(out.contains("xmlUrl=\"https://b.example/feed.xml\""));
    assert!(out.contains("xmlUrl=\"https://a.example/rss\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_collector_stops_cleanly_on_sigterm() {
    use std::io::BufRead;
    let farm = farm::serve(FarmSpec {
        feeds: 3,
        items: 5,
        port: 0,
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("feeds.toml"), farm.config("")).unwrap();
    let path = dir.path().to_path_buf();
    let (lines, status, items) = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_marsad"))
            .args(["--config", "feeds.toml", "--store", "s.db", "fetch"])
            .current_dir(&path)
            .env("HOME", &path)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        // One line per poll: wait for the three first polls.
        let lines: Vec<String> = out.lines().take(3).map(Result::unwrap).collect();
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        let store = marsad::store::Store::open(&path.join("s.db")).unwrap();
        let items = store.reader().unwrap().count().unwrap();
        (lines, status, items)
    })
    .await
    .unwrap();
    assert!(lines.iter().all(|l| l.ends_with("5 new")), "{lines:?}");
    assert!(status.success(), "{status:?}");
    assert_eq!(items, 15);
    farm.shutdown().await;
}
