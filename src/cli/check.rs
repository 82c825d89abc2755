//! `marsad check`: validate the configuration and summarize it; with `--store`,
//! also check the store file itself.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use crate::classify::Classifier;
use crate::config::Config;
use crate::store::{Location, PgUrl};

pub fn run(path: Option<&Path>, store: Option<&str>) -> anyhow::Result<ExitCode> {
    let config = match Config::load(path) {
        Ok(c) => c,
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!(
                "{} error{} in the configuration",
                errors.0.len(),
                if errors.0.len() == 1 { "" } else { "s" }
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    if config.feeds.is_empty() && config.topics.is_empty() {
        eprintln!(
            "{}: the configuration is empty: no [[feed]] to poll and no [[topic]] to sort items into; \
start from the shipped feeds.toml (`marsad check` without --config shows where it is looked for)",
            config.source
        );
        return Ok(ExitCode::FAILURE);
    }
    if let Err(e) = Classifier::new(&config) {
        eprintln!("{}: {e}", config.source);
        return Ok(ExitCode::FAILURE);
    }
    let enabled = config.feeds.iter().filter(|f| f.enabled).count();
    let ids = |ids: Vec<&str>| ids.join(", ");
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}: ok", config.source)?;
    writeln!(out, "  watch    {}", config.settings.watch)?;
    writeln!(
        out,
        "  feeds    {} ({} enabled)",
        config.feeds.len(),
        enabled
    )?;
    writeln!(
        out,
        "  topics   {} ({})",
        config.topics.len(),
        ids(config.topics.iter().map(|t| t.id.as_str()).collect())
    )?;
    writeln!(
        out,
        "  parties  {} ({})",
        config.parties.len(),
        ids(config.parties.iter().map(|p| p.id.as_str()).collect())
    )?;
    writeln!(
        out,
        "  alerts   {} ({})",
        config.alerts.len(),
        ids(config.alerts.iter().map(|a| a.id.as_str()).collect())
    )?;
    if let Some(store) = store {
        return match Location::parse(store) {
            Ok(Location::Sqlite(path)) => check_store(&mut out, &path),
            Ok(Location::Postgres(url)) => check_postgres(&mut out, &url),
            Err(e) => {
                eprintln!("marsad: --store: {e}");
                Ok(ExitCode::from(2))
            }
        };
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether the PostgreSQL database answers and holds a store this marsad
/// knows (or none yet), without creating or migrating it.
fn check_postgres(out: &mut impl std::io::Write, url: &PgUrl) -> anyhow::Result<ExitCode> {
    match crate::store::postgres::check(url) {
        Ok(0) => {
            writeln!(
                out,
                "{url}: the database answers; it holds no marsad store yet"
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Ok(v) => {
            writeln!(out, "{url}: store ok (schema version {v})")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("marsad: the store {url}: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `PRAGMA integrity_check` on the store, without creating or migrating it.
fn check_store(out: &mut impl std::io::Write, path: &Path) -> anyhow::Result<ExitCode> {
    match crate::store::Store::check(path) {
        Ok(()) => {
            writeln!(out, "{}: store ok (integrity check passed)", path.display())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("marsad: the store {}: {e}", path.display());
            Ok(ExitCode::FAILURE)
        }
    }
}
