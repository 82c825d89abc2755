//! `marsad stories` (the stories with items in a span, the biggest first) and
//! `marsad digest` (the brief an analyst sends: per topic its top stories,
//! the breaking periods, the alerts fired). Both read the stories the store
//! keeps (`item_stories`); breaking periods are found by replaying the span's
//! items, and the week before it as their baseline, through
//! [`crate::stories::burst`].

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use super::Context;
use super::list::one_line;
use crate::store::{Reader, StoryQuery, StorySummary};
use crate::stories::burst::{Breaking, BurstParams};

#[derive(Debug, clap::Args)]
pub struct StoriesArgs {
    /// Only stories with items published within this long, e.g. 24h, 7d
    #[arg(long, value_parser = crate::config::parse_duration, default_value = "24h")]
    since: Duration,
    /// Only items of this topic count (its id, name or Arabic name)
    #[arg(long)]
    topic: Option<String>,
    /// Only items that tag this party count (its id, name, Arabic name or badge)
    #[arg(long)]
    party: Option<String>,
    /// At most this many stories
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// One JSON object a line
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DigestFormat {
    Md,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct DigestArgs {
    /// The span the digest covers, e.g. 24h, 7d
    #[arg(long, value_parser = crate::config::parse_duration, default_value = "24h")]
    since: Duration,
    /// Output format
    #[arg(long, value_enum, default_value = "md")]
    format: DigestFormat,
    /// Stories listed per topic
    #[arg(long, default_value_t = 5)]
    top: usize,
}

fn start(since: Duration) -> DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(since).unwrap_or(chrono::Duration::MAX)
}

/// A story's texts as printed: sanitized, each on one line.
fn clean(mut s: StorySummary) -> StorySummary {
    s.headline = one_line(&s.headline).into_owned();
    s.link = s.link.as_deref().map(|l| one_line(l).into_owned());
    for v in [
        &mut s.sources,
        &mut s.languages,
        &mut s.topics,
        &mut s.parties,
        &mut s.links,
    ] {
        for x in v.iter_mut() {
            *x = one_line(x).into_owned();
        }
    }
    s
}

pub fn stories(ctx: &Context, args: &StoriesArgs) -> anyhow::Result<ExitCode> {
    use super::resolve;
    let config = &ctx.config;
    let topic = resolve::topic_arg(config, args.topic.as_deref())?;
    let party = resolve::party_arg(config, args.party.as_deref())?;
    let store = ctx.open_store_bare()?;
    let reader = store.reader()?;
    let found = reader.stories(&StoryQuery {
        since: Some(start(args.since)),
        topic,
        party,
        limit: args.limit,
    })?;
    let mut out = String::new();
    for s in found.into_iter().map(clean) {
        if args.json {
            out.push_str(&serde_json::to_string(&s)?);
            out.push('\n');
        } else {
            let _ = writeln!(
                out,
                "{:>4} items ({} new)  {:>2} sources  {:<5}  {}  {}",
                s.items,
                s.recent,
                s.sources.len(),
                s.languages.join(" "),
                s.first.format("%Y-%m-%d %H:%M"),
                s.headline
            );
        }
    }
    if out.is_empty() && !args.json {
        out.push_str("no stories in that span\n");
    }
    std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// A topic's breaking period in the span.
#[derive(Debug, Clone, Serialize)]
struct Period {
    topic: String,
    from: DateTime<Utc>,
    /// `None`: still breaking at the end of the replay.
    until: Option<DateTime<Utc>>,
    items: u32,
    expected: f64,
    sources: usize,
}

/// Breaking periods of each topic that started in the span: the span's items
/// and the baseline's before it, replayed in published order.
fn breaking_periods(reader: &Reader, from: DateTime<Utc>) -> anyhow::Result<Vec<Period>> {
    let params = BurstParams::default();
    let baseline = chrono::Duration::days(i64::from(params.baseline_days) + 1);
    let mut b = Breaking::new(params);
    let mut open: Vec<Period> = Vec::new();
    let mut done: Vec<Period> = Vec::new();
    let from_s = from.timestamp();
    let time = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or_default();
    let mut last_tick = i64::MIN;
    reader.label_events(from - baseline, |ts, source, tags| {
        let t = ts.div_euclid(1000);
        if t >= last_tick + 60 {
            for c in b.tick(t) {
                if let Some(i) = open
                    .iter()
                    .position(|p| p.topic == c.key.trim_start_matches("topic:"))
                {
                    let mut p = open.swap_remove(i);
                    p.until = Some(time(c.at));
                    done.push(p);
                }
            }
            last_tick = t;
        }
        let src = crate::stories::terms::hash(b's', source);
        for tag in tags
            .split_ascii_whitespace()
            .filter(|t| t.starts_with("topic:"))
        {
            if let Some(c) = b.add(tag, t, src)
                && c.breaking
                && c.at >= from_s
            {
                open.push(Period {
                    topic: tag.trim_start_matches("topic:").to_string(),
                    from: time(c.at),
                    until: None,
                    items: c.count,
                    expected: c.expected,
                    sources: c.sources,
                });
            }
        }
    })?;
    done.extend(open);
    done.sort_by(|a, b| a.from.cmp(&b.from).then(a.topic.cmp(&b.topic)));
    Ok(done)
}

pub fn digest(ctx: &Context, args: &DigestArgs) -> anyhow::Result<ExitCode> {
    let from = start(args.since);
    let store = ctx.open_store_bare()?;
    let reader = store.reader()?;
    let mut topics = Vec::new();
    for t in &ctx.config.topics {
        let found = reader.stories(&StoryQuery {
            since: Some(from),
            topic: Some(t.id.clone()),
            party: None,
            limit: args.top,
        })?;
        if !found.is_empty() {
            topics.push((t, found.into_iter().map(clean).collect::<Vec<_>>()));
        }
    }
    let periods = breaking_periods(&reader, from)?;
    let alerts: Vec<_> = reader
        .alerts(false, 10_000)?
        .into_iter()
        .filter(|a| a.fired_at >= from && !a.quiet)
        .collect();
    let name = |id: &str| {
        ctx.config
            .topics
            .iter()
            .find(|t| t.id == id)
            .map_or_else(|| id.to_string(), |t| t.name.clone())
    };
    let out = match args.format {
        DigestFormat::Json => {
            let v = json!({
                "from": from,
                "until": Utc::now(),
                "topics": topics.iter().map(|(t, s)| json!({"id": t.id, "name": t.name, "stories": s})).collect::<Vec<_>>(),
                "breaking": periods,
                "alerts": alerts.iter().map(|a| json!({
                    "alert": one_line(&a.alert),
                    "item": a.item.0,
                    "title": one_line(&a.title),
                    "source": one_line(&a.source),
                    "fired_at": a.fired_at,
                })).collect::<Vec<_>>(),
            });
            format!("{}\n", serde_json::to_string_pretty(&v)?)
        }
        DigestFormat::Md => {
            let mut md = String::new();
            let _ = writeln!(
                md,
                "# {} — digest, {} to {} UTC\n",
                one_line(&ctx.config.settings.watch),
                from.format("%Y-%m-%d %H:%M"),
                Utc::now().format("%Y-%m-%d %H:%M")
            );
            if topics.is_empty() {
                md.push_str("No stories in this span.\n");
            }
            for (t, stories) in &topics {
                let _ = writeln!(md, "## {}\n", one_line(&t.name));
                for s in stories {
                    let _ = writeln!(
                        md,
                        "- **{}** — {} items, {} sources ({}), {}; first seen {} UTC",
                        s.headline,
                        s.items,
                        s.sources.len(),
                        s.sources.join(", "),
                        s.languages.join("/"),
                        s.first.format("%Y-%m-%d %H:%M")
                    );
                    for l in s.links.iter().take(3) {
                        let _ = writeln!(md, "  - <{l}>");
                    }
                }
                md.push('\n');
            }
            md.push_str("## Breaking\n\n");
            if periods.is_empty() {
                md.push_str("Nothing broke in this span.\n");
            }
            for p in &periods {
                let _ = writeln!(
                    md,
                    "- {}: from {} UTC{} — {} items against {:.1} expected, {} sources",
                    one_line(&name(&p.topic)),
                    p.from.format("%Y-%m-%d %H:%M"),
                    p.until
                        .map(|u| format!(" to {}", u.format("%H:%M")))
                        .unwrap_or_default(),
                    p.items,
                    p.expected,
                    p.sources
                );
            }
            md.push_str("\n## Alerts\n\n");
            if alerts.is_empty() {
                md.push_str("No alert fired in this span.\n");
            }
            for a in &alerts {
                let _ = writeln!(
                    md,
                    "- {} UTC, {}: {} ({})",
                    a.fired_at.format("%Y-%m-%d %H:%M"),
                    one_line(&a.alert),
                    one_line(&a.title),
                    one_line(&a.source)
                );
            }
            md
        }
    };
    std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
