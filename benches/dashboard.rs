//! The dashboard at any size, measured on the real binary in a pseudo-terminal
//! over generated stores of 100,000, 1,000,000 and 5,000,000 items
//! (`support/corpus.rs`): first frame, peak memory after 60 s, a `/`
//! keystroke to its first screen of results, the interface's CPU for a poll of
//! 5 new items written by another process and how soon they show, idle CPU,
//! each `list` query of the issue, ingest of 100,000 farm items into the
//! largest store against an empty one, and store bytes per item. Wall time
//! beside CPU time; medians with min–max. Figures in
//! benches/REPORT-dashboard.md.
//!
//! `cargo build --release && cargo bench --bench dashboard [-- build|run|ingest] [SIZE...]`
//! Environment: MARSAD (the binary; target/release/marsad), BENCH_DIR (the
//! stores; target/bench-stores), RUNS (5).

#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/pty.rs"]
mod pty;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [100_000, 1_000_000, 5_000_000];
const WORDS: [&str; 4] = ["Iran", "مسقط", "talks", "التخصيب"];
const COLS: u16 = 200;
const ROWS: u16 = 60;

struct Bench {
    bin: PathBuf,
    dir: PathBuf,
    runs: usize,
    /// A home for the binary's config and data, and the watch it runs.
    home: tempfile::TempDir,
    config: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bench = Bench::new(
        std::env::var_os("MARSAD")
            .map_or_else(|| root.join("target/release/marsad"), PathBuf::from),
        std::env::var_os("BENCH_DIR")
            .map_or_else(|| root.join("target/bench-stores"), PathBuf::from),
        std::env::var("RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(5),
    )?;
    let cmd = args.first().map_or("run", String::as_str);
    let sizes: Vec<usize> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        SIZES.to_vec()
    } else {
        sizes
    };
    println!("# marsad dashboard benchmark\n");
    println!(
        "binary {}, stores in {}, {} runs a figure, {}",
        bench.bin.display(),
        bench.dir.display(),
        bench.runs,
        machine()
    );
    match cmd {
        "build" => {
            for n in sizes {
                bench.store(n)?;
            }
        }
        "ingest" => bench.ingest(*sizes.iter().max().unwrap_or(&5_000_000))?,
        _ => {
            for n in sizes {
                bench.size(n)?;
            }
        }
    }
    Ok(())
}

/// The machine and how busy it is.
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

/// CPU time (user + system) of the children waited for so far, in seconds
/// (`/proc/self/stat`: clock ticks of 10 ms).
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    // cutime and cstime are fields 16 and 17; `rest` starts at field 3.
    (f.get(13).copied().unwrap_or(0.0) + f.get(14).copied().unwrap_or(0.0)) / 100.0
}

/// This thread's CPU time so far, in seconds (nanoseconds on the CPU).
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1e9
}

