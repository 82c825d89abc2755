//! The classifier: compiled once from the config's topics, parties and alerts,
//! then applied to each item's title and body. Pure: no IO.
//!
//! An item is normalized once per field (which also notes where its words
//! begin), its words looked up once in tables holding every term ([`matcher`]),
//! each raw match checked against its word forms ([`forms`]), and the rules
//! evaluated on the hits ([`rules`]). Labels come in
//! config order, each with the evidence (term and offsets in the original text)
//! that the dashboard highlights. [`eval`] measures it on labeled items.

pub mod credits;
pub mod eval;
pub mod forms;
pub mod matcher;
pub mod rules;

use crate::config::Config;
use crate::model::{Classification, Evidence, Field, Label};
use crate::text::{Normalized, lang};
use matcher::{Hit, Matcher};
use rules::{Compiled, Role, TermTable, Words};
use std::borrow::Cow;

/// The text of one item, as the classifier sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Doc<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// The feed's declared language, a hint for detection.
    pub lang_hint: Option<&'a str>,
    /// Name of the feed the item comes from (alert scopes may name feeds).
    pub feed: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
#[error("rule `{rule}`: {message}")]
pub struct RuleError {
    pub rule: String,
    pub message: String,
}

/// Which list a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Topic,
    Party,
    Alert,
}

struct AlertScope {
    topics: Vec<String>,
    parties: Vec<String>,
    feeds: Vec<String>,
}

/// Evidence kept per label: the first mentions in reading order (title first),
/// enough to highlight and explain without copying every repetition.
pub const MAX_EVIDENCE: usize = 8;

/// Buffers reused from item to item on one thread.
#[derive(Default)]
struct Scratch {
    title: Normalized,
    body: Normalized,
    work: Work,
}

/// The buffers of one classification after normalization.
#[derive(Default)]
struct Work {
    hits: Vec<Hit>,
    /// Rule index → its (role, hit) entries.
    by_rule: Vec<Vec<(Role, Hit)>>,
    evidence: Vec<Hit>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// One `'static` copy of each rule id and term this process has classified
/// with, so labels and evidence borrow them instead of copying them for every
/// item. Grows only with distinct config strings (a config loaded again adds
/// nothing new).
fn intern(s: &str) -> &'static str {
    static SEEN: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<&'static str>>> =
        std::sync::LazyLock::new(Default::default);
    let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(k) = seen.get(s) {
        return k;
    }
    let k: &'static str = Box::leak(s.to_owned().into_boxed_str());
    seen.insert(k);
    k
}

pub struct Classifier {
    matcher: Matcher,
    /// Rule index → its id; term id → the term as written (both interned).
    ids: Vec<&'static str>,
    terms: Vec<&'static str>,
    /// Rule index → (kind, compiled rule); topics, then parties, then alerts.
    rules: Vec<(Kind, Compiled)>,
    /// Term id → (rule, role), from the term table.
    roles: Vec<Vec<(u32, Role)>>,
    scopes: Vec<AlertScope>,
    /// How many rules are topics, then parties (alerts follow).
    topic_count: usize,
    party_count: usize,
}

impl Classifier {
    pub fn new(config: &Config) -> Result<Classifier, RuleError> {
        let mut table = TermTable::default();
        let mut rules = Vec::new();
        let mut add = |kind: Kind, id: &str, m: &crate::config::rules::Matching| {
            let n = rules.len() as u32;
            let c = table.compile(n, id, m).map_err(|message| RuleError {
                rule: id.to_string(),
                message,
            })?;
            rules.push((kind, c));
            Ok::<(), RuleError>(())
        };
        for t in &config.topics {
            add(Kind::Topic, &t.id, &t.rule)?;
        }
        for p in &config.parties {
            add(Kind::Party, &p.id, &p.rule)?;
        }
        for a in &config.alerts {
            add(Kind::Alert, &a.id, &a.rule)?;
        }
        let scopes = config
            .alerts
            .iter()
            .map(|a| AlertScope {
                topics: a.scope.topics.clone(),
                parties: a.scope.parties.clone(),
                feeds: a.scope.feeds.clone(),
            })
            .collect();
        let TermTable { terms, roles, .. } = table;
        let matcher = Matcher::new(terms).map_err(|message| RuleError {
            rule: "(all)".into(),
            message,
        })?;
        let ids = config
            .topics
            .iter()
            .map(|t| &t.id)
            .chain(config.parties.iter().map(|p| &p.id))
            .chain(config.alerts.iter().map(|a| &a.id))
            .map(|id| intern(id))
            .collect();
        let terms = matcher.terms().iter().map(|t| intern(&t.raw)).collect();
        Ok(Classifier {
            matcher,
            ids,
            terms,
            rules,
            roles,
            scopes,
            topic_count: config.topics.len(),
            party_count: config.parties.len(),
        })
    }

