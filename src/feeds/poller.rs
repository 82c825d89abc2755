//! The collector: polls feeds on their schedules with bounded global and per-host
//! concurrency, turns each answer into one store transaction (items, fetch state
//! and health), and sends a `PollOutcome` per poll over a channel once it has
//! committed. Shutdown is a `CancellationToken`: in-flight fetches are dropped,
//! writes already handed to the store finish, and a `TaskTracker` waits for all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::fetch::{FetchError, Fetched, Fetcher, Validators};
use super::schedule::{self, Hints, Outcome};
use super::workers::Workers;
use super::{PollOutcome, items};
use crate::config::{FeedConfig, FeedLocation, Settings};
use crate::pipeline::Pipeline;
use crate::store::{AlertPolicy, FeedRef, FeedState, FetchRecord, IngestBatch, Store};

/// What the poller remembers of a feed between polls.
#[derive(Debug, Clone)]
pub struct FeedMemory {
    pub feed: FeedConfig,
    /// Where to poll now (differs from the config's after a permanent redirect).
    pub location: FeedLocation,
    pub validators: Validators,
    pub failure_streak: u32,
    pub next_due: Option<DateTime<Utc>>,
    pub gone: bool,
}

impl FeedMemory {
    /// The poller's view of a configured feed, from its row in the store.
    pub fn new(feed: FeedConfig, state: Option<&FeedState>) -> FeedMemory {
        let mut location = feed.url.clone();
        if let (Some(s), FeedLocation::Http(_)) = (state, &feed.url)
            && let Ok(u) = url::Url::parse(&s.url)
            && matches!(u.scheme(), "http" | "https")
        {
            location = FeedLocation::Http(u);
        }
        FeedMemory {
            location,
            validators: Validators {
                etag: state.and_then(|s| s.etag.clone()),
                last_modified: state.and_then(|s| s.last_modified.clone()),
            },
            failure_streak: state.map_or(0, |s| s.failure_streak),
            next_due: state.and_then(|s| s.next_due),
            gone: state.is_some_and(|s| s.gone),
            feed,
        }
    }

    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.feed.enabled && !self.gone && self.next_due.is_none_or(|d| d <= now)
    }
}

/// One poll as the command line reports it: the outcome plus the numbers.
#[derive(Debug, Clone)]
pub struct PollResult {
    pub outcome: PollOutcome,
    /// How many items were new (kept when `outcome.new` is dropped).
    pub new_count: usize,
    pub status: Option<u16>,
    pub seen: usize,
    pub latency_ms: u64,
    pub bytes: u64,
    pub next_due: Option<DateTime<Utc>>,
    pub gone: bool,
    /// Validators to send next time (after a successful fetch with a body).
    pub validators: Option<Validators>,
    /// The feed moved permanently here (after a successful parse).
    pub moved_to: Option<String>,
}

/// Ask the running poller for an immediate poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    All,
    Feed(String),
}

/// The poller's wall clock: the system's, carried forward by Tokio's clock as
/// well, so that with Tokio's time paused (tests) schedules play out as time is
/// advanced. The later of the two wins, so a system clock that jumps ahead (a
/// machine waking from sleep) is followed at once.
#[derive(Debug, Clone, Copy)]
struct Clock {
    wall: DateTime<Utc>,
    start: tokio::time::Instant,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            wall: Utc::now(),
            start: tokio::time::Instant::now(),
        }
    }

    fn now(&self) -> DateTime<Utc> {
        let carried = chrono::Duration::from_std(self.start.elapsed())
            .ok()
            .and_then(|d| self.wall.checked_add_signed(d))
            .unwrap_or(self.wall);
        carried.max(Utc::now())
    }
}

