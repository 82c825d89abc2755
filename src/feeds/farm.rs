//! A loopback feed farm: N generated RSS feeds of M items each (Arabic and English,
//! about the watch's story; every tenth item a wire copy that each feed of its
//! language carries under its own link), served on 127.0.0.1 with ETags and Last-Modified, and
//! answering 304 to a matching conditional request. Used by the tests, the ingest
//! benchmark (`marsad farm`) and the dashboard's demo.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// What the farm serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FarmSpec {
    pub feeds: usize,
    pub items: usize,
    /// Port to listen on (0: any free one).
    pub port: u16,
}

impl Default for FarmSpec {
    fn default() -> Self {
        FarmSpec {
            feeds: 10,
            items: 20,
            port: 0,
        }
    }
}

/// A running farm; dropping it does not stop it, `shutdown` does.
pub struct Farm {
    pub addr: SocketAddr,
    pub spec: FarmSpec,
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl Farm {
    /// The URL of feed `i` (0-based).
    pub fn url(&self, i: usize) -> String {
        format!("http://{}/feed/{i}.xml", self.addr)
    }

    /// The name the farm gives feed `i` in configs.
    pub fn name(i: usize) -> String {
        format!("farm-{i:04}")
    }

    /// `[[feed]]` entries for every feed, with the given settings above them and
    /// the built-in watch's topics, parties and alerts below (so items are
    /// classified as for real).
    pub fn config(&self, settings: &str) -> String {
        let mut s = format!("[settings]\n{settings}\n");
        if let Ok(mut rules) = crate::config::DEFAULT_CONFIG.parse::<toml::Table>() {
            rules.remove("settings");
            rules.remove("feed");
            if let Ok(text) = toml::to_string(&rules) {
                s.push('\n');
                s.push_str(&text);
            }
        }
        for i in 0..self.spec.feeds {
            let _ = write!(
                s,
                "\n[[feed]]\nname = \"{}\"\nurl = \"{}\"\nlang = \"{}\"\n",
                Farm::name(i),
                self.url(i),
                if i % 2 == 0 { "ar" } else { "en" }
            );
        }
        s
    }

    /// Stops serving and waits for the server to end.
    pub async fn shutdown(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

struct Bodies {
    feeds: Vec<(String, Arc<[u8]>)>,
}

const LAST_MODIFIED: &str = "Sat, 12 Apr 2025 10:00:00 GMT";

/// Starts a farm on 127.0.0.1.
pub async fn serve(spec: FarmSpec) -> std::io::Result<Farm> {
    let bodies = tokio::task::spawn_blocking(move || Bodies {
        feeds: (0..spec.feeds)
            .map(|i| {
                let etag = format!("\"farm-{i}-{}\"", spec.items);
                (etag, Arc::from(feed_xml(i, spec.items).into_bytes()))
            })
            .collect(),
    })
    .await
    .map_err(std::io::Error::other)?;
    let bodies = Arc::new(bodies);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", spec.port)).await?;
    let addr = listener.local_addr()?;
    let stop = CancellationToken::new();
    let app = axum::Router::new().fallback(move |headers: HeaderMap, uri: axum::http::Uri| {
        let bodies = bodies.clone();
        async move { answer(&bodies, uri.path(), &headers) }
    });
    let token = stop.clone();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move { token.cancelled().await })
            .await;
    });
    Ok(Farm {
        addr,
        spec,
        stop,
        task,
    })
}

fn answer(bodies: &Bodies, path: &str, headers: &HeaderMap) -> Response {
    let found = path
        .strip_prefix("/feed/")
        .and_then(|p| p.strip_suffix(".xml"))
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|i| bodies.feeds.get(i));
    let mut resp = Response::builder();
    let Some((etag, body)) = found else {
        return resp
            .status(StatusCode::NOT_FOUND)
            .body(Body::from("no such feed"))
            .unwrap_or_default();
    };
    resp = resp
        .header(header::ETAG, etag.as_str())
        .header(header::LAST_MODIFIED, LAST_MODIFIED);
    let inm = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    let ims = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok());
    let fresh = match (inm, ims) {
        (Some(v), _) => v.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        (None, Some(v)) => v.trim() == LAST_MODIFIED,
        _ => false,
    };
    if fresh {
        return resp
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_default();
    }
    resp.header(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")
        .body(Body::from(bytes::Bytes::from_owner(body.clone())))
        .unwrap_or_default()
}

