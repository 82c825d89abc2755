//! Online story clustering. Each item, in turn, joins the story it is most
//! like or starts one: a near copy of a recent item joins that item's story at
//! once; otherwise the item is compared with the live stories that share its
//! rarer words or evidence, by the cosine of its TF-IDF words with the story's
//! words in the same language, and by the weight of the language-free evidence
//! it shares with the story (rules, concepts, names, numbers), both discounted
//! by the gap in time. A story cools `cool` after its last item and is dropped
//! from the state: the state holds the active window, never the whole store.
//!
//! Document frequencies are kept as the items come, halved every few days, so
//! a word common this week weighs little. Every decision says why ([`Why`]).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::features::{Evidence, Features, Item, Kind, Lexicon, SLOTS};
use super::minhash;

/// The clustering's settings; the defaults are the shipped algorithm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// A story takes no item published more than this after its last one.
    pub cool_hours: f32,
    /// Nor one more than this after its first (updates up to ~72 h after the
    /// event, plus a day of lead-up).
    pub span_hours: f32,
    /// Nor one more than this before its first.
    pub lead_hours: f32,
    /// How many times a title word counts.
    pub title_weight: f32,
    /// MinHash similarity from which an item is a copy of a recent one.
    pub copy: f32,
    /// Cosine with a story's words (same language) from which an item joins it.
    pub words: f32,
    /// Evidence score (0–1) from which an item joins a story on
    /// language-free evidence alone.
    pub evidence: f32,
    /// Evidence weight (sum of inverse document frequencies) that scores 0.63.
    pub evidence_scale: f32,
    /// The least weight of shared names and numbers (sum of inverse document
    /// frequencies) an item needs to join on evidence alone: concepts, parties
    /// and rules alone never join two languages.
    pub anchor: f32,
    /// How much same-language evidence (concepts, numbers, rules; not names,
    /// which are words there) adds to the word cosine.
    pub same_evidence: f32,
    /// Both scores are multiplied by exp(-gap / gap_hours).
    pub gap_hours: f32,
    /// Stories compared in full per item (the best by a first, cheap count).
    pub candidates: usize,
    /// An item's words indexed for finding its story (its weightiest).
    pub index_terms: usize,
    /// Documents assumed seen before the first, none with any given term
    /// (smooths inverse document frequencies at a cold start).
    pub prior_docs: f32,
    /// Days after which document frequencies are halved.
    pub df_half_life_days: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            cool_hours: 72.0,
            span_hours: 96.0,
            lead_hours: 24.0,
            title_weight: 2.0,
            copy: 0.5,
            words: 0.27,
            evidence: 0.45,
            evidence_scale: 20.0,
            same_evidence: 0.2,
            anchor: 3.0,
            gap_hours: 24.0,
            candidates: 10,
            index_terms: 12,
            df_half_life_days: 3.0,
            prior_docs: 50.0,
        }
    }
}

/// How an item came to its story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// It started the story.
    New,
    /// A near copy of an item of the story.
    Copy,
    /// Its words, in its language.
    Words,
    /// Evidence that does not depend on language.
    Evidence,
}

/// Why an item is where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Why {
    pub via: Via,
    /// The deciding score (MinHash similarity, cosine or evidence score,
    /// after the time discount).
    pub score: f32,
    /// Seconds between the item and the story's nearest item.
    pub gap_secs: i64,
    /// The item this one copies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<u64>,
    /// For a new story: the story that came nearest (its score is `score`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest: Option<u64>,
    /// Shared words, as the item wrote them, weightiest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

impl Why {
    fn new() -> Why {
        Why {
            via: Via::New,
            score: 0.0,
            gap_secs: 0,
            copy_of: None,
            nearest: None,
            words: Vec::new(),
            names: Vec::new(),
            numbers: Vec::new(),
            concepts: Vec::new(),
            parties: Vec::new(),
            rules: Vec::new(),
        }
    }
}

/// The clustering's answer for one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub story: u64,
    pub why: Why,
}

/// One language's part of a story.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Part {
    items: u32,
    /// Sum of the items' unit TF-IDF vectors (at their time).
    centroid: FxHashMap<u64, f32>,
    norm2: f32,
    /// Evidence key → items of this language carrying it.
    evidence: FxHashMap<u64, u32>,
}

