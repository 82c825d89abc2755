//! White space in text made from HTML: within text, HTML's white space is a
//! space ([`push_text`]); in the text made, runs of spaces fold to one and
//! line breaks to at most a blank line ([`fold_whitespace`]). Both copy whole
//! runs of bytes that need no change, and decode only what may be white space.

/// Text between tags: HTML white space is a space, not a line break. The
/// characters replaced are ASCII, so whole runs between them are copied as they
/// are (a UTF-8 sequence never holds an ASCII byte).
pub fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest
        .bytes()
        .position(|b| matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
    {
        out.push_str(&rest[..i]);
        out.push(' ');
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Folds runs of spaces inside lines and keeps at most one blank line between
/// paragraphs: words are joined by a space, by a line break when one line
/// break stood between them, and by a blank line when two or more did.
///
/// White space is `char::is_whitespace`, found byte by byte: ASCII bytes are
/// looked up in a table, and only a character whose first byte can start a
/// non-ASCII white space (U+0085, U+00A0, U+1680, U+2000..U+205F, U+3000) is
/// decoded. Arabic letters (first bytes 0xD8..0xDB) and the rest are copied in
/// whole words.
pub fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut i = 0;
    // Line breaks seen since the last word, and where the white space began.
    let mut breaks = 0usize;
    let mut gap = 0;
    // Words already folded and not yet copied: text that needs no change (words
    // one space apart) is copied in one piece.
    let mut pending: Option<std::ops::Range<usize>> = None;
    while i < bytes.len() {
        let width = space_at(s, i);
        if width > 0 {
            breaks += usize::from(bytes[i] == b'\n');
            i += width;
            continue;
        }
        let start = i;
        i += 1;
        loop {
            // Skip word bytes by the table; stop at what may be white space.
            i += bytes[i..]
                .iter()
                .position(|&b| BYTE_CLASS[usize::from(b)] != WORD)
                .unwrap_or(bytes.len() - i);
            if i == bytes.len() || space_at(s, i) > 0 {
                break;
            }
            i += 1;
        }
        pending = Some(match pending {
            None => start..i,
            Some(p) if breaks == 0 && start - gap == 1 && bytes[gap] == b' ' => p.start..i,
            Some(p) => {
                out.push_str(&s[p]);
                out.push_str(match breaks {
                    0 => " ",
                    1 => "\n",
                    _ => "\n\n",
                });
                start..i
            }
        });
        breaks = 0;
        gap = i;
    }
    if let Some(p) = pending {
        out.push_str(&s[p]);
    }
    out
}

/// Byte classes for [`fold_whitespace`]: part of a word, ASCII white space, or
/// the first byte of a character that may be white space.
const WORD: u8 = 0;
const SPACE: u8 = 1;
const MAYBE: u8 = 2;
const BYTE_CLASS: [u8; 256] = {
    let mut t = [WORD; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => SPACE,
            0xc2 | 0xe1 | 0xe2 | 0xe3 => MAYBE,
            _ => WORD,
        };
        b += 1;
    }
    t
};

/// The length in bytes of the white space character starting at byte `i` of
/// `s`, or 0 when there is none (another character, or the middle of one).
fn space_at(s: &str, i: usize) -> usize {
    match BYTE_CLASS[usize::from(s.as_bytes()[i])] {
        SPACE => 1,
        MAYBE => s
            .get(i..)
            .and_then(|r| r.chars().next())
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The plain forms `fold_whitespace` and `push_text` must equal.
    fn fold_reference(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut blank = 0;
        for line in s.lines() {
            let mut words = line.split_whitespace();
            let Some(first) = words.next() else {
                blank += 1;
                continue;
            };
            if !out.is_empty() {
                out.push_str(if blank > 0 { "\n\n" } else { "\n" });
            }
            blank = 0;
            out.push_str(first);
            for w in words {
                out.push(' ');
                out.push_str(w);
            }
        }
        out
    }

    fn push_reference(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '\n' | '\r' | '\t' | '\u{c}' => ' ',
                c => c,
            })
            .collect()
    }

    /// Text made of the characters that matter here: every white space, line
    /// ends, Arabic and ASCII letters, and neighbours of the white spaces'
    /// first bytes.
    fn texty() -> impl Strategy<Value = String> {
        let chars: Vec<char> = (0u32..0x80)
            .chain([
                0x85, 0xa0, 0xa1, 0x1680, 0x1681, 0x2000, 0x200a, 0x200b, 0x2028, 0x2029,
            ])
            .chain([
                0x202f, 0x205f, 0x2060, 0x3000, 0x3001, 0x0627, 0x0645, 0x200c, 0xfeff,
            ])
            .filter_map(char::from_u32)
            .collect();
        proptest::collection::vec(proptest::sample::select(chars), 0..40)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn folding_equals_its_reference(s in texty()) {
            prop_assert_eq!(fold_whitespace(&s), fold_reference(&s));
            let mut pushed = String::new();
            push_text(&mut pushed, &s);
            prop_assert_eq!(pushed, push_reference(&s));
        }
    }

    #[test]
    fn folding_every_white_space() {
        // Every character whose first byte is ASCII, 0xC2, 0xE1, 0xE2 or 0xE3
        // (and its neighbours), and the Arabic block.
        let near = (0..0x100u32).chain(0x0600..0x0700).chain(0x1000..0x4000);
        for c in near.filter_map(char::from_u32) {
            for s in [format!("a{c}b"), format!("{c}"), format!("\n{c}\nx\ny")] {
                assert_eq!(fold_whitespace(&s), fold_reference(&s), "{:?}", c);
            }
        }
    }
}
