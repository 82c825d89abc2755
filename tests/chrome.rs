//! Calm, correct chrome: status messages go, the footer keeps `? help` and
//! `q quit`, the detail's "why" wraps and its scrolling stops at the end, help
//! scrolls, mixed-direction fields stay apart, and an item in several topics is
//! drawn in full only once in the grid.

#![allow(clippy::unwrap_used)]

mod support;

use chrono::Duration;
use marsad::app::{Action, State};
use marsad::model::{Classification, Evidence, Field, ItemId, Label, StoredItem};
use marsad::text::bidi::{self, Display};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

fn render(state: &State) -> Buffer {
    let (w, h) = state.size;
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| marsad::ui::draw(f, state)).unwrap();
    t.backend().buffer().clone()
}

fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                // A no-break space looks like a space.
                .replace('\u{a0}', " ")
        })
        .collect()
}

fn v(s: &str) -> String {
    bidi::visual_string(s, Display::App)
}

/// An Arabic item with many labels, each with several matched words: its
/// "why" lines are longer than any terminal.
fn long_item() -> StoredItem {
    let title = "وزير الخارجية العماني يستقبل الوفدين في مسقط".to_string();
    let words = [
        "مسقط",
        "عمان",
        "العماني",
        "الخارجية",
        "الوفدين",
        "طهران",
        "واشنطن",
        "المحادثات",
        "النووية",
        "التخصيب",
        "العقوبات",
        "الصواريخ",
    ];
    let mut text = String::new();
    for (i, w) in words.iter().enumerate() {
        text.push_str(&format!("جملة رقم {i} فيها {w} وكلام آخر. "));
    }
    for _ in 0..20 {
        text.push_str("فقرة أخرى طويلة عن المحادثات في مسقط بين الطرفين.\n");
    }
    let ev = |w: &str| {
        let start = text.find(w).unwrap();
        Evidence {
            term: w.to_string().into(),
            field: Field::Body,
            start,
            end: start + w.len(),
            text: w.to_string().into(),
        }
    };
    let label = |id: &str, ws: &[&str]| Label {
        id: id.to_string().into(),
        evidence: ws.iter().map(|w| ev(w)).collect(),
    };
    StoredItem {
        id: ItemId(12),
        feed: "وكالة الأنباء التجريبية".into(),
        source: "وكالة الأنباء العمانية".into(),
        guid: None,
        link: Some("https://example.org/12".into()),
        published: Some(support::now() - Duration::minutes(10)),
        fetched: support::now(),
        read: false,
        labels: Classification {
            lang: "ar".into(),
            topics: vec![
                label("diplomacy", &words[..6]),
                label("nuclear", &words[6..11]),
                label("military", &words[8..]),
            ],
            parties: vec![label("oman", &words[..4]), label("iran", &words[4..7])],
            alerts: vec![label("muscat", &words[..1])],
        },
        text: text.clone(),
        title,
    }
}

fn detail(size: (u16, u16)) -> support::Fixture {
    let mut s = support::state(size);
    s.update(Action::Jump(4));
    s.update(Action::Open);
    let id = s.detail.as_ref().unwrap().id;
    let mut item = long_item();
    item.id = id;
    s.update(Action::Loaded(Box::new(item)));
    s
}

#[test]
fn status_messages_go_after_a_few_seconds() {
    let mut s = support::state((80, 24));
    s.update(Action::Refresh);
    assert_eq!(s.status.as_deref(), Some("refreshing all feeds"));
    let now = s.now;
    s.update(Action::Tick(now + Duration::seconds(2)));
    assert!(s.status.is_some());
    s.update(Action::Tick(now + Duration::seconds(6)));
    assert_eq!(s.status, None);
    assert!(s.dirty, "the footer is redrawn without it");
}

#[test]
fn the_footer_keeps_help_and_quit_in_every_view() {
    for size in [(60, 24), (80, 24)] {
        let mut views = vec![support::state(size)];
        let mut z = support::state(size);
        z.update(Action::Zoom);
        views.push(z);
        views.push(detail(size));
        for a in [Action::Alerts, Action::Feeds] {
            let mut s = support::state(size);
            s.update(a);
            views.push(s);
        }
        let mut st = support::state(size);
        st.update(Action::Refresh);
        st.status =
            Some("a very long status message about a feed that could not be reached at all".into());
        views.push(st);
        for s in views {
            let buf = render(&s);
            let footer = lines(&buf).pop().unwrap();
            assert!(
                footer.contains("? help") && footer.contains("q/C-c quit"),
                "{:?} at {size:?}: {footer}",
                s.view
            );
        }
    }
}

