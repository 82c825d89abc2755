//! The collector against real HTTP servers on 127.0.0.1 started by each test, with
//! a real SQLite store in a temp dir.
#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use marsad::classify::Classifier;
use marsad::config::{Config, FeedConfig, FeedLocation, Settings};
use marsad::feeds::farm::{self, FarmSpec};
use marsad::feeds::poller::{Collector, FeedMemory, PollResult, Refresh, remember};
use marsad::pipeline::Pipeline;
use marsad::store::Store;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

async fn serve(router: Router) -> SocketAddr {
    serve_on("127.0.0.1", router).await
}

async fn serve_on(ip: &str, router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

struct Env {
    _dir: tempfile::TempDir,
    store: Store,
    collector: Arc<Collector>,
}

fn env_with(settings: Settings) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db")).unwrap();
    let pipeline = Arc::new(Pipeline::new(Classifier::new(&Config::builtin()).unwrap()));
    let collector = Arc::new(Collector::new(&settings, pipeline, store.clone()).unwrap());
    Env {
        _dir: dir,
        store,
        collector,
    }
}

fn env() -> Env {
    env_with(Settings {
        timeout: Duration::from_secs(5),
        ..Settings::default()
    })
}

fn feed(name: &str, url: &str) -> FeedConfig {
    FeedConfig {
        name: name.into(),
        url: FeedLocation::Http(url::Url::parse(url).unwrap()),
        lang: None,
        interval: Duration::from_secs(600),
        tags: vec![],
        enabled: true,
    }
}

impl Env {
    async fn memory(&self, feeds: &[FeedConfig]) -> Vec<FeedMemory> {
        self.collector.load(feeds).await.unwrap()
    }
    async fn poll1(&self, f: &FeedConfig) -> PollResult {
        let mem = self.memory(std::slice::from_ref(f)).await.remove(0);
        self.collector
            .poll(&mem, &CancellationToken::new(), true)
            .await
            .unwrap()
    }
    fn count(&self) -> i64 {
        self.store.reader().unwrap().count().unwrap()
    }
    fn state(&self, name: &str) -> marsad::store::FeedState {
        self.store
            .reader()
            .unwrap()
            .feeds()
            .unwrap()
            .into_iter()
            .find(|f| f.name == name)
            .unwrap()
    }
}

fn rss(items: std::ops::Range<usize>) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>");
    for i in items {
        s.push_str(&format!(
            "<item><title>Item number {i} about Muscat</title><guid>g{i}</guid><link>http://e.org/{i}</link><description>body {i}</description></item>"
        ));
    }
    s.push_str("</channel></rss>");
    s
}

fn xml(body: impl Into<Body>) -> Response {
    ([(header::CONTENT_TYPE, "application/rss+xml")], body.into()).into_response()
}

#[tokio::test]
async fn ok_then_not_modified_by_etag() {
    let farm = farm::serve(FarmSpec {
        feeds: 1,
        items: 10,
        port: 0,
    })
    .await
    .unwrap();
    let e = env();
    let f = feed("farm", &farm.url(0));
    let r = e.poll1(&f).await;
    assert_eq!((r.status, r.outcome.new.len()), (Some(200), 10));
    assert!(r.outcome.error.is_none() && !r.outcome.not_modified);
    let st = e.state("farm");
    assert!(st.etag.is_some() && st.last_modified.is_some());
    // Validators come back from the store: the second poll is conditional.
    let r = e.poll1(&f).await;
    assert_eq!(r.status, Some(304));
    assert!(r.outcome.not_modified && r.outcome.new.is_empty());
    assert_eq!(e.count(), 10);
    assert_eq!(e.state("farm").last_status, Some(304));
    farm.shutdown().await;
}

