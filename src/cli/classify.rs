//! `marsad classify [--explain]`: JSON lines in (`{"id", "title", "body"}`, other
//! fields ignored), one JSON line out per item in input order with its language,
//! topics, parties and alerts, and with `--explain` the evidence of each label.
//! A line that is not such an object is named on stderr (number and cause) and
//! skipped; the exit status is then 1.

use std::process::ExitCode;

use anyhow::Context as _;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::Context;
use crate::classify::{Classifier, Doc};
use crate::model::Label;

#[derive(Debug, Deserialize)]
struct Input {
    #[serde(default)]
    id: Value,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    feed: Option<String>,
}

pub fn run(ctx: &Context, explain: bool) -> anyhow::Result<ExitCode> {
    let classifier =
        Classifier::new(&ctx.config).context("the configuration's rules do not compile")?;
    super::map_json_lines("title and body", |input: Input| {
        Ok(classify_one(&classifier, &input, explain))
    })
}

fn classify_one(classifier: &Classifier, input: &Input, explain: bool) -> Value {
    let c = classifier.classify(&Doc {
        title: &input.title,
        body: &input.body,
        lang_hint: input.lang.as_deref(),
        feed: input.feed.as_deref(),
    });
    let mut v = json!({
        "id": input.id,
        "lang": c.lang,
        "topics": c.topic_ids(),
        "parties": c.party_ids(),
        "alerts": c.alert_ids(),
    });
    if explain {
        let ev = |labels: &[Label]| -> Value {
            let mut m = Map::new();
            for l in labels {
                m.insert(l.id.to_string(), json!(l.evidence));
            }
            Value::Object(m)
        };
        v["evidence"] = json!({
            "topics": ev(&c.topics),
            "parties": ev(&c.parties),
            "alerts": ev(&c.alerts),
        });
    }
    v
}
