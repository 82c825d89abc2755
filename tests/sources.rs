//! Every source kept, on a real SQLite file: a feed's item is the same item by
//! guid, else canonical link, within that feed; the same link and text in
//! another feed is a sighting; a copy under another link is its own item; a
//! feed cannot hide another's article by publishing its link first.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use marsad::model::{Classification, NewItem};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, IngestReport, ItemQuery, ItemRef, Store};

fn item(guid: Option<&str>, link: Option<&str>, title: &str, text: &str) -> NewItem {
    NewItem {
        guid: guid.map(str::to_string),
        link: link.map(str::to_string),
        source: "test".into(),
        title: title.into(),
        text: text.into(),
        published: Some(Utc.with_ymd_and_hms(2026, 2, 6, 12, 0, 0).unwrap()),
        date_is_fetch_time: false,
        keys: None,
        fetched: Utc::now(),
        labels: Classification {
            lang: "en".into(),
            ..Default::default()
        },
    }
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("marsad.db")).unwrap();
    (dir, store)
}

fn ingest(store: &Store, feed: &str, items: Vec<NewItem>) -> IngestReport {
    store
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
        .unwrap()
}

/// (new, seen, sighted) of a report.
fn counts(r: &IngestReport) -> (usize, usize, usize) {
    (r.added, r.seen, r.sighted)
}

/// The titles the feed lists, in id order.
fn titles_of(store: &Store, feed: &str) -> Vec<String> {
    let mut items = store
        .reader()
        .unwrap()
        .items(&ItemQuery {
            feed: Some(feed.into()),
            ..Default::default()
        })
        .unwrap();
    items.sort_by_key(|i| i.id);
    items.into_iter().map(|i| i.title).collect()
}

const WIRE: &str = "Talks resume in Muscat";
const WIRE_TEXT: &str = "Delegations met for a third round on Saturday.";

#[test]
fn a_wire_copy_under_another_link_is_its_own_item() {
    let (_d, store) = open();
    let a = ingest(
        &store,
        "agency",
        vec![item(
            Some("a1"),
            Some("https://agency.example/1"),
            WIRE,
            WIRE_TEXT,
        )],
    );
    let b = ingest(
        &store,
        "paper",
        vec![item(
            Some("p1"),
            Some("https://paper.example/9"),
            WIRE,
            WIRE_TEXT,
        )],
    );
    // The same text with no link and no guid in a third feed, too.
    let c = ingest(&store, "radio", vec![item(None, None, WIRE, WIRE_TEXT)]);
    assert_eq!([counts(&a), counts(&b), counts(&c)], [(1, 0, 0); 3]);
    assert_eq!(store.reader().unwrap().count().unwrap(), 3);
    // Each feed's own repeats are seen, not stored again.
    assert_eq!(
        counts(&ingest(
            &store,
            "radio",
            vec![item(None, None, WIRE, WIRE_TEXT)]
        )),
        (0, 1, 0)
    );
    assert_eq!(store.reader().unwrap().count().unwrap(), 3);
}

#[test]
fn the_same_link_and_text_elsewhere_is_a_sighting() {
    let (_d, store) = open();
    let link = "https://agency.example/1";
    let first = ingest(
        &store,
        "agency",
        vec![item(Some("a1"), Some(link), WIRE, WIRE_TEXT)],
    );
    let id = first.new[0].id;
    // An aggregator carries the article: its own guid, the link with tracking.
    let seen_at = "https://agency.example/1?utm_source=agg#top";
    let r = ingest(
        &store,
        "aggregator",
        vec![item(Some("x7"), Some(seen_at), WIRE, WIRE_TEXT)],
    );
    assert_eq!(counts(&r), (0, 0, 1));
    // A guid-less feed too.
    let r = ingest(
        &store,
        "portal",
        vec![item(None, Some(link), WIRE, WIRE_TEXT)],
    );
    assert_eq!(counts(&r), (0, 0, 1));
    assert_eq!(store.reader().unwrap().count().unwrap(), 1);
    let sightings = store.reader().unwrap().sightings(id).unwrap();
    let feeds: Vec<&str> = sightings.iter().map(|s| s.feed.as_str()).collect();
    assert_eq!(feeds.len(), 2);
    assert!(feeds.contains(&"aggregator") && feeds.contains(&"portal"));
    assert!(sightings.iter().all(|s| s.published.is_some()));

    // Polled again, even with its text edited: the same sighting, nothing new.
    for feed in ["aggregator", "portal"] {
        let guid = (feed == "aggregator").then_some("x7");
        let again = ingest(
            &store,
            feed,
            vec![item(guid, Some(seen_at), WIRE, "edited")],
        );
        assert_eq!(counts(&again), (0, 1, 0), "{feed}");
    }
    assert_eq!(store.reader().unwrap().sightings(id).unwrap().len(), 2);
    assert_eq!(store.reader().unwrap().count().unwrap(), 1);
    // So the poller knows them before the text pipeline, too.
    let reader = store.reader().unwrap();
    let known = |feed: &str, guid: Option<&str>, link: &str| {
        reader
            .known(
                feed,
                &[ItemRef {
                    guid,
                    link: Some(link),
                }],
            )
            .unwrap()
    };
    assert_eq!(known("aggregator", Some("x7"), seen_at), [true]);
    assert_eq!(known("portal", None, seen_at), [true]);
    assert_eq!(known("portal", None, "https://agency.example/2"), [false]);
    // The first feed's own repeat is seen.
    let again = ingest(
        &store,
        "agency",
        vec![item(Some("a1"), Some(link), WIRE, WIRE_TEXT)],
    );
    assert_eq!(counts(&again), (0, 1, 0));
}

