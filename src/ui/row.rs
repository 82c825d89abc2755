//! One item line, as every list draws it (a pane, the zoomed pane): a mark
//! (⚑ fired an alert, ● unread), the time, the source, party badges and the
//! title. The title is given its room first; the other fields share what is
//! left (see [`plan`]), each written on its own so a right-to-left field never
//! runs into its neighbour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::text;
use crate::app::State;
use crate::app::items::Item;
use crate::text::bidi;

/// Widths of a list's fields (0: not shown). The title takes the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cols {
    pub time: u16,
    pub source: u16,
    pub badges: u16,
}

/// The least a title gets: 60 cells of text and its `…` where the row allows,
/// else all but 12 cells for the other fields, never under 40 cells of text
/// unless the row itself is narrower.
fn title_goal(avail: u16) -> u16 {
    if avail >= 61 {
        61
    } else {
        avail.min(avail.saturating_sub(12).max(41))
    }
}

/// The widths for rows `width` cells wide whose fields want `want` (each the
/// widest of the rows drawn): the title's goal first, then the source (4 to 7
/// cells, less the first `badge_share` cells kept for the badges when both
/// fit), then the badges (a `+N` at least), then the source again up to what it
/// wants. A pane keeps no share (the source tells its rows apart); the river
/// keeps one, for its rows' topics.
pub fn plan(width: u16, want: Cols, badge_share: u16) -> Cols {
    let avail = width.saturating_sub(1 + want.time + 1);
    let mut extra = avail - title_goal(avail);
    let reserve = match want.badges.min(badge_share) {
        0 => 0,
        b => b + 1,
    };
    let room = if extra >= 4 + 1 + reserve {
        extra - reserve
    } else {
        extra
    };
    let mut source = want.source.min(7).min(room.saturating_sub(1));
    if source < 4.min(want.source) || source == 0 {
        source = 0;
    } else {
        extra -= source + 1;
    }
    let mut badges = want.badges.min(extra.saturating_sub(1));
    if badges < 2 {
        badges = 0;
    } else {
        extra -= badges + 1;
    }
    if source > 0 {
        source += (want.source - source).min(extra);
    }
    Cols {
        time: want.time,
        source,
        badges,
    }
}

/// A badge as a row draws it: a topic's code or a party's badge, and its style.
pub type Badge = (String, Style);

/// How many of `badges` fit in `width` cells with a `+N` for the rest:
/// (shown, left out).
pub fn fit(badges: &[Badge], width: usize) -> (usize, usize) {
    for k in (0..=badges.len()).rev() {
        let rest = badges.len() - k;
        let shown: usize = badges[..k].iter().map(|(b, _)| bidi::width(b) + 1).sum();
        let more = if rest > 0 {
            1 + rest.to_string().len()
        } else {
            0
        };
        // The last badge has no space after it.
        if (shown + more).saturating_sub(usize::from(rest == 0 && k > 0)) <= width {
            return (k, rest);
        }
    }
    (0, badges.len())
}

/// Cells `badges` take written in full (`US IR OM`).
pub fn badges_width(badges: &[Badge]) -> u16 {
    let w: usize = badges.iter().map(|(b, _)| bidi::width(b) + 1).sum();
    w.saturating_sub(1) as u16
}

/// The party badges of `bits`, in config order.
pub fn parties(s: &State, bits: u64) -> Vec<Badge> {
    bit_indices(bits)
        .filter_map(|i| {
            s.parties
                .get(i)
                .map(|p| (p.badge.clone(), s.theme.party(i)))
        })
        .collect()
}

/// The set bits of `bits`, lowest first.
pub fn bit_indices(mut bits: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (bits != 0).then(|| {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            i
        })
    })
}

/// How one row is drawn beside what the item itself says.
#[derive(Debug, Clone, Copy, Default)]
pub struct Look<'a> {
    pub cols: Cols,
    /// The source as the column shows it.
    pub source: &'a str,
    /// The badges the row shows (as many as fit, then `+N`).
    pub badges: &'a [Badge],
    /// Shown in full in another pane: drawn dim.
    pub echo: bool,
    pub selected: bool,
}

