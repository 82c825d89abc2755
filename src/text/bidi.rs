//! Putting right-to-left text on a terminal that does not reorder it: wrap a
//! logical line to a width first, then reorder each display line to visual order
//! (Unicode bidi algorithm, paragraph direction from the first strong character),
//! keeping combining marks with their letter and mirroring brackets in RTL runs.
//! Also decides, from the environment, whether the terminal reorders by itself.

use std::ops::Range;

use unicode_bidi::ParagraphBidiInfo;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

use crate::config::BidiMode;

/// How lines are sent to the terminal once `auto` is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// marsad reorders each line to visual order.
    App,
    /// As `App`, and Arabic letters are also given their joined (contextual)
    /// forms, for terminals that do not shape (`settings.shape = true`).
    Shaped,
    /// The terminal reorders; lines go out in logical order.
    Terminal,
}

impl Display {
    pub fn toggled(self) -> Display {
        match self {
            Display::App | Display::Shaped => Display::Terminal,
            Display::Terminal => Display::App,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Display::App => "app",
            Display::Shaped => "app, letters joined",
            Display::Terminal => "terminal",
        }
    }
    /// The display `settings.shape` asks for: shaping applies only where marsad
    /// reorders.
    pub fn with_shaping(self, shape: bool) -> Display {
        match self {
            Display::App if shape => Display::Shaped,
            other => other,
        }
    }
}

/// What `auto` found out about the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub display: Display,
    /// Send `ESC[8l` at start: the terminal (VTE) can be told to stop reordering.
    pub disable_terminal_bidi: bool,
}

/// Resolves the configured mode with the terminal's environment (`var` looks up
/// an environment variable, injected for tests).
pub fn decide(mode: BidiMode, var: impl Fn(&str) -> Option<String>) -> Decision {
    let app = Decision {
        display: Display::App,
        disable_terminal_bidi: false,
    };
    match mode {
        BidiMode::App => Decision {
            disable_terminal_bidi: var("VTE_VERSION").is_some(),
            ..app
        },
        BidiMode::Terminal => Decision {
            display: Display::Terminal,
            disable_terminal_bidi: false,
        },
        BidiMode::Auto => {
            // VTE (GNOME Terminal, Tilix, …) reorders but obeys ESC[8l, which turns
            // its own reordering off: then marsad does it, the same everywhere.
            if var("VTE_VERSION").is_some() {
                return Decision {
                    display: Display::App,
                    disable_terminal_bidi: true,
                };
            }
            let program = var("TERM_PROGRAM").unwrap_or_default().to_ascii_lowercase();
            let reorders = var("KONSOLE_VERSION").is_some()
                || var("MLTERM").is_some()
                || program == "mintty"
                || program == "mlterm";
            if reorders {
                Decision {
                    display: Display::Terminal,
                    disable_terminal_bidi: false,
                }
            } else {
                app
            }
        }
    }
}

/// First-strong isolate and its end: text between them takes its direction from
/// its own first letter and neither moves nor is moved by its neighbours.
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// `s` as a field of a line: an Arabic name in an English line (or a date
/// beside Arabic) keeps its place and its own order. The marks are read by
/// [`visual`] and never drawn.
pub fn isolate(s: &str) -> String {
    format!("{FSI}{s}{PDI}")
}

/// A directional isolate mark (LRI, RLI, FSI, PDI).
fn is_isolate_mark(g: &str) -> bool {
    let mut cs = g.chars();
    matches!(
        (cs.next(), cs.next()),
        (Some('\u{2066}'..='\u{2069}'), None)
    )
}

/// One grapheme of a line in visual order: its bytes in the logical line, and the
/// mirrored bracket to show instead when it stands in a right-to-left run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glyph {
    pub range: Range<usize>,
    pub mirror: Option<char>,
}

/// A display line in visual order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisualLine {
    pub glyphs: Vec<Glyph>,
    /// The paragraph is right-to-left: align the line right.
    pub rtl: bool,
    /// In `Shaped` display: (byte offset in the logical line, joined form) for
    /// every letter whose presentation form differs; sorted by offset.
    pub shaped: Vec<(usize, char)>,
}

impl VisualLine {
    /// The line as a string, in visual order.
    pub fn text(&self, logical: &str) -> String {
        let mut out = String::with_capacity(logical.len());
        for g in &self.glyphs {
            self.push_glyph(&mut out, g, logical);
        }
        out
    }

