//! The PostgreSQL store's writes: a batch of a feed's items in one
//! transaction, deduplicated by the same keys as the SQLite store (the
//! feed's guid, the canonical link, the content hash, deleted items
//! included), labelled, and with the alerts of its new items recorded once
//! for the whole team (an item two collectors bring at once is inserted by
//! one of them; the other finds it there).

use chrono::{DateTime, Utc};
use postgres::Transaction;

use super::super::aggregate::{NO_TOPIC, feed_key};
use super::super::canon::{ItemKeys, canonical_link};
use super::super::write::{AlertPolicy, FeedRef, FetchRecord, IngestBatch, IngestReport};
use super::super::{StoreError, labels};
use super::team::{self, Change};
use crate::model::{FeedId, FiredAlert, ItemId, StoredItem};

pub(super) fn to_ts(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The longest word the search index keeps: PostgreSQL refuses a lexeme of
/// 2,048 bytes or more, and no word of a headline is that long.
const MAX_WORD: usize = 2_047;

/// The feed's id, the feed made on first sight.
pub(super) fn feed_id(tx: &mut Transaction<'_>, feed: &FeedRef) -> Result<FeedId, StoreError> {
    if let Some(r) = tx.query_opt("SELECT id FROM feeds WHERE name = $1", &[&feed.name])? {
        return Ok(FeedId(r.get(0)));
    }
    // Two collectors making it at once: one inserts, both read it.
    tx.execute(
        "INSERT INTO feeds (name, url, config_url, host) VALUES ($1, $2, $2, $3)
         ON CONFLICT (name) DO NOTHING",
        &[&feed.name, &feed.url, &host_of(&feed.url)],
    )?;
    let r = tx.query_one("SELECT id FROM feeds WHERE name = $1", &[&feed.name])?;
    Ok(FeedId(r.get(0)))
}

/// The host a feed's URL names (lower case), for politeness across
/// collectors; empty when it names none.
pub fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

pub(super) fn sync_feeds(tx: &mut Transaction<'_>, feeds: &[FeedRef]) -> Result<(), StoreError> {
    for f in feeds {
        let id = feed_id(tx, f)?;
        // A feed that moved (permanent redirect) keeps its new URL until the
        // config's URL itself changes.
        tx.execute(
            "UPDATE feeds SET url = $2, config_url = $2, host = $3
             WHERE id = $1 AND coalesce(config_url, '') <> $2",
            &[&id.0, &f.url, &host_of(&f.url)],
        )?;
    }
    Ok(())
}

/// The id of the label `key` (`kind:name`, as in a tags line), made on
/// first use.
fn label_id(tx: &mut Transaction<'_>, key: &str) -> Result<i64, StoreError> {
    let (kind, name) = key.split_once(':').unwrap_or((key, ""));
    if let Some(r) = tx.query_opt(
        "SELECT id FROM labels WHERE kind = $1 AND name = $2",
        &[&kind, &name],
    )? {
        return Ok(r.get(0));
    }
    tx.execute(
        "INSERT INTO labels (kind, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&kind, &name],
    )?;
    Ok(tx
        .query_one(
            "SELECT id FROM labels WHERE kind = $1 AND name = $2",
            &[&kind, &name],
        )?
        .get(0))
}

/// The words of a search key (from `ItemKeys`), each once, as the index
/// takes them.
pub(super) fn index_words(key: &str) -> Vec<&str> {
    let mut words: Vec<&str> = key
        .split(' ')
        .filter(|w| !w.is_empty() && w.len() <= MAX_WORD)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// Writes a batch in the transaction `tx`; the report is whole (the new
/// items given back when the batch keeps them).
pub(super) fn ingest(
    tx: &mut Transaction<'_>,
    batch: &IngestBatch,
) -> Result<IngestReport, StoreError> {
    let feed = feed_id(tx, &batch.feed)?;
    let first_fetch: bool = tx
        .query_one(
            "SELECT last_success IS NULL FROM feeds WHERE id = $1",
            &[&feed.0],
        )?
        .get(0);
    let now = Utc::now();
    let insert = tx.prepare(
        "INSERT INTO items (feed_id, guid, link, canon_link, content_hash, source, title, text,
                            lang, published, date_is_fetch, fetched, ts, labels, tags, search)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                 array_to_tsvector($16::text[]))
         ON CONFLICT DO NOTHING
         RETURNING id",
    )?;
    let link = tx.prepare(
        "INSERT INTO label_items (label, ts, item) SELECT unnest($1::bigint[]), $2, $3
         ON CONFLICT DO NOTHING",
    )?;
    let fire = tx.prepare(
        "INSERT INTO alerts_fired (item_id, alert, fired_at, quiet) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )?;
    let mut report = IngestReport {
        feed: Some(feed),
        ..IngestReport::default()
    };
    let feed_label = label_id(tx, &feed_key(feed.0))?;
    let mut max_id: Option<i64> = None;
    for item in &batch.items {
        let keys = match &item.keys {
            Some(k) if k.fit(&item.title, &item.text) => k.clone(),
            _ => ItemKeys::of(&item.title, &item.text),
        };
        let canon = item.link.as_deref().and_then(canonical_link);
        let encoded = labels::encode(&item.labels)?;
        let tags = labels::tags(&item.labels);
        let when = item.published.unwrap_or(item.fetched);
        let ts = to_ts(when);
        let words = index_words(&keys.search);
        let row = tx.query_opt(
            &insert,
            &[
                &feed.0,
                &item.guid,
                &item.link,
                &canon,
                &&keys.hash[..],
                &item.source,
                &item.title,
                &item.text,
                &item.labels.lang,
                &item.published.map(to_ts),
                &item.date_is_fetch_time,
                &to_ts(item.fetched),
                &ts,
                &encoded,
                &tags,
                &words,
            ],
        )?;
        let Some(row) = row else {
            report.seen += 1;
            continue;
        };
        let id = ItemId(row.get(0));
        max_id = max_id.max(Some(id.0));
        let mut label_ids = vec![feed_label];
        let mut topic = false;
        for tag in tags.split_ascii_whitespace() {
            topic |= tag.starts_with("topic:");
            label_ids.push(label_id(tx, tag)?);
        }
        if !topic {
            label_ids.push(label_id(tx, NO_TOPIC)?);
        }
        tx.execute(&link, &[&label_ids, &ts, &id.0])?;
        let quiet = match batch.alerts {
            AlertPolicy::Quiet => true,
            AlertPolicy::Live { backfill } => {
                first_fetch
                    && now
                        .signed_duration_since(when)
                        .to_std()
                        .is_ok_and(|age| age > backfill)
            }
        };
        for a in &item.labels.alerts {
            let alert: &str = &a.id;
            if tx.execute(&fire, &[&id.0, &alert, &to_ts(now), &quiet])? == 1 {
                report.fired.push(FiredAlert {
                    alert: alert.to_string(),
                    item: id,
                    fired_at: now,
                    quiet,
                    acknowledged: false,
                });
            }
        }
        report.added += 1;
        if batch.keep_items {
            report.new.push(StoredItem {
                id,
                feed: batch.feed.name.clone(),
                source: item.source.clone(),
                guid: item.guid.clone(),
                link: item.link.clone(),
                title: item.title.clone(),
                text: item.text.clone(),
                published: item.published,
                fetched: item.fetched,
                read: false,
                labels: item.labels.clone(),
            });
        }
    }
    if report.added > 0 {
        tx.execute(
            "UPDATE feeds SET items = items + $2 WHERE id = $1",
            &[&feed.0, &(report.added as i64)],
        )?;
    }
    if let Some(f) = &batch.fetch {
        record_fetch(tx, feed, f, report.added, report.seen + f.known)?;
    }
    // One notification for the whole batch, delivered at its commit.
    if let Some(max_id) = max_id {
        team::notify(tx, &Change::Items { max_id })?;
    } else if batch.fetch.is_some() {
        team::notify(tx, &Change::Feeds)?;
    }
    Ok(report)
}

/// Records a poll; it ends the feed's lease (the poll is over).
fn record_fetch(
    tx: &mut Transaction<'_>,
    feed: FeedId,
    f: &FetchRecord,
    new: usize,
    seen: usize,
) -> Result<(), StoreError> {
    let ok = f.error.is_none();
    tx.execute(
        "UPDATE feeds SET
            last_attempt = $2, last_status = $3, last_error = $4, last_latency_ms = $5,
            last_bytes = $6, last_new = $7, last_seen = $8, next_due = $9, gone = gone OR $10,
            last_success   = CASE WHEN $11 THEN $2 ELSE last_success END,
            failure_streak = CASE WHEN $11 THEN 0 ELSE failure_streak + 1 END,
            etag           = CASE WHEN $11 AND $12::text IS NOT NULL THEN $12 ELSE etag END,
            last_modified  = CASE WHEN $11 AND $13::text IS NOT NULL THEN $13 ELSE last_modified END,
            url            = coalesce($14, url),
            host           = coalesce($15, host),
            leased_by      = NULL,
            lease_until    = NULL
         WHERE id = $1",
        &[
            &feed.0,
            &to_ts(f.attempted),
            &f.status.map(i32::from),
            &f.error,
            &(f.latency_ms.min(i64::MAX as u64) as i64),
            &(f.bytes.min(i64::MAX as u64) as i64),
            &(new as i64),
            &(seen as i64),
            &f.next_due.map(to_ts),
            &f.gone,
            &ok,
            &f.etag,
            &f.last_modified,
            &f.new_url,
            &f.new_url.as_deref().map(host_of),
        ],
    )?;
    Ok(())
}

/// Marks items read or unread for one analyst; how many changed.
pub(super) fn mark_read(
    tx: &mut Transaction<'_>,
    user: &str,
    items: &[ItemId],
    read: bool,
) -> Result<usize, StoreError> {
    let ids: Vec<i64> = items.iter().map(|i| i.0).collect();
    let n = if read {
        tx.execute(
            "INSERT INTO reads (reader, item_id)
             SELECT $1, i.id FROM items i WHERE i.id = ANY($2) AND NOT i.deleted
             ON CONFLICT DO NOTHING",
            &[&user, &ids],
        )?
    } else {
        tx.execute(
            "DELETE FROM reads WHERE reader = $1 AND item_id = ANY($2)",
            &[&user, &ids],
        )?
    };
    if n > 0 {
        bump_marks(tx, user)?;
    }
    Ok(n as usize)
}

/// Acknowledges for one analyst the alerts of these items, or all, as the
/// SQLite store does; how many were open for them.
pub(super) fn acknowledge(
    tx: &mut Transaction<'_>,
    user: &str,
    items: Option<&[ItemId]>,
) -> Result<usize, StoreError> {
    let now = to_ts(Utc::now());
    let n = match items {
        Some(items) => {
            let ids: Vec<i64> = items.iter().map(|i| i.0).collect();
            tx.execute(
                "INSERT INTO alert_acks (reader, item_id, alert, acked_at)
                 SELECT $1, a.item_id, a.alert, $2 FROM alerts_fired a
                 WHERE a.item_id = ANY($3)
                 ON CONFLICT DO NOTHING",
                &[&user, &now, &ids],
            )?
        }
        None => tx.execute(
            "INSERT INTO alert_acks (reader, item_id, alert, acked_at)
             SELECT $1, a.item_id, a.alert, $2 FROM alerts_fired a
             ON CONFLICT DO NOTHING",
            &[&user, &now],
        )?,
    };
    if n > 0 {
        bump_marks(tx, user)?;
    }
    Ok(n as usize)
}

/// One analyst's marks changed: the counter and the notification their
/// dashboards watch.
fn bump_marks(tx: &mut Transaction<'_>, user: &str) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ($1, 1)
         ON CONFLICT (key) DO UPDATE SET value = meta.value + 1",
        &[&format!("marks:{user}")],
    )?;
    team::notify(
        tx,
        &Change::Marks {
            user: user.to_string(),
        },
    )
}
