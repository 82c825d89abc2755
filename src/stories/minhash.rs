//! Near copies: a MinHash signature of an item's word 3-shingles (one hash per
//! shingle, one permutation split into bins, empty bins filled from their
//! neighbours), and a band index that finds the recent items whose signatures
//! agree on a whole band. Two wire copies with a changed word or two share most
//! bins; two reports in their own words share almost none.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Bins of a signature.
pub const BINS: usize = 32;
/// Bins per band: a band matches when all of them agree.
const ROWS: usize = 4;
const BANDS: usize = BINS / ROWS;
/// Items kept per band key (the most recent): a band shared by many items is
/// boilerplate, not a copy.
const PER_KEY: usize = 8;

pub type Signature = [u32; BINS];

/// The signature of a text given as its words in order; `None` for fewer
/// than three words (too short to tell a copy).
pub fn signature<'a>(words: impl Iterator<Item = &'a str>) -> Option<Signature> {
    let mut sig = [u32::MAX; BINS];
    let mut filled = [false; BINS];
    let (mut a, mut b) = (0u64, 0u64);
    let mut n = 0usize;
    for w in words {
        let h = super::terms::hash(b's', w);
        if n >= 2 {
            let s = a.rotate_left(21) ^ b.rotate_left(42) ^ h;
            let s = mix(s);
            let bin = (s >> 59) as usize % BINS;
            let v = s as u32;
            if v <= sig[bin] {
                sig[bin] = v;
            }
            filled[bin] = true;
        }
        a = b;
        b = h;
        n += 1;
    }
    if n < 3 {
        return None;
    }
    // Densify: an empty bin takes the value of the next filled one, rotated
    // by the distance so that two texts fill it alike only by agreeing there.
    for i in 0..BINS {
        if !filled[i] {
            let mut j = 1;
            while j < BINS && !filled[(i + j) % BINS] {
                j += 1;
            }
            sig[i] = sig[(i + j) % BINS].rotate_left(j as u32);
        }
    }
    Some(sig)
}

fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// The share of bins two signatures agree on: an estimate of the Jaccard
/// similarity of their shingle sets.
pub fn similarity(a: &Signature, b: &Signature) -> f32 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f32 / BINS as f32
}

fn band_key(sig: &Signature, band: usize) -> u64 {
    let mut h = band as u64 + 1;
    for &v in &sig[band * ROWS..(band + 1) * ROWS] {
        h = mix(h ^ u64::from(v)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    }
    h
}

/// A recent item as the copy index knows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub item: u64,
    pub story: u64,
    pub at: i64,
    pub sig: Signature,
}

/// Band key → recent items with that band; bounded by time (`evict`) and per key.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Index {
    bands: FxHashMap<u64, Vec<Entry>>,
}

impl Index {
    /// The most similar indexed item to `sig` that shares a band with it.
    pub fn best(&self, sig: &Signature) -> Option<(&Entry, f32)> {
        let mut best: Option<(&Entry, f32)> = None;
        let mut seen = [u64::MAX; BANDS * PER_KEY];
        let mut n = 0;
        for band in 0..BANDS {
            if let Some(list) = self.bands.get(&band_key(sig, band)) {
                for e in list {
                    // An item is in up to every band: compare it once.
                    if seen[..n].contains(&e.item) {
                        continue;
                    }
                    seen[n] = e.item;
                    n += 1;
                    let s = similarity(sig, &e.sig);
                    if best.is_none_or(|(_, b)| s > b) {
                        best = Some((e, s));
                    }
                }
            }
        }
        best
    }

    pub fn insert(&mut self, e: Entry) {
        for band in 0..BANDS {
            let list = self.bands.entry(band_key(&e.sig, band)).or_default();
            if list.len() >= PER_KEY {
                list.remove(0);
            }
            list.push(e.clone());
        }
    }

    /// Drops entries older than `before`.
    pub fn evict(&mut self, before: i64) {
        self.bands.retain(|_, list| {
            list.retain(|e| e.at >= before);
            !list.is_empty()
        });
    }

    /// Points the entries of story `from` at story `to` (after a merge).
    pub fn rename(&mut self, from: u64, to: u64) {
        for list in self.bands.values_mut() {
            for e in list.iter_mut().filter(|e| e.story == from) {
                e.story = to;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.bands.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.bands.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(s: &str) -> Signature {
        signature(s.split_whitespace()).expect("long enough")
    }

    #[test]
    fn copies_agree_and_rewrites_do_not() {
        let a = sig(
            "oman will host talks between the united states and iran in muscat on friday the omani foreign ministry said on sunday in the highest level contact",
        );
        let b = sig(
            "oman will host talks between the united states and iran in muscat on friday the omani foreign ministry said on sunday in the highest-level contact",
        );
        let c = sig(
            "the sultanate is to host iranian and american negotiators next week reaffirming its role as a trusted mediator between the two",
        );
        assert!(similarity(&a, &b) > 0.7, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.2, "{}", similarity(&a, &c));
        let mut idx = Index::default();
        idx.insert(Entry {
            item: 1,
            story: 7,
            at: 0,
            sig: a,
        });
        assert_eq!(idx.best(&b).map(|(e, _)| e.story), Some(7));
        assert!(idx.best(&c).is_none_or(|(_, s)| s < 0.2));
        idx.evict(1);
        assert!(idx.is_empty());
    }

    #[test]
    fn short_texts_have_no_signature() {
        assert!(signature("two words".split_whitespace()).is_none());
    }
}
