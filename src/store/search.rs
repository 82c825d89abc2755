//! Search: the items whose title or text holds the words typed, in time
//! order, for `list --search` and the dashboard's `/` alike. The words are
//! those of `text::search` (normalized Arabic, stems, prefixes), found in two
//! ways that give the same items:
//!
//! - Common words (a short prefix such as `ا` matches most items, and the
//!   search index would merge the lists of thousands of words to find them):
//!   the query's newest items are read in time order and each is tested with
//!   the same words (`key_matches` on its search key); a page fills within a
//!   few hundred items.
//! - When that does not fill the page within its budget, the words are rare:
//!   the search index's matches are read newest id first and tested against
//!   the query's other filters, and the reading stops as soon as no older
//!   block of ids can hold an item newer than those found (`id_blocks` keeps
//!   each block's range of times). Words of one or two letters are left out
//!   of the index's query there and tested on the matches instead.
//!
//! Ids follow arrival, so either way a page costs about its own matches,
//! whatever the size of the store.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rusqlite::OptionalExtension;

use super::StoreError;
use super::aggregate::BLOCK_BITS;
use super::pages::Plan;
use super::query::{Count, Cursor, Toward};
use super::read::Reader;
use crate::model::ItemId;
use crate::text::normalize;
use crate::text::search::{fts_query_of, index_key_normalized, key_matches, query_words};

/// Each block's range of times, with the bounds the reading stops by.
#[derive(Debug, Default)]
pub(super) struct Blocks {
    lo: Vec<i64>,
    hi: Vec<i64>,
    /// The highest time in this block or any below it.
    hi_below: Vec<i64>,
    /// The lowest time in this block or any above it.
    lo_above: Vec<i64>,
}

impl Blocks {
    fn load(c: &rusqlite::Connection) -> Result<Blocks, StoreError> {
        let mut stmt = c.prepare("SELECT block, lo, hi FROM id_blocks ORDER BY block")?;
        let rows: Vec<(i64, i64, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let n = rows.last().map_or(0, |r| r.0 + 1).clamp(0, 1 << 40) as usize;
        // A block with no row has no live items the writer knows of: it
        // bounds nothing (`i64::MIN` / `MAX` as "unknown" is kept for blocks
        // past the end, which may be filling now).
        let mut b = Blocks {
            lo: vec![i64::MAX; n],
            hi: vec![i64::MIN; n],
            ..Blocks::default()
        };
        for (block, lo, hi) in rows {
            if let (Some(l), Some(h)) = (b.lo.get_mut(block as usize), b.hi.get_mut(block as usize))
            {
                *l = lo;
                *h = hi;
            }
        }
        let mut max = i64::MIN;
        b.hi_below =
            b.hi.iter()
                .map(|h| {
                    max = max.max(*h);
                    max
                })
                .collect();
        let mut min = i64::MAX;
        b.lo_above =
            b.lo.iter()
                .rev()
                .map(|l| {
                    min = min.min(*l);
                    min
                })
                .collect();
        b.lo_above.reverse();
        Ok(b)
    }

    /// The highest time of any item with an id in `block` or below.
    fn hi_below(&self, block: usize) -> i64 {
        if block >= self.hi.len() {
            i64::MAX
        } else {
            self.hi_below[block]
        }
    }

    /// The lowest time of any item with an id in `block` or above.
    fn lo_above(&self, block: usize) -> i64 {
        if block >= self.lo.len() {
            i64::MIN
        } else {
            self.lo_above[block]
        }
    }

    /// Where the reading starts: the ids worth reading for items just past
    /// `from`, as a rowid bound.
    fn start(&self, from: Option<Cursor>, toward: Toward) -> i64 {
        match (from, toward) {
            (None, Toward::Older) => i64::MAX,
            (None, Toward::Newer) => i64::MIN,
            // Past the highest block holding an item at or before `from`
            // (blocks not yet known may hold anything).
            (Some(c), Toward::Older) => {
                let known = self.lo.len();
                if c.id.0 >> BLOCK_BITS >= known as i64 {
                    return i64::MAX;
                }
                match self.lo.iter().rposition(|lo| *lo <= c.ts) {
                    Some(b) => ((b as i64) + 1) << BLOCK_BITS,
                    None => i64::MIN,
                }
            }
            (Some(c), Toward::Newer) => match self.hi.iter().position(|hi| *hi >= c.ts) {
                Some(b) => (b as i64) << BLOCK_BITS,
                None => (self.hi.len() as i64) << BLOCK_BITS,
            },
        }
    }
}

/// The best `limit` items of one query found so far: the newest (toward
/// older items) or the oldest (toward newer ones).
enum Best {
    Older(BinaryHeap<Reverse<Cursor>>),
    Newer(BinaryHeap<Cursor>),
}

impl Best {
    fn new(toward: Toward) -> Best {
        match toward {
            Toward::Older => Best::Older(BinaryHeap::new()),
            Toward::Newer => Best::Newer(BinaryHeap::new()),
        }
    }
    fn len(&self) -> usize {
        match self {
            Best::Older(h) => h.len(),
            Best::Newer(h) => h.len(),
        }
    }
    /// The kept item that the next would replace.
    fn worst(&self) -> Option<Cursor> {
        match self {
            Best::Older(h) => h.peek().map(|r| r.0),
            Best::Newer(h) => h.peek().copied(),
        }
    }
    fn offer(&mut self, c: Cursor, limit: usize) {
        match self {
            Best::Older(h) => {
                h.push(Reverse(c));
                if h.len() > limit {
                    h.pop();
                }
            }
            Best::Newer(h) => {
                h.push(c);
                if h.len() > limit {
                    h.pop();
                }
            }
        }
    }
    /// Newest first.
    fn into_sorted(self) -> Vec<Cursor> {
        let mut v: Vec<Cursor> = match self {
            Best::Older(h) => h.into_iter().map(|r| r.0).collect(),
            Best::Newer(h) => h.into_vec(),
        };
        v.sort_unstable_by(|a, b| b.cmp(a));
        v
    }
}

impl Reader {
    fn blocks(&self) -> Result<std::sync::Arc<Blocks>, StoreError> {
        let version = self.data_version()?;
        let mut cache = self.blocks.borrow_mut();
        if let Some((v, b)) = cache.as_ref()
            && *v == version
        {
            return Ok(b.clone());
        }
        let b = std::sync::Arc::new(Blocks::load(&self.conn)?);
        *cache = Some((version, b.clone()));
        Ok(b)
    }

