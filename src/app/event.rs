//! Everything that comes into the app, as owned data over one channel: terminal
//! input, the clock, the collector's poll outcomes, the store's answers to
//! what the app asked, what the store's watcher saw change, and the results
//! of store writes.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use crate::feeds::PollOutcome;
use crate::model::StoredItem;

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// The clock moved on (sent about once a second).
    Tick(DateTime<Utc>),
    /// The collector finished polling a feed.
    Polled(Box<PollOutcome>),
    /// The store's answer to a query the app asked for.
    Reply(Box<super::search::Reply>),
    /// What the store's watcher saw change.
    Changed(Box<super::live::Changes>),
    /// An item's full record, asked for by the detail view.
    Loaded(Box<StoredItem>),
    /// A store write the app asked for finished; `Err` carries its one-line cause.
    Stored(Result<String, String>),
    /// Something to tell the user (what opening a link did).
    Notice(String),
    /// An item's link, read from the store to be copied.
    Copy(String),
    /// A bookmark was set (`true`) or taken away.
    Bookmarked(crate::model::ItemId, bool),
    /// SIGTERM, SIGHUP or the input stream ended: leave now.
    Shutdown,
}
