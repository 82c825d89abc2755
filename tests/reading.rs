//! The reading workflow on the dashboard's state: links opened and copied.

#![allow(clippy::unwrap_used)]

mod support;

use marsad::app::{Action, Effect};
use marsad::model::ItemId;

#[test]
fn y_copies_a_checked_link_through_the_terminal() {
    let mut s = support::state((160, 48));
    let km = s.keymap.clone();
    let y = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('y'),
        crossterm::event::KeyModifiers::NONE,
    );
    assert_eq!(km.action(&y, false), Some(Action::CopyLink));
    // From the grid the link is read from the store by the loop...
    s.update(Action::CopyLink);
    assert_eq!(s.effects, vec![Effect::CopyItemLink(ItemId(1))]);
    s.effects.clear();
    // ...which hands it back checked, and the state copies it and says so.
    s.update(Action::Copy("https://example.org/1".into()));
    assert_eq!(
        s.effects,
        vec![Effect::CopyLink("https://example.org/1".into())]
    );
    assert_eq!(
        s.status.as_deref(),
        Some("link copied (OSC 52): https://example.org/1")
    );
    // What opening a link did is said in the footer.
    s.update(Action::Notice(
        "opened with firefox: https://example.org/1".into(),
    ));
    assert_eq!(
        s.status.as_deref(),
        Some("opened with firefox: https://example.org/1")
    );
}

/// The writes the state asked for, carried out on the fixture's store as
/// the loop would, their answers given back, and what the store's watcher
/// then sees given to the state.
fn carry_out(f: &mut support::Fixture) {
    let effects: Vec<Effect> = std::mem::take(&mut f.effects);
    for e in effects {
        match e {
            Effect::MarkReadWhere(q) => {
                let n = f.store.mark_read_where(&f.reader, &q).unwrap();
                f.update(Action::Notice(format!("{n} items marked read")));
            }
            Effect::MarkRead(ids, read) => {
                f.store.mark_read(ids, read).wait().unwrap();
            }
            Effect::Bookmark(id, on) => {
                let on = on.unwrap_or(!f.reader.is_bookmarked(id).unwrap());
                f.store.set_bookmark(id, on).wait().unwrap();
                f.update(Action::Bookmarked(id, on));
            }
            Effect::SaveFilter { name, filter } => {
                f.store.save_filter(name, filter).wait().unwrap();
            }
            Effect::DeleteFilter(name) => {
                assert!(f.store.delete_filter(name).wait().unwrap());
            }
            _ => {}
        }
    }
    f.look();
}

fn ids(f: &support::Fixture, pane: usize) -> Vec<i64> {
    f.panes[pane].items().map(|i| i.id.0).collect()
}

fn selected(f: &support::Fixture) -> Option<i64> {
    f.selected_item().map(|i| i.id.0)
}

/// Finding 2: an item in no topic that fires an alert is reachable from the
/// alert, the river and `/`, with the "other" pane off.
#[test]
fn an_alerting_item_with_no_topic_is_never_hidden() {
    let mut rows = support::rows();
    let mut sultan = support::row(
        20,
        1,
        "وكالة الأنباء العمانية",
        "Sultan Haitham receives Pezeshkian in Muscat",
        &[],
        &["oman", "iran"],
    );
    sultan.alerts = vec!["muscat".into()];
    rows.push(sultan);
    let mut alerts = support::alerts();
    alerts.insert(
        0,
        marsad::store::AlertRow {
            alert: "muscat".into(),
            item: ItemId(20),
            title: "Sultan Haitham receives Pezeshkian in Muscat".into(),
            source: "وكالة الأنباء العمانية".into(),
            when: support::now(),
            fired_at: support::now(),
            quiet: false,
            acknowledged: false,
        },
    );
    let mut f = support::Fixture::new((160, 48), rows, alerts, support::feeds());
    assert!(!f.filter.show_other);
    let everywhere = |f: &support::Fixture| {
        (0..f.panes.len())
            .flat_map(|p| ids(f, p))
            .collect::<Vec<_>>()
    };
    assert!(!everywhere(&f).contains(&20), "no topic pane lists it");
    // From the alert: the strip and the alerts view, and Enter opens it.
    assert!(support::render_text(&f).contains("Sultan Haitham"));
    f.update(Action::Alerts);
    f.update(Action::Open);
    assert_eq!(f.detail.as_ref().map(|d| d.id), Some(ItemId(20)));
    f.update(Action::Back);
    f.update(Action::Back);
    // The river.
    f.update(Action::River);
    assert_eq!(ids(&f, 0).first(), Some(&20));
    assert!(support::render_text(&f).contains("Sultan Haitham receives Pezeshkian in Muscat"));
    f.update(Action::River);
    // `/`: what is searched for is shown, whatever its topics.
    f.update(Action::Search);
    for c in "Sultan".chars() {
        f.update(Action::Type(c));
    }
    assert_eq!(everywhere(&f), vec![20]);
    assert!(support::render_text(&f).contains("Sultan Haitham"));
}

