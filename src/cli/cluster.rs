//! `marsad cluster [--explain]`: JSON lines in (`{"id", "lang", "source",
//! "published", "title", "body"}`, in published order), one line out per item,
//! `{"id", "story"}`, by the algorithm ingest uses: the active config's
//! classifier gives the rules, [`crate::stories::Clusterer`] the story. A story
//! is named by the id of its first item. `marsad eval-stories FILE` runs the
//! same on labeled items and scores it.

use std::process::ExitCode;

use anyhow::Context as _;
use chrono::DateTime;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Context;
use crate::classify::{Classifier, Doc};
use crate::stories::{Clusterer, Decision, Item, Params, Rule, RuleKind};
use crate::text::Normalized;

/// One input line.
#[derive(Debug, Deserialize)]
pub(super) struct Input {
    #[serde(default)]
    pub id: Value,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// Gold story (eval only).
    #[serde(default)]
    pub story: Option<String>,
}

/// The clustering of one input line.
pub(super) struct Placed {
    pub story: String,
    pub lang: String,
    pub decision: Decision,
}

/// Classifier, clusterer and the names of live stories: the path of one item.
pub(super) struct Runner {
    classifier: Classifier,
    clusterer: Clusterer,
    names: FxHashMap<u64, String>,
    title: Normalized,
    body: Normalized,
    last_time: i64,
    seen: u64,
}

impl Runner {
    pub fn new(ctx: &Context, params: Params) -> anyhow::Result<Runner> {
        Ok(Runner {
            classifier: Classifier::new(&ctx.config)
                .context("the configuration's rules do not compile")?,
            clusterer: Clusterer::new(params),
            names: FxHashMap::default(),
            title: Normalized::default(),
            body: Normalized::default(),
            last_time: 0,
            seen: 0,
        })
    }

    pub fn place(&mut self, input: &Input) -> Placed {
        let published = input
            .published
            .as_deref()
            .and_then(|p| DateTime::parse_from_rfc3339(p.trim()).ok())
            .map_or(self.last_time, |d| d.timestamp());
        self.last_time = published;
        self.title.reset(&input.title);
        self.body.reset(&input.body);
        let doc = Doc {
            title: &input.title,
            body: &input.body,
            lang_hint: input.lang.as_deref(),
            feed: Some(&input.source),
        };
        let c = self
            .classifier
            .classify_normalized(&doc, &self.title, &self.body);
        let kinds = [
            (RuleKind::Topic, &c.topics),
            (RuleKind::Party, &c.parties),
            (RuleKind::Alert, &c.alerts),
        ];
        let rules: Vec<Rule<'_>> = kinds
            .iter()
            .flat_map(|(kind, labels)| {
                labels.iter().map(|l| Rule {
                    kind: *kind,
                    id: &l.id,
                })
            })
            .collect();
        self.seen += 1;
        let decision = self.clusterer.add(&Item {
            id: self.seen,
            published,
            lang: &c.lang,
            source: &input.source,
            title: &input.title,
            text: &input.body,
            title_key: &self.title.key,
            text_key: &self.body.key,
            rules: &rules,
        });
        let name = match &input.id {
            Value::String(s) => s.clone(),
            Value::Null => self.seen.to_string(),
            v => v.to_string(),
        };
        let story = self
            .names
            .entry(decision.story)
            .or_insert_with(|| name)
            .clone();
        if self.seen.is_multiple_of(20_000) {
            let live = &self.clusterer;
            self.names.retain(|id, _| live.story(*id).is_some());
        }
        Placed {
            story,
            lang: c.lang,
            decision,
        }
    }
}

/// Parses `key=value` overrides of the clustering's parameters.
pub(super) fn params(sets: &[String]) -> anyhow::Result<Params> {
    if sets.is_empty() {
        return Ok(Params::default());
    }
    let mut text = String::new();
    for s in sets {
        let (k, v) = s
            .split_once('=')
            .with_context(|| format!("--set {s}: expected key=value"))?;
        text.push_str(&format!("{} = {}\n", k.trim(), v.trim()));
    }
    toml::from_str(&text).with_context(|| format!("--set: not clustering parameters: {text}"))
}

pub fn run(ctx: &Context, explain: bool, sets: &[String]) -> anyhow::Result<ExitCode> {
    let mut runner = Runner::new(ctx, params(sets)?)?;
    super::map_json_lines("title and body", |input: Input| {
        let placed = runner.place(&input);
        let mut v = json!({"id": input.id, "story": placed.story});
        if explain {
            v["lang"] = json!(placed.lang);
            v["why"] = serde_json::to_value(&placed.decision.why)?;
        }
        Ok(v)
    })
}
