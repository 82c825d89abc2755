//! One topic pane: a title line (number, name, counts or position, the party
//! badges every row shares, a 24-hour sparkline) and the newest items, one a
//! line (see `row`).
//!
//! So that the grid does not show the same story seven times over, an item is
//! drawn in full only in its first visible topic pane (the config lists topics
//! in order of weight); in the other panes it is an echo, dimmed, and the eye
//! passes over it. Badges every row of a pane shares are said once, in the
//! pane's title, and rows show only the badges that tell them apart.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Sparkline, Widget};

use super::row::{self, Badge, Cols, Look};
use super::{source, text};
use crate::app::State;
use crate::app::items::{Item, PaneKind};
use crate::text::bidi;

/// The pane's name: English and Arabic, the Arabic put in display order.
pub fn name(s: &State, kind: &PaneKind) -> String {
    match kind {
        PaneKind::Topic(t) => match s.topics.get(*t) {
            Some(t) => match &t.name_ar {
                Some(ar) => format!("{} · {}", t.name, bidi::visual_string(ar, s.display)),
                None => t.name.clone(),
            },
            None => "?".into(),
        },
        PaneKind::Other => format!("Other · {}", bidi::visual_string("أخرى", s.display)),
        PaneKind::River => format!("All · {}", bidi::visual_string("الكل", s.display)),
        PaneKind::Feed(name) => bidi::visual_string(name, s.display),
    }
}

/// The topics whose panes the grid shows, as bits.
fn visible_topics(s: &State) -> u64 {
    let all = match s.topics.len() {
        n if n >= 64 => u64::MAX,
        n => (1u64 << n) - 1,
    };
    all & !s.filter.hidden_topics
}

/// Whether `item`, in the pane of `kind`, is shown in full in an earlier pane.
pub fn is_echo(item: &Item, kind: &PaneKind, visible: u64) -> bool {
    match kind {
        PaneKind::Topic(t) => (item.topics & visible).trailing_zeros() as usize != *t,
        PaneKind::Other | PaneKind::River | PaneKind::Feed(_) => false,
    }
}

/// Columns the rows of one list want, each the widest of `items` (with
/// `badges`, each item's).
pub fn wanted(s: &State, items: &[&Item], badges: &[Vec<Badge>], source_cap: u16) -> Cols {
    let mut want = Cols::default();
    for (it, b) in items.iter().zip(badges) {
        let time = crate::zone::compact(it.when, s.now, s.zone);
        want.time = want.time.max(bidi::width(&time) as u16);
        want.source = want
            .source
            .max((bidi::width(&it.source) as u16).min(source_cap));
        want.badges = want.badges.max(row::badges_width(b).min(16));
    }
    want
}

