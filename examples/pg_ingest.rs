//! The team store's ingest beside the SQLite store's:
//! `cargo run --release --example pg_ingest -- [RUNS] [FEEDS] [ITEMS_PER_FEED]`
//! (default 3 runs of 200 feeds × 500 items = 100,000 items).
//!
//! Each run stores the same items, feed by feed as a collector does (one
//! batch, one transaction per feed), into a fresh SQLite file, into a fresh
//! PostgreSQL database by one collector, and by three collectors at once
//! (threads, a connection each, the feeds shared by leases). The server is
//! a cluster of its own started as the tests start theirs
//! (`tests/support/pg.rs`), durable as SQLite is (fsync and synchronous
//! commit on). Printed: wall time, this
//! process's CPU (user + system) and the server's CPU, per run and as
//! medians with min–max.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/pg.rs"]
mod pg;

use std::time::{Duration, Instant};

use chrono::Utc;
use marsad::model::{Classification, Label, NewItem};
use marsad::store::postgres::PgStore;
use marsad::store::{AlertPolicy, FeedRef, IngestBatch, Location, PgUrl, Store};

/// Headline words, Arabic and English, to make distinct items.
const WORDS: &[&str] = &[
    "إيران",
    "مسقط",
    "المفاوضات",
    "الولايات",
    "المتحدة",
    "التخصيب",
    "العقوبات",
    "جولة",
    "talks",
    "Iran",
    "Oman",
    "nuclear",
    "sanctions",
    "round",
    "minister",
    "week",
];

fn feeds(n: usize, per_feed: usize) -> Vec<(FeedRef, Vec<NewItem>)> {
    let now = Utc::now();
    (0..n)
        .map(|f| {
            let feed = FeedRef {
                name: format!("feed-{f:04}"),
                url: format!("http://host{}.example/feed/{f}", f % 20),
            };
            let items = (0..per_feed)
                .map(|i| {
                    let k = f * per_feed + i;
                    let title: Vec<&str> = (0..8)
                        .map(|j| WORDS[(k * 7 + j * 3) % WORDS.len()])
                        .collect();
                    NewItem {
                        guid: Some(format!("{f}-{i}")),
                        link: Some(format!("http://host{}.example/{f}/{i}", f % 20)),
                        source: feed.name.clone(),
                        title: format!("{} {k}", title.join(" ")),
                        text: format!(
                            "{} — item {k} of the farm, {}",
                            title.join(" "),
                            WORDS[k % WORDS.len()]
                        ),
                        published: Some(now - chrono::Duration::seconds(k as i64)),
                        date_is_fetch_time: false,
                        fetched: now,
                        labels: Classification {
                            lang: if k.is_multiple_of(2) { "ar" } else { "en" }.into(),
                            topics: vec![Label {
                                id: ["nuclear", "diplomacy", "sanctions"][k % 3].into(),
                                evidence: vec![],
                            }],
                            parties: vec![Label {
                                id: ["iran", "us", "oman"][k % 3].into(),
                                evidence: vec![],
                            }],
                            alerts: vec![],
                        },
                        keys: None,
                    }
                })
                .collect();
            (feed, items)
        })
        .collect()
}

fn batch(feed: &FeedRef, items: &[NewItem]) -> IngestBatch {
    IngestBatch {
        feed: feed.clone(),
        items: items.to_vec(),
        fetch: None,
        alerts: AlertPolicy::Quiet,
        keep_items: false,
    }
}

/// This process's CPU time (user + system).
fn cpu_self() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let f: Vec<&str> = stat
        .rfind(')')
        .map_or(vec![], |c| stat[c + 2..].split(' ').collect());
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    Duration::from_secs_f64((num(11) + num(12)) / 100.0)
}

/// The CPU time of the PostgreSQL server whose folder is `dir`: its
/// postmaster's, with that of its children gone (connections closed, which
/// it waited for), and that of its children alive.
fn cpu_server(dir: &str) -> Duration {
    let Ok(pid) = std::fs::read_to_string(format!("{dir}/data/postmaster.pid")) else {
        return Duration::ZERO;
    };
    let Some(pm) = pid
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<u32>().ok())
    else {
        return Duration::ZERO;
    };
    let tick = 100.0; // USER_HZ on Linux
    let mut total = 0.0;
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let f: Vec<&str> = stat[close + 2..].split(' ').collect();
        let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        let pid: u32 = e
            .file_name()
            .to_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if pid == pm {
            total += (num(11) + num(12) + num(13) + num(14)) / tick;
        } else if f.get(1).and_then(|p| p.parse::<u32>().ok()) == Some(pm) {
            total += (num(11) + num(12)) / tick;
        }
    }
    Duration::from_secs_f64(total)
}

struct Sample {
    wall: Duration,
    cpu: Duration,
    server: Duration,
}

fn median_range(xs: &mut [f64]) -> String {
    xs.sort_by(f64::total_cmp);
    let m = xs[xs.len() / 2];
    format!("{m:.2} s ({:.2}–{:.2})", xs[0], xs[xs.len() - 1])
}

