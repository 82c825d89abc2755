//! Loading the store into the dashboard: the newest page at once (the first
//! frame needs no more), the older pages in a blocking task sending each page
//! of items to the app as a `Backfill` event.

use tokio::sync::mpsc;

use super::Event;
use super::items::Taxonomy;
use crate::model::ItemId;
use crate::store::{DashRow, Skipped, Store, StoreError};

/// Items in the first page, shown in the first frame.
pub const FIRST_PAGE: usize = 5_000;
/// Items per background page.
pub const PAGE: usize = 5_000;

/// The newest page and the rows in it that could not be read (skipped, see
/// [`Skipped`]); `None` as the continuation when there is nothing more.
pub fn first_page(store: &Store) -> Result<FirstPage, StoreError> {
    let reader = store.reader()?;
    let rows = reader.dashboard_page(None, FIRST_PAGE)?;
    let skipped = reader.take_skipped();
    let more = (rows.len() + skipped.len() >= FIRST_PAGE)
        .then(|| rows.last().map(|r| r.id))
        .flatten();
    Ok((rows, more, skipped))
}

/// See [`first_page`].
pub type FirstPage = (Vec<DashRow>, Option<ItemId>, Vec<Skipped>);

/// The status line that names skipped rows.
pub fn skipped_status(skipped: &[Skipped]) -> Option<String> {
    let first = skipped.first()?;
    Some(match skipped.len() - 1 {
        0 => format!("skipped: {first}"),
        n => format!("skipped: {first}, and {n} more (see the log)"),
    })
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
            let skipped = reader.take_skipped();
            if let Some(msg) = skipped_status(&skipped) {
                let _ = events.blocking_send(Event::Stored(Err(msg)));
            }
            let done = page.len() + skipped.len() < PAGE;
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