#[test]
fn a_feed_cannot_hide_another_feeds_article_by_publishing_its_link_first() {
    let (_d, store) = open();
    let link = "https://paper.example/exclusive";
    // The hostile feed publishes the paper's link first, with its own words,
    // under the paper's guid and with the paper's link in every spelling.
    let hostile = ingest(
        &store,
        "hostile",
        vec![
            item(Some("p1"), Some(link), "Nothing happened", "Move along."),
            item(
                Some("p1-bis"),
                Some("HTTPS://PAPER.example/exclusive?utm_medium=x"),
                "Nothing",
                ".",
            ),
        ],
    );
    assert_eq!(counts(&hostile), (2, 0, 0));
    let paper = ingest(
        &store,
        "paper",
        vec![item(
            Some("p1"),
            Some(link),
            "Exclusive: the deal",
            "The full text.",
        )],
    );
    assert_eq!(counts(&paper), (1, 0, 0), "the paper's article is stored");
    assert_eq!(titles_of(&store, "paper"), ["Exclusive: the deal"]);
    assert_eq!(
        store.reader().unwrap().sightings(paper.new[0].id).unwrap(),
        [],
        "and carried by no one else"
    );
    // Had the hostile feed copied the paper's text too, the paper's article is
    // still there, the hostile feed is the sighting of it.
    let (_d, store) = open();
    let copy = ingest(
        &store,
        "paper",
        vec![item(
            Some("p2"),
            Some(link),
            "Exclusive: the deal",
            "The full text.",
        )],
    );
    let r = ingest(
        &store,
        "hostile",
        vec![item(
            Some("h"),
            Some(link),
            "Exclusive: the deal",
            "The full text.",
        )],
    );
    assert_eq!(counts(&r), (0, 0, 1));
    assert_eq!(titles_of(&store, "paper"), ["Exclusive: the deal"]);
    let s = store.reader().unwrap().sightings(copy.new[0].id).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].feed, "hostile");
}

#[test]
fn within_a_feed_the_guid_decides_then_the_link() {
    let (_d, store) = open();
    let r = ingest(
        &store,
        "a",
        vec![
            item(Some("g1"), Some("https://e.com/1"), "one", "x"),
            // Another guid at the same link: another item of the feed.
            item(Some("g2"), Some("https://e.com/1"), "one, updated", "y"),
            // No guid, a link the feed holds: the same item.
            item(None, Some("https://e.com/1#comments"), "one again", "z"),
            // The same guid under a new link: the same item.
            item(Some("g1"), Some("https://e.com/moved"), "one", "x"),
        ],
    );
    assert_eq!(counts(&r), (2, 2, 0));
    // Another feed's item with the same link and text as g2: a sighting of it.
    let r = ingest(
        &store,
        "b",
        vec![item(
            Some("g1"),
            Some("https://e.com/1"),
            "one, updated",
            "y",
        )],
    );
    assert_eq!(counts(&r), (0, 0, 1));
    let ids: Vec<_> = {
        let mut v = store
            .reader()
            .unwrap()
            .items(&ItemQuery::default())
            .unwrap();
        v.sort_by_key(|i| i.id);
        v.into_iter().map(|i| i.id).collect()
    };
    assert_eq!(store.reader().unwrap().sightings(ids[0]).unwrap(), []);
    assert_eq!(store.reader().unwrap().sightings(ids[1]).unwrap().len(), 1);
}
