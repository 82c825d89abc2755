//! Makes untrusted text safe to put on a terminal: escape sequences removed whole,
//! other control characters, bidi overrides and isolates, BOM, tag characters
//! and invisible format characters ([`is_invisible`]) dropped. ZWJ and ZWNJ stay
//! (Persian and Arabic need them), and so do the bidi marks LRM, RLM and ALM,
//! which only set the direction of what is next to them.

use std::borrow::Cow;

/// Removes everything from `s` that could act on a terminal or reorder text.
pub fn sanitize(s: &str) -> String {
    if is_clean(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{9d}' | '\u{9e}' | '\u{9f}' | '\u{98}' => skip_string(&mut chars),
            '\t' | '\n' => out.push(c),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            c if c.is_control() => {}
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            '\u{FFF9}'..='\u{FFFB}' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if is_invisible(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// As [`sanitize`], borrowing clean text (the usual case) instead of copying it.
pub fn sanitize_cow(s: &str) -> Cow<'_, str> {
    if is_clean(s) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(sanitize(s))
    }
}

/// Characters that draw nothing and change nothing a reader needs, so a feed
/// can only use them to hide a word from matching ("Mus\u{180E}cat") or to
/// upset a terminal's cell count: zero-width space, word joiner and the
/// invisible operators, BOM, the Mongolian vowel separator and variation
/// selectors, the combining grapheme joiner, Hangul fillers, Khmer inherent
/// vowels, the deprecated format characters, interlinear annotation marks
/// and tag characters.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'
            | '\u{2060}'..='\u{2065}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// As [`sanitize`], for text the caller owns: clean text (the usual case) is
/// handed back as it is, without a copy.
pub fn sanitize_owned(s: String) -> String {
    if is_clean(&s) { s } else { sanitize(&s) }
}

/// Whether no character of `s` [`acts`]. Looked for byte by byte: such a
/// character is an ASCII control or starts with 0xC2 (C1 controls), 0xCD (the
/// combining grapheme joiner), 0xE1 (Hangul and Khmer fillers, Mongolian
/// separators), 0xE2 (line and paragraph separators, bidi controls, invisible
/// operators), 0xE3 (the Hangul filler), 0xEF (BOM, variation selectors,
/// annotation marks) or 0xF3 (tag characters, variation selectors); only from
/// the first such byte on are characters decoded. Clean text, Arabic or Latin,
/// is passed over without decoding.
fn is_clean(s: &str) -> bool {
    match s.bytes().position(|b| SUSPECT[usize::from(b)]) {
        // A suspect byte is ASCII or starts a character: a char boundary.
        Some(i) => !s.get(i..).is_some_and(|rest| rest.chars().any(acts)),
        None => true,
    }
}

/// The bytes [`is_clean`] stops at.
const SUSPECT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = matches!(
            b as u8,
            0..0x09 | 0x0b..0x20 | 0x7f | 0xc2 | 0xcd | 0xe1 | 0xe2 | 0xe3 | 0xef | 0xf3
        );
        b += 1;
    }
    t
};

/// Whether `sanitize` changes or removes `c` (or what follows it).
fn acts(c: char) -> bool {
    match c {
        '\t' | '\n' => false,
        c if c.is_control() => true,
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{2028}'
        | '\u{2029}' => true,
        c => is_invisible(c),
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | '_' | '^' | 'X') => {
            chars.next();
            skip_string(chars);
        }
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            // nF escape: intermediates then one final byte.
            while chars
                .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                .is_some()
            {}
            chars.next();
        }
        Some(c) if ('\u{30}'..='\u{7e}').contains(&c) => {
            chars.next();
        }
        _ => {}
    }
}

fn skip_csi(chars: &mut Chars<'_>) {
    // Parameters and intermediates, then one final byte in 0x40..=0x7e. A
    // character that cannot belong to the sequence ends it and is kept.
    while let Some(&c) = chars.peek() {
        if ('\u{20}'..='\u{3f}').contains(&c) {
            chars.next();
        } else {
            if ('\u{40}'..='\u{7e}').contains(&c) {
                chars.next();
            }
            break;
        }
    }
}

