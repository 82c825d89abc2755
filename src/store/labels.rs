//! How an item's labels are stored: its label ids as one line of tags (what
//! filters and the dashboard read), and its evidence as compact JSON in the
//! item's row. The evidence keeps term, field and offsets; the matched text is
//! taken back from the stored title or body on reading, so it is not stored
//! twice, and neither is a term written just as the text it matched (most
//! are): it is stored empty and read back as that text. Rows written before
//! this format (full `Classification` JSON) still read.

use serde::Deserialize;

use crate::model::{Classification, Evidence, Field, Label};

/// Labels as stored: `[[id, [[term, field, start, end], ...]], ...]`, with
/// field 0 for the title and 1 for the body, and term `""` when it is the
/// matched text itself; the whole as `{"l": lang, "t": topics, "p": parties,
/// "a": alerts}`. Written straight from the model, without building a copy of
/// it (the tests check it against serde's writing of the same shape).
fn push_labels(out: &mut String, labels: &[Label]) -> Result<(), serde_json::Error> {
    out.push('[');
    for (i, l) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_json_str(out, &l.id)?;
        out.push_str(",[");
        for (j, e) in l.evidence.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push('[');
            push_json_str(out, if e.term == e.text { "" } else { &e.term })?;
            out.push_str(if e.field == Field::Title {
                ",0,"
            } else {
                ",1,"
            });
            out.push_str(itoa::Buffer::new().format(e.start));
            out.push(',');
            out.push_str(itoa::Buffer::new().format(e.end));
            out.push(']');
        }
        out.push_str("]]");
    }
    out.push(']');
    Ok(())
}

/// A JSON string: as it is between quotes when nothing in it needs escaping
/// (serde_json escapes only `"`, `\\` and control characters), else written
/// by serde_json.
fn push_json_str(out: &mut String, s: &str) -> Result<(), serde_json::Error> {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s)?);
    }
    Ok(())
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
    let mut out = String::with_capacity(256);
    out.push_str("{\"l\":");
    push_json_str(&mut out, &c.lang)?;
    for (key, labels) in [
        (",\"t\":", &c.topics),
        (",\"p\":", &c.parties),
        (",\"a\":", &c.alerts),
    ] {
        out.push_str(key);
        push_labels(&mut out, labels)?;
    }
    out.push('}');
    Ok(out)
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

    /// The stored shape as serde writes it, to check [`encode`] against.
    fn encode_by_serde(c: &Classification) -> String {
        #[derive(serde::Serialize)]
        struct Out<'a> {
            l: &'a str,
            t: Vec<Row<'a>>,
            p: Vec<Row<'a>>,
            a: Vec<Row<'a>>,
        }
        type Row<'a> = (&'a str, Vec<(&'a str, u8, usize, usize)>);
        fn rows(ls: &[Label]) -> Vec<Row<'_>> {
            ls.iter()
                .map(|l| {
                    let ev = l.evidence.iter().map(|e| {
                        let term = if e.term == e.text {
                            ""
                        } else {
                            e.term.as_ref()
                        };
                        (term, e.field as u8, e.start, e.end)
                    });
                    (l.id.as_ref(), ev.collect())
                })
                .collect()
        }
        serde_json::to_string(&Out {
            l: &c.lang,
            t: rows(&c.topics),
            p: rows(&c.parties),
            a: rows(&c.alerts),
        })
        .unwrap()
    }

    #[test]
    fn written_as_serde_writes_it() {
        let (mut c, ..) = sample();
        assert_eq!(encode(&c).unwrap(), encode_by_serde(&c));
        c.lang = "a\"b\\c\u{1}\n\u{7f}é".into();
        c.topics[0].id = "x\ty".into();
        c.topics[0].evidence[0].term = "q\"\u{1f}\\".into();
        c.topics[0].evidence[0].start = usize::MAX;
        c.parties[0].evidence.clear();
        c.alerts.push(c.alerts[0].clone());
        assert_eq!(encode(&c).unwrap(), encode_by_serde(&c));
        assert_eq!(
            encode(&Classification::default()).unwrap(),
            encode_by_serde(&Classification::default())
        );
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
