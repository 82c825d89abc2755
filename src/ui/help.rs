//! Help: every key of the keymap with what it does, and the bidi mode.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::app::State;
use crate::app::keymap::BINDINGS;

pub fn draw(buf: &mut Buffer, area: Rect, s: &State) {
    let t = &s.theme;
    let intro = vec![
        Line::from(" Each pane is a topic, newest first. Filters combine and apply to every pane."),
        Line::from(" 1-9 jump to a pane. Change keys in the [keys] table of feeds.toml."),
        Line::from(format!(
            " Arabic display: {} (b switches app/terminal)",
            s.display.name()
        )),
    ];
    let mut keys: Vec<Line> = BINDINGS
        .iter()
        .map(|(name, what, _)| {
            Line::from(vec![
                Span::styled(format!(" {:>10}", s.keymap.label(name)), t.key()),
                Span::raw(format!("  {what}")),
                Span::styled(format!("  [{name}]"), t.dim()),
            ])
        })
        .collect();
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(" help ");
    let inner = block.inner(area);
    block.render(area, buf);
    let head = Rect {
        height: inner.height.min(4),
        ..inner
    };
    Paragraph::new(intro).render(head, buf);
    let body = Rect {
        y: inner.y + head.height,
        height: inner.height - head.height,
        ..inner
    };
    if body.width >= 76 {
        let right = keys.split_off(keys.len().div_ceil(2));
        let w = body.width / 2;
        Paragraph::new(keys).render(Rect { width: w, ..body }, buf);
        Paragraph::new(right).render(
            Rect {
                x: body.x + w,
                width: body.width - w,
                ..body
            },
            buf,
        );
    } else {
        Paragraph::new(keys).render(body, buf);
    }
}
