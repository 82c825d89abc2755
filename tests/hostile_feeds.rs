//! Feeds built to exhaust marsad, the probe's cases: an item holding a table
//! of a million cells and one of `<div>`s nested 400,000 deep, fetched by the
//! real binary under resource limits it could not live in before (html2text
//! took 1.7 GB for the table and over ten minutes for the nesting); items a
//! feed repeats are not made into text again; an item whose text cannot be
//! made in time is stored with its title and a note, and not tried again.
//! Speed itself is measured by `benches/hostile.sh`, not here.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Output;

use bytes::Bytes;
use chrono::Utc;
use marsad::config::Config;
use marsad::feeds::fetch::Fetched;
use marsad::feeds::items;
use marsad::pipeline::{Pipeline, TEXT_NOTE};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, Store};

#[path = "support/home.rs"]
mod support;

/// An RSS document with one item per body, each in CDATA.
fn rss(name: &str, bodies: &[String]) -> String {
    let items: String = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            format!(
                "<item><title>Item {i} &amp; more</title><link>http://127.0.0.1/{name}/{i}</link>\
                 <guid>{name}-{i}</guid><description><![CDATA[{b}]]></description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>{name}</title>\
         <link>http://127.0.0.1/</link><description>d</description>{items}</channel></rss>"
    )
}

/// `marsad fetch --once` on a `file:` feed holding `body`, with at most
/// `cpu_s` seconds of CPU and `data_mib` MiB of data memory (`ulimit -t`,
/// `ulimit -d`); returns the run and the stored item's text.
fn fetch_limited(body: String, cpu_s: u32, data_mib: u32) -> (Output, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("feed.xml"), rss("hostile", &[body])).unwrap();
    std::fs::write(
        d.join("watch.toml"),
        // The poll's time limit well past what an unoptimized build takes on
        // a busy machine: `ulimit -t` is the bound here.
        "[settings]\ntimeout = \"600s\"\n\n\
         [[feed]]\nname = \"Hostile\"\nurl = \"file:feed.xml\"\n\n\
         [[topic]]\nid = \"t\"\nname = \"T\"\nterms = [\"x\"]\n",
    )
    .unwrap();
    let out = support::private(&mut std::process::Command::new("sh"), d)
        .arg("-c")
        .arg(format!(
            "ulimit -t {cpu_s} && ulimit -d {} && exec \"$0\" --config watch.toml --store s.db fetch --once --json",
            data_mib * 1024
        ))
        .arg(env!("CARGO_BIN_EXE_marsad"))
        .output()
        .unwrap();
    let text = rusqlite::Connection::open(d.join("s.db"))
        .and_then(|c| c.query_row("SELECT text FROM items", [], |r| r.get(0)))
        .unwrap_or_default();
    (out, text)
}

fn assert_stored(what: &str, out: &Output) {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{what}: {:?}, stderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(out.status.success(), "{what}: {out:?}");
    assert_eq!(report["totals"]["new"], 1, "{what}: {report}");
    assert_eq!(report["totals"]["errors"], 0, "{what}: {report}");
}

#[cfg(unix)]
#[test]
fn nesting_400k_deep_is_made_into_text_in_bounded_time() {
    // 2 MB of unclosed `<div>`s, as the probe sent them.
    let body = format!("{}deep", "<div>".repeat(400_000));
    let (out, text) = fetch_limited(body, 60, 512);
    assert_stored("nesting", &out);
    assert_eq!(text.trim(), "deep");
}

#[cfg(unix)]
#[test]
fn a_table_of_a_million_cells_is_rows_of_text_in_bounded_memory() {
    // 1000 × 1000 unclosed cells, 5 MB, as the probe sent them.
    let body = format!(
        "<table>{}</table>",
        format!("<tr>{}", "<td>x".repeat(1000)).repeat(1000)
    );
    let (out, text) = fetch_limited(body, 120, 512);
    assert_stored("table", &out);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("x | x")).collect();
    assert_eq!(rows.len(), marsad::text::html::MAX_ROWS, "{}", &text[..200]);
    assert!(rows[0].ends_with("[… 950 more cells]"), "{}", rows[0]);
    // A thousand rows is the cap: none left out.
    assert!(!text.contains("more rows"));
}

