//! The grid: one pane per visible topic, in one column of panes below 120
//! columns and two (or more) above, a thin rule between panes side by side.

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
    let rects = layout::pane_rects(area, s.panes.len(), s.focus);
    for (i, r) in rects.iter().enumerate() {
        if r.height == 0 {
            continue;
        }
        pane::draw(buf, *r, s, i, false);
        // The rule in the blank column right of a pane with a neighbour.
        let x = r.right();
        if x < area.right() && rects.iter().any(|o| o.x == x + 1 && o.y == r.y) {
            buf[(x, r.y)].set_symbol("┬").set_style(s.theme.dim());
            for y in r.y + 1..r.bottom() {
                buf[(x, y)].set_symbol("│").set_style(s.theme.dim());
            }
        }
    }
}
