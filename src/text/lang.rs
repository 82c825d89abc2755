//! The language of an item: "ar", "en", "fa" or "other", from the script of its
//! letters (Persian has letters Arabic lacks), English function words for Latin
//! text, and the feed's declared language as a hint when the text says too little.

/// How many characters are looked at: enough for a headline and a lead.
const SAMPLE_CHARS: usize = 400;

/// Persian-only letters (پ چ ژ گ ک ی) among Arabic-script letters above this share
/// make a text Persian.
const PERSIAN_SHARE: f32 = 0.03;

const ENGLISH_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "is", "for", "on", "that", "with", "said", "as", "by",
    "at", "from", "was", "it", "its", "has", "have", "be", "are", "will", "would", "an", "his",
    "after", "says", "not", "this", "over", "into", "but", "who", "were", "had", "been",
];

/// Letters of each script in a text: what the language is decided from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Letters {
    /// Arabic-script letters (Persian ones included).
    pub arabic: usize,
    /// Letters only Persian uses (پ چ ژ گ ک ی).
    pub persian: usize,
    pub latin: usize,
    pub other: usize,
}

impl Letters {
    /// Counts one character.
    #[inline]
    pub fn add(&mut self, c: char) {
        match c {
            'a'..='z' | 'A'..='Z' => self.latin += 1,
            'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی' => {
                self.persian += 1;
                self.arabic += 1;
            }
            '\u{0621}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{FB50}'..='\u{FEFC}' => {
                self.arabic += 1
            }
            c if c.is_ascii() => {}
            '\u{00C0}'..='\u{024F}' => self.latin += 1,
            '\u{0600}'..='\u{06FF}' => {}
            c if c.is_alphabetic() => self.other += 1,
            _ => {}
        }
    }

    pub fn count(s: &str) -> Letters {
        let mut l = Letters::default();
        for c in s.chars().take(SAMPLE_CHARS) {
            l.add(c);
        }
        l
    }

    pub fn plus(self, o: Letters) -> Letters {
        Letters {
            arabic: self.arabic + o.arabic,
            persian: self.persian + o.persian,
            latin: self.latin + o.latin,
            other: self.other + o.other,
        }
    }
}

/// Detects the language of `title` and `body`; `hint` is the feed's declared one.
pub fn detect(title: &str, body: &str, hint: Option<&str>) -> &'static str {
    decide(
        Letters::count(title).plus(Letters::count(body)),
        title,
        body,
        hint,
    )
}

/// The language from letter counts already made (by normalization, say).
pub fn decide(l: Letters, title: &str, body: &str, hint: Option<&str>) -> &'static str {
    // A feed declares "en-US", "en_GB", "ar-ae": the language is the first part.
    let hint = hint.map(|h| {
        let h = h.trim();
        h.split(['-', '_']).next().unwrap_or(h).to_ascii_lowercase()
    });
    let Letters {
        arabic,
        persian,
        latin,
        other,
    } = l;
    let letters = arabic + latin + other;
    if letters < 3 {
        return known(hint.as_deref()).unwrap_or("other");
    }
    if arabic >= latin && arabic >= other {
        let share = persian as f32 / arabic.max(1) as f32;
        return if share > PERSIAN_SHARE || (hint.as_deref() == Some("fa") && share > 0.0) {
            "fa"
        } else {
            "ar"
        };
    }
    if latin >= other {
        let (words, hits) = english_counts(title, body);
        let english = if hits > 0 && hits * 8 >= words {
            true
        } else {
            // A headline of names and nouns ("Oil prices slip", "Heatwave grips
            // Europe"): English when nothing says another language, the letters
            // have no accents and the feed says English or the text is short.
            let (foreign, accented) = foreign_signs(title, body);
            foreign == 0 && accented == 0 && (hint.as_deref() == Some("en") || words <= SHORT_WORDS)
        };
        return if english { "en" } else { "other" };
    }
    "other"
}

/// A Latin text of at most this many words with no sign of another language
/// is taken for English.
const SHORT_WORDS: usize = 12;

