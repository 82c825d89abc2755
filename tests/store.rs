//! The store on a real SQLite file: deduplication, tombstones, search, schema
//! versions, fetch state.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use marsad::model::{Classification, ItemId, Label, NewItem};
use marsad::store::{AlertPolicy, FeedRef, FetchRecord, IngestBatch, ItemQuery, Store};

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
            lang: "ar".into(),
            topics: vec![Label {
                id: "diplomacy".into(),
                evidence: vec![],
            }],
            parties: vec![],
            alerts: vec![Label {
                id: "muscat".into(),
                evidence: vec![],
            }],
        },
    }
}

fn batch(feed: &str, items: Vec<NewItem>) -> IngestBatch {
    IngestBatch {
        feed: FeedRef {
            name: feed.into(),
            url: format!("https://{feed}.example/rss"),
        },
        items,
        fetch: None,
        alerts: AlertPolicy::Live {
            backfill: std::time::Duration::from_secs(86400),
        },
        keep_items: true,
    }
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("sub/marsad.db")).unwrap();
    (dir, store)
}

#[test]
fn dedup_by_guid_then_link_then_hash() {
    let (_d, store) = open();
    let r = store
        .ingest(batch(
            "a",
            vec![
                item(Some("g1"), Some("https://e.com/1"), "واحد", "نص"),
                item(
                    None,
                    Some("https://E.com/2?utm_source=rss#x"),
                    "اثنان",
                    "نص",
                ),
                item(None, None, "ثلاثة", "نص"),
            ],
        ))
        .wait()
        .unwrap();
    assert_eq!((r.new.len(), r.seen), (3, 0));

    let again = store
        .ingest(batch(
            "a",
            vec![
                // same guid, changed text: same item
                item(
                    Some("g1"),
                    Some("https://e.com/other"),
                    "واحد معدل",
                    "نص آخر",
                ),
                // no guid, a canonical link the feed holds
                item(None, Some("http://e.com/2"), "two", "text"),
                // same content, diacritics differ
                item(None, None, "ثَلاثة", "نص"),
            ],
        ))
        .wait()
        .unwrap();
    assert_eq!((again.new.len(), again.seen), (0, 3));
    // A guid seen in another feed is another item.
    let other = store
        .ingest(batch("c", vec![item(Some("g1"), None, "جديد", "نص جديد")]))
        .wait()
        .unwrap();
    assert_eq!(other.new.len(), 1);
    assert_eq!(store.reader().unwrap().count().unwrap(), 4);

    // Ingesting the same batch ten times changes nothing.
    for _ in 0..10 {
        let r = store
            .ingest(batch("b", vec![item(Some("x"), None, "t", "b")]))
            .wait()
            .unwrap();
        assert!(r.new.len() <= 1);
    }
    assert_eq!(store.reader().unwrap().count().unwrap(), 5);
}

#[test]
fn dedup_within_a_large_batch() {
    // More keys than one lookup carries, and duplicates inside the batch itself:
    // by guid, by canonical link and by content.
    let (_d, store) = open();
    let mut items: Vec<NewItem> = (0..250)
        .map(|i| {
            let (g, l) = (format!("g{i}"), format!("https://e.com/{i}"));
            item(Some(&g), Some(&l), &format!("عنوان {i}"), "نص")
        })
        .collect();
    items.push(item(Some("g7"), None, "other", "other"));
    items.push(item(None, Some("http://e.com/120#x"), "other2", "other2"));
    items.push(item(None, None, "عنوان 230", "نص"));
    let r = store.ingest(batch("a", items.clone())).wait().unwrap();
    assert_eq!((r.new.len(), r.seen), (250, 3));
    let again = store.ingest(batch("a", items)).wait().unwrap();
    assert_eq!((again.new.len(), again.seen), (0, 253));
    assert_eq!(store.reader().unwrap().count().unwrap(), 250);
}

