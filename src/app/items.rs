//! The items the dashboard shows, held compactly (no body text, labels as
//! bits), the filters that apply to every pane, and what each kind of pane
//! lists, as the store query it asks.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::model::{Field, ItemId, StoredItem};
use crate::store::{Cursor, DashRow, ItemQuery};

/// One item, as the panes need it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: ItemId,
    /// Feed and source names are shared between items (interned).
    pub feed: Arc<str>,
    pub source: Arc<str>,
    pub title: String,
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

/// What the panes are filtered by; filters combine and apply to every pane,
/// as `list`'s options combine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Topic panes hidden with the topic picker (bit per topic).
    pub hidden_topics: u64,
    /// Show the "other" pane (items without topics).
    pub show_other: bool,
    /// Only items that name this party (index in config order).
    pub party: Option<usize>,
    /// Only items of this feed.
    pub feed: Option<String>,
    /// Only unread items.
    pub unread_only: bool,
    /// Text typed after `/`, as typed: searched as `list --search` searches.
    pub text: String,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        self.hidden_topics != 0
            || self.party.is_some()
            || self.feed.is_some()
            || self.unread_only
            || !self.text.trim().is_empty()
    }
}

/// What a pane lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PaneKind {
    /// The items of a topic (index in config order).
    Topic(usize),
    /// The items with no topic.
    Other,
    /// Every item: the river.
    River,
    /// The items of one feed.
    Feed(String),
}

impl PaneKind {
    /// The store query of this pane under `filter`.
    pub fn query(&self, taxonomy: &Taxonomy, filter: &Filter) -> ItemQuery {
        let mut q = ItemQuery {
            party: filter.party.and_then(|p| taxonomy.parties.get(p)).cloned(),
            feed: filter.feed.clone(),
            unread_only: filter.unread_only,
            search: Some(filter.text.trim().to_string()).filter(|t| !t.is_empty()),
            ..ItemQuery::default()
        };
        match self {
            PaneKind::Topic(t) => {
                // An id is never a space: a topic the config no longer has
                // lists nothing.
                q.topic = Some(
                    taxonomy
                        .topics
                        .get(*t)
                        .cloned()
                        .unwrap_or_else(|| " ".into()),
                );
            }
            PaneKind::Other => q.no_topic = true,
            PaneKind::River => {}
            PaneKind::Feed(name) => q.feed = Some(name.clone()),
        }
        q
    }
}

impl super::window::Keyed for Item {
    type Key = Cursor;
    fn key(&self) -> Cursor {
        Cursor::new(self.when, self.id)
    }
}
