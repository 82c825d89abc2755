//! Where a feed's item goes in the store, so that every source is kept. Within
//! a feed an item is the same item when its guid matches or, when it has no
//! guid, its canonical link does (with neither, its text). The same canonical
//! link and the same text in another feed is a sighting of the stored article
//! (which feed, when); anything else is an item of its own, so a feed cannot
//! hide another's article by publishing its link first, and a wire copy under
//! another link is kept.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// What to do with one item of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// The feed has it already (or had it, and it was deleted).
    Seen,
    /// Another feed's item, by link and text: recorded as a sighting of it.
    Sighting(i64),
    /// An item of its own.
    New,
}

/// An item's keys, as the writer binds them.
pub(super) struct Keys<'a> {
    pub guid: Option<&'a str>,
    pub canon: Option<&'a str>,
    pub hash: &'a [u8; 16],
}

impl Keys<'_> {
    /// The item's identity within its feed, for its sighting: the guid, else
    /// the canonical link.
    fn own(&self) -> Option<&str> {
        self.guid.or(self.canon)
    }
}

/// Where the item `k` of `feed` goes. A new item with a guid is left to the
/// unique index on (feed, guid) at insert, which refuses the feed's own
/// repeats; the lookups here are by canonical link (one index probe, nearly
/// always finding nothing or the item itself) and, rarely, by text.
pub(super) fn place(c: &Connection, feed: i64, k: &Keys<'_>) -> Result<Place, StoreError> {
    let Some(canon) = k.canon else {
        if k.guid.is_none() {
            let held = c
                .prepare_cached("SELECT 1 FROM items WHERE feed_id = ?1 AND content_hash = ?2")?
                .query_row(params![feed, &k.hash[..]], |_| Ok(()))
                .optional()?;
            if held.is_some() {
                return Ok(Place::Seen);
            }
        }
        return Ok(Place::New);
    };
    let mut copy = None;
    {
        let mut stmt = c.prepare_cached(
            "SELECT id, feed_id, guid, content_hash FROM items WHERE canon_link = ?1 ORDER BY id",
        )?;
        let mut rows = stmt.query([canon])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let of: i64 = r.get(1)?;
            if of == feed {
                let guid = r.get_ref(2)?.as_str_or_null().ok().flatten();
                if k.guid.is_none() || guid == k.guid {
                    return Ok(Place::Seen);
                }
            } else if copy.is_none() && r.get_ref(3)?.as_blob().ok() == Some(&k.hash[..]) {
                copy = Some(id);
            }
        }
    }
    let own = k.own().unwrap_or(canon);
    // A feed's item that was a sighting stays one, even when its text changes.
    if sighted(c, feed, own)? {
        return Ok(Place::Seen);
    }
    let Some(item) = copy else {
        return Ok(Place::New);
    };
    // The feed holds this guid under another link: the same item, moved.
    if let Some(g) = k.guid {
        let held = c
            .prepare_cached("SELECT 1 FROM items WHERE feed_id = ?1 AND guid = ?2")?
            .query_row(params![feed, g], |_| Ok(()))
            .optional()?;
        if held.is_some() {
            return Ok(Place::Seen);
        }
    }
    Ok(Place::Sighting(item))
}

fn sighted(c: &Connection, feed: i64, own: &str) -> Result<bool, StoreError> {
    Ok(
        c.prepare_cached("SELECT 1 FROM sightings WHERE feed_id = ?1 AND key = ?2")?
            .query_row(params![feed, own], |_| Ok(()))
            .optional()?
            .is_some(),
    )
}

/// Records that `feed` carries `item` (found by [`place`]), seen at `seen`
/// and published at `published` (milliseconds).
pub(super) fn record_sighting(
    c: &Connection,
    item: i64,
    feed: i64,
    k: &Keys<'_>,
    seen: i64,
    published: Option<i64>,
) -> Result<(), StoreError> {
    let own = k.own().unwrap_or_default();
    c.prepare_cached(
        "INSERT OR IGNORE INTO sightings (item_id, feed_id, key, seen, published)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![item, feed, own, seen, published])?;
    Ok(())
}

/// Another feed that carried a stored item: its link, with the same text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Sighting {
    /// The feed's name.
    pub feed: String,
    /// When marsad fetched it from that feed.
    pub seen: chrono::DateTime<chrono::Utc>,
    /// The time that feed gave it, if any.
    pub published: Option<chrono::DateTime<chrono::Utc>>,
}

impl super::Reader {
    /// The other feeds that carried `item`, first seen first.
    pub fn sightings(&self, item: crate::model::ItemId) -> Result<Vec<Sighting>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.name, s.seen, s.published FROM sightings s JOIN feeds f ON f.id = s.feed_id
             WHERE s.item_id = ?1 ORDER BY s.seen, f.name",
        )?;
        let rows = stmt.query_map([item.0], |r| {
            Ok(Sighting {
                feed: r.get(0)?,
                seen: from_ms(r.get(1)?),
                published: r.get::<_, Option<i64>>(2)?.map(from_ms),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn from_ms(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
