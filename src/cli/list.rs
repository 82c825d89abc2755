//! `marsad list`, `marsad export`, and the store summary.

use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;
use serde::Serialize;

use super::Context;
use crate::model::StoredItem;
use crate::store::ItemQuery;
use crate::text::sanitize_cow;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only items in this topic (its id, name or Arabic name, any case)
    #[arg(long)]
    topic: Option<String>,
    /// Only items that tag this party (its id, name, Arabic name or badge)
    #[arg(long)]
    party: Option<String>,
    /// Only items that fired this alert (its id or name)
    #[arg(long)]
    alert: Option<String>,
    /// Only items of this feed (its name, any case)
    #[arg(long)]
    feed: Option<String>,
    /// Only items published within this long, e.g. 24h, 7d
    #[arg(long, value_parser = crate::config::parse_duration)]
    since: Option<std::time::Duration>,
    /// Only items whose title or text has these words (Arabic normalized: هجوم finds الهجوم)
    #[arg(long)]
    search: Option<String>,
    /// Only the items bookmarked in the dashboard
    #[arg(long)]
    bookmarked: bool,
    /// At most this many items
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// One JSON object a line
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Ndjson,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "ndjson")]
    format: Format,
    /// Write to this file instead of standard output
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// The JSON form of an item for `list --json` and `export`. Its texts are
/// sanitized again on the way out (they were when stored): a store file made
/// or changed by something else must not reach a terminal or a consumer raw.
#[derive(Debug, Serialize)]
pub(super) struct ItemLine<'a> {
    id: i64,
    feed: Cow<'a, str>,
    source: Cow<'a, str>,
    title: Cow<'a, str>,
    link: Option<Cow<'a, str>>,
    published: Option<String>,
    lang: Cow<'a, str>,
    topics: Vec<String>,
    parties: Vec<String>,
    alerts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<Cow<'a, str>>,
}

pub(super) fn line(item: &StoredItem, with_text: bool) -> ItemLine<'_> {
    ItemLine {
        id: item.id.0,
        feed: one_line(&item.feed),
        source: one_line(&item.source),
        title: one_line(&item.title),
        link: item.link.as_deref().map(one_line),
        published: item.published.map(|p| p.to_rfc3339()),
        lang: one_line(&item.labels.lang),
        topics: item.labels.topic_ids(),
        parties: item.labels.party_ids(),
        alerts: item.labels.alert_ids(),
        text: with_text.then(|| sanitize_cow(&item.text)),
    }
}

/// A stored title, name or link as printed: sanitized, on one line.
pub(super) fn one_line(s: &str) -> Cow<'_, str> {
    match sanitize_cow(s) {
        Cow::Borrowed(b) if !b.contains(['\n', '\t']) => Cow::Borrowed(b),
        c => Cow::Owned(crate::pipeline::one_line(&c)),
    }
}

