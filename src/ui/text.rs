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
        let (nx, _) = buf.set_stringn(*cx, y, run.as_str(), (end - *cx) as usize, style);
        *cx = nx;
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
        match g.mirror {
            Some(c) => run.push(c),
            None => run.push_str(cut.get(g.range.clone()).unwrap_or("")),
        }
    }
    if let Some(s) = run_style {
        flush(&mut cx, &mut run, s);
    }
    line.rtl
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
