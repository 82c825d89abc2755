//! Unread items found without walking the read ones (`n`/`N`, marking read):
//! every walk gives what a plain filter of the pane's items gives, in order,
//! both ways; a pane with nothing unread asks nothing of the items; and each
//! walk's query uses an index.

#![allow(clippy::unwrap_used)]

#[path = "../benches/support/mod.rs"]
mod synthetic;

use marsad::model::ItemId;
use marsad::store::{
    AlertPolicy, Cursor, FeedRef, IngestBatch, ItemQuery, Store, Toward, UnreadWalk,
};

/// `n` synthetic items from three feeds, most of them read (as a store is
/// once its reader keeps up), a few deleted.
fn store_of(n: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db")).unwrap();
    let mut pending = Vec::new();
    for (k, chunk) in (0..n).collect::<Vec<_>>().chunks(100).enumerate() {
        pending.push(store.ingest(IngestBatch {
            feed: FeedRef {
                name: format!("feed-{}", k % 3),
                url: format!("https://f{}.example/rss", k % 3),
            },
            items: chunk.iter().map(|&i| synthetic::item(i)).collect(),
            fetch: None,
            alerts: AlertPolicy::Quiet,
            keep_items: false,
        }));
    }
    for p in pending {
        p.wait().unwrap();
    }
    let read: Vec<ItemId> = (1..=n as i64).filter(|i| i % 9 != 4).map(ItemId).collect();
    store.mark_read(read, true).wait().unwrap();
    let gone: Vec<ItemId> = (1..=n as i64).filter(|i| i % 37 == 0).map(ItemId).collect();
    store.delete(gone).wait().unwrap();
    (dir, store)
}

fn queries() -> Vec<ItemQuery> {
    let q = ItemQuery::default;
    vec![
        q(),
        ItemQuery {
            topic: Some("nuclear".into()),
            ..q()
        },
        ItemQuery {
            topic: Some("nuclear".into()),
            party: Some("iran".into()),
            ..q()
        },
        ItemQuery {
            feed: Some("feed-1".into()),
            ..q()
        },
        ItemQuery {
            alert: Some("muscat".into()),
            ..q()
        },
        ItemQuery {
            since: Some(synthetic::item(300).published.unwrap()),
            ..q()
        },
    ]
}

#[test]
fn unread_walks_give_the_unread_items_in_order_both_ways() {
    let (_dir, store) = store_of(900);
    let r = store.reader().unwrap();
    let mut walks = std::collections::HashSet::new();
    // Few unread items (their index is the shorter walk), then many (a
    // feed's or an alert's list is).
    for round in 0..2 {
        if round == 1 {
            let more: Vec<ItemId> = (1..=900).filter(|i| i % 3 == 0).map(ItemId).collect();
            store.mark_read(more, false).wait().unwrap();
        }
        for q in queries() {
            walks.insert(r.explain_unread(&q).unwrap().0);
            check_walks(&r, &q);
        }
    }
    assert!(walks.contains(&UnreadWalk::Unread) && walks.contains(&UnreadWalk::Label));
}

/// Pages of unread items down and up `q` equal its items filtered.
fn check_walks(r: &marsad::store::Reader, q: &ItemQuery) {
    {
        // What a plain filter gives: the pane's items, the unread kept.
        let all = r.select(q, None, Toward::Older, usize::MAX).unwrap();
        let marks: std::collections::HashMap<ItemId, bool> = r
            .read_marks(&all.iter().map(|c| c.id).collect::<Vec<_>>())
            .unwrap()
            .into_iter()
            .collect();
        let want: Vec<Cursor> = all.into_iter().filter(|c| !marks[&c.id]).collect();
        assert!(!want.is_empty() || q.alert.is_some(), "{q:?}");
        // Down, seven at a time.
        let mut got: Vec<Cursor> = Vec::new();
        let mut from = None;
        loop {
            let page = r.unread_page(q, from, Toward::Older, 7).unwrap();
            got.extend(&page);
            match page.last() {
                Some(last) if page.len() == 7 => from = Some(*last),
                _ => break,
            }
        }
        assert_eq!(got, want, "{q:?}");
        // Up, one at a time (what `N` asks), from below the oldest.
        let mut up = Vec::new();
        let mut from = Some(Cursor {
            ts: i64::MIN,
            id: ItemId(0),
        });
        while let Some(c) = r.next_unread(q, from, Toward::Newer).unwrap() {
            up.push(c);
            from = Some(c);
        }
        up.reverse();
        assert_eq!(up, want, "{q:?}");
    }
}

#[test]
fn unread_walks_use_indexes_and_a_pane_with_none_unread_asks_nothing() {
    let (_dir, store) = store_of(900);
    let r = store.reader().unwrap();
    for q in queries() {
        let (walk, plan) = r.explain_unread(&q).unwrap();
        let text = plan.join("\n");
        match walk {
            UnreadWalk::Unread => assert!(text.contains("USING INDEX items_unread"), "{text}"),
            UnreadWalk::Label => assert!(text.contains("USING PRIMARY KEY (label=?"), "{text}"),
            UnreadWalk::None => {
                let unread = ItemQuery {
                    unread_only: true,
                    ..q.clone()
                };
                let found = r.select(&unread, None, Toward::Older, 1).unwrap();
                assert!(found.is_empty(), "{q:?}: items are unread");
            }
        }
        for step in &plan {
            assert!(!step.starts_with("SCAN"), "{q:?} scans: {text}");
            assert!(!step.contains("TEMP B-TREE"), "{q:?} sorts: {text}");
        }
    }
    // Fewer unread items in the store than a topic's items: the unread
    // index drives; a feed's few items: the feed's list drives.
    let nuclear = ItemQuery {
        topic: Some("nuclear".into()),
        ..ItemQuery::default()
    };
    assert_eq!(r.explain_unread(&nuclear).unwrap().0, UnreadWalk::Unread);
    let store_unread = r
        .count_items(&ItemQuery::default(), u64::MAX)
        .unwrap()
        .unread;
    let muscat = ItemQuery {
        alert: Some("muscat".into()),
        ..ItemQuery::default()
    };
    let muscat_items = r.count_items(&muscat, u64::MAX).unwrap().items;
    let want = if muscat_items < store_unread {
        UnreadWalk::Label
    } else {
        UnreadWalk::Unread
    };
    assert_eq!(r.explain_unread(&muscat).unwrap().0, want);

    // Everything read: no walk at all, nothing found, whichever the pane.
    let n = store.mark_read_where(&r, &ItemQuery::default()).unwrap();
    assert_eq!(n as u64, store_unread);
    for q in queries() {
        let (walk, plan) = r.explain_unread(&q).unwrap();
        assert_eq!((walk, plan.len()), (UnreadWalk::None, 0), "{q:?}");
        assert_eq!(r.next_unread(&q, None, Toward::Older).unwrap(), None);
    }
    // One item unread again: found from above and below it.
    let one = r
        .select(&nuclear, None, Toward::Older, 50)
        .unwrap()
        .last()
        .copied()
        .unwrap();
    store.mark_read(vec![one.id], false).wait().unwrap();
    assert_eq!(
        r.next_unread(&nuclear, None, Toward::Older).unwrap(),
        Some(one)
    );
    let below = Cursor {
        ts: i64::MIN,
        id: ItemId(0),
    };
    assert_eq!(
        r.next_unread(&ItemQuery::default(), Some(below), Toward::Newer)
            .unwrap(),
        Some(one)
    );
}
