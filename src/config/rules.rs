//! The taxonomy of a watch as written in feeds.toml: `[[topic]]`, `[[party]]` and
//! `[[alert]]`. Parsing and structural checks live here; turning the terms into a
//! matcher is the classifier's job (`crate::classify`).

use serde::Deserialize;
use toml::Spanned;

/// Two terms that must stand within `within` words of each other.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Near {
    pub a: Vec<String>,
    pub b: Vec<String>,
    #[serde(default = "default_within")]
    pub within: usize,
}

fn default_within() -> usize {
    5
}

/// A topic: one pane of the dashboard.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTopic {
    pub id: Spanned<String>,
    /// Pane title; defaults to the id.
    pub name: Option<String>,
    /// Arabic pane title, shown beside the English one.
    pub name_ar: Option<String>,
    pub terms: Option<Spanned<Vec<String>>>,
    /// Each group must match somewhere in the item (in addition to `terms`).
    #[serde(default)]
    pub all: Vec<Vec<String>>,
    /// Any of these excludes the item.
    #[serde(default)]
    pub not: Vec<String>,
    #[serde(default)]
    pub near: Vec<Near>,
}

/// A party: a state, group or body whose mentions are tagged.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParty {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub name_ar: Option<String>,
    /// Short code for badges (US, IR, OM); defaults to the id's first two letters.
    pub badge: Option<String>,
    pub terms: Option<Spanned<Vec<String>>>,
    /// Matches of these terms do not count as mentions (e.g. "Gulf of Oman").
    #[serde(default)]
    pub not: Vec<String>,
    /// Context that vetoes a nearby mention (عمان next to الأردن is Amman).
    #[serde(default)]
    pub veto: Vec<Near>,
}

/// Where an alert applies; empty lists mean everywhere.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScope {
    #[serde(default)]
    pub topics: Vec<Spanned<String>>,
    #[serde(default)]
    pub parties: Vec<Spanned<String>>,
    #[serde(default)]
    pub feeds: Vec<Spanned<String>>,
}

/// A keyword alert.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlert {
    pub id: Spanned<String>,
    pub name: Option<String>,
    pub terms: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub all: Vec<Vec<String>>,
    #[serde(default)]
    pub not: Vec<String>,
    #[serde(default)]
    pub near: Vec<Near>,
    #[serde(default)]
    pub scope: RawScope,
    /// Ring the terminal bell when it fires.
    #[serde(default)]
    pub bell: bool,
    /// Send a desktop notification where one is available.
    #[serde(default)]
    pub notify: bool,
    /// Program and arguments run (without a shell) with the item as JSON on stdin.
    #[serde(default)]
    pub command: Vec<String>,
}

/// A validated topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub id: String,
    pub name: String,
    pub name_ar: Option<String>,
    pub terms: Vec<String>,
    pub all: Vec<Vec<String>>,
    pub not: Vec<String>,
    pub near: Vec<Near>,
}

/// A validated party.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub name_ar: Option<String>,
    pub badge: String,
    pub terms: Vec<String>,
    pub not: Vec<String>,
    pub veto: Vec<Near>,
}

/// A validated alert scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    pub topics: Vec<String>,
    pub parties: Vec<String>,
    pub feeds: Vec<String>,
}

/// A validated alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub id: String,
    pub name: String,
    pub terms: Vec<String>,
    pub all: Vec<Vec<String>>,
    pub not: Vec<String>,
    pub near: Vec<Near>,
    pub scope: Scope,
    pub bell: bool,
    pub notify: bool,
    pub command: Vec<String>,
}

impl RawTopic {
    pub(crate) fn validated(self) -> Topic {
        let id = self.id.into_inner();
        Topic {
            name: self.name.unwrap_or_else(|| id.clone()),
            id,
            name_ar: self.name_ar,
            terms: self.terms.map(Spanned::into_inner).unwrap_or_default(),
            all: self.all,
            not: self.not,
            near: self.near,
        }
    }
}

impl RawParty {
    pub(crate) fn validated(self) -> Party {
        let id = self.id.into_inner();
        Party {
            name: self.name.unwrap_or_else(|| id.clone()),
            badge: self
                .badge
                .unwrap_or_else(|| id.chars().take(2).collect::<String>().to_uppercase()),
            id,
            name_ar: self.name_ar,
            terms: self.terms.map(Spanned::into_inner).unwrap_or_default(),
            not: self.not,
            veto: self.veto,
        }
    }
}

impl RawAlert {
    pub(crate) fn validated(self) -> Alert {
        let id = self.id.into_inner();
        let names = |v: Vec<Spanned<String>>| v.into_iter().map(Spanned::into_inner).collect();
        Alert {
            name: self.name.unwrap_or_else(|| id.clone()),
            id,
            terms: self.terms.map(Spanned::into_inner).unwrap_or_default(),
            all: self.all,
            not: self.not,
            near: self.near,
            scope: Scope {
                topics: names(self.scope.topics),
                parties: names(self.scope.parties),
                feeds: names(self.scope.feeds),
            },
            bell: self.bell,
            notify: self.notify,
            command: self.command,
        }
    }
}
