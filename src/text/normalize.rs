//! The matching key of a text: what search and the classifier compare, never what
//! users see. NFKC; tashkeel, Quranic marks, tatweel, zero-width and direction
//! marks and other invisible characters (U+180E, variation selectors…) deleted; Arabic letter variants folded (أ إ آ ٱ → ا, ى ی → ي, ک → ك,
//! ة → ه, ؤ ئ → ء); Arabic-Indic and Persian digits made ASCII; Latin lowercased;
//! typographic apostrophes made `'`; every run of white space one space.
//!
//! [`Normalized`] keeps where each character of the key came from in the
//! original, so a match in the key can be shown in the original text.

use unicode_normalization::char::{compose, decompose_compatible, is_combining_mark};

/// Normalizes a text for matching and search.
pub fn normalize(s: &str) -> String {
    let mut n = Normalized::default();
    n.fill(s, false);
    n.key
}

/// A matching key and its map back to the original text.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    /// The normalized text.
    pub key: String,
    /// Where the key's characters came from: (key offset, original offset) at
    /// each character where the two stop advancing together. A character at key
    /// offset `k` came from the original character at `o + (k - k0)`, where
    /// `(k0, o)` is the last entry with `k0 <= k`. Empty when not asked for.
    map: Vec<(u32, u32)>,
    /// Key offsets where words begin: a word character ([`is_word_char`]) at the
    /// start or after another character. Empty when the map is not asked for.
    starts: Vec<u32>,
    /// Length of the original text.
    orig_len: usize,
    /// Letters by script, for language detection.
    pub letters: super::lang::Letters,
}

impl Normalized {
    /// The key of `s` with its offset map.
    pub fn new(s: &str) -> Normalized {
        let mut n = Normalized::default();
        n.fill(s, true);
        n
    }

    /// Refills this key from `s`, reusing the buffers (no allocation once warm).
    pub fn reset(&mut self, s: &str) {
        self.fill(s, true);
    }

    /// Whether this could be the key of `s` with its map (made by
    /// [`Normalized::new`] or [`Normalized::reset`] from a text of its length).
    pub fn is_of(&self, s: &str) -> bool {
        self.orig_len == s.len() && (!self.map.is_empty() || self.key.is_empty())
    }

    /// Key offsets where words begin (a word character at the start of the key
    /// or after a character that is not one), in order.
    pub fn word_starts(&self) -> &[u32] {
        &self.starts
    }

    /// The original byte range of the key range `start..end` (both on character
    /// boundaries of the key): from the start of the first source character to
    /// the end of the last, with the marks written on it.
    pub fn original_range(&self, orig: &str, start: usize, end: usize) -> (usize, usize) {
        let mapped = if self.map.is_empty() {
            0
        } else {
            self.key.len()
        };
        if start >= end || end > mapped {
            let at = if start < mapped {
                self.origin(start)
            } else {
                self.orig_len
            };
            return (at, at);
        }
        let from = self.origin(start);
        let last = self.origin(end - 1);
        let mut to = last + orig[last..].chars().next().map_or(0, char::len_utf8);
        // Take the marks and tatweel the key dropped after the last letter.
        for c in orig[to..].chars() {
            // ASCII: only control characters are deleted.
            let deleted = if c.is_ascii() {
                c.is_ascii_control()
            } else {
                is_deleted(c)
            };
            if deleted {
                to += c.len_utf8();
            } else {
                break;
            }
        }
        (from, to)
    }

    /// The original offset of the character holding key byte `k` (< key length).
    fn origin(&self, k: usize) -> usize {
        let mut k = k;
        while !self.key.is_char_boundary(k) {
            k -= 1;
        }
        let i = self.map.partition_point(|e| e.0 as usize <= k);
        match i.checked_sub(1).and_then(|i| self.map.get(i)) {
            Some(&(k0, o)) => o as usize + (k - k0 as usize),
            None => self.orig_len,
        }
    }

    /// Records that the next character pushed to the key comes from original
    /// offset `at`, unless the last entry of the map already says so.
    #[inline(always)]
    fn mark(&mut self, at: usize, with_map: bool) {
        if !with_map {
            return;
        }
        let k = self.key.len() as u32;
        let at = at as u32;
        match self.map.last_mut() {
            Some(&mut (k0, o)) if o.wrapping_add(k - k0) == at => {}
            Some(last) if last.0 == k => *last = (k, at),
            _ => self.map.push((k, at)),
        }
    }