/// A live story.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Story {
    pub id: u64,
    pub first: i64,
    pub last: i64,
    pub items: u32,
    /// Items per language slot (ar, en, other).
    pub langs: [u32; SLOTS],
    /// A market report's story (its first item's title says so).
    pub market: bool,
    parts: [Part; SLOTS],
}

/// The most terms a story's centroid keeps (its weightiest) once it grows.
const CENTROID_CAP: usize = 400;
/// Items between two sweeps of the state when they come thick.
const SWEEP_ITEMS: u32 = 256;
/// Stories kept per index key (the most recent).
const POSTINGS_CAP: usize = 48;

/// Document frequencies, decayed.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Df {
    docs: [f32; SLOTS],
    all: f32,
    words: FxHashMap<u64, f32>,
    evidence: FxHashMap<u64, f32>,
    decayed_at: i64,
}

impl Df {
    /// Inverse document frequencies with a prior of `prior` documents that
    /// lack the term: at a cold start every term is rare, and common ones sink
    /// as the documents show them.
    fn word_idf(&self, slot: usize, t: u64, prior: f32) -> f32 {
        let df = self.words.get(&t).copied().unwrap_or(0.0);
        ((self.docs[slot] + prior) / (df + 1.0)).ln().max(0.0)
    }
    fn evidence_idf(&self, e: u64, prior: f32) -> f32 {
        let df = self.evidence.get(&e).copied().unwrap_or(0.0);
        ((self.all + prior) / (df + 1.0)).ln().max(0.0)
    }
    fn decay(&mut self, factor: f32) {
        for n in &mut self.docs {
            *n *= factor;
        }
        self.all *= factor;
        for m in [&mut self.words, &mut self.evidence] {
            m.retain(|_, v| {
                *v *= factor;
                *v >= 0.25
            });
        }
    }
}

/// The clustering state: live stories, their indexes, document frequencies.
/// Everything in it belongs to the active window.
#[derive(Serialize, Deserialize)]
pub struct Clusterer {
    params: Params,
    #[serde(skip)]
    lexicon: Lexicon,
    stories: FxHashMap<u64, Story>,
    words_index: FxHashMap<u64, Vec<u64>>,
    evidence_index: FxHashMap<u64, Vec<u64>>,
    copies: minhash::Index,
    df: Df,
    /// The latest publication time seen (the stream's clock).
    now: i64,
    swept_at: i64,
    /// Items that moved the clock since the last sweep.
    since_sweep: u32,
}

/// A candidate's scores.
struct Scored {
    story: u64,
    /// Cosine of the words in the item's language, plus `same_evidence` times
    /// the same-language evidence score, time-discounted.
    words: f32,
    /// Evidence score against the story's items in other languages,
    /// time-discounted.
    cross: f32,
    gap: i64,
}

