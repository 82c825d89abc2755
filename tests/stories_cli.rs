//! `marsad stories` and `marsad digest`, the real binary on a fixed store: a
//! round of talks reported in English and Arabic and carried by a second
//! feed, a burst of reports on an attack from three outlets, an alert.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/home.rs"]
mod home;

use chrono::{DateTime, Duration, Utc};
use home::{home, marsad};
use marsad::model::{Classification, Label, NewItem};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, Store};

fn label(id: &str) -> Label {
    Label {
        id: id.to_string().into(),
        evidence: vec![],
    }
}

#[allow(clippy::too_many_arguments)]
fn item(
    guid: &str,
    source: &str,
    lang: &str,
    when: DateTime<Utc>,
    title: &str,
    text: &str,
    topics: &[&str],
    alerts: &[&str],
) -> NewItem {
    NewItem {
        guid: Some(guid.into()),
        link: Some(format!("https://{source}.example/{guid}")),
        source: source.into(),
        title: title.into(),
        text: text.into(),
        published: Some(when),
        date_is_fetch_time: false,
        keys: None,
        fetched: when,
        labels: Classification {
            lang: lang.into(),
            topics: topics.iter().map(|t| label(t)).collect(),
            parties: ["iran", "us"].iter().map(|p| label(p)).collect(),
            alerts: alerts.iter().map(|a| label(a)).collect(),
        },
    }
}

fn ingest(store: &Store, feed: &str, items: Vec<NewItem>) {
    store
        .ingest(IngestBatch {
            feed: FeedRef {
                name: feed.into(),
                url: format!("https://{feed}.example/rss"),
            },
            items,
            fetch: None,
            alerts: AlertPolicy::Live {
                backfill: std::time::Duration::from_secs(86_400),
            },
            keep_items: true,
        })
        .wait()
        .unwrap();
}

/// The fixed store, in `dir/s.db`: times are hours before now.
fn fixed_store(dir: &std::path::Path) {
    let now = Utc::now();
    let h = |n: i64| now - Duration::hours(n);
    let store = Store::open(&dir.join("s.db")).unwrap();
    let d = &["diplomacy", "nuclear"];
    let talks = [
        item(
            "t1",
            "Reuters",
            "en",
            h(6),
            "Iran and US envoys meet in Muscat for a third round of nuclear talks",
            "Abbas Araghchi and Steve Witkoff held indirect talks in Muscat on Saturday, Oman's foreign ministry said.",
            d,
            &["muscat"],
        ),
        item(
            "t2",
            "Reuters",
            "en",
            h(5),
            "Third round of Iran-US nuclear talks ends in Muscat",
            "Araghchi said the talks in Muscat with Witkoff were serious; Oman will set a date for a fourth round.",
            d,
            &[],
        ),
        item(
            "t3",
            "Aljazeera",
            "ar",
            h(4),
            "انتهاء الجولة الثالثة من المحادثات النووية بين إيران وأمريكا في مسقط",
            "قال عراقجي إن محادثاته مع ويتكوف في مسقط كانت جادة، وستحدد سلطنة عمان موعد الجولة الرابعة.",
            d,
            &[],
        ),
    ];
    ingest(&store, "wire", talks[..2].to_vec());
    ingest(&store, "arabic", talks[2..].to_vec());
    // A second feed carries the first report: its link and text.
    let mut copy = talks[0].clone();
    copy.guid = Some("agg-1".into());
    ingest(&store, "aggregator", vec![copy]);
    // An attack: eight reports within twenty minutes, from three outlets.
    let base = h(2);
    let attack: Vec<NewItem> = (0..8)
        .map(|i| {
            let src = ["AP", "AFP", "BBC"][i % 3];
            item(
                &format!("a{i}"),
                src,
                "en",
                base + Duration::minutes(2 * i as i64),
                &format!("Drone attack on a tanker in the Gulf of Oman, report {i}"),
                "A drone struck an oil tanker off Fujairah; the crew was evacuated.",
                &["military"],
                &[],
            )
        })
        .collect();
    ingest(&store, "agencies", attack);
}

fn json_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn stories_lists_each_event_once_with_its_sources_and_languages() {
    let dir = home();
    fixed_store(dir.path());
    let all = json_lines(&marsad(
        dir.path(),
        &["stories", "--since", "24h", "--json"],
    ));
    assert_eq!(all.len(), 2, "{all:#?}");
    // The attack has more items: it comes first.
    assert_eq!(all[0]["items"], 8);
    assert_eq!(all[0]["sources"].as_array().unwrap().len(), 3);
    let talks = &all[1];
    assert_eq!(talks["items"], 3);
    assert_eq!(
        talks["headline"],
        "Iran and US envoys meet in Muscat for a third round of nuclear talks"
    );
    assert_eq!(talks["languages"], serde_json::json!(["en", "ar"]));
    assert_eq!(
        talks["sources"],
        serde_json::json!(["Reuters", "Aljazeera", "aggregator"]),
        "the items' outlets, then the feed that carried a copy"
    );
    assert_eq!(talks["links"].as_array().unwrap().len(), 3);
    // By topic, and by party named in the user's words.
    let nuclear = json_lines(&marsad(
        dir.path(),
        &["stories", "--topic", "nuclear", "--json"],
    ));
    assert_eq!(nuclear.len(), 1);
    assert_eq!(nuclear[0]["id"], talks["id"]);
    // Nothing in the last hour.
    let none = marsad(dir.path(), &["stories", "--since", "1h"]);
    assert!(String::from_utf8_lossy(&none.stdout).contains("no stories"));
    let text = marsad(dir.path(), &["stories"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("3 items") && text.contains("en ar"), "{text}");
    // An unknown topic is a usage error.
    assert_eq!(
        marsad(dir.path(), &["stories", "--topic", "nope"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn digest_gives_top_stories_per_topic_breaking_periods_and_alerts() {
    let dir = home();
    fixed_store(dir.path());
    let out = marsad(dir.path(), &["digest", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let topics: Vec<&str> = v["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        topics,
        ["nuclear", "military", "diplomacy"],
        "in the config's order"
    );
    assert_eq!(v["topics"][0]["stories"][0]["items"], 3);
    let breaking = v["breaking"].as_array().unwrap();
    assert_eq!(breaking.len(), 1, "{breaking:#?}");
    assert_eq!(breaking[0]["topic"], "military");
    assert!(breaking[0]["sources"].as_u64().unwrap() >= 2);
    let alerts = v["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0]["alert"], "muscat");

    let md = marsad(dir.path(), &["digest"]);
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.contains("## Breaking") && md.contains("## Alerts"),
        "{md}"
    );
    assert!(
        md.contains(
            "**Drone attack on a tanker in the Gulf of Oman, report 0** — 8 items, 3 sources"
        ),
        "{md}"
    );
    assert!(md.contains("<https://Reuters.example/t1>"), "{md}");
}
