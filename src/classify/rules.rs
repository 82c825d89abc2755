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
    let mut entries = entries.to_vec();
    evaluate_into(rule, &mut entries, words, &mut evidence).then_some(evidence)
}

/// As [`evaluate`], into a buffer the caller reuses: true when the rule holds,
/// and then `evidence` holds the hits that make it hold (sorted, one per span).
/// `entries` is sorted by role on the way (the result does not depend on
/// their order).
pub fn evaluate_into(
    rule: &Compiled,
    entries: &mut [(Role, Hit)],
    words: &mut Words<'_>,
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
    let valid = |h: &Hit, words: &mut Words<'_>| -> bool {
        if nots.iter().any(|(_, n)| {
            n.field == h.field && n.start < h.end && h.start < n.end && n.term != h.term
        }) {
            return false;
        }
        for (r, v) in vetoes {
            let Role::Veto(k) = r else { continue };
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
        for (_, h) in with(Role::Term) {
            if valid(h, words) {
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
        for (_, h) in with(Role::All(g)) {
            if valid(h, words) {
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
            Role::All(u16::MAX),
            Role::NearA(u16::MAX),
        ];
        roles.sort();
        let first_veto = roles.iter().position(|r| matches!(r, Role::Veto(_)));
        assert_eq!(first_veto, Some(roles.len() - 2));
        assert_eq!(roles[roles.len() - 3], Role::Not);
    }
}
