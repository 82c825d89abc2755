//! Loading a real store into the dashboard: pages by id, labels from the label
//! table, alert evidence from the JSON, and the background pages merged in.

#![allow(clippy::unwrap_used)]

mod support;
#[path = "../benches/support/mod.rs"]
mod synthetic;

use marsad::app::Action;
use marsad::app::items::Taxonomy;
use marsad::config::Config;
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, Store};

fn store_of(n: usize) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db")).unwrap();
    store
        .ingest(IngestBatch {
            feed: FeedRef {
                name: "bench".into(),
                url: "https://example.org/feed.xml".into(),
            },
            items: (0..n).map(synthetic::item).collect(),
            fetch: None,
            alerts: AlertPolicy::Quiet,
            keep_items: false,
        })
        .wait()
        .unwrap();
    (dir, store)
}

#[test]
fn pages_cover_every_item_once_with_labels() {
    let (_dir, store) = store_of(250);
    let r = store.reader().unwrap();
    let mut seen = Vec::new();
    let mut below = None;
    loop {
        let page = r.dashboard_page(below, 100).unwrap();
        let Some(last) = page.last() else { break };
        below = Some(last.id);
        seen.extend(page);
    }
    assert_eq!(seen.len(), 250);
    let mut ids: Vec<i64> = seen.iter().map(|r| r.id.0).collect();
    ids.dedup();
    assert_eq!(ids.len(), 250);
    // Labels match what was ingested.
    let full = r.items(&Default::default()).unwrap();
    for row in &seen {
        let item = full.iter().find(|i| i.id == row.id).unwrap();
        let mut topics = item.labels.topic_ids();
        topics.sort();
        let mut got = row.topics.clone();
        got.sort();
        assert_eq!(got, topics, "item {}", row.id);
        assert_eq!(row.alerts, item.labels.alert_ids());
        let ev: Vec<_> = item
            .labels
            .alerts
            .iter()
            .flat_map(|l| l.evidence.clone())
            .collect();
        assert_eq!(row.alert_evidence, ev);
    }
    assert!(
        seen.iter().any(|r| !r.alert_evidence.is_empty()),
        "some items have alerts"
    );
}

#[test]
fn background_pages_merge_without_moving_the_selection() {
    let (_dir, store) = store_of(300);
    let r = store.reader().unwrap();
    let first = r.dashboard_page(None, 100).unwrap();
    let below = first.last().unwrap().id;
    let mut s = support::state((160, 48));
    s.update(Action::Down);
    let selected = s.selected_item().unwrap().id;
    let tax = Taxonomy::from_config(&Config::builtin());
    let rest = r.dashboard_page(Some(below), 1000).unwrap();
    let items = first
        .into_iter()
        .chain(rest)
        .map(|row| tax.item_from_row(row))
        .collect();
    s.loading = true;
    s.update(Action::Backfill(items, true));
    assert!(!s.loading);
    // The fixture's ids 1–12 are already known: those rows are skipped.
    assert_eq!(s.items.len(), 300);
    assert_eq!(s.selected_item().unwrap().id, selected);
}
