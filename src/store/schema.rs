//! The store's schema and its migrations, versioned by `PRAGMA user_version`.
//! Migrations run at open, each in one transaction; a store written by a newer
//! marsad is refused.

use rusqlite::Connection;

use super::StoreError;

/// Each entry takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: feeds, items, labels, fired alerts, full-text search.
    r#"
    CREATE TABLE feeds (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL UNIQUE,
        url             TEXT NOT NULL,
        etag            TEXT,
        last_modified   TEXT,
        last_attempt    INTEGER,
        last_success    INTEGER,
        last_status     INTEGER,
        last_error      TEXT,
        last_latency_ms INTEGER,
        last_bytes      INTEGER,
        last_new        INTEGER,
        last_seen       INTEGER,
        failure_streak  INTEGER NOT NULL DEFAULT 0,
        next_due        INTEGER,
        gone            INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE items (
        id            INTEGER PRIMARY KEY,
        feed_id       INTEGER NOT NULL REFERENCES feeds(id),
        guid          TEXT,
        link          TEXT,
        canon_link    TEXT,
        content_hash  BLOB NOT NULL,
        source        TEXT NOT NULL,
        title         TEXT NOT NULL,
        text          TEXT NOT NULL,
        lang          TEXT NOT NULL,
        published     INTEGER,
        date_is_fetch INTEGER NOT NULL DEFAULT 0,
        fetched       INTEGER NOT NULL,
        labels        TEXT NOT NULL,
        read          INTEGER NOT NULL DEFAULT 0,
        deleted       INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX items_feed_guid ON items(feed_id, guid) WHERE guid IS NOT NULL;
    CREATE INDEX items_feed ON items(feed_id, deleted);
    CREATE INDEX items_canon ON items(canon_link) WHERE canon_link IS NOT NULL;
    CREATE INDEX items_hash ON items(content_hash);
    CREATE INDEX items_when ON items(coalesce(published, fetched) DESC);
    CREATE TABLE item_labels (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        kind    TEXT NOT NULL CHECK (kind IN ('topic', 'party', 'alert')),
        label   TEXT NOT NULL,
        PRIMARY KEY (item_id, kind, label)
    ) WITHOUT ROWID;
    CREATE INDEX item_labels_by_label ON item_labels(kind, label, item_id);
    CREATE TABLE alerts_fired (
        item_id      INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        alert        TEXT NOT NULL,
        fired_at     INTEGER NOT NULL,
        quiet        INTEGER NOT NULL,
        acknowledged INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (item_id, alert)
    ) WITHOUT ROWID;
    CREATE INDEX alerts_fired_open ON alerts_fired(acknowledged, fired_at);
    CREATE VIRTUAL TABLE items_fts USING fts5(
        key, content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61 remove_diacritics 0'
    );
    -- Each poll commits its own small segment; merge them in larger steps.
    INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 16);
    "#,
    // 2: an item's label ids as one row of tags instead of one row per label
    // (one append per item at ingest instead of two b-tree inserts per label).
    r#"
    CREATE TABLE item_tags (
        item_id INTEGER PRIMARY KEY,
        tags    TEXT NOT NULL
    );
    INSERT INTO item_tags (item_id, tags)
        SELECT item_id, ' ' || group_concat(kind || ':' || label, ' '
            ORDER BY CASE kind WHEN 'topic' THEN 0 WHEN 'party' THEN 1 ELSE 2 END, label) || ' '
        FROM item_labels GROUP BY item_id;
    DROP TABLE item_labels;
    -- The search key is already normalized and split into words by marsad, so
    -- FTS5's plain ASCII tokenizer (which keeps every non-ASCII character in
    -- its token) gives the same tokens as unicode61, at less cost. Refilled
    -- from the items by `refill_search` below.
    DROP TABLE items_fts;
    CREATE VIRTUAL TABLE items_fts USING fts5(
        key, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii'
    );
    INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 16);
    -- Duplicates are refused by unique keys at insert (same guid in the feed,
    -- same canonical link, or same content hash), with no lookup before it.
    -- Keys were unique already; any duplicate a bug let in is set apart first.
    DROP INDEX IF EXISTS items_canon;
    DROP INDEX IF EXISTS items_hash;
    UPDATE items SET canon_link = NULL
        WHERE canon_link IS NOT NULL
          AND id NOT IN (SELECT min(id) FROM items WHERE canon_link IS NOT NULL GROUP BY canon_link);
    UPDATE items SET content_hash = content_hash || CAST(id AS BLOB)
        WHERE id NOT IN (SELECT min(id) FROM items GROUP BY content_hash);
    CREATE UNIQUE INDEX items_canon ON items(canon_link) WHERE canon_link IS NOT NULL;
    CREATE UNIQUE INDEX items_hash ON items(content_hash);
    -- Each feed's count of live items, kept by the writer instead of an index.
    ALTER TABLE feeds ADD COLUMN items INTEGER NOT NULL DEFAULT 0;
    UPDATE feeds SET items = (SELECT count(*) FROM items i WHERE i.feed_id = feeds.id AND i.deleted = 0);
    DROP INDEX IF EXISTS items_feed;
    -- The URL the config gave, apart from the URL polled (which a permanent
    -- redirect moves): the config resets the polled URL only when it changes.
    ALTER TABLE feeds ADD COLUMN config_url TEXT;
    UPDATE feeds SET config_url = url;
    "#,
    // 3: the search index without its table of each row's size in tokens
    // (`columnsize = 0`), which only ranking reads and marsad does not rank
    // by: one b-tree insert less for every item ingested. FTS5 allows that
    // only without `contentless_delete`, so a deleted item's entry stays in
    // the index; every search joins the items and skips deleted ones.
    // Refilled from the items by `refill_search` below.
    r#"
    DROP TABLE items_fts;
    CREATE VIRTUAL TABLE items_fts USING fts5(
        key, content = '', columnsize = 0, detail = none, tokenize = 'ascii'
    );
    INSERT INTO items_fts (items_fts, rank) VALUES ('automerge', 16);
    "#,
    // 4: what the dashboard and `list` ask, from indexes and aggregates that
    // do not grow with the store: an item's time as a column with an index
    // that ends in the id (the date index ended the other way, so `ORDER BY
    // time, id` never used it); every label's items ordered by time (a pane's
    // page after a cursor, `list --topic`); each label's counts and items per
    // hour, kept by the writer; the range of times in each block of 1,024
    // ids (a search streams matches by id and stops once no older block can
    // hold a newer match); open alerts by time; a counter of changes to read
    // marks and acknowledgements, which readers watch. Filled from the items by
    // `super::aggregate::refill` below.
    r#"
    ALTER TABLE items ADD COLUMN ts INTEGER AS (coalesce(published, fetched)) VIRTUAL;
    DROP INDEX IF EXISTS items_when;
    CREATE INDEX items_ts ON items(ts) WHERE deleted = 0;
    -- A label: a topic, party, alert or feed (by id), with 'topic' '' for the
    -- items with no topic and 'all' '' for every item (counts only).
    CREATE TABLE labels (
        id     INTEGER PRIMARY KEY,
        kind   TEXT NOT NULL,
        name   TEXT NOT NULL,
        items  INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0,
        UNIQUE (kind, name)
    );
    CREATE TABLE label_items (
        label INTEGER NOT NULL,
        ts    INTEGER NOT NULL,
        item  INTEGER NOT NULL,
        PRIMARY KEY (label, ts, item)
    ) WITHOUT ROWID;
    CREATE TABLE label_hours (
        label INTEGER NOT NULL,
        hour  INTEGER NOT NULL,
        items INTEGER NOT NULL,
        PRIMARY KEY (label, hour)
    ) WITHOUT ROWID;
    CREATE TABLE id_blocks (
        block INTEGER PRIMARY KEY,
        lo    INTEGER NOT NULL,
        hi    INTEGER NOT NULL
    );
    DROP INDEX IF EXISTS alerts_fired_open;
    CREATE INDEX alerts_open ON alerts_fired(acknowledged, quiet, fired_at);
    CREATE INDEX alerts_time ON alerts_fired(fired_at);
    -- Counters readers watch: 'marks' goes up with every change of read
    -- marks, acknowledgements or deletions (new items are seen by id).
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO meta (key, value) VALUES ('marks', 0);
    "#,
    // 5: what a reader keeps: bookmarked items, and filters saved by name (the
    // dashboard's filter as JSON, which the store does not read).
    r#"
    CREATE TABLE bookmarks (
        item_id  INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
        saved_at INTEGER NOT NULL
    );
    CREATE TABLE saved_filters (
        name     TEXT PRIMARY KEY,
        filter   TEXT NOT NULL,
        saved_at INTEGER NOT NULL
    );
    "#,
    // 6: the unread items by time, alone in an index (`super::unread`): `n`
    // on a store where everything is read, and marking read page by page,
    // walk only unread items, not the read ones before them.
    r#"
    CREATE INDEX items_unread ON items(ts) WHERE deleted = 0 AND read = 0;
    "#,
    // 7: every source kept. Items were unique by canonical link and by
    // content hash across all feeds, which refused a second outlet's copy of
    // an article. Now a feed's item is the same item by its guid, else its
    // canonical link, else its text, within that feed (`super::sources`);
    // the same link and text in another feed is a sighting of the stored
    // item, kept in `sightings` (which feed, when; the feed's own key for
    // it); anything else is stored as its own item. The unique indexes
    // become plain ones, for those lookups.
    r#"
    DROP INDEX IF EXISTS items_canon;
    DROP INDEX IF EXISTS items_hash;
    CREATE INDEX items_canon ON items(canon_link, feed_id) WHERE canon_link IS NOT NULL;
    CREATE INDEX items_feed_hash ON items(feed_id, content_hash);
    CREATE TABLE sightings (
        item_id   INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        feed_id   INTEGER NOT NULL REFERENCES feeds(id),
        key       TEXT NOT NULL,
        seen      INTEGER NOT NULL,
        published INTEGER,
        PRIMARY KEY (feed_id, key)
    ) WITHOUT ROWID;
    CREATE INDEX sightings_item ON sightings(item_id);
    "#,
    // 8: stories at ingest: the story each item joined (named by its first
    // item's id), how (`via`: new, copy, words, evidence) and why (JSON of
    // `crate::stories::Why`), written with the item (see `super::stories`).
    r#"
    CREATE TABLE item_stories (
        item_id INTEGER PRIMARY KEY,
        story   INTEGER NOT NULL,
        via     TEXT NOT NULL,
        why     TEXT NOT NULL
    );
    CREATE INDEX item_stories_story ON item_stories(story, item_id);
    "#,
];