/// Fetches, parses, classifies and stores; shared by every poll task.
pub struct Collector {
    clock: Clock,
    fetcher: Fetcher,
    pipeline: Arc<Pipeline>,
    store: Store,
    settings: Settings,
    /// Feeds between the start of their fetch and the hand-over of their
    /// write to the store.
    in_flight: Arc<Semaphore>,
    /// Feeds between the end of their fetch and their commit. With `in_flight`
    /// this bounds memory; apart from it, a feed waiting for its commit does not
    /// hold back the next fetch.
    queued: Arc<Semaphore>,
    /// Requests on the network at once.
    global: Arc<Semaphore>,
    /// Feeds parsed and classified at once (one per core).
    cpu: Arc<Semaphore>,
    /// The threads that parse and classify them.
    workers: Workers,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Collector {
    pub fn new(
        settings: &Settings,
        pipeline: Arc<Pipeline>,
        store: Store,
    ) -> anyhow::Result<Collector> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Collector {
            clock: Clock::new(),
            fetcher: Fetcher::new(settings.timeout, settings.max_body)?,
            pipeline,
            store,
            in_flight: Arc::new(Semaphore::new(
                settings.concurrency.saturating_mul(2).max(2),
            )),
            queued: Arc::new(Semaphore::new(
                settings.concurrency.saturating_mul(2).max(2),
            )),
            global: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            cpu: Arc::new(Semaphore::new(cores)),
            workers: Workers::new(cores)?,
            hosts: Mutex::new(HashMap::new()),
            settings: settings.clone(),
        })
    }

    /// The configured feeds synced to the store, with their stored state.
    pub async fn load(&self, feeds: &[FeedConfig]) -> anyhow::Result<Vec<FeedMemory>> {
        let refs = feeds
            .iter()
            .map(|f| FeedRef {
                name: f.name.clone(),
                url: f.url.to_string(),
            })
            .collect();
        self.store.sync_feeds(refs).await?;
        let store = self.store.clone();
        let states = tokio::task::spawn_blocking(move || store.reader()?.feeds()).await??;
        let by_name: HashMap<&str, &FeedState> =
            states.iter().map(|s| (s.name.as_str(), s)).collect();
        Ok(feeds
            .iter()
            .map(|f| FeedMemory::new(f.clone(), by_name.get(f.name.as_str()).copied()))
            .collect())
    }

    fn host_limit(&self, location: &FeedLocation) -> Arc<Semaphore> {
        let host = match location {
            FeedLocation::Http(u) => format!(
                "{}:{}",
                u.host_str().unwrap_or(""),
                u.port_or_known_default().unwrap_or(0)
            ),
            FeedLocation::File(_) => "file:".into(),
        };
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .entry(host)
            .or_insert_with(|| Arc::new(Semaphore::new(self.settings.per_host.max(1))))
            .clone()
    }

    /// Polls one feed and stores what it brought; `None` when cancelled before
    /// anything was written. Without `keep_items` the result counts the new
    /// items and does not hold them (see [`IngestBatch::keep_items`]).
    pub async fn poll(
        &self,
        mem: &FeedMemory,
        cancel: &CancellationToken,
        keep_items: bool,
    ) -> Option<PollResult> {
        let slot = self.in_flight.clone().acquire_owned().await.ok()?;
        // The store's writer may wait a little for this poll's write.
        let expected = self.store.expect();
        let attempted = self.clock.now();
        let fetched = {
            let host = self.host_limit(&mem.location);
            let fetch = async {
                let _h = host.acquire_owned().await.ok()?;
                let _g = self.global.clone().acquire_owned().await.ok()?;
                Some(self.fetcher.fetch(&mem.location, &mem.validators).await)
            };
            tokio::select! {
                _ = cancel.cancelled() => return None,
                r = fetch => r?,
            }
        };
        let queued = self.queued.clone().acquire_owned().await.ok()?;
        // Parsing, the pipeline and the store's key computation are CPU work:
        // on the worker threads for a body, inline for a 304 or an error.
        let storing = Storing {
            backfill: self.settings.alert_backfill,
            keep_items,
            budget: self.settings.timeout,
        };
        let clock = self.clock;
        let settled = match fetched {
            Ok(f) if f.status != 304 => {
                let pipeline = self.pipeline.clone();
                let store = self.store.clone();
                let m = mem.clone();
                // No more feeds parsed at once than there are cores: more only
                // adds threads fighting over them (and the store's writer).
                let cpu = self.cpu.clone().acquire_owned().await.ok()?;
                let joined = self
                    .workers
                    .run(move || {
                        let settled =
                            settle(&pipeline, &store, storing, &m, attempted, Ok(f), clock);
                        drop(cpu);
                        settled
                    })
                    .await;
                match joined {
                    Ok(s) => s,
                    Err(e) => settle(
                        &self.pipeline,
                        &self.store,
                        storing,
                        mem,
                        attempted,
                        Err(FetchError::Network(format!("the parser failed: {e}"))),
                        clock,
                    ),
                }
            }
            other => settle(
                &self.pipeline,
                &self.store,
                storing,
                mem,
                attempted,
                other,
                clock,
            ),
        };
        // The write is queued: the next fetch may start.
        drop(expected);
        drop(slot);
        // Once handed to the writer the write completes, cancelled or not.
        let (added, new, fired, seen, error) = match settled.pending.await {
            Ok(r) => (
                r.added,
                r.new,
                r.fired,
                r.seen + settled.known,
                settled.error,
            ),
            Err(e) => (
                0,
                Vec::new(),
                Vec::new(),
                0,
                Some(format!("the store refused the poll: {e}")),
            ),
        };
        drop(queued);
        Some(PollResult {
            new_count: added,
            outcome: PollOutcome {
                feed: mem.feed.name.clone(),
                finished: self.clock.now(),
                new,
                fired,
                not_modified: settled.status == Some(304),
                error,
            },
            status: settled.status,
            seen,
            latency_ms: settled.latency_ms,
            bytes: settled.bytes,
            next_due: settled.next_due,
            gone: settled.gone,
            validators: settled.validators,
            moved_to: settled.moved_to,
        })
    }
}

