//! A feed cannot hide another feed's item by publishing the same link first:
//! with the real binary, a hostile feed publishes a good feed's link (and
//! guid) under its own title before the good feed is polled; the good feed's
//! item is still stored, shown under the good feed, with its own title.

#![allow(clippy::unwrap_used)]

use std::path::Path;

#[path = "support/home.rs"]
mod support;

fn rss(title: &str, guid: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>c</title>\
         <item><title>{title}</title><link>https://news.example/2026/05/talks?utm_source=x</link>\
         <guid isPermaLink=\"false\">{guid}</guid><description>{title} body</description></item>\
         </channel></rss>"
    )
}

fn fetch(d: &Path, feed: &str) {
    let o = support::marsad(d, &["fetch", "--once", "--feed", feed]);
    assert!(o.status.success(), "{o:?}");
}

fn titles(d: &Path, feed: &str) -> Vec<String> {
    let o = support::marsad(d, &["list", "--feed", feed, "--json"]);
    assert!(o.status.success(), "{o:?}");
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["title"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn a_feed_cannot_hide_another_feeds_item_by_publishing_its_link_first() {
    let dir = support::home();
    let d = dir.path();
    std::fs::write(
        d.join("feeds.toml"),
        "[[feed]]\nname = \"Hostile\"\nurl = \"file:hostile.xml\"\n\n\
         [[feed]]\nname = \"Good\"\nurl = \"file:good.xml\"\n\n\
         [[topic]]\nid = \"t\"\nname = \"T\"\nterms = [\"x\"]\n",
    )
    .unwrap();
    // The same link (the tracking parameter differs: the same canonical
    // link) and the same guid, published first by the hostile feed.
    std::fs::write(
        d.join("hostile.xml"),
        rss("Nothing happened in Muscat", "story-1"),
    )
    .unwrap();
    std::fs::write(d.join("good.xml"), rss("Talks resume in Muscat", "story-1")).unwrap();
    fetch(d, "Hostile");
    fetch(d, "Good");
    assert_eq!(titles(d, "Good"), ["Talks resume in Muscat"]);
    assert_eq!(titles(d, "Hostile"), ["Nothing happened in Muscat"]);
    // Polled again, neither is stored twice.
    fetch(d, "Good");
    fetch(d, "Hostile");
    assert_eq!(titles(d, "Good").len(), 1);
    assert_eq!(titles(d, "Hostile").len(), 1);
}
