//! Pages of items in time order, for `list` and the dashboard's panes alike:
//! a query is planned against the labels it names (the smallest label's list
//! drives, the others are looked up by key), or the items' own time index
//! when it names none, or the search index when it has words to find
//! (`super::search`). Every page is found by keyset, just past a cursor,
//! never by offset; counts and sparklines come from the aggregates the writer
//! keeps, or, under filters, from a count that stops at a cap.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params_from_iter, types::Value};

use super::aggregate::{self, HOUR_MS};
use super::query::{Count, Cursor, ItemQuery, Toward};
use super::read::{DashRow, Reader, from_ts};
use super::{StoreError, labels};
use crate::model::{ItemId, StoredItem};

/// A query resolved against the store: the labels it names, as ids.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    /// (label id, its items) of every label the query names.
    pub labels: Vec<(i64, i64)>,
    /// What a candidate's tags line must hold (` topic:x `), or must not hold
    /// when the query asks for items with no topic.
    pub needles: Vec<String>,
    pub no_topic: bool,
    pub feed: Option<i64>,
    pub since: Option<i64>,
    pub unread_only: bool,
    /// A label it names does not exist: nothing matches.
    pub empty: bool,
}

impl Plan {
    pub fn new(c: &Connection, q: &ItemQuery) -> Result<Plan, StoreError> {
        let mut plan = Plan {
            labels: Vec::new(),
            needles: Vec::new(),
            no_topic: q.no_topic,
            feed: None,
            since: q.since.map(|s| s.timestamp_millis()),
            unread_only: q.unread_only,
            empty: false,
        };
        let mut keys: Vec<String> = Vec::new();
        for (kind, name) in [
            ("topic", &q.topic),
            ("party", &q.party),
            ("alert", &q.alert),
        ] {
            if let Some(n) = name {
                keys.push(format!("{kind}:{n}"));
                plan.needles.push(labels::tag(kind, n));
            }
        }
        if q.no_topic {
            keys.push(aggregate::NO_TOPIC.to_string());
        }
        if let Some(name) = &q.feed {
            let id: Option<i64> = c
                .prepare_cached("SELECT id FROM feeds WHERE name = ?1")?
                .query_row([name], |r| r.get(0))
                .optional()?;
            match id {
                Some(id) => {
                    plan.feed = Some(id);
                    keys.push(aggregate::feed_key(id));
                }
                None => plan.empty = true,
            }
        }
        let mut find =
            c.prepare_cached("SELECT id, items FROM labels WHERE kind = ?1 AND name = ?2")?;
        for key in keys {
            let (kind, name) = key.split_once(':').unwrap_or((&key, ""));
            match find
                .query_row([kind, name], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
            {
                Some(l) => plan.labels.push(l),
                None => plan.empty = true,
            }
        }
        // The smallest list drives.
        plan.labels.sort_by_key(|l| l.1);
        Ok(plan)
    }

    /// Whether an item with these facts is selected (the search path's test;
    /// the SQL paths say the same in SQL).
    pub fn admits(&self, ts: i64, read: bool, feed: i64, tags: &str) -> bool {
        !(self.empty
            || self.unread_only && read
            || self.since.is_some_and(|s| ts < s)
            || self.feed.is_some_and(|f| f != feed)
            || self.no_topic && tags.contains(" topic:")
            || self.needles.iter().any(|n| !tags.contains(n.as_str())))
    }

    /// A query whose counts the aggregates hold: at most one label, nothing else.
    fn simple(&self) -> bool {
        self.labels.len() <= 1 && !self.unread_only && self.since.is_none()
    }
}

/// The SQL that selects `plan`'s items (`id`, `ts`) past `from`, in order
/// away from it: the smallest label's list, or the items' time index.
pub(super) fn select_sql(
    plan: &Plan,
    from: Option<Cursor>,
    toward: Toward,
) -> (String, Vec<Value>) {
    let mut args = Vec::new();
    let (ts, id, mut sql) = match plan.labels.first() {
        Some((label, _)) => {
            args.push(Value::Integer(*label));
            (
                "l.ts",
                "l.item",
                String::from("SELECT l.item, l.ts FROM label_items l WHERE l.label = ?"),
            )
        }
        None => (
            "i.ts",
            "i.id",
            String::from("SELECT i.id, i.ts FROM items i WHERE i.deleted = 0"),
        ),
    };
    if let Some(c) = from {
        let op = if toward == Toward::Older { "<" } else { ">" };
        let _ = write!(sql, " AND ({ts}, {id}) {op} (?, ?)");
        args.push(Value::Integer(c.ts));
        args.push(Value::Integer(c.id.0));
    }
    if let Some(s) = plan.since {
        let _ = write!(sql, " AND {ts} >= ?");
        args.push(Value::Integer(s));
    }
    for (label, _) in plan.labels.iter().skip(1) {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM label_items x WHERE x.label = ? AND x.ts = l.ts AND x.item = l.item)",
        );
        args.push(Value::Integer(*label));
    }
    if plan.unread_only {
        if plan.labels.is_empty() {
            sql.push_str(" AND i.read = 0");
        } else {
            sql.push_str(" AND (SELECT read FROM items WHERE id = l.item) = 0");
        }
    }
    let dir = if toward == Toward::Older {
        "DESC"
    } else {
        "ASC"
    };
    let _ = write!(sql, " ORDER BY {ts} {dir}, {id} {dir}");
    (sql, args)
}

