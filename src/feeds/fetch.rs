//! Getting a feed's bytes, hardened: reqwest with rustls, a connect timeout and a
//! whole-response timeout, a body cap enforced while streaming (after gzip/brotli
//! decoding, so a bomb stops at the cap), conditional GET, and redirects followed
//! by hand: at most 5, http(s) only, each host looked up once and every one of
//! its addresses checked against the feed's origin (`super::address`) before
//! the connection goes to exactly those (`super::dns`). Local files (`file:`)
//! are read from disk, capped too.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use chrono::Utc;
use futures::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use super::address::{self, Origin};
use super::dns::{Lookup, PinnedResolver, Pins, SystemLookup};
use super::schedule;
use crate::config::FeedLocation;

/// The User-Agent marsad sends: name, version, where to read about it.
pub const USER_AGENT: &str = concat!(
    "marsad/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/marsad-watch/marsad)"
);
const ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5";
/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 5;

/// Validators from the last successful fetch, sent back verbatim.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A fetch that got an answer worth reading: 200 with a body, or 304.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    pub status: u16,
    /// Empty for 304.
    pub body: Bytes,
    /// The Content-Type's charset.
    pub charset: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub max_age: Option<Duration>,
    /// Where the body came from, after redirects (the base for relative links).
    pub final_url: Option<Url>,
    /// Every redirect on the way was permanent (301/308): the feed moved here.
    pub moved_to: Option<Url>,
    pub latency: Duration,
}

/// Why a fetch failed, in one line.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("HTTP {status}{}", reason(*.status))]
    Status {
        status: u16,
        /// `Retry-After`, for 429 and 503.
        retry_after: Option<Duration>,
    },
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("the body is larger than the cap of {0} bytes")]
    TooLarge(u64),
    #[error("redirect refused: {0}")]
    Redirect(String),
    #[error("{0}")]
    Address(String),
    #[error("{0}")]
    Network(String),
    #[error("cannot read {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{0} is not a regular file: a `file:` feed is read only from a regular file (not a FIFO, a device or a folder)"
    )]
    NotAFile(String),
}

fn reason(status: u16) -> String {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

impl FetchError {
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// One line from an error and its causes, without repeats.
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        let s = c.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = c.source();
    }
    crate::pipeline::one_line(&parts.join(": "))
}

/// The HTTP clients and the limits they enforce.
#[derive(Clone)]
pub struct Fetcher {
    /// One client per origin, each connecting only to addresses its rule allows.
    clients: [(Origin, reqwest::Client, Arc<Pins>); 3],
    lookup: Arc<dyn Lookup>,
    timeout: Duration,
    max_body: u64,
}

/// How a [`Fetcher`] reaches the network: the system's resolver and direct
/// connections, or (for tests) fixed answers and a proxy on loopback.
pub struct Net {
    pub lookup: Arc<dyn Lookup>,
    /// Every request goes through this proxy. Without one, connections are
    /// direct: proxy variables in the environment are not used, as the
    /// addresses checked must be the ones connected to.
    pub proxy: Option<Url>,
}

impl Default for Net {
    fn default() -> Net {
        Net {
            lookup: Arc::new(SystemLookup),
            proxy: None,
        }
    }
}

impl Fetcher {
    pub fn new(timeout: Duration, max_body: u64) -> Result<Fetcher, FetchError> {
        Fetcher::with(timeout, max_body, Net::default())
    }

    pub fn with(timeout: Duration, max_body: u64, net: Net) -> Result<Fetcher, FetchError> {
        let client = |origin: Origin| -> Result<_, FetchError> {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
            let pins = Pins::new(origin);
            let mut b = reqwest::Client::builder()
                .user_agent(USER_AGENT)
                .default_headers(headers)
                .gzip(true)
                .brotli(true)
                .redirect(reqwest::redirect::Policy::none())
                .dns_resolver(Arc::new(PinnedResolver(pins.clone())))
                .connect_timeout(timeout)
                .timeout(timeout)
                .pool_idle_timeout(Duration::from_secs(90));
            b = match &net.proxy {
                Some(p) => b.proxy(
                    reqwest::Proxy::all(p.as_str()).map_err(|e| FetchError::Network(chain(&e)))?,
                ),
                None => b.no_proxy(),
            };
            let c = b.build().map_err(|e| FetchError::Network(chain(&e)))?;
            Ok((origin, c, pins))
        };
        Ok(Fetcher {
            clients: [
                client(Origin::Public)?,
                client(Origin::Private)?,
                client(Origin::Loopback)?,
            ],
            lookup: net.lookup,
            timeout,
            max_body,
        })
    }