#[test]
fn deleted_items_never_come_back() {
    let (_d, store) = open();
    let r = store
        .ingest(batch("a", vec![item(Some("g"), None, "t", "b")]))
        .wait()
        .unwrap();
    let id = r.new[0].id;
    let found = |q: &str| {
        store
            .reader()
            .unwrap()
            .items(&ItemQuery {
                search: Some(q.into()),
                ..Default::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(found("b"), 1);
    assert_eq!(store.delete(vec![id]).wait().unwrap(), 1);
    assert_eq!(store.reader().unwrap().count().unwrap(), 0);
    assert_eq!(found("b"), 0, "a deleted item is not found by search");
    let r = store
        .ingest(batch("a", vec![item(Some("g"), None, "t", "b")]))
        .wait()
        .unwrap();
    assert_eq!((r.new.len(), r.seen), (0, 1));
    assert!(store.reader().unwrap().item(id).unwrap().is_none());
}

#[test]
fn arabic_search_finds_word_forms() {
    let (_d, store) = open();
    store
        .ingest(batch(
            "a",
            vec![
                item(Some("1"), None, "الهجوم على المنشأة", "تفاصيل"),
                item(Some("2"), None, "خبر آخر", "وبالتَّخْصِيب تستمر طهران"),
                item(
                    Some("3"),
                    None,
                    "Iran's talks in Muscat",
                    "The sanctions stay",
                ),
            ],
        ))
        .wait()
        .unwrap();
    let reader = store.reader().unwrap();
    let find = |q: &str| -> Vec<i64> {
        let mut ids: Vec<i64> = reader
            .items(&ItemQuery {
                search: Some(q.into()),
                ..Default::default()
            })
            .unwrap()
            .iter()
            .map(|i| i.id.0)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(find("هجوم"), vec![1]);
    assert_eq!(find("الهجوم"), vec![1]);
    assert_eq!(find("تخصيب"), vec![2]);
    assert_eq!(find("muscat"), vec![3]);
    assert_eq!(find("sanction"), vec![3]);
    assert_eq!(find("Iran talks"), vec![3]);
    assert!(find("\"*").is_empty());
}

#[test]
fn filters_by_label_time_and_feed() {
    let (_d, store) = open();
    store
        .ingest(batch("a", vec![item(Some("1"), None, "a", "a")]))
        .wait()
        .unwrap();
    let mut old = item(Some("2"), None, "b", "b");
    old.published = Some(Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap());
    old.labels.topics.clear();
    store.ingest(batch("b", vec![old])).wait().unwrap();
    let reader = store.reader().unwrap();
    let q = |q: ItemQuery| reader.items(&q).unwrap().len();
    assert_eq!(q(ItemQuery::default()), 2);
    assert_eq!(
        q(ItemQuery {
            topic: Some("diplomacy".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        q(ItemQuery {
            alert: Some("muscat".into()),
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        q(ItemQuery {
            feed: Some("b".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        q(ItemQuery {
            since: Some(Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        q(ItemQuery {
            limit: Some(1),
            ..Default::default()
        }),
        1
    );
    // newest first
    assert_eq!(reader.items(&ItemQuery::default()).unwrap()[0].title, "a");
}

#[test]
fn alerts_fire_once_and_backfill_is_quiet() {
    let (_d, store) = open();
    // First fetch: an old item is quiet, a fresh one rings.
    let mut old = item(Some("old"), None, "old", "x");
    old.published = Some(Utc::now() - chrono::Duration::days(3));
    let mut fresh = item(Some("fresh"), None, "fresh", "y");
    fresh.published = Some(Utc::now());
    let mut b = batch("a", vec![old, fresh]);
    b.fetch = Some(FetchRecord {
        attempted: Utc::now(),
        status: Some(200),
        ..Default::default()
    });
    let r = store.ingest(b).wait().unwrap();
    let quiet: Vec<bool> = r.fired.iter().map(|f| f.quiet).collect();
    assert_eq!(quiet, vec![true, false]);
    // After the first successful fetch, an old item is no longer backfill.
    let mut later = item(Some("later"), None, "later", "z");
    later.published = Some(Utc::now() - chrono::Duration::days(3));
    let r = store.ingest(batch("a", vec![later])).wait().unwrap();
    assert!(!r.fired[0].quiet);
    // Seeds are quiet.
    let mut s = batch("seeds", vec![item(Some("s"), None, "s", "s")]);
    s.alerts = AlertPolicy::Quiet;
    assert!(store.ingest(s).wait().unwrap().fired[0].quiet);
    // Re-ingesting fires nothing.
    let r = store
        .ingest(batch("a", vec![item(Some("fresh"), None, "fresh", "y")]))
        .wait()
        .unwrap();
    assert!(r.fired.is_empty());

    let reader = store.reader().unwrap();
    assert_eq!(reader.summary().unwrap().open_alerts, 2);
    assert_eq!(store.acknowledge(None).wait().unwrap(), 4);
    assert_eq!(reader.alerts(true, 10).unwrap().len(), 0);
    assert_eq!(reader.alerts(false, 10).unwrap().len(), 4);
}

#[test]
fn fetch_state_and_read_marks() {
    let (_d, store) = open();
    let mut b = batch("a", vec![item(Some("1"), None, "t", "b")]);
    b.fetch = Some(FetchRecord {
        attempted: Utc::now(),
        status: Some(200),
        etag: Some("\"v1\"".into()),
        last_modified: Some("Fri, 06 Feb 2026 12:00:00 GMT".into()),
        latency_ms: 12,
        bytes: 3456,
        ..Default::default()
    });
    let r = store.ingest(b).wait().unwrap();
    let mut b = batch("a", vec![]);
    b.fetch = Some(FetchRecord {
        attempted: Utc::now(),
        error: Some("HTTP 503".into()),
        status: Some(503),
        ..Default::default()
    });
    store.ingest(b).wait().unwrap();
    let feeds = store.reader().unwrap().feeds().unwrap();
    let f = &feeds[0];
    assert_eq!(f.etag.as_deref(), Some("\"v1\""));
    assert_eq!(f.failure_streak, 1);
    assert_eq!(f.last_error.as_deref(), Some("HTTP 503"));
    assert!(f.last_success.is_some());
    assert_eq!(f.items, 1);

    assert_eq!(
        store
            .mark_read(vec![r.new[0].id, ItemId(999)], true)
            .wait()
            .unwrap(),
        1
    );
    assert!(
        store
            .reader()
            .unwrap()
            .item(r.new[0].id)
            .unwrap()
            .unwrap()
            .read
    );
}

#[test]
fn a_moved_feed_keeps_its_url_until_the_config_changes() {
    let (_d, store) = open();
    let feed = |url: &str| FeedRef {
        name: "a".into(),
        url: url.into(),
    };
    let url_of = |store: &Store| store.reader().unwrap().feeds().unwrap()[0].url.clone();
    store
        .sync_feeds(vec![feed("https://old.example/rss")])
        .wait()
        .unwrap();
    let mut b = batch("a", vec![]);
    b.feed = feed("https://old.example/rss");
    b.fetch = Some(FetchRecord {
        attempted: Utc::now(),
        status: Some(200),
        new_url: Some("https://new.example/rss".into()),
        ..Default::default()
    });
    store.ingest(b).wait().unwrap();
    assert_eq!(url_of(&store), "https://new.example/rss");
    // The next start syncs the same config: the move stands.
    store
        .sync_feeds(vec![feed("https://old.example/rss")])
        .wait()
        .unwrap();
    assert_eq!(url_of(&store), "https://new.example/rss");
    // The user edits the URL in the config: it wins.
    store
        .sync_feeds(vec![feed("https://edited.example/rss")])
        .wait()
        .unwrap();
    assert_eq!(url_of(&store), "https://edited.example/rss");
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let err = Store::open(&path).err().unwrap().to_string();
    assert!(err.contains("newer than this marsad knows"), "{err}");
}

/// A new store is made with 16 KiB pages; a store made with SQLite's default
/// 4 KiB pages keeps them and works as before.
#[test]
fn page_size_of_new_and_existing_stores() {
    let page_size = |p: &std::path::Path| -> i64 {
        rusqlite::Connection::open(p)
            .unwrap()
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.db");
    drop(Store::open(&fresh).unwrap());
    assert_eq!(page_size(&fresh), 16 * 1024);

    let old = dir.path().join("old.db");
    let conn = rusqlite::Connection::open(&old).unwrap();
    conn.pragma_update(None, "page_size", 4096).unwrap();
    conn.execute_batch("CREATE TABLE t (x); DROP TABLE t;")
        .unwrap();
    drop(conn);
    assert_eq!(page_size(&old), 4096);
    let store = Store::open(&old).unwrap();
    let r = store
        .ingest(batch("a", vec![item(Some("1"), None, "title", "body")]))
        .wait()
        .unwrap();
    assert_eq!(r.new.len(), 1);
    drop(store);
    assert_eq!(page_size(&old), 4096);
}

#[tokio::test]
async fn writes_are_awaitable() {
    let (_d, store) = open();
    let r = store
        .ingest(batch("a", vec![item(Some("1"), None, "t", "b")]))
        .await
        .unwrap();
    assert_eq!(r.new.len(), 1);
}

/// Writes queued together commit together, and one that fails takes none of
/// the others down: they are run again one by one. The failure here is a
/// trigger refusing one title; the writes are queued before any is awaited, so
/// the writer finds several waiting and groups them.
#[test]
fn a_failing_write_spares_its_group() {
    let (dir, store) = open();
    let raw = rusqlite::Connection::open(dir.path().join("sub/marsad.db")).unwrap();
    raw.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON items WHEN NEW.title = 'boom'
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;",
    )
    .unwrap();
    drop(raw);
    for round in 0..5 {
        let pending: Vec<_> = (0..8)
            .map(|i| {
                let title = if i == 3 {
                    "boom".to_string()
                } else {
                    format!("r{round} item {i}")
                };
                let guid = format!("r{round}-{i}");
                let text = format!("text of round {round} item {i} with words for search");
                store.ingest(batch(
                    &format!("f{i}"),
                    vec![item(Some(&guid), None, &title, &text)],
                ))
            })
            .collect();
        for (i, p) in pending.into_iter().enumerate() {
            let r = p.wait();
            if i == 3 {
                let e = r.expect_err("the refused write fails");
                assert!(e.to_string().contains("refused by the test"), "{e}");
            } else {
                assert_eq!(r.unwrap().new.len(), 1, "round {round}, write {i}");
            }
        }
    }
    let reader = store.reader().unwrap();
    assert_eq!(reader.count().unwrap(), 5 * 7);
    // The survivors' search entries went in with them; the refused one's did not.
    let found = reader
        .items(&ItemQuery {
            search: Some("words".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.len(), 5 * 7);
    assert_eq!(reader.integrity_check().unwrap(), "ok");
}

/// Commits in the store's WAL so far: frames of the current WAL (its salts)
/// that end a transaction.
fn wal_commits(store: &Store) -> usize {
    let mut wal_path = store.path().as_os_str().to_owned();
    wal_path.push("-wal");
    let wal = std::fs::read(wal_path).unwrap_or_default();
    if wal.len() < 32 {
        return 0;
    }
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    let page = be(&wal[8..12]) as usize;
    let salts = &wal[16..24];
    wal[32..]
        .chunks_exact(24 + page)
        .filter(|f| &f[8..16] == salts && be(&f[4..8]) != 0)
        .count()
}

/// While polls are on their way (`Store::expect`), the writer waits a little
/// for their writes and commits them together: a write queued alone is held
/// until the others, queued a moment later, join it in one commit.
#[test]
fn expected_writes_share_a_commit() {
    let (_d, store) = open();
    store
        .ingest(batch("warm", vec![item(Some("w"), None, "warm", "up")]))
        .wait()
        .unwrap();
    let before = wal_commits(&store);
    let mut coming: Vec<_> = (0..8).map(|_| store.expect()).collect();
    let mut pending = Vec::new();
    for i in 0..8 {
        pending.push(store.ingest(batch(
            &format!("f{i}"),
            vec![item(Some(&format!("g{i}")), None, &format!("t{i}"), "b")],
        )));
        // The write is queued: its announcement ends, as in the poller.
        coming.pop();
        if i == 0 {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
    for p in pending {
        assert_eq!(p.wait().unwrap().new.len(), 1);
    }
    assert_eq!(wal_commits(&store) - before, 1, "eight writes, one commit");
}

/// A write announced and never made (a cancelled fetch) holds nothing up for
/// long, and a write that is not an ingest (what a keypress changes) waits for
/// nothing at all.
#[test]
fn writes_announced_and_never_made_hold_nothing_up() {
    let (_d, store) = open();
    let _never: Vec<_> = (0..32).map(|_| store.expect()).collect();
    let (tx, rx) = std::sync::mpsc::channel();
    let s = store.clone();
    std::thread::spawn(move || {
        let r = s
            .ingest(batch("a", vec![item(Some("1"), None, "t", "b")]))
            .wait()
            .map(|r| r.new.len());
        let m = s.mark_read(vec![ItemId(1)], true).wait();
        let _ = tx.send((r, m));
    });
    let (r, m) = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the writes complete");
    assert_eq!(r.unwrap(), 1);
    assert_eq!(m.unwrap(), 1);
}

/// A batch that does not keep its items gets a report that counts them and
/// still lists the alerts they fired; the items are stored all the same.
#[test]
fn a_batch_without_its_items_back_counts_them() {
    let (_d, store) = open();
    let mut b = batch(
        "a",
        vec![
            item(Some("1"), None, "one", "first body"),
            item(Some("2"), None, "two", "second body"),
        ],
    );
    b.keep_items = false;
    let r = store.ingest(b).wait().unwrap();
    assert_eq!((r.added, r.new.len(), r.seen), (2, 0, 0));
    assert_eq!(r.fired.len(), 2, "each item's muscat alert");
    assert!(r.fired.iter().all(|f| f.alert == "muscat"));
    let mut again = batch("a", vec![item(Some("1"), None, "one", "first body")]);
    again.keep_items = false;
    let r = store.ingest(again).wait().unwrap();
    assert_eq!((r.added, r.seen), (0, 1));
    let kept = store
        .ingest(batch("a", vec![item(Some("3"), None, "three", "third")]))
        .wait()
        .unwrap();
    assert_eq!((kept.added, kept.new.len()), (1, 1));
    assert_eq!(kept.new[0].title, "three");
    assert_eq!(store.reader().unwrap().count().unwrap(), 3);
}
