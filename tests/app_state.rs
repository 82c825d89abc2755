//! The app's state: actions in, state out, over a real store whose answers the
//! fixture gives back at once (as the query worker would). No terminal.

#![allow(clippy::unwrap_used)]

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use marsad::app::items::PaneKind;
use marsad::app::run::{Recorded, handle};
use marsad::app::state::View;
use marsad::app::{Action, Effect, Event};
use marsad::model::{Classification, ItemId, Label, StoredItem};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch};

fn ids_in(s: &marsad::app::State, pane: usize) -> Vec<i64> {
    s.panes[pane].items().map(|i| i.id.0).collect()
}

/// Stores a new item in the fixture's store, as another process would (its
/// alert rings unless `quiet`), and returns its id.
fn add(f: &support::Fixture, title: &str, topic: &str, alert: Option<&str>, quiet: bool) -> ItemId {
    let s = stored(0, title, topic, alert);
    let item = marsad::model::NewItem {
        guid: Some(format!("{title}-{}", f.reader.max_item_id().unwrap())),
        link: None,
        source: s.source,
        title: s.title,
        text: "new".into(),
        published: s.published,
        date_is_fetch_time: false,
        fetched: s.fetched,
        labels: s.labels,
        keys: None,
    };
    f.store
        .ingest(IngestBatch {
            feed: FeedRef {
                name: "Reuters".into(),
                url: "https://reuters.example/rss".into(),
            },
            items: vec![item],
            fetch: None,
            alerts: if quiet {
                AlertPolicy::Quiet
            } else {
                AlertPolicy::Live {
                    backfill: std::time::Duration::from_secs(10 * 365 * 86_400),
                }
            },
            keep_items: true,
        })
        .wait()
        .unwrap()
        .new[0]
        .id
}

fn stored(id: i64, title: &str, topic: &str, alert: Option<&str>) -> StoredItem {
    StoredItem {
        id: ItemId(id),
        feed: "Reuters".into(),
        source: "Reuters".into(),
        guid: None,
        link: None,
        title: title.into(),
        text: String::new(),
        published: Some(support::now()),
        fetched: support::now(),
        read: false,
        labels: Classification {
            lang: "en".into(),
            topics: vec![Label {
                id: topic.to_string().into(),
                evidence: vec![],
            }],
            parties: vec![],
            alerts: alert
                .map(|a| Label {
                    id: a.to_string().into(),
                    evidence: vec![],
                })
                .into_iter()
                .collect(),
        },
    }
}

#[test]
fn panes_follow_the_config_topics_newest_first() {
    let s = support::state((160, 48));
    assert_eq!(s.panes.len(), 7, "other is hidden by default");
    assert_eq!(s.panes[0].kind, PaneKind::Topic(0));
    assert_eq!(ids_in(&s, 0), vec![1, 2, 10]);
    let count = s.panes[0].count.unwrap();
    assert_eq!((count.items, count.unread, count.capped), (3, 3, false));
    // Items of the last 24 clock hours are counted per hour: 11:55 and 11:40
    // in the hour before noon's.
    assert_eq!(s.panes[0].hours[22], 2);
    assert_eq!(s.panes[0].hours[21], 1);
}

#[test]
fn text_filter_normalizes_arabic_and_applies_to_every_pane() {
    let mut s = support::state((160, 48));
    s.update(Action::Search);
    assert!(s.typing);
    for c in "هجوم".chars() {
        s.update(Action::Type(c));
    }
    let all: Vec<i64> = (0..s.panes.len()).flat_map(|p| ids_in(&s, p)).collect();
    assert_eq!(all, vec![11, 11], "الهجوم is found in its two panes");
    // Typing keeps `q` a letter, not quit.
    s.update(Action::Backspace);
    assert_eq!(s.filter.text, "هجو");
    s.update(Action::Back);
    assert!(!s.typing);
    assert!(s.filter.text.is_empty());
    assert_eq!(ids_in(&s, 0), vec![1, 2, 10]);
}

