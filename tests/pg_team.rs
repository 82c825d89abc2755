//! What only a team store does, against a real PostgreSQL server: feeds
//! leased to one collector at a time (a 500-feed farm, three collectors, one
//! dying mid-poll), and dashboards told of each committed batch.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/pg.rs"]
mod pg;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use marsad::model::{Classification, NewItem};
use marsad::store::postgres::{Change, Listener, PgStore};
use marsad::store::{AlertPolicy, FeedRef, FetchRecord, IngestBatch, Location, PgUrl};

fn pg_url(db: &pg::Db) -> PgUrl {
    match Location::parse(&db.url).unwrap() {
        Location::Postgres(u) => u,
        Location::Sqlite(p) => panic!("{}", p.display()),
    }
}

/// 500 feeds on 50 hosts.
fn farm() -> Vec<FeedRef> {
    (0..500)
        .map(|i| FeedRef {
            name: format!("feed-{i:03}"),
            url: format!("http://host{}.example/feed/{i}", i % 50),
        })
        .collect()
}

fn item(link: &str, title: &str) -> NewItem {
    NewItem {
        guid: None,
        link: Some(link.into()),
        source: "farm".into(),
        title: title.into(),
        text: String::new(),
        published: Some(Utc::now()),
        date_is_fetch_time: false,
        fetched: Utc::now(),
        labels: Classification {
            lang: "en".into(),
            ..Classification::default()
        },
        keys: None,
    }
}

/// A poll's result: the feed's one item (the same on every poll) and the
/// next poll an hour on.
fn polled(feed: &str, url: &str) -> IngestBatch {
    let now = Utc::now();
    IngestBatch {
        feed: FeedRef {
            name: feed.into(),
            url: url.into(),
        },
        items: vec![item(&format!("{url}/item"), &format!("News of {feed}"))],
        fetch: Some(FetchRecord {
            attempted: now,
            status: Some(200),
            next_due: Some(now + chrono::Duration::hours(1)),
            ..FetchRecord::default()
        }),
        alerts: AlertPolicy::Quiet,
        keep_items: false,
    }
}

const PER_HOST: usize = 2;

