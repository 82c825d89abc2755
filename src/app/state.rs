//! The dashboard's state (its `update` is in `update.rs`) and the moves the
//! update is made of: views, detail, read marks, pickers, poll outcomes.
//! Pure: no IO, no clock (time comes in with `Tick`), no terminal; side effects
//! are queued in `effects` for the loop to carry out. The state holds windows
//! over the store (`panes`, `alerts`), never the store itself: what it needs
//! next it asks for (`Effect::Query`), and the answers come back as actions.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::alerts::AlertWindow;
use super::items::{Filter, Item, Taxonomy};
use super::panes::Pane;
use super::{Effect, Keymap};
use crate::config::Config;
use crate::model::{ItemId, StoredItem};
use crate::store::{AlertRow, FeedState};
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
    /// The bookmarked items.
    Bookmarks,
    Help,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picker {
    Topics,
    Party,
    /// The filters saved by name (in `State::saved`).
    Filters,
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
    pub panes: Vec<Pane>,
    /// The generation of the panes' queries: answers of an older one are
    /// dropped.
    pub epoch: u64,
    /// New items waiting for the store to say which panes take them.
    pub pending: HashMap<ItemId, Item>,
    /// First pages of a new generation are on their way (a search runs).
    pub searching: bool,
    pub filter: Filter,
    pub view: View,
    /// Views to go back to with Esc.
    pub back: Vec<View>,
    /// The search box has the keyboard.
    pub typing: bool,
    pub picker: Option<(Picker, usize)>,
    /// Index of the focused pane in `panes`.
    pub focus: usize,
    pub detail: Option<Detail>,
    /// The alerts view: a window over every fired alert, newest first.
    pub alerts: AlertWindow,
    /// The strip: the newest open alerts.
    pub strip: Vec<AlertEntry>,
    /// Open alerts in the store (not acknowledged, not quiet).
    pub open_alerts: u64,
    /// Alerts that fired during the session and have not been seen.
    pub ringing: HashSet<(ItemId, String)>,
    pub feeds: Vec<FeedHealth>,
    pub feed_cursor: usize,
    /// The grid (a pane per topic) or the river (every item in one list).
    pub layout: crate::config::Layout,
    /// A feed's items are open from the feeds list: the layout to return to.
    pub feed_return: Option<crate::config::Layout>,
    /// A question in the footer that keys answer first.
    pub prompt: Option<super::reading::Prompt>,
    /// The bookmarks list, as last loaded, and its cursor.
    pub bookmarks: Vec<Item>,
    pub bookmark_cursor: usize,
    /// The saved filters, as the picker lists them.
    pub saved: Vec<crate::store::SavedFilter>,
    pub display: Display,
    /// The zone times are shown in now; `zone_home` is the configured one,
    /// which the UTC switch returns to.
    pub zone: crate::zone::Zone,
    pub zone_home: crate::zone::Zone,
    /// A collector is polling the feeds (else the header says so).
    pub polling: bool,
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

/// What the dashboard starts from (its panes, counts and alerts it asks the
/// store for: see `State::new`).
pub struct Init {
    pub feeds: Vec<FeedState>,
    pub now: DateTime<Utc>,
    pub display: Display,
    pub polling: bool,
    pub keymap: Keymap,
    pub theme: crate::ui::theme::Theme,
    pub size: (u16, u16),
}

impl State {
    pub fn new(config: &Config, init: Init) -> State {
        let taxonomy = Taxonomy::from_config(config);
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
            panes: Vec::new(),
            epoch: 0,
            pending: HashMap::new(),
            searching: false,
            filter,
            view: View::Grid,
            back: Vec::new(),
            typing: false,
            picker: None,
            focus: 0,
            detail: None,
            alerts: AlertWindow::default(),
            strip: Vec::new(),
            open_alerts: 0,
            ringing: HashSet::new(),
            feeds: init.feeds.into_iter().map(FeedHealth::from).collect(),
            feed_cursor: 0,
            layout: config.settings.layout,
            feed_return: None,
            prompt: None,
            bookmarks: Vec::new(),
            bookmark_cursor: 0,
            saved: Vec::new(),
            display: init.display,
            zone: config.settings.timezone,
            zone_home: config.settings.timezone,
            polling: init.polling,
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
        // What the first frame needs: every pane's first page and counts,
        // and the strip.
        s.reload(false);
        s.load_strip();
        s
    }

    /// The alert definition's display name.
    pub fn alert_name(&self, id: &str) -> String {
        self.alert_defs
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.to_string(), |a| a.name.clone())
    }

    pub fn open_alerts(&self) -> usize {
        usize::try_from(self.open_alerts).unwrap_or(usize::MAX)
    }

    pub fn failing_feeds(&self) -> usize {
        self.feeds.iter().filter(|f| f.error.is_some()).count()
    }

    /// Position of the selected item in pane `p`'s loaded rows (the newest
    /// when none is chosen).
    pub fn selected_pos(&self, p: usize) -> usize {
        self.panes
            .get(p)
            .map_or(0, |pane| pane.window.selected_pos())
    }

    pub fn selected_item(&self) -> Option<&Item> {
        self.panes.get(self.focus)?.window.selected_row()
    }

    pub(super) fn go(&mut self, view: View) {
        if self.view != view {
            self.back.push(self.view);
            self.view = view;
        }
        if view == View::Alerts {
            self.alerts_seen();
            self.load_alerts_view();
        }
    }

    pub(super) fn go_back(&mut self) {
        self.view = self.back.pop().unwrap_or(View::Grid);
        if self.view != View::Detail {
            self.detail = None;
        }
    }

    pub(super) fn open_detail(&mut self, id: ItemId) {
        self.detail = Some(Detail {
            id,
            item: None,
            scroll: 0,
        });
        self.effects.push(Effect::Load(id));
        self.set_read(id, true);
        self.go(View::Detail);
    }

    pub(super) fn set_read(&mut self, id: ItemId, read: bool) {
        if self.show_read(id, read) {
            self.effects.push(Effect::MarkRead(vec![id], read));
        }
    }

    /// The read mark the item has where it is shown.
    pub(super) fn is_read(&self, id: ItemId) -> bool {
        self.panes
            .iter()
            .flat_map(|p| p.items())
            .find(|i| i.id == id)
            .is_some_and(|i| i.read)
    }

    /// The item the current view is about (detail, or the grid's selection).
    pub(super) fn current_item(&self) -> Option<ItemId> {
        match self.view {
            View::Detail => self.detail.as_ref().map(|d| d.id),
            View::Bookmarks => self.bookmarks.get(self.bookmark_cursor).map(|i| i.id),
            View::Alerts => self.alerts.selected_row().map(|a| a.row.item),
            _ => self.selected_item().map(|i| i.id),
        }
    }

    pub(super) fn picker_len(&self, p: Picker) -> usize {
        match p {
            Picker::Topics => self.topics.len() + 1,
            Picker::Party => self.parties.len() + 1,
            Picker::Filters => self.saved.len().max(1),
        }
    }

    pub(super) fn picker_choose(&mut self, p: Picker, i: usize) {
        match p {
            Picker::Topics if i < self.topics.len() => {
                self.filter.hidden_topics ^= 1 << i.min(63);
            }
            Picker::Topics => self.filter.show_other = !self.filter.show_other,
            Picker::Party => {
                self.filter.party = i.checked_sub(1);
                self.picker = None;
            }
            Picker::Filters => return self.recall_filter(i),
        }
        self.reload(false);
    }

    pub(super) fn polled(&mut self, o: crate::feeds::PollOutcome) {
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
        // What it stored reaches the panes through the store's watcher, as
        // what any other process stores does: tell it to look now.
        self.effects.push(Effect::Nudge);
        self.dirty = true;
    }

    pub(super) fn text_changed(&mut self) {
        self.reload(true);
    }
}

/// How long a status message stays in the footer.
pub const STATUS_TTL: chrono::Duration = chrono::Duration::seconds(5);

/// Only web links are handed to the browser.
pub fn is_web(link: &str) -> bool {
    link.starts_with("https://") || link.starts_with("http://")
}
