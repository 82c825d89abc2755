//! Every view drawn on a `TestBackend` at 80×24 and 160×48, compared with
//! accepted insta snapshots; debug snapshots where colour carries meaning.

#![allow(clippy::unwrap_used)]

mod support;

use marsad::app::{Action, State};
use marsad::model::{Classification, Evidence, Field, ItemId, Label, StoredItem};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

fn render(state: &State) -> Buffer {
    let (w, h) = state.size;
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| marsad::ui::draw(f, state)).unwrap();
    t.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn detail_item() -> StoredItem {
    let title = "إيران ترفع تخصيب اليورانيوم إلى 60% قبل جولة مسقط".to_string();
    let text = "قالت الوكالة الدولية للطاقة الذرية إن إيران رفعت تخصيب اليورانيوم إلى 60% \
                في منشأة فوردو، قبل جولة جديدة من المحادثات مع الولايات المتحدة في مسقط. \
                The IAEA said the F-35 remarks by Witkoff were unrelated."
        .to_string();
    let ev = |field, hay: &str, needle: &str| {
        let start = hay.find(needle).unwrap();
        Evidence {
            term: needle.to_string().into(),
            field,
            start,
            end: start + needle.len(),
            text: needle.to_string().into(),
        }
    };
    StoredItem {
        id: ItemId(2),
        feed: "BBC Arabic".into(),
        source: "BBC Arabic".into(),
        guid: None,
        link: Some("https://example.org/2".into()),
        published: Some(support::now() - chrono::Duration::minutes(20)),
        fetched: support::now(),
        read: false,
        labels: Classification {
            lang: "ar".into(),
            topics: vec![Label {
                id: "nuclear".into(),
                evidence: vec![ev(Field::Body, &text, "الذرية")],
            }],
            parties: vec![Label {
                id: "iran".into(),
                evidence: vec![ev(Field::Title, &title, "إيران")],
            }],
            alerts: vec![Label {
                id: "enrichment".into(),
                evidence: vec![
                    ev(Field::Title, &title, "تخصيب"),
                    ev(Field::Body, &text, "تخصيب"),
                ],
            }],
        },
        title,
        text,
    }
}

fn views(size: (u16, u16)) -> Vec<(&'static str, support::Fixture)> {
    let mut out = Vec::new();
    out.push(("grid", support::state(size)));

    let mut z = support::state(size);
    z.update(Action::Jump(4));
    z.update(Action::Zoom);
    out.push(("zoom", z));

    let mut d = support::state(size);
    d.update(Action::Jump(0));
    d.update(Action::Down);
    d.update(Action::Open);
    d.update(Action::Loaded(Box::new(detail_item())));
    out.push(("detail", d));

    let mut a = support::state(size);
    a.update(Action::Alerts);
    out.push(("alerts", a));

    let mut f = support::state(size);
    f.update(Action::Feeds);
    out.push(("feeds", f));

    let mut h = support::state(size);
    h.update(Action::Help);
    out.push(("help", h));

    let mut p = support::state(size);
    p.update(Action::PickTopics);
    p.update(Action::Down);
    p.update(Action::MarkRead);
    out.push(("topic_picker", p));

    let mut q = support::state(size);
    q.update(Action::Search);
    for c in "هجوم".chars() {
        q.update(Action::Type(c));
    }
    out.push(("search_typing", q));

    let mut t = support::state(size);
    t.update(Action::ToggleBidi);
    out.push(("grid_bidi_terminal", t));
    out
}

#[test]
fn views_at_80x24() {
    for (name, state) in views((80, 24)) {
        insta::assert_snapshot!(format!("{name}_80x24"), text(&render(&state)));
    }
}

#[test]
fn views_at_160x48() {
    for (name, state) in views((160, 48)) {
        insta::assert_snapshot!(format!("{name}_160x48"), text(&render(&state)));
    }
}

/// Colour carries the alert keyword, the flashing alert and unread items.
#[test]
fn colours_of_alerts_and_unread() {
    let s = support::state((80, 24));
    let buf = render(&s);
    // The pane rows only, to keep the snapshot readable.
    let area = ratatui::layout::Rect::new(0, 1, 80, 5);
    let mut part = Buffer::empty(area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            part[(x, y)] = buf[(x, y)].clone();
        }
    }
    insta::assert_debug_snapshot!("grid_colours_80x24", part);
}

/// With NO_COLOR, nothing is coloured; emphasis alone marks alerts and unread.
#[test]
fn no_color_draws_without_colours() {
    use ratatui::style::{Color, Modifier};
    let mut s = support::state((80, 24));
    s.theme = marsad::ui::theme::Theme::from_env(Some("1".into()));
    let buf = render(&s);
    for cell in buf.content() {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
    }
    assert!(
        buf.content()
            .iter()
            .any(|c| c.modifier.contains(Modifier::UNDERLINED)),
        "alert keywords are underlined"
    );
    assert!(marsad::ui::theme::Theme::from_env(Some(String::new())).color);
}
