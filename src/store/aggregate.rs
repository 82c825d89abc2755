//! What the writer keeps beside the items so that no read ever counts them:
//! each label's items in time order (`label_items`), each label's count of
//! items and of unread items, its items per hour, and the range of times in
//! each block of ids. A write gathers what it changes as [`Deltas`], applied
//! once at the end of its transaction: one statement per label, hour or block
//! touched, not one per item.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use super::StoreError;

/// Ids in a block of the zone map (`id_blocks`): `id >> BLOCK_BITS`.
pub const BLOCK_BITS: u32 = 10;
/// The label every item has (counts only: the items' own time index lists them).
pub const ALL: &str = "all:";
/// The label of items with no topic.
pub const NO_TOPIC: &str = "topic:";
/// Milliseconds in an hour bucket of `label_hours`.
pub const HOUR_MS: i64 = 3_600_000;

/// The label key of a feed: feeds are labels too, by row id.
pub fn feed_key(feed: i64) -> String {
    format!("feed:{feed}")
}

/// Label ids by key (`kind:name`, as in a tags line), kept by the writer
/// across transactions: labels are never deleted, so a committed id stays
/// right. Cleared when a transaction rolls back, which may undo labels it made.
#[derive(Debug, Default)]
pub struct LabelIds {
    ids: HashMap<String, i64>,
}

impl LabelIds {
    /// The id of the label `key`, made on first use.
    pub fn id(&mut self, c: &Connection, key: &str) -> Result<i64, StoreError> {
        if let Some(id) = self.ids.get(key) {
            return Ok(*id);
        }
        let (kind, name) = key.split_once(':').unwrap_or((key, ""));
        c.prepare_cached("INSERT OR IGNORE INTO labels (kind, name) VALUES (?1, ?2)")?
            .execute([kind, name])?;
        let id: i64 = c
            .prepare_cached("SELECT id FROM labels WHERE kind = ?1 AND name = ?2")?
            .query_row([kind, name], |r| r.get(0))?;
        self.ids.insert(key.to_string(), id);
        Ok(id)
    }

    pub fn clear(&mut self) {
        self.ids.clear();
    }

    /// The labels an item is listed under: those of its tags line, its feed,
    /// and "no topic" when it has none (not [`ALL`]).
    pub fn of_item(
        &mut self,
        c: &Connection,
        tags: &str,
        feed: i64,
        out: &mut Vec<i64>,
    ) -> Result<(), StoreError> {
        out.clear();
        let mut topic = false;
        for tag in tags.split_ascii_whitespace() {
            topic |= tag.starts_with("topic:");
            out.push(self.id(c, tag)?);
        }
        if !topic {
            out.push(self.id(c, NO_TOPIC)?);
        }
        out.push(self.id(c, &feed_key(feed))?);
        Ok(())
    }
}

/// Lists an item under its labels.
pub fn link(c: &Connection, labels: &[i64], ts: i64, item: i64) -> Result<(), StoreError> {
    let mut put = c.prepare_cached(
        "INSERT OR IGNORE INTO label_items (label, ts, item) VALUES (?1, ?2, ?3)",
    )?;
    for l in labels {
        put.execute(params![l, ts, item])?;
    }
    Ok(())
}

/// Takes an item off its labels' lists.
pub fn unlink(c: &Connection, labels: &[i64], ts: i64, item: i64) -> Result<(), StoreError> {
    let mut del =
        c.prepare_cached("DELETE FROM label_items WHERE label = ?1 AND ts = ?2 AND item = ?3")?;
    for l in labels {
        del.execute(params![l, ts, item])?;
    }
    Ok(())
}

/// Changes to the aggregates gathered over a transaction.
#[derive(Debug, Default)]
pub struct Deltas {
    /// Label id -> (items, unread).
    labels: HashMap<i64, (i64, i64)>,
    /// (label id, hour) -> items.
    hours: HashMap<(i64, i64), i64>,
    /// Block -> (lowest, highest) time.
    blocks: HashMap<i64, (i64, i64)>,
}

impl Deltas {
    /// An item added (`sign` 1) to or removed (-1) from `labels` and `all`.
    pub fn item(&mut self, labels: &[i64], all: i64, ts: i64, unread: bool, sign: i64) {
        let hour = ts.div_euclid(HOUR_MS);
        for l in labels.iter().chain([&all]) {
            let e = self.labels.entry(*l).or_default();
            e.0 += sign;
            e.1 += sign * i64::from(unread);
            *self.hours.entry((*l, hour)).or_default() += sign;
        }
    }

    /// An item of `labels` marked read or unread.
    pub fn read(&mut self, labels: &[i64], all: i64, read: bool) {
        for l in labels.iter().chain([&all]) {
            self.labels.entry(*l).or_default().1 += if read { -1 } else { 1 };
        }
    }

    /// An item stored with id `id` at time `ts`.
    pub fn block(&mut self, id: i64, ts: i64) {
        let e = self.blocks.entry(id >> BLOCK_BITS).or_insert((ts, ts));
        e.0 = e.0.min(ts);
        e.1 = e.1.max(ts);
    }

    /// Writes the gathered changes, in key order, and forgets them.
    pub fn flush(&mut self, c: &Connection) -> Result<(), StoreError> {
        let mut labels: Vec<_> = self.labels.drain().collect();
        labels.sort_unstable();
        let mut up = c.prepare_cached(
            "UPDATE labels SET items = items + ?2, unread = unread + ?3 WHERE id = ?1",
        )?;
        for (id, (items, unread)) in labels {
            if items != 0 || unread != 0 {
                up.execute(params![id, items, unread])?;
            }
        }
        let mut hours: Vec<_> = self.hours.drain().collect();
        hours.sort_unstable();
        let mut up = c.prepare_cached(
            "INSERT INTO label_hours (label, hour, items) VALUES (?1, ?2, ?3)
             ON CONFLICT (label, hour) DO UPDATE SET items = items + excluded.items",
        )?;
        for ((label, hour), n) in hours {
            if n != 0 {
                up.execute(params![label, hour, n])?;
            }
        }
        let mut blocks: Vec<_> = self.blocks.drain().collect();
        blocks.sort_unstable();
        let mut up = c.prepare_cached(
            "INSERT INTO id_blocks (block, lo, hi) VALUES (?1, ?2, ?3)
             ON CONFLICT (block) DO UPDATE SET lo = min(lo, excluded.lo), hi = max(hi, excluded.hi)",
        )?;
        for (block, (lo, hi)) in blocks {
            up.execute(params![block, lo, hi])?;
        }
        Ok(())
    }
}

/// Builds the labels, their lists and the aggregates from the live items (a
/// store migrated to schema 4).
pub fn refill(c: &Connection) -> Result<(), StoreError> {
    let mut ids = LabelIds::default();
    let all = ids.id(c, ALL)?;
    let mut deltas = Deltas::default();
    let mut labels = Vec::new();
    let mut read = c.prepare(
        "SELECT i.id, i.ts, i.feed_id, i.read, coalesce(t.tags, '')
         FROM items i LEFT JOIN item_tags t ON t.item_id = i.id WHERE i.deleted = 0",
    )?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let (id, ts, feed, is_read): (i64, i64, i64, bool) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        ids.of_item(c, r.get_ref(4)?.as_str().unwrap_or(""), feed, &mut labels)?;
        link(c, &labels, ts, id)?;
        deltas.item(&labels, all, ts, !is_read, 1);
        deltas.block(id, ts);
    }
    deltas.flush(c)
}
