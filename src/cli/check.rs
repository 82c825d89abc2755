//! `marsad check`: validate the configuration and summarize it.

use std::path::Path;
use std::process::ExitCode;

use crate::classify::Classifier;
use crate::config::Config;

pub fn run(path: Option<&Path>) -> anyhow::Result<ExitCode> {
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
    if let Err(e) = Classifier::new(&config) {
        eprintln!("{}: {e}", config.source);
        return Ok(ExitCode::FAILURE);
    }
    let enabled = config.feeds.iter().filter(|f| f.enabled).count();
    println!("{}: ok", config.source);
    println!("  watch    {}", config.settings.watch);
    println!("  feeds    {} ({} enabled)", config.feeds.len(), enabled);
    println!(
        "  topics   {} ({})",
        config.topics.len(),
        config
            .topics
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  parties  {} ({})",
        config.parties.len(),
        config
            .parties
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  alerts   {} ({})",
        config.alerts.len(),
        config
            .alerts
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
