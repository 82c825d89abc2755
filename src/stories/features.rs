//! What the clustering reads off one item: its weighted words (per language),
//! its evidence that does not depend on language (the taxonomy's rules that
//! matched, glossary concepts, names as consonant skeletons, numbers) and its
//! MinHash signature. Built once per item from the classifier's normalized keys.

use rustc_hash::FxHashMap;

use super::glossary::Meaning;
use super::minhash::{self, Signature};
use super::names;
use super::terms::{self, for_each_word, hash, hash_num};

/// Tags of the hashed feature kinds (one byte in the hash keeps them apart).
pub const WORD: u8 = b'w';
pub const RULE: u8 = b'r';
pub const PARTY: u8 = b'p';
pub const CONCEPT: u8 = b'c';
pub const NUMBER: u8 = b'#';

/// Which kind of taxonomy rule a label comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Topic,
    Party,
    Alert,
}

/// One label the classifier gave the item.
#[derive(Debug, Clone, Copy)]
pub struct Rule<'a> {
    pub kind: RuleKind,
    pub id: &'a str,
}

/// One item as the clustering sees it.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// The caller's number for the item (store id, input line), unique: a
    /// story is named by its first item's.
    pub id: u64,
    /// Unix seconds.
    pub published: i64,
    /// The classifier's language: "ar", "en", anything else is "other".
    pub lang: &'a str,
    pub source: &'a str,
    /// Title and text as shown (capitals tell Latin names).
    pub title: &'a str,
    pub text: &'a str,
    /// Their normalized keys (as the classifier made them).
    pub title_key: &'a str,
    pub text_key: &'a str,
    pub rules: &'a [Rule<'a>],
}

/// Language slots: stories keep words and evidence per slot.
pub const SLOTS: usize = 3;

pub fn slot(lang: &str) -> usize {
    match lang {
        "ar" => 0,
        "en" => 1,
        _ => 2,
    }
}

pub fn slot_name(s: usize) -> &'static str {
    ["ar", "en", "other"][s.min(2)]
}

/// The kind of one piece of language-free evidence, for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Rule,
    Party,
    Concept,
    Name,
    Number,
}

/// One piece of language-free evidence and how the item wrote it.
#[derive(Debug, Clone)]
pub struct Evidence<'a> {
    pub key: u64,
    pub kind: Kind,
    pub shown: &'a str,
}

/// The features of one item.
#[derive(Debug, Default)]
pub struct Features<'a> {
    pub slot: usize,
    /// Term → (weighted count, a form the item wrote it in), title words
    /// counting `title_weight` times.
    pub words: Vec<(u64, f32, &'a str)>,
    pub evidence: Vec<Evidence<'a>>,
    pub signature: Option<Signature>,
    /// The title reports a market move (prices, oil, gold, currencies): such
    /// a report is its own story, never part of the event that moved it.
    pub market: bool,
}

/// The glossary, compiled.
pub struct Lexicon {
    glossary: FxHashMap<u64, Meaning>,
    market: rustc_hash::FxHashSet<u64>,
}

/// Title words of a market report (stemmed as the clustering stems).
const MARKET: &str = "oil crude brent gold price prices stocks shares markets currency dollar \
    inflation bourse bonds yields futures traders نفط النفط خام برنت الذهب ذهب اسعار سعر \
    بورصه البورصه اسهم الاسهم عمله الدولار تضخم التضخم";

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon {
            glossary: super::glossary::table(WORD).into_iter().collect(),
            market: MARKET
                .split_whitespace()
                .map(|w| hash(WORD, terms::stem(&crate::text::normalize(w))))
                .collect(),
        }
    }
}

impl Lexicon {
    pub fn features<'a>(&self, item: &Item<'a>, title_weight: f32) -> Features<'a> {
        let slot = slot(item.lang);
        let mut tf: Vec<(u64, f32, &'a str)> = Vec::with_capacity(96);
        let mut evidence: Vec<Evidence<'a>> = Vec::with_capacity(128);
        // Duplicates go at the end (a stable sort keeps each key's first).
        let push_ev = |ev: &mut Vec<Evidence<'a>>, key: u64, kind: Kind, shown: &'a str| {
            ev.push(Evidence { key, kind, shown });
        };
        for r in item.rules {
            let (tag, kind) = match r.kind {
                RuleKind::Party => (PARTY, Kind::Party),
                RuleKind::Topic | RuleKind::Alert => (RULE, Kind::Rule),
            };
            push_ev(&mut evidence, hash(tag, r.id), kind, r.id);
        }
        let mut all_words: Vec<&'a str> = Vec::with_capacity(96);
        let mut market = false;
        for (key, weight, in_title) in [
            (item.title_key, title_weight, true),
            (item.text_key, 1.0, false),
        ] {
            for_each_word(key, |w| {
                all_words.push(w);
                if terms::is_stop(w) {
                    return;
                }
                if let Some(k) = names::number(w) {
                    push_ev(&mut evidence, hash_num(NUMBER, k), Kind::Number, w);
                }
                let stem = terms::stem(w);
                let term = hash(WORD, stem);
                market |= in_title && self.market.contains(&term);
                tf.push((term, weight, w));
                match self.glossary.get(&term) {
                    Some(Meaning::Concept(c)) => push_ev(
                        &mut evidence,
                        hash_num(CONCEPT, u64::from(*c)),
                        Kind::Concept,
                        w,
                    ),
                    Some(Meaning::Number(k)) => {
                        push_ev(&mut evidence, hash_num(NUMBER, *k), Kind::Number, w)
                    }
                    None if terms::is_arabic(w) => {
                        names::arabic(w, |h| push_ev(&mut evidence, h, Kind::Name, w))
                    }
                    None => {}
                }
            });
        }
        // Latin names from the original text, where capitals tell them; not
        // from a title in title case, where they tell nothing.
        let title = if title_case(item.title) {
            ""
        } else {
            item.title
        };
        for text in [title, item.text] {
            for w in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '\'') {
                let w = w.strip_suffix("'s").unwrap_or(w);
                if names::looks_like_name(w)
                    && let Some(h) = names::latin(w)
                {
                    push_ev(&mut evidence, h, Kind::Name, w);
                }
            }
        }
        let signature = minhash::signature(all_words.iter().copied());
        // Counts per term (the first form seen shows it), sorted by term.
        tf.sort_by_key(|w| w.0);
        let mut words: Vec<(u64, f32, &'a str)> = Vec::with_capacity(tf.len());
        for (t, n, w) in tf {
            match words.last_mut() {
                Some(last) if last.0 == t => last.1 += n,
                _ => words.push((t, n, w)),
            }
        }
        evidence.sort_by_key(|e| e.key);
        evidence.dedup_by_key(|e| e.key);
        Features {
            slot,
            words,
            evidence,
            signature,
            market,
        }
    }
}

/// Whether most longer words of a Latin title are capitalized ("Oil Climbs as
/// US Carrier Build-Up Near Iran Stokes Supply Concerns").
fn title_case(title: &str) -> bool {
    let (mut long, mut caps) = (0, 0);
    for w in title.split(|c: char| !c.is_ascii_alphabetic()) {
        if w.len() >= 4 {
            long += 1;
            caps += usize::from(w.starts_with(|c: char| c.is_ascii_uppercase()));
        }
    }
    long >= 3 && caps * 10 >= long * 7
}
