//! Pages, counts and search over a real store: every page walk gives the
//! items a plain scan gives, in the same order, without duplicates or gaps;
//! the aggregates the writer keeps equal what counting the items gives; and
//! the queries `list` runs use indexes.

#![allow(clippy::unwrap_used)]

#[path = "../benches/support/mod.rs"]
mod synthetic;

use chrono::{DateTime, Duration, TimeZone, Utc};
use marsad::model::ItemId;
use marsad::store::{AlertPolicy, Cursor, FeedRef, IngestBatch, ItemQuery, Reader, Store, Toward};

/// A store of `n` synthetic items from three feeds, their times out of id
/// order here and there (late items, as feeds deliver them), some read, a
/// few deleted.
fn store_of(n: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db")).unwrap();
    let mut pending = Vec::new();
    for (k, chunk) in (0..n).collect::<Vec<_>>().chunks(200).enumerate() {
        let items = chunk
            .iter()
            .map(|&i| {
                let mut it = synthetic::item(i);
                if i % 7 == 3 {
                    // Late: a day or more before its neighbours.
                    it.published = it
                        .published
                        .map(|p| p - Duration::hours(30 + (i % 50) as i64));
                }
                if i % 11 == 1 {
                    // Same time as the item before it: ids break the tie.
                    it.published = Some(synthetic::item(i - 1).published.unwrap());
                }
                it
            })
            .collect();
        pending.push(store.ingest(IngestBatch {
            feed: FeedRef {
                name: format!("feed-{}", k % 3),
                url: format!("https://f{}.example/rss", k % 3),
            },
            items,
            fetch: None,
            alerts: AlertPolicy::Quiet,
            keep_items: false,
        }));
    }
    for p in pending {
        p.wait().unwrap();
    }
    let read: Vec<ItemId> = (1..=n as i64).filter(|i| i % 5 == 0).map(ItemId).collect();
    store.mark_read(read, true).wait().unwrap();
    store.mark_read(vec![ItemId(10)], false).wait().unwrap();
    let gone: Vec<ItemId> = (1..=n as i64).filter(|i| i % 97 == 0).map(ItemId).collect();
    store.delete(gone).wait().unwrap();
    (dir, store)
}

/// Every live item with what filters test, by a plain scan.
struct Fact {
    at: Cursor,
    feed: String,
    read: bool,
    topics: Vec<String>,
    parties: Vec<String>,
    alerts: Vec<String>,
}

fn facts(r: &Reader) -> Vec<Fact> {
    (1..=r.max_item_id().unwrap())
        .filter_map(|i| r.item(ItemId(i)).unwrap())
        .map(|item| Fact {
            at: Cursor::new(item.when(), item.id),
            feed: item.feed.clone(),
            read: item.read,
            topics: item.labels.topic_ids(),
            parties: item.labels.party_ids(),
            alerts: item.labels.alert_ids(),
        })
        .collect()
}

