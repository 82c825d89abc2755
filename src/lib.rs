//! marsad (مرصد, "observatory"): a terminal dashboard for watching the news live,
//! Arabic-first and bilingual.
//!
//! # Layout
//!
//! - `config`: feeds.toml, found, parsed and validated (settings, feeds, taxonomy).
//! - `model`: the domain types every layer shares (items, labels, evidence).
//! - `text`: pure text functions: HTML to text, sanitize, normalize, search keys.
//! - `classify`: topics, parties and alerts from the config's rules. Pure.
//! - `stories`: stories (one event, every source, both languages) found online,
//!   and breaking detection. Pure.
//! - `alert`: what fired alerts do (bell, notification, command) and flood control.
//! - `feeds`: fetching, decoding and parsing feeds; the Tokio poller and the
//!   worker threads that parse and classify what it fetches.
//! - `pipeline`: the one path from an incoming item to a storable one.
//! - `store`: the SQLite store: one writer thread, readers, migrations.
//! - `seeds`: importing the seed documents of `seeds/`.
//! - `app`: the dashboard's events, keymap, state and loop (no IO, no drawing).
//! - `ui`: drawing the dashboard, a pure function of the app's state.
//! - `tui`: the terminal: setup, restore, input, clock and signal tasks.
//! - `cli`: the command line (clap) and the headless commands.
//! - `demo`: a built-in news replay served on 127.0.0.1 for `marsad demo`.
//! - `link`: a checked link handed to the browser or, through the terminal, the clipboard.
//! - `logging`: tracing to a log file, never the terminal.
//! - `paths`: where config, data and logs live on disk.
//! - `zone`: the watch's time zone and the forms times are shown in.

// Commands write to standard output through `writeln!` and pass its error up,
// so that a closed pipe ends them quietly (see `cli::is_closed_pipe`);
// `println!` would panic there.
#![deny(clippy::print_stdout)]

pub mod alert;
pub mod app;
pub mod classify;
pub mod cli;
pub mod config;
pub mod demo;
pub mod feeds;
pub mod link;
pub mod logging;
pub mod model;
pub mod paths;
pub mod pipeline;
pub mod seeds;
pub mod store;
pub mod stories;
pub mod text;
pub mod tui;
pub mod ui;
pub mod zone;
