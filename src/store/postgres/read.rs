//! The PostgreSQL store's reads: items a query selects, newest first, with
//! one analyst's read marks; feed health; fired alerts with that analyst's
//! acknowledgements. A query walks one label's list (`label_items`, in time
//! order) and tests the others by key, as the SQLite store does; search is
//! the same words in the same ways (`text::search::alternatives`) over the
//! `tsvector` of marsad's own keys.

use chrono::{DateTime, TimeZone, Utc};
use postgres::types::ToSql;
use postgres::{Client, Row};

use super::super::aggregate::{NO_TOPIC, feed_key};
use super::super::read::{AlertRow, FeedState};
use super::super::{ItemQuery, StoreError, labels};
use crate::model::{ItemId, StoredItem};
use crate::text::search::{Alt, alternatives, query_words};

pub(super) fn from_ts(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A `tsquery` (as text) asking for every one of `words` in any of its ways:
/// a prefix as written, or a whole index word. `None` when nothing
/// searchable was typed.
pub(super) fn ts_query(words: &[String]) -> Option<String> {
    let quote = |w: &str| format!("'{}'", w.replace('\\', "\\\\").replace('\'', "''"));
    let parts: Vec<String> = words
        .iter()
        .map(|w| {
            let alts: Vec<String> = alternatives(w)
                .iter()
                .map(|a| match a {
                    Alt::Prefix(p) => format!("{}:*", quote(p)),
                    Alt::Word(x) => quote(x),
                })
                .collect();
            format!("({})", alts.join(" | "))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" & "))
}

const ITEM_COLUMNS: &str = "i.id, f.name, i.source, i.guid, i.link, i.title, i.text, \
    i.published, i.fetched, i.labels, \
    EXISTS (SELECT 1 FROM reads r WHERE r.reader = $1 AND r.item_id = i.id)";

fn item(r: &Row) -> StoredItem {
    let title: String = r.get(5);
    let text: String = r.get(6);
    let labels = labels::decode(r.get::<_, &str>(9), &title, &text);
    StoredItem {
        id: ItemId(r.get(0)),
        feed: r.get(1),
        source: r.get(2),
        guid: r.get(3),
        link: r.get(4),
        title,
        text,
        published: r.get::<_, Option<i64>>(7).map(from_ts),
        fetched: from_ts(r.get(8)),
        read: r.get(10),
        labels,
    }
}

/// One item, as `user` sees it.
pub(super) fn item_by_id(
    c: &mut Client,
    user: &str,
    id: ItemId,
) -> Result<Option<StoredItem>, StoreError> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM items i JOIN feeds f ON f.id = i.feed_id
         WHERE i.id = $2 AND NOT i.deleted"
    );
    Ok(c.query_opt(&sql, &[&user, &id.0])?.as_ref().map(item))
}

/// The label ids a query names; `None` when one does not exist (nothing
/// matches).
fn query_labels(c: &mut Client, q: &ItemQuery) -> Result<Option<Vec<i64>>, StoreError> {
    let mut keys: Vec<String> = Vec::new();
    for (kind, name) in [
        ("topic", &q.topic),
        ("party", &q.party),
        ("alert", &q.alert),
    ] {
        if let Some(n) = name {
            keys.push(format!("{kind}:{n}"));
        }
    }
    if q.no_topic {
        keys.push(NO_TOPIC.to_string());
    }
    if let Some(name) = &q.feed {
        match c.query_opt("SELECT id FROM feeds WHERE name = $1", &[name])? {
            Some(r) => keys.push(feed_key(r.get(0))),
            None => return Ok(None),
        }
    }
    let mut ids = Vec::with_capacity(keys.len());
    for key in keys {
        let (kind, name) = key.split_once(':').unwrap_or((&key, ""));
        match c.query_opt(
            "SELECT id FROM labels WHERE kind = $1 AND name = $2",
            &[&kind, &name],
        )? {
            Some(r) => ids.push(r.get::<_, i64>(0)),
            None => return Ok(None),
        }
    }
    Ok(Some(ids))
}