impl Clusterer {
    pub fn new(params: Params) -> Clusterer {
        Clusterer {
            params,
            lexicon: Lexicon::default(),
            stories: FxHashMap::default(),
            words_index: FxHashMap::default(),
            evidence_index: FxHashMap::default(),
            copies: minhash::Index::default(),
            df: Df::default(),
            now: i64::MIN,
            swept_at: i64::MIN,
            since_sweep: 0,
        }
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Live stories.
    pub fn stories(&self) -> impl Iterator<Item = &Story> {
        self.stories.values()
    }

    pub fn story(&self, id: u64) -> Option<&Story> {
        self.stories.get(&id)
    }

    /// Places one item: the story it joins or starts, and why.
    pub fn add(&mut self, item: &Item<'_>) -> Decision {
        self.advance(item.published);
        let f = self.lexicon.features(item, self.params.title_weight);
        let vector = self.vector(&f);
        let t = item.published;

        let mut why = Why::new();
        let mut chosen: Option<u64> = None;
        // A near copy of a recent item.
        if let Some(sig) = &f.signature
            && let Some((e, sim)) = self.copies.best(sig)
            && sim >= self.params.copy
            && let Some(s) = self.stories.get(&e.story)
            && self.admits(s, t)
            && s.market == f.market
        {
            why.via = Via::Copy;
            why.score = sim;
            why.copy_of = Some(e.item);
            why.gap_secs = gap(s, t);
            chosen = Some(e.story);
        }
        if chosen.is_none()
            && let Some(best) = self.best(&f, &vector, t)
        {
            let p = &self.params;
            let (w, e) = (best.words / p.words, best.cross / p.evidence);
            let (via, score) = if w >= e {
                (Via::Words, best.words)
            } else {
                (Via::Evidence, best.cross)
            };
            why.score = score;
            why.gap_secs = best.gap;
            if w.max(e) >= 1.0 {
                why.via = via;
                chosen = Some(best.story);
            } else {
                // Not close enough: say which story came nearest.
                why.nearest = Some(best.story);
            }
        }
        let story = match chosen {
            Some(id) => {
                self.explain(&mut why, id, &f, &vector);
                id
            }
            None => self.start(item.id, t, f.market),
        };
        self.absorb(story, item, &f, &vector);
        Decision { story, why }
    }

    /// Puts an item back in the story it was placed in before (the state
    /// rebuilt from a store): as [`Clusterer::add`] would have left it, with
    /// no decision made.
    pub fn restore(&mut self, item: &Item<'_>, story: u64) {
        self.advance(item.published);
        let f = self.lexicon.features(item, self.params.title_weight);
        let vector = self.vector(&f);
        if !self.stories.contains_key(&story) {
            self.start(story, item.published, f.market);
        }
        self.absorb(story, item, &f, &vector);
    }

    /// Moves the stream's clock; drops cooled stories and decays frequencies.
    fn advance(&mut self, t: i64) {
        if t <= self.now {
            return;
        }
        self.now = t;
        if self.swept_at == i64::MIN {
            self.swept_at = t;
            self.df.decayed_at = t;
        }
        // A sweep walks the whole state: after an hour of stream time when
        // items come thick (its cost then spread over many), after a day
        // when they come thin.
        self.since_sweep += 1;
        let due = t - self.swept_at >= 86_400
            || (t - self.swept_at >= 3600 && self.since_sweep >= SWEEP_ITEMS);
        if due {
            self.swept_at = t;
            self.since_sweep = 0;
            let before = t - hours(self.params.cool_hours);
            self.stories.retain(|_, s| s.last >= before);
            let live = &self.stories;
            for index in [&mut self.words_index, &mut self.evidence_index] {
                index.retain(|_, v| {
                    v.retain(|id| live.contains_key(id));
                    !v.is_empty()
                });
            }
            self.copies.evict(before);
        }
        let half = hours(self.params.df_half_life_days * 24.0);
        let since = t - self.df.decayed_at;
        if since >= half || (since >= half / 4 && self.since_sweep == 0) {
            let steps = (t - self.df.decayed_at) as f32 / half as f32;
            self.df.decay(0.5f32.powf(steps));
            self.df.decayed_at = t;
        }
    }

    /// The item's unit TF-IDF vector, sorted by term.
    fn vector(&self, f: &Features<'_>) -> Vec<(u64, f32)> {
        let mut v: Vec<(u64, f32)> = f
            .words
            .iter()
            .map(|&(t, n, _)| {
                (
                    t,
                    (1.0 + n.ln()) * self.df.word_idf(f.slot, t, self.params.prior_docs),
                )
            })
            .collect();
        let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            for x in &mut v {
                x.1 /= norm;
            }
        }
        v
    }

    fn admits(&self, s: &Story, t: i64) -> bool {
        let p = &self.params;
        t <= s.last + hours(p.cool_hours)
            && t <= s.first + hours(p.span_hours)
            && t >= s.first - hours(p.lead_hours)
    }