    fn client(&self, origin: Origin) -> &(Origin, reqwest::Client, Arc<Pins>) {
        match origin {
            Origin::Public => &self.clients[0],
            Origin::Private => &self.clients[1],
            Origin::Loopback => &self.clients[2],
        }
    }

    /// Every address of `url`'s host: the literal, or the host looked up.
    async fn addresses(&self, url: &Url) -> Result<Vec<IpAddr>, FetchError> {
        match url.host() {
            Some(url::Host::Ipv4(ip)) => Ok(vec![IpAddr::V4(ip)]),
            Some(url::Host::Ipv6(ip)) => Ok(vec![IpAddr::V6(ip)]),
            Some(url::Host::Domain(d)) => {
                let addrs = self.lookup.lookup(d).await.map_err(|e| {
                    FetchError::Network(crate::pipeline::one_line(&format!(
                        "cannot resolve {d}: {e}"
                    )))
                })?;
                if addrs.is_empty() {
                    return Err(FetchError::Network(format!("{d} has no address")));
                }
                Ok(addrs)
            }
            None => Err(FetchError::Network("the URL has no host".into())),
        }
    }

    /// Fetches `location`, conditionally when `validators` has something.
    pub async fn fetch(
        &self,
        location: &FeedLocation,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        let started = Instant::now();
        let mut out = match location {
            FeedLocation::File(path) => self.read_file(path).await,
            FeedLocation::Http(url) => {
                match tokio::time::timeout(self.timeout, self.fetch_http(url, validators)).await {
                    Ok(r) => r,
                    Err(_) => Err(FetchError::Timeout(self.timeout)),
                }
            }
        }?;
        out.latency = started.elapsed();
        Ok(out)
    }

    /// A local feed, read like a response: within the timeout and the body
    /// cap, and only from a regular file (see [`read_regular_file`]).
    async fn read_file(&self, path: &std::path::Path) -> Result<Fetched, FetchError> {
        let (owned, max) = (path.to_path_buf(), self.max_body);
        let read = tokio::task::spawn_blocking(move || read_regular_file(&owned, max));
        let body = match tokio::time::timeout(self.timeout, read).await {
            Err(_) => return Err(FetchError::Timeout(self.timeout)),
            Ok(Err(e)) => return Err(FetchError::Network(format!("the file reader failed: {e}"))),
            Ok(Ok(r)) => r?,
        };
        Ok(Fetched {
            status: 200,
            body: Bytes::from(body),
            ..Default::default()
        })
    }

    async fn fetch_http(&self, origin_url: &Url, v: &Validators) -> Result<Fetched, FetchError> {
        let mut origin = None;
        let mut url = origin_url.clone();
        let mut all_permanent = true;
        let mut hops = 0;
        let resp = loop {
            let addrs = self.addresses(&url).await?;
            let host = url.host_str().unwrap_or("");
            let o = *origin.get_or_insert_with(|| Origin::of(&addrs));
            if hops == 0 {
                if let Some(&a) = addrs.iter().find(|&&a| !o.allows(a)) {
                    return Err(FetchError::Address(format!(
                        "{host} has the {} address {a}: feeds are fetched only from public, private or loopback addresses",
                        address::reach(a)
                    )));
                }
            } else {
                address::may_follow(o, host, &addrs).map_err(FetchError::Redirect)?;
            }
            let (_, client, pins) = self.client(o);
            let _pinned =
                matches!(url.host(), Some(url::Host::Domain(_))).then(|| pins.pin(host, addrs));
            let mut req = client.get(url.clone());
            if let Some(e) = &v.etag {
                req = req.header(header::IF_NONE_MATCH, e);
            }
            if let Some(l) = &v.last_modified {
                req = req.header(header::IF_MODIFIED_SINCE, l);
            }
            let resp = req.send().await.map_err(|e| self.net(e))?;
            let status = resp.status();
            if !status.is_redirection() || status == StatusCode::NOT_MODIFIED {
                break resp;
            }
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err(FetchError::Redirect(format!(
                    "more than {MAX_REDIRECTS} redirects"
                )));
            }
            let loc = resp
                .headers()
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| FetchError::Redirect(format!("HTTP {status} without Location")))?;
            let next = url
                .join(loc.trim())
                .map_err(|e| FetchError::Redirect(format!("bad Location `{loc}`: {e}")))?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(FetchError::Redirect(format!(
                    "to the scheme `{}:` (only http and https are followed)",
                    next.scheme()
                )));
            }
            all_permanent &= matches!(
                status,
                StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
            );
            url = next;
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = |h: header::HeaderName| {
            headers
                .get(h)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        if status == StatusCode::NOT_MODIFIED || !status.is_success() {
            let retry_after =
                text(header::RETRY_AFTER).and_then(|r| schedule::retry_after(&r, Utc::now()));
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Fetched {
                    status: 304,
                    max_age: text(header::CACHE_CONTROL).and_then(|c| schedule::max_age(&c)),
                    final_url: Some(url),
                    ..Default::default()
                });
            }
            return Err(FetchError::Status {
                status: status.as_u16(),
                retry_after,
            });
        }
        if resp.content_length().is_some_and(|n| n > self.max_body) {
            return Err(FetchError::TooLarge(self.max_body));
        }
        // Decompressed bytes: reqwest decodes gzip and brotli before the stream.
        // Sized from Content-Length when given (at most 4 MiB up front): the
        // body is then copied once instead of at every doubling.
        let expected = resp.content_length().unwrap_or(0).min(4 << 20) as usize;
        let mut body = BytesMut::with_capacity(expected);
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.net(e))?;
            if (body.len() + chunk.len()) as u64 > self.max_body {
                return Err(FetchError::TooLarge(self.max_body));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status: status.as_u16(),
            body: body.freeze(),
            charset: text(header::CONTENT_TYPE)
                .and_then(|c| super::decode::charset_of(&c).map(str::to_string)),
            etag: text(header::ETAG),
            last_modified: text(header::LAST_MODIFIED),
            max_age: text(header::CACHE_CONTROL).and_then(|c| schedule::max_age(&c)),
            moved_to: (hops > 0 && all_permanent).then(|| url.clone()),
            final_url: Some(url),
            latency: Duration::ZERO,
        })
    }

    fn net(&self, e: reqwest::Error) -> FetchError {
        if e.is_timeout() {
            FetchError::Timeout(self.timeout)
        } else {
            FetchError::Network(network_error(&e))
        }
    }
}

