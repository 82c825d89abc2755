//! Feed text to incoming items, with feed-rs (RSS 0.9x/1.0/2.0, Atom, JSON Feed)
//! given the feed's URL as base. Items without a guid or link get a stable id (a
//! hash of feed, title, date and content: re-parsing yields the same ids). What a
//! lenient reader recovers from is recovered: a bare `&`, an `<rss>` without (or
//! with an odd) version.

use std::sync::LazyLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use feed_rs::model::{Entry, Feed, Link};
use regex::Regex;

use crate::pipeline::Incoming;

/// A parsed feed: its title, its `<ttl>` and its items, still raw (HTML).
#[derive(Debug, Clone, Default)]
pub struct ParsedFeed {
    pub title: Option<String>,
    pub ttl: Option<Duration>,
    pub items: Vec<Incoming>,
}

#[derive(Debug, thiserror::Error)]
#[error("not a feed: {0}")]
pub struct ParseError(String);

/// Parses `text` (UTF-8, from `decode`) of the feed at `base`; `source` names it
/// on every item.
pub fn parse(text: &str, base: Option<&str>, source: &str) -> Result<ParsedFeed, ParseError> {
    let upgraded;
    let old_dialect = OLD_NAMESPACES.as_ref().map_or_else(
        || text.contains(ATOM_03) || text.contains(RSS_090),
        |ac| ac.is_match(text),
    );
    let text = if old_dialect {
        // Atom 0.3 and RSS 0.90 read as their successors (same element names).
        upgraded = atom_types(&text.replace(ATOM_03, ATOM_10).replace(RSS_090, RSS_10));
        upgraded.as_str()
    } else {
        text
    };
    let feed = match parse_raw(text.as_bytes(), base) {
        Ok(f) => f,
        Err(first) => {
            let fixed = recover(text);
            if fixed == text {
                return Err(ParseError(first.to_string()));
            }
            parse_raw(fixed.as_bytes(), base).map_err(|_| ParseError(first.to_string()))?
        }
    };
    Ok(convert(feed, base.unwrap_or(""), source))
}

const ATOM_03: &str = "http://purl.org/atom/ns#";
const ATOM_10: &str = "http://www.w3.org/2005/Atom";
const RSS_090: &str = "http://my.netscape.com/rdf/simple/0.9/";
const RSS_10: &str = "http://purl.org/rss/1.0/";

fn parse_raw(bytes: &[u8], base: Option<&str>) -> Result<Feed, String> {
    let run = || {
        feed_rs::parser::Builder::new()
            .base_uri(base)
            // Items without ids get ours (below), never a random one.
            .id_generator(|_, _, _| String::new())
            .timestamp_parser(super::dates::parse)
            .sanitize_content(false)
            .build()
            .parse(bytes)
    };
    // The XML layer has panicked on hostile input before: a feed is an error,
    // never a crash.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => Err("the XML parser gave up on this document".into()),
    }
}

/// Both old namespaces, found in one pass over the feed.
static OLD_NAMESPACES: LazyLock<Option<aho_corasick::AhoCorasick>> =
    LazyLock::new(|| aho_corasick::AhoCorasick::new([ATOM_03, RSS_090]).ok());
static BARE_AMP: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"&([^A-Za-z#]|[A-Za-z#][A-Za-z0-9]*[^A-Za-z0-9;])").ok());
static RSS_ROOT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"<rss((?:\s+[^>]*?)?)\s*(/?)>"#).ok());
static VERSION_ATTR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\s+version\s*=\s*("[^"]*"|'[^']*')"#).ok());

/// Atom text constructs typed with MIME types (Atom 0.3 style) retyped the
/// Atom 1.0 way.
fn atom_types(text: &str) -> String {
    text.replace("type=\"text/plain\"", "type=\"text\"")
        .replace("type=\"text/html\"", "type=\"html\"")
        .replace("type=\"application/xhtml+xml\"", "type=\"xhtml\"")
        .replace("type='text/plain'", "type='text'")
        .replace("type='text/html'", "type='html'")
        .replace("type='application/xhtml+xml'", "type='xhtml'")
}

