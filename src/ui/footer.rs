//! The footer: the keys that work in the current view, from the keymap, or the
//! last status message.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::state::View;
use crate::app::{Keymap, State};

/// The actions the footer offers in a view.
pub fn actions(s: &State) -> &'static [&'static str] {
    if s.typing {
        return &[];
    }
    if s.picker.is_some() {
        return &["up", "down", "mark_read", "back"];
    }
    match s.view {
        View::Grid => &[
            "next_pane",
            "open",
            "zoom",
            "search",
            "topics",
            "party",
            "clear",
            "alerts",
            "feeds",
            "mark_read",
            "refresh",
            "bidi",
            "help",
            "quit",
        ],
        View::Zoom => &[
            "open",
            "search",
            "mark_read",
            "open_link",
            "zoom",
            "help",
            "quit",
        ],
        View::Detail => &["open_link", "mark_read", "acknowledge", "back", "quit"],
        View::Alerts => &["open", "acknowledge", "acknowledge_all", "back", "quit"],
        View::Feeds => &["refresh", "back", "quit"],
        View::Help => &["back", "quit"],
    }
}

pub fn draw(buf: &mut Buffer, area: Rect, s: &State) {
    let t = &s.theme;
    let mut spans = Vec::new();
    if s.typing {
        spans.push(Span::styled(" type to filter", t.filter()));
        spans.push(Span::raw(
            "  Enter keep  Esc clear  (Arabic letters and diacritics normalized)",
        ));
    } else {
        for a in actions(s) {
            let keys = s.keymap.label(a);
            if keys.is_empty() {
                continue;
            }
            spans.push(Span::styled(format!(" {keys}"), t.key()));
            spans.push(Span::raw(format!(" {}", Keymap::describe(a))));
        }
    }
    if let Some(msg) = &s.status {
        let mut line = vec![Span::styled(format!(" {msg} "), t.filter()), Span::raw("│")];
        line.extend(spans);
        spans = line;
    }
    Line::from(spans).render(area, buf);
}
