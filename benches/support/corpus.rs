//! Realistic stores for the dashboard's benchmarks: items in Arabic and
//! English drawn from a large vocabulary (the words of the seed documents and
//! of the labeled test items, ranked by how often they occur there, then
//! their clitic and suffix forms, then made-up names: some 60,000 distinct
//! words, picked by a Zipf law as words are in news text), from 200 feeds,
//! dated over the year before the store is built, in order of arrival with
//! some feeds late. About 1.5 % of items name Muscat or تخصيب and fire the
//! watch's alerts. Every item goes through the real pipeline (sanitizing,
//! classification, the store's keys) and `Store::ingest`, as a feed's would.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use marsad::classify::Classifier;
use marsad::config::Config;
use marsad::pipeline::{Incoming, Pipeline};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, Store};

const SEEDS: &[&str] = &[
    include_str!("../../seeds/000_82b9a9dbb538d179.txt"),
    include_str!("../../seeds/001_1849da89ddee526e.txt"),
    include_str!("../../seeds/002_beebdc78c683a32d.txt"),
    include_str!("../../seeds/003_ffe160eaa71000c4.txt"),
    include_str!("../../seeds/004_bd6e4cde66ee021d.txt"),
];
const LABELED: &[&str] = &[
    include_str!("../../tests/data/holdout.jsonl"),
    include_str!("../../tests/data/probe.jsonl"),
    include_str!("../../tests/data/blind-lead.jsonl"),
];
/// Feeds in a generated store.
pub const FEEDS: usize = 200;
/// Items in a thousand that fire an alert.
const ALERTING_PER_MILLE: u64 = 15;

/// A deterministic random stream (splitmix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Words ranked by frequency, picked by a Zipf law.
pub struct Zipf {
    pub words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(words: Vec<String>) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|r| {
                total += 1.0 / (r as f64 + 2.7);
                total
            })
            .collect();
        Zipf { words, cumulative }
    }
    pub fn pick(&self, rng: &mut Rng) -> &str {
        let x = rng.unit() * self.cumulative.last().copied().unwrap_or(0.0);
        let i = self.cumulative.partition_point(|c| *c < x);
        &self.words[i.min(self.words.len() - 1)]
    }
}

fn is_arabic(w: &str) -> bool {
    w.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Words of `text`, letters and digits only.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\u{064B}' && c != '\u{0651}')
        .filter(|w| w.chars().count() >= 2)
}

/// The two languages' vocabularies. Words that would fire an alert are left
/// out: alerts are put in on purpose, at the rate wanted. Words that give a
/// topic or a party on their own are apart (`ar_story`, `en_story`), put in
/// a little more than half of the items, one to three of them, so that labels
/// come at the rate of a broad watch rather than of the seeds, which are all
/// about the story.
pub struct Vocab {
    pub ar: Zipf,
    pub en: Zipf,
    pub ar_story: Zipf,
    pub en_story: Zipf,
}

