//! Retention: `marsad prune` on a real store makes the items older than the
//! cutoff tombstones, a page at a time (more than one page here), archives
//! them first when asked, and leaves the rest; `--dry-run` only counts; the
//! config's `settings.retention` is the default age, by which `fetch --once`
//! prunes too; a pruned item offered
//! again by its feed is not stored again.

#![allow(clippy::unwrap_used)]

#[path = "support/home.rs"]
mod home;

use chrono::{Duration, Utc};
use marsad::model::{Classification, ItemId, Label, NewItem};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, ItemQuery, Store};

/// More than a page of old items (`store::prune` deletes 2,000 at a time).
const OLD: usize = 4_100;
const RECENT: usize = 60;

fn item(i: usize, days: i64) -> NewItem {
    let when = Utc::now() - Duration::days(days) - Duration::minutes(i as i64);
    NewItem {
        guid: Some(format!("g{i}")),
        link: Some(format!("https://news.example/{i}")),
        source: "Example".into(),
        title: format!("Iran talks in Muscat, report {i}"),
        text: format!("Body of report {i}."),
        published: Some(when),
        date_is_fetch_time: false,
        fetched: when,
        labels: Classification {
            lang: "en".into(),
            topics: vec![Label {
                id: "diplomacy".into(),
                evidence: Vec::new(),
            }],
            parties: Vec::new(),
            alerts: i
                .is_multiple_of(10)
                .then(|| Label {
                    id: "muscat".into(),
                    evidence: Vec::new(),
                })
                .into_iter()
                .collect(),
        },
        keys: None,
    }
}

fn items() -> Vec<NewItem> {
    (0..OLD)
        .map(|i| item(i, 500))
        .chain((OLD..OLD + RECENT).map(|i| item(i, 10)))
        .collect()
}

fn ingest(store: &Store, items: Vec<NewItem>) -> usize {
    store
        .ingest(IngestBatch {
            feed: FeedRef {
                name: "Example".into(),
                url: "https://news.example/feed.xml".into(),
            },
            items,
            fetch: None,
            alerts: AlertPolicy::Live {
                backfill: std::time::Duration::from_secs(3600),
            },
            keep_items: false,
        })
        .wait()
        .unwrap()
        .added
}

fn out(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{o:?}");
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn prune_archives_then_tombstones_the_old_items_only() {
    let home = home::home();
    let dir = home.path();
    let store = Store::open(&dir.join("s.db")).unwrap();
    assert_eq!(ingest(&store, items()), OLD + RECENT);
    let r = store.reader().unwrap();
    let all = |r: &marsad::store::Reader| r.count_items(&ItemQuery::default(), u64::MAX).unwrap();
    assert_eq!(all(&r).items, (OLD + RECENT) as u64);

    // No age given, none configured: nothing to prune by.
    let o = home::marsad(dir, &["prune"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--older-than"));

    // The dry run counts and changes nothing.
    let said = out(&home::marsad(
        dir,
        &["prune", "--older-than", "400d", "--dry-run"],
    ));
    assert!(
        said.starts_with(&format!("{OLD} items stored before")),
        "{said}"
    );
    assert_eq!(all(&r).items, (OLD + RECENT) as u64);

    // An archive never overwrites a file: nothing is pruned.
    std::fs::write(dir.join("taken.ndjson"), "keep me\n").unwrap();
    let o = home::marsad(
        dir,
        &["prune", "--older-than", "400d", "--archive", "taken.ndjson"],
    );
    assert!(!o.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join("taken.ndjson")).unwrap(),
        "keep me\n"
    );
    assert_eq!(all(&r).items, (OLD + RECENT) as u64);

    let said = out(&home::marsad(
        dir,
        &["prune", "--older-than", "400d", "--archive", "old.ndjson"],
    ));
    assert!(
        said.starts_with(&format!("{OLD} items stored before")),
        "{said}"
    );
    assert!(said.contains("archived to old.ndjson"), "{said}");

    // The archive holds every old item, whole, once.
    let archive = std::fs::read_to_string(dir.join("old.ndjson")).unwrap();
    let mut ids: Vec<i64> = archive
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v["text"].as_str().unwrap().starts_with("Body of report"));
            assert_eq!(v["topics"][0], "diplomacy");
            v["id"].as_i64().unwrap()
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), OLD);

    // The recent items stay, with their counts and alerts; the old ones and
    // their alerts are gone.
    let r = store.reader().unwrap();
    assert_eq!(all(&r).items, RECENT as u64);
    assert_eq!(r.count_older_than(Utc::now()).unwrap(), RECENT as u64);
    let alerts = r.alerts(false, 10_000).unwrap();
    assert_eq!(alerts.len(), RECENT / 10);
    assert!(alerts.iter().all(|a| !ids.contains(&a.item.0)));
    assert!(r.item(ItemId(ids[0])).unwrap().is_none());
    let listed = out(&home::marsad(dir, &["list", "--limit", "1000", "--json"]));
    assert_eq!(listed.lines().count(), RECENT);

    // Tombstones: the feed offering the pruned items again stores none.
    assert_eq!(ingest(&store, items()), 0);
    assert_eq!(all(&r).items, RECENT as u64);
}

#[test]
fn settings_retention_is_the_default_age() {
    let home = home::home();
    let dir = home.path();
    let store = Store::open(&dir.join("s.db")).unwrap();
    assert_eq!(ingest(&store, items()), OLD + RECENT);
    let path = dir.join("feeds.toml");
    let mut table: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    table["settings"]
        .as_table_mut()
        .unwrap()
        .insert("retention".into(), "30d".into());
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    let said = out(&home::marsad(dir, &["prune", "--dry-run"]));
    assert!(
        said.starts_with(&format!("{OLD} items stored before")),
        "{said}"
    );
    // A collector run from cron prunes by it after its polls (the local
    // feed brings two items).
    out(&home::marsad(dir, &["fetch", "--once"]));
    let r = store.reader().unwrap();
    assert_eq!(r.count_older_than(Utc::now()).unwrap(), RECENT as u64 + 2);
}

#[test]
fn an_age_past_the_beginning_of_time_prunes_nothing() {
    let now = Utc::now();
    let forever = std::time::Duration::from_secs(u64::MAX / 2);
    assert_eq!(
        marsad::store::cutoff(now, forever),
        chrono::DateTime::<Utc>::MIN_UTC
    );
    assert_eq!(
        marsad::store::cutoff(now, std::time::Duration::from_secs(86_400)),
        now - Duration::days(1)
    );
}
