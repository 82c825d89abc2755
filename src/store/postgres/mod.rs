//! The team store on PostgreSQL: the same store as the SQLite file, for many
//! collectors and many dashboards at once. Connections come from the URL
//! (`super::Location`); TLS by rustls only when the URL asks for it.
//!
//! rust-postgres's synchronous client is used, as rusqlite is: the store's
//! writer and readers are threads of their own (or `spawn_blocking`), never
//! async tasks, where its own runtime could not block.

mod read;
pub mod schema;
mod sources;
mod team;
mod write;

pub use team::{CHANNEL, Change, Lease, Listener};
pub use write::host_of;

use std::sync::Mutex;
use std::time::Duration;

use postgres::{Client, NoTls, Transaction};

use super::location::PgUrl;
use super::read::{AlertRow, FeedState};
use super::write::{FeedRef, IngestBatch, IngestReport};
use super::{ItemQuery, StoreError};
use crate::model::{ItemId, StoredItem};

/// What PostgreSQL said, with its SQLSTATE when the server said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgError {
    pub message: String,
    pub code: Option<String>,
}

impl std::fmt::Display for PgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<postgres::Error> for PgError {
    fn from(e: postgres::Error) -> PgError {
        let code = e.code().map(|c| c.code().to_string());
        let message = match e.as_db_error() {
            Some(db) => {
                let mut m = format!("{}: {}", db.severity(), db.message());
                if let Some(d) = db.detail() {
                    m.push_str(&format!(" ({d})"));
                }
                m
            }
            None => {
                // The error and its causes ("error connecting to server:
                // Connection refused").
                let mut m = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    let s = s.to_string();
                    if !m.contains(&s) {
                        m.push_str(": ");
                        m.push_str(&s);
                    }
                    source = s_next(source);
                }
                m
            }
        };
        PgError { message, code }
    }
}

fn s_next<'a>(
    e: Option<&'a (dyn std::error::Error + 'static)>,
) -> Option<&'a (dyn std::error::Error + 'static)> {
    e.and_then(std::error::Error::source)
}

impl PgError {
    /// A transaction that failed only for another's sake (deadlock,
    /// serialization): running it again is right.
    pub fn is_retryable(&self) -> bool {
        matches!(self.code.as_deref(), Some("40P01" | "40001"))
    }
}

/// How long a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A new connection to the store's database. Errors name the store redacted.
pub fn connect(url: &PgUrl) -> Result<Client, StoreError> {
    let mut config: postgres::Config = url
        .secret()
        .parse()
        .map_err(|e: postgres::Error| StoreError::Io(format!("{url}: {}", PgError::from(e))))?;
    if config.get_application_name().is_none() {
        config.application_name("marsad");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    let client = if url.wants_tls() {
        // Mozilla's roots, built in: nothing is read from the system.
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let tls = tokio_postgres_rustls::MakeRustlsConnect::new(
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| StoreError::Io(format!("TLS: {e}")))?
                .with_root_certificates(roots)
                .with_no_client_auth(),
        );
        config.connect(tls)
    } else {
        config.ssl_mode(postgres::config::SslMode::Disable);
        config.connect(NoTls)
    };
    client.map_err(|e| StoreError::Io(format!("cannot connect to {url}: {}", PgError::from(e))))
}

/// Connects and brings the schema up to date: what opening the store does
/// first.
pub fn open(url: &PgUrl) -> Result<Client, StoreError> {
    let mut c = connect(url)?;
    schema::prepare(&mut c, &url.redacted())?;
    Ok(c)
}

/// Whether the database answers and holds a marsad store of a version this
/// marsad knows (`marsad check --store`), without creating or migrating it.
pub fn check(url: &PgUrl) -> Result<i64, StoreError> {
    let mut c = connect(url)?;
    let v = schema::version(&mut c)?;
    if v > schema::VERSION {
        return Err(StoreError::TooNew {
            path: url.redacted(),
            found: v,
            known: schema::VERSION,
        });
    }
    Ok(v)
}

/// The longest analyst's name: it keys their marks and travels in
/// notifications, far under PostgreSQL's 8,000-byte payload limit.
pub const USER_MAX: usize = 64;

/// An analyst's name: 1 to [`USER_MAX`] bytes, no control character or
/// space.
pub fn check_user(user: &str) -> Result<(), StoreError> {
    if user.is_empty()
        || user.len() > USER_MAX
        || user.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(StoreError::Io(format!(
            "the user name must be 1 to {USER_MAX} bytes with no space or control character"
        )));
    }
    Ok(())
}

