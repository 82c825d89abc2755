//! `marsad fetch`: the collector without the dashboard. `--once` polls every due
//! feed once and prints what each did with totals; without it, it runs until
//! Ctrl-C or SIGTERM, printing one line per poll.

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use chrono::Utc;
use clap::Args;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Context;
use crate::feeds::PollOutcome;
use crate::feeds::poller::{Collector, PollResult};
use crate::text::sanitize;

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Poll every due feed once, print the results and exit
    #[arg(long)]
    pub once: bool,
    /// Only this feed (polled even if not yet due)
    #[arg(long, value_name = "NAME")]
    pub feed: Option<String>,
    /// Poll every enabled feed now, due or not (requests stay conditional)
    #[arg(long)]
    pub force: bool,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, args: &FetchArgs) -> anyhow::Result<ExitCode> {
    let mut feeds = ctx.config.feeds.clone();
    if let Some(name) = &args.feed {
        let names: Vec<String> = feeds.iter().map(|f| f.name.clone()).collect();
        let name = super::resolve::feed(&names, name)?;
        feeds.retain(|f| f.name == name);
    }
    let store = ctx.open_store_bare()?;
    let collector_store = store.clone();
    let pipeline = Arc::new(ctx.pipeline()?);
    // The blocking pool does the CPU work (parsing, the pipeline): more threads
    // than cores only add memory (one malloc arena each).
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(cores.max(2))
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(async move {
        let collector = Arc::new(Collector::new(
            &ctx.config.settings,
            pipeline,
            collector_store,
        )?);
        let mut memory = collector.load(&feeds).await?;
        let cancel = CancellationToken::new();
        let stop = crate::tui::StopSignals::listen().context("cannot listen for signals")?;
        let on_signal = cancel.clone();
        tokio::spawn(async move {
            stop.recv().await;
            on_signal.cancel();
        });
        if args.once {
            let now = Utc::now();
            let forced = args.force || args.feed.is_some();
            memory.retain(|m| m.feed.enabled && (forced || m.is_due(now)));
            let started = Instant::now();
            let results = collector.poll_all(memory, &cancel, false).await;
            let code = report(&results, started.elapsed(), args.json)?;
            // From cron, the collector's hourly prune is this run's.
            if let Some(age) = ctx.config.settings.retention {
                crate::feeds::retention::prune_once(&store, age, &cancel).await;
            }
            refuse_damaged(&store)?;
            Ok(code)
        } else {
            if args.force {
                memory.iter_mut().for_each(|m| m.next_due = None);
            }
            let (tx, mut rx) = mpsc::channel::<PollOutcome>(64);
            let (_refresh_tx, refresh_rx) = mpsc::channel(1);
            let run = tokio::spawn(collector.run(memory, tx, refresh_rx, cancel.clone()));
            let mut printed = Ok(());
            let gone = reader_gone();
            tokio::pin!(gone);
            loop {
                let o = tokio::select! {
                    o = rx.recv() => o,
                    _ = &mut gone => None,
                };
                let Some(o) = o else { break };
                printed = print_outcome(&o, args.json);
                if printed.is_err() || store.damaged().is_some() {
                    break;
                }
            }
            // Nobody reads any more (`marsad fetch | head -1`), or the collector
            // stopped: stop polling; writes handed to the store complete.
            cancel.cancel();
            drop(rx);
            // Polls under way store what they fetched, within a bound.
            if let Ok(joined) = tokio::time::timeout(super::watch::GRACE, run).await {
                joined.context("the collector stopped abnormally")?;
            }
            refuse_damaged(&store)?;
            printed?;
            Ok(ExitCode::SUCCESS)
        }
    });
    // A poll stuck in a blocking read must not hold the process.
    runtime.shutdown_timeout(super::watch::STRAGGLERS);
    result
}

/// Fails when SQLite reported the store damaged during the run (the writer then
/// stopped writing): the command must not end as if all went well.
fn refuse_damaged(store: &crate::store::Store) -> anyhow::Result<()> {
    match store.damaged() {
        Some(d) => Err(anyhow::anyhow!("{d}"))
            .with_context(|| format!("the store {}", store.path().display())),
        None => Ok(()),
    }
}