#[tokio::test]
async fn not_modified_by_last_modified() {
    const LM: &str = "Sat, 12 Apr 2025 10:00:00 GMT";
    let conditional = Arc::new(AtomicUsize::new(0));
    let c = conditional.clone();
    let addr = serve(Router::new().route(
        "/f",
        get(move |h: HeaderMap| {
            let c = c.clone();
            async move {
                if h.get(header::IF_MODIFIED_SINCE)
                    .and_then(|v| v.to_str().ok())
                    == Some(LM)
                {
                    c.fetch_add(1, Ordering::SeqCst);
                    return StatusCode::NOT_MODIFIED.into_response();
                }
                ([(header::LAST_MODIFIED, LM)], xml(rss(0..3))).into_response()
            }
        }),
    ))
    .await;
    let e = env();
    let f = feed("lm", &format!("http://{addr}/f"));
    assert_eq!(e.poll1(&f).await.outcome.new.len(), 3);
    assert_eq!(e.state("lm").last_modified.as_deref(), Some(LM));
    let r = e.poll1(&f).await;
    assert!(r.outcome.not_modified);
    assert_eq!(conditional.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn errors_404_410_429_503() {
    let addr = serve(
        Router::new()
            .route("/404", get(|| async { StatusCode::NOT_FOUND }))
            .route("/410", get(|| async { StatusCode::GONE }))
            .route(
                "/429",
                get(|| async {
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, "7200")],
                    )
                }),
            )
            .route(
                "/503",
                get(|| async {
                    let when = (Utc::now() + chrono::Duration::hours(3)).to_rfc2822();
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [(header::RETRY_AFTER, when)],
                    )
                }),
            ),
    )
    .await;
    let e = env();
    let now = Utc::now();

    let r = e.poll1(&feed("a", &format!("http://{addr}/404"))).await;
    assert_eq!(r.outcome.error.as_deref(), Some("HTTP 404 Not Found"));
    let st = e.state("a");
    assert_eq!((st.failure_streak, st.last_status), (1, Some(404)));
    assert!(st.next_due.unwrap() >= now + chrono::Duration::minutes(10));
    // A second failure doubles the delay.
    let r = e.poll1(&feed("a", &format!("http://{addr}/404"))).await;
    assert_eq!(e.state("a").failure_streak, 2);
    assert!(r.next_due.unwrap() >= now + chrono::Duration::minutes(20));

    let r = e.poll1(&feed("g", &format!("http://{addr}/410"))).await;
    assert!(r.gone && r.next_due.is_none());
    let st = e.state("g");
    assert!(st.gone && st.next_due.is_none());
    let mem = e.memory(&[feed("g", &format!("http://{addr}/410"))]).await;
    assert!(!mem[0].is_due(Utc::now() + chrono::Duration::days(365)));

    let r = e.poll1(&feed("r", &format!("http://{addr}/429"))).await;
    assert_eq!(r.status, Some(429));
    assert!(r.next_due.unwrap() >= now + chrono::Duration::hours(2));

    let r = e.poll1(&feed("u", &format!("http://{addr}/503"))).await;
    assert_eq!(r.status, Some(503));
    assert!(r.next_due.unwrap() >= now + chrono::Duration::minutes(179));
}

