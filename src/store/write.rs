//! The store's writes, each run by the writer inside its own savepoint of a
//! transaction: ingesting a batch of items with deduplication and alert
//! bookkeeping, fetch state, read marks, acknowledgements and deletions.

use std::sync::Arc;
use std::time::Duration;

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params, types::Value};

use super::canon::{ItemKeys, canonical_link};
use super::sources::{self, Place};
use super::{StoreError, aggregate};
use crate::model::{FeedId, FiredAlert, ItemId, NewItem, StoredItem};

/// Names a feed (or the seeds pseudo-feed) in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRef {
    pub name: String,
    pub url: String,
}

/// What one poll of a feed found, besides its items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchRecord {
    pub attempted: DateTime<Utc>,
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    /// One line saying what went wrong; `None` on success (including 304).
    pub error: Option<String>,
    pub latency_ms: u64,
    pub bytes: u64,
    /// Validators to send next time; `None` keeps the stored ones.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_due: Option<DateTime<Utc>>,
    /// The feed moved permanently here (set only after a successful parse).
    pub new_url: Option<String>,
    /// The server said 410 Gone: polling stops.
    pub gone: bool,
    /// Items of the poll known before the pipeline (see `Reader::known`) and
    /// so not in the batch: counted as seen.
    pub known: usize,
}

/// Whether new items' alerts may ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertPolicy {
    /// Seed imports: alerts are recorded but quiet.
    Quiet,
    /// Feed items: quiet only for items older than `backfill` on the feed's first
    /// successful fetch.
    Live { backfill: Duration },
}

/// A batch to store in one transaction.
#[derive(Debug, Clone)]
pub struct IngestBatch {
    pub feed: FeedRef,
    pub items: Vec<NewItem>,
    pub fetch: Option<FetchRecord>,
    pub alerts: AlertPolicy,
    /// Whether the report gives the new items back ([`IngestReport::new`]).
    /// Without, it counts them, and each item is freed once it is prepared for
    /// the writer, on the thread that made it (a command that only counts
    /// spared the freeing of every item on its runtime's threads, 4.6% of an
    /// ingest's time).
    pub keep_items: bool,
}

/// What a batch did.
#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    pub feed: Option<FeedId>,
    /// How many items were new.
    pub added: usize,
    /// The items that were new, as stored (when the batch kept them).
    pub new: Vec<StoredItem>,
    /// Items the feed had already (or had, and they were deleted).
    pub seen: usize,
    /// Items another feed had brought first, by link and text: kept as
    /// sightings of that feed's item (see `sources`).
    pub sighted: usize,
    /// Alerts fired by the new items.
    pub fired: Vec<FiredAlert>,
}

