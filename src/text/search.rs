//! The full-text search key of an item and the query for what a user typed.
//! Both sides are normalized, and Arabic words are indexed also without their
//! proclitics (و ف ب ك ل, ال and their combinations), so هجوم finds الهجوم
//! and وبالهجوم; query words match as prefixes, so suffixes and plurals match too.

use super::normalize;

/// The proclitics a word starting with `first` may begin with, longest first
/// (the whole list is in the tests, which check this table against it).
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

/// The word without its leading clitics, if what is left is a plausible word
/// (three letters at least).
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

/// An FTS5 query requiring every word the user typed, each as a prefix; `None`
/// when nothing searchable was typed.
pub fn fts_query(input: &str) -> Option<String> {
    fts_query_of(&query_words(input))
}

/// The words a query asks for, as the index is matched with them: normalized,
/// without their proclitics; each matches as a prefix of an indexed word.
pub fn query_words(input: &str) -> Vec<String> {
    let norm = normalize(input);
    words(&norm)
        .map(|w| stem(w).unwrap_or(w).to_string())
        .collect()
}

/// An FTS5 query requiring each of `words` (from [`query_words`]) as a prefix.
pub fn fts_query_of(words: &[String]) -> Option<String> {
    let parts: Vec<String> = words.iter().map(|w| format!("\"{w}\"*")).collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// Whether a text with search key `key` (from [`index_key_normalized`]) has
/// every one of `words` as a prefix of one of its words: what the index
/// answers, without the index.
pub fn key_matches(key: &str, words: &[String]) -> bool {
    words
        .iter()
        .all(|w| key.split(' ').any(|t| t.starts_with(w.as_str())))
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
    fn query_is_prefix_and_stemmed() {
        assert_eq!(fts_query("الهجوم").as_deref(), Some("\"هجوم\"*"));
        assert_eq!(
            fts_query("Iran talks").as_deref(),
            Some("\"iran\"* AND \"talks\"*")
        );
        assert_eq!(fts_query(" \"* "), None);
    }

    #[test]
    fn keys_match_as_the_index_does() {
        let key = index_key("وبالهجوم على Iran's talks");
        let m = |q: &str| key_matches(&key, &query_words(q));
        assert!(m("الهجوم") && m("هجو") && m("IRAN") && m("tal iran"));
        assert!(!m("talks zz") && !m("alks"));
        assert!(m(""), "no words: everything");
    }
}
