//! One Aho-Corasick automaton over the normalized keys of every term of every
//! rule, so an item is read once however many rules there are. Each raw match
//! is then checked against its term's word forms (what may stand before and
//! after it in the word), capitals and harakat, and becomes a [`Hit`].

use std::collections::HashMap;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::{self, DFA};
use aho_corasick::{Anchored, MatchKind};

use super::forms::{self, Head, Script, Tail, Term};
use crate::model::Field;
use crate::text::{Normalized, is_deleted, is_word_char};

/// Longest run of proclitics before a stem, in characters (وبال, فكال).
const MAX_HEAD_CHARS: usize = 4;
/// Longest suffix after a stem, in characters (اتهما).
const MAX_TAIL_CHARS: usize = 6;

/// A term found in a field: the whole word (clitics included) in key offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub field: Field,
    pub start: u32,
    pub end: u32,
    pub term: u32,
}

impl Hit {
    fn order(&self) -> (u8, u32, u32, u32) {
        (self.field as u8, self.start, self.end, self.term)
    }
}

impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Hit {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order().cmp(&other.order())
    }
}

struct PatternInfo {
    term: u32,
    head: Head,
    tail: Tail,
    /// The key begins or ends with a word character (else no boundary check).
    word_start: bool,
    word_end: bool,
}

/// The compiled automaton and the forms of its patterns.
pub struct Matcher {
    dfa: DFA,
    /// Automaton pattern id → the keys beginning with that prefix.
    groups: Vec<Vec<u32>>,
    /// Automaton pattern id → its length in characters (1..=4).
    prefix_len: Vec<usize>,
    keys: Vec<Key>,
    terms: Vec<Term>,
}

/// A distinct normalized key and the patterns (term, forms) that share it.
struct Key {
    key: String,
    infos: Vec<PatternInfo>,
}

/// How many characters of each key the automaton holds.
const AUTOMATON_PREFIX: usize = 4;

