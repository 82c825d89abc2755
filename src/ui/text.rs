//! Writing one line of possibly right-to-left text into the buffer: cut to the
//! width in logical order, reorder to visual order (in `app` bidi mode), style
//! each grapheme by its logical byte offset (so highlights follow their words),
//! and align right-to-left lines right.

use ratatui::buffer::Buffer;
use ratatui::style::Style;

use crate::text::bidi::{self, Display};

/// Writes `text` at (x, y) within `width` cells; returns whether it was RTL.
pub fn put(
    buf: &mut Buffer,
    (x, y, width): (u16, u16, u16),
    text: &str,
    style_at: impl Fn(usize) -> Style,
    display: Display,
    align_rtl: bool,
) -> bool {
    if width == 0 {
        return false;
    }
    let cut = bidi::truncate(text, width as usize);
    if display == Display::Terminal || !cut.chars().any(|c| c as u32 >= 0x0590) {
        return put_logical(buf, (x, y, width), &cut, text.len(), style_at, display);
    }
    let line = bidi::visual(&cut, display);
    let used: usize = bidi::width(&cut);
    let mut cx = if line.rtl && align_rtl {
        x + width.saturating_sub(used as u16)
    } else {
        x
    };
    let end = x + width;
    let mut run = String::new();
    let mut run_style: Option<Style> = None;
    let mut flush = |cx: &mut u16, run: &mut String, style: Style| {
        if run.is_empty() || *cx >= end {
            run.clear();
            return;
        }
        *cx = write(buf, *cx, y, end, run.as_str(), style);
        run.clear();
    };
    for g in &line.glyphs {
        let style = if g.range.start < text.len() {
            style_at(g.range.start)
        } else {
            style_at(usize::MAX)
        };
        if run_style != Some(style) {
            if let Some(s) = run_style {
                flush(&mut cx, &mut run, s);
            }
            run_style = Some(style);
        }
        line.push_glyph(&mut run, g, &cut);
    }
    if let Some(s) = run_style {
        flush(&mut cx, &mut run, s);
    }
    line.rtl
}

/// Writes `s` from `x`, one cell per character and its marks, up to `end`;
/// returns the next column. Like `Buffer::set_stringn` without a second
/// grapheme segmentation (the hot path of drawing).
pub fn write(buf: &mut Buffer, x: u16, y: u16, end: u16, s: &str, style: Style) -> u16 {
    let area = buf.area;
    let end = end.min(area.right());
    if y < area.top() || y >= area.bottom() || x < area.left() {
        return x;
    }
    let mut x = x;
    for (_, c) in bidi::clusters(s) {
        if c.contains(char::is_control) {
            continue;
        }
        let w = bidi::width(c) as u16;
        if w == 0 {
            continue;
        }
        if x + w > end {
            break;
        }
        buf[(x, y)].set_symbol(c).set_style(style);
        for i in 1..w {
            buf[(x + i, y)].reset();
        }
        x += w;
    }
    x
}

/// Takes out of every cell of `area` what must never reach the terminal: a
/// character [`crate::text::sanitize`] would remove (bidi overrides and
/// isolates, BOM, zero-width spaces and other invisible characters, controls).
/// Widgets append a zero-width character to the cell before it, so whatever
/// text a view draws, and however it draws it, this last pass keeps them off
/// the screen. A cell left empty becomes a space.
pub fn scrub(buf: &mut Buffer, area: ratatui::layout::Rect) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            let symbol = cell.symbol();
            if symbol.is_ascii() && !symbol.bytes().any(|b| b.is_ascii_control()) {
                continue;
            }
            if let std::borrow::Cow::Owned(clean) = crate::text::sanitize_cow(symbol) {
                let clean: String = clean.chars().filter(|c| *c != '\n' && *c != '\t').collect();
                cell.set_symbol(if clean.is_empty() { " " } else { &clean });
            }
        }
    }
}

/// Fast path for lines that need no reordering: runs of one style written as
/// they stand (RTL lines in terminal mode are still aligned right).
fn put_logical(
    buf: &mut Buffer,
    (x, y, width): (u16, u16, u16),
    cut: &str,
    text_len: usize,
    style_at: impl Fn(usize) -> Style,
    display: Display,
) -> bool {
    let rtl = display == Display::Terminal && bidi::is_rtl(cut);
    let used = bidi::width(cut) as u16;
    let mut cx = if rtl {
        x + width.saturating_sub(used)
    } else {
        x
    };
    let end = x + width;
    let at = |i: usize| style_at(if i < text_len { i } else { usize::MAX });
    let mut start = 0;
    let mut cur = at(0);
    let mut write = |cx: &mut u16, s: &str, st: Style| {
        if !s.is_empty() && *cx < end {
            *cx = write(buf, *cx, y, end, s, st);
        }
    };
    for (i, _) in cut.char_indices().skip(1) {
        let st = at(i);
        if st != cur {
            write(&mut cx, &cut[start..i], cur);
            start = i;
            cur = st;
        }
    }
    write(&mut cx, &cut[start..], cur);
    rtl
}

/// A style function: `hl` inside any of `ranges`, else `base`.
pub fn highlight(
    ranges: &[std::ops::Range<usize>],
    base: Style,
    hl: Style,
) -> impl Fn(usize) -> Style + '_ {
    move |i| {
        if ranges.iter().any(|r| r.contains(&i)) {
            base.patch(hl)
        } else {
            base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    fn row(buf: &Buffer) -> String {
        (0..buf.area.width)
            .map(|x| buf[(x, 0)].symbol().to_string())
            .collect()
    }

    #[test]
    fn arabic_is_reversed_and_right_aligned() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        let rtl = put(
            &mut buf,
            (0, 0, 12),
            "إيران 60%",
            |_| Style::new(),
            Display::App,
            true,
        );
        assert!(rtl);
        assert_eq!(row(&buf), "   %60 ناريإ");
    }

    #[test]
    fn scrub_keeps_invisible_and_bidi_characters_off_the_screen() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        // A span appends a zero-width character to the cell before it.
        ratatui::text::Line::from("a\u{202E}b\u{2066}c\u{FEFF}d\u{200B}e\u{180E}f")
            .render(buf.area, &mut buf);
        assert!(row(&buf).contains('\u{202E}'), "the widget keeps it");
        let area = buf.area;
        scrub(&mut buf, area);
        assert_eq!(row(&buf), "abcdef      ");
        buf[(0, 0)].set_symbol("\u{2067}");
        let area = buf.area;
        scrub(&mut buf, area);
        assert_eq!(buf[(0, 0)].symbol(), " ");
    }

    #[test]
    fn long_arabic_is_cut_at_its_logical_end_shown_on_the_left() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 8, 1));
        put(
            &mut buf,
            (0, 0, 8),
            "محادثات مسقط النووية",
            |_| Style::new(),
            Display::App,
            true,
        );
        assert_eq!(row(&buf), "…تاثداحم");
    }
}
