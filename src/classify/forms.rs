//! Word forms: how a term as written in feeds.toml becomes the patterns the
//! matcher looks for, and which text around a pattern's match still makes the
//! word the term's. Arabic: proclitics (و ف ب ك ل س, ال and their combinations)
//! before, pronoun and inflection suffixes after, ة as ت before a suffix and as
//! ات in the plural. English: whole words with plural forms (possessives end at
//! the apostrophe). Both: `term*` for prefixes, `=term` for exact words.
//!
//! The term syntax (documented for users in feeds.toml):
//!
//! - `word` or `two words`: the word (or phrase) with its forms. A term of three
//!   letters or fewer matches exactly unless marked.
//! - `=word`: exactly this word, no clitics, suffixes or plurals.
//! - `<word`: Arabic proclitics allowed, no suffixes (for short names: لمصر, ومصر).
//! - `+word`: all forms even for a short word.
//! - `word*`: any word beginning with it (after proclitics in Arabic).
//! - A Latin term in capitals (`US`, `IAEA`) matches only in capitals.
//! - An Arabic term written with harakat (`عمّان`) matches only where the text
//!   carries those marks.
//! - Double quotes around a term are allowed and ignored (`"Gulf of Oman"`).

use crate::text::{is_deleted, normalize};

/// Which forms of a term match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forms {
    /// The word only.
    Exact,
    /// Arabic proclitics before, nothing after.
    Proclitics,
    /// Proclitics (Arabic), suffixes and plurals.
    Full,
    /// Proclitics (Arabic), then anything.
    Prefix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Arabic,
    Latin,
}

/// A term parsed from its written form.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// As written in the config (what evidence shows).
    pub raw: String,
    /// The normalized text matched, without an Arabic article the forms add back.
    pub key: String,
    pub script: Script,
    pub forms: Forms,
    /// The Arabic term began with ال: the text must carry the article (ال, لل).
    pub article: bool,
    /// Matches only where the original letters are capitals.
    pub case_sensitive: bool,
    /// Harakat the text must carry: (index of the letter in `key`, marks).
    pub marks: Vec<(usize, Vec<char>)>,
    /// The Arabic term ends in ة (so ت before a suffix, ات in the plural).
    pub ta_marbuta: bool,
}

/// What may follow a pattern's match inside the word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// Nothing.
    None,
    /// An Arabic suffix, or nothing.
    Arabic,
    /// ة written ت: a suffix must follow (حاملتها, حاملتان).
    ArabicTa,
    /// ة dropped for the plural: the suffix begins with ات (حاملات).
    ArabicPlural,
    /// English plural endings, or nothing.
    English,
    /// Anything (prefix terms).
    Any,
}

/// What may precede a pattern's match inside the word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head {
    None,
    /// Arabic proclitics; the bool: the article is required.
    Arabic(bool),
    /// Exactly the article (an exact Arabic term written with ال).
    Article,
}

/// One string the automaton looks for, and the rules around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub key: String,
    pub head: Head,
    pub tail: Tail,
}

