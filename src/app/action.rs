//! What the user (or the world) asks the app to do, and the side effects the
//! state asks the loop to carry out for it.

use chrono::{DateTime, Utc};

use crate::feeds::PollOutcome;
use crate::model::{ItemId, StoredItem};

/// A change to the state. Keys map to the first block; the rest come from events.
#[derive(Debug, Clone)]
pub enum Action {
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    NextPane,
    PrevPane,
    /// Focus the n-th visible topic pane (0-based).
    Jump(usize),
    Open,
    Back,
    Zoom,
    /// The river (every item in one list) or the grid.
    River,
    /// The next unread item, down the focused pane and on through the next.
    NextUnread,
    PrevUnread,
    /// Every item of the focused pane read (asks first when many).
    MarkPaneRead,
    /// Every item of the store read (asks first).
    MarkAllRead,
    /// Show only unread items, or all again.
    UnreadOnly,
    /// Bookmark the current item, or take its bookmark away.
    Bookmark,
    /// The list of bookmarks.
    Bookmarks,
    /// Save the filter under a name (asks for it).
    SaveFilter,
    /// The saved filters, to recall one.
    Filters,
    /// In the saved filters, forget the one selected (asks first).
    DeleteFilter,
    PickTopics,
    PickParty,
    Search,
    ClearFilters,
    Alerts,
    Feeds,
    OpenLink,
    /// Put the link on the clipboard (OSC 52).
    CopyLink,
    Refresh,
    MarkRead,
    Acknowledge,
    AcknowledgeAll,
    ToggleBidi,
    /// Show times in UTC, or back in the watch's zone.
    ToggleUtc,
    Help,
    Quit,
    /// A character typed into the search box.
    Type(char),
    Backspace,
    /// Mouse wheel over the grid (positive: down).
    Scroll(i32),
    /// Mouse click at column, row.
    Click(u16, u16),
    Resize(u16, u16),
    Tick(DateTime<Utc>),
    Polled(Box<PollOutcome>),
    Loaded(Box<StoredItem>),
    /// The store's answer to a query the state asked for.
    Reply(Box<super::search::Reply>),
    /// What the store's watcher saw change (any process's writes).
    Changed(Box<super::live::Changes>),
    Stored(Result<String, String>),
    /// Something the user should read in the footer (what opening a link did).
    Notice(String),
    /// A checked link, read from the store, to put on the clipboard.
    Copy(String),
    /// A bookmark was set (`true`) or taken away on an item.
    Bookmarked(crate::model::ItemId, bool),
}

/// Equal when they print the same: `PollOutcome` has no `PartialEq`, and
/// comparing actions is only for tests.
impl PartialEq for Action {
    fn eq(&self, other: &Self) -> bool {
        format!("{self:?}") == format!("{other:?}")
    }
}

/// Work the loop does for the state, off the UI.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    MarkRead(Vec<ItemId>, bool),
    Acknowledge(Option<Vec<ItemId>>),
    /// Load an item's full record for the detail view.
    Load(ItemId),
    /// Open an http(s) link in the browser.
    OpenLink(String),
    /// Read an item's link from the store, then open it if it is http(s).
    OpenItemLink(ItemId),
    /// Send a checked link to the terminal's clipboard (OSC 52).
    CopyLink(String),
    /// Read an item's link from the store, then copy it if it is http(s).
    CopyItemLink(ItemId),
    Refresh,
    Bell,
    /// A desktop notification (the alert asked for one).
    Notify {
        summary: String,
        body: String,
    },
    /// An alert's command, run without a shell with its time limit.
    Command(crate::alert::CommandRun),
    /// The bidi display mode changed (the terminal may need telling).
    Bidi(crate::text::bidi::Display),
    /// Ask the store (the answer comes back as `Reply`).
    Query(super::search::Request),
    /// Tell the store's watcher to look now (something was just written).
    Nudge,
    /// Mark read every item a query selects (a pane, or everything).
    MarkReadWhere(crate::store::ItemQuery),
    /// Bookmark an item (`Some(true)`), take its bookmark away
    /// (`Some(false)`), or turn it over (`None`: the store says which it is).
    Bookmark(ItemId, Option<bool>),
    /// Forget the filter saved under this name.
    DeleteFilter(String),
    /// Keep a filter under a name (JSON, see `saved`).
    SaveFilter {
        name: String,
        filter: String,
    },
}
