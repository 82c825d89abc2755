//! Feed health: one row per feed with its last poll, new items, and error.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, Widget};

use crate::app::State;

fn ago(s: &State, t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    match t {
        None => "never".into(),
        Some(t) => {
            let m = (s.now - t).num_minutes().max(0);
            if m < 60 {
                format!("{m}m ago")
            } else if m < 48 * 60 {
                format!("{}h ago", m / 60)
            } else {
                format!("{}d ago", m / 1440)
            }
        }
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, s: &State) {
    let t = &s.theme;
    let title = if s.polling {
        format!(
            " feeds · {} · {} failing ",
            s.feeds.len(),
            s.failing_feeds()
        )
    } else {
        format!(" feeds · {} · not polled in this session ", s.feeds.len())
    };
    let rows = s.feeds.iter().enumerate().map(|(i, f)| {
        // A feed's error can carry the server's own words: sanitized, on one line.
        let status = match &f.error {
            Some(e) => Cell::from(format!(
                "✗ {}",
                crate::pipeline::one_line(&crate::text::sanitize(e))
            ))
            .style(t.bad()),
            None if f.last_success.is_some() => Cell::from("✓ ok").style(t.ok()),
            None => Cell::from("· waiting").style(t.dim()),
        };
        let row = Row::new(vec![
            Cell::from(crate::text::bidi::visual_string(
                &crate::text::sanitize(&f.name),
                s.display,
            )),
            Cell::from(f.items.to_string()),
            Cell::from(ago(s, f.last_attempt)),
            Cell::from(f.last_new.map_or("-".into(), |n| format!("+{n}"))),
            status,
        ]);
        if i == s.feed_cursor {
            row.style(t.selected())
        } else {
            row
        }
    });
    let header = Row::new(vec!["feed", "items", "polled", "new", "status"]).style(t.header());
    Table::new(
        rows,
        [
            Constraint::Length(30),
            Constraint::Length(7),
            Constraint::Length(9),
            Constraint::Length(5),
            Constraint::Fill(1),
        ],
    )
    .header(header)
    .block(
        Block::new()
            .borders(Borders::ALL)
            .border_style(t.border(true))
            .title(title),
    )
    .render(area, buf);
}
