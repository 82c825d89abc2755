//! Words of a normalized text as the clustering counts them: split on what is not
//! a word character, stop words dropped, Arabic light-stemmed (Light10: the
//! conjunction و, the article and its proclitic combinations, common suffixes)
//! and English lightly stemmed (plural, -ing, -ed, final e), then hashed with
//! their language so an Arabic and an English word never share a term.

use crate::text::normalize::is_word_char;

/// Calls `f` on each word of a normalized key, in order.
#[inline]
pub fn for_each_word<'a>(key: &'a str, mut f: impl FnMut(&'a str)) {
    let mut start = None;
    for (i, c) in key.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            f(&key[s..i]);
        }
    }
    if let Some(s) = start {
        f(&key[s..]);
    }
}

/// A stable 64-bit hash of a string with a one-byte tag (FNV-1a then a final
/// mix): the same word gives the same term in every run and on every machine,
/// so a persisted state stays valid.
#[inline]
pub fn hash(tag: u8, s: &str) -> u64 {
    hash_bytes(tag, s.as_bytes())
}

/// [`hash`] of a number (its little-endian bytes).
#[inline]
pub fn hash_num(tag: u8, n: u64) -> u64 {
    hash_bytes(tag, &n.to_le_bytes())
}

#[inline]
fn hash_bytes(tag: u8, bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(tag);
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    // splitmix64's finalizer: spreads the low bits FNV leaves weak.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Whether a word is Arabic script (its first character decides).
#[inline]
pub fn is_arabic(w: &str) -> bool {
    w.chars()
        .next()
        .is_some_and(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

const AR_ARTICLES: [&str; 6] = ["وال", "بال", "كال", "فال", "لل", "ال"];
const AR_SUFFIXES: [&str; 9] = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي", "ة"];

/// Light10 (Larkey, Ballesteros and Connell, 2007) on a normalized Arabic word
/// (ة already written ه): و when at least three letters stay, the article and
/// its combinations when two stay, then each suffix in turn when two stay.
pub fn stem_ar(w: &str) -> &str {
    let letters = |s: &str| s.chars().count();
    let mut s = w;
    if let Some(rest) = s.strip_prefix('و')
        && letters(rest) >= 3
    {
        s = rest;
    }
    for a in AR_ARTICLES {
        if let Some(rest) = s.strip_prefix(a)
            && letters(rest) >= 2
        {
            s = rest;
            break;
        }
    }
    for suf in AR_SUFFIXES {
        if let Some(rest) = s.strip_suffix(suf)
            && letters(rest) >= 2
        {
            s = rest;
        }
    }
    s
}

/// A light English stemmer over a lowercased word: possessive, plural, -ing,
/// -ed and a final e, each only when enough of the word stays. It only cuts,
/// so the stem is a slice of the word.
pub fn stem_en(w: &str) -> &str {
    let mut s = w.strip_suffix("'s").unwrap_or(w);
    let n = s.len();
    if n > 4 && s.ends_with("ies") {
        s = &s[..n - 2]; // countries → countri… close enough: both forms cut alike
    } else if n > 4 && (s.ends_with("sses") || s.ends_with("ches") || s.ends_with("shes")) {
        s = &s[..n - 2];
    } else if n > 3
        && s.ends_with('s')
        && !s.ends_with("ss")
        && !s.ends_with("us")
        && !s.ends_with("is")
    {
        s = &s[..n - 1];
    }
    let n = s.len();
    if n > 5 && s.ends_with("ing") {
        s = &s[..n - 3];
    } else if n > 4 && s.ends_with("ed") {
        s = &s[..n - 2];
    }
    let n = s.len();
    if n > 4 && s.ends_with('e') {
        s = &s[..n - 1];
    }
    s
}

/// The stem of a normalized word, in its own script's stemmer.
#[inline]
pub fn stem(w: &str) -> &str {
    if is_arabic(w) { stem_ar(w) } else { stem_en(w) }
}

/// Words too common to tell one event from another (normalized forms).
pub fn is_stop(w: &str) -> bool {
    static SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOP.iter().copied().collect());
    w.len() < 2 || SET.contains(w)
}

/// Sorted (checked by a test): English, then Arabic in code point order.
static STOP: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "amid",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "new",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "said",
    "same",
    "say",
    "says",
    "she",
    "should",
    "since",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "told",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "within",
    "would",
    "year",
    "you",
    "your",
    "اثناء",
    "اخر",
    "اذا",
    "ازاء",
    "اضاف",
    "اطار",
    "اكد",
    "الا",
    "التي",
    "الذي",
    "الذين",
    "اللذين",
    "الي",
    "اليوم",
    "ام",
    "اما",
    "امس",
    "ان",
    "انه",
    "انها",
    "او",
    "اي",
    "ايضا",
    "بان",
    "بانه",
    "بعد",
    "بعض",
    "بين",
    "تلك",
    "تم",
    "ثم",
    "حتي",
    "حول",
    "حيث",
    "خلال",
    "ذلك",
    "سوف",
    "ضمن",
    "عبر",
    "عدم",
    "عل",
    "علي",
    "عليه",
    "عن",
    "عند",
    "غير",
    "فان",
    "فقد",
    "في",
    "فيه",
    "فيها",
    "قال",
    "قالت",
    "قبل",
    "قد",
    "كان",
    "كانت",
    "كل",
    "كما",
    "لا",
    "لان",
    "لدي",
    "لقد",
    "لكن",
    "لم",
    "لن",
    "له",
    "لها",
    "ما",
    "مع",
    "مما",
    "من",
    "منذ",
    "منها",
    "نحو",
    "هذا",
    "هذه",
    "هل",
    "هناك",
    "هو",
    "هي",
    "وان",
    "وقال",
    "وقالت",
    "ولا",
    "ومن",
    "وهو",
    "وهي",
    "يكون",
    "يمكن",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_list_is_sorted() {
        assert!(STOP.windows(2).all(|w| w[0] < w[1]), "STOP must be sorted");
        for w in STOP {
            assert_eq!(crate::text::normalize(w), *w, "{w} is not normalized");
        }
    }

    #[test]
    fn arabic_light_stems() {
        let n = |s: &str| crate::text::normalize(s);
        assert_eq!(stem_ar(&n("والعقوبات")), "عقوب");
        assert_eq!(stem_ar(&n("العقوبات")), "عقوب");
        assert_eq!(stem_ar(&n("عقوبات")), "عقوب");
        assert_eq!(stem_ar(&n("الإيرانية")), "ايران");
        assert_eq!(stem_ar(&n("إيراني")), "ايران");
        assert_eq!(stem_ar(&n("المحادثات")), "محادث");
        assert_eq!(stem_ar(&n("محادثات")), "محادث");
        // Too short to cut.
        assert_eq!(stem_ar(&n("ولد")), "ولد");
    }

    #[test]
    fn english_light_stems() {
        for (a, b) in [
            ("talks", "talk"),
            ("talking", "talk"),
            ("talked", "talk"),
            ("seizes", "seiz"),
            ("seized", "seiz"),
            ("seize", "seiz"),
            ("tankers", "tanker"),
            ("iran's", "iran"),
            ("strikes", "strik"),
            ("us", "us"),
            ("crisis", "crisis"),
        ] {
            assert_eq!(stem_en(a), b, "{a}");
        }
    }

    #[test]
    fn words_split_on_non_word_characters() {
        let mut v = Vec::new();
        for_each_word("us-iran talks, 14 ناقله «مسقط»", |w| v.push(w));
        assert_eq!(v, ["us", "iran", "talks", "14", "ناقله", "مسقط"]);
    }

    #[test]
    fn hash_is_stable_and_tagged() {
        assert_eq!(hash(1, "iran"), hash(1, "iran"));
        assert_ne!(hash(1, "iran"), hash(2, "iran"));
    }
}
