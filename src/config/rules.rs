//! The taxonomy of a watch as written in feeds.toml: `[[topic]]`, `[[party]]` and
//! `[[alert]]`. Parsing and structural checks live here; turning the terms into a
//! matcher is the classifier's job (`crate::classify`), whose term syntax the
//! validator also checks so a bad term is reported with its line.
//!
//! Every kind of rule has the same matching keys: `terms` (any of them), `weak`
//! (terms that count only with support: "attack", "deal"), `places` (capitals and
//! cities that count unless they are only the venue: "in Tehran"), `all` (groups
//! that must each match somewhere), `near` (two terms within N words), `not`
//! (phrases inside which a term does not count: "Gulf of Oman") and `veto`
//! (context that discards a nearby mention: عمان next to الأردنية is Amman).

use serde::Deserialize;
use toml::Spanned;

use super::HumanDuration;

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

/// Context that discards a rule's mentions: any of `terms` within `within` words
/// of a mention (in the same title or body), only in the `before` words before
/// it or the `after` words after it, or anywhere in the item when no window is
/// given (at most one of the three).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Veto {
    pub terms: Vec<String>,
    pub within: Option<usize>,
    pub before: Option<usize>,
    pub after: Option<usize>,
}

/// Where a veto's terms must stand to discard a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VetoWindow {
    /// Anywhere in the item.
    Anywhere,
    /// Within this many words on either side, in the same title or body.
    Within(usize),
    /// Within this many words before the mention.
    Before(usize),
    /// Within this many words after the mention.
    After(usize),
}

impl Veto {
    /// The window this veto applies in (the validator allows one at most).
    pub fn window(&self) -> VetoWindow {
        match (self.within, self.before, self.after) {
            (Some(n), _, _) => VetoWindow::Within(n),
            (None, Some(n), _) => VetoWindow::Before(n),
            (None, None, Some(n)) => VetoWindow::After(n),
            (None, None, None) => VetoWindow::Anywhere,
        }
    }
}

/// The matching keys shared by topics, parties and alerts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matching {
    pub terms: Vec<String>,
    /// Terms too common outside the rule's sense to count alone: they count
    /// with another term of the rule (or a second weak one) or, for a topic,
    /// with a party of the watch in the item.
    pub weak: Vec<String>,
    /// Place names standing for a government (capitals): they count unless the
    /// text uses them as a venue ("in Tehran", «بطهران», «في الدوحة»).
    pub places: Vec<String>,
    pub all: Vec<Vec<String>>,
    pub near: Vec<Near>,
    pub not: Vec<String>,
    pub veto: Vec<Veto>,
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
    /// Terms that count only with support (see [`Matching::weak`]).
    #[serde(default)]
    pub weak: Option<Spanned<Vec<String>>>,
    /// Capitals and cities that count unless used as a venue.
    #[serde(default)]
    pub places: Option<Spanned<Vec<String>>>,
    /// Each group must match somewhere in the item (in addition to `terms`).
    #[serde(default)]
    pub all: Option<Spanned<Vec<Vec<String>>>>,
    #[serde(default)]
    pub near: Option<Spanned<Vec<Near>>>,
    /// Phrases inside which a term does not count.
    #[serde(default)]
    pub not: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub veto: Option<Spanned<Vec<Veto>>>,
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
    #[serde(default)]
    pub weak: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub places: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub all: Option<Spanned<Vec<Vec<String>>>>,
    #[serde(default)]
    pub near: Option<Spanned<Vec<Near>>>,
    /// Matches inside these phrases do not count as mentions (e.g. "Gulf of Oman").
    #[serde(default)]
    pub not: Option<Spanned<Vec<String>>>,
    /// Context that vetoes a nearby mention (عمان next to الأردن is Amman).
    #[serde(default)]
    pub veto: Option<Spanned<Vec<Veto>>>,
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
    pub weak: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub places: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub all: Option<Spanned<Vec<Vec<String>>>>,
    #[serde(default)]
    pub near: Option<Spanned<Vec<Near>>>,
    #[serde(default)]
    pub not: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub veto: Option<Spanned<Vec<Veto>>>,
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
    /// The longest the command may run before it is killed.
    pub timeout: Option<HumanDuration>,
}