    /// The matches of `text` that each plan selects, just past `from`, at
    /// most `limit` each, newest first.
    pub(super) fn search(
        &self,
        text: &str,
        plans: &[Plan],
        from: Option<Cursor>,
        toward: Toward,
        limit: usize,
    ) -> Result<Vec<Vec<Cursor>>, StoreError> {
        let words = query_words(text);
        let mut out: Vec<Option<Vec<Cursor>>> = plans
            .iter()
            .map(|p| (p.empty || words.is_empty() || limit == 0).then(Vec::new))
            .collect();
        for (plan, slot) in plans.iter().zip(out.iter_mut()) {
            if slot.is_none() {
                *slot = self.scan(plan, &words, from, toward, limit)?;
            }
        }
        let rest: Vec<usize> = (0..plans.len()).filter(|i| out[*i].is_none()).collect();
        if !rest.is_empty() {
            let rest_plans: Vec<&Plan> = rest.iter().map(|i| &plans[*i]).collect();
            let found = self.stream(&words, &rest_plans, from, toward, limit)?;
            for (i, f) in rest.into_iter().zip(found) {
                out[i] = Some(f);
            }
        }
        Ok(out.into_iter().map(Option::unwrap_or_default).collect())
    }

    /// The plan's items past `from`, tested one by one: the page if it fills
    /// (or the items run out) within the budget, else `None`.
    fn scan(
        &self,
        plan: &Plan,
        words: &[String],
        from: Option<Cursor>,
        toward: Toward,
        limit: usize,
    ) -> Result<Option<Vec<Cursor>>, StoreError> {
        let budget = SCAN_BASE + SCAN_PER_ROW * limit;
        let (sql, args) = super::pages::select_sql(plan, from, toward);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let mut texts = self.conn.prepare_cached(TEXTS)?;
        let mut found = Vec::new();
        let mut seen = 0;
        while let Some(r) = rows.next()? {
            if seen == budget {
                return Ok(None);
            }
            seen += 1;
            // A row whose time is not a time is left out (pages name it).
            let Ok(c) = super::pages::cursor(r) else {
                continue;
            };
            let key = texts
                .query_row([c.id.0], |r| {
                    Ok(search_key(
                        r.get_ref(0)?.as_str().unwrap_or(""),
                        r.get_ref(1)?.as_str().unwrap_or(""),
                    ))
                })
                .optional()?;
            if key.is_some_and(|k| key_matches(&k, words)) {
                found.push(c);
                if found.len() == limit {
                    break;
                }
            }
        }
        if toward == Toward::Newer {
            found.reverse();
        }
        Ok(Some(found))
    }

