//! How long a text search takes on a large store, the way `marsad list
//! --search` asks it (`Reader::items` with a search and a limit of 50):
//! `cargo run --release --example search_timing -- STORE.db [ITEMS]`.
//!
//! When STORE.db does not exist it is made with ITEMS (default 1,000,000)
//! synthetic items whose words come from the labeled items of `tests/data/`
//! and of `$MARSAD_EVAL_DIR` (Arabic and English, with the clitics the texts
//! wrote), 24 words each, so the index has a real vocabulary. Each query is
//! timed 7 times, interleaved with the others; the median and the range are
//! printed with the number of items found, and beside them the full-text
//! match alone (a count over the whole index) for the query and, for
//! comparison, for the query marsad made before (every word stripped of its
//! proclitics, as a prefix).

use std::path::Path;
use std::time::Instant;

use chrono::Utc;
use marsad::model::{Classification, NewItem};
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, ItemQuery, Store};

const QUERIES: &[&str] = &[
    "الهجوم",
    "هجوم",
    "بالمفاوضات",
    "وإيران",
    "كتاب",
    "بلدة",
    "طهران مسقط",
    "talks",
    "Iran nuclear",
    "في",
];

/// The query marsad made before: each word stripped of its longest proclitic
/// (when three letters stay), as a prefix. Kept here only to compare.
fn previous_query(input: &str) -> Option<String> {
    let norm = marsad::text::normalize(input);
    let heads: &[&str] = &[
        "وبال", "وكال", "فبال", "فكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال", "و",
        "ف", "ب", "ل", "ك",
    ];
    let parts: Vec<String> = norm
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let stem = heads
                .iter()
                .find_map(|h| w.strip_prefix(h).filter(|r| r.chars().nth(2).is_some()));
            format!("\"{}\"*", stem.unwrap_or(w))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

fn vocabulary() -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let eval = std::env::var_os("MARSAD_EVAL_DIR").map(std::path::PathBuf::from);
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in std::iter::once(root).chain(eval) {
        for e in std::fs::read_dir(&dir)? {
            let p = e?.path();
            if p.extension().is_some_and(|x| x == "jsonl") {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut ar, mut en) = (Vec::new(), Vec::new());
    for f in files {
        for line in std::fs::read_to_string(f)?.lines() {
            let v: serde_json::Value = serde_json::from_str(line)?;
            for field in ["title", "body"] {
                let text = v[field].as_str().unwrap_or("");
                for w in text.split(|c: char| !c.is_alphanumeric()) {
                    if w.chars().count() < 2 {
                        continue;
                    }
                    let arabic = w.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c));
                    if arabic { &mut ar } else { &mut en }.push(w.to_string());
                }
            }
        }
    }
    ar.sort();
    ar.dedup();
    en.sort();
    en.dedup();
    Ok((ar, en))
}

fn make(path: &Path, n: usize) -> anyhow::Result<()> {
    let (ar, en) = vocabulary()?;
    println!(
        "making {n} items from {} Arabic and {} English words",
        ar.len(),
        en.len()
    );
    let store = Store::open(path)?;
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |m: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as usize
    };
    let mut pending = Vec::new();
    for start in (0..n).step_by(2000) {
        let items = (start..(start + 2000).min(n))
            .map(|i| {
                let words = if i % 2 == 0 { &ar } else { &en };
                let text: Vec<&str> = (0..24).map(|_| words[next(words.len())].as_str()).collect();
                NewItem {
                    guid: Some(format!("g{i}")),
                    link: None,
                    source: "bench".into(),
                    title: format!("{} #{i}", text[..8].join(" ")),
                    text: text[8..].join(" "),
                    published: None,
                    date_is_fetch_time: true,
                    keys: None,
                    fetched: Utc::now(),
                    labels: Classification::default(),
                }
            })
            .collect();
        pending.push(store.ingest(IngestBatch {
            feed: FeedRef {
                name: "bench".into(),
                url: "https://example.org/feed.xml".into(),
            },
            items,
            fetch: None,
            alerts: AlertPolicy::Quiet,
            keep_items: false,
        }));
        if pending.len() > 8 {
            pending.remove(0).wait()?;
        }
    }
    for p in pending {
        p.wait()?;
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: search_timing STORE.db [ITEMS]"))?;
    let n: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let path = Path::new(&path);
    if !path.exists() {
        let t = Instant::now();
        make(path, n)?;
        println!("made in {:.1} s", t.elapsed().as_secs_f64());
    }
    let store = Store::open(path)?;
    let reader = store.reader()?;
    println!("{} items", reader.count()?);
    let raw = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let count = |expr: &str| -> anyhow::Result<(f64, i64)> {
        let t = Instant::now();
        let n: i64 = raw.query_row(
            "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?1",
            [expr],
            |r| r.get(0),
        )?;
        Ok((t.elapsed().as_secs_f64() * 1e3, n))
    };
    // (list, match now, match before) times; (listed, matched now, matched before).
    let mut times: Vec<[Vec<f64>; 3]> = vec![Default::default(); QUERIES.len()];
    let mut found = vec![(0, 0, 0); QUERIES.len()];
    for _ in 0..7 {
        for (i, q) in QUERIES.iter().enumerate() {
            let t = Instant::now();
            let items = reader.items(&ItemQuery {
                search: Some(q.to_string()),
                limit: Some(50),
                ..Default::default()
            })?;
            times[i][0].push(t.elapsed().as_secs_f64() * 1e3);
            let now = marsad::text::search::fts_query(q).unwrap_or_default();
            let before = previous_query(q).unwrap_or_default();
            let (tn, n) = count(&now)?;
            let (tb, b) = count(&before)?;
            times[i][1].push(tn);
            times[i][2].push(tb);
            found[i] = (items.len(), n, b);
        }
    }
    println!(
        "| query | list, limit 50: median ms (min–max) | match now: median ms (min–max), items | match before: median ms (min–max), items |"
    );
    println!("|---|---|---|---|");
    let stat = |t: &mut Vec<f64>| {
        t.sort_by(f64::total_cmp);
        format!("{:.1} ({:.1}–{:.1})", t[t.len() / 2], t[0], t[t.len() - 1])
    };
    for (i, q) in QUERIES.iter().enumerate() {
        let [a, b, c] = &mut times[i];
        let (listed, now, before) = found[i];
        println!(
            "| `{q}` | {} , {listed} | {}, {now} | {}, {before} |",
            stat(a),
            stat(b),
            stat(c)
        );
    }
    Ok(())
}
