//! The local store: one SQLite file in WAL mode. A single writer thread owns the
//! write connection and runs every write in an immediate transaction (several
//! callers' writes are group-committed, and while polls are on their way the
//! writer waits a moment to gather more; if one write fails, the others run
//! again each in a transaction of its own, so one failing write never takes
//! the others down); a write is acknowledged only after its commit. Readers
//! open their own connections (`Store::reader`).

mod aggregate;
mod backend;
mod canon;
mod health;
mod known;
mod labels;
pub mod location;
mod pages;
pub mod postgres;
mod prune;
mod query;
mod read;
mod reading;
mod schema;
mod search;
mod sources;
mod stories;
mod story_read;
mod unread;
mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use tokio::sync::oneshot;

pub use backend::Backend;
pub use canon::{ItemKeys, canonical_link, content_hash};
pub use health::Damage;
pub use known::ItemRef;
pub use location::{Location, PgUrl};
pub use prune::{Archive, Pruned, cutoff, prune};
pub use query::{Count, Cursor, ItemQuery, Seen, Toward};
pub use read::{AlertRow, DashRow, FeedState, Reader, Skipped, Summary};
pub use reading::{FILTER_NAME_MAX, MARK_PAGE, SavedFilter};
pub use sources::Sighting;
pub use story_read::{StoryQuery, StorySummary};
pub use unread::UnreadWalk;
pub use write::{AlertPolicy, FeedRef, FetchRecord, IngestBatch, IngestReport};

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(postgres::PgError),
    /// The file is not a sound store (see `health`): every command refuses it.
    #[error("{0}")]
    Damaged(Damage),
    #[error("{0}")]
    Io(String),
    #[error(
        "the store {path} has schema version {found}, newer than this marsad knows ({known}); upgrade marsad or use another --store"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("cannot create the store's folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("the commit failed: {0}")]
    Commit(String),
    #[error("the store's writer has stopped")]
    Closed,
    #[error("stored labels are not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        if health::is_damage(&e) {
            StoreError::Damaged(Damage::new(format!("SQLite says: {e}")))
        } else {
            StoreError::Sqlite(e)
        }
    }
}

impl From<::postgres::Error> for StoreError {
    fn from(e: ::postgres::Error) -> StoreError {
        StoreError::Postgres(e.into())
    }
}

impl StoreError {
    /// The damage, when this error is about a damaged store file.
    pub fn damage(&self) -> Option<&Damage> {
        match self {
            StoreError::Damaged(d) => Some(d),
            _ => None,
        }
    }

    /// The query was stopped (see [`Reader::stop_when`]).
    pub fn is_interrupted(&self) -> bool {
        matches!(self, StoreError::Sqlite(e)
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted))
    }
}

