//! The collector's retention: with `settings.retention` set, the items older
//! than it are pruned when the collector starts and every hour after, off the
//! async threads, a page at a time (see `store::prune`), stopping between
//! pages once the collector is cancelled.

use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use crate::store::Store;

/// How often the collector prunes.
pub const EVERY: Duration = Duration::from_secs(3600);

/// Prunes the items of `store` older than `age` once.
pub async fn prune_once(store: &Store, age: Duration, cancel: &CancellationToken) {
    let (store, c) = (store.clone(), cancel.clone());
    let cutoff = crate::store::cutoff(Utc::now(), age);
    let job = tokio::task::spawn_blocking(move || {
        crate::store::prune(&store, cutoff, None, &|| c.is_cancelled())
    });
    match job.await {
        Ok(Ok(p)) if p.items > 0 => {
            tracing::info!(items = p.items, cutoff = %cutoff, "pruned by settings.retention");
        }
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::warn!("cannot prune by settings.retention: {e:#}"),
        Err(e) => tracing::warn!("the prune stopped: {e}"),
    }
}

/// Prunes now and every [`EVERY`] until `cancel`.
pub async fn keep(store: Store, age: Duration, cancel: CancellationToken) {
    loop {
        prune_once(&store, age, &cancel).await;
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
