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
