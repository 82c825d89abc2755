//! `marsad opml import FILE` and `marsad opml export`: the feed list as OPML 2.0.
//! Import takes only http(s) URLs and appends `[[feed]]` entries to the active
//! feeds.toml (checked before it is kept); with the built-in config, which has no
//! file to edit, it prints the entries instead.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;

use crate::config::{Config, ConfigSource};
use crate::feeds::opml;

#[derive(Debug, Subcommand)]
pub enum OpmlCommand {
    /// Add the http(s) feeds of an OPML file to the active feeds.toml
    Import {
        /// The OPML file
        file: PathBuf,
    },
    /// Print the configured feeds as OPML 2.0
    Export,
}

/// Largest OPML file read.
const MAX_OPML: u64 = 8 * 1024 * 1024;

pub fn run(config: &Config, cmd: &OpmlCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        OpmlCommand::Export => {
            let text = opml::write(&config.settings.watch, &config.feeds);
            std::io::stdout().write_all(text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        OpmlCommand::Import { file } => import(config, file),
    }
}

/// Says which imported feeds are plainly not on the internet (loopback,
/// private, link-local... by their URL alone): an OPML file from elsewhere
/// should not point marsad at this machine or its network unnoticed. Names
/// are checked when fetched.
fn warn_non_public(subs: &[opml::Subscription], config: &Config) {
    let configured: std::collections::HashSet<String> =
        config.feeds.iter().map(|f| f.url.to_string()).collect();
    for s in subs.iter().filter(|s| !configured.contains(&s.url)) {
        let Ok(url) = url::Url::parse(&s.url) else {
            continue;
        };
        if let Some(reach) = crate::feeds::address::non_public_host(&url) {
            eprintln!(
                "warning: {} is on a {reach} address, not on the internet: check that you mean to fetch it",
                crate::text::sanitize(&s.url)
            );
        }
    }
}

fn import(config: &Config, file: &Path) -> anyhow::Result<ExitCode> {
    let bytes = crate::config::read_bounded_bytes(file, MAX_OPML)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let text = crate::feeds::decode::decode(&bytes, None).text;
    let (subs, refused) =
        opml::read(&text).with_context(|| format!("reading {}", file.display()))?;
    for r in &refused {
        eprintln!(
            "skipped {}: {}",
            crate::text::sanitize(&r.url),
            crate::text::sanitize(&r.reason)
        );
    }
    let (entries, n) = opml::toml_entries(&subs, &config.feeds);
    warn_non_public(&subs, config);
    if n == 0 {
        writeln!(
            std::io::stdout(),
            "nothing to add: {} subscription{} found, all already configured",
            subs.len(),
            if subs.len() == 1 { "" } else { "s" }
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    match &config.source {
        ConfigSource::BuiltIn => {
            eprintln!(
                "the active configuration is the built-in one; copy these {n} entries into your feeds.toml (`marsad check` names where it is looked for):"
            );
            write!(std::io::stdout(), "{entries}")?;
        }
        ConfigSource::File(path) => {
            let before = crate::config::read_bounded(path, crate::config::MAX_CONFIG)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let mut after = before.clone();
            if !after.ends_with('\n') {
                after.push('\n');
            }
            after.push_str(&entries);
            // Check the result before writing it.
            Config::parse(&after, ConfigSource::File(path.clone()))
                .map_err(|e| anyhow::anyhow!("the imported entries would not validate:\n{e}"))?;
            let tmp = path.with_extension("toml.marsad-tmp");
            std::fs::write(&tmp, &after)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, path)
                .with_context(|| format!("cannot replace {}", path.display()))?;
            writeln!(
                std::io::stdout(),
                "added {n} feed{} to {}",
                if n == 1 { "" } else { "s" },
                path.display()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
