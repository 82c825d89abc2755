//! The panes: each a store query (its kind under the filters) and a window
//! over it, with counts and a sparkline from the store. When filters change,
//! every pane's query changes and a new generation of pages is asked for;
//! answers of an older generation are dropped. New items are offered to the
//! panes that take them (the store says which) and merged in place.

use std::collections::HashMap;

use super::items::{Item, PaneKind};
use super::search::{Reply, Request};
use super::state::State;
use super::window::{Keyed, Window};
use super::{Effect, Event};
use crate::model::ItemId;
use crate::store::{Count, DashRow, ItemQuery};

/// Rows in a pane's first page (more than the tallest pane shows).
pub const FIRST: usize = 80;

/// A pane: what it lists, its window over the store and its counts.
#[derive(Debug, Clone)]
pub struct Pane {
    pub kind: PaneKind,
    pub query: ItemQuery,
    pub window: Window<Item>,
    /// The store's counts (`None` until they come).
    pub count: Option<Count>,
    /// Items per hour over the last 24 clock hours, oldest first.
    pub hours: [u64; 24],
    /// Items that came during this session.
    pub fresh: usize,
}

impl Pane {
    fn new(kind: PaneKind, query: ItemQuery) -> Pane {
        Pane {
            kind,
            query,
            window: Window::default(),
            count: None,
            hours: [0; 24],
            fresh: 0,
        }
    }

    /// The rows loaded, newest first.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.window.rows.iter()
    }
}

impl State {
    /// The panes the grid shows: each visible topic, then "other" if shown.
    /// In the river, the one list of every item. Items with no topic have
    /// the "other" pane when it is shown, and whenever `/` searches, so what
    /// is searched for is never hidden.
    fn pane_kinds(&self) -> Vec<PaneKind> {
        if self.layout == crate::config::Layout::River {
            return vec![PaneKind::River];
        }
        let other = self.filter.show_other || !self.filter.text.trim().is_empty();
        (0..self.topics.len().min(64))
            .filter(|t| self.filter.hidden_topics & (1 << t) == 0)
            .map(PaneKind::Topic)
            .chain(other.then_some(PaneKind::Other))
            .collect()
    }

    /// Gives every pane its query under the current filters and asks for
    /// their first pages and counts (a new generation). A pane that stays
    /// keeps its rows on screen until its new page comes. `typed`: a
    /// keystroke of `/` asked (the search is debounced).
    pub(super) fn reload(&mut self, typed: bool) {
        self.epoch += 1;
        let mut old: HashMap<PaneKind, Pane> =
            self.panes.drain(..).map(|p| (p.kind.clone(), p)).collect();
        for kind in self.pane_kinds() {
            let query = kind.query(&self.taxonomy, &self.filter);
            let mut pane = old
                .remove(&kind)
                .unwrap_or_else(|| Pane::new(kind.clone(), query.clone()));
            pane.query = query;
            pane.window.reset();
            self.panes.push(pane);
        }
        self.focus = self.focus.min(self.panes.len().saturating_sub(1));
        self.pending.clear();
        self.searching = !self.panes.is_empty();
        let queries = self.queries();
        self.effects.push(Effect::Query(Request::First {
            epoch: self.epoch,
            queries: queries.clone(),
            limit: FIRST,
            typed,
        }));
        self.effects.push(Effect::Query(Request::Counts {
            epoch: self.epoch,
            queries,
            now: self.now,
        }));
        self.dirty = true;
    }

    fn queries(&self) -> Vec<ItemQuery> {
        self.panes.iter().map(|p| p.query.clone()).collect()
    }

    /// Asks for the panes' counts and sparklines again.
    pub(super) fn recount(&mut self) {
        self.effects.push(Effect::Query(Request::Counts {
            epoch: self.epoch,
            queries: self.queries(),
            now: self.now,
        }));
    }

    pub(super) fn items_of(&self, rows: Vec<DashRow>) -> Vec<Item> {
        rows.into_iter()
            .map(|r| self.taxonomy.item_from_row(r))
            .collect()
    }

    /// Asks for the page pane `p`'s window wants, if it wants one.
    pub(super) fn ask_page(&mut self, p: usize) {
        let Some(pane) = self.panes.get_mut(p) else {
            return;
        };
        if let Some(want) = pane.window.want() {
            self.effects.push(Effect::Query(Request::Page {
                epoch: self.epoch,
                pane: p,
                query: pane.query.clone(),
                from: want.from,
                toward: want.toward,
                limit: want.limit,
            }));
        }
    }

