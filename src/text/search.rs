//! The full-text search key of an item and the query for what a user typed.
//! Both sides are normalized the same way ([`normalize`], then words). Arabic
//! words are indexed as written and also without their proclitics (و ف ب ك ل,
//! ال and their combinations), so هجوم finds الهجوم and وبالهجوم. A query word
//! matches as written, as a prefix (suffixes and plurals match too), and, when
//! it begins with proclitics, also stripped of them, but only as a whole word of
//! the index with an Arabic suffix: بالهجوم finds هجومها, كتاب finds وكتاب and
//! not التابع (تاب is no word of it), بلدة finds وبلدة. The index answers with
//! [`fts_query_of`]; [`key_matches`] answers the same on one item's key.

use super::normalize;

/// The proclitics a word starting with `first` may begin with, longest first
/// (the whole list is in the tests, which check this table against it): what
/// the index strips.
fn proclitics_of(first: char) -> &'static [&'static str] {
    match first {
        'ا' => &["ال"],
        'و' => &["وبال", "وكال", "وال", "ولل", "و"],
        'ف' => &["فبال", "فكال", "فال", "فلل", "ف"],
        'ب' => &["بال", "ب"],
        'ك' => &["كال", "ك"],
        'ل' => &["لل", "ل"],
        _ => &[],
    }
}

/// Every run of proclitics a query word may begin with: و or ف or neither,
/// then ب ك ل, the article or both (بال كال لل). What a query strips.
const QUERY_HEADS: &[&str] = &[
    "و", "ف", "ب", "ك", "ل", "ال", "بال", "كال", "لل", "وب", "وك", "ول", "وال", "وبال", "وكال",
    "ولل", "فب", "فك", "فل", "فال", "فبال", "فكال", "فلل",
];

/// Arabic suffixes a stripped query word may carry in the index: inflections,
/// pronouns and the two together (the common ones).
const SUFFIXES: &[&str] = &[
    "", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "نا", "ي", "ني", "ات", "ان", "ين", "ون",
    "ا", "يه", "يات", "يين", "يون", "يا", "اته", "اتها", "اتهم", "اتنا", "انه", "انها", "ينه",
    "ينها", "يهم", "يها", "يتها", "يته",
];

/// The suffixes after ة written ت (حاملتها, بلدته).
const TA_SUFFIXES: &[&str] = &["ه", "ها", "هم", "هما", "ك", "كم", "نا", "ي", "ان", "ين"];

/// The stem of a word without its leading clitics, if what is left is a
/// plausible word (three letters at least): what the index adds.
fn stem(word: &str) -> Option<&str> {
    proclitics_of(word.chars().next()?).iter().find_map(|p| {
        word.strip_prefix(p)
            .filter(|rest| rest.chars().nth(2).is_some())
    })
}

/// `char::is_alphanumeric`, quick for ASCII and the Arabic letters.
fn is_word(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0621}'..='\u{064A}').contains(&c) {
        true
    } else {
        c.is_alphanumeric()
    }
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !is_word(c)).filter(|w| !w.is_empty())
}

fn is_arabic(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c) || ('\u{066E}'..='\u{06D3}').contains(&c)
}

/// The text the search index holds for `text`.
pub fn index_key(text: &str) -> String {
    index_key_normalized(&[&normalize(text)])
}

/// The search key of texts already normalized, in order: the same as
/// [`index_key`] of the texts joined by line breaks (words never span texts).
pub fn index_key_normalized(parts: &[&str]) -> String {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = String::with_capacity(len + len / 2);
    for w in parts.iter().flat_map(|p| words(p)) {
        out.push_str(w);
        out.push(' ');
        if let Some(s) = stem(w) {
            out.push_str(s);
            out.push(' ');
        }
    }
    out
}

/// One way a query word can be found in the index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Alt {
    /// Any index word beginning with this.
    Prefix(String),
    /// This index word exactly.
    Word(String),
}

/// The words a query asks for, normalized and as typed (proclitics kept):
/// what [`fts_query_of`] and [`key_matches`] take. Empty when nothing
/// searchable was typed.
pub fn query_words(input: &str) -> Vec<String> {
    let norm = normalize(input);
    words(&norm).map(str::to_string).collect()
}

/// The runs of proclitics `w` may be stripped of, with what is left (two
/// letters at least: «في» is not ف + ي).
fn stripped(w: &str) -> impl Iterator<Item = &str> {
    let arabic = w.chars().next().is_some_and(is_arabic);
    QUERY_HEADS
        .iter()
        .filter(move |_| arabic)
        .filter_map(move |h| w.strip_prefix(h))
        .filter(|rest| rest.chars().nth(1).is_some())
}

