//! Unread items found without walking the read ones: `n`/`N` and marking a
//! pane (or everything) read ask here. The items' unread ones have an index
//! of their own (`items_unread`, partial: only unread, live items are in it),
//! and every label keeps its count of unread items. So a pane with nothing
//! unread answers from its labels' counts at once, whatever its size, and
//! otherwise the walk goes down the shorter of two lists: the pane's
//! smallest label (its items by time, each looked up for its read mark), or
//! every unread item (each looked up in the pane's labels).

use std::fmt::Write as _;

use rusqlite::{OptionalExtension, params_from_iter, types::Value};

use super::StoreError;
use super::aggregate;
use super::pages::{Plan, cursor, select_sql};
use super::query::{Cursor, ItemQuery, Toward};
use super::read::Reader;
use crate::model::ItemId;

/// How a page of unread items is found (for the query plan tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnreadWalk {
    /// Nothing is unread there: no query at all.
    None,
    /// Down the unread items' own index.
    Unread,
    /// Down the pane's smallest label.
    Label,
}

impl Reader {
    /// The unread items `q` selects (its own `unread_only` and limit aside)
    /// just past `from` toward `toward`, at most `limit`, newest first.
    pub fn unread_page(
        &self,
        q: &ItemQuery,
        from: Option<Cursor>,
        toward: Toward,
        limit: usize,
    ) -> Result<Vec<Cursor>, StoreError> {
        let q = ItemQuery {
            unread_only: true,
            ..q.clone()
        };
        if q.search_text().is_some() {
            // The search streams its matches and tests each read mark.
            return self.select(&q, from, toward, limit);
        }
        let plan = Plan::new(&self.conn, &q)?;
        let walk = self.walk(&plan)?;
        let Some((mut sql, mut args)) = unread_sql(&plan, walk, from, toward) else {
            return Ok(Vec::new());
        };
        if limit == 0 {
            return Ok(Vec::new());
        }
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

    /// The nearest unread item `q` selects past `from` toward `toward`.
    pub fn next_unread(
        &self,
        q: &ItemQuery,
        from: Option<Cursor>,
        toward: Toward,
    ) -> Result<Option<Cursor>, StoreError> {
        Ok(self.unread_page(q, from, toward, 1)?.first().copied())
    }

    /// Which way [`Reader::unread_page`] walks for `q`, and SQLite's plan of
    /// it (empty when nothing is unread there).
    pub fn explain_unread(&self, q: &ItemQuery) -> Result<(UnreadWalk, Vec<String>), StoreError> {
        let q = ItemQuery {
            unread_only: true,
            ..q.clone()
        };
        let plan = Plan::new(&self.conn, &q)?;
        let walk = self.walk(&plan)?;
        let mut out = Vec::new();
        let from = Some(Cursor {
            ts: 0,
            id: ItemId(0),
        });
        if let Some((sql, args)) = unread_sql(&plan, walk, from, Toward::Older) {
            let mut stmt = self
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql} LIMIT 1"))?;
            let mut rows = stmt.query(params_from_iter(args))?;
            while let Some(r) = rows.next()? {
                out.push(r.get::<_, String>(3)?);
            }
        }
        Ok((walk, out))
    }

    /// The shorter walk for `plan`, from the labels' counts.
    fn walk(&self, plan: &Plan) -> Result<UnreadWalk, StoreError> {
        if plan.empty {
            return Ok(UnreadWalk::None);
        }
        let mut unread = self
            .conn
            .prepare_cached("SELECT unread FROM labels WHERE id = ?1")?;
        let mut count = |label: i64| -> Result<i64, StoreError> {
            Ok(unread
                .query_row([label], |r| r.get::<_, i64>(0))
                .optional()?
                .unwrap_or(0))
        };
        let everything = match self.label_id(aggregate::ALL)? {
            Some(all) => count(all)?,
            None => 0,
        };
        if everything <= 0 {
            return Ok(UnreadWalk::None);
        }
        for (label, _) in &plan.labels {
            if count(*label)? <= 0 {
                return Ok(UnreadWalk::None);
            }
        }
        Ok(match plan.labels.first() {
            Some((_, items)) if *items < everything => UnreadWalk::Label,
            _ => UnreadWalk::Unread,
        })
    }
}

/// The SQL of a walk (`id`, `ts` rows past `from`, away from it), or `None`
/// when there is nothing to walk.
fn unread_sql(
    plan: &Plan,
    walk: UnreadWalk,
    from: Option<Cursor>,
    toward: Toward,
) -> Option<(String, Vec<Value>)> {
    match walk {
        UnreadWalk::None => None,
        UnreadWalk::Label => Some(select_sql(plan, from, toward)),
        UnreadWalk::Unread => {
            let mut args = Vec::new();
            let mut sql = String::from(
                "SELECT i.id, i.ts FROM items i INDEXED BY items_unread \
                 WHERE i.deleted = 0 AND i.read = 0",
            );
            if let Some(c) = from {
                let op = if toward == Toward::Older { "<" } else { ">" };
                let _ = write!(sql, " AND (i.ts, i.id) {op} (?, ?)");
                args.push(Value::Integer(c.ts));
                args.push(Value::Integer(c.id.0));
            }
            if let Some(s) = plan.since {
                sql.push_str(" AND i.ts >= ?");
                args.push(Value::Integer(s));
            }
            for (label, _) in &plan.labels {
                sql.push_str(
                    " AND EXISTS (SELECT 1 FROM label_items x WHERE x.label = ? AND x.ts = i.ts AND x.item = i.id)",
                );
                args.push(Value::Integer(*label));
            }
            let dir = if toward == Toward::Older {
                "DESC"
            } else {
                "ASC"
            };
            let _ = write!(sql, " ORDER BY i.ts {dir}, i.id {dir}");
            Some((sql, args))
        }
    }
}