/// The text with a lenient reader's fixes: bare `&` escaped, Atom types the 1.0
/// way, the `<rss>` root given version 2.0 (and a `<channel>` if it has none).
fn recover(text: &str) -> String {
    let mut out = if text.contains(ATOM_10) {
        atom_types(text)
    } else {
        text.to_string()
    };
    if let Some(re) = BARE_AMP.as_ref() {
        // Twice: overlapping matches (`&&`) leave one behind on the first pass.
        for _ in 0..2 {
            out = re
                .replace_all(&out, |c: &regex::Captures<'_>| format!("&amp;{}", &c[1]))
                .into_owned();
        }
    }
    if let (Some(root), Some(ver)) = (RSS_ROOT.as_ref(), VERSION_ATTR.as_ref())
        && let Some(c) = root.captures(&out)
        && let Some(whole) = c.get(0)
    {
        let attrs = ver.replace_all(&c[1], "").into_owned();
        let fixed = format!("<rss version=\"2.0\"{attrs}{}>", &c[2]);
        out.replace_range(whole.range(), &fixed);
        // An <rss> with its items straight inside, without <channel>.
        if !out.contains("<channel")
            && let Some(open) = out
                .find("<rss")
                .and_then(|i| out[i..].find('>').map(|j| i + j + 1))
            && let Some(close) = out.rfind("</rss>")
            && close >= open
        {
            out.insert_str(close, "</channel>");
            out.insert_str(open, "<channel>");
        }
    }
    out
}

fn convert(feed: Feed, base: &str, source: &str) -> ParsedFeed {
    let title = feed
        .title
        .map(|t| t.content)
        .filter(|t| !t.trim().is_empty());
    let ttl = feed
        .ttl
        .filter(|m| *m > 0)
        .map(|m| Duration::from_secs(u64::from(m) * 60));
    let items = feed
        .entries
        .into_iter()
        .map(|e| incoming(e, base, source))
        .collect();
    ParsedFeed { title, ttl, items }
}

fn pick_link(links: &[Link]) -> Option<String> {
    links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| links.first())
        .map(|l| l.href.trim().to_string())
        .filter(|h| !h.is_empty())
}

fn incoming(e: Entry, base: &str, source: &str) -> Incoming {
    let title = e.title.map(|t| t.content).unwrap_or_default();
    let body = e
        .content
        .and_then(|c| c.body)
        .filter(|b| !b.trim().is_empty())
        .or_else(|| e.summary.map(|s| s.content))
        .unwrap_or_default();
    let published: Option<DateTime<Utc>> = e.published.or(e.updated);
    let link = pick_link(&e.links);
    let guid = match (e.id.trim(), &link) {
        ("", Some(_)) => None,
        ("", None) => Some(stable_id(base, &title, published, &body)),
        (id, _) => Some(id.to_string()),
    };
    Incoming {
        guid,
        link,
        source: source.to_string(),
        title,
        body,
        html: true,
        published,
    }
}

