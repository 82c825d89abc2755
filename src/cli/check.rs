//! `marsad check`: validate the configuration and summarize it; with `--store`,
//! also check the store file itself.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use crate::classify::Classifier;
use crate::config::Config;

pub fn run(path: Option<&Path>, store: Option<&Path>) -> anyhow::Result<ExitCode> {
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
        return check_store(&mut out, store);
    }
    Ok(ExitCode::SUCCESS)
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
