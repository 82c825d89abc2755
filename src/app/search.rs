//! Store queries off the interface's thread. A worker with its own read
//! connection answers what the app asks (the first page of every pane after a
//! filter changes, a pane's next page, counts and sparklines, which new items
//! each pane takes, read marks, pages of alerts) and sends each answer back
//! as an event. Asks are numbered by the generation of the panes' queries:
//! one of a generation the app has moved past is dropped unrun, and one
//! running is stopped as soon as a newer one is asked (the reader's progress
//! check sees it), so every keystroke of `/` cancels the search before it.
//! A keystroke's search also waits a moment for the next (debounce).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::Event;
use crate::model::{ItemId, StoredItem};
use crate::store::{
    AlertRow, Count, Cursor, DashRow, ItemQuery, Reader, SavedFilter, Skipped, Store, StoreError,
    Toward,
};

/// How long a keystroke's search waits for the next keystroke.
pub const DEBOUNCE: Duration = Duration::from_millis(15);
/// Counts under filters stop here (shown as "10000+").
pub const COUNT_CAP: u64 = 10_000;

/// Which list of alerts a page is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertList {
    /// The strip: the newest open alerts.
    Strip,
    /// The alerts view: every fired alert.
    View,
}

/// What the app asks the store. `epoch` is the generation of the panes'
/// queries the ask belongs to; panes are named by their index.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// The first page of every pane; `typed`: asked by a keystroke.
    First {
        epoch: u64,
        queries: Vec<ItemQuery>,
        limit: usize,
        typed: bool,
    },
    /// A further page of one pane, just past `from`.
    Page {
        epoch: u64,
        pane: usize,
        query: ItemQuery,
        from: Cursor,
        toward: Toward,
        limit: usize,
    },
    /// Each pane's counts, and its items per hour to `now`.
    Counts {
        epoch: u64,
        queries: Vec<ItemQuery>,
        now: DateTime<Utc>,
    },
    /// Which of the new items `ids` each pane's query selects.
    Which {
        epoch: u64,
        queries: Vec<ItemQuery>,
        ids: Vec<ItemId>,
    },
    /// The read marks of items shown (those gone are left out).
    Marks { ids: Vec<ItemId> },
    /// A page of alerts just past `from`.
    Alerts {
        list: AlertList,
        from: Option<AlertRow>,
        toward: Toward,
        limit: usize,
    },
    /// The nearest unread item toward `toward`: in each pane in turn, from
    /// its cursor (the selection in the focused pane, the end in the
    /// others), and the rows around it.
    Unread {
        epoch: u64,
        panes: Vec<(usize, ItemQuery, Option<Cursor>)>,
        toward: Toward,
    },
    /// The bookmarked items, newest first.
    Bookmarks { limit: usize },
    /// The filters saved by name.
    SavedFilters,
}

impl Request {
    /// The generation the ask belongs to (asks of no generation never go
    /// stale).
    pub fn epoch(&self) -> Option<u64> {
        match self {
            Request::First { epoch, .. }
            | Request::Page { epoch, .. }
            | Request::Counts { epoch, .. }
            | Request::Which { epoch, .. } => Some(*epoch),
            Request::Unread { epoch, .. } => Some(*epoch),
            Request::Marks { .. }
            | Request::Alerts { .. }
            | Request::Bookmarks { .. }
            | Request::SavedFilters => None,
        }
    }
}

/// The store's answer to a [`Request`], with the same names.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    First {
        epoch: u64,
        pages: Vec<Vec<DashRow>>,
        limit: usize,
    },
    Page {
        epoch: u64,
        pane: usize,
        from: Cursor,
        toward: Toward,
        rows: Vec<DashRow>,
        limit: usize,
    },
    Counts {
        epoch: u64,
        counts: Vec<(Count, [u64; 24])>,
        open_alerts: u64,
    },
    Which {
        epoch: u64,
        /// For each pane, the ids it takes.
        taken: Vec<Vec<ItemId>>,
        /// Every id asked about.
        asked: Vec<ItemId>,
    },
    Marks {
        marks: Vec<(ItemId, bool)>,
        asked: Vec<ItemId>,
    },
    Alerts {
        list: AlertList,
        from: Option<AlertRow>,
        toward: Toward,
        rows: Vec<AlertRow>,
        limit: usize,
    },
    Unread {
        epoch: u64,
        toward: Toward,
        found: Option<Found>,
    },
    Bookmarks {
        items: Vec<StoredItem>,
    },
    SavedFilters {
        filters: Vec<SavedFilter>,
    },
}

