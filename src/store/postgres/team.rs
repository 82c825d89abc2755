//! What only a team store does: feeds leased to one collector at a time,
//! and dashboards told of each committed batch.
//!
//! A collector leases the feeds that are due (`next_due` passed, on the
//! server's clock) and not leased by another, for `lease` milliseconds; the
//! poll's fetch record (`ingest` with a `FetchRecord`) sets the next due
//! time and ends the lease, so a feed is polled once per interval however
//! many collectors run. A collector that dies keeps its leases until they
//! run out; then the others take its feeds. Leases are handed out one
//! collector at a time (a transaction-scoped advisory lock), so the
//! per-host limit holds across the team: a host never has more than
//! `per_host` feeds leased at once.
//!
//! Every batch that stores new items or records a poll sends one
//! notification on [`CHANNEL`] as it commits (PostgreSQL delivers it only
//! then, and only once per transaction for equal payloads): a few bytes
//! that say what to read again, never the items.

use postgres::Transaction;

use super::super::StoreError;

/// The channel dashboards LISTEN on.
pub const CHANNEL: &str = "marsad";

/// The advisory lock key leasing holds ("marsad" in ASCII, and a 2).
const LEASE_LOCK: i64 = 0x6d61_7273_6164_0002;

/// The server's clock in milliseconds, in SQL.
pub(super) const NOW_MS: &str = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/// A feed leased to a collector: what it needs to poll it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub name: String,
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// When the lease runs out, in milliseconds on the server's clock.
    pub until: i64,
}

/// Leases to `collector` up to `limit` due feeds for `lease_ms`, the most
/// overdue first, at most `per_host` leased per host across the team.
pub(super) fn lease(
    tx: &mut Transaction<'_>,
    collector: &str,
    limit: usize,
    per_host: usize,
    lease_ms: i64,
) -> Result<Vec<Lease>, StoreError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LEASE_LOCK])?;
    let limit = limit.min(i64::MAX as usize) as i64;
    let per_host = per_host.max(1).min(i64::MAX as usize) as i64;
    let sql = format!(
        "WITH now AS (SELECT {NOW_MS} AS t),
         busy AS (
            SELECT f.host, count(*) AS n FROM feeds f, now
            WHERE f.lease_until > now.t GROUP BY f.host),
         due AS (
            SELECT f.id, coalesce(f.next_due, 0) AS due,
                   row_number() OVER (PARTITION BY f.host ORDER BY coalesce(f.next_due, 0), f.id)
                     + coalesce(b.n, 0) AS place
            FROM feeds f CROSS JOIN now LEFT JOIN busy b ON b.host = f.host
            WHERE NOT f.gone AND coalesce(f.next_due, 0) <= now.t
              AND coalesce(f.lease_until, 0) <= now.t),
         pick AS (
            SELECT id FROM due WHERE place <= $3 ORDER BY due, id LIMIT $2)
         UPDATE feeds f SET leased_by = $1, lease_until = (SELECT t FROM now) + $4
         FROM pick WHERE f.id = pick.id
         RETURNING f.name, f.url, f.etag, f.last_modified, f.lease_until"
    );
    let rows = tx.query(&sql, &[&collector, &limit, &per_host, &lease_ms])?;
    let mut out: Vec<Lease> = rows
        .iter()
        .map(|r| Lease {
            name: r.get(0),
            url: r.get(1),
            etag: r.get(2),
            last_modified: r.get(3),
            until: r.get(4),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Gives back the leases `collector` holds (a collector stopping), so the
/// others need not wait for them to run out; how many.
pub(super) fn release(tx: &mut Transaction<'_>, collector: &str) -> Result<usize, StoreError> {
    let n = tx.execute(
        "UPDATE feeds SET leased_by = NULL, lease_until = NULL WHERE leased_by = $1",
        &[&collector],
    )?;
    Ok(n as usize)
}

/// What a committed transaction changed, as dashboards are told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// New items, the newest with this id (read what is new by id).
    Items { max_id: i64 },
    /// Feed health only (a poll that found nothing new, or failed).
    Feeds,
    /// One analyst's read marks or acknowledgements.
    Marks { user: String },
    /// A payload this marsad does not know (a newer marsad's): read
    /// everything again.
    Unknown(String),
}

impl Change {
    pub fn payload(&self) -> String {
        match self {
            Change::Items { max_id } => format!("items {max_id}"),
            Change::Feeds => "feeds".to_string(),
            Change::Marks { user } => format!("marks {user}"),
            Change::Unknown(p) => p.clone(),
        }
    }

    /// The change a payload names.
    pub fn parse(payload: &str) -> Change {
        let known = match payload.split_once(' ') {
            Some(("items", id)) => id.parse().ok().map(|max_id| Change::Items { max_id }),
            Some(("marks", user)) => Some(Change::Marks {
                user: user.to_string(),
            }),
            None if payload == "feeds" => Some(Change::Feeds),
            _ => None,
        };
        known.unwrap_or_else(|| Change::Unknown(payload.to_string()))
    }
}

/// Tells dashboards of `change` when the transaction commits.
pub(super) fn notify(tx: &mut Transaction<'_>, change: &Change) -> Result<(), StoreError> {
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &change.payload()])?;
    Ok(())
}

/// A dashboard's ear on the store: its own connection, LISTENing on
/// [`CHANNEL`].
pub struct Listener {
    client: postgres::Client,
}

impl Listener {
    pub(super) fn new(mut client: postgres::Client) -> Result<Listener, StoreError> {
        client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        Ok(Listener { client })
    }

    /// Waits up to `timeout` for the next change, then takes every other
    /// one already there; in the order they were committed. Empty when
    /// nothing came.
    pub fn wait(&mut self, timeout: std::time::Duration) -> Result<Vec<Change>, StoreError> {
        use postgres::fallible_iterator::FallibleIterator as _;
        let mut out = Vec::new();
        let mut notes = self.client.notifications();
        let first = notes.timeout_iter(timeout).next()?;
        if let Some(n) = first {
            out.push(Change::parse(n.payload()));
            let mut more = notes.iter();
            while let Some(n) = more.next()? {
                out.push(Change::parse(n.payload()));
            }
        }
        Ok(out)
    }
}