impl Bench {
    fn new(bin: PathBuf, dir: PathBuf, runs: usize) -> anyhow::Result<Bench> {
        anyhow::ensure!(
            bin.exists(),
            "no binary at {} (cargo build --release)",
            bin.display()
        );
        std::fs::create_dir_all(&dir)?;
        let home = tempfile::tempdir()?;
        // The shipped watch without its feeds: nothing is polled, the
        // dashboard only reads the store.
        let shipped =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("feeds.toml"))?;
        let mut table: toml::Table = toml::from_str(&shipped)?;
        table.remove("feed");
        if let Some(toml::Value::Table(s)) = table.get_mut("settings") {
            s.insert("timezone".into(), "UTC".into());
        }
        let config = home.path().join("watch.toml");
        std::fs::write(&config, toml::to_string(&table)?)?;
        Ok(Bench {
            bin,
            dir,
            runs: runs.max(1),
            home,
            config,
        })
    }

    /// The store of `n` items, built once.
    fn store(&self, n: usize) -> anyhow::Result<PathBuf> {
        let path = self.dir.join(format!("store-{n}.db"));
        let done = self.dir.join(format!("store-{n}.done"));
        if path.exists() && done.exists() {
            return Ok(path);
        }
        let _ = std::fs::remove_file(&done);
        let t = Instant::now();
        let cpu = process_cpu();
        corpus::build(&path, n, 2, chrono::Utc::now())?;
        println!(
            "\nbuilt {n} items in {:.0} s ({:.0} s CPU)",
            t.elapsed().as_secs_f64(),
            process_cpu() - cpu
        );
        std::fs::write(&done, "")?;
        Ok(path)
    }

    fn dashboard(&self, store: &Path) -> pty::Session {
        let args = [
            "--store",
            store.to_str().unwrap(),
            "--config",
            self.config.to_str().unwrap(),
        ];
        pty::Session::start(&self.bin, &args, self.home.path(), COLS, ROWS)
    }

    /// Every measure at one size.
    fn size(&self, n: usize) -> anyhow::Result<()> {
        let store = self.store(n)?;
        let items = marsad::store::Reader::open(&store)?
            .count_items(&Default::default(), u64::MAX)?
            .items;
        let bytes: u64 = ["", "-wal"]
            .iter()
            .filter_map(|e| std::fs::metadata(format!("{}{e}", store.display())).ok())
            .map(|m| m.len())
            .sum();
        println!("\n## {n} items\n");
        println!(
            "{}; {items} items, {:.0} MB, {:.0} bytes an item\n",
            machine(),
            bytes as f64 / 1e6,
            bytes as f64 / items as f64
        );
        println!("| measure | wall | CPU |\n|---|---|---|");
        self.first_frame(&store)?;
        self.search(&store)?;
        self.poll(&store)?;
        self.memory(&store)?;
        self.lists(&store)?;
        Ok(())
    }

    /// Spawn to the first frame with the panes' rows (and the process's CPU
    /// by then).
    fn first_frame(&self, store: &Path) -> anyhow::Result<()> {
        let (mut wall, mut cpu) = (Vec::new(), Vec::new());
        for _ in 0..self.runs {
            let mut s = self.dashboard(store);
            let at = s.wait_for(Duration::from_secs(60), |sc| {
                sc.contains("1 Nuclear") && sc.contains("2 Missiles") && !sc.contains("loading…")
            });
            let at = at.ok_or_else(|| anyhow::anyhow!("no first frame:\n{}", s.screen()))?;
            wall.push((at - s.started).as_secs_f64());
            cpu.push(pty::cpu(s.pid()));
            s.quit();
        }
        println!(
            "| first frame (spawn to the panes drawn, {COLS}×{ROWS}) | {} | {} |",
            fmt_ms(&mut wall),
            fmt_ms(&mut cpu)
        );
        Ok(())
    }

    /// `/` and words typed a letter at a time: each keystroke to its first
    /// screen of results (the header shows the text and no longer "searching…").
    fn search(&self, store: &Path) -> anyhow::Result<()> {
        let mut s = self.dashboard(store);
        s.wait_for(Duration::from_secs(60), |sc| {
            sc.contains("1 Nuclear") && !sc.contains("loading…")
        });
        let (mut all, mut cpu) = (Vec::new(), Vec::new());
        let mut worst = (0.0, String::new());
        for _ in 0..self.runs.min(3) {
            for word in WORDS {
                s.send("/");
                s.wait_for(Duration::from_secs(5), |sc| sc.contains("type to filter"));
                let mut typed = String::new();
                for c in word.chars() {
                    typed.push(c);
                    let shown =
                        marsad::text::bidi::visual_string(&typed, marsad::text::bidi::Display::App);
                    let before = pty::cpu(s.pid());
                    let t0 = s.send(&c.to_string());
                    let want = format!("/{shown}▏");
                    let at = s.wait_for(Duration::from_secs(30), |sc| {
                        sc.contains(&want) && !sc.contains("searching…")
                    });
                    let at = at.ok_or_else(|| {
                        anyhow::anyhow!("no results for {typed}:\n{}", s.screen())
                    })?;
                    let d = (at - t0).as_secs_f64();
                    if d > worst.0 {
                        worst = (d, typed.clone());
                    }
                    all.push(d);
                    cpu.push(pty::cpu(s.pid()) - before);
                }
                s.send("\x1b");
                s.wait_for(Duration::from_secs(30), |sc| {
                    !sc.contains("filter:") && !sc.contains("searching…")
                });
            }
        }
        s.quit();
        println!(
            "| `/` keystroke to its first screen of results ({} keystrokes of {}; slowest: `{}`) | {} | {} (whole process) |",
            all.len(),
            WORDS.join(", "),
            worst.1,
            fmt_ms(&mut all),
            fmt_ms(&mut cpu)
        );
        Ok(())
    }

    /// Another process stores 5 new items (one naming Muscat): how soon the
    /// dashboard shows them and rings, and the CPU its interface spends.
    fn poll(&self, store: &Path) -> anyhow::Result<()> {
        let mut s = self.dashboard(store);
        s.wait_for(Duration::from_secs(60), |sc| {
            sc.contains("1 Nuclear") && !sc.contains("loading…")
        });
        s.drain(Duration::from_secs(2));
        let (mut seen, mut ui, mut total, mut idle) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut rang = 0;
        for run in 0..self.runs {
            let tag = format!("{}-{run}", std::process::id());
            let (feed, cfg) = self.feed_of_five(&tag)?;
            // Idle for as long as a poll is measured, for the baseline.
            let (u0, t0) = (pty::ui_cpu(s.pid()), Instant::now());
            s.drain(Duration::from_millis(1500));
            idle.push((pty::ui_cpu(s.pid()) - u0) / t0.elapsed().as_secs_f64());
            let bells = s.bells();
            let (u1, c1) = (pty::ui_cpu(s.pid()), pty::cpu(s.pid()));
            let out = Command::new(&self.bin)
                .args([
                    "--store",
                    store.to_str().unwrap(),
                    "--config",
                    cfg.to_str().unwrap(),
                    "fetch",
                    "--once",
                    // The feed was polled by the run before: poll it now.
                    "--force",
                ])
                .current_dir(self.home.path())
                .env("HOME", self.home.path())
                .output()?;
            let stored = Instant::now();
            anyhow::ensure!(
                out.status.success(),
                "fetch failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let title = format!("nuclear talks {tag} item 0");
            let at = s
                .wait_for(Duration::from_secs(10), |sc| sc.contains(&title))
                .ok_or_else(|| anyhow::anyhow!("the new items never showed:\n{}", s.screen()))?;
            seen.push((at - stored).as_secs_f64());
            // Let every answer come and the screen settle.
            s.drain(Duration::from_millis(1500));
            let span = stored.elapsed().as_secs_f64() + 0.05;
            ui.push(pty::ui_cpu(s.pid()) - u1 - idle.last().copied().unwrap_or(0.0) * span);
            total.push(pty::cpu(s.pid()) - c1);
            rang += usize::from(s.bells() > bells);
            let _ = std::fs::remove_file(feed);
        }
        s.quit();
        println!(
            "| another process's write visible (its commit to the new items drawn) | {} | |",
            fmt_ms(&mut seen)
        );
        println!(
            "| a poll of 5 new items by another process (1 alert): interface threads' CPU, idle baseline taken off | | {} (idle baseline {:.2} ms/s) |",
            fmt_ms(&mut ui),
            stats(&mut idle).0 * 1e3
        );
        println!(
            "| the same, whole process (watcher, query worker, store reads) | | {} |",
            fmt_ms(&mut total)
        );
        println!(
            "| the alert rang (terminal bell) | {rang} of {} polls | |",
            self.runs
        );
        Ok(())
    }

    /// A local feed of 5 new items and a config that polls it.
    fn feed_of_five(&self, tag: &str) -> anyhow::Result<(PathBuf, PathBuf)> {
        let feed = self.home.path().join(format!("five-{tag}.xml"));
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>five</title><link>http://127.0.0.1/</link><description>x</description>",
        );
        for k in 0..5 {
            let muscat = if k == 4 { " in Muscat" } else { "" };
            xml.push_str(&format!(
                "<item><title>Iran nuclear talks {tag} item {k}{muscat}</title><guid>{tag}-{k}</guid><link>http://127.0.0.1/{tag}/{k}</link><description>Enrichment talks resumed, item {k} of {tag}.</description></item>"
            ));
        }
        xml.push_str("</channel></rss>");
        std::fs::write(&feed, xml)?;
        let mut cfg = std::fs::read_to_string(&self.config)?;
        cfg.push_str(&format!(
            "\n[[feed]]\nname = \"five\"\nurl = \"file:{}\"\n",
            feed.display()
        ));
        let path = self.home.path().join(format!("five-{tag}.toml"));
        std::fs::write(&path, cfg)?;
        Ok((feed, path))
    }

    /// Peak memory after 60 s open, with some use: the first pane zoomed and
    /// scrolled 1,000 rows down, a search typed and cleared; then idle CPU.
    fn memory(&self, store: &Path) -> anyhow::Result<()> {
        let mut s = self.dashboard(store);
        s.wait_for(Duration::from_secs(60), |sc| {
            sc.contains("1 Nuclear") && !sc.contains("loading…")
        });
        s.send("z");
        for _ in 0..100 {
            s.send("\x1b[6~"); // PageDown: half a screen
            s.drain(Duration::from_millis(20));
        }
        s.send("/");
        for c in "Iran".chars() {
            s.send(&c.to_string());
            s.drain(Duration::from_millis(100));
        }
        s.send("\x1b");
        s.send("\x1b");
        let left = Duration::from_secs(60).saturating_sub(s.started.elapsed());
        s.drain(left);
        let peak = pty::status_kb(s.pid(), "VmHWM");
        let (c0, t0) = (pty::cpu(s.pid()), Instant::now());
        s.drain(Duration::from_secs(20));
        let idle = (pty::cpu(s.pid()) - c0) / t0.elapsed().as_secs_f64();
        s.quit();
        println!(
            "| peak memory after 60 s open (VmHWM) | {:.1} MiB | |",
            peak as f64 / 1024.0
        );
        println!(
            "| idle CPU over 20 s (the clock's tick and the store watcher's look every 0.5 s) | | {:.2} ms/s = {:.3} % |",
            idle * 1e3,
            idle * 100.0
        );
        Ok(())
    }

    /// Each `list` query of the issue: the whole command's wall time, and the
    /// query itself (the store's `items`, what `list` calls) timed in this
    /// process, wall and CPU.
    fn lists(&self, store: &Path) -> anyhow::Result<()> {
        let day = chrono::Utc::now() - chrono::Duration::hours(24);
        let q = marsad::store::ItemQuery::default;
        let queries: [(&[&str], marsad::store::ItemQuery); 5] = [
            (
                &["--limit", "1"],
                marsad::store::ItemQuery {
                    limit: Some(1),
                    ..q()
                },
            ),
            (
                &["--topic", "nuclear", "--limit", "50"],
                marsad::store::ItemQuery {
                    topic: Some("nuclear".into()),
                    limit: Some(50),
                    ..q()
                },
            ),
            (
                &["--party", "iran"],
                marsad::store::ItemQuery {
                    party: Some("iran".into()),
                    limit: Some(50),
                    ..q()
                },
            ),
            (
                &["--search", "مسقط"],
                marsad::store::ItemQuery {
                    search: Some("مسقط".into()),
                    limit: Some(50),
                    ..q()
                },
            ),
            (
                &["--since", "24h"],
                marsad::store::ItemQuery {
                    since: Some(day),
                    limit: Some(50),
                    ..q()
                },
            ),
        ];
        for (args, query) in queries {
            let mut wall = Vec::new();
            for _ in 0..self.runs {
                let t = Instant::now();
                let out = Command::new(&self.bin)
                    .args([
                        "--store",
                        store.to_str().unwrap(),
                        "--config",
                        self.config.to_str().unwrap(),
                        "list",
                    ])
                    .args(args)
                    .current_dir(self.home.path())
                    .output()?;
                wall.push(t.elapsed().as_secs_f64());
                anyhow::ensure!(
                    out.status.success() && !out.stdout.is_empty(),
                    "list {args:?}: {out:?}"
                );
            }
            let (mut qwall, mut qcpu) = (Vec::new(), Vec::new());
            for _ in 0..self.runs {
                // A new connection each time, as a `list` command has.
                let r = marsad::store::Reader::open(store)?;
                let (t, c) = (Instant::now(), thread_cpu());
                let items = r.items(&query)?;
                qcpu.push(thread_cpu() - c);
                qwall.push(t.elapsed().as_secs_f64());
                anyhow::ensure!(!items.is_empty(), "{query:?} found nothing");
            }
            println!(
                "| `marsad list {}`: the command / the query | {} / {} | — / {} |",
                args.join(" "),
                fmt_ms(&mut wall),
                fmt_ms(&mut qwall),
                fmt_ms(&mut qcpu)
            );
        }
        Ok(())
    }

    /// `marsad fetch --once` of 100,000 farm items into an empty store and
    /// into a copy of the store of `n` items, alternately: CPU and wall.
    fn ingest(&self, n: usize) -> anyhow::Result<()> {
        let big = self.store(n)?;
        let farm_cfg = self.home.path().join("farm.toml");
        let mut farm = Command::new(&self.bin)
            .args(["farm", "--feeds", "200", "--items", "500", "--write-config"])
            .arg(&farm_cfg)
            .args(["--settings", "concurrency = 8\\nper_host = 8"])
            .stdout(std::process::Stdio::piped())
            .spawn()?;
        let until = Instant::now() + Duration::from_secs(60);
        while !farm_cfg.exists() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(500));
        println!(
            "\n## ingest of 100,000 farm items (200 feeds of 500)\n\n{}\n",
            machine()
        );
        println!("| into | wall | CPU |\n|---|---|---|");
        let (mut e_wall, mut e_cpu, mut b_wall, mut b_cpu) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..self.runs.min(3) {
            for into_big in [false, true] {
                let target = self.dir.join("ingest-target.db");
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", target.display()));
                }
                if into_big {
                    std::fs::copy(&big, &target)?;
                }
                let c0 = children_cpu();
                let t = Instant::now();
                let out = Command::new(&self.bin)
                    .args([
                        "--store",
                        target.to_str().unwrap(),
                        "--config",
                        farm_cfg.to_str().unwrap(),
                        "fetch",
                        "--once",
                    ])
                    .current_dir(self.home.path())
                    .output()?;
                let (w, c) = (t.elapsed().as_secs_f64(), children_cpu() - c0);
                anyhow::ensure!(
                    out.status.success(),
                    "fetch: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                if into_big {
                    b_wall.push(w);
                    b_cpu.push(c);
                } else {
                    e_wall.push(w);
                    e_cpu.push(c);
                }
            }
        }
        let _ = farm.kill();
        let _ = farm.wait();
        let (ec, bc) = (stats(&mut e_cpu.clone()).0, stats(&mut b_cpu.clone()).0);
        println!(
            "| an empty store | {} | {} |",
            fmt_s(&mut e_wall),
            fmt_s(&mut e_cpu)
        );
        println!(
            "| the store of {n} items | {} | {} |",
            fmt_s(&mut b_wall),
            fmt_s(&mut b_cpu)
        );
        println!("\nCPU ratio, medians: {:.2}", bc / ec);
        Ok(())
    }
}

fn fmt_s(v: &mut [f64]) -> String {
    let (m, lo, hi) = stats(v);
    format!("{m:.2} s ({lo:.2}–{hi:.2})")
}

/// This process's CPU time so far, in seconds.
fn process_cpu() -> f64 {
    pty::cpu(std::process::id())
}
