//! Stories at ingest: the writer places every new item in a story as it is
//! stored, by the clustering `marsad cluster` runs (`crate::stories`), and
//! keeps the story and why it joined in `item_stories`, in the item's own
//! transaction. The clustering state covers the active window only; after a
//! restart, or a transaction rolled back, it is rebuilt from the window's
//! items and their stored stories (items of the window with no story yet,
//! stored while stories were off, are placed then).

use rusqlite::{Connection, params};

use super::StoreError;
use crate::stories::{Clusterer, Decision, Item, Params, Rule, RuleKind};

/// The writer's story state.
pub(crate) struct Stories {
    /// The clustering's settings; `None`: stories are off.
    params: Option<Params>,
    /// The live state; `None` until first needed, and again after a rollback.
    state: Option<Clusterer>,
}

impl Default for Stories {
    fn default() -> Self {
        Stories {
            params: Some(Params::default()),
            state: None,
        }
    }
}

/// What the clustering reads of one new item.
pub(super) struct Placing<'a> {
    pub id: i64,
    /// Milliseconds (published, else fetched).
    pub ts: i64,
    pub lang: &'a str,
    pub source: &'a str,
    pub title: &'a str,
    pub text: &'a str,
    /// Title and text as the classifier normalized them.
    pub title_key: &'a str,
    pub text_key: &'a str,
    /// The item's tags line (` topic:x party:y alert:z `).
    pub tags: &'a str,
}

impl Stories {
    pub(super) fn set(&mut self, params: Option<Params>) {
        if self.params != params {
            self.params = params;
            self.state = None;
        }
    }

    /// Drops the state, which a rolled-back transaction may have moved past
    /// the store.
    pub(super) fn forget(&mut self) {
        self.state = None;
    }

    /// Places a new item (already inserted) in its story and records it.
    pub(super) fn place(&mut self, c: &Connection, item: &Placing<'_>) -> Result<(), StoreError> {
        let Some(params) = &self.params else {
            return Ok(());
        };
        if self.state.is_none() {
            self.state = Some(restore(c, params.clone(), item.id)?);
        }
        let Some(state) = self.state.as_mut() else {
            return Ok(());
        };
        let mut rules = Vec::new();
        rules_of(item.tags, &mut rules);
        let d = state.add(&as_item(item, &rules));
        record(c, item.id, &d)
    }
}

/// The taxonomy's labels of a tags line, as the clustering's rules.
fn rules_of<'a>(tags: &'a str, out: &mut Vec<Rule<'a>>) {
    for tag in tags.split_ascii_whitespace() {
        let Some((kind, id)) = tag.split_once(':') else {
            continue;
        };
        let kind = match kind {
            "topic" => RuleKind::Topic,
            "party" => RuleKind::Party,
            "alert" => RuleKind::Alert,
            _ => continue,
        };
        out.push(Rule { kind, id });
    }
}

fn as_item<'a>(p: &Placing<'a>, rules: &'a [Rule<'a>]) -> Item<'a> {
    Item {
        id: p.id as u64,
        published: p.ts.div_euclid(1000),
        lang: p.lang,
        source: p.source,
        title: p.title,
        text: p.text,
        title_key: p.title_key,
        text_key: p.text_key,
        rules,
    }
}

fn record(c: &Connection, item: i64, d: &Decision) -> Result<(), StoreError> {
    let via = serde_json::to_value(d.why.via)?;
    c.prepare_cached(
        "INSERT OR REPLACE INTO item_stories (item_id, story, via, why) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        item,
        d.story as i64,
        via.as_str().unwrap_or_default(),
        serde_json::to_string(&d.why)?
    ])?;
    Ok(())
}

/// The clustering state of the active window: the items of the last
/// `cool_hours` before the newest (and before item `before`), in the order
/// they were stored, each put back in its stored story.
fn restore(c: &Connection, params: Params, before: i64) -> Result<Clusterer, StoreError> {
    let window = (f64::from(params.cool_hours) * 3_600_000.0) as i64;
    let mut state = Clusterer::new(params);
    let newest: Option<i64> = c
        .prepare_cached("SELECT max(ts) FROM items WHERE deleted = 0 AND id < ?1")?
        .query_row([before], |r| r.get(0))?;
    let Some(newest) = newest else {
        return Ok(state);
    };
    let mut stmt = c.prepare_cached(
        "SELECT i.id, i.ts, i.lang, i.source, i.title, i.text, coalesce(t.tags, ''), s.story
         FROM items i
         LEFT JOIN item_tags t ON t.item_id = i.id
         LEFT JOIN item_stories s ON s.item_id = i.id
         WHERE i.ts >= ?1 AND i.deleted = 0 AND i.id < ?2
         ORDER BY i.id",
    )?;
    let mut rows = stmt.query(params![newest - window, before])?;
    let mut placed = 0usize;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> Result<&str, rusqlite::Error> {
            Ok(r.get_ref(i)?.as_str().unwrap_or_default())
        };
        let (title, body) = (text(4)?, text(5)?);
        let (title_key, text_key) = (crate::text::normalize(title), crate::text::normalize(body));
        let p = Placing {
            id: r.get(0)?,
            ts: r.get(1)?,
            lang: text(2)?,
            source: text(3)?,
            title,
            text: body,
            title_key: &title_key,
            text_key: &text_key,
            tags: text(6)?,
        };
        let mut rules = Vec::new();
        rules_of(p.tags, &mut rules);
        let item = as_item(&p, &rules);
        match r.get::<_, Option<i64>>(7)? {
            Some(story) => state.restore(&item, story as u64),
            None => {
                let d = state.add(&item);
                record(c, p.id, &d)?;
                placed += 1;
            }
        }
    }
    tracing::info!(placed, "stories: the active window restored");
    Ok(state)
}
