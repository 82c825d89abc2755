//! Synthetic items for store tests: Arabic and English titles, topics,
//! parties and a few alerts, a minute apart (the benchmark's realistic stores
//! are made by `corpus.rs`).

#![allow(dead_code, clippy::unwrap_used)]

use chrono::{Duration, TimeZone, Utc};
use marsad::model::{Classification, Evidence, Field, Label, NewItem};

const AR: &[&str] = &[
    "إيران",
    "الولايات المتحدة",
    "مسقط",
    "المحادثات",
    "النووية",
    "تخصيب",
    "اليورانيوم",
    "العقوبات",
    "الصواريخ",
    "الخليج",
    "الهجوم",
    "ناقلة",
    "عراقجي",
    "ويتكوف",
    "جولة",
    "جديدة",
];
const EN: &[&str] = &[
    "Iran",
    "US",
    "Muscat",
    "talks",
    "nuclear",
    "enrichment",
    "uranium",
    "sanctions",
    "missile",
    "Gulf",
    "attack",
    "tanker",
    "Araghchi",
    "Witkoff",
    "round",
    "new",
    "F-35",
    "60%",
];
const TOPICS: &[&str] = &[
    "nuclear",
    "missiles",
    "sanctions",
    "military",
    "diplomacy",
    "regional",
    "rights",
];
const PARTIES: &[&str] = &["us", "iran", "oman"];

fn label(id: &str) -> Label {
    Label {
        id: id.to_string().into(),
        evidence: Vec::new(),
    }
}

/// Item `i`, deterministic.
pub fn item(i: usize) -> NewItem {
    let mut x = (i as u64)
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |n: usize| {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51afd7ed558ccd);
        x ^= x >> 29;
        (x % n as u64) as usize
    };
    let arabic = i.is_multiple_of(2);
    let words = if arabic { AR } else { EN };
    let n = 6 + next(8);
    let title: Vec<&str> = (0..n).map(|_| words[next(words.len())]).collect();
    let title = format!("{} #{i}", title.join(" "));
    let text = format!(
        "{title}. {}",
        (0..30)
            .map(|_| words[next(words.len())])
            .collect::<Vec<_>>()
            .join(" ")
    );
    let when =
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(i as i64 * 60);
    let mut labels = Classification {
        lang: if arabic { "ar" } else { "en" }.into(),
        topics: vec![label(TOPICS[next(TOPICS.len())])],
        parties: vec![label(PARTIES[next(PARTIES.len())])],
        alerts: Vec::new(),
    };
    if next(3) == 0 {
        labels.topics.push(label(TOPICS[next(TOPICS.len())]));
        labels.topics.dedup();
    }
    if let Some(start) = title.find("Muscat").filter(|_| next(4) == 0) {
        labels.alerts.push(Label {
            id: "muscat".into(),
            evidence: vec![Evidence {
                term: "Muscat".into(),
                field: Field::Title,
                start,
                end: start + 6,
                text: "Muscat".into(),
            }],
        });
    }
    NewItem {
        guid: Some(format!("bench-{i}")),
        link: Some(format!("https://example.org/news/{i}")),
        source: [
            "BBC Arabic",
            "Reuters",
            "Al Jazeera",
            "DW Arabic",
            "France 24",
        ][i % 5]
            .into(),
        title,
        text,
        published: Some(when),
        date_is_fetch_time: false,
        keys: None,
        fetched: when,
        labels,
    }
}