const ROW_COLUMNS: &str =
    "i.id, f.name, i.source, i.link, i.title, i.ts, i.read, coalesce(t.tags, ''), i.labels";

impl Reader {
    /// The items `q` selects just past `from` toward `toward` (from the newest
    /// when `None`), at most `limit`, newest first. `list` and every pane of
    /// the dashboard find their items here.
    pub fn select(
        &self,
        q: &ItemQuery,
        from: Option<Cursor>,
        toward: Toward,
        limit: usize,
    ) -> Result<Vec<Cursor>, StoreError> {
        let plan = Plan::new(&self.conn, q)?;
        if plan.empty || limit == 0 {
            return Ok(Vec::new());
        }
        if let Some(text) = q.search_text() {
            let mut found = self.search(text, &[plan], from, toward, limit)?;
            return Ok(found.pop().unwrap_or_default());
        }
        let (mut sql, mut args) = select_sql(&plan, from, toward);
        sql.push_str(" LIMIT ?");
        args.push(Value::Integer(limit.min(i64::MAX as usize) as i64));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query(params_from_iter(args))?;
        let mut out = super::read::lenient(rows, "item", cursor, &self.skipped)?;
        if toward == Toward::Newer {
            out.reverse();
        }
        Ok(out)
    }

    /// [`Reader::select`] for several queries at once: one pass over the
    /// search index serves every query that searches the same words (the
    /// dashboard's panes under `/`).
    pub fn select_each(
        &self,
        qs: &[ItemQuery],
        limit: usize,
    ) -> Result<Vec<Vec<Cursor>>, StoreError> {
        let text = qs.first().and_then(|q| q.search_text());
        let shared = text.is_some() && qs.iter().all(|q| q.search_text() == text);
        match text {
            Some(text) if shared => {
                let plans = qs
                    .iter()
                    .map(|q| Plan::new(&self.conn, q))
                    .collect::<Result<Vec<_>, _>>()?;
                self.search(text, &plans, None, Toward::Older, limit)
            }
            _ => qs
                .iter()
                .map(|q| self.select(q, None, Toward::Older, limit))
                .collect(),
        }
    }

    /// How many items `q` selects, and how many of them are unread: exact
    /// from the aggregates for a label (or every item) with no other filter,
    /// else counted up to `cap`.
    pub fn count_items(&self, q: &ItemQuery, cap: u64) -> Result<Count, StoreError> {
        let plan = Plan::new(&self.conn, q)?;
        if plan.empty {
            return Ok(Count::default());
        }
        if let Some(text) = q.search_text() {
            return self.search_count(text, &plan, cap);
        }
        if plan.simple() {
            let label = match plan.labels.first() {
                Some((l, _)) => Some(*l),
                None => self.label_id(aggregate::ALL)?,
            };
            let Some(label) = label else {
                return Ok(Count::default());
            };
            let (items, unread): (i64, i64) = self.conn.query_row(
                "SELECT items, unread FROM labels WHERE id = ?1",
                [label],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            return Ok(Count {
                items: items.max(0) as u64,
                unread: unread.max(0) as u64,
                capped: false,
            });
        }
        let (sql, mut args) = select_sql(&plan, None, Toward::Older);
        let read = if plan.labels.is_empty() {
            "i.read"
        } else {
            "(SELECT read FROM items WHERE id = l.item)"
        };
        // The same selection, its first columns swapped for the read mark.
        let sql = sql.replacen(
            if plan.labels.is_empty() {
                "SELECT i.id, i.ts"
            } else {
                "SELECT l.item, l.ts"
            },
            &format!("SELECT {read} AS r"),
            1,
        );
        let sql = format!("SELECT count(*), coalesce(sum(r = 0), 0) FROM ({sql} LIMIT ?)");
        args.push(Value::Integer(cap.min(i64::MAX as u64) as i64));
        let (items, unread): (i64, i64) = self
            .conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Count {
            items: items as u64,
            unread: unread as u64,
            capped: items as u64 >= cap,
        })
    }

