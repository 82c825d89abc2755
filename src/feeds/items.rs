//! A fetched body made into the items to store: decoded, parsed, the items the
//! store holds already set aside (a feed repeats most of its items at every
//! poll, and they are not made into text and classified again), and the rest
//! through the text pipeline, each within a time limit, so that no item can
//! hold a poll: one whose text is not made in time is stored with its title
//! and a note, and being stored, is not tried again.

use std::cell::RefCell;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::fetch::Fetched;
use super::{decode, parse};
use crate::config::{FeedConfig, FeedLocation};
use crate::model::NewItem;
use crate::pipeline::{Pipeline, clean_key};
use crate::store::{ItemRef, Reader, Store};

/// The CPU time an item's HTML may take to become text, for each MB of it (a
/// fragment of one slice, 4 KiB, is made whatever it takes). A release build
/// makes text at about 0.04 s of CPU a MB, so this is for HTML built to be
/// slow, with a margin of ten; an unoptimized build is ten times slower, and
/// gets ten times more. CPU time, not time on the clock: on a busy machine
/// (the workers run at a low priority) an item is not cut for waiting its
/// turn.
const ITEM_CPU_PER_MB: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(5)
} else {
    Duration::from_millis(500)
};

/// What a fetched body gave.
pub struct Made {
    /// The items to store, through the pipeline.
    pub items: Vec<NewItem>,
    /// Items the store held already, left out of `items`.
    pub known: usize,
    /// The feed's `<ttl>`.
    pub ttl: Option<Duration>,
    /// The feed moved permanently here.
    pub moved_to: Option<String>,
}

/// Decodes and parses `f`, and runs the items `store` does not hold yet
/// through the pipeline, all within `budget` on the clock and each item
/// within its CPU time (an item's text past either is the pipeline's note).
/// CPU work: run it on a worker thread.
pub fn make(
    pipeline: &Pipeline,
    store: &Store,
    feed: &FeedConfig,
    f: Fetched,
    fetched: DateTime<Utc>,
    budget: Duration,
) -> Result<Made, String> {
    let poll_deadline = Instant::now() + budget;
    let text = decode::decode(&f.body, f.charset.as_deref()).text;
    drop(f.body);
    let base = match (&f.final_url, &feed.url) {
        (Some(u), _) => Some(u.to_string()),
        (None, FeedLocation::Http(u)) => Some(u.to_string()),
        (None, FeedLocation::File(p)) => url::Url::from_file_path(p).ok().map(|u| u.to_string()),
    };
    let parsed = parse::parse(&text, base.as_deref(), &feed.name).map_err(|e| e.to_string())?;
    drop(text);
    let keys: Vec<(Option<String>, Option<String>)> = parsed
        .items
        .iter()
        .map(|i| (clean_key(i.guid.clone()), clean_key(i.link.clone())))
        .collect();
    let refs: Vec<ItemRef<'_>> = keys
        .iter()
        .map(|(guid, link)| ItemRef {
            guid: guid.as_deref(),
            link: link.as_deref(),
        })
        .collect();
    let held = known(store, &feed.name, &refs);
    let mut made = Made {
        items: Vec::new(),
        known: 0,
        ttl: parsed.ttl,
        moved_to: f.moved_to.map(|u| u.to_string()),
    };
    for (inc, held) in parsed.items.into_iter().zip(held) {
        if held {
            made.known += 1;
            continue;
        }
        let size = inc.title.len() + inc.body.len();
        let allowed = ITEM_CPU_PER_MB.mul_f64(size as f64 / 1e6);
        let started = thread_cpu_time();
        let out_of_time = || {
            Instant::now() >= poll_deadline || thread_cpu_time().saturating_sub(started) >= allowed
        };
        made.items.push(pipeline.process_by(
            inc,
            &feed.name,
            feed.lang.as_deref(),
            fetched,
            &out_of_time,
        ));
    }
    Ok(made)
}

/// The CPU time the calling thread has used.
fn thread_cpu_time() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

thread_local! {
    /// Each worker thread's read connection to the store it last asked.
    static READER: RefCell<Option<(PathBuf, Reader)>> = const { RefCell::new(None) };
}

/// Which of `items` `feed` has stored already; none when the store cannot
/// say (every item then goes through the pipeline, as before it could).
fn known(store: &Store, feed: &str, items: &[ItemRef<'_>]) -> Vec<bool> {
    READER.with_borrow_mut(|slot| {
        if slot.as_ref().is_none_or(|(path, _)| path != store.path()) {
            *slot = store.reader().ok().map(|r| (store.path().to_path_buf(), r));
        }
        match slot.as_ref().map(|(_, r)| r.known(feed, items)) {
            Some(Ok(known)) => known,
            other => {
                if let Some(Err(e)) = other {
                    tracing::warn!(error = %e, feed, "cannot look up the feed's known items");
                }
                *slot = None;
                vec![false; items.len()]
            }
        }
    })
}