#[cfg(unix)]
#[test]
fn a_table_of_1700_by_1700_cells_is_cut_in_bounded_memory() {
    // The probe's largest item: 14.5 MB, 2.9 million unclosed cells (html2text
    // peaked at 4.9 GB on it). Within the default body cap of 16 MiB.
    let body = format!(
        "<table>{}</table>",
        format!("<tr>{}", "<td>x".repeat(1700)).repeat(1700)
    );
    assert!(body.len() > 14_000_000);
    let (out, text) = fetch_limited(body, 120, 512);
    assert_stored("table 1700", &out);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("x | x")).collect();
    assert_eq!(
        rows.len(),
        marsad::text::html::MAX_ROWS,
        "{}",
        &text[..text.len().min(200)]
    );
    assert!(rows[0].ends_with("[… 1650 more cells]"), "{}", rows[0]);
    assert!(
        text.trim_end().ends_with("[… 700 more rows]"),
        "{}",
        &text[text.len() - 200..]
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_feed_is_refused_not_waited_on() {
    // Nobody ever writes the FIFO: opening it to read would block for ever,
    // past the fetch timeout and SIGTERM. `timeout` kills a run that hangs.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let made = std::process::Command::new("mkfifo")
        .arg(d.join("feed.fifo"))
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::write(
        d.join("watch.toml"),
        "[settings]\ntimeout = \"60s\"\n\n[[feed]]\nname = \"Fifo\"\nurl = \"file:feed.fifo\"\n\n\
         [[topic]]\nid = \"t\"\nname = \"T\"\nterms = [\"x\"]\n",
    )
    .unwrap();
    let out = support::private(&mut std::process::Command::new("timeout"), d)
        .args(["-s", "KILL", "30", env!("CARGO_BIN_EXE_marsad")])
        .args([
            "--config",
            "watch.toml",
            "--store",
            "s.db",
            "fetch",
            "--once",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.code().is_some(), "killed by timeout: {out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["totals"]["errors"], 1, "{report}");
    let error = report["feeds"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("not a regular file"), "{report}");
}

#[test]
fn invisible_characters_cannot_hide_a_word_from_an_alert() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let feed = &Config::parse(
        "[[feed]]\nname = \"Hostile\"\nurl = \"file:feed.xml\"\n",
        marsad::config::ConfigSource::BuiltIn,
    )
    .unwrap()
    .feeds[0];
    // The Mongolian vowel separator, zero-width space, joiner and BOM, a
    // soft hyphen and a variation selector, each inside "Muscat".
    let titles = [
        "Talks in Mus\u{180E}cat",
        "Talks in Mus\u{200B}cat",
        "Talks in Mus\u{2060}cat",
        "Talks in Mus\u{FEFF}cat",
        "Talks in Mus\u{00AD}cat",
        "Talks in Mus\u{FE0F}cat",
        "محادثات في مس\u{180E}قط",
    ];
    let items: String = titles
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!("<item><title>{t}</title><guid>g{i}</guid><description>x</description></item>")
        })
        .collect();
    let body = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>h</title>{items}</channel></rss>"
    );
    let made = items::make(
        &pipeline(),
        &store,
        feed,
        fetched(body),
        Utc::now(),
        std::time::Duration::from_secs(30),
    )
    .unwrap();
    assert_eq!(made.items.len(), titles.len());
    for (item, t) in made.items.iter().zip(titles) {
        let alerts: Vec<&str> = item.labels.alerts.iter().map(|l| l.id.as_ref()).collect();
        assert!(alerts.contains(&"muscat"), "{t:?}: {alerts:?}");
        assert!(
            !item.title.chars().any(marsad::text::sanitize::is_invisible),
            "{:?}",
            item.title
        );
    }
}

fn pipeline() -> Pipeline {
    let config = Config::builtin();
    Pipeline::new(marsad::classify::Classifier::new(&config).unwrap())
}

fn fetched(body: String) -> Fetched {
    Fetched {
        status: 200,
        body: Bytes::from(body),
        ..Default::default()
    }
}

fn store(dir: &Path) -> Store {
    Store::open(&dir.join("s.db")).unwrap()
}

fn stored(store: &Store, made: items::Made) {
    store
        .ingest(IngestBatch {
            feed: FeedRef {
                name: "Hostile".into(),
                url: "file:feed.xml".into(),
            },
            items: made.items,
            fetch: None,
            alerts: AlertPolicy::Quiet,
            keep_items: false,
        })
        .wait()
        .unwrap();
}

#[test]
fn items_a_feed_repeats_are_not_made_into_text_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let feed = &Config::parse(
        "[[feed]]\nname = \"Hostile\"\nurl = \"file:feed.xml\"\n",
        marsad::config::ConfigSource::BuiltIn,
    )
    .unwrap()
    .feeds[0];
    let p = pipeline();
    let bodies: Vec<String> = (0..5).map(|i| format!("<p>body {i}</p>")).collect();
    let first = items::make(
        &p,
        &store,
        feed,
        fetched(rss("h", &bodies)),
        Utc::now(),
        std::time::Duration::from_secs(30),
    )
    .unwrap();
    assert_eq!((first.items.len(), first.known), (5, 0));
    stored(&store, first);
    // The same five and two new ones: only the new ones are made.
    let more: Vec<String> = (0..7).map(|i| format!("<p>body {i}</p>")).collect();
    let second = items::make(
        &p,
        &store,
        feed,
        fetched(rss("h", &more)),
        Utc::now(),
        std::time::Duration::from_secs(30),
    )
    .unwrap();
    assert_eq!((second.items.len(), second.known), (2, 5));
    let guids: Vec<_> = second
        .items
        .iter()
        .map(|i| i.guid.clone().unwrap())
        .collect();
    assert_eq!(guids, ["h-5", "h-6"]);
}

#[test]
fn an_item_out_of_time_is_stored_with_its_title_and_a_note_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let feed = &Config::parse(
        "[[feed]]\nname = \"Hostile\"\nurl = \"file:feed.xml\"\n",
        marsad::config::ConfigSource::BuiltIn,
    )
    .unwrap()
    .feeds[0];
    let p = pipeline();
    // More than one slice of HTML, and no time at all for the poll.
    let body = "<div>x</div>".repeat(5_000);
    let made = items::make(
        &p,
        &store,
        feed,
        fetched(rss("h", std::slice::from_ref(&body))),
        Utc::now(),
        std::time::Duration::ZERO,
    )
    .unwrap();
    assert_eq!(made.items.len(), 1);
    assert_eq!(made.items[0].title, "Item 0 & more");
    assert_eq!(made.items[0].text, TEXT_NOTE);
    stored(&store, made);
    // Stored, it is known: the next poll does not try it again.
    let again = items::make(
        &p,
        &store,
        feed,
        fetched(rss("h", &[body])),
        Utc::now(),
        std::time::Duration::ZERO,
    )
    .unwrap();
    assert_eq!((again.items.len(), again.known), (0, 1));
}
