//! `marsad demo`: a built-in replay of a news day served over HTTP on
//! 127.0.0.1, releasing items over a few minutes (some naming Muscat, some
//! تخصيب), and a watch configuration pointing at it, so the dashboard can be
//! seen filling and alerting without internet, through the real collector.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use crate::config::{Config, ConfigSource, DEFAULT_CONFIG};

/// The replay's feeds: name and declared language.
pub const FEEDS: &[(&str, &str)] = &[
    ("Demo Wire", "en"),
    ("وكالة الأنباء التجريبية", "ar"),
    ("Gulf Desk", "en"),
];

/// One replayed item: when it appears (seconds after start), its feed, title, text.
pub struct Entry {
    pub at: u64,
    pub feed: usize,
    pub title: &'static str,
    pub text: &'static str,
}

pub const REPLAY: &[Entry] = &[
    Entry {
        at: 0,
        feed: 0,
        title: "US and Iran confirm a new round of indirect talks",
        text: "Officials in Washington and Tehran confirmed the talks, mediated by Oman.",
    },
    Entry {
        at: 0,
        feed: 1,
        title: "إيران تعلن استعدادها لجولة جديدة من المحادثات النووية",
        text: "قال المتحدث باسم الخارجية الإيرانية إن طهران مستعدة لجولة جديدة من المحادثات.",
    },
    Entry {
        at: 0,
        feed: 2,
        title: "Oil tanker traffic through Hormuz returns to normal",
        text: "Shipping data show tanker traffic in the Strait of Hormuz back to usual levels.",
    },
    Entry {
        at: 0,
        feed: 1,
        title: "عقوبات أمريكية جديدة تستهدف شبكات بيع النفط الإيراني",
        text: "أعلنت وزارة الخزانة الأمريكية عقوبات جديدة على شركات شحن.",
    },
    Entry {
        at: 0,
        feed: 0,
        title: "Pentagon moves F-35 squadron to the Gulf",
        text: "The US military said the deployment was routine.",
    },
    Entry {
        at: 10,
        feed: 2,
        title: "Omani foreign minister hosts envoys in Muscat",
        text: "Badr Albusaidi received the US and Iranian envoys in Muscat on Saturday.",
    },
    Entry {
        at: 20,
        feed: 1,
        title: "مصادر: إيران رفعت تخصيب اليورانيوم إلى 60% في فوردو",
        text: "ذكرت مصادر دبلوماسية أن نسبة التخصيب بلغت 60% قبل جولة مسقط.",
    },
    Entry {
        at: 30,
        feed: 0,
        title: "UN rights office urges Iran to halt executions",
        text: "The UN human rights office said executions had risen sharply.",
    },
    Entry {
        at: 40,
        feed: 1,
        title: "اختبار صاروخ باليستي جديد في إيران (خرمشهر)",
        text: "أعلن الحرس الثوري اختبار صاروخ باليستي متوسط المدى.",
    },
    Entry {
        at: 55,
        feed: 0,
        title: "Talks in Muscat end first day without a statement",
        text: "Delegations left the venue in Muscat late on Saturday.",
    },
    Entry {
        at: 70,
        feed: 2,
        title: "Iran says enrichment is its right under the NPT",
        text: "Tehran rejected calls to stop enrichment as a precondition.",
    },
    Entry {
        at: 85,
        feed: 1,
        title: "عراقجي: المحادثات في مسقط كانت بنّاءة",
        text: "وصف وزير الخارجية الإيراني المحادثات في مسقط بأنها بناءة وجادة.",
    },
    Entry {
        at: 100,
        feed: 0,
        title: "Israel warns against any deal that allows enrichment",
        text: "Israeli officials said they would not accept a deal allowing enrichment.",
    },
    Entry {
        at: 115,
        feed: 2,
        title: "Treasury adds shipping firms to Iran sanctions list",
        text: "The sanctions target firms accused of moving Iranian oil.",
    },
    Entry {
        at: 130,
        feed: 1,
        title: "الهجوم على ناقلة في مضيق هرمز يثير التوتر في الخليج",
        text: "تعرضت ناقلة نفط لهجوم بطائرة مسيرة قرب مضيق هرمز.",
    },
    Entry {
        at: 150,
        feed: 0,
        title: "Witkoff and Araghchi to meet again in Muscat next week",
        text: "A second round of talks is planned in Muscat, officials said.",
    },
    Entry {
        at: 170,
        feed: 1,
        title: "الوكالة الدولية للطاقة الذرية: مخزون اليورانيوم المخصب يتزايد",
        text: "قال تقرير الوكالة إن مخزون اليورانيوم المخصب بنسبة 60% ارتفع.",
    },
    Entry {
        at: 190,
        feed: 2,
        title: "Oman offers to host technical talks on enrichment limits",
        text: "Muscat proposed expert-level talks on enrichment caps.",
    },
    Entry {
        at: 210,
        feed: 0,
        title: "Iran test-fires cruise missile in Gulf drill",
        text: "State media showed the launch during naval exercises.",
    },
    Entry {
        at: 240,
        feed: 1,
        title: "مسقط تستضيف جولة ثانية من المحادثات الأمريكية الإيرانية",
        text: "أكدت سلطنة عمان استضافة جولة ثانية من المحادثات في مسقط.",
    },
];

