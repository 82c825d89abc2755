//! Which of a feed's items the store holds already, asked before the text
//! pipeline so that a feed's unchanged items are not made into text and
//! classified again at every poll. An item is known when its guid is stored
//! for that feed or, when it has none, its canonical link is (as the feed's
//! own item or as its sighting of another feed's item, see `sources`): the
//! same item of the same feed, whatever other feeds carry.

use std::collections::HashSet;

use rusqlite::OptionalExtension;

use super::{Reader, StoreError, canonical_link};

/// Keys asked about in one statement.
const CHUNK: usize = 500;

/// An item's keys as the pipeline cleans them.
#[derive(Debug, Clone, Copy)]
pub struct ItemRef<'a> {
    pub guid: Option<&'a str>,
    pub link: Option<&'a str>,
}

impl Reader {
    /// For each of `items`, whether `feed` has it stored already. A feed
    /// with no items stored (the first poll) costs one lookup.
    pub fn known(&self, feed: &str, items: &[ItemRef<'_>]) -> Result<Vec<bool>, StoreError> {
        let mut known = vec![false; items.len()];
        let found: Option<(i64, i64)> = self
            .conn
            .prepare_cached(
                "SELECT id, items + EXISTS (SELECT 1 FROM sightings s WHERE s.feed_id = feeds.id)
                 FROM feeds WHERE name = ?1",
            )?
            .query_row([feed], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((feed_id, _)) = found.filter(|&(_, stored)| stored > 0) else {
            return Ok(known);
        };
        let guids: Vec<&str> = items.iter().filter_map(|i| i.guid).collect();
        let links: Vec<String> = items
            .iter()
            .filter(|i| i.guid.is_none())
            .filter_map(|i| i.link.and_then(canonical_link))
            .collect();
        let links: Vec<&str> = links.iter().map(String::as_str).collect();
        let mut held_guids = self.held(feed_id, "items", "guid", &guids)?;
        let mut held_links = self.held(feed_id, "items", "canon_link", &links)?;
        // Items another feed brought first, which this feed's copies sighted.
        held_guids.extend(self.held(feed_id, "sightings", "key", &guids)?);
        held_links.extend(self.held(feed_id, "sightings", "key", &links)?);
        for (k, item) in known.iter_mut().zip(items) {
            *k = match item.guid {
                Some(g) => held_guids.contains(g),
                None => item
                    .link
                    .and_then(canonical_link)
                    .is_some_and(|c| held_links.contains(&c)),
            };
        }
        Ok(known)
    }

    /// Which of `keys` the feed's rows of `table` hold in `column` (items'
    /// guid or canon_link, sightings' key).
    fn held(
        &self,
        feed_id: i64,
        table: &str,
        column: &str,
        keys: &[&str],
    ) -> Result<HashSet<String>, StoreError> {
        let mut held = HashSet::new();
        for chunk in keys.chunks(CHUNK) {
            let sql = format!(
                "SELECT {column} FROM {table} WHERE feed_id = ? AND {column} IN ({})",
                vec!["?"; chunk.len()].join(",")
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let args = std::iter::once(rusqlite::types::Value::Integer(feed_id)).chain(
                chunk
                    .iter()
                    .map(|k| rusqlite::types::Value::Text(k.to_string())),
            );
            let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
            while let Some(r) = rows.next()? {
                if let Ok(k) = r.get_ref(0)?.as_str() {
                    held.insert(k.to_string());
                }
            }
        }
        Ok(held)
    }
}
