//! Rules evaluated on an item's hits: a label holds when one of its `terms` or
//! `places` (or a `near` pair) is mentioned, or its `weak` terms with support,
//! and every `all` group matches, counting only hits not inside a `not` phrase,
//! not vetoed by context and, for places, not used as a venue.

use std::collections::HashMap;

use super::forms;
use super::matcher::Hit;
use crate::config::rules::{Matching, VetoWindow};
use crate::model::Field;

/// What a term does for a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Term,
    Place,
    Weak,
    All(u16),
    NearA(u16),
    NearB(u16),
    Not,
    Veto(u16),
}

/// A rule with its terms as ids into the matcher's term table.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub id: String,
    /// The rule has terms, places or weak terms: a mention is needed.
    pub has_terms: bool,
    pub all_groups: u16,
    pub near: Vec<usize>,
    pub veto: Vec<VetoWindow>,
}

/// Collects the distinct terms of all rules and who uses them.
#[derive(Default)]
pub struct TermTable {
    pub terms: Vec<forms::Term>,
    index: HashMap<String, u32>,
    /// Term id → (rule index, role).
    pub roles: Vec<Vec<(u32, Role)>>,
}

impl TermTable {
    fn add(&mut self, raw: &str, rule: u32, role: Role) -> Result<(), String> {
        let id = match self.index.get(raw) {
            Some(&id) => id,
            None => {
                let t = forms::parse(raw)?;
                let id = self.terms.len() as u32;
                self.terms.push(t);
                self.roles.push(Vec::new());
                self.index.insert(raw.to_string(), id);
                id
            }
        };
        let roles = &mut self.roles[id as usize];
        if !roles.contains(&(rule, role)) {
            roles.push((rule, role));
        }
        Ok(())
    }

    /// Registers one rule's terms under rule index `rule`.
    pub fn compile(&mut self, rule: u32, id: &str, m: &Matching) -> Result<Compiled, String> {
        for (list, role) in [
            (&m.terms, Role::Term),
            (&m.places, Role::Place),
            (&m.weak, Role::Weak),
        ] {
            for t in list {
                self.add(t, rule, role)?;
            }
        }
        for (g, group) in m.all.iter().enumerate() {
            for t in group {
                self.add(t, rule, Role::All(g as u16))?;
            }
        }
        for (k, n) in m.near.iter().enumerate() {
            for t in &n.a {
                self.add(t, rule, Role::NearA(k as u16))?;
            }
            for t in &n.b {
                self.add(t, rule, Role::NearB(k as u16))?;
            }
        }
        for t in &m.not {
            self.add(t, rule, Role::Not)?;
        }
        for (k, v) in m.veto.iter().enumerate() {
            for t in &v.terms {
                self.add(t, rule, Role::Veto(k as u16))?;
            }
        }
        Ok(Compiled {
            id: id.to_string(),
            has_terms: !(m.terms.is_empty() && m.places.is_empty() && m.weak.is_empty()),
            all_groups: m.all.len() as u16,
            near: m.near.iter().map(|n| n.within).collect(),
            veto: m.veto.iter().map(|v| v.window()).collect(),
        })
    }
}

/// A field's key with the offsets where its words begin
/// ([`crate::text::Normalized::word_starts`]): for windows (`near`, `veto`) and
/// for the words around a place.
pub struct Words<'a> {
    keys: [&'a str; 2],
    starts: [&'a [u32]; 2],
}

/// Words before a place name that make it the venue of what is told: "talks in
/// Doha", «اجتماع في الدوحة», or a city among others ("hubs like Doha"). The
/// proclitic ب («بالدوحة») says the same.
const LOCATIVES: &[&str] = &[
    "in",
    "at",
    "near",
    "inside",
    "outside",
    "across",
    "around",
    "throughout",
    "like",
    "في",
    "قرب",
    "داخل",
    "خارج",
    "انحاء",
];

impl<'a> Words<'a> {
    pub fn new(keys: [&'a str; 2], starts: [&'a [u32]; 2]) -> Words<'a> {
        Words { keys, starts }
    }

    /// Index of the word that begins at or before `pos`.
    fn index(&self, field: Field, pos: u32) -> usize {
        self.starts[field as usize]
            .partition_point(|&s| s <= pos)
            .saturating_sub(1)
    }

    /// The word (letters and digits) beginning at key offset `at`.
    fn word_at(&self, field: Field, at: u32) -> &'a str {
        let key = self.keys[field as usize];
        let rest = key.get(at as usize..).unwrap_or("");
        let end = rest
            .char_indices()
            .find(|&(_, c)| !crate::text::is_word_char(c))
            .map_or(rest.len(), |(i, _)| i);
        &rest[..end]
    }

    /// Whether the place `h` (of a term whose key is `stem`) is the venue of
    /// what is told: after a locative word, or with the proclitic ب.
    fn is_venue(&self, h: &Hit, stem: &str) -> bool {
        let i = self.index(h.field, h.start);
        if i > 0 {
            let prev = self.starts[h.field as usize][i - 1];
            if LOCATIVES.contains(&self.word_at(h.field, prev)) {
                return true;
            }
        }
        let key = self.keys[h.field as usize];
        let word = key.get(h.start as usize..h.end as usize).unwrap_or("");
        match word.find(stem) {
            Some(at) if at > 0 => {
                let head = &word[..at];
                let head = head
                    .strip_prefix('و')
                    .or_else(|| head.strip_prefix('ف'))
                    .unwrap_or(head);
                head.starts_with('ب')
            }
            _ => false,
        }
    }

    /// Whether a veto hit `v` stands in `window` around the mention `h`.
    fn vetoes(&self, window: VetoWindow, h: &Hit, v: &Hit) -> bool {
        if window == VetoWindow::Anywhere {
            return true;
        }
        if v.field != h.field {
            return false;
        }
        let b = self.index(v.field, v.start);
        let first = self.index(h.field, h.start);
        match window {
            VetoWindow::Anywhere => true,
            VetoWindow::Within(n) => first.abs_diff(b) <= n,
            VetoWindow::Before(n) => b < first && first - b <= n,
            VetoWindow::After(n) => {
                let last = self.index(h.field, h.end.saturating_sub(1).max(h.start));
                b > last && b - last <= n
            }
        }
    }
}

