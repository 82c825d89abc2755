//! Headlines first: every item row of every list view, drawn at 80×24, 120×40,
//! 160×48 and 200×60, shows at least 40 (80 and 120 columns) or 60 (160 and
//! 200 columns) cells of its title, or the whole title. A hard case: long
//! titles in Arabic and English, long Arabic agency names, five parties on
//! every item and dates from another year, which widen every other field.

#![allow(clippy::unwrap_used)]

mod support;

use marsad::app::{Action, State};
use marsad::config::Config;
use marsad::store::DashRow;
use marsad::text::bidi::{self, Display};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const SIZES: [(u16, u16, usize); 4] = [(80, 24, 40), (120, 40, 40), (160, 48, 60), (200, 60, 60)];

const EN: &str = "talks between the United States and Iran resume in Muscat as mediators from Oman \
                  press both delegations for a framework on enrichment and sanctions relief";
const AR: &str = "استئناف المحادثات بين الولايات المتحدة وإيران في مسقط وسط ضغوط الوسطاء العمانيين \
                  على الوفدين للتوصل إلى إطار بشأن التخصيب وتخفيف العقوبات";
const SOURCES: [&str; 5] = [
    "وكالة الأنباء العمانية",
    "وكالة الأنباء الإيرانية",
    "BBC Middle East",
    "الشرق الأوسط",
    "Al Jazeera English",
];

fn items() -> Vec<DashRow> {
    let topics = Config::builtin().topics;
    let mut out = Vec::new();
    let mut n = 100;
    for (t, topic) in topics.iter().enumerate() {
        for k in 0..14 {
            let title = if k % 2 == 0 {
                format!("Headline {n} {EN}")
            } else {
                format!("خبر {n} {AR}")
            };
            // Some items are also in the next topic (they are echoes there).
            let mut ts = vec![topic.id.as_str()];
            if k % 3 == 0
                && let Some(next) = topics.get(t + 1)
            {
                ts.push(next.id.as_str());
            }
            let mins = match k % 4 {
                0 => 5 + k as i64,
                1 => 60 * 24 * 20,
                2 => 60 * 24 * 800,
                _ => 60 * 30,
            };
            let parties: &[&str] = match k % 3 {
                0 => &["us", "iran", "oman", "israel", "qatar"],
                1 => &["iran", "russia", "china", "egypt", "e3", "iaea"],
                _ => &["us"],
            };
            let mut row = support::row(n, mins, SOURCES[k % SOURCES.len()], &title, &ts, parties);
            if k % 5 == 0 {
                row.alerts = vec!["muscat".into()];
            }
            out.push(row);
            n += 1;
        }
    }
    // An item in no topic that fired an alert: the river shows it too.
    let mut sultan = support::row(
        n,
        2,
        "وكالة الأنباء العمانية",
        &format!("Sultan Haitham receives Pezeshkian in Muscat {n} {EN}"),
        &[],
        &["oman", "iran"],
    );
    sultan.alerts = vec!["muscat".into()];
    out.push(sultan);
    out
}

fn state(w: u16, h: u16) -> support::Fixture {
    support::Fixture::new((w, h), items(), Vec::new(), support::feeds())
}

fn render(s: &State) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(s.size.0, s.size.1)).unwrap();
    t.draw(|f| marsad::ui::draw(f, s)).unwrap();
    t.backend().buffer().clone()
}

fn line(buf: &Buffer, y: u16, x0: u16, x1: u16) -> String {
    (x0..x1).map(|x| buf[(x, y)].symbol()).collect()
}

/// The title of the item whose number `row` shows (three digits, alone).
fn title_in(row: &str) -> Option<String> {
    let digits: Vec<(usize, char)> = row.char_indices().collect();
    for w in digits.windows(5) {
        let (a, b, c, d, e) = (w[0].1, w[1].1, w[2].1, w[3].1, w[4].1);
        if !a.is_ascii_digit()
            && b.is_ascii_digit()
            && c.is_ascii_digit()
            && d.is_ascii_digit()
            && !e.is_ascii_digit()
        {
            let n: i64 = format!("{b}{c}{d}").parse().unwrap();
            return items().into_iter().find(|r| r.id.0 == n).map(|r| r.title);
        }
    }
    None
}

/// Cells of `title` the row shows: all of it, or the beginning shown before
/// its `…` (the ellipsis not counted).
fn shown(row: &str, title: &str) -> usize {
    let vis = |s: &str| bidi::visual_string(s, Display::App);
    if row.contains(&vis(title)) {
        return bidi::width(title);
    }
    // The widest cut of the title (as the row draws it: its beginning and an
    // ellipsis) that is on the row.
    let row_w = bidi::width(row);
    (1..=row_w.min(bidi::width(title)))
        .rev()
        .find(|w| row.contains(&vis(&bidi::truncate(title, *w))))
        .map_or(0, |w| w - 1)
}

/// Checks every row of `rects` (each rect's first line is its title); returns
/// how many item rows were checked.
fn check(view: &str, buf: &Buffer, rects: &[Rect], min: usize) -> usize {
    let mut checked = 0;
    for r in rects.iter().filter(|r| r.height > 1) {
        for y in r.y + 1..r.bottom() {
            let row = line(buf, y, r.x, r.right());
            let Some(title) = title_in(&row) else {
                continue;
            };
            let cells = shown(&row, &title);
            let want = min.min(bidi::width(&title));
            assert!(
                cells >= want,
                "{view} at {}x{}: {cells} cells of title (want {want}) in\n{row}",
                buf.area.width,
                buf.area.height
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn grid_rows_show_their_headlines() {
    for (w, h, min) in SIZES {
        let s = state(w, h);
        let buf = render(&s);
        let body = marsad::ui::layout::body(buf.area);
        let rects = marsad::ui::layout::pane_rects(body, s.panes.len(), s.focus);
        let n = check("grid", &buf, &rects, min);
        // Every line of every pane holds an item.
        let lines: usize = rects
            .iter()
            .map(|r| r.height.saturating_sub(1) as usize)
            .sum();
        assert_eq!(n, lines, "grid at {w}x{h}");
    }
}

#[test]
fn zoomed_rows_show_their_headlines() {
    for (w, h, min) in SIZES {
        let mut s = state(w, h);
        s.update(Action::Jump(2));
        s.update(Action::Zoom);
        let buf = render(&s);
        let body = marsad::ui::layout::body(buf.area);
        let n = check("zoom", &buf, &[body], min);
        let items = s.panes[2].items().count();
        assert_eq!(n, (body.height as usize - 1).min(items), "zoom at {w}x{h}");
    }
}

#[test]
fn river_rows_show_their_headlines_items_with_no_topic_included() {
    for (w, h, min) in SIZES {
        let mut s = state(w, h);
        // `v`: the river, every item newest first, from the store.
        s.update(Action::River);
        let buf = render(&s);
        let body = marsad::ui::layout::body(Rect::new(0, 0, w, h));
        let n = check("river", &buf, &[body], min);
        assert_eq!(n, body.height as usize - 1, "river at {w}x{h}");
        let first = line(&buf, body.y + 1, 0, w);
        assert!(first.contains("Sultan Haitham"), "{first}");
        let total = items().len();
        assert!(line(&buf, body.y, 0, w).contains(&format!("1/{total}")));
    }
}