/// A poll handed to the store, with what the caller reports of it.
struct Settled {
    pending: crate::store::Pending<crate::store::IngestReport>,
    status: Option<u16>,
    latency_ms: u64,
    bytes: u64,
    next_due: Option<DateTime<Utc>>,
    gone: bool,
    error: Option<String>,
    validators: Option<Validators>,
    moved_to: Option<String>,
    /// Items the store held already, not sent again.
    known: usize,
}

/// How a poll's items are stored: when their alerts ring, whether the store
/// gives them back, and the time they may take to be made into text.
#[derive(Debug, Clone, Copy)]
struct Storing {
    backfill: Duration,
    keep_items: bool,
    budget: Duration,
}

/// Turns a fetch's result into one store transaction: items (decoded, parsed,
/// through the pipeline), fetch record and next due time.
fn settle(
    pipeline: &Pipeline,
    store: &Store,
    storing: Storing,
    mem: &FeedMemory,
    attempted: DateTime<Utc>,
    fetched: Result<Fetched, FetchError>,
    clock: Clock,
) -> Settled {
    let mut hints = Hints::default();
    let (items, mut record) = match fetched {
        Ok(f) if f.status == 304 => {
            hints.max_age = f.max_age;
            (Vec::new(), record(attempted, &f))
        }
        Ok(f) => {
            hints.max_age = f.max_age;
            let mut record = record(attempted, &f);
            match items::make(pipeline, store, &mem.feed, f, attempted, storing.budget) {
                Ok(made) => {
                    record.new_url = made.moved_to;
                    record.known = made.known;
                    hints.ttl = made.ttl;
                    (made.items, record)
                }
                Err(e) => {
                    record.error = Some(e);
                    (Vec::new(), record)
                }
            }
        }
        Err(e) => {
            hints.retry_after = e.retry_after();
            (Vec::new(), error_record(attempted, &e))
        }
    };
    // An error can quote what the server sent (a Location, a parser's view of
    // the body): stored and shown sanitized, on one line.
    record.error = record
        .error
        .map(|e| crate::pipeline::one_line(&crate::text::sanitize(&e)));
    let outcome = if record.gone {
        Outcome::Gone
    } else if record.error.is_some() {
        Outcome::Failed {
            streak: mem.failure_streak + 1,
        }
    } else {
        Outcome::Ok
    };
    let seed = seed_of(&mem.feed.name, attempted);
    record.next_due = schedule::next_due(clock.now(), mem.feed.interval, outcome, hints, seed);
    let not_modified = record.status == Some(304);
    let validators = (record.error.is_none() && !not_modified).then(|| Validators {
        etag: record.etag.clone(),
        last_modified: record.last_modified.clone(),
    });
    let (status, latency_ms, bytes, next_due, gone, error, moved_to, known) = (
        record.status,
        record.latency_ms,
        record.bytes,
        record.next_due,
        record.gone,
        record.error.clone(),
        record.new_url.clone(),
        record.known,
    );
    let pending = store.ingest(IngestBatch {
        feed: FeedRef {
            name: mem.feed.name.clone(),
            url: mem.feed.url.to_string(),
        },
        items,
        fetch: Some(record),
        alerts: AlertPolicy::Live {
            backfill: storing.backfill,
        },
        keep_items: storing.keep_items,
    });
    Settled {
        pending,
        status,
        latency_ms,
        bytes,
        next_due,
        gone,
        error,
        validators,
        moved_to,
        known,
    }
}

fn record(attempted: DateTime<Utc>, f: &Fetched) -> FetchRecord {
    FetchRecord {
        attempted,
        status: Some(f.status),
        error: None,
        latency_ms: f.latency.as_millis() as u64,
        bytes: f.body.len() as u64,
        etag: f.etag.clone(),
        last_modified: f.last_modified.clone(),
        next_due: None,
        new_url: None,
        gone: false,
        known: 0,
    }
}