impl Matcher {
    pub fn new(terms: Vec<Term>) -> Result<Matcher, String> {
        let mut keys: Vec<Key> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (ti, term) in terms.iter().enumerate() {
            for p in term.patterns() {
                let k = *index.entry(p.key.clone()).or_insert_with(|| {
                    keys.push(Key {
                        key: p.key.clone(),
                        infos: Vec::new(),
                    });
                    keys.len() - 1
                });
                let info = PatternInfo {
                    term: ti as u32,
                    head: p.head,
                    tail: p.tail,
                    word_start: p.key.chars().next().is_some_and(is_word_char),
                    word_end: p.key.chars().next_back().is_some_and(is_word_char),
                };
                if !keys[k]
                    .infos
                    .iter()
                    .any(|o| o.term == info.term && o.head == info.head && o.tail == info.tail)
                {
                    keys[k].infos.push(info);
                }
            }
        }
        // The automaton holds only the first characters of each key, one byte
        // each ([`compact_byte`]): a small automaton stays in cache; the rest of
        // the key is compared on a hit.
        let mut prefixes: Vec<Vec<u8>> = Vec::new();
        let mut groups: Vec<Vec<u32>> = Vec::new();
        let mut by_prefix: HashMap<Vec<u8>, usize> = HashMap::new();
        for (ki, k) in keys.iter().enumerate() {
            let mut c: Vec<u8> = k.key.chars().map(compact_byte).collect();
            c.truncate(AUTOMATON_PREFIX);
            let g = *by_prefix.entry(c.clone()).or_insert_with(|| {
                prefixes.push(c);
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(ki as u32);
        }
        let dfa = dfa::Builder::new()
            .match_kind(MatchKind::Standard)
            // Arabic patterns all start with the same few bytes: a prefilter on
            // start bytes would fire at every letter.
            .prefilter(false)
            .build(&prefixes)
            .map_err(|e| format!("cannot build the matcher: {e}"))?;
        Ok(Matcher {
            dfa,
            groups,
            prefix_len: prefixes.iter().map(Vec::len).collect(),
            keys,
            terms,
        })
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Appends to `out` the hits of every term in one field.
    pub fn scan(&self, field: Field, n: &Normalized, orig: &str, out: &mut Vec<Hit>) {
        let key = n.key.as_str();
        let bytes = key.as_bytes();
        let dfa = &self.dfa;
        let Ok(mut sid) = dfa.start_state(Anchored::No) else {
            return;
        };
        // Overlapping search over one byte per character; `starts` holds the key
        // offsets of the last four characters (a pattern is at most four).
        let mut starts = [0usize; AUTOMATON_PREFIX];
        let mut ci = 0usize;
        let mut i = 0usize;
        while i < bytes.len() {
            let b = bytes[i];
            let (cb, len) = if b < 0x80 {
                (COMPACT_ASCII[usize::from(b)], 1)
            } else if (0xD8..=0xDB).contains(&b) && i + 1 < bytes.len() {
                let cp = ((usize::from(b) & 0x1F) << 6) | (usize::from(bytes[i + 1]) & 0x3F);
                (COMPACT_ARABIC[cp - 0x600], 2)
            } else {
                match key[i..].chars().next() {
                    Some(c) => (compact_byte(c), c.len_utf8()),
                    None => break,
                }
            };
            starts[ci % AUTOMATON_PREFIX] = i;
            ci += 1;
            i += len;
            sid = dfa.next_state(Anchored::No, sid, cb);
            if !dfa.is_special(sid) || !dfa.is_match(sid) {
                continue;
            }
            for mi in 0..dfa.match_len(sid) {
                let pid = dfa.match_pattern(sid, mi).as_usize();
                let s = starts[(ci - self.prefix_len[pid]) % AUTOMATON_PREFIX];
                for &ki in &self.groups[pid] {
                    let k = &self.keys[ki as usize];
                    let e = s + k.key.len();
                    if bytes.get(s..e) != Some(k.key.as_bytes()) {
                        continue;
                    }
                    for p in &k.infos {
                        if let Some((ws, we)) = self.check(p, key, s, e)
                            && self.check_original(p.term, n, orig, s, e)
                        {
                            out.push(Hit {
                                field,
                                start: ws as u32,
                                end: we as u32,
                                term: p.term,
                            });
                        }
                    }
                }
            }
        }
    }

    /// The word span of a valid match, or None when the forms around it do not fit.
    fn check(&self, p: &PatternInfo, key: &str, s: usize, e: usize) -> Option<(usize, usize)> {
        let ws = if !p.word_start {
            s
        } else {
            let ws = word_start(key, s, MAX_HEAD_CHARS)?;
            let prefix = &key[ws..s];
            let ok = match p.head {
                Head::None => prefix.is_empty(),
                Head::Article => prefix == "ال",
                Head::Arabic(article) => {
                    forms::arabic_head_ok(prefix, article, key[s..].chars().next())
                }
            };
            if !ok {
                return None;
            }
            ws
        };
        let we = if !p.word_end {
            e
        } else if p.tail == Tail::Any {
            word_end(key, e, usize::MAX)?
        } else {
            let we = word_end(key, e, MAX_TAIL_CHARS)?;
            let suffix = &key[e..we];
            let ok = match p.tail {
                Tail::None => suffix.is_empty(),
                Tail::Arabic => forms::arabic_tail_ok(suffix),
                Tail::ArabicTa => forms::arabic_ta_tail_ok(suffix),
                Tail::ArabicPlural => forms::arabic_plural_tail_ok(suffix),
                Tail::English => forms::english_tail_ok(suffix),
                Tail::Any => true,
            };
            if !ok {
                return None;
            }
            we
        };
        Some((ws, we))
    }

    /// Capitals and harakat, checked on the original text of the stem.
    fn check_original(&self, term: u32, n: &Normalized, orig: &str, s: usize, e: usize) -> bool {
        let t = &self.terms[term as usize];
        if !t.case_sensitive && t.marks.is_empty() {
            return true;
        }
        let (a, b) = n.original_range(orig, s, e);
        let text = &orig[a..b];
        if t.case_sensitive
            && t.script == Script::Latin
            && text.chars().any(|c| c.is_alphabetic() && !c.is_uppercase())
        {
            return false;
        }
        if !t.marks.is_empty() {
            let mut marks: Vec<Vec<char>> = Vec::new();
            for c in text.chars() {
                if forms::is_haraka(c) {
                    if let Some(last) = marks.last_mut() {
                        last.push(c);
                    }
                } else if !is_deleted(c) {
                    marks.push(Vec::new());
                }
            }
            return t.marks.iter().all(|(i, need)| {
                marks
                    .get(*i)
                    .is_some_and(|have| need.iter().all(|m| have.contains(m)))
            });
        }
        true
    }
}

/// One byte standing for a character of a key, what the automaton reads: Arabic
/// letters U+0621..=U+064A as 1..=42 and Latin letters (either case) as 1..=26,
/// digits as 43..=52, a few ASCII signs each their own, everything else 58 or
/// 59. The values are few and dense, so the automaton has few byte classes and
/// a small table that stays in cache. Latin and Arabic letters share values:
/// every candidate is compared with the key itself.
const fn compact_byte(c: char) -> u8 {
    let cp = c as u32;
    match cp {
        0x61..=0x7A => (cp - 0x61 + 1) as u8,
        0x41..=0x5A => (cp - 0x41 + 1) as u8,
        0x30..=0x39 => (cp - 0x30 + 43) as u8,
        0x20 => 53,
        0x27 => 54,
        0x2E => 55,
        0x2D => 56,
        0x00..=0x7F => 57,
        0x621..=0x64A => (cp - 0x621 + 1) as u8,
        0x600..=0x6FF => 59,
        _ => 58,
    }
}

/// [`compact_byte`] of ASCII.
static COMPACT_ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = compact_byte(i as u8 as char);
        i += 1;
    }
    t
};

/// [`compact_byte`] of U+0600..=U+06FF.
static COMPACT_ARABIC: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match char::from_u32(0x600 + i as u32) {
            Some(c) => compact_byte(c),
            None => 59,
        };
        i += 1;
    }
    t
};

