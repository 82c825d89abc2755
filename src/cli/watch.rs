//! `marsad watch` (the default): load the store, start the collector, and run
//! the dashboard in the terminal until the user quits.

use std::process::ExitCode;

use anyhow::Context as _;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Context;
use crate::app::effects::{Live, Refresh};
use crate::app::state::Init;
use crate::app::{Event, Keymap, State};
use crate::config::Config;
use crate::store::Store;
use crate::text::bidi;
use crate::ui::theme::Theme;

pub fn run(ctx: &Context) -> anyhow::Result<ExitCode> {
    let keymap = keymap(&ctx.config)?;
    let store = ctx.open_store()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(dashboard(ctx.config.clone(), store, keymap))?;
    Ok(ExitCode::SUCCESS)
}

/// The keymap of the config, its errors listed one per line.
pub fn keymap(config: &Config) -> anyhow::Result<Keymap> {
    Keymap::new(&config.keys).map_err(|errors| {
        anyhow::anyhow!(
            "the [keys] table of {}:\n  {}",
            config.source,
            errors.join("\n  ")
        )
    })
}

/// Starts the collector on `config`'s feeds: it stores what it finds and its
/// outcomes reach the app as `Event::Polled`. Returns the "refresh now" handle,
/// or `None` when no collector runs.
///
/// This branch has no collector yet (it is written in parallel in
/// `feeds::poller`); the header then says "feeds not polled". Wiring it means
/// spawning it here and forwarding each `PollOutcome` as
/// `Event::Polled(Box::new(outcome))`.
pub fn start_collector(
    _config: &Config,
    _store: &Store,
    _events: mpsc::Sender<Event>,
    _cancel: CancellationToken,
) -> Option<Refresh> {
    None
}

/// Loads the store and runs the dashboard in the terminal.
pub async fn dashboard(config: Config, store: Store, keymap: Keymap) -> anyhow::Result<()> {
    let reader_store = store.clone();
    let (rows, alerts, feeds) = tokio::task::spawn_blocking(move || {
        let r = reader_store.reader()?;
        anyhow::Ok((r.dashboard_items()?, r.alerts(false, 500)?, r.feeds()?))
    })
    .await
    .context("the store loader stopped")?
    .context("cannot load the store")?;

    let (tx, mut rx) = mpsc::channel::<Event>(4096);
    let cancel = CancellationToken::new();
    let refresh = start_collector(&config, &store, tx.clone(), cancel.clone());
    let decision = bidi::decide(config.settings.bidi, |k| std::env::var(k).ok());
    let mut terminal = crate::tui::enter(decision.disable_terminal_bidi)?;
    let size = terminal.size().unwrap_or_default();
    let state = State::new(
        &config,
        Init {
            rows,
            alerts,
            feeds,
            now: chrono::Utc::now(),
            display: decision.display,
            polling: refresh.is_some(),
            keymap,
            theme: Theme::from_env(std::env::var("NO_COLOR").ok()),
            size: (size.width, size.height),
        },
    );
    crate::tui::spawn_input(tx.clone(), cancel.clone());
    crate::tui::spawn_clock(tx.clone(), cancel.clone());
    crate::tui::spawn_signals(tx.clone(), cancel.clone());
    let mut effects = Live {
        store,
        events: tx,
        refresh,
        bdsm: decision.disable_terminal_bidi,
    };
    let result = crate::app::run::run(&mut terminal, state, &mut rx, &mut effects).await;
    cancel.cancel();
    crate::tui::restore(decision.disable_terminal_bidi);
    result.map(|_| ())
}
