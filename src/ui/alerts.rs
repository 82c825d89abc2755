//! Alerts: the strip above the footer (latest open alerts, flashing until seen)
//! and the full list, where alerts are acknowledged one by one or all at once.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Widget};

use super::text;
use crate::app::State;
use crate::app::state::AlertEntry;
use crate::text::bidi;

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
    if selected {
        st = st.patch(t.selected());
        buf.set_style(Rect::new(area.x, y, area.width, 1), t.selected());
    }
    let mark = match (a.row.acknowledged, a.row.quiet) {
        (true, _) => "✓",
        (_, true) => "·",
        _ => "⚑",
    };
    let head = format!(
        " {mark} {} {} ",
        a.row.fired_at.format("%H:%M"),
        bidi::visual_string(&s.alert_name(&a.row.alert), s.display)
    );
    let end = area.x + area.width;
    let (mut x, _) = buf.set_stringn(area.x, y, &head, area.width as usize, st);
    let src = format!(" — {}", a.row.source);
    let src_w = bidi::width(&src).min(24) as u16;
    if x + src_w < end {
        let title_w = end - x - src_w;
        let base = if a.row.acknowledged {
            t.dim()
        } else {
            t.base()
        };
        let base = if selected {
            base.patch(t.selected())
        } else {
            base
        };
        text::put(
            buf,
            (x, y, title_w),
            &a.row.title,
            |_| base,
            s.display,
            false,
        );
        x += title_w;
        text::put(
            buf,
            (x, y, src_w),
            &src,
            |_| base.patch(t.source()),
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
        .alerts
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
    if s.alerts.is_empty() {
        buf.set_stringn(
            inner.x,
            inner.y,
            " no alert has fired",
            inner.width as usize,
            s.theme.dim(),
        );
        return;
    }
    let rows = inner.height as usize;
    let offset = s.alert_cursor.saturating_sub(rows.saturating_sub(1));
    for (i, a) in s.alerts.iter().enumerate().skip(offset).take(rows) {
        line(
            buf,
            inner,
            inner.y + (i - offset) as u16,
            s,
            a,
            i == s.alert_cursor,
        );
    }
}
