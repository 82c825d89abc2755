//! The store's behaviour, the same on both backends: one scenario run on a
//! SQLite file and on a real PostgreSQL database (see `support/pg.rs`),
//! checked against what it must give and compared between the two. Then
//! what only a team store has: several collectors at once, several analysts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/pg.rs"]
mod pg;

use chrono::{DateTime, Duration, Utc};
use marsad::classify::Classifier;
use marsad::config::Config;
use marsad::model::{ItemId, NewItem};
use marsad::pipeline::{Incoming, Pipeline};
use marsad::store::postgres::PgStore;
use marsad::store::{
    AlertPolicy, Backend, FeedRef, FetchRecord, IngestBatch, ItemQuery, Location, PgUrl, Store,
};

fn pipeline() -> Pipeline {
    Pipeline::new(Classifier::new(&Config::builtin()).unwrap())
}

fn now() -> DateTime<Utc> {
    // Recent, so that the backfill policy sees the items as live; whole
    // seconds, as both stores keep milliseconds.
    let t = Utc::now() - Duration::minutes(1);
    DateTime::from_timestamp(t.timestamp(), 0).unwrap()
}

/// (guid, link, title, body, hours ago)
type Raw<'a> = (Option<&'a str>, Option<&'a str>, &'a str, &'a str, i64);

