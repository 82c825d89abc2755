//! Redirects a hostile feed sends, against the fetcher as marsad builds it,
//! with host names answered by a fixed resolver and nothing sent beyond
//! loopback. Feeds "on the internet" are fetched through a recording proxy on
//! 127.0.0.1, which answers for every host and records what marsad asked it
//! for: what would have been fetched. Feeds on loopback are fetched from a
//! server on 127.0.0.1. The policy itself is tested as a pure function in
//! `src/feeds/address.rs`.

#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use marsad::config::FeedLocation;
use marsad::feeds::dns::FixedLookup;
use marsad::feeds::fetch::{FetchError, Fetched, Fetcher, Net, Validators};

#[path = "support/home.rs"]
mod support;

const FEED: &str =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title></channel></rss>";

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// A proxy that answers every request itself: a redirect where `redirects`
/// has one for the URL, else a feed. It records each URL asked for.
async fn recording_proxy(
    redirects: Vec<(&'static str, &'static str)>,
) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    let router = Router::new().fallback(move |req: Request| {
        let (log, redirects) = (log.clone(), redirects.clone());
        async move {
            let url = req.uri().to_string();
            log.lock().unwrap().push(url.clone());
            match redirects.iter().find(|(from, _)| *from == url) {
                Some((_, to)) => (StatusCode::FOUND, [(header::LOCATION, *to)]).into_response(),
                None => FEED.into_response(),
            }
        }
    });
    (serve(router).await, asked)
}

fn fetcher(lookup: Arc<FixedLookup>, proxy: Option<SocketAddr>) -> Fetcher {
    Fetcher::with(
        Duration::from_secs(5),
        1 << 20,
        Net {
            lookup,
            proxy: proxy.map(|p| url::Url::parse(&format!("http://{p}")).unwrap()),
        },
    )
    .unwrap()
}

async fn fetch(f: &Fetcher, url: &str) -> Result<Fetched, FetchError> {
    let loc = FeedLocation::Http(url::Url::parse(url).unwrap());
    f.fetch(&loc, &Validators::default()).await
}

#[tokio::test]
async fn redirects_from_the_internet_reach_only_the_internet() {
    let public = [ip("93.184.216.34")];
    let inside = [ip("10.0.0.5")];
    let mixed = [ip("93.184.216.34"), ip("169.254.169.254")];
    let loopback = [ip("127.0.0.1")];
    let nat64 = [ip("64:ff9b::a9fe:a9fe")];
    let meta = [ip("169.254.169.254")];
    let lookup = Arc::new(FixedLookup::new([
        ("feed.example", &public[..]),
        ("other.example", &public[..]),
        ("inside.example", &inside[..]),
        ("rebind.example", &mixed[..]),
        ("localhost", &loopback[..]),
        ("nat64.example", &nat64[..]),
        ("meta.example", &meta[..]),
    ]));
    let cases: Vec<(&'static str, &'static str, &'static str)> = vec![
        // (path on feed.example, Location, words the refusal has)
        (
            "/nat64",
            "http://[64:ff9b::a9fe:a9fe]/latest",
            "NAT64 of a non-public address",
        ),
        (
            "/compat",
            "http://[::a9fe:a9fe]/latest",
            "IPv4-compatible address",
        ),
        (
            "/mapped",
            "http://[::ffff:a9fe:a9fe]/latest",
            "link-local address ::ffff:169.254.169.254",
        ),
        (
            "/6to4",
            "http://[2002:a9fe:a9fe::]/latest",
            "6to4 of a non-public address",
        ),
        (
            "/meta",
            "http://169.254.169.254/latest/meta-data/",
            "link-local address",
        ),
        ("/ten", "http://10.1.2.3/", "private address 10.1.2.3"),
        ("/zero", "http://0.0.0.0:8080/", "unspecified address"),
        ("/ula", "http://[fd00::1]/", "private address fd00::1"),
        (
            "/name",
            "http://inside.example/feed",
            "inside.example, which has the private address 10.0.0.5",
        ),
        (
            "/rebind",
            "http://rebind.example/feed",
            "rebind.example, which has the link-local address",
        ),
        (
            "/local",
            "http://localhost:631/",
            "localhost, which has the loopback address 127.0.0.1",
        ),
        (
            "/nat64name",
            "http://nat64.example/",
            "NAT64 of a non-public address",
        ),
    ];
    let mut redirects: Vec<(&'static str, &'static str)> = cases
        .iter()
        .map(|(p, to, _)| {
            let from: &'static str = Box::leak(format!("http://feed.example{p}").into_boxed_str());
            (from, *to)
        })
        .collect();
    redirects.push(("http://feed.example/fine", "http://other.example/feed"));
    let (proxy, asked) = recording_proxy(redirects).await;
    let f = fetcher(lookup.clone(), Some(proxy));

    for (path, to, words) in &cases {
        asked.lock().unwrap().clear();
        let url = format!("http://feed.example{path}");
        let err = fetch(&f, &url).await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, FetchError::Redirect(_)), "{path}: {text}");
        assert!(text.contains(words), "{path} -> {to}: {text}");
        assert!(text.contains("only to public addresses"), "{text}");
        // Only the feed itself was asked for, never the redirect's target.
        assert_eq!(*asked.lock().unwrap(), [url], "{path}");
    }

    // A public name for a public address is followed.
    asked.lock().unwrap().clear();
    let ok = fetch(&f, "http://feed.example/fine").await.unwrap();
    assert_eq!(ok.body.as_ref(), FEED.as_bytes());
    assert_eq!(ok.final_url.unwrap().as_str(), "http://other.example/feed");
    assert_eq!(
        *asked.lock().unwrap(),
        ["http://feed.example/fine", "http://other.example/feed"]
    );
    // One lookup a hop: the addresses checked are the ones used.
    assert_eq!(lookup.asked("other.example"), 1);

    // A configured feed whose name has a link-local address is not fetched.
    asked.lock().unwrap().clear();
    let err = fetch(&f, "http://meta.example/").await.unwrap_err();
    assert!(matches!(err, FetchError::Address(_)), "{err}");
    assert!(
        err.to_string()
            .contains("link-local address 169.254.169.254"),
        "{err}"
    );
    assert!(asked.lock().unwrap().is_empty());
    // Nor one that has no address.
    let err = fetch(&f, "http://nowhere.example/").await.unwrap_err();
    assert!(
        err.to_string().contains("cannot resolve nowhere.example"),
        "{err}"
    );
}