impl Collector {
    /// Polls `feeds` once each, concurrently within the limits; results in the
    /// order they finished. Without `keep_items` the new items themselves are
    /// not kept (only their count), so memory does not grow with the number of
    /// items.
    pub async fn poll_all(
        self: &Arc<Self>,
        feeds: Vec<FeedMemory>,
        cancel: &CancellationToken,
        keep_items: bool,
    ) -> Vec<PollResult> {
        let tracker = TaskTracker::new();
        let (tx, mut rx) = mpsc::unbounded_channel();
        for mem in feeds {
            let me = self.clone();
            let tx = tx.clone();
            let cancel = cancel.clone();
            tracker.spawn(async move {
                if let Some(r) = me.poll(&mem, &cancel, keep_items).await {
                    let _ = tx.send(r);
                }
            });
        }
        drop(tx);
        tracker.close();
        let mut out = Vec::new();
        while let Some(r) = rx.recv().await {
            out.push(r);
        }
        tracker.wait().await;
        out
    }

    /// Runs until `cancel`: polls each feed when due, sends every outcome on
    /// `outcomes`, and polls at once what `refresh` asks for.
    pub async fn run(
        self: Arc<Self>,
        feeds: Vec<FeedMemory>,
        outcomes: mpsc::Sender<PollOutcome>,
        mut refresh: mpsc::Receiver<Refresh>,
        cancel: CancellationToken,
    ) {
        let tracker = TaskTracker::new();
        let mut feeds: HashMap<String, (FeedMemory, bool)> = feeds
            .into_iter()
            .map(|m| (m.feed.name.clone(), (m, false)))
            .collect();
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<(String, Option<PollResult>)>();
        if let Some(age) = self.settings.retention {
            tracker.spawn(super::retention::keep(
                self.store.clone(),
                age,
                cancel.clone(),
            ));
        }
        loop {
            let now = self.clock.now();
            let due: Vec<String> = feeds
                .iter()
                .filter(|(_, (m, busy))| !*busy && m.is_due(now))
                .map(|(n, _)| n.clone())
                .collect();
            for name in due {
                let Some((mem, busy)) = feeds.get_mut(&name) else {
                    continue;
                };
                *busy = true;
                let mem = mem.clone();
                let me = self.clone();
                let done = done_tx.clone();
                let cancel = cancel.clone();
                tracker.spawn(async move {
                    let r = me.poll(&mem, &cancel, true).await;
                    let _ = done.send((mem.feed.name.clone(), r));
                });
            }
            let next = feeds
                .values()
                .filter(|(m, busy)| !*busy && m.feed.enabled && !m.gone)
                .filter_map(|(m, _)| m.next_due)
                .min();
            let wait = next
                .map(|d| (d - self.clock.now()).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(Duration::from_secs(3600))
                .min(Duration::from_secs(3600));
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tokio::time::sleep(wait) => {}
                Some(r) = refresh.recv() => {
                    for (name, (m, _)) in feeds.iter_mut() {
                        if r == Refresh::All || r == Refresh::Feed(name.clone()) {
                            m.next_due = None;
                            if r != Refresh::All { m.gone = false; }
                        }
                    }
                }
                Some((name, r)) = done_rx.recv() => {
                    if let Some((m, busy)) = feeds.get_mut(&name) {
                        *busy = false;
                        // A cancelled poll (None) leaves the feed due.
                        if let Some(r) = r {
                            remember(m, &r);
                            if outcomes.send(r.outcome).await.is_err() {
                                // Nobody listens any more: stop.
                                cancel.cancel();
                            }
                        }
                    }
                }
            }
        }
        tracker.close();
        tracker.wait().await;
    }
}

/// Updates what the poller remembers after a poll.
pub fn remember(m: &mut FeedMemory, r: &PollResult) {
    m.next_due = r.next_due;
    m.gone |= r.gone;
    if let Some(v) = &r.validators {
        // Like the store: a missing validator keeps the one we had.
        if v.etag.is_some() {
            m.validators.etag = v.etag.clone();
        }
        if v.last_modified.is_some() {
            m.validators.last_modified = v.last_modified.clone();
        }
    }
    if let Some(u) = r.moved_to.as_deref().and_then(|u| url::Url::parse(u).ok()) {
        m.location = FeedLocation::Http(u);
    }
    if r.outcome.error.is_some() {
        m.failure_streak += 1;
    } else {
        m.failure_streak = 0;
    }
}

fn error_record(attempted: DateTime<Utc>, e: &FetchError) -> FetchRecord {
    FetchRecord {
        attempted,
        status: e.status(),
        error: Some(e.to_string()),
        gone: e.status() == Some(410),
        ..Default::default()
    }
}

fn seed_of(name: &str, at: DateTime<Utc>) -> u64 {
    let h = blake3::hash(format!("{name}\n{}", at.timestamp()).as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&h.as_bytes()[..8]);
    u64::from_le_bytes(b)
}
