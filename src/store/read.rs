//! Read connections and the queries the commands and the dashboard ask: items by
//! label, time and text, feed health, fired alerts, and a summary.

use std::path::Path;

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OpenFlags, Row, params_from_iter, types::Value};

use super::StoreError;
use super::query::Toward;
use crate::model::{ItemId, StoredItem};

/// A feed's row with its fetch state and health.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FeedState {
    pub name: String,
    pub url: String,
    pub items: i64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_attempt: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub last_latency_ms: Option<i64>,
    pub last_bytes: Option<i64>,
    pub last_new: Option<i64>,
    pub last_seen: Option<i64>,
    pub failure_streak: u32,
    pub next_due: Option<DateTime<Utc>>,
    pub gone: bool,
}

impl FeedState {
    /// A configured feed the store has not polled yet.
    pub fn unpolled(name: &str, url: &str) -> FeedState {
        FeedState {
            name: name.to_string(),
            url: url.to_string(),
            items: 0,
            etag: None,
            last_modified: None,
            last_attempt: None,
            last_success: None,
            last_status: None,
            last_error: None,
            last_latency_ms: None,
            last_bytes: None,
            last_new: None,
            last_seen: None,
            failure_streak: 0,
            next_due: None,
            gone: false,
        }
    }
}

/// A fired alert with its item's title and source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AlertRow {
    pub alert: String,
    pub item: ItemId,
    pub title: String,
    pub source: String,
    /// The item's own time (published, else fetched).
    pub when: DateTime<Utc>,
    pub fired_at: DateTime<Utc>,
    pub quiet: bool,
    pub acknowledged: bool,
}

/// Counts for a quick look at the store.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Summary {
    pub items: i64,
    pub unread: i64,
    pub feeds: i64,
    pub open_alerts: i64,
    /// (topic id, items) for every topic that has items.
    pub topics: Vec<(String, i64)>,
}

/// A read connection.
pub struct Reader {
    pub(super) conn: Connection,
    /// The search's zone map, with the data version it was read at.
    pub(super) blocks: std::cell::RefCell<Option<(i64, std::sync::Arc<super::search::Blocks>)>>,
    /// Rows the last queries could not read (see [`Skipped`]).
    pub(super) skipped: std::cell::RefCell<Vec<Skipped>>,
}

/// An item row that could not be read (a value of the wrong type, as in a
/// store changed by hand or by another program): skipped, and named, so one
/// bad row never makes the whole store unreadable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// "item 42", "feed `BBC`".
    pub row: String,
    pub why: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} cannot be read ({})", self.row, self.why)
    }
}

/// Whether an error is about one row's values (skip the row), not the query.
fn is_row_error(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::Utf8Error(..)
    )
}

