//! The PostgreSQL store's writes: a batch of a feed's items in one
//! transaction, placed by the same rules as the SQLite store (`sources`: the
//! same item of the feed, a sighting of another feed's, or new; deleted items
//! included), labelled, and with the alerts of its new items recorded once
//! for the whole team (an item two collectors bring at once is inserted by
//! one of them; the other finds it there).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use postgres::Transaction;

use super::super::aggregate::{NO_TOPIC, feed_key};
use super::super::canon::{ItemKeys, canonical_link};
use super::super::sources::{Keys, Place};
use super::super::write::{AlertPolicy, FeedRef, FetchRecord, IngestBatch, IngestReport};
use super::super::{StoreError, labels};
use super::sources;
use super::team::{self, Change};
use crate::model::{FeedId, FiredAlert, ItemId, NewItem, StoredItem};

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
/// items given back when the batch keeps them). A handful of statements per
/// batch, whatever its size: the items in one INSERT (rows in batch order,
/// so ids follow it as on SQLite), their labels, label lists and alerts in
/// one each.
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
    let mut report = IngestReport {
        feed: Some(feed),
        ..IngestReport::default()
    };
    let n = batch.items.len();
    let mut cols = Columns::with_capacity(n);
    for item in &batch.items {
        cols.push(item)?;
    }
    // Where each item goes (`sources`): only the new ones are inserted, each
    // identity of the feed once.
    let mut chosen: Vec<usize> = Vec::with_capacity(n);
    let mut in_batch: HashSet<String> = HashSet::with_capacity(n);
    for i in 0..n {
        let Ok(hash) = <&[u8; 16]>::try_from(cols.hash[i].as_slice()) else {
            continue;
        };
        let k = Keys {
            guid: cols.guid[i].as_deref(),
            canon: cols.canon[i].as_deref(),
            hash,
        };
        if !in_batch.insert(identity(&k)) {
            report.seen += 1;
            continue;
        }
        match sources::place(tx, feed.0, &k)? {
            Place::Seen => report.seen += 1,
            Place::Sighting(of) => {
                let item = &batch.items[i];
                let (seen, published) = (to_ts(item.fetched), item.published.map(to_ts));
                sources::record_sighting(tx, of, feed.0, &k, seen, published)?;
                report.sighted += 1;
            }
            Place::New => chosen.push(i),
        }
    }
    let mut ins = Columns::with_capacity(chosen.len());
    for &i in &chosen {
        ins.push(&batch.items[i])?;
    }
    let rows = if chosen.is_empty() {
        Vec::new()
    } else {
        tx.query(
            "INSERT INTO items (feed_id, guid, link, canon_link, content_hash, source, title,
                                text, lang, published, date_is_fetch, fetched, ts, labels, tags,
                                search)
             SELECT $1, u.guid, u.link, u.canon, u.hash, u.source, u.title, u.text, u.lang,
                    u.published, u.dif, u.fetched, u.ts, u.labels, u.tags,
                    array_to_tsvector(string_to_array(u.words, ' '))
             FROM unnest($2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[],
                         $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bool[],
                         $12::bigint[], $13::bigint[], $14::text[], $15::text[], $16::text[])
                  WITH ORDINALITY
                  AS u(guid, link, canon, hash, source, title, text, lang, published, dif,
                       fetched, ts, labels, tags, words, ord)
             ORDER BY u.ord
             ON CONFLICT DO NOTHING
             RETURNING id, guid, canon_link, content_hash",
            &[
                &feed.0,
                &ins.guid,
                &ins.link,
                &ins.canon,
                &ins.hash,
                &ins.source,
                &ins.title,
                &ins.text,
                &ins.lang,
                &ins.published,
                &ins.date_is_fetch,
                &ins.fetched,
                &ins.ts,
                &ins.labels,
                &ins.tags,
                &ins.words,
            ],
        )?
    };
    // Which of the batch's items were new: by their identity in the feed,
    // once each among those inserted.
    let by_key: HashMap<String, usize> = chosen
        .iter()
        .filter_map(|&i| {
            let hash = <&[u8; 16]>::try_from(cols.hash[i].as_slice()).ok()?;
            let k = Keys {
                guid: cols.guid[i].as_deref(),
                canon: cols.canon[i].as_deref(),
                hash,
            };
            Some((identity(&k), i))
        })
        .collect();
    let mut new: Vec<(usize, ItemId)> = rows
        .iter()
        .filter_map(|r| {
            let hash = <&[u8; 16]>::try_from(r.get::<_, &[u8]>(3)).ok()?;
            let k = Keys {
                guid: r.get(1),
                canon: r.get(2),
                hash,
            };
            by_key.get(&identity(&k)).map(|&i| (i, ItemId(r.get(0))))
        })
        .collect();
    new.sort_unstable_by_key(|&(i, _)| i);
    report.added = new.len();
    report.seen += chosen.len() - new.len();

    // Labels: each new item under its tags, its feed, and "no topic" when
    // it has none.
    let feed_key = feed_key(feed.0);
    let mut keys: Vec<&str> = vec![&feed_key, NO_TOPIC];
    for &(i, _) in &new {
        keys.extend(cols.tags[i].split_ascii_whitespace());
    }
    keys.sort_unstable();
    keys.dedup();
    let ids = label_ids(tx, &keys)?;
    let (mut l_label, mut l_ts, mut l_item) = (Vec::new(), Vec::new(), Vec::new());
    let (mut a_item, mut a_alert, mut a_quiet) = (Vec::new(), Vec::new(), Vec::new());
    for &(i, id) in &new {
        let item = &batch.items[i];
        let ts = cols.ts[i];
        let mut topic = false;
        let tags = cols.tags[i].split_ascii_whitespace();
        for key in tags.chain([feed_key.as_str()]) {
            topic |= key.starts_with("topic:");
            l_label.push(ids[key]);
            l_ts.push(ts);
            l_item.push(id.0);
        }
        if !topic {
            l_label.push(ids[NO_TOPIC]);
            l_ts.push(ts);
            l_item.push(id.0);
        }
        let quiet = match batch.alerts {
            AlertPolicy::Quiet => true,
            AlertPolicy::Live { backfill } => {
                first_fetch
                    && now
                        .signed_duration_since(item.published.unwrap_or(item.fetched))
                        .to_std()
                        .is_ok_and(|age| age > backfill)
            }
        };
        for a in &item.labels.alerts {
            a_item.push(id.0);
            a_alert.push(a.id.as_ref());
            a_quiet.push(quiet);
        }
    }
    if !l_item.is_empty() {
        tx.execute(
            "INSERT INTO label_items (label, ts, item)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])
             ON CONFLICT DO NOTHING",
            &[&l_label, &l_ts, &l_item],
        )?;
    }
    let fired: HashSet<(i64, String)> = if a_item.is_empty() {
        HashSet::new()
    } else {
        tx.query(
            "INSERT INTO alerts_fired (item_id, alert, fired_at, quiet)
             SELECT u.i, u.a, $3, u.q FROM unnest($1::bigint[], $2::text[], $4::bool[]) AS u(i, a, q)
             ON CONFLICT DO NOTHING
             RETURNING item_id, alert",
            &[&a_item, &a_alert, &to_ts(now), &a_quiet],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    };
    for (k, (&id, &alert)) in a_item.iter().zip(&a_alert).enumerate() {
        if fired.contains(&(id, alert.to_string())) {
            report.fired.push(FiredAlert {
                alert: alert.to_string(),
                item: ItemId(id),
                fired_at: now,
                quiet: a_quiet[k],
                acknowledged: false,
            });
        }
    }
    if batch.keep_items {
        report.new = new
            .iter()
            .map(|&(i, id)| {
                let item = &batch.items[i];
                StoredItem {
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
                }
            })
            .collect();
    }
    if report.added > 0 {
        tx.execute(
            "UPDATE feeds SET items = items + $2 WHERE id = $1",
            &[&feed.0, &(report.added as i64)],
        )?;
    }
    if let Some(f) = &batch.fetch {
        record_fetch(
            tx,
            feed,
            f,
            report.added + report.sighted,
            report.seen + f.known,
        )?;
    }
    // One notification for the whole batch, delivered at its commit.
    if let Some(&max_id) = new.iter().map(|(_, id)| &id.0).max() {
        team::notify(tx, &Change::Items { max_id })?;
    } else if batch.fetch.is_some() {
        team::notify(tx, &Change::Feeds)?;
    }
    Ok(report)
}