#[test]
fn why_lines_wrap_and_keep_every_word() {
    let s = detail((80, 24));
    let buf = render(&s);
    let screen = lines(&buf).join("\n");
    // Every label and every matched word of the diplomacy and oman lines is on
    // screen, in its own order.
    for w in ["مسقط", "عمان", "العماني", "الخارجية", "الوفدين", "طهران"]
    {
        assert!(screen.contains(&v(w)), "{w} missing:\n{screen}");
    }
    let listed = format!("Diplomacy ({}, {}, {}", v("مسقط"), v("عمان"), v("العماني"));
    assert!(screen.contains(&listed), "{listed}\n{screen}");
    assert!(!screen.contains('…'), "a why line is cut:\n{screen}");
}

#[test]
fn detail_scrolling_stops_at_the_end_and_says_where_it_is() {
    let mut s = detail((80, 24));
    let first = lines(&render(&s)).join("\n");
    assert!(first.contains("1–19 of"), "{first}");
    for _ in 0..40 {
        s.update(Action::PageDown);
    }
    let max = marsad::ui::detail::max_scroll(&s);
    assert!(max > 0);
    assert_eq!(s.detail.as_ref().unwrap().scroll, max);
    let end = lines(&render(&s));
    // The last line of the text is on the last line of the box, no blank past it.
    let last_text = end[end.len() - 4].clone();
    assert!(last_text.contains(&v("فقرة أخرى")), "{}", end.join("\n"));
    assert!(!end[1].contains('↓'), "{}", end[1]);
    // One PageUp goes back up at once.
    s.update(Action::PageUp);
    assert!(s.detail.as_ref().unwrap().scroll < max);
}

#[test]
fn help_scrolls_to_its_last_key() {
    let mut s = support::state((80, 24));
    s.update(Action::Help);
    let top = lines(&render(&s)).join("\n");
    assert!(!top.contains("[quit]"), "{top}");
    for _ in 0..30 {
        s.update(Action::Down);
    }
    let end = lines(&render(&s)).join("\n");
    assert!(end.contains("[quit]"), "{end}");
}

#[test]
fn mixed_direction_fields_stay_apart() {
    let s = detail((100, 30));
    let screen = lines(&render(&s)).join("\n");
    let meta = format!(
        "from {} · feed {} · 2026-03-10 11:50 UTC",
        v("وكالة الأنباء العمانية"),
        v("وكالة الأنباء التجريبية")
    );
    assert!(screen.contains(&meta), "{meta}\n{screen}");

    // The strip: time, alert name and source each in a field of their own.
    let mut s = support::state((80, 24));
    s.strip[0].row.alert = "enrichment".into();
    s.strip[0].row.title = "إيران ترفع تخصيب اليورانيوم".into();
    s.strip[0].row.source = "وكالة الأنباء الإيرانية".into();
    let buf = render(&s);
    let strip = lines(&buf)[22].clone();
    let want = format!(" ⚑ 11:55 {}  {}  ", v("تخصيب"), v("الإيرانية"));
    assert!(strip.starts_with(&want), "{want:?}\n{strip:?}");
    assert!(strip.contains(&v("إيران ترفع تخصيب اليورانيوم")), "{strip}");
}

#[test]
fn an_item_in_several_topics_is_full_in_its_first_pane_and_dim_after() {
    let s = support::state((160, 48));
    let buf = render(&s);
    let rows = lines(&buf);
    // Item 1 (diplomacy and nuclear) is in pane 1 (nuclear) and pane 5.
    let title = "US and Iran to resume talks in Muscat next week";
    let body = marsad::ui::layout::body(buf.area);
    let found: Vec<(usize, usize)> = rows
        .iter()
        .enumerate()
        .take(body.bottom() as usize)
        .filter_map(|(y, l)| l.find(title).map(|i| (y, l[..i].chars().count())))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    let colour = |(y, x): (usize, usize)| buf[((x + 1) as u16, y as u16)].fg;
    assert_ne!(colour(found[0]), Color::DarkGray, "first pane: in full");
    assert_eq!(colour(found[1]), Color::DarkGray, "second pane: an echo");
}

/// Finding 5: at every size, in the grid and the river, a row's title never
/// touches the field before it (source or badges): a blank cell parts them.
#[test]
fn titles_are_parted_from_their_source_at_every_width() {
    for size in [(80, 24), (120, 40), (160, 48)] {
        for river in [false, true] {
            let mut s = support::state(size);
            if river {
                s.update(Action::River);
            }
            let buf = render(&s);
            let body = marsad::ui::layout::body(buf.area);
            let rows = lines(&buf);
            let mut seen = 0;
            for r in support::rows() {
                // As drawn: the start of the title (Arabic: its visual end,
                // the title's first word, is on the right).
                let drawn = v(&r.title);
                let head: String = drawn.chars().take(8).collect();
                for l in rows
                    .iter()
                    .take(body.bottom() as usize)
                    .skip(body.y as usize)
                {
                    if let Some(at) = l.find(&head) {
                        let before = l[..at].chars().last();
                        assert!(
                            before.is_none_or(|c| c == ' '),
                            "{size:?} river={river}: {l:?}"
                        );
                        seen += 1;
                    }
                }
            }
            assert!(seen >= 5, "{size:?} river={river}: {seen} rows checked");
        }
    }
}
