//! Finds the normalized keys of every term of every rule in one pass over a
//! field's key, so an item is read once however many rules there are. Each raw
//! match is then checked against its term's word forms (what may stand before
//! and after it in the word), capitals and harakat, and becomes a [`Hit`].
//!
//! A key that begins with a word character can only match where its word-form
//! check can pass: at the first character of a word, or right after a head
//! (proclitics or the article, [`forms::arabic_heads`]) that begins the word.
//! So the scan goes from word start to word start (found by normalization),
//! follows the heads with a small automaton, and at those few places looks up
//! the keys by their first three characters in tables that stay in cache; a
//! candidate is compared by its first eight bytes, then whole. The rare keys that begin with another character are found with
//! an Aho-Corasick automaton over the whole key.

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{AhoCorasick, MatchKind};

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

/// The key tables and the forms of their patterns.
pub struct Matcher {
    /// Keys that begin with a word character: they may match at the first
    /// character of a word, or (those with a head) after a head.
    words: Table,
    /// Keys that do not begin with a word character, matched anywhere: the
    /// automaton and, by its pattern id, the key.
    anywhere: Option<(AhoCorasick, Vec<u32>)>,
    /// The heads, as an automaton: state × head letter → state ([`DEAD`]: no
    /// head begins so); state 0 is the empty head.
    head_next: Vec<[u8; HEAD_LETTERS]>,
    /// The state is a whole head (a key may follow it).
    head_done: Vec<bool>,
    /// Letters heads are made of: index (1..) → letter.
    head_letters: Vec<char>,
    /// [`Matcher::class`] of ASCII and of U+0600..=U+06FF.
    ascii: [u16; 128],
    arabic: [u16; 256],
    keys: Vec<Key>,
    terms: Vec<Term>,
}

/// A distinct normalized key and the patterns (term, forms) that share it.
struct Key {
    key: String,
    infos: Vec<PatternInfo>,
}

/// Keys by their first characters, one [`compact_byte`] each (never 0).
struct Table {
    /// Keys of one or two characters: bit c1 of `short[c0]` (bit 0: one character).
    short: [u64; 64],
    /// (c0 << 6 | c1, key) of the keys of one or two characters (c1 = 0: one).
    short_keys: Vec<(u16, u32)>,
    /// Bit [`gram_hash`] >> (32 - [`FILTER_BITS`]): some longer key may begin
    /// with these three characters.
    filter: Vec<u64>,
    /// Slot [`gram_hash`] >> (32 - [`SLOT_BITS`]): the candidates
    /// `cands[slots[h]..slots[h + 1]]`.
    slots: Vec<u32>,
    cands: Vec<Cand>,
}

const FILTER_BITS: u32 = 15;
const SLOT_BITS: u32 = 11;

/// A key of three characters or more: its first sixteen bytes (zeros after a
/// shorter key: no key or text holds a NUL), its id, its length and [`HEAD`].
struct Cand {
    prefix: u64,
    next: u64,
    key: u32,
    len: u32,
}

/// In [`Cand::len`]: some pattern of the key has a head.
const HEAD: u32 = 1 << 31;

/// The mask of the first `n` bytes of a u64 (all of it from 8 on).
fn byte_mask(n: usize) -> u64 {
    if n >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * n)) - 1
    }
}

/// Bits of a class: the compact byte, a word character, the head letter index.
const COMPACT: u16 = 0x3F;
const WORD: u16 = 0x40;
const LETTER_SHIFT: u32 = 8;
/// Head letters (7 now) plus the index 0 for none.
const HEAD_LETTERS: usize = 16;
const DEAD: u8 = u8::MAX;

fn gram_hash(c0: u16, c1: u16, c2: u16) -> u32 {
    (u32::from(c0) << 12 | u32::from(c1) << 6 | u32::from(c2)).wrapping_mul(0x9E37_79B1)
}

/// The first eight bytes of `bytes[s..]`, zeros after its end.
#[inline(always)]
fn load8(bytes: &[u8], s: usize) -> u64 {
    let rest = bytes.get(s..).unwrap_or(&[]);
    match rest.first_chunk::<8>() {
        Some(b) => u64::from_le_bytes(*b),
        None => {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(b)
        }
    }
}