    /// Drops map entries past the end of the key (after a character was popped).
    fn trim_map(&mut self) {
        let len = self.key.len() as u32;
        while self.map.last().is_some_and(|e| e.0 >= len) {
            self.map.pop();
        }
    }

    /// Copies `s[from..to]`, which normalizes to itself but for ASCII capitals
    /// (if `upper`, some are there: lowercased, and `upper` cleared).
    #[inline(always)]
    fn copy(&mut self, s: &str, from: usize, to: usize, upper: &mut bool, with_map: bool) {
        if from < to {
            self.mark(from, with_map);
            let at = self.key.len();
            self.key.push_str(&s[from..to]);
            if *upper {
                self.key[at..].make_ascii_lowercase();
                *upper = false;
            }
        }
    }

    fn fill(&mut self, s: &str, with_map: bool) {
        if with_map {
            self.fill_with::<true>(s);
        } else {
            self.fill_with::<false>(s);
        }
    }

    /// Word starts after the key changed from byte `low` on (outside the fast
    /// paths): dropped from there and found again.
    fn rescan_words(&mut self, low: usize) {
        while self.starts.last().is_some_and(|&w| w as usize >= low) {
            self.starts.pop();
        }
        let mut word = self.key[..low]
            .chars()
            .next_back()
            .is_some_and(is_word_char);
        for (o, c) in self.key[low..].char_indices() {
            let w = is_word_char(c);
            if w && !word {
                self.starts.push((low + o) as u32);
            }
            word = w;
        }
    }

    fn fill_with<const MAP: bool>(&mut self, s: &str) {
        self.key.clear();
        self.map.clear();
        self.starts.clear();
        self.orig_len = s.len();
        self.letters = super::lang::Letters::default();
        self.key.reserve(s.len());
        let arabic_fold: &[ArabicFold; 256] = &ARABIC_FOLD;
        let mut space = true; // at the start: leading white space dropped
        let mut upper = false; // s[copy..i] holds ASCII capitals
        let mut word = false; // the key ends with a word character
        let bytes = s.as_bytes();
        let (mut latin, mut arabic, mut persian) = (0usize, 0usize, 0usize);
        // s[copy..i]: characters that normalize to themselves (ASCII capitals
        // aside), not yet copied to the key.
        let mut copy = 0;
        let mut i = 0;
        while i < bytes.len() {
            // Characters that stay as they are: ASCII letters and digits,
            // Arabic letters kept, single spaces. They are only counted, and
            // where a word begins, noted.
            let mut counts = 0u64;
            while let Some(&b) = bytes.get(i) {
                if b < 0x80 {
                    match ASCII[usize::from(b)] {
                        A_LOWER => latin += 1,
                        A_UPPER => {
                            latin += 1;
                            upper = true;
                        }
                        A_DIGIT => {}
                        A_SPACE if !space => {
                            space = true;
                            word = false;
                            i += 1;
                            continue;
                        }
                        _ => break,
                    }
                    if MAP && !word {
                        self.starts.push((self.key.len() + i - copy) as u32);
                    }
                    i += 1;
                } else if (0xD8..=0xDB).contains(&b)
                    && let Some(&b1) = bytes.get(i + 1)
                {
                    let e = PLAIN_ARABIC[((usize::from(b) & 3) << 6) | (usize::from(b1) & 0x3F)];
                    if e == 0 {
                        break;
                    }
                    counts += e & PLAIN_COUNTS;
                    if MAP && !word {
                        self.starts.push((self.key.len() + i - copy) as u32);
                    }
                    i += 2;
                } else {
                    break;
                }
                word = true;
                space = false;
            }
            arabic += (counts & 0xFFFF_FFFF) as usize;
            persian += (counts >> 32) as usize;
            if i >= bytes.len() {
                break;
            }
            let b = bytes[i];
            if b < 0x80 {
                match ASCII[usize::from(b)] {
                    class @ (A_LOWER | A_UPPER | A_DIGIT) => {
                        latin += usize::from(class != A_DIGIT);
                        upper |= class == A_UPPER;
                        if MAP && !word {
                            self.starts.push((self.key.len() + i - copy) as u32);
                        }
                        word = true;
                        space = false;
                    }
                    A_PRINT => {
                        word = false;
                        space = false;
                    }
                    A_SPACE if !space => {
                        word = false;
                        space = true;
                    }
                    A_WHITE if !space => {
                        self.copy(s, copy, i, &mut upper, MAP);
                        self.push_ascii(b' ', i, MAP);
                        copy = i + 1;
                        word = false;
                        space = true;
                    }
                    // Deleted: a control character, or white space after white space.
                    _ => {
                        self.copy(s, copy, i, &mut upper, MAP);
                        copy = i + 1;
                    }
                }
                i += 1;
                continue;
            }
            // The Arabic block: two bytes, lead 0xD8..=0xDB, folded by a table.
            if (0xD8..=0xDB).contains(&b)
                && let Some(&b1) = bytes.get(i + 1)
            {
                let a = &arabic_fold
                    [(((usize::from(b) & 0x1F) << 6) | (usize::from(b1) & 0x3F)) - 0x600];
                if a.kind != SLOW {
                    arabic += usize::from(a.arabic);
                    persian += usize::from(a.persian);
                    if a.kind == DEL {
                        self.copy(s, copy, i, &mut upper, MAP);
                        copy = i + 2;
                    } else {
                        let at = if a.kind == KEEP {
                            self.key.len() + i - copy
                        } else {
                            self.copy(s, copy, i, &mut upper, MAP);
                            self.mark(i, MAP);
                            self.key.push(a.to);
                            copy = i + 2;
                            self.key.len() - a.to.len_utf8()
                        };
                        if MAP && a.word && !word {
                            self.starts.push(at as u32);
                        }
                        word = a.word;
                        space = false;
                    }
                    i += 2;
                    continue;
                }
            }
            // Other multi-byte characters: decode one.
            self.copy(s, copy, i, &mut upper, MAP);
            let c = match s[i..].chars().next() {
                Some(c) => c,
                None => break,
            };
            let len = c.len_utf8();
            // What may change: the last character (a mark composes with it) on.
            let low = self.key.len() - self.key.chars().next_back().map_or(0, char::len_utf8);
            self.letters.add(c);
            if c.is_whitespace() {
                if !space {
                    self.push_ascii(b' ', i, MAP);
                    space = true;
                }
            } else if self.slow(c, i, MAP) {
                space = false;
            }
            if MAP {
                self.rescan_words(low);
            }
            word = self.key.chars().next_back().is_some_and(is_word_char);
            i += len;
            copy = i;
        }
        self.copy(s, copy, bytes.len(), &mut upper, MAP);
        self.letters.latin += latin;
        self.letters.arabic += arabic;
        self.letters.persian += persian;
        if self.key.ends_with(' ') {
            self.key.pop();
            self.trim_map();
        }
    }

