//! Help: every key of the keymap with what it does, and the bidi mode.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::app::State;
use crate::app::keymap::BINDINGS;

pub fn draw(buf: &mut Buffer, area: Rect, s: &State) {
    let t = &s.theme;
    let mut lines = vec![
        Line::from(
            " Panes show the newest items of each topic. Filters combine and apply to every pane.",
        ),
        Line::from(" 1-9 jump to a pane. Keys can be changed in the [keys] table of feeds.toml."),
        Line::from(format!(
            " Arabic display: {} (b switches)",
            s.display.name()
        )),
        Line::from(""),
    ];
    for (name, what, _) in BINDINGS {
        lines.push(Line::from(vec![
            Span::styled(format!(" {:>12}", s.keymap.label(name)), t.key()),
            Span::raw(format!("  {what}")),
            Span::styled(format!("  [{name}]"), t.dim()),
        ]));
    }
    let cols = if area.width >= 120 { 2 } else { 1 };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(" help ");
    let inner = block.inner(area);
    block.render(area, buf);
    if cols == 2 {
        let half = lines.len().div_ceil(2);
        let right = lines.split_off(half);
        let w = inner.width / 2;
        Paragraph::new(lines).render(Rect { width: w, ..inner }, buf);
        Paragraph::new(right).render(
            Rect {
                x: inner.x + w,
                width: inner.width - w,
                ..inner
            },
            buf,
        );
    } else {
        Paragraph::new(lines).render(inner, buf);
    }
}
