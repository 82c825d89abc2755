//! What `marsad stories` and `marsad digest` read: the stories with items in a
//! span of time (all of them, or a topic's or a party's), each summed up from
//! its live items and the other feeds that carried them (`sightings`). A
//! story is bounded in time (`crate::stories::Params`), so summing one up
//! reads a bounded number of rows.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::{Reader, StoreError};

/// Which stories to list.
#[derive(Debug, Clone, Default)]
pub struct StoryQuery {
    /// Stories with an item at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only items of this topic (id) or party (id) count.
    pub topic: Option<String>,
    pub party: Option<String>,
    pub limit: usize,
}

/// One story, summed up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorySummary {
    /// The story's id: its first item's.
    pub id: i64,
    /// Its first live item's title and link.
    pub headline: String,
    pub link: Option<String>,
    /// Live items in the story, and those in the span asked for.
    pub items: usize,
    pub recent: usize,
    /// Outlets that carried it: the items' sources, then the feeds that
    /// sighted them.
    pub sources: Vec<String>,
    /// Languages of its items (ar, en, …), the most used first.
    pub languages: Vec<String>,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    /// Its items' topics and parties (ids).
    pub topics: Vec<String>,
    pub parties: Vec<String>,
    /// Every item's link, in time order.
    pub links: Vec<String>,
}

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl Reader {
    /// The stories with items in the span (of the topic or party), the most
    /// items in the span first, then the latest.
    pub fn stories(&self, q: &StoryQuery) -> Result<Vec<StorySummary>, StoreError> {
        let since = q.since.map_or(i64::MIN, |t| t.timestamp_millis());
        let label = match (&q.topic, &q.party) {
            (Some(t), _) => Some(("topic", t.as_str())),
            (None, Some(p)) => Some(("party", p.as_str())),
            (None, None) => None,
        };
        let mut recent: FxHashMap<i64, usize> = FxHashMap::default();
        let mut count = |story: Option<i64>| {
            if let Some(s) = story {
                *recent.entry(s).or_default() += 1;
            }
        };
        match label {
            Some((kind, name)) => {
                let id: Option<i64> = self
                    .conn
                    .prepare_cached("SELECT id FROM labels WHERE kind = ?1 AND name = ?2")?
                    .query_row([kind, name], |r| r.get(0))
                    .optional()?;
                let Some(id) = id else {
                    return Ok(Vec::new());
                };
                let mut stmt = self.conn.prepare_cached(
                    "SELECT s.story FROM label_items l JOIN item_stories s ON s.item_id = l.item
                     WHERE l.label = ?1 AND l.ts >= ?2",
                )?;
                let mut rows = stmt.query(rusqlite::params![id, since])?;
                while let Some(r) = rows.next()? {
                    count(r.get(0)?);
                }
            }
            None => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT s.story FROM items i JOIN item_stories s ON s.item_id = i.id
                     WHERE i.ts >= ?1 AND i.deleted = 0",
                )?;
                let mut rows = stmt.query([since])?;
                while let Some(r) = rows.next()? {
                    count(r.get(0)?);
                }
            }
        }
        let mut out = Vec::with_capacity(recent.len().min(q.limit));
        let mut ranked: Vec<(i64, usize)> = recent.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        for (story, n) in ranked {
            if let Some(mut s) = self.story(story)? {
                s.recent = n;
                out.push(s);
            }
        }
        out.sort_by(|a, b| b.recent.cmp(&a.recent).then(b.last.cmp(&a.last)));
        out.truncate(q.limit);
        Ok(out)
    }

    /// One story summed up, `None` when it has no live item.
    pub fn story(&self, story: i64) -> Result<Option<StorySummary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.ts, i.source, i.lang, i.title, i.link, coalesce(t.tags, '')
             FROM item_stories s JOIN items i ON i.id = s.item_id
             LEFT JOIN item_tags t ON t.item_id = i.id
             WHERE s.story = ?1 AND i.deleted = 0 ORDER BY s.item_id",
        )?;
        let mut rows = stmt.query([story])?;
        let mut sum: Option<StorySummary> = None;
        let mut langs: Vec<(String, usize)> = Vec::new();
        let (mut topics, mut parties) = (BTreeSet::new(), BTreeSet::new());
        let mut links: Vec<(i64, String)> = Vec::new();
        while let Some(r) = rows.next()? {
            let ts: i64 = r.get(0)?;
            let text = |i: usize| -> Result<String, rusqlite::Error> {
                Ok(r.get_ref(i)?.as_str().unwrap_or_default().to_string())
            };
            let (source, lang, link) = (text(1)?, text(2)?, text(4)?);
            let s = sum.get_or_insert_with(|| StorySummary {
                id: story,
                headline: String::new(),
                link: None,
                items: 0,
                recent: 0,
                sources: Vec::new(),
                languages: Vec::new(),
                first: time(ts),
                last: time(ts),
                topics: Vec::new(),
                parties: Vec::new(),
                links: Vec::new(),
            });
            if s.items == 0 {
                s.headline = text(3)?;
                s.link = (!link.is_empty()).then(|| link.clone());
            }
            s.items += 1;
            s.first = s.first.min(time(ts));
            s.last = s.last.max(time(ts));
            if !s.sources.contains(&source) {
                s.sources.push(source);
            }
            match langs.iter_mut().find(|(l, _)| *l == lang) {
                Some(l) => l.1 += 1,
                None => langs.push((lang, 1)),
            }
            for tag in r
                .get_ref(5)?
                .as_str()
                .unwrap_or_default()
                .split_ascii_whitespace()
            {
                if let Some(t) = tag.strip_prefix("topic:") {
                    topics.insert(t.to_string());
                } else if let Some(p) = tag.strip_prefix("party:") {
                    parties.insert(p.to_string());
                }
            }
            if !link.is_empty() {
                links.push((ts, link));
            }
        }
        let Some(mut s) = sum else {
            return Ok(None);
        };
        let mut sighted = self.conn.prepare_cached(
            "SELECT DISTINCT f.name FROM item_stories s JOIN sightings g ON g.item_id = s.item_id
             JOIN feeds f ON f.id = g.feed_id WHERE s.story = ?1 ORDER BY f.name",
        )?;
        let mut rows = sighted.query([story])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(0)?;
            if !s.sources.contains(&name) {
                s.sources.push(name);
            }
        }
        langs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        s.languages = langs.into_iter().map(|l| l.0).collect();
        s.topics = topics.into_iter().collect();
        s.parties = parties.into_iter().collect();
        links.sort();
        links.dedup_by(|a, b| a.1 == b.1);
        s.links = links.into_iter().map(|l| l.1).collect();
        Ok(Some(s))
    }
}

impl Reader {
    /// Each live item published at or after `from`, in published order: its
    /// time (milliseconds), source and tags line.
    pub fn label_events(
        &self,
        from: DateTime<Utc>,
        mut each: impl FnMut(i64, &str, &str),
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.ts, i.source, coalesce(t.tags, '') FROM items i
             LEFT JOIN item_tags t ON t.item_id = i.id
             WHERE i.ts >= ?1 AND i.deleted = 0 ORDER BY i.ts, i.id",
        )?;
        let mut rows = stmt.query([from.timestamp_millis()])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<&str, rusqlite::Error> {
                Ok(r.get_ref(i)?.as_str().unwrap_or_default())
            };
            each(r.get(0)?, text(1)?, text(2)?);
        }
        Ok(())
    }
}
