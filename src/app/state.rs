//! The dashboard's state and `update`, one flat match from action to new state.
//! Pure: no IO, no clock (time comes in with `Tick`), no terminal; side effects
//! are queued in `effects` for the loop to carry out.

use std::collections::HashMap;

use chrono::{DateTime, Timelike, Utc};

use super::items::{Filter, Item, Items, Pane, PaneKind, Taxonomy};
use super::{Action, Effect, Keymap};
use crate::config::Config;
use crate::model::{ItemId, StoredItem};
use crate::store::{AlertRow, DashRow, FeedState};
use crate::text::bidi::Display;

#[derive(Debug, Clone, PartialEq)]
pub struct TopicInfo {
    pub name: String,
    pub name_ar: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartyInfo {
    pub name: String,
    pub badge: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlertDef {
    pub id: String,
    pub name: String,
    pub bell: bool,
}

/// A fired alert as the strip and the alerts list show it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertEntry {
    /// The fired alert as the store lists it (kept up to date as it is acknowledged).
    pub row: AlertRow,
    /// The user has looked at it (it stops flashing).
    pub seen: bool,
}

/// A feed's health, from the store at start and the collector's outcomes since.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedHealth {
    pub name: String,
    pub url: String,
    pub items: i64,
    pub last_attempt: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_new: Option<i64>,
    pub error: Option<String>,
    pub failures: u32,
}