/// A validated topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub id: String,
    pub name: String,
    pub name_ar: Option<String>,
    pub rule: Matching,
}

/// A validated party.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub name_ar: Option<String>,
    pub badge: String,
    pub rule: Matching,
}

/// A validated alert scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    pub topics: Vec<String>,
    pub parties: Vec<String>,
    pub feeds: Vec<String>,
}

/// How long an alert's command may run unless the alert says otherwise.
pub const DEFAULT_COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A validated alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub id: String,
    pub name: String,
    pub rule: Matching,
    pub scope: Scope,
    pub bell: bool,
    pub notify: bool,
    pub command: Vec<String>,
    pub timeout: std::time::Duration,
}

fn inner<T: Default>(v: Option<Spanned<T>>) -> T {
    v.map(Spanned::into_inner).unwrap_or_default()
}

/// The raw matching keys of any kind of rule, for the validator.
pub(crate) struct RawMatching<'a> {
    pub terms: Option<&'a Spanned<Vec<String>>>,
    pub weak: Option<&'a Spanned<Vec<String>>>,
    pub places: Option<&'a Spanned<Vec<String>>>,
    pub all: Option<&'a Spanned<Vec<Vec<String>>>>,
    pub near: Option<&'a Spanned<Vec<Near>>>,
    pub not: Option<&'a Spanned<Vec<String>>>,
    pub veto: Option<&'a Spanned<Vec<Veto>>>,
}

macro_rules! raw_matching {
    ($t:ty) => {
        impl $t {
            pub(crate) fn matching(&self) -> RawMatching<'_> {
                RawMatching {
                    terms: self.terms.as_ref(),
                    weak: self.weak.as_ref(),
                    places: self.places.as_ref(),
                    all: self.all.as_ref(),
                    near: self.near.as_ref(),
                    not: self.not.as_ref(),
                    veto: self.veto.as_ref(),
                }
            }

            fn matching_owned(&mut self) -> Matching {
                Matching {
                    terms: inner(self.terms.take()),
                    weak: inner(self.weak.take()),
                    places: inner(self.places.take()),
                    all: inner(self.all.take()),
                    near: inner(self.near.take()),
                    not: inner(self.not.take()),
                    veto: inner(self.veto.take()),
                }
            }
        }
    };
}

raw_matching!(RawTopic);
raw_matching!(RawParty);
raw_matching!(RawAlert);

impl RawTopic {
    pub(crate) fn validated(mut self) -> Topic {
        let rule = self.matching_owned();
        let id = self.id.into_inner();
        Topic {
            name: self.name.unwrap_or_else(|| id.clone()),
            id,
            name_ar: self.name_ar,
            rule,
        }
    }
}

impl RawParty {
    pub(crate) fn validated(mut self) -> Party {
        let rule = self.matching_owned();
        let id = self.id.into_inner();
        Party {
            name: self.name.unwrap_or_else(|| id.clone()),
            badge: self
                .badge
                .unwrap_or_else(|| id.chars().take(2).collect::<String>().to_uppercase()),
            id,
            name_ar: self.name_ar,
            rule,
        }
    }
}

impl RawAlert {
    pub(crate) fn validated(mut self) -> Alert {
        let rule = self.matching_owned();
        let id = self.id.into_inner();
        let names = |v: Vec<Spanned<String>>| v.into_iter().map(Spanned::into_inner).collect();
        Alert {
            name: self.name.unwrap_or_else(|| id.clone()),
            id,
            rule,
            scope: Scope {
                topics: names(self.scope.topics),
                parties: names(self.scope.parties),
                feeds: names(self.scope.feeds),
            },
            bell: self.bell,
            notify: self.notify,
            command: self.command,
            timeout: self.timeout.map_or(DEFAULT_COMMAND_TIMEOUT, |h| h.0),
        }
    }
}