pub fn list(ctx: &Context, args: &ListArgs) -> anyhow::Result<ExitCode> {
    use super::resolve;
    let config = &ctx.config;
    let topic = resolve::topic_arg(config, args.topic.as_deref())?;
    let party = resolve::party_arg(config, args.party.as_deref())?;
    let alert = args
        .alert
        .as_deref()
        .map(|a| resolve::alert(config, a))
        .transpose()?;
    let store = ctx.open_backend()?;
    let feed = match &args.feed {
        Some(f) => {
            let mut names: Vec<String> = config.feeds.iter().map(|f| f.name.clone()).collect();
            for s in store.feeds()? {
                if !names.contains(&s.name) {
                    names.push(s.name);
                }
            }
            Some(resolve::feed(&names, f)?)
        }
        None => None,
    };
    let since = args
        .since
        .map(|d| chrono::Duration::from_std(d).map(|d| Utc::now() - d))
        .transpose()
        .context("--since is too long")?;
    let q = ItemQuery {
        topic,
        party,
        alert,
        feed,
        since,
        search: args.search.clone(),
        limit: Some(args.limit),
        ..ItemQuery::default()
    };
    // On SQLite, a reader of its own names the rows it skipped.
    let reader = store.sqlite().map(|s| s.reader()).transpose()?;
    let items = match &reader {
        Some(r) if args.bookmarked => r.bookmarked_items(&q)?,
        Some(r) => r.items(&q)?,
        None if args.bookmarked => {
            anyhow::bail!("--bookmarked: a PostgreSQL store does not keep bookmarks yet")
        }
        None => store.items(&q)?,
    };
    let mut out = std::io::stdout().lock();
    for item in &items {
        if args.json {
            serde_json::to_writer(&mut out, &line(item, false))?;
            writeln!(out)?;
        } else {
            let when = crate::zone::full(item.when(), config.settings.timezone);
            let badges: Vec<String> = item
                .labels
                .party_ids()
                .iter()
                .map(|p| badge(ctx, p))
                .collect();
            writeln!(
                out,
                "{when}  {:<6} {:<24} [{}] {}  {}",
                item.id,
                one_line(&item.source).chars().take(24).collect::<String>(),
                item.labels.topic_ids().join(","),
                one_line(&badges.join(" ")),
                one_line(&item.title)
            )?;
        }
    }
    out.flush()?;
    if let Some(reader) = &reader {
        name_skipped(reader);
    }
    Ok(ExitCode::SUCCESS)
}

/// Names on standard error the rows a query skipped as unreadable.
fn name_skipped(reader: &crate::store::Reader) {
    for s in reader.take_skipped() {
        eprintln!("marsad: skipped {s}");
    }
}

fn badge(ctx: &Context, party: &str) -> String {
    ctx.config
        .parties
        .iter()
        .find(|p| p.id == party)
        .map_or_else(|| party.to_uppercase(), |p| p.badge.clone())
}

pub fn export(ctx: &Context, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let reader = store.reader()?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    // A page of the store at a time: an export holds one page, whatever the
    // store's size. A failed write stops the export at the next item.
    let mut failed: Option<anyhow::Error> = None;
    match args.format {
        Format::Ndjson => {
            reader.each_item(&ItemQuery::default(), |item| {
                if failed.is_none() {
                    let r = serde_json::to_writer(&mut out, &line(&item, true))
                        .map_err(anyhow::Error::from)
                        .and_then(|()| writeln!(out).map_err(anyhow::Error::from));
                    failed = r.err();
                }
                Ok(())
            })?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "id",
                "feed",
                "source",
                "title",
                "link",
                "published",
                "lang",
                "topics",
                "parties",
                "alerts",
                "text",
            ])?;
            reader.each_item(&ItemQuery::default(), |item| {
                if failed.is_none() {
                    let l = line(&item, true);
                    let r = w.write_record([
                        l.id.to_string(),
                        l.feed.into_owned(),
                        l.source.into_owned(),
                        l.title.into_owned(),
                        l.link.map(Cow::into_owned).unwrap_or_default(),
                        l.published.unwrap_or_default(),
                        l.lang.into_owned(),
                        l.topics.join(";"),
                        l.parties.join(";"),
                        l.alerts.join(";"),
                        l.text.map(Cow::into_owned).unwrap_or_default(),
                    ]);
                    failed = r.err().map(anyhow::Error::from);
                }
                Ok(())
            })?;
            name_skipped(&reader);
            if let Some(e) = failed {
                return Err(e);
            }
            w.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    name_skipped(&reader);
    if let Some(e) = failed {
        return Err(e);
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// What `marsad watch` prints until the dashboard exists.
pub fn summary(ctx: &Context) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let s = store.reader()?.summary()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} — store {}", ctx.config.settings.watch, ctx.store)?;
    writeln!(
        out,
        "  items {}  unread {}  feeds {}  open alerts {}",
        s.items, s.unread, s.feeds, s.open_alerts
    )?;
    for (topic, n) in &s.topics {
        writeln!(out, "  {:<12} {n}", one_line(topic))?;
    }
    Ok(ExitCode::SUCCESS)
}