/// Function words of other languages written in plain Latin letters that
/// English does not use (French, Spanish, German, Italian, Portuguese, Dutch,
/// Turkish, Polish, Indonesian): one of them says "not English" to a short
/// headline. Words with accents (für, não, için) need no list: an accent says
/// it already.
const FOREIGN_WORDS: &[&str] = &[
    "le", "les", "des", "du", "et", "est", "une", "pour", "dans", "sur", "avec", "aux", "los",
    "las", "del", "y", "que", "por", "con", "una", "para", "der", "und", "das", "ist", "nicht",
    "mit", "von", "den", "dem", "ein", "eine", "auf", "il", "della", "di", "che", "per", "gli",
    "sono", "os", "em", "uma", "dos", "het", "een", "zijn", "ve", "bir", "ile", "nie", "jest",
    "dan", "yang", "untuk", "dengan",
];

/// (foreign function words, accented letters) among the first sixty words.
fn foreign_signs(title: &str, body: &str) -> (usize, usize) {
    let mut foreign = 0;
    let mut accented = 0;
    let all = title
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .chain(body.split(|c: char| !c.is_alphanumeric() && c != '\''))
        .filter(|w| !w.is_empty())
        .take(60);
    for w in all {
        if FOREIGN_WORDS.iter().any(|f| f.eq_ignore_ascii_case(w)) {
            foreign += 1;
        }
        accented += w
            .chars()
            .filter(|c| c.is_alphabetic() && !c.is_ascii())
            .count();
    }
    (foreign, accented)
}

fn known(hint: Option<&str>) -> Option<&'static str> {
    match hint? {
        "ar" => Some("ar"),
        "en" => Some("en"),
        "fa" => Some("fa"),
        _ => None,
    }
}

/// Whether `w` is one of [`ENGLISH_WORDS`], ignoring ASCII case.
fn is_english_word(w: &str) -> bool {
    let b = w.as_bytes();
    if b.is_empty() || b.len() > 5 {
        return false;
    }
    let mut lower = [0u8; 5];
    for (l, c) in lower.iter_mut().zip(b) {
        *l = c.to_ascii_lowercase();
    }
    let packed = u64::from_le_bytes([lower[0], lower[1], lower[2], lower[3], lower[4], 0, 0, 0]);
    ENGLISH_PACKED.contains(&packed)
}

/// [`ENGLISH_WORDS`], each as its bytes in a u64 (none is longer than five).
static ENGLISH_PACKED: [u64; ENGLISH_WORDS.len()] = {
    let mut t = [0u64; ENGLISH_WORDS.len()];
    let mut i = 0;
    while i < t.len() {
        let w = ENGLISH_WORDS[i].as_bytes();
        assert!(w.len() <= 5);
        let mut j = 0;
        while j < w.len() {
            t[i] |= (w[j] as u64) << (8 * j);
            j += 1;
        }
        i += 1;
    }
    t
};

/// At least one word in eight of the first sixty is an English function word.
/// Words: runs of letters, digits and `'`, in the title, then in the body.
#[cfg(test)]
fn looks_english(title: &str, body: &str) -> bool {
    let (words, hits) = english_counts(title, body);
    words > 0 && hits * 8 >= words && hits > 0
}