    /// The search index's matches, read from the newest id down (or the
    /// oldest up), tested against each plan; one reading for all plans.
    fn stream(
        &self,
        words: &[String],
        plans: &[&Plan],
        from: Option<Cursor>,
        toward: Toward,
        limit: usize,
    ) -> Result<Vec<Vec<Cursor>>, StoreError> {
        let mut best: Vec<Best> = plans.iter().map(|_| Best::new(toward)).collect();
        let (indexed, tested) = split_words(words);
        let Some(fts) = fts_query_of(&indexed) else {
            return Ok(best.into_iter().map(Best::into_sorted).collect());
        };
        let blocks = self.blocks()?;
        let sql = match toward {
            Toward::Older => STREAM_OLDER,
            Toward::Newer => STREAM_NEWER,
        };
        let mut stream = self.conn.prepare_cached(sql)?;
        let mut ids = stream.query(rusqlite::params![fts, blocks.start(from, toward)])?;
        let mut facts = self.conn.prepare_cached(FACTS)?;
        let mut texts = self.conn.prepare_cached(TEXTS)?;
        while let Some(r) = ids.next()? {
            let id: i64 = r.get(0)?;
            let block = (id >> BLOCK_BITS).max(0) as usize;
            // Stop once every plan has its page and no item still to read
            // can come before the worst item kept (ids below are read later,
            // so an equal time loses on the id).
            let done = best.iter().all(|b| {
                b.len() >= limit
                    && b.worst().is_some_and(|w| match toward {
                        Toward::Older => blocks.hi_below(block) <= w.ts,
                        Toward::Newer => blocks.lo_above(block) >= w.ts,
                    })
            });
            if done {
                break;
            }
            let Some(f) = self.facts(&mut facts, id)? else {
                continue;
            };
            let c = Cursor {
                ts: f.ts,
                id: ItemId(id),
            };
            let past = from.is_none_or(|from| match toward {
                Toward::Older => c < from,
                Toward::Newer => c > from,
            });
            if f.deleted || !past {
                continue;
            }
            let wanted: Vec<usize> = (0..plans.len())
                .filter(|i| plans[*i].admits(f.ts, f.read, f.feed, &f.tags))
                .collect();
            if wanted.is_empty() || !self.has_words(&mut texts, id, &tested)? {
                continue;
            }
            for i in wanted {
                best[i].offer(c, limit);
            }
        }
        Ok(best.into_iter().map(Best::into_sorted).collect())
    }

    /// Which of the items `ids` the query selects: the panes a new item goes
    /// to, by the same tests as a page (the search words on its search key).
    pub fn which(
        &self,
        q: &super::query::ItemQuery,
        ids: &[ItemId],
    ) -> Result<Vec<ItemId>, StoreError> {
        let plan = Plan::new(&self.conn, q)?;
        let words = q.search_text().map(query_words).unwrap_or_default();
        if plan.empty || (q.search_text().is_some() && words.is_empty()) {
            return Ok(Vec::new());
        }
        let mut facts = self.conn.prepare_cached(FACTS)?;
        let mut texts = self.conn.prepare_cached(TEXTS)?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(f) = self.facts(&mut facts, id.0)?
                && !f.deleted
                && plan.admits(f.ts, f.read, f.feed, &f.tags)
                && self.has_words(&mut texts, id.0, &words)?
            {
                out.push(*id);
            }
        }
        Ok(out)
    }

    /// What a match is tested on; `None` for an item gone, or one whose row
    /// cannot be read (skipped and named).
    fn facts(
        &self,
        stmt: &mut rusqlite::CachedStatement<'_>,
        id: i64,
    ) -> Result<Option<Facts>, StoreError> {
        let rows = stmt.query([id])?;
        Ok(super::read::lenient(rows, "item", Facts::of, &self.skipped)?.pop())
    }

    /// Whether item `id` has every one of `words` (none: yes).
    fn has_words(
        &self,
        texts: &mut rusqlite::CachedStatement<'_>,
        id: i64,
        words: &[String],
    ) -> Result<bool, StoreError> {
        if words.is_empty() {
            return Ok(true);
        }
        let key = texts
            .query_row([id], |r| {
                Ok(search_key(
                    r.get_ref(0)?.as_str().unwrap_or(""),
                    r.get_ref(1)?.as_str().unwrap_or(""),
                ))
            })
            .optional()?;
        Ok(key.is_some_and(|k| key_matches(&k, words)))
    }