/// The ways one query word may be found in the index: as written (a prefix),
/// its ة written ت with a suffix, and each stripped form with a suffix.
pub fn alternatives(w: &str) -> Vec<Alt> {
    let mut alts = vec![Alt::Prefix(w.to_string())];
    if w.chars().next().is_some_and(is_arabic) {
        ta_forms(w, &mut alts);
        for rest in stripped(w) {
            for s in SUFFIXES {
                alts.push(Alt::Word(format!("{rest}{s}")));
            }
            ta_forms(rest, &mut alts);
        }
    }
    let mut seen = std::collections::HashSet::new();
    alts.retain(|a| seen.insert(a.clone()));
    alts
}

/// A word ending in ه may end in ة: its forms with ت and a suffix.
fn ta_forms(w: &str, alts: &mut Vec<Alt>) {
    if let Some(stem) = w.strip_suffix('ه').filter(|s| !s.is_empty()) {
        for s in TA_SUFFIXES {
            alts.push(Alt::Word(format!("{stem}ت{s}")));
        }
    }
}

/// Whether the index word `token` is one of the ways of the query word `w`
/// ([`alternatives`]), without making them.
fn token_matches(token: &str, w: &str) -> bool {
    if token.starts_with(w) || ta_matches(token, w) {
        return true;
    }
    stripped(w).any(|rest| {
        token
            .strip_prefix(rest)
            .is_some_and(|tail| SUFFIXES.contains(&tail))
            || ta_matches(token, rest)
    })
}

/// Whether `token` is `w` with its final ه (ة) written ت and a suffix.
fn ta_matches(token: &str, w: &str) -> bool {
    w.strip_suffix('ه')
        .filter(|s| !s.is_empty())
        .and_then(|stem| token.strip_prefix(stem))
        .and_then(|t| t.strip_prefix('ت'))
        .is_some_and(|tail| TA_SUFFIXES.contains(&tail))
}

/// An FTS5 query requiring every word the user typed, each in any of its ways;
/// `None` when nothing searchable was typed.
pub fn fts_query(input: &str) -> Option<String> {
    fts_query_of(&query_words(input))
}