/// Start of the word that contains byte `s`, if at most `max` word characters
/// stand before `s` in it.
fn word_start(key: &str, s: usize, max: usize) -> Option<usize> {
    let mut ws = s;
    for (n, c) in key[..s].chars().rev().enumerate() {
        if !is_word_char(c) {
            return Some(ws);
        }
        if n >= max {
            return None;
        }
        ws -= c.len_utf8();
    }
    Some(ws)
}

/// End of the word that contains byte `e`, if at most `max` word characters
/// follow `e` in it.
fn word_end(key: &str, e: usize, max: usize) -> Option<usize> {
    let mut we = e;
    for (n, c) in key[e..].chars().enumerate() {
        if !is_word_char(c) {
            return Some(we);
        }
        if n >= max {
            return None;
        }
        we += c.len_utf8();
    }
    Some(we)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(terms: &[&str], text: &str) -> Vec<String> {
        let terms = terms
            .iter()
            .map(|t| forms::parse(t).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        let m = Matcher::new(terms).unwrap_or_else(|e| panic!("{e}"));
        let n = Normalized::new(text);
        let mut out = Vec::new();
        m.scan(Field::Body, &n, text, &mut out);
        out.sort();
        out.dedup_by_key(|h| (h.start, h.end));
        out.iter()
            .map(|h| {
                let (a, b) = n.original_range(text, h.start as usize, h.end as usize);
                text[a..b].to_string()
            })
            .collect()
    }

    fn fires(terms: &[&str], text: &str) -> bool {
        !hits(terms, text).is_empty()
    }

    #[test]
    fn enrichment_forms() {
        let t = &["تخصيب"];
        for w in [
            "تخصيب",
            "التخصيب",
            "بالتخصيب",
            "وتخصيب",
            "للتخصيب",
            "تخصيبه",
            "تخصيبها",
            "التَّخْصِيب",
            "تخـصيب",
            "وبالتخصيب",
            "تخصيبي",
        ] {
            assert!(fires(t, &format!("قال إن {w} مستمر")), "{w}");
        }
        for w in ["تخصيص", "خصوبة", "المخصّب", "تخصّب", "enrichment", "متخصصة"]
        {
            assert!(!fires(t, &format!("قال إن {w} مستمر")), "{w}");
        }
        assert_eq!(hits(t, "حق التَّخْصِيبِ"), vec!["التَّخْصِيبِ"]);
    }

    #[test]
    fn muscat_forms() {
        let t = &["Muscat", "مسقط"];
        for w in [
            "Muscat",
            "MUSCAT",
            "muscat",
            "Muscat's",
            "Muscat’s",
            "مسقط",
            "ومسقط",
            "بمسقط",
            "لمسقط",
            "مسقط رأسه",
            "مَسْقَط",
            "مسـقط",
        ] {
            assert!(fires(t, &format!("talks in {w} today")), "{w}");
        }
        for w in ["Muscatine", "muscatel", "Muscatels"] {
            assert!(!fires(t, &format!("talks in {w} today")), "{w}");
        }
    }

    #[test]
    fn english_words_plurals_prefixes() {
        assert!(fires(&["sanction"], "new sanctions on Iran"));
        assert!(fires(&["missile"], "Iran's missiles"));
        assert!(fires(&["militia"], "Iraqi militias"));
        assert!(fires(&["party"], "two parties met"));
        assert!(!fires(&["strike"], "the striker scored"));
        assert!(fires(&["enrich*"], "highly enriched uranium"));
        assert!(fires(&["enrich*"], "enrichment"));
        assert!(!fires(&["enrich*"], "unenriched"));
        assert!(fires(&["Tehran"], "Tehran's response"));
        assert!(fires(&["Iran"], "US-Iran talks"));
        assert!(!fires(&["Iran"], "Iranian"));
        assert!(fires(&["Gulf of Oman"], "in the Gulf of  Oman"));
    }

    #[test]
    fn capitals_only_for_capital_terms() {
        assert!(fires(&["US"], "the US navy"));
        assert!(!fires(&["US"], "he told us"));
        assert!(fires(&["U.S."], "U.S. forces"));
        assert!(!fires(&["US"], "USA"));
        assert!(fires(&["IAEA"], "the IAEA said"));
    }

    #[test]
    fn short_terms_are_exact() {
        assert!(fires(&["قطر"], "فازت قطر"));
        assert!(!fires(&["قطر"], "وقطر"));
        assert!(!fires(&["قطر"], "قطرات المطر"));
        assert!(fires(&["<قطر"], "وقطر"));
        assert!(fires(&["<قطر"], "لقطر"));
        assert!(!fires(&["<قطر"], "قطرات"));
        assert!(fires(&["+قطر"], "قطري"));
        assert!(!fires(&["UN"], "unable"));
        assert!(fires(&["=Oman"], "Oman"));
        assert!(!fires(&["=Oman"], "Omans"));
    }

    #[test]
    fn arabic_clitics_and_suffixes() {
        let t = &["صاروخ"];
        for w in [
            "صاروخ",
            "الصاروخ",
            "بصاروخ",
            "صاروخاً",
            "صاروخين",
            "صاروخان",
            "وصاروخه",
        ] {
            assert!(fires(t, w), "{w}");
        }
        assert!(fires(t, "صاروخية"), "nisba");
        assert!(!fires(t, "صاروخور"));
        let t = &["الحوثي"];
        for w in [
            "الحوثي",
            "والحوثي",
            "للحوثي",
            "الحوثيون",
            "الحوثيين",
            "بالحوثيين",
        ] {
            assert!(fires(t, w), "{w}");
        }
        assert!(!fires(t, "حوثي"));
        let t = &["إيران"];
        for w in [
            "إيران",
            "ايران",
            "لإيران",
            "وإيران",
            "الإيرانية",
            "إيراني",
            "الايراني",
        ] {
            assert!(fires(t, w), "{w}");
        }
        assert!(!fires(t, "إيرانشهر"));
    }

    #[test]
    fn ta_marbuta_forms() {
        let t = &["حاملة"];
        for w in [
            "حاملة",
            "حاملتا",
            "حاملتان",
            "حاملتها",
            "حاملات",
            "الحاملات",
            "حاملاتها",
        ] {
            assert!(fires(t, w), "{w}");
        }
        assert!(!fires(t, "حاملت"));
        assert!(!fires(t, "حامل"));
    }

    #[test]
    fn harakat_required_when_written() {
        let t = &["عمّان"];
        assert!(fires(t, "في عمّان"));
        assert!(fires(t, "في عَمّان"));
        assert!(!fires(t, "في عُمان"));
        assert!(!fires(t, "في عمان"));
    }

    #[test]
    fn phrases() {
        assert!(fires(&["حزب الله"], "قال لحزب الله"));
        assert!(fires(&["Kataib Hezbollah"], "Kataib Hezbollah fighters"));
        assert!(fires(&["الحرس الثوري"], "وللحرس الثوري"));
        assert!(fires(&["الحرس الثوري"], "الحرس الثوري الإيراني"));
    }
}