    /// Appends what a glyph shows: its mirrored bracket, its joined letter form,
    /// or its logical text.
    pub fn push_glyph(&self, out: &mut String, g: &Glyph, logical: &str) {
        if let Some(c) = g.mirror {
            out.push(c);
            return;
        }
        let text = logical.get(g.range.clone()).unwrap_or("");
        if self.shaped.is_empty() {
            out.push_str(text);
            return;
        }
        for (i, c) in text.char_indices() {
            let at = g.range.start + i;
            match self.shaped.binary_search_by_key(&at, |(o, _)| *o) {
                Ok(k) => out.push(self.shaped[k].1),
                Err(_) => out.push(c),
            }
        }
    }
}

/// Contextual (joined) letter forms of an Arabic line, aligned with its
/// characters: ligatures are off, so every letter keeps one cell and its place.
fn joined_forms(line: &str) -> Vec<(usize, char)> {
    use ar_reshaper::{ArabicReshaper, ReshaperConfig};
    static RESHAPER: std::sync::LazyLock<ArabicReshaper> = std::sync::LazyLock::new(|| {
        ArabicReshaper::new(ReshaperConfig {
            delete_harakat: false,
            support_ligatures: false,
            ..ReshaperConfig::default()
        })
    });
    if !RESHAPER.need_reshape(line) {
        return Vec::new();
    }
    let shaped = RESHAPER.reshape(line);
    if shaped.chars().count() != line.chars().count() {
        // Not one-to-one (should not happen without ligatures): show unshaped.
        return Vec::new();
    }
    line.char_indices()
        .zip(shaped.chars())
        .filter(|((_, a), b)| a != b)
        .map(|((i, _), b)| (i, b))
        .collect()
}

fn mirror(c: char) -> Option<char> {
    Some(match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        _ => return None,
    })
}

/// The text split into terminal cells: a character with its following
/// zero-width marks (harakat, shadda), as (byte offset, slice). Cheaper than
/// full grapheme segmentation and what a terminal draws in one cell.
pub fn clusters(s: &str) -> Clusters<'_> {
    Clusters { s, pos: 0 }
}

pub struct Clusters<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Iterator for Clusters<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<(usize, &'a str)> {
        let rest = self.s.get(self.pos..)?;
        let mut chars = rest.char_indices();
        let (_, first) = chars.next()?;
        let mut end = first.len_utf8();
        for (i, c) in chars {
            if c.width() == Some(0) && !c.is_control() {
                end = i + c.len_utf8();
            } else {
                break;
            }
        }
        let start = self.pos;
        self.pos += end;
        Some((start, &rest[..end]))
    }
}

impl DoubleEndedIterator for Clusters<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let rest = self.s.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        // Walk back over zero-width marks to their base character.
        let mut start = rest.len();
        for (i, c) in rest.char_indices().rev() {
            start = i;
            if c.width() != Some(0) || c.is_control() {
                break;
            }
        }
        let piece = &rest[start..];
        self.s = &self.s[..self.pos + start];
        Some((self.pos + start, piece))
    }
}

/// Whether a text's first strong character is right-to-left.
pub fn is_rtl(line: &str) -> bool {
    if !line.chars().any(|c| c as u32 >= 0x0590) {
        return false;
    }
    ParagraphBidiInfo::new(line, None).paragraph_level.is_rtl()
}

/// Reorders one display line (no line breaks inside) to visual order.
pub fn visual(line: &str, display: Display) -> VisualLine {
    let logical = || VisualLine {
        glyphs: clusters(line)
            .map(|(i, g)| Glyph {
                range: i..i + g.len(),
                mirror: None,
            })
            .collect(),
        rtl: false,
        shaped: Vec::new(),
    };
    // Fast path: nothing right-to-left can be in a line below U+0590.
    if display == Display::Terminal || !line.chars().any(|c| c as u32 >= 0x0590) {
        let mut l = logical();
        l.rtl = display == Display::Terminal && is_rtl(line);
        return l;
    }
    let info = ParagraphBidiInfo::new(line, None);
    let rtl = info.paragraph_level.is_rtl();
    let (levels, runs) = info.visual_runs(0..line.len());
    let mut glyphs = Vec::with_capacity(line.len() / 2);
    for run in runs {
        let Some(text) = line.get(run.clone()) else {
            continue;
        };
        let run_rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
        let graphemes = text
            .grapheme_indices(true)
            .filter(|(_, g)| !is_isolate_mark(g))
            .map(|(i, g)| (run.start + i, g));
        if run_rtl {
            for (i, g) in graphemes.rev() {
                let mut cs = g.chars();
                let single = match (cs.next(), cs.next()) {
                    (Some(c), None) => mirror(c),
                    _ => None,
                };
                glyphs.push(Glyph {
                    range: i..i + g.len(),
                    mirror: single,
                });
            }
        } else {
            glyphs.extend(graphemes.map(|(i, g)| Glyph {
                range: i..i + g.len(),
                mirror: None,
            }));
        }
    }
    let shaped = if display == Display::Shaped {
        joined_forms(line)
    } else {
        Vec::new()
    };
    VisualLine {
        glyphs,
        rtl,
        shaped,
    }
}