#[tokio::test]
async fn timeouts_and_slow_drip() {
    let addr = serve(
        Router::new()
            .route("/hang", get(std::future::pending::<&'static str>))
            .route(
                "/drip",
                get(|| async {
                    let head = futures::stream::once(async {
                        Ok::<_, std::io::Error>(bytes::Bytes::from_static(
                            b"<rss version=\"2.0\"><channel>",
                        ))
                    });
                    let drip = futures::stream::unfold((), |()| async {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Some((Ok(bytes::Bytes::from_static(b" ")), ()))
                    });
                    xml(Body::from_stream(futures::StreamExt::chain(head, drip)))
                }),
            ),
    )
    .await;
    let e = env_with(Settings {
        timeout: Duration::from_millis(400),
        ..Settings::default()
    });
    for path in ["hang", "drip"] {
        let r = e.poll1(&feed(path, &format!("http://{addr}/{path}"))).await;
        let err = r.outcome.error.unwrap();
        assert!(err.contains("timed out"), "{path}: {err}");
        assert_eq!(e.state(path).failure_streak, 1);
    }
}

#[tokio::test]
async fn gzip_bomb_stops_at_the_cap() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..16 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = bytes::Bytes::from(gz.finish().unwrap());
    assert!(bomb.len() < 1 << 20);
    let addr = serve(Router::new().route(
        "/bomb",
        get(move || {
            let bomb = bomb.clone();
            async move {
                (
                    [
                        (header::CONTENT_ENCODING, "gzip"),
                        (header::CONTENT_TYPE, "application/rss+xml"),
                    ],
                    bomb,
                )
            }
        }),
    ))
    .await;
    let e = env_with(Settings {
        max_body: 1 << 20,
        timeout: Duration::from_secs(10),
        ..Settings::default()
    });
    let r = e.poll1(&feed("bomb", &format!("http://{addr}/bomb"))).await;
    let err = r.outcome.error.unwrap();
    assert!(err.contains("larger than the cap"), "{err}");
}

#[tokio::test]
async fn redirects_loop_file_and_permanent_move() {
    let addr = serve(
        Router::new()
            .route(
                "/loop/{n}",
                get(
                    |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                        (
                            StatusCode::FOUND,
                            [(header::LOCATION, format!("/loop/{}", n + 1))],
                        )
                    },
                ),
            )
            .route(
                "/tofile",
                get(|| async {
                    (
                        StatusCode::FOUND,
                        [(header::LOCATION, "file:///etc/passwd")],
                    )
                }),
            )
            .route(
                "/old",
                get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/new")]) }),
            )
            .route("/new", get(|| async { xml(rss(0..2)) })),
    )
    .await;
    let e = env();
    let r = e
        .poll1(&feed("loop", &format!("http://{addr}/loop/0")))
        .await;
    let err = r.outcome.error.unwrap();
    assert!(err.contains("more than 5 redirects"), "{err}");
    let r = e
        .poll1(&feed("file", &format!("http://{addr}/tofile")))
        .await;
    let err = r.outcome.error.unwrap();
    assert!(err.contains("`file:`"), "{err}");
    let r = e.poll1(&feed("moved", &format!("http://{addr}/old"))).await;
    assert_eq!(r.outcome.new.len(), 2);
    assert_eq!(r.moved_to, Some(format!("http://{addr}/new")));
    assert_eq!(e.state("moved").url, format!("http://{addr}/new"));
}

#[tokio::test]
async fn windows_1256_with_and_without_http_charset() {
    let text = "<?xml version=\"1.0\" encoding=\"windows-1256\"?><rss version=\"2.0\"><channel><title>أخبار</title><item><title>إيران والولايات المتحدة تستأنفان المفاوضات في مسقط</title><guid>1</guid></item></channel></rss>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(text);
    let bytes = bytes::Bytes::from(bytes.into_owned());
    let b2 = bytes.clone();
    let addr = serve(
        Router::new()
            .route(
                "/hdr",
                get(move || {
                    let b = bytes.clone();
                    async move {
                        (
                            [(header::CONTENT_TYPE, "text/xml; charset=windows-1256")],
                            b,
                        )
                    }
                }),
            )
            .route(
                "/decl",
                get(move || {
                    let b = b2.clone();
                    async move { ([(header::CONTENT_TYPE, "text/xml")], b) }
                }),
            ),
    )
    .await;
    for path in ["hdr", "decl"] {
        let e = env();
        let r = e.poll1(&feed(path, &format!("http://{addr}/{path}"))).await;
        assert_eq!(
            r.outcome.new[0].title, "إيران والولايات المتحدة تستأنفان المفاوضات في مسقط",
            "{path}"
        );
    }
}

