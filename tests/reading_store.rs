//! What a reader keeps in the store, on a real SQLite file: bookmarks and saved
//! filters survive a reopen, and `list --bookmarked` lists the bookmarks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use marsad::model::{Classification, ItemId, Label, NewItem};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, ItemQuery, Store};

fn item(n: usize, topic: &str) -> NewItem {
    NewItem {
        guid: Some(format!("g{n}")),
        link: Some(format!("https://e.example/{n}")),
        source: "test".into(),
        title: format!("item {n} on {topic}"),
        text: format!("text {n}"),
        published: Some(
            Utc.with_ymd_and_hms(2026, 2, 6, 12, n as u32 % 60, 0)
                .unwrap(),
        ),
        date_is_fetch_time: false,
        keys: None,
        fetched: Utc::now(),
        labels: Classification {
            lang: "en".into(),
            topics: vec![Label {
                id: topic.to_string().into(),
                evidence: vec![],
            }],
            parties: vec![],
            alerts: vec![],
        },
    }
}

fn fill(store: &Store, items: Vec<NewItem>) -> Vec<ItemId> {
    let r = store
        .ingest(IngestBatch {
            feed: FeedRef {
                name: "a".into(),
                url: "https://a.example/rss".into(),
            },
            items,
            fetch: None,
            alerts: AlertPolicy::Quiet,
            keep_items: true,
        })
        .wait()
        .unwrap();
    r.new.iter().map(|i| i.id).collect()
}

#[test]
fn bookmarks_and_saved_filters_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let ids = {
        let store = Store::open(&path).unwrap();
        let ids = fill(&store, (0..5).map(|n| item(n, "nuclear")).collect());
        assert!(store.set_bookmark(ids[1], true).wait().unwrap());
        assert!(store.set_bookmark(ids[3], true).wait().unwrap());
        assert!(!store.set_bookmark(ids[3], true).wait().unwrap(), "twice");
        assert!(
            !store.set_bookmark(ItemId(9999), true).wait().unwrap(),
            "no such item"
        );
        store
            .save_filter("nuclear only".into(), r#"{"text":"x"}"#.into())
            .wait()
            .unwrap();
        store
            .save_filter("nuclear only".into(), r#"{"text":"y"}"#.into())
            .wait()
            .unwrap();
        store
            .save_filter("gone".into(), "{}".into())
            .wait()
            .unwrap();
        assert!(store.delete_filter("gone".into()).wait().unwrap());
        ids
    };
    let store = Store::open(&path).unwrap();
    let r = store.reader().unwrap();
    let mut marked = r.bookmarks().unwrap();
    marked.sort();
    assert_eq!(marked, vec![ids[1], ids[3]]);
    assert!(r.is_bookmarked(ids[1]).unwrap() && !r.is_bookmarked(ids[0]).unwrap());
    let listed = r.bookmarked_items(&ItemQuery::default()).unwrap();
    assert_eq!(listed.len(), 2);
    // Filters apply to them too.
    let none = r
        .bookmarked_items(&ItemQuery {
            topic: Some("rights".into()),
            ..ItemQuery::default()
        })
        .unwrap();
    assert!(none.is_empty());
    // And `list --bookmarked` lists them.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args([
            "--store",
            path.to_str().unwrap(),
            "list",
            "--bookmarked",
            "--json",
        ])
        .env(
            "MARSAD_CONFIG",
            concat!(env!("CARGO_MANIFEST_DIR"), "/feeds.toml"),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Vec<i64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_i64()
                .unwrap()
        })
        .collect();
    // Newest first: the later item of the two.
    assert_eq!(shown, vec![ids[3].0, ids[1].0]);
    let filters = r.saved_filters().unwrap();
    assert_eq!(filters.len(), 1);
    assert_eq!(
        (filters[0].name.as_str(), filters[0].filter.as_str()),
        ("nuclear only", r#"{"text":"y"}"#)
    );
    assert!(store.set_bookmark(ids[1], false).wait().unwrap());
    assert_eq!(r.bookmarks().unwrap(), vec![ids[3]]);
}

/// Finding 6: a pane marked read (its query, more items than one page of
/// marks) and then everything: the marks and the counts agree, and nothing
/// outside the query changes.
#[test]
fn a_pane_then_everything_is_marked_read_page_by_page() {
    use marsad::store::MARK_PAGE;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db")).unwrap();
    let many = MARK_PAGE + 37;
    let mut items: Vec<NewItem> = (0..many).map(|n| item(n, "nuclear")).collect();
    items.extend((many..many + 30).map(|n| item(n, "rights")));
    fill(&store, items);
    let r = store.reader().unwrap();
    let topic = |t: &str| ItemQuery {
        topic: Some(t.into()),
        ..ItemQuery::default()
    };
    let unread = |q: &ItemQuery| r.count_items(q, u64::MAX).unwrap().unread;
    assert_eq!(unread(&topic("nuclear")), many as u64);

    // A search pane: the words select a few of the rights items.
    let searched = ItemQuery {
        search: Some(format!("item {}", many + 3)),
        ..topic("rights")
    };
    assert_eq!(store.mark_read_where(&r, &searched).unwrap(), 1);
    assert_eq!(unread(&topic("rights")), 29);

    assert_eq!(store.mark_read_where(&r, &topic("nuclear")).unwrap(), many);
    assert_eq!(unread(&topic("nuclear")), 0);
    assert_eq!(unread(&topic("rights")), 29, "another pane is untouched");
    assert_eq!(unread(&ItemQuery::default()), 29);

    assert_eq!(
        store.mark_read_where(&r, &ItemQuery::default()).unwrap(),
        29
    );
    assert_eq!(unread(&ItemQuery::default()), 0);
    assert_eq!(store.mark_read_where(&r, &ItemQuery::default()).unwrap(), 0);
}
