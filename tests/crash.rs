//! Crash safety: a child process ingests as fast as it can and prints each item
//! the store acknowledged; the test kills it with SIGKILL at a random moment, many
//! times over, and then proves the store opens, passes `PRAGMA integrity_check`,
//! and holds every acknowledged item whole.
//!
//! The child is this same test binary, re-run with `MARSAD_CRASH_CHILD` set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use chrono::Utc;
use marsad::model::{Classification, Label, NewItem};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, Store};

const CHILD_ENV: &str = "MARSAD_CRASH_CHILD";
const RUNS: usize = 25;

fn content(guid: &str) -> (String, String) {
    (
        format!("عنوان {guid} في مسقط"),
        format!("نص الخبر {guid}: ").repeat(40),
    )
}

fn new_item(guid: &str) -> NewItem {
    let (title, text) = content(guid);
    NewItem {
        guid: Some(guid.to_string()),
        link: Some(format!("https://example.org/{guid}")),
        source: "crash".into(),
        title,
        text,
        published: Some(Utc::now()),
        date_is_fetch_time: false,
        keys: None,
        fetched: Utc::now(),
        labels: Classification {
            lang: "ar".into(),
            topics: vec![Label {
                id: "diplomacy".into(),
                evidence: vec![],
            }],
            parties: vec![Label {
                id: "oman".into(),
                evidence: vec![],
            }],
            alerts: vec![Label {
                id: "muscat".into(),
                evidence: vec![],
            }],
        },
    }
}

/// The child: two writers ingesting batches forever, printing acknowledgements.
fn child(path: &str, run: &str) {
    let store = Store::open(std::path::Path::new(path)).expect("open");
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let store = store.clone();
            let run = run.to_string();
            std::thread::spawn(move || {
                let mut out = std::io::stdout();
                for n in 0.. {
                    let guids: Vec<String> = (0..5).map(|i| format!("{run}-{t}-{n}-{i}")).collect();
                    let batch = IngestBatch {
                        feed: FeedRef {
                            name: format!("feed{t}"),
                            url: format!("https://f{t}.example/rss"),
                        },
                        items: guids.iter().map(|g| new_item(g)).collect(),
                        fetch: None,
                        alerts: AlertPolicy::Quiet,
                        keep_items: true,
                    };
                    store.ingest(batch).wait().expect("ingest");
                    let mut line = String::new();
                    for g in &guids {
                        line.push_str("ack ");
                        line.push_str(g);
                        line.push('\n');
                    }
                    out.write_all(line.as_bytes()).expect("stdout");
                    out.flush().expect("flush");
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
}

#[test]
fn sigkill_never_loses_acknowledged_items() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        let (path, run) = spec.split_once('|').expect("spec");
        child(path, run);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let exe = std::env::current_exe().unwrap();
    let random = RandomState::new();
    let mut acked: Vec<String> = Vec::new();
    for run in 0..RUNS {
        let mut child = Command::new(&exe)
            .args([
                "sigkill_never_loses_acknowledged_items",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, format!("{}|r{run}", path.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // A random moment: right after start (while the store is being opened)
        // or after a random number of acknowledgements, mid-ingest.
        let wanted = (random.hash_one(run) % 60) as usize * 5;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut got = Vec::new();
        while got.len() < wanted {
            match lines.next() {
                Some(Ok(l)) => got.extend(l.strip_prefix("ack ").map(str::to_string)),
                _ => break,
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        // Acknowledgements already written before the kill count too.
        got.extend(
            lines
                .map_while(Result::ok)
                .filter_map(|l| l.strip_prefix("ack ").map(str::to_string)),
        );
        acked.extend(got);

        // The store opens (migrations, WAL recovery), is sound, and has every
        // acknowledged item whole.
        drop(Store::open(&path).expect("store opens after SIGKILL"));
        let conn = rusqlite::Connection::open(&path).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "run {run}");
        let mut stmt = conn
            .prepare("SELECT title, text, (SELECT length(tags) - length(replace(tags, ':', '')) FROM item_tags l WHERE l.item_id = items.id) FROM items WHERE guid = ?1")
            .unwrap();
        for guid in &acked {
            let (title, text, labels): (String, String, i64) = stmt
                .query_row([guid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap_or_else(|e| {
                    panic!("acknowledged item {guid} is missing after run {run}: {e}")
                });
            assert_eq!((title, text), content(guid), "item {guid} is not whole");
            assert_eq!(labels, 3, "labels of {guid}");
        }
    }
    assert!(
        acked.len() > 100,
        "the child acknowledged only {} items in {RUNS} runs",
        acked.len()
    );
    eprintln!(
        "{RUNS} SIGKILLs, {} acknowledged items all present and whole",
        acked.len()
    );
}
