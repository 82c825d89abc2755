//! `marsad prune`: the items older than `--older-than` (else the config's
//! `settings.retention`) are made tombstones, a page at a time, optionally
//! archived first to an NDJSON file (the lines of `marsad export`); with
//! `--dry-run` only counted.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;

use super::Context;
use crate::model::StoredItem;

#[derive(Debug, clap::Args)]
pub struct PruneArgs {
    /// Prune the items published (else fetched) longer ago than this, e.g.
    /// 400d [default: settings.retention]
    #[arg(long, value_parser = crate::config::parse_duration)]
    older_than: Option<Duration>,
    /// Only count what would be pruned
    #[arg(long)]
    dry_run: bool,
    /// Write the pruned items to this new file first, one JSON object a line
    #[arg(long)]
    archive: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: &PruneArgs) -> anyhow::Result<ExitCode> {
    let Some(age) = args.older_than.or(ctx.config.settings.retention) else {
        anyhow::bail!(
            "nothing to prune by: give --older-than (e.g. 400d) or set settings.retention in {}",
            ctx.config.source
        );
    };
    let cutoff = crate::store::cutoff(Utc::now(), age);
    let store = ctx.open_store_bare()?;
    let mut out = std::io::stdout().lock();
    if args.dry_run {
        let n = store.reader()?.count_older_than(cutoff)?;
        writeln!(
            out,
            "{n} items stored before {} would be pruned",
            cutoff.to_rfc3339()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut file = match &args.archive {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| format!("cannot create the archive {}", path.display()))?,
        ),
        None => None,
    };
    let mut write_page = |items: &[StoredItem]| -> anyhow::Result<()> {
        let Some(f) = file.as_mut() else {
            return Ok(());
        };
        let mut w = std::io::BufWriter::new(&mut *f);
        for item in items {
            serde_json::to_writer(&mut w, &super::list::line(item, true))?;
            writeln!(w)?;
        }
        w.flush()?;
        drop(w);
        // On disk before the page's delete is written.
        f.sync_data()?;
        Ok(())
    };
    let archive: Option<crate::store::Archive<'_>> =
        args.archive.is_some().then_some(&mut write_page as _);
    let done = crate::store::prune(&store, cutoff, archive, &|| false)
        .context("the prune stopped (the items pruned so far stay pruned)")?;
    write!(
        out,
        "{} items stored before {} pruned",
        done.items,
        cutoff.to_rfc3339()
    )?;
    if let Some(path) = &args.archive {
        write!(out, ", archived to {}", path.display())?;
    }
    writeln!(out)?;
    if done.unreadable > 0 {
        writeln!(
            out,
            "{} items could not be read for the archive and were kept",
            done.unreadable
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