/// A write queued for the writer. It may run twice: the writes of a group run
/// together in one transaction, and when one of them fails the transaction is
/// rolled back and each runs again in a transaction of its own, so one failing
/// write never takes the others down (and the common case pays for no
/// savepoints).
trait Write: Send {
    /// Runs the write in the current transaction; false when it failed.
    fn run(&mut self, c: &Connection, deferred: &mut Deferred<'_>) -> bool;
    /// Answers the caller once the transaction is over: `commit` is the error
    /// that ended it, if any.
    fn answer(self: Box<Self>, commit: Option<&StoreError>);
    /// Whether the write may wait a little for others to share its commit (a
    /// feed's items may; what a keypress changes may not).
    fn patient(&self) -> bool;
}

type Job = Box<dyn Write>;

/// A write of `input`: `run` borrows it (and may run again), `finish` takes it
/// with what the last run returned, after the commit.
struct Task<I, M, R, F, G> {
    input: I,
    run: F,
    finish: G,
    done: Option<Result<M, StoreError>>,
    tx: oneshot::Sender<Answer<R>>,
    patient: bool,
}

/// What the writer sends back: the write's last step, which the caller runs on
/// its own thread. Building the answer from the input, and dropping the input
/// (allocated on the caller's side), are then kept off the writer's thread,
/// which is the one every write waits on.
type Answer<R> = Box<dyn FnOnce() -> Result<R, StoreError> + Send>;

impl<I, M, R, F, G> Write for Task<I, M, R, F, G>
where
    I: Send + 'static,
    M: Send + 'static,
    R: Send + 'static,
    F: Fn(&Connection, &mut Deferred<'_>, &I) -> Result<M, StoreError> + Send,
    G: FnOnce(I, M) -> R + Send + 'static,
{
    fn run(&mut self, c: &Connection, deferred: &mut Deferred<'_>) -> bool {
        let r = (self.run)(c, deferred, &self.input);
        if let Err(StoreError::Damaged(d)) = &r {
            deferred.damage = Some(d.clone());
        }
        let ok = r.is_ok();
        self.done = Some(r);
        ok
    }

    fn answer(self: Box<Self>, commit: Option<&StoreError>) {
        let Task {
            input,
            finish,
            done,
            tx,
            ..
        } = *self;
        let commit = commit.map(|e| StoreError::Commit(e.to_string()));
        let _ = tx.send(Box::new(move || match (commit, done) {
            (Some(e), _) => Err(e),
            (None, Some(Ok(m))) => Ok(finish(input, m)),
            (None, Some(Err(e))) => Err(e),
            (None, None) => Err(StoreError::Closed),
        }));
    }

    fn patient(&self) -> bool {
        self.patient
    }
}

/// What a group's writes leave for the end of its transaction: full-text
/// entries (FTS5 writes its pending terms out as a new segment at every
/// savepoint and commit, so they are added once per group, in one go) and
/// the changes to the aggregates; and the writer's label ids, kept across
/// transactions.
pub(super) struct Deferred<'a> {
    /// (item id, the batch's texts, where its search key lies in them) for
    /// `items_fts`.
    pub(super) fts: Vec<(i64, Arc<str>, write::Span)>,
    pub(super) deltas: aggregate::Deltas,
    pub(super) labels: &'a mut aggregate::LabelIds,
    /// The writer's story clustering, kept across transactions.
    pub(super) stories: &'a mut stories::Stories,
    /// A write found the file damaged: the writer writes nothing more.
    damage: Option<Damage>,
}

impl Deferred<'_> {
    fn flush(&mut self, c: &Connection) -> Result<(), StoreError> {
        self.deltas.flush(c)?;
        if self.fts.is_empty() {
            return Ok(());
        }
        let mut fts = c.prepare_cached("INSERT INTO items_fts (rowid, key) VALUES (?1, ?2)")?;
        for (id, texts, key) in self.fts.drain(..) {
            fts.execute(rusqlite::params![id, key.of(&texts)])?;
        }
        Ok(())
    }
}

/// A handle on the store; cheap to clone, shared by every task that writes.
#[derive(Clone)]
pub struct Store {
    path: PathBuf,
    jobs: mpsc::Sender<Job>,
    /// Writes announced and not queued yet (see [`Store::expect`]).
    expected: Arc<AtomicUsize>,
    /// Set by the writer when SQLite reports the file damaged: from then on
    /// it refuses every write, and commands stop with this message.
    damage: Arc<OnceLock<Damage>>,
}

/// A write on its way to the store (a feed being fetched and parsed). While
/// enough are held, the writer waits a little for them before it commits the
/// writes it has (see [`gather`]). Dropped once the write is queued, or given up.
pub struct Expected(Arc<AtomicUsize>);

impl Drop for Expected {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A write under way: `.wait()` blocks for it, `.await` waits asynchronously.
pub struct Pending<R>(oneshot::Receiver<Answer<R>>);

impl<R> Pending<R> {
    /// A write that failed before it reached the writer.
    fn failed(e: StoreError) -> Pending<R>
    where
        R: 'static,
    {
        let (tx, rx) = oneshot::channel();
        let answer: Answer<R> = Box::new(move || Err(e));
        let _ = tx.send(answer);
        Pending(rx)
    }

    pub fn wait(self) -> Result<R, StoreError> {
        self.0
            .blocking_recv()
            .map_or(Err(StoreError::Closed), |a| a())
    }
}

impl<R> std::future::IntoFuture for Pending<R>
where
    R: Send + 'static,
{
    type Output = Result<R, StoreError>;
    type IntoFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.0.await.map_or(Err(StoreError::Closed), |a| a()) })
    }
}

