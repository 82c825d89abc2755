//! Where things go on the screen; pure geometry shared by drawing and by mouse
//! clicks in the state.

use ratatui::layout::Rect;

pub struct Screen {
    pub header: Rect,
    pub body: Rect,
    pub strip: Rect,
    pub footer: Rect,
}

/// Height of the alert strip.
pub const STRIP: u16 = 2;

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
    let strip_h = STRIP.min(h.saturating_sub(2));
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

/// Columns of the grid for a width: fewer on narrow terminals.
pub fn columns(width: u16, panes: usize) -> usize {
    ((width / 40) as usize).clamp(1, 4).min(panes.max(1))
}

/// The rectangle of each pane in the grid, row by row.
pub fn pane_rects(body: Rect, panes: usize) -> Vec<Rect> {
    if panes == 0 || body.width == 0 || body.height == 0 {
        return Vec::new();
    }
    let cols = columns(body.width, panes);
    let rows = panes.div_ceil(cols);
    let mut out = Vec::with_capacity(panes);
    for i in 0..panes {
        let (r, c) = (i / cols, i % cols);
        // The last row may have fewer panes: they share its width.
        let in_row = if r == rows - 1 {
            panes - r * cols
        } else {
            cols
        };
        let x0 = body.x as usize + c * body.width as usize / in_row;
        let x1 = body.x as usize + (c + 1) * body.width as usize / in_row;
        let y0 = body.y as usize + r * body.height as usize / rows;
        let y1 = body.y as usize + (r + 1) * body.height as usize / rows;
        out.push(Rect::new(
            x0 as u16,
            y0 as u16,
            (x1 - x0) as u16,
            (y1 - y0) as u16,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_panes_fit_at_80_and_160() {
        assert_eq!(columns(80, 7), 2);
        assert_eq!(columns(160, 7), 4);
        let rects = pane_rects(Rect::new(0, 1, 80, 20), 7);
        assert_eq!(rects.len(), 7);
        assert_eq!(rects[6].width, 80);
        assert!(rects.iter().all(|r| r.bottom() <= 21 && r.right() <= 80));
    }
}