/// The longest lease: a year.
const LEASE_MAX_MS: i64 = 366 * 24 * 3_600_000;

/// How many times a write that failed only for another's sake (a deadlock
/// between collectors bringing the same items in another order, a
/// serialization failure) is run again.
const RETRIES: usize = 8;

/// A PostgreSQL store as one analyst (`user`) uses it: what fired and what
/// was fetched is the team's; read marks and acknowledgements are theirs.
/// One connection, used by one call at a time; a process wanting more
/// opens more.
pub struct PgStore {
    url: PgUrl,
    user: String,
    client: Mutex<Client>,
}

impl PgStore {
    /// Connects, migrating the schema first if it is older.
    pub fn open(url: &PgUrl, user: &str) -> Result<PgStore, StoreError> {
        check_user(user)?;
        Ok(PgStore {
            url: url.clone(),
            user: user.to_string(),
            client: Mutex::new(open(url)?),
        })
    }

    /// The store, redacted.
    pub fn url(&self) -> &PgUrl {
        &self.url
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    fn client(&self) -> std::sync::MutexGuard<'_, Client> {
        // A panic while holding the connection leaves it as a dropped
        // transaction does: rolled back.
        self.client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` in a transaction, again when it failed only for another's
    /// sake.
    fn write<R>(
        &self,
        mut f: impl FnMut(&mut Transaction<'_>) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let mut c = self.client();
        let mut attempt = 0;
        loop {
            let mut tx = c.transaction()?;
            let r = f(&mut tx).and_then(|r| {
                tx.commit()?;
                Ok(r)
            });
            match r {
                Err(StoreError::Postgres(e)) if e.is_retryable() && attempt < RETRIES => {
                    attempt += 1;
                    tracing::debug!(store = %self.url, attempt, error = %e, "write retried");
                }
                r => return r,
            }
        }
    }

    pub fn ingest(&self, batch: &IngestBatch) -> Result<IngestReport, StoreError> {
        self.write(|tx| write::ingest(tx, batch))
    }

    pub fn sync_feeds(&self, feeds: &[FeedRef]) -> Result<(), StoreError> {
        self.write(|tx| write::sync_feeds(tx, feeds))
    }

    pub fn mark_read(&self, items: &[ItemId], read: bool) -> Result<usize, StoreError> {
        self.write(|tx| write::mark_read(tx, &self.user, items, read))
    }

    pub fn acknowledge(&self, items: Option<&[ItemId]>) -> Result<usize, StoreError> {
        self.write(|tx| write::acknowledge(tx, &self.user, items))
    }

    pub fn item(&self, id: ItemId) -> Result<Option<StoredItem>, StoreError> {
        read::item_by_id(&mut self.client(), &self.user, id)
    }

    pub fn items(&self, q: &ItemQuery) -> Result<Vec<StoredItem>, StoreError> {
        read::items(&mut self.client(), &self.user, q)
    }

    pub fn count(&self) -> Result<i64, StoreError> {
        read::count(&mut self.client())
    }

    pub fn feeds(&self) -> Result<Vec<FeedState>, StoreError> {
        read::feeds(&mut self.client())
    }

    pub fn alerts(&self, open_only: bool, limit: usize) -> Result<Vec<AlertRow>, StoreError> {
        read::alerts(&mut self.client(), &self.user, open_only, limit)
    }
}

/// What only a team store does: leases for collectors, notices for
/// dashboards (see `team`).
impl PgStore {
    /// Leases to `collector` up to `limit` feeds that are due and not leased
    /// by another, for `lease`, at most `per_host` leased per host across
    /// the team. The poll's fetch record (an ingest with a `FetchRecord`)
    /// ends the lease.
    pub fn lease(
        &self,
        collector: &str,
        limit: usize,
        per_host: usize,
        lease: Duration,
    ) -> Result<Vec<Lease>, StoreError> {
        let ms = i64::try_from(lease.as_millis())
            .unwrap_or(i64::MAX)
            .clamp(1, LEASE_MAX_MS);
        self.write(|tx| team::lease(tx, collector, limit, per_host, ms))
    }

    /// Gives back every lease `collector` holds; how many.
    pub fn release(&self, collector: &str) -> Result<usize, StoreError> {
        self.write(|tx| team::release(tx, collector))
    }

    /// A new connection that hears of every committed change.
    pub fn listener(url: &PgUrl) -> Result<Listener, StoreError> {
        Listener::new(connect(url)?)
    }
}
