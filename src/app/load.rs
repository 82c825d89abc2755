//! Loading the store into the dashboard: the newest page at once (the first
//! frame needs no more), the older pages in a blocking task sending each page
//! of items to the app as a `Backfill` event.

use tokio::sync::mpsc;

use super::Event;
use super::items::Taxonomy;
use crate::model::ItemId;
use crate::store::{DashRow, Store, StoreError};

/// Items in the first page, shown in the first frame.
pub const FIRST_PAGE: usize = 5_000;
/// Items per background page.
pub const PAGE: usize = 5_000;

/// The newest page; `None` as the continuation when there is nothing more.
pub fn first_page(store: &Store) -> Result<(Vec<DashRow>, Option<ItemId>), StoreError> {
    let rows = store.reader()?.dashboard_page(None, FIRST_PAGE)?;
    let more = (rows.len() == FIRST_PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok((rows, more))
}

/// Loads every item below `below`, page by page, in a blocking task.
pub fn spawn_backfill(
    store: Store,
    taxonomy: Taxonomy,
    below: ItemId,
    events: mpsc::Sender<Event>,
) {
    let runtime = tokio::runtime::Handle::current();
    let turns = std::sync::Arc::new(tokio::sync::Semaphore::new(1));
    tokio::task::spawn_blocking(move || {
        let reader = match store.reader() {
            Ok(r) => r,
            Err(e) => {
                let _ = events
                    .blocking_send(Event::Stored(Err(format!("cannot load older items: {e}"))));
                let _ = events.blocking_send(Event::Backfill(Vec::new(), true, None));
                return;
            }
        };
        let mut below = below;
        loop {
            // Wait until the app has taken the previous page.
            let Ok(permit) = runtime.block_on(turns.clone().acquire_owned()) else {
                return;
            };
            let page = match reader.dashboard_page(Some(below), PAGE) {
                Ok(p) => p,
                Err(e) => {
                    let _ = events
                        .blocking_send(Event::Stored(Err(format!("cannot load older items: {e}"))));
                    let _ = events.blocking_send(Event::Backfill(Vec::new(), true, None));
                    return;
                }
            };
            let done = page.len() < PAGE;
            if let Some(last) = page.last() {
                below = last.id;
            }
            let items = page
                .into_iter()
                .map(|r| taxonomy.item_from_row(r))
                .collect();
            if events
                .blocking_send(Event::Backfill(items, done, Some(permit)))
                .is_err()
                || done
            {
                return;
            }
        }
    });
}
