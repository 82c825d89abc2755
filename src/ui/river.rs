//! The river: every item of the watch in one list, newest first, as a
//! newsreader's home — titles the width of the screen, each row with its
//! topics' codes and its parties' badges, items with no topic included. Drawn
//! from the rows it is given (the page on screen) and the counts of the whole.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::row::{self, Badge};
use super::{pane, source, text};
use crate::app::State;
use crate::app::items::Item;
use crate::text::bidi;

/// What the river shows: the rows on screen and where they stand in it.
#[derive(Debug, Clone)]
pub struct River<'a> {
    /// What the list is ("River", a feed's name, "Bookmarks") and a word on it.
    pub title: String,
    pub about: &'a str,
    /// The rows on screen, newest first.
    pub rows: &'a [&'a Item],
    /// The selected row among them.
    pub selected: Option<usize>,
    /// The place of `rows[0]` in the whole river (0 for the newest item).
    pub first: usize,
    /// Items in the river, and unread ones, as the store counts them.
    pub total: u64,
    pub unread: u64,
    /// The counts stopped at a cap (there are at least that many).
    pub capped: bool,
}

/// Short codes of the config's topics (`Nuc`, `Dip`), in config order.
pub fn topic_codes(s: &State) -> Vec<String> {
    let codes = source::codes(s.topics.iter().map(|t| t.name.as_str()), 3);
    s.topics
        .iter()
        .map(|t| codes.get(t.name.as_str()).cloned().unwrap_or_default())
        .collect()
}

/// A row's badges in the river: its topics, then its parties.
pub fn badges(s: &State, codes: &[String], item: &Item) -> Vec<Badge> {
    let mut out: Vec<Badge> = row::bit_indices(item.topics)
        .filter_map(|i| codes.get(i).map(|c| (c.clone(), s.theme.topic())))
        .collect();
    out.extend(row::parties(s, item.parties));
    out
}

pub fn draw(buf: &mut Buffer, area: Rect, s: &State, river: &River<'_>) {
    if area.height == 0 || area.width < 10 {
        return;
    }
    let t = &s.theme;
    let (y, end) = (area.y, area.right());
    for x in area.x..end {
        buf[(x, y)].set_symbol("─").set_style(t.border(true));
    }
    let plus = if river.capped { "+" } else { "" };
    let position = match river.selected {
        Some(i) if river.total > 0 => {
            format!("  {}/{}{plus}", river.first + i + 1, river.total)
        }
        _ => format!("  {}{plus}", river.total),
    };
    let parts = [
        (format!(" {} ", river.title), t.title(true)),
        (format!("· {}", river.about), t.dim()),
        (position, t.base()),
        (format!(" ●{}{plus} ", river.unread), t.unread()),
    ];
    let mut x = area.x + 1;
    for (text, style) in parts {
        x = text::write(buf, x, y, end.saturating_sub(1), &text, style);
    }
    let list = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    if river.rows.is_empty() {
        buf.set_stringn(list.x, list.y, " nothing yet", list.width as usize, t.dim());
        return;
    }
    let codes = topic_codes(s);
    let badges: Vec<Vec<Badge>> = river.rows.iter().map(|it| badges(s, &codes, it)).collect();
    pane::rows(
        buf,
        list,
        s,
        (river.rows, &badges),
        (24, 6),
        river.selected,
        |_| false,
    );
}

/// The dashboard's river: its one pane (every item, or one feed's) as a
/// list the width of the screen, the selection kept on screen.
pub fn draw_pane(buf: &mut Buffer, area: Rect, s: &State) {
    let Some(pane) = s.panes.first() else {
        return;
    };
    let lines = area.height.saturating_sub(1) as usize;
    let sel = s.selected_pos(0);
    let offset = sel.saturating_sub(lines.saturating_sub(1));
    let rows: Vec<&Item> = pane.items().skip(offset).take(lines).collect();
    let count = pane.count.unwrap_or_default();
    let (title, about) = match &s.filter.feed {
        Some(feed) => (
            bidi::visual_string(feed, s.display),
            "a feed's items, newest first",
        ),
        None => ("River".to_string(), "every item, newest first"),
    };
    let river = River {
        title,
        about,
        rows: &rows,
        selected: (!rows.is_empty()).then(|| sel - offset),
        first: pane.window.above + offset,
        total: count.items,
        unread: count.unread,
        capped: count.capped,
    };
    draw(buf, area, s, &river);
    if rows.is_empty() && !pane.window.loaded && area.height > 1 {
        buf.set_stringn(
            area.x,
            area.y + 1,
            " loading…",
            area.width as usize,
            s.theme.dim(),
        );
    }
}

/// The bookmarks list, drawn as the river is.
pub fn draw_bookmarks(buf: &mut Buffer, area: Rect, s: &State) {
    let lines = area.height.saturating_sub(1) as usize;
    let sel = s.bookmark_cursor.min(s.bookmarks.len().saturating_sub(1));
    let offset = sel.saturating_sub(lines.saturating_sub(1));
    let rows: Vec<&Item> = s.bookmarks.iter().skip(offset).take(lines).collect();
    let river = River {
        title: "Bookmarks".into(),
        about: "newest first; s takes a bookmark away",
        rows: &rows,
        selected: (!rows.is_empty()).then(|| sel - offset),
        first: offset,
        total: s.bookmarks.len() as u64,
        unread: s.bookmarks.iter().filter(|i| !i.read).count() as u64,
        capped: false,
    };
    draw(buf, area, s, &river);
}