/// Decodes every row of `rows` with `decode`, skipping (and recording in
/// `skipped`, named by `kind` and the key in column 0: an item's id, a feed's
/// name) those whose values cannot be read.
pub(super) fn lenient<T>(
    mut rows: rusqlite::Rows<'_>,
    kind: &str,
    decode: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    skipped: &std::cell::RefCell<Vec<Skipped>>,
) -> Result<Vec<T>, StoreError> {
    use rusqlite::types::ValueRef;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        match decode(r) {
            Ok(v) => out.push(v),
            Err(e) if is_row_error(&e) => {
                let key = match r.get_ref(0) {
                    Ok(ValueRef::Integer(i)) => i.to_string(),
                    Ok(ValueRef::Text(t)) => {
                        format!("`{}`", crate::text::sanitize(&String::from_utf8_lossy(t)))
                    }
                    _ => "?".to_string(),
                };
                let s = Skipped {
                    row: format!("{kind} {key}"),
                    why: e.to_string(),
                };
                tracing::warn!(%s, "skipped an unreadable row");
                skipped.borrow_mut().push(s);
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

pub(super) fn from_ts(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

const ITEM_COLUMNS: &str = "i.id, f.name, i.source, i.guid, i.link, i.title, i.text, i.published, i.fetched, i.read, i.labels";

/// The columns [`alert_row`] reads.
const ALERT_SELECT: &str =
    "SELECT a.item_id, a.alert, i.title, i.source, a.fired_at, a.quiet, a.acknowledged, i.ts
     FROM alerts_fired a JOIN items i ON i.id = a.item_id";

const OPEN_COUNT: &str = "SELECT count(*) FROM alerts_fired WHERE acknowledged = 0 AND quiet = 0";

const AFTER_ITEM: &str =
    "SELECT a.item_id, a.alert, i.title, i.source, a.fired_at, a.quiet, a.acknowledged, i.ts
     FROM alerts_fired a JOIN items i ON i.id = a.item_id
     WHERE a.item_id > ?1 ORDER BY a.item_id, a.alert LIMIT ?2";

/// The SQL of a page of alerts (see [`Reader::alerts_page`]); its arguments:
/// the row it starts past (fired at, item, alert) if `from`, then the limit.
fn alerts_sql(open_only: bool, from: bool, toward: Toward) -> String {
    let mut sql = format!("{ALERT_SELECT} WHERE 1");
    if open_only {
        sql.push_str(" AND a.acknowledged = 0 AND a.quiet = 0");
    }
    let (op, dir) = match toward {
        Toward::Older => ("<", "DESC"),
        Toward::Newer => (">", "ASC"),
    };
    if from {
        sql.push_str(&format!(
            " AND (a.fired_at, a.item_id, a.alert) {op} (?, ?, ?)"
        ));
    }
    sql.push_str(&format!(
        " ORDER BY a.fired_at {dir}, a.item_id {dir}, a.alert {dir} LIMIT ?"
    ));
    sql
}

fn alert_row(r: &Row<'_>) -> rusqlite::Result<AlertRow> {
    Ok(AlertRow {
        item: ItemId(r.get(0)?),
        alert: r.get(1)?,
        title: r.get(2)?,
        source: r.get(3)?,
        fired_at: from_ts(r.get(4)?),
        quiet: r.get(5)?,
        acknowledged: r.get(6)?,
        when: from_ts(r.get(7)?),
    })
}

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<StoredItem> {
    let title: String = r.get(5)?;
    let text: String = r.get(6)?;
    let labels = super::labels::decode(r.get_ref(10)?.as_str().unwrap_or(""), &title, &text);
    Ok(StoredItem {
        id: ItemId(r.get(0)?),
        feed: r.get(1)?,
        source: r.get(2)?,
        guid: r.get(3)?,
        link: r.get(4)?,
        title,
        text,
        published: r.get::<_, Option<i64>>(7)?.map(from_ts),
        fetched: from_ts(r.get(8)?),
        read: r.get(9)?,
        labels,
    })
}

impl Reader {
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "query_only", "ON")?;
        // Readers mostly scan once (the dashboard's pages, `list`): a small page
        // cache costs little time and keeps the dashboard's memory down.
        conn.pragma_update(None, "cache_size", -512)?;
        Ok(Reader {
            conn,
            blocks: Default::default(),
            skipped: Default::default(),
        })
    }

    /// A number that changes whenever another connection commits a change to
    /// the store (`PRAGMA data_version`): the dashboard polls it to see what
    /// other processes, or its own collector, wrote.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Stops this reader's queries whenever `stop` says so (asked every few
    /// thousand steps of SQLite's machine): the query then fails with an error
    /// for which [`StoreError::is_interrupted`] holds. The dashboard's query
    /// worker stops a search once a newer one is asked for.
    pub fn stop_when(
        &mut self,
        stop: impl FnMut() -> bool + Send + 'static,
    ) -> Result<(), StoreError> {
        self.conn.progress_handler(1000, Some(stop))?;
        Ok(())
    }

    /// A number that goes up whenever read marks, acknowledgements or
    /// deletions change (by any process).
    pub fn marks_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'marks'", [], |r| {
                r.get(0)
            })?)
    }

    /// The rows skipped since the last call, as unreadable (see [`Skipped`]).
    pub fn take_skipped(&self) -> Vec<Skipped> {
        std::mem::take(&mut self.skipped.borrow_mut())
    }

    pub fn item(&self, id: ItemId) -> Result<Option<StoredItem>, StoreError> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1 AND i.deleted = 0"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query([id.0])?;
        Ok(lenient(rows, "item", item_from_row, &self.skipped)?.pop())
    }

    pub fn count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM items WHERE deleted = 0", [], |r| {
                r.get(0)
            })?)
    }

    pub fn feeds(&self) -> Result<Vec<FeedState>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT f.name, f.url, f.items,
                    f.etag, f.last_modified, f.last_attempt, f.last_success, f.last_status, f.last_error,
                    f.last_latency_ms, f.last_bytes, f.last_new, f.last_seen, f.failure_streak, f.next_due, f.gone
             FROM feeds f ORDER BY f.name",
        )?;
        let rows = stmt.query([])?;
        let decode = |r: &Row<'_>| {
            Ok(FeedState {
                name: r.get(0)?,
                url: r.get(1)?,
                items: r.get(2)?,
                etag: r.get(3)?,
                last_modified: r.get(4)?,
                last_attempt: r.get::<_, Option<i64>>(5)?.map(from_ts),
                last_success: r.get::<_, Option<i64>>(6)?.map(from_ts),
                last_status: r.get(7)?,
                last_error: r.get(8)?,
                last_latency_ms: r.get(9)?,
                last_bytes: r.get(10)?,
                last_new: r.get(11)?,
                last_seen: r.get(12)?,
                failure_streak: r.get(13)?,
                next_due: r.get::<_, Option<i64>>(14)?.map(from_ts),
                gone: r.get(15)?,
            })
        };
        lenient(rows, "feed", decode, &self.skipped)
    }

    /// Fired alerts, newest first (the first page of [`Reader::alerts_page`]).
    pub fn alerts(&self, open_only: bool, limit: usize) -> Result<Vec<AlertRow>, StoreError> {
        self.alerts_page(open_only, None, Toward::Older, limit)
    }

    /// A page of fired alerts just past `from` toward `toward`, newest first:
    /// the open ones (not acknowledged, not quiet), or all.
    pub fn alerts_page(
        &self,
        open_only: bool,
        from: Option<&AlertRow>,
        toward: Toward,
        limit: usize,
    ) -> Result<Vec<AlertRow>, StoreError> {
        let mut args: Vec<Value> = Vec::new();
        if let Some(a) = from {
            args.push(Value::Integer(a.fired_at.timestamp_millis()));
            args.push(Value::Integer(a.item.0));
            args.push(Value::Text(a.alert.clone()));
        }
        args.push(Value::Integer(limit.min(i64::MAX as usize) as i64));
        let sql = alerts_sql(open_only, from.is_some(), toward);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query(params_from_iter(args))?;
        let mut out = lenient(rows, "item", alert_row, &self.skipped)?;
        if toward == Toward::Newer {
            out.reverse();
        }
        Ok(out)
    }

    /// How the store would read the alerts' pages, their count and those
    /// fired since an item (SQLite's query plans, one line a step): for the
    /// tests that check they use indexes.
    pub fn explain_alerts(&self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let mut queries = Vec::new();
        for open_only in [true, false] {
            for (from, toward) in [
                (false, Toward::Older),
                (true, Toward::Older),
                (true, Toward::Newer),
            ] {
                let sql = alerts_sql(open_only, from, toward);
                let n = if from { 4 } else { 1 };
                queries.push((
                    format!("open {open_only}, past a row {from}, {toward:?}"),
                    sql,
                    n,
                ));
            }
        }
        queries.push(("open count".into(), OPEN_COUNT.to_string(), 0));
        queries.push(("fired after an item".into(), AFTER_ITEM.to_string(), 2));
        let mut out = Vec::new();
        for (what, sql, n) in queries {
            let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let args = vec![Value::Integer(0); n];
            let mut rows = stmt.query(params_from_iter(args))?;
            let mut plan = Vec::new();
            while let Some(r) = rows.next()? {
                plan.push(r.get::<_, String>(3)?);
            }
            out.push((what, plan));
        }
        Ok(out)
    }

    /// How many alerts are open (not acknowledged, not quiet).
    pub fn open_alert_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row(OPEN_COUNT, [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// The alerts fired by items stored after item `after`, oldest first, at
    /// most `limit`.
    pub fn alerts_after_item(&self, after: i64, limit: usize) -> Result<Vec<AlertRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(AFTER_ITEM)?;
        let rows = stmt.query(rusqlite::params![after, limit as i64])?;
        lenient(rows, "item", alert_row, &self.skipped)
    }

    pub fn summary(&self) -> Result<Summary, StoreError> {
        let (items, unread): (i64, i64) = self.conn.query_row(
            "SELECT count(*), coalesce(sum(read = 0), 0) FROM items WHERE deleted = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let feeds = self
            .conn
            .query_row("SELECT count(*) FROM feeds", [], |r| r.get(0))?;
        let open_alerts = self.conn.query_row(
            "SELECT count(*) FROM alerts_fired WHERE acknowledged = 0 AND quiet = 0",
            [],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(
            "SELECT name, items FROM labels WHERE kind = 'topic' AND name <> '' AND items > 0
             ORDER BY items DESC, name",
        )?;
        let topics = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<(String, i64)>, _>>()?;
        Ok(Summary {
            items,
            unread,
            feeds,
            open_alerts,
            topics,
        })
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// An item as the dashboard keeps it: no body text, labels as ids, and the
/// evidence of its alerts only (what the panes highlight).
#[derive(Debug, Clone, PartialEq)]
pub struct DashRow {
    pub id: ItemId,
    pub feed: String,
    pub source: String,
    pub link: Option<String>,
    pub title: String,
    pub when: DateTime<Utc>,
    pub read: bool,
    pub topics: Vec<String>,
    pub parties: Vec<String>,
    pub alerts: Vec<String>,
    /// Evidence of the item's alerts (parsed only for items that have alerts).
    pub alert_evidence: Vec<crate::model::Evidence>,
}

impl Reader {
    /// Every item for the dashboard, oldest first (all pages of `dashboard_page`).
    pub fn dashboard_items(&self) -> Result<Vec<DashRow>, StoreError> {
        let mut out = Vec::new();
        let mut below = None;
        loop {
            let page = self.dashboard_page(below, 20_000)?;
            let Some(last) = page.last() else { break };
            below = Some(last.id);
            out.extend(page);
        }
        out.sort_by_key(|r| (r.when, r.id));
        Ok(out)
    }

    /// Up to `limit` items for the dashboard with ids below `below` (all when
    /// `None`), highest id (most recently stored) first: the dashboard shows the
    /// first page at once and loads the rest in the background. Labels come from
    /// `item_labels` by id range; JSON is parsed only for items with alerts.
    pub fn dashboard_page(
        &self,
        below: Option<ItemId>,
        limit: usize,
    ) -> Result<Vec<DashRow>, StoreError> {
        let below = below.map_or(i64::MAX, |b| b.0);
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, f.name, i.source, i.link, i.title, coalesce(i.published, i.fetched), i.read
             FROM items i JOIN feeds f ON f.id = i.feed_id
             WHERE i.id < ?1 AND i.deleted = 0 ORDER BY i.id DESC LIMIT ?2",
        )?;
        let rows = stmt.query(rusqlite::params![below, limit as i64])?;
        let mut rows: Vec<DashRow> = lenient(
            rows,
            "item",
            |r| {
                Ok(DashRow {
                    id: ItemId(r.get(0)?),
                    feed: r.get(1)?,
                    source: r.get(2)?,
                    link: r.get(3)?,
                    title: r.get(4)?,
                    when: from_ts(r.get(5)?),
                    read: r.get(6)?,
                    topics: Vec::new(),
                    parties: Vec::new(),
                    alerts: Vec::new(),
                    alert_evidence: Vec::new(),
                })
            },
            &self.skipped,
        )?;
        let (Some(hi), Some(lo)) = (rows.first().map(|r| r.id.0), rows.last().map(|r| r.id.0))
        else {
            return Ok(rows);
        };
        let index: std::collections::HashMap<i64, usize> =
            rows.iter().enumerate().map(|(i, r)| (r.id.0, i)).collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT item_id, tags FROM item_tags WHERE item_id BETWEEN ?1 AND ?2",
        )?;
        let mut tags = stmt.query([lo, hi])?;
        let mut with_alerts = Vec::new();
        while let Some(t) = tags.next()? {
            let Some(row) = index
                .get(&t.get::<_, i64>(0)?)
                .and_then(|i| rows.get_mut(*i))
            else {
                continue;
            };
            for (kind, label) in super::labels::parse_tags(t.get_ref(1)?.as_str().unwrap_or("")) {
                let label = label.to_string();
                match kind {
                    "topic" => row.topics.push(label),
                    "party" => row.parties.push(label),
                    "alert" => row.alerts.push(label),
                    _ => {}
                }
            }
            if !row.alerts.is_empty() {
                with_alerts.push(row.id.0);
            }
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT labels, title, text FROM items WHERE id = ?1")?;
        for id in with_alerts {
            let c = stmt.query_row([id], |r| {
                Ok(super::labels::decode(
                    r.get_ref(0)?.as_str().unwrap_or(""),
                    r.get_ref(1)?.as_str().unwrap_or(""),
                    r.get_ref(2)?.as_str().unwrap_or(""),
                ))
            })?;
            if let Some(row) = index.get(&id).and_then(|i| rows.get_mut(*i)) {
                row.alert_evidence = c.alerts.into_iter().flat_map(|l| l.evidence).collect();
            }
        }
        Ok(rows)
    }
}

impl Reader {
    /// The highest item id (0 for an empty store): an instant upper bound of
    /// the item count, for reserving memory once.
    pub fn max_item_id(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM items", [], |r| r.get(0))?)
    }
}