fn items(p: &Pipeline, now: DateTime<Utc>, raw: &[Raw<'_>]) -> Vec<NewItem> {
    raw.iter()
        .map(|&(guid, link, title, body, hours)| {
            p.process(
                Incoming {
                    guid: guid.map(str::to_string),
                    link: link.map(str::to_string),
                    source: "Wire".into(),
                    title: title.into(),
                    body: body.into(),
                    html: false,
                    published: Some(now - Duration::hours(hours)),
                },
                "feed",
                None,
                now,
            )
        })
        .collect()
}

fn feed(name: &str) -> FeedRef {
    FeedRef {
        name: name.into(),
        url: format!("https://{name}.example/rss"),
    }
}

fn batch(name: &str, items: Vec<NewItem>, fetch: Option<FetchRecord>) -> IngestBatch {
    IngestBatch {
        feed: feed(name),
        items,
        fetch,
        alerts: AlertPolicy::Live {
            backfill: std::time::Duration::from_secs(86_400),
        },
        keep_items: true,
    }
}

const TALKS: &str = "Iran and US hold nuclear talks in Muscat";
const TALKS_AR: &str = "وزير الخارجية العماني يستضيف جولة جديدة من المحادثات في مسقط";
const ENRICH: &str = "إيران ترفع مستوى التخصيب إلى ستين بالمئة";
const BAKERY: &str = "Local bakery wins national bread award";
const NEXT: &str = "Oman says the next round of talks with Iran is set for next week";

fn titles(store: &dyn Backend, q: ItemQuery) -> Vec<String> {
    store
        .items(&q)
        .unwrap()
        .into_iter()
        .map(|i| i.title)
        .collect()
}

fn search(store: &dyn Backend, words: &str) -> Vec<String> {
    titles(
        store,
        ItemQuery {
            search: Some(words.into()),
            ..ItemQuery::default()
        },
    )
}

/// Runs the scenario on `store` at `now`, checking what must hold; gives
/// back what it saw, to compare between backends.
fn scenario(store: &dyn Backend, now: DateTime<Utc>) -> Vec<String> {
    let p = pipeline();
    let mut seen = Vec::new();
    store.sync_feeds(vec![feed("a"), feed("b")]).unwrap();

    let first: Vec<Raw<'_>> = vec![
        (
            Some("a-1"),
            Some("https://a.example/1"),
            TALKS,
            "Delegations met on uranium enrichment.",
            2,
        ),
        (
            Some("a-2"),
            Some("https://news.example/oman?id=7"),
            TALKS_AR,
            "جولة في مسقط",
            3,
        ),
        (
            Some("a-3"),
            Some("https://a.example/3"),
            ENRICH,
            "أعلنت إيران رفع التخصيب",
            120,
        ),
        (
            None,
            Some("https://a.example/4"),
            BAKERY,
            "The bakery on Main Street won.",
            1,
        ),
    ];
    let fetch_ok = FetchRecord {
        attempted: now,
        status: Some(200),
        latency_ms: 120,
        bytes: 4_096,
        etag: Some("\"e1\"".into()),
        next_due: Some(now + Duration::minutes(5)),
        ..FetchRecord::default()
    };
    let new_a = items(&p, now, &first);
    let labels_given: Vec<_> = new_a
        .iter()
        .map(|i| (i.title.clone(), i.labels.clone()))
        .collect();
    let r = store
        .ingest(batch("a", new_a, Some(fetch_ok.clone())))
        .unwrap();
    assert_eq!((r.added, r.seen), (4, 0));
    let mut fired: Vec<(String, bool)> =
        r.fired.iter().map(|f| (f.alert.clone(), f.quiet)).collect();
    fired.sort();
    // Muscat rings; the enrichment item is five days old on the feed's first
    // fetch: recorded, quiet.
    assert_eq!(
        fired,
        [
            ("enrichment".to_string(), true),
            ("muscat".to_string(), false),
            ("muscat".to_string(), false)
        ]
    );
    seen.push(format!("fired {fired:?}"));

    // Feed b: the same Arabic story by its link with tracking added and the
    // bakery item by its link, each with the same text (sightings of feed
    // a's items, not items of their own), and one new item, twice.
    let second: Vec<Raw<'_>> = vec![
        (
            Some("b-1"),
            Some("https://NEWS.example/oman?id=7&utm_source=rss#top"),
            TALKS_AR,
            "جولة في مسقط",
            3,
        ),
        (
            Some("b-2"),
            Some("https://a.example/4"),
            BAKERY,
            "The bakery on Main Street won.",
            1,
        ),
        (
            Some("b-3"),
            Some("https://b.example/3"),
            NEXT,
            "Omani officials said.",
            0,
        ),
        // The same item twice in one batch.
        (
            Some("b-3"),
            Some("https://b.example/3"),
            NEXT,
            "Omani officials said.",
            0,
        ),
    ];
    let fetch_err = FetchRecord {
        attempted: now,
        status: Some(503),
        error: Some("HTTP 503".into()),
        latency_ms: 40,
        ..FetchRecord::default()
    };
    let r = store
        .ingest(batch("b", items(&p, now, &second), None))
        .unwrap();
    assert_eq!((r.added, r.seen, r.sighted), (1, 1, 2));
    let r = store
        .ingest(batch("b", Vec::new(), Some(fetch_err)))
        .unwrap();
    assert_eq!((r.added, r.seen), (0, 0));
    // Feed a again: everything known, no alert rings twice.
    let r = store
        .ingest(batch("a", items(&p, now, &first), Some(fetch_ok)))
        .unwrap();
    assert_eq!((r.added, r.seen, r.fired.len()), (0, 4, 0));
    assert_eq!(store.count().unwrap(), 5);

    // Labels and their evidence come back as given.
    let all = store.items(&ItemQuery::default()).unwrap();
    for (title, labels) in &labels_given {
        let stored = all.iter().find(|i| &i.title == title).unwrap();
        assert_eq!(&stored.labels, labels, "{title}");
        assert_eq!(stored.feed, "a");
        seen.push(format!(
            "{title}: {:?} {:?}",
            stored.labels, stored.published
        ));
    }
    assert_eq!(
        all.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(),
        [NEXT, BAKERY, TALKS, TALKS_AR, ENRICH],
        "newest first"
    );

    // Queries.
    let q = |f: &dyn Fn(&mut ItemQuery)| {
        let mut q = ItemQuery::default();
        f(&mut q);
        titles(store, q)
    };
    let cases: Vec<(&str, Vec<String>, Vec<&str>)> = vec![
        (
            "topic nuclear",
            q(&|q| q.topic = Some("nuclear".into())),
            vec![TALKS, ENRICH],
        ),
        (
            "party oman",
            q(&|q| q.party = Some("oman".into())),
            vec![NEXT, TALKS, TALKS_AR],
        ),
        (
            "alert muscat",
            q(&|q| q.alert = Some("muscat".into())),
            vec![TALKS, TALKS_AR],
        ),
        ("feed b", q(&|q| q.feed = Some("b".into())), vec![NEXT]),
        ("feed none", q(&|q| q.feed = Some("zzz".into())), vec![]),
        (
            "topic unknown",
            q(&|q| q.topic = Some("zzz".into())),
            vec![],
        ),
        ("no topic", q(&|q| q.no_topic = true), vec![BAKERY]),
        (
            "party oman in a",
            q(&|q| {
                q.party = Some("oman".into());
                q.feed = Some("a".into());
            }),
            vec![TALKS, TALKS_AR],
        ),
        (
            "since 2h30",
            q(&|q| q.since = Some(now - Duration::minutes(150))),
            vec![NEXT, BAKERY, TALKS],
        ),
        ("limit 2", q(&|q| q.limit = Some(2)), vec![NEXT, BAKERY]),
        (
            "search مسقط",
            q(&|q| q.search = Some("مسقط".into())),
            vec![TALKS_AR],
        ),
        (
            "search muscat",
            q(&|q| q.search = Some("Muscat".into())),
            vec![TALKS],
        ),
        (
            "search تخصيب",
            q(&|q| q.search = Some("تخصيب".into())),
            vec![ENRICH],
        ),
        (
            "search talk",
            q(&|q| q.search = Some("TALK".into())),
            vec![NEXT, TALKS],
        ),
        (
            "search two words",
            q(&|q| q.search = Some("talks iran".into())),
            vec![NEXT, TALKS],
        ),
        (
            "search none",
            q(&|q| q.search = Some("xyzzy".into())),
            vec![],
        ),
        (
            "search in topic",
            q(&|q| {
                q.search = Some("muscat".into());
                q.topic = Some("nuclear".into());
            }),
            vec![TALKS],
        ),
    ];
    for (name, got, want) in cases {
        assert_eq!(got, want, "{name}");
        seen.push(format!("{name}: {got:?}"));
    }
    seen.push(format!("unsearchable: {:?}", search(store, " ،، ")));

    // Read marks.
    let talks = all.iter().find(|i| i.title == TALKS).unwrap().id;
    assert_eq!(store.mark_read(vec![talks], true).unwrap(), 1);
    assert_eq!(store.mark_read(vec![talks], true).unwrap(), 0);
    assert!(store.item(talks).unwrap().unwrap().read);
    assert_eq!(
        q(&|q| {
            q.unread_only = true;
            q.topic = Some("nuclear".into());
        }),
        [ENRICH]
    );

    // Alerts: shared, acknowledged.
    let alerts = |open| -> Vec<(String, String, bool, bool)> {
        let mut a: Vec<_> = store
            .alerts(open, 100)
            .unwrap()
            .into_iter()
            .map(|a| (a.alert, a.title, a.quiet, a.acknowledged))
            .collect();
        a.sort();
        a
    };
    assert_eq!(alerts(true).len(), 2);
    assert_eq!(alerts(false).len(), 3);
    assert_eq!(store.acknowledge(Some(vec![talks])).unwrap(), 1);
    assert_eq!(
        alerts(true),
        [("muscat".to_string(), TALKS_AR.to_string(), false, false)]
    );
    seen.push(format!("alerts {:?}", alerts(false)));

    // Feed health.
    let feeds = store.feeds().unwrap();
    let health: Vec<_> = feeds
        .iter()
        .map(|f| {
            (
                f.name.clone(),
                f.items,
                f.last_status,
                f.last_error.clone(),
                f.etag.clone(),
                f.failure_streak,
                f.last_new,
                f.last_seen,
                f.last_success.is_some(),
                f.next_due,
            )
        })
        .collect();
    assert_eq!(health.len(), 2);
    assert_eq!(health[0].0, "a");
    assert_eq!(
        (health[0].1, health[0].2, health[0].6, health[0].7),
        (4, Some(200), Some(0), Some(4))
    );
    assert_eq!(health[0].4.as_deref(), Some("\"e1\""));
    assert_eq!(
        (
            health[1].1,
            health[1].2,
            health[1].3.as_deref(),
            health[1].5,
            health[1].8
        ),
        (1, Some(503), Some("HTTP 503"), 1, false)
    );
    seen.push(format!("health {health:?}"));
    seen
}