/// Parses a term as written in feeds.toml.
pub fn parse(raw: &str) -> Result<Term, String> {
    let mut t = raw.trim();
    let mut forms = None;
    if let Some(rest) = t.strip_prefix('=') {
        forms = Some(Forms::Exact);
        t = rest;
    } else if let Some(rest) = t.strip_prefix('<') {
        forms = Some(Forms::Proclitics);
        t = rest;
    } else if let Some(rest) = t.strip_prefix('+') {
        forms = Some(Forms::Full);
        t = rest;
    }
    if let Some(rest) = t.strip_suffix('*') {
        if forms.is_some() {
            return Err(format!(
                "term `{raw}`: `*` cannot be combined with `=`, `<` or `+`"
            ));
        }
        forms = Some(Forms::Prefix);
        t = rest;
    }
    let t = t.trim();
    let t = t
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(t)
        .trim();
    let mut key = normalize(t);
    if key.chars().filter(|c| c.is_alphanumeric()).count() == 0 {
        return Err(format!("term `{raw}` has no letters"));
    }
    let first = key.chars().find(|c| c.is_alphanumeric()).unwrap_or('a');
    let script = if is_arabic(first) {
        Script::Arabic
    } else {
        Script::Latin
    };
    let letters = key.chars().filter(|c| c.is_alphanumeric()).count();
    let forms = forms.unwrap_or(if letters <= 3 {
        Forms::Exact
    } else {
        Forms::Full
    });
    let case_sensitive = script == Script::Latin
        && t.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && t.chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    let mut article = false;
    if script == Script::Arabic
        && let Some(rest) = key.strip_prefix("ال")
        && rest.chars().take_while(|c| c.is_alphanumeric()).count() >= 3
    {
        article = true;
        key = rest.to_string();
    }
    // ة at the end of the term (after harakat are set aside).
    let ta_marbuta = script == Script::Arabic
        && t.chars().rev().find(|&c| !is_deleted(c)) == Some('ة')
        && matches!(forms, Forms::Full);
    let marks = if script == Script::Arabic {
        harakat(t, article)
    } else {
        Vec::new()
    };
    Ok(Term {
        raw: raw.to_string(),
        key,
        script,
        forms,
        article,
        case_sensitive,
        marks,
        ta_marbuta,
    })
}

impl Term {
    /// The patterns this term compiles to.
    pub fn patterns(&self) -> Vec<Pattern> {
        let head = match (self.script, self.forms, self.article) {
            (Script::Latin, _, _) => Head::None,
            (Script::Arabic, Forms::Exact, true) => Head::Article,
            (Script::Arabic, Forms::Exact, false) => Head::None,
            (Script::Arabic, _, article) => Head::Arabic(article),
        };
        let tail = match (self.script, self.forms) {
            (_, Forms::Exact | Forms::Proclitics) => Tail::None,
            (_, Forms::Prefix) => Tail::Any,
            (Script::Arabic, Forms::Full) => Tail::Arabic,
            (Script::Latin, Forms::Full) => Tail::English,
        };
        let mut out = vec![Pattern {
            key: self.key.clone(),
            head,
            tail,
        }];
        if self.ta_marbuta
            && let Some(stem) = self.key.strip_suffix('ه')
        {
            out.push(Pattern {
                key: format!("{stem}ت"),
                head,
                tail: Tail::ArabicTa,
            });
            out.push(Pattern {
                key: stem.to_string(),
                head,
                tail: Tail::ArabicPlural,
            });
        }
        if self.script == Script::Latin
            && self.forms == Forms::Full
            && let Some(stem) = self.key.strip_suffix('y')
            && stem.ends_with(|c: char| c.is_ascii_alphabetic() && !"aeiou".contains(c))
        {
            out.push(Pattern {
                key: format!("{stem}ies"),
                head,
                tail: Tail::None,
            });
        }
        out
    }
}

/// Arabic letters (and the Persian ones normalization keeps).
pub fn is_arabic(c: char) -> bool {
    ('\u{0620}'..='\u{064A}').contains(&c) || ('\u{066E}'..='\u{06D3}').contains(&c) || c == 'ء'
}

/// The harakat written on a term's letters, by letter index in its key.
fn harakat(t: &str, article_dropped: bool) -> Vec<(usize, Vec<char>)> {
    let mut out: Vec<(usize, Vec<char>)> = Vec::new();
    let mut index: isize = -1;
    for c in t.chars() {
        if is_haraka(c) {
            if index >= 0 {
                match out.last_mut() {
                    Some((i, m)) if *i == index as usize => m.push(c),
                    _ => out.push((index as usize, vec![c])),
                }
            }
        } else if !is_deleted(c) {
            index += 1;
        }
    }
    if article_dropped {
        out.retain(|(i, _)| *i >= 2);
        for (i, _) in &mut out {
            *i -= 2;
        }
    }
    out
}

/// Tashkeel proper: the vowel signs, sukun and shadda.
pub fn is_haraka(c: char) -> bool {
    ('\u{064B}'..='\u{0652}').contains(&c)
}

