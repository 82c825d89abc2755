//! How an item's labels are stored: its label ids as one line of tags (what
//! filters and the dashboard read), and its evidence as compact JSON in the
//! item's row. The evidence keeps term, field and offsets; the matched text is
//! taken back from the stored title or body on reading, so it is not stored
//! twice, and neither is a term written just as the text it matched (most
//! are): it is stored empty and read back as that text. Rows written before
//! this format (full `Classification` JSON) still read.

use serde::{Deserialize, Serialize};

use crate::model::{Classification, Evidence, Field, Label};

/// Labels as stored: `[[id, [[term, field, start, end], ...]], ...]`, with
/// field 0 for the title and 1 for the body, and term `""` when it is the
/// matched text itself. Serialized straight from the model, without building a
/// copy of it.
struct OutLabels<'a>(&'a [Label]);
struct OutEvidence<'a>(&'a [Evidence]);

impl Serialize for OutLabels<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .iter()
                .map(|l| (l.id.as_ref(), OutEvidence(&l.evidence))),
        )
    }
}

impl Serialize for OutEvidence<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|e| {
            let term = if e.term == e.text {
                ""
            } else {
                e.term.as_ref()
            };
            (term, e.field as u8, e.start, e.end)
        }))
    }
}

#[derive(Serialize)]
struct Out<'a> {
    l: &'a str,
    t: OutLabels<'a>,
    p: OutLabels<'a>,
    a: OutLabels<'a>,
}

/// A label as read: id and evidence rows.
type LabelRow = (String, Vec<(String, u8, usize, usize)>);

#[derive(Deserialize)]
struct In {
    l: String,
    #[serde(default)]
    t: Vec<LabelRow>,
    #[serde(default)]
    p: Vec<LabelRow>,
    #[serde(default)]
    a: Vec<LabelRow>,
}

/// The compact JSON of a classification.
pub fn encode(c: &Classification) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(256);
    serde_json::to_writer(
        &mut out,
        &Out {
            l: &c.lang,
            t: OutLabels(&c.topics),
            p: OutLabels(&c.parties),
            a: OutLabels(&c.alerts),
        },
    )?;
    // serde_json writes UTF-8 only.
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// The classification stored as `json` for an item of this title and body
/// (either format); empty when the JSON is not readable.
pub fn decode(json: &str, title: &str, body: &str) -> Classification {
    let Ok(stored) = serde_json::from_str::<In>(json) else {
        return serde_json::from_str(json).unwrap_or_default();
    };
    let labels = |list: Vec<LabelRow>| -> Vec<Label> {
        list.into_iter()
            .map(|(id, ev)| Label {
                id: id.into(),
                evidence: ev
                    .into_iter()
                    .map(|(term, field, start, end)| {
                        let (field, src) = if field == 0 {
                            (Field::Title, title)
                        } else {
                            (Field::Body, body)
                        };
                        let text = src.get(start..end).unwrap_or_default().to_string();
                        Evidence {
                            // Empty: the term is written as the text it matched.
                            term: if term.is_empty() {
                                text.clone().into()
                            } else {
                                term.into()
                            },
                            field,
                            start,
                            end,
                            text: text.into(),
                        }
                    })
                    .collect(),
            })
            .collect()
    };
    Classification {
        lang: stored.l,
        topics: labels(stored.t),
        parties: labels(stored.p),
        alerts: labels(stored.a),
    }
}

/// The label ids of an item as one line: ` topic:nuclear party:us alert:muscat `
/// (ids are lowercase ASCII letters, digits, `-` and `_`); empty when it has none.
pub fn tags(c: &Classification) -> String {
    let mut out = String::with_capacity(96);
    for (kind, labels) in [
        ("topic", &c.topics),
        ("party", &c.parties),
        ("alert", &c.alerts),
    ] {
        for l in labels {
            if out.is_empty() {
                out.push(' ');
            }
            out.push_str(kind);
            out.push(':');
            out.push_str(&l.id);
            out.push(' ');
        }
    }
    out
}

/// The needle that finds a label in a tags line.
pub fn tag(kind: &str, id: &str) -> String {
    format!(" {kind}:{id} ")
}

/// The (kind, id) pairs of a tags line.
pub fn parse_tags(tags: &str) -> impl Iterator<Item = (&str, &str)> {
    tags.split_ascii_whitespace()
        .filter_map(|t| t.split_once(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Classification, String, String) {
        let title = "Talks in Muscat".to_string();
        let body = "التخصيب \"quoted\" text".to_string();
        let ev = |term: &str, field, start, end, src: &str| Evidence {
            term: term.to_string().into(),
            field,
            start,
            end,
            text: src[start..end].to_string().into(),
        };
        let c = Classification {
            lang: "en".into(),
            topics: vec![Label {
                id: "nuclear".into(),
                evidence: vec![ev("تخصيب", Field::Body, 0, 14, &body)],
            }],
            parties: vec![Label {
                id: "oman".into(),
                evidence: vec![ev("\"Muscat\"", Field::Title, 9, 15, &title)],
            }],
            alerts: vec![Label {
                id: "muscat".into(),
                evidence: vec![ev("Muscat", Field::Title, 9, 15, &title)],
            }],
        };
        (c, title, body)
    }

    #[test]
    fn round_trip_restores_the_matched_text() {
        let (c, title, body) = sample();
        let json = encode(&c).unwrap();
        assert!(json.len() < serde_json::to_string(&c).unwrap().len() / 2);
        assert!(
            json.contains(r#"["",0,9,15]"#),
            "a term as written is not stored: {json}"
        );
        assert!(json.contains("تخصيب"), "another is: {json}");
        assert_eq!(decode(&json, &title, &body), c);
    }

    #[test]
    fn reads_the_earlier_full_format() {
        let (c, title, body) = sample();
        let old = serde_json::to_string(&c).unwrap();
        assert_eq!(decode(&old, &title, &body), c);
        assert_eq!(decode("not json", &title, &body), Classification::default());
    }

    #[test]
    fn tags_line() {
        let (c, ..) = sample();
        let t = tags(&c);
        assert_eq!(t, " topic:nuclear party:oman alert:muscat ");
        assert!(t.contains(&tag("party", "oman")));
        assert!(!t.contains(&tag("party", "om")));
        assert_eq!(
            parse_tags(&t).collect::<Vec<_>>(),
            [("topic", "nuclear"), ("party", "oman"), ("alert", "muscat")]
        );
        assert_eq!(tags(&Classification::default()), "");
    }
}