/// An FTS5 query requiring each of `words` (from [`query_words`]) in any of
/// its ways ([`alternatives`]).
pub fn fts_query_of(words: &[String]) -> Option<String> {
    let parts: Vec<String> = words
        .iter()
        .map(|w| {
            let alts: Vec<String> = alternatives(w)
                .iter()
                .map(|a| match a {
                    Alt::Prefix(p) => format!("\"{p}\"*"),
                    Alt::Word(x) => format!("\"{x}\""),
                })
                .collect();
            format!("({})", alts.join(" OR "))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// Whether a text with search key `key` (from [`index_key_normalized`]) has
/// every one of `words` in one of its ways: what the index answers, without
/// the index.
pub fn key_matches(key: &str, words: &[String]) -> bool {
    words
        .iter()
        .all(|w| key.split(' ').any(|t| !t.is_empty() && token_matches(t, w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The proclitics, longest first.
    const PROCLITICS: &[&str] = &[
        "وبال", "وكال", "فبال", "فكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال", "و",
        "ف", "ب", "ل", "ك",
    ];

    #[test]
    fn index_holds_stems() {
        assert_eq!(index_key("وبالهجوم على"), "وبالهجوم هجوم علي ");
        assert_eq!(index_key("التَّخْصِيب"), "التخصيب تخصيب ");
        assert_eq!(index_key("Iran's talks"), "iran s talks ");
        let (t, x) = ("وبالهجوم  ", " على Iran's\u{0640}");
        assert_eq!(
            index_key_normalized(&[&normalize(t), &normalize(x)]),
            index_key(&format!("{t}\n{x}"))
        );
    }

    #[test]
    fn proclitics_by_first_letter() {
        let mut listed = 0;
        for first in "اوفبكلمهجabc ".chars() {
            let expected: Vec<&str> = PROCLITICS
                .iter()
                .copied()
                .filter(|p| p.starts_with(first))
                .collect();
            assert_eq!(proclitics_of(first), expected, "{first}");
            listed += expected.len();
        }
        assert_eq!(listed, PROCLITICS.len(), "every proclitic has its letter");
        assert_eq!(stem("والمفاوضات"), Some("مفاوضات"));
        assert_eq!(
            stem("وبالك"),
            Some("بالك"),
            "a longer proclitic leaves too little"
        );
        assert_eq!(stem("ولد"), None);
        assert_eq!(stem("مسقط"), None);
        assert_eq!(stem("banking"), None);
    }

    #[test]
    fn query_words_as_written_and_stripped() {
        assert_eq!(
            fts_query("Iran talks").as_deref(),
            Some("(\"iran\"*) AND (\"talks\"*)")
        );
        assert_eq!(fts_query(" \"* "), None);
        assert_eq!(query_words("الهجوم"), ["الهجوم"]);
        let alts = alternatives("الهجوم");
        assert_eq!(alts[0], Alt::Prefix("الهجوم".into()));
        assert!(alts.contains(&Alt::Word("هجوم".into())));
        assert!(alts.contains(&Alt::Word("هجومها".into())));
        // Stripped forms are whole words: تاب and its suffixed forms, not تابع.
        let alts = alternatives("كتاب");
        assert!(alts.contains(&Alt::Word("تاب".into())));
        assert!(!alts.contains(&Alt::Prefix("تاب".into())));
        // ة: بلدة is also بلدته.
        let alts = alternatives("بلده");
        assert_eq!(alts[0], Alt::Prefix("بلده".into()));
        assert!(alts.contains(&Alt::Word("بلدته".into())));
        let n = alts.len();
        let mut d = alts.clone();
        d.dedup();
        assert_eq!(d.len(), n, "no duplicates");
    }

    /// Whether `q` finds a text whose search key is `key`, the way FTS5 reads
    /// [`fts_query_of`]: every word, each by any of its ways.
    fn finds(q: &[String], key: &str) -> bool {
        let tokens: Vec<&str> = key.split(' ').filter(|t| !t.is_empty()).collect();
        !q.is_empty()
            && q.iter().all(|w| {
                alternatives(w).iter().any(|a| match a {
                    Alt::Prefix(p) => tokens.iter().any(|t| t.starts_with(p.as_str())),
                    Alt::Word(x) => tokens.contains(&x.as_str()),
                })
            })
    }

    #[test]
    fn keys_match_as_the_index_does() {
        let key = index_key("وبالهجوم على Iran's talks");
        let m = |q: &str| key_matches(&key, &query_words(q));
        assert!(m("الهجوم") && m("هجو") && m("IRAN") && m("tal iran"));
        assert!(!m("talks zz") && !m("alks"));
        assert!(m(""), "no words: everything");
    }

    #[test]
    fn the_issue_cases() {
        let found = |q: &str, text: &str| {
            let (w, key) = (query_words(q), index_key(text));
            let f = finds(&w, &key);
            assert_eq!(f, key_matches(&key, &w), "{q} / {text}");
            f
        };
        assert!(found("بلدة", "دمار واسع في المدينة وبلدة مجاورة"));
        assert!(found("بورصة", "تراجعت الأسهم وبورصة الكويت"));
        assert!(found("كتاب", "صدر له وكتاب آخر"));
        assert!(!found("كتاب", "قال المصدر التابع للوزارة"));
        assert!(found("بالهجوم", "ندد بهجومها على المدينة"));
        assert!(found("الهجوم", "وبالهجوم على المنشأة"));
        assert!(found("هجوم", "وبالهجوم على المنشأة"));
        assert!(found("المفاوضات", "استؤنفت والمفاوضات"));
        assert!(found("للمفاوضات", "المفاوضات"));
        assert!(found("بلدة", "عاد إلى بلدته"));
        assert!(found("muscat", "Talks in Muscat"));
        assert!(!found("مسقط", "Talks in Muscat"));
        // «في» is not stripped to a one-letter word.
        assert!(!found("في", "قال يا صديقي"));
    }

    /// Normalized Arabic words of two to seven letters.
    fn arabic_word() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select("ءابتثجحخدذرزسشصضطظعغفقكلمنهوي".chars().collect::<Vec<_>>()),
            2..8,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    use proptest::prelude::*;

    proptest! {
        /// For any word w of an indexed text (two letters or more), w and w
        /// with each proclitic find the text, in the index and on its key.
        #[test]
        fn every_word_and_every_proclitic_form_finds_its_text(
            before in proptest::collection::vec(arabic_word(), 0..4),
            w in arabic_word(),
            after in proptest::collection::vec(arabic_word(), 0..4),
        ) {
            let text = before.iter().chain([&w]).chain(after.iter()).cloned()
                .collect::<Vec<_>>().join(" ");
            let key = index_key(&text);
            for p in std::iter::once(&"").chain(QUERY_HEADS) {
                let q = query_words(&format!("{p}{w}"));
                prop_assert!(finds(&q, &key), "{p}{w} in {text}");
                prop_assert!(key_matches(&key, &q), "{p}{w} in {text}");
            }
        }

        /// The index's answer and the key's answer are the same.
        #[test]
        fn key_matches_as_the_index(
            text in proptest::collection::vec(arabic_word(), 1..6),
            q in proptest::collection::vec(arabic_word(), 1..3),
            heads in proptest::collection::vec(0..QUERY_HEADS.len() + 1, 1..3),
        ) {
            let key = index_key(&text.join(" "));
            let q: Vec<String> = q.iter().zip(heads.iter().cycle())
                .map(|(w, &h)| format!("{}{w}", QUERY_HEADS.get(h).copied().unwrap_or("")))
                .collect();
            let words = query_words(&q.join(" "));
            prop_assert_eq!(finds(&words, &key), key_matches(&key, &words));
        }
    }
}