/// Reads at most `max` bytes of the regular file at `path`. It is opened
/// without blocking (a FIFO with no writer would block its opener until one
/// comes) and checked on the open file, so nothing can be swapped in between:
/// a FIFO, a device (`/dev/zero`) or a folder is refused.
fn read_regular_file(path: &std::path::Path, max: u64) -> Result<Vec<u8>, FetchError> {
    use std::io::Read as _;
    let err = |source| FetchError::File {
        path: path.display().to_string(),
        source,
    };
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Bits of a C int: the cast keeps them.
        open.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = open.open(path).map_err(err)?;
    let meta = file.metadata().map_err(err)?;
    if !meta.is_file() {
        return Err(FetchError::NotAFile(path.display().to_string()));
    }
    if meta.len() > max {
        return Err(FetchError::TooLarge(max));
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut buf).map_err(err)?;
    if buf.len() as u64 > max {
        return Err(FetchError::TooLarge(max));
    }
    Ok(buf)
}

/// A network failure in a few words: the URL is left out (the feed's row names
/// it) and so is hyper's wrapper text, so the cause itself fits on one line,
/// e.g. "cannot connect: dns error: failed to lookup address information".
fn network_error(e: &reqwest::Error) -> String {
    let what = if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "reading the body failed"
    } else {
        "request failed"
    };
    let mut parts = vec![what.to_string()];
    let mut cur = std::error::Error::source(e);
    while let Some(c) = cur {
        let s = c.to_string();
        let wrapper = s.starts_with("client error (") || s.starts_with("error sending request");
        if !wrapper && !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = c.source();
    }
    crate::pipeline::one_line(&parts.join(": "))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::path::Path;

    #[cfg(unix)]
    #[test]
    fn local_feeds_are_read_only_from_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("feed.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Nobody writes the FIFO: opening it for reading would block.
        for p in [fifo.as_path(), Path::new("/dev/zero"), dir.path()] {
            assert!(
                matches!(read_regular_file(p, 1 << 20), Err(FetchError::NotAFile(_))),
                "{}",
                p.display()
            );
        }
        let big = dir.path().join("big.xml");
        std::fs::write(&big, vec![b'x'; 2048]).unwrap();
        assert!(matches!(
            read_regular_file(&big, 1024),
            Err(FetchError::TooLarge(1024))
        ));
        assert_eq!(read_regular_file(&big, 4096).unwrap().len(), 2048);
    }

    #[test]
    fn user_agent_names_project() {
        assert!(USER_AGENT.starts_with("marsad/"));
        assert!(USER_AGENT.contains("github.com/marsad-watch/marsad"));
    }
}
