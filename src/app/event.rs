//! Everything that comes into the app, as owned data over one channel: terminal
//! input, the clock, the collector's poll outcomes, and the results of store
//! work the app asked for.

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
    /// A page of older items loaded in the background; `true` on the last one.
    /// The permit, dropped once the page is taken, lets the loader read the
    /// next: pages never pile up in the channel.
    Backfill(
        Vec<super::items::Item>,
        bool,
        Option<tokio::sync::OwnedSemaphorePermit>,
    ),
    /// An item's full record, asked for by the detail view.
    Loaded(Box<StoredItem>),
    /// A store write the app asked for finished; `Err` carries its one-line cause.
    Stored(Result<String, String>),
    /// Something to tell the user (what opening a link did).
    Notice(String),
    /// An item's link, read from the store to be copied.
    Copy(String),
    /// SIGTERM, SIGHUP or the input stream ended: leave now.
    Shutdown,
}