/// Reorders a display line and returns it as a string.
pub fn visual_string(line: &str, display: Display) -> String {
    visual(line, display).text(line)
}

/// Display width in terminal cells (combining marks count zero). Counted per
/// character: `unicode-width` gives lam-alef one cell as a ligature, but once
/// reordered (or on a terminal that does not shape) they take two.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Breaks a logical text into display lines of at most `width` cells, at spaces
/// where possible; returns byte ranges of `text` (newlines end lines).
pub fn wrap(text: &str, width: usize) -> Vec<Range<usize>> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut base = 0;
    for para in text.split('\n') {
        let mut start = 0;
        let mut used = 0;
        let mut last_space: Option<usize> = None;
        let mut iter = para.grapheme_indices(true).peekable();
        if para.is_empty() {
            lines.push(base..base);
        }
        while let Some((i, g)) = iter.next() {
            let w = self::width(g);
            if used + w > width && i > start {
                let cut = match last_space {
                    Some(s) if s > start => s,
                    _ => i,
                };
                lines.push(base + start..base + trim_end(para, start, cut));
                start = if para[cut..].starts_with(' ') {
                    cut + 1
                } else {
                    cut
                };
                used = para.get(start..i).map_or(0, self::width);
                last_space = None;
            }
            if g == " " {
                last_space = Some(i);
            }
            used += w;
            if iter.peek().is_none() {
                lines.push(base + start..base + para.len());
            }
        }
        base += para.len() + 1;
    }
    lines
}

fn trim_end(para: &str, start: usize, end: usize) -> usize {
    let s = &para[start..end];
    start + s.trim_end_matches(' ').len()
}