/// Finding 6: `n` and `N` walk the unread items down and up the focused
/// pane, then on through the other panes, and say when there is none.
#[test]
fn next_and_previous_unread_cross_panes() {
    let mut f = support::state((160, 48));
    // Pane 0 is nuclear: 1 (unread), 2 (unread), 10 (unread), newest first.
    assert_eq!(ids(&f, 0), vec![1, 2, 10]);
    f.update(Action::NextUnread);
    assert_eq!((f.focus, selected(&f)), (0, Some(2)));
    f.update(Action::NextUnread);
    assert_eq!((f.focus, selected(&f)), (0, Some(10)));
    // The nuclear pane has no unread item below: on to the next pane.
    f.update(Action::NextUnread);
    assert_eq!(f.focus, 1);
    let first_unread_of_1 = f.panes[1].items().find(|i| !i.read).map(|i| i.id.0);
    assert_eq!(selected(&f), first_unread_of_1);
    // And back up.
    f.update(Action::PrevUnread);
    assert_eq!((f.focus, selected(&f)), (0, Some(10)));
    // In the detail view, `n` opens the next unread item.
    f.update(Action::Jump(0));
    f.update(Action::Up);
    f.update(Action::Up);
    f.update(Action::Open);
    assert_eq!(f.detail.as_ref().map(|d| d.id), Some(ItemId(1)));
    f.update(Action::NextUnread);
    assert_eq!(f.detail.as_ref().map(|d| d.id), Some(ItemId(2)));
    assert!(f.effects.contains(&Effect::Load(ItemId(2))));
    f.update(Action::Back);
    // Everything read: nothing to go to, and the footer says so.
    f.store
        .mark_read_where(&f.reader, &Default::default())
        .unwrap();
    f.look();
    f.update(Action::NextUnread);
    assert_eq!(f.status.as_deref(), Some("no unread item below"));
}

/// Finding 6: a pane is marked read at once when it has few unread items,
/// after a yes when it has many; everything only after a yes.
#[test]
fn mark_pane_read_and_mark_all_read() {
    let mut f = support::state((160, 48));
    let nuclear = f.panes[0].query.clone();
    f.update(Action::MarkPaneRead);
    assert_eq!(f.effects, vec![Effect::MarkReadWhere(nuclear)]);
    carry_out(&mut f);
    assert!(f.panes[0].items().all(|i| i.read), "shown read at once");
    assert_eq!(f.panes[0].count.unwrap().unread, 0);
    assert!(f.panes[1].items().any(|i| !i.read), "other panes untouched");
    f.update(Action::MarkPaneRead);
    assert!(
        f.status
            .as_deref()
            .unwrap()
            .starts_with("nothing unread in")
    );

    // Everything: a question first; any key but y leaves it.
    f.update(Action::MarkAllRead);
    assert!(f.prompt.is_some() && f.effects.is_empty());
    assert!(support::render_text(&f).contains("mark every item read"));
    f.update(Action::Type('n'));
    assert!(f.prompt.is_none() && f.effects.is_empty());
    f.update(Action::MarkAllRead);
    f.update(Action::Type('y'));
    assert_eq!(f.effects, vec![Effect::MarkReadWhere(Default::default())]);
    carry_out(&mut f);
    for p in 0..f.panes.len() {
        assert!(f.panes[p].items().all(|i| i.read), "pane {p}");
    }
}

/// Finding 6: more unread than `CONFIRM_OVER` in a pane asks first.
#[test]
fn a_pane_with_many_unread_asks_first() {
    let over = marsad::app::reading::CONFIRM_OVER as i64;
    let rows: Vec<_> = (1..=over + 5)
        .map(|i| {
            let mut r = support::row(
                i,
                i,
                "Reuters",
                &format!("talks round {i}"),
                &["nuclear"],
                &[],
            );
            r.read = false;
            r
        })
        .collect();
    let mut f = support::Fixture::new((120, 40), rows, Vec::new(), support::feeds());
    f.update(Action::MarkPaneRead);
    assert!(f.effects.is_empty());
    let screen = support::render_text(&f);
    assert!(
        screen.contains(&format!("mark {} unread items of Nuclear", over + 5)),
        "{screen}"
    );
    f.update(Action::Type('y'));
    assert_eq!(f.effects.len(), 1);
    carry_out(&mut f);
    assert_eq!(f.panes[0].count.unwrap().unread, 0);
}

/// Finding 6: unread only, then the feeds list opens a feed's items.
#[test]
fn unread_only_and_a_feeds_items() {
    let mut f = support::state((160, 48));
    f.update(Action::UnreadOnly);
    for p in 0..f.panes.len() {
        assert!(f.panes[p].items().all(|i| !i.read), "pane {p}");
    }
    assert!(support::render_text(&f).contains("unread"));
    f.update(Action::UnreadOnly);
    assert!(f.panes.iter().any(|p| p.items().any(|i| i.read)));

    f.update(Action::Feeds);
    // The fixture's feeds: BBC Arabic first.
    f.update(Action::Open);
    assert_eq!(f.filter.feed.as_deref(), Some("BBC Arabic"));
    assert_eq!(f.layout, marsad::config::Layout::River);
    assert_eq!(ids(&f, 0), vec![12, 2]);
    let screen = support::render_text(&f);
    assert!(screen.contains("a feed's items"), "{screen}");
    // Esc: back to the feeds, the grid and every item as they were.
    f.update(Action::Back);
    assert_eq!(f.view, marsad::app::state::View::Feeds);
    assert_eq!(f.filter.feed, None);
    assert_eq!(f.layout, marsad::config::Layout::Grid);
}

