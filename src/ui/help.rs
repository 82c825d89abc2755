//! Help: what the screen shows, every key of the keymap with what it does, and
//! the display modes; it scrolls (↑/↓, PgUp/PgDn) and says where it is.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::app::State;
use crate::app::keymap::BINDINGS;

/// The help's lines for a text width of `width` cells: keys in two columns
/// when there is room for them.
fn lines(s: &State, width: u16) -> Vec<Line<'static>> {
    let t = &s.theme;
    let mut out = vec![
        Line::from(" Each pane is a topic, newest first: ⚑ fired an alert, ● unread (bold)."),
        Line::from(" An item in several topics is drawn in full in the first; later panes show"),
        Line::from(" it dimmed. Badges every row of a pane shares are in the pane's title."),
        Line::from(" Filters combine and apply to every pane. 1-9 jump to a pane."),
        Line::from(" v: the river, every item in one list. n/N: the next/previous unread item."),
        Line::from(" Change keys in the [keys] table of feeds.toml."),
        Line::from(format!(
            " Arabic display: {} (b switches). Times: {} (u: UTC or the watch's zone).",
            s.display.name(),
            s.zone.label(s.now)
        )),
        Line::from(""),
    ];
    let entry = |name: &str, what: &str| -> Vec<Span<'static>> {
        vec![
            Span::styled(format!(" {:>10}", s.keymap.label(name)), t.key()),
            Span::raw(format!("  {what}")),
            Span::styled(format!("  [{name}]"), t.dim()),
        ]
    };
    let half = width / 2;
    if width >= 100 {
        let n = BINDINGS.len().div_ceil(2);
        for (i, (name, what, _)) in BINDINGS.iter().enumerate().take(n) {
            let mut spans = entry(name, what);
            let used: usize = spans.iter().map(|sp| sp.width()).sum();
            spans.push(Span::raw(
                " ".repeat(usize::from(half).saturating_sub(used)),
            ));
            if let Some((name, what, _)) = BINDINGS.get(i + n) {
                spans.extend(entry(name, what));
            }
            out.push(Line::from(spans));
        }
    } else {
        out.extend(
            BINDINGS
                .iter()
                .map(|(name, what, _)| Line::from(entry(name, what))),
        );
    }
    out
}

/// The inner area of the help for a screen of `size`.
fn inner(size: (u16, u16)) -> Rect {
    let body = super::layout::body(Rect::new(0, 0, size.0, size.1));
    Block::new().borders(Borders::ALL).inner(body)
}

/// The furthest the help scrolls: its last line at the bottom.
pub fn max_scroll(s: &State) -> u16 {
    let inner = inner(s.size);
    (lines(s, inner.width).len() as u16).saturating_sub(inner.height)
}

pub fn draw(buf: &mut Buffer, area: Rect, s: &State) {
    let t = &s.theme;
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(" help ");
    let inner = block.inner(area);
    let lines = lines(s, inner.width);
    let total = lines.len();
    let top = usize::from(s.help_scroll).min(total.saturating_sub(inner.height as usize));
    if total > inner.height as usize {
        let last = (top + inner.height as usize).min(total);
        let more = if last < total { " ↓" } else { "" };
        block = block.title_top(
            Line::from(format!(" {}–{last} of {total}{more} ", top + 1)).right_aligned(),
        );
    }
    block.render(area, buf);
    Paragraph::new(lines)
        .scroll((top as u16, 0))
        .render(inner, buf);
}