/// The keys of the matcher's terms, for places ([`Words::is_venue`]).
pub type TermKeys<'a> = &'a [forms::Term];

/// Whether `rule` holds on its `entries` (this rule's (role, hit) pairs); then
/// `evidence` holds the hits that make it hold (sorted, one per span).
/// `support`: something outside the rule backs its weak terms (for a topic, a
/// party of the watch in the item). `entries` is sorted by role on the way (the
/// result does not depend on their order).
pub fn evaluate_into(
    rule: &Compiled,
    entries: &mut [(Role, Hit)],
    words: &Words<'_>,
    terms: TermKeys<'_>,
    support: bool,
    evidence: &mut Vec<Hit>,
) -> bool {
    evidence.clear();
    entries.sort_unstable_by_key(|e| e.0);
    let entries: &[(Role, Hit)] = entries;
    // The entries of one role: a run of the sorted list.
    let with = |role: Role| -> &[(Role, Hit)] {
        let from = entries.partition_point(|e| e.0 < role);
        let to = entries.partition_point(|e| e.0 <= role);
        &entries[from..to]
    };
    let nots = with(Role::Not);
    // Veto(_) sorts last.
    let vetoes = &entries[entries.partition_point(|e| e.0 <= Role::Not)..];
    let valid = |h: &Hit| -> bool {
        if nots.iter().any(|(_, n)| {
            n.field == h.field && n.start < h.end && h.start < n.end && n.term != h.term
        }) {
            return false;
        }
        !vetoes.iter().any(|(r, v)| match r {
            Role::Veto(k) => words.vetoes(rule.veto[*k as usize], h, v),
            _ => false,
        })
    };
    if rule.has_terms {
        for (_, h) in with(Role::Term) {
            if valid(h) {
                evidence.push(*h);
            }
        }
        for (_, h) in with(Role::Place) {
            if valid(h) && !words.is_venue(h, &terms[h.term as usize].key) {
                evidence.push(*h);
            }
        }
    }
    for (k, &within) in rule.near.iter().enumerate() {
        let k = k as u16;
        let b = with(Role::NearB(k));
        for (_, ha) in with(Role::NearA(k)) {
            for (_, hb) in b {
                if ha.field != hb.field || (ha.start == hb.start && ha.end == hb.end) {
                    continue;
                }
                let (ia, ib) = (
                    words.index(ha.field, ha.start),
                    words.index(hb.field, hb.start),
                );
                if ia.abs_diff(ib) <= within && valid(ha) && valid(hb) {
                    evidence.push(*ha);
                    evidence.push(*hb);
                }
            }
        }
    }
    // Weak terms: with the evidence above, with a second weak term, or with
    // support from outside the rule.
    let strong = !evidence.is_empty();
    let weak_from = evidence.len();
    for (_, h) in with(Role::Weak) {
        if valid(h) {
            evidence.push(*h);
        }
    }
    let weak = &evidence[weak_from..];
    let backed =
        strong || support && !weak.is_empty() || weak.iter().any(|h| h.term != weak[0].term);
    if !backed {
        evidence.truncate(weak_from);
    }
    let needs_mention = rule.has_terms || !rule.near.is_empty();
    if needs_mention && evidence.is_empty() {
        return false;
    }
    for g in 0..rule.all_groups {
        let mut found = false;
        for (_, h) in with(Role::All(g)) {
            if valid(h) {
                evidence.push(*h);
                found = true;
            }
        }
        if !found {
            return false;
        }
    }
    evidence.sort_unstable();
    evidence.dedup_by(|a, b| a.field == b.field && a.start == b.start && a.end == b.end);
    true
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn veto_sorts_last() {
        // evaluate_into takes the vetoes as the run after Not.
        let mut roles = [
            Role::Veto(0),
            Role::Not,
            Role::NearB(u16::MAX),
            Role::Veto(u16::MAX),
            Role::Term,
            Role::Weak,
            Role::All(u16::MAX),
            Role::Place,
            Role::NearA(u16::MAX),
        ];
        roles.sort();
        let first_veto = roles.iter().position(|r| matches!(r, Role::Veto(_)));
        assert_eq!(first_veto, Some(roles.len() - 2));
        assert_eq!(roles[roles.len() - 3], Role::Not);
    }
}