/// Resolves when standard output is a pipe whose reader has gone (the kernel
/// reports an error on the pipe at once), so the collector stops then rather
/// than at its next line, which may be a poll interval away. Never resolves
/// for a terminal, a file, or where that cannot be watched.
async fn reader_gone() {
    #[cfg(unix)]
    {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let watch = std::thread::Builder::new()
            .name("marsad-stdout-watch".into())
            .spawn(move || {
                use rustix::event::{PollFd, PollFlags, poll};
                let out = std::io::stdout();
                let mut fds = [PollFd::new(&out, PollFlags::empty())];
                // POLLERR (and POLLHUP) come whatever was asked for; a
                // terminal or a file never gives them.
                while poll(&mut fds, None).is_ok() {
                    let got = fds[0].revents();
                    if got.intersects(PollFlags::ERR | PollFlags::HUP) {
                        let _ = tx.send(());
                        return;
                    }
                    if got.contains(PollFlags::NVAL) {
                        return;
                    }
                }
            });
        if watch.is_ok() && rx.await.is_ok() {
            return;
        }
    }
    std::future::pending::<()>().await
}

/// A feed's name or error as printed: sanitized and on one line, in JSON too
/// (a consumer such as `jq -r` prints strings raw).
fn clean(s: &str) -> String {
    crate::pipeline::one_line(&sanitize(s))
}

fn print_outcome(o: &PollOutcome, json: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let v = serde_json::json!({
            "feed": clean(&o.feed),
            "finished": o.finished,
            "new": o.new.len(),
            "alerts": o.fired.iter().filter(|a| !a.quiet).count(),
            "not_modified": o.not_modified,
            "error": o.error.as_deref().map(clean),
        });
        writeln!(out, "{v}")?;
    } else {
        let what = match (&o.error, o.not_modified) {
            (Some(e), _) => format!("error: {}", clean(e)),
            (None, true) => "not modified".into(),
            (None, false) => format!("{} new", o.new.len()),
        };
        writeln!(
            out,
            "{}  {}  {what}",
            o.finished.format("%H:%M:%S"),
            clean(&o.feed)
        )?;
    }
    out.flush()
}

fn report(
    results: &[PollResult],
    elapsed: std::time::Duration,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let new: usize = results.iter().map(|r| r.new_count).sum();
    let seen: usize = results.iter().map(|r| r.seen).sum();
    let not_modified = results.iter().filter(|r| r.outcome.not_modified).count();
    let errors = results.iter().filter(|r| r.outcome.error.is_some()).count();
    let bytes: u64 = results.iter().map(|r| r.bytes).sum();
    let mut sorted: Vec<&PollResult> = results.iter().collect();
    sorted.sort_by(|a, b| a.outcome.feed.cmp(&b.outcome.feed));
    if json {
        let feeds: Vec<_> = sorted
            .iter()
            .map(|r| {
                serde_json::json!({
                    "feed": clean(&r.outcome.feed),
                    "status": r.status,
                    "new": r.new_count,
                    "seen": r.seen,
                    "not_modified": r.outcome.not_modified,
                    "latency_ms": r.latency_ms,
                    "bytes": r.bytes,
                    "error": r.outcome.error.as_deref().map(clean),
                    "next_due": r.next_due,
                    "gone": r.gone,
                })
            })
            .collect();
        let v = serde_json::json!({
            "feeds": feeds,
            "totals": {
                "feeds": results.len(),
                "new": new,
                "seen": seen,
                "not_modified": not_modified,
                "errors": errors,
                "bytes": bytes,
                "seconds": elapsed.as_secs_f64(),
            }
        });
        writeln!(out, "{v}")?;
    } else {
        for r in &sorted {
            let status = r.status.map_or("-".to_string(), |s| s.to_string());
            let what = match &r.outcome.error {
                Some(e) => format!("error: {}", clean(e)),
                None if r.outcome.not_modified => "not modified".into(),
                None => format!("{} new, {} seen", r.new_count, r.seen),
            };
            writeln!(
                out,
                "{:<28} {:>4} {:>6} ms  {what}{}",
                clean(&r.outcome.feed),
                status,
                r.latency_ms,
                if r.gone {
                    " (gone: polling stopped)"
                } else {
                    ""
                }
            )?;
        }
        writeln!(
            out,
            "{} feed{} polled: {new} new item{}, {seen} already known, {not_modified} not modified (304), {errors} error{}, in {:.2} s",
            results.len(),
            if results.len() == 1 { "" } else { "s" },
            if new == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" },
            elapsed.as_secs_f64()
        )?;
    }
    out.flush()?;
    Ok(if !results.is_empty() && errors == results.len() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}
