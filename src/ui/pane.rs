//! One topic pane: title with counts, a 24-hour sparkline, and the newest items
//! (time, source, party badges, title), unread in bold, alert keywords marked.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Sparkline, Widget};

use super::text;
use crate::app::State;
use crate::app::items::{Item, PaneKind};
use crate::text::bidi;

/// The pane's name: English and Arabic, the Arabic put in display order.
pub fn name(s: &State, kind: PaneKind) -> String {
    match kind {
        PaneKind::Topic(t) => match s.topics.get(t) {
            Some(t) => match &t.name_ar {
                Some(ar) => format!("{} · {}", t.name, bidi::visual_string(ar, s.display)),
                None => t.name.clone(),
            },
            None => "?".into(),
        },
        PaneKind::Other => format!("Other · {}", bidi::visual_string("أخرى", s.display)),
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, s: &State, p: usize, zoomed: bool) {
    let Some(pane) = s.panes.get(p) else {
        return;
    };
    let t = &s.theme;
    let focused = p == s.focus;
    let borders = if area.height >= 8 {
        Borders::ALL
    } else {
        Borders::TOP
    };
    let block = Block::new()
        .borders(borders)
        .border_style(t.border(focused));
    let inner = block.inner(area);
    block.render(area, buf);
    // The title is written cell by cell: ratatui's block titles measure width
    // with the lam-alef ligature rule and drop a letter of reordered Arabic.
    let title = [
        (format!(" {} ", p + 1), t.dim()),
        (name(s, pane.kind), t.title(focused)),
        (format!("  {}", pane.items.len()), t.base()),
        (format!(" ●{}", pane.unread), t.unread()),
        (format!(" +{} ", pane.fresh), t.ok()),
    ];
    let end = area.right().saturating_sub(1);
    let mut x = area.x + 1;
    for (text, style) in title {
        if x >= end {
            break;
        }
        x = buf
            .set_stringn(x, area.y, &text, (end - x) as usize, style)
            .0;
    }
    if inner.height == 0 || inner.width < 10 {
        return;
    }
    // Sparkline row: the last 24 hours, one cell per hour.
    let spark_w = 24.min(inner.width.saturating_sub(5));
    let label = Rect {
        height: 1,
        width: 4,
        ..inner
    };
    buf.set_stringn(label.x, label.y, "24h ", 4, t.dim());
    Sparkline::default()
        .data(pane.hours)
        .style(t.spark())
        .render(Rect::new(inner.x + 4, inner.y, spark_w, 1), buf);
    let rows = inner.height.saturating_sub(1) as usize;
    let list = Rect {
        y: inner.y + 1,
        height: rows as u16,
        ..inner
    };
    let sel = s.selected_pos(p);
    let offset = sel.saturating_sub(rows.saturating_sub(1));
    for (row, idx) in pane.items.iter().skip(offset).take(rows).enumerate() {
        let Some(item) = s.items.get(*idx) else {
            continue;
        };
        let selected = focused && offset + row == sel;
        item_row(
            buf,
            list.x,
            list.y + row as u16,
            list.width,
            s,
            item,
            selected,
            zoomed,
        );
    }
    if pane.items.is_empty() {
        buf.set_stringn(list.x, list.y, " nothing yet", list.width as usize, t.dim());
    }
}

/// One item line: `12:04 BBC Arabic US IR ⚑ title`.
#[allow(clippy::too_many_arguments)]
pub fn item_row(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    s: &State,
    item: &Item,
    selected: bool,
    wide: bool,
) {
    let t = &s.theme;
    let base = if item.read { t.read() } else { t.unread() };
    let base = if selected {
        base.patch(t.selected())
    } else {
        base
    };
    let patch = |st: Style| if selected { st.patch(t.selected()) } else { st };
    if selected {
        buf.set_style(Rect::new(x, y, width, 1), t.selected());
    }
    let time = if s.now.signed_duration_since(item.when).num_hours() < 24 {
        item.when.format("%H:%M").to_string()
    } else {
        item.when.format("%d%b").to_string()
    };
    let mut cx = x;
    let end = x + width;
    let mut put = |cx: &mut u16, text: &str, st: Style| {
        if *cx < end {
            *cx = text::write(buf, *cx, y, end, text, st);
        }
    };
    put(
        &mut cx,
        if item.read { " " } else { "●" },
        patch(t.unread()),
    );
    put(&mut cx, &time, patch(t.time()));
    put(&mut cx, " ", base);
    let src_w = if wide { 18 } else { 10 };
    let src = bidi::truncate(&item.source, src_w);
    let src = bidi::visual_string(&src, s.display);
    put(&mut cx, &format!("{src:<src_w$}"), patch(t.source()));
    put(&mut cx, " ", base);
    let mut bits = item.parties;
    let mut badges = 0;
    while bits != 0 && badges < 3 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        if let Some(p) = s.parties.get(i) {
            put(&mut cx, &p.badge, patch(t.party(i)));
            put(&mut cx, " ", base);
            badges += 1;
        }
    }
    if item.alerts != 0 {
        put(&mut cx, "⚑", patch(t.alert_mark()));
        put(&mut cx, " ", base);
    }
    if cx < end {
        let hl = text::highlight(&item.highlights, base, t.keyword());
        text::put(buf, (cx, y, end - cx), &item.title, hl, s.display, true);
    }
}