fn skip_string(chars: &mut Chars<'_>) {
    // OSC, DCS, APC, PM, SOS run to BEL, ST (ESC \) or the C1 ST.
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn removes_sequences_whole() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize("x\u{1b}]0;title\u{7}y"), "xy");
        assert_eq!(
            sanitize("x\u{1b}]8;;http://e\u{1b}\\link\u{1b}]8;;\u{1b}\\y"),
            "xlinky"
        );
        assert_eq!(sanitize("x\u{1b}Pq#0;2\u{1b}\\y"), "xy");
        assert_eq!(sanitize("a\u{202E}b\u{2066}c\u{feff}d"), "abcd");
        assert_eq!(
            sanitize("می\u{200C}خواهم\u{200D}"),
            "می\u{200C}خواهم\u{200D}"
        );
        assert_eq!(sanitize("a\u{0}b\u{7f}c\u{85}d"), "abcd");
        assert_eq!(sanitize("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(sanitize("a\u{9b}31mb"), "ab");
        assert_eq!(sanitize("a\u{1b}[31مb"), "aمb");
        assert_eq!(sanitize("tag\u{E0041}\u{E007F}s"), "tags");
    }

    #[test]
    fn removes_invisible_format_characters() {
        assert_eq!(sanitize("Mus\u{180E}cat"), "Muscat");
        assert_eq!(
            sanitize("a\u{200B}b\u{2060}c\u{2064}d\u{FE0F}e\u{034F}f\u{3164}g"),
            "abcdefg"
        );
        assert_eq!(sanitize("x\u{E0101}\u{FFA0}\u{115F}y"), "xy");
        // Joiners and the bidi marks that only set a direction stay.
        for keep in ["\u{200C}", "\u{200D}", "\u{200E}", "\u{200F}", "\u{061C}"] {
            let s = format!("مسقط{keep}x");
            assert_eq!(sanitize(&s), s);
        }
        assert!(matches!(
            super::sanitize_cow("clean مسقط"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn byte_scan_agrees_with_acts_on_every_character() {
        // The whole BMP, the tag block and the edges of the other planes (every
        // four-byte first byte).
        let planes = (0..0x10000u32)
            .chain(0xe0000..0xe0200)
            .chain((1..=16u32).flat_map(|p| [p << 16, (p << 16) | 0xffff]));
        for c in planes.filter_map(char::from_u32) {
            for s in [format!("{c}"), format!("مسقط {c} x")] {
                assert_eq!(
                    super::is_clean(&s),
                    !s.chars().any(super::acts),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
    }

    mod props {
        use super::super::sanitize;
        use proptest::prelude::*;

        fn unsafe_char(c: char) -> bool {
            (c.is_control() && c != '\n' && c != '\t')
                || ('\u{202A}'..='\u{202E}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
                || c == '\u{FEFF}'
                || ('\u{E0000}'..='\u{E007F}').contains(&c)
                || super::super::is_invisible(c)
        }

        /// Text mixing Arabic, Latin, controls, escape starts, bidi and tag characters.
        fn hostile() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                "[a-zA-Z0-9 ]{0,6}",
                "[\u{0621}-\u{064A}\u{064B}-\u{0652} ]{0,6}",
                Just("\u{1b}[".to_string()),
                Just("\u{1b}]".to_string()),
                Just("\u{1b}P".to_string()),
                Just("\u{1b}_".to_string()),
                Just("\u{1b}\\".to_string()),
                Just("\u{9b}".to_string()),
                Just("\u{7}".to_string()),
                Just("\u{200C}\u{200D}".to_string()),
                Just("\r\n".to_string()),
                "[\u{0}-\u{1f}\u{7f}-\u{9f}]",
                "[\u{202A}-\u{202E}\u{2066}-\u{2069}\u{FEFF}\u{E0000}-\u{E007F}]",
                "[\u{180E}\u{200B}\u{2060}-\u{2064}\u{FE00}-\u{FE0F}\u{034F}]",
                any::<char>().prop_map(String::from),
            ];
            prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn output_is_safe(s in hostile()) {
                let out = sanitize(&s);
                prop_assert!(!out.chars().any(unsafe_char), "{:?} -> {:?}", s, out);
                prop_assert!(!out.contains('\x1b'), "escape kept");
            }

            #[test]
            fn idempotent(s in hostile()) {
                let once = sanitize(&s);
                prop_assert_eq!(sanitize(&once), once);
            }

            #[test]
            fn joiners_and_plain_text_kept(s in "[a-zA-Z\u{0621}-\u{064A}\u{200C}\u{200D} \n\t]{0,40}") {
                prop_assert_eq!(sanitize(&s), s);
            }
        }
    }
}
