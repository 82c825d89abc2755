//! The topic and party pickers: a small list over the grid.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use crate::app::State;
use crate::app::state::Picker;
use crate::text::bidi;

pub fn draw(buf: &mut Buffer, area: Rect, s: &State) {
    let Some((kind, cursor)) = s.picker else {
        return;
    };
    let t = &s.theme;
    let (title, entries): (&str, Vec<String>) = match kind {
        Picker::Topics => {
            let mut v: Vec<String> = s
                .topics
                .iter()
                .enumerate()
                .map(|(i, tp)| {
                    let on = s.filter.hidden_topics & (1 << i.min(63)) == 0;
                    let ar = tp
                        .name_ar
                        .as_deref()
                        .map(|a| format!(" · {}", bidi::visual_string(a, s.display)))
                        .unwrap_or_default();
                    format!("[{}] {}{ar}", if on { "x" } else { " " }, tp.name)
                })
                .collect();
            v.push(format!(
                "[{}] Other (no topic)",
                if s.filter.show_other { "x" } else { " " }
            ));
            (" topics to show ", v)
        }
        Picker::Party => {
            let mut v = vec![format!(
                "({}) any party",
                if s.filter.party.is_none() { "•" } else { " " }
            )];
            v.extend(s.parties.iter().enumerate().map(|(i, p)| {
                let on = s.filter.party == Some(i);
                format!("({}) {} {}", if on { "•" } else { " " }, p.badge, p.name)
            }));
            (" party ", v)
        }
        Picker::Filters => (
            " saved filters: Enter, 1-9; d deletes ",
            s.saved
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let name = crate::text::sanitize::sanitize(&f.name).replace('\n', " ");
                    let key = if i < 9 {
                        format!("{}", i + 1)
                    } else {
                        " ".into()
                    };
                    format!("{key} {}", bidi::visual_string(&name, s.display))
                })
                .collect(),
        ),
    };
    let w = 40.min(area.width);
    let h = (entries.len() as u16 + 2).min(area.height);
    // The list scrolls with the cursor when it is longer than the box.
    let skip = cursor.saturating_sub(h.saturating_sub(3) as usize);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(r, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border(true))
        .title(title);
    let inner = block.inner(r);
    block.render(r, buf);
    // Written cell by cell (see pane titles: reordered Arabic and ratatui widths).
    for (i, e) in entries
        .iter()
        .enumerate()
        .skip(skip)
        .take(inner.height as usize)
    {
        let y = inner.y + (i - skip) as u16;
        let style = if i == cursor { t.selected() } else { t.base() };
        buf.set_style(Rect::new(inner.x, y, inner.width, 1), style);
        buf.set_stringn(inner.x, y, format!(" {e}"), inner.width as usize, style);
    }
}