    #[inline(always)]
    fn push_ascii(&mut self, b: u8, at: usize, with_map: bool) {
        self.mark(at, with_map);
        self.key.push(b as char);
    }

    #[inline(always)]
    fn push_char(&mut self, c: char, at: usize, with_map: bool) {
        self.mark(at, with_map);
        self.key.push(c);
    }

    /// Folds one NFKC character and pushes what is left; false when it is deleted.
    #[inline]
    fn fold_push(&mut self, c: char, at: usize, with_map: bool) -> bool {
        match fold(c) {
            Fold::Delete => false,
            Fold::To(f) => {
                self.push_char(f, at, with_map);
                true
            }
            Fold::Lower => {
                let mut any = false;
                for l in c.to_lowercase() {
                    self.push_char(l, at, with_map);
                    any = true;
                }
                any
            }
        }
    }

    /// Characters outside the fast paths: compatibility decomposition, then
    /// canonical composition with what precedes, then folding.
    fn slow(&mut self, c: char, at: usize, with_map: bool) -> bool {
        if is_combining_mark(c) {
            // A mark composes with the character before it (و + ٔ → ؤ, e + ́ → é).
            if let Some(prev) = self.key.chars().next_back()
                && let Some(composed) = compose(prev, c)
            {
                let prev_at = if with_map {
                    self.origin(self.key.len() - prev.len_utf8())
                } else {
                    at
                };
                self.key.pop();
                self.trim_map();
                return self.fold_push(composed, prev_at, with_map);
            }
            return self.fold_push(c, at, with_map);
        }
        let mut buf = ['\0'; 18];
        let mut n = 0;
        decompose_compatible(c, |d| {
            if n < buf.len() {
                // Compose with the previous decomposed character where possible.
                if n > 0
                    && let Some(x) = compose(buf[n - 1], d)
                {
                    buf[n - 1] = x;
                    return;
                }
                buf[n] = d;
                n += 1;
            }
        });
        let mut any = false;
        for &d in &buf[..n] {
            if d.is_whitespace() {
                if !self.key.ends_with(' ') && !self.key.is_empty() {
                    self.push_ascii(b' ', at, with_map);
                }
                continue;
            }
            any |= self.fold_push(d, at, with_map);
        }
        any
    }
}

