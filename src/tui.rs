//! The terminal: raw mode, alternate screen and mouse on entry; restored on
//! quit, on panic (a panic hook), and on every signal that ends marsad
//! (SIGINT, SIGQUIT, SIGTERM, SIGHUP become a `Shutdown` event). Input, the
//! clock and signals run as tasks sending owned events to the app.

use std::io::{Stdout, Write, stdout};
use std::time::Duration;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture, EventStream};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::app::Event;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Takes the terminal over. `bdsm`: also turn the terminal's own bidi off.
pub fn enter(bdsm: bool) -> anyhow::Result<Term> {
    install_panic_hook(bdsm);
    enable_raw_mode()?;
    let mut out = stdout();
    execute!(out, EnterAlternateScreen, EnableMouseCapture, cursor::Hide)?;
    if bdsm {
        out.write_all(b"\x1b[8l")?;
        out.flush()?;
    }
    Ok(Terminal::new(CrosstermBackend::new(stdout()))?)
}

/// Gives the terminal back as it was. Safe to call more than once.
pub fn restore(bdsm: bool) {
    let mut out = stdout();
    if bdsm {
        let _ = out.write_all(b"\x1b[8h");
    }
    let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen, cursor::Show);
    let _ = disable_raw_mode();
}

fn install_panic_hook(bdsm: bool) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A worker's panic is caught and reported as its feed's error while the
        // dashboard carries on: it goes to the log, not over the screen.
        if crate::feeds::workers::is_worker_thread() {
            tracing::error!(panic = %info, "a worker caught a panic");
            return;
        }
        restore(bdsm);
        previous(info);
    }));
}

/// Keys, mouse and resizes from crossterm's event stream.
pub fn spawn_input(tx: mpsc::Sender<Event>, cancel: CancellationToken) {
    tokio::spawn(async move {
        let mut stream = EventStream::new();
        loop {
            let next = tokio::select! {
                _ = cancel.cancelled() => break,
                next = stream.next() => next,
            };
            let event = match next {
                Some(Ok(crossterm::event::Event::Key(k))) => Event::Key(k),
                Some(Ok(crossterm::event::Event::Mouse(m))) => Event::Mouse(m),
                Some(Ok(crossterm::event::Event::Resize(w, h))) => Event::Resize(w, h),
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    tracing::error!(error = %e, "terminal input failed");
                    Event::Shutdown
                }
                None => Event::Shutdown,
            };
            let stop = matches!(event, Event::Shutdown);
            if tx.send(event).await.is_err() || stop {
                break;
            }
        }
    });
}

/// A tick every second (the clock, flashing alerts). The app redraws on a tick
/// only when something visible changed.
pub fn spawn_clock(tx: mpsc::Sender<Event>, cancel: CancellationToken) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = every.tick() => {
                    if tx.send(Event::Tick(chrono::Utc::now())).await.is_err() {
                        break;
                    }
                }
            }
        }
    });
}

/// Every signal that ends marsad (SIGINT, SIGQUIT, SIGTERM, SIGHUP) ends the
/// session the same way, through the app, so the terminal is restored. The
/// handlers are installed before this returns, so a signal arriving right
/// after start is not lost.
pub fn spawn_signals(tx: mpsc::Sender<Event>, cancel: CancellationToken) {
    let stop = match StopSignals::listen() {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for signals");
            return;
        }
    };
    tokio::spawn(async move {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = stop.recv() => {}
        }
        let _ = tx.send(Event::Shutdown).await;
    });
}

/// The signals that end marsad, listened for together: SIGINT (`kill -INT`,
/// or Ctrl-C when the terminal is not raw), SIGQUIT, SIGTERM and SIGHUP (the
/// terminal went away). Once listened for, none of them ends the process
/// by itself any more: marsad stops in order.
pub struct StopSignals {
    #[cfg(unix)]
    signals: [tokio::signal::unix::Signal; 4],
}

impl StopSignals {
    pub fn listen() -> std::io::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignals {
                signals: [
                    signal(SignalKind::interrupt())?,
                    signal(SignalKind::quit())?,
                    signal(SignalKind::terminate())?,
                    signal(SignalKind::hangup())?,
                ],
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    /// Waits for the first of them.
    pub async fn recv(mut self) {
        #[cfg(unix)]
        {
            let [int, quit, term, hup] = &mut self.signals;
            tokio::select! {
                _ = int.recv() => {}
                _ = quit.recv() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
