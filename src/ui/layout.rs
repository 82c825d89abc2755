//! Where things go on the screen; pure geometry shared by drawing and by mouse
//! clicks in the state. The grid is laid out for headlines: panes are at least
//! 60 columns wide where the terminal allows (one column of panes below 120
//! columns, two up to 239), and a pane is one title line and its items.

use ratatui::layout::Rect;

pub struct Screen {
    pub header: Rect,
    pub body: Rect,
    pub strip: Rect,
    pub footer: Rect,
}

/// Height of the alert strip: two lines, one on short terminals.
pub fn strip_height(height: u16) -> u16 {
    if height < 30 { 1 } else { 2 }
}

pub fn screen(area: Rect) -> Screen {
    let h = area.height;
    let header = Rect {
        height: h.min(1),
        ..area
    };
    let footer = Rect {
        y: area.y + h.saturating_sub(1),
        height: h.saturating_sub(1).min(1),
        ..area
    };
    let strip_h = strip_height(h).min(h.saturating_sub(2));
    let body_h = h.saturating_sub(2 + strip_h);
    let body = Rect {
        y: area.y + header.height,
        height: body_h,
        ..area
    };
    let strip = Rect {
        y: body.y + body_h,
        height: strip_h,
        ..area
    };
    Screen {
        header,
        body,
        strip,
        footer,
    }
}

/// The body of the screen for a full-terminal area.
pub fn body(area: Rect) -> Rect {
    screen(area).body
}

/// Columns of panes for a width: one below 120 columns, then one per 80.
pub fn columns(width: u16, panes: usize) -> usize {
    let cols = if width < 120 {
        1
    } else {
        usize::from(width / 80).max(2)
    };
    cols.clamp(1, 4).min(panes.max(1))
}

/// The fewest lines a pane is drawn in: its title and one item.
pub const MIN_PANE: u16 = 2;

/// The rectangle of each pane in the grid, row by row, with one blank column
/// between panes side by side (the grid draws a rule there). When the panes do
/// not all fit at `MIN_PANE` lines, the rows of panes around `focus` are shown
/// and the others get an empty rectangle.
pub fn pane_rects(body: Rect, panes: usize, focus: usize) -> Vec<Rect> {
    if panes == 0 || body.width == 0 || body.height == 0 {
        return Vec::new();
    }
    let cols = columns(body.width, panes);
    let rows = panes.div_ceil(cols);
    let fit = usize::from(body.height / MIN_PANE).clamp(1, rows);
    // The first row of panes shown: the focused one's, kept as low as it can be.
    let focus_row = focus.min(panes - 1) / cols;
    let first = focus_row.saturating_sub(fit - 1).min(rows - fit);
    let mut out = vec![Rect::new(body.x, body.y, 0, 0); panes];
    for (i, slot) in out.iter_mut().enumerate() {
        let (r, c) = (i / cols, i % cols);
        if r < first || r >= first + fit {
            continue;
        }
        let r = r - first;
        // The last row may have fewer panes: they share its width.
        let in_row = (panes - (i / cols) * cols).min(cols);
        let w = body.width as usize;
        let x0 = body.x as usize + c * w / in_row;
        let x1 = body.x as usize + (c + 1) * w / in_row;
        let gap = usize::from(c + 1 < in_row);
        let y0 = body.y as usize + r * body.height as usize / fit;
        let y1 = body.y as usize + (r + 1) * body.height as usize / fit;
        *slot = Rect::new(
            x0 as u16,
            y0 as u16,
            (x1 - x0 - gap) as u16,
            (y1 - y0) as u16,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_column_at_80_two_at_160_and_200() {
        assert_eq!(columns(80, 7), 1);
        assert_eq!(columns(119, 7), 1);
        assert_eq!(columns(120, 7), 2);
        assert_eq!(columns(160, 7), 2);
        assert_eq!(columns(200, 7), 2);
        assert_eq!(columns(240, 7), 3);
        assert_eq!(columns(160, 1), 1);
    }

    #[test]
    fn seven_panes_fit_at_80x24_and_160x48() {
        let rects = pane_rects(body(Rect::new(0, 0, 80, 24)), 7, 0);
        assert_eq!(rects.len(), 7);
        assert!(
            rects.iter().all(|r| r.width == 80 && r.height == 3),
            "{rects:?}"
        );
        let rects = pane_rects(body(Rect::new(0, 0, 160, 48)), 7, 0);
        assert_eq!((rects[0].width, rects[1].width), (79, 80));
        assert_eq!(rects[6].width, 160);
        assert!(rects.iter().all(|r| r.height == 11), "{rects:?}");
        assert!(rects.iter().all(|r| r.bottom() <= 45 && r.right() <= 160));
    }

    #[test]
    fn panes_that_do_not_fit_scroll_with_the_focus() {
        let body = Rect::new(0, 1, 80, 10);
        let rects = pane_rects(body, 12, 0);
        let shown: Vec<usize> = (0..12).filter(|i| rects[*i].height > 0).collect();
        assert_eq!(shown, vec![0, 1, 2, 3, 4]);
        let rects = pane_rects(body, 12, 9);
        let shown: Vec<usize> = (0..12).filter(|i| rects[*i].height > 0).collect();
        assert_eq!(shown, vec![5, 6, 7, 8, 9]);
        assert_eq!(rects[5].y, 1);
    }
}