impl Table {
    fn new(keys: &[Key], ids: impl Iterator<Item = u32>) -> Table {
        let mut short = [0u64; 64];
        let mut short_keys = Vec::new();
        let mut by_slot: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        let mut filter = vec![0u64; 1 << (FILTER_BITS - 6)];
        for ki in ids {
            let mut c = keys[ki as usize]
                .key
                .chars()
                .map(|c| u16::from(compact_byte(c)));
            match (c.next(), c.next(), c.next()) {
                (Some(c0), c1, None) => {
                    let c1 = c1.unwrap_or(0);
                    short[usize::from(c0)] |= 1 << c1;
                    short_keys.push((c0 << 6 | c1, ki));
                }
                (Some(c0), Some(c1), Some(c2)) => {
                    let h = gram_hash(c0, c1, c2);
                    let f = (h >> (32 - FILTER_BITS)) as usize;
                    filter[f / 64] |= 1 << (f % 64);
                    by_slot.entry(h >> (32 - SLOT_BITS)).or_default().push(ki);
                }
                _ => {}
            }
        }
        short_keys.sort_unstable();
        let mut slots = Vec::with_capacity((1 << SLOT_BITS) + 1);
        let mut cands = Vec::new();
        for slot in 0..1u32 << SLOT_BITS {
            slots.push(cands.len() as u32);
            for &ki in by_slot.get(&slot).into_iter().flatten() {
                let k = keys[ki as usize].key.as_bytes();
                let k16 = &k[..k.len().min(16)];
                let head = keys[ki as usize].infos.iter().any(|p| p.head != Head::None);
                cands.push(Cand {
                    prefix: load8(k16, 0),
                    next: load8(k16, 8),
                    key: ki,
                    len: k.len() as u32 | if head { HEAD } else { 0 },
                });
            }
        }
        slots.push(cands.len() as u32);
        Table {
            short,
            short_keys,
            filter,
            slots,
            cands,
        }
    }
}

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
        let word_keys = || {
            (0..keys.len() as u32).filter(|&k| keys[k as usize].infos.iter().all(|p| p.word_start))
        };
        if keys.iter().any(|k| k.key.len() >= HEAD as usize) {
            return Err("cannot build the matcher: a term is too long".into());
        }
        let words = Table::new(&keys, word_keys());
        let other: Vec<u32> = (0..keys.len() as u32)
            .filter(|&k| !keys[k as usize].infos.iter().all(|p| p.word_start))
            .collect();
        let anywhere = if other.is_empty() {
            None
        } else {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(other.iter().map(|&k| keys[k as usize].key.as_str()))
                .map_err(|e| format!("cannot build the matcher: {e}"))?;
            Some((ac, other))
        };
        // The heads' automaton: one state per beginning of a head.
        let mut heads = forms::arabic_heads();
        heads.push("ال".to_string()); // Head::Article
        // A longer head fails the check anyway; the scan relies on it.
        heads.retain(|h| h.chars().count() <= MAX_HEAD_CHARS);
        let mut head_letters: Vec<char> = heads.iter().flat_map(|h| h.chars()).collect();
        head_letters.sort_unstable();
        head_letters.dedup();
        if head_letters.len() >= HEAD_LETTERS {
            return Err("cannot build the matcher: too many head letters".into());
        }
        let letter = |c: char| {
            head_letters
                .iter()
                .position(|&l| l == c)
                .map_or(0, |i| i + 1)
        };
        let mut states: BTreeMap<String, u8> = BTreeMap::new();
        states.insert(String::new(), 0);
        let mut head_next = vec![[DEAD; HEAD_LETTERS]];
        let mut head_done = vec![false];
        for h in &heads {
            let mut state = 0u8;
            let mut prefix = String::new();
            for c in h.chars() {
                prefix.push(c);
                let next = match states.get(&prefix) {
                    Some(&s) => s,
                    None => {
                        let s = u8::try_from(head_next.len())
                            .ok()
                            .filter(|&s| s != DEAD)
                            .ok_or("cannot build the matcher: too many heads")?;
                        states.insert(prefix.clone(), s);
                        head_next.push([DEAD; HEAD_LETTERS]);
                        head_done.push(false);
                        s
                    }
                };
                head_next[usize::from(state)][letter(c)] = next;
                state = next;
            }
            head_done[usize::from(state)] = true;
        }
        let class = |c: char| -> u16 {
            u16::from(compact_byte(c))
                | if is_word_char(c) { WORD } else { 0 }
                | (letter(c) as u16) << LETTER_SHIFT
        };
        let mut ascii = [0u16; 128];
        for (b, x) in ascii.iter_mut().enumerate() {
            *x = class(char::from(b as u8));
        }
        let mut arabic = [0u16; 256];
        for (i, x) in arabic.iter_mut().enumerate() {
            *x = char::from_u32(0x600 + i as u32).map_or(0, class);
        }
        Ok(Matcher {
            words,
            anywhere,
            head_next,
            head_done,
            head_letters,
            ascii,
            arabic,
            keys,
            terms,
        })
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Compact byte, word character, head letter index of a character outside
    /// the tables.
    fn class(&self, c: char) -> u16 {
        u16::from(compact_byte(c))
            | if is_word_char(c) { WORD } else { 0 }
            | self
                .head_letters
                .iter()
                .position(|&l| l == c)
                .map_or(0, |i| (i as u16 + 1) << LETTER_SHIFT)
    }

    /// The class of the character at byte `i` of `key`, and its length.
    #[inline(always)]
    fn class_at(&self, key: &str, i: usize) -> (u16, usize) {
        let bytes = key.as_bytes();
        let b = bytes[i];
        if b < 0x80 {
            return (self.ascii[usize::from(b)], 1);
        }
        // U+0600..=U+06FF: two bytes, the first 0xD8..=0xDB.
        if (0xD8..=0xDB).contains(&b)
            && let Some(&b1) = bytes.get(i + 1)
        {
            let cp = ((usize::from(b) & 0x1F) << 6) | (usize::from(b1) & 0x3F);
            return (self.arabic[cp - 0x600], 2);
        }
        match key[i..].chars().next() {
            Some(c) => (self.class(c), c.len_utf8()),
            None => (0, 1),
        }
    }

    /// Appends to `out` the hits of every term in one field.
    pub fn scan(&self, field: Field, n: &Normalized, orig: &str, out: &mut Vec<Hit>) {
        let key = n.key.as_str();
        for &ws in n.word_starts() {
            // A word begins at `ws`: a key may begin here, and after each head
            // that begins the word. Each character is decoded once: `cls` and
            // `len` hold the classes and lengths of the three at `p` (class 0
            // past the end).
            let ws = ws as usize;
            let mut p = ws;
            let (c0, l0) = self.class_at(key, p);
            let (c1, l1) = self.class_after(key, p + l0);
            let (c2, l2) = self.class_after(key, p + l0 + l1);
            let mut cls = [c0, c1, c2];
            let mut len = [l0, l1, l2];
            self.lookup(false, field, n, orig, ws, p, cls, out);
            let mut state = 0u8;
            loop {
                let letter = usize::from(cls[0] >> LETTER_SHIFT);
                if letter == 0 {
                    break;
                }
                state = self.head_next[usize::from(state)][letter];
                if state == DEAD || cls[1] & WORD == 0 {
                    break;
                }
                p += len[0];
                let (c, l) = self.class_after(key, p + len[1] + len[2]);
                cls = [cls[1], cls[2], c];
                len = [len[1], len[2], l];
                if self.head_done[usize::from(state)] {
                    self.lookup(true, field, n, orig, ws, p, cls, out);
                }
            }
        }
        if let Some((ac, ids)) = &self.anywhere {
            for m in ac.find_overlapping_iter(key) {
                self.try_key(ids[m.pattern().as_usize()], field, n, orig, m.start(), out);
            }
        }
    }

    /// End of the word that contains byte `e`, if at most `max` word characters
    /// follow `e` in it.
    fn word_end(&self, key: &str, e: usize, max: usize) -> Option<usize> {
        let mut we = e;
        let mut n = 0;
        while we < key.len() {
            let (c, len) = self.class_at(key, we);
            if c & WORD == 0 {
                break;
            }
            if n >= max {
                return None;
            }
            we += len;
            n += 1;
        }
        Some(we)
    }

    /// The class and length of the character at byte `i` of `key`; (0, 0) at
    /// the end.
    #[inline(always)]
    fn class_after(&self, key: &str, i: usize) -> (u16, usize) {
        if i < key.len() {
            self.class_at(key, i)
        } else {
            (0, 0)
        }
    }

    /// Tries the keys of `table` that may begin at byte `s`, in the word that
    /// begins at `ws`; `cls`: the classes of the characters at `s` and the two
    /// after it (0 past the end).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn lookup(
        &self,
        after_head: bool,
        field: Field,
        n: &Normalized,
        orig: &str,
        ws: usize,
        s: usize,
        cls: [u16; 3],
        out: &mut Vec<Hit>,
    ) {
        let table = &self.words;
        let [c0, c1, c2] = cls.map(|c| c & COMPACT);
        let short = table.short[usize::from(c0)];
        if short != 0 {
            self.lookup_short(table, field, n, orig, ws, s, c0, c1, out);
        }
        if c2 == 0 {
            return;
        }
        let h = gram_hash(c0, c1, c2);
        let f = (h >> (32 - FILTER_BITS)) as usize;
        if table.filter[f / 64] >> (f % 64) & 1 == 0 {
            return;
        }
        let slot = (h >> (32 - SLOT_BITS)) as usize;
        let cands = &table.cands[table.slots[slot] as usize..table.slots[slot + 1] as usize];
        let bytes = n.key.as_bytes();
        let text = load8(bytes, s);
        for c in cands {
            let len = (c.len & !HEAD) as usize;
            if text & byte_mask(len) != c.prefix {
                continue;
            }
            // Only a key with a head (proclitics or the article) can match
            // inside a word.
            if after_head && c.len & HEAD == 0 {
                continue;
            }
            if len > 8 && load8(bytes, s + 8) & byte_mask(len - 8) != c.next {
                continue;
            }
            let k = &self.keys[c.key as usize];
            let e = s + len;
            if len > 16 && bytes.get(s + 16..e) != Some(&k.key.as_bytes()[16..]) {
                continue;
            }
            self.found(k, field, n, orig, Some(ws), s, e, out);
        }
    }

    /// The keys of one or two characters of `table` at byte `s`.
    #[cold]
    #[allow(clippy::too_many_arguments)]
    fn lookup_short(
        &self,
        table: &Table,
        field: Field,
        n: &Normalized,
        orig: &str,
        ws: usize,
        s: usize,
        c0: u16,
        c1: u16,
        out: &mut Vec<Hit>,
    ) {
        let short = table.short[usize::from(c0)];
        // Keys of one character (bit 0), of two (bit c1).
        for want in [0, c1] {
            if short >> want & 1 != 0 {
                let code = c0 << 6 | want;
                let from = table.short_keys.partition_point(|e| e.0 < code);
                for &(c, ki) in &table.short_keys[from..] {
                    if c != code {
                        break;
                    }
                    let k = &self.keys[ki as usize];
                    let e = s + k.key.len();
                    if n.key.as_bytes().get(s..e) == Some(k.key.as_bytes()) {
                        self.found(k, field, n, orig, Some(ws), s, e, out);
                    }
                }
            }
            if c1 == 0 {
                break;
            }
        }
    }

    /// Key `ki` if it stands at byte `s`: the hits of its patterns.
    fn try_key(
        &self,
        ki: u32,
        field: Field,
        n: &Normalized,
        orig: &str,
        s: usize,
        out: &mut Vec<Hit>,
    ) {
        let k = &self.keys[ki as usize];
        let e = s + k.key.len();
        if n.key.as_bytes().get(s..e) == Some(k.key.as_bytes()) {
            self.found(k, field, n, orig, None, s, e, out);
        }
    }

    /// The hits of the patterns of key `k`, found at `s..e`; `ws`: the start of
    /// its word when known (at most [`MAX_HEAD_CHARS`] characters before `s`).
    #[allow(clippy::too_many_arguments)]
    fn found(
        &self,
        k: &Key,
        field: Field,
        n: &Normalized,
        orig: &str,
        ws: Option<usize>,
        s: usize,
        e: usize,
        out: &mut Vec<Hit>,
    ) {
        for p in &k.infos {
            if let Some((ws, we)) = self.check(p, &n.key, ws, s, e)
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

    /// The word span of a valid match, or None when the forms around it do not fit.
    fn check(
        &self,
        p: &PatternInfo,
        key: &str,
        ws: Option<usize>,
        s: usize,
        e: usize,
    ) -> Option<(usize, usize)> {
        let ws = if !p.word_start {
            s
        } else {
            let ws = match ws {
                Some(ws) => ws,
                None => word_start(key, s, MAX_HEAD_CHARS)?,
            };
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
            self.word_end(key, e, usize::MAX)?
        } else {
            let we = self.word_end(key, e, MAX_TAIL_CHARS)?;
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

/// One byte standing for a character, what the key tables are indexed by:
/// Arabic letters U+0621..=U+064A as 1..=42 and Latin letters (either case) as
/// 1..=26, digits as 43..=52, a few ASCII signs each their own, everything else
/// 57, 58 or 59; never 0 and below 64. Latin and Arabic letters share values:
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

    impl Matcher {
        /// What [`Matcher::scan`] must find: every key tried at every character.
        fn scan_reference(&self, field: Field, n: &Normalized, orig: &str, out: &mut Vec<Hit>) {
            for (s, _) in n.key.char_indices() {
                for ki in 0..self.keys.len() as u32 {
                    self.try_key(ki, field, n, orig, s, out);
                }
            }
        }
    }

    /// Every term of the shipped rules, and terms of every kind of key: one or
    /// two characters, beginning with a sign or a letter that is not a word
    /// character, phrases, prefixes, capitals, harakat, ligatures.
    fn all_terms() -> Vec<Term> {
        let config = crate::config::Config::builtin();
        let mut raw: Vec<String> = Vec::new();
        let rules = config
            .topics
            .iter()
            .map(|t| &t.rule)
            .chain(config.parties.iter().map(|p| &p.rule))
            .chain(config.alerts.iter().map(|a| &a.rule));
        for m in rules {
            raw.extend(m.terms.iter().cloned());
            raw.extend(m.all.iter().flatten().cloned());
            for n in &m.near {
                raw.extend(n.a.iter().chain(&n.b).cloned());
            }
            raw.extend(m.not.iter().cloned());
            raw.extend(m.veto.iter().flat_map(|v| v.terms.iter().cloned()));
        }
        for t in ODD_TERMS {
            raw.push(t.to_string());
        }
        raw.sort();
        raw.dedup();
        raw.iter()
            .map(|t| forms::parse(t).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    const ODD_TERMS: &[&str] = &[
        "#iran",
        "'s talks",
        "-based",
        "$100",
        "١٢",
        "=X",
        "ب",
        "+بي",
        "ab",
        "\u{063B}كا",
        "é",
        "ﻻ",
        "日本",
        "+قطر",
        "<مصر",
        "enrich*",
        "عمّان",
        "حامِلة",
        "U.S.",
        "al-Qaeda",
        "co-op*",
        "«مسقط",
        "(Iran",
        "ا",
        "لل",
        "وال",
        "الا*",
        "ي*",
        "ıran",
        "straße",
        "3.67%",
        "فبال",
    ];

    fn sorted_hits(m: &Matcher, text: &str, reference: bool) -> Vec<Hit> {
        let n = Normalized::new(text);
        let mut out = Vec::new();
        if reference {
            m.scan_reference(Field::Title, &n, text, &mut out);
        } else {
            m.scan(Field::Title, &n, text, &mut out);
        }
        out.sort();
        out
    }

    fn shared_matcher() -> &'static Matcher {
        static M: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
        M.get_or_init(|| Matcher::new(all_terms()).unwrap_or_else(|e| panic!("{e}")))
    }

    #[test]
    fn scan_finds_what_every_key_at_every_character_finds() {
        let m = shared_matcher();
        let mut texts: Vec<String> = crate::seeds::BUILTIN
            .iter()
            .flat_map(|(_, t)| t.lines().map(str::to_string))
            .collect();
        texts.extend(ODD_TERMS.iter().map(|t| format!("x {t} وب{t}ها {t}s")));
        let mut total = 0;
        for t in &texts {
            let want = sorted_hits(m, t, true);
            assert_eq!(sorted_hits(m, t, false), want, "{t}");
            total += want.len();
        }
        assert!(total > 100, "{total}");
        assert!(
            m.anywhere.is_some(),
            "keys not beginning with a word character"
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Pieces of words: keys and terms, proclitics, suffixes, marks, signs.
        fn text() -> impl Strategy<Value = String> {
            let keys: Vec<String> = shared_matcher()
                .keys
                .iter()
                .map(|k| k.key.clone())
                .chain(ODD_TERMS.iter().map(|t| t.to_string()))
                .collect();
            let piece = prop_oneof![
                4 => prop::sample::select(keys),
                2 => prop::sample::select(vec![
                    "و", "ف", "ب", "ك", "ل", "س", "ال", "وال", "بال", "لل", "فبال", "وكال", "ا",
                    "م", "ت", "ي",
                ]).prop_map(str::to_string),
                2 => prop::sample::select(vec![
                    "ه", "ها", "هم", "ات", "ان", "ين", "ون", "ية", "يين", "تان", "اتها", "ة", "s",
                    "es", "'s", "’s", "ing",
                ]).prop_map(str::to_string),
                3 => prop::sample::select(vec![
                    " ", " ", "  ", "\n", "\u{00A0}", ".", ",", "-", "'", "«", "\u{0640}",
                    "\u{064E}", "\u{0651}", "\u{200C}", "\u{FEFB}", "\u{0654}",
                ]).prop_map(str::to_string),
                1 => "[a-zA-Z\u{0621}-\u{064A}\u{0660}-\u{0669}\u{063B}-\u{063F}]{1,3}",
                1 => any::<char>().prop_map(String::from),
            ];
            prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]

            #[test]
            fn scan_equals_reference(t in text()) {
                let m = shared_matcher();
                prop_assert_eq!(sorted_hits(m, &t, false), sorted_hits(m, &t, true));
            }
        }
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
