//! A fixed dashboard state for rendering and state tests: the shipped watch,
//! a dozen items in Arabic and English with known times, an alert, two feeds,
//! in a real store the state reads through the same queries as the dashboard.

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

/// A dashboard state over a real store in a temp dir, holding `rows` (with
/// their ids: ids in between are tombstones), `alerts` (the only fired alerts,
/// as given) and `feeds`. It derefs to its state; its `update` answers every
/// query the state asks at once, as the query worker would, so the state is
/// always settled; the other effects stay in `effects`.
pub struct Fixture {
    pub state: State,
    pub store: marsad::store::Store,
    pub reader: marsad::store::Reader,
    /// What the store's watcher has seen.
    pub mark: marsad::app::live::Mark,
    pub dir: tempfile::TempDir,
}

impl std::ops::Deref for Fixture {
    type Target = State;
    fn deref(&self) -> &State {
        &self.state
    }
}

impl std::ops::DerefMut for Fixture {
    fn deref_mut(&mut self) -> &mut State {
        &mut self.state
    }
}

/// A stored-to-be item made of a fixture row.
pub fn new_item(r: &DashRow) -> marsad::model::NewItem {
    use marsad::model::{Classification, Label, NewItem};
    let label = |id: &String| Label {
        id: id.clone().into(),
        evidence: Vec::new(),
    };
    let arabic = r
        .title
        .chars()
        .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    NewItem {
        guid: Some(format!("fixture-{}", r.id)),
        link: r.link.clone(),
        source: r.source.clone(),
        title: r.title.clone(),
        text: format!("{} — body of item {}", r.title, r.id),
        published: Some(r.when),
        date_is_fetch_time: false,
        fetched: r.when,
        labels: Classification {
            lang: if arabic { "ar" } else { "en" }.into(),
            topics: r.topics.iter().map(label).collect(),
            parties: r.parties.iter().map(label).collect(),
            alerts: r
                .alerts
                .iter()
                .map(|a| Label {
                    id: a.clone().into(),
                    evidence: r.alert_evidence.clone(),
                })
                .collect(),
        },
        keys: None,
    }
}

/// Stores `rows` in `store` with their own ids (in id order; the ids
/// between are filled with items deleted at once), read marks as given.
pub fn store_rows(store: &marsad::store::Store, rows: &[DashRow]) {
    use marsad::store::{AlertPolicy, FeedRef, IngestBatch};
    let mut rows: Vec<&DashRow> = rows.iter().collect();
    rows.sort_by_key(|r| r.id);
    let next = store.reader().unwrap().max_item_id().unwrap() + 1;
    let mut fillers = Vec::new();
    let mut id = next;
    for r in rows {
        while id < r.id.0 {
            let mut filler = DashRow {
                id: ItemId(id),
                ..r.clone()
            };
            filler.title = format!("filler {id}");
            filler.link = None;
            let report = store
                .ingest(IngestBatch {
                    feed: FeedRef {
                        name: "fillers".into(),
                        url: "https://fillers.example/".into(),
                    },
                    items: vec![new_item(&filler)],
                    fetch: None,
                    alerts: AlertPolicy::Quiet,
                    keep_items: false,
                })
                .wait()
                .unwrap();
            assert_eq!(report.added, 1);
            fillers.push(ItemId(id));
            id += 1;
        }
        let report = store
            .ingest(IngestBatch {
                feed: FeedRef {
                    name: r.feed.clone(),
                    url: format!("https://{}.example/rss", r.feed.len()),
                },
                items: vec![new_item(r)],
                fetch: None,
                alerts: AlertPolicy::Quiet,
                keep_items: false,
            })
            .wait()
            .unwrap();
        assert_eq!(report.added, 1, "item {} stored", r.id);
        if r.read {
            store.mark_read(vec![r.id], true).wait().unwrap();
        }
        id += 1;
    }
    if !fillers.is_empty() {
        store.delete(fillers).wait().unwrap();
    }
}

/// Makes `alerts` the store's fired alerts, as given.
pub fn set_alerts(path: &std::path::Path, alerts: &[AlertRow]) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute("DELETE FROM alerts_fired", []).unwrap();
    for a in alerts {
        c.execute(
            "INSERT INTO alerts_fired (item_id, alert, fired_at, quiet, acknowledged) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![a.item.0, a.alert, a.fired_at.timestamp_millis(), a.quiet, a.acknowledged],
        )
        .unwrap();
    }
}

impl Fixture {
    pub fn new(
        size: (u16, u16),
        rows: Vec<DashRow>,
        alerts: Vec<AlertRow>,
        feeds: Vec<FeedState>,
    ) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let store = marsad::store::Store::open(&path).unwrap();
        store_rows(&store, &rows);
        set_alerts(&path, &alerts);
        let reader = store.reader().unwrap();
        let mark = marsad::app::live::Mark::now(&reader).unwrap();
        let mut state = State::new(
            &Config::builtin(),
            Init {
                feeds,
                now: now(),
                display: Display::App,
                polling: true,
                keymap: Keymap::default(),
                theme: Theme::default(),
                size,
            },
        );
        // Times in UTC whatever the machine's zone.
        state.zone = marsad::zone::Zone::Utc;
        state.zone_home = marsad::zone::Zone::Utc;
        let mut f = Fixture {
            state,
            store,
            reader,
            mark,
            dir,
        };
        f.settle();
        f.dirty = true;
        f
    }

    /// A new dashboard on the same store, as after quitting and starting
    /// again.
    pub fn restart(&mut self) {
        let mut state = State::new(
            &Config::builtin(),
            Init {
                feeds: feeds(),
                now: now(),
                display: Display::App,
                polling: true,
                keymap: Keymap::default(),
                theme: Theme::default(),
                size: self.state.size,
            },
        );
        state.zone = marsad::zone::Zone::Utc;
        state.zone_home = marsad::zone::Zone::Utc;
        self.state = state;
        self.settle();
    }

    /// Answers the queries the state asked.
    pub fn settle(&mut self) {
        let (other, _) = marsad::app::search::settle(&mut self.state, &self.reader).unwrap();
        self.state.effects = other;
    }

    /// An action, then every query it made the state ask answered.
    pub fn update(&mut self, action: marsad::app::Action) {
        self.state.update(action);
        self.settle();
    }

    /// What the store's watcher would send now, given to the state.
    pub fn look(&mut self) -> bool {
        let configured: marsad::app::live::Configured = Vec::new();
        match marsad::app::live::changes(&self.reader, self.mark, &configured).unwrap() {
            Some((c, m)) => {
                self.mark = m;
                self.update(marsad::app::Action::Changed(Box::new(c)));
                true
            }
            None => false,
        }
    }

    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("store.db")
    }
}

/// The screen drawn for `s`, a line a row.
pub fn render_text(s: &State) -> String {
    let area = ratatui::layout::Rect::new(0, 0, s.size.0, s.size.1);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    marsad::ui::render(area, &mut buf, s);
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn state(size: (u16, u16)) -> Fixture {
    Fixture::new(size, rows(), alerts(), feeds())
}