/// Draws `item` on one line of `area` (only its first line is used).
pub fn draw(buf: &mut Buffer, area: Rect, s: &State, item: &Item, look: Look<'_>) {
    let t = &s.theme;
    let (y, end) = (area.y, area.right());
    let sel = |st: Style| {
        if look.selected {
            st.patch(t.selected())
        } else {
            st
        }
    };
    let dim = |st: Style| if look.echo { st.patch(t.echo()) } else { st };
    let base = sel(dim(if item.read { t.read() } else { t.unread() }));
    if look.selected {
        buf.set_style(Rect::new(area.x, y, area.width, 1), t.selected());
    }
    let mut x = area.x;
    let (mark, mark_style) = if item.alerts != 0 {
        ("⚑", if item.read { t.read() } else { t.alert_mark() })
    } else if !item.read {
        ("●", t.unread())
    } else {
        (" ", t.read())
    };
    x = text::write(buf, x, y, end, mark, sel(mark_style));
    let time = crate::zone::compact(item.when, s.now, s.zone);
    text::write(buf, x, y, end, &time, sel(dim(t.time())));
    x = (x + look.cols.time + 1).min(end);
    if look.cols.source > 0 && x < end {
        let w = look.cols.source.min(end - x);
        text::put(
            buf,
            (x, y, w),
            look.source,
            |_| sel(dim(t.source())),
            s.display,
            false,
        );
        x = (x + w + 1).min(end);
    }
    if look.cols.badges > 0 && x < end {
        let w = look.cols.badges.min(end - x);
        let (shown, rest) = fit(look.badges, w as usize);
        let mut bx = x;
        for (b, st) in &look.badges[..shown] {
            bx = text::write(buf, bx, y, x + w, b, sel(dim(*st)));
            bx = (bx + 1).min(x + w);
        }
        if rest > 0 {
            text::write(buf, bx, y, x + w, &format!("+{rest}"), sel(dim(t.dim())));
        }
        x = (x + w + 1).min(end);
    }
    if x < end {
        let hl = text::highlight(&item.highlights, base, sel(t.keyword()));
        text::put(buf, (x, y, end - x), &item.title, hl, s.display, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(time: u16, source: u16, badges: u16) -> Cols {
        Cols {
            time,
            source,
            badges,
        }
    }

    fn title(width: u16, c: Cols) -> u16 {
        let used = 1
            + c.time
            + 1
            + if c.source > 0 { c.source + 1 } else { 0 }
            + if c.badges > 0 { c.badges + 1 } else { 0 };
        width - used
    }

    #[test]
    fn the_title_keeps_60_cells_in_a_half_of_160() {
        for w in [79, 80] {
            let c = plan(w, want(5, 14, 8), 0);
            assert!(title(w, c) > 60, "{w}: {c:?}");
            assert!(c.source >= 4, "{c:?}");
        }
    }

    #[test]
    fn the_title_keeps_40_cells_in_a_half_of_120_and_at_80() {
        for w in [59, 60, 80] {
            let c = plan(w, want(6, 14, 8), 0);
            assert!(title(w, c) > 40, "{w}: {c:?}");
        }
    }

    #[test]
    fn a_badge_share_keeps_room_for_a_code_and_a_count() {
        let c = plan(80, want(5, 14, 12), 6);
        assert_eq!((c.source, c.badges), (4, 6), "{c:?}");
        assert!(title(80, c) > 60);
    }

    #[test]
    fn wide_rows_show_every_field() {
        let c = plan(150, want(5, 20, 8), 0);
        assert_eq!(c, want(5, 20, 8));
    }

    #[test]
    fn nothing_but_the_title_in_a_narrow_row() {
        let c = plan(30, want(5, 14, 8), 0);
        assert_eq!((c.source, c.badges), (0, 0));
    }
}
