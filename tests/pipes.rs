//! Every command, as the real binary, writing into a pipe nobody reads: it ends
//! quietly with exit 0 (no panic, no "Broken pipe" message), as Unix tools do.
//! The pipe's read end is closed before the command starts, so its first write
//! fails, whatever the timing; `fetch` (the collector) is also read one line
//! at a time and then left, as `marsad fetch | head -1` does.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "support/home.rs"]
mod support;

/// The local feed's home, with an OPML file and a labeled item to read.
fn home() -> tempfile::TempDir {
    let dir = support::home();
    std::fs::write(
        dir.path().join("subs.opml"),
        r#"<opml version="2.0"><body><outline text="A" xmlUrl="https://example.org/a.xml"/></body></opml>"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("stories.jsonl"),
        "{\"id\": \"a\", \"story\": \"S1\", \"lang\": \"en\", \"source\": \"R\", \"published\": \"2026-02-01T08:45:00Z\", \"title\": \"Oman hosts talks in Muscat\", \"body\": \"\"}\n\
         {\"id\": \"b\", \"story\": \"S1\", \"lang\": \"en\", \"source\": \"N\", \"published\": \"2026-02-01T09:45:00Z\", \"title\": \"Talks in Muscat hosted by Oman\", \"body\": \"\"}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("eval.jsonl"),
        "{\"id\": 1, \"title\": \"Talks in Muscat\", \"body\": \"\", \"topics\": [\"diplomacy\"], \"parties\": [\"oman\"], \"alerts\": [\"muscat\"]}\n",
    )
    .unwrap();
    dir
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = support::command(dir);
    c.args(["--config", "feeds.toml", "--store", "s.db"])
        .args(args);
    c
}

/// Runs `args` with standard output a pipe whose reader is already gone.
fn into_closed_pipe(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child = command(dir, args)
        .stdin(Stdio::piped())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let _ = input.write_all(stdin.as_bytes());
    drop(input);
    child.wait_with_output().unwrap()
}

fn assert_quiet(args: &[&str], o: &Output) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(0),
        "marsad {args:?} into a closed pipe: {:?}, stderr: {err}",
        o.status
    );
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "marsad {args:?}: {err}"
    );
}

#[test]
fn every_command_ends_quietly_when_its_reader_has_gone() {
    let dir = home();
    let d = dir.path();
    // A store with the seeds and the local feed's items in it.
    let seeded = command(d, &["fetch", "--once"]).output().unwrap();
    assert!(seeded.status.success(), "{seeded:?}");
    let seeded = command(d, &["seed"]).output().unwrap();
    assert!(seeded.status.success(), "{seeded:?}");
    let classify_input = "{\"id\": 1, \"title\": \"محادثات بمسقط\", \"body\": \"\"}\n".repeat(50);
    let stories = std::fs::read_to_string(d.join("stories.jsonl")).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["check"], ""),
        (&["feeds"], ""),
        (&["feeds", "--json"], ""),
        (&["fetch", "--once", "--force"], ""),
        (&["fetch", "--once", "--force", "--json"], ""),
        (&["fetch", "--force"], ""),
        (&["fetch", "--force", "--json"], ""),
        (&["list"], ""),
        (&["list", "--json"], ""),
        (&["export"], ""),
        (&["export", "--format", "csv"], ""),
        (&["seed"], ""),
        (&["watch"], ""),
        (&[], ""),
        (&["opml", "export"], ""),
        (&["opml", "import", "subs.opml"], ""),
        (&["classify"], &classify_input),
        (&["classify", "--explain"], &classify_input),
        (&["eval", "eval.jsonl"], ""),
        (&["cluster"], &stories),
        (&["cluster", "--explain"], &stories),
        (&["eval-stories", "stories.jsonl"], ""),
        (&["eval-stories", "stories.jsonl", "--explain"], ""),
        (&["eval-stories", "stories.jsonl", "--json"], ""),
        (&["--help"], ""),
        (&["list", "--help"], ""),
        (&["--version"], ""),
    ];
    for (args, stdin) in cases {
        let o = into_closed_pipe(d, args, stdin);
        assert_quiet(args, &o);
    }
}

#[test]
fn the_collector_stops_when_its_reader_has_read_one_line() {
    // `marsad fetch --force | head -1`: one line read, then the reader goes.
    let dir = home();
    let mut child = command(dir.path(), &["fetch", "--force"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("Local"), "{first:?}");
    drop(out);
    // The next poll is an interval away: it notices the reader has gone and
    // stops without waiting for it.
    let end = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < end, "marsad fetch kept running");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "{status:?}");
}
