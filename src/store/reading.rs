//! What a reader keeps in the store beside the items: bookmarks and filters
//! saved by name (the dashboard's filter as JSON, opaque here). Both are
//! small — a reader's choices, not the feeds' output — so their items are read
//! by id and filtered in memory.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::read::from_ts;
use super::{ItemQuery, Pending, Reader, Store, StoreError, Toward};
use crate::model::{ItemId, StoredItem};

/// A filter saved under a name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SavedFilter {
    pub name: String,
    /// As the dashboard wrote it.
    pub filter: String,
    pub saved_at: DateTime<Utc>,
}

/// Longest name a filter is saved under, in characters.
pub const FILTER_NAME_MAX: usize = 40;

/// Items marked read in one transaction by [`Store::mark_read_where`].
pub const MARK_PAGE: usize = 2000;

impl Store {
    /// Bookmarks an item (`on`) or takes its bookmark away; the answer says
    /// whether anything changed (false for an item that is not there).
    pub fn set_bookmark(&self, item: ItemId, on: bool) -> Pending<bool> {
        self.submit(move |c, _| set_bookmark(c, item, on, Utc::now()))
    }

    /// Saves `filter` under `name` (trimmed, at most [`FILTER_NAME_MAX`]
    /// characters), replacing a filter of that name.
    pub fn save_filter(&self, name: String, filter: String) -> Pending<()> {
        self.submit(move |c, _| save_filter(c, &name, &filter, Utc::now()))
    }

    /// Marks read every item `q` selects (its limit aside): a pane, or with
    /// the default query every item. `reader` finds the unread ones a page
    /// at a time, by keyset down the unread index (`Reader::unread_page`:
    /// read items are never walked), and each page is marked in a
    /// transaction of its own, a statement for 500 items, so a kill leaves
    /// whole pages marked and the counts right, and the collector's writes
    /// wait at most one page.
    /// Blocking: call it off the interface's thread. Returns how many
    /// items changed.
    pub fn mark_read_where(&self, reader: &Reader, q: &ItemQuery) -> Result<usize, StoreError> {
        let mut from = None;
        let mut marked = 0;
        loop {
            let page = reader.unread_page(q, from, Toward::Older, MARK_PAGE)?;
            let Some(last) = page.last().copied() else {
                break;
            };
            marked += self
                .mark_read(page.iter().map(|c| c.id).collect(), true)
                .wait()?;
            if page.len() < MARK_PAGE {
                break;
            }
            from = Some(last);
        }
        Ok(marked)
    }

    /// Forgets the filter called `name`; the answer says whether there was one.
    pub fn delete_filter(&self, name: String) -> Pending<bool> {
        self.submit(move |c, _| {
            Ok(c.execute("DELETE FROM saved_filters WHERE name = ?1", [&name])? > 0)
        })
    }
}

fn set_bookmark(
    c: &Connection,
    item: ItemId,
    on: bool,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = if on {
        c.execute(
            "INSERT OR IGNORE INTO bookmarks (item_id, saved_at)
             SELECT id, ?2 FROM items WHERE id = ?1 AND deleted = 0",
            rusqlite::params![item.0, now.timestamp_millis()],
        )?
    } else {
        c.execute("DELETE FROM bookmarks WHERE item_id = ?1", [item.0])?
    };
    if n > 0 {
        // Readers that show bookmarks see it as they see read marks.
        super::write::bump_marks(c)?;
    }
    Ok(n > 0)
}

fn save_filter(
    c: &Connection,
    name: &str,
    filter: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let name: String = name.trim().chars().take(FILTER_NAME_MAX).collect();
    c.execute(
        "INSERT INTO saved_filters (name, filter, saved_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET filter = excluded.filter, saved_at = excluded.saved_at",
        rusqlite::params![name, filter, now.timestamp_millis()],
    )?;
    Ok(())
}

/// Whether a stored item passes `q`'s filters (all but its limit).
fn admits(q: &ItemQuery, item: &StoredItem) -> bool {
    let l = &item.labels;
    let has = |ids: Vec<String>, want: &Option<String>| {
        want.as_ref().is_none_or(|w| ids.iter().any(|i| i == w))
    };
    if !has(l.topic_ids(), &q.topic)
        || !has(l.party_ids(), &q.party)
        || !has(l.alert_ids(), &q.alert)
        || (q.no_topic && !l.topics.is_empty())
        || q.feed.as_ref().is_some_and(|f| *f != item.feed)
        || q.since.is_some_and(|s| item.when() < s)
        || (q.unread_only && item.read)
    {
        return false;
    }
    match q.search_text() {
        None => true,
        Some(text) => {
            use crate::text::{normalize, search};
            let key =
                search::index_key_normalized(&[&normalize(&item.title), &normalize(&item.text)]);
            search::key_matches(&key, &search::query_words(text))
        }
    }
}

impl Reader {
    /// The bookmarked items' ids, newest bookmark first.
    pub fn bookmarks(&self) -> Result<Vec<ItemId>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT b.item_id FROM bookmarks b JOIN items i ON i.id = b.item_id
             WHERE i.deleted = 0 ORDER BY b.saved_at DESC, b.item_id DESC",
        )?;
        let rows = stmt.query_map([], |r| r.get(0).map(ItemId))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether an item is bookmarked.
    pub fn is_bookmarked(&self, item: ItemId) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM bookmarks WHERE item_id = ?1",
                [item.0],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The bookmarked items `q` admits, newest first (`list --bookmarked`).
    pub fn bookmarked_items(&self, q: &ItemQuery) -> Result<Vec<StoredItem>, StoreError> {
        let mut items = Vec::new();
        for id in self.bookmarks()? {
            if let Some(item) = self.item(id)?
                && admits(q, &item)
            {
                items.push(item);
            }
        }
        items.sort_by_key(|i| std::cmp::Reverse((i.when(), i.id)));
        items.truncate(q.limit.unwrap_or(usize::MAX));
        Ok(items)
    }

    /// The saved filters, by name.
    pub fn saved_filters(&self) -> Result<Vec<SavedFilter>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, filter, saved_at FROM saved_filters ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(SavedFilter {
                name: r.get(0)?,
                filter: r.get(1)?,
                saved_at: from_ts(r.get(2)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
