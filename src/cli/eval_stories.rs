//! `marsad eval-stories FILE`: the clustering of `marsad cluster` on items
//! labeled with their story (the format of stories-dev.jsonl), scored by BCubed
//! precision, recall and F1 and by pairwise precision and recall over the pairs
//! of items in different languages. `--explain` lists the stories that were
//! split or merged, with why each item joined.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use super::cluster::{Input, Runner, params};
use crate::stories::score::{Labeled, quality};
use crate::text::sanitize_cow;

pub fn run(
    ctx: &Context,
    file: &Path,
    explain: bool,
    json: bool,
    sets: &[String],
) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut inputs: Vec<Input> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let input: Input = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a labeled item", file.display(), n + 1))?;
        if input.story.is_none() {
            anyhow::bail!("{}:{}: no \"story\" label", file.display(), n + 1);
        }
        inputs.push(input);
    }
    // In published order, as ingest would see them (stable for ties).
    inputs.sort_by(|a, b| a.published.cmp(&b.published));
    let mut runner = Runner::new(ctx, params(sets)?)?;
    let mut labeled = Vec::with_capacity(inputs.len());
    let mut rows = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let placed = runner.place(input);
        labeled.push(Labeled {
            gold: input.story.clone().unwrap_or_default(),
            predicted: placed.story.clone(),
            lang: placed.lang.clone(),
        });
        rows.push(placed);
    }
    let q = quality(&labeled);
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&q)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} items from {} ({})\n",
        q.items,
        file.display(),
        ctx.config.source
    )?;
    writeln!(
        out,
        "BCubed      precision {:.3}  recall {:.3}  F1 {:.3}",
        q.bcubed_precision, q.bcubed_recall, q.bcubed_f1
    )?;
    writeln!(
        out,
        "cross-lang  precision {:.3}  recall {:.3}  ({} gold pairs, {} predicted)",
        q.cross_precision, q.cross_recall, q.cross_gold_pairs, q.cross_predicted_pairs
    )?;
    writeln!(
        out,
        "stories     {} gold, {} predicted",
        q.gold_stories, q.predicted_stories
    )?;
    if explain {
        // Each predicted story that mixes gold stories, and each gold story
        // split over several predicted ones.
        let mut by_pred: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut by_gold: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, l) in labeled.iter().enumerate() {
            by_pred.entry(&l.predicted).or_default().push(i);
            by_gold.entry(&l.gold).or_default().push(i);
        }
        let show = |i: usize| {
            let (inp, row) = (&inputs[i], &rows[i]);
            let why = serde_json::to_string(&row.decision.why).unwrap_or_default();
            let clean = |s: &str| sanitize_cow(s).into_owned();
            format!(
                "    {} [{}] {} {} | {}\n        {}",
                clean(&inp.id.to_string()),
                clean(inp.story.as_deref().unwrap_or("")),
                row.lang,
                clean(inp.published.as_deref().unwrap_or("")),
                clean(&inp.title),
                clean(&why)
            )
        };
        writeln!(out, "\nmerged (one predicted story, several gold):")?;
        for (p, items) in &by_pred {
            let mut golds: Vec<&str> = items.iter().map(|&i| labeled[i].gold.as_str()).collect();
            golds.dedup();
            golds.sort_unstable();
            golds.dedup();
            if golds.len() > 1 {
                writeln!(
                    out,
                    "  story {}: gold {}",
                    sanitize_cow(p),
                    sanitize_cow(&golds.join(", "))
                )?;
                for &i in items {
                    writeln!(out, "{}", show(i))?;
                }
            }
        }
        writeln!(out, "\nsplit (one gold story, several predicted):")?;
        for (g, items) in &by_gold {
            let mut preds: Vec<&str> = items
                .iter()
                .map(|&i| labeled[i].predicted.as_str())
                .collect();
            preds.sort_unstable();
            preds.dedup();
            if preds.len() > 1 {
                writeln!(
                    out,
                    "  gold {}: predicted {}",
                    sanitize_cow(g),
                    sanitize_cow(&preds.join(", "))
                )?;
                for &i in items {
                    writeln!(out, "{}", show(i))?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
