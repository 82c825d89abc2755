//! Quality on labeled items (the format of `shared/eval/dev.jsonl`): precision,
//! recall and F1 per label and micro-averaged for topics, parties and alerts,
//! the share of items with every label right, and the wrong items with the
//! evidence behind each wrong label.

use std::fmt::Write as _;

use serde::Deserialize;

use super::{Classifier, Doc};
use crate::config::Config;
use crate::model::{Classification, Label};

/// One hand-labeled item.
#[derive(Debug, Clone, Deserialize)]
pub struct LabeledItem {
    pub id: serde_json::Value,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub parties: Vec<String>,
    #[serde(default)]
    pub alerts: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl LabeledItem {
    pub fn id_text(&self) -> String {
        match &self.id {
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        }
    }
}

/// Reads labeled items, one JSON object a line; errors name the line.
pub fn parse_jsonl(text: &str) -> Result<Vec<LabeledItem>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            if self.tp + self.fp + self.fn_ == 0 {
                1.0
            } else {
                0.0
            }
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// Nothing to find and nothing found counts as perfect.
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Scores of one kind of label.
#[derive(Debug, Clone, Default)]
pub struct KindScores {
    pub per_label: Vec<(String, Counts)>,
    pub micro: Counts,
}

impl KindScores {
    fn new(ids: impl IntoIterator<Item = String>) -> KindScores {
        KindScores {
            per_label: ids.into_iter().map(|i| (i, Counts::default())).collect(),
            micro: Counts::default(),
        }
    }

    fn score(&mut self, gold: &[String], got: &[String]) {
        for id in gold.iter().chain(got) {
            if !self.per_label.iter().any(|(l, _)| l == id) {
                self.per_label.push((id.clone(), Counts::default()));
            }
        }
        for (id, c) in &mut self.per_label {
            let (g, p) = (gold.contains(id), got.contains(id));
            let d = Counts {
                tp: (g && p) as usize,
                fp: (!g && p) as usize,
                fn_: (g && !p) as usize,
            };
            c.add(d);
            self.micro.add(d);
        }
    }
}

/// An item with at least one wrong label.
#[derive(Debug, Clone)]
pub struct WrongItem {
    pub item: LabeledItem,
    pub got: Classification,
    /// (kind, label) expected but not given.
    pub missing: Vec<(&'static str, String)>,
    /// (kind, label) given but not expected.
    pub extra: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub topics: KindScores,
    pub parties: KindScores,
    pub alerts: KindScores,
    pub items: usize,
    pub fully_right: usize,
    pub wrong: Vec<WrongItem>,
}

impl Report {
    pub fn fully_right_share(&self) -> f64 {
        ratio(self.fully_right, self.items)
    }