    /// The best-scoring live story among the candidates.
    fn best(&self, f: &Features<'_>, vector: &[(u64, f32)], t: i64) -> Option<Scored> {
        let mut hits: FxHashMap<u64, f32> = FxHashMap::default();
        for (term, w) in top(vector, self.params.index_terms) {
            if let Some(list) = self.words_index.get(&term) {
                for s in list {
                    *hits.entry(*s).or_default() += w;
                }
            }
        }
        for e in f.evidence.iter().filter(|e| indexed(e.kind)) {
            if let Some(list) = self.evidence_index.get(&e.key) {
                let w = self.df.evidence_idf(e.key, self.params.prior_docs)
                    / self.params.evidence_scale;
                for s in list {
                    *hits.entry(*s).or_default() += w;
                }
            }
        }
        let mut cands: Vec<(u64, f32)> = hits.into_iter().collect();
        cands.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        cands.truncate(self.params.candidates);
        let p = &self.params;
        cands
            .into_iter()
            .filter_map(|(id, _)| self.stories.get(&id))
            .filter(|s| self.admits(s, t) && s.market == f.market)
            .map(|s| {
                let gap = gap(s, t);
                let decay = (-(gap as f32) / 3600.0 / p.gap_hours).exp();
                let part = &s.parts[f.slot];
                let cos = if part.items > 0 && part.norm2 > 0.0 {
                    dot(vector, &part.centroid) / part.norm2.sqrt()
                } else {
                    0.0
                };
                let score = |mass: f32| 1.0 - (-mass / p.evidence_scale).exp();
                let same = score(self.mass(s, f, true).0);
                let (cross, anchor) = self.mass(s, f, false);
                let cross = if anchor >= p.anchor {
                    score(cross)
                } else {
                    0.0
                };
                Scored {
                    story: s.id,
                    words: (cos + p.same_evidence * same) * decay,
                    cross: cross * decay,
                    gap,
                }
            })
            .max_by(|a, b| {
                let k = |x: &Scored| (x.words / p.words).max(x.cross / p.evidence);
                k(a).total_cmp(&k(b)).then(b.story.cmp(&a.story))
            })
    }

    /// The weight of the evidence an item shares with a story: each shared
    /// piece by its inverse document frequency and the share of the story's
    /// items that carry it.
    /// Also the part of it that names and numbers make.
    fn mass(&self, s: &Story, f: &Features<'_>, same: bool) -> (f32, f32) {
        let mut parts: [Option<&Part>; SLOTS] = [None; SLOTS];
        let mut n = 0u32;
        for (i, p) in s.parts.iter().enumerate() {
            if (i == f.slot) == same && p.items > 0 {
                parts[i] = Some(p);
                n += p.items;
            }
        }
        if n == 0 {
            return (0.0, 0.0);
        }
        // Items of the parts carrying each piece of the item's evidence: by
        // walking the smaller side (the item's evidence is sorted by key).
        let mut counts = vec![0u32; f.evidence.len()];
        let entries: usize = parts.iter().flatten().map(|p| p.evidence.len()).sum();
        if entries < f.evidence.len() {
            for p in parts.iter().flatten() {
                for (k, c) in &p.evidence {
                    if let Ok(i) = f.evidence.binary_search_by_key(k, |e| e.key) {
                        counts[i] += c;
                    }
                }
            }
        } else {
            for (e, n) in f.evidence.iter().zip(counts.iter_mut()) {
                *n = parts
                    .iter()
                    .flatten()
                    .filter_map(|p| p.evidence.get(&e.key))
                    .sum();
            }
        }
        let (mut all, mut anchor) = (0.0, 0.0);
        for (e, &c) in f.evidence.iter().zip(&counts) {
            // In one language a shared name is a shared word: the words count it.
            if c == 0 || (same && e.kind == Kind::Name) {
                continue;
            }
            let idf = self.df.evidence_idf(e.key, self.params.prior_docs);
            all += idf * (c as f32 / n as f32).sqrt();
            if matches!(e.kind, Kind::Name | Kind::Number) {
                anchor += idf;
            }
        }
        (all, anchor)
    }

    /// Starts story `id` (the id of its first item).
    fn start(&mut self, id: u64, t: i64, market: bool) -> u64 {
        self.stories.insert(
            id,
            Story {
                id,
                first: t,
                last: t,
                items: 0,
                langs: [0; SLOTS],
                market,
                parts: Default::default(),
            },
        );
        id
    }