#[test]
fn three_collectors_poll_each_feed_once_and_take_over_a_dead_ones_feeds() {
    let Some(db) = pg::db("three_collectors_poll_each_feed_once") else {
        return;
    };
    let url = pg_url(&db);
    let setup = PgStore::open(&url, "setup").unwrap();
    setup.sync_feeds(&farm()).unwrap();

    // A collector that leases 20 feeds and dies without polling them, with
    // an hour's lease: nobody else may take them meanwhile.
    let dead = PgStore::open(&url, "dead").unwrap();
    let held = dead
        .lease("dead", 20, PER_HOST, Duration::from_secs(3600))
        .unwrap();
    assert_eq!(held.len(), 20);
    drop(dead);
    // One that dies with a short lease: its feeds come back once it runs out.
    let brief = PgStore::open(&url, "brief").unwrap();
    let brief_held = brief
        .lease("brief", 10, PER_HOST, Duration::from_millis(300))
        .unwrap();
    assert_eq!(brief_held.len(), 10);
    drop(brief);

    let polls: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let in_flight: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let done = Arc::new(AtomicUsize::new(0));
    // The feeds the three can poll: all but the dead one's 20.
    let wanted = 500 - held.len();
    let collectors: Vec<_> = (0..3)
        .map(|c| {
            let (url, polls, in_flight, done) =
                (url.clone(), polls.clone(), in_flight.clone(), done.clone());
            std::thread::spawn(move || {
                let name = format!("collector-{c}");
                let store = PgStore::open(&url, &name).unwrap();
                let mut idle = 0;
                while done.load(Ordering::SeqCst) < wanted {
                    let leases = store
                        .lease(&name, 7, PER_HOST, Duration::from_secs(600))
                        .unwrap();
                    if leases.is_empty() {
                        idle += 1;
                        assert!(idle < 20_000, "{name} waited too long");
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                    for l in &leases {
                        let host = marsad::store::postgres::host_of(&l.url);
                        let mut f = in_flight.lock().unwrap();
                        let n = f.entry(host).or_default();
                        *n += 1;
                        assert!(
                            *n <= PER_HOST,
                            "more than {PER_HOST} polls of one host at once"
                        );
                    }
                    for l in leases {
                        *polls.lock().unwrap().entry(l.name.clone()).or_default() += 1;
                        *in_flight
                            .lock()
                            .unwrap()
                            .get_mut(&marsad::store::postgres::host_of(&l.url))
                            .unwrap() -= 1;
                        let r = store.ingest(&polled(&l.name, &l.url)).unwrap();
                        assert_eq!(r.added, 1, "{}", l.name);
                        done.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    for c in collectors {
        c.join().unwrap();
    }
    let polls = polls.lock().unwrap();
    assert_eq!(polls.len(), wanted, "every feed but the dead one's polled");
    assert!(polls.values().all(|&n| n == 1), "each exactly once");
    for l in &held {
        assert!(
            !polls.contains_key(&l.name),
            "{} taken from a live lease",
            l.name
        );
    }
    for l in &brief_held {
        assert_eq!(polls.get(&l.name), Some(&1), "{} taken over", l.name);
    }
    // Nothing is due again this interval, and nothing was stored twice.
    let store = PgStore::open(&url, "check").unwrap();
    assert!(
        store
            .lease("check", 1000, 1000, Duration::from_secs(60))
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.count().unwrap(), wanted as i64);
    // A collector that stops gives its leases back at once.
    let quitter = PgStore::open(&url, "quitter").unwrap();
    assert_eq!(quitter.release("dead").unwrap(), 20);
    let retaken = quitter
        .lease("quitter", 1000, 1000, Duration::from_secs(60))
        .unwrap();
    assert_eq!(retaken.len(), 20);
}

#[test]
fn dashboards_hear_one_notice_per_committed_batch() {
    let Some(db) = pg::db("dashboards_hear_one_notice_per_committed_batch") else {
        return;
    };
    let url = pg_url(&db);
    let store = PgStore::open(&url, "ana").unwrap();
    let mut ear: Listener = PgStore::listener(&url).unwrap();
    let wait = Duration::from_secs(30);

    // Three new items in one batch: one notice, naming the newest id.
    let mut batch = polled("wire", "http://wire.example/rss");
    batch.keep_items = true;
    batch.items = (0..3)
        .map(|i| item(&format!("http://wire.example/{i}"), &format!("Item {i}")))
        .collect();
    let r = store.ingest(&batch).unwrap();
    let max_id = r.new.iter().map(|i| i.id.0).max().unwrap();
    assert_eq!(ear.wait(wait).unwrap(), [Change::Items { max_id }]);

    // The same batch again: nothing new, the feed's health changed.
    store.ingest(&batch).unwrap();
    assert_eq!(ear.wait(wait).unwrap(), [Change::Feeds]);

    // A read mark: that analyst's marks.
    store.mark_read(&[r.new[0].id], true).unwrap();
    assert_eq!(
        ear.wait(wait).unwrap(),
        [Change::Marks { user: "ana".into() }]
    );

    // Another feed's batch: its notice; a write that changes nothing
    // (no feeds to sync) sends none.
    let mut b2 = polled("wire2", "http://wire2.example/rss");
    b2.items = vec![item("http://wire2.example/1", "Later")];
    store.ingest(&b2).unwrap();
    store.sync_feeds(&[]).unwrap();
    let got = ear.wait(wait).unwrap();
    assert!(
        matches!(got[..], [Change::Items { max_id: m }] if m > max_id),
        "{got:?}"
    );
    assert!(ear.wait(Duration::from_millis(300)).unwrap().is_empty());
}