fn main() {
    pg::durable();
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let runs = args.first().copied().unwrap_or(3);
    let n_feeds = args.get(1).copied().unwrap_or(200);
    let per_feed = args.get(2).copied().unwrap_or(500);
    let farm = feeds(n_feeds, per_feed);
    let total = n_feeds * per_feed;
    println!("{runs} runs of {n_feeds} feeds × {per_feed} items = {total} items");
    let mut results: Vec<(&str, Vec<Sample>)> = vec![
        ("SQLite, one writer", vec![]),
        ("PostgreSQL, one collector", vec![]),
        ("PostgreSQL, three collectors", vec![]),
    ];
    for run in 0..runs {
        // SQLite.
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("bench.db")).unwrap();
        let (t0, c0) = (Instant::now(), cpu_self());
        for (feed, items) in &farm {
            let r = store.ingest(batch(feed, items)).wait().unwrap();
            assert_eq!(r.added, items.len());
        }
        results[0].1.push(Sample {
            wall: t0.elapsed(),
            cpu: cpu_self() - c0,
            server: Duration::ZERO,
        });
        drop(store);

        for (k, collectors) in [(1, 1usize), (2, 3)] {
            let db = pg::db(&format!("bench-{run}-{collectors}")).expect("a PostgreSQL server");
            let url = match Location::parse(&db.url).unwrap() {
                Location::Postgres(u) => u,
                Location::Sqlite(_) => unreachable!(),
            };
            let socket = pg::socket_dir().expect("the bench's own cluster");
            let setup = PgStore::open(&url, "bench").unwrap();
            let refs: Vec<FeedRef> = farm.iter().map(|(f, _)| f.clone()).collect();
            setup.sync_feeds(&refs).unwrap();
            drop(setup);
            let (t0, c0, s0) = (Instant::now(), cpu_self(), cpu_server(&socket));
            std::thread::scope(|s| {
                let handles: Vec<_> = (0..collectors)
                    .map(|c| {
                        let (url, farm) = (url.clone(), &farm);
                        s.spawn(move || collect(&url, farm, c))
                    })
                    .collect();
                let added: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
                assert_eq!(added, total);
            });
            let (wall, cpu) = (t0.elapsed(), cpu_self() - c0);
            // The closed connections' processes exit and are reaped.
            std::thread::sleep(Duration::from_millis(500));
            let server = cpu_server(&socket).saturating_sub(s0);
            results[k].1.push(Sample { wall, cpu, server });
            drop(db);
        }
        for (name, samples) in &results {
            let s = samples.last().unwrap();
            println!(
                "run {}: {name}: wall {:.2} s, marsad CPU {:.2} s, server CPU {:.2} s",
                run + 1,
                s.wall.as_secs_f64(),
                s.cpu.as_secs_f64(),
                s.server.as_secs_f64()
            );
        }
    }
    println!(
        "\n| store | wall | marsad CPU | server CPU | items/s (median wall) |\n| --- | ---: | ---: | ---: | ---: |"
    );
    let mut sqlite_wall = 0.0;
    for (i, (name, samples)) in results.iter().enumerate() {
        let mut w: Vec<f64> = samples.iter().map(|s| s.wall.as_secs_f64()).collect();
        let mut c: Vec<f64> = samples.iter().map(|s| s.cpu.as_secs_f64()).collect();
        let mut sv: Vec<f64> = samples.iter().map(|s| s.server.as_secs_f64()).collect();
        let wall = median_range(&mut w);
        let med = w[w.len() / 2];
        if i == 0 {
            sqlite_wall = med;
        }
        println!(
            "| {name} | {wall} | {} | {} | {:.0} |",
            median_range(&mut c),
            if i == 0 {
                "—".to_string()
            } else {
                median_range(&mut sv)
            },
            total as f64 / med
        );
        if i > 0 {
            println!("|   ×SQLite wall | {:.2} | | | |", med / sqlite_wall);
        }
    }
}

/// One collector: leases feeds until none is left, stores each feed's batch
/// with its fetch record (which ends the lease). Gives back how many items
/// it stored.
fn collect(url: &PgUrl, farm: &[(FeedRef, Vec<NewItem>)], c: usize) -> usize {
    let name = format!("collector-{c}");
    let store = PgStore::open(url, &name).unwrap();
    let by_name: std::collections::HashMap<&str, &Vec<NewItem>> =
        farm.iter().map(|(f, i)| (f.name.as_str(), i)).collect();
    let mut added = 0;
    loop {
        let leases = store
            .lease(&name, 4, 1000, Duration::from_secs(600))
            .unwrap();
        if leases.is_empty() {
            break;
        }
        for l in leases {
            let feed = FeedRef {
                name: l.name.clone(),
                url: l.url.clone(),
            };
            let mut b = batch(&feed, by_name[l.name.as_str()]);
            let now = Utc::now();
            b.fetch = Some(marsad::store::FetchRecord {
                attempted: now,
                status: Some(200),
                next_due: Some(now + chrono::Duration::hours(1)),
                ..Default::default()
            });
            added += store.ingest(&b).unwrap().added;
        }
    }
    added
}