/// The id of an item that has neither guid nor link.
pub fn stable_id(feed: &str, title: &str, date: Option<DateTime<Utc>>, body: &str) -> String {
    let mut h = blake3::Hasher::new();
    for part in [
        feed,
        title,
        &date.map(|d| d.timestamp().to_string()).unwrap_or_default(),
        body,
    ] {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    let hex = h.finalize().to_hex();
    format!("marsad:{}", &hex[..32])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const BASE: Option<&str> = Some("http://example.org/news/feed.xml");

    #[test]
    fn rss2_relative_links_and_stable_ids() {
        let text = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><ttl>30</ttl>
            <item><title>one</title><link>/a/1</link></item>
            <item><title>two</title><description>no link, no guid</description></item>
            <item><title>three</title><guid>g3</guid><pubDate>Sat, 12 Apr 2025 10:30:00 GMT</pubDate></item>
            </channel></rss>"#;
        let a = parse(text, BASE, "src").unwrap();
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.ttl, Some(Duration::from_secs(1800)));
        assert_eq!(a.items.len(), 3);
        assert_eq!(a.items[0].link.as_deref(), Some("http://example.org/a/1"));
        assert_eq!(a.items[0].guid, None);
        assert!(a.items[1].guid.as_deref().unwrap().starts_with("marsad:"));
        assert_eq!(a.items[2].guid.as_deref(), Some("g3"));
        assert!(a.items[2].published.is_some());
        assert!(a.items.iter().all(|i| i.html && i.source == "src"));
        let b = parse(text, BASE, "src").unwrap();
        assert_eq!(a.items[1].guid, b.items[1].guid);
    }

    #[test]
    fn bare_ampersand_and_versionless_rss() {
        let text = "<rss><channel><title>A & B</title><item><title>Q&A: R&D &amp; more &#38; &copy;</title><guid>1</guid></item></channel></rss>";
        let f = parse(text, BASE, "s").unwrap();
        assert_eq!(f.title.as_deref(), Some("A & B"));
        assert!(
            f.items[0].title.starts_with("Q&A: R&D & more"),
            "{}",
            f.items[0].title
        );
        let odd = "<rss version=\"2.01\"><channel><title>x</title><item><title>y</title></item></channel></rss>";
        assert_eq!(parse(odd, BASE, "s").unwrap().items.len(), 1);
    }

    #[test]
    fn atom_rss1_json() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>
            <entry><id>urn:e1</id><title type="html">&lt;b&gt;bold&lt;/b&gt;</title><link href="e1"/>
            <updated>2025-04-12T10:30:00Z</updated><content type="html">&lt;p&gt;hi&lt;/p&gt;</content></entry></feed>"#;
        let f = parse(atom, BASE, "s").unwrap();
        assert_eq!(f.items[0].guid.as_deref(), Some("urn:e1"));
        assert_eq!(
            f.items[0].link.as_deref(),
            Some("http://example.org/news/e1")
        );
        assert!(f.items[0].body.contains("<p>hi</p>"));
        let rdf = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
            <channel rdf:about="http://e.org/"><title>R</title></channel>
            <item rdf:about="http://e.org/1"><title>r1</title><link>http://e.org/1</link></item></rdf:RDF>"#;
        let f = parse(rdf, BASE, "s").unwrap();
        assert_eq!(f.title.as_deref(), Some("R"));
        assert_eq!(f.items[0].link.as_deref(), Some("http://e.org/1"));
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"j1","content_html":"<p>x</p>","url":"https://e.org/j1","date_published":"2025-04-12T10:30:00Z"}]}"#;
        let f = parse(json, BASE, "s").unwrap();
        assert_eq!(f.title.as_deref(), Some("J"));
        assert_eq!(f.items[0].guid.as_deref(), Some("j1"));
        assert!(f.items[0].published.is_some());
    }

    #[test]
    fn arabic_dates_through_feed_rs() {
        let text = "<rss version=\"2.0\"><channel><title>x</title><item><title>y</title><guid>1</guid><pubDate>١٢ كانون الثاني ٢٠٢٥ ١٠:٣٠</pubDate></item></channel></rss>";
        let f = parse(text, BASE, "s").unwrap();
        assert_eq!(
            f.items[0].published.map(|d| d.to_rfc3339()),
            Some("2025-01-12T10:30:00+00:00".into())
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse("<html><body>nope</body></html>", BASE, "s").is_err());
        assert!(parse("", BASE, "s").is_err());
        // Truncated: whatever it gives, it must not panic.
        let _ = parse("<rss version=\"2.0\"><channel><item><title>x", BASE, "s");
    }
}