/// Every head [`arabic_head_ok`] may accept, whatever the article and the stem:
/// و or ف or neither, then ب ك ل س, the article (ال بال كال لل) or nothing.
pub fn arabic_heads() -> Vec<String> {
    let mut out = Vec::new();
    for conj in ["", "و", "ف"] {
        for rest in ["", "ب", "ك", "ل", "س", "ال", "بال", "كال", "لل"] {
            out.push(format!("{conj}{rest}"));
        }
    }
    out
}

/// Whether `prefix` (the key text between the word's start and the match) is a
/// valid run of Arabic proclitics; `article`: the article must be among them.
pub fn arabic_head_ok(prefix: &str, article: bool, stem_first: Option<char>) -> bool {
    // Conjunction, then preposition or future س, then the article.
    let rest = prefix
        .strip_prefix('و')
        .or_else(|| prefix.strip_prefix('ف'))
        .unwrap_or(prefix);
    let ok_with_article = matches!(rest, "ال" | "بال" | "كال" | "لل");
    if article {
        // ل + ال before a stem in ل writes a single لل: للبناني = ل + اللبناني.
        return ok_with_article || (rest == "ل" && stem_first == Some('ل'));
    }
    ok_with_article || matches!(rest, "" | "ب" | "ك" | "ل" | "س")
}

const PRONOUNS: &[&str] = &[
    "", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "نا", "ي", "ني",
];
const INFLECTIONS: &[&str] = &[
    "", "ات", "ان", "ين", "ون", "ي", "يه", "يت", "يات", "يان", "يين", "يون", "ا", "يا", "تان",
    "تين",
];

/// Whether `s` (the rest of the word after an Arabic match) is an inflection
/// and/or pronoun suffix.
pub fn arabic_tail_ok(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    s.len() <= 16
        && s != "يت"
        && INFLECTIONS
            .iter()
            .any(|i| s.strip_prefix(i).is_some_and(|p| PRONOUNS.contains(&p)))
}

/// After ة written ت: a pronoun, or a dual ending (with or without pronoun).
pub fn arabic_ta_tail_ok(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    ["ان", "ين", "ا", ""].iter().any(|d| {
        s.strip_prefix(d)
            .is_some_and(|p| PRONOUNS.contains(&p) && !(d.is_empty() && p.is_empty()))
    })
}

/// After a term's ة is dropped: the sound feminine plural ات, maybe a pronoun.
pub fn arabic_plural_tail_ok(s: &str) -> bool {
    s.strip_prefix("ات").is_some_and(|p| PRONOUNS.contains(&p))
}

