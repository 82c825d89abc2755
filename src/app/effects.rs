//! The effects of the real dashboard: store writes and reads in spawned tasks
//! whose results come back as events, queries handed to the query worker, the
//! store's watcher nudged, links opened without a shell or copied through the
//! terminal, the bell.

use std::io::Write;

use tokio::sync::mpsc;

use super::run::Effects;
use super::{Effect, Event};
use crate::store::Store;
use crate::text::bidi::Display;

/// Asks the collector to poll every feed now.
pub type RefreshNow = Box<dyn Fn() + Send>;

pub struct Live {
    pub store: Store,
    pub events: mpsc::Sender<Event>,
    pub queries: super::search::Queries,
    /// Wakes the store's watcher.
    pub nudge: std::sync::mpsc::Sender<()>,
    pub refresh: Option<RefreshNow>,
    /// The terminal obeys `ESC[8l`/`ESC[8h` (VTE).
    pub bdsm: bool,
    /// `$BROWSER`, tried before the desktop's opener.
    pub browser: Option<String>,
}

fn terminal_write(bytes: &[u8]) {
    let mut out = std::io::stdout();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

impl Effects for Live {
    fn run(&mut self, effect: Effect) {
        let tx = self.events.clone();
        match effect {
            Effect::MarkRead(ids, read) => {
                let pending = self.store.mark_read(ids, read);
                tokio::spawn(async move {
                    let r = pending.await;
                    let _ = tx
                        .send(Event::Stored(
                            r.map(|n| format!("{n} marked"))
                                .map_err(|e| format!("cannot mark read: {e}")),
                        ))
                        .await;
                });
            }
            Effect::Acknowledge(items) => {
                let pending = self.store.acknowledge(items);
                tokio::spawn(async move {
                    let r = pending.await;
                    let _ = tx
                        .send(Event::Stored(
                            r.map(|n| format!("{n} acknowledged"))
                                .map_err(|e| format!("cannot acknowledge: {e}")),
                        ))
                        .await;
                });
            }
            Effect::Load(id) => {
                let store = self.store.clone();
                tokio::spawn(async move {
                    let r = tokio::task::spawn_blocking(move || store.reader()?.item(id)).await;
                    let event = match r {
                        Ok(Ok(Some(item))) => Event::Loaded(Box::new(item)),
                        Ok(Ok(None)) => Event::Stored(Err(format!("item {id} is gone"))),
                        Ok(Err(e)) => Event::Stored(Err(format!("cannot read item {id}: {e}"))),
                        Err(e) => Event::Stored(Err(format!("cannot read item {id}: {e}"))),
                    };
                    let _ = tx.send(event).await;
                });
            }
            Effect::OpenLink(url) => {
                let browser = self.browser.clone();
                tokio::task::spawn_blocking(move || {
                    let said = crate::link::open(&url, browser.as_deref()).unwrap_or_else(|e| e);
                    let _ = tx.blocking_send(Event::Notice(said));
                });
            }
            Effect::OpenItemLink(id) | Effect::CopyItemLink(id) => {
                let copy = matches!(effect, Effect::CopyItemLink(_));
                let store = self.store.clone();
                let browser = self.browser.clone();
                tokio::task::spawn_blocking(move || {
                    let link = store
                        .reader()
                        .and_then(|r| r.item(id))
                        .map(|i| i.and_then(|i| i.link));
                    let event = match link {
                        Ok(Some(l)) => match crate::alert::openable_link(&l) {
                            Some(url) if copy => Event::Copy(url),
                            Some(url) => Event::Notice(
                                crate::link::open(&url, browser.as_deref()).unwrap_or_else(|e| e),
                            ),
                            None => Event::Notice("only http(s) links are used".into()),
                        },
                        Ok(None) => Event::Notice("this item has no link".into()),
                        Err(e) => Event::Notice(format!("cannot read the link: {e}")),
                    };
                    let _ = tx.blocking_send(event);
                });
            }
            Effect::CopyLink(link) => {
                // Written here, on the loop's thread, between two frames.
                if let Some((_, seq)) = crate::link::osc52(&link) {
                    terminal_write(&seq);
                }
            }
            Effect::Refresh => {
                if let Some(r) = &self.refresh {
                    r();
                }
            }
            Effect::Bell => terminal_write(b"\x07"),
            Effect::Notify { summary, body } => {
                tokio::task::spawn_blocking(move || crate::alert::notify(&summary, &body));
            }
            Effect::Command(run) => {
                tokio::task::spawn_blocking(move || {
                    let r = crate::alert::run_command(&run.argv, &run.stdin, run.timeout);
                    if let Err(e) = r {
                        let msg = format!("alert {}: {e}", run.alert);
                        tracing::warn!("{msg}");
                        let _ = tx.blocking_send(Event::Stored(Err(msg)));
                    }
                });
            }
            Effect::Query(q) => self.queries.ask(q),
            Effect::MarkReadWhere(query) => {
                let store = self.store.clone();
                tokio::task::spawn_blocking(move || {
                    let r = store
                        .reader()
                        .and_then(|reader| store.mark_read_where(&reader, &query));
                    let event = match r {
                        Ok(1) => Event::Notice("1 item marked read".into()),
                        Ok(n) => Event::Notice(format!("{n} items marked read")),
                        Err(e) => Event::Stored(Err(format!("cannot mark read: {e}"))),
                    };
                    let _ = tx.blocking_send(event);
                });
            }
            Effect::Bookmark(id, on) => {
                let store = self.store.clone();
                tokio::task::spawn_blocking(move || {
                    let r = match on {
                        Some(on) => Ok(on),
                        None => store.reader().and_then(|r| r.is_bookmarked(id)).map(|b| !b),
                    }
                    .and_then(|on| store.set_bookmark(id, on).wait().map(|_| on));
                    let event = match r {
                        Ok(on) => Event::Bookmarked(id, on),
                        Err(e) => Event::Stored(Err(format!("cannot bookmark: {e}"))),
                    };
                    let _ = tx.blocking_send(event);
                });
            }
            Effect::DeleteFilter(name) => {
                let pending = self.store.delete_filter(name);
                tokio::spawn(async move {
                    if let Err(e) = pending.await {
                        let msg = format!("cannot delete the filter: {e}");
                        let _ = tx.send(Event::Stored(Err(msg))).await;
                    }
                });
            }
            Effect::SaveFilter { name, filter } => {
                let pending = self.store.save_filter(name, filter);
                tokio::spawn(async move {
                    if let Err(e) = pending.await {
                        let msg = format!("cannot save the filter: {e}");
                        let _ = tx.send(Event::Stored(Err(msg))).await;
                    }
                });
            }
            Effect::Nudge => {
                let _ = self.nudge.send(());
            }
            Effect::Bidi(d) => {
                if self.bdsm {
                    terminal_write(match d {
                        Display::App | Display::Shaped => b"\x1b[8l",
                        Display::Terminal => b"\x1b[8h",
                    });
                }
            }
        }
    }
}
