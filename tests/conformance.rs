//! Conformance over the public feed test suites (feedparser, feed-rs, newsboat) in
//! `$MARSAD_CORPORA` (default `../shared/corpora` from the crate root): no file
//! panics the decoder or parser, each parse's time is measured (the maximum is
//! reported), and the share of feedparser's `wellformed` files whose title and
//! first item parse is printed. Skipped, saying so, when the corpora are absent.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use marsad::feeds::{decode, parse};

fn corpora() -> PathBuf {
    std::env::var_os("MARSAD_CORPORA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora"))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if !matches!(
            p.file_name().and_then(|n| n.to_str()),
            Some("LICENSE" | "SOURCE.txt")
        ) {
            out.push(p);
        }
    }
}

struct Parsed {
    ok: bool,
    title: bool,
    items: usize,
    took: Duration,
}

fn run(bytes: &[u8]) -> Parsed {
    let started = Instant::now();
    let text = decode::decode(bytes, None).text;
    let r = parse::parse(&text, Some("http://example.org/feed.xml"), "corpus");
    let took = started.elapsed();
    match r {
        Ok(f) => Parsed {
            ok: true,
            title: f.title.is_some(),
            items: f.items.len(),
            took,
        },
        Err(_) => Parsed {
            ok: false,
            title: false,
            items: 0,
            took,
        },
    }
}

/// What a wellformed file has, by looking at its text: a feed-level title (a
/// `<title` before any item) and at least one item.
fn expects(text: &str) -> (bool, bool) {
    let lower = text.to_ascii_lowercase();
    let first_item = ["<item", "<entry", "<rdf:item"]
        .iter()
        .filter_map(|t| lower.find(t))
        .min();
    let title = lower
        .find("<title")
        .is_some_and(|t| first_item.is_none_or(|i| t < i));
    (title, first_item.is_some())
}

#[test]
fn corpora_conformance() {
    let root = corpora();
    if !root.is_dir() {
        println!(
            "SKIPPED: corpora not found at {} (set MARSAD_CORPORA to run the conformance test)",
            root.display()
        );
        return;
    }
    let mut all = Vec::new();
    files(&root, &mut all);
    all.sort();
    assert!(!all.is_empty(), "no files under {}", root.display());
    let mut panics = Vec::new();
    let mut max = (Duration::ZERO, PathBuf::new());
    let mut over_50ms = 0;
    let (mut wf_total, mut wf_ok) = (0, 0);
    let mut wf_failed = Vec::new();
    for path in &all {
        let bytes = std::fs::read(path).unwrap();
        let result = std::panic::catch_unwind(|| run(&bytes));
        let Ok(p) = result else {
            panics.push(path.clone());
            continue;
        };
        if p.took > max.0 {
            max = (p.took, path.clone());
        }
        if p.took > Duration::from_millis(50) {
            over_50ms += 1;
        }
        let rel = path.strip_prefix(&root).unwrap_or(path);
        if rel.starts_with("feedparser/tests/wellformed") {
            wf_total += 1;
            let (want_title, want_item) = expects(&String::from_utf8_lossy(&bytes));
            let good = p.ok && (!want_title || p.title) && (!want_item || p.items > 0);
            if good {
                wf_ok += 1;
            } else {
                let why = if !p.ok {
                    "parse error"
                } else if want_title && !p.title {
                    "no title"
                } else {
                    "no item"
                };
                wf_failed.push(format!("{why}: {}", rel.display()));
            }
        }
    }
    let share = 100.0 * wf_ok as f64 / wf_total.max(1) as f64;
    println!("corpora: {} files under {}", all.len(), root.display());
    println!("panics: {}", panics.len());
    println!(
        "slowest decode+parse: {:.1} ms ({}); files over 50 ms: {over_50ms}",
        max.0.as_secs_f64() * 1000.0,
        max.1.display()
    );
    println!(
        "feedparser wellformed: {wf_ok}/{wf_total} = {share:.1}% with title and first item parsed"
    );
    for why in ["parse error", "no title", "no item"] {
        let n = wf_failed.iter().filter(|f| f.starts_with(why)).count();
        println!("  {why}: {n}");
    }
    if std::env::var_os("MARSAD_CORPORA_VERBOSE").is_some() {
        for f in &wf_failed {
            println!("  not parsed: {f}");
        }
    }
    assert!(panics.is_empty(), "panicked on {panics:?}");
    // Generous: the target (50 ms) is for release builds; tests run unoptimized.
    assert!(
        max.0 < Duration::from_secs(2),
        "a file took {:?}: {}",
        max.0,
        max.1.display()
    );
}
