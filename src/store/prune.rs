//! Retention: the items published (else fetched) before a cutoff are pruned
//! a page at a time, oldest first, each page one write of its own, so the
//! collector's writes go on between pages and readers (dashboards) are never
//! held: SQLite's WAL lets them read while the writer works. A pruned item
//! stays as a tombstone (its row and keys, no title, text or labels), so a
//! feed that still carries it does not bring it back. Items can be archived
//! before they go: a page is handed to the archive, whole, before its delete
//! is written, so a kill never loses an item that was not archived.

use chrono::{DateTime, Utc};

use super::{Cursor, Reader, Store, StoreError};
use crate::model::{ItemId, StoredItem};

/// Items pruned in one write.
pub const PAGE: usize = 2_000;

/// Where a prune's pages go before they are deleted.
pub type Archive<'a> = &'a mut dyn FnMut(&[StoredItem]) -> anyhow::Result<()>;

/// What a prune did (or, dry, would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Items made tombstones (or that would be).
    pub items: u64,
    /// Items left because their rows could not be read for the archive.
    pub unreadable: u64,
    /// The prune was stopped before the end.
    pub stopped: bool,
}

impl Reader {
    /// The items stored before `cutoff`, oldest first, just past `after`, at
    /// most `limit` (the time index, by its own order).
    pub fn older_than(
        &self,
        cutoff: DateTime<Utc>,
        after: Option<Cursor>,
        limit: usize,
    ) -> Result<Vec<Cursor>, StoreError> {
        let (ts, id) = after.map_or((i64::MIN, i64::MIN), |c| (c.ts, c.id.0));
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, ts FROM items INDEXED BY items_ts
             WHERE deleted = 0 AND ts < ?1 AND (ts, id) > (?2, ?3)
             ORDER BY ts, id LIMIT ?4",
        )?;
        let rows = stmt.query(rusqlite::params![
            cutoff.timestamp_millis(),
            ts,
            id,
            limit.min(i64::MAX as usize) as i64
        ])?;
        super::read::lenient(rows, "item", super::pages::cursor, &self.skipped)
    }

    /// How many items were stored before `cutoff`.
    pub fn count_older_than(&self, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM items INDEXED BY items_ts WHERE deleted = 0 AND ts < ?1",
            [cutoff.timestamp_millis()],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }
}

/// The time before which items go, `age` before `now` (the beginning of time
/// when `age` reaches past it: nothing goes).
pub fn cutoff(now: DateTime<Utc>, age: std::time::Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(age)
        .ok()
        .and_then(|d| now.checked_sub_signed(d))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Prunes the items of `store` stored before `cutoff`. `archive` gets each
/// page's items, whole, before they are deleted (an error stops the prune
/// with that page kept); `stop` is asked between pages.
pub fn prune(
    store: &Store,
    cutoff: DateTime<Utc>,
    mut archive: Option<Archive<'_>>,
    stop: &dyn Fn() -> bool,
) -> anyhow::Result<Pruned> {
    let reader = store.reader()?;
    let mut done = Pruned::default();
    let mut after = None;
    loop {
        if stop() {
            done.stopped = true;
            return Ok(done);
        }
        let page = reader.older_than(cutoff, after, PAGE)?;
        let Some(last) = page.last() else {
            return Ok(done);
        };
        after = Some(*last);
        let mut ids: Vec<ItemId> = page.iter().map(|c| c.id).collect();
        if let Some(archive) = archive.as_mut() {
            let mut items = Vec::with_capacity(ids.len());
            for id in &ids {
                items.extend(reader.item(*id)?);
            }
            // An item whose row cannot be read is not archived, so it stays.
            done.unreadable += (ids.len() - items.len()) as u64;
            ids = items.iter().map(|i| i.id).collect();
            archive(&items)?;
        }
        done.items += store.delete(ids).wait()? as u64;
    }
}
