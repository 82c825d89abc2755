//! `marsad feeds`: every feed's health from the store (last attempt and result,
//! latency, items new and seen, failure streak, next due), as a table or JSON.

use std::io::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::Context;
use crate::store::FeedState;
use crate::text::sanitize;

pub fn run(ctx: &Context, json: bool) -> anyhow::Result<ExitCode> {
    let store = ctx.open_backend_bare()?;
    let mut feeds = store.feeds()?;
    let configured: Vec<&str> = ctx.config.feeds.iter().map(|f| f.name.as_str()).collect();
    // Configured feeds not polled yet are listed too.
    for f in &ctx.config.feeds {
        if !feeds.iter().any(|s| s.name == f.name) {
            feeds.push(FeedState::unpolled(&f.name, &f.url.to_string()));
        }
    }
    let disabled: Vec<&str> = ctx
        .config
        .feeds
        .iter()
        .filter(|f| !f.enabled)
        .map(|f| f.name.as_str())
        .collect();
    // The seeds pseudo-feed and feeds no longer configured go last.
    feeds.sort_by_key(|f| {
        (
            configured
                .iter()
                .position(|n| *n == f.name)
                .unwrap_or(usize::MAX),
            f.name.clone(),
        )
    });
    let mut out = std::io::stdout().lock();
    if json {
        // What the store holds came from feeds: no control character or bidi
        // override reaches whoever reads the JSON (`jq -r` would print it raw).
        let feeds: Vec<FeedState> = feeds.into_iter().map(sanitized).collect();
        serde_json::to_writer_pretty(&mut out, &feeds)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let now = Utc::now();
    writeln!(
        out,
        "{:<26} {:>6} {:>6} {:>9} {:>7} {:>9} {:>6} {:>9}  RESULT",
        "FEED", "ITEMS", "STATUS", "LAST", "MS", "NEW/SEEN", "FAILS", "NEXT"
    )?;
    for f in &feeds {
        writeln!(
            out,
            "{:<26} {:>6} {:>6} {:>9} {:>7} {:>9} {:>6} {:>9}  {}",
            clip(&sanitize(&f.name), 26),
            f.items,
            f.last_status.map_or("-".into(), |s| s.to_string()),
            f.last_attempt.map_or("never".into(), |t| ago(now, t)),
            f.last_latency_ms.map_or("-".into(), |v| v.to_string()),
            match (f.last_new, f.last_seen) {
                (Some(n), Some(s)) => format!("{n}/{s}"),
                _ => "-".into(),
            },
            f.failure_streak,
            if disabled.contains(&f.name.as_str()) {
                "paused".to_string()
            } else {
                next(now, f)
            },
            result(f),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A feed's row with every text field sanitized and on one line.
fn sanitized(f: FeedState) -> FeedState {
    let clean = |s: String| crate::pipeline::one_line(&sanitize(&s));
    FeedState {
        name: clean(f.name),
        url: clean(f.url),
        etag: f.etag.map(clean),
        last_modified: f.last_modified.map(clean),
        last_error: f.last_error.map(clean),
        ..f
    }
}

fn result(f: &FeedState) -> String {
    if f.gone {
        return "gone (410): polling stopped".into();
    }
    match (&f.last_error, f.last_status, f.last_attempt) {
        (Some(e), _, _) => clip(&crate::pipeline::one_line(&sanitize(e)), 70),
        (None, Some(304), _) => "not modified".into(),
        (None, Some(_), _) => "ok".into(),
        (None, None, Some(_)) => "ok".into(),
        (None, None, None) => "not polled yet".into(),
    }
}

fn next(now: DateTime<Utc>, f: &FeedState) -> String {
    if f.gone {
        return "stopped".into();
    }
    match f.next_due {
        None => "now".into(),
        Some(t) if t <= now => "now".into(),
        Some(t) => format!("in {}", span((t - now).num_seconds())),
    }
}

fn ago(now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    format!("{} ago", span((now - t).num_seconds().max(0)))
}

fn span(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}