#[tokio::test]
async fn a_loopback_feed_is_redirected_only_within_loopback() {
    // The refusals go through the proxy: were one followed, the request would
    // still stay on loopback. `loop.test` has a loopback address, so its
    // feed's redirects are held to loopback.
    let loopback = [ip("127.0.0.1")];
    let public = [ip("93.184.216.34")];
    let lookup = Arc::new(FixedLookup::new([
        ("loop.test", &loopback[..]),
        ("pinned.test", &loopback[..]),
        ("public.test", &public[..]),
    ]));
    let cases = [
        (
            "/to-meta",
            "http://169.254.169.254/latest/meta-data/",
            "the link-local address 169.254.169.254",
        ),
        (
            "/to-nat64",
            "http://[64:ff9b::7f00:1]/feed",
            "the NAT64 of a non-public address",
        ),
        (
            "/to-public",
            "http://public.test/feed",
            "public.test, which has the public address 93.184.216.34",
        ),
        (
            "/to-private",
            "http://10.0.0.1/feed",
            "the private address 10.0.0.1",
        ),
        (
            "/to-ip",
            "http://8.8.8.8/feed",
            "the public address 8.8.8.8",
        ),
    ];
    let redirects = cases
        .iter()
        .map(|(p, to, _)| {
            let from: &'static str = Box::leak(format!("http://loop.test{p}").into_boxed_str());
            (from, *to)
        })
        .collect();
    let (proxy, asked) = recording_proxy(redirects).await;
    let f = fetcher(lookup.clone(), Some(proxy));
    for (path, _, words) in cases {
        asked.lock().unwrap().clear();
        let url = format!("http://loop.test{path}");
        let text = fetch(&f, &url).await.unwrap_err().to_string();
        assert!(text.contains(words), "{path}: {text}");
        assert!(text.contains("only within loopback"), "{path}: {text}");
        assert_eq!(*asked.lock().unwrap(), [url], "{path}");
    }

    // Direct connections, where only loopback is ever named: a name with a
    // loopback address is followed, and the connection goes to the address
    // looked up (no other resolver knows `pinned.test`).
    let hosts = Arc::new(Mutex::new(Vec::new()));
    let seen = hosts.clone();
    let feed = Router::new().route(
        "/feed",
        get(move |req: Request| {
            let seen = seen.clone();
            async move {
                let host = req.headers().get(header::HOST).unwrap().to_str().unwrap();
                seen.lock().unwrap().push(host.to_string());
                FEED
            }
        }),
    );
    let port = serve(feed).await.port();
    let to_name: &'static str =
        Box::leak(format!("http://pinned.test:{port}/feed").into_boxed_str());
    let origin =
        serve(Router::new().route("/to-name", get(move || async move { redirect(to_name) }))).await;
    let f = fetcher(lookup.clone(), None);
    let ok = fetch(&f, &format!("http://{origin}/to-name"))
        .await
        .unwrap();
    assert_eq!(ok.body.as_ref(), FEED.as_bytes());
    assert_eq!(*hosts.lock().unwrap(), [format!("pinned.test:{port}")]);
    assert_eq!(lookup.asked("pinned.test"), 1);
    // A configured feed named for a loopback address.
    let ok = fetch(&f, &format!("http://loop.test:{port}/feed"))
        .await
        .unwrap();
    assert_eq!(ok.body.as_ref(), FEED.as_bytes());
}

fn redirect(to: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to.to_string())]).into_response()
}

#[test]
fn opml_import_warns_about_feeds_not_on_the_internet() {
    let dir = support::home();
    std::fs::write(
        dir.path().join("feeds.toml"),
        "[settings]\nwatch = \"w\"\n\n[[feed]]\nname = \"Existing\"\nurl = \"https://a.example/rss\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("subs.opml"),
        r#"<?xml version="1.0"?><opml version="2.0"><body>
        <outline text="Public" xmlUrl="https://b.example/feed.xml"/>
        <outline text="Metadata" xmlUrl="http://169.254.169.254/latest/meta-data/"/>
        <outline text="Printer" xmlUrl="http://localhost:631/jobs"/>
        <outline text="NAT64" xmlUrl="http://[64:ff9b::a9fe:a9fe]/"/>
        <outline text="Router" xmlUrl="http://192.168.1.1/rss"/>
        </body></opml>"#,
    )
    .unwrap();
    let o = support::marsad(dir.path(), &["opml", "import", "subs.opml"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 4, "{err}");
    for (url, reach) in [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://localhost:631/jobs", "loopback"),
        ("http://[64:ff9b::a9fe:a9fe]/", "NAT64 of a non-public"),
        ("http://192.168.1.1/rss", "private"),
    ] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains(url) && w.contains(reach)),
            "{url}: {err}"
        );
    }
    assert!(!err.contains("b.example"), "{err}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("added 5 feeds"));
}