impl Store {
    /// Opens (creating if needed) the store at `path`, migrating its schema. A
    /// file that is there but is not a sound store (empty, not SQLite, damaged)
    /// is refused, never made into a new store.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        health::check_file(path)?;
        let mut conn = Connection::open(path)?;
        schema::prepare(&mut conn, &path.display().to_string())?;
        let (jobs, rx) = mpsc::channel::<Job>();
        let expected = Arc::new(AtomicUsize::new(0));
        let coming = expected.clone();
        let damage = Arc::new(OnceLock::new());
        let found = damage.clone();
        std::thread::Builder::new()
            .name("marsad-store-writer".into())
            .spawn(move || writer_loop(conn, rx, &coming, &found))
            .map_err(|e| StoreError::Commit(format!("cannot start the writer thread: {e}")))?;
        Ok(Store {
            path: path.to_path_buf(),
            jobs,
            expected,
            damage,
        })
    }

    /// `PRAGMA integrity_check` of the store file at `path`, read-only.
    pub fn check(path: &Path) -> Result<(), StoreError> {
        health::integrity_check(path)
    }

    /// The damage the writer found, if SQLite reported the file damaged.
    pub fn damaged(&self) -> Option<&Damage> {
        self.damage.get()
    }

    /// Announces a write to come: see [`Expected`].
    pub fn expect(&self) -> Expected {
        self.expected.fetch_add(1, Ordering::AcqRel);
        Expected(self.expected.clone())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A new read connection.
    pub fn reader(&self) -> Result<Reader, StoreError> {
        Reader::open(&self.path)
    }

    /// Runs `f` in the writer, inside a transaction; the result arrives after
    /// commit. `f` may run twice (see `Write`).
    fn submit<R, F>(&self, f: F) -> Pending<R>
    where
        R: Send + 'static,
        F: Fn(&Connection, &mut Deferred<'_>) -> Result<R, StoreError> + Send + 'static,
    {
        self.submit_task((), move |c, d, _: &()| f(c, d), |_, r| r, false)
    }

    /// Queues a write of `input` (see `Task`).
    fn submit_task<I, M, R, F, G>(&self, input: I, run: F, finish: G, patient: bool) -> Pending<R>
    where
        I: Send + 'static,
        M: Send + 'static,
        R: Send + 'static,
        F: Fn(&Connection, &mut Deferred<'_>, &I) -> Result<M, StoreError> + Send + 'static,
        G: FnOnce(I, M) -> R + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(Task {
            input,
            run,
            finish,
            done: None,
            tx,
            patient,
        });
        // If the writer is gone the receiver yields Closed.
        let _ = self.jobs.send(job);
        Pending(rx)
    }

    /// Stores a feed's (or the seeds') new items, its fetch state and the alerts
    /// they fire, all in one transaction. The items' keys (canonical link, hash,
    /// search key) are computed here, on the caller's thread, so the one writer
    /// only writes: call it from a blocking context for large batches.
    pub fn ingest(&self, batch: IngestBatch) -> Pending<IngestReport> {
        match write::prepare(batch) {
            Ok(prepared) => self.submit_task(prepared, write::ingest, write::report, true),
            Err(e) => Pending::failed(e.into()),
        }
    }

    /// Makes sure every configured feed has its row, and updates changed URLs.
    pub fn sync_feeds(&self, feeds: Vec<FeedRef>) -> Pending<()> {
        self.submit(move |c, _| write::sync_feeds(c, &feeds))
    }

    pub fn mark_read(&self, items: Vec<crate::model::ItemId>, read: bool) -> Pending<usize> {
        self.submit(move |c, d| write::mark_read(c, d, &items, read))
    }

    /// Acknowledges fired alerts: those of the given items, or all with `None`.
    pub fn acknowledge(&self, items: Option<Vec<crate::model::ItemId>>) -> Pending<usize> {
        self.submit(move |c, _| write::acknowledge(c, items.as_deref()))
    }

    /// Turns story clustering at ingest on (with these settings) or off.
    /// On by default, with the shipped settings.
    pub fn set_stories(&self, params: Option<crate::stories::Params>) -> Pending<()> {
        self.submit(move |_, d| {
            d.stories.set(params.clone());
            Ok(())
        })
    }

    /// Deletes items; their keys stay as tombstones so re-ingesting never brings
    /// them back.
    pub fn delete(&self, items: Vec<crate::model::ItemId>) -> Pending<usize> {
        self.submit(move |c, d| write::delete(c, d, &items))
    }
}

/// The writer's page cache, in KiB: SQLite's default until the store is large.
const CACHE_MIN_KIB: i64 = 2000;
const CACHE_MAX_KIB: i64 = 16 * 1024;

/// Grows the writer's page cache with the store, to a sixth of its size (2 MB up
/// to 16 MB). New items insert at random places in the unique-key, date and
/// search indexes, so each transaction dirties pages all over them; with a cache
/// much smaller than the indexes, SQLite spills dirty pages to the WAL in the
/// middle of a transaction and reads them back. Ingesting 100,000 items took
/// 142,000 page reads and 215,000 page writes with the default cache, 38,000
/// and 120,000 with this one. A small store keeps the small cache, and its
/// small footprint; the writer shrinks it again when idle (`writer_loop`).
fn fit_cache(conn: &Connection, kib: &mut i64) {
    let bytes: i64 = conn
        .query_row(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0);
    let want = (bytes / 1024 / 6).clamp(CACHE_MIN_KIB, CACHE_MAX_KIB);
    // Grow in steps of a quarter at least: each change is a statement.
    let grow = want > *kib + *kib / 4 || (want == CACHE_MAX_KIB && *kib < CACHE_MAX_KIB);
    if grow && conn.pragma_update(None, "cache_size", -want).is_ok() {
        *kib = want;
    }
}

fn writer_loop(
    mut conn: Connection,
    rx: mpsc::Receiver<Job>,
    expected: &AtomicUsize,
    damage: &OnceLock<Damage>,
) {
    let mut cache_kib = CACHE_MIN_KIB;
    let mut kept = Kept::default();
    loop {
        // A large cache is given back after a second without writes: a
        // dashboard's writer sees a burst at start and small polls after.
        let first = if cache_kib > CACHE_MIN_KIB {
            match rx.recv_timeout(Duration::from_secs(1)) {
                Ok(j) => j,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if conn
                        .pragma_update(None, "cache_size", -CACHE_MIN_KIB)
                        .is_ok()
                    {
                        cache_kib = CACHE_MIN_KIB;
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(j) => j,
                Err(_) => break,
            }
        };
        let batch = gather(first, &rx, expected);
        if let Some(d) = damage.get() {
            // A damaged file is not written further.
            let refused = StoreError::Damaged(d.clone());
            for job in batch {
                job.answer(Some(&refused));
            }
            continue;
        }
        if let Some(d) = run_group(&mut conn, &mut kept, batch) {
            tracing::error!(damage = %d, "the store is damaged: writes stop");
            let _ = damage.set(d);
        }
        fit_cache(&conn, &mut cache_kib);
    }
}

/// The most writes in one transaction.
const GROUP: usize = 64;

/// The writes to commit together, from `first` on: those already queued and,
/// while all of them are patient and enough more are expected to make
/// [`GATHER`], those that arrive within [`LINGER`] of the first.
///
/// Each commit writes to the WAL every page its inserts touched, and new items
/// touch pages all over the random-key indexes (content hash, canonical link,
/// guid, date): fewer, larger commits write much less (270 MB instead of
/// 430–480 MB when ingesting 100,000 items), and while the writer waits, the
/// threads that parse have the CPU. When too few writes are coming to fill a
/// group (the end of a round of polls), the writer does not wait: the last
/// polls' commits are not held back behind them.
fn gather(first: Job, rx: &mpsc::Receiver<Job>, expected: &AtomicUsize) -> Vec<Job> {
    let start = Instant::now();
    let mut patient = first.patient();
    let mut batch = vec![first];
    loop {
        while batch.len() < GROUP {
            match rx.try_recv() {
                Ok(j) => {
                    patient &= j.patient();
                    batch.push(j);
                }
                Err(_) => break,
            }
        }
        let waited = start.elapsed();
        if !patient
            || batch.len() >= GATHER
            || waited >= LINGER
            || batch.len() + expected.load(Ordering::Acquire) < GATHER
        {
            return batch;
        }
        // In short steps: a write given up (a cancelled fetch) sends nothing.
        match rx.recv_timeout(STEP.min(LINGER - waited)) {
            Ok(j) => {
                patient &= j.patient();
                batch.push(j);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return batch,
        }
    }
}

/// Writes the writer waits for before it commits (when so many are coming).
const GATHER: usize = 8;
/// The longest the first write of a group waits for the others.
const LINGER: Duration = Duration::from_millis(50);
/// How long the writer sleeps at a time while it waits.
const STEP: Duration = Duration::from_millis(5);

/// Runs a group of writes in one transaction and answers each; if one fails,
/// runs them again one by one, each in its own transaction. Returns the damage
/// SQLite reported, if it did: the writes not yet run are then refused.
fn run_group(conn: &mut Connection, kept: &mut Kept, mut batch: Vec<Job>) -> Option<Damage> {
    let failed = match together(conn, kept, &mut batch) {
        Ok(()) => None,
        Err(Failed::Damaged(d)) => Some(StoreError::Damaged(d)),
        Err(Failed::Write) if batch.len() > 1 => {
            let mut damage = None;
            for mut job in batch {
                let failed = match &damage {
                    Some(d) => Some(StoreError::Damaged(Clone::clone(d))),
                    None => match together(conn, kept, std::slice::from_mut(&mut job)) {
                        Err(Failed::Store(e)) => Some(e),
                        Err(Failed::Damaged(d)) => {
                            damage = Some(d.clone());
                            Some(StoreError::Damaged(d))
                        }
                        _ => None,
                    },
                };
                job.answer(failed.as_ref());
            }
            return damage;
        }
        // A lone write that failed: rolled back, and its own error answers.
        Err(Failed::Write) => None,
        Err(Failed::Store(e)) => Some(e),
    };
    if let Some(e) = &failed {
        tracing::error!(error = %e, "store commit failed");
    }
    for job in batch {
        job.answer(failed.as_ref());
    }
    failed.and_then(|e| e.damage().cloned())
}

/// Why a transaction did not commit.
enum Failed {
    /// A write failed (its error is its answer); everything was rolled back.
    Write,
    /// SQLite reported the file damaged; everything was rolled back.
    Damaged(Damage),
    /// The transaction itself failed.
    Store(StoreError),
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Failed {
        match e {
            StoreError::Damaged(d) => Failed::Damaged(d),
            e => Failed::Store(e),
        }
    }
}

/// Runs `jobs` in one immediate transaction and commits; rolls back on
/// failure, and then forgets the label ids, which may name labels undone,
/// and the story state, which may hold items undone.
fn together(conn: &mut Connection, kept: &mut Kept, jobs: &mut [Job]) -> Result<(), Failed> {
    let r = attempt(conn, kept, jobs);
    if r.is_err() {
        kept.labels.clear();
        kept.stories.forget();
    }
    r
}

/// What the writer keeps across transactions.
#[derive(Default)]
struct Kept {
    labels: aggregate::LabelIds,
    stories: stories::Stories,
}

fn attempt(conn: &mut Connection, kept: &mut Kept, jobs: &mut [Job]) -> Result<(), Failed> {
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(|e| Failed::from(StoreError::from(e)))?;
    let mut deferred = Deferred {
        fts: Vec::new(),
        deltas: aggregate::Deltas::default(),
        labels: &mut kept.labels,
        stories: &mut kept.stories,
        damage: None,
    };
    for job in jobs.iter_mut() {
        if !job.run(&tx, &mut deferred) {
            // Dropping the transaction rolls it back.
            return Err(match deferred.damage.take() {
                Some(d) => Failed::Damaged(d),
                None => Failed::Write,
            });
        }
    }
    deferred.flush(&tx)?;
    tx.commit().map_err(|e| Failed::from(StoreError::from(e)))
}