#[test]
fn party_filter_and_clear() {
    let mut s = support::state((160, 48));
    s.update(Action::PickParty);
    s.update(Action::Down);
    s.update(Action::Down); // any, US, Iran
    s.update(Action::Open);
    assert_eq!(s.filter.party, Some(1));
    assert!(s.picker.is_none());
    assert_eq!(ids_in(&s, 6), vec![6]);
    s.update(Action::ClearFilters);
    assert_eq!(s.filter.party, None);
}

#[test]
fn topic_picker_hides_a_pane_and_shows_other() {
    let mut s = support::state((160, 48));
    s.update(Action::PickTopics);
    s.update(Action::MarkRead); // toggles the first topic
    assert_eq!(s.panes.len(), 6);
    for _ in 0..7 {
        s.update(Action::Down);
    }
    s.update(Action::Open); // the "other" entry
    assert_eq!(s.panes.last().unwrap().kind, PaneKind::Other);
    assert_eq!(ids_in(&s, s.panes.len() - 1), vec![9]);
    s.update(Action::Back);
    assert!(s.picker.is_none());
}

#[test]
fn live_items_do_not_move_the_selection() {
    let mut s = support::state((160, 48));
    s.update(Action::Jump(0));
    assert_eq!(s.selected_item().unwrap().id, ItemId(1));
    let new = add(&s, "Fresh nuclear item", "nuclear", None, true);
    assert!(s.look(), "the watcher sees the write");
    assert_eq!(ids_in(&s, 0), vec![new.0, 1, 2, 10]);
    assert_eq!(
        s.selected_item().unwrap().id,
        ItemId(1),
        "still the same item"
    );
    assert_eq!(s.panes[0].fresh, 1);
    s.update(Action::Down);
    assert_eq!(s.selected_item().unwrap().id, ItemId(2));
}

#[test]
fn a_fired_alert_rings_flashes_and_is_acknowledged() {
    let mut s = support::state((160, 48));
    let before = s.open_alerts();
    let id = add(&s, "Talks in Muscat", "diplomacy", Some("muscat"), false);
    s.look();
    assert_eq!(s.effects, vec![Effect::Bell]);
    assert_eq!(s.open_alerts(), before + 1);
    assert_eq!(s.strip[0].row.item, id);
    assert!(!s.strip[0].seen);
    s.update(Action::Tick(support::now()));
    assert!(s.flash && s.dirty);
    s.effects.clear();
    s.update(Action::Alerts);
    assert_eq!(s.view, View::Alerts);
    assert_eq!(s.alerts.rows.len(), 2);
    assert!(s.alerts.rows.iter().all(|a| a.seen));
    s.update(Action::Acknowledge);
    assert_eq!(s.effects, vec![Effect::Acknowledge(Some(vec![id]))]);
    s.update(Action::AcknowledgeAll);
    assert_eq!(s.open_alerts(), 0);
    s.update(Action::Back);
    assert_eq!(s.view, View::Grid);
}

#[test]
fn quiet_alerts_do_not_ring() {
    let mut s = support::state((160, 48));
    add(&s, "Old Muscat item", "diplomacy", Some("muscat"), true);
    s.look();
    assert!(s.effects.is_empty());
}

#[test]
fn open_marks_read_and_loads_then_back() {
    let mut s = support::state((160, 48));
    s.update(Action::Open);
    assert_eq!(s.view, View::Detail);
    assert_eq!(
        s.effects,
        vec![
            Effect::Load(ItemId(1)),
            Effect::MarkRead(vec![ItemId(1)], true)
        ]
    );
    assert!(s.panes[0].items().find(|i| i.id == ItemId(1)).unwrap().read);
    s.update(Action::Back);
    assert_eq!(s.view, View::Grid);
    assert!(s.detail.is_none());
}

#[test]
fn mark_read_toggles() {
    let mut s = support::state((160, 48));
    s.update(Action::MarkRead);
    s.update(Action::MarkRead);
    assert_eq!(
        s.effects,
        vec![
            Effect::MarkRead(vec![ItemId(1)], true),
            Effect::MarkRead(vec![ItemId(1)], false)
        ]
    );
}

