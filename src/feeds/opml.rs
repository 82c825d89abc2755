//! The feed list as OPML 2.0: reading subscriptions to import (only http and https
//! URLs: `exec:`, `filter:`, `|command` and every other scheme are refused) and
//! writing the configured feeds out. Pure text in and out.

use std::collections::HashSet;
use std::fmt::Write as _;

use quick_xml::events::Event;

use crate::config::{FeedConfig, FeedLocation};

/// A subscription found in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub title: String,
    pub url: String,
}

/// An outline that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub url: String,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
#[error("not a readable OPML file: {0}")]
pub struct OpmlError(String);

/// The subscriptions of an OPML document, and the outlines refused.
pub fn read(text: &str) -> Result<(Vec<Subscription>, Vec<Refused>), OpmlError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut subs = Vec::new();
    let mut refused = Vec::new();
    let mut seen_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                let name = e.local_name();
                if name.as_ref().eq_ignore_ascii_case("opml") {
                    seen_root = true;
                }
                if !name.as_ref().eq_ignore_ascii_case("outline") {
                    continue;
                }
                let mut url = None;
                let mut title = None;
                let mut text_attr = None;
                for a in e.attributes().flatten() {
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    match a.key.local_name().as_ref() {
                        k if k.eq_ignore_ascii_case("xmlUrl") => url = Some(v),
                        "title" => title = Some(v),
                        "text" => text_attr = Some(v),
                        _ => {}
                    }
                }
                let Some(url) = url.map(|u| u.trim().to_string()) else {
                    continue;
                };
                let title = title
                    .or(text_attr)
                    .map(|t| crate::pipeline::one_line(&crate::text::sanitize(&t)))
                    .filter(|t| !t.is_empty());
                match check_url(&url) {
                    Ok(u) => subs.push(Subscription {
                        title: title.unwrap_or_else(|| u.host_str().unwrap_or("feed").to_string()),
                        url: u.to_string(),
                    }),
                    Err(reason) => refused.push(Refused { url, reason }),
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(OpmlError(e.to_string())),
        }
    }
    if !seen_root {
        return Err(OpmlError("no <opml> element".into()));
    }
    Ok((subs, refused))
}

/// Accepts an absolute http(s) URL with a host; anything else is refused.
fn check_url(s: &str) -> Result<url::Url, String> {
    if s.starts_with('|') {
        return Err("a command (`|cmd`) is not a feed URL".into());
    }
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(u),
        Ok(u) => Err(format!(
            "the scheme `{}:` is not imported (only http and https)",
            u.scheme()
        )),
        Err(e) => Err(format!("not a URL: {e}")),
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The configured http(s) feeds as OPML 2.0 (local files are left out).
pub fn write(title: &str, feeds: &[FeedConfig]) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    let _ = writeln!(
        s,
        "  <head>\n    <title>{}</title>\n    <dateCreated>{}</dateCreated>\n  </head>\n  <body>",
        escape(title),
        chrono::Utc::now().to_rfc2822()
    );
    for f in feeds {
        let FeedLocation::Http(url) = &f.url else {
            continue;
        };
        let _ = write!(
            s,
            "    <outline type=\"rss\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}\"",
            escape(&f.name),
            escape(url.as_str())
        );
        if let Some(lang) = &f.lang {
            let _ = write!(s, " language=\"{}\"", escape(lang));
        }
        s.push_str("/>\n");
    }
    s.push_str("  </body>\n</opml>\n");
    s
}

/// `[[feed]]` entries for the subscriptions not already configured (same URL),
/// with names made unique against `taken`.
pub fn toml_entries(subs: &[Subscription], configured: &[FeedConfig]) -> (String, usize) {
    let mut taken: HashSet<String> = configured.iter().map(|f| f.name.clone()).collect();
    let urls: HashSet<String> = configured.iter().map(|f| f.url.to_string()).collect();
    let mut added_urls = HashSet::new();
    let mut out = String::new();
    let mut n = 0;
    for s in subs {
        if urls.contains(&s.url) || !added_urls.insert(s.url.clone()) {
            continue;
        }
        let mut name = s.title.clone();
        let mut k = 2;
        while taken.contains(&name) {
            name = format!("{} ({k})", s.title);
            k += 1;
        }
        taken.insert(name.clone());
        let q = |v: &str| toml::Value::String(v.to_string()).to_string();
        let _ = write!(
            out,
            "\n[[feed]]\n# Imported from OPML.\nname = {}\nurl = {}\n",
            q(&name),
            q(&s.url)
        );
        n += 1;
    }
    (out, n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn imports_only_http() {
        let text = r#"<?xml version="1.0"?><opml version="2.0"><head/><body>
          <outline text="Group"><outline text="BBC &amp; Co" xmlUrl="https://feeds.example.org/a.xml"/></outline>
          <outline text="cmd" xmlUrl="exec:rm -rf ~"/>
          <outline text="filter" xmlUrl="filter:script.sh:https://x.example/rss"/>
          <outline text="pipe" xmlUrl="|curl evil"/>
          <outline text="file" xmlUrl="file:///etc/passwd"/>
          <outline title="Plain" xmlUrl="http://news.example.net/rss"/>
        </body></opml>"#;
        let (subs, refused) = read(text).unwrap();
        assert_eq!(
            subs.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(),
            ["BBC & Co", "Plain"]
        );
        assert_eq!(refused.len(), 4);
        assert!(read("<html/>").is_err());
    }

    #[test]
    fn round_trip_and_toml() {
        let config = crate::config::Config::builtin();
        let opml = write("w", &config.feeds);
        let (subs, refused) = read(&opml).unwrap();
        assert!(refused.is_empty());
        assert_eq!(
            subs.len(),
            config
                .feeds
                .iter()
                .filter(|f| matches!(f.url, FeedLocation::Http(_)))
                .count()
        );
        // Everything is configured already: nothing to add.
        assert_eq!(toml_entries(&subs, &config.feeds).1, 0);
        let new = vec![
            Subscription {
                title: "A \"quoted\" name".into(),
                url: "https://a.example/rss".into(),
            },
            Subscription {
                title: "A \"quoted\" name".into(),
                url: "https://b.example/rss".into(),
            },
        ];
        let (text, n) = toml_entries(&new, &config.feeds);
        assert_eq!(n, 2);
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        let feeds = parsed["feed"].as_array().unwrap();
        assert_eq!(feeds[1]["name"].as_str(), Some("A \"quoted\" name (2)"));
    }
}