    /// The report as text: tables, then the wrong items with evidence.
    pub fn render(&self, explain: bool) -> String {
        let mut s = String::new();
        for (name, k) in [
            ("topics", &self.topics),
            ("parties", &self.parties),
            ("alerts", &self.alerts),
        ] {
            let _ = writeln!(
                s,
                "{name:<12} {:>5} {:>5} {:>5}   {:>3} {:>3} {:>3}",
                "P", "R", "F1", "tp", "fp", "fn"
            );
            for (id, c) in &k.per_label {
                let _ = writeln!(s, "  {id:<10} {}", row(c));
            }
            let _ = writeln!(s, "  {:<10} {}\n", "micro", row(&k.micro));
        }
        let _ = writeln!(
            s,
            "items fully right: {}/{} ({:.1}%)",
            self.fully_right,
            self.items,
            100.0 * self.fully_right_share()
        );
        let _ = writeln!(
            s,
            "micro-F1: topics {:.3}  parties {:.3}  alerts {:.3}",
            self.topics.micro.f1(),
            self.parties.micro.f1(),
            self.alerts.micro.f1()
        );
        if !self.wrong.is_empty() {
            let _ = writeln!(s, "\nwrong items ({}):", self.wrong.len());
        }
        for w in &self.wrong {
            let _ = writeln!(s, "\n{}  {}", w.item.id_text(), w.item.title);
            for (kind, id) in &w.missing {
                let _ = writeln!(s, "  missing {kind} {id}");
            }
            for (kind, id) in &w.extra {
                let _ = writeln!(s, "  extra   {kind} {id}{}", because(&w.got, kind, id));
            }
            if explain {
                for (kind, labels) in [
                    ("topic", &w.got.topics),
                    ("party", &w.got.parties),
                    ("alert", &w.got.alerts),
                ] {
                    for l in labels {
                        let _ = writeln!(
                            s,
                            "  got     {kind} {}{}",
                            l.id,
                            because(&w.got, kind, &l.id)
                        );
                    }
                }
            }
        }
        s
    }
}

fn row(c: &Counts) -> String {
    format!(
        "{:>5.3} {:>5.3} {:>5.3}   {:>3} {:>3} {:>3}",
        c.precision(),
        c.recall(),
        c.f1(),
        c.tp,
        c.fp,
        c.fn_
    )
}

/// ` (because: term «text» in title)` for a label of a classification.
fn because(c: &Classification, kind: &str, id: &str) -> String {
    let labels: &[Label] = match kind {
        "topic" => &c.topics,
        "party" => &c.parties,
        _ => &c.alerts,
    };
    let Some(l) = labels.iter().find(|l| l.id == id) else {
        return String::new();
    };
    let parts: Vec<String> = l
        .evidence
        .iter()
        .take(4)
        .map(|e| format!("{} «{}» in {:?}", e.term, e.text, e.field).to_lowercase())
        .collect();
    format!("  (because: {})", parts.join("; "))
}

/// Classifies every item and scores the labels against the hand-given ones.
pub fn evaluate(config: &Config, classifier: &Classifier, items: &[LabeledItem]) -> Report {
    let mut r = Report {
        topics: KindScores::new(config.topics.iter().map(|t| t.id.clone())),
        parties: KindScores::new(config.parties.iter().map(|p| p.id.clone())),
        alerts: KindScores::new(config.alerts.iter().map(|a| a.id.clone())),
        ..Report::default()
    };
    for item in items {
        let got = classifier.classify(&Doc {
            title: &item.title,
            body: &item.body,
            lang_hint: item.lang.as_deref(),
            feed: None,
        });
        let (gt, gp, ga) = (got.topic_ids(), got.party_ids(), got.alert_ids());
        r.topics.score(&item.topics, &gt);
        r.parties.score(&item.parties, &gp);
        r.alerts.score(&item.alerts, &ga);
        r.items += 1;
        let mut missing = Vec::new();
        let mut extra = Vec::new();
        for (kind, gold, got) in [
            ("topic", &item.topics, &gt),
            ("party", &item.parties, &gp),
            ("alert", &item.alerts, &ga),
        ] {
            missing.extend(
                gold.iter()
                    .filter(|g| !got.contains(g))
                    .map(|g| (kind, g.clone())),
            );
            extra.extend(
                got.iter()
                    .filter(|g| !gold.contains(g))
                    .map(|g| (kind, g.clone())),
            );
        }
        if missing.is_empty() && extra.is_empty() {
            r.fully_right += 1;
        } else {
            r.wrong.push(WrongItem {
                item: item.clone(),
                got,
                missing,
                extra,
            });
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_f1() {
        let c = Counts {
            tp: 8,
            fp: 2,
            fn_: 2,
        };
        assert!((c.precision() - 0.8).abs() < 1e-9);
        assert!((c.recall() - 0.8).abs() < 1e-9);
        assert!((c.f1() - 0.8).abs() < 1e-9);
        assert_eq!(Counts::default().f1(), 1.0);
        let mut k = KindScores::new(["a".to_string(), "b".to_string()]);
        k.score(&["a".into()], &["a".into(), "b".into()]);
        k.score(&["b".into()], &[]);
        assert_eq!(
            k.micro,
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
    }

    #[test]
    fn jsonl_errors_name_the_line() {
        let Err(err) = parse_jsonl("{\"id\": 1}\n\nnot json\n") else {
            panic!("bad JSON accepted");
        };
        assert!(err.starts_with("line 3:"), "{err}");
    }
}