/// The longest prefix of `s` that fits in `width` cells, with `…` when cut.
pub fn truncate(s: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if self::width(s) <= width {
        return s.into();
    }
    if width == 0 {
        return "".into();
    }
    let mut used = 0;
    let mut end = 0;
    for (i, g) in s.grapheme_indices(true) {
        let w = self::width(g);
        if used + w > width - 1 {
            break;
        }
        used += w;
        end = i + g.len();
    }
    format!("{}…", &s[..end]).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> String {
        visual_string(s, Display::App)
    }

    #[test]
    fn latin_is_untouched() {
        assert_eq!(
            v("Iran talks in Muscat (Oman)"),
            "Iran talks in Muscat (Oman)"
        );
        assert!(!visual("Iran talks", Display::App).rtl);
    }

    #[test]
    fn arabic_is_reversed_and_flagged_rtl() {
        let l = visual("إيران تخصيب", Display::App);
        assert!(l.rtl);
        assert_eq!(l.text("إيران تخصيب"), "بيصخت ناريإ");
    }

    #[test]
    fn numbers_and_percent_keep_their_order() {
        // After Arabic letters digits are Arabic numbers (rule W2), so the percent
        // sign stays on their right-to-left side, as browsers show it: "%60".
        assert_eq!(v("تخصيب بنسبة 60% في إيران"), "ناريإ يف %60 ةبسنب بيصخت");
        assert_eq!(v("إيران 2025"), "2025 ناريإ");
    }

    #[test]
    fn english_names_inside_arabic_read_left_to_right() {
        assert_eq!(v("صفقة F-35 مع ترامب"), "بمارت عم F-35 ةقفص");
        assert_eq!(
            v("محادثات Witkoff وعراقجي في مسقط"),
            "طقسم يف يجقارعو Witkoff تاثداحم"
        );
    }

    #[test]
    fn isolated_fields_keep_their_place_and_order() {
        // Without isolation the Arabic source and the date run together.
        let line = format!(
            "from {} · {}",
            isolate("وكالة الأنباء"),
            isolate("2026-12-04 22:26")
        );
        assert_eq!(v(&line), "from ءابنألا ةلاكو · 2026-12-04 22:26");
        // A list of Arabic words in an English line keeps the list's order.
        let list = format!("Oman ({}, {})", isolate("مسقط"), isolate("عمان"));
        assert_eq!(v(&list), "Oman (طقسم, نامع)");
        assert_eq!(v("Oman (مسقط, عمان)"), "Oman (نامع ,طقسم)");
        assert_eq!(width(&isolate("ab")), 2);
    }

    #[test]
    fn brackets_are_mirrored_in_rtl_runs() {
        assert_eq!(v("مسقط (عُمان)"), "(نامعُ) طقسم");
    }

    #[test]
    fn diacritics_stay_after_their_letter() {
        // شدّة and kasra follow their base letter in the output stream.
        assert_eq!(v("التَّخْصِيب"), "بيصِخْتَّلا");
        assert_eq!(width("التَّخْصِيب"), 7);
        // Lam-alef stays two cells.
        assert_eq!(width("لا"), 2);
    }

    #[test]
    fn english_paragraph_with_arabic_word() {
        assert_eq!(v("Talks on تخصيب today"), "Talks on بيصخت today");
        assert!(!visual("Talks on تخصيب today", Display::App).rtl);
    }

    #[test]
    fn terminal_mode_passes_logical_order() {
        let l = visual("إيران 60%", Display::Terminal);
        assert_eq!(l.text("إيران 60%"), "إيران 60%");
        assert!(l.rtl);
    }

    #[test]
    fn wrap_then_reorder_keeps_first_words_on_first_line() {
        let t = "المحادثات النووية بين إيران والولايات المتحدة";
        let lines = wrap(t, 20);
        let first = &t[lines[0].clone()];
        assert_eq!(first, "المحادثات النووية");
        assert_eq!(v(first), "ةيوونلا تاثداحملا");
        assert!(lines.iter().all(|r| width(&t[r.clone()]) <= 20));
    }

    #[test]
    fn wrap_breaks_long_words_and_keeps_newlines() {
        assert_eq!(wrap("abcdef", 4), vec![0..4, 4..6]);
        assert_eq!(wrap("ab\ncd", 10), vec![0..2, 3..5]);
    }

    #[test]
    fn clusters_keep_marks_with_their_letter_both_ways() {
        let t = "تَّخ a";
        let fwd: Vec<&str> = clusters(t).map(|(_, c)| c).collect();
        assert_eq!(fwd, vec!["تَّ", "خ", " ", "a"]);
        let back: Vec<&str> = clusters(t).rev().map(|(_, c)| c).collect();
        assert_eq!(back, vec!["a", " ", "خ", "تَّ"]);
        assert_eq!(
            clusters("\u{064E}ب").count(),
            2,
            "a leading mark stands alone"
        );
    }

    #[test]
    fn truncate_adds_ellipsis() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }

    #[test]
    fn auto_mode_reads_the_terminal() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let d = decide(BidiMode::Auto, env(&[("VTE_VERSION", "7600")]));
        assert_eq!(d.display, Display::App);
        assert!(d.disable_terminal_bidi);
        let d = decide(BidiMode::Auto, env(&[("KONSOLE_VERSION", "230800")]));
        assert_eq!(d.display, Display::Terminal);
        let d = decide(BidiMode::Auto, env(&[("TERM_PROGRAM", "kitty")]));
        assert_eq!(d.display, Display::App);
        assert!(!d.disable_terminal_bidi);
        let d = decide(BidiMode::Terminal, env(&[]));
        assert_eq!(d.display, Display::Terminal);
    }
}

#[cfg(test)]
mod shaping_tests {
    use super::*;

    #[test]
    fn shaped_lines_join_letters_and_keep_places() {
        // سلام: seen initial, lam medial, alef final, meem isolated; then reversed.
        let line = "سلام";
        assert_eq!(visual_string(line, Display::App), "مالس");
        assert_eq!(
            visual_string(line, Display::Shaped),
            "\u{FEE1}\u{FE8E}\u{FEE0}\u{FEB3}"
        );
        // Width and glyph ranges are those of the logical letters.
        let v = visual(line, Display::Shaped);
        assert_eq!(v.glyphs.len(), 4);
        assert_eq!(width(&v.text(line)), width(line));
        // Harakat stay with their letter; Latin and digits are untouched.
        let mixed = "تخصيبٌ 60% F-35";
        let shaped = visual_string(mixed, Display::Shaped);
        assert!(
            shaped.contains("F-35") && shaped.contains('\u{064C}'),
            "{shaped}"
        );
        assert_eq!(shaped.chars().count(), mixed.chars().count());
        // Terminal mode never shapes.
        assert_eq!(visual_string(line, Display::Terminal), line);
        assert_eq!(Display::App.with_shaping(true), Display::Shaped);
        assert_eq!(Display::Terminal.with_shaping(true), Display::Terminal);
    }
}