/// ASCII for [`Normalized::fill`]: letters (small, capital), digits, other
/// printable characters (kept), the space, other white space (a space),
/// control characters (deleted).
const A_LOWER: u8 = 0;
const A_UPPER: u8 = 6;
const A_DIGIT: u8 = 5;
const A_PRINT: u8 = 1;
const A_SPACE: u8 = 2;
const A_WHITE: u8 = 3;
const A_CONTROL: u8 = 4;

static ASCII: [u8; 128] = {
    let mut t = [A_CONTROL; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_lowercase() {
            A_LOWER
        } else if b.is_ascii_uppercase() {
            A_UPPER
        } else if b.is_ascii_digit() {
            A_DIGIT
        } else if b == b' ' {
            A_SPACE
        } else if b.is_ascii_whitespace() {
            A_WHITE
        } else if b > 0x20 && b < 0x7f {
            A_PRINT
        } else {
            A_CONTROL
        };
        i += 1;
    }
    t
};

/// What [`Normalized::fill`] does with a character of U+0600..=U+06FF.
struct ArabicFold {
    /// [`KEEP`] (itself), [`DEL`], [`SLOW`] (NFKC needed) or [`FOLD`] (to `to`).
    kind: u16,
    to: char,
    /// Counts as an Arabic-script letter; as a letter only Persian uses.
    arabic: bool,
    persian: bool,
    /// What it becomes is a word character.
    word: bool,
}

const FOLD: u16 = 3;

/// U+0600..=U+06FF: for a word character that normalization keeps as it is, 1
/// (an Arabic-script letter) plus 1 << 32 (a Persian one) plus [`PLAIN`];
/// 0 for any other.
static PLAIN_ARABIC: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let c = 0x600 + i as u32;
        // The word characters of the block (see `is_word_char`), kept as they are.
        let word = matches!(c, 0x0621..=0x063A | 0x0641..=0x064A | 0x0660..=0x0669 | 0x066E..=0x06D3 | 0x06F0..=0x06F9);
        if word && ARABIC[i] == KEEP {
            t[i] = PLAIN
                | if LETTER_CLASS[i] != 0 { 1 } else { 0 }
                | if LETTER_CLASS[i] == 2 { 1 << 32 } else { 0 };
        }
        i += 1;
    }
    t
};
const PLAIN: u64 = 1 << 63;
const PLAIN_COUNTS: u64 = !PLAIN;

static ARABIC_FOLD: std::sync::LazyLock<[ArabicFold; 256]> = std::sync::LazyLock::new(|| {
    std::array::from_fn(|i| {
        let kind = match ARABIC[i] {
            DEL => DEL,
            SLOW => SLOW,
            KEEP => KEEP,
            _ => FOLD,
        };
        ArabicFold {
            kind,
            to: FOLDED[i],
            arabic: LETTER_CLASS[i] != 0,
            persian: LETTER_CLASS[i] == 2,
            word: is_word_char(FOLDED[i]),
        }
    })
});

const DEL: u16 = 0;
const KEEP: u16 = 1;
const SLOW: u16 = 2;

/// U+0600..=U+06FF: deleted, kept, needing the slow path (marks that compose,
/// compatibility characters), or the code point it folds to.
static ARABIC: [u16; 256] = arabic_table();

/// U+0600..=U+06FF: the character each folds to (where [`ARABIC`] is neither
/// [`DEL`] nor [`SLOW`]).
static FOLDED: [char; 256] = {
    let mut t = ['\u{FFFD}'; 256];
    let mut i = 0;
    while i < 256 {
        let to = match ARABIC[i] {
            KEEP => 0x600 + i as u32,
            a => a as u32,
        };
        if let Some(c) = char::from_u32(to) {
            t[i] = c;
        }
        i += 1;
    }
    t
};

/// U+0600..=U+06FF for language detection: 1 an Arabic-script letter, 2 a letter
/// only Persian uses (پ چ ژ گ ک ی), 0 anything else.
static LETTER_CLASS: [u8; 256] = letter_classes();

const fn letter_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = 0x600 + i as u32;
        t[i] = match c {
            0x067E | 0x0686 | 0x0698 | 0x06AF | 0x06A9 | 0x06CC => 2,
            0x0621..=0x064A | 0x066E..=0x06D3 => 1,
            _ => 0,
        };
        i += 1;
    }
    t
}