    /// How many matches of `text` the plan selects (and how many unread),
    /// counting up to `cap`: by testing the plan's items in time order while
    /// matches come often, else from the search index.
    pub(super) fn search_count(
        &self,
        text: &str,
        plan: &Plan,
        cap: u64,
    ) -> Result<Count, StoreError> {
        let words = query_words(text);
        let mut n = Count::default();
        if words.is_empty() || plan.empty {
            return Ok(n);
        }
        let (sql, args) = super::pages::select_sql(plan, None, Toward::Older);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
        let mut facts = self.conn.prepare_cached(FACTS)?;
        let mut texts = self.conn.prepare_cached(TEXTS)?;
        let budget = SCAN_BASE as u64 + 4 * cap;
        let mut seen = 0;
        let mut all_read = true;
        while let Some(r) = rows.next()? {
            if n.items >= cap {
                n.capped = true;
                return Ok(n);
            }
            if seen == budget {
                all_read = false;
                break;
            }
            seen += 1;
            let id: i64 = r.get(0)?;
            if self.has_words(&mut texts, id, &words)? {
                let read = self.facts(&mut facts, id)?.is_some_and(|f| f.read);
                n.items += 1;
                n.unread += u64::from(!read);
            }
        }
        if all_read {
            return Ok(n);
        }
        // Rare words: count the index's matches.
        n = Count::default();
        let (indexed, tested) = split_words(&words);
        let Some(fts) = fts_query_of(&indexed) else {
            return Ok(n);
        };
        let mut stream = self.conn.prepare_cached(STREAM_OLDER)?;
        let mut ids = stream.query(rusqlite::params![fts, i64::MAX])?;
        while let Some(r) = ids.next()? {
            if n.items >= cap {
                n.capped = true;
                break;
            }
            let id: i64 = r.get(0)?;
            let Some(f) = self.facts(&mut facts, id)? else {
                continue;
            };
            if !f.deleted
                && plan.admits(f.ts, f.read, f.feed, &f.tags)
                && self.has_words(&mut texts, id, &tested)?
            {
                n.items += 1;
                n.unread += u64::from(!f.read);
            }
        }
        Ok(n)
    }
}

/// Items the first way tests, at most, before it leaves a page to the
/// index: this many, plus [`SCAN_PER_ROW`] for each row of the page.
const SCAN_BASE: usize = 200;
const SCAN_PER_ROW: usize = 10;

/// The words the index is asked for (those of three letters or more, or all
/// when none is that long) and those tested on its matches instead: a
/// prefix of one or two letters makes the index merge the lists of
/// thousands of words.
fn split_words(words: &[String]) -> (Vec<String>, Vec<String>) {
    let long = |w: &String| w.chars().nth(2).is_some();
    if !words.iter().any(long) {
        return (words.to_vec(), Vec::new());
    }
    words.iter().cloned().partition(long)
}

/// The search key of a stored title and text, as the index holds it.
fn search_key(title: &str, text: &str) -> String {
    index_key_normalized(&[&normalize(title), &normalize(text)])
}

/// A match's facts the plans test.
struct Facts {
    ts: i64,
    read: bool,
    deleted: bool,
    feed: i64,
    tags: String,
}

impl Facts {
    fn of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Facts> {
        Ok(Facts {
            ts: r.get(1)?,
            read: r.get(2)?,
            deleted: r.get(3)?,
            feed: r.get(4)?,
            tags: r.get(5)?,
        })
    }
}

/// The matches, newest id first, below a bound.
pub(super) const STREAM_OLDER: &str =
    "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 AND rowid < ?2 ORDER BY rowid DESC";
/// The matches, oldest id first, from a bound.
const STREAM_NEWER: &str =
    "SELECT rowid FROM items_fts WHERE items_fts MATCH ?1 AND rowid >= ?2 ORDER BY rowid ASC";

/// What a match is tested on: its time, read mark, tombstone, feed and labels.
pub(super) const FACTS: &str =
    "SELECT i.id, i.ts, i.read, i.deleted, i.feed_id, coalesce(t.tags, '')
     FROM items i LEFT JOIN item_tags t ON t.item_id = i.id WHERE i.id = ?1";
/// A live item's title and text, for its search key.
const TEXTS: &str = "SELECT title, text FROM items WHERE id = ?1 AND deleted = 0";
