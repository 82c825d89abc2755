//! The effects of the real dashboard: store writes and reads in spawned tasks
//! whose results come back as events, links opened without a shell, the bell.

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
    pub refresh: Option<RefreshNow>,
    /// The terminal obeys `ESC[8l`/`ESC[8h` (VTE).
    pub bdsm: bool,
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
            Effect::OpenLink(url) => open_link(url, tx),
            Effect::OpenItemLink(id) => {
                let store = self.store.clone();
                tokio::task::spawn_blocking(move || {
                    let link = store
                        .reader()
                        .and_then(|r| r.item(id))
                        .map(|i| i.and_then(|i| i.link));
                    match link {
                        Ok(Some(l)) if super::state::is_web(&l) => open_link(l, tx),
                        Ok(Some(_)) => {
                            let _ = tx.blocking_send(Event::Stored(Err(
                                "only http(s) links are opened".into(),
                            )));
                        }
                        Ok(None) => {
                            let _ = tx
                                .blocking_send(Event::Stored(Err("this item has no link".into())));
                        }
                        Err(e) => {
                            let _ = tx.blocking_send(Event::Stored(Err(format!(
                                "cannot read the link: {e}"
                            ))));
                        }
                    }
                });
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

/// Opens an http(s) link with the desktop's opener, argv only, no shell.
fn open_link(url: String, tx: mpsc::Sender<Event>) {
    let Some(url) = crate::alert::openable_link(&url) else {
        return;
    };
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    tokio::task::spawn_blocking(move || {
        let r = std::process::Command::new(opener)
            .arg(&url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        if let Err(e) = r {
            let _ = tx.blocking_send(Event::Stored(Err(format!("cannot run {opener}: {e}"))));
        }
    });
}