fn pg_url(db: &pg::Db) -> PgUrl {
    match Location::parse(&db.url).unwrap() {
        Location::Postgres(u) => u,
        Location::Sqlite(p) => panic!("{}", p.display()),
    }
}

#[test]
fn the_same_on_sqlite_and_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open(&dir.path().join("marsad.db")).unwrap();
    let now = now();
    let on_sqlite = scenario(&sqlite, now);
    let Some(db) = pg::db("the_same_on_sqlite_and_postgresql") else {
        return;
    };
    let postgres = PgStore::open(&pg_url(&db), "ana").unwrap();
    let on_postgres = scenario(&postgres, now);
    assert_eq!(on_sqlite, on_postgres);
}

/// Four collectors bring the same items at once, in different orders: each
/// item stored once, each alert fired once for the team.
#[test]
fn collectors_at_once_store_and_fire_once() {
    let Some(db) = pg::db("collectors_at_once_store_and_fire_once") else {
        return;
    };
    let url = pg_url(&db);
    let p = pipeline();
    let now = now();
    let raw: Vec<(String, String)> = (0..60)
        .map(|i| {
            (
                format!("https://w.example/{i}"),
                format!("Talks in Muscat, round {i}"),
            )
        })
        .collect();
    let made = |rev: bool| {
        let mut r: Vec<Raw<'_>> = raw
            .iter()
            .map(|(l, t)| (None, Some(l.as_str()), t.as_str(), "Officials met.", 1))
            .collect();
        if rev {
            r.reverse();
        }
        items(&p, now, &r)
    };
    let batches: Vec<IngestBatch> = (0..4)
        .map(|c| batch("wire", made(c % 2 == 1), None))
        .collect();
    let threads: Vec<_> = batches
        .into_iter()
        .map(|b| {
            let url = url.clone();
            std::thread::spawn(move || {
                let store = PgStore::open(&url, "collector").unwrap();
                store.ingest(&b).unwrap()
            })
        })
        .collect();
    let reports: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let added: usize = reports.iter().map(|r| r.added).sum();
    let seen: usize = reports.iter().map(|r| r.seen).sum();
    let fired: usize = reports.iter().map(|r| r.fired.len()).sum();
    assert_eq!((added, seen), (60, 180));
    assert_eq!(fired, 60, "each item's Muscat alert once");
    let store = PgStore::open(&url, "ana").unwrap();
    assert_eq!(store.count().unwrap(), 60);
    assert_eq!(store.alerts(false, 1000).unwrap().len(), 60);
    assert_eq!(store.feeds().unwrap()[0].items, 60);
}