/// The ids the search index matches for `text`, straight from SQLite.
fn fts_ids(path: &std::path::Path, text: &str) -> std::collections::HashSet<i64> {
    let Some(q) = marsad::text::search::fts_query(text) else {
        return Default::default();
    };
    let c = rusqlite::Connection::open(path).unwrap();
    let mut stmt = c
        .prepare("SELECT rowid FROM items_fts WHERE items_fts MATCH ?1")
        .unwrap();
    stmt.query_map([q], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn expected(all: &[Fact], q: &ItemQuery, found: &std::collections::HashSet<i64>) -> Vec<Cursor> {
    let has =
        |list: &[String], want: &Option<String>| want.as_ref().is_none_or(|w| list.contains(w));
    let mut out: Vec<Cursor> = all
        .iter()
        .filter(|f| {
            has(&f.topics, &q.topic)
                && has(&f.parties, &q.party)
                && has(&f.alerts, &q.alert)
                && q.feed.as_ref().is_none_or(|x| *x == f.feed)
                && (!q.no_topic || f.topics.is_empty())
                && (!q.unread_only || !f.read)
                && q.since.is_none_or(|s| f.at.ts >= s.timestamp_millis())
                && (q.search_text().is_none() || found.contains(&f.at.id.0))
        })
        .map(|f| f.at)
        .collect();
    out.sort_unstable_by(|a, b| b.cmp(a));
    out
}

fn queries(now: DateTime<Utc>) -> Vec<ItemQuery> {
    let q = ItemQuery::default;
    vec![
        q(),
        ItemQuery {
            topic: Some("nuclear".into()),
            ..q()
        },
        ItemQuery {
            party: Some("iran".into()),
            ..q()
        },
        ItemQuery {
            alert: Some("muscat".into()),
            ..q()
        },
        ItemQuery {
            feed: Some("feed-1".into()),
            ..q()
        },
        ItemQuery {
            topic: Some("diplomacy".into()),
            party: Some("oman".into()),
            ..q()
        },
        ItemQuery {
            topic: Some("nuclear".into()),
            unread_only: true,
            ..q()
        },
        ItemQuery {
            unread_only: true,
            ..q()
        },
        ItemQuery {
            since: Some(now - Duration::days(1)),
            ..q()
        },
        ItemQuery {
            topic: Some("nosuch".into()),
            ..q()
        },
        ItemQuery {
            feed: Some("nosuch".into()),
            ..q()
        },
        ItemQuery {
            search: Some("Muscat".into()),
            ..q()
        },
        ItemQuery {
            search: Some("مسقط".into()),
            ..q()
        },
        ItemQuery {
            search: Some("tal".into()),
            party: Some("us".into()),
            ..q()
        },
        ItemQuery {
            search: Some("الهجوم".into()),
            feed: Some("feed-2".into()),
            unread_only: true,
            ..q()
        },
        ItemQuery {
            search: Some("Iran".into()),
            since: Some(now - Duration::days(1)),
            ..q()
        },
        ItemQuery {
            search: Some("zzqx".into()),
            ..q()
        },
        // Rare words (from the index), short ones tested on its matches,
        // common short ones (from the items in time order).
        ItemQuery {
            search: Some("123".into()),
            ..q()
        },
        ItemQuery {
            search: Some("12 Muscat".into()),
            ..q()
        },
        ItemQuery {
            search: Some("ta".into()),
            topic: Some("nuclear".into()),
            ..q()
        },
        ItemQuery {
            search: Some("1 ا".into()),
            unread_only: true,
            ..q()
        },
    ]
}

#[test]
fn pages_walk_every_query_in_order_both_ways() {
    let (dir, store) = store_of(2600);
    let r = store.reader().unwrap();
    let all = facts(&r);
    assert!(all.len() > 2500);
    let now = all.iter().map(|f| f.at.when()).max().unwrap();
    for q in queries(now) {
        let found = fts_ids(&dir.path().join("s.db"), q.search.as_deref().unwrap_or(""));
        let want = expected(&all, &q, &found);
        for page in [5, 97, 2000] {
            // Down from the newest, page by page.
            let mut got: Vec<Cursor> = Vec::new();
            let mut from = None;
            loop {
                let p = r.select(&q, from, Toward::Older, page).unwrap();
                assert!(p.len() <= page);
                got.extend(&p);
                match p.last() {
                    Some(last) if p.len() == page => from = Some(*last),
                    _ => break,
                }
            }
            assert_eq!(got, want, "{q:?} down in pages of {page}");
            // And back up from the oldest.
            let mut up = Vec::new();
            let mut from = want.last().copied();
            if let Some(f) = from {
                up.push(f);
            }
            loop {
                let p = r.select(&q, from, Toward::Newer, page).unwrap();
                // Newest first within the page, just above the cursor.
                up.extend(p.iter().rev());
                match p.first() {
                    Some(first) if p.len() == page => from = Some(*first),
                    _ => break,
                }
            }
            up.reverse();
            assert_eq!(up, want, "{q:?} up in pages of {page}");
        }
        // Rows and whole items come back in the order selected.
        let first = r.select(&q, None, Toward::Older, 20).unwrap();
        let rows = r.page(&q, None, Toward::Older, 20).unwrap();
        assert_eq!(
            rows.iter().map(|x| x.id).collect::<Vec<_>>(),
            first.iter().map(|c| c.id).collect::<Vec<_>>()
        );
        let items = r
            .items(&ItemQuery {
                limit: Some(20),
                ..q.clone()
            })
            .unwrap();
        assert_eq!(
            items.iter().map(|x| x.id).collect::<Vec<_>>(),
            first.iter().map(|c| c.id).collect::<Vec<_>>()
        );
        // Counts: exact, or capped.
        let c = r.count_items(&q, 100_000).unwrap();
        assert_eq!(c.items as usize, want.len(), "{q:?}");
        let unread = want
            .iter()
            .filter(|c| all.iter().any(|f| f.at == **c && !f.read))
            .count();
        assert_eq!(c.unread as usize, unread, "{q:?}");
        assert!(!c.capped);
        if want.len() > 10 {
            let capped = r.count_items(&q, 10).unwrap();
            assert!(
                capped.capped || capped.items as usize == want.len(),
                "{q:?}"
            );
            assert!(capped.items >= 10);
        }
    }
}

#[test]
fn several_panes_searched_at_once_get_what_each_gets_alone() {
    let (_dir, store) = store_of(2600);
    let r = store.reader().unwrap();
    for text in ["Muscat", "إيران", "tal"] {
        let qs: Vec<ItemQuery> = ["nuclear", "missiles", "diplomacy", "rights"]
            .iter()
            .map(|t| ItemQuery {
                topic: Some(t.to_string()),
                search: Some(text.into()),
                ..ItemQuery::default()
            })
            .chain([ItemQuery {
                no_topic: true,
                search: Some(text.into()),
                ..ItemQuery::default()
            }])
            .collect();
        let together = r.select_each(&qs, 12).unwrap();
        for (q, got) in qs.iter().zip(together) {
            assert_eq!(got, r.select(q, None, Toward::Older, 12).unwrap(), "{q:?}");
        }
    }
}

#[test]
fn sparklines_count_items_per_hour() {
    let (_dir, store) = store_of(1500);
    let r = store.reader().unwrap();
    let all = facts(&r);
    let now = all.iter().map(|f| f.at.when()).max().unwrap();
    let hour = |c: &Cursor| c.ts.div_euclid(3_600_000);
    let last = now.timestamp_millis().div_euclid(3_600_000);
    for q in queries(now) {
        let found = std::collections::HashSet::new();
        if q.search.is_some() {
            continue;
        }
        let mut want = [0u64; 24];
        for c in expected(&all, &q, &found) {
            let k = hour(&c) - (last - 23);
            if (0..24).contains(&k) {
                want[k as usize] += 1;
            }
        }
        assert_eq!(r.hours(&q, now).unwrap(), want, "{q:?}");
    }
}

#[test]
fn list_queries_use_indexes() {
    let (_dir, store) = store_of(300);
    let r = store.reader().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap();
    let q = ItemQuery::default;
    for (what, query, uses) in [
        ("list --limit 1", q(), "USING INDEX items_ts"),
        (
            "list --topic nuclear",
            ItemQuery {
                topic: Some("nuclear".into()),
                ..q()
            },
            "SEARCH l USING PRIMARY KEY (label=?",
        ),
        (
            "list --party iran",
            ItemQuery {
                party: Some("iran".into()),
                ..q()
            },
            "SEARCH l USING PRIMARY KEY (label=?",
        ),
        (
            "list --alert muscat",
            ItemQuery {
                alert: Some("muscat".into()),
                ..q()
            },
            "SEARCH l USING PRIMARY KEY (label=?",
        ),
        (
            "list --feed feed-1",
            ItemQuery {
                feed: Some("feed-1".into()),
                ..q()
            },
            "SEARCH l USING PRIMARY KEY (label=?",
        ),
        (
            "list --since 24h",
            ItemQuery {
                since: Some(now),
                ..q()
            },
            "USING INDEX items_ts",
        ),
        (
            "list --topic nuclear --party us --since 24h",
            ItemQuery {
                topic: Some("nuclear".into()),
                party: Some("us".into()),
                since: Some(now),
                ..q()
            },
            "SEARCH l USING PRIMARY KEY (label=?",
        ),
        (
            "list --search Iran",
            ItemQuery {
                search: Some("Iran".into()),
                ..q()
            },
            "items_fts VIRTUAL TABLE INDEX",
        ),
    ] {
        let plan = r.explain(&query).unwrap();
        let text = plan.join("\n");
        assert!(text.contains(uses), "{what}: {text}");
        for step in &plan {
            let scan = step.starts_with("SCAN") && !step.contains("VIRTUAL TABLE");
            assert!(!scan, "{what} scans a table: {text}");
            assert!(!step.contains("TEMP B-TREE"), "{what} sorts: {text}");
        }
    }
}

#[test]
fn aggregates_follow_reads_and_deletions() {
    let (_dir, store) = store_of(900);
    let r = store.reader().unwrap();
    let check = |r: &Reader| {
        let all = facts(r);
        let found = Default::default();
        for q in queries(all.iter().map(|f| f.at.when()).max().unwrap()) {
            if q.search.is_some() || q.since.is_some() || q.unread_only {
                continue;
            }
            let want = expected(&all, &q, &found);
            let labels = [
                q.topic.is_some(),
                q.party.is_some(),
                q.alert.is_some(),
                q.feed.is_some(),
                q.no_topic,
            ];
            let simple = labels.iter().filter(|l| **l).count() <= 1;
            let c = r.count_items(&q, if simple { 1 } else { 100_000 }).unwrap();
            assert!(!c.capped, "{q:?} comes from the aggregates");
            assert_eq!(c.items as usize, want.len(), "{q:?}");
            let unread = all
                .iter()
                .filter(|f| want.contains(&f.at) && !f.read)
                .count();
            assert_eq!(c.unread as usize, unread, "{q:?}");
        }
    };
    check(&r);
    let before = r.marks_version().unwrap();
    store
        .mark_read((1..400).map(ItemId).collect(), true)
        .wait()
        .unwrap();
    store
        .delete((400..450).map(ItemId).collect())
        .wait()
        .unwrap();
    store
        .mark_read((300..350).map(ItemId).collect(), false)
        .wait()
        .unwrap();
    check(&r);
    assert!(r.marks_version().unwrap() > before);
}
