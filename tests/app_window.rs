//! The dashboard over a store larger than its windows: scrolling a pane loads
//! the next pages in order, with no duplicate and no gap, while new items
//! arrive; every one of 2,000 open alerts is reachable in the alerts view; and
//! `/` shows what `marsad list --search` lists for the same query.

#![allow(clippy::unwrap_used)]

mod support;

use chrono::Duration;
use marsad::app::Action;
use marsad::app::state::View;
use marsad::model::ItemId;
use marsad::store::{AlertRow, Cursor, DashRow, ItemQuery, Toward};
use proptest::prelude::*;

/// `n` items, every one in the nuclear topic, a minute apart up to the
/// fixture's "now", with ids in time order.
fn nuclear(n: i64) -> Vec<DashRow> {
    (1..=n)
        .map(|i| {
            let mut r = support::row(
                i,
                n - i,
                "Reuters",
                &format!("Nuclear item number {i}"),
                &["nuclear"],
                &["iran"],
            );
            r.read = false;
            r
        })
        .collect()
}

#[test]
fn scrolling_a_pane_loads_every_item_in_order_while_news_arrives() {
    let n = 1500;
    let mut f = support::Fixture::new((160, 48), nuclear(n), Vec::new(), support::feeds());
    f.update(Action::Jump(0));
    assert_eq!(f.panes[0].count.unwrap().items, n as u64);
    let first = f.selected_item().unwrap().clone();
    let mut seen: Vec<Cursor> = vec![Cursor::new(first.when, first.id)];
    let mut late = Vec::new();
    let mut step = 0;
    loop {
        f.update(Action::Down);
        let it = f.selected_item().unwrap().clone();
        let at = Cursor::new(it.when, it.id);
        if at == *seen.last().unwrap() {
            break;
        }
        assert!(at < *seen.last().unwrap(), "in order, no repeat: {at:?}");
        seen.push(at);
        assert!(f.panes[0].window.rows.len() <= marsad::app::window::CAP);
        step += 1;
        if step % 97 == 0 {
            // News arrives: one item newer than all, one late item dated
            // among those not yet reached.
            let mut fresh = support::row(
                0,
                -1,
                "Reuters",
                &format!("Fresh {step}"),
                &["nuclear"],
                &[],
            );
            fresh.id = ItemId(f.reader.max_item_id().unwrap() + 1);
            fresh.link = Some(format!("https://example.org/{}", fresh.id));
            let mut old = fresh.clone();
            old.id = ItemId(fresh.id.0 + 1);
            old.link = Some(format!("https://example.org/{}", old.id));
            old.title = format!("Late {step}");
            old.when = it.when - Duration::seconds(90);
            support::store_rows(&f.store, &[fresh, old.clone()]);
            late.push(Cursor::new(old.when, old.id));
            assert!(f.look());
        }
    }
    // Every item below the selection when it came, and every original item,
    // was reached once, in order.
    let r = f.store.reader().unwrap();
    let q = ItemQuery {
        topic: Some("nuclear".into()),
        ..ItemQuery::default()
    };
    let all = r.select(&q, None, Toward::Older, 100_000).unwrap();
    let want: Vec<Cursor> = all
        .into_iter()
        .filter(|c| c.id.0 <= n || late.contains(c))
        .collect();
    assert_eq!(seen, want);
    assert!(f.panes[0].fresh >= late.len());
}

#[test]
fn two_thousand_open_alerts_are_all_reachable() {
    let n = 2000;
    let rows = nuclear(n);
    let alerts: Vec<AlertRow> = rows
        .iter()
        .map(|r| AlertRow {
            alert: "muscat".into(),
            item: r.id,
            title: r.title.clone(),
            source: r.source.clone(),
            when: r.when,
            fired_at: r.when,
            quiet: false,
            acknowledged: false,
        })
        .collect();
    let mut f = support::Fixture::new((120, 40), rows, alerts, support::feeds());
    assert_eq!(f.open_alerts(), n as usize);
    assert_eq!(f.strip.len(), marsad::app::alerts::STRIP);
    f.update(Action::Alerts);
    assert_eq!(f.view, View::Alerts);
    let mut reached = std::collections::BTreeSet::new();
    for _ in 0..n + 5 {
        let a = f.alerts.selected_row().unwrap();
        reached.insert(a.row.item);
        assert!(f.alerts.rows.len() <= marsad::app::window::CAP);
        f.update(Action::Down);
    }
    assert_eq!(reached.len(), n as usize, "every open alert reached");
    let screen = support::render_text(&f);
    assert!(screen.contains("alerts · 2000 open"), "{screen}");
    // Acknowledging them all is one write.
    f.update(Action::AcknowledgeAll);
    assert_eq!(
        f.effects.last(),
        Some(&marsad::app::Effect::Acknowledge(None))
    );
    assert_eq!(f.open_alerts(), 0);
}

