//! Rules evaluated on an item's hits: a label holds when one of its `terms` (or a
//! `near` pair) is mentioned and every `all` group matches, counting only hits
//! not inside a `not` phrase and not vetoed by context.

use std::collections::HashMap;

use super::forms;
use super::matcher::Hit;
use crate::config::rules::Matching;
use crate::model::Field;

/// What a term does for a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Term,
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
    pub has_terms: bool,
    pub all_groups: u16,
    pub near: Vec<usize>,
    pub veto: Vec<Option<usize>>,
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
        for t in &m.terms {
            self.add(t, rule, Role::Term)?;
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
            has_terms: !m.terms.is_empty(),
            all_groups: m.all.len() as u16,
            near: m.near.iter().map(|n| n.within).collect(),
            veto: m.veto.iter().map(|v| v.within).collect(),
        })
    }
}

/// Word positions of a field's key, for windows (`near`, `veto`): the key
/// offsets where its words begin ([`crate::text::Normalized::word_starts`]).
pub struct Words<'a> {
    starts: [&'a [u32]; 2],
}

impl<'a> Words<'a> {
    pub fn new(title: &'a [u32], body: &'a [u32]) -> Words<'a> {
        Words {
            starts: [title, body],
        }
    }

    /// Index of the word that begins at or before `pos`.
    fn index(&mut self, field: Field, pos: u32) -> usize {
        self.starts[field as usize]
            .partition_point(|&s| s <= pos)
            .saturating_sub(1)
    }
}

/// The hits that make a rule hold, or None when it does not.
/// `entries`: this rule's (role, hit) pairs.
pub fn evaluate(
    rule: &Compiled,
    entries: &[(Role, Hit)],
    words: &mut Words<'_>,
) -> Option<Vec<Hit>> {
    let mut evidence = Vec::new();
    evaluate_into(rule, entries, words, &mut evidence).then_some(evidence)
}

/// As [`evaluate`], into a buffer the caller reuses: true when the rule holds,
/// and then `evidence` holds the hits that make it hold (sorted, one per span).
pub fn evaluate_into(
    rule: &Compiled,
    entries: &[(Role, Hit)],
    words: &mut Words<'_>,
    evidence: &mut Vec<Hit>,
) -> bool {
    evidence.clear();
    let nots: Vec<&Hit> = entries
        .iter()
        .filter(|(r, _)| *r == Role::Not)
        .map(|(_, h)| h)
        .collect();
    let vetoes: Vec<(u16, &Hit)> = entries
        .iter()
        .filter_map(|(r, h)| match r {
            Role::Veto(k) => Some((*k, h)),
            _ => None,
        })
        .collect();
    let valid = |h: &Hit, words: &mut Words<'_>| -> bool {
        if nots
            .iter()
            .any(|n| n.field == h.field && n.start < h.end && h.start < n.end && n.term != h.term)
        {
            return false;
        }
        for (k, v) in &vetoes {
            match rule.veto[*k as usize] {
                None => return false,
                Some(within) if v.field == h.field => {
                    let a = words.index(h.field, h.start);
                    let b = words.index(v.field, v.start);
                    if a.abs_diff(b) <= within {
                        return false;
                    }
                }
                Some(_) => {}
            }
        }
        true
    };
    if rule.has_terms {
        for (r, h) in entries {
            if *r == Role::Term && valid(h, words) {
                evidence.push(*h);
            }
        }
    }
    for (k, &within) in rule.near.iter().enumerate() {
        let k = k as u16;
        let a: Vec<Hit> = entries
            .iter()
            .filter(|(r, _)| *r == Role::NearA(k))
            .map(|(_, h)| *h)
            .collect();
        let b: Vec<Hit> = entries
            .iter()
            .filter(|(r, _)| *r == Role::NearB(k))
            .map(|(_, h)| *h)
            .collect();
        for ha in &a {
            for hb in &b {
                if ha.field != hb.field || (ha.start == hb.start && ha.end == hb.end) {
                    continue;
                }
                let (ia, ib) = (
                    words.index(ha.field, ha.start),
                    words.index(hb.field, hb.start),
                );
                if ia.abs_diff(ib) <= within && valid(ha, words) && valid(hb, words) {
                    evidence.push(*ha);
                    evidence.push(*hb);
                }
            }
        }
    }
    let needs_mention = rule.has_terms || !rule.near.is_empty();
    if needs_mention && evidence.is_empty() {
        return false;
    }
    for g in 0..rule.all_groups {
        let mut found = false;
        for (r, h) in entries {
            if *r == Role::All(g) && valid(h, words) {
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