/// An unread item found for `n`/`N`, with the rows around it in its pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub pane: usize,
    pub at: Cursor,
    /// A stretch of the pane's rows, newest first, with the item in it.
    pub rows: Vec<DashRow>,
    /// Rows of the pane newer than the first of `rows` (up to `COUNT_CAP`).
    pub above: usize,
    /// There are rows older than the last of `rows`.
    pub more_below: bool,
}

/// Rows above a found unread item loaded with it (the selection then has
/// room to move up without a page asked for at once).
const ABOVE_FOUND: usize = 20;

/// The first unread item of the panes, each searched from its cursor
/// toward `toward`, and the stretch of its pane around it.
fn unread(
    reader: &Reader,
    panes: &[(usize, ItemQuery, Option<Cursor>)],
    toward: Toward,
) -> Result<Option<Found>, StoreError> {
    for (pane, q, from) in panes {
        let Some(at) = reader.next_unread(q, *from, toward)? else {
            continue;
        };
        let newer = reader.select(q, Some(at), Toward::Newer, ABOVE_FOUND)?;
        let older = reader.select(q, Some(at), Toward::Older, super::window::PAGE)?;
        let above = match newer.first() {
            Some(first) if newer.len() >= ABOVE_FOUND => reader
                .select(q, Some(*first), Toward::Newer, COUNT_CAP as usize)?
                .len(),
            _ => 0,
        };
        let more_below = older.len() >= super::window::PAGE;
        let mut at_all = newer;
        at_all.push(at);
        at_all.extend(older);
        return Ok(Some(Found {
            pane: *pane,
            at,
            rows: reader.rows(&at_all)?,
            above,
            more_below,
        }));
    }
    Ok(None)
}

/// Answers one request on `reader`: what the worker does, and what tests and
/// the first frame do directly.
pub fn answer(reader: &Reader, req: Request) -> Result<Reply, StoreError> {
    Ok(match req {
        Request::First {
            epoch,
            queries,
            limit,
            ..
        } => {
            let at = reader.select_each(&queries, limit)?;
            let pages = at
                .iter()
                .map(|a| reader.rows(a))
                .collect::<Result<_, _>>()?;
            Reply::First {
                epoch,
                pages,
                limit,
            }
        }
        Request::Page {
            epoch,
            pane,
            query,
            from,
            toward,
            limit,
        } => Reply::Page {
            epoch,
            pane,
            rows: reader.page(&query, Some(from), toward, limit)?,
            from,
            toward,
            limit,
        },
        Request::Counts {
            epoch,
            queries,
            now,
        } => Reply::Counts {
            epoch,
            counts: queries
                .iter()
                .map(|q| Ok((reader.count_items(q, COUNT_CAP)?, reader.hours(q, now)?)))
                .collect::<Result<_, StoreError>>()?,
            open_alerts: reader.open_alert_count()?,
        },
        Request::Which {
            epoch,
            queries,
            ids,
        } => Reply::Which {
            epoch,
            taken: queries
                .iter()
                .map(|q| reader.which(q, &ids))
                .collect::<Result<_, _>>()?,
            asked: ids,
        },
        Request::Marks { ids } => Reply::Marks {
            marks: reader.read_marks(&ids)?,
            asked: ids,
        },
        Request::Alerts {
            list,
            from,
            toward,
            limit,
        } => Reply::Alerts {
            rows: reader.alerts_page(list == AlertList::Strip, from.as_ref(), toward, limit)?,
            list,
            from,
            toward,
            limit,
        },
        Request::Unread {
            epoch,
            panes,
            toward,
        } => Reply::Unread {
            epoch,
            toward,
            found: unread(reader, &panes, toward)?,
        },
        Request::Bookmarks { limit } => Reply::Bookmarks {
            items: reader.bookmarked_items(&ItemQuery {
                limit: Some(limit),
                ..ItemQuery::default()
            })?,
        },
        Request::SavedFilters => Reply::SavedFilters {
            filters: reader.saved_filters()?,
        },
    })
}

