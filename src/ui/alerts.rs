//! Alerts: the strip above the footer (latest open alerts, flashing until seen)
//! and the full list, where alerts are acknowledged one by one or all at once.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Widget};

use ratatui::style::Style;

use super::{source, text};
use crate::app::State;
use crate::app::state::AlertEntry;
use crate::text::bidi;

/// One alert: mark, the item's time, the alert, the source and the title, each
/// a field of its own (an Arabic alert name never reads as the title's word).
fn line(buf: &mut Buffer, area: Rect, y: u16, s: &State, a: &AlertEntry, selected: bool) {
    let t = &s.theme;
    let mut st = if a.row.acknowledged || a.row.quiet {
        t.dim()
    } else {
        t.alert_mark()
    };
    if !a.seen && s.flash {
        st = t.flash();
    }
    let sel = |x: Style| {
        if selected { x.patch(t.selected()) } else { x }
    };
    st = sel(st);
    if selected {
        buf.set_style(Rect::new(area.x, y, area.width, 1), t.selected());
    }
    let mark = match (a.row.acknowledged, a.row.quiet) {
        (true, _) => "✓",
        (_, true) => "·",
        _ => "⚑",
    };
    let end = area.right();
    let mut x = text::write(buf, area.x, y, end, &format!(" {mark} "), st);
    let time = crate::zone::compact(a.row.when, s.now, s.zone);
    x = text::write(buf, x, y, end, &time, sel(t.time()));
    x = (x + 1).min(end);
    // Fields narrow with the line: the title keeps at least half of it.
    let wide = area.width >= 100;
    let fields = [
        (s.alert_name(&a.row.alert), if wide { 14 } else { 10 }, st),
        (
            source::code(&a.row.source, if wide { 16 } else { 10 }),
            if wide { 16 } else { 10 },
            sel(t.source()),
        ),
    ];
    for (i, (text, cap, style)) in fields.into_iter().enumerate() {
        if i == 1 && area.width < 60 {
            break;
        }
        let w = (bidi::width(&text) as u16)
            .min(cap)
            .min(end.saturating_sub(x));
        if w == 0 {
            break;
        }
        text::put(buf, (x, y, w), &text, |_| style, s.display, false);
        x = (x + w + 2).min(end);
    }
    if x < end {
        let base = if a.row.acknowledged {
            t.dim()
        } else {
            t.base()
        };
        text::put(
            buf,
            (x, y, end - x),
            &a.row.title,
            |_| sel(base),
            s.display,
            false,
        );
    }
}

/// The strip: the latest alerts not yet acknowledged (quiet ones left out).
pub fn draw_strip(buf: &mut Buffer, area: Rect, s: &State) {
    if area.height == 0 {
        return;
    }
    let open: Vec<&AlertEntry> = s
        .strip
        .iter()
        .filter(|a| !a.row.acknowledged && !a.row.quiet)
        .take(area.height as usize)
        .collect();
    if open.is_empty() {
        buf.set_stringn(
            area.x,
            area.y,
            " no open alerts",
            area.width as usize,
            s.theme.dim(),
        );
        return;
    }
    for (i, a) in open.into_iter().enumerate() {
        line(buf, area, area.y + i as u16, s, a, false);
    }
}

/// The alerts list view.
pub fn draw_list(buf: &mut Buffer, area: Rect, s: &State) {
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(s.theme.border(true))
        .title(format!(" alerts · {} open ", s.open_alerts()));
    let inner = block.inner(area);
    block.render(area, buf);
    if s.alerts.rows.is_empty() {
        buf.set_stringn(
            inner.x,
            inner.y,
            if s.alerts.loaded {
                " no alert has fired"
            } else {
                " loading…"
            },
            inner.width as usize,
            s.theme.dim(),
        );
        return;
    }
    let rows = inner.height as usize;
    let cursor = s.alerts.selected_pos();
    let offset = cursor.saturating_sub(rows.saturating_sub(1));
    for (i, a) in s.alerts.rows.iter().enumerate().skip(offset).take(rows) {
        line(buf, inner, inner.y + (i - offset) as u16, s, a, i == cursor);
    }
}