#[tokio::test]
async fn formats_and_malformed_xml() {
    let atom = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2025-04-12T10:30:00Z</updated>
        <entry><id>urn:1</id><title>Atom entry</title><link href="/a/1"/><updated>2025-04-12T10:30:00Z</updated><summary>s</summary></entry></feed>"#;
    let rdf = r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
        <channel rdf:about="http://e.org/"><title>R</title><link>http://e.org/</link><description>d</description></channel>
        <item rdf:about="http://e.org/r1"><title>RDF item</title><link>http://e.org/r1</link></item></rdf:RDF>"#;
    let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"j1","title":"JSON item","content_text":"x","url":"https://e.org/j1"}]}"#;
    let sloppy = "<rss><channel><title>S & S</title><item><title>Q&A on talks</title><guid>s1</guid></item></channel></rss>";
    let garbage = "<html><body>Not a feed</body></html>";
    let addr = serve(
        Router::new()
            .route("/atom", get(move || async move { atom }))
            .route("/rdf", get(move || async move { rdf }))
            .route("/json", get(move || async move { json }))
            .route("/sloppy", get(move || async move { sloppy }))
            .route("/garbage", get(move || async move { garbage })),
    )
    .await;
    let e = env();
    for (path, title) in [
        ("atom", "Atom entry"),
        ("rdf", "RDF item"),
        ("json", "JSON item"),
        ("sloppy", "Q&A on talks"),
    ] {
        let r = e.poll1(&feed(path, &format!("http://{addr}/{path}"))).await;
        assert_eq!(r.outcome.error, None, "{path}");
        assert_eq!(r.outcome.new.len(), 1, "{path}");
        assert_eq!(r.outcome.new[0].title, title);
    }
    let atom_item = &e
        .poll1(&feed("atom2", &format!("http://{addr}/atom")))
        .await;
    assert!(atom_item.outcome.new.is_empty(), "same link: already known");
    let r = e
        .poll1(&feed("garbage", &format!("http://{addr}/garbage")))
        .await;
    assert!(r.outcome.error.unwrap().starts_with("not a feed"));
    assert_eq!(e.state("garbage").failure_streak, 1);
}

#[tokio::test]
async fn duplicates_across_polls_and_ten_ingests() {
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let addr = serve(Router::new().route(
        "/f",
        get(move || {
            let n = p.fetch_add(1, Ordering::SeqCst);
            // First 0..5, then 3..8 (three known, three new), then 3..8 forever.
            async move { xml(if n == 0 { rss(0..5) } else { rss(3..8) }) }
        }),
    ))
    .await;
    let e = env();
    let f = feed("dup", &format!("http://{addr}/f"));
    let r = e.poll1(&f).await;
    assert_eq!((r.outcome.new.len(), r.seen), (5, 0));
    let r = e.poll1(&f).await;
    assert_eq!((r.outcome.new.len(), r.seen), (3, 2));
    let rows = e.count();
    assert_eq!(rows, 8);
    for _ in 0..10 {
        let r = e.poll1(&f).await;
        assert_eq!((r.outcome.new.len(), r.seen), (0, 5));
    }
    assert_eq!(e.count(), rows);
}

#[tokio::test]
async fn local_file_feed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.xml");
    std::fs::write(&path, rss(0..4)).unwrap();
    let e = env();
    let mut f = feed("file", "http://unused.invalid/");
    f.url = FeedLocation::File(path);
    let r = e.poll1(&f).await;
    assert_eq!(r.outcome.new.len(), 4);
}