/// Draws the rows of `items` into `list`, one per line, each with its
/// `badges`, the `selected`-th (if any) highlighted; `echo` says which are
/// echoes.
pub fn rows(
    buf: &mut Buffer,
    list: Rect,
    s: &State,
    (items, badges): (&[&Item], &[Vec<Badge>]),
    (source_cap, badge_share): (u16, u16),
    selected: Option<usize>,
    echo: impl Fn(&Item) -> bool,
) {
    let n = items.len().min(list.height as usize);
    let (items, badges) = (&items[..n], &badges[..n.min(badges.len())]);
    let want = wanted(s, items, badges, source_cap);
    let mut cols = row::plan(list.width, want, badge_share);
    let codes = source::codes(items.iter().map(|i| &*i.source), cols.source as usize);
    // The column is as wide as its widest code; the rest goes to the title.
    cols.source = codes
        .values()
        .map(|c| bidi::width(c) as u16)
        .max()
        .unwrap_or(0)
        .min(cols.source);
    for (i, (item, b)) in items
        .iter()
        .zip(badges)
        .enumerate()
        .take(list.height as usize)
    {
        let area = Rect {
            y: list.y + i as u16,
            height: 1,
            ..list
        };
        let look = Look {
            cols,
            source: codes.get(&*item.source).map_or("", String::as_str),
            badges: b,
            echo: echo(item),
            selected: selected == Some(i),
        };
        row::draw(buf, area, s, item, look);
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, s: &State, p: usize, zoomed: bool) {
    let Some(pane) = s.panes.get(p) else {
        return;
    };
    if area.height == 0 || area.width < 10 {
        return;
    }
    let t = &s.theme;
    let focused = p == s.focus;
    let lines = area.height.saturating_sub(1) as usize;
    let sel = s.selected_pos(p);
    let offset = sel.saturating_sub(lines.saturating_sub(1));
    let items: Vec<&Item> = pane.items().skip(offset).take(lines).collect();
    // Badges every row shares go to the title (with two rows or more).
    let common = if items.len() >= 2 {
        items.iter().fold(u64::MAX, |acc, it| acc & it.parties)
    } else {
        0
    };
    let visible = visible_topics(s);
    let list = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    let badges: Vec<Vec<Badge>> = items
        .iter()
        .map(|it| row::parties(s, it.parties & !common))
        .collect();
    rows(
        buf,
        list,
        s,
        (&items, &badges),
        (if zoomed { 24 } else { 16 }, 0),
        focused.then(|| sel - offset),
        |it| !zoomed && is_echo(it, &pane.kind, visible),
    );
    if pane.window.rows.is_empty() {
        let what = if pane.window.loaded {
            " nothing yet"
        } else {
            " loading…"
        };
        buf.set_stringn(list.x, list.y, what, list.width as usize, t.dim());
    }
    title(buf, area, s, p, common);
}

/// The pane's title line: `─ 1 Nuclear · النووي  12 ●3 +2 ──── all: IR OM ─ ▁▂█ ─`.
fn title(buf: &mut Buffer, area: Rect, s: &State, p: usize, common: u64) {
    let Some(pane) = s.panes.get(p) else {
        return;
    };
    let t = &s.theme;
    let focused = p == s.focus;
    let (y, end) = (area.y, area.right());
    let rule = t.border(focused);
    for x in area.x..end {
        buf[(x, y)].set_symbol("─").set_style(rule);
    }
    // The right end: the sparkline, then the shared badges before it.
    let mut right = end.saturating_sub(1);
    if area.width >= 60 {
        // An hour a cell on wide panes, two hours a cell on narrower ones.
        let data: Vec<u64> = if area.width >= 100 {
            pane.hours.to_vec()
        } else {
            pane.hours.chunks(2).map(|c| c.iter().sum()).collect()
        };
        let w = data.len() as u16;
        right -= w;
        Sparkline::default()
            .data(&data)
            .style(t.spark())
            .render(Rect::new(right, y, w, 1), buf);
        // Quiet hours keep the rule.
        for x in right..right + w {
            if buf[(x, y)].symbol() == " " {
                buf[(x, y)].set_symbol("─").set_style(rule);
            }
        }
        right -= 1;
    }
    if common != 0 && area.width >= 50 {
        let all = row::parties(s, common);
        let (shown, rest) = row::fit(&all, 12);
        let mut parts: Vec<(String, ratatui::style::Style)> = vec![(" all:".into(), t.dim())];
        for (b, st) in &all[..shown] {
            parts.push((format!(" {b}"), *st));
        }
        if rest > 0 {
            parts.push((format!(" +{rest}"), t.dim()));
        }
        parts.push((" ".into(), t.dim()));
        let w: u16 = parts.iter().map(|(s, _)| bidi::width(s) as u16).sum();
        if right > area.x + 40 + w {
            let mut x = right - w;
            for (text, st) in parts {
                x = text::write(buf, x, y, right, &text, st);
            }
            right -= w;
        }
    }
    // The left: number, name, then counts (the position in the focused pane).
    // Counts come from the store: "…" until they do, "10000+" past the
    // cap of a count under filters.
    let (total, unread) = match pane.count {
        Some(c) => {
            let plus = if c.capped { "+" } else { "" };
            (format!("{}{plus}", c.items), format!("{}{plus}", c.unread))
        }
        None => ("…".to_string(), "…".to_string()),
    };
    let count = if focused && !pane.window.rows.is_empty() {
        let at = pane.window.above + s.selected_pos(p) + 1;
        format!("  {at}/{total}")
    } else {
        format!("  {total}")
    };
    let parts = [
        (format!(" {} ", p + 1), t.dim()),
        (name(s, &pane.kind), t.title(focused)),
        (count, t.base()),
        (format!(" ●{unread}"), t.unread()),
        (format!(" +{} ", pane.fresh), t.ok()),
    ];
    let mut x = area.x + 1;
    for (text, style) in parts {
        if x >= right {
            break;
        }
        x = text::write(buf, x, y, right, &text, style);
    }
}
