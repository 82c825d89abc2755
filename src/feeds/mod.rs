//! Feed collection: fetching over HTTP (or from local files), decoding bytes to
//! text, parsing feeds into incoming items, and the Tokio poller that schedules it
//! all and stores the results.

pub mod address;
pub mod dates;
pub mod decode;
pub mod dns;
pub mod farm;
pub mod fetch;
pub mod items;
pub mod opml;
pub mod parse;
pub mod poller;
pub mod retention;
pub mod schedule;
pub mod workers;

use chrono::{DateTime, Utc};

use crate::model::{FiredAlert, StoredItem};

/// What one poll of one feed did: sent by the collector to the dashboard as owned
/// data, once the poll's transaction has committed.
#[derive(Debug, Clone)]
pub struct PollOutcome {
    pub feed: String,
    pub finished: DateTime<Utc>,
    /// Items that were new, as stored.
    pub new: Vec<StoredItem>,
    /// Alerts the new items fired (quiet ones included, marked as such).
    pub fired: Vec<FiredAlert>,
    /// The server answered 304 Not Modified.
    pub not_modified: bool,
    /// One line saying what went wrong, naming the cause.
    pub error: Option<String>,
}
