//! `marsad eval FILE.jsonl`: the classifier with the active config against
//! hand-labeled items; precision, recall and F1 per label and micro-averaged,
//! the share of items fully right, and the wrong items with their evidence.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use crate::classify::{Classifier, eval};

pub fn run(ctx: &Context, file: &Path, explain: bool) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let items = eval::parse_jsonl(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let classifier =
        Classifier::new(&ctx.config).context("the configuration's rules do not compile")?;
    let report = eval::evaluate(&ctx.config, &classifier, &items);
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} items from {} ({})\n",
        items.len(),
        file.display(),
        ctx.config.source
    )?;
    write!(out, "{}", report.render(explain))?;
    Ok(ExitCode::SUCCESS)
}