#[derive(Default)]
struct Counter {
    now: AtomicUsize,
    max: AtomicUsize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_host_and_global_limits_hold() {
    let total = Arc::new(Counter::default());
    let mut addrs = Vec::new();
    let mut hosts = Vec::new();
    for ip in ["127.0.0.1", "127.0.0.2", "127.0.0.3"] {
        let host = Arc::new(Counter::default());
        let (t, h) = (total.clone(), host.clone());
        let router = Router::new().route(
            "/{n}",
            get(move || {
                let (t, h) = (t.clone(), h.clone());
                async move {
                    for c in [&t, &h] {
                        let now = c.now.fetch_add(1, Ordering::SeqCst) + 1;
                        c.max.fetch_max(now, Ordering::SeqCst);
                    }
                    // Hold the request open a little so requests overlap.
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    t.now.fetch_sub(1, Ordering::SeqCst);
                    h.now.fetch_sub(1, Ordering::SeqCst);
                    xml(rss(0..1))
                }
            }),
        );
        addrs.push(serve_on(ip, router).await);
        hosts.push(host);
    }
    let e = env_with(Settings {
        concurrency: 5,
        per_host: 2,
        timeout: Duration::from_secs(10),
        ..Settings::default()
    });
    let feeds: Vec<FeedConfig> = (0..30)
        .map(|i| feed(&format!("f{i}"), &format!("http://{}/{i}", addrs[i % 3])))
        .collect();
    let mem = e.memory(&feeds).await;
    let results = e
        .collector
        .poll_all(mem, &CancellationToken::new(), false)
        .await;
    assert_eq!(results.len(), 30);
    assert!(results.iter().all(|r| r.outcome.error.is_none()));
    // Same link everywhere: stored once; the items themselves are not kept.
    assert_eq!(results.iter().map(|r| r.new_count).sum::<usize>(), 1);
    assert!(results.iter().all(|r| r.outcome.new.is_empty()));
    for h in &hosts {
        let max = h.max.load(Ordering::SeqCst);
        assert!((1..=2).contains(&max), "per-host max {max}");
    }
    let max = total.max.load(Ordering::SeqCst);
    assert!((1..=5).contains(&max), "global max {max}");
}

#[tokio::test]
async fn cancelled_poll_writes_nothing() {
    let addr = serve(Router::new().route("/hang", get(std::future::pending::<&'static str>))).await;
    let e = env();
    let f = feed("hang", &format!("http://{addr}/hang"));
    let mem = e.memory(std::slice::from_ref(&f)).await.remove(0);
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    let collector = e.collector.clone();
    let task = tokio::spawn(async move { collector.poll(&mem, &c, true).await });
    cancel.cancel();
    assert!(task.await.unwrap().is_none());
    assert_eq!(e.state("hang").last_attempt, None);
}

#[tokio::test]
async fn run_loop_polls_refreshes_and_shuts_down() {
    let farm = farm::serve(FarmSpec {
        feeds: 3,
        items: 4,
        port: 0,
    })
    .await
    .unwrap();
    let e = env();
    let feeds: Vec<FeedConfig> = (0..3)
        .map(|i| feed(&format!("f{i}"), &farm.url(i)))
        .collect();
    let mem = e.memory(&feeds).await;
    let (tx, mut rx) = mpsc::channel(16);
    let (refresh_tx, refresh_rx) = mpsc::channel(4);
    let cancel = CancellationToken::new();
    let run = tokio::spawn(e.collector.clone().run(mem, tx, refresh_rx, cancel.clone()));
    let mut new = 0;
    for _ in 0..3 {
        let o = rx.recv().await.unwrap();
        assert!(o.error.is_none());
        new += o.new.len();
    }
    assert_eq!(new, 12);
    // Not due for ten minutes; a refresh polls at once, conditionally.
    refresh_tx.send(Refresh::All).await.unwrap();
    for _ in 0..3 {
        assert!(rx.recv().await.unwrap().not_modified);
    }
    refresh_tx.send(Refresh::Feed("f1".into())).await.unwrap();
    let o = rx.recv().await.unwrap();
    assert_eq!((o.feed.as_str(), o.not_modified), ("f1", true));
    cancel.cancel();
    run.await.unwrap();
    farm.shutdown().await;
}

#[test]
fn remember_keeps_validators_and_counts_failures() {
    let mut m = FeedMemory::new(feed("x", "http://e.org/f"), None);
    let mut r = PollResult {
        new_count: 0,
        outcome: marsad::feeds::PollOutcome {
            feed: "x".into(),
            finished: Utc::now(),
            new: vec![],
            fired: vec![],
            not_modified: false,
            error: Some("HTTP 500".into()),
        },
        status: Some(500),
        seen: 0,
        latency_ms: 0,
        bytes: 0,
        next_due: None,
        gone: false,
        validators: None,
        moved_to: None,
    };
    remember(&mut m, &r);
    remember(&mut m, &r);
    assert_eq!(m.failure_streak, 2);
    r.outcome.error = None;
    r.validators = Some(marsad::feeds::fetch::Validators {
        etag: Some("\"e\"".into()),
        last_modified: None,
    });
    remember(&mut m, &r);
    assert_eq!(m.failure_streak, 0);
    assert_eq!(m.validators.etag.as_deref(), Some("\"e\""));
}

/// Holds a thread of the blocking pool until dropped: while it runs, Tokio's
/// paused clock does not auto-advance, so time moves only by
/// `tokio::time::advance` and a request on the real socket is never timed out by
/// a jump of the clock.
struct HoldClock(#[allow(dead_code)] std::sync::mpsc::Sender<()>);

impl HoldClock {
    fn new() -> HoldClock {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        tokio::task::spawn_blocking(move || {
            let _ = rx.recv();
        });
        HoldClock(tx)
    }
}

/// Lets the poller's tasks (and the real server) run without moving the clock.
async fn settle_down() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::ZERO).await;
    }
    // The server and the store answer on other threads: give them real time.
    std::thread::sleep(Duration::from_millis(20));
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

/// Advances the paused clock by `total`, in steps of at most five minutes,
/// letting tasks run between.
async fn advance(total: Duration) {
    let step = Duration::from_secs(300);
    let mut left = total;
    while !left.is_zero() {
        let d = left.min(step);
        tokio::time::advance(d).await;
        left -= d;
        settle_down().await;
    }
}

/// 429 and 503 with Retry-After, played out under a paused clock: the poller
/// does not ask again before the server said (plus at most the 10% jitter), and
/// does ask once that time has passed.
#[tokio::test(start_paused = true)]
async fn retry_after_under_paused_clock() {
    let _hold = HoldClock::new();
    for (status, after) in [
        (StatusCode::TOO_MANY_REQUESTS, "7200"),
        (StatusCode::SERVICE_UNAVAILABLE, "10800"),
    ] {
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        let addr = serve(Router::new().route(
            "/f",
            get(move || {
                let n = h.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n == 0 {
                        (status, [(header::RETRY_AFTER, after)]).into_response()
                    } else {
                        ([(header::CONTENT_TYPE, "application/rss+xml")], rss(0..2)).into_response()
                    }
                }
            }),
        ))
        .await;
        let e = env();
        let mem = e.memory(&[feed("p", &format!("http://{addr}/f"))]).await;
        let (tx, mut rx) = mpsc::channel(16);
        let (_refresh_tx, refresh_rx) = mpsc::channel(1);
        let cancel = CancellationToken::new();
        let run = tokio::spawn(e.collector.clone().run(mem, tx, refresh_rx, cancel.clone()));

        let first = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("the first poll")
            .unwrap();
        assert!(first.error.is_some(), "{first:?}");
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        let after: u64 = after.parse().unwrap();
        let due = e.state("p").next_due.unwrap();
        let wait = (due - Utc::now()).num_seconds();
        assert!(
            wait >= after as i64 - 5 && wait <= (after as f64 * 1.1) as i64 + 5,
            "{status}: due in {wait} s"
        );

        // One minute short of what the server asked: still no second request.
        advance(Duration::from_secs(after - 60)).await;
        assert_eq!(hits.load(Ordering::SeqCst), 1, "{status}: polled too early");
        assert!(rx.try_recv().is_err());

        // Then, within the jitter, polled again, and the feed is back.
        let mut waited = after - 60;
        let second = loop {
            if let Ok(o) = rx.try_recv() {
                break o;
            }
            assert!(
                waited <= after + after / 10 + 60,
                "{status}: never polled again"
            );
            advance(Duration::from_secs(60)).await;
            waited += 60;
        };
        assert!(waited >= after, "{status}: polled again after {waited} s");
        assert!(second.error.is_none(), "{second:?}");
        assert_eq!(second.new.len(), 2);
        assert_eq!(hits.load(Ordering::SeqCst), 2);
        assert_eq!(e.state("p").failure_streak, 0);
        cancel.cancel();
        run.await.unwrap();
    }
}
