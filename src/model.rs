//! The domain types every layer shares: ids, items as a feed or seed brings them
//! (`NewItem`, already through the text pipeline) and as the store keeps them
//! (`StoredItem`), and the labels the classifier gives an item with their evidence.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Row id of a feed in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FeedId(pub i64);

/// Row id of an item in the store; stable for the item's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemId(pub i64);

impl std::fmt::Display for ItemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Which part of an item a match was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    Body,
}

/// One reason for a label: the rule term that matched and where, as byte offsets
/// into the item's displayed (sanitized) title or text, so the dashboard can
/// highlight it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The term of the rule as written in the config (borrowed from the
    /// classifier's rules, so labelling an item copies no rule text).
    pub term: Cow<'static, str>,
    pub field: Field,
    pub start: usize,
    pub end: usize,
    /// The matched text as it stands in the item (borrowed from the term when
    /// it is written just like it, as most matches are).
    pub text: Cow<'static, str>,
}

/// A topic, party or alert an item was given, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub id: Cow<'static, str>,
    pub evidence: Vec<Evidence>,
}

/// The classifier's verdict on one item. Labels are in config order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub lang: String,
    pub topics: Vec<Label>,
    pub parties: Vec<Label>,
    pub alerts: Vec<Label>,
}

impl Classification {
    pub fn topic_ids(&self) -> Vec<String> {
        self.topics.iter().map(|l| l.id.to_string()).collect()
    }
    pub fn party_ids(&self) -> Vec<String> {
        self.parties.iter().map(|l| l.id.to_string()).collect()
    }
    pub fn alert_ids(&self) -> Vec<String> {
        self.alerts.iter().map(|l| l.id.to_string()).collect()
    }
}

/// An item as a feed or seed brings it, after the text pipeline (HTML to text,
/// sanitizing, classification) and before the store has seen it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewItem {
    /// The feed's own id for the item (RSS guid, Atom id), if it gave one.
    pub guid: Option<String>,
    pub link: Option<String>,
    /// Where the item comes from, as shown to the user (feed or publication name).
    pub source: String,
    pub title: String,
    pub text: String,
    pub published: Option<DateTime<Utc>>,
    /// The item carried no usable date: `published` is the fetch time.
    pub date_is_fetch_time: bool,
    pub fetched: DateTime<Utc>,
    pub labels: Classification,
    /// The store's keys for this title and text, when the pipeline computed
    /// them from the normalized text it classified; the store computes them
    /// itself when there are none. Whoever changes `title` or `text` afterwards
    /// clears them (the store catches a change of length, not every change).
    #[serde(skip)]
    pub keys: Option<crate::store::ItemKeys>,
}

/// An item as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredItem {
    pub id: ItemId,
    /// Name of the feed (or `seeds`) the item came from.
    pub feed: String,
    pub source: String,
    pub guid: Option<String>,
    pub link: Option<String>,
    pub title: String,
    pub text: String,
    pub published: Option<DateTime<Utc>>,
    pub fetched: DateTime<Utc>,
    pub read: bool,
    pub labels: Classification,
}

impl StoredItem {
    /// The time to sort and show the item by: publication, else fetch time.
    pub fn when(&self) -> DateTime<Utc> {
        self.published.unwrap_or(self.fetched)
    }
}

/// An alert that fired on an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiredAlert {
    pub alert: String,
    pub item: ItemId,
    pub fired_at: DateTime<Utc>,
    /// Fired silently: a seed import or a backfilled old item.
    pub quiet: bool,
    pub acknowledged: bool,
}
