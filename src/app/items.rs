//! The items the dashboard shows, held compactly (no body text), and the panes
//! built from them under the active filters: per topic, newest first, with
//! counts and a 24-hour histogram.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::model::{Field, ItemId, StoredItem};
use crate::store::DashRow;

/// One item, as the panes need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: ItemId,
    /// Feed and source names are shared between items (interned).
    pub feed: Arc<str>,
    pub source: Arc<str>,
    pub title: String,
    /// Normalized title and source: what the text filter searches.
    /// Boxed to its exact length: 100,000 of these live in the dashboard.
    pub key: Box<str>,
    pub when: DateTime<Utc>,
    pub read: bool,
    /// Arrived during this session.
    pub fresh: bool,
    /// Bit i: the config's topic i.
    pub topics: u64,
    pub parties: u64,
    pub alerts: u64,
    /// Byte ranges of the title where an alert's term matched.
    pub highlights: Vec<Range<usize>>,
}

/// Ids of the taxonomy in config order, to turn label ids into bits.
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    pub topics: Vec<String>,
    pub parties: Vec<String>,
    pub alerts: Vec<String>,
    /// Feed and source names seen so far, shared by the items that carry them.
    names: RefCell<HashMap<String, Arc<str>>>,
}

impl Taxonomy {
    pub fn from_config(c: &Config) -> Taxonomy {
        Taxonomy {
            topics: c.topics.iter().map(|t| t.id.clone()).collect(),
            parties: c.parties.iter().map(|p| p.id.clone()).collect(),
            alerts: c.alerts.iter().map(|a| a.id.clone()).collect(),
            names: RefCell::default(),
        }
    }

    fn intern(&self, name: String) -> Arc<str> {
        let mut names = self.names.borrow_mut();
        if let Some(n) = names.get(&name) {
            return n.clone();
        }
        let n: Arc<str> = Arc::from(name.as_str());
        names.insert(name, n.clone());
        n
    }

    fn bits<'a>(list: &[String], ids: impl IntoIterator<Item = &'a str>) -> u64 {
        let mut b = 0u64;
        for id in ids {
            if let Some(i) = list.iter().position(|x| x == id).filter(|i| *i < 64) {
                b |= 1 << i;
            }
        }
        b
    }

    pub fn item_from_row(&self, r: DashRow) -> Item {
        let highlights = title_ranges(
            &r.title,
            r.alert_evidence
                .iter()
                .filter(|e| e.field == Field::Title)
                .map(|e| e.start..e.end),
        );
        Item {
            key: search_key(&r.title, &r.source),
            topics: Self::bits(&self.topics, r.topics.iter().map(String::as_str)),
            parties: Self::bits(&self.parties, r.parties.iter().map(String::as_str)),
            alerts: Self::bits(&self.alerts, r.alerts.iter().map(String::as_str)),
            id: r.id,
            feed: self.intern(r.feed),
            source: self.intern(r.source),
            title: r.title,
            when: r.when,
            read: r.read,
            fresh: false,
            highlights,
        }
    }

    pub fn item_from_stored(&self, s: &StoredItem) -> Item {
        let l = &s.labels;
        Item {
            id: s.id,
            feed: self.intern(s.feed.clone()),
            source: self.intern(s.source.clone()),
            title: s.title.clone(),
            key: search_key(&s.title, &s.source),
            when: s.when(),
            read: s.read,
            fresh: true,
            topics: Self::bits(&self.topics, l.topics.iter().map(|x| x.id.as_ref())),
            parties: Self::bits(&self.parties, l.parties.iter().map(|x| x.id.as_ref())),
            alerts: Self::bits(&self.alerts, l.alerts.iter().map(|x| x.id.as_ref())),
            highlights: title_ranges(
                &s.title,
                l.alerts
                    .iter()
                    .flat_map(|a| &a.evidence)
                    .filter(|e| e.field == Field::Title)
                    .map(|e| e.start..e.end),
            ),
        }
    }
}

fn search_key(title: &str, source: &str) -> Box<str> {
    let mut k = crate::text::normalize(title);
    k.push('\u{1f}');
    k.push_str(&crate::text::normalize(source));
    k.into_boxed_str()
}

/// Evidence ranges clamped to the title's char boundaries; empty or reversed
/// ranges are dropped, so bad offsets never panic.
pub fn title_ranges(title: &str, ranges: impl Iterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = ranges.filter_map(|r| clamp_range(title, r)).collect();
    out.sort_by_key(|r| r.start);
    out.dedup();
    out
}

/// `r` moved inside `s` onto char boundaries; `None` if nothing is left.
pub fn clamp_range(s: &str, r: Range<usize>) -> Option<Range<usize>> {
    let mut start = r.start.min(s.len());
    while !s.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = r.end.min(s.len());
    while !s.is_char_boundary(end) {
        end += 1;
    }
    (end > start).then_some(start..end)
}

