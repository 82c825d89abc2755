//! The reading keys on a large store (issue 15), on the stores the dashboard
//! benchmark builds (`support/corpus.rs`, `cargo bench --bench dashboard --
//! build SIZE`), each copied first (marking read changes it):
//! the river's first frame and its scrolling in the real binary in a
//! pseudo-terminal, and its peak memory; `C` (every item marked read, page
//! by page, each page a write transaction: its longest is the longest the
//! collector can wait); `n` on a store where everything is read, from the
//! unread index beside the scan of the pane it replaced, store-side and in
//! the binary. Wall time beside CPU time; medians with min–max. Figures in
//! benches/REPORT-reading.md.
//!
//! `cargo build --release && cargo bench --bench reading [-- SIZE...]`
//! Environment: MARSAD (the binary; target/release/marsad), BENCH_DIR (the
//! stores; target/bench-stores), RUNS (5).

#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "support/pty.rs"]
mod pty;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use marsad::store::{ItemQuery, MARK_PAGE, Store, Toward};

const COLS: u16 = 200;
const ROWS: u16 = 60;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = std::env::var_os("MARSAD")
        .map_or_else(|| root.join("target/release/marsad"), PathBuf::from);
    let dir = std::env::var_os("BENCH_DIR")
        .map_or_else(|| root.join("target/bench-stores"), PathBuf::from);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1);
    anyhow::ensure!(bin.exists(), "no binary at {}", bin.display());
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![1_000_000]
    } else {
        sizes
    };
    println!("# marsad reading benchmark\n");
    println!(
        "binary {}, {runs} runs a figure, {}",
        bin.display(),
        machine()
    );
    for n in sizes {
        let built = dir.join(format!("store-{n}.db"));
        anyhow::ensure!(
            dir.join(format!("store-{n}.done")).exists(),
            "no store of {n} items in {} (cargo bench --bench dashboard -- build {n})",
            dir.display()
        );
        let store = dir.join(format!("reading-{n}.db"));
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", store.display()));
        }
        std::fs::copy(&built, &store)?;
        // Migrated once (the unread index made) before anything is timed.
        let t = Instant::now();
        drop(Store::open(&store)?);
        println!("\n## {n} items\n");
        println!(
            "opened and migrated in {:.1} s; {}\n",
            t.elapsed().as_secs_f64(),
            machine()
        );
        println!("| measure | wall | CPU |\n|---|---|---|");
        let home = tempfile::tempdir()?;
        let config = config(home.path(), root)?;
        let run = |args: &[&str]| -> pty::Session {
            let mut a = vec![
                "--store",
                store.to_str().unwrap(),
                "--config",
                config.to_str().unwrap(),
            ];
            a.extend(args);
            pty::Session::start(&bin, &a, home.path(), COLS, ROWS)
        };
        river(&run, runs)?;
        next_unread_all_read(&store, runs)?;
        next_unread_binary(&run, runs)?;
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", store.display()));
        }
    }
    Ok(())
}

/// The shipped watch without its feeds (nothing is polled), opening on the
/// river.
fn config(home: &Path, root: &Path) -> anyhow::Result<PathBuf> {
    let shipped = std::fs::read_to_string(root.join("feeds.toml"))?;
    let mut table: toml::Table = toml::from_str(&shipped)?;
    table.remove("feed");
    if let Some(toml::Value::Table(s)) = table.get_mut("settings") {
        s.insert("timezone".into(), "UTC".into());
        s.insert("layout".into(), "river".into());
    }
    let path = home.join("watch.toml");
    std::fs::write(&path, toml::to_string(&table)?)?;
    Ok(path)
}

fn river_drawn(sc: &str) -> bool {
    sc.contains("every item, newest first") && !sc.contains("loading…")
}

