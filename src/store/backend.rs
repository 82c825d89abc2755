//! The store's interface, one for both backends: the embedded SQLite file
//! ([`Store`]) and the team's PostgreSQL database ([`PgStore`]). What a
//! command or a collector asks of a store is asked through it, so the same
//! behaviour tests run on both (`tests/backends.rs`). It grows as commands
//! move onto it; the SQLite store's own richer interface (pages, aggregates,
//! the dashboard's windows) stays beside it until the PostgreSQL store has
//! it too.

use super::postgres::PgStore;
use super::read::{AlertRow, FeedState};
use super::write::{FeedRef, IngestBatch, IngestReport};
use super::{ItemQuery, Store, StoreError};
use crate::model::{ItemId, StoredItem};

/// A store, whichever backend holds it. Writes return once committed.
pub trait Backend {
    /// Stores a feed's batch in one transaction: new items deduplicated
    /// (guid in the feed, canonical link, content hash; deleted items
    /// included), labelled, their alerts fired once.
    fn ingest(&self, batch: IngestBatch) -> Result<IngestReport, StoreError>;
    /// Makes sure the configured feeds exist with their configured URLs.
    fn sync_feeds(&self, feeds: Vec<FeedRef>) -> Result<(), StoreError>;
    /// Marks items read (or unread) for this store's analyst; how many changed.
    fn mark_read(&self, items: Vec<ItemId>, read: bool) -> Result<usize, StoreError>;
    /// Acknowledges the alerts of these items, or all, for this store's
    /// analyst; how many were open.
    fn acknowledge(&self, items: Option<Vec<ItemId>>) -> Result<usize, StoreError>;
    fn item(&self, id: ItemId) -> Result<Option<StoredItem>, StoreError>;
    /// The items `q` selects, newest first, at most `q.limit`.
    fn items(&self, q: &ItemQuery) -> Result<Vec<StoredItem>, StoreError>;
    /// How many items the store holds.
    fn count(&self) -> Result<i64, StoreError>;
    /// Every feed's health, by name.
    fn feeds(&self) -> Result<Vec<FeedState>, StoreError>;
    /// Fired alerts, newest first: the open ones, or all.
    fn alerts(&self, open_only: bool, limit: usize) -> Result<Vec<AlertRow>, StoreError>;
    /// The SQLite store, for what only it has yet (bookmarks, pages, rows
    /// skipped as unreadable).
    fn sqlite(&self) -> Option<&Store> {
        None
    }
}

impl Backend for Store {
    fn ingest(&self, batch: IngestBatch) -> Result<IngestReport, StoreError> {
        Store::ingest(self, batch).wait()
    }

    fn sync_feeds(&self, feeds: Vec<FeedRef>) -> Result<(), StoreError> {
        Store::sync_feeds(self, feeds).wait()
    }

    fn mark_read(&self, items: Vec<ItemId>, read: bool) -> Result<usize, StoreError> {
        Store::mark_read(self, items, read).wait()
    }

    fn acknowledge(&self, items: Option<Vec<ItemId>>) -> Result<usize, StoreError> {
        Store::acknowledge(self, items).wait()
    }

    fn item(&self, id: ItemId) -> Result<Option<StoredItem>, StoreError> {
        self.reader()?.item(id)
    }

    fn items(&self, q: &ItemQuery) -> Result<Vec<StoredItem>, StoreError> {
        self.reader()?.items(q)
    }

    fn count(&self) -> Result<i64, StoreError> {
        self.reader()?.count()
    }

    fn feeds(&self) -> Result<Vec<FeedState>, StoreError> {
        self.reader()?.feeds()
    }

    fn alerts(&self, open_only: bool, limit: usize) -> Result<Vec<AlertRow>, StoreError> {
        self.reader()?.alerts(open_only, limit)
    }

    fn sqlite(&self) -> Option<&Store> {
        Some(self)
    }
}

impl Backend for PgStore {
    fn ingest(&self, batch: IngestBatch) -> Result<IngestReport, StoreError> {
        PgStore::ingest(self, &batch)
    }

    fn sync_feeds(&self, feeds: Vec<FeedRef>) -> Result<(), StoreError> {
        PgStore::sync_feeds(self, &feeds)
    }

    fn mark_read(&self, items: Vec<ItemId>, read: bool) -> Result<usize, StoreError> {
        PgStore::mark_read(self, &items, read)
    }

    fn acknowledge(&self, items: Option<Vec<ItemId>>) -> Result<usize, StoreError> {
        PgStore::acknowledge(self, items.as_deref())
    }

    fn item(&self, id: ItemId) -> Result<Option<StoredItem>, StoreError> {
        PgStore::item(self, id)
    }

    fn items(&self, q: &ItemQuery) -> Result<Vec<StoredItem>, StoreError> {
        PgStore::items(self, q)
    }

    fn count(&self) -> Result<i64, StoreError> {
        PgStore::count(self)
    }

    fn feeds(&self) -> Result<Vec<FeedState>, StoreError> {
        PgStore::feeds(self)
    }

    fn alerts(&self, open_only: bool, limit: usize) -> Result<Vec<AlertRow>, StoreError> {
        PgStore::alerts(self, open_only, limit)
    }
}