/// What the panes are filtered by; filters combine and apply to every pane.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Topic panes hidden with the topic picker (bit per topic).
    pub hidden_topics: u64,
    /// Show the "other" pane (items without topics).
    pub show_other: bool,
    /// Only items that name this party (index in config order).
    pub party: Option<usize>,
    /// Text typed after `/`, as typed.
    pub text: String,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        self.hidden_topics != 0 || self.party.is_some() || !self.text.trim().is_empty()
    }
}

/// What a pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneKind {
    Topic(usize),
    Other,
}

/// A pane's items (indices into the item list, newest first) and counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Pane {
    pub kind: PaneKind,
    pub items: Vec<u32>,
    pub unread: usize,
    pub fresh: usize,
    /// Items per hour over the last 24 hours, oldest hour first.
    pub hours: [u64; 24],
}

/// The items in time order (oldest first) with an index by id.
#[derive(Debug, Clone, Default)]
pub struct Items {
    list: Vec<Item>,
    by_id: HashMap<ItemId, u32>,
}

impl Items {
    pub fn new(mut list: Vec<Item>) -> Items {
        list.sort_by_key(|i| (i.when, i.id));
        let mut items = Items {
            list,
            by_id: HashMap::new(),
        };
        items.reindex();
        items
    }

    fn reindex(&mut self) {
        self.by_id = self
            .list
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id, i as u32))
            .collect();
    }

    /// Makes room for `total` items in all, so pages loaded later do not
    /// reallocate (and briefly double) the list.
    pub fn reserve_total(&mut self, total: usize) {
        self.list
            .reserve_exact(total.saturating_sub(self.list.len()));
        self.by_id.reserve(total.saturating_sub(self.by_id.len()));
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn get(&self, idx: u32) -> Option<&Item> {
        self.list.get(idx as usize)
    }

    pub fn by_id(&self, id: ItemId) -> Option<&Item> {
        self.by_id.get(&id).and_then(|i| self.get(*i))
    }

    pub fn by_id_mut(&mut self, id: ItemId) -> Option<&mut Item> {
        let i = *self.by_id.get(&id)?;
        self.list.get_mut(i as usize)
    }

    /// Adds items not yet known; returns how many were new.
    pub fn add(&mut self, new: Vec<Item>) -> usize {
        let mut added = 0;
        for it in new {
            if self.by_id.contains_key(&it.id) {
                continue;
            }
            let pos = self
                .list
                .partition_point(|x| (x.when, x.id) <= (it.when, it.id));
            self.list.insert(pos, it);
            added += 1;
        }
        if added > 0 {
            self.reindex();
        }
        added
    }

    /// Adds many items at once (a background page of older items), known ids
    /// skipped; one sort instead of an insertion each.
    pub fn add_bulk(&mut self, new: Vec<Item>) -> usize {
        let before = self.list.len();
        let by_id = &self.by_id;
        self.list
            .extend(new.into_iter().filter(|it| !by_id.contains_key(&it.id)));
        let added = self.list.len() - before;
        if added > 0 {
            self.list.sort_by_key(|i| (i.when, i.id));
            self.reindex();
        }
        added
    }

    /// The panes for `filter`: one per visible topic, then "other" if shown.
    pub fn panes(&self, topics: usize, filter: &Filter, now: DateTime<Utc>) -> Vec<Pane> {
        let mut panes: Vec<Pane> = (0..topics.min(64))
            .filter(|t| filter.hidden_topics & (1 << t) == 0)
            .map(PaneKind::Topic)
            .chain(filter.show_other.then_some(PaneKind::Other))
            .map(|kind| Pane {
                kind,
                items: Vec::new(),
                unread: 0,
                fresh: 0,
                hours: [0; 24],
            })
            .collect();
        // Which pane each topic bit lands in.
        let mut slot = [usize::MAX; 64];
        let mut other = usize::MAX;
        for (i, p) in panes.iter().enumerate() {
            match p.kind {
                PaneKind::Topic(t) => slot[t] = i,
                PaneKind::Other => other = i,
            }
        }
        let needle = crate::text::normalize(filter.text.trim());
        let party_bit = filter.party.map(|p| 1u64 << p.min(63));
        let start = now - chrono::Duration::hours(24);
        for (idx, it) in self.list.iter().enumerate().rev() {
            if party_bit.is_some_and(|b| it.parties & b == 0) {
                continue;
            }
            if !needle.is_empty() && !it.key.contains(&needle) {
                continue;
            }
            let hour = (it.when > start && it.when <= now)
                .then(|| 23 - ((now - it.when).num_minutes() / 60).clamp(0, 23) as usize);
            let put = |p: &mut Pane| {
                p.items.push(idx as u32);
                p.unread += usize::from(!it.read);
                p.fresh += usize::from(it.fresh);
                if let Some(h) = hour {
                    p.hours[h] += 1;
                }
            };
            if it.topics == 0 {
                if let Some(p) = panes.get_mut(other) {
                    put(p);
                }
                continue;
            }
            let mut bits = it.topics;
            while bits != 0 {
                let t = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if let Some(p) = panes.get_mut(slot[t]) {
                    put(p);
                }
            }
        }
        panes
    }
}
