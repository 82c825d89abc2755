//! The matching key of a text: what search and the classifier compare, never what
//! users see. Arabic letter variants folded, diacritics and tatweel removed, digits
//! made ASCII, Latin lowercased.

use unicode_normalization::UnicodeNormalization;

/// Normalizes a text for matching and search.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkc() {
        match c {
            '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{06D6}'..='\u{06ED}'
            | '\u{0640}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061C}'
            | '\u{FEFF}' => {}
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' | 'ی' => out.push('ي'),
            'ک' => out.push('ك'),
            'ة' => out.push('ه'),
            'ؤ' | 'ئ' => out.push('ء'),
            '\u{0660}'..='\u{0669}' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
            '\u{06F0}'..='\u{06F9}' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn folds_arabic_and_latin() {
        assert_eq!(normalize("التَّخْصِيب"), "التخصيب");
        assert_eq!(normalize("تخـصيب"), "تخصيب");
        assert_eq!(normalize("أإآٱ"), "اااا");
        assert_eq!(normalize("مدرسة"), "مدرسه");
        assert_eq!(normalize("٣٠٠ ۴"), "300 4");
        assert_eq!(normalize("Tehran's"), "tehran's");
    }
}