const fn arabic_table() -> [u16; 256] {
    let mut t = [KEEP; 256];
    let mut i = 0;
    while i < 256 {
        let c = 0x600 + i as u32;
        t[i] = match c {
            0x0653..=0x0655 | 0x0675..=0x0678 => SLOW,
            0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED | 0x0640 | 0x061C => DEL,
            0x0623 | 0x0625 | 0x0622 | 0x0671 | 0x0672 | 0x0673 => 0x0627,
            0x0649 | 0x06CC => 0x064A,
            0x06A9 => 0x0643,
            0x0629 => 0x0647,
            0x0624 | 0x0626 => 0x0621,
            0x0660..=0x0669 => (c - 0x0660 + 0x30) as u16,
            0x06F0..=0x06F9 => (c - 0x06F0 + 0x30) as u16,
            _ => KEEP,
        };
        i += 1;
    }
    t
}

enum Fold {
    Delete,
    To(char),
    /// Not folded here: lowercase it (may give several characters).
    Lower,
}

/// A letter or digit, answered quickly for ASCII and Arabic: what words are made of.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    match c {
        '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{0660}'..='\u{0669}' => true,
        '\u{066E}'..='\u{06D3}' | '\u{06F0}'..='\u{06F9}' => true,
        '\u{0600}'..='\u{06FF}' => false,
        c => c.is_alphanumeric(),
    }
}

/// Whether normalization deletes `c` (marks, tatweel, invisible format characters).
pub fn is_deleted(c: char) -> bool {
    matches!(fold(c), Fold::Delete)
}

