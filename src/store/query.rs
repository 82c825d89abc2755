//! What the program asks of a store, in its own words: which items (the
//! filters `list` and a dashboard pane share), where a page starts, counts,
//! and what changed since the reader last looked. A backend answers these;
//! no SQL is needed to ask them.

use chrono::{DateTime, TimeZone, Utc};

use crate::model::ItemId;

/// Which items: the filters of `list` and of a dashboard pane. Filters
/// combine (every one must hold); empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ItemQuery {
    pub topic: Option<String>,
    /// Only items with no topic at all (the dashboard's "Other" pane).
    pub no_topic: bool,
    pub party: Option<String>,
    pub alert: Option<String>,
    pub feed: Option<String>,
    pub since: Option<DateTime<Utc>>,
    /// Words to find in title or text (normalized Arabic, prefixes).
    pub search: Option<String>,
    pub unread_only: bool,
    pub limit: Option<usize>,
}

impl ItemQuery {
    /// The search text, if it has anything to search for.
    pub fn search_text(&self) -> Option<&str> {
        self.search.as_deref().filter(|s| !s.trim().is_empty())
    }
}

/// An item's place in time order: its time, then its id (ids break ties).
/// A page starts just past a cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cursor {
    /// The item's time (published, else fetched), in milliseconds.
    pub ts: i64,
    pub id: ItemId,
}

impl Cursor {
    pub fn new(when: DateTime<Utc>, id: ItemId) -> Cursor {
        Cursor {
            ts: when.timestamp_millis(),
            id,
        }
    }

    pub fn when(&self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.ts)
            .single()
            .unwrap_or_default()
    }
}

/// Which way a page goes from its cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Toward {
    /// Items older than the cursor (scrolling down a pane).
    Older,
    /// Items newer than the cursor (scrolling back up).
    Newer,
}

/// How many items a query selects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub items: u64,
    pub unread: u64,
    /// The counts stopped at the cap they were asked with: there are at
    /// least this many.
    pub capped: bool,
}

/// Where a reader's view of the store stands: what it has seen, to ask what
/// changed since.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    /// The highest item id seen.
    pub item: i64,
}
