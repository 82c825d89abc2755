//! `marsad seed [DIR]`: import seed documents through the item pipeline.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;

use super::Context;
use crate::seeds::{self, SEED_FEED};
use crate::store::{AlertPolicy, Backend, FeedRef, IngestBatch};

pub fn run(ctx: &Context, dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let store = ctx.open_backend_bare()?;
    let (new, seen) = import(ctx, &*store, dir)?;
    use std::io::Write as _;
    writeln!(
        std::io::stdout(),
        "imported {new} new item{} ({seen} already in the store)",
        if new == 1 { "" } else { "s" }
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Imports the documents of `dir` (the built-in seeds for `None`); returns the
/// number of new and already-known items.
pub fn import(
    ctx: &Context,
    store: &dyn Backend,
    dir: Option<&Path>,
) -> anyhow::Result<(usize, usize)> {
    let docs = match dir {
        Some(d) => seeds::read_dir(d)?,
        None => seeds::builtin(),
    };
    let pipeline = ctx.pipeline()?;
    let now = Utc::now();
    let items = docs
        .into_iter()
        .map(|d| pipeline.process(d.incoming, SEED_FEED, d.lang.as_deref(), now))
        .collect();
    let url = dir.map_or_else(
        || "builtin:seeds".to_string(),
        |d| format!("file:{}", d.display()),
    );
    let report = store
        .ingest(IngestBatch {
            feed: FeedRef {
                name: SEED_FEED.into(),
                url,
            },
            items,
            fetch: None,
            alerts: AlertPolicy::Quiet,
            keep_items: false,
        })
        .context("storing the seeds")?;
    Ok((report.added, report.seen))
}