/// Schema versions after which the search index is rebuilt from the items
/// (version 2 rebuilt it too, and version 3 rebuilds it again whenever version
/// 2 is reached, so that rebuild is left to version 3).
const REFILL_SEARCH_AFTER: &[usize] = &[3];

/// The schema version after which labels and aggregates are built from the items.
const REFILL_LABELS_AFTER: usize = 4;

/// Rebuilds the full-text index from every live item's title and text.
fn refill_search(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    let mut read = tx.prepare("SELECT id, title, text FROM items WHERE deleted = 0")?;
    let mut write = tx.prepare("INSERT INTO items_fts (rowid, key) VALUES (?1, ?2)")?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let title = crate::text::normalize(r.get_ref(1)?.as_str().unwrap_or(""));
        let text = crate::text::normalize(r.get_ref(2)?.as_str().unwrap_or(""));
        write.execute(rusqlite::params![
            id,
            crate::text::search::index_key_normalized(&[&title, &text])
        ])?;
    }
    Ok(())
}

pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// The page size of a new store, in bytes.
pub const PAGE_SIZE: i64 = 16 * 1024;
/// WAL size at which the writer checkpoints, in bytes.
const CHECKPOINT_BYTES: i64 = 32 * 1024 * 1024;

/// Sets the connection's pragmas and brings the schema up to date.
pub fn prepare(conn: &mut Connection, path: &str) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // A new store gets 16 KiB pages (SQLite's default is 4 KiB; an existing
    // store keeps its own, which only a VACUUM could change). Items are
    // appended in large transactions, and every page costs a WAL frame, a
    // checksum and a b-tree step: 100,000 items took 13% less CPU and 15% less
    // time (benches/REPORT-ingest.md). It must precede the switch to WAL, which
    // writes the file's first page.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%path, %mode, "the store could not switch to WAL");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Temporary tables and indexes (and any statement journal) in memory, not
    // temp files.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Checkpoint the WAL less often: a page rewritten by several commits is
    // copied to the database once (the default, 1000 pages, checkpointed every
    // few polls during a large ingest). Every 32 MiB of WAL, whatever the
    // store's page size.
    let page: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
    conn.pragma_update(None, "wal_autocheckpoint", CHECKPOINT_BYTES / page.max(512))?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        // Read the version inside the write lock, so two processes opening a new
        // store at once do not both migrate it.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > VERSION {
            return Err(StoreError::TooNew {
                path: path.to_string(),
                found: version,
                known: VERSION,
            });
        }
        if version > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        if REFILL_SEARCH_AFTER.contains(&(i + 1)) {
            refill_search(&tx)?;
        }
        if i + 1 == REFILL_LABELS_AFTER {
            super::aggregate::refill(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(%path, version = i + 1, "store migrated");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> Vec<T> {
        conn.prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn version_1_store_is_migrated() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO feeds (id, name, url) VALUES (1, 'f', 'http://x/');
             INSERT INTO items (id, feed_id, content_hash, source, title, text, lang, fetched, labels)
                 VALUES (7, 1, x'00', 's', 't', 'b', 'en', 0, '{}'), (8, 1, x'01', 's', 't', 'b', 'en', 0, '{}'),
                        (9, 1, x'01', 's', 't', 'b', 'en', 0, '{}');
             UPDATE items SET canon_link = '//x/1';
             INSERT INTO item_labels VALUES (7, 'alert', 'muscat'), (7, 'party', 'us'),
                 (7, 'topic', 'nuclear'), (7, 'party', 'iran'), (7, 'topic', 'diplomacy');",
        )
        .unwrap();
        prepare(&mut conn, ":memory:").unwrap();
        let tags: Vec<String> = column(&conn, "SELECT tags FROM item_tags WHERE item_id = 7");
        assert_eq!(
            tags,
            [" topic:diplomacy topic:nuclear party:iran party:us alert:muscat "]
        );
        let found: Vec<i64> = column(
            &conn,
            "SELECT rowid FROM items_fts WHERE items_fts MATCH '\"b\"*'",
        );
        assert_eq!(found, [7, 8, 9], "the search index is refilled");
        let sizes: Vec<i64> = column(
            &conn,
            "SELECT count(*) FROM sqlite_master WHERE name = 'items_fts_docsize'",
        );
        assert_eq!(sizes, [0], "no table of row sizes");
        let counts: Vec<i64> = column(&conn, "SELECT items FROM feeds");
        assert_eq!(counts, [3]);
        let canon: Vec<Option<String>> = column(&conn, "SELECT canon_link FROM items ORDER BY id");
        assert_eq!(
            canon,
            [Some("//x/1".to_string()), None, None],
            "duplicates set apart"
        );
        let labels: Vec<String> = column(
            &conn,
            "SELECT kind || ':' || name || '=' || items || '/' || unread FROM labels ORDER BY kind, name",
        );
        assert_eq!(
            labels,
            [
                "alert:muscat=1/1",
                "all:=3/3",
                "feed:1=3/3",
                "party:iran=1/1",
                "party:us=1/1",
                "topic:=2/2",
                "topic:diplomacy=1/1",
                "topic:nuclear=1/1"
            ],
            "labels and their counts built from the items"
        );
        let listed: Vec<i64> = column(&conn, "SELECT count(*) FROM label_items");
        assert_eq!(listed, [10]);
        let blocks: Vec<i64> = column(&conn, "SELECT count(*) FROM id_blocks");
        assert_eq!(blocks, [1]);
        let version: Vec<i64> = column(&conn, "PRAGMA user_version");
        assert_eq!(version, [VERSION]);
        // Another feed's item with the same link and text is stored now.
        conn.execute_batch(
            "INSERT INTO feeds (id, name, url) VALUES (2, 'g', 'http://y/');
             INSERT INTO items (id, feed_id, canon_link, content_hash, source, title, text, lang, fetched, labels)
                 VALUES (10, 2, '//x/1', x'00', 's', 't', 'b', 'en', 0, '{}');
             INSERT INTO sightings (item_id, feed_id, key, seen) VALUES (7, 2, '//x/1', 0);",
        )
        .unwrap();
    }
}