/// An item's identity within its feed: its guid, else its canonical link,
/// else its text.
fn identity(k: &Keys<'_>) -> String {
    match (k.guid, k.canon) {
        (Some(g), _) => format!("g {g}"),
        (None, Some(c)) => format!("c {c}"),
        (None, None) => format!("h {:?}", k.hash),
    }
}

/// A batch's items as columns, one array each, for `unnest`.
struct Columns {
    guid: Vec<Option<String>>,
    link: Vec<Option<String>>,
    canon: Vec<Option<String>>,
    hash: Vec<Vec<u8>>,
    source: Vec<String>,
    title: Vec<String>,
    text: Vec<String>,
    lang: Vec<String>,
    published: Vec<Option<i64>>,
    date_is_fetch: Vec<bool>,
    fetched: Vec<i64>,
    ts: Vec<i64>,
    labels: Vec<String>,
    tags: Vec<String>,
    /// The search key's words, each once, joined by spaces.
    words: Vec<String>,
}

impl Columns {
    fn with_capacity(n: usize) -> Columns {
        Columns {
            guid: Vec::with_capacity(n),
            link: Vec::with_capacity(n),
            canon: Vec::with_capacity(n),
            hash: Vec::with_capacity(n),
            source: Vec::with_capacity(n),
            title: Vec::with_capacity(n),
            text: Vec::with_capacity(n),
            lang: Vec::with_capacity(n),
            published: Vec::with_capacity(n),
            date_is_fetch: Vec::with_capacity(n),
            fetched: Vec::with_capacity(n),
            ts: Vec::with_capacity(n),
            labels: Vec::with_capacity(n),
            tags: Vec::with_capacity(n),
            words: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, item: &NewItem) -> Result<(), StoreError> {
        let keys = match &item.keys {
            Some(k) if k.fit(&item.title, &item.text) => k.clone(),
            _ => ItemKeys::of(&item.title, &item.text),
        };
        self.canon
            .push(item.link.as_deref().and_then(canonical_link));
        self.guid.push(item.guid.clone());
        self.link.push(item.link.clone());
        self.hash.push(keys.hash.to_vec());
        self.source.push(item.source.clone());
        self.title.push(item.title.clone());
        self.text.push(item.text.clone());
        self.lang.push(item.labels.lang.clone());
        self.published.push(item.published.map(to_ts));
        self.date_is_fetch.push(item.date_is_fetch_time);
        self.fetched.push(to_ts(item.fetched));
        self.ts.push(to_ts(item.published.unwrap_or(item.fetched)));
        self.labels.push(labels::encode(&item.labels)?);
        self.tags.push(labels::tags(&item.labels));
        self.words.push(index_words(&keys.search).join(" "));
        Ok(())
    }
}

/// The ids of labels by key (`kind:name`), made on first use.
fn label_ids<'k>(
    tx: &mut Transaction<'_>,
    keys: &[&'k str],
) -> Result<HashMap<&'k str, i64>, StoreError> {
    let (kinds, names): (Vec<&str>, Vec<&str>) = keys
        .iter()
        .map(|k| k.split_once(':').unwrap_or((k, "")))
        .unzip();
    tx.execute(
        "INSERT INTO labels (kind, name) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT DO NOTHING",
        &[&kinds, &names],
    )?;
    let rows = tx.query(
        "SELECT l.id, u.k FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(kind, name, k)
         JOIN labels l ON l.kind = u.kind AND l.name = u.name",
        &[&kinds, &names],
    )?;
    let mut out = HashMap::with_capacity(keys.len());
    for r in rows {
        let k: i64 = r.get(1);
        if let Some(key) = usize::try_from(k - 1).ok().and_then(|k| keys.get(k)) {
            out.insert(*key, r.get::<_, i64>(0));
        }
    }
    if out.len() != keys.len() {
        return Err(StoreError::Io("a label was not made".into()));
    }
    Ok(out)
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