/// Spawn to the river's first frame; then PageDown 200 times (half a screen
/// each), each to the screen redrawn; then the peak memory.
fn river(run: &dyn Fn(&[&str]) -> pty::Session, runs: usize) -> anyhow::Result<()> {
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    let (mut steps, mut peak) = (Vec::new(), Vec::new());
    let mut step_cpu = Vec::new();
    for _ in 0..runs.min(3) {
        let mut s = run(&[]);
        let at = s
            .wait_for(Duration::from_secs(60), river_drawn)
            .ok_or_else(|| anyhow::anyhow!("no river:\n{}", s.screen()))?;
        wall.push((at - s.started).as_secs_f64());
        cpu.push(pty::cpu(s.pid()));
        s.drain(Duration::from_millis(500));
        let c0 = pty::cpu(s.pid());
        let t0 = Instant::now();
        for _ in 0..200 {
            let before = s.screen();
            let sent = s.send("\x1b[6~");
            if let Some(at) = s.wait_for(Duration::from_secs(10), |sc| sc != before) {
                steps.push((at - sent).as_secs_f64());
            }
        }
        step_cpu.push((pty::cpu(s.pid()) - c0) / 200.0);
        let _ = t0;
        s.drain(Duration::from_secs(1));
        peak.push(pty::status_kb(s.pid(), "VmHWM") as f64);
        s.quit();
    }
    println!(
        "| river: first frame (spawn to the river drawn, {COLS}×{ROWS}) | {} | {} |",
        fmt_ms(&mut wall),
        fmt_ms(&mut cpu)
    );
    println!(
        "| river: PageDown to the screen redrawn ({} steps) | {} | {} a step |",
        steps.len(),
        fmt_ms(&mut steps),
        fmt_ms(&mut step_cpu)
    );
    let (m, lo, hi) = stats(&mut peak);
    println!(
        "| river: peak memory after 200 PageDowns (VmHWM) | {:.1} MiB ({:.1}–{:.1}) | |",
        m / 1024.0,
        lo / 1024.0,
        hi / 1024.0
    );
    Ok(())
}

/// `C` on the store, as the dashboard runs it (`Store::mark_read_where`'s
/// loop, each page timed: nothing else writes, so a page's wait is its
/// transaction); then `n` on every pane with everything read, the indexed
/// walk beside the scan it replaced.
fn next_unread_all_read(path: &Path, runs: usize) -> anyhow::Result<()> {
    let store = Store::open(path)?;
    let reader = store.reader()?;
    let all = ItemQuery::default();
    let (t, c) = (Instant::now(), process_cpu());
    let (mut pages, mut marked, mut from) = (Vec::new(), 0, None);
    loop {
        let page = reader.unread_page(&all, from, Toward::Older, MARK_PAGE)?;
        let Some(last) = page.last().copied() else {
            break;
        };
        let t = Instant::now();
        marked += store
            .mark_read(page.iter().map(|c| c.id).collect(), true)
            .wait()?;
        pages.push(t.elapsed().as_secs_f64());
        if page.len() < MARK_PAGE {
            break;
        }
        from = Some(last);
    }
    let (wall, cpu) = (t.elapsed().as_secs_f64(), process_cpu() - c);
    let n = pages.len();
    let (m, lo, hi) = stats(&mut pages);
    println!(
        "| C: {marked} items marked read, {n} pages of {MARK_PAGE} | {wall:.1} s | {cpu:.1} s |"
    );
    println!(
        "| C: one page's write transaction (the write lock held) | {:.1} ms ({:.1}–{:.1}) | |",
        m * 1e3,
        lo * 1e3,
        hi * 1e3
    );
    let mut panes: Vec<(String, ItemQuery)> = vec![("every item (river)".into(), all)];
    for topic in ["nuclear", "diplomacy", "missiles"] {
        panes.push((
            format!("topic {topic}"),
            ItemQuery {
                topic: Some(topic.into()),
                ..ItemQuery::default()
            },
        ));
    }
    panes.push((
        "feed synth-007".into(),
        ItemQuery {
            feed: Some("synth-007".into()),
            ..ItemQuery::default()
        },
    ));
    for (what, q) in &panes {
        let (mut wall, mut cpu) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let (t, c) = (Instant::now(), thread_cpu());
            let found = reader.next_unread(q, None, Toward::Older)?;
            wall.push(t.elapsed().as_secs_f64());
            cpu.push(thread_cpu() - c);
            anyhow::ensure!(found.is_none());
        }
        println!(
            "| n, all read, {what}: indexed | {} | {} |",
            fmt_ms(&mut wall),
            fmt_ms(&mut cpu)
        );
        // The query it replaced: the pane's items walked for an unread one.
        let unread = ItemQuery {
            unread_only: true,
            ..q.clone()
        };
        let (mut wall, mut cpu) = (Vec::new(), Vec::new());
        for _ in 0..runs.min(3) {
            let (t, c) = (Instant::now(), thread_cpu());
            let found = reader.select(&unread, None, Toward::Older, 1)?;
            wall.push(t.elapsed().as_secs_f64());
            cpu.push(thread_cpu() - c);
            anyhow::ensure!(found.is_empty());
        }
        println!(
            "| n, all read, {what}: the pane scanned (before) | {} | {} |",
            fmt_ms(&mut wall),
            fmt_ms(&mut cpu)
        );
    }
    // One item unread at the far end of the store: `n` from the top of the
    // river finds it (the unread index holds one entry).
    let oldest = reader.select(&ItemQuery::default(), None, Toward::Newer, 1)?;
    store
        .mark_read(oldest.iter().map(|c| c.id).collect(), false)
        .wait()?;
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (t, c) = (Instant::now(), thread_cpu());
        let found = reader.next_unread(&ItemQuery::default(), None, Toward::Older)?;
        wall.push(t.elapsed().as_secs_f64());
        cpu.push(thread_cpu() - c);
        anyhow::ensure!(found.map(|c| c.id) == oldest.first().map(|c| c.id));
    }
    println!(
        "| n, one unread item, the oldest: from the river's top | {} | {} |",
        fmt_ms(&mut wall),
        fmt_ms(&mut cpu)
    );
    store
        .mark_read(oldest.iter().map(|c| c.id).collect(), true)
        .wait()?;
    Ok(())
}