    pub fn classify(&self, doc: &Doc<'_>) -> Classification {
        self.classify_then(doc, |_, _| ()).0
    }

    /// [`Classifier::classify`], then `then` on the normalized title and body
    /// it matched against (for what else is computed from them, such as the
    /// store's keys), without normalizing them again.
    pub fn classify_then<T>(
        &self,
        doc: &Doc<'_>,
        then: impl FnOnce(&Normalized, &Normalized) -> T,
    ) -> (Classification, T) {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let Scratch { title, body, work } = &mut *scratch;
                title.reset(doc.title);
                body.reset(doc.body);
                let c = self.classify_in(doc, title, body, work);
                (c, then(title, body))
            }
            Err(_) => {
                let (title, body) = (Normalized::new(doc.title), Normalized::new(doc.body));
                let c = self.classify_in(doc, &title, &body, &mut Work::default());
                (c, then(&title, &body))
            }
        })
    }

    /// As [`Classifier::classify`], for a caller that has normalized the title
    /// and the body already ([`Normalized::new`] or [`Normalized::reset`] of
    /// `doc.title` and `doc.body`). A key that cannot be theirs (another
    /// length of original) is made again.
    pub fn classify_normalized(
        &self,
        doc: &Doc<'_>,
        title: &Normalized,
        body: &Normalized,
    ) -> Classification {
        let fresh = |n: &Normalized, s: &str| !n.is_of(s);
        if fresh(title, doc.title) || fresh(body, doc.body) {
            return self.classify(doc);
        }
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.classify_in(doc, title, body, &mut scratch.work),
            Err(_) => self.classify_in(doc, title, body, &mut Work::default()),
        })
    }

    fn classify_in(
        &self,
        doc: &Doc<'_>,
        title: &Normalized,
        body: &Normalized,
        work: &mut Work,
    ) -> Classification {
        let Work {
            hits,
            by_rule,
            evidence,
        } = work;
        hits.clear();
        self.matcher.scan(Field::Title, title, doc.title, hits);
        self.matcher.scan(Field::Body, body, doc.body, hits);

        // Each rule's (role, hit) for every use of every hit term. A rule's
        // result does not depend on the order of its entries (its evidence is
        // sorted before it is returned). A party named only in a dateline or a
        // source credit is not in the news: those hits do not reach parties.
        by_rule.resize_with(self.rules.len(), Vec::new);
        for entries in by_rule.iter_mut() {
            entries.clear();
        }
        // Found when a party is first mentioned (most items name none).
        let mut credits: Option<Credits> = None;
        for h in hits.iter() {
            let mut muted = None;
            for &(rule, role) in &self.roles[h.term as usize] {
                let mention = !matches!(role, Role::Not | Role::Veto(_));
                if mention
                    && self.rules[rule as usize].0 == Kind::Party
                    && *muted.get_or_insert_with(|| {
                        credits
                            .get_or_insert_with(|| Credits::of(doc, title, body))
                            .covers(h, title, body)
                    })
                {
                    continue;
                }
                by_rule[rule as usize].push((role, *h));
            }
        }

        let words = Words::new(
            [&title.key, &body.key],
            [title.word_starts(), body.word_starts()],
        );
        let mut out = Classification {
            lang: lang::decide(
                title.letters.plus(body.letters),
                doc.title,
                doc.body,
                doc.lang_hint,
            )
            .to_string(),
            ..Classification::default()
        };
        // Parties first: a party in the item backs a topic's weak terms; alert
        // scopes need both.
        let parties = self.topic_count..self.topic_count + self.party_count;
        let order = parties
            .clone()
            .chain(0..self.topic_count)
            .chain(parties.end..self.rules.len());
        let terms = self.matcher.terms();
        for i in order {
            let (kind, rule) = &self.rules[i];
            let rule_entries = &mut by_rule[i];
            let scope_ok =
                *kind != Kind::Alert || self.in_scope(&self.scopes[i - parties.end], &out, doc);
            if rule_entries.is_empty() || !scope_ok {
                continue;
            }
            let support = *kind == Kind::Topic && !out.parties.is_empty();
            if rules::evaluate_into(rule, rule_entries, &words, terms, support, evidence) {
                let label = Label {
                    id: Cow::Borrowed(self.ids[i]),
                    evidence: evidence
                        .iter()
                        .take(MAX_EVIDENCE)
                        .map(|h| self.evidence(h, doc, title, body))
                        .collect(),
                };
                match kind {
                    Kind::Topic => out.topics.push(label),
                    Kind::Party => out.parties.push(label),
                    Kind::Alert => out.alerts.push(label),
                }
            }
        }
        out
    }

    fn in_scope(&self, s: &AlertScope, c: &Classification, doc: &Doc<'_>) -> bool {
        let any = |wanted: &[String], got: &[Label]| {
            wanted.is_empty() || got.iter().any(|l| wanted.iter().any(|w| *w == l.id))
        };
        any(&s.topics, &c.topics)
            && any(&s.parties, &c.parties)
            && (s.feeds.is_empty() || doc.feed.is_some_and(|f| s.feeds.iter().any(|x| x == f)))
    }

    fn evidence(&self, h: &Hit, doc: &Doc<'_>, title: &Normalized, body: &Normalized) -> Evidence {
        let (orig, n) = match h.field {
            Field::Title => (doc.title, title),
            Field::Body => (doc.body, body),
        };
        let (start, end) = n.original_range(orig, h.start as usize, h.end as usize);
        let term = self.terms[h.term as usize];
        let text = &orig[start..end];
        Evidence {
            term: Cow::Borrowed(term),
            field: h.field,
            start,
            end,
            // Two thirds of matches are written as the term is: no copy.
            text: if text == term {
                Cow::Borrowed(term)
            } else {
                Cow::Owned(text.to_string())
            },
        }
    }
}