const AR_SUBJECTS: &[&str] = &[
    "إيران",
    "الولايات المتحدة",
    "سلطنة عمان",
    "الوفد الإيراني",
    "المبعوث الأمريكي",
    "الوكالة الدولية للطاقة الذرية",
    "وزير الخارجية العماني",
    "البيت الأبيض",
];
const AR_VERBS: &[&str] = &[
    "تبحث",
    "تعلن",
    "ترفض",
    "تستأنف",
    "تنفي",
    "تؤكد",
    "تدرس",
    "تعلق",
];
const AR_OBJECTS: &[&str] = &[
    "جولة جديدة من المفاوضات في مسقط",
    "مستوى تخصيب اليورانيوم",
    "رفع العقوبات الاقتصادية",
    "مقترحا لتبادل السجناء",
    "الضمانات المطلوبة لأي اتفاق",
    "تقارير عن هجوم في الخليج",
    "موعد الجولة المقبلة",
    "دور الوساطة العمانية",
];
const EN_SUBJECTS: &[&str] = &[
    "Iran",
    "The United States",
    "Oman",
    "Tehran's negotiators",
    "The US envoy",
    "The IAEA",
    "Oman's foreign minister",
    "The White House",
];
const EN_VERBS: &[&str] = &[
    "weighs",
    "announces",
    "rejects",
    "resumes",
    "denies",
    "confirms",
    "studies",
    "comments on",
];
const EN_OBJECTS: &[&str] = &[
    "a new round of talks in Muscat",
    "uranium enrichment levels",
    "lifting economic sanctions",
    "a prisoner swap proposal",
    "guarantees for any deal",
    "reports of an attack in the Gulf",
    "the date of the next round",
    "Omani mediation",
];

fn xml_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// The RSS 2.0 text of feed `i` with `items` items; deterministic.
pub fn feed_xml(i: usize, items: usize) -> String {
    let arabic = i.is_multiple_of(2);
    let mut s = String::with_capacity(200 + items * 700);
    let _ = write!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>{}</title><link>http://farm.invalid/{i}/</link>\
         <description>generated feed {i}</description><language>{}</language>\n",
        if arabic {
            format!("مرصد تجريبي {i}")
        } else {
            format!("Farm feed {i}")
        },
        if arabic { "ar" } else { "en" }
    );
    let mut x: u64 = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for j in 0..items {
        let (subj, verb, obj) = if arabic {
            (AR_SUBJECTS, AR_VERBS, AR_OBJECTS)
        } else {
            (EN_SUBJECTS, EN_VERBS, EN_OBJECTS)
        };
        // Every tenth item is a wire copy: the same title and text in every
        // feed of its language, under the feed's own link and guid.
        let wire = j % 10 == 9;
        let mut w: u64 = (j as u64 * 2 + u64::from(arabic)).wrapping_mul(0xD1B5_4A32_D192_ED03) | 1;
        let rng = if wire { &mut w } else { &mut x };
        // One "subject verb object" clause; picks in that order.
        let mut clause = || {
            let mut pick = |n: usize| {
                *rng ^= *rng << 13;
                *rng ^= *rng >> 7;
                *rng ^= *rng << 17;
                (*rng % n as u64) as usize
            };
            let (a, b, c) = (pick(subj.len()), pick(verb.len()), pick(obj.len()));
            format!("{} {} {}", subj[a], verb[b], obj[c])
        };
        let (title, first, second) = (clause(), clause(), clause());
        let (title, body) = match (wire, arabic) {
            (false, true) => (
                format!("{title} ({i}-{j})"),
                format!(
                    "<p>قال مصدر مطلع إن {first}، وذلك في البند رقم {j} من النشرة {i}.</p><p>وأضاف أن {second}.</p>"
                ),
            ),
            (false, false) => (
                format!("{title} ({i}-{j})"),
                format!(
                    "<p>A source said {first}, in item {j} of bulletin {i}.</p><p>It added that {second}.</p>"
                ),
            ),
            (true, true) => (
                format!("{title} (برقية {j})"),
                format!("<p>أفادت وكالة أنباء بأن {first}.</p><p>وأضافت أن {second}.</p>"),
            ),
            (true, false) => (
                format!("{title} (wire {j})"),
                format!(
                    "<p>A news agency reported that {first}.</p><p>It added that {second}.</p>"
                ),
            ),
        };
        let minute = (j * 7) % (60 * 24 * 20);
        let date = chrono::DateTime::from_timestamp(1_744_452_000 - (minute as i64) * 60, 0)
            .unwrap_or_default()
            .to_rfc2822();
        s.push_str("<item><title>");
        xml_escape(&title, &mut s);
        let _ = write!(
            s,
            "</title><link>http://farm.invalid/{i}/item/{j}</link><guid>farm-{i}-{j}</guid><pubDate>{date}</pubDate><description>"
        );
        xml_escape(&body, &mut s);
        s.push_str("</description></item>\n");
    }
    s.push_str("</channel></rss>\n");
    s
}
