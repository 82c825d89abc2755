//! Stories at ingest, on a real SQLite file: every stored item joins a story
//! in its own transaction, with why; the grouping is `marsad cluster`'s; the
//! state is rebuilt after a restart, and a store whose items have no stories
//! gets them for its active window.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use marsad::model::{Classification, Label, NewItem};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, Store};

fn at(h: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 6, 8, 0, 0).unwrap() + Duration::hours(h)
}

fn item(n: usize, lang: &str, h: i64, title: &str, text: &str, parties: &[&str]) -> NewItem {
    NewItem {
        guid: Some(format!("g{n}")),
        link: Some(format!("https://e.example/{n}")),
        source: "test".into(),
        title: title.into(),
        text: text.into(),
        published: Some(at(h)),
        date_is_fetch_time: false,
        keys: None,
        fetched: at(h),
        labels: Classification {
            lang: lang.into(),
            topics: vec![],
            parties: parties
                .iter()
                .map(|p| Label {
                    id: p.to_string().into(),
                    evidence: vec![],
                })
                .collect(),
            alerts: vec![],
        },
    }
}

fn ingest(store: &Store, feed: &str, items: Vec<NewItem>) -> Vec<i64> {
    let r = store
        .ingest(IngestBatch {
            feed: FeedRef {
                name: feed.into(),
                url: format!("https://{feed}.example/rss"),
            },
            items,
            fetch: None,
            alerts: AlertPolicy::Quiet,
            keep_items: true,
        })
        .wait()
        .unwrap();
    r.new.iter().map(|i| i.id.0).collect()
}

/// (item, story, via) of every item, by id.
fn stories(path: &std::path::Path) -> Vec<(i64, i64, String)> {
    let db = rusqlite::Connection::open(path).unwrap();
    let mut stmt = db
        .prepare("SELECT item_id, story, via FROM item_stories ORDER BY item_id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn talks() -> Vec<NewItem> {
    vec![
        item(
            1,
            "en",
            0,
            "Iran and US envoys meet in Muscat for a third round of nuclear talks",
            "Abbas Araghchi and Steve Witkoff held indirect talks in Muscat on Saturday, Oman's foreign ministry said.",
            &["iran", "us", "oman"],
        ),
        item(
            2,
            "en",
            2,
            "Third round of Iran-US nuclear talks ends in Muscat",
            "Araghchi said the talks in Muscat with Witkoff were serious; Oman will set a date for a fourth round.",
            &["iran", "us", "oman"],
        ),
        item(
            3,
            "ar",
            3,
            "انتهاء الجولة الثالثة من المحادثات النووية بين إيران وأمريكا في مسقط",
            "قال عراقجي إن محادثاته مع ويتكوف في مسقط كانت جادة، وستحدد سلطنة عمان موعد الجولة الرابعة.",
            &["iran", "us", "oman"],
        ),
        item(
            4,
            "en",
            4,
            "Earthquake of magnitude 6.1 strikes southern Peru",
            "The quake hit near Arequipa; no casualties were reported, the geophysical institute said.",
            &[],
        ),
    ]
}

#[test]
fn every_item_joins_a_story_as_it_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let store = Store::open(&path).unwrap();
    let ids = ingest(&store, "a", talks());
    assert_eq!(ids.len(), 4);
    let s = stories(&path);
    assert_eq!(s.len(), 4, "{s:?}");
    // A story is named by its first item.
    assert_eq!((s[0].1, s[0].2.as_str()), (ids[0], "new"));
    assert_eq!(s[1].1, ids[0], "the second report joins the first: {s:?}");
    assert_eq!(s[2].1, ids[0], "the Arabic report joins them: {s:?}");
    assert_eq!(
        (s[3].1, s[3].2.as_str()),
        (ids[3], "new"),
        "the quake is its own story"
    );
    let why: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT why FROM item_stories WHERE item_id = ?1",
            [ids[1]],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        why.contains("\"via\":\"words\"") && why.contains("muscat"),
        "{why}"
    );
}

#[test]
fn the_state_is_restored_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut all = talks();
    let rest = all.split_off(2);
    let first = {
        let store = Store::open(&path).unwrap();
        ingest(&store, "a", all)
    };
    // A new process: the Arabic report and the quake still find their places.
    let store = Store::open(&path).unwrap();
    let later = ingest(&store, "b", rest);
    let s = stories(&path);
    assert_eq!(
        s.iter().map(|x| x.1).collect::<Vec<_>>(),
        [first[0], first[0], first[0], later[1]]
    );
}

#[test]
fn a_store_without_stories_gets_them_for_its_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let store = Store::open(&path).unwrap();
    store.set_stories(None).wait().unwrap();
    let mut all = talks();
    let last = all.pop().unwrap();
    ingest(&store, "a", all);
    assert_eq!(stories(&path), []);
    store.set_stories(Some(Default::default())).wait().unwrap();
    // A week later nothing of it is in the window: only the new item is placed.
    let mut late = last.clone();
    late.guid = Some("late".into());
    late.published = late.published.map(|p| p + Duration::days(7));
    ingest(&store, "a", vec![last]);
    let s = stories(&path);
    assert_eq!(
        s.len(),
        4,
        "the window's three items, then the new one: {s:?}"
    );
    assert_eq!(s[0].1, s[1].1);
    assert_eq!(s[0].1, s[2].1);
    ingest(&store, "a", vec![late]);
    assert_eq!(stories(&path).len(), 5);
}