impl Vocab {
    pub fn build(classifier: &Classifier) -> Vocab {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut texts: Vec<&str> = SEEDS.to_vec();
        let labeled: Vec<(String, String)> = LABELED
            .iter()
            .flat_map(|f| f.lines())
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| {
                (
                    v["title"].as_str().unwrap_or("").to_string(),
                    v["body"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        for (t, b) in &labeled {
            texts.push(t);
            texts.push(b);
        }
        for t in &texts {
            for w in words(t) {
                *counts.entry(w).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let labels = |w: &str| {
            classifier.classify(&marsad::classify::Doc {
                title: w,
                body: "",
                lang_hint: None,
                feed: None,
            })
        };
        let fires = |w: &str| !labels(w).alerts.is_empty();
        let (mut ar, mut en): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
        let (mut ar_story, mut en_story): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
        for (w, _) in &ranked {
            let l = labels(w);
            if !l.alerts.is_empty() {
                continue;
            }
            let story = !l.topics.is_empty() || !l.parties.is_empty();
            let list = match (is_arabic(w), story) {
                (true, false) => &mut ar,
                (true, true) => &mut ar_story,
                (false, false) => &mut en,
                (false, true) => &mut en_story,
            };
            if w.chars().any(char::is_alphabetic) {
                list.push(w.to_string());
            }
        }
        let mut rng = Rng::new(7);
        // Clitic and suffix forms of the words seen, as Arabic and English
        // text has them.
        let ar_base = ar.clone();
        for w in &ar_base {
            for f in [
                format!("و{w}"),
                format!("ب{w}"),
                format!("ل{w}"),
                format!("{w}ها"),
                format!("{w}هم"),
                format!("وال{w}"),
            ] {
                let l = labels(&f);
                if l.alerts.is_empty() && l.topics.is_empty() && l.parties.is_empty() {
                    ar.push(f);
                }
            }
        }
        let en_base = en.clone();
        for w in &en_base {
            for s in ["s", "ed", "ing", "er", "ly"] {
                en.push(format!("{w}{s}"));
            }
        }
        // Names and rare words: syllables of each script.
        const AR_SYL: &[&str] = &[
            "كا", "مر", "سل", "حو", "دي", "نا", "رب", "طا", "يو", "فر", "جل", "بي", "قا", "زه",
            "عي", "شم", "تو", "غد",
        ];
        const EN_SYL: &[&str] = &[
            "ka", "mar", "sel", "ho", "di", "na", "rab", "ta", "yu", "fer", "jal", "bi", "qa",
            "zeh", "ei", "sham", "to", "ghad", "lin", "vor", "pek", "stra",
        ];
        let made = |syl: &[&str], rng: &mut Rng| -> String {
            let n = 2 + rng.below(3) as usize;
            (0..n)
                .map(|_| syl[rng.below(syl.len() as u64) as usize])
                .collect()
        };
        while ar.len() < 30_000 {
            let w = made(AR_SYL, &mut rng);
            if !fires(&w) {
                ar.push(w);
            }
        }
        while en.len() < 30_000 {
            let mut w = made(EN_SYL, &mut rng);
            if rng.below(2) == 0 {
                w[..1].make_ascii_uppercase();
            }
            en.push(w);
        }
        ar.dedup();
        en.dedup();
        Vocab {
            ar: Zipf::new(ar),
            en: Zipf::new(en),
            ar_story: Zipf::new(ar_story),
            en_story: Zipf::new(en_story),
        }
    }

    pub fn distinct(&self) -> usize {
        [&self.ar, &self.en, &self.ar_story, &self.en_story]
            .iter()
            .map(|z| z.words.len())
            .sum()
    }
}

/// Item `i` of a store of `n` items whose last item is dated `end`: its feed
/// and what the feed brings.
pub fn item(vocab: &Vocab, i: usize, n: usize, end: DateTime<Utc>) -> (usize, Incoming) {
    let mut rng = Rng::new(i as u64);
    let year = 365 * 24 * 3600;
    // In order of arrival over the year, a few minutes' jitter; one item in
    // fifty from a feed that is a day or more late.
    let mut secs = (i as i64 * year) / n.max(1) as i64 - year;
    secs -= rng.below(600) as i64;
    if rng.below(50) == 0 {
        secs -= 86_400 + rng.below(6 * 86_400) as i64;
    }
    let published = end + Duration::seconds(secs);
    let feed = rng.below(FEEDS as u64) as usize;
    let arabic = feed % 9 < 5;
    let (z, story) = if arabic {
        (&vocab.ar, &vocab.ar_story)
    } else {
        (&vocab.en, &vocab.en_story)
    };
    let sentence = |rng: &mut Rng, n: usize| -> Vec<&str> { (0..n).map(|_| z.pick(rng)).collect() };
    let title_words = 6 + rng.below(9) as usize;
    let mut title = sentence(&mut rng, title_words);
    let body_words = 30 + rng.below(50) as usize;
    let mut body = sentence(&mut rng, body_words);
    // Words of the story: none in 45 % of items, else one to three.
    let r = rng.below(100);
    let k = [(45, 0), (75, 1), (92, 2), (100, 3)]
        .iter()
        .find(|(p, _)| r < *p)
        .map_or(0, |(_, k)| *k);
    for _ in 0..k {
        let w = story.pick(&mut rng);
        if rng.below(3) == 0 {
            let at = rng.below(title.len() as u64 + 1) as usize;
            title.insert(at, w);
        } else {
            let at = rng.below(body.len() as u64 + 1) as usize;
            body.insert(at, w);
        }
    }
    let mut title = title.join(" ");
    let mut body = body.join(" ");
    if rng.below(1000) < ALERTING_PER_MILLE {
        let word = if arabic {
            ["مسقط", "تخصيب", "بمسقط", "التخصيب"][rng.below(4) as usize]
        } else {
            "Muscat"
        };
        if rng.below(2) == 0 {
            title = format!("{title} {word}");
        } else {
            body = format!("{word} {body}");
        }
    }
    let source = format!("{} {feed}", if arabic { "وكالة" } else { "Wire" });
    (
        feed,
        Incoming {
            guid: Some(format!("g{i}")),
            link: Some(format!("https://news{feed}.example.org/{i}")),
            source,
            title,
            body,
            html: false,
            published: Some(published),
        },
    )
}

/// The name of generated feed `f`.
pub fn feed_name(f: usize) -> String {
    format!("synth-{f:03}")
}

/// Builds a store of `n` items at `path` (replacing what is there). Items are
/// made and classified on `threads` threads, in chunks of 2,000, each chunk
/// stored as one batch per feed; the store's one writer writes them.
pub fn build(path: &Path, n: usize, threads: usize, end: DateTime<Utc>) -> anyhow::Result<()> {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let config = Config::builtin();
    let pipeline = Arc::new(Pipeline::new(Classifier::new(&config)?));
    let vocab = Arc::new(Vocab::build(pipeline.classifier()));
    let store = Store::open(path)?;
    const CHUNK: usize = 2000;
    let chunks = n.div_ceil(CHUNK);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| -> anyhow::Result<()> {
        let mut workers = Vec::new();
        for _ in 0..threads.max(1) {
            workers.push(s.spawn(|| -> anyhow::Result<()> {
                let mut pending = std::collections::VecDeque::new();
                loop {
                    let c = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if c >= chunks {
                        break;
                    }
                    let mut by_feed: Vec<Vec<marsad::model::NewItem>> = vec![Vec::new(); FEEDS];
                    for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                        let (feed, inc) = item(&vocab, i, n, end);
                        let fetched = inc.published.unwrap_or(end);
                        let name = feed_name(feed);
                        by_feed[feed].push(pipeline.process(inc, &name, None, fetched));
                    }
                    for (f, items) in by_feed.into_iter().enumerate() {
                        if items.is_empty() {
                            continue;
                        }
                        pending.push_back(store.ingest(IngestBatch {
                            feed: FeedRef {
                                name: feed_name(f),
                                url: format!("https://news{f}.example.org/feed.xml"),
                            },
                            items,
                            fetch: None,
                            alerts: AlertPolicy::Live {
                                backfill: std::time::Duration::from_secs(400 * 86_400),
                            },
                            keep_items: false,
                        }));
                    }
                    // Keep a few chunks in flight, no more.
                    while pending.len() > 2 * FEEDS {
                        pending.pop_front().unwrap().wait()?;
                    }
                }
                for p in pending {
                    p.wait()?;
                }
                Ok(())
            }));
        }
        for w in workers {
            w.join().unwrap()?;
        }
        Ok(())
    })?;
    Ok(())
}