impl From<FeedState> for FeedHealth {
    fn from(f: FeedState) -> Self {
        FeedHealth {
            name: f.name,
            url: f.url,
            items: f.items,
            last_attempt: f.last_attempt,
            last_success: f.last_success,
            last_new: f.last_new,
            error: f.last_error,
            failures: f.failure_streak,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Grid,
    Zoom,
    Detail,
    Alerts,
    Feeds,
    Help,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picker {
    Topics,
    Party,
}

/// The item open in the detail view; its full record arrives by `Loaded`.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub id: ItemId,
    pub item: Option<Box<StoredItem>>,
    pub scroll: u16,
}

#[derive(Debug, Clone)]
pub struct State {
    pub watch: String,
    pub now: DateTime<Utc>,
    pub started: DateTime<Utc>,
    pub topics: Vec<TopicInfo>,
    pub parties: Vec<PartyInfo>,
    pub alert_defs: Vec<AlertDef>,
    /// The config's alerts and the flood gate deciding bell, notices, commands.
    pub alert_config: Vec<crate::config::Alert>,
    pub gate: crate::alert::Gate,
    pub taxonomy: Taxonomy,
    pub items: Items,
    pub panes: Vec<Pane>,
    pub filter: Filter,
    pub view: View,
    /// Views to go back to with Esc.
    pub back: Vec<View>,
    /// The search box has the keyboard.
    pub typing: bool,
    pub picker: Option<(Picker, usize)>,
    /// Index of the focused pane in `panes`.
    pub focus: usize,
    /// The selected item of each pane, by id, so live items never move it.
    pub selected: HashMap<PaneKind, ItemId>,
    pub detail: Option<Detail>,
    /// Fired alerts, newest first.
    pub alerts: Vec<AlertEntry>,
    pub alert_cursor: usize,
    pub feeds: Vec<FeedHealth>,
    pub feed_cursor: usize,
    pub display: Display,
    /// The zone times are shown in now; `zone_home` is the configured one,
    /// which the UTC switch returns to.
    pub zone: crate::zone::Zone,
    pub zone_home: crate::zone::Zone,
    /// A collector is polling the feeds (else the header says so).
    pub polling: bool,
    /// Older items are still being loaded in the background.
    pub loading: bool,
    /// Half of the flash cycle of unseen alerts.
    pub flash: bool,
    /// One line for the footer: the last error or notice, and when it came
    /// (it goes after `STATUS_TTL`).
    pub status: Option<String>,
    pub status_at: DateTime<Utc>,
    /// First line of the help shown.
    pub help_scroll: u16,
    pub size: (u16, u16),
    pub keymap: Keymap,
    pub theme: crate::ui::theme::Theme,
    pub quit: bool,
    /// Something changed since the last draw.
    pub dirty: bool,
    pub effects: Vec<Effect>,
}

/// What the dashboard starts from.
pub struct Init {
    pub rows: Vec<DashRow>,
    pub alerts: Vec<AlertRow>,
    pub feeds: Vec<FeedState>,
    pub now: DateTime<Utc>,
    pub display: Display,
    pub polling: bool,
    /// More items will come as `Backfill` events.
    pub loading: bool,
    pub keymap: Keymap,
    pub theme: crate::ui::theme::Theme,
    pub size: (u16, u16),
}

impl State {
    pub fn new(config: &Config, init: Init) -> State {
        let taxonomy = Taxonomy::from_config(config);
        let items = Items::new(
            init.rows
                .into_iter()
                .map(|r| taxonomy.item_from_row(r))
                .collect(),
        );
        let filter = Filter {
            show_other: config.settings.show_other,
            ..Filter::default()
        };
        let mut s = State {
            watch: config.settings.watch.clone(),
            now: init.now,
            started: init.now,
            topics: config
                .topics
                .iter()
                .map(|t| TopicInfo {
                    name: t.name.clone(),
                    name_ar: t.name_ar.clone(),
                })
                .collect(),
            parties: config
                .parties
                .iter()
                .map(|p| PartyInfo {
                    name: p.name.clone(),
                    badge: p.badge.clone(),
                })
                .collect(),
            alert_defs: config
                .alerts
                .iter()
                .map(|a| AlertDef {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    bell: a.bell,
                })
                .collect(),
            alert_config: config.alerts.clone(),
            gate: crate::alert::Gate::new(
                crate::alert::DEFAULT_BURST,
                crate::alert::DEFAULT_BELL_GAP,
            ),
            taxonomy,
            items,
            panes: Vec::new(),
            filter,
            view: View::Grid,
            back: Vec::new(),
            typing: false,
            picker: None,
            focus: 0,
            selected: HashMap::new(),
            detail: None,
            alerts: init
                .alerts
                .into_iter()
                .map(|row| AlertEntry { row, seen: true })
                .collect(),
            alert_cursor: 0,
            feeds: init.feeds.into_iter().map(FeedHealth::from).collect(),
            feed_cursor: 0,
            display: init.display,
            zone: config.settings.timezone,
            zone_home: config.settings.timezone,
            polling: init.polling,
            loading: init.loading,
            flash: false,
            status: None,
            status_at: init.now,
            help_scroll: 0,
            size: init.size,
            keymap: init.keymap,
            theme: init.theme,
            quit: false,
            dirty: true,
            effects: Vec::new(),
        };
        s.rebuild();
        s
    }

    /// Rebuilds the panes after items or filters changed.
    pub fn rebuild(&mut self) {
        self.panes = self.items.panes(self.topics.len(), &self.filter, self.now);
        self.focus = self.focus.min(self.panes.len().saturating_sub(1));
        self.dirty = true;
    }

    /// The alert definition's display name.
    pub fn alert_name(&self, id: &str) -> String {
        self.alert_defs
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.to_string(), |a| a.name.clone())
    }

    pub fn open_alerts(&self) -> usize {
        self.alerts
            .iter()
            .filter(|a| !a.row.acknowledged && !a.row.quiet)
            .count()
    }

    pub fn failing_feeds(&self) -> usize {
        self.feeds.iter().filter(|f| f.error.is_some()).count()
    }

    /// Position of the selected item in pane `p` (the newest when none is).
    pub fn selected_pos(&self, p: usize) -> usize {
        let Some(pane) = self.panes.get(p) else {
            return 0;
        };
        self.selected
            .get(&pane.kind)
            .and_then(|id| {
                pane.items
                    .iter()
                    .position(|i| self.items.get(*i).is_some_and(|it| it.id == *id))
            })
            .unwrap_or(0)
    }

    pub fn selected_item(&self) -> Option<&Item> {
        let pane = self.panes.get(self.focus)?;
        let idx = pane.items.get(self.selected_pos(self.focus))?;
        self.items.get(*idx)
    }

    fn move_selection(&mut self, delta: isize) {
        let Some(pane) = self.panes.get(self.focus) else {
            return;
        };
        if pane.items.is_empty() {
            return;
        }
        let pos = self.selected_pos(self.focus) as isize;
        let new = (pos + delta).clamp(0, pane.items.len() as isize - 1) as usize;
        let kind = pane.kind;
        if let Some(id) = pane
            .items
            .get(new)
            .and_then(|i| self.items.get(*i))
            .map(|i| i.id)
        {
            self.selected.insert(kind, id);
        }
    }

    fn go(&mut self, view: View) {
        if self.view != view {
            self.back.push(self.view);
            self.view = view;
        }
        if view == View::Alerts {
            self.alerts.iter_mut().for_each(|a| a.seen = true);
        }
    }

    fn go_back(&mut self) {
        self.view = self.back.pop().unwrap_or(View::Grid);
        if self.view != View::Detail {
            self.detail = None;
        }
    }

    fn open_detail(&mut self, id: ItemId) {
        self.detail = Some(Detail {
            id,
            item: None,
            scroll: 0,
        });
        self.effects.push(Effect::Load(id));
        self.set_read(id, true);
        self.go(View::Detail);
    }

    fn set_read(&mut self, id: ItemId, read: bool) {
        if let Some(it) = self.items.by_id_mut(id)
            && it.read != read
        {
            it.read = read;
            self.effects.push(Effect::MarkRead(vec![id], read));
            self.rebuild();
        }
    }

    /// The item the current view is about (detail, or the grid's selection).
    fn current_item(&self) -> Option<ItemId> {
        match self.view {
            View::Detail => self.detail.as_ref().map(|d| d.id),
            View::Alerts => self.alerts.get(self.alert_cursor).map(|a| a.row.item),
            _ => self.selected_item().map(|i| i.id),
        }
    }

    fn picker_len(&self, p: Picker) -> usize {
        match p {
            Picker::Topics => self.topics.len() + 1,
            Picker::Party => self.parties.len() + 1,
        }
    }

    fn picker_choose(&mut self, p: Picker, i: usize) {
        match p {
            Picker::Topics if i < self.topics.len() => {
                self.filter.hidden_topics ^= 1 << i.min(63);
            }
            Picker::Topics => self.filter.show_other = !self.filter.show_other,
            Picker::Party => {
                self.filter.party = i.checked_sub(1);
                self.picker = None;
            }
        }
        self.rebuild();
    }

    /// Pins each pane's current selection so items arriving on top do not move it.
    fn pin_selections(&mut self) {
        for p in 0..self.panes.len() {
            let pos = self.selected_pos(p);
            if let Some(pane) = self.panes.get(p)
                && let Some(it) = pane.items.get(pos).and_then(|i| self.items.get(*i))
            {
                self.selected.insert(pane.kind, it.id);
            }
        }
    }

    fn polled(&mut self, o: crate::feeds::PollOutcome) {
        if let Some(f) = self.feeds.iter_mut().find(|f| f.name == o.feed) {
            f.last_attempt = Some(o.finished);
            f.last_new = Some(o.new.len() as i64);
            f.items += o.new.len() as i64;
            match &o.error {
                Some(e) => {
                    f.error = Some(e.clone());
                    f.failures += 1;
                }
                None => {
                    f.error = None;
                    f.failures = 0;
                    f.last_success = Some(o.finished);
                }
            }
        } else {
            self.feeds.push(FeedHealth {
                name: o.feed.clone(),
                url: String::new(),
                items: o.new.len() as i64,
                last_attempt: Some(o.finished),
                last_success: o.error.is_none().then_some(o.finished),
                last_new: Some(o.new.len() as i64),
                error: o.error.clone(),
                failures: u32::from(o.error.is_some()),
            });
        }
        for fired in &o.fired {
            let Some(item) = o.new.iter().find(|i| i.id == fired.item) else {
                continue;
            };
            self.alerts.insert(
                0,
                AlertEntry {
                    row: AlertRow {
                        alert: fired.alert.clone(),
                        item: fired.item,
                        title: item.title.clone(),
                        source: item.source.clone(),
                        when: item.when(),
                        fired_at: fired.fired_at,
                        quiet: fired.quiet,
                        acknowledged: fired.acknowledged,
                    },
                    seen: fired.quiet,
                },
            );
        }
        let d = self
            .gate
            .decide(o.finished, &self.alert_config, &o.fired, &o.new);
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
        if !o.new.is_empty() {
            self.pin_selections();
            let new = o
                .new
                .iter()
                .map(|s| self.taxonomy.item_from_stored(s))
                .collect();
            self.items.add(new);
            self.rebuild();
        }
        self.dirty = true;
    }

    fn text_changed(&mut self) {
        self.rebuild();
    }

    pub fn update(&mut self, action: Action) {
        let status = self.status.clone();
        self.update_action(action);
        if self.status != status {
            self.status_at = self.now;
        }
    }

    fn update_action(&mut self, action: Action) {
        self.dirty = true;
        if let Some((picker, cursor)) = self.picker {
            let len = self.picker_len(picker);
            match action {
                Action::Up => self.picker = Some((picker, cursor.saturating_sub(1))),
                Action::Down => self.picker = Some((picker, (cursor + 1).min(len - 1))),
                Action::Open | Action::MarkRead => self.picker_choose(picker, cursor),
                Action::Back | Action::PickTopics | Action::PickParty => self.picker = None,
                Action::Quit => self.quit = true,
                other => {
                    if is_event(&other) {
                        self.update_inner(other);
                    }
                }
            }
            return;
        }
        self.update_inner(action);
    }

    fn update_inner(&mut self, action: Action) {
        let page = (self.size.1 / 2).max(1) as isize;
        match action {
            Action::Quit => self.quit = true,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                let delta = match action {
                    Action::Up => -1,
                    Action::Down => 1,
                    Action::PageUp => -page,
                    _ => page,
                };
                match self.view {
                    View::Grid | View::Zoom => self.move_selection(delta),
                    View::Detail => {
                        let max = crate::ui::detail::max_scroll(self) as isize;
                        if let Some(d) = &mut self.detail {
                            d.scroll = (d.scroll as isize + delta).clamp(0, max) as u16;
                        }
                    }
                    View::Alerts => {
                        let max = self.alerts.len().saturating_sub(1) as isize;
                        self.alert_cursor =
                            (self.alert_cursor as isize + delta).clamp(0, max) as usize;
                    }
                    View::Feeds => {
                        let max = self.feeds.len().saturating_sub(1) as isize;
                        self.feed_cursor =
                            (self.feed_cursor as isize + delta).clamp(0, max) as usize;
                    }
                    View::Help => {
                        let max = crate::ui::help::max_scroll(self) as isize;
                        self.help_scroll = (self.help_scroll as isize + delta).clamp(0, max) as u16;
                    }
                }
            }
            Action::Left | Action::PrevPane => {
                let n = self.panes.len().max(1);
                self.focus = (self.focus + n - 1) % n;
            }
            Action::Right | Action::NextPane => {
                let n = self.panes.len().max(1);
                self.focus = (self.focus + 1) % n;
            }
            Action::Jump(i) => {
                if i < self.panes.len() {
                    self.focus = i;
                    if !matches!(self.view, View::Grid | View::Zoom) {
                        self.back.clear();
                        self.view = View::Grid;
                    }
                }
            }
            Action::Open => {
                if self.typing {
                    self.typing = false;
                    return;
                }
                match self.view {
                    View::Grid | View::Zoom | View::Alerts => {
                        if let Some(id) = self.current_item() {
                            self.open_detail(id);
                        }
                    }
                    _ => {}
                }
            }
            Action::Back => {
                if self.typing {
                    self.typing = false;
                    self.filter.text.clear();
                    self.text_changed();
                } else if self.view != View::Grid {
                    self.go_back();
                } else if self.filter.is_active() {
                    self.update_inner(Action::ClearFilters);
                }
            }
            Action::Zoom => match self.view {
                View::Zoom => self.go_back(),
                View::Grid => self.go(View::Zoom),
                _ => {}
            },
            Action::PickTopics => self.picker = Some((Picker::Topics, 0)),
            Action::PickParty => {
                self.picker = Some((Picker::Party, self.filter.party.map_or(0, |p| p + 1)));
            }
            Action::Search => {
                self.typing = true;
                if !matches!(self.view, View::Grid | View::Zoom) {
                    self.back.clear();
                    self.view = View::Grid;
                }
            }
            Action::Type(c) => {
                self.filter.text.push(c);
                self.text_changed();
            }
            Action::Backspace => {
                self.filter.text.pop();
                self.text_changed();
            }
            Action::ClearFilters => {
                self.filter = Filter {
                    show_other: self.filter.show_other,
                    ..Filter::default()
                };
                self.typing = false;
                self.rebuild();
            }
            Action::Alerts => {
                if self.view == View::Alerts {
                    self.go_back();
                } else {
                    self.go(View::Alerts);
                }
            }
            Action::Feeds => {
                if self.view == View::Feeds {
                    self.go_back();
                } else {
                    self.go(View::Feeds);
                }
            }
            Action::Help => {
                if self.view == View::Help {
                    self.go_back();
                } else {
                    self.help_scroll = 0;
                    self.go(View::Help);
                }
            }
            Action::ToggleUtc => {
                self.zone = if self.zone == crate::zone::Zone::Utc {
                    self.zone_home
                } else {
                    crate::zone::Zone::Utc
                };
                self.status = Some(format!("times in {}", self.zone.label(self.now)));
            }
            Action::OpenLink | Action::CopyLink => {
                let copy = action == Action::CopyLink;
                // Links are not kept in memory: the detail view has its item's,
                // elsewhere the loop reads it from the store.
                let loaded = self.detail.as_ref().and_then(|d| d.item.as_ref());
                match (self.view, loaded) {
                    (View::Detail, Some(item)) => match &item.link {
                        Some(l) if is_web(l) && copy => {
                            let l = l.clone();
                            self.update_inner(Action::Copy(l));
                        }
                        Some(l) if is_web(l) => {
                            self.status = Some(format!("opening {l}"));
                            self.effects.push(Effect::OpenLink(l.clone()));
                        }
                        Some(_) => {
                            let verb = if copy { "copied" } else { "opened" };
                            self.status = Some(format!("only http(s) links are {verb}"));
                        }
                        None => self.status = Some("this item has no link".into()),
                    },
                    _ => {
                        if let Some(id) = self.current_item() {
                            self.effects.push(if copy {
                                Effect::CopyItemLink(id)
                            } else {
                                Effect::OpenItemLink(id)
                            });
                        }
                    }
                }
            }
            Action::Copy(link) => {
                self.status = Some(format!("link copied (OSC 52): {link}"));
                self.effects.push(Effect::CopyLink(link));
            }
            Action::Notice(msg) => self.status = Some(msg),
            Action::Refresh => {
                if self.polling {
                    self.effects.push(Effect::Refresh);
                    self.status = Some("refreshing all feeds".into());
                } else {
                    self.status = Some("feeds are not polled in this session".into());
                }
            }
            Action::MarkRead => {
                if let Some(id) = self.current_item() {
                    let read = self.items.by_id(id).is_some_and(|i| !i.read);
                    self.set_read(id, read || self.view == View::Detail);
                }
            }
            Action::Acknowledge => {
                let item = match self.view {
                    View::Alerts => self.alerts.get(self.alert_cursor).map(|a| a.row.item),
                    _ => self.current_item(),
                };
                if let Some(id) = item {
                    let mut any = false;
                    for a in self
                        .alerts
                        .iter_mut()
                        .filter(|a| a.row.item == id && !a.row.acknowledged)
                    {
                        a.row.acknowledged = true;
                        a.seen = true;
                        any = true;
                    }
                    if any {
                        self.effects.push(Effect::Acknowledge(Some(vec![id])));
                    }
                }
            }
            Action::AcknowledgeAll => {
                for a in &mut self.alerts {
                    a.row.acknowledged = true;
                    a.seen = true;
                }
                self.effects.push(Effect::Acknowledge(None));
            }
            Action::ToggleBidi => {
                self.display = self.display.toggled();
                self.effects.push(Effect::Bidi(self.display));
                self.status = Some(format!("bidi: {}", self.display.name()));
            }
            Action::Scroll(n) => {
                let a = if n < 0 { Action::Up } else { Action::Down };
                for _ in 0..n.unsigned_abs().min(50) {
                    self.update_inner(a.clone());
                }
            }
            Action::Click(col, row) => {
                if matches!(self.view, View::Grid) {
                    let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
                    let rects = crate::ui::layout::pane_rects(
                        crate::ui::layout::body(area),
                        self.panes.len(),
                        self.focus,
                    );
                    if let Some(i) = rects.iter().position(|r| r.contains((col, row).into())) {
                        self.focus = i;
                    }
                }
            }
            Action::Resize(w, h) => self.size = (w, h),
            Action::Tick(now) => {
                let before = self.now;
                self.now = now;
                let flashing = self.alerts.iter().any(|a| !a.seen);
                self.flash = flashing && !self.flash;
                let new_hour =
                    before.hour() != now.hour() || before.date_naive() != now.date_naive();
                let expired = self.status.is_some() && now - self.status_at >= STATUS_TTL;
                if expired {
                    self.status = None;
                }
                if new_hour {
                    self.rebuild();
                }
                self.dirty = flashing || new_hour || expired || before.minute() != now.minute();
            }
            Action::Polled(o) => self.polled(*o),
            Action::Backfill(items, done) => {
                self.pin_selections();
                self.items.add_bulk(items);
                self.loading = !done;
                self.rebuild();
            }
            Action::Loaded(item) => {
                if let Some(d) = self.detail.as_mut().filter(|d| d.id == item.id) {
                    d.item = Some(item);
                }
            }
            Action::Stored(r) => match r {
                Ok(_) => self.dirty = false,
                Err(e) => self.status = Some(e),
            },
        }
    }
}

/// How long a status message stays in the footer.
pub const STATUS_TTL: chrono::Duration = chrono::Duration::seconds(5);

/// Only web links are handed to the browser.
pub fn is_web(link: &str) -> bool {
    link.starts_with("https://") || link.starts_with("http://")
}

/// Actions that come from the world, not the keyboard: they pass a picker.
fn is_event(a: &Action) -> bool {
    matches!(
        a,
        Action::Tick(_)
            | Action::Polled(_)
            | Action::Loaded(_)
            | Action::Backfill(..)
            | Action::Stored(_)
            | Action::Notice(_)
            | Action::Copy(_)
            | Action::Resize(..)
    )
}
