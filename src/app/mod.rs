//! The dashboard's application: events coming in, the actions keys map to, the
//! state they update, and the loop that draws it. The app alone owns the UI state;
//! IO happens in tasks that send owned events back.
//!
//! The state holds windows over the store, never the store: `window` (a pane's
//! page over a query), `panes` (the panes and their queries under the filters),
//! `alerts` (the strip and the alerts view), `search` (the worker that answers
//! queries off the interface's thread) and `live` (the watcher that sees what
//! any process writes).

pub mod action;
pub mod alerts;
pub mod effects;
pub mod event;
pub mod items;
pub mod keymap;
pub mod live;
pub mod panes;
pub mod reading;
pub mod run;
pub mod saved;
pub mod search;
pub mod state;
mod update;
pub mod window;

pub use action::{Action, Effect};
pub use event::Event;
pub use keymap::Keymap;
pub use state::State;
