//! Live from the store, whoever writes: a thread with its own read connection
//! polls `PRAGMA data_version`, which moves whenever another connection
//! commits (another process's collector, `marsad fetch` from cron, this
//! process's own writer), and costs a few microseconds when nothing did. On a
//! change it reads what is new since it last looked (items by id, the alerts
//! they fired, whether read marks or acknowledgements changed, feed health)
//! and sends it to the app. It looks every [`POLL`], and at once when nudged
//! (this process's collector has just written).

use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::Event;
use crate::model::{ItemId, StoredItem};
use crate::store::{AlertRow, DashRow, FeedState, Reader, Store, StoreError};

/// How often the store is looked at.
pub const POLL: Duration = Duration::from_millis(500);
/// The most new items sent at once; more, and the panes reload instead.
pub const NEW_CAP: usize = 2_000;
/// The most items of fired alerts loaded whole (for notices and commands).
const FIRED_ITEMS_CAP: usize = 64;

/// What changed in the store since the watcher last looked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// Items stored since, oldest first (at most [`NEW_CAP`]).
    pub rows: Vec<DashRow>,
    /// More items came than [`NEW_CAP`]: the panes reload.
    pub overflow: bool,
    /// Alerts the new items fired.
    pub fired: Vec<AlertRow>,
    /// The items of the alerts that ring (not quiet), whole.
    pub fired_items: Vec<StoredItem>,
    /// Read marks, acknowledgements or deletions changed.
    pub marks: bool,
    /// The configured feeds' health, in config order.
    pub feeds: Vec<FeedState>,
    /// The highest item id seen now.
    pub seen: i64,
}

/// Where the watcher stands: what it has seen.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mark {
    pub version: i64,
    pub item: i64,
    pub marks: i64,
}

impl Mark {
    pub fn now(r: &Reader) -> Result<Mark, StoreError> {
        Ok(Mark {
            version: r.data_version()?,
            item: r.max_item_id()?,
            marks: r.marks_version()?,
        })
    }
}

/// The configured feeds (name, URL), in config order: what feed health lists.
pub type Configured = Vec<(String, String)>;

/// The health of the configured feeds, in config order; a feed the store has
/// not polled yet is listed as such.
pub fn feed_health(r: &Reader, configured: &Configured) -> Result<Vec<FeedState>, StoreError> {
    let stored = r.feeds()?;
    Ok(configured
        .iter()
        .map(|(name, url)| {
            stored
                .iter()
                .find(|f| &f.name == name)
                .cloned()
                .unwrap_or_else(|| FeedState::unpolled(name, url))
        })
        .collect())
}

/// What changed since `mark`, and the new mark; `None` when nothing did.
pub fn changes(
    r: &Reader,
    mark: Mark,
    configured: &Configured,
) -> Result<Option<(Changes, Mark)>, StoreError> {
    let version = r.data_version()?;
    if version == mark.version {
        return Ok(None);
    }
    let now = Mark::now(r)?;
    let mut c = Changes {
        marks: now.marks != mark.marks,
        feeds: feed_health(r, configured)?,
        seen: now.item,
        ..Changes::default()
    };
    if now.item > mark.item {
        c.rows = r.rows_after(ItemId(mark.item), NEW_CAP)?;
        c.overflow = c.rows.len() >= NEW_CAP;
        if c.overflow {
            c.rows.clear();
        }
        c.fired = r.alerts_after_item(mark.item, NEW_CAP)?;
        let mut ringing: Vec<ItemId> = c
            .fired
            .iter()
            .filter(|a| !a.quiet && !a.acknowledged)
            .map(|a| a.item)
            .collect();
        ringing.dedup();
        for id in ringing.into_iter().take(FIRED_ITEMS_CAP) {
            c.fired_items.extend(r.item(id)?);
        }
    }
    Ok(Some((c, Mark { version, ..now })))
}

/// Starts the watcher from `mark`; it stops when the app's channel closes or
/// the nudge sender is dropped.
pub fn spawn(
    store: &Store,
    mark: Mark,
    configured: Configured,
    events: mpsc::Sender<Event>,
) -> Result<std_mpsc::Sender<()>, StoreError> {
    let reader = store.reader()?;
    let (nudge, nudged) = std_mpsc::channel();
    std::thread::Builder::new()
        .name("marsad-live".into())
        .spawn(move || {
            let mut mark = mark;
            // An error is told once, not at every look.
            let mut told = String::new();
            loop {
                match nudged.recv_timeout(POLL) {
                    Ok(()) | Err(std_mpsc::RecvTimeoutError::Timeout) => {}
                    Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
                }
                let event = match changes(&reader, mark, &configured) {
                    Ok(None) => continue,
                    Ok(Some((c, m))) => {
                        mark = m;
                        told.clear();
                        Event::Changed(Box::new(c))
                    }
                    Err(e) => {
                        let msg = format!("cannot read the store: {e}");
                        if msg == told {
                            continue;
                        }
                        told.clone_from(&msg);
                        Event::Stored(Err(msg))
                    }
                };
                if events.blocking_send(event).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| StoreError::Io(format!("cannot start the store watcher: {e}")))?;
    Ok(nudge)
}