/// Key ranges of a title and a body that credit the source (a trailing
/// "- Outlet" of the title, a dateline opening the body), found on the
/// original texts by [`credits`].
struct Credits {
    title: Option<(u32, u32)>,
    body: Option<(u32, u32)>,
}

impl Credits {
    fn of(doc: &Doc<'_>, title: &Normalized, body: &Normalized) -> Credits {
        let tail = |n: &Normalized, orig: &str| {
            credits::credit_start(orig).map(|at| (key_at(n, orig, at), n.key.len() as u32))
        };
        Credits {
            title: tail(title, doc.title),
            body: credits::dateline_end(doc.body).map(|at| (0, key_at(body, doc.body, at))),
        }
    }

    /// Whether `h` lies in a credit, or is an agency in parentheses.
    fn covers(&self, h: &Hit, title: &Normalized, body: &Normalized) -> bool {
        let (range, key) = match h.field {
            Field::Title => (self.title, &title.key),
            Field::Body => (self.body, &body.key),
        };
        range.is_some_and(|(a, b)| a <= h.start && h.end <= b)
            || credits::in_parentheses(key, h.start as usize, h.end as usize)
    }
}

/// The key offset of the first word whose original text starts at or after
/// original offset `at` (the key's end when none does). Original offsets grow
/// with key offsets, so a binary search finds it.
fn key_at(n: &Normalized, orig: &str, at: usize) -> u32 {
    let starts = n.word_starts();
    let i = starts.partition_point(|&ws| {
        let w = ws as usize;
        let len = n.key[w..].chars().next().map_or(0, char::len_utf8);
        n.original_range(orig, w, w + len).0 < at
    });
    starts.get(i).copied().unwrap_or(n.key.len() as u32)
}