/// Answers every query the state has asked, and those the answers make it
/// ask, until it asks none: what the first frame needs, read before it is
/// drawn (and what tests use for a worker). Returns the other effects asked
/// meanwhile, in order, and the status line of rows skipped.
pub fn settle(
    state: &mut super::State,
    reader: &Reader,
) -> Result<(Vec<super::Effect>, Option<String>), StoreError> {
    let mut other = Vec::new();
    loop {
        let asked: Vec<super::Effect> = state.effects.drain(..).collect();
        if !asked.iter().any(|e| matches!(e, super::Effect::Query(_))) {
            other.extend(asked);
            let skipped = skipped_status(&reader.take_skipped());
            return Ok((other, skipped));
        }
        for e in asked {
            match e {
                super::Effect::Query(q) => {
                    let reply = answer(reader, q)?;
                    state.update(super::Action::Reply(Box::new(reply)));
                }
                e => other.push(e),
            }
        }
    }
}

/// The status line that names rows skipped as unreadable.
pub fn skipped_status(skipped: &[Skipped]) -> Option<String> {
    let first = skipped.first()?;
    Some(match skipped.len() - 1 {
        0 => format!("skipped: {first}"),
        n => format!("skipped: {first}, and {n} more (see the log)"),
    })
}

/// The handle on the worker: asks go to its queue.
#[derive(Clone)]
pub struct Queries {
    tx: std::sync::mpsc::Sender<Request>,
    /// The newest generation asked for.
    latest: Arc<AtomicU64>,
}

impl Queries {
    /// Starts the worker on a reader of `store`; its answers come as
    /// `Event::Reply`.
    pub fn spawn(store: &Store, events: mpsc::Sender<Event>) -> Result<Queries, StoreError> {
        let mut reader = store.reader()?;
        let latest = Arc::new(AtomicU64::new(0));
        // The generation of the ask running (none: `u64::MAX`, never stale).
        let running = Arc::new(AtomicU64::new(u64::MAX));
        let (l, r) = (latest.clone(), running.clone());
        reader.stop_when(move || r.load(Ordering::Acquire) < l.load(Ordering::Acquire))?;
        let (tx, rx) = std::sync::mpsc::channel();
        let l = latest.clone();
        std::thread::Builder::new()
            .name("marsad-queries".into())
            .spawn(move || work(&reader, &rx, &l, &running, &events))
            .map_err(|e| StoreError::Io(format!("cannot start the query worker: {e}")))?;
        Ok(Queries { tx, latest })
    }

    pub fn ask(&self, req: Request) {
        if let Some(g) = req.epoch() {
            self.latest.fetch_max(g, Ordering::AcqRel);
        }
        let _ = self.tx.send(req);
    }
}

fn work(
    reader: &Reader,
    rx: &std::sync::mpsc::Receiver<Request>,
    latest: &AtomicU64,
    running: &AtomicU64,
    events: &mpsc::Sender<Event>,
) {
    let stale = |r: &Request| {
        r.epoch()
            .is_some_and(|g| g < latest.load(Ordering::Acquire))
    };
    let mut queue = VecDeque::new();
    loop {
        if queue.is_empty() {
            match rx.recv() {
                Ok(r) => queue.push_back(r),
                Err(_) => return,
            }
        }
        queue.extend(rx.try_iter());
        let Some(req) = queue.pop_front() else {
            continue;
        };
        if stale(&req) {
            continue;
        }
        if matches!(req, Request::First { typed: true, .. }) {
            // Wait for the next keystroke a moment before searching.
            let until = Instant::now() + DEBOUNCE;
            while let Ok(r) = rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                queue.push_back(r);
            }
            if stale(&req) {
                continue;
            }
        }
        running.store(req.epoch().unwrap_or(u64::MAX), Ordering::Release);
        let reply = answer(reader, req);
        running.store(u64::MAX, Ordering::Release);
        let event = match reply {
            Ok(r) => Event::Reply(Box::new(r)),
            Err(e) if e.is_interrupted() => continue,
            Err(e) => Event::Stored(Err(format!("cannot read the store: {e}"))),
        };
        if let Some(msg) = skipped_status(&reader.take_skipped())
            && events.blocking_send(Event::Stored(Err(msg))).is_err()
        {
            return;
        }
        if events.blocking_send(event).is_err() {
            return;
        }
    }
}
