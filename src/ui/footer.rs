//! The footer: the last status message (for a few seconds), then the keys
//! that work in the current view, from the keymap; `? help` and `q quit` are
//! always there, the other hints give way first when the line is short.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::state::View;
use crate::app::{Keymap, State};
use crate::text::bidi;

/// The actions the footer offers in a view.
pub fn actions(s: &State) -> &'static [&'static str] {
    if s.typing {
        return &[];
    }
    if s.prompt.is_some() {
        return &[];
    }
    if let Some((picker, _)) = s.picker {
        if picker == crate::app::state::Picker::Filters {
            return &["up", "down", "mark_read", "delete_filter", "back"];
        }
        return &["up", "down", "mark_read", "back"];
    }
    match s.view {
        View::Grid if s.layout == crate::config::Layout::River => &[
            "open",
            "search",
            "next_unread",
            "river",
            "unread_only",
            "bookmark",
            "bookmarks",
            "save_filter",
            "filters",
            "mark_pane_read",
            "copy_link",
            "open_link",
            "party",
            "clear",
            "alerts",
            "feeds",
            "help",
            "quit",
        ],
        View::Grid => &[
            "next_pane",
            "open",
            "search",
            "next_unread",
            "river",
            "zoom",
            "unread_only",
            "bookmark",
            "filters",
            "topics",
            "party",
            "clear",
            "alerts",
            "feeds",
            "mark_read",
            "refresh",
            "bidi",
            "utc",
            "help",
            "quit",
        ],
        View::Zoom => &[
            "open",
            "next_unread",
            "search",
            "mark_read",
            "mark_pane_read",
            "open_link",
            "zoom",
            "help",
            "quit",
        ],
        View::Detail => &[
            "open_link",
            "copy_link",
            "next_unread",
            "bookmark",
            "mark_read",
            "acknowledge",
            "back",
            "help",
            "quit",
        ],
        View::Alerts => &[
            "open",
            "acknowledge",
            "acknowledge_all",
            "back",
            "help",
            "quit",
        ],
        View::Feeds => &["open", "refresh", "back", "help", "quit"],
        View::Bookmarks => &["open", "bookmark", "copy_link", "back", "help", "quit"],
        View::Help => &["back", "quit"],
    }
}

/// Actions the footer always shows, whatever the width.
const ALWAYS: &[&str] = &["help", "quit"];

pub fn draw(buf: &mut Buffer, area: Rect, s: &State) {
    let t = &s.theme;
    if let Some(p) = &s.prompt {
        use crate::app::reading::Prompt;
        let (ask, hint) = match p {
            Prompt::MarkRead { what, .. } => (format!(" {what}"), "  y yes, any other key no"),
            Prompt::DeleteFilter(name) => (
                format!(
                    " delete the saved filter «{}»?",
                    bidi::visual_string(&crate::text::sanitize::sanitize(name), s.display)
                ),
                "  y yes, any other key no",
            ),
            Prompt::FilterName(name) => (
                format!(
                    " save the filter as: {}▏",
                    bidi::visual_string(name, s.display)
                ),
                "  Enter save  Esc cancel",
            ),
        };
        Line::from(vec![Span::styled(ask, t.filter()), Span::raw(hint)]).render(area, buf);
        return;
    }
    if s.typing {
        Line::from(vec![
            Span::styled(" type to filter", t.filter()),
            Span::raw("  Enter keep  Esc clear  (Arabic letters and diacritics normalized)"),
        ])
        .render(area, buf);
        return;
    }
    let hint = |a: &str| -> Option<[(String, Style); 2]> {
        let keys = s.keymap.label(a);
        (!keys.is_empty()).then(|| {
            [
                (format!(" {keys}"), t.key()),
                (format!(" {}", Keymap::describe(a)), Style::new()),
            ]
        })
    };
    let width = |h: &[(String, Style); 2]| h.iter().map(|(s, _)| bidi::width(s)).sum::<usize>();
    let list = actions(s);
    let kept: Vec<[(String, Style); 2]> = list
        .iter()
        .filter(|a| ALWAYS.contains(a))
        .filter_map(|a| hint(a))
        .collect();
    let kept_w: usize = kept.iter().map(width).sum();
    let mut room = (area.width as usize).saturating_sub(kept_w);
    let end = area.right();
    let mut x = area.x;
    // The status first (cut to the room left), then the hints that fit.
    if let Some(msg) = &s.status {
        let w = (bidi::width(msg) + 2).min(room.saturating_sub(2)) as u16;
        if w > 2 {
            super::text::put(
                buf,
                (x + 1, area.y, w - 2),
                msg,
                |_| t.filter(),
                s.display,
                false,
            );
            x = super::text::write(buf, x + w, area.y, end, "│", t.dim());
            room = room.saturating_sub(w as usize + 1);
        }
    }
    for a in list.iter().filter(|a| !ALWAYS.contains(a)) {
        let Some(h) = hint(a) else { continue };
        let w = width(&h);
        if w > room {
            continue;
        }
        room -= w;
        for (text, st) in h {
            x = super::text::write(buf, x, area.y, end, &text, st);
        }
    }
    for h in kept {
        for (text, st) in h {
            x = super::text::write(buf, x, area.y, end, &text, st);
        }
    }
}
