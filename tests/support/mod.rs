//! A fixed dashboard state for rendering and state tests: the shipped watch,
//! a dozen items in Arabic and English with known times, an alert, two feeds.

#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};
use marsad::app::state::Init;
use marsad::app::{Keymap, State};
use marsad::config::Config;
use marsad::model::{Evidence, Field, ItemId};
use marsad::store::{AlertRow, DashRow, FeedState};
use marsad::text::bidi::Display;
use marsad::ui::theme::Theme;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 12, 0, 0).unwrap()
}

pub fn row(
    id: i64,
    mins_ago: i64,
    source: &str,
    title: &str,
    topics: &[&str],
    parties: &[&str],
) -> DashRow {
    DashRow {
        id: ItemId(id),
        feed: source.to_string(),
        source: source.to_string(),
        link: Some(format!("https://example.org/{id}")),
        title: title.to_string(),
        when: now() - chrono::Duration::minutes(mins_ago),
        read: id % 3 == 0,
        topics: topics.iter().map(|s| s.to_string()).collect(),
        parties: parties.iter().map(|s| s.to_string()).collect(),
        alerts: Vec::new(),
        alert_evidence: Vec::new(),
    }
}

pub fn rows() -> Vec<DashRow> {
    let mut muscat = row(
        1,
        5,
        "Reuters",
        "US and Iran to resume talks in Muscat next week",
        &["diplomacy", "nuclear"],
        &["us", "iran", "oman"],
    );
    muscat.alerts = vec!["muscat".into()];
    let start = muscat.title.find("Muscat").unwrap();
    muscat.alert_evidence = vec![Evidence {
        term: "Muscat".into(),
        field: Field::Title,
        start,
        end: start + 6,
        text: "Muscat".into(),
    }];
    let mut enrich = row(
        2,
        20,
        "BBC Arabic",
        "إيران ترفع تخصيب اليورانيوم إلى 60% قبل جولة مسقط",
        &["nuclear"],
        &["iran"],
    );
    let s = enrich.title.find("تخصيب").unwrap();
    enrich.alerts = vec!["enrichment".into()];
    enrich.alert_evidence = vec![Evidence {
        term: "تخصيب".into(),
        field: Field::Title,
        start: s,
        end: s + "تخصيب".len(),
        text: "تخصيب".into(),
    }];
    // A bad offset from a classifier must not panic anything.
    enrich.alert_evidence.push(Evidence {
        term: "x".into(),
        field: Field::Title,
        start: 3,
        end: 9999,
        text: "x".into(),
    });
    vec![
        muscat,
        enrich,
        row(
            3,
            65,
            "Al Jazeera",
            "Pentagon weighs F-35 deployment to the Gulf",
            &["military"],
            &["us"],
        ),
        row(
            4,
            130,
            "الشرق الأوسط",
            "صفقة F-35 مع ترامب تثير قلق طهران",
            &["military", "regional"],
            &["us", "iran"],
        ),
        row(
            5,
            200,
            "DW Arabic",
            "عقوبات أمريكية جديدة على صادرات النفط الإيرانية",
            &["sanctions"],
            &["us", "iran"],
        ),
        row(
            6,
            300,
            "UN News",
            "UN rights experts urge Iran to halt executions",
            &["rights"],
            &["iran"],
        ),
        row(
            7,
            400,
            "RT Arabic",
            "اختبار صاروخ باليستي جديد في إيران (خرمشهر)",
            &["missiles"],
            &["iran"],
        ),
        row(
            8,
            700,
            "France 24",
            "Oman's foreign minister hosts indirect talks",
            &["diplomacy"],
            &["oman", "us", "iran"],
        ),
        row(
            9,
            1500,
            "Reuters",
            "Oil prices steady as talks continue",
            &[],
            &[],
        ),
        row(
            10,
            90,
            "BBC Middle East",
            "Iran says enrichment is its right under the NPT",
            &["nuclear"],
            &["iran"],
        ),
        row(
            11,
            30,
            "DW Arabic",
            "الهجوم على ناقلة في مضيق هرمز يثير التوتر",
            &["regional", "military"],
            &["iran"],
        ),
        row(
            12,
            10,
            "BBC Arabic",
            "عراقجي: المحادثات في مسقط كانت بنّاءة",
            &["diplomacy"],
            &["iran", "oman"],
        ),
    ]
}

pub fn alerts() -> Vec<AlertRow> {
    vec![AlertRow {
        alert: "muscat".into(),
        item: ItemId(1),
        title: "US and Iran to resume talks in Muscat next week".into(),
        source: "Reuters".into(),
        when: now() - chrono::Duration::minutes(5),
        fired_at: now() - chrono::Duration::minutes(5),
        quiet: false,
        acknowledged: false,
    }]
}

pub fn feeds() -> Vec<FeedState> {
    let f = |name: &str, err: Option<&str>| FeedState {
        name: name.into(),
        url: format!("https://example.org/{name}.xml"),
        items: 6,
        etag: None,
        last_modified: None,
        last_attempt: Some(now() - chrono::Duration::minutes(3)),
        last_success: Some(now() - chrono::Duration::minutes(if err.is_some() { 90 } else { 3 })),
        last_status: Some(200),
        last_error: err.map(str::to_string),
        last_latency_ms: Some(120),
        last_bytes: Some(5000),
        last_new: Some(2),
        last_seen: Some(20),
        failure_streak: u32::from(err.is_some()),
        next_due: None,
        gone: false,
    };
    vec![
        f("BBC Arabic", None),
        f("Reuters", Some("HTTP 503 Service Unavailable")),
    ]
}

pub fn state(size: (u16, u16)) -> State {
    let mut s = State::new(
        &Config::builtin(),
        Init {
            rows: rows(),
            alerts: alerts(),
            feeds: feeds(),
            now: now(),
            display: Display::App,
            polling: true,
            loading: false,
            keymap: Keymap::default(),
            theme: Theme::default(),
            size,
        },
    );
    // Times in UTC whatever the machine's zone.
    s.zone = marsad::zone::Zone::Utc;
    s.zone_home = marsad::zone::Zone::Utc;
    s
}
