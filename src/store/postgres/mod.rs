//! The team store on PostgreSQL: the same store as the SQLite file, for many
//! collectors and many dashboards at once. Connections come from the URL
//! (`super::Location`); TLS by rustls only when the URL asks for it.
//!
//! rust-postgres's synchronous client is used, as rusqlite is: the store's
//! writer and readers are threads of their own (or `spawn_blocking`), never
//! async tasks, where its own runtime could not block.

pub mod schema;

use std::time::Duration;

use postgres::{Client, NoTls};

use super::StoreError;
use super::location::PgUrl;

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
