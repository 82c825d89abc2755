//! Hostile text on the dashboard: a feed error, feed names, titles and sources
//! carrying escape sequences, bidi overrides and isolates, BOM and zero-width
//! characters are drawn without them, in every view.

#![allow(clippy::unwrap_used)]

mod support;

use marsad::app::state::View;
use marsad::app::{Action, State};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{202E}evil\u{2066}x\u{FEFF}y\u{200B}z\u{180E}";

fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || marsad::text::sanitize::is_invisible(c)
}

fn hostile_state() -> support::Fixture {
    let mut s = support::state((120, 40));
    for f in &mut s.feeds {
        f.name.insert_str(0, HOSTILE);
        f.error = Some(format!("{HOSTILE} HTTP 500"));
    }
    s
}

fn hostile_rows_state() -> support::Fixture {
    let mut rows = support::rows();
    for r in &mut rows {
        r.title.insert_str(0, HOSTILE);
        r.source.insert_str(0, HOSTILE);
        r.feed.insert_str(0, HOSTILE);
    }
    let mut alerts = support::alerts();
    for a in &mut alerts {
        a.title.insert_str(0, HOSTILE);
        a.source.insert_str(0, HOSTILE);
    }
    support::Fixture::new((120, 40), rows, alerts, support::feeds())
}

fn assert_drawn_clean(what: &str, s: &State) {
    let area = Rect::new(0, 0, s.size.0, s.size.1);
    let mut buf = Buffer::empty(area);
    marsad::ui::render(area, &mut buf, s);
    for y in 0..area.height {
        for x in 0..area.width {
            let sym = buf[(x, y)].symbol();
            if let Some(c) = sym.chars().find(|c| forbidden(*c)) {
                panic!("{what}: U+{:04X} drawn at ({x}, {y})", c as u32);
            }
        }
    }
}

#[test]
fn the_feed_view_draws_errors_and_names_clean() {
    let mut s = hostile_state();
    s.view = View::Feeds;
    assert_drawn_clean("feeds", &s);
}

#[test]
fn every_view_draws_titles_and_sources_clean() {
    for view in [
        View::Grid,
        View::Zoom,
        View::Alerts,
        View::Feeds,
        View::Help,
    ] {
        let mut s = hostile_rows_state();
        if view == View::Alerts {
            s.update(Action::Alerts);
            assert!(!s.alerts.rows.is_empty(), "the alerts are listed");
        } else {
            s.view = view;
        }
        assert_drawn_clean(&format!("{view:?}"), &s);
    }
}
