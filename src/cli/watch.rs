//! `marsad watch` (the default): load the store, start the collector, and run
//! the dashboard in the terminal until the user quits.

use std::process::ExitCode;

use anyhow::Context as _;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Context;
use crate::app::effects::{Live, RefreshNow};
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
    let result = runtime.block_on(dashboard(ctx.config.clone(), store, keymap));
    runtime.shutdown_timeout(STRAGGLERS);
    result.map(|()| ExitCode::SUCCESS)
}

/// How long the collector's polls under way may take to hand their items to
/// the store once the dashboard has closed (the terminal is already given
/// back). A write already handed over completes; what is not stored by then
/// is fetched again next time, and nothing acknowledged is lost.
pub const GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// How long blocking work still running (a load, a notification) may hold
/// the process once everything else has stopped.
pub const STRAGGLERS: std::time::Duration = std::time::Duration::from_millis(200);

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
/// outcomes reach the app as `Event::Polled`. Returns the "refresh now" handle
/// and the collector's task, which ends after `cancel` once its polls under
/// way have stored what they fetched. `watch` and `demo` both start it here.
pub async fn start_collector(
    config: &Config,
    store: &Store,
    events: mpsc::Sender<Event>,
    cancel: CancellationToken,
) -> anyhow::Result<(RefreshNow, tokio::task::JoinHandle<()>)> {
    use std::sync::Arc;

    use crate::classify::Classifier;
    use crate::feeds::poller::{Collector, Refresh};
    use crate::pipeline::Pipeline;

    let pipeline = Arc::new(Pipeline::new(Classifier::new(config)?));
    let collector = Arc::new(Collector::new(&config.settings, pipeline, store.clone())?);
    let feeds = collector.load(&config.feeds).await?;
    let (out_tx, mut out_rx) = mpsc::channel(256);
    let (refresh_tx, refresh_rx) = mpsc::channel(8);
    let collecting = tokio::spawn(collector.run(feeds, out_tx, refresh_rx, cancel));
    tokio::spawn(async move {
        while let Some(o) = out_rx.recv().await {
            if events.send(Event::Polled(Box::new(o))).await.is_err() {
                break;
            }
        }
    });
    let refresh: RefreshNow = Box::new(move || {
        let _ = refresh_tx.try_send(Refresh::All);
    });
    Ok((refresh, collecting))
}

/// Loads the store and runs the dashboard in the terminal. The panes' first
/// pages, counts and alerts are read before the first frame; from then on a
/// query worker answers what the panes ask, and a watcher sends what any
/// process writes to the store.
pub async fn dashboard(config: Config, store: Store, keymap: Keymap) -> anyhow::Result<()> {
    // Feed health covers the configured feeds, in config order: not the
    // seeds, not feeds since removed from the config.
    let configured: crate::app::live::Configured = config
        .feeds
        .iter()
        .map(|f| (f.name.clone(), f.url.to_string()))
        .collect();
    let decision = bidi::decide(config.settings.bidi, |k| std::env::var(k).ok());
    let size = crossterm::terminal::size().unwrap_or((80, 24));
    let mut state = State::new(
        &config,
        Init {
            feeds: Vec::new(),
            now: chrono::Utc::now(),
            display: decision.display.with_shaping(config.settings.shape),
            polling: true,
            keymap,
            theme: Theme::from_env(std::env::var("NO_COLOR").ok()),
            size,
        },
    );
    let reader_store = store.clone();
    let feeds_of = configured.clone();
    let (mut state, mark, feeds, after, skipped) = tokio::task::spawn_blocking(move || {
        let r = reader_store.reader()?;
        // Seen before the first pages are read: what comes after is news.
        let mark = crate::app::live::Mark::now(&r)?;
        let feeds = crate::app::live::feed_health(&r, &feeds_of)?;
        let (after, skipped) = crate::app::search::settle(&mut state, &r)?;
        anyhow::Ok((state, mark, feeds, after, skipped))
    })
    .await
    .context("the store loader stopped")?
    .context("cannot load the store")?;
    state.feeds = feeds.into_iter().map(Into::into).collect();
    state.effects.extend(after);

    let (tx, mut rx) = mpsc::channel::<Event>(4096);
    if let Some(msg) = skipped {
        let _ = tx.try_send(Event::Stored(Err(msg)));
    }
    let cancel = CancellationToken::new();
    crate::tui::spawn_signals(tx.clone(), cancel.clone());
    let queries = crate::app::search::Queries::spawn(&store, tx.clone())?;
    let nudge = crate::app::live::spawn(&store, mark, configured, tx.clone())?;
    let (refresh, collecting) =
        start_collector(&config, &store, tx.clone(), cancel.clone()).await?;
    let mut terminal = crate::tui::enter(decision.disable_terminal_bidi)?;
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    crate::tui::spawn_input(tx.clone(), cancel.clone());
    crate::tui::spawn_clock(tx.clone(), cancel.clone());
    let mut effects = Live {
        store,
        events: tx,
        queries,
        nudge,
        refresh: Some(refresh),
        bdsm: decision.disable_terminal_bidi,
        browser: std::env::var("BROWSER").ok(),
    };
    let result = crate::app::run::run(&mut terminal, state, &mut rx, &mut effects).await;
    cancel.cancel();
    crate::tui::restore(decision.disable_terminal_bidi);
    drop(rx);
    if tokio::time::timeout(GRACE, collecting).await.is_err() {
        tracing::warn!("polls under way did not finish within {GRACE:?} of quitting");
    }
    result.map(|_| ())
}