    /// Adds the item to its story, the indexes and the frequencies.
    fn absorb(&mut self, id: u64, item: &Item<'_>, f: &Features<'_>, vector: &[(u64, f32)]) {
        let t = item.published;
        if let Some(s) = self.stories.get_mut(&id) {
            s.first = s.first.min(t);
            s.last = s.last.max(t);
            s.items += 1;
            s.langs[f.slot] += 1;
            let part = &mut s.parts[f.slot];
            part.items += 1;
            for &(term, w) in vector {
                let c = part.centroid.entry(term).or_default();
                part.norm2 += 2.0 * *c * w + w * w;
                *c += w;
            }
            if part.centroid.len() > 2 * CENTROID_CAP {
                let mut v: Vec<(u64, f32)> = part.centroid.drain().collect();
                v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                v.truncate(CENTROID_CAP);
                part.norm2 = v.iter().map(|x| x.1 * x.1).sum();
                part.centroid = v.into_iter().collect();
            }
            for e in &f.evidence {
                *part.evidence.entry(e.key).or_default() += 1;
            }
        }
        for (term, _) in top(vector, self.params.index_terms) {
            post(self.words_index.entry(term).or_default(), id);
        }
        for e in f.evidence.iter().filter(|e| indexed(e.kind)) {
            post(self.evidence_index.entry(e.key).or_default(), id);
        }
        if let Some(sig) = f.signature {
            self.copies.insert(minhash::Entry {
                item: item.id,
                story: id,
                at: t,
                sig,
            });
        }
        self.df.docs[f.slot] += 1.0;
        self.df.all += 1.0;
        for &(term, _, _) in &f.words {
            *self.df.words.entry(term).or_default() += 1.0;
        }
        for e in &f.evidence {
            *self.df.evidence.entry(e.key).or_default() += 1.0;
        }
    }

    /// Fills in the words and evidence the item shares with story `id`.
    fn explain(&self, why: &mut Why, id: u64, f: &Features<'_>, vector: &[(u64, f32)]) {
        let Some(s) = self.stories.get(&id) else {
            return;
        };
        let part = &s.parts[f.slot];
        let mut shared: Vec<(f32, &str)> = vector
            .iter()
            .zip(&f.words)
            .filter_map(|(&(t, w), &(_, _, shown))| Some((w * part.centroid.get(&t)?, shown)))
            .collect();
        shared.sort_by(|a, b| b.0.total_cmp(&a.0));
        why.words = shared.iter().take(6).map(|x| x.1.to_string()).collect();
        let mut ev: Vec<(f32, &Evidence<'_>)> = f
            .evidence
            .iter()
            .filter(|e| s.parts.iter().any(|p| p.evidence.contains_key(&e.key)))
            .map(|e| (self.df.evidence_idf(e.key, self.params.prior_docs), e))
            .collect();
        ev.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, e) in ev {
            let list = match e.kind {
                Kind::Name => &mut why.names,
                Kind::Number => &mut why.numbers,
                Kind::Concept => &mut why.concepts,
                Kind::Party => &mut why.parties,
                Kind::Rule => &mut why.rules,
            };
            if list.len() < 6 && !list.iter().any(|x| x == e.shown) {
                list.push(e.shown.to_string());
            }
        }
    }
}

/// Evidence specific enough to find a story by (parties and topics are not).
fn indexed(k: Kind) -> bool {
    matches!(k, Kind::Name | Kind::Number | Kind::Concept)
}

fn post(list: &mut Vec<u64>, id: u64) {
    if list.last() == Some(&id) {
        return;
    }
    if let Some(i) = list.iter().position(|&x| x == id) {
        list.remove(i);
    } else if list.len() >= POSTINGS_CAP {
        list.remove(0);
    }
    list.push(id);
}

/// The `n` weightiest entries of a vector.
fn top(v: &[(u64, f32)], n: usize) -> Vec<(u64, f32)> {
    let mut v = v.to_vec();
    if v.len() > n && n > 0 {
        v.select_nth_unstable_by(n - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(n);
    } else if n == 0 {
        v.clear();
    }
    v
}

/// The dot product of a vector sorted by term with a centroid, walking the
/// smaller of the two.
fn dot(v: &[(u64, f32)], c: &FxHashMap<u64, f32>) -> f32 {
    if c.len() < v.len() {
        c.iter()
            .filter_map(|(t, x)| Some(v[v.binary_search_by_key(t, |e| e.0).ok()?].1 * x))
            .sum()
    } else {
        v.iter().filter_map(|(t, w)| c.get(t).map(|x| x * w)).sum()
    }
}

fn gap(s: &Story, t: i64) -> i64 {
    if t < s.first {
        s.first - t
    } else if t > s.last {
        t - s.last
    } else {
        0
    }
}

fn hours(h: f32) -> i64 {
    (h * 3600.0) as i64
}