/// Read marks and acknowledgements are each analyst's; what fired is shared.
#[test]
fn analysts_read_and_acknowledge_for_themselves() {
    let Some(db) = pg::db("analysts_read_and_acknowledge_for_themselves") else {
        return;
    };
    let url = pg_url(&db);
    let ana = PgStore::open(&url, "ana").unwrap();
    let bo = PgStore::open(&url, "bo").unwrap();
    let p = pipeline();
    let now = now();
    let r = ana
        .ingest(&batch(
            "wire",
            items(
                &p,
                now,
                &[(None, Some("https://w.example/1"), TALKS, "x", 1)],
            ),
            None,
        ))
        .unwrap();
    let id: ItemId = r.new[0].id;
    assert_eq!(ana.mark_read(&[id], true).unwrap(), 1);
    assert_eq!(ana.acknowledge(None).unwrap(), 1);
    assert!(ana.item(id).unwrap().unwrap().read);
    assert!(!bo.item(id).unwrap().unwrap().read);
    assert!(ana.alerts(true, 10).unwrap().is_empty());
    let bo_open = bo.alerts(true, 10).unwrap();
    assert_eq!(bo_open.len(), 1);
    assert!(!bo_open[0].acknowledged);
    let unread = ItemQuery {
        unread_only: true,
        ..ItemQuery::default()
    };
    assert!(ana.items(&unread).unwrap().is_empty());
    assert_eq!(bo.items(&unread).unwrap().len(), 1);
}
