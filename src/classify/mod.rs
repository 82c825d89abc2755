//! The classifier: compiled once from the config's topics, parties and alerts,
//! then applied to each item's title and body. Pure: no IO.
//!
//! Interim keyword matcher (normalized substring); the classifier issue replaces it.

use crate::config::Config;
use crate::model::{Classification, Evidence, Field, Label};
use crate::text::normalize;

/// The text of one item, as the classifier sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Doc<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// The feed's declared language, a hint for detection.
    pub lang_hint: Option<&'a str>,
    /// Name of the feed the item comes from (alert scopes may name feeds).
    pub feed: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
#[error("rule `{rule}`: {message}")]
pub struct RuleError {
    pub rule: String,
    pub message: String,
}

struct Rule {
    id: String,
    terms: Vec<(String, String)>,
}

pub struct Classifier {
    topics: Vec<Rule>,
    parties: Vec<Rule>,
    alerts: Vec<Rule>,
}

impl Classifier {
    pub fn new(config: &Config) -> Result<Classifier, RuleError> {
        let rule = |id: &str, terms: &[String]| Rule {
            id: id.to_string(),
            terms: terms
                .iter()
                .map(|t| (t.clone(), normalize(t.trim_end_matches('*'))))
                .collect(),
        };
        Ok(Classifier {
            topics: config
                .topics
                .iter()
                .map(|t| rule(&t.id, &t.terms))
                .collect(),
            parties: config
                .parties
                .iter()
                .map(|p| rule(&p.id, &p.terms))
                .collect(),
            alerts: config
                .alerts
                .iter()
                .map(|a| rule(&a.id, &a.terms))
                .collect(),
        })
    }

    pub fn classify(&self, doc: &Doc<'_>) -> Classification {
        let title = normalize(doc.title);
        let body = normalize(doc.body);
        let labels = |rules: &[Rule]| -> Vec<Label> {
            rules
                .iter()
                .filter_map(|r| {
                    let evidence: Vec<Evidence> = r
                        .terms
                        .iter()
                        .filter_map(|(term, key)| {
                            let (field, text) = if title.contains(key.as_str()) {
                                (Field::Title, doc.title)
                            } else if body.contains(key.as_str()) {
                                (Field::Body, doc.body)
                            } else {
                                return None;
                            };
                            let start = text.find(term.as_str()).unwrap_or(0);
                            let end = if start > 0 || text.starts_with(term.as_str()) {
                                start + term.len()
                            } else {
                                0
                            };
                            Some(Evidence {
                                term: term.clone(),
                                field,
                                start,
                                end,
                                text: text[start..end].to_string(),
                            })
                        })
                        .collect();
                    (!evidence.is_empty()).then(|| Label {
                        id: r.id.clone(),
                        evidence,
                    })
                })
                .collect()
        };
        Classification {
            lang: doc.lang_hint.unwrap_or("other").to_string(),
            topics: labels(&self.topics),
            parties: labels(&self.parties),
            alerts: labels(&self.alerts),
        }
    }
}
