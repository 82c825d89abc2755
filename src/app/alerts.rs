//! Fired alerts in the dashboard: the strip (the newest open alerts), the
//! alerts view (a window over every fired alert, so none is out of reach),
//! the count of open alerts from the store, and what an alert stored by any
//! process does when it fires (bell, notification, command) under the flood
//! rules. Alerts that fired during the session flash until the alerts view
//! has been seen.

use std::collections::HashSet;

use super::Effect;
use super::live::Changes;
use super::search::{AlertList, Reply, Request};
use super::state::{AlertEntry, State};
use super::window::{Keyed, Window};
use crate::model::{FiredAlert, ItemId};
use crate::store::{AlertRow, Toward};

/// Alerts the strip asks for (more than it has lines).
pub const STRIP: usize = 8;
/// Alerts in the alerts view's first page.
pub const FIRST: usize = 100;

/// A fired alert's place in the list, newest first: when it fired, then the
/// item and the alert.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AlertKey(i64, ItemId, String);

fn key_of(row: &AlertRow) -> AlertKey {
    AlertKey(row.fired_at.timestamp_millis(), row.item, row.alert.clone())
}

impl Keyed for AlertEntry {
    type Key = AlertKey;
    fn key(&self) -> AlertKey {
        key_of(&self.row)
    }
}

/// The alerts view's window, and where each page it asked for starts.
pub type AlertWindow = Window<AlertEntry>;

impl State {
    fn entry(&self, row: AlertRow) -> AlertEntry {
        let seen = !self.ringing.contains(&(row.item, row.alert.clone()));
        AlertEntry { row, seen }
    }

    /// Asks for the strip's alerts.
    pub(super) fn load_strip(&mut self) {
        self.effects.push(Effect::Query(Request::Alerts {
            list: AlertList::Strip,
            from: None,
            toward: Toward::Older,
            limit: STRIP,
        }));
    }

    /// Asks for the alerts view's first page (keeping the selection if its
    /// alert is in it).
    pub(super) fn load_alerts_view(&mut self) {
        self.alerts.reset();
        self.effects.push(Effect::Query(Request::Alerts {
            list: AlertList::View,
            from: None,
            toward: Toward::Older,
            limit: FIRST,
        }));
    }

    /// Moves the alerts view's selection, asking for the next page near an end.
    pub(super) fn move_alert(&mut self, delta: isize) {
        self.alerts.move_by(delta);
        self.ask_alerts();
    }

    /// Asks for the page the alerts view's window wants, if it wants one.
    fn ask_alerts(&mut self) {
        let Some(want) = self.alerts.want() else {
            return;
        };
        let from = self
            .alerts
            .rows
            .iter()
            .find(|a| a.key() == want.from)
            .map(|a| a.row.clone());
        self.effects.push(Effect::Query(Request::Alerts {
            list: AlertList::View,
            from,
            toward: want.toward,
            limit: want.limit,
        }));
    }

    pub(super) fn alerts_reply(&mut self, reply: Reply) {
        let Reply::Alerts {
            list,
            from,
            toward,
            rows,
            limit,
        } = reply
        else {
            return;
        };
        let entries: Vec<AlertEntry> = rows.into_iter().map(|r| self.entry(r)).collect();
        match (list, from) {
            (AlertList::Strip, _) => self.strip = entries,
            (AlertList::View, None) => self.alerts.first(entries, limit),
            (AlertList::View, Some(from)) => {
                self.alerts.page(&key_of(&from), toward, entries, limit);
                self.ask_alerts();
            }
        }
    }

    /// Alerts stored since the last look (by any process): the new open ones
    /// flash, ring under the flood rules, and the lists are read again.
    pub(super) fn alerts_changed(&mut self, c: &Changes) {
        if c.fired.is_empty() && !c.marks {
            return;
        }
        for a in c.fired.iter().filter(|a| !a.quiet && !a.acknowledged) {
            self.ringing.insert((a.item, a.alert.clone()));
        }
        let fired: Vec<FiredAlert> = c
            .fired
            .iter()
            .map(|a| FiredAlert {
                alert: a.alert.clone(),
                item: a.item,
                fired_at: a.fired_at,
                quiet: a.quiet,
                acknowledged: a.acknowledged,
            })
            .collect();
        let d = self
            .gate
            .decide(self.now, &self.alert_config, &fired, &c.fired_items);
        if d.bell {
            self.effects.push(Effect::Bell);
        }
        for n in d.notices.into_iter().filter(|n| n.desktop) {
            self.effects.push(Effect::Notify {
                summary: n.summary,
                body: n.body,
            });
        }
        self.effects
            .extend(d.commands.into_iter().map(Effect::Command));
        self.load_strip();
        if self.view == super::state::View::Alerts {
            self.load_alerts_view();
        }
    }

    /// The user has seen the alerts: they stop flashing.
    pub(super) fn alerts_seen(&mut self) {
        self.ringing.clear();
        for a in self.strip.iter_mut().chain(self.alerts.rows.iter_mut()) {
            a.seen = true;
        }
    }

    /// Acknowledges the alerts of `id`, or all open alerts (one write).
    pub(super) fn acknowledge(&mut self, id: Option<ItemId>) {
        let mut any = false;
        let mut gone: HashSet<(ItemId, String)> = HashSet::new();
        for a in self.strip.iter_mut().chain(self.alerts.rows.iter_mut()) {
            if id.is_none_or(|i| a.row.item == i) && !a.row.acknowledged {
                a.row.acknowledged = true;
                a.seen = true;
                any = true;
                gone.insert((a.row.item, a.row.alert.clone()));
            }
        }
        match id {
            None => {
                self.open_alerts = 0;
                self.ringing.clear();
                self.strip.clear();
                self.effects.push(Effect::Acknowledge(None));
            }
            Some(i) if any => {
                self.open_alerts = self.open_alerts.saturating_sub(gone.len() as u64);
                self.ringing.retain(|k| !gone.contains(k));
                self.strip.retain(|a| !a.row.acknowledged);
                self.effects.push(Effect::Acknowledge(Some(vec![i])));
            }
            Some(_) => {}
        }
    }
}
