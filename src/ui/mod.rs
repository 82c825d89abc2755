//! Drawing the dashboard: a pure function of the app's state, one file per pane
//! or view, colours in `theme`. Nothing here touches the store, a channel or a lock.

pub mod alerts;
pub mod detail;
pub mod feeds;
pub mod footer;
pub mod grid;
pub mod header;
pub mod help;
pub mod layout;
pub mod pane;
pub mod picker;
pub mod river;
pub mod row;
pub mod source;
pub mod text;
pub mod theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::State;
use crate::app::state::View;

/// Draws the whole screen for `state`.
pub fn draw(frame: &mut Frame<'_>, state: &State) {
    let area = frame.area();
    render(area, frame.buffer_mut(), state);
}

/// Draws the whole screen for `state` into `buf` within `area`.
pub fn render(area: Rect, buf: &mut Buffer, state: &State) {
    let parts = layout::screen(area);
    header::draw(buf, parts.header, state);
    match state.view {
        View::Grid if state.layout == crate::config::Layout::River => {
            river::draw_pane(buf, parts.body, state);
        }
        View::Grid => grid::draw(buf, parts.body, state),
        View::Bookmarks => river::draw_bookmarks(buf, parts.body, state),
        View::Zoom => pane::draw(buf, parts.body, state, state.focus, true),
        View::Detail => detail::draw(buf, parts.body, state),
        View::Alerts => alerts::draw_list(buf, parts.body, state),
        View::Feeds => feeds::draw(buf, parts.body, state),
        View::Help => help::draw(buf, parts.body, state),
    }
    alerts::draw_strip(buf, parts.strip, state);
    footer::draw(buf, parts.footer, state);
    if state.picker.is_some() {
        picker::draw(buf, parts.body, state);
    }
    text::scrub(buf, area);
}
