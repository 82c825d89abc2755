//! The grid: one pane per visible topic, fewer columns on narrow terminals.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Widget};

use super::{layout, pane};
use crate::app::State;

pub fn draw(buf: &mut Buffer, area: Rect, s: &State) {
    if s.panes.is_empty() {
        Paragraph::new(" every topic is hidden: press t to pick topics, c to clear filters")
            .style(s.theme.dim())
            .render(area, buf);
        return;
    }
    for (i, r) in layout::pane_rects(area, s.panes.len())
        .into_iter()
        .enumerate()
    {
        pane::draw(buf, r, s, i, false);
    }
}