    /// Moves the focused pane's selection.
    pub(super) fn move_selection(&mut self, delta: isize) {
        let p = self.focus;
        if let Some(pane) = self.panes.get_mut(p) {
            pane.window.move_by(delta);
        }
        self.ask_page(p);
    }

    /// An answer about the panes.
    pub(super) fn pane_reply(&mut self, reply: Reply) {
        match reply {
            Reply::First {
                epoch,
                pages,
                limit,
            } if epoch == self.epoch => {
                for (p, rows) in pages.into_iter().enumerate() {
                    let items = self.items_of(rows);
                    if let Some(pane) = self.panes.get_mut(p) {
                        pane.window.first(items, limit);
                    }
                }
                self.searching = false;
            }
            Reply::Page {
                epoch,
                pane,
                from,
                toward,
                rows,
                limit,
            } if epoch == self.epoch => {
                let items = self.items_of(rows);
                if let Some(p) = self.panes.get_mut(pane) {
                    p.window.page(&from, toward, items, limit);
                }
                // The selection may still be near the end (a fast scroll).
                self.ask_page(pane);
            }
            Reply::Counts {
                epoch,
                counts,
                open_alerts,
            } => {
                self.open_alerts = open_alerts;
                if epoch == self.epoch {
                    for (pane, (count, hours)) in self.panes.iter_mut().zip(counts) {
                        pane.count = Some(count);
                        pane.hours = hours;
                    }
                }
            }
            Reply::Which {
                epoch,
                taken,
                asked,
            } => {
                if epoch == self.epoch {
                    for (pane, ids) in self.panes.iter_mut().zip(taken) {
                        let new: Vec<Item> = ids
                            .iter()
                            .filter_map(|id| self.pending.get(id).cloned())
                            .collect();
                        pane.fresh += new.len();
                        // Pin the selection: new items on top never move it.
                        if pane.window.selected.is_none() {
                            pane.window.selected = pane.window.rows.front().map(Keyed::key);
                        }
                        pane.window.merge(new);
                    }
                }
                for id in asked {
                    self.pending.remove(&id);
                }
            }
            Reply::Marks { marks, asked } => {
                let marks: HashMap<ItemId, bool> = marks.into_iter().collect();
                let asked: std::collections::HashSet<ItemId> = asked.into_iter().collect();
                for pane in &mut self.panes {
                    pane.window
                        .retain(|i| !asked.contains(&i.id) || marks.contains_key(&i.id));
                    for it in pane.window.rows.iter_mut() {
                        if let Some(read) = marks.get(&it.id) {
                            it.read = *read;
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// New items stored (by any process): the store is asked which panes
    /// take them; more than the watcher sends at once, and the panes reload.
    pub(super) fn new_items(&mut self, rows: Vec<DashRow>, overflow: bool) {
        if overflow {
            self.reload(false);
            return;
        }
        if rows.is_empty() {
            return;
        }
        let ids: Vec<ItemId> = rows.iter().map(|r| r.id).collect();
        for mut it in self.items_of(rows) {
            it.fresh = true;
            self.pending.insert(it.id, it);
        }
        self.effects.push(Effect::Query(Request::Which {
            epoch: self.epoch,
            queries: self.queries(),
            ids,
        }));
    }

    /// Sets an item's read mark wherever it is shown; true if it changed.
    pub(super) fn show_read(&mut self, id: ItemId, read: bool) -> bool {
        let mut changed = false;
        for pane in &mut self.panes {
            for it in pane.window.rows.iter_mut().filter(|i| i.id == id) {
                changed |= it.read != read;
                it.read = read;
            }
        }
        changed
    }

    /// Asks for the read marks of every item shown (another process may
    /// have changed them).
    pub(super) fn refresh_marks(&mut self) {
        let mut ids: Vec<ItemId> = self
            .panes
            .iter()
            .flat_map(|p| p.window.rows.iter().map(|i| i.id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        if !ids.is_empty() {
            self.effects.push(Effect::Query(Request::Marks { ids }));
        }
    }
}

/// The event an answer comes back as (for effects that answer at once).
pub fn reply_event(r: Reply) -> Event {
    Event::Reply(Box::new(r))
}