/// English plural endings.
pub fn english_tail_ok(s: &str) -> bool {
    matches!(s, "" | "s" | "es")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(raw: &str) -> Term {
        parse(raw).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn markers_and_defaults() {
        assert_eq!(t("تخصيب").forms, Forms::Full);
        assert_eq!(t("قطر").forms, Forms::Exact);
        assert_eq!(t("US").forms, Forms::Exact);
        assert_eq!(t("<مصر").forms, Forms::Proclitics);
        assert_eq!(t("+قطر").forms, Forms::Full);
        assert_eq!(t("=Oman").forms, Forms::Exact);
        assert_eq!(t("enrich*").forms, Forms::Prefix);
        assert_eq!(t("enrich*").key, "enrich");
        assert_eq!(t("\"Gulf of Oman\"").key, "gulf of oman");
        assert!(parse("=x*").is_err());
        assert!(parse("*").is_err());
        assert!(parse("  ").is_err());
    }

    #[test]
    fn capitals_are_case_sensitive() {
        assert!(t("US").case_sensitive);
        assert!(t("U.S.").case_sensitive);
        assert!(t("IAEA").case_sensitive);
        assert!(!t("Muscat").case_sensitive);
        assert!(!t("مسقط").case_sensitive);
    }

    #[test]
    fn article_is_set_aside() {
        let h = t("الحوثي");
        assert_eq!((h.key.as_str(), h.article), ("حوثي", true));
        let p = t("الحرس الثوري");
        assert_eq!((p.key.as_str(), p.article), ("حرس الثوري", true));
        assert!(!t("الله").article, "two letters after ال are not a stem");
        assert!(!t("تخصيب").article);
    }

    #[test]
    fn harakat_are_kept_as_requirements() {
        assert_eq!(t("عمّان").marks, vec![(1, vec!['\u{0651}'])]);
        assert_eq!(t("العُمانية").marks, vec![(0, vec!['\u{064F}'])]);
        assert!(t("عمان").marks.is_empty());
    }

    #[test]
    fn ta_marbuta_patterns() {
        let keys: Vec<(String, Tail)> = t("حاملة")
            .patterns()
            .into_iter()
            .map(|p| (p.key, p.tail))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("حامله".to_string(), Tail::Arabic),
                ("حاملت".to_string(), Tail::ArabicTa),
                ("حامل".to_string(), Tail::ArabicPlural),
            ]
        );
        let y: Vec<String> = t("militia").patterns().into_iter().map(|p| p.key).collect();
        assert_eq!(y, vec!["militia"]);
        let y: Vec<String> = t("party").patterns().into_iter().map(|p| p.key).collect();
        assert_eq!(y, vec!["party", "parties"]);
    }

    #[test]
    fn proclitics() {
        for p in [
            "", "و", "ف", "ب", "ك", "ل", "س", "ال", "وال", "فال", "بال", "كال", "لل", "وبال",
            "فبال", "ولل", "فلل", "وب", "ول", "فل", "وكال",
        ] {
            assert!(arabic_head_ok(p, false, None), "{p}");
        }
        for p in ["ت", "م", "مت", "الم", "بب", "وو", "ا", "لا"] {
            assert!(!arabic_head_ok(p, false, None), "{p}");
        }
        assert!(arabic_head_ok("ال", true, None));
        assert!(arabic_head_ok("وبال", true, None));
        assert!(arabic_head_ok("لل", true, None));
        assert!(!arabic_head_ok("", true, None));
        assert!(!arabic_head_ok("و", true, None));
        assert!(arabic_head_ok("ل", true, Some('ل')));
    }

    #[test]
    fn every_accepted_head_is_listed() {
        // Every string of up to four letters over the letters of the heads and a
        // few others, with every stem letter: what passes is a listed head.
        let heads = arabic_heads();
        let mut alphabet: Vec<char> = heads.iter().flat_map(|h| h.chars()).collect();
        alphabet.sort();
        alphabet.dedup();
        alphabet.extend("متي".chars());
        let mut words = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(last.iter().cloned());
        }
        assert!(words.len() > 10_000);
        let stems: Vec<Option<char>> = std::iter::once(None)
            .chain(('\u{0621}'..='\u{064A}').map(Some))
            .collect();
        for w in &words {
            let ok = [true, false]
                .iter()
                .any(|&article| stems.iter().any(|&f| arabic_head_ok(w, article, f)));
            assert_eq!(ok, heads.contains(w), "{w}");
        }
    }

    #[test]
    fn suffixes() {
        for s in [
            "", "ه", "ها", "هم", "هما", "كم", "نا", "ي", "ات", "ان", "ين", "ون", "اته", "اتها",
            "يه", "يون", "يين", "ا", "يا",
        ] {
            assert!(arabic_tail_ok(s), "{s}");
        }
        for s in ["ص", "ة", "ت", "ور", "يت", "اتت", "هاه"] {
            assert!(!arabic_tail_ok(s), "{s}");
        }
        for s in ["ها", "ه", "ان", "ين", "ا", "اه", "ي"] {
            assert!(arabic_ta_tail_ok(s), "{s}");
        }
        assert!(!arabic_ta_tail_ok(""));
        assert!(arabic_plural_tail_ok("ات"));
        assert!(arabic_plural_tail_ok("اتها"));
        assert!(!arabic_plural_tail_ok(""));
        assert!(english_tail_ok("s") && english_tail_ok("es") && !english_tail_ok("ine"));
    }
}
