//! Logging with `tracing` to a file in the data folder, never onto the terminal
//! (the dashboard owns it). `$MARSAD_LOG` overrides the level filter.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts logging to `marsad.log`; keep the guard alive until exit so the last
/// lines are written. Logging that cannot start is skipped silently.
pub fn init(verbose: u8) -> Option<WorkerGuard> {
    let dir = crate::paths::log_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("marsad.log"))
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let level = match verbose {
        0 => "marsad=info",
        1 => "marsad=debug",
        _ => "marsad=trace",
    };
    let filter = EnvFilter::try_from_env("MARSAD_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