    /// Items per clock hour over the 24 hours to `now` (the last entry is the
    /// current hour), for `q`.
    pub fn hours(&self, q: &ItemQuery, now: DateTime<Utc>) -> Result<[u64; 24], StoreError> {
        let mut out = [0u64; 24];
        let plan = Plan::new(&self.conn, q)?;
        if plan.empty {
            return Ok(out);
        }
        let last = now.timestamp_millis().div_euclid(HOUR_MS);
        let first = last - 23;
        let mut put = |hour: i64, n: u64| {
            if let Some(slot) = usize::try_from(hour - first)
                .ok()
                .and_then(|i| out.get_mut(i))
            {
                *slot += n;
            }
        };
        if plan.simple() && q.search_text().is_none() {
            let label = match plan.labels.first() {
                Some((l, _)) => Some(*l),
                None => self.label_id(aggregate::ALL)?,
            };
            if let Some(label) = label {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT hour, items FROM label_hours WHERE label = ?1 AND hour BETWEEN ?2 AND ?3",
                )?;
                let mut rows = stmt.query(rusqlite::params![label, first, last])?;
                while let Some(r) = rows.next()? {
                    put(r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64);
                }
            }
            return Ok(out);
        }
        // Under filters: the items of those hours (a day's worth at most).
        let mut day = q.clone();
        let start = first * HOUR_MS;
        day.since = Some(q.since.map_or(start, |s| s.timestamp_millis().max(start)))
            .and_then(|ms| chrono::TimeZone::timestamp_millis_opt(&Utc, ms).single());
        for c in self.select(&day, None, Toward::Older, HOURS_CAP)? {
            put(c.ts.div_euclid(HOUR_MS), 1);
        }
        Ok(out)
    }

    /// How the store would run `q` (SQLite's query plan, one line a step):
    /// for tests and benchmarks that check every query uses an index.
    pub fn explain(&self, q: &ItemQuery) -> Result<Vec<String>, StoreError> {
        let plan = Plan::new(&self.conn, q)?;
        let mut sqls = Vec::new();
        let mut args = Vec::new();
        if q.search_text().is_some() {
            sqls.push(super::search::STREAM_OLDER.to_string());
            args.push(vec![Value::Text("x".into()), Value::Integer(0)]);
            sqls.push(super::search::FACTS.to_string());
            args.push(vec![Value::Integer(0)]);
        } else {
            let (mut sql, mut a) = select_sql(
                &plan,
                Some(Cursor {
                    ts: 0,
                    id: ItemId(0),
                }),
                Toward::Older,
            );
            sql.push_str(" LIMIT ?");
            a.push(Value::Integer(50));
            sqls.push(sql);
            args.push(a);
        }
        let mut out = Vec::new();
        for (sql, a) in sqls.iter().zip(args) {
            let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let mut rows = stmt.query(params_from_iter(a))?;
            while let Some(r) = rows.next()? {
                out.push(r.get::<_, String>(3)?);
            }
        }
        Ok(out)
    }

    pub(super) fn label_id(&self, key: &str) -> Result<Option<i64>, StoreError> {
        let (kind, name) = key.split_once(':').unwrap_or((key, ""));
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM labels WHERE kind = ?1 AND name = ?2")?
            .query_row([kind, name], |r| r.get(0))
            .optional()?)
    }

    /// The dashboard's rows of the items at `at`, in that order (items gone
    /// since are left out).
    pub fn rows(&self, at: &[Cursor]) -> Result<Vec<DashRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLUMNS}, i.title, i.text FROM items i JOIN feeds f ON f.id = i.feed_id
             LEFT JOIN item_tags t ON t.item_id = i.id WHERE i.id = ?1 AND i.deleted = 0"
        ))?;
        let mut out = Vec::with_capacity(at.len());
        for c in at {
            let rows = stmt.query([c.id.0])?;
            out.extend(super::read::lenient(rows, "item", dash_row, &self.skipped)?);
        }
        Ok(out)
    }

    /// The rows of the items stored after item `after`, oldest first, at most
    /// `limit`: what is new since a reader last looked.
    pub fn rows_after(&self, after: ItemId, limit: usize) -> Result<Vec<DashRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, ts FROM items WHERE id > ?1 AND deleted = 0 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query(rusqlite::params![
            after.0,
            limit.min(i64::MAX as usize) as i64
        ])?;
        let at = super::read::lenient(rows, "item", cursor, &self.skipped)?;
        self.rows(&at)
    }

    /// The read marks of the items `ids` that are still there.
    pub fn read_marks(&self, ids: &[ItemId]) -> Result<Vec<(ItemId, bool)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT read FROM items WHERE id = ?1 AND deleted = 0")?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(read) = stmt.query_row([id.0], |r| r.get(0)).optional()? {
                out.push((*id, read));
            }
        }
        Ok(out)
    }

    /// A page of rows: [`Reader::select`] then [`Reader::rows`].
    pub fn page(
        &self,
        q: &ItemQuery,
        from: Option<Cursor>,
        toward: Toward,
        limit: usize,
    ) -> Result<Vec<DashRow>, StoreError> {
        let at = self.select(q, from, toward, limit)?;
        self.rows(&at)
    }

    /// Items matching `q`, newest first, whole (`list`); at most `q.limit`.
    pub fn items(&self, q: &ItemQuery) -> Result<Vec<StoredItem>, StoreError> {
        let mut out = Vec::new();
        self.each_item(q, |item| {
            out.push(item);
            Ok(())
        })?;
        Ok(out)
    }

    /// Calls `f` with each item `q` selects, newest first, page by page (an
    /// export of the whole store holds one page at a time).
    pub fn each_item(
        &self,
        q: &ItemQuery,
        mut f: impl FnMut(StoredItem) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut left = q.limit.unwrap_or(usize::MAX);
        let mut from = None;
        while left > 0 {
            let want = left.min(EACH_PAGE);
            let page = self.select(q, from, Toward::Older, want)?;
            for c in &page {
                if let Some(item) = self.item(c.id)? {
                    f(item)?;
                }
            }
            match page.last() {
                Some(last) if page.len() == want => from = Some(*last),
                _ => break,
            }
            left -= want;
        }
        Ok(())
    }
}