#[test]
fn links_open_only_over_http() {
    let mut s = support::state((160, 48));
    // From the grid the link is read from the store by the loop.
    s.update(Action::OpenLink);
    assert_eq!(s.effects, vec![Effect::OpenItemLink(ItemId(1))]);
    // In the detail view the loaded item's link is checked and opened.
    s.update(Action::Open);
    let mut item = stored(1, "x", "nuclear", None);
    item.link = Some("javascript:alert(1)".into());
    s.update(Action::Loaded(Box::new(item.clone())));
    s.effects.clear();
    s.update(Action::OpenLink);
    assert!(s.effects.is_empty());
    assert_eq!(s.status.as_deref(), Some("only http(s) links are opened"));
    item.link = Some("https://example.org/1".into());
    s.update(Action::Loaded(Box::new(item)));
    s.update(Action::OpenLink);
    assert_eq!(
        s.effects,
        vec![Effect::OpenLink("https://example.org/1".into())]
    );
}

#[test]
fn a_quiet_tick_does_not_redraw() {
    let mut s = support::state((160, 48));
    s.update(Action::AcknowledgeAll);
    s.dirty = false;
    s.update(Action::Tick(support::now() + chrono::Duration::seconds(1)));
    assert!(!s.dirty);
    s.update(Action::Tick(support::now() + chrono::Duration::seconds(61)));
    assert!(s.dirty, "the clock's minute changed");
}

#[test]
fn keys_go_through_the_keymap_and_q_types_while_searching() {
    let mut s = support::state((160, 48));
    let mut fx = Recorded::default();
    let key = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    handle(&mut s, key('/'), &mut fx);
    handle(&mut s, key('q'), &mut fx);
    assert!(!s.quit);
    assert_eq!(s.filter.text, "q");
    handle(
        &mut s,
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        &mut fx,
    );
    handle(&mut s, key('q'), &mut fx);
    assert!(s.quit);
}

#[test]
fn the_loop_coalesces_a_burst_and_quits() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut f = support::state((80, 24));
    for i in 0..20 {
        add(&f, &format!("Burst item {i}"), "nuclear", None, true);
    }
    let (changes, _) = marsad::app::live::changes(&f.reader, f.mark, &Vec::new())
        .unwrap()
        .unwrap();
    assert_eq!(changes.rows.len(), 20);
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    for row in changes.rows.clone() {
        let one = marsad::app::live::Changes {
            rows: vec![row],
            ..changes.clone()
        };
        tx.try_send(Event::Changed(Box::new(one))).unwrap();
    }
    tx.try_send(Event::Key(KeyEvent::new(
        KeyCode::Char('q'),
        KeyModifiers::NONE,
    )))
    .unwrap();
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut fx = Recorded::default();
    let s = std::mem::replace(&mut f.state, support::state((80, 24)).state);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let end = rt
        .block_on(marsad::app::run::run(&mut term, s, &mut rx, &mut fx))
        .unwrap();
    assert!(end.quit);
    // Every change was taken: 20 new items wait for the store to place them.
    assert_eq!(end.pending.len(), 20);
    let asked =
        fx.0.iter()
            .filter(|e| matches!(e, Effect::Query(marsad::app::search::Request::Which { .. })))
            .count();
    assert_eq!(asked, 20);
}

#[test]
fn a_burst_rings_once_through_the_flood_gate() {
    let mut s = support::state((160, 48));
    for i in 0..3 {
        add(
            &s,
            &format!("Muscat again {i}"),
            "diplomacy",
            Some("muscat"),
            false,
        );
        s.look();
    }
    let bells = s.effects.iter().filter(|e| **e == Effect::Bell).count();
    assert_eq!(bells, 1, "{:?}", s.effects);
    assert_eq!(s.open_alerts(), 4);
}

#[test]
fn clicking_a_pane_focuses_it_and_the_wheel_moves_the_selection() {
    let mut s = support::state((160, 48));
    // 160 columns: two panes a row (79 and 80 wide), rows of 11 lines from y 1.
    s.update(Action::Click(85, 5));
    assert_eq!(s.focus, 1);
    s.update(Action::Click(5, 30));
    assert_eq!(s.focus, 4);
    s.update(Action::Scroll(1));
    assert_eq!(s.selected_pos(4), 1);
}