/// `n` in the binary with everything read: the key to the footer's answer.
fn next_unread_binary(run: &dyn Fn(&[&str]) -> pty::Session, runs: usize) -> anyhow::Result<()> {
    let mut s = run(&[]);
    s.wait_for(Duration::from_secs(60), river_drawn)
        .ok_or_else(|| anyhow::anyhow!("no river:\n{}", s.screen()))?;
    s.drain(Duration::from_millis(500));
    let mut wall = Vec::new();
    let c0 = pty::cpu(s.pid());
    for _ in 0..runs {
        let sent = s.send("n");
        let at = s
            .wait_for(Duration::from_secs(30), |sc| {
                sc.contains("no unread item below")
            })
            .ok_or_else(|| anyhow::anyhow!("no answer to n:\n{}", s.screen()))?;
        wall.push((at - sent).as_secs_f64());
        // The status line is cleared by the next key.
        s.send("j");
        s.wait_for(Duration::from_secs(10), |sc| {
            !sc.contains("no unread item below")
        });
    }
    let cpu = (pty::cpu(s.pid()) - c0) / runs as f64;
    s.quit();
    println!(
        "| n in the binary, all read: key to \"no unread item below\" | {} | {:.1} ms a key (n and j) |",
        fmt_ms(&mut wall),
        cpu * 1e3
    );
    Ok(())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "{cpus} CPUs, load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// Median, min and max.
fn stats(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let med = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    (med, v[0], v[n - 1])
}

fn fmt_ms(v: &mut [f64]) -> String {
    let (m, lo, hi) = stats(v);
    format!("{:.1} ms ({:.1}–{:.1})", m * 1e3, lo * 1e3, hi * 1e3)
}

/// This thread's CPU time so far, in seconds.
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1e9
}

/// This process's CPU time so far, in seconds (the store's writer thread
/// included).
fn process_cpu() -> f64 {
    pty::cpu(std::process::id())
}