/// (words, English function words) among the first sixty words.
fn english_counts(title: &str, body: &str) -> (usize, usize) {
    let mut words = 0usize;
    let mut hits = 0usize;
    'texts: for text in [title, body] {
        let bytes = text.as_bytes();
        let mut start = None;
        let mut i = 0;
        loop {
            let (in_word, len) = match bytes.get(i) {
                None => (false, 0),
                Some(&b) if b < 0x80 => (b.is_ascii_alphanumeric() || b == b'\'', 1),
                Some(_) => match text[i..].chars().next() {
                    Some(c) => (c.is_alphanumeric(), c.len_utf8()),
                    None => (false, 0),
                },
            };
            match (in_word, start) {
                (true, None) => start = Some(i),
                (false, Some(from)) => {
                    start = None;
                    words += 1;
                    if is_english_word(&text[from..i]) {
                        hits += 1;
                    }
                    if words == 60 {
                        break 'texts;
                    }
                }
                _ => {}
            }
            if len == 0 {
                break;
            }
            i += len;
        }
    }
    (words, hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As first written: split, then compare with every listed word.
    fn looks_english_reference(title: &str, body: &str) -> bool {
        let mut words = 0usize;
        let mut hits = 0usize;
        for w in title
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .chain(body.split(|c: char| !c.is_alphanumeric() && c != '\''))
            .filter(|w| !w.is_empty())
            .take(60)
        {
            words += 1;
            if w.len() <= 5 && ENGLISH_WORDS.iter().any(|e| e.eq_ignore_ascii_case(w)) {
                hits += 1;
            }
        }
        words > 0 && hits * 8 >= words && hits > 0
    }

    proptest::proptest! {
        #[test]
        fn looks_english_as_reference(
            title in "([a-zA-Z' ]{0,6}|The|of|SAID|éa|ß|٣|,|\\.| |\u{00A0}){0,30}",
            body in "([a-zA-Z' ]{0,6}|the|And|to|ıs|مسقط|-|\n){0,90}",
        ) {
            proptest::prop_assert_eq!(
                looks_english(&title, &body),
                looks_english_reference(&title, &body)
            );
        }
    }

    #[test]
    fn sixty_words_counted() {
        // 56 words, 4 of them function words, in the title: in the body the
        // sixtieth word counts, the sixty-first does not.
        let title = format!("{} the the the the", "x ".repeat(52));
        for (body, want) in [
            ("the the the the", true),
            ("xx the the the", false),
            ("the the the xx the", false),
            ("", false),
        ] {
            assert_eq!(looks_english(&title, body), want, "{body}");
            assert_eq!(looks_english_reference(&title, body), want, "{body}");
        }
    }

    #[test]
    fn english_words_ignoring_case() {
        for w in ENGLISH_WORDS {
            assert!(
                is_english_word(w) && is_english_word(&w.to_ascii_uppercase()),
                "{w}"
            );
        }
        for w in [
            "", "thee", "th", "théé", "SAID", "Saidx", "İs", "ıs", "x", "the ",
        ] {
            let want = w.len() <= 5 && ENGLISH_WORDS.iter().any(|e| e.eq_ignore_ascii_case(w));
            assert_eq!(is_english_word(w), want, "{w}");
        }
    }

    #[test]
    fn scripts_and_languages() {
        assert_eq!(
            detect("إيران تختبر صاروخاً", "أعلنت وزارة الدفاع", None),
            "ar"
        );
        assert_eq!(
            detect("Iran tests a missile", "The ministry said on Sunday", None),
            "en"
        );
        assert_eq!(
            detect(
                "ایران می‌گوید",
                "وزیر امور خارجه گفت که مذاکرات ادامه دارد",
                None
            ),
            "fa"
        );
        assert_eq!(
            detect(
                "L'Iran et les États-Unis",
                "Les négociations reprennent",
                None
            ),
            "other"
        );
        assert_eq!(detect("", "", Some("en")), "en");
        assert_eq!(detect("", "", None), "other");
        assert_eq!(detect("Muscat", "", Some("en")), "en");
    }

    #[test]
    fn short_english_headlines() {
        // Headlines without function words, with or without the feed's hint.
        for t in [
            "Oil prices slip",
            "Heatwave grips Europe",
            "Iran condemns Israeli aggression",
            "Trump slams Netanyahu",
        ] {
            assert_eq!(detect(t, "", None), "en", "{t}");
            assert_eq!(detect(t, "", Some("en-US")), "en", "{t}");
        }
        // A feed's "en-gb" is English, long headline-style text included.
        let long = "Rose Valley ponzi scam victims: 515cr returned, Kerala HC sets 3-month limit, CPM jolt";
        assert_eq!(detect(long, "", Some("en-gb")), "en");
        assert_eq!(detect("مسقط", "", Some("ar-OM")), "ar");
        // Other languages stay other.
        assert_eq!(detect("Merz und Macron treffen sich", "", None), "other");
        assert_eq!(detect("Le président à Mascate", "", Some("en")), "other");
        assert_eq!(detect("Négociations à Mascate", "", None), "other");
    }
}