/// Items `q` selects, newest first, at most `q.limit`, as `user` sees them.
pub(super) fn items(
    c: &mut Client,
    user: &str,
    q: &ItemQuery,
) -> Result<Vec<StoredItem>, StoreError> {
    let Some(labels) = query_labels(c, q)? else {
        return Ok(Vec::new());
    };
    let search = q.search_text().map(query_words);
    if search.as_ref().is_some_and(|w| w.is_empty()) {
        // Something was typed, none of it searchable: nothing is found.
        return Ok(Vec::new());
    }
    let tsq = search.as_deref().and_then(ts_query);
    let since = q.since.map(|s| s.timestamp_millis());
    let limit = q
        .limit
        .map_or(i64::MAX, |l| l.min(i64::MAX as usize) as i64);

    let mut args: Vec<Box<dyn ToSql + Sync>> = vec![Box::new(user.to_string())];
    let arg = |v: Box<dyn ToSql + Sync>, args: &mut Vec<Box<dyn ToSql + Sync>>| {
        args.push(v);
        format!("${}", args.len())
    };
    // The first label's list drives, in time order; the others are tested.
    let (from, ts_col) = match labels.first() {
        Some(&l) => {
            let p = arg(Box::new(l), &mut args);
            (
                format!(
                    "label_items d JOIN items i ON i.id = d.item AND NOT i.deleted
                     JOIN feeds f ON f.id = i.feed_id WHERE d.label = {p}"
                ),
                "d.ts",
            )
        }
        None => (
            "items i JOIN feeds f ON f.id = i.feed_id WHERE NOT i.deleted".to_string(),
            "i.ts",
        ),
    };
    let mut sql = format!("SELECT {ITEM_COLUMNS} FROM {from}");
    for &l in labels.iter().skip(1) {
        let p = arg(Box::new(l), &mut args);
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM label_items x WHERE x.label = {p} AND x.ts = i.ts AND x.item = i.id)"
        ));
    }
    if let Some(s) = since {
        let p = arg(Box::new(s), &mut args);
        sql.push_str(&format!(" AND {ts_col} >= {p}"));
    }
    if let Some(t) = tsq {
        let p = arg(Box::new(t), &mut args);
        sql.push_str(&format!(" AND i.search @@ {p}::text::tsquery"));
    }
    if q.unread_only {
        sql.push_str(
            " AND NOT EXISTS (SELECT 1 FROM reads r WHERE r.reader = $1 AND r.item_id = i.id)",
        );
    }
    let order = if labels.is_empty() {
        "i.ts DESC, i.id DESC"
    } else {
        "d.ts DESC, d.item DESC"
    };
    let p = arg(Box::new(limit), &mut args);
    sql.push_str(&format!(" ORDER BY {order} LIMIT {p}"));
    let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref()).collect();
    Ok(c.query(&sql, &params)?.iter().map(item).collect())
}

/// How many items the store holds (deleted ones not counted).
pub(super) fn count(c: &mut Client) -> Result<i64, StoreError> {
    Ok(
        c.query_one("SELECT count(*) FROM items WHERE NOT deleted", &[])?
            .get(0),
    )
}

pub(super) fn feeds(c: &mut Client) -> Result<Vec<FeedState>, StoreError> {
    let rows = c.query(
        "SELECT name, url, items, etag, last_modified, last_attempt, last_success, last_status,
                last_error, last_latency_ms, last_bytes, last_new, last_seen, failure_streak,
                next_due, gone
         FROM feeds ORDER BY name COLLATE \"C\"",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| FeedState {
            name: r.get(0),
            url: r.get(1),
            items: r.get(2),
            etag: r.get(3),
            last_modified: r.get(4),
            last_attempt: r.get::<_, Option<i64>>(5).map(from_ts),
            last_success: r.get::<_, Option<i64>>(6).map(from_ts),
            last_status: r
                .get::<_, Option<i32>>(7)
                .and_then(|s| u16::try_from(s).ok()),
            last_error: r.get(8),
            last_latency_ms: r.get(9),
            last_bytes: r.get(10),
            last_new: r.get(11),
            last_seen: r.get(12),
            failure_streak: u32::try_from(r.get::<_, i32>(13)).unwrap_or(0),
            next_due: r.get::<_, Option<i64>>(14).map(from_ts),
            gone: r.get(15),
        })
        .collect())
}

/// Fired alerts, newest first: the open ones for `user` (not acknowledged
/// by them, not quiet), or all, with `user`'s acknowledgements.
pub(super) fn alerts(
    c: &mut Client,
    user: &str,
    open_only: bool,
    limit: usize,
) -> Result<Vec<AlertRow>, StoreError> {
    let mut sql = String::from(
        "SELECT a.alert, a.item_id, i.title, i.source, i.ts, a.fired_at, a.quiet,
                EXISTS (SELECT 1 FROM alert_acks k
                        WHERE k.reader = $1 AND k.item_id = a.item_id AND k.alert = a.alert)
         FROM alerts_fired a JOIN items i ON i.id = a.item_id AND NOT i.deleted",
    );
    if open_only {
        sql.push_str(
            " WHERE NOT a.quiet AND NOT EXISTS (SELECT 1 FROM alert_acks k
               WHERE k.reader = $1 AND k.item_id = a.item_id AND k.alert = a.alert)",
        );
    }
    sql.push_str(" ORDER BY a.fired_at DESC, a.item_id DESC, a.alert DESC LIMIT $2");
    let limit = limit.min(i64::MAX as usize) as i64;
    Ok(c.query(&sql, &[&user, &limit])?
        .iter()
        .map(|r| AlertRow {
            alert: r.get(0),
            item: ItemId(r.get(1)),
            title: r.get(2),
            source: r.get(3),
            when: from_ts(r.get(4)),
            fired_at: from_ts(r.get(5)),
            quiet: r.get(6),
            acknowledged: r.get(7),
        })
        .collect())
}