struct Replay {
    started: Instant,
    started_at: DateTime<Utc>,
    addr: SocketAddr,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Replay {
    /// The feed's RSS with the items released so far, newest first.
    fn rss(&self, feed: usize) -> Option<String> {
        let (name, lang) = FEEDS.get(feed)?;
        let elapsed = self.started.elapsed().as_secs();
        let mut out = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>{}</title>\
             <link>http://{}/</link><description>marsad demo replay</description><language>{lang}</language>\n",
            escape(name),
            self.addr
        );
        for (i, e) in REPLAY.iter().enumerate().rev() {
            if e.feed != feed || e.at > elapsed {
                continue;
            }
            let date = self.started_at + chrono::Duration::seconds(e.at as i64);
            out.push_str(&format!(
                "<item><title>{}</title><link>http://{}/item/{i}</link><guid>demo-{i}</guid>\
                 <pubDate>{}</pubDate><description>{}</description></item>\n",
                escape(e.title),
                self.addr,
                date.to_rfc2822(),
                escape(e.text)
            ));
        }
        out.push_str("</channel></rss>\n");
        Some(out)
    }
}

async fn feed(State(r): State<Arc<Replay>>, Path(n): Path<String>) -> impl IntoResponse {
    let n = n.trim_end_matches(".xml").parse::<usize>().ok();
    match n.and_then(|n| r.rss(n)) {
        Some(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
            body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Serves the replay on 127.0.0.1 (a free port) until `cancel`; returns its address.
pub async fn serve(cancel: CancellationToken) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let replay = Arc::new(Replay {
        started: Instant::now(),
        started_at: Utc::now(),
        addr,
    });
    let app = axum::Router::new()
        .route("/feed/{n}", axum::routing::get(feed))
        .with_state(replay);
    tokio::spawn(async move {
        let shutdown = async move { cancel.cancelled().await };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "demo server stopped");
        }
    });
    Ok(addr)
}

/// The shipped watch (topics, parties, alerts) with the replay's feeds, polled
/// every `interval`.
pub fn config(addr: SocketAddr, interval: Duration) -> anyhow::Result<Config> {
    let mut table: toml::Table = toml::from_str(DEFAULT_CONFIG)?;
    table.remove("feed");
    if let Some(toml::Value::Table(settings)) = table.get_mut("settings") {
        settings.insert("watch".into(), "Demo · US–Iran talks · Muscat".into());
        settings.insert(
            "interval".into(),
            format!("{}s", interval.as_secs().max(1)).into(),
        );
        settings.remove("store");
    }
    let feeds = FEEDS
        .iter()
        .enumerate()
        .map(|(i, (name, lang))| {
            let mut f = toml::Table::new();
            f.insert("name".into(), (*name).into());
            f.insert("url".into(), format!("http://{addr}/feed/{i}.xml").into());
            f.insert("lang".into(), (*lang).into());
            toml::Value::Table(f)
        })
        .collect();
    table.insert("feed".into(), toml::Value::Array(feeds));
    let text = toml::to_string(&table)?;
    Config::parse(&text, ConfigSource::BuiltIn).map_err(|e| anyhow::anyhow!("{e}"))
}

/// How long the whole replay takes to come out.
pub fn duration() -> Duration {
    Duration::from_secs(REPLAY.iter().map(|e| e.at).max().unwrap_or(0))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_config_is_valid_and_points_at_the_server() {
        let addr: SocketAddr = "127.0.0.1:4321".parse().unwrap();
        let c = config(addr, Duration::from_secs(15)).unwrap();
        assert_eq!(c.feeds.len(), FEEDS.len());
        assert_eq!(
            c.feeds[0].url.to_string(),
            "http://127.0.0.1:4321/feed/0.xml"
        );
        assert_eq!(c.topics.len(), 7);
        assert!(c.alerts.iter().any(|a| a.id == "muscat"));
        assert_eq!(c.settings.interval, Duration::from_secs(15));
    }

    #[test]
    fn the_replay_names_muscat_and_enrichment() {
        assert!(REPLAY.iter().any(|e| e.title.contains("Muscat")));
        assert!(REPLAY.iter().any(|e| e.title.contains("تخصيب")));
        assert!(duration() >= Duration::from_secs(120));
    }

    #[tokio::test]
    async fn the_server_releases_items_over_time() {
        let cancel = CancellationToken::new();
        let addr = serve(cancel.clone()).await.unwrap();
        let body = reqwest::get(format!("http://{addr}/feed/0.xml"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let feed = feed_rs::parser::parse(body.as_bytes()).unwrap();
        // At start only the items due at 0 s are out.
        let due_now = REPLAY.iter().filter(|e| e.feed == 0 && e.at == 0).count();
        assert_eq!(feed.entries.len(), due_now);
        assert!(body.contains("confirm a new round"));
        let missing = reqwest::get(format!("http://{addr}/feed/99.xml"))
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
        cancel.cancel();
    }
}
