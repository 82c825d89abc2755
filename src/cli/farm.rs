//! `marsad farm` (hidden): serves the loopback feed farm for benchmarks and manual
//! tests until interrupted, optionally writing a feeds.toml and a newsboat urls
//! file that point at it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use crate::feeds::farm::{self, FarmSpec};

#[derive(Debug, Args)]
pub struct FarmArgs {
    /// Number of feeds
    #[arg(long, default_value_t = 200)]
    pub feeds: usize,
    /// Items per feed
    #[arg(long, default_value_t = 50)]
    pub items: usize,
    /// Port on 127.0.0.1 (0: any free one)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Write a feeds.toml for the farm here
    #[arg(long, value_name = "FILE")]
    pub write_config: Option<PathBuf>,
    /// Lines for its [settings] table (TOML)
    #[arg(long, default_value = "")]
    pub settings: String,
    /// Write a newsboat urls file here
    #[arg(long, value_name = "FILE")]
    pub write_urls: Option<PathBuf>,
}

pub fn run(args: &FarmArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let farm = farm::serve(FarmSpec {
            feeds: args.feeds,
            items: args.items,
            port: args.port,
        })
        .await
        .context("cannot start the farm")?;
        if let Some(p) = &args.write_config {
            std::fs::write(p, farm.config(&args.settings.replace("\\n", "\n")))
                .with_context(|| format!("cannot write {}", p.display()))?;
        }
        if let Some(p) = &args.write_urls {
            let urls: String = (0..args.feeds).map(|i| farm.url(i) + "\n").collect();
            std::fs::write(p, urls).with_context(|| format!("cannot write {}", p.display()))?;
        }
        use std::io::Write as _;
        let mut out = std::io::stdout();
        writeln!(
            out,
            "serving {} feeds of {} items on http://{}/feed/N.xml",
            args.feeds, args.items, farm.addr
        )?;
        out.flush()?;
        let _ = tokio::signal::ctrl_c().await;
        farm.shutdown().await;
        Ok(ExitCode::SUCCESS)
    })
}