/// The cursor of a row of [`select_sql`].
pub(super) fn cursor(r: &rusqlite::Row<'_>) -> rusqlite::Result<Cursor> {
    Ok(Cursor {
        id: ItemId(r.get(0)?),
        ts: r.get(1)?,
    })
}

/// Rows read at a time by [`Reader::each_item`].
const EACH_PAGE: usize = 1000;
/// The most items a filtered sparkline counts (a day's worth of a big watch).
const HOURS_CAP: usize = 200_000;

/// A row of [`ROW_COLUMNS`] followed by title and text (for evidence).
fn dash_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DashRow> {
    let mut row = DashRow {
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
    };
    for (kind, label) in labels::parse_tags(r.get_ref(7)?.as_str().unwrap_or("")) {
        let label = label.to_string();
        match kind {
            "topic" => row.topics.push(label),
            "party" => row.parties.push(label),
            "alert" => row.alerts.push(label),
            _ => {}
        }
    }
    if !row.alerts.is_empty() {
        let c = labels::decode(
            r.get_ref(8)?.as_str().unwrap_or(""),
            r.get_ref(9)?.as_str().unwrap_or(""),
            r.get_ref(10)?.as_str().unwrap_or(""),
        );
        row.alert_evidence = c.alerts.into_iter().flat_map(|l| l.evidence).collect();
    }
    Ok(row)
}