pub(super) fn to_ts(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn feed_id(c: &Connection, feed: &FeedRef) -> Result<FeedId, StoreError> {
    let found: Option<i64> = c
        .prepare_cached("SELECT id FROM feeds WHERE name = ?1")?
        .query_row([&feed.name], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(FeedId(id));
    }
    c.prepare_cached("INSERT INTO feeds (name, url, config_url) VALUES (?1, ?2, ?2)")?
        .execute([&feed.name, &feed.url])?;
    Ok(FeedId(c.last_insert_rowid()))
}

pub(super) fn sync_feeds(c: &Connection, feeds: &[FeedRef]) -> Result<(), StoreError> {
    for f in feeds {
        let id = feed_id(c, f)?;
        // A feed that moved (permanent redirect) keeps its new URL until the
        // config's URL itself changes.
        c.prepare_cached(
            "UPDATE feeds SET url = ?2, config_url = ?2
             WHERE id = ?1 AND coalesce(config_url, '') <> ?2",
        )?
        .execute(params![id.0, f.url])?;
    }
    Ok(())
}

/// An item with its keys and serialized labels, computed on the caller's thread
/// so the single writer only writes.
pub(super) struct PreparedItem {
    /// What the writer reads besides the texts: the item's dates and the ids of
    /// the alerts it fires.
    published: Option<DateTime<Utc>>,
    date_is_fetch_time: bool,
    fetched: DateTime<Utc>,
    alerts: Vec<Cow<'static, str>>,
    /// The whole item, for the report, when the batch keeps its items.
    item: Option<Box<NewItem>>,
    hash: [u8; 16],
    /// Where each text the writer binds lies in the batch's `texts`.
    cols: Cols,
}

/// Byte ranges in [`Prepared::texts`].
struct Cols {
    guid: Option<Span>,
    link: Option<Span>,
    canon: Option<Span>,
    source: Span,
    title: Span,
    text: Span,
    lang: Span,
    labels: Span,
    tags: Span,
    search: Span,
    title_key: Span,
    text_key: Span,
}

/// A byte range of [`Prepared::texts`].
#[derive(Clone, Copy)]
pub(crate) struct Span(usize, usize);

impl Span {
    pub(crate) fn of(self, texts: &str) -> &str {
        texts.get(self.0..self.1).unwrap_or_default()
    }
}

/// A batch ready for the writer.
pub(super) struct Prepared {
    /// Every text the writer binds, item after item, in one buffer. The writer
    /// runs on another core than the one that made the batch: read in order
    /// from one buffer, the texts stream into its cache instead of missing it
    /// once for each of an item's dozen separate strings (binding them took 9%
    /// of the writer's time). Shared with the end-of-group full-text insert.
    texts: Arc<str>,
    feed: FeedRef,
    items: Vec<PreparedItem>,
    fetch: Option<FetchRecord>,
    alerts: AlertPolicy,
}

/// Computes what the writer needs for each item (canonical link, content hash,
/// search key, labels as JSON): the CPU part of an ingest. Labels that cannot
/// be encoded fail here, on the caller's thread, before the writer sees them.
pub(super) fn prepare(batch: IngestBatch) -> Result<Prepared, serde_json::Error> {
    let mut texts = String::with_capacity(
        batch
            .items
            .iter()
            .map(|i| 3 * (i.title.len() + i.text.len()) + 512)
            .sum(),
    );
    let mut put = |s: &str| {
        let start = texts.len();
        texts.push_str(s);
        Span(start, texts.len())
    };
    let keep = batch.keep_items;
    let items = batch
        .items
        .into_iter()
        .map(|mut item| {
            // The pipeline's keys, if they are this title's and text's.
            let keys = match item.keys.take() {
                Some(k) if k.fit(&item.title, &item.text) => k,
                _ => ItemKeys::of(&item.title, &item.text),
            };
            let canon = item.link.as_deref().and_then(canonical_link);
            let labels = super::labels::encode(&item.labels)?;
            let cols = Cols {
                guid: item.guid.as_deref().map(&mut put),
                link: item.link.as_deref().map(&mut put),
                canon: canon.as_deref().map(&mut put),
                source: put(&item.source),
                title: put(&item.title),
                text: put(&item.text),
                lang: put(&item.labels.lang),
                labels: put(&labels),
                tags: put(&super::labels::tags(&item.labels)),
                search: put(&keys.search),
                title_key: put(&keys.title_key),
                text_key: put(&keys.text_key),
            };
            Ok(PreparedItem {
                published: item.published,
                date_is_fetch_time: item.date_is_fetch_time,
                fetched: item.fetched,
                alerts: item.labels.alerts.iter().map(|a| a.id.clone()).collect(),
                item: keep.then(|| Box::new(item)),
                hash: keys.hash,
                cols,
            })
        })
        .collect::<Result<_, serde_json::Error>>()?;
    Ok(Prepared {
        texts: texts.into(),
        feed: batch.feed,
        items,
        fetch: batch.fetch,
        alerts: batch.alerts,
    })
}

/// What an ingest wrote, by position in its batch: the rest of the report is
/// built from the batch itself once the transaction has committed.
pub(super) struct Ingested {
    feed: FeedId,
    seen: usize,
    sighted: usize,
    /// Index in the batch of each new item, with its id and whether its alerts
    /// fired quietly.
    new: Vec<(usize, ItemId, bool)>,
    /// When the alerts fired.
    now: DateTime<Utc>,
}

/// Writes a prepared batch. It only borrows the batch, so the writer can run it
/// again in a transaction of its own if another write of its group failed.
pub(super) fn ingest(
    c: &Connection,
    deferred: &mut super::Deferred<'_>,
    batch: &Prepared,
) -> Result<Ingested, StoreError> {
    let feed = feed_id(c, &batch.feed)?;
    let first_fetch: bool = c
        .prepare_cached("SELECT last_success IS NULL FROM feeds WHERE id = ?1")?
        .query_row([feed.0], |r| r.get(0))?;
    let now = Utc::now();
    let mut out = Ingested {
        feed,
        seen: 0,
        sighted: 0,
        new: Vec::new(),
        now,
    };
    // Where each item goes is decided by `sources::place`; a repeat of a
    // guid the feed holds (tombstones included) hits the unique index on
    // (feed, guid) and is not inserted.
    let mut insert = c.prepare_cached(
        "INSERT OR IGNORE INTO items (feed_id, guid, link, canon_link, content_hash, source, title, text, lang,
                            published, date_is_fetch, fetched, labels)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let mut tag = c.prepare_cached("INSERT INTO item_tags (item_id, tags) VALUES (?1, ?2)")?;
    let mut fire = c.prepare_cached(
        "INSERT OR IGNORE INTO alerts_fired (item_id, alert, fired_at, quiet) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let texts = &*batch.texts;
    let all = deferred.labels.id(c, aggregate::ALL)?;
    let mut labels = Vec::new();
    for (i, p) in batch.items.iter().enumerate() {
        let PreparedItem {
            published,
            date_is_fetch_time,
            fetched,
            alerts,
            hash,
            cols,
            ..
        } = p;
        let opt = |s: Option<Span>| s.map(|s| s.of(texts));
        let keys = sources::Keys {
            guid: opt(cols.guid),
            canon: opt(cols.canon),
            hash,
        };
        match sources::place(c, feed.0, &keys)? {
            Place::Seen => {
                out.seen += 1;
                continue;
            }
            Place::Sighting(item) => {
                let seen = to_ts(*fetched);
                sources::record_sighting(c, item, feed.0, &keys, seen, published.map(to_ts))?;
                out.sighted += 1;
                continue;
            }
            Place::New => {}
        }
        let inserted = insert.execute(params![
            feed.0,
            opt(cols.guid),
            opt(cols.link),
            opt(cols.canon),
            &hash[..],
            cols.source.of(texts),
            cols.title.of(texts),
            cols.text.of(texts),
            cols.lang.of(texts),
            published.map(to_ts),
            *date_is_fetch_time,
            to_ts(*fetched),
            cols.labels.of(texts),
        ])?;
        if inserted == 0 {
            out.seen += 1;
            continue;
        }
        let id = ItemId(c.last_insert_rowid());
        let tags = cols.tags.of(texts);
        if !tags.is_empty() {
            tag.execute(params![id.0, tags])?;
        }
        deferred.fts.push((id.0, batch.texts.clone(), cols.search));
        let when = published.unwrap_or(*fetched);
        let ts = to_ts(when);
        deferred.stories.place(
            c,
            &super::stories::Placing {
                id: id.0,
                ts,
                lang: cols.lang.of(texts),
                source: cols.source.of(texts),
                title: cols.title.of(texts),
                text: cols.text.of(texts),
                title_key: cols.title_key.of(texts),
                text_key: cols.text_key.of(texts),
                tags,
            },
        )?;
        deferred.labels.of_item(c, tags, feed.0, &mut labels)?;
        aggregate::link(c, &labels, ts, id.0)?;
        deferred.deltas.item(&labels, all, ts, true, 1);
        deferred.deltas.block(id.0, ts);

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
        for a in alerts {
            fire.execute(params![id.0, a, to_ts(now), quiet])?;
        }
        out.new.push((i, id, quiet));
    }
    if !out.new.is_empty() {
        c.prepare_cached("UPDATE feeds SET items = items + ?2 WHERE id = ?1")?
            .execute(params![feed.0, out.new.len() as i64])?;
    }
    if let Some(f) = &batch.fetch {
        record_fetch(c, feed, f, out.new.len() + out.sighted, out.seen + f.known)?;
    }
    Ok(out)
}

/// The report of a committed ingest: its new items, moved out of the batch
/// (or counted), and the alerts they fired.
pub(super) fn report(batch: Prepared, done: Ingested) -> IngestReport {
    let kept = batch.items.first().is_some_and(|p| p.item.is_some());
    let mut new = Vec::with_capacity(if kept { done.new.len() } else { 0 });
    let mut fired = Vec::with_capacity(
        done.new
            .iter()
            .filter_map(|&(i, ..)| batch.items.get(i))
            .map(|p| p.alerts.len())
            .sum(),
    );
    let added = done.new.len();
    let mut wanted = done.new.into_iter().peekable();
    for (i, p) in batch.items.into_iter().enumerate() {
        let Some((_, id, quiet)) = wanted.next_if(|(j, _, _)| *j == i) else {
            continue;
        };
        // Every alert of a new item fired (and was recorded) in the transaction.
        fired.extend(p.alerts.iter().map(|a| FiredAlert {
            alert: a.to_string(),
            item: id,
            fired_at: done.now,
            quiet,
            acknowledged: false,
        }));
        if let Some(item) = p.item {
            let item = *item;
            new.push(StoredItem {
                id,
                feed: batch.feed.name.clone(),
                source: item.source,
                guid: item.guid,
                link: item.link,
                title: item.title,
                text: item.text,
                published: item.published,
                fetched: item.fetched,
                read: false,
                labels: item.labels,
            });
        }
    }
    IngestReport {
        feed: Some(done.feed),
        added,
        new,
        seen: done.seen,
        sighted: done.sighted,
        fired,
    }
}

fn record_fetch(
    c: &Connection,
    feed: FeedId,
    f: &FetchRecord,
    new: usize,
    seen: usize,
) -> Result<(), StoreError> {
    let ok = f.error.is_none();
    c.prepare_cached(
        "UPDATE feeds SET
            last_attempt = ?2, last_status = ?3, last_error = ?4, last_latency_ms = ?5, last_bytes = ?6,
            last_new = ?7, last_seen = ?8, next_due = ?9, gone = gone OR ?10,
            last_success   = CASE WHEN ?11 THEN ?2 ELSE last_success END,
            failure_streak = CASE WHEN ?11 THEN 0 ELSE failure_streak + 1 END,
            etag           = CASE WHEN ?11 AND ?12 IS NOT NULL THEN ?12 ELSE etag END,
            last_modified  = CASE WHEN ?11 AND ?13 IS NOT NULL THEN ?13 ELSE last_modified END,
            url            = coalesce(?14, url)
         WHERE id = ?1",
    )?
    .execute(params![
        feed.0,
        to_ts(f.attempted),
        f.status,
        f.error,
        f.latency_ms as i64,
        f.bytes as i64,
        new as i64,
        seen as i64,
        f.next_due.map(to_ts),
        f.gone,
        ok,
        f.etag,
        f.last_modified,
        f.new_url,
    ])?;
    Ok(())
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(",")
}
/// What the aggregates need of a live item: its time, read mark, feed and
/// tags line.
fn facts(c: &Connection, id: ItemId) -> Result<Option<(i64, bool, i64, String)>, StoreError> {
    Ok(c.prepare_cached(
        "SELECT i.ts, i.read, i.feed_id, coalesce(t.tags, '')
             FROM items i LEFT JOIN item_tags t ON t.item_id = i.id
             WHERE i.id = ?1 AND i.deleted = 0",
    )?
    .query_row([id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
    .optional()?)
}

pub(super) fn mark_read(
    c: &Connection,
    d: &mut super::Deferred<'_>,
    items: &[ItemId],
    read: bool,
) -> Result<usize, StoreError> {
    let all = d.labels.id(c, aggregate::ALL)?;
    let mut labels = Vec::new();
    let mut n = 0;
    // A statement for each 500 items, not one for each item: the facts of
    // those whose mark changes (for the labels' unread counts), then the
    // marks themselves.
    for chunk in items.chunks(MARK_CHUNK) {
        let ids = placeholders(chunk.len());
        let args = || {
            std::iter::once(Value::Integer(read.into()))
                .chain(chunk.iter().map(|i| Value::Integer(i.0)))
        };
        let mut changing: Vec<(i64, String)> = Vec::with_capacity(chunk.len());
        {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT i.feed_id, coalesce(t.tags, '')
                 FROM items i LEFT JOIN item_tags t ON t.item_id = i.id
                 WHERE i.read <> ?1 AND i.deleted = 0 AND i.id IN ({ids})"
            ))?;
            let mut rows = stmt.query(rusqlite::params_from_iter(args()))?;
            while let Some(r) = rows.next()? {
                changing.push((r.get(0)?, r.get(1)?));
            }
        }
        if changing.is_empty() {
            continue;
        }
        let changed = c
            .prepare_cached(&format!(
                "UPDATE items SET read = ?1 WHERE read <> ?1 AND deleted = 0 AND id IN ({ids})"
            ))?
            .execute(rusqlite::params_from_iter(args()))?;
        debug_assert_eq!(changed, changing.len());
        for (feed, tags) in &changing {
            d.labels.of_item(c, tags, *feed, &mut labels)?;
            d.deltas.read(&labels, all, read);
        }
        n += changed;
    }
    if n > 0 {
        bump_marks(c)?;
    }
    Ok(n)
}

/// Items whose read marks one statement sets.
const MARK_CHUNK: usize = 500;

/// Tells readers that read marks, acknowledgements or bookmarks changed.
pub(super) fn bump_marks(c: &Connection) -> Result<(), StoreError> {
    c.prepare_cached("UPDATE meta SET value = value + 1 WHERE key = 'marks'")?
        .execute([])?;
    Ok(())
}

pub(super) fn acknowledge(c: &Connection, items: Option<&[ItemId]>) -> Result<usize, StoreError> {
    let n = match items {
        // Every open alert in one statement, however many there are.
        None => c.execute(
            "UPDATE alerts_fired SET acknowledged = 1 WHERE acknowledged = 0",
            [],
        )?,
        Some(items) => {
            let mut n = 0;
            for chunk in items.chunks(500) {
                let sql = format!(
                    "UPDATE alerts_fired SET acknowledged = 1 WHERE acknowledged = 0 AND item_id IN ({})",
                    placeholders(chunk.len())
                );
                n += c.execute(&sql, rusqlite::params_from_iter(chunk.iter().map(|i| i.0)))?;
            }
            n
        }
    };
    if n > 0 {
        bump_marks(c)?;
    }
    Ok(n)
}

pub(super) fn delete(
    c: &Connection,
    d: &mut super::Deferred<'_>,
    items: &[ItemId],
) -> Result<usize, StoreError> {
    let all = d.labels.id(c, aggregate::ALL)?;
    let mut labels = Vec::new();
    let mut n = 0;
    for id in items {
        let Some((ts, read, feed, tags)) = facts(c, *id)? else {
            continue;
        };
        c.prepare_cached(
            "UPDATE items SET deleted = 1, title = '', text = '', labels = '{}' WHERE id = ?1",
        )?
        .execute([id.0])?;
        c.prepare_cached("UPDATE feeds SET items = items - 1 WHERE id = ?1")?
            .execute([feed])?;
        c.prepare_cached("DELETE FROM item_tags WHERE item_id = ?1")?
            .execute([id.0])?;
        c.prepare_cached("DELETE FROM alerts_fired WHERE item_id = ?1")?
            .execute([id.0])?;
        d.labels.of_item(c, &tags, feed, &mut labels)?;
        aggregate::unlink(c, &labels, ts, id.0)?;
        d.deltas.item(&labels, all, ts, !read, -1);
        // The item's search entry stays (the index keeps no row sizes,
        // and FTS5 then deletes only given the text indexed): searches
        // skip deleted items.
        n += 1;
    }
    if n > 0 {
        bump_marks(c)?;
    }
    Ok(n)
}