/// Ids `marsad list` prints for these options, in order (with
/// `no_topic`, those of items in no topic: the "other" pane's).
fn list_ids(store: &std::path::Path, args: &[String], no_topic: bool) -> Vec<i64> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_marsad"))
        .arg("--store")
        .arg(store)
        .args(["list", "--json", "--limit", "100000"])
        .args(args)
        .current_dir(store.parent().unwrap())
        .env("XDG_CONFIG_HOME", store.parent().unwrap())
        .env("XDG_DATA_HOME", store.parent().unwrap())
        .env_remove("MARSAD_CONFIG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| !no_topic || v["topics"].as_array().is_none_or(Vec::is_empty))
        .map(|v| v["id"].as_i64().unwrap())
        .take(80)
        .collect()
}

const WORDS: &[&str] = &[
    "Iran",
    "ir",
    "talks",
    "Muscat",
    "مسقط",
    "الهجوم",
    "هجوم",
    "تخصيب",
    "عقوبات",
    "F-35",
    "Oman",
    "UN",
    "ر",
    "ت",
    "zz",
    "the",
    "60",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// `/` then words, with a party picked or not: every pane shows what
    /// `marsad list --topic T --party P --search WORDS` lists.
    #[test]
    fn slash_shows_what_list_search_lists(
        words in proptest::collection::vec(0..WORDS.len(), 1..3),
        party in 0usize..3,
    ) {
        let mut f = support::state((160, 48));
        let text = words.iter().map(|w| WORDS[*w]).collect::<Vec<_>>().join(" ");
        if party > 0 {
            f.update(Action::PickParty);
            for _ in 0..party {
                f.update(Action::Down);
            }
            f.update(Action::Open);
        }
        f.update(Action::Search);
        for c in text.chars() {
            f.update(Action::Type(c));
        }
        let topics = marsad::config::Config::builtin().topics;
        let path = f.path();
        for (p, pane) in f.panes.iter().enumerate() {
            let mut args = vec!["--search".to_string(), text.clone()];
            if let marsad::app::items::PaneKind::Topic(t) = pane.kind {
                args.extend(["--topic".to_string(), topics[t].id.clone()]);
            }
            if let Some(party) = f.filter.party {
                args.extend(["--party".to_string(), f.parties[party].badge.clone()]);
            }
            let shown: Vec<i64> = pane.items().map(|i| i.id.0).collect();
            let other = pane.kind == marsad::app::items::PaneKind::Other;
            prop_assert_eq!(shown, list_ids(&path, &args, other), "pane {} {:?}", p, args);
        }
    }
}

/// The strip's and the alerts view's pages, the open count and the watcher's
/// look at what new items fired use indexes: no scan of the fired alerts, no
/// sort of them all (ties of a time may be sorted).
#[test]
fn alert_queries_use_their_indexes() {
    let f = support::state((120, 40));
    for (what, plan) in f.reader.explain_alerts().unwrap() {
        let text = plan.join("\n");
        assert!(text.contains("USING"), "{what}: {text}");
        for step in &plan {
            // A scan in an index's order stops at the page's limit.
            let scan = step.starts_with("SCAN") && !step.contains("USING INDEX");
            assert!(!scan, "{what} scans: {text}");
            assert!(
                !step.contains("TEMP B-TREE FOR ORDER BY"),
                "{what} sorts: {text}"
            );
        }
    }
}