#[inline]
fn fold(c: char) -> Fold {
    match c {
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{0640}'
        | '\u{061C}'
        | '\u{00AD}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => Fold::Delete,
        c if super::sanitize::is_invisible(c) => Fold::Delete,
        'أ' | 'إ' | 'آ' | 'ٱ' | '\u{0672}' | '\u{0673}' => Fold::To('ا'),
        'ى' | 'ی' => Fold::To('ي'),
        'ک' => Fold::To('ك'),
        'ة' => Fold::To('ه'),
        'ؤ' | 'ئ' => Fold::To('ء'),
        '\u{0660}'..='\u{0669}' => Fold::To(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        '\u{06F0}'..='\u{06F9}' => Fold::To(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' => Fold::To('\''),
        c if c.is_control() => Fold::Delete,
        c if c.is_ascii() => Fold::To(c.to_ascii_lowercase()),
        '\u{0600}'..='\u{06FF}' => Fold::To(c),
        _ => Fold::Lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The normalization as it was written first, one original offset per key
    /// byte: what [`Normalized`] must give.
    #[derive(Default)]
    struct Reference {
        key: String,
        map: Vec<u32>,
        orig_len: usize,
        letters: crate::text::lang::Letters,
    }

    impl Reference {
        fn new(s: &str) -> Reference {
            let mut n = Reference::default();
            n.fill(s, true);
            n
        }

        /// The original byte range of the key range `start..end` (both on character
        /// boundaries of the key): from the start of the first source character to
        /// the end of the last, with the marks written on it.
        fn original_range(&self, orig: &str, start: usize, end: usize) -> (usize, usize) {
            if start >= end || end > self.map.len() {
                let at = self.map.get(start).map_or(self.orig_len, |&o| o as usize);
                return (at, at);
            }
            let from = self.map[start] as usize;
            let last = self.map[end - 1] as usize;
            let mut to = last + orig[last..].chars().next().map_or(0, char::len_utf8);
            // Take the marks and tatweel the key dropped after the last letter.
            for c in orig[to..].chars() {
                if is_deleted(c) && c != ' ' {
                    to += c.len_utf8();
                } else {
                    break;
                }
            }
            (from, to)
        }

        fn fill(&mut self, s: &str, with_map: bool) {
            self.key.clear();
            self.map.clear();
            self.orig_len = s.len();
            self.letters = crate::text::lang::Letters::default();
            self.key.reserve(s.len());
            if with_map {
                self.map.reserve(s.len());
            }
            let mut space = true; // at the start: leading white space dropped
            let bytes = s.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                if b < 0x80 {
                    if b.is_ascii_whitespace() {
                        if !space {
                            self.push_ascii(b' ', i, with_map);
                            space = true;
                        }
                        i += 1;
                        continue;
                    }
                    // A run of printable ASCII other than spaces, copied at once.
                    let mut j = i;
                    while j < bytes.len() && bytes[j] > 0x20 && bytes[j] < 0x7f {
                        j += 1;
                    }
                    if j == i {
                        i += 1; // a control character: deleted
                        continue;
                    }
                    let run = &s[i..j];
                    let at = self.key.len();
                    self.key.push_str(run);
                    self.key[at..].make_ascii_lowercase();
                    self.letters.latin += run.bytes().filter(u8::is_ascii_alphabetic).count();
                    if with_map {
                        self.map.extend((i..j).map(|o| o as u32));
                    }
                    space = false;
                    i = j;
                    continue;
                }
                // A run of the Arabic block (two bytes, lead 0xD8..=0xDB), folded
                // through a table; stops at a character needing the slow path.
                if (0xD8..=0xDB).contains(&b) {
                    let (mut arabic, mut persian) = (0usize, 0usize);
                    let mut j = i;
                    while j + 1 < bytes.len() && (0xD8..=0xDB).contains(&bytes[j]) {
                        let idx = (((usize::from(bytes[j]) & 0x1F) << 6)
                            | (usize::from(bytes[j + 1]) & 0x3F))
                            - 0x600;
                        let action = ARABIC[idx];
                        if action == SLOW {
                            break;
                        }
                        let class = LETTER_CLASS[idx];
                        arabic += usize::from(class != 0);
                        persian += usize::from(class == 2);
                        if action != DEL {
                            let c = FOLDED[idx];
                            if with_map {
                                let at = j as u32;
                                if c.is_ascii() {
                                    self.map.push(at);
                                } else {
                                    self.map.extend_from_slice(&[at, at]);
                                }
                            }
                            self.key.push(c);
                            space = false;
                        }
                        j += 2;
                    }
                    self.letters.arabic += arabic;
                    self.letters.persian += persian;
                    if j > i {
                        i = j;
                        continue;
                    }
                }
                // Other multi-byte characters: decode one.
                let c = match s[i..].chars().next() {
                    Some(c) => c,
                    None => break,
                };
                let len = c.len_utf8();
                self.letters.add(c);
                if c.is_whitespace() {
                    if !space {
                        self.push_ascii(b' ', i, with_map);
                        space = true;
                    }
                } else if self.slow(c, i, with_map) {
                    space = false;
                }
                i += len;
            }
            if self.key.ends_with(' ') {
                self.key.pop();
                if with_map {
                    self.map.pop();
                }
            }
        }

        #[inline(always)]
        fn push_ascii(&mut self, b: u8, at: usize, with_map: bool) {
            if with_map {
                self.map.push(at as u32);
            }
            self.key.push(b as char);
        }

        #[inline(always)]
        fn push_char(&mut self, c: char, at: usize, with_map: bool) {
            if with_map {
                let at = at as u32;
                for _ in 0..c.len_utf8() {
                    self.map.push(at);
                }
            }
            self.key.push(c);
        }

        /// Folds one NFKC character and pushes what is left; false when it is deleted.
        #[inline]
        fn fold_push(&mut self, c: char, at: usize, with_map: bool) -> bool {
            match fold(c) {
                Fold::Delete => false,
                Fold::To(f) => {
                    self.push_char(f, at, with_map);
                    true
                }
                Fold::Lower => {
                    let mut any = false;
                    for l in c.to_lowercase() {
                        self.push_char(l, at, with_map);
                        any = true;
                    }
                    any
                }
            }
        }

        /// Characters outside the fast paths: compatibility decomposition, then
        /// canonical composition with what precedes, then folding.
        fn slow(&mut self, c: char, at: usize, with_map: bool) -> bool {
            if is_combining_mark(c) {
                // A mark composes with the character before it (و + ٔ → ؤ, e + ́ → é).
                if let Some(prev) = self.key.chars().next_back()
                    && let Some(composed) = compose(prev, c)
                {
                    let prev_at = if with_map {
                        self.map.last().map_or(at, |&o| o as usize)
                    } else {
                        at
                    };
                    self.key.pop();
                    if with_map {
                        self.map.truncate(self.key.len());
                    }
                    return self.fold_push(composed, prev_at, with_map);
                }
                return self.fold_push(c, at, with_map);
            }
            let mut buf = ['\0'; 18];
            let mut n = 0;
            decompose_compatible(c, |d| {
                if n < buf.len() {
                    // Compose with the previous decomposed character where possible.
                    if n > 0
                        && let Some(x) = compose(buf[n - 1], d)
                    {
                        buf[n - 1] = x;
                        return;
                    }
                    buf[n] = d;
                    n += 1;
                }
            });
            let mut any = false;
            for &d in &buf[..n] {
                if d.is_whitespace() {
                    if !self.key.ends_with(' ') && !self.key.is_empty() {
                        self.push_ascii(b' ', at, with_map);
                    }
                    continue;
                }
                any |= self.fold_push(d, at, with_map);
            }
            any
        }
    }

    /// Key, letters and every original range equal to the reference's.
    fn same_as_reference(s: &str) {
        let want = Reference::new(s);
        let n = Normalized::new(s);
        assert_eq!(n.key, want.key, "{s:?}");
        assert_eq!(normalize(s), want.key, "{s:?}");
        assert_eq!(n.letters, want.letters, "{s:?}");
        let mut starts = Vec::new();
        let mut prev = false;
        for (i, c) in n.key.char_indices() {
            let w = is_word_char(c);
            if w && !prev {
                starts.push(i as u32);
            }
            prev = w;
        }
        assert_eq!(n.word_starts(), starts, "{s:?}");
        let bounds: Vec<usize> = (0..=n.key.len())
            .filter(|&i| n.key.is_char_boundary(i))
            .collect();
        for &a in &bounds {
            for &b in &bounds {
                assert_eq!(
                    n.original_range(s, a, b),
                    want.original_range(s, a, b),
                    "{s:?} {a}..{b}"
                );
            }
        }
    }

    #[test]
    fn ascii_deleted_only_when_control() {
        for b in 0..128u8 {
            let c = char::from(b);
            assert_eq!(is_deleted(c), c.is_ascii_control(), "{b}");
        }
    }

    #[test]
    fn plain_arabic_table() {
        for i in 0..256 {
            let c = char::from_u32(0x600 + i as u32).unwrap_or('\0');
            let plain = is_word_char(c) && ARABIC[i] == KEEP;
            let want = if plain {
                PLAIN | u64::from(LETTER_CLASS[i] != 0) | u64::from(LETTER_CLASS[i] == 2) << 32
            } else {
                0
            };
            assert_eq!(PLAIN_ARABIC[i], want, "{c:?}");
        }
    }

    #[test]
    fn same_as_reference_on_long_text() {
        let s = format!(
            "{}{}x{}",
            "Ab مسقط ".repeat(30_000),
            "ة  ".repeat(1000),
            "ءا".repeat(140_000)
        );
        let want = Reference::new(&s);
        let n = Normalized::new(&s);
        assert_eq!(n.key, want.key);
        assert_eq!(n.letters, want.letters);
        let mut starts = Vec::new();
        let mut prev = false;
        for (i, c) in n.key.char_indices() {
            let w = is_word_char(c);
            if w && !prev {
                starts.push(i as u32);
            }
            prev = w;
        }
        assert_eq!(n.word_starts(), starts);
        let bounds: Vec<usize> = (0..=n.key.len())
            .filter(|&i| n.key.is_char_boundary(i))
            .step_by(997)
            .collect();
        for w in bounds.windows(2) {
            assert_eq!(
                n.original_range(&s, w[0], w[1]),
                want.original_range(&s, w[0], w[1])
            );
        }
    }

    #[test]
    fn same_as_reference_on_awkward_text() {
        for s in [
            "",
            " ",
            "  a \n\t b\u{00A0}c  ",
            "التَّخْصِيبُ مهم",
            "IRAN’s  Muscat",
            "\u{FEFB}ب",
            "و\u{0654}",
            "e\u{0301}",
            "٣٠٠ ۴۵ ١٢x",
            "ﷺ قال",
            "\u{0640}\u{064B}",
            "تخــــصيب\u{200F}مسقط\u{200E}",
            "a\u{1}b\u{7f}c\r\n\r\nd",
            "İstanbul ǅ ß ﬁ ＩＡＥＡ",
            "\u{0675}\u{0676} ۀ ە",
            "x \u{0654}",
            "\u{0301}a",
        ] {
            same_as_reference(s);
        }
        for (_, t) in crate::seeds::BUILTIN {
            for line in t.lines() {
                same_as_reference(line);
            }
        }
    }

    mod props {
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                "[a-zA-Z0-9' .,\t\n\r-]{0,8}",
                "[\u{0600}-\u{06FF} ]{0,8}",
                "[\u{0300}-\u{036F}\u{FB50}-\u{FEFC}\u{200B}-\u{200F}\u{2000}-\u{206F}]{0,3}",
                "[\u{0000}-\u{0020}\u{007F}-\u{00FF}]{0,3}",
                any::<char>().prop_map(String::from),
            ];
            prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]

            #[test]
            fn same_as_reference(s in text()) {
                super::same_as_reference(&s);
            }
        }
    }

    #[test]
    fn deletes_tashkeel_and_quranic_marks() {
        assert_eq!(normalize("التَّخْصِيب"), "التخصيب");
        assert_eq!(normalize("اَلْبَيْتُ الأَبْيَضُ"), "البيت الابيض");
        assert_eq!(normalize("عُمانٌ"), "عمان");
        assert_eq!(normalize("\u{0627}\u{0670}"), "ا");
        assert_eq!(normalize("ق\u{06D6}ل\u{0610}"), "قل");
    }

    #[test]
    fn deletes_tatweel_zero_width_and_direction_marks() {
        assert_eq!(normalize("تخـصيب"), "تخصيب");
        assert_eq!(normalize("تخــــصيب"), "تخصيب");
        assert_eq!(normalize("a\u{200B}b\u{200C}c\u{200D}d"), "abcd");
        assert_eq!(normalize("\u{200F}مسقط\u{200E}"), "مسقط");
        assert_eq!(
            normalize("\u{202B}ab\u{202C}\u{2067}c\u{2069}\u{FEFF}"),
            "abc"
        );
        assert_eq!(normalize("x\u{061C}y"), "xy");
        // Invisible characters that would hide a word from an alert.
        for c in [
            '\u{180E}',
            '\u{034F}',
            '\u{FE0F}',
            '\u{2063}',
            '\u{3164}',
            '\u{E0101}',
        ] {
            assert_eq!(
                normalize(&format!("Mus{c}cat")),
                "muscat",
                "U+{:04X}",
                c as u32
            );
            same_as_reference(&format!("مس{c}قط Mus{c}cat"));
        }
    }

    #[test]
    fn folds_alef_forms() {
        assert_eq!(normalize("أإآٱ"), "اااا");
        assert_eq!(normalize("إيران"), normalize("ايران"));
    }

    #[test]
    fn folds_ya_kaf_ta_marbuta_hamza_carriers() {
        assert_eq!(normalize("على"), "علي");
        assert_eq!(normalize("ایران"), "ايران");
        assert_eq!(normalize("کرج"), "كرج");
        assert_eq!(normalize("مدرسة"), "مدرسه");
        assert_eq!(normalize("مسؤول"), normalize("مسئول"));
        assert_eq!(normalize("مسؤول"), "مسءول");
    }

    #[test]
    fn digits_become_ascii() {
        assert_eq!(normalize("٣٠٠ ۴۵"), "300 45");
        assert_eq!(normalize("٠١٢٣٤٥٦٧٨٩"), "0123456789");
    }

    #[test]
    fn latin_lowercased_and_apostrophes_folded() {
        assert_eq!(normalize("Tehran's"), "tehran's");
        assert_eq!(normalize("Tehran’s MUSCAT"), "tehran's muscat");
        assert_eq!(normalize("ÉLYSÉE"), "élysée");
    }

    #[test]
    fn nfkc_compatibility_forms() {
        // Presentation forms, full-width letters, ligatures.
        assert_eq!(normalize("\u{FEFB}"), "لا");
        assert_eq!(normalize("ＩＡＥＡ"), "iaea");
        assert_eq!(normalize("ﬁle"), "file");
        assert_eq!(normalize("\u{FEF7}"), "لا");
        // Decomposed sequences compose before folding.
        assert_eq!(normalize("و\u{0654}"), "ء");
        assert_eq!(normalize("e\u{0301}"), "é");
    }

    #[test]
    fn whitespace_folded() {
        assert_eq!(normalize("  a \n\t b\u{00A0}c  "), "a b c");
        assert_eq!(normalize("حزب\u{2003}\u{2003}الله"), "حزب الله");
    }

    #[test]
    fn map_points_into_original() {
        let orig = "قال: التَّخْصِيبُ مهم";
        let n = Normalized::new(orig);
        let at = n.key.find("تخصيب").unwrap_or(0);
        let (a, b) = n.original_range(orig, at, at + "تخصيب".len());
        assert_eq!(&orig[a..b], "تَّخْصِيبُ");
        let orig = "IRAN’s  Muscat";
        let n = Normalized::new(orig);
        let at = n.key.find("muscat").unwrap_or(0);
        let (a, b) = n.original_range(orig, at, at + 6);
        assert_eq!(&orig[a..b], "Muscat");
        let orig = "\u{FEFB}ب";
        let n = Normalized::new(orig);
        assert_eq!(n.key, "لاب");
        let (a, b) = n.original_range(orig, 0, n.key.len());
        assert_eq!(&orig[a..b], orig);
    }
}