/// Finding 6: `s` bookmarks, `S` lists the bookmarks (kept in the store),
/// and `s` there takes one away.
#[test]
fn bookmarks_are_kept_and_listed() {
    let mut f = support::state((160, 48));
    f.update(Action::Down);
    f.update(Action::Bookmark);
    assert_eq!(f.effects, vec![Effect::Bookmark(ItemId(2), None)]);
    carry_out(&mut f);
    assert!(f.status.as_deref().unwrap().starts_with("bookmarked"));
    f.update(Action::Jump(2));
    f.update(Action::Bookmark);
    carry_out(&mut f);
    f.update(Action::Bookmarks);
    let listed: Vec<i64> = f.bookmarks.iter().map(|i| i.id.0).collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&2));
    let screen = support::render_text(&f);
    assert!(
        screen.contains("Bookmarks")
            && screen.contains(&marsad::text::bidi::visual_string(
                "إيران ترفع تخصيب",
                marsad::text::bidi::Display::App
            )),
        "{screen}"
    );
    // Enter opens one; in the list, `s` takes the bookmark away.
    f.update(Action::Open);
    assert!(f.detail.is_some());
    f.update(Action::Back);
    f.update(Action::Bookmark);
    carry_out(&mut f);
    assert_eq!(f.bookmarks.len(), 1);
    assert_eq!(f.reader.bookmarks().unwrap().len(), 1);
}

/// Finding 6: a filter saved under a name is in the store and recalled by
/// key after a restart, river and all.
#[test]
fn saved_filters_survive_a_restart() {
    let mut f = support::state((160, 48));
    f.update(Action::PickParty);
    f.update(Action::Down);
    f.update(Action::Open);
    let party = f.filter.party;
    assert!(party.is_some());
    f.update(Action::Search);
    for c in "talks".chars() {
        f.update(Action::Type(c));
    }
    f.update(Action::Open);
    f.update(Action::River);
    let before: Vec<i64> = ids(&f, 0);
    f.update(Action::SaveFilter);
    for c in "talks".chars() {
        f.update(Action::Type(c));
    }
    assert!(support::render_text(&f).contains("save the filter as: talks"));
    f.update(Action::Open);
    assert!(matches!(f.effects.as_slice(), [Effect::SaveFilter { name, .. }] if name == "talks"));
    carry_out(&mut f);

    f.restart();
    assert_eq!(f.layout, marsad::config::Layout::Grid);
    assert!(!f.filter.is_active());
    f.update(Action::Filters);
    assert!(support::render_text(&f).contains("1 talks"));
    // Recalled by its key.
    f.update(Action::Jump(0));
    assert_eq!(f.filter.party, party);
    assert_eq!(f.filter.text, "talks");
    assert_eq!(f.layout, marsad::config::Layout::River);
    assert_eq!(ids(&f, 0), before);
    assert_eq!(f.status.as_deref(), Some("filter «talks»"));
}

/// A saved filter is deleted from the saved filters' list by `d`, once the
/// prompt is answered yes; any other answer keeps it.
#[test]
fn a_saved_filter_is_deleted_by_key_after_asking() {
    let mut f = support::state((160, 48));
    for name in ["alpha", "beta"] {
        f.update(Action::River);
        f.update(Action::SaveFilter);
        for c in name.chars() {
            f.update(Action::Type(c));
        }
        f.update(Action::Open);
        carry_out(&mut f);
        f.update(Action::River);
    }
    f.update(Action::Filters);
    assert!(support::render_text(&f).contains("d deletes"));
    // "n" keeps it.
    f.update(Action::Down);
    f.update(Action::DeleteFilter);
    assert!(support::render_text(&f).contains("delete the saved filter «beta»?"));
    f.update(Action::Type('n'));
    assert_eq!(f.status.as_deref(), Some("nothing deleted"));
    assert!(f.effects.is_empty());
    // "y" deletes it, in the store too.
    f.update(Action::Filters);
    f.update(Action::Down);
    f.update(Action::DeleteFilter);
    f.update(Action::Type('y'));
    assert_eq!(f.status.as_deref(), Some("filter «beta» deleted"));
    assert_eq!(f.effects, vec![Effect::DeleteFilter("beta".into())]);
    carry_out(&mut f);
    f.restart();
    f.update(Action::Filters);
    let screen = support::render_text(&f);
    assert!(screen.contains("1 alpha"), "{screen}");
    assert!(!screen.contains("beta"), "{screen}");
    // The key does nothing outside the list.
    f.update(Action::Back);
    f.update(Action::DeleteFilter);
    assert!(f.prompt.is_none() && f.effects.is_empty());
}
